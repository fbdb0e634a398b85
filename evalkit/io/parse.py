"""Parse raw cells into typed values, vectorised (private to :mod:`evalkit.io`).

Every parser takes one raw column (a :class:`pandas.Series` of cells: ``str`` from a
CSV file; numbers, timestamps or ``str`` from a workbook or Parquet file) and returns
``(values, reasons)``: the typed values (missing where the cell is empty or invalid)
and, aligned with them, ``None`` where the cell is fine or empty, else the reason a
clerk reads in the quarantine. Empty cells are not errors here: whether a column
may be empty is decided by the caller.

Numbers
-------
Cells may use a decimal comma (``85,5``) or a decimal point (``85.5``), and
thousands separators (``1.250.000``, ``1,250.5``, ``1.250,5``, ``1 250``). A value
is read the only way it can be read whenever its shape allows one reading. The one
ambiguous shape is a single separator followed by exactly three digits
(``1.250``, ``1,250``):

* in a whole-number column (``int``) it is a thousands separator: ``1.250`` → 1250;
* in a decimal column (``float``) the file decides: when the file's other numbers
  use a decimal comma (e.g. ``85,5``), ``1.250`` → 1250 and ``1,250`` → 1.25; when
  they use a decimal point (``85.5``), ``1.250`` → 1.25 and ``1,250`` → 1250; when
  the file shows neither (or both), the cell is quarantined as ambiguous.

Dates
-----
``YYYY-MM-DD`` (also with ``/`` or ``.``, and with a time), ``DD/MM/YYYY`` (also
with ``-`` or ``.``; day first, as written in Indonesia) and ``12 Maret 1987``
(Indonesian or English month names, full or abbreviated). Spreadsheet date cells
are taken as they are.

Periods
-------
A quarter in any usual spelling: ``2025Q3``, ``2025-Q3``, ``2025 q3``, ``Q3 2025``,
``2025/Q3``, ``TW3 2025``, ``Triwulan III 2025`` → ``"2025Q3"``.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from .._values import recode
from ..tables import CODES, LABEL_CODES, normalise_label

# --------------------------------------------------------------------------------------
# raw cells → text
# --------------------------------------------------------------------------------------


def format_cell(value: object) -> str:
    """A raw cell as the text a clerk would see (``""`` for an empty cell).

    Whole floats print without ``.0`` (``85.0`` → ``"85"``) below 10**15; larger floats
    keep Python's notation (``1.98703122010121e+17``), which is how a NIP that a
    spreadsheet stored as a number shows up.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\u00a0", " ").strip()
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if value is pd.NaT:
        return ""
    if isinstance(value, _dt.datetime | pd.Timestamp):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _all_text(s: pd.Series) -> bool:
    """True when every non-missing cell of ``s`` is a ``str``."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def cell_text(s: pd.Series, text_only: bool) -> pd.Series:
    """Cells as stripped text, ``""`` for empty cells (``str`` dtype, same index).

    ``text_only`` cells (a CSV file's, see :func:`evalkit.io.read.read_source`) are
    stripped already and returned as they are.
    """
    if text_only:
        return s
    if isinstance(s.dtype, pd.CategoricalDtype):
        # a large Parquet file's text: each distinct value once, the cells stay codes
        # (the cells come back categorical, as a large CSV file's do)
        values = pd.Series(np.asarray(s.cat.categories, dtype=object), dtype=object)
        text = recode(s, pd.Index(cell_text(values, False), dtype="str"))
        if not text.isna().any():
            return text
        if "" not in text.cat.categories:  # missing cells read as ""
            text = text.cat.add_categories("")
        return text.fillna("")
    if _all_text(s):
        s = s.fillna("")
        t = s.astype("str")
        return t.str.replace("\u00a0", " ", regex=False).str.strip().fillna("")
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("str").where(s.notna(), "").astype("str")
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("string").fillna("").astype("str")
    return s.map(format_cell).astype("str")


def _native_mask(s: pd.Series, text_only: bool, kinds: tuple[type, ...]) -> pd.Series | None:
    """Where ``s`` holds a native (non-text) cell of one of ``kinds``; None when no
    cell can be native (a CSV column)."""
    if text_only or _all_text(s):
        return None
    if s.dtype != object:
        return pd.Series(s.notna().to_numpy(), index=s.index)
    return s.map(lambda v: isinstance(v, kinds) and not isinstance(v, bool | np.bool_)).astype(bool)


def _reasons(index: pd.Index) -> pd.Series:
    return pd.Series(None, index=index, dtype=object)


# --------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------

_SIGN = r"[+-]?"
# classes of number shapes; the order matters only for documentation
_NUMBER_CLASSES: tuple[tuple[str, str], ...] = (
    ("plain", rf"{_SIGN}\d+"),
    ("group3_dot", rf"{_SIGN}\d{{1,3}}\.\d{{3}}"),
    ("group3_comma", rf"{_SIGN}\d{{1,3}},\d{{3}}"),
    ("dot_decimal", rf"{_SIGN}\d*\.\d+"),
    ("comma_decimal", rf"{_SIGN}\d*,\d+"),
    ("dot_thousands", rf"{_SIGN}\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?"),
    ("comma_thousands", rf"{_SIGN}\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?"),
    ("scientific", rf"{_SIGN}\d+(?:\.\d+)?[eE][+-]?\d+"),
)
_DOT_IS_DECIMAL = ("dot_decimal", "comma_thousands", "scientific")
_COMMA_IS_DECIMAL = ("comma_decimal", "dot_thousands")

REASON_NOT_A_NUMBER = "not a number (expected digits, e.g. 85 or 85,5)"
REASON_AMBIGUOUS = (
    "ambiguous number: the separator may mark thousands or decimals and the file's other "
    "numbers do not tell which; write it without a thousands separator (1250) or with the "
    "decimal mark used elsewhere in the file"
)
REASON_NOT_WHOLE = "not a whole number (this column holds whole numbers)"
REASON_TOO_LARGE = "number too large for this column"


def classify_numbers(text: pd.Series) -> pd.Series:
    """The shape of each number cell: one of the names in ``_NUMBER_CLASSES``,
    ``"blank"`` or ``"invalid"`` (same index as ``text``)."""
    compact = text.str.replace(r"[\s\u00a0']", "", regex=True)
    out = pd.Series("invalid", index=text.index, dtype=object)
    out[compact.eq("").to_numpy()] = "blank"
    plain = compact.str.fullmatch(_NUMBER_CLASSES[0][1]).fillna(False).to_numpy(dtype=bool)
    out[plain] = "plain"
    todo = (out == "invalid").to_numpy()
    if todo.any():
        rest = compact[todo]
        cls = pd.Series("invalid", index=rest.index, dtype=object)
        for name, pattern in reversed(_NUMBER_CLASSES[1:]):
            hit = rest.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
            cls[hit] = name
        out[todo] = cls.to_numpy()
    return out


def decimal_mark(classes: list[pd.Series]) -> str | None:
    """The decimal mark a file uses, from the shapes of its number cells.

    ``","`` when some cell can only be read with a decimal comma and none only with a
    decimal point, ``"."`` for the converse, ``None`` when no cell tells or cells
    disagree.
    """
    comma = any(c.isin(_COMMA_IS_DECIMAL).any() for c in classes)
    dot = any(c.isin(_DOT_IS_DECIMAL).any() for c in classes)
    if comma and not dot:
        return ","
    if dot and not comma:
        return "."
    return None


def parse_numbers(
    text: pd.Series, classes: pd.Series, kind: str, decimal: str | None
) -> tuple[pd.Series, pd.Series]:
    """Numbers from text cells of known shapes (see :func:`classify_numbers`).

    Parameters
    ----------
    text
        Cleaned cell text.
    classes
        The shape of each cell.
    kind
        ``"int"`` or ``"float"``: the column's type (decides the ambiguous shape).
    decimal
        The file's decimal mark (:func:`decimal_mark`).

    Returns
    -------
    values, reasons
        ``float64`` values (NaN for empty or invalid cells) and the reasons.
    """
    compact = text.str.replace(r"[\s\u00a0']", "", regex=True)
    values = pd.Series(np.nan, index=text.index, dtype="float64")
    reasons = _reasons(text.index)
    cls = classes.to_numpy()

    def convert(mask: np.ndarray, comma_decimal: bool) -> None:
        if not mask.any():
            return
        part = compact[mask]
        if comma_decimal:
            part = part.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            part = part.str.replace(",", "", regex=False)
        values[mask] = pd.to_numeric(part, errors="coerce").to_numpy(dtype="float64")

    convert(cls == "plain", comma_decimal=False)
    convert(np.isin(cls, _DOT_IS_DECIMAL), comma_decimal=False)
    convert(np.isin(cls, _COMMA_IS_DECIMAL), comma_decimal=True)
    g_dot, g_comma = cls == "group3_dot", cls == "group3_comma"
    if kind == "int":
        convert(g_dot, comma_decimal=True)  # the dot separates thousands
        convert(g_comma, comma_decimal=False)  # the comma separates thousands
    elif decimal == ",":
        convert(g_dot, comma_decimal=True)
        convert(g_comma, comma_decimal=True)
    elif decimal == ".":
        convert(g_dot, comma_decimal=False)
        convert(g_comma, comma_decimal=False)
    else:
        reasons[g_dot | g_comma] = REASON_AMBIGUOUS
    reasons[cls == "invalid"] = REASON_NOT_A_NUMBER
    # a shape that converts to nothing (e.g. 1e400 on some pandas versions) is no number
    lost = ~np.isin(cls, ("blank", "native")) & values.isna().to_numpy() & reasons.isna().to_numpy()
    reasons[lost] = REASON_NOT_A_NUMBER
    values[reasons.notna().to_numpy()] = np.nan
    return values, reasons


def finish_numbers(values: pd.Series, reasons: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Reject non-finite numbers, and in whole-number columns fractions and numbers
    too large to hold exactly (beyond 2**53)."""
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    filled = ~np.isnan(v)
    reasons = reasons.copy()
    reasons[filled & ~np.isfinite(v)] = REASON_NOT_A_NUMBER
    if kind == "int":
        finite = filled & np.isfinite(v)
        reasons[finite & (np.abs(np.where(finite, v, 0)) > 2.0**53)] = REASON_TOO_LARGE
        reasons[finite & (np.mod(np.where(finite, v, 0), 1) != 0)] = REASON_NOT_WHOLE
    values = values.astype("float64").copy()
    values[reasons.notna().to_numpy()] = np.nan
    return values, reasons


def native_numbers(s: pd.Series, text_only: bool) -> tuple[pd.Series | None, pd.Series]:
    """Cells that are numbers already (spreadsheet or Parquet number cells), as float64,
    and the mask of those cells; ``(None, all False)`` for a text column."""
    mask = _native_mask(s, text_only, (int, float, np.integer, np.floating))
    if mask is None or not mask.any():
        return None, pd.Series(False, index=s.index)
    if s.dtype != object and not pd.api.types.is_numeric_dtype(s.dtype):
        return None, pd.Series(False, index=s.index)
    values = pd.to_numeric(s.where(mask), errors="coerce").astype("float64")
    return values, mask & values.notna()


# --------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "february", "pebruari"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d*)?)?)?"
_YMD = re.compile(rf"(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}")
_DMY = re.compile(rf"(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}){_TIME}")
_NAMED = re.compile(r"(?P<d>\d{1,2})[\s-]+(?P<m>[A-Za-z]+)\.?[\s,-]+(?P<y>\d{4})")

REASON_NOT_A_DATE = "not a date (expected YYYY-MM-DD or DD/MM/YYYY, day first)"
REASON_NUMBER_NOT_DATE = "a number, not a date: format the cells as dates, or write YYYY-MM-DD"


def parse_dates(s: pd.Series, text_only: bool) -> tuple[pd.Series, pd.Series]:
    """Dates (``datetime64[ns]``, NaT where empty or invalid) and reasons."""
    reasons = _reasons(s.index)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        return values.astype("datetime64[ns]").dt.normalize(), reasons
    values = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    native = _native_mask(s, text_only, (_dt.date, pd.Timestamp))
    if native is not None and native.any():
        values[native.to_numpy()] = pd.to_datetime(s[native].map(pd.Timestamp).tolist()).normalize()
    text = cell_text(s, text_only)
    todo = text.ne("").to_numpy().copy()
    if native is not None:
        todo = todo & ~native.to_numpy()
    if not todo.any():
        return values, reasons
    # the usual spelling first, in one call; the other spellings on what is left
    iso = pd.to_datetime(text[todo], format="%Y-%m-%d", errors="coerce")
    iso_ok = iso.notna().to_numpy()
    if iso_ok.any():
        todo_idx = np.flatnonzero(todo)
        values.iloc[todo_idx[iso_ok]] = iso[iso_ok].to_numpy()
        todo[todo_idx[iso_ok]] = False
        if not todo.any():
            return values, reasons
    t = text[todo]
    y = pd.Series(np.nan, index=t.index)
    m, d = y.copy(), y.copy()
    for rx in (_YMD, _DMY):
        parts = t.str.extract(f"^{rx.pattern}$")
        hit = parts["y"].notna().to_numpy() & y.isna().to_numpy()
        y[hit] = parts["y"][hit].astype(float)
        m[hit] = parts["m"][hit].astype(float)
        d[hit] = parts["d"][hit].astype(float)
    parts = t.str.extract(f"^{_NAMED.pattern}$")
    hit = parts["y"].notna().to_numpy() & y.isna().to_numpy()
    if hit.any():
        month = parts["m"][hit].str.lower().map(_MONTHS)
        y[hit] = parts["y"][hit].astype(float)
        m[hit] = month.astype(float)
        d[hit] = parts["d"][hit].astype(float)
    ok = y.notna() & m.notna() & d.notna()
    parsed = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    if ok.any():
        frame = pd.DataFrame({"year": y[ok], "month": m[ok], "day": d[ok]}).astype("int64")
        parsed[ok.to_numpy()] = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
    values[todo] = parsed.to_numpy()
    bad = parsed.isna().to_numpy()
    numeric = t.str.fullmatch(r"\d+(?:[.,]\d+)?").fillna(False).to_numpy(dtype=bool)
    todo_idx = np.flatnonzero(todo)
    reasons.iloc[todo_idx[bad & ~numeric]] = REASON_NOT_A_DATE
    reasons.iloc[todo_idx[bad & numeric]] = REASON_NUMBER_NOT_DATE
    return values, reasons


# --------------------------------------------------------------------------------------
# periods
# --------------------------------------------------------------------------------------

_Q = r"(?:Q|TW|TRIWULAN|KUARTAL|QUARTER|KW)"
_QNUM = r"(\d+|IV|I{1,3}|V)"
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
_PERIOD_YQ = rf"^(\d{{4}})\s*[-/_.,]?\s*{_Q}\s*[-_.]?\s*{_QNUM}$"
_PERIOD_QY = rf"^{_Q}\s*[-_.]?\s*{_QNUM}\s*[-/_.,]?\s*(\d{{4}})$"
YEARS = (1950, 2100)

REASON_PERIOD = "not a period (expected a year and quarter, e.g. 2025Q3)"
REASON_PERIOD_YEAR = "a year, not a quarter: each row belongs to one quarter, e.g. 2025Q3"


def parse_periods(s: pd.Series, text_only: bool) -> tuple[pd.Series, pd.Series]:
    """Periods as ``"YYYYQn"`` strings and reasons (quarters 1–4 only)."""
    text = cell_text(s, text_only)
    values = pd.Series(None, index=s.index, dtype=object)
    reasons = _reasons(s.index)
    todo = text.ne("").to_numpy()
    if not todo.any():
        return values, reasons
    t = text[todo].str.upper().str.replace(r"\s+", " ", regex=True)
    a = t.str.extract(_PERIOD_YQ)
    b = t.str.extract(_PERIOD_QY)
    year = pd.Series(np.where(a[0].notna(), a[0], b[1]), index=t.index, dtype=object)
    quarter = pd.Series(np.where(a[1].notna(), a[1], b[0]), index=t.index, dtype=object)
    quarter = quarter.map(lambda q: _ROMAN.get(q, q))  # runs on distinct periods (few)
    found = year.notna().to_numpy()
    qnum = pd.to_numeric(quarter, errors="coerce")
    ynum = pd.to_numeric(year, errors="coerce")
    good_q = qnum.between(1, 4).to_numpy()
    good_y = ynum.between(*YEARS).to_numpy()
    canonical = year.astype("str") + "Q" + qnum.fillna(0).astype("int64").astype("str")
    r = pd.Series(None, index=t.index, dtype=object)
    r[~found] = REASON_PERIOD
    is_year = t.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    r[~found & is_year] = REASON_PERIOD_YEAR
    bad_q = found & ~good_q
    if bad_q.any():
        r[bad_q] = [
            f"quarter {q} does not exist: a year has quarters 1 to 4 (e.g. 2025Q3)"
            for q in quarter[bad_q]
        ]
    bad_y = found & good_q & ~good_y
    r[bad_y] = f"year outside {YEARS[0]} to {YEARS[1]}: check the period"
    ok = found & good_q & good_y
    v = pd.Series(None, index=t.index, dtype=object)
    v[ok] = canonical[ok].to_numpy()
    values[todo] = v.to_numpy()
    reasons[todo] = r.to_numpy()
    return values, reasons


def period_quarters(period: str) -> list[str]:
    """The quarters a period selection covers: ``"2025"`` → its four quarters,
    ``"2025Q3"`` (any spelling :func:`parse_periods` accepts) → ``["2025Q3"]``.

    Raises
    ------
    ValueError
        When ``period`` is neither a year nor a quarter.
    """
    text = str(period).strip()
    if re.fullmatch(r"\d{4}", text):
        return [f"{text}Q{q}" for q in range(1, 5)]
    values, reasons = parse_periods(pd.Series([text]), text_only=True)
    if pd.isna(values.iloc[0]):
        raise ValueError(
            f"period {period!r}: expected a quarter (2025Q3) or a year (2025); {reasons.iloc[0]}"
        )
    return [values.iloc[0]]


# --------------------------------------------------------------------------------------
# categories and strings
# --------------------------------------------------------------------------------------


def parse_categories(s: pd.Series, text_only: bool, codes: str) -> tuple[pd.Series, pd.Series]:
    """Canonical codes of ``CODES[codes]`` from labels in any usual spelling
    (:data:`evalkit.tables.LABEL_CODES`), and reasons for unknown labels."""
    text = cell_text(s, text_only)
    uniques = pd.unique(text)
    lookup = LABEL_CODES[codes]
    mapping = {u: lookup.get(normalise_label(u)) for u in uniques if u != ""}
    values = text.map(mapping).astype(object)
    values = values.where(values.notna(), None)
    reasons = _reasons(s.index)
    unknown = text.ne("").to_numpy() & values.isna().to_numpy()
    allowed = ", ".join(CODES[codes])
    reasons[unknown] = f"unknown label; expected one of: {allowed}"
    return values, reasons


def parse_strings(s: pd.Series, text_only: bool) -> tuple[pd.Series, pd.Series]:
    """Stripped text, ``None`` for empty cells; never a reason."""
    text = cell_text(s, text_only)
    return text.where(text.ne("")), _reasons(s.index)


# --------------------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------------------

REASON_NIP_SPREADSHEET = (
    "NIP was stored as a number by a spreadsheet and lost its last digits; re-export the "
    "column as text (format the cells as Text before typing/pasting)"
)
REASON_NIP_LAMA = "a 9-digit NIP lama (old NIP); use the 18-digit NIP"


def parse_nips(s: pd.Series, text_only: bool) -> tuple[pd.Series, pd.Series]:
    """18-digit NIP strings, and reasons for cells that are not a usable NIP.

    Spaces, dots between digit groups and a leading apostrophe (Excel's text marker)
    are removed. A NIP in scientific notation, a NIP cell that a spreadsheet stored as
    a number (a float), one with fewer than 18 digits, or one whose serial (digits
    16–18) is ``000`` (digits replaced by zeros) is reported with
    :data:`REASON_NIP_SPREADSHEET`. The layout against the employee's other
    columns is checked by :func:`nip_consistency`.
    """
    text = cell_text(s, text_only)
    compact = text.str.replace(r"[\s'`\u2019.\-]", "", regex=True).str.replace(
        r"^\"|\"$", "", regex=True
    )
    values = pd.Series(None, index=s.index, dtype=object)
    reasons = _reasons(s.index)
    nonblank = compact.ne("").to_numpy()
    sci = text.str.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+").fillna(False).to_numpy(dtype=bool)
    digits = compact.str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
    length = compact.str.len().fillna(0).to_numpy()
    float_cell = np.zeros(len(s), dtype=bool)
    if not text_only:
        if s.dtype == object:
            float_cell = s.map(lambda v: isinstance(v, float | np.floating)).to_numpy(dtype=bool)
        elif pd.api.types.is_float_dtype(s.dtype):
            float_cell = s.notna().to_numpy()
        float_cell = float_cell & nonblank
    ok = digits & (length == 18)
    zero_serial = ok & compact.str.endswith("000").fillna(False).to_numpy(dtype=bool)
    short = digits & (length < 18) & (length != 9)
    reasons[nonblank & ~digits] = "not a NIP: a NIP has 18 digits and nothing else"
    reasons[digits & (length > 18)] = "too many digits: a NIP has 18 digits"
    reasons[digits & (length == 9)] = REASON_NIP_LAMA
    reasons[short | sci | zero_serial | float_cell] = REASON_NIP_SPREADSHEET
    good = ok & ~zero_serial & ~float_cell
    values[good] = compact[good].to_numpy()
    return values, reasons


def nip_consistency(frame: pd.DataFrame) -> pd.Series:
    """Reasons why a row's NIP does not fit its employee's other columns (``None`` = fits).

    ``frame`` holds the parsed ``nip``, ``birth_date``, ``start_date``, ``gender`` and
    ``employment`` columns; rows with any of them missing are not judged here.
    Layouts (reference/regulations.md §5):

    * PNS: digits 1–8 birth date (YYYYMMDD), 9–14 TMT CPNS (YYYYMM) = ``start_date``'s
      year and month, 15 sex (1 = l, 2 = p), 16–18 serial;
    * PPPK: digits 1–8 birth date, 9–12 TMT year = ``start_date``'s year, 13 the
      PPPK marker ``2``, 14 intake round, 15 sex, 16–18 serial.

    Digit 13 tells the layouts apart (a PNS TMT month starts with 0 or 1).
    """
    reasons = _reasons(frame.index)
    judged = frame[["nip", "birth_date", "start_date", "gender", "employment"]].notna().all(axis=1)
    if not judged.any():
        return reasons
    f = frame[judged]
    nip = f["nip"].astype("str")
    birth = f["birth_date"].dt.strftime("%Y%m%d")
    start_ym = f["start_date"].dt.strftime("%Y%m")
    start_y = f["start_date"].dt.strftime("%Y")
    pppk = f["employment"].eq("pppk").to_numpy()
    d13 = nip.str[12]
    sex = nip.str[14]
    expected_sex = f["gender"].map({"l": "1", "p": "2"})
    r = pd.Series(None, index=f.index, dtype=object)

    def flag(mask, reason) -> None:
        m = np.asarray(mask, dtype=bool) & r.isna().to_numpy()
        if m.any():
            r[m] = reason

    flag(
        ~pppk & d13.eq("2").to_numpy(),
        "NIP has the PPPK layout (digit 13 is 2) but employment is pns; correct one of them",
    )
    flag(
        pppk & d13.ne("2").to_numpy(),
        "NIP has the PNS layout (digit 13 is not 2) but employment is pppk; correct one of them",
    )
    flag(~sex.isin(["1", "2"]).to_numpy(), "NIP digit 15 (sex) must be 1 (male) or 2 (female)")
    flag(
        nip.str[:8].ne(birth).to_numpy(),
        "NIP digits 1-8 (birth date YYYYMMDD) differ from birth_date; correct whichever is wrong",
    )
    flag(
        ~pppk & nip.str[8:14].ne(start_ym).to_numpy(),
        "NIP digits 9-14 (TMT CPNS YYYYMM) differ from start_date's year and month; "
        "correct whichever is wrong",
    )
    flag(
        pppk & nip.str[8:12].ne(start_y).to_numpy(),
        "NIP digits 9-12 (TMT PPPK year) differ from start_date's year; correct whichever is wrong",
    )
    flag(
        sex.ne(expected_sex).to_numpy(),
        "NIP digit 15 (sex: 1 male, 2 female) differs from gender; correct whichever is wrong",
    )
    reasons[judged.to_numpy()] = r.to_numpy()
    return reasons
