"""The dashboard's data: the summary of the logs, kept current by tailing the files.

The first load reads results.tsv in one pass and the JSONL back to the session's start;
after that ``poll()`` reads only the bytes appended since (``FileTail`` keeps the
offsets). A file that shrank, or a new session_start, triggers one full reload.
It imports the store and the reports only, never the engine.
"""

from __future__ import annotations

import os

from autoresearch_helpers import paths
from autoresearch_helpers.reports.session_log import direction_for, load_record, session_info
from autoresearch_helpers.reports.summary import Summary
from autoresearch_helpers.reports.tally import Tally
from autoresearch_helpers.store import tail


class LiveModel:
    def __init__(self, root, last: int = 200):
        self.root, self.last = os.fspath(root), last
        self.loads = 0  # full reads so far (1 unless a file shrank or a session began)
        self._load()

    def _load(self) -> None:
        self.loads += 1
        jsonl = paths.jsonl_path(self.root)
        size = os.path.getsize(jsonl) if os.path.exists(jsonl) else 0
        self.info = session_info(self.root, want=self.last + 20)
        self.jsonl_tail = tail.FileTail(jsonl, size)
        self.tally = Tally(direction_for(self.root, self.info.direction), self.last)
        tsv = paths.tsv_path(self.root)
        self.tsv_tail = tail.FileTail(tsv, tail.consume(tsv, self.tally.feed))

    def poll(self) -> bool:
        """Read what was appended since the last call; True when something changed."""
        lines = self.tsv_tail.read_new()
        if self.tsv_tail.reset:
            self._load()
            return True
        changed = bool(lines)
        if lines:
            self.tally.feed(b"\n".join(lines))
        records = self.jsonl_tail.read_new()
        if self.jsonl_tail.reset:
            self._load()
            return True
        for line in records:
            record = load_record(line)
            if record is None:
                continue
            if record.get("action") == "session_start":
                self._load()
                return True
            if record.get("action") == "experiment_done":
                self._note(record)
                changed = True
        return changed

    def _note(self, record: dict) -> None:
        d, info = record["details"], self.info
        info.tag = info.tag or record.get("tag")
        if isinstance(d.get("experiment"), int):
            info.details[d["experiment"]] = d  # the newest record of a key wins here
        if d.get("commit"):
            info.details[str(d["commit"])] = d
        if d.get("status") == "crash" or record.get("status") == "fail":
            reason = str(d.get("error") or "unknown")
            info.crash_reasons[reason] = info.crash_reasons.get(reason, 0) + 1

    def summary(self) -> Summary | None:
        """The current summary, or None before the baseline row exists."""
        if self.tally.n < 0:
            return None
        info = self.info
        return self.tally.summary(self.root, info.tag, info.details, info.crash_reasons)
