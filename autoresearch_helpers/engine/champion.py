"""The champion's own tree: a git worktree of the best commit under .autoresearch/champion,
where its runs beside a candidate's take place (engine/paired.py).

Before each of its runs the worktree is put back to the commit exactly (reset, and clean
of untracked files), so nothing a candidate's run wrote there can change how the champion
measures. What the repository has but git does not track (a data folder, node_modules, a
virtual environment) is linked in from the repository's top level, so the champion runs
with the same inputs; the tool's own files are never linked.
"""

from __future__ import annotations

import os

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git

FOLDER = f"{paths.STATE_DIR}/champion"
NEVER_LINKED = {".git", *(own.strip("/").split("/")[0] for own in paths.OWN_FILES)}


def prepare(root, commit: str, candidate: str) -> str:
    """The worktree at ``commit``, as clean as a checkout; its path. ``candidate`` is the
    commit in the repository's tree: what it tracks is never linked in either."""
    tree = os.path.join(root, FOLDER)
    if not os.path.isdir(os.path.join(tree, ".git")) and not os.path.isfile(
            os.path.join(tree, ".git")):
        git.git(root, "worktree", "prune")
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


def remove(root) -> None:
    """Remove the worktree (finalize, a new session); nothing if there is none."""
    tree = os.path.join(root, FOLDER)
    if os.path.exists(tree):
        git.git(root, "worktree", "remove", "--force", tree, check=False)
    git.git(root, "worktree", "prune", check=False)
