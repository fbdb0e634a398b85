"""The period study end to end: `evalkit study` on a small simulated data set.

The two runs (Bahasa Indonesia and English, ``min_cell`` = 8) are shared session
fixtures (tests/conftest.py); every test here reads their outputs.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

from evalkit.labels import Labels, catalogue
from evalkit.privacy import pseudonymise, scan_for_identifiers
from evalkit.study import SHARED_OUTPUTS

PERIOD = "2025Q4"  # as tests/conftest.py runs it


def _json(folder: Path, name: str = "results.json"):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def test_the_report_folder_holds_every_output(report_id):
    names = {p.name for p in report_id.iterdir()}
    assert names == set(SHARED_OUTPUTS) | {"restricted"}
    restricted = {p.name for p in (report_id / "restricted").iterdir()}
    assert {"README.txt", "quarantine.csv", "employee_predikat.csv"} <= restricted
    # nothing half-built is left next to it
    assert [p.name for p in report_id.parent.iterdir()] == [PERIOD]


def test_results_json_has_the_key_numbers(report_id, small_study, run_params):
    r = _json(report_id)
    assert {"period", "scoring", "reliability", "comparison", "training", "data"} <= set(r)
    assert r["period"] == PERIOD and r["min_cell"] == run_params["min_cell"]
    summary = small_study.summary
    assert r["data"]["rows_read"] == int(summary["rows_read"].sum())
    assert r["data"]["rows_kept"] == int(summary["rows_kept"].sum())
    assert r["data"]["rows_read"] == r["data"]["rows_kept"] + r["data"]["rows_quarantined"]


def test_results_json_numbers_come_from_the_analysis_functions(report_id, small_study):
    import evalkit as ek
    from evalkit.reliability.report import assess_reliability
    from evalkit.report import comparison_window
    from evalkit.report.comparison import without_units
    from evalkit.scoring import score_study

    r = _json(report_id)
    scored = score_study(small_study, PERIOD)
    assert r["scoring"]["n_employees_scored"] == int(scored.employees["predikat"].notna().sum())
    training = ek.training_impact(small_study, PERIOD).to_json()
    assert r["training"]["estimate"] == pytest.approx(training["estimate"], rel=1e-9)
    assert r["training"]["n_treated"] == training["n_treated"]
    window = comparison_window(small_study, PERIOD)
    assert len(window) == 4 and window[-1] == PERIOD  # a trailing year of quarters
    # pooled figures leave out the units whose values are suppressed (differencing)
    hidden = set(r["comparison"]["pooled_without_units"])
    assert hidden
    comparison = ek.compare_sources(without_units(small_study, hidden), window).to_json()
    assert r["comparison"]["offset"]["estimate"] == pytest.approx(
        comparison["offset"]["estimate"], rel=1e-9
    )
    rel = assess_reliability(small_study, PERIOD)
    assert r["reliability"]["aggregation"]["verdict"] == rel.aggregation["verdict"]


def test_results_json_is_the_same_in_both_languages(report_id, report_en):
    # two independent runs: also shows that the numbers do not change between reruns
    assert (report_id / "results.json").read_bytes() == (report_en / "results.json").read_bytes()


def test_small_cells_are_suppressed_in_the_shared_results(report_id, run_params):
    units = _json(report_id)["scoring"]["units"]
    small = [u for u in units if 0 < u["n_scored"] < run_params["min_cell"]]
    assert small, "the small data set should have units below min_cell"
    for u in small:
        assert u["suppressed"] == "small_cell"
        assert u["share_baik"] is None and u["mean_behaviour"] is None and u["ok"] is None
    shown = [u for u in units if u["suppressed"] is None]
    assert all(u["share_baik"] is not None for u in shown if u["n_scored"] > 0)
    hidden = sum(u["suppressed"] is not None for u in units)
    assert hidden != 1  # a single hidden unit could be recovered from the regency total
    for u in _json(report_id)["comparison"]["units"]:
        if min(u["n_citizen"], u["n_supervisor"]) < run_params["min_cell"]:
            assert u["gap"] is None and u["flagged"] is None


def test_html_has_no_code_no_prompts_no_parameters_and_no_network(report_id):
    html = (report_id / "study.html").read_text(encoding="utf-8")
    for code in (
        "build_report",
        "report.show",
        "write_outputs",
        "import ",
        "output_dir",
        "papermill_description",
        'class="jp-InputPrompt',
        'class="jp-OutputPrompt',
        'class="jp-InputArea',
        "In&nbsp;[",
    ):
        assert code not in html, code
    assert not re.search(r"<script\b[^>]*\bsrc=|<link\b[^>]*href=[\"']https?:", html)
    assert "https://cdn" not in html
    assert not re.search(r"<script\b[^>]*>[^<]*mathjax", html, re.I)
    assert html.count('<img alt="') >= 5
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 5
    assert '<html lang="id">' in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_html_is_in_the_report_language(language, report_id, report_en):
    folder = {"id": report_id, "en": report_en}[language]
    html = (folder / "study.html").read_text(encoding="utf-8")
    labels = Labels(language)
    for key in (
        "summary",
        "data",
        "scoring",
        "reliability",
        "comparison",
        "training",
        "trend",
        "methods",
    ):
        assert f"<h2>{labels[f'section.{key}.title']}</h2>" in html
    other = Labels("en" if language == "id" else "id")
    assert other["section.methods.title"] not in html
    findings = re.search(r'<ul class="evalkit-findings">(.*?)</ul>', html, re.S).group(1)
    assert findings.count("<li>") >= 8  # data, clarity, scoring, SKM, reliability, ...
    r = _json(folder)
    rows = labels.integer(r["data"]["rows_read"])
    assert (
        f"<li>{labels('finding.data', read=r['data']['rows_read'], quarantined=r['data']['rows_quarantined'], share=labels.percent(r['data']['rows_quarantined'] / r['data']['rows_read']))}</li>"
        in findings
    )
    assert rows in findings
    assert labels("text.title", period=PERIOD) in html


def test_tables_xlsx_has_localised_sheets_and_headers(report_id, report_en):
    for folder, language in ((report_id, "id"), (report_en, "en")):
        wb = load_workbook(folder / "tables.xlsx", read_only=True)
        texts = set(catalogue(language).values())
        assert Labels(language)["table.scoring_units"] in wb.sheetnames
        for ws in wb.worksheets:
            header = next(ws.iter_rows(max_row=1, values_only=True))
            raw = [h for h in header if h not in texts]
            assert raw == [], f"{language} {ws.title}: headers without a label {raw}"
        wb.close()
    ids = load_workbook(report_id / "tables.xlsx", read_only=True).sheetnames
    ens = load_workbook(report_en / "tables.xlsx", read_only=True).sheetnames
    assert len(ids) == len(ens) >= 10 and ids != ens


def test_no_shared_output_carries_a_name_nip_or_employee_id(report_id, report_en, small_study):
    shared = [folder / name for folder in (report_id, report_en) for name in SHARED_OUTPUTS]
    hits = scan_for_identifiers(shared, small_study)
    assert hits.empty, hits.groupby(["source", "kind"]).size().to_dict()
    assert hits.attrs["unscannable_ids"] == []  # every id of the input was looked for
    # the scanner does find them when they are there: plant one of each kind
    emp = small_study.employees.iloc[7]
    html = (report_id / "study.html").read_text(encoding="utf-8")
    planted = html.replace("</body>", f"<p>{emp['name']} {emp['nip']} {emp['employee_id']}</p>")
    found = scan_for_identifiers({"planted": planted}, small_study)
    assert set(found["kind"]) == {"name", "nip", "employee_id"}


def test_restricted_lists_are_pseudonymised_and_the_key_is_nowhere(
    report_id, small_study, run_params
):
    import pandas as pd

    lst = pd.read_csv(report_id / "restricted" / "employee_predikat.csv", dtype=str)
    assert "name" not in lst.columns and "nip" not in lst.columns
    expected = set(pseudonymise(small_study.employees["employee_id"], run_params["key"]))
    assert set(lst["employee_id"]) <= expected and len(lst) > 100
    assert not set(lst["employee_id"]) & set(small_study.employees["employee_id"])
    for path in report_id.rglob("*"):
        if path.is_file():
            assert run_params["key"].encode() not in path.read_bytes(), path


def test_manifest_records_inputs_parameters_versions_and_time(report_id, small_data, run_params):
    m = _json(report_id, "manifest.json")
    files = {f["file"]: f for f in m["inputs"]}
    assert "employees.csv" in files and "behaviour.csv" in files
    data = (small_data / "employees.csv").read_bytes()
    assert files["employees.csv"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert m["parameters"] == {
        "period": PERIOD,
        "data_dir": str(small_data.resolve()),
        "language": "id",
        "min_cell": run_params["min_cell"],
        "rules": "permenpanrb_6_2022",
    }
    assert {"pandas", "papermill", "nbconvert"} <= set(m["dependencies"])
    assert m["evalkit"] and m["python"]
    t = m["timing"]
    assert t["kernel_start"] > 0 and t["cells"]["analysis"] > 0 and t["render_seconds"] > 0
    outputs = {o["file"]: o["sha256"] for o in m["outputs"]}
    assert (
        outputs["results.json"]
        == hashlib.sha256((report_id / "results.json").read_bytes()).hexdigest()
    )


def test_executed_notebook_keeps_the_injected_parameters(report_id):
    nb = nbformat.read(report_id / "study.ipynb", as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    injected = [c for c, t in zip(nb.cells, tags, strict=True) if "injected-parameters" in t]
    assert len(injected) == 1 and f'period = "{PERIOD}"' in injected[0].source
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def test_quarantine_csv_is_written(report_id):
    import pandas as pd

    q = pd.read_csv(report_id / "quarantine.csv")
    assert list(q.columns) == ["file", "line", "column", "value", "reason"]
