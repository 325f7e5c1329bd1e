"""Kills, Ctrl+C and concurrency: nothing unevaluated stays, nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from conftest import CLI, git
from engine_project import EXP, done_events, edit, tsv_rows

SLOW = "import time\nprint('working', flush=True)\ntime.sleep({s})\nprint('score: 1')\n"


def _start_run(repo, description="slow idea"):
    proc = subprocess.Popen([*CLI, "run", "-d", description], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = repo / "run.log"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if log.exists() and "working" in log.read_text():
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the experiment never started")


def live_members(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that still run (zombies awaiting their reaper excluded)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def test_sigkill_of_run_is_repaired_by_the_next_command(session_repo, cli):
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, text=SLOW.format(s=300))
    proc = _start_run(repo)
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    pgid = state["pending"]["pgid"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    # the dead helper left an unevaluated experiment commit and a running experiment
    assert git(repo, "log", "-1", "--format=%s") == "experiment: slow idea"
    edit_after = EXP.format(v=4.0)
    # the next command repairs first, then runs the next idea
    (repo / "exp.py").write_text(edit_after)
    result = cli(repo, "run", "-d", "next idea")
    assert result.code == 0, result
    assert "recovered: experiment 1 was interrupted" in result.out
    assert live_members(pgid) == [], "the orphaned experiment must be stopped"
    assert "experiment: slow idea" not in git(repo, "log", "--format=%s", "autoresearch/t1")
    assert git(repo, "rev-parse", "autoresearch/t1/rejected/1")  # still reachable
    assert "the editable files were changed after the interruption" in result.out
    assert "experiment 2: KEEP" in result.out
    assert [r[3] for r in tsv_rows(repo)] == ["keep", "crash", "keep"]
    assert done_events(repo)[1]["details"]["error"] == "interrupted"
    assert git(repo, "rev-parse", "HEAD~1") == champion


def test_sigkill_without_later_edits_returns_to_the_champion(session_repo, cli):
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, text=SLOW.format(s=300))
    proc = _start_run(repo)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    result = cli(repo, "setup")  # resuming also repairs
    assert result.code == 0, result
    assert "recovered: experiment 1 was interrupted" in result.out
    assert git(repo, "rev-parse", "HEAD") == champion
    assert git(repo, "status", "--porcelain") == ""
    assert "#1 crash   interrupted" in result.out


def test_head_put_back_on_a_logged_discard_is_reset_without_a_second_row(session_repo, cli):
    """HEAD on a rejected commit (someone checked out its tag on the branch) is not a new
    experiment: it is reset, and nothing is logged twice."""
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, 6.0)
    assert "experiment 1: DISCARD" in cli(repo, "run", "-d", "worse").out
    git(repo, "reset", "-q", "--hard", "autoresearch/t1/rejected/1")  # as if never reset
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "better")
    assert result.code == 0, result
    assert ("recovered: HEAD was on experiment 1, which is logged already; reset to "
            f"the champion {champion[:7]}") in result.out
    assert "experiment 2: KEEP" in result.out
    assert [r[3] for r in tsv_rows(repo)] == ["keep", "discard", "keep"]  # nothing twice
    assert git(repo, "rev-parse", "HEAD~1") == champion
    assert git(repo, "tag", "--list", "autoresearch/*") == "autoresearch/t1/rejected/1"


def test_torn_log_lines_are_repaired_and_reported(session_repo, cli):
    repo = session_repo()
    with open(repo / "results.tsv", "a") as fh:
        fh.write("abc1234\tscore\t1.0")  # torn: no newline
    with open(repo / ".claude" / "logs" / "autoresearch.jsonl", "a") as fh:
        fh.write('{"tool": "autoresearch", "act')
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "after a tear")
    assert result.code == 0, result
    assert "repaired: cut the torn last line of results.tsv" in result.out
    assert "repaired: cut the torn last line of .claude/logs/autoresearch.jsonl" in result.out
    for line in (repo / ".claude" / "logs" / "autoresearch.jsonl").read_text().splitlines():
        json.loads(line)
    assert len(tsv_rows(repo)) == 2


def test_second_run_is_refused_while_one_runs(session_repo, cli):
    repo = session_repo()
    edit(repo, text=SLOW.format(s=3))
    proc = _start_run(repo)
    second = cli(repo, "run", "-d", "impatient")
    assert second.code == 1
    assert "another autoresearch command" in second.err and "'run'" in second.err
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "experiment 1: KEEP" in out
    assert len(tsv_rows(repo)) == 2


def test_ctrl_c_records_a_crash_and_reverts(session_repo, cli):
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, text=SLOW.format(s=300))
    proc = _start_run(repo)
    pgid = json.loads((repo / ".autoresearch" / "session.json").read_text())["pending"]["pgid"]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err
    assert git(repo, "rev-parse", "HEAD") == champion
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)
    assert tsv_rows(repo)[-1][3] == "crash"
    assert done_events(repo)[-1]["details"]["error"] == "interrupted"
    assert live_members(pgid) == []
    edit(repo, 4.0)
    assert "experiment 2: KEEP" in cli(repo, "run", "-d", "go on").out
