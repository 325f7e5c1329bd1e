"""Several sessions in one repository: `setup --tag NEW [--from REF]` starts one beside the
others, `setup --tag OLD` resumes a parked one on its branch, `sessions` lists them, and
each session keeps its own rows; nothing of the user's is lost on the way."""

from __future__ import annotations

import json
import subprocess

from engine_project import config_text, edit, project, tsv_rows


def git(repo, *args) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.strip()


def listing(cli, repo) -> dict:
    result = cli(repo, "sessions", "--json")
    assert result.code == 0, result
    return {row["tag"]: row for row in json.loads(result.out)}


def test_a_second_session_beside_the_first_and_back(session_repo, cli):
    repo = session_repo()
    base = git(repo, "rev-parse", "HEAD")
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "four").code == 0

    second = cli(repo, "setup", "--tag", "t2")
    assert second.code == 0, second
    assert "session t1 was parked under .autoresearch/sessions/t1/" in second.out
    assert "session t2 on branch autoresearch/t2" in second.out
    assert git(repo, "branch", "--show-current") == "autoresearch/t2"
    assert git(repo, "rev-parse", "HEAD") == base  # from the first session's base
    assert [row[3] for row in tsv_rows(repo)] == ["keep"]  # t2's baseline only
    edit(repo, 3.0)
    assert cli(repo, "run", "-d", "three").code == 0

    rows = listing(cli, repo)
    assert rows["t2"]["parked"] is False and rows["t2"]["state"] == "active"
    assert rows["t1"]["parked"] is True and rows["t1"]["state"] == "stopped"
    assert (rows["t1"]["experiments"], rows["t1"]["best"]) == (1, 4.0)
    assert (rows["t2"]["experiments"], rows["t2"]["best"]) == (1, 3.0)
    text = cli(repo, "sessions").out
    assert "t1" in text and "t2" in text and "autoresearch setup --tag TAG" in text

    back = cli(repo, "setup", "--tag", "t1")
    assert back.code == 0, back
    assert "resuming session t1" in back.out and "session t2 was parked" in back.out
    assert git(repo, "branch", "--show-current") == "autoresearch/t1"
    assert [row[4] for row in tsv_rows(repo)] == ["baseline", "four"]
    edit(repo, 3.5)
    out = json.loads(cli(repo, "run", "-d", "three and a half", "--json").out)
    assert (out["experiment"], out["status"]) == (2, "keep")

    compared = cli(repo, "compare", "t1", "t2", "--json")
    assert compared.code == 0, compared
    assert "t1" in compared.out and "t2" in compared.out
    t2 = json.loads(cli(repo, "results", "--tag", "t2", "--json").out)
    assert t2["best"]["value"] == 3.0
    assert json.loads(cli(repo, "status", "--json").out)["tag"] == "t1"


def test_another_target_starts_a_new_session(session_repo, cli):
    repo = session_repo(files={"other.py": "print('score:', 2.0)\n"})
    result = cli(repo, "setup", "other.py")
    assert result.code == 0, result
    assert "session t1 was parked" in result.out
    state = json.loads(cli(repo, "status", "--json").out)
    assert state["tag"] != "t1" and state["editable"] == ["other.py"]
    assert state["state"] == "active"


def test_from_a_ref_and_a_bad_ref(session_repo, cli):
    repo = session_repo()
    git(repo, "checkout", "-q", "-b", "side", "main")
    (repo / "notes.txt").write_text("side\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "side")
    side = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "autoresearch/t1")
    bad = cli(repo, "setup", "--tag", "t2", "--from", "nope")
    assert bad.code == 2 and "--from 'nope'" in bad.err
    assert json.loads(cli(repo, "status", "--json").out)["tag"] == "t1"  # nothing changed
    good = cli(repo, "setup", "--tag", "t2", "--from", "side")
    assert good.code == 0, good
    assert git(repo, "rev-parse", "HEAD") == side
    again = cli(repo, "setup", "--tag", "t2", "--from", "side")
    assert again.code == 2 and "--from starts a new session" in again.err


def test_a_switch_with_uncommitted_changes_is_refused_and_changes_nothing(session_repo, cli):
    repo = session_repo()
    assert cli(repo, "setup", "--tag", "t2").code == 0
    (repo / "data.txt").write_text("the user's unsaved work\n")
    for args in (["--tag", "t1"], ["--tag", "t3"]):
        result = cli(repo, "setup", *args)
        assert result.code == 1 and "uncommitted changes" in result.err, result
        assert (repo / "data.txt").read_text() == "the user's unsaved work\n"
        assert git(repo, "branch", "--show-current") == "autoresearch/t2"
    assert set(listing(cli, repo)) == {"t1", "t2"}


def test_a_failed_baseline_resumed_with_an_uncommitted_fix_is_refused(make_repo, cli):
    # the bug: setup resumed a session without a baseline over an uncommitted CLAUDE.md
    # fix, and the first discard's reset put the old CLAUDE.md back
    repo = make_repo(project("- metric_name: scor\n"))
    failed = cli(repo, "setup", "--tag", "t1")
    assert failed.code == 1 and "baseline run failed" in failed.err
    fixed = config_text()
    (repo / "CLAUDE.md").write_text(fixed)
    refused = cli(repo, "setup")
    assert refused.code == 1 and "uncommitted changes" in refused.err and "CLAUDE.md" in refused.err
    assert (repo / "CLAUDE.md").read_text() == fixed
    git(repo, "commit", "-qam", "fix the metric name")
    assert cli(repo, "setup").code == 0
    edit(repo, 9.0)
    assert "DISCARD" in cli(repo, "run", "-d", "worse").out
    assert (repo / "CLAUDE.md").read_text() == fixed
    edit(repo, 4.0)
    assert "KEEP" in cli(repo, "run", "-d", "better").out
    final = cli(repo, "finalize", "--json")
    assert final.code == 0, final
    # the fix is the session's base, not one of its experiments
    assert git(repo, "diff", "--name-only", "autoresearch/t1-final~1",
               "autoresearch/t1-final") == "exp.py"


def test_a_parked_session_does_not_guard_edits(session_repo, cli):
    repo = session_repo()
    assert cli(repo, "setup", "--tag", "t2").code == 0
    event = {"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Edit",
             "tool_input": {"file_path": str(repo / "data.txt")}}
    denied = subprocess.run(["python3", "-m", "autoresearch_helpers.plugin.hook"],
                            input=json.dumps(event), capture_output=True, text=True)
    assert "deny" in denied.stdout  # the current session t2 is active and guards
    assert cli(repo, "stop").code == 0
    allowed = subprocess.run(["python3", "-m", "autoresearch_helpers.plugin.hook"],
                             input=json.dumps(event), capture_output=True, text=True)
    assert "deny" not in allowed.stdout
    assert listing(cli, repo)["t2"]["state"] == "stopped"


def test_a_commit_of_the_users_on_the_session_branch_is_never_lost(session_repo, cli):
    repo = session_repo()
    (repo / "data.txt").write_text("keep me\n")
    git(repo, "commit", "-qam", "user: keep me")
    mine = git(repo, "rev-parse", "HEAD")
    edit(repo, 4.0)
    result = cli(repo, "run", "-d", "four")
    assert "scope_violation" in result.out  # data.txt is not the agent's to change
    assert f"they stay as tag autoresearch/t1/folded/{mine[:7]}" in result.out
    assert git(repo, "rev-parse", f"autoresearch/t1/folded/{mine[:7]}") == mine
    assert git(repo, "show", f"{mine}:data.txt") == "keep me"
    assert "to bring it back: git apply .autoresearch/rejected/1/change.patch" in result.out
    git(repo, "apply", ".autoresearch/rejected/1/change.patch")
    assert (repo / "data.txt").read_text() == "keep me\n"


def test_a_parked_session_without_a_baseline_resumes_its_setup(make_repo, cli):
    repo = make_repo(project("- metric_name: scor\n"))
    assert cli(repo, "setup", "--tag", "k1").code == 1  # the baseline fails
    assert cli(repo, "setup", "--tag", "k2", "--set", "metric_name=score").code == 0
    back = cli(repo, "setup", "--tag", "k1", "--set", "metric_name=score")
    assert back.code == 0, back
    assert "Traceback" not in back.err
    assert "session k2 was parked" in back.out and "baseline: score = 5" in back.out
    state = json.loads(cli(repo, "status", "--json").out)
    assert (state["tag"], state["state"], state["active"]) == ("k1", "active", True)
    assert git(repo, "branch", "--show-current") == "autoresearch/k1"


def test_settings_given_to_a_resume_are_refused_not_ignored(session_repo, cli):
    repo = session_repo()
    for args in (["--set", "time_budget=45"], ["--calibrate", "5"]):
        result = cli(repo, "setup", *args)
        assert result.code == 2 and "keeps its configuration as at setup" in result.err, result
    assert "time budget 30 s" in cli(repo, "status").out


def test_a_killed_run_is_repaired_before_its_session_is_parked(session_repo, cli, tmp_path):
    from held_run import held_run

    repo = session_repo()
    with held_run(repo, tmp_path) as run:
        run.until_running()
        run.kill()
        result = cli(repo, "setup", "--tag", "t2")
        assert result.code == 0, result
        assert "recovered" in result.out and "session t1 was parked" in result.out
    rows = listing(cli, repo)
    assert rows["t1"]["experiments"] == 1
    crashed = json.loads(cli(repo, "results", "--tag", "t1", "--json").out)
    assert crashed["crash"] == 1
    assert git(repo, "rev-parse", "autoresearch/t1") == rows["t1"]["best_commit"]


def test_a_file_the_user_made_while_the_session_was_parked_is_left_alone(session_repo, cli):
    repo = session_repo()
    assert cli(repo, "setup", "--tag", "t2").code == 0
    (repo / "scratch.txt").write_text("my notes\n")
    back = cli(repo, "setup", "--tag", "t1")
    assert back.code == 0, back
    assert "taken as yours and left alone: scratch.txt" in back.out
    edit(repo, 4.0)
    assert "KEEP" in cli(repo, "run", "-d", "four").out
    assert (repo / "scratch.txt").read_text() == "my notes\n"
    (repo / "scratch.txt").write_text("changed by the experiment\n")  # not the user's now
    edit(repo, 3.0)
    assert "scope_violation" in cli(repo, "run", "-d", "three").out


def test_a_session_at_max_experiments_is_finished_and_runs_no_more(session_repo, cli):
    repo = session_repo("- max_experiments: 1\n")
    edit(repo, 4.0)
    assert cli(repo, "run", "-d", "four").code == 0
    assert listing(cli, repo)["t1"]["state"] == "finished"
    edit(repo, 3.0)
    refused = cli(repo, "run", "-d", "three")
    assert refused.code == 1 and "max_experiments (1) reached" in refused.err
    assert json.loads(cli(repo, "status", "--json").out)["experiments"] == 1
