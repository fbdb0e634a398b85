"""Section "training": the effect of training on later supervisor ratings."""

from __future__ import annotations

from typing import Any

from ..impact import training_impact, training_sufficiency
from ..plots.impact import event_study_plot
from ..privacy import suppress_small_cells
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    insufficient_section,
    signed,
)
from .spark import spark_effect

__all__ = ["section_training"]


def section_training(ctx: ReportContext) -> Section:
    """Training impact: Callaway–Sant'Anna ATT on later supervisor behaviour scores,
    with the TWFE and naive comparisons for honesty (:func:`evalkit.impact.training_impact`)."""
    labels = ctx.labels
    gap = training_sufficiency(ctx.study, ctx.period, ctx.min_cell)
    if gap is None:
        result = ctx.cached(
            "training", lambda: training_impact(ctx.study, ctx.period, min_cell=ctx.min_cell)
        )
        gap = training_sufficiency(ctx.study, ctx.period, ctx.min_cell, result)
    if gap is not None:
        return insufficient_section(ctx, "training", gap, {"estimate": None})
    section = Section(key="training", title=labels["section.training.title"])
    js = result.to_json()
    section.results = js
    section.paragraphs.append(labels["text.training.intro"])
    est, low, high = js["estimate"], js["ci_low"], js["ci_high"]
    if est is None:
        section.paragraphs.append(labels["text.training.no_estimate"])
    elif low is None:  # too few trained units: the effect in words, no interval
        text = labels(
            "finding.training.no_interval", estimate=signed(labels, est), treated=js["n_treated"]
        )
        section.paragraphs.append(text)
        section.findings.append(
            Finding(
                key="training",
                text=text,
                uncertainty=labels["brief.training_no_interval_uncertainty"],
                spark=spark_effect(
                    est, None, None, reach=0.5, title=labels["brief.training_spark"]
                ),
            )
        )
    else:
        # "clear" only when the interval excludes 0; then the words say which way
        if low is not None and low > 0:
            key, shown = "clear_higher", labels.number(est, 2)
        elif high is not None and high < 0:
            key, shown = "clear_lower", labels.number(-est, 2)
        else:
            key, shown = "unclear", signed(labels, est)
        text = labels(
            f"finding.training.{key}",
            estimate=shown,
            low=low,
            high=high,
            level=labels.percent(js["confidence"], 0),
            treated=js["n_treated"],
        )
        section.paragraphs.append(text)
        section.findings.append(
            Finding(
                key="training",
                text=labels(f"brief.training_{key}", estimate=shown),
                uncertainty=labels(
                    "brief.interval",
                    level=labels.percent(js["confidence"], 0),
                    low=labels.number(low, 2),
                    high=labels.number(high, 2),
                )
                + " "
                + labels(
                    "brief.training_"
                    + ("clear" if key.startswith("clear") else "unclear")
                    + "_uncertainty",
                    treated=js["n_treated"],
                ),
                spark=spark_effect(est, low, high, reach=0.5, title=labels["brief.training_spark"]),
            )
        )
    for note in js.get("notes", []):
        key = f"text.training.note.{note}"
        if key in labels:
            section.paragraphs.append(labels[key])
    att = result.att[
        ["aggregation", "estimate", "ci_low", "ci_high", "p_val", "n_treated", "n_control"]
    ].copy()
    att = att[att["aggregation"].isin(["simple", "dynamic"])].reset_index(drop=True)
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
    es = result.event_study
    if not (es["method"] == "callaway_santanna").any():
        return None  # no figure without estimates (e.g. no period before any training)
    fig = event_study_plot(
        result.event_study, methods=["callaway_santanna"], labels=ctx.labels.prefixed("plot.impact")
    )
    return figure_png(fig)
