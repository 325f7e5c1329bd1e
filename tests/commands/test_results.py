"""`autoresearch results` on real log files written by logs.py's writers."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import write_session_file

from autoresearch_helpers import paths
from autoresearch_helpers.store import logs
from autoresearch_helpers.commands.results import sparkline
from autoresearch_helpers.vocab import fmt_value as num
from logdata import commit_of, write_session

C = {i: commit_of("mar17", i) for i in range(10)}


@pytest.fixture
def lower(tmp_path):
    write_session(tmp_path, [1.0, 0.9, None, 0.95, 0.8],
                  descriptions=["baseline", "tab\there", "new\nline", 'say "hi" | x', "back\\slash"])
    return tmp_path


def test_table_exact_lines(lower, cli):
    r = cli(lower, "results")
    assert r.code == 0, r
    assert r.out.splitlines() == [
        "autoresearch results: mar17 (val_bpb, lower is better)",
        "4 experiments: 2 keep, 1 discard, 1 crash (keep rate 50%)",
        f"baseline 1 -> best 0.8 (-20.00%) at {C[4]} #4 back\\\\slash",
        "trend of the best: █▅▅▅▁  (1 -> 0.8, 5 runs)",
        "crashes: exit_1 1",
        "",
        "  #  commit   value  delta  status   description",
        f"  0  {C[0]}      1      -  keep     baseline",
        f"  1  {C[1]}    0.9   -0.1  keep     tab\\there",
        f"  2  {C[2]}      -      -  crash    new\\nline [exit_1]",
        f"  3  {C[3]}   0.95  +0.05  discard  say \"hi\" | x",
        f"  4  {C[4]}    0.8   -0.1  keep     back\\\\slash",
    ]
    assert "\033[" not in r.out


def test_markdown_exact_lines(lower, cli):
    r = cli(lower, "results", "--format", "markdown", "--last", "2")
    assert r.code == 0, r
    assert r.out.splitlines() == [
        "**autoresearch results: mar17** (val_bpb, lower is better)",
        "",
        "- 4 experiments: 2 keep, 1 discard, 1 crash (keep rate 50%)",
        f"- baseline 1 -> best 0.8 (-20.00%) at {C[4]} #4 back\\\\slash",
        "- trend of the best: █▅▅▅▁  (1 -> 0.8, 5 runs)",
        "- crashes: exit_1 1",
        "",
        "| # | commit | value | delta | status | description |",
        "|---:|---|---:|---:|---|---|",
        f"| 3 | `{C[3]}` | 0.95 | +0.05 | discard | say \"hi\" \\| x |",
        f"| 4 | `{C[4]}` | 0.8 | -0.1 | keep | back\\\\slash |",
        "",
        "(3 earlier rows not shown; --last 5 shows every row)",
    ]


def test_csv_parses_back_with_the_real_descriptions(lower, cli):
    r = cli(lower, "results", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [row["description"] for row in rows] == [
        "baseline", "tab\there", "new\nline", 'say "hi" | x', "back\\slash"]
    assert [row["value"] for row in rows] == ["1.0", "0.9", "", "0.95", "0.8"]
    assert rows[2]["status"] == "crash" and rows[2]["error"] == "exit_1"


def test_tsv_parses_back_with_unescape(lower, cli):
    r = cli(lower, "results", "--format", "tsv")
    lines = r.out.splitlines()
    assert lines[0].split("\t") == ["experiment", "commit", "value", "delta", "status",
                                    "description", "error", "duration_s", "memory_gb",
                                    "p_value", "interval_low", "interval_high", "pairs"]
    fields = [line.split("\t") for line in lines[1:]]
    assert all(len(f) == 13 and f[9:] == ["", "", "", ""] for f in fields)  # no paired test
    assert [logs.unescape_field(f[5]) for f in fields][1:3] == ["tab\there", "new\nline"]


def test_json_fields(lower, cli):
    data = cli(lower, "results", "--format", "json", "--last", "3").json()
    assert data["best"] == {"value": 0.8, "commit": C[4], "description": "back\\slash",
                            "experiment": 4}
    assert data["baseline"] == {"value": 1.0, "commit": C[0]}
    assert (data["experiments"], data["keep"], data["discard"], data["crash"]) == (4, 2, 1, 1)
    assert data["improvement_pct"] == 20.0 and data["change_pct"] == -20.0
    assert [e["experiment"] for e in data["shown"]] == [2, 3, 4]
    assert data["shown"][0]["value"] is None and data["shown"][0]["error"] == "exit_1"
    assert data["shown"][1]["delta"] == 0.05
    assert cli(lower, "results", "--json").json() == cli(lower, "results", "--format", "json").json()


def test_higher_is_better_best_is_the_maximum_and_crashes_are_not_zero(tmp_path, cli):
    write_session(tmp_path, [10.0, 12.0, None, 11.0, 15.0, None],
                  direction="higher_is_better", metric="ops_per_s")
    data = cli(tmp_path, "results", "--json").json()
    assert data["best"]["value"] == 15.0 and data["direction"] == "higher_is_better"
    assert data["improvement_pct"] == 50.0
    r = cli(tmp_path, "results")
    assert "baseline 10 -> best 15 (+50.00%)" in r.out
    assert "trend of the best: ▁▄▄▄██  (10 -> 15, 6 runs)" in r.out


def test_lower_direction_from_config_fallback_when_no_jsonl(tmp_path, cli):
    write_session(tmp_path, [5.0, 7.0, 4.0], jsonl=False)
    data = cli(tmp_path, "results", "--json").json()
    assert data["direction"] == "lower_is_better" and data["best"]["value"] == 4.0


def test_session_json_direction_wins(tmp_path, cli):
    write_session(tmp_path, [5.0, 7.0, 4.0], statuses=["keep", "keep", "discard"], jsonl=False)
    write_session_file(tmp_path, direction="higher_is_better")
    assert cli(tmp_path, "results", "--json").json()["best"]["value"] == 7.0


def test_last_limits_the_rows_and_says_how_many_it_left_out(lower, cli):
    data = cli(lower, "results", "--last", "1", "--json").json()
    assert len(data["shown"]) == 1 and data["not_shown"] == 4
    r = cli(lower, "results", "--last", "4")
    assert r.out.splitlines()[-2:] == [
        f"  4  {C[4]}    0.8   -0.1  keep     back\\\\slash",
        "(1 earlier row not shown; --last 5 shows every row)"]
    r = cli(lower, "results", "--last", "0")
    assert r.code == 0 and "description" not in r.out
    assert r.out.splitlines()[-1] == "(5 rows not shown; --last 5 shows every row)"
    assert "not shown" not in cli(lower, "results", "--last", "5").out
    assert cli(lower, "results", "--json").json()["not_shown"] == 0
    r = cli(lower, "results", "--last", "-1")
    assert r.code == 2 and r.err == "autoresearch results: error: --last must be 0 or more, got -1\n"


def test_torn_last_lines_are_skipped(lower, cli):
    with open(lower / "results.tsv", "a") as fh:
        fh.write("abc1234\tval_bpb\t0.1")
    with open(paths.jsonl_path(lower), "a") as fh:
        fh.write('{"tool": "autoresearch", "action": "experiment_do')
    data = cli(lower, "results", "--json").json()
    assert data["experiments"] == 4 and data["best"]["value"] == 0.8


def test_no_logs_says_run_setup(make_repo, cli):
    repo = make_repo()
    r = cli(repo, "results")
    assert r.code == 1
    assert r.err == (f"autoresearch results: error: no results yet in {repo}: neither "
                     "results.tsv nor .claude/logs/autoresearch.jsonl exists; run "
                     "'autoresearch setup' first to measure the baseline\n")


def test_header_only_says_run_setup(tmp_path, cli):
    logs.ensure_tsv(tmp_path)
    r = cli(tmp_path, "results")
    assert r.code == 1 and "has no baseline row; run 'autoresearch setup'" in r.err


def test_subfolder_finds_the_logs(lower, cli):
    (lower / "src").mkdir()
    assert cli(lower / "src", "results", "--json").json()["experiments"] == 4


def test_tag_selects_one_session_from_the_jsonl(tmp_path, cli):
    write_session(tmp_path, [1.0, 0.5, 0.7], tag="mar17")
    write_session(tmp_path, [2.0, 3.0, 1.0, None], tag="mar18")
    default = cli(tmp_path, "results", "--json").json()
    assert default["tag"] == "mar18" and default["best"]["value"] == 1.0
    assert default["sessions"] == 2 and default["experiments"] == 3
    old = cli(tmp_path, "results", "--tag", "mar17", "--json").json()
    assert old["tag"] == "mar17" and old["best"]["value"] == 0.5 and old["experiments"] == 2
    assert old["crash_reasons"] == {}
    r = cli(tmp_path, "results", "--tag", "nope")
    assert r.code == 1 and "no experiments with tag 'nope'" in r.err
    assert "session tags found: mar17, mar18" in r.err


def test_a_tag_outside_ascii_is_found(tmp_path, cli):
    write_session(tmp_path, [1.0, 0.5], tag="caf\u00e9")  # written as raw UTF-8
    write_session(tmp_path, [2.0, 3.0], tag="mar18")
    got = cli(tmp_path, "results", "--tag", "caf\u00e9", "--json")
    assert got.code == 0, got
    assert got.json()["tag"] == "caf\u00e9" and got.json()["best"]["value"] == 0.5
    assert cli(tmp_path, "compare", "caf\u00e9", "mar18").code == 0


def test_jsonl_alone_is_enough(tmp_path, cli):
    write_session(tmp_path, [3.0, 2.0, None], tsv=False)
    data = cli(tmp_path, "results", "--json").json()
    assert data["experiments"] == 2 and data["best"]["value"] == 2.0 and data["crash"] == 1


@pytest.mark.parametrize("value, sign, expected", [
    (None, False, "-"), (1.0, False, "1"), (0.99321234, False, "0.993212"),
    (12345678.0, False, "12345678.0"), (-0.0047, True, "-0.0047"), (0.05, True, "+0.05"),
    (1e-7, False, "1e-07"),
])
def test_num(value, sign, expected):
    assert num(value, sign=sign) == expected


@pytest.mark.parametrize("values, expected", [
    ([], ""), ([1, 1, 1], "▄▄▄"), ([0, 7], "▁█"), ([3, 2, 1, 0], "█▆▃▁"),
])
def test_sparkline(values, expected):
    assert sparkline(values) == expected


def test_large_log_summary_is_exact(tmp_path, cli):
    values = [100.0 - (i % 50) * 0.5 if i % 7 else None for i in range(1, 3001)]
    rows = write_session(tmp_path, [100.0] + values, bulk=True)
    data = cli(tmp_path, "results", "--json", "--last", "5").json()
    assert data["experiments"] == 3000
    assert data["crash"] == sum(r["status"] == "crash" for r in rows)
    assert data["keep"] == sum(r["status"] == "keep" for r in rows) - 1
    assert data["best"]["value"] == min(r["value"] for r in rows if r["status"] == "keep")
    assert [e["experiment"] for e in data["shown"]] == [2996, 2997, 2998, 2999, 3000]
    assert json.dumps(data)  # strict JSON
