"""The champion's worktree (.autoresearch/champion) is a cache of a noisy session: it goes
when the session stops being active (finalize, stop, a new setup) and the next run makes
it again, also after its folder was deleted by hand. Removing it never follows the links
to the repository's untracked files, and never fails the verb."""

from __future__ import annotations

import json
import shutil

from conftest import CLI, git
from engine_project import edit, project
from test_noisy_runs import NOISY, runs

# Before printing, exp.py runs `autoresearch stop` from the repository when the file
# stop-now exists (once: it deletes the file), so that a stop arrives during a run.
STOPS = NOISY + (
    "import json, subprocess\n"
    "flag = os.path.realpath('stop-now')\n"
    "if os.path.exists(flag):\n"
    "    os.unlink(flag)\n"
    "    subprocess.run(json.loads(os.environ['TEST_CLI']) + ['stop'], check=True,\n"
    "                   cwd=os.path.dirname(flag))\n")
ENV = {"TEST_CLI": json.dumps(CLI)}


def noisy_session(make_repo, cli, tag="t1"):
    """A noisy session whose champion (VALUE 4.0, kept by paired runs) ran in its
    worktree; the untracked runs.txt and big/ are linked into the worktree."""
    files = project()
    files["exp.py"] = STOPS.format(v=5.0)
    files[".gitignore"] = "runs.txt\nstop-now\nbig/\n"
    repo = make_repo(files)
    (repo / "big").mkdir()
    (repo / "big" / "data.bin").write_text("the user's data\n")
    assert cli(repo, "setup", "--tag", tag).code == 0
    out = experiment(repo, cli, 4.0)
    assert out["status"] == "keep" and out["champion_samples"], out
    assert worktree_listed(repo) and (repo / ".autoresearch" / "champion" / "big").is_symlink()
    return repo


def experiment(repo, cli, value: float) -> dict:
    edit(repo, text=STOPS.format(v=value))
    result = cli(repo, "run", "-d", f"value {value}", "--json", env=ENV)
    assert result.code == 0, result
    return json.loads(result.out)


def worktree_listed(repo) -> bool:
    listed = git(repo, "worktree", "list", "--porcelain").splitlines()
    return any(line.startswith("worktree ") and line.endswith("/.autoresearch/champion")
               for line in listed)


def assert_gone(repo) -> None:
    assert not worktree_listed(repo)
    assert not (repo / ".autoresearch" / "champion").exists()
    # the links were removed, not what they point to
    assert (repo / "big" / "data.bin").read_text() == "the user's data\n"
    assert runs(repo)


def assert_recreated(repo, cli, best=4.0) -> None:
    """A 20-sigma better change is kept, beside the champion (VALUE ``best``) run in a
    new worktree."""
    before = len(runs(repo))
    out = experiment(repo, cli, best - 1)
    assert out["status"] == "keep", out
    assert out["champion_samples"] and all(abs(v - best) < 0.5 for v in out["champion_samples"])
    beside = [line for line in runs(repo)[before:] if line.endswith("/.autoresearch/champion")]
    assert len(beside) == len(out["champion_samples"])
    assert worktree_listed(repo)


def test_finalize_removes_the_worktree_and_the_next_run_makes_it_again(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    result = cli(repo, "finalize", "--json")
    assert result.code == 0, result
    assert result.err == ""
    assert_gone(repo)
    assert_recreated(repo, cli)


def test_stop_removes_the_worktree_when_no_experiment_runs(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    result = cli(repo, "stop")
    assert result.code == 0, result
    assert_gone(repo)
    assert cli(repo, "setup").code == 0  # resumes the session
    assert_recreated(repo, cli)


def test_a_stop_during_a_run_removes_the_worktree_when_that_run_ends(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    (repo / "stop-now").write_text("")
    edit(repo, text=STOPS.format(v=3.0))
    result = cli(repo, "run", "-d", "stopped meanwhile", env=ENV)
    assert result.code == 0, result
    assert not (repo / "stop-now").exists()  # the stop came while the run held the lock
    assert "KEEP" in result.out and "STOP REQUESTED" in result.out
    assert_gone(repo)
    assert cli(repo, "setup").code == 0
    assert_recreated(repo, cli, best=3.0)


def test_a_new_session_removes_the_worktree_of_an_older_one(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    shutil.move(repo / ".autoresearch" / "session.json", repo / "old-session.json")
    result = cli(repo, "setup", "--tag", "t2")
    assert result.code == 0, result
    assert_gone(repo)
    assert_recreated(repo, cli)


def test_a_new_session_prunes_a_worktree_deleted_with_the_state(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    shutil.rmtree(repo / ".autoresearch")
    assert worktree_listed(repo)  # git still knows it, as prunable
    assert cli(repo, "setup", "--tag", "t2").code == 0
    assert_gone(repo)
    assert_recreated(repo, cli)


def test_a_worktree_folder_deleted_by_hand_is_made_again_by_the_next_run(make_repo, cli):
    repo = noisy_session(make_repo, cli)
    shutil.rmtree(repo / ".autoresearch" / "champion")
    assert_recreated(repo, cli)
    listed = git(repo, "worktree", "list", "--porcelain")
    assert listed.count("/.autoresearch/champion\n") == 1 and "prunable" not in listed


def test_a_folder_git_cannot_remove_is_said_in_one_line_and_replaced_by_the_next_run(
        make_repo, cli):
    repo = noisy_session(make_repo, cli)
    folder = repo / ".autoresearch" / "champion"
    shutil.rmtree(folder)
    folder.mkdir()  # a folder in its place that is not a worktree
    (folder / "stray.txt").write_text("x\n")
    result = cli(repo, "finalize")
    assert result.code == 0, result
    said = result.err.strip().splitlines()
    assert len(said) == 1 and ".autoresearch/champion" in said[0], result.err
    assert_recreated(repo, cli)
    assert not (folder / "stray.txt").exists()
