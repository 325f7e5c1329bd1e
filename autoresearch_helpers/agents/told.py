"""What an agent is told after an experiment: the lines `autoresearch run` prints (and
the loop puts in its next prompt), and the same as JSON (`run --json`)."""

from __future__ import annotations

import os

from autoresearch_helpers import paths
from autoresearch_helpers.engine import holdout
from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.engine.runlog import tail
from autoresearch_helpers.store import session
from autoresearch_helpers.vocab import (
    CRASH, DISCARD, KEEP, fmt_count, fmt_counts, fmt_decided_by, fmt_delta, fmt_value, inert,
    is_better, short, typed)

TAIL_LINES = 30


def as_json(root, o: Outcome) -> dict:
    return {"status": o.status, "value": o.value, "best": o.state.champion.value,
            "delta": o.delta, "commit": o.commit[:7] if o.commit else None,
            "error": o.error, "detail": o.detail if o.error else None,
            "reason": o.reason or None, "experiment": o.number, "duration_s": o.duration_s,
            "memory_gb": o.memory_gb, "stop_requested": session.stop_requested(root),
            "p_value": o.p_value, "interval": o.interval, "samples": o.samples,
            "champion_samples": o.champion_samples,
            **_held_out(o), "notes": o.notes}


def _held_out(o: Outcome) -> dict:
    """The held-out values, shown only when the check turned a keep into a discard."""
    shown = o.reason == holdout.REGRESSED
    return {"holdout": o.holdout if shown else None,
            "holdout_prev": o.holdout_prev if shown else None}


def _worse_than_baseline(o: Outcome) -> bool:
    """A discard worse than the baseline: often a bug (a harness that scores an exception
    0), so its log is shown as a crash's is."""
    base = o.state.baseline
    return (o.status == DISCARD and o.value is not None and base is not None
            and is_better(o.state.direction, base.value, o.value))


def outcome_lines(root, o: Outcome) -> list[str]:
    """At most ~6 lines for the agent; a crash adds the tail of the log (<= 30 lines).
    Every line is inert (vocab.inert): a description, a detail or a file name shows its
    control characters as escapes, and a newline in it as \\n."""
    state = o.state
    lines = list(o.notes)
    metric = state.metric_name
    if o.status == CRASH:
        head = f"experiment {o.number}: CRASH ({o.error}) · {o.detail}"
    else:
        head = (f"experiment {o.number}: {o.status.upper()} ({o.reason}) · {metric} "
                f"{fmt_value(o.value)} ({fmt_delta(o.delta)} vs best {fmt_value(o.prev)})")
    evidence = fmt_decided_by(o.interval, o.p_value, len(o.champion_samples), o.reason)
    if evidence:
        head += f" · {evidence}"
    if _held_out(o)["holdout"] is not None:
        head += (f" · held-out {holdout.metric(state.config['values'])} "
                 f"{fmt_value(o.holdout)} vs {fmt_value(o.holdout_prev)} for the best")
    if o.status != KEEP:
        head += "; reverted to the best commit"
    lines.append(head)
    counts = state.counts
    lines.append(f"best: {metric} {fmt_value(state.champion.value)} at "
                 f"{short(state.champion.commit)} · "
                 + fmt_counts(state.experiments, counts.get("keep", 0),
                              counts.get("discard", 0), counts.get("crash", 0)))
    if o.violations:
        lines.append("only these files may change: " + ", ".join(state.editable))
        lines.append(f"the change was saved under {o.saved}/ (to bring it back: git apply "
                     f"{o.saved}/change.patch, and copy back what is under {o.saved}/files/)")
    lines = [inert(line) for line in lines]
    log = o.log if o.status == CRASH else paths.RUN_LOG if _worse_than_baseline(o) else None
    if not o.violations and log:
        text = tail(os.path.join(root, log), lines=TAIL_LINES)  # inert already, tabs kept
        if text.strip():
            why = "" if o.status == CRASH else " (worse than the baseline: a bug?)"
            lines.append(f"--- last lines of {inert(log)}{why} ---")
            lines.extend(text.rstrip("\n").split("\n"))
    if state.crash_streak >= 3:
        lines.append(f"{fmt_count(state.crash_streak, 'crash', 'crashes')} in a row: fix the "
                     "cause or try a different kind of idea")
    if session.stop_requested(root):
        lines.append(f"STOP REQUESTED: end the loop now (run '{typed('setup')}' to resume later)")
    return lines
