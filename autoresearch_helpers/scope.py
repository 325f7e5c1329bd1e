"""What the agent changed, and whether it stayed inside the editable set (SPEC §6).

The agent's change is what differs from the state the last experiment left: the dirty
files that an experiment itself wrote (build output, caches, checkpoints) are recorded in
``.autoresearch/leftover.json`` after every run and are not counted, unless they change
again before the next run.
"""

from __future__ import annotations

import os

from autoresearch_helpers import jsonio
from autoresearch_helpers.session import state_dir

Entry = tuple[str, str, "str | None"]  # (code, path, orig_path) as gitops.status_v2 returns


def _fingerprint(root, rel: str) -> list[int] | None:
    try:
        st = os.lstat(os.path.join(root, rel))
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_mode]


def leftover_file(root) -> str:
    return os.path.join(state_dir(root), "leftover.json")


def save_leftover(root, entries: list[Entry]) -> None:
    """Remember the dirty paths the experiment left, with a fingerprint of each."""
    snap = {path: [code, _fingerprint(root, path)] for code, path, _ in entries}
    path = leftover_file(root)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        fh.write(jsonio.dumps(snap))  # codes, paths, ints: no floats
    os.replace(path + ".tmp", path)


def load_leftover(root) -> dict:
    try:
        with open(leftover_file(root), encoding="utf-8") as fh:
            return jsonio.loads(fh.read())
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
    """The editable set and the read-only files of a session."""

    def __init__(self, root, editable: list[str], readonly: list[str]):
        self.root = os.path.realpath(root)
        self.files: set[str] = set()
        self.dirs: list[str] = []
        for item in editable:
            clean = normalise(item)
            if item.endswith("/") or os.path.isdir(os.path.join(self.root, clean)):
                self.dirs.append(clean + "/")
            else:
                self.files.add(clean)
        self.readonly = {normalise(p) for p in readonly}

    def allows(self, rel: str) -> bool:
        rel = normalise(rel)
        if rel in self.readonly or rel.startswith("../"):
            return False
        return rel in self.files or any(rel.startswith(d) for d in self.dirs)

    def violations(self, changes: list[Entry]) -> list[str]:
        """One line per change outside the editable set (empty when all is in scope)."""
        out = []
        for code, path, orig in changes:
            what = "new file" if code == "??" else _describe(code)
            for p in (path, orig):
                if p is None:
                    continue
                if normalise(p) in self.readonly:
                    out.append(f"{p}: read-only file changed ({what})")
                elif not self.allows(p):
                    out.append(f"{p}: outside the editable set ({what})")
            real = self._resolved(path)
            if real is not None and self.allows(path) and not self.allows(real):
                out.append(f"{path}: resolves to {real}, outside the editable set")
        return out

    def _resolved(self, rel: str) -> str | None:
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


def _describe(code: str) -> str:
    letters = {"M": "modified", "A": "added", "D": "deleted", "R": "renamed", "C": "copied",
               "T": "type changed", "U": "unmerged"}
    for ch in code:
        if ch in letters:
            return letters[ch]
    return "changed"


def fingerprint_files(root, paths: list[str]) -> dict:
    """{path: [size, mtime_ns, sha256]} of the files that exist, for the read-only check."""
    import hashlib

    out = {}
    for rel in paths:
        full = os.path.join(root, rel)
        if not os.path.isfile(full):
            continue
        digest = hashlib.sha256()
        with open(full, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        st = os.stat(full)
        out[rel] = [st.st_size, st.st_mtime_ns, digest.hexdigest()]
    return out


def readonly_changed(root, saved: dict) -> list[str]:
    """Read-only files no longer byte-identical to what setup saw (hashing only on doubt)."""
    changed = []
    for rel, (size, mtime, digest) in saved.items():
        try:
            st = os.stat(os.path.join(root, rel))
        except FileNotFoundError:
            changed.append(f"{rel}: read-only file deleted")
            continue
        if st.st_size == size and st.st_mtime_ns == mtime:
            continue
        now = fingerprint_files(root, [rel]).get(rel)
        if now is None or now[2] != digest:
            changed.append(f"{rel}: read-only file changed")
    return changed
