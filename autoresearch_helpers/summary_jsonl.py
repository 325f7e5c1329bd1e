"""The JSONL half of the summary: the current session's records, read from the end.

``session_info(root, want)`` walks the JSONL backwards to the current session's
session_start and returns its tag, direction, metric, the details of the last ``want``
experiment_done records (keyed by experiment number and by commit) and the crash errors
counted. ``summary_from_jsonl(root, last, tag)`` builds a whole Summary from the records of
one tag (``--tag``, or when results.tsv is missing). ``direction_for(root, hint)`` resolves
the metric direction: session.json, else the JSONL's session_start, else the config, else
lower_is_better.
"""

from __future__ import annotations

import json

from autoresearch_helpers import logs, tailread
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.record import Record

DIRECTIONS = {"lower_is_better": "lower_is_better", "higher_is_better": "higher_is_better",
              "lower": "lower_is_better", "higher": "higher_is_better",
              "minimize": "lower_is_better", "maximize": "higher_is_better"}


class SessionInfo(Record):
    """tag, direction, metric, base_commit (None when unknown); details: experiment number
    and commit -> the record's details; crash_reasons: error -> count."""

    FIELDS = ("tag", "direction", "metric", "base_commit", "details", "crash_reasons")
    DEFAULTS = {"tag": None, "direction": None, "metric": None, "base_commit": None,
                "details": dict, "crash_reasons": dict}


def _load(line: bytes) -> dict | None:
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) and isinstance(obj.get("details"), dict) else None


def _note_start(info: SessionInfo, record: dict) -> None:
    d = record["details"]
    info.tag = record.get("tag") or d.get("tag")
    info.direction = DIRECTIONS.get(str(d.get("direction")))
    info.metric, info.base_commit = d.get("metric"), d.get("base_commit")


# as logs.append_jsonl writes them (separators ", " and ": "): searched as plain bytes
START = b'"action": "session_start"'
ERROR = b'"error": "'


def session_info(root, want: int = 30) -> SessionInfo:
    """The current session as the JSONL tells it (empty when there is no JSONL).

    Two reads from the end: lines until ``want`` experiment_done records are parsed, then
    blocks searched (bytes.find, in C) for the error of every crash since the last
    session_start. In a record a quote inside a string is escaped, so these two patterns
    only ever match a key and its value.
    """
    info = SessionInfo()
    path = logs.jsonl_path(root)
    kept = 0
    for line in tailread.iter_lines_backward(path) if want > 0 else ():
        if START in line or kept >= want:
            break
        if b'"experiment_done"' not in line:
            continue
        record = _load(line)
        if not record or record.get("action") != "experiment_done":
            continue
        d = record["details"]
        info.tag = info.tag or record.get("tag")
        kept += 1
        if isinstance(d.get("experiment"), int):
            info.details.setdefault(d["experiment"], d)
        if d.get("commit"):
            info.details.setdefault(str(d["commit"]), d)
    record = scan_back(path, info.crash_reasons)
    if record:
        _note_start(info, record)
    return info


def scan_back(path, reasons: dict, size: int = 1 << 22) -> dict | None:
    """Count the error of every crash from the end of the JSONL back to the last
    session_start, and return that record (None without one).

    Blocks of whole lines (a torn last line left out) are read backwards into one reused
    buffer and searched there (bytearray.find/rfind with bounds, in C): no copy of the file
    is made, which at 50 MB is most of the time. A line longer than the buffer doubles it.
    """
    try:
        fh = open(path, "rb", buffering=0)
    except FileNotFoundError:
        return None
    with fh:
        pos = fh.seek(0, 2)
        buf = bytearray(max(min(size, pos), 1))
        torn = True  # until the last newline is found
        while pos > 0:
            start = max(0, pos - len(buf))
            view = memoryview(buf)[:pos - start]
            fh.seek(start)
            got = 0
            while got < len(view):
                got += fh.readinto(view[got:]) or len(view)  # a file cut meanwhile: stop
            view.release()
            hi = pos - start
            if torn:
                hi = buf.rfind(b"\n", 0, hi)
                if hi < 0:
                    if start == 0:
                        return None
                    buf = bytearray(2 * len(buf))
                    continue
            lo = 0
            if start > 0:
                lo = buf.find(b"\n", 0, hi) + 1
                if lo == 0:  # one line longer than the buffer
                    buf = bytearray(2 * len(buf))
                    continue
            torn = False
            found = buf.rfind(START, lo, hi)
            _count_errors(buf, found + len(START) if found >= 0 else lo, hi, reasons)
            if found >= 0:
                head = buf.rfind(b"\n", lo, found) + 1 or lo
                end = buf.find(b"\n", found, hi)
                return _load(bytes(buf[head:end if end >= 0 else hi]))
            pos = start + lo - (1 if lo else 0)
    return None


def _count_errors(block, pos: int, stop: int, reasons: dict) -> None:
    find = block.find
    pos = find(ERROR, pos, stop)
    while pos >= 0:
        pos += len(ERROR)
        end = find(b'"', pos, stop)
        reason = bytes(block[pos:end]).decode("utf-8", "replace") or "unknown"
        reasons[reason] = reasons.get(reason, 0) + 1
        pos = find(ERROR, end, stop)


def direction_for(root, hint: str | None = None) -> str:
    """session.json's direction, else ``hint`` (from the JSONL), else the config, else lower."""
    from autoresearch_helpers import session

    try:
        state = session.load(root) or {}
    except AutoresearchError:
        state = {}
    found = DIRECTIONS.get(str(state.get("direction")))
    if found:
        return found
    if hint in DIRECTIONS:
        return DIRECTIONS[hint]
    try:
        from autoresearch_helpers import config

        value = config.load_config(root).values["metric_direction"]
        return DIRECTIONS.get(str(value), "lower_is_better")
    except Exception:  # no config module yet, or a bad config: the logs still deserve a summary
        return "lower_is_better"


def summary_from_jsonl(root, *, last: int = 10, tag: str | None = None):
    """A Summary from the experiment_done records of ``tag`` (default: the last session's)."""
    from autoresearch_helpers.summary import Tally

    path = logs.jsonl_path(root)
    if tag is None:
        tag = session_info(root, want=0).tag
    records, starts, tags = [], [], []
    needle = b'"' + json.dumps(tag).encode("utf-8")[1:-1] + b'"' if tag else None
    for chunk in tailread.iter_chunks(path):
        for line in chunk.split(b"\n"):
            if needle is not None and needle not in line:
                if b'"tag"' in line and b'"session_start"' in line:
                    record = _load(line)
                    if record and record.get("tag") not in tags:
                        tags.append(record.get("tag"))
                continue
            if b'"experiment_done"' not in line and b'"session_start"' not in line:
                continue
            record = _load(line)
            if not record or record.get("tag") != tag:
                continue
            if record.get("action") == "session_start":
                starts.append(record)
            elif record.get("action") == "experiment_done":
                records.append(record)
    if not records:
        known = ", ".join(str(t) for t in tags) or "none"
        where = f"with tag {tag!r} " if tag else ""
        raise AutoresearchError(f"no experiments {where}in {path} (session tags found: {known}); "
                                "run 'autoresearch setup' to start a session")
    info = SessionInfo(tag=tag)
    if starts:
        _note_start(info, starts[-1])
    tally = Tally(direction_for(root, info.direction), last)
    first = records[0]["details"]
    metric = str(first.get("metric") or info.metric or "")
    if first.get("experiment") != 0 and first.get("description") != "baseline":
        if isinstance(first.get("prev"), (int, float)):
            tally.add(str(info.base_commit or ""), metric, float(first["prev"]), "keep",
                      "baseline")
    details = {}
    for record in records:
        d = record["details"]
        status = d.get("status") if d.get("status") in logs.STATUSES else "crash"
        value = d.get("value") if isinstance(d.get("value"), (int, float)) else None
        if status != "crash" and value is None:
            continue
        tally.add(str(d.get("commit") or ""), str(d.get("metric") or metric), value,
                  status, str(d.get("description") or ""))
        if status == "crash":
            reason = str(d.get("error") or "unknown")
            info.crash_reasons[reason] = info.crash_reasons.get(reason, 0) + 1
        details[tally.n] = d
    return tally.summary(root, tag, details, info.crash_reasons, source="jsonl")
