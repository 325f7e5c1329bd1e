"""The Stop and SessionStart hooks as processes, fed the JSON Claude Code 2.1.330 sends
(the keys of its Stop and SessionStart hook inputs; tests/plugin/test_loop_hooks_cli.py has
the CLI itself run them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autoresearch_helpers.plugin import stop_hook
from conftest import write_session_file

ROOT = Path(__file__).resolve().parents[2]
STOP = ROOT / "autoresearch_helpers" / "plugin" / "stop_hook.py"
START = ROOT / "autoresearch_helpers" / "plugin" / "start_hook.py"


def stop_event(cwd: Path, active: bool = False) -> dict:
    return {"session_id": "abc", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd),
            "permission_mode": "default", "hook_event_name": "Stop", "stop_hook_active": active,
            "last_assistant_message": "Shall I continue?", "background_tasks": [],
            "session_crons": []}


def start_event(cwd: Path, source: str) -> dict:
    return {"session_id": "abc", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd),
            "hook_event_name": "SessionStart", "source": source, "model": "claude-opus"}


def run(script: Path, payload, cwd: Path) -> subprocess.CompletedProcess:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    proc = subprocess.run([sys.executable, str(script)], input=text, capture_output=True,
                          text=True, cwd=cwd, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc


def branch(repo: Path) -> str:
    return subprocess.run(["git", "branch", "--show-current"], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.fixture
def repo(make_repo):
    return make_repo({"train.py": "lr = 0.01\n"})


def active(repo: Path, **fields) -> None:
    """An active session on the current branch, its loop under way (an experiment logged
    since setup: experiments above resumed_at)."""
    write_session_file(repo, branch=branch(repo), **{"experiments": 1, "resumed_at": 0, **fields})


def test_an_active_loop_blocks_the_end_of_the_turn(repo):
    active(repo)
    proc = run(STOP, stop_event(repo), repo)
    assert json.loads(proc.stdout) == {"decision": "block", "reason": stop_hook.REASON}
    assert "`autoresearch status --brief`" in stop_hook.REASON
    assert "`autoresearch stop`" in stop_hook.REASON
    assert proc.stderr == ""


def test_the_cap_lets_the_turn_end_after_blocks_without_an_experiment(repo):
    active(repo, experiments=7, counts={"keep": 3, "discard": 3, "crash": 1},
           champion={"commit": "abcdef1234", "value": 0.25, "samples": [], "number": 5})
    outputs = [json.loads(run(STOP, stop_event(repo, active=n > 0), repo).stdout or "{}")
               for n in range(stop_hook.CAP + 1)]
    assert [o.get("decision") for o in outputs] == ["block"] * stop_hook.CAP + [None]
    assert outputs[-1] == {"systemMessage": (
        "autoresearch: the agent ended its turn 3 times in a row without a new experiment, so "
        "it may stop · session t1: best score 0.25 at abcdef1 · 7 experiments: 3 keep, "
        "3 discard, 1 crash · the session stays active: /autoresearch resumes the loop, "
        "/autoresearch stop ends it")}
    # the count starts afresh: the next attempt is blocked again
    assert json.loads(run(STOP, stop_event(repo, active=True), repo).stdout)["decision"] == "block"


def test_a_new_experiment_or_a_new_turn_starts_the_count_afresh(repo):
    active(repo, experiments=1)
    for _ in range(stop_hook.CAP - 1):
        assert run(STOP, stop_event(repo, active=True), repo).stdout
    active(repo, experiments=2)  # an experiment was logged since the last block
    for _ in range(stop_hook.CAP):
        assert json.loads(run(STOP, stop_event(repo, active=True), repo).stdout)["decision"] == "block"
    # stop_hook_active false: a new turn (the user wrote); blocked again from zero
    assert json.loads(run(STOP, stop_event(repo), repo).stdout)["decision"] == "block"
    assert run(START, start_event(repo, "startup"), repo).stdout != ""
    for _ in range(stop_hook.CAP - 1):
        assert json.loads(run(STOP, stop_event(repo, active=True), repo).stdout)["decision"] == "block"
    assert "systemMessage" in json.loads(run(STOP, stop_event(repo, active=True), repo).stdout)


def test_after_setup_alone_the_turn_ends_and_the_context_names_the_loop(repo):
    active(repo, experiments=4, resumed_at=4)  # set up or resumed, no experiment since
    proc = run(STOP, stop_event(repo), repo)
    assert (proc.stdout, proc.stderr) == ("", "")
    out = json.loads(run(START, start_event(repo, "compact"), repo).stdout)
    assert "session t1 (active)" in out["hookSpecificOutput"]["additionalContext"]


@pytest.mark.parametrize("case", ["no session", "stopped", "stop requested", "finished",
                                  "other branch"])
def test_the_turn_ends_when_no_loop_runs_here(repo, case):
    if case == "stopped":
        active(repo, active=False)
    elif case == "stop requested":
        active(repo)
        (repo / ".autoresearch" / "stop").write_text("")
    elif case == "finished":
        active(repo, experiments=3, config={"values": {"max_experiments": 3}})
    elif case == "other branch":
        active(repo)
        subprocess.run(["git", "checkout", "-q", "-b", "elsewhere"], cwd=repo, check=True)
    for script, payload in ((STOP, stop_event(repo, active=True)),
                            (START, start_event(repo, "compact"))):
        proc = run(script, payload, repo)
        assert (proc.stdout, proc.stderr) == ("", ""), case
    assert not (repo / ".autoresearch" / stop_hook.COUNT_FILE).exists()


def test_outside_a_repository_and_with_a_bad_input_nothing_happens(tmp_path):
    for script, payload in ((STOP, stop_event(tmp_path)), (START, start_event(tmp_path, "resume"))):
        assert (run(script, payload, tmp_path).stdout, run(script, payload, tmp_path).stderr) == ("", "")
        proc = run(script, "not json", tmp_path)
        assert proc.stdout == "" and proc.stderr.count("\n") == 1


def test_an_unreadable_session_file_is_one_line_on_stderr(repo):
    (repo / ".autoresearch").mkdir()
    (repo / ".autoresearch" / "session.json").write_text("{broken")
    for script, payload in ((STOP, stop_event(repo)), (START, start_event(repo, "compact"))):
        proc = run(script, payload, repo)
        assert proc.stdout == ""
        assert proc.stderr.count("\n") == 1 and "session.json" in proc.stderr


@pytest.mark.parametrize("source", ["startup", "resume", "clear", "compact"])
def test_session_start_puts_the_brief_status_in_the_context(repo, source):
    active(repo)
    out = json.loads(run(START, start_event(repo, source), repo / ".").stdout)
    assert list(out) == ["hookSpecificOutput"]
    assert out["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    first, *status = out["hookSpecificOutput"]["additionalContext"].split("\n")
    assert first.startswith(f"autoresearch: the experiment loop of session t1 is active in "
                            f"this repository (branch {branch(repo)}). If you are its researcher")
    assert "`autoresearch stop`" in first
    assert status[0].startswith(f"session t1 (active) on {branch(repo)} · metric score")
    assert "no baseline yet: run '/autoresearch setup' to measure it" in status


def test_session_start_from_a_subfolder_of_the_repository(repo):
    active(repo)
    (repo / "sub").mkdir()
    out = json.loads(run(START, start_event(repo / "sub", "compact"), repo / "sub").stdout)
    assert "session t1 (active)" in out["hookSpecificOutput"]["additionalContext"]


def test_a_turn_of_autoresearch_loop_ends_as_its_agent_wants(repo):
    """`autoresearch loop --agent claude` holds the session lock as "loop" and starts each
    turn itself: the hook never keeps its agent's `claude -p` turn going."""
    active(repo)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom autoresearch_helpers.store import lock\n"
         "with lock.Lock(sys.argv[1], 'loop'):\n    print('held', flush=True)\n"
         "    time.sleep(60)\n", str(repo)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert run(STOP, stop_event(repo), repo).stdout == ""
        assert run(START, start_event(repo, "startup"), repo).stdout == ""
    finally:
        holder.kill()
        holder.wait()
    assert json.loads(run(STOP, stop_event(repo), repo).stdout)["decision"] == "block"
    assert run(START, start_event(repo, "startup"), repo).stdout != ""
