"""How one printed line gives the metric: name matching, separators, numbers and refusals."""

from __future__ import annotations

import pytest

from autoresearch_helpers.engine.metrics import parse_printed, word_value
from autoresearch_helpers.errors import MetricError


def outcome(line, name):
    """What a line says: None (no value), ("value", v) or the error code."""
    try:
        return "value", parse_printed(line, name)
    except MetricError as err:
        return None if err.code == "metric_missing" else err.code


@pytest.mark.parametrize("name, line, expected", [
    ("val_loss", "val_loss: 0.31", 0.31),
    ("val_loss", "-val_loss: 1", 1.0),  # a dash with no word before it is no prefix
    ("val_loss", "x -val_loss=2", 2.0),
    ("val_loss", "a-val_loss: 1", None),
    ("val_loss", "val/val_loss: 1", None),
    ("val_loss", "val_loss.x: 1", None),
    ("val_loss", "val_loss_ema: 1", None),
    ("val_loss", "val_loss 5", None),
    ("val_loss", "val_loss", None),
    ("val_loss", "val_loss' : 3", 3.0),
    ("val_loss", "'val_loss'\t=\t4", 4.0),
    ("val_loss", "val_loss\x0b: 5", 5.0),  # \s takes a vertical tab before the separator
    ("val_loss", "val_loss:\x0b5", "metric_invalid"),  # but [ \t]* does not after it
    ("val_loss", "val_loss:: 1", "metric_invalid"),
    ("val_loss", "val_loss: 1 val_loss: 2", 2.0),
    ("val_loss", "val_loss: 1 val_loss: x", "metric_invalid"),  # the last match decides
    ("val_loss", "val_loss: 1 val_loss2: 5", 1.0),
    ("val_loss", "val_loss=val_loss: 3", 3.0),
    ("a=a", "a=a=a=1", "metric_invalid"),  # matches do not overlap: a=a= then 'a=1'
    ("val/bpb", "x val/bpb= 2", 2.0),
    ("bundle (kb)", "bundle (kb): 12", 12.0),
    ("val_loss", "val_loss: -.5", -0.5),
    ("val_loss", "val_loss: +-1", "metric_invalid"),
    ("val_loss", "val_loss: 1e", "metric_invalid"),  # an exponent without digits
    ("val_loss", "val_loss: 1e+", "metric_invalid"),
    ("val_loss", "val_loss: 1.5e-3x", "metric_invalid"),  # a unit after an exponent: a space
    ("val_loss", "val_loss: 1.5e-3 x", 0.0015),
    ("val_loss", "val_loss: 1.e5", 100000.0),
    ("val_loss", "val_loss: 1,234.e2", 123400.0),
    ("val_loss", "val_loss: 1,2345", "metric_invalid"),  # not 1,234 followed by a 5
    ("val_loss", "val_loss: 1234,567", "metric_invalid"),
    ("val_loss", "val_loss: 1,234,56", "metric_invalid"),
    ("val_loss", "val_loss: ,5", "metric_invalid"),
    ("val_loss", "val_loss: 1.2,3", "metric_invalid"),
    ("val_loss", "val_loss: 1..5", "metric_invalid"),
    ("val_loss", "val_loss: 1.,5", "metric_invalid"),
    ("val_loss", "val_loss: 7.", 7.0),
    ("val_loss", "val_loss: 1e309", "metric_nan"),
    ("val_loss", "val_loss: +nan", "metric_nan"),
    ("val_loss", "val_loss: -INF", "metric_nan"),
    ("val_loss", "val_loss: Infinity%", "metric_nan"),
    ("val_loss", "val_loss: nan-", "metric_nan"),
    ("val_loss", "val_loss: infinityx", "metric_invalid"),
    ("val_loss", "val_loss: nan.", "metric_invalid"),
    ("val_loss", "val_loss: naN_x", "metric_invalid"),
    ("val_loss", "val_loss: inf.5", "metric_invalid"),
    ("val_loss", "val_loss:", "metric_invalid"),
])
def test_one_line(name, line, expected):
    got = outcome(line, name)
    if expected is None or isinstance(expected, float):
        assert got == (None if expected is None else ("value", pytest.approx(expected)))
    else:
        assert got == expected


@pytest.mark.parametrize("word, kind", [
    ("0.5", "number"), ("-1e-3", "number"), ("1,234.5", "number"), (".5", "number"),
    ("7.", "number"), ("12ms", "invalid"), ("1,5", "invalid"), ("+-1", "invalid"),
    ("1e", "invalid"), ("", "invalid"), ("nan", "nan"), ("-Inf", "nan"), ("INFINITY", "nan"),
    ("infinit", "invalid"), ("nan.", "invalid"), ("٣", "number"), ("１２", "number"),
])
def test_one_printed_word(word, kind):
    try:
        word_value(word, "metric_parse `x`")
        got = "number"
    except MetricError as err:
        got = {"metric_nan": "nan", "metric_invalid": "invalid"}[err.code]
    assert got == kind


def test_non_ascii_and_escape_lines():
    assert parse_printed("val_loss: ٣", "val_loss") == 3.0  # \d takes Arabic-Indic digits
    assert parse_printed("résumé | val_loss: 2", "val_loss") == 2.0
    assert parse_printed("\x1b[32mval_loss: 0.5\x1b[0m", "val_loss") == 0.5
