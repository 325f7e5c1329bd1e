"""The metric of one experiment: a printed `name: value` line, a parse command, a size, a time.

Every failure is a :class:`MetricError` whose ``code`` is the crash code of SPEC §8:

- ``metric_missing``: no value at all (no matching line, empty output, no artifact);
- ``metric_nan``: the value is NaN or ±inf, not a finite number;
- ``metric_invalid``: what stands where the number should be is not one number;
- ``metric_parse_failed``: the metric_parse command exited non-zero or timed out.

How a printed value is read (``parse_printed``): the LAST line holding ``name: value`` or
``name=value`` (spaces around the separator allowed, and ``"name": value`` as in a printed
dict or JSON) decides. The name must stand as a whole
word: ``val_loss`` matches ``step 5 | val_loss: 0.31`` but neither ``my_val_loss2: 1`` nor
``train.val_loss: 1`` nor ``eval-val_loss: 1``. A line is first cleaned as a terminal shows it
(ANSI escapes removed, only the text after its last carriage return). The value is a decimal
or scientific number with an optional sign (``-0.5``, ``+2``, ``1e-3``); text after it is a
unit or more output and is ignored (``12.3 ms``, ``45%``, ``0.31, acc: 0.9``). Thousands
separators are accepted only in their strict form (``1,234.5`` is 1234.5); anything else
that glues digits to the number with a comma or a dot (``1,5``, ``1.2.3``) is ambiguous and
therefore ``metric_invalid`` rather than a silent guess. ``metric_line`` reads one line.

This module is imported by every ``autoresearch run``: reading a plain log imports neither
``re`` nor ``signal`` nor ``collections`` (annotations here are text, never evaluated).
"""

from __future__ import annotations

import os

from autoresearch_helpers.metric_line import (
    MetricError,
    check_name,
    clean_line,
    to_float,
    value_in,
    word_kind,
)

UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


# --- reading run.log --------------------------------------------------------------------

def iter_lines_backward(path, block: int = 65536,
                        cap: int = 1 << 20) -> collections.abc.Iterator[bytes]:
    """The lines of ``path`` from the last to the first, without newlines.

    The last line is yielded even when unfinished (a crash message, a metric printed without
    a newline). A line longer than ``cap`` bytes (progress bars redrawn with \\r for hours)
    keeps only its last ``cap`` bytes, which hold its last \\r segment.
    """
    with open(path, "rb") as fh:
        pos = fh.seek(0, os.SEEK_END)
        buf = b""
        skipping = False  # dropping the head of an over-long line
        first = True
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            data = fh.read(pos - start)
            pos = start
            if first:
                data, first = (data[:-1] if data.endswith(b"\n") else data), False
            if skipping:
                nl = data.rfind(b"\n")
                if nl < 0:
                    continue
                data, skipping = data[:nl + 1], False
            buf = data + buf
            parts = buf.split(b"\n")
            buf = parts.pop(0) if pos > 0 else b""
            yield from reversed(parts)
            if len(buf) > cap:
                buf, skipping = buf[-cap:], True
        if skipping:
            yield buf


# --- printed values ---------------------------------------------------------------------

def _missing(name: str, where: str) -> MetricError:
    return MetricError("metric_missing", f"no line '{name}: <number>' in {where}")


def parse_printed(text: str, name: str, where: str = "the output") -> float:
    """The value of the last ``name: value`` line of ``text`` (rules in the module doc)."""
    check_name(name)
    for line in reversed(text.split("\n")):
        if name in line:
            value = value_in(clean_line(line), name, where)
            if value is not None:
                return value
    raise _missing(name, where)


def parse_printed_file(path, name: str) -> float:
    """``parse_printed`` on a log file, reading from its end (logs can be gigabytes)."""
    check_name(name)
    needle, where = name.encode(), str(path)
    try:
        lines = iter_lines_backward(path)
        for raw in lines:
            if needle in raw:
                value = value_in(clean_line(raw.decode("utf-8", "replace")), name, where)
                if value is not None:
                    return value
    except FileNotFoundError:
        raise MetricError("metric_missing",
                          f"{path} does not exist: the run wrote no log") from None
    raise _missing(name, where)


# --- a metric_parse command -------------------------------------------------------------

def parse_command(cmd: str, cwd, timeout: float = 60) -> float:
    """Run the metric_parse shell command; its stdout must be exactly one finite number."""
    import subprocess

    proc = subprocess.Popen(["/bin/sh", "-c", cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _killpg(proc.pid)
        try:
            out, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a process that left the group holds the pipes
            proc.kill()
            out, err = b"", b""
    finally:
        _killpg(proc.pid)
        if proc.returncode is None:
            proc.wait()
    where = f"metric_parse `{cmd}`"
    if timed_out:
        raise MetricError("metric_parse_failed", f"{where} timed out after {timeout:g} s")
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
        detail = ("; stderr: " + " | ".join(tail)) if tail else ""
        raise MetricError("metric_parse_failed", f"{where} exited {proc.returncode}{detail}")
    words = out.decode("utf-8", "replace").split()
    if not words:
        raise MetricError("metric_missing", f"{where} printed nothing")
    if len(words) > 1:
        shown = " ".join(words)[:60]
        raise MetricError("metric_invalid", f"{where} printed {len(words)} values, "
                                            f"expected one number: {shown!r}")
    word = words[0]
    kind = word_kind(word)
    if kind == "nan":
        raise MetricError("metric_nan", f"{where} printed {word!r}, not a finite number")
    if kind == "invalid":
        raise MetricError("metric_invalid", f"{where} printed {word[:60]!r}, not a number")
    return to_float(word, "the value", where)


def _killpg(pgid: int) -> None:
    import signal

    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- sizes and times --------------------------------------------------------------------

def _tree_bytes(path: str) -> int:
    """A file's size, or the regular files under a folder (symlinks inside are not followed)."""
    if not os.path.isdir(path):
        return os.stat(path).st_size
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            if not os.path.islink(os.path.join(folder, name)):
                total += st.st_size
    return total


def artifact_size(root, pattern: str, unit: str) -> float:
    """Size of ``root/pattern`` (a file, a folder, or a glob's matches) in ``unit`` (KB, MB…)."""
    factor = UNITS.get(unit.upper()) if unit else None
    if factor is None:
        raise ValueError(f"unknown size unit {unit!r}; use one of {', '.join(UNITS)}")
    import glob

    root = os.fspath(root)
    if glob.has_magic(pattern):
        found = [os.path.join(root, p) for p in glob.glob(pattern, root_dir=root, recursive=True)]
        if not found:
            raise MetricError("metric_missing", f"no file matches the artifact {pattern!r} "
                                                f"under {root}: did the build write it?")
    else:
        found = [os.path.join(root, pattern)]
        if not os.path.exists(found[0]):
            raise MetricError("metric_missing", f"artifact {found[0]} does not exist: "
                                                "did the build write it?")
    return sum(_tree_bytes(p) for p in found) / factor


# How a metric is measured; adapters name one of these (adapters.base re-exports them).
PRINTED = "printed"  # the last `metric_name: value` line of run.log (or metric_parse)
ARTIFACT_SIZE = "artifact_size"  # the size of a build artifact (file or folder)
WALL_TIME = "wall_time"  # the wall time of run_command, measured by the helper


def measure(root, *, metric_name: str, measure: str, metric_parse: str | None = None,
            artifact: str | None = None, unit: str | None = None, run_result=None,
            log_path=None) -> float:
    """The metric of the run that just ended; metric_parse, when set, always wins."""
    if metric_parse:
        return parse_command(metric_parse, root)
    if measure == PRINTED:
        return parse_printed_file(log_path or os.path.join(root, "run.log"), metric_name)
    if measure == ARTIFACT_SIZE:
        if not artifact:
            raise MetricError("metric_missing", f"no artifact is configured for {metric_name}")
        return artifact_size(root, artifact, unit or "KB")
    if measure == WALL_TIME:
        if run_result is None:
            raise ValueError("wall_time needs the run's result")
        factor = {None: 1, "s": 1, "ms": 1000, "min": 1 / 60}.get(unit)
        if factor is None:
            raise ValueError(f"unknown time unit {unit!r}; use s, ms or min")
        return run_result.duration_s * factor
    raise ValueError(f"unknown measure {measure!r}; use {PRINTED}, {ARTIFACT_SIZE} or {WALL_TIME}")
