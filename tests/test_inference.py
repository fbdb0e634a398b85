"""Small-cluster inference helpers (evalkit._inference) against published values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evalkit._inference import (
    MIN_TREATED_CLUSTERS,
    WEBB_BELOW,
    WEBB_POINTS,
    t_critical,
    wild_weights,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("clusters", "confidence", "published"),
    [
        # Student's t table (e.g. Fisher & Yates; any textbook table), two-sided
        (30, 0.95, 2.045),  # t(0.975, 29)
        (10, 0.95, 2.262),  # t(0.975, 9)
        (11, 0.90, 1.812),  # t(0.95, 10)
        (6, 0.99, 4.032),  # t(0.995, 5)
        (89, 0.95, 1.987),  # t(0.975, 88)
    ],
)
def test_t_critical_matches_the_t_table(clusters, confidence, published):
    assert t_critical(clusters, confidence) == pytest.approx(published, abs=5e-4)


def test_t_critical_tends_to_the_normal_and_refuses_one_cluster():
    assert t_critical(100_000) == pytest.approx(1.959964, abs=1e-4)
    assert t_critical(12) > t_critical(30) > t_critical(89)
    with pytest.raises(ValueError, match="at least 2 clusters"):
        t_critical(1)
    with pytest.raises(ValueError, match="confidence"):
        t_critical(10, 95)


def test_webb_weights_have_the_published_moments():
    """Webb (2014): six points ±√(3/2), ±1, ±√(1/2) with probability 1/6: mean 0,
    variance 1, fourth moment 7/6 (Rademacher: 1)."""
    p = np.full(6, 1 / 6)
    assert float(p @ WEBB_POINTS) == pytest.approx(0.0, abs=1e-15)
    assert float(p @ WEBB_POINTS**2) == pytest.approx(1.0, abs=1e-15)
    assert float(p @ WEBB_POINTS**4) == pytest.approx(7 / 6, abs=1e-15)
    assert sorted(np.abs(WEBB_POINTS).round(6).tolist()) == sorted(
        [round(math.sqrt(0.5), 6)] * 2 + [1.0] * 2 + [round(math.sqrt(1.5), 6)] * 2
    )


def test_wild_weights_switch_to_webb_below_twelve_clusters():
    rng = np.random.default_rng(1)
    v = wild_weights(rng, 20_000, WEBB_BELOW)  # 12 clusters: Rademacher
    assert set(np.unique(v)) == {-1.0, 1.0}
    v = wild_weights(np.random.default_rng(1), 20_000, WEBB_BELOW - 1)  # 11: Webb
    assert len(np.unique(v)) == 6
    assert v.mean() == pytest.approx(0, abs=0.01)
    assert v.var() == pytest.approx(1, abs=0.01)
    assert (v**4).mean() == pytest.approx(7 / 6, abs=0.02)
    # explicit kinds, and the same seed gives the same draws
    a = wild_weights(np.random.default_rng(5), 3, 40, kind="webb")
    b = wild_weights(np.random.default_rng(5), 3, 40, kind="webb")
    assert a.shape == (3, 40) and np.array_equal(a, b)
    with pytest.raises(ValueError, match="kind"):
        wild_weights(rng, 3, 4, kind="mammen")


def test_wilson_interval_matches_statsmodels_and_a_hand_value():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(190, 200), (57, 60), (0, 20), (20, 20), (3, 200)]:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((lo, hi), abs=1e-12)
    # Wilson (1927) by hand, k = 190, n = 200, z = 1.959964: centre 0.94152, half 0.03110
    assert wilson_interval(190, 200) == pytest.approx((0.9104, 0.9726), abs=1e-4)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)


def test_no_interval_below_six_treated_clusters():
    assert MIN_TREATED_CLUSTERS == 6
