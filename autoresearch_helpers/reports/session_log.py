"""The JSONL half of the summary: the current session's records, read from the end.

``session_info(root, want)`` walks the JSONL backwards to the current session's
session_start and returns its tag, direction, metric, the details of the last ``want``
experiment_done records (keyed by experiment number and by commit; ``record_of`` finds
one experiment's) and the crash errors counted; ``last_done(root, want)`` reads only those
details. ``direction_for(root, hint)`` resolves the metric direction: session.json, else
the JSONL's session_start, else the config, else lower_is_better.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autoresearch_helpers import paths
from autoresearch_helpers.config.load import load_config
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import logs, session, tail
from autoresearch_helpers.vocab import LOWER, parse_direction

# as logs.log_event writes them (json's separators ", " and ": "): searched as plain bytes.
# In a record a quote inside a string is escaped, so these only ever match a key and value.
START = b'"action": "session_start"'
DONE = b'"experiment_done"'
ERROR = b'"error": "'


@dataclass
class SessionInfo:
    tag: str | None = None
    direction: str | None = None
    metric: str | None = None
    base_commit: str | None = None
    details: dict = field(default_factory=dict)  # experiment number and commit -> details
    crash_reasons: dict = field(default_factory=dict)  # error -> count

    def note_start(self, record: dict) -> None:
        """Take what a session_start record says."""
        d = record["details"]
        self.tag = record.get("tag") or d.get("tag")
        self.direction = parse_direction(d.get("direction"))
        self.metric, self.base_commit = d.get("metric"), d.get("base_commit")

    def note_done(self, record: dict) -> None:
        """Take an experiment_done record (the first one noted for a key wins)."""
        d = record["details"]
        self.tag = self.tag or record.get("tag")
        if isinstance(d.get("experiment"), int):
            self.details.setdefault(d["experiment"], d)
        if d.get("commit"):
            self.details.setdefault(str(d["commit"]), d)


def record_of(details: dict, number: int, commit: str) -> dict | None:
    """The details noted for experiment ``number`` at ``commit`` (by number, else by
    commit when the number's record names another commit), or None."""
    found = details.get(number)
    if found is None or (found.get("commit") and found.get("commit") != commit):
        found = details.get(commit)
    return found


def load_record(line: bytes) -> dict | None:
    """A JSONL line as a record with a details object, or None."""
    record = logs.parse_record(line)
    return record if record is not None and isinstance(record.get("details"), dict) else None


def session_info(root, want: int = 30) -> SessionInfo:
    """The current session as the JSONL tells it (empty when there is no JSONL).

    Two reads from the end: lines until ``want`` experiment_done records are parsed, then
    blocks searched for the error of every crash since the last session_start.
    """
    info = last_done(root, want)
    record = scan_back(paths.jsonl_path(root), info.crash_reasons)
    if record:
        info.note_start(record)
    return info


def last_done(root, want: int) -> SessionInfo:
    """The last ``want`` experiment_done records of the current session, noted."""
    info, kept = SessionInfo(), 0
    for line in tail.iter_lines_backward(paths.jsonl_path(root)) if want > 0 else ():
        if START in line or kept >= want:
            break
        if DONE not in line:
            continue
        record = load_record(line)
        if record and record.get("action") == "experiment_done":
            info.note_done(record)
            kept += 1
    return info


def scan_back(path, reasons: dict, size: int = 1 << 22) -> dict | None:
    """Count the error of every crash from the end of the JSONL back to the last
    session_start, and return that record (None without one)."""
    for block in tail.iter_blocks_backward(path, size):
        found = block.rfind(START)
        _count_errors(block, found + len(START) if found >= 0 else 0, reasons)
        if found >= 0:
            head = block.rfind(b"\n", 0, found) + 1
            end = block.find(b"\n", found)
            return load_record(block[head:end if end >= 0 else len(block)])
    return None


def _count_errors(block: bytes, pos: int, reasons: dict) -> None:
    pos = block.find(ERROR, pos)
    while pos >= 0:
        pos += len(ERROR)
        end = block.find(b'"', pos)
        reason = block[pos:end].decode("utf-8", "replace") or "unknown"
        reasons[reason] = reasons.get(reason, 0) + 1
        pos = block.find(ERROR, end)


def direction_for(root, hint: str | None = None) -> str:
    """session.json's direction, else ``hint`` (from the JSONL), else the config, else lower.
    A session.json that cannot be read is its AutoresearchError: not a silent guess."""
    state = session.load(root)
    found = parse_direction(state.direction if state else None) or parse_direction(hint)
    if found:
        return found
    try:
        return parse_direction(load_config(root).values["metric_direction"]) or LOWER
    except AutoresearchError:  # a bad config: the logs still deserve a summary
        return LOWER
