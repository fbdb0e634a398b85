"""Find and read the files of a study folder as raw cells (private to :mod:`evalkit.io`).

Nothing is interpreted here beyond what is needed to split a file into cells: the
encoding (UTF-8 with or without BOM, UTF-16 with BOM, else cp1252/Latin-1), the
separator (``,`` ``;`` tab or ``|``, read from the header line, or from Excel's
``sep=;`` first line), the header names (normalised) and the spreadsheet line of
every data row (header = 1, first data row = 2).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .tables import TABLES, normalise_header, table_for_name

EXTENSIONS = (".csv", ".xlsx", ".parquet")
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
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"{path.name}: cannot be opened as an Excel workbook ({exc})") from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


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
        The source of every table that was found, and one message per missing or
        ambiguous required table (the caller raises them together).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such folder or file")
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise InputError(
                f"{path}: expected a study folder, or an .xlsx workbook with one sheet per table"
            )
        workbooks, singles = [path], {}
        given = {}
    else:
        given = given or {}
        claimed = {s.path.resolve() for s in given.values()}
        singles: dict[str, list[Path]] = {}
        workbooks = []
        for p in sorted(path.iterdir()):
            if not p.is_file() or p.name.startswith((".", "~$")) or p.resolve() in claimed:
                continue
            ext = p.suffix.lower()
            if ext not in EXTENSIONS:
                continue
            stem = table_for_name(p.stem)
            if stem is not None:
                singles.setdefault(stem, []).append(p)
            elif ext == ".xlsx":
                workbooks.append(p)

    from_books: dict[str, list[Source]] = {}
    for book in workbooks:
        for sheet in _sheet_names(book):
            name = table_for_name(sheet)
            if name is not None:
                from_books.setdefault(name, []).append(Source(name, book, sheet))

    sources: dict[str, Source] = {}
    problems: list[str] = []
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
        elif not table.optional:
            where = ", ".join(f"{name}{e}" for e in EXTENSIONS)
            problems.append(
                f"{name}: required table is missing: no file {where} in {path}, "
                f"and no sheet named '{name}' in a workbook there"
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


def _separator_and_skip(text: str) -> tuple[str, int]:
    """The separator, and the number of lines before the header (1 when the file starts
    with Excel's ``sep=;`` line, which names the separator)."""
    first = text.partition("\n")[0].rstrip("\r")
    m = re.fullmatch(r"\s*sep=(.)\s*", first)
    if m:
        return m.group(1), 1
    return detect_separator(first), 0


def _read_csv_records(text: str, sep: str, skip: int) -> tuple[pd.DataFrame, list[dict]]:
    """All records of a CSV text as strings (header included, as row 0).

    The fast C parser reads well-formed files. A file with a row that has more cells
    than the header is read again with :mod:`csv`: those rows are returned as
    rejected (with their line), unless the extra cells are all empty.
    """
    try:
        records = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skiprows=skip,
            engine="c",
        )
        return records, []
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), []
    except pd.errors.ParserError:
        pass
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows = list(reader)[skip:]
    width = len(rows[0]) if rows else 0
    kept: list[list[str]] = []
    rejected: list[dict] = []
    for i, row in enumerate(rows):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            rejected.append(
                {
                    "line": i + 1,
                    "column": "",
                    "value": sep.join(row)[:200],
                    "reason": (
                        f"row has {len(row)} cells but the header has {width} columns: a value "
                        f"contains the separator {sep!r}; put that value in double quotes or "
                        "remove the separator"
                    ),
                }
            )
            row = []
        kept.append((row + [""] * width)[:width])
    return pd.DataFrame(kept, columns=range(width), dtype=object), rejected


def read_csv(source: Source) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict]]:
    """Header cells, data rows (as ``str``), their lines and rejected rows of a CSV file."""
    data = source.path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    if not text.strip():
        return [], pd.DataFrame(), np.zeros(0, dtype=np.int64), []
    sep, skip = _separator_and_skip(text)
    records, rejected = _read_csv_records(text, sep, skip)
    if records.empty and not len(records.columns):
        return [], pd.DataFrame(), np.zeros(0, dtype=np.int64), []
    header = [str(v) for v in records.iloc[0].tolist()]
    body = records.iloc[1:].reset_index(drop=True)
    # Excel hides a ``sep=`` first line, so the header is still line 1 there
    lines = np.arange(2, len(body) + 2, dtype=np.int64)
    rejected_lines = {r["line"] for r in rejected}
    if rejected_lines:
        keep = ~np.isin(lines, list(rejected_lines))
        body, lines = body[keep].reset_index(drop=True), lines[keep]
    return header, body, lines, rejected


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return value


def read_xlsx(source: Source) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict]]:
    """Header cells, data rows and their lines of a workbook sheet (the table's sheet,
    or the first sheet of a single-table workbook). Cells keep their Excel type."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(
            f"{source.path.name}: cannot be opened as an Excel workbook ({exc})"
        ) from None
    try:
        if source.sheet is not None:
            ws = wb[source.sheet]
        else:
            names = {normalise_header(n): n for n in wb.sheetnames}
            ws = wb[names.get(source.table, wb.sheetnames[0])]
        rows = [tuple(_cell(v) for v in row) for row in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    rows = [r + ("",) * (width - len(r)) for r in rows]
    # trailing empty rows are not rows of the sheet's data
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        return [], pd.DataFrame(), np.zeros(0, dtype=np.int64), []
    header = ["" if v == "" else str(v) for v in rows[0]]
    body = pd.DataFrame(rows[1:], columns=range(width), dtype=object)
    lines = np.arange(2, len(body) + 2, dtype=np.int64)
    return header, body, lines, []


def read_parquet(source: Source) -> tuple[list[str], pd.DataFrame, np.ndarray, list[dict]]:
    """Header, rows and lines of a Parquet file (line = row position + 2, as if the
    table were opened in a spreadsheet with its header on line 1)."""
    try:
        frame = pd.read_parquet(source.path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise InputError(f"{source.path.name}: cannot be read as Parquet ({exc})") from None
    frame = frame.reset_index(drop=True)
    for col in frame.columns:  # categories are read as their values
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object)
    header = [str(c) for c in frame.columns]
    frame.columns = range(len(header))
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    return header, frame, lines, []


def _strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells with surrounding white space (no-break spaces included) removed."""
    return pd.DataFrame(
        {col: frame[col].astype("str").str.strip() for col in frame.columns},
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
        elif s.dtype == object:
            cell_blank = s.map(lambda v: v == "" or (isinstance(v, str) and not v.strip()))
            cell_blank = (cell_blank | s.isna()).to_numpy(dtype=bool)
        else:
            cell_blank = s.isna().to_numpy()
        blank = blank & cell_blank
        if not blank.any():
            break
    return blank


def read_source(source: Source) -> tuple[list[str], RawTable]:
    """Read one table's file or sheet.

    Returns the header cells as written and a :class:`RawTable` whose frame has one
    positional column per header cell; fully blank rows are dropped and counted.
    """
    ext = source.path.suffix.lower()
    if source.sheet is not None or ext == ".xlsx":
        header, body, lines, rejected = read_xlsx(source)
        text_only = False
    elif ext == ".parquet":
        header, body, lines, rejected = read_parquet(source)
        text_only = False
    else:
        header, body, lines, rejected = read_csv(source)
        body = _strip_cells(body)
        text_only = True
    blank = _blank_mask(body, text_only)
    blank_rows = int(blank.sum())
    if blank_rows:
        body, lines = body[~blank].reset_index(drop=True), lines[~blank]
    body.columns = range(len(header))
    return header, RawTable(source, body, lines, text_only, rejected, blank_rows)
