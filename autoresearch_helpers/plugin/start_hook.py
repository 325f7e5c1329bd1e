"""SessionStart hook: an agent that starts, resumes or comes back from a compaction (or a
/clear) in a repository whose experiment loop is running learns it from its first turn.

Claude Code runs it at each session start (see .claude-plugin/plugin.json; no matcher, so
every ``source``), the event as JSON on stdin (Claude Code 2.1.330)::

    {"hook_event_name": "SessionStart", "cwd": "/repo", "session_id": "...",
     "transcript_path": "...", "source": "startup" | "resume" | "clear" | "compact" | "fork"}

Every source, because the Stop hook (plugin/stop_hook.py) keeps any session there from
ending its turn while the loop is active, and a summary after a compaction may have lost the
loop's state. When the cwd's repository has an active session on its branch (plugin/hook.py
``active_session``), it prints the SessionStart output whose ``additionalContext`` Claude
Code adds to the agent's context: one line on the loop, then ``autoresearch status --brief``
as the launcher's ``--context`` form prints it (never installs, never fails)::

    {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "..."}}

Otherwise nothing. A session.json that cannot be read: one line on stderr. Exit 0 always.
Standard library only.
"""

from __future__ import annotations

import os
import subprocess
import sys

if __name__ == "__main__":  # run as a file: import the package of this plugin copy
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from autoresearch_helpers.plugin.hook import conversation_loop, respond  # noqa: E402

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch.py")
HEADING = ("autoresearch: the experiment loop of session {tag} is active in this repository "
           "(branch {branch}). If you are its researcher (/autoresearch started it in this "
           "conversation), go on with it: `autoresearch status --brief`, one idea not tried "
           "yet, an edit of the editable files, `autoresearch run -d \"<the idea>\"`, and "
           "again; a Stop hook reminds you when you end your turn. To end the loop: "
           "`autoresearch stop`. Its status:")


def context(event: dict) -> str | None:
    """The text to add to the agent's context, or None when no loop is running here."""
    found = conversation_loop(event)
    if found is None:
        return None  # no loop here, or a turn of `autoresearch loop`: its prompt says it all
    root, state = found
    return HEADING.format(tag=state.tag, branch=state.branch) + "\n" + brief_status(root)


def brief_status(root: str) -> str:
    """``status --brief`` in ``root``, as the command file's context line shows it: the
    launcher's ``--context`` form, in a process of its own (it runs the helper CLI)."""
    proc = subprocess.run([sys.executable, LAUNCHER, "--context", "status", "--brief"],
                          cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=25)  # within the hook's 30 s (plugin.json)
    return proc.stdout.rstrip("\n")


def main(stdin=None) -> int:
    def answer(event: dict) -> dict | None:
        text = context(event)
        return text and {"hookSpecificOutput": {"hookEventName": "SessionStart",
                                                "additionalContext": text}}
    return respond(stdin, "autoresearch start hook", answer)


if __name__ == "__main__":
    sys.exit(main())
