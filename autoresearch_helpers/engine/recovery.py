"""Repair what an interrupted command left behind (SIGKILL, power loss, Ctrl+C mid-git).

Called at the start of `run` and `setup` with the session lock held. Afterwards there is
no torn log line, no running experiment of a dead helper, no result decided but not
fully logged, and no unevaluated `experiment:` commit on the branch; every repair is
reported as one line. Each step can be repeated: a second kill during recovery is
repaired the same way.
"""

from __future__ import annotations

from autoresearch_helpers.engine import git, groups, setaside
from autoresearch_helpers.store import journal, logs, session
from autoresearch_helpers.store.session import Pending, State
from autoresearch_helpers.vocab import CRASH, KEEP, fmt_count, short

EXPERIMENT_PREFIX = "experiment: "
SET_ASIDE = ("scope_violation", "git_tampered")  # crashes whose change is set aside


def rejected_tag(state: State, number: int) -> str:
    return f"autoresearch/{state.tag}/rejected/{number}"


def settle(root, state: State, head: str | None = None) -> str | None:
    """The git half of finishing the pending result: a rejected commit gets its tag and
    leaves the branch. With ``head`` (recovery), edits made to the editable files after
    an interruption stay in the working tree. Returns the tag, if one was made."""
    r = state.pending.outcome
    if r["status"] == KEEP or not r["commit"]:
        return None
    tag = rejected_tag(state, r["number"])
    git.tag(root, tag, r["commit"])
    champion = state.champion.commit
    if head is None:
        git.reset_hard(root, champion)
    elif head != champion:
        _undo(root, state, champion)
    return tag


def _lost_experiment(root, state: State, head: str | None) -> Pending | None:
    """The experiment a dead process left unevaluated, if any. ``commit`` None with a
    number: HEAD is on a rejected commit that is logged already (a reset that never ran)."""
    pending, champion = state.pending, state.champion.commit
    if pending is not None and pending.commit:
        return pending
    if not head or head == champion:
        return None
    title, _, parents = git.git(root, "log", "-1", "--format=%s%x00%P", head).strip().partition("\0")
    if not (title.startswith(EXPERIMENT_PREFIX) and parents.split() == [champion]):
        return None
    prefix = rejected_tag(state, 0)[:-1]
    for tag in git.git(root, "tag", "--points-at", head).split():
        if tag.startswith(prefix) and tag[len(prefix):].isdigit():
            return Pending(int(tag[len(prefix):]), None, title[len(EXPERIMENT_PREFIX):])
    # killed right after committing, before the session noted the experiment
    return Pending(state.experiments + 1, head, title[len(EXPERIMENT_PREFIX):])


def stop_leftovers(pending: Pending) -> list[str]:
    """Kill the processes of a dead helper's experiment: those carrying its marker, so
    that a process-group id reused by an unrelated process is never signalled."""
    pgid = pending.pgid
    if pgid is not None and (not isinstance(pgid, int) or isinstance(pgid, bool) or pgid <= 1):
        return [f"ignored the process group {pgid!r} in the session: not a valid group id"]
    if not pending.marker:
        return []
    killed = groups.kill_all(lambda: groups.marked(pending.marker))
    if not killed:
        return []
    return [f"stopped {fmt_count(killed, 'leftover process', 'leftover processes')} of "
            f"experiment {pending.number}"]


def recover(root, state: State, head: str | None) -> list[str]:
    """Finish what a dead process left; return what was done, one line each."""
    notes = logs.repair_all(root)
    pending = state.pending
    if pending is not None:
        notes += stop_leftovers(pending)
    if pending is not None and pending.outcome is not None:
        settle(root, state, head)
        r = journal.complete(root, state)
        notes.append(f"recovered: experiment {r.number} ({r.status}) was interrupted while "
                     "it was being logged; its logging is now complete")
        if r.error in SET_ASIDE and not setaside.finished(root, r.number):
            notes.append(f"its change was not fully set aside (see "
                         f"{setaside.relative(root, r.number)}/): the working tree was left "
                         "as it is; undo the out-of-scope part before the next run")
        return notes
    champion = state.champion.commit
    lost = _lost_experiment(root, state, head)
    if lost is not None and lost.commit is None:
        _undo(root, state, champion)
        notes.append(f"recovered: HEAD was on experiment {lost.number}, which is logged "
                     f"already; reset to the champion {short(champion)}")
    elif lost is not None:
        state.pending = lost
        tag = rejected_tag(state, lost.number)
        git.tag(root, tag, lost.commit)
        kept_edits = head == lost.commit and _undo(root, state, champion)
        journal.record(root, state, journal.Result(
            number=lost.number, status=CRASH, description=lost.description,
            prev=state.champion.value, commit=lost.commit, error="interrupted",
            detail="the helper was killed during this experiment"))
        notes.append(f"recovered: experiment {lost.number} was interrupted; recorded as a "
                     f"crash, reset to the champion {short(champion)} (its commit is kept "
                     f"as tag {tag})")
        if kept_edits:
            notes.append("the editable files were changed after the interruption: that "
                         "version stays in the working tree, to be evaluated now")
    elif pending is not None:
        state.pending = None
        session.save(root, state)
        notes.append("recovered: an interrupted run had committed nothing; the working tree "
                     "is as it was")
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
