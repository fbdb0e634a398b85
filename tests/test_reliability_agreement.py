"""Bland–Altman limits and Lin's CCC: published data, a peer library, independent formulas."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import evalkit as ek
from evalkit.reliability._schema import COLUMNS

# Bland & Altman (1986), Lancet 327:307-310, Table 1: peak expiratory flow rate (l/min) of
# 17 subjects, first reading with the Wright and with the mini Wright meter.
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]
PEFR = pd.DataFrame({"wright": WRIGHT, "mini": MINI})


def _row(df: pd.DataFrame, statistic: str) -> pd.Series:
    return df.set_index("statistic").loc[statistic]


def test_bland_altman_1986_pefr_published_values():
    """Bland & Altman 1986: mean difference −2.1, SD 38.8, SE of the bias 9.4, SE of a
    limit √(3 s²/n) = 16.3; limits d̄ ± 2s = −79.7 and 75.5 with 95% CIs −114.3 to −45.1
    and 40.9 to 110.1 (they use 2 SD; we use 1.96, so we shift by (2 − 1.96) s). The paper
    computes from the rounded −2.1, 38.8 and 16.3, hence the tolerances of 0.1–0.2."""
    res = ek.bland_altman(PEFR, "wright", "mini", method="1986")
    bias, low, high = (_row(res, s) for s in ("bias", "loa_low", "loa_high"))
    n = 17
    s = bias["se"] * math.sqrt(n)
    assert round(bias["estimate"], 1) == -2.1
    assert round(s, 1) == 38.8
    assert round(bias["se"], 1) == 9.4
    assert round(low["se"], 1) == 16.3 and round(high["se"], 1) == 16.3
    z = stats.norm.ppf(0.975)
    shift = (2 - z) * s
    assert low["estimate"] - shift == pytest.approx(-79.7, abs=0.1)
    assert high["estimate"] + shift == pytest.approx(75.5, abs=0.1)
    assert low["ci_low"] - shift == pytest.approx(-114.3, abs=0.2)
    assert low["ci_high"] - shift == pytest.approx(-45.1, abs=0.2)
    assert high["ci_low"] + shift == pytest.approx(40.9, abs=0.2)
    assert high["ci_high"] + shift == pytest.approx(110.1, abs=0.2)
    assert list(res["n_targets"]) == [17] * 3 and list(res["n_raters"]) == [2] * 3
    assert list(res.columns) == list(COLUMNS)
    # p-value of the bias is the paired t test
    assert bias["p_val"] == pytest.approx(stats.ttest_rel(WRIGHT, MINI).pvalue, rel=1e-10)


def test_bland_altman_1999_se_formula_by_hand():
    """1999: SE(limit) = s √(1/n + z²/(2(n − 1))), CI = limit ± t_{n−1} SE."""
    res = ek.bland_altman(PEFR, "wright", "mini", method="1999", confidence=0.90)
    d = np.array(WRIGHT, float) - np.array(MINI, float)
    n, m, s = len(d), d.mean(), d.std(ddof=1)
    z = 1.959963984540054
    se = s * math.sqrt(1 / n + z**2 / (2 * (n - 1)))
    t = stats.t.ppf(0.95, n - 1)
    high = _row(res, "loa_high")
    assert high["estimate"] == pytest.approx(m + z * s, rel=1e-12)
    assert high["se"] == pytest.approx(se, rel=1e-12)
    assert high["ci_low"] == pytest.approx(m + z * s - t * se, rel=1e-12)
    bias = _row(res, "bias")
    assert bias["ci_high"] == pytest.approx(m + t * s / math.sqrt(n), rel=1e-12)


def test_bland_altman_matches_pingouin_plot():
    """pingouin.plot_blandaltman draws bias, limits and their 1986 CIs: read them off the axes."""
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(3)
    x = rng.normal(60, 15, 50)
    y = x + rng.normal(-4, 8, 50)
    z = stats.norm.ppf(0.975)
    fig, ax = plt.subplots()
    pg.plot_blandaltman(x, y, agreement=z, confidence=0.95, ax=ax)
    hlines = sorted(line.get_ydata()[0] for line in ax.lines if line.get_ydata()[0] != 0)
    spans = sorted(
        (p.get_y(), p.get_y() + p.get_height()) for p in ax.patches if hasattr(p, "get_height")
    )
    plt.close(fig)
    res = ek.bland_altman(pd.DataFrame({"x": x, "y": y}), "x", "y", method="1986")
    ours = [_row(res, s) for s in ("loa_low", "bias", "loa_high")]
    np.testing.assert_allclose(hlines, [r["estimate"] for r in ours], rtol=1e-10)
    np.testing.assert_allclose(spans, [(r["ci_low"], r["ci_high"]) for r in ours], rtol=1e-10)


def _ccc_descTools(y1, y2, conf=0.95):
    """Lin's CCC and its z-transform CI, written after R DescTools::CCC (which follows
    Lin 1989): variances with divisor n, u with the n-divisor SDs, SE of ρ_c then of z."""
    y1, y2 = np.asarray(y1, float), np.asarray(y2, float)
    k = len(y1)
    yb, xb = y1.mean(), y2.mean()
    sy2, sx2 = y1.var(ddof=1) * (k - 1) / k, y2.var(ddof=1) * (k - 1) / k
    r = np.corrcoef(y1, y2)[0, 1]
    sxy = r * math.sqrt(sx2 * sy2)
    p = 2 * sxy / (sx2 + sy2 + (yb - xb) ** 2)
    u = (yb - xb) / ((sx2 * sy2) ** 0.25)
    sep = math.sqrt(
        (
            (1 - r**2) * p**2 * (1 - p**2) / r**2
            + 2 * p**3 * (1 - p) * u**2 / r
            - 0.5 * p**4 * u**4 / r**2
        )
        / (k - 2)
    )
    zq = stats.norm.ppf(1 - (1 - conf) / 2)
    t = math.log((1 + p) / (1 - p)) / 2
    set_ = sep / (1 - p**2)
    lo, hi = t - zq * set_, t + zq * set_
    back = lambda v: (math.exp(2 * v) - 1) / (math.exp(2 * v) + 1)  # noqa: E731
    return p, back(lo), back(hi), sep


def test_lin_ccc_against_descTools_formula_pefr():
    res = ek.lin_ccc(PEFR, "wright", "mini").iloc[0]
    p, lo, hi, sep = _ccc_descTools(WRIGHT, MINI)
    assert res["estimate"] == pytest.approx(p, rel=1e-12)
    assert res["ci_low"] == pytest.approx(lo, rel=1e-10)
    assert res["ci_high"] == pytest.approx(hi, rel=1e-10)
    assert res["se"] == pytest.approx(sep, rel=1e-10)
    # the PEFR meters agree closely: r = .94 and ρ_c a little lower
    assert 0.93 < res["estimate"] < np.corrcoef(WRIGHT, MINI)[0, 1]


def test_lin_ccc_planted_shift_and_identity():
    """y = x + c: ρ_c = 2 s² / (2 s² + c²) exactly (moments with divisor n); x = y: 1."""
    x = np.arange(10.0)
    c = 3.0
    df = pd.DataFrame({"x": x, "y": x + c})
    s2 = x.var()
    assert ek.lin_ccc(df, "x", "y")["estimate"].iloc[0] == pytest.approx(
        2 * s2 / (2 * s2 + c**2), rel=1e-12
    )
    ident = ek.lin_ccc(pd.DataFrame({"x": x, "y": x}), "x", "y")["estimate"].iloc[0]
    assert ident == pytest.approx(1.0)


def test_lin_ccc_is_r_times_cb():
    rng = np.random.default_rng(7)
    x = rng.normal(50, 10, 40)
    y = 0.8 * x + rng.normal(15, 6, 40)
    est = ek.lin_ccc(pd.DataFrame({"x": x, "y": y}), "x", "y")["estimate"].iloc[0]
    r = np.corrcoef(x, y)[0, 1]
    v = x.std() / y.std()
    u = (x.mean() - y.mean()) / math.sqrt(x.std() * y.std())
    assert est == pytest.approx(r * 2 / (v + 1 / v + u**2), rel=1e-12)


def test_grouped_equals_per_group_calls_and_missing_pairs_dropped():
    rng = np.random.default_rng(11)
    df = pd.DataFrame(
        {
            "g": np.repeat(["b", "a", "c"], [12, 20, 30]),
            "x": rng.normal(60, 12, 62),
            "y": rng.normal(55, 12, 62),
        }
    )
    df.loc[[3, 40], "y"] = np.nan
    for func in (ek.bland_altman, ek.lin_ccc):
        grouped = func(df, "x", "y", groups="g")
        assert list(grouped.columns) == ["group", *COLUMNS]
        assert list(dict.fromkeys(grouped["group"])) == ["a", "b", "c"]
        for g, sub in df.groupby("g"):
            one = func(sub, "x", "y")
            got = grouped[grouped["group"] == g].drop(columns="group").reset_index(drop=True)
            pd.testing.assert_frame_equal(got, one)
    n = ek.bland_altman(df, "x", "y", groups="g").groupby("group")["n_targets"].first()
    assert n.to_dict() == {"a": 20, "b": 11, "c": 29}


def test_degenerate_groups_give_nan_not_errors():
    df = pd.DataFrame({"g": ["a", "b", "b", "b"], "x": [1.0, 2, 3, 4], "y": [1.0, 2, 2, 2]})
    ba = ek.bland_altman(df, "x", "y", groups="g")
    assert ba.loc[ba["group"] == "a", "se"].isna().all()
    ccc = ek.lin_ccc(df, "x", "y", groups="g")
    assert ccc["estimate"].isna().all()  # a: one pair; b: y constant


def test_errors_for_people():
    with pytest.raises(ValueError, match="is not a column of data"):
        ek.bland_altman(PEFR, "wright", "nope")
    with pytest.raises(ValueError, match="must be numeric"):
        ek.lin_ccc(pd.DataFrame({"x": [1, 2, "tiga"], "y": [1, 2, 3]}), "x", "y")
    with pytest.raises(ValueError, match="method"):
        ek.bland_altman(PEFR, "wright", "mini", method="2000")
    with pytest.raises(ValueError, match="confidence"):
        ek.lin_ccc(PEFR, "wright", "mini", confidence=95)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=4, max_size=30).filter(
        lambda p: len({a for a, _ in p}) > 1 and len({b for _, b in p}) > 1
    )
)
def test_swapping_x_and_y_mirrors_the_statistics(pairs):
    """bias(y − x) = −bias(x − y), the limits swap and change sign; ρ_c is symmetric."""
    df = pd.DataFrame(pairs, columns=["x", "y"]).astype(float)
    ab = ek.bland_altman(df, "x", "y").set_index("statistic")
    ba = ek.bland_altman(df, "y", "x").set_index("statistic")
    assert ba.loc["bias", "estimate"] == pytest.approx(-ab.loc["bias", "estimate"], abs=1e-12)
    assert ba.loc["loa_low", "estimate"] == pytest.approx(
        -ab.loc["loa_high", "estimate"], abs=1e-12
    )
    assert ba.loc["loa_high", "ci_high"] == pytest.approx(-ab.loc["loa_low", "ci_low"], abs=1e-12)
    c1 = ek.lin_ccc(df, "x", "y").iloc[0]
    c2 = ek.lin_ccc(df, "y", "x").iloc[0]
    assert c1["estimate"] == pytest.approx(c2["estimate"], abs=1e-12)
    assert abs(c1["estimate"]) <= abs(np.corrcoef(df["x"], df["y"])[0, 1]) + 1e-12
