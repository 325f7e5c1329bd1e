"""PreToolUse hook: keep file edits inside the experiment's editable files.

Claude Code runs it before each Edit, Write, MultiEdit and NotebookEdit call (see
.claude-plugin/plugin.json) with the call as JSON on stdin::

    {"hook_event_name": "PreToolUse", "cwd": "/repo", "tool_name": "Edit",
     "tool_input": {"file_path": "/repo/train.py", ...}}          # NotebookEdit: notebook_path

When the file lies in a git repository whose ``.autoresearch/session.json`` says
``"active": true``, an edit of a file outside ``editable`` (or of a ``readonly`` one) is
denied with the PreToolUse decision output; Claude Code shows the reason to the agent::

    {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                            "permissionDecisionReason": "..."}}

Everything else is allowed by printing nothing. A bad input or a bug of this hook is
reported on stderr and the hook exits 0: it must never block the user because of itself.
Standard library only, and it reads two small files: it runs on every edit.
"""

from __future__ import annotations

if __name__ == "__main__":
    # Run as a file, this package folder comes first on sys.path; drop it (see launch.py).
    import os as _os
    import sys as _sys

    if _sys.path and _os.path.abspath(_sys.path[0] or ".") == _os.path.dirname(_os.path.abspath(__file__)):
        del _sys.path[0]

import json
import os
import sys

EDIT_TOOLS = {"Edit": "file_path", "Write": "file_path", "MultiEdit": "file_path",
              "NotebookEdit": "notebook_path"}


def edited_path(event: dict) -> str | None:
    """The absolute path the tool call would write, or None when it writes no file."""
    tool_input = event.get("tool_input")
    key = EDIT_TOOLS.get(event.get("tool_name"))
    if key is None or not isinstance(tool_input, dict):
        return None
    path = tool_input.get(key) or tool_input.get("file_path")
    if not isinstance(path, str) or not path:
        return None
    cwd = event.get("cwd") if isinstance(event.get("cwd"), str) else os.getcwd()
    return os.path.abspath(os.path.join(cwd, os.path.expanduser(path)))


def repo_root(path: str) -> str | None:
    """The top folder of the git repository holding ``path`` (which may not exist yet)."""
    folder = os.path.dirname(path)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def active_session(root: str) -> dict | None:
    """The session state when a loop is active in ``root``; None otherwise."""
    try:
        with open(os.path.join(root, ".autoresearch", "session.json"), encoding="utf-8") as fh:
            state = json.load(fh)
    except FileNotFoundError:
        return None
    if not (isinstance(state, dict) and state.get("active") is True):
        return None
    if os.path.exists(os.path.join(root, ".autoresearch", "stop")):
        return None  # the loop was asked to end: the user edits freely again
    branch = state.get("branch")
    if isinstance(branch, str) and _head_branch(root) not in (None, branch):
        return None  # the user switched to another branch: not the loop's work tree
    return state


def _head_branch(root: str) -> str | None:
    """The branch checked out in ``root`` (from .git/HEAD), or None when unknown."""
    try:
        with open(os.path.join(root, ".git", "HEAD"), encoding="utf-8") as fh:
            head = fh.read().strip()
    except OSError:
        return None  # a worktree or submodule (.git is a file): do not guess
    prefix = "ref: refs/heads/"
    return head[len(prefix):] if head.startswith(prefix) else ""


def _normal(paths) -> set[str]:
    if not isinstance(paths, list):
        return set()
    return {os.path.normpath(p) for p in paths if isinstance(p, str) and p}


def decide(event: dict) -> str | None:
    """The reason to deny this tool call, or None to let it through."""
    path = edited_path(event)
    if path is None:
        return None
    root = repo_root(path)
    if root is None:
        return None
    state = active_session(root)
    if state is None:
        return None
    rel = os.path.relpath(path, root)
    editable, readonly = _normal(state.get("editable")), _normal(state.get("readonly"))
    allowed = ", ".join(sorted(editable)) or "(none)"
    if rel in readonly:
        return (f"autoresearch: {rel} is read-only in this experiment loop (readonly_files). "
                f"Only these files may be edited: {allowed}. Put your idea there instead.")
    if rel in editable:
        return None
    return (f"autoresearch: {rel} is outside the files this experiment loop may edit. "
            f"Only these may be edited: {allowed}. Make the change in one of them; an edit "
            "elsewhere would make the next experiment a scope-violation crash. To work on "
            "other files, end the loop first (autoresearch stop).")


def deny(reason: str) -> str:
    """The PreToolUse decision JSON that blocks the call and tells the agent why."""
    return json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                              "permissionDecision": "deny",
                                              "permissionDecisionReason": reason}})


def main(stdin=None) -> int:
    try:
        raw = (stdin or sys.stdin).read()
        event = json.loads(raw)
        if not isinstance(event, dict):
            raise ValueError(f"expected a JSON object, got {type(event).__name__}")
        reason = decide(event)
    except Exception as exc:  # never block the user because of this hook
        print(f"autoresearch hook: ignored ({type(exc).__name__}: {exc}); the edit is allowed",
              file=sys.stderr)
        return 0
    if reason:
        print(deny(reason))
    return 0


if __name__ == "__main__":
    sys.exit(main())
