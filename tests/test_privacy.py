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
    "text", ["=1+2", "+1", "-A1", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)
def test_formula_like_text_gets_a_leading_quote(text):
    assert literal_text(text) == "'" + text


@pytest.mark.parametrize("value", [-3.5, -2, 0, "Dinas Sosial", "", "a=b", None, True])
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
    ws.append(['=HYPERLINK("http://x","y")', "+1", -2.5, "Dinas"])
    assert ws["A1"].data_type == "f"  # what openpyxl does by itself
    assert literal_workbook(wb) == 2
    wb.save(tmp_path / "t.xlsx")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert ws["A1"].value == '=HYPERLINK("http://x","y")' and ws["A1"].quotePrefix
    assert ws["C1"].value == -2.5 and ws["C1"].data_type == "n"
