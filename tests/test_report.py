"""Small pure helpers of evalkit.report that shape what stakeholders read."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
