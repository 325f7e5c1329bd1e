"""A real `autoresearch run` held in the middle of its experiment, for what other processes
see meanwhile: its run_command waits until the test creates a file (no timing guesses).

    with held_run(repo, tmp_path) as run:   # repo: a session_repo() (tests/engine_project.py)
        seen = run.until_running()          # status --json once it shows the experiment
        ...
        run.release()                       # the experiment ends; the run's result

A test that kills the run instead (``run.kill()``) leaves its experiment to the next
command's repair; leaving the block releases whatever still waits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import CLI, run_cli
from engine_project import edit

WAITING = ("import os, time\nprint('working', flush=True)\n"
           "while not os.path.exists({release!r}):\n    time.sleep(0.02)\nprint('score: 1')\n")


def wait_until(check, what: str, deadline: float = 30.0):
    """Poll ``check()`` until it returns something true; that value. AssertionError
    naming ``what`` (and the last value seen) after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    seen = None
    while time.monotonic() < end:
        seen = check()
        if seen:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"{what} never happened within {deadline:g}s; last seen: {seen!r}")


class HeldRun:
    def __init__(self, repo: Path, release_file: Path, description: str):
        self.repo, self.release_file = repo, release_file
        edit(repo, text=WAITING.format(release=str(release_file)))
        # its own process group, so that a test can kill the whole group of the helper
        self.proc = subprocess.Popen([*CLI, "run", "-d", description], cwd=repo,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)

    def status(self) -> dict:
        r = run_cli(self.repo, "status", "--json")
        assert r.code == 0, r
        return r.json()

    def until_running(self) -> dict:
        """``status --json`` as soon as it shows an experiment running."""
        def shown():
            if self.proc.poll() is not None:
                raise AssertionError(f"the run ended early: {self.proc.communicate()}")
            state = self.status()
            return state if state.get("running") else None
        return wait_until(shown, "status --json showing the running experiment")

    def release(self) -> tuple[int, str, str]:
        self.release_file.touch()
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, out, err

    def kill(self) -> None:
        """SIGKILL the helper's process group (the experiment's own group lives on)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.communicate(timeout=30)


@contextlib.contextmanager
def held_run(repo: Path, folder: Path, description: str = "slow idea"):
    run = HeldRun(repo, folder / f"release-{os.getpid()}-{time.monotonic_ns()}", description)
    try:
        yield run
    finally:
        run.release_file.touch()  # a waiting experiment (or one orphaned by a kill) ends
        if run.proc.poll() is None:
            try:
                run.proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                run.kill()
