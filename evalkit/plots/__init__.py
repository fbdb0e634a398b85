"""Figures of the study: seaborn/matplotlib functions that take tidy data and return a Figure.

One module per analysis area (:mod:`evalkit.plots.scoring`, :mod:`evalkit.plots.impact`,
…). Plot functions take ``data`` plus column names, draw on ``ax=`` when given, return
the Figure, and take their texts from ``labels`` (a mapping; the report passes the
texts of :mod:`evalkit.labels` in its language). They never compute a statistic: the
numbers come from the analysis modules.

The helpers here are shared by those modules and the period study:

:func:`new_axes`         a Figure and Axes in the study's size, or the Figure of a given ``ax``
:func:`figure_png`       a Figure as PNG bytes (static, for offline HTML), closing the Figure
:func:`merge_labels`     a plot function's default texts overridden by the caller's
:func:`require_columns`  a clear error when a plot is handed the wrong table
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DPI", "FIGSIZE", "figure_png", "merge_labels", "new_axes", "require_columns"]

#: Default size (inches) and resolution of the study's figures: readable on a laptop
#: screen and in print, small enough to keep an HTML report below a few megabytes.
FIGSIZE: tuple[float, float] = (7.0, 4.0)
DPI = 100


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """The Figure and Axes to draw on.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Draw here; a new Figure of ``figsize`` with one Axes when None.
    figsize : (float, float)
        Size of a new Figure in inches.

    Returns
    -------
    (Figure, Axes)

    Examples
    --------
    >>> fig, ax = new_axes()
    >>> fig.get_size_inches().tolist()
    [7.0, 4.0]
    """
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    # a Figure that no pyplot state manager holds: nothing to close, thread-safe
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """Render ``fig`` as PNG bytes and close it.

    The PNG carries no software version or date, so the same figure gives the same
    bytes on every run with the same matplotlib.

    Parameters
    ----------
    fig : matplotlib Figure
        The figure (from pyplot or :func:`new_axes`).
    dpi : int, default 100
        Resolution.

    Returns
    -------
    bytes
        The PNG file.

    Examples
    --------
    >>> fig, ax = new_axes()
    >>> figure_png(fig)[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # layout engines warn when a long list of units crowds the axes; the figure is
        # still drawn, and the warning would otherwise reach the report's output
        warnings.filterwarnings("ignore", category=UserWarning, module="matplotlib")
        warnings.filterwarnings("ignore", message=".*layout.*", category=UserWarning)
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(fig, "number", -1)):
        plt.close(fig)
    return buffer.getvalue()


def merge_labels(defaults: Mapping[str, str], labels: Mapping[str, str] | None) -> dict[str, str]:
    """A plot function's texts: its English ``defaults`` overridden by ``labels``.

    >>> merge_labels({"title": "Gap", "x": "units"}, {"title": "Selisih"})
    {'title': 'Selisih', 'x': 'units'}
    """
    return {**defaults, **(labels or {})}


def require_columns(data: pd.DataFrame, func: str, columns: tuple[str, ...], source: str) -> None:
    """Raise a clear error when ``data`` is not a DataFrame with ``columns``.

    ``source`` names the evalkit function whose table the plot expects.

    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), "plot_x", ("a", "b"), "evalkit.f")
    Traceback (most recent call last):
    ...
    ValueError: plot_x: data lacks column(s) ['b']; pass the table of evalkit.f (or name the columns)
    """
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}: data must be a DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"{func}: data lacks column(s) {missing}; pass the table of {source} "
            "(or name the columns)"
        )
