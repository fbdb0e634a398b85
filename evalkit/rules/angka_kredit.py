"""Credit points (angka kredit) of functional positions and the teachers' PKG conversion.

Quoted from ``reference/regulations.md`` §1 (JF credit conversion) and §4 (PKG) with
their source keys; open points are marked **UNCONFIRMED**.

- PermenPANRB 1/2023 and PerBKN 3/2023: AK = % of the predikat × annual coefficient;
  periodic AK = (months / 12) × % × coefficient [S18] (:data:`AK_PERCENT`,
  :func:`credit_points`).
- PKG (Permendiknas 35/2010, PermenPAN 16/2009): NK = NPKG / max × 100, then a band
  and a share of the annual AK [S37][S38] (:data:`PKG_BANDS`, :func:`pkg_category`).

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "AK_PERCENT",
    "JF_COEFFICIENT",
    "PKG_AK_PERCENT",
    "PKG_BANDS",
    "PKG_MAX_SCORE",
    "credit_points",
    "pkg_category",
]

#: Share of the annual coefficient per predikat, in % [S18] (PermenPANRB 1/2023,
#: PerBKN 3/2023): Sangat Baik 150, Baik 100, Butuh Perbaikan (Cukup) 75, Kurang 50,
#: Sangat Kurang 25.
AK_PERCENT: dict[str, int] = {
    "sangat_baik": 150,
    "baik": 100,
    "butuh_perbaikan": 75,
    "kurang": 50,
    "sangat_kurang": 25,
}

#: Annual coefficient (koefisien per tahun) per functional level.
#:
#: Source: only Ahli Pertama = 12.5 is quoted in regulations.md §1 [S18]. The other
#: values are the package's recollection of the PermenPANRB 1/2023 annex and are
#: **UNCONFIRMED**; pass the coefficient explicitly where it matters.
JF_COEFFICIENT: dict[str, float] = {
    "pemula": 3.75,  # UNCONFIRMED
    "terampil": 5.0,  # UNCONFIRMED
    "mahir": 12.5,  # UNCONFIRMED
    "penyelia": 25.0,  # UNCONFIRMED
    "ahli_pertama": 12.5,  # [S18]
    "ahli_muda": 25.0,  # UNCONFIRMED
    "ahli_madya": 37.5,  # UNCONFIRMED
    "ahli_utama": 50.0,  # UNCONFIRMED
}

#: Maximum NPKG: 14 competencies × 4 for classroom teachers (56), 17 × 4 for guidance
#: and counselling (BK) teachers (68) [S37].
PKG_MAX_SCORE: dict[str, int] = {"guru_kelas": 56, "guru_bk": 68}

#: PKG conversion [S38]: ``(lowest NK, category)``, best first — 91–100 Amat Baik,
#: 76–90 Baik, 61–75 Cukup, 51–60 Sedang, ≤ 50 Kurang. The bands are written in whole
#: numbers while NK is a decimal (e.g. 50/56 × 100 = 89.29); the package reads them as
#: half-open intervals (90, 100], (75, 90], (60, 75], (50, 60], [0, 50] (UNCONFIRMED).
PKG_BANDS: tuple[tuple[float, str], ...] = (
    (90.0, "amat_baik"),
    (75.0, "baik"),
    (60.0, "cukup"),
    (50.0, "sedang"),
)

#: Share of the annual angka kredit per PKG category, in % [S38].
PKG_AK_PERCENT: dict[str, int] = {
    "amat_baik": 125,
    "baik": 100,
    "cukup": 75,
    "sedang": 50,
    "kurang": 25,
}


def credit_points(predikat, coefficient, months=12) -> np.ndarray:
    """Angka kredit = (months / 12) × % of the predikat × annual coefficient [S18].

    Parameters
    ----------
    predikat
        Employee predikat codes (``sangat_baik`` … ``sangat_kurang``); missing gives NaN.
    coefficient
        Annual coefficient of the functional level (e.g. 12.5 for Ahli Pertama).
    months
        Months covered (1–12).

    Returns
    -------
    numpy.ndarray of float
        Unrounded (BKN shows 2 decimals); 0-dimensional for scalar input.

    Examples
    --------
    >>> float(credit_points("sangat_baik", 12.5))
    18.75
    >>> round(float(credit_points("baik", 12.5, months=2)), 2)
    2.08
    """
    p = np.asarray(predikat, dtype=object)
    flat = pd.Series(p.ravel(), dtype=object)
    unknown = flat.notna() & ~flat.isin(list(AK_PERCENT))
    if unknown.any():
        raise ValueError(
            f"predikat must be one of {', '.join(AK_PERCENT)}; found {sorted(set(flat[unknown]))}"
        )
    m = np.asarray(months, dtype=float)
    if np.any((m < 0) | (m > 12)):
        raise ValueError(f"months must be between 0 and 12, got {months!r}")
    pct = flat.map(AK_PERCENT).astype(float).to_numpy().reshape(p.shape)
    return m / 12.0 * pct / 100.0 * np.asarray(coefficient, dtype=float)


def pkg_category(nk) -> np.ndarray:
    """PKG category of a teacher's NK (0–100) [S38]: ``amat_baik``, ``baik``, ``cukup``,
    ``sedang``, ``kurang`` (half-open bands, see :data:`PKG_BANDS`).

    Examples
    --------
    >>> pkg_category([91, 90, 76, 75, 61, 60, 51, 50]).tolist()
    ['amat_baik', 'baik', 'baik', 'cukup', 'cukup', 'sedang', 'sedang', 'kurang']
    """
    x = np.asarray(nk, dtype=float)
    conditions = [x > b for b, _ in PKG_BANDS] + [x <= PKG_BANDS[-1][0]]
    out = np.select(conditions, [c for _, c in PKG_BANDS] + ["kurang"], default=None)
    out = out.astype(object)
    out[np.isnan(x)] = None
    return out
