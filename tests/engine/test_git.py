"""The git plumbing under the engine: errors, commits of exact paths, net lines, rejected tags."""

from __future__ import annotations

import subprocess

import pytest

from autoresearch_helpers.engine import git as gitops
from autoresearch_helpers.engine.process import run_command
from autoresearch_helpers.errors import GitError
from conftest import git


def test_git_failure_is_one_error_naming_the_command(tmp_path):
    git(tmp_path, "init", "-q")
    with pytest.raises(GitError, match=r"git rev-parse --verify nothing failed \(exit 128\)"):
        gitops.git(tmp_path, "rev-parse", "--verify", "nothing")


def test_the_experiment_does_not_inherit_pythons_ignored_sigpipe(tmp_path):
    # Python ignores SIGPIPE; a child must get the default back, so `yes | head` ends
    log = tmp_path / "run.log"
    run_command("grep SigIgn /proc/self/status", tmp_path, log, 30)
    mask = int(log.read_text().split()[1], 16)
    assert not mask & (1 << (13 - 1)), log.read_text()  # SIGPIPE is signal 13


@pytest.mark.parametrize("change, net", [("shrink", 3), ("grow", -2), ("new file", -2),
                                         ("binary", 0), ("delete", 4), ("empty", 0)])
def test_commit_takes_exactly_the_paths_and_counts_net_lines(make_repo, change, net):
    repo = make_repo({"a.py": "1\n2\n3\n4\n"})
    (repo / "b.bin").write_bytes(b"\0\1\2")
    (repo / "other.py").write_text("untouched\n")
    git(repo, "add", "b.bin")
    git(repo, "commit", "-q", "-m", "binary")
    (repo / "other.py").write_text("changed, but not part of the experiment\n")
    before = gitops.head(repo)
    paths = ["a.py"]
    if change == "shrink":
        (repo / "a.py").write_text("1\n")
    elif change == "grow":
        (repo / "a.py").write_text("1\n2\n3\n4\n5\n6\n")
    elif change == "new file":
        (repo / "c.py").write_text("x\ny\n")
        paths = ["c.py"]
    elif change == "binary":
        (repo / "b.bin").write_bytes(b"\0\1\2\3\n\n")
        paths = ["b.bin"]
    elif change == "delete":
        (repo / "a.py").unlink()
    else:
        paths = []
    sha = gitops.commit_paths(repo, paths, "experiment: x", allow_empty=True)
    assert sha == gitops.head(repo) and len(sha) == 40
    assert gitops.lines_removed(repo, before, sha) == net
    changed = git(repo, "diff", "--name-only", before, sha).split()
    assert changed == sorted(paths)
    assert "other.py" in git(repo, "status", "--porcelain")


def test_a_rejected_tag_is_a_real_git_tag(make_repo):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    gitops.tag(repo, "autoresearch/t1/rejected/1", sha)
    assert git(repo, "rev-parse", "autoresearch/t1/rejected/1").strip() == sha
    assert git(repo, "tag", "-l").split() == ["autoresearch/t1/rejected/1"]


def test_a_tag_in_a_linked_worktree(make_repo, tmp_path):
    repo = make_repo({"a.py": "1\n"})
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(linked))
    sha = gitops.head(linked)
    gitops.tag(linked, "autoresearch/w/rejected/1", sha)
    assert git(repo, "rev-parse", "autoresearch/w/rejected/1").strip() == sha


@pytest.mark.parametrize("packed", [False, True])
def test_a_tag_that_clashes_with_an_existing_ref_is_gits_error(make_repo, packed):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    git(repo, "tag", "autoresearch/t1/rejected")
    if packed:
        git(repo, "pack-refs", "--all")  # the folder name is then free on disk
    with pytest.raises(GitError, match="update-ref"):
        gitops.tag(repo, "autoresearch/t1/rejected/1", sha)
    assert subprocess.run(["git", "rev-parse", "-q", "--verify", "autoresearch/t1/rejected/1"],
                          cwd=repo, capture_output=True).returncode != 0


def test_a_tag_where_a_folder_of_refs_stands_is_gits_error(make_repo):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    git(repo, "tag", "autoresearch/t1/rejected/1/x")
    with pytest.raises(GitError, match="update-ref"):
        gitops.tag(repo, "autoresearch/t1/rejected/1", sha)
