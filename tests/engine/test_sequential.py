"""engine/sequential.py: the paired, group-sequential decision of a noisy metric.

Simulated metrics with a fixed seed: what the procedure promises (false keeps at most
alpha, power at 2 sigma, short clear cases, drift cancelled by the alternation) and its
statistics checked against SciPy."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from scipy import stats as sp

from autoresearch_helpers.engine.sequential import CANDIDATE, CHAMPION, Settings, Trial
from autoresearch_helpers.vocab import HIGHER, LOWER


def simulate(gain_sigmas, n=1500, drift_per_run=0.0, seed=7, direction=LOWER, **kw):
    """(keep rate, mean runs) of n trials; the candidate is better by gain_sigmas sigma."""
    rng = random.Random(seed)
    keeps = runs = 0
    for _ in range(n):
        calibration = [10 + rng.gauss(0, 1) for _ in range(10)]
        settings = Settings(noise=statistics.stdev(calibration), noise_df=9, **kw)
        trial = Trial(settings, direction, statistics.fmean(calibration))
        level, step = 10.0, 0
        while (side := trial.next_side()) is not None:
            step += 1
            level += drift_per_run
            better = gain_sigmas if side == CANDIDATE else 0.0
            value = level - better if direction == LOWER else level + better
            trial.add(side, value + rng.gauss(0, 1))
        keeps += trial.status == "keep"
        runs += trial.runs
    return keeps / n, runs / n


def test_no_op_edits_are_kept_at_most_alpha_of_the_time():
    rate, _ = simulate(0.0)
    assert rate <= 0.05
    rate, _ = simulate(0.0, direction=HIGHER)
    assert rate <= 0.05


def test_a_strong_drift_does_not_fake_an_improvement():
    # the machine gets faster by half a sigma every run: the candidate always runs first,
    # so unpaired it would look better; the alternation cancels it
    rate, _ = simulate(0.0, drift_per_run=-0.5, n=800)
    assert rate <= 0.05


def test_power_at_two_sigma_and_short_clear_cases():
    power, _ = simulate(2.0, n=800)
    assert power >= 0.8
    keep, runs_better = simulate(5.0, n=500)
    assert keep == 1.0 and runs_better <= 3
    keep, runs_worse = simulate(-4.0, n=500)
    assert keep == 0.0 and runs_worse <= 1.5


def test_min_delta_is_part_of_the_null():
    # a true gain of exactly min_delta is no improvement: kept at most alpha of the time
    rate, _ = simulate(1.0, min_delta=1.0)
    assert rate <= 0.05


def test_run_order_alternates_in_pairs():
    trial = Trial(Settings(noise=1.0, noise_df=9, max_repeats=4), LOWER, 10.0)
    order = []
    for value in [10.0, 10.1, 9.9, 10.05, 10.0, 9.95, 10.02, 10.01]:
        side = trial.next_side()
        if side is None:
            break
        order.append(side)
        trial.add(side, value)
    assert order[:4] == [CANDIDATE, CHAMPION, CHAMPION, CANDIDATE]


def test_a_clearly_worse_first_run_is_discarded_at_once():
    trial = Trial(Settings(noise=1.0, noise_df=9), LOWER, 10.0)
    trial.add(CANDIDATE, 13.5)
    assert (trial.status, trial.reason, trial.runs) == ("discard", "clearly worse", 1)


def test_the_evidence_matches_scipy():
    noise, df_cal = 0.4, 9
    settings = Settings(noise=noise, noise_df=df_cal, min_delta=0.1, repeats=4, max_repeats=4)
    candidate, champion = [9.1, 9.3, 8.9, 9.2], [10.0, 9.8, 10.1, 9.9]
    trial = Trial(settings, LOWER, 10.0)
    while (side := trial.next_side()) is not None:
        trial.add(side, (candidate if side == CANDIDATE else champion).pop(0))
    gains = [a - b for a, b in zip([10.0, 9.8, 10.1, 9.9], [9.1, 9.3, 8.9, 9.2])]
    k = len(gains)
    pooled = (df_cal * 2 * noise ** 2 + (k - 1) * statistics.variance(gains)) / (df_cal + k - 1)
    t = (statistics.fmean(gains) - 0.1) / math.sqrt(pooled / k)
    assert trial.evidence.p_value == pytest.approx(sp.t.sf(t, df_cal + k - 1))
    half = sp.t.ppf(1 - 0.05, df_cal + k - 1) * math.sqrt(pooled / k)
    low, high = trial.evidence.interval
    assert (low, high) == pytest.approx((-statistics.fmean(gains) - half,
                                         -statistics.fmean(gains) + half))
    assert trial.status == "keep"
