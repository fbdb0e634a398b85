"""Cohen, Fleiss, Conger, Brennan–Prediger and Gwet: published values and peer cross-checks.

Embedded peer values were computed with irrCAC 0.4.4 (Python; numpy 1.26.4, pandas
2.3.3, scipy 1.12.0) as ``irrCAC.raw.CAC(wide, weights=..., categories=...,
digits=12).<method>()``; the tests do not import irrCAC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from statsmodels.stats import inter_rater as smir

import evalkit as ek
from evalkit.reliability._schema import COLUMNS


def long_from_wide(wide: np.ndarray | pd.DataFrame, raters=None) -> pd.DataFrame:
    """Long data (t, r, y) from a subjects × raters table; NaN/None = missing."""
    wide = pd.DataFrame(wide)
    if raters is not None:
        wide.columns = raters
    wide.index = np.arange(1, len(wide) + 1)
    wide.index.name = "t"
    return wide.reset_index().melt(id_vars="t", var_name="r", value_name="y")


def long_from_table(table) -> pd.DataFrame:
    """Long data of two raters "A", "B" from a q × q contingency table (categories 0..q-1)."""
    rows, t = [], 0
    table = np.asarray(table)
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            for _ in range(table[i, j]):
                rows += [(t, "A", i), (t, "B", j)]
                t += 1
    return pd.DataFrame(rows, columns=["t", "r", "y"])


# --------------------------------------------------------------------------------------
# Cohen's kappa
# --------------------------------------------------------------------------------------

# SAS PROC FREQ printout for a 3 x 3 table, as quoted in statsmodels'
# stats/tests/test_inter_rater.py (TestUnweightedCohens / TestWeightedCohens)
TABLE10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


@pytest.mark.parametrize(
    ("weights", "published"),
    [
        # kappa, ASE, 95% lower, 95% upper, two-sided p of the H0 test
        (None, (0.4842, 0.1380, 0.2137, 0.7547, 0.0011)),
        ("linear", (0.4701, 0.1457, 0.1845, 0.7558, 0.0010)),
    ],
)
def test_cohen_kappa_sas_printout(weights, published):
    res = ek.cohen_kappa(long_from_table(TABLE10), "t", "r", "y", weights=weights).iloc[0]
    got = [res.estimate, res.se, res.ci_low, res.ci_high, res.p_val]
    assert_allclose(got, published, atol=5.1e-5)  # printed to 4 decimals
    assert res.statistic == ("cohen_kappa" if weights is None else "cohen_kappa_linear")
    assert (res.n_targets, res.n_raters) == (19, 2)


# R irr's `anxiety` data (20 subjects, 3 raters), as in statsmodels' test_inter_rater.py
ANXIETY = [
    [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3],
    [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4],
    [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2],
]


@pytest.mark.parametrize(
    ("weights", "kappa", "p_value"),
    [
        # R irr 0.84: kappa2(anxiety[, 2:3], weight) -> value, p.value
        (None, -0.006289308, 0.9518317),
        ("linear", 0.1459075, 0.1996772),  # weight = "equal"
        ("quadratic", 0.2520325, 0.1505898),  # weight = "squared"
    ],
)
def test_cohen_kappa_r_irr_anxiety(weights, kappa, p_value):
    df = long_from_wide(np.array(ANXIETY[1:]).T, raters=["rater2", "rater3"])
    res = ek.cohen_kappa(df, "t", "r", "y", weights=weights).iloc[0]
    assert_allclose(res.estimate, kappa, atol=5e-7)
    assert_allclose(res.p_val, p_value, atol=5e-7)


def _random_pairs(seed: int, n: int = 60, q: int = 5, missing: float = 0.15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, n)
    wide = np.clip(truth[:, None] + rng.integers(-1, 2, (n, 2)), 0, q - 1).astype(float)
    wide[rng.random((n, 2)) < missing] = np.nan
    return long_from_wide(wide + 1, raters=["supervisor", "peer"])


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cohen_kappa_matches_statsmodels(weights, seed):
    df = _random_pairs(seed)
    cats = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # 6 is declared but never used
    res = ek.cohen_kappa(df, "t", "r", "y", weights=weights, categories=cats).iloc[0]
    wide = df.pivot(index="t", columns="r", values="y").dropna()
    table = pd.crosstab(
        pd.Categorical(wide["peer"], categories=cats),
        pd.Categorical(wide["supervisor"], categories=cats),
        dropna=False,
    ).to_numpy()
    sm = smir.cohens_kappa(table, wt=weights, weights=None if weights is None else np.arange(6))
    assert_allclose(
        [res.estimate, res.se, res.ci_low, res.ci_high, res.p_val],
        [sm.kappa, sm.std_kappa, sm.kappa_low, sm.kappa_upp, sm.pvalue_two_sided],
        rtol=1e-9,
        atol=1e-12,
    )
    assert res.n_targets == len(wide)


def test_cohen_kappa_declared_unused_category_changes_weighted_only():
    # nobody uses the middle category 3: observed positions would put 2 next to 4
    df = _random_pairs(7).replace({"y": {3.0: 4.0}})
    weights = (None, "linear", "quadratic")
    obs = [ek.cohen_kappa(df, "t", "r", "y", weights=w)["estimate"].iloc[0] for w in weights]
    dec = [
        ek.cohen_kappa(df, "t", "r", "y", weights=w, categories=[1, 2, 3, 4, 5])["estimate"].iloc[0]
        for w in weights
    ]
    assert_allclose(obs[0], dec[0], rtol=1e-12)
    assert abs(obs[1] - dec[1]) > 0.01 and abs(obs[2] - dec[2]) > 0.01
    # unused categories at the end only rescale the weights, which cancels in kappa
    end = ek.cohen_kappa(df, "t", "r", "y", weights="quadratic", categories=[1, 2, 3, 4, 5, 6])
    assert_allclose(end["estimate"].iloc[0], dec[2], rtol=1e-12)


def test_cohen_kappa_string_labels_equal_codes():
    df = _random_pairs(11)
    scale = ["sangat_kurang", "kurang", "butuh_perbaikan", "baik", "sangat_baik"]
    lab = df.assign(y=df["y"].map(lambda v: scale[int(v) - 1] if v == v else None))
    for w in (None, "linear"):
        a = ek.cohen_kappa(df, "t", "r", "y", weights=w, categories=[1, 2, 3, 4, 5])
        b = ek.cohen_kappa(lab, "t", "r", "y", weights=w, categories=scale)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    ordered = lab.assign(y=pd.Categorical(lab["y"], categories=scale, ordered=True))
    c = ek.cohen_kappa(ordered, "t", "r", "y", weights="linear", categories=scale)
    pd.testing.assert_frame_equal(b, c)


def test_cohen_kappa_groups_equal_per_group_calls():
    parts = []
    for i, (seed, n) in enumerate([(21, 40), (22, 13), (23, 71)]):
        d = _random_pairs(seed, n=n)
        parts.append(d.assign(unit=f"opd_{i}", r=d["r"] + f"_{i}"))  # other raters per group
    df = pd.concat(parts, ignore_index=True)
    cats = [1, 2, 3, 4, 5]
    for w in (None, "quadratic"):
        grouped = ek.cohen_kappa(df, "t", "r", "y", weights=w, categories=cats, groups="unit")
        assert list(grouped.columns) == ["group", *COLUMNS]
        single = pd.concat(
            [ek.cohen_kappa(d, "t", "r", "y", weights=w, categories=cats) for d in parts],
            ignore_index=True,
        )
        pd.testing.assert_frame_equal(
            grouped.drop(columns="group"), single, check_exact=False, rtol=1e-12
        )
        assert grouped["group"].tolist() == ["opd_0", "opd_1", "opd_2"]


def test_cohen_kappa_needs_exactly_two_raters():
    df = long_from_wide(np.array(ANXIETY).T, raters=["ani", "budi", "citra"])
    with pytest.raises(ValueError, match=r"exactly 2 raters.*'ani', 'budi', 'citra'"):
        ek.cohen_kappa(df, "t", "r", "y")
    with pytest.raises(ValueError, match="exactly 2 raters"):
        ek.cohen_kappa(df[df["r"] == "ani"], "t", "r", "y")


def test_cohen_kappa_constant_ratings_give_nan():
    df = long_from_wide(np.ones((6, 2)))
    res = ek.cohen_kappa(df, "t", "r", "y", categories=[1, 2]).iloc[0]
    assert np.isnan(res.estimate) and np.isnan(res.p_val)


# --------------------------------------------------------------------------------------
# Fleiss (1971): R irr `diagnoses` (30 patients x 6 psychiatrists, 5 diagnoses)
# --------------------------------------------------------------------------------------

DIAGNOSES = np.array(
    [
        [4, 2, 2, 5, 2, 1, 3, 1, 1, 5, 1, 1, 2, 1, 2, 3, 1, 1, 2, 1, 5, 2, 2, 1, 1, 2, 1, 2, 1, 5],
        [4, 2, 3, 5, 2, 1, 3, 1, 1, 5, 4, 2, 2, 4, 2, 3, 1, 1, 2, 3, 5, 4, 2, 1, 4, 2, 1, 2, 3, 5],
        [4, 2, 3, 5, 2, 3, 3, 3, 4, 5, 4, 4, 2, 4, 4, 3, 1, 1, 4, 3, 5, 4, 4, 4, 4, 2, 1, 4, 3, 5],
        [4, 5, 3, 5, 4, 3, 3, 3, 4, 5, 4, 4, 3, 4, 4, 3, 4, 1, 4, 5, 5, 4, 5, 4, 4, 2, 1, 4, 3, 5],
        [4, 5, 3, 5, 4, 3, 5, 3, 4, 5, 4, 4, 3, 4, 4, 3, 5, 1, 4, 5, 5, 4, 5, 4, 4, 2, 5, 4, 3, 5],
        [4, 5, 5, 5, 4, 3, 5, 4, 4, 5, 4, 4, 3, 4, 5, 5, 5, 2, 4, 5, 5, 4, 5, 4, 5, 4, 5, 4, 3, 5],
    ]
).T
DIAGNOSIS_LABELS = [
    "1. Depression",
    "2. Personality Disorder",
    "3. Schizophrenia",
    "4. Neurosis",
    "5. Other",
]


def test_fleiss_kappa_fleiss_1971_diagnoses():
    labelled = np.array(DIAGNOSIS_LABELS, dtype=object)[DIAGNOSES - 1]
    res = ek.fleiss_kappa(long_from_wide(labelled), "t", "r", "y").iloc[0]
    # R irr 0.84 documentation / statsmodels test: kappam.fleiss(diagnoses) = 0.4302445;
    # Fleiss (1971) printed kappa = .430
    assert_allclose(res.estimate, 0.4302445, atol=5e-8)
    # irrCAC 0.4.4: CAC(diagnoses).fleiss() se 0.054198935515, CI (0.319395250572, 0.541093789548)
    assert_allclose(
        [res.se, res.ci_low, res.ci_high],
        [0.054198935515, 0.319395250572, 0.541093789548],
        rtol=1e-9,
    )
    assert_allclose(res.p_val, 9.369896414312961e-09, rtol=1e-6)
    assert (res.n_targets, res.n_raters, res.statistic) == (30, 6, "fleiss_kappa")


@pytest.mark.parametrize(
    ("func", "irrcac"),
    [
        # irrCAC 0.4.4 on R irr diagnoses: coefficient, se, ci_low, ci_high
        (ek.gwet_ac, (0.447884515845, 0.055662141682, 0.334042653733, 0.561726377956)),
        (ek.brennan_prediger, (0.444444444444, 0.055122835856, 0.331705586594, 0.557183302295)),
        (ek.conger_kappa, (0.441808540329, 0.050794406013, 0.337922315497, 0.545694765162)),
    ],
)
def test_other_coefficients_on_diagnoses_match_irrcac(func, irrcac):
    res = func(long_from_wide(DIAGNOSES), "t", "r", "y").iloc[0]
    assert_allclose([res.estimate, res.se, res.ci_low, res.ci_high], irrcac, rtol=1e-9)


def _random_wide(seed, n=40, r=5, q=4, missing=0.0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, n)
    wide = np.clip(truth[:, None] + rng.integers(-1, 2, (n, r)), 0, q - 1).astype(float) + 1
    wide[rng.random((n, r)) < missing] = np.nan
    return wide


@pytest.mark.parametrize("seed", [5, 6])
def test_fleiss_and_bp_match_statsmodels_when_balanced(seed):
    wide = _random_wide(seed)
    counts, _ = smir.aggregate_raters(wide.astype(int))
    df = long_from_wide(wide)
    assert_allclose(
        ek.fleiss_kappa(df, "t", "r", "y")["estimate"].iloc[0],
        smir.fleiss_kappa(counts),
        rtol=1e-12,
    )
    assert_allclose(
        ek.brennan_prediger(df, "t", "r", "y")["estimate"].iloc[0],
        smir.fleiss_kappa(counts, method="randolph"),
        rtol=1e-12,
    )


def test_conger_with_two_complete_raters_is_cohen():
    df = _random_pairs(31, missing=0.0)
    for w in (None, "linear", "quadratic"):
        a = ek.conger_kappa(df, "t", "r", "y", weights=w)["estimate"].iloc[0]
        b = ek.cohen_kappa(df, "t", "r", "y", weights=w)["estimate"].iloc[0]
        assert_allclose(a, b, rtol=1e-12)


# --------------------------------------------------------------------------------------
# Gwet's handbook example (irrCAC cac.raw4raters: 12 subjects, 4 raters, missing ratings)
# --------------------------------------------------------------------------------------

NA = np.nan
RAW4RATERS = [
    [1, 1, NA, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [NA, 5, 5, 5],
    [NA, NA, 1, 1],
    [NA, NA, 3, NA],
]

# irrCAC 0.4.4: CAC(raw_4raters(), weights=w, digits=12).<method>()["est"]:
# coefficient_value, se, confidence_interval[0]; confidence_interval[1] is 1 (capped) in all
RAW4_IRRCAC = {
    (None, "fleiss_kappa"): (0.7611692754, 0.1530192035, 0.4243762794),
    (None, "gwet_ac"): (0.7754440681, 0.1429499506, 0.4608133481),
    (None, "brennan_prediger"): (0.7727272727, 0.1447166199, 0.4542081399),
    (None, "conger_kappa"): (0.7628174413, 0.1491681525, 0.4345005513),
    ("linear", "fleiss_kappa"): (0.8179447671, 0.1485043555, 0.4910888844),
    ("linear", "gwet_ac"): (0.8587391364, 0.1173290219, 0.6004997004),
    ("linear", "brennan_prediger"): (0.8484848485, 0.1233561245, 0.5769798491),
    ("linear", "conger_kappa"): (0.8137763200, 0.1450854025, 0.4944455021),
    ("quadratic", "fleiss_kappa"): (0.8649350649, 0.1460336108, 0.5435172548),
    ("quadratic", "gwet_ac"): (0.9140007236, 0.1039622446, 0.6851813659),
    ("quadratic", "brennan_prediger"): (0.9015151515, 0.1108943750, 0.6574382779),
    ("quadratic", "conger_kappa"): (0.8577106562, 0.1436706638, 0.5414936572),
}


@pytest.mark.parametrize(("weights", "name"), list(RAW4_IRRCAC))
def test_gwet_handbook_raw4raters_matches_irrcac(weights, name):
    res = getattr(ek, name)(long_from_wide(RAW4RATERS), "t", "r", "y", weights=weights).iloc[0]
    assert_allclose([res.estimate, res.se, res.ci_low], RAW4_IRRCAC[weights, name], atol=1e-9)
    assert res.ci_high == 1.0  # est + t * se > 1: capped, as irrCAC
    assert (res.n_targets, res.n_raters) == (12, 4)


def test_gwet_handbook_raw4raters_p_values_and_names():
    df = long_from_wide(RAW4RATERS)
    # irrCAC 0.4.4 p_value (two-sided t test, n - 1 df): AC1 0.000208721, Fleiss 0.000419173
    assert_allclose(ek.gwet_ac(df, "t", "r", "y")["p_val"], [0.000208721], rtol=1e-5)
    assert_allclose(ek.fleiss_kappa(df, "t", "r", "y")["p_val"], [0.000419173], rtol=1e-5)
    names = [
        ek.gwet_ac(df, "t", "r", "y", weights=w)["statistic"].iloc[0]
        for w in (None, "linear", "quadratic")
    ]
    assert names == ["gwet_ac1", "gwet_ac2_linear", "gwet_ac2_quadratic"]


# A generated 16 x 4 table with missing ratings and string labels; "sangat_kurang" is
# declared but never used.
SCALE = ["sangat_kurang", "kurang", "butuh_perbaikan", "baik", "sangat_baik"]
LABELLED = """\
sangat_baik sangat_baik baik baik
kurang butuh_perbaikan butuh_perbaikan -
kurang kurang kurang butuh_perbaikan
butuh_perbaikan baik baik sangat_baik
butuh_perbaikan butuh_perbaikan - butuh_perbaikan
kurang kurang kurang -
butuh_perbaikan kurang - kurang
kurang butuh_perbaikan baik kurang
baik baik sangat_baik baik
- kurang - butuh_perbaikan
baik sangat_baik sangat_baik -
- baik sangat_baik sangat_baik
sangat_baik sangat_baik baik -
baik sangat_baik sangat_baik sangat_baik
sangat_baik baik baik baik
kurang - kurang kurang"""

# irrCAC 0.4.4: CAC(wide, weights=w, categories=SCALE, digits=12).<method>()["est"]
LABELLED_IRRCAC = {
    (None, "fleiss_kappa"): (0.2735210653, 0.0987289458, 0.0630852985),
    (None, "gwet_ac"): (0.3342335584, 0.0931850284, 0.1356143720),
    (None, "brennan_prediger"): (0.3229166667, 0.0941350119, 0.1222726384),
    (None, "conger_kappa"): (0.2759802522, 0.1011321493, 0.0604221784),
    ("linear", "fleiss_kappa"): (0.5567308903, 0.0732843073, 0.4005290868),
    ("linear", "gwet_ac"): (0.6750669251, 0.0505781088, 0.5672622382),
    ("linear", "brennan_prediger"): (0.6419270833, 0.0537651636, 0.5273293498),
    ("linear", "conger_kappa"): (0.5558112841, 0.0752507362, 0.3954181367),
    ("quadratic", "fleiss_kappa"): (0.7631786473, 0.0544638881, 0.6470916178),
    ("quadratic", "gwet_ac"): (0.8680590760, 0.0257087573, 0.8132621570),
    ("quadratic", "brennan_prediger"): (0.8411458333, 0.0295164419, 0.7782330267),
    ("quadratic", "conger_kappa"): (0.7612870118, 0.0551039361, 0.6438357522),
}


def labelled_long() -> pd.DataFrame:
    rows = [[None if v == "-" else v for v in line.split()] for line in LABELLED.splitlines()]
    return long_from_wide(np.array(rows, dtype=object), raters=["R1", "R2", "R3", "R4"])


@pytest.mark.parametrize(("weights", "name"), list(LABELLED_IRRCAC))
def test_string_labels_missing_declared_scale_match_irrcac(weights, name):
    res = getattr(ek, name)(labelled_long(), "t", "r", "y", weights=weights, categories=SCALE).iloc[
        0
    ]
    assert_allclose([res.estimate, res.se, res.ci_low], LABELLED_IRRCAC[weights, name], atol=1e-9)
    assert (res.n_targets, res.n_raters) == (16, 4)


def test_declared_unused_category_changes_bp_and_gwet_not_fleiss():
    df = labelled_long()
    used = SCALE[1:]
    for name, changes in [
        ("fleiss_kappa", False),
        ("conger_kappa", False),
        ("brennan_prediger", True),
        ("gwet_ac", True),
    ]:
        a = getattr(ek, name)(df, "t", "r", "y", categories=SCALE)["estimate"].iloc[0]
        b = getattr(ek, name)(df, "t", "r", "y", categories=used)["estimate"].iloc[0]
        assert (abs(a - b) > 1e-3) == changes, name


def test_weights_on_unordered_labels_raise():
    with pytest.raises(ValueError, match="order of the categories"):
        ek.gwet_ac(labelled_long(), "t", "r", "y", weights="linear")


# --------------------------------------------------------------------------------------
# groups=, varying raters, bad input
# --------------------------------------------------------------------------------------


def _grouped_frame():
    parts = []
    for i, (seed, n, r, miss) in enumerate([(41, 30, 4, 0.2), (42, 9, 3, 0.3), (43, 55, 6, 0.1)]):
        d = long_from_wide(_random_wide(seed, n=n, r=r, q=5, missing=miss))
        parts.append(d.assign(unit=["Dinas Pendidikan", "RSUD", "Kecamatan"][i]))
    return parts


@pytest.mark.parametrize("name", ["fleiss_kappa", "conger_kappa", "brennan_prediger", "gwet_ac"])
@pytest.mark.parametrize("weights", [None, "quadratic"])
def test_groups_equal_per_group_calls(name, weights):
    parts = _grouped_frame()
    df = pd.concat(parts, ignore_index=True).dropna(subset=["y"]).sample(frac=1, random_state=0)
    cats = [1.0, 2.0, 3.0, 4.0, 5.0]
    func = getattr(ek, name)
    grouped = func(df, "t", "r", "y", weights=weights, categories=cats, groups="unit")
    assert grouped["group"].tolist() == sorted(p["unit"].iloc[0] for p in parts)
    single = pd.concat(
        [
            func(p, "t", "r", "y", weights=weights, categories=cats).assign(group=p["unit"].iloc[0])
            for p in parts
        ],
        ignore_index=True,
    ).sort_values("group", ignore_index=True)
    pd.testing.assert_frame_equal(grouped, single[grouped.columns], check_exact=False, rtol=1e-11)


def test_group_with_one_rater_is_nan_while_ungrouped_raises():
    parts = _grouped_frame()
    solo = parts[1][parts[1]["r"] == 0].assign(unit="Solo")
    df = pd.concat([parts[0], solo], ignore_index=True)
    res = ek.fleiss_kappa(df, "t", "r", "y", groups="unit")
    assert np.isnan(res.loc[res["group"] == "Solo", "estimate"]).all()
    assert np.isfinite(res.loc[res["group"] != "Solo", "estimate"]).all()
    with pytest.raises(ValueError, match="at least 2 raters; found 1"):
        ek.fleiss_kappa(solo, "t", "r", "y")


def test_fleiss_varying_raters_per_subject_uses_all_ratings():
    # The handbook example has 2 to 4 raters per subject; dropping incomplete subjects
    # (listwise, as R irr) gives another value, so missing ratings are really used.
    df = long_from_wide(RAW4RATERS)
    complete = df.groupby("t")["y"].transform(lambda s: s.notna().all())
    full = ek.fleiss_kappa(df, "t", "r", "y")["estimate"].iloc[0]
    listwise = ek.fleiss_kappa(df[complete], "t", "r", "y")["estimate"].iloc[0]
    assert_allclose(full, 0.7611692754, atol=1e-9)
    assert abs(full - listwise) > 1e-3


def test_bad_input_errors_for_people():
    df = long_from_wide(RAW4RATERS)
    with pytest.raises(ValueError, match=r"not among the declared categories.*\[5\.0\]"):
        ek.fleiss_kappa(df, "t", "r", "y", categories=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="at least 2 targets"):
        ek.gwet_ac(df[df["t"] == 2], "t", "r", "y")
    with pytest.raises(ValueError, match="more than one rating"):
        ek.fleiss_kappa(pd.concat([df, df.iloc[:1]]), "t", "r", "y")
    with pytest.raises(ValueError, match="'rater' is not a column"):
        ek.conger_kappa(df, "t", "rater", "y")
    with pytest.raises(ValueError, match="weights='squared'"):
        ek.fleiss_kappa(df, "t", "r", "y", weights="squared")
    with pytest.raises(ValueError, match="confidence"):
        ek.brennan_prediger(df, "t", "r", "y", confidence=95)
    with pytest.raises(ValueError, match="only one category"):
        ek.fleiss_kappa(df.assign(y=3), "t", "r", "y")
    continuous = long_from_wide(np.random.default_rng(0).normal(size=(150, 2)))
    with pytest.raises(ValueError, match="300 distinct ratings.*krippendorff_alpha"):
        ek.cohen_kappa(continuous, "t", "r", "y")


def test_constant_column_documented_results():
    df = long_from_wide(np.full((8, 3), 2.0))
    cats = [1, 2, 3]
    assert np.isnan(ek.fleiss_kappa(df, "t", "r", "y", categories=cats)["estimate"].iloc[0])
    assert np.isnan(ek.conger_kappa(df, "t", "r", "y", categories=cats)["estimate"].iloc[0])
    assert ek.gwet_ac(df, "t", "r", "y", categories=cats)["estimate"].iloc[0] == 1.0
    assert ek.brennan_prediger(df, "t", "r", "y", categories=cats)["estimate"].iloc[0] == 1.0


def test_results_stack_with_concat():
    df = long_from_wide(RAW4RATERS)
    out = pd.concat(
        [
            ek.fleiss_kappa(df, "t", "r", "y"),
            ek.gwet_ac(df, "t", "r", "y"),
            ek.krippendorff_alpha(df, "t", "r", "y", level="ordinal"),
        ],
        ignore_index=True,
    )
    assert list(out.columns) == list(COLUMNS)
    assert out["n_targets"].dtype == "Int64"


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 40),
    r=st.integers(2, 6),
    q=st.integers(2, 6),
    weights=st.sampled_from([None, "linear", "quadratic"]),
)
def test_property_peers_on_random_tables(seed, n, r, q, weights):
    rng = np.random.default_rng(seed)
    wide = rng.integers(1, q + 1, (n, r))
    df = long_from_wide(wide)
    cats = list(range(1, q + 1))
    counts, _ = smir.aggregate_raters(wide, n_cat=q + 1)
    counts = counts[:, 1:]  # aggregate_raters counts codes 0..q
    fk = ek.fleiss_kappa(df, "t", "r", "y", categories=cats)["estimate"].iloc[0]
    sm = smir.fleiss_kappa(counts)
    assert_allclose(fk, sm, rtol=1e-9, atol=1e-12) if np.isfinite(sm) else np.isnan(fk)
    bp = ek.brennan_prediger(df, "t", "r", "y", categories=cats)["estimate"].iloc[0]
    assert_allclose(bp, smir.fleiss_kappa(counts, method="randolph"), rtol=1e-9, atol=1e-12)
    two = df[df["r"] < 2]
    table = np.zeros((q, q))
    np.add.at(table, (wide[:, 0] - 1, wide[:, 1] - 1), 1)
    res = ek.cohen_kappa(two, "t", "r", "y", weights=weights, categories=cats).iloc[0]
    conger = ek.conger_kappa(two, "t", "r", "y", weights=weights, categories=cats).iloc[0]
    with np.errstate(all="ignore"):
        ck = smir.cohens_kappa(table, wt=weights, weights=None if weights is None else np.arange(q))
    if np.isfinite(ck.kappa):
        se = np.sqrt(max(ck.var_kappa, 0.0))  # statsmodels: NaN for a var of -1e-17
        assert_allclose([res.estimate, res.se], [ck.kappa, se], rtol=1e-8, atol=1e-8)
        assert_allclose(conger.estimate, res.estimate, rtol=1e-9, atol=1e-12)
    else:
        assert np.isnan(res.estimate)


def test_confidence_level_is_used():
    df = long_from_wide(RAW4RATERS)
    # irrCAC 0.4.4: CAC(raw_4raters(), confidence_level=0.90, digits=12): CI lower bounds
    assert_allclose(
        ek.gwet_ac(df, "t", "r", "y", confidence=0.90)["ci_low"], [0.518722421937], atol=1e-9
    )
    assert_allclose(
        ek.fleiss_kappa(df, "t", "r", "y", confidence=0.90)["ci_low"], [0.486364410941], atol=1e-9
    )
    res = ek.cohen_kappa(long_from_table(TABLE10), "t", "r", "y", confidence=0.90).iloc[0]
    assert_allclose((res.ci_high - res.estimate) / res.se, 1.6448536269514722, rtol=1e-12)
