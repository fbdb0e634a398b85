"""Property-based tests: generated bad rows and bad files never crash the loader and
never lose a row.

Rows are built from cells that real exports contain (valid and invalid ids, periods,
numbers with decimal commas, labels, mangled NIPs, separators, quotes, line breaks,
BOMs) mixed with arbitrary text, and written with a random separator and encoding.
The invariants: no exception other than :class:`evalkit.io.InputError`; for every
file ``rows_read == rows_kept + rows_quarantined``; ``rows_read`` is the number of
non-empty records in the file; every kept row satisfies the data model.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_io import CLEAN, E1_NIP, rows_of, write_study

from evalkit.io import load as ekio
from evalkit.io.read import find_sources, read_source
from evalkit.io.validate import map_columns, validate_table
from evalkit.tables import PANDAS_DTYPES, TABLES, pandera_schema

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# fmt: off
MESSY_CELLS = [
    "", " ", "E1", "E2", "E3", "E9", " E2 ", "U1", "U2", "U9", "I1", "I9",
    "2025Q3", "2025 Q3", "Q2 2025", "2025Q5", "2025", "TW3 2025",
    "4", "4,0", "4.5", "7", "-1", "0", "1.250", "1,250", "85,5", "1.250,5", "1e400", "abc",
    "Di Atas Ekspektasi", "sesuai", "Atasan Langsung", "diri", "Rekan Kerja", "akuntabel",
    "Berorientasi Pelayanan", "Sangat Baik", "Cukup", "Laki-laki", "P", "pns", "PPPK",
    "1.98703E+17", E1_NIP, "198703122010121000", "1987-03-12", "12/03/1987", "31/02/2020",
    '"', "'", ";", ",", "\t", "\n", "\r\n", "é", "\ufeff", "sep=;", "NaN", "None", "#N/A",
]
# fmt: on
cell = st.one_of(st.sampled_from(MESSY_CELLS), st.text(max_size=10))


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _csv_text(rows: list[list[str]], sep: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _nonblank_records(data: bytes, encoding: str, sep: str) -> int:
    """Data records with some non-space content, as Python's csv module reads them.

    Control characters (NUL and the other C0 codes but tab and line breaks) are not
    content: the reader removes them and notes their lines, so a line of separators
    and a stray backspace is a blank line, not a row (Hypothesis found that case)."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", data.decode(encoding))
    if text.startswith("\ufeff"):
        text = text[1:]
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))[1:]
    return sum(1 for r in records if any(c.replace("\u00a0", " ").strip() for c in r))


@cache
def _clean_parents(folder: str) -> dict:
    """The validated clean tables (parents for the table under test)."""
    sources, _ = find_sources(Path(folder))
    raws, layouts = {}, {}
    for name, source in sources.items():
        header, raw = read_source(source)
        positions, notes, problems = map_columns(TABLES[name], header, source.label)
        assert not problems
        raws[name], layouts[name] = raw, (positions, notes)
    return ekio._validate_all(raws, layouts)


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory) -> Path:
    return write_study(tmp_path_factory.mktemp("clean") / "study")


def _check_kept_rows_satisfy_the_model(frame: pd.DataFrame, table: str) -> None:
    t = TABLES[table]
    assert list(frame.columns) == t.column_names
    for c in t.columns:
        assert frame[c.name].dtype == pd.Series(dtype=PANDAS_DTYPES[c.dtype]).dtype
        if c.required:
            assert frame[c.name].notna().all(), c.name
    pandera_schema(table).validate(frame, lazy=True)
    assert not frame.duplicated(list(t.key)).any()


@pytest.mark.parametrize("table", ["employees", "results", "behaviour", "citizen", "training"])
@SETTINGS
@given(
    data=st.data(),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_generated_bad_rows_never_crash_and_are_all_accounted_for(
    clean_folder, tmp_path, table, data, sep, encoding
):
    header = CLEAN[table][0]
    width = len(header)
    valid = rows_of(table)[1:]
    messy_row = st.lists(cell, min_size=max(0, width - 2), max_size=width + 2)
    mutated_row = st.builds(
        lambda base, pos, value: [*base[:pos], value, *base[pos + 1 :]],
        st.sampled_from(valid),
        st.integers(0, width - 1),
        cell,
    )
    body = data.draw(
        st.lists(st.one_of(messy_row, mutated_row, st.sampled_from(valid)), max_size=12)
    )
    raw_bytes = _encode(_csv_text([header, *body], sep), encoding)
    folder = tmp_path / "t"
    folder.mkdir(exist_ok=True)
    path = folder / f"{table}.csv"
    path.write_bytes(raw_bytes)

    parents = _clean_parents(str(clean_folder))
    source = find_sources(folder)[0][table]
    header_read, raw = read_source(source)
    positions, notes, problems = map_columns(TABLES[table], header_read, source.label)
    assert not problems
    checked = validate_table(raw, positions, notes, parents)

    expected = _nonblank_records(raw_bytes, "utf-8-sig" if encoding != "cp1252" else encoding, sep)
    assert checked.rows_read == expected
    assert checked.rows_read == len(checked.frame) + checked.rows_quarantined
    q = checked.quarantine
    assert list(q.columns) == ["file", "line", "column", "value", "reason"]
    assert (q["file"] == f"{table}.csv").all()
    assert q["reason"].map(lambda r: isinstance(r, str) and len(r) > 0).all()
    assert q["line"].between(2, 1 + len(body)).all()
    _check_kept_rows_satisfy_the_model(checked.frame, table)


def _mutate_file(folder: Path, table: str, how: str, payload: bytes) -> None:
    path = folder / f"{table}.csv"
    data = path.read_bytes()
    if how == "append_bytes":
        path.write_bytes(data + payload)
    elif how == "prepend_bytes":
        path.write_bytes(payload + data)
    elif how == "replace_bytes":
        path.write_bytes(payload)
    elif how == "drop_first_column":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        path.write_text(_csv_text([r[1:] for r in rows], ","), encoding="utf-8")
    elif how == "rename_header":
        first, _, rest = data.partition(b"\r\n")
        path.write_bytes(payload.replace(b"\n", b"") + b"," + first + b"\r\n" + rest)
    elif how == "header_only":
        path.write_bytes(data.partition(b"\r\n")[0] + b"\r\n")
    elif how == "as_xlsx_and_csv":
        pd.DataFrame([["x"]], columns=["y"]).to_parquet(folder / f"{table}.parquet")


@SETTINGS
@example(table="units", how="prepend_bytes", payload=b"\xfe\xff")  # a false UTF-16 BOM
@example(table="results", how="append_bytes", payload=b'"unterminated')
@example(table="behaviour", how="append_bytes", payload=b"\x00\x00")
@given(
    table=st.sampled_from(list(CLEAN)),
    how=st.sampled_from(
        [
            "append_bytes",
            "prepend_bytes",
            "replace_bytes",
            "drop_first_column",
            "rename_header",
            "header_only",
            "as_xlsx_and_csv",
        ]
    ),
    payload=st.binary(max_size=40)
    | st.sampled_from(
        [b"\xef\xbb\xbf", b"\x00\x00", b";;;\r\n", b'"unterminated', b"\xff\xfe", b"\r\n\r\n"]
    ),
)
def test_bad_files_give_a_study_or_an_input_error_never_a_crash(
    clean_folder, tmp_path, table, how, payload
):
    folder = tmp_path / "f"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(clean_folder, folder)
    _mutate_file(folder, table, how, payload)
    try:
        study = ekio.load_study(folder)
    except ekio.InputError as exc:
        message = str(exc)
        assert "cannot be used" in message
        assert any(name in message for name in TABLES)
        return
    s = study.summary
    assert (s["rows_read"] == s["rows_kept"] + s["rows_quarantined"]).all()
    for row in s.itertuples():
        assert len(getattr(study, row.table)) == row.rows_kept
        lines = study.quarantine.loc[study.quarantine["file"] == row.file, "line"]
        assert lines.nunique() == row.rows_quarantined


xlsx_cell = st.one_of(
    st.sampled_from([c for c in MESSY_CELLS if c.isprintable() or c in ("", "\n")]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
    st.integers(-10, 10**19),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.none(),
)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@pytest.mark.parametrize("table", ["employees", "behaviour"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_workbook_cells_of_any_type_are_all_accounted_for(
    clean_folder, tmp_path, table, data
):
    import openpyxl

    header = CLEAN[table][0]
    width = len(header)
    valid = rows_of(table)[1:]
    row = st.one_of(
        st.lists(xlsx_cell, min_size=width, max_size=width),
        st.builds(
            lambda base, pos, value: [*base[:pos], value, *base[pos + 1 :]],
            st.sampled_from(valid),
            st.integers(0, width - 1),
            xlsx_cell,
        ),
    )
    body = data.draw(st.lists(row, max_size=8))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = table
    ws.append(header)
    for r in body:
        ws.append(r)
    folder = tmp_path / "x"
    folder.mkdir(exist_ok=True)
    wb.save(folder / "book.xlsx")

    parents = _clean_parents(str(clean_folder))
    source = find_sources(folder)[0][table]
    header_read, raw = read_source(source)
    positions, notes, problems = map_columns(TABLES[table], header_read, source.label)
    assert not problems
    try:
        checked = validate_table(raw, positions, notes, parents)
    except ekio.InputError as err:
        # Most of an id column stored as numbers or dates by a spreadsheet: the file is refused
        # whole, with one message that says how to re-export, instead of a cascade of
        # quarantined rows. Nothing is kept, so nothing is lost silently either.
        assert str(err).startswith(f"book.xlsx:{table}: ")
        assert "were stored as numbers by a spreadsheet" in str(err)
        return
    assert checked.rows_read == sum(1 for r in body if not all(_is_blank(v) for v in r))
    assert checked.rows_read == len(checked.frame) + checked.rows_quarantined
    assert (checked.quarantine["file"] == f"book.xlsx:{table}").all()
    _check_kept_rows_satisfy_the_model(checked.frame, table)
