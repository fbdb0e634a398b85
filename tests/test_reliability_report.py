"""The reliability section: tables, reading codes, JSON, planted truth, plots."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evalkit as ek
from evalkit.plots.reliability import plot_rater_reliability, plot_rwg, plot_skm_alpha
from evalkit.reliability.aggregation import raters_needed
from evalkit.reliability.report import (
    ReliabilityResult,
    alpha_band,
    assess_reliability,
    icc_band,
)

BANDS = {"poor", "moderate", "good", "excellent", "not_estimable"}


@pytest.fixture(scope="module")
def study():
    return ek.simulate(employees=300, seed=1)


@pytest.fixture(scope="module")
def result(study) -> ReliabilityResult:
    return assess_reliability(study, "2025Q4")


def test_bands_follow_methods_md_thresholds():
    """Koo & Li (2016) via reference/methods.md §2; edges belong to the upper band."""
    x = [-0.2, 0.4999, 0.50, 0.7499, 0.75, 0.8999, 0.90, 1.0, np.nan]
    assert icc_band(x).tolist() == [
        "poor",
        "poor",
        "moderate",
        "moderate",
        "good",
        "good",
        "excellent",
        "excellent",
        "not_estimable",
    ]
    assert alpha_band([0.59, 0.6, 0.69, 0.7, 0.8, 0.9]).tolist() == [
        "poor",
        "questionable",
        "questionable",
        "acceptable",
        "good",
        "excellent",
    ]


def test_tables_and_codes(result, study):
    rr = result.rater_reliability
    assert set(rr["band"]) <= BANDS
    assert set(rr["statistic"]) == {"ICC1", "ICC1k"}
    # one supervisor and one self-rating per ratee: not estimable, never a number
    one_rater = rr[rr["rater_role"].isin(["atasan", "diri"])]
    assert one_rater["estimate"].isna().all() and (one_rater["band"] == "not_estimable").all()
    peers = rr[(rr["rater_role"] == "rekan") & (rr["scope"] == "unit")]
    assert peers["estimate"].notna().mean() > 0.9
    np.testing.assert_array_equal(peers["band"], icc_band(peers["estimate"]))

    sa = result.source_agreement
    assert set(sa["statistic"]) == {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}
    assert (sa["n_sources"] == 2).all()

    ca = result.citizen_agreement
    units_with_citizens = study.citizen.loc[study.citizen["period"] == "2025Q4", "unit_id"]
    assert set(ca["unit_id"]) == set(units_with_citizens)
    assert set(ca["code"]) <= {"agreement", "no_agreement", "not_estimable"}
    assert ((ca["rwg_j"] >= 0.7) == (ca["code"] == "agreement")).all()

    agg = result.citizen_aggregation.set_index("statistic")
    icc1 = agg.at["bliese_icc1", "estimate"]
    assert agg.at["bliese_icc1", "citizens_needed"] == pytest.approx(raters_needed(icc1))
    verdict = result.aggregation
    assert verdict["verdict"] in {"justified", "not_justified"}
    assert (verdict["verdict"] == "justified") == (verdict["reasons"] == [])

    alpha = result.skm_alpha
    assert alpha["scope"].iloc[0] == "all" and (alpha["n_items"] == 9).all()
    assert set(alpha["band"]) <= {
        "poor",
        "questionable",
        "acceptable",
        "good",
        "excellent",
        "not_estimable",
    }


def test_numbers_equal_the_public_functions(result, study):
    """The report adds no arithmetic of its own: its numbers are those of ek.* calls."""
    cit = study.citizen[study.citizen["period"] == "2025Q4"]
    items = list(ek.SKM_ITEMS)
    r = ek.rwg(cit, "unit_id", items, scale=(1, 4))
    r = r[r["statistic"] == "rwg_j"].set_index("group")["estimate"]
    ca = result.citizen_agreement.set_index("unit_id")["rwg_j"]
    pd.testing.assert_series_equal(ca.sort_index(), r.sort_index(), check_names=False)

    long = cit.melt(
        id_vars=["response_id", "unit_id"], value_vars=items, var_name="item", value_name="score"
    ).astype({"score": float})
    pooled = ek.cronbach_alpha(long, "response_id", "item", "score")["estimate"].iloc[0]
    assert result.skm_alpha["estimate"].iloc[0] == pytest.approx(pooled, rel=1e-12)

    # peers of one unit, by hand: the mean of the seven values per (ratee, rater), then ICC
    beh = study.behaviour[
        (study.behaviour["period"] == "2025Q4") & (study.behaviour["rater_role"] == "rekan")
    ]
    unit_of = study.employees.set_index("employee_id")["unit_id"]
    unit = "RSUD"
    sub = beh[beh["employee_id"].map(unit_of) == unit]
    means = sub.groupby(["employee_id", "rater_id"], as_index=False)["score"].mean()
    ref = ek.icc_aggregation(means, "employee_id", "score").set_index("statistic")
    rr = result.rater_reliability
    mine = rr[(rr["unit_id"] == unit) & (rr["rater_role"] == "rekan")].set_index("statistic")
    assert mine.at["ICC1", "estimate"] == pytest.approx(ref.at["bliese_icc1", "estimate"])
    assert mine.at["ICC1k", "estimate"] == pytest.approx(ref.at["bliese_icc2", "estimate"])


def test_json_has_codes_and_numbers_but_no_employee_ids(result, study):
    text = result.to_json()
    payload = json.loads(text)
    assert payload["period"] == "2025Q4"
    assert set(payload) >= {
        "rater_reliability",
        "source_agreement",
        "citizen_agreement",
        "citizen_aggregation",
        "skm_alpha",
        "aggregation",
    }
    ids = set(study.employees["employee_id"]) | set(study.employees["nip"].astype(str))
    ids |= set(study.employees["name"])
    assert not any(i in text for i in ids)
    assert "NaN" not in text  # missing numbers are null
    assert "_repr_html_" in dir(result) and "<details>" in result._repr_html_()


def test_year_pools_its_quarters(study):
    year = assess_reliability(study, "2025")
    assert year.period == "2025"
    peers_year = year.rater_reliability.query("scope == 'all' and rater_role == 'rekan'")
    assert peers_year["n_ratees"].iloc[0] > 0


def test_sources_validation(study):
    with pytest.raises(ValueError, match="sources"):
        assess_reliability(study, "2025Q4", sources=("atasan",))
    with pytest.raises(ValueError, match="sources"):
        assess_reliability(study, "2025Q4", sources=("atasan", "boss"))


@pytest.fixture(scope="module")
def big_study():
    return ek.simulate(employees=1500, seed=4)


def test_peer_reliability_ranks_as_planted(big_study):
    """Planted single-peer reliability of the mean of the values (truth['reliability'])
    varies between units through the unit noise multiplier; the estimated ICC1 per unit
    must follow it - roughly, since a unit has ~19 ratees with ~3 peers each (over seeds
    1-6 the rank correlation was .27-.50 and the high-minus-low-half gap .05-.16) - and
    the pooled estimate must be near the planted mean (it also holds the unit variance,
    which the planted within-unit value leaves out)."""
    res = assess_reliability(big_study, "2025Q4", n_boot=0)
    rr = res.rater_reliability
    est = (
        rr[(rr["scope"] == "unit") & (rr["rater_role"] == "rekan") & (rr["statistic"] == "ICC1")]
        .set_index("unit_id")["estimate"]
        .dropna()
    )
    truth = pd.Series(
        {u: v["rekan"]["mean_of_values"] for u, v in big_study.truth["reliability"].items()}
    ).reindex(est.index)
    assert len(est) > 50
    assert stats.spearmanr(est, truth).statistic > 0.2
    high = truth >= truth.median()
    assert est[high].mean() > est[~high].mean() + 0.03
    pooled = rr[(rr["scope"] == "all") & (rr["statistic"] == "ICC1")].set_index("rater_role")
    assert pooled.at["rekan", "estimate"] == pytest.approx(truth.mean(), abs=0.1)


def test_plots_return_figures_and_use_labels(result):
    import matplotlib.pyplot as plt

    fig = plot_rater_reliability(result.rater_reliability)
    assert fig.axes[0].get_title() == "Reliability of the 360° ratings per unit"
    fig, ax = plt.subplots()
    try:
        out = plot_rwg(result.citizen_agreement, ax=ax, labels={"rwg_title": "Kesepakatan"})
        assert out is fig and ax.get_title() == "Kesepakatan"
    finally:
        plt.close(fig)
    fig = plot_skm_alpha(result.skm_alpha, labels={"alpha_xlabel": "alfa"})
    assert fig.axes[0].get_xlabel() == "alfa"
    # rows drawn: one per unit with an estimate, plus the pooled row
    assert len(fig.axes[0].get_yticks()) == result.skm_alpha["estimate"].notna().sum()
    with pytest.raises(ValueError, match="lacks column"):
        plot_rwg(result.skm_alpha)
