"""The unattended loop: an agent edits, the engine runs the experiment, again and again.

Each turn: the prompt (agents/prompt.py) -> ``agent.act`` under its timeout -> the
experiment exactly as `autoresearch run` runs it (engine/experiment.py), described by the
agent's DESCRIPTION line, else by a summary of its diff. The session lock is held for the
whole loop. A turn that
comes to no experiment (the agent timed out, failed, or changed nothing) is still one
logged result: a crash ``agent_timeout``, ``agent_failed`` or ``agent_no_change``, whose
change, if any, is set aside under .autoresearch/rejected/<n>/. Those count toward
``max_crashes`` as any crash does.

Stops before a turn on max_experiments (of this loop), max_hours, a stop request, the
session's own max_experiments, max_crashes crashes in a row (this loop's) or the budget. Ctrl+C during
the agent's turn: its process tree is killed, a change it had begun is set aside (a crash
``agent_interrupted``; no change, nothing logged), and the loop ends (exit 130); during the experiment the engine
logs the ``interrupted`` crash and the loop ends after it.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from autoresearch_helpers.agents import prompt as prompts
from autoresearch_helpers.agents.base import Agent, Limits, Reply, Turn
from autoresearch_helpers.agents.progress import Progress
from autoresearch_helpers.agents.told import outcome_lines
from autoresearch_helpers.engine import champion, git, scope
from autoresearch_helpers.engine.experiment import (
    Outcome, load_active, record_no_run, run_experiment)
from autoresearch_helpers.store import lock, logs, session, sessions
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import CRASH, fmt_count, fmt_value, inert


@dataclass
class LoopSummary:
    experiments: int = 0  # logged by this loop (agent crashes included)
    keeps: int = 0
    discards: int = 0
    crashes: int = 0
    best: float | None = None
    stopped_by: str = ""  # max_experiments, max_hours, stop_requested, finished,
    # max_crashes, budget, interrupted
    message: str = ""  # why it stopped, one line
    cost_usd: float = 0.0  # what the agent said its turns cost

    @property
    def exit_code(self) -> int:
        return {"interrupted": 130, "max_crashes": 1}.get(self.stopped_by, 0)


def run_loop(root, agent: Agent, limits: Limits, *, live: bool | None = None,
             out=sys.stdout) -> LoopSummary:
    """Run turns until a limit (see the module's doc); the session must have a baseline.
    The session lock is held throughout: no other loop, run or setup meanwhile."""
    root = str(root)
    with lock.Lock(root, "loop"):
        first = load_active(root)
        summary = LoopSummary(best=first.champion.value)
        live = out.isatty() if live is None else live
        progress = Progress(out, live, limits.max_experiments, limits.max_hours)
        try:
            _turns(root, agent, limits, first, summary, progress)
        finally:
            progress.close()
        if summary.stopped_by == "stop_requested":
            note = champion.remove(root)  # a noisy metric's cache: stop's work, left to us
            if note:
                print(inert(note), file=out)
    return summary


def _turns(root, agent: Agent, limits: Limits, first: State, summary: LoopSummary,
           progress: Progress) -> None:
    start, last, streak = time.monotonic(), [], []  # streak: this loop's crashes in a row
    while True:
        state = load_active(root)
        _count(summary, first, state)
        if _stop(root, state, limits, summary, time.monotonic() - start, streak):
            return
        progress.turn(state.champion.value, f"{agent.name} working")
        try:
            reply = agent.act(Turn(root, prompts.build(root, state, last), state,
                                   limits.agent_timeout_s))
        except KeyboardInterrupt:
            reply = Reply(error="agent_interrupted", detail="the agent was interrupted")
        summary.cost_usd += reply.cost_usd or 0.0
        progress.turn(state.champion.value, "running the experiment")
        try:
            outcome = _experiment(root, reply)
        except KeyboardInterrupt:  # the engine logged the interrupted experiment
            outcome = None
            progress.result(_interrupted(load_active(root)))
        _count(summary, first, load_active(root))
        if outcome is not None:
            streak[:] = [*streak, outcome] if outcome.status == CRASH else []
            agent.tell(outcome)
            progress.result(outcome)
            last = outcome_lines(root, outcome)
        if outcome is None or reply.error == "agent_interrupted":
            summary.stopped_by, summary.message = "interrupted", "interrupted (Ctrl+C)"
            return


def _experiment(root, reply: Reply) -> Outcome | None:
    """The logged result of this turn (None: an interrupted turn that had changed
    nothing, so there is nothing to log). The caller holds the session lock."""
    logs.check_appendable(root)
    state = load_active(root)
    head, _, entries = git.status(root)
    changes = scope.agent_changes(root, entries, scope.load_leftover(root))
    changed = bool(changes) or head != state.champion.commit
    description = reply.description or (diff_summary(root, changes) if changed else
                                         "no change")
    if reply.error == "agent_interrupted" and not changed:
        return None
    if reply.error:
        return record_no_run(root, description, reply.error, reply.detail)
    if not changed:
        return record_no_run(root, description, "agent_no_change",
                             "the agent changed none of the editable files")
    return run_experiment(root, description)


def _interrupted(state: State) -> Outcome:
    """The experiment a Ctrl+C cut short, as the engine logged it (its last result)."""
    last = state.recent[-1] if state.recent else {}
    return Outcome(number=state.experiments, status=CRASH,
                   description=last.get("description", ""), error="interrupted",
                   detail="the experiment was interrupted (Ctrl+C)", state=state)


def _count(summary: LoopSummary, first, state) -> None:
    summary.experiments = state.experiments - first.experiments
    for name, field in (("keep", "keeps"), ("discard", "discards"), ("crash", "crashes")):
        setattr(summary, field, state.counts.get(name, 0) - first.counts.get(name, 0))
    summary.best = state.champion.value


def _stop(root, state: State, limits: Limits, summary: LoopSummary, elapsed: float,
          streak: list[Outcome]) -> bool:
    """Whether to stop before the next turn; says why in ``summary``."""
    why = None
    if session.stop_requested(root):
        why = "stop_requested", "a stop was requested"
    elif sessions.phase(root, state) == sessions.FINISHED:
        why = "finished", (f"the session's max_experiments "
                           f"({state.config['values']['max_experiments']}) is reached")
    elif limits.max_experiments is not None and summary.experiments >= limits.max_experiments:
        why = "max_experiments", f"--max-experiments {limits.max_experiments} reached"
    elif limits.max_hours is not None and elapsed >= limits.max_hours * 3600:
        why = "max_hours", f"--max-hours {limits.max_hours:g} reached"
    elif limits.max_crashes and len(streak) >= limits.max_crashes:
        errors = [f"#{o.number} {o.error}: {o.detail[:80]}" for o in streak[-3:]]
        why = "max_crashes", (f"{len(streak)} crashes in a row (the last: "
                              f"{'; '.join(errors)}): fix the cause, then run the loop again")
    elif limits.budget_usd is not None and summary.cost_usd >= limits.budget_usd:
        why = "budget", f"the budget is spent (${summary.cost_usd:.2f} of ${limits.budget_usd:g})"
    if why:
        summary.stopped_by, summary.message = why
    return why is not None


def diff_summary(root, changes) -> str:
    """``edit a.py, b.py (+3 -1)``: the files the agent changed and its lines."""
    added = removed = 0
    for line in git.git(root, "diff", "--numstat", "HEAD", "--").splitlines():
        plus, minus, _ = line.split("\t", 2)
        added += int(plus) if plus.isdigit() else 0
        removed += int(minus) if minus.isdigit() else 0
    for code, path, _ in changes:
        if code == "??":
            try:
                with open(f"{root}/{path}", "rb") as fh:
                    added += fh.read().count(b"\n")
            except OSError:
                pass
    files = sorted({path for _, path, _ in changes})
    shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    return f"edit {shown or 'committed files'} (+{added} -{removed})"


def summary_line(s: LoopSummary) -> str:
    return inert(f"loop stopped: {s.message} · {fmt_count(s.experiments, 'experiment')}: "
            f"{s.keeps} kept, {s.discards} discarded, {fmt_count(s.crashes, 'crash', 'crashes')}"
            f" · best {fmt_value(s.best)}")
