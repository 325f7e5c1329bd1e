"""The reading and aggregation layer behind `results`, `dashboard` and `report`.

It reads the two log files only (results.tsv and .claude/logs/autoresearch.jsonl, SPEC §8)
plus, for the metric direction, .autoresearch/session.json or the config. Nothing here
needs a live session, and nothing imports the runner.

API (stable; other verbs build on it):

    load_summary(root, *, last=10, tag=None) -> Summary
        Raises AutoresearchError (exit 1) when there is nothing to summarise yet.
    find_root(start=None) -> Path             the folder whose logs to read
    find_folder(start=None) -> str            the same as a str (no pathlib import)
    Summary                                   see the class below; .to_json() -> dict
    Experiment                                one row shown (number, commit, value, delta, ...)
    Tally(direction, last)                    (module tally) the streaming accumulator; .feed(whole
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
  Start-up counts too: no dataclasses (it imports inspect), no pathlib, no typing.
"""

from __future__ import annotations

import os
from array import array

from autoresearch_helpers import logs, tailread
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.record import Record

LOWER, HIGHER = "lower_is_better", "higher_is_better"
NAN = float("nan")
STATUS_CODE = {"keep": ord("k"), "discard": ord("d"), "crash": ord("c")}


def better(a: float, b: float | None, direction: str) -> bool:
    """True when value ``a`` is strictly better than ``b`` (anything beats None)."""
    if b is None:
        return True
    return a > b if direction == HIGHER else a < b


class Experiment(Record):
    """One row shown: number (0 is the baseline), commit, value (None for a crash), delta
    (value - the running best before it), status (keep | discard | crash), description,
    and from the JSONL error, reason, duration_s, memory_gb (None when unknown)."""

    FIELDS = ("number", "commit", "value", "delta", "status", "description", "error",
              "reason", "duration_s", "memory_gb")
    DEFAULTS = {"error": None, "reason": None, "duration_s": None, "memory_gb": None}

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["experiment"] = out.pop("number")
        out["delta"] = tidy(self.delta)
        return {"experiment": out.pop("experiment"), **out}


class Summary(Record):
    """root, metric, direction, tag; experiments (excluding the baseline), keep, discard,
    crash; baseline {"value", "commit"} and best {"value", "commit", "description",
    "experiment"} (or None); recent: the last N Experiments, oldest first; values: every
    row's value (NaN for a crash, index = experiment number); statuses: b"k" / b"d" / b"c"
    per row; best_series: the running best after each row; crash_reasons; sessions found
    in results.tsv; source ("results.tsv" or "jsonl")."""

    FIELDS = ("root", "metric", "direction", "tag", "experiments", "keep", "discard", "crash",
              "baseline", "best", "recent", "values", "statuses", "best_series",
              "crash_reasons", "sessions", "source")
    DEFAULTS = {"crash_reasons": dict, "sessions": 1, "source": "results.tsv"}

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


def tidy(x: float | None) -> float | None:
    """A derived number without float noise (12 significant digits): -0.0999999 -> -0.1."""
    return None if x is None else float(f"{x:.12g}")


def _text(raw: bytes) -> str:
    return logs.unescape_field(raw.decode("utf-8", "replace"))


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


from autoresearch_helpers.tally import Tally  # noqa: E402  (it builds the classes above)


def find_root(start=None):
    """The Path of the nearest folder (from ``start`` upwards) holding the logs, else the git
    root, else start (see find_folder)."""
    from pathlib import Path

    return Path(find_folder(start))


def find_folder(start=None) -> str:
    """The nearest folder (from ``start`` upwards) holding the logs, else the git root, else start."""
    start = os.path.realpath(os.getcwd() if start is None else os.fspath(start))
    git_root = None
    jsonl_rel = os.fspath(logs.JSONL_REL)
    folder = start
    while True:
        if (os.path.isfile(os.path.join(folder, logs.TSV_NAME))
                or os.path.isfile(os.path.join(folder, jsonl_rel))):
            return folder
        if git_root is None and os.path.exists(os.path.join(folder, ".git")):
            git_root = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return git_root or start
        folder = parent


def load_summary(root, *, last: int = 10, tag: str | None = None) -> Summary:
    """Summarise the logs of ``root`` (see the module docstring for the rules)."""
    from autoresearch_helpers import summary_jsonl

    root = os.fspath(root)
    tsv, jsonl = logs.tsv_path(root), logs.jsonl_path(root)
    if not os.path.exists(tsv) and not os.path.exists(jsonl):
        raise AutoresearchError(
            f"no results yet in {root}: neither {logs.TSV_NAME} nor {logs.JSONL_REL} exists; "
            "run 'autoresearch setup' first to measure the baseline")
    if tag is not None or not os.path.exists(tsv):
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
