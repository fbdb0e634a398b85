"""Rapor unit: units.json, the scorecard's words, notebooks/unit.ipynb and --units.

The integration tests read the shared period-study run of the small simulated data
(``report_id``, tests/conftest.py) and check every number a scorecard shows against that
study's ``results.json``.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import papermill as pm
import pytest

from evalkit.labels import Labels
from evalkit.report.scorecard import Scorecard, find_units, index_html, load_units
from evalkit.report.unit import (
    MIN_PEERS,
    next_steps,
    pattern_corrections,
    peer_group,
    training_uptake,
    unit_trend,
)
from evalkit.scorecards import select_units, write_scorecards
from evalkit.scoring import check_distribution, skm_index

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "unit.ipynb"
ITEMS = [f"u{i}" for i in range(1, 10)]


def _results(report: Path) -> dict:
    return json.loads((report / "results.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------
# the pure functions
# ----------------------------------------------------------------------------------------
def test_pattern_corrections_give_the_bound_of_each_broken_rule():
    # baik: at most 70 % baik (floor 0.7 x 10 = 7); butuh_perbaikan or kurang must exist
    got = pattern_corrections({"sangat_baik": 1, "baik": 9}, "baik")
    assert [(c["rule"], c["current"], c["bound"]) for c in got] == [
        ("baik_above_max", 9, 7),
        ("butuh_perbaikan_or_kurang_missing", 0, 1),
    ]
    # butuh_perbaikan: at least 60 % (ceil 0.6 x 11 = 7)
    got = pattern_corrections({"butuh_perbaikan": 6, "baik": 5}, "butuh_perbaikan")
    assert [(c["rule"], c["current"], c["bound"]) for c in got] == [
        ("butuh_perbaikan_below_min", 6, 7)
    ]
    assert pattern_corrections({"baik": 7, "kurang": 3}, "baik") == []
    only = pattern_corrections({"sangat_baik": 1, "baik": 9}, "baik", rules=["baik_above_max"])
    assert [c["rule"] for c in only] == ["baik_above_max"]


@pytest.mark.parametrize("org", ["istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"])
def test_pattern_corrections_break_the_rules_check_distribution_reports(org):
    rng = np.random.default_rng(7)
    levels = ["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]
    for _ in range(40):
        counts = dict(
            zip(
                levels,
                rng.multinomial(rng.integers(10, 40), rng.dirichlet(np.ones(5))),
                strict=True,
            )
        )
        data = pd.DataFrame(
            {"unit_id": "u", "predikat": [p for p, n in counts.items() for _ in range(n)]}
        )
        checked = check_distribution(data, org_predikat=org).iloc[0]
        expected = [c for c in checked["violations"].split("; ") if c]
        assert [c["rule"] for c in pattern_corrections(counts, org)] == expected


def test_peer_groups_put_schools_with_schools_of_their_level_and_opd_with_opd():
    units = pd.DataFrame(
        {
            "unit_id": ["DINKES", "BAPPEDA", "SD01", "SMP01", "PKM01", "RSUD", "KEC01", "X"],
            "kind": [
                "dinas",
                "badan",
                "sekolah",
                "sekolah",
                "puskesmas",
                "rsud",
                "kecamatan",
                "lab",
            ],
            "name": [
                "Dinas",
                "Badan",
                "SD Negeri 001",
                "SMP Negeri 1",
                "Puskesmas",
                "RSUD",
                "Kec",
                "Lab",
            ],
        }
    )
    assert peer_group(units).tolist() == [
        "opd",
        "opd",
        "sd",
        "smp",
        "puskesmas",
        "rsud",
        "kecamatan",
        "lab",
    ]


def test_training_uptake_counts_courses_finished_by_the_end_of_the_period():
    from evalkit.io import Study

    employees = pd.DataFrame({"employee_id": ["a", "b", "c", "d"], "unit_id": ["u", "u", "u", "v"]})
    training = pd.DataFrame(
        {
            "employee_id": ["a", "a", "b", "d"],
            "end_date": pd.to_datetime(["2025-12-31", "2025-01-01", "2026-01-01", "2025-06-30"]),
        }
    )
    got = training_uptake(Study(employees=employees, training=training), "2025Q4")
    assert got.values.tolist() == [["u", 3, 1, 1 / 3], ["v", 1, 1, 1.0]]
    assert training_uptake(Study(employees=employees, training=training), "2025Q2")[
        "n_trained"
    ].tolist() == [1, 1]


def test_unit_trend_of_the_whole_regency_is_the_report_trend(small_study):
    from evalkit.report import supervisor_trend

    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    one = small_study
    staff = one.employees.assign(unit_id="ALL")
    from evalkit.io import Study

    pooled = Study(
        employees=staff,
        behaviour=one.behaviour,
        citizen=one.citizen.assign(unit_id="ALL"),
    )
    got = unit_trend(pooled, quarters).set_index("period")
    ref = supervisor_trend(one, quarters).set_index("period")
    assert got["supervisor_score"].to_numpy() == pytest.approx(ref["supervisor_score"].to_numpy())
    assert (got["n_ratees"] == ref["n_ratees"]).all()
    ikm = skm_index(one.citizen[one.citizen["period"] == "2025Q4"])["ikm_converted"].iloc[0]
    assert got.at["2025Q4", "ikm"] == pytest.approx(ikm)


def _unit(**blocks):
    base = {
        "peer_group": "puskesmas",
        "predikat": {"n_scored": 20, "ok": True},
        "skm": {"n": 400, "n_required": 300, "n_sufficient": True, "ikm": 90.0, "mutu": "A"},
        "comparison": {"available": True, "flagged": False},
        "reliability": {"band": "good", "icc": 0.8},
        "clarity": {"n_indicators": 10, "n_unclear": 0},
        "training": {"share_trained": 0.6, "vs_peers": "above"},
    }
    for k, v in blocks.items():
        base[k] = {**base[k], **v}
    return base


PEERS = {"puskesmas": {"ikm": {"median": 80.0}, "share_trained": {"median": 0.5}}}


def test_next_steps_take_the_problems_first_in_order_and_always_three():
    unit = _unit(
        predikat={
            "ok": False,
            "corrections": [
                {
                    "rule": "baik_above_max",
                    "kind": "max",
                    "predikat": ["baik"],
                    "percent": 70,
                    "current": 18,
                    "bound": 14,
                    "n": 20,
                }
            ],
        },
        comparison={"flagged": True, "gap": 25.0, "ci_low": 18.0, "ci_high": 32.0},
        skm={"n": 120, "n_sufficient": False},
        clarity={"n_unclear": 2},
    )
    steps = next_steps(unit, PEERS)
    assert [s["code"] for s in steps] == ["pattern", "comparison_review", "skm_sample"]
    assert steps[0]["bound"] == 14 and steps[2]["n_required"] == 300
    # nothing wrong: three steps that keep what works, each with its number
    steps = next_steps(_unit(), PEERS)
    assert [s["code"] for s in steps] == ["keep_survey", "keep_indicators", "keep_pattern"]
    assert steps[0]["n"] == 400
    # a unit below its peers in IKM and training
    steps = next_steps(
        _unit(skm={"ikm": 70.0, "mutu": "C"}, training={"share_trained": 0.2, "vs_peers": "below"}),
        PEERS,
    )
    assert [s["code"] for s in steps] == ["skm_low", "training", "keep_indicators"]
    assert steps[0]["peer_median"] == 80.0


# ----------------------------------------------------------------------------------------
# units.json against results.json (the shared small study)
# ----------------------------------------------------------------------------------------
def test_units_json_numbers_are_the_period_studys_numbers(report_id, run_params):
    data = load_units(report_id)
    results = _results(report_id)
    assert data["period"] == results["period"] and data["min_cell"] == run_params["min_cell"]
    scoring = {r["unit_id"]: r for r in results["scoring"]["units"]}
    skm = {r["unit_id"]: r for r in results["scoring"]["skm"]}
    gaps = {r["unit_id"]: r for r in results["comparison"]["units"]}
    icc = {r["unit_id"]: r for r in results["reliability"]["source_agreement_units"]}
    shown = 0
    for uid, u in data["units"].items():
        row = scoring.get(uid)
        if row and row["suppressed"] is None and row["n_scored"]:
            shown += 1
            for p, share in u["predikat"]["shares"].items():
                assert share == pytest.approx(row[f"share_{p}"])
                assert u["predikat"]["counts"][p] == round(row[f"share_{p}"] * row["n_scored"])
            assert u["predikat"]["ok"] == row["ok"]
        else:
            assert "counts" not in u["predikat"]
        if uid in skm and skm[uid]["ikm_converted"] is not None:
            assert u["skm"]["ikm"] == pytest.approx(skm[uid]["ikm_converted"])
            assert u["skm"]["ci_low"] < u["skm"]["ikm"] < u["skm"]["ci_high"]
            if "ci_low" in skm[uid]:
                assert u["skm"]["ci_low"] == pytest.approx(skm[uid]["ci_low"])
            assert u["skm"]["n_required"] == skm[uid]["n_required"]
        else:
            assert u["skm"].get("ikm") is None
        if uid in gaps and gaps[uid]["gap"] is not None:
            assert u["comparison"]["gap"] == pytest.approx(gaps[uid]["gap"])
            assert u["comparison"]["flagged"] == gaps[uid]["flagged"]
            assert u["comparison"]["higher_rater"] == gaps[uid]["higher_rater"]
            assert u["comparison"]["vs_regency"] == gaps[uid]["vs_regency"]
        else:
            assert u["comparison"].get("gap") is None
        if uid in icc and icc[uid]["estimate"] is not None:
            assert u["reliability"]["icc"] == pytest.approx(icc[uid]["estimate"])
    assert shown >= 2


def test_every_figure_in_units_json_rests_on_at_least_min_cell_people(report_id, run_params):
    m = run_params["min_cell"]
    data = load_units(report_id)
    for u in data["units"].values():
        if "counts" in u["predikat"]:
            assert u["predikat"]["n_scored"] >= m
        if u["skm"].get("ikm") is not None:
            assert u["skm"]["n"] >= m
        if u["comparison"].get("gap") is not None:
            assert min(u["comparison"]["n_citizen"], u["comparison"]["n_supervisor"]) >= m
        if u["reliability"].get("icc") is not None:
            assert u["reliability"]["n_ratees"] >= m
        if u["training"].get("share_trained") is not None:
            assert u["training"]["n_employees"] >= m
        for q in u["trend"]:
            assert q["supervisor_score"] is None or q["n_ratees"] >= m
            assert q["ikm"] is None or q["n_citizen"] >= m
    for group in data["peer_groups"].values():  # a peer median needs MIN_PEERS units
        for stat in ("ikm", "gap", "icc", "share_trained"):
            assert (group[stat]["median"] is None) == (group[stat]["n"] < MIN_PEERS)


# ----------------------------------------------------------------------------------------
# the words
# ----------------------------------------------------------------------------------------
def _first(data: dict, test) -> str:
    for uid, u in sorted(data["units"].items()):
        if test(u):
            return uid
    pytest.skip("no unit of that shape in the small data")


@pytest.mark.parametrize("language", ["id", "en"])
def test_scorecard_says_what_the_numbers_say(report_id, language):
    data = load_units(report_id)
    labels = Labels(language)
    # a unit outside its pattern: the sentence quotes the counted staff and the bound
    uid = _first(data, lambda u: bool(u["predikat"].get("corrections")))
    c = data["units"][uid]["predikat"]["corrections"][0]
    page = Scorecard(data, uid, language).to_html()
    assert f'lang="{language}"' in page
    if c["kind"] == "max":
        expected = {"id": f"paling banyak {c['bound']}", "en": f"at most {c['bound']}"}[language]
        assert expected in page
    # a compared unit: who rates higher is the sign of the interval
    uid = _first(data, lambda u: u["comparison"].get("gap") is not None)
    cmp = data["units"][uid]["comparison"]
    page = Scorecard(data, uid, language).to_html()
    if cmp["ci_low"] > 0:
        words = {"id": "Atasan menilai", "en": "Supervisors rate"}[language]
    elif cmp["ci_high"] < 0:
        words = {"id": "Warga menilai", "en": "Citizens rate"}[language]
    else:
        words = {"id": "Tidak ada perbedaan yang jelas", "en": "No clear difference"}[language]
    assert words in page
    assert labels.number(abs(cmp["gap"]), 1) in page
    review = {"id": "Perlu ditinjau", "en": "To review"}[language]
    assert (review in page) == (cmp["flagged"] is True)
    peers = data["peer_groups"][data["units"][uid]["peer_group"]]["gap"]
    if peers["median"] is not None:
        position = (
            "above"
            if cmp["ci_low"] > peers["median"]
            else "below"
            if cmp["ci_high"] < peers["median"]
            else "similar"
        )
        assert cmp["vs_peers"] == position
        assert labels.number(peers["median"], 1) in page
    centre = data["regency"]["gap_centre"]
    typical = {"id": "atasan biasanya menilai", "en": "supervisors typically rate"}[language]
    assert (typical in page) == (centre >= 0)
    flipped = {**data, "regency": {**data["regency"], "gap_centre": -abs(centre)}}
    page = Scorecard(flipped, uid, language).to_html()
    typical = {"id": "warga biasanya menilai", "en": "citizens typically rate"}[language]
    assert f"{typical} {labels.number(abs(centre), 1)}" in page
    # a unit too small to judge says so and shows no predikat table
    uid = _first(data, lambda u: u["predikat"].get("suppressed") == "small_cell")
    page = Scorecard(data, uid, language).to_html()
    assert {"id": "Tidak ditampilkan", "en": "Not shown"}[language] in page
    assert labels.code("predikat", "sangat_baik") not in page.split(labels["unit.steps.title"])[0]


def test_scorecard_refuses_a_lower_min_cell_and_masks_with_a_higher_one(report_id, run_params):
    data = load_units(report_id)
    uid = _first(data, lambda u: u["skm"].get("ikm") is not None)
    with pytest.raises(ValueError, match="below the period report"):
        Scorecard(data, uid, "en", min_cell=run_params["min_cell"] - 1)
    n = data["units"][uid]["skm"]["n"]
    card = Scorecard(data, uid, "en", min_cell=n + 1)
    assert card.unit["skm"].get("ikm") is None
    assert f"rest on {n} people, fewer than {n + 1}" in card.to_html()
    with pytest.raises(KeyError, match="no unit 'NOPE'"):
        Scorecard(data, "NOPE")
    # a figure withheld only so that another unit's cannot be worked out says so
    units = {
        **data["units"],
        uid: {**data["units"][uid], "skm": {"n": n, "suppressed": "complementary"}},
    }
    page = html.unescape(Scorecard({**data, "units": units}, uid, "en").to_html())
    assert "a smaller unit's hidden figure could be worked out" in page
    assert f"rest on {n} people" not in page


def test_index_links_every_unit_once_grouped_by_kind(report_id):
    data = load_units(report_id)
    page = index_html(data, "en")
    for uid in data["units"]:
        assert page.count(f'href="{uid}.html"') == 1
        assert page.count(f'href="{uid}.pdf"') == 1
    assert "Primary schools (SD)" in page
    flagged = sum(u["comparison"].get("flagged") is True for u in data["units"].values())
    compared = sum(u["comparison"].get("flagged") is not None for u in data["units"].values())
    assert page.count(">to review<") == flagged
    assert page.count(">within expected range<") == compared - flagged


# ----------------------------------------------------------------------------------------
# the notebook and the command
# ----------------------------------------------------------------------------------------
def test_papermill_documents_the_unit_parameters():
    params = pm.inspect_notebook(str(NOTEBOOK))
    assert list(params)[:5] == ["unit_id", "period", "data_dir", "language", "min_cell"]
    assert params["min_cell"]["inferred_type_name"] == "int"
    assert all(p["help"] for p in params.values())


def test_unit_notebook_for_two_kinds_of_unit_shows_the_period_studys_numbers(
    report_id, tmp_path, small_study
):
    from evalkit.privacy import scan_for_identifiers

    data = load_units(report_id)
    results = _results(report_id)
    skm = {r["unit_id"]: r for r in results["scoring"]["skm"]}
    gaps = {r["unit_id"]: r for r in results["comparison"]["units"]}
    shown = [
        uid
        for uid, u in sorted(data["units"].items())
        if u["skm"].get("ikm") is not None and u["comparison"].get("gap") is not None
    ]
    by_kind: dict[str, str] = {}
    for uid in shown:
        by_kind.setdefault(data["units"][uid]["peer_group"], uid)
    assert len(by_kind) >= 2, "the small data should have two kinds of unit with figures"
    picks = list(by_kind.items())[:2]
    for (group, uid), language in zip(picks, ["id", "en"], strict=True):
        out = tmp_path / uid
        pm.execute_notebook(
            str(NOTEBOOK),
            str(tmp_path / f"{uid}.ipynb"),
            parameters={
                "unit_id": uid,
                "period": results["period"],
                "language": language,
                "report_dir": str(report_id),
                "output_dir": str(out),
            },
            kernel_name="evalkit",
            progress_bar=False,
        )
        page = (out / f"{uid}.html").read_text(encoding="utf-8")
        labels = Labels(language)
        assert labels.number(skm[uid]["ikm_converted"], 2) in page
        assert labels.number(abs(gaps[uid]["gap"]), 1) in page
        assert labels.code("peer_group", group) in page
        assert (out / f"{uid}.pdf").read_bytes()[:5] == b"%PDF-"
        assert scan_for_identifiers(out / f"{uid}.html", small_study).empty


def test_find_units_reads_the_saved_report(report_id, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(report_id, reports / "2025Q4")
    got = find_units("2025Q4", reports=reports, data_dir="/nonexistent")
    assert got == load_units(report_id)
    with pytest.raises(FileNotFoundError, match="run the period study first"):
        find_units("2025Q4", report_dir=tmp_path)


def test_write_scorecards_writes_pages_pdfs_and_index_atomically(report_id, tmp_path, small_study):
    report = tmp_path / "2025Q4"
    shutil.copytree(report_id, report)
    data = load_units(report)
    ids = sorted(data["units"])[:2]
    run = write_scorecards(report, ",".join(ids), language="en", study=small_study, jobs=2)
    assert run.folder == report / "units"
    names = sorted(p.name for p in run.folder.iterdir())
    assert names == sorted([f"{u}.html" for u in ids] + [f"{u}.pdf" for u in ids] + ["index.html"])
    assert not list(report.glob(".tmp-units-*"))
    index = (run.folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{u}.html"' in index for u in ids)
    assert set(run.timing) >= {"load", "render", "html", "pdf", "index", "scan", "total"}
    with pytest.raises(ValueError, match="unknown unit"):
        write_scorecards(report, "NOPE")
    assert sorted(p.name for p in run.folder.iterdir()) == names  # left as it was


def test_select_units_and_study_refuse_unknown_units_before_running(small_data, tmp_path):
    from evalkit.study import run_study

    assert select_units(["B", "A"], "all") == ["A", "B"]
    assert select_units(["A", "B", "C"], " C, A ,C") == ["C", "A"]
    with pytest.raises(ValueError, match="unknown unit"):
        run_study("2025Q4", small_data, tmp_path / "out", units="NOPE,PKM01", progress=False)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_command_says_which_unit_is_unknown(small_data, tmp_path, capsys):
    from evalkit.cli import main

    code = main(["study", "--data", str(small_data), "--out", str(tmp_path), "--units", "NOPE"])
    assert code == 2
    assert "unknown unit(s) NOPE" in capsys.readouterr().err


def test_a_years_scorecards_pool_its_quarters(small_study):
    from evalkit.report import build_report

    data = build_report(small_study, "2025", min_cell=8).units
    assert data["period"] == "2025"
    assert data["quarters"] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    responses = small_study.citizen.groupby("unit_id").size()
    for uid, u in data["units"].items():
        assert u["skm"]["n"] == responses.get(uid, 0)
        assert len(u["trend"]) == 4
    page = Scorecard(data, sorted(data["units"])[0], "en").to_html()
    assert "Unit scorecard:" in page and ", 2025</h1>" in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_unit_without_enough_peers_is_compared_with_the_regency_only(report_id, language):
    data = load_units(report_id)
    uid = _first(data, lambda u: data["peer_groups"][u["peer_group"]]["n_units"] < MIN_PEERS)
    page = html.unescape(Scorecard(data, uid, language).to_html())
    alone = {
        "id": "Hanya dibandingkan dengan seluruh kabupaten",
        "en": "Compared with the whole regency only",
    }
    assert alone[language] in page
    median = {"id": "median", "en": "median"}[language]
    assert median not in page  # no peer median is quoted
    uid = _first(data, lambda u: data["peer_groups"][u["peer_group"]]["n_units"] >= MIN_PEERS)
    assert alone[language] not in html.unescape(Scorecard(data, uid, language).to_html())
