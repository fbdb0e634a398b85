"""The Excel collection kit: the workbook a data steward fills, and reading it back.

``evalkit template --out kit.xlsx [--data DIR] [--language id|en]`` writes it with
:func:`write_template`. The workbook holds:

* a sheet of instructions ("Petunjuk"): what each sheet is for, who fills it, the five
  mistakes that lose rows and how the kit prevents each;
* one sheet per table, named by its Indonesian name (:data:`evalkit.tables.TABLE_NAMES`,
  e.g. "Pegawai"; the table's own name in English), with the table's Indonesian headers
  (:func:`evalkit.tables.kit_header`) frozen in row 1 and an input message on every
  column that says what it holds and whether it is required;
* formats that keep values intact: NIP columns as Text (``@``), date columns as dates
  (``DD/MM/YYYY``);
* a drop-down list on every coded column (rating labels, BerAKHLAK values, rater roles,
  predikat, gender …), on SKM answers (1–4) and on the id columns: unit and indicator
  ids from ``--data`` when given, else from the kit's own "Unit Kerja", "Pegawai" and
  "Indikator" sheets; whole-number limits on scores and ages; date-only date columns.
  The lists live on a hidden "Daftar" sheet and are referenced as ranges.

A filled kit is read like any study input: ``evalkit validate kit.xlsx`` and
``evalkit study --data kit.xlsx`` (sheets are found by name, headers and labels by
:data:`evalkit.tables.TABLE_HEADERS` and :data:`evalkit.tables.LABEL_CODES`).
:func:`write_template` with ``fill=True`` writes a study's rows into the kit (the round
trip that the tests check: the kit read back gives the same results as the CSV files).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .labels import Labels
from .privacy import literal_cell
from .tables import (
    CODES,
    SKM_ITEM_NAMES,
    SKM_SCALES,
    TABLE_NAMES,
    TABLES,
    Column,
    kit_header,
)

__all__ = ["sheet_name", "write_template"]

#: Rows that carry the validations and formats (Excel's last row).
_LAST_ROW = 1_048_576
_DATE_FORMAT = "DD/MM/YYYY"
#: id columns whose drop-down comes from another sheet of the kit (or from ``--data``)
_ID_SOURCES = {"units": "unit_id", "employees": "employee_id", "indicators": "indicator_id"}


def sheet_name(table: str, language: str = "id") -> str:
    """The kit's sheet of ``table``: its first Indonesian name in title case ("Hasil
    Kerja"), or the table's own name in English. Both are found by the loader."""
    if language == "en" or not TABLE_NAMES.get(table):
        return table
    words = TABLE_NAMES[table][0].split("_")
    return " ".join(w.upper() if w in ("skm", "asn", "opd") else w.capitalize() for w in words)


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _code_labels(codes: str, labels: Labels, language: str) -> list[str]:
    """Drop-down entries of a code list: Indonesian labels ("Di Atas Ekspektasi"), or the
    model's codes in English (both read back as the code)."""
    if language == "en":
        return list(CODES[codes])
    return [labels.code(codes, c) for c in CODES[codes]]


def _id_lists(data: object) -> dict[str, list[str]]:
    """Ids of units, employees and indicators of ``data`` (a study or a folder)."""
    if data is None:
        return {}
    study = data
    if isinstance(data, str | Path):
        from .io import load_study

        study = load_study(data)
    out = {}
    for table, column in _ID_SOURCES.items():
        frame = getattr(study, table)
        out[table] = sorted(frame[column].dropna().astype(str).unique().tolist())
    return out


def _message(table: str, c: Column, labels: Labels) -> str:
    if c.name in SKM_SCALES:
        scale = ", ".join(f"{i} = {t}" for i, t in enumerate(SKM_SCALES[c.name], start=1))
        text = labels("kit.col.citizen.u", item=c.name.upper(), name=SKM_ITEM_NAMES[c.name])
        text += " " + labels("kit.skm_scale", scale=scale)
    else:  # a table without kit texts yet falls back to the data model's description
        text = labels.get(f"kit.col.{table}.{c.name}") or c.description or c.name
    text += " " + labels["kit.required" if c.required else "kit.optional"]
    return text[:255]


class _Lists:
    """The hidden sheet of drop-down lists: one column per list."""

    def __init__(self, name: str):
        self.name = name
        self.columns: list[list[object]] = []
        self.titles: list[str] = []
        self.refs: dict[tuple, str] = {}

    def ref(self, key: tuple, values: list[object]) -> str:
        if key not in self.refs:
            self.columns.append(list(values))
            self.titles.append(key[-1])
            letter = _column_letter(len(self.columns) - 1)
            n = max(len(values), 1) + 1
            self.refs[key] = f"'{self.name}'!${letter}$2:${letter}${n}"
        return self.refs[key]


def _validation(
    table: str,
    c: Column,
    header: str,
    labels: Labels,
    language: str,
    lists: _Lists,
    ids: dict[str, list[str]],
):
    """The data validation of one column (type, list or limits, and its input message)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kw: dict[str, object] = {}
    error = None
    reference = c.references.split(".")[0] if c.references else None
    if c.codes is not None:
        kw = {
            "type": "list",
            "formula1": lists.ref(("codes", c.codes), _code_labels(c.codes, labels, language)),
        }
        error = labels["kit.error.list"]
    elif c.name in SKM_SCALES:
        kw = {"type": "list", "formula1": lists.ref(("skm", "skm_1_4"), [1, 2, 3, 4])}
        error = labels["kit.error.list"]
    elif reference in _ID_SOURCES and reference != table:
        if reference in ids:
            formula = lists.ref(("ids", reference), ids[reference])
        else:
            ref_table = TABLES[reference]
            column = ref_table.column_names.index(_ID_SOURCES[reference])
            letter = _column_letter(column)
            formula = f"'{sheet_name(reference, language)}'!${letter}$2:${letter}$20000"
        kw = {"type": "list", "formula1": formula}
        error = labels["kit.error.list"]
    elif c.dtype == "int" and c.low is not None and c.high is not None:
        kw = {
            "type": "whole",
            "operator": "between",
            "formula1": str(int(c.low)),
            "formula2": str(int(c.high)),
        }
        error = labels("kit.error.whole", low=int(c.low), high=int(c.high))
    elif c.dtype == "float" and c.low is not None:
        high = c.high if c.high is not None else 1e12
        kw = {
            "type": "decimal",
            "operator": "between",
            "formula1": f"{c.low:g}",
            "formula2": f"{high:g}",
        }
        error = labels("kit.error.decimal", low=f"{c.low:g}", high=f"{high:g}")
    elif c.dtype == "date":
        kw = {"type": "date", "operator": "between", "formula1": "1", "formula2": "73051"}
        error = labels["kit.error.date"]
    dv = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=header[:32],
        prompt=_message(table, c, labels),
        showErrorMessage=error is not None,
        errorTitle=labels["kit.error.title"] if error else None,
        error=error,
        **kw,
    )
    return dv


def _cell_value(value: object, c: Column, labels: Labels, language: str) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if c.dtype == "category":
        return value if language == "en" else labels.code(c.codes, value)
    if c.dtype == "date":
        return pd.Timestamp(value).to_pydatetime()
    if c.dtype == "int":
        return int(value)
    if c.dtype == "float":
        return float(value)
    return str(value)


def write_template(
    out: str | Path,
    *,
    data: object = None,
    language: str = "id",
    fill: bool = False,
) -> Path:
    """Write the Excel collection kit.

    Parameters
    ----------
    out
        The ``.xlsx`` file to write (replaced if it exists).
    data
        A data folder or a loaded :class:`evalkit.io.Study`: its unit, employee and
        indicator ids become the drop-down lists of those columns. ``None``: the lists
        refer to the kit's own sheets.
    language : {"id", "en"}
        Language of the instructions, headers, messages and drop-down labels.
    fill
        Also write ``data``'s rows into the sheets (categories as their labels, NIPs as
        text, dates as dates): the kit as a steward would have filled it.

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> from evalkit.kit import write_template
    >>> write_template("kit.xlsx")  # doctest: +SKIP
    PosixPath('kit.xlsx')
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    if language not in ("id", "en"):
        raise ValueError(f"language must be 'id' or 'en'; got {language!r}")
    if fill and data is None:
        raise ValueError("fill=True needs data (a folder or a loaded study) to write")
    out = Path(out)
    labels = Labels(language)
    study = data
    if isinstance(data, str | Path):
        from .io import load_study

        study = load_study(data)
    ids = _id_lists(study)
    lists = _Lists(labels["kit.sheet.lists"])

    wb = Workbook(write_only=True)
    _instructions(wb.create_sheet(labels["kit.sheet.instructions"]), labels, out.name)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for name, table in TABLES.items():
        ws = wb.create_sheet(sheet_name(name, language))
        rows = len(getattr(study, name)) if fill else 0
        _declare_size(ws, len(table.columns), rows + 1)
        ws.freeze_panes = "A2"
        headers = [kit_header(name, c.name, language) for c in table.columns]
        for i, (c, header) in enumerate(zip(table.columns, headers, strict=True)):
            letter = _column_letter(i)
            dim = ws.column_dimensions[letter]
            dim.width = max(12, min(40, len(header) + 4))
            if c.dtype == "nip":
                dim.number_format = "@"
            elif c.dtype == "date":
                dim.number_format = _DATE_FORMAT
            dv = _validation(name, c, header, labels, language, lists, ids)
            dv.add(f"{letter}1:{letter}{_LAST_ROW}")
            ws.data_validations.append(dv)
        row = []
        for header in headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            row.append(cell)
        ws.append(row)
        if fill:
            _write_rows(ws, getattr(study, name), table, labels, language)
    lists_ws = wb.create_sheet(lists.name)
    lists_ws.sheet_state = "hidden"
    depth = max((len(col) for col in lists.columns), default=0)
    _declare_size(lists_ws, max(len(lists.columns), 1), depth + 1)
    lists_ws.append(lists.titles)
    for r in range(depth):
        lists_ws.append(
            [literal_cell(lists_ws, col[r]) if r < len(col) else None for col in lists.columns]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _declare_size(ws, columns: int, rows: int) -> None:
    """Give a write-only sheet its size (``<dimension>``), which openpyxl writes when
    the sheet has ``calculate_dimension``: without it, a reader that wants the size
    (openpyxl's read-only mode, which evalkit uses) parses the whole sheet to find it."""
    ref = f"A1:{_column_letter(columns - 1)}{max(rows, 1)}"
    ws.calculate_dimension = lambda: ref


def _write_rows(ws, frame: pd.DataFrame, table, labels: Labels, language: str) -> None:
    from openpyxl.cell import WriteOnlyCell

    columns = table.columns
    converted = []
    for c in columns:
        values = frame[c.name].astype(object).where(frame[c.name].notna(), None).tolist()
        converted.append([_cell_value(v, c, labels, language) for v in values])
    styled = [c.dtype in ("nip", "date") for c in columns]
    formats = ["@" if c.dtype == "nip" else _DATE_FORMAT for c in columns]
    for values in zip(*converted, strict=True):
        row = []
        for v, needs_style, fmt in zip(values, styled, formats, strict=True):
            if needs_style and v is not None:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = fmt
                row.append(cell)
            else:
                row.append(literal_cell(ws, v))  # a unit named "=HYPERLINK(…)" stays text
        ws.append(row)


def _instructions(ws, labels: Labels, filename: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 45
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(*values: object, bold: bool = False, size: int | None = None) -> None:
        row = []
        for v in values:
            cell = WriteOnlyCell(ws, value=v)
            cell.alignment = wrap
            if bold or size:
                cell.font = Font(bold=bold, size=size or 11)
            row.append(cell)
        ws.append(row)

    line(labels["kit.title"], bold=True, size=14)
    line(labels("kit.intro", file=filename))
    line()
    line(labels["kit.heading.sheets"], bold=True, size=12)
    line(
        labels["kit.heading.sheet"],
        labels["kit.heading.what"],
        labels["kit.heading.who"],
        bold=True,
    )
    for name in TABLES:
        what = labels.get(f"kit.what.{name}") or TABLES[name].description
        line(sheet_name(name, labels.language), what, labels.get(f"kit.who.{name}", ""))
    line()
    line(labels["kit.heading.mistakes"], bold=True, size=12)
    line("", labels["kit.heading.mistake"], labels["kit.heading.prevention"], bold=True)
    for i in range(1, 6):
        line(f"{i}.", labels[f"kit.mistake.{i}"], labels[f"kit.prevent.{i}"])
    line()
    line(labels["kit.heading.rules"], bold=True, size=12)
    for i in range(1, 5):
        line(f"{i}.", labels[f"kit.rule.{i}"])
