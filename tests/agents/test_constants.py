"""The optuna agent's search space: the numeric constants of a Python file, the
'# autoresearch: tune' markers, and rewriting a literal without touching anything else."""

from __future__ import annotations

import pytest

from autoresearch_helpers.agents.constants import find, literal, rewrite
from autoresearch_helpers.errors import AutoresearchError

PLAIN = """\"\"\"A model.\"\"\"
import math

LR = 0.01  # the step
DEPTH = 4
OFFSET = -2.5
SHIFT = -3
ZERO = 0
DEBUG = True
NAME = "x"
RATE: float = 1e-3
A, B = 1, 2
X = Y = 7


def f():
    INNER = 3
    return INNER
"""


def by_name(constants):
    return {c.name: c for c in constants}


def test_without_markers_every_nonzero_top_level_number_is_tuned():
    got = by_name(find(PLAIN, "model.py"))
    assert sorted(got) == ["DEPTH", "LR", "OFFSET", "RATE", "SHIFT"]  # no bool, zero, tuple
    lr = got["LR"]
    assert (lr.kind, lr.low, lr.high, lr.log) == ("float", pytest.approx(0.001), 0.1, True)
    assert (got["DEPTH"].kind, got["DEPTH"].low, got["DEPTH"].high) == ("int", 1, 16)
    offset = got["OFFSET"]  # a negative value: the range stays below zero
    assert offset.low == pytest.approx(-25) and offset.high == pytest.approx(-0.25)
    assert (got["SHIFT"].low, got["SHIFT"].high) == (-12, -1)
    assert got["LR"].line == 4


def test_rewrite_replaces_only_the_literals():
    constants = find(PLAIN, "model.py")
    out = rewrite(PLAIN, {"LR": "0.003", "OFFSET": "-1.25", "SHIFT": "-7", "RATE": "0.02"},
                  constants)
    assert "LR = 0.003  # the step\n" in out
    assert "OFFSET = -1.25\n" in out and "SHIFT = -7\n" in out
    assert "RATE: float = 0.02\n" in out
    assert out.replace("0.003", "0.01").replace("-1.25", "-2.5").replace("-7", "-3") \
        .replace("0.02", "1e-3") == PLAIN


def test_markers_choose_the_constants_and_their_ranges():
    text = ("LR = 0.01  # autoresearch: tune 1e-4..1e-1 log\n"
            "DEPTH = 4\n"
            "BATCH = 32  #autoresearch:tune 8..256 int log\n"
            "SCALE = 2  # autoresearch: tune float\n"
            "BIAS = 0  # autoresearch: tune -1..1\n"
            "NEG = -0.5  # autoresearch: tune -2..-0.01 log\n")
    got = by_name(find(text, "t.py"))
    assert sorted(got) == ["BATCH", "BIAS", "LR", "NEG", "SCALE"]  # DEPTH is not marked
    assert (got["LR"].low, got["LR"].high, got["LR"].log) == (1e-4, 1e-1, True)
    assert (got["BATCH"].kind, got["BATCH"].low, got["BATCH"].high, got["BATCH"].log) == \
        ("int", 8, 256, True)
    assert (got["SCALE"].kind, got["SCALE"].low, got["SCALE"].high) == ("float", 0.2, 20)
    assert (got["BIAS"].low, got["BIAS"].high, got["BIAS"].log) == (-1, 1, False)
    assert got["NEG"].log and got["NEG"].high < 0


def test_a_unicode_line_keeps_its_characters():
    text = "NOTE = 'é'; LR = 0.5  # autoresearch: tune 0.1..1\nK = 2  # ünïcode\n"
    out = rewrite(text, {"LR": "0.25"}, find(text, "u.py"))
    assert out == "NOTE = 'é'; LR = 0.25  # autoresearch: tune 0.1..1\nK = 2  # ünïcode\n"
    text = "LR = 0.5  # schöne Grüße\nK = 2  # ünïcode\n"
    out = rewrite(text, {"LR": "0.25", "K": "3"}, find(text, "u.py"))
    assert out == "LR = 0.25  # schöne Grüße\nK = 3  # ünïcode\n"


@pytest.mark.parametrize("line, words", [
    ("LR = 0.01  # autoresearch: tune 1e-4...x", "range"),
    ("LR = 0.01  # autoresearch: tune 0.1..0.01", "LOW < HIGH"),
    ("LR = 0.01  # autoresearch: tune -1..1 log", "'log' needs"),
    ("LR = 0.01  # autoresearch: tune 1..2 cubic", "'cubic'"),
    ("LR = 0.01  # autoresearch: tnue 1..2", "unknown autoresearch marker 'tnue'"),
    ("ZERO = 0  # autoresearch: tune", "is 0"),
    ("FLAG = True  # autoresearch: tune", "not a top-level"),
    ("N = 3  # autoresearch: tune 1.2..1.8 int", "one integer at most"),
])
def test_a_bad_marker_is_one_error_naming_file_and_line(line, words):
    text = f"import os\n\n{line}\n"
    with pytest.raises(AutoresearchError) as err:
        find(text, "src/model.py")
    assert "src/model.py:3" in str(err.value) and words in str(err.value)


def test_nothing_to_tune_and_bad_python_are_errors():
    with pytest.raises(AutoresearchError, match="no numeric constant"):
        find("DEBUG = True\nZERO = 0\n", "a.py")
    with pytest.raises(AutoresearchError, match="a.py:2: not valid Python"):
        find("X = 1\nY = (\n", "a.py")


def test_literals_keep_their_kind():
    assert literal(3.0, "float") == "3.0" and literal(0.000123456, "float") == "0.0001235"
    assert literal(7, "int") == "7" and literal(-2.0, "float") == "-2.0"
    assert float(literal(1e-7, "float")) == pytest.approx(1e-7)
