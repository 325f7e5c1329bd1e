"""An agent that is a command line: any agent CLI, run once per turn through /bin/sh in the
repository, in its own process group under the turn's timeout (engine/process.py: the
whole tree is killed at the timeout and on Ctrl+C). The prompt goes in place of
``{prompt}`` (shell-quoted) when the command has it, else on its standard input. Its
output is kept in .autoresearch/agent/ (the last turn's); its last ``DESCRIPTION: ...``
line describes the experiment."""

from __future__ import annotations

import json
import os
import shlex

from autoresearch_helpers import paths
from autoresearch_helpers.agents import prompt as prompts
from autoresearch_helpers.agents.base import Reply, Turn
from autoresearch_helpers.engine import process
from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.vocab import inert

PLACEHOLDER = "{prompt}"
FILE_TOOLS = "Read,Edit,Write,Glob,Grep"  # what the claude preset may use: no shell


def agent_dir(root) -> str:
    return os.path.join(paths.state_dir(root), "agent")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except FileNotFoundError:
        return ""


def _last_line(*texts: str) -> str:
    for text in texts:
        lines = [line for line in text.splitlines() if line.strip()]
        if lines:
            return inert(lines[-1].strip())[:200]
    return ""


class CommandAgent:
    """``command``: a shell command; see the module's doc."""

    reports_cost = False  # whether its replies carry cost_usd (what --budget-usd counts)

    def __init__(self, command: str, name: str | None = None):
        self.command = command
        self.name = name or command

    def command_line(self, turn: Turn) -> tuple[str, bool]:
        """(the shell command of this turn, whether the prompt goes on stdin)."""
        if PLACEHOLDER in self.command:
            return self.command.replace(PLACEHOLDER, shlex.quote(turn.prompt)), False
        return self.command, True

    def act(self, turn: Turn) -> Reply:
        where = agent_dir(turn.root)
        os.makedirs(where, exist_ok=True)
        prompt_file, out, err = (os.path.join(where, name) for name in
                                 ("prompt.txt", "output.log", "error.log"))
        with open(prompt_file, "w", encoding="utf-8") as fh:
            fh.write(turn.prompt)
        cmd, on_stdin = self.command_line(turn)
        try:
            result = process.run_command(cmd, turn.root, out, turn.timeout_s, stderr_path=err,
                                         stdin_path=prompt_file if on_stdin else None)
        except process.RunInterrupted:
            return Reply(error="agent_interrupted", detail="the agent was interrupted")
        stdout, stderr = _read(out), _read(err)
        if result.timed_out:
            return Reply(error="agent_timeout",
                         detail=f"the agent ran past its {turn.timeout_s:g} s and was stopped")
        code = process.error_code(result)
        if code:
            return Reply(error="agent_failed",
                         detail=f"the agent failed ({code}): {_last_line(stderr, stdout)}")
        return self.reply(stdout)

    def reply(self, stdout: str) -> Reply:
        return Reply(description=prompts.description(stdout))

    def tell(self, outcome: Outcome) -> None:
        """A command starts afresh each turn: the next prompt carries the result."""


class ClaudeAgent(CommandAgent):
    """``claude -p``: file tools only, edits accepted, the plugin's hooks on, JSON output
    for the cost; with a budget, each turn may spend at most what is left of it."""

    reports_cost = True

    def __init__(self, budget_usd: float | None = None, binary: str = "claude"):
        super().__init__(binary, name="claude")
        self.binary, self.budget_usd, self.spent = binary, budget_usd, 0.0

    def argv(self) -> list[str]:
        argv = [self.binary, "-p", "--permission-mode", "acceptEdits",
                "--allowedTools", FILE_TOOLS, "--output-format", "json"]
        root = plugin_root()
        if root:
            argv += ["--plugin-dir", root]
        if self.budget_usd is not None:
            argv += ["--max-budget-usd", f"{max(self.budget_usd - self.spent, 0.0):.4f}"]
        return argv

    def command_line(self, turn: Turn) -> tuple[str, bool]:
        return shlex.join(self.argv()), True

    def reply(self, stdout: str) -> Reply:
        data = _json_object(stdout)
        cost = data.get("total_cost_usd")
        cost = float(cost) if isinstance(cost, (int, float)) else None
        self.spent += cost or 0.0
        text = data.get("result") if isinstance(data.get("result"), str) else stdout
        if data.get("is_error"):
            return Reply(error="agent_failed", cost_usd=cost,
                         detail=f"claude: {inert(str(data.get('subtype') or 'error'))[:100]}: "
                                f"{_last_line(text)}")
        return Reply(description=prompts.description(text), cost_usd=cost)


def _json_object(text: str) -> dict:
    """The JSON object claude printed (the whole output, else its last line); {} if none."""
    lines = text.strip().splitlines()
    for candidate in (text, lines[-1] if lines else ""):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


def codex_agent() -> CommandAgent:
    """``codex exec``: the prompt as its argument, edits allowed in the workspace."""
    return CommandAgent(f"codex exec --full-auto {PLACEHOLDER}", name="codex")


def plugin_root() -> str | None:
    """The plugin's folder (the package's parent) when it is one, for --plugin-dir."""
    import autoresearch_helpers

    root = os.path.dirname(os.path.dirname(os.path.abspath(autoresearch_helpers.__file__)))
    return root if os.path.isfile(os.path.join(root, ".claude-plugin", "plugin.json")) else None
