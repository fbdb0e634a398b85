"""The Excel collection kit (``evalkit template``): its structure, and the round trip of
data written into it and read back (issue 16)."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from evalkit.cli import main
from evalkit.io import load_study
from evalkit.kit import sheet_name, write_template
from evalkit.labels import Labels
from evalkit.report import build_report
from evalkit.tables import CODES, SKM_ITEMS, TABLES, kit_header

PERIOD = "2025Q4"


@pytest.fixture(scope="module")
def template(tmp_path_factory, small_study):
    """An Indonesian kit whose id lists come from the small data (not filled)."""
    out = tmp_path_factory.mktemp("kit") / "kit.xlsx"
    assert main(["template", "--out", str(out)]) == 0  # the command works without data
    return write_template(out, data=small_study)


def _validations(ws) -> dict[str, object]:
    """Column letter → its data validation."""
    return {
        str(dv.sqref).split(":")[0].rstrip("1"): dv for dv in ws.data_validations.dataValidation
    }


def _list_values(wb, formula: str) -> list[object]:
    sheet, cells = formula.split("!")
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in row]


def test_the_kit_has_instructions_a_sheet_per_table_and_a_hidden_list_sheet(template):
    wb = openpyxl.load_workbook(template)
    expected = ["Petunjuk", *(sheet_name(t) for t in TABLES), "Daftar"]
    assert wb.sheetnames == expected
    assert wb["Daftar"].sheet_state == "hidden"
    text = "\n".join(str(c) for row in wb["Petunjuk"].iter_rows(values_only=True) for c in row if c)
    assert "Lima kesalahan yang membuat baris hilang" in text
    assert "Kolom NIP sudah berformat Teks" in text
    for name in TABLES:  # what each sheet is for and who fills it
        assert Labels("id")[f"kit.what.{name}"] in text
        assert Labels("id")[f"kit.who.{name}"] in text


def test_every_sheet_has_frozen_indonesian_headers_with_an_input_message(template):
    wb = openpyxl.load_workbook(template)
    for name, table in TABLES.items():
        ws = wb[sheet_name(name)]
        assert ws.freeze_panes == "A2"
        headers = [c.value for c in ws[1]]
        assert headers == [kit_header(name, c.name) for c in table.columns]
        validations = _validations(ws)
        assert len(validations) == len(table.columns)
        for i, c in enumerate(table.columns):
            dv = validations[openpyxl.utils.get_column_letter(i + 1)]
            assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255
            assert ("Wajib diisi." if c.required else "Boleh kosong.") in dv.prompt


def test_nip_is_text_dates_are_dates_and_coded_columns_have_drop_downs(template, small_study):
    wb = openpyxl.load_workbook(template)
    labels = Labels("id")
    ws = wb["Pegawai"]
    assert ws.column_dimensions["B"].number_format == "@"  # NIP
    assert ws.column_dimensions["K"].number_format == "DD/MM/YYYY"  # Tanggal Lahir
    for name, table in TABLES.items():
        validations = _validations(wb[sheet_name(name)])
        for i, c in enumerate(table.columns):
            dv = validations[openpyxl.utils.get_column_letter(i + 1)]
            if c.codes is not None:
                assert dv.type == "list"
                values = _list_values(wb, dv.formula1)
                assert values == [labels.code(c.codes, code) for code in CODES[c.codes]]
            elif c.name in SKM_ITEMS:
                assert dv.type == "list" and _list_values(wb, dv.formula1) == [1, 2, 3, 4]
            elif c.dtype == "date":
                assert dv.type == "date"
    behaviour = _validations(wb["Perilaku Kerja"])
    assert (behaviour["F"].type, behaviour["F"].formula1, behaviour["F"].formula2) == (
        "whole",
        "1",
        "5",
    )
    # units and indicators from --data: the lists hold their ids
    results = _validations(wb["Hasil Kerja"])
    indicators = _list_values(wb, results["C"].formula1)
    assert indicators == sorted(small_study.indicators["indicator_id"])
    units = _list_values(wb, _validations(wb["Pegawai"])["D"].formula1)
    assert units == sorted(small_study.units["unit_id"])


def test_without_data_the_id_lists_point_at_the_kits_own_sheets(tmp_path):
    out = write_template(tmp_path / "kit.xlsx")
    wb = openpyxl.load_workbook(out)
    employees = _validations(wb["Pegawai"])
    assert employees["D"].formula1 == "'Unit Kerja'!$A$2:$A$20000"
    assert _validations(wb["Hasil Kerja"])["B"].formula1 == "'Pegawai'!$A$2:$A$20000"


def test_a_filled_kit_reads_back_with_zero_quarantine_and_the_same_results(small_study, tmp_path):
    out = write_template(tmp_path / "kit.xlsx", data=small_study, fill=True)
    ws = openpyxl.load_workbook(out, read_only=True)["Pegawai"]
    second = next(ws.iter_rows(min_row=2, max_row=2))
    assert second[1].number_format == "@" and isinstance(second[1].value, str)  # NIP as text
    study = load_study(out)
    assert study.quarantine.empty
    assert study.summary["rows_read"].tolist() == [len(getattr(small_study, t)) for t in TABLES]
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(study, name), getattr(small_study, name), obj=name)
    assert (
        build_report(study, PERIOD, min_cell=8).results
        == build_report(small_study, PERIOD, min_cell=8).results
    )


def test_an_english_kit_reads_back_too(small_study, tmp_path):
    out = write_template(tmp_path / "kit_en.xlsx", data=small_study, language="en", fill=True)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "Instructions"
    study = load_study(out)
    assert study.quarantine.empty
    pd.testing.assert_frame_equal(study.behaviour, small_study.behaviour)


@pytest.mark.slow
def test_the_shipped_data_round_trips_through_the_kit(tmp_path):
    """The whole shipped data set (350,000 behaviour ratings) in the kit and back."""
    shipped = load_study("data/tanjungselor")
    out = write_template(tmp_path / "kit.xlsx", data=shipped, fill=True)
    study = load_study(out)
    assert study.quarantine.empty
    assert build_report(study, PERIOD).results == build_report(shipped, PERIOD).results


def test_evalkit_validate_and_study_read_a_filled_kit(small_study, report_id, tmp_path):
    """`evalkit validate KIT.xlsx` keeps every row; `evalkit study --data KIT.xlsx` writes
    the same results.json as the study of the CSV files."""
    kit = write_template(tmp_path / "kit.xlsx", data=small_study, fill=True)
    assert main(["validate", str(kit)]) == 0
    from conftest import MIN_CELL

    from evalkit.study import run_study

    (folder,) = run_study(PERIOD, kit, tmp_path / "reports", min_cell=MIN_CELL, progress=False)
    ours = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    theirs = json.loads((report_id / "results.json").read_text(encoding="utf-8"))
    assert ours == theirs
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [i["file"] for i in manifest["inputs"]] == ["kit.xlsx"]
    assert manifest["mapping"] is None
