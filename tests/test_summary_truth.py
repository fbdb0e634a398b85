"""Every executive-summary sentence that states a direction or a comparison is true of
data whose truth is planted (``evalkit.simulate``'s ``truth``), in both languages.

Two planted worlds: the small data set of the test session (supervisors rate citizens'
units 8 POMP points higher, four divergent units, training raises the score by 0.3, the
trend rises 0.05 a quarter) and its mirror (supervisors 10 points lower, no divergent
unit, training lowers the score by 0.3, the trend falls 0.05 a quarter); a third world
has no training effect at all.
"""

from __future__ import annotations

import importlib
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import evalkit as ek
from evalkit.labels import LANGUAGES, Labels
from evalkit.report.base import ReportContext
from evalkit.report.period import SECTIONS
from evalkit.report.summary import section_summary
from evalkit.report.training import section_training
from evalkit.rules import krejcie_morgan

PERIOD = "2025Q4"
MIN_CELL = 8
SIM = {"seed": 11, "employees": 200, "periods": "2025Q1:2025Q4"}


def _no_png(fig) -> bytes:
    plt.close(fig)
    return b""


def _summaries(study) -> dict[str, dict]:
    """Per language: the sections and the sentences they publish (one analysis, shared).

    Each section states its findings in its plain reading (``paragraphs``); the brief
    restates them in short, with a sparkline (tested in tests/test_study.py).

    These tests read words, not figures: the sections' PNG rendering is skipped (it is
    most of the cost of a second language)."""
    cache: dict = {}
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("data", "scoring", "reliability", "comparison", "training", "trend"):
            module = importlib.import_module(f"evalkit.report.{name}")
            if hasattr(module, "figure_png"):
                mp.setattr(module, "figure_png", _no_png)
        for lang in LANGUAGES:
            ctx = ReportContext(
                study=study, period=PERIOD, labels=Labels(lang), min_cell=MIN_CELL, cache=cache
            )
            sections = {k: b(ctx) for k, b in SECTIONS.items() if b is not None}
            section_summary(ctx, list(sections.values()))  # the brief builds from them
            bullets = [p for s in sections.values() for p in s.paragraphs]
            out[lang] = {"sections": sections, "bullets": bullets, "labels": ctx.labels}
    return out


@pytest.fixture(scope="module")
def up(small_study, small_data):
    truth = json.loads((small_data / "truth.json").read_text())
    return {"truth": truth, "study": small_study, **_summaries(small_study)}


@pytest.fixture(scope="module")
def down():
    study = ek.simulate(
        **SIM,
        source_offset_pomp=-10.0,
        divergent_units=0,
        training_effect=-0.3,
        time_trend=-0.05,
    )
    return {"truth": study.truth, "study": study, **_summaries(study)}


def _bullet(world: dict, lang: str, key: str) -> str:
    """The summary bullet made from the label ``key`` (its text up to the first value)."""
    template = world[lang]["labels"][key]
    # the whole template, its values as wildcards (another label may share its first words)
    parts = re.split(r"\{[^}]*\}", template)
    pattern = re.compile(".*?".join(re.escape(part) for part in parts), re.S)
    found = [b for b in world[lang]["bullets"] if pattern.fullmatch(b)]
    assert len(found) == 1, (key, world[lang]["bullets"])
    return found[0]


def _number(text: str, lang: str) -> float:
    if lang == "id":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return float(text)


# --- citizens versus supervisors: the common offset --------------------------------------

OFFSET = {
    "en": {"higher": "points higher than citizens", "lower": "points lower than citizens"},
    "id": {
        "higher": "poin lebih tinggi daripada warga",
        "lower": "poin lebih rendah daripada warga",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_offset_sentence_says_supervisors_higher_when_planted_positive(up, language):
    assert up["truth"]["source_offset_pomp"] > 0
    text = _bullet(up, language, "finding.comparison.offset_higher")
    assert OFFSET[language]["higher"] in text
    assert OFFSET[language]["lower"] not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_offset_sentence_says_supervisors_lower_when_planted_negative(down, language):
    assert down["truth"]["source_offset_pomp"] == -10.0
    text = _bullet(down, language, "finding.comparison.offset_lower")
    assert OFFSET[language]["lower"] in text
    # the number is the size of the planted offset (no divergent unit here)
    number = re.search(r"rata-rata ([\d.,]+) poin|average ([\d.,]+) points", text)
    size = _number(next(g for g in number.groups() if g), language)
    assert size == pytest.approx(10.0, abs=4.0)


# --- citizens versus supervisors: the units to review ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_units_to_review_are_planted_divergent_units(up, language):
    """At ``min_cell`` 5 no unit of the small study is hidden. (At 8, six of its fourteen
    units are, and the pooled figures leave them out so that their gaps cannot be solved
    back; four planted divergent units among the eight left make the typical gap
    unknowable, and the report then flags nothing rather than the wrong units.)"""
    from evalkit.report.comparison import section_comparison

    labels = Labels(language)
    ctx = ReportContext(study=up["study"], period=PERIOD, labels=labels, min_cell=5)
    section = section_comparison(ctx)
    stem = labels["finding.comparison.flagged"].split("{")[0]
    (text,) = [p for p in section.paragraphs if p.startswith(stem)]  # the section says it
    names = set(text.rsplit(": ", 1)[1].rstrip(".").split(", "))
    units = up["study"].units.set_index("unit_id")["name"]
    planted = {units[u] for u in up["truth"]["divergent_units"]}
    assert names and names <= planted
    assert section.results["pooled_without_units"] == []
    # at min_cell 8 nothing that was not planted is flagged either
    results = up[language]["sections"]["comparison"].results
    assert len(results["pooled_without_units"]) == 6
    shown_flags = {u["unit_id"] for u in results["units"] if u["flagged"] is True}
    assert shown_flags <= set(up["truth"]["divergent_units"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_unit_to_review_without_planted_divergence(down, language):
    assert down["truth"]["divergent_units"] == []
    _bullet(down, language, "finding.comparison.none_flagged")


# --- training -----------------------------------------------------------------------------

TRAINING = {
    "en": {"up": "rose clearly", "down": "fell clearly", "none": "no clear effect"},
    "id": {"up": "naik dengan jelas", "down": "turun dengan jelas", "none": "tidak ada dampak"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_sentence_says_clear_rise_for_a_planted_positive_effect(up, language):
    assert up["truth"]["training_effect"] == 0.3
    text = _bullet(up, language, "finding.training.clear_higher")
    assert TRAINING[language]["up"] in text
    section = up[language]["sections"]["training"]
    assert section.results["ci_low"] > 0
    assert section.results["ci_low"] < 0.3 + 0.1 and section.results["estimate"] > 0.15


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_sentence_says_clear_fall_for_a_planted_negative_effect(down, language):
    text = _bullet(down, language, "finding.training.clear_lower")
    assert TRAINING[language]["down"] in text
    assert down[language]["sections"]["training"].results["ci_high"] < 0
    # the size is written without a sign: the verb carries the direction
    assert "-" not in text.split("(")[0]


@pytest.fixture(scope="module")
def no_effect():
    return ek.simulate(**SIM, training_effect=0.0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_sentence_claims_nothing_when_no_effect_is_planted(no_effect, language):
    labels = Labels(language)
    ctx = ReportContext(study=no_effect, period=PERIOD, labels=labels, min_cell=MIN_CELL)
    section = section_training(ctx)
    stem = labels["finding.training.unclear"].split("{")[0]
    (text,) = [p for p in section.paragraphs if p.startswith(stem)]
    assert [f.key for f in section.findings] == ["training"]  # and the brief has one
    assert TRAINING[language]["none"] in text
    assert section.results["ci_low"] <= 0 <= section.results["ci_high"]


# --- trend --------------------------------------------------------------------------------


def _trend_change(world: dict, language: str) -> str:
    text = _bullet(world, language, "finding.trend.supervisor")
    return re.search(r"\(([+-]?[\d.,]+) po", text).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_trend_sentence_rises_with_a_planted_rising_trend(up, language):
    assert up["truth"]["time_trend_per_quarter"] > 0
    change = _trend_change(up, language)
    assert change.startswith("+") and _number(change[1:], language) > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_trend_sentence_falls_with_a_planted_falling_trend(down, language):
    assert down["truth"]["time_trend_per_quarter"] < 0
    change = _trend_change(down, language)
    assert change.startswith("-") and _number(change[1:], language) > 0


# --- data, scoring, SKM -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_clarity_sentence_counts_the_planted_unclear_units(up, language):
    text = _bullet(up, language, "finding.clarity")
    planted = up["truth"]["unclear_indicator_units"]
    n = {"en": r"in (\d+) units", "id": r"di (\d+) unit"}[language]
    assert int(re.search(n, text).group(1)) == len(planted)
    cluster = up[language]["sections"]["data"].results["indicator_clarity"]["units_cluster"]
    assert sorted(cluster) == sorted(planted)


@pytest.mark.parametrize("language", LANGUAGES)
def test_skm_sentence_counts_units_below_the_krejcie_morgan_sample(up, language):
    """ "fewer responses than the minimum sample": recomputed from the raw responses and
    each unit's service population, never from the table the sentence summarises."""
    study = up["study"]
    quarter = study.citizen[study.citizen["period"] == PERIOD]
    n = quarter.groupby("unit_id").size()
    pop = study.units.set_index("unit_id")["service_population"].reindex(n.index)
    shown = n[n >= MIN_CELL]
    below = int((shown < krejcie_morgan(pop.reindex(shown.index).to_numpy())).sum())
    text = _bullet(up, language, "finding.skm")
    first = {"en": r"; (\d+) units have fewer", "id": r"; (\d+) unit belum mencapai"}[language]
    assert int(re.search(first, text).group(1)) == below
    assert below > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_scoring_sentence_counts_the_units_outside_the_pattern_it_shows(up, language):
    table = next(t for t in up[language]["sections"]["scoring"].tables if t.name == "scoring_units")
    ok = table.frame["ok"]
    text = _bullet(up, language, "finding.scoring")
    pattern = {"en": r"(\d+) of the (\d+) units checked", "id": r"(\d+) dari (\d+) unit"}
    violating, checked = map(int, re.search(pattern[language], text).groups())
    assert checked == int(ok.notna().sum())
    assert violating == int(ok.eq(False).sum())
    # each counted unit really breaks a rule of its row of the pattern
    assert (table.frame.loc[ok.eq(False), "violations"].str.len() > 0).all()


@pytest.mark.parametrize("language", LANGUAGES)
def test_reliability_sentence_band_is_the_band_of_its_estimate(up, language):
    """Koo & Li (2016): below 0.50 poor, 0.50–0.75 moderate, 0.75–0.90 good, above
    0.90 excellent."""
    labels = up[language]["labels"]
    text = _bullet(up, language, "finding.reliability.sources")
    icc = _number(re.search(r"ICC ([\d.,]+)", text).group(1), language)  # "(ICC 0,71; …"
    band = (
        "poor" if icc < 0.5 else "moderate" if icc < 0.75 else "good" if icc < 0.9 else "excellent"
    )
    assert labels.code("band", band) in text
    assert all(
        labels.code("band", other) not in text.split("(")[0]
        for other in ("poor", "moderate", "good", "excellent")
        if other != band
    )
    assert np.isfinite(icc)


# --- every code a stakeholder reads is labelled ------------------------------------------


@pytest.mark.parametrize("world", ["up", "down"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_shared_table_shows_a_raw_code(world, language, request):
    """Every coded cell of every shared table is shown through its label: a code without
    one (e.g. a new code added to a function but not to the catalogues) would show as
    itself."""
    from evalkit.report.base import present
    from evalkit.tables import CODES

    w = request.getfixturevalue(world)
    labels = w[language]["labels"]
    raw = []
    for section in w[language]["sections"].values():
        for table in section.tables:
            kinds = {c: c for c in table.frame.columns if c in CODES} | table.codes
            kinds.setdefault("suppressed", "suppressed")
            for column, kind in kinds.items():
                if column not in table.frame.columns:
                    continue
                for value in table.frame[column]:
                    if not present(value) or value == "":
                        continue
                    for part in str(value).split("; "):
                        if f"code.{kind}.{part}" not in labels:
                            raw.append((table.name, column, part))
    assert raw == []


@pytest.mark.parametrize("world", ["up", "down"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_training_table_rows_are_what_their_labels_say(world, language, request):
    """ "Average effect" is the planted effect; "Before and after training" also counts
    the general trend (as text.training.naive warns), so it misses the effect in the
    direction of the planted trend."""
    w = request.getfixturevalue(world)
    labels = w[language]["labels"]
    tables = {t.name: t for t in w[language]["sections"]["training"].tables}
    att = tables["training_att"].localised(labels).set_index(labels.column("aggregation"))
    naive = tables["training_naive"].localised(labels).set_index(labels.column("comparison"))
    est = labels.column("estimate")
    average = att.loc[{"en": "Average effect", "id": "Rata-rata dampak"}[language], est]
    before_after = naive.loc[
        {"en": "Before and after training", "id": "Sebelum dan sesudah pelatihan"}[language],
        est,
    ]
    assert average == pytest.approx(w["truth"]["training_effect"], abs=0.1)
    trend = w["truth"]["time_trend_per_quarter"]
    assert np.sign(before_after - average) == np.sign(trend)


def test_mean_behaviour_column_is_the_score_behind_the_predikat(up):
    """column.mean_behaviour says "used for the predikat (1–5)": the unit's value is the
    mean of its employees' behaviour scores, and each employee's perilaku level (an input
    of the predikat matrix) is that score's band."""
    from evalkit import rules
    from evalkit.report.base import scored

    ctx = ReportContext(study=up["study"], period=PERIOD, labels=Labels("en"), min_cell=MIN_CELL)
    result = scored(ctx)
    emp = result.employees.dropna(subset=["mean_behaviour"])
    assert emp["mean_behaviour"].between(1, 5).all()
    assert (
        emp["perilaku"].tolist() == rules.band(emp["mean_behaviour"], rules.PERILAKU_BANDS).tolist()
    )
    table = next(t for t in up["en"]["sections"]["scoring"].tables if t.name == "scoring_units")
    shown = table.frame.dropna(subset=["mean_behaviour"]).set_index("unit_id")["mean_behaviour"]
    expected = emp.groupby("unit_id")["mean_behaviour"].mean().reindex(shown.index)
    np.testing.assert_allclose(shown.to_numpy(float), expected.to_numpy(float))
