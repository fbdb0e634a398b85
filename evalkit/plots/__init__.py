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
:func:`decimal_axis`     tick labels with the language's decimal mark (and %)
:func:`legend_below`     a legend under the axes that never covers an axis label
:func:`spread_texts`     move labels apart until none overlaps another
:func:`overlapping_texts` the pairs of visible texts of a figure whose boxes overlap
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

__all__ = [
    "DPI",
    "FIGSIZE",
    "decimal_axis",
    "figure_png",
    "legend_below",
    "merge_labels",
    "new_axes",
    "overlapping_texts",
    "require_columns",
    "spread_texts",
]

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


def decimal_axis(ax: Axes, decimal: str = ".", *, axis: str = "both", percent: bool = False):
    """Write the tick labels of ``axis`` with ``decimal`` as the decimal mark.

    Parameters
    ----------
    ax : matplotlib Axes
    decimal : str, default "."
        ``","`` for Bahasa Indonesia (the label ``decimal`` of each ``plot.*`` group).
    axis : {"x", "y", "both"}
    percent : bool, default False
        Values are shares (0–1) written as percentages (``25%``).

    Examples
    --------
    >>> fig, ax = new_axes()
    >>> decimal_axis(ax, ",", axis="x")
    >>> ax.xaxis.get_major_formatter()(0.5, 0)
    '0,5'
    """
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int) -> str:
        if percent:
            x = 100 * x
        text = f"{x:.10g}" if abs(x) < 1e15 else f"{x:g}"
        if "e" not in text and "." in text:
            text = f"{round(x, 6):.6f}".rstrip("0").rstrip(".")
        text = text.replace("-", "−").replace(".", decimal)
        return text + ("%" if percent else "")

    for name in ("x", "y") if axis == "both" else (axis,):
        getattr(ax, f"{name}axis").set_major_formatter(FuncFormatter(fmt))


def legend_below(ax: Axes, handles: list | None = None, *, ncol: int = 3, **kwargs):
    """A legend under the axes, outside them, below the x-axis label.

    With a constrained layout (:func:`new_axes`) the figure makes room for it, so it
    never covers the axis label or the data.
    """
    fig = ax.figure
    if handles is None:
        handles, _ = ax.get_legend_handles_labels()
    if getattr(fig, "get_layout_engine", lambda: None)() is not None:
        return fig.legend(
            handles=handles, loc="outside lower center", ncol=ncol, frameon=False, **kwargs
        )
    return ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=ncol,
        frameon=False,
        **kwargs,
    )


def _renderer(fig: Figure):
    """The Agg renderer of ``fig`` (a Figure made without pyplot has no canvas of its own)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _boxes(fig: Figure, texts: list) -> list:
    renderer = _renderer(fig)
    return [t.get_window_extent(renderer) for t in texts]


def spread_texts(fig: Figure, texts: list, *, pad: float = 2.0, rounds: int = 200) -> None:
    """Move annotation texts (``textcoords="offset points"``) sideways until none overlaps
    another.

    Texts are taken from left to right; one that overlaps a text already placed moves
    right by the overlap plus ``pad`` points (short labels such as numbers then stand in
    a row next to their cluster of points, and never climb into the title). Texts keep
    their anchors.
    """
    if len(texts) < 2:
        return
    _renderer(fig)
    fig.draw_without_rendering()
    to_points = 72.0 / fig.dpi
    for _ in range(rounds):
        moved = False
        boxes = _boxes(fig, texts)
        order = sorted(range(len(texts)), key=lambda i: (boxes[i].x0, boxes[i].y0))
        placed: list[int] = []
        for i in order:
            for j in placed:
                if boxes[i].overlaps(boxes[j]):
                    shift = (boxes[j].x1 - boxes[i].x0) * to_points + pad
                    x, y = texts[i].xyann
                    texts[i].xyann = (x + shift, y)
                    moved = True
                    break
            placed.append(i)
            if moved:
                break
        if not moved:
            return
        fig.draw_without_rendering()


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """The pairs of visible, non-empty texts of ``fig`` whose boxes overlap.

    Every text counts: titles, axis labels, tick labels, legend entries, annotations
    and figure texts, as the renderer lays them out.

    Returns
    -------
    list of (str, str)
        The overlapping pairs, by their text.

    Examples
    --------
    >>> fig, ax = new_axes()
    >>> _ = ax.text(0.5, 0.5, "satu"); _ = ax.text(0.5, 0.5, "dua")
    >>> overlapping_texts(fig)
    [('satu', 'dua')]
    """
    from matplotlib.text import Text

    renderer = _renderer(fig)
    fig.draw_without_rendering()
    ticks: set[int] = set()
    drawn_ticks = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                for label in (tick.label1, tick.label2):
                    ticks.add(id(label))
                    # matplotlib draws only the ticks within the view, and only shown labels
                    if low - span <= loc <= high + span and tick.get_visible():
                        drawn_ticks.append(label)
            for tick in axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
    texts = [t for t in fig.findobj(Text) if id(t) not in ticks] + drawn_ticks
    drawn = [
        (t, t.get_window_extent(renderer))
        for t in texts
        if t.get_visible() and t.get_text().strip() and t.figure is not None
    ]
    pairs = []
    for i, (a, box_a) in enumerate(drawn):
        for b, box_b in drawn[i + 1 :]:
            if box_a.width and box_b.width and box_a.overlaps(box_b):
                pairs.append((a.get_text(), b.get_text()))
    return pairs
