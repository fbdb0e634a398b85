"""Section "methods": sources of the rules and statistics, calibration of the intervals,
suppression, privacy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..calibration import CALIBRATION_FILE, Calibration, read_calibration
from ..io import Study
from .base import (
    ReportContext,
    Section,
    SectionTable,
    rules_name,
)

__all__ = ["section_methods"]


def section_methods(ctx: ReportContext) -> Section:
    """Methods and caveats: sources of the rules and statistics, suppression, privacy."""
    labels = ctx.labels
    section = Section(key="methods", title=labels["section.methods.title"])
    calibration = None
    for key in (
        "rules",
        "reliability",
        "comparison",
        "training",
        "trend",
        "suppression",
        "privacy",
        "synthetic",
    ):
        if key == "synthetic" and not _is_synthetic(ctx.study):
            continue
        section.paragraphs.append(
            labels(
                f"text.methods.{key}", min_cell=ctx.min_cell, rules=rules_name(labels, ctx.rules)
            )
        )
        if key == "training":
            calibration = _calibration(ctx, section)
        if key == "trend":
            # how the competence, complaint and sector figures are computed: here, once,
            # not in their sections' plain reading (technical names live in methods)
            section.paragraphs += _later_sections(ctx)
    section.results = {"min_cell": ctx.min_cell, "rules": ctx.rules, "calibration": calibration}
    return section


def _later_sections(ctx: ReportContext) -> list[str]:
    """How the competence, complaints and sector sections compute what they show, with
    the parameters the analyses used (the ceiling, the standard, the review threshold)."""
    from ..competence import SUPERVISOR_RELIABILITY
    from .complaints import complaint_result

    labels = ctx.labels
    out = []
    # the parameters of the competence analysis this report ran (its section is built
    # before this one); the analysis' defaults when the methods are built on their own
    agreement = ctx.cache.get("competence")
    p = (
        agreement.parameters
        if agreement is not None
        else {
            "reliability_behaviour": SUPERVISOR_RELIABILITY,
            "ceiling": SUPERVISOR_RELIABILITY**0.5,  # √(1 × r_behaviour), results taken as 1
        }
    )
    out.append(
        labels(
            "text.methods.competence",
            reliability=labels.number(p["reliability_behaviour"], 2),
            ceiling=labels.number(p["ceiling"], 2),
        )
    )
    if not ctx.study.complaints.empty:
        c = complaint_result(ctx).parameters
        out.append(labels["text.complaints.methods"])
        out.append(labels["text.complaints.censoring"])
        out.append(labels("text.complaints.standard", days=c["standard_days"]))
        out.append(
            labels(
                "text.complaints.flag_note",
                item=c["item"],
                high=labels.number(c["high_rating"], 4),
                min_n=c["min_n"],
            )
        )
    out.append(labels["text.sectors.methods"])
    return out


#: Rows of the calibration table shown in the study, in order.
_SHOWN = (
    ("training_att", "null"),
    ("training_att", "effect"),
    ("training_twfe", "effect"),
    ("event_study", "effect"),
    ("unit_gap", "null"),
    ("unit_gap", "effect"),
    ("offset", "null"),
    ("offset", "effect"),
    ("ikm", "null"),
    ("ikm", "effect"),
    ("flag_any", "null"),
)


def calibration_table(cal: Calibration) -> pd.DataFrame:
    """The calibration rows the study shows: ``interval``, ``scenario``, ``effect``,
    ``n``, ``share``, ``share_low``, ``share_high``, ``share_nominal``."""
    t = cal.table.set_index(["interval", "scenario"])
    keep = [k for k in _SHOWN if k in t.index]
    out = t.loc[keep].reset_index()
    out = out.rename(columns={"nominal": "share_nominal"})
    return out[
        [
            "interval",
            "scenario",
            "effect",
            "n",
            "share",
            "share_low",
            "share_high",
            "share_nominal",
        ]
    ].reset_index(drop=True)


def _calibration(ctx: ReportContext, section: Section) -> dict | None:
    """Sentences (and the table) of the calibration file of the data folder, or what to
    do when there is none. Returns what results.json records."""
    labels = ctx.labels
    source = ctx.study.source
    folder = Path(str(source)) if source is not None and Path(str(source)).is_dir() else None
    where = _shown_path(folder)
    cal, status = read_calibration(folder) if folder is not None else (None, "missing")
    if cal is None or status != "current":
        key = "stale" if status == "stale" else "missing"
        section.paragraphs.append(labels(f"text.methods.calibration_{key}", data=where))
        return {"status": status, "file": CALIBRATION_FILE}
    s = cal.settings
    att0, att1 = cal.row("training_att", "null"), cal.row("training_att", "effect")
    section.paragraphs.append(
        labels(
            "text.methods.calibration",
            reps=int(s["reps"]),
            employees=int(cal.shape["employees"]),
            units=int(cal.shape["units"]),
            share0=labels.percent(att0["share"], 0),
            low0=labels.percent(att0["share_low"], 0),
            high0=labels.percent(att0["share_high"], 0),
            effect=labels.number(s["effect"], 1),
            share1=labels.percent(att1["share"], 0),
            low1=labels.percent(att1["share_low"], 0),
            high1=labels.percent(att1["share_high"], 0),
        )
    )
    flag = cal.table[cal.table["interval"] == "flag_any"]
    if len(flag):
        f = flag.iloc[0]
        section.paragraphs.append(
            labels(
                "text.methods.calibration_flags",
                share=labels.percent(f["share"], 0),
                low=labels.percent(f["share_low"], 0),
                high=labels.percent(f["share_high"], 0),
                q=labels.number(s["q"], 2),
            )
        )
    section.paragraphs.append(labels["text.methods.calibration_caveat"])
    section.tables.append(
        SectionTable(
            "methods_calibration",
            calibration_table(cal),
            codes={"interval": "calibration_interval", "scenario": "calibration_scenario"},
            digits=1,
        )
    )
    return {
        "status": status,
        "file": CALIBRATION_FILE,
        "data_sha256": cal.data_sha256,
        "settings": s,
    }


def _is_synthetic(study: Study) -> bool:
    source = study.source
    if source == "simulate":
        return True
    return source is not None and (Path(str(source)) / "truth.json").exists()


def _shown_path(folder: Path | None) -> str:
    """The data folder as the report shows it: relative to the working directory when
    inside it, else only its name (a shared report carries no local home paths)."""
    if folder is None:
        return "DATA"
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return folder.name
