"""Where things are: the repository root, and the tool's own files inside it.

None of these files is ever committed (setup lists them in .git/info/exclude).
"""

from __future__ import annotations

import os

from autoresearch_helpers.errors import AutoresearchError

TSV_NAME = "results.tsv"  # one row per experiment
JSONL_REL = ".claude/logs/autoresearch.jsonl"  # one JSON event per line
RUN_LOG = "run.log"  # the output of the last run
STATE_DIR = ".autoresearch"  # session state, lock, stop request, rejected changes
VERIFY_LOG = f"{STATE_DIR}/verify.log"
HOLDOUT_LOG = f"{STATE_DIR}/holdout.log"  # the held-out check's output, never shown
OWN_FILES = (TSV_NAME, RUN_LOG, ".claude/logs/", f"{STATE_DIR}/")


def own_path(rel: str) -> str | None:
    """The entry of OWN_FILES that the repository-relative POSIX path ``rel`` is, lies
    inside, or holds (``.claude`` holds ``.claude/logs/``); None when it touches none."""
    rel = rel.strip("/")
    for own in OWN_FILES:
        bare = own.rstrip("/")
        if rel == bare or rel.startswith(bare + "/") or bare.startswith(rel + "/"):
            return own
    return None


def _walk_up(start, found) -> str | None:
    folder = os.path.realpath(os.fspath(start))
    while True:
        if found(folder):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _is_repo(folder: str) -> bool:
    return os.path.exists(os.path.join(folder, ".git"))


def repo_root_or_none(start=None) -> str | None:
    """The top of the git work tree holding ``start`` (default: the current directory);
    ``start`` need not exist yet (a file about to be written)."""
    return _walk_up(os.getcwd() if start is None else start, _is_repo)


def find_root(start=None) -> str:
    """:func:`repo_root_or_none`, or the one error every verb gives outside a repository."""
    root = repo_root_or_none(start)
    if root is None:
        here = os.path.realpath(os.getcwd() if start is None else os.fspath(start))
        raise AutoresearchError(f"not a git repository: {here} (nor any folder above it); "
                                "run 'git init' first")
    return root


def find_logs(start=None) -> str:
    """The folder whose logs the read-only verbs show: the nearest one (from ``start``
    upwards) holding results.tsv or the JSONL log, else the repository root (else the
    error of :func:`find_root`)."""
    start = os.getcwd() if start is None else start

    def has_logs(folder: str) -> bool:
        return (os.path.isfile(os.path.join(folder, TSV_NAME))
                or os.path.isfile(os.path.join(folder, JSONL_REL)))

    return _walk_up(start, has_logs) or find_root(start)


def tsv_path(root) -> str:
    return os.path.join(root, TSV_NAME)


def jsonl_path(root) -> str:
    return os.path.join(root, JSONL_REL)


def state_dir(root) -> str:
    return os.path.join(root, STATE_DIR)
