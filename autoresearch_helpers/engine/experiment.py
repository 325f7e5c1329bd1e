"""One experiment, exactly: scope check, commit, measure, decide, keep or revert, record.

    champion (HEAD) + the agent's edit
      -> scope check (violation: save the change under .autoresearch/rejected/, revert, crash)
      -> commit "experiment: <description>"
      -> measure (run_command under the budget, metric, verify_command)
      -> decide against the champion
      -> keep: the commit is the new champion | discard/crash: tag it, reset to the champion
      -> one TSV row + one JSONL event, session.json updated
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

from autoresearch_helpers import paths
from autoresearch_helpers.engine import git, scope
from autoresearch_helpers.engine.decide import decide
from autoresearch_helpers.engine.measure import Measurement, Plan, measure
from autoresearch_helpers.engine.recovery import EXPERIMENT_PREFIX, recover, rejected_tag
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.store import journal, logs, session
from autoresearch_helpers.store.journal import Result
from autoresearch_helpers.store.session import Pending, Point, State
from autoresearch_helpers.vocab import CRASH, KEEP, short


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
                                "run 'autoresearch setup' first")
    return state


def run_experiment(root, description: str, *, allow_empty: bool = False) -> Outcome:
    """Evaluate the change in the working tree. Call with the session lock held."""
    state = load_active(root)
    notes, entries = _prepare(root, state)
    number = state.experiments + 1
    limit = state.config["values"].get("max_experiments")
    if limit and number > limit:
        raise AutoresearchError(f"max_experiments ({limit}) reached: the session is complete")
    changes = scope.agent_changes(root, entries, scope.load_leftover(root))
    out = Outcome(number=number, status=CRASH, description=description,
                  prev=state.champion.value, notes=notes, state=state)
    violations = _violations(root, state, changes)
    if violations:
        _set_aside(root, out, changes, violations)
    elif not changes and not allow_empty:
        raise AutoresearchError(f"nothing to run: no change to the editable files "
                                f"({', '.join(state.editable)}). Edit one, then run again.")
    else:
        _commit(root, out, changes)
        _evaluate(root, out)
    _finish(root, out)
    return out


def _prepare(root, state: State) -> tuple[list[str], list]:
    """Check the branch, repair what a killed run left, fold commits the agent made;
    (what was done, one line each; the working tree's changes as git.status lists them)."""
    head, branch, entries = git.status(root)
    if branch != state.branch:
        raise AutoresearchError(f"HEAD is on {branch or 'a detached commit'}, not on the "
                                f"session's branch: run 'git checkout {state.branch}'")
    notes = recover(root, state, head)
    if notes:
        head, _, entries = git.status(root)
    if head != state.champion.commit:
        # the agent committed its edit itself: fold those commits back into the working tree
        git.git(root, "reset", "-q", "--soft", state.champion.commit)
        notes.append(f"note: commits made on top of the champion were folded into this "
                     f"experiment (HEAD was reset to {short(state.champion.commit)})")
        _, _, entries = git.status(root)
    return notes, entries


def _violations(root, state: State, changes) -> list[str]:
    rules = scope.Scope(root, state.editable, state.readonly)
    return rules.violations(changes) + scope.readonly_changed(root, state.readonly_prints)


def _set_aside(root, out: Outcome, changes, violations: list[str]) -> None:
    """Save the whole change (a patch, and the agent's new files), then go back to the
    champion: a scope_violation crash. The only untracked files removed are the ones the
    agent created in this experiment, and each is moved under rejected/<n>/files/ first."""
    folder = os.path.join(paths.state_dir(root), "rejected", str(out.number))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "change.patch"), "wb") as fh:
        fh.write(git.binary_patch(root))
    for code, path, _ in changes:
        source = os.path.join(root, path)
        if code == "??" and os.path.lexists(source):
            dest = os.path.join(folder, "files", path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.move(source, dest)
    git.reset_hard(root, out.state.champion.commit)
    logs.log_event(root, "experiment_start", {"experiment": out.number,
                   "description": out.description}, tag=out.state.tag)
    out.error, out.detail = "scope_violation", "; ".join(violations[:5])
    out.violations, out.saved = violations, os.path.relpath(folder, root)


def _commit(root, out: Outcome, changes) -> None:
    """Commit the change; note it as pending, so that recovery can finish it."""
    state = out.state
    changed = sorted({p for _, path, orig in changes for p in (path, orig) if p})
    out.commit = git.commit_paths(root, changed, EXPERIMENT_PREFIX + out.description,
                                  untracked=any(code == "??" for code, _, _ in changes),
                                  allow_empty=True)
    state.pending = Pending(out.number, out.commit, out.description)
    session.save(root, state)
    logs.log_event(root, "experiment_start", {"experiment": out.number,
                   "description": out.description, "commit": short(out.commit)},
                   tag=state.tag)


def _evaluate(root, out: Outcome) -> None:
    """Measure the commit and decide; a Ctrl+C is logged as an interrupted crash."""
    state = out.state

    def remember_group(pgid: int) -> None:
        state.pending.pgid = pgid
        session.save(root, state)

    try:
        m = measure(root, Plan.from_config(state.config), on_start=remember_group)
    except KeyboardInterrupt:
        out.error, out.detail = "interrupted", "the experiment was interrupted"
        _finish(root, out)
        raise
    out.duration_s, out.memory_gb = m.duration_s, m.memory_gb
    if m.error:
        out.error, out.detail, out.log = m.error, m.detail, m.log
        return
    _decide(root, out, m)


def _decide(root, out: Outcome, m: Measurement) -> None:
    state = out.state
    values, champion = state.config["values"], state.champion
    min_delta = float(values.get("min_delta") or 0.0)
    removed = 0
    if abs(m.value - champion.value) <= min_delta:  # a tie: the simpler change wins
        removed = git.lines_removed(root, champion.commit, out.commit)
    d = decide(state.direction, champion.value, m.samples, champion_samples=champion.samples,
               min_delta=min_delta, alpha=float(values.get("alpha") or 0.05),
               lines_removed=removed)
    out.status, out.reason, out.value, out.p_value = d.status, d.reason, d.value, d.p_value
    out.samples = list(m.samples)
    if d.status == KEEP:
        state.champion = Point(out.commit, d.value, list(m.samples), out.number)


def _finish(root, out: Outcome) -> None:
    """Keep the rejected commit as a tag and go back to the champion; log the result;
    note what the run left in the tree (it is not the agent's next change)."""
    state = out.state
    if out.status != KEEP and out.commit:
        out.rejected = rejected_tag(state, out.number)
        git.tag(root, out.rejected, out.commit)
        git.reset_hard(root, state.champion.commit)
    journal.record(root, state, out)
    state.pending = None
    session.save(root, state)
    _, _, entries = git.status(root)
    scope.save_leftover(root, entries)
