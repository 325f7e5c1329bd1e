"""`autoresearch status [--brief|--json]`: enough state for an agent to carry on.

Read-only: it never repairs or changes anything, so it is safe in a `!` context line.
"""

from __future__ import annotations

import json

from autoresearch_helpers import paths
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.reports import briefing, inflight
from autoresearch_helpers.reports.status_text import brief_lines, with_evidence
from autoresearch_helpers.store import session, sessions
from autoresearch_helpers.vocab import inert, typed


def add_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--brief", action="store_true", help="a few lines, never fails")
    group.add_argument("--json", action="store_true", help="the state as JSON")
    parser.add_argument("--last", type=int, default=5, metavar="N",
                        help="how many recent experiments to list (default 5)")


def run(args) -> int:
    try:
        root = paths.find_root()
        state = session.load(root)
    except AutoresearchError as exc:
        if args.brief:
            print(f"autoresearch: {inert(str(exc), lines=True)}")
            return 0
        raise
    if args.json:
        print(json.dumps(as_json(root, state, args.last), allow_nan=False))
    elif state is None:
        print(f"no autoresearch session in this repository (start one with: {typed('setup')})")
    else:
        print("\n".join(brief_lines(root, state, last=args.last, brief=args.brief)))
    return 0


def as_json(root, state, last: int) -> dict:
    if state is None:
        return {"active": False}
    champion, baseline, counts = state.champion, state.baseline, state.counts
    now_running, phase = inflight.running(root, state), sessions.phase(root, state)
    return {
        "active": phase == sessions.ACTIVE, "state": phase,
        "tag": state.tag, "branch": state.branch,
        "metric": state.metric_name, "direction": state.direction,
        "best": champion.value if champion else None,
        "best_commit": champion.commit if champion else None,
        "baseline": baseline.value if baseline else None,
        "experiments": state.experiments, "keep": counts.get("keep", 0),
        "discard": counts.get("discard", 0), "crash": counts.get("crash", 0),
        "crash_streak": state.crash_streak, "editable": state.editable,
        "readonly": state.readonly, "hidden": state.hidden,
        "run_command": (state.config.get("values") or {}).get("run_command"),
        "metric_source": briefing.metric_source(state.config),
        "instructions": briefing.instructions_path(state.config),
        "instructions_text": briefing.instructions_text(root, state.config),
        "recent": with_evidence(root, state.recent[-last:]),
        "stop_requested": session.stop_requested(root),
        "running": now_running.to_json() if now_running else None,
        "interrupted": inflight.interrupted(state, now_running),
    }
