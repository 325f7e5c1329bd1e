"""Reading log files from their end: whole lines only, whatever the block size."""

from __future__ import annotations

import pytest

from autoresearch_helpers.engine.runlog import clean_line
from autoresearch_helpers.store.tail import complete_size, iter_lines_backward


@pytest.mark.parametrize("content, expected", [
    (b"", []),
    (b"a\nb\nc\n", [b"c", b"b", b"a"]),
    (b"a\nb\ntorn", [b"b", b"a"]),  # a torn last line is skipped
    (b"\n\nx\n\ny\n", [b"y", b"", b"x", b"", b""]),  # empty lines are lines
    (b"long" * 50 + b"\nz\n", [b"z", b"long" * 50]),  # a line longer than a block
])
@pytest.mark.parametrize("block", [1, 3, 7, 65536])
def test_lines_backward(tmp_path, content, expected, block):
    path = tmp_path / "log"
    path.write_bytes(content)
    assert list(iter_lines_backward(path, size=block)) == expected


def test_missing_file_gives_nothing(tmp_path):
    assert list(iter_lines_backward(tmp_path / "absent")) == []


START = b'{"action": "session_start", "details": {"tag": "t2"}}'


def crash(reason: str) -> bytes:
    return b'{"action": "experiment_done", "details": {"error": "' + reason.encode() + b'"}}'


@pytest.mark.parametrize("lines, torn, expected", [
    ([], b"", ({}, None)),
    ([crash("a"), crash("b"), crash("a")], b"", ({"a": 2, "b": 1}, None)),
    ([crash("old"), START, crash("timeout")], b"", ({"timeout": 1}, "t2")),
    ([crash("old"), START, crash("x" * 40), crash("y")], b'{"details": {"error": "torn',
     ({"x" * 40: 1, "y": 1}, "t2")),
    ([START], b"", ({}, "t2")),
    ([b"", START, b'{"a": "' + b"z" * 100 + b'"}', crash("")], b"", ({"unknown": 1}, "t2")),
])
@pytest.mark.parametrize("size", [1, 5, 17, 64, 1 << 22])
def test_scan_back_counts_errors_to_the_session_start(tmp_path, lines, torn, expected, size):
    from autoresearch_helpers.reports.session_log import scan_back

    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines) + torn)
    reasons: dict = {}
    record = scan_back(str(path), reasons, size)
    assert (reasons, record and record["details"]["tag"]) == expected


@pytest.mark.parametrize("content, expected", [
    (b"", []),
    (b"a\nb\nc\n", [b"c", b"b", b"a"]),
    (b"a\nb\nunfinished", [b"unfinished", b"b", b"a"]),
    (b"\n\nx\n", [b"x", b"", b""]),
    (b"abcdefgh\nij", [b"ij", b"abcdefgh"]),
])
def test_run_log_lines_backward_keep_the_unfinished_last_line(tmp_path, content, expected):
    path = tmp_path / "log"
    path.write_bytes(content)
    assert list(iter_lines_backward(path, unfinished=True, size=3)) == expected


def test_iter_lines_backward_caps_an_endless_progress_line(tmp_path):
    path = tmp_path / "log"
    path.write_bytes(b"first\n" + b"\r".join(b"%07d" % i for i in range(100_000)) + b"\nlast\n")
    lines = list(iter_lines_backward(path, unfinished=True, size=4096, cap=10_000))
    assert [lines[0], lines[2]] == [b"last", b"first"]
    assert len(lines) == 3 and len(lines[1]) <= 10_000 + 4096
    assert clean_line(lines[1].decode()) == "0099999"


@pytest.mark.parametrize("content, size", [(b"", 0), (b"a\n", 2), (b"a\nb", 2), (b"abc", 0),
                                           (b"a\n" + b"x" * 200, 2)])
def test_complete_size_ends_after_the_last_newline(tmp_path, content, size):
    path = tmp_path / "log"
    path.write_bytes(content)
    assert complete_size(path, block=7) == size
