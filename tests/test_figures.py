"""The study's figures as a reader sees them: no text drawn over other text, the language's
decimal mark, one meaning per visual encoding."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from evalkit.labels import Labels
from evalkit.plots import decimal_axis, new_axes, overlapping_texts, spread_texts
from evalkit.plots.compare import plot_funnel
from evalkit.plots.impact import event_study_plot
from evalkit.plots.scoring import (
    plot_indicator_clarity,
    plot_predikat_distribution,
    plot_skm,
)
from evalkit.report import plot_trend

PERIOD = "2025Q4"


@pytest.fixture(scope="module")
def scored(small_study):
    from evalkit.scoring import score_study

    return score_study(small_study, PERIOD)


def _names(small_study) -> dict[str, str]:
    return dict(zip(small_study.units["unit_id"], small_study.units["name"], strict=True))


def _ticks(fig) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]


def test_overlapping_texts_finds_text_drawn_over_text():
    fig, ax = new_axes()
    ax.set_xlabel("Porsi pegawai")
    ax.text(0.5, 0.5, "Dinas Kesehatan", transform=ax.transAxes)
    assert overlapping_texts(fig) == []
    ax.text(0.5, 0.5, "Dinas Sosial", transform=ax.transAxes)
    assert overlapping_texts(fig) == [("Dinas Kesehatan", "Dinas Sosial")]


def test_spread_texts_moves_labels_apart():
    fig, ax = new_axes()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    notes = [
        ax.annotate(str(i), (0.5, 0.5), xytext=(3, 3), textcoords="offset points")
        for i in range(1, 5)
    ]
    assert len(overlapping_texts(fig)) == 6  # four labels on one point: every pair
    spread_texts(fig, notes)
    assert overlapping_texts(fig) == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_figure_of_the_study_draws_text_over_text(language, scored, small_study):
    labels = Labels(language)
    texts = {
        **labels.prefixed("plot.scoring"),
        **{
            c: labels.code("predikat", c)
            for c in ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
        },
    }
    names = _names(small_study)
    figures = {
        "predikat": plot_predikat_distribution(scored.distribution, names=names, labels=texts),
        "skm": plot_skm(scored.skm, names=names, labels=texts),
        "clarity": plot_indicator_clarity(scored.clarity, names=names, labels=texts),
        "trend": plot_trend(
            pd.DataFrame(
                {
                    "period": ["2025Q1", "2025Q2", "2025Q3"],
                    "supervisor_score": [3.71, 3.8, 3.86],
                    "ikm": [72.5, 74.0, 75.25],
                }
            ),
            labels,
        ),
    }
    for name, fig in figures.items():
        assert overlapping_texts(fig) == [], name


def _units(n_flagged: int) -> pd.DataFrame:
    """A unit table as :func:`evalkit.compare.flag_units` returns it, with flagged units
    whose points nearly coincide (their labels would collide)."""
    rng = np.random.default_rng(3)
    n = 40
    se = rng.uniform(2.5, 5.0, n)
    gap = 10 + rng.normal(0, 3, n)
    flagged = np.zeros(n, dtype=bool)
    flagged[:n_flagged] = True
    gap[:n_flagged] = 35 + np.arange(n_flagged) * 0.2
    se[:n_flagged] = 3.0 + np.arange(n_flagged) * 0.01
    width = 1.96 * np.sqrt(se**2 + 4)
    return pd.DataFrame(
        {
            "unit_id": [f"U{i:02d}" for i in range(n)],
            "gap": gap,
            "se": se,
            "flagged": flagged,
            "eligible": True,
            "funnel_low95": 10 - width,
            "funnel_high95": 10 + width,
        }
    )


def test_funnel_names_of_neighbouring_flagged_units_do_not_collide():
    names = {f"U{i:02d}": f"Dinas Penanaman Modal dan Pelayanan Terpadu {i}" for i in range(40)}
    fig = plot_funnel(_units(5), names=names, labels=Labels("id").prefixed("plot.compare"))
    assert overlapping_texts(fig) == []
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    # flagged units are numbered by gap and named in the key under the plot
    assert any(t.startswith("1  Dinas Penanaman Modal") for t in legend)
    assert sum(t[0].isdigit() for t in legend) == 5


def test_indonesian_figures_write_decimal_commas_and_percent(scored, small_study):
    labels = Labels("id")
    texts = labels.prefixed("plot.scoring")
    fig = plot_predikat_distribution(scored.distribution, labels=texts)
    ticks = [t for t in _ticks(fig) if t and t[0].isdigit()]
    assert ticks and all(t.endswith("%") for t in ticks) and not any("." in t for t in ticks)
    fig = plot_trend(
        pd.DataFrame({"period": ["2025Q1", "2025Q2"], "supervisor_score": [3.7, 3.85]}), labels
    )
    numbers = [t for t in _ticks(fig) if t[:1].isdigit() and not t.startswith("2025")]
    assert numbers and any("," in t for t in numbers) and not any("." in t for t in numbers)
    fig, ax = new_axes()
    decimal_axis(ax, ",", axis="y", percent=True)
    assert ax.yaxis.get_major_formatter()(0.125, 0) == "12,5%"
    assert ax.yaxis.get_major_formatter()(-0.5, 0) == "−50%"


def test_event_study_legend_is_under_the_axes():
    es = pd.DataFrame(
        {
            "rel_time": [-2, -1, 0, 1],
            "estimate": [0.01, 0.0, 0.21, 0.24],
            "ci_low": [-0.05, 0.0, 0.15, 0.17],
            "ci_high": [0.07, 0.0, 0.27, 0.31],
            "method": "callaway_santanna",
            "reference": [False, True, False, False],
        }
    )
    fig = event_study_plot(es, labels={**Labels("id").prefixed("plot.impact")})
    assert fig.legends and fig.axes[0].get_legend() is None
    assert overlapping_texts(fig) == []
    assert any("," in t for t in _ticks(fig))
