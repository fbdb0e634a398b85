"""Validate one raw table against the data model (private to :mod:`evalkit.io`).

The stages, in order; a row that fails a stage is quarantined and not judged by the
later stages (so a quarantined row is reported for the problems of its first failing
stage, one record per problem):

1. cells: every model column is parsed (:mod:`evalkit.io.parse`); a required
   column's empty cell is a missing value;
2. values: allowed codes and ranges (a :mod:`pandera` schema from
   :func:`evalkit.tables.pandera_schema`);
3. row rules: the NIP against birth date, TMT and gender (employees); ``end_date`` not
   before ``start_date`` (training); a self-rating is rated by the employee (behaviour);
   ``closed_date`` not before ``received_date``, and filled exactly when the status is
   ``selesai`` (complaints);
4. duplicates: an exact duplicate of an earlier row (same values in every model
   column) is quarantined, the first copy kept; rows that share a key (or, for
   employees, a NIP) but differ elsewhere are all quarantined, since nothing tells
   which one is right;
5. references: a required reference (``results.employee_id`` …) must name a kept row
   of its parent table; a parent row that is itself quarantined takes its children
   with it, and the reason says so. An optional reference (``supervisor_id``,
   ``parent_unit_id``, ``indicators.unit_id``, ``citizen.employee_id``,
   ``complaints.employee_id``) never
   quarantines its row: the row's own data are sound, and quarantining it would take
   every row that depends on it along (one mistyped ``supervisor_id`` would remove an
   employee with all their results and ratings). A filled optional reference that
   names no row of the parent file is listed, with its lines, in the summary's notes;
   one that names a quarantined row is fine as a reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._values import per_value
from ..tables import TABLES, Table, coerce_dtypes, normalise_header, pandera_schema
from . import parse as P
from .read import InputError, RawTable

QUARANTINE_COLUMNS = ("file", "line", "column", "value", "reason")


class Problem(NamedTuple):
    """Rows (positions in the file's data rows) that fail one check.

    ``reasons`` is one text for all rows or one per row; ``value_columns`` are the
    cells shown as the quarantine's ``value`` (default: ``column``; none = the row).
    """

    rows: np.ndarray
    column: str
    reasons: str | pd.Series | np.ndarray
    value_columns: tuple[str, ...] | None = None


@dataclass
class Checked:
    """One validated table: kept rows, the quarantine records and the counts."""

    table: str
    label: str
    frame: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    notes: list[str] = field(default_factory=list)
    #: parsed key value → line, for every row whose (single) key could be parsed
    all_ids: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    #: key values of the kept rows
    kept_ids: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))
    #: optional cells of kept rows that were unusable and left empty (same columns as
    #: the quarantine)
    repairs: pd.DataFrame = field(default_factory=lambda: empty_quarantine())

    @property
    def rows_quarantined(self) -> int:
        return int(self.quarantine["line"].nunique()) if len(self.quarantine) else 0


# --------------------------------------------------------------------------------------
# header
# --------------------------------------------------------------------------------------


def map_columns(
    table: Table, header: list[str], label: str
) -> tuple[dict[str, int], list[str], list[str]]:
    """Which file column holds each model column.

    Returns
    -------
    positions, notes, problems
        Model column → position in the file; notes for the summary (ignored extra
        columns, absent optional columns); problems that make the input unusable
        (missing required columns, a model column given twice).
    """
    names = [normalise_header(h) for h in header]
    model = set(table.column_names)
    positions: dict[str, int] = {}
    problems: list[str] = []
    notes: list[str] = []
    for i, name in enumerate(names):
        if name in model:
            if name in positions:
                problems.append(
                    f"{label}: column '{name}' appears twice (columns {positions[name] + 1} and "
                    f"{i + 1}); keep one"
                )
            else:
                positions[name] = i
    missing = [c for c in table.required_columns if c not in positions]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        found = ", ".join(f"'{h}'" for h in header) or "nothing"
        problems.append(
            f"{label}: required column{'s' if len(missing) > 1 else ''} {listed} missing; "
            f"the header row has {found}"
        )
    extra = [h for h, n in zip(header, names, strict=True) if n not in model]
    if extra:
        shown = ", ".join(f"'{h}'" if str(h).strip() else "(no name)" for h in extra)
        notes.append(f"ignored columns not in the data model: {shown}")
    absent = [c.name for c in table.columns if not c.required and c.name not in positions]
    if absent:
        notes.append(f"optional columns absent (left empty): {', '.join(absent)}")
    return positions, notes, problems


# --------------------------------------------------------------------------------------
# the stages
# --------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:g}"


def _distinct(s: pd.Series, text_only: bool) -> tuple[pd.Series, np.ndarray | None]:
    """The distinct cells of ``s`` and each cell's position among them, when that
    saves work (fewer than half the cells are distinct); else ``(s, None)``.

    Parsing the distinct values only keeps low-cardinality columns (periods, codes,
    scores, dates) fast on large files; the result is expanded with ``take``.
    """
    n = len(s)
    if n < 64:
        return s, None
    if isinstance(s.dtype, pd.CategoricalDtype):
        # a large file read in blocks: its categories are the distinct cells already,
        # and its codes are narrow (factorize would make an 8-byte code per cell)
        codes, uniques = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) * 2 > n:
        if isinstance(s.dtype, pd.CategoricalDtype):  # a large file read in blocks
            s = s.astype("str" if text_only else object)
        return s, None
    empty = "" if text_only else None
    values = [*np.asarray(uniques, dtype=object).tolist(), empty]
    codes = np.where(codes < 0, len(values) - 1, codes.astype(_code_dtype(len(values))))
    dtype = "str" if text_only else object
    return pd.Series(values, dtype=dtype), codes


#: Rows from which a table's per-cell reasons are held as categories, not objects.
_MANY_ROWS = 1_000_000


def _code_dtype(n: int) -> np.dtype:
    """The narrowest signed integer type that holds the codes 0 … n (and −1)."""
    for t in (np.int8, np.int16, np.int32):
        if n <= np.iinfo(t).max:
            return np.dtype(t)
    return np.dtype(np.int64)


def _expand(
    v: pd.Series, codes: np.ndarray | None, index: pd.Index, categorical: bool = False
) -> pd.Series:
    """The values of the distinct cells ``v`` spread back over every cell.

    ``categorical`` (the cells of a large file read in blocks): a text or an
    object-valued result comes back as a categorical column whose categories are its
    distinct values in sorted order (so that sorting and grouping order it as they
    order text), instead of one string per cell.
    """
    if codes is None:
        return v.set_axis(index)
    if categorical and not pd.api.types.is_numeric_dtype(v.dtype):
        vcodes, uniques = pd.factorize(v, sort=True, use_na_sentinel=True)
        vcodes = vcodes.astype(_code_dtype(len(uniques)))  # one narrow code per cell
        return pd.Series(pd.Categorical.from_codes(vcodes[codes], categories=uniques), index=index)
    if v.dtype == object and pd.api.types.infer_dtype(v, skipna=True) in ("string", "empty"):
        v = pd.Series(v.to_numpy(), dtype="str")  # convert the few distinct values only
    if isinstance(v.dtype, np.dtype) and v.dtype != object:
        # numpy's indexing with the narrow codes (Series.take makes them 8-byte first,
        # and holds three arrays of the column's length to build one)
        return pd.Series(v.to_numpy()[codes], index=index, copy=False)
    return v.take(codes).set_axis(index)


def _parse_cells(
    table: Table, raw: RawTable, positions: dict[str, int]
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Parsed values of every model column and the per-cell reasons."""
    frame = raw.frame
    text_only = raw.text_only
    index = pd.RangeIndex(len(frame))
    distinct = {
        c.name: _distinct(frame[positions[c.name]], text_only)
        for c in table.columns
        if c.name in positions
    }
    # numbers first: the decimal mark is decided by all number cells of the file
    numeric = [c for c in table.columns if c.dtype in ("int", "float") and c.name in positions]
    texts: dict[str, pd.Series] = {}
    classes: dict[str, pd.Series] = {}
    natives: dict[str, tuple[pd.Series | None, pd.Series]] = {}
    for c in numeric:
        s = distinct[c.name][0]
        if s.dtype != object and pd.api.types.is_numeric_dtype(s.dtype):
            natives[c.name] = (s.astype("float64"), s.notna())
            continue
        natives[c.name] = P.native_numbers(s, text_only)
        text = P.cell_text(s, text_only)
        cls = P.classify_numbers(text)
        cls[natives[c.name][1].to_numpy()] = "native"
        texts[c.name], classes[c.name] = text, cls
    decimal = P.decimal_mark(list(classes.values()))

    values: dict[str, pd.Series] = {}
    reasons: dict[str, pd.Series] = {}
    for c in table.columns:
        if c.name not in positions:
            values[c.name] = pd.Series(None, index=index, dtype=object)
            reasons[c.name] = pd.Series(None, index=index, dtype=object)
            continue
        s, codes = distinct[c.name]
        if c.dtype in ("int", "float"):
            nat_values, nat_mask = natives[c.name]
            if c.name in texts:
                v, r = P.parse_numbers(texts[c.name], classes[c.name], c.dtype, decimal)
            else:
                v = pd.Series(np.nan, index=s.index)
                r = pd.Series(None, index=s.index, dtype=object)
            if nat_values is not None:
                m = nat_mask.to_numpy()
                v[m] = nat_values[m].to_numpy()
            v, r = P.finish_numbers(v, r, c.dtype)
        elif c.dtype == "date":
            v, r = P.parse_dates(s, text_only)
        elif c.dtype == "period":
            v, r = P.parse_periods(s, text_only)
        elif c.dtype == "category":
            v, r = P.parse_categories(s, text_only, c.codes)
        elif c.dtype == "nip":
            v, r = P.parse_nips(s, text_only)
        else:
            v, r = P.parse_strings(s, text_only)
        # safety net: a filled cell never turns into an empty value without a reason
        lost = P.cell_text(s, text_only).ne("").to_numpy() & v.isna().to_numpy()
        lost = lost & r.isna().to_numpy()
        if lost.any():
            r = r.copy()
            r[lost] = f"cannot be read as {c.dtype}"
        categorical = isinstance(frame[positions[c.name]].dtype, pd.CategoricalDtype)
        # the reasons of a large table as categories: mostly empty, one code a cell
        many = categorical or len(index) >= _MANY_ROWS
        v, r = _expand(v, codes, index, categorical), _expand(r, codes, index, many)
        if c.required:
            missing = v.isna().to_numpy() & r.isna().to_numpy()
            if missing.any():
                r = r.astype(object)
                r[missing] = f"missing value: {c.name} is required"
        values[c.name] = v
        reasons[c.name] = r
    return pd.DataFrame(values, index=index, copy=False), reasons  # no copy of each column


def _share_categories(table: Table, typed: pd.DataFrame) -> None:
    """Categorical columns of one table that name the same thing (``employee_id`` and
    ``rater_id``: both employees) get the same categories, in place, so that they
    compare cell by cell as text does."""
    groups: dict[str, list[str]] = {}
    for c in table.columns:
        if c.name in typed.columns and isinstance(typed[c.name].dtype, pd.CategoricalDtype):
            groups.setdefault(c.references or f"{table.name}.{c.name}", []).append(c.name)
    for names in groups.values():
        if len(names) < 2:
            continue
        union = pd.Index(
            sorted(set().union(*(typed[n].cat.categories.tolist() for n in names))), dtype="str"
        )
        for n in names:
            typed[n] = typed[n].cat.set_categories(union)


#: Rows per pandera call on the columns that are not categorical: every check is per
#: value, so checking a large table in slices finds the same failures with the copies
#: pandera makes bounded by the slice.
_CHECK_ROWS = 1 << 22


def _values(table: Table, typed: pd.DataFrame) -> list[Problem]:
    """Values outside their codes or range (the table's pandera schema)."""
    import pandera.errors as pa_errors

    schema = pandera_schema(table.name)

    def failures(frame: pd.DataFrame) -> pd.DataFrame | None:
        try:
            schema.validate(frame, lazy=True)
            return None
        except pa_errors.SchemaErrors as exc:
            cases = exc.failure_cases
        return cases[cases["index"].notna() & cases["column"].notna()]

    # a categorical column (a large file read in blocks) is checked on its distinct
    # values, each failing value then traced back to its rows: the checks are per
    # value, and pandera on millions of cells holds several copies of the column
    categorical = [c for c in typed.columns if isinstance(typed[c].dtype, pd.CategoricalDtype)]
    plain = typed.drop(columns=categorical)
    rows = len(plain) if len(plain.columns) else 0
    parts = [failures(plain.iloc[i : i + _CHECK_ROWS]) for i in range(0, rows, _CHECK_ROWS)]
    for name in categorical:
        codes = typed[name].cat.codes.to_numpy()
        values = list(typed[name].cat.categories)
        if (codes < 0).any():
            values.append(None)  # missing: the last value
            codes = np.where(codes < 0, len(values) - 1, codes)
        found = failures(pd.DataFrame({name: pd.Series(values, dtype=object)}))
        if found is None:
            continue
        at = found["index"].astype("int64").to_numpy()
        failing = np.flatnonzero(np.isin(codes, at))  # the rows of any failing value
        rows = [failing[codes[failing] == i] for i in at]
        parts.append(
            found.iloc[np.repeat(np.arange(len(found)), [len(r) for r in rows])].assign(
                index=np.concatenate(rows) if rows else np.zeros(0, np.int64)
            )
        )
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return []
    order = {c: i for i, c in enumerate(table.column_names)}
    cases = pd.concat(parts, ignore_index=True)
    cases = cases.iloc[np.argsort(cases["column"].map(order).to_numpy(), kind="stable")]
    out = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        col = table.column(column)
        check = str(check)
        if check.startswith("in_range"):
            reason = f"outside the allowed range {_fmt(col.low)} to {_fmt(col.high)}"
        elif check.startswith("greater_than"):
            reason = f"below the minimum {_fmt(col.low)}"
        elif check.startswith("less_than"):
            reason = f"above the maximum {_fmt(col.high)}"
        elif check.startswith("isin"):
            reason = "not an allowed code"
        elif check.startswith("not_nullable"):
            reason = f"missing value: {column} is required"
        else:
            reason = f"fails the check {check}"
        rows = pd.unique(group["index"].astype("int64").to_numpy())
        out.append(Problem(rows, column, reason))
    return out


def _row_rules(table: Table, typed: pd.DataFrame) -> list[Problem]:
    """The table's rules across columns."""
    out = []
    if table.name == "employees":
        r = P.nip_consistency(typed)
        bad = r.notna().to_numpy()
        if bad.any():
            out.append(Problem(typed.index.to_numpy()[bad], "nip", r[bad]))
    elif table.name == "training":
        bad = (typed["end_date"] < typed["start_date"]).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            out.append(
                Problem(typed.index.to_numpy()[bad], "end_date", "end_date is before start_date")
            )
    elif table.name == "complaints":
        closed, received = typed["closed_date"], typed["received_date"]
        bad = (closed < received).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            out.append(
                Problem(
                    typed.index.to_numpy()[bad],
                    "closed_date",
                    "closed_date is before received_date",
                )
            )
        done = typed["status"].eq("selesai").fillna(False).to_numpy(dtype=bool)
        has_close = closed.notna().to_numpy()
        bad = done & ~has_close
        if bad.any():
            out.append(
                Problem(
                    typed.index.to_numpy()[bad],
                    "closed_date",
                    "status is selesai (closed) but closed_date is empty: give the date it "
                    "was settled",
                )
            )
        bad = has_close & typed["status"].notna().to_numpy() & ~done
        if bad.any():
            out.append(
                Problem(
                    typed.index.to_numpy()[bad],
                    "status",
                    "closed_date is filled but status is not selesai (closed): correct the "
                    "status or empty the date",
                )
            )
    elif table.name == "behaviour":
        same = typed["rater_id"].eq(typed["employee_id"]).fillna(False).to_numpy(dtype=bool)
        diri = typed["rater_role"].eq("diri").fillna(False).to_numpy(dtype=bool)
        bad = diri & ~same
        if bad.any():
            out.append(
                Problem(
                    typed.index.to_numpy()[bad],
                    "rater_id",
                    "rater_role is diri (self-rating) but rater_id is not the employee_id",
                )
            )
        bad = same & ~diri
        if bad.any():
            out.append(
                Problem(
                    typed.index.to_numpy()[bad],
                    "rater_role",
                    "rater_id is the employee_id (a self-rating) but rater_role is not diri",
                )
            )
    return out


def _lines_text(lines: np.ndarray) -> str:
    shown = ", ".join(str(int(x)) for x in lines[:5])
    return shown + (", …" if len(lines) > 5 else "")


def _duplicates(table: Table, typed: pd.DataFrame, lines: np.ndarray) -> list[Problem]:
    """Exact duplicates (later copies) and rows that share a key or NIP but differ."""
    out = []
    cols = table.column_names
    # an exact duplicate shares the key: look for those among the key's repeats only
    key = list(table.key)
    repeats = _repeated(typed, key)
    exact_later = np.zeros(len(typed), dtype=bool)
    if repeats.any():
        exact_later[repeats] = typed[repeats].duplicated(subset=cols, keep="first").to_numpy()
    if exact_later.any():
        involved = np.zeros(len(typed), dtype=bool)
        involved[repeats] = typed[repeats].duplicated(subset=cols, keep=False).to_numpy()
        sub = typed[involved]
        gid = sub.groupby(cols, dropna=False, sort=False).ngroup()
        first_line = (
            pd.Series(lines[sub.index.to_numpy()], index=sub.index).groupby(gid).transform("min")
        )
        later = exact_later[involved]
        reasons = "exact duplicate of line " + first_line[later].astype("int64").astype("str")
        out.append(Problem(sub.index.to_numpy()[later], "", reasons))
    unique_sets = [key] if repeats.any() else []
    if table.name == "employees":
        unique_sets.append(["nip"])
    rest = typed[~exact_later] if exact_later.any() else typed
    for key in unique_sets:
        clash = rest.duplicated(subset=key, keep=False).to_numpy()
        clash = clash & rest[key].notna().all(axis=1).to_numpy()
        if not clash.any():
            continue
        sub = rest[clash]
        sub_lines = pd.Series(lines[sub.index.to_numpy()], index=sub.index)
        gid = sub.groupby(key, sort=False).ngroup()
        groups = {g: np.sort(x.to_numpy()) for g, x in sub_lines.groupby(gid.to_numpy())}
        name = ", ".join(key)
        reasons = pd.Series(
            [
                f"{name} also on line {_lines_text(groups[g][groups[g] != ln])} with other "
                "values; keep the one correct row"
                for g, ln in zip(gid.to_numpy(), sub_lines.to_numpy(), strict=True)
            ],
            index=sub.index,
        )
        out.append(Problem(sub.index.to_numpy(), name, reasons, tuple(key)))
        rest = rest[~rest.index.isin(sub.index)]
    return out


def _repeated(typed: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Rows whose ``key`` values occur more than once (``duplicated(keep=False)``).

    When every key column is categorical (a large file read in blocks) the columns'
    codes are combined into one integer per row and sorted, which holds one 8-byte
    number per row at a time, instead of pandas' 8-byte labels per row and column
    plus a hash table; the usual answer, no repeats at all, costs that sort alone."""
    columns = [typed[k] for k in key]
    sizes = [len(c.cat.categories) + 1 for c in columns if isinstance(c.dtype, pd.CategoricalDtype)]
    if len(sizes) < len(key) or math.prod(sizes) >= 2**62:
        return typed.duplicated(subset=key, keep=False).to_numpy()
    combined = _combined(columns, sizes)
    combined.sort()  # in place: the usual answer (no repeats) needs no other copy
    same = combined[1:] == combined[:-1]
    if not same.any():
        return np.zeros(len(typed), dtype=bool)
    twice = np.unique(combined[1:][same])
    del combined, same
    return np.isin(_combined(columns, sizes), twice)  # rebuilt: the sort reordered it


def _combined(columns: list[pd.Series], sizes: list[int]) -> np.ndarray:
    """One int64 per row numbering the combination of the categorical ``columns``'
    codes (``sizes``: each column's number of categories + 1)."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for c, size in zip(columns, sizes, strict=True):
        combined *= size
        combined += c.cat.codes.to_numpy() + 1  # missing (−1) is a value of its own
    return combined


def _isin(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """``values.isin(ids)`` as a numpy mask; a categorical column is looked up by its
    categories, one byte per row (pandas widens the codes to 8 bytes first)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # as Python objects: pyarrow-backed text's isin takes 4 s for 250,000 ids
        known = pd.Index(ids, dtype=object)
        return per_value(values, lambda v: v.notna() & v.isin(known))
    return values.isin(ids).to_numpy()


def _references(
    table: Table,
    typed: pd.DataFrame,
    lines: np.ndarray,
    parents: dict[str, Checked],
    own_ids: pd.Index,
) -> tuple[list[Problem], list[str]]:
    """Rows whose required references do not resolve, and notes on optional references
    that name no row of their parent file (those rows are kept; see the module
    docstring). ``own_ids`` are the ids of every row of this file (for references
    within the table)."""
    out: list[Problem] = []
    notes: list[str] = []
    for c in table.columns:
        if c.references is None:
            continue
        parent_table, parent_col = c.references.split(".")
        values = typed[c.name]
        filled = values.notna().to_numpy()
        if parent_table == table.name:
            all_ids = own_ids
            parent = None
            parent_label = "this file"
        else:
            parent = parents.get(parent_table)
            if parent is None:
                continue
            all_ids = pd.Index(parent.all_ids.index)
            parent_label = parent.label
        if c.required and parent is not None:
            kept = _isin(values, parent.kept_ids)
            bad = filled & ~kept
            if not bad.any():
                continue
            bad_values = values[bad]
            quarantined_line = bad_values.map(parent.all_ids)
            reasons = pd.Series(
                f"unknown {c.name}: not in {parent_label}", index=bad_values.index, dtype=object
            )
            known = quarantined_line.notna().to_numpy()
            if known.any():
                reasons[known] = (
                    f"{c.name} refers to a row that is quarantined in {parent_label} (line "
                    + quarantined_line[known].astype("int64").astype("str")
                    + "); fix that row first"
                )
            out.append(Problem(typed.index.to_numpy()[bad], c.name, reasons))
        else:
            bad = filled & ~_isin(values, all_ids)
            if bad.any():
                shown = _lines_text(np.sort(lines[typed.index.to_numpy()[bad]]))
                notes.append(
                    f"{c.name} names no row of {parent_label} on {int(bad.sum())} row(s) "
                    f"(line {shown}): rows kept, that link is unusable; correct the id or "
                    "leave the cell empty"
                )
    return out, notes


# --------------------------------------------------------------------------------------
# whole-file judgements
# --------------------------------------------------------------------------------------

#: Tables other tables refer to: quarantining one of their rows takes its dependents.
PARENT_TABLES = frozenset(
    c.references.split(".")[0]
    for t in TABLES.values()
    for c in t.columns
    if c.references is not None and c.references.split(".")[0] != t.name
)


def droppable_columns(table: Table) -> frozenset[str]:
    """Columns whose unusable cell is left empty instead of quarantining the row.

    In a parent table (units, employees, indicators) a row is needed by the rows that
    refer to it: quarantining a unit for a negative ``service_population`` would take
    every employee, result, rating and survey of that unit along. So an *optional*
    column's bad cell there becomes missing (noted in the summary and listed in
    ``Study.repairs``) and the row is kept. Rows of the other tables have no
    dependents and keep the strict rule.
    """
    if table.name not in PARENT_TABLES:
        return frozenset()
    return frozenset(c.name for c in table.columns if not c.required and c.name not in table.key)


_SCIENTIFIC = r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+"
#: Share of a file's identifiers that, when mangled by a spreadsheet, stops the load.
MANGLED_SHARE = 0.5


def _each_value(text: pd.Series, test) -> np.ndarray:
    """``test`` (text → booleans) on every cell of ``text``, as a numpy mask; on the
    categories of a categorical column, each distinct value once (a missing cell: as
    ``""``)."""
    if isinstance(text.dtype, pd.CategoricalDtype):
        return per_value(text, lambda v: test(v.fillna("").astype("str")))
    return np.asarray(test(text), dtype=bool)


def _stop_on_mangled_identifiers(
    table: Table,
    raw: RawTable,
    positions: dict[str, int],
    typed: pd.DataFrame,
    reasons: dict[str, pd.Series],
) -> None:
    """Raise :class:`InputError` when most of a file's identifiers (NIP, or the ids
    of its key) were stored as numbers by a spreadsheet (``1.97E+17``).

    Quarantining them one by one would quarantine most of the data, and every row
    that refers to them; one message that says how to re-export helps more.
    """
    columns = [c for c in table.columns if c.name in positions]
    for c in columns:
        if c.dtype == "nip":
            r = reasons[c.name]
            mangled = r.eq(P.REASON_NIP_SPREADSHEET).to_numpy()
            text = P.cell_text(raw.frame[positions[c.name]], raw.text_only)
        elif c.dtype == "str" and (c.name in table.key or c.references is not None):
            text = P.cell_text(raw.frame[positions[c.name]], raw.text_only)
            mangled = _each_value(text, lambda t: t.str.fullmatch(_SCIENTIFIC).fillna(False))
        else:
            continue
        filled = _each_value(text, lambda t: t.ne(""))
        n_filled, n_bad = int(filled.sum()), int(mangled.sum())
        if n_filled >= 5 and n_bad > MANGLED_SHARE * n_filled:
            first = int(np.flatnonzero(mangled)[0])
            example = P.cell_text(raw.frame[positions[c.name]].iloc[[first]], raw.text_only)
            raise InputError(
                f"{raw.source.label}: {n_bad} of {n_filled} values of the column '{c.name}' "
                f"({round(100 * n_bad / n_filled)} %) were stored as numbers by a spreadsheet "
                f"and lost digits (line {int(raw.lines[first])}: {example.iloc[0]}). "
                "Re-export the file with that column as text: in the source system export "
                "to CSV; or in Excel format the column as Text (Format Cells > Text) before "
                "pasting the values, and save as CSV UTF-8. Nothing was loaded, so that "
                "rows depending on these ids are not quarantined one by one"
            )


# --------------------------------------------------------------------------------------
# one table
# --------------------------------------------------------------------------------------


def _records(raw: RawTable, positions: dict[str, int], problem: Problem) -> pd.DataFrame:
    """Quarantine records of one problem: the cells as written, their lines."""
    rows = problem.rows
    if problem.value_columns is not None:
        cols = list(problem.value_columns)
    else:
        cols = [problem.column] if problem.column else []
    cols = [c for c in cols if c in positions]
    if cols:
        shown = [
            P.cell_text(raw.frame[positions[c]].iloc[rows], raw.text_only).to_numpy(dtype=object)
            for c in cols
        ]
        value = shown[0]
        for extra in shown[1:]:
            value = value + " | " + extra
    elif len(raw.frame.columns):  # the whole row
        cells = raw.frame.iloc[rows]
        value = P.cell_text(cells.iloc[:, 0], raw.text_only).to_numpy(dtype=object)
        for col in cells.columns[1:]:
            value = value + " | " + P.cell_text(cells[col], raw.text_only).to_numpy(dtype=object)
    else:
        value = np.full(len(rows), "", dtype=object)
    reasons = problem.reasons
    if isinstance(reasons, pd.Series):
        reasons = reasons.to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "file": raw.source.label,
            "line": raw.lines[rows],
            "column": problem.column,
            "value": value,
            "reason": reasons,
        }
    )


def validate_table(
    raw: RawTable, positions: dict[str, int], notes: list[str], parents: dict[str, Checked]
) -> Checked:
    """Run every stage on one table; ``parents`` are the already validated tables."""
    table = TABLES[raw.source.table]
    label = raw.source.label
    lines = raw.lines
    typed_all, cell_reasons = _parse_cells(table, raw, positions)
    _share_categories(table, typed_all)
    _stop_on_mangled_identifiers(table, raw, positions, typed_all, cell_reasons)
    bad = np.zeros(len(typed_all), dtype=bool)
    records: list[pd.DataFrame] = []
    repairs: list[pd.DataFrame] = []
    droppable = droppable_columns(table)

    def report(problem: Problem) -> None:
        rows = np.asarray(problem.rows, dtype=np.int64)
        if len(rows):
            bad[rows] = True
            records.append(_records(raw, positions, problem._replace(rows=rows)))

    def drop(problem: Problem, frame: pd.DataFrame) -> None:
        """An optional cell of a parent row: missing instead, the row kept."""
        rows = np.asarray(problem.rows, dtype=np.int64)
        if len(rows):
            frame.iloc[rows, frame.columns.get_loc(problem.column)] = None
            repairs.append(_records(raw, positions, problem._replace(rows=rows)))

    # 1. cells
    for name, r in cell_reasons.items():
        failing = r.notna().to_numpy()
        if failing.any():
            problem = Problem(np.flatnonzero(failing), name, r[failing])
            drop(problem, typed_all) if name in droppable else report(problem)
    # 2.-5. on the rows still clean; every problem a stage finds is reported
    typed_full = coerce_dtypes(typed_all, table.name)
    del typed_all, cell_reasons  # the per-cell reasons and uncast columns are done with
    own_ids = pd.Index(typed_full[table.key[0]].dropna().unique())
    stages = (
        lambda t: _values(table, t),
        lambda t: _row_rules(table, t),
        lambda t: _duplicates(table, t, lines),
    )

    def clean() -> pd.DataFrame:
        """The rows no stage has quarantined (no copy while there are none)."""
        return typed_full.iloc[np.flatnonzero(~bad)] if bad.any() else typed_full

    for stage in stages:
        for problem in stage(clean()):
            drop(problem, typed_full) if problem.column in droppable else report(problem)
    problems, reference_notes = _references(table, clean(), lines, parents, own_ids)
    for problem in problems:
        report(problem)

    kept = clean().reset_index(drop=True)
    quarantine = pd.concat(records, ignore_index=True) if records else empty_quarantine()
    if raw.rejected:
        rejected = pd.DataFrame(raw.rejected).assign(file=label)
        quarantine = pd.concat([quarantine, rejected[list(QUARANTINE_COLUMNS)]], ignore_index=True)
    quarantine = quarantine.sort_values(["line"], kind="stable").reset_index(drop=True)
    quarantine["line"] = quarantine["line"].astype("int64")
    all_ids = pd.Series(dtype="int64")
    kept_ids = pd.Index([], dtype=object)
    if len(table.key) == 1:
        key = table.key[0]
        ids = typed_full[key]
        has = ids.notna().to_numpy()
        all_ids = pd.Series(lines[has], index=ids[has].to_numpy())
        all_ids = all_ids[~all_ids.index.duplicated(keep="first")]
        kept_ids = pd.Index(kept[key].dropna().unique())
    notes = [*raw.notes, *notes, *reference_notes]
    repaired = pd.concat(repairs, ignore_index=True) if repairs else empty_quarantine()
    for column, group in repaired.groupby("column", sort=False):
        notes.append(
            f"{column}: {len(group)} value(s) unusable and left empty, the row(s) kept "
            f"(line {_lines_text(np.sort(group['line'].to_numpy()))}: {group['reason'].iloc[0]})"
        )
    if raw.blank_rows:
        notes.append(f"{raw.blank_rows} empty row(s) skipped")
    return Checked(
        table=table.name,
        label=label,
        frame=kept,
        quarantine=quarantine[list(QUARANTINE_COLUMNS)],
        rows_read=raw.rows_read,
        notes=notes,
        all_ids=all_ids,
        kept_ids=kept_ids,
        repairs=repaired[list(QUARANTINE_COLUMNS)],
    )


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": pd.Series(dtype=object),
            "line": pd.Series(dtype="int64"),
            "column": pd.Series(dtype=object),
            "value": pd.Series(dtype=object),
            "reason": pd.Series(dtype=object),
        }
    )
