"""The reading and aggregation layer behind `results`, `dashboard` and `report`.

It reads the two log files only (results.tsv and .claude/logs/autoresearch.jsonl, SPEC §8)
plus, for the metric direction, .autoresearch/session.json or the config. Nothing here
needs a live session, and nothing imports the runner.

API (stable; other verbs build on it):

    load_summary(root, *, last=10, tag=None) -> Summary
        Raises AutoresearchError (exit 1) when there is nothing to summarise yet.
    find_root(start=None) -> Path             the folder whose logs to read
    Summary                                   see the class below; .to_json() -> dict
    Experiment                                one row shown (number, commit, value, delta, ...)
    Tally(direction, last)                    the streaming accumulator; .feed(bytes of whole
                                              TSV lines) / .add(...); .summary(...) -> Summary
    better(a, b, direction) -> bool           a strictly better than b
    tidy(x) -> float | None                   a derived number without float noise

Rules:
- results.tsv is the source of the counts, baseline, best and trend. Its first row is the
  baseline (experiment 0); each later row is an experiment numbered from 1. A later "keep"
  row described exactly "baseline" starts a new session: the summary covers the last one.
- best = the best value among the kept rows (the champion line), by the direction: the
  maximum of a higher_is_better metric. Crashes never count towards best or the trend and
  carry value None (they are never 0).
- delta of an experiment = its value minus the running best before it (None for a crash).
- improvement_pct is positive when best is better than baseline; change_pct is the signed
  relative change (best - baseline) / |baseline| * 100.
- --tag T: rows of results.tsv carry no tag, so with a tag the experiments are the JSONL
  experiment_done records whose tag is T (the baseline is its experiment 0, or else the
  first record's prev value at the session's base_commit).
- error / reason / duration_s / memory_gb of the experiments shown come from the JSONL
  records matched by experiment number and commit; crash_reasons counts the errors of the
  current session's records.
- Speed: one pass over results.tsv in blocks of whole lines with bytes operations only; the
  JSONL is read from its end back to the session's start. series holds 9 bytes per row.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from autoresearch_helpers import logs, tailread
from autoresearch_helpers.errors import AutoresearchError

LOWER, HIGHER = "lower_is_better", "higher_is_better"
NAN = float("nan")
STATUS_CODE = {"keep": ord("k"), "discard": ord("d"), "crash": ord("c")}


def better(a: float, b: float | None, direction: str) -> bool:
    """True when value ``a`` is strictly better than ``b`` (anything beats None)."""
    if b is None:
        return True
    return a > b if direction == HIGHER else a < b


@dataclass
class Experiment:
    number: int  # 0 is the baseline
    commit: str
    value: float | None  # None for a crash
    delta: float | None  # value - running best before it
    status: str  # keep | discard | crash
    description: str
    error: str | None = None
    reason: str | None = None
    duration_s: float | None = None
    memory_gb: float | None = None

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["experiment"] = out.pop("number")
        out["delta"] = tidy(self.delta)
        return {"experiment": out.pop("experiment"), **out}


@dataclass
class Summary:
    root: Path
    metric: str
    direction: str
    tag: str | None
    experiments: int  # excluding the baseline
    keep: int
    discard: int
    crash: int
    baseline: dict | None  # {"value", "commit"}
    best: dict | None  # {"value", "commit", "description", "experiment"}
    recent: list[Experiment]  # the last N, oldest first
    values: array  # every row's value, NaN for a crash; index = experiment number
    statuses: bytes  # b"k" / b"d" / b"c" per row
    best_series: array  # the running best after each row
    crash_reasons: dict[str, int] = field(default_factory=dict)
    sessions: int = 1  # sessions found in results.tsv
    source: str = "results.tsv"

    @property
    def keep_rate(self) -> float | None:
        return self.keep / self.experiments if self.experiments else None

    @property
    def change_pct(self) -> float | None:
        if not self.baseline or not self.best or not self.baseline["value"]:
            return None
        return (self.best["value"] - self.baseline["value"]) / abs(self.baseline["value"]) * 100

    @property
    def improvement_pct(self) -> float | None:
        change = self.change_pct
        if change is None:
            return None
        return change if self.direction == HIGHER else -change

    def running_best(self, points: int | None = None) -> list[float]:
        """The running best, downsampled to at most ``points`` values (the last one kept)."""
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
            "shown": [e.to_json() for e in self.recent],
        }


class Tally:
    """Counts, best and trend of one results.tsv, fed whole lines as they come."""

    def __init__(self, direction: str, last: int = 10):
        self.direction, self.last = direction, last
        self.sessions = 0
        self._start()

    def _start(self) -> None:
        self.n = -1  # number of the last row; -1: no baseline yet
        self.counts = {b"keep": 0, b"discard": 0, b"crash": 0}
        self.best_value: float | None = None
        self.best_row: tuple | None = None
        self.baseline: tuple | None = None
        self.metric = b""
        self.values, self.best_series = array("d"), array("d")
        self.statuses = bytearray()
        self.recent: deque = deque(maxlen=max(self.last, 0) or 1)

    def feed(self, data: bytes) -> None:
        """Take a block of whole results.tsv lines (joined by newlines)."""
        higher = self.direction == HIGHER
        for line in data.split(b"\n"):
            parts = line.split(b"\t", 4)
            if len(parts) != 5:
                continue
            status = parts[3]
            if status == b"keep":
                try:
                    value = float(parts[2])
                except ValueError:
                    continue
                if value != value or value in (math.inf, -math.inf):
                    continue
                if self.n < 0 or parts[4] == b"baseline":
                    self._start()
                    self.sessions += 1
                    self.baseline, self.metric = parts, parts[1]
                best = self.best_value
                if best is None or (value > best if higher else value < best):
                    self.best_value, self.best_row = value, (self.n + 1, parts)
            elif status == b"discard" or status == b"crash":
                if self.n < 0:
                    continue  # an experiment before any baseline: not ours to count
                if status == b"crash":
                    value = NAN
                else:
                    try:
                        value = float(parts[2])
                    except ValueError:
                        continue
                best = self.best_value
            else:
                continue  # the header, or a foreign line
            self.n += 1
            self.counts[status] += 1
            self.values.append(value)
            self.statuses.append(status[0])
            self.best_series.append(self.best_value)
            self.recent.append((self.n, parts, best))

    def add(self, commit: str, metric: str, value: float | None, status: str,
            description: str) -> None:
        """Take one experiment given as fields (the JSONL path of ``--tag``)."""
        raw = "" if value is None else repr(value)
        fields = [commit, logs.escape_field(metric), raw, status, logs.escape_field(description)]
        self.feed("\t".join(fields).encode("utf-8"))

    def summary(self, root: Path, tag: str | None, details: dict | None = None,
                crash_reasons: dict | None = None, source: str = "results.tsv") -> Summary:
        details = details or {}
        recent = [self._experiment(n, parts, best, details) for n, parts, best in self.recent]
        base = self.baseline
        best = self.best_row
        return Summary(
            root=Path(root), metric=self.metric.decode("utf-8", "replace"),
            direction=self.direction, tag=tag,
            experiments=max(self.n, 0), keep=max(self.counts[b"keep"] - 1, 0),
            discard=self.counts[b"discard"], crash=self.counts[b"crash"],
            baseline=None if base is None else {"value": float(base[2]),
                                                "commit": base[0].decode()},
            best=None if best is None else {
                "value": self.best_value, "commit": best[1][0].decode(),
                "description": _text(best[1][4]), "experiment": best[0]},
            recent=recent[-self.last:] if self.last > 0 else [],
            values=self.values, statuses=bytes(self.statuses), best_series=self.best_series,
            crash_reasons=dict(crash_reasons or {}), sessions=max(self.sessions, 1),
            source=source)

    def _experiment(self, n: int, parts: list, best: float | None, details: dict) -> Experiment:
        status, commit = parts[3].decode(), parts[0].decode("utf-8", "replace")
        value = None if status == "crash" else float(parts[2])
        delta = None if value is None or best is None or n == 0 else value - best
        exp = Experiment(n, commit, value, delta, status, _text(parts[4]))
        found = details.get(n)
        if found is None or (found.get("commit") and found.get("commit") != commit):
            found = details.get(commit)
        if found:
            exp.error, exp.reason = found.get("error"), found.get("reason")
            exp.duration_s, exp.memory_gb = _num(found.get("duration_s")), _num(found.get("memory_gb"))
        return exp


def tidy(x: float | None) -> float | None:
    """A derived number without float noise (12 significant digits): -0.0999999 -> -0.1."""
    return None if x is None else float(f"{x:.12g}")


def _text(raw: bytes) -> str:
    return logs.unescape_field(raw.decode("utf-8", "replace"))


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def find_root(start: Path | None = None) -> Path:
    """The nearest folder (from ``start`` upwards) holding the logs, else the git root, else start."""
    start = Path.cwd() if start is None else Path(start)
    start = start.resolve()
    git_root = None
    for folder in (start, *start.parents):
        if (folder / logs.TSV_NAME).is_file() or (folder / logs.JSONL_REL).is_file():
            return folder
        if git_root is None and (folder / ".git").exists():
            git_root = folder
    return git_root or start


def load_summary(root: Path, *, last: int = 10, tag: str | None = None) -> Summary:
    """Summarise the logs of ``root`` (see the module docstring for the rules)."""
    from autoresearch_helpers import summary_jsonl

    root = Path(root)
    tsv, jsonl = logs.tsv_path(root), logs.jsonl_path(root)
    if not tsv.exists() and not jsonl.exists():
        raise AutoresearchError(
            f"no results yet in {root}: neither {logs.TSV_NAME} nor {logs.JSONL_REL} exists; "
            "run 'autoresearch setup' first to measure the baseline")
    if tag is not None or not tsv.exists():
        return summary_jsonl.summary_from_jsonl(root, last=last, tag=tag)
    info = summary_jsonl.session_info(root, want=max(last, 0) + 20)
    tally = Tally(summary_jsonl.direction_for(root, info.direction), last)
    reader = tailread.iter_chunks(tsv)
    for chunk in reader:
        tally.feed(chunk)
    if tally.n < 0:
        raise AutoresearchError(
            f"no results yet in {tsv}: it has no baseline row; run 'autoresearch setup' "
            "to measure the baseline")
    return tally.summary(root, info.tag, info.details, info.crash_reasons)
