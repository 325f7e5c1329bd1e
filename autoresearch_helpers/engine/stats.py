"""The statistics the decision needs: a one-sided Mann–Whitney U test (the median is vocab's).

Standard library only. ``mann_whitney_u(x, y, alternative)`` returns ``(U, p)`` where U counts
the pairs with x above y (a tie counts one half), as in most textbooks and in SciPy:

- exact p-value when there are no ties and the samples are small (``len(x) + len(y) <=
  EXACT_MAX``): under the null hypothesis every placement of the x values among the ranks is
  equally likely, and U is the sum of the x ranks minus its minimum, so its distribution is the
  number of m-element subsets of {0..N-1} with a given sum (counted exactly, as integers);
- otherwise the normal approximation with the tie correction of the variance and a
  continuity correction of 1/2.
"""

from __future__ import annotations

import math

EXACT_MAX = 40  # N = m + n up to which the exact distribution is counted


def u_statistic(x: list[float], y: list[float]) -> float:
    """Pairs (xi, yj) with xi > yj, plus one half for each tie."""
    return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in x for b in y)


def _subset_sum_counts(n_total: int, m: int) -> list[int]:
    """counts[s] = number of m-subsets of {0..n_total-1} whose sum minus m(m-1)/2 is s."""
    n = n_total - m
    # ways[k][s]: k items chosen so far with (sum of their ranks - k(k-1)/2) == s
    ways = [[0] * (m * n + 1) for _ in range(m + 1)]
    ways[0][0] = 1
    for rank in range(n_total):
        for k in range(min(m, rank + 1), 0, -1):
            shift = rank - (k - 1)  # how much choosing `rank` as the k-th item adds to U
            if shift > n:
                continue
            row, prev = ways[k], ways[k - 1]
            for s in range(m * n - shift, -1, -1):
                if prev[s]:
                    row[s + shift] += prev[s]
    return ways[m]


def _exact_p_greater(u: float, m: int, n: int) -> float:
    counts = _subset_sum_counts(m + n, m)
    return sum(counts[math.ceil(u):]) / math.comb(m + n, m)


def _normal_p_greater(u: float, x: list[float], y: list[float]) -> float:
    m, n = len(x), len(y)
    total = m + n
    runs: dict[float, int] = {}  # how many times each value occurs
    for value in x + y:
        runs[value] = runs.get(value, 0) + 1
    ties = sum(t**3 - t for t in runs.values())
    variance = m * n / 12 * ((total + 1) - ties / (total * (total - 1)))
    if variance <= 0:
        return 1.0  # every value is the same: no evidence either way
    z = (u - m * n / 2 - 0.5) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2))


def mann_whitney_u(x: list[float], y: list[float], alternative: str) -> tuple[float, float]:
    """One-sided test that ``x`` tends to be "greater" (or "less") than ``y``: (U of x, p)."""
    if alternative not in ("greater", "less"):
        raise ValueError(f"alternative must be 'greater' or 'less', not {alternative!r}")
    if not x or not y:
        raise ValueError("the Mann–Whitney U test needs two non-empty samples")
    m, n = len(x), len(y)
    u = u_statistic(x, y)
    tail_u = u if alternative == "greater" else m * n - u  # by symmetry of U around mn/2
    no_ties = len(set(x) | set(y)) == m + n
    if no_ties and m + n <= EXACT_MAX:
        p = _exact_p_greater(tail_u, m, n)
    else:
        p = _normal_p_greater(tail_u, x, y)  # the tie correction is the same both ways
    return u, min(1.0, p)
