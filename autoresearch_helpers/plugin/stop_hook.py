"""Stop hook: while the experiment loop runs, the agent does not end its turn to ask
whether to go on; it runs the next experiment.

Claude Code runs it when the agent is about to end its turn (see .claude-plugin/plugin.json),
the event as JSON on stdin (Claude Code 2.1.330 sends these keys, among others)::

    {"hook_event_name": "Stop", "cwd": "/repo", "session_id": "...",
     "transcript_path": "...", "stop_hook_active": false, "last_assistant_message": "..."}

When the cwd's git repository has an active session on its branch (plugin/hook.py
``active_session``: store/sessions.py ``phase`` is active, HEAD on the session's branch)
whose loop is under way (an experiment was logged since the last setup or resume: not
store/sessions.py ``fresh``; so `/autoresearch setup` alone still ends its turn), the end
of the turn is blocked with the Stop decision output; Claude Code gives the reason to the
agent, which goes on::

    {"decision": "block", "reason": "autoresearch: the loop is running: ..."}

A cap keeps this from looping: the hook counts its blocks in .autoresearch/stop-hook.json
and starts again from zero whenever an experiment was logged since its last block. After
CAP blocks in a row with no new experiment, it lets the turn end and tells the user, in a
``systemMessage`` (shown to the user, not the agent), where the loop stands and how to
resume it. ``stop_hook_active`` does not decide alone: Claude Code sets it after a first
block and keeps it set for the rest of that turn, experiments included, so an agent that
goes on working would otherwise be let go at its next stop. It only starts the count
afresh when false (a new turn: the user wrote). Claude Code has its own cap as well (8
blocks with no tool call in between, CLAUDE_CODE_STOP_HOOK_BLOCK_CAP), above ours.

No session, a stopped or finished one, none under way, another branch, a turn of
`autoresearch loop` (it holds the session lock as "loop", and starts the next turn itself)
or a cwd outside a repository: the turn ends (nothing printed). A session.json that cannot
be read: one line on stderr, the turn ends. The hook never fails: exit 0 (hook.respond).
Standard library only.
"""

from __future__ import annotations

import json
import os
import sys

if __name__ == "__main__":  # run as a file: import the package of this plugin copy
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from autoresearch_helpers import paths  # noqa: E402
from autoresearch_helpers.plugin.hook import conversation_loop, respond  # noqa: E402
from autoresearch_helpers.store import sessions  # noqa: E402
from autoresearch_helpers.vocab import fmt_counts, fmt_value  # noqa: E402

CAP = 3  # blocks in a row without a new experiment, then the turn may end
COUNT_FILE = "stop-hook.json"  # under .autoresearch/: {"tag", "experiments", "blocks"}
REASON = ("autoresearch: the experiment loop is running; do not stop to ask whether to go "
          "on. Run the next experiment: `autoresearch status --brief`, think of one idea not "
          "tried yet, edit the editable files, `autoresearch run -d \"<the idea>\"`. If an "
          "experiment runs in the background, wait for its output. Only if the user asked to "
          "end the loop: run `autoresearch stop`, then `autoresearch results`.")


def decide(event: dict) -> dict | None:
    """The hook's output: a block, a message when the cap lets the turn end, or None."""
    found = conversation_loop(event)  # None in a turn of `autoresearch loop`: it goes on itself
    if found is None or sessions.fresh(found[1]):
        return None  # no loop here, or none under way yet: `/autoresearch setup` ends so
    root, state = found
    count = os.path.join(paths.state_dir(root), COUNT_FILE)
    mark = {"tag": state.tag, "experiments": state.experiments}
    blocks = _blocks(count, mark) if event.get("stop_hook_active") is True else 0
    if blocks >= CAP:
        _remove(count)
        return {"systemMessage": summary(state)}
    _write(count, {**mark, "blocks": blocks + 1})
    return {"decision": "block", "reason": REASON}


def summary(state) -> str:
    """One line for the user when the loop pauses: where it stands, how to go on."""
    best = ("no baseline yet" if state.champion is None else
            f"best {state.metric_name} {fmt_value(state.champion.value)} "
            f"at {state.champion.commit[:7]}")
    counts = state.counts
    return (f"autoresearch: the agent ended its turn {CAP} times in a row without a new "
            f"experiment, so it may stop · session {state.tag}: {best} · "
            + fmt_counts(state.experiments, counts.get("keep", 0), counts.get("discard", 0),
                         counts.get("crash", 0))
            + " · the session stays active: /autoresearch resumes the loop, "
            "/autoresearch stop ends it")


def _blocks(path: str, mark: dict) -> int:
    """The blocks counted so far for this session and experiment count; 0 when new."""
    try:
        with open(path, encoding="utf-8") as fh:
            saved = json.load(fh)
    except (OSError, ValueError):
        return 0
    if not isinstance(saved, dict) or any(saved.get(k) != v for k, v in mark.items()):
        return 0  # another session, or an experiment was logged since the last block
    blocks = saved.get("blocks")
    return blocks if isinstance(blocks, int) and not isinstance(blocks, bool) else 0


def _write(path: str, data: dict) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def main(stdin=None) -> int:
    return respond(stdin, "autoresearch stop hook", decide, "; the turn may end")


if __name__ == "__main__":
    sys.exit(main())
