"""The errors the CLI reports as one message and an exit code (cli.main catches the base)."""

from __future__ import annotations


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
            parts.append(f"\n  key: {key}\n  value: {value!r}")
        elif key is not None:
            parts.append(f"\n  key: {key}")
        if example:
            parts.append(f"\n  example: {example}")
        super().__init__("".join(parts))
        self.source, self.key, self.value, self.example = source, key, value, example


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
