"""Recording one result: the TSV row, the JSONL event and the session counters, together.

Write-ahead in one place: :func:`begin` saves the result in the session's pending record,
:func:`complete` writes the lines still missing and clears it. A kill between any two
steps leaves a pending result that recovery completes, so no line is lost or repeated
and no experiment number is used twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from autoresearch_helpers import paths

from autoresearch_helpers.store import logs, session
from autoresearch_helpers.store.session import Pending, State
from autoresearch_helpers.vocab import CRASH, difference, fmt_count, short


@dataclass
class Result:
    """One logged experiment (number 0 is the baseline)."""

    number: int
    status: str  # keep | discard | crash
    description: str
    value: float | None = None  # None for a crash
    prev: float | None = None  # the champion's value it was compared with
    commit: str | None = None
    reason: str = ""  # why keep/discard: improved, simpler, tie, not better, ...
    error: str | None = None  # the crash code: timeout, exit_N, metric_missing, ...
    detail: str = ""  # one line about the error
    duration_s: float | None = None
    memory_gb: float | None = None
    p_value: float | None = None  # noisy metric: the test's, adjusted for its looks
    samples: list[float] = field(default_factory=list)
    champion_samples: list[float] = field(default_factory=list)  # the paired runs beside
    interval: list[float] | None = None  # noisy metric: of value - prev, as decided
    sizes: dict | None = None  # a size metric: what was counted (engine/sizes.py)
    holdout: float | None = None  # the held-out check's value (engine/holdout.py)
    holdout_prev: float | None = None  # the champion's held-out value it was compared with

    @property
    def delta(self) -> float | None:
        if self.value is None or self.prev is None:
            return None
        return difference(self.value, self.prev)


def details(state: State, r: Result) -> dict:
    """The ``details`` of the experiment_done event (docs/formats.md)."""
    out = {
        "status": r.status, "metric": state.metric_name, "value": r.value, "prev": r.prev,
        "delta": r.delta, "commit": short(r.commit), "description": r.description,
        "memory_gb": None if r.memory_gb is None else round(r.memory_gb, 3),
        "tag": state.tag, "duration_s": None if r.duration_s is None else round(r.duration_s, 3),
        "experiment": r.number, "reason": r.reason, "direction": state.direction,
    }
    if r.error:
        out["error"] = r.error
        out["error_detail"] = r.detail
    if r.p_value is not None:
        out["p_value"] = r.p_value
    if len(r.samples) > 1 or r.champion_samples:
        out["samples"] = list(r.samples)
    if r.champion_samples:
        out["champion_samples"] = list(r.champion_samples)
    if r.interval is not None:
        out["interval"] = list(r.interval)
    if r.sizes:
        out["sizes"] = dict(r.sizes)
    if r.holdout is not None:
        out["holdout"], out["holdout_prev"] = r.holdout, r.holdout_prev
    return out


def begin(root, state: State, r: Result) -> None:
    """Write ahead: the decided result and where each log ends go into the session (one
    atomic save) before any log line, so that :func:`complete` can finish the work after
    a kill at any later point without losing or repeating a line."""
    if state.pending is None or state.pending.number != r.number:
        state.pending = Pending.begin(r.number, r.commit, r.description)
    state.pending.outcome = {f.name: getattr(r, f.name) for f in fields(Result)}
    state.pending.logs = logs.sizes(root)
    session.save(root, state)


def complete(root, state: State) -> Result:
    """Append what the pending result still lacks (the TSV row, the experiment_done event),
    count it and clear it: the same end whether called at once or by recovery."""
    r = Result(**state.pending.outcome)
    before, now = state.pending.logs, logs.sizes(root)
    if now["tsv"] <= before["tsv"]:
        logs.append_tsv(root, short(r.commit), state.metric_name, r.value, r.status,
                        r.description)
    if now["jsonl"] <= before["jsonl"]:
        logs.log_event(root, "experiment_done", details(state, r), tag=state.tag,
                       ok=r.status != CRASH)
    state.record(r.number, r.status, {
        "n": r.number, "status": r.status, "value": r.value, "delta": r.delta,
        "commit": short(r.commit), "description": r.description[:200], "error": r.error,
        "reason": r.reason})
    state.log_sizes = logs.sizes(root)
    state.pending = None
    session.save(root, state)
    return r


def mend_logs(root, state: State) -> list[str]:
    """Logs shorter than this session last left them were cut or deleted by someone else:
    say so, and rebuild results.tsv from the JSONL log, which holds every result too."""
    lost = []
    now = logs.sizes(root)
    where = {"tsv": paths.tsv_path(root), "jsonl": paths.jsonl_path(root)}
    for key, name in (("tsv", "results.tsv"), ("jsonl", "the JSONL log")):
        if os.path.exists(where[key]) and not os.path.isfile(where[key]):
            continue  # not a file (a device, a folder): appending to it says what is wrong
        if now[key] < state.log_sizes.get(key, 0):
            lost.append(f"{name} was cut or deleted ({fmt_count(now[key], 'byte')}, "
                        f"{state.log_sizes[key]} before)")
    if any(line.startswith("results.tsv") for line in lost):
        rows = logs.rebuild_tsv(root, state.tag)
        lost.append(f"results.tsv was rebuilt from the JSONL log ({fmt_count(rows, 'row')})")
    if lost:
        state.log_sizes = logs.sizes(root)
        session.save(root, state)
    return lost


def record(root, state: State, r: Result) -> None:
    """Log one result and save the session: :func:`begin`, then :func:`complete`."""
    begin(root, state, r)
    complete(root, state)
