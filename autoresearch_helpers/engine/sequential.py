"""Keep or discard on a noisy metric: paired, interleaved runs and a group-sequential test.

The candidate runs once first. A first value worse than the champion's latest level by more
than the noise ``band`` is discarded at once. Otherwise the champion (from its own worktree)
and the candidate run in the order B A | A B | B A | A B ..., each | closing a pair; the
alternation cancels a slow drift of the machine within each two pairs.

Looks are taken after ``repeats`` pairs, then each time the pairs double, and at
``max_repeats`` (1, 2, 4, 8 by default: fewer looks make each one less strict, and doubling
keeps the clear cases short). At each look, with d the paired gains (positive: the
candidate is better) and H0 "the true gain is at most min_delta":

- the variance of d is pooled from the calibration (``noise``, ``noise_df`` degrees of
  freedom; a difference of two runs has variance 2 noise^2) and the pairs' own spread, but
  is never less than the pairs' own: a calibration taken while the machine was quiet does
  not make a noisy experiment look sharp;
- t = (mean d - min_delta) / (s / sqrt k), one-sided p from Student's t with the pooled
  degrees of freedom, times the number of looks (Bonferroni): keep when that is < alpha.
  Bonferroni holds whatever the dependence between looks, so the chance of keeping a change
  whose true gain is at most min_delta stays at most alpha however many looks are taken;
- one pair alone is not enough: at the first pair, the candidate's first run must also
  beat the champion's latest level by as much (same t bar, with the calibrated noise),
  else a single slow run of the champion would look like a large gain. p and the interval
  are the weaker of the two. Extra conditions on a keep only remove keeps, so the bound
  above still holds;
- futility (discard early, which never adds false keeps): t below -0.5 at the first look,
  below 0.5 at a later one; not for a change that removes lines, which may still be kept
  as "simpler" when its gain is shown above -max(min_delta, noise);
- after ``max_repeats`` pairs: discard, "not significant".

The interval reported is mean d -+ q s / sqrt k with q the t quantile of the same adjusted
level, so "keep" and "the interval lies above min_delta" say the same thing.

After each experiment the session's noise is re-estimated with the pairs' spread
(:meth:`Settings.learn`): the machine's noise is learnt as the session goes, from paired
differences, which a slow drift does not inflate.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace

from autoresearch_helpers.engine.stats import t_cdf, t_quantile
from autoresearch_helpers.vocab import DISCARD, KEEP, LOWER, gain

CANDIDATE, CHAMPION = "candidate", "champion"
BAND_SIGMAS = 3.0  # a first run this many noise sigmas worse is clearly worse
POWER = 0.8  # the power the smallest detectable effect is quoted at


@dataclass
class Settings:
    """How noisy decisions are taken; adopted by calibration and saved in the session."""

    noise: float  # the spread of one run (sample standard deviation); 0 = deterministic
    noise_df: int  # its degrees of freedom (calibration runs - 1)
    min_delta: float = 0.0  # absolute, in the metric's units
    alpha: float = 0.05
    repeats: int = 1  # pairs before the first look
    max_repeats: int = 8  # the most pairs

    @property
    def noisy(self) -> bool:
        return self.noise > 0

    def look_at(self) -> list[int]:
        """The pair counts after which the test is taken."""
        at, k = [], self.repeats
        while k < self.max_repeats:
            at.append(k)
            k *= 2
        return at + [self.max_repeats]

    @property
    def looks(self) -> int:
        return len(self.look_at())

    @property
    def band(self) -> float:
        return BAND_SIGMAS * self.noise

    def learn(self, diffs: list[float]) -> Settings:
        """These settings with the noise re-estimated from one experiment's paired
        differences ``diffs`` (var d / 2 estimates noise^2, with len - 1 degrees of
        freedom), pooled with what is known so far."""
        k = len(diffs)
        if not self.noisy or k < 2:
            return self
        df = self.noise_df + k - 1
        pooled = (self.noise_df * self.noise ** 2 + (k - 1) * statistics.variance(diffs) / 2) / df
        return replace(self, noise=math.sqrt(pooled), noise_df=df)

    def mde(self) -> float:
        """The smallest true gain kept with probability POWER after max_repeats pairs (a
        normal approximation with the calibrated spread)."""
        if not self.noisy:
            return self.min_delta
        df = self.noise_df + self.max_repeats - 1
        q = t_quantile(1 - self.alpha / self.looks, df)
        se = math.sqrt(2) * self.noise / math.sqrt(self.max_repeats)
        return self.min_delta + (q + t_quantile(POWER, df)) * se


@dataclass
class Evidence:
    """The test after the last look, in the metric's own units (delta = candidate - champion)."""

    pairs: int
    delta: float  # mean paired difference, candidate - champion
    interval: tuple[float, float]  # of delta, at the level the decision used
    p_value: float  # one-sided, adjusted for the looks


@dataclass
class Trial:
    """One noisy decision in progress: ask :meth:`next_side`, run it, :meth:`add` the value."""

    settings: Settings
    direction: str
    reference: float  # the champion's latest level, for the first-run screen
    lines_removed: int = 0
    candidate: list[float] = field(default_factory=list)
    champion: list[float] = field(default_factory=list)
    status: str | None = None  # keep | discard once decided
    reason: str = ""
    evidence: Evidence | None = None

    @property
    def runs(self) -> int:
        return len(self.candidate) + len(self.champion)

    def next_side(self) -> str | None:
        """Which side runs next (B A A B B A ...), or None once decided."""
        if self.status:
            return None
        return CANDIDATE if self.runs % 4 in (0, 3) else CHAMPION

    def add(self, side: str, value: float) -> None:
        (self.candidate if side == CANDIDATE else self.champion).append(value)
        if self.runs == 1:
            self._screen()
        elif self.runs % 2 == 0:  # a pair was closed
            self._look()

    def _screen(self) -> None:
        ahead = gain(self.direction, self.candidate[0], self.reference)
        if ahead < -self.settings.band:
            self._end(DISCARD, "clearly worse")

    @property
    def diffs(self) -> list[float]:
        """The paired gains so far (positive: the candidate is better)."""
        return [gain(self.direction, b, a) for b, a in zip(self.candidate, self.champion)]

    def _look(self) -> None:
        s, k = self.settings, len(self.champion)
        df = s.noise_df + k - 1
        if k not in s.look_at() or df < 1:
            return
        d = self.diffs
        mean = statistics.fmean(d)
        own = statistics.variance(d) if k > 1 else 0.0
        pooled = (s.noise_df * 2 * s.noise ** 2 + (k - 1) * own) / df
        se = math.sqrt(max(pooled, own) / k)
        q = t_quantile(1 - s.alpha / s.looks, df)
        t, low, high = self._bounds(mean, se, q)
        t_keep = t
        if k == 1:  # the first run against the champion's latest level must agree
            t_ref, low_ref, _ = self._bounds(gain(self.direction, self.candidate[0],
                                                   self.reference), s.noise, q)
            t_keep, low = min(t, t_ref), min(low, low_ref)
        p = min(1.0, (1 - t_cdf(t_keep, df)) * s.looks)
        sign = -1 if self.direction == LOWER else 1  # gain -> candidate - champion
        interval = tuple(sorted((sign * low, sign * high)))
        self.evidence = Evidence(k, sign * mean, interval, p)
        if p < s.alpha:
            self._end(KEEP, "improved")
        elif self.lines_removed > 0:
            if low > -max(s.min_delta, s.noise):
                self._end(KEEP, "simpler")
            elif k >= s.max_repeats:
                self._end(DISCARD, "not significant")
        elif k >= s.max_repeats or t < (-0.5 if k == s.repeats else 0.5):
            self._end(DISCARD, "not significant")

    def _bounds(self, mean: float, se: float, q: float) -> tuple[float, float, float]:
        """(t against min_delta, low, high) of a gain ``mean`` with standard error ``se``."""
        gap = mean - self.settings.min_delta
        t = gap / se if se > 0 else math.copysign(math.inf, gap)
        return t, mean - q * se, mean + q * se

    def _end(self, status: str, reason: str) -> None:
        self.status, self.reason = status, reason

    @property
    def value(self) -> float:
        """The candidate's value as logged: the mean of its runs."""
        return statistics.fmean(self.candidate)
