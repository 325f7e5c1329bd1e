"""`autoresearch dashboard`: the terminal dashboard (package autoresearch_dashboard).

One frame and exit 0 when stdout is not a terminal (or with --once); on a terminal a live
view that follows the logs as experiments are appended. Ctrl-C leaves it.
"""

from __future__ import annotations

from autoresearch_dashboard import app


def add_arguments(parser) -> None:
    app.add_arguments(parser)


def run(args) -> int:
    try:
        return app.run(args)
    except KeyboardInterrupt:
        return 0
