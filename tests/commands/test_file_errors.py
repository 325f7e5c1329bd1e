"""A file of ours that cannot be read or written is one clear message, never a traceback.

Real failures only: a folder where a file should be (EISDIR), a file without permission
(EACCES), a file size limit (RLIMIT_FSIZE: EFBIG) and /dev/full (ENOSPC). Each command
exits 1 with one stderr line naming the file, the OS error and what to do; what it could
check before changing anything it checks first, and a failure half-way is repaired by the
next command.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import git
from engine_project import edit, project
from faults import (JSONL, LOCK, STATE, TSV, one_error_line, permissions_apply, run_verb,
                    snapshot)

EISDIR = "Is a directory (EISDIR); a folder is where this file should be: move the folder away"
EFBIG = "File too large (EFBIG)"
READERS = [("results",), ("dashboard", "--once"), ("report", "--html", "out.html")]
WRITERS = [("run", "-d", "an idea"), ("setup",)]


@pytest.fixture
def kept_repo(session_repo, cli):
    """A session with one kept experiment (so finalize has work) and an edit for `run`."""
    repo = session_repo()
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "lower").code == 0
    edit(repo, 3.0)
    return repo


def folder_in_place(repo: Path, rel: Path) -> None:
    (repo / rel).unlink()
    (repo / rel).mkdir()


def assert_refused(repo: Path, verbs, rel: Path, say: str, prefix=()) -> None:
    """Each verb: exit 1, one line naming ``rel`` and ``say``, nothing changed."""
    before = snapshot(repo, "out.html")
    for args in verbs:
        line = one_error_line(run_verb(repo, args, prefix), args[0])
        assert f": error: {repo / rel}: " in line and say in line, line
        assert snapshot(repo, "out.html") == before, args


@pytest.mark.parametrize("rel, verbs", [
    (TSV, WRITERS + READERS),  # finalize reads the JSONL records of its session's tag
    (JSONL, WRITERS + [("stop",)] + READERS + [("finalize",)]),
    (LOCK, WRITERS),
], ids=["results.tsv", "jsonl", "lock"])
def test_a_folder_in_place_of_a_log_or_the_lock(kept_repo, rel, verbs):
    folder_in_place(kept_repo, rel)
    assert_refused(kept_repo, verbs, rel, EISDIR)


@pytest.mark.parametrize("rel", [TSV, JSONL], ids=["results.tsv", "jsonl"])
def test_setup_checks_the_logs_before_it_creates_anything(make_repo, rel):
    repo = make_repo(project())
    (repo / rel).mkdir(parents=True)
    proc = run_verb(repo, ("setup", "--tag", "t1"))
    line = one_error_line(proc, "setup")
    assert f"{repo / rel}: cannot append a line: {EISDIR}" in line
    assert git(repo, "branch", "--list", "autoresearch/*") == ""
    assert not (repo / STATE).exists()


def test_a_log_without_write_permission_stops_run_before_its_commit(kept_repo):
    prefix = permissions_apply()
    (kept_repo / TSV).chmod(0o444)
    assert_refused(kept_repo, WRITERS, TSV, "cannot append a line: Permission denied (EACCES)",
                   prefix)


def pad(path: Path, size: int = 64 << 10) -> int:
    """Make the log ``path`` at least ``size`` bytes with lines its readers skip; its size."""
    text = json.dumps({"tool": "padding", "note": "x" * size}) if path.suffix == ".jsonl" \
        else "padding " + "x" * size
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text + "\n")
    return path.stat().st_size


@pytest.mark.parametrize("rel, room", [(JSONL, 0), (TSV, 5)], ids=["jsonl", "results.tsv-torn"])
def test_a_log_that_reaches_the_file_size_limit_during_run(kept_repo, cli, rel, room):
    """EFBIG for real: the log may not grow (``room`` bytes: a line is torn, then cut)."""
    size = pad(kept_repo / rel)
    before = (kept_repo / rel).read_bytes()
    proc = run_verb(kept_repo, ("run", "-d", "bigger"), limit=size + room)
    line = one_error_line(proc, "run")
    assert f"{kept_repo / rel}: cannot append a line: {EFBIG}" in line, line
    assert (kept_repo / rel).read_bytes() == before  # nothing appended, nothing torn left
    edit(kept_repo, 2.0)
    again = cli(kept_repo, "run", "-d", "after the limit")
    assert again.code == 0, again
    # a result decided before the error is logged as it was; else an interrupted crash
    assert ("recovered: experiment 2 (keep) was interrupted while it was being logged"
            if rel == TSV else "recovered: experiment 2 was interrupted") in again.out, again
    assert "experiment 3: KEEP" in again.out


def test_the_session_file_reaching_the_file_size_limit(kept_repo):
    path = kept_repo / STATE
    doc = json.loads(path.read_text())
    doc["config"]["padding"] = "x" * (200 << 10)  # kept as is: config is frozen at setup
    path.write_text(json.dumps(doc))
    before = snapshot(kept_repo)
    line = one_error_line(run_verb(kept_repo, ("setup",), limit=100 << 10), "setup")
    assert f"{path}: cannot write the session state: {EFBIG}" in line, line
    assert snapshot(kept_repo) == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def _disk_full(repo: Path, rel: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (repo / rel).unlink()
    (repo / rel).symlink_to("/dev/full")  # every write: ENOSPC


def test_stop_on_a_full_disk_requests_nothing(kept_repo):
    _disk_full(kept_repo, JSONL)
    before = snapshot(kept_repo)
    line = one_error_line(run_verb(kept_repo, ("stop",)), "stop")
    assert (f"{kept_repo / JSONL}: cannot append a line: No space left on device (ENOSPC); "
            "free some disk space") in line, line
    assert snapshot(kept_repo) == before  # no stop file


def test_run_on_a_full_disk(kept_repo):
    _disk_full(kept_repo, TSV)
    line = one_error_line(run_verb(kept_repo, ("run", "-d", "disk full")), "run")
    assert f"{kept_repo / TSV}: cannot append a line: No space left on device (ENOSPC)" in line


def test_any_other_os_error_is_one_line(kept_repo):
    """The last resort in cli.main: an OSError the store does not word itself."""
    (kept_repo / ".autoresearch" / "stop").mkdir()  # setup's resume removes a stop request
    line = one_error_line(run_verb(kept_repo, ("setup",)), "setup")
    assert line == f"autoresearch setup: error: {kept_repo / '.autoresearch' / 'stop'}: {EISDIR}"
