"""The period study as data: sections with narrative, shared tables, figures and results.

Design (one computation, two consumers)
---------------------------------------
:func:`build_report` loads the data once, runs every analysis once, and returns a
:class:`PeriodReport`. The study notebook (``notebooks/study.ipynb``) calls it and only
*displays* its sections (``report.show("scoring")``); its last cell calls
:meth:`PeriodReport.write_outputs`, which writes ``results.json``, ``tables.xlsx``,
``quarantine.csv`` and ``restricted/`` into the run's output folder from the same
objects. :mod:`evalkit.study` executes the notebook with papermill, renders it to HTML,
adds ``manifest.json``, scans the shared outputs for identifiers and moves the folder
into place. Nothing is scraped from the executed notebook and nothing is computed twice.

Layout
------
One module per section of the notebook, each with a builder ``section_<key>(ctx) ->
Section``: :mod:`~evalkit.report.data`, :mod:`~evalkit.report.scoring`,
:mod:`~evalkit.report.reliability`, :mod:`~evalkit.report.comparison`,
:mod:`~evalkit.report.training`, :mod:`~evalkit.report.trend`,
:mod:`~evalkit.report.methods`, :mod:`~evalkit.report.glossary` and
:mod:`~evalkit.report.summary` (the brief, built last from the others' findings, shown
first). The shared layer is :mod:`~evalkit.report.base` (sections, findings, tables,
figures, how numbers are written), :mod:`~evalkit.report.layout` (the page: one
stylesheet for screen, phone and print, the HTML shell that the unit scorecards use too),
:mod:`~evalkit.report.spark` (the brief's sparklines), :mod:`~evalkit.report.workbook`
(``tables.xlsx``), :mod:`~evalkit.report.pdf` (the PDF route) and
:mod:`~evalkit.report.periods` (which quarters a report covers);
:mod:`~evalkit.report.period` puts the sections in order (:data:`SECTIONS`) and writes
the outputs.

A section reads: its chart first, then its plain reading (``paragraphs``), then only
what needs attention (``attention`` tables: flagged units, units outside the pattern, …);
its full ``tables`` go to the closed appendix and to ``tables.xlsx``; its ``findings``
(:class:`Finding`: a sentence with its number, the uncertainty in words, a sparkline)
feed the brief. A new section is a new module with a builder ``section_<key>(ctx) ->
Section`` and one line in :data:`SECTIONS`: its heading, contents entry, appendix tables,
sheets and brief findings follow.

Privacy
-------
Shared tables are aggregates (units, categories, periods), masked with
:func:`evalkit.privacy.suppress_small_cells` at ``min_cell``; employee-level tables
go to ``Section.restricted`` and only ever to ``restricted/``, with pseudonymised ids.
"""

from .base import (
    DEFAULT_RULES,
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    to_jsonable,
)
from .comparison import _comparison_meaning, section_comparison
from .data import quarantine_overview, section_data, table_overview
from .glossary import section_glossary
from .methods import section_methods
from .period import SECTIONS, PeriodReport, build_report
from .periods import (
    COMPARISON_QUARTERS,
    available_periods,
    comparison_window,
    period_quarters,
    quarters_up_to,
    resolve_data_dir,
    resolve_periods,
)
from .reliability import section_reliability
from .scoring import section_scoring, violation_counts
from .summary import section_summary
from .training import section_training
from .trend import plot_trend, section_trend, supervisor_change, supervisor_trend

__all__ = [
    "COMPARISON_QUARTERS",
    "DEFAULT_RULES",
    "SECTIONS",
    "PeriodReport",
    "ReportContext",
    "Section",
    "Finding",
    "SectionFigure",
    "SectionTable",
    "_comparison_meaning",
    "available_periods",
    "build_report",
    "comparison_window",
    "period_quarters",
    "plot_trend",
    "quarantine_overview",
    "quarters_up_to",
    "resolve_data_dir",
    "resolve_periods",
    "section_comparison",
    "section_data",
    "section_glossary",
    "section_methods",
    "section_reliability",
    "section_scoring",
    "section_summary",
    "section_training",
    "section_trend",
    "supervisor_change",
    "supervisor_trend",
    "table_overview",
    "to_jsonable",
    "violation_counts",
]
