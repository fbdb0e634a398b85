"""Section "summary": the executive summary, built last from the other sections' findings."""

from __future__ import annotations

from .base import (
    ReportContext,
    Section,
)

__all__ = ["section_summary"]


def section_summary(ctx: ReportContext, sections: list[Section]) -> Section:
    """The executive summary: each section's findings, in order."""
    labels = ctx.labels
    section = Section(key="summary", title=labels["section.summary.title"])
    section.paragraphs.append(labels("text.summary.intro", period=ctx.period))
    for s in sections:
        section.findings.extend(s.findings)
    section.bullets = list(section.findings)
    return section
