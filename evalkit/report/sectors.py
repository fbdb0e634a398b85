"""Section "sectors": the study's analyses per sector (pendidikan, kesehatan,
administrasi), with intervals and a short comparison."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..compare import compare_sources, comparison_sufficiency
from ..impact import training_impact
from ..labels import Labels
from ..plots.sectors import plot_sectors
from ..privacy import suppress_small_cells
from ..sectors import (
    gap_by_sector,
    predikat_by_sector,
    reliability_by_sector,
    sector_study,
    skm_by_sector,
)
from ..tables import CODES
from .base import Finding, ReportContext, Section, SectionFigure, SectionTable, figure_png, scored
from .periods import comparison_window, period_quarters

__all__ = ["ikm_comparison", "section_sectors", "sector_chart_data"]


def ikm_comparison(skm: pd.DataFrame) -> dict[str, Any] | None:
    """The sectors with the highest and lowest IKM, and ``differ`` when their bootstrap
    intervals do not overlap (a conservative reading: non-overlap implies a difference
    beyond chance at the intervals' level, overlap does not prove sameness)."""
    s = skm.dropna(subset=["ikm_converted", "ci_low", "ci_high"])
    if len(s) < 2:
        return None
    hi = s.loc[s["ikm_converted"].idxmax()]
    lo = s.loc[s["ikm_converted"].idxmin()]
    return {
        "high": hi["sector"],
        "low": lo["sector"],
        "ikm_high": float(hi["ikm_converted"]),
        "ikm_low": float(lo["ikm_converted"]),
        "differ": bool(hi["ci_low"] > lo["ci_high"]),
    }


def _sector(labels: Labels, code: str) -> str:
    return labels.code("sector", code)


def _training(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    for sector in CODES["sector"]:
        sub = sector_study(ctx.study, sector)
        if sub.employees.empty:
            continue
        js = ctx.cached(
            f"training_{sector}", lambda sub=sub: training_impact(sub, ctx.period).to_json()
        )
        rows.append(
            {
                "sector": sector,
                "estimate": js["estimate"],
                "ci_low": js["ci_low"],
                "ci_high": js["ci_high"],
                "n_treated": int(js["n_treated"] or 0),
                "n_clusters": js.get("n_clusters"),
            }
        )
    out = pd.DataFrame(
        rows, columns=["sector", "estimate", "ci_low", "ci_high", "n_treated", "n_clusters"]
    )
    return out.astype({"estimate": float, "ci_low": float, "ci_high": float})


def section_sectors(ctx: ReportContext) -> Section:
    """Every analysis per sector (:mod:`evalkit.sectors`).

    Predikat shares (Wilson intervals), IKM and mutu (unit-cluster bootstrap), the
    citizen–supervisor gap over the comparison window (t over units, Welch test for the
    sentence), the single-rater reliability of 360° ratings (ICC(1), F intervals) and the
    training effect (Callaway–Sant'Anna on each sector's employees). Rows built from
    fewer than ``min_cell`` employees, respondents, units, ratees or trained employees
    are masked.
    """
    labels, study = ctx.labels, ctx.study
    section = Section(key="sectors", title=labels["section.sectors.title"])
    section.paragraphs.append(labels["text.sectors.intro"])
    units = study.units.drop_duplicates("unit_id").set_index("unit_id")["sector"]
    staff = study.employees.drop_duplicates("employee_id").set_index("employee_id")["sector"]
    results: dict[str, Any] = {}

    # predikat
    pred = predikat_by_sector(scored(ctx).employees, units)
    pred = pred.rename(columns={"ci_low": "share_ci_low", "ci_high": "share_ci_high"})
    pred = suppress_small_cells(
        pred,
        "n_sector",
        ctx.min_cell,
        values=["n", "share", "share_ci_low", "share_ci_high"],
        secondary=False,
    )
    section.tables.append(SectionTable("sectors_predikat", pred, codes={"predikat": "predikat"}))
    results["predikat"] = pred

    # SKM
    quarters = period_quarters(study, ctx.period)
    citizen = study.citizen[study.citizen["period"].isin(quarters)]
    if len(citizen):
        skm = skm_by_sector(citizen, units)
        skm = suppress_small_cells(
            skm,
            "n",
            ctx.min_cell,
            values=["ikm", "ikm_converted", "ci_low", "ci_high", "mutu"],
            secondary=False,
        )
        section.tables.append(SectionTable("sectors_skm", skm.drop(columns="ikm"), digits=1))
        cmp = ikm_comparison(skm)
        if cmp is not None:
            key = "differ" if cmp["differ"] else "similar"
            section.paragraphs.append(
                labels(
                    f"text.sectors.ikm_{key}",
                    high=_sector(labels, cmp["high"]),
                    low=_sector(labels, cmp["low"]),
                    ikm_high=labels.number(cmp["ikm_high"], 1),
                    ikm_low=labels.number(cmp["ikm_low"], 1),
                )
            )
        results["skm"] = {"sectors": skm, "comparison": cmp}

    # citizens against supervisors
    window = comparison_window(study, ctx.period)
    too_little = comparison_sufficiency(study, window, ctx.min_cell)
    if too_little is not None:  # the comparison section says what is missing; so here
        section.paragraphs.append(too_little.sentence(labels))
        results["gap"] = {"window": window, "insufficient": too_little.to_json()}
    else:
        comparison = ctx.cached("comparison", lambda: compare_sources(study, window))
        gap, _ = gap_by_sector(comparison.units, units)
        gap = suppress_small_cells(
            gap,
            "n_units",
            ctx.min_cell,
            values=["mean_gap", "ci_low", "ci_high", "mean_abs_gap"],
            secondary=False,
        )
        section.tables.append(SectionTable("sectors_gap", gap, digits=1))
        # the comparison is between the sectors shown: a masked sector is in no sentence
        shown = set(gap.loc[gap["suppressed"].isna(), "sector"])
        _, cmp = gap_by_sector(comparison.units, units[units.isin(shown)])
        if cmp is not None:
            key = "differ" if cmp["differ"] else "similar"
            text = labels(
                f"finding.sectors.gap_{key}",
                closer=_sector(labels, cmp["closer"]),
                further=_sector(labels, cmp["further"]),
                gap_closer=labels.number(cmp["abs_gap_closer"], 1),
                gap_further=labels.number(cmp["abs_gap_further"], 1),
                p=labels.number(cmp["p_val"], 3),
            )
            section.paragraphs.append(text)
            section.findings.append(Finding(key="sectors", text=text))
        results["gap"] = {"window": window, "sectors": gap, "comparison": cmp}

    # reliability
    behaviour = study.behaviour[study.behaviour["period"].isin(quarters)]
    if len(behaviour):
        rel = reliability_by_sector(behaviour, staff).rename(
            columns={"n_targets": "n_ratees", "n_raters": "n_ratings"}
        )
        rel = suppress_small_cells(
            rel,
            "n_ratees",
            ctx.min_cell,
            values=["estimate", "ci_low", "ci_high"],
            secondary=False,
        )
        section.tables.append(
            SectionTable("sectors_reliability", rel, codes={"statistic": "statistic"})
        )
        if rel["estimate"].isna().all():
            section.paragraphs.append(labels["text.sectors.reliability_none"])
        results["reliability"] = rel

    # training
    train = _training(ctx)
    train = suppress_small_cells(
        train,
        "n_treated",
        ctx.min_cell,
        values=["estimate", "ci_low", "ci_high"],
        secondary=False,
    )
    section.tables.append(SectionTable("sectors_training", train, digits=2))
    estimable = train.dropna(subset=["estimate"])
    clear = estimable[(estimable["ci_low"] > 0) | (estimable["ci_high"] < 0)]
    if len(estimable):
        # "every sector" only when every sector has an estimate and it is clear
        key = "clear" if len(clear) == len(train) else ("none" if clear.empty else "mixed")
        section.paragraphs.append(
            labels(
                f"text.sectors.training_{key}",
                names=", ".join(_sector(labels, s) for s in clear["sector"]),
            )
        )
    results["training"] = train
    figure = _figure(ctx, results)
    if figure is not None:
        section.figures.append(figure)
    section.results = results
    return section


#: The measures of the sector chart, in order, and the column holding each estimate.
_CHART = (("ikm", "ikm_converted"), ("gap", "mean_gap"), ("training", "estimate"))


def sector_chart_data(results: dict[str, Any]) -> pd.DataFrame:
    """The sector chart's rows: ``measure`` (``ikm``, ``gap``, ``training``), ``sector``,
    ``estimate``, ``ci_low``, ``ci_high``, from the section's (masked) tables."""
    tables = {
        "ikm": results.get("skm", {}).get("sectors"),
        "gap": results.get("gap", {}).get("sectors"),
        "training": results.get("training"),
    }
    parts = []
    for measure, column in _CHART:
        t = tables[measure]
        if t is None or not len(t):
            continue
        parts.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "sector": t["sector"].to_numpy(),
                    "estimate": t[column].to_numpy(dtype=float),
                    "ci_low": t["ci_low"].to_numpy(dtype=float),
                    "ci_high": t["ci_high"].to_numpy(dtype=float),
                }
            )
        )
    columns = ["measure", "sector", "estimate", "ci_low", "ci_high"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _figure(ctx: ReportContext, results: dict[str, Any]) -> SectionFigure | None:
    data = sector_chart_data(results)
    if not data["estimate"].notna().any():
        return None
    order = [s for s in CODES["sector"] if s in set(data["sector"])]
    data = data.assign(sector=pd.Categorical(data["sector"], order)).sort_values(
        ["sector"], kind="stable"
    )
    data["sector"] = data["sector"].astype(str)
    fig = plot_sectors(
        data,
        measures=[m for m, _ in _CHART if m in set(data["measure"])],
        names={s: _sector(ctx.labels, s) for s in order},
        labels=ctx.labels.prefixed("plot.sectors"),
    )
    return SectionFigure("sectors", figure_png(fig))
