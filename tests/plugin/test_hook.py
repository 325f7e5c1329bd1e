"""The PreToolUse hook: edits outside the session's editable files are denied, nothing else."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from autoresearch_helpers import paths
from autoresearch_helpers.plugin import hook
from conftest import write_session_file

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "autoresearch_helpers" / "plugin" / "hook.py"


def write_session(repo: Path, active: bool = True, editable=("train.py",), readonly=("prepare.py",),
                  **fields):
    write_session_file(repo, active=active, editable=list(editable), readonly=list(readonly),
                       **fields)


def event(tool: str, path: str, cwd: Path) -> dict:
    """The JSON Claude Code sends on stdin for one PreToolUse call of ``tool``."""
    inputs = {
        "Edit": {"file_path": path, "old_string": "lr = 0.01", "new_string": "lr = 0.02"},
        "Write": {"file_path": path, "content": "print('hi')\n"},
        "MultiEdit": {"file_path": path, "edits": [{"old_string": "a", "new_string": "b"}]},
        "NotebookEdit": {"notebook_path": path, "new_source": "x = 1", "cell_id": "c1"},
    }
    return {"session_id": "abc", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd),
            "permission_mode": "default", "hook_event_name": "PreToolUse",
            "tool_name": tool, "tool_input": inputs[tool]}


def run_hook(payload, cwd: Path) -> subprocess.CompletedProcess:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run([sys.executable, str(HOOK)], input=text, capture_output=True,
                          text=True, cwd=cwd, timeout=30)


@pytest.fixture
def repo(make_repo):
    return make_repo({"train.py": "lr = 0.01\n", "prepare.py": "DATA = 1\n",
                      "src/util.py": "x = 1\n", "nb.ipynb": "{}\n"})


@pytest.mark.parametrize("tool", ["Edit", "Write", "MultiEdit", "NotebookEdit"])
def test_edit_outside_scope_is_denied_with_the_reason(repo, tool):
    write_session(repo)
    target = "nb.ipynb" if tool == "NotebookEdit" else "src/util.py"
    proc = run_hook(event(tool, str(repo / target), repo), repo)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["hookSpecificOutput"]["hookEventName"] == "PreToolUse"
    assert out["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert out["hookSpecificOutput"]["permissionDecisionReason"] == (
        f"autoresearch: {target} is outside the files this experiment loop may edit. "
        "Only these may be edited: train.py. Make the change in one of them; an edit "
        "elsewhere would make the next experiment a scope-violation crash. To work on "
        "other files, end the loop first (autoresearch stop).")


@pytest.mark.parametrize("tool", ["Edit", "Write", "MultiEdit"])
def test_edit_of_an_editable_file_is_allowed(repo, tool):
    write_session(repo)
    proc = run_hook(event(tool, str(repo / "train.py"), repo), repo)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_readonly_file_is_denied_as_read_only(repo):
    write_session(repo, editable=("train.py", "prepare.py"))
    proc = run_hook(event("Edit", str(repo / "prepare.py"), repo), repo)
    reason = json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason == ("autoresearch: prepare.py is read-only in this experiment loop "
                      "(readonly_files). Only these files may be edited: prepare.py, train.py. "
                      "Put your idea there instead.")


def test_relative_path_is_resolved_against_the_event_cwd(repo):
    write_session(repo)
    proc = run_hook(event("Write", "src/new_module.py", repo), repo)
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    proc = run_hook(event("Edit", "train.py", repo / "src" / ".."), repo)
    assert proc.stdout == ""


@pytest.mark.parametrize("active", [False, None])
def test_everything_is_allowed_without_an_active_session(repo, active):
    if active is not None:
        write_session(repo, active=active)
    proc = run_hook(event("Edit", str(repo / "src" / "util.py"), repo), repo)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_a_stop_request_or_another_branch_ends_the_guard(repo):
    from conftest import write_session_file, git

    write_session(repo)
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    state["branch"] = "autoresearch/t1"
    (repo / ".autoresearch" / "session.json").write_text(json.dumps(state))
    outside = event("Edit", str(repo / "src" / "util.py"), repo)
    assert run_hook(outside, repo).stdout == ""  # HEAD is on main, not the loop's branch
    git(repo, "checkout", "-q", "-b", "autoresearch/t1")
    assert "deny" in run_hook(outside, repo).stdout
    (repo / ".autoresearch" / "stop").write_text("requested\n")
    assert run_hook(outside, repo).stdout == ""


def test_files_outside_the_session_repository_are_allowed(repo, make_repo, tmp_path):
    write_session(repo)
    other = make_repo({"notes.md": "x\n"})
    for path in (other / "notes.md", tmp_path / "loose" / "file.py"):
        proc = run_hook(event("Write", str(path), repo), repo)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


@pytest.mark.parametrize("payload", [
    "not json at all",
    "",
    "[1, 2, 3]",
    json.dumps({"tool_name": "Edit"}),
    json.dumps({"tool_name": "Edit", "tool_input": {"file_path": 42}}),
    json.dumps({"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}}),
])
def test_bad_input_never_blocks(repo, payload):
    write_session(repo)
    proc = run_hook(payload, repo)
    assert proc.returncode == 0
    assert proc.stdout == ""


def test_garbage_is_reported_on_stderr(repo):
    proc = run_hook("not json at all", repo)
    assert proc.stderr.startswith("autoresearch hook: ignored (JSONDecodeError: ")
    assert proc.stderr.rstrip().endswith("; the call is allowed")


def test_corrupt_session_file_never_blocks(repo):
    (repo / ".autoresearch").mkdir()
    (repo / ".autoresearch" / "session.json").write_text("{torn")
    proc = run_hook(event("Edit", str(repo / "src" / "util.py"), repo), repo)
    assert (proc.returncode, proc.stdout) == (0, "")
    path = repo / ".autoresearch" / "session.json"
    assert proc.stderr.startswith(f"autoresearch hook: {path}: the session state is not valid JSON")
    assert proc.stderr.rstrip().endswith("; the call is allowed")


def test_the_command_in_plugin_json_runs_this_hook(repo):
    """The hook command as plugin.json declares it, run by a shell as Claude Code does."""
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    (entry,) = manifest["hooks"]["PreToolUse"]
    assert entry["matcher"] == "Edit|Write|MultiEdit|NotebookEdit|Read|NotebookRead|Grep|Glob|Bash|Monitor"
    command = entry["hooks"][0]["command"]
    write_session(repo)
    env = dict(os.environ, CLAUDE_PLUGIN_ROOT=str(ROOT))
    proc = subprocess.run(["sh", "-c", command], input=json.dumps(event("Edit", str(repo / "prepare.py"), repo)),
                          capture_output=True, text=True, cwd=repo, env=env, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert shlex.split(command)[1].endswith("/autoresearch_helpers/plugin/hook.py")


# --- the pure pieces ------------------------------------------------------------------------

@pytest.mark.parametrize("payload, expected", [
    ({"tool_name": "Edit", "cwd": "/r", "tool_input": {"file_path": "a.py"}}, "/r/a.py"),
    ({"tool_name": "Write", "cwd": "/r", "tool_input": {"file_path": "/x/../y.py"}}, "/y.py"),
    ({"tool_name": "NotebookEdit", "cwd": "/r", "tool_input": {"notebook_path": "n.ipynb"}}, "/r/n.ipynb"),
    ({"tool_name": "Read", "cwd": "/r", "tool_input": {"file_path": "a.py"}}, None),
    ({"tool_name": "Edit", "cwd": "/r", "tool_input": "a.py"}, None),
    ({"tool_name": "Edit", "cwd": "/r", "tool_input": {"file_path": ""}}, None),
])
def test_edited_path(payload, expected):
    assert hook.edited_path(payload) == expected


def test_repo_root_of_a_file_not_yet_created(make_repo):
    repo = make_repo({"a.py": ""})
    assert paths.repo_root_or_none(str(repo / "new" / "deep" / "b.py")) == str(repo)
    assert paths.repo_root_or_none("/") is None


def test_with_a_real_session_from_setup(session_repo):
    repo = session_repo()  # autoresearch setup of tests/engine_project.py: exp.py editable
    deny = run_hook(event("Write", str(repo / "CLAUDE.md"), repo), repo)
    assert json.loads(deny.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "Only these may be edited: exp.py" in deny.stdout
    allow = run_hook(event("Edit", str(repo / "exp.py"), repo), repo)
    assert (allow.returncode, allow.stdout) == (0, "")


def test_a_folder_in_editable_files_allows_the_files_below_it(make_repo, cli):
    """The hook applies run's scope: `editable_files: src` lets the agent edit src/a.py."""
    from engine_project import project

    repo = make_repo(project("- editable_files: src\n", files={"src/a.py": "A = 1\n",
                                                                "src_evil.py": "x = 1\n"}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    allowed = run_hook(event("Edit", str(repo / "src" / "a.py"), repo), repo)
    new_file = run_hook(event("Write", str(repo / "src" / "deep" / "b.py"), repo), repo)
    assert (allowed.returncode, allowed.stdout, allowed.stderr) == (0, "", "")
    assert (new_file.returncode, new_file.stdout) == (0, "")
    for outside in ("src_evil.py", "data.txt"):
        denied = run_hook(event("Edit", str(repo / outside), repo), repo)
        assert json.loads(denied.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_a_read_only_folder_denies_the_files_below_it(make_repo, cli):
    from engine_project import project

    repo = make_repo(project("- readonly_files: data/\n", files={"data/x.txt": "fixed\n"}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    denied = run_hook(event("Edit", str(repo / "data" / "x.txt"), repo), repo)
    reason = json.loads(denied.stdout)["hookSpecificOutput"]["permissionDecisionReason"]
    assert reason.startswith("autoresearch: data/x.txt is read-only in this experiment loop")
