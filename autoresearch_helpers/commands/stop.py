"""`autoresearch stop`: ask the loop to end after the current experiment.

The stop request is written first; then, when no command holds the session lock, the
champion's worktree (a noisy metric's cache, engine/champion.py) is removed at once. When
a run holds the lock it may be using that worktree, and stop must not wait for as long as
an experiment lasts: the run removes it itself as it ends, since it sees the request
written before. A stop that lands in the instant between that run's look and its end
leaves the worktree to the next finalize, stop or new setup: it is only a cache.
"""

from __future__ import annotations

import sys

from autoresearch_helpers import paths
from autoresearch_helpers.engine import champion
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import logs, session
from autoresearch_helpers.vocab import inert, typed


def add_arguments(parser) -> None:
    parser.add_argument("--reason", default="requested by the user", help="why (logged)")


def run(args) -> int:
    root = paths.find_root()
    state = session.load(root)
    if state is None:
        raise AutoresearchError("no autoresearch session in this repository: nothing to stop")
    # The event first: when the log cannot be written nothing is requested. Then only the
    # stop file: a run in progress owns session.json until it finishes.
    logs.log_event(root, "session_end", {"reason": args.reason, "tag": state.tag,
                                         "experiments": state.experiments,
                                         "best": state.champion.value if state.champion else None},
                   tag=state.tag)
    session.request_stop(root, args.reason)
    print(inert(f"stop requested: the loop ends after the current experiment "
                f"(session {state.tag}; '{typed('setup')}' resumes it)"))
    problem = champion.remove_unless_busy(root, "stop")
    if problem:
        print(inert(f"autoresearch stop: warning: {problem}"), file=sys.stderr)
    return 0
