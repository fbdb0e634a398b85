"""Section "competence": behaviour against results for every employee, and teachers'
class observation against their pupils' achievement."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..competence import AgreementResult, behaviour_results_agreement, teacher_results
from ..labels import Labels
from ..plots.competence import plot_correlations
from ..privacy import suppress_small_cells
from ..sufficiency import Insufficient
from ..tables import CODES
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
from .periods import period_quarters

__all__ = ["agreement_result", "compare_correlations", "section_competence"]


def agreement_result(ctx: ReportContext) -> AgreementResult:
    """:func:`evalkit.competence.behaviour_results_agreement` on the period's scores,
    computed once per report."""
    return ctx.cached(
        "competence",
        lambda: behaviour_results_agreement(
            scored(ctx).employees,
            ctx.study.units.drop_duplicates("unit_id").set_index("unit_id")["sector"],
        ),
    )


def compare_correlations(corr: pd.DataFrame, confidence: float = 0.95) -> dict | None:
    """The two groups with the highest and lowest rank correlation, and whether they
    differ beyond chance: ``z = (atanh r₁ − atanh r₂) / √(SE₁² + SE₂²)`` with the
    Bonett–Wright ``SE² = (1 + r²/2)/(n − 3)``; ``None`` with fewer than two groups."""
    c = corr.dropna(subset=["estimate"])
    if len(c) < 2:
        return None
    hi = c.loc[c["estimate"].idxmax()]
    lo = c.loc[c["estimate"].idxmin()]
    se2 = [(1 + r["estimate"] ** 2 / 2) / (r["n"] - 3) for r in (hi, lo)]
    z = (np.arctanh(hi["estimate"]) - np.arctanh(lo["estimate"])) / np.sqrt(sum(se2))
    p = float(2 * stats.norm.sf(abs(z)))
    return {
        "high": hi["group"],
        "low": lo["group"],
        "r_high": float(hi["estimate"]),
        "r_low": float(lo["estimate"]),
        "z": float(z),
        "p_val": p,
        "differ": bool(p < 1 - confidence),
    }


def _employee_part(ctx: ReportContext, section: Section) -> dict:
    labels: Labels = ctx.labels
    result = agreement_result(ctx)
    corr = result.correlation
    reg = corr[corr["level"] == "regency"].iloc[0]
    ceiling = result.parameters["ceiling"]
    n_reg = int(reg["n"]) if pd.notna(reg["n"]) else 0
    too_little = None
    if n_reg < ctx.min_cell:
        too_little = Insufficient("competence", "too_few_employees", n_reg, ctx.min_cell)
    elif pd.isna(reg["estimate"]):  # every behaviour or every results score the same
        too_little = Insufficient("competence", "no_variation", n_reg, ctx.min_cell)
    if too_little is not None:
        section.paragraphs.append(too_little.sentence(labels))
    else:
        # an observed correlation at or above the ceiling cannot be corrected upwards:
        # say so instead of writing a corrected value of 1
        at_ceiling = reg["estimate"] >= ceiling
        text = labels(
            "finding.competence.employees" + ("_at_ceiling" if at_ceiling else ""),
            rho=labels.number(reg["estimate"], 2),
            low=labels.number(reg["ci_low"], 2),
            high=labels.number(reg["ci_high"], 2),
            n=int(reg["n"]),
            ceiling=labels.number(ceiling, 2),
            true=labels.number(min(reg["estimate"] / ceiling, 1.0), 2),
        )
        section.paragraphs.append(text)
        section.findings.append(Finding(key="competence", text=text))
    sectors = corr[(corr["level"] == "sector") & corr["n"].ge(ctx.min_cell)]
    cmp = compare_correlations(sectors)
    if cmp is not None:
        key = "differ" if cmp["differ"] else "similar"
        section.paragraphs.append(
            labels(
                f"text.competence.sectors_{key}",
                high=labels.code("sector", cmp["high"]),
                low=labels.code("sector", cmp["low"]),
                r_high=labels.number(cmp["r_high"], 2),
                r_low=labels.number(cmp["r_low"], 2),
                p=labels.number(cmp["p_val"], 3),
            )
        )
    quad = result.quadrant.copy()
    shown_q = suppress_small_cells(
        quad, "n_group", ctx.min_cell, values=["n", "share"], secondary=False
    )
    shown_q = shown_q.rename(columns={"group": "sector"})
    shown_q["sector"] = shown_q["sector"].where(shown_q["level"] != "regency", None)
    section.tables.append(
        SectionTable(
            "competence_quadrant",
            shown_q.drop(columns="level"),
            codes={"hasil": "expectation", "perilaku": "expectation"},
        )
    )
    by_group = corr[corr["level"].isin(["regency", "sector"])].copy()
    by_group = suppress_small_cells(
        by_group, "n", ctx.min_cell, values=["estimate", "ci_low", "ci_high", "disattenuated"]
    )
    by_group = by_group.rename(columns={"group": "sector"})
    by_group["sector"] = by_group["sector"].where(by_group["level"] != "regency", None)
    section.tables.append(
        SectionTable("competence_correlation", by_group.drop(columns="level"), digits=2)
    )
    # the chart: the regency and the sectors shown in the table (masked ones left out)
    shown = corr[corr["level"].isin(["regency", "sector"])].copy()
    shown.loc[by_group["estimate"].isna().to_numpy(), "estimate"] = np.nan
    order = {c: i for i, c in enumerate(CODES["sector"])}  # as in the sector chart
    shown = shown.sort_values("group", key=lambda g: g.map(order), kind="stable")
    if shown["estimate"].notna().any():
        fig = plot_correlations(
            shown,
            ceiling=ceiling,
            names={c: labels.code("sector", c) for c in shown["group"] if c != "all"},
            labels=labels.prefixed("plot.competence"),
        )
        section.figures.append(SectionFigure("competence_correlation", figure_png(fig)))
    units = corr[corr["level"] == "unit"].rename(columns={"group": "unit_id"})
    units = units.merge(unit_names(ctx.study), on="unit_id", how="left")
    units = units[["unit_id", "unit_name", "n", "estimate", "ci_low", "ci_high"]]
    units = suppress_small_cells(
        units, "n", ctx.min_cell, values=["estimate", "ci_low", "ci_high"], secondary=False
    )
    units = units.sort_values("estimate", kind="stable", na_position="last")
    section.tables.append(SectionTable("competence_units", units.reset_index(drop=True), digits=2))
    js = result.to_json()
    js["quadrant"] = shown_q.to_dict(orient="records")
    js["correlation"] = pd.concat(
        [by_group, units.drop(columns="unit_name").assign(level="unit")], ignore_index=True
    ).to_dict(orient="records")
    js["sector_comparison"] = cmp
    if too_little is not None:
        js["insufficient"] = too_little.to_json()
    return js


def _teacher_part(ctx: ReportContext, section: Section) -> dict:
    labels: Labels = ctx.labels
    quarters = period_quarters(ctx.study, ctx.period)
    teaching = ctx.study.teaching
    teaching = teaching[teaching["period"].isin(quarters)]
    if teaching.empty:
        section.paragraphs.append(labels["text.competence.no_teaching"])
        return {"available": False}
    result = ctx.cached("teachers", lambda: teacher_results(teaching))
    s = result.slope
    if s.get("estimate") is None or s["n_schools"] < ctx.min_cell:
        section.paragraphs.append(labels["text.competence.no_teaching"])
        return {"available": False, "n_teachers": s["n_teachers"], "n_schools": s["n_schools"]}
    clear = s["ci_low"] > 0 or s["ci_high"] < 0
    text = labels(
        "finding.competence.teachers_" + ("clear" if clear else "unclear"),
        b=labels.number(10 * s["estimate"], 1),
        low=labels.number(10 * s["ci_low"], 1),
        high=labels.number(10 * s["ci_high"], 1),
        r=labels.number(s["correlation"], 2),
        teachers=s["n_teachers"],
        schools=s["n_schools"],
        df=s["df"],
    )
    section.paragraphs.append(text)
    section.findings.append(Finding(key="competence", text=text))
    icc = result.icc
    a = icc[(icc["measure"] == "achievement") & (icc["statistic"] == "bliese_icc1")].iloc[0]
    text = labels(
        f"finding.competence.achievement_{result.by_sector_school}",
        icc=labels.percent(a["estimate"], 0),
        low=labels.percent(a["ci_low"], 0),
        high=labels.percent(a["ci_high"], 0),
    )
    section.paragraphs.append(text)
    section.findings.append(Finding(key="competence", text=text))
    table = icc[icc["statistic"] == "bliese_icc1"][
        ["measure", "estimate", "ci_low", "ci_high", "n_targets", "n_raters"]
    ].reset_index(drop=True)
    section.tables.append(
        SectionTable("competence_teacher_icc", table, codes={"measure": "measure"}, digits=2)
    )
    return {"available": True, **result.to_json()}


def section_competence(ctx: ReportContext) -> Section:
    """Competence against results.

    Employees (every sector): the share in each cell of the hasil × perilaku quadrant of
    PermenPANRB 6/2022 and the rank correlation of the results and behaviour scores,
    regency, per sector and per unit, with the reliability ceiling
    (:func:`evalkit.competence.behaviour_results_agreement`). Teachers: the within-school
    slope of pupils' achievement on the class observation and the share of achievement
    variance between schools (:func:`evalkit.competence.teacher_results`). Cells below
    ``min_cell`` employees, and schools fewer than ``min_cell``, are not shown.
    """
    labels = ctx.labels
    section = Section(key="competence", title=labels["section.competence.title"])
    section.paragraphs.append(labels["text.competence.intro"])
    employees = _employee_part(ctx, section)
    section.paragraphs.append(labels["text.competence.teachers_intro"])
    teachers = _teacher_part(ctx, section)
    section.results = {"employees": employees, "teachers": teachers}
    return section
