"""engine/stats.py against SciPy: Student's t, its quantiles, the spread and the drift."""

from __future__ import annotations

import pytest
from scipy import stats as sp

from autoresearch_helpers.engine.stats import drift, spread, t_cdf, t_quantile


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 8, 9, 16, 30, 101, 400, 9999, 20000])
def test_t_cdf_matches_scipy(df):
    for t in (-40.0, -5.0, -2.3, -0.5, 0.0, 0.1, 1.0, 2.5, 4.0, 12.0):
        assert t_cdf(t, df) == pytest.approx(sp.t.cdf(t, df), abs=2e-5 if df > 10_000 else 1e-12)


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 16, 30, 399])
def test_t_quantile_matches_scipy(df):
    for p in (0.001, 0.01, 0.05, 0.5, 0.8, 0.95, 0.9875, 0.99375, 0.999):
        assert t_quantile(p, df) == pytest.approx(sp.t.ppf(p, df), rel=1e-9, abs=1e-12)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="whole number"):
        t_cdf(1.0, 0)
    with pytest.raises(ValueError, match="0 < p < 1"):
        t_quantile(1.0, 5)


def test_spread_and_drift_match_scipy():
    values = [10.2, 10.5, 10.1, 10.9, 11.3, 11.0, 11.8, 12.1]
    assert spread(values) == pytest.approx(sp.tstd(values))
    fit = sp.linregress(range(len(values)), values)
    assert drift(values) == pytest.approx(fit.slope * (len(values) - 1))
    assert spread([3.0]) == 0.0 and drift([1.0, 2.0]) == 0.0
