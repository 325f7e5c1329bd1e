"""The held-out check (holdout_command): a second evaluation the agent never sees, such as
another split of the data or a larger scale, run for every candidate about to be kept, so
that a change that games the visible metric (memorising the test split, reading the
expected output from disk) is not kept.

- setup measures it at the baseline (:func:`at_baseline`): the champion's held-out value,
  and holdout_tolerance in the held-out metric's units by min_delta's rule
  (engine/calibrate.py: a number, ``1%`` of the baseline's held-out value, ``2sigma`` of
  the visible metric's calibrated noise);
- after the keep decision (one run, or paired runs), before the candidate becomes the
  champion (:func:`gate`): a held-out value worse than the champion's by more than the
  tolerance (in metric_direction) makes the experiment a discard "held-out check
  regressed"; otherwise it is kept and its held-out value becomes the champion's;
- holdout_command runs in the repository (the candidate checked out) under time_budget,
  its output in .autoresearch/holdout.log, never in run.log, and never printed: a failure
  (non-zero exit, timeout, no holdout_metric) is the crash holdout_failed, whose detail
  says what failed and where the log is, not what the evaluation printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from autoresearch_helpers import paths
from autoresearch_helpers.engine import metrics, process
from autoresearch_helpers.engine.calibrate import resolve_min_delta
from autoresearch_helpers.errors import AutoresearchError, MetricError
from autoresearch_helpers.store.journal import Result
from autoresearch_helpers.store.session import Point, State
from autoresearch_helpers.vocab import CRASH, DISCARD, KEEP, is_better, typed

REGRESSED = "held-out check regressed"
CRASH_CODE = "holdout_failed"
UNSEEN = (f"its output is in {paths.HOLDOUT_LOG}, not shown (the held-out evaluation stays "
          "unseen)")


@dataclass
class Check:
    value: float | None = None
    problem: str = ""  # why there is no value


def metric(values: dict) -> str:
    """The held-out metric's name: holdout_metric, else metric_name."""
    return values.get("holdout_metric") or values["metric_name"]


def run_check(root, values: dict, *, on_start=None, marker: str | None = None) -> Check:
    """Run holdout_command once in the tree at ``root`` and read its metric."""
    log = os.path.join(root, paths.HOLDOUT_LOG)
    result = process.run_command(values["holdout_command"], root, log,
                                 float(values["time_budget"]), on_start=on_start, marker=marker)
    code = process.error_code(result)
    if code:
        return Check(problem=f"holdout_command failed ({code})")
    try:
        return Check(metrics.parse_printed_file(log, metric(values)))
    except MetricError as exc:  # its message would quote the output: the code only
        return Check(problem=f"holdout_command gave no usable {metric(values)} ({exc.code})")


def at_baseline(root, state: State, noise: float) -> float | None:
    """The baseline's held-out value (None without holdout_command); sets the session's
    holdout_tolerance. A failure is setup's error, which never shows the output."""
    values = state.config["values"]
    if not values.get("holdout_command"):
        return None
    check = run_check(root, values)
    if check.value is None:
        raise AutoresearchError(
            f"the held-out check failed on the baseline: {check.problem}: "
            f"{values['holdout_command']}; {UNSEEN}. Fix holdout_command or the project and "
            f"commit the fix, or turn the check off for this session: "
            f"'{typed('setup --set holdout_command=')}' (the session resumes).")
    state.holdout_tolerance = resolve_min_delta(values.get("holdout_tolerance"), check.value,
                                                noise)
    return check.value


def gate(root, out: Result, state: State, prior: Point, *, on_start=None,
         marker: str | None = None, finish=None) -> None:
    """After the keep decision: ``out``, kept against the champion ``prior``, becomes the
    champion only when its held-out value is not worse than ``prior``'s beyond the
    tolerance; else a discard (REGRESSED), or a crash (CRASH_CODE) when the check fails.
    On a Ctrl+C during the check, ``finish()`` logs the interrupted crash first."""
    values = state.config["values"]
    if out.status != KEEP or not values.get("holdout_command"):
        return
    chosen, state.champion = state.champion, prior  # not the best until it passes
    try:
        check = run_check(root, values, on_start=on_start, marker=marker)
    except KeyboardInterrupt:
        _crash(out, "interrupted", "the experiment was interrupted during the held-out check")
        if finish is not None:
            finish()
        raise
    out.holdout, out.holdout_prev = check.value, prior.holdout
    if check.value is None:
        _crash(out, CRASH_CODE, f"{check.problem}: {values['holdout_command']}; {UNSEEN}")
    elif prior.holdout is not None and is_better(state.direction, prior.holdout, check.value,
                                                 state.holdout_tolerance):
        out.status, out.reason = DISCARD, REGRESSED
        if out.champion_samples:  # the best's fresh runs are its latest level
            prior.samples = list(out.champion_samples)
    else:
        chosen.holdout = check.value
        state.champion = chosen


def _crash(out: Result, code: str, detail: str) -> None:
    out.status, out.value, out.reason = CRASH, None, ""
    out.error, out.detail = code, detail
