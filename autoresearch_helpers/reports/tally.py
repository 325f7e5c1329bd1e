"""The streaming accumulator behind the summary: one pass over results.tsv, bytes only.

``Tally(direction, last)`` takes blocks of whole results.tsv lines (``feed``) or single
experiments as fields (``add``) and returns a ``Summary`` (``summary``). The rules are those
of reports/summary.py; the hot loop keeps everything it touches per row in local
names (a split, two comparisons, four appends).

This is the one place that says which logged experiment is the best: the champion, the
last kept row. results, the dashboard, the report, compare and finalize all read it here
(through reports/summarise.py or the dashboard's model), from results.tsv or the JSONL.
"""

from __future__ import annotations

import math
from array import array
from collections import deque

from autoresearch_helpers.reports.session_log import record_of
from autoresearch_helpers.reports.summary import Experiment, Summary
from autoresearch_helpers.store import logs
from autoresearch_helpers.vocab import difference

NAN = float("nan")


def _text(raw: bytes) -> str:
    return logs.unescape_field(raw.decode("utf-8", "replace"))


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
        lines = data.split(b"\n")
        start = 0
        while start < len(lines):
            start = self._run(lines, start)

    def _run(self, lines: list, start: int) -> int:
        """The hot loop: rows from ``start`` until a new session begins; returns where it stopped.

        Everything it touches per row is a local name; the totals go back at the end.
        """
        n, best = self.n, self.best_value
        best_row = self.best_row
        keeps = discards = crashes = 0
        add_value, add_status = self.values.append, self.statuses.append
        add_best, add_recent = self.best_series.append, self.recent.append
        stop = len(lines)
        for i in range(start, len(lines)):
            parts = lines[i].split(b"\t", 4)
            if len(parts) != 5:
                continue
            status, before = parts[3], best
            if status == b"keep":
                try:
                    value = float(parts[2])
                except ValueError:
                    continue
                if value != value or value in (math.inf, -math.inf):
                    continue
                if n < 0 or parts[4] == b"baseline":
                    if n >= 0:
                        stop = i  # a new session: close this one first
                        break
                    self.sessions += 1
                    self.baseline, self.metric = parts, parts[1]
                keeps += 1
                best, best_row = value, (n + 1, parts)  # every keep is the new champion
            elif status == b"discard":
                if n < 0:
                    continue  # an experiment before any baseline: not ours to count
                try:
                    value = float(parts[2])
                except ValueError:
                    continue
                discards += 1
            elif status == b"crash":
                if n < 0:
                    continue
                value = NAN
                crashes += 1
            else:
                continue  # the header, or a foreign line
            n += 1
            add_value(value)
            add_status(status[0])
            add_best(best)
            add_recent((n, parts, before))
        self.n, self.best_value, self.best_row = n, best, best_row
        counts = self.counts
        counts[b"keep"] += keeps
        counts[b"discard"] += discards
        counts[b"crash"] += crashes
        if stop < len(lines):
            self._start()  # the row at ``stop`` is the next session's baseline
        return stop

    def add(self, commit: str, metric: str, value: float | None, status: str,
            description: str) -> None:
        """Take one experiment given as fields (the JSONL path of ``--tag``)."""
        raw = "" if value is None else repr(value)
        fields = [commit, logs.escape_field(metric), raw, status, logs.escape_field(description)]
        self.feed("\t".join(fields).encode("utf-8"))

    def summary(self, root, tag: str | None, details: dict | None = None,
                crash_reasons: dict | None = None, source: str = "results.tsv") -> Summary:
        details = details or {}
        recent = [self._experiment(n, parts, best, details) for n, parts, best in self.recent]
        base = self.baseline
        best = self.best_row
        return Summary(
            root=root, metric=self.metric.decode("utf-8", "replace"),
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
        delta = None if value is None or best is None or n == 0 else difference(value, best)
        exp = Experiment(n, commit, value, delta, status, _text(parts[4]))
        found = record_of(details, n, commit)
        if found:
            exp.take(found)
        return exp
