"""The baseline's measurement at setup: its runs (two, or the calibration's), the
correctness gates of each run (guard_pattern) and of the tree (verify_command, once), and
the one error setup gives when any of it fails: what failed, the last lines of its log,
and the way out (fix and commit, or turn a gate off with ``--set KEY=``)."""

from __future__ import annotations

import os

from autoresearch_helpers import paths
from autoresearch_helpers.engine import calibrate, guard
from autoresearch_helpers.engine.measure import Measurement, Plan, measure, run_verify
from autoresearch_helpers.engine.runlog import tail
from autoresearch_helpers.errors import AutoresearchError
from autoresearch_helpers.vocab import typed


def measure_baseline(root, plan: Plan, runs: int | None) -> Measurement:
    """The baseline's runs: two, or ``runs`` (--calibrate), or CALIBRATION_RUNS when the
    first two disagree; then verify_command once."""
    m = measure(root, plan, runs=calibrate.FIRST_RUNS, verify=False)
    if not m.error and (runs or calibrate.disagree(m.samples)):
        more = measure(root, plan, runs=(runs or calibrate.CALIBRATION_RUNS) - len(m.samples),
                       verify=False)
        m.add_costs(more.duration_s, more.memory_gb, more.escaped, more.cut_bytes)
        m.sizes = more.sizes or m.sizes
        m.samples += more.samples
        m.error, m.detail, m.log = more.error, more.detail, more.log
    if not m.error:
        run_verify(root, plan, m)
    return m


def failure(root, m: Measurement, sources: dict) -> AutoresearchError:
    """The error of a baseline that failed: a failed correctness gate says which one (and
    where its value came from) and how to turn it off."""
    text = (f"the baseline run failed ({m.error}): {m.detail}\n--- last lines of {m.log} ---\n"
            + tail(os.path.join(root, m.log), lines=30) + "\n")
    if m.error == guard.CRASH_CODE:
        key = "verify_command" if m.log == paths.VERIFY_LOG else "guard_pattern"
        text += (f"The correctness gate {key} (from {sources.get(key, 'default')}) fails "
                 f"on the baseline, before any change. Fix the project so that it passes and "
                 f"commit the fix, or turn the gate off for this session: "
                 f"'{typed(f'setup --set {key}=')}' (the session resumes).")
        return AutoresearchError(text)
    return AutoresearchError(
        text + "Fix the project or the configuration and commit the fix (the session's "
        "branch is checked out), or give the value here (--set KEY=VALUE); then run "
        f"'{typed('setup')}' again (the session resumes).")
