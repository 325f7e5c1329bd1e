"""Hostile experiments: what an edit or a run may try, and what the loop still promises.

One test per fault class of docs/reliability.md; each failed on the code before the fix.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import git
from engine_project import EXP, done_events, edit, tsv_rows

PLANT = """import os, stat, subprocess
def sh(path, body):
    with open(path, 'w') as fh:
        fh.write('#!/bin/sh\\n' + body + '\\n')
    os.chmod(path, 0o755)
pwned = {pwned!r}
sh('.git/evil.sh', 'touch ' + pwned)
for hook in ('pre-commit', 'post-checkout', 'reference-transaction', 'post-commit'):
    sh('.git/hooks/' + hook, 'touch ' + pwned)
subprocess.run(['git', 'config', 'core.fsmonitor', os.path.abspath('.git/evil.sh')])
print('score:', 4.0)
"""


def test_git_settings_planted_by_a_run_never_run_and_are_undone(session_repo, cli, tmp_path):
    repo = session_repo()
    pwned = tmp_path / "PWNED"
    edit(repo, text=PLANT.format(pwned=str(pwned)))
    first = cli(repo, "run", "-d", "plant hooks")
    assert not pwned.exists(), "a planted hook or fsmonitor ran"
    assert "experiment 1: CRASH (git_tampered)" in first.out, first
    assert ".git/hooks/reference-transaction: added; moved away" in first.out
    assert git(repo, "config", "--get", "core.fsmonitor", check=False) == ""
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert (repo / ".autoresearch" / "rejected" / "1" / "git" / "config").is_file()
    edit(repo, 3.0)
    second = cli(repo, "run", "-d", "honest")
    assert "experiment 2: KEEP" in second.out, second
    assert not pwned.exists()
    # the user's own git commands are safe again too
    git(repo, "status")
    git(repo, "checkout", "-q", "-b", "elsewhere")
    assert not pwned.exists()


def test_a_filter_planted_between_experiments_never_runs(session_repo, cli, tmp_path):
    """The agent (git log --output=... can write any file) defines a clean filter for every
    path: the helper's own `git status` would run it on the next edit."""
    repo = session_repo()
    pwned = tmp_path / "PWNED"
    (repo / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    git(repo, "config", "filter.evil.clean", f"touch {pwned}; cat")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "an edit after the plant")
    assert not pwned.exists()
    assert "CRASH (git_tampered)" in result.out, result
    assert git(repo, "config", "--get", "filter.evil.clean", check=False) == ""
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)  # the change was set aside
    assert "VALUE = 4.0" in (repo / ".autoresearch/rejected/1/change.patch").read_text()


def test_a_harmless_git_config_change_is_accepted(session_repo, cli):
    repo = session_repo()
    git(repo, "remote", "add", "origin", "https://example.com/project.git")
    git(repo, "config", "user.name", "Someone Else")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "after adding a remote")
    assert "experiment 1: KEEP" in result.out, result
    assert git(repo, "remote") == "origin"


def _pending(repo, **fields):
    path = repo / ".autoresearch" / "session.json"
    state = json.loads(path.read_text())
    state["pending"] = {"number": state["experiments"] + 1, "commit": None,
                        "description": "lost", **fields}
    path.write_text(json.dumps(state))


def test_recovery_never_signals_a_group_it_did_not_start(session_repo, cli):
    """A stale group id (the pid was reused by an unrelated process) is left alone."""
    repo = session_repo()
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        _pending(repo, pgid=bystander.pid)
        edit(repo, 4.0)
        result = cli(repo, "run", "-d", "next")
        assert result.code == 0, result
        time.sleep(0.2)
        assert bystander.poll() is None, "an unrelated process was killed"
    finally:
        bystander.kill()
        bystander.wait()


@pytest.mark.parametrize("pgid", [0, 1, -5])
def test_a_nonsense_group_id_is_ignored_with_a_message(session_repo, cli, pgid):
    repo = session_repo()
    _pending(repo, pgid=pgid)
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "next")
    assert result.code == 0, result
    assert f"ignored the process group {pgid} in the session" in result.out
    assert "experiment 1: KEEP" in result.out


STAGE = """import subprocess
open('data.txt', 'w').write('smuggled\\n')
subprocess.run(['git', 'add', 'data.txt'])
open('data.txt', 'w').write('fixed data\\n')
print('score:', {v})
"""


def test_a_staged_out_of_scope_file_never_rides_along(session_repo, cli):
    repo = session_repo()
    edit(repo, text=STAGE.format(v=4.0))
    assert "experiment 1: KEEP" in cli(repo, "run", "-d", "stage data").out
    assert git(repo, "diff", "--cached", "--name-only") == ""  # the index is HEAD's again
    edit(repo, 3.0)
    assert "experiment 2: KEEP" in cli(repo, "run", "-d", "next").out
    for commit in ("HEAD", "HEAD~1"):
        assert git(repo, "show", "--format=", "--name-only", commit) == "exp.py"
    assert git(repo, "show", "HEAD:data.txt") == "fixed data"


ESCAPE = """import subprocess
subprocess.Popen(['setsid', 'sh', '-c', 'sleep 1.5; echo "score: 0.001" >> run.log'],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print('score:', 6.0)
"""


def test_an_escaped_process_cannot_poison_the_next_experiment(session_repo, cli):
    repo = session_repo()
    edit(repo, text=ESCAPE)
    first = cli(repo, "run", "-d", "leave a daemon")
    assert "experiment 1: DISCARD" in first.out, first
    assert "of the run that had left its process group, as it ended" in first.out
    edit(repo, text="import time\ntime.sleep(3)\nprint('score:', 5.5)\n")
    second = cli(repo, "run", "-d", "honest but worse")
    assert "experiment 2: DISCARD" in second.out, second
    assert "0.001" not in (repo / "run.log").read_text()


def test_run_log_cannot_fill_the_disk(session_repo, cli):
    repo = session_repo()
    edit(repo, text="import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 1048575 + '\\n')\n"
                    "print('score:', 4.0)\n")
    result = cli(repo, "run", "-d", "print 40 MB")
    assert "experiment 1: KEEP" in result.out, result
    assert "bytes cut from the middle of run.log" in result.out
    log = repo / "run.log"
    assert log.stat().st_size < 17 * 1024 * 1024
    text = log.read_bytes()
    assert b"bytes of output cut here" in text and text.endswith(b"score: 4.0\n")


def test_the_users_untracked_files_stay_where_they_are(make_repo, cli):
    from engine_project import project

    repo = make_repo(project())
    (repo / "notes.md").write_text("my notes\n")  # untracked, there before setup
    assert cli(repo, "setup", "--tag", "t1").code == 0
    (repo / "notes.md").write_text("my notes, edited later\n")
    (repo / "data.txt").write_text("out of scope\n")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "out of scope")
    assert "CRASH (scope_violation)" in result.out, result
    assert (repo / "notes.md").read_text() == "my notes, edited later\n"
    copy = repo / ".autoresearch" / "rejected" / "1" / "files" / "notes.md"
    assert copy.read_text() == "my notes, edited later\n"


def test_an_edit_made_during_the_run_is_saved_before_the_reset(session_repo, cli):
    repo = session_repo()
    edit(repo, text="open('exp.py', 'a').write('# written while running\\n')\nprint('score:', 6.0)\n")
    result = cli(repo, "run", "-d", "worse")
    assert "experiment 1: DISCARD" in result.out, result
    assert "saved as .autoresearch/rejected/1/during-run.patch" in result.out
    patch = (repo / ".autoresearch" / "rejected" / "1" / "during-run.patch").read_text()
    assert "+# written while running" in patch


def test_a_repository_that_tracks_the_logs_is_refused(make_repo, cli):
    from engine_project import project

    repo = make_repo({**project(), "results.tsv": "commit\tmetric\tvalue\tstatus\tdescription\n"})
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 1, result
    assert "git tracks files the loop writes on every experiment: results.tsv" in result.err
    assert git(repo, "branch", "--list", "autoresearch/*") == ""
    assert git(repo, "status", "--porcelain") == ""


def test_logs_deleted_by_a_run_are_reported_and_rebuilt(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    cli(repo, "run", "-d", "a keep")
    edit(repo, text="import os\nos.remove('results.tsv')\nprint('score:', 3.0)\n")
    result = cli(repo, "run", "-d", "delete the log")
    assert "experiment 2: CRASH (logs_tampered)" in result.out, result
    assert "results.tsv was rebuilt from the JSONL log" in result.out
    rows = tsv_rows(repo)
    assert [r[4] for r in rows] == ["baseline", "a keep", "delete the log"]
    assert [e["details"]["experiment"] for e in done_events(repo)] == [0, 1, 2]


def test_a_deleted_session_branch_says_how_to_recreate_it(session_repo, cli):
    repo = session_repo()
    champion = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-D", "autoresearch/t1")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "x")
    assert result.code == 1
    assert (f"the session's branch autoresearch/t1 no longer exists; recreate it at the best "
            f"commit the session holds, then run again: git checkout -b autoresearch/t1 "
            f"{champion}") in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("plant", ["core.ignorecase", "info/exclude"])
def test_settings_that_hide_files_from_the_scope_check_are_undone(session_repo, cli, plant):
    """Hiding a shadowing module behind .git/info/exclude, or case-folding paths, would
    keep a change out of `git status` and so out of the scope check."""
    repo = session_repo()
    if plant == "core.ignorecase":
        git(repo, "config", "core.ignorecase", "true")
    else:
        with open(repo / ".git" / "info" / "exclude", "a") as fh:
            fh.write("shadow.py\n")
    (repo / "shadow.py").write_text("VALUE = 0\n")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "hidden helper")
    assert "experiment 1: CRASH (git_tampered)" in result.out, result
    assert git(repo, "config", "--get", "core.ignorecase", check=False) in ("", "false")
    assert "shadow.py" not in (repo / ".git" / "info" / "exclude").read_text()
    assert not (repo / "shadow.py").exists()  # now visible, set aside with the change
    assert (repo / ".autoresearch/rejected/1/files/shadow.py").is_file()
