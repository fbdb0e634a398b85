"""Section "summary": the brief, built last from the other sections' findings, shown first.

The brief answers three questions on the first screen: how are we doing, where must we
look, what changed since the last period. Each finding is a plain sentence with its
number, its uncertainty in words and a sparkline (:class:`~evalkit.report.base.Finding`).
"""

from __future__ import annotations

from .base import (
    Finding,
    ReportContext,
    Section,
)

__all__ = ["BRIEF_ESSENTIAL", "BRIEF_MAX", "BRIEF_ORDER", "section_summary"]

#: The brief shows at most this many findings (one screen).
BRIEF_MAX = 8
#: The order of the brief by finding key: how are we doing (predikat, the pattern,
#: citizens' satisfaction, whether the ratings can be trusted), where to look
#: (citizens against supervisors), what works and what changed (training, the trend),
#: and the state of the data last. Findings with other keys follow in section order.
BRIEF_ORDER = (
    "scoring",
    "pattern",
    "skm",
    "reliability",
    "comparison",
    "training",
    "trend",
    "data",
)
#: Findings the brief always keeps, whatever else competes for its places: the answers to
#: the study's questions (how we are doing, can the ratings be trusted, do citizens see
#: what supervisors see, did training work) and what changed since the last period. The
#: remaining places go to findings that point at something to act on.
BRIEF_ESSENTIAL = ("scoring", "pattern", "skm", "reliability", "comparison", "training", "trend")


def section_summary(ctx: ReportContext, sections: list[Section]) -> Section:
    """The brief: each section's findings in report order, at most :data:`BRIEF_MAX`.

    Findings are ordered by :data:`BRIEF_ORDER`; when there are more than
    :data:`BRIEF_MAX`, the :data:`BRIEF_ESSENTIAL` ones are kept first, then those that
    point at something to act on (``attention``), then the others, in that order.
    """
    labels = ctx.labels
    section = Section(key="summary", title=labels["section.summary.title"])
    section.paragraphs.append(labels("text.summary.intro", period=ctx.period))
    found: list[Finding] = [f for s in sections for f in s.findings]
    rank = {key: i for i, key in enumerate(BRIEF_ORDER)}
    found = sorted(found, key=lambda f: rank.get(f.key, len(rank)))  # stable
    if len(found) > BRIEF_MAX:
        ranked = sorted(
            range(len(found)),
            key=lambda i: (found[i].key not in BRIEF_ESSENTIAL, not found[i].attention, i),
        )
        keep = set(ranked[:BRIEF_MAX])
        found = [f for i, f in enumerate(found) if i in keep]
    section.findings = found
    items = "".join(f.to_html() for f in found)
    section.html = f'<ol class="evalkit-findings">{items}</ol>'
    return section
