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
from types import SimpleNamespace

from autoresearch_helpers import gitcommit, gitops, gittag, journal, logs, scope, session
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.recovery import recover


def rejected_dir(root, number: int) -> str:
    return os.path.join(session.state_dir(root), "rejected", str(number))


def rejected_tag(state: dict, number: int) -> str:
    return f"autoresearch/{state['tag']}/rejected/{number}"


def load_active(root) -> dict:
    state = session.load(root)
    if state is None or not state.get("champion"):
        raise AutoresearchError("no autoresearch session with a baseline in this repository; "
                                "run 'autoresearch setup' first")
    return state


def _set_aside(root, number: int, changes, champion: str) -> str:
    """Save the whole change (a patch, and the agent's new files), then go back to the champion.

    The only untracked files removed are the ones the agent created in this experiment,
    and each is moved under .autoresearch/rejected/<n>/files/ first.
    """
    import shutil

    folder = rejected_dir(root, number)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "change.patch"), "wb") as fh:
        fh.write(gitops.binary_patch(root))
    for code, path, _ in changes:
        source = os.path.join(root, path)
        if code == "??" and os.path.lexists(source):
            dest = os.path.join(folder, "files", path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.move(source, dest)
    gitops.reset_hard(root, champion)
    return folder


def frozen_config(data: dict) -> SimpleNamespace:
    """The configuration setup validated and froze in session.json (Config.to_dict form).

    Read as it is: re-validating (and importing the config machinery) on every experiment
    would cost start-up time for nothing, since the session's configuration never changes.
    """
    return SimpleNamespace(values=data["values"], measure=data.get("measure") or "printed",
                           artifact=data.get("artifact"), unit=data.get("unit"),
                           editable=list(data.get("editable") or []),
                           readonly=list(data.get("readonly") or []))


def run_experiment(root, description: str, *, allow_empty: bool = False,
                   status: gitops.GitCall | None = None, report=None) -> dict:
    """Evaluate the change in the working tree. Call with the session lock held.

    ``status``: a `git status` the caller started (gitops.start_status) so that it ran
    while this module was imported. ``report(outcome)``: called once the outcome is
    logged and saved, while git records what the run left behind. Each git call after
    the first overlaps some Python work in the same way.
    """
    state = load_active(root)
    cfg = frozen_config(state["config"])
    champion = state["champion"]
    number = state.get("experiments", 0) + 1
    limit = cfg.values.get("max_experiments")
    if limit and number > limit:
        raise AutoresearchError(f"max_experiments ({limit}) reached: the session is complete")
    head, branch, entries = gitops.status_v2(root, status)
    if branch != state["branch"]:
        raise AutoresearchError(f"HEAD is on {branch or 'a detached commit'}, not on the "
                                f"session's branch: run 'git checkout {state['branch']}'")
    notes = recover(root, state, head)
    if notes:
        champion = state["champion"]
        number = state.get("experiments", 0) + 1
        head, branch, entries = gitops.status_v2(root)
    if head != champion["commit"]:
        # the agent committed its edit itself: fold those commits back into the working tree
        gitops.git(root, "reset", "-q", "--soft", champion["commit"])
        head, branch, entries = gitops.status_v2(root)
        notes.append(f"note: commits made on top of the champion were folded into this "
                     f"experiment (HEAD was reset to {journal.short(champion['commit'])})")
    changes = scope.agent_changes(root, entries, scope.load_leftover(root))
    sc = scope.Scope(root, cfg.editable, cfg.readonly)
    violations = sc.violations(changes) + scope.readonly_changed(root, state.get("readonly_prints", {}))
    # every outcome carries the session state as saved, so callers need not read it again
    base = {"number": number, "description": description, "prev": champion["value"],
            "notes": notes, "state": state}

    if violations:
        folder = _set_aside(root, number, changes, champion["commit"])
        detail = "; ".join(violations[:5])
        logs.log_event(root, "experiment_start", {"experiment": number,
                       "description": description}, tag=state["tag"])
        journal.record(root, state, number=number, status="crash", value=None, commit=None,
                       description=description, prev=champion["value"],
                       error="scope_violation", detail=detail)
        return _conclude(root, state, {
            **base, "status": "crash", "error": "scope_violation", "value": None,
            "commit": None, "violations": violations, "saved": os.path.relpath(folder, root),
            "detail": detail}, report=report)
    if not changes and not allow_empty:
        raise AutoresearchError(f"nothing to run: no change to the editable files "
                                f"({', '.join(cfg.editable)}). Edit one, then run again.")

    paths = sorted({p for _, path, orig in changes for p in (path, orig) if p})
    committing = gitcommit.start_commit(root, paths, f"experiment: {description}",
                                        allow_empty=True,
                                        untracked=any(code == "??" for code, _, _ in changes))
    try:  # while git commits: load what the run needs
        from autoresearch_helpers.measure import measure
        from autoresearch_helpers.procgroup import load_prctl

        load_prctl()
    finally:
        commit, net_removed = gitcommit.finish_commit(root, committing)
    state["pending"] = {"number": number, "commit": commit, "description": description}
    session.save(root, state)
    logs.log_event(root, "experiment_start", {"experiment": number, "description": description,
                   "commit": journal.short(commit)}, tag=state["tag"])

    def remember_group(pgid: int) -> None:
        state["pending"]["pgid"] = pgid
        session.save(root, state)

    try:
        m = measure(root, cfg, on_start=remember_group)
    except KeyboardInterrupt:
        resetting = _reject(root, state, number, commit)
        journal.record(root, state, number=number, status="crash", value=None, commit=commit,
                       description=description, prev=champion["value"], error="interrupted",
                       detail="the experiment was interrupted")
        _conclude(root, state, None, resetting)
        raise
    outcome = {**base, "commit": commit, "duration_s": m.duration_s, "memory_gb": m.memory_gb}
    if m.error:
        resetting = _reject(root, state, number, commit)
        journal.record(root, state, number=number, status="crash", value=None, commit=commit,
                       description=description, prev=champion["value"], error=m.error,
                       detail=m.detail, duration_s=m.duration_s, memory_gb=m.memory_gb)
        return _conclude(root, state, {
            **outcome, "status": "crash", "error": m.error, "detail": m.detail, "log": m.log,
            "value": None, "rejected": rejected_tag(state, number)}, resetting, report)

    d = _decide(root, cfg, state, m, commit, net_removed)
    resetting = None
    if d.status == "keep":
        state["champion"] = {"commit": commit, "value": d.value, "samples": m.samples,
                             "number": number}
    else:
        resetting = _reject(root, state, number, commit)
    journal.record(root, state, number=number, status=d.status, value=d.value, commit=commit,
                   description=description, prev=champion["value"], reason=d.reason,
                   duration_s=m.duration_s, memory_gb=m.memory_gb, p_value=d.p_value,
                   samples=m.samples)
    out = {**outcome, "status": d.status, "reason": d.reason, "value": d.value,
           "delta": d.delta, "p_value": d.p_value, "samples": m.samples}
    if d.status != "keep":
        out["rejected"] = rejected_tag(state, number)
    return _conclude(root, state, out, resetting, report)


def _decide(root, cfg, state: dict, m, commit: str, net_removed: int | None):
    from autoresearch_helpers.decide import decide

    v = cfg.values
    champion = state["champion"]
    removed = 0
    if abs(m.value - champion["value"]) <= float(v.get("min_delta") or 0.0):
        # a tie: the simpler change wins (git's commit summary usually told us already)
        removed = (net_removed if net_removed is not None
                   else gitcommit.lines_removed(root, champion["commit"], commit))
    return decide(state["direction"], champion["value"], m.samples,
                  champion_samples=champion.get("samples"), min_delta=float(v.get("min_delta") or 0.0),
                  alpha=float(v.get("alpha") or 0.05), lines_removed=removed)


def _reject(root, state: dict, number: int, commit: str) -> gitops.GitCall:
    """Keep the rejected commit reachable as a tag, and start going back to the champion
    (the results are logged while git resets; _conclude waits for it)."""
    gittag.tag(root, rejected_tag(state, number), commit)
    return gitops.start_reset(root, state["champion"]["commit"])


def _conclude(root, state: dict, outcome: dict | None,
              resetting: gitops.GitCall | None = None, report=None) -> dict | None:
    """Clear the pending experiment; once git has reset (if it was asked to), note what
    the run left in the tree, and meanwhile hand the outcome to ``report``."""
    state["pending"] = None
    session.save(root, state)  # a kill before the reset ends is repaired by recovery
    if resetting is not None:
        resetting.result()
    status = gitops.start_status(root)
    try:
        if report is not None and outcome is not None:
            report(outcome)
    finally:
        _, _, entries = gitops.status_v2(root, status)
        scope.save_leftover(root, entries)
    return outcome
