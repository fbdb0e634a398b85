"""A corpus of damaged inputs: each fault kind, what the loader must make of it, row by row.

The base is a small slice of the simulated data set (``small_data``: a dozen employees
with their units, indicators, results, ratings, surveys, training and unit ratings),
written as CSV. Every case of :data:`FAULTS` damages a copy of it the way real exports
and data stewards do, and states the outcome exactly:

* ``quarantine``: the quarantine records ``(file, line, column, code)`` the loader must
  write, where ``code`` is the stable reason code (:func:`evalkit.io.messages.reason_code`);
  rows that depend on a quarantined parent row are added by :func:`cascade`;
* every other row of every table is kept, in order, with its key unchanged (a row lost
  without a record, or a record for a sound row, fails the case);
* read = kept + quarantined for every file;
* ``error``: the input is unusable and :class:`~evalkit.io.InputError` says so with the
  message of that code, naming the file;
* ``notes`` / ``repairs`` / ``check``: what the summary notes, which cells were left
  empty, and values that must come out right (an accented name, a decimal comma).

The catalogue is data: one :class:`Fault` per line of :data:`FAULTS`, grouped by class.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from evalkit.io import InputError, load_study
from evalkit.io.messages import reason_code, translate_message
from evalkit.tables import CORE_TABLES, TABLES

#: The tables the corpus damages: the core of the data model (the optional tables added
#: since, complaints and teaching, follow the same loader rules and have their own tests).
CORPUS_TABLES = CORE_TABLES

# --------------------------------------------------------------------------------------
# the base: a slice of the simulated data set
# --------------------------------------------------------------------------------------

N_EMPLOYEES = 12
LIMITS = {"results": 30, "behaviour": 40, "citizen": 20, "training": 10, "org_rating": 20}


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _slice(folder: Path) -> dict[str, list[list[str]]]:
    """A consistent small slice of a simulated folder, as rows of text."""
    rows = {name: _read_rows(folder / f"{name}.csv") for name in CORPUS_TABLES}
    emp = rows["employees"][: N_EMPLOYEES + 1]
    ids = {r[0] for r in emp[1:]}
    out = {"units": rows["units"], "employees": emp, "indicators": rows["indicators"]}
    for name in ("results", "behaviour", "citizen", "training", "org_rating"):
        header, body = rows[name][0], rows[name][1:]
        cols = {c: header.index(c) for c in ("employee_id", "rater_id") if c in header}
        kept = []
        for r in body:
            if name == "citizen":
                if r[cols["employee_id"]] and r[cols["employee_id"]] not in ids:
                    r = list(r)
                    r[cols["employee_id"]] = ""
            elif any(r[i] not in ids for i in cols.values()):
                continue
            kept.append(r)
            if len(kept) == LIMITS[name]:
                break
        out[name] = [header, *kept]
    return out


@dataclass
class Base:
    """The clean slice: rows per table (header first) and the loaded study."""

    folder: Path
    rows: dict[str, list[list[str]]]

    def col(self, table: str, column: str) -> int:
        return self.rows[table][0].index(column)

    def line_of(self, table: str, **values: str) -> int:
        """Spreadsheet line of the first row with these values."""
        for i, r in enumerate(self.rows[table][1:], start=2):
            if all(r[self.col(table, c)] == v for c, v in values.items()):
                return i
        raise LookupError(values)


def _write_rows(path: Path, rows: list[list[str]], sep: str = ",") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


@pytest.fixture(scope="module")
def base(small_data, tmp_path_factory) -> Base:
    folder = tmp_path_factory.mktemp("fault-base") / "base"
    folder.mkdir()
    rows = _slice(small_data)
    for name, r in rows.items():
        _write_rows(folder / f"{name}.csv", r)
    study = load_study(folder)
    assert study.quarantine.empty, study.quarantine.to_string()
    for name, r in rows.items():
        assert len(getattr(study, name)) == len(r) - 1
    return Base(folder, rows)


# --------------------------------------------------------------------------------------
# damaging a copy
# --------------------------------------------------------------------------------------


class Copy:
    """A copy of the base being damaged: rows to edit, or a file's text or bytes."""

    def __init__(self, base: Base, folder: Path):
        self.base = base
        self.folder = folder
        self.rows = {k: [list(r) for r in v] for k, v in base.rows.items()}
        self.raw: dict[str, bytes] = {}  # table → bytes written instead of the rows
        self.sep = {name: "," for name in CORPUS_TABLES}
        self.after: Callable[[Copy], None] | None = None
        folder.mkdir(parents=True)

    def set(self, table: str, line: int, column: str, value: str) -> None:
        self.rows[table][line - 1][self.base.col(table, column)] = value

    def get(self, table: str, line: int, column: str) -> str:
        return self.rows[table][line - 1][self.base.col(table, column)]

    def text(self, table: str) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.sep[table], lineterminator="\n").writerows(self.rows[table])
        return buf.getvalue()

    def lines(self, table: str) -> list[str]:
        return self.text(table).split("\n")

    def set_lines(self, table: str, lines: list[str], encoding: str = "utf-8") -> None:
        self.raw[table] = "\n".join(lines).encode(encoding)

    def write(self) -> None:
        for name in CORPUS_TABLES:
            path = self.folder / f"{name}.csv"
            if name in self.raw:
                if self.raw[name] is not None:
                    path.write_bytes(self.raw[name])
            else:
                path.write_text(self.text(name), encoding="utf-8")


@dataclass(frozen=True)
class Fault:
    """One kind of damaged input and the loader's exact answer to it."""

    name: str
    kind: str  # the class of fault
    damage: Callable[[Copy], None]
    #: quarantine records (file, line, column, code), or a callable of the base
    quarantine: tuple | Callable[[Base], list] = ()
    #: code of the InputError (the input is unusable)
    error: str | None = None
    #: (file, text) that the summary's notes of that file must contain
    notes: tuple[tuple[str, str], ...] = ()
    #: (file, line, column) of cells left empty, rows kept
    repairs: tuple[tuple[str, int, str], ...] = ()
    #: a check of the loaded study (values that must come out right)
    check: Callable | None = None
    #: extra rows (beyond the base) that the damage adds to a file
    added: dict = field(default_factory=dict)
    #: rows of a file that are empty and skipped (not data)
    blank: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# expected cascades
# --------------------------------------------------------------------------------------


def cascade(base: Base, employee_line: int, code: str = "parent_quarantined") -> list[tuple]:
    """Records of the rows that refer to the employee on ``employee_line`` (quarantined
    or unreadable): their required references fail with ``code``."""
    emp = base.rows["employees"][employee_line - 1][0]
    out = []
    for table, columns in (
        ("results", ("employee_id",)),
        ("behaviour", ("employee_id", "rater_id")),
        ("training", ("employee_id",)),
    ):
        for i, r in enumerate(base.rows[table][1:], start=2):
            for c in columns:
                if r[base.col(table, c)] == emp:
                    out.append((f"{table}.csv", i, c, code))
    return out


def unit_cascade(base: Base, unit_line: int, code: str = "parent_quarantined") -> list[tuple]:
    unit = base.rows["units"][unit_line - 1][0]
    out = []
    for table in ("employees", "citizen", "org_rating"):
        for i, r in enumerate(base.rows[table][1:], start=2):
            if r[base.col(table, "unit_id")] == unit:
                out.append((f"{table}.csv", i, "unit_id", code))
                if table == "employees":
                    out += cascade(base, i)
    return out


# --------------------------------------------------------------------------------------
# damage helpers
# --------------------------------------------------------------------------------------

B = "behaviour"
R = "results"
E = "employees"
C = "citizen"
T = "training"
U = "units"
O = "org_rating"  # noqa: E741
I = "indicators"  # noqa: E741


def _edit_line(table: str, line: int, edit: Callable[[str], str]) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        lines = c.lines(table)
        lines[line - 1] = edit(lines[line - 1])
        c.set_lines(table, lines)

    return damage


def _raw_cells(table: str, edits: dict[int, tuple[str, Callable[[str], str]]]):
    """Lines rewritten with one cell as raw text (not quoted by a CSV writer)."""

    def damage(c: Copy) -> None:
        lines = c.lines(table)
        for line, (column, edit) in edits.items():
            cells = []
            for j, v in enumerate(c.rows[table][line - 1]):
                if j == c.base.col(table, column):
                    cells.append(edit(v))
                else:
                    buf = io.StringIO()
                    csv.writer(buf, lineterminator="").writerow([v])
                    cells.append(buf.getvalue())
            lines[line - 1] = ",".join(cells)
        c.set_lines(table, lines)

    return damage


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_BULAN = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def _day_first(c: Copy) -> None:
    y, m, d = c.get(T, 2, "start_date").split("-")
    c.set(T, 2, "start_date", f"{d}/{m}/{y}")
    y, m, d = c.get(T, 2, "end_date").split("-")
    c.set(T, 2, "end_date", f"{int(d)} {_BULAN[int(m) - 1]} {y}")


def _cell(table: str, line: int, column: str, value: str) -> Callable[[Copy], None]:
    return lambda c: c.set(table, line, column, value)


def _encode(table: str, encoding: str, bom: bytes = b"") -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        c.raw[table] = bom + c.text(table).encode(encoding)

    return damage


def _accented(c: Copy) -> None:
    c.set(E, 2, "name", "Andi Sémbiring")
    c.set(E, 3, "name", "Nur Aïni Ñoor")


def _names_are(*names: tuple[int, str]) -> Callable:
    def check(study, base) -> None:
        got = study.employees["name"].tolist()
        for position, name in names:
            assert got[position] == name

    return check


def _with_sep(sep: str, decimal_comma: bool = False) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        for name in CORPUS_TABLES:
            c.sep[name] = sep
        if decimal_comma:
            for line in range(2, len(c.rows[R]) + 1):
                for column in ("target", "realization"):
                    c.set(R, line, column, c.get(R, line, column).replace(".", ","))

    return damage


def _results_equal_base(study, base: Base) -> None:
    expected = pd.to_numeric(pd.Series([r[base.col(R, "realization")] for r in base.rows[R][1:]]))
    assert study.results["realization"].tolist() == expected.tolist()


def _xlsx(c: Copy, table: str, rows: list[list], sheet: str | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet or table
    for r in rows:
        ws.append(r)
    path = c.folder / f"{table}.xlsx"
    wb.save(path)
    c.raw[table] = None  # no CSV for this table
    return path


def _typed(rows: list[list[str]]) -> list[list]:
    """Workbook rows: numbers as numbers (as Excel stores them)."""

    def cell(v: str):
        try:
            return int(v)
        except ValueError:
            try:
                return float(v)
            except ValueError:
                return v

    return [rows[0], *([cell(v) for v in r] for r in rows[1:])]


def _after_write(action: Callable[[Copy], None]) -> Callable[[Copy], None]:
    """Damage done on the written folder (links, pipes, workbooks)."""

    def damage(c: Copy) -> None:
        c.after = action

    return damage


def _formula_unsaved(c: Copy) -> None:
    rows = _typed(c.rows[O])
    rows[3][2] = '=IF(1=1,"baik","kurang")'  # openpyxl saves no cached value
    _xlsx(c, O, rows)


def _formula_saved(c: Copy) -> None:
    path = c.folder / "org_rating.xlsx"
    rows = _typed(c.rows[O])
    rows[3][2] = '=IF(1=1,"baik","kurang")'
    _xlsx(c, O, rows)
    # give the formula a saved value, as Excel does when it saves
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    xml = xml.replace('"><f>', '" t="str"><f>', 1).replace("</f><v />", "</f><v>baik</v>", 1)
    parts[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _damaged_sheet_xml(c: Copy) -> None:
    path = _xlsx(c, O, _typed(c.rows[O]))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-200]
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _parquet(c: Copy, table: str, frame: pd.DataFrame) -> None:
    frame.to_parquet(c.folder / f"{table}.parquet", index=False)
    c.raw[table] = None


def _org_frame(c: Copy) -> pd.DataFrame:
    return pd.DataFrame(c.rows[O][1:], columns=c.rows[O][0])


def _mangle_nips(share: float) -> Callable[[Copy], None]:
    def damage(c: Copy) -> None:
        n = len(c.rows[E]) - 1
        for line in range(2, 2 + round(share * n)):
            nip = c.get(E, line, "nip")
            c.set(E, line, "nip", f"{nip[0]}.{nip[1:3]}E+17")

    return damage


def _mangle_response_ids(c: Copy) -> None:
    for line in range(2, len(c.rows[C]) + 1):
        c.set(C, line, "response_id", f"9.{line:02d}E+15")


def _ids_where(table: str, column: str) -> Callable[[Base], list]:
    return lambda b: [r[b.col(table, column)] for r in b.rows[table][1:]]


# --------------------------------------------------------------------------------------
# the catalogue
# --------------------------------------------------------------------------------------

FAULTS: tuple[Fault, ...] = (
    # --- rows that do not fit the header (text files) ---------------------------------
    Fault(
        "unquoted separator in a leaf row",
        "cells",
        _edit_line(B, 5, lambda s: s + ",x"),
        [("behaviour.csv", 5, "", "too_many_cells")],
    ),
    Fault(
        "unquoted separator in an employee's name",
        "cells",
        _edit_line(E, 4, lambda s: s.replace('"', "", 2)),
        lambda b: [("employees.csv", 4, "", "too_many_cells"), *cascade(b, 4, "unknown_reference")],
    ),
    Fault("trailing empty cells are harmless", "cells", _edit_line(O, 3, lambda s: s + ",,")),
    Fault(
        "a cell missing: row too short",
        "cells",
        _edit_line(B, 6, lambda s: s.rsplit(",", 1)[0]),
        [("behaviour.csv", 6, "", "too_few_cells")],
    ),
    Fault(
        "a cut line in the middle of the file",
        "cells",
        _edit_line(R, 4, lambda s: s[:12]),
        [("results.csv", 4, "", "too_few_cells")],
    ),
    Fault(
        "a unit row with a separator too many",
        "cells",
        _edit_line(U, 3, lambda s: s + ",extra"),
        lambda b: [
            ("units.csv", 3, "", "too_many_cells"),
            *unit_cascade(b, 3, "unknown_reference"),
        ],
    ),
    # --- quotes ---------------------------------------------------------------------
    Fault(
        "a quote opened and never closed (last line)",
        "quotes",
        _raw_cells(B, {41: ("rater_role", lambda v: '"' + v)}),
        [("behaviour.csv", 41, "", "quote_never_closed")],
    ),
    Fault(
        "a quote that swallows the next rows",
        "quotes",
        _raw_cells(C, {5: ("service", lambda v: '"Loket'), 8: ("service", lambda v: 'Loket"')}),
        [("citizen.csv", 5, "", "quote_runs_on")],
        check=lambda s, b: s.citizen["service"].iloc[5] == 'Loket"' or pytest.fail(),
    ),
    Fault(
        "doubled quotes inside a quoted value",
        "quotes",
        _cell(U, 2, "name", 'Dinas "Baru"'),
        check=lambda s, b: s.units["name"].iloc[0] == 'Dinas "Baru"' or pytest.fail(),
    ),
    Fault(
        "a line break inside a quoted value",
        "quotes",
        _cell(I, 2, "name", "Jumlah dokumen\nyang selesai"),
        check=lambda s, b: (
            s.indicators["name"].iloc[0] == "Jumlah dokumen\nyang selesai" or pytest.fail()
        ),
    ),
    Fault(
        "a quote inside an unquoted value is literal",
        "quotes",
        _raw_cells(C, {3: ("service", lambda v: 'Loket 5" A')}),
        check=lambda s, b: s.citizen["service"].iloc[1] == 'Loket 5" A' or pytest.fail(),
    ),
    Fault(
        "every value quoted",
        "quotes",
        lambda c: c.set_lines(B, ['"' + '","'.join(r) + '"' for r in c.rows[B]]),
    ),
    # --- separators and line breaks ------------------------------------------------------
    Fault(
        "semicolons and decimal commas",
        "layout",
        _with_sep(";", decimal_comma=True),
        check=lambda s, b: _results_equal_base(s, b),
    ),
    Fault("tab separated", "layout", _with_sep("\t")),
    Fault("pipe separated", "layout", _with_sep("|")),
    Fault("Excel's sep= first line", "layout", lambda c: c.set_lines(R, ["sep=,", *c.lines(R)])),
    Fault(
        "Windows line breaks",
        "layout",
        lambda c: c.set_lines(B, [s + "\r" for s in c.lines(B)[:-1]] + [""]),
    ),
    Fault(
        "old Mac line breaks (CR only)",
        "layout",
        lambda c: c.raw.__setitem__(B, c.text(B).replace("\n", "\r").encode()),
    ),
    Fault(
        "no line break after the last row",
        "layout",
        lambda c: c.raw.__setitem__(O, c.text(O).rstrip("\n").encode()),
    ),
    Fault(
        "blank lines between rows",
        "layout",
        lambda c: c.set_lines(O, [*c.lines(O)[:3], "", "", *c.lines(O)[3:]]),
        notes=(("org_rating.csv", "2 empty row(s) skipped"),),
        blank={"org_rating.csv": 2},
    ),
    Fault(
        "a row of separators only",
        "layout",
        lambda c: c.set_lines(O, [*c.lines(O)[:3], ",,", *c.lines(O)[3:]]),
        notes=(("org_rating.csv", "1 empty row(s) skipped"),),
        blank={"org_rating.csv": 1},
    ),
    Fault(
        "stray spaces and no-break spaces around values",
        "layout",
        lambda c: c.set_lines(
            O, [c.lines(O)[0]] + [", ".join(f"\u00a0{v} " for v in r) for r in c.rows[O][1:]]
        ),
    ),
    # --- encodings ----------------------------------------------------------------------
    Fault("UTF-8 with a byte-order mark", "encoding", _encode(E, "utf-8", codecs.BOM_UTF8)),
    Fault(
        "Windows-1252 file with accented names",
        "encoding",
        lambda c: (_accented(c), _encode(E, "cp1252")(c)),
        check=_names_are((0, "Andi Sémbiring"), (1, "Nur Aïni Ñoor")),
    ),
    Fault(
        "UTF-8 file with a few Windows-1252 lines",
        "encoding",
        lambda c: (
            _accented(c),
            c.raw.__setitem__(
                E,
                b"\n".join(
                    line.encode("cp1252") if i == 2 else line.encode()
                    for i, line in enumerate(c.lines(E))
                ),
            ),
        ),
        notes=(("employees.csv", "read as Windows-1252 (line 3)"),),
        check=_names_are((0, "Andi Sémbiring"), (1, "Nur Aïni Ñoor")),
    ),
    Fault(
        "Latin-1 bytes Windows-1252 leaves undefined",
        "encoding",
        lambda c: (
            c.set(E, 2, "name", "Andi XYZ"),
            c.raw.__setitem__(E, c.text(E).encode("cp1252").replace(b"XYZ", b"\x81\xe9Z")),
        ),
        check=_names_are((0, "Andi \x81éZ")),
    ),
    Fault(
        "UTF-16 with a byte-order mark",
        "encoding",
        lambda c: (_accented(c), _encode(E, "utf-16")(c)),
        check=_names_are((0, "Andi Sémbiring")),
    ),
    Fault(
        "UTF-16 little-endian without a byte-order mark",
        "encoding",
        lambda c: (_accented(c), _encode(E, "utf-16-le")(c)),
        notes=(("employees.csv", "UTF-16-LE"),),
        check=_names_are((0, "Andi Sémbiring")),
    ),
    Fault(
        "UTF-16 big-endian without a byte-order mark",
        "encoding",
        lambda c: (_accented(c), _encode(E, "utf-16-be")(c)),
        notes=(("employees.csv", "UTF-16-BE"),),
        check=_names_are((0, "Andi Sémbiring")),
    ),
    Fault(
        "NUL characters in a name",
        "encoding",
        _cell(E, 3, "name", "Rina\x00\x00 Sari"),
        notes=(("employees.csv", "control characters (NUL …) removed from 1 line(s) (line 3)"),),
        check=_names_are((1, "Rina Sari")),
    ),
    Fault(
        "a bell control character in a service name",
        "encoding",
        _cell(C, 4, "service", "Loket\x07 KTP"),
        notes=(("citizen.csv", "control characters"),),
        check=lambda s, b: s.citizen["service"].iloc[2] == "Loket KTP" or pytest.fail(),
    ),
    # --- headers --------------------------------------------------------------------------
    Fault(
        "a title row above the header",
        "header",
        lambda c: c.set_lines(E, ["DATA PEGAWAI KABUPATEN BULUNGAN", *c.lines(E)]),
        error="error.title_row",
    ),
    Fault(
        "a two-row header",
        "header",
        lambda c: c.set_lines(B, [",,Penilai,,Nilai,", *c.lines(B)]),
        error="error.title_row",
    ),
    Fault(
        "an empty first line",
        "header",
        lambda c: c.set_lines(O, ["", *c.lines(O)]),
        error="error.empty_first_row",
    ),
    Fault(
        "a required column missing",
        "header",
        lambda c: c.set_lines(O, [",".join(r[:2]) for r in c.rows[O]]),
        error="error.missing_column",
    ),
    Fault(
        "a column given twice",
        "header",
        lambda c: c.set_lines(O, [",".join([*r, r[2]]) for r in c.rows[O]]),
        error="error.column_twice_mapped",
    ),
    Fault(
        "a column not in the data model",
        "header",
        lambda c: c.set_lines(O, [",".join([*r, "x"]) for r in c.rows[O]]),
        notes=(("org_rating.csv", "ignored columns not in the data model"),),
    ),
    Fault(
        "header spelled with capitals and spaces",
        "header",
        lambda c: c.set_lines(O, [" Period , Unit ID ,PREDIKAT", *c.lines(O)[1:]]),
    ),
    # --- files ---------------------------------------------------------------------------
    Fault("an empty file", "files", lambda c: c.raw.__setitem__(O, b""), error="error.empty_file"),
    Fault(
        "a file with only its header",
        "files",
        lambda c: c.set_lines(T, [c.lines(T)[0]]),
        added={"training.csv": None},
    ),
    Fault(
        "a required file missing",
        "files",
        lambda c: c.raw.__setitem__(O, None),
        error="error.missing_table",
    ),
    Fault(
        "a table stored twice",
        "files",
        lambda c: _org_frame(c).to_parquet(c.folder / "org_rating.parquet"),
        error="error.table_twice",
    ),
    Fault(
        "a web page saved as .xls",
        "files",
        lambda c: (
            (c.folder / "org_rating.xls").write_text(
                "<html><table><tr><td>period</td></tr></table></html>"
            ),
            c.raw.__setitem__(O, None),
        ),
        error="error.html_as_excel",
    ),
    Fault(
        "an Excel 97-2003 .xls file",
        "files",
        lambda c: (
            (c.folder / "org_rating.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600),
            c.raw.__setitem__(O, None),
        ),
        error="error.old_xls",
    ),
    Fault(
        "a CSV saved with an .xlsx name",
        "files",
        lambda c: (
            (c.folder / "org_rating.xlsx").write_text(c.text(O)),
            c.raw.__setitem__(O, None),
        ),
        error="error.not_a_workbook",
    ),
    Fault(
        "a pipe (FIFO) named like a table",
        "files",
        lambda c: (
            c.raw.__setitem__(O, None),
            _after_write(lambda c: os.mkfifo(c.folder / "org_rating.csv"))(c),
        ),
        error="error.not_regular",
    ),
    Fault(
        "a symbolic link loop named like a table",
        "files",
        lambda c: (
            c.raw.__setitem__(O, None),
            _after_write(
                lambda c: (
                    os.symlink(c.folder / "loop_b", c.folder / "org_rating.csv"),
                    os.symlink(c.folder / "org_rating.csv", c.folder / "loop_b"),
                )
            )(c),
        ),
        error="error.dangling_link",
    ),
    Fault(
        "a broken symbolic link named like a table",
        "files",
        lambda c: (
            c.raw.__setitem__(O, None),
            _after_write(lambda c: os.symlink(c.folder / "gone.csv", c.folder / "org_rating.csv"))(
                c
            ),
        ),
        error="error.dangling_link",
    ),
    Fault(
        "a parent unit's row unreadable takes nothing silently",
        "files",
        _edit_line(U, 2, lambda s: s + ',"'),
        lambda b: [
            ("units.csv", 2, "", "quote_never_closed"),
            *unit_cascade(b, 2, "unknown_reference"),
        ],
    ),
    # --- workbooks and Parquet -------------------------------------------------------------
    Fault(
        "a formula without a saved value",
        "workbook",
        lambda c: _after_write(_formula_unsaved)(c) or c.raw.__setitem__(O, None),
        [("org_rating.xlsx", 4, "predikat", "formula_unsaved")],
    ),
    Fault(
        "a formula with its saved value",
        "workbook",
        lambda c: _after_write(_formula_saved)(c) or c.raw.__setitem__(O, None),
    ),
    Fault(
        "a damaged sheet",
        "workbook",
        lambda c: _after_write(_damaged_sheet_xml)(c) or c.raw.__setitem__(O, None),
        error="error.sheet_damaged",
    ),
    Fault(
        "a workbook whose sheet has another name",
        "workbook",
        lambda c: (
            _after_write(lambda c: _xlsx(c, O, _typed(c.rows[O]), "Sheet1"))(c)
            or c.raw.__setitem__(O, None)
        ),
        notes=(("org_rating.xlsx", "read the sheet 'Sheet1'"),),
    ),
    Fault(
        "a workbook of sheets without the table's sheet",
        "workbook",
        lambda c: (
            _after_write(lambda c: _xlsx(c, "data", _typed(c.rows[O]), "Penilaian"))(c)
            or c.raw.__setitem__(O, None)
        ),
        error="error.missing_table_sheets",
    ),
    Fault(
        "a Parquet column of lists",
        "workbook",
        lambda c: (
            _after_write(
                lambda c: _parquet(
                    c, O, _org_frame(c).assign(predikat=[[v] for v in _org_frame(c)["predikat"]])
                )
            )(c)
            or c.raw.__setitem__(O, None)
        ),
        error="error.parquet_nested",
    ),
    Fault(
        "a Parquet column of records, not in the model",
        "workbook",
        lambda c: (
            _after_write(
                lambda c: _parquet(
                    c, O, _org_frame(c).assign(extra=[{"a": 1}] * len(_org_frame(c)))
                )
            )(c)
            or c.raw.__setitem__(O, None)
        ),
        notes=(("org_rating.parquet", "ignored columns of lists or records"),),
    ),
    Fault(
        "a damaged Parquet file",
        "workbook",
        lambda c: (
            (c.folder / "org_rating.parquet").write_bytes(b"PAR1 not really"),
            c.raw.__setitem__(O, None),
        ),
        error="error.parquet_unreadable",
    ),
    # --- cells: numbers, dates, periods, codes ---------------------------------------------
    Fault(
        "a decimal comma in a decimal column",
        "values",
        _cell(R, 3, "realization", "85,5"),
        check=lambda s, b: s.results["realization"].iloc[1] == 85.5 or pytest.fail(),
    ),
    Fault(
        "a thousands separator in a whole-number column",
        "values",
        _cell(U, 2, "service_population", "12.500"),
        check=lambda s, b: s.units["service_population"].iloc[0] == 12500 or pytest.fail(),
    ),
    Fault(
        "a word in a number column",
        "values",
        _cell(B, 3, "score", "empat"),
        [("behaviour.csv", 3, "score", "not_a_number")],
    ),
    Fault(
        "a fraction in a whole-number column",
        "values",
        _cell(B, 4, "score", "3.5"),
        [("behaviour.csv", 4, "score", "not_whole")],
    ),
    Fault(
        "a score out of its range",
        "values",
        _cell(B, 7, "score", "7"),
        [("behaviour.csv", 7, "score", "out_of_range")],
    ),
    Fault(
        "negative training hours",
        "values",
        _cell(T, 2, "hours", "-3"),
        [("training.csv", 2, "hours", "out_of_range")],
    ),
    Fault(
        "not a date",
        "values",
        _cell(T, 3, "start_date", "kemarin"),
        [("training.csv", 3, "start_date", "not_a_date")],
    ),
    Fault(
        "a date stored as a number",
        "values",
        _cell(T, 3, "end_date", "45123"),
        [("training.csv", 3, "end_date", "number_not_date")],
    ),
    Fault("a day-first date and an Indonesian month name", "values", _day_first),
    Fault(
        "end before start",
        "values",
        lambda c: c.set(T, 2, "end_date", "2000-01-01"),
        [("training.csv", 2, "end_date", "end_before_start")],
    ),
    Fault(
        "a bare year as period",
        "values",
        _cell(B, 8, "period", "2025"),
        [("behaviour.csv", 8, "period", "year_not_quarter")],
    ),
    Fault(
        "quarter 5",
        "values",
        _cell(B, 9, "period", "2025Q5"),
        [("behaviour.csv", 9, "period", "no_such_quarter")],
    ),
    Fault(
        "a period spelled Triwulan III 2025",
        "values",
        lambda c: c.set(
            O,
            2,
            "period",
            "Triwulan " + _ROMAN[c.get(O, 2, "period")[-1]] + " " + c.get(O, 2, "period")[:4],
        ),
    ),
    Fault(
        "an unknown label",
        "values",
        _cell(B, 10, "rater_role", "bos"),
        [("behaviour.csv", 10, "rater_role", "unknown_label")],
    ),
    Fault(
        "labels in other spellings",
        "values",
        lambda c: (c.set(O, 2, "predikat", "Butuh Perbaikan"), c.set(R, 2, "kind", "UTAMA")),
    ),
    Fault(
        "a required cell empty",
        "values",
        _cell(B, 11, "value", ""),
        [("behaviour.csv", 11, "value", "missing_required")],
    ),
    Fault(
        "a self-rating with another role",
        "values",
        lambda c: c.set(B, 12, "rater_id", c.get(B, 12, "employee_id")),
        lambda b: (
            [("behaviour.csv", 12, "rater_role", "self_rating_role")]
            if b.rows[B][11][b.col(B, "rater_role")] != "diri"
            else []
        ),
    ),
    # --- duplicates and references -----------------------------------------------------------
    Fault(
        "an exact duplicate row",
        "keys",
        lambda c: c.rows[O].append(list(c.rows[O][3])),
        lambda b: [("org_rating.csv", len(b.rows[O]) + 1, "", "exact_duplicate")],
        added={"org_rating.csv": 1},
    ),
    Fault(
        "two rows with one key and other values",
        "keys",
        lambda c: c.rows[B].append([*c.rows[B][2][:5], "1" if c.rows[B][2][5] != "1" else "2"]),
        lambda b: [
            ("behaviour.csv", 3, "period, employee_id, rater_id, value", "key_clash"),
            (
                "behaviour.csv",
                len(b.rows[B]) + 1,
                "period, employee_id, rater_id, value",
                "key_clash",
            ),
        ],
        added={"behaviour.csv": 1},
    ),
    Fault(
        "an unknown employee id",
        "keys",
        _cell(R, 5, "employee_id", "E99999"),
        [("results.csv", 5, "employee_id", "unknown_reference")],
    ),
    Fault(
        "an unknown indicator id",
        "keys",
        _cell(R, 6, "indicator_id", "XXX99"),
        [("results.csv", 6, "indicator_id", "unknown_reference")],
    ),
    Fault(
        "an unknown supervisor (optional reference)",
        "keys",
        _cell(E, 5, "supervisor_id", "E99999"),
        notes=(("employees.csv", "supervisor_id names no row of this file"),),
    ),
    Fault(
        "an unknown named officer in a survey (optional)",
        "keys",
        _cell(C, 6, "employee_id", "E99999"),
        notes=(("citizen.csv", "employee_id names no row of employees.csv"),),
    ),
    # --- parents: optional cells and identifiers ------------------------------------------------
    Fault(
        "a negative service population keeps its unit",
        "parents",
        _cell(U, 2, "service_population", "-40"),
        repairs=(("units.csv", 2, "service_population"),),
    ),
    Fault(
        "a word as service population keeps its unit",
        "parents",
        _cell(U, 3, "service_population", "banyak"),
        repairs=(("units.csv", 3, "service_population"),),
    ),
    Fault(
        "an unknown indicator direction keeps its indicator",
        "parents",
        _cell(I, 2, "direction", "miring"),
        repairs=(("indicators.csv", 2, "direction"),),
    ),
    Fault(
        "a NIP in scientific notation",
        "parents",
        _mangle_nips(1 / 12),
        lambda b: [("employees.csv", 2, "nip", "nip_spreadsheet"), *cascade(b, 2)],
    ),
    Fault(
        "a 9-digit NIP lama",
        "parents",
        _cell(E, 3, "nip", "130123456"),
        lambda b: [("employees.csv", 3, "nip", "nip_lama"), *cascade(b, 3)],
    ),
    Fault(
        "a NIP that contradicts the birth date",
        "parents",
        lambda c: c.set(E, 4, "birth_date", "1950-01-01"),
        lambda b: [("employees.csv", 4, "nip", "nip_birth_date"), *cascade(b, 4)],
    ),
    Fault(
        "a NIP with spaces and Excel's apostrophe",
        "parents",
        lambda c: c.set(
            E,
            2,
            "nip",
            "'"
            + " ".join([c.get(E, 2, "nip")[:8], c.get(E, 2, "nip")[8:14], c.get(E, 2, "nip")[14:]]),
        ),
    ),
    Fault(
        "most NIPs mangled by a spreadsheet",
        "parents",
        _mangle_nips(0.75),
        error="error.mangled_ids",
    ),
    Fault(
        "most survey ids mangled by a spreadsheet",
        "parents",
        _mangle_response_ids,
        error="error.mangled_ids",
    ),
    Fault(
        "an employee in an unknown unit takes their rows",
        "parents",
        _cell(E, 6, "unit_id", "NOWHERE"),
        lambda b: [("employees.csv", 6, "unit_id", "unknown_reference"), *cascade(b, 6)],
    ),
)


# --------------------------------------------------------------------------------------
# running a case
# --------------------------------------------------------------------------------------


def _run(base: Base, fault: Fault, folder: Path) -> Copy:
    c = Copy(base, folder)
    fault.damage(c)
    c.write()
    if c.after is not None:
        c.after(c)
    return c


def _expected(base: Base, fault: Fault) -> list[tuple]:
    q = fault.quarantine(base) if callable(fault.quarantine) else list(fault.quarantine)
    return sorted(q)


def _key_rows(frame: pd.DataFrame, table: str) -> list[tuple]:
    """The key of every kept row, as the clean file writes it."""

    def text(v) -> str:
        return v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else str(v)

    key = list(TABLES[table].key)
    return [tuple(text(v) for v in r) for r in frame[key].itertuples(index=False)]


def _base_keys(base: Base, table: str) -> dict[int, tuple]:
    header = base.rows[table][0]
    key = [header.index(k) for k in TABLES[table].key]
    return {i: tuple(r[k] for k in key) for i, r in enumerate(base.rows[table][1:], start=2)}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault(base, tmp_path, fault):
    c = _run(base, fault, tmp_path / "case")
    if fault.error is not None:
        with pytest.raises(InputError) as info:
            load_study(c.folder)
        message = str(info.value)
        codes = {reason_code(line.strip().removeprefix("- ")) for line in message.split("\n")}
        assert fault.error in codes, message
        assert "Traceback" not in message
        # the Indonesian message is a different text
        assert translate_message(message, "id") != message
        return
    study = load_study(c.folder)
    got = sorted(
        (r.file, int(r.line), r.column, (reason_code(r.reason) or r.reason).removeprefix("reason."))
        for r in study.quarantine.itertuples()
    )
    assert got == _expected(base, fault)
    # every other row is kept, in order, with its key
    lost = {}
    for file, line, _, _ in got:
        lost.setdefault(file, set()).add(line)
    emptied = {f for f, n in fault.added.items() if n is None}  # header-only files
    for name in CORPUS_TABLES:
        row = study.summary.set_index("table").loc[name]
        file = row["file"]
        base_keys = _base_keys(base, name)
        if file in emptied:
            base_keys = {}
        expected = [k for line, k in base_keys.items() if line not in lost.get(file, set())]
        assert _key_rows(getattr(study, name), name) == expected, name
        # conservation: every row read is kept or quarantined
        assert row["rows_read"] == row["rows_kept"] + row["rows_quarantined"], name
        assert row["rows_read"] == len(base_keys) + (fault.added.get(file) or 0), name
    for file, text in fault.notes:
        notes = study.summary.set_index("file").loc[file, "notes"]
        assert text in notes, notes
    repairs = sorted((r.file, int(r.line), r.column) for r in study.repairs.itertuples())
    assert repairs == sorted(fault.repairs)
    for file, line, column in fault.repairs:
        table = TABLES[file.split(".")[0]].name
        frame = getattr(study, table)
        position = list(_base_keys(base, table)).index(line)
        assert pd.isna(frame[column].iloc[position])
    if fault.check is not None:
        fault.check(study, base)


def test_the_corpus_covers_at_least_sixty_kinds_in_every_class():
    kinds = {}
    for f in FAULTS:
        kinds.setdefault(f.kind, []).append(f.name)
    assert len(FAULTS) >= 60
    assert len({f.name for f in FAULTS}) == len(FAULTS)
    assert set(kinds) == {
        "cells",
        "quotes",
        "layout",
        "encoding",
        "header",
        "files",
        "workbook",
        "values",
        "keys",
        "parents",
    }
