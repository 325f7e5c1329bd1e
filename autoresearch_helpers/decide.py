"""Keep or discard one experiment, against the current best (the champion). SPEC §6.

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

from autoresearch_helpers.record import Record

import math

from autoresearch_helpers.stats import mann_whitney_u, median

LOWER, HIGHER = "lower_is_better", "higher_is_better"  # as adapters.base and config_keys
KEEP, DISCARD = "keep", "discard"
_REL_TOL = 1e-12


class Decision(Record):
    """status "keep"/"discard"; reason "improved", "simpler", "tie", "within min_delta",
    "not better" or "not significant (p=…)"; value the candidate's median; delta value -
    champion; p_value when the rank test was run."""

    FIELDS = ("status", "reason", "value", "delta", "p_value")
    DEFAULTS = {"p_value": None}


def _check_direction(direction: str) -> None:
    if direction not in (LOWER, HIGHER):
        raise ValueError(f"direction must be {LOWER!r} or {HIGHER!r}, not {direction!r}")


def _gain(direction: str, a: float, b: float) -> float:
    """How much better ``a`` is than ``b`` (negative when worse)."""
    return b - a if direction == LOWER else a - b


def _tolerance(*values: float) -> float:
    return _REL_TOL * max(abs(v) for v in values)


def is_better(direction: str, a: float, b: float, min_delta: float = 0.0) -> bool:
    """Whether ``a`` beats ``b`` in ``direction`` by more than ``min_delta``."""
    _check_direction(direction)
    return _gain(direction, a, b) > min_delta + _tolerance(a, b, min_delta)


def decide(direction: str, champion: float, candidate_samples: list[float], *,
           champion_samples: list[float] | None = None, min_delta: float = 0.0,
           alpha: float = 0.05, lines_removed: int = 0) -> Decision:
    """Keep or discard the candidate (rules in the module doc)."""
    _check_direction(direction)
    samples = list(candidate_samples)
    if not samples:
        raise ValueError("decide needs at least one candidate sample")
    if not all(math.isfinite(v) for v in [champion, *samples]):
        raise ValueError(f"values must be finite numbers: champion {champion}, samples {samples}")
    if min_delta < 0 or not 0 < alpha < 1:
        raise ValueError(f"need min_delta >= 0 and 0 < alpha < 1 (got {min_delta}, {alpha})")
    value = median(samples)
    delta = value - champion
    gain, tol = _gain(direction, value, champion), _tolerance(value, champion, min_delta)

    if gain > min_delta + tol:
        p = None
        if len(samples) > 1 and champion_samples and len(champion_samples) >= 2:
            better = "less" if direction == LOWER else "greater"
            _, p = mann_whitney_u(samples, list(champion_samples), better)
            if not p < alpha:
                return Decision(DISCARD, f"not significant (p={p:.2g})", value, delta, p)
        return Decision(KEEP, "improved", value, delta, p)
    if gain >= -(min_delta + tol):
        if lines_removed > 0:
            return Decision(KEEP, "simpler", value, delta)
        reason = "tie" if abs(delta) <= _tolerance(value, champion) else "within min_delta"
        return Decision(DISCARD, reason, value, delta)
    return Decision(DISCARD, "not better", value, delta)
