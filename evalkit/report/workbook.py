"""``tables.xlsx`` as officials expect it: a summary sheet first, then one sheet per table.

Every sheet starts with a title row (the table, the period, the data source), then a bold,
frozen header row with filters; columns are as wide as their content; numbers keep their
value and are shown with a format (percentages, one or two decimals, thousands grouped,
p- and q-values below 0.001 as ``< 0,001``). Sheet names are short, meaningful and unique
(``sheet.<table>`` labels, within Excel's 31 characters); no header repeats within a sheet;
columns empty in every row are left out. Text cells are written as literal strings, so a
value that begins with ``=`` is never a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..labels import Labels
from .base import SectionTable, present

if TYPE_CHECKING:
    from .period import PeriodReport

__all__ = ["number_format", "sheet_names", "write_workbook"]

#: Rows above a table: its title, then one empty row.
TITLE_ROWS = 2
_MAX_WIDTH = 60


def _sheet_name(caption: str) -> str:
    """An Excel sheet name (≤ 31 characters, no ``[]:*?/\\``) cut at a word boundary."""
    text = re.sub(r"[\[\]:*?/\\]", " ", caption).strip()
    if len(text) <= 31:
        return text
    cut = text[:30].rsplit(" ", 1)[0]
    return cut + "…"


def sheet_names(names: Iterable[str], labels: Labels) -> dict[str, str]:
    """A unique Excel sheet name for each table, the summary sheet's name taken first.

    The name is the label ``sheet.<table>`` when there is one (short names chosen to
    be read), else the table's caption cut to 31 characters; a name already used gets
    `` (2)``, `` (3)`` ….

    Examples
    --------
    >>> sheet_names(["trend", "trend_x"], Labels("en"))
    {'trend': 'Trend per quarter', 'trend_x': 'table.trend_x'}
    """
    used = {_sheet_name(labels["sheet.summary"]).lower()}
    out = {}
    for name in names:
        key = f"sheet.{name}"
        caption = labels[key] if key in labels else labels.get(f"table.{name}", f"table.{name}")
        sheet = base = _sheet_name(caption)
        i = 2
        while sheet.lower() in used:
            suffix = f" ({i})"
            sheet = base[: 31 - len(suffix)] + suffix
            i += 1
        used.add(sheet.lower())
        out[name] = sheet
    return out


def number_format(column: str, values: pd.Series, labels: Labels, digits: int = 2) -> str | None:
    """The Excel number format of a column, or None for text.

    Shares (``share``, ``share_*``) as percentages with one decimal; p- and q-values with
    three decimals and ``< 0,001`` (``< 0.001`` in English) below 0.001; whole numbers
    grouped by thousands; other numbers with ``digits`` decimals, at least one and at most
    two. Excel shows the decimal mark of the reader's own settings.

    Examples
    --------
    >>> number_format("q_value", pd.Series([0.2]), Labels("id"))
    '[<0.001]"< 0,001";0.000'
    >>> number_format("share_baik", pd.Series([0.5]), Labels("en"))
    '0.0%'
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if column == "share" or column.startswith("share_"):
        return "0.0%"
    if column in ("p_val", "q_val", "q_value"):
        return f'[<0.001]"< {labels.number(0.001, 3)}";0.000'
    if pd.api.types.is_integer_dtype(values):
        return "#,##0"
    given = values.dropna()
    if len(given) and np.allclose(given, given.round()) and given.abs().max() >= 1000:
        return "#,##0"
    return "0." + "0" * min(max(digits, 1), 2)


def _literal(cell: Any, value: str) -> None:
    """Write ``value`` as a literal string (never a formula, whatever it begins with)."""
    cell.value = value
    cell.data_type = "s"


def _unique(headers: list[str]) -> list[str]:
    """Headers with repeats numbered (`` (2)``), so that no header appears twice."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        n = seen.get(h, 0) + 1
        seen[h] = n
        out.append(h if n == 1 else f"{h} ({n})")
    return out


def _table_frame(table: SectionTable, labels: Labels) -> tuple[pd.DataFrame, list[str]]:
    """The shown table with codes labelled and yes/no for booleans (numbers stay numbers);
    and its canonical column names."""
    shown = SectionTable(table.name, table.shown(), table.codes, table.digits)
    columns = list(shown.frame.columns)
    frame = shown.localised(labels)
    for column in frame.columns:
        given = [v for v in frame[column] if present(v)]
        if given and all(isinstance(v, (bool, np.bool_)) for v in given):
            frame[column] = [
                (labels["text.yes"] if v else labels["text.no"]) if present(v) else None
                for v in frame[column]
            ]
    return frame, columns


def _write_sheet(ws, title: str, frame: pd.DataFrame, formats: list[str | None]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    _literal(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    header_row = TITLE_ROWS + 1
    fill = PatternFill("solid", fgColor="DCE6F1")
    headers = _unique([str(c) for c in frame.columns])
    widths = [len(h) for h in headers]
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=j)
        _literal(cell, h)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False), start=header_row + 1):
        for j, (value, fmt) in enumerate(zip(row, formats, strict=True), start=1):
            cell = ws.cell(row=i, column=j)
            if not present(value):
                continue
            if fmt is None or isinstance(value, str):
                text = str(value)
                _literal(cell, text)
                widths[j - 1] = max(widths[j - 1], len(text))
            else:
                cell.value = float(value) if isinstance(value, (float, np.floating)) else int(value)
                cell.number_format = fmt
                widths[j - 1] = max(widths[j - 1], 10)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(_MAX_WIDTH, max(8, w + 2))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if len(headers):
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(frame), 1)}"


def write_workbook(report: PeriodReport, path: str | Path) -> Path:
    """Write ``tables.xlsx``: the summary sheet, then every shared table of ``report``.

    Parameters
    ----------
    report : PeriodReport
        The built report.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    labels = report.labels
    source = report._source()
    tables = report.tables()
    names = sheet_names(tables, labels)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(labels["sheet.summary"])
    _literal(ws.cell(row=1, column=1), labels("text.title", period=report.period))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _literal(
        ws.cell(row=2, column=1),
        labels("text.sheet_meta", period=report.period, source=source),
    )
    row = 3
    if report.synthetic:
        _literal(ws.cell(row=row, column=1), labels["text.synthetic_banner"])
        ws.cell(row=row, column=1).font = Font(bold=True, color="9C5700")
        row += 1
    row += 1
    for j, h in enumerate((labels["text.sheet_finding"], labels["text.sheet_uncertainty"]), 1):
        _literal(ws.cell(row=row, column=j), h)
        ws.cell(row=row, column=j).font = Font(bold=True)
    for finding in report.sections["summary"].findings:
        row += 1
        for j, text in enumerate((finding.text, finding.uncertainty), 1):
            _literal(ws.cell(row=row, column=j), text)
            ws.cell(row=row, column=j).alignment = Alignment(wrap_text=True, vertical="top")
    row += 2
    for j, h in enumerate((labels["text.sheet_sheet"], labels["text.sheet_table"]), 1):
        _literal(ws.cell(row=row, column=j), h)
        ws.cell(row=row, column=j).font = Font(bold=True)
    for name in tables:
        row += 1
        _literal(ws.cell(row=row, column=1), names[name])
        _literal(ws.cell(row=row, column=2), labels[f"table.{name}"])
    ws.column_dimensions["A"].width = 80
    ws.column_dimensions["B"].width = 60
    for name, table in tables.items():
        frame, columns = _table_frame(table, labels)
        formats = [
            number_format(c, frame[h], labels, table.digits)
            for c, h in zip(columns, frame.columns, strict=True)
        ]
        title = labels(
            "text.sheet_title", table=labels[f"table.{name}"], period=report.period, source=source
        )
        _write_sheet(wb.create_sheet(names[name]), title, frame, formats)
    from ..privacy import literal_workbook

    literal_workbook(wb)  # every text cell a literal string (privacy's own check, too)
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    path.write_bytes(buffer.getvalue())
    return path
