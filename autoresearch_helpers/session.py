"""Session state under ``.autoresearch/`` and the lock.

Files (none is ever committed; setup lists the folder in .git/info/exclude):

    .autoresearch/session.json   the state below, replaced atomically
    .autoresearch/lock           flock'ed by the process running setup/run ("<pid> <verb>")
    .autoresearch/stop           present when a graceful stop was requested
    .autoresearch/rejected/      saved patches of rejected or out-of-scope changes

session.json (schema 1)::

    {"schema": 1, "active": true, "tag": "nov21", "branch": "autoresearch/nov21",
     "root": "/abs/path", "started_at": "...", "base_commit": "<sha>",
     "config": {<every effective config key -> value>},
     "editable": ["train.py", ...],        # repo-relative: target_file + editable_files
     "readonly": ["data/x.py", ...],
     "metric_name": "val_bpb", "direction": "lower_is_better",
     "champion": {"commit": "<sha>", "value": 0.99, "samples": [0.99]},
     "baseline": {"commit": "<sha>", "value": 1.01},
     "experiments": 12, "counts": {"keep": 3, "discard": 8, "crash": 1},
     "crash_streak": 0, "pending": null | {"commit": "<sha>", "description": "..."}}
"""

from __future__ import annotations

import os

from autoresearch_helpers import jsonio
from autoresearch_helpers.errors import AutoresearchError

STATE_DIR = ".autoresearch"
SCHEMA = 1


def state_dir(root) -> str:
    return os.path.join(root, STATE_DIR)


def session_file(root) -> str:
    return os.path.join(root, STATE_DIR, "session.json")


def load(root) -> dict | None:
    """The session state, or None when there is no session in this repository."""
    path = session_file(root)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return None
    try:
        state = jsonio.loads(text)  # errors are json's own
    except ValueError as exc:
        raise AutoresearchError(f"{path}: the session state is not valid JSON ({exc}); "
                                "move it away and run 'autoresearch setup' to start again") from exc
    return state if isinstance(state, dict) else None


def save(root, state: dict) -> None:
    """Replace session.json atomically (write a temporary file, rename over the old one).

    A reader or a killed writer never sees half a file. No fsync: the guarantee is against
    a killed process, not a power cut, and it would cost milliseconds per experiment.
    """
    folder = state_dir(root)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".session.{os.getpid()}.tmp")
    # one line: with an indent, json falls back to its pure-Python encoder (~ms per save)
    data = jsonio.dumps(state, ensure_ascii=False) + "\n"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, os.path.join(folder, "session.json"))


# --- stop requests ------------------------------------------------------------------------

def stop_file(root) -> str:
    return os.path.join(root, STATE_DIR, "stop")


def request_stop(root, reason: str = "") -> None:
    os.makedirs(state_dir(root), exist_ok=True)
    with open(stop_file(root), "w", encoding="utf-8") as fh:
        fh.write(reason + "\n")


def stop_requested(root) -> bool:
    return os.path.exists(stop_file(root))


def clear_stop(root) -> None:
    try:
        os.unlink(stop_file(root))
    except FileNotFoundError:
        pass


# --- the lock -----------------------------------------------------------------------------

class Lock:
    """An exclusive advisory lock (flock) on ``.autoresearch/lock``.

    The kernel releases it when its process dies, however it dies, so a lock left by a
    killed run never blocks the next one. The file holds the owner's pid for the message.
    """

    def __init__(self, root, verb: str):
        self.path = os.path.join(root, STATE_DIR, "lock")
        self.verb = verb
        self._fd: int | None = None

    def __enter__(self) -> "Lock":
        import fcntl

        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 200).decode("utf-8", "replace").split()
            os.close(fd)
            who = f"pid {owner[0]}, '{owner[1]}'" if len(owner) >= 2 else "another process"
            raise AutoresearchError(
                f"another autoresearch command ({who}) is running in this repository; "
                f"wait for it to finish (lock: {self.path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.verb}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None
