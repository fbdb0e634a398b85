"""Loading and validating study folders: messy real exports in, nothing lost.

Each test writes small files into ``tmp_path`` the way real exports look (BOM,
cp1252, semicolons with decimal commas, stray spaces, odd label spellings, a NIP that
Excel turned into a number, duplicates, unknown ids …) and checks the kept values and
the exact quarantine rows, with their spreadsheet line numbers (header = 1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evalkit as ek
from evalkit.io import InputError, load_study, select_period, validate_command
from evalkit.io import parse as P
from evalkit.tables import (
    CODES,
    LABEL_CODES,
    PANDAS_DTYPES,
    TABLES,
    label_to_code,
    normalise_header,
    pandera_schema,
)

# --------------------------------------------------------------------------------------
# a small clean study, as text rows
# --------------------------------------------------------------------------------------

E1_NIP = "198703122010121001"  # PNS, born 1987-03-12, TMT 2010-12, male, serial 001
E2_NIP = "199001012015032002"  # PNS, born 1990-01-01, TMT 2015-03, female
E3_NIP = "199202022021212003"  # PPPK, born 1992-02-02, TMT 2021, marker 2, round 1, female

# fmt: off
CLEAN: dict[str, list[list[str]]] = {
    "units": [
        ["unit_id", "name", "kind", "sector", "parent_unit_id", "service_population"],
        ["U1", "Dinas Pendidikan", "dinas", "pendidikan", "", "1000"],
        ["U2", "SDN 001 Tanjung Selor", "sekolah", "pendidikan", "U1", "300"],
    ],
    "employees": [
        ["employee_id", "nip", "name", "unit_id", "position", "position_type", "sector",
         "grade", "employment", "gender", "birth_date", "start_date", "supervisor_id",
         "jf_level"],
        ["E1", E1_NIP, "Budi", "U1", "Kepala Dinas", "jpt", "pendidikan", "IV/a", "pns", "l",
         "1987-03-12", "2010-12-01", "", ""],
        ["E2", E2_NIP, "Siti", "U2", "Guru Ahli Pertama", "fungsional", "pendidikan", "III/a",
         "pns", "p", "1990-01-01", "2015-03-01", "E1", "ahli_pertama"],
        ["E3", E3_NIP, "Rina", "U2", "Guru Ahli Pertama", "fungsional", "pendidikan", "IX",
         "pppk", "p", "1992-02-02", "2021-05-01", "E1", "ahli_pertama"],
    ],
    "indicators": [
        ["indicator_id", "sector", "unit_id", "name", "unit_of_measure", "direction",
         "target_kind"],
        ["I1", "pendidikan", "", "Kehadiran mengajar", "persen", "higher", "kuantitatif"],
        ["I2", "pendidikan", "U2", "Nilai rata-rata kelas", "nilai", "higher", "kuantitatif"],
    ],
    "results": [
        ["period", "employee_id", "indicator_id", "kind", "target", "realization", "rating"],
        ["2025Q3", "E1", "I1", "utama", "100", "85.5", "di_atas"],
        ["2025Q3", "E2", "I1", "utama", "100", "90", "sesuai"],
        ["2025Q3", "E2", "I2", "tambahan", "75", "70.25", ""],
        ["2025Q2", "E3", "I1", "utama", "100", "60", "di_bawah"],
    ],
    "behaviour": [
        ["period", "employee_id", "rater_id", "rater_role", "value", "score"],
        ["2025Q3", "E2", "E1", "atasan", "akuntabel", "4"],
        ["2025Q3", "E2", "E2", "diri", "akuntabel", "5"],
        ["2025Q3", "E2", "E3", "rekan", "akuntabel", "3"],
        ["2025Q2", "E3", "E1", "atasan", "harmonis", "2"],
    ],
    "citizen": [
        ["period", "response_id", "unit_id", "employee_id", "service", *ek.SKM_ITEMS,
         "respondent_gender", "respondent_age", "respondent_education",
         "respondent_occupation", "survey_date"],
        ["2025Q3", "R1", "U2", "E2", "Pendaftaran siswa", "4", "3", "3", "4", "4", "3", "3",
         "2", "4", "l", "35", "sma", "pedagang", "2025-08-14"],
        ["2025Q3", "R2", "U2", "", "Pendaftaran siswa", "3", "3", "", "4", "4", "3", "3", "2",
         "4", "", "", "", "", ""],
    ],
    "training": [
        ["employee_id", "course", "start_date", "end_date", "hours"],
        ["E2", "pelayanan_prima", "2025-01-10", "2025-01-12", "24"],
    ],
    "org_rating": [
        ["period", "unit_id", "predikat"],
        ["2025Q3", "U1", "baik"],
        ["2025Q3", "U2", "istimewa"],
        ["2025Q2", "U1", "butuh_perbaikan"],
    ],
    "complaints": [
        ["complaint_id", "unit_id", "employee_id", "received_date", "closed_date", "channel",
         "category", "status"],
        ["K1", "U2", "E2", "2025-08-01", "2025-08-20", "sp4n_lapor", "waktu", "selesai"],
        ["K2", "U1", "", "2025-09-01", "", "unit", "prosedur", "terbuka"],
    ],
    "teaching": [
        ["period", "employee_id", "unit_id", "observation", "achievement", "pupils"],
        ["2025Q3", "E2", "U2", "72.5", "64", "28"],
    ],
}
# fmt: on


def rows_of(table: str) -> list[list[str]]:
    """A fresh copy of the clean rows of ``table`` (header first)."""
    return [list(r) for r in CLEAN[table]]


def write_csv(
    folder: Path,
    table: str,
    rows: list[list[str]],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    name: str | None = None,
) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path = folder / (name or f"{table}.csv")
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_study(folder: Path, skip: tuple[str, ...] = (), **override) -> Path:
    """Write the clean study, with ``override[table]`` rows instead where given."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in CLEAN:
        if table in skip:
            continue
        write_csv(folder, table, override.get(table, rows_of(table)))
    return folder


def quarantine_of(study: ek.Study, file: str) -> list[tuple[int, str, str]]:
    q = study.quarantine[study.quarantine["file"] == file]
    return [(int(r.line), r.column, r.value) for r in q.itertuples()]


def assert_counts_add_up(study: ek.Study) -> None:
    s = study.summary
    assert (s["rows_read"] == s["rows_kept"] + s["rows_quarantined"]).all()
    for row in s.itertuples():
        lines = study.quarantine.loc[study.quarantine["file"] == row.file, "line"]
        assert lines.nunique() == row.rows_quarantined
        assert len(getattr(study, row.table)) == row.rows_kept


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_study(tmp_path / "study")


# --------------------------------------------------------------------------------------
# the data model and the label table
# --------------------------------------------------------------------------------------


def test_references_point_to_earlier_tables_so_parents_are_validated_first():
    order = list(TABLES)
    for table in TABLES.values():
        for column in table.columns:
            if column.references:
                parent, parent_col = column.references.split(".")
                assert order.index(parent) <= order.index(table.name), column
                assert parent_col in TABLES[parent].column_names


def test_every_alias_maps_to_a_code_of_its_list_and_codes_map_to_themselves():
    for key, mapping in LABEL_CODES.items():
        assert set(mapping.values()) <= set(CODES[key])
        for code in CODES[key]:
            assert mapping[code] == code


@pytest.mark.parametrize(
    ("label", "codes", "expected"),
    [
        ("Di Atas Ekspektasi", "expectation", "di_atas"),
        ("DI ATAS", "expectation", "di_atas"),
        ("di atas", "expectation", "di_atas"),
        ("Sesuai Ekspektasi", "expectation", "sesuai"),
        ("Di Bawah Ekspektasi", "expectation", "di_bawah"),
        ("Sangat Baik", "predikat", "sangat_baik"),
        ("Butuh Perbaikan", "org_predikat", "butuh_perbaikan"),
        ("Cukup", "org_predikat", "butuh_perbaikan"),
        ("Laki-laki", "gender", "l"),
        ("L", "gender", "l"),
        ("Pria", "gender", "l"),
        ("Perempuan", "gender", "p"),
        ("P", "gender", "p"),
        ("Wanita", "gender", "p"),
        ("Atasan Langsung", "rater_role", "atasan"),
        ("Rekan Kerja", "rater_role", "rekan"),
        ("peer", "rater_role", "rekan"),
        ("Bawahan", "rater_role", "bawahan"),
        ("Diri Sendiri", "rater_role", "diri"),
        ("self", "rater_role", "diri"),
        ("Berorientasi Pelayanan", "value", "berorientasi_pelayanan"),
        ("  KOLABORATIF ", "value", "kolaboratif"),
        ("PPPK", "employment", "pppk"),
        ("JPT Pratama", "position_type", "jpt"),
        ("Istiméwa", "org_predikat", "istimewa"),
        ("Baik Sekali", "predikat", None),
    ],
)
def test_labels_in_practice_map_to_codes(label, codes, expected):
    assert label_to_code(label, codes) == expected


def test_header_normalisation():
    assert normalise_header("\ufeffEmployee ID") == "employee_id"
    assert normalise_header(" Unit-Of-Measure ") == "unit_of_measure"
    assert normalise_header("respondent  age") == "respondent_age"


def test_pandera_schema_flags_out_of_range_and_unknown_codes():
    import pandera.errors

    frame = pd.DataFrame(
        {
            "period": ["2025Q1"] * 2,
            "employee_id": ["E1", "E2"],
            "rater_id": ["E1", "E1"],
            "rater_role": ["diri", "boss"],
            "value": ["loyal", "loyal"],
            "score": [5, 6],
        }
    )
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        pandera_schema("behaviour").validate(frame, lazy=True)
    cases = info.value.failure_cases
    assert sorted(cases["column"].tolist()) == ["rater_role", "score"]
    assert cases["index"].tolist() == [1, 1]


# --------------------------------------------------------------------------------------
# a clean folder
# --------------------------------------------------------------------------------------


def test_clean_folder_loads_every_row_with_model_dtypes(clean):
    study = load_study(clean)
    assert study.quarantine.empty
    assert list(study.quarantine.columns) == ["file", "line", "column", "value", "reason"]
    assert study.summary["rows_read"].tolist() == [2, 3, 2, 4, 4, 2, 1, 3, 2, 1]
    assert study.summary["rows_quarantined"].sum() == 0
    assert study.summary["file"].tolist() == [f"{t}.csv" for t in TABLES]
    assert study.source == clean
    assert sorted(p.name for p in study.files) == sorted(f"{t}.csv" for t in TABLES)
    for name, table in TABLES.items():
        frame = getattr(study, name)
        assert list(frame.columns) == table.column_names
        for column in table.columns:
            expected = pd.Series(dtype=PANDAS_DTYPES[column.dtype]).dtype
            assert frame[column.name].dtype == expected, (name, column.name)
    e = study.employees.set_index("employee_id")
    assert e.loc["E1", "nip"] == E1_NIP
    assert e.loc["E1", "birth_date"] == pd.Timestamp("1987-03-12")
    assert pd.isna(e.loc["E1", "supervisor_id"])
    assert study.results["realization"].tolist() == [85.5, 90.0, 70.25, 60.0]
    assert study.behaviour["score"].tolist() == [4, 5, 3, 2]
    assert study.citizen["u3"].isna().tolist() == [False, True]
    assert study.training["hours"].tolist() == [24.0]


def test_study_shows_itself_compactly(clean):
    text = repr(load_study(clean, period="2025Q3"))
    assert text == (
        f"Study(source={str(clean)!r}, period='2025Q3', rows: units=2, employees=3, "
        "indicators=2, results=3, behaviour=3, citizen=2, training=1, org_rating=2, "
        "complaints=2, teaching=1, quarantine=0)"
    )


def test_missing_training_file_gives_an_empty_table_and_a_note(tmp_path):
    folder = write_study(tmp_path / "s", skip=("training",))
    study = load_study(folder)
    assert study.training.empty
    assert list(study.training.columns) == TABLES["training"].column_names
    row = study.summary.set_index("table").loc["training"]
    assert row["rows_read"] == 0
    assert "optional" in row["notes"]


# --------------------------------------------------------------------------------------
# messy but usable files
# --------------------------------------------------------------------------------------


def test_bom_semicolons_decimal_commas_stray_spaces_and_label_spellings(tmp_path):
    folder = write_study(tmp_path / "s")
    results = [
        ["Period ", " Employee ID", "Indicator-ID", "Kind", "Target", "Realization", "Rating"],
        [" 2025 Q3", "E1 ", "I1", "Utama", "100", "85,5", "Di Atas Ekspektasi"],
        ["Q3 2025", "E2", "I1", "UTAMA", "1.250", "1.250,75", "DI ATAS"],
        ["2025/Q3", "E2", "I2", "Tambahan", "75", "70,25", "sesuai ekspektasi"],
        ["2025-q2", "E3", "I1", "utama", "100", "60", "Di Bawah"],
    ]
    path = write_csv(folder, "results", results, sep=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    behaviour = [
        ["period", "employee_id", "rater_id", "rater_role", "value", "score"],
        ["2025Q3", "E2", "E1", "Atasan Langsung", "Akuntabel", "4,0"],
        ["2025Q3", "E2", "E2", "Diri Sendiri", "AKUNTABEL", " 5 "],
        ["2025Q3", "E2", "E3", "Rekan Kerja", "akuntabel", "3"],
        ["2025Q2", "E3", "E1", "atasan", "Harmonis", "2"],
    ]
    write_csv(folder, "behaviour", behaviour, sep=";")
    study = load_study(folder)
    assert study.quarantine.empty, study.quarantine
    r = study.results
    assert r["period"].tolist() == ["2025Q3", "2025Q3", "2025Q3", "2025Q2"]
    assert r["employee_id"].tolist() == ["E1", "E2", "E2", "E3"]
    assert r["kind"].tolist() == ["utama", "utama", "tambahan", "utama"]
    # decimal commas elsewhere in the file: the dot separates thousands
    assert r["target"].tolist() == [100.0, 1250.0, 75.0, 100.0]
    assert r["realization"].tolist() == [85.5, 1250.75, 70.25, 60.0]
    assert r["rating"].tolist() == ["di_atas", "di_atas", "sesuai", "di_bawah"]
    b = study.behaviour
    assert b["rater_role"].tolist() == ["atasan", "diri", "rekan", "atasan"]
    assert b["value"].tolist() == ["akuntabel", "akuntabel", "akuntabel", "harmonis"]
    assert b["score"].tolist() == [4, 5, 3, 2]


def test_cp1252_file_with_accents_and_day_first_dates(tmp_path):
    folder = write_study(tmp_path / "s")
    rows = rows_of("employees")
    rows[1][2] = "Andé Kurniawan"
    rows[1][10] = "12/03/1987"  # day first, as written in Indonesia
    rows[2][10] = "1 Januari 1990"
    rows[1][8], rows[1][9] = "PNS", "Laki-laki"
    path = write_csv(folder, "employees", rows, sep=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    study = load_study(folder)
    assert study.quarantine.empty, study.quarantine
    e = study.employees.set_index("employee_id")
    assert e.loc["E1", "name"] == "Andé Kurniawan"
    assert e.loc["E1", "birth_date"] == pd.Timestamp("1987-03-12")
    assert e.loc["E2", "birth_date"] == pd.Timestamp("1990-01-01")
    assert e.loc["E1", "gender"] == "l"


def test_nip_with_spaces_and_excel_apostrophe_is_accepted(tmp_path):
    rows = rows_of("employees")
    rows[1][1] = "'19870312 201012 1 001"
    study = load_study(write_study(tmp_path / "s", employees=rows))
    assert study.quarantine.empty
    assert study.employees["nip"].iloc[0] == E1_NIP


def test_excel_sep_line_and_unknown_columns_are_handled(tmp_path):
    folder = write_study(tmp_path / "s")
    rows = rows_of("org_rating")
    rows[0].append("Keterangan")
    for r in rows[1:]:
        r.append("catatan")
    rows[2][1] = "U9"  # an unknown unit on the second data row
    text = "sep=;\r\n" + "\r\n".join(";".join(r) for r in rows) + "\r\n"
    (folder / "org_rating.csv").write_text(text, encoding="utf-8")
    study = load_study(folder)
    # Excel hides the sep= line: the header is line 1, the second data row line 3
    assert quarantine_of(study, "org_rating.csv") == [(3, "unit_id", "U9")]
    note = study.summary.set_index("table").loc["org_rating", "notes"]
    assert "'Keterangan'" in note
    assert "keterangan" not in study.org_rating.columns


# --------------------------------------------------------------------------------------
# quarantine: exact rows and reasons
# --------------------------------------------------------------------------------------


def test_excel_mangled_nip_is_quarantined_with_a_fix_and_takes_its_rows_along(tmp_path):
    rows = rows_of("employees")
    rows[2][1] = "1.99001E+17"  # E2 on line 3
    study = load_study(write_study(tmp_path / "s", employees=rows))
    q = study.quarantine
    emp = q[q["file"] == "employees.csv"]
    assert emp[["line", "column", "value"]].values.tolist() == [[3, "nip", "1.99001E+17"]]
    reason = emp["reason"].iloc[0]
    assert "stored as a number by a spreadsheet" in reason
    assert "re-export the column as text" in reason
    assert "E2" not in set(study.employees["employee_id"])
    # E2's results (lines 3, 4), behaviour as ratee (2, 3) and the citizen rating naming E2
    assert quarantine_of(study, "results.csv") == [
        (3, "employee_id", "E2"),
        (4, "employee_id", "E2"),
    ]
    # (line 3 is E2's self-rating: both of its references fail)
    assert [x[:2] for x in quarantine_of(study, "behaviour.csv")] == [
        (2, "employee_id"),
        (3, "employee_id"),
        (3, "rater_id"),
        (4, "employee_id"),
    ]
    res = q[q["file"] == "results.csv"]["reason"].iloc[0]
    assert res == (
        "employee_id refers to a row that is quarantined in employees.csv "
        "(line 3); fix that row first"
    )
    # an optional reference to a quarantined employee: the citizen response is kept
    assert study.citizen["response_id"].tolist() == ["R1", "R2"]
    assert study.citizen["employee_id"].iloc[0] == "E2"
    # training of E2 (required reference) goes
    assert quarantine_of(study, "training.csv") == [(2, "employee_id", "E2")]
    assert_counts_add_up(study)


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        ("198703122010121000", "stored as a number by a spreadsheet"),  # last digits zeroed
        ("19870312201012100", "stored as a number by a spreadsheet"),  # 17 digits
        ("1.98703E+17", "stored as a number by a spreadsheet"),
        ("198703121", "NIP lama"),
        ("1987031220101210011", "too many digits"),
        ("19870312-2010-12-1-00A", "not a NIP"),
        ("198703132010121001", "digits 1-8 (birth date"),
        ("198703122011011001", "digits 9-14 (TMT CPNS"),
        ("198703122010122001", "digit 15 (sex"),
        ("198703122010123001", "must be 1 (male) or 2 (female)"),
        ("198703122010211001", "PPPK layout"),
    ],
)
def test_nip_problems_are_quarantined_with_a_reason(tmp_path, nip, fragment):
    rows = rows_of("employees")
    rows[1][1] = nip  # E1, line 2
    study = load_study(write_study(tmp_path / "s", employees=rows))
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert emp["line"].tolist() == [2]
    assert emp["column"].tolist() == ["nip"]
    assert fragment in emp["reason"].iloc[0]


def test_pppk_nip_checks_tmt_year_and_marker(tmp_path):
    rows = rows_of("employees")
    rows[3][1] = "199202022020212003"  # TMT year 2020, start_date 2021
    study = load_study(write_study(tmp_path / "s", employees=rows))
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert emp["line"].tolist() == [4]
    assert "digits 9-12 (TMT PPPK year)" in emp["reason"].iloc[0]
    rows[3][1] = "199202022021012003"  # digit 13 is 0: the PNS layout
    study = load_study(write_study(tmp_path / "t", employees=rows))
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert "PNS layout" in emp["reason"].iloc[0]


def test_same_nip_for_two_employees_quarantines_both(tmp_path):
    rows = rows_of("employees")
    rows[3] = rows[2][:]  # E2's data …
    rows[3][0] = "E4"  # … under another id
    study = load_study(write_study(tmp_path / "s", employees=rows))
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert emp[["line", "column"]].values.tolist() == [[3, "nip"], [4, "nip"]]
    assert emp["reason"].tolist() == [
        "nip also on line 4 with other values; keep the one correct row",
        "nip also on line 3 with other values; keep the one correct row",
    ]


def test_exact_duplicates_keep_the_first_and_key_clashes_quarantine_all(tmp_path):
    rows = rows_of("behaviour")
    rows.append(rows[1][:])  # line 6: exact copy of line 2
    rows.append([" 2025Q3", "E2", "E1", "Atasan", "Akuntabel", "4"])  # line 7: same values
    clash = rows[3][:]
    clash[5] = "1"  # line 8: same key as line 4, other score
    rows.append(clash)
    study = load_study(write_study(tmp_path / "s", behaviour=rows))
    q = study.quarantine[study.quarantine["file"] == "behaviour.csv"]
    assert q[["line", "reason"]].values.tolist() == [
        [
            4,
            "period, employee_id, rater_id, value also on line 8 with other values; keep the "
            "one correct row",
        ],
        [6, "exact duplicate of line 2"],
        [7, "exact duplicate of line 2"],
        [
            8,
            "period, employee_id, rater_id, value also on line 4 with other values; keep the "
            "one correct row",
        ],
    ]
    assert q["column"].iloc[0] == "period, employee_id, rater_id, value"
    assert q["value"].iloc[0] == "2025Q3 | E2 | E3 | akuntabel"
    assert len(study.behaviour) == 3
    assert_counts_add_up(study)


def test_unknown_ids_and_optional_references(tmp_path):
    employees = rows_of("employees")
    employees[3][12] = "E7"  # unknown supervisor (optional): kept, noted
    employees[2][3] = "U9"  # unknown unit (required): quarantined
    results = rows_of("results")
    results[1][2] = "I9"  # unknown indicator (E1, line 2)
    citizen = rows_of("citizen")
    citizen[2][3] = "E8"  # unknown named officer (optional): kept, noted
    study = load_study(
        write_study(tmp_path / "s", employees=employees, results=results, citizen=citizen)
    )
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert emp[["line", "column", "value", "reason"]].values.tolist() == [
        [3, "unit_id", "U9", "unknown unit_id: not in units.csv"]
    ]
    assert study.employees["employee_id"].tolist() == ["E1", "E3"]
    assert study.employees["supervisor_id"].tolist()[1] == "E7"
    notes = study.summary.set_index("table")["notes"]
    assert (
        "supervisor_id names no row of this file on 1 row(s) (line 4): rows kept, that "
        "link is unusable; correct the id or leave the cell empty"
    ) in notes["employees"]
    assert "employee_id names no row of employees.csv on 1 row(s) (line 3)" in notes["citizen"]
    res = study.quarantine[study.quarantine["file"] == "results.csv"]
    assert res[["line", "column", "value"]].values.tolist() == [
        [2, "indicator_id", "I9"],
        [3, "employee_id", "E2"],
        [4, "employee_id", "E2"],
    ]
    assert res["reason"].iloc[0] == "unknown indicator_id: not in indicators.csv"
    assert res["reason"].iloc[1] == (
        "employee_id refers to a row that is quarantined in "
        "employees.csv (line 3); fix that row first"
    )
    assert study.citizen["employee_id"].tolist() == ["E2", "E8"]
    assert_counts_add_up(study)


def test_a_quarantined_supervisor_keeps_their_staff(tmp_path):
    employees = rows_of("employees")
    employees[1][9] = "p"  # E1's NIP says male: E1 quarantined
    study = load_study(write_study(tmp_path / "s", employees=employees))
    emp = study.quarantine[study.quarantine["file"] == "employees.csv"]
    assert emp["line"].tolist() == [2]
    assert "differs from gender" in emp["reason"].iloc[0]
    assert study.employees["employee_id"].tolist() == ["E2", "E3"]
    assert study.employees["supervisor_id"].tolist() == ["E1", "E1"]
    # but E1's own rating of E2 (rater_id is required) is quarantined
    beh = study.quarantine[study.quarantine["file"] == "behaviour.csv"]
    assert beh[["line", "column"]].values.tolist() == [[2, "rater_id"], [5, "rater_id"]]


def test_scores_answers_and_numbers_out_of_range(tmp_path):
    behaviour = rows_of("behaviour")
    behaviour[1][5] = "7"
    behaviour[2][5] = "4.5"
    behaviour[3][5] = "4.0"  # a whole number written with a decimal: fine
    behaviour[4][5] = "empat"
    citizen = rows_of("citizen")
    citizen[1][5] = "5"  # u1
    citizen[1][6] = "0"  # u2
    citizen[2][15] = "12"  # respondent_age below 15
    study = load_study(write_study(tmp_path / "s", behaviour=behaviour, citizen=citizen))
    beh = study.quarantine[study.quarantine["file"] == "behaviour.csv"]
    assert beh[["line", "column", "value", "reason"]].values.tolist() == [
        [2, "score", "7", "outside the allowed range 1 to 5"],
        [3, "score", "4.5", "not a whole number (this column holds whole numbers)"],
        [5, "score", "empat", "not a number (expected digits, e.g. 85 or 85,5)"],
    ]
    assert study.behaviour["score"].tolist() == [4]
    cit = study.quarantine[study.quarantine["file"] == "citizen.csv"]
    assert cit[["line", "column", "value", "reason"]].values.tolist() == [
        [2, "u1", "5", "outside the allowed range 1 to 4"],
        [2, "u2", "0", "outside the allowed range 1 to 4"],
        [3, "respondent_age", "12", "outside the allowed range 15 to 100"],
    ]
    assert_counts_add_up(study)
    assert study.summary.set_index("table").loc["citizen", "rows_quarantined"] == 2


def test_bad_periods_missing_values_and_unknown_labels(tmp_path):
    results = rows_of("results")
    results[1][0] = "2025Q5"
    results[2][0] = "2025"
    results[3][0] = "kemarin"
    results[4][1] = ""
    org = rows_of("org_rating")
    org[1][2] = "Luar Biasa"
    study = load_study(write_study(tmp_path / "s", results=results, org_rating=org))
    res = study.quarantine[study.quarantine["file"] == "results.csv"]
    assert res[["line", "column", "value", "reason"]].values.tolist() == [
        [
            2,
            "period",
            "2025Q5",
            "quarter 5 does not exist: a year has quarters 1 to 4 (e.g. 2025Q3)",
        ],
        [3, "period", "2025", P.REASON_PERIOD_YEAR],
        [4, "period", "kemarin", P.REASON_PERIOD],
        [5, "employee_id", "", "missing value: employee_id is required"],
    ]
    org_q = study.quarantine[study.quarantine["file"] == "org_rating.csv"]
    assert org_q[["line", "column", "value"]].values.tolist() == [[2, "predikat", "Luar Biasa"]]
    assert org_q["reason"].iloc[0].startswith("unknown label; expected one of: istimewa, baik")


def test_a_row_with_several_bad_cells_has_one_record_per_cell(tmp_path):
    results = rows_of("results")
    results[1][4] = "abc"
    results[1][5] = "-3"
    results[1][6] = "bagus"
    study = load_study(write_study(tmp_path / "s", results=results))
    res = study.quarantine[study.quarantine["file"] == "results.csv"]
    assert res[["line", "column"]].values.tolist() == [[2, "target"], [2, "rating"]]
    assert study.summary.set_index("table").loc["results", "rows_quarantined"] == 1
    # the range check runs after parsing: -3 is reported once the row parses
    results[1][4], results[1][6] = "100", "sesuai"
    study = load_study(write_study(tmp_path / "t", results=results))
    res = study.quarantine[study.quarantine["file"] == "results.csv"]
    assert res[["line", "column", "reason"]].values.tolist() == [
        [2, "realization", "below the minimum 0"]
    ]


def test_training_end_before_start_and_self_rating_rules(tmp_path):
    training = rows_of("training")
    training[1][3] = "2025-01-09"
    behaviour = rows_of("behaviour")
    behaviour[2][3] = "rekan"  # E2 rating E2 as a peer
    behaviour[3][3] = "diri"  # E3 rating E2 as self
    study = load_study(write_study(tmp_path / "s", training=training, behaviour=behaviour))
    assert quarantine_of(study, "training.csv") == [(2, "end_date", "2025-01-09")]
    assert quarantine_of(study, "behaviour.csv") == [
        (3, "rater_role", "rekan"),
        (4, "rater_id", "E3"),
    ]


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_spreadsheet(tmp_path):
    folder = write_study(tmp_path / "s")
    rows = rows_of("behaviour")
    text = (
        "\r\n".join(",".join(r) for r in rows[:3])
        + "\r\n\r\n,,,,,\r\n"
        + "\r\n".join(",".join(r) for r in rows[3:])
        + "\r\n"
    )
    text = text.replace("E2,E3,rekan,akuntabel,3", "E2,E3,rekan,akuntabel,9")
    (folder / "behaviour.csv").write_text(text, encoding="utf-8")
    study = load_study(folder)
    # header 1, data 2-3, blank 4-5, the bad row on line 6
    assert quarantine_of(study, "behaviour.csv") == [(6, "score", "9")]
    row = study.summary.set_index("table").loc["behaviour"]
    assert (row["rows_read"], row["rows_kept"], row["rows_quarantined"]) == (4, 3, 1)
    assert "2 empty row(s) skipped" in row["notes"]


def test_quoted_newlines_count_as_one_spreadsheet_row(tmp_path):
    units = rows_of("units")
    units[1][1] = "Dinas\nPendidikan"
    units[2][1] = "SDN 001, Tanjung Selor"
    units[2][5] = "-1"
    study = load_study(write_study(tmp_path / "s", units=units))
    # a unit's bad optional cell is left empty (the unit and its staff stay), on line 3
    assert quarantine_of(study, "units.csv") == []
    assert study.repairs[["file", "line", "column", "value"]].values.tolist() == [
        ["units.csv", 3, "service_population", "-1"]
    ]
    assert study.units["name"].tolist() == ["Dinas\nPendidikan", "SDN 001, Tanjung Selor"]
    assert study.units["service_population"].isna().tolist() == [False, True]


def test_a_row_with_too_many_cells_is_quarantined_with_its_line(tmp_path):
    folder = write_study(tmp_path / "s")
    rows = rows_of("org_rating")
    lines = [",".join(r) for r in rows]
    lines[2] = "2025Q3,U2,baik,sekali"  # an unquoted separator in a value
    lines.append("2025Q4,U1,baik,")  # a trailing empty cell is harmless
    (folder / "org_rating.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = load_study(folder)
    q = study.quarantine[study.quarantine["file"] == "org_rating.csv"]
    assert q[["line", "column", "value"]].values.tolist() == [[3, "", "2025Q3,U2,baik,sekali"]]
    assert "put that value in double quotes" in q["reason"].iloc[0]
    assert study.org_rating["period"].tolist() == ["2025Q3", "2025Q2", "2025Q4"]
    assert_counts_add_up(study)


# --------------------------------------------------------------------------------------
# unusable input
# --------------------------------------------------------------------------------------


def test_missing_required_column_names_file_and_column(tmp_path):
    rows = [r[:1] + r[2:] for r in rows_of("employees")]  # no nip column
    folder = write_study(tmp_path / "s", employees=rows)
    with pytest.raises(InputError) as info:
        load_study(folder)
    message = str(info.value)
    assert "employees.csv" in message
    assert "'nip'" in message
    assert "missing" in message


def test_missing_required_file_and_table_stored_twice(tmp_path):
    folder = write_study(tmp_path / "s", skip=("behaviour",))
    with pytest.raises(InputError, match=r"behaviour: required table is missing"):
        load_study(folder)
    write_csv(folder, "behaviour", rows_of("behaviour"))
    pd.DataFrame(rows_of("units")[1:], columns=rows_of("units")[0]).to_parquet(
        folder / "units.parquet"
    )
    with pytest.raises(InputError, match=r"units\.csv, units\.parquet"):
        load_study(folder)


def test_every_problem_is_reported_at_once(tmp_path):
    folder = write_study(tmp_path / "s", skip=("citizen",))
    (folder / "units.csv").write_text("", encoding="utf-8")
    rows = [r[:-1] for r in rows_of("org_rating")]
    write_csv(folder, "org_rating", rows)
    with pytest.raises(InputError) as info:
        load_study(folder)
    message = str(info.value)
    assert "citizen: required table is missing" in message
    assert "units.csv: empty" in message
    assert "org_rating.csv: required column 'predikat' missing" in message


def test_a_column_given_twice_is_unusable(tmp_path):
    rows = rows_of("org_rating")
    for r in rows:
        r.append(r[2])
    rows[0][3] = "Predikat "
    with pytest.raises(InputError, match=r"org_rating\.csv: column 'predikat' appears twice"):
        load_study(write_study(tmp_path / "s", org_rating=rows))


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        load_study(tmp_path / "nowhere")


# --------------------------------------------------------------------------------------
# workbooks and Parquet
# --------------------------------------------------------------------------------------


def _frames() -> dict[str, pd.DataFrame]:
    return {t: pd.DataFrame(r[1:], columns=r[0]) for t, r in CLEAN.items()}


def test_workbook_with_one_sheet_per_table(tmp_path):
    import openpyxl

    frames = _frames()
    book = tmp_path / "study.xlsx"
    with pd.ExcelWriter(book) as writer:
        for table, frame in frames.items():
            frame.to_excel(writer, sheet_name=table, index=False)
    wb = openpyxl.load_workbook(book)
    ws = wb["employees"]
    ws["B3"] = 1.99001e17  # E2's NIP, typed into a number cell
    ws = wb["behaviour"]
    ws["F2"] = 4  # numbers as number cells
    ws["F3"] = 5.0
    ws = wb["results"]
    ws["F2"] = 85.125  # a decimal number cell with three decimals: no ambiguity
    ws = wb["employees"]
    ws["K2"] = pd.Timestamp("1987-03-12").to_pydatetime()  # a date cell
    wb.save(book)
    study = load_study(book)
    q = study.quarantine
    emp = q[q["file"] == "study.xlsx:employees"]
    assert emp[["line", "column", "value"]].values.tolist() == [[3, "nip", "1.99001e+17"]]
    assert "re-export the column as text" in emp["reason"].iloc[0]
    assert study.results.loc[0, "realization"] == 85.125
    assert study.employees.loc[0, "birth_date"] == pd.Timestamp("1987-03-12")
    assert study.summary["file"].iloc[0] == "study.xlsx:units"
    assert study.files == [book]
    # a folder holding the workbook works the same
    again = load_study(tmp_path)
    assert again.quarantine.equals(study.quarantine)


def test_single_table_xlsx_and_parquet_files(tmp_path):
    folder = write_study(tmp_path / "s", skip=("employees", "behaviour"))
    frames = _frames()
    emp = frames["employees"].copy()
    emp.loc[1, "nip"] = "1.99001E+17"
    emp.to_excel(folder / "employees.xlsx", index=False, sheet_name="Sheet1")
    beh = frames["behaviour"].copy()
    beh["score"] = [4, 5, 3, 9]
    beh.to_parquet(folder / "behaviour.parquet")
    study = load_study(folder)
    assert quarantine_of(study, "employees.xlsx") == [(3, "nip", "1.99001E+17")]
    # E2's ratings (lines 2-4) went with E2
    assert quarantine_of(study, "behaviour.parquet") == [
        (2, "employee_id", "E2"),
        (3, "employee_id", "E2"),
        (3, "rater_id", "E2"),
        (4, "employee_id", "E2"),
        (5, "score", "9"),
    ]
    assert study.behaviour.empty
    assert study.behaviour["score"].dtype == "Int64"
    assert_counts_add_up(study)


# --------------------------------------------------------------------------------------
# the parsers on their own
# --------------------------------------------------------------------------------------


def _plain(values: pd.Series) -> list:
    """Values as a list, with every missing value as None."""
    return [None if pd.isna(v) else v for v in values.tolist()]


def _numbers(cells: list[str], kind: str, decimal=None):
    text = pd.Series(cells, dtype="str")
    classes = P.classify_numbers(text)
    if decimal == "auto":
        decimal = P.decimal_mark([classes])
    values, reasons = P.parse_numbers(text, classes, kind, decimal)
    values, reasons = P.finish_numbers(values, reasons, kind)
    return values.tolist(), _plain(reasons)


def test_number_rules_int_columns_read_a_three_digit_group_as_thousands():
    values, reasons = _numbers(
        ["1.250", "1,250", "4.0", "4,0", "1.250.000", "12 500", "4.5"], "int"
    )
    assert values[:6] == [1250.0, 1250.0, 4.0, 4.0, 1250000.0, 12500.0]
    assert np.isnan(values[6]) and reasons[6] == P.REASON_NOT_WHOLE


def test_number_rules_float_columns_follow_the_files_decimal_mark():
    values, reasons = _numbers(["85,5", "1.250", "1,250", "1.250,5"], "float", "auto")
    assert values == [85.5, 1250.0, 1.25, 1250.5]
    values, reasons = _numbers(["85.5", "1.250", "1,250", "1,250.5"], "float", "auto")
    assert values == [85.5, 1.25, 1250.0, 1250.5]
    values, reasons = _numbers(["100", "1.250"], "float", "auto")
    assert values[0] == 100.0 and np.isnan(values[1])
    assert reasons == [None, P.REASON_AMBIGUOUS]


def test_number_rules_reject_what_is_not_a_number():
    values, reasons = _numbers(["", "1e400", "12a", "--1", "1.2.3"], "float", ".")
    assert np.isnan(values).all()
    assert reasons == [None] + [P.REASON_NOT_A_NUMBER] * 4


def test_dates_in_usual_spellings():
    cells = pd.Series(
        [
            "1987-03-12",
            "12/03/1987",
            "12-03-1987",
            "12.03.1987",
            "12 Maret 1987",
            "12 Mar 1987",
            "1987/03/12 00:00:00",
            "31/02/2020",
            "03/25/2020",
            "43831",
            "",
        ],
        dtype="str",
    )
    values, reasons = P.parse_dates(cells, text_only=True)
    assert values[:7].tolist() == [pd.Timestamp("1987-03-12")] * 7
    assert values[7:].isna().all()
    assert _plain(reasons)[7:] == [
        P.REASON_NOT_A_DATE,
        P.REASON_NOT_A_DATE,
        P.REASON_NUMBER_NOT_DATE,
        None,
    ]


def test_periods_in_usual_spellings():
    cells = pd.Series(
        [
            "2025Q3",
            "2025-Q3",
            "2025 Q3",
            "Q3 2025",
            "2025/Q3",
            "q3-2025",
            "TW3 2025",
            "Triwulan III 2025",
            "2025 q4",
            "2025Q0",
            "Q5 2025",
            "",
        ],
        dtype="str",
    )
    values, reasons = P.parse_periods(cells, text_only=True)
    assert values.tolist()[:9] == ["2025Q3"] * 8 + ["2025Q4"]
    assert _plain(values)[9:] == [None, None, None]
    assert reasons[9].startswith("quarter 0 does not exist")
    assert reasons[10].startswith("quarter 5 does not exist")
    assert pd.isna(reasons[11])
    assert P.period_quarters("2025") == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert P.period_quarters(" Q2 2024") == ["2024Q2"]
    with pytest.raises(ValueError, match="expected a quarter"):
        P.period_quarters("semester 1")


def test_separator_and_encoding_detection():
    from evalkit.io.read import detect_encoding, detect_separator

    assert detect_separator("a;b;c") == ";"
    assert detect_separator("a,b,c") == ","
    assert detect_separator("a\tb\tc") == "\t"
    assert detect_separator('"x;y",b,c') == ","
    assert detect_encoding("é".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa") == "utf-8-sig"
    assert detect_encoding("é".encode("cp1252")) == "cp1252"
    assert detect_encoding(b"\x81\x8d") == "latin-1"
    assert detect_encoding("ab".encode("utf-16")) == "utf-16"
    assert detect_encoding(b"\xfe\xffab\n") == "cp1252"  # not UTF-16 after all


# --------------------------------------------------------------------------------------
# periods
# --------------------------------------------------------------------------------------


def test_select_period_quarter_year_and_none(clean):
    study = load_study(clean)
    q3 = select_period(study, "2025 Q3")
    assert q3.period == "2025Q3"
    assert q3.results["period"].unique().tolist() == ["2025Q3"]
    assert len(q3.results) == 3 and len(q3.org_rating) == 2
    assert len(q3.employees) == 3  # tables without a period are kept whole
    assert len(q3.training) == 1
    year = select_period(study, "2025")
    assert year.period == "2025"
    assert len(year.results) == 4
    assert select_period(study, None) is study
    assert len(study.results) == 4  # the original is untouched
    via_load = load_study(clean, period="2025Q2")
    assert via_load.results["employee_id"].tolist() == ["E3"]


def test_select_period_errors(clean):
    study = load_study(clean)
    with pytest.raises(InputError, match="no rows in that period; the data hold: 2025Q2, 2025Q3"):
        select_period(study, "2024Q1")
    with pytest.raises(InputError, match="expected a quarter"):
        select_period(study, "kemarin")
    with pytest.raises(InputError, match="expected a quarter"):
        load_study(clean, period="2025Q7")


# --------------------------------------------------------------------------------------
# the validate command
# --------------------------------------------------------------------------------------


def test_validate_exit_0_when_every_row_is_kept(clean, tmp_path, capsys):
    target = tmp_path / "out" / "q.csv"
    assert validate_command(clean, quarantine=target, language="en") == 0
    out = capsys.readouterr().out
    assert "employees.csv" in out and "all files" in out
    assert list(pd.read_csv(target).columns) == [
        "file",
        "line",
        "column",
        "value",
        "reason",
        "code",
    ]
    assert len(pd.read_csv(target)) == 0


def test_validate_exit_1_prints_reasons_and_writes_the_quarantine(tmp_path, capsys):
    behaviour = rows_of("behaviour")
    behaviour[1][5] = "7"
    behaviour[2][5] = "8"
    folder = write_study(tmp_path / "s", behaviour=behaviour)
    target = tmp_path / "q.csv"
    assert validate_command(folder, quarantine=target, language="en") == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("behaviour.csv"))
    assert line.split() == ["behaviour.csv", "behaviour", "4", "2", "2"]
    assert "2 row(s)  score: outside the allowed range 1 to 5" in out
    written = pd.read_csv(target, dtype=str)
    assert written[["file", "line", "column", "value"]].values.tolist() == [
        ["behaviour.csv", "2", "score", "7"],
        ["behaviour.csv", "3", "score", "8"],
    ]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it right


def test_validate_exit_2_on_unusable_input_with_a_message_not_a_traceback(tmp_path, capsys):
    rows = [r[1:] for r in rows_of("units")]  # no unit_id
    folder = write_study(tmp_path / "s", units=rows)
    assert validate_command(folder, language="en") == 2
    captured = capsys.readouterr()
    assert "units.csv: required column 'unit_id' missing" in captured.err
    assert "Traceback" not in captured.err
    assert validate_command(folder, period="2025Q3") == 2


def test_validate_through_the_command_line(clean, capsys):
    from evalkit.cli import main

    assert main(["validate", str(clean), "--period", "2025Q3", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "period 2025Q3: rows kept in the period: results 3, behaviour 3" in out


# --------------------------------------------------------------------------------------
# the shipped-data contract
# --------------------------------------------------------------------------------------


def test_simulator_output_validates_cleanly(tmp_path):
    simulate = pytest.importorskip("evalkit.simulation").simulate
    simulate(out=tmp_path / "sim", employees=200, periods="2025Q1:2025Q2")
    study = load_study(tmp_path / "sim")
    assert study.quarantine.empty, study.quarantine.head(20).to_string()
    assert (study.summary["rows_read"] == study.summary["rows_kept"]).all()
    assert len(study.employees) == 200
    assert set(study.results["period"]) == {"2025Q1", "2025Q2"}


def test_workbook_blank_rows_keep_spreadsheet_line_numbers(tmp_path):
    import openpyxl

    folder = write_study(tmp_path / "s", skip=("org_rating",))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Org Rating"  # sheet names are normalised like headers
    rows = rows_of("org_rating")
    for row in (rows[0], rows[1], [], [], rows[2]):
        ws.append(row)
    ws["A6"], ws["B6"], ws["C6"] = "2025Q1", "U1", "Sangat Luar Biasa"
    wb.save(folder / "ratings.xlsx")
    study = load_study(folder)
    assert quarantine_of(study, "ratings.xlsx:Org Rating") == [(6, "predikat", "Sangat Luar Biasa")]
    row = study.summary.set_index("table").loc["org_rating"]
    assert (row["rows_read"], row["rows_kept"]) == (3, 2)
    assert "2 empty row(s) skipped" in row["notes"]


def test_public_names_resolve_from_the_package():
    assert ek.load_study is load_study
    assert ek.select_period is select_period
    assert ek.InputError is InputError
    assert issubclass(ek.InputError, Exception)
    assert ek.Study is ek.io.Study
    assert set(ek.io.__all__) >= {
        "Study",
        "InputError",
        "load_study",
        "select_period",
        "validate_command",
    }


@pytest.mark.slow
def test_full_size_export_with_every_rating_twice_and_decimal_commas(tmp_path):
    """The simulator's default data set, re-exported the messy way: behaviour.csv holds
    every row twice (a copy pasted below itself), results.csv is semicolon-separated
    with decimal commas and a BOM. Nothing is lost and every copy is named."""
    simulate = pytest.importorskip("evalkit.simulation").simulate
    folder = tmp_path / "sim"
    simulate(out=folder)
    clean = load_study(folder)
    behaviour = pd.read_csv(folder / "behaviour.csv", dtype=str, keep_default_na=False)
    pd.concat([behaviour, behaviour]).to_csv(folder / "behaviour.csv", index=False)
    results = pd.read_csv(folder / "results.csv", dtype=str, keep_default_na=False)
    for col in ("target", "realization"):
        results[col] = results[col].str.replace(".", ",", regex=False)
    results.to_csv(folder / "results.csv", index=False, sep=";", encoding="utf-8-sig")
    study = load_study(folder)
    n = len(behaviour)
    row = study.summary.set_index("table").loc["behaviour"]
    assert (row["rows_read"], row["rows_kept"], row["rows_quarantined"]) == (2 * n, n, n)
    q = study.quarantine[study.quarantine["file"] == "behaviour.csv"]
    assert q["line"].tolist() == list(range(n + 2, 2 * n + 2))
    assert (q["reason"] == "exact duplicate of line " + (q["line"] - n).astype(str)).all()
    pd.testing.assert_frame_equal(study.behaviour, clean.behaviour)
    pd.testing.assert_frame_equal(study.results, clean.results)


def test_parquet_with_typed_columns(tmp_path):
    folder = write_study(tmp_path / "s", skip=("training", "org_rating"))
    org = _frames()["org_rating"].astype({"predikat": "category"})
    org["period"] = org["period"].astype("category")
    org.to_parquet(folder / "org_rating.parquet")
    training = _frames()["training"]
    training["start_date"] = pd.to_datetime(training["start_date"])
    training["hours"] = pd.array([24], dtype="Int64")
    training.to_parquet(folder / "training.parquet")
    study = load_study(folder)
    assert study.quarantine.empty
    assert study.org_rating["predikat"].tolist() == ["baik", "istimewa", "butuh_perbaikan"]
    assert study.training["start_date"].tolist() == [pd.Timestamp("2025-01-10")]
    assert study.training["hours"].tolist() == [24.0]
