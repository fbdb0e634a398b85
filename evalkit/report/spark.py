"""Sparkline-size charts for the brief: small inline SVG, sharp at any zoom and in print.

Each function returns an ``<svg>`` element (a string) of :data:`WIDTH` × :data:`HEIGHT`
CSS pixels that shows one finding's number at a glance: an estimate with its interval
on a scale, shares that add up to one, a count out of a total, a series over quarters.
They draw numbers the caller has computed; they compute nothing themselves. Colours
are from the Okabe–Ito palette (safe for colour-blind readers).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

__all__ = [
    "HEIGHT",
    "INK",
    "MUTED",
    "WIDTH",
    "spark_effect",
    "spark_fraction",
    "spark_interval",
    "spark_line",
    "spark_shares",
]

WIDTH = 132
HEIGHT = 28
#: Okabe–Ito blue for the value, grey for the scale, vermillion for "look here".
INK = "#0072B2"
MUTED = "#999999"
ALERT = "#D55E00"
_PAD = 4


def _svg(body: str, title: str) -> str:
    return (
        f'<svg class="ek-spark" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>{body}</svg>'
    )


def _x(value: float, low: float, high: float) -> float:
    """Horizontal position of ``value`` on the scale ``low``–``high`` (clipped)."""
    share = (min(max(value, low), high) - low) / (high - low) if high > low else 0.5
    return round(_PAD + share * (WIDTH - 2 * _PAD), 1)


def spark_interval(
    estimate: float,
    low: float | None,
    high: float | None,
    *,
    scale: tuple[float, float],
    reference: float | None = None,
    ticks: Sequence[float] = (),
    title: str = "",
) -> str:
    """An estimate (dot) with its interval (bar) on a scale, a reference line (e.g. 0).

    Parameters
    ----------
    estimate : float
        The point estimate.
    low, high : float or None
        The interval; none drawn when missing.
    scale : (float, float)
        The ends of the axis; values outside are drawn at the ends.
    reference : float, optional
        A vertical line (no effect, no difference).
    ticks : sequence of float
        Short marks on the axis (band thresholds such as 0.5, 0.75, 0.9).
    title : str
        Accessible description (the finding's sentence).

    Returns
    -------
    str
        The ``<svg>`` element.

    Examples
    --------
    >>> svg = spark_interval(0.5, 0.25, 0.75, scale=(0, 1))
    >>> 'cx="66.0"' in svg and 'x1="35.0"' in svg and 'x2="97.0"' in svg
    True
    """
    lo, hi = scale
    mid = HEIGHT / 2
    parts = [
        f'<line x1="{_PAD}" y1="{mid + 6}" x2="{WIDTH - _PAD}" y2="{mid + 6}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    for t in ticks:
        x = _x(t, lo, hi)
        parts.append(
            f'<line x1="{x}" y1="{mid + 3}" x2="{x}" y2="{mid + 9}" stroke="{MUTED}" '
            'stroke-width="1"/>'
        )
    if reference is not None:
        x = _x(reference, lo, hi)
        parts.append(
            f'<line x1="{x}" y1="2" x2="{x}" y2="{HEIGHT - 2}" stroke="#000" '
            'stroke-width="1" stroke-dasharray="2,2"/>'
        )
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        parts.append(
            f'<line x1="{_x(low, lo, hi)}" y1="{mid}" x2="{_x(high, lo, hi)}" y2="{mid}" '
            f'stroke="{INK}" stroke-width="4" stroke-linecap="round" opacity="0.45"/>'
        )
    parts.append(f'<circle cx="{_x(estimate, lo, hi)}" cy="{mid}" r="4" fill="{INK}"/>')
    return _svg("".join(parts), title)


def spark_effect(
    estimate: float, low: float | None, high: float | None, *, reach: float, title: str = ""
) -> str:
    """A difference or effect with its interval on a scale symmetric around a dashed zero
    line, wide enough for the interval (at least ``±reach``, with a margin).

    Examples
    --------
    >>> 'x1="66.0" y1="2"' in spark_effect(2.0, 1.0, 3.0, reach=10)  # zero in the middle
    True
    """
    given = [abs(v) for v in (estimate, low, high) if v is not None and math.isfinite(v)]
    end = max(reach, *(1.1 * v for v in given)) if given else reach
    return spark_interval(estimate, low, high, scale=(-end, end), reference=0.0, title=title)


def spark_shares(
    shares: Sequence[float],
    colours: Sequence[str],
    *,
    highlight: int | None = None,
    title: str = "",
) -> str:
    """Shares that add up to one as a single stacked bar, in the order given.

    Parameters
    ----------
    shares : sequence of float
        Shares (missing or negative drawn as 0).
    colours : sequence of str
        One colour per share.
    highlight : int, optional
        Index of a share outlined in black (the one the finding talks about).
    title : str
        Accessible description.

    Returns
    -------
    str
        The ``<svg>`` element.

    Examples
    --------
    >>> svg = spark_shares([0.25, 0.75], ["#000", "#fff"])
    >>> 'x="4.0" y="6" width="31.0"' in svg and 'x="35.0" y="6" width="93.0"' in svg
    True
    """
    clean = [s if (s is not None and math.isfinite(s) and s > 0) else 0.0 for s in shares]
    total = sum(clean) or 1.0
    span = WIDTH - 2 * _PAD
    x = float(_PAD)
    parts = []
    for i, (s, colour) in enumerate(zip(clean, colours, strict=True)):
        w = round(span * s / total, 1)
        stroke = ' stroke="#000" stroke-width="1.5"' if i == highlight else ""
        parts.append(
            f'<rect x="{round(x, 1)}" y="6" width="{w}" height="{HEIGHT - 12}" '
            f'fill="{colour}"{stroke}/>'
        )
        x += w
    return _svg("".join(parts), title)


def spark_fraction(count: int, total: int, *, title: str = "") -> str:
    """``count`` of ``total`` as a bar filled in the alert colour.

    Examples
    --------
    >>> 'width="31.0"' in spark_fraction(1, 4)
    True
    """
    span = WIDTH - 2 * _PAD
    w = round(span * count / total, 1) if total else 0.0
    body = (
        f'<rect x="{_PAD}" y="8" width="{span}" height="{HEIGHT - 16}" fill="#e5e5e5"/>'
        f'<rect x="{_PAD}" y="8" width="{w}" height="{HEIGHT - 16}" fill="{ALERT}"/>'
    )
    return _svg(body, title)


def spark_line(values: Sequence[float | None], *, title: str = "") -> str:
    """A series (oldest first) as a line, its last point marked; gaps stay gaps.

    The vertical scale is the series' own range (a sparkline shows direction, the
    sentence gives the numbers).

    Examples
    --------
    >>> svg = spark_line([1.0, 2.0, 3.0])
    >>> svg.count("<polyline") == 1 and 'cx="128.0" cy="4.0"' in svg
    True
    """
    given = [v for v in values if v is not None and math.isfinite(v)]
    if not given:
        return _svg("", title)
    lo, hi = min(given), max(given)
    n = len(values)
    step = (WIDTH - 2 * _PAD) / max(n - 1, 1)

    def y(v: float) -> float:
        if hi == lo:
            return HEIGHT / 2
        return round(HEIGHT - _PAD - (v - lo) / (hi - lo) * (HEIGHT - 2 * _PAD), 1)

    runs: list[list[str]] = [[]]
    last = None
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            runs.append([])
            continue
        point = (round(_PAD + i * step, 1), y(v))
        runs[-1].append(f"{point[0]},{point[1]}")
        last = point
    parts = [
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{INK}" stroke-width="2"/>'
        for r in runs
        if len(r) > 1
    ]
    if last is not None:
        parts.append(f'<circle cx="{last[0]}" cy="{last[1]}" r="3" fill="{INK}"/>')
    return _svg("".join(parts), title)
