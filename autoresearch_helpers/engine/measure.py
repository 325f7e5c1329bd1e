"""One measurement of a tree as it is: run_command (``runs`` times), guard_pattern and the
metric after each run, then verify_command. Shared by the baseline (setup), every
experiment (run) and the champion's runs beside it (engine/paired.py)."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field

from autoresearch_helpers import paths
from autoresearch_helpers.engine import guard, metrics, process
from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.vocab import PRINTED


@dataclass
class Plan:
    """What one measurement runs, taken from the configuration frozen at setup."""

    run_command: str
    metric_name: str
    time_budget: float
    measure: str = PRINTED  # how the metric is read (vocab.MEASURES)
    metric_parse: str | None = None
    artifact: str | None = None
    unit: str | None = None
    size: str | None = None  # a size metric: raw, gzip or brotli (engine/sizes.py)
    verify_command: str | None = None
    guard_pattern: str | None = None  # found in run.log: the run is verify_failed

    @classmethod
    def from_config(cls, frozen: dict) -> "Plan":
        """From Config.to_dict(): its ``values``, the measure and the unit (a session set up
        before ``artifact`` was a key has it beside the values)."""
        v = frozen["values"]
        return cls(run_command=v["run_command"], metric_name=v["metric_name"],
                   time_budget=float(v["time_budget"]), measure=frozen.get("measure") or PRINTED,
                   metric_parse=v.get("metric_parse"),
                   artifact=v.get("artifact") or frozen.get("artifact"),
                   unit=frozen.get("unit"), size=v.get("size"),
                   verify_command=v.get("verify_command"),
                   guard_pattern=v.get("guard_pattern"))


@dataclass
class Measurement:
    samples: list[float] = field(default_factory=list)
    champion_samples: list[float] = field(default_factory=list)  # paired runs only
    error: str | None = None  # timeout, exit_N, metric_missing, ..., verify_failed
    detail: str = ""  # one line about the error
    log: str = paths.RUN_LOG  # the log whose tail explains it
    duration_s: float = 0.0
    memory_gb: float | None = None
    escaped: int = 0  # processes that had left the run's group, killed at its end
    cut_bytes: int = 0  # output cut from the middle of the logs (engine/capture.py)
    sizes: dict | None = None  # a size metric: what its last run counted (sizes.Size.summary)

    @property
    def value(self) -> float | None:
        return None if self.error or not self.samples else statistics.fmean(self.samples)

    def add_costs(self, duration_s: float, memory_gb: float | None, escaped: int,
                  cut_bytes: int) -> None:
        """Count what more runs took: time, peak memory, escaped processes, output cut."""
        self.duration_s += duration_s
        self.escaped += escaped
        self.cut_bytes += cut_bytes
        if memory_gb is not None:
            self.memory_gb = max(self.memory_gb or 0.0, memory_gb)


def measure(root, plan: Plan, *, runs: int = 1, verify: bool = True, on_start=None,
            marker: str | None = None) -> Measurement:
    """Run the experiment ``runs`` times in the tree at ``root``, then verify_command
    (unless ``verify`` is False); stop at the first failure. ``marker`` goes into each
    run's environment (process.run_command)."""
    log_path = os.path.join(root, paths.RUN_LOG)
    out = Measurement()
    for _ in range(runs):
        result = process.run_command(plan.run_command, root, log_path, plan.time_budget,
                                     on_start=on_start, marker=marker)
        out.add_costs(result.duration_s, result.peak_memory_gb, result.escaped,
                      result.cut_bytes)
        code = process.error_code(result)
        if code:
            out.error = code
            out.detail = (f"the run took longer than time_budget ({plan.time_budget:g} s) and "
                          "was killed" if code == "timeout" else
                          f"run_command exited with status {code[5:]}: {plan.run_command}")
            return out
        guarded = guard.matched(plan.guard_pattern, log_path)  # before the metric is trusted
        if guarded:
            out.error, out.detail = guard.CRASH_CODE, guarded
            return out
        details: dict = {}
        try:
            out.samples.append(metrics.measure(
                root, metric_name=plan.metric_name, measure=plan.measure,
                metric_parse=plan.metric_parse, artifact=plan.artifact, unit=plan.unit,
                size=plan.size, run_result=result, log_path=log_path, details=details))
        except MetricError as exc:
            out.error, out.detail = exc.code, str(exc)
            return out
        out.sizes = details.get("sizes", out.sizes)
    if verify:
        run_verify(root, plan, out, on_start=on_start, marker=marker)
    return out


def run_verify(root, plan: Plan, out: Measurement, *, on_start=None,
               marker: str | None = None) -> None:
    """verify_command, when there is one; a failure makes ``out`` a verify_failed crash."""
    if plan.verify_command:
        verify_log = os.path.join(root, paths.VERIFY_LOG)
        result = process.run_command(plan.verify_command, root, verify_log, plan.time_budget,
                                     on_start=on_start, marker=marker)
        out.escaped += result.escaped
        code = process.error_code(result)
        if code:
            out.error = guard.CRASH_CODE
            out.detail = f"verify_command failed ({code}): {plan.verify_command}"
            out.log = paths.VERIFY_LOG
