"""One experiment, exactly: scope check, commit, measure, decide, keep or revert, record.

    champion (HEAD) + the agent's edit
      -> .git config and hooks as at setup (else: restored, crash git_tampered)
      -> scope check (violation: save the change under .autoresearch/rejected/, revert, crash)
      -> commit "experiment: <description>"
      -> measure (run_command under the budget, metric, verify_command); on a noisy metric
         paired runs beside the champion until the test decides (engine/paired.py)
      -> what the run must not touch: .git, the read-only files, the logs (else: crash)
      -> decide against the champion; a keep passes the held-out check first (engine/holdout.py)
      -> write ahead: the result goes into session.json (store/journal.py)
      -> keep: the commit is the new champion | discard/crash: tag it, reset to the champion
      -> one TSV row + one JSONL event, session.json updated
      -> a stop was requested meanwhile: the champion's worktree goes (engine/champion.py)
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field

from autoresearch_helpers import paths
from autoresearch_helpers.engine import champion, deps, git, gitguard, holdout, paired, scope, setaside
from autoresearch_helpers.engine.decide import decide
from autoresearch_helpers.engine.measure import Measurement, Plan, measure
from autoresearch_helpers.engine.recovery import EXPERIMENT_PREFIX, recover, settle
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import journal, logs, session, sessions
from autoresearch_helpers.store.journal import Result
from autoresearch_helpers.store.session import Pending, Point, State
from autoresearch_helpers.vocab import CRASH, KEEP, fmt_count, short, typed


@dataclass
class Outcome(Result):
    """What one experiment came to: the logged result, and what the agent is told."""

    notes: list[str] = field(default_factory=list)  # repairs and folds done first
    log: str | None = None  # the log whose tail explains a crash
    violations: list[str] = field(default_factory=list)  # scope_violation: what was out
    saved: str | None = None  # scope_violation: where the change was set aside
    rejected: str | None = None  # the tag that keeps a rejected commit
    state: State | None = None  # the session as saved afterwards


def load_active(root) -> State:
    state = session.load(root)
    if state is None or state.champion is None:
        raise AutoresearchError("no autoresearch session with a baseline in this repository; "
                                f"run '{typed('setup')}' first")
    return state


def run_experiment(root, description: str, *, allow_empty: bool = False) -> Outcome:
    """Evaluate the change in the working tree. Call with the session lock held."""
    state = load_active(root)
    tampered = _git_tampered(root, state, os.path.join(  # before any git call
        paths.state_dir(root), "rejected", time.strftime("git-%Y%m%d-%H%M%S")))
    notes, entries = _prepare(root, state)
    number = state.experiments + 1
    if sessions.phase(root, state) == sessions.FINISHED:
        raise AutoresearchError(f"max_experiments ({state.config['values']['max_experiments']}) "
                                "reached: the session is complete")
    notes += journal.mend_logs(root, state)
    changes = scope.agent_changes(root, entries, scope.load_leftover(root))
    out = Outcome(number=number, status=CRASH, description=description,
                  prev=state.champion.value, notes=notes, state=state)
    violations = tampered or _violations(root, state, changes)
    if violations:
        _set_aside(root, out, changes, violations, "git_tampered" if tampered else
                   "scope_violation")
    elif not changes and not allow_empty:
        raise AutoresearchError(f"nothing to run: no change to the editable files "
                                f"({', '.join(state.editable)}). Edit one, then run again.")
    else:
        _commit(root, out, changes)
        _evaluate(root, out)
    _finish(root, out)
    if session.stop_requested(root):  # a stop during the run left the worktree to it
        out.notes += filter(None, [champion.remove(root)])
    return out


def record_no_run(root, description: str, error: str, detail: str) -> Outcome:
    """An attempt that never reached a run (an agent that timed out, failed or changed
    nothing): one crash logged as an experiment; a change it left is set aside and the
    tree goes back to the champion. Call with the session lock held."""
    state = load_active(root)
    notes, entries = _prepare(root, state)
    changes = scope.agent_changes(root, entries, scope.load_leftover(root))
    out = Outcome(number=state.experiments + 1, status=CRASH, description=description,
                  prev=state.champion.value, notes=notes, state=state)
    if changes:
        _set_aside(root, out, changes, [detail], error)
        out.violations = []  # nothing was out of scope
    else:  # nothing to set aside: the tree is left as it is
        out.error, out.detail = error, detail
        logs.log_event(root, "experiment_start", {"experiment": out.number,
                       "description": description}, tag=state.tag)
    _finish(root, out)
    return out


def _git_tampered(root, state: State, folder: str) -> list[str]:
    """Undo changes to .git's configuration and hooks since setup (what was changed goes
    under ``folder``); one line each."""
    names = gitguard.changed(root, state.git_prints) if state.git_prints else []
    if not names:
        return []
    lines = gitguard.restore(root, state.git_prints, names, folder)
    return lines + [f"what was changed is under {os.path.relpath(folder, root)}/git/"]


def _prepare(root, state: State) -> tuple[list[str], list]:
    """Check the branch, repair what a killed run left, fold commits the agent made;
    (what was done, one line each; the working tree's changes as git.status lists them)."""
    head, branch, entries = git.status(root)
    if branch != state.branch:
        if not git.ref_exists(root, f"refs/heads/{state.branch}"):
            raise AutoresearchError(
                f"the session's branch {state.branch} no longer exists; recreate it at the "
                f"best commit the session holds, then run again: git checkout -b "
                f"{state.branch} {state.champion.commit}")
        raise AutoresearchError(f"HEAD is on {branch or 'a detached commit'}, not on the "
                                f"session's branch: run 'git checkout {state.branch}'")
    notes = recover(root, state, head)
    if notes:
        head, _, entries = git.status(root)
        deps.resume(root)  # what a killed run did to the dependencies is accepted
    if head != state.champion.commit:
        # commits on top of the champion (the agent's edit, or the user's): kept under a
        # tag, then folded back into the working tree as this experiment's change
        kept = f"autoresearch/{state.tag}/folded/{short(head)}"
        git.tag(root, kept, head)
        git.git(root, "reset", "-q", "--soft", state.champion.commit)
        notes.append(f"note: commits made on top of the champion were folded into this "
                     f"experiment (HEAD was reset to {short(state.champion.commit)}; they "
                     f"stay as tag {kept})")
        _, _, entries = git.status(root)
    return notes, entries


def _violations(root, state: State, changes) -> list[str]:
    """One line per file out of scope (a read-only file git shows changed: git's line only)."""
    rules = scope.Scope(root, state.editable, state.readonly, state.hidden)
    shown = {p for _, path, orig in changes for p in (path, orig) if p}
    return rules.violations(changes) + scope.readonly_changed(root, state.readonly_prints,
                                                              named=shown) + deps.check(root)


def _set_aside(root, out: Outcome, changes, violations: list[str], code: str) -> None:
    """A scope_violation (or git_tampered) crash: written ahead, then the change is set
    aside (engine/setaside.py) and the tree goes back to the champion."""
    state = out.state
    out.error, out.detail = code, "; ".join(violations[:5])
    out.violations = violations
    logs.log_event(root, "experiment_start", {"experiment": out.number,
                   "description": out.description}, tag=state.tag)
    journal.begin(root, state, out)
    out.saved = setaside.set_aside(root, state, out.number, changes)


def _commit(root, out: Outcome, changes) -> None:
    """Commit exactly the scope-checked paths; note the experiment as pending, with the
    marker its processes will carry, so that recovery can finish it."""
    state = out.state
    changed = sorted({p for _, path, orig in changes for p in (path, orig) if p})
    out.commit = git.commit_paths(root, changed, EXPERIMENT_PREFIX + out.description,
                                  untracked=any(code == "??" for code, _, _ in changes),
                                  allow_empty=True)
    state.pending = Pending.begin(out.number, out.commit, out.description,
                                  marker=secrets.token_hex(8))
    session.save(root, state)
    logs.log_event(root, "experiment_start", {"experiment": out.number,
                   "description": out.description, "commit": short(out.commit)},
                   tag=state.tag)


def _evaluate(root, out: Outcome) -> None:
    """Measure the commit, check what the run must not touch, and decide; a Ctrl+C is
    logged as an interrupted crash."""
    state = out.state

    def remember_group(pgid: int) -> None:
        state.pending.pgid = pgid
        session.save(root, state)

    plan, trial = Plan.from_config(state.config), paired.trial_for(root, state, out.commit)
    prior = state.champion
    try:
        if trial:
            m = paired.measure_paired(root, plan, trial, best=state.champion.commit,
                                      candidate=out.commit, on_start=remember_group,
                                      marker=state.pending.marker)
        else:
            m = measure(root, plan, on_start=remember_group, marker=state.pending.marker)
    except KeyboardInterrupt:
        out.error, out.detail = "interrupted", "the experiment was interrupted"
        _finish(root, out)
        raise
    out.duration_s, out.memory_gb, out.sizes = m.duration_s, m.memory_gb, m.sizes
    if m.escaped:
        out.notes.append(f"note: killed {fmt_count(m.escaped, 'process', 'processes')} of the "
                         "run that had left its process group, as it ended")
    if m.cut_bytes:
        out.notes.append(f"note: the run printed too much: {fmt_count(m.cut_bytes, 'byte')} "
                         f"cut from the middle of {m.log}")
    broken = _run_tampered(root, out)
    if broken:
        out.error, out.detail = broken
    elif m.error:
        out.error, out.detail, out.log = m.error, m.detail, m.log
    elif trial:
        paired.take(out, state, m, trial)
    else:
        _decide(root, out, m)
    holdout.gate(root, out, state, prior, on_start=remember_group,
                 marker=state.pending.marker, finish=lambda: _finish(root, out))


def _run_tampered(root, out: Outcome) -> tuple[str, str] | None:
    """(crash code, detail) when the run changed .git, a read-only file or the logs."""
    state = out.state
    restored = _git_tampered(root, state, setaside.folder(root, out.number))
    if restored:
        return "git_tampered", "during the run: " + "; ".join(restored[:5])
    changed = scope.readonly_changed(root, state.readonly_prints)
    if changed:
        return "scope_violation", "during the run: " + "; ".join(changed[:5])
    lost = journal.mend_logs(root, state)
    if lost:
        return "logs_tampered", "during the run: " + "; ".join(lost)
    return None


def _decide(root, out: Outcome, m: Measurement) -> None:
    state = out.state
    values, champion = state.config["values"], state.champion
    min_delta = float(values.get("min_delta") or 0.0)
    removed = 0
    if abs(m.value - champion.value) <= min_delta:  # a tie: the simpler change wins
        removed = git.lines_removed(root, champion.commit, out.commit)
    d = decide(state.direction, champion.value, m.samples, min_delta=min_delta,
               lines_removed=removed)
    out.status, out.reason, out.value = d.status, d.reason, d.value
    out.samples = list(m.samples)
    if d.status == KEEP:
        state.champion = Point(out.commit, d.value, list(m.samples), out.number)


def _finish(root, out: Outcome) -> None:
    """Write the result ahead into the session; save edits made during the run; keep a
    rejected commit as a tag and go back to the champion; log the result; note what the
    run left in the tree (it is not the agent's next change)."""
    state = out.state
    if state.pending is None or state.pending.outcome is None:
        journal.begin(root, state, out)
    if out.status != KEEP and out.commit:
        patch = git.tracked_patch(root)
        if patch:
            path = os.path.join(setaside.folder(root, out.number), "during-run.patch")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(patch)
            out.notes.append(f"note: tracked files changed while the experiment ran; that "
                             f"change was saved as {os.path.relpath(path, root)} before the "
                             "reset")
    out.rejected = settle(root, state)
    journal.complete(root, state)
    _, _, entries = git.status(root)
    if any(code[0] not in ".?" for code, _, _ in entries):
        git.git(root, "reset", "-q")  # the run staged something: the index is HEAD's again
        _, _, entries = git.status(root)
    scope.save_leftover(root, entries)
    if out.commit:  # it ran: what it did to the installed dependencies is accepted
        deps.save(root)
