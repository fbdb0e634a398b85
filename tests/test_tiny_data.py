"""Whatever ``validate`` accepts, the study renders, also when there is very little data.

Tiny and degenerate but valid folders (:mod:`_tiny_data`: a dozen employees, one unit,
one quarter, no citizen survey, identical ratings from one rater, no training,
complaints or teaching tables) are cut from the smallest data set ``evalkit simulate``
allows. For each, the period study and every unit scorecard are written; the analyses
that cannot be supported say so in the report language with what they would need
(``insufficient.<analysis>.<reason>`` in ``labels/``), print no number for it, and
results.json records the reason the same way in both languages.
"""

from __future__ import annotations

import html
import json
import re
import sys
import warnings
from pathlib import Path

import pytest

from evalkit.io import load_study
from evalkit.labels import Labels
from evalkit.sufficiency import Insufficient

sys.path.insert(0, str(Path(__file__).parent))
from _tiny_data import make_variant

#: variant → {results.json section: reason} the study must record for it
EXPECTED = {
    "spread": {
        "comparison": "no_unit_with_both",
        "competence.employees": "too_few_employees",
        "reliability": "too_few_pairs",
        "sectors.gap": "no_unit_with_both",
        "training": "no_before_after",
    },
    "one_unit": {"comparison": "too_few_units", "training": "too_few_trained"},
    "one_period": {"comparison": "too_few_units", "training": "one_period"},
    "no_surveys": {
        "comparison": "no_surveys",
        "sectors.gap": "no_surveys",
        "training": "too_few_trained",
    },
    "flat": {
        "comparison": "too_few_units",
        "competence.employees": "no_variation",
        "reliability": "too_few_pairs",
        "training": "too_few_trained",
    },
    "bare": {"comparison": "too_few_units", "training": "no_training"},
}

#: where in results.json → the analysis whose sentence it is (the sector view repeats
#: the comparison's)
ANALYSIS = {"sectors.gap": "comparison", "competence.employees": "competence"}

MIN_CELL = 5


@pytest.fixture(scope="module")
def smallest(tmp_path_factory) -> Path:
    """The smallest data set ``evalkit simulate`` writes: 200 employees, two quarters."""
    import evalkit as ek
    from evalkit.simulation import MIN_EMPLOYEES

    folder = tmp_path_factory.mktemp("smallest") / "data"
    ek.simulate(out=folder, employees=MIN_EMPLOYEES, periods="2025Q3:2025Q4")
    return folder


def _text(path: Path) -> str:
    """The visible text of an HTML page, entities decoded and spaces collapsed."""
    s = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", s)))


def _insufficient(results: dict, path: str = "") -> dict[str, dict]:
    """Every ``insufficient`` entry of results.json, by its dotted place."""
    found = {}
    for key, value in results.items():
        if key == "insufficient":
            found[path] = value
        elif isinstance(value, dict):
            found.update(_insufficient(value, f"{path}.{key}" if path else key))
    return found


def _build(folder: Path, out: Path, language: str) -> dict:
    """The period report and every unit scorecard, as ``evalkit study --units all`` writes them."""
    from evalkit.report import build_report
    from evalkit.scorecards import write_scorecards

    study = load_study(folder)
    assert study.quarantine.empty  # valid input: validate keeps every row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(study, "latest", language=language, min_cell=MIN_CELL)
        report.write_outputs(out)
        write_scorecards(out, "all", language=language, study=study)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _check(out: Path, results: dict, expected: dict[str, str], language: str) -> None:
    for name in ("study.html", "results.json", "tables.xlsx", "quarantine.csv", "units.json"):
        assert (out / name).is_file(), name
    units = json.loads((out / "units.json").read_text(encoding="utf-8"))["units"]
    assert (out / "units" / "index.html").is_file()
    for uid in units:
        assert (out / "units" / f"{uid}.html").is_file(), uid
    got = _insufficient(results)
    assert {k: v["reason"] for k, v in got.items()} == expected
    labels, page = Labels(language), _text(out / "study.html")
    for where, entry in got.items():
        analysis = ANALYSIS.get(where, where)
        gap = Insufficient(analysis, **entry)
        if gap.reason != "no_variation":  # there, enough people but no spread
            assert gap.needed > gap.found >= 0
        sentence = gap.sentence(labels)
        assert sentence in page, (where, sentence)
        # the sentence is the catalogue's, in the report's language
        lead = "Data belum cukup" if language == "id" else "Not enough data"
        if analysis in ("comparison", "training"):
            assert sentence.startswith(lead)
    if "comparison" in got:  # no gap, offset or flag is printed for it
        assert results["comparison"]["units"] == [] and results["comparison"]["offset"] is None
    if "training" in got:
        assert results["training"]["estimate"] is None


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_tiny_data_renders_and_says_what_is_missing(smallest, tmp_path, variant):
    folder = make_variant(smallest, tmp_path / "data", variant)
    language = "id" if sorted(EXPECTED).index(variant) % 2 == 0 else "en"
    out = tmp_path / language
    results = _build(folder, out, language)
    _check(out, results, EXPECTED[variant], language)


def test_dozen_employees_study_command_in_both_languages(smallest, tmp_path):
    """The issue's case: about 12 employees in 12 units, through ``evalkit study --units
    all`` (papermill, HTML, PDF) in Bahasa Indonesia, and in English; both record the same
    reasons with the same counts, and the scorecards say why the comparison is missing."""
    from evalkit.cli import main

    folder = make_variant(smallest, tmp_path / "data", "spread")
    out = tmp_path / "reports"
    args = ["study", "--data", str(folder), "--out", str(out), "--period", "2025Q4"]
    assert main([*args, "--language", "id", "--units", "all"]) == 0
    id_dir = out / "2025Q4" / "id"
    id_results = json.loads((id_dir / "results.json").read_text(encoding="utf-8"))
    _check(id_dir, id_results, EXPECTED["spread"], "id")
    en_results = _build(folder, tmp_path / "en", "en")
    _check(tmp_path / "en", en_results, EXPECTED["spread"], "en")
    assert _insufficient(id_results) == _insufficient(en_results)
    # a unit's scorecard gives the regency's reason instead of "one of the two did not rate"
    gap = Insufficient("comparison", **id_results["comparison"]["insufficient"])
    cards = [p for p in (id_dir / "units").glob("*.html") if p.name != "index.html"]
    assert cards
    assert all(gap.sentence(Labels("id")) in _text(p) for p in cards)


@pytest.mark.parametrize("language", ["id", "en"])
def test_quarantine_reasons_follow_the_report_language(smallest, tmp_path, language):
    """The shared quarantine.csv and the data section's quarantine table give the reasons in
    the report's language, from the ``io.reason.*`` templates, with the stable code beside."""
    from evalkit.labels import catalogue

    folder = make_variant(smallest, tmp_path / "data", "bare")
    path = folder / "behaviour.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",9"  # a score outside 1–5
    lines.insert(6, lines[5])  # an exact copy of a line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    from evalkit.report import build_report

    study = load_study(folder)
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_report(study, "latest", language=language, min_cell=MIN_CELL).write_outputs(out)
    import pandas as pd

    shared = pd.read_csv(out / "quarantine.csv", dtype=str, keep_default_na=False)
    words = catalogue(language)
    above = words["io.reason.out_of_range"].format(low=1, high=5)
    duplicate = words["io.reason.exact_duplicate"].format(line=6)
    rows = shared.set_index("code")
    assert rows.loc["reason.out_of_range", "reason"] == above
    assert rows.loc["reason.out_of_range", ["file", "line", "column"]].tolist() == [
        "behaviour.csv",
        "4",
        "score",
    ]
    assert rows.loc["reason.exact_duplicate", "reason"] == duplicate
    restricted = pd.read_csv(out / "restricted" / "quarantine.csv", dtype=str)
    assert above in set(restricted["reason"])
    # the study's table: one row per kind of reason, line numbers left out
    page = _text(out / "study.html")
    assert above in page
    assert words["io.reason.exact_duplicate"].format(line="…") in page
    other = catalogue("en" if language == "id" else "id")["io.reason.out_of_range"]
    assert other.format(low=1, high=5) not in set(shared["reason"])
