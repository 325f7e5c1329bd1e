"""`autoresearch loop --agent CMD`: the experiment loop without a conversation (tmux, CI,
cron). It sets up or resumes the session exactly as `autoresearch setup` does (by running
it), then hands the turns to agents/loop.py. Exit 0 when a limit or a stop request ended
it, 1 after --max-crashes crashes in a row, 130 on Ctrl+C; the same command resumes."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.agents.base import Limits
from autoresearch_helpers.agents.loop import run_loop, summary_line
from autoresearch_helpers.agents.registry import make_agent
from autoresearch_helpers.config.load import load_config
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.store import session


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r}: a number above 0")
        return value
    return parse


def add_arguments(parser) -> None:
    parser.add_argument("target", nargs="?", help="a new session's file to edit (as setup)")
    parser.add_argument("--agent", required=True, metavar="CMD",
                        help="claude, codex, optuna, or a shell command (the prompt on its "
                             "stdin, or in place of {prompt})")
    parser.add_argument("--tag", help="the session's tag (as setup: a new one or a parked one)")
    parser.add_argument("--max-experiments", type=_positive(int), metavar="N",
                        help="stop after N experiments of this loop")
    parser.add_argument("--max-hours", type=_positive(float), metavar="H",
                        help="start no experiment after H hours")
    parser.add_argument("--max-crashes", type=_positive(int), default=5, metavar="K",
                        help="stop after K crashes in a row (default 5)")
    parser.add_argument("--agent-timeout", type=_positive(float), default=600.0, metavar="S",
                        help="stop an agent's turn after S seconds (default 600)")
    parser.add_argument("--budget-usd", type=_positive(float), metavar="X",
                        help="stop once the agent's turns cost X dollars (as the agent "
                             "reports it: claude does)")


def _target(root, given: str | None) -> str:
    """The file the session edits: the one given, the session's, else the configured one."""
    if given:
        return given
    state = session.load(root)
    if state is not None and state.config:
        return state.config["values"]["target_file"]
    return load_config(Path(root))["target_file"]


def run(args) -> int:
    root = paths.find_root()
    agent = make_agent(args.agent, root, args)  # a bad --agent is refused before setup
    if args.budget_usd is not None and not getattr(agent, "reports_cost", False):
        raise UsageError(f"--budget-usd counts what the agent's turns cost, and the agent "
                         f"'{args.agent}' does not say (the claude preset does)")
    check = getattr(agent, "check", None)  # an agent that can refuse the target now
    if check is not None:
        check(_target(root, args.target))
    setup = [sys.executable, "-m", "autoresearch_helpers", "setup"]
    setup += ["--tag", args.tag] if args.tag else []
    setup += [args.target] if args.target else []
    code = subprocess.run(setup, cwd=root).returncode
    if code != 0:
        return 128 - code if code < 0 else code  # killed by signal S: 128+S, as a shell says
    sys.stdout.flush()
    limits = Limits(max_experiments=args.max_experiments, max_hours=args.max_hours,
                    max_crashes=args.max_crashes, budget_usd=args.budget_usd,
                    agent_timeout_s=args.agent_timeout)
    summary = run_loop(root, agent, limits)
    print(summary_line(summary), file=sys.stderr if summary.exit_code == 1 else sys.stdout)
    return summary.exit_code
