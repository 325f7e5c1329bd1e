"""The git and process plumbing under the engine: spawning, commit summaries, rejected tags."""

from __future__ import annotations

import os
import subprocess

import pytest

from autoresearch_helpers import gitcommit, gitops, gittag, spawn
from conftest import git


# --- spawn ----------------------------------------------------------------------------------

def test_capture_separates_the_streams_and_reports_the_exit_code(tmp_path):
    code, out, err = spawn.capture(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (code, out, err) == (3, b"out\n", b"err\n")


def test_capture_reads_large_output_on_both_streams_without_blocking():
    script = "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2; echo end"
    code, out, err = spawn.capture(["sh", "-c", script])
    assert code == 0 and len(out) == 300004 and len(err) == 300000


def test_capture_runs_in_the_given_folder_and_leaves_ours_alone(tmp_path):
    here = os.getcwd()
    code, out, _ = spawn.capture(["pwd"], cwd=tmp_path)
    assert out.decode().strip() == str(tmp_path.resolve())
    assert os.getcwd() == here


def test_a_signal_death_is_a_negative_code():
    assert spawn.capture(["sh", "-c", "kill -9 $$"])[0] == -9


def test_the_child_does_not_inherit_pythons_ignored_sigpipe():
    # Python ignores SIGPIPE; a child must get the default back, as subprocess does
    out = spawn.capture(["sh", "-c", "grep SigIgn /proc/self/status"])[1].decode()
    mask = int(out.split()[1], 16)
    assert not mask & (1 << (13 - 1)), out  # SIGPIPE is signal 13


def test_a_missing_program_raises():
    with pytest.raises(FileNotFoundError):
        spawn.capture(["no-such-program-autoresearch"])


def test_git_failure_is_one_error_naming_the_command(tmp_path):
    git(tmp_path, "init", "-q")
    with pytest.raises(gitops.GitError, match=r"git rev-parse --verify nothing failed \(exit 128\)"):
        gitops.git(tmp_path, "rev-parse", "--verify", "nothing")


# --- commit summaries -----------------------------------------------------------------------

@pytest.mark.parametrize("line, net", [
    (" 1 file changed, 3 insertions(+), 1 deletion(-)", -2),
    (" 2 files changed, 1 insertion(+), 9 deletions(-)", 8),
    (" 1 file changed, 4 deletions(-)", 4),
    (" 1 file changed, 1 insertion(+)", -1),
    (" 1 file changed, 0 insertions(+), 0 deletions(-)", 0),  # a binary file
    ("", 0),                                                   # an empty commit
    (" create mode 100644 a.py", None),                        # not a summary: ask git
    (" 1 Datei geändert, 2 Einfügungen(+)", None),
])
def test_net_lines_removed_from_the_commit_summary(line, net):
    assert gitcommit._net_removed(line) == net


@pytest.mark.parametrize("change", ["shrink", "grow", "new file", "binary", "delete", "empty"])
def test_commit_reports_the_same_net_lines_as_numstat(make_repo, change):
    repo = make_repo({"a.py": "1\n2\n3\n4\n"})
    (repo / "b.bin").write_bytes(b"\0\1\2")
    git(repo, "add", "b.bin")
    git(repo, "commit", "-q", "-m", "binary")
    before = gitops.head(repo)
    paths, untracked = ["a.py"], False
    if change == "shrink":
        (repo / "a.py").write_text("1\n")
    elif change == "grow":
        (repo / "a.py").write_text("1\n2\n3\n4\n5\n6\n")
    elif change == "new file":
        (repo / "c.py").write_text("x\ny\n")
        paths, untracked = ["c.py"], True
    elif change == "binary":
        (repo / "b.bin").write_bytes(b"\0\1\2\3\n\n")
        paths = ["b.bin"]
    elif change == "delete":
        (repo / "a.py").unlink()
    else:
        paths = []
    sha, net = gitcommit.commit_paths(repo, paths, "experiment: x", untracked=untracked,
                                   allow_empty=True)
    assert sha == gitops.head(repo) and len(sha) == 40
    assert net == gitcommit.lines_removed(repo, before, sha)


def test_commit_summary_is_read_whatever_the_users_language(make_repo, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    repo = make_repo({"a.py": "1\n2\n"})
    (repo / "a.py").write_text("1\n")
    assert gitcommit.commit_paths(repo, ["a.py"], "experiment: x", untracked=False)[1] == 1


# --- rejected tags --------------------------------------------------------------------------

def test_a_tag_written_directly_is_a_real_git_tag(make_repo):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    gittag.tag(repo, "autoresearch/t1/rejected/1", sha)
    assert (repo / ".git/refs/tags/autoresearch/t1/rejected/1").read_text() == sha + "\n"
    assert git(repo, "rev-parse", "autoresearch/t1/rejected/1").strip() == sha
    assert git(repo, "tag", "-l").split() == ["autoresearch/t1/rejected/1"]
    assert not list((repo / ".git/refs/tags/autoresearch/t1/rejected").glob("*.lock"))


def test_a_tag_in_a_linked_worktree_goes_through_git(make_repo, tmp_path):
    repo = make_repo({"a.py": "1\n"})
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "side", str(linked))
    sha = gitops.head(linked)
    gittag.tag(linked, "autoresearch/w/rejected/1", sha)
    assert git(repo, "rev-parse", "autoresearch/w/rejected/1").strip() == sha


@pytest.mark.parametrize("packed", [False, True])
def test_a_tag_that_clashes_with_an_existing_ref_is_gits_error(make_repo, packed):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    git(repo, "tag", "autoresearch/t1/rejected")
    if packed:
        git(repo, "pack-refs", "--all")  # the folder name is then free on disk
    with pytest.raises(gitops.GitError, match="update-ref"):
        gittag.tag(repo, "autoresearch/t1/rejected/1", sha)
    assert subprocess.run(["git", "rev-parse", "-q", "--verify", "autoresearch/t1/rejected/1"],
                          cwd=repo, capture_output=True).returncode != 0


def test_a_tag_where_a_folder_of_refs_stands_is_gits_error(make_repo):
    repo = make_repo({"a.py": "1\n"})
    sha = gitops.head(repo)
    git(repo, "tag", "autoresearch/t1/rejected/1/x")
    with pytest.raises(gitops.GitError, match="update-ref"):
        gittag.tag(repo, "autoresearch/t1/rejected/1", sha)
    assert not (repo / ".git/refs/tags/autoresearch/t1/rejected/1.lock").exists()
