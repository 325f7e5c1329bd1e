"""What the agent changed, and whether it stayed inside the editable set.

The agent's change is what differs from the state the last experiment left: the dirty
files that an experiment itself wrote (build output, caches, checkpoints) are recorded in
``.autoresearch/leftover.json`` after every run and are not counted, unless they change
again before the next run.
"""

from __future__ import annotations

import hashlib
import json
import os

from autoresearch_helpers import paths
from autoresearch_helpers.store import jsonfile

Entry = tuple[str, str, "str | None"]  # (code, path, orig_path) as engine.git.status returns


def _fingerprint(root, rel: str) -> list[int] | None:
    try:
        st = os.lstat(os.path.join(root, rel))
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_mode]


def leftover_file(root) -> str:
    return os.path.join(paths.state_dir(root), "leftover.json")


def save_leftover(root, entries: list[Entry]) -> None:
    """Remember the dirty paths the experiment left, with a fingerprint of each."""
    _write_leftover(root, {path: [code, _fingerprint(root, path)]
                           for code, path, _ in entries})


def _write_leftover(root, snap: dict) -> None:
    jsonfile.write(leftover_file(root), snap)


def keep_users_files(root, entries: list[Entry], editable: list[str],
                     readonly: list[str]) -> list[str]:
    """Untracked files outside the editable scope found when a session is resumed are the
    user's (made while it was stopped or parked): remembered like leftovers, so the next
    experiment does not set them aside. An edit of an editable file stays the agent's.
    ``entries``: the working tree's changes as git.status lists them; the paths added."""
    rules = Scope(root, editable, readonly)
    theirs = [e for e in entries if e[0] == "??" and not rules.allows(e[1])]
    if theirs:
        known = load_leftover(root)
        known.update({path: [code, _fingerprint(root, path)] for code, path, _ in theirs})
        _write_leftover(root, known)
    return [path for _, path, _ in theirs]


def load_leftover(root) -> dict:
    try:
        with open(leftover_file(root), encoding="utf-8") as fh:
            return json.load(fh)
    except (FileNotFoundError, ValueError):
        return {}


def agent_changes(root, entries: list[Entry], leftover: dict) -> list[Entry]:
    """The entries that are the agent's: not left, unchanged, by the last experiment."""
    out = []
    for code, path, orig in entries:
        seen = leftover.get(path)
        if seen is not None and seen[0] == code and seen[1] == _fingerprint(root, path):
            continue
        out.append((code, path, orig))
    return out


def normalise(rel: str) -> str:
    """A clean repo-relative POSIX path ('./a//b/../c' -> 'a/c'); '' for the root."""
    if rel.startswith("/"):
        return "../" + rel.lstrip("/")  # absolute: outside by definition
    parts: list[str] = []
    for part in rel.replace(os.sep, "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            else:
                return "../"  # escapes the repository
            continue
        parts.append(part)
    return "/".join(parts)


class Scope:
    """The editable set, the read-only and the hidden files of a session: the one rule that
    `run` and the hook apply. A folder (given with a trailing '/', or one that exists)
    covers everything below it; ``src`` never covers ``src_evil.py``. A hidden file (the
    agent may not read it) is read-only too."""

    def __init__(self, root, editable: list[str], readonly: list[str], hidden=()):
        self.root = os.path.realpath(root)
        self.editable = _Paths(self.root, editable)
        self.hidden = _Paths(self.root, hidden)
        self.readonly = _Paths(self.root, [*readonly, *hidden])

    def is_readonly(self, rel: str) -> bool:
        return self.readonly.covers(normalise(rel))

    def is_hidden(self, rel: str) -> bool:
        return self.hidden.covers(normalise(rel))

    def hidden_below(self, rel: str) -> list[str]:
        """The hidden paths inside the folder ``rel`` ('' is the repository)."""
        rel = normalise(rel)
        return sorted(p for p in [*self.hidden.files, *self.hidden.dirs]
                      if not rel or p.startswith(rel + "/"))

    def allows(self, rel: str) -> bool:
        rel = normalise(rel)
        if rel.startswith("../") or self.readonly.covers(rel):
            return False
        return self.editable.covers(rel)

    def violations(self, changes: list[Entry]) -> list[str]:
        """One line per change outside the editable set (empty when all is in scope)."""
        out = []
        for code, path, orig in changes:
            what = "new file" if code == "??" else _describe(code)
            for p in (path, orig):
                if p is None:
                    continue
                if self.is_hidden(p):
                    out.append(f"{p}: hidden file changed ({what})")
                elif self.is_readonly(p):
                    out.append(f"{p}: read-only file changed ({what})")
                elif not self.allows(p):
                    out.append(f"{p}: outside the editable set ({what})")
            real = self.resolved(path)
            if real is not None and self.allows(path) and not self.allows(real):
                out.append(f"{path}: resolves to {real}, outside the editable set")
        return out

    def resolved(self, rel: str) -> str | None:
        """Where ``rel`` really points when a symlink is involved; None when it does not."""
        full = os.path.join(self.root, rel)
        try:
            real = os.path.realpath(full)
        except OSError:
            return None
        if real == os.path.normpath(full):
            return None
        if real.startswith(self.root + os.sep):
            return real[len(self.root) + 1:].replace(os.sep, "/")
        return real  # absolute: outside the repository


class _Paths:
    """A set of repository paths, files and folders."""

    def __init__(self, root: str, items: list[str]):
        self.files: set[str] = set()
        self.dirs: list[str] = []
        for item in items:
            clean = normalise(item)
            if item.endswith("/") or os.path.isdir(os.path.join(root, clean)):
                self.dirs.append(clean + "/")
            else:
                self.files.add(clean)

    def covers(self, rel: str) -> bool:
        return rel in self.files or any(rel.startswith(d) or rel + "/" == d for d in self.dirs)


def _describe(code: str) -> str:
    letters = {"M": "modified", "A": "added", "D": "deleted", "R": "renamed", "C": "copied",
               "T": "type changed", "U": "unmerged"}
    for ch in code:
        if ch in letters:
            return letters[ch]
    return "changed"


def readonly_files(root, readonly: list[str]) -> list[str]:
    """The files the read-only list names: each file, and every file under each folder."""
    out = []
    for item in readonly:
        rel = normalise(item)
        full = os.path.join(root, rel)
        if os.path.isdir(full):
            for folder, dirs, files in os.walk(full):
                dirs.sort()
                for name in sorted(files):
                    out.append(os.path.relpath(os.path.join(folder, name), root)
                               .replace(os.sep, "/"))
        else:
            out.append(rel)
    return out


def fingerprint_files(root, readonly: list[str]) -> dict:
    """{path: [size, mtime_ns, sha256]} of every read-only file that exists."""
    out = {}
    for rel in readonly_files(root, readonly):
        full = os.path.join(root, rel)
        if not os.path.isfile(full):
            continue
        st = os.stat(full)
        out[rel] = [st.st_size, st.st_mtime_ns, _sha256(full)]
    return out


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def readonly_changed(root, saved: dict, named=()) -> list[str]:
    """Read-only files no longer byte-identical to what setup saw (hashing only when size
    or mtime changed), but those in ``named`` (already said). A file the agent adds to a
    read-only folder is a change git shows."""
    changed = []
    for rel, (size, mtime, digest) in saved.items():
        if rel in named:
            continue
        full = os.path.join(root, rel)
        try:
            st = os.stat(full)
        except FileNotFoundError:
            changed.append(f"{rel}: read-only file deleted")
            continue
        if st.st_size == size and st.st_mtime_ns == mtime:
            continue
        if not os.path.isfile(full) or _sha256(full) != digest:
            changed.append(f"{rel}: read-only file changed")
    return changed
