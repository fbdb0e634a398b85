"""Figure of the complaints section: what citizens say about complaint handling against how
complaints are handled, per unit.

The function takes the unit table of :func:`evalkit.complaints.complaint_handling`
(``data=``), draws on ``ax`` if given (else on a new Figure) and returns the Figure.
Texts come from the optional ``labels`` mapping (English defaults; the study passes
Indonesian or English strings). It computes no statistic: the shares, item means and
review flags come from :mod:`evalkit.complaints`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import decimal_axis, legend_below, merge_labels, new_axes, require_columns, spread_texts

__all__ = ["plot_complaints"]

_DEFAULT_LABELS: dict[str, str] = {
    "title": "Complaint handling: citizens' rating and complaints settled on time",
    "xlabel": "Citizens' rating of complaint handling (SKM {item}, 1–4)",
    "ylabel": "Due complaints settled on time",
    "flagged": "to review",
    "other": "other units",
    "high": "rated well by citizens ({high} or more)",
    "half": "half settled on time",
    "decimal": ".",
}

#: Okabe–Ito vermillion for units to review, blue for the others, grey for thresholds.
_ALERT, _INK, _REF = "#D55E00", "#0072B2", "0.35"


def plot_complaints(
    data: pd.DataFrame,
    *,
    high_rating: float | None = None,
    item: str = "u8",
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Per unit, the SKM complaint item's mean against the share of due complaints settled
    within the standard; units flagged for review numbered and named under the plot.

    Parameters
    ----------
    data : DataFrame
        :attr:`evalkit.complaints.ComplaintResult.units` (``unit_id``, ``item_mean``,
        ``share_within``, ``flagged``). Units without both values (too few complaints
        or answers) are left out.
    high_rating : float, optional
        The item mean from which citizens' rating counts as good (a dashed line).
    item : str, default "u8"
        The SKM item, for the axis label.
    names : mapping, optional
        unit_id → name for the key of flagged units.
    labels : mapping, optional
        Texts: ``title``, ``xlabel`` (with ``{item}``), ``ylabel``, ``flagged``,
        ``other``, ``high`` (with ``{high}``), ``half``, ``decimal``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit_id": ["a", "b", "c"], "item_mean": [3.2, 2.9, 3.4],
    ...                   "share_within": [0.3, 0.9, 0.95], "flagged": [True, False, False]})
    >>> fig = plot_complaints(d, high_rating=3.0644)
    """
    require_columns(
        data,
        "plot_complaints",
        ("unit_id", "item_mean", "share_within", "flagged"),
        "evalkit.complaints.complaint_handling",
    )
    text = merge_labels(_DEFAULT_LABELS, labels)
    d = data.dropna(subset=["item_mean", "share_within"])
    flagged = d["flagged"].eq(True).to_numpy(dtype=bool)
    fig, ax = new_axes(ax, figsize=(6.5, 3.4))
    ax.scatter(
        d.loc[~flagged, "item_mean"],
        d.loc[~flagged, "share_within"],
        s=28,
        color=_INK,
        edgecolor="white",
        linewidth=0.5,
    )
    ax.scatter(
        d.loc[flagged, "item_mean"],
        d.loc[flagged, "share_within"],
        s=40,
        color=_ALERT,
        marker="D",
        edgecolor="white",
        linewidth=0.5,
    )
    dec = text["decimal"]
    handles = [
        Line2D([], [], marker="D", linestyle="none", color=_ALERT, label=text["flagged"]),
        Line2D([], [], marker="o", linestyle="none", color=_INK, label=text["other"]),
    ]
    if high_rating is not None and np.isfinite(high_rating):
        ax.axvline(high_rating, color=_REF, linestyle="--", linewidth=1)
        high = f"{high_rating:.2f}".replace(".", dec)
        handles.append(
            Line2D([], [], color=_REF, linestyle="--", label=text["high"].format(high=high))
        )
    ax.axhline(0.5, color=_REF, linestyle=":", linewidth=1)
    handles.append(Line2D([], [], color=_REF, linestyle=":", label=text["half"]))
    notes = []
    rows = d[flagged].sort_values("share_within", kind="stable")
    for i, (_, row) in enumerate(rows.iterrows(), start=1):
        notes.append(
            ax.annotate(
                str(i),
                (row["item_mean"], row["share_within"]),
                xytext=(6, 2),
                textcoords="offset points",
                fontsize="small",
                fontweight="bold",
                color=_ALERT,
            )
        )
        name = textwrap.fill(str((names or {}).get(row["unit_id"], row["unit_id"])), 60)
        handles.append(Line2D([], [], linestyle="none", label=f"{i}  {name}"))
    spread_texts(fig, notes)
    ax.set_ylim(-0.03, 1.05)
    low_x = float(d["item_mean"].min()) if len(d) else 1.0
    high_x = float(d["item_mean"].max()) if len(d) else 4.0
    if high_rating is not None and np.isfinite(high_rating):
        low_x, high_x = min(low_x, high_rating), max(high_x, high_rating)
    pad = max(0.05, 0.08 * (high_x - low_x))
    ax.set_xlim(max(1.0, low_x - pad), min(4.0, high_x + pad))
    ax.set_xlabel(text["xlabel"].format(item=item))
    ax.set_ylabel(text["ylabel"])
    ax.set_title(text["title"])
    ax.grid(color="0.92")
    decimal_axis(ax, dec, axis="x")
    decimal_axis(ax, dec, axis="y", percent=True)
    legend_below(ax, handles, ncol=2, fontsize="small")
    return fig
