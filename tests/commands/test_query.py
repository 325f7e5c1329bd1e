"""`autoresearch query` against the jq binary on real JSONL logs."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from autoresearch_helpers import paths
from autoresearch_helpers.store import logs
from autoresearch_helpers.commands.query import to_jq_json
from logdata import write_session

SPEC_QUERIES = [  # the README's queries, as users type them
    ('select(.details.status == "keep")', []),
    ('[.local_time[:19], .details.status, .details.value] | @tsv', ["-r"]),
    (".", []),
]


@pytest.fixture
def repo(tmp_path):
    write_session(tmp_path, [1.0, 0.9, None, 0.95, 0.8],
                  descriptions=["baseline", "tab\there", "ünï\ncode", 'say "hi"', "x"],
                  memory=[1.0, 2.5, None, 3, 44.1])
    return tmp_path


def jq_binary(path, program, raw):
    args = ["jq", "-r" if raw else "-c", program, str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the jq binary is not installed")
@pytest.mark.parametrize("program, flags", SPEC_QUERIES)
def test_spec_queries_match_the_jq_binary(repo, cli, program, flags):
    r = cli(repo, "query", program, *flags)
    assert r.code == 0, r
    assert r.out == jq_binary(paths.jsonl_path(repo), program, bool(flags))
    assert r.out.count("\n") >= 3


def test_grep_tail_query_is_plain_jsonl(repo):
    # grep experiment_done FILE | tail -10 | jq . : every line is one whole JSON object
    out = subprocess.run(f"grep experiment_done {paths.jsonl_path(repo)} | tail -10 | jq -c .",
                         shell=True, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.count("\n") == 5


def test_keep_filter_outputs(repo, cli):
    r = cli(repo, "query", 'select(.details.status == "keep") | .details.value')
    assert r.out.splitlines() == ["1", "0.9", "0.8"]
    r = cli(repo, "query", "-r", 'select(.action == "experiment_done") | .details.description')
    assert r.out.split("\n")[:3] == ["baseline", "tab\there", "ünï"]


def test_bad_filter_is_a_usage_error(repo, cli):
    r = cli(repo, "query", ".[")
    assert r.code == 2 and r.out == ""
    assert r.err == ("autoresearch query: error: bad jq filter '.[': syntax error, unexpected "
                     "end of file at <top-level>, line 1, column 2\n")
    r = cli(repo, "query", "nosuchfunction(1)")
    assert r.code == 2 and "nosuchfunction/1 is not defined" in r.err


def test_runtime_error_names_the_lines_and_goes_on(repo, cli):
    r = cli(repo, "query", ".details.value.x")
    assert r.code == 1
    assert r.out.splitlines() == ["null", "null"]  # session_start and the crash have no value
    assert r.err.splitlines()[0] == ('autoresearch query: error: line 2: Cannot index number '
                                     'with string ("x")')
    assert len(r.err.splitlines()) == 4


def test_torn_last_line_and_garbage(repo, cli):
    with open(paths.jsonl_path(repo), "a") as fh:
        fh.write('not json\n{"tool": "autoresearch", "action": "experi')
    r = cli(repo, "query", ".action")
    assert r.code == 0
    assert r.out.splitlines() == ['"session_start"'] + ['"experiment_done"'] * 5
    assert r.err == (f"autoresearch query: warning: skipped 1 line that is not JSON "
                     f"(first: line 7 of {paths.jsonl_path(repo)})\n")


def test_no_log(make_repo, cli):
    r = cli(make_repo(), "query", ".")
    assert r.code == 1
    assert "no JSONL log at" in r.err and "run 'autoresearch setup' first" in r.err


def test_file_option(repo, tmp_path, cli):
    other = tmp_path / "elsewhere"
    other.mkdir()
    r = cli(other, "query", "--file", str(paths.jsonl_path(repo)), "-r", ".tag")
    assert r.out.splitlines() == ["mar17"] * 6


@pytest.mark.parametrize("value, expected", [
    (1.0, "1"), (0.5, "0.5"), ({"a": [2.0, "é"]}, '{"a":[2,"é"]}'), (None, "null"),
    (1e20, "1e+20"), (1e16, "1e+16"), (3.0e10, "30000000000"), (True, "true"),
])
def test_to_jq_json(value, expected):
    assert to_jq_json(value) == expected
