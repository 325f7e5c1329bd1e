"""decide.py and stats.py: keep/discard/simpler, min_delta boundaries, repeats, Mann–Whitney U."""

from __future__ import annotations

import dataclasses

from itertools import combinations

import pytest

from autoresearch_helpers.engine import stats
from autoresearch_helpers.engine.decide import Decision, decide
from autoresearch_helpers.vocab import HIGHER, LOWER, is_better, median
from autoresearch_helpers.engine.stats import mann_whitney_u, u_statistic

L, H = LOWER, HIGHER
NOISY = [1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.005, 1.015, 0.985]  # a calibrated champion


@pytest.mark.parametrize("direction, champion, samples, kw, expected", [
    # one sample: strictly better keeps, equal or worse discards
    (L, 1.0, [0.9], {}, (("keep", "improved"), -0.1)),
    (H, 0.8, [0.85], {}, (("keep", "improved"), 0.05)),
    (L, 1.0, [1.1], {}, (("discard", "not better"), 0.1)),
    (H, 0.8, [0.7], {}, (("discard", "not better"), -0.1)),
    (L, 1.0, [1.0], {}, (("discard", "tie"), 0.0)),
    (H, 5.0, [5.0], {}, (("discard", "tie"), 0.0)),
    (L, 0.3, [0.30000000000000004], {}, (("discard", "tie"), 0.0)),  # float noise
    # simplicity: equal (within min_delta) and lines removed
    (L, 1.0, [1.0], {"lines_removed": 3}, (("keep", "simpler"), 0.0)),
    (L, 1.0, [1.01], {"min_delta": 0.02, "lines_removed": 1}, (("keep", "simpler"), 0.01)),
    (L, 1.0, [1.05], {"min_delta": 0.02, "lines_removed": 10}, (("discard", "not better"), 0.05)),
    (L, 1.0, [1.0], {"lines_removed": 0}, (("discard", "tie"), 0.0)),
    (L, 1.0, [1.0], {"lines_removed": -4}, (("discard", "tie"), 0.0)),  # net lines added
    # min_delta boundary: a gain of exactly min_delta is not enough, in both directions
    (L, 1.3, [1.2], {"min_delta": 0.1}, (("discard", "within min_delta"), -0.1)),
    (L, 1.3, [1.19], {"min_delta": 0.1}, (("keep", "improved"), -0.11)),
    (H, 1.2, [1.3], {"min_delta": 0.1}, (("discard", "within min_delta"), 0.1)),
    (H, 1.2, [1.31], {"min_delta": 0.1}, (("keep", "improved"), 0.11)),
    (L, 1.3, [1.4], {"min_delta": 0.1}, (("discard", "within min_delta"), 0.1)),
    (L, 1.3, [1.41], {"min_delta": 0.1}, (("discard", "not better"), 0.11)),
    # repeats: the median decides; no rank test without champion samples
    (L, 1.0, [0.9, 5.0, 0.8], {}, (("keep", "improved"), -0.1)),
    (L, 1.0, [0.9, 1.2, 1.3, 0.7], {}, (("discard", "not better"), 0.05)),
    (L, 1.0, [0.9, 1.1, 1.2, 0.7], {}, (("discard", "tie"), 0.0)),
    (L, 1.0, [0.90, 0.91, 0.92], {"champion_samples": [1.0]}, (("keep", "improved"), -0.09)),
])
def test_decide(direction, champion, samples, kw, expected):
    d = decide(direction, champion, samples, **kw)
    (status, reason), delta = expected
    assert (d.status, d.reason) == (status, reason)
    assert d.value == median(samples)
    assert d.delta == pytest.approx(delta)


@pytest.mark.parametrize("samples, status, reason, p", [
    # clearly better than every champion sample: exact p = C(13,3)^-1 = 1/286
    ([0.90, 0.91, 0.92], "keep", "improved", 1 / 286),
    # a median slightly better but inside the noise; ties (0.99, 1.00, 0.985 are in both)
    # -> normal approximation: U = 10.5, var = 30/12 * (14 - 18/156), z = 4/5.8917 = 0.67892
    ([0.99, 1.00, 0.985], "discard", "not significant (p=0.25)", 0.248592),
])
def test_decide_repeats_rank_test(samples, status, reason, p):
    d = decide(L, median(NOISY), samples, champion_samples=NOISY)
    assert (d.status, d.reason) == (status, reason)
    assert d.p_value == pytest.approx(p, rel=1e-5)


def test_decide_repeats_rank_test_higher_is_better():
    champion = [10.0, 10.2, 9.8, 10.1, 9.9]
    assert decide(H, 10.0, [11.0, 11.5, 12.0, 11.2], champion_samples=champion).reason == "improved"
    d = decide(H, 10.0, [10.05, 10.15, 9.95], champion_samples=champion)
    assert d.status == "discard" and d.reason.startswith("not significant (p=")
    # too few samples can never reach alpha: 3 vs 3 gives at best p = 1/20 = 0.05
    d = decide(H, 1.0, [2.0, 2.1, 2.2], champion_samples=[1.0, 1.1, 0.9])
    assert (d.status, d.p_value) == ("discard", pytest.approx(0.05))
    assert decide(H, 1.0, [2.0, 2.1, 2.2], champion_samples=[1.0, 1.1, 0.9], alpha=0.06).status == "keep"


@pytest.mark.parametrize("args, kw, message", [
    ((L, 1.0, []), {}, "at least one candidate sample"),
    (("minimize", 1.0, [1.0]), {}, "direction must be"),
    ((L, 1.0, [float("nan")]), {}, "finite"),
    ((L, float("inf"), [1.0]), {}, "finite"),
    ((L, 1.0, [1.0]), {"min_delta": -1}, "min_delta >= 0"),
    ((L, 1.0, [1.0]), {"alpha": 1.5}, "0 < alpha < 1"),
])
def test_decide_rejects_bad_input(args, kw, message):
    with pytest.raises(ValueError, match=message):
        decide(*args, **kw)


def test_decision_to_dict():
    d = decide(L, 1.0, [0.5])
    assert isinstance(d, Decision)
    assert dataclasses.asdict(d) == {"status": "keep", "reason": "improved", "value": 0.5, "delta": -0.5,
                           "p_value": None}


@pytest.mark.parametrize("direction, a, b, min_delta, expected", [
    (L, 0.9, 1.0, 0.0, True),
    (L, 1.0, 1.0, 0.0, False),
    (L, 1.1, 1.0, 0.0, False),
    (H, 1.1, 1.0, 0.0, True),
    (H, 1.3, 1.2, 0.1, False),
    (H, 1.31, 1.2, 0.1, True),
])
def test_is_better(direction, a, b, min_delta, expected):
    assert is_better(direction, a, b, min_delta) is expected


# --- statistics ------------------------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    ([3.0], 3.0), ([1.0, 3.0], 2.0), ([5.0, 1.0, 3.0], 3.0), ([4.0, 1.0, 3.0, 2.0], 2.5),
])
def test_median(values, expected):
    assert median(values) == expected


@pytest.mark.parametrize("x, y, alternative, u, p", [
    # exact, no ties: p = (number of placements with U at least as extreme) / C(m+n, m)
    ([1, 2, 3], [4, 5, 6], "less", 0.0, 1 / 20),
    ([4, 5, 6], [1, 2, 3], "greater", 9.0, 1 / 20),
    ([4, 5, 6], [1, 2, 3], "less", 9.0, 1.0),
    ([1, 2, 3, 4], [5, 6, 7, 8], "less", 0.0, 1 / 70),
    ([1, 2, 3, 5], [4, 6, 7, 8], "less", 1.0, 2 / 70),
    ([1, 2, 4, 5], [3, 6, 7, 8], "less", 2.0, 4 / 70),  # U=0:1, U=1:1, U=2:2 placements
    # SciPy's documented example (males vs females): exact two-sided p = 0.1111 -> one-sided half
    ([19, 22, 16, 29, 24], [20, 11, 17, 12], "greater", 17.0, 7 / 126),
    # ties -> normal approximation with tie correction and continuity correction, by hand:
    # U = 1, mu = 4.5, var = 9/12 * (7 - 24/30) = 4.65, z = (1 - 4.5 + 0.5)/sqrt(4.65) = -1.39121
    ([1, 2, 2], [2, 3, 4], "less", 1.0, 0.0820799),
    # all values equal: no evidence
    ([1, 1], [1, 1], "less", 2.0, 1.0),
])
def test_mann_whitney_u(x, y, alternative, u, p):
    got_u, got_p = mann_whitney_u(x, y, alternative)
    assert got_u == u
    assert got_p == pytest.approx(p, rel=1e-5)


def test_mann_whitney_normal_approximation_matches_scipy_docs(monkeypatch):
    # SciPy documents method="asymptotic" on this example as two-sided p = 0.11134688653314041
    monkeypatch.setattr(stats, "EXACT_MAX", 0)
    _, p = mann_whitney_u([19, 22, 16, 29, 24], [20, 11, 17, 12], "greater")
    assert p == pytest.approx(0.11134688653314041 / 2, rel=1e-9)


@pytest.mark.parametrize("x, y", [
    ([3, 9, 1], [4, 7, 2, 8]),
    ([10, 2, 7, 5, 11], [1, 3, 12, 6]),
    ([0.5, 0.1], [0.3, 0.2, 0.4, 0.6, 0.7]),
    ([1, 2, 3, 4, 5, 6], [7]),
])
def test_exact_distribution_matches_brute_force(x, y):
    values, m = x + y, len(x)
    u_obs = u_statistic(x, y)
    extreme = total = 0
    for chosen in combinations(range(len(values)), m):
        xs = [values[i] for i in chosen]
        ys = [values[i] for i in range(len(values)) if i not in chosen]
        total += 1
        extreme += u_statistic(xs, ys) >= u_obs
    assert mann_whitney_u(x, y, "greater")[1] == pytest.approx(extreme / total, abs=1e-12)


def test_mann_whitney_rejects_bad_input():
    with pytest.raises(ValueError, match="alternative"):
        mann_whitney_u([1], [2], "two-sided")
    with pytest.raises(ValueError, match="non-empty"):
        mann_whitney_u([], [2], "less")
