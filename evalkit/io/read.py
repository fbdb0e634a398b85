"""Find and read the files of a study folder as raw cells (private to :mod:`evalkit.io`).

Nothing is interpreted here beyond what is needed to split a file into cells: the
encoding (UTF-8 with or without BOM, UTF-16 with BOM, else cp1252/Latin-1), the
separator (``,`` ``;`` tab or ``|``, read from the header line, or from Excel's
``sep=;`` first line), the header names (normalised) and the spreadsheet line of
every data row (header = 1, first data row = 2).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._values import recode
from ..tables import TABLES, normalise_header, resolve_header, table_for_name
from . import text as _text
from .text import categorical_text, decode, split_records

EXTENSIONS = (".csv", ".xlsx", ".parquet")
#: Extensions of files that hold a table evalkit cannot read as it is saved.
_OTHER_EXTENSIONS = (".xls", ".xlsm", ".xlsb", ".ods", ".txt", ".tsv", ".json", ".htm", ".html")
_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_SEPARATORS = (",", ";", "\t", "|")


class InputError(ValueError):
    """The input cannot be used at all: a missing or ambiguous file, or a missing column.

    The message names the file and the column and says what was expected.
    """


@dataclass(frozen=True)
class Source:
    """Where one table is stored: a file, or one sheet of a workbook."""

    table: str
    path: Path
    sheet: str | None = None

    @property
    def label(self) -> str:
        """The name used in the quarantine and the summary: ``employees.csv`` or
        ``book.xlsx:employees``."""
        return f"{self.path.name}:{self.sheet}" if self.sheet is not None else self.path.name


@dataclass
class RawTable:
    """The cells of one table as read, before any interpretation.

    ``frame`` holds the data rows (blank rows removed) with normalised column names;
    ``lines`` the spreadsheet line of each row; ``rejected`` quarantine records of rows
    that could not be split into the header's cells; ``text_only`` says every cell is a
    stripped ``str`` (CSV), otherwise cells may be numbers or timestamps (XLSX, Parquet).
    """

    source: Source
    frame: pd.DataFrame
    lines: np.ndarray
    text_only: bool
    rejected: list[dict] = field(default_factory=list)
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows read: kept for parsing, plus rejected ones (a rejected row may have
        several records, one per bad cell)."""
        return len(self.frame) + len({r["line"] for r in self.rejected})


# --------------------------------------------------------------------------------------
# finding the files
# --------------------------------------------------------------------------------------


def _sheet_names(path: Path) -> list[str]:
    wb = open_workbook(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _entry_problem(p: Path) -> str | None:
    """Why a folder entry named like a table cannot be read (``None``: it can)."""
    try:
        if p.is_symlink():
            try:
                p.resolve(strict=True)
            except (OSError, RuntimeError):
                return f"{p.name}: a link that leads nowhere (its target is missing, or links loop)"
        mode = p.stat().st_mode
    except OSError as exc:
        return f"{p.name}: cannot be read ({exc.strerror or exc})"
    import stat

    if stat.S_ISDIR(mode):
        return None
    if not stat.S_ISREG(mode):
        return f"{p.name}: not a regular file (a pipe or device); save the table as a normal file"
    return None


def find_sources(
    path: Path, given: dict[str, Source] | None = None
) -> tuple[dict[str, Source], list[str]]:
    """Locate the file (or workbook sheet) of every table.

    A file or sheet stands for a table when its name is the table's or one of its
    other names (:data:`evalkit.tables.TABLE_NAMES`: ``pegawai.csv``, sheet "Hasil
    Kerja").

    Parameters
    ----------
    path
        A study folder, or one ``.xlsx`` workbook with a sheet per table.
    given
        Sources named by the folder's mapping (:func:`evalkit.mapping.mapped_sources`):
        they are used for their tables, and their files are not searched for others.

    Returns
    -------
    sources, problems
        The source of every table that was found, and one message per missing,
        ambiguous or unreadable table (the caller raises them together).
    """
    path = Path(path)
    try:
        exists = path.exists()
    except OSError:
        exists = False
    if not exists:
        if path.is_symlink():
            raise InputError(
                f"{path}: a link that leads nowhere (its target is missing, or links loop)"
            )
        raise InputError(f"{path}: no such folder or file")
    problems: list[str] = []
    troubled: set[str | None] = set()  # tables whose file is there but unreadable
    if not path.is_dir():
        if path.suffix.lower() != ".xlsx" or not path.is_file():
            raise InputError(
                f"{path} is a file, not a study folder: pass the folder that holds the table "
                f"files ({path.parent}), or an .xlsx workbook with one sheet per table"
            )
        workbooks, singles = [path], {}
        given = {}
    else:
        given = given or {}
        claimed = {s.path.resolve() for s in given.values()}
        singles: dict[str, list[Path]] = {}
        workbooks = []
        for p in sorted(path.iterdir()):
            if p.name.startswith((".", "~$")):
                continue
            try:
                if p.resolve() in claimed:
                    continue
            except (OSError, RuntimeError):  # a link loop: reported below
                pass
            ext = p.suffix.lower()
            stem = table_for_name(p.stem)
            if ext not in EXTENSIONS:
                if stem is not None and ext in _OTHER_EXTENSIONS:
                    what = _not_a_workbook(p) if ext in (".xls", ".htm", ".html") else None
                    troubled.add(stem)
                    problems.append(
                        f"{p.name}: {what}"
                        if what
                        else f"{p.name}: evalkit reads .csv, .xlsx and .parquet files; save "
                        f"the {stem} table as CSV UTF-8 or Excel Workbook (.xlsx)"
                    )
                continue
            trouble = _entry_problem(p)
            if trouble is not None:
                if stem is not None or ext == ".xlsx":
                    troubled.add(stem)
                    problems.append(trouble)
                continue
            if p.is_dir():
                continue
            if stem is not None:
                singles.setdefault(stem, []).append(p)
            elif ext == ".xlsx":
                workbooks.append(p)

    from_books: dict[str, list[Source]] = {}
    sheets_seen: dict[str, list[str]] = {}
    for book in workbooks:
        try:
            sheet_names = _sheet_names(book)
        except InputError as exc:
            problems.append(str(exc))
            continue
        sheets_seen[book.name] = sheet_names
        for sheet in sheet_names:
            name = table_for_name(sheet)
            if name is not None:
                from_books.setdefault(name, []).append(Source(name, book, sheet))

    sources: dict[str, Source] = {}
    for name, table in TABLES.items():
        found = [Source(name, p) for p in singles.get(name, [])] + from_books.get(name, [])
        if name in given:
            found = [given[name]]
        if len(found) > 1:
            listed = ", ".join(s.label for s in found)
            problems.append(
                f"{name}: found in more than one place ({listed}); keep exactly one of them"
            )
        elif found:
            sources[name] = found[0]
        elif not table.optional and name not in troubled:
            where = ", ".join(f"{name}{e}" for e in EXTENSIONS)
            books = "; ".join(
                f"{book} has the sheets " + ", ".join(f"'{s}'" for s in names)
                for book, names in sheets_seen.items()
            )
            place = path if path.is_dir() else path.parent
            problems.append(
                f"{name}: required table is missing: no file {where} in {place}, "
                f"and no sheet named '{name}' in a workbook there"
                + (f" ({books})" if books else "")
            )
    return sources, problems


# --------------------------------------------------------------------------------------
# reading one file
# --------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV file's bytes.

    The first that decodes every byte: UTF-8 (with its byte-order mark if there is one)
    or UTF-16 when the file starts with a UTF-16 byte-order mark, else UTF-8, then
    cp1252 (Windows Latin-1, which Excel writes), then Latin-1 (which decodes any byte).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig", "cp1252")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16", "utf-8", "cp1252")
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def detect_separator(header_line: str) -> str:
    """The separator used by a CSV header line: the most frequent of ``, ; TAB |``
    outside quotes (a comma when none occurs)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: unquoted.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _separator_and_skip(first: str) -> tuple[str, int]:
    """The separator, and the number of lines before the header (1 when the file's
    first line is Excel's ``sep=;`` line, which names the separator)."""
    m = re.fullmatch(r"\s*sep=(.)\s*", first)
    if m:
        return m.group(1), 1
    return detect_separator(first), 0


def _lines_text(lines: list[int]) -> str:
    shown = ", ".join(str(x) for x in lines[:5])
    return shown + (", …" if len(lines) > 5 else "")


def read_csv(source: Source) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict], list[str]]:
    """Header cells, data rows (as ``str``), their lines, rejected rows and notes of a
    CSV file (decoding and checks in :mod:`evalkit.io.text`)."""
    streamed = _stream_csv(source)
    if streamed is not None:
        return streamed
    decoded = decode(_read_bytes(source.path))
    data = decoded.data
    notes: list[str] = []
    if decoded.cp1252_lines:
        notes.append(
            f"{len(decoded.cp1252_lines)} line(s) were not UTF-8 like the rest of the file "
            f"and were read as Windows-1252 (line {_lines_text(decoded.cp1252_lines)}); "
            "check their accented letters"
        )
    if decoded.control_lines:
        notes.append(
            f"control characters (NUL …) removed from {len(decoded.control_lines)} line(s) "
            f"(line {_lines_text(decoded.control_lines)})"
        )
    if decoded.encoding.startswith("utf-16") and decoded.encoding != "utf-16":
        notes.append(
            f"read as {decoded.encoding.upper()} (a UTF-16 file without a byte-order mark)"
        )
    if not data or data.isspace():  # strip() would copy the file to find out
        return [], pd.DataFrame(), np.zeros(0, dtype=np.int64), [], notes
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        data = re.sub(rb"\r(?!\n)", b"\n", data)  # old Mac line breaks
    cut = data.find(b"\n")  # not partition(), which would copy the rest of the file
    first = data[: len(data) if cut < 0 else cut].decode("utf-8", errors="replace").rstrip("\r")
    sep, skip = _separator_and_skip(first)
    if skip:
        data = data.partition(b"\n")[2]
    _check_title_row(source, _csv_preview(data, sep))
    records = split_records(data, sep)
    # Excel hides a ``sep=`` first line, so the header is still line 1 there
    return records.header, records.body, records.lines, records.rejected, notes


def _stream_csv(
    source: Source,
) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict], list[str]] | None:
    """:func:`read_csv` of a large plain file, read from disk block by block so that
    the file is never held whole (:func:`evalkit.io.text.stream_records`); ``None`` for
    a small file or one that needs the careful reading (another encoding, quotes,
    control characters, Excel's ``sep=`` line), which then reads it as before."""
    path = source.path
    _read_bytes_check(path)
    if path.stat().st_size <= _text.LARGE_BYTES:
        return None
    with open(path, "rb") as f:
        start = f.read(1 << 16)
    bom = start.startswith(codecs.BOM_UTF8)
    if bom:
        start = start[len(codecs.BOM_UTF8) :]
    cut = start.find(b"\n")
    if cut < 0:
        return None
    sep, skip = _separator_and_skip(start[:cut].decode("utf-8", errors="replace").rstrip("\r"))
    if skip:
        return None
    _check_title_row(source, _csv_preview(start, sep))
    records = _text.stream_records(path, sep, skip_bom=bom)
    if records is None:
        return None
    return records.header, records.body, records.lines, records.rejected, []


def _csv_preview(data: bytes, sep: str, n: int = 6) -> list[list[str]]:
    """The cells of the first ``n`` lines (a line break inside quotes ends a line here)."""
    head = data[: 1 << 16].split(b"\n")[:n]
    text = [line.decode("utf-8", errors="replace").rstrip("\r") for line in head]
    return [next(csv.reader([line], delimiter=sep), []) for line in text]


def _column_name(table: str, header: object) -> str:
    """The model column a header cell names (Indonesian aliases included)."""
    return resolve_header(table, header) or normalise_header(header)


def _check_title_row(source: Source, rows: list[list]) -> None:
    """Stop when the header is not on line 1: a title row or a two-row header above it.

    The header row is the first of the first six rows that holds at least half of the
    table's required columns (and more of them than line 1 does).
    """
    if not rows:
        return
    required = set(TABLES[source.table].required_columns)

    def hits(row: list) -> int:
        return len(required & {_column_name(source.table, v) for v in row if v is not None})

    first = hits(rows[0])
    if first * 2 >= len(required):
        return
    for i, row in enumerate(rows[1:], start=1):
        h = hits(row)
        if h * 2 >= len(required) and h > first:
            shown = " ".join(str(v).strip() for v in rows[0] if v not in (None, ""))[:60]
            where = f"looks like a title ('{shown}')" if shown else "is empty"
            raise InputError(
                f"{source.label}: line 1 {where}; the header is on line {i + 1}. Delete the "
                f"line(s) above the header (1 to {i}) so that the column names are on line 1, "
                "and save again (a merged title cell or a two-row header cannot be read)"
            )


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file (a pipe or device is refused: reading it could block)."""
    _read_bytes_check(path)
    return path.read_bytes()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return value


def _not_a_workbook(path: Path) -> str | None:
    """What a file named ``.xlsx``/``.xls`` really is, when it is no workbook."""
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError:
        return None
    if head.startswith(b"PK"):
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "an Excel 97-2003 workbook (.xls), which evalkit does not read: open it in Excel "
            "and save it as Excel Workbook (.xlsx) or CSV UTF-8"
        )
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")):
        return (
            "a web page (HTML) saved with an Excel name, not a workbook (systems often export "
            "tables this way): open it in Excel and save it as Excel Workbook (.xlsx) or "
            "CSV UTF-8"
        )
    return "not an Excel workbook; save the table as Excel Workbook (.xlsx) or CSV UTF-8"


def open_workbook(path: Path, data_only: bool = True):
    """An openpyxl workbook (read-only), or :class:`InputError` saying what the file is."""
    import openpyxl

    what = _not_a_workbook(path)
    if what is not None:
        raise InputError(f"{path.name}: {what}")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(
            f"{path.name}: cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); "
            "open it in Excel and save it again, or save the table as CSV UTF-8"
        ) from None


def _sheet_rows(path: Path, sheet: str, data_only: bool) -> list[tuple]:
    wb = open_workbook(path, data_only=data_only)
    try:
        ws = wb[sheet]
        return [tuple(row) for row in ws.iter_rows(min_row=1, values_only=True)]
    except InputError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces only while reading the rows
        raise InputError(
            f"{path.name}: the sheet '{sheet}' is damaged and cannot be read "
            f"({type(exc).__name__}: {exc}); open the file in Excel and save it again, or "
            "save the table as CSV UTF-8"
        ) from None
    finally:
        wb.close()


def _has_formulas(path: Path) -> bool:
    """True when any worksheet of the workbook holds a formula (``<f>`` element)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with z.open(name) as f:
                        tail = b""
                        while chunk := f.read(1 << 20):
                            if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                                return True
                            tail = chunk[-8:]
    except (OSError, zipfile.BadZipFile, RuntimeError):
        return False
    return False


def read_xlsx(
    source: Source,
) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict], list[str]]:
    """Header cells, data rows, their lines, rejected rows and notes of a workbook sheet
    (the table's sheet, or the first sheet of a single-table workbook). Cells keep
    their Excel type. A formula cell without a saved value (a workbook written by a
    program and never opened in Excel) is rejected: its value is unknown."""
    notes: list[str] = []
    if source.sheet is not None:
        sheet = source.sheet
    else:
        wb = open_workbook(source.path)
        try:
            sheetnames = list(wb.sheetnames)
        finally:
            wb.close()
        names = {normalise_header(n): n for n in sheetnames}
        sheet = names.get(source.table, sheetnames[0])
        if source.table not in names:
            others = ", ".join(f"'{n}'" for n in sheetnames)
            notes.append(
                f"read the sheet '{sheet}' (no sheet is named '{source.table}'; the sheets "
                f"are {others})"
            )
    values = _sheet_rows(source.path, sheet, data_only=True)
    formulas = (
        _sheet_rows(source.path, sheet, data_only=False) if _has_formulas(source.path) else None
    )
    rows = [tuple(_cell(v) for v in row) for row in values]
    width = max((len(r) for r in rows), default=0)
    rows = [r + ("",) * (width - len(r)) for r in rows]
    # trailing empty rows are not rows of the sheet's data
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        return [], pd.DataFrame(), np.zeros(0, dtype=np.int64), [], notes
    _check_title_row(source, [list(r) for r in rows[:6]])
    header = ["" if v == "" else str(v) for v in rows[0]]
    rejected: list[dict] = []
    unsaved: set[int] = set()
    if formulas is not None:
        for i, row in enumerate(formulas[1 : len(rows)], start=1):
            for j, f in enumerate(row[:width]):
                is_formula = (isinstance(f, str) and f.startswith("=")) or (
                    f is not None
                    and not isinstance(f, str | int | float | bool)
                    and type(f).__name__ in ("ArrayFormula", "DataTableFormula")
                )
                if is_formula and rows[i][j] == "":
                    unsaved.add(i)
                    text = f if isinstance(f, str) else str(getattr(f, "text", f))
                    rejected.append(
                        {
                            "line": i + 1,
                            "column": normalise_header(header[j]) if j < len(header) else "",
                            "value": text,
                            "reason": (
                                "formula without a saved value: open the file in Excel and "
                                "save it (Excel stores the computed values), or paste the "
                                "values as values"
                            ),
                        }
                    )
    kept = [r for i, r in enumerate(rows[1:], start=1) if i not in unsaved]
    lines = np.array([i + 1 for i in range(1, len(rows)) if i not in unsaved], dtype=np.int64)
    body = pd.DataFrame(kept, columns=range(width), dtype=object)
    return header, body, lines, rejected, notes


def _nested(frame: pd.DataFrame, path: Path) -> list[str]:
    """Names of columns of list, struct or map type (a value per cell is expected)."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # the frame was read, so this does not fail in practice
        return []
    import pyarrow.types as pat

    return [
        f.name
        for f in schema
        if pat.is_nested(f.type) or pat.is_dictionary(f.type) and pat.is_nested(f.type.value_type)
    ]


#: A Parquet file of more rows than this has its text columns read and kept as
#: categories (as a large CSV file read in blocks), smaller ones as Python strings.
PARQUET_CATEGORY_ROWS = 1_000_000


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # a damaged file: read_parquet says why
        return 0


def _text_columns(path: Path) -> list[str]:
    """The columns of a Parquet file stored as text (read as categories)."""
    import pyarrow.parquet as pq
    import pyarrow.types as pat

    try:
        schema = pq.read_schema(path)
    except Exception:  # a damaged file: read_parquet says why
        return []
    return [f.name for f in schema if pat.is_string(f.type) or pat.is_large_string(f.type)]


def _text_categories(s: pd.Series) -> bool:
    """Whether a categorical column's categories are text."""
    return pd.api.types.is_string_dtype(s.cat.categories.dtype) or (
        s.cat.categories.dtype == object
        and pd.api.types.infer_dtype(s.cat.categories, skipna=True) in ("string", "empty")
    )


def read_parquet(
    source: Source,
) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict], list[str]]:
    """Header, rows, lines, rejected rows and notes of a Parquet file (line = row
    position + 2, as if the table were opened in a spreadsheet with its header on line
    1). A column of lists, records or maps is no column of the data model: such a model
    column makes the file unusable (the message names it), another is ignored."""
    _read_bytes_check(source.path)
    try:
        # text columns as categories (Arrow dictionaries): memory then grows with the
        # distinct values of a column, not with its cells, as for a large CSV file
        large = _parquet_rows(source.path) > PARQUET_CATEGORY_ROWS
        frame = pd.read_parquet(
            source.path, read_dictionary=_text_columns(source.path) if large else None
        )
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise InputError(
            f"{source.path.name}: cannot be read as Parquet ({type(exc).__name__}: {exc})"
        ) from None
    frame = frame.reset_index(drop=True)
    notes: list[str] = []
    nested = [c for c in _nested(frame, source.path) if c in frame.columns]
    if nested:
        model = set(TABLES[source.table].column_names)
        bad = [c for c in nested if normalise_header(c) in model]
        if bad:
            listed = ", ".join(f"'{c}'" for c in bad)
            raise InputError(
                f"{source.path.name}: column(s) {listed} hold lists or records (a nested "
                "Parquet type), not one value per row; write one plain value (text, number "
                "or date) per cell"
            )
        frame = frame.drop(columns=nested)
        notes.append(
            "ignored columns of lists or records (not in the data model): "
            + ", ".join(f"'{c}'" for c in nested)
        )
    for col in frame.columns:  # categories are read as their values (of a large file:
        s = frame[col]  # but text)
        if isinstance(s.dtype, pd.CategoricalDtype) and not (large and _text_categories(s)):
            frame[col] = s.astype(object)
    header = [str(c) for c in frame.columns]
    frame.columns = range(len(header))
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    return header, frame, lines, [], notes


def _read_bytes_check(path: Path) -> None:
    if not path.is_file():
        raise InputError(
            f"{path.name}: not a regular file (a pipe, device or folder); save the table as "
            "a normal file"
        )


def _strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells with surrounding white space (no-break spaces included) removed
    (categorical columns, of a large file read in blocks, stay categorical)."""
    return pd.DataFrame(
        {
            col: categorical_text(frame[col])
            if isinstance(frame[col].dtype, pd.CategoricalDtype)
            else frame[col].astype("str").str.strip()
            for col in frame.columns
        },
        index=frame.index,
    )


def _blank_mask(frame: pd.DataFrame, text_only: bool) -> np.ndarray:
    if frame.empty:
        return np.zeros(len(frame), dtype=bool)
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        s = frame[col]
        if text_only:
            cell_blank = s.eq("").to_numpy()
        elif isinstance(s.dtype, pd.CategoricalDtype):  # text of a Parquet file
            blank_value = pd.Series(s.cat.categories, dtype=object).map(
                lambda v: isinstance(v, str) and not v.strip()
            )
            cell_blank = np.append(blank_value.to_numpy(dtype=bool), True)[s.cat.codes.to_numpy()]
        elif s.dtype == object:
            cell_blank = s.map(lambda v: v == "" or (isinstance(v, str) and not v.strip()))
            cell_blank = (cell_blank | s.isna()).to_numpy(dtype=bool)
        else:
            cell_blank = s.isna().to_numpy()
        blank = blank & cell_blank
        if not blank.any():
            break
    return blank


def _clean_text_cells(frame: pd.DataFrame) -> list[int]:
    """Remove control characters from the text cells of a workbook or Parquet frame
    (in place); the positions of the rows that held some."""
    rows: set[int] = set()
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):  # text of a Parquet file
            categories = pd.Series(s.cat.categories, dtype=object).astype("str")
            hit = categories.str.contains(_CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
            if hit.any():
                codes = s.cat.codes.to_numpy()
                rows.update(np.flatnonzero(np.isin(codes, np.flatnonzero(hit))).tolist())
                cleaned = categories.str.replace(_CONTROL_PATTERN, "", regex=True)
                frame[col] = recode(s, pd.Index(cleaned))  # may merge two values
            continue
        if s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
            continue
        is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        text = s[is_text].astype("str")
        hit = text.str.contains(_CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
        if hit.any():
            idx = np.flatnonzero(is_text)[hit]
            cleaned = text[hit].str.replace(_CONTROL_PATTERN, "", regex=True)
            frame[col] = s.astype(object)
            frame.iloc[idx, frame.columns.get_loc(col)] = cleaned.to_numpy(dtype=object)
            rows.update(idx.tolist())
    return sorted(rows)


def read_source(source: Source) -> tuple[list[str], RawTable]:
    """Read one table's file or sheet.

    Returns the header cells as written and a :class:`RawTable` whose frame has one
    positional column per header cell; fully blank rows are dropped and counted.
    Control characters (NUL …) are removed from text cells and the lines noted.
    """
    ext = source.path.suffix.lower()
    if source.sheet is not None or ext == ".xlsx":
        header, body, lines, rejected, notes = read_xlsx(source)
        text_only = False
    elif ext == ".parquet":
        header, body, lines, rejected, notes = read_parquet(source)
        text_only = False
    else:
        header, body, lines, rejected, notes = read_csv(source)
        body = _strip_cells(body)
        text_only = True
    if not text_only and len(body):
        hit = _clean_text_cells(body)
        if hit:
            shown = _lines_text([int(x) for x in lines[hit]])
            notes.append(
                f"control characters (NUL …) removed from {len(hit)} row(s) (line {shown})"
            )
    blank = _blank_mask(body, text_only)
    blank_rows = int(blank.sum())
    if blank_rows:
        body, lines = body[~blank].reset_index(drop=True), lines[~blank]
    body.columns = range(len(header))
    return header, RawTable(source, body, lines, text_only, rejected, blank_rows, notes)
