"""`autoresearch run`: keep, discard, tie, simpler, and what the agent reads."""

from __future__ import annotations

import json
import subprocess

from conftest import git
from engine_project import EXP, done_events, edit, project, tsv_rows


def test_keep_commits_and_moves_the_champion(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "lower the value")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "experiment 1: KEEP (improved) · score 4 (-1 vs best 5)"
    assert lines[1].startswith("best: score 4 at ")
    assert len(lines) <= 6
    assert git(repo, "log", "-1", "--format=%s") == "experiment: lower the value"
    assert git(repo, "status", "--porcelain") == ""
    row = tsv_rows(repo)[-1]
    assert row[0] == git(repo, "rev-parse", "--short=7", "HEAD")
    assert row[1:] == ["score", "4.000000", "keep", "lower the value"]
    details = done_events(repo)[-1]["details"]
    assert details["prev"] == 5.0 and details["delta"] == -1.0 and details["status"] == "keep"
    assert details["tag"] == "t1" and details["duration_s"] >= 0


def test_discard_resets_and_keeps_the_rejected_commit_reachable(session_repo, cli):
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, 6.0)
    result = cli(repo, "run", "-d", "raise it", "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["status"] == "discard" and data["value"] == 6.0 and data["best"] == 5.0
    assert data["delta"] == 1.0 and data["error"] is None
    assert git(repo, "rev-parse", "HEAD") == champion
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)
    rejected = git(repo, "rev-parse", "autoresearch/t1/rejected/1")
    assert rejected.startswith(data["commit"])
    assert "VALUE = 6.0" in git(repo, "show", f"{rejected}:exp.py")
    assert tsv_rows(repo)[-1][1:4] == ["score", "6.000000", "discard"]


def test_tie_is_discarded(session_repo, cli):
    repo = session_repo()
    edit(repo, text=EXP.format(v=5.0) + "# a comment\n")
    result = cli(repo, "run", "-d", "same value, more lines")
    assert result.code == 0, result
    assert result.out.startswith("experiment 1: DISCARD")
    assert tsv_rows(repo)[-1][3] == "discard"


def test_equal_metric_with_fewer_lines_is_kept_as_simpler(session_repo, cli):
    repo = session_repo()
    edit(repo, text="VALUE = 5.0\nprint('score:', VALUE)\n")  # drops the comment line
    result = cli(repo, "run", "-d", "remove a comment")
    assert result.code == 0, result
    assert result.out.startswith("experiment 1: KEEP (simpler)")
    assert done_events(repo)[-1]["details"]["reason"] == "simpler"


def test_min_delta_requires_a_real_improvement(session_repo, cli):
    repo = session_repo(extra="- min_delta: 0.5")
    edit(repo, 4.7)
    assert cli(repo, "run", "-d", "tiny gain").out.startswith("experiment 1: DISCARD")
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "real gain").out.startswith("experiment 2: KEEP")


def test_higher_is_better(make_repo, cli):
    from engine_project import project

    repo = make_repo(project(extra="- metric_direction: maximize"))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "lower").out.startswith("experiment 1: DISCARD")
    edit(repo, 7.0)
    assert cli(repo, "run", "-d", "higher").out.startswith("experiment 2: KEEP")


def test_nothing_changed_is_an_error_not_an_experiment(session_repo, cli):
    repo = session_repo()
    result = cli(repo, "run", "-d", "nothing")
    assert result.code == 1
    assert "nothing to run: no change to the editable files (exp.py)" in result.err
    assert len(tsv_rows(repo)) == 1
    again = cli(repo, "run", "-d", "re-measure", "--allow-empty")
    assert again.code == 0 and again.out.startswith("experiment 1: DISCARD")


def test_hostile_descriptions_are_stored_faithfully_and_never_run(session_repo, cli):
    repo = session_repo()
    hostile = "tab\there\nnew line 'q' \"dq\" $(touch pwned1) `touch pwned2` \\ end"
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", hostile)
    assert result.code == 0, result
    assert not (repo / "pwned1").exists() and not (repo / "pwned2").exists()
    lines = (repo / "results.tsv").read_text().splitlines()
    assert len(lines) == 3  # header, baseline, one row
    assert lines[-1].split("\t")[4] == "tab\\there\\nnew line 'q' \"dq\" $(touch pwned1) " \
                                      "`touch pwned2` \\\\ end"
    assert done_events(repo)[-1]["details"]["description"] == hostile.strip()
    assert git(repo, "log", "-1", "--format=%B").startswith("experiment: tab\there")


def test_agent_commits_are_folded_into_the_experiment(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    git(repo, "commit", "-qam", "agent committed by itself")
    result = cli(repo, "run", "-d", "committed edit")
    assert result.code == 0, result
    assert "folded into this experiment" in result.out
    assert git(repo, "log", "-1", "--format=%s") == "experiment: committed edit"
    assert git(repo, "log", "--format=%s", "-3").splitlines()[1] == "initial"


def test_experiment_output_files_are_not_the_agents_edit(session_repo, cli):
    # the experiment writes out/ and a cache file: never committed, never a violation
    code = ("import os\nos.makedirs('out', exist_ok=True)\nopen('out/model.bin','w').write('x')\n"
            "open('cache.txt','w').write(str(VALUE))\n")
    repo = session_repo(files={"exp.py": EXP.format(v=5.0) + code})
    edit(repo, text=EXP.format(v=4.0) + code)
    result = cli(repo, "run", "-d", "with outputs")
    assert result.code == 0, result
    assert "KEEP" in result.out
    assert git(repo, "show", "--stat", "--format=", "HEAD").split()[0] == "exp.py"
    edit(repo, text=EXP.format(v=3.0) + code)
    assert "KEEP" in cli(repo, "run", "-d", "again").out


def test_status_and_stop(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    cli(repo, "run", "-d", "first idea")
    status = cli(repo, "status", "--json").json()
    assert status["tag"] == "t1" and status["branch"] == "autoresearch/t1"
    assert status["best"] == 4.0 and status["experiments"] == 1
    assert (status["keep"], status["discard"], status["crash"]) == (1, 0, 0)
    assert status["stop_requested"] is False
    brief = cli(repo, "status", "--brief")
    assert "best: 4 at" in brief.out and "#1 keep" in brief.out and "first idea" in brief.out
    stop = cli(repo, "stop")
    assert stop.code == 0 and "stop requested" in stop.out
    assert "stop requested: YES" in cli(repo, "status").out
    edit(repo, 3.0)
    last = cli(repo, "run", "-d", "after stop")
    assert "STOP REQUESTED" in last.out
    assert any(r["action"] == "session_end" for r in
               map(json.loads, (repo / ".claude/logs/autoresearch.jsonl").read_text().splitlines()))


def test_status_outside_a_session_never_fails(tmp_path, make_repo, cli):
    repo = make_repo({"a.txt": "x"})
    assert cli(repo, "status", "--brief").out.startswith("no autoresearch session")
    assert cli(repo, "status", "--json").json() == {"active": False}
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    result = cli(outside, "status", "--brief")
    assert result.code == 0 and "not a git repository" in result.out


def test_spec_jq_queries_work_on_our_log(session_repo, cli):
    import jq

    repo = session_repo()
    for v in (4.0, 6.0):
        edit(repo, v)
        cli(repo, "run", "-d", f"try {v}")
    log = repo / ".claude" / "logs" / "autoresearch.jsonl"
    out = subprocess.run(f"grep experiment_done {log} | tail -10 | jq .", shell=True,
                         capture_output=True, text=True, check=True).stdout
    assert out.count('"action": "experiment_done"') == 3
    keeps = subprocess.run(["jq", "-c", 'select(.details.status == "keep")', str(log)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(keeps) == 2
    program = '[.local_time[:19], .details.status, .details.value] | @tsv'
    tsv = subprocess.run(["jq", "-r", program, str(log)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    binding = [jq.compile(program).input_value(json.loads(line)).first()
               for line in log.read_text().splitlines()]

    def norm(line):  # jq prints 5 where Python's binding prints 5.0
        parts = line.split("\t")
        return parts[:2] + [float(parts[2]) if parts[2] else None]

    assert [norm(x) for x in tsv] == [norm(x) for x in binding]
    assert [line.split("\t")[1] for line in tsv if line.split("\t")[1]] == \
        ["keep", "keep", "discard"]


def test_deltas_are_rounded_to_the_values_decimals(session_repo, cli):
    # 123456.7891 - 123456.789 is 9.99999901978299e-05 in floats: every delta says 0.0001
    repo = session_repo(value=123456.789)
    edit(repo, 123456.7891)
    run = cli(repo, "run", "-d", "a hair worse", "--json")
    assert run.code == 0, run
    assert run.json()["delta"] == 0.0001
    assert cli(repo, "status", "--json").json()["recent"][-1]["delta"] == 0.0001
    assert cli(repo, "results", "--json").json()["shown"][-1]["delta"] == 0.0001
    assert done_events(repo)[-1]["details"]["delta"] == 0.0001
    assert '"delta": 0.0001,' in (repo / ".claude/logs/autoresearch.jsonl").read_text()


def test_run_before_setup_leaves_nothing(make_repo, cli):
    repo = make_repo(project())
    result = cli(repo, "run", "-d", "too early")
    assert result.code == 1
    assert result.err == ("autoresearch run: error: no autoresearch session with a baseline in "
                          "this repository; run 'autoresearch setup' first\n")
    assert not (repo / ".autoresearch").exists()
    assert git(repo, "status", "--porcelain", "--ignored") == ""
