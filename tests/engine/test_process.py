"""engine/process.py: real processes under a budget, process-group cleanup, signals, and run.log tails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autoresearch_helpers.engine.process import (
    RunInterrupted,
    RunResult,
    error_code,
    run_command,
)
from autoresearch_helpers.engine.groups import kill_group
from autoresearch_helpers.engine.runlog import tail


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def run(tmp_path, cmd, budget=30.0, **kw):
    pgids = []
    log = tmp_path / "run.log"
    result = run_command(cmd, tmp_path, log, budget, on_start=pgids.append, **kw)
    assert len(pgids) == 1
    return result, log, pgids[0]


def test_normal_run_writes_both_streams_to_the_log(tmp_path):
    (tmp_path / "run.log").write_text("old content that must go\n" * 100)
    result, log, pgid = run(tmp_path, "echo out; echo err >&2; pwd; read x || echo stdin-empty")
    assert (result.exit_code, result.timed_out, result.interrupted) == (0, False, False)
    assert log.read_text() == f"out\nerr\n{tmp_path}\nstdin-empty\n"
    assert error_code(result) is None
    assert result.duration_s < 30
    assert group_gone(pgid)


def test_env_adds_to_the_environment(tmp_path):
    result, log, _ = run(tmp_path, 'echo "$AR_X $HOME"', env={"AR_X": "1"})
    assert log.read_text() == f"1 {os.environ['HOME']}\n"


def test_failing_exit_code(tmp_path):
    result, log, _ = run(tmp_path, "echo boom; exit 3")
    assert result.exit_code == 3
    assert not result.timed_out
    assert error_code(result) == "exit_3"
    assert log.read_text() == "boom\n"


def test_death_by_signal_is_reported_like_a_shell_does(tmp_path):
    result, _, _ = run(tmp_path, "kill -KILL $$")
    assert result.exit_code == -signal.SIGKILL
    assert error_code(result) == "exit_137"


def test_background_job_does_not_outlive_a_successful_run(tmp_path):
    result, _, pgid = run(tmp_path, "sleep 600 & echo started")
    assert result.exit_code == 0
    assert group_gone(pgid)


def test_timeout_kills_grandchildren(tmp_path):
    start = time.monotonic()
    result, _, pgid = run(tmp_path, "sh -c 'sleep 600 & sleep 600'", budget=1.0, grace=1.0)
    elapsed = time.monotonic() - start
    assert result.timed_out
    assert error_code(result) == "timeout"
    assert 1.0 <= elapsed < 1.0 + 1.0 + 1.5
    assert group_gone(pgid)


def test_child_ignoring_sigterm_is_killed_after_the_grace(tmp_path):
    start = time.monotonic()
    result, _, pgid = run(tmp_path, "trap '' TERM; sleep 600", budget=0.5, grace=0.5)
    assert result.timed_out
    assert result.exit_code == -signal.SIGKILL
    assert time.monotonic() - start < 0.5 + 0.5 + 1.5
    assert group_gone(pgid)


def test_daemonised_job_keeping_the_group_is_killed(tmp_path):
    # nohup + background + closed streams: the usual way a script "daemonises" a server
    result, _, pgid = run(tmp_path, "nohup sleep 600 >/dev/null 2>&1 </dev/null & exit 0")
    assert result.exit_code == 0
    assert group_gone(pgid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_peak_memory_of_a_python_child(tmp_path):
    code = "b = bytearray(200 * 1000 * 1000); import time; time.sleep(0.6)"
    result, _, _ = run(tmp_path, f"{sys.executable} -c '{code}'")
    assert result.exit_code == 0
    # GB of 10^9 bytes: 200 MB and the interpreter (in GiB it would be below 0.2)
    assert 0.2 <= result.peak_memory_gb <= 0.5


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_peak_memory_sums_the_group(tmp_path):
    code = "b = bytearray(150 * 1024 * 1024); import time; time.sleep(1.0)"
    cmd = f"{sys.executable} -c '{code}' & {sys.executable} -c '{code}' & wait"
    result, _, _ = run(tmp_path, cmd)
    assert result.exit_code == 0
    assert 0.28 <= result.peak_memory_gb <= 0.7


def test_on_start_failure_still_cleans_up(tmp_path):
    seen = []

    def boom(pgid):
        seen.append(pgid)
        raise RuntimeError("cannot record")

    with pytest.raises(RuntimeError):
        run_command("sleep 600", tmp_path, tmp_path / "run.log", 30, on_start=boom)
    assert group_gone(seen[0])


def test_kill_group(tmp_path):
    proc = subprocess.Popen(["sleep", "600"], start_new_session=True)
    assert kill_group(proc.pid) is True
    assert proc.wait() == -signal.SIGKILL
    assert group_gone(proc.pid)
    assert kill_group(proc.pid) is False
    with pytest.raises(ValueError):
        kill_group(0)


DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from autoresearch_helpers.engine.process import RunInterrupted, run_command

    def started(pgid):
        print(pgid, flush=True)

    try:
        run_command("sh -c 'sleep 600 & sleep 600'", Path(sys.argv[1]), Path(sys.argv[1]) / "run.log",
                    600, grace=1.0, on_start=started)
    except RunInterrupted as exc:
        print("interrupted", exc.result.interrupted, exc.result.timed_out, flush=True)
        sys.exit(130)
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_helper_kills_the_experiment(tmp_path, sig):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    proc = subprocess.Popen([sys.executable, str(driver), str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    pgid = int(proc.stdout.readline())
    assert not group_gone(pgid)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert out == "interrupted True False\n"
    assert group_gone(pgid)


def test_interrupted_error_code():
    result = RunResult(exit_code=-15, timed_out=False, duration_s=1.0, peak_memory_gb=None,
                       interrupted=True)
    assert error_code(result) == "interrupted"
    assert isinstance(RunInterrupted(result, signal.SIGINT), KeyboardInterrupt)


# --- reading run.log --------------------------------------------------------------------

def test_tail_missing_log(tmp_path):
    assert tail(tmp_path / "nope.log") == ""


def test_tail_last_lines_cut_and_cleaned(tmp_path):
    log = tmp_path / "run.log"
    body = [f"line {i}" for i in range(100)]
    body[-2] = "x" * 250
    body[-1] = "\x1b[31mTraceback\x1b[0m: 10%\r100%"
    log.write_text("\n".join(body) + "\n\n\n")
    text = tail(log, lines=3, width=200)
    assert text.splitlines() == ["line 97", "x" * 200 + " …[+50 chars]", "100%"]
    assert len(tail(log).splitlines()) == 30


def test_tail_of_a_large_log_reads_from_the_end(tmp_path):
    log = tmp_path / "run.log"
    with open(log, "wb") as fh:
        fh.write(b"filler line\n" * 2_000_000)
        fh.write(b"the end")
    assert tail(log, lines=2) == "filler line\nthe end"


def test_signal_handlers_are_restored(tmp_path):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    run(tmp_path, "true")
    assert {s: signal.getsignal(s) for s in before} == before


def test_without_waitid_and_pidfd(tmp_path, monkeypatch):
    """macOS has neither: the leader is reaped at once and the group still cleaned up."""
    monkeypatch.delattr(os, "waitid", raising=False)
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    result, log, pgid = run(tmp_path, "echo hi; sleep 600 & exit 4")
    assert (result.exit_code, log.read_text()) == (4, "hi\n")
    assert group_gone(pgid)
    result, _, pgid = run(tmp_path, "sh -c 'sleep 600 & sleep 600'", budget=0.3, grace=0.3)
    assert result.timed_out
    assert group_gone(pgid)


def test_cannot_start_is_one_clear_error(tmp_path):
    from autoresearch_helpers.errors import AutoresearchError

    with pytest.raises(AutoresearchError) as err:
        run_command("true", tmp_path / "missing", tmp_path / "run.log", 10)
    assert str(err.value) == (f"cannot run 'true' in {tmp_path / 'missing'} with its output to "
                              f"{tmp_path / 'run.log'}: No such file or directory")
    with pytest.raises(AutoresearchError, match="No such file or directory"):
        run_command("true", tmp_path, tmp_path / "no" / "run.log", 10)
