"""The champion's own tree: a git worktree of the best commit under .autoresearch/champion,
where its runs beside a candidate's take place (engine/paired.py).

Before each of its runs the worktree is put back to the commit exactly (reset, and clean
of untracked files), so nothing a candidate's run wrote there can change how the champion
measures. What the repository has but git does not track (a data folder, node_modules, a
virtual environment) is linked in from the repository's top level, so the champion runs
with the same inputs; the tool's own files are never linked.

The worktree is a cache: :func:`prepare` makes it again whenever it is missing (also
when its folder was deleted by hand, or is not a worktree any more), so removing it
between two experiments is always safe. It goes when the session stops being active:
``finalize``, ``stop`` (or, when a run holds the lock, that run as it ends) and the
``setup`` of a new session.
"""

from __future__ import annotations

import os
import shutil

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git
from autoresearch_helpers.errors import AutoresearchError, GitError
from autoresearch_helpers.store import lock

FOLDER = f"{paths.STATE_DIR}/champion"
NEVER_LINKED = {".git", *(own.strip("/").split("/")[0] for own in paths.OWN_FILES)}


def prepare(root, commit: str, candidate: str) -> str:
    """The worktree at ``commit``, as clean as a checkout; its path. ``candidate`` is the
    commit in the repository's tree: what it tracks is never linked in either."""
    tree = os.path.join(root, FOLDER)
    if not os.path.exists(os.path.join(tree, ".git")):
        _clear(tree)  # what a failed removal left, or a folder that is not a worktree
        git.git(root, "worktree", "prune")  # git's record of a folder that is gone
        git.git(root, "worktree", "add", "-q", "-f", "--detach", tree, commit)
    else:
        git.git(tree, "reset", "-q", "--hard", commit)
    git.git(tree, "clean", "-q", "-f", "-d")
    _link_untracked(root, tree, commit, candidate)
    return tree


def _link_untracked(root, tree: str, *commits: str) -> None:
    tracked = set()
    for commit in commits:
        tracked.update(git.git(root, "ls-tree", "--name-only", "-z", commit).split("\0"))
    for name in os.listdir(root):
        if name in NEVER_LINKED or name in tracked:
            continue
        link = os.path.join(tree, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(root, name), link)


def _clear(tree: str) -> None:
    """Delete whatever is at ``tree`` (links are removed, never followed)."""
    if os.path.islink(tree) or os.path.isfile(tree):
        os.unlink(tree)
    elif os.path.isdir(tree):
        shutil.rmtree(tree)


def remove(root) -> str | None:
    """Remove the worktree and git's record of it (also of one whose folder is gone).
    Call it with the session lock held, so that no run is using it. Never fails: None,
    or one line saying what git could not remove (the next prepare replaces it)."""
    tree = os.path.join(root, FOLDER)
    try:
        if os.path.lexists(tree):
            git.git(root, "worktree", "remove", "--force", tree)
    except GitError as exc:
        why = str(exc).strip().splitlines()[-1].strip()
        return (f"could not remove the best commit's worktree {FOLDER} ({why}); it is only "
                "a cache, which the next run replaces")
    finally:
        git.git(root, "worktree", "prune", check=False)
    return None


def remove_unless_busy(root, verb: str) -> str | None:
    """:func:`remove` under the session lock, taken for ``verb``; nothing when another
    command holds the lock. A run holding it may be using the worktree, and waiting for
    it would block ``verb`` for as long as an experiment lasts: that run removes the
    worktree itself as it ends when a stop was requested (engine/experiment.py), and
    otherwise the worktree waits for the next finalize, stop or new setup."""
    try:
        with lock.Lock(root, verb):
            return remove(root)
    except AutoresearchError:  # the lock is busy (or cannot even be opened)
        return None
