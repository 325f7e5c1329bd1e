"""Several sessions in one repository.

The current session is the one the verbs work on: its state is ``.autoresearch/session.json``
and its rows are ``results.tsv`` at the top of the repository. Every other session is
parked whole under ``.autoresearch/sessions/<tag>/``: its session.json, results.tsv, the
changes it set aside (``rejected/``), its copies of .git's settings (``git/``) and what its
last run left in the tree (``leftover.json``). Setting up or resuming another session
parks the current one and, to resume, brings the other back. The JSONL log holds every
session's events, each with its tag.

A session's phase, the one definition status, setup and the edit hook use:

- active: the current session, marked active by setup, with no stop request;
- stopped: a stop was requested, or the session is parked;
- finished: it reached ``max_experiments``.

Standard library only: the edit hook reads the phase too.
"""

from __future__ import annotations

import os
import shutil

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, FileError
from autoresearch_helpers.store import session
from autoresearch_helpers.store.session import State

ACTIVE, STOPPED, FINISHED = "active", "stopped", "finished"
PARKED = "sessions"  # under .autoresearch/
# what belongs to one session, relative to the repository (the state folder's are moved
# with it; results.tsv comes from the top)
_OWN = ("session.json", "rejected", "git", "leftover.json")


def phase(root, state: State) -> str:
    limit = (state.config.get("values") or {}).get("max_experiments")
    if limit and state.experiments >= limit:
        return FINISHED
    if not state.active or session.stop_requested(root):  # a parked one is never active
        return STOPPED
    return ACTIVE


def fresh(state: State) -> bool:
    """No experiment has run since the session was set up or last resumed (``resumed_at``):
    the brief status then shows the project's instructions in full, and the Stop hook
    (plugin/stop_hook.py) lets a turn end, as after `setup` alone."""
    return state.experiments <= state.resumed_at


def folder(root, tag: str) -> str:
    return os.path.join(paths.state_dir(root), PARKED, tag)


def parked(root) -> list[State]:
    """The parked sessions, oldest first (a damaged one is one message naming its file)."""
    base = os.path.join(paths.state_dir(root), PARKED)
    try:
        tags = sorted(os.listdir(base))
    except FileNotFoundError:
        return []
    found = [s for s in (load_parked(root, tag) for tag in tags) if s is not None]
    return sorted(found, key=lambda s: s.started_at)


def load_parked(root, tag: str) -> State | None:
    return session.load_file(os.path.join(folder(root, tag), "session.json"))


def park(root, state: State) -> str:
    """Move the current session under sessions/<tag>/; the folder, relative to the root.
    Its state is written there first and the current session.json removed last, so a
    kill in between leaves a current session that the next park moves on."""
    dest = folder(root, state.tag)
    state.active = False
    session.save_file(os.path.join(dest, "session.json"), state)
    _move(paths.tsv_path(root), os.path.join(dest, paths.TSV_NAME))
    for name in _OWN[1:]:
        _move(os.path.join(paths.state_dir(root), name), os.path.join(dest, name))
    _remove(session.session_file(root))
    session.clear_stop(root)
    return os.path.relpath(dest, root)


def unpark(root, tag: str) -> State:
    """Make the parked session ``tag`` the current one again (no current session may be
    left: park it first)."""
    src = folder(root, tag)
    state = load_parked(root, tag)
    if state is None:
        raise AutoresearchError(f"no parked session {tag} under {os.path.relpath(src, root)}")
    if os.path.exists(session.session_file(root)):
        raise AutoresearchError("internal: a session is still current; park it first")
    for name in _OWN[1:]:
        _move(os.path.join(src, name), os.path.join(paths.state_dir(root), name))
    _move(os.path.join(src, paths.TSV_NAME), paths.tsv_path(root))
    session.save(root, state)
    shutil.rmtree(src, ignore_errors=True)
    return state


def _move(src: str, dest: str) -> None:
    """Move a file or folder (nothing when ``src`` is missing), replacing ``dest``."""
    if not os.path.lexists(src):
        return
    try:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)
        os.replace(src, dest)
    except OSError as exc:
        raise FileError(src, exc, f"move it to {dest}") from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FileError(path, exc, "remove it") from None
