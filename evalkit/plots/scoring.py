"""Figures of the scoring section: predikat distribution, SKM per unit, indicator clarity.

Each function takes the tidy table that :mod:`evalkit.scoring` returns, draws on ``ax``
if given (else on a new figure), and returns the matplotlib Figure. Text comes from the
optional ``labels`` mapping (defaults in English; the study passes Indonesian or English
strings from :mod:`evalkit.labels`), so the computation never depends on the language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..rules.permenpanrb_6_2022 import PREDIKAT
from ..rules.permenpanrb_14_2017 import MUTU_TABLE
from . import decimal_axis, legend_below, merge_labels, new_axes

__all__ = ["PREDIKAT_COLOURS", "plot_indicator_clarity", "plot_predikat_distribution", "plot_skm"]

_DEFAULT_LABELS: dict[str, str] = {
    "sangat_baik": "Very good",
    "baik": "Good",
    "butuh_perbaikan": "Needs improvement",
    "kurang": "Poor",
    "sangat_kurang": "Very poor",
    "distribution_title": "Employee predikat per unit",
    "distribution_xlabel": "Share of scored employees",
    "violation": "outside the distribution pattern",
    "skm_title": "Community satisfaction index (SKM) per unit",
    "skm_xlabel": "IKM (converted, 25–100)",
    "insufficient": "sample below Krejcie–Morgan size",
    "clarity_title": "Indicators without target, unit or direction",
    "clarity_xlabel": "Share of unclear indicators",
    "clarity_xlabel_results": "Share of results on unclear indicators or without target",
    "cluster": "unclear indicators cluster",
    "overall": "all units",
    "unit": "Unit",
    "all_insufficient": "all units: sample below the minimum size",
    "decimal": ".",
}

#: One colour per predikat, best to worst: ColorBrewer's RdYlBu (safe for colour-blind
#: readers; blue is good, red is poor, the middle is pale).
PREDIKAT_COLOURS: dict[str, str] = dict(
    zip(PREDIKAT, ("#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c"), strict=True)
)
_PREDIKAT_COLOURS = PREDIKAT_COLOURS
#: Okabe–Ito blue for a value, a pale blue for the same value read with caution.
_INK, _PALE = "#0072B2", "#9ecae1"
#: Okabe–Ito vermillion: "look here" (clusters, units outside the pattern).
_ALERT = "#D55E00"


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return merge_labels(_DEFAULT_LABELS, labels)


def _axes(ax, ticks: list[str]):
    """The given Axes, or a new figure tall enough for one bar per (wrapped) tick label."""
    if ax is not None:
        return ax.figure, ax
    lines = max((t.count("\n") + 1 for t in ticks), default=1)
    height = max(3.0, len(ticks) * (0.12 + 0.17 * max(lines, 1.5)) + 2.0)
    return new_axes(None, figsize=(10, height))


def _unit_names(df: pd.DataFrame, unit: str, names: Mapping[str, str] | None) -> list[str]:
    """Display names, wrapped so that long official names do not crowd the bars."""
    return [textwrap.fill(str((names or {}).get(u, u)), 45) for u in df[unit]]


def plot_predikat_distribution(
    distribution: pd.DataFrame,
    *,
    unit: str = "unit_id",
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Stacked shares of the five predikat per unit, marking units outside the pattern.

    Parameters
    ----------
    distribution
        :func:`evalkit.scoring.check_distribution`'s table (``share_<predikat>``,
        ``ok``, ``org_predikat``).
    unit
        The unit column.
    names
        Optional unit id → display name.
    labels
        Text overrides: the predikat codes, ``distribution_title``,
        ``distribution_xlabel``, ``violation``.
    ax
        A matplotlib Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
        Units whose ``ok`` is false are marked with a ``!`` and a red tick label.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.scoring import check_distribution
    >>> d = check_distribution(pd.DataFrame({"unit_id": "u1", "predikat": ["baik"] * 10}),
    ...                        org_predikat="baik")
    >>> fig = plot_predikat_distribution(d)
    """
    text = _labels(labels)
    df = distribution.sort_values(unit, ascending=False).reset_index(drop=True)
    ticks = _unit_names(df, unit, names)
    fig, ax = _axes(ax, ticks)
    y = np.arange(len(df))
    left = np.zeros(len(df))
    for p in PREDIKAT:
        share = df[f"share_{p}"].fillna(0).to_numpy(dtype=float)
        ax.barh(
            y,
            share,
            left=left,
            color=_PREDIKAT_COLOURS[p],
            label=text[p],
            edgecolor="white",
            linewidth=0.5,
        )
        left += share
    ax.set_yticks(y, ticks)
    violating = df["ok"].eq(False).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(violating):
        ax.get_yticklabels()[i].set_color(_ALERT)
        ax.text(1.01, y[i], "!", color=_ALERT, va="center", fontweight="bold")
    ax.set_xlim(0, 1.04)
    ax.set_xlabel(text["distribution_xlabel"])
    ax.set_title(text["distribution_title"])
    handles, _ = ax.get_legend_handles_labels()
    if violating.any():
        handles.append(Patch(facecolor="none", edgecolor=_ALERT, label=f"! {text['violation']}"))
    decimal_axis(ax, text["decimal"], axis="x", percent=True)
    legend_below(ax, handles)
    return fig


def plot_skm(
    skm: pd.DataFrame,
    *,
    unit: str = "unit_id",
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Converted IKM per unit against the mutu bands A–D of PermenPANRB 14/2017.

    Parameters
    ----------
    skm
        :func:`evalkit.scoring.skm_index`'s table grouped by unit (``ikm_converted``,
        ``mutu``, optionally ``n_sufficient``).
    unit, names, labels, ax
        As for :func:`plot_predikat_distribution`; label keys ``skm_title``,
        ``skm_xlabel``, ``insufficient``.

    Returns
    -------
    matplotlib.figure.Figure
        Bands shaded from D (25) to A (100) with their letters; bars pale where the
        sample is below the Krejcie–Morgan size.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.scoring import skm_index
    >>> d = pd.DataFrame({"unit_id": ["a", "a", "b"],
    ...                   **{f"u{i}": [4, 3, 2] for i in range(1, 10)}})
    >>> fig = plot_skm(skm_index(d, "unit_id"))
    """
    text = _labels(labels)
    df = skm.sort_values(unit, ascending=False).reset_index(drop=True)
    ticks = _unit_names(df, unit, names)
    fig, ax = _axes(ax, ticks)
    edges = [100.0] + [low for low, _, _ in MUTU_TABLE]
    shades = sns.color_palette("RdYlBu", len(MUTU_TABLE))[::-1]
    for high, low, (_, mutu, _), colour in zip(
        edges[:-1], edges[1:], MUTU_TABLE, shades, strict=True
    ):
        ax.axvspan(low, high, color=colour, alpha=0.18, linewidth=0)
        ax.text(
            (low + high) / 2,
            1.0,
            mutu,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    y = np.arange(len(df))
    value = df["ikm_converted"].to_numpy(dtype=float)
    insufficient = np.zeros(len(df), dtype=bool)
    if "n_sufficient" in df.columns:
        insufficient = df["n_sufficient"].eq(False).fillna(False).to_numpy(dtype=bool)
    # one meaning per encoding: a pale bar is a unit whose sample is below the minimum;
    # when every unit is below it, all bars are alike and the legend says so
    some = insufficient.any() and not insufficient.all()
    colours = np.where(insufficient & some, _PALE, _INK)
    ax.barh(y, np.nan_to_num(value - 25.0), left=25.0, color=colours, height=0.6)
    for i, (v, m) in enumerate(zip(value, df["mutu"], strict=True)):
        if np.isfinite(v):
            ax.text(
                v + 0.5,
                y[i],
                f"{v:.1f} {m}".replace(".", text["decimal"]),
                va="center",
                fontsize=8,
            )
    ax.set_yticks(y, ticks)
    ax.set_xlim(25, 105)
    ax.set_xlabel(text["skm_xlabel"])
    ax.set_title(text["skm_title"], pad=16)
    decimal_axis(ax, text["decimal"], axis="x")
    if some:
        legend_below(ax, [Patch(facecolor=_PALE, label=text["insufficient"])])
    elif insufficient.any():
        legend_below(ax, [Patch(facecolor=_INK, label=text["all_insufficient"])])
    return fig


def plot_indicator_clarity(
    clarity: pd.DataFrame,
    *,
    unit: str = "unit_id",
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    overall: float | None = None,
    ax=None,
) -> Figure:
    """Share of unclear indicators per unit, clusters highlighted.

    Parameters
    ----------
    clarity
        :func:`evalkit.scoring.indicator_clarity`'s table (``cluster`` and
        ``share_results_unclear``, ``n_results``, ``n_results_unclear`` when the audit
        counted results, else ``share_unclear``, ``n_indicators``, ``n_unclear``).
    unit, names, labels, ax
        As for :func:`plot_predikat_distribution`; label keys ``clarity_title``,
        ``clarity_xlabel``, ``clarity_xlabel_results``, ``cluster``, ``overall``.
    overall
        The share over all units for the dashed line, when ``clarity`` holds only some
        units (default: computed from ``clarity``).

    Returns
    -------
    matplotlib.figure.Figure
        One bar per unit (the share the cluster test used); clusters in red; a dashed
        line at the share over all units.

    Examples
    --------
    >>> import pandas as pd
    >>> from evalkit.scoring import indicator_clarity
    >>> ind = pd.DataFrame({"indicator_id": ["a", "b"], "unit_id": ["u1", "u2"],
    ...                     "unit_of_measure": ["orang", None], "direction": "higher",
    ...                     "target_kind": "kuantitatif"})
    >>> fig = plot_indicator_clarity(indicator_clarity(ind))
    """
    text = _labels(labels)
    df = clarity.sort_values(unit, ascending=False).reset_index(drop=True)
    ticks = _unit_names(df, unit, names)
    fig, ax = _axes(ax, ticks)
    y = np.arange(len(df))
    cluster = df["cluster"].fillna(False).to_numpy(dtype=bool)
    colours = np.where(cluster, _ALERT, "#8c8c8c")
    # the share the cluster test was run on: results when the audit counted them
    on_results = "share_results_unclear" in df.columns
    share, n, k, xlabel = (
        ("share_results_unclear", "n_results", "n_results_unclear", "clarity_xlabel_results")
        if on_results
        else ("share_unclear", "n_indicators", "n_unclear", "clarity_xlabel")
    )
    values = df[share].to_numpy(dtype=float)
    ax.barh(y, values, color=colours, height=0.6)
    total = df[n].sum()
    if overall is None and total > 0:
        overall = df[k].sum() / total
    if overall is not None:
        ax.axvline(overall, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(y, ticks)
    top = np.nanmax(values) if np.isfinite(values).any() else 0.0
    ax.set_xlim(0, min(1.0, max(0.1, 1.15 * top)))
    ax.set_xlabel(text[xlabel])
    ax.set_title(text["clarity_title"])
    decimal_axis(ax, text["decimal"], axis="x", percent=True)
    handles = [
        Patch(color=_ALERT, label=text["cluster"]),
        Line2D([], [], color="black", linestyle="--", label=text["overall"]),
    ]
    legend_below(ax, handles)
    return fig
