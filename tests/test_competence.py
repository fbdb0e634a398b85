"""Competence against results: grouped Spearman against scipy, the quadrant counts, the
teachers' within-school slope and between-school ICC against the planted truths, and the
report's words against its numbers in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import evalkit as ek
from evalkit.competence import (
    SUPERVISOR_RELIABILITY,
    behaviour_results_agreement,
    grouped_spearman,
    teacher_results,
)
from evalkit.labels import Labels
from evalkit.report.base import ReportContext
from evalkit.report.competence import compare_correlations, section_competence


def test_grouped_spearman_equals_scipy_group_by_group():
    rng = np.random.default_rng(4)
    d = pd.DataFrame(
        {
            "g": np.repeat(["a", "b", "c"], [30, 12, 3]),
            "x": rng.integers(1, 6, 45).astype(float),  # ties
            "y": rng.normal(size=45),
        }
    )
    d.loc[5, "y"] = np.nan
    out = grouped_spearman(d, "x", "y", "g").set_index("group")
    for g in ("a", "b"):
        sub = d[d["g"] == g].dropna()
        assert out.loc[g, "estimate"] == pytest.approx(stats.spearmanr(sub["x"], sub["y"])[0])
        assert out.loc[g, "n"] == len(sub)
    assert np.isnan(out.loc["c", "estimate"])  # fewer than 4 pairs
    whole = grouped_spearman(d, "x", "y")
    assert whole["group"].tolist() == ["all"]
    assert whole["estimate"][0] == pytest.approx(
        stats.spearmanr(d["x"], d["y"], nan_policy="omit")[0]
    )


def test_quadrant_counts_and_the_ceiling():
    scored = pd.DataFrame(
        {
            "employee_id": list("abcdef"),
            "unit_id": ["U1", "U1", "U1", "U2", "U2", "U2"],
            "hasil": ["di_atas", "sesuai", "sesuai", "di_bawah", "sesuai", None],
            "perilaku": ["sesuai", "sesuai", "sesuai", "di_bawah", "di_atas", "sesuai"],
            "mean_achievement": [120, 100, 98, 60, 101, 90],
            "mean_behaviour": [4.0, 3.5, 3.4, 2.0, 4.5, 3.0],
        }
    )
    sector = pd.Series({"U1": "kesehatan", "U2": "pendidikan"})
    r = behaviour_results_agreement(scored, sector)
    q = r.quadrant.set_index(["level", "group", "hasil", "perilaku"])
    assert q.loc[("regency", "all", "sesuai", "sesuai"), "n"] == 2
    assert q.loc[("regency", "all", "sesuai", "sesuai"), "share"] == pytest.approx(2 / 5)
    assert q.loc[("sector", "pendidikan", "di_bawah", "di_bawah"), "n"] == 1
    assert len(r.quadrant) == 9 * 3  # regency and two sectors, every cell
    for _, g in r.quadrant.groupby(["level", "group"]):
        assert g["share"].sum() == pytest.approx(1.0)
    ceiling = np.sqrt(SUPERVISOR_RELIABILITY)
    reg = r.correlation[r.correlation["level"] == "regency"].iloc[0]
    assert reg["ceiling"] == pytest.approx(ceiling)
    assert reg["estimate"] == pytest.approx(
        stats.spearmanr(scored["mean_achievement"], scored["mean_behaviour"])[0]
    )
    assert reg["disattenuated"] == pytest.approx(reg["estimate"] / ceiling)


def test_sector_comparison_says_differ_only_beyond_chance():
    corr = pd.DataFrame({"group": ["a", "b"], "n": [400, 400], "estimate": [0.6, 0.3]})
    assert compare_correlations(corr)["differ"]
    corr["n"] = [20, 20]
    out = compare_correlations(corr)
    assert not out["differ"] and out["high"] == "a" and out["low"] == "b"
    se = np.sqrt((1 + 0.36 / 2) / 17 + (1 + 0.09 / 2) / 17)
    assert out["z"] == pytest.approx((np.arctanh(0.6) - np.arctanh(0.3)) / se)


@pytest.fixture(scope="module")
def sim():
    return ek.simulate(periods="2025Q1:2025Q4")


@pytest.fixture(scope="module")
def teachers(sim):
    return teacher_results(sim.teaching[sim.teaching["period"] == "2025Q4"])


def test_planted_teacher_slope_and_school_icc_are_recovered(sim, teachers):
    truth = sim.truth["teaching"]
    s = teachers.slope
    assert s["ci_low"] <= truth["slope_achievement_per_observation_point"] <= s["ci_high"]
    assert s["ci_low"] > 0
    icc = teachers.icc.set_index(["measure", "statistic"])
    a = icc.loc[("achievement", "bliese_icc1")]
    assert a["ci_low"] <= truth["icc_achievement_between_schools"] <= a["ci_high"]
    assert teachers.by_sector_school == "school"  # planted ICC .71: mostly the school
    # the observation was planted without a school part
    assert icc.loc[("observation", "bliese_icc1"), "estimate"] < 0.05
    assert s["n_teachers"] == truth["n_teachers"] and s["n_schools"] == truth["n_schools"]


def test_slope_interval_is_cluster_robust_with_t_on_g_minus_1(sim, teachers):
    import statsmodels.formula.api as smf

    s = teachers.slope
    t = stats.t.ppf(0.975, s["n_schools"] - 1)
    assert s["df"] == s["n_schools"] - 1
    assert s["ci_high"] == pytest.approx(s["estimate"] + t * s["se"])
    # the CR1 standard error differs from the classical one (teachers of a school share)
    d = sim.teaching[sim.teaching["period"] == "2025Q4"]
    plain = smf.ols("achievement ~ observation + C(unit_id)", d).fit()
    assert plain.params["observation"] == pytest.approx(s["estimate"])
    assert plain.bse["observation"] != pytest.approx(s["se"], rel=1e-3)


def test_achievement_without_a_school_part_measures_the_person():
    rng = np.random.default_rng(8)
    n = 600
    school = rng.integers(0, 30, n)
    z = rng.normal(size=n)
    d = pd.DataFrame(
        {
            "employee_id": [f"T{i}" for i in range(n)],
            "unit_id": [f"S{s}" for s in school],
            "observation": 70 + 7 * z + rng.normal(0, 5, n),
            "achievement": 60 + 3 * z + rng.normal(0, 5, n),
        }
    )
    r = teacher_results(d)
    assert r.by_sector_school == "person"
    assert r.slope["ci_low"] > 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_section_sentences_follow_the_numbers(sim, teachers, language):
    labels = Labels(language)
    section = section_competence(ReportContext(sim, "2025Q4", labels, min_cell=5))
    res = section.results
    t = res["teachers"]
    assert t["available"] and t["mostly"] == "school"
    a = [r for r in t["icc"] if r["measure"] == "achievement" and r["statistic"] == "bliese_icc1"]
    text = labels(
        "finding.competence.achievement_school",
        icc=labels.percent(a[0]["estimate"], 0),
        low=labels.percent(a[0]["ci_low"], 0),
        high=labels.percent(a[0]["ci_high"], 0),
    )
    assert text in [f.text for f in section.findings]
    s = t["slope"]
    assert any(
        labels.number(10 * s["estimate"], 1) in f for f in [f.text for f in section.findings]
    )
    assert any(
        f.startswith(
            labels(
                "finding.competence.teachers_clear",
                b="",
                low="",
                high="",
                r="",
                teachers="",
                schools="",
                df="",
            )[:20]
        )
        for f in [f.text for f in section.findings]
    )
    cmp = res["employees"]["sector_comparison"]
    key = "differ" if cmp["differ"] else "similar"
    assert any(
        p.startswith(
            labels(f"text.competence.sectors_{key}", high="", low="", r_high="", r_low="", p="")[
                :15
            ]
        )
        for p in section.paragraphs
    )
    # no employee id in the shared results; per-unit rows below min_cell are masked
    assert "E0" not in str(res)
    units = section.tables[2].frame
    assert units.loc[units["n"] < 5, "estimate"].isna().all()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_employee_sentence_never_corrects_beyond_the_ceiling(small_study, sim, language):
    labels = Labels(language)
    for study in (small_study, sim):
        section = section_competence(ReportContext(study, "2025Q4", labels, min_cell=8))
        emp = section.results["employees"]
        reg = [r for r in emp["correlation"] if r["level"] == "regency"][0]
        ceiling = emp["parameters"]["ceiling"]
        key = "finding.competence.employees" + ("_at_ceiling" if reg["estimate"] >= ceiling else "")
        values = dict(
            rho=labels.number(reg["estimate"], 2),
            low=labels.number(reg["ci_low"], 2),
            high=labels.number(reg["ci_high"], 2),
            n=int(reg["n"]),
            ceiling=labels.number(ceiling, 2),
            true=labels.number(min(reg["estimate"] / ceiling, 1.0), 2),
        )
        assert [f.text for f in section.findings][0] == labels(key, **values)
