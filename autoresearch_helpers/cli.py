"""The `autoresearch` command line: a table of verbs, nothing else.

Each verb is a module ``autoresearch_helpers/commands/<verb>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``: it parses, calls the engine or a report, and prints.
"""

from __future__ import annotations

import argparse
import sys

from autoresearch_helpers import __version__
from autoresearch_helpers.commands import (
    compare, config, dashboard, detect, finalize, query, report, results, run, setup, status,
    stop)
from autoresearch_helpers.errors import AutoresearchError

VERBS = {  # verb -> (module, one-line help)
    "detect": (detect, "detect the project type and its defaults"),
    "config": (config, "show the effective configuration and where each value came from"),
    "setup": (setup, "create the experiment branch and logs, and measure the baseline"),
    "run": (run, "run one experiment of the change now in the working tree"),
    "status": (status, "the session state: best, counts, recent experiments"),
    "stop": (stop, "ask the loop to stop after the current experiment"),
    "results": (results, "the results summary: counts, best, trend, recent experiments"),
    "query": (query, "apply a jq filter to each record of the JSONL log"),
    "dashboard": (dashboard, "the terminal dashboard (one frame when not on a terminal)"),
    "report": (report, "write a self-contained HTML report"),
    "compare": (compare, "two sessions side by side"),
    "finalize": (finalize, "collect the kept changes on a clean branch, with a summary"),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autoresearch",
                                  description="The helper CLI of the /autoresearch experiment loop.",
                                  epilog="Run 'autoresearch VERB --help' for the options of one verb.")
    top.add_argument("-V", "--version", action="version", version=f"autoresearch {__version__}")
    verbs = top.add_subparsers(dest="verb", metavar="VERB", title="verbs")
    for name, (module, help_text) in VERBS.items():
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return top


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(sys.argv[1:] if argv is None else argv)  # exits 2 on bad usage
    if args.verb is None:
        top.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except AutoresearchError as exc:
        print(f"autoresearch {args.verb}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"autoresearch {args.verb}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
