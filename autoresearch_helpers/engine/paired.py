"""Paired measurement of a candidate and the champion on a noisy metric: the runs take
turns as engine/sequential.py asks (B A | A B | ...), the candidate in the repository,
the champion in its worktree (engine/champion.py), until the test decides."""

from __future__ import annotations

from autoresearch_helpers.engine import champion
from autoresearch_helpers.engine.measure import Measurement, Plan, measure, run_verify
from autoresearch_helpers.engine.sequential import CANDIDATE, Trial


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
