"""evalkit.scoring on small hand-made tables whose answers are worked out by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

import evalkit as ek
from evalkit import scoring


def _results(rows):
    return pd.DataFrame(
        rows, columns=["period", "employee_id", "indicator_id", "kind", "target", "realization"]
    )


INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["up", "down", "vague"],
        "unit_of_measure": ["dokumen", "hari", None],
        "direction": ["higher", "lower", None],
        "target_kind": ["kuantitatif", "kuantitatif", None],
    }
)


# --- result_ratings / hasil_rating ----------------------------------------------------------


def test_result_ratings_achievement_directions_and_unjudgeable():
    r = _results(
        [
            ("2025Q3", "e1", "up", "utama", 10.0, 12.0),  # 120 -> di_atas
            ("2025Q3", "e1", "down", "utama", 4.0, 5.0),  # 4/5 = 80 -> di_bawah
            ("2025Q3", "e1", "down", "tambahan", 0.0, 0.0),  # zero against zero: 100
            ("2025Q3", "e1", "up", "tambahan", 0.0, 3.0),  # target 0: cannot judge
            ("2025Q3", "e1", "up", "tambahan", None, 3.0),  # no target
            ("2025Q3", "e1", "vague", "utama", 5.0, 5.0),  # indicator without direction
        ]
    )
    out = scoring.result_ratings(r, INDICATORS)
    assert out["achievement"].iloc[:3].tolist() == pytest.approx([120.0, 80.0, 100.0])
    assert out["level"].tolist() == ["di_atas", "di_bawah", "sesuai", None, None, None]
    assert out["judgeable"].tolist() == [True, True, True, False, False, False]
    assert out["source"].tolist() == ["achievement"] * 3 + [None] * 3


def test_result_ratings_lower_difference_formula():
    r = _results([("2025Q3", "e1", "down", "utama", 4.0, 5.0)])
    out = scoring.result_ratings(r, INDICATORS, lower="difference")
    assert out["achievement"].iloc[0] == pytest.approx((2 * 4 - 5) / 4 * 100)  # 75
    with pytest.raises(ValueError, match="lower must be"):
        scoring.result_ratings(r, INDICATORS, lower="inverse")


def test_result_ratings_supervisor_rating_used_where_present():
    r = _results(
        [
            ("2025Q3", "e1", "up", "utama", 10.0, 12.0),
            ("2025Q3", "e1", "vague", "utama", None, None),
        ]
    )
    r["rating"] = ["sesuai", "di_atas"]
    out = scoring.result_ratings(r, INDICATORS)
    assert out["level"].tolist() == ["sesuai", "di_atas"]
    assert out["source"].tolist() == ["rating", "rating"]
    plain = scoring.result_ratings(r, INDICATORS, use_rating=False)
    assert plain["level"].tolist() == ["di_atas", None]
    r["rating"] = ["good", None]
    with pytest.raises(ValueError, match="results.rating must be one of"):
        scoring.result_ratings(r, INDICATORS)


def test_result_ratings_errors_name_the_columns():
    with pytest.raises(KeyError, match="'realization'"):
        scoring.result_ratings(
            pd.DataFrame({"period": [], "employee_id": [], "indicator_id": [], "target": []})
        )
    bad = INDICATORS.assign(direction=["up", "lower", None])
    with pytest.raises(ValueError, match="direction must be one of higher, lower"):
        scoring.result_ratings(_results([("p", "e", "up", "utama", 1.0, 1.0)]), bad)


def test_hasil_rating_counts_and_rule():
    r = _results(
        [
            # e1: 2 above, 1 meets, none below -> di_atas; a tambahan below does not count
            ("2025Q3", "e1", "up", "utama", 10.0, 12.0),
            ("2025Q3", "e1", "up", "utama", 10.0, 11.0),
            ("2025Q3", "e1", "up", "utama", 10.0, 10.0),
            ("2025Q3", "e1", "up", "tambahan", 10.0, 1.0),
            # e2: 1 above, 1 meets, 2 below -> half below -> di_bawah; one unjudgeable
            ("2025Q3", "e2", "up", "utama", 10.0, 12.0),
            ("2025Q3", "e2", "up", "utama", 10.0, 9.0),
            ("2025Q3", "e2", "up", "utama", 10.0, 5.0),
            ("2025Q3", "e2", "down", "utama", 2.0, 4.0),
            ("2025Q3", "e2", "vague", "utama", 1.0, 1.0),
            # e3: only unjudgeable -> no rating
            ("2025Q3", "e3", "vague", "utama", 1.0, 1.0),
        ]
    )
    r["indicator_id"] = r["indicator_id"]
    out = scoring.hasil_rating(r, INDICATORS).set_index("employee_id")
    assert out.loc[
        "e1", ["n_results", "n_unjudgeable", "n_di_atas", "n_sesuai", "n_di_bawah"]
    ].tolist() == [3, 0, 2, 1, 0]
    assert out.loc["e1", "hasil"] == "di_atas"
    assert out.loc["e1", "mean_achievement"] == pytest.approx(110.0)
    assert out.loc[
        "e2", ["n_results", "n_unjudgeable", "n_di_atas", "n_sesuai", "n_di_bawah"]
    ].tolist() == [5, 1, 1, 1, 2]
    assert out.loc["e2", "hasil"] == "di_bawah"
    assert out.loc["e3", "hasil"] is None
    with_extra = scoring.hasil_rating(r, INDICATORS, kinds=("utama", "tambahan"))
    e1 = with_extra.set_index("employee_id").loc["e1"]
    assert (e1["n_results"], e1["n_di_bawah"], e1["hasil"]) == (4, 1, "sesuai")


# --- perilaku_rating ------------------------------------------------------------------------


def _behaviour():
    rows = []
    for value, score in zip(ek.BERAKHLAK, [5, 5, 5, 4, 5, 4, 4], strict=True):  # mean 32/7
        rows.append(("2025Q3", "e1", "s1", "atasan", value, score))
        rows.append(("2025Q3", "e1", "p1", "rekan", value, 3))
        rows.append(("2025Q3", "e1", "p2", "rekan", value, 4))
        rows.append(("2025Q3", "e1", "e1", "diri", value, 5))
    return pd.DataFrame(
        rows, columns=["period", "employee_id", "rater_id", "rater_role", "value", "score"]
    )


def test_perilaku_rating_supervisor_default():
    out = scoring.perilaku_rating(_behaviour())
    assert out["n_ratings"].tolist() == [7]
    assert out["n_raters"].tolist() == [1]
    assert out["mean_behaviour"].iloc[0] == pytest.approx(32 / 7)  # 4.571 >= 4.5
    assert out["perilaku"].tolist() == ["di_atas"]


def test_perilaku_rating_360_weights():
    out = scoring.perilaku_rating(_behaviour(), weights={"atasan": 0.5, "rekan": 0.5})
    # atasan mean 32/7, rekan mean 3.5 -> (32/7 + 3.5) / 2 = 4.0357 -> sesuai
    assert out["mean_behaviour"].iloc[0] == pytest.approx((32 / 7 + 3.5) / 2)
    assert out["perilaku"].tolist() == ["sesuai"]
    assert out[["n_ratings", "n_raters"]].iloc[0].tolist() == [21, 3]
    with pytest.raises(ValueError, match="weights must map rater roles"):
        scoring.perilaku_rating(_behaviour(), weights={"boss": 1})


def test_perilaku_rating_rejects_scores_off_scale():
    b = _behaviour()
    b.loc[0, "score"] = 7
    with pytest.raises(ValueError, match="between 1 and 5; found \\[7.0\\]"):
        scoring.perilaku_rating(b)


# --- predikat ------------------------------------------------------------------------------


def test_predikat_scalars_series_and_arrays():
    assert ek.predikat("di_atas", "di_atas") == "sangat_baik"
    assert ek.predikat("di_bawah", "di_bawah") == "sangat_kurang"
    assert ek.predikat(None, "sesuai") is None
    h = pd.Series(["sesuai", "di_bawah", None], index=[10, 11, 12])
    p = pd.Series(["di_bawah", "di_atas", "sesuai"], index=[10, 11, 12])
    out = ek.predikat(h, p)
    assert out.index.tolist() == [10, 11, 12] and out.name == "predikat"
    assert out.tolist() == ["kurang", "butuh_perbaikan", None]
    assert ek.predikat(["di_atas"], ["sesuai"]).tolist() == ["baik"]
    with pytest.raises(ValueError, match="perilaku must be one of"):
        ek.predikat("di_atas", "good")


def test_score_employees_outer_join():
    r = _results(
        [("2025Q3", "e1", "up", "utama", 10.0, 10.0), ("2025Q3", "e2", "up", "utama", 10.0, 5.0)]
    )
    b = _behaviour()
    out = scoring.score_employees(r, b, INDICATORS)
    assert out["employee_id"].tolist() == ["e1", "e2"]
    assert out["hasil"].tolist() == ["sesuai", "di_bawah"]
    assert out["perilaku"].tolist() == ["di_atas", None]
    assert out["predikat"].tolist() == ["baik", None]
    assert out["n_ratings"].tolist() == [7, pd.NA]


# --- check_distribution --------------------------------------------------------------------


def _unit(counts: dict[str, int], unit="u1"):
    return pd.DataFrame(
        {"unit_id": unit, "predikat": [p for p, k in counts.items() for _ in range(k)]}
    )


@pytest.mark.parametrize(
    ("org", "counts", "violations"),
    [
        ("istimewa", {"sangat_baik": 7, "baik": 3}, ""),
        ("istimewa", {"sangat_baik": 8, "baik": 2}, "sangat_baik_above_max"),
        ("istimewa", {"sangat_baik": 4, "baik": 5, "kurang": 1}, "sangat_baik_not_majority"),
        ("istimewa", {"sangat_baik": 4, "baik": 4, "kurang": 2}, ""),  # tie: plurality holds
        ("baik", {"sangat_baik": 2, "baik": 7, "butuh_perbaikan": 1}, ""),
        ("baik", {"sangat_baik": 2, "baik": 7, "kurang": 1}, ""),
        (
            "baik",
            {"sangat_baik": 2, "baik": 8},
            "baik_above_max; butuh_perbaikan_or_kurang_missing",
        ),
        ("baik", {"sangat_baik": 6, "baik": 3, "kurang": 1}, "baik_not_majority"),
        ("butuh_perbaikan", {"sangat_baik": 1, "butuh_perbaikan": 6, "baik": 3}, ""),
        (
            "butuh_perbaikan",
            {"sangat_baik": 2, "butuh_perbaikan": 5, "baik": 3},
            "sangat_baik_above_max; butuh_perbaikan_below_min",
        ),
        ("kurang", {"sangat_baik": 1, "butuh_perbaikan": 1, "kurang": 6, "baik": 2}, ""),
        ("kurang", {"baik": 4, "kurang": 6}, "butuh_perbaikan_below_min"),
        ("kurang", {"butuh_perbaikan": 5, "kurang": 5}, "kurang_below_min"),
        ("sangat_kurang", {"kurang": 1, "sangat_kurang": 6, "baik": 3}, ""),
        ("sangat_kurang", {"butuh_perbaikan": 1, "sangat_kurang": 9}, ""),
        (
            "sangat_kurang",
            {"sangat_baik": 1, "kurang": 1, "sangat_kurang": 8},
            "sangat_baik_present",
        ),
        ("sangat_kurang", {"baik": 4, "sangat_kurang": 6}, "kurang_or_butuh_perbaikan_below_min"),
        ("sangat_kurang", {"kurang": 5, "sangat_kurang": 5}, "sangat_kurang_below_min"),
    ],
)
def test_check_distribution_each_rule_at_its_boundary(org, counts, violations):
    out = ek.check_distribution(_unit(counts), org_predikat=org)
    row = out.iloc[0]
    assert row["violations"] == violations
    assert bool(row["ok"]) == (violations == "")
    assert row["n"] == sum(counts.values())
    for p, k in counts.items():
        assert row[f"n_{p}"] == k
        assert row[f"share_{p}"] == pytest.approx(k / row["n"])


def test_check_distribution_absolute_majority_option():
    d = _unit({"sangat_baik": 5, "baik": 3, "kurang": 2})
    assert ek.check_distribution(d, org_predikat="istimewa").loc[0, "violations"] == ""
    out = ek.check_distribution(d, org_predikat="istimewa", majority="absolute")
    assert out.loc[0, "violations"] == "sangat_baik_not_majority"  # 5 of 10 is not > half


@pytest.mark.parametrize(
    ("rounding", "max_ok", "min_ok"),
    # N = 11: cap 70% = 7.7 persons, minimum 60% = 6.6 persons
    [("strict", 7, 7), ("lenient", 8, 6), ("nearest", 8, 7)],
)
def test_check_distribution_rounding_of_counts(rounding, max_ok, min_ok):
    cap_ok = _unit({"sangat_baik": max_ok, "baik": 11 - max_ok})
    cap_bad = _unit({"sangat_baik": max_ok + 1, "baik": 10 - max_ok})
    assert ek.check_distribution(cap_ok, org_predikat="istimewa", rounding=rounding).loc[0, "ok"]
    assert not ek.check_distribution(cap_bad, org_predikat="istimewa", rounding=rounding).loc[
        0, "ok"
    ]
    min_good = _unit({"butuh_perbaikan": min_ok, "baik": 11 - min_ok})
    min_bad = _unit({"butuh_perbaikan": min_ok - 1, "baik": 12 - min_ok})
    assert ek.check_distribution(min_good, org_predikat="butuh_perbaikan", rounding=rounding).loc[
        0, "ok"
    ]
    assert not ek.check_distribution(
        min_bad, org_predikat="butuh_perbaikan", rounding=rounding
    ).loc[0, "ok"]


def test_check_distribution_rounding_is_exact_integer_arithmetic():
    # 10% of 30 is exactly 3 (0.1 * 30 = 3.0000000000000004 in floating point)
    d = _unit({"sangat_baik": 3, "butuh_perbaikan": 18, "baik": 9})
    assert ek.check_distribution(d, org_predikat="butuh_perbaikan").loc[0, "ok"]


def test_check_distribution_small_units_not_applicable():
    d = _unit({"baik": 3})
    out = ek.check_distribution(d, org_predikat="baik")
    assert bool(out.loc[0, "ok"]) and out.loc[0, "violations"] == ""
    assert out.loc[0, "not_applicable"] == (
        "baik_not_majority; baik_above_max; butuh_perbaikan_or_kurang_missing"
    )
    checked = ek.check_distribution(d, org_predikat="baik", min_n=1)
    assert checked.loc[0, "violations"] == "baik_above_max; butuh_perbaikan_or_kurang_missing"
    # "no sangat_baik" can always be met: checked in small units too
    tiny = ek.check_distribution(
        _unit({"sangat_baik": 1, "sangat_kurang": 2}), org_predikat="sangat_kurang"
    )
    assert tiny.loc[0, "violations"] == "sangat_baik_present"


def test_check_distribution_org_predikat_as_column_mapping_and_missing():
    d = pd.concat(
        [_unit({"baik": 7, "kurang": 3}, "a"), _unit({"baik": 10}, "b"), _unit({"baik": 10}, "c")]
    )
    d.loc[len(d)] = ["a", None]  # an unscored employee
    org = {"a": "baik", "b": "baik"}
    out = ek.check_distribution(d, org_predikat=org)
    assert out["unit_id"].tolist() == ["a", "b", "c"]
    assert out["ok"].tolist() == [True, False, pd.NA]
    assert out["n_unscored"].tolist() == [1, 0, 0]
    assert out.loc[2, "org_predikat"] is None
    d["org"] = d["unit_id"].map({"a": "baik", "b": "baik", "c": "istimewa"})
    by_col = ek.check_distribution(d, org_predikat="org")
    assert by_col["ok"].tolist() == [True, False, False]
    d.loc[0, "org"] = "kurang"
    with pytest.raises(ValueError, match="constant within a unit"):
        ek.check_distribution(d, org_predikat="org")
    with pytest.raises(ValueError, match="org_predikat must be a column"):
        ek.check_distribution(d, org_predikat="excellent")
    with pytest.raises(ValueError, match="predikat must be one of"):
        ek.check_distribution(d.assign(predikat="great"), org_predikat="baik")


# --- skm_index -----------------------------------------------------------------------------

# Worked by hand. Answers per unsur for four respondents (one missing answer to u5):
SKM_HAND = {
    "u1": [4, 3, 4, 4],  # NRR 15/4 = 3.75
    "u2": [3, 3, 3, 3],  # 3.00
    "u3": [2, 3, 4, 3],  # 3.00
    "u4": [4, 4, 4, 4],  # 4.00
    "u5": [3, 4, None, 3],  # 10/3 (mean of the 3 answers given, not 10/4)
    "u6": [4, 4, 3, 3],  # 3.50
    "u7": [4, 4, 4, 3],  # 3.75
    "u8": [1, 2, 3, 2],  # 2.00
    "u9": [3, 3, 4, 4],  # 3.50
}
# Σ NRR = 26.5 + 10/3 = 179/6; IKM = 179/54 = 3.31481; × 25 = 4475/54 = 82.87 -> B, baik


def test_skm_index_worked_example_by_hand():
    out = ek.skm_index(pd.DataFrame(SKM_HAND))
    row = out.iloc[0]
    assert row["n"] == 4
    assert row["nrr_u5"] == pytest.approx(10 / 3)
    assert row[[f"nrr_u{i}" for i in range(1, 10)]].tolist() == pytest.approx(
        [3.75, 3.0, 3.0, 4.0, 10 / 3, 3.5, 3.75, 2.0, 3.5]
    )
    assert row["ikm"] == pytest.approx(179 / 54, abs=1e-12)
    assert row["ikm_converted"] == pytest.approx(4475 / 54, abs=1e-12)  # 82.870
    assert (row["mutu"], row["kinerja"]) == ("B", "baik")


def test_skm_weight_011_pitfall_changes_the_result_s30():
    # every NRR 3.55: exactly 3.55 × 25 = 88.75 (A); weighting by 0.11 instead of 1/9
    # gives 9 × 3.55 × 0.11 × 25 = 87.86 (B)
    d = pd.DataFrame({f"u{i}": [4] * 11 + [3] * 9 for i in range(1, 10)})
    nrr = d.mean()
    exact = ek.skm_index(d).iloc[0]
    assert exact["ikm_converted"] == pytest.approx(nrr.sum() / 9 * 25)
    pitfall = nrr.sum() * 0.11 * 25
    assert (exact["ikm_converted"], pitfall) == pytest.approx((88.75, 87.8625))
    assert exact["ikm_converted"] - pitfall == pytest.approx(nrr.sum() * 25 * (1 / 9 - 0.11))
    assert exact["mutu"] == "A"
    assert ek.rules.skm_mutu(pitfall).item() == "B"


def test_skm_index_groups_population_and_sufficiency():
    d = pd.DataFrame(
        {"unit_id": ["a"] * 3 + ["b"] * 2, **{f"u{i}": [4, 4, 3, 2, 2] for i in range(1, 10)}}
    )
    out = ek.skm_index(d, "unit_id", population={"a": 3, "b": 1_000})
    assert out["unit_id"].tolist() == ["a", "b"]
    assert out["n"].tolist() == [3, 2]
    assert out["ikm_converted"].tolist() == pytest.approx([11 / 3 * 25, 50.0])
    assert out["mutu"].tolist() == ["A", "D"]
    assert out["kinerja"].tolist() == ["sangat_baik", "tidak_baik"]
    assert out["n_required"].tolist() == [3, 278]
    assert out["n_sufficient"].tolist() == [True, False]
    d["pop"] = d["unit_id"].map({"a": 3.0, "b": np.nan})
    by_col = ek.skm_index(d, "unit_id", population="pop")
    assert by_col["n_required"].tolist() == [3, pd.NA]
    assert by_col["n_sufficient"].tolist() == [True, pd.NA]
    single = ek.skm_index(d, population=100)
    assert single[["n", "n_required"]].iloc[0].tolist() == [5, 80]


def test_skm_index_unsur_without_answers_and_bad_answers():
    d = pd.DataFrame({f"u{i}": [4.0, 3.0] for i in range(1, 10)})
    d["u9"] = np.nan
    out = ek.skm_index(d)
    assert math.isnan(out.loc[0, "ikm"]) and out.loc[0, "mutu"] is None
    d["u9"] = [5, 4]
    with pytest.raises(ValueError, match="1, 2, 3 or 4; column 'u9' has \\[5.0\\]"):
        ek.skm_index(d)
    empty_rows = pd.DataFrame({f"u{i}": [4.0, np.nan] for i in range(1, 10)})
    assert ek.skm_index(empty_rows).loc[0, "n"] == 1


# --- indicator_clarity ---------------------------------------------------------------------


def test_indicator_clarity_shares_per_owner_unit():
    ind = pd.DataFrame(
        {
            "indicator_id": list("abcdef"),
            "unit_id": ["u1", "u1", "u1", "u2", "u2", None],
            "unit_of_measure": ["dokumen", "  ", "orang", "%", "hari", None],
            "direction": ["higher", "higher", None, "higher", "lower", None],
            "target_kind": ["kuantitatif", "kuantitatif", None, "kuantitatif", "kuantitatif", None],
        }
    )
    out = ek.indicator_clarity(ind)
    assert out["unit_id"].tolist() == ["u1", "u2"]  # catalogue indicator f has no owner
    assert out["n_indicators"].tolist() == [3, 2]
    assert out["n_unclear"].tolist() == [2, 0]
    assert out["share_no_unit"].tolist() == pytest.approx([1 / 3, 0])
    assert out["share_no_direction"].tolist() == pytest.approx([1 / 3, 0])
    assert out["share_no_target"].tolist() == pytest.approx([1 / 3, 0])
    assert out["share_unclear"].tolist() == pytest.approx([2 / 3, 0])


def test_indicator_clarity_from_results_fisher_and_bh_match_scipy_statsmodels():
    rng = np.random.default_rng(5)
    units = [f"u{i:02d}" for i in range(12)]
    ind = pd.DataFrame(
        {
            "indicator_id": [f"i{j}" for j in range(40)],
            "unit_of_measure": ["x"] * 40,
            "direction": ["higher"] * 40,
            "target_kind": ["kuantitatif"] * 40,
        }
    )
    rows = []
    for k, u in enumerate(units):
        for j in rng.choice(40, size=12, replace=False):
            # units u00 and u01 leave most targets empty; others rarely
            missing = rng.random() < (0.7 if k < 2 else 0.05)
            rows.append((u, f"i{j}", None if missing else 10.0))
    res = pd.DataFrame(rows, columns=["unit_id", "indicator_id", "target"])
    out = ek.indicator_clarity(ind, res)
    assert out["n_indicators"].tolist() == [12] * 12
    total, bad = out["n_indicators"].sum(), out["n_unclear"].sum()
    for _, row in out.iterrows():
        k, n = row["n_unclear"], row["n_indicators"]
        table = [[k, n - k], [bad - k, total - n - (bad - k)]]
        assert row["p_val"] == pytest.approx(
            stats.fisher_exact(table, alternative="greater").pvalue, rel=1e-9
        )
    assert out["q_val"].to_numpy() == pytest.approx(multipletests(out["p_val"], method="fdr_bh")[1])
    assert out.loc[out["cluster"], "unit_id"].tolist() == ["u00", "u01"]
    with pytest.raises(KeyError, match="join the unit to results first"):
        ek.indicator_clarity(ind, res.drop(columns="unit_id"))


# --- angka kredit, PKG -----------------------------------------------------------------------


def test_angka_kredit_series_keeps_index():
    p = pd.Series(["sangat_baik", "baik", None], index=["x", "y", "z"])
    out = ek.angka_kredit(p, 12.5, months=3)
    assert out.index.tolist() == ["x", "y", "z"]
    assert out.iloc[:2].tolist() == pytest.approx([18.75 / 4, 12.5 / 4])
    assert math.isnan(out.iloc[2])
    assert ek.angka_kredit("sangat_baik", 12.5) == 18.75
    assert round(ek.angka_kredit("baik", 12.5, months=2), 2) == 2.08


def test_pkg_score_conversion_and_bk_teachers():
    out = ek.pkg_score(pd.Series([56, 51, 43, 34, 28], index=list("abcde")))
    assert out.index.tolist() == list("abcde")
    assert out["nk"].round(2).tolist() == [100.0, 91.07, 76.79, 60.71, 50.0]
    assert out["category"].tolist() == ["amat_baik", "amat_baik", "baik", "cukup", "kurang"]
    assert out["ak_percent"].tolist() == [125, 125, 100, 75, 25]
    bk = ek.pkg_score([68, 61], max_score=68)
    assert bk["nk"].round(2).tolist() == [100.0, 89.71]
    assert bk["category"].tolist() == ["amat_baik", "baik"]
    with pytest.raises(ValueError, match="between 0 and max_score=56"):
        ek.pkg_score([60])


def test_indicator_clarity_counts_results_and_tests_either_level():
    ind = pd.DataFrame(
        {
            "indicator_id": ["ok1", "ok2", "vague"],
            "unit_of_measure": ["x", "x", None],
            "direction": "higher",
            "target_kind": "kuantitatif",
        }
    )
    # unit a: 6 results, 4 on the vague indicator; unit b: 6 results, a missing target
    res = pd.DataFrame(
        {
            "unit_id": ["a"] * 6 + ["b"] * 6,
            "indicator_id": ["vague"] * 4 + ["ok1", "ok2"] + ["ok1"] * 3 + ["ok2"] * 3,
            "target": [1.0] * 11 + [None],
        }
    )
    out = ek.indicator_clarity(ind, res).set_index("unit_id")
    assert out["n_indicators"].tolist() == [3, 2]
    assert out["n_unclear"].tolist() == [1, 1]  # b: ok2 has a result without target
    assert out["n_results"].tolist() == [6, 6]
    assert out["n_results_unclear"].tolist() == [4, 1]
    # result level: P(X >= 4), X ~ Hypergeom(M=12, n=5, N=6) = (C(5,4)C(7,2) + C(5,5)C(7,1))
    # / C(12,6) = (105 + 7) / 924
    assert out.loc["a", "p_val"] == pytest.approx(112 / 924)
    by_ind = ek.indicator_clarity(ind, res, test_on="indicators").set_index("unit_id")
    # indicator level: M=5 pairs, n=2 unclear, unit a N=3 -> P(X >= 1) = 1 - C(3,3)/C(5,3)
    assert by_ind.loc["a", "p_val"] == pytest.approx(1 - 1 / 10)
    with pytest.raises(ValueError, match="test_on must be"):
        ek.indicator_clarity(ind, test_on="results")
    with pytest.raises(ValueError, match="not in indicators: \\['zzz'\\]"):
        ek.indicator_clarity(ind, res.assign(indicator_id="zzz"))


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 30), min_size=5, max_size=5).filter(lambda c: sum(c) > 0),
    org=st.sampled_from(ek.rules.ORG_PREDIKAT),
)
def test_strict_rounding_is_exact_share_comparison(counts, org):
    """Property: floor caps and ceil minima (the default) accept a unit exactly when the
    shares, as exact fractions, satisfy the percentages of the pattern."""
    d = _unit(dict(zip(ek.rules.PREDIKAT, counts, strict=True)))
    got = ek.check_distribution(d, org_predikat=org, min_n=1)
    n = sum(counts)
    share = {p: Fraction(k, n) for p, k in zip(ek.rules.PREDIKAT, counts, strict=True)}
    expected = []
    for rule in ek.rules.DISTRIBUTION_PATTERN[org]:
        s = sum(share[p] for p in rule.predikat)
        others = max(v for p, v in share.items() if p not in rule.predikat)
        if rule.kind == "max":
            bad = s > Fraction(rule.percent, 100)
        elif rule.kind == "min":
            bad = s < Fraction(rule.percent, 100)
        elif rule.kind == "majority":
            bad = s < others
        else:
            bad = s == 0 if rule.kind == "exists" else s > 0
        if bad:
            expected.append(rule.code)
    assert got.loc[0, "violations"] == "; ".join(expected)


# --------------------------------------------------------------------------------------
# the interval of the unit IKM


def test_ikm_interval_with_complete_answers_is_the_t_interval_of_response_means():
    """Complete answers: IKM is the mean of the response means r_i, so the interval is
    scipy's one-sample t interval of 25·r_i (t with n − 1 degrees of freedom)."""
    rng = np.random.default_rng(3)
    d = pd.DataFrame(rng.integers(1, 5, size=(40, 9)), columns=[f"u{i}" for i in range(1, 10)])
    d["unit_id"] = np.repeat(["A", "B"], [12, 28])
    res = ek.skm_index(d, "unit_id").set_index("unit_id")
    for u, g in d.groupby("unit_id"):
        r = 25 * g[[f"u{i}" for i in range(1, 10)]].mean(axis=1)
        lo, hi = stats.t.interval(0.95, len(r) - 1, loc=r.mean(), scale=stats.sem(r))
        assert res.loc[u, "ikm_converted"] == pytest.approx(r.mean())
        assert res.loc[u, "se"] == pytest.approx(stats.sem(r))
        assert res.loc[u, "ci_low"] == pytest.approx(lo) and res.loc[u, "ci_high"] == pytest.approx(
            hi
        )
    lo90 = ek.skm_index(d, "unit_id", confidence=0.90).set_index("unit_id").loc["A", "ci_low"]
    assert res.loc["A", "ci_low"] < lo90 < res.loc["A", "ikm_converted"]


def test_ikm_interval_with_missing_answers_is_the_linearised_one_by_hand():
    """Missing answers: SE² = n/(n−1)·Σφ_i², φ_i = (1/K)Σ_u [answered](x_iu − NRR_u)/n_u,
    recomputed here on three responses and two items."""
    d = pd.DataFrame({"u1": [4, 2, 3], "u2": [3, None, 1]})
    res = ek.skm_index(d, items=["u1", "u2"]).iloc[0]
    nrr1, nrr2 = 3.0, 2.0
    phi = np.array(
        [
            ((4 - nrr1) / 3 + (3 - nrr2) / 2) / 2,
            ((2 - nrr1) / 3) / 2,
            ((3 - nrr1) / 3 + (1 - nrr2) / 2) / 2,
        ]
    )
    se = 25 * math.sqrt(3 / 2 * float((phi**2).sum()))
    assert res["ikm_converted"] == pytest.approx(25 * (nrr1 + nrr2) / 2)
    assert res["se"] == pytest.approx(se)
    assert res["ci_high"] == pytest.approx(res["ikm_converted"] + stats.t.ppf(0.975, 2) * se)
    # one response: no interval
    one = ek.skm_index(d.iloc[:1], items=["u1", "u2"]).iloc[0]
    assert np.isnan(one["se"]) and np.isnan(one["ci_low"])
