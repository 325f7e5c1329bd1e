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
MARKER = "AUTORESEARCH_RUN"  # set in every experiment's environment (see marked)


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    """Send ``sig`` to process group ``pgid``; False when no such group (or not ours)."""
    if pgid <= 1:
        raise ValueError(f"refusing to signal process group {pgid}")
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _stats() -> dict[int, list[bytes]]:
    """{pid: the fields of /proc/<pid>/stat after "pid (comm) "} of every process."""
    out = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # exited meanwhile
        out[int(name)] = stat[stat.rfind(b")") + 2:].split()
    return out


def descendants(pid: int) -> list[int]:
    """Every living descendant of ``pid`` (Linux /proc; [] elsewhere)."""
    children: dict[int, list[int]] = {}
    for child, fields in _stats().items():
        if fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(child)
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def marked(marker: str) -> list[int]:
    """Living processes whose environment holds ``AUTORESEARCH_RUN=<marker>``: the
    experiment's, wherever they moved (another group, another session, a new parent)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for pid, fields in _stats().items():
        if fields[0] == b"Z" or pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                env = fh.read().split(b"\0")
        except OSError:
            continue
        if needle in env:
            found.append(pid)
    return found


def kill_all(pids_of, rounds: int = 20) -> int:
    """SIGKILL the processes ``pids_of()`` returns until it returns none (each round
    catches what forked meanwhile); how many were killed."""
    killed: set[int] = set()
    for _ in range(rounds):
        pids = [p for p in pids_of() if p not in killed or _alive(p)]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        _reap_children()
        time.sleep(0.01)
    _reap_children()
    return len(killed)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] != b"Z"


def _reap_children() -> None:
    """Collect every exited child of this process (re-parented orphans included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def group_rss_bytes(pgid: int) -> int | None:
    """Summed resident memory of the processes in group ``pgid``; None without /proc."""
    if not os.path.isdir("/proc"):
        return None
    page = os.sysconf("SC_PAGE_SIZE")
    # after "pid (comm) ": state ppid pgrp session ... ; rss is field 24 of stat
    return sum(int(f[21]) * page for f in _stats().values() if len(f) > 21 and int(f[2]) == pgid)


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
