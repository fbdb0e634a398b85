"""Section "scoring": predikat, the distribution pattern per unit, and the SKM index."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import Labels
from ..plots.scoring import PREDIKAT_COLOURS, plot_predikat_distribution, plot_skm
from ..privacy import suppress_small_cells
from ..rules.permenpanrb_14_2017 import MUTU_TABLE
from ..tables import CODES
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    rules_name,
    scored,
    to_jsonable,
    unit_names,
)
from .spark import spark_fraction, spark_interval, spark_shares

__all__ = ["FIGURE_UNITS", "section_scoring", "violation_counts"]

#: At most this many units in a per-unit figure of the body: the units outside the
#: pattern that break the most rules, the units with the lowest IKM.
FIGURE_UNITS = 10


def violation_counts(violations: pd.Series) -> pd.Series:
    """Units per broken rule of the distribution pattern, most frequent first.

    ``violations`` holds :func:`evalkit.check_distribution`'s ``"; "``-joined codes, one
    string per unit (missing or empty: none)."""
    codes = violations.dropna().astype(str).str.split(";").explode().str.strip()
    codes = codes[codes.ne("")]
    counts = codes.value_counts()
    return counts.iloc[np.lexsort((counts.index.to_numpy(), -counts.to_numpy()))]


def _rules_broken(violations) -> int:
    """How many rules of the distribution pattern a unit breaks (``"; "``-joined codes)."""
    if not isinstance(violations, str):
        return 0
    return sum(1 for code in violations.split(";") if code.strip())


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
    labels, study = ctx.labels, ctx.study
    result = scored(ctx)
    section = Section(key="scoring", title=labels["section.scoring.title"])
    section.paragraphs.append(labels("text.scoring.intro", rules=rules_name(labels, ctx.rules)))
    names = unit_names(study)
    predikat_codes = list(CODES["predikat"])

    # regency-wide predikat counts
    predikat = result.employees["predikat"].dropna()
    total = int(len(predikat))
    overall = pd.DataFrame(
        {
            "predikat": predikat_codes,
            "employees": [int((predikat == c).sum()) for c in predikat_codes],
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
    share_good = float(predikat.isin(["sangat_baik", "baik"]).mean()) if total else float("nan")
    finding = labels(
        "finding.scoring",
        employees=total,
        share_good=labels.percent(share_good),
        checked=int(checked.sum()),
        violating=len(violating),
    )
    section.paragraphs.append(finding)
    n_units = int(len(units))
    section.findings.append(
        Finding(
            key="scoring",
            text=labels("brief.scoring", share=labels.percent(share_good), employees=total),
            uncertainty=labels["brief.count"],
            spark=spark_shares(
                [float(x) if pd.notna(x) else 0.0 for x in overall["share"]],
                [PREDIKAT_COLOURS[c] for c in predikat_codes],
                title=labels["figure.scoring_distribution"],
            ),
        )
    )
    section.findings.append(
        Finding(
            key="pattern",
            text=labels("brief.pattern", violating=len(violating), checked=int(checked.sum())),
            uncertainty=labels("brief.pattern_uncertainty", unchecked=n_units - int(checked.sum())),
            spark=spark_fraction(
                len(violating), int(checked.sum()), title=labels["plot.scoring.violation"]
            ),
            attention=bool(violating),
        )
    )
    # the units that break the most rules first (then by name): the body shows the first
    # few, the appendix and tables.xlsx every one
    outside = units[checked & units["ok"].eq(False)][
        ["unit_id", "unit_name", "org_predikat", "n_scored", "violations"]
    ]
    outside = (
        outside.assign(_rules=outside["violations"].map(_rules_broken))
        .sort_values(["_rules", "unit_name"], ascending=[False, True], kind="stable")
        .drop(columns="_rules")
    )
    if len(outside):
        section.attention.append(
            SectionTable(
                "scoring_outside",
                outside.reset_index(drop=True),
                codes={"org_predikat": "org_predikat", "violations": "violation"},
            )
        )
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
            insufficient = int((~shown["n_sufficient"].fillna(True).astype(bool)).sum())
            median = float(shown["ikm_converted"].median())
            section.findings.append(
                Finding(
                    key="skm",
                    text=labels(
                        "brief.skm",
                        median=labels.number(median, 1),
                        low=labels.number(shown["ikm_converted"].min(), 1),
                        high=labels.number(shown["ikm_converted"].max(), 1),
                        units=len(shown),
                    ),
                    uncertainty=labels(
                        "brief.skm_uncertainty" if insufficient else "brief.skm_sufficient",
                        insufficient=insufficient,
                        units=len(shown),
                    ),
                    spark=spark_interval(
                        median,
                        float(shown["ikm_converted"].min()),
                        float(shown["ikm_converted"].max()),
                        scale=(25.0, 100.0),
                        ticks=[low for low, _, _ in MUTU_TABLE],
                        title=labels["brief.skm_spark"],
                    ),
                    attention=insufficient > 0,
                )
            )
            below = shown[~shown["n_sufficient"].fillna(True).astype(bool)]
            # when every unit's sample is below the minimum, the sentence says so and a
            # list of the first few would single out nobody
            if 0 < len(below) < len(shown):
                section.attention.append(
                    SectionTable(
                        "scoring_skm_small",
                        below[
                            ["unit_id", "unit_name", "n_respondents", "n_required", "ikm_converted"]
                        ]
                        .sort_values(["n_respondents", "unit_name"], kind="stable")
                        .reset_index(drop=True),
                    )
                )

    # figures: only what the tables show, and only the units that need a look (every
    # unit is in the appendix and tables.xlsx)
    if True:
        unit_labels = dict(zip(names["unit_id"], names["unit_name"], strict=False))
        plot_labels = {
            **labels.prefixed("plot.scoring"),
            **{c: labels.code("predikat", c) for c in predikat_codes},
        }
        kept = result.distribution[
            result.distribution["unit_id"].isin(units.loc[units["suppressed"].isna(), "unit_id"])
            & result.distribution["ok"].eq(False)
        ]
        outside_all = len(kept)
        # the units the table of units outside the pattern starts with
        first = outside["unit_id"].head(FIGURE_UNITS).tolist()
        kept = kept[kept["unit_id"].isin(first)]
        if len(kept):
            fig = plot_predikat_distribution(kept, names=unit_labels, labels=plot_labels)
            caption = (
                labels("figure.caption_first", shown=len(kept), units=outside_all)
                if outside_all > len(kept)
                else ""
            )
            section.figures.append(
                SectionFigure("scoring_distribution", figure_png(fig), caption=caption)
            )
        kept = result.skm[result.skm["unit_id"].isin(skm.loc[skm["suppressed"].isna(), "unit_id"])]
        skm_all = len(kept)
        kept = kept.sort_values(["ikm_converted", "unit_id"]).head(FIGURE_UNITS)
        if len(kept):
            fig = plot_skm(kept, names=unit_labels, labels=plot_labels)
            caption = (
                labels("figure.caption_first", shown=len(kept), units=skm_all)
                if skm_all > len(kept)
                else ""
            )
            section.figures.append(SectionFigure("scoring_skm", figure_png(fig), caption=caption))

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
