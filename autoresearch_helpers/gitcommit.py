"""The loop's commits: exactly the experiment's paths, with git's own summary read back."""

from __future__ import annotations

import os

from autoresearch_helpers.gitops import GitCall, git, head

# Commits made by the loop never sign or run the user's hooks: the loop's gate is
# verify_command, and a GPG prompt or a slow hook would stall an unattended run.
# Nor does a commit start `git maintenance run --auto` in the background of the loop.
_COMMIT_OPTS = ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                "-c", "maintenance.auto=false"]


def commit_paths(root, paths: list[str], message: str, *, untracked: bool = True,
                 allow_empty: bool = False) -> tuple[str, int | None]:
    """Commit exactly ``paths`` (additions, changes, deletions) on top of HEAD.

    Returns (the full sha, net lines removed from HEAD, or None if git did not say).
    """
    return finish_commit(root, start_commit(root, paths, message, untracked=untracked,
                                            allow_empty=allow_empty))


def start_commit(root, paths: list[str], message: str, *, untracked: bool = True,
                 allow_empty: bool = False) -> GitCall:
    """Start the commit of :func:`commit_paths`; :func:`finish_commit` reads its answer.

    When every path is already tracked, one `git commit -- paths` stages and commits them;
    new files need a `git add` first (done before this returns).
    """
    args = [*_COMMIT_OPTS, "-c", "core.abbrev=40", "commit", "--no-verify", "-m", message]
    if allow_empty:
        args.append("--allow-empty")
    if paths and untracked:
        git(root, "add", "-A", "--", *paths)
    elif paths:
        args += ["--", *paths]
    return GitCall(root, *args, env={**os.environ, "LC_ALL": "C"})


def finish_commit(root, call: GitCall) -> tuple[str, int | None]:
    """(sha, net lines removed) from git's own summary, so no `rev-parse` or `diff
    --numstat` is needed: "[branch <sha>] subject" (full-length with core.abbrev=40) and
    " 2 files changed, 3 insertions(+), 5 deletions(-)", read in the C locale."""
    lines = call.result().split("\n")
    first = lines[0]  # the subject is folded onto this one line
    sha = first.split("]", 1)[0].rsplit(" ", 1)[-1] if first.startswith("[") else ""
    net = _net_removed(lines[1]) if len(lines) > 1 else 0
    return (sha, net) if len(sha) == 40 else (head(root), None)


def _net_removed(stat: str) -> int | None:
    """Deletions minus insertions from a --shortstat line; 0 for a commit with no change."""
    if not stat.strip():
        return 0  # an empty commit prints no summary
    counts = {"insertion": 0, "deletion": 0}
    parts = [part.split() for part in stat.split(",")]
    if not parts[0][1:2] or parts[0][1] not in ("file", "files"):
        return None
    for words in parts[1:]:
        if len(words) != 2 or not words[0].isdigit():
            return None
        kind = words[1].split("(")[0].rstrip("s")
        if kind not in counts:
            return None
        counts[kind] = int(words[0])
    return counts["deletion"] - counts["insertion"]


def lines_removed(root, old: str, new: str) -> int:
    """Net lines removed from ``old`` to ``new`` (negative when lines were added)."""
    added = removed = 0
    for line in git(root, "diff", "--numstat", old, new).splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":
            added += int(a)
            removed += int(r)
    return removed - added
