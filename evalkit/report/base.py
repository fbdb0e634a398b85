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
from ..plots import DPI
from ..plots import figure_png as _figure_png
from ..sufficiency import Insufficient
from ..tables import CODES
from .layout import figure_html, table_html

if TYPE_CHECKING:
    from ..io import Study
    from ..scoring import ScoringResult

__all__ = [
    "ATTENTION_ROWS",
    "DEFAULT_RULES",
    "FIGURE_SCALE",
    "Finding",
    "ReportContext",
    "Section",
    "SectionFigure",
    "SectionTable",
    "figure_png",
    "insufficient_section",
    "label_codes",
    "p_text",
    "present",
    "rules_name",
    "scored",
    "signed",
    "to_jsonable",
    "unit_names",
]

#: The scoring rule set of a report unless another is asked for.
DEFAULT_RULES = "permenpanrb_6_2022"
#: Figures are drawn at this multiple of their display size (sharp on phones and paper).
FIGURE_SCALE = 2
#: Rows of a "needs attention" table shown in the body; the rest are in the appendix
#: and tables.xlsx (a note under the table says how many).
ATTENTION_ROWS = 5


#: Columns holding words rather than numbers (left-aligned, wrapped).
_TEXT_COLUMNS = (
    "unit_name",
    "violations",
    "reason",
    "column",
    "file",
    "statistic",
    "higher_rater",
    "vs_regency",
)


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

    def shown(self) -> pd.DataFrame:
        """The table as people see it (HTML, ``tables.xlsx``): without columns that are
        empty in every row (such as ``suppressed`` when nothing was suppressed), the unit
        name first (it stays in view when a wide table scrolls) and ``unit_id`` after it."""
        frame = self.frame
        empty = [c for c in frame.columns if not frame[c].map(present).any()]
        frame = frame.drop(columns=empty)
        if "unit_name" in frame.columns:
            first = ["unit_name"] + (["unit_id"] if "unit_id" in frame.columns else [])
            frame = frame[first + [c for c in frame.columns if c not in first]]
        return frame

    def to_html(
        self, labels: Labels, *, max_rows: int | None = None, drop: tuple[str, ...] = ()
    ) -> str:
        """The shown table as HTML without the columns ``drop``, at most ``max_rows`` rows
        (then a note says how many more the appendix and ``tables.xlsx`` hold)."""
        import html

        frame = self.shown()
        frame = frame.drop(columns=[c for c in drop if c in frame.columns])
        shown = SectionTable(self.name, frame, self.codes, self.digits)
        frame = shown.localised(labels, as_text=True)
        more = ""
        if max_rows is not None and len(frame) > max_rows:
            more = f'<p class="ek-more">{html.escape(labels("text.more_rows", rows=len(frame) - max_rows))}</p>'
            frame = frame.iloc[:max_rows]
        text = tuple(labels.column(c) for c in _TEXT_COLUMNS if c in shown.frame.columns)
        return table_html(frame, text_columns=text) + more


@dataclass
class SectionFigure:
    """A static figure: its label key, the PNG bytes (drawn at :data:`FIGURE_SCALE`) and
    an optional caption (e.g. which units it shows)."""

    name: str
    png: bytes
    caption: str = ""


@dataclass
class Finding:
    """One finding of the brief: a plain sentence with its number, its uncertainty in
    words, and a sparkline.

    Attributes
    ----------
    key : str
        What it is about (``scoring``, ``pattern``, ``skm``, ``reliability``, …).
    text : str
        The sentence, with its number.
    uncertainty : str
        How sure the number is, in words (an interval, a sample, "a count").
    spark : str
        An inline ``<svg>`` (:mod:`evalkit.report.spark`), or ``""``.
    attention : bool
        Whether it points at something to act on (drawn in the alert colour).
    """

    key: str
    text: str
    uncertainty: str = ""
    spark: str = ""
    attention: bool = False

    def to_html(self) -> str:
        """The finding as a list item of the brief."""
        import html

        cls = "ek-finding ek-attention" if self.attention else "ek-finding"
        uncertain = (
            f'<p class="ek-uncertain">{html.escape(self.uncertainty)}</p>'
            if self.uncertainty
            else ""
        )
        spark = f'<div class="ek-fspark">{self.spark}</div>' if self.spark else ""
        return (
            f'<li class="{cls}"><div class="ek-ftext"><p>{html.escape(self.text)}</p>'
            f"{uncertain}</div>{spark}</li>"
        )


@dataclass
class Section:
    """One section of the period study, already in the report language.

    A section reads in this order: its figures (the chart first), its paragraphs (the
    plain reading), then its ``attention`` tables (only the units that need a look).
    Its full ``tables`` go to the closed appendix and to ``tables.xlsx``.

    Attributes
    ----------
    key : str
        One of :data:`SECTIONS`.
    title : str
        Heading.
    paragraphs : list of str
        Narrative, in order.
    tables : list of SectionTable
        Shared (aggregate, suppressed) tables, in full: the appendix and ``tables.xlsx``.
    attention : list of SectionTable
        The rows that need attention (flagged units, units outside the pattern, …),
        shown in the body; at most :data:`ATTENTION_ROWS` rows each.
    figures : list of SectionFigure
        Static figures, shown first.
    findings : list of Finding
        What this section contributes to the brief.
    results : dict
        This section's entry of ``results.json`` (canonical codes and numbers).
    restricted : dict
        ``{name: DataFrame}`` employee-level lists for ``restricted/`` only.
    html : str
        Extra HTML shown after the paragraphs (the brief's list, the glossary).
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[SectionTable] = field(default_factory=list)
    attention: list[SectionTable] = field(default_factory=list)
    figures: list[SectionFigure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    restricted: dict[str, pd.DataFrame] = field(default_factory=dict)
    html: str = ""

    @property
    def anchor(self) -> str:
        """The id of the section's element (for the contents' links)."""
        return f"s-{self.key}"

    def to_html(self, labels: Labels) -> str:
        """The section's body: heading, figures, plain reading, what needs attention."""
        import html

        parts = [f'<section id="{self.anchor}">', f"<h2>{html.escape(self.title)}</h2>"]
        for fig in self.figures:
            parts.append(
                figure_html(
                    fig.png, labels[f"figure.{fig.name}"], scale=FIGURE_SCALE, caption=fig.caption
                )
            )
        parts += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        if self.html:
            parts.append(self.html)
        for table in self.attention:
            parts.append(f"<h3>{html.escape(labels[f'table.{table.name}'])}</h3>")
            # the unit's name is enough in the body; its code is in the appendix
            parts.append(table.to_html(labels, max_rows=ATTENTION_ROWS, drop=("unit_id",)))
        parts.append("</section>")
        return "\n".join(parts)

    def appendix_html(self, labels: Labels) -> str:
        """The section's full tables for the appendix (``""`` without tables)."""
        import html

        if not self.tables:
            return ""
        parts = [f"<h3>{html.escape(self.title)}</h3>"]
        for table in self.tables:
            parts.append(f"<h4>{html.escape(labels[f'table.{table.name}'])}</h4>")
            parts.append(table.to_html(labels))
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


def insufficient_section(
    ctx: ReportContext, key: str, gap: Insufficient, results: dict[str, Any] | None = None
) -> Section:
    """The section ``key`` when its analysis has too little data (:mod:`evalkit.sufficiency`).

    It keeps its title and introduction and says, in one plain sentence, what is missing
    and what the analysis would need; it shows no number, table or figure. Its
    results.json entry is ``results`` (the keys other parts read, empty) plus
    ``insufficient``: ``{"reason", "found", "needed"}``.
    """
    labels = ctx.labels
    section = Section(key=key, title=labels[f"section.{key}.title"])
    if f"text.{key}.intro" in labels:
        section.paragraphs.append(labels[f"text.{key}.intro"])
    section.paragraphs.append(gap.sentence(labels))
    section.results = {**(results or {}), "insufficient": gap.to_json()}
    return section


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


def figure_png(fig: Any) -> bytes:
    """A figure as PNG at :data:`FIGURE_SCALE` × its display resolution (closing it)."""
    return _figure_png(fig, dpi=FIGURE_SCALE * DPI)


def rules_name(labels: Labels, rules: str) -> str:
    """A rule set as people name it (``permenpanrb_6_2022`` → ``PermenPANRB 6/2022``)."""
    return labels.get(f"rules.{rules}", rules)
