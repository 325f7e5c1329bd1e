"""The y range of a progress chart, shared by the dashboard and the HTML report.

A chart is for watching the best value move, so the range covers the running best (from
the baseline to the best) and the experiments near it; a wild outlier (a diverged run
printing 1e13) would otherwise flatten everything else into one line. Values outside the
range are drawn on its edge by the caller.
"""

from __future__ import annotations

import math


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and isinstance(v, (int, float))
            and math.isfinite(v)]


def focus_range(values, bests, *, pad: float = 0.06) -> tuple[float, float]:
    """(low, high) for ``values`` (every experiment) given the running ``bests``."""
    vals, best = _finite(values), _finite(bests)
    if best and max(best) > min(best):
        lo, hi = min(best), max(best)
        span = hi - lo
        near = [v for v in vals if lo - span <= v <= hi + span]
        lo, hi = min([lo, *near]), max([hi, *near])
    elif vals:
        ordered = sorted(vals[:: max(1, len(vals) // 5000)])
        lo = ordered[int(0.05 * (len(ordered) - 1))]
        hi = ordered[int(math.ceil(0.95 * (len(ordered) - 1)))]
        if best:
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
