"""Section "trend": key numbers for every quarter up to the report's period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io import Study
from ..labels import Labels
from ..privacy import suppress_small_cells
from ..scoring import score_employees, skm_index
from ..tables import CODES
from .base import (
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    scored,
    signed,
)
from .periods import quarters_up_to

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_trend", "section_trend", "supervisor_trend"]


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
                change=signed(labels, float(last["supervisor_score"] - first["supervisor_score"])),
            )
        )
    trend = trend.merge(_scoring_trend(ctx, quarters), on="period", how="left")
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
    section.figures.append(SectionFigure("trend", figure_png(plot_trend(trend, labels))))
    section.results = {"periods": trend.to_dict(orient="records")}
    return section


def _scoring_trend(ctx: ReportContext, quarters: list[str]) -> pd.DataFrame:
    """Predikat shares and the overall IKM per quarter."""
    rows = []
    study = ctx.study
    current = scored(ctx)  # also checks ``rules``
    for q in quarters:
        if q == ctx.period:
            employees = current.employees
        else:
            # earlier quarters need only the employees' predikat: score_study's own first
            # step, without its unit tables (same defaults, same numbers)
            employees = score_employees(
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
        row["ikm"] = float(skm_index(citizen)["ikm_converted"].iloc[0]) if len(citizen) else np.nan
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

    from ..plots import DPI

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
