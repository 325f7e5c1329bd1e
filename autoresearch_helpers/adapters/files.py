"""Careful file access for adapters: nothing here raises on odd files.

Adapters look at repositories they did not write: unreadable JSON, binary files named like
text, enormous trees. These helpers return None (or stop early) instead of raising, and the
walk never enters dependency or build folders.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# Folders never walked: version control, dependencies, caches, IDE state. Walks start in
# source folders (src/main, lib); build output (build/, dist/) lives beside those, never below,
# and a Java package may well be called "build", so those names are not skipped here.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", ".venv", "venv",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".gradle", ".idea", ".vscode",
    ".dart_tool", ".pub-cache", "Pods", ".next", ".nuxt", ".expo", ".turbo", ".cache",
    ".autoresearch",
})

MAX_TEXT_BYTES = 2_000_000  # larger files are not source code we need to read
MAX_WALK_ENTRIES = 20_000  # a walk stops after visiting this many entries


def read_text(path: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
    """The text of ``path``, or None when it is missing, not a file, too large or binary."""
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def read_json(path: Path):
    """The parsed JSON of ``path``; None when missing; raises ValueError when it is not JSON."""
    text = read_text(path)
    if text is None:
        if path.exists():
            raise ValueError("not a readable text file")
        return None
    return json.loads(text)


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def rel(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` in POSIX form."""
    return path.relative_to(root).as_posix()


def walk(root: Path, start: Path, suffixes: tuple[str, ...],
         max_entries: int = MAX_WALK_ENTRIES) -> list[Path]:
    """Files under ``start`` ending with one of ``suffixes``, sorted; skips SKIP_DIRS and links."""
    found: list[Path] = []
    seen = 0
    stack = [start]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > max_entries:
                return sorted(found)
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    if entry.name not in SKIP_DIRS:
                        stack.append(Path(entry.path))
                elif entry.name.endswith(suffixes):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)
