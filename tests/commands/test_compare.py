"""`autoresearch compare TAG_A TAG_B`: two sessions of the JSONL side by side."""

from __future__ import annotations

import pytest

from autoresearch_helpers.commands.compare import duration_text, verdict
from logdata import write_session


@pytest.fixture
def two_sessions(tmp_path):
    write_session(tmp_path, [1.0, 0.98, None, 0.95, 0.99], tag="mar17",
                  durations=[300, 301, 12, 299, 305])
    write_session(tmp_path, [1.0, 0.97, 0.96, 0.965], tag="mar18",
                  durations=[300, 3000, 310, 290])
    return tmp_path


def test_side_by_side_table_and_verdict(cli, two_sessions):
    result = cli(two_sessions, "compare", "mar17", "mar18")
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "             mar17            mar18",
        "metric       val_bpb          val_bpb",
        "direction    lower is better  lower is better",
        "experiments  4                3",
        "keep rate    50.0% (2)        66.7% (2)",
        "discards     1                1",
        "crashes      1                0",
        "baseline     1                1",
        "best         0.95             0.96",
        "improvement  +5.00%           +4.00%",
        "time spent   20m 17s          1h 05m 00s",
        "mar17 did better: best val_bpb 0.95 vs 0.96 (lower is better)",
    ]


def test_json_output(cli, two_sessions):
    result = cli(two_sessions, "compare", "mar18", "mar17", "--json")
    assert result.code == 0, result
    data = result.json()
    assert data["better"] == "mar17"
    assert data["a"]["tag"] == "mar18" and data["b"]["tag"] == "mar17"
    assert {k: data["b"][k] for k in ("experiments", "keep", "discard", "crash", "baseline",
                                      "best", "duration_s", "crash_reasons")} == {
        "experiments": 4, "keep": 2, "discard": 1, "crash": 1, "baseline": 1.0, "best": 0.95,
        "duration_s": 1217.0, "crash_reasons": {"exit_1": 1}}
    assert data["a"]["keep_rate"] == pytest.approx(2 / 3)
    assert data["a"]["improvement_pct"] == pytest.approx(4.0)


def test_higher_is_better_picks_the_larger_best(cli, tmp_path):
    write_session(tmp_path, [80.0, 85.0], tag="a", direction="higher_is_better", metric="acc")
    write_session(tmp_path, [80.0, 90.0, 89.0], tag="b", direction="higher_is_better",
                  metric="acc")
    result = cli(tmp_path, "compare", "a", "b")
    assert result.code == 0, result
    assert result.out.splitlines()[-1] == "b did better: best acc 90 vs 85 (higher is better)"


def test_unknown_tag_lists_the_sessions(cli, two_sessions):
    result = cli(two_sessions, "compare", "mar17", "apr01")
    assert result.code == 1
    assert result.out == ""
    assert result.err == ("autoresearch compare: error: unknown tag 'apr01': the sessions in "
                          ".claude/logs/autoresearch.jsonl are: mar17, mar18\n")


def test_same_tag_twice_is_bad_usage(cli, two_sessions):
    result = cli(two_sessions, "compare", "mar17", "mar17")
    assert result.code == 2
    assert result.err == ("autoresearch compare: error: compare needs two different tags "
                          "(got 'mar17' twice)\n")


def test_no_jsonl_is_a_clear_error(cli, make_repo):
    repo = make_repo({"a.txt": "x\n"})
    result = cli(repo, "compare", "a", "b")
    assert result.code == 1
    assert result.err == (f"autoresearch compare: error: no session log in {repo}: "
                          ".claude/logs/autoresearch.jsonl does not exist; run 'autoresearch "
                          "setup' to start a session\n")


def _side(tag, best, metric="val_bpb", direction="lower_is_better"):
    return {"tag": tag, "best": best, "metric": metric, "direction": direction}


@pytest.mark.parametrize("a, b, expected", [
    (_side("x", 1.0), _side("y", 2.0), "x"),
    (_side("x", 1.0, direction="higher_is_better"), _side("y", 2.0, direction="higher_is_better"),
     "y"),
    (_side("x", 1.0), _side("y", 1.0), None),
    (_side("x", 1.0), _side("y", None), None),
    (_side("x", 1.0, metric="kb"), _side("y", 2.0), None),
])
def test_verdict(a, b, expected):
    assert verdict(a, b)[0] == expected


@pytest.mark.parametrize("seconds, expected", [
    (None, "—"), (42.04, "42.0 s"), (61, "1m 01s"), (3600, "1h 00m 00s"), (3725.4, "1h 02m 05s"),
])
def test_duration_text(seconds, expected):
    assert duration_text(seconds) == expected
