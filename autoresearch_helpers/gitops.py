"""Every git operation of the loop, as small functions over `git` subprocesses.

The loop only ever touches its own branch ``autoresearch/<tag>`` and its own tags
``autoresearch/<tag>/rejected/<n>``; it never pushes and never rewrites other branches.
"""

from __future__ import annotations

import os

from autoresearch_helpers import spawn
from autoresearch_helpers.errors import AutoresearchError

class GitError(AutoresearchError):
    pass


def git(root, *args: str, check: bool = True, env: dict | None = None,
        input: bytes | None = None) -> str:
    """Run git in ``root``; return stdout (text). On failure raise GitError with the tail."""
    if input is None:
        return GitCall(root, *args, check=check, env=env).result()
    import subprocess

    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, env=env, input=input)
    return _checked(args, proc.returncode, proc.stdout, proc.stderr, check)


class GitCall:
    """A git command started now and collected by :meth:`result` later, so that Python
    work (imports, log writes) overlaps it; ``git(...)`` is ``GitCall(...).result()``."""

    def __init__(self, root, *args: str, check: bool = True, env: dict | None = None):
        self.args, self.check = args, check
        self._child = spawn.Captured(["git", *args], cwd=root, env=env)

    def result(self) -> str:
        """stdout as text, once git has ended; GitError when it failed (and ``check``)."""
        return _checked(self.args, *self._child.wait(), self.check)

    def result_or_none(self) -> str | None:
        """``result()``, or None when git failed: for cleaning up after an error."""
        try:
            return self.result()
        except GitError:
            return None


def _checked(args, code: int, out: bytes, err: bytes, check: bool) -> str:
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


def start_status(root) -> GitCall:
    """Start the `git status` that :func:`status_v2` reads."""
    return GitCall(root, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all")


def status_v2(root, started: GitCall | None = None
              ) -> tuple[str | None, str | None, list[tuple[str, str, str | None]]]:
    """One `git status` call: (HEAD sha, branch, [(code, path, orig_path)]).

    code is the two-letter XY for tracked changes, "??" for an untracked file. Ignored
    files are not listed. Paths are relative to the repository root. ``started``: the
    call from :func:`start_status`, when it was started earlier.
    """
    out = (started or start_status(root)).result()
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


def reset_hard(root, commit: str) -> None:
    start_reset(root, commit).result()


def start_reset(root, commit: str) -> GitCall:
    """Start `git reset --hard commit`; its ``result()`` raises if it failed."""
    return GitCall(root, "reset", "-q", "--hard", commit)


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
