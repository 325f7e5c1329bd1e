"""jsonio is json.dumps(..., allow_nan=False) and json.loads without importing json or re."""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
from pathlib import Path

import _json
import pytest

from autoresearch_helpers import jsonio, logs

ROOT = Path(__file__).resolve().parents[1]
CHARS = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\x00', '\x1f', '\x7f',
         'é', '€', '\u2028', '\ufeff', '\U0001d11e', '\ud800', '\udfff', '\u00a0']
VALUES = [
    None, True, False, 0, -1, 2**64, -(10**40), 1.5, -0.0, 0.0, 1e300, -1e300, 5e-324,
    1e16, 0.1, "", "plain", 'quote " backslash \\ slash /', "ctl \x00\x01\x1f\x7f",
    "tab\tnew\nret\r", "é€\U0001d11e\u2028", "\ud800 lone", [], {}, [[]], {"": {}},
    {"a": [1.5, None]}, {"k": [1, "x", {"y": [True, False, None]}], "é": "€"},
    {1: "int key", 2.5: "float key", True: "bool key", None: "none key"}, (1, 2),
    [1e-7, 123456789.125, -2.5e-300],
]


def rand_str(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 8)))


def rand_float(rng: random.Random) -> float:
    while True:
        f = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if f == f and f not in (float("inf"), float("-inf")):
            return rng.choice([f, -0.0, 5e-324, 1e300, rng.uniform(-1e6, 1e6)])


def rand_value(rng: random.Random, depth: int = 0):
    kind = rng.randint(0, 8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([rng.randint(-100, 100), rng.randint(-2**200, 2**200)])
    if kind == 2:
        return rand_float(rng)
    if kind in (3, 4, 5):
        return rand_str(rng)
    if kind in (6, 7):
        return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rand_str(rng): rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


RANDOM = [rand_value(random.Random(20240611 + i)) for i in range(300)]


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("value", VALUES + RANDOM)
def test_dumps_and_loads_are_json(value, ensure_ascii):
    text = jsonio.dumps(value, ensure_ascii=ensure_ascii)
    assert text == json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False)
    assert jsonio.loads(text) == json.loads(text)
    assert jsonio.dumps(jsonio.loads(text), ensure_ascii=ensure_ascii) == text


def test_dumps_defaults_to_ascii():
    assert jsonio.dumps({"é": "€"}) == '{"\\u00e9": "\\u20ac"}'


@pytest.mark.parametrize("text", [
    "0", " 1 ", "\t\n\r [1, 2 ,3]\r\n\t", '{"a" : {"b":[ ]} }', '"\\u00e9\\ud834\\udd1e"',
    "-0", "-0.0", "1E400", "-1e-400", "12345678901234567890123", "true", "null",
    '{"a": 1, "a": 2}', '"\\"\\\\\\/\\b\\f\\n\\r\\t"', "  {}  ",
])
def test_loads_reads_what_json_reads(text):
    got = jsonio.loads(text)
    assert got == json.loads(text) and repr(got) == repr(json.loads(text))


def test_loads_accepts_the_non_finite_constants_as_json_does():
    got = jsonio.loads("[NaN, Infinity, -Infinity]")
    assert repr(got) == repr(json.loads("[NaN, Infinity, -Infinity]")) == "[nan, inf, -inf]"


@pytest.mark.parametrize("value, error", [
    # non-finite floats, as allow_nan=False refuses them
    (float("nan"), ValueError), (float("inf"), ValueError), (float("-inf"), ValueError),
    ([1, {"x": float("nan")}], ValueError),
    # what json cannot serialise
    ({1, 2}, TypeError), (object(), TypeError), ({"a": b"bytes"}, TypeError),
    ({(1, 2): "tuple key"}, TypeError),
])
def test_dumps_refuses_what_json_refuses_with_its_message(value, error):
    with pytest.raises(error) as ours:
        jsonio.dumps(value)
    with pytest.raises(error) as theirs:
        json.dumps(value, allow_nan=False)
    assert str(ours.value) == str(theirs.value)


def test_circular_references_are_refused_and_the_encoder_recovers():
    loop: list = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="^Circular reference detected$"):
        jsonio.dumps(loop)
    shared = [1, 2]
    with pytest.raises(TypeError):
        jsonio.dumps([shared, object()])
    # the failed encodes left no markers behind: the same objects encode again
    assert jsonio.dumps([shared, shared]) == "[[1, 2], [1, 2]]"
    assert jsonio.dumps(loop[:1]) == "[1]"


class CallsBack(dict):
    """A dict subclass whose items() encodes another object: a re-entrant dumps."""

    def items(self):
        return [("inner", jsonio.dumps({"x": [1]}))]


def test_a_re_entrant_dumps_is_answered_by_json():
    expected = '{"inner": "{\\"x\\": [1]}"}'
    assert jsonio.dumps(CallsBack(a=1)) == json.dumps(CallsBack(a=1)) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "[1,", "{'a': 1}", '{"a" 1}', "[1, 2", "tru", '"abc', '"a\nb"', "01", "[1,]",
    "{} x", "1 2", "[1] ]", "\ufeff{}", "nan", "[-]", '"\\x"', '"\\ud800\\u12"',
])
def test_bad_text_raises_json_s_own_error(text):
    with pytest.raises(json.JSONDecodeError) as ours:
        jsonio.loads(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert (str(ours.value), ours.value.pos) == (str(theirs.value), theirs.value.pos)


def test_extra_data_is_an_error_with_its_position():
    with pytest.raises(json.JSONDecodeError, match=r"^Extra data: line 3 column 1 \(char 4\)$"):
        jsonio.loads('{}\n\n{}')


@pytest.mark.parametrize("text", [b'{"a": 1}', bytearray(b"[1]"), 5])
def test_non_str_input_is_json_s_business(text):
    try:
        expected = json.loads(text)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            jsonio.loads(text)
    else:
        assert jsonio.loads(text) == expected


def test_without_the_accelerator_json_does_the_work(monkeypatch):
    monkeypatch.setattr(jsonio, "_fast", None)
    assert jsonio.dumps({"é": [1.5, None]}, ensure_ascii=False) == '{"é": [1.5, null]}'
    assert jsonio.loads(' {"a": [NaN]} ')["a"][0] != 0
    with pytest.raises(json.JSONDecodeError, match="^Extra data"):
        jsonio.loads("1 2")
    with pytest.raises(ValueError, match="^Out of range float values"):
        jsonio.dumps(float("inf"))


def test_an_accelerator_whose_api_does_not_fit_is_not_used(monkeypatch):
    def other_signature(*args):
        raise TypeError("make_encoder() takes 5 arguments")

    monkeypatch.setattr(_json, "make_encoder", other_signature)
    monkeypatch.setattr(jsonio, "_fast", jsonio._UNSET)
    assert jsonio.dumps([1, "é"]) == '[1, "\\u00e9"]'
    assert jsonio._fast is None
    monkeypatch.delattr(_json, "make_scanner")
    assert jsonio._build() is None


def run_python(code: str) -> str:
    # -S: this machine's site-packages .pth files import re themselves at start-up
    proc = subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_neither_json_nor_re_is_imported():
    out = run_python("from autoresearch_helpers import jsonio; "
                     "jsonio.loads(jsonio.dumps({'a': [1.5, None]})); "
                     "import sys; print('re' in sys.modules, 'json' in sys.modules)")
    assert out == "False False\n"


def test_a_python_without_the_accelerator_still_works():
    out = run_python("import sys; sys.modules['_json'] = None; "
                     "from autoresearch_helpers import jsonio; "
                     "print(jsonio.dumps(jsonio.loads(' {\"a\": [1.5, null]} ')), "
                     "jsonio._fast, 'json' in sys.modules)")
    assert out == '{"a": [1.5, null]} None True\n'


def test_logs_row_is_a_named_five_tuple():
    row = logs.Row("abc1234", "loss", 0.5, "keep", "a try")
    commit, metric, value, status, description = row
    assert (row.commit, row.metric, row.value, row.status, row.description) == tuple(row)
    assert (commit, value, description) == ("abc1234", 0.5, "a try")
    assert row == ("abc1234", "loss", 0.5, "keep", "a try") and isinstance(row, tuple)
    assert logs.Row._fields == ("commit", "metric", "value", "status", "description")
    assert repr(row) == "Row(commit='abc1234', metric='loss', value=0.5, status='keep', " \
                        "description='a try')"
    assert logs.parse_tsv_line("abc1234\tloss\t0.5\tkeep\ta try\n") == row


def test_an_experiment_writes_and_prints_what_json_would(session_repo, cli):
    from engine_project import edit

    repo = session_repo()
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", 'é "quoted" \\ try', "--json")
    assert result.code == 0, result
    assert result.out == json.dumps(json.loads(result.out), allow_nan=False) + "\n"
    assert json.loads(result.out)["status"] == "keep"
    state = (repo / ".autoresearch" / "session.json").read_text(encoding="utf-8")
    assert state == json.dumps(json.loads(state), ensure_ascii=False, allow_nan=False) + "\n"
    lines = (repo / ".claude" / "logs" / "autoresearch.jsonl").read_text("utf-8").splitlines()
    assert 'é "quoted" \\ try' in [json.loads(line)["details"].get("description") for line in lines]
    for line in lines:
        assert line == json.dumps(json.loads(line), ensure_ascii=False, allow_nan=False)


def test_a_broken_session_file_is_named_with_json_s_message(session_repo, cli):
    repo = session_repo()
    path = repo / ".autoresearch" / "session.json"
    path.write_text('{"schema": 1,\n')
    result = cli(repo, "run", "-d", "try")
    assert result.code == 1, result
    assert result.err == (f"autoresearch run: error: {path}: the session state is not valid JSON "
                          "(Expecting property name enclosed in double quotes: line 2 column 1 "
                          "(char 14)); move it away and run 'autoresearch setup' to start "
                          "again\n")
