"""Kendall's W and Cronbach's alpha: hand examples, R (base stats, psych), pingouin, grouped."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from _reliability_data import AGG_CSV
from scipy import stats

import evalkit as ek


@pytest.fixture
def agg_long() -> pd.DataFrame:
    wide = pd.read_csv(io.StringIO(AGG_CSV)).reset_index(names="resp")
    return wide.melt(id_vars=["resp", "grp"], var_name="item", value_name="score")


def _long(wide) -> pd.DataFrame:
    wide = np.asarray(wide, dtype=float)
    i, j = np.indices(wide.shape)
    return pd.DataFrame({"t": i.ravel(), "r": j.ravel(), "x": wide.ravel()})


# ---------------------------------------------------------------- Kendall's W


def test_kendall_w_hand_example():
    """Three raters rank four targets; R = (4, 6, 8, 12), S = 35, W = 12·35/(9·60) = 7/9."""
    df = pd.DataFrame(
        {
            "t": [1, 2, 3, 4] * 3,
            "r": np.repeat(["a", "b", "c"], 4),
            "x": [1, 2, 3, 4, 1, 3, 2, 4, 2, 1, 3, 4],
        }
    )
    res = ek.kendall_w(df, "t", "r", "x").iloc[0]
    assert res["estimate"] == pytest.approx(7 / 9, rel=1e-12)
    assert res["chi2"] == pytest.approx(3 * 3 * 7 / 9, rel=1e-12)
    assert res["p_val"] == pytest.approx(stats.chi2.sf(7.0, 3), rel=1e-12)
    assert (res["n_targets"], res["n_raters"]) == (4, 3)
    # no ties: the correction changes nothing
    unc = ek.kendall_w(df, "t", "r", "x", correct_ties=False).iloc[0]
    assert unc["estimate"] == pytest.approx(7 / 9, rel=1e-12)


def test_kendall_w_against_r_friedman_test(agg_long):
    """R 4.2.2 stats::friedman.test(t(na.omit(d[, c("a","b","c")]))): the items are the
    raters (blocks) ranking the 25 complete respondents; chi-squared = 38.2927450148494,
    tie-corrected, so W = chi2 / (3 · 24) = 0.531843680761797."""
    res = ek.kendall_w(agg_long, "resp", "item", "score").iloc[0]
    assert res["chi2"] == pytest.approx(38.2927450148494, rel=1e-12)
    assert res["estimate"] == pytest.approx(0.531843680761797, rel=1e-12)
    assert (res["n_targets"], res["n_raters"], res["n_dropped"]) == (25, 3, 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kendall_w_against_pingouin_friedman_with_ties(seed):
    rng = np.random.default_rng(seed)
    n, m = 15, 6
    wide = np.round(rng.normal(size=(n, 1)) + rng.normal(size=(n, m)))  # many ties
    df = _long(wide)
    ours = ek.kendall_w(df, "t", "r", "x").iloc[0]
    theirs = pg.friedman(df, dv="x", within="t", subject="r")
    assert ours["estimate"] == pytest.approx(theirs["W"].iloc[0], rel=1e-10)
    assert ours["p_val"] == pytest.approx(theirs["p_unc"].iloc[0], rel=1e-8)
    # uncorrected: 12 S / (m² (n³ − n)) with average ranks per rater
    ranks = stats.rankdata(wide, axis=0)
    s = ((ranks.sum(axis=1) - m * (n + 1) / 2) ** 2).sum()
    unc = ek.kendall_w(df, "t", "r", "x", correct_ties=False)["estimate"].iloc[0]
    assert unc == pytest.approx(12 * s / (m**2 * (n**3 - n)), rel=1e-12)
    assert unc < ours["estimate"]


def test_kendall_w_grouped_equals_per_group():
    rng = np.random.default_rng(5)
    frames = []
    for gi, (n, m) in enumerate([(4, 3), (9, 5), (6, 2), (12, 4)]):
        wide = np.round(rng.normal(size=(n, 1)) * gi + rng.normal(size=(n, m)))
        wide[rng.integers(0, n), rng.integers(0, m)] = np.nan
        df = _long(wide).assign(g=f"g{gi}")
        frames.append(df)
    data = pd.concat(frames).sample(frac=1, random_state=1)
    grouped = ek.kendall_w(data, "t", "r", "x", groups="g")
    for g, sub in data.groupby("g"):
        alone = ek.kendall_w(sub, "t", "r", "x")
        mine = grouped[grouped["group"] == g].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, rtol=1e-12)
    assert (grouped["n_dropped"] == 1).all()


def test_kendall_w_degenerate_input():
    df = _long([[1, 2], [2, 1], [3, 3]])
    with pytest.raises(ValueError, match="two raters"):
        ek.kendall_w(df[df["r"] == 0], "t", "r", "x")
    const = _long(np.full((4, 3), 2.0))
    assert np.isnan(ek.kendall_w(const, "t", "r", "x")["estimate"].iloc[0])
    with pytest.warns(RuntimeWarning, match="solo"):
        res = ek.kendall_w(
            pd.concat([df.assign(g="ok"), df[df["r"] == 0].assign(g="solo")]),
            "t",
            "r",
            "x",
            groups="g",
        )
    assert res.set_index("group")["estimate"].isna().to_dict() == {"ok": False, "solo": True}


# ------------------------------------------------------------- Cronbach's alpha

# R 4.2.2, psych 2.2.9 on AGG_CSV items a, b, c:
#   alpha(d, use="pairwise")$total$raw_alpha, $feldt
#   alpha(d, use="complete.obs")$total$raw_alpha, $feldt
R_PSYCH_ALPHA = {
    "pairwise": (0.580985048816969, 0.205947999011562, 0.795277334102529),
    "listwise": (0.570498915401302, 0.18607630899708, 0.790154010503333),
}


def _feldt(alpha, n, k, confidence=0.95):
    g = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (
        1 - (1 - alpha) * stats.f.isf(g / 2, df1, df2),
        1 - (1 - alpha) * stats.f.isf(1 - g / 2, df1, df2),
    )


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_alpha_against_r_psych(agg_long, policy):
    est, lo, hi = R_PSYCH_ALPHA[policy]
    res = ek.cronbach_alpha(agg_long, "resp", "item", "score", nan_policy=policy).iloc[0]
    assert res["estimate"] == pytest.approx(est, rel=1e-12)
    assert res["n_raters"] == 3
    if policy == "pairwise":
        assert res["n_targets"] == 27
        assert res["ci_low"] == pytest.approx(lo, rel=1e-9)
        assert res["ci_high"] == pytest.approx(hi, rel=1e-9)
    else:
        # psych counts the 2 dropped respondents in Feldt's n (27); we use the 25 used.
        assert res["n_targets"] == 25
        assert _feldt(est, 27, 3) == pytest.approx((lo, hi), rel=1e-9)
        assert (res["ci_low"], res["ci_high"]) == pytest.approx(_feldt(est, 25, 3), rel=1e-12)
        assert res["ci_high"] - res["ci_low"] > hi - lo


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("seed", [3, 4])
def test_alpha_against_pingouin(policy, seed):
    rng = np.random.default_rng(seed)
    wide = np.round(rng.normal(size=(40, 1)) + rng.normal(size=(40, 6)), 1)
    wide[rng.integers(0, 40, 8), rng.integers(0, 6, 8)] = np.nan
    frame = pd.DataFrame(wide, columns=[f"i{j}" for j in range(6)])
    long = frame.reset_index(names="s").melt(id_vars="s", var_name="item", value_name="v")
    ours = ek.cronbach_alpha(long, "s", "item", "v", nan_policy=policy, confidence=0.9).iloc[0]
    alpha, ci = pg.cronbach_alpha(frame, nan_policy=policy, ci=0.9)
    assert ours["estimate"] == pytest.approx(alpha, rel=1e-10)
    # pingouin rounds the CI to 3 d.p. and, listwise, counts dropped subjects in n
    n_feldt = 40 if policy == "listwise" else ours["n_targets"]
    assert _feldt(alpha, n_feldt, 6, 0.9) == pytest.approx(tuple(ci), abs=5e-4 + 1e-9)
    if policy == "pairwise":
        assert ours["ci_low"] == pytest.approx(ci[0], abs=5e-4 + 1e-9)
        assert ours["ci_high"] == pytest.approx(ci[1], abs=5e-4 + 1e-9)
    else:
        assert ours["n_targets"] < 40
        assert (ours["ci_low"], ours["ci_high"]) == pytest.approx(
            _feldt(alpha, ours["n_targets"], 6, 0.9), rel=1e-12
        )


def test_alpha_equals_icc3k_on_complete_data():
    """alpha is ICC(C,k) with items as raters (McGraw & Wong 1996), with the same F test."""
    rng = np.random.default_rng(9)
    df = _long(rng.normal(size=(25, 1)) + rng.normal(size=(25, 4)))
    alpha = ek.cronbach_alpha(df, "t", "r", "x").iloc[0]
    icc3k = ek.icc(df, "t", "r", "x").set_index("statistic").loc["ICC3k"]
    for col in ("estimate", "ci_low", "ci_high", "p_val"):
        assert alpha[col] == pytest.approx(icc3k[col], rel=1e-10)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_alpha_grouped_equals_per_group(agg_long, policy):
    grouped = ek.cronbach_alpha(agg_long, "resp", "item", "score", groups="grp", nan_policy=policy)
    assert len(grouped) == agg_long["grp"].nunique()
    for g, sub in agg_long.groupby("grp"):
        alone = ek.cronbach_alpha(sub, "resp", "item", "score", nan_policy=policy)
        mine = grouped[grouped["group"] == g].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, rtol=1e-10)


def test_alpha_bad_input(agg_long):
    one_item = agg_long[agg_long["item"] == "a"]
    with pytest.raises(ValueError, match="two items"):
        ek.cronbach_alpha(one_item, "resp", "item", "score")
    with pytest.raises(ValueError, match="nan_policy"):
        ek.cronbach_alpha(agg_long, "resp", "item", "score", nan_policy="omit")
    with pytest.raises(ValueError, match="more than one rating"):
        ek.cronbach_alpha(pd.concat([agg_long, agg_long.iloc[:1]]), "resp", "item", "score")
    const = _long(np.full((5, 3), 2.0))
    assert np.isnan(ek.cronbach_alpha(const, "t", "r", "x")["estimate"].iloc[0])


def _expand(df: pd.DataFrame, unit: str, counts: np.ndarray, units) -> pd.DataFrame:
    """The data of one bootstrap replicate: each unit repeated as drawn, copies renamed."""
    parts = [
        df[df[unit] == u].assign(**{unit: f"{u}#{c}"})
        for u, w in zip(units, counts, strict=True)
        for c in range(int(w))
    ]
    return pd.concat(parts)


def test_kendall_w_bootstrap_equals_explicit_replicates():
    """The vectorised bootstrap (targets resampled within groups, copies tie) gives the
    same replicates as ranking each resampled data set with kendall_w itself."""
    from evalkit.reliability._long import bootstrap_counts

    rng = np.random.default_rng(0)
    wide = np.round(rng.normal(size=(12, 1)) + rng.normal(size=(12, 4)))
    df = _long(wide)
    n_boot = 40
    res = ek.kendall_w(df, "t", "r", "x", n_boot=n_boot, seed=4).iloc[0]
    counts = bootstrap_counts(np.zeros(12, dtype=np.intp), n_boot, np.random.default_rng(4))
    reps = np.array(
        [
            ek.kendall_w(_expand(df, "t", counts[b], range(12)), "t", "r", "x")["estimate"].iloc[0]
            for b in range(n_boot)
        ]
    )
    assert res["se"] == pytest.approx(reps.std(ddof=1), rel=1e-10)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx(
        tuple(np.quantile(reps, [0.025, 0.975])), rel=1e-10
    )
    assert res["ci_low"] < res["estimate"] < res["ci_high"]
    again = ek.kendall_w(df, "t", "r", "x", n_boot=n_boot, seed=4).iloc[0]
    assert again["ci_low"] == res["ci_low"]  # seeded: reproducible
    other = ek.kendall_w(df, "t", "r", "x", n_boot=n_boot, seed=5).iloc[0]
    assert other["ci_low"] != res["ci_low"]


def test_kendall_w_bootstrap_grouped_is_within_monte_carlo_error():
    rng = np.random.default_rng(8)
    frames = [
        _long(np.round(rng.normal(size=(15, 1)) * s + rng.normal(size=(15, 4)), 1)).assign(
            g=f"g{s}"
        )
        for s in (1, 2)
    ]
    data = pd.concat(frames)
    grouped = ek.kendall_w(data, "t", "r", "x", groups="g", n_boot=2000).set_index("group")
    for g, sub in data.groupby("g"):
        alone = ek.kendall_w(sub, "t", "r", "x", n_boot=2000, seed=1).iloc[0]
        assert grouped.at[g, "estimate"] == alone["estimate"]
        assert grouped.at[g, "se"] == pytest.approx(alone["se"], rel=0.15)
        assert grouped.at[g, "ci_low"] == pytest.approx(alone["ci_low"], abs=0.05)
