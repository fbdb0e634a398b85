"""Sector views: each per-sector statistic against the regency function on the sector's
subset (vectorised = looped), planted truths recovered per sector, and the section's
comparison sentences against their tests in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evalkit as ek
from evalkit.compare import compare_sources
from evalkit.impact import training_impact
from evalkit.labels import Labels
from evalkit.report.base import ReportContext
from evalkit.report.sectors import ikm_comparison, section_sectors
from evalkit.scoring import score_study, skm_index
from evalkit.sectors import (
    gap_by_sector,
    predikat_by_sector,
    reliability_by_sector,
    sector_study,
    skm_by_sector,
)

WINDOW = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


@pytest.fixture(scope="module")
def sim():
    return ek.simulate(periods="2025Q1:2025Q4")


@pytest.fixture(scope="module")
def sector_of_unit(sim):
    return sim.units.set_index("unit_id")["sector"]


def test_predikat_shares_are_the_sectors_counts(sim, sector_of_unit):
    emp = score_study(sim, "2025Q4").employees
    out = predikat_by_sector(emp, sector_of_unit)
    d = emp[emp["predikat"].notna()]
    ref = pd.crosstab(d["unit_id"].map(sector_of_unit), d["predikat"])
    for row in out.itertuples():
        assert row.n == ref.loc[row.sector].get(row.predikat, 0)
        assert row.n_sector == ref.loc[row.sector].sum()
        assert row.ci_low <= row.share <= row.ci_high
    assert out.groupby("sector")["share"].sum().round(12).eq(1).all()


def test_ikm_per_sector_is_skm_index_and_the_bootstrap_is_seeded(sim, sector_of_unit):
    cit = sim.citizen[sim.citizen["period"] == "2025Q4"]
    out = skm_by_sector(cit, sector_of_unit, n_boot=199).set_index("sector")
    ref = skm_index(cit.assign(sector=cit["unit_id"].map(sector_of_unit)), "sector")
    ref = ref.set_index("sector")
    np.testing.assert_allclose(out["ikm_converted"], ref.loc[out.index, "ikm_converted"])
    assert (out["mutu"] == ref.loc[out.index, "mutu"]).all()
    assert ((out["ci_low"] < out["ikm_converted"]) & (out["ikm_converted"] < out["ci_high"])).all()
    again = skm_by_sector(cit, sector_of_unit, n_boot=199).set_index("sector")
    pd.testing.assert_frame_equal(out, again)


def test_reliability_by_sector_equals_icc_aggregation_on_each_sector(sim):
    b = sim.behaviour[sim.behaviour["period"] == "2025Q4"]
    staff = sim.employees.set_index("employee_id")["sector"]
    out = reliability_by_sector(b, staff).set_index(["sector", "statistic"])
    for sector in ("kesehatan", "administrasi"):
        sub = b[b["employee_id"].map(staff).eq(sector) & b["rater_role"].ne("diri")]
        r = sub.groupby(["employee_id", "rater_id"], as_index=False)["score"].mean()
        ref = ek.icc_aggregation(r, "employee_id", "score").set_index("statistic")
        for stat in ("bliese_icc1", "bliese_icc2"):
            assert out.loc[(sector, stat), "estimate"] == pytest.approx(ref.loc[stat, "estimate"])
            assert out.loc[(sector, stat), "ci_low"] == pytest.approx(ref.loc[stat, "ci_low"])


def test_planted_gap_per_sector_lies_in_its_interval(sim, sector_of_unit):
    comparison = compare_sources(sim, WINDOW)
    table, cmp = gap_by_sector(comparison.units, sector_of_unit)
    planted = pd.Series(sim.truth["unit_gap_pomp"], dtype=float)
    eligible = comparison.units.loc[comparison.units["eligible"].astype(bool), "unit_id"]
    planted = planted.reindex(eligible).dropna()
    truth = planted.groupby(planted.index.map(sector_of_unit)).mean()
    t = table.set_index("sector")
    for sector, value in truth.items():
        assert t.loc[sector, "ci_low"] <= value <= t.loc[sector, "ci_high"], sector
    assert cmp is not None and cmp["closer"] != cmp["further"]


def test_gap_comparison_says_differ_only_when_welch_says_so():
    units = pd.DataFrame(
        {
            "unit_id": [f"A{i}" for i in range(6)] + [f"B{i}" for i in range(6)],
            "gap": [1, 2, 1, 2, 1, 2] + [20, 22, 21, 19, 20, 21],
            "eligible": True,
        }
    )
    sector = pd.Series(
        {u: ("kesehatan" if u[0] == "A" else "administrasi") for u in units["unit_id"]}
    )
    table, cmp = gap_by_sector(units, sector)
    assert cmp["closer"] == "kesehatan" and cmp["further"] == "administrasi" and cmp["differ"]
    units.loc[units["unit_id"].str.startswith("B"), "gap"] = [1, 3, 0, 2, 1, 2]
    _, cmp = gap_by_sector(units, sector)
    assert not cmp["differ"]
    t = table.set_index("sector")
    assert t.loc["kesehatan", "mean_gap"] == pytest.approx(1.5)
    half = 2.570582 * np.std([1, 2, 1, 2, 1, 2], ddof=1) / np.sqrt(6)  # t(.975, 5)
    assert t.loc["kesehatan", "ci_high"] == pytest.approx(1.5 + half, rel=1e-5)


def test_planted_training_effect_is_recovered_in_every_sector(sim):
    for sector in ("pendidikan", "kesehatan", "administrasi"):
        js = training_impact(sector_study(sim, sector), "2025Q4").to_json()
        assert js["ci_low"] <= sim.truth["training_effect"] <= js["ci_high"], sector


def test_ikm_comparison_needs_non_overlapping_intervals():
    skm = pd.DataFrame(
        {
            "sector": ["a", "b"],
            "ikm_converted": [80.0, 75.0],
            "ci_low": [79.0, 74.0],
            "ci_high": [81.0, 76.0],
        }
    )
    assert ikm_comparison(skm)["differ"]
    skm["ci_low"] = [74.5, 74.0]
    assert not ikm_comparison(skm)["differ"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_section_sentences_follow_their_tests(sim, language):
    labels = Labels(language)
    section = section_sectors(ReportContext(sim, "2025Q4", labels, min_cell=5))
    res = section.results
    cmp = res["gap"]["comparison"]
    key = "differ" if cmp["differ"] else "similar"
    text = labels(
        f"finding.sectors.gap_{key}",
        closer=labels.code("sector", cmp["closer"]),
        further=labels.code("sector", cmp["further"]),
        gap_closer=labels.number(cmp["abs_gap_closer"], 1),
        gap_further=labels.number(cmp["abs_gap_further"], 1),
        p=labels.number(cmp["p_val"], 3),
    )
    assert [f.text for f in section.findings] == [text]
    ikm = res["skm"]["comparison"]
    key = "differ" if ikm["differ"] else "similar"
    assert any(
        p.startswith(
            labels(f"text.sectors.ikm_{key}", high="", low="", ikm_high="", ikm_low="")[:12]
        )
        for p in section.paragraphs
    )
    train = res["training"]
    clear = ((train["ci_low"] > 0) | (train["ci_high"] < 0)).all()
    assert clear  # the planted effect is 0.3 in every sector
    assert (
        labels(
            "text.sectors.training_clear",
            names=", ".join(labels.code("sector", s) for s in train["sector"]),
        )
        in section.paragraphs
    )


def test_small_sectors_follow_min_cell(sim):
    labels = Labels("en")
    section = section_sectors(ReportContext(sim, "2025Q4", labels, min_cell=15))
    gap = section.results["gap"]["sectors"]
    small = gap[gap["n_units"] < 15]
    assert len(small) and small["mean_gap"].isna().all()
    # no comparison sentence names a masked sector
    masked = {labels.code("sector", s) for s in small["sector"]}
    assert not any(name in f for f in [f.text for f in section.findings] for name in masked)


def test_a_quarter_without_a_360_round_says_reliability_cannot_be_estimated(sim):
    labels = Labels("en")
    section = section_sectors(ReportContext(sim, "2025Q1", labels, min_cell=5))
    assert section.results["reliability"]["estimate"].isna().all()
    assert labels["text.sectors.reliability_none"] in section.paragraphs
