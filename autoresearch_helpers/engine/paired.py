"""A noisy metric's experiment: the paired test the session's calibration asks for, its
runs taking turns as engine/sequential.py asks (B A | A B | ...), the candidate in the
repository, the champion in its worktree (engine/champion.py), and the test's decision
taken into the result. engine/experiment.py calls :func:`trial_for`, then
:func:`measure_paired` and :func:`take` in place of its one-run measure and decide."""

from __future__ import annotations

import dataclasses
import statistics

from autoresearch_helpers.engine import champion, git
from autoresearch_helpers.engine.measure import Measurement, Plan, measure, run_verify
from autoresearch_helpers.engine.sequential import CANDIDATE, Settings, Trial
from autoresearch_helpers.store.journal import Result
from autoresearch_helpers.store.session import Point, State
from autoresearch_helpers.vocab import KEEP


def trial_for(root, state: State, commit: str) -> Trial | None:
    """The paired test the experiment of ``commit`` needs, or None (deterministic)."""
    settings = Settings(**state.decision) if state.decision else None
    if settings is None or not settings.noisy:
        return None
    best = state.champion
    level = statistics.fmean(best.samples) if best.samples else best.value
    return Trial(settings, state.direction, level,
                 lines_removed=git.lines_removed(root, best.commit, commit))


def measure_paired(root, plan: Plan, trial: Trial, *, best: str, candidate: str,
                   on_start=None, marker: str | None = None) -> Measurement:
    """Run ``trial`` to its decision; the candidate's values in ``samples``, the
    champion's (commit ``best``) in ``champion_samples``. A failed run of the candidate
    is the experiment's crash as usual; a failed run of the champion is a crash
    ``champion_failed``, whose log is in the worktree. verify_command runs once, after."""
    out = Measurement()
    while (side := trial.next_side()) is not None:
        if side == CANDIDATE:
            one = measure(root, plan, verify=False, on_start=on_start, marker=marker)
        else:
            tree = champion.prepare(root, best, candidate)
            one = measure(tree, plan, verify=False, on_start=on_start, marker=marker)
        out.add_costs(one.duration_s, one.memory_gb, one.escaped, one.cut_bytes)
        if side == CANDIDATE:
            out.sizes = one.sizes or out.sizes
        if one.error:
            if side == CANDIDATE:
                out.error, out.detail, out.log = one.error, one.detail, one.log
            else:
                out.error, out.log = "champion_failed", f"{champion.FOLDER}/{one.log}"
                out.detail = (f"a run of the best commit beside this one failed "
                              f"({one.error}): {one.detail}")
            break
        trial.add(side, one.samples[0])
    out.samples, out.champion_samples = list(trial.candidate), list(trial.champion)
    if not out.error:
        run_verify(root, plan, out, on_start=on_start, marker=marker)
    return out


def take(out: Result, state: State, m: Measurement, trial: Trial) -> None:
    """The test's decision into ``out``; a keep makes ``out``'s commit the champion, else
    the champion's fresh runs become its latest level. The session's noise learns from
    the pairs (Settings.learn)."""
    state.decision = dataclasses.asdict(trial.settings.learn(trial.diffs))
    out.status, out.reason, out.value = trial.status, trial.reason, trial.value
    out.samples, out.champion_samples = list(m.samples), list(m.champion_samples)
    if trial.evidence:
        out.p_value, out.interval = trial.evidence.p_value, list(trial.evidence.interval)
    if trial.status == KEEP:
        state.champion = Point(out.commit, trial.value, list(m.samples), out.number)
    elif m.champion_samples:
        state.champion.samples = list(m.champion_samples)
