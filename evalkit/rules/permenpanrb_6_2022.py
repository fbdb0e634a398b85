"""PermenPANRB 6/2022, *Pengelolaan Kinerja Pegawai ASN*: the rules as data.

Every table below is a literal quoted from ``reference/regulations.md`` §1 with its
source keys (``[Sn]``, listed at the end of that file). Where the sources leave a rule
open, the table or function says **UNCONFIRMED** and the package's choice is a
parameter, never a hidden constant.

Contents
--------
EXPECTATIONS
    The three rating levels of hasil kerja and perilaku kerja.
PREDIKAT, ORG_PREDIKAT
    Employee and organisational predikat codes.
PREDIKAT_MATRIX
    The 3×3 matrix (hasil × perilaku → predikat) [S5][S6][S7].
HASIL_BANDS, PERILAKU_BANDS
    The package's default bands (the regulation sets none): achievement of one result
    → expectation level; mean BerAKHLAK score → perilaku level.
DISTRIBUTION_PATTERN
    The *pola distribusi* of employee predikat per organisational predikat [S8].
predikat_of, hasil_from_counts, band
    Small vectorised functions applying the tables.

This module imports nothing of the rest of evalkit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DISTRIBUTION_PATTERN",
    "DistributionRule",
    "EXPECTATIONS",
    "HASIL_BANDS",
    "ORG_PREDIKAT",
    "PERILAKU_BANDS",
    "PREDIKAT",
    "PREDIKAT_MATRIX",
    "band",
    "hasil_from_counts",
    "predikat_of",
]

#: Rating levels of hasil kerja and of perilaku kerja, best first [S5].
EXPECTATIONS: tuple[str, ...] = ("di_atas", "sesuai", "di_bawah")

#: Employee predikat kinerja, best first [S6][S7].
PREDIKAT: tuple[str, ...] = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")

#: Organisational predikat kinerja, best first [S8][S9]. "Butuh Perbaikan" is also
#: written "Cukup" in some sources.
ORG_PREDIKAT: tuple[str, ...] = ("istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")

#: Predikat kinerja pegawai: ``(hasil, perilaku) -> predikat``.
#:
#: Source: regulations.md §1, "Predikat kinerja pegawai (3×3)" — identical in at least
#: five independent public implementations [S6][S7]; the regulation page itself was not
#: seen [S]. "Kurang/Misconduct" is coded ``kurang``.
#:
#: ============  ===============  ===============  ===============
#: hasil \\ per   di_bawah         sesuai           di_atas
#: ============  ===============  ===============  ===============
#: di_atas       kurang           baik             sangat_baik
#: sesuai        kurang           baik             baik
#: di_bawah      sangat_kurang    butuh_perbaikan  butuh_perbaikan
#: ============  ===============  ===============  ===============
PREDIKAT_MATRIX: dict[tuple[str, str], str] = {
    ("di_atas", "di_bawah"): "kurang",
    ("di_atas", "sesuai"): "baik",
    ("di_atas", "di_atas"): "sangat_baik",
    ("sesuai", "di_bawah"): "kurang",
    ("sesuai", "sesuai"): "baik",
    ("sesuai", "di_atas"): "baik",
    ("di_bawah", "di_bawah"): "sangat_kurang",
    ("di_bawah", "sesuai"): "butuh_perbaikan",
    ("di_bawah", "di_atas"): "butuh_perbaikan",
}

#: Achievement of one result (realisation against target, in %) → expectation level,
#: as ``(lower bound inclusive, level)``, checked top down; below the last bound the
#: level is ``di_bawah``.
#:
#: **The package's choice; the regulation sets no numeric bands** (regulations.md §1
#: describes the levels only in words [S5]). The cut-offs mirror the lower edges of the
#: PP 30/2019 bands of Pasal 41(5) (Sangat Baik from 110, Baik from 90, both inclusive
#: [S79]): a result at least 10% above its target (≥ 110) is above expectation, one at
#: most 10% below its target (≥ 90) or better meets it.
HASIL_BANDS: tuple[tuple[float, str], ...] = ((110.0, "di_atas"), (90.0, "sesuai"))

#: Mean BerAKHLAK score (1–5) → perilaku level, as ``(lower bound inclusive, level)``.
#:
#: **UNCONFIRMED: the decision rule of rating perilaku is not in the sources**
#: (regulations.md §1: "Rating perilaku uses the same 3 labels; its exact decision
#: rule: UNCONFIRMED"). The package's choice: a mean of at least 4.5 (most values rated
#: 5) is above expectation, at least 3.0 (the scale's middle) meets it.
PERILAKU_BANDS: tuple[tuple[float, str], ...] = ((4.5, "di_atas"), (3.0, "sesuai"))


@dataclass(frozen=True)
class DistributionRule:
    """One rule of the distribution pattern.

    Attributes
    ----------
    code
        Identifier reported when the rule is violated, e.g. ``"sangat_baik_above_max"``.
    predikat
        Employee predikat whose combined count the rule constrains.
    kind
        ``"max"`` (share at most ``percent``), ``"min"`` (share at least ``percent``),
        ``"majority"`` (the largest group: see ``check_distribution``'s ``majority``),
        ``"exists"`` (at least one employee), ``"none"`` (no employee).
    percent
        The share in whole percent for ``"max"`` and ``"min"``, else ``None``.
    """

    code: str
    predikat: tuple[str, ...]
    kind: str
    percent: int | None = None


def _r(code: str, predikat: str | tuple[str, ...], kind: str, percent: int | None = None):
    p = (predikat,) if isinstance(predikat, str) else predikat
    return DistributionRule(code, p, kind, percent)


#: Pola distribusi: the rules for the employee predikat in a unit, per organisational
#: predikat.
#:
#: Source: regulations.md §1, "Kurva/pola distribusi" [S8] (a secondary article quoting a
#: MenPANRB circular) [S]. The pattern is a consideration ("pertimbangan") for the leader
#: [S9], so violations are warnings that need a justification, not blocks (UNCONFIRMED
#: whether e-Kinerja blocks). "Must exist" = at least one employee in butuh_perbaikan
#: and/or kurang. Count rounding and small units: UNCONFIRMED (parameters of
#: ``evalkit.scoring.check_distribution``). Illustrative percentages shipped by some
#: apps (e.g. "Sangat Baik 55–60%") are not regulatory and are ignored [S11].
#:
#: ===============  ==========================================================
#: org predikat     rules
#: ===============  ==========================================================
#: istimewa         sangat_baik majority, max 70%
#: baik             baik majority, max 70%; butuh_perbaikan or kurang must exist
#: butuh_perbaikan  sangat_baik max 10%; butuh_perbaikan min 60%
#: kurang           sangat_baik max 10%; butuh_perbaikan min 10%; kurang min 60%
#: sangat_kurang    no sangat_baik; kurang + butuh_perbaikan min 10%;
#:                  sangat_kurang min 60%
#: ===============  ==========================================================
DISTRIBUTION_PATTERN: dict[str, tuple[DistributionRule, ...]] = {
    "istimewa": (
        _r("sangat_baik_not_majority", "sangat_baik", "majority"),
        _r("sangat_baik_above_max", "sangat_baik", "max", 70),
    ),
    "baik": (
        _r("baik_not_majority", "baik", "majority"),
        _r("baik_above_max", "baik", "max", 70),
        _r("butuh_perbaikan_or_kurang_missing", ("butuh_perbaikan", "kurang"), "exists"),
    ),
    "butuh_perbaikan": (
        _r("sangat_baik_above_max", "sangat_baik", "max", 10),
        _r("butuh_perbaikan_below_min", "butuh_perbaikan", "min", 60),
    ),
    "kurang": (
        _r("sangat_baik_above_max", "sangat_baik", "max", 10),
        _r("butuh_perbaikan_below_min", "butuh_perbaikan", "min", 10),
        _r("kurang_below_min", "kurang", "min", 60),
    ),
    "sangat_kurang": (
        _r("sangat_baik_present", "sangat_baik", "none"),
        _r("kurang_or_butuh_perbaikan_below_min", ("kurang", "butuh_perbaikan"), "min", 10),
        _r("sangat_kurang_below_min", "sangat_kurang", "min", 60),
    ),
}


def band(values, bands: tuple[tuple[float, str], ...], below: str = "di_bawah") -> np.ndarray:
    """Map numbers to levels by lower bounds (inclusive), checked top down.

    Parameters
    ----------
    values
        Numbers (scalar or array-like); NaN stays missing (``None``).
    bands
        ``((bound, level), ...)`` with decreasing bounds, e.g. :data:`HASIL_BANDS`.
    below
        The level below the last bound.

    Returns
    -------
    numpy.ndarray of object
        Levels, ``None`` where the value is missing.

    Examples
    --------
    >>> band([120, 100, 89.9, float("nan")], HASIL_BANDS).tolist()
    ['di_atas', 'sesuai', 'di_bawah', None]
    """
    x = np.asarray(values, dtype=float)
    bounds = [float(b) for b, _ in bands]
    if any(b1 <= b2 for b1, b2 in zip(bounds, bounds[1:], strict=False)):
        raise ValueError(f"bands must have strictly decreasing bounds, got {bands!r}")
    conditions = [x >= b for b in bounds] + [x < bounds[-1] if bounds else np.isfinite(x)]
    choices = [level for _, level in bands] + [below]
    out = np.select(conditions, choices, default=None).astype(object)
    out[np.isnan(x)] = None
    return out


def hasil_from_counts(n_di_atas, n_sesuai, n_di_bawah, *, most: float = 0.5) -> np.ndarray:
    """Rating hasil kerja of an employee from the levels of the main results.

    The rule, regulations.md §1 "Rating hasil kerja" [S5]:

    - *Di Atas Ekspektasi*: most or all results above expectation **and** no main result
      below → ``di_atas`` when ``n_di_atas / n > most`` and ``n_di_bawah == 0``;
    - *Sesuai Ekspektasi*: most or all results meet expectation, only a small part of the
      main results below → ``sesuai`` when ``(n_di_atas + n_sesuai) / n > most``;
    - *Di Bawah Ekspektasi*: most or all results below → ``di_bawah`` otherwise, i.e.
      when ``n_di_bawah / n >= 1 - most``.

    "Most" is a share strictly above ``most`` (default 0.5, a simple majority: the
    package's reading of "sebagian besar"). With the default, an employee with exactly
    half of the main results below expectation is ``di_bawah``: half is not "a small
    part" — the package's choice where the words leave the tie open.

    Parameters
    ----------
    n_di_atas, n_sesuai, n_di_bawah
        Counts of judged main results per level (scalars or arrays).
    most
        The share that "most" must exceed, in [0.5, 1).

    Returns
    -------
    numpy.ndarray of object
        ``di_atas``, ``sesuai``, ``di_bawah``; ``None`` where no result was judged.

    Examples
    --------
    >>> hasil_from_counts([3, 3, 1, 1], [1, 0, 2, 1], [0, 1, 0, 2]).tolist()
    ['di_atas', 'sesuai', 'sesuai', 'di_bawah']
    """
    if not 0.5 <= most < 1:
        raise ValueError(f"most must be a share in [0.5, 1), got {most!r}")
    a = np.asarray(n_di_atas, dtype=float)
    s = np.asarray(n_sesuai, dtype=float)
    b = np.asarray(n_di_bawah, dtype=float)
    n = a + s + b
    with np.errstate(invalid="ignore", divide="ignore"):
        atas = (a / n > most) & (b == 0)
        met = (a + s) / n > most
    out = np.select([atas, met], ["di_atas", "sesuai"], default="di_bawah").astype(object)
    out[~(n > 0)] = None
    return out


def predikat_of(hasil, perilaku) -> np.ndarray:
    """Apply :data:`PREDIKAT_MATRIX` element-wise.

    Parameters
    ----------
    hasil, perilaku
        Expectation codes (array-like of equal length); missing values give ``None``.

    Returns
    -------
    numpy.ndarray of object
        Predikat codes.

    Raises
    ------
    ValueError
        For a code outside :data:`EXPECTATIONS`.

    Examples
    --------
    >>> predikat_of(["di_atas", "di_bawah"], ["di_atas", "sesuai"]).tolist()
    ['sangat_baik', 'butuh_perbaikan']
    """
    h = np.asarray(hasil, dtype=object)
    p = np.asarray(perilaku, dtype=object)
    out = np.full(np.broadcast(h, p).shape, None, dtype=object)
    h, p = np.broadcast_arrays(h, p)
    for name, arr in (("hasil", h), ("perilaku", p)):
        flat = pd.Series(arr.ravel())
        known = (flat.isin(EXPECTATIONS) | flat.isna()).to_numpy().reshape(arr.shape)
        if not known.all():
            bad = sorted({str(v) for v in arr[~known]})
            raise ValueError(
                f"{name} must be one of {', '.join(EXPECTATIONS)} (or missing); found {bad}"
            )
    for (hv, pv), code in PREDIKAT_MATRIX.items():
        out[(h == hv) & (p == pv)] = code
    return out
