"""`--agent SPEC` to an agent: `claude`, `codex`, `optuna`, or any other shell command."""

from __future__ import annotations

from autoresearch_helpers.agents.base import Agent
from autoresearch_helpers.agents.command import ClaudeAgent, CommandAgent, codex_agent
from autoresearch_helpers.errors import UsageError

PRESETS = ("claude", "codex", "optuna")


def make_agent(spec: str, root, args) -> Agent:
    """The agent ``spec`` names; ``args``: the loop's options (budget_usd is read)."""
    spec = (spec or "").strip()
    if not spec:
        raise UsageError("--agent is empty: give claude, codex, optuna or a shell command")
    if spec == "claude":
        return ClaudeAgent(budget_usd=getattr(args, "budget_usd", None))
    if spec == "codex":
        return codex_agent()
    if spec == "optuna":
        try:
            from autoresearch_helpers.agents.optuna_agent import OptunaAgent
        except ImportError as exc:
            raise UsageError(f"the optuna agent is not available ({exc})") from None
        return OptunaAgent(root)
    return CommandAgent(spec)
