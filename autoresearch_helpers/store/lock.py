"""The session lock, ``.autoresearch/lock``: taken by `setup` and `run`, looked at by `status`.

:class:`Lock` is an exclusive flock held for the whole command; the file holds the
owner's "<pid> <verb>". The kernel drops a flock when its process dies, however it dies,
so :func:`holder` (a non-blocking shared flock, released at once) tells a command that is
still running from one that was killed, without writing anything. A probe holds its
shared lock for a moment; :class:`Lock` waits a little (``WAIT``) before it calls the lock
busy, so that a probe never makes a command fail.

Standard library only: the edit hook reads the session too.
"""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, FileError

WAIT = 0.25  # seconds a busy lock is tried again before the command is refused


def lock_file(root) -> str:
    return os.path.join(paths.state_dir(root), "lock")


@dataclass
class Holder:
    """Who holds the lock, as its file says (None when the file does not say)."""

    pid: int | None
    verb: str | None


def _owner(fd: int) -> Holder:
    try:
        words = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        words = []
    pid = int(words[0]) if words and words[0].isdigit() else None
    return Holder(pid, words[1] if len(words) >= 2 else None)


def holder(root) -> Holder | None:
    """The command holding the lock, or None when none does (or the lock cannot be read).
    Read-only: it never creates the file."""
    try:
        fd = os.open(lock_file(root), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _owner(fd)
    except OSError:
        return None
    finally:
        os.close(fd)  # closing releases the probe's own shared lock
    return None


class Lock:
    """An exclusive advisory lock (flock) on ``.autoresearch/lock``.

    The kernel releases it when its process dies, however it dies, so a lock left by a
    killed run never blocks the next one. The file holds the owner's pid for the message.
    """

    def __init__(self, root, verb: str):
        self.path = lock_file(root)
        self.verb = verb
        self._fd: int | None = None

    def __enter__(self) -> "Lock":
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise FileError(self.path, exc, "open the lock") from None
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:  # perhaps only a probe, for a moment
                    time.sleep(0.01)
                    continue
            owner = _owner(fd)
            os.close(fd)
            who = (f"pid {owner.pid}, '{owner.verb}'" if owner.pid and owner.verb
                   else "another process")
            raise AutoresearchError(
                f"another autoresearch command ({who}) is running in this repository; "
                f"wait for it to finish (lock: {self.path})")
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.verb}\n".encode())
        except OSError:
            pass  # a full disk: the lock holds all the same, only the message loses the pid
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None
