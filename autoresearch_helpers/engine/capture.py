"""A command's output, captured through a pipe into its log with a size cap.

The command never holds the log file itself: it writes into a pipe that this process
drains into the log. So nothing outside the current run can write to run.log, and an
experiment printing without end cannot fill the disk: past ``HEAD_BYTES`` only the last
``TAIL_BYTES`` are kept, and the log says how much was cut between them.
"""

from __future__ import annotations

import os

from autoresearch_helpers.vocab import fmt_count

HEAD_BYTES = 8 * 1024 * 1024
TAIL_BYTES = 8 * 1024 * 1024
CHUNK = 1 << 16


class Capture:
    """Owns the pipe's read end and the log; ``write_fd`` is for the child."""

    def __init__(self, log_path, head: int = HEAD_BYTES, tail: int = TAIL_BYTES):
        self.log = open(log_path, "wb", buffering=0)  # readers see output as it comes
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self.head, self.tail = head, tail
        self.written = 0  # bytes of the head written to the log
        self.ring = bytearray()  # the latest output past the head
        self.cut = 0  # bytes dropped between the head and the tail
        self.open = True

    def child_started(self) -> None:
        """Close our copy of the write end: the pipe ends when the child's copies do."""
        os.close(self.write_fd)
        self.write_fd = -1

    def pump(self) -> None:
        """Move what the pipe holds now into the log (never blocks)."""
        while self.open:
            try:
                data = os.read(self.read_fd, CHUNK)
            except BlockingIOError:
                return
            if not data:
                self.open = False
                return
            self._take(data)

    def _take(self, data: bytes) -> None:
        room = self.head - self.written
        if room > 0:
            self._write(data[:room])
            self.written += min(room, len(data))
            data = data[room:]
        if data:
            self.ring += data
            extra = len(self.ring) - self.tail
            if extra > 0:
                del self.ring[:extra]
                self.cut += extra

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.log.write(view):]

    def close(self) -> int:
        """Drain what is left, write the tail (after a note of the cut), close; the bytes cut."""
        self.pump()
        if self.cut:
            self._write(f"\n[autoresearch: {fmt_count(self.cut, 'byte')} of output cut here; "
                        f"the first {self.written} and the last {len(self.ring)} are kept]\n"
                        .encode())
        self._write(bytes(self.ring))
        self.log.close()
        for fd in (self.read_fd, self.write_fd):
            if fd >= 0:
                os.close(fd)
        self.read_fd = self.write_fd = -1
        return self.cut
