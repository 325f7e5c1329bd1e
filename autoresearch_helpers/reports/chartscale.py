"""The y range of a progress chart, shared by the dashboard and the HTML report.

A chart is for watching the best value move, so the range covers the running best (from
the baseline to the best) and the experiments near it; a wild outlier (a diverged run
printing 1e13) would otherwise flatten everything else into one line. Values outside the
range are drawn on its edge by the caller.
"""

from __future__ import annotations

import math
from array import array


def _finite(values):
    """The finite numbers of ``values``; an array of floats comes back as is when it holds
    no NaN or infinity (one sum in C instead of a test per value)."""
    if isinstance(values, array) and values.typecode == "d":
        if math.isfinite(sum(values)):  # a NaN or an infinity makes the sum one
            return values
        return [v for v in values if v - v == 0]  # False for NaN and the infinities
    return [v for v in values if v is not None and isinstance(v, (int, float))
            and math.isfinite(v)]


def focus_range(values, bests, *, pad: float = 0.06) -> tuple[float, float]:
    """(low, high) for ``values`` (every experiment) given the running ``bests``."""
    best = _finite(bests)
    if len(best) and max(best) > min(best):
        lo, hi = min(best), max(best)
        span = hi - lo
        low, high = lo - span, hi + span
        if isinstance(values, array) and values.typecode == "d":
            near = [v for v in values if low <= v <= high]  # never true for NaN or inf
        else:
            near = [v for v in _finite(values) if low <= v <= high]
        lo, hi = min([lo, *near]), max([hi, *near])
    elif len(vals := _finite(values)):
        ordered = sorted(vals[:: max(1, len(vals) // 5000)])
        lo = ordered[int(0.05 * (len(ordered) - 1))]
        hi = ordered[int(math.ceil(0.95 * (len(ordered) - 1)))]
        if len(best):
            lo, hi = min(lo, *best), max(hi, *best)
    else:
        return 0.0, 1.0
    if hi - lo <= 0:
        margin = abs(hi) * 0.05 or 1.0
        return lo - margin, hi + margin
    margin = (hi - lo) * pad
    return lo - margin, hi + margin


def clamp(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else hi if value > hi else value
