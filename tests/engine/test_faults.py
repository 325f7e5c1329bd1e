"""A SIGKILL at every point where the helper writes (AUTORESEARCH_FAULT), for every kind
of outcome, followed by each next command: nothing is lost, repeated or left unreachable.

The invariants checked after the repair (docs/reliability.md):
- one experiment_done event per experiment number, 0..N without a gap or a repeat, and
  exactly one results.tsv row for each, agreeing on commit and status;
- the session counts N experiments and holds nothing pending; HEAD is its champion;
- every kept commit is on the branch; every rejected commit is held by its own tag;
- no torn line in either log.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import git
from engine_project import done_events, edit, tsv_rows

from autoresearch_helpers.faults import POINTS

OUTCOMES = {
    "keep": lambda repo: edit(repo, 4.0),
    "discard": lambda repo: edit(repo, 6.0),
    "crash": lambda repo: edit(repo, text="raise SystemExit(3)\n"),
    "scope": lambda repo: ((repo / "data.txt").write_text("changed\n"), edit(repo, 4.0)),
}
EXPECTED = {"keep": "keep", "discard": "discard", "crash": "crash", "scope": "crash"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One session after its baseline, copied for each case (setup is the slow part)."""
    from conftest import init_repo, run_cli
    from engine_project import project

    repo = init_repo(tmp_path_factory.mktemp("template") / "repo", project())
    result = run_cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    return repo


def logged(repo) -> bool:
    """Whether the idea has its experiment_done event (a torn last line, not yet
    repaired, is skipped)."""
    for line in (repo / ".claude" / "logs" / "autoresearch.jsonl").read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event["action"] == "experiment_done" and event["details"]["description"] == "the idea":
            return True
    return False


def check_invariants(repo):
    state = json.loads((repo / ".autoresearch" / "session.json").read_text())
    assert state["pending"] is None
    events = done_events(repo)
    numbers = [e["details"]["experiment"] for e in events]
    assert numbers == list(range(state["experiments"] + 1)), numbers
    rows = tsv_rows(repo)
    assert [(r[0], r[3]) for r in rows] == [
        (e["details"]["commit"], e["details"]["status"]) for e in events]
    assert sum(state["counts"].values()) == state["experiments"]
    assert git(repo, "rev-parse", "HEAD") == state["champion"]["commit"]
    for e in events:
        d = e["details"]
        if d["commit"] == "-":
            continue
        if d["status"] == "keep":
            assert git(repo, "merge-base", "--is-ancestor", d["commit"], "HEAD",
                       check=False) == "", d
        else:
            held = git(repo, "rev-parse", f"autoresearch/t1/rejected/{d['experiment']}")
            assert held.startswith(d["commit"]), d
    for name in ("results.tsv", ".claude/logs/autoresearch.jsonl"):
        assert (repo / name).read_bytes().endswith(b"\n")
    return state, events


@pytest.mark.parametrize("outcome", list(OUTCOMES))
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("after", ["run", "status, setup, run"])
def test_a_kill_at_any_point_loses_nothing(template, tmp_path, cli, point, outcome, after):
    repo = tmp_path / "repo"
    shutil.copytree(template, repo, symlinks=True)
    OUTCOMES[outcome](repo)
    idea = (repo / "exp.py").read_text()
    killed = cli(repo, "run", "-d", "the idea", env={"AUTORESEARCH_FAULT": point})
    assert killed.code in (0, -9), killed
    assert "Traceback" not in killed.err
    if after != "run":
        status = cli(repo, "status")
        assert status.code == 0 and "Traceback" not in status.err, status
        resumed = cli(repo, "setup")
        assert resumed.code == 0, resumed
    pending = json.loads((repo / ".autoresearch" / "session.json").read_text())["pending"]
    head_is_idea = git(repo, "log", "-1", "--format=%s") == "experiment: the idea"
    if not (pending or head_is_idea or logged(repo)):
        # killed before anything of it was written: the change is still in the tree
        assert killed.code == -9
        assert (repo / "exp.py").read_text() == idea
    git(repo, "checkout", "--", "data.txt")  # what the agent does when told to
    edit(repo, 3.0)
    last = cli(repo, "run", "-d", "next idea")
    assert last.code == 0, last
    state, events = check_invariants(repo)
    assert events[-1]["details"]["status"] == "keep"
    if logged(repo):
        first = events[1]["details"]
        if killed.code == 0:  # the point is not on this outcome's path
            assert first["status"] == EXPECTED[outcome]
        else:  # decided before the kill: that result; else recorded as an interrupted crash
            assert first["status"] in (EXPECTED[outcome], "crash"), first


@pytest.mark.parametrize("spec, message", [
    ("nowhere", "AUTORESEARCH_FAULT: unknown point 'nowhere'"),
    ("tsv-torn:x", "AUTORESEARCH_FAULT: 'tsv-torn:x': the count after ':' must be a whole"),
    ("tsv-torn:0", "the count after ':' must be a whole number from 1"),
])
def test_a_malformed_fault_switch_is_refused_before_anything_is_done(session_repo, cli,
                                                                      spec, message):
    repo = session_repo()
    edit(repo, 4.0)
    before = (repo / "results.tsv").read_text()
    result = cli(repo, "run", "-d", "x", env={"AUTORESEARCH_FAULT": spec})
    assert result.code == 2
    assert message in result.err
    assert (repo / "results.tsv").read_text() == before
    assert git(repo, "log", "-1", "--format=%s") != "experiment: x"


def _file_size_limit(limit: int):
    def apply():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("outcome", ["keep", "discard"])
def test_an_io_error_between_the_logs_is_finished_by_the_next_run(template, tmp_path, outcome):
    """EFBIG on the experiment_done line, after the results.tsv row was written: the next
    run writes the missing event, and nothing is repeated."""
    import subprocess

    from conftest import CLI

    repo = tmp_path / "repo"
    shutil.copytree(template, repo, symlinks=True)
    jsonl_path = repo / ".claude" / "logs" / "autoresearch.jsonl"
    with open(jsonl_path, "a") as fh:  # the largest file the run writes, by far
        fh.write(json.dumps({"action": "padding", "details": {"x": "x" * 40000}}) + "\n")
    OUTCOMES[outcome](repo)
    limit = jsonl_path.stat().st_size + 400  # room for experiment_start, not experiment_done
    failed = subprocess.run([*CLI, "run", "-d", "the idea"], cwd=repo, capture_output=True,
                            text=True, preexec_fn=_file_size_limit(limit))
    assert failed.returncode == 1, failed
    assert "cannot append a line: File too large" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tsv_rows(repo)[-1][4] == "the idea"  # the row made it, the event did not
    assert not logged(repo)
    edit(repo, 3.0)
    from conftest import run_cli

    last = run_cli(repo, "run", "-d", "next idea")
    assert last.code == 0, last
    assert "its logging is now complete" in last.out
    state, events = check_invariants(repo)
    assert [e["details"]["description"] for e in events] == ["baseline", "the idea", "next idea"]
    assert events[1]["details"]["status"] == outcome
