"""Setting a rejected change aside: saved under .autoresearch/rejected/<n>/, then the
working tree goes back to the champion (a scope_violation or git_tampered crash). The
patch is written before anything moves, and ``.done`` once the reset is over, so a kill
in between leaves the change in the tree or in the folder, never nowhere."""

from __future__ import annotations

import os
import shutil

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git
from autoresearch_helpers.store.session import State


def folder(root, number: int) -> str:
    return os.path.join(paths.state_dir(root), "rejected", str(number))


def relative(root, number: int) -> str:
    return os.path.relpath(folder(root, number), root)


def finished(root, number: int) -> bool:
    return os.path.exists(os.path.join(folder(root, number), ".done"))


def set_aside(root, state: State, number: int, changes) -> str:
    """Save the whole change (change.patch, and the agent's new files under files/), then
    reset to the champion; the folder, relative to ``root``. Untracked files are moved only
    when the agent created them; those there at setup, the user's, are copied."""
    where = folder(root, number)
    os.makedirs(where, exist_ok=True)
    patch = os.path.join(where, "change.patch")
    if not os.path.exists(patch):  # a first attempt's patch is the complete one
        with open(patch + ".tmp", "wb") as fh:
            fh.write(git.binary_patch(root))
        os.replace(patch + ".tmp", patch)
    users = set(state.untracked_at_setup)
    for kind, path, _ in changes:
        source = os.path.join(root, path)
        if kind == "??" and os.path.lexists(source):
            dest = os.path.join(where, "files", path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if path in users:
                shutil.copy2(source, dest, follow_symlinks=False)
            else:
                shutil.move(source, dest)
    git.reset_hard(root, state.champion.commit)
    with open(os.path.join(where, ".done"), "w", encoding="utf-8"):
        pass
    return relative(root, number)
