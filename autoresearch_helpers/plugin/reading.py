"""What the agent may not read: the session's hidden_files (the evaluation harness, the test
data). The PreToolUse hook (plugin/hook.py) asks here about Read, NotebookRead, Grep and
Glob calls, whose inputs Claude Code sends as::

    Read / NotebookRead  {"file_path": "/repo/evaluate.py", "offset": 1, "limit": 50}
    Grep                 {"pattern": "seed", "path": "/repo/src", "glob": "*.py", ...}
    Glob                 {"pattern": "**/*.py", "path": "/repo"}

The rule (the hidden paths are the session's Scope, engine/scope.py):

- Read: denied when the file is hidden or lies in a hidden folder (as written, and once
  symlinks are resolved).
- Grep: denied when its path (default: the working directory) is hidden, lies in a hidden
  folder, or is a folder that holds a hidden file — a search of the whole repository would
  print lines of the test data. The reason names the files and folders there that may be
  searched instead.
- Glob lists names, not contents: denied only when its path, or the folder its pattern
  starts with, is hidden or lies in a hidden folder.

Standard library only (the hook runs in the plugin's bare python3).
"""

from __future__ import annotations

import os

from autoresearch_helpers import paths
from autoresearch_helpers.engine.scope import Scope

READ_TOOLS = {"Read": "file_path", "NotebookRead": "notebook_path"}
SEARCH_TOOLS = ("Grep", "Glob")
SHOWN = 8  # names listed in a reason


def absolute(path: str, cwd: str) -> str:
    """``path`` as the tool would open it, from ``cwd`` (``~`` expanded)."""
    return os.path.normpath(os.path.join(cwd, os.path.expanduser(path)))


def relative(full: str, root: str) -> str | None:
    """``full`` relative to ``root`` (POSIX), or None when outside it."""
    rel = os.path.relpath(full, root)
    if rel == os.curdir:
        return ""
    outside = rel == os.pardir or rel.startswith(os.pardir + os.sep)
    return None if outside else rel.replace(os.sep, "/")


def hidden_as(full: str, root: str, scope: Scope) -> str | None:
    """The repository path by which ``full`` is hidden (as written, or where a symlink
    leads), or None when it is not hidden."""
    for candidate in (full, os.path.realpath(full)):
        rel = relative(candidate, root)
        if rel and scope.is_hidden(rel):
            return rel
    return None


def why_hidden(what: str) -> str:
    """The one reason the agent is given for any hidden path."""
    return (f"autoresearch: {what} hidden from you on purpose in this experiment loop "
            "(hidden_files: the evaluation harness or the test data), so that ideas improve "
            "the code instead of fitting the test. The experiment still runs with the hidden "
            "files: `autoresearch run` uses them as usual. Work from the editable files; do "
            "not try to read hidden files another way.")


def decide(event: dict, root: str, scope: Scope, cwd: str) -> str | None:
    """The reason to deny this Read/Grep/Glob call, or None."""
    tool, tool_input = event.get("tool_name"), event.get("tool_input")
    if not isinstance(tool_input, dict):
        return None
    if tool in READ_TOOLS:
        path = tool_input.get(READ_TOOLS[tool]) or tool_input.get("file_path")
        if not isinstance(path, str) or not path:
            return None
        rel = hidden_as(absolute(path, cwd), root, scope)
        return why_hidden(f"{rel} is") if rel else None
    if tool not in SEARCH_TOOLS:
        return None
    path = tool_input.get("path")
    folder = absolute(path if isinstance(path, str) and path else ".", cwd)
    rel = hidden_as(folder, root, scope)
    if rel:
        return why_hidden(f"{rel} is")
    pattern = tool_input.get("pattern")
    if tool == "Glob":
        start = _literal_prefix(pattern) if isinstance(pattern, str) else ""
        rel = hidden_as(absolute(start, folder), root, scope) if start else None
        return why_hidden(f"{rel} is") if rel else None
    inside = relative(os.path.realpath(folder), root)
    if inside is None or not os.path.isdir(folder):
        return None
    below = scope.hidden_below(inside)
    if not below:
        return None
    names = ", ".join(below[:SHOWN]) + (" ..." if len(below) > SHOWN else "")
    others = searchable(folder, root, scope)
    return (why_hidden(f"Grep over {inside + '/' if inside else 'the repository'} would "
                       f"search {names}, which "
                       f"{'is' if len(below) == 1 else 'are'}")
            + " Search a file or a folder that holds no hidden file instead (Grep's path: "
            + (", ".join(others) if others else "one of the editable files") + ").")


def searchable(folder: str, root: str, scope: Scope) -> list[str]:
    """The entries of ``folder`` a search may cover: neither hidden nor holding a hidden
    file (dot-entries left out); at most SHOWN, repository-relative."""
    out = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        rel = relative(os.path.join(folder, name), root)
        if name.startswith(".") or not rel or scope.is_hidden(rel) or paths.own_path(rel):
            continue
        is_dir = os.path.isdir(os.path.join(folder, name))
        if is_dir and scope.hidden_below(rel):
            continue
        out.append(rel + ("/" if is_dir else ""))
        if len(out) == SHOWN:
            break
    return out


def _literal_prefix(pattern: str) -> str:
    """The folders a glob pattern starts with, before its first wildcard ('' when none)."""
    parts = []
    for part in pattern.split("/")[:-1]:
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)
