"""`autoresearch demo`: an example, setup and the optuna agent's experiments, end to end,
with the results, the report and the logs where it says."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import git


def _baseline_and_best(out: str) -> tuple[float, float]:
    found = re.search(r"baseline (\S+) -> best (\S+)", out)
    assert found, out
    return float(found.group(1)), float(found.group(2))


def test_demo_runs_the_loop_and_says_where_everything_is(tmp_path, cli):
    folder = tmp_path / "demo"
    result = cli(tmp_path, "demo", "demo", timeout=300)
    assert result.code == 0, result
    assert "loop stopped: --max-experiments 15 reached" in result.out
    baseline, best = _baseline_and_best(result.out)
    assert best < baseline * 0.8  # the optuna agent improved the example's metric
    report = folder / ".autoresearch" / "report.html"
    assert f"report:  {report}" in result.out
    assert report.read_text().startswith("<!DOCTYPE html>")
    assert git(folder, "status", "--porcelain") == ""  # the demo leaves no stray file
    assert "autoresearch setup" not in result.out  # new's next steps: the demo does them
    events = [json.loads(line) for line in
              (folder / ".claude/logs/autoresearch.jsonl").read_text().splitlines()]
    done = [e["details"] for e in events if e["action"] == "experiment_done"]
    assert [d["experiment"] for d in done] == list(range(16))  # the baseline and 15, once each
    keeps = sum(d["status"] == "keep" for d in done[1:])
    # the branch holds the example's commit and the kept experiments only
    assert int(git(folder, "rev-list", "--count", "HEAD")) == 1 + keeps
    rows = (folder / "results.tsv").read_text().splitlines()
    assert len(rows) == 1 + 16


def test_demo_is_the_same_on_every_run(tmp_path, cli):
    first = cli(tmp_path, "demo", "a", "-n", "4", timeout=300)
    second = cli(tmp_path, "demo", "b", "-n", "4", timeout=300)
    assert first.code == second.code == 0, (first, second)
    assert _baseline_and_best(first.out) == _baseline_and_best(second.out)


def test_demo_without_a_folder_uses_a_new_temporary_one(tmp_path, cli):
    result = cli(tmp_path, "demo", "-e", "compress", "-n", "2", timeout=300)
    assert result.code == 0, result
    report = Path(re.search(r"report:  (\S+)", result.out).group(1))
    try:
        made = report.parents[1]
        assert made.name.startswith("autoresearch-demo-") and report.exists()
        assert not any(tmp_path.iterdir())  # nothing written where it was called
    finally:
        shutil.rmtree(report.parents[1])


def test_demo_refuses_a_folder_in_use_and_leaves_it_alone(tmp_path, cli):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me\n")
    result = cli(tmp_path, "demo", "mine")
    assert result.code == 1, result
    assert result.err.startswith("autoresearch demo: error: ") and "is not empty" in result.err
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me\n"


def test_demo_of_an_unknown_example_suggests_one_and_writes_nothing(tmp_path, cli):
    result = cli(tmp_path, "demo", "x", "-e", "compres")
    assert result.code != 0 and "compress" in result.err, result
    assert not (tmp_path / "x").exists()
