"""`autoresearch finalize`: the kept changes on a new branch, the user's tree untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autoresearch_helpers import paths
from autoresearch_helpers.store import logs
from autoresearch_helpers.reports.finalize_text import Kept, cell, experiment_message, headline
from conftest import git, write_session_file

TAG = "mar17"
BRANCH = f"autoresearch/{TAG}"


def engine_session(repo: Path, steps, direction="lower_is_better", tag=TAG) -> dict:
    """The state the engine leaves: branch autoresearch/<tag>, experiment commits on the
    champion line, rejected ones reset away, results.tsv, the JSONL and session.json.

    ``steps``: (value, description, status) per experiment; the file exp.py holds the value.
    """
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", f"autoresearch/{tag}")
    logs.log_event(repo, "session_start", {"tag": tag, "branch": f"autoresearch/{tag}",
                                           "metric": "score", "direction": direction,
                                           "base_commit": base}, tag=tag)
    champion, best = base, 5.0
    logs.append_tsv(repo, base[:7], "score", best, "keep", "baseline")
    logs.log_event(repo, "experiment_done", {
        "status": "keep", "metric": "score", "value": best, "prev": None, "delta": None,
        "commit": base[:7], "description": "baseline", "experiment": 0, "tag": tag,
        "duration_s": 1.0, "direction": direction}, tag=tag)
    counts = {"keep": 0, "discard": 0, "crash": 0}
    for n, (value, description, status) in enumerate(steps, start=1):
        (repo / "exp.py").write_text(f"VALUE = {value}\nprint('score:', VALUE)\n")
        git(repo, "commit", "-q", "-am", f"experiment: {description}")
        commit = git(repo, "rev-parse", "HEAD")
        shown = None if status == "crash" else value
        logs.append_tsv(repo, commit[:7], "score", shown, status, description)
        details = {"status": status, "metric": "score", "value": shown, "prev": best,
                   "delta": None if shown is None else shown - best, "commit": commit[:7],
                   "description": description, "experiment": n, "tag": tag,
                   "duration_s": 2.0, "direction": direction}
        if status == "crash":
            details["error"] = "exit_1"
        logs.log_event(repo, "experiment_done", details, tag=tag, ok=status != "crash")
        counts[status] += 1
        if status == "keep":
            champion, best = commit, value
        else:
            git(repo, "reset", "-q", "--hard", champion)
    return write_session_file(
        repo, tag=tag, branch=f"autoresearch/{tag}", base_commit=base, metric_name="score",
        direction=direction, champion={"commit": champion, "value": best},
        baseline={"commit": base, "value": 5.0}, experiments=len(steps), counts=counts,
        editable=["exp.py"])


@pytest.fixture
def repo(make_repo):
    repo = make_repo({"exp.py": "VALUE = 5.0\nprint('score:', VALUE)\n", "README": "hi\n"})
    with open(repo / ".git" / "info" / "exclude", "a") as fh:  # as setup leaves it
        fh.write(".autoresearch/\nresults.tsv\n.claude/\n")
    return repo


STEPS = [(4.0, "lower to 4", "keep"), (4.5, "try 4.5", "discard"),
         (0.0, "break it", "crash"), (3.0, "lower | to `3`", "keep")]


def snapshot(repo: Path) -> dict:
    return {"head": git(repo, "symbolic-ref", "HEAD"),
            "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
            "status": git(repo, "status", "--porcelain", "--ignored"),
            "exp": (repo / "exp.py").read_text()}


def test_squash_makes_one_commit_on_the_base_and_touches_nothing_else(cli, repo):
    state = engine_session(repo, STEPS)
    (repo / "exp.py").write_text("VALUE = 2.5  # the agent's next idea, not committed\n")
    before = snapshot(repo)
    result = cli(repo, "finalize")
    assert result.code == 0, result
    new = git(repo, "rev-parse", f"{BRANCH}-final")
    assert git(repo, "rev-parse", f"{BRANCH}-final^") == state["base_commit"]
    assert git(repo, "rev-list", "--count", f"{state['base_commit']}..{BRANCH}-final") == "1"
    assert git(repo, "rev-parse", f"{new}^{{tree}}") == \
        git(repo, "rev-parse", f"{state['champion']['commit']}^{{tree}}")
    after = snapshot(repo)
    assert after["head"] == before["head"] == f"refs/heads/{BRANCH}"
    assert after["status"] == before["status"] and after["exp"] == before["exp"]
    added = set(after["refs"].splitlines()) - set(before["refs"].splitlines())
    assert added == {f"refs/heads/{BRANCH}-final {new}"}
    assert set(before["refs"].splitlines()) <= set(after["refs"].splitlines())
    base = state["base_commit"][:7]
    lines = result.out.splitlines()
    assert lines[:3] == [
        f"created branch {BRANCH}-final at {new[:7]} (1 commit on {base}); "
        "your working tree is unchanged",
        "summary saved to .autoresearch/finalize-mar17.md", ""]
    markdown = (repo / ".autoresearch" / "finalize-mar17.md").read_text()
    assert "\n".join(lines[3:]) + "\n" == markdown
    kept = [c for c in STEPS if c[2] == "keep"]
    assert markdown.splitlines() == [
        "## autoresearch mar17: score 5 -> 3 (-40.00%, lower is better)",
        "",
        f"Branch `{BRANCH}-final` starts at `{base}` (the session's base) and holds the kept "
        f"changes of `{BRANCH}` as one commit.",
        "2 of 4 experiments kept (1 discarded, 1 crashed).",
        "",
        "| # | change | score | delta |",
        "|--:|---|--:|--:|",
        "| 0 | baseline | 5 | |",
        f"| 1 | {kept[0][1]} | 4 | -1 |",
        "| 4 | lower \\| to \\`3\\` | 3 | -1 |",
        "",
        "Files: `exp.py` (1 file changed, 1 insertion(+), 1 deletion(-))",
        "",
        f"Review: `git diff {base} {BRANCH}-final`",
    ]
    message = git(repo, "log", "-1", "--format=%B", new)
    assert message.splitlines() == [
        "autoresearch mar17: score 5 -> 3 (-40.00%, lower is better)", "",
        f"2 kept experiments of 4 run on {BRANCH}:",
        "- #1 lower to 4 (score 4, -1)", "- #4 lower | to `3` (score 3, -1)"]


def test_per_experiment_rebuilds_each_kept_commit_in_order(cli, repo):
    state = engine_session(repo, STEPS)
    result = cli(repo, "finalize", "--per-experiment", "--json")
    assert result.code == 0, result
    data = result.json()
    assert data["mode"] == "per-experiment" and len(data["commits"]) == 2
    assert data["branch"] == f"{BRANCH}-final"
    assert [k["number"] for k in data["kept"]] == [1, 4]
    assert (data["baseline"], data["best"]) == (5.0, 3.0)
    subjects = git(repo, "log", "--reverse", "--format=%s",
                   f"{state['base_commit']}..{BRANCH}-final").splitlines()
    assert subjects == ["experiment: lower to 4", "experiment: lower | to `3`"]
    body = git(repo, "log", "-1", "--format=%b", f"{BRANCH}-final")
    assert body == "score: 3 (-1), experiment #4 of autoresearch session mar17"
    first = git(repo, "show", f"{data['commits'][0]}:exp.py")
    assert first.startswith("VALUE = 4.0")
    assert data["summary_path"] == ".autoresearch/finalize-mar17.md"
    assert "as 2 commits, one per kept experiment." in data["markdown"]


def test_branch_names_are_unique_and_never_reused(cli, repo):
    engine_session(repo, STEPS[:1])
    assert cli(repo, "finalize").code == 0
    second = cli(repo, "finalize")
    assert second.code == 0, second
    assert second.out.startswith(f"created branch {BRANCH}-final-2 at ")
    taken = cli(repo, "finalize", "--branch", "main")
    assert taken.code == 1
    assert taken.err == ("autoresearch finalize: error: branch main already exists; finalize "
                         "never moves an existing branch: choose another name with --branch\n")
    bad = cli(repo, "finalize", "--branch", "no..dots")
    assert bad.code == 2
    assert bad.err == ("autoresearch finalize: error: --branch 'no..dots' is not a valid branch "
                       "name (example: --branch autoresearch/mar17-final)\n")
    named = cli(repo, "finalize", "--branch", "pr/lower-score", "--json")
    assert named.code == 0 and named.json()["branch"] == "pr/lower-score"


def test_nothing_kept_is_a_clear_error(cli, repo):
    state = engine_session(repo, [(6.0, "worse", "discard")])
    result = cli(repo, "finalize")
    assert result.code == 1
    assert result.err == (f"autoresearch finalize: error: nothing to finalize: session mar17 "
                          f"kept no experiment (the champion is still the baseline at "
                          f"{state['base_commit'][:7]}); run more experiments first\n")
    assert git(repo, "branch", "--list", f"{BRANCH}-final") == ""


def test_no_session_is_a_clear_error(cli, repo):
    result = cli(repo, "finalize")
    assert result.code == 1
    assert result.err == (f"autoresearch finalize: error: no session in {repo}: "
                          ".autoresearch/session.json does not exist; finalize collects the "
                          "kept experiments of a session started by 'autoresearch setup'\n")


def test_a_champion_gone_from_the_repository_is_reported(cli, repo):
    state = engine_session(repo, STEPS[:1])
    state["champion"]["commit"] = "0" * 40
    write_session_file(repo, **{k: v for k, v in state.items() if k != "root"})
    result = cli(repo, "finalize")
    assert result.code == 1
    assert result.err == ("autoresearch finalize: error: the session's champion 000000000000 is "
                          "not in this repository any more; nothing to finalize from\n")


def test_without_logs_the_git_history_still_names_the_changes(cli, repo):
    engine_session(repo, STEPS)
    (repo / "results.tsv").unlink()
    os.unlink(paths.jsonl_path(repo))
    result = cli(repo, "finalize", "--json")
    assert result.code == 0, result
    kept = result.json()["kept"]
    assert [(k["number"], k["description"]) for k in kept] == [
        (None, "lower to 4"), (None, "lower | to `3`")]


@pytest.mark.parametrize("info, expected", [
    ({"tag": "t", "metric": "kb", "direction": "lower_is_better", "baseline": 200.0,
      "best": 150.0}, "t: kb 200 -> 150 (-25.00%, lower is better)"),
    ({"tag": "t", "metric": "acc", "direction": "higher_is_better", "baseline": 0.0,
      "best": 0.5}, "t: acc 0 -> 0.5 (higher is better)"),
])
def test_headline(info, expected):
    assert headline(info) == expected


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"), ("a | b", "a \\| b"), ("two\nlines", "two lines"), ("`x`", "\\`x\\`"),
    ("", " "),
])
def test_cell(text, expected):
    assert cell(text) == expected


def test_experiment_message_keeps_the_original_and_adds_the_result():
    info = {"metric": "score", "tag": "t"}
    assert experiment_message("experiment: a\n", Kept(3, "abc", "a", 1.5, -0.5), info) == \
        "experiment: a\n\nscore: 1.5 (-0.5), experiment #3 of autoresearch session t\n"
    assert experiment_message("manual fix\n", None, info) == "manual fix\n"
    assert json.dumps(Kept(1, "c", "d").__dict__)


def test_finalize_a_session_the_engine_ran(session_repo, cli):
    from conftest import git as g
    from engine_project import edit

    repo = session_repo()
    base = g(repo, "rev-parse", "HEAD")
    for value, description in ((4.0, "lower"), (6.0, "higher"), (3.0, "lower again")):
        edit(repo, value)
        assert cli(repo, "run", "-d", description).code == 0
    champion = g(repo, "rev-parse", "HEAD")
    status_before = g(repo, "status", "--porcelain")
    result = cli(repo, "finalize", "--json")
    assert result.code == 0, result
    branch = "autoresearch/t1-final"
    assert g(repo, "rev-parse", f"{branch}^") == base
    assert g(repo, "rev-parse", f"{branch}^{{tree}}") == g(repo, "rev-parse", f"{champion}^{{tree}}")
    assert g(repo, "rev-parse", "HEAD") == champion  # the user's tree is left alone
    assert g(repo, "status", "--porcelain") == status_before
    per = cli(repo, "finalize", "--per-experiment", "--branch", "autoresearch/t1-steps")
    assert per.code == 0, per
    subjects = g(repo, "log", "--format=%s", f"{base}..autoresearch/t1-steps").splitlines()
    assert [s.split(" (")[0] for s in subjects] == ["experiment: lower again", "experiment: lower"]
