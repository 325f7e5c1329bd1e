"""Reading append-only log files fast: whole-line chunks, lines from the end, and a tail.

Every reader here returns complete lines only (bytes, without the newline). A last line
without its newline is a line a writer has not finished, or one torn by a kill: it is left
for later (``FileTail``) or skipped (the others), never parsed.

- ``iter_chunks(path)``: the file as blocks of whole lines, for one streaming pass with
  bounded memory; the generator's return value is the offset just past the last whole line.
- ``iter_lines_backward(path)``: the lines from the last to the first, reading blocks from
  the end, so showing "the last N" costs N lines and not the whole file.
- ``consume(path, feed)``: every block passed to ``feed``; returns the offset reached.
- ``FileTail``: keeps an offset and returns only the lines appended since the last call.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

CHUNK = 1 << 20


def iter_chunks(path, start: int = 0, size: int = CHUNK) -> Generator[bytes, None, int]:
    """Yield blocks of whole lines from ``start``; return the offset after the last whole line."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
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


def iter_lines_backward(path, block: int = 65536) -> Iterator[bytes]:
    """The complete non-empty lines of ``path`` from the last to the first (a torn last
    line skipped), read in blocks from the end (see iter_blocks_backward)."""
    for data in iter_blocks_backward(path, block):
        for line in reversed(data.split(b"\n")):
            if line:
                yield line


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
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read(size - self.offset)
        cut = data.rfind(b"\n")
        if cut < 0:
            return []  # only an unfinished line so far
        self.offset += cut + 1
        return [line for line in data[:cut].split(b"\n") if line]


def consume(path, feed, start: int = 0) -> int:
    """Pass each block of whole lines of ``path`` to ``feed``; return the offset reached."""
    blocks = iter_chunks(path, start)
    while True:
        try:
            feed(next(blocks))
        except StopIteration as stop:
            return stop.value


def iter_blocks_backward(path, size: int = 1 << 22) -> Iterator[bytes]:
    """Blocks of whole lines from the end of ``path`` to its start (a torn last line dropped).

    Each block ends just before a newline and starts at a line start, so a pattern that
    cannot span lines is found by searching the blocks alone.
    """
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        pos = fh.seek(0, os.SEEK_END)
        pending = b""  # the head of the block read last: a line that may start earlier
        torn = True  # until the last newline is found
        while pos > 0:
            start = max(0, pos - size)
            fh.seek(start)
            data = fh.read(pos - start) + pending
            pos = start
            if torn:
                nl = data.rfind(b"\n")
                if nl < 0:
                    pending = data
                    continue
                data, torn = data[:nl], False
            pending = b""
            if pos > 0:
                cut = data.find(b"\n")
                if cut < 0:  # one line longer than a block
                    pending = data
                    continue
                pending, data = data[:cut], data[cut + 1:]
            if data:
                yield data
