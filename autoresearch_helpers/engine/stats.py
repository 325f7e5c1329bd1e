"""The statistics the decisions need: Student's t distribution, one-sample summaries and a
drift estimate. Standard library only; the tests check every function against SciPy.

``t_cdf`` uses the closed forms for a whole number of degrees of freedom (Abramowitz and
Stegun 26.7.3 and 26.7.4: a finite series in cos(theta), theta = atan(t / sqrt(df))), exact
to rounding; past ``NORMAL_DF`` degrees of freedom the normal distribution is used (within
2e-5 of t there).
``t_quantile`` inverts it by bisection.
"""

from __future__ import annotations

import math
import statistics

NORMAL_DF = 10_000
_NORMAL = statistics.NormalDist()


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with ``df`` (a whole number >= 1) degrees of freedom."""
    if df < 1 or int(df) != df:
        raise ValueError(f"degrees of freedom must be a whole number >= 1, not {df}")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    if df > NORMAL_DF:
        return _NORMAL.cdf(t)
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2:  # odd: (2/pi) * (theta + sin cos (1 + 2/3 c^2 + 2*4/(3*5) c^4 + ...))
        term, series = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= c2 * (2 * k) / (2 * k + 1)
            series += term
        inside = 2 / math.pi * (theta + s * math.cos(theta) * series)
    else:  # even: sin * (1 + 1/2 c^2 + 1*3/(2*4) c^4 + ...)
        term, series = 1.0, 1.0
        for k in range(1, df // 2):
            term *= c2 * (2 * k - 1) / (2 * k)
            series += term
        inside = s * series
    inside = min(1.0, inside)  # P(|T| <= |t|)
    return (1 + inside) / 2 if t >= 0 else (1 - inside) / 2


def t_quantile(p: float, df: int) -> float:
    """The t with P(T <= t) = ``p`` (0 < p < 1)."""
    if not 0 < p < 1:
        raise ValueError(f"a quantile needs 0 < p < 1, not {p}")
    if df > NORMAL_DF:
        return _NORMAL.inv_cdf(p)
    if p < 0.5:
        return -t_quantile(1 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def z_quantile(p: float) -> float:
    return _NORMAL.inv_cdf(p)


def spread(values: list[float]) -> float:
    """The sample standard deviation (n - 1), 0 for fewer than two values."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def drift(values: list[float]) -> float:
    """How much the values moved from the first run to the last along a least-squares line
    through them in run order (0 for fewer than three)."""
    n = len(values)
    if n < 3:
        return 0.0
    xs = range(n)
    mean_x, mean_y = (n - 1) / 2, statistics.fmean(values)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values)) / sxx
    return slope * (n - 1)
