"""Repair what an interrupted command left behind (SIGKILL, power loss, Ctrl+C mid-git).

Called at the start of `run` and `setup` with the session lock held. Afterwards there is
no torn log line, no running experiment of a dead helper, and no unevaluated
`experiment:` commit on the branch; every repair is reported as one line.
"""

from __future__ import annotations

import os

from autoresearch_helpers import gitops, gittag, journal, logs, session


def repair_logs(root) -> list[str]:
    notes = []
    for path in (logs.tsv_path(root), logs.jsonl_path(root)):
        if logs.repair(path):
            notes.append(f"repaired: cut the torn last line of {os.path.relpath(path, root)}")
    return notes


def _last_tsv_commit(root) -> str | None:
    rows = logs.read_tsv(root)
    return rows[-1].commit if rows else None


def recover(root, state: dict, head: str | None) -> list[str]:
    """Finish an experiment a dead process left; return what was done, one line each."""
    notes = repair_logs(root)
    pending = state.get("pending")
    if pending and pending.get("pgid"):
        from autoresearch_helpers.runner import kill_group

        if kill_group(int(pending["pgid"])):
            notes.append(f"stopped the leftover experiment processes (group {pending['pgid']})")
    champion = state["champion"]["commit"]
    lost = None
    if pending and pending.get("commit"):
        lost = pending
    elif head and head != champion:
        subject = gitops.git(root, "log", "-1", "--format=%s%x00%P", head).strip()
        title, _, parents = subject.partition("\0")
        if title.startswith("experiment: ") and parents.split() == [champion]:
            # a run killed after logging a discard, while git was resetting, left it
            logged = _last_tsv_commit(root) == journal.short(head)
            lost = {"number": state.get("experiments", 0) + (0 if logged else 1),
                    "commit": head, "description": title[len("experiment: "):]}
    if lost:
        number, commit = lost["number"], lost["commit"]
        tag = f"autoresearch/{state['tag']}/rejected/{number}"
        gittag.tag(root, tag, commit)
        kept_edits = False
        if head == commit:
            # edits made to the editable files after the interruption stay on disk
            edited = gitops.git(root, "diff", "--name-only", "HEAD", "--",
                                *state.get("editable", [])).strip()
            if edited:
                gitops.git(root, "reset", "-q", "--mixed", champion)
                kept_edits = True
            else:
                gitops.reset_hard(root, champion)
        if _last_tsv_commit(root) != journal.short(commit):
            journal.record(root, state, number=number, status="crash", value=None,
                           commit=commit, description=lost.get("description", ""),
                           prev=state["champion"]["value"], error="interrupted",
                           detail="the helper was killed during this experiment")
            outcome = "interrupted; recorded as a crash"
        else:
            outcome = "logged, but interrupted before the reset"
        notes.append(f"recovered: experiment {number} was {outcome}, reset to the champion "
                     f"{journal.short(champion)} (its commit is kept as tag {tag})")
        if kept_edits:
            notes.append("the editable files were changed after the interruption: that "
                         "version stays in the working tree, to be evaluated now")
    elif pending:
        notes.append("recovered: an interrupted run had committed nothing; the working tree "
                     "is as it was")
    if pending or lost:
        state["pending"] = None
        session.save(root, state)
    return notes
