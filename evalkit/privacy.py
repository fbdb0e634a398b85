"""Privacy by default: pseudonyms, small-cell suppression and scans of outputs.

The shared outputs of a period study (``study.html``, ``study.ipynb``, ``tables.xlsx``,
``results.json``, ``manifest.json``, ``quarantine.csv``) carry no name, NIP or
employee_id, and no figure built from fewer than ``min_cell`` respondents or ratees.
Employee-level follow-up lists go only to ``restricted/``, with ids replaced by keyed
pseudonyms. UU 27/2022 (Pelindungan Data Pribadi) makes scoring of people high-risk
processing, and UU 14/2008 (KIP) Pasal 17(h) exempts individual evaluation results
from disclosure (``reference/regulations.md`` §7); this module is the technical side of
that: publish aggregates only.

The tools:

:func:`pseudonymise`
    HMAC-SHA256 pseudonyms of ids under a secret key (:func:`pseudonym_key`).
:func:`suppress_small_cells`
    Mask values built from fewer than ``min_cell`` units of observation, plus a
    complementary cell where a single masked cell could be recovered from a total.
:func:`scan_for_identifiers`
    Find every name, NIP and employee_id of a study in files or texts, compared after
    :func:`fold`; the period study refuses to publish when a shared output has a hit.
    The identifiers are those of every row read, kept or quarantined
    (:func:`identifiers_of_rows`, called by the loader).
:func:`redact_quarantine`
    The quarantine for the shared folder: file, line, column and reason, and a value
    only where it identifies nobody (:data:`SHAREABLE_COLUMNS`).
:func:`literal_text`, :func:`safe_frame_for_csv`, :func:`literal_workbook`
    Keep text that a spreadsheet would run as a formula (``=HYPERLINK(...)``,
    ``=cmd|' /C calc'!A0``) literal in every CSV and xlsx file evalkit writes.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .io import Study

__all__ = [
    "FORMULA_PREFIXES",
    "IDENTIFIER_COLUMNS",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PERSONAL_COLUMNS",
    "PERSON_NAME_TABLES",
    "SHAREABLE_COLUMNS",
    "default_key_file",
    "empty_identifiers",
    "fold",
    "identifiers_of_rows",
    "literal_cell",
    "literal_text",
    "literal_workbook",
    "pseudonym_key",
    "pseudonymise",
    "redact_quarantine",
    "safe_frame_for_csv",
    "scan_for_identifiers",
    "scan_subject",
    "suppress_small_cells",
]

#: Environment variable holding the pseudonym key itself (any string; UTF-8 encoded).
KEY_ENV = "EVALKIT_PSEUDONYM_KEY"
#: Environment variable naming the key file (default: :func:`default_key_file`).
KEY_FILE_ENV = "EVALKIT_PSEUDONYM_KEY_FILE"

#: Input columns whose values identify a person (masked in the shared quarantine).
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {"employee_id", "nip", "name", "rater_id", "supervisor_id", "birth_date", "response_id"}
)

#: What a redacted value reads in a shared output.
REDACTED = "[restricted]"


# ----------------------------------------------------------------------------------------
# pseudonyms
# ----------------------------------------------------------------------------------------
def default_key_file() -> Path:
    """Where the pseudonym key is kept when no environment variable names one.

    ``$XDG_CONFIG_HOME/evalkit/pseudonym.key``, i.e. ``~/.config/evalkit/pseudonym.key``
    on most systems: in the user's configuration, outside every data and report folder.
    """
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "evalkit" / "pseudonym.key"


def pseudonym_key(*, create: bool = True) -> bytes:
    """The secret key of :func:`pseudonymise`.

    Looked up in this order:

    1. the environment variable ``EVALKIT_PSEUDONYM_KEY`` (the key itself);
    2. the file named by ``EVALKIT_PSEUDONYM_KEY_FILE``;
    3. :func:`default_key_file` (``~/.config/evalkit/pseudonym.key``).

    When the file does not exist and ``create`` is true, a new key of 256 random bits
    (:func:`secrets.token_hex`) is written there, readable by its owner only. Keep the
    same key to get the same pseudonyms across periods (so follow-up lists can be
    linked); change it to make old lists unlinkable. The key is never written to any
    output of evalkit.

    Parameters
    ----------
    create : bool, default True
        Generate the key file when it is missing.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    FileNotFoundError
        If no key is configured and ``create`` is false.
    ValueError
        If the key is empty.
    """
    value = os.environ.get(KEY_ENV)
    if value is not None:
        if not value.strip():
            raise ValueError(f"the environment variable {KEY_ENV} is empty; set a secret key")
        return value.encode("utf-8")
    path = Path(os.environ.get(KEY_FILE_ENV) or default_key_file()).expanduser()
    if not path.exists():
        if not create:
            raise FileNotFoundError(
                f"no pseudonym key: set {KEY_ENV}, or {KEY_FILE_ENV} to a key file, "
                f"or create {path}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ValueError(f"the pseudonym key file {path} is empty; delete it to get a new key")
    return key.encode("utf-8")


def key_location() -> str:
    """Where :func:`pseudonym_key` reads the key from, for messages (never the key)."""
    if os.environ.get(KEY_ENV) is not None:
        return f"environment variable {KEY_ENV}"
    return str(Path(os.environ.get(KEY_FILE_ENV) or default_key_file()).expanduser())


def pseudonymise(
    ids: Iterable[Any], key: bytes | str | None = None, *, length: int = 16
) -> pd.Series:
    """Replace ids by keyed pseudonyms: ``"p" + HMAC-SHA256(key, id)[:length]``.

    The same id and key always give the same pseudonym; without the key a pseudonym
    cannot be traced back to its id, not even by hashing every possible NIP (which a
    plain hash would allow: NIPs have few possible values).

    Parameters
    ----------
    ids : iterable
        Ids (any values; each is hashed as ``str(id)`` in UTF-8). Missing values
        stay missing. The index of a Series is kept.
    key : bytes or str, optional
        The secret key; default :func:`pseudonym_key`.
    length : int, default 16
        Hex digits kept (16 = 64 bits: for 4.3 million ids the chance of any
        collision is about 5e-7).

    Returns
    -------
    pandas.Series
        Pseudonyms (``str`` dtype), aligned with ``ids``.

    Examples
    --------
    >>> pseudonymise(["E001", None], key=b"secret").tolist()
    ['p6673f54fb6b49d21', nan]
    """
    if not 8 <= length <= 64:
        raise ValueError(f"length must be between 8 and 64 hex digits; got {length}")
    if key is None:
        key = pseudonym_key()
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not key:
        raise ValueError("the pseudonym key is empty")
    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype=object)
    missing = series.isna()
    digests = [
        None
        if miss
        else "p" + hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
        for v, miss in zip(series.tolist(), missing.tolist(), strict=True)
    ]
    out = pd.Series(digests, index=series.index, dtype=object, name=series.name)
    return out.astype("str").where(~missing, np.nan)


# ----------------------------------------------------------------------------------------
# formula injection
# ----------------------------------------------------------------------------------------
#: First characters that make a spreadsheet read a text cell as a formula (OWASP, "CSV
#: Injection": ``=``, ``+``, ``-``, ``@``, tab and carriage return).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: A plain number written as text (``-3``, ``+62``, ``-1,5``, ``2e-3``): a spreadsheet reads
#: it as that number, never as a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _formula_like(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def literal_text(value: Any) -> Any:
    """A text value as a spreadsheet must show it: literally, never run as a formula.

    Text that starts with one of :data:`FORMULA_PREFIXES` gets a leading single quote,
    as the OWASP guidance on CSV injection asks: Excel and LibreOffice then show it as
    text (``=HYPERLINK("http://x","y")`` stays that string; ``=cmd|' /C calc'!A0`` runs
    nothing). Everything else is returned unchanged: numbers stay numbers (``-3.5``, and
    the text ``"-3"`` too, which a spreadsheet reads as the number), and so do missing
    values, dates and booleans. ``"-2+3"`` is a formula to a spreadsheet and is quoted.

    This is the form for CSV files. In an xlsx workbook a text cell is marked as text
    instead (:func:`literal_workbook`), so that the cell shows the text as it is.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``"'" + value`` for formula-like text, else ``value``.

    Examples
    --------
    >>> print(literal_text('=HYPERLINK("http://x","y")'))
    '=HYPERLINK("http://x","y")
    >>> literal_text(-3.5), literal_text("-3"), literal_text("-"), literal_text("Dinas Sosial")
    (-3.5, '-3', "'-", 'Dinas Sosial')
    """
    if _formula_like(value):
        return "'" + value
    return value


def safe_frame_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`literal_text`.

    Write every CSV that a spreadsheet may open through it:
    ``safe_frame_for_csv(df).to_csv(path, index=False)``. Numeric, boolean and date
    columns are left as they are (a negative number stays a number); in text columns
    only the formula-like strings change. The index is not touched (write with
    ``index=False``, or reset it first).

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        The same shape, dtypes and index.

    Examples
    --------
    >>> df = pd.DataFrame({"unit": ["=1+2", "Dinas"], "gap": [-1.5, 2.0]})
    >>> safe_frame_for_csv(df).to_csv(index=False).splitlines()
    ['unit,gap', "'=1+2,-1.5", 'Dinas,2.0']
    """
    out = frame.copy()
    out.columns = [literal_text(c) for c in out.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            if isinstance(column.dtype, pd.CategoricalDtype):
                continue
            out.isetitem(i, column.map(literal_text, na_action="ignore"))
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(i, column.cat.rename_categories(literal_text))
    return out


def literal_workbook(book: Any) -> int:
    """Make every formula-like text cell of an openpyxl workbook a literal text cell.

    openpyxl stores any string that starts with ``=`` as a formula (``<f>`` in the sheet
    XML), and so does ``DataFrame.to_excel``: a unit named ``=HYPERLINK(...)`` becomes a
    live link in the officials' workbook. This turns every formula cell back into a
    string cell (data type ``"s"``) and sets Excel's *quote prefix* on every text cell
    that starts with one of :data:`FORMULA_PREFIXES`, so that editing the cell does not
    turn it into a formula either. Shared outputs hold no formulas at all, so every
    formula cell is converted.

    Call it on the workbook before it is saved, e.g. inside
    ``with pd.ExcelWriter(path, engine="openpyxl") as writer:`` after the last
    ``to_excel``, as ``literal_workbook(writer.book)``.

    Parameters
    ----------
    book : openpyxl.Workbook
        A workbook open for writing (not ``write_only``).

    Returns
    -------
    int
        Cells changed.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> wb = Workbook()
    >>> wb.active["A1"] = "=1+2"
    >>> literal_workbook(wb), wb.active["A1"].data_type, wb.active["A1"].value
    (1, 's', '=1+2')
    """
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or _formula_like(value):
                    if not isinstance(value, str):  # an ArrayFormula or DataTableFormula
                        value = str(getattr(value, "text", value))
                    cell.value = value  # openpyxl infers "f" for "=…" ...
                    cell.data_type = "s"  # ... and is told otherwise
                    cell.quotePrefix = True
                    changed += 1
    return changed


def literal_cell(sheet: Any, value: Any) -> Any:
    """A value for a *write-only* openpyxl sheet (``Workbook(write_only=True)``), where
    :func:`literal_workbook` cannot go back over the cells: formula-like text becomes a
    string cell with the quote prefix, anything else is returned unchanged.

    Parameters
    ----------
    sheet : openpyxl write-only worksheet
    value : object

    Returns
    -------
    object
        ``value``, or a ``WriteOnlyCell`` holding it as text.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook(write_only=True).create_sheet()
    >>> cell = literal_cell(ws, "=1+2")
    >>> cell.value, cell.data_type, literal_cell(ws, "Dinas")
    ('=1+2', 's', 'Dinas')
    """
    if not _formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


# ----------------------------------------------------------------------------------------
# small cells
# ----------------------------------------------------------------------------------------
def suppress_small_cells(
    table: pd.DataFrame,
    counts: str | list[str],
    min_cell: int = 5,
    *,
    values: list[str] | None = None,
    by: str | list[str] | None = None,
    secondary: bool = True,
    marker: str = "suppressed",
) -> pd.DataFrame:
    """Mask values built from fewer than ``min_cell`` respondents or ratees.

    Primary suppression
        A row whose count (any of ``counts``) is between 1 and ``min_cell - 1``, or
        missing, has its ``values`` set to NaN. A count of 0 discloses nothing (the
        values are undefined anyway) and is left as it is.
    Secondary (complementary) suppression
        When the rows of a group (``by``; the whole table when ``by`` is None) add up
        to a total published elsewhere, a group with exactly one suppressed row would
        let a reader recover it by subtraction. There the unsuppressed row with the
        smallest count (first of ``counts``; ties broken by table order) is suppressed
        too. One pass suffices: afterwards no group has exactly one suppressed row.
        Groups with a single row are left alone: their total is that row, and the
        total itself must pass the threshold where it is published.

    The counts themselves stay visible (readers need to know why a value is missing),
    following the threshold rule of the OECD/Eurostat SDC glossary
    (``reference/methods.md`` §8).

    Parameters
    ----------
    table : DataFrame
        One row per cell (e.g. per unit, or per unit and category).
    counts : str or list of str
        Column(s) with the number of respondents or ratees behind each row.
    min_cell : int, default 5
        Smallest count that may be shown.
    values : list of str, optional
        Columns to mask; default every numeric column other than ``counts`` and ``by``.
    by : str or list of str, optional
        Columns that define the groups for secondary suppression.
    secondary : bool, default True
        Apply secondary suppression.
    marker : str, default "suppressed"
        Name of the added column (object dtype): ``"small_cell"`` (primary),
        ``"complementary"`` (secondary) or None.

    Returns
    -------
    DataFrame
        A copy of ``table`` with masked ``values`` and the ``marker`` column.

    Examples
    --------
    >>> t = pd.DataFrame({"unit": ["a", "b", "c"], "n": [3, 20, 30], "mean": [2.0, 3.0, 4.0]})
    >>> suppress_small_cells(t, "n", 5)["mean"].tolist()
    [nan, nan, 4.0]
    """
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1; got {min_cell}")
    counts = [counts] if isinstance(counts, str) else list(counts)
    group = [] if by is None else ([by] if isinstance(by, str) else list(by))
    missing = [c for c in [*counts, *group, *(values or [])] if c not in table.columns]
    if missing:
        raise KeyError(
            f"suppress_small_cells: no column(s) {missing} in the table; it has "
            f"{list(table.columns)}"
        )
    if values is None:
        values = [
            c
            for c in table.columns
            if c not in counts
            and c not in group
            and c != marker
            and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])
        ]
    out = table.copy()
    n = out[counts].apply(pd.to_numeric, errors="coerce")
    small = ((n > 0) & (n < min_cell)) | n.isna()
    primary = small.any(axis=1).to_numpy()
    flag = np.where(primary, "small_cell", None).astype(object)
    if secondary and primary.any():
        size = n[counts[0]].fillna(0).to_numpy()
        keys = (
            pd.Series(0, index=out.index)
            if not group
            else out[group].astype("string").fillna("\0").agg("\x1f".join, axis=1)
        )
        for _, idx in pd.Series(np.arange(len(out)), index=out.index).groupby(
            keys.to_numpy(), sort=False
        ):
            pos = idx.to_numpy()
            if len(pos) < 2 or primary[pos].sum() != 1:
                continue
            candidates = pos[~primary[pos]]
            pick = candidates[np.argmin(size[candidates])]  # first of the smallest
            flag[pick] = "complementary"
    masked = pd.Series(flag, index=out.index).notna()
    for c in values:
        column = out[c]
        if pd.api.types.is_bool_dtype(column):
            column = column.astype("boolean")  # nullable, so a masked flag is <NA>
        out[c] = column.where(~masked)  # integers become float, text keeps its dtype
    out[marker] = pd.Series(flag, index=out.index, dtype=object)  # None where shown
    return out


# ----------------------------------------------------------------------------------------
# the identifiers of the input
# ----------------------------------------------------------------------------------------
#: Columns whose values identify a person, in any table, and the kind of identifier
#: (``officer_*``: the officer a complaint names). ``citizen.response_id`` numbers an
#: anonymous survey form, not a person: it is masked in the shared quarantine
#: (:data:`PERSONAL_COLUMNS`) but not searched for in reports.
IDENTIFIER_COLUMNS: dict[str, str] = {
    "employee_id": "employee_id",
    "rater_id": "employee_id",
    "supervisor_id": "employee_id",
    "officer_id": "employee_id",
    "nip": "nip",
    "officer_nip": "nip",
    "officer_name": "name",
}
#: Tables whose ``name`` column is a person's name (``units.name`` and
#: ``indicators.name`` are public).
PERSON_NAME_TABLES: frozenset[str] = frozenset({"employees"})

#: Quarantined cells whose value cannot identify anyone, per table: the shared
#: quarantine shows these values (a score out of range, a bad period code) and hides
#: every other one. Units, indicators and organisational ratings hold no people.
SHAREABLE_COLUMNS: dict[str, frozenset[str] | None] = {
    "units": None,  # None = every column
    "indicators": None,
    "org_rating": None,
    "employees": frozenset(
        {"unit_id", "position_type", "sector", "grade", "employment", "gender", "jf_level"}
    ),
    "results": frozenset(
        {"period", "indicator_id", "kind", "target", "realization", "rating", "unit_id"}
    ),
    "behaviour": frozenset({"period", "rater_role", "value", "score"}),
    "citizen": frozenset(
        {"period", "unit_id", "service", *(f"u{i}" for i in range(1, 10))}
        | {"respondent_gender", "respondent_education"}
    ),
    "training": frozenset({"course", "start_date", "end_date", "hours"}),
}

#: Columns of :func:`identifiers_of_rows` (and of ``Study.identifiers``).
IDENTIFIER_FRAME_COLUMNS = ("kind", "value")

_SEPARATORS = (",", ";", "\t", "|")
_LONG_DIGITS = re.compile(r"\d(?:[ .\-_/\u2013\u2014]{0,2}\d){14,}")


def _distinct_text(values: pd.Series) -> np.ndarray:
    """The distinct values of a column as stripped text (distinct first: a rater id
    repeats in thousands of rows)."""
    distinct = pd.Series(pd.unique(values.dropna()), dtype=object)
    return distinct.astype(str).str.strip().unique()


def empty_identifiers() -> pd.DataFrame:
    """An empty identifier table (``kind, value``, both ``str``)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in IDENTIFIER_FRAME_COLUMNS})


def _kind_of(table: str, column: str) -> str | None:
    if column == "name":
        return "name" if table in PERSON_NAME_TABLES else None
    return IDENTIFIER_COLUMNS.get(column)


def _split_raw_line(line: str, width: int) -> list[str]:
    """The cells of a raw line whose separator is unknown: the first separator that
    gives at least ``width`` cells (the line was rejected for having too many)."""
    import csv

    best: list[str] = [line]
    for sep in _SEPARATORS:
        try:
            cells = next(csv.reader([line], delimiter=sep))
        except (csv.Error, StopIteration):
            continue
        if len(cells) >= width:
            return cells
        if len(cells) > len(best):
            best = cells
    return best


def identifiers_of_rows(
    table: str,
    frame: pd.DataFrame,
    positions: Mapping[str, int],
    raw_lines: Iterable[str] = (),
) -> pd.DataFrame:
    """Every identifier in the rows of one input table, kept or rejected.

    The loader calls this on the cells as read, before any row is quarantined, so that
    :func:`scan_for_identifiers` knows the people of rows that never reach the study
    (a NIP with a typo, a row whose fields an unquoted comma shifted).

    Parameters
    ----------
    table : str
        The data-model table (``"employees"``, ``"behaviour"``, …).
    frame : DataFrame
        The data rows as read, one positional column per header cell.
    positions : mapping
        Model column → position of its cells in ``frame`` (and in a raw line).
    raw_lines : iterable of str
        Lines that could not be split into the header's cells. A line with ``k`` cells
        too many has each identifying column's value somewhere in its ``k + 1`` cells
        from the column's position on; all of those are taken (a name cut at its
        comma is found by its first part), and so is every run of 15 or more digits
        (a NIP).

    Returns
    -------
    DataFrame
        ``kind`` and ``value``, unique. ``kind`` is ``"employee_id"``, ``"nip"`` or
        ``"name"`` for a cell of that column, and ``"raw_employee_id"``, ``"raw_nip"``
        or ``"raw_name"`` for a cell of a raw line that may hold one: the scan takes it
        only when it looks like one (an id's shape, a name's words), so that a unit
        code shifted into the name's place is not taken for a name.

    Examples
    --------
    >>> frame = pd.DataFrame({0: ["E1"], 1: ["Siti Aminah"], 2: ["U1"]})
    >>> found = identifiers_of_rows("employees", frame, {"employee_id": 0, "name": 1,
    ...                             "unit_id": 2}, ["E2,Budi Santoso, S.E.,U1"])
    >>> found.groupby("kind")["value"].apply(list).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'employee_id': ['E1'], 'name': ['Siti Aminah'], 'raw_employee_id': ['E2', 'Budi Santoso'],
     'raw_name': ['Budi Santoso', 'S.E.']}
    """
    parts: list[pd.DataFrame] = []
    wanted = {c: k for c in positions if (k := _kind_of(table, c)) is not None}
    for column, kind in wanted.items():
        pos = positions[column]
        if pos in frame.columns:
            parts.append(pd.DataFrame({"kind": kind, "value": _distinct_text(frame[pos])}))
    lines = [str(v) for v in raw_lines if v is not None and v == v]
    if lines:
        width = max(positions.values(), default=-1) + 1
        found: list[tuple[str, str]] = []
        for line in lines:
            cells = [c.strip() for c in _split_raw_line(line, width)]
            extra = max(len(cells) - width, 0)
            for column, kind in wanted.items():
                pos = positions[column]
                found.extend((f"raw_{kind}", c) for c in cells[pos : pos + extra + 1] if c)
            found.extend(("nip", re.sub(r"\D", "", m.group())) for m in _LONG_DIGITS.finditer(line))
        parts.append(pd.DataFrame(found, columns=list(IDENTIFIER_FRAME_COLUMNS)))
    if not parts:
        return empty_identifiers()
    out = pd.concat(parts, ignore_index=True)
    out = out[out["value"].ne("")].drop_duplicates(ignore_index=True)
    return out.astype(object)


def _table_of_files(study: Study) -> dict[str, str]:
    summary = getattr(study, "summary", None)
    if summary is None or not {"file", "table"} <= set(summary.columns):
        return {}
    return dict(zip(summary["file"].astype(str), summary["table"].astype(str), strict=False))


def _quarantine_identifiers(study: Study) -> pd.DataFrame:
    """Identifiers quoted by the quarantine: values of identifying columns, and of raw
    lines the digit runs that may be NIPs and the cells that may be ids (the names of a
    raw line are in the loader's ``Study.identifiers``, which knows where they stand)."""
    q = getattr(study, "quarantine", None)
    if q is None or q.empty or not {"column", "value"} <= set(q.columns):
        return empty_identifiers()
    tables = _table_of_files(study)
    files = q["file"].astype(str) if "file" in q.columns else pd.Series("", index=q.index)
    found: list[tuple[str, str]] = []
    for file, column, value in zip(files, q["column"], q["value"], strict=True):
        if value is None or value != value or not str(value).strip():
            continue
        value = str(value).strip()
        columns = [c.strip() for c in str(column if column == column else "").split(",")]
        table = _table_of(file, tables)
        kinds = {_kind_of(table, c) for c in columns if c} - {None}
        if kinds:  # one identifying cell, or several ("employee_id, rater_id": "E1, E2")
            parts = [value] if len(columns) == 1 else [value, *value.split(",")]
            found.extend((k, v.strip()) for k in kinds for v in parts if v.strip())
            continue
        if any(c and c in _known_columns() for c in columns):
            continue  # a cell of a non-identifying column
        # a raw line (or several cells): digit runs that may be NIPs, and every cell
        found.extend(("nip", re.sub(r"\D", "", m.group())) for m in _LONG_DIGITS.finditer(value))
        cells = [c.strip() for c in _split_raw_line(value, 2)]
        found.extend(("raw_employee_id", c) for c in cells if c)
    return pd.DataFrame(found, columns=list(IDENTIFIER_FRAME_COLUMNS))


def _table_of(file: str, tables: Mapping[str, str]) -> str:
    """The table a quarantined file holds: from the study's summary, else its name
    (``employees.csv``, ``book.xlsx[employees]``)."""
    from .tables import TABLES

    if file in tables:
        return tables[file]
    m = re.search(r"\[([^\]]+)\]$", file)
    stem = m.group(1) if m else Path(file).stem
    return stem if stem in TABLES else ""


def _known_columns() -> frozenset[str]:
    from .tables import TABLES

    return frozenset(c for t in TABLES.values() for c in t.column_names)


# ----------------------------------------------------------------------------------------
# scanning outputs for identifiers
# ----------------------------------------------------------------------------------------
_TITLE_TOKENS = frozenset({"dr", "drs", "dra", "ir", "h", "hj", "prof", "ns", "apt", "bd"})
_WORD = re.compile(r"\w+", re.UNICODE)
#: Runs of at least 10 digits, possibly grouped by spaces, dots, dashes, slashes.
_DIGIT_RUN = re.compile(r"\d(?:[ .\-_/\u2013\u2014]{0,2}\d){9,}")
_DIGIT_SEP = re.compile(r"[ .\-_/\u2013\u2014]+")
#: Words joined by ``-``, ``/`` or ``.`` (for ids that contain such characters).
_COMPOUND = re.compile(r"\w+(?:[\-/.]\w+)+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{64,}={0,2}")
_DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s]*")
#: Characters that change nothing on screen: soft hyphen, zero-width spaces and joiners,
#: direction marks, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
#: Inline HTML elements: removed without a space, so ``Si<b>ti</b>`` reads ``Siti``.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|code|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|u|"
    r"var|wbr)\b[^>]*>",
    re.I,
)
#: Rich-text runs of a spreadsheet string (``<r><rPr>…</rPr><t>Si</t></r>``).
_XLSX_RUN = re.compile(r"<rPr>.*?</rPr>|<rPr/>|</?(?:r|t|is)\b[^>]*>", re.S)
_MIN_NIP_PIECE = 10
_TEXT_SUFFIXES = {".html", ".htm", ".json", ".csv", ".txt", ".md", ".ipynb", ".svg", ".xml"}
_BINARY_SKIP = {".png", ".jpg", ".jpeg", ".gif", ".parquet", ".pkl", ".woff", ".woff2"}


def fold(text: str) -> str:
    """``text`` as the scan compares it: one spelling per name.

    NFKC (full-width ``Ｓｉｔｉ`` and ``１９８５`` become ``Siti`` and ``1985``; ligatures
    are split), case-folded, accents stripped (``Nurhalizá`` and a decomposed ``a`` +
    U+0301 both read ``nurhaliza``), invisible characters (zero-width spaces and
    joiners, soft hyphens, direction marks) removed, and NFC at the end.

    Examples
    --------
    >>> fold("ＳＩＴＩ Ami\\u200bnah Nurhaliza\\u0301")
    'siti aminah nurhaliza'
    """
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFC", text)
    return text


def _ascii_digits(text: str) -> str:
    """Digits of any script as ASCII digits (NFKC leaves e.g. Arabic-Indic ones)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def _name_words(name: str) -> tuple[str, ...]:
    """Core words of a person's name, folded (:func:`fold`): academic degrees after a
    comma and leading titles (Dr., H., Hj., Ir., …) are dropped, so
    ``"Dr. Siti Aminah, S.Pd."`` scans as ``("siti", "aminah")``."""
    core = fold(name).split(",")[0]
    words = _WORD.findall(core)
    while len(words) > 1 and words[0] in _TITLE_TOKENS:
        words.pop(0)
    return tuple(words)


def _public_words(study: Study) -> set[str]:
    """Words that are public in any case: unit, indicator and service names and the
    label catalogues. A one-word person name that is also such a word (``Sari`` in
    ``Desa Gunung Sari``) cannot be told apart from it and is not scanned for."""
    from .labels import LANGUAGES, catalogue

    texts: list[str] = []
    for table, column in (("units", "name"), ("indicators", "name"), ("citizen", "service")):
        frame = getattr(study, table, None)
        if frame is not None and column in frame.columns:
            texts.extend(frame[column].dropna().astype(str).unique().tolist())
    for language in LANGUAGES:
        texts.extend(catalogue(language).values())
    return set(_WORD.findall(fold(" ".join(texts))))


def _study_identifiers(study: Study) -> pd.DataFrame:
    """``kind, value`` of every identifier the study knows: its tables (kept rows), the
    loader's record of every row read (``Study.identifiers``) and the quarantine."""
    parts: list[pd.DataFrame] = []
    for table, frame in (
        (name, getattr(study, name, None))
        for name in ("employees", "behaviour", "citizen", "results", "training", "units")
    ):
        if frame is None:
            continue
        for column in frame.columns:
            kind = _kind_of(table, str(column))
            if kind is not None:
                parts.append(pd.DataFrame({"kind": kind, "value": _distinct_text(frame[column])}))
    extra = getattr(study, "identifiers", None)
    if isinstance(extra, pd.DataFrame) and len(extra):
        parts.append(extra[list(IDENTIFIER_FRAME_COLUMNS)])
    parts.append(_quarantine_identifiers(study))
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_identifiers()
    out = pd.concat(parts, ignore_index=True).astype(object)
    return out[out["value"].ne("")].drop_duplicates(ignore_index=True)


def _looks_like_a_name(words: tuple[str, ...], public: set[str]) -> bool:
    """Two or more words of three letters or more, letters only, not all public."""
    return (
        all(w.isalpha() for w in words)
        and sum(len(w) >= 3 for w in words) >= 2
        and any(w not in public for w in words)
    )


class _Identifiers:
    """The identifiers of a study, indexed for a one-pass scan of a text."""

    def __init__(self, study: Study):
        known = _study_identifiers(study)
        by_kind = {k: g["value"].tolist() for k, g in known.groupby("kind", sort=False)}
        public = _public_words(study)
        ids: set[str] = set(by_kind.get("employee_id", []))
        # a cell of a raw line counts as an id when it has the shape of a known id
        shapes = {re.sub(r"\d", "0", fold(i)) for i in ids}
        for cell in by_kind.get("raw_employee_id", []):
            if re.sub(r"\d", "0", fold(cell)) in shapes:
                ids.add(cell)
        # a short all-digit id ("42") is indistinguishable from any count in a report
        self.unscannable_ids = sorted(i for i in ids if i.isdigit() and len(i) < 6)
        self.ids = {fold(i): i for i in ids if not (i.isdigit() and len(i) < 6)}
        self.compound_ids = any(_WORD.fullmatch(i) is None for i in self.ids)
        # NIPs: the digits, and every 10-digit piece of them for partial matches
        self.nips: dict[str, str] = {}
        for nip in [*by_kind.get("nip", []), *by_kind.get("raw_nip", [])]:
            digits = re.sub(r"\D", "", _ascii_digits(fold(nip)))
            if len(digits) >= _MIN_NIP_PIECE:
                self.nips[digits] = nip
        self.nip_lengths = sorted({len(n) for n in self.nips})
        self.nip_pieces: dict[str, list[str]] = {}
        for digits in self.nips:
            for i in range(len(digits) - _MIN_NIP_PIECE + 1):
                self.nip_pieces.setdefault(digits[i : i + _MIN_NIP_PIECE], []).append(digits)
        self.max_nip = max(self.nip_lengths, default=0)
        self.names: dict[str, list[tuple[str, ...]]] = {}
        self.skipped_names: list[str] = []
        raw_names = [
            n  # a raw line's cell: taken when it reads like a name (not "S.Kom", a code)
            for n in by_kind.get("raw_name", [])
            if _looks_like_a_name(_name_words(n), public)
        ]
        for name in dict.fromkeys([*by_kind.get("name", []), *raw_names]):
            words = _name_words(name)
            if not words or all(w.isdigit() for w in words):
                continue
            if all(len(w) < 3 for w in words) or (len(words) == 1 and words[0] in public):
                # "Sari" (a village name too), or initials that match any abbreviation
                self.skipped_names.append(name)
                continue
            self.names.setdefault(words[0], []).append(words)

    def _nip_hits(self, text: str) -> list[tuple[str, str]]:
        hits: list[tuple[str, str]] = []
        for m in _DIGIT_RUN.finditer(text):
            run = m.group()
            groups = [_ascii_digits(g) for g in _DIGIT_SEP.split(run) if g]
            digits = "".join(groups)
            if len(digits) < _MIN_NIP_PIECE:
                continue
            found = False
            for length in self.nip_lengths:  # a whole NIP inside the run
                for i in range(len(digits) - length + 1):
                    nip = self.nips.get(digits[i : i + length])
                    if nip is not None:
                        hits.append(("nip", nip))
                        found = True
            if found:
                continue
            # a piece of a NIP (≥ 10 digits), written whole or in its groups
            for a in range(len(groups)):
                piece = ""
                for b in range(a, len(groups)):
                    piece += groups[b]
                    if len(piece) > self.max_nip:
                        break
                    if len(piece) < _MIN_NIP_PIECE:
                        continue
                    for digits_ in self.nip_pieces.get(piece[:_MIN_NIP_PIECE], ()):
                        if piece in digits_:
                            hits.append(("nip", self.nips[digits_]))
                            found = True
                            break
                    if found:
                        break
                if found:
                    break
        return hits

    def find(self, text: str) -> list[tuple[str, str]]:
        """``(kind, identifier)`` for every occurrence in ``text`` (compared after
        :func:`fold`)."""
        text = fold(text)
        hits: list[tuple[str, str]] = self._nip_hits(text) if self.nips else []
        words = _WORD.findall(text)
        if self.ids:  # whole words (also the parts of "E001-2025"), ids with a "-" whole
            ids = self.ids
            hits.extend(("employee_id", ids[w]) for w in words if w in ids)
            if self.compound_ids:
                tokens = _COMPOUND.findall(text)
                hits.extend(("employee_id", ids[t]) for t in tokens if t in ids)
        if self.names:  # word sequences
            for i, w in enumerate(words):
                for cand in self.names.get(w, ()):
                    if tuple(words[i : i + len(cand)]) == cand:
                        hits.append(("name", " ".join(cand)))
        return hits


def _strip_encoded(text: str) -> str:
    """Remove embedded images (data URIs, base64 blocks): pixels, not text, and long
    random strings in which a short id could appear by chance."""
    text = _DATA_URI.sub(" ", text)
    return _BASE64.sub(lambda m: m.group() if m.group().isdigit() else " ", text)


def _xlsx_text(path: Path) -> str:
    """Everything a workbook holds as text: every XML part (sheets with their cell
    values, inline strings and formulas, shared strings, sheet names, comments,
    document properties), with the markup of rich-text runs removed so that a name
    split into runs reads whole. Cached values are not trusted: formulas are read."""
    import zipfile

    parts: list[str] = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                xml = z.read(info).decode("utf-8", errors="replace")
                parts.append(html.unescape(_XLSX_RUN.sub("", xml)))
    return "\n".join(parts)


def _pdf_text(path: Path) -> str | None:
    """The text of a PDF through ``pdftotext`` (poppler) when it is installed, else None.
    WeasyPrint writes its text as glyph ids of subset fonts: without a PDF text
    extractor the file cannot be read; the study scans the HTML the PDF is made from."""
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-q", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=120,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return done.stdout.decode("utf-8", errors="replace")


_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([nrtbf/\\\"]))")


def _json_unescape(text: str) -> str:
    """JSON string escapes as the characters they stand for (``\\u00e9`` → ``é``,
    ``\\n`` → a line break), so that ``ensure_ascii`` output reads as written."""

    def one(m: re.Match) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        return {"n": "\n", "r": "\n", "t": " ", "b": " ", "f": " "}.get(m.group(2), m.group(2))

    return _JSON_ESCAPE.sub(one, text)


def _file_text(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_text(path)
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix in _BINARY_SKIP:
        return None
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if suffix in (".html", ".htm", ".svg", ".xml"):
        text = html.unescape(_INLINE_TAG.sub("", text))
    elif suffix in (".json", ".ipynb"):  # JSON escapes; a notebook's outputs hold HTML
        text = _json_unescape(text)
        if suffix == ".ipynb":
            text = html.unescape(_INLINE_TAG.sub("", text))
    return _strip_encoded(text)


def scan_for_identifiers(
    sources: Path | str | Iterable[Path | str] | Mapping[str, str], study: Study
) -> pd.DataFrame:
    """Find the names, NIPs and employee ids of ``study`` in files or texts.

    Parameters
    ----------
    sources : Path, str, iterable of them, or mapping
        Files to scan (a ``pathlib.Path``; a folder is scanned recursively), texts
        (a ``str`` is scanned as text, not as a path), or ``{label: text}``. HTML,
        JSON, CSV, notebooks and other text files are read as UTF-8; ``.xlsx`` files
        as the XML inside them (cell text, formulas, shared strings, sheet names,
        comments, document properties: not only the values a spreadsheet cached);
        PDF files through ``pdftotext`` when it is installed. Embedded images (data
        URIs and base64 blocks) are removed before scanning; PNG and Parquet files,
        and PDF files without ``pdftotext``, are listed in ``result.attrs["skipped"]``.
    study : Study
        The identifiers: every ``employee_id`` (also as ``rater_id``,
        ``supervisor_id``, in any table), ``nip`` and employee ``name`` of the study,
        of its kept rows and, through ``study.identifiers`` (filled by
        :func:`evalkit.io.load_study`) and ``study.quarantine``, of every row read.

    Returns
    -------
    DataFrame
        One row per source, kind and identifier found, with columns

        - ``source``: file path or text label;
        - ``kind``: ``"nip"``, ``"name"`` or ``"employee_id"``;
        - ``identifier``: what was found (for the operator: never publish this table);
        - ``count``: how often.

        Empty when nothing was found. ``attrs`` holds ``skipped`` (files not
        scanned), ``unscannable_ids`` (all-digit ids shorter than 6 digits, which
        cannot be told apart from counts) and ``skipped_names`` (one-word names that
        are also public words).

    Notes
    -----
    Texts and identifiers are compared after :func:`fold` (NFKC, case-folded, accents
    and invisible characters removed), so a full-width, decomposed or zero-width-split
    spelling matches. NIPs: a whole NIP anywhere in a run of digits, and any piece of
    at least 10 consecutive digits of a NIP that makes up a whole number or whole
    groups of one (``19850312 201001 1 003``, ``1985.0312.20``, ``1985031220``), with
    separators of spaces, dots, dashes, slashes or underscores; a 10-digit piece
    *inside* a longer number is not a hit (the digits of a float would match by
    chance). Employee ids as whole tokens (also inside ``E001-2025``), ignoring case.
    Names as whole-word sequences ignoring case, without leading titles and degrees
    after a comma.

    Examples
    --------
    >>> from evalkit.io import Study
    >>> study = Study(employees=pd.DataFrame(
    ...     {"employee_id": ["E001"], "nip": ["198503122010011003"], "name": ["Siti Aminah"]}))
    >>> scan_for_identifiers("Ketua: SITI AMINAH (e001)", study)[["kind", "count"]].values.tolist()
    [['employee_id', 1], ['name', 1]]
    """
    index = _Identifiers(study)
    texts: list[tuple[str, str]] = []
    skipped: list[str] = []

    def add_path(p: Path) -> None:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file():
                    add_path(child)
            return
        if not p.exists():
            raise FileNotFoundError(f"scan_for_identifiers: no file {p}")
        text = _file_text(p)
        if text is None:
            skipped.append(str(p))
        else:
            texts.append((str(p), text))

    if isinstance(sources, Mapping):
        texts.extend((str(k), str(v)) for k, v in sources.items())
    elif isinstance(sources, Path):
        add_path(sources)
    elif isinstance(sources, str):
        texts.append(("text", sources))
    else:
        for i, s in enumerate(sources):
            if isinstance(s, Path):
                add_path(s)
            else:
                texts.append((f"text[{i}]", str(s)))

    rows = [(label, kind, ident) for label, text in texts for kind, ident in index.find(text)]
    frame = pd.DataFrame(rows, columns=["source", "kind", "identifier"])
    result = (
        frame.groupby(["source", "kind", "identifier"], sort=True)
        .size()
        .rename("count")
        .reset_index()
    )
    result = result.astype({"count": "int64"})
    result.attrs["skipped"] = skipped
    result.attrs["unscannable_ids"] = index.unscannable_ids
    result.attrs["skipped_names"] = index.skipped_names
    return result


def scan_subject(study: Study) -> Study:
    """The least of ``study`` that :func:`scan_for_identifiers` reads, as a small Study
    that it scans to the same hits.

    ``identifiers`` holds every identifier the study knows (its tables' identifying
    columns, the loader's ``Study.identifiers`` and the quarantine's, deduplicated and
    in the scan's order); ``units``, ``indicators`` and ``citizen`` keep only the distinct
    unit, indicator and service names (the public words that a one-word name may be).
    The rows, scores and every other column are left out: for a study's outputs to be
    scanned after the study itself is gone (the national study keeps one per instansi
    on the worker that loaded it).

    Examples
    --------
    >>> from evalkit.io import Study
    >>> study = Study(employees=pd.DataFrame(
    ...     {"employee_id": ["E001"], "nip": ["198503122010011003"], "name": ["Siti Aminah"]}))
    >>> small = scan_subject(study)
    >>> small.identifiers.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['employee_id', 'E001'], ['nip', '198503122010011003'], ['name', 'Siti Aminah']]
    >>> scan_for_identifiers("Ketua: SITI AMINAH (e001)", small)[["kind", "count"]].values.tolist()
    [['employee_id', 1], ['name', 1]]
    """
    from .io import Study as _Study

    def names(table: str, column: str) -> pd.DataFrame:
        frame = getattr(study, table, None)
        if frame is None or column not in frame.columns:
            return pd.DataFrame({column: pd.Series(dtype=object)})
        return pd.DataFrame({column: pd.unique(frame[column].dropna().astype(str))})

    # only "name" of units and "service" of citizen: neither is an identifying column
    # there, so _study_identifiers finds in the small study exactly ``identifiers``
    # (held compactly: the scan reads them back as Python strings, in the same order)
    known = _study_identifiers(study).reset_index(drop=True)
    known = known.astype({"kind": "category", "value": "string[pyarrow]"})
    return _Study(
        identifiers=known,
        units=names("units", "name"),
        indicators=names("indicators", "name"),
        citizen=names("citizen", "service"),
    )


def _shareable(table: str, column: str) -> bool:
    if not column:
        return False
    if table in SHAREABLE_COLUMNS:
        allowed = SHAREABLE_COLUMNS[table]
        return allowed is None or column in allowed
    # a file of unknown table: shareable only where no table says otherwise
    return (
        column not in PERSONAL_COLUMNS
        and column != "name"
        and all(
            allowed is None or column in allowed
            for t, allowed in SHAREABLE_COLUMNS.items()
            if column in _columns_of(t)
        )
    )


def _columns_of(table: str) -> frozenset[str]:
    from .tables import TABLES

    return frozenset(TABLES[table].column_names) if table in TABLES else frozenset()


_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _code_like(value: str) -> bool:
    """A short code (``"ZZ/9"``, ``"pns"``), not free text, a date or a long number."""
    value = value.strip()
    return (
        len(value) <= 20
        and not any(c.isspace() for c in value)
        and _DATE_LIKE.search(value) is None
        and sum(c.isdigit() for c in value) < 6
    )


def redact_quarantine(quarantine: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The quarantine table fit for a shared folder.

    ``file, line, column`` and ``reason`` are kept (enough for a clerk to find and fix
    the row). A ``value`` is shown only when it cannot identify anyone: a single cell of
    a column listed in :data:`SHAREABLE_COLUMNS` for the file's table (a score out of
    range, a bad period code, an unknown unit) that holds no name, NIP or id of the
    input. Everything else reads ``"[restricted]"``: identifying columns (ids, NIP,
    names, birth dates, positions, free text about respondents) and raw lines (a row
    whose fields an unquoted comma shifted). In the people's table (``employees``) a
    value is shown only when it is a short code and the only bad cell of its line: a
    line with several bad cells is most likely shifted, its ``grade`` holding the
    position or its ``gender`` the date of birth. A ``reason`` that quotes a hidden value
    has it replaced by ``"[restricted]"``; one that names a person is replaced whole.
    The unredacted table goes to ``restricted/quarantine.csv``.

    Parameters
    ----------
    quarantine : DataFrame
        ``file, line, column, value, reason`` as :func:`evalkit.io.load_study` made it.
    study : Study
        Whose identifiers to look for (every row read, kept or quarantined), and whose
        ``summary`` says which table each file holds.

    Returns
    -------
    DataFrame
        A copy with ``value`` (and ``reason`` where needed) redacted.

    Examples
    --------
    >>> from evalkit.io import Study
    >>> q = pd.DataFrame({"file": ["behaviour.csv", "employees.csv"], "line": [7, 9],
    ...                   "column": ["score", ""], "value": ["9", "E9,1985…,Siti,x"],
    ...                   "reason": ["out of range", "row has 5 cells"]})
    >>> redact_quarantine(q, Study())["value"].tolist()
    ['9', '[restricted]']
    """
    out = quarantine.copy()
    if "value" not in out.columns or out.empty:
        return out
    index = _Identifiers(study)
    tables = _table_of_files(study)
    values = out["value"].astype(object)
    columns = out["column"] if "column" in out.columns else pd.Series("", index=out.index)
    files = out["file"] if "file" in out.columns else pd.Series("", index=out.index)

    def found(v: Any) -> bool:
        return v is not None and v == v and bool(index.find(str(v)))

    # a person's row with several bad cells is most likely shifted (an unquoted comma):
    # its "grade" may hold the position, its "gender" a date of birth
    if "line" in out.columns:
        cells_of_line = out.groupby([files.astype(str), out["line"]], dropna=False)[
            "value"
        ].transform("size")
    else:
        cells_of_line = pd.Series(1, index=out.index)

    def shown(file: Any, column: Any, value: Any, cells: int) -> bool:
        if value is None or value != value:
            return True  # nothing to hide
        names = [c.strip() for c in str(column if column == column else "").split(",")]
        table = _table_of(str(file), tables)
        if table in PERSON_NAME_TABLES and (cells > 1 or not _code_like(str(value))):
            return False
        return all(_shareable(table, c) for c in names) and not found(value)

    keep = pd.Series(
        [
            shown(f, c, v, n)
            for f, c, v, n in zip(files, columns, values, cells_of_line, strict=True)
        ],
        index=out.index,
    )
    out["value"] = values.where(keep, REDACTED)
    if "reason" in out.columns:
        reasons = []
        for reason, value, ok in zip(out["reason"].astype(object), values, keep, strict=True):
            if reason is None or reason != reason:
                reasons.append(reason)
                continue
            text = str(reason)
            if not ok and value is not None and value == value and len(str(value).strip()) > 1:
                text = text.replace(str(value).strip(), REDACTED)
            reasons.append(REDACTED if found(text) else text)
        out["reason"] = pd.Series(reasons, index=out.index, dtype=object)
    return out
