"""`autoresearch new DIR [-e NAME]`, `autoresearch new --list`: start from a bundled
example project (engine/examples.py), a git repository ready for `setup`."""

from __future__ import annotations

import shlex
from pathlib import Path

from autoresearch_helpers.engine import examples
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.vocab import inert


def add_arguments(parser) -> None:
    parser.add_argument("dir", nargs="?", metavar="DIR", help="a new or empty folder")
    parser.add_argument("-e", "--example", default=examples.DEFAULT, metavar="NAME",
                        help=f"which example (default: {examples.DEFAULT}; --list shows them)")
    parser.add_argument("--list", action="store_true", help="the examples, one line each")


def run(args) -> int:
    if args.list:
        for name in examples.names():
            mark = " (default)" if name == examples.DEFAULT else ""
            print(f"{name:<10} {examples.summary(name)}{mark}")
        return 0
    if not args.dir:
        raise UsageError("give a folder for the new project: autoresearch new DIR "
                         "[-e NAME] (or --list)")
    dest = Path(args.dir).expanduser().absolute()
    commit = examples.create(args.example, dest)
    print(inert(f"created {dest}: the {args.example} example, committed ({commit[:7]})"))
    print(inert(f"  {examples.summary(args.example)}"))
    print("next:")
    print(inert(f"  cd {shlex.quote(args.dir)}"))
    print("  autoresearch setup              # branch, logs, the baseline")
    print("  autoresearch loop --agent optuna  # or /autoresearch in Claude Code")
    return 0
