"""Figure of the competence section: how far behaviour and results agree, per sector.

The function takes the correlation table of
:func:`evalkit.competence.behaviour_results_agreement` (``data=``), draws on ``ax`` if
given (else on a new Figure) and returns the Figure. Texts come from the optional
``labels`` mapping (English defaults; the study passes Indonesian or English strings).
It computes no statistic: estimates, intervals and the ceiling come from evalkit.competence.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import decimal_axis, legend_below, merge_labels, new_axes, require_columns

__all__ = ["plot_correlations"]

_DEFAULT_LABELS: dict[str, str] = {
    "title": "Behaviour score against results score",
    "xlabel": "Rank correlation (95% confidence interval)",
    "all": "All employees",
    "ceiling": "highest correlation the ratings' reliability allows ({ceiling})",
    "decimal": ".",
}

#: Okabe–Ito blue (a value with its interval) and grey (a reference line).
_INK, _REF = "#0072B2", "0.35"


def plot_correlations(
    data: pd.DataFrame,
    *,
    ceiling: float | None = None,
    names: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    ax=None,
) -> Figure:
    """Rank correlation of two scores with its interval, the regency first, then per group.

    Parameters
    ----------
    data : DataFrame
        Rows of :attr:`evalkit.competence.AgreementResult.correlation`: ``level``
        (``regency`` first), ``group``, ``estimate``, ``ci_low``, ``ci_high``. Rows
        without an estimate (masked small groups) are left out.
    ceiling : float, optional
        The largest correlation the measures' reliability allows; a dashed line.
    names : mapping, optional
        group → display name (sector labels).
    labels : mapping, optional
        Texts: ``title``, ``xlabel``, ``all`` (the regency row), ``ceiling`` (with
        ``{ceiling}``), ``decimal``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"level": ["regency", "sector"], "group": ["all", "kesehatan"],
    ...                   "estimate": [0.5, 0.4], "ci_low": [0.45, 0.3],
    ...                   "ci_high": [0.55, 0.5]})
    >>> fig = plot_correlations(d, ceiling=0.72)
    """
    require_columns(
        data,
        "plot_correlations",
        ("level", "group", "estimate", "ci_low", "ci_high"),
        "evalkit.competence.behaviour_results_agreement",
    )
    text = merge_labels(_DEFAULT_LABELS, labels)
    d = data.dropna(subset=["estimate"])
    d = pd.concat([d[d["level"] == "regency"], d[d["level"] != "regency"]])
    ticks = [
        text["all"] if level == "regency" else str((names or {}).get(group, group))
        for level, group in zip(d["level"], d["group"], strict=True)
    ]
    fig, ax = new_axes(ax, figsize=(6.5, 1.5 + 0.38 * max(len(d), 1)))
    y = np.arange(len(d))[::-1]
    est = d["estimate"].to_numpy(dtype=float)
    err = np.vstack([est - d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float) - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color=_INK, capsize=3, markersize=6)
    ax.set_yticks(y, ticks)
    if len(d):
        ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(-0.7, len(d) - 0.3)
    high = max(1.0, float(np.nanmax(d["ci_high"])) if len(d) else 1.0)
    low = min(0.0, float(np.nanmin(d["ci_low"])) if len(d) else 0.0)
    ax.set_xlim(low - 0.02, high + 0.02)
    ax.axvline(0, color=_REF, linewidth=0.8)
    handles = []
    if ceiling is not None and np.isfinite(ceiling):
        ax.axvline(ceiling, color=_REF, linestyle="--", linewidth=1)
        shown = f"{ceiling:.2f}".replace(".", text["decimal"])
        handles.append(
            Line2D([], [], color=_REF, linestyle="--", label=text["ceiling"].format(ceiling=shown))
        )
    ax.set_xlabel(text["xlabel"])
    ax.set_title(text["title"])
    ax.grid(axis="x", color="0.9")
    decimal_axis(ax, text["decimal"], axis="x")
    if handles:
        legend_below(ax, handles, ncol=1)
    return fig
