"""PP 46/2011 with Perka BKN 1/2013: *Penilaian Prestasi Kerja PNS* (historical data).

Annual scheme used until the first half of 2021. Quoted from ``reference/regulations.md``
§2 with its source keys; what the sources leave open is marked **UNCONFIRMED** and is a
parameter.

- SKP aspects per activity: kuantitas, kualitas, waktu and (where set) biaya [S20];
  kuantitas = RO/TO×100, kualitas = RK/TK×100 [S23]; waktu and biaya with the 1.76 rule
  (:func:`waktu_score`).
- Score of an activity = mean of its aspect scores; SKP = mean over activities
  (bonus points for tugas tambahan and kreativitas: UNCONFIRMED, not applied).
- Prestasi kerja = 60% SKP + 40% perilaku [S19][S20] (:data:`WEIGHTS`).
- Category bands (:data:`CATEGORY_BANDS`, :func:`pp46_category`).

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CATEGORIES",
    "CATEGORY_BANDS",
    "WEIGHTS",
    "biaya_score",
    "kualitas_score",
    "kuantitas_score",
    "pp46_category",
    "pp46_score",
    "skp_score",
    "waktu_score",
]

#: Weights of prestasi kerja: 60% SKP, 40% perilaku kerja [S19][S20].
WEIGHTS: dict[str, float] = {"skp": 0.6, "perilaku": 0.4}

#: Category codes, best first.
CATEGORIES: tuple[str, ...] = ("sangat_baik", "baik", "cukup", "kurang", "buruk")

#: Category bands on the final score, as ``(upper bound of the band below, category)``:
#: a score above the bound belongs to the category.
#:
#: Source: regulations.md §2: 76–90 Baik; 61–75 Cukup; 51–60 Kurang; ≤ 50 Buruk
#: [S21, app code; S]. The top band ≥ 91 Sangat Baik is inferred from the older DP3
#: cut-offs [S22]; the exact PP wording is **UNCONFIRMED**. The bands are written in
#: whole numbers; a decimal between two bands (e.g. 90.5) is **UNCONFIRMED** —
#: :func:`pp46_category` takes ``rounding`` for it.
CATEGORY_BANDS: tuple[tuple[float, str], ...] = (
    (90.0, "sangat_baik"),
    (75.0, "baik"),
    (60.0, "cukup"),
    (50.0, "kurang"),
)


def _ratio(realised, target) -> np.ndarray:
    r = np.asarray(realised, dtype=float)
    t = np.asarray(target, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(t > 0, r / t * 100.0, np.nan)


def kuantitas_score(ro, to) -> np.ndarray:
    """Kuantitas = RO / TO × 100 (realised over target output) [S23].

    Examples
    --------
    >>> float(kuantitas_score(9, 10))
    90.0
    """
    return _ratio(ro, to)


def kualitas_score(rk, tk=100.0) -> np.ndarray:
    """Kualitas = RK / TK × 100 (realised over target quality, TK usually 100) [S23].

    Quality criteria for RK [S20][S24]: 91–100 no errors; 76–90 one or two minor errors;
    61–75 three or four minor; 51–60 five minor and a major one; ≤ 50 more.

    Examples
    --------
    >>> float(kualitas_score(85))
    85.0
    """
    return _ratio(rk, tk)


def waktu_score(rw, tw) -> np.ndarray:
    """Waktu score with the 1.76 rule [S23].

    With efficiency ``e = 100 − RW/TW × 100`` (in %):

    - ``e ≤ 24``: ``((1.76 × TW − RW) / TW) × 100`` [S23];
    - ``e > 24``: ``76 − ((((1.76 × TW − RW) / TW) × 100) − 100)`` — **UNCONFIRMED**
      (regulations.md §2); algebraically this equals ``RW / TW × 100``, so finishing much
      faster than planned scores lower.

    Finishing exactly on time (RW = TW) scores 76; RW = 0.76 TW scores 100.

    Parameters
    ----------
    rw, tw
        Realised and target time (same unit, e.g. months); TW must be positive.

    Returns
    -------
    numpy.ndarray
        Scores; NaN where TW is not positive or a value is missing.

    Examples
    --------
    >>> waktu_score([12, 10, 6], 12).round(2).tolist()
    [76.0, 92.67, 50.0]
    """
    r = np.asarray(rw, dtype=float)
    t = np.asarray(tw, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        efficiency = 100.0 - r / t * 100.0
        base = (1.76 * t - r) / t * 100.0
        # 1e-9: an efficiency of exactly 24% (RW = 0.76 TW) stays in the first branch
        # despite floating-point error (the rule is discontinuous there: 100 vs 76)
        out = np.where(efficiency <= 24.0 + 1e-9, base, 76.0 - (base - 100.0))
    return np.where(t > 0, out, np.nan)


def biaya_score(rb, tb) -> np.ndarray:
    """Biaya (cost) score: the waktu pattern with TB/RB [S23].

    Efficiency ``e = 100 − RB/TB × 100``; ``e ≤ 24``: ``((1.76 × TB − RB) / TB) × 100``;
    ``e > 24``: ``76 − (((1.76 × TB − RB) / TB × 100) − 100)`` (UNCONFIRMED, as for waktu).

    Examples
    --------
    >>> float(biaya_score(1_000_000, 1_000_000))
    76.0
    """
    return waktu_score(rb, tb)


def skp_score(kuantitas, kualitas, waktu, biaya=None) -> np.ndarray:
    """Score of one SKP activity: the mean of its aspect scores [S23].

    Aspects given as NaN (e.g. no biaya target) are not counted: the divisor is the
    number of aspects present, as in the source ("sum of aspect scores ÷ number of
    aspects"). The SKP score of a year is the mean over activities (take ``.mean()`` of
    the result); the bonus for tugas tambahan and kreativitas is UNCONFIRMED and not
    applied.

    Examples
    --------
    >>> float(skp_score(100, 90, 76))
    88.66666666666667
    >>> float(skp_score(100, 90, 76, float("nan")))
    88.66666666666667
    """
    parts = [kuantitas, kualitas, waktu] + ([] if biaya is None else [biaya])
    stacked = np.stack(np.broadcast_arrays(*[np.asarray(p, dtype=float) for p in parts]))
    n = np.sum(~np.isnan(stacked), axis=0)
    total = np.nansum(stacked, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / n, np.nan)


def pp46_score(skp, perilaku, *, weights: dict[str, float] | None = None) -> np.ndarray:
    """Nilai prestasi kerja = 60% SKP + 40% perilaku kerja [S19][S20].

    Examples
    --------
    >>> float(pp46_score(80, 90))
    84.0
    """
    w = WEIGHTS if weights is None else weights
    return w["skp"] * np.asarray(skp, dtype=float) + w["perilaku"] * np.asarray(
        perilaku, dtype=float
    )


def pp46_category(score, *, rounding: str = "none") -> np.ndarray:
    """Category of a PP 46/2011 score: ``sangat_baik``, ``baik``, ``cukup``, ``kurang``,
    ``buruk``.

    Bands (regulations.md §2 [S21][S22]): ≥ 91 Sangat Baik (inferred, UNCONFIRMED);
    76–90 Baik; 61–75 Cukup; 51–60 Kurang; ≤ 50 Buruk.

    Parameters
    ----------
    score
        Final scores (scalar or array-like); NaN gives ``None``.
    rounding
        How a decimal between two whole-number bands is placed (UNCONFIRMED):
        ``"none"`` (default) reads the bands as half-open intervals (90, 100],
        (75, 90], (60, 75], (50, 60], [0, 50], so 90.5 is ``sangat_baik`` and 75.2 is
        ``baik``; ``"half_up"`` first rounds to a whole number (90.4 → 90 → ``baik``).

    Returns
    -------
    numpy.ndarray of object

    Examples
    --------
    >>> pp46_category([91, 90, 76, 75, 61, 60, 51, 50]).tolist()
    ['sangat_baik', 'baik', 'baik', 'cukup', 'cukup', 'kurang', 'kurang', 'buruk']
    >>> pp46_category([90.4, 90.5], rounding="half_up").tolist()
    ['baik', 'sangat_baik']
    """
    x = np.asarray(score, dtype=float)
    if rounding == "half_up":
        x = np.floor(x + 0.5)
    elif rounding != "none":
        raise ValueError(f"rounding must be 'none' or 'half_up', got {rounding!r}")
    conditions = [x > b for b, _ in CATEGORY_BANDS] + [x <= CATEGORY_BANDS[-1][0]]
    out = np.select(conditions, [c for _, c in CATEGORY_BANDS] + ["buruk"], default=None)
    out = out.astype(object)
    out[np.isnan(x)] = None
    return out
