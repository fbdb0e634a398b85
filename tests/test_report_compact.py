"""The study as the Bupati's office reads it (#14): each section leads with its chart and a
plain reading, the body shows only what needs attention, and what is technical is said
once, in the methods section.

The charts of the competence, complaints and sector sections are checked as a reader sees
them (no text over text, the language's labels and decimal mark) on the numbers of the
tested evalkit functions; the document's words and rows are read from ``study.html`` of
the shared study runs (no browser). The page count of the PDF body on the shipped data is
a slow test (``make test-slow``); ``benchmarks/bench_report.py`` prints it with the HTML
heights.
"""

from __future__ import annotations

import html
import json
import re

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import evalkit as ek
from evalkit.competence import behaviour_results_agreement
from evalkit.complaints import complaint_handling
from evalkit.labels import Labels
from evalkit.plots import overlapping_texts
from evalkit.plots.competence import plot_correlations
from evalkit.plots.complaints import plot_complaints
from evalkit.plots.sectors import plot_sectors
from evalkit.report.base import ATTENTION_ROWS, ReportContext
from evalkit.report.sectors import section_sectors, sector_chart_data
from evalkit.scoring import score_study

PERIOD = "2025Q4"
WINDOW = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
LANGUAGES = ("id", "en")


@pytest.fixture(scope="module")
def sim():
    """A regency with planted complaint trouble (one unit flagged for review)."""
    return ek.simulate(employees=600, periods="2025Q1:2025Q4", seed=5)


def _numbers(fig) -> list[str]:
    """The numeric tick labels of every axis of ``fig``."""
    fig.draw_without_rendering()
    ticks = [
        t.get_text()
        for ax in fig.axes
        for t in ax.get_xticklabels() + ax.get_yticklabels()
        if t.get_text()
    ]
    return [t for t in ticks if re.match(r"^[−\-]?\d", t)]


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _speaks(fig, labels: Labels, prefix: str, keys: tuple[str, ...]) -> None:
    """Every text ``keys`` of ``plot.<prefix>`` is drawn, and numbers use the language's
    decimal mark."""
    texts = " | ".join(_texts(fig))
    for key in keys:
        assert labels[f"plot.{prefix}.{key}"].split("{")[0] in texts, key
    numbers = _numbers(fig)
    assert numbers
    other = "." if labels[f"plot.{prefix}.decimal"] == "," else ","
    assert not any(other in n for n in numbers), numbers


@pytest.mark.parametrize("language", LANGUAGES)
def test_competence_chart_shows_the_tested_correlations(language, small_study):
    labels = Labels(language)
    scored = score_study(small_study, PERIOD).employees
    sector = small_study.units.drop_duplicates("unit_id").set_index("unit_id")["sector"]
    result = behaviour_results_agreement(scored, sector)
    corr = result.correlation[result.correlation["level"].isin(["regency", "sector"])]
    fig = plot_correlations(
        corr,
        ceiling=result.parameters["ceiling"],
        names={c: labels.code("sector", c) for c in corr["group"]},
        labels=labels.prefixed("plot.competence"),
    )
    assert overlapping_texts(fig) == []
    _speaks(fig, labels, "competence", ("title", "xlabel", "all", "ceiling"))
    # one point per row with an estimate, at the estimate, the regency on top
    ax = fig.axes[0]
    points = ax.lines[0].get_xydata()
    shown = corr.dropna(subset=["estimate"])
    assert len(points) == len(shown)
    top = points[points[:, 1].argmax(), 0]
    assert top == pytest.approx(shown.loc[shown["level"] == "regency", "estimate"].iloc[0])
    ceiling = f"{result.parameters['ceiling']:.2f}".replace(".", labels["plot.competence.decimal"])
    assert any(ceiling in t for t in _texts(fig))


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaints_chart_names_the_flagged_unit(language, sim):
    labels = Labels(language)
    result = complaint_handling(sim.complaints, sim.units, sim.citizen, WINDOW)
    flagged = result.flagged
    assert flagged  # the simulation plants a unit rated well whose complaints stay open
    names = dict(zip(sim.units["unit_id"], sim.units["name"], strict=False))
    fig = plot_complaints(
        result.units,
        high_rating=result.parameters["high_rating"],
        item=result.parameters["item"],
        names=names,
        labels=labels.prefixed("plot.complaints"),
    )
    assert overlapping_texts(fig) == []
    _speaks(fig, labels, "complaints", ("title", "ylabel", "flagged", "other", "half"))
    texts = _texts(fig)
    assert labels("plot.complaints.xlabel", item="u8") in texts
    assert any(names[flagged[0]] in t.replace("\n", " ") for t in texts)
    # shares as percentages; the points are the units with both values
    ax = fig.axes[0]
    assert all(n.endswith("%") for n in (t.get_text() for t in ax.get_yticklabels()) if n)
    both = result.units.dropna(subset=["item_mean", "share_within"])
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == len(both)


@pytest.fixture(scope="module")
def shared_cache() -> dict:
    """One analysis for both languages (the report's cache: training per sector is costly)."""
    return {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_sector_chart_draws_the_section_tables(language, small_study, shared_cache):
    labels = Labels(language)
    ctx = ReportContext(small_study, PERIOD, labels, min_cell=5, cache=shared_cache)
    section = section_sectors(ctx)
    data = sector_chart_data(section.results)
    # the chart's numbers are the section's (masked) table values
    skm = section.results["skm"]["sectors"].set_index("sector")
    for _, row in data[data["measure"] == "ikm"].iterrows():
        assert row["estimate"] == pytest.approx(
            skm.loc[row["sector"], "ikm_converted"], nan_ok=True
        )
    gap = section.results["gap"]["sectors"].set_index("sector")
    for _, row in data[data["measure"] == "gap"].iterrows():
        assert row["ci_high"] == pytest.approx(gap.loc[row["sector"], "ci_high"], nan_ok=True)
    assert [f.name for f in section.figures] == ["sectors"]
    fig = plot_sectors(
        data,
        names={s: labels.code("sector", s) for s in data["sector"]},
        labels=labels.prefixed("plot.sectors"),
    )
    assert overlapping_texts(fig) == []
    _speaks(fig, labels, "sectors", ("title",))
    titles = [ax.get_title().replace("\n", " ") for ax in fig.axes]
    assert titles == [labels[f"plot.sectors.{m}"] for m in dict.fromkeys(data["measure"])]


def test_sector_chart_leaves_masked_sectors_out():
    data = pd.DataFrame(
        {
            "measure": ["ikm", "ikm", "gap", "gap"],
            "sector": ["pendidikan", "kesehatan"] * 2,
            "estimate": [80.0, float("nan"), 10.0, 12.0],
            "ci_low": [79.0, float("nan"), 8.0, 10.0],
            "ci_high": [81.0, float("nan"), 12.0, 14.0],
        }
    )
    fig = plot_sectors(data)
    ikm, gap = fig.axes
    assert len(ikm.lines[0].get_xydata()) == 1 and len(gap.lines[0].get_xydata()) == 2


# --------------------------------------------------------------------------------------
# the document: chart first, only what needs attention, technical words once in methods
# --------------------------------------------------------------------------------------


def _document(folder) -> tuple[str, str, dict]:
    page = (folder / "study.html").read_text(encoding="utf-8")
    body, _, appendix = page.partition('<details class="ek-appendix"')
    return body, appendix, json.loads((folder / "results.json").read_text(encoding="utf-8"))


def _section(body: str, key: str) -> str:
    start = body.index(f'<section id="s-{key}">')
    return body[start : body.index("</section>", start)]


@pytest.fixture(scope="module", params=LANGUAGES)
def document(request, report_id, report_en):
    folder = {"id": report_id, "en": report_en}[request.param]
    return (Labels(request.param), *_document(folder))


def test_the_new_sections_lead_with_their_chart(document):
    labels, body, _, _ = document
    for key in ("competence", "complaints", "sectors"):
        part = _section(body, key)
        # heading, then the chart, then the plain reading
        assert part.index("<figure>") < part.index("<p>"), key


def test_explanations_moved_to_methods_are_said_once_there(document):
    labels, body, _, results = document
    c = results["complaints"]["parameters"]
    e = results["competence"]["employees"]["parameters"]
    texts = [
        labels["text.complaints.methods"],
        labels["text.complaints.censoring"],
        labels("text.complaints.standard", days=c["standard_days"]),
        labels(
            "text.complaints.flag_note",
            item=c["item"],
            high=labels.number(c["high_rating"], 4),
            min_n=c["min_n"],
        ),
        labels(
            "text.methods.competence",
            reliability=labels.number(e["reliability_behaviour"], 2),
            ceiling=labels.number(e["ceiling"], 2),
        ),
        labels["text.sectors.methods"],
    ]
    methods = _section(body, "methods")
    for text in texts:
        shown = html.escape(text)
        assert body.count(shown) == 1, text[:60]
        assert shown in methods, text[:60]
    # the review threshold is the one the analysis used, not a number in the catalogue
    assert labels.number(c["high_rating"], 4) in methods


def test_body_tables_show_only_a_few_rows(document):
    labels, body, appendix, _ = document
    tables = re.findall(r"<tbody>(.*?)</tbody>", body, flags=re.S)
    assert tables  # some section has units that need attention
    assert all(t.count("<tr>") <= ATTENTION_ROWS for t in tables)
    # every full table is in the appendix
    assert appendix.count("<table") > len(tables)


# --------------------------------------------------------------------------------------
# the shipped data: the body of the PDF fits in ten A4 pages
# --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_body_of_the_shipped_study_fits_ten_pages(language):
    from pathlib import Path

    from evalkit.report import build_report
    from evalkit.report.pdf import render

    data = Path(__file__).resolve().parents[1] / "data" / "tanjungselor"
    doc = render(build_report(data, PERIOD, language=language).document())
    body = next(i for i, page in enumerate(doc.pages) if "appendix" in page.anchors)
    assert body <= 10
