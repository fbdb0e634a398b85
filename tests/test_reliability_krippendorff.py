"""Krippendorff's alpha: Krippendorff (2011) published values, the krippendorff package,
irrCAC (embedded), groups, bootstrap, bad input and memory."""

from __future__ import annotations

import tracemalloc

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import evalkit as ek
from evalkit.reliability import krippendorff as kmod

NA = np.nan
LEVELS = ["nominal", "ordinal", "interval", "ratio"]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
# 4 coders x 12 units, missing values
RELIABILITY_DATA = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
        [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
    ]
)
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def long_from_matrix(m: np.ndarray, coders=None) -> pd.DataFrame:
    """Long data (unit, coder, value) from a coders × units matrix; NaN = missing."""
    m = np.asarray(m)
    coders = list(coders) if coders is not None else [f"c{i}" for i in range(m.shape[0])]
    return pd.DataFrame(
        {
            "unit": np.tile(np.arange(m.shape[1]), m.shape[0]),
            "coder": np.repeat(np.array(coders, dtype=object), m.shape[1]),
            "value": m.ravel(),
        }
    )


def alpha(df, level, **kw):
    return ek.krippendorff_alpha(df, "unit", "coder", "value", level=level, **kw)


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_published_values(level):
    res = alpha(long_from_matrix(RELIABILITY_DATA), level).iloc[0]
    assert_allclose(res.estimate, PUBLISHED[level], atol=5e-4)  # published to 3 decimals
    peer = krippendorff.alpha(reliability_data=RELIABILITY_DATA, level_of_measurement=level)
    assert_allclose(res.estimate, peer, rtol=1e-12)
    assert res.statistic == f"krippendorff_alpha_{level}"
    assert (res.n_targets, res.n_raters) == (11, 4)  # unit 12 has one value: not pairable
    assert np.isnan(res.p_val) and np.isnan(res.se)


def random_codes(seed, units=150, coders=6, q=7, missing=0.25):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, q + 1, units)
    m = np.clip(truth[None, :] + rng.integers(-2, 3, (coders, units)), 1, q).astype(float)
    m[rng.random((coders, units)) < missing] = NA
    return m


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_krippendorff_package_on_generated_data(level, seed):
    m = random_codes(seed)
    res = alpha(long_from_matrix(m), level).iloc[0]
    peer = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    assert_allclose(res.estimate, peer, rtol=1e-10)


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_continuous_values_match_package(level):
    rng = np.random.default_rng(8)
    m = rng.gamma(4.0, 2.0, 40)[None, :] + rng.gamma(1.0, 0.5, (3, 40))
    m[rng.random(m.shape) < 0.2] = NA
    peer = krippendorff.alpha(reliability_data=m, level_of_measurement=level)
    assert_allclose(alpha(long_from_matrix(m), level)["estimate"].iloc[0], peer, rtol=1e-10)


def test_ratio_blockwise_expected_disagreement(monkeypatch):
    # tiny blocks force the blockwise pair sum across many blocks and group boundaries
    rng = np.random.default_rng(9)
    m = np.round(rng.gamma(3.0, 2.0, 60)[None, :] + rng.gamma(1.0, 1.0, (3, 60)), 1)
    df = long_from_matrix(m).assign(
        opd=np.repeat(np.where(np.arange(60) < 45, "a", "b")[None], 3, axis=0).ravel()
    )
    expected = alpha(df, "ratio", groups="opd")
    monkeypatch.setattr(kmod, "_BLOCK", 64)
    blocked = alpha(df, "ratio", groups="opd")
    pd.testing.assert_frame_equal(expected, blocked, check_exact=False, rtol=1e-12)
    peer = krippendorff.alpha(reliability_data=m[:, :45], level_of_measurement="ratio")
    assert_allclose(blocked["estimate"].iloc[0], peer, rtol=1e-10)


SCALE = ["sangat_kurang", "kurang", "butuh_perbaikan", "baik", "sangat_baik"]


def test_ordinal_string_labels_match_package_value_domain():
    m = random_codes(4, q=5)
    labels = np.array([None] + SCALE, dtype=object)[np.nan_to_num(m, nan=0).astype(int)]
    df = long_from_matrix(labels)
    res = alpha(df, "ordinal", categories=SCALE)["estimate"].iloc[0]
    peer = krippendorff.alpha(
        reliability_data=np.where(pd.isna(labels), "nan", labels).astype(str),  # its NA
        level_of_measurement="ordinal",
        value_domain=SCALE,
    )
    assert_allclose(res, peer, rtol=1e-10)
    # same as the numeric codes, and an ordered Categorical carries the order itself
    assert_allclose(res, alpha(long_from_matrix(m), "ordinal")["estimate"].iloc[0], rtol=1e-12)
    cat = df.assign(value=pd.Categorical(df["value"], categories=SCALE, ordered=True))
    assert_allclose(alpha(cat, "ordinal")["estimate"].iloc[0], res, rtol=1e-12)
    nominal = alpha(df, "nominal")["estimate"].iloc[0]
    assert_allclose(nominal, alpha(long_from_matrix(m), "nominal")["estimate"].iloc[0])


@pytest.mark.parametrize("level", LEVELS)
def test_declared_unused_categories_do_not_change_alpha(level):
    df = long_from_matrix(RELIABILITY_DATA)
    a = alpha(df, level)["estimate"].iloc[0]
    b = alpha(df, level, categories=[0, 1, 2, 3, 4, 5, 6, 7])["estimate"].iloc[0]
    assert_allclose(a, b, rtol=1e-12)


def grouped_parts():
    parts = []
    spec = [
        ("Dinas Kesehatan", 1, 80, 5),
        ("Kecamatan Tanjung Selor", 2, 17, 3),
        ("RSUD", 3, 41, 4),
    ]
    for name, seed, units, coders in spec:
        m = random_codes(seed + 10, units=units, coders=coders, q=5, missing=0.3)
        parts.append(long_from_matrix(m).assign(opd=name))
    return parts


@pytest.mark.parametrize("level", LEVELS)
def test_groups_equal_per_group_calls(level):
    parts = grouped_parts()
    df = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=1)
    grouped = alpha(df, level, groups="opd")
    single = pd.concat(
        [alpha(p, level).assign(group=p["opd"].iloc[0]) for p in parts], ignore_index=True
    )
    pd.testing.assert_frame_equal(grouped, single[grouped.columns], check_exact=False, rtol=1e-11)


def test_group_with_one_coder_or_no_variation_is_nan():
    parts = grouped_parts()
    solo = parts[1][parts[1]["coder"] == "c0"].assign(opd="Solo")
    flat = parts[2].assign(opd="Flat", value=parts[2]["value"].where(parts[2]["value"].isna(), 3))
    res = alpha(pd.concat([parts[0], solo, flat]), "interval", groups="opd", n_boot=20)
    by = res.set_index("group")
    assert (
        np.isnan(by.loc[["Solo", "Flat"], ["estimate", "se", "ci_low", "ci_high"]].astype(float))
        .all()
        .all()
    )
    assert np.isfinite(
        by.loc["Dinas Kesehatan", ["estimate", "se", "ci_low", "ci_high"]].astype(float)
    ).all()
    with pytest.raises(ValueError, match="at least 2 coders; found 1"):
        alpha(solo, "nominal")
    assert np.isnan(alpha(flat, "nominal")["estimate"].iloc[0])


# irrCAC 0.4.4: CAC(pd.DataFrame(random_wide(99, 200, 4, 4, 0.15)), digits=12).krippendorff()
# -> coefficient 0.23378711178, se 0.026788976392 (Gwet's analytic SE)
def random_wide(seed, n, r, q, missing):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, n)
    wide = np.clip(truth[:, None] + rng.integers(-1, 2, (n, r)), 0, q - 1).astype(float) + 1
    wide[rng.random((n, r)) < missing] = NA
    return wide


def test_bootstrap_is_seeded_and_agrees_with_analytic_se():
    df = long_from_matrix(random_wide(99, 200, 4, 4, 0.15).T)
    a = alpha(df, "nominal", n_boot=400, seed=7)
    b = alpha(df, "nominal", n_boot=400, seed=7)
    c = alpha(df, "nominal", n_boot=400, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert a["ci_low"].iloc[0] != c["ci_low"].iloc[0]
    res = a.iloc[0]
    assert_allclose(res.estimate, 0.23378711178, atol=1e-10)  # irrCAC, same data
    assert_allclose(res.se, 0.026788976392, rtol=0.2)  # bootstrap vs Gwet's analytic SE
    assert res.ci_low < res.estimate < res.ci_high
    assert_allclose(res.ci_high - res.ci_low, 2 * 1.96 * 0.026788976392, rtol=0.25)


def test_bootstrap_with_groups_resamples_within_groups():
    parts = grouped_parts()
    df = pd.concat(parts, ignore_index=True)
    res = alpha(df, "ordinal", groups="opd", n_boot=100, seed=3)
    point = alpha(df, "ordinal", groups="opd")
    assert_allclose(res["estimate"], point["estimate"], rtol=1e-12)
    assert (res["ci_low"] < res["estimate"]).all() and (res["estimate"] < res["ci_high"]).all()
    # the smallest group (17 units) is the least precise
    assert res.set_index("group")["se"].idxmax() == "Kecamatan Tanjung Selor"


def test_bad_input_errors_for_people():
    df = long_from_matrix(RELIABILITY_DATA)
    with pytest.raises(ValueError, match="level='cardinal'"):
        alpha(df, "cardinal")
    with pytest.raises(ValueError, match=r"not among the declared categories.*\[5\.0\]"):
        alpha(df, "ordinal", categories=[1, 2, 3, 4])
    labels = df.assign(value=df["value"].map({1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}))
    with pytest.raises(ValueError, match="needs the order"):
        alpha(labels, "ordinal")
    with pytest.raises(ValueError, match="needs numbers"):
        alpha(labels, "interval")
    with pytest.raises(ValueError, match="values >= 0"):
        alpha(df.assign(value=df["value"] - 2), "ratio")
    with pytest.raises(ValueError, match="more than one rating"):
        alpha(pd.concat([df, df.iloc[:1]]), "nominal")
    lonely = pd.DataFrame({"unit": [1, 2, 3], "coder": ["a", "b", "a"], "value": [1, 2, 3]})
    with pytest.raises(ValueError, match="nothing is pairable"):
        alpha(lonely, "nominal")
    with pytest.raises(ValueError, match="n_boot"):
        alpha(df, "nominal", n_boot=-1)


def _peak_bytes(units: int, level: str) -> int:
    rng = np.random.default_rng(5)
    m = np.abs(rng.normal(3, 1, size=units)[None, :] + rng.normal(scale=0.5, size=(4, units)))
    df = long_from_matrix(m)
    alpha(long_from_matrix(m[:, :10]), level)  # warm up: lazy imports allocate too
    tracemalloc.start()
    alpha(df, level)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("level", LEVELS)
def test_memory_stays_linear_for_continuous_values(level):
    # 4 coders x 4,000 units of distinct continuous values: a values x values table would
    # take 2 GB; four times the ratings must take about four times the memory
    small, large = _peak_bytes(1_000, level), _peak_bytes(4_000, level)
    assert large < 6 * small
    assert large < 16_000 * 400  # at most 400 bytes per rating (a V x V table: 2 GB)


def test_ratio_quadrature_equals_exact_pair_sum(monkeypatch):
    # many distinct values use the quadrature: compare it with the exact pair sum, for
    # groups on very different scales, with zeros, ties and missing values
    rng = np.random.default_rng(12)
    parts = []
    for name, units, scale, zeros in [
        ("a", 300, 1.0, 0.0),
        ("b", 200, 1e-3, 0.05),
        ("c", 250, 1e4, 0.0),
        ("d", 40, 1.0, 0.3),
    ]:
        m = np.abs(rng.normal(3, 1, units)[None, :] + rng.normal(0, 0.5, (4, units))) * scale
        m = np.round(m, 1) if name == "c" else m
        m[rng.random(m.shape) < zeros] = 0.0
        m[rng.random(m.shape) < 0.1] = NA
        parts.append(
            long_from_matrix(m).assign(opd=name, unit=lambda d, n=name: n + d["unit"].astype(str))
        )
    df = pd.concat(parts, ignore_index=True)
    monkeypatch.setattr(kmod, "_EXACT_MAX", 10**9)
    exact = alpha(df, "ratio", groups="opd")
    monkeypatch.setattr(kmod, "_EXACT_MAX", 0)
    quadrature = alpha(df, "ratio", groups="opd")
    assert_allclose(quadrature["estimate"], exact["estimate"], rtol=1e-11)


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(2, 25), min_size=1, max_size=4),
    coders=st.integers(2, 5),
    missing=st.floats(0.0, 0.5),
    level=st.sampled_from(LEVELS),
)
def test_property_groups_equal_per_group_calls(seed, sizes, coders, missing, level):
    rng = np.random.default_rng(seed)
    parts = []
    for i, units in enumerate(sizes):
        m = rng.integers(1, 6, (coders, units)).astype(float)
        m[rng.random(m.shape) < missing] = NA
        d = long_from_matrix(m).dropna(subset=["value"]).assign(opd=f"g{i}")
        if d.groupby("unit").size().max() >= 2 and d["coder"].nunique() >= 2:
            parts.append(d)
    if not parts:
        return
    grouped = alpha(pd.concat(parts, ignore_index=True), level, groups="opd")
    for p, (_, row) in zip(parts, grouped.iterrows(), strict=True):
        single = alpha(p, level).iloc[0]
        assert row["group"] == p["opd"].iloc[0]
        assert_allclose(row["estimate"], single.estimate, rtol=1e-10, atol=1e-12)
        assert (row["n_targets"], row["n_raters"]) == (single.n_targets, single.n_raters)
