"""metric_line.py: the re-free scanner gives exactly the answers of the reference regexes."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys

import pytest

import autoresearch_helpers
from autoresearch_helpers import metric_line as ml
from autoresearch_helpers.metric_line import MetricError


def outcome(read, line, name="val_loss"):
    """What a reader makes of a line: None, ("value", v) or (code, message)."""
    try:
        value = read(line, name, "the output")
    except MetricError as err:
        return err.code, str(err)
    return None if value is None else ("value", value)


def regex_clean(raw):
    return ml.reference().ansi.sub("", raw).rstrip("\r").rsplit("\r", 1)[-1]


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
    ("val_loss", "val_loss: 1e", 1.0),  # no exponent digits: 'e' is a unit
    ("val_loss", "val_loss: 1e+", 1.0),
    ("val_loss", "val_loss: 1.5e-3x", 0.0015),
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
def test_fast_path_table(name, line, expected):
    got = outcome(ml.value_in_fast, line, name)
    assert got == outcome(ml.value_in_regex, line, name)
    if expected is None or isinstance(expected, float):
        assert got == (None if expected is None else ("value", pytest.approx(expected)))
    else:
        assert got[0] == expected


@pytest.mark.parametrize("word, kind", [
    ("0.5", "number"), ("-1e-3", "number"), ("1,234.5", "number"), (".5", "number"),
    ("7.", "number"), ("12ms", "invalid"), ("1,5", "invalid"), ("+-1", "invalid"),
    ("1e", "invalid"), ("", "invalid"), ("nan", "nan"), ("-Inf", "nan"), ("INFINITY", "nan"),
    ("infinit", "invalid"), ("nan.", "invalid"), ("٣", "number"), ("１２", "number"),
])
def test_word_kind(word, kind):
    assert ml.word_kind(word) == ml.word_kind_regex(word) == kind


def test_non_ascii_and_escape_lines_are_read_by_the_regexes():
    assert ml.value_in("val_loss: ٣", "val_loss", "x") == 3.0  # \d takes Arabic-Indic digits
    assert ml.value_in("résumé | val_loss: 2", "val_loss", "x") == 2.0
    assert ml.value_in("\x1b val_loss: 4", "val_loss", "x") == 4.0
    assert ml.value_in("välloss: 4", "val_loss", "x") is None


def test_character_classes_match_the_regex_classes():
    ascii_chars = [chr(i) for i in range(128)]
    assert {c for c in ascii_chars if re.match(r"\w", c)} == ml.WORD
    assert {c for c in ascii_chars if re.match(r"\d", c)} == ml.DIGITS
    assert {c for c in ascii_chars if re.match(r"\s", c)} == ml.SPACE


NAMES = ["val_loss", "loss", "a.b", "val/bpb", "acc-1", "x", "k=k", "n:"]
PREFIXES = [""] * 12 + [" ", "my_", "train.", "eval-", "-", "--", "/", ".", "_", "a-", "-a ",
            "| ", "[eval] ", "{'", '{"', "'", '"', "1", "\t"]
AFTER_NAME = [""] * 12 + ["'", '"', "''", ".", "_x", "2", "-", "/"]
SEPARATORS = [":"] * 6 + ["="] * 3 + [" :", " = ", ": ", ":\t", "\t=\t", "::", ":=", "", " ",
                                      "\x0b:", "\x1c=", ":\x0b", "  :  "]
NONFINITE = ["nan", "NaN", "nAn", "inf", "Inf", "INF", "Infinity", "infinity", "INFINITY",
             "infinit", "infinityx", "nanx", "inf_"]
NOISE = " ,.:=-+_/'\"\t\x0bab01eEnNiIfF"
UNITS = ["", "", "", " ms", "ms", "%", ",", ", acc: 0.9", ".", ".5", ",5", ",555", "x", "_",
         " ", "e", "E+", "e-", "-", "/s", "\t|", ".e3", ".."]


def _digits(rng, low=0, high=5):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(low, high)))


def _number(rng):
    sign = rng.choice(["", "", "", "", "", "-", "+", "+-", "--"])
    shape = rng.randrange(6)
    if shape in (0, 5):
        return sign + rng.choice(NONFINITE)
    if shape == 1:  # thousands groups, well or badly formed
        groups = ("," + _digits(rng, 2, 4) for _ in range(rng.randint(1, 3)))
        head = _digits(rng, 1, 4) + "".join(groups)
    else:
        head = _digits(rng) + rng.choice(["", "", ".", "."]) + _digits(rng, 0, 3)
    tail = rng.choice(["", "", "", ".", "." + _digits(rng), "e", "E", "e+",
                       "e-" + _digits(rng, 1, 3),
                       "e" + _digits(rng, 1, 4), "E+" + _digits(rng, 1, 2), "e+-1", ".2.3"])
    return sign + head + tail


def _line(rng):
    name = rng.choice(NAMES)
    parts = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(10)
        if kind < 5:
            shown = rng.choice([name] * 6 + [name + "2", name[:-1], name.upper()])
            parts.append(rng.choice(PREFIXES) + shown + rng.choice(AFTER_NAME)
                         + rng.choice(SEPARATORS) + rng.choice(["", "", " ", "  ", "\t"])
                         + _number(rng) + rng.choice(UNITS))
        elif kind == 6:  # a name with no value: a later match may start inside it
            parts.append(rng.choice([name, name[:-1], name[1:]]) + rng.choice(SEPARATORS))
        elif kind < 8:
            noise = (rng.choice(NOISE) for _ in range(rng.randint(1, 6)))
            parts.append("".join(noise))
        elif kind == 8:
            parts.append("\r")
        else:
            parts.append(rng.choice([" | ", ", ", " ", "; ", "\t"]))
    return name, "".join(parts)


def test_fast_path_equals_the_regexes_on_generated_lines():
    rng = random.Random(20240517)
    seen = {}
    for _ in range(4000):
        name, raw = _line(rng)
        clean = ml.clean_line(raw)
        assert clean == regex_clean(raw), raw
        fast, ref = outcome(ml.value_in_fast, clean, name), outcome(ml.value_in_regex, clean, name)
        assert fast == ref, (name, raw)
        key = "missing" if fast is None else fast[0]
        seen[key] = seen.get(key, 0) + 1
    outcomes = ("missing", "value", "metric_nan", "metric_invalid")
    assert all(seen.get(k, 0) > 50 for k in outcomes), seen  # every outcome is exercised


def test_word_kind_equals_the_regexes_on_generated_words():
    rng = random.Random(7)
    for _ in range(3000):
        word = _number(rng) + rng.choice(["", "", "", "x", ",", ".", "%", "e", "1"])
        kind = ml.word_kind(word)
        assert kind == ml.word_kind_regex(word), word
        if kind == "number":
            float(word.replace(",", ""))


def _fresh_python(code, tmp_path):
    """A Python without site (which may import re itself) that finds this checkout."""
    root = os.path.dirname(os.path.dirname(autoresearch_helpers.__file__))
    env = dict(os.environ, PYTHONPATH=root)
    return subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, check=True).stdout


HEAVY = ("re", "signal", "enum", "collections", "collections.abc")
READ_LOG = ("import sys\nfrom autoresearch_helpers import metrics\n"
            "print(metrics.parse_printed_file('run.log', 'score'))\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")


def test_reading_a_plain_log_imports_no_re(tmp_path):
    (tmp_path / "run.log").write_text("step 1\nscore: 0.5\nscore: 1,234.5 ms\r\ndone\n")
    assert _fresh_python(READ_LOG, tmp_path) == "1234.5\n[]\n"


def test_an_ansi_log_is_read_by_the_regexes(tmp_path):
    (tmp_path / "run.log").write_text("score: 0.5\n\x1b[32mscore: 0.75\x1b[0m\n")
    value, imported = _fresh_python(READ_LOG, tmp_path).splitlines()
    assert value == "0.75" and "'re'" in imported
