"""Repair what an interrupted command left behind (SIGKILL, power loss, Ctrl+C mid-git).

Called at the start of `run` and `setup` with the session lock held. Afterwards there is
no torn log line, no running experiment of a dead helper, and no unevaluated
`experiment:` commit on the branch; every repair is reported as one line.
"""

from __future__ import annotations

from autoresearch_helpers.engine import git, groups
from autoresearch_helpers.store import journal, logs, session
from autoresearch_helpers.store.session import Pending, State
from autoresearch_helpers.vocab import CRASH, short

EXPERIMENT_PREFIX = "experiment: "


def rejected_tag(state: State, number: int) -> str:
    return f"autoresearch/{state.tag}/rejected/{number}"


def _logged(root, commit: str) -> bool:
    """Whether the last results.tsv row is this commit's."""
    row = logs.last_tsv_row(root)
    return row is not None and row.commit == short(commit)


def _lost_experiment(root, state: State, head: str | None) -> Pending | None:
    """The experiment a dead process left unfinished, if any."""
    pending, champion = state.pending, state.champion.commit
    if pending is not None and pending.commit:
        return pending
    if not head or head == champion:
        return None
    title, _, parents = git.git(root, "log", "-1", "--format=%s%x00%P", head).strip().partition("\0")
    if not (title.startswith(EXPERIMENT_PREFIX) and parents.split() == [champion]):
        return None
    # a run killed after logging a discard, while git was resetting, left it
    number = state.experiments + (0 if _logged(root, head) else 1)
    return Pending(number, head, title[len(EXPERIMENT_PREFIX):])


def recover(root, state: State, head: str | None) -> list[str]:
    """Finish an experiment a dead process left; return what was done, one line each."""
    notes = logs.repair_all(root)
    pending = state.pending
    if pending is not None and pending.pgid and groups.kill_group(int(pending.pgid)):
        notes.append(f"stopped the leftover experiment processes (group {pending.pgid})")
    champion = state.champion.commit
    lost = _lost_experiment(root, state, head)
    if lost is not None:
        tag = rejected_tag(state, lost.number)
        git.tag(root, tag, lost.commit)
        kept_edits = head == lost.commit and _undo(root, state, champion)
        if not _logged(root, lost.commit):
            journal.record(root, state, journal.Result(
                number=lost.number, status=CRASH, description=lost.description,
                prev=state.champion.value, commit=lost.commit, error="interrupted",
                detail="the helper was killed during this experiment"))
            outcome = "interrupted; recorded as a crash"
        else:
            outcome = "logged, but interrupted before the reset"
        notes.append(f"recovered: experiment {lost.number} was {outcome}, reset to the "
                     f"champion {short(champion)} (its commit is kept as tag {tag})")
        if kept_edits:
            notes.append("the editable files were changed after the interruption: that "
                         "version stays in the working tree, to be evaluated now")
    elif pending is not None:
        notes.append("recovered: an interrupted run had committed nothing; the working tree "
                     "is as it was")
    if pending is not None or lost is not None:
        state.pending = None
        session.save(root, state)
    return notes


def _undo(root, state: State, champion: str) -> bool:
    """Take the lost commit off the branch; True when edits made to the editable files
    after the interruption were left in the working tree."""
    edited = git.git(root, "diff", "--name-only", "HEAD", "--", *state.editable).strip()
    if edited:
        git.git(root, "reset", "-q", "--mixed", champion)
        return True
    git.reset_hard(root, champion)
    return False
