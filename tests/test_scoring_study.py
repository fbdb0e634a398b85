"""score_study on simulated data with planted truth, and the scoring plots."""

from __future__ import annotations

import doctest
import importlib
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import evalkit as ek
from evalkit.io import Study
from evalkit.plots import scoring as splots
from evalkit.scoring import ScoringResult, score_study


@pytest.fixture(scope="module")
def study():
    return ek.simulate(employees=300, seed=3, periods="2025Q1:2025Q4")


@pytest.fixture(scope="module")
def result(study):
    return score_study(study, "2025Q3")


def test_clarity_flags_exactly_the_planted_unclear_indicator_units(study, result):
    flagged = result.clarity.loc[result.clarity["cluster"], "unit_id"].tolist()
    assert flagged == sorted(study.truth["unclear_indicator_units"])
    # the planted units use the planted vague indicators, and only they are unclear
    unclear_units = result.clarity.loc[result.clarity["n_unclear"] > 0, "unit_id"].tolist()
    assert unclear_units == flagged


@pytest.mark.parametrize("seed", [11, 12])
def test_clarity_finds_planted_units_for_other_seeds(seed):
    s = ek.simulate(employees=250, seed=seed, periods="2025Q3:2025Q3")
    res = s.results.assign(
        unit_id=s.results["employee_id"].map(s.employees.set_index("employee_id")["unit_id"])
    )
    out = ek.indicator_clarity(s.indicators, res)
    assert out.loc[out["cluster"], "unit_id"].tolist() == sorted(s.truth["unclear_indicator_units"])


def test_employee_table_matches_the_period_and_the_codes(study, result):
    emp = result.employees
    q3 = study.results[study.results["period"] == "2025Q3"]
    assert set(emp["employee_id"]) >= set(q3["employee_id"])
    assert emp["employee_id"].is_unique and (emp["period"] == "2025Q3").all()
    assert set(emp["predikat"].dropna()) <= set(ek.rules.PREDIKAT)
    utama = q3[q3["kind"] == "utama"].groupby("employee_id").size()
    got = emp.set_index("employee_id")["n_results"].reindex(utama.index)
    assert got.astype(int).tolist() == utama.tolist()
    # simulated results carry the supervisor's rating: it is what counts
    one = emp.iloc[0]
    rows = q3[(q3["employee_id"] == one["employee_id"]) & (q3["kind"] == "utama")]
    counts = rows["rating"].value_counts()
    assert one["n_di_atas"] == counts.get("di_atas", 0)
    assert one["n_di_bawah"] == counts.get("di_bawah", 0)


def test_unit_and_distribution_tables_agree(result):
    units = result.units.set_index("unit_id")
    dist = result.distribution.set_index("unit_id")
    emp = result.employees
    for p in ek.rules.PREDIKAT:
        by_unit = emp[emp["predikat"] == p].groupby("unit_id").size()
        assert units[f"n_{p}"].to_dict() == by_unit.reindex(units.index, fill_value=0).to_dict()
        assert dist[f"n_{p}"].to_dict() == units.loc[dist.index, f"n_{p}"].to_dict()
    assert (dist["n"] == units.loc[dist.index, "n_scored"]).all()
    assert (dist["ok"] == (dist["violations"] == "")).all()
    shares = units[[f"share_{p}" for p in ek.rules.PREDIKAT]].sum(axis=1)
    assert shares[units["n_scored"] > 0].to_numpy() == pytest.approx(1.0)
    # small units are not checked against share rules (min_n = 10), big ones are
    small = dist[dist["n"] < 10]
    assert (small["not_applicable"] != "").all()
    assert (dist.loc[dist["n"] >= 10, "not_applicable"] == "").all()


def test_skm_per_unit_recomputed_by_hand(study, result):
    c = study.citizen[study.citizen["period"] == "2025Q3"]
    uid = result.skm["unit_id"].iloc[0]
    answers = c.loc[c["unit_id"] == uid, [f"u{i}" for i in range(1, 10)]].astype(float)
    nrr = [np.nanmean(answers[col]) for col in answers]
    row = result.skm.iloc[0]
    assert row["ikm_converted"] == pytest.approx(sum(nrr) / 9 * 25, rel=1e-12)
    pop = study.units.set_index("unit_id").loc[uid, "service_population"]
    if not pd.isna(pop):
        assert row["n_required"] == ek.rules.krejcie_morgan(float(pop))


def test_to_json_is_unit_level_and_serialisable(study, result):
    out = result.to_json()
    text = json.dumps(out, allow_nan=False)
    assert "employee_id" not in text
    for eid in study.employees["employee_id"].head(50):
        assert f'"{eid}"' not in text
    for nip in study.employees["nip"].head(50):
        assert nip not in text
    assert set(out) == {
        "period",
        "rules",
        "parameters",
        "summary",
        "units",
        "distribution",
        "skm",
        "clarity",
    }
    assert out["summary"]["n_units_unclear_cluster"] == len(study.truth["unclear_indicator_units"])
    violations = [v for row in out["distribution"] for v in row["violations"]]
    assert all(isinstance(v, str) and v.islower() for v in violations)
    assert sum(out["summary"]["predikat_counts"].values()) == out["summary"]["n_employees_scored"]
    assert "<details>" in result._repr_html_()


def test_year_pools_its_quarters(study):
    res = score_study(study, "2025")
    assert (res.employees["period"] == "2025").all()
    q = score_study(study, "2025Q1")
    both = res.employees.set_index("employee_id")["n_results"]
    one = q.employees.set_index("employee_id")["n_results"]
    common = one.index.intersection(both.index)
    assert (both[common] == 4 * one[common]).all()  # the same SKP lines in 4 quarters


def test_skm_table_keeps_its_columns_without_responses(study):
    empty = Study(**{**study.tables(), "citizen": study.citizen.iloc[:0]})
    res = score_study(empty, "2025Q3")
    assert len(res.skm) == 0
    assert {"ikm_converted", "mutu", "n_required", "n_sufficient"} <= set(res.skm.columns)
    assert res.summary()["skm_mutu_counts"] == {"A": 0, "B": 0, "C": 0, "D": 0}


def test_score_study_errors_for_people(study):
    with pytest.raises(ValueError, match="use one of permenpanrb_6_2022"):
        score_study(study, "2025Q3", rules="pp_46_2011")
    with pytest.raises(ValueError, match="no results .* for period '2019Q1'.*2025Q1"):
        score_study(study, "2019Q1")


# --- plots ------------------------------------------------------------------------------------
ALERT = "#D55E00"  # Okabe–Ito vermillion: units to look at


def test_distribution_plot_marks_violating_units(result):
    labels = {"distribution_title": "Predikat pegawai per unit", "baik": "Baik"}
    fig = splots.plot_predikat_distribution(result.distribution, labels=labels)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "Predikat pegawai per unit"
    legend = fig.legends[0] if fig.legends else ax.get_legend()  # under the axes
    assert "Baik" in [t.get_text() for t in legend.get_texts()]
    red = {t.get_text() for t in ax.get_yticklabels() if t.get_color() == ALERT}
    bad = set(result.distribution.loc[result.distribution["ok"].eq(False).fillna(False), "unit_id"])
    assert red == bad and bad
    plt.close(fig)


def test_skm_and_clarity_plots_draw_on_given_axes(result):
    fig, (a1, a2) = plt.subplots(1, 2)
    assert splots.plot_skm(result.skm, ax=a1) is fig
    # one meaning per encoding: pale bars are the units below the minimum sample, unless
    # every unit is (then all bars are alike and the legend says so)
    pale = matplotlib.colors.to_rgb(splots._PALE)
    bars = [p for p in a1.patches if p.get_facecolor()[:3] == pytest.approx(pale)]
    insufficient = int(result.skm["n_sufficient"].eq(False).sum())
    assert len(bars) == (insufficient if insufficient < len(result.skm) else 0)
    assert not [p for p in a1.patches if p.get_hatch()]
    assert (
        splots.plot_indicator_clarity(result.clarity, ax=a2, labels={"clarity_title": "Kejelasan"})
        is fig
    )
    assert a2.get_title() == "Kejelasan"
    red = [
        p
        for p in a2.patches
        if p.get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(ALERT))
    ]
    assert len(red) == int(result.clarity["cluster"].sum())
    plt.close(fig)


def test_parameters_are_recorded_and_change_the_check(study, result):
    assert isinstance(result, ScoringResult)
    assert result.parameters["min_n"] == 10 and result.parameters["rounding"] == "strict"
    strict_all = score_study(study, "2025Q3", min_n=1)
    assert strict_all.parameters["min_n"] == 1
    assert (strict_all.distribution["not_applicable"] == "").all()
    assert strict_all.summary()["n_units_violating"] > result.summary()["n_units_violating"]


@pytest.mark.parametrize("module", ["evalkit.scoring", "evalkit.plots.scoring"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    plt.close("all")
    assert result.attempted > 0 and result.failed == 0
