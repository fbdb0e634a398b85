"""Section "complaints": citizens' complaints per unit, and whether the SKM item on
complaint handling agrees with how complaints are handled."""

from __future__ import annotations

import math

import pandas as pd

from ..complaints import ComplaintResult, complaint_handling
from ..plots.complaints import plot_complaints
from ..privacy import suppress_small_cells
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    present,
    unit_names,
)
from .periods import comparison_window

__all__ = ["complaint_result", "section_complaints"]

#: Columns masked when a unit has fewer than ``min_cell`` complaints.
_COMPLAINT_VALUES = [
    "rate_per_1000",
    "rate_ci_low",
    "rate_ci_high",
    "median_days",
    "median_ci_low",
    "median_ci_high",
    "share_within",
    "share_ci_low",
    "share_ci_high",
    "flagged",
]


def _days(labels, x) -> str:
    """Whole days; an open-ended interval limit (no data beyond it, ``inf``) or a median
    not reached is written ``–``."""
    return labels.number(x, 0) if present(x) and math.isfinite(float(x)) else "–"


def complaint_result(ctx: ReportContext) -> ComplaintResult:
    """:func:`evalkit.complaints.complaint_handling` over the comparison window (the
    period's quarters, or a trailing year for one quarter), computed once per report."""
    window = comparison_window(ctx.study, ctx.period)
    return ctx.cached(
        "complaints",
        lambda: complaint_handling(
            ctx.study.complaints,
            ctx.study.units,
            ctx.study.citizen,
            window,
            min_n=ctx.min_cell,
        ),
    )


def section_complaints(ctx: ReportContext) -> Section:
    """Complaints per unit (:func:`evalkit.complaints.complaint_handling`).

    Shared: the regency figures (rate per 1,000 people served, Kaplan–Meier median days
    to settle, share settled within the standard, with intervals), the rank correlation
    between the SKM complaint item and the share settled within the standard across
    units, and per unit the same figures, masked below ``min_cell`` complaints (the
    item mean below ``min_cell`` answers); units flagged for review are named. Restricted:
    the officers named in complaints (pseudonymised in ``restricted/``).
    """
    labels, study = ctx.labels, ctx.study
    section = Section(key="complaints", title=labels["section.complaints.title"])
    section.paragraphs.append(labels["text.complaints.intro"])
    if study.complaints.empty:
        section.paragraphs.append(labels["text.complaints.none"])
        section.findings.append(Finding(key="complaints", text=labels["finding.complaints.none"]))
        section.results = {"available": False}
        return section
    result = complaint_result(ctx)
    p, r = result.parameters, result.regency
    section.paragraphs.append(
        labels(
            "text.complaints.window",
            first=p["window"][0],
            last=p["window"][-1],
            day=p["last_day"],
        )
    )
    if r["n_complaints"] == 0:
        section.paragraphs.append(labels["text.complaints.none_in_window"])
        section.findings.append(Finding(key="complaints", text=labels["finding.complaints.none"]))
        section.results = {"available": True, **result.to_json()}
        return section
    text = labels(
        "finding.complaints.regency",
        n=r["n_complaints"],
        rate=labels.number(r["rate_per_1000"], 2),
        rate_low=labels.number(r["rate_ci_low"], 2),
        rate_high=labels.number(r["rate_ci_high"], 2),
        median=_days(labels, r["median_days"]),
        median_low=_days(labels, r["median_ci_low"]),
        median_high=_days(labels, r["median_ci_high"]),
        share=labels.percent(r["share_within"], 0),
        share_low=labels.percent(r["share_ci_low"], 0),
        share_high=labels.percent(r["share_ci_high"], 0),
        days=p["standard_days"],
        due=r["n_due"],
    )
    section.paragraphs.append(text)
    section.findings.append(Finding(key="complaints", text=text))

    a = result.agreement
    if pd.notna(a["estimate"]):
        key = "agree" if a["ci_low"] > 0 else ("disagree" if a["ci_high"] < 0 else "unclear")
        section.paragraphs.append(
            labels(
                f"text.complaints.triangulation_{key}",
                item=p["item"],
                rho=labels.number(a["estimate"], 2),
                low=labels.number(a["ci_low"], 2),
                high=labels.number(a["ci_high"], 2),
                units=a["n"],
            )
        )
    else:
        section.paragraphs.append(labels("text.complaints.triangulation_none", item=p["item"]))

    names = unit_names(study)
    units = result.units.merge(names, on="unit_id", how="left")
    flagged = units.loc[units["flagged"].eq(True), "unit_name"].tolist()
    text = labels(
        "finding.complaints.flagged" if flagged else "finding.complaints.none_flagged",
        item=p["item"],
        flagged=len(flagged),
        names=", ".join(flagged),
    )
    section.paragraphs.append(text)
    section.findings.append(Finding(key="complaints", text=text, attention=bool(flagged)))

    shown = units[
        [
            "unit_id",
            "unit_name",
            "sector",
            "n_complaints",
            "rate_per_1000",
            "rate_ci_low",
            "rate_ci_high",
            "median_days",
            "median_ci_low",
            "median_ci_high",
            "n_due",
            "share_within",
            "share_ci_low",
            "share_ci_high",
            "n_item",
            "item_mean",
            "flagged",
        ]
    ]
    shown = shown[shown["n_complaints"].gt(0)]
    shown = suppress_small_cells(
        shown, "n_complaints", ctx.min_cell, values=_COMPLAINT_VALUES, secondary=False
    )
    item = suppress_small_cells(
        shown[["n_item", "item_mean"]],
        "n_item",
        ctx.min_cell,
        values=["item_mean"],
        secondary=False,
        marker="suppressed_item",
    )
    shown["item_mean"] = item["item_mean"]
    shown["suppressed"] = shown["suppressed"].where(
        shown["suppressed"].notna(), item["suppressed_item"]
    )
    shown = shown.sort_values(
        ["flagged", "share_within", "n_complaints"],
        ascending=[False, True, False],
        kind="stable",
        na_position="last",
    ).reset_index(drop=True)
    section.tables.append(SectionTable("complaints_units", shown, digits=1))
    # the chart: every unit with both a share settled on time and an item mean shown
    plotted = shown.dropna(subset=["share_within", "item_mean"])
    if len(plotted):
        fig = plot_complaints(
            plotted,
            high_rating=p["high_rating"],
            item=p["item"],
            names=dict(zip(names["unit_id"], names["unit_name"], strict=False)),
            labels=labels.prefixed("plot.complaints"),
        )
        section.figures.append(SectionFigure("complaints_units", figure_png(fig)))
    # what needs attention: the units flagged for review, with the numbers behind the flag
    review = shown[shown["flagged"].eq(True)]
    if len(review):
        section.attention.append(
            SectionTable(
                "complaints_flagged",
                review[
                    [
                        "unit_id",
                        "unit_name",
                        "n_complaints",
                        "n_due",
                        "share_within",
                        "share_ci_low",
                        "share_ci_high",
                        "item_mean",
                    ]
                ].reset_index(drop=True),
                digits=1,
            )
        )
    js = result.to_json()
    js["units"] = shown.drop(columns="unit_name").to_dict(orient="records")
    section.results = {"available": True, **js}
    if len(result.officers):
        section.restricted["complaint_officers"] = result.officers
    return section
