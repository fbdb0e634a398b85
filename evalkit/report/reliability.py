"""Section "reliability": can the 360° ratings and the citizens' unit means be trusted?"""

from __future__ import annotations

import math

from ..io import select_period
from ..privacy import suppress_small_cells
from ..reliability.report import assess_reliability
from ..sufficiency import Insufficient
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionTable,
    present,
    to_jsonable,
    unit_names,
)
from .spark import spark_interval

__all__ = ["section_reliability"]


def section_reliability(ctx: ReportContext) -> Section:
    """Reliability of the 360° ratings and of the citizens' unit means
    (:func:`evalkit.reliability.report.assess_reliability`).

    Shared: the pooled statistics, and per unit the supervisor–peer agreement (ICC2) and
    the citizens' within-unit agreement, masked below ``min_cell`` ratees or respondents
    (statistics, not sums: no complementary cells are needed).
    """
    labels, study = ctx.labels, ctx.study
    result = ctx.cached("reliability", lambda: assess_reliability(study, ctx.period))
    section = Section(key="reliability", title=labels["section.reliability.title"])
    section.paragraphs.append(labels["text.reliability.intro"])
    names = unit_names(study)
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
    rated = select_period(study, ctx.period).behaviour.groupby("rater_role")["employee_id"]
    roles = {role: set(ids) for role, ids in rated}
    pairs = len(roles.get("atasan", set()) & roles.get("rekan", set()))
    too_little = None
    if pairs < ctx.min_cell:  # fewer than min_cell employees rated by both
        too_little = Insufficient("reliability", "too_few_pairs", found=pairs, needed=ctx.min_cell)
    elif not (len(headline) and present(headline["estimate"].iloc[0])):
        too_little = Insufficient("reliability", "no_variation", found=pairs, needed=ctx.min_cell)
    if too_little is not None:
        section.paragraphs.append(too_little.sentence(labels))
    else:
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
        section.findings.append(
            Finding(
                key="reliability",
                text=labels(
                    "brief.reliability",
                    band=labels.code("band", row["band"]),
                    estimate=labels.number(row["estimate"], 2),
                ),
                uncertainty=labels(
                    "brief.interval",
                    level=labels.percent(0.95, 0),
                    low=labels.number(row["ci_low"], 2),
                    high=labels.number(row["ci_high"], 2),
                )
                + " "
                + labels("brief.reliability_uncertainty", ratees=int(row["n_ratees"])),
                spark=spark_interval(
                    float(row["estimate"]),
                    float(row["ci_low"]),
                    float(row["ci_high"]),
                    scale=(0.0, 1.0),
                    ticks=(0.5, 0.75, 0.9),
                    title=labels["brief.reliability_spark"],
                ),
                attention=bool(row["band"] == "poor"),
            )
        )
    verdict = result.aggregation.get("verdict")
    icc2 = citizens[citizens["statistic"] == "bliese_icc2"]
    if verdict in ("justified", "not_justified") and len(icc2):
        reasons = [labels.code("reason", r) for r in result.aggregation.get("reasons", [])]
        text = labels(
            f"finding.reliability.citizens_{verdict}",
            icc2=labels.number(icc2["estimate"].iloc[0], 3),
            needed=int(math.ceil(icc2["citizens_needed"].iloc[0]))
            if present(icc2["citizens_needed"].iloc[0])
            else "–",
            reasons="; ".join(reasons),
        )
        section.paragraphs.append(text)
    pooled_alpha = alpha[alpha["scope"] == "all"]
    if len(pooled_alpha) and present(pooled_alpha["estimate"].iloc[0]):
        section.paragraphs.append(
            labels(
                "text.reliability.alpha",
                alpha=labels.number(pooled_alpha["estimate"].iloc[0], 3),
                band=labels.code("band", pooled_alpha["band"].iloc[0]),
            )
        )
    section.paragraphs.append(labels["text.reliability.bands"])
    poor = unit_sources[unit_sources["band"].eq("poor")].sort_values(
        ["estimate", "unit_name"], kind="stable"
    )
    if len(poor):
        section.attention.append(
            SectionTable(
                "reliability_poor_units",
                poor.reset_index(drop=True),
                codes={"band": "band"},
                digits=2,
            )
        )
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
    if too_little is not None:
        section.results["insufficient"] = too_little.to_json()
    return section
