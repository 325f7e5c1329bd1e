"""Reading log files from their end: whole lines only, whatever the block size."""

from __future__ import annotations

import pytest

from autoresearch_helpers.tailread import iter_lines_backward


@pytest.mark.parametrize("content, expected", [
    (b"", []),
    (b"a\nb\nc\n", [b"c", b"b", b"a"]),
    (b"a\nb\ntorn", [b"b", b"a"]),  # a torn last line is skipped
    (b"\n\nx\n\ny\n", [b"y", b"x"]),  # empty lines are skipped
    (b"long" * 50 + b"\nz\n", [b"z", b"long" * 50]),  # a line longer than a block
])
@pytest.mark.parametrize("block", [1, 3, 7, 65536])
def test_lines_backward(tmp_path, content, expected, block):
    path = tmp_path / "log"
    path.write_bytes(content)
    assert list(iter_lines_backward(path, block)) == expected


def test_missing_file_gives_nothing(tmp_path):
    assert list(iter_lines_backward(tmp_path / "absent")) == []
