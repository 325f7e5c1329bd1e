"""Running the dashboard: one frame when stdout is not a terminal, else a live view.

The live view tails the log files (``LiveModel.poll`` reads only appended bytes) and
redraws when they grew or the terminal was resized, and at every check while an
experiment runs (its bar of the time budget moves; reports/inflight.py). rich (and
render.py, built on it) is loaded only when a frame is drawn, so the other verbs never
load it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time

from autoresearch_dashboard.model import LiveModel
from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError, UsageError
from autoresearch_helpers.reports import inflight
from autoresearch_helpers.reports.summarise import load_summary
from autoresearch_helpers.vocab import inert


def add_arguments(parser) -> None:
    parser.add_argument("--watch", action="store_true",
                        help="keep refreshing as experiments are logged (the default on a terminal)")
    parser.add_argument("--once", action="store_true", help="print one frame and exit")
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                        help="how often the live view checks the logs (default 1)")


def size() -> tuple[int, int]:
    cols, lines = shutil.get_terminal_size((80, 24))
    return max(cols, 40), max(lines, 12)


def run(args) -> int:
    if args.interval <= 0:
        raise UsageError(f"--interval must be a positive number of seconds, got {args.interval}")
    root = paths.find_logs()
    if args.once or not sys.stdout.isatty():
        summary = load_summary(root, last=200)  # raises the "run setup" message without logs
        width, height = size()
        from autoresearch_dashboard.render import frame  # rich, loaded only to draw

        _console(width, height).print(frame(summary, root, width, height,
                                            now_running=inflight.look(root)))
        return 0
    return live(root, args.interval)


def _console(width: int, height: int):
    """A console of that size; colour only on a terminal (a file or a pipe gets plain text)."""
    from rich.console import Console

    tty = sys.stdout.isatty()
    return Console(width=width, height=height, force_terminal=tty,
                   color_system="auto" if tty else None, highlight=False, emoji=False)


def live(root, interval: float) -> int:
    from rich.console import Console
    from rich.live import Live

    from autoresearch_dashboard.render import frame

    model = LiveModel(root)
    console = Console(highlight=False, emoji=False)
    shown = None
    with Live(console=console, screen=True, auto_refresh=False) as view:
        was_running = False
        while True:
            changed = model.poll()
            now, now_running = console.size, inflight.look(root)
            if changed or now != shown or now_running or was_running:  # its clock moves
                shown, was_running = now, now_running is not None
                view.update(frame(model.summary(), root, now.width, now.height, True,
                                  now_running), refresh=True)
            time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autoresearch_dashboard",
                                     description="the autoresearch terminal dashboard")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except AutoresearchError as exc:
        print(f"autoresearch dashboard: error: {inert(str(exc), lines=True)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
