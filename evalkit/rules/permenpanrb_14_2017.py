"""PermenPANRB 14/2017, *Survei Kepuasan Masyarakat* (SKM): the rules as data.

Quoted from ``reference/regulations.md`` §3 with its source keys; open points are
marked **UNCONFIRMED** and are parameters.

- Nine unsur, keyed by code ``u1`` … ``u9``, never by questionnaire position: sources
  disagree on whether the 8th is penanganan pengaduan [S29] or sarana [S30][S31]
  (:data:`UNSUR`).
- Answers 1–4 [S31].
- NRR per unsur = sum of the answers ÷ number of filled answers; weight = 1/9 exactly;
  IKM = Σ NRR × 1/9 (1–4); converted IKM = IKM × 25 (25–100) [S30][S32]
  (:data:`WEIGHT`, :data:`CONVERSION`).
- Interval table → mutu A–D and kinerja unit [S33][S30] (:data:`MUTU_TABLE`,
  :func:`skm_mutu`).
- Sample size: Krejcie & Morgan [S34][S35] (:func:`krejcie_morgan`).

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = [
    "CONVERSION",
    "KINERJA",
    "MUTU_TABLE",
    "UNSUR",
    "WEIGHT",
    "krejcie_morgan",
    "skm_kinerja",
    "skm_mutu",
]

#: The nine unsur, keyed by item code. The sources disagree on the order of the last two:
#:
#: - ``u8`` penanganan pengaduan, saran dan masukan, ``u9`` sarana dan prasarana: the
#:   order of the regulation's annex as summarised by [S29] and regulations.md §3
#:   (the annex itself not seen: UNCONFIRMED);
#: - ``u8`` sarana dan prasarana, ``u9`` penanganan pengaduan: the worked example of
#:   [S30] (its table "U8 Sarana … U9 Pengaduan") and some agency questionnaires [S31].
#:
#: evalkit keys every unsur by its code with the meaning below (u1 … u7 agree in all
#: sources). A questionnaire whose 8th question is about facilities must be mapped by
#: the question's content, not its position: its 8th answer goes to ``u9``. The index
#: weights all nine equally (:data:`WEIGHT`), so the IKM does not depend on the order;
#: only a per-unsur table or a comparison that selects items would.
UNSUR: dict[str, str] = {
    "u1": "persyaratan",
    "u2": "sistem_mekanisme_prosedur",
    "u3": "waktu_penyelesaian",
    "u4": "biaya_tarif",
    "u5": "produk_spesifikasi",
    "u6": "kompetensi_pelaksana",
    "u7": "perilaku_pelaksana",
    "u8": "penanganan_pengaduan",
    "u9": "sarana_prasarana",
}

#: Weight of each unsur: exactly 1 / number of unsur = 1/9 [S30][S32]. Not 0.11: one
#: public implementation multiplied by 0.11 and got 90.56 instead of 91.48 for the same
#: data [S30]. Whether the regulation's own example rounds the weight: UNCONFIRMED.
WEIGHT: Fraction = Fraction(1, len(UNSUR))

#: IKM (1–4) × 25 = converted IKM (25–100) [S30][S32].
CONVERSION: int = 25

#: Interval table [S33][S30] as ``(lowest converted IKM, mutu, kinerja unit)``, best first.
#:
#: =============  ==============  ================  ====  ===========
#: nilai persepsi  NI (IKM, 1–4)   NIK (converted)   mutu  kinerja
#: =============  ==============  ================  ====  ===========
#: 1              1.00 – 2.5996   25.00 – 64.99     D     Tidak Baik
#: 2              2.60 – 3.064    65.00 – 76.60     C     Kurang Baik
#: 3              3.0644 – 3.532  76.61 – 88.30     B     Baik
#: 4              3.5324 – 4.00   88.31 – 100.00    A     Sangat Baik
#: =============  ==============  ================  ====  ===========
#:
#: The published bands have gaps (e.g. 76.605); the package applies them as thresholds on
#: the converted value rounded to 2 decimals (≥ 88.31 A, ≥ 76.61 B, ≥ 65.00 C, else D).
#: The rounding convention is UNCONFIRMED. One agency copy has the typo "76.66" [S33].
MUTU_TABLE: tuple[tuple[float, str, str], ...] = (
    (88.31, "A", "sangat_baik"),
    (76.61, "B", "baik"),
    (65.00, "C", "kurang_baik"),
    (25.00, "D", "tidak_baik"),
)

#: Mutu → kinerja unit pelayanan code [S33].
KINERJA: dict[str, str] = {mutu: kinerja for _, mutu, kinerja in MUTU_TABLE}


def _round_half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    # the 1e-9 guard makes 88.305 (stored as 88.30499999…) round up, as on paper
    f = 10.0**decimals
    return np.floor(x * f + 0.5 + 1e-9) / f


def skm_mutu(converted, *, decimals: int | None = 2) -> np.ndarray:
    """Mutu pelayanan (``A``–``D``) of a converted IKM (25–100) [S33][S30].

    Thresholds on the converted value: ≥ 88.31 → A, ≥ 76.61 → B, ≥ 65.00 → C, else D.

    Parameters
    ----------
    converted
        Converted IKM values (scalar or array-like); NaN gives ``None``.
    decimals
        The value is first rounded half up to this many decimals (default 2, the
        precision of the published table; UNCONFIRMED which rounding the regulation
        intends). ``None`` compares the unrounded value.

    Returns
    -------
    numpy.ndarray of object
        ``"A"``, ``"B"``, ``"C"``, ``"D"`` or ``None``.

    Examples
    --------
    >>> skm_mutu([91.48, 88.305, 88.3, 76.61, 76.6, 65.0, 64.99]).tolist()
    ['A', 'A', 'B', 'B', 'C', 'C', 'D']
    """
    x = np.asarray(converted, dtype=float)
    if decimals is not None:
        x = _round_half_up(x, decimals)
    conditions = [x >= low for low, _, _ in MUTU_TABLE[:-1]] + [x < MUTU_TABLE[-2][0]]
    out = np.select(conditions, [m for _, m, _ in MUTU_TABLE], default=None).astype(object)
    out[np.isnan(x)] = None
    return out


def skm_kinerja(mutu) -> np.ndarray:
    """Kinerja unit pelayanan code of a mutu letter: A ``sangat_baik``, B ``baik``,
    C ``kurang_baik``, D ``tidak_baik`` [S33].

    Examples
    --------
    >>> skm_kinerja(["A", "D", None]).tolist()
    ['sangat_baik', 'tidak_baik', None]
    """
    m = np.asarray(mutu, dtype=object)
    return np.vectorize(lambda v: KINERJA.get(v) if isinstance(v, str) else None, otypes=[object])(
        m
    )


def krejcie_morgan(population, *, chi2: float = 3.841, p: float = 0.5, d: float = 0.05):
    """Required sample size of Krejcie & Morgan (1970), referred to by the regulation [S34].

    ``S = χ² N P(1 − P) / (d² (N − 1) + χ² P(1 − P))`` with χ² = 3.841, P = 0.5,
    d = 0.05 [S35]; rounded to the nearest whole number (half up), which reproduces
    the published table (Krejcie & Morgan 1970, *Educ Psychol Meas* 30:607–610):
    N = 100 → 80, 1,000 → 278, 1,000,000 → 384.

    Parameters
    ----------
    population
        Population size N (scalar or array-like, ≥ 0); NaN gives NaN.
    chi2, p, d
        χ² for 1 df at the confidence level, the assumed proportion, the margin of error.

    Returns
    -------
    numpy.ndarray of float (whole numbers), or a float for a scalar.

    Examples
    --------
    >>> krejcie_morgan([10, 100, 1_000, 1_000_000]).tolist()
    [10.0, 80.0, 278.0, 384.0]
    """
    n = np.asarray(population, dtype=float)
    if np.any(n[~np.isnan(n)] < 0):
        raise ValueError("population must be a count of people (≥ 0)")
    pq = p * (1.0 - p)
    with np.errstate(invalid="ignore"):
        s = chi2 * n * pq / (d**2 * (n - 1.0) + chi2 * pq)
    s = np.floor(s + 0.5)
    return float(s) if s.ndim == 0 else s
