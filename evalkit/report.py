"""The period study as data: sections with narrative, shared tables, figures and results.

Design (one computation, two consumers)
---------------------------------------
:func:`build_report` loads the data once, runs every analysis once, and returns a
:class:`PeriodReport`. The study notebook (``notebooks/study.ipynb``) calls it and only
*displays* its sections (``report.show("scoring")``); its last cell calls
:meth:`PeriodReport.write_outputs`, which writes ``results.json``, ``tables.xlsx``,
``quarantine.csv`` and ``restricted/`` into the run's output folder from the same
objects. :mod:`evalkit.study` executes the notebook with papermill, renders it to HTML,
adds ``manifest.json``, scans the shared outputs for identifiers and moves the folder
into place. Nothing is scraped from the executed notebook and nothing is computed twice.

Sections
--------
Each section is built by a function ``section_<key>(ctx) -> Section`` listed in
:data:`SECTIONS`. A section whose analysis module has not landed yet (its import or
its entry point is missing) becomes an *unavailable* section that says so in the
report language: :func:`require` raises :class:`Unavailable`, which
:func:`build_section` turns into that section. Every other exception propagates and
fails the run: real errors are never hidden.

Privacy
-------
Shared tables are aggregates (units, categories, periods), masked with
:func:`evalkit.privacy.suppress_small_cells` at ``min_cell``; employee-level tables
go to ``Section.restricted`` and only ever to ``restricted/``, with pseudonymised ids.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .labels import DEFAULT_LANGUAGE, Labels
from .tables import CODES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .io import Study

__all__ = [
    "SECTIONS",
    "PeriodReport",
    "ReportContext",
    "Section",
    "SectionFigure",
    "SectionTable",
    "Unavailable",
    "available_periods",
    "build_report",
    "build_section",
    "quarantine_overview",
    "quarters_up_to",
    "require",
    "resolve_data_dir",
    "resolve_periods",
    "supervisor_trend",
    "table_overview",
    "to_jsonable",
]

DEFAULT_RULES = "permenpanrb_6_2022"
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_PERIODIC_TABLES = ("results", "behaviour", "citizen", "org_rating")


# ----------------------------------------------------------------------------------------
# periods and paths
# ----------------------------------------------------------------------------------------
def available_periods(study: Study) -> list[str]:
    """Quarters present in any periodic table of ``study``, oldest first.

    Parameters
    ----------
    study : Study
        A loaded study.

    Returns
    -------
    list of str
        Quarters such as ``"2025Q3"``, sorted in time.
    """
    found: set[str] = set()
    for name in _PERIODIC_TABLES:
        frame = getattr(study, name)
        if "period" in frame.columns and len(frame):
            found.update(str(p) for p in frame["period"].dropna().unique())
    return sorted(p for p in found if _QUARTER.match(p))


def resolve_periods(study: Study, period: str) -> list[str]:
    """The reports that ``period`` asks for.

    Parameters
    ----------
    study : Study
        A loaded study (its periods decide ``latest`` and ``all``).
    period : str
        ``"2025Q4"`` (that quarter), ``"2025"`` (one report covering the year's
        quarters), ``"latest"`` (the newest quarter in the data) or ``"all"`` (every
        quarter in the data, one report each).

    Returns
    -------
    list of str
        Periods, one per report.

    Raises
    ------
    ValueError
        If the period is malformed or has no data, with the periods that do.
    """
    quarters = available_periods(study)
    if not quarters:
        raise ValueError(
            "the data hold no period at all: results, behaviour, citizen and org_rating "
            "are empty or have no valid 'period' column (expected quarters like 2025Q4)"
        )
    text = str(period).strip()
    if text == "latest":
        return [quarters[-1]]
    if text == "all":
        return quarters
    have = f"the data hold {quarters[0]} … {quarters[-1]} ({len(quarters)} quarters)"
    if _QUARTER.match(text):
        if text not in quarters:
            raise ValueError(f"no data for period {text}: {have}")
        return [text]
    if _YEAR.match(text):
        if not any(q.startswith(text) for q in quarters):
            raise ValueError(f"no data for the year {text}: {have}")
        return [text]
    raise ValueError(
        f"period {period!r} is not understood: give a quarter like 2025Q4, a year like "
        f"2025, 'latest' or 'all'; {have}"
    )


def quarters_up_to(study: Study, period: str) -> list[str]:
    """Quarters of the data up to and including ``period`` (a year: up to its Q4)."""
    last = f"{period}Q4" if _YEAR.match(period) else period
    return [q for q in available_periods(study) if q <= last]


def period_quarters(study: Study, period: str) -> list[str]:
    """Quarters that ``period`` covers (a quarter: itself; a year: its quarters in the data)."""
    if _YEAR.match(period):
        return [q for q in available_periods(study) if q.startswith(period)]
    return [period]


#: Quarters pooled for the citizens-versus-supervisors comparison of a quarter.
COMPARISON_QUARTERS = 4


def comparison_window(study: Study, period: str, quarters: int = COMPARISON_QUARTERS) -> list[str]:
    """Quarters compared for citizens versus supervisors: the period's quarters and, for a
    single quarter, the ``quarters - 1`` quarters before it (a trailing year).

    SKM is a yearly survey (PermenPANRB 14/2017: at least once a year), and one quarter
    holds too few responses per unit to tell an 18-point divergence from chance
    (measured on simulated data: recall 0.55 with one quarter, 1.00 with four). The
    window is stated in the report next to the comparison.
    """
    if _YEAR.match(period):
        return period_quarters(study, period)
    return quarters_up_to(study, period)[-quarters:]


def resolve_data_dir(data_dir: str | Path) -> Path:
    """Find the data folder: absolute as given; relative to the working directory or any
    folder above it (so ``data/tanjungselor`` works from the repository root, from
    ``notebooks/`` in JupyterLab and from papermill alike).

    Raises
    ------
    FileNotFoundError
        Naming every place that was tried.
    """
    path = Path(data_dir).expanduser()
    if path.is_absolute():
        if path.is_dir():
            return path
        raise FileNotFoundError(f"data folder {path} does not exist")
    tried = []
    for base in [Path.cwd(), *Path.cwd().parents]:
        candidate = base / path
        tried.append(str(candidate))
        if candidate.is_dir():
            return candidate.resolve()
    raise FileNotFoundError(
        f"data folder {str(data_dir)!r} not found; tried {', '.join(tried[:4])}"
        + (" …" if len(tried) > 4 else "")
        + ". Pass data_dir as an absolute path or run from the repository."
    )


# ----------------------------------------------------------------------------------------
# sections
# ----------------------------------------------------------------------------------------
class Unavailable(Exception):
    """An analysis that a section needs has not landed in evalkit yet."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def require(module: str, *names: str) -> Any:
    """Import ``evalkit.<module>`` and check it defines ``names``.

    Returns the module, or raises :class:`Unavailable` when the module itself, or one
    of ``names`` in it, does not exist. An import that fails for any other reason (a
    bug inside the module, a missing dependency of it) propagates unchanged.
    """
    full = f"{__package__}.{module}"
    try:
        mod = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name in (full, *_parents(full)):
            raise Unavailable(full) from None
        raise
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise Unavailable(", ".join(f"{full}.{n}" for n in missing))
    return mod


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


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
                out[column] = [_label_codes(labels, kind, v) for v in out[column]]
        if as_text:
            for column in out.columns:
                out[column] = self._text(labels, column, out[column])
        out.columns = [labels.column(c) for c in out.columns]
        return out

    def _text(self, labels: Labels, column: str, s: pd.Series) -> list[str]:
        values = s.tolist()
        present = [v for v in values if _present(v)]
        if present and all(isinstance(v, (bool, np.bool_)) for v in present):
            return [
                (labels["text.yes"] if v else labels["text.no"]) if _present(v) else "–"
                for v in values
            ]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            return ["–" if not _present(v) else str(v) for v in values]
        if column == "share" or column.startswith("share_"):
            return [labels.percent(v) for v in values]
        if column in ("p_val", "q_val", "q_value"):
            return [_p_value(labels, v) if _present(v) else "–" for v in values]
        if pd.api.types.is_integer_dtype(s):
            return [labels.integer(v) if _present(v) else "–" for v in values]
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
    available : bool
        False when the analysis has not landed yet (``missing`` says what).
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
    available: bool = True
    missing: str | None = None
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


def build_section(key: str, builder: Callable[[ReportContext], Section], ctx: ReportContext):
    """Run ``builder``; a missing analysis module becomes an *unavailable* section.

    Only :class:`Unavailable` (raised by :func:`require`) is caught; any other
    exception propagates.
    """
    try:
        return builder(ctx)
    except Unavailable as exc:
        labels = ctx.labels
        return Section(
            key=key,
            title=labels[f"section.{key}.title"],
            available=False,
            missing=exc.what,
            paragraphs=[labels["text.unavailable"]],
            results={"available": False},
        )


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def _label_codes(labels: Labels, kind: str, value: Any) -> str:
    """Label a code, or each code of ``"a; b"``; missing → ``""``."""
    if not _present(value):
        return ""
    if isinstance(value, str) and "; " in value:
        return "; ".join(labels.code(kind, part) for part in value.split("; ") if part)
    return labels.code(kind, value)


def _present(v: Any) -> bool:
    return not (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))


def to_jsonable(obj: Any, *, digits: int = 10) -> Any:
    """``obj`` with numpy/pandas scalars as Python ones, NaN as None, floats rounded to
    ``digits`` significant digits (so results.json does not change with the last bit of
    a sum's order), tuples as lists and dict keys as strings."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, digits=digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, digits=digits) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return to_jsonable(obj.to_dict(orient="records"), digits=digits)
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict(), digits=digits)
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if not math.isfinite(x):
            return None
        return float(f"{x:.{digits}g}")
    if isinstance(obj, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(obj).isoformat()
    return str(obj) if not isinstance(obj, str) else obj


def _figure_png(fig: Figure) -> bytes:
    from .plots import figure_png

    return figure_png(fig)


def _unit_names(study: Study) -> pd.DataFrame:
    return study.units[["unit_id", "name"]].rename(columns={"name": "unit_name"})


def quarantine_overview(
    quarantine: pd.DataFrame, by: tuple[str, ...] = ("file", "column", "reason")
) -> pd.DataFrame:
    """Quarantined rows counted by ``by``, the most common first.

    Parameters
    ----------
    quarantine : DataFrame
        ``file, line, column, value, reason`` (:attr:`evalkit.io.Study.quarantine`).
    by : tuple of str
        Columns to count by; file paths are shortened to their names.

    Returns
    -------
    DataFrame
        ``by`` columns and ``rows`` (int), sorted by ``rows`` descending, then ``by``.

    Examples
    --------
    >>> q = pd.DataFrame({"file": ["a.csv", "a.csv", "b.csv"], "line": [2, 3, 2],
    ...                   "column": ["nip", "nip", "score"], "value": ["1", "2", "x"],
    ...                   "reason": ["too short", "too short", "not a number"]})
    >>> quarantine_overview(q, by=("file", "column")).values.tolist()
    [['a.csv', 'nip', 2], ['b.csv', 'score', 1]]
    """
    by = list(by)
    if quarantine.empty:
        return pd.DataFrame(
            {**{c: pd.Series([], dtype=object) for c in by}, "rows": pd.Series([], dtype="int64")}
        )
    q = quarantine.assign(file=quarantine["file"].map(lambda f: Path(str(f)).name))
    return (
        q.groupby(by, dropna=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values(["rows", *by], ascending=[False, *([True] * len(by))], kind="stable")
        .reset_index(drop=True)
        .astype({"rows": "int64"})
    )


def table_overview(study: Study) -> pd.DataFrame:
    """Rows, columns, missing values and periods of every table of ``study``.

    Returns
    -------
    DataFrame
        ``table``, ``rows``, ``columns``, ``missing_share`` (share of empty cells),
        ``periods`` (distinct periods, 0 for tables without a period).
    """
    rows = []
    for name, frame in study.tables().items():
        cells = frame.size
        rows.append(
            {
                "table": name,
                "rows": len(frame),
                "columns": frame.shape[1],
                "missing_share": float(frame.isna().to_numpy().sum() / cells) if cells else 0.0,
                "periods": int(frame["period"].nunique()) if "period" in frame.columns else 0,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------
# data quality
# ----------------------------------------------------------------------------------------
def section_data(ctx: ReportContext) -> Section:
    """Data quality: rows read, kept and quarantined per file and the main reasons;
    indicator clarity when :mod:`evalkit.scoring` provides it."""
    labels, study = ctx.labels, ctx.study
    summary = study.summary.copy()
    cols = ["file", "table", "rows_read", "rows_kept", "rows_quarantined"]
    if summary.empty:
        summary = pd.DataFrame(columns=cols)
    summary = summary[cols].copy()
    summary["file"] = summary["file"].map(lambda f: Path(str(f)).name)
    for c in ("rows_read", "rows_kept", "rows_quarantined"):
        summary[c] = pd.to_numeric(summary[c]).astype("int64")
    read = int(summary["rows_read"].sum())
    kept = int(summary["rows_kept"].sum())
    quarantined = int(summary["rows_quarantined"].sum())
    reasons = quarantine_overview(study.quarantine, by=("file", "column")).head(15)
    share = quarantined / read if read else 0.0
    section = Section(key="data", title=labels["section.data.title"])
    section.paragraphs.append(
        labels(
            "text.data.rows",
            read=read,
            files=len(summary),
            kept=kept,
            quarantined=quarantined,
            share=labels.percent(share),
        )
    )
    section.paragraphs.append(labels["text.data.quarantine_file"])
    section.tables.append(SectionTable("data_files", summary, codes={"table": "table"}))
    if len(reasons):
        section.tables.append(SectionTable("data_quarantine", reasons))
    section.findings.append(
        labels("finding.data", read=read, quarantined=quarantined, share=labels.percent(share))
    )
    section.results = {
        "rows_read": read,
        "rows_kept": kept,
        "rows_quarantined": quarantined,
        "files": summary.drop(columns="file").to_dict(orient="records"),
    }
    clarity = _indicator_clarity(ctx)
    if clarity is not None:
        section.paragraphs.extend(clarity["paragraphs"])
        section.tables.extend(clarity["tables"])
        section.figures.extend(clarity["figures"])
        section.findings.extend(clarity["findings"])
        section.results["indicator_clarity"] = clarity["results"]
    else:
        section.paragraphs.append(labels["text.data.clarity_unavailable"])
    return section


def _indicator_clarity(ctx: ReportContext) -> dict[str, Any] | None:
    """Indicator clarity parts of the data section, or None before scoring lands."""
    try:
        scoring = require("scoring", "score_study")
    except Unavailable:
        return None
    labels = ctx.labels
    clarity = ctx.cached("scoring", lambda: _score(ctx, scoring)).clarity
    table = clarity.merge(_unit_names(ctx.study), on="unit_id", how="left")
    table = (
        table[
            [
                "unit_id",
                "unit_name",
                "n_indicators",
                "n_unclear",
                "share_unclear",
                "n_results",
                "share_results_unclear",
                "q_val",
                "cluster",
            ]
        ]
        .sort_values(
            ["cluster", "share_unclear", "unit_id"], ascending=[False, False, True], kind="stable"
        )
        .reset_index(drop=True)
    )
    # in SKP results: an indicator is counted once per result that relies on it (the
    # same catalogue indicator serves many units, so indicator counts per unit overlap)
    n_ind = int(clarity["n_results"].sum())
    n_unclear = int(clarity["n_results_unclear"].sum())
    clusters = table.loc[table["cluster"].fillna(False).astype(bool), "unit_name"].tolist()
    paragraphs = [labels["text.data.clarity_intro"]]
    finding = labels(
        "finding.clarity",
        unclear=n_unclear,
        indicators=n_ind,
        share=labels.percent(n_unclear / n_ind if n_ind else float("nan")),
        clusters=len(clusters),
    )
    paragraphs.append(finding)
    if clusters:
        paragraphs.append(labels("text.data.clarity_clusters", units=", ".join(clusters)))
    figures = []
    plots = _optional_plots("plots.scoring", "plot_indicator_clarity")
    # the figure shows the units with any unclear indicator (the table lists all units)
    shown = clarity[clarity["n_unclear"] > 0]
    if plots is not None and len(shown):
        fig = plots.plot_indicator_clarity(
            shown,
            overall=n_unclear / n_ind if n_ind else None,
            names=dict(zip(table["unit_id"], table["unit_name"], strict=False)),
            labels=labels.prefixed("plot.scoring"),
        )
        figures.append(SectionFigure("clarity", _figure_png(fig)))
    return {
        "paragraphs": paragraphs,
        "figures": figures,
        "tables": [SectionTable("clarity_units", table)],
        "findings": [finding],
        "results": {
            "n_results": n_ind,
            "n_results_unclear": n_unclear,
            "units_cluster": table.loc[
                table["cluster"].fillna(False).astype(bool), "unit_id"
            ].tolist(),
            "units": table.drop(columns="unit_name").to_dict(orient="records"),
        },
    }


def _score(ctx: ReportContext, scoring: Any) -> Any:
    return scoring.score_study(ctx.study, ctx.period, rules=ctx.rules)


# ----------------------------------------------------------------------------------------
# training impact
# ----------------------------------------------------------------------------------------
def section_training(ctx: ReportContext) -> Section:
    """Training impact: Callaway–Sant'Anna ATT on later supervisor behaviour scores,
    with the TWFE and naive comparisons for honesty (:func:`evalkit.impact.training_impact`)."""
    impact = require("impact", "training_impact")
    labels = ctx.labels
    result = ctx.cached("training", lambda: impact.training_impact(ctx.study, ctx.period))
    section = Section(key="training", title=labels["section.training.title"])
    js = result.to_json()
    section.results = js
    section.paragraphs.append(labels["text.training.intro"])
    est, low, high, p = js["estimate"], js["ci_low"], js["ci_high"], js["p_val"]
    if est is None:
        section.paragraphs.append(labels["text.training.no_estimate"])
        section.findings.append(labels["finding.training.none"])
    else:
        key = "clear" if (low is not None and (low > 0 or high < 0)) else "unclear"
        text = labels(
            f"finding.training.{key}",
            estimate=_signed(labels, est),
            low=low,
            high=high,
            level=labels.percent(js["confidence"], 0),
            treated=js["n_treated"],
        )
        section.paragraphs.append(text)
        section.findings.append(text)
        if p is not None:
            section.paragraphs.append(labels("text.training.p", p=_p_value(labels, p)))
    for note in js.get("notes", []):
        key = f"text.training.note.{note}"
        if key in labels:
            section.paragraphs.append(labels[key])
    att = result.att[
        ["aggregation", "estimate", "ci_low", "ci_high", "p_val", "n_treated", "n_control"]
    ].copy()
    att = att[att["aggregation"].isin(["simple", "dynamic"])].reset_index(drop=True)
    from .privacy import suppress_small_cells

    att = suppress_small_cells(att, "n_treated", ctx.min_cell, secondary=False)
    section.tables.append(
        SectionTable("training_att", att, codes={"aggregation": "aggregation"}, digits=3)
    )
    naive = result.naive[["comparison", "estimate", "ci_low", "ci_high", "n_treated"]].copy()
    naive = suppress_small_cells(naive, "n_treated", ctx.min_cell, secondary=False)
    section.tables.append(
        SectionTable("training_naive", naive, codes={"comparison": "comparison"}, digits=3)
    )
    section.paragraphs.append(labels["text.training.naive"])
    png = _event_study_png(ctx, result)
    if png is not None:
        section.figures.append(SectionFigure("training_event_study", png))
    return section


def _event_study_png(ctx: ReportContext, result: Any) -> bytes | None:
    plots = _optional_plots("plots.impact", "event_study_plot")
    es = result.event_study
    if plots is None or not (es["method"] == "callaway_santanna").any():
        return None  # no figure without estimates (e.g. no period before any training)
    fig = plots.event_study_plot(
        result.event_study, methods=["callaway_santanna"], labels=ctx.labels.prefixed("plot.impact")
    )
    return _figure_png(fig)


# ----------------------------------------------------------------------------------------
# trend
# ----------------------------------------------------------------------------------------
def supervisor_trend(study: Study, quarters: list[str]) -> pd.DataFrame:
    """Mean supervisor (atasan) behaviour score per quarter.

    The mean over employees of each employee's mean atasan score over the seven
    BerAKHLAK values (scale 1–5), so that employees with more ratings do not weigh more.

    Parameters
    ----------
    study : Study
        A loaded study.
    quarters : list of str
        Quarters to report, in order.

    Returns
    -------
    DataFrame
        ``period``, ``supervisor_score`` (mean), ``n_ratees`` (employees with an
        atasan rating).

    Examples
    --------
    >>> from evalkit.io import Study
    >>> b = pd.DataFrame({"period": ["2025Q1"] * 3, "employee_id": ["a", "a", "b"],
    ...                   "rater_role": ["atasan"] * 3, "score": [4, 2, 4]})
    >>> supervisor_trend(Study(behaviour=b), ["2025Q1"]).values.tolist()
    [['2025Q1', 3.5, 2]]
    """
    b = study.behaviour
    b = b[(b["rater_role"] == "atasan") & b["period"].isin(quarters)]
    per_employee = b.groupby(["period", "employee_id"])["score"].mean().astype("float64")
    out = (
        per_employee.groupby(level="period")
        .agg(supervisor_score="mean", n_ratees="size")
        .reindex(quarters)
        .rename_axis("period")
        .reset_index()
    )
    out["n_ratees"] = out["n_ratees"].fillna(0).astype("int64")
    return out


def section_trend(ctx: ReportContext) -> Section:
    """Trend: the mean supervisor behaviour score (:func:`supervisor_trend`), the predikat
    shares and the overall IKM (:mod:`evalkit.scoring`) for every quarter up to the period;
    a quarter's figure built from fewer than ``min_cell`` ratees or respondents is masked."""
    from .privacy import suppress_small_cells

    labels, study = ctx.labels, ctx.study
    quarters = quarters_up_to(study, ctx.period)
    section = Section(key="trend", title=labels["section.trend.title"])
    section.paragraphs.append(
        labels("text.trend.intro", first=quarters[0], last=quarters[-1], n=len(quarters))
    )
    trend = supervisor_trend(study, quarters)
    trend = suppress_small_cells(
        trend, "n_ratees", ctx.min_cell, values=["supervisor_score"], secondary=False
    )
    shown = trend.dropna(subset=["supervisor_score"])
    if len(shown) >= 2:
        first, last = shown.iloc[0], shown.iloc[-1]
        section.findings.append(
            labels(
                "finding.trend.supervisor",
                first=str(first["period"]),
                last=str(last["period"]),
                start=float(first["supervisor_score"]),
                end=float(last["supervisor_score"]),
                change=_signed(labels, float(last["supervisor_score"] - first["supervisor_score"])),
            )
        )
    extra = _scoring_trend(ctx, quarters)
    if extra is None:
        section.paragraphs.append(labels["text.trend.scoring_unavailable"])
    else:
        trend = trend.merge(extra, on="period", how="left")
        shares = [f"share_{c}" for c in CODES["predikat"]]
        for count, values in (("n_scored", shares), ("n_citizen", ["ikm"])):
            masked = suppress_small_cells(
                trend, count, ctx.min_cell, values=values, secondary=False, marker="_mark"
            )
            trend[values] = masked[values]
            trend["suppressed"] = trend["suppressed"].fillna(masked["_mark"])
        trend = trend[[c for c in trend.columns if c != "suppressed"] + ["suppressed"]]
        ikm = trend.dropna(subset=["ikm"])
        if len(ikm) >= 2:
            section.findings.append(
                labels(
                    "finding.trend.ikm",
                    first=str(ikm["period"].iloc[0]),
                    last=str(ikm["period"].iloc[-1]),
                    start=float(ikm["ikm"].iloc[0]),
                    end=float(ikm["ikm"].iloc[-1]),
                )
            )
    section.paragraphs.extend(section.findings)
    section.tables.append(SectionTable("trend", trend))
    section.figures.append(SectionFigure("trend", _figure_png(plot_trend(trend, labels))))
    section.results = {"periods": trend.to_dict(orient="records")}
    return section


def _p_value(labels: Labels, p: float) -> str:
    """A p-value as people read it: three decimals, or ``< 0.001``."""
    return f"< {labels.number(0.001, 3)}" if p < 0.001 else labels.number(p, 3)


def _signed(labels: Labels, x: float, digits: int = 2) -> str:
    return ("+" if x >= 0 else "") + labels.number(x, digits)


def _scoring_trend(ctx: ReportContext, quarters: list[str]) -> pd.DataFrame | None:
    """Predikat shares and the overall IKM per quarter (None before scoring lands)."""
    try:
        scoring = require("scoring", "score_study", "score_employees", "skm_index")
    except Unavailable:
        return None
    rows = []
    study = ctx.study
    current = ctx.cached("scoring", lambda: _score(ctx, scoring))  # also checks ``rules``
    for q in quarters:
        if q == ctx.period:
            employees = current.employees
        else:
            # earlier quarters need only the employees' predikat: score_study's own first
            # step, without its unit tables (same defaults, same numbers)
            employees = scoring.score_employees(
                study.results[study.results["period"] == q],
                study.behaviour[study.behaviour["period"] == q],
                study.indicators,
            )
        predikat = employees["predikat"].dropna()
        row: dict[str, Any] = {"period": q, "n_scored": int(len(predikat))}
        for code in CODES["predikat"]:
            row[f"share_{code}"] = float((predikat == code).mean()) if len(predikat) else np.nan
        citizen = study.citizen[study.citizen["period"] == q]
        row["n_citizen"] = int(len(citizen))
        row["ikm"] = (
            float(scoring.skm_index(citizen)["ikm_converted"].iloc[0]) if len(citizen) else np.nan
        )
        rows.append(row)
    return pd.DataFrame(rows)


def plot_trend(trend: pd.DataFrame, labels: Labels) -> Figure:
    """Mean supervisor behaviour score per quarter and, when present, the citizens' IKM
    below it on its own axis (two panels sharing the quarters).

    Parameters
    ----------
    trend : DataFrame
        ``period``, ``supervisor_score`` and optionally ``ikm`` (25–100); masked
        (suppressed) quarters are NaN and leave a gap.
    labels : Labels
        Axis labels and title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025Q1", "2025Q2"], "supervisor_score": [3.7, 3.9],
    ...                   "ikm": [72.5, 75.1]})
    >>> len(plot_trend(t, Labels("en")).axes)
    2
    """
    from matplotlib.figure import Figure

    from .plots import DPI

    has_ikm = "ikm" in trend.columns and trend["ikm"].notna().any()
    fig = Figure(figsize=(7.0, 5.5 if has_ikm else 3.5), dpi=DPI, layout="constrained")
    axes = fig.subplots(2 if has_ikm else 1, 1, sharex=True, squeeze=False)[:, 0]
    x = np.arange(len(trend))
    series = [("supervisor_score", "C0", "o")] + ([("ikm", "C1", "s")] if has_ikm else [])
    for ax, (column, colour, marker) in zip(axes, series, strict=True):
        ax.plot(x, trend[column].astype(float), marker=marker, color=colour)
        ax.set_ylabel(labels.column(column))
        ax.grid(alpha=0.3)
    axes[-1].set_xticks(x, trend["period"].astype(str), rotation=45, ha="right")
    axes[-1].set_xlabel(labels.column("period"))
    fig.suptitle(labels["figure.trend"])
    return fig


# ----------------------------------------------------------------------------------------
# methods and caveats
# ----------------------------------------------------------------------------------------
def section_methods(ctx: ReportContext) -> Section:
    """Methods and caveats: sources of the rules and statistics, suppression, privacy."""
    labels = ctx.labels
    section = Section(key="methods", title=labels["section.methods.title"])
    for key in (
        "rules",
        "reliability",
        "comparison",
        "training",
        "suppression",
        "privacy",
        "synthetic",
    ):
        if key == "synthetic" and not _is_synthetic(ctx.study):
            continue
        section.paragraphs.append(
            labels(f"text.methods.{key}", min_cell=ctx.min_cell, rules=ctx.rules)
        )
    section.results = {"min_cell": ctx.min_cell, "rules": ctx.rules}
    return section


def _is_synthetic(study: Study) -> bool:
    source = study.source
    if source == "simulate":
        return True
    return source is not None and (Path(str(source)) / "truth.json").exists()


# ----------------------------------------------------------------------------------------
# scoring, reliability, comparison (filled as the analysis modules land)
# ----------------------------------------------------------------------------------------
def violation_counts(violations: pd.Series) -> pd.Series:
    """Units per broken rule of the distribution pattern, most frequent first.

    ``violations`` holds :func:`evalkit.check_distribution`'s ``"; "``-joined codes, one
    string per unit (missing or empty: none)."""
    codes = violations.dropna().astype(str).str.split(";").explode().str.strip()
    codes = codes[codes.ne("")]
    counts = codes.value_counts()
    return counts.iloc[np.lexsort((counts.index.to_numpy(), -counts.to_numpy()))]


def _violation_counts(units: pd.DataFrame, labels: Labels) -> str:
    """The broken rules in words with their unit counts (the unit names are in the table:
    a list of eighty names helps nobody)."""
    counts = violation_counts(units["violations"])
    return "; ".join(
        labels("text.scoring.violation_count", rule=labels.code("violation", code), units=n)
        for code, n in counts.items()
    )


def section_scoring(ctx: ReportContext) -> Section:
    """Scoring and the predikat distribution against the pattern for the unit's
    organisational predikat, and the SKM index per unit (:func:`evalkit.scoring.score_study`).

    Shared: the predikat counts of the regency and, per unit, the predikat shares, the
    pattern check and the IKM, each masked below ``min_cell`` scored employees or
    respondents (with complementary cells, since the units add up to the regency's
    totals). Restricted: each employee's hasil, perilaku and predikat.
    """
    from .privacy import suppress_small_cells

    scoring = require("scoring", "score_study")
    labels, study = ctx.labels, ctx.study
    result = ctx.cached("scoring", lambda: _score(ctx, scoring))
    section = Section(key="scoring", title=labels["section.scoring.title"])
    section.paragraphs.append(labels("text.scoring.intro", rules=ctx.rules))
    names = _unit_names(study)
    predikat_codes = list(CODES["predikat"])

    # regency-wide predikat counts
    scored = result.employees["predikat"].dropna()
    total = int(len(scored))
    overall = pd.DataFrame(
        {
            "predikat": predikat_codes,
            "employees": [int((scored == c).sum()) for c in predikat_codes],
        }
    )
    overall["share"] = overall["employees"] / total if total else np.nan
    overall = suppress_small_cells(overall, "employees", ctx.min_cell, values=["share"])
    overall["employees"] = overall["employees"].astype("Int64").where(overall["suppressed"].isna())
    section.tables.append(SectionTable("scoring_predikat", overall, digits=3))

    # per unit: shares and the distribution pattern
    dist = result.distribution.set_index("unit_id")
    units = result.units.merge(names, on="unit_id", how="left")
    units["ok"] = units["unit_id"].map(dist["ok"]).astype(object)
    units["violations"] = units["unit_id"].map(dist["violations"]).astype(object)
    shares = [f"share_{c}" for c in predikat_codes]
    units = units[
        [
            "unit_id",
            "unit_name",
            "org_predikat",
            "n_scored",
            *shares,
            "mean_behaviour",
            "ok",
            "violations",
        ]
    ]
    units = suppress_small_cells(
        units, "n_scored", ctx.min_cell, values=[*shares, "mean_behaviour", "ok", "violations"]
    )
    section.tables.append(
        SectionTable(
            "scoring_units",
            units,
            codes={"org_predikat": "org_predikat", "violations": "violation"},
            digits=2,
        )
    )
    checked = units["ok"].notna()
    violating = units.loc[checked & units["ok"].eq(False), "unit_name"].tolist()
    share_good = float(scored.isin(["sangat_baik", "baik"]).mean()) if total else float("nan")
    finding = labels(
        "finding.scoring",
        employees=total,
        share_good=labels.percent(share_good),
        checked=int(checked.sum()),
        violating=len(violating),
    )
    section.paragraphs.append(finding)
    section.findings.append(finding)
    if violating:
        section.paragraphs.append(
            labels("text.scoring.violating", rules=_violation_counts(units, labels))
        )
    section.paragraphs.append(labels("text.scoring.pattern_note"))

    # SKM per unit
    skm = result.skm.merge(names, on="unit_id", how="left")
    skm = skm[
        [
            "unit_id",
            "unit_name",
            "n",
            "ikm_converted",
            "mutu",
            "kinerja",
            "n_required",
            "n_sufficient",
        ]
    ].rename(columns={"n": "n_respondents"})
    skm = suppress_small_cells(
        skm, "n_respondents", ctx.min_cell, values=["ikm_converted", "mutu", "kinerja"]
    )
    if len(skm):
        section.tables.append(SectionTable("scoring_skm", skm, codes={"kinerja": "kinerja"}))
        shown = skm.dropna(subset=["ikm_converted"])
        if len(shown):
            text = labels(
                "finding.skm",
                units=len(shown),
                low=float(shown["ikm_converted"].min()),
                high=float(shown["ikm_converted"].max()),
                insufficient=int((~shown["n_sufficient"].fillna(True).astype(bool)).sum()),
            )
            section.paragraphs.append(text)
            section.findings.append(text)

    # figures (only what the tables show)
    plots = _optional_plots("plots.scoring", "plot_predikat_distribution", "plot_skm")
    if plots is not None:
        unit_labels = dict(zip(names["unit_id"], names["unit_name"], strict=False))
        plot_labels = {
            **labels.prefixed("plot.scoring"),
            **{c: labels.code("predikat", c) for c in predikat_codes},
        }
        kept = result.distribution[
            result.distribution["unit_id"].isin(units.loc[units["suppressed"].isna(), "unit_id"])
        ]
        if len(kept):
            fig = plots.plot_predikat_distribution(kept, names=unit_labels, labels=plot_labels)
            section.figures.append(SectionFigure("scoring_distribution", _figure_png(fig)))
        kept = result.skm[result.skm["unit_id"].isin(skm.loc[skm["suppressed"].isna(), "unit_id"])]
        if len(kept):
            fig = plots.plot_skm(kept, names=unit_labels, labels=plot_labels)
            section.figures.append(SectionFigure("scoring_skm", _figure_png(fig)))

    section.results = {
        "rules": result.rules,
        "parameters": to_jsonable(result.parameters),
        "n_employees_scored": total,
        "predikat": overall.to_dict(orient="records"),
        "n_units_checked": int(checked.sum()),
        "units_violating": units.loc[checked & units["ok"].eq(False), "unit_id"].tolist(),
        "units": units.drop(columns="unit_name").to_dict(orient="records"),
        "skm": skm.drop(columns="unit_name").to_dict(orient="records"),
    }
    cols = [
        c
        for c in ("employee_id", "unit_id", "hasil", "perilaku", "predikat")
        if c in result.employees.columns
    ]
    section.restricted["employee_predikat"] = result.employees[cols].copy()
    return section


def _optional_plots(module: str, *names: str) -> Any:
    """The plot module if it has landed, else None (the section then shows its tables)."""
    try:
        return require(module, *names)
    except Unavailable:
        return None


def section_reliability(ctx: ReportContext) -> Section:
    """Reliability of the 360° ratings and of the citizens' unit means
    (:func:`evalkit.reliability.report.assess_reliability`).

    Shared: the pooled statistics, and per unit the supervisor–peer agreement (ICC2) and
    the citizens' within-unit agreement, masked below ``min_cell`` ratees or respondents
    (statistics, not sums: no complementary cells are needed).
    """
    from .privacy import suppress_small_cells

    reliability = require("reliability.report", "assess_reliability")
    labels, study = ctx.labels, ctx.study
    result = ctx.cached("reliability", lambda: reliability.assess_reliability(study, ctx.period))
    section = Section(key="reliability", title=labels["section.reliability.title"])
    section.paragraphs.append(labels["text.reliability.intro"])
    names = _unit_names(study)
    stats = ["estimate", "ci_low", "ci_high"]

    raters = result.rater_reliability
    raters = raters[raters["scope"] == "all"][
        ["rater_role", "statistic", *stats, "n_ratees", "mean_raters", "band"]
    ].reset_index(drop=True)
    sources = result.source_agreement
    pooled_sources = sources[sources["scope"] == "all"][
        ["statistic", *stats, "n_ratees", "band"]
    ].reset_index(drop=True)
    unit_sources = sources[(sources["scope"] == "unit") & (sources["statistic"] == "ICC2")]
    unit_sources = unit_sources.merge(names, on="unit_id", how="left")[
        ["unit_id", "unit_name", *stats, "n_ratees", "band"]
    ]
    unit_sources = suppress_small_cells(
        unit_sources, "n_ratees", ctx.min_cell, values=[*stats, "band"], secondary=False
    )
    citizens = result.citizen_aggregation[
        ["statistic", *stats, "n_units", "n_citizens", "citizens_needed", "code"]
    ].reset_index(drop=True)
    alpha = result.skm_alpha
    alpha_units = alpha[alpha["scope"] == "unit"].set_index("unit_id")["estimate"]
    citizen_units = result.citizen_agreement.merge(names, on="unit_id", how="left")
    citizen_units["skm_alpha"] = citizen_units["unit_id"].map(alpha_units).astype("float64")
    citizen_units = citizen_units[
        ["unit_id", "unit_name", "n_citizens", "rwg_j", "mean_reliability", "skm_alpha", "code"]
    ]
    citizen_units = suppress_small_cells(
        citizen_units,
        "n_citizens",
        ctx.min_cell,
        values=["rwg_j", "mean_reliability", "skm_alpha", "code"],
        secondary=False,
    )

    headline = pooled_sources[pooled_sources["statistic"] == "ICC2"]
    if len(headline) and _present(headline["estimate"].iloc[0]):
        row = headline.iloc[0]
        text = labels(
            "finding.reliability.sources",
            estimate=labels.number(row["estimate"], 3),
            low=labels.number(row["ci_low"], 3),
            high=labels.number(row["ci_high"], 3),
            band=labels.code("band", row["band"]),
            ratees=int(row["n_ratees"]),
        )
        section.paragraphs.append(text)
        section.findings.append(text)
    verdict = result.aggregation.get("verdict")
    icc2 = citizens[citizens["statistic"] == "bliese_icc2"]
    if verdict in ("justified", "not_justified") and len(icc2):
        reasons = [labels.code("reason", r) for r in result.aggregation.get("reasons", [])]
        text = labels(
            f"finding.reliability.citizens_{verdict}",
            icc2=labels.number(icc2["estimate"].iloc[0], 3),
            needed=int(math.ceil(icc2["citizens_needed"].iloc[0]))
            if _present(icc2["citizens_needed"].iloc[0])
            else "–",
            reasons="; ".join(reasons),
        )
        section.paragraphs.append(text)
        section.findings.append(text)
    pooled_alpha = alpha[alpha["scope"] == "all"]
    if len(pooled_alpha) and _present(pooled_alpha["estimate"].iloc[0]):
        section.paragraphs.append(
            labels(
                "text.reliability.alpha",
                alpha=labels.number(pooled_alpha["estimate"].iloc[0], 3),
                band=labels.code("band", pooled_alpha["band"].iloc[0]),
            )
        )
    section.paragraphs.append(labels["text.reliability.bands"])
    section.tables += [
        SectionTable(
            "reliability_raters", raters, codes={"statistic": "statistic", "band": "band"}, digits=3
        ),
        SectionTable(
            "reliability_sources",
            pooled_sources,
            codes={"statistic": "statistic", "band": "band"},
            digits=3,
        ),
        SectionTable("reliability_sources_units", unit_sources, codes={"band": "band"}, digits=3),
        SectionTable(
            "reliability_citizens",
            citizens,
            codes={"statistic": "statistic", "code": "reliability_code"},
            digits=3,
        ),
        SectionTable(
            "reliability_citizen_units", citizen_units, codes={"code": "reliability_code"}, digits=3
        ),
    ]
    section.results = {
        "aggregation": result.aggregation,
        "rater_reliability": raters.to_dict(orient="records"),
        "source_agreement": pooled_sources.to_dict(orient="records"),
        "source_agreement_units": unit_sources.drop(columns="unit_name").to_dict(orient="records"),
        "citizen_aggregation": citizens.to_dict(orient="records"),
        "citizen_units": citizen_units.drop(columns="unit_name").to_dict(orient="records"),
        "skm_alpha": to_jsonable(pooled_alpha.drop(columns=["scope", "unit_id"])),
    }
    return section


def _comparison_meaning(agreement: pd.DataFrame, labels: Labels) -> list[str]:
    """Where citizens and supervisors agree in ranking units, and what a low correlation
    does and does not mean (methods.md §1: sources correlate only .2–.35)."""
    rho = agreement[(agreement["level"] == "unit") & (agreement["statistic"] == "spearman_rho")]
    out = []
    if len(rho) and pd.notna(rho["estimate"].iloc[0]):
        r = rho.iloc[0]
        consistent = pd.notna(r["ci_low"]) and r["ci_low"] > 0
        out.append(
            labels(
                "text.comparison." + ("consistent" if consistent else "not_consistent"),
                rho=labels.number(r["estimate"], 2),
                low=labels.number(r["ci_low"], 2),
                high=labels.number(r["ci_high"], 2),
                units=int(r["n_targets"]),
            )
        )
    out.append(labels["text.comparison.low_correlation_normal"])
    return out


def section_comparison(ctx: ReportContext) -> Section:
    """Citizens versus supervisors per unit (:func:`evalkit.compare.compare_sources`).

    Shared: the source offset, the agreement statistics across units and, per unit, the
    supervisor and citizen means on the 0–100 (POMP) scale, their gap and the review flag,
    masked below ``min_cell`` citizen respondents or supervisor ratees. Restricted: the
    officer-level list (named officers whose two ratings diverge) for follow-up.
    """
    from .privacy import suppress_small_cells

    compare = require("compare", "compare_sources")
    labels, study = ctx.labels, ctx.study
    window = comparison_window(study, ctx.period)
    result = ctx.cached("comparison", lambda: compare.compare_sources(study, window))
    section = Section(key="comparison", title=labels["section.comparison.title"])
    section.paragraphs.append(labels["text.comparison.intro"])
    section.paragraphs.append(
        labels("text.comparison.window", first=window[0], last=window[-1], n=len(window))
    )
    js = result.to_json()
    off = js.get("offset")
    if off and off.get("estimate") is not None:
        text = labels(
            "finding.comparison.offset_" + ("higher" if off["estimate"] >= 0 else "lower"),
            estimate=labels.number(abs(off["estimate"]), 1),
            low=labels.number(off["ci_low"], 1),
            high=labels.number(off["ci_high"], 1),
        )
        section.paragraphs.append(text)
        section.findings.append(text)
    section.paragraphs.extend(_comparison_meaning(result.agreement, labels))
    names = _unit_names(study)
    units = result.units.merge(names, on="unit_id", how="left")
    units = units[
        [
            "unit_id",
            "unit_name",
            "n_citizen",
            "n_supervisor",
            "mean_supervisor",
            "mean_citizen",
            "gap",
            "ci_low",
            "ci_high",
            "q_value",
            "flagged",
            "direction",
        ]
    ]
    units = suppress_small_cells(
        units,
        ["n_citizen", "n_supervisor"],
        ctx.min_cell,
        values=[
            "mean_supervisor",
            "mean_citizen",
            "gap",
            "ci_low",
            "ci_high",
            "q_value",
            "flagged",
            "direction",
        ],
    )
    units = units.sort_values(
        ["flagged", "gap"], ascending=[False, False], kind="stable", na_position="last"
    ).reset_index(drop=True)
    flagged = units.loc[units["flagged"].eq(True), "unit_name"].tolist()
    text = labels(
        "finding.comparison.flagged" if flagged else "finding.comparison.none_flagged",
        units=int(units["flagged"].notna().sum()),
        flagged=len(flagged),
        names=", ".join(flagged),
    )
    section.paragraphs.append(text)
    section.findings.append(text)
    section.paragraphs.append(labels["text.comparison.flag_note"])
    section.tables.append(
        SectionTable("comparison_units", units, codes={"direction": "direction_gap"}, digits=1)
    )
    agreement = result.agreement[result.agreement["level"] == "unit"][
        ["statistic", "estimate", "ci_low", "ci_high", "p_val", "n_targets"]
    ].reset_index(drop=True)
    section.tables.append(
        SectionTable("comparison_agreement", agreement, codes={"statistic": "statistic"}, digits=3)
    )
    plots = _optional_plots("plots.compare", "plot_funnel")
    shown = result.units[
        result.units["unit_id"].isin(units.loc[units["suppressed"].isna(), "unit_id"])
    ]
    if plots is not None and shown["eligible"].any():
        fig = plots.plot_funnel(
            shown,
            names=dict(zip(names["unit_id"], names["unit_name"], strict=False)),
            labels=labels.prefixed("plot.compare"),
        )
        section.figures.append(SectionFigure("comparison_funnel", _figure_png(fig)))
    js["units"] = units.drop(columns="unit_name").to_dict(orient="records")
    section.results = js
    if len(result.officers):
        section.restricted["officers_citizen_vs_supervisor"] = result.officers.sort_values(
            ["flagged", "gap"], ascending=[False, False], kind="stable"
        ).reset_index(drop=True)
    return section


# ----------------------------------------------------------------------------------------
# executive summary
# ----------------------------------------------------------------------------------------
def section_summary(ctx: ReportContext, sections: list[Section]) -> Section:
    """The executive summary: each section's findings, in order, and what is missing."""
    labels = ctx.labels
    section = Section(key="summary", title=labels["section.summary.title"])
    section.paragraphs.append(labels("text.summary.intro", period=ctx.period))
    for s in sections:
        section.findings.extend(s.findings)
    missing = [s.title for s in sections if not s.available]
    if missing:
        section.findings.append(labels("finding.unavailable", sections="; ".join(missing)))
    section.bullets = list(section.findings)
    section.results = {"sections_unavailable": [s.key for s in sections if not s.available]}
    return section


#: Section keys in report order, and their builders (``summary`` is built last from the
#: others' findings and shown first).
SECTIONS: dict[str, Callable[[ReportContext], Section] | None] = {
    "summary": None,
    "data": section_data,
    "scoring": section_scoring,
    "reliability": section_reliability,
    "comparison": section_comparison,
    "training": section_training,
    "trend": section_trend,
    "methods": section_methods,
}


# ----------------------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------------------
@dataclass
class PeriodReport:
    """The period study, built once by :func:`build_report`.

    Attributes
    ----------
    period : str
        The report's period.
    language : str
        ``"id"`` or ``"en"``.
    min_cell : int
        Small-cell threshold.
    rules : str
        Scoring rule set.
    sections : dict
        ``{key: Section}`` in report order.
    study : Study
        The loaded data (for the quarantine and the restricted outputs; never shown).
    """

    period: str
    language: str
    min_cell: int
    rules: str
    sections: dict[str, Section]
    study: Study = field(repr=False)

    @property
    def labels(self) -> Labels:
        """The labels of the report's language."""
        return Labels(self.language)

    @property
    def results(self) -> dict[str, Any]:
        """The content of ``results.json``: canonical codes and numbers, no labels, no
        run-time metadata; identical across languages and reruns."""
        s = self.sections
        return to_jsonable(
            {
                "period": self.period,
                "quarters": period_quarters(self.study, self.period),
                "rules": self.rules,
                "min_cell": self.min_cell,
                "data": s["data"].results,
                "scoring": s["scoring"].results,
                "reliability": s["reliability"].results,
                "comparison": s["comparison"].results,
                "training": s["training"].results,
                "trend": s["trend"].results,
                "sections_unavailable": [k for k, v in s.items() if not v.available],
            }
        )

    def tables(self) -> dict[str, SectionTable]:
        """Every shared table, in report order."""
        return {t.name: t for s in self.sections.values() for t in s.tables}

    def section(self, key: str) -> Section:
        """The section ``key`` (one of :data:`SECTIONS`)."""
        try:
            return self.sections[key]
        except KeyError:
            raise KeyError(f"no section {key!r}; the sections are {list(self.sections)}") from None

    # -- display ---------------------------------------------------------------------------
    def title_html(self) -> str:
        """Title block: study name, period, language-independent facts."""
        import html

        labels = self.labels
        return (
            f"<h1>{html.escape(labels('text.title', period=self.period))}</h1>"
            f"<p>{html.escape(labels('text.subtitle', min_cell=self.min_cell, rules=self.rules))}"
            "</p>"
        )

    def show(self, key: str | None = None) -> None:
        """Display the title (``key=None``) or one section in a notebook (static HTML)."""
        from IPython.display import HTML, display

        if key is None:
            display(HTML(self.title_html()))
        else:
            display(HTML(self.section(key).to_html(self.labels)))

    def _repr_html_(self) -> str:
        labels = self.labels
        return self.title_html() + "".join(s.to_html(labels) for s in self.sections.values())

    # -- outputs ---------------------------------------------------------------------------
    def write_outputs(self, output_dir: str | Path) -> list[Path]:
        """Write ``results.json``, ``tables.xlsx``, ``quarantine.csv`` and ``restricted/``.

        Parameters
        ----------
        output_dir : str or Path
            The run's folder (created if missing).

        Returns
        -------
        list of Path
            The files written.

        Notes
        -----
        ``quarantine.csv`` is the loader's quarantine with the values of personal
        columns redacted (:func:`evalkit.privacy.redact_quarantine`); the full one goes
        to ``restricted/quarantine.csv`` with the employee-level lists, whose ids are
        pseudonymised (:func:`evalkit.privacy.pseudonymise`) and whose names and NIPs
        are dropped.
        """
        from .privacy import pseudonymise, redact_quarantine

        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        path = out / "results.json"
        path.write_text(
            json.dumps(self.results, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
            + "\n",
            encoding="utf-8",
        )
        written.append(path)
        written.append(self._write_xlsx(out / "tables.xlsx"))
        path = out / "quarantine.csv"
        redact_quarantine(self.study.quarantine, self.study).to_csv(path, index=False)
        written.append(path)
        restricted = out / "restricted"
        restricted.mkdir(exist_ok=True)
        path = restricted / "quarantine.csv"
        self.study.quarantine.to_csv(path, index=False)
        written.append(path)
        key = None
        for section in self.sections.values():
            for name, frame in section.restricted.items():
                frame = frame.drop(columns=[c for c in ("nip", "name") if c in frame.columns])
                for c in ("employee_id", "rater_id", "supervisor_id"):
                    if c in frame.columns:
                        if key is None:
                            from .privacy import pseudonym_key

                            key = pseudonym_key()
                        frame[c] = pseudonymise(frame[c], key)
                path = restricted / f"{name}.csv"
                frame.to_csv(path, index=False)
                written.append(path)
        path = restricted / "README.txt"
        path.write_text(self.labels["text.restricted_readme"] + "\n", encoding="utf-8")
        written.append(path)
        return written

    def _write_xlsx(self, path: Path) -> Path:
        labels = self.labels
        used: set[str] = set()
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, table in self.tables().items():
                sheet = _sheet_name(labels[f"table.{name}"])
                base, i = sheet, 2
                while sheet.lower() in used:
                    suffix = f" ({i})"
                    sheet = base[: 31 - len(suffix)] + suffix
                    i += 1
                used.add(sheet.lower())
                table.localised(labels).to_excel(writer, sheet_name=sheet, index=False)
            if not used:
                pd.DataFrame().to_excel(writer, sheet_name="-", index=False)
        path.write_bytes(buffer.getvalue())
        return path


def _sheet_name(caption: str) -> str:
    """An Excel sheet name (≤ 31 characters, no ``[]:*?/\\``) cut at a word boundary."""
    text = re.sub(r"[\[\]:*?/\\]", " ", caption).strip()
    if len(text) <= 31:
        return text
    cut = text[:30].rsplit(" ", 1)[0]
    return cut + "…"


def build_report(
    data: str | Path | Study,
    period: str = "latest",
    *,
    language: str = DEFAULT_LANGUAGE,
    min_cell: int = 5,
    rules: str = DEFAULT_RULES,
) -> PeriodReport:
    """Load the data, run every analysis once and build the sections of the study.

    Parameters
    ----------
    data : str, Path or Study
        A data folder (found by :func:`resolve_data_dir`) or a loaded study.
    period : str, default "latest"
        A quarter, a year or ``"latest"`` (:func:`resolve_periods`; ``"all"`` is for
        :func:`evalkit.study.run_study`, which makes one report per quarter).
    language : {"id", "en"}, default "id"
        Report language.
    min_cell : int, default 5
        Cells built from fewer respondents or ratees are suppressed.
    rules : str, default "permenpanrb_6_2022"
        Scoring rule set.

    Returns
    -------
    PeriodReport

    Raises
    ------
    evalkit.io.InputError
        If the data cannot be used.
    ValueError
        If the period has no data or a parameter is invalid.
    """
    labels = Labels(language)
    if not isinstance(min_cell, (int, np.integer)) or isinstance(min_cell, bool) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number of at least 1; got {min_cell!r}")
    if isinstance(data, (str, Path)):
        from .io import load_study

        study = load_study(resolve_data_dir(data))
    else:
        study = data
    periods = resolve_periods(study, period)
    if len(periods) != 1:
        raise ValueError(
            f"period={period!r} asks for {len(periods)} reports; build_report makes one. "
            "Use evalkit.study.run_study (or `evalkit study --period all`) for several."
        )
    ctx = ReportContext(study, periods[0], labels, int(min_cell), rules)
    built = {
        key: build_section(key, builder, ctx)
        for key, builder in SECTIONS.items()
        if builder is not None
    }
    summary = section_summary(ctx, list(built.values()))
    return PeriodReport(
        period=periods[0],
        language=language,
        min_cell=int(min_cell),
        rules=rules,
        sections={"summary": summary, **built},
        study=study,
    )
