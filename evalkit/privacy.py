"""Privacy by default: pseudonyms, small-cell suppression and scans of outputs.

The shared outputs of a period study (``study.html``, ``study.ipynb``, ``tables.xlsx``,
``results.json``, ``manifest.json``, ``quarantine.csv``) carry no name, NIP or
employee_id, and no figure built from fewer than ``min_cell`` respondents or ratees.
Employee-level follow-up lists go only to ``restricted/``, with ids replaced by keyed
pseudonyms. UU 27/2022 (Pelindungan Data Pribadi) makes scoring of people high-risk
processing, and UU 14/2008 (KIP) Pasal 17(h) exempts individual evaluation results
from disclosure (``reference/regulations.md`` §7); this module is the technical side of
that: publish aggregates only.

Four tools:

:func:`pseudonymise`
    HMAC-SHA256 pseudonyms of ids under a secret key (:func:`pseudonym_key`).
:func:`suppress_small_cells`
    Mask values built from fewer than ``min_cell`` units of observation, plus a
    complementary cell where a single masked cell could be recovered from a total.
:func:`scan_for_identifiers`
    Find every name, NIP and employee_id of a study in files or texts; the period
    study refuses to publish when a shared output has a hit.
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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .io import Study

__all__ = [
    "FORMULA_PREFIXES",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PERSONAL_COLUMNS",
    "default_key_file",
    "literal_text",
    "literal_workbook",
    "pseudonym_key",
    "pseudonymise",
    "redact_quarantine",
    "safe_frame_for_csv",
    "scan_for_identifiers",
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


def literal_text(value: Any) -> Any:
    """A text value as a spreadsheet must show it: literally, never run as a formula.

    Text that starts with one of :data:`FORMULA_PREFIXES` gets a leading single quote,
    as the OWASP guidance on CSV injection asks: Excel and LibreOffice then show it as
    text (``=HYPERLINK("http://x","y")`` stays that string; ``=cmd|' /C calc'!A0`` runs
    nothing). Everything else is returned unchanged: numbers stay numbers (``-3.5`` is a
    number, not text), and so do missing values, dates and booleans.

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
    >>> literal_text(-3.5), literal_text("-"), literal_text("Dinas Sosial")
    (-3.5, "'-", 'Dinas Sosial')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
                if cell.data_type == "f" or (
                    isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
                ):
                    if not isinstance(value, str):  # an ArrayFormula or DataTableFormula
                        value = str(getattr(value, "text", value))
                    cell.value = value  # openpyxl infers "f" for "=…" ...
                    cell.data_type = "s"  # ... and is told otherwise
                    cell.quotePrefix = True
                    changed += 1
    return changed


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
# scanning outputs for identifiers
# ----------------------------------------------------------------------------------------
_TITLE_TOKENS = frozenset({"dr", "drs", "dra", "ir", "h", "hj", "prof", "ns", "apt", "bd"})
_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d)+")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{64,}={0,2}")
_DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s]*")
_TEXT_SUFFIXES = {".html", ".htm", ".json", ".csv", ".txt", ".md", ".ipynb", ".svg", ".xml"}
_BINARY_SKIP = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".parquet", ".pkl"}


def _name_words(name: str) -> tuple[str, ...]:
    """Core words of a person's name: academic degrees after a comma and leading
    titles (Dr., H., Hj., Ir., …) are dropped, so ``"Dr. Siti Aminah, S.Pd."``
    scans as ``("siti", "aminah")``."""
    core = name.split(",")[0]
    words = [w.lower() for w in _WORD.findall(core)]
    while len(words) > 1 and words[0] in _TITLE_TOKENS:
        words.pop(0)
    return tuple(words)


def _public_words(study: Study) -> set[str]:
    """Words that are public in any case: unit, indicator and service names and the
    label catalogues. A one-word person name that is also such a word (``Sari`` in
    ``Desa Gunung Sari``) cannot be told apart from it and is not scanned for."""
    from .labels import LANGUAGES, catalogue

    words: set[str] = set()
    texts: list[str] = []
    for table, column in (("units", "name"), ("indicators", "name"), ("citizen", "service")):
        frame = getattr(study, table, None)
        if frame is not None and column in frame.columns:
            texts.extend(frame[column].dropna().astype(str).unique().tolist())
    for language in LANGUAGES:
        texts.extend(catalogue(language).values())
    for text in texts:
        words.update(w.lower() for w in _WORD.findall(text))
    return words


class _Identifiers:
    """The identifiers of a study, indexed for a one-pass scan of a text."""

    def __init__(self, study: Study):
        emp = study.employees
        ids: set[str] = set()
        for table, columns in (
            ("employees", ("employee_id", "supervisor_id")),
            ("behaviour", ("employee_id", "rater_id")),
            ("citizen", ("employee_id",)),
            ("results", ("employee_id",)),
            ("training", ("employee_id",)),
        ):
            frame = getattr(study, table, None)
            if frame is None:
                continue
            for c in columns:
                if c in frame.columns:
                    ids.update(frame[c].dropna().astype(str).str.strip().unique().tolist())
        ids.discard("")
        # a short all-digit id ("42") is indistinguishable from any count in a report
        self.unscannable_ids = sorted(i for i in ids if i.isdigit() and len(i) < 6)
        self.ids = {i for i in ids if not (i.isdigit() and len(i) < 6)}
        self.ids_lower = {i.lower(): i for i in self.ids}
        nips = emp["nip"].dropna().astype(str) if "nip" in emp.columns else pd.Series([])
        self.nips = {n.strip() for n in nips if n.strip()}
        self.nip_lengths = sorted({len(n) for n in self.nips})
        public = _public_words(study)
        self.names: dict[str, list[tuple[str, ...]]] = {}
        self.skipped_names: list[str] = []
        names = emp["name"].dropna().astype(str) if "name" in emp.columns else pd.Series([])
        for name in names.unique().tolist():
            words = _name_words(name)
            if not words:
                continue
            if len(words) == 1 and words[0] in public:
                self.skipped_names.append(name)
                continue
            self.names.setdefault(words[0], []).append(words)

    def find(self, text: str) -> list[tuple[str, str]]:
        """``(kind, identifier)`` for every occurrence in ``text``."""
        hits: list[tuple[str, str]] = []
        # NIPs: runs of digits, possibly grouped by spaces, dots or hyphens
        for m in _DIGIT_RUN.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            for length in self.nip_lengths:
                for i in range(len(digits) - length + 1):
                    if digits[i : i + length] in self.nips:
                        hits.append(("nip", digits[i : i + length]))
        # employee ids: whole tokens, case-insensitive
        if self.ids:
            for m in _TOKEN.finditer(text):
                token = m.group()
                found = self.ids_lower.get(token.lower())
                if found is not None:
                    hits.append(("employee_id", found))
        # names: word sequences, case-insensitive
        if self.names:
            words = [w.lower() for w in _WORD.findall(text)]
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


def _file_text(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            parts: list[str] = []
            for ws in wb.worksheets:
                parts.append(ws.title)
                for row in ws.iter_rows(values_only=True):
                    parts.extend(str(v) for v in row if v is not None)
            props = wb.properties
            parts.extend(str(v) for v in (props.creator, props.title, props.subject) if v)
        finally:
            wb.close()
        return "\n".join(parts)
    if suffix in _BINARY_SKIP:
        return None
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if suffix in (".html", ".htm", ".svg", ".xml"):
        text = html.unescape(text)
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
        cell by cell (with sheet names and document properties). Embedded images
        (data URIs and base64 blocks) are removed before scanning; PNG, PDF and
        Parquet files are skipped and listed in ``result.attrs["skipped"]``.
    study : Study
        The identifiers: every ``employee_id`` (also as ``rater_id``,
        ``supervisor_id``, in any table), ``nip`` and ``name`` of the study.

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
    Matching: NIPs anywhere in a run of digits (also written in groups,
    ``19850312 201001 1 003``); employee ids as whole tokens, ignoring case; names as
    whole-word sequences ignoring case, without leading titles and degrees after a
    comma.

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


def redact_quarantine(quarantine: pd.DataFrame, study: Study) -> pd.DataFrame:
    """The quarantine table fit for a shared folder.

    ``file, line, column`` are kept (enough for a clerk to find and fix the row);
    ``value`` is replaced by ``"[restricted]"`` where the column identifies a person
    (:data:`PERSONAL_COLUMNS`) or the value contains a name, NIP or id of the study, and
    so is a ``reason`` that quotes one. The unredacted table goes to
    ``restricted/quarantine.csv``.

    Parameters
    ----------
    quarantine : DataFrame
        ``file, line, column, value, reason`` as :func:`evalkit.io.load_study` made it.
    study : Study
        Whose identifiers to look for.

    Returns
    -------
    DataFrame
        A copy with ``value`` redacted where needed.
    """
    out = quarantine.copy()
    if "value" not in out.columns or out.empty:
        return out
    index = _Identifiers(study)
    values = out["value"].astype(object)
    column = out["column"].astype(str) if "column" in out.columns else pd.Series("", out.index)
    # quarantine columns may be "nip" or a list such as "employee_id, rater_id"
    personal = column.map(
        lambda c: any(part.strip() in PERSONAL_COLUMNS for part in str(c).split(","))
    )

    def found(v: Any) -> bool:
        return v is not None and v == v and bool(index.find(str(v)))

    redact = personal | values.map(found)
    out["value"] = values.where(~redact, REDACTED)
    if "reason" in out.columns:
        reasons = out["reason"].astype(object)
        out["reason"] = reasons.where(~reasons.map(found), REDACTED)
    return out
