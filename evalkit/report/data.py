"""Section "data": rows read, kept and quarantined; clarity of the performance indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..io import Study, quarantine_for_people, reason_kind
from ..plots.scoring import plot_indicator_clarity
from ..privacy import redact_quarantine
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    scored,
    unit_names,
)
from .spark import spark_fraction

__all__ = ["quarantine_overview", "section_data", "table_overview"]


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


def section_data(ctx: ReportContext) -> Section:
    """Data quality: rows read, kept and quarantined per file and the main reasons;
    and the clarity of the performance indicators."""
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
    # the reasons in the report's language, redacted as in the shared quarantine.csv, one
    # row per kind of reason (line numbers left out)
    shared = redact_quarantine(quarantine_for_people(study.quarantine, labels.language), study)
    if len(shared):
        shared["reason"] = shared["reason"].map(
            lambda r: reason_kind(r) if isinstance(r, str) else r
        )
    reasons = quarantine_overview(shared, by=("file", "column", "reason")).head(15)
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
    section.results = {
        "rows_read": read,
        "rows_kept": kept,
        "rows_quarantined": quarantined,
        "files": summary.drop(columns="file").to_dict(orient="records"),
    }
    clarity = _indicator_clarity(ctx)
    section.paragraphs.extend(clarity["paragraphs"])
    section.tables.extend(clarity["tables"])
    section.figures.extend(clarity["figures"])
    section.attention.extend(clarity["attention"])
    n_ind, n_unclear = clarity["results"]["n_results"], clarity["results"]["n_results_unclear"]
    clusters = len(clarity["results"]["units_cluster"])
    section.findings.append(
        Finding(
            key="data",
            text=labels(
                "brief.clarity",
                share=labels.percent(n_unclear / n_ind if n_ind else float("nan")),
                results=n_ind,
                clusters=clusters,
            ),
            uncertainty=labels(
                "brief.clarity_uncertainty",
                quarantined=quarantined,
                share=labels.percent(share),
            ),
            spark=spark_fraction(n_unclear, n_ind, title=labels["brief.clarity_spark"]),
            attention=clusters > 0,
        )
    )
    section.results["indicator_clarity"] = clarity["results"]
    return section


#: At most this many units in a per-unit figure of the body.
FIGURE_UNITS = 15


def _units_to_show(clarity: pd.DataFrame, limit: int = FIGURE_UNITS) -> pd.DataFrame:
    """The units a clarity figure shows: clusters first, then the highest shares of
    results on unclear indicators, at most ``limit``, only units with any unclear one."""
    share = "share_results_unclear" if "share_results_unclear" in clarity else "share_unclear"
    d = clarity[clarity["n_unclear"] > 0].assign(
        _cluster=lambda x: x["cluster"].fillna(False).astype(bool)
    )
    d = d.sort_values(["_cluster", share, "unit_id"], ascending=[False, False, True])
    return d.head(limit).drop(columns="_cluster")


def _indicator_clarity(ctx: ReportContext) -> dict[str, Any]:
    """Indicator clarity parts of the data section (:func:`evalkit.scoring.indicator_clarity`)."""
    labels = ctx.labels
    clarity = scored(ctx).clarity
    table = clarity.merge(unit_names(ctx.study), on="unit_id", how="left")
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
    figures = []
    # the figure shows the units that need a look: those where unclear indicators
    # cluster beyond chance, then the highest shares, at most FIGURE_UNITS (the table in
    # the appendix and tables.xlsx lists every unit)
    shown = _units_to_show(clarity)
    if len(shown):
        fig = plot_indicator_clarity(
            shown,
            overall=n_unclear / n_ind if n_ind else None,
            names=dict(zip(table["unit_id"], table["unit_name"], strict=False)),
            labels=labels.prefixed("plot.scoring"),
        )
        units = int((clarity["n_unclear"] > 0).sum())
        caption = (
            labels("figure.caption_first", shown=len(shown), units=units)
            if units > len(shown)
            else ""
        )
        figures.append(SectionFigure("clarity", figure_png(fig), caption=caption))
    attention = (
        table[table["cluster"].fillna(False).astype(bool)]
        .drop(columns=["q_val", "cluster"])  # every row clusters; the q-value is in the appendix
        .reset_index(drop=True)
    )
    return {
        "paragraphs": paragraphs,
        "figures": figures,
        "tables": [SectionTable("clarity_units", table)],
        "attention": [SectionTable("clarity_clusters", attention)] if len(attention) else [],
        "results": {
            "n_results": n_ind,
            "n_results_unclear": n_unclear,
            "units_cluster": table.loc[
                table["cluster"].fillna(False).astype(bool), "unit_id"
            ].tolist(),
            "units": table.drop(columns="unit_name").to_dict(orient="records"),
        },
    }
