"""What the summary of a session holds: the types behind `results`, `dashboard` and `report`.

The rules (reports/summarise.py reads the logs, reports/tally.py counts):

- results.tsv is the source of the counts, baseline, best and trend. Its first row is the
  baseline (experiment 0); each later row is an experiment numbered from 1. A later "keep"
  row described exactly "baseline" starts a new session: the summary covers the last one.
- best = the session's champion: the LAST kept row (the baseline until something is kept),
  whatever its value. Each keep replaces the champion, as the engine does with
  session.json's champion and the branch head: a keep of an equal value with fewer lines
  ("simpler") and a noisy metric's keep (the mean of its runs, which need not be the
  extreme of the log) are the best, never an older commit with the same or a better
  number. The trend of the best (best_series) is the champion's value after each row.
  Crashes never count towards best or the trend and carry value None (they are never 0).
- delta of an experiment = its value minus the champion's before it, rounded to the
  decimals of the two (vocab.difference; None for a crash): the JSONL's delta (value - prev).
- improvement_pct is positive when best is better than baseline; change_pct is the signed
  relative change (best - baseline) / |baseline| * 100.
- --tag T: rows of results.tsv carry no tag, so with a tag the experiments are the JSONL
  experiment_done records whose tag is T (the baseline is its experiment 0, or else the
  first record's prev value at the session's base_commit).
- error / reason / duration_s / memory_gb of the experiments shown come from the JSONL
  records matched by experiment number and commit; crash_reasons counts the errors of the
  current session's records.
- the paired test of a noisy metric's experiment (docs/decisions.md): p_value, interval
  (of value - best, as decided) and pairs (its champion_samples) come from the same
  records; an experiment without a test (a deterministic metric, a crash, a log written
  before tests existed) has None in all three.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

from autoresearch_helpers.store.logs import escape_field
from autoresearch_helpers.vocab import HIGHER, change_pct, fmt_decided_by, inert


@dataclass
class Experiment:
    """One row shown."""

    number: int  # 0 is the baseline
    commit: str
    value: float | None  # None for a crash
    delta: float | None  # value - the champion's value before it (vocab.difference)
    status: str  # keep | discard | crash
    description: str
    error: str | None = None  # from the JSONL, None when unknown
    reason: str | None = None
    duration_s: float | None = None
    memory_gb: float | None = None
    p_value: float | None = None  # the paired test's, None without one
    interval: list[float] | None = None  # [low, high] of value - best, as decided
    pairs: int | None = None  # the champion's runs beside it

    def take(self, details: dict) -> None:
        """Take what the experiment's experiment_done record says."""
        self.error, self.reason = details.get("error"), details.get("reason")
        self.duration_s = finite(details.get("duration_s"))
        self.memory_gb = finite(details.get("memory_gb"))
        for key, value in evidence_of(details).items():
            setattr(self, key, value)

    def decided_by(self, short: bool = False) -> str:
        """The paired test (or the one run) its decision rested on, '' for none."""
        return fmt_decided_by(self.interval, self.p_value, self.pairs or 0, self.reason,
                              short=short)

    def to_json(self) -> dict:
        return {"experiment": self.number, "commit": self.commit, "value": self.value,
                "delta": self.delta, "status": self.status,
                "description": self.description, "error": self.error, "reason": self.reason,
                "duration_s": self.duration_s, "memory_gb": self.memory_gb,
                "p_value": self.p_value, "interval": self.interval, "pairs": self.pairs}


def finite(value) -> float | None:
    """A finite number from a record (not a bool), else None."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def evidence_of(details: dict) -> dict:
    """p_value, interval and pairs of a record's paired test (docs/formats.md), each None
    when the record has none or holds something else there."""
    bounds = details.get("interval")
    interval = None
    if isinstance(bounds, list) and len(bounds) == 2 and None not in map(finite, bounds):
        interval = sorted(map(finite, bounds))
    beside = details.get("champion_samples")
    return {"p_value": finite(details.get("p_value")), "interval": interval,
            "pairs": len(beside) if isinstance(beside, list) and beside else None}


@dataclass
class Summary:
    root: str
    metric: str
    direction: str
    tag: str | None
    experiments: int  # excluding the baseline
    keep: int
    discard: int
    crash: int
    baseline: dict | None  # {"value", "commit"}
    best: dict | None  # the champion: {"value", "commit", "description", "experiment"}
    recent: list[Experiment]  # the last N, oldest first
    values: array  # every row's value (NaN for a crash), index = experiment number
    statuses: bytes  # b"k" / b"d" / b"c" per row
    best_series: array  # the champion's value after each row
    crash_reasons: dict = field(default_factory=dict)  # error -> count
    sessions: int = 1  # sessions found in results.tsv
    source: str = "results.tsv"  # or "jsonl"

    @property
    def keep_rate(self) -> float | None:
        return self.keep / self.experiments if self.experiments else None

    @property
    def not_shown(self) -> int:
        """The rows (the baseline is one) left out of ``recent`` by ``--last``."""
        return max(self.experiments + 1 - len(self.recent), 0)

    @property
    def change_pct(self) -> float | None:
        if not self.baseline or not self.best:
            return None
        return change_pct(self.baseline["value"], self.best["value"])

    @property
    def improvement_pct(self) -> float | None:
        change = self.change_pct
        if change is None:
            return None
        return change if self.direction == HIGHER else -change

    def running_best(self, points: int | None = None) -> list[float]:
        """The trend of the best (the champion's value), downsampled to at most ``points`` values (the last one kept)."""
        series = self.best_series
        if not points or len(series) <= points:
            return list(series)
        step = (len(series) - 1) / (points - 1) if points > 1 else 0
        return [series[round(i * step)] for i in range(points - 1)] + [series[-1]]

    def to_json(self) -> dict:
        return {
            "tag": self.tag, "metric": self.metric, "direction": self.direction,
            "baseline": self.baseline, "best": self.best,
            "experiments": self.experiments, "keep": self.keep, "discard": self.discard,
            "crash": self.crash, "keep_rate": self.keep_rate,
            "change_pct": tidy(self.change_pct), "improvement_pct": tidy(self.improvement_pct),
            "crash_reasons": self.crash_reasons, "sessions": self.sessions,
            "shown": [e.to_json() for e in self.recent], "not_shown": self.not_shown,
        }


def tidy(x: float | None) -> float | None:
    """A derived number without float noise (12 significant digits): -0.0999999 -> -0.1."""
    return None if x is None else float(f"{x:.12g}")


def clip(text: str, width: int) -> str:
    """A description on one line and inert (tabs, newlines and backslashes escaped as in
    results.tsv, other control characters by vocab.inert), cut to ``width`` with '…'."""
    text = inert(escape_field(text))
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"
