"""Every git operation of the loop, as small functions over `git` subprocesses.

The loop only ever touches its own branch ``autoresearch/<tag>`` and its own tags
``autoresearch/<tag>/rejected/<n>``; it never pushes and never rewrites other branches.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from autoresearch_helpers.errors import AutoresearchError

# Commits made by the loop never sign or run the user's hooks: the loop's gate is
# verify_command, and a GPG prompt or a slow hook would stall an unattended run.
_COMMIT_OPTS = ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


class GitError(AutoresearchError):
    pass


def git(root: Path, *args: str, check: bool = True, env: dict | None = None,
        input: bytes | None = None) -> str:
    """Run git in ``root``; return stdout (text). On failure raise GitError with the tail."""
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, env=env, input=input)
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise GitError(f"git {' '.join(args)} failed (exit {proc.returncode}):\n  "
                       + "\n  ".join(err))
    return proc.stdout.decode("utf-8", "replace")


def find_root(start: Path | None = None) -> Path:
    """The top of the git work tree containing ``start`` (default: the current directory)."""
    here = Path(start or os.getcwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    raise AutoresearchError(f"not inside a git repository: {here} (run 'git init' first)")


def git_path(root: Path, name: str) -> Path:
    """A path inside the git directory (works for worktrees too)."""
    out = git(root, "rev-parse", "--git-path", name).strip()
    path = Path(out)
    return path if path.is_absolute() else root / path


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def current_branch(root: Path) -> str | None:
    out = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
    return out or None


def has_commits(root: Path) -> bool:
    return bool(git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip())


def ref_exists(root: Path, ref: str) -> bool:
    return bool(git(root, "rev-parse", "-q", "--verify", ref, check=False).strip())


def dirty_tracked(root: Path) -> list[str]:
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


def status_v2(root: Path) -> tuple[str | None, str | None, list[tuple[str, str, str | None]]]:
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


def commit_paths(root: Path, paths: list[str], message: str, *, untracked: bool = True,
                 allow_empty: bool = False) -> str:
    """Commit exactly ``paths`` (additions, changes, deletions); return the full sha.

    When every path is already tracked, one `git commit -- paths` stages and commits them;
    new files need a `git add` first. The summary line is printed with full-length hashes
    (core.abbrev=40) so no `rev-parse` is needed afterwards.
    """
    args = [*_COMMIT_OPTS, "-c", "core.abbrev=40", "commit", "--no-verify", "-m", message]
    if allow_empty:
        args.append("--allow-empty")
    if paths and untracked:
        git(root, "add", "-A", "--", *paths)
    elif paths:
        args += ["--", *paths]
    first = git(root, *args).split("\n", 1)[0]  # "[branch <sha>] subject"
    sha = first.split("]", 1)[0].rsplit(" ", 1)[-1] if first.startswith("[") else ""
    return sha if len(sha) == 40 else head(root)


def reset_hard(root: Path, commit: str) -> None:
    git(root, "reset", "-q", "--hard", commit)


def tag(root: Path, name: str, commit: str) -> None:
    git(root, "update-ref", f"refs/tags/{name}", commit)


def lines_removed(root: Path, old: str, new: str) -> int:
    """Net lines removed from ``old`` to ``new`` (negative when lines were added)."""
    added = removed = 0
    for line in git(root, "diff", "--numstat", old, new).splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":
            added += int(a)
            removed += int(r)
    return removed - added


def binary_patch(root: Path, paths: list[str] | None = None) -> bytes:
    """The working tree's changes against HEAD, untracked files included, as a binary patch.

    Uses a throwaway index so the user's index is left as it is.
    """
    index = git_path(root, "autoresearch-patch-index")
    env = dict(os.environ, GIT_INDEX_FILE=str(index))
    try:
        git(root, "read-tree", "HEAD", env=env)
        git(root, "add", "-A", "--", *(paths or ["."]), env=env)
        proc = subprocess.run(["git", "diff", "--cached", "--binary", "HEAD"], cwd=root,
                              capture_output=True, env=env)
        return proc.stdout
    finally:
        try:
            index.unlink()
        except FileNotFoundError:
            pass


def create_branch(root: Path, branch: str) -> None:
    git(root, "checkout", "-q", "-b", branch)


def checkout(root: Path, branch: str) -> None:
    git(root, "checkout", "-q", branch)


def add_excludes(root: Path, patterns: list[str]) -> list[str]:
    """Append ``patterns`` to .git/info/exclude when missing; return the ones added."""
    path = git_path(root, "info/exclude")
    try:
        existing = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        existing = []
    missing = [p for p in patterns if p not in existing]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            if existing and existing[-1] != "":
                fh.write("\n")
            fh.write("# autoresearch: logs and session state, never committed\n")
            fh.write("\n".join(missing) + "\n")
    return missing
