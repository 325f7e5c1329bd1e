"""The three keep rules and the two metrics that bench/decisions.py compares.

A metric is anything with ``run(level) -> value``: one measurement of a version of the code
whose true cost is ``level`` times the baseline's (lower is better; a gain of k sigma is a
level of 1 - k * relative sigma). A rule is started once per session (it measures the
baseline its own way) and then asked, experiment by experiment, whether a candidate
replaces the champion; it answers (kept, runs used by the decision).
"""

from __future__ import annotations

import math
import random
import statistics
import subprocess
import sys

from scipy.stats import mannwhitneyu

from autoresearch_helpers.engine.sequential import CANDIDATE, Settings, Trial
from autoresearch_helpers.vocab import KEEP, LOWER

LEVEL = 100.0  # the simulated baseline's value


class Simulated:
    """Gaussian noise of ``noise`` times the level, plus an optional random walk of the
    machine's speed: each run moves it by ``drift`` times the noise (one sd)."""

    def __init__(self, noise: float, drift: float, rng: random.Random):
        self.sigma, self.step, self.rng, self.offset = noise * LEVEL, drift * noise * LEVEL, rng, 0.0

    def run(self, level: float) -> float:
        self.offset += self.rng.gauss(0.0, self.step) if self.step else 0.0
        return LEVEL * level + self.offset + self.rng.gauss(0.0, self.sigma * level)


WORKLOAD = """import sys, time
start = time.perf_counter()
total = 0
for i in range(int(sys.argv[1])):
    total += i * i
print((time.perf_counter() - start) * 1000)
"""


class Timed:
    """A pure-Python loop of ``level * iterations`` steps in a fresh interpreter; the value
    is the loop's own wall time in ms (interpreter start-up is not in it)."""

    def __init__(self, iterations: int):
        self.iterations = iterations

    def run(self, level: float) -> float:
        n = str(round(self.iterations * level))
        out = subprocess.run([sys.executable, "-S", "-c", WORKLOAD, n],
                             capture_output=True, text=True, check=True).stdout
        return float(out)


class Exhausted(Exception):
    pass


class Replay:
    """A recorded stream of runs of the unchanged workload, handed out in order: for a no-op
    edit both sides are the same code, so recorded runs are as good as live ones."""

    def __init__(self, values: list[float]):
        self.values, self.next = values, 0

    def run(self, level: float) -> float:
        assert level == 1.0, "a replay only serves no-op edits"
        if self.next >= len(self.values):
            raise Exhausted
        self.next += 1
        return self.values[self.next - 1]


class Naive:
    """repeats: 1 as it was: one candidate run, kept if strictly better than the best so far."""

    name = "naive (1 run)"

    def start(self, metric) -> None:
        self.best = metric.run(1.0)

    def decide(self, metric, candidate: float, champion: float) -> tuple[bool, int]:
        value = metric.run(candidate)
        if value < self.best:
            self.best = value
            return True, 1
        return False, 1


class Repeats5:
    """repeats: 5 as it was: 5 candidate runs against the champion's 5 samples (taken when it
    was kept), one-sided Mann-Whitney U p < 0.05 and a better median."""

    name = "repeats: 5"

    def start(self, metric) -> None:
        self.samples = [metric.run(1.0) for _ in range(5)]

    def decide(self, metric, candidate: float, champion: float) -> tuple[bool, int]:
        runs = [metric.run(candidate) for _ in range(5)]
        p = mannwhitneyu(runs, self.samples, alternative="less").pvalue
        kept = p < 0.05 and statistics.median(runs) < statistics.median(self.samples)
        if kept:
            self.samples = runs
        return kept, 5


class Sequential:
    """The new default: a 10-run calibration at setup, then the engine's Trial for each
    experiment (the reference becomes the kept candidate's mean, and the noise learns from
    each experiment's pairs, as the engine's session does)."""

    name = "new default"
    CALIBRATION = 10

    def start(self, metric) -> None:
        runs = [metric.run(1.0) for _ in range(self.CALIBRATION)]
        self.settings = Settings(noise=statistics.stdev(runs), noise_df=len(runs) - 1)
        self.reference = statistics.fmean(runs)

    def decide(self, metric, candidate: float, champion: float) -> tuple[bool, int]:
        trial = Trial(self.settings, LOWER, reference=self.reference)
        while (side := trial.next_side()) is not None:
            trial.add(side, metric.run(candidate if side == CANDIDATE else champion))
        self.settings = self.settings.learn(trial.diffs)
        if trial.status == KEEP:
            self.reference = trial.value
        return trial.status == KEEP, trial.runs


RULES = (Naive, Repeats5, Sequential)


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a rate hits / n."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)
