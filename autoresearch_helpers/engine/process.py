"""Run one command under a time budget, in its own process group, and clean up after it.

``run_command`` starts ``/bin/sh -c CMD`` as the leader of a new session (so the whole group
can be signalled at once), captures its output into a log through a pipe (engine/capture.py:
only this run writes the log, and its size is capped), and:

- at ``budget`` seconds sends SIGTERM to the group, then SIGKILL after ``grace`` seconds;
- once the leader has exited, SIGKILLs the group anyway, so background jobs and children
  that ignore SIGTERM never outlive the experiment (the leader is left a zombie until then,
  so its process-group id cannot be reused by an unrelated process while we signal it);
- on SIGINT/SIGTERM/SIGHUP to *this* process, stops the group the same way and raises
  :class:`RunInterrupted` (a KeyboardInterrupt carrying the partial :class:`RunResult`);
- samples the summed resident memory of the group from /proc while it runs;
- at the end kills the processes that left the group (setsid, setpgid, a double fork):
  while it runs this process is the "child subreaper" (Linux, engine/groups.py), so they
  are re-parented to us, and each carries the run's marker in its environment
  (``AUTORESEARCH_RUN``), by which recovery finds them should this process be killed.
"""

from __future__ import annotations

import os
import secrets
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from autoresearch_helpers.engine.capture import Capture
from autoresearch_helpers.engine.groups import (
    MARKER, descendants, group_rss_bytes, kill_all, kill_group, marked, reap_group,
    set_subreaper)
from autoresearch_helpers.errors import AutoresearchError

GB = 1000**3  # memory_gb is in GB of 10^9 bytes, as sizes are (vocab.SIZE_UNITS)
POLL_FIRST, POLL_MAX = 0.005, 0.2  # seconds between memory samples, growing to POLL_MAX
FORWARDED = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


@dataclass
class RunResult:
    exit_code: int  # the shell's exit status; -N when it was killed by signal N
    timed_out: bool
    duration_s: float
    peak_memory_gb: float | None  # peak summed RSS of the group; None: not measurable
    interrupted: bool = False
    escaped: int = 0  # processes that had left the group, killed at the end
    cut_bytes: int = 0  # output dropped from the middle of the log (capture.py)


class RunInterrupted(KeyboardInterrupt):
    """Raised by run_command when we were asked to stop; ``.result`` is the partial run."""

    def __init__(self, result: RunResult, signum: int):
        super().__init__(f"interrupted by {FORWARDED.get(signum, signum)}")
        self.result, self.signum = result, signum


def error_code(result: RunResult) -> str | None:
    """The crash code of a run for the logs, or None when it succeeded.

    "timeout" when the budget ran out, "interrupted" when we were stopped, "exit_N" for a
    non-zero exit. A shell reports a command killed by signal S as exit 128+S, so a leader
    killed by signal S is reported the same way: exit_137 for SIGKILL, exit_143 for SIGTERM.
    """
    if result.interrupted:
        return "interrupted"
    if result.timed_out:
        return "timeout"
    code = result.exit_code
    if code is None or code == 0:
        return None
    return f"exit_{128 - code}" if code < 0 else f"exit_{code}"


# --- one run ------------------------------------------------------------------------------

class _Leader:
    """The command's shell. Its exit is noticed WITHOUT reaping it (waitid WNOWAIT), so its
    pid, which is the group id, cannot be reused while we still signal the group. Where the
    OS has no waitid (macOS) it is reaped at once instead."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.pid = proc, proc.pid
        self.reaped = None  # (wait status, rusage) once collected
        try:
            self.fd = os.pidfd_open(self.pid)  # readable once it exits: no polling latency
        except (AttributeError, OSError):
            self.fd = None

    def _check(self) -> bool:
        if self.reaped is not None:
            return True
        if hasattr(os, "waitid"):
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        pid, status, usage = os.wait4(self.pid, os.WNOHANG)
        if pid:
            self.reaped = (status, usage)
        return bool(pid)

    def exited(self, timeout: float, captures=()) -> bool:
        """Whether the leader has exited, waiting up to ``timeout`` seconds and moving
        the output of ``captures`` into their logs meanwhile."""
        end = time.monotonic() + timeout
        while True:
            for capture in captures:
                capture.pump()
            if self._check():
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            poller = select.poll()
            for fd in [self.fd] + [c.read_fd for c in captures if c.open]:
                if fd is not None:
                    poller.register(fd, select.POLLIN)
            wait = left if self.fd is not None else min(0.01, left)
            poller.poll(max(1, int(wait * 1000)))

    def reap(self) -> tuple[int, object]:
        if self.reaped is None:
            _, status, usage = os.wait4(self.pid, 0)
            self.reaped = (status, usage)
        self.proc.returncode = os.waitstatus_to_exitcode(self.reaped[0])  # reaped by us
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        return self.reaped


def run_command(cmd: str, cwd, log_path, budget: float, *, env: dict | None = None,
                grace: float = 5.0, on_start=None, stderr_path=None,
                marker: str | None = None, stdin_path=None) -> RunResult:
    """Run ``cmd`` through /bin/sh in ``cwd`` for at most ``budget`` seconds (see module doc).

    Its output goes to ``log_path`` (stderr to ``stderr_path`` when given). ``env`` adds to
    (and overrides) our own environment. ``on_start(pgid)`` is called right after the start,
    so a caller can record the group (and ``marker``, the value of AUTORESEARCH_RUN in the
    run's environment) and stop it should this process itself be killed. ``stdin_path``:
    a file the command reads as its standard input (default: none, /dev/null).
    """
    marker = marker or secrets.token_hex(8)
    caught: list[int] = []
    previous = _install_handlers(caught)
    was_subreaper = set_subreaper(True)
    before = set(descendants(os.getpid()))
    captures = _captures(cmd, cwd, log_path, stderr_path)
    try:
        leader, start = _start(cmd, cwd, captures, {**os.environ, **(env or {}), MARKER: marker},
                               stdin_path)
        try:
            if on_start is not None:
                on_start(leader.pid)
            timed_out, peak, ended = _supervise(leader, start + budget, grace, caught, captures)
        finally:
            kill_group(leader.pid)  # the leader, if still alive, and every straggler
            status, usage = leader.reap()
            reap_group(leader.pid)
            escaped = kill_all(lambda: [p for p in descendants(os.getpid()) if p not in before]
                               + marked(marker))
    finally:
        cut = sum(c.close() for c in captures)
        if was_subreaper is False:
            set_subreaper(False)
        _restore_handlers(previous)
    # the largest single process reaped: catches what sampling misses in a very short run
    reaped = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if peak is not None or reaped:
        peak = max(peak or 0, reaped)
    result = RunResult(exit_code=os.waitstatus_to_exitcode(status),
                       timed_out=timed_out and not caught, duration_s=round(ended - start, 3),
                       peak_memory_gb=None if peak is None else round(peak / GB, 3),
                       interrupted=bool(caught), escaped=escaped, cut_bytes=cut)
    if caught:
        raise RunInterrupted(result, caught[0])
    return result


def _captures(cmd: str, cwd, log_path, stderr_path) -> list[Capture]:
    made: list[Capture] = []
    try:
        for path in (log_path, stderr_path):
            if path is not None:
                made.append(Capture(path))
    except OSError as exc:
        for capture in made:
            capture.close()
        raise AutoresearchError(f"cannot run {cmd!r} in {cwd} with its output to "
                                f"{exc.filename or log_path}: {exc.strerror or exc}") from None
    return made


def _start(cmd: str, cwd, captures: list[Capture], env,
           stdin_path=None) -> tuple[_Leader, float]:
    """Start the shell as the leader of a new session, its output going to the pipes."""
    out, err = captures[0], captures[-1]
    stdin = None
    try:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        start = time.monotonic()
        proc = subprocess.Popen(["/bin/sh", "-c", cmd], cwd=cwd, env=env, stdin=stdin,
                                stdout=out.write_fd, stderr=err.write_fd,
                                start_new_session=True)
    except OSError as exc:
        raise AutoresearchError(f"cannot run {cmd!r} in {cwd} with its output to "
                                f"{out.log.name}: {exc.strerror or exc}") from None
    finally:
        if stdin is not None and stdin is not subprocess.DEVNULL:
            stdin.close()
        for capture in captures:
            capture.child_started()
    return _Leader(proc), start


def _supervise(leader: _Leader, deadline: float, grace: float, caught: list[int],
               captures=()) -> tuple[bool, int | None, float]:
    """Wait for the leader, sampling memory; stop the group at the deadline or on a signal.

    Returns (timed out, peak group RSS in bytes or None, when the leader exited).
    """
    pgid, peak, interval, timed_out = leader.pid, None, POLL_FIRST, False
    while not caught:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if leader.exited(min(interval, left), captures):
            return False, peak, time.monotonic()
        interval = min(interval * 2, POLL_MAX)
        rss = group_rss_bytes(pgid)
        if rss is not None:
            peak = max(peak or 0, rss)
    kill_group(pgid, signal.SIGTERM)
    end = time.monotonic() + grace
    # a second Ctrl+C skips the grace
    while len(caught) < 2 and not leader.exited(min(0.05, max(0.0, end - time.monotonic())),
                                                 captures):
        if time.monotonic() >= end:
            break
    return timed_out, peak, time.monotonic()


def _install_handlers(caught: list[int]) -> dict:
    def handler(signum, frame):
        caught.append(signum)

    previous = {}
    try:
        for sig in FORWARDED:
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread: signals only reach the main thread's handlers
        _restore_handlers(previous)
        return {}
    return previous


def _restore_handlers(previous: dict) -> None:
    for sig, old in previous.items():
        signal.signal(sig, old if old is not None else signal.SIG_DFL)
