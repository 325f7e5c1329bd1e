"""`autoresearch run -d "description"`: one experiment of the change in the working tree."""

from __future__ import annotations

import json

from autoresearch_helpers import paths
from autoresearch_helpers.agents.told import as_json, outcome_lines
from autoresearch_helpers.engine.experiment import load_active, run_experiment
from autoresearch_helpers.errors import UsageError
from autoresearch_helpers.store import lock, logs


def add_arguments(parser) -> None:
    parser.add_argument("-d", "--description", required=True,
                        help="what this experiment tries, in a few words")
    parser.add_argument("--allow-empty", action="store_true",
                        help="run even when nothing changed (re-measure the champion)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args) -> int:
    description = args.description.strip()
    if not description:
        raise UsageError("the description is empty: say in a few words what the experiment tries")
    root = paths.find_root()
    load_active(root)  # no session: refused before the lock makes .autoresearch/
    with lock.Lock(root, "run"):
        logs.check_appendable(root)  # a log it could not write would fail after the commit
        outcome = run_experiment(root, description, allow_empty=args.allow_empty)
    if args.json:
        print(json.dumps(as_json(root, outcome), allow_nan=False))
    else:
        print("\n".join(outcome_lines(root, outcome)))
    return 0
