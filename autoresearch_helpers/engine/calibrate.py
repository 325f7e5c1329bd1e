"""Calibration: how noisy the metric is, from the baseline's runs at setup, and the decision
settings the session adopts from it.

Setup runs the baseline twice. Two equal values (within float noise) make the metric
deterministic: every experiment is then one run, decided by engine/decide.py. Two values
that differ (or ``setup --calibrate``) bring the baseline to CALIBRATION_RUNS runs; their
sample standard deviation is the noise, and every experiment is decided by paired runs
(engine/sequential.py).
"""

from __future__ import annotations

import statistics

from autoresearch_helpers.engine.sequential import Settings
from autoresearch_helpers.engine.stats import drift, spread
from autoresearch_helpers.vocab import fmt_count, fmt_value, tolerance

FIRST_RUNS = 2
CALIBRATION_RUNS = 10
DRIFT_SIGMAS = 2.0  # a trend across the calibration larger than this many sigmas is drift


def disagree(samples: list[float]) -> bool:
    """Whether the runs differ by more than float noise."""
    return max(samples) - min(samples) > tolerance(*samples)


def resolve_min_delta(raw, baseline: float, noise: float) -> float:
    """min_delta in the metric's units: a number as it is, ``N%`` of the baseline's value,
    ``Nsigma`` of the noise."""
    if isinstance(raw, str):
        if raw.endswith("%"):
            return float(raw[:-1]) / 100 * abs(baseline)
        if raw.endswith("sigma"):
            return float(raw[:-5]) * noise
    return float(raw or 0)


def adopt(values: dict, samples: list[float]) -> Settings:
    """The decision settings for runs ``samples`` of the baseline and the configured
    ``values`` (alpha, repeats, max_repeats, min_delta: their defaults unless set)."""
    noise = spread(samples) if disagree(samples) else 0.0
    baseline = statistics.fmean(samples)
    return Settings(noise=noise, noise_df=len(samples) - 1 if noise else 0,
                    min_delta=resolve_min_delta(values.get("min_delta"), baseline, noise),
                    alpha=float(values.get("alpha") or 0.05),
                    repeats=int(values.get("repeats") or 1),
                    max_repeats=int(values.get("max_repeats") or 8))


def report(metric: str, samples: list[float], settings: Settings) -> list[str]:
    """What setup prints about the noise and the settings it adopted."""
    if not settings.noisy:
        return [f"noise: none ({fmt_count(len(samples), 'run')} gave {fmt_value(samples[0])}): "
                f"the metric is deterministic, each experiment is one run"]
    mean, sigma = statistics.fmean(samples), settings.noise
    cv = f", cv {sigma / abs(mean) * 100:.2g}%" if mean else ""
    lines = [
        f"noise of {metric} over {fmt_count(len(samples), 'run')}: median "
        f"{fmt_value(statistics.median(samples))}"
        f", mean {fmt_value(mean)} ± {fmt_value(sigma)} (σ), "
        f"min {fmt_value(min(samples))} … max {fmt_value(max(samples))}{cv}",
        f"decisions: paired runs with the best commit, keep at alpha {settings.alpha:g} and a "
        f"gain above min_delta {fmt_value(settings.min_delta)}; {settings.repeats} to "
        f"{fmt_count(settings.max_repeats, 'pair')}; a first run worse by more than "
        f"{fmt_value(settings.band)} is discarded at once",
        f"smallest gain found 4 times in 5 after {fmt_count(settings.max_repeats, 'pair')}: "
        f"{fmt_value(settings.mde())} ({settings.mde() / sigma:.2g} σ)",
    ]
    moved = drift(samples)
    if abs(moved) > DRIFT_SIGMAS * sigma:
        lines.append(f"warning: the metric drifted by {fmt_value(moved, sign=True)} from the "
                     f"first run to the last; paired runs cancel a slow drift, but a quieter "
                     f"machine (nothing else running) gives sharper decisions")
    return lines
