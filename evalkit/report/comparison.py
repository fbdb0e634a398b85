"""Section "comparison": citizens (SKM) against supervisors, per unit."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..compare import _UNIT_JSON, compare_sources, comparison_sufficiency
from ..io import Study
from ..labels import Labels
from ..plots.compare import plot_funnel
from ..privacy import suppress_small_cells
from ..sufficiency import Insufficient
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    insufficient_section,
    unit_names,
)
from .periods import comparison_window
from .spark import spark_effect

__all__ = ["section_comparison", "without_units"]

#: Fewest units, each with enough citizen answers and supervisor ratings, for the
#: comparison to be reported: :func:`evalkit.compare.flag_units` centres and flags only
#: from three such units.
MIN_TESTED_UNITS = 3

#: The results.json entry of a comparison with too little data: the keys other parts
#: (the unit scorecards) read, empty.
_EMPTY_RESULTS = {"units": [], "centre": None, "offset": None, "pooled_without_units": []}

#: Columns of the unit table that are masked below ``min_cell``: the means, and every
#: per-unit value that results.json carries (ids and counts stay visible).
_UNIT_VALUES = [
    "mean_supervisor",
    "mean_citizen",
    *(c for c in _UNIT_JSON if c != "unit_id" and not c.startswith("n_")),
]


def without_units(study: Study, units: set[str]) -> Study:
    """``study`` without the citizen responses about ``units`` and the behaviour ratings
    of their employees: what the pooled comparison may use once those units are hidden.

    Parameters
    ----------
    study : Study
    units : set of str
        Unit ids to leave out.

    Returns
    -------
    Study
        A shallow copy; the other tables are shared, not copied.
    """
    if not units:
        return study
    staff = study.employees.loc[study.employees["unit_id"].isin(units), "employee_id"]
    return dataclasses.replace(
        study,
        citizen=study.citizen[~study.citizen["unit_id"].isin(units)],
        behaviour=study.behaviour[~study.behaviour["employee_id"].isin(staff)],
    )


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
    supervisor and citizen means on the 0–100 (POMP) scale, their gap, the review flag,
    who rated the unit higher (``higher_rater``) and its gap against the regency's
    typical gap (``vs_regency``; :func:`evalkit.compare.flag_units`), masked below
    ``min_cell`` citizen respondents or supervisor ratees (with a complementary unit
    where one alone is masked). Restricted: the officer-level list (named officers whose
    two ratings diverge) for follow-up.

    Pooled figures next to the per-unit values (mean gap, limits of agreement,
    correlations, offset, the typical gap and τ² behind the review flags and
    ``vs_regency``) are computed without the masked units: with them, a masked unit's
    gap could be solved from the shown gaps and the pooled mean and limits of agreement
    (two masked units: two equations, two unknowns). The report says how many units the
    pooled figures leave out.
    """
    labels, study = ctx.labels, ctx.study
    window = comparison_window(study, ctx.period)
    gap = comparison_sufficiency(study, window, ctx.min_cell)
    if gap is not None:
        return insufficient_section(ctx, "comparison", gap, _EMPTY_RESULTS)
    full = ctx.cached("comparison", lambda: compare_sources(study, window))
    counts = suppress_small_cells(
        full.units[["unit_id", "n_citizen", "n_supervisor"]],
        ["n_citizen", "n_supervisor"],
        ctx.min_cell,
        values=[],
    )
    hidden = set(counts.loc[counts["suppressed"].notna(), "unit_id"])
    if hidden and hidden >= set(counts["unit_id"]):  # every unit too small, or hiding another
        enough = counts["n_citizen"].ge(ctx.min_cell) & counts["n_supervisor"].ge(ctx.min_cell)
        gap = Insufficient("comparison", "all_hidden", found=int(enough.sum()), needed=ctx.min_cell)
        return insufficient_section(ctx, "comparison", gap, _EMPTY_RESULTS)
    result = (
        ctx.cached(
            "comparison_shared",
            lambda: compare_sources(without_units(study, hidden), window),
        )
        if hidden
        else full
    )
    # fewer than MIN_TESTED_UNITS units with enough answers: no centre, no flag and an
    # offset whose interval spans the scale; too little to report
    shown_units = result.units[~result.units["unit_id"].isin(hidden)]
    tested = int(shown_units["eligible"].sum())
    if tested < MIN_TESTED_UNITS:
        gap = Insufficient("comparison", "too_few_units", found=tested, needed=MIN_TESTED_UNITS)
        return insufficient_section(ctx, "comparison", gap, _EMPTY_RESULTS)
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
    section.paragraphs.extend(_comparison_meaning(result.agreement, labels))
    if hidden:
        text = labels("text.comparison.pooled_without_hidden", units=len(hidden))
        section.paragraphs.append(text)
    names = unit_names(study)
    # counts from every unit; values of the shown units from the comparison without the
    # hidden ones (their gaps move a little: the citizens' case-mix model is refitted)
    units = (
        full.units[["unit_id", "n_citizen", "n_supervisor"]]
        .merge(result.units[["unit_id", *_UNIT_VALUES]], on="unit_id", how="left", validate="1:1")
        .merge(names, on="unit_id", how="left")
    )
    units = units[["unit_id", "unit_name", "n_citizen", "n_supervisor", *_UNIT_VALUES]]
    units["flagged"] = units["flagged"].astype("boolean")
    units = suppress_small_cells(
        units, ["n_citizen", "n_supervisor"], ctx.min_cell, values=_UNIT_VALUES
    )
    units = units.sort_values(
        ["flagged", "gap"], ascending=[False, False], kind="stable", na_position="last"
    ).reset_index(drop=True)
    flagged = units.loc[units["flagged"].eq(True), "unit_name"].tolist()
    text = labels(
        "finding.comparison.flagged" if flagged else "finding.comparison.none_flagged",
        # tested: shown, and with enough responses to be flagged or called typical
        units=int(units["vs_regency"].notna().sum()),
        flagged=len(flagged),
        names=", ".join(flagged),
    )
    section.paragraphs.append(text)
    section.paragraphs.append(labels["text.comparison.flag_note"])
    if off and off.get("estimate") is not None:
        est, low, high = off["estimate"], off["ci_low"], off["ci_high"]
        section.findings.append(
            Finding(
                key="comparison",
                text=labels(
                    "brief.comparison_" + ("higher" if est >= 0 else "lower"),
                    estimate=labels.number(abs(est), 1),
                )
                + " "
                + labels(
                    "brief.comparison_flagged" if flagged else "brief.comparison_none",
                    flagged=len(flagged),
                    units=int(units["vs_regency"].notna().sum()),  # as in the section
                ),
                uncertainty=labels(
                    "brief.interval_points",
                    level=labels.percent(0.95, 0),
                    low=labels.number(low, 1),
                    high=labels.number(high, 1),
                ),
                spark=spark_effect(
                    est, low, high, reach=10.0, title=labels["brief.comparison_spark"]
                ),
                attention=bool(flagged),
            )
        )
    # the units to review, in plain columns: no flag, suppression marker or q-value (the
    # appendix has them all)
    review = units[units["flagged"].eq(True)].drop(columns=["flagged", "suppressed", "q_value"])
    if len(review):
        section.attention.append(
            SectionTable(
                "comparison_flagged",
                review.reset_index(drop=True),
                codes={"higher_rater": "higher_rater", "vs_regency": "vs_regency"},
                digits=1,
            )
        )
    centre = result.units.attrs.get("centre")
    if centre is not None and pd.notna(centre):
        section.paragraphs.append(
            labels("text.comparison.columns_note", centre=labels.number(centre, 1))
        )
    section.tables.append(
        SectionTable(
            "comparison_units",
            units,
            codes={"higher_rater": "higher_rater", "vs_regency": "vs_regency"},
            digits=1,
        )
    )
    agreement = result.agreement[result.agreement["level"] == "unit"][
        ["statistic", "estimate", "ci_low", "ci_high", "p_val", "n_targets"]
    ].reset_index(drop=True)
    section.tables.append(
        SectionTable("comparison_agreement", agreement, codes={"statistic": "statistic"}, digits=3)
    )
    shown = result.units[
        result.units["unit_id"].isin(units.loc[units["suppressed"].isna(), "unit_id"])
    ]
    if shown["eligible"].any():
        fig = plot_funnel(
            shown,
            names=dict(zip(names["unit_id"], names["unit_name"], strict=False)),
            labels=labels.prefixed("plot.compare"),
        )
        section.figures.append(SectionFigure("comparison_funnel", figure_png(fig)))
    js["units"] = units.drop(columns="unit_name").to_dict(orient="records")
    js["pooled_without_units"] = sorted(hidden)
    section.results = js
    if len(result.officers):
        section.restricted["officers_citizen_vs_supervisor"] = result.officers.sort_values(
            ["flagged", "gap"], ascending=[False, False], kind="stable"
        ).reset_index(drop=True)
    return section
