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
    # OUT/<period>/<language>/, and nothing half-built is left next to it
    assert report_id.name == "id" and report_id.parent.name == PERIOD
    assert [p.name for p in report_id.parent.iterdir()] == ["id"]
    assert [p.name for p in report_id.parent.parent.iterdir()] == [PERIOD]


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
    assert len(re.findall(r'<img src="data:image/png;base64,[^"]+" alt="[^"]+"', html)) >= 5
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
    assert labels("text.title", period=PERIOD) in html
    # the stakeholder page is the report's own: no notebook markup at all
    assert "jp-Cell" not in html and "<script" not in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_brief_comes_first_with_five_to_eight_findings(
    language, report_id, report_en, small_study
):
    from evalkit.scoring import score_study

    folder = {"id": report_id, "en": report_en}[language]
    html = (folder / "study.html").read_text(encoding="utf-8")
    labels = Labels(language)
    brief = html.index(f"<h2>{labels['section.summary.title']}</h2>")
    # nothing but the head comes before the brief; the contents follow it
    assert brief < html.index(f"<h2>{labels['text.contents']}</h2>")
    for key in ("data", "scoring", "reliability", "comparison", "training", "trend"):
        assert brief < html.index(f"<h2>{labels[f'section.{key}.title']}</h2>")
    findings = re.search(r'<ol class="evalkit-findings">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r'<li class="ek-finding[^"]*">(.*?)</li>', findings, re.S)
    assert 5 <= len(items) <= 8
    for item in items:
        sentence = re.search(r"<p>(.*?)</p>", item).group(1)
        assert re.search(r"\d", sentence), sentence  # each finding has its number
        assert 'class="ek-uncertain"' in item  # ... its uncertainty in words
        assert "<svg" in item  # ... and a sparkline
    predikat = score_study(small_study, PERIOD).employees["predikat"].dropna()
    share = predikat.isin(["sangat_baik", "baik"]).mean()
    expected = labels("brief.scoring", share=labels.percent(share), employees=len(predikat))
    assert f"<p>{expected}</p>" in items[0]
    # the contents link every section and the appendix
    for key in ("data", "scoring", "methods", "glossary"):
        assert f'href="#s-{key}"' in html and f'id="s-{key}"' in html
    assert 'href="#appendix"' in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_technical_names_live_in_the_methods_and_the_glossary(language, report_id, report_en):
    folder = {"id": report_id, "en": report_en}[language]
    html = (folder / "study.html").read_text(encoding="utf-8")
    labels = Labels(language)
    head_to_methods = html[: html.index('<section id="s-methods">')]
    body = re.sub(r"<[^>]+>", " ", head_to_methods)
    for jargon in (
        "permenpanrb_6_2022",
        "ICC(2) =",
        "ICC(2)",
        "FDR",
        "false discovery",
        "TOST",
        "d_z",
        "TWFE",
        "rwg",
        "Krejcie",
        "Callaway",
        "Nilai p:",
        "p-value",
    ):
        assert jargon not in body, jargon
    # ... and are explained there, once each, in the report's language
    methods = html[html.index('<section id="s-methods">') :]
    for term in ("icc", "fdr", "tost", "dz", "twfe", "rwg", "sample"):
        assert methods.count(f"<dt>{labels[f'glossary.{term}.term']}</dt>") == 1
    assert "PermenPANRB 6/2022" in methods
    r = _json(folder)
    icc = next(s for s in r["reliability"]["source_agreement"] if s["statistic"] == "ICC2")
    # the body says it plainly: "agreement ... is moderate (ICC 0.71)"
    plain = labels(
        "brief.reliability",
        band=labels.code("band", icc["band"]),
        estimate=labels.number(icc["estimate"], 2),
    )
    assert plain in html


def test_full_tables_are_in_a_closed_appendix_without_empty_columns(report_id):
    html = (report_id / "study.html").read_text(encoding="utf-8")
    labels = Labels("id")
    appendix = html[html.index('<details class="ek-appendix" id="appendix">') :]
    assert "<details" in appendix and " open" not in appendix.split(">")[0]
    body = html[: html.index('<details class="ek-appendix"')]
    # the per-unit tables are in the appendix, not in the body
    for name in ("scoring_units", "comparison_units", "clarity_units"):
        caption = labels[f"table.{name}"]
        assert f"<h4>{caption}</h4>" in appendix and caption not in body
    # the suppressed column is shown only where something was suppressed
    r = _json(report_id)
    hidden = [u for u in r["comparison"]["units"] if u["suppressed"] is not None]
    table = appendix[appendix.index(f"<h4>{labels['table.comparison_units']}</h4>") :]
    table = table[: table.index("</table>")]
    assert (f">{labels.column('suppressed')}<" in table) == bool(hidden)
    quarters = r["trend"]["periods"]
    if all(q["suppressed"] is None for q in quarters):
        table = appendix[appendix.index(f"<h4>{labels['table.trend']}</h4>") :]
        assert f">{labels.column('suppressed')}<" not in table[: table.index("</table>")]


def test_the_pdf_is_a4_with_cover_and_contents(report_id):
    from evalkit.report.pdf import render

    pdf = report_id / "study.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    doc = render((report_id / "study.html").read_text(encoding="utf-8"))
    a4 = (210 / 25.4 * 96, 297 / 25.4 * 96)
    assert all(
        (p.width, p.height) == (pytest.approx(a4[0]), pytest.approx(a4[1])) for p in doc.pages
    )
    # the contents' links point at pages after the cover and the brief
    anchors = {name: i for i, page in enumerate(doc.pages) for name in page.anchors}
    assert anchors["s-data"] >= 1 and anchors["appendix"] > anchors["s-methods"]


def test_tables_xlsx_has_localised_sheets_and_headers(report_id, report_en):
    for folder, language in ((report_id, "id"), (report_en, "en")):
        wb = load_workbook(folder / "tables.xlsx", read_only=True)
        labels = Labels(language)
        texts = set(catalogue(language).values())
        assert wb.sheetnames[0] == labels["sheet.summary"]
        assert labels["sheet.scoring_units"] in wb.sheetnames
        for ws in wb.worksheets[1:]:
            header = next(ws.iter_rows(min_row=3, max_row=3, values_only=True))
            raw = [h for h in header if h not in texts]
            assert raw == [], f"{language} {ws.title}: headers without a label {raw}"
        wb.close()
    ids = load_workbook(report_id / "tables.xlsx", read_only=True).sheetnames
    ens = load_workbook(report_en / "tables.xlsx", read_only=True).sheetnames
    assert len(ids) == len(ens) >= 10 and ids != ens


def test_tables_xlsx_is_formatted_for_officials(report_id):
    wb = load_workbook(report_id / "tables.xlsx")
    labels = Labels("id")
    summary = wb.worksheets[0]
    assert summary.title == "Ringkasan"
    assert summary["A1"].value == labels("text.title", period=PERIOD)
    column_a = [c.value for c in summary["A"] if c.value]
    assert labels["text.synthetic_banner"] in column_a  # the test data are simulated
    assert labels["text.sheet_finding"] in column_a
    names = wb.sheetnames
    assert len(names) == len({n.lower() for n in names}) and all(len(n) <= 31 for n in names)
    for ws in wb.worksheets[1:]:
        title = ws["A1"].value
        assert title.endswith(f"periode {PERIOD} · sumber data: shared-small-data"), title
        assert ws["A1"].font.b
        header = [c.value for c in ws[3] if c.value is not None]
        assert len(header) == len(set(header)), ws.title  # no duplicate headers
        assert all(c.font.b for c in ws[3] if c.value is not None)
        assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:")
        assert all(ws.column_dimensions[c].width >= 8 for c in "AB")
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                # never a live formula; numbers stay numbers
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    ws = wb[labels["sheet.scoring_units"]]
    header = [c.value for c in ws[3]]
    baik = header.index(labels.column("share_baik")) + 1
    shares = [ws.cell(row=i, column=baik) for i in range(4, ws.max_row + 1)]
    shares = [c for c in shares if c.value is not None]  # suppressed units are empty
    assert shares and all(c.number_format == "0.0%" for c in shares)
    assert all(isinstance(c.value, (int, float)) and 0 <= c.value <= 1 for c in shares)
    assert header[0] == labels.column("unit_name")  # the unit first
    # the always-empty column is not there when nothing of this table was suppressed
    r = _json(report_id)
    if all(u["suppressed"] is None for u in r["scoring"]["units"]):
        assert labels.column("suppressed") not in header
    ws = wb[labels["sheet.comparison_units"]]
    header = [c.value for c in ws[3]]
    q = header.index(labels.column("q_value")) + 1
    cells = [ws.cell(row=i, column=q) for i in range(4, ws.max_row + 1)]
    cells = [c for c in cells if c.value is not None]
    assert cells and all(c.number_format == '[<0.001]"< 0,001";0.000' for c in cells)
    assert all(isinstance(c.value, (int, float)) for c in cells)


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
    assert {"pandas", "papermill", "weasyprint"} <= set(m["dependencies"])
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
    # the reason in the report's language and its stable code
    assert list(q.columns) == ["file", "line", "column", "value", "reason", "code"]
