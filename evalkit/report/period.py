"""The period report: its sections in order, built once, shown in the notebook and written
to the shared and restricted outputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..io import Study, quarantine_for_people
from ..labels import DEFAULT_LANGUAGE, Labels
from .base import DEFAULT_RULES, ReportContext, Section, SectionTable, to_jsonable
from .comparison import section_comparison
from .competence import section_competence
from .complaints import section_complaints
from .data import section_data
from .glossary import section_glossary
from .layout import page_html
from .methods import _is_synthetic, section_methods
from .periods import period_quarters, resolve_data_dir, resolve_periods
from .reliability import section_reliability
from .scoring import section_scoring
from .sectors import section_sectors
from .summary import section_summary
from .training import section_training
from .trend import section_trend
from .unit import scorecard_data
from .workbook import _sheet_name  # noqa: F401  (the sheet-name rule, tested here)

__all__ = ["SECTIONS", "PeriodReport", "build_report"]

#: Section keys in report order, and their builders (``summary`` is built last from the
#: others' findings and shown first).
SECTIONS: dict[str, Callable[[ReportContext], Section] | None] = {
    "summary": None,
    "data": section_data,
    "scoring": section_scoring,
    "reliability": section_reliability,
    "comparison": section_comparison,
    "training": section_training,
    "competence": section_competence,
    "complaints": section_complaints,
    "sectors": section_sectors,
    "trend": section_trend,
    "methods": section_methods,
    "glossary": section_glossary,
}


@dataclass
class PeriodReport:
    """The period study, built once by :func:`build_report`.

    Attributes
    ----------
    period : str
        The report's period.
    language : str
        ``"id"`` or ``"en"``.
    min_cell : int
        Small-cell threshold.
    rules : str
        Scoring rule set.
    sections : dict
        ``{key: Section}`` in report order.
    study : Study
        The loaded data (for the quarantine and the restricted outputs; never shown).
    units : dict
        What the unit scorecards show (:func:`evalkit.report.unit.scorecard_data`),
        saved as ``units.json``; empty when the report was built without it.
    """

    period: str
    language: str
    min_cell: int
    rules: str
    sections: dict[str, Section]
    study: Study = field(repr=False)
    units: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def labels(self) -> Labels:
        """The labels of the report's language."""
        return Labels(self.language)

    @property
    def results(self) -> dict[str, Any]:
        """The content of ``results.json``: canonical codes and numbers, no labels, no
        run-time metadata; identical across languages and reruns."""
        s = self.sections
        return to_jsonable(
            {
                "period": self.period,
                "quarters": period_quarters(self.study, self.period),
                "rules": self.rules,
                "min_cell": self.min_cell,
                "data": s["data"].results,
                "scoring": s["scoring"].results,
                "reliability": s["reliability"].results,
                "comparison": s["comparison"].results,
                "training": s["training"].results,
                "competence": s["competence"].results,
                "complaints": s["complaints"].results,
                "sectors": s["sectors"].results,
                "trend": s["trend"].results,
            }
        )

    def tables(self) -> dict[str, SectionTable]:
        """Every shared table, in report order."""
        return {t.name: t for s in self.sections.values() for t in s.tables}

    def section(self, key: str) -> Section:
        """The section ``key`` (one of :data:`SECTIONS`)."""
        try:
            return self.sections[key]
        except KeyError:
            raise KeyError(f"no section {key!r}; the sections are {list(self.sections)}") from None

    # -- display ---------------------------------------------------------------------------
    @property
    def synthetic(self) -> bool:
        """Whether the data are synthetic (written by :func:`evalkit.simulate`)."""
        return _is_synthetic(self.study)

    def _source(self) -> str:
        """The data source as a reader names it: the data folder's name, never a path."""
        source = self.study.source
        if source is None:
            return "–"
        return Path(str(source)).name or str(source)

    def _banner_html(self) -> str:
        """The synthetic-data banner, or ``""`` for real data."""
        import html

        if not self.synthetic:
            return ""
        return f'<p class="ek-synthetic">{html.escape(self.labels["text.synthetic_banner"])}</p>'

    def title_html(self, *, date: str | None = None) -> str:
        """The head of the page: the place, the title, period, date and data source, and
        a banner when the data are synthetic (on screen; the PDF has a cover instead)."""
        import html

        labels = self.labels
        date = date or _today()
        banner = self._banner_html()
        meta = labels("text.meta", period=self.period, date=date, source=self._source())
        return (
            '<header class="ek-head">'
            f'<p class="ek-kicker">{html.escape(labels["text.kicker"])}</p>'
            f"<h1>{html.escape(labels('text.title', period=self.period))}</h1>"
            f'<p class="ek-meta">{html.escape(meta)}</p>{banner}</header>'
        )

    def cover_html(self, *, date: str | None = None) -> str:
        """The PDF's cover (hidden on screen): title, period, date, data source, rules,
        and the synthetic-data banner when the data are synthetic."""
        import html

        from .base import rules_name

        labels = self.labels
        date = date or _today()
        banner = self._banner_html()
        rows = [
            (labels["text.cover.period"], self.period),
            (labels["text.cover.date"], date),
            (labels["text.cover.source"], self._source()),
            (labels["text.cover.rules"], rules_name(labels, self.rules)),
            (
                labels["text.cover.privacy"],
                labels("text.cover.privacy_text", min_cell=self.min_cell),
            ),
        ]
        items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
        return (
            '<section class="ek-cover">'
            f'<p class="ek-kicker">{html.escape(labels["text.kicker"])}</p>'
            f"<h1>{html.escape(labels('text.title', period=self.period))}</h1>"
            f'<p class="ek-period">{html.escape(labels("text.cover.period_line", period=self.period))}</p>'
            f"{banner}<dl>{items}</dl></section>"
        )

    def contents_html(self) -> str:
        """The contents: a link to every section after the brief and to the appendix
        (in the PDF with page numbers)."""
        import html

        labels = self.labels
        items = [
            f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>'
            for key, s in self.sections.items()
            if key != "summary"
        ]
        items.append(f'<li><a href="#appendix">{html.escape(labels["text.appendix"])}</a></li>')
        return (
            f'<nav class="ek-toc"><h2>{html.escape(labels["text.contents"])}</h2>'
            f"<ol>{''.join(items)}</ol></nav>"
        )

    def appendix_html(self) -> str:
        """Every full table, by section, in a closed ``<details>`` (opened on paper)."""
        import html

        labels = self.labels
        parts = [s.appendix_html(labels) for s in self.sections.values()]
        return (
            '<details class="ek-appendix" id="appendix">'
            f"<summary>{html.escape(labels['text.appendix'])}</summary>"
            f"<p>{html.escape(labels['text.appendix_note'])}</p>"
            + "\n".join(p for p in parts if p)
            + "</details>"
        )

    def body_html(self, *, date: str | None = None, cover: bool = True) -> str:
        """The report's content: cover (print only; left out with ``cover=False``), head,
        the brief, the contents, the sections, the glossary and the appendix."""
        labels = self.labels
        sections = [s.to_html(labels) for key, s in self.sections.items() if key != "summary"]
        return "\n".join(
            [
                self.cover_html(date=date) if cover else "",
                self.title_html(date=date),
                self.sections["summary"].to_html(labels),
                self.contents_html(),
                *sections,
                self.appendix_html(),
            ]
        )

    def document(self, *, date: str | None = None) -> str:
        """The stakeholder document (``study.html``, and the source of ``study.pdf``):
        complete and self-contained, brief first (:func:`evalkit.report.layout.page_html`).

        Parameters
        ----------
        date : str, optional
            The date on the cover and the head (default: today, ISO 8601).
        """
        title = self.labels("text.title", period=self.period)
        return page_html(title, self.body_html(date=date), self.language)

    def show(self, key: str | None = None) -> None:
        """Display the head (``key=None``) or one section in a notebook (static HTML)."""
        from IPython.display import HTML, display

        labels = self.labels
        if key is None:
            display(HTML(self.title_html()))
        elif key == "appendix":
            display(HTML(self.appendix_html()))
        else:
            section = self.section(key)
            display(HTML(section.to_html(labels)))
            if key == "summary":
                display(HTML(self.contents_html()))

    def _repr_html_(self) -> str:
        return self.body_html(cover=False)  # a notebook has no print stylesheet

    # -- outputs ---------------------------------------------------------------------------
    def write_outputs(self, output_dir: str | Path) -> list[Path]:
        """Write ``study.html``, ``results.json``, ``units.json``, ``tables.xlsx``, ``quarantine.csv`` and
        ``restricted/``.

        Parameters
        ----------
        output_dir : str or Path
            The run's folder (created if missing).

        Returns
        -------
        list of Path
            The files written.

        Notes
        -----
        ``units.json`` holds what the unit scorecards show (aggregates per unit, small
        cells withheld; :func:`evalkit.report.unit.scorecard_data`), so that
        ``notebooks/unit.ipynb`` reads it instead of rerunning the analysis.
        ``quarantine.csv`` is the loader's quarantine with its reasons in the report's
        language and their stable ``code`` (:func:`evalkit.io.quarantine_for_people`) and
        the values of personal columns redacted
        (:func:`evalkit.privacy.redact_quarantine`); the full one goes
        to ``restricted/quarantine.csv`` with the employee-level lists, whose ids are
        pseudonymised (:func:`evalkit.privacy.pseudonymise`) and whose names and NIPs
        are dropped. Every CSV and the workbook keep formula-like text (``=…``, ``+…``,
        ``-…``, ``@…``) literal (:func:`evalkit.privacy.safe_frame_for_csv`,
        :func:`evalkit.privacy.literal_workbook`): a spreadsheet never runs it.
        """
        from ..privacy import pseudonymise, redact_quarantine, safe_frame_for_csv

        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        path = out / "study.html"
        path.write_text(self.document(), encoding="utf-8")
        written.append(path)
        path = out / "results.json"
        path.write_text(
            json.dumps(self.results, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
            + "\n",
            encoding="utf-8",
        )
        written.append(path)
        if self.units:
            path = out / "units.json"
            path.write_text(
                json.dumps(
                    self.units, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False
                )
                + "\n",
                encoding="utf-8",
            )
            written.append(path)
        written.append(self._write_xlsx(out / "tables.xlsx"))
        path = out / "quarantine.csv"
        # reasons in the report's language (and their stable code), then redacted
        for_people = quarantine_for_people(self.study.quarantine, self.language)
        shared = redact_quarantine(for_people, self.study)
        safe_frame_for_csv(shared).to_csv(path, index=False)
        written.append(path)
        restricted = out / "restricted"
        restricted.mkdir(exist_ok=True)
        path = restricted / "quarantine.csv"
        safe_frame_for_csv(for_people).to_csv(path, index=False)
        written.append(path)
        key = None
        for section in self.sections.values():
            for name, frame in section.restricted.items():
                frame = frame.drop(columns=[c for c in ("nip", "name") if c in frame.columns])
                for c in ("employee_id", "rater_id", "supervisor_id"):
                    if c in frame.columns:
                        if key is None:
                            from ..privacy import pseudonym_key

                            key = pseudonym_key()
                        frame[c] = pseudonymise(frame[c], key)
                path = restricted / f"{name}.csv"
                safe_frame_for_csv(frame).to_csv(path, index=False)
                written.append(path)
        path = restricted / "README.txt"
        path.write_text(self.labels["text.restricted_readme"] + "\n", encoding="utf-8")
        written.append(path)
        return written

    def _write_xlsx(self, path: Path) -> Path:
        from .workbook import write_workbook

        return write_workbook(self, path)


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()


def build_report(
    data: str | Path | Study,
    period: str = "latest",
    *,
    language: str = DEFAULT_LANGUAGE,
    min_cell: int = 5,
    rules: str = DEFAULT_RULES,
) -> PeriodReport:
    """Load the data, run every analysis once and build the sections of the study.

    Parameters
    ----------
    data : str, Path or Study
        A data folder (found by :func:`resolve_data_dir`), a loaded study, or the file
        of a study that ``evalkit study`` loaded and saved for the notebook's kernel
        (``*.evalkit-study``; the data are then not loaded a second time).
    period : str, default "latest"
        A quarter, a year or ``"latest"`` (:func:`resolve_periods`; ``"all"`` is for
        :func:`evalkit.study.run_study`, which makes one report per quarter).
    language : {"id", "en"}, default "id"
        Report language.
    min_cell : int, default 5
        Cells built from fewer respondents or ratees are suppressed.
    rules : str, default "permenpanrb_6_2022"
        Scoring rule set.

    Returns
    -------
    PeriodReport

    Raises
    ------
    evalkit.io.InputError
        If the data cannot be used.
    ValueError
        If the period has no data or a parameter is invalid.
    """
    labels = Labels(language)
    if not isinstance(min_cell, (int, np.integer)) or isinstance(min_cell, bool) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number of at least 1; got {min_cell!r}")
    if isinstance(data, (str, Path)):
        from .._saved import is_saved_study, read_saved_study
        from ..io import load_study

        if is_saved_study(data):  # loaded once by `evalkit study`, handed to the kernel
            study = read_saved_study(data)
        else:
            study = load_study(resolve_data_dir(data))
    else:
        study = data
    periods = resolve_periods(study, period)
    if len(periods) != 1:
        raise ValueError(
            f"period={period!r} asks for {len(periods)} reports; build_report makes one. "
            "Use evalkit.study.run_study (or `evalkit study --period all`) for several."
        )
    ctx = ReportContext(study, periods[0], labels, int(min_cell), rules)
    built = {key: builder(ctx) for key, builder in SECTIONS.items() if builder is not None}
    summary = section_summary(ctx, list(built.values()))
    report = PeriodReport(
        period=periods[0],
        language=language,
        min_cell=int(min_cell),
        rules=rules,
        sections={"summary": summary, **built},
        study=study,
    )
    # the unit scorecards' data, from the analyses just run (ctx.cache), never rerun
    report.units = scorecard_data(ctx, report.results)
    return report
