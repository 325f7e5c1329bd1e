"""Keep or discard one experiment of a deterministic metric (one run each; a noisy metric
is decided by engine/sequential.py), against the current best (the champion).

- improved: the candidate beats the champion in the metric's direction by MORE than
  ``min_delta`` (default 0: strictly better) -> keep, reason "improved";
- with several candidate samples the median is the candidate's value;
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

from autoresearch_helpers.vocab import DISCARD, KEEP, check_direction, gain, median, tolerance


@dataclass
class Decision:
    status: str  # keep | discard
    reason: str  # improved, simpler, tie, within min_delta, not better, not significant (p=…)
    value: float  # the candidate's median
    delta: float  # value - champion


def decide(direction: str, champion: float, candidate_samples: list[float], *,
           min_delta: float = 0.0, lines_removed: int = 0) -> Decision:
    """Keep or discard the candidate (rules in the module doc)."""
    check_direction(direction)
    samples = list(candidate_samples)
    if not samples:
        raise ValueError("decide needs at least one candidate sample")
    if not all(math.isfinite(v) for v in [champion, *samples]):
        raise ValueError(f"values must be finite numbers: champion {champion}, samples {samples}")
    if min_delta < 0:
        raise ValueError(f"need min_delta >= 0 (got {min_delta})")
    value = median(samples)
    delta = value - champion
    ahead, tol = gain(direction, value, champion), tolerance(value, champion, min_delta)

    if ahead > min_delta + tol:
        return Decision(KEEP, "improved", value, delta)
    if ahead >= -(min_delta + tol):
        if lines_removed > 0:
            return Decision(KEEP, "simpler", value, delta)
        reason = "tie" if abs(delta) <= tolerance(value, champion) else "within min_delta"
        return Decision(DISCARD, reason, value, delta)
    return Decision(DISCARD, "not better", value, delta)
