"""Reading append-only files: whole-line blocks forwards, lines from the end, a live tail.

A last line without its newline is unfinished (a writer is still at it, or a kill tore
it). Readers of our own logs leave it out; the reader of run.log asks for it
(``unfinished=True``): a crash message or a metric printed last often has no newline.

- ``iter_chunks(path)``: the file as blocks of whole lines, for one streaming pass with
  bounded memory; the generator's return value is the offset just past the last whole line.
- ``iter_blocks_backward(path)`` / ``iter_lines_backward(path)``: from the end to the
  start, so "the last N lines" costs N lines and not the whole file.
- ``complete_size(path)``: the size up to and including the last newline.
- ``FileTail``: keeps an offset and returns only the lines appended since the last call.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

from autoresearch_helpers.errors import FileError

CHUNK = 1 << 20


def _open(path):
    """``path`` opened for reading, or None when it does not exist; a FileError naming it
    when it cannot be read (a folder in its place, no permission)."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileError(path, exc, "read") from None


def iter_chunks(path, start: int = 0, size: int = CHUNK) -> Generator[bytes, None, int]:
    """Yield blocks of whole lines from ``start``; return the offset after the last whole line."""
    fh = _open(path)
    if fh is None:
        return start
    end = start
    with fh:
        fh.seek(start)
        carry = b""
        while True:
            block = fh.read(size)
            if not block:
                break
            data = carry + block if carry else block
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1:]
            end = fh.tell() - len(carry)
            yield data[:cut]
    return end


def consume(path, feed, start: int = 0) -> int:
    """Pass each block of whole lines of ``path`` to ``feed``; return the offset reached."""
    blocks = iter_chunks(path, start)
    while True:
        try:
            feed(next(blocks))
        except StopIteration as stop:
            return stop.value


def iter_blocks_backward(path, size: int = 1 << 22, *, unfinished: bool = False,
                         cap: int | None = None) -> Iterator[bytes]:
    """Blocks of lines from the end of ``path`` to its start, newest first.

    Each block starts at a line start and ends at a line end (without the newline), so a
    pattern that cannot span lines is found by searching the blocks alone. ``unfinished``:
    include a last line that has no newline. ``cap``: a line longer than this keeps only
    its last ``cap`` bytes (a progress bar redrawn with \\r for hours keeps its last
    redraw), so memory stays bounded.
    """
    fh = _open(path)
    if fh is None:
        return
    with fh:
        pos = fh.seek(0, os.SEEK_END)
        if pos == 0:
            return
        fh.seek(pos - 1)
        skipping = False  # dropping bytes up to the previous newline
        if fh.read(1) == b"\n":
            pos -= 1  # the final newline ends the last line
        elif not unfinished:
            skipping = True  # the unfinished last line is left out
        carry = b""  # the head of the window read before: a line that starts earlier
        while pos > 0:
            start = max(0, pos - size)
            fh.seek(start)
            data = fh.read(pos - start) + carry
            pos, carry = start, b""
            if skipping:
                cut = data.rfind(b"\n")
                if cut < 0:
                    continue
                data, skipping = data[:cut], False
            if pos > 0:
                cut = data.find(b"\n")
                if cut < 0:  # inside one line that starts in an earlier window
                    if cap is not None and len(data) > cap:
                        yield data[-cap:]
                        skipping = True  # its head is dropped
                    else:
                        carry = data
                    continue
                carry, data = data[:cut], data[cut + 1:]
            yield data


def iter_lines_backward(path, *, unfinished: bool = False, cap: int | None = None,
                        size: int = 1 << 16) -> Iterator[bytes]:
    """The lines of ``path`` from the last to the first, without newlines (empty lines
    included; see iter_blocks_backward for ``unfinished`` and ``cap``)."""
    for block in iter_blocks_backward(path, size, unfinished=unfinished, cap=cap):
        yield from reversed(block.split(b"\n"))


def complete_size(path, block: int = 1 << 16) -> int:
    """The number of bytes of ``path`` up to and including its last newline (0 if none)."""
    fh = _open(path)
    if fh is None:
        return 0
    with fh:
        pos = fh.seek(0, os.SEEK_END)
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            cut = fh.read(pos - start).rfind(b"\n")
            if cut >= 0:
                return start + cut + 1
            pos = start
    return 0


class FileTail:
    """Follow a growing file: each ``read_new()`` returns the whole lines appended since.

    If the file shrinks (replaced or truncated), ``reset`` becomes True and reading starts
    again from the beginning; the caller rebuilds what it derived from the old content.
    """

    def __init__(self, path, offset: int = 0):
        self.path = path
        self.offset = offset
        self.reset = False

    def read_new(self) -> list[bytes]:
        self.reset = False
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            if self.offset:
                self.offset, self.reset = 0, True
            return []
        if size < self.offset:
            self.offset, self.reset = 0, True
        if size == self.offset:
            return []
        fh = _open(self.path)
        if fh is None:
            return []
        with fh:
            fh.seek(self.offset)
            data = fh.read(size - self.offset)
        cut = data.rfind(b"\n")
        if cut < 0:
            return []  # only an unfinished line so far
        self.offset += cut + 1
        return [line for line in data[:cut].split(b"\n") if line]
