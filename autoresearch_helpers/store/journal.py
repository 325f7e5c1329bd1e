"""Recording one result: the TSV row, the JSONL event and the session counters, together."""

from __future__ import annotations

from dataclasses import dataclass, field

from autoresearch_helpers.store import logs
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import CRASH, short


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
    p_value: float | None = None
    samples: list[float] = field(default_factory=list)

    @property
    def delta(self) -> float | None:
        return None if self.value is None or self.prev is None else self.value - self.prev


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
    if len(r.samples) > 1:
        out["samples"] = list(r.samples)
    return out


def record(root, state: State, r: Result) -> None:
    """Append the TSV row and the experiment_done event; count it in ``state``."""
    logs.append_tsv(root, short(r.commit), state.metric_name, r.value, r.status, r.description)
    logs.log_event(root, "experiment_done", details(state, r), tag=state.tag,
                   ok=r.status != CRASH)
    state.record(r.number, r.status, {
        "n": r.number, "status": r.status, "value": r.value, "delta": r.delta,
        "commit": short(r.commit), "description": r.description[:200], "error": r.error,
        "reason": r.reason})
