"""A printed number means what it says: units glued to it are fine, number tricks are not.

The table is the rule of engine/metrics.py's module doc: each form is read as a printed
``score: FORM`` line and as the output of a metric_parse command, and the same forms are
checked end to end by a real `autoresearch run`.
"""

from __future__ import annotations

import pytest

from autoresearch_helpers.engine.metrics import parse_command, parse_printed
from autoresearch_helpers.errors import MetricError
from engine_project import done_events, edit

INVALID = "metric_invalid"

# form -> the value a printed line gives, or the crash code
PRINTED = [
    # plain numbers
    ("0.31", 0.31), ("-2", -2.0), ("+2", 2.0), (".5", 0.5), ("7.", 7.0), ("1e5", 1e5),
    ("2.5E+2", 250.0), ("1.e5", 1e5), ("1,234.5", 1234.5),
    # a unit after a space, punctuation, or glued letters
    ("12.3 ms", 12.3), ("0.31, acc: 0.9", 0.31), ("45%", 45.0), ("0.5)", 0.5),
    ("0.5|x", 0.5), ("1e5 x", 1e5), ("1e-3 ms", 0.001), ("12.3ms", 12.3), ("12ms", 12.0),
    ("3.2s", 3.2), ("10KB", 10.0), ("10B", 10.0), ("12dB", 12.0), ("2.5x", 2.5),
    ("8µs", 8.0), ("3.21it/s", 3.21), ("1.5em", 1.5), ("3d", 3.0),
    # another number glued on
    ("1,5", INVALID), ("1.2.3", INVALID), ("1:30", INVALID), ("5/10", INVALID),
    ("3-4", INVALID), ("1e5.5", INVALID),
    # underscores
    ("1_000", INVALID), ("12_", INVALID), ("12ms_2", INVALID),
    # hex, binary, octal literals and sizes
    ("0x10", INVALID), ("-0x1", INVALID), ("0xff", INVALID), ("0XAB", INVALID),
    ("0b101", INVALID), ("0o17", INVALID), ("12abc", INVALID), ("7fff", INVALID),
    ("1920x1080", INVALID),
    # exponent tricks
    ("1e5x", INVALID), ("1e5e3", INVALID), ("1.5e-3ms", INVALID), ("12E3GB", INVALID),
    ("12e", INVALID), ("1e+", INVALID), ("1ex", INVALID),
    # no number at all
    ("n/a", INVALID), ("x12", INVALID), ("nan", "metric_nan"), ("-inf", "metric_nan"),
]


def printed(form: str):
    try:
        return parse_printed(f"step 3 | score: {form}", "score")
    except MetricError as err:
        return err.code


@pytest.mark.parametrize("form, expected", PRINTED)
def test_a_printed_value(form, expected):
    got = printed(form)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_a_refusal_says_why():
    with pytest.raises(MetricError) as err:
        parse_printed("score: 0x10", "score")
    assert str(err.value) == ("score: '0x10' is not a number: letters and digits run together "
                              "(a hex, binary or octal literal, two exponents?) "
                              "(the output: 'score: 0x10')")


# metric_parse prints one number and nothing else: the number forms above, no unit
PARSED = [(form, expected) for form, expected in PRINTED
          if " " not in form and "|" not in form and ")" not in form]


@pytest.mark.parametrize("form, expected", PARSED)
def test_a_metric_parse_value(tmp_path, form, expected):
    glued_unit = isinstance(expected, float) and not form[-1].isdigit() and form[-1] != "."
    try:
        got = parse_command(f"printf '%s\\n' '{form}'", tmp_path)
    except MetricError as err:
        got = err.code
    if glued_unit:
        assert got == INVALID  # a unit is more than one number
    else:
        assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize("form, error", [
    ("0x10", INVALID), ("1_000", INVALID), ("1e5x", INVALID), ("0b101", INVALID),
    ("12abc", INVALID), ("1e5e3", INVALID), ("4ms", None), ("4.5 s", None),
])
def test_run_reads_the_same_rule(session_repo, cli, form, error):
    repo = session_repo()
    edit(repo, text=f"print('score: {form}')\n")
    result = cli(repo, "run", "--json", "-d", f"prints {form}")
    assert result.code == 0, result
    out = result.json()
    if error:
        assert (out["status"], out["error"]) == ("crash", error)
        assert done_events(repo)[-1]["details"]["error"] == error
    else:
        assert out["status"] == "keep" and out["value"] == float(form.split()[0].rstrip("ms"))


def test_run_with_metric_parse_reads_the_same_rule(session_repo, cli):
    repo = session_repo("- metric_parse: sed -n 's/^score: //p' run.log\n")
    edit(repo, text="print('score: 0x10')\n")
    out = cli(repo, "run", "--json", "-d", "hex").json()
    assert (out["status"], out["error"]) == ("crash", INVALID)
    edit(repo, text="print('score: 4')\n")
    out = cli(repo, "run", "--json", "-d", "plain").json()
    assert (out["status"], out["value"]) == ("keep", 4.0)
