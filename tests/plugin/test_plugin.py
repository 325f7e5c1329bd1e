"""The plugin as the real Claude Code CLI (pinned) sees it: validation and headless render.

Offline and without login: `claude plugin validate` needs neither, and `claude -p` renders
the slash command (running its `!` context line), writes the prompt to the session
transcript, prints the init event, and then exits 1 because nobody is logged in.
The CLI comes from .ci/install-claude.sh (or $CLAUDE_BIN); without it these tests skip,
except under CI (the environment variable CI is set), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLAUDE_VERSION = "2.1.330"
CACHE = Path(os.environ.get("AUTORESEARCH_TEST_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autoresearch-tests")
CLAUDE = os.environ.get("CLAUDE_BIN") or str(
    CACHE / f"claude-code-{CLAUDE_VERSION}" / "node_modules" / ".bin" / "claude")
LAUNCH = f'python3 "{ROOT}/autoresearch_helpers/plugin/launch.py"'
NOT_LOGGED_IN = "Not logged in · Please run /login"


@pytest.fixture(scope="module")
def claude() -> str:
    if not os.access(CLAUDE, os.X_OK):
        message = f"Claude Code {CLAUDE_VERSION} not found at {CLAUDE}: run .ci/install-claude.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CLAUDE


def clean_env(home: Path, path_first: str | None = None, extra: dict | None = None) -> dict:
    """No credentials and a throwaway HOME: the CLI renders, then stops at the login check."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANTHROPIC_", "CLAUDE_", "CLAUDECODE", "AWS_", "GOOGLE_"))}
    env.update(HOME=str(home), DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    env["PATH"] = (path_first or str(Path(sys.executable).parent)) + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


class Render:
    def __init__(self, proc: subprocess.CompletedProcess, home: Path):
        self.code = proc.returncode
        self.events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        self.stderr = proc.stderr
        self.init = next(e for e in self.events if e.get("subtype") == "init")
        self.result = next(e for e in self.events if e.get("type") == "result")
        self.messages = []  # the user turns of the transcript: strings and text blocks
        for transcript in sorted((home / ".claude" / "projects").glob("*/*.jsonl")):
            for line in transcript.read_text().splitlines():
                record = json.loads(line)
                if record.get("type") == "user":
                    content = record["message"]["content"]
                    self.messages += [content] if isinstance(content, str) else [
                        block.get("text", "") for block in content if block.get("type") == "text"]

    @property
    def prompt(self) -> str:
        """The expanded command body (the user turn that starts with our heading)."""
        found = [m for m in self.messages if m.startswith("# autoresearch\n")]
        assert len(found) == 1, f"no rendered prompt; result: {self.result.get('result')!r}"
        return found[0]

    def __repr__(self) -> str:
        return f"<exit {self.code} result {self.result.get('result')!r} stderr {self.stderr[-500:]!r}>"


def render(claude: str, prompt: str, cwd: Path, home: Path, **env_kw) -> Render:
    home.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([claude, "-p", prompt, "--plugin-dir", str(ROOT),
                           "--output-format", "stream-json", "--verbose"],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=clean_env(home, **env_kw))
    return Render(proc, home)


def context_line(cwd: Path, env: dict | None = None) -> str:
    """What the `!` line should show: the launcher's --context output, run here directly."""
    proc = subprocess.run(["sh", "-c", f"{LAUNCH} --context status --brief"], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc
    return proc.stdout.rstrip("\n")


def test_the_pinned_version_is_tested(claude):
    proc = subprocess.run([claude, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == f"{CLAUDE_VERSION} (Claude Code)"


@pytest.mark.parametrize("target", [".", ".claude-plugin/plugin.json", ".claude-plugin/marketplace.json"])
def test_manifests_validate_strictly(claude, target, tmp_path):
    proc = subprocess.run([claude, "plugin", "validate", target, "--strict"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=clean_env(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✔ Validation passed" in proc.stdout
    if target != ".claude-plugin/marketplace.json":
        assert "❯ commands: autoresearch:autoresearch" in proc.stdout
        assert ('❯ hooks: PreToolUse Edit|Write|MultiEdit|NotebookEdit|Read|NotebookRead|Grep|Glob|Bash|Monitor command '
                '"python3 \\"${CLAUDE_PLUGIN_ROOT}/autoresearch_helpers/plugin/hook.py\\""') in proc.stdout
        for event, script in (("Stop", "stop_hook.py"), ("SessionStart", "start_hook.py")):
            assert (f'❯ hooks: {event} command "python3 \\"${{CLAUDE_PLUGIN_ROOT}}'
                    f'/autoresearch_helpers/plugin/{script}\\""') in proc.stdout
        assert "❯ bin: autoresearch" in proc.stdout


def _commands_plugin(tmp_path: Path, command_text: str) -> Path:
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / "commands").mkdir()
    manifest = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    del manifest["commands"], manifest["hooks"]
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(manifest))
    (plugin / "commands" / "autoresearch.md").write_text(command_text)
    return plugin


def test_command_frontmatter_validates_from_a_commands_folder(claude, tmp_path):
    """The validator skips a file named by "commands"; in commands/ it parses the frontmatter."""
    good = _commands_plugin(tmp_path / "good", (ROOT / "autoresearch.md").read_text())
    proc = subprocess.run([claude, "plugin", "validate", str(good), "--strict"], capture_output=True,
                          text=True, timeout=120, env=clean_env(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = (ROOT / "autoresearch.md").read_text().replace("allowed-tools: Bash(", "allowed-tools: 5\nx: Bash(", 1)
    bad = _commands_plugin(tmp_path / "bad", broken)
    proc = subprocess.run([claude, "plugin", "validate", str(bad), "--strict"], capture_output=True,
                          text=True, timeout=120, env=clean_env(tmp_path))
    assert proc.returncode == 1
    assert "allowed-tools must be a string or array of strings, got number" in proc.stdout


@pytest.mark.parametrize("args", ["", "setup", "results", "status", "train.py"])
def test_each_argument_form_renders(claude, make_repo, tmp_path, args):
    repo = make_repo({"train.py": "lr = 0.01\n", "prepare.py": "DATA = 1\n"})
    shown = render(claude, f"/autoresearch {args}".strip(), repo, tmp_path / "claude-home")
    assert (shown.code, shown.result["result"]) == (1, NOT_LOGGED_IN), shown
    plugins = {p["name"]: p for p in shown.init["plugins"]}
    assert plugins["autoresearch"]["path"] == str(ROOT)
    assert plugins["autoresearch"]["version"] == "0.1.0"
    assert not shown.init.get("plugin_errors")
    # Only the namespaced name is listed; the `name:` line makes the bare form expand to it.
    assert "autoresearch:autoresearch" in shown.init["slash_commands"]
    header = next(m for m in shown.messages if "<command-name>" in m)
    assert "<command-name>/autoresearch:autoresearch</command-name>" in header
    assert (f"<command-args>{args}</command-args>" in header) == bool(args)

    prompt = shown.prompt
    for leftover in ("${CLAUDE_PLUGIN_ROOT}", "$ARGUMENTS", "${"):
        assert leftover not in prompt
    assert "    autoresearch VERB ...\n" in prompt  # bin/autoresearch, on the Bash tool's PATH
    state = context_line(repo, clean_env(tmp_path / "claude-home"))
    assert f"\n- Session state: {state}\n" in prompt
    assert f"\n- Argument (empty when none was given): `{args}`\n" in prompt
    if args:
        assert "$0" not in prompt
        assert f'`setup "{args}"`' in prompt
        assert f"`/autoresearch {args}`" in prompt


def test_explicit_plugin_name_renders_too(claude, make_repo, tmp_path):
    repo = make_repo({"train.py": "lr = 0.01\n"})
    shown = render(claude, "/autoresearch:autoresearch setup", repo, tmp_path / "claude-home")
    assert "\n- Argument (empty when none was given): `setup`\n" in shown.prompt


def test_context_line_never_aborts_outside_a_git_repository(claude, tmp_path):
    outside = tmp_path / "plain-folder"
    outside.mkdir()
    shown = render(claude, "/autoresearch status", outside, tmp_path / "claude-home")
    assert (shown.code, shown.result["result"]) == (1, NOT_LOGGED_IN), shown
    state = context_line(outside, clean_env(tmp_path / "claude-home"))
    assert state.startswith("autoresearch: ")
    assert f"\n- Session state: {state}\n" in shown.prompt


def test_context_line_on_a_first_run_before_the_helper_is_installed(claude, make_repo, tmp_path):
    """python3 is a bare interpreter and nothing is installed: one line, no install, no abort."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A script, not a symlink: Python finds its venv next to the path it was started by.
    (bin_dir / "python3").write_text(f'#!/bin/sh\nexec "{bare}/bin/python" "$@"\n')
    (bin_dir / "python3").chmod(0o755)
    data = tmp_path / "data"
    repo = make_repo({"train.py": "lr = 0.01\n"})
    shown = render(claude, "/autoresearch", repo, tmp_path / "claude-home", path_first=str(bin_dir),
                   extra={"XDG_DATA_HOME": str(data)})
    assert (shown.code, shown.result["result"]) == (1, NOT_LOGGED_IN), shown
    assert ("\n- Session state: autoresearch: the helper is not installed yet; the first "
            "autoresearch command installs it (once)\n") in shown.prompt
    assert not data.exists()


def test_versions_agree():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    plugin = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text())
    market = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text())
    (listed,) = market["plugins"]
    assert plugin["version"] == listed["version"] == version
    assert (plugin["name"], listed["name"], listed["source"]) == ("autoresearch", "autoresearch", "./")
    assert plugin["commands"] == "./autoresearch.md"


def test_marketplace_add_then_install_then_the_command_renders(claude, make_repo, tmp_path):
    """What a user does: /plugin marketplace add <repo>; /plugin install autoresearch@autoresearch."""
    home = tmp_path / "claude-home"
    home.mkdir()
    repo = make_repo({"train.py": "lr = 0.01\n"})
    for args in (["marketplace", "add", str(ROOT)], ["install", "autoresearch@autoresearch"]):
        proc = subprocess.run([claude, "plugin", *args], cwd=repo, capture_output=True, text=True,
                              timeout=120, env=clean_env(home))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Successfully installed plugin: autoresearch@autoresearch" in proc.stdout
    proc = subprocess.run([claude, "-p", "/autoresearch setup", "--output-format", "stream-json",
                           "--verbose"], cwd=repo, capture_output=True, text=True, timeout=120,
                          env=clean_env(home))
    shown = Render(proc, home)
    assert (shown.code, shown.result["result"]) == (1, NOT_LOGGED_IN), shown
    (plugin,) = [p for p in shown.init["plugins"] if p["name"] == "autoresearch"]
    assert plugin["source"] == "autoresearch@autoresearch"
    assert not shown.init.get("plugin_errors")
    assert "\n- Argument (empty when none was given): `setup`\n" in shown.prompt
    assert "${CLAUDE_PLUGIN_ROOT}" not in shown.prompt


def test_the_context_line_gives_a_new_session_the_projects_instructions(claude, make_repo, cli,
                                                                          tmp_path):
    from engine_project import project

    repo = make_repo(project(files={"program.md": "# Rules\n\n- never import zlib\n"}))
    assert cli(repo, "setup", "--tag", "t1").code == 0
    shown = render(claude, "/autoresearch", repo, tmp_path / "claude-home")
    state = context_line(repo, clean_env(tmp_path / "claude-home"))
    assert "run: python3 exp.py · measure: the last 'score: value' line of run.log" in state
    assert state.endswith("- never import zlib\n--- end of program.md ---")
    assert f"\n- Session state: {state}\n" in shown.prompt
