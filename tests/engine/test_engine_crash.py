"""Every crash kind is recorded, reverted, and the loop can go on."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from conftest import git
from engine_project import EXP, done_events, edit, tsv_rows


def _crash(repo, cli, text: str, description: str = "crashy idea"):
    champion = git(repo, "rev-parse", "HEAD")
    edit(repo, text=text)
    result = cli(repo, "run", "-d", description)
    assert result.code == 0, result  # a crash is a result, not a failure of the command
    assert git(repo, "rev-parse", "HEAD") == champion
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)
    row = tsv_rows(repo)[-1]
    assert row[2:4] == ["0.000000", "crash"]
    event = done_events(repo)[-1]
    assert event["status"] == "fail" and event["details"]["value"] is None
    return result, event["details"]["error"]


@pytest.mark.parametrize("text, error, shown", [
    ("import sys\nprint('boom happened')\nsys.exit(3)\n", "exit_3", "boom happened"),
    ("print('nothing useful')\n", "metric_missing", "nothing useful"),
    ("print('score: nan')\n", "metric_nan", "score: nan"),
    ("print('score: inf')\n", "metric_nan", "score: inf"),
    ("print('score: -inf')\n", "metric_nan", "score: -inf"),
])
def test_crash_kinds(session_repo, cli, text, error, shown):
    repo = session_repo()
    result, got = _crash(repo, cli, text)
    assert got == error
    assert result.out.startswith(f"experiment 1: CRASH ({error})")
    assert "--- last lines of run.log ---" in result.out and shown in result.out
    edit(repo, 4.0)  # the loop goes on
    assert "KEEP" in cli(repo, "run", "-d", "next").out


def test_crash_output_shows_at_most_30_log_lines(session_repo, cli):
    repo = session_repo()
    text = "import sys\nfor i in range(500):\n    print('line', i, 'x' * 400)\nsys.exit(1)\n"
    result, _ = _crash(repo, cli, text)
    tail = result.out.split("--- last lines of run.log ---\n", 1)[1].splitlines()
    assert len(tail) <= 30 and "line 499" in tail[-1]
    assert all(len(line) <= 220 for line in tail)


def _alive(marker: str) -> list[str]:
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return out.split()


def test_timeout_kills_grandchildren(session_repo, cli):
    repo = session_repo(extra="- time_budget: 2")
    marker = "sleep 617"
    text = ("import subprocess\nprint('starting')\n"
            f"subprocess.run(\"{marker} & {marker}\", shell=True)\n")
    started = time.monotonic()
    result, error = _crash(repo, cli, text)
    assert error == "timeout"
    assert time.monotonic() - started < 2 + 5 + 10  # budget + grace + slack, not 617 s
    assert "time_budget (2 s)" in result.out
    assert _alive(marker) == []


def test_verify_failure_is_a_crash(session_repo, cli):
    repo = session_repo(extra="- verify_command: grep -q '# ok' exp.py")
    result, error = _crash(repo, cli, "VALUE = 1\nprint('score:', VALUE)\n")
    assert error == "verify_failed"
    assert "verify_command failed" in result.out


def test_readonly_edit_is_a_scope_violation(session_repo, cli):
    repo = session_repo(extra="- readonly_files: data.txt")
    edit(repo, 4.0)
    (repo / "data.txt").write_text("tampered\n")
    result = cli(repo, "run", "-d", "cheat")
    assert result.code == 0, result
    assert result.out.startswith("experiment 1: CRASH (scope_violation) · data.txt: "
                                 "read-only file changed (modified); reverted")  # said once
    assert result.out.count("data.txt") == 1
    detail = done_events(repo)[-1]["details"]["error_detail"]
    assert detail == "data.txt: read-only file changed (modified)"
    assert (repo / "data.txt").read_text() == "fixed data\n"
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)
    patch = (repo / ".autoresearch" / "rejected" / "1" / "change.patch").read_text()
    assert "+tampered" in patch and "VALUE = 4.0" in patch
    assert "cheat" not in git(repo, "log", "--all", "--format=%s")  # nothing committed
    assert done_events(repo)[-1]["details"]["error"] == "scope_violation"


def test_new_file_outside_scope_is_saved_then_removed(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    (repo / "helper.py").write_text("print('sneaky')\n")
    result = cli(repo, "run", "-d", "new module")
    assert "CRASH (scope_violation)" in result.out
    assert "helper.py: outside the editable set (new file)" in result.out
    saved = repo / ".autoresearch" / "rejected" / "1" / "files" / "helper.py"
    assert saved.read_text() == "print('sneaky')\n"
    assert not (repo / "helper.py").exists()


def test_prefix_tricks_do_not_match(session_repo, cli):
    repo = session_repo()
    edit(repo, 4.0)
    (repo / "exp.py.bak").write_text("x\n")
    result = cli(repo, "run", "-d", "prefix")
    assert "exp.py.bak: outside the editable set" in result.out


def test_symlink_pointing_outside_is_a_violation(session_repo, cli, tmp_path):
    repo = session_repo()
    outside = tmp_path / "outside.py"
    outside.write_text("VALUE = 1\nprint('score:', VALUE)\n")
    (repo / "exp.py").unlink()
    os.symlink(outside, repo / "exp.py")
    result = cli(repo, "run", "-d", "link out")
    assert "CRASH (scope_violation)" in result.out
    assert "resolves to" in result.out
    assert not (repo / "exp.py").is_symlink()
    assert (repo / "exp.py").read_text() == EXP.format(v=5.0)
    assert outside.read_text() == "VALUE = 1\nprint('score:', VALUE)\n"


def test_a_read_only_folder_is_checked_file_by_file(session_repo, cli):
    """readonly_files may name a folder: a change to any file below it is a violation, even
    one git does not show (an ignored file)."""
    repo = session_repo(extra="- readonly_files: data/",
                        files={"data/x.txt": "fixed\n", "data/cache.bin": "ignored\n",
                               ".gitignore": "*.bin\n"})
    (repo / "data" / "cache.bin").write_text("tampered\n")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "after the data changed")
    assert result.code == 0, result
    assert "CRASH (scope_violation)" in result.out
    assert "read-only file changed" in result.out
    assert tsv_rows(repo)[-1][3] == "crash"


@pytest.mark.parametrize("where", ["data/x.txt", "exp_data.txt"])
def test_a_run_that_changes_a_read_only_file_is_its_own_crash(session_repo, cli, where):
    """Read-only files are checked after the run too: the run that rewrites one is the
    crash, the file is restored with the reset, and the next, innocent experiment runs."""
    repo = session_repo(extra=f"- readonly_files: data/, {where}",
                        files={"data/x.txt": "fixed\n", "exp_data.txt": "fixed\n"})
    edit(repo, text=f"open({where!r}, 'w').write('tampered\\n')\nprint('score:', 1.0)\n")
    first = cli(repo, "run", "-d", "tamper while running")
    assert "experiment 1: CRASH (scope_violation)" in first.out, first
    assert f"during the run: {where}: read-only file changed" in first.out
    assert (repo / where).read_text() == "fixed\n"
    edit(repo, 3.0)
    second = cli(repo, "run", "-d", "innocent")
    assert "experiment 2: KEEP" in second.out, second
    assert [r[3] for r in tsv_rows(repo)] == ["keep", "crash", "keep"]
