"""Load a study folder (CSV, XLSX, Parquet) into a validated :class:`Study`.

A study folder holds one file per table of :data:`evalkit.tables.TABLES`, named after
it (``employees.csv``, ``employees.xlsx`` or ``employees.parquet``); one ``.xlsx``
workbook with a sheet per table (sheet names = table names) also works, as a file in
the folder or passed itself as ``path``. Tables marked ``optional`` in the data model
(``training``) may be absent (an empty table, noted in the summary); every other
table is required.

What loading does, and what it promises:

* every input row ends either in the study or in ``study.quarantine`` (``file, line,
  column, value, reason``; ``line`` as a spreadsheet shows it: header = 1, first data
  row = 2), and ``study.summary`` counts per file: ``rows_read == rows_kept +
  rows_quarantined``. Entirely empty rows are not data rows: they are skipped and
  counted in the summary's notes. A row with several bad cells has one quarantine
  record per bad cell;
* messy exports are read as they are: UTF-8 with or without BOM, UTF-16 with or
  without BOM, cp1252/Latin-1, and a UTF-8 file with a few cp1252 lines (each line
  decoded on its own and noted, never garbled);
  ``,`` ``;`` tab or ``|`` separated; decimal commas and thousands separators where
  unambiguous (rules in :mod:`evalkit.io.parse`); stray spaces; category labels in any
  usual spelling (:data:`evalkit.tables.LABEL_CODES`); periods such as ``2025 Q3`` or
  ``Q3 2025``;
* what cannot be used unambiguously is quarantined with a reason a clerk can act on
  (the order of checks and the rules for duplicates and references are in
  :mod:`evalkit.io.validate`);
* a missing required file or column, or an ambiguous file, makes the input unusable:
  :class:`InputError` names every such file and column at once.

Headers are normalised (stripped, lower case, spaces and hyphens to underscores, a
BOM removed); columns not in the data model are dropped and named once in the
summary's notes. Between reading and parsing, the mapping step (:mod:`evalkit.mapping`)
names columns by the usual Indonesian headers ("NIP", "Tanggal Lahir", "Rating Hasil
Kerja" …), turns SKM answer texts into 1–4, and applies the folder's ``evalkit.toml``
(files and sheets, headers, spellings, date formats, constant and derived columns);
files and sheets may also carry a table's Indonesian name (``pegawai.csv``).

Decisions, in one place
-----------------------
Numbers
    A value is read the only way its shape allows. ``1.250`` / ``1,250`` (one
    separator, three digits) is a thousands separator in whole-number columns; in
    decimal columns the file's other numbers decide (decimal commas elsewhere →
    ``1.250`` = 1250), and when they do not, the cell is quarantined as ambiguous.
    ``4.0`` in a whole-number column is 4; ``4.5`` is quarantined.
NIP
    Spaces, dots, dashes and Excel's leading apostrophe are removed. Quarantined: not
    18 digits, scientific notation, a number cell, a serial ``000`` (all "stored as a
    number by a spreadsheet … re-export the column as text"), a 9-digit NIP lama, and a
    NIP that contradicts ``birth_date``, ``start_date`` (PNS: year and month; PPPK:
    year), ``gender`` or ``employment`` (digit 13 is 2 only in the PPPK layout). Two
    employees with one NIP are both quarantined.
Duplicates
    An exact duplicate (same values in every model column, after parsing) is kept once;
    later copies are quarantined as "exact duplicate of line N". Rows that share a key
    but differ elsewhere are all quarantined, each naming the other lines: nothing
    tells which one is right, and the clerk keeps the correct one.
Rows that do not fit the header
    Every record's cell count is checked against the header before any cell is read
    (:mod:`evalkit.io.text`): a row with more cells (an unquoted separator), fewer
    cells (a lost separator, a cut line) or a quote that opens and never closes on its
    line is quarantined with that cause and the line where it starts; the rows a stray
    quote would have swallowed are read as rows. Control characters (NUL …) are
    removed and noted. A workbook formula without a saved value is quarantined ("open
    the file in Excel and save it").
Optional cells of parent rows
    In units, employees and indicators (the tables other rows refer to) an unusable
    *optional* cell (a negative ``service_population``, an unknown ``direction``) is
    left empty, noted in the summary and listed in ``Study.repairs``; the row is kept,
    so that its dependents are not quarantined with it.
Mangled identifiers
    When most of a file's NIPs or ids were turned into numbers by a spreadsheet
    (``1.97E+17``), loading stops with one :class:`InputError` that says how to
    re-export, instead of quarantining most of the data row by row.
Messages
    Reasons, notes and errors are English texts of the templates ``io.*`` in
    ``evalkit/labels/en.json``; the template key is the reason's stable code
    (:func:`evalkit.io.messages.reason_code`) and ``id.json`` has its Indonesian
    version (``evalkit validate --language``, default ``id``).
References
    Parents are validated before children. A required reference must name a kept row;
    when the parent row is quarantined the child is too ("… quarantined in
    employees.csv (line N); fix that row first"). An optional reference
    (``supervisor_id``, ``parent_unit_id``, ``indicators.unit_id``,
    ``citizen.employee_id``) never quarantines its row (that would take every dependent
    row along: a supervisor's bad NIP must not remove their staff); a filled one that
    names no row of the parent file is listed with its lines in the summary's notes.
Periods
    Quarters only (``2025Q3`` in any usual spelling); a bare year or quarter 0 or 5 is
    quarantined. ``period=`` then selects a quarter or a year's four quarters.
Lines
    As a spreadsheet shows them: header 1, first data row 2, a quoted line break stays
    in its row, blank rows count (they are skipped, not data), Excel's hidden
    ``sep=;`` first line does not count. Parquet rows are numbered as if opened in a
    spreadsheet (row position + 2). A workbook sheet's ``file`` is ``book.xlsx:sheet``.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..labels import Labels
from ..tables import TABLES, empty_frame
from .messages import reason_code, translate, translate_message, translate_notes
from .parse import period_quarters
from .read import InputError, find_sources, read_source
from .validate import (
    QUARANTINE_COLUMNS,
    Checked,
    empty_quarantine,
    map_columns,
    validate_table,
)

if TYPE_CHECKING:
    from ..mapping import Mapping


#: Columns of :attr:`Study.summary`.
SUMMARY_COLUMNS = ("file", "table", "rows_read", "rows_kept", "rows_quarantined", "notes")


@dataclass
class Study:
    """The tables of one study, typed as :data:`evalkit.tables.PANDAS_DTYPES` says.

    Attributes
    ----------
    units, employees, indicators, results, behaviour, citizen, training, org_rating, \
complaints, teaching
        One DataFrame per table of the data model (``evalkit.tables.TABLES``).
    quarantine
        Rows that could not be used: ``file, line, column, value, reason`` (one record
        per problem; ``line`` as a spreadsheet shows it, header = 1).
    repairs
        Cells of *kept* rows that were unusable and left empty (an optional cell of a
        unit, employee or indicator, so that the row and its dependents stay), in the
        quarantine's columns; counted in the summary's notes.
    summary
        Per file: ``file, table, rows_read, rows_kept, rows_quarantined, notes``.
    period
        The selected period (``None`` = all).
    source
        Where the tables came from (a folder, or ``"simulate"``).
    files
        Paths of the input files that were read.
    mapping
        The folder's mapping file (``evalkit.toml``) when one was applied, else ``None``.
    identifiers
        ``kind, value``: the ids, NIPs and names of every row read, kept or
        quarantined (:func:`evalkit.privacy.identifiers_of_rows`), for the privacy scan
        of the shared outputs only; never shown.
    """

    units: pd.DataFrame = field(default_factory=lambda: empty_frame("units"))
    employees: pd.DataFrame = field(default_factory=lambda: empty_frame("employees"))
    indicators: pd.DataFrame = field(default_factory=lambda: empty_frame("indicators"))
    results: pd.DataFrame = field(default_factory=lambda: empty_frame("results"))
    behaviour: pd.DataFrame = field(default_factory=lambda: empty_frame("behaviour"))
    citizen: pd.DataFrame = field(default_factory=lambda: empty_frame("citizen"))
    training: pd.DataFrame = field(default_factory=lambda: empty_frame("training"))
    org_rating: pd.DataFrame = field(default_factory=lambda: empty_frame("org_rating"))
    complaints: pd.DataFrame = field(default_factory=lambda: empty_frame("complaints"))
    teaching: pd.DataFrame = field(default_factory=lambda: empty_frame("teaching"))
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    repairs: pd.DataFrame = field(default_factory=empty_quarantine)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    period: str | None = None
    source: str | Path | None = None
    files: list[Path] = field(default_factory=list)
    mapping: Path | None = None
    identifiers: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The data-model tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables().items())
        source = None if self.source is None else str(self.source)
        return (
            f"{type(self).__name__}(source={source!r}, period={self.period!r}, rows: {sizes}, "
            f"quarantine={len(self.quarantine)})"
        )


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------


def _read_all(path: Path) -> tuple[dict, dict, list[Path], Mapping | None]:
    # evalkit.mapping reads through evalkit.io.read and .parse: imported here, not at the
    # top, so that importing evalkit.mapping first does not meet a half-made evalkit.io
    from ..mapping import apply_mapping, load_mapping, mapped_sources

    mapping = load_mapping(path)
    given, problems = mapped_sources(mapping, path)
    sources, more = find_sources(path, given)
    problems += more
    raws, layouts, files = {}, {}, []
    for name, source in sources.items():
        try:
            header, raw = read_source(source)
        except OSError as exc:
            problems.append(f"{source.label}: cannot be read ({exc.strerror or exc})")
            continue
        except InputError as exc:  # a file that cannot be read: said with the others
            problems.append(str(exc))
            continue
        if source.path not in files:
            files.append(source.path)
        if not any(str(h).strip() for h in header):
            expected = ", ".join(TABLES[name].required_columns)
            problems.append(
                f"{source.label}: empty: expected a header row with the columns {expected}"
            )
            continue
        header, raw, mapping_problems = apply_mapping(name, header, raw, mapping)
        if mapping_problems:
            problems.extend(mapping_problems)
            continue
        positions, notes, header_problems = map_columns(TABLES[name], header, source.label)
        problems.extend(header_problems)
        raws[name], layouts[name] = raw, (positions, notes)
    if problems:
        raise InputError(
            f"the input in {path} cannot be used:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return raws, layouts, files, mapping


def load_study(path: str | Path, period: str | None = None) -> Study:
    """Load and validate a study folder (or one workbook with a sheet per table).

    Parameters
    ----------
    path
        The study folder, or an ``.xlsx`` workbook whose sheets are named after the
        tables.
    period
        ``None`` (every period), a quarter (``"2025Q3"``, any usual spelling) or a year
        (``"2025"`` = its four quarters); see :func:`select_period`. Validation always
        covers whole files: references and duplicates are checked across periods.

    Returns
    -------
    Study
        One typed DataFrame per table, ``quarantine`` (``file, line, column, value,
        reason``) and ``summary`` (``file, table, rows_read, rows_kept,
        rows_quarantined, notes``; one row per table, in data-model order).

    Raises
    ------
    InputError
        When a required file or column is missing, a table is stored twice, a file is
        empty or unreadable, or ``period`` is not a period; the message names each file
        and column.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.load_study("data/tanjungselor", period="2025Q3")  # doctest: +SKIP
    >>> study.summary[["file", "rows_read", "rows_kept", "rows_quarantined"]]  # doctest: +SKIP
    """
    path = Path(path)
    if period is not None:
        _quarters(period)  # a bad argument fails before any file is read
    raws, layouts, files, mapping = _read_all(path)
    try:
        checked = _validate_all(raws, layouts)
    except InputError as exc:  # most identifiers of a file mangled: one message
        raise InputError(f"the input in {path} cannot be used:\n  - {exc}") from None
    study = Study(
        mapping=None if mapping is None else mapping.path,
        **{name: c.frame for name, c in checked.items()},
        quarantine=_combine_quarantine(checked),
        repairs=_combine_quarantine(checked, "repairs"),
        summary=_summary(checked),
        period=None,
        source=path,
        files=files,
        identifiers=_identifiers_read(raws, layouts),
    )
    return select_period(study, period) if period is not None else study


def _identifiers_read(raws: dict, layouts: dict) -> pd.DataFrame:
    """The people of every row read, kept or rejected, for the privacy scan."""
    from ..privacy import empty_identifiers, identifiers_of_rows

    parts = [
        identifiers_of_rows(name, raw.frame, layouts[name][0], [r["value"] for r in raw.rejected])
        for name, raw in raws.items()
    ]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_identifiers()


def _validate_all(raws: dict, layouts: dict) -> dict[str, Checked]:
    checked: dict[str, Checked] = {}
    for name in TABLES:  # data-model order: parents before children
        if name in raws:
            positions, notes = layouts[name]
            checked[name] = validate_table(raws[name], positions, notes, checked)
    return checked


def _combine_quarantine(checked: dict[str, Checked], what: str = "quarantine") -> pd.DataFrame:
    parts = [getattr(c, what) for c in checked.values() if len(getattr(c, what))]
    if not parts:
        return empty_quarantine()
    out = pd.concat(parts, ignore_index=True)
    out["line"] = out["line"].astype("int64")
    return out[list(QUARANTINE_COLUMNS)]


def _summary(checked: dict[str, Checked]) -> pd.DataFrame:
    rows = []
    for name in TABLES:
        c = checked.get(name)
        if c is None:
            rows.append(
                {
                    "file": "(absent)",
                    "table": name,
                    "rows_read": 0,
                    "rows_kept": 0,
                    "rows_quarantined": 0,
                    "notes": f"no {name} file (optional table): left empty",
                }
            )
            continue
        notes = list(c.notes)
        if c.rows_read == 0 and not TABLES[name].optional:
            notes.insert(0, "no data rows (only the header): the study needs rows in this table")
        rows.append(
            {
                "file": c.label,
                "table": name,
                "rows_read": c.rows_read,
                "rows_kept": len(c.frame),
                "rows_quarantined": c.rows_quarantined,
                "notes": "; ".join(notes),
            }
        )
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    for col in ("rows_read", "rows_kept", "rows_quarantined"):
        out[col] = out[col].astype("int64")
    return out


# --------------------------------------------------------------------------------------
# periods
# --------------------------------------------------------------------------------------


def _quarters(period: str) -> list[str]:
    try:
        return period_quarters(period)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def select_period(study: Study, period: str | None) -> Study:
    """The study restricted to one quarter or one year.

    Parameters
    ----------
    study
        A loaded study.
    period
        A quarter (``"2025Q3"``; also ``"2025-Q3"``, ``"Q3 2025"`` …), a year
        (``"2025"`` = ``2025Q1`` … ``2025Q4``) or ``None`` (the study unchanged).

    Returns
    -------
    Study
        A new study whose periodic tables (``results``, ``behaviour``, ``citizen``,
        ``org_rating``) hold the rows of those quarters only; tables without a period
        column (units, employees, indicators, training), the quarantine and the summary
        are kept whole. ``period`` is set to the canonical spelling.

    Raises
    ------
    InputError
        When ``period`` is not a quarter or a year, or no periodic table has a row in
        it (the message lists the periods that the data hold).

    Examples
    --------
    >>> import evalkit as ek
    >>> q3 = ek.select_period(study, "2025 Q3")  # doctest: +SKIP
    >>> q3.period  # doctest: +SKIP
    '2025Q3'
    """
    if period is None:
        return study
    quarters = _quarters(period)
    canonical = quarters[0] if len(quarters) == 1 else str(period).strip()
    changes = {}
    available: set[str] = set()
    for name, table in TABLES.items():
        if "period" not in table.column_names:
            continue
        frame = getattr(study, name)
        available.update(frame["period"].dropna().unique().tolist())
        changes[name] = frame[frame["period"].isin(quarters)].reset_index(drop=True)
    if not any(len(f) for f in changes.values()):
        held = ", ".join(sorted(available)) or "none"
        raise InputError(f"period {period}: no rows in that period; the data hold: {held}")
    return dataclasses.replace(study, period=canonical, **changes)


# --------------------------------------------------------------------------------------
# the `evalkit validate` command
# --------------------------------------------------------------------------------------


def reason_kind(reason: str) -> str:
    """A reason with its line numbers removed, to count reasons of one kind together.

    >>> reason_kind("exact duplicate of line 7")
    'exact duplicate of line …'
    """
    return re.sub(r"(lines?|baris) [\d, …]+", r"\1 …", reason)


def format_summary(study: Study, top: int = 3, language: str = "id") -> str:
    """The text that ``evalkit validate`` prints: rows read, kept and quarantined per
    file, the most common reasons per file, and the notes.

    Parameters
    ----------
    study
        A loaded study.
    top
        How many kinds of reason to show per file.
    language
        ``"id"`` (Bahasa Indonesia, the default) or ``"en"``: headings, reasons and notes
        (:mod:`evalkit.io.messages`).
    """
    labels = Labels(language)
    s = study.summary
    width = max([len(labels["io.cli.file"]), *(len(f) for f in s["file"])]) + 2
    q_head = labels["io.cli.quarantined"]
    out = [
        f"{labels['io.cli.file']:<{width}}{labels['io.cli.table']:<12}"
        f"{labels['io.cli.read']:>10}{labels['io.cli.kept']:>10}{q_head:>13}"
    ]
    for row in s.itertuples(index=False):
        out.append(
            f"{row.file:<{width}}{row.table:<12}{row.rows_read:>10}{row.rows_kept:>10}"
            f"{row.rows_quarantined:>13}"
        )
    out.append(
        f"{labels['io.cli.all_files']:<{width}}{'':<12}{s['rows_read'].sum():>10}"
        f"{s['rows_kept'].sum():>10}{s['rows_quarantined'].sum():>13}"
    )
    q = study.quarantine
    if len(q):
        out += ["", labels["io.cli.common_reasons"]]
        said = {r: reason_kind(translate(r, language)) for r in q["reason"].unique()}
        kinds = q.assign(kind=q["reason"].map(said))
        for file, group in kinds.groupby("file", sort=False):
            counts = (
                group.drop_duplicates(["line", "column", "kind"])
                .groupby(["column", "kind"], sort=False)["line"]
                .nunique()
                .sort_values(ascending=False, kind="stable")
            )
            out.append(f"  {file}:")
            for (column, kind), n in counts.head(top).items():
                where = f"{column}: " if column else ""
                out.append(f"    {n:>6} {labels['io.cli.rows']}  {where}{kind}")
            if len(counts) > top:
                out.append("    " + labels("io.cli.more_kinds", count=str(len(counts) - top)))
    notes = [(r.file, r.notes) for r in s.itertuples(index=False) if r.notes]
    if notes:
        out += ["", labels["io.cli.notes"]]
        out += [f"  {f}: {translate_notes(n, language)}" for f, n in notes]
    if study.period is not None:
        counts = ", ".join(
            f"{name} {len(getattr(study, name))}"
            for name, t in TABLES.items()
            if "period" in t.column_names
        )
        out += ["", labels("io.cli.period_rows", period=study.period, counts=counts)]
    return "\n".join(out)


def quarantine_for_people(quarantine: pd.DataFrame, language: str = "id") -> pd.DataFrame:
    """The quarantine as a data steward reads it: the reason in ``language`` and its
    stable code (``code``, e.g. ``reason.too_many_cells``; empty when the reason has
    no template) as an extra column."""
    out = quarantine.copy()
    reasons = out["reason"].astype(object)
    unique = reasons.dropna().unique()
    out["reason"] = reasons.map({r: translate(r, language) for r in unique})
    out["code"] = reasons.map({r: reason_code(r) or "" for r in unique})
    return out


def validate_command(
    data_dir: str | Path,
    quarantine: str | Path | None = None,
    period: str | None = None,
    language: str = "id",
) -> int:
    """Load and validate ``data_dir``, print the summary, optionally write the quarantine.

    Parameters
    ----------
    data_dir
        The study folder (or workbook).
    quarantine
        Where to write the quarantine as CSV (UTF-8 with BOM, so that Excel shows the
        characters right), reasons in ``language`` plus their stable ``code``; written
        also when empty.
    period
        Only this quarter or year (see :func:`select_period`).
    language
        ``"id"`` (default) or ``"en"``: the language of everything printed and written.

    Returns
    -------
    int
        0 when every row was kept, 1 when rows were quarantined, 2 when the input is
        unusable (the message goes to stderr; never a traceback).
    """
    labels = Labels(language)
    try:
        study = load_study(data_dir, period=period)
    except InputError as exc:
        print(f"evalkit validate: {translate_message(str(exc), language)}", file=sys.stderr)
        return 2
    print(f"evalkit validate: {data_dir}")
    print(format_summary(study, language=language))
    if quarantine is not None:
        from ..privacy import safe_frame_for_csv  # opened in Excel: no live formulas

        target = Path(quarantine)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            safe_frame_for_csv(quarantine_for_people(study.quarantine, language)).to_csv(
                target, index=False, encoding="utf-8-sig"
            )
        except OSError as exc:
            detail = labels(
                "io.cli.cannot_write", path=str(target), detail=exc.strerror or str(exc)
            )
            print(f"evalkit validate: {detail}", file=sys.stderr)
            return 2
        print(
            "\n"
            + labels(
                "io.cli.quarantine_written", count=str(len(study.quarantine)), path=str(target)
            )
        )
    return 0 if int(study.summary["rows_quarantined"].sum()) == 0 else 1
