"""The prompt of one loop iteration: the project's instructions, the brief status, the last
result, the editable files and the rules of a turn. Short: an agent CLI starts afresh
each turn, so everything it needs is here, and nothing more."""

from __future__ import annotations

import re

from autoresearch_helpers.reports.briefing import instructions_lines
from autoresearch_helpers.reports.status_text import brief_lines
from autoresearch_helpers.store.session import State

DESCRIPTION = re.compile(r"^\s*\**DESCRIPTION\**\s*:\s*(.+?)\s*$", re.MULTILINE)


def build(root, state: State, last: list[str]) -> str:
    """The prompt for the next experiment; ``last``: what the last experiment came to."""
    editable = ", ".join(state.editable)
    status = [line for line in brief_lines(root, state, brief=False)
              if not line.startswith(("stop requested:", "instructions:"))]
    parts = [
        "You are one step of an autonomous experiment loop (autoresearch) in the git "
        f"repository {root}. Propose ONE idea that should improve the metric "
        f"{state.metric_name} ({state.direction.replace('_', ' ')}), and make it as an "
        "edit to the editable files.",
        "",
        *instructions_lines(root, state.config, full=True),
        "",
        "--- the session ---",
        *status,
    ]
    if last:
        parts += ["", "--- the last experiment ---", *last]
    parts += [
        "",
        "--- the rules of this turn ---",
        f"- Edit only these files: {editable}. Every other file is read-only; reading is "
        "fine, but for the hidden files the session lists: never read those.",
        "- One idea per turn: a small, focused change, not tried yet (every idea so far is a "
        "row of results.tsv). Build on the best version, which is the one in the working "
        "tree now.",
        "- Never special-case the benchmark: no reading its data at run time, no hard-coded "
        "answers, no detecting the harness.",
        "- Do not run the experiment, and do not run git: the loop commits, measures and "
        "keeps or reverts your change after you finish.",
        "- Finish with one line: DESCRIPTION: <what this change tries, in a few words>",
    ]
    return "\n".join(parts) + "\n"


def description(text: str) -> str | None:
    """The last ``DESCRIPTION: ...`` line an agent printed, or None."""
    found = DESCRIPTION.findall(text or "")
    return found[-1][:200] if found else None
