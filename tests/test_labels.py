"""The label catalogues: same keys and placeholders in both languages, every code labelled."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from evalkit.labels import LANGUAGES, Labels, catalogue, t
from evalkit.report import SECTIONS
from evalkit.tables import CODES

LABELS_DIR = Path(__file__).resolve().parents[1] / "evalkit" / "labels"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["id"] - keys["en"] == set(), "keys only in id.json"
    assert keys["en"] - keys["id"] == set(), "keys only in en.json"
    assert len(keys["id"]) > 200


def test_files_are_valid_json_without_empty_texts():
    for lang in LANGUAGES:
        data = json.loads((LABELS_DIR / f"{lang}.json").read_text(encoding="utf-8"))
        empty = [k for k, v in data.items() if not isinstance(v, str) or not v.strip()]
        assert empty == [], f"{lang}.json has empty labels: {empty}"


def test_templates_take_the_same_values_in_both_languages():
    idc, enc = catalogue("id"), catalogue("en")
    differ = {
        k: (_placeholders(idc[k]), _placeholders(enc[k]))
        for k in idc
        if _placeholders(idc[k]) != _placeholders(enc[k])
    }
    assert differ == {}


def test_the_languages_differ_where_they_should():
    # a heading left untranslated would read the same in both catalogues
    for key in SECTIONS:
        assert t(f"section.{key}.title", "id") != t(f"section.{key}.title", "en")
    assert t("section.summary.title", "id") == "Ringkasan eksekutif"
    assert t("section.summary.title", "en") == "Executive summary"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_of_the_data_model_has_a_label(language):
    labels = Labels(language)
    missing = [
        f"code.{kind}.{code}"
        for kind, codes in CODES.items()
        for code in codes
        if f"code.{kind}.{code}" not in labels
    ]
    assert missing == []
    assert (
        labels.code("predikat", "sangat_baik")
        == {"id": "Sangat Baik", "en": "Outstanding"}[language]
    )
    assert labels.code("predikat", "new_code") == "new_code"  # shown as itself
    assert labels.code("predikat", None) == ""


def test_every_label_key_written_literally_in_the_report_exists():
    package = Path(__file__).resolve().parents[1] / "evalkit" / "report"
    source = "\n".join(p.read_text() for p in sorted(package.glob("*.py")))
    # whole keys only: a literal followed by `]`, `)` or `,` (not a prefix joined with `+`)
    literal = set(re.findall(r'labels(?:\[|\()\s*"([a-z_]+\.[a-z_.]+)"\s*[\]),]', source))
    assert len(literal) > 30
    missing = sorted(k for k in literal if k not in catalogue("id"))
    assert missing == []


def test_numbers_are_written_the_way_each_language_writes_them():
    assert Labels("id").number(1234.567, 2) == "1.234,57"
    assert Labels("en").number(1234.567, 2) == "1,234.57"
    assert Labels("id").integer(23431) == "23.431"
    assert Labels("id").percent(0.253) == "25,3%"
    assert Labels("en").percent(0.253, 0) == "25%"
    assert Labels("en").number(float("nan")) == "–"
    assert Labels("en").number(None) == "–"


def test_templates_format_their_numbers():
    assert t(
        "text.data.rows", "en", read=1200, files=8, kept=1100, quarantined=100, share="8.3%"
    ) == (
        "1,200 rows were read from 8 files: 1,100 were used and 100 quarantined (8.3%) "
        "because they could not be used as they are."
    )
    assert (
        Labels("id")("finding.trend.ikm", first="2025Q1", last="2025Q4", start=73.4, end=77.45)
        == "Tren: IKM seluruh unit 73,40 pada 2025Q1 dan 77,45 pada 2025Q4."
    )


def test_errors_name_the_key_and_the_file():
    with pytest.raises(KeyError, match=r"no label 'text\.nope' in evalkit/labels/en\.json"):
        Labels("en")["text.nope"]
    with pytest.raises(KeyError, match="needs the value 'read'"):
        Labels("en")("text.data.rows")
    with pytest.raises(ValueError, match="language must be one of 'id', 'en'; got 'fr'"):
        Labels("fr")


def test_prefixed_gives_the_texts_of_one_plot():
    texts = Labels("id").prefixed("plot.impact")
    assert texts["title"] == "Dampak pelatihan menurut waktu sejak pelatihan"
    assert set(texts) >= {"title", "xlabel", "ylabel", "reference", "training"}
    # the plot module's own keys are all translated
    from evalkit.plots.impact import EVENT_STUDY_LABELS

    assert set(EVENT_STUDY_LABELS) <= set(texts)


def test_labels_is_a_read_only_mapping():
    labels = Labels("en")
    assert dict(labels)["section.trend.title"] == "Trend against earlier periods"
    with pytest.raises(TypeError):
        labels["x"] = "y"  # type: ignore[index]


@pytest.mark.parametrize("module", ["scoring", "compare", "competence", "complaints", "sectors"])
def test_every_text_of_the_plot_modules_is_translated(module):
    import importlib

    defaults = importlib.import_module(f"evalkit.plots.{module}")._DEFAULT_LABELS
    texts = Labels("id").prefixed(f"plot.{module}")
    predikat = set(CODES["predikat"])  # passed from code.predikat.* by the report
    assert set(defaults) - predikat <= set(texts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_distribution_rule_and_table_has_a_label(language):
    from evalkit.rules.permenpanrb_6_2022 import DISTRIBUTION_PATTERN
    from evalkit.tables import TABLES

    labels = Labels(language)
    rules = {r.code for rs in DISTRIBUTION_PATTERN.values() for r in rs}
    assert len(rules) >= 10
    assert [c for c in rules if f"code.violation.{c}" not in labels] == []
    assert [t for t in TABLES if f"code.table.{t}" not in labels] == []
