"""Figures of the training-impact section (:mod:`evalkit.impact`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["EVENT_STUDY_LABELS", "event_study_plot"]

#: Default (English) texts of :func:`event_study_plot`; pass ``labels=`` to override any.
EVENT_STUDY_LABELS: dict[str, str] = {
    "title": "Effect of training by time since training",
    "xlabel": "Periods since training (0 = first period after the training ended)",
    "ylabel": "Effect on the outcome (points)",
    "reference": "reference period (−1)",
    "training": "training ends",
    "callaway_santanna": "Callaway–Sant'Anna (robust)",
    "twfe_event_study": "Event-study regression (TWFE)",
}

_REQUIRED = ("rel_time", "estimate", "ci_low", "ci_high")


def event_study_plot(
    data: pd.DataFrame | Any,
    *,
    methods: list[str] | None = None,
    ax: Axes | None = None,
    labels: dict[str, str] | None = None,
) -> Figure:
    """Event-study plot: effect per period relative to training, with confidence intervals.

    Parameters
    ----------
    data
        :attr:`evalkit.impact.ImpactResult.event_study` (or the result itself): columns
        ``rel_time``, ``estimate``, ``ci_low``, ``ci_high``, and optionally ``method``
        (one series per method, dodged side by side) and ``reference`` (the normalised
        period, drawn as an open marker without interval).
    methods
        Which ``method`` values to draw, in order. Default: all, the robust
        ``callaway_santanna`` first.
    ax
        Axes to draw on; default a new figure.
    labels
        Texts overriding :data:`EVENT_STUDY_LABELS` (keys ``title``, ``xlabel``,
        ``ylabel``, ``reference``, ``training`` and one per method), e.g. the
        Indonesian catalogue of :mod:`evalkit.labels`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure that holds ``ax``.

    Notes
    -----
    A horizontal line marks zero effect and a dashed vertical line at −0.5 the end of
    training; estimates left of it (leads) should be near zero if trends were
    parallel before training.

    Examples
    --------
    >>> from evalkit.plots.impact import event_study_plot
    >>> fig = event_study_plot(result.event_study)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    df = getattr(data, "event_study", data)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"event_study_plot: expected the event_study DataFrame of training_impact(), "
            f"got {type(data).__name__}"
        )
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(
            f"event_study_plot: data lacks column(s) {missing}; pass "
            "training_impact(...).event_study"
        )
    text = {**EVENT_STUDY_LABELS, **(labels or {})}
    df = df.copy()
    if "method" not in df.columns:
        df["method"] = "estimate"
    if "reference" not in df.columns:
        df["reference"] = False
    present = list(pd.unique(df["method"]))
    if methods is None:
        methods = sorted(present, key=lambda m: (m != "callaway_santanna", present.index(m)))
    else:
        unknown = [m for m in methods if m not in present]
        if unknown:
            raise ValueError(f"event_study_plot: no rows for method(s) {unknown}; found {present}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    else:
        fig = ax.figure

    colours = sns.color_palette("colorblind", n_colors=max(len(methods), 1))
    width = 0.12 * (len(methods) - 1)
    for i, (m, colour) in enumerate(zip(methods, colours, strict=False)):
        d = df[df["method"] == m].sort_values("rel_time")
        x = d["rel_time"].to_numpy(float) + (i * 0.12 - width / 2 if len(methods) > 1 else 0.0)
        ref = d["reference"].to_numpy(bool)
        est = d["estimate"].to_numpy(float)
        err = np.vstack([est - d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float) - est])
        ax.errorbar(
            x[~ref],
            est[~ref],
            yerr=err[:, ~ref],
            fmt="o",
            color=colour,
            capsize=3,
            label=text.get(m, m),
        )
        if ref.any():
            ax.plot(x[ref], est[ref], "o", mfc="white", color=colour)
    if df["reference"].any():
        ax.plot([], [], "o", mfc="white", color="grey", label=text["reference"])
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=0.8, label=text["training"])
    ax.set_xticks(np.unique(df["rel_time"].to_numpy(int)))
    ax.set_xlabel(text["xlabel"])
    ax.set_ylabel(text["ylabel"])
    ax.set_title(text["title"])
    from . import decimal_axis, legend_below

    decimal_axis(ax, text.get("decimal", "."), axis="y")
    legend_below(ax, ncol=2, fontsize="small")
    return fig
