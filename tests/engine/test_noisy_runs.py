"""A noisy metric end to end: calibration at setup, paired runs beside the champion's
worktree, the samples of both sides in the JSONL, and a deterministic metric that costs
no extra runs."""

from __future__ import annotations

import json

from engine_project import done_events, edit, project

# exp.py prints VALUE plus noise; each run appends a line to runs.txt (untracked, so the
# champion's worktree sees the same file through its link) saying which tree ran
NOISY = ("import os, random\nVALUE = {v}\n"
         "open(os.path.join(os.path.dirname(os.path.realpath('runs.txt')), 'runs.txt'), 'a')"
         ".write(os.getcwd() + '\\n')\n"
         "print('score:', VALUE + random.gauss(0, 0.05))\n")


def noisy_repo(make_repo, extra=""):
    files = project(extra)
    files["exp.py"] = NOISY.format(v=5.0)
    files[".gitignore"] = "runs.txt\n"
    return make_repo(files)


def runs(repo):
    path = repo / "runs.txt"
    return path.read_text().splitlines() if path.exists() else []


def test_setup_calibrates_a_noisy_metric(make_repo, cli):
    repo = noisy_repo(make_repo)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result.err
    assert "noise of score over 10 runs: median" in result.out
    assert "(σ)" in result.out and "cv" in result.out
    assert "smallest gain found 4 times in 5 after 8 pairs" in result.out
    assert len(runs(repo)) == 10
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    assert state["decision"]["noise"] > 0 and state["decision"]["noise_df"] == 9


def test_a_real_gain_is_kept_by_paired_runs_and_a_clearly_worse_one_costs_one_run(
        make_repo, cli):
    repo = noisy_repo(make_repo)
    assert cli(repo, "setup", "--tag", "t1").code == 0
    before = len(runs(repo))
    edit(repo, text=NOISY.format(v=4.0))  # 20 sigma better
    result = cli(repo, "run", "-d", "much better", "--json")
    out = json.loads(result.out)
    assert out["status"] == "keep", result.out
    assert out["champion_samples"] and len(out["samples"]) == len(out["champion_samples"])
    ran = runs(repo)[before:]
    champion_runs = [line for line in ran if line.endswith(".autoresearch/champion")]
    assert len(champion_runs) == len(out["champion_samples"])
    assert all(abs(v - 5.0) < 0.5 for v in out["champion_samples"])  # the old code ran there
    assert all(abs(v - 4.0) < 0.5 for v in out["samples"])
    event = done_events(repo)[-1]["details"]
    assert event["champion_samples"] == out["champion_samples"]
    low, high = event["interval"]
    assert high < 0 and event["p_value"] < 0.05

    before = len(runs(repo))
    edit(repo, text=NOISY.format(v=9.0))
    result = cli(repo, "run", "-d", "much worse")
    assert "DISCARD (clearly worse)" in result.out and "1 run, outside the noise band" in result.out
    assert len(runs(repo)) == before + 1


def test_a_deterministic_metric_costs_no_extra_runs(session_repo, cli):
    repo = session_repo()
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    assert state["decision"]["noise"] == 0
    edit(repo, 4.0)
    out = json.loads(cli(repo, "run", "-d", "better", "--json").out)
    assert out["status"] == "keep" and out["champion_samples"] == []
    assert not (repo / ".autoresearch" / "champion").exists()


def test_setup_calibrate_forces_the_runs(make_repo, cli):
    repo = make_repo(project())
    result = cli(repo, "setup", "--tag", "t1", "--calibrate", "4")
    assert result.code == 0, result.err
    assert "4 runs" in result.out and "the metric is deterministic" in result.out
    bad = cli(make_repo(project()), "setup", "--calibrate", "2")
    assert bad.code == 2 and "3 to 1000" in bad.err


def test_repeats_beyond_max_repeats_is_refused_with_a_working_value(make_repo, cli):
    repo = make_repo(project("- repeats: 5\n- max_repeats: 3\n"))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 2
    assert "repeats (5) is more than max_repeats (3)" in result.err
    assert "example: - max_repeats: 5" in result.err
    assert not (repo / ".autoresearch").exists()



# the same, but each run's noise is seeded by how many runs came before: repeatable
SEEDED = NOISY.replace("print(", "random.seed(len(open(os.path.join(os.path.dirname("
                       "os.path.realpath('runs.txt')), 'runs.txt')).readlines()))\nprint(")


def test_the_session_learns_its_noise_from_the_pairs(make_repo, cli):
    files = project("- repeats: 2\n")
    files["exp.py"], files[".gitignore"] = SEEDED.format(v=5.0), "runs.txt\n"
    repo = make_repo(files)
    assert cli(repo, "setup", "--tag", "t1").code == 0
    session = repo / ".autoresearch" / "session.json"
    calibrated = json.loads(session.read_text())["decision"]
    edit(repo, text=SEEDED.format(v=5.0) + "# a comment: the same code\n")
    out = json.loads(cli(repo, "run", "-d", "no-op", "--json").out)
    assert out["status"] == "discard"
    pairs = len(out["champion_samples"])
    assert pairs >= 2
    learnt = json.loads(session.read_text())["decision"]
    assert learnt["noise_df"] == calibrated["noise_df"] + pairs - 1
    assert learnt["noise"] != calibrated["noise"]
