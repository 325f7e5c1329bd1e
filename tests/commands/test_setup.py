"""`autoresearch setup`: branch, excludes, logs, baseline; refusals that change nothing."""

from __future__ import annotations

import json
import re

from conftest import git
from engine_project import done_events, jsonl, project, tsv_rows


def test_setup_creates_branch_logs_and_baseline(make_repo, cli):
    repo = make_repo(project())
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert git(repo, "branch", "--show-current") == "autoresearch/t1"
    assert "baseline: score = 5 at " in result.out
    assert "  run_command: python3 exp.py  (CLAUDE.md:" in result.out
    head = git(repo, "rev-parse", "--short=7", "HEAD")
    assert tsv_rows(repo) == [[head, "score", "5.000000", "keep", "baseline"]]
    actions = [r["action"] for r in jsonl(repo)]
    assert actions == ["session_start", "experiment_done"]
    base = done_events(repo)[0]
    assert base["details"]["value"] == 5.0 and base["details"]["status"] == "keep"
    assert base["tag"] == "t1" and base["details"]["experiment"] == 0
    exclude = (repo / ".git" / "info" / "exclude").read_text().splitlines()
    for line in ("results.tsv", "run.log", ".claude/logs/", ".autoresearch/"):
        assert line in exclude
    assert git(repo, "status", "--porcelain") == ""  # nothing of ours shows up for git


def test_default_tag_is_english_month_day_and_unique(make_repo, cli):
    repo = make_repo(project())
    first = cli(repo, "setup", env={"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"})
    assert first.code == 0, first
    branch = git(repo, "branch", "--show-current")
    assert re.fullmatch(r"autoresearch/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\d{1,2}",
                        branch)
    # a second session in the same repository on the same day gets a suffix
    git(repo, "checkout", "-q", "main")
    (repo / ".autoresearch" / "session.json").unlink()
    second = cli(repo, "setup")
    assert second.code == 0, second
    assert git(repo, "branch", "--show-current") == branch + "-2"


def test_dirty_tree_is_refused_and_nothing_changes(make_repo, cli):
    repo = make_repo(project())
    (repo / "data.txt").write_text("edited\n")
    exclude_before = (repo / ".git" / "info" / "exclude").read_text()
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1
    assert "uncommitted changes to tracked files" in result.err
    assert "  data.txt" in result.err
    assert git(repo, "branch", "--list", "autoresearch/*") == ""
    assert not (repo / ".autoresearch").exists() and not (repo / "results.tsv").exists()
    assert (repo / ".git" / "info" / "exclude").read_text() == exclude_before
    assert (repo / "data.txt").read_text() == "edited\n"


def test_bad_config_never_starts(make_repo, cli):
    repo = make_repo(project(extra="- metric_direction: sideways"))
    result = cli(repo, "setup")
    assert result.code == 2
    assert "metric_direction" in result.err and "sideways" in result.err
    assert git(repo, "branch", "--list", "autoresearch/*") == ""


def test_existing_tag_is_refused(make_repo, cli):
    repo = make_repo(project())
    git(repo, "branch", "autoresearch/t1")
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 2 and "already exists" in result.err


def test_failed_baseline_reports_and_setup_resumes_after_the_fix(make_repo, cli):
    repo = make_repo(project(files={"exp.py": "print('no metric here')\n"}))
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1
    assert "baseline run failed (metric_missing)" in result.err
    assert "no metric here" in result.err  # the tail of run.log
    (repo / "exp.py").write_text("print('score: 3')\n")
    git(repo, "commit", "-qam", "fix the metric")
    again = cli(repo, "setup")
    assert again.code == 0, again
    assert "resuming the setup of session t1" in again.out
    assert tsv_rows(repo)[0][2:4] == ["3.000000", "keep"]


def test_setup_again_resumes_the_session(session_repo, cli):
    repo = session_repo()
    cli(repo, "stop")
    result = cli(repo, "setup")
    assert result.code == 0, result
    assert "resuming session t1" in result.out
    assert "stop requested: no" in result.out
    assert len(tsv_rows(repo)) == 1  # no second baseline


def test_setup_json(make_repo, cli):
    repo = make_repo(project())
    result = cli(repo, "setup", "--tag", "t1", "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["tag"] == "t1" and data["branch"] == "autoresearch/t1"
    assert data["baseline"] == 5.0


BUILD = ("import os\nos.makedirs('dist', exist_ok=True)\n"
         "open('dist/index.js', 'w').write('x' * 2000)\n")


def test_a_bundle_size_is_in_kb_of_1000_bytes(make_repo, cli):
    repo = make_repo({"package.json": '{"main": "dist/index.js", "scripts": {"build": "x"}}',
                      "src/index.js": "export const a = 1;\n", "build.py": BUILD,
                      ".gitignore": "dist/\n",
                      "CLAUDE.md": "## autoresearch\n- run_command: python3 build.py\n"
                                   "- size: raw\n"})
    assert "measure: raw size of dist/index.js, in KB (1000 bytes)" in cli(repo, "config").out
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    assert "baseline: bundle_kb = 2 at " in result.out  # 2000 bytes, not 1.95312 KiB
    assert cli(repo, "status", "--json").json()["best"] == 2.0
