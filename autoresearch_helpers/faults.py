"""Fault injection for the kill tests: ``AUTORESEARCH_FAULT=POINT[:N]``.

The process SIGKILLs itself the Nth time (default 1) it reaches POINT, so a test can stop
the helper at exactly the moment a power cut or an OOM kill would. ``*-torn`` points write
the first half of the line first, as a write cut short by a kill would leave it.

Reading the variable is all it costs when it is unset. docs/reliability.md lists the points.
"""

from __future__ import annotations

import os
import signal

from autoresearch_helpers.errors import UsageError

POINTS = tuple(f"{step}-{when}" for step in ("commit", "tsv", "jsonl", "session", "tag", "reset")
               for when in ("before", "after")) + ("tsv-torn", "jsonl-torn")

_reached: dict[str, int] = {}


def armed() -> tuple[str, int] | None:
    """(point, N) from the environment, None when unset; UsageError when malformed (the
    CLI checks this before doing anything)."""
    spec = os.environ.get("AUTORESEARCH_FAULT")
    if not spec:
        return None
    point, _, count = spec.partition(":")
    if point not in POINTS:
        raise UsageError(f"AUTORESEARCH_FAULT: unknown point {point!r}; "
                         f"one of: {', '.join(POINTS)}")
    if count and not (count.isdigit() and int(count) > 0):
        raise UsageError(f"AUTORESEARCH_FAULT: {spec!r}: the count after ':' must be a "
                         "whole number from 1")
    return point, int(count or 1)


def reach(point: str) -> bool:
    """Count one arrival at ``point``; SIGKILL this process when it is the armed one.
    Returns False (for ``*-torn`` points, True means: write half, then call ``kill``)."""
    target = armed()
    if target is None or target[0] != point:
        return False
    _reached[point] = _reached.get(point, 0) + 1
    if _reached[point] != target[1]:
        return False
    if point.endswith("-torn"):
        return True
    kill()
    return False  # not reached


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
