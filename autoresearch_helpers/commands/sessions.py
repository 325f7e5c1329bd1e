"""`autoresearch sessions [--json]`: every session of this repository, the current one first.

Read-only. The current session is .autoresearch/session.json; the others are parked under
.autoresearch/sessions/<tag>/ (store/sessions.py), each resumed by `setup --tag TAG`.
"""

from __future__ import annotations

import json

from autoresearch_helpers import paths
from autoresearch_helpers.store import session, sessions
from autoresearch_helpers.store.session import State
from autoresearch_helpers.vocab import fmt_value, inert, short, typed


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="a JSON array, one object a session")


def run(args) -> int:
    root = paths.find_root()
    current = session.load(root)
    rows = ([describe(root, current, parked=False)] if current else []) + [
        describe(root, state, parked=True) for state in sessions.parked(root)
        if current is None or state.tag != current.tag]  # a park cut short: still current
    if args.json:
        print(json.dumps(rows, allow_nan=False))
        return 0
    if not rows:
        print(f"no autoresearch session in this repository (start one with: {typed('setup')})")
        return 0
    head = ("", "tag", "state", "target", "metric", "best", "experiments", "started")
    table = [head] + [("*" if not r["parked"] else "", r["tag"],
                       r["state"] + (", parked" if r["parked"] else ""), r["target"],
                       f"{r['metric']} ({r['direction'].split('_')[0]})",
                       f"{fmt_value(r['best'])} at {short(r['best_commit'])}",
                       str(r["experiments"]), r["started_at"]) for r in rows]
    widths = [max(len(inert(str(row[i]))) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(inert(str(cell)).ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(f"* the current session; resume another with: {typed('setup --tag TAG')}")
    return 0


def describe(root, state: State, *, parked: bool) -> dict:
    champion = state.champion
    return {
        "tag": state.tag, "branch": state.branch, "parked": parked,
        "state": sessions.phase(root, state),
        "target": state.editable[0] if state.editable else "",
        "metric": state.metric_name, "direction": state.direction,
        "best": champion.value if champion else None,
        "best_commit": champion.commit if champion else None,
        "experiments": state.experiments, "base_commit": state.base_commit,
        "started_at": state.started_at,
    }
