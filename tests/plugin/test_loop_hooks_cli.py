"""The Stop and SessionStart hooks and bin/autoresearch, run by the real (pinned) Claude Code
CLI: `claude -p` runs whole turns against a local stand-in for the Messages API
(tests/plugin/fake_api.py), so the CLI sends the hooks its own input and acts on their output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autoresearch_helpers.plugin import stop_hook
from conftest import write_session_file
from fake_api import FakeApi, bash
from test_plugin import ROOT, claude, clean_env  # noqa: F401  (claude: the fixture)

FEEDBACK = "Stop hook feedback:\n" + stop_hook.REASON


def turn(claude_bin: str, cwd: Path, home: Path, api: FakeApi, *args: str,
         path: str | None = None) -> list[dict]:
    """One headless turn ("go on"); the stream-json events the CLI printed."""
    home.mkdir(parents=True, exist_ok=True)
    env = clean_env(home, extra={"ANTHROPIC_API_KEY": "sk-test-offline",
                                 "ANTHROPIC_BASE_URL": api.url})
    if path is not None:
        env["PATH"] = path
    proc = subprocess.run([claude_bin, "-p", "go on", "--plugin-dir", str(ROOT),
                           "--output-format", "stream-json", "--verbose", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=180, env=env)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    result = next((e for e in events if e.get("type") == "result"), None)
    assert result is not None and proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return events


def path_without_autoresearch(folder: Path) -> str:
    """A PATH whose python3 is this test's interpreter and where no installed `autoresearch`
    is found: the Bash tool then finds the plugin's bin/autoresearch (added last)."""
    folder.mkdir()
    (folder / "python3").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (folder / "python3").chmod(0o755)
    rest = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not os.access(os.path.join(d, "autoresearch"), os.X_OK)]
    return os.pathsep.join([str(folder), *rest])


def on_branch(repo: Path) -> str:
    return subprocess.run(["git", "branch", "--show-current"], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_an_active_loop_keeps_the_agent_going_then_lets_it_stop_after_the_cap(
        claude, make_repo, tmp_path):
    repo = make_repo({"train.py": "lr = 0.01\n"})
    write_session_file(repo, branch=on_branch(repo), experiments=4,
                       counts={"keep": 1, "discard": 2, "crash": 1})
    with FakeApi() as api:
        events = turn(claude, repo, tmp_path / "home", api)
    # the agent tried to end its turn CAP + 1 times: blocked CAP times, then let go
    assert len(api.requests) == stop_hook.CAP + 1
    for n in range(1, stop_hook.CAP + 1):
        assert api.user_texts(n).count(FEEDBACK) == n
    assert FEEDBACK not in api.user_texts(0)
    said = [e["content"] for e in events if e.get("subtype") == "informational"]
    assert "Stop says: " + (
        "autoresearch: the agent ended its turn 3 times in a row without a new experiment, so "
        "it may stop · session t1: no baseline yet · 4 experiments: 1 keep, 2 discard, 1 crash "
        "· the session stays active: /autoresearch resumes the loop, /autoresearch stop ends "
        "it") in said
    assert not (repo / ".autoresearch" / stop_hook.COUNT_FILE).exists()
    # SessionStart (source "startup") put the loop and its brief status in the context
    first = json.dumps(api.requests[0])
    assert "the experiment loop of session t1 is active in this repository" in first
    assert "no baseline yet: run '/autoresearch setup' to measure it" in first


def test_without_a_session_the_turn_ends_and_nothing_is_added(claude, make_repo, tmp_path):
    repo = make_repo({"train.py": "lr = 0.01\n"})
    with FakeApi() as api:
        events = turn(claude, repo, tmp_path / "home", api)
    assert len(api.requests) == 1
    assert "the experiment loop of session" not in json.dumps(api.requests[0])
    starts = [e for e in events if e.get("subtype") == "hook_response"
              and e.get("hook_event") == "SessionStart"]
    assert starts and all(e["output"] == "" for e in starts)


def test_a_stopped_loop_lets_the_turn_end(claude, make_repo, tmp_path):
    repo = make_repo({"train.py": "lr = 0.01\n"})
    write_session_file(repo, branch=on_branch(repo), active=False)
    with FakeApi() as api:
        turn(claude, repo, tmp_path / "home", api)
    assert len(api.requests) == 1
    assert "the experiment loop of session" not in json.dumps(api.requests[0])


def test_the_bash_tool_runs_the_helper_as_autoresearch(claude, make_repo, tmp_path):
    """bin/autoresearch is on the Bash tool's PATH; the helper's messages name what is typed
    in Claude Code."""
    repo = make_repo({"train.py": "lr = 0.01\n"})
    with FakeApi([bash("autoresearch status --brief")]) as api:
        turn(claude, repo, tmp_path / "home", api, "--allowedTools", "Bash(autoresearch:*)",
             path=path_without_autoresearch(tmp_path / "python-only"))
    assert len(api.requests) == 2
    assert ("no autoresearch session in this repository (start one with: /autoresearch setup)"
            in api.user_texts(1))


def test_bin_autoresearch_runs_from_any_folder_and_through_a_symlink(make_repo, tmp_path):
    repo = make_repo({"a.txt": "x\n"})
    link = tmp_path / "links" / "autoresearch"
    link.parent.mkdir()
    link.symlink_to(ROOT / "bin" / "autoresearch")
    env = clean_env(tmp_path / "home")
    for program in (ROOT / "bin" / "autoresearch", link):
        proc = subprocess.run([str(program), "sessions"], cwd=repo, capture_output=True,
                              text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "(start one with: /autoresearch setup)" in proc.stdout
    proc = subprocess.run([str(link), "no-such-verb"], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 2 and "unknown verb 'no-such-verb'" in proc.stderr


def test_context_lines_of_a_command_see_the_plugins_bin_too(claude, tmp_path):
    """What docs/cli.md says of the `!` lines: bin/ is on their PATH as well (the command
    file still names the launcher there, for `--context`)."""
    plugin = tmp_path / "probe"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "probe", "version": "0.0.1"}')
    (plugin / "bin").mkdir()
    (plugin / "bin" / "probetool").write_text("#!/bin/sh\necho probe-bin-ran\n")
    (plugin / "bin" / "probetool").chmod(0o755)
    (plugin / "commands").mkdir()
    (plugin / "commands" / "probe.md").write_text(
        "---\ndescription: probe\nallowed-tools: Bash(probetool:*)\n---\nPATH probe: !`probetool`\n")
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    subprocess.run([claude, "-p", "/probe:probe", "--plugin-dir", str(plugin), "--output-format",
                    "stream-json", "--verbose"], cwd=cwd, capture_output=True, text=True,
                   timeout=120, env=clean_env(home))
    transcripts = "".join(p.read_text() for p in (home / ".claude" / "projects").glob("*/*.jsonl"))
    assert "PATH probe: probe-bin-ran" in transcripts
