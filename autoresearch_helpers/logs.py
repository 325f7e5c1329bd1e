"""The dual log: results.tsv (one row per experiment) and the JSONL event log.

Writers append one whole line with a single ``write`` on an O_APPEND descriptor, so a
reader never sees half of a line from a live writer; a line torn by a kill is skipped by
the readers and cut away by :func:`repair` before the next append.

JSON is strict (no NaN or Infinity) and every record carries ``schema``.
"""

from __future__ import annotations

import math
import os
import time

from autoresearch_helpers import jsonio

SCHEMA = 1
TSV_NAME = "results.tsv"
JSONL_REL = ".claude/logs/autoresearch.jsonl"
TSV_HEADER = "commit\tmetric\tvalue\tstatus\tdescription"
STATUSES = ("keep", "discard", "crash")

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def tsv_path(root):
    """results.tsv of ``root``: a Path when ``root`` is one, else a str (no pathlib import
    on the per-experiment path)."""
    return root / TSV_NAME if hasattr(root, "joinpath") else os.path.join(root, TSV_NAME)


def jsonl_path(root):
    """The JSONL log of ``root``, of the same type as ``root`` (see tsv_path)."""
    return root / JSONL_REL if hasattr(root, "joinpath") else os.path.join(root, JSONL_REL)


# --- escaping ---------------------------------------------------------------------------

def escape_field(text: str) -> str:
    """One TSV field on one line: backslash, tab, newline and CR become escapes."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def unescape_field(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _UNESCAPES:
            out.append(_UNESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def format_value(value: float | None) -> str:
    """The TSV value column: six decimals; a crash (None) is 0.000000 as users expect."""
    if value is None or not math.isfinite(value):
        return "0.000000"
    return f"{value:.6f}"


# --- writing ---------------------------------------------------------------------------

def repair(path) -> bool:
    """Cut a torn last line (one without its newline). Returns True if something was cut."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return False
    if size == 0:
        return False
    with open(path, "rb+") as fh:
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return False
        # find the last newline, reading backwards in blocks
        pos, block = size, 4096
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            idx = chunk.rfind(b"\n")
            if idx >= 0:
                fh.truncate(start + idx + 1)
                return True
            pos = start
        fh.truncate(0)
        return True


def append_line(path, line: str) -> None:
    """Append one line atomically: one write of the whole line on an O_APPEND descriptor."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except FileNotFoundError:  # the first line of a new log
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, data)
        while written < len(data):  # only on exotic file systems
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


def ensure_tsv(root):
    path = tsv_path(root)
    try:
        empty = os.stat(path).st_size == 0
    except FileNotFoundError:
        empty = True
    if empty:
        append_line(path, TSV_HEADER)
    return path


def append_tsv(root, commit: str, metric: str, value: float | None, status: str,
               description: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"bad status {status!r}")
    fields = [commit, escape_field(metric), format_value(value), status, escape_field(description)]
    append_line(ensure_tsv(root), "\t".join(fields))


def _clean(obj):
    """Strict JSON: non-finite floats become null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def make_record(action: str, details: dict, *, tag: str | None, ok: bool = True,
                now: float | None = None) -> dict:
    now = time.time() if now is None else now
    local = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(now))
    utc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
    return {
        "tool": "autoresearch",
        "schema": SCHEMA,
        "action": action,
        "status": "success" if ok else "fail",
        "local_time": local,
        "timestamp": utc,
        "tag": tag,
        "details": _clean(details),
    }


def append_jsonl(root, record: dict) -> None:
    line = jsonio.dumps(_clean(record), ensure_ascii=False)  # json.dumps(..., allow_nan=False)
    append_line(jsonl_path(root), line)


def log_event(root, action: str, details: dict, *, tag: str | None, ok: bool = True) -> dict:
    record = make_record(action, details, tag=tag, ok=ok)
    append_jsonl(root, record)
    return record


# --- reading ---------------------------------------------------------------------------

class Row(tuple):
    """One results.tsv row, a named tuple (value is None for a crash): like the namedtuple
    it was, without importing collections on the per-experiment path."""

    __slots__ = ()
    _fields = ("commit", "metric", "value", "status", "description")
    commit, metric, value, status, description = (property(lambda self, i=i: self[i])
                                                  for i in range(5))

    def __new__(cls, commit, metric, value, status, description):
        return tuple.__new__(cls, (commit, metric, value, status, description))

    def __getnewargs__(self):  # copy and pickle
        return tuple(self)

    def __repr__(self) -> str:
        return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self)) + ")"


def parse_tsv_line(line: str) -> Row | None:
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) < 5 or parts[0] == "commit":
        return None
    commit, metric, raw, status = parts[:4]
    description = "\t".join(parts[4:])
    if status not in STATUSES:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if status == "crash" or (value is not None and not math.isfinite(value)):
        value = None
    return Row(commit, unescape_field(metric), value, status, unescape_field(description))


def read_tsv(root) -> list[Row]:
    """Every complete row of results.tsv (a torn last line is skipped)."""
    path = tsv_path(root)
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            data = fh.read()
    except FileNotFoundError:
        return []
    lines = data.split("\n")
    if not data.endswith("\n"):
        lines = lines[:-1]  # torn or empty tail
    rows = []
    for line in lines:
        row = parse_tsv_line(line)
        if row is not None:
            rows.append(row)
    return rows


def iter_jsonl(path):
    """Yield each complete JSON object (dict) of a JSONL file; torn or foreign lines are skipped."""
    try:
        fh = open(path, "r", encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with fh:
        for line in fh:
            if not line.endswith("\n"):
                break  # torn last line
            try:
                obj = jsonio.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                yield obj


def read_jsonl(root) -> list[dict]:
    return list(iter_jsonl(jsonl_path(root)))
