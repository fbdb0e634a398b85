"""Figures of the citizens-versus-supervisors section: Bland–Altman, funnel, identity scatter.

Each function takes a tidy table from :mod:`evalkit.compare` (the unit table of
:func:`evalkit.compare.flag_units` by default), draws on ``ax`` if given (else on a new
Figure), and returns the matplotlib Figure. Texts come from the optional ``labels``
mapping (English defaults; the study passes Indonesian or English strings). The numbers
drawn come from :func:`evalkit.bland_altman` and :func:`evalkit.compare.flag_units`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import stats

from ..reliability.agreement import bland_altman
from . import decimal_axis, legend_below, merge_labels, new_axes, require_columns, spread_texts

__all__ = ["plot_bland_altman", "plot_funnel", "plot_identity"]

_DEFAULT_LABELS: dict[str, str] = {
    "ba_title": "Supervisors minus citizens, per unit",
    "ba_xlabel": "Mean of supervisor and citizen score (POMP, 0–100)",
    "ba_ylabel": "Supervisor − citizen (POMP points)",
    "bias": "mean gap",
    "loa": "95% limits of agreement",
    "zero": "no difference",
    "funnel_title": "Gap per unit against its precision",
    "funnel_xlabel": "Precision of the unit's gap (1 / SE)",
    "funnel_ylabel": "Supervisor − citizen (POMP points)",
    "centre": "common gap",
    "limit95": "95% limits",
    "limit998": "99.8% limits",
    "flagged": "to review",
    "not_flagged": "within expectation",
    "not_eligible": "too few citizen responses",
    "identity_title": "Supervisor and citizen scores per unit",
    "identity_xlabel": "Citizens (POMP, 0–100)",
    "identity_ylabel": "Supervisors (POMP, 0–100)",
    "identity": "equal scores",
    "decimal": ".",
}


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return merge_labels(_DEFAULT_LABELS, labels)


_SIZE = (6.5, 4.5)


def _need(data: pd.DataFrame, func: str, *columns: str) -> None:
    require_columns(data, func, columns, "evalkit.compare.flag_units")


def _status(data: pd.DataFrame, lab: dict[str, str]) -> pd.Series:
    flagged = data["flagged"] if "flagged" in data else pd.Series(False, index=data.index)
    eligible = data["eligible"] if "eligible" in data else pd.Series(True, index=data.index)
    return pd.Series(
        np.where(
            flagged, lab["flagged"], np.where(eligible, lab["not_flagged"], lab["not_eligible"])
        ),
        index=data.index,
    )


def _palette(lab: dict[str, str]) -> dict[str, object]:
    return {lab["flagged"]: "tab:red", lab["not_flagged"]: "tab:blue", lab["not_eligible"]: "0.7"}


def plot_bland_altman(
    data: pd.DataFrame,
    x: str = "mean_supervisor",
    y: str = "mean_citizen",
    *,
    agreement: pd.DataFrame | None = None,
    method: str = "1999",
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Bland–Altman plot: difference x − y against the pair mean, bias and limits with CIs.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (or officer), e.g. :func:`evalkit.compare.flag_units`' table;
        ``flagged``/``eligible`` columns colour the points when present.
    x, y : str
        Columns of the two scores (default supervisor and citizen POMP means).
    agreement : pandas.DataFrame, optional
        :func:`evalkit.bland_altman` output to draw; computed from ``data`` when None
        (over the eligible rows when an ``eligible`` column exists).
    method : {"1999", "1986"}
        CI method when ``agreement`` is computed here.
    labels : mapping, optional
        Texts (keys ``ba_title``, ``ba_xlabel``, ``ba_ylabel``, ``bias``, ``loa``,
        ``zero``, ``flagged``, ``not_flagged``, ``not_eligible``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_bland_altman(result.units)  # doctest: +SKIP
    """
    _need(data, "plot_bland_altman", x, y)
    lab = _labels(labels)
    fig, ax = new_axes(ax, figsize=_SIZE)
    if agreement is None:
        base = data[data["eligible"]] if "eligible" in data else data
        agreement = bland_altman(base, x, y, method=method)
    est = agreement.set_index("statistic")
    mean = (data[x] + data[y]) / 2
    diff = data[x] - data[y]
    plot = pd.DataFrame({"mean": mean, "diff": diff, "status": _status(data, lab)})
    ax.axhline(0, color="0.75", lw=1, zorder=0, label=lab["zero"])
    sns.scatterplot(
        data=plot,
        x="mean",
        y="diff",
        hue="status",
        palette=_palette(lab),
        ax=ax,
        s=30,
        edgecolor="white",
        linewidth=0.5,
    )
    for stat, style, name in (
        ("bias", "-", lab["bias"]),
        ("loa_low", "--", lab["loa"]),
        ("loa_high", "--", None),
    ):
        if stat not in est.index:
            continue
        row = est.loc[stat]
        ax.axhline(
            row["estimate"], color="k", ls=style, lw=1.5 if stat == "bias" else 1, label=name
        )
        if np.isfinite(row["ci_low"]):
            ax.axhspan(
                row["ci_low"],
                row["ci_high"],
                color="0.5" if stat == "bias" else "tab:blue",
                alpha=0.15,
                lw=0,
            )
    ax.set(title=lab["ba_title"], xlabel=lab["ba_xlabel"], ylabel=lab["ba_ylabel"])
    ax.legend(frameon=False, fontsize="small")
    return fig


def plot_funnel(
    units: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    annotate: bool = True,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Funnel plot of unit gaps against their precision, with 95% and 99.8% limits.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`evalkit.compare.flag_units` output (``gap``, ``se``, ``flagged``,
        ``eligible``, ``funnel_low95`` … ``funnel_high998``).
    names : mapping, optional
        unit_id → name for annotating flagged units (unit_id when missing).
    annotate : bool, default True
        Number the flagged units' points and list their names under the plot.
    labels : mapping, optional
        Texts (``funnel_title``, ``funnel_xlabel``, ``funnel_ylabel``, ``centre``,
        ``limit95``, ``limit998``, ``flagged``, ``not_flagged``, ``not_eligible``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The limits are ḡ ± z √(SE² + τ̂²) (Spiegelhalter 2005; methods.md §4), drawn as
    curves over the precision 1/SE; ḡ and τ̂² are read back from the table's funnel
    columns, so the plot shows exactly what the flags used. Points outside the 99.8%
    limits are not necessarily flagged: flags use Benjamini–Hochberg q-values.

    Examples
    --------
    >>> fig = plot_funnel(result.units)  # doctest: +SKIP
    """
    _need(units, "plot_funnel", "unit_id", "gap", "se", "funnel_low95", "funnel_high95")
    lab = _labels(labels)
    fig, ax = new_axes(ax, figsize=_SIZE)
    d = units[np.isfinite(units["se"]) & (units["se"] > 0)]
    prec = 1 / d["se"]
    plot = pd.DataFrame({"precision": prec, "gap": d["gap"], "status": _status(d, lab)})
    lim = d[["se", "funnel_low95", "funnel_high95"]].dropna()
    if len(lim):
        z95 = stats.norm.ppf(0.975)
        centre = float(((lim["funnel_low95"] + lim["funnel_high95"]) / 2).median())
        width = (lim["funnel_high95"] - lim["funnel_low95"]) / (2 * z95)
        tau2 = float(max(0.0, (width**2 - lim["se"] ** 2).median()))
        grid = np.linspace(max(prec.min() * 0.5, 1e-6), prec.max() * 1.1, 200)
        sd = np.sqrt(1 / grid**2 + tau2)
        ax.axhline(centre, color="k", lw=1.2, label=lab["centre"])
        for zq, style, name in (
            (z95, "--", lab["limit95"]),
            (stats.norm.ppf(0.999), ":", lab["limit998"]),
        ):
            ax.plot(grid, centre + zq * sd, color="0.3", ls=style, lw=1, label=name)
            ax.plot(grid, centre - zq * sd, color="0.3", ls=style, lw=1)
    sns.scatterplot(
        data=plot,
        x="precision",
        y="gap",
        hue="status",
        palette=_palette(lab),
        ax=ax,
        s=30,
        edgecolor="white",
        linewidth=0.5,
    )
    ax.set(title=lab["funnel_title"], xlabel=lab["funnel_xlabel"], ylabel=lab["funnel_ylabel"])
    decimal_axis(ax, lab["decimal"])
    handles, _ = ax.get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    if annotate and "flagged" in d:
        # flagged units get a number next to their point and their name in a key under
        # the plot: long official names next to the points would print over each other
        flagged = d[d["flagged"].fillna(False).astype(bool)].sort_values("gap", ascending=False)
        notes = []
        for i, (_, row) in enumerate(flagged.iterrows(), start=1):
            notes.append(
                ax.annotate(
                    str(i),
                    (1 / row["se"], row["gap"]),
                    fontsize="small",
                    fontweight="bold",
                    xytext=(5, 2),
                    textcoords="offset points",
                )
            )
            name = textwrap.fill(str((names or {}).get(row["unit_id"], row["unit_id"])), 40)
            handles.append(Line2D([], [], linestyle="none", label=f"{i}  {name}"))
        spread_texts(fig, notes)
    legend_below(ax, handles, ncol=2, fontsize="small")
    return fig


def plot_identity(
    data: pd.DataFrame,
    x: str = "mean_citizen",
    y: str = "mean_supervisor",
    *,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Scatter of the two scores per unit against the identity line (equal scores).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit, e.g. :func:`evalkit.compare.flag_units`' table.
    x, y : str
        Columns for the horizontal (default citizens) and vertical (supervisors) axes.
    labels : mapping, optional
        Texts (``identity_title``, ``identity_xlabel``, ``identity_ylabel``,
        ``identity``, ``flagged``, ``not_flagged``, ``not_eligible``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Points above the line are units whose supervisors rate higher than their citizens.
    A cloud parallel to the line but above it is a common offset (agreement in order,
    not in level); a cloud with no slope is low consistency — normal between rating
    sources (methods.md §1).

    Examples
    --------
    >>> fig = plot_identity(result.units)  # doctest: +SKIP
    """
    _need(data, "plot_identity", x, y)
    lab = _labels(labels)
    fig, ax = new_axes(ax, figsize=(5.5, 5.0))
    plot = pd.DataFrame({"x": data[x], "y": data[y], "status": _status(data, lab)})
    lo = float(min(0.0, np.nanmin(plot[["x", "y"]].to_numpy())))
    hi = float(max(100.0, np.nanmax(plot[["x", "y"]].to_numpy())))
    ax.plot([lo, hi], [lo, hi], color="0.4", lw=1, ls="--", label=lab["identity"])
    sns.scatterplot(
        data=plot,
        x="x",
        y="y",
        hue="status",
        palette=_palette(lab),
        ax=ax,
        s=30,
        edgecolor="white",
        linewidth=0.5,
    )
    ax.set(
        xlim=(lo, hi),
        ylim=(lo, hi),
        aspect="equal",
        title=lab["identity_title"],
        xlabel=lab["identity_xlabel"],
        ylabel=lab["identity_ylabel"],
    )
    ax.legend(frameon=False, fontsize="small")
    return fig
