"""One measurement of the tree as it is: run_command (``repeats`` times), the metric,
then verify_command. Shared by the baseline (setup) and every experiment (run)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from autoresearch_helpers import paths
from autoresearch_helpers.engine import metrics, process
from autoresearch_helpers.errors import MetricError
from autoresearch_helpers.vocab import PRINTED, median


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
    repeats: int = 1
    verify_command: str | None = None

    @classmethod
    def from_config(cls, frozen: dict) -> "Plan":
        """From Config.to_dict(): its ``values`` and the adapter's measure, artifact, unit."""
        v = frozen["values"]
        return cls(run_command=v["run_command"], metric_name=v["metric_name"],
                   time_budget=float(v["time_budget"]), measure=frozen.get("measure") or PRINTED,
                   metric_parse=v.get("metric_parse"), artifact=frozen.get("artifact"),
                   unit=frozen.get("unit"), repeats=int(v.get("repeats") or 1),
                   verify_command=v.get("verify_command"))


@dataclass
class Measurement:
    samples: list[float] = field(default_factory=list)
    error: str | None = None  # timeout, exit_N, metric_missing, ..., verify_failed
    detail: str = ""  # one line about the error
    log: str = paths.RUN_LOG  # the log whose tail explains it
    duration_s: float = 0.0
    memory_gb: float | None = None
    escaped: int = 0  # processes that had left the run's group, killed at its end
    cut_bytes: int = 0  # output cut from the middle of the logs (engine/capture.py)

    @property
    def value(self) -> float | None:
        return None if self.error or not self.samples else median(self.samples)


def measure(root, plan: Plan, on_start=None, marker: str | None = None) -> Measurement:
    """Run the experiment ``plan.repeats`` times; stop at the first failure. ``marker``
    goes into each run's environment (process.run_command)."""
    log_path = os.path.join(root, paths.RUN_LOG)
    out = Measurement()
    for _ in range(plan.repeats):
        result = process.run_command(plan.run_command, root, log_path, plan.time_budget,
                                     on_start=on_start, marker=marker)
        out.duration_s += result.duration_s
        out.escaped += result.escaped
        out.cut_bytes += result.cut_bytes
        if result.peak_memory_gb is not None:
            out.memory_gb = max(out.memory_gb or 0.0, result.peak_memory_gb)
        code = process.error_code(result)
        if code:
            out.error = code
            out.detail = (f"the run took longer than time_budget ({plan.time_budget:g} s) and "
                          "was killed" if code == "timeout" else
                          f"run_command exited with status {code[5:]}: {plan.run_command}")
            return out
        try:
            out.samples.append(metrics.measure(
                root, metric_name=plan.metric_name, measure=plan.measure,
                metric_parse=plan.metric_parse, artifact=plan.artifact, unit=plan.unit,
                run_result=result, log_path=log_path))
        except MetricError as exc:
            out.error, out.detail = exc.code, str(exc)
            return out
    if plan.verify_command:
        verify_log = os.path.join(root, paths.VERIFY_LOG)
        result = process.run_command(plan.verify_command, root, verify_log, plan.time_budget,
                                     on_start=on_start, marker=marker)
        out.escaped += result.escaped
        code = process.error_code(result)
        if code:
            out.error = "verify_failed"
            out.detail = f"verify_command failed ({code}): {plan.verify_command}"
            out.log = paths.VERIFY_LOG
    return out
