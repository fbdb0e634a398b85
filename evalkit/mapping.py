"""Agency mappings: how a folder's own files, headers and spellings map onto the data model.

Data come in through one path — files → mapping → read → parse → validate → ``Study``.
This module is the mapping step. It runs on every table, with or without a mapping
file:

* headers are renamed to the model's columns: first by the folder's mapping file
  (``evalkit.toml``), then by the Indonesian and English headers declared in
  :data:`evalkit.tables.TABLE_HEADERS` ("NIP", "Tanggal Lahir", "Rating Hasil Kerja" …).
  Two headers that name one column are an error that names both;
* SKM answers written as text ("Sangat sesuai", "Cukup mahal", "Dikelola dengan baik")
  become 1–4 by the item's scale (:data:`evalkit.tables.SKM_ANSWER_CODES`), keyed by the
  item code, never by the question's position; an answer on no scale is quarantined with
  the answer shown;
* what only the mapping file can say: which file or sheet holds a table, the agency's
  spellings of codes per column, a date format, constant columns (a survey file of one
  unit has no ``unit_id``), a period derived from a date (the quarter of a Google Forms
  timestamp) and an id from the line number (a Google Forms export has no response id).

Nothing is guessed: a header, a spelling or a constant that is neither built in nor
written in ``evalkit.toml`` is not used. :func:`evalkit.suggest.suggest_mapping` writes a
draft that the user reviews and saves as ``evalkit.toml``.

The mapping file
----------------
TOML, in the data folder, named ``evalkit.toml``::

    [tables.employees]
    file = "Data Pegawai 2025.xlsx"      # the file (in this folder) that holds the table
    sheet = "Sheet1"                     # the sheet, for a workbook
    date_format = "%d-%m-%Y"             # how its text dates are written (Python strptime)

    [tables.employees.columns]           # header as written = model column
    "NIP Baru" = "nip"
    "Satuan Kerja" = "unit_id"
    "NIP Lama" = ""                      # "" = not used (keeps it from being ambiguous)

    [tables.employees.values.position_type]   # the agency's spelling = the model's code
    "Struktural Eselon III" = "administrator"

    [tables.citizen]
    file = "SKM Disdukcapil (Jawaban).csv"
    period_from = "survey_date"          # period = quarter of this date column
    line_id = "response_id"              # fill this column from the line number

    [tables.citizen.constants]           # columns the file lacks, one value for every row
    unit_id = "DISDUKCAPIL"

A mistake in the mapping (a table or column that does not exist, a header that is not in
the file, two headers mapped to one column, a required column left unmapped, a value that
is no code of its column) stops loading with one message that names the line of
``evalkit.toml`` to fix.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .io import parse as P
from .io.read import InputError, RawTable, Source
from .tables import (
    CODES,
    SKM_ANSWER_CODES,
    SKM_SCALES,
    TABLE_HEADERS,
    TABLES,
    normalise_header,
    normalise_label,
)

__all__ = [
    "MAPPING_FILE",
    "Mapping",
    "TableMapping",
    "apply_mapping",
    "load_mapping",
    "mapped_sources",
]

#: The name of the mapping file in a data folder.
MAPPING_FILE = "evalkit.toml"

_TABLE_KEYS = (
    "file",
    "sheet",
    "columns",
    "values",
    "constants",
    "date_format",
    "period_from",
    "line_id",
)


@dataclass(frozen=True)
class TableMapping:
    """The mapping of one table (one ``[tables.NAME]`` section and its sub-tables).

    ``lines`` gives the line of ``evalkit.toml`` of each entry: ``("columns", header)``,
    ``("values", column, label)``, ``("constants", column)``, ``(key,)`` for the plain
    keys, and ``("section", name)`` for a section header.
    """

    table: str
    file: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    date_format: str | None = None
    period_from: str | None = None
    line_id: str | None = None
    lines: dict[tuple, int] = field(default_factory=dict)
    name: str = MAPPING_FILE

    def line(self, *key: str) -> int:
        """The line of an entry, else of its section, else of the table's section."""
        for k in (key, ("section", key[0]) if key else None, ("section", "")):
            if k is not None and k in self.lines:
                return self.lines[k]
        return 1

    def where(self, *key: str) -> str:
        return f"{self.name} line {self.line(*key)}"


@dataclass(frozen=True)
class Mapping:
    """A parsed ``evalkit.toml``: one :class:`TableMapping` per table it names."""

    path: Path
    sha256: str
    tables: dict[str, TableMapping]


# --------------------------------------------------------------------------------------
# reading the file
# --------------------------------------------------------------------------------------

_KEY = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_SECTION = re.compile(rf"^\s*\[\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*\]\s*(?:#.*)?$")
_ENTRY = re.compile(rf"^\s*({_KEY})\s*=")


def _unquote(key: str) -> str:
    key = key.strip()
    if key.startswith('"'):
        return tomllib.loads(f"k = {key}")["k"]
    if key.startswith("'"):
        return key[1:-1]
    return key


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of every section and entry: ``("tables", "employees", "columns", "NIP")`` →
    its line (1-based). Sections map their own dotted path."""
    out: dict[tuple[str, ...], int] = {}
    section: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        m = _SECTION.match(line)
        if m:
            section = tuple(_unquote(k) for k in re.findall(_KEY, m.group(1)))
            out.setdefault(section, number)
            continue
        m = _ENTRY.match(line)
        if m:
            out.setdefault((*section, _unquote(m.group(1))), number)
    return out


def load_mapping(folder: str | Path) -> Mapping | None:
    """The folder's ``evalkit.toml``, parsed and checked against the data model.

    Returns ``None`` when the folder has no mapping file (or ``folder`` is a workbook).

    Raises
    ------
    InputError
        When the file is not valid TOML or names a table, key, column or code that does
        not exist; every problem names its line.
    """
    folder = Path(folder)
    path = folder / MAPPING_FILE
    if not folder.is_dir() or not path.is_file():
        return None
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{MAPPING_FILE}: not valid TOML ({exc})") from None
    lines = _key_lines(text)
    problems: list[str] = []
    tables: dict[str, TableMapping] = {}
    for key in doc:
        if key != "tables":
            line = lines.get((key,), 1)
            problems.append(
                f"{MAPPING_FILE} line {line}: unknown section or key {key!r}; "
                "a mapping has only [tables.NAME] sections"
            )
    tables_doc = doc.get("tables") or {}
    if not isinstance(tables_doc, dict):
        tables_doc = {}
        problems.append(
            f"{MAPPING_FILE} line {lines.get(('tables',), 1)}: 'tables' must be sections "
            "[tables.NAME]"
        )
    for name, spec in tables_doc.items():
        line = lines.get(("tables", name), 1)
        if not isinstance(spec, dict):
            problems.append(
                f"{MAPPING_FILE} line {line}: tables.{name} must be a section [tables.{name}]"
            )
            continue
        if name not in TABLES:
            problems.append(
                f"{MAPPING_FILE} line {line}: [tables.{name}]: no table {name!r}; "
                f"the tables are {', '.join(TABLES)}"
            )
            continue
        tm, more = _table_mapping(name, spec, lines)
        problems += more
        tables[name] = tm
    if problems:
        raise InputError(
            f"the mapping {path} cannot be used:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return Mapping(path, hashlib.sha256(data).hexdigest(), tables)


def _table_mapping(
    name: str, spec: dict, lines: dict[tuple[str, ...], int]
) -> tuple[TableMapping, list[str]]:
    table = TABLES[name]
    model = table.column_names
    own: dict[tuple, int] = {("section", ""): lines.get(("tables", name), 1)}
    for path, number in lines.items():
        if path[:2] != ("tables", name):
            continue
        rest = path[2:]
        if len(rest) == 1 and rest[0] in ("columns", "values", "constants"):
            own[("section", rest[0])] = number
        elif len(rest) == 1:
            own[(rest[0],)] = number
        elif len(rest) == 2:
            own[(rest[0], rest[1])] = number
            if rest[0] == "values":
                own[("section", "values", rest[1])] = number
        elif len(rest) == 3:
            own[(rest[0], rest[1], rest[2])] = number
    tm = TableMapping(name, lines=own)
    problems: list[str] = []

    def where(*key: str) -> str:
        return tm.where(*key)

    for key in spec:
        if key not in _TABLE_KEYS:
            problems.append(
                f"{where(key)}: [tables.{name}] has no key {key!r}; "
                f"the keys are {', '.join(_TABLE_KEYS)}"
            )
    text_keys = {}
    for key in ("file", "sheet", "date_format", "period_from", "line_id"):
        value = spec.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where(key)}: {key} must be text in quotes; found {value!r}")
            value = None
        text_keys[key] = value
    if text_keys["date_format"] is not None and "%" not in text_keys["date_format"]:
        problems.append(
            f"{where('date_format')}: date_format {text_keys['date_format']!r} has no "
            '%-codes; write it as Python\'s strptime does, e.g. "%d/%m/%Y"'
        )
    for key in ("period_from", "line_id"):
        column = text_keys[key]
        if column is not None and column not in model:
            problems.append(
                f"{where(key)}: {key} = {column!r} is not a column of {name}; "
                f"the columns are {', '.join(model)}"
            )
    if text_keys["period_from"] is not None and "period" not in model:
        problems.append(f"{where('period_from')}: table {name} has no period column")
    elif (
        text_keys["period_from"] in model and table.column(text_keys["period_from"]).dtype != "date"
    ):
        dates = ", ".join(c.name for c in table.columns if c.dtype == "date") or "none"
        problems.append(
            f"{where('period_from')}: period_from = {text_keys['period_from']!r} is not a date "
            f"column of {name}; its date columns: {dates}"
        )

    columns: dict[str, str] = {}
    targets: dict[str, str] = {}
    for header, target in (spec.get("columns") or {}).items():
        if not isinstance(target, str) or (target and target not in model):
            problems.append(
                f"{where('columns', header)}: {header!r} = {target!r}: {name} has no column "
                f'{target!r}; the columns are {", ".join(model)} (or "" to leave it unused)'
            )
            continue
        if target and target in targets:
            problems.append(
                f"{where('columns', header)}: {header!r} and {targets[target]!r} "
                f"({where('columns', targets[target])}) are both mapped to {target!r}; "
                'map one of them to another column or to ""'
            )
            continue
        if target:
            targets[target] = header
        columns[header] = target

    values: dict[str, dict[str, object]] = {}
    for column, table_values in (spec.get("values") or {}).items():
        if column not in model or not isinstance(table_values, dict):
            problems.append(
                f"{where('section', 'values', column)}: [tables.{name}.values.{column}]: "
                f"{name} has no column {column!r}; the columns are {', '.join(model)}"
            )
            continue
        col = table.column(column)
        values[column] = {}
        for label, code in table_values.items():
            reason = _check_value(col.dtype, col.codes, code)
            if reason is not None:
                problems.append(f"{where('values', column, label)}: {label!r} = {code!r}: {reason}")
                continue
            values[column][label] = code

    constants: dict[str, object] = {}
    for column, value in (spec.get("constants") or {}).items():
        if column not in model:
            problems.append(
                f"{where('constants', column)}: constant {column!r}: {name} has no such "
                f"column; the columns are {', '.join(model)}"
            )
            continue
        col = table.column(column)
        reason = _check_value(col.dtype, col.codes, value)
        if reason is not None:
            problems.append(f"{where('constants', column)}: {column} = {value!r}: {reason}")
            continue
        constants[column] = value
    tm = TableMapping(
        name,
        file=text_keys["file"],
        sheet=text_keys["sheet"],
        columns=columns,
        values=values,
        constants=constants,
        date_format=text_keys["date_format"],
        period_from=text_keys["period_from"],
        line_id=text_keys["line_id"],
        lines=own,
    )
    return tm, problems


def _check_value(dtype: str, codes: str | None, value: object) -> str | None:
    """Why ``value`` cannot stand in a column of that type (``None`` when it can)."""
    if dtype == "category":
        if not isinstance(value, str) or value not in CODES[codes]:
            return f"not a code of this column; the codes are {', '.join(CODES[codes])}"
    elif dtype in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "this column holds numbers: write the number without quotes"
        if dtype == "int" and float(value) != int(value):
            return "this column holds whole numbers"
    elif dtype == "period":
        try:
            P.period_quarters(str(value))
        except ValueError:
            return 'not a quarter (write it as "2025Q3")'
        if re.fullmatch(r"\d{4}", str(value).strip()):
            return 'a year, not a quarter (write it as "2025Q3")'
    elif dtype == "date":
        if not isinstance(value, _dt.date | str):
            return "not a date (write it as 2025-07-01)"
    elif not isinstance(value, str):
        return "this column holds text: write the value in quotes"
    return None


# --------------------------------------------------------------------------------------
# files and sheets
# --------------------------------------------------------------------------------------


def mapped_sources(mapping: Mapping | None, folder: Path) -> tuple[dict[str, Source], list[str]]:
    """The sources that the mapping names (``file`` / ``sheet``), and problems."""
    sources: dict[str, Source] = {}
    problems: list[str] = []
    if mapping is None:
        return sources, problems
    for name, tm in mapping.tables.items():
        if tm.file is None:
            if tm.sheet is not None:
                problems.append(f'{tm.where("sheet")}: sheet without file; add file = "….xlsx"')
            continue
        path = folder / tm.file
        if not path.is_file():
            present = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file()))
            problems.append(
                f"{tm.where('file')}: file {tm.file!r} is not in {folder}; the folder has "
                f"{present or 'no files'}"
            )
            continue
        if tm.sheet is not None:
            from .io.read import _sheet_names

            sheets = _sheet_names(path)
            if tm.sheet not in sheets:
                problems.append(
                    f"{tm.where('sheet')}: {tm.file} has no sheet {tm.sheet!r}; its sheets are "
                    + ", ".join(repr(s) for s in sheets)
                )
                continue
        sources[name] = Source(name, path, tm.sheet)
    return sources, problems


# --------------------------------------------------------------------------------------
# the mapping step
# --------------------------------------------------------------------------------------


def _rename(
    name: str, header: list[str], tm: TableMapping | None, label: str
) -> tuple[list[str | None], list[str]]:
    """Model column of every header cell (``None`` = not used), and problems."""
    problems: list[str] = []
    by_exact = dict(tm.columns) if tm else {}
    norm_to_key = {normalise_header(h): h for h in by_exact}
    used_keys: set[str] = set()
    out: list[str | None] = []
    origin: dict[str, tuple[int, str]] = {}
    for i, h in enumerate(header):
        text = str(h)
        key = text if text in by_exact else norm_to_key.get(normalise_header(text))
        if key is not None:
            used_keys.add(key)
            target = by_exact[key] or None
            how = f"mapped by {tm.where('columns', key)}"
        else:
            target = TABLE_HEADERS[name].get(normalise_header(text))
            how = "a built-in header"
        if target is not None and target in origin:
            j, other_how = origin[target]
            problems.append(
                f"{label}: column '{target}' appears twice: '{header[j]}' (column {j + 1}, "
                f"{other_how}) and '{text}' (column {i + 1}, {how}) both name it; keep one, or "
                f'map the other to another column or to "" in {MAPPING_FILE}'
            )
            target = None
        if target is not None:
            origin[target] = (i, how)
        out.append(target)
    if tm:
        for key in by_exact:
            if key not in used_keys:
                shown = ", ".join(f"'{h}'" for h in header)
                problems.append(
                    f"{tm.where('columns', key)}: header '{key}' is not in {label}; "
                    f"its header row has {shown}"
                )
    return out, problems


def _reject(raw: RawTable, rows: np.ndarray, column: str, values, reasons) -> None:
    """Quarantine cells found bad by the mapping step (their rows leave the frame)."""
    for r, v, why in zip(rows, values, reasons, strict=True):
        raw.rejected.append(
            {"line": int(raw.lines[r]), "column": column, "value": v, "reason": why}
        )


def apply_mapping(
    name: str, header: list[str], raw: RawTable, mapping: Mapping | None
) -> tuple[list[str], RawTable, list[str]]:
    """Run the mapping step on one table as read.

    Parameters
    ----------
    name
        The table.
    header
        The header cells as written.
    raw
        The table's cells (positional columns, one per header cell).
    mapping
        The folder's mapping, or ``None``.

    Returns
    -------
    header, raw, problems
        The header in model names (unused headers as written), the cells with mapped
        values, constant and derived columns appended and rows with unmappable cells
        moved to ``raw.rejected`` (file, line, column, value, reason), and the problems
        that make the table unusable (each naming the mapping's line or both headers).
    """
    tm = mapping.tables.get(name) if mapping is not None else None
    table = TABLES[name]
    label = raw.source.label
    targets, problems = _rename(name, header, tm, label)
    positions = {t: i for i, t in enumerate(targets) if t is not None}
    frame = raw.frame.copy()

    def new_column(column: str, values, why_key: tuple[str, ...]) -> None:
        if column in positions:
            j = positions[column]
            problems.append(
                f"{tm.where(*why_key)}: {column} is given here, but {label} has it already "
                f"(column {j + 1}, '{header[j]}'); remove one of them"
            )
            return
        k = len(frame.columns)
        frame[k] = values
        positions[column] = k

    if tm is not None:
        for column, value in tm.constants.items():
            cell = value if not raw.text_only else P.format_cell(value)
            new_column(column, pd.Series([cell] * len(frame), dtype=object), ("constants", column))
        if tm.line_id is not None:
            ids = pd.Series([f"baris-{int(x)}" for x in raw.lines], dtype=object)
            new_column(tm.line_id, ids, ("line_id",))
    if problems:
        return header, raw, problems
    raw.frame = frame

    bad_rows: dict[int, None] = {}
    if tm is not None and tm.date_format is not None:
        date_cols = [c.name for c in table.columns if c.dtype == "date" and c.name in positions]
        for column in date_cols:
            _apply_date_format(raw, positions[column], column, tm, bad_rows)
    if tm is not None and tm.period_from is not None:
        source = tm.period_from
        if source not in positions:
            problems.append(
                f"{tm.where('period_from')}: period_from = {source!r}, but no column of "
                f"{label} is {source}"
            )
            return header, raw, problems
        dates, reasons = P.parse_dates(raw.frame[positions[source]], raw.text_only)
        quarters = (
            dates.dt.year.astype("Int64").astype("str")
            + "Q"
            + dates.dt.quarter.astype("Int64").astype("str")
        )
        quarters = quarters.where(dates.notna(), "")
        rows = np.flatnonzero(dates.isna().to_numpy())
        if len(rows):
            shown = P.cell_text(raw.frame[positions[source]].iloc[rows], raw.text_only)
            _reject(
                raw,
                rows,
                source,
                shown.to_numpy(),
                [
                    f"the period is the quarter of {source} ({tm.where('period_from')}), "
                    "and this cell holds no date"
                ]
                * len(rows),
            )
            bad_rows.update(dict.fromkeys(rows.tolist()))
        new_column("period", quarters.astype(object).to_numpy(), ("period_from",))
        raw.frame = frame
        if problems:
            return header, raw, problems

    for c in table.columns:
        if c.name not in positions:
            continue
        own = tm.values.get(c.name, {}) if tm is not None else {}
        if c.name in SKM_SCALES:
            _apply_answers(raw, positions[c.name], c.name, own, bad_rows)
        elif own:
            _apply_values(raw, positions[c.name], own)

    missing = [c for c in table.required_columns if c not in positions]
    if missing:
        shown = ", ".join(f"'{h}'" for h in header) or "nothing"
        if tm is not None:
            for column in missing:
                problems.append(
                    f"{tm.where('section', 'columns')}: no header of {label} maps to the "
                    f'required column {column}; add a line "<header>" = "{column}" under '
                    f"[tables.{name}.columns] (the header row has {shown}), or a constant"
                )
        else:
            listed = ", ".join(f"'{c}'" for c in missing)
            problems.append(
                f"{label}: required column{'s' if len(missing) > 1 else ''} {listed} missing; "
                f"the header row has {shown}. If the file names it differently, map it in "
                f"{MAPPING_FILE} (evalkit validate DIR --suggest-mapping writes a draft)"
            )
        return header, raw, problems

    if bad_rows:
        keep = np.ones(len(raw.frame), dtype=bool)
        keep[list(bad_rows)] = False
        raw.frame = raw.frame[keep].reset_index(drop=True)
        raw.lines = raw.lines[keep]
        raw.rejected.sort(key=lambda r: r["line"])
    width = len(raw.frame.columns)
    names = [str(h) for h in header] + [""] * (width - len(header))
    for j, target in enumerate(targets):
        if target is None and normalise_header(names[j]) in table.column_names:
            names[j] = f"(not used) {names[j]}"  # mapped to "": never read as that column
    for column, j in positions.items():
        names[j] = column
    raw.frame.columns = range(width)
    return names, raw, problems


def _apply_date_format(
    raw: RawTable, j: int, column: str, tm: TableMapping, bad_rows: dict[int, None]
) -> None:
    """Text dates written as ``tm.date_format`` → ISO text; other text quarantined."""
    s = raw.frame[j]
    text = P.cell_text(s, raw.text_only)
    is_text = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool) & text.ne("").to_numpy()
    if not is_text.any():
        return
    uniques = pd.unique(text[is_text])
    parsed: dict[str, str | None] = {}
    for u in uniques:
        try:
            parsed[u] = _dt.datetime.strptime(u, tm.date_format).date().isoformat()
        except ValueError:
            parsed[u] = None
    converted = text.map(parsed)
    bad = is_text & converted.isna().to_numpy()
    out = s.copy().astype(object)
    out[is_text & ~bad] = converted[is_text & ~bad]
    raw.frame[j] = out
    rows = np.flatnonzero(bad)
    if len(rows):
        _reject(
            raw,
            rows,
            column,
            text.iloc[rows].to_numpy(),
            [f"not a date written as {tm.date_format} ({tm.where('date_format')})"] * len(rows),
        )
        bad_rows.update(dict.fromkeys(rows.tolist()))


def _apply_values(raw: RawTable, j: int, own: dict[str, object]) -> None:
    """The mapping's spellings of one column → its codes (other cells unchanged)."""
    s = raw.frame[j]
    text = P.cell_text(s, raw.text_only)
    lookup = {normalise_label(k): v for k, v in own.items()}
    mapped = text.map(lambda t: lookup.get(normalise_label(t)) if t else None)
    hit = mapped.notna().to_numpy()
    if hit.any():
        out = s.copy().astype(object)
        out[hit] = mapped[hit].map(P.format_cell if raw.text_only else (lambda v: v))
        raw.frame[j] = out


def _apply_answers(
    raw: RawTable,
    j: int,
    item: str,
    own: dict[str, object],
    bad_rows: dict[int, None],
) -> None:
    """SKM answers as text → 1–4 (the mapping's spellings first, then the item's scale
    and the generic scale); a text answer on no scale is quarantined, shown as written."""
    s = raw.frame[j]
    text = P.cell_text(s, raw.text_only)
    lookup = dict(SKM_ANSWER_CODES[item])
    lookup.update({normalise_label(k): int(v) for k, v in own.items()})
    uniques = pd.unique(text)
    known: dict[str, object] = {}
    unknown: set[str] = set()
    for u in uniques:
        if u == "" or re.fullmatch(r"[+-]?\d+(?:[.,]0+)?", u):
            continue
        value = lookup.get(normalise_label(u))
        if value is None:
            unknown.add(u)
        else:
            known[u] = value
    if known:
        hit = text.isin(list(known)).to_numpy()
        out = s.copy().astype(object)
        out[hit] = text[hit].map(
            lambda t: str(known[t]) if raw.text_only else int(known[t])  # type: ignore[arg-type]
        )
        raw.frame[j] = out
    if unknown:
        bad = text.isin(list(unknown)).to_numpy()
        rows = np.flatnonzero(bad)
        scale = ", ".join(f"{t} = {i}" for i, t in enumerate(SKM_SCALES[item], start=1))
        fix = f" or add it under [tables.citizen.values.{item}] in {MAPPING_FILE}"
        reason = (
            f"answer not on the scale of {item}: expected {scale} (or Tidak sesuai … Sangat "
            f"sesuai, or 1–4){fix}"
        )
        if len(rows):
            _reject(raw, rows, item, text.iloc[rows].to_numpy(), [reason] * len(rows))
            bad_rows.update(dict.fromkeys(rows.tolist()))
