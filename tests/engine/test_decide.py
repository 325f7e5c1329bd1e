"""decide.py, the one-run rule of a deterministic metric: keep/discard/simpler, min_delta boundaries."""

from __future__ import annotations

import dataclasses

import pytest

from autoresearch_helpers.engine.decide import Decision, decide
from autoresearch_helpers.vocab import HIGHER, LOWER, is_better, median

L, H = LOWER, HIGHER


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
    # several samples: the median decides
    (L, 1.0, [0.9, 5.0, 0.8], {}, (("keep", "improved"), -0.1)),
    (L, 1.0, [0.9, 1.2, 1.3, 0.7], {}, (("discard", "not better"), 0.05)),
    (L, 1.0, [0.9, 1.1, 1.2, 0.7], {}, (("discard", "tie"), 0.0)),
])
def test_decide(direction, champion, samples, kw, expected):
    d = decide(direction, champion, samples, **kw)
    (status, reason), delta = expected
    assert (d.status, d.reason) == (status, reason)
    assert d.value == median(samples)
    assert d.delta == pytest.approx(delta)


@pytest.mark.parametrize("args, kw, message", [
    ((L, 1.0, []), {}, "at least one candidate sample"),
    (("minimize", 1.0, [1.0]), {}, "direction must be"),
    ((L, 1.0, [float("nan")]), {}, "finite"),
    ((L, float("inf"), [1.0]), {}, "finite"),
    ((L, 1.0, [1.0]), {"min_delta": -1}, "min_delta >= 0"),
])
def test_decide_rejects_bad_input(args, kw, message):
    with pytest.raises(ValueError, match=message):
        decide(*args, **kw)


def test_decision_to_dict():
    d = decide(L, 1.0, [0.5])
    assert isinstance(d, Decision)
    assert dataclasses.asdict(d) == {"status": "keep", "reason": "improved", "value": 0.5,
                                     "delta": -0.5}


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
