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
:mod:`~evalkit.report.methods` and :mod:`~evalkit.report.summary` (built last from the
others' findings, shown first). The shared layer is :mod:`~evalkit.report.base`
(sections, tables, figures, how numbers are written) and :mod:`~evalkit.report.periods`
(which quarters a report covers); :mod:`~evalkit.report.period` puts the sections in
order (:data:`SECTIONS`) and writes the outputs. A new section is a new module and one
line in :data:`SECTIONS`.

Privacy
-------
Shared tables are aggregates (units, categories, periods), masked with
:func:`evalkit.privacy.suppress_small_cells` at ``min_cell``; employee-level tables
go to ``Section.restricted`` and only ever to ``restricted/``, with pseudonymised ids.
"""

from .base import (
    DEFAULT_RULES,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    to_jsonable,
)
from .comparison import _comparison_meaning, section_comparison
from .data import quarantine_overview, section_data, table_overview
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
from .trend import plot_trend, section_trend, supervisor_trend

__all__ = [
    "COMPARISON_QUARTERS",
    "DEFAULT_RULES",
    "SECTIONS",
    "PeriodReport",
    "ReportContext",
    "Section",
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
    "section_methods",
    "section_reliability",
    "section_scoring",
    "section_summary",
    "section_training",
    "section_trend",
    "supervisor_trend",
    "table_overview",
    "to_jsonable",
    "violation_counts",
]
