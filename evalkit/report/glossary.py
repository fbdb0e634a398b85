"""Section "glossary" (istilah): every technical term of the study, explained once.

The body of the report speaks plainly ("agreement between raters is moderate (ICC
0.71)"); the terms in brackets are explained here, in the report's language, in the
order a reader meets them.
"""

from __future__ import annotations

import html

from .base import ReportContext, Section

__all__ = ["TERMS", "section_glossary"]

#: The terms, in the order a reader meets them; each has ``glossary.<term>.term`` and
#: ``glossary.<term>.text`` in both label catalogues.
TERMS = (
    "predikat",
    "pattern",
    "skm",
    "sample",
    "interval",
    "icc",
    "rwg",
    "alpha",
    "pomp",
    "fdr",
    "tost",
    "dz",
    "did",
    "twfe",
    "suppression",
    "quarantine",
)


def section_glossary(ctx: ReportContext) -> Section:
    """The glossary as a definition list."""
    labels = ctx.labels
    section = Section(key="glossary", title=labels["section.glossary.title"])
    items = "".join(
        f"<dt>{html.escape(labels[f'glossary.{t}.term'])}</dt>"
        f"<dd>{html.escape(labels[f'glossary.{t}.text'])}</dd>"
        for t in TERMS
    )
    section.html = f'<dl class="ek-glossary">{items}</dl>'
    section.results = {}
    return section
