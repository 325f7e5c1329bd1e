"""Starting programs with os.posix_spawn instead of the subprocess module.

Importing `subprocess` (with threading, selectors, contextlib and locale behind it) costs
about half of the interpreter's own start-up, on every `autoresearch run`. The loop needs
two things only: run a program to the end with its output captured (git), and start one
in a new session with its output going to a file (the experiment). Both are a posix_spawn
with a few file actions.

What a child inherits: its stdin, stdout and stderr as given, and nothing else of ours
(Python opens every descriptor non-inheritable). Signals that Python ignores (SIGPIPE)
are back to their defaults in the child, as subprocess does, so ``yes | head`` behaves
as in a shell.
"""

from __future__ import annotations

import os

try:  # the C module behind `signal`, which imports enum, functools and collections on top
    import _signal as signal  # (more than half an interpreter start on a slow build)
except ImportError:  # another Python implementation
    import signal

DEVNULL = -1
_RESET_SIGNALS = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ")
                       if hasattr(signal, name))


def start(argv: list[str], *, cwd=None, env=None, stdin: int | None = DEVNULL,
          stdout: int | None = None, stderr: int | None = None,
          new_session: bool = False) -> int:
    """Start ``argv`` (looked up on PATH) and return its pid; reap it with os.waitpid.

    ``stdin``/``stdout``/``stderr``: a descriptor to use, DEVNULL, or None to share ours.
    ``new_session``: the child leads a new session and process group (its pgid is its pid).
    ``env``: the whole environment (default: ours). Raises OSError when it cannot start.
    """
    actions = []
    for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
        if fd == DEVNULL:
            actions.append((os.POSIX_SPAWN_OPEN, target, os.devnull, os.O_RDWR, 0))
        elif fd is not None:
            actions.append((os.POSIX_SPAWN_DUP2, fd, target))
    env = os.environ if env is None else env
    if cwd is None or _is_cwd(cwd):
        return os.posix_spawnp(argv[0], argv, env, file_actions=actions,
                               setsid=new_session, setsigdef=_RESET_SIGNALS)
    # posix_spawn has no working-directory action: step into cwd for the spawn, then back
    # (a process-wide change for a few microseconds; this CLI spawns from one thread)
    here = os.open(".", os.O_RDONLY)
    try:
        os.chdir(cwd)
        try:
            return os.posix_spawnp(argv[0], argv, env, file_actions=actions,
                                   setsid=new_session, setsigdef=_RESET_SIGNALS)
        finally:
            os.fchdir(here)
    finally:
        os.close(here)


def _is_cwd(path) -> bool:
    try:
        return os.fspath(path) == os.getcwd()
    except OSError:
        return False


def capture(argv: list[str], *, cwd=None, env=None) -> tuple[int, bytes, bytes]:
    """Run ``argv`` to its end; return (exit code, stdout, stderr). stdin is /dev/null."""
    return Captured(argv, cwd=cwd, env=env).wait()


class Captured:
    """A program started now, its output collected by :meth:`wait` later, so that the
    caller can do other work meanwhile (the machine has more than one core).

    The exit code is negative (-N) when the program was killed by signal N. On Ctrl+C the
    program (which got the same SIGINT) is waited for, so git can remove its lock files;
    a second Ctrl+C kills it. A program whose output fills the pipe simply waits for
    :meth:`wait` to read it.
    """

    def __init__(self, argv: list[str], *, cwd=None, env=None):
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            self.pid = start(argv, cwd=cwd, env=env, stdout=out_w, stderr=err_w)
        except BaseException:
            for fd in (out_r, err_r):
                os.close(fd)
            raise
        finally:
            os.close(out_w)
            os.close(err_w)
        self._out, self._err = out_r, err_r
        self._result: tuple[int, bytes, bytes] | None = None

    def wait(self) -> tuple[int, bytes, bytes]:
        """(exit code, stdout, stderr), waiting for the program to end (once)."""
        if self._result is not None:
            return self._result
        import select

        chunks: dict[int, list[bytes]] = {self._out: [], self._err: []}
        try:
            poller = select.poll()
            for fd in chunks:
                poller.register(fd, select.POLLIN)
            open_fds = len(chunks)
            while open_fds:
                for fd, _ in poller.poll():
                    data = os.read(fd, 65536)
                    if data:
                        chunks[fd].append(data)
                    else:
                        poller.unregister(fd)
                        open_fds -= 1
            _, status = os.waitpid(self.pid, 0)
        except BaseException:
            self._result = (-1, b"", b"interrupted")  # what a second wait() returns
            _finish_interrupted(self.pid)
            raise
        finally:
            os.close(self._out)
            os.close(self._err)
        self._result = (os.waitstatus_to_exitcode(status), b"".join(chunks[self._out]),
                        b"".join(chunks[self._err]))
        return self._result


def _finish_interrupted(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    except BaseException:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        raise
