"""ICC: published values (Shrout & Fleiss 1979), R psych and irr, pingouin, grouped = per group."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evalkit as ek

# Labels as R psych prints them.
ICC_STATISTICS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")

# Shrout & Fleiss (1979), Table 2: 6 targets (rows) rated by 4 judges (columns).
SF_TABLE2 = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def long_from_wide(wide, target="target", rater="judge", rating="score") -> pd.DataFrame:
    wide = np.asarray(wide, dtype=float)
    i, j = np.indices(wide.shape)
    return pd.DataFrame({target: i.ravel(), rater: j.ravel(), rating: wide.ravel()})


@pytest.fixture
def sf() -> pd.DataFrame:
    return long_from_wide(SF_TABLE2)


def by_stat(res: pd.DataFrame) -> pd.DataFrame:
    return res.set_index("statistic")


def test_shrout_fleiss_1979_table_values(sf):
    """Shrout & Fleiss (1979), Table 4 (estimates printed to 2 d.p.; 4 d.p. as in psych's docs)."""
    published = {
        "ICC1": 0.1657,
        "ICC2": 0.2898,
        "ICC3": 0.7148,
        "ICC1k": 0.4428,
        "ICC2k": 0.6201,
        "ICC3k": 0.9093,
    }
    res = by_stat(ek.icc(sf, "target", "judge", "score"))
    assert list(res.index) == list(ICC_STATISTICS)
    for stat, value in published.items():
        assert res.at[stat, "estimate"] == pytest.approx(value, abs=5e-5), stat
    assert (res["n_targets"] == 6).all() and (res["n_raters"] == 4).all()


# R 4.2.2, psych 2.2.9: ICC(sf, lmer=FALSE)$results  (sf = SF_TABLE2 as a 6 x 4 matrix)
R_PSYCH_95 = {
    #        ICC                F                  df2  p                       lower                upper
    "ICC1": (
        0.165741768405476,
        1.79467849223947,
        18,
        0.164768808344639611,
        -0.1329323248747509,
        0.722560062328121,
    ),
    "ICC2": (
        0.289763779527559,
        11.02724795640327,
        15,
        0.000134566516484337,
        0.0187865133747120,
        0.761084369648953,
    ),
    "ICC3": (
        0.714840714840715,
        11.02724795640327,
        15,
        0.000134566516484337,
        0.3424647650339254,
        0.945858259955360,
    ),
    "ICC1k": (
        0.442797133679269,
        1.79467849223947,
        18,
        0.164768808344639611,
        -0.8844421552381190,
        0.912415420340776,
    ),
    "ICC2k": (
        0.620050547598989,
        11.02724795640327,
        15,
        0.000134566516484337,
        0.0711368153025035,
        0.927232040167722,
    ),
    "ICC3k": (
        0.909315542377069,
        11.02724795640327,
        15,
        0.000134566516484337,
        0.6756747138163047,
        0.985891678169062,
    ),
}
# R 4.2.2, psych 2.2.9: ICC(sf, lmer=FALSE, alpha=0.10)$results[, c("lower bound", "upper bound")]
R_PSYCH_90 = {
    "ICC1": (-0.0967222036577421, 0.643398310704423),
    "ICC2": (0.0429011915405400, 0.691070606618357),
    "ICC3": (0.4118341309190441, 0.925832807680279),
    "ICC1k": (-0.5450417247368673, 0.878301035406408),
    "ICC2k": (0.1520370538559583, 0.899476700113625),
    "ICC3k": (0.7368976785770522, 0.980366056047214),
}


def test_against_r_psych_all_columns(sf):
    res = by_stat(ek.icc(sf, "target", "judge", "score"))
    for stat, (est, f, df2, p, lo, hi) in R_PSYCH_95.items():
        row = res.loc[stat]
        assert row["estimate"] == pytest.approx(est, rel=1e-12, abs=1e-12)
        assert row["f_stat"] == pytest.approx(f, rel=1e-12)
        assert row["df1"] == 5 and row["df2"] == df2
        assert row["p_val"] == pytest.approx(p, rel=1e-9)
        assert row["ci_low"] == pytest.approx(lo, rel=1e-9, abs=1e-12)
        assert row["ci_high"] == pytest.approx(hi, rel=1e-9)
        assert row["ci_method"] == "shrout_fleiss"


def test_confidence_level_against_r_psych_alpha_010(sf):
    res = by_stat(ek.icc(sf, "target", "judge", "score", confidence=0.90))
    for stat, (lo, hi) in R_PSYCH_90.items():
        assert res.at[stat, "ci_low"] == pytest.approx(lo, rel=1e-9, abs=1e-12)
        assert res.at[stat, "ci_high"] == pytest.approx(hi, rel=1e-9)


def test_mcgraw_wong_interval_as_r_irr(sf):
    """R irr 0.84.1 icc(sf, "twoway", "agreement", "average"): ICC(A,k) CI [0.039, 0.929]
    (reference/irr_libraries.md §2; irr could not be installed here, so 3 d.p.)."""
    sfci = by_stat(ek.icc(sf, "target", "judge", "score"))
    mw = by_stat(ek.icc(sf, "target", "judge", "score", ci="mcgraw_wong"))
    assert mw.at["ICC2k", "ci_low"] == pytest.approx(0.039, abs=5e-4)
    assert mw.at["ICC2k", "ci_high"] == pytest.approx(0.929, abs=5e-4)
    assert (mw["ci_method"] == "mcgraw_wong").all()
    # the conventions differ only for ICC2k
    assert sfci.at["ICC2k", "ci_low"] == pytest.approx(0.071, abs=5e-4)
    others = [s for s in ICC_STATISTICS if s != "ICC2k"]
    cols = ["estimate", "ci_low", "ci_high", "p_val"]
    pd.testing.assert_frame_equal(mw.loc[others, cols], sfci.loc[others, cols])


PG_TYPES = dict(
    zip(
        ICC_STATISTICS,
        ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"],
        strict=True,
    )
)


def _check_against_pingouin(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    ours = by_stat(ours)
    theirs = theirs.set_index("Type")
    for stat, typ in PG_TYPES.items():
        assert ours.at[stat, "estimate"] == pytest.approx(theirs.at[typ, "ICC"], abs=1e-6)
        assert ours.at[stat, "f_stat"] == pytest.approx(theirs.at[typ, "F"], rel=1e-6)
        assert ours.at[stat, "df1"] == theirs.at[typ, "df1"]
        assert ours.at[stat, "df2"] == theirs.at[typ, "df2"]
        assert ours.at[stat, "p_val"] == pytest.approx(theirs.at[typ, "pval"], rel=1e-6, abs=1e-12)
        lo, hi = theirs.at[typ, "CI95"]  # pingouin rounds the CI to 2 d.p.
        assert ours.at[stat, "ci_low"] == pytest.approx(lo, abs=0.005 + 1e-9)
        assert ours.at[stat, "ci_high"] == pytest.approx(hi, abs=0.005 + 1e-9)


@pytest.mark.parametrize("seed, n, k", [(1, 30, 5), (2, 12, 3), (3, 50, 2)])
def test_against_pingouin_generated(seed, n, k):
    rng = np.random.default_rng(seed)
    wide = rng.normal(size=(n, 1)) + rng.normal(0, 0.3, size=(1, k)) + rng.normal(size=(n, k))
    df = long_from_wide(np.round(wide * 2 + 10, 1))
    _check_against_pingouin(
        ek.icc(df, "target", "judge", "score"), pg.intraclass_corr(df, "target", "judge", "score")
    )


def test_listwise_deletion_matches_pingouin_omit_and_reports_dropped():
    rng = np.random.default_rng(7)
    wide = rng.normal(size=(20, 1)) + rng.normal(size=(20, 4))
    wide[[2, 5, 5, 11], [0, 1, 3, 2]] = np.nan
    df = long_from_wide(wide)
    df = df.drop(index=df.index[(df["target"] == 17) & (df["judge"] == 0)])  # absent row
    ours = ek.icc(df, "target", "judge", "score")
    assert (ours["n_dropped"] == 4).all() and (ours["n_targets"] == 16).all()
    _check_against_pingouin(
        ours, pg.intraclass_corr(df, "target", "judge", "score", nan_policy="omit")
    )
    with pytest.raises(ValueError, match="nan_policy='listwise'"):
        ek.icc(df, "target", "judge", "score", nan_policy="raise")


def _grouped_data(seed: int = 11) -> pd.DataFrame:
    """Groups of unequal size with their own raters, missing ratings and string ids."""
    rng = np.random.default_rng(seed)
    frames = []
    for gi, (n, k) in enumerate([(5, 3), (12, 4), (3, 2), (8, 3), (20, 5), (6, 3)]):
        wide = rng.normal(size=(n, 1)) * (gi + 1) / 3 + rng.normal(size=(n, k))
        if n > 5:
            wide[rng.integers(0, n, 2), rng.integers(0, k, 2)] = np.nan
        df = long_from_wide(np.round(wide, 2))
        df["unit"] = f"unit{gi:02d}"
        df["target"] = df["unit"] + "-e" + df["target"].astype(str)
        df["judge"] = "r" + df["judge"].astype(str)  # rater ids reused across units
        frames.append(df)
    return pd.concat(frames).sample(frac=1, random_state=0).reset_index(drop=True)


@pytest.mark.parametrize("ci", ["shrout_fleiss", "mcgraw_wong"])
def test_grouped_equals_ungrouped_per_group(ci):
    df = _grouped_data()
    grouped = ek.icc(df, "target", "judge", "score", groups="unit", ci=ci)
    assert list(grouped.columns[:2]) == ["group", "statistic"]
    assert len(grouped) == 6 * df["unit"].nunique()
    for unit, sub in df.groupby("unit"):
        alone = ek.icc(sub, "target", "judge", "score", ci=ci)
        mine = grouped[grouped["group"] == unit].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, rtol=1e-10, atol=1e-12)
    assert grouped["n_dropped"].sum() > 0  # the missing values did drop targets


def test_grouped_not_estimable_group_is_nan_with_warning():
    df = _grouped_data()
    lone = pd.DataFrame(
        {"unit": "solo", "target": ["a", "b"], "judge": ["r0", "r0"], "score": [1.0, 2.0]}
    )
    with pytest.warns(RuntimeWarning, match="solo"):
        res = ek.icc(pd.concat([df, lone]), "target", "judge", "score", groups="unit")
    solo = res[res["group"] == "solo"]
    assert solo["estimate"].isna().all() and (solo["n_raters"] == 1).all()
    assert res[res["group"] != "solo"]["estimate"].notna().all()


def test_invariant_to_row_order_and_linear_rescaling(sf):
    base = ek.icc(sf, "target", "judge", "score")
    moved = sf.sample(frac=1, random_state=3).assign(score=lambda d: 10 * d["score"] - 7)
    res = ek.icc(moved, "target", "judge", "score")
    cols = ["estimate", "ci_low", "ci_high", "p_val", "f_stat"]
    np.testing.assert_allclose(res[cols], base[cols], rtol=1e-10)


def test_perfect_agreement_and_constant_data():
    df = long_from_wide([[1, 1, 1], [2, 2, 2], [5, 5, 5]])
    res = by_stat(ek.icc(df, "target", "judge", "score"))
    assert np.allclose(res["estimate"], 1.0)
    const = long_from_wide(np.full((4, 3), 3.0))
    assert ek.icc(const, "target", "judge", "score")["estimate"].isna().all()


def test_bad_input_errors(sf):
    with pytest.raises(ValueError, match="two targets"):
        ek.icc(sf[sf["target"] == 0], "target", "judge", "score")
    with pytest.raises(ValueError, match="rater"):
        ek.icc(sf[sf["judge"] == 0], "target", "judge", "score")
    with pytest.raises(ValueError, match="more than one rating"):
        ek.icc(pd.concat([sf, sf.iloc[:1]]), "target", "judge", "score")
    with pytest.raises(ValueError, match="must hold numbers"):
        ek.icc(sf.assign(score=sf["score"].astype(str)), "target", "judge", "score")
    with pytest.raises(ValueError, match="not a column"):
        ek.icc(sf, "target", "rater", "score")
    with pytest.raises(ValueError, match="ci must be"):
        ek.icc(sf, "target", "judge", "score", ci="irr")
    with pytest.raises(ValueError, match="missing value"):
        ek.icc(sf.assign(judge=sf["judge"].where(sf.index > 0)), "target", "judge", "score")
    with pytest.raises(TypeError, match="DataFrame"):
        ek.icc(sf.to_numpy(), "target", "judge", "score")


def test_results_stack_with_other_statistics(sf):
    icc = ek.icc(sf, "target", "judge", "score")
    w = ek.kendall_w(sf, "target", "judge", "score")
    both = pd.concat([icc, w], ignore_index=True)
    assert list(both.columns[:8]) == [
        "statistic",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_val",
        "n_targets",
        "n_raters",
    ]
    assert len(both) == 7


def test_accepts_nullable_integer_and_categorical_ids(sf):
    df = sf.assign(score=sf["score"].astype("Int64"), judge=sf["judge"].astype("category"))
    res = ek.icc(df, "target", "judge", "score")
    assert res.set_index("statistic").at["ICC3", "estimate"] == pytest.approx(0.714840714840715)


def test_average_measure_form_at_a_vanishing_denominator_is_nan_not_huge():
    """Found by hypothesis: ICC2 = -1 = -1/(k-1) for k = 2, so ICC2k = -inf in exact
    arithmetic; pingouin 0.7 returns -1.2e16 from the rounding noise."""
    df = long_from_wide([[1, 1], [2, 1], [1, 2]])
    est = ek.icc(df, "target", "judge", "score").set_index("statistic")["estimate"]
    assert est["ICC2"] == pytest.approx(-1.0, abs=1e-12)
    assert np.isnan(est["ICC2k"])
    assert est["ICC1k"] == pytest.approx(-1.0) and est["ICC3k"] == pytest.approx(-2.0)


@pytest.mark.parametrize("name", ["icc", "kendall_w", "cronbach_alpha", "rwg", "icc_aggregation"])
def test_docstring_examples_run(name):
    """Each public function's Examples section runs and prints what it says."""
    import doctest

    func = getattr(ek, name)
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(func, name, globs={})
    assert tests and tests[0].examples
    for t in tests:
        runner.run(t)
    assert runner.summarize(verbose=False).failed == 0


@st.composite
def _designs(draw):
    """Random groups of targets x raters with integer scores and some missing cells."""
    frames = []
    for gi in range(draw(st.integers(1, 4))):
        n, k = draw(st.integers(2, 7)), draw(st.integers(2, 4))
        scores = draw(st.lists(st.integers(1, 5), min_size=n * k, max_size=n * k))
        wide = np.array(scores, dtype=float).reshape(n, k)
        holes = draw(st.lists(st.integers(0, n * k - 1), max_size=2))
        wide.ravel()[holes] = np.nan
        frames.append(long_from_wide(wide).assign(unit=f"u{gi}"))
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=_designs())
def test_property_grouped_equals_per_group(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        grouped = ek.icc(df, "target", "judge", "score", groups="unit")
    for unit, sub in df.groupby("unit"):
        mine = grouped[grouped["group"] == unit].drop(columns="group").reset_index(drop=True)
        try:
            alone = ek.icc(sub, "target", "judge", "score")
        except ValueError:  # not estimable alone: NaN in the grouped result
            assert mine["estimate"].isna().all()
            continue
        pd.testing.assert_frame_equal(mine, alone, check_exact=False, rtol=1e-9, atol=1e-12)
        # average-measure forms are the Spearman-Brown step-up of the single forms, and
        # ICC1 and ICC3 are bounded below by -1/(k-1) (ICC2 is not: its MSC term)
        est = alone.set_index("statistic")["estimate"]
        k = alone["n_raters"].iloc[0]
        for single, average in (("ICC1", "ICC1k"), ("ICC2", "ICC2k"), ("ICC3", "ICC3k")):
            r = est[single]
            if np.isfinite(r) and abs(1 + (k - 1) * r) < 1e-9:
                # r at its bound -1/(k-1): the step-up divides by zero, so it is undefined
                # (found by hypothesis: pingouin returns -1.2e16 here)
                assert np.isnan(est[average])
            elif np.isfinite(r):
                stepped_up = k * r / (1 + (k - 1) * r)
                assert est[average] == pytest.approx(stepped_up, rel=1e-9)
                if single != "ICC2":
                    assert r >= -1 / (k - 1) - 1e-12
        f_based = alone.set_index("statistic").loc[["ICC1", "ICC3", "ICC1k", "ICC3k"]]
        f_based = f_based[np.isfinite(f_based["ci_low"]) & np.isfinite(f_based["ci_high"])]
        assert (f_based["ci_low"] <= f_based["estimate"] + 1e-12).all()
        assert (f_based["estimate"] <= f_based["ci_high"] + 1e-12).all()
