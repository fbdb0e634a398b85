"""Figure of the sector section: the main results side by side, one panel per measure.

The function takes a long table of per-sector estimates with intervals (built from the
tables of :mod:`evalkit.sectors`), draws one small panel per measure with the sectors on
a shared axis, and returns the Figure. Texts come from the optional ``labels`` mapping
(English defaults; the study passes Indonesian or English strings). It computes no
statistic.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import decimal_axis, merge_labels, require_columns

__all__ = ["plot_sectors"]

_DEFAULT_LABELS: dict[str, str] = {
    "title": "By sector, with 95% confidence intervals",
    "ikm": "IKM (25–100)",
    "gap": "Supervisor − citizen (points, 0–100)",
    "training": "Training effect (points, 1–5)",
    "decimal": ".",
}

_INK, _REF = "#0072B2", "0.35"


def plot_sectors(
    data: pd.DataFrame,
    *,
    measures: Sequence[str] | None = None,
    zero: Sequence[str] = ("gap", "training"),
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """One panel per measure: each sector's estimate with its interval.

    Parameters
    ----------
    data : DataFrame
        ``measure``, ``sector``, ``estimate``, ``ci_low``, ``ci_high``; rows without an
        estimate (masked sectors) are left out of their panel.
    measures : sequence of str, optional
        The panels, in order (default: the measures in ``data``, in order of appearance);
        each panel's title is the label of its measure.
    zero : sequence of str
        Measures drawn with a line at zero (differences and effects).
    names : mapping, optional
        sector code → display name.
    labels : mapping, optional
        Texts: ``title``, one per measure, ``decimal``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"measure": ["ikm", "ikm", "gap", "gap"],
    ...                   "sector": ["kesehatan", "pendidikan"] * 2,
    ...                   "estimate": [78.0, 80.0, 9.5, 12.0], "ci_low": [76.0, 79.0, 7.0, 10.0],
    ...                   "ci_high": [80.0, 81.0, 12.0, 14.0]})
    >>> fig = plot_sectors(d)
    """
    require_columns(
        data,
        "plot_sectors",
        ("measure", "sector", "estimate", "ci_low", "ci_high"),
        "evalkit.sectors (skm_by_sector, gap_by_sector, …)",
    )
    text = merge_labels(_DEFAULT_LABELS, labels)
    if measures is None:
        measures = list(dict.fromkeys(data["measure"]))
    sectors = list(dict.fromkeys(data["sector"]))
    fig = Figure(figsize=(7.0, 1.3 + 0.4 * max(len(sectors), 1)), dpi=100, layout="constrained")
    axes = fig.subplots(1, max(len(measures), 1), sharey=True, squeeze=False)[0]
    y = {s: i for i, s in enumerate(reversed(sectors))}
    for ax, measure in zip(axes, measures, strict=False):
        d = data[(data["measure"] == measure)].dropna(subset=["estimate"])
        est = d["estimate"].to_numpy(dtype=float)
        low = d["ci_low"].to_numpy(dtype=float)
        high = d["ci_high"].to_numpy(dtype=float)
        err = np.vstack([np.nan_to_num(est - low), np.nan_to_num(high - est)])
        ax.errorbar(
            est, [y[s] for s in d["sector"]], xerr=err, fmt="o", color=_INK, capsize=3, ms=5
        )
        if measure in zero:
            ax.axvline(0, color=_REF, linewidth=0.8)
        ax.set_title(textwrap.fill(text.get(measure, measure), 24), fontsize="medium")
        ax.grid(axis="x", color="0.9")
        ax.margins(x=0.15)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        decimal_axis(ax, text["decimal"], axis="x")
    axes[0].set_yticks(list(y.values()), [str((names or {}).get(s, s)) for s in y])
    axes[0].set_ylim(-0.6, len(sectors) - 0.4)
    fig.suptitle(text["title"])
    return fig
