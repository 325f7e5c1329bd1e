"""Process groups: signal one, measure its memory, and collect its zombies (Linux /proc).

Every experiment runs as the leader of a new session; these act on the whole group, so
that background jobs and grandchildren are never left behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER = 36, 37


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    """Send ``sig`` to process group ``pgid``; False when no such group (or not ours)."""
    if pgid <= 1:
        raise ValueError(f"refusing to signal process group {pgid}")
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def group_rss_bytes(pgid: int) -> int | None:
    """Summed resident memory of the processes in group ``pgid``; None without /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # exited meanwhile
        fields = stat[stat.rfind(b")") + 2:].split()
        # after "pid (comm) ": state ppid pgrp session ... ; rss is field 24 of stat
        if len(fields) > 21 and int(fields[2]) == pgid:
            total += int(fields[21]) * page
    return total


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def set_subreaper(on: bool) -> bool | None:
    """Make this process the reaper of its orphaned descendants (Linux); the old value,
    or None where that is not possible."""
    prctl = _prctl()
    if prctl is None:
        return None
    old = ctypes.c_int(0)
    if prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(old), 0, 0, 0) != 0:
        return None
    if bool(old.value) != on and prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) != 0:
        return None
    return bool(old.value)


def reap_group(pgid: int, patience: float = 2.0) -> None:
    """Collect the zombies of the (killed) group that were re-parented to us."""
    end = time.monotonic() + patience
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-pgid, os.WNOHANG)
        except ChildProcessError:
            if not kill_group(pgid, 0):
                return  # the group is gone
            pid = 0  # a member is still being re-parented to us (or is not ours to reap)
        if pid == 0:
            time.sleep(0.005)
