"""`autoresearch dashboard`: the terminal dashboard (package autoresearch_dashboard).

One frame and exit 0 when stdout is not a terminal (or with --once); on a terminal a live
view that follows the logs as experiments are appended. Ctrl-C leaves it.
"""

from __future__ import annotations


def add_arguments(parser) -> None:
    from autoresearch_dashboard.app import add_arguments as dashboard_arguments

    dashboard_arguments(parser)


def parse_fast(argv: list[str]):
    """The plain forms without argparse (see autoresearch_helpers.fastargs); None: argparse."""
    from autoresearch_helpers import fastargs

    return fastargs.parse(argv, values={"--interval": "interval"},
                          flags={"--watch": "watch", "--once": "once"}, types={"interval": float},
                          defaults={"watch": False, "once": False, "interval": 1.0})


def run(args) -> int:
    from autoresearch_dashboard.app import run as dashboard_run

    try:
        return dashboard_run(args)
    except KeyboardInterrupt:
        return 0
