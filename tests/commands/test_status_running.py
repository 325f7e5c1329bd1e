"""`status` while an experiment runs: it shows the experiment in flight, and calls it
interrupted only once the `autoresearch run` that started it is gone.

Each test holds a real `run` mid-experiment (tests/held_run.py) and asks `status` from
another process; the killed case SIGKILLs the run's process group.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from datetime import datetime, timezone

from held_run import held_run
from conftest import write_session_file

INTERRUPTED = "an experiment was interrupted"


def test_status_shows_the_running_experiment(session_repo, cli, tmp_path):
    repo = session_repo()
    with held_run(repo, tmp_path, "lr 0.02") as run:
        seen = run.until_running()
        running = seen["running"]
        assert running["number"] == 1 and running["description"] == "lr 0.02"
        assert running["pid"] == run.proc.pid and running["budget_s"] == 30
        started = datetime.fromisoformat(running["started"])
        assert started.tzinfo is not None  # ISO 8601 with its UTC offset
        assert abs((datetime.now(timezone.utc) - started).total_seconds()) < 120
        assert 0 <= running["elapsed_s"] < 120
        assert seen["interrupted"] is False
        text = cli(repo, "status")
        assert text.code == 0, text
        assert re.search(r'^running: experiment 1 "lr 0\.02" for \S+ of 30s budget '
                         rf"\(pid {run.proc.pid}\)$", text.out, re.M), text.out
        assert INTERRUPTED not in text.out
        brief = cli(repo, "status", "--brief")
        assert 'running: experiment 1 "lr 0.02"' in brief.out
        code, out, err = run.release()
        assert code == 0 and "experiment 1: KEEP" in out, (out, err)
    after = cli(repo, "status", "--json").json()
    assert after["running"] is None and after["interrupted"] is False
    assert "running:" not in cli(repo, "status").out


def test_a_killed_run_is_interrupted_not_running(session_repo, cli, tmp_path):
    repo = session_repo()
    with held_run(repo, tmp_path) as run:
        assert run.until_running()["interrupted"] is False
        run.kill()
        state = cli(repo, "status", "--json").json()
        assert state["running"] is None and state["interrupted"] is True
        text = cli(repo, "status")
        assert INTERRUPTED in text.out and "running:" not in text.out
    repaired = cli(repo, "setup")  # the next command repairs it
    assert repaired.code == 0 and "recovered: experiment 1 was interrupted" in repaired.out
    state = cli(repo, "status", "--json").json()
    assert state["running"] is None and state["interrupted"] is False


def test_an_older_session_file_shows_what_it_has(make_repo, cli):
    """A pending record without a start time (written before it had one) while the lock is
    held: running, without a clock; once the lock is free, interrupted."""
    repo = make_repo()
    write_session_file(repo, champion={"commit": "a" * 40, "value": 1.0},
                       config={"values": {"time_budget": 300}},
                       pending={"number": 3, "commit": "b" * 40, "description": "old\x1bidea"})
    path = repo / ".autoresearch" / "lock"
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(f"{os.getpid()} run\n")
        fh.flush()
        state = cli(repo, "status", "--json").json()
        assert state["running"] == {"number": 3, "description": "old\x1bidea", "started": None,
                                    "elapsed_s": None, "budget_s": 300, "pid": os.getpid()}
        assert state["interrupted"] is False
        text = cli(repo, "status").out
        assert f'running: experiment 3 "old\\x1bidea", 5m budget (pid {os.getpid()})' in text
    state = cli(repo, "status", "--json").json()
    assert state["running"] is None and state["interrupted"] is True
    assert json.loads((repo / ".autoresearch" / "session.json").read_text())["pending"]
