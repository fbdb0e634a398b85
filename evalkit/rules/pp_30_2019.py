"""PP 30/2019, *Penilaian Kinerja PNS* (replaced PP 46/2011 [S25]; historical data).

Quoted from ``reference/regulations.md`` §2 with its source keys; open points are marked
**UNCONFIRMED** and are parameters.

- Nilai kinerja = 70% SKP + 30% perilaku; 60% / 40% where the agency applies 360°
  behaviour assessment (peers at the same level and direct subordinates) [S26]
  (:data:`WEIGHTS`, :func:`pp30_score`).
- Achievement is capped at 120 [S12] (:data:`CAP`).
- Category bands, Pasal 41(5) [S79] (:data:`CATEGORY_BANDS`, :func:`pp30_category`).

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CAP", "CATEGORIES", "CATEGORY_BANDS", "WEIGHTS", "pp30_category", "pp30_score"]

#: Weights (SKP, perilaku): 70/30 by default, 60/40 with 360° behaviour input [S26].
WEIGHTS: dict[str, dict[str, float]] = {
    "default": {"skp": 0.7, "perilaku": 0.3},
    "360": {"skp": 0.6, "perilaku": 0.4},
}

#: Achievement is capped at 120 [S12].
CAP: float = 120.0

#: Category codes, best first.
CATEGORIES: tuple[str, ...] = ("sangat_baik", "baik", "cukup", "kurang", "sangat_kurang")

#: Bands of Pasal 41(5) [S79], as ``(low, high, high_inclusive, category)``, best first;
#: a score belongs to a band when ``low <= x`` and ``x <= high`` (``x < high`` where
#: ``high_inclusive`` is false):
#:
#: - a. Sangat Baik: 110 ≤ x ≤ 120 **and** the employee created a new idea or method that
#:   benefits the organisation (an innovation) [S79];
#: - b. Baik: 90 ≤ x ≤ 120 (so 110–120 without an innovation is Baik) [S79];
#: - c. Cukup: 70 ≤ x < 90 [S79];
#: - d. Kurang: 50 ≤ x < 70 — the text of items d and e was not seen; this follows the
#:   pattern of a–c (lower edge inclusive, upper exclusive). UNCONFIRMED at exactly 50;
#: - e. Sangat Kurang: x < 50 (UNCONFIRMED, as d).
#:
#: An earlier version followed a garbled news text [S27] (Baik 90 < x, Cukup 70 < x ≤ 90)
#: and placed 90 in Cukup and 70 in Kurang: that was wrong.
CATEGORY_BANDS: tuple[tuple[float, float, bool, str], ...] = (
    (110.0, 120.0, True, "sangat_baik"),
    (90.0, 120.0, True, "baik"),
    (70.0, 90.0, False, "cukup"),
    (50.0, 70.0, False, "kurang"),
)


def pp30_score(skp, perilaku, *, three_sixty=False) -> np.ndarray:
    """Nilai kinerja PP 30/2019: 70% SKP + 30% perilaku, or 60/40 with 360° input [S26].

    The SKP achievement is capped at 120 before weighting [S12]; the result is capped
    at 120 too.

    Parameters
    ----------
    skp, perilaku
        SKP achievement and behaviour score (0–120 scale), scalars or array-like.
    three_sixty
        Whether the agency applied 360° behaviour assessment (scalar or array of bool).

    Examples
    --------
    >>> float(pp30_score(130, 100))
    114.0
    >>> float(pp30_score(100, 80, three_sixty=True))
    92.0
    """
    s = np.minimum(np.asarray(skp, dtype=float), CAP)
    p = np.asarray(perilaku, dtype=float)
    t = np.asarray(three_sixty, dtype=bool)
    w_skp = np.where(t, WEIGHTS["360"]["skp"], WEIGHTS["default"]["skp"])
    w_per = np.where(t, WEIGHTS["360"]["perilaku"], WEIGHTS["default"]["perilaku"])
    return np.minimum(w_skp * s + w_per * p, CAP)


def pp30_category(score, innovation=False, *, at_50: str = "kurang") -> np.ndarray:
    """Category of a PP 30/2019 score: ``sangat_baik``, ``baik``, ``cukup``, ``kurang``,
    ``sangat_kurang``.

    Bands of Pasal 41(5) [S79] (:data:`CATEGORY_BANDS`): Sangat Baik 110 ≤ x ≤ 120 with
    an innovation (a new idea or method that benefits the organisation); Baik
    90 ≤ x ≤ 120 (so 110–120 without an innovation is Baik); Cukup 70 ≤ x < 90; Kurang
    50 ≤ x < 70 and Sangat Kurang x < 50 (items d and e not seen in the text: they follow
    the pattern of a–c, UNCONFIRMED at exactly 50). Scores above 120 are read as 120 (the
    cap [S12]).

    Parameters
    ----------
    score
        Scores (scalar or array-like); NaN gives ``None``.
    innovation
        Whether the employee created an innovation (scalar or array of bool).
    at_50
        The category of exactly 50 (UNCONFIRMED): ``"kurang"`` (default, the pattern of
        items a–c: lower edges inclusive) or ``"sangat_kurang"``.

    Returns
    -------
    numpy.ndarray of object

    Examples
    --------
    >>> inn = [True, False, False, False, False, False]
    >>> pp30_category([115, 115, 90, 89.99, 70, 50], innovation=inn).tolist()
    ['sangat_baik', 'baik', 'baik', 'cukup', 'cukup', 'kurang']
    """
    if at_50 not in ("sangat_kurang", "kurang"):
        raise ValueError(f"at_50 must be 'sangat_kurang' or 'kurang', got {at_50!r}")
    x = np.minimum(np.asarray(score, dtype=float), CAP)
    inn = np.asarray(innovation, dtype=bool)
    conditions = [x == 50.0]
    choices = [at_50]
    for i, (low, high, high_inclusive, category) in enumerate(CATEGORY_BANDS):
        inside = (x >= low) & ((x <= high) if high_inclusive else (x < high))
        conditions.append(inside & inn if i == 0 else inside)
        choices.append(category)
    conditions.append(x < 50.0)
    choices.append("sangat_kurang")
    out = np.select(conditions, choices, default=None).astype(object)
    out[np.isnan(np.broadcast_to(x, out.shape))] = None
    return out
