"""The held-out check end to end: a change that games the visible metric (it memorises
the test split) is discarded, an honest one is kept and its held-out value stored; the
check's output never reaches run.log or what run prints."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest

from conftest import CLI, git
from engine_project import done_events, jsonl, project, tsv_rows

# y = 3x. The visible split is x = 1..5, the held-out one x = 6..10; the error is the mean
# absolute error (lower is better). exp.py is the model the agent edits.
MODEL = "A = {a}\nMEMO = {memo}\n{extra}\ndef predict(x):\n{body}    return MEMO.get(x, A * x)\n"
EVAL = ("import random, sys\nfrom exp import predict\nsplit = sys.argv[1]\n"
        "xs = range(1, 6) if split == 'test' else range(6, 11)\n"
        "err = sum(abs(predict(x) - 3 * x) for x in xs) / len(xs)\n"
        "noise = {noise} if split == 'test' else 0\n"
        "print('evaluated', split, 'on', list(xs))\n"
        "print(('score' if split == 'test' else 'heldout_error') + ':', err + random.gauss(0, noise))\n")
CONFIG = ("- run_command: python3 eval.py test\n- holdout_command: python3 eval.py heldout\n"
          "- holdout_metric: heldout_error\n- readonly_files: eval.py\n")
MEMORISED = {x: 3 * x for x in range(1, 6)}


def model(a, memo=None, body="", extra=""):
    return MODEL.format(a=a, memo=memo or {}, body=body, extra=extra)


def holdout_repo(make_repo, cli, extra="", noise=0):
    files = project(CONFIG + extra, files={"exp.py": model(2.0), "eval.py": EVAL.format(noise=noise)})
    repo = make_repo(files)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    return repo, result


def state(repo):
    return json.loads((repo / ".autoresearch" / "session.json").read_text())


def run(repo, cli, text, description):
    (repo / "exp.py").write_text(text)
    result = cli(repo, "run", "-d", description)
    assert result.code == 0, result
    return result


def test_a_gamed_metric_is_discarded_and_an_honest_gain_kept(make_repo, cli):
    repo, setup = holdout_repo(make_repo, cli)
    assert "holdout_command: python3 eval.py heldout  (CLAUDE.md:" in setup.out
    assert "held-out check: heldout_error = 8 at the baseline" in setup.out
    s = state(repo)
    assert s["baseline"]["holdout"] == s["champion"]["holdout"] == 8.0
    assert done_events(repo)[0]["details"]["holdout"] == 8.0

    honest = run(repo, cli, model(2.5), "a better slope")  # test 3 -> 1.5, held-out 8 -> 4
    assert honest.out.startswith("experiment 1: KEEP (improved)"), honest
    assert "held-out" not in honest.out and "heldout" not in honest.out  # never shown
    kept = git(repo, "rev-parse", "HEAD")
    assert state(repo)["champion"]["holdout"] == 4.0
    details = done_events(repo)[-1]["details"]
    assert (details["holdout"], details["holdout_prev"]) == (4.0, 8.0)

    gamed = run(repo, cli, model(1.0, MEMORISED), "memorise the test split")  # 0, but 16
    assert gamed.out.startswith("experiment 2: DISCARD (held-out check regressed) · score 0 "), gamed
    assert "held-out heldout_error 16 vs 4 for the best" in gamed.out
    assert "evaluated heldout" not in gamed.out  # the check's output stays unseen
    assert git(repo, "rev-parse", "HEAD") == kept
    assert (repo / "exp.py").read_text() == model(2.5)
    details = done_events(repo)[-1]["details"]
    assert details["status"] == "discard" and details["reason"] == "held-out check regressed"
    assert (details["value"], details["holdout"], details["holdout_prev"]) == (0.0, 16.0, 4.0)
    assert tsv_rows(repo)[-1][2:4] == ["0.000000", "discard"]
    s = state(repo)
    assert s["champion"]["commit"] == kept and s["champion"]["holdout"] == 4.0
    assert "evaluated heldout" not in (repo / "run.log").read_text()
    assert "evaluated heldout" in (repo / ".autoresearch" / "holdout.log").read_text()
    out = json.loads(cli(repo, "results", "--json").out)
    assert out["best"]["value"] == 1.5 and out["best"]["experiment"] == 1


def test_run_json_shows_the_held_out_values_only_on_a_regression(make_repo, cli):
    repo, _ = holdout_repo(make_repo, cli)
    (repo / "exp.py").write_text(model(2.5))
    kept = json.loads(cli(repo, "run", "-d", "better", "--json").out)
    assert kept["status"] == "keep" and kept["holdout"] is None and kept["holdout_prev"] is None
    (repo / "exp.py").write_text(model(1.0, MEMORISED))
    gamed = json.loads(cli(repo, "run", "-d", "gamed", "--json").out)
    assert gamed["reason"] == "held-out check regressed"
    assert (gamed["holdout"], gamed["holdout_prev"]) == (16.0, 4.0)


@pytest.mark.parametrize("tolerance, shown, outcome", [
    ("25%", "2", "KEEP (improved)"), ("0.5", "0.5", "DISCARD (held-out check regressed)")])
def test_holdout_tolerance_forgives_a_small_regression(make_repo, cli, tolerance, shown,
                                                       outcome):
    repo, setup = holdout_repo(make_repo, cli, extra=f"- holdout_tolerance: {tolerance}\n")
    assert f"(a keep may be worse by {shown})" in setup.out
    assert state(repo)["holdout_tolerance"] == float(shown)
    # the test split memorised (score 0) and a slope a little off: held-out 8 -> 8.8
    result = run(repo, cli, model(1.9, MEMORISED), "a little memorised")
    assert outcome in result.out, result
    assert done_events(repo)[-1]["details"]["holdout"] == pytest.approx(8.8)


def test_a_failing_holdout_is_a_crash_that_shows_nothing_of_its_output(make_repo, cli):
    repo, _ = holdout_repo(make_repo, cli)
    champion = git(repo, "rev-parse", "HEAD")
    body = "    if x > 5:\n        raise ValueError('SECRET held-out x=%d' % x)\n"
    result = run(repo, cli, model(2.5, body=body), "fails on unseen data")
    assert result.out.startswith("experiment 1: CRASH (holdout_failed) · holdout_command failed "
                                 "(exit_1): python3 eval.py heldout; its output is in "
                                 ".autoresearch/holdout.log, not shown"), result
    assert "SECRET" not in result.out and "last lines" not in result.out
    assert "SECRET held-out x=6" in (repo / ".autoresearch" / "holdout.log").read_text()
    assert git(repo, "rev-parse", "HEAD") == champion
    details = done_events(repo)[-1]["details"]
    assert details["error"] == "holdout_failed" and "SECRET" not in json.dumps(details)
    assert tsv_rows(repo)[-1][3] == "crash"


def test_a_holdout_that_prints_no_metric_is_a_crash(make_repo, cli):
    repo, _ = holdout_repo(make_repo, cli)
    body = "    if x > 5:\n        print('SECRET', flush=True)\n        import os; os._exit(0)\n"
    result = run(repo, cli, model(2.5, body=body), "stops early on unseen data")
    assert "CRASH (holdout_failed) · holdout_command gave no usable heldout_error " \
           "(metric_missing)" in result.out, result
    assert "SECRET" not in result.out


def test_a_holdout_failing_at_the_baseline_is_a_setup_error(make_repo, cli):
    files = project(CONFIG.replace("heldout\n", "heldout --bad\n"),
                    files={"exp.py": model(2.0), "eval.py": EVAL.format(noise=0)
                           .replace("split = sys.argv[1]", "split = sys.argv[1]\n"
                                    "assert len(sys.argv) == 2, 'SECRET usage'")})
    repo = make_repo(files)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1, result
    assert ("the held-out check failed on the baseline: holdout_command failed (exit_1): "
            "python3 eval.py heldout --bad") in result.err
    assert "SECRET" not in result.err and "setup --set holdout_command=" in result.err
    assert tsv_rows(repo) == []
    again = cli(repo, "setup", "--set", "holdout_command=")
    assert again.code == 0, again
    assert "held-out" not in again.out and state(repo)["champion"]["holdout"] is None


def test_the_held_out_check_gates_a_paired_keep(make_repo, cli):
    repo, setup = holdout_repo(make_repo, cli, noise=0.05)
    assert "noise of score over 10 runs" in setup.out
    champion = git(repo, "rev-parse", "HEAD")
    result = run(repo, cli, model(1.0, MEMORISED), "memorise, noisily")
    assert "DISCARD (held-out check regressed)" in result.out, result
    assert git(repo, "rev-parse", "HEAD") == champion
    details = done_events(repo)[-1]["details"]
    assert details["champion_samples"] and (details["holdout"], details["holdout_prev"]) == (16.0, 8.0)
    assert state(repo)["champion"]["samples"] == details["champion_samples"]
    run(repo, cli, model(2.5), "honest, noisily")
    assert state(repo)["champion"]["holdout"] == 4.0


def test_a_session_saved_before_the_held_out_check_still_runs(make_repo, cli):
    repo, _ = holdout_repo(make_repo, cli)
    path = repo / ".autoresearch" / "session.json"
    s = state(repo)
    for point in (s["champion"], s["baseline"]):
        del point["holdout"]
    del s["holdout_tolerance"]
    path.write_text(json.dumps(s))
    result = run(repo, cli, model(2.5), "better")
    assert "KEEP (improved)" in result.out, result
    assert state(repo)["champion"]["holdout"] == 4.0 and state(repo)["holdout_tolerance"] == 0


def _wait_for(path, text, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"{text!r} never appeared in {path}")


SLOW_HOLDOUT = ("    if x > 5:\n        print('holding', flush=True)\n"
                "        import time; time.sleep(300)\n")


def _held_in_the_check(make_repo, cli):
    """(repo, the champion's commit, a `run` waiting inside its held-out check)."""
    repo, _ = holdout_repo(make_repo, cli)
    champion = git(repo, "rev-parse", "HEAD")
    (repo / "exp.py").write_text(model(2.5, body=SLOW_HOLDOUT))
    proc = subprocess.Popen([*CLI, "run", "-d", "slow on unseen data"], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(repo / ".autoresearch" / "holdout.log", "holding", proc)
    return repo, champion, proc


def test_ctrl_c_during_the_held_out_check_is_an_interrupted_crash(make_repo, cli):
    repo, champion, proc = _held_in_the_check(make_repo, cli)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out, err)
    assert git(repo, "rev-parse", "HEAD") == champion
    details = done_events(repo)[-1]["details"]
    assert details["error"] == "interrupted" and details["value"] is None
    assert state(repo)["champion"]["commit"] == champion and state(repo)["pending"] is None


def test_a_kill_during_the_held_out_check_keeps_the_old_champion(make_repo, cli):
    repo, champion, proc = _held_in_the_check(make_repo, cli)
    assert state(repo)["champion"]["commit"] == champion  # not the best before it passes
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    (repo / "exp.py").write_text(model(2.5))
    result = cli(repo, "run", "-d", "again, fast")
    assert "recovered: experiment 1 was interrupted" in result.out, result
    assert "experiment 2: KEEP (improved)" in result.out
    assert [e["details"]["status"] for e in done_events(repo)] == ["keep", "crash", "keep"]
    assert [e["action"] for e in jsonl(repo)].count("experiment_done") == 3


def test_a_holdout_past_the_time_budget_is_a_crash(make_repo, cli):
    repo, _ = holdout_repo(make_repo, cli, extra="- time_budget: 3\n")
    started = time.monotonic()
    result = run(repo, cli, model(2.5, body=SLOW_HOLDOUT), "slow on unseen data")
    assert "CRASH (holdout_failed) · holdout_command failed (timeout)" in result.out, result
    assert time.monotonic() - started < 60  # the budget and its grace, not 300 s
    assert state(repo)["champion"]["holdout"] == 8.0
