"""The errors the CLI reports as one message and an exit code (cli.main catches the base)."""

from __future__ import annotations

import errno
import reprlib

SHOWN_CHARS = 100  # the most of one value a message shows
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = SHOWN_CHARS
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 10
_REPR.maxlevel = 3


def shown(value, *, ascii_only: bool = False) -> str:
    """``value`` as a message shows it: its repr (with ``ascii_only`` every non-ASCII
    character escaped, ``'metric_n\\u0430me'``), at most SHOWN_CHARS characters, made
    without formatting all of a huge value."""
    if ascii_only and isinstance(value, str):
        text = ascii(value[:SHOWN_CHARS])
    else:
        text = _REPR.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


class AutoresearchError(Exception):
    """An error we report to the user as one message; exit code 1."""

    exit_code = 1


class UsageError(AutoresearchError):
    """Bad command-line usage; exit code 2."""

    exit_code = 2


class ConfigError(AutoresearchError):
    """Bad configuration (a file, a key, a value); exit code 2.

    The message names the file (and line when known), the key, the value received and a
    valid example, so the user can fix it without reading our code.
    """

    exit_code = 2

    def __init__(self, message, *, source=None, key=None, value=None, example=None):
        parts = []
        if source:
            parts.append(f"{source}: ")
        parts.append(message)
        if key is not None and value is not None:
            parts.append(f"\n  key: {key}\n  value: {shown(value)}")
        elif key is not None:
            parts.append(f"\n  key: {key}")
        if example:
            parts.append(f"\n  example: {example}")
        super().__init__("".join(parts))
        self.source, self.key, self.value, self.example = source, key, value, example


# What to do about an OSError on one of our files, by errno.
REMEDIES = {
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some space (the disk quota is reached)",
    errno.EFBIG: "the file reached the file size limit (ulimit -f): raise it or move the file away",
    errno.EACCES: "give yourself read and write permission on it",
    errno.EPERM: "give yourself read and write permission on it",
    errno.EISDIR: "a folder is where this file should be: move the folder away",
    errno.ENOTDIR: "a file is where one of its folders should be: move that file away",
    errno.EROFS: "the file system is read-only: work in a writable copy of the repository",
}


class FileError(AutoresearchError):
    """An OSError on one file, in one line: the file, what failed, the OS's words and code,
    and what to do (``<file>: cannot <doing>: No space left on device (ENOSPC); free ...``)."""

    def __init__(self, path, exc: OSError, doing: str = ""):
        code = errno.errorcode.get(exc.errno or 0)
        parts = [f"{path}: " if path else "", f"cannot {doing}: " if doing else "",
                 exc.strerror or str(exc), f" ({code})" if code else ""]
        remedy = REMEDIES.get(exc.errno)
        super().__init__("".join(parts) + (f"; {remedy}" if remedy else ""))
        self.path, self.errno = path, exc.errno


class GitError(AutoresearchError):
    """A git command failed; the message holds the command and the tail of its stderr."""


class MetricError(AutoresearchError):
    """No usable metric value; ``code`` is the crash code written to the logs."""

    CODES = ("metric_missing", "metric_nan", "metric_invalid", "metric_parse_failed")

    def __init__(self, code: str, message: str):
        if code not in self.CODES:
            raise ValueError(f"unknown metric error code {code!r}")
        super().__init__(message)
        self.code = code
