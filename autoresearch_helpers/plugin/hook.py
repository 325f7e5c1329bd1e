"""PreToolUse hook: keep file edits inside the experiment's editable files, and the hidden
files (hidden_files: the evaluation harness, the test data) out of the agent's sight.

Claude Code runs it before each Edit, Write, MultiEdit, NotebookEdit, Read, NotebookRead,
Grep, Glob, Bash and Monitor call (see .claude-plugin/plugin.json), the call as JSON on stdin::

    {"hook_event_name": "PreToolUse", "cwd": "/repo", "tool_name": "Edit",
     "tool_input": {"file_path": "/repo/train.py", ...}}          # NotebookEdit: notebook_path

When the file lies in a git repository with an active session (store/sessions.py ``phase``:
marked active by setup, no stop requested, not finished; and HEAD is on its branch), an
edit the session's scope does not allow is denied with the PreToolUse decision output;
Claude Code shows the reason to the agent::

    {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                            "permissionDecisionReason": "..."}}

The scope is the same rule `autoresearch run` applies (engine/scope.py), so a folder in
editable_files allows the files below it here too; a hidden file is read-only as well.
Reads and searches are decided by plugin/reading.py, Bash commands by plugin/shell.py;
without hidden files they are all allowed. Everything else is allowed by printing
nothing. A bad input or a bug of this hook is reported on stderr and the hook exits 0: it
must never block the user because of itself. So is a session.json that cannot be read
(damaged, a newer schema, no permission): its one-line message goes to stderr and the call
is allowed, while `autoresearch run` refuses to run with that same message, so an edit
outside the scope cannot become an experiment. Standard library only.
"""

from __future__ import annotations

import json
import os
import sys

if __name__ == "__main__":  # run as a file: import the package of this plugin copy
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from autoresearch_helpers import paths  # noqa: E402
from autoresearch_helpers.engine import git  # noqa: E402
from autoresearch_helpers.errors import AutoresearchError  # noqa: E402
from autoresearch_helpers.engine.scope import Scope  # noqa: E402
from autoresearch_helpers.plugin import reading, shell  # noqa: E402
from autoresearch_helpers.store import lock, session, sessions  # noqa: E402
from autoresearch_helpers.vocab import typed  # noqa: E402

EDIT_TOOLS = {"Edit": "file_path", "Write": "file_path", "MultiEdit": "file_path",
              "NotebookEdit": "notebook_path"}
SHELL_TOOLS = ("Bash", "Monitor")  # {"command": "..."}


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
    full = os.path.abspath(os.path.join(cwd, os.path.expanduser(path)))
    # the folder as the repository root is found (symlinks resolved), the name as written
    return os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))


def active_session(root: str):
    """The session state when a loop is active in ``root``; None otherwise."""
    state = session.load(root)
    if state is None or sessions.phase(root, state) != sessions.ACTIVE:
        return None  # stopped or finished: the user edits freely again
    if git.current_branch(root) != state.branch:
        return None  # the user switched to another branch: not the loop's work tree
    return state


def driven_by_loop(root: str) -> bool:
    """Whether `autoresearch loop` holds the session lock: a conversation in this repository
    is then one of its agent's turns (`--agent claude`), and the loop starts the next."""
    held = lock.holder(root)
    return held is not None and held.verb == "loop"


def conversation_loop(event: dict):
    """(root, state) of the loop a conversation in the event's cwd is the researcher of:
    an active session on its branch, not driven by `autoresearch loop`; else None."""
    cwd = event.get("cwd") if isinstance(event.get("cwd"), str) else os.getcwd()
    root = paths.repo_root_or_none(cwd)
    state = active_session(root) if root is not None else None
    if state is None or driven_by_loop(root):
        return None
    return root, state


def decide(event: dict) -> str | None:
    """The reason to deny this tool call, or None to let it through."""
    path = edited_path(event)
    if path is None:
        return _decide_read(event)
    root = paths.repo_root_or_none(os.path.dirname(path))
    if root is None:
        return None
    state = active_session(root)
    if state is None:
        return None
    rel = os.path.relpath(path, root)
    scope = Scope(root, state.editable, state.readonly, state.hidden)
    if scope.allows(rel):
        return None
    if scope.is_hidden(rel):
        return reading.why_hidden(f"{rel} is")
    allowed = ", ".join(sorted(state.editable)) or "(none)"
    if scope.is_readonly(rel):
        return (f"autoresearch: {rel} is read-only in this experiment loop (readonly_files). "
                f"Only these files may be edited: {allowed}. Put your idea there instead.")
    return (f"autoresearch: {rel} is outside the files this experiment loop may edit. "
            f"Only these may be edited: {allowed}. Make the change in one of them; an edit "
            "elsewhere would make the next experiment a scope-violation crash. To work on "
            f"other files, end the loop first ({typed('stop')}).")


def _decide_read(event: dict) -> str | None:
    """A Read, Grep, Glob or Bash call: denied when it would show a hidden file."""
    tool, tool_input = event.get("tool_name"), event.get("tool_input")
    if not isinstance(tool_input, dict) or tool not in (
            *SHELL_TOOLS, *reading.READ_TOOLS, *reading.SEARCH_TOOLS):
        return None
    cwd = event.get("cwd") if isinstance(event.get("cwd"), str) else os.getcwd()
    root = paths.repo_root_or_none(cwd)
    target = next((tool_input[k] for k in ("file_path", "notebook_path", "path")
                   if tool_input.get(k)), None)
    if isinstance(target, str) and target:  # a path elsewhere: its own repository
        full = reading.absolute(target, cwd)
        root = paths.repo_root_or_none(full if os.path.isdir(full) else os.path.dirname(full))
    state = session.load(root) if root is not None else None
    hidden = _hidden(state, tool) if state is not None else []
    if not hidden or active_session(root) is None:
        return None
    scope = Scope(root, state.editable, state.readonly, hidden)
    if tool in SHELL_TOOLS:
        command = tool_input.get("command")
        return shell.decide(command, root, scope, cwd) if isinstance(command, str) else None
    return reading.decide(event, root, scope, cwd)


def _hidden(state, tool: str) -> list[str]:
    """What ``tool`` may not show: the hidden files, and to a Read or a shell command the
    held-out check's log (a search skips it: git ignores the state folder)."""
    held_out = (state.config.get("values") or {}).get("holdout_command")
    if held_out and tool not in reading.SEARCH_TOOLS:
        return [*state.hidden, paths.HOLDOUT_LOG]
    return list(state.hidden)


def deny(reason: str | None) -> dict | None:
    """The PreToolUse decision that blocks the call and tells the agent why (None: allow)."""
    if not reason:
        return None
    return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                   "permissionDecisionReason": reason}}


def respond(stdin, label: str, answer, then: str = "") -> int:
    """A hook's whole run: read the event on ``stdin``, print the JSON object ``answer``
    returns (nothing for None). It never fails: a session.json that cannot be read, a bad
    input or a bug of the hook is one line on stderr, ``label`` first and ``then`` last
    (what happens instead), and exit 0."""
    try:
        event = json.loads((stdin or sys.stdin).read())
        if not isinstance(event, dict):
            raise ValueError(f"expected a JSON object, got {type(event).__name__}")
        output = answer(event)
    except AutoresearchError as exc:  # session.json cannot be read
        print(f"{label}: {exc}{then}", file=sys.stderr)
        return 0
    except Exception as exc:  # never stand in the user's way because of a hook
        print(f"{label}: ignored ({type(exc).__name__}: {exc}){then}", file=sys.stderr)
        return 0
    if output:
        print(json.dumps(output))
    return 0


def main(stdin=None) -> int:
    return respond(stdin, "autoresearch hook", lambda event: deny(decide(event)),
                   "; the call is allowed")


if __name__ == "__main__":
    sys.exit(main())
