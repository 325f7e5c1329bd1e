"""Run one experiment under a time budget, in its own process group, and clean up after it.

``run_command`` starts ``/bin/sh -c CMD`` as the leader of a new session (so the whole group
can be signalled at once), sends its stdout and stderr straight to the log file, and:

- at ``budget`` seconds sends SIGTERM to the group, then SIGKILL after ``grace`` seconds;
- once the leader has exited, SIGKILLs the group anyway, so background jobs and children
  that ignore SIGTERM never outlive the experiment (the leader is left a zombie until then,
  so its process-group id cannot be reused by an unrelated process while we signal it);
- on SIGINT/SIGTERM/SIGHUP to *this* process, stops the group the same way and raises
  :class:`RunInterrupted` (a KeyboardInterrupt carrying the partial :class:`RunResult`);
- samples the summed resident memory of the group from /proc while it runs.

``tail`` gives the agent the last lines of run.log, read from its end (it can be gigabytes),
cleaned of ANSI escapes and carriage-return progress (``metrics.clean_line``).
"""

from __future__ import annotations

import os
import select
import sys
import time

from autoresearch_helpers import spawn
from autoresearch_helpers.metrics import clean_line, iter_lines_backward
from autoresearch_helpers.procgroup import (  # noqa: F401  (kill_group is public here too)
    group_rss_bytes, kill_group, reap_group, set_subreaper)
from autoresearch_helpers.record import Record
from autoresearch_helpers.spawn import signal

GIB = 1024**3
POLL_FIRST, POLL_MAX = 0.005, 0.2  # seconds between memory samples, growing to POLL_MAX
_FORWARDED = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class RunResult(Record):
    """exit_code: the shell's exit status, -N when it was killed by signal N; timed_out;
    duration_s; peak_memory_gb: GiB, peak summed RSS of the group (None: not measurable);
    interrupted."""

    FIELDS = ("exit_code", "timed_out", "duration_s", "peak_memory_gb", "interrupted")
    DEFAULTS = {"interrupted": False}


class RunInterrupted(KeyboardInterrupt):
    """Raised by run_command when we were asked to stop; ``.result`` is the partial run."""

    def __init__(self, result: RunResult, signum: int):
        super().__init__(f"interrupted by {_FORWARDED.get(signum, signum)}")
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


class _Leader:
    """The experiment's shell. Its exit is noticed WITHOUT reaping it (waitid WNOWAIT), so its
    pid, which is the group id, cannot be reused while we still signal the group. Where the
    OS has no waitid (macOS) it is reaped at once instead."""

    def __init__(self, pid: int):
        self.pid, self.reaped = pid, None  # reaped: (wait status, rusage) once collected
        try:
            self.fd = os.pidfd_open(pid)  # readable once it exits: no polling latency
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

    def exited(self, timeout: float) -> bool:
        """Whether the leader has exited, waiting up to ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while not self._check():
            left = end - time.monotonic()
            if left <= 0:
                return False
            if self.fd is None:
                time.sleep(min(0.01, left))
            else:
                poller = select.poll()
                poller.register(self.fd, select.POLLIN)
                poller.poll(max(1, int(left * 1000)))
        return True

    def reap(self) -> tuple[int, object]:
        if self.reaped is None:
            _, status, usage = os.wait4(self.pid, 0)
            self.reaped = (status, usage)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        return self.reaped


def run_command(cmd: str, cwd, log_path, budget: float, *,
                env: dict | None = None, grace: float = 5.0,
                on_start=None) -> RunResult:
    """Run ``cmd`` through /bin/sh in ``cwd`` for at most ``budget`` seconds (see module doc).

    ``env`` adds to (and overrides) our own environment. ``on_start(pgid)`` is called right
    after the spawn, so a caller can record the group and ``kill_group`` it should this
    process itself be killed without a chance to clean up.
    """
    full_env = None if env is None else {**os.environ, **env}
    caught: list[int] = []
    previous = _install_handlers(caught)
    was_subreaper = set_subreaper(True)
    try:
        pid, start = _spawn(cmd, cwd, log_path, full_env)
        leader = _Leader(pid)
        try:
            if on_start is not None:
                on_start(pid)
            timed_out, peak, ended = _supervise(leader, start + budget, grace, caught)
        finally:
            kill_group(pid)  # the leader, if still alive, and every straggler
            status, usage = leader.reap()
            exit_code = os.waitstatus_to_exitcode(status)
            reap_group(pid)
    finally:
        if was_subreaper is False:
            set_subreaper(False)
        _restore_handlers(previous)
    # the largest single process reaped: catches what sampling misses in a very short run
    # (on Linux it is at least this process's own size at the fork, ~15-30 MB)
    reaped = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if peak is not None or reaped:
        peak = max(peak or 0, reaped)
    result = RunResult(exit_code=exit_code, timed_out=timed_out and not caught,
                       duration_s=round(ended - start, 3),
                       peak_memory_gb=None if peak is None else round(peak / GIB, 3),
                       interrupted=bool(caught))
    if caught:
        raise RunInterrupted(result, caught[0])
    return result


def _spawn(cmd: str, cwd, log_path, env: dict | None) -> tuple[int, float]:
    """Start the shell as the leader of a new session, its output going to the log."""
    try:
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            start = time.monotonic()
            pid = spawn.start(["/bin/sh", "-c", cmd], cwd=cwd, env=env, stdout=log,
                              stderr=log, new_session=True)
        finally:
            os.close(log)
    except OSError as exc:
        from autoresearch_helpers.errors import AutoresearchError

        raise AutoresearchError(f"cannot run {cmd!r} in {cwd} with its output to {log_path}: "
                                f"{exc.strerror or exc}") from None
    return pid, start


def _supervise(leader: _Leader, deadline: float, grace: float,
               caught: list[int]) -> tuple[bool, int | None, float]:
    """Wait for the leader, sampling memory; stop the group at the deadline or on a signal.

    Returns (timed out, peak group RSS in bytes or None, when the leader exited).
    """
    pgid, peak, interval, timed_out = leader.pid, None, POLL_FIRST, False
    while not caught:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if leader.exited(min(interval, left)):
            return False, peak, time.monotonic()
        interval = min(interval * 2, POLL_MAX)
        rss = group_rss_bytes(pgid)
        if rss is not None:
            peak = max(peak or 0, rss)
    kill_group(pgid, signal.SIGTERM)
    end = time.monotonic() + grace
    # a second Ctrl+C skips the grace
    while len(caught) < 2 and not leader.exited(min(0.05, max(0.0, end - time.monotonic()))):
        if time.monotonic() >= end:
            break
    return timed_out, peak, time.monotonic()


def _install_handlers(caught: list[int]) -> dict:
    def handler(signum, frame):
        caught.append(signum)

    previous = {}
    try:
        for sig in _FORWARDED:
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread: signals only reach the main thread's handlers
        _restore_handlers(previous)
        return {}
    return previous


def _restore_handlers(previous: dict) -> None:
    for sig, old in previous.items():
        signal.signal(sig, old if old is not None else signal.SIG_DFL)


# --- reading run.log --------------------------------------------------------------------

def tail(log_path, lines: int = 30, width: int = 200) -> str:
    """The last ``lines`` lines of the log (trailing blank ones dropped), cleaned and cut to
    ``width`` characters with a marker saying how much was cut; "" when there is no log."""
    out: list[str] = []
    try:
        for raw in iter_lines_backward(log_path):
            text = clean_line(raw.decode("utf-8", "replace")).rstrip()
            if not text and not out:
                continue  # trailing blank lines say nothing
            if len(text) > width:
                text = f"{text[:width]} …[+{len(text) - width} chars]"
            out.append(text)
            if len(out) >= lines:
                break
    except FileNotFoundError:
        return ""
    return "\n".join(reversed(out))
