"""hidden_files: the agent may not read them (the hook, with the inputs Claude Code sends for
each tool), the experiment still runs with them, and a change to one is a scope_violation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, write_session_file
from engine_project import done_events, edit

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "autoresearch_helpers" / "plugin" / "hook.py"
LAUNCH = f'python3 "{ROOT}/autoresearch_helpers/plugin/launch.py"'

EVALUATE = ("import exp\nSEED = 42\n"
            "print('score:', exp.VALUE + float(open('data/test/x.csv').read()))\n")
CONFIG = """## autoresearch
- target_file: exp.py
- editable_files: src/
- run_command: python3 evaluate.py
- metric_name: score
- metric_direction: lower_is_better
- time_budget: 30
- hidden_files: evaluate.py, data/test/
"""
FILES = {"CLAUDE.md": CONFIG, "exp.py": "VALUE = 5\n", "evaluate.py": EVALUATE,
         "data/test/x.csv": "1\n", "data/train.csv": "7\n", "src/util.py": "X = 1\n"}


def call(tool: str, tool_input: dict, cwd: Path) -> dict:
    """The JSON Claude Code sends on stdin for one PreToolUse call."""
    return {"session_id": "abc", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd),
            "permission_mode": "default", "hook_event_name": "PreToolUse",
            "tool_name": tool, "tool_input": tool_input}


def reason(payload: dict, cwd: Path) -> str | None:
    """The deny reason the hook gives, or None when it lets the call through."""
    proc = subprocess.run([sys.executable, str(HOOK)], input=json.dumps(payload),
                          capture_output=True, text=True, cwd=cwd, timeout=30)
    assert proc.returncode == 0 and proc.stderr == "", proc
    if not proc.stdout:
        return None
    out = json.loads(proc.stdout)["hookSpecificOutput"]
    assert (out["hookEventName"], out["permissionDecision"]) == ("PreToolUse", "deny")
    return out["permissionDecisionReason"]


@pytest.fixture
def repo(make_repo, cli):
    repo = make_repo(FILES)
    result = cli(repo, "setup", "--tag", "t1")
    assert result.code == 0, result
    return repo


HIDDEN_ON_PURPOSE = "hidden from you on purpose in this experiment loop (hidden_files"


@pytest.mark.parametrize("tool_input", [
    {"file_path": "{repo}/evaluate.py"},
    {"file_path": "evaluate.py", "offset": 1, "limit": 20},
    {"file_path": "{repo}/src/../evaluate.py"},
    {"file_path": "{repo}/data/test/x.csv"},
])
def test_reading_a_hidden_file_is_denied_and_says_the_run_still_uses_it(repo, tool_input):
    given = {k: v.format(repo=repo) if isinstance(v, str) else v for k, v in tool_input.items()}
    said = reason(call("Read", given, repo), repo)
    assert said is not None and HIDDEN_ON_PURPOSE in said
    assert "The experiment still runs with the hidden files" in said
    assert said.startswith(("autoresearch: evaluate.py is hidden",
                            "autoresearch: data/test/x.csv is hidden"))


def test_other_files_read_as_usual(repo):
    for path in ("exp.py", "data/train.csv", "CLAUDE.md", str(repo / "src" / "util.py")):
        assert reason(call("Read", {"file_path": path}, repo), repo) is None


def test_a_symlink_to_a_hidden_file_is_hidden_too(make_repo, cli):
    files = dict(FILES)
    repo = make_repo(files, commit=False)
    os.symlink("evaluate.py", repo / "notes.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    assert cli(repo, "setup", "--tag", "t1").code == 0
    said = reason(call("Read", {"file_path": str(repo / "notes.py")}, repo), repo)
    assert said.startswith("autoresearch: evaluate.py is hidden")


def test_grep_of_a_hidden_path_or_a_folder_holding_one_is_denied(repo):
    for tool_input in ({"pattern": "SEED", "path": str(repo / "evaluate.py")},
                       {"pattern": "1", "path": "data/test", "output_mode": "content"},
                       {"pattern": "1", "path": "data"}):
        assert HIDDEN_ON_PURPOSE in reason(call("Grep", tool_input, repo), repo)
    # the whole repository (no path): denied, naming where the agent may search instead
    said = reason(call("Grep", {"pattern": "SEED", "glob": "*.py"}, repo), repo)
    assert said.startswith("autoresearch: Grep over the repository would search data/test/, "
                           "evaluate.py, which are hidden from you on purpose")
    assert said.endswith("Search a file or a folder that holds no hidden file instead "
                         "(Grep's path: CLAUDE.md, exp.py, src/).")


def test_grep_elsewhere_is_allowed(repo):
    for tool_input in ({"pattern": "X", "path": "src"}, {"pattern": "V", "path": "exp.py"},
                       {"pattern": "7", "path": str(repo / "data" / "train.csv")}):
        assert reason(call("Grep", tool_input, repo), repo) is None
    assert reason(call("Grep", {"pattern": "X"}, repo / "src"), repo) is None  # cwd: src


def test_glob_into_a_hidden_folder_is_denied_a_listing_elsewhere_is_not(repo):
    for tool_input in ({"pattern": "*.csv", "path": str(repo / "data" / "test")},
                       {"pattern": "data/test/*.csv"}):
        assert HIDDEN_ON_PURPOSE in reason(call("Glob", tool_input, repo), repo)
    for tool_input in ({"pattern": "**/*.py"}, {"pattern": "*.csv", "path": "data"}):
        assert reason(call("Glob", tool_input, repo), repo) is None


@pytest.mark.parametrize("command", [
    "cat evaluate.py",
    "head -n 5 ./evaluate.py",
    "cd src && cat ../evaluate.py",
    "sed -n 1,3p data/test/x.csv",
    "cat eval*",
    "less < evaluate.py",
    "git show HEAD:evaluate.py",
    "git show HEAD~0:data/test/x.csv",
    "git log -p",
    "git log -S SEED --oneline",
    "git show",  # HEAD is the commit that added evaluate.py
    "git log -p -- data",
    "python3 -c \"print(open('evaluate.py').read())\"",
    "grep -r SEED .",
    "rg SEED",
    "awk 1 data/test/x.csv | head",
])
def test_bash_commands_that_would_show_a_hidden_file_are_denied(repo, command):
    said = reason(call("Bash", {"command": command, "description": "look"}, repo), repo)
    assert said is not None and HIDDEN_ON_PURPOSE in said, command


def test_a_hidden_files_blob_id_is_denied(repo):
    blob = git(repo, "rev-parse", "HEAD:evaluate.py")[:10]
    said = reason(call("Bash", {"command": f"git cat-file -p {blob}"}, repo), repo)
    assert said.startswith(f"autoresearch: {blob} is a version of a hidden file")


@pytest.mark.parametrize("command", [
    "git status", "git diff", "git diff --stat", "git log --oneline -5", "git log --stat",
    "git show HEAD -- exp.py", "git show --stat", "cat exp.py src/util.py",
    f'{LAUNCH} run -d "seed the init like evaluate.py does"', f"{LAUNCH} status --brief",
    'autoresearch run -d "seed the init like evaluate.py does"',
])
def test_bash_commands_that_show_no_hidden_file_are_allowed(repo, command):
    assert reason(call("Bash", {"command": command}, repo), repo) is None, command


def test_git_show_of_an_experiment_is_allowed(repo, cli):
    edit(repo, text="VALUE = 4\n")
    assert cli(repo, "run", "-d", "lower").code == 0
    assert done_events(repo)[-1]["details"]["status"] == "keep"
    assert reason(call("Bash", {"command": "git show"}, repo), repo) is None
    assert reason(call("Bash", {"command": "git diff HEAD~1"}, repo), repo) is None
    for command in ("git log -p -1", "git log -n 1 --patch", "git log -p --max-count=1 HEAD"):
        assert reason(call("Bash", {"command": command}, repo), repo) is None, command
    for command in ("git log -p -2", "git log -p -1 HEAD~1", "git log -p"):
        assert HIDDEN_ON_PURPOSE in reason(call("Bash", {"command": command}, repo), repo)
    assert HIDDEN_ON_PURPOSE in reason(call("Bash", {"command": "git show HEAD~1"}, repo), repo)


def test_an_edit_of_a_hidden_file_is_denied_as_hidden(repo):
    said = reason(call("Edit", {"file_path": str(repo / "evaluate.py"), "old_string": "42",
                                "new_string": "0"}, repo), repo)
    assert said.startswith("autoresearch: evaluate.py is hidden from you on purpose")


def test_nothing_is_denied_without_an_active_session(repo, cli):
    assert cli(repo, "stop").code == 0
    assert reason(call("Read", {"file_path": "evaluate.py"}, repo), repo) is None
    assert reason(call("Bash", {"command": "cat evaluate.py"}, repo), repo) is None


def test_a_session_without_hidden_files_lets_every_read_through(make_repo):
    repo = make_repo({"train.py": "x\n", "evaluate.py": "y\n"})
    write_session_file(repo)  # a session.json from before hidden_files: no "hidden" key
    for tool, tool_input in (("Read", {"file_path": "evaluate.py"}), ("Grep", {"pattern": "y"}),
                             ("Bash", {"command": "cat evaluate.py"})):
        assert reason(call(tool, tool_input, repo), repo) is None


# --- the engine side: the run uses them; a change to one is the agent's violation --------

def test_the_experiment_runs_with_hidden_files_and_a_change_to_one_is_a_violation(repo, cli):
    assert json.loads((repo / "results.tsv").read_text().splitlines()[1].split("\t")[2]) == 6
    edit(repo, text="VALUE = 4\n")
    (repo / "evaluate.py").write_text(EVALUATE.replace("exp.VALUE +", "-100 +"))
    result = cli(repo, "run", "-d", "cheat")
    assert result.code == 0, result
    event = done_events(repo)[-1]["details"]
    assert (event["status"], event["error"]) == ("crash", "scope_violation")
    assert "evaluate.py: hidden file changed (modified)" in event["error_detail"]
    assert (repo / "evaluate.py").read_text() == EVALUATE
    edit(repo, text="VALUE = 4\n")
    assert cli(repo, "run", "-d", "lower").code == 0
    assert (done_events(repo)[-1]["details"]["status"],
            done_events(repo)[-1]["details"]["value"]) == ("keep", 5.0)


def test_a_change_to_an_ignored_hidden_file_is_a_violation(make_repo, cli):
    repo = make_repo({**FILES, ".gitignore": "data/test/\n"})
    assert cli(repo, "setup", "--tag", "t1").code == 0
    (repo / "data" / "test" / "x.csv").write_text("-100\n")
    edit(repo, text="VALUE = 4\n")
    assert cli(repo, "run", "-d", "cheat").code == 0
    event = done_events(repo)[-1]["details"]
    assert (event["status"], event["error"]) == ("crash", "scope_violation")
    assert "data/test/x.csv: read-only file changed" in event["error_detail"]


def test_status_and_config_show_the_hidden_files(repo, cli):
    assert cli(repo, "status", "--json").json()["hidden"] == ["evaluate.py", "data/test/"]
    assert "hidden files (never read them; the experiment still uses them): evaluate.py, data/test/" in cli(repo, "status").out
    shown = cli(repo, "config", "--json").json()
    assert shown["hidden"] == ["evaluate.py", "data/test/"]
    assert shown["keys"]["hidden_files"]["value"] == ["evaluate.py", "data/test/"]


@pytest.mark.parametrize("value, says", [
    ("exp.py", "exp.py is both editable and hidden; remove it from one list"),
    ("src/", "src/ is both editable and hidden; remove it from one list"),
    ("nothing.py", "hidden_files: 'nothing.py' does not exist in the repository"),
    ("results.tsv", "hidden_files: 'results.tsv' is or holds autoresearch's own results.tsv"),
    ("../outside.py", "hidden_files: '../outside.py' is outside the repository"),
])
def test_bad_hidden_files_are_refused_at_config_time(make_repo, cli, value, says):
    repo = make_repo(FILES)
    result = cli(repo, "config", "--set", f"hidden_files={value}")
    assert result.code == 2, result
    assert says in result.err


def test_an_editable_file_inside_a_hidden_folder_is_refused(make_repo, cli):
    repo = make_repo(FILES)
    result = cli(repo, "config", "--set", "target_file=data/test/x.csv")
    assert result.code == 2
    assert "data/test/x.csv is both editable and hidden" in result.err


def test_plugin_json_sends_each_read_tool_to_the_hook(repo):
    """The matcher covers the read tools, and its command (run by a shell, as Claude Code
    does) denies a Read of a hidden file."""
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    (entry,) = manifest["hooks"]["PreToolUse"]
    assert {"Read", "Grep", "Glob", "Bash", "Edit"} <= set(entry["matcher"].split("|"))
    env = dict(os.environ, CLAUDE_PLUGIN_ROOT=str(ROOT))
    proc = subprocess.run(["sh", "-c", entry["hooks"][0]["command"]],
                          input=json.dumps(call("Read", {"file_path": "evaluate.py"}, repo)),
                          capture_output=True, text=True, cwd=repo, env=env, timeout=30)
    assert HIDDEN_ON_PURPOSE in json.loads(proc.stdout)["hookSpecificOutput"][
        "permissionDecisionReason"]


def test_the_held_out_check_log_is_hidden_from_reads_but_not_from_searches(make_repo, cli):
    repo = make_repo({"exp.py": "VALUE = 5\n", "bench.py": "import exp\nprint('score:', exp.VALUE)\n",
                      "CLAUDE.md": "## autoresearch\n- target_file: exp.py\n"
                                   "- run_command: python3 bench.py\n- metric_name: score\n"
                                   "- metric_direction: lower_is_better\n"
                                   "- holdout_command: python3 bench.py\n"})
    assert cli(repo, "setup", "--tag", "t1").code == 0
    assert (repo / ".autoresearch" / "holdout.log").exists()
    said = reason(call("Read", {"file_path": ".autoresearch/holdout.log"}, repo), repo)
    assert said is not None and said.startswith("autoresearch: .autoresearch/holdout.log is hidden")
    assert reason(call("Bash", {"command": "tail .autoresearch/holdout.log"}, repo), repo)
    assert reason(call("Read", {"file_path": "bench.py"}, repo), repo) is None
    assert reason(call("Grep", {"pattern": "score"}, repo), repo) is None
