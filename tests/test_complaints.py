"""Citizens' complaints: the table's loader rules, the statistics against their peers and
hand computations, the planted truths of the simulator recovered, and the report's words
checked against its numbers in both languages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_io import assert_counts_add_up, quarantine_of, write_csv, write_study

import evalkit as ek
from evalkit.complaints import (
    HIGH_ITEM_RATING,
    complaint_handling,
    km_median,
    poisson_rate_ci,
    spearman_ci,
    wilson_ci,
)
from evalkit.io import load_study
from evalkit.labels import Labels
from evalkit.report.base import ReportContext
from evalkit.report.complaints import section_complaints

WINDOW = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]

# --------------------------------------------------------------------------------------
# loader
# --------------------------------------------------------------------------------------

HEADER = [
    "complaint_id",
    "unit_id",
    "employee_id",
    "received_date",
    "closed_date",
    "channel",
    "category",
    "status",
]


def test_complaints_rows_are_kept_or_quarantined_with_a_reason(tmp_path):
    rows = [
        HEADER,
        ["K1", "U2", "E2", "2025-02-01", "2025-02-10", "sp4n_lapor", "waktu", "selesai"],
        ["K2", "U2", "", "2025-03-01", "", "LAPOR", "Perilaku Petugas", "Open"],  # aliases
        ["K3", "U2", "", "2025-03-05", "2025-03-01", "unit", "biaya", "selesai"],  # closed < recv
        ["K4", "U2", "", "2025-03-05", "", "unit", "biaya", "selesai"],  # closed, no date
        ["K5", "U2", "", "2025-03-05", "2025-03-09", "unit", "biaya", "diproses"],  # date, open
        ["K6", "U9", "", "2025-03-05", "", "unit", "biaya", "terbuka"],  # unknown unit
        ["K7", "U1", "E99", "2025-03-05", "", "forum", "sarana", "terbuka"],  # unknown officer
        ["K8", "U1", "", "2025-03-05", "", "radio", "sarana", "terbuka"],  # unknown channel
        ["K1", "U1", "", "2025-04-05", "", "forum", "sarana", "terbuka"],  # key clash with K1
    ]
    folder = write_study(tmp_path / "s")
    write_csv(folder, "complaints", rows)
    study = load_study(folder)
    assert_counts_add_up(study)
    assert sorted(quarantine_of(study, "complaints.csv")) == [
        (2, "complaint_id", "K1"),
        (4, "closed_date", "2025-03-01"),
        (5, "closed_date", ""),
        (6, "status", "diproses"),
        (7, "unit_id", "U9"),
        (9, "channel", "radio"),
        (10, "complaint_id", "K1"),
    ]
    reasons = set(study.quarantine.loc[study.quarantine["file"] == "complaints.csv", "reason"])
    assert "closed_date is before received_date" in reasons
    assert any(r.startswith("status is selesai (closed) but closed_date is empty") for r in reasons)
    assert any(r.startswith("closed_date is filled but status is not selesai") for r in reasons)
    kept = study.complaints.set_index("complaint_id")
    assert sorted(kept.index) == ["K2", "K7"]
    assert kept.loc["K2", ["channel", "category", "status"]].tolist() == [
        "sp4n_lapor",
        "perilaku_petugas",
        "terbuka",
    ]
    # an unknown named officer keeps the row (optional reference) and is noted
    notes = study.summary.set_index("table").loc["complaints", "notes"]
    assert "employee_id names no row of employees.csv" in notes


def test_no_complaints_file_gives_an_empty_table(tmp_path):
    study = load_study(write_study(tmp_path / "s", skip=("complaints",)))
    assert (
        study.complaints.empty
        and list(study.complaints.columns) == ek.TABLES["complaints"].column_names
    )
    row = study.summary.set_index("table").loc["complaints"]
    assert row["file"] == "(absent)"


# --------------------------------------------------------------------------------------
# statistics against peers and hand computations
# --------------------------------------------------------------------------------------


def test_wilson_interval_equals_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    k = np.array([0, 3, 17, 40])
    n = np.array([10, 21, 20, 40])
    low, high = wilson_ci(k, n)
    ref_low, ref_high = proportion_confint(k, n, method="wilson")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)


def test_exact_poisson_interval_matches_the_published_garwood_limits():
    # Garwood (1936) 95% limits for a count of 0: [0, 3.689]; of 10: [4.795, 18.39]
    low, high = poisson_rate_ci([0, 10], [1.0, 1.0])
    np.testing.assert_allclose(low, [0.0, 4.795], atol=1e-3)
    np.testing.assert_allclose(high, [3.689, 18.39], atol=1e-2)
    low, high = poisson_rate_ci([10], [2.0])  # per unit of exposure
    assert low[0] == pytest.approx(4.795 / 2, abs=1e-3)


def test_spearman_estimate_is_scipys_and_the_interval_is_bonett_wright():
    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    out = spearman_ci(x, y)
    r = stats.spearmanr(x, y).statistic
    assert out["estimate"] == pytest.approx(r)
    se = np.sqrt((1 + r**2 / 2) / 37)
    assert out["ci_low"] == pytest.approx(np.tanh(np.arctanh(r) - 1.959964 * se), abs=1e-6)
    assert out["ci_high"] == pytest.approx(np.tanh(np.arctanh(r) + 1.959964 * se), abs=1e-6)


def test_km_median_without_open_complaints_is_the_first_time_half_are_settled():
    # survival after t: 4/5 (t=2), 3/5 (t=5), 2/5 (t=9) -> median 9 (first S < .5)
    assert km_median([2, 5, 9, 11, 30], [True] * 5)[0] == 9.0
    # an open complaint counts until it is censored: after 9 the estimate is 3/5 * 2/3
    med = km_median([2, 5, 9, 11, 30, 6], [True, True, True, True, True, False])[0]
    assert med == 9.0
    assert np.isnan(km_median([3, 4], [False, False])[0])


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["A", "B"],
            "sector": ["kesehatan", "administrasi"],
            "service_population": [4000, 1000],
        }
    )


def test_handling_counts_due_censored_and_flags_by_the_rule():
    end = pd.Timestamp("2025-12-31")
    rec = pd.to_datetime(
        # A: twelve complaints due (received >= 60 days before the end): one settled on
        # time, one late, ten never settled; one received late in the year (not yet due)
        ["2025-01-10"] * 12
        + ["2025-12-20"]
        # B: two due, both settled within 60 days
        + ["2025-03-01", "2025-04-01"]
    )
    closed = pd.to_datetime(
        ["2025-01-20", "2025-05-30"] + [None] * 10 + ["2025-12-22"] + ["2025-03-11", "2025-04-05"]
    )
    complaints = pd.DataFrame(
        {
            "complaint_id": [f"K{i}" for i in range(15)],
            "unit_id": ["A"] * 13 + ["B"] * 2,
            "employee_id": ["E1", "E1"] + [None] * 13,
            "received_date": rec,
            "closed_date": closed,
            "channel": "unit",
            "category": ["perilaku_petugas"] + ["waktu"] * 14,
            "status": ["selesai"] * 2 + ["diproses"] * 10 + ["selesai"] * 3,
        }
    )
    citizen = pd.DataFrame(
        {"period": "2025Q2", "unit_id": ["A"] * 5 + ["B"] * 5, "u8": [4, 4, 3, 3, 4] + [2] * 5}
    )
    r = complaint_handling(complaints, _units(), citizen, WINDOW, min_n=5)
    a = r.units.set_index("unit_id").loc["A"]
    assert a["n_complaints"] == 13 and a["n_due"] == 12 and a["n_within"] == 1
    assert a["n_open"] == 10 and a["n_overdue_open"] == 10
    assert a["rate_per_1000"] == pytest.approx(13 / 4.0)  # 4,000 a year, a full year
    assert a["share_within"] == pytest.approx(1 / 12)
    assert a["item_mean"] == pytest.approx(3.6) and a["item_high"]
    _, hi = wilson_ci(1, 12)
    assert a["share_ci_high"] == pytest.approx(hi[()]) and hi < 0.5
    assert a["flagged"]  # rated highly (3.6 >= 3.0644), whole interval below one half
    b = r.units.set_index("unit_id").loc["B"]
    assert not b["flagged"] and b["share_within"] == 1.0 and b["item_mean"] == 2.0
    assert r.flagged == ["A"]
    # open complaints are censored at the end of the window
    days = np.asarray((closed.fillna(end) - rec).days, float)[:13]
    settled = np.asarray(closed.notna())[:13]
    assert np.isnan(a["median_days"]) and np.isnan(km_median(days, settled)[0])
    assert r.regency["n_complaints"] == 15 and r.regency["n_due"] == 14
    assert r.regency["n_within"] == 3
    assert r.regency["by_category"] == {"perilaku_petugas": 1, "waktu": 14}
    assert r.officers.to_dict("records") == [
        {"employee_id": "E1", "unit_id": "A", "n_complaints": 2, "n_open": 0, "n_conduct": 1}
    ]
    js = r.to_json()
    assert "E1" not in str(js)  # officers never reach the shared results


def test_a_complaint_settled_after_the_window_is_open_on_its_last_day():
    complaints = pd.DataFrame(
        {
            "complaint_id": ["K1"],
            "unit_id": ["A"],
            "employee_id": [None],
            "received_date": pd.to_datetime(["2025-11-15"]),
            "closed_date": pd.to_datetime(["2026-02-01"]),
            "channel": "unit",
            "category": "waktu",
            "status": "selesai",
        }
    )
    r = complaint_handling(complaints, _units(), None, WINDOW)
    a = r.units.set_index("unit_id").loc["A"]
    assert a["n_settled"] == 0 and a["n_open"] == 1 and a["n_due"] == 0


# --------------------------------------------------------------------------------------
# planted truths
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sim():
    return ek.simulate(periods="2025Q1:2025Q4")


@pytest.fixture(scope="module")
def handled(sim):
    return complaint_handling(sim.complaints, sim.units, sim.citizen, WINDOW)


def test_the_planted_open_unit_and_only_it_is_flagged(sim, handled):
    truth = sim.truth["complaints"]
    assert truth["open_units"] and handled.flagged == truth["open_units"]
    u = handled.units.set_index("unit_id").loc[truth["open_units"][0]]
    assert u["item_mean"] >= HIGH_ITEM_RATING and u["share_ci_high"] < 0.5


def test_planted_rates_and_median_days_lie_in_their_intervals(sim, handled):
    truth = sim.truth["complaints"]
    u = handled.units.set_index("unit_id")
    rates = pd.Series(truth["rate_per_1000_per_year"])
    inside = (u.loc[rates.index, "rate_ci_low"] <= rates) & (
        rates <= u.loc[rates.index, "rate_ci_high"]
    )
    # 95% intervals: at least 90% of the units' planted rates are covered
    assert inside.mean() >= 0.90, inside[~inside]
    med = pd.Series(truth["median_days_to_settle"]).drop(truth["open_units"])
    enough = u.loc[med.index, "n_settled"] >= 10
    med = med[enough]
    # recorded days are whole days (floor of the continuous time): their median is floor(m)
    days = np.floor(med)
    inside = (u.loc[med.index, "median_ci_low"] <= days) & (
        days <= u.loc[med.index, "median_ci_high"]
    )
    assert len(med) >= 15 and inside.mean() >= 0.90


def test_planted_slow_units_settle_beyond_the_standard(sim, handled):
    truth = sim.truth["complaints"]
    u = handled.units.set_index("unit_id")
    others = u.drop(truth["slow_units"] + truth["open_units"])
    # everywhere else nearly all complaints due are settled on time
    assert others["n_within"].sum() / others["n_due"].sum() > 0.9
    for unit in truth["slow_units"]:
        assert u.loc[unit, "share_ci_high"] < 0.75, unit
        assert u.loc[unit, "median_ci_high"] > 60


# --------------------------------------------------------------------------------------
# the report's words
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_section_names_the_flagged_unit_and_states_what_the_numbers_say(sim, language):
    ctx = ReportContext(sim, "2025Q4", Labels(language), min_cell=5)
    section = section_complaints(ctx)
    labels = Labels(language)
    name = sim.units.set_index("unit_id").loc[sim.truth["complaints"]["open_units"][0], "name"]
    flagged = [f for f in section.findings if name in f.text]
    assert len(flagged) == 1 and flagged[0].attention  # drawn as something to act on
    res = section.results
    assert res["available"] and res["flagged"] == sim.truth["complaints"]["open_units"]
    a = res["agreement"]
    key = "agree" if a["ci_low"] > 0 else ("disagree" if a["ci_high"] < 0 else "unclear")
    expected = labels(
        f"text.complaints.triangulation_{key}",
        item="u8",
        rho=labels.number(a["estimate"], 2),
        low=labels.number(a["ci_low"], 2),
        high=labels.number(a["ci_high"], 2),
        units=a["n"],
    )
    assert expected in section.paragraphs
    reg = res["regency"]
    assert labels.integer(reg["n_complaints"]) in [f.text for f in section.findings][0]
    # small units: values masked below min_cell complaints, counts kept
    table = section.tables[0].frame
    small = table[table["n_complaints"] < 5]
    assert len(small) and small["rate_per_1000"].isna().all()
    assert (small["suppressed"] == "small_cell").all()
    assert "restricted" not in res and "employee_id" not in str(res)
    assert set(section.restricted) == {"complaint_officers"}


def test_section_without_complaints_says_so(small_study):
    study = small_study
    import dataclasses

    empty = dataclasses.replace(study, complaints=study.complaints.iloc[0:0])
    ctx = ReportContext(empty, "2025Q4", Labels("en"), min_cell=5)
    section = section_complaints(ctx)
    assert section.results == {"available": False}
    assert [f.text for f in section.findings] == [Labels("en")["finding.complaints.none"]]


def test_docstring_example_runs():
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("evalkit.complaints"))
    assert result.attempted > 0 and result.failed == 0


def test_validate_command_reports_the_complaints_file(tmp_path, capsys):
    from evalkit.io import validate_command

    rows = [
        HEADER,
        ["K1", "U2", "", "2025-02-01", "2025-01-10", "unit", "waktu", "selesai"],
        ["K2", "U2", "", "2025-02-01", "", "unit", "waktu", "terbuka"],
    ]
    folder = write_study(tmp_path / "s")
    write_csv(folder, "complaints", rows)
    validate_command(folder)
    out = capsys.readouterr().out
    assert "complaints.csv" in out
    assert "closed_date is before received_date" in out


def test_named_officers_reach_only_the_restricted_folder_pseudonymised(report_en, small_study):
    """The shared study run (`evalkit study`, English, small data): the officers named in
    complaints are listed under restricted/ with pseudonyms and appear nowhere else."""
    officers = pd.read_csv(report_en / "restricted" / "complaint_officers.csv")
    named = set(small_study.complaints["employee_id"].dropna())
    assert len(officers) and not (set(officers["employee_id"]) & named)
    assert officers["employee_id"].str.fullmatch(r"p[0-9a-f]{16}").all()
    shared = [p for p in report_en.rglob("*") if p.is_file() and "restricted" not in p.parts]
    text = "".join(
        p.read_text(errors="ignore") for p in shared if p.suffix in (".json", ".csv", ".html")
    )
    assert not any(f">{e}<" in text or f'"{e}"' in text for e in named)
    results = json.loads((report_en / "results.json").read_text())
    assert {"complaints", "competence", "sectors"} <= set(results)


def test_an_indonesian_complaints_export_is_read(tmp_path):
    rows = [
        [
            "ID Pengaduan",
            "Kode Unit Kerja",
            "ID Petugas yang Diadukan",
            "Tanggal Diterima",
            "Tanggal Selesai",
            "Saluran Pengaduan",
            "Kategori Pengaduan",
            "Status Pengaduan",
        ],
        ["LPR-1", "U2", "E2", "2025-02-01", "2025-02-10", "LAPOR", "Perilaku Petugas", "Selesai"],
    ]
    folder = write_study(tmp_path / "s", skip=("complaints",))
    write_csv(folder, "complaints", rows, name="pengaduan.csv")
    study = load_study(folder)
    assert study.quarantine.empty
    assert study.complaints[["complaint_id", "channel", "status"]].values.tolist() == [
        ["LPR-1", "sp4n_lapor", "selesai"]
    ]
