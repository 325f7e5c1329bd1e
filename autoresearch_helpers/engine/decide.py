"""Keep or discard one experiment, against the current best (the champion).

- improved: the candidate beats the champion in the metric's direction by MORE than
  ``min_delta`` (default 0: strictly better) -> keep, reason "improved";
- with several candidate samples the median is the candidate's value, and when the champion
  has at least two samples an improvement must also pass a one-sided Mann–Whitney U test
  (candidate better than champion) with p < ``alpha``, else discard "not significant (p=…)";
- equal within ``min_delta`` (either way) and the change removes lines (``lines_removed``, the
  net number of lines it deletes) -> keep, reason "simpler";
- otherwise discard: "tie" (the same value), "within min_delta" (a difference no larger than
  min_delta), or "not better" (worse).

Values are compared with a relative tolerance of 1e-12, so that float noise such as
1.3 - 1.2 = 0.10000000000000009 does not beat a min_delta of 0.1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autoresearch_helpers.engine.stats import mann_whitney_u
from autoresearch_helpers.vocab import DISCARD, KEEP, LOWER, check_direction, gain, median, tolerance


@dataclass
class Decision:
    status: str  # keep | discard
    reason: str  # improved, simpler, tie, within min_delta, not better, not significant (p=…)
    value: float  # the candidate's median
    delta: float  # value - champion
    p_value: float | None = None  # when the rank test was run


def decide(direction: str, champion: float, candidate_samples: list[float], *,
           champion_samples: list[float] | None = None, min_delta: float = 0.0,
           alpha: float = 0.05, lines_removed: int = 0) -> Decision:
    """Keep or discard the candidate (rules in the module doc)."""
    check_direction(direction)
    samples = list(candidate_samples)
    if not samples:
        raise ValueError("decide needs at least one candidate sample")
    if not all(math.isfinite(v) for v in [champion, *samples]):
        raise ValueError(f"values must be finite numbers: champion {champion}, samples {samples}")
    if min_delta < 0 or not 0 < alpha < 1:
        raise ValueError(f"need min_delta >= 0 and 0 < alpha < 1 (got {min_delta}, {alpha})")
    value = median(samples)
    delta = value - champion
    ahead, tol = gain(direction, value, champion), tolerance(value, champion, min_delta)

    if ahead > min_delta + tol:
        p = None
        if len(samples) > 1 and champion_samples and len(champion_samples) >= 2:
            alternative = "less" if direction == LOWER else "greater"
            _, p = mann_whitney_u(samples, list(champion_samples), alternative)
            if not p < alpha:
                return Decision(DISCARD, f"not significant (p={p:.2g})", value, delta, p)
        return Decision(KEEP, "improved", value, delta, p)
    if ahead >= -(min_delta + tol):
        if lines_removed > 0:
            return Decision(KEEP, "simpler", value, delta)
        reason = "tie" if abs(delta) <= tolerance(value, champion) else "within min_delta"
        return Decision(DISCARD, reason, value, delta)
    return Decision(DISCARD, "not better", value, delta)
