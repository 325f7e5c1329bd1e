"""Running the dashboard: one frame when stdout is not a terminal, else a live view.

The live view tails the log files (``LiveModel.poll`` reads only appended bytes) and
redraws when they grew or the terminal was resized. rich is imported here, never by the
modules that ``run`` or ``status`` import.
"""

from __future__ import annotations

import sys

from autoresearch_helpers.errors import AutoresearchError, UsageError


def add_arguments(parser) -> None:
    parser.add_argument("--watch", action="store_true",
                        help="keep refreshing as experiments are logged (the default on a terminal)")
    parser.add_argument("--once", action="store_true", help="print one frame and exit")
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                        help="how often the live view checks the logs (default 1)")


def size() -> tuple[int, int]:
    from autoresearch_helpers.termsize import terminal_size

    cols, lines = terminal_size((80, 24))
    return max(cols, 40), max(lines, 12)


def run(args) -> int:
    from autoresearch_helpers.summary import find_folder, load_summary

    if args.interval <= 0:
        raise UsageError(f"--interval must be a positive number of seconds, got {args.interval}")
    root = find_folder()
    if args.once or not sys.stdout.isatty():
        summary = load_summary(root, last=200)  # raises the "run setup" message without logs
        width, height = size()
        text = None if sys.stdout.isatty() else plain_frame(summary, root, width, height)
        if text is not None:
            sys.stdout.write(text)
            return 0
        _console().print(_frame(summary, root, width, height))
        return 0
    return live(root, args.interval)


def plain_frame(summary, root, width: int, height: int) -> str | None:
    """The frame rich would print without colour, without importing rich (dashboard.plain);
    None when only rich can lay it out, or the output cannot take its box characters."""
    if not (getattr(sys.stdout, "encoding", None) or "").lower().startswith("utf"):
        return None
    from autoresearch_dashboard.plain import frame_text

    return frame_text(summary, root, width, height)


def _console(**kwargs):
    from rich.console import Console

    width, height = size()
    tty = sys.stdout.isatty()
    return Console(width=width, height=height, force_terminal=tty,
                   color_system="auto" if tty else None, highlight=False, emoji=False,
                   **kwargs)


def _frame(summary, root, width, height, watching=False):
    from autoresearch_dashboard.render import frame

    return frame(summary, root, width, height, watching)


def live(root, interval: float) -> int:
    import time

    from rich.console import Console
    from rich.live import Live

    from autoresearch_dashboard.model import LiveModel

    model = LiveModel(root)
    console = Console(highlight=False, emoji=False)
    shown = None
    with Live(console=console, screen=True, auto_refresh=False) as view:
        while True:
            changed = model.poll()
            now = console.size
            if changed or now != shown:
                shown = now
                view.update(_frame(model.summary(), root, now.width, now.height, True),
                            refresh=True)
            time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autoresearch_dashboard",
                                     description="the autoresearch terminal dashboard")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except AutoresearchError as exc:
        print(f"autoresearch dashboard: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
