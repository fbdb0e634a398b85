"""Figures of the reliability section: rater reliability per unit, citizen agreement, SKM alpha.

Each function takes a table of :class:`evalkit.reliability.report.ReliabilityResult`
(``data=``), draws on ``ax`` if given (else on a new Figure), and returns the matplotlib
Figure. Texts come from the optional ``labels`` mapping (English defaults; the study
passes Indonesian or English strings). The functions compute no statistic: estimates,
intervals and reading codes come from :func:`evalkit.reliability.report.assess_reliability`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import merge_labels, new_axes, require_columns

__all__ = ["plot_rater_reliability", "plot_rwg", "plot_skm_alpha"]

_DEFAULT_LABELS: dict[str, str] = {
    "rater_title": "Reliability of the 360° ratings per unit",
    "rater_xlabel": "Intraclass correlation (95% CI)",
    "unit": "Unit",
    "all_units": "All units",
    "atasan": "supervisor",
    "rekan": "peers",
    "bawahan": "subordinates",
    "diri": "self",
    "poor": "poor",
    "moderate": "moderate",
    "good": "good",
    "excellent": "excellent",
    "rwg_title": "Agreement of citizens within each unit",
    "rwg_xlabel": "rwg(j) over the nine SKM items",
    "cutoff": "convention .70",
    "rwg_j": "rwg(j)",
    "rwg_j_lindell": "r*wg(j) (Lindell)",
    "alpha_title": "Internal consistency of the nine SKM items",
    "alpha_xlabel": "Cronbach's alpha (95% CI)",
}

_KOO_LI = (
    (-1.0, 0.50, "poor"),
    (0.50, 0.75, "moderate"),
    (0.75, 0.90, "good"),
    (0.90, 1.0, "excellent"),
)
_BAND_COLOURS = {
    "poor": "#f4cccc",
    "moderate": "#fce5cd",
    "good": "#d9ead3",
    "excellent": "#b6d7a8",
}


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return merge_labels(_DEFAULT_LABELS, labels)


def _need(data: pd.DataFrame, func: str, *columns: str) -> None:
    require_columns(data, func, columns, "evalkit.reliability.report.assess_reliability")


def _unit_labels(df: pd.DataFrame, lab: dict[str, str]) -> pd.Series:
    return df["unit_id"].where(df["scope"] == "unit", lab["all_units"]).astype(str)


def _interval_dots(ax, df, y, hue_values, palette, lab):
    """Dots with horizontal CI bars, one row per y label, dodged by hue."""
    order = list(dict.fromkeys(df[y]))
    pos = {v: i for i, v in enumerate(order)}
    hues = list(dict.fromkeys(hue_values))
    width = 0.6
    for h_i, h in enumerate(hues):
        sub = df[hue_values == h]
        off = (h_i - (len(hues) - 1) / 2) * (width / max(len(hues), 1))
        ys = sub[y].map(pos).to_numpy(float) + off
        lo = (sub["estimate"] - sub["ci_low"]).clip(lower=0).to_numpy(float)
        hi = (sub["ci_high"] - sub["estimate"]).clip(lower=0).to_numpy(float)
        ax.errorbar(
            sub["estimate"],
            ys,
            xerr=[lo, hi],
            fmt="o",
            ms=4,
            lw=1,
            capsize=0,
            color=palette[h_i % len(palette)],
            label=lab.get(str(h), str(h)),
        )
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    return order


def plot_rater_reliability(
    data: pd.DataFrame,
    *,
    statistic: str = "ICC1",
    ax=None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Reliability of one rater (``ICC1``) or of the ratee's mean (``ICC1k``), per unit and role.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ReliabilityResult.rater_reliability``. Rows that are not estimable are left out.
    statistic : {"ICC1", "ICC1k"}, default "ICC1"
        Which coefficient to draw.
    ax : matplotlib Axes, optional
        Draw here; a new Figure when None.
    labels : mapping, optional
        Texts (keys of the English defaults: ``rater_title``, ``rater_xlabel``, the role
        codes, the Koo & Li band codes, ``all_units``).

    Returns
    -------
    matplotlib.figure.Figure
        The Koo & Li (2016) bands shaded behind dots with 95% intervals, pooled row first.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"scope": ["all", "unit"], "unit_id": [None, "RSUD"],
    ...     "rater_role": "rekan", "statistic": "ICC1", "estimate": [0.5, 0.4],
    ...     "ci_low": [0.4, 0.1], "ci_high": [0.6, 0.7]})
    >>> fig = plot_rater_reliability(df)
    >>> len(fig.axes)
    1
    """
    func = "plot_rater_reliability"
    _need(
        data, func, "scope", "unit_id", "rater_role", "statistic", "estimate", "ci_low", "ci_high"
    )
    lab = _labels(labels)
    df = data[(data["statistic"] == statistic) & data["estimate"].notna()].copy()
    n_units = df.loc[df["scope"] == "unit", "unit_id"].nunique() + 1
    fig, ax = new_axes(ax, figsize=(7.0, max(3.0, 0.28 * n_units + 1.2)))
    from matplotlib.patches import Patch

    for lo, hi, code in _KOO_LI:
        ax.axvspan(lo, hi, color=_BAND_COLOURS[code], alpha=0.5, lw=0)
    bands = [Patch(color=_BAND_COLOURS[c], alpha=0.5, label=lab[c]) for _, _, c in _KOO_LI]
    if not df.empty:
        df["y"] = _unit_labels(df, lab)
        _interval_dots(ax, df, "y", df["rater_role"].to_numpy(), sns.color_palette(), lab)
    handles = ax.get_legend_handles_labels()[0] + bands
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    low = float(np.nanmin(df["estimate"], initial=0.0)) - 0.05
    ax.set_xlim(min(-0.2, low), 1.0)
    ax.set_xlabel(lab["rater_xlabel"])
    ax.set_ylabel(lab["unit"])
    ax.set_title(lab["rater_title"])
    return fig


def plot_rwg(
    data: pd.DataFrame,
    *,
    ax=None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Citizens' within-unit agreement: rwg(j) and Lindell's r*wg(j) per unit, with the .70 line.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ReliabilityResult.citizen_agreement`` (``unit_id``, ``rwg_j``, ``rwg_j_lindell``).
    ax : matplotlib Axes, optional
        Draw here; a new Figure when None.
    labels : mapping, optional
        Texts (``rwg_title``, ``rwg_xlabel``, ``cutoff``, ``rwg_j``, ``rwg_j_lindell``,
        ``unit``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit_id": ["A", "B"], "rwg_j": [0.9, 0.6],
    ...                    "rwg_j_lindell": [0.5, 0.2]})
    >>> plot_rwg(df).axes[0].get_xlabel()
    'rwg(j) over the nine SKM items'
    """
    func = "plot_rwg"
    _need(data, func, "unit_id", "rwg_j", "rwg_j_lindell")
    lab = _labels(labels)
    df = data.sort_values("rwg_j", ascending=False, na_position="last")
    fig, ax = new_axes(ax, figsize=(7.0, max(3.0, 0.28 * len(df) + 1.2)))
    y = np.arange(len(df))
    pal = sns.color_palette()
    ax.scatter(df["rwg_j"], y, color=pal[0], s=24, label=lab["rwg_j"], zorder=3)
    ax.scatter(
        df["rwg_j_lindell"], y, color=pal[1], marker="D", s=16, label=lab["rwg_j_lindell"], zorder=3
    )
    ax.axvline(0.70, color="0.3", ls="--", lw=1, label=lab["cutoff"])
    ax.set_yticks(y, df["unit_id"].astype(str))
    ax.invert_yaxis()
    ax.set_xlim(min(-0.05, float(np.nanmin(df["rwg_j_lindell"], initial=0.0)) - 0.05), 1.02)
    ax.set_xlabel(lab["rwg_xlabel"])
    ax.set_ylabel(lab["unit"])
    ax.set_title(lab["rwg_title"])
    ax.legend(loc="lower left", fontsize=8)
    return fig


def plot_skm_alpha(
    data: pd.DataFrame,
    *,
    ax=None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Cronbach's alpha of the nine SKM items, overall and per unit, with the .70 line.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ReliabilityResult.skm_alpha``.
    ax : matplotlib Axes, optional
        Draw here; a new Figure when None.
    labels : mapping, optional
        Texts (``alpha_title``, ``alpha_xlabel``, ``cutoff``, ``unit``, ``all_units``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"scope": ["all", "unit"], "unit_id": [None, "RSUD"],
    ...     "estimate": [0.75, 0.7], "ci_low": [0.7, 0.6], "ci_high": [0.8, 0.8]})
    >>> plot_skm_alpha(df, labels={"alpha_title": "Alpha"}).axes[0].get_title()
    'Alpha'
    """
    func = "plot_skm_alpha"
    _need(data, func, "scope", "unit_id", "estimate", "ci_low", "ci_high")
    lab = _labels(labels)
    df = data[data["estimate"].notna()].copy()
    fig, ax = new_axes(ax, figsize=(7.0, max(3.0, 0.28 * len(df) + 1.2)))
    if not df.empty:
        df["y"] = _unit_labels(df, lab)
        _interval_dots(
            ax, df, "y", np.array(["alpha"] * len(df)), sns.color_palette(), {"alpha": "alpha"}
        )
    ax.axvline(0.70, color="0.3", ls="--", lw=1, label=lab["cutoff"])
    ax.set_xlabel(lab["alpha_xlabel"])
    ax.set_ylabel(lab["unit"])
    ax.set_title(lab["alpha_title"])
    ax.legend(loc="lower left", fontsize=8)
    return fig
