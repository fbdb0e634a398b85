"""Pseudonyms, small-cell suppression, identifier scans and the redacted quarantine."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.io import Study
from evalkit.privacy import (
    KEY_ENV,
    KEY_FILE_ENV,
    REDACTED,
    literal_text,
    literal_workbook,
    pseudonym_key,
    pseudonymise,
    redact_quarantine,
    safe_frame_for_csv,
    scan_for_identifiers,
    scan_subject,
    suppress_small_cells,
)

NIP = "198503122010011003"


def _study() -> Study:
    employees = pd.DataFrame(
        {
            "employee_id": ["E00001", "E00002", "E00003"],
            "nip": [NIP, "199001012015032001", "197712242005011002"],
            "name": ["Dr. Siti Aminah, S.Pd.", "Budi Santoso", "Sari"],
            "unit_id": ["U1", "U1", "U2"],
        }
    )
    units = pd.DataFrame({"unit_id": ["U1", "U2"], "name": ["Desa Gunung Sari", "Dinas Sosial"]})
    return Study(employees=employees, units=units)


# --------------------------------------------------------------------------- pseudonyms
def test_pseudonym_is_the_documented_hmac():
    expected = "p" + hmac.new(b"k", b"E00001", hashlib.sha256).hexdigest()[:16]
    out = pseudonymise(pd.Series(["E00001", None, "E00001"], index=[5, 6, 7]), b"k")
    assert out.loc[5] == expected
    assert out.loc[7] == expected
    assert pd.isna(out.loc[6])
    assert out.index.tolist() == [5, 6, 7]


def test_pseudonyms_depend_on_the_key_and_length():
    a = pseudonymise(["E00001"], "key-a").iloc[0]
    b = pseudonymise(["E00001"], "key-b").iloc[0]
    assert a != b and len(a) == 17
    assert len(pseudonymise(["E00001"], "key-a", length=32).iloc[0]) == 33
    with pytest.raises(ValueError, match="between 8 and 64"):
        pseudonymise(["x"], "k", length=4)
    with pytest.raises(ValueError, match="empty"):
        pseudonymise(["x"], b"")


def test_key_from_the_environment(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "secret-from-env")
    assert pseudonym_key() == b"secret-from-env"
    assert pseudonymise(["E1"]).iloc[0] == pseudonymise(["E1"], b"secret-from-env").iloc[0]


def test_key_file_is_created_private_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with pytest.raises(FileNotFoundError, match="no pseudonym key"):
        pseudonym_key(create=False)
    first = pseudonym_key()
    path = tmp_path / "config" / "evalkit" / "pseudonym.key"
    assert path.read_text().strip().encode() == first
    assert len(first) == 64  # 256 random bits in hex
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym_key() == first  # the same key next time


def test_key_file_named_by_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = tmp_path / "k.txt"
    key_file.write_text("my-key\n")
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    assert pseudonym_key() == b"my-key"


# --------------------------------------------------------------------------- suppression
def test_primary_and_complementary_suppression():
    t = pd.DataFrame({"unit": list("abcd"), "n": [3, 20, 12, 30], "mean": [2.0, 3.0, 3.5, 4.0]})
    out = suppress_small_cells(t, "n", 5)
    assert out["mean"].isna().tolist() == [True, False, True, False]  # c: smallest other
    assert out["suppressed"].tolist() == ["small_cell", None, "complementary", None]
    assert out["n"].tolist() == [3, 20, 12, 30]  # counts stay visible


def test_no_complementary_cell_when_two_are_already_hidden():
    t = pd.DataFrame({"n": [3, 2, 40, 50], "mean": [1.0, 2.0, 3.0, 4.0]})
    out = suppress_small_cells(t, "n", 5)
    assert out["suppressed"].tolist() == ["small_cell", "small_cell", None, None]


def test_secondary_suppression_is_per_group():
    t = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b"],
            "predikat": ["baik", "kurang", "sangat_baik", "baik", "kurang"],
            "n": [10, 2, 7, 10, 12],
            "share": [0.5, 0.1, 0.4, 0.45, 0.55],
        }
    )
    out = suppress_small_cells(t, "n", 5, values=["share"], by="unit")
    assert out["suppressed"].tolist() == [None, "small_cell", "complementary", None, None]
    assert out["share"].isna().tolist() == [False, True, True, False, False]


def test_zero_count_discloses_nothing_and_missing_count_is_hidden():
    t = pd.DataFrame({"n": [0, np.nan, 10, 12], "x": [np.nan, 1.0, 2.0, 3.0]})
    out = suppress_small_cells(t, "n", 5, secondary=False)
    assert out["suppressed"].tolist() == [None, "small_cell", None, None]


def test_any_count_column_below_the_threshold_hides_the_row():
    t = pd.DataFrame(
        {
            "n_citizen": [30, 30],
            "n_supervisor": [2, 9],
            "gap": [1.0, 2.0],
            "flagged": [True, False],
            "direction": ["higher", "lower"],
        }
    )
    out = suppress_small_cells(
        t, ["n_citizen", "n_supervisor"], 5, values=["gap", "flagged", "direction"], secondary=False
    )
    assert out["gap"].isna().tolist() == [True, False]
    assert out["flagged"].isna().tolist() == [True, False]
    assert out["flagged"].iloc[1] == False  # noqa: E712 (nullable boolean)
    assert out["direction"].isna().tolist() == [True, False]


def test_default_values_are_the_numeric_columns():
    t = pd.DataFrame(
        {"unit": ["a", "b", "c"], "n": [3, 20, 30], "m": [1, 2, 3], "ok": [True, True, False]}
    )
    out = suppress_small_cells(t, "n", 5, secondary=False)
    assert out["m"].isna().tolist() == [True, False, False]
    assert out["ok"].tolist() == [True, True, False]  # booleans only when named
    assert out["unit"].tolist() == ["a", "b", "c"]


def test_suppression_errors_name_the_columns():
    t = pd.DataFrame({"n": [1]})
    with pytest.raises(KeyError, match=r"no column\(s\) \['count'\]"):
        suppress_small_cells(t, "count", 5)
    with pytest.raises(ValueError, match="at least 1"):
        suppress_small_cells(t, "n", 0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 12)), min_size=1, max_size=15),
    st.integers(1, 8),
)
def test_suppression_properties(rows, min_cell):
    t = pd.DataFrame(rows, columns=["g", "n"]).assign(v=lambda d: d["n"] * 1.5)
    out = suppress_small_cells(t, "n", min_cell, values=["v"], by="g")
    small = (t["n"] > 0) & (t["n"] < min_cell)
    assert out.loc[small, "v"].isna().all()  # every small cell hidden
    assert (out.loc[small, "suppressed"] == "small_cell").all()
    hidden = out["suppressed"].notna()
    assert out.loc[hidden, "v"].isna().all()
    for _, g in out.groupby("g"):
        if len(g) >= 2:  # no group can be solved for a single hidden cell
            assert g["suppressed"].notna().sum() != 1


# --------------------------------------------------------------------------- scanning
def test_scan_finds_each_kind_of_identifier():
    study = _study()
    text = (
        "Kepala: SITI AMINAH (e00001). NIP 19850312 201001 1 003. "
        "budi   santoso hadir. E000012 is another id."
    )
    hits = scan_for_identifiers(text, study)
    found = set(zip(hits["kind"], hits["identifier"], strict=True))
    assert found == {
        ("employee_id", "E00001"),
        ("nip", NIP),
        ("name", "siti aminah"),
        ("name", "budi santoso"),
    }
    assert hits["count"].tolist() == [1, 1, 1, 1]


def test_scan_is_clean_on_clean_text_and_skips_public_one_word_names():
    hits = scan_for_identifiers("Desa Gunung Sari: 23 responden, IKM 77,45.", _study())
    assert hits.empty
    assert hits.attrs["skipped_names"] == ["Sari"]


def test_scan_reads_html_xlsx_and_ignores_embedded_images(tmp_path):
    study = _study()
    blob = "QUJD" * 40 + "E00002" + "QUJD" * 40  # an id inside base64 is image noise
    (tmp_path / "a.html").write_text(
        f'<p>Budi&nbsp;Santoso</p><img src="data:image/png;base64,{blob}">', encoding="utf-8"
    )
    pd.DataFrame({"Unit": ["Dinas Sosial"], "Kepala": ["x 199001012015032001"]}).to_excel(
        tmp_path / "t.xlsx", index=False
    )
    (tmp_path / "fig.png").write_bytes(b"\x89PNG E00003")
    hits = scan_for_identifiers(tmp_path, study)
    assert sorted(
        zip(hits["source"].map(lambda s: s.rsplit("/", 1)[-1]), hits["kind"], strict=True)
    ) == [("a.html", "name"), ("t.xlsx", "nip")]
    assert hits.attrs["skipped"] == [str(tmp_path / "fig.png")]


def test_scan_of_labelled_texts_and_missing_file():
    hits = scan_for_identifiers({"note": "E00003 and E00002"}, _study())
    assert hits["identifier"].tolist() == ["E00002", "E00003"]
    assert set(hits["source"]) == {"note"}
    with pytest.raises(FileNotFoundError, match="no file"):
        scan_for_identifiers([Path("/nonexistent/x.html")], _study())


def test_redacted_quarantine_keeps_what_a_clerk_needs():
    q = pd.DataFrame(
        {
            "file": ["employees.csv", "behaviour.csv", "citizen.csv", "results.csv"],
            "line": [4, 10, 7, 3],
            "column": ["nip", "score", "u3", "target"],
            "value": ["19850312201001100", "x", f"see {NIP}", "3,5.2"],
            "reason": ["17 digits", "not a number", "not a number", "duplicate of E00002"],
        }
    )
    out = redact_quarantine(q, _study())
    assert out["value"].tolist() == [REDACTED, "x", REDACTED, "3,5.2"]
    assert out["reason"].tolist() == ["17 digits", "not a number", "not a number", REDACTED]
    assert out[["file", "line", "column"]].equals(q[["file", "line", "column"]])


# --------------------------------------------------------------------------- formula injection
@pytest.mark.parametrize(
    "text",
    ["=1+2", "+1+1", "-2+3", "-A1", "@SUM(A1)", "\t1", "\r=1", "=cmd|' /C calc'!A0", "-"],
)
def test_formula_like_text_gets_a_leading_quote(text):
    assert literal_text(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-3.5, -2, 0, "-3", "+62", "-1,5", "2e-3", "Dinas Sosial", "", "a=b", None, True]
)
def test_other_values_are_left_alone(value):
    assert literal_text(value) is value


def test_safe_frame_for_csv_changes_text_only():
    frame = pd.DataFrame(
        {
            "unit": ['=HYPERLINK("http://x","y")', "Dinas", None],
            "gap": [-1.5, 2.0, np.nan],
            "code": pd.array(["-x", "ok", pd.NA], dtype="string"),
            "=col": [1, 2, 3],
        },
        index=[4, 5, 6],
    )
    out = safe_frame_for_csv(frame)
    assert out["unit"].tolist()[:2] == ['\'=HYPERLINK("http://x","y")', "Dinas"]
    assert out["unit"].isna().tolist() == [False, False, True]
    assert out["gap"].tolist()[:2] == [-1.5, 2.0] and out["gap"].dtype == "float64"
    assert out["code"].tolist()[:2] == ["'-x", "ok"]
    assert list(out.columns) == ["unit", "gap", "code", "'=col"]
    assert out.index.tolist() == [4, 5, 6]
    assert frame.loc[4, "unit"].startswith("=")  # the input is not modified


def test_literal_workbook_leaves_no_formula_in_the_sheet_xml(tmp_path):
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(['=HYPERLINK("http://x","y")', "+1+1", -2.5, "Dinas", "-3"])
    assert ws["A1"].data_type == "f"  # what openpyxl does by itself
    assert literal_workbook(wb) == 2
    wb.save(tmp_path / "t.xlsx")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert ws["A1"].value == '=HYPERLINK("http://x","y")' and ws["A1"].quotePrefix
    assert ws["C1"].value == -2.5 and ws["C1"].data_type == "n"


# --------------------------------------------------------------------------- spellings
@pytest.mark.parametrize(
    "text",
    [
        "ＳＩＴＩ ＡＭＩＮＡＨ",  # full-width
        "Siti Ami\u200bnah",  # zero-width space inside a word
        "Siti Ami\u00adnah",  # soft hyphen
        "Si<b>ti</b> Aminah",  # inline markup (HTML texts are read without it)
    ],
)
def test_scan_finds_names_whatever_their_spelling(text, tmp_path):
    path = tmp_path / "a.html"
    path.write_text(f"<p>{text}</p>", encoding="utf-8")
    hits = scan_for_identifiers(path, _study())
    assert hits[["kind", "identifier"]].values.tolist() == [["name", "siti aminah"]]


def test_accents_and_decomposed_letters_fold_to_one_spelling():
    study = Study(
        employees=pd.DataFrame(
            {"employee_id": ["E1x"], "nip": [NIP], "name": ["Andrés Nurhalizá Pétrus"]}
        )
    )
    for text in ("andres nurhaliza petrus", "Andre\u0301s Nurhaliza\u0301 Pe\u0301trus"):
        hits = scan_for_identifiers(text, study)
        assert hits["kind"].tolist() == ["name"], text


@pytest.mark.parametrize(
    "text",
    [
        "１９８５０３１２２０１００１１００３",  # full-width digits
        "1985-0312-2010-0110-03",
        "19850312.201001.1.003",
        "NIP 1985031220",  # the first ten digits
        "… 2010011003 …",  # the last ten
        "NIP: 19850312 2010",  # twelve, in its own groups
    ],
)
def test_scan_finds_whole_nips_and_pieces_of_ten_digits(text):
    hits = scan_for_identifiers(text, _study())
    assert hits[["kind", "identifier"]].values.tolist() == [["nip", NIP]]


@pytest.mark.parametrize(
    "text",
    ["0.7319850312201", "IKM 77,45", "198503122", "rata-rata 3.1985031221"],
)
def test_scan_ignores_nine_digit_pieces_and_pieces_inside_other_numbers(text):
    assert scan_for_identifiers(text, _study()).empty


def test_scan_reads_formulas_sheet_names_and_rich_text_of_a_workbook(tmp_path):
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.title = "1990010120150320"  # a sheet named by 16 digits of a NIP
    ws["A1"] = '="Budi "&"Santoso"'  # no cached value: openpyxl's values read None
    ws["A2"] = CellRichText(["Si", TextBlock(InlineFont(b=True), "ti"), " Aminah"])
    wb.save(tmp_path / "t.xlsx")
    hits = scan_for_identifiers(tmp_path / "t.xlsx", _study())
    assert sorted(hits["identifier"]) == ["199001012015032001", "budi santoso", "siti aminah"]


def test_scan_reads_pdf_text_when_pdftotext_exists_and_lists_the_pdf_otherwise(
    tmp_path, monkeypatch
):
    import shutil

    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    hits = scan_for_identifiers(tmp_path, _study())
    assert hits.empty and hits.attrs["skipped"] == [str(tmp_path / "a.pdf")]


# --------------------------------------------------------------------------- every row read
def _with_victim(small_data: Path, folder: Path, edit) -> dict[str, str]:
    """A copy of the small data set whose employees.csv line of one employee (who
    supervises nobody) is rewritten by ``edit(cells) -> line``; that employee's cells."""
    import csv
    import shutil

    shutil.copytree(small_data, folder)
    path = folder / "employees.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = list(csv.reader(lines[1:]))
    supervisors = {r[header.index("supervisor_id")] for r in rows}
    k = next(k for k, r in enumerate(rows) if r[0] not in supervisors and k > 20)
    victim = dict(zip(header, rows[k], strict=True))
    lines[k + 1] = edit(dict(victim))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return victim


def _unquoted_comma(cells: dict[str, str]) -> str:
    cells["name"] = cells["name"].split(",")[0] + ", S.Kom"  # written without quotes
    cells["supervisor_id"] = ""
    return ",".join(cells.values())


def test_a_malformed_row_is_known_to_the_scan_and_hidden_in_the_shared_quarantine(
    small_data, tmp_path
):
    """An unquoted comma in a name shifts the row's fields: the raw line (NIP, name,
    birth date) stays in restricted/, and the scan knows the person it names."""
    from evalkit.io import load_study

    victim = _with_victim(small_data, tmp_path / "d", _unquoted_comma)
    study = load_study(tmp_path / "d")
    raw = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert len(raw) == 1 and victim["nip"] in raw["value"].iloc[0]
    shared = redact_quarantine(study.quarantine, study)
    text = shared.to_csv(index=False)
    core = victim["name"].split(",")[0]  # the name without degrees
    for secret in (victim["nip"], *core.split(), victim["birth_date"], victim["employee_id"]):
        assert secret not in text
    assert "separator" in shared.loc[raw.index[0], "reason"]
    assert shared["value"].eq(REDACTED).sum() == len(shared.dropna(subset=["value"]))
    leak = f"Pegawai {victim['nip'][:12]}: {core.upper()} ({victim['employee_id']})"
    hits = scan_for_identifiers(leak, study)
    assert sorted(hits["kind"]) == ["employee_id", "name", "nip"]
    # the cells shifted into the name's place are not taken for names ("S.Kom", a code)
    assert scan_for_identifiers(f"S.Kom {victim['unit_id']} {victim['position']}", study).empty


def test_a_row_quarantined_for_another_cell_is_known_to_the_scan(small_data, tmp_path):
    from evalkit.io import load_study

    def short_nip(cells: dict[str, str]) -> str:
        cells["nip"] = cells["nip"][:-1]  # 17 digits: not a NIP
        return ",".join(f'"{v}"' for v in cells.values())

    victim = _with_victim(small_data, tmp_path / "d", short_nip)
    study = load_study(tmp_path / "d")
    assert victim["employee_id"] not in set(study.employees["employee_id"])
    core = victim["name"].split(",")[0]
    hits = scan_for_identifiers(f"{core} (NIP {victim['nip'][:-1]})", study)
    assert sorted(hits["kind"]) == ["name", "nip"]


def test_shared_quarantine_shows_only_values_that_identify_nobody():
    study = Study(
        summary=pd.DataFrame(
            {"file": ["pegawai.csv", "nilai.csv"], "table": ["employees", "behaviour"]}
        )
    )
    q = pd.DataFrame(
        {
            "file": ["pegawai.csv"] * 5 + ["nilai.csv", "nilai.csv", "nilai.csv"],
            "line": [2, 3, 4, 8, 8, 5, 6, 6],
            "column": [
                *["grade", "position", "birth_date", "position_type", "gender"],
                *["score", "period", "score"],
            ],
            "value": [
                *["ZZ/9", "Sekretaris Daerah", "1985-13-40", "Pranata Komputer", "1992-07-14"],
                *["9", "2025Q5", "0"],
            ],
            "reason": [
                "unknown grade 'ZZ/9'",
                "position 'Sekretaris Daerah' too long",
                "not a date: 1985-13-40",
                "unknown label",
                "unknown label",
                "not between 1 and 5",
                "not a period",
                "not between 1 and 5",
            ],
        }
    )
    out = redact_quarantine(q, study)
    # line 8 of pegawai.csv is shifted: a position in position_type, a birth date in
    # gender; two bad cells of one line of nilai.csv are scores and periods, not people
    assert out["value"].tolist() == [
        *["ZZ/9", REDACTED, REDACTED, REDACTED, REDACTED],
        *["9", "2025Q5", "0"],
    ]
    assert out["reason"].tolist() == [
        "unknown grade 'ZZ/9'",
        f"position '{REDACTED}' too long",
        f"not a date: {REDACTED}",
        "unknown label",
        "unknown label",
        "not between 1 and 5",
        "not a period",
        "not between 1 and 5",
    ]


def test_scan_reads_json_and_notebooks_through_their_escapes(tmp_path):
    import json

    study = Study(
        employees=pd.DataFrame({"employee_id": ["E1x"], "nip": [NIP], "name": ["André Pétrus"]})
    )
    (tmp_path / "r.json").write_text(json.dumps({"note": "André\nPétrus"}), encoding="utf-8")
    (tmp_path / "s.ipynb").write_text(
        json.dumps({"outputs": ["<td>Andr<b>é</b> Pétrus</td>"]}), encoding="utf-8"
    )
    hits = scan_for_identifiers(tmp_path, study)
    assert sorted(Path(s).name for s in hits["source"]) == ["r.json", "s.ipynb"]
    assert set(hits["identifier"]) == {"andre petrus"}


@pytest.mark.skipif(
    __import__("shutil").which("pdftotext") is None, reason="needs poppler's pdftotext"
)
def test_scan_reads_the_text_of_a_weasyprint_pdf(tmp_path):
    from evalkit.report.pdf import html_to_pdf

    html_to_pdf("<p>Kepala: Budi Santoso</p><p>NIP 19850312 201001 1 003</p>", tmp_path / "a.pdf")
    hits = scan_for_identifiers(tmp_path / "a.pdf", _study())
    assert sorted(hits["identifier"]) == [NIP, "budi santoso"]


def test_scan_knows_ids_quoted_by_a_quarantine_record_of_several_columns():
    study = Study(
        quarantine=pd.DataFrame(
            {
                "file": ["behaviour.csv"],
                "line": [4],
                "column": ["employee_id, rater_id"],
                "value": ["E00991, E00992"],
                "reason": ["rates themself"],
            }
        )
    )
    hits = scan_for_identifiers("E00992 and e00991", study)
    assert hits["identifier"].tolist() == ["E00991", "E00992"]


def test_scan_subject_scans_to_the_same_hits_as_its_study(small_data, tmp_path):
    """scan_subject keeps the identifiers and the public names only (no rows): every text
    gives the same table of hits as with the whole study — kept rows, a raw line's
    person, the ids of a quarantine record, a one-word name that is a village's."""
    from evalkit.io import load_study

    victim = _with_victim(small_data, tmp_path / "d", _unquoted_comma)
    malformed = load_study(tmp_path / "d")
    core = victim["name"].split(",")[0]
    several = Study(
        quarantine=pd.DataFrame(
            {
                "file": ["behaviour.csv"],
                "line": [4],
                "column": ["employee_id, rater_id"],
                "value": ["E00991, E00992"],
                "reason": ["rates themself"],
            }
        )
    )
    cases = [
        (
            _study(),
            [
                "Kepala: SITI AMINAH (e00001). NIP 19850312 201001 1 003. budi santoso.",
                "Desa Gunung Sari: 23 responden, IKM 77,45.",
                "E00003 and E00002; 1985031220 and 19850312201",
            ],
        ),
        (several, ["E00992 and e00991"]),
        (
            malformed,
            [
                f"Pegawai {victim['nip'][:12]}: {core.upper()} ({victim['employee_id']})",
                f"S.Kom {victim['unit_id']} {victim['position']}",
                " ".join(malformed.employees["name"].head(20)),
            ],
        ),
    ]
    found = 0
    for study, texts in cases:
        subject = scan_subject(study)
        assert subject.employees.empty and subject.behaviour.empty and subject.quarantine.empty
        sources = {f"t{i}": text for i, text in enumerate(texts)}
        full = scan_for_identifiers(sources, study)
        small = scan_for_identifiers(sources, subject)
        pd.testing.assert_frame_equal(small, full)
        assert small.attrs == full.attrs
        found += int(full["count"].sum())
    assert found > 25
