"""What `autoresearch loop` shows: on a terminal a live line (experiment n of N, best so far,
elapsed, ETA) under one line per result; elsewhere one plain line per experiment."""

from __future__ import annotations

import time

from autoresearch_helpers.engine.experiment import Outcome
from autoresearch_helpers.vocab import CRASH, fmt_value, inert


def result_line(o: Outcome) -> str:
    """#number status value best description (a crash: its code and detail instead of
    the value)."""
    state = o.state
    what = f"{o.error}" if o.status == CRASH else fmt_value(o.value)
    why = f" · {o.reason}" if o.status != CRASH and o.reason else ""
    line = (f"#{o.number} {o.status:<7} {what:<14} best {fmt_value(state.champion.value)}"
            f"{why} · {o.description}")
    if o.status == CRASH and o.detail:
        line += f" · {o.detail[:160]}"
    if o.saved:
        line += f" · change saved under {o.saved}/"
    return inert(line)


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """``live``: the rich line on ``out``; else plain lines only."""

    def __init__(self, out, live: bool, max_experiments: int | None,
                 max_hours: float | None):
        self.out, self.total, self.hours = out, max_experiments, max_hours
        self.start, self.done, self.best, self.doing = time.monotonic(), 0, None, ""
        self.live = None
        if live:
            from rich.console import Console
            from rich.live import Live

            self.console = Console(file=out)
            self.live = Live(self._text(), console=self.console, refresh_per_second=2,
                             transient=True)
            self.live.start()

    def _eta(self, elapsed: float) -> str | None:
        left = []
        if self.total and self.done:
            left.append(elapsed / self.done * (self.total - self.done))
        if self.hours:
            left.append(self.hours * 3600 - elapsed)
        return _duration(min(left)) if left else None

    def _text(self):
        from rich.text import Text

        elapsed = time.monotonic() - self.start
        n = f"experiment {self.done + 1}" + (f" of {self.total}" if self.total else "")
        parts = [n, self.doing, f"best {fmt_value(self.best)}", f"{_duration(elapsed)} elapsed"]
        eta = self._eta(elapsed)
        if eta:
            parts.append(f"ETA {eta}")
        return Text(" · ".join(p for p in parts if p))

    def turn(self, best: float | None, doing: str) -> None:
        self.best, self.doing = best, doing
        if self.live is not None:
            self.live.update(self._text())

    def result(self, outcome: Outcome) -> None:
        self.done += 1
        self.line(result_line(outcome))

    def line(self, text: str) -> None:
        if self.live is not None:
            self.console.print(text, markup=False, highlight=False)
            self.live.update(self._text())
        else:
            print(text, file=self.out, flush=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
