"""One measurement of the tree as it is: run_command (``repeats`` times), the metric,
then verify_command. Shared by the baseline (setup) and every experiment (run)."""

from __future__ import annotations

import os

from autoresearch_helpers import metrics, runner
from autoresearch_helpers.record import Record

RUN_LOG = "run.log"


class Measurement(Record):
    """samples; error (timeout, exit_N, metric_missing, ..., verify_failed) with a one-line
    detail and the log whose tail explains it; duration_s; memory_gb."""

    FIELDS = ("samples", "error", "detail", "log", "duration_s", "memory_gb")
    DEFAULTS = {"samples": list, "error": None, "detail": "", "log": RUN_LOG,
                "duration_s": 0.0, "memory_gb": None}

    @property
    def value(self) -> float | None:
        if self.error or not self.samples:
            return None
        ordered = sorted(self.samples)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measure(root, cfg, on_start=None) -> Measurement:
    """Run the experiment ``repeats`` times; stop at the first failure."""
    values = cfg.values
    budget = float(values["time_budget"])
    log_path = os.path.join(root, RUN_LOG)
    out = Measurement()
    for _ in range(int(values.get("repeats") or 1)):
        result = runner.run_command(values["run_command"], root, log_path, budget,
                                    on_start=on_start)
        out.duration_s += result.duration_s
        if result.peak_memory_gb is not None:
            out.memory_gb = max(out.memory_gb or 0.0, result.peak_memory_gb)
        code = runner.error_code(result)
        if code:
            out.error = code
            out.detail = (f"the run took longer than time_budget ({budget:g} s) and was killed"
                          if code == "timeout" else
                          f"run_command exited with status {code[5:]}: {values['run_command']}")
            return out
        try:
            out.samples.append(metrics.measure(
                root, metric_name=values["metric_name"], measure=cfg.measure,
                metric_parse=values.get("metric_parse"), artifact=cfg.artifact, unit=cfg.unit,
                run_result=result, log_path=log_path))
        except metrics.MetricError as exc:
            out.error, out.detail = exc.code, str(exc)
            return out
    verify = values.get("verify_command")
    if verify:
        verify_log = os.path.join(root, ".autoresearch", "verify.log")
        result = runner.run_command(verify, root, verify_log, budget, on_start=on_start)
        if runner.error_code(result):
            out.error = "verify_failed"
            out.detail = f"verify_command failed ({runner.error_code(result)}): {verify}"
            out.log = ".autoresearch/verify.log"
    return out
