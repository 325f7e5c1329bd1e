"""What the loop gives an agent each iteration, what it gets back, and when it stops.

An agent edits the editable files in the working tree (``act``); the loop then runs the
experiment exactly as ``autoresearch run`` does and tells the agent how it went (``tell``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.store.session import State


@dataclass
class Turn:
    """One iteration's input."""

    root: str  # the repository, its working tree at the champion
    prompt: str  # instructions, brief status, last result, editable files, rules
    state: State  # the session as loaded before this turn (read it, never save it)
    timeout_s: float  # the agent's call is stopped after this long


@dataclass
class Reply:
    """What an agent's turn came to."""

    description: str | None = None  # its one line (DESCRIPTION: ...), else None
    error: str | None = None  # agent_timeout, agent_failed, agent_interrupted; None when fine
    detail: str = ""  # one line about the error
    cost_usd: float | None = None  # what the turn cost, when the agent says


@runtime_checkable
class Agent(Protocol):
    name: str

    def act(self, turn: Turn) -> Reply:
        """Edit the editable files under ``turn.root`` for one experiment."""

    def tell(self, outcome: Outcome) -> None:
        """The experiment's result (keep, discard or crash, its value)."""


@dataclass
class Limits:
    """When ``autoresearch loop`` stops (besides a stop request and Ctrl+C)."""

    max_experiments: int | None = None  # experiments of this loop, not the baseline
    max_hours: float | None = None
    max_crashes: int = 5  # crashes in a row
    budget_usd: float | None = None  # what the agent's turns may cost in all
    agent_timeout_s: float = 600.0
