"""rwg, rwg(j), r*wg(j), Bliese ICC(1)/ICC(2): R multilevel, hand examples, scipy, grouped."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from _reliability_data import AGG_CSV
from scipy import stats

import evalkit as ek
from evalkit.reliability.aggregation import raters_needed


@pytest.fixture
def agg() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(AGG_CSV))


# R 4.2.2, multilevel 2.7, d = AGG_CSV, ranvar = (4^2 - 1)/12 = 1.25 (A = 4 options):
#   rwg(d$a, d$grp, ranvar=1.25); rwg.j(d[, c("a","b","c")], d$grp, ranvar=1.25);
#   rwg.j.lindell(d[, c("a","b","c")], d$grp, ranvar=1.25)
R_RWG = {
    "g1": 0.733333333333333,
    "g2": 0.352380952380952,
    "g3": 0.800000000000000,
    "g4": 0.786666666666667,
    "g5": 0.440000000000000,
    "g6": 0.0,
}
R_RWG_SIZE = {"g1": 3, "g2": 7, "g3": 4, "g4": 6, "g5": 5, "g6": 2}
R_RWG_J = {
    "g1": 0.891891891891892,
    "g2": 0.702127659574468,
    "g3": 0.831683168316832,
    "g4": 0.859582542694497,
    "g5": 0.461538461538462,
    "g6": 0.0,
}
R_RWG_J_LINDELL = {
    "g1": 0.733333333333333,
    "g2": 0.440000000000000,
    "g3": 0.622222222222222,
    "g4": 0.671111111111111,
    "g5": 0.222222222222222,
    "g6": -0.2,
}
R_RWG_J_SIZE = {"g1": 3, "g2": 6, "g3": 4, "g4": 6, "g5": 4, "g6": 2}


def test_rwg_against_r_multilevel(agg):
    res = ek.rwg(agg, "grp", "a", scale=(1, 4)).set_index("group")
    assert (res["statistic"] == "rwg").all()
    for g, value in R_RWG.items():
        assert res.at[g, "estimate"] == pytest.approx(value, abs=1e-12)
        assert res.at[g, "n_raters"] == R_RWG_SIZE[g]


def test_rwg_j_and_lindell_against_r_multilevel(agg):
    res = ek.rwg(agg, "grp", ["a", "b", "c"], scale=(1, 4))
    assert list(res["statistic"][:2]) == ["rwg_j", "rwg_j_lindell"]
    for stat, ref in (("rwg_j", R_RWG_J), ("rwg_j_lindell", R_RWG_J_LINDELL)):
        sub = res[res["statistic"] == stat].set_index("group")
        for g, value in ref.items():
            assert sub.at[g, "estimate"] == pytest.approx(value, abs=1e-12), (stat, g)
            assert sub.at[g, "n_raters"] == R_RWG_J_SIZE[g]
        assert (sub["n_items"] == 3).all()


def test_rwg_hand_example_and_truncation():
    """Unit a: 4,4,5,3 → s² = 2/3, rwg = 1 − (2/3)/2 = 2/3. Unit b: 1,5,3 → s² = 4 > 2 → 0.
    Unit c: one rater → NaN."""
    df = pd.DataFrame({"unit": list("aaaabbbc"), "score": [4, 4, 5, 3, 1, 5, 3, 2]})
    res = ek.rwg(df, "unit", "score").set_index("group")["estimate"]
    assert res["a"] == pytest.approx(2 / 3, rel=1e-12)
    assert res["b"] == 0.0
    assert np.isnan(res["c"])


def test_rwg_j_long_items_equal_wide_without_missing(agg):
    full = agg.dropna().reset_index(names="resp")
    wide = ek.rwg(full, "grp", ["a", "b", "c"], scale=(1, 4))
    long = full.melt(id_vars=["resp", "grp"], var_name="item", value_name="score")
    res = ek.rwg(long, "grp", "score", items="item", scale=(1, 4))
    pd.testing.assert_frame_equal(res, wide, check_exact=False, rtol=1e-12)


def test_rwg_grows_with_items_lindell_does_not():
    """Spearman–Brown: with equal item variances rwg(j) = J r/(1 + (J−1) r), r = 1 − s²/σ²."""
    vals = [2, 3, 4, 3]
    df = pd.DataFrame({"g": "x", **{f"i{j}": vals for j in range(6)}})
    r = 1 - np.var(vals, ddof=1) / 2.0
    for J in (1, 3, 6):
        cols = [f"i{j}" for j in range(J)]
        res = ek.rwg(df, "g", cols if J > 1 else cols[0]).set_index("statistic")["estimate"]
        if J > 1:
            assert res["rwg_j"] == pytest.approx(J * r / (1 + (J - 1) * r), rel=1e-12)
            assert res["rwg_j_lindell"] == pytest.approx(r, rel=1e-12)
        else:
            assert res["rwg"] == pytest.approx(r, rel=1e-12)


def test_rwg_bad_input(agg):
    with pytest.raises(ValueError, match="outside the declared scale"):
        ek.rwg(agg, "grp", "a", scale=(1, 3))
    with pytest.raises(ValueError, match="scale must be"):
        ek.rwg(agg, "grp", "a", scale=(4, 1))
    with pytest.raises(ValueError, match="not both"):
        ek.rwg(agg, "grp", ["a", "b"], items="c")
    with pytest.raises(ValueError, match="must hold numbers"):
        ek.rwg(agg.assign(a=agg["a"].astype(str)), "grp", "a", scale=(1, 4))


# R 4.2.2, multilevel 2.7: m <- aov(a ~ as.factor(grp), data = d); ICC1(m); ICC2(m); summary(m)
R_ICC1_A, R_ICC2_A = 0.309921548872954, 0.668983529362005
R_MSB_A, R_MSW_A = 2.144497354497, 0.709863945578  # summary(m): Mean Sq, df 5 and 21
# x <- rowMeans(d[, c("a","b","c")], na.rm = TRUE); ICC1(aov(x ~ grp)); ICC2(aov(x ~ grp))
R_ICC1_X, R_ICC2_X = 0.730972098247652, 0.924396435322711


def test_icc_aggregation_against_r_multilevel(agg):
    res = ek.icc_aggregation(agg, "grp", "a").set_index("statistic")
    assert res.at["bliese_icc1", "estimate"] == pytest.approx(R_ICC1_A, rel=1e-12)
    assert res.at["bliese_icc2", "estimate"] == pytest.approx(R_ICC2_A, rel=1e-12)
    assert res.at["bliese_icc1", "f_stat"] == pytest.approx(R_MSB_A / R_MSW_A, rel=1e-10)
    assert (res["df1"] == 5).all() and (res["df2"] == 21).all()
    assert (res["n_targets"] == 6).all() and (res["n_raters"] == 27).all()
    assert res.at["bliese_icc1", "k"] == pytest.approx(27 / 6)
    x = agg[["a", "b", "c"]].mean(axis=1)
    res = ek.icc_aggregation(agg.assign(x=x), "grp", "x").set_index("statistic")
    assert res.at["bliese_icc1", "estimate"] == pytest.approx(R_ICC1_X, rel=1e-12)
    assert res.at["bliese_icc2", "estimate"] == pytest.approx(R_ICC2_X, rel=1e-12)


def test_icc_aggregation_f_test_against_scipy_f_oneway(agg):
    res = ek.icc_aggregation(agg, "grp", "b")
    samples = [s.dropna().to_numpy() for _, s in agg.groupby("grp")["b"]]
    f, p = stats.f_oneway(*samples)
    assert res["f_stat"].iloc[0] == pytest.approx(f, rel=1e-10)
    assert res["p_val"].iloc[0] == pytest.approx(p, rel=1e-10)
    assert res["n_raters"].iloc[0] == 26  # one missing answer dropped


def test_icc_aggregation_balanced_equals_oneway_icc():
    """With equal group sizes, Bliese ICC(1)/ICC(2) are Shrout & Fleiss ICC1/ICC1k
    (groups as targets, members as raters), intervals included."""
    rng = np.random.default_rng(4)
    wide = rng.normal(size=(15, 1)) + rng.normal(size=(15, 4))
    i, j = np.indices(wide.shape)
    df = pd.DataFrame({"grp": i.ravel(), "member": j.ravel(), "x": wide.ravel()})
    agg = ek.icc_aggregation(df, "grp", "x").set_index("statistic")
    icc = ek.icc(df, "grp", "member", "x").set_index("statistic")
    for ours, theirs in (("bliese_icc1", "ICC1"), ("bliese_icc2", "ICC1k")):
        for col in ("estimate", "ci_low", "ci_high", "p_val"):
            assert agg.at[ours, col] == pytest.approx(icc.at[theirs, col], rel=1e-10)


def test_icc_aggregation_by_equals_subsets(agg):
    long = agg.reset_index(names="resp").melt(
        id_vars=["resp", "grp"], var_name="item", value_name="score"
    )
    res = ek.icc_aggregation(long, "grp", "score", by="item")
    for item, sub in long.groupby("item"):
        alone = ek.icc_aggregation(sub, "grp", "score")
        mine = res[res["group"] == item].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, rtol=1e-12)


def test_icc_aggregation_degenerate(agg):
    with pytest.raises(ValueError, match="two groups"):
        ek.icc_aggregation(agg[agg["grp"] == "g1"], "grp", "a")
    singles = pd.DataFrame({"grp": list("abc"), "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="two ratings"):
        ek.icc_aggregation(singles, "grp", "x")


def test_raters_needed_matches_methods_md():
    """reference/methods.md §3: ICC(1) .05 → 45, .12 → 18, .20 → 10 citizens per unit."""
    need = np.ceil(raters_needed(np.array([0.05, 0.12, 0.20])))
    assert need.tolist() == [45, 18, 10]
    assert np.isnan(raters_needed(-0.1))
    # Spearman–Brown back: k raters give ICC(2) = .70
    k = raters_needed(0.12)
    assert k * 0.12 / (1 + (k - 1) * 0.12) == pytest.approx(0.70)


def test_rwg_bootstrap_equals_explicit_replicates(agg):
    """Raters resampled within units: the vectorised replicates equal rwg/rwg.j computed
    on each resampled data set (the same draws, from bootstrap_counts with the seed)."""
    from evalkit.reliability._long import bootstrap_counts

    used = agg.dropna().reset_index(drop=True)  # rwg(j) is listwise over the items
    codes_, _ = pd.factorize(used["grp"], sort=True)
    n_boot = 30
    counts = bootstrap_counts(codes_.astype(np.intp), n_boot, np.random.default_rng(6))
    for ratings in ("a", ["a", "b", "c"]):
        res = ek.rwg(used, "grp", ratings, scale=(1, 4), n_boot=n_boot, seed=6)
        reps = [
            ek.rwg(
                used.loc[np.repeat(used.index, counts[b].astype(int))], "grp", ratings, scale=(1, 4)
            )["estimate"].to_numpy()
            for b in range(n_boot)
        ]
        reps = np.array(reps)
        lo, hi = np.nanquantile(reps, [0.025, 0.975], axis=0)
        np.testing.assert_allclose(res["ci_low"], lo, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(res["ci_high"], hi, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(res["se"], np.nanstd(reps, axis=0, ddof=1), rtol=1e-10)
    with pytest.raises(ValueError, match="n_boot"):
        ek.rwg(used, "grp", "a", items="b", n_boot=10)
