"""`autoresearch demo [DIR]`: the whole loop in under a minute, with no LLM and no network.

It copies a bundled example into DIR (a new temporary folder by default, as ``new`` does),
then runs the verbs a user would, each as this CLI in a child process: ``loop --agent optuna
--max-experiments N`` (which sets up the session, baseline included, and shows the live
progress line on a terminal), ``results`` and ``report --html``; last it names the files
to look at. The Optuna agent is seeded (AUTORESEARCH_OPTUNA_SEED, 0 unless set), so a demo
gives the same experiments on every machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from autoresearch_helpers import paths
from autoresearch_helpers.engine import examples
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.vocab import inert

ITERATIONS = 15
REPORT = ".autoresearch/report.html"  # beside the session's state: git ignores it there


def add_arguments(parser) -> None:
    parser.add_argument("dir", nargs="?", metavar="DIR",
                        help="a new or empty folder (default: a new temporary folder)")
    parser.add_argument("-e", "--example", default=examples.DEFAULT, metavar="NAME",
                        help=f"which example (default: {examples.DEFAULT}; "
                             "'autoresearch new --list' shows them)")
    parser.add_argument("-n", "--iterations", type=int, default=ITERATIONS, metavar="N",
                        help=f"experiments of the optuna agent (default {ITERATIONS})")


def _verb(folder: Path, *args: str) -> int:
    """One verb of this CLI, in ``folder``, its output straight to ours."""
    sys.stdout.flush()
    env = {**os.environ, "AUTORESEARCH_OPTUNA_SEED": os.environ.get(
        "AUTORESEARCH_OPTUNA_SEED", "0")}
    return subprocess.run([sys.executable, "-m", "autoresearch_helpers", *args], cwd=folder,
                          env=env).returncode


def run(args) -> int:
    if args.iterations < 1:
        raise UsageError(f"--iterations {args.iterations}: give 1 or more")
    examples.check_name(args.example)
    folder = (Path(args.dir).expanduser().absolute() if args.dir
              else Path(tempfile.mkdtemp(prefix="autoresearch-demo-")))
    examples.create(args.example, folder)  # a folder in use is refused: nothing written
    print(inert(f"autoresearch demo: the {args.example} example in {folder}, "
                f"{args.iterations} experiments of the optuna agent (no LLM)"))
    steps = (("loop", "--agent", "optuna", "--max-experiments", str(args.iterations)),
             ("results", "--last", str(args.iterations + 1)),
             ("report", "--html", REPORT))
    for step in steps:
        code = _verb(folder, *step)
        if code != 0:
            return code
    print()
    print(inert(f"report:  {folder / REPORT}"))
    print(inert(f"logs:    {paths.tsv_path(folder)}, {paths.jsonl_path(folder)}"))
    print(inert(f"more:    cd {folder} && autoresearch loop --agent optuna  (it resumes), "
                "or /autoresearch in Claude Code"))
    return 0
