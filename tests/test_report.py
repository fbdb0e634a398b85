"""Small pure helpers of evalkit.report that shape what stakeholders read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalkit.io import Study
from evalkit.labels import Labels
from evalkit.report import _comparison_meaning, comparison_window, violation_counts


def _study_with_quarters(quarters: list[str]) -> Study:
    study = Study()
    study.behaviour = pd.DataFrame(
        {
            "period": quarters,
            "employee_id": "E1",
            "rater_id": "E2",
            "rater_role": "atasan",
            "value": "akuntabel",
            "score": 3,
        }
    )
    return study


def test_comparison_window_is_a_trailing_year_of_quarters():
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    study = _study_with_quarters(quarters)
    assert comparison_window(study, "2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    # early in the data: what there is, never a quarter after the period
    assert comparison_window(study, "2024Q2") == ["2024Q1", "2024Q2"]
    # a year: exactly its own quarters
    assert comparison_window(study, "2024") == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def test_violation_counts_counts_units_per_rule_most_frequent_first():
    violations = pd.Series(
        [
            "baik_above_max; butuh_perbaikan_or_kurang_missing",
            "baik_above_max",
            "",
            None,
            "sangat_baik_present; baik_above_max",
            "butuh_perbaikan_or_kurang_missing",
        ]
    )
    counts = violation_counts(violations)
    assert counts.to_dict() == {
        "baik_above_max": 3,
        "butuh_perbaikan_or_kurang_missing": 2,
        "sangat_baik_present": 1,
    }
    assert list(counts.index) == [
        "baik_above_max",
        "butuh_perbaikan_or_kurang_missing",
        "sangat_baik_present",
    ]
    assert violation_counts(pd.Series([None, ""], dtype=object)).empty


def _agreement(estimate: float, low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": ["unit", "officer"],
            "statistic": ["spearman_rho", "spearman_rho"],
            "estimate": [estimate, 0.9],
            "ci_low": [low, 0.8],
            "ci_high": [high, 0.95],
            "n_targets": [40, 500],
        }
    )


def test_comparison_meaning_reads_the_unit_level_rank_correlation():
    en = Labels("en")
    consistent = _comparison_meaning(_agreement(0.42, 0.12, 0.65), en)
    assert consistent[0].startswith("Where they agree")
    assert "0.42" in consistent[0] and "40 units" in consistent[0]
    assert "not evidence of bias" in consistent[-1]
    unrelated = _comparison_meaning(_agreement(0.10, -0.2, 0.38), en)
    assert "not clearly related" in unrelated[0]
    id_ = _comparison_meaning(_agreement(0.42, 0.12, 0.65), Labels("id"))
    assert "0,42" in id_[0] and "bukan bukti bias" in id_[-1]
    # no estimate (too few units): only the general reading remains
    assert len(_comparison_meaning(_agreement(np.nan, np.nan, np.nan), en)) == 1


def test_shared_plot_helpers_examples_run():
    import doctest

    import evalkit.plots

    result = doctest.testmod(evalkit.plots, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0


# --------------------------------------------------------------------------- the workbook
def test_workbook_writes_formula_looking_text_as_text_and_numbers_with_formats(tmp_path):
    from openpyxl import load_workbook

    from evalkit.report.workbook import _write_sheet, number_format, sheet_names

    labels = Labels("en")
    frame = pd.DataFrame({"Unit": ["=HYPERLINK(1)", "Dinas"], "Share": [0.25, 0.5]})
    from openpyxl import Workbook

    wb = Workbook()
    _write_sheet(wb.active, "T", frame, [None, "0.0%"])
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert ws["A4"].value == "=HYPERLINK(1)" and ws["A4"].data_type == "s"
    assert ws["B4"].value == 0.25 and ws["B4"].number_format == "0.0%"
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:B5"
    assert number_format("p_val", pd.Series([0.0001]), labels) == '[<0.001]"< 0.001";0.000'
    assert number_format("n_scored", pd.Series([3], dtype="int64"), labels) == "#,##0"
    assert number_format("estimate", pd.Series([0.71]), labels, 3) == "0.00"
    assert number_format("gap", pd.Series([10.8]), labels, 1) == "0.0"
    assert number_format("unit_name", pd.Series(["a"]), labels) is None
    # captions that share their first 31 characters still get distinct, readable names
    names = sheet_names(["reliability_sources", "reliability_sources_units", "x", "y"], labels)
    assert names["reliability_sources"] != names["reliability_sources_units"]
    assert len(set(names.values())) == 4 and all(len(n) <= 31 for n in names.values())


# --------------------------------------------------------------------------- the page
def test_report_layout_examples_run():
    import doctest

    from evalkit.report import layout, spark, trend, workbook

    for module in (layout, spark, trend, workbook):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_shown_tables_drop_empty_columns_and_put_the_unit_first():
    from evalkit.report.base import SectionTable

    t = SectionTable(
        "scoring_units",
        pd.DataFrame(
            {
                "unit_id": ["U1", "U2"],
                "n_scored": [12, 30],
                "unit_name": ["Dinas A", "Dinas B"],
                "suppressed": [None, None],
            }
        ),
    )
    assert list(t.shown().columns) == ["unit_name", "unit_id", "n_scored"]
    html = t.to_html(Labels("id"), max_rows=1, drop=("unit_id",))
    assert "Disembunyikan" not in html and "Kode unit" not in html
    assert '<td class="ek-text">Dinas A</td>' in html and "Dinas B" not in html
    assert "1 baris lainnya ada di lampiran" in html
    t.frame.loc[1, "suppressed"] = "small_cell"
    assert "suppressed" in t.shown().columns  # shown once something is suppressed


def test_supervisor_change_is_the_welch_difference_of_employee_means():
    from scipy import stats

    from evalkit.report import supervisor_change

    rng = np.random.default_rng(5)
    rows = []
    for q, shift in (("2025Q1", 0.0), ("2025Q2", 0.3)):
        for e in range(40):
            for s in rng.integers(1, 6, 3):
                rows.append((q, f"E{e}", "atasan", min(5, s + shift)))
    b = pd.DataFrame(rows, columns=["period", "employee_id", "rater_role", "score"])
    r = supervisor_change(Study(behaviour=b), "2025Q1", "2025Q2")
    means = b.groupby(["period", "employee_id"])["score"].mean()
    a, c = means.loc["2025Q1"], means.loc["2025Q2"]
    assert r["change"] == pytest.approx(c.mean() - a.mean())
    se = np.sqrt(a.var() / len(a) + c.var() / len(c))
    assert r["se"] == pytest.approx(se)
    assert r["ci_high"] - r["change"] == pytest.approx(stats.norm.ppf(0.975) * se)
    assert r["n_before"] == r["n_after"] == 40


def test_the_brief_keeps_at_most_eight_findings_attention_first():
    from evalkit.report.base import Finding, ReportContext, Section
    from evalkit.report.summary import BRIEF_MAX, section_summary

    sections = [
        Section(
            key=f"s{i}",
            title="t",
            findings=[
                Finding(key="data" if i == 0 else f"k{i}", text=str(i), attention=i in (3, 9))
            ],
        )
        for i in range(10)
    ]
    ctx = ReportContext(Study(), "2025Q4", Labels("en"))
    brief = section_summary(ctx, sections)
    texts = [f.text for f in brief.findings]
    assert len(texts) == BRIEF_MAX == 8
    assert "3" in texts and "9" in texts  # the ones to act on are kept
    assert texts.index("0") < texts.index("1")  # "data" comes before unknown keys
    assert brief.html.count('<li class="ek-finding') == 8
    assert brief.html.count("ek-attention") == 2


def test_the_cover_says_synthetic_data_only_when_the_data_are():
    from evalkit.report import PeriodReport

    def report(source):
        study = Study()
        study.source = source
        return PeriodReport("2025Q4", "id", 5, "permenpanrb_6_2022", {}, study)

    banner = Labels("id")["text.synthetic_banner"]
    cover = report("simulate").cover_html(date="2026-01-05")
    assert banner in cover and "2026-01-05" in cover and "PermenPANRB 6/2022" in cover
    assert "permenpanrb_6_2022" not in cover  # the rule set as people name it
    assert banner not in report(None).cover_html() and banner not in report(None).title_html()
    assert banner in report("simulate").title_html()


def test_unit_changes_is_supervisor_change_unit_by_unit(small_study):
    from evalkit.report import supervisor_change
    from evalkit.report.trend import unit_changes

    changes = unit_changes(small_study, "2025Q3", "2025Q4")
    assert changes["change"].abs().is_monotonic_decreasing  # largest first
    for _, row in changes.head(3).iterrows():
        staff = small_study.employees.loc[
            small_study.employees["unit_id"] == row["unit_id"], "employee_id"
        ]
        b = small_study.behaviour[small_study.behaviour["employee_id"].isin(staff)]
        one = supervisor_change(Study(behaviour=b), "2025Q3", "2025Q4")
        assert row["change"] == pytest.approx(one["change"])
        assert row["ci_low"] == pytest.approx(one["ci_low"])
        assert (row["n_before"], row["n_after"]) == (one["n_before"], one["n_after"])


def test_the_brief_keeps_the_studys_answers_and_fills_the_rest_with_what_needs_action():
    """Nine findings for eight places, three of them pointing at something to act on: every
    answer to the study's questions and the trend stay (training was pushed out once by
    two such findings); the last place goes to the first of the others in report order."""
    from evalkit.io import Study
    from evalkit.labels import Labels
    from evalkit.report import ReportContext, Section, section_summary
    from evalkit.report.base import Finding
    from evalkit.report.summary import BRIEF_ESSENTIAL, BRIEF_MAX

    keys = [*BRIEF_ESSENTIAL, "data", "complaints"]
    attention = {"data", "complaints", "pattern"}
    sections = [
        Section(key=k, title=k, findings=[Finding(key=k, text=k, attention=k in attention)])
        for k in ["complaints", "data", *reversed(BRIEF_ESSENTIAL)]
    ]
    assert len(keys) == BRIEF_MAX + 1
    brief = section_summary(ReportContext(Study(), "2025Q4", Labels("en")), sections)
    assert [f.key for f in brief.findings] == [*BRIEF_ESSENTIAL, "data"]
