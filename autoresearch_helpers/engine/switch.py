"""Which session setup works on: the tag of a new one, where it starts, and moving the
current session aside (store/sessions.py) to start or resume another.

Every switch needs a clean work tree (tracked files as committed), since it checks out
another branch; it is refused before anything is changed otherwise.
"""

from __future__ import annotations

import time

from autoresearch_helpers.engine import champion, git
from autoresearch_helpers.engine.recovery import recover
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.store import sessions
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import typed

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def default_tag(now: float | None = None) -> str:
    """English lowercase month + day (nov21), whatever the locale."""
    t = time.localtime(now)
    return f"{MONTHS[t.tm_mon - 1]}{t.tm_mday}"


def choose_tag(root, wanted: str | None) -> str:
    if wanted is not None:
        name = f"autoresearch/{wanted}"
        valid = git.git(root, "check-ref-format", "--branch", name, check=False).strip()
        if not wanted or "/" in wanted or valid != name:
            raise UsageError(f"--tag {wanted!r} cannot be part of a branch name "
                             "(example: --tag nov21-lr)")
        if git.ref_exists(root, f"refs/heads/autoresearch/{wanted}"):
            raise UsageError(f"branch autoresearch/{wanted} already exists, and no session "
                             f"{wanted} is parked in .autoresearch/sessions/ to resume; "
                             f"choose another --tag ({typed('sessions')} lists them)")
        return wanted
    base = default_tag()
    tag, n = base, 1
    while git.ref_exists(root, f"refs/heads/autoresearch/{tag}"):
        n += 1
        tag = f"{base}-{n}"
    return tag


def refuse_dirty(root) -> None:
    """Uncommitted changes to tracked files would be lost by a later reset: refused."""
    dirty = git.dirty_tracked(root)
    if dirty:
        listed = "\n  ".join(dirty[:20]) + ("\n  ..." if len(dirty) > 20 else "")
        raise AutoresearchError(
            f"uncommitted changes to tracked files; commit or stash them first "
            f"(nothing was changed):\n  {listed}")


def start_point(root, ref: str | None, state: State | None) -> str:
    """The commit a new session starts from: ``ref`` (--from), else the current session's
    base, else HEAD."""
    if ref is None:
        return state.base_commit if state is not None else git.head(root)
    commit = git.git(root, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}",
                     check=False).strip()
    if not commit:
        raise UsageError(f"--from {ref!r}: no such commit or branch in this repository "
                         "(example: --from main)")
    return commit


def park(root, state: State) -> list[str]:
    """Repair what a killed run of the current session left (when its branch is checked
    out), then move the session aside; what was done, one line each. Call with the
    session lock held."""
    notes = []
    if state.champion is not None and git.current_branch(root) == state.branch:
        notes = recover(root, state, git.head(root))
    where = sessions.park(root, state)
    return notes + [f"session {state.tag} was parked under {where}/ (resume it: "
                    f"{typed('setup --tag ' + state.tag)})"]


def other_target(state: State, target: str) -> UsageError:
    """Session ``state`` was named, but ``target`` is not one of its files."""
    return UsageError(f"session {state.tag} edits {', '.join(state.editable)}; to work on "
                      f"{target} start a new session with another tag: "
                      f"{typed('setup --tag <new-tag> ' + target)}")


def bring_back(root, tag: str, state: State | None, target: str | None) -> list[str]:
    """Park the current session (if any) and make the parked session ``tag`` current
    again (its branch is checked out by the resume); what was done, one line each. Call
    with the session lock held."""
    other = sessions.load_parked(root, tag)
    if target and target not in other.editable:
        raise other_target(other, target)
    refuse_dirty(root)
    notes = park(root, state) if state is not None else []
    notes += filter(None, [champion.remove(root)])
    sessions.unpark(root, tag)
    return notes
