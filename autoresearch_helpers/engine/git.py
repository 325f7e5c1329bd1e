"""Every git operation of the loop, as small functions over `git` subprocesses.

The loop only ever touches its own branch ``autoresearch/<tag>`` and its own tags
``autoresearch/<tag>/rejected/<n>``; it never pushes and never rewrites other branches.
"""

from __future__ import annotations

import os
import subprocess

from autoresearch_helpers import faults
from autoresearch_helpers.errors import GitError

# No git call of the helper runs code the repository's configuration names: no hooks (a
# commit of the loop is gated by verify_command, not by the user's pre-commit), no
# fsmonitor, no pager, no signing prompt, no background gc or maintenance. Filter
# drivers and the files that define them are watched by engine/gitguard.py instead, and
# every diff is run with --no-ext-diff --no-textconv.
SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
        "-c", "commit.gpgsign=false", "-c", "tag.gpgSign=false", "-c", "gc.auto=0",
        "-c", "maintenance.auto=false"]
NO_DRIVERS = ["--no-ext-diff", "--no-textconv"]

Entry = tuple[str, str, "str | None"]  # (code, path, orig_path) as status() returns them


def git(root, *args: str, check: bool = True, env: dict | None = None,
        input: bytes | None = None) -> str:
    """Run git in ``root``; return stdout (text). On failure raise GitError with the tail."""
    proc = subprocess.run(["git", *SAFE, *args], cwd=root, capture_output=True, env=env,
                          input=input,
                          stdin=None if input is not None else subprocess.DEVNULL)
    if check and proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise GitError(f"git {' '.join(args)} failed (exit {proc.returncode}):\n  "
                       + "\n  ".join(tail))
    return proc.stdout.decode("utf-8", "replace")


def succeeds(root, *args: str) -> bool:
    """Whether git exits 0 (for questions such as merge-base --is-ancestor)."""
    return subprocess.run(["git", *SAFE, *args], cwd=root, capture_output=True,
                          stdin=subprocess.DEVNULL).returncode == 0


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
    found, items, i = [], out.split("\0"), 0
    while i < len(items):
        item = items[i]
        if len(item) > 3:
            found.append(item[3:])
            if item[0] in "RC":
                i += 1  # the rename source follows
        i += 1
    return found


def status(root) -> tuple[str | None, str | None, list[Entry]]:
    """One `git status` call: (HEAD sha, branch, [(code, path, orig_path)]).

    code is the two-letter XY for tracked changes, "??" for an untracked file. Ignored
    files are not listed. Paths are relative to the repository root.
    """
    out = git(root, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all")
    oid = branch = None
    entries: list[Entry] = []
    items = out.split("\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if not item:
            continue
        kind = item[0]
        if item.startswith("# branch.oid "):
            oid = None if item[13:] == "(initial)" else item[13:]
        elif item.startswith("# branch.head "):
            branch = None if item[14:] == "(detached)" else item[14:]
        elif kind == "1":
            parts = item.split(" ", 8)
            entries.append((parts[1], parts[8], None))
        elif kind == "2":
            parts = item.split(" ", 9)
            entries.append((parts[1], parts[9], items[i]))
            i += 1
        elif kind == "u":
            entries.append(("UU", item.split(" ", 10)[10], None))
        elif kind == "?":
            entries.append(("??", item[2:], None))
    return oid, branch, entries


def reset_hard(root, commit: str) -> None:
    faults.reach("reset-before")
    git(root, "reset", "-q", "--hard", commit)
    faults.reach("reset-after")


def commit_paths(root, paths: list[str], message: str, *, untracked: bool = True,
                 allow_empty: bool = False) -> str:
    """Commit exactly ``paths`` (additions, changes, deletions) on top of HEAD; the sha.
    New files must be added first (``untracked``); tracked ones `git commit -- paths` takes."""
    if paths and untracked:
        git(root, "add", "-A", "--", *paths)
    args = ["commit", "-q", "--no-verify", "-m", message]
    if allow_empty:
        args.append("--allow-empty")
    faults.reach("commit-before")
    git(root, *args, *(["--", *paths] if paths else []))
    faults.reach("commit-after")
    return head(root)


def lines_removed(root, old: str, new: str) -> int:
    """Net lines removed from ``old`` to ``new`` (negative when lines were added)."""
    added = removed = 0
    for line in git(root, "diff", *NO_DRIVERS, "--numstat", old, new).splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":  # a binary file has no line counts
            added += int(a)
            removed += int(r)
    return removed - added


def tag(root, name: str, commit: str) -> None:
    """Create refs/tags/<name> at ``commit``; done already is fine, but a tag that holds
    another commit is never moved (that commit would be left reachable from no ref)."""
    faults.reach("tag-before")
    ref = f"refs/tags/{name}"
    held = git(root, "rev-parse", "-q", "--verify", ref, check=False).strip()
    if held and held != commit:
        raise GitError(f"tag {name} already holds commit {held[:7]}; not moving it to "
                       f"{commit[:7]}")
    if not held:
        git(root, "update-ref", ref, commit, "")
    faults.reach("tag-after")


def binary_patch(root) -> bytes:
    """The working tree's changes against HEAD, untracked files included, as a binary patch.

    Uses a throwaway index so the user's index is left as it is.
    """
    index = git_path(root, "autoresearch-patch-index")
    env = dict(os.environ, GIT_INDEX_FILE=str(index))
    try:
        git(root, "read-tree", "HEAD", env=env)
        git(root, "add", "-A", "--", ".", env=env)
        return subprocess.run(["git", *SAFE, "diff", *NO_DRIVERS, "--cached", "--binary",
                               "HEAD"], cwd=root, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL).stdout
    finally:
        try:
            os.unlink(index)
        except FileNotFoundError:
            pass


def tracked_patch(root) -> bytes:
    """The changes of tracked files against HEAD, as a binary patch (b"" when none)."""
    return subprocess.run(["git", *SAFE, "diff", *NO_DRIVERS, "--binary", "HEAD", "--"],
                          cwd=root, capture_output=True, stdin=subprocess.DEVNULL).stdout


def create_branch(root, branch: str, start: str | None = None) -> None:
    git(root, "checkout", "-q", "-b", branch, *([start] if start else []))


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
