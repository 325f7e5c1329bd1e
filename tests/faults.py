"""Helpers for fault tests: the CLI and the edit hook run as real processes, a snapshot of
what a failed command must leave as it was, and ways to make real OS errors happen.

    run_verb(repo, args, prefix=(), limit=None)   the CLI; ``limit``: RLIMIT_FSIZE in bytes
    run_verbs(repo, verbs, prefix=())             several at once
    run_hook(repo, rel, prefix=())                the edit hook on an Edit of ``rel``
                                                  (hook_event: the JSON it reads)
    snapshot(repo)                                our files (bytes) and git (refs, status)
    permissions_apply()                           a prefix under which chmod 000 stops root
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLI, git

ROOT = Path(__file__).resolve().parents[1]
HOOK = ROOT / "autoresearch_helpers" / "plugin" / "hook.py"
STATE = Path(".autoresearch") / "session.json"
LOCK = Path(".autoresearch") / "lock"
JSONL = Path(".claude") / "logs" / "autoresearch.jsonl"
TSV = Path("results.tsv")
MISSING = "missing"


def _file_size_limit(limit: int):
    """A preexec_fn: files may not grow past ``limit`` bytes; a write past it fails with
    EFBIG (SIGXFSZ ignored, so the process gets the error instead of being killed)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(
            resource.RLIMIT_FSIZE)[1]))
    return apply


def run_verb(repo: Path, args, prefix=(), limit: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *CLI, *args], cwd=repo, capture_output=True, text=True,
                          timeout=60, preexec_fn=None if limit is None else _file_size_limit(limit))


def run_verbs(repo: Path, verbs, prefix=()) -> list[subprocess.CompletedProcess]:
    """Each of ``verbs`` at the same time (for commands that fail before they change
    anything: a fault matrix stays fast); their results in order."""
    procs = [subprocess.Popen([*prefix, *CLI, *args], cwd=repo, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in verbs]
    done = []
    for args, proc in zip(verbs, procs):
        out, err = proc.communicate(timeout=60)
        done.append(subprocess.CompletedProcess([*CLI, *args], proc.returncode, out, err))
    return done


def hook_event(repo: Path, rel: str) -> str:
    """The JSON Claude Code sends the edit hook for an Edit of ``rel``."""
    return json.dumps({"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Edit",
                       "tool_input": {"file_path": str(repo / rel), "old_string": "a",
                                      "new_string": "b"}})


def run_hook(repo: Path, rel: str, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, str(HOOK)], input=hook_event(repo, rel),
                          capture_output=True, text=True, cwd=repo, timeout=30)


def snapshot(repo: Path, *extra) -> dict:
    """What a failed command must leave as it was: our files, ``extra`` files, and git."""
    def content(rel):
        path = repo / rel
        if path.is_symlink():  # never read through it: /dev/full reads zeros forever
            return f"-> {os.readlink(path)}"
        if path.is_dir():
            return "a folder"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return MISSING
        except PermissionError:  # not root: the chmod 000 case
            return "unreadable"
    files = {str(rel): content(rel) for rel in (STATE, JSONL, TSV, Path(".autoresearch/stop"),
                                                 *extra)}
    return {"files": files, "head": git(repo, "rev-parse", "HEAD"),
            "branch": git(repo, "branch", "--show-current"),
            "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
            "status": git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")}


def one_error_line(proc, verb: str) -> str:
    """The single stderr line of a command that failed cleanly (exit 1, no traceback)."""
    where = f"{verb}: exit {proc.returncode}\nstderr:\n{proc.stderr}\nstdout:\n{proc.stdout}"
    lines = proc.stderr.splitlines()
    assert proc.returncode == 1, where
    assert len(lines) == 1 and "Traceback" not in proc.stderr, where
    assert lines[0].startswith(f"autoresearch {verb}: error: "), where
    return lines[0]


def permissions_apply() -> tuple:
    """A command prefix under which file permissions apply: root reads a chmod 000 file
    anyway, so for root drop the capabilities that bypass them (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a chmod 000 file stays readable")
    caps = "-dac_override,-dac_read_search"
    return ("setpriv", "--bounding-set", caps, "--inh-caps", caps)
