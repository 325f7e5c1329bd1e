"""The `autoresearch` command line: a table of verbs, nothing else.

Each verb is a module ``autoresearch_helpers/commands/<verb>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``: it parses, calls the engine or a report, and prints. Only the
module of the verb being run is imported, so `run` does not load what `compare` needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from autoresearch_helpers import __version__, faults
from autoresearch_helpers.errors import AutoresearchError, FileError
from autoresearch_helpers.vocab import inert

VERBS = {  # verb -> one-line help; the module is autoresearch_helpers.commands.<verb>
    "demo": "see the loop work in a minute: an example, the optuna agent, the report",
    "new": "start a project from a bundled example (--list shows them)",
    "detect": "detect the project type and its defaults",
    "config": "show the effective configuration and where each value came from",
    "setup": "create the experiment branch and logs, and measure the baseline",
    "run": "run one experiment of the change now in the working tree",
    "loop": "run the loop unattended: an agent command proposes each experiment",
    "status": "the session state: best, counts, recent experiments",
    "stop": "ask the loop to stop after the current experiment",
    "sessions": "every session of this repository and its state",
    "results": "the results summary: counts, best, trend, recent experiments",
    "query": "apply a jq filter to each record of the JSONL log",
    "dashboard": "the terminal dashboard (one frame when not on a terminal)",
    "report": "write a self-contained HTML report",
    "compare": "two sessions side by side",
    "finalize": "collect the kept changes on a clean branch, with a summary",
}


def top_parser() -> argparse.ArgumentParser:
    """The parser of ``autoresearch [--version] VERB``; the verb's own options come later."""
    listing = "\n".join(f"  {verb:<10} {text}" for verb, text in VERBS.items())
    top = argparse.ArgumentParser(
        prog="autoresearch", usage="autoresearch [-h] [-V] VERB [options]",
        description="The helper CLI of the /autoresearch experiment loop.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"verbs:\n{listing}\n\nRun 'autoresearch VERB --help' for the options of one verb.")
    top.add_argument("-V", "--version", action="version", version=f"autoresearch {__version__}")
    top.add_argument("verb", metavar="VERB", choices=list(VERBS), help=argparse.SUPPRESS)
    top.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return top


def unknown_verb(verb: str) -> str:
    """The message for a verb that is not one: the closest verb when one is close."""
    import difflib

    close = difflib.get_close_matches(verb.lower(), list(VERBS), n=1, cutoff=0.6)
    hint = f": did you mean '{close[0]}'?" if close else ""
    return f"unknown verb '{inert(verb)}'{hint} (the verbs: {', '.join(VERBS)})"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = top_parser()
    if not argv:
        top.print_help(sys.stderr)
        return 2
    if not argv[0].startswith("-") and argv[0] not in VERBS:
        top.error(unknown_verb(argv[0]))  # exits 2
    if argv[0].startswith("-") and argv[0] not in ("-h", "--help", "-V", "--version"):
        top.error(f"unknown option '{inert(argv[0])}': a verb comes first, its options "
                  "after it (autoresearch VERB --help)")  # exits 2
    given = top.parse_args(argv[:1])  # exits 2 on an unknown verb, 0 on --help/--version
    module = importlib.import_module(f"autoresearch_helpers.commands.{given.verb}")
    parser = argparse.ArgumentParser(prog=f"autoresearch {given.verb}",
                                     description=VERBS[given.verb])
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])  # exits 2 on bad usage
    try:
        faults.armed()  # a malformed AUTORESEARCH_FAULT is refused before anything is done
        return int(module.run(args) or 0)
    except AutoresearchError as exc:
        # a message may quote a log, a name or a value: shown inert, never acted on
        print(f"autoresearch {given.verb}: error: {inert(str(exc), lines=True)}",
              file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"autoresearch {given.verb}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the last resort: one line, never a traceback
        print(f"autoresearch {given.verb}: error: "
              f"{inert(str(FileError(exc.filename, exc)), lines=True)}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
