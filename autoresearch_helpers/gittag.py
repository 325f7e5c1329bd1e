"""The rejected experiments' tags, ``refs/tags/autoresearch/<tag>/rejected/<n>``."""

from __future__ import annotations

import os

from autoresearch_helpers.gitops import git


def tag(root, name: str, commit: str) -> None:
    """Point refs/tags/<name> at ``commit``.

    In a plain repository (a .git folder with loose refs) the ref file is written directly,
    the way git writes it (a .lock file renamed into place), saving a git process per
    rejected experiment; anywhere else (a linked worktree, reftable, a name that clashes,
    a held lock) `git update-ref` does it.
    """
    if not _write_loose_ref(root, f"refs/tags/{name}", commit):
        git(root, "update-ref", f"refs/tags/{name}", commit)


def _write_loose_ref(root, ref: str, commit: str) -> bool:
    gitdir = os.path.join(root, ".git")
    path = os.path.join(gitdir, *ref.split("/"))
    try:
        with open(os.path.join(gitdir, "config"), "rb") as fh:
            if b"refstorage" in fh.read().lower():
                return False
        try:
            with open(os.path.join(gitdir, "packed-refs"), "rb") as fh:
                if b"refs/tags/autoresearch" in fh.read():
                    return False  # a packed ref could clash with this name: let git decide
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path + ".lock", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:  # .git is a file (worktree), a loose ref in the way, a held lock
        return False
    try:
        try:
            os.write(fd, f"{commit}\n".encode())
        finally:
            os.close(fd)
        os.replace(path + ".lock", path)
    except OSError:  # e.g. a folder of refs where the file should go
        os.unlink(path + ".lock")
        return False
    return True
