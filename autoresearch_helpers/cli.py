"""The `autoresearch` command line: a table of verbs, nothing else.

Each verb lives in ``autoresearch_helpers/commands/<verb>.py`` and provides
``add_arguments(parser)`` and ``run(args) -> int``. Only the module of the verb being run
is imported, so a call such as ``autoresearch run`` pays for nothing it does not use.
"""

from __future__ import annotations

import os
import sys

from autoresearch_helpers import __version__
from autoresearch_helpers.errors import AutoresearchError

# verb -> one-line help. The module is autoresearch_helpers.commands.<verb>.
VERBS: dict[str, str] = {
    "detect": "detect the project type and its defaults",
    "config": "show the effective configuration and where each value came from",
    "setup": "create the experiment branch and logs, and measure the baseline",
    "run": "run one experiment of the change now in the working tree",
    "status": "the session state: best, counts, recent experiments",
    "stop": "ask the loop to stop after the current experiment",
    "results": "the results summary: counts, best, trend, recent experiments",
    "query": "apply a jq filter to each record of the JSONL log",
    "dashboard": "the terminal dashboard (one frame when not on a terminal)",
    "report": "write a self-contained HTML report",
    "compare": "two sessions side by side",
    "finalize": "collect the kept changes on a clean branch, with a summary",
    "loop": "drive the loop from outside with an agent command",
    "demo": "build the bundled example project and run the loop on it",
}

MODULE_NAMES = {"report": "report_cmd"}


def _module(verb: str):
    name = f"autoresearch_helpers.commands.{MODULE_NAMES.get(verb, verb)}"
    __import__(name)  # not importlib.import_module: importing importlib costs ~1 ms
    return sys.modules[name]


def available_verbs() -> list[str]:
    """The verbs whose module exists in this build, in table order."""
    import importlib.util

    return [
        v
        for v in VERBS
        if importlib.util.find_spec(f"autoresearch_helpers.commands.{MODULE_NAMES.get(v, v)}")
    ]


def _top_help() -> str:
    lines = [
        "usage: autoresearch [--version] VERB [options]",
        "",
        "The helper CLI of the /autoresearch experiment loop.",
        "",
        "verbs:",
    ]
    for verb in available_verbs():
        lines.append(f"  {verb:<10} {VERBS[verb]}")
    lines += ["", "Run 'autoresearch VERB --help' for the options of one verb."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_top_help())
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        print(f"autoresearch {__version__}")
        return 0
    verb, rest = argv[0], argv[1:]
    module = None
    if verb in VERBS:
        try:
            module = _module(verb)
        except ModuleNotFoundError as exc:
            if exc.name != f"autoresearch_helpers.commands.{MODULE_NAMES.get(verb, verb)}":
                raise
    if module is None:
        print(f"autoresearch: error: unknown verb {verb!r}\n", file=sys.stderr)
        print(_top_help(), file=sys.stderr)
        return 2
    fast = getattr(module, "parse_fast", None)  # see autoresearch_helpers.fastargs
    args = fast(rest) if fast is not None else None
    if args is None:
        import argparse

        parser = argparse.ArgumentParser(prog=f"autoresearch {verb}", description=VERBS[verb])
        module.add_arguments(parser)
        args = parser.parse_args(rest)  # exits 2 on bad usage, as argparse does
    try:
        return int(module.run(args) or 0)
    except AutoresearchError as exc:
        print(f"autoresearch {verb}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"autoresearch {verb}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def exit_now(code: int) -> None:
    """End the process with ``code``, skipping the interpreter's teardown when it is safe.

    Tearing down the modules of a finished command frees nothing the OS would not, and
    costs about 9M instructions (~3 ms) per experiment here. It is skipped only when no
    other thread runs and our output is flushed; otherwise this is sys.exit(code).
    """
    threading = sys.modules.get("threading")
    if threading is None or threading.active_count() == 1:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe or stream: let Python report it
            pass
        else:
            os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    exit_now(main())
