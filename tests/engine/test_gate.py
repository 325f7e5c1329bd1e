"""The correctness gates: guard_pattern on every run (an experiment's, the baseline's, each
of a paired experiment), verify_command failing on the baseline, and the log of a discard
worse than the baseline."""

from __future__ import annotations

import json

import pytest

from conftest import git
from engine_project import EXP, done_events, edit, jsonl, project, tsv_rows

GUARD = "- guard_pattern: correct: (false|no)\n"
# a harness that checks its own answer, says so, and still prints a score
CHECKED = "VALUE = {v}\nprint('correct:', {ok!r})\nprint('score:', VALUE)\n"


def test_a_run_whose_log_matches_guard_pattern_is_a_verify_failed_crash(session_repo, cli):
    repo = session_repo(extra=GUARD, files={"exp.py": CHECKED.format(v=5.0, ok="yes")})
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, text=CHECKED.format(v=1.0, ok="false"))  # a far better score, but wrong
    result = cli(repo, "run", "-d", "wrong but fast")
    assert result.code == 0, result
    assert result.out.startswith("experiment 1: CRASH (verify_failed)")
    assert "guard_pattern 'correct: (false|no)' matched line 1 of run.log: correct: false" \
        in result.out
    assert "--- last lines of run.log ---" in result.out
    assert git(repo, "rev-parse", "HEAD") == champion
    assert tsv_rows(repo)[-1][2:4] == ["0.000000", "crash"]
    details = done_events(repo)[-1]["details"]
    assert details["error"] == "verify_failed" and "correct: false" in details["error_detail"]
    edit(repo, text=CHECKED.format(v=4.0, ok="yes"))  # a right answer is kept
    assert "KEEP (improved)" in cli(repo, "run", "-d", "right").out


def test_guard_pattern_reads_lines_as_a_terminal_shows_them(session_repo, cli):
    repo = session_repo(extra="- guard_pattern: ^FAIL$\n")
    edit(repo, text="print('\\x1b[31mFAIL\\x1b[0m')\nprint('not FAIL here')\nprint('score: 1')\n")
    result = cli(repo, "run", "-d", "coloured failure")
    assert "CRASH (verify_failed)" in result.out and "matched line 1 of run.log: FAIL" in result.out


def test_a_baseline_that_matches_guard_pattern_is_a_setup_error(make_repo, cli):
    repo = make_repo(project(GUARD, files={"exp.py": CHECKED.format(v=5.0, ok="no")}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1, result
    assert "guard_pattern 'correct: (false|no)' matched line 1 of run.log: correct: no" in result.err
    assert "The correctness gate guard_pattern (from CLAUDE.md:" in result.err
    assert "setup --set guard_pattern=" in result.err
    assert tsv_rows(repo) == [] and not (repo / ".claude" / "logs" / "autoresearch.jsonl").exists()
    again = cli(repo, "setup", "--set", "guard_pattern=")  # the way out the message gives
    assert again.code == 0, again
    assert tsv_rows(repo)[0][2:4] == ["5.000000", "keep"]


def test_a_failing_verify_command_at_the_baseline_names_the_gate(make_repo, cli):
    check = "import sys\nprint('FAILED test_roundtrip: 3 != 4')\nsys.exit(1)\n"
    repo = make_repo(project("- verify_command: python3 check.py\n", files={"check.py": check}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1, result
    assert "the baseline run failed (verify_failed)" in result.err
    assert "The correctness gate verify_command (from CLAUDE.md:" in result.err
    assert "--- last lines of .autoresearch/verify.log ---" in result.err
    assert "FAILED test_roundtrip: 3 != 4" in result.err
    assert "setup --set verify_command=" in result.err
    assert tsv_rows(repo) == []
    assert not (repo / ".claude" / "logs" / "autoresearch.jsonl").exists()  # nothing logged
    again = cli(repo, "setup", "--set", "verify_command=")
    assert again.code == 0, again
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    assert state["config"]["values"]["verify_command"] is None
    assert "verify_command" not in again.out


def test_guard_pattern_checks_every_run_of_a_paired_experiment(make_repo, cli):
    # noisy; the candidate passes its first run and fails its second
    noisy = ("import random\nVALUE = {v}\n{extra}print('score:', VALUE + random.gauss(0, 0.05))\n")
    second_fails = ("import os\nn = os.path.exists('ran-once')\nopen('ran-once', 'w').close()\n"
                    "print('correct:', 'no' if n else 'yes')\n")
    files = project(GUARD + "- repeats: 2\n")
    files["exp.py"] = noisy.format(v=5.0, extra="")
    files[".gitignore"] = "ran-once\n"
    repo = make_repo(files)
    assert cli(repo, "setup", "--tag", "t1").code == 0
    edit(repo, text=noisy.format(v=4.0, extra=second_fails))
    result = cli(repo, "run", "-d", "right once, then wrong", "--json")
    out = json.loads(result.out)
    assert out["status"] == "crash" and out["error"] == "verify_failed", result.out
    assert "correct: no" in out["detail"]


@pytest.mark.parametrize("direction, scored", [("higher_is_better", 0), ("lower_is_better", 1e9)])
def test_a_discard_worse_than_the_baseline_shows_the_log(session_repo, cli, direction, scored):
    # a harness that catches every exception and scores it as the worst value
    harness = ("import traceback\ntry:\n    VALUE = 1 / 0  # a good idea with a typo\n"
               f"except Exception:\n    traceback.print_exc()\n    VALUE = {scored}\n"
               "print('score:', VALUE)\n")
    repo = session_repo(extra=f"- metric_direction: {direction}\n")
    edit(repo, text=harness)
    result = cli(repo, "run", "-d", "good idea, typo")
    assert result.out.startswith("experiment 1: DISCARD (not better)"), result
    assert "--- last lines of run.log (worse than the baseline: a bug?) ---" in result.out
    assert "ZeroDivisionError: division by zero" in result.out


def test_a_discard_no_worse_than_the_baseline_shows_no_log(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    assert "KEEP" in cli(repo, "run", "-d", "better").out
    edit(repo, text=EXP.format(v=4.5) + "print('some chatter')\n")  # worse than best only
    result = cli(repo, "run", "-d", "between the best and the baseline")
    assert "DISCARD (not better)" in result.out
    assert "last lines" not in result.out and "some chatter" not in result.out
    assert jsonl(repo)[-1]["details"]["status"] == "discard"
