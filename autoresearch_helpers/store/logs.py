"""The dual log: results.tsv (one row per experiment) and the JSONL event log.

Writers append one whole line with a single ``write`` on an O_APPEND descriptor, so a
reader never sees half of a line from a live writer; a line torn by a kill is skipped by
the readers and cut away by :func:`repair` before the next append. The formats are in
docs/formats.md.

JSON is strict (no NaN or Infinity) and every record carries ``schema``.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import namedtuple

from autoresearch_helpers import faults, paths
from autoresearch_helpers.errors import FileError
from autoresearch_helpers.store import tail
from autoresearch_helpers.vocab import CRASH, STATUSES

SCHEMA = 1
TSV_HEADER = "commit\tmetric\tvalue\tstatus\tdescription"

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


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
    keep = tail.complete_size(path)
    if keep == size:
        return False
    with open(path, "rb+") as fh:
        fh.truncate(keep)
    return True


def repair_all(root) -> list[str]:
    """Cut the torn last line of each log; one line per repair."""
    notes = []
    for path in (paths.tsv_path(root), paths.jsonl_path(root)):
        if repair(path):
            notes.append(f"repaired: cut the torn last line of {os.path.relpath(path, root)}")
    return notes


def append_line(path, line: str, fault: str | None = None) -> None:
    """Append one line atomically: one write of the whole line on an O_APPEND descriptor.

    A write that fails (disk full, file size limit, ...) is a FileError naming the file;
    the part of the line it wrote, if any, is cut again. ``fault`` names the injection
    points around it (faults.py: tsv, jsonl).
    """
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    if fault:
        faults.reach(f"{fault}-before")
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise FileError(path, exc, "append a line") from None
    written = 0
    try:
        if fault and faults.reach(f"{fault}-torn"):
            os.write(fd, data[:len(data) // 2])
            faults.kill()
        while written < len(data):  # more than one write only on exotic file systems
            written += os.write(fd, data[written:])
    except OSError as exc:
        if written:
            try:
                repair(path)
            except (OSError, FileError):
                pass  # the next command's repair cuts it
        raise FileError(path, exc, "append a line") from None
    finally:
        os.close(fd)
    if fault:
        faults.reach(f"{fault}-after")


def size(path) -> int:
    """The size of a log in bytes; 0 when it does not exist."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def sizes(root) -> dict:
    """{"tsv": bytes, "jsonl": bytes}: where each log ends now."""
    return {"tsv": size(paths.tsv_path(root)), "jsonl": size(paths.jsonl_path(root))}


def check_appendable(root) -> None:
    """A FileError now, before anything changes, when a log cannot be appended to (a
    folder in its place, no permission, a read-only file system)."""
    for path in (paths.tsv_path(root), paths.jsonl_path(root)):
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK))
        except FileNotFoundError:
            continue  # created by the first append
        except OSError as exc:
            raise FileError(path, exc, "append a line") from None


def ensure_tsv(root) -> str:
    path = paths.tsv_path(root)
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
    append_line(ensure_tsv(root), "\t".join(fields), fault="tsv")


def rebuild_tsv(root, tag: str) -> int:
    """Write results.tsv anew from session ``tag``'s experiment_done events in the JSONL
    log (the old file, if any, is kept as results.tsv.damaged); the number of rows."""
    path = paths.tsv_path(root)
    lines = [TSV_HEADER]
    for record in read_jsonl(root):
        d = record.get("details") or {}
        if (record.get("action") != "experiment_done" or d.get("status") not in STATUSES
                or record.get("tag") != tag):
            continue
        value = None if d["status"] == CRASH else d.get("value")
        lines.append("\t".join([str(d.get("commit") or "-"), escape_field(d.get("metric", "")),
                                format_value(value if isinstance(value, (int, float)) else None),
                                d["status"], escape_field(d.get("description", ""))]))
    if os.path.exists(path):
        os.replace(path, path + ".damaged")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return len(lines) - 1


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
    append_line(paths.jsonl_path(root), json.dumps(_clean(record), ensure_ascii=False,
                                                   allow_nan=False), fault="jsonl")


def log_event(root, action: str, details: dict, *, tag: str | None, ok: bool = True) -> dict:
    """Append one JSONL record and return it."""
    record = make_record(action, details, tag=tag, ok=ok)
    append_jsonl(root, record)
    return record


# --- reading ---------------------------------------------------------------------------

# One results.tsv row (value is None for a crash).
Row = namedtuple("Row", "commit metric value status description")


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
    if status == CRASH or (value is not None and not math.isfinite(value)):
        value = None
    return Row(commit, unescape_field(metric), value, status, unescape_field(description))


def read_tsv(root) -> list[Row]:
    """Every complete row of results.tsv (a torn last line is skipped)."""
    rows = []
    for chunk in tail.iter_chunks(paths.tsv_path(root)):
        for line in chunk.decode("utf-8", "replace").split("\n"):
            row = parse_tsv_line(line)
            if row is not None:
                rows.append(row)
    return rows


def last_tsv_row(root) -> Row | None:
    """The last complete row of results.tsv, read from its end."""
    for line in tail.iter_lines_backward(paths.tsv_path(root)):
        row = parse_tsv_line(line.decode("utf-8", "replace"))
        if row is not None:
            return row
    return None


def parse_record(line) -> dict | None:
    """One JSONL line as a record (a dict), or None when it is not one."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def iter_jsonl(path):
    """Yield each complete JSON object (dict) of a JSONL file; torn or foreign lines are skipped."""
    for chunk in tail.iter_chunks(path):
        for line in chunk.split(b"\n"):
            record = parse_record(line) if line.strip() else None
            if record is not None:
                yield record


def read_jsonl(root) -> list[dict]:
    return list(iter_jsonl(paths.jsonl_path(root)))
