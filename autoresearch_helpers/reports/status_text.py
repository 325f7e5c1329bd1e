"""The few lines `status` (and a resumed `setup`) print: enough for an agent to carry on,
with what reports/briefing says of the project (the run command, where the metric comes
from, the hidden files, the project's instructions).

Every line is inert (vocab.inert): descriptions, names and file names come from the logs
and the configuration, and show their control characters as escapes. The recent entries
are the session state's; the paired test of each (p_value, interval, pairs) is read from
the JSONL's last records (``with_evidence``)."""

from __future__ import annotations

from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.reports import briefing, inflight
from autoresearch_helpers.reports.session_log import last_done, record_of
from autoresearch_helpers.reports.summary import evidence_of
from autoresearch_helpers.store import session, sessions
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import (
    CRASH, change_pct, direction_words, fmt_counts, fmt_decided_by, fmt_value, inert, typed)


def budget_text(state: State) -> str:
    value = (state.config.get("values") or {}).get("time_budget")
    return "?" if value is None else f"{value:g}"


def brief_lines(root, state: State, last: int = 5, brief: bool = True) -> list[str]:
    """The status lines; ``brief`` (status --brief, a resumed setup) shows the project's
    instructions in full while no experiment has run since setup or the last resume."""
    rules = briefing.instructions_lines(root, state.config, brief and sessions.fresh(state))
    return [inert(line) for line in _state_lines(root, state, last)] + rules


def _state_lines(root, state: State, last: int) -> list[str]:
    champion, baseline, counts = state.champion, state.baseline, state.counts
    lines = [f"session {state.tag} ({sessions.phase(root, state)}) on {state.branch} · "
             f"metric {state.metric_name} "
             f"({direction_words(state.direction)})",
             "editable: " + ", ".join(state.editable)
             + (" · read-only: " + ", ".join(state.readonly) if state.readonly else "")
             + f" · time budget {budget_text(state)} s per run",
             briefing.run_line(state.config), *briefing.hidden_line(state.config)]
    if champion is None:
        lines.append(f"no baseline yet: run '{typed('setup')}' to measure it")
        return lines
    change = ""
    pct = change_pct(baseline.value if baseline else None, champion.value)
    if pct is not None:
        change = f", {pct:+.2f}% vs baseline {fmt_value(baseline.value)}"
    lines.append(f"best: {fmt_value(champion.value)} at {champion.commit[:7]}{change} · "
                 + fmt_counts(state.experiments, counts.get("keep", 0),
                              counts.get("discard", 0), counts.get("crash", 0))
                 + f" · crash streak {state.crash_streak}")
    recent = [r for r in state.recent if r.get("n", 0) > 0][-last:] if last > 0 else []
    for r in with_evidence(root, recent):
        what = r["error"] if r["status"] == CRASH else fmt_value(r.get("value"))
        test = fmt_decided_by(r["interval"], r["p_value"], r["pairs"] or 0, r.get("reason"))
        lines.append(f"  #{r['n']} {r['status']:<7} {what:<12} {r['description'][:100]}"
                     + (f" · {test}" if test else ""))
    now_running = inflight.running(root, state)
    if now_running is not None:
        lines.append(inflight.line(now_running))
    elif inflight.interrupted(state, now_running):
        lines.append(f"an experiment was interrupted: the next '{typed('run')}' repairs it")
    lines.append("stop requested: " + ("YES - end the loop now" if session.stop_requested(root)
                                       else "no"))
    return lines


def with_evidence(root, entries: list[dict]) -> list[dict]:
    """The state's recent ``entries``, each with the p_value, interval and pairs of its
    paired test (None without one, or when the JSONL cannot be read)."""
    try:
        details = last_done(root, len(entries)).details
    except AutoresearchError:  # status shows the state even when the log is unreadable
        details = {}
    return [{**r, **evidence_of(record_of(details, r.get("n"), r.get("commit")) or {})}
            for r in entries]
