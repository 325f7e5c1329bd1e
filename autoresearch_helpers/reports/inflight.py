"""The experiment in flight, for `status` and the dashboard: running, or interrupted.

An experiment is pending in session.json from its commit until its result is logged. It
is *running* while the helper that started it still holds the session lock (a read-only
probe, store/lock.py: the kernel drops the lock when that process dies, however it
dies); a pending experiment whose helper is gone was *interrupted*, and the next `run`
or `setup` repairs it. Read-only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import lock, session
from autoresearch_helpers.store.session import State


@dataclass
class Running:
    """The experiment a live `autoresearch run` is evaluating (``status --json``'s shape)."""

    number: int
    description: str
    started: str | None  # ISO 8601 with the UTC offset; None in an older session file
    elapsed_s: float | None
    budget_s: float | None  # time_budget: what each run of the experiment may take
    pid: int | None  # the `autoresearch run` process

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def fraction(self) -> float | None:
        """How much of the budget has gone, 0 to 1; None when either is unknown."""
        if self.elapsed_s is None or not self.budget_s:
            return None
        return min(max(self.elapsed_s / self.budget_s, 0.0), 1.0)


def running(root, state: State | None, now: datetime | None = None) -> Running | None:
    """The pending experiment when the helper that started it still runs, else None."""
    pending = state.pending if state else None
    if pending is None:
        return None
    held = lock.holder(root)
    if held is None or (None not in (held.pid, pending.pid) and held.pid != pending.pid):
        return None  # no one holds the lock, or a later command does (repairing it)
    elapsed = None
    try:
        started = datetime.fromisoformat(pending.started_at)
        now = now or datetime.now(timezone.utc)
        elapsed = round(max((now - started).total_seconds(), 0.0), 1)
    except (ValueError, TypeError):  # no start (an older file), or one without an offset
        pass
    budget = (state.config.get("values") or {}).get("time_budget")
    return Running(pending.number, pending.description, pending.started_at or None, elapsed,
                   float(budget) if isinstance(budget, (int, float)) else None,
                   pending.pid or held.pid)


def interrupted(state: State | None, now_running: Running | None) -> bool:
    """A pending experiment whose helper is gone: the next run or setup repairs it."""
    return state is not None and state.pending is not None and now_running is None


def look(root) -> Running | None:
    """The running experiment from session.json, None when there is none or the file
    cannot be read (the dashboard: a passing state never stops the view)."""
    try:
        return running(root, session.load(root))
    except AutoresearchError:
        return None


def duration(seconds: float) -> str:
    """``2.5s``, ``45s``, ``1m12s``, ``5m``, ``1h30m``: whole seconds from 10 s, for people."""
    if seconds < 10 and seconds != int(seconds):
        return f"{seconds:.1f}s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s"))
                   if n) or "0s"


def timing(r: Running) -> str:
    """``1m12s of 5m budget``, or what of it is known."""
    if r.elapsed_s is None:
        return f"{duration(r.budget_s)} budget" if r.budget_s else ""
    if r.budget_s is None:
        return duration(r.elapsed_s)
    return f"{duration(r.elapsed_s)} of {duration(r.budget_s)} budget"


def line(r: Running) -> str:
    """``running: experiment 4 "lr 0.02" for 1m12s of 5m budget (pid 1234)``."""
    when = timing(r)
    return (f'running: experiment {r.number} "{r.description}"'
            + (f" for {when}" if r.elapsed_s is not None else f", {when}" if when else "")
            + (f" (pid {r.pid})" if r.pid else ""))
