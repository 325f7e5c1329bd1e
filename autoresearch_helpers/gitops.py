"""Every git operation of the loop, as small functions over `git` subprocesses.

The loop only ever touches its own branch ``autoresearch/<tag>`` and its own tags
``autoresearch/<tag>/rejected/<n>``; it never pushes and never rewrites other branches.
"""

from __future__ import annotations

import os

from autoresearch_helpers import spawn
from autoresearch_helpers.errors import AutoresearchError

# Commits made by the loop never sign or run the user's hooks: the loop's gate is
# verify_command, and a GPG prompt or a slow hook would stall an unattended run.
# Nor does a commit start `git maintenance run --auto` in the background of the loop.
_COMMIT_OPTS = ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                "-c", "maintenance.auto=false"]


class GitError(AutoresearchError):
    pass


def git(root, *args: str, check: bool = True, env: dict | None = None,
        input: bytes | None = None) -> str:
    """Run git in ``root``; return stdout (text). On failure raise GitError with the tail."""
    if input is None:
        code, out, err = spawn.capture(["git", *args], cwd=root, env=env)
    else:
        import subprocess

        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, env=env,
                              input=input)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    if check and code != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise GitError(f"git {' '.join(args)} failed (exit {code}):\n  " + "\n  ".join(tail))
    return out.decode("utf-8", "replace")


def find_root(start=None) -> str:
    """The top of the git work tree containing ``start`` (default: the current directory)."""
    here = os.path.realpath(start or os.getcwd())
    candidate = here
    while True:
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            raise AutoresearchError(f"not inside a git repository: {here} (run 'git init' first)")
        candidate = parent


def git_path(root, name: str) -> str:
    """A path inside the git directory (works for worktrees too)."""
    out = git(root, "rev-parse", "--git-path", name).strip()
    return os.path.join(root, out)  # an absolute ``out`` stays as it is


def head(root) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def current_branch(root) -> str | None:
    out = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
    return out or None


def has_commits(root) -> bool:
    return bool(git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip())


def ref_exists(root, ref: str) -> bool:
    return bool(git(root, "rev-parse", "-q", "--verify", ref, check=False).strip())


def dirty_tracked(root) -> list[str]:
    """Tracked files with uncommitted changes (staged or not)."""
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=no")
    paths, items, i = [], out.split("\0"), 0
    while i < len(items):
        item = items[i]
        if len(item) > 3:
            paths.append(item[3:])
            if item[0] in "RC":
                i += 1  # the rename source follows
        i += 1
    return paths


def status_v2(root) -> tuple[str | None, str | None, list[tuple[str, str, str | None]]]:
    """One `git status` call: (HEAD sha, branch, [(code, path, orig_path)]).

    code is the two-letter XY for tracked changes, "??" for an untracked file. Ignored
    files are not listed. Paths are relative to the repository root.
    """
    out = git(root, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all")
    oid = branch = None
    entries: list[tuple[str, str, str | None]] = []
    items = out.split("\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if not item:
            continue
        kind = item[0]
        if kind == "#":
            if item.startswith("# branch.oid "):
                oid = item[13:]
                oid = None if oid == "(initial)" else oid
            elif item.startswith("# branch.head "):
                branch = item[14:]
                branch = None if branch == "(detached)" else branch
        elif kind == "1":
            parts = item.split(" ", 8)
            entries.append((parts[1], parts[8], None))
        elif kind == "2":
            parts = item.split(" ", 9)
            entries.append((parts[1], parts[9], items[i]))
            i += 1
        elif kind == "u":
            parts = item.split(" ", 10)
            entries.append(("UU", parts[10], None))
        elif kind == "?":
            entries.append(("??", item[2:], None))
    return oid, branch, entries


def commit_paths(root, paths: list[str], message: str, *, untracked: bool = True,
                 allow_empty: bool = False) -> tuple[str, int | None]:
    """Commit exactly ``paths`` (additions, changes, deletions) on top of HEAD.

    Returns (the full sha, net lines removed from HEAD, or None if git did not say).
    When every path is already tracked, one `git commit -- paths` stages and commits them;
    new files need a `git add` first. git's own summary gives both answers, so no
    `rev-parse` or `diff --numstat` is needed: "[branch <sha>] subject" (full-length with
    core.abbrev=40) and " 2 files changed, 3 insertions(+), 5 deletions(-)", read in the
    C locale.
    """
    args = [*_COMMIT_OPTS, "-c", "core.abbrev=40", "commit", "--no-verify", "-m", message]
    if allow_empty:
        args.append("--allow-empty")
    if paths and untracked:
        git(root, "add", "-A", "--", *paths)
    elif paths:
        args += ["--", *paths]
    lines = git(root, *args, env={**os.environ, "LC_ALL": "C"}).split("\n")
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


def reset_hard(root, commit: str) -> None:
    git(root, "reset", "-q", "--hard", commit)


def lines_removed(root, old: str, new: str) -> int:
    """Net lines removed from ``old`` to ``new`` (negative when lines were added)."""
    added = removed = 0
    for line in git(root, "diff", "--numstat", old, new).splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":
            added += int(a)
            removed += int(r)
    return removed - added


def binary_patch(root, paths: list[str] | None = None) -> bytes:
    """The working tree's changes against HEAD, untracked files included, as a binary patch.

    Uses a throwaway index so the user's index is left as it is.
    """
    index = git_path(root, "autoresearch-patch-index")
    env = dict(os.environ, GIT_INDEX_FILE=str(index))
    try:
        git(root, "read-tree", "HEAD", env=env)
        git(root, "add", "-A", "--", *(paths or ["."]), env=env)
        return spawn.capture(["git", "diff", "--cached", "--binary", "HEAD"], cwd=root,
                             env=env)[1]
    finally:
        try:
            os.unlink(index)
        except FileNotFoundError:
            pass


def create_branch(root, branch: str) -> None:
    git(root, "checkout", "-q", "-b", branch)


def checkout(root, branch: str) -> None:
    git(root, "checkout", "-q", branch)


def add_excludes(root, patterns: list[str]) -> list[str]:
    """Append ``patterns`` to .git/info/exclude when missing; return the ones added."""
    path = git_path(root, "info/exclude")
    try:
        with open(path, encoding="utf-8") as fh:
            existing = fh.read().splitlines()
    except FileNotFoundError:
        existing = []
    missing = [p for p in patterns if p not in existing]
    if missing:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            if existing and existing[-1] != "":
                fh.write("\n")
            fh.write("# autoresearch: logs and session state, never committed\n")
            fh.write("\n".join(missing) + "\n")
    return missing
