"""Section "methods": sources of the rules and statistics, suppression, privacy."""

from __future__ import annotations

from pathlib import Path

from ..io import Study
from .base import (
    ReportContext,
    Section,
    rules_name,
)

__all__ = ["section_methods"]


def section_methods(ctx: ReportContext) -> Section:
    """Methods and caveats: sources of the rules and statistics, suppression, privacy."""
    labels = ctx.labels
    section = Section(key="methods", title=labels["section.methods.title"])
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
    section.results = {"min_cell": ctx.min_cell, "rules": ctx.rules}
    return section


def _is_synthetic(study: Study) -> bool:
    source = study.source
    if source == "simulate":
        return True
    return source is not None and (Path(str(source)) / "truth.json").exists()
