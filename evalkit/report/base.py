"""The shared layer of the report: sections, tables, figures and how numbers are written.

Every section module builds a :class:`Section` from a :class:`ReportContext`; tables are
:class:`SectionTable` (aggregate rows with canonical codes, labelled only when shown) and
figures :class:`SectionFigure` (PNG bytes). The helpers here write numbers the language's
way and turn results into JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._json import to_jsonable
from ..labels import Labels
from ..plots import figure_png
from ..tables import CODES

if TYPE_CHECKING:
    from ..io import Study
    from ..scoring import ScoringResult

__all__ = [
    "DEFAULT_RULES",
    "ReportContext",
    "Section",
    "SectionFigure",
    "SectionTable",
    "figure_png",
    "label_codes",
    "p_text",
    "present",
    "scored",
    "signed",
    "to_jsonable",
    "unit_names",
]

#: The scoring rule set of a report unless another is asked for.
DEFAULT_RULES = "permenpanrb_6_2022"


@dataclass
class SectionTable:
    """A shared table: aggregate rows, canonical columns and codes.

    Attributes
    ----------
    name : str
        Identifier (``tables.xlsx`` sheet and ``results.json`` key); its caption is the
        label ``table.<name>``.
    frame : DataFrame
        The table, small cells already suppressed (marker column ``suppressed``).
    codes : dict
        ``{column: CODES kind}`` for columns holding canonical codes to label.
    digits : int
        Decimals shown in the HTML.
    """

    name: str
    frame: pd.DataFrame
    codes: dict[str, str] = field(default_factory=dict)
    digits: int = 2

    def localised(self, labels: Labels, *, as_text: bool = False) -> pd.DataFrame:
        """The table with labelled headers and codes (numbers as text when ``as_text``).

        Codes are labelled through ``codes`` (and columns named after a kind of
        :data:`evalkit.tables.CODES`); a value holding several codes joined by ``"; "``
        is labelled code by code. With ``as_text``, numbers are written the language's
        way: shares (columns ``share``, ``share_*``) as percentages, p- and q-values
        (``p_val``, ``q_val``, ``q_value``) with three decimals or ``< 0.001``,
        booleans as yes/no, missing values as ``–``.
        """
        out = self.frame.copy()
        kinds = {c: c for c in out.columns if c in CODES} | self.codes
        kinds.setdefault("suppressed", "suppressed")
        for column, kind in kinds.items():
            if column in out.columns:
                out[column] = [label_codes(labels, kind, v) for v in out[column]]
        if as_text:
            for column in out.columns:
                out[column] = self._text(labels, column, out[column])
        out.columns = [labels.column(c) for c in out.columns]
        return out

    def _text(self, labels: Labels, column: str, s: pd.Series) -> list[str]:
        values = s.tolist()
        given = [v for v in values if present(v)]
        if given and all(isinstance(v, (bool, np.bool_)) for v in given):
            return [
                (labels["text.yes"] if v else labels["text.no"]) if present(v) else "–"
                for v in values
            ]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            return ["–" if not present(v) else str(v) for v in values]
        if column == "share" or column.startswith("share_"):
            return [labels.percent(v) for v in values]
        if column in ("p_val", "q_val", "q_value"):
            return [p_text(labels, v) if present(v) else "–" for v in values]
        if pd.api.types.is_integer_dtype(s):
            return [labels.integer(v) if present(v) else "–" for v in values]
        return [labels.number(v, self.digits) for v in values]

    def to_records(self) -> list[dict[str, Any]]:
        """Rows for ``results.json`` (canonical codes, NaN as null)."""
        return to_jsonable(self.frame.to_dict(orient="records"))


@dataclass
class SectionFigure:
    """A static figure: its label key and the PNG bytes."""

    name: str
    png: bytes


@dataclass
class Section:
    """One section of the period study, already in the report language.

    Attributes
    ----------
    key : str
        One of :data:`SECTIONS`.
    title : str
        Heading.
    paragraphs : list of str
        Narrative, in order.
    bullets : list of str
        A list shown after the paragraphs (the executive summary's findings).
    tables : list of SectionTable
        Shared (aggregate, suppressed) tables.
    figures : list of SectionFigure
        Static figures.
    findings : list of str
        The sentences this section contributes to the executive summary.
    results : dict
        This section's entry of ``results.json`` (canonical codes and numbers).
    restricted : dict
        ``{name: DataFrame}`` employee-level lists for ``restricted/`` only.
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[SectionTable] = field(default_factory=list)
    figures: list[SectionFigure] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    restricted: dict[str, pd.DataFrame] = field(default_factory=dict)

    def to_html(self, labels: Labels) -> str:
        """The section as static HTML: heading, paragraphs, tables, PNG figures."""
        import base64
        import html

        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        parts += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        if self.bullets:
            items = "".join(f"<li>{html.escape(b)}</li>" for b in self.bullets)
            parts.append(f'<ul class="evalkit-findings">{items}</ul>')
        for table in self.tables:
            parts.append(f"<h4>{html.escape(labels[f'table.{table.name}'])}</h4>")
            parts.append(
                table.localised(labels, as_text=True).to_html(
                    index=False, na_rep="–", classes="evalkit-table", border=0
                )
            )
        for fig in self.figures:
            data = base64.b64encode(fig.png).decode("ascii")
            alt = html.escape(labels[f"figure.{fig.name}"])
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{alt}"></figure>')
        return "\n".join(parts)


@dataclass
class ReportContext:
    """What every section builder receives.

    Attributes
    ----------
    study : Study
        The loaded study (all periods: trends and training need the history).
    period : str
        The report's period (a quarter or a year).
    labels : Labels
        The report language.
    min_cell : int
        Small-cell threshold.
    rules : str
        Scoring rule set.
    cache : dict
        Results shared between builders (e.g. scoring, used by the trend too).
    """

    study: Study
    period: str
    labels: Labels
    min_cell: int = 5
    rules: str = DEFAULT_RULES
    cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def label_codes(labels: Labels, kind: str, value: Any) -> str:
    """Label a code, or each code of ``"a; b"``; missing → ``""``."""
    if not present(value):
        return ""
    if isinstance(value, str) and "; " in value:
        return "; ".join(labels.code(kind, part) for part in value.split("; ") if part)
    return labels.code(kind, value)


def present(v: Any) -> bool:
    return not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))


def unit_names(study: Study) -> pd.DataFrame:
    return study.units[["unit_id", "name"]].rename(columns={"name": "unit_name"})


def p_text(labels: Labels, p: float) -> str:
    """A p-value as people read it: three decimals, or ``< 0.001``."""
    return f"< {labels.number(0.001, 3)}" if p < 0.001 else labels.number(p, 3)


def signed(labels: Labels, x: float, digits: int = 2) -> str:
    return ("+" if x >= 0 else "") + labels.number(x, digits)


def scored(ctx: ReportContext) -> ScoringResult:
    """:func:`evalkit.scoring.score_study` for the report's period, computed once per report
    (the data, scoring and trend sections share it)."""
    from ..scoring import score_study

    return ctx.cached("scoring", lambda: score_study(ctx.study, ctx.period, rules=ctx.rules))
