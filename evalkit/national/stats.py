"""Per-instansi sufficient statistics, their combination, and the figures made from them.

Every national figure of :mod:`evalkit.national` is a function of sums that add up
over instansi (the partition no rating, survey or training crosses), so that the
nation's figure is computed from the instansi's small summaries, never from pooled
raw rows, and equals the figure computed on the pooled rows (tested to 1e-9):

IKM (:class:`SkmSums`)
    Per pair of SKM items (u, v): the number of responses answering both, Σ x_u over
    them and Σ x_u x_v (integers: exact). NRR_u, the IKM and its linearised standard
    error (:func:`evalkit.scoring.skm_index`'s Notes) follow exactly: Σ_i φ_i² expands
    into these sums.
Predikat inflation (:class:`PredikatCounts`)
    Counts of scored employees by the unit's organisational predikat × employee
    predikat, and per instansi the sum over checked units of the employees rated Baik
    or better beyond what the distribution pattern allows (:func:`baik_or_better_cap`).
Rating reliability (:class:`AnovaSums`)
    One-way ANOVA of one rater's mean over the BerAKHLAK values by ratee, per role: the
    numbers of ratings N and ratees J, the mean, SSW and SSB about the instansi mean;
    combined with the parallel-variance formula SSB = Σ SSB_p + Σ N_p (ȳ_p − ȳ)²
    (Chan, Golub & LeVeque 1979), as stable as a two-pass computation. ICC(1) and
    ICC(1,k) as :func:`evalkit.icc_aggregation` (k = N/J).
Citizen–supervisor gap (:class:`GapSums`)
    Count, mean and sum of squared deviations (:class:`Moments`) of the supervisors'
    POMP per rated employee and of the citizens' POMP per response (u6, u7), in units
    that both sources observe (:func:`evalkit.align_sources`); gap = difference of the
    means, variance = s²_s/n_s + s²_c/n_c. This treats the rated employees as sampled
    (sampling-based), unlike the regency's unit gap (:func:`evalkit.flag_units`), which
    holds a unit's staff fixed (design-based; Abadie, Athey, Imbens & Wooldridge 2020);
    the national methods text says so.
Agreement on value scores (:class:`~evalkit.national.kappa.KappaSums`)
    Fleiss' kappa (unweighted and quadratic) of peers' and subordinates' 1–5 scores of
    the same (employee, value, quarter): the Gram matrix of nine per-target numbers,
    which holds every ingredient of the kappa and of its variance — :mod:`.kappa`.
Training effect (:class:`~evalkit.national.training.TrainingCells`)
    Per cell (cohort, period) of the regency's Callaway–Sant'Anna estimator, the sums
    and counts of the trained employees' and the controls' changes since the period
    before training, the cohort sizes, and a Gram matrix of per-unit influences; kept
    per instansi (controls never cross an instansi) and reduced to sums that add up
    (:class:`~evalkit.national.training.TrainingSums`), see :mod:`.training`.

Nothing here is resampled: every interval is analytic, so a partitioned run and an
in-process run give the same numbers whatever the order in which instansi finish.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..rules import permenpanrb_6_2022 as _r6
from ..rules import permenpanrb_14_2017 as _skm
from ..tables import SKM_ITEMS
from .kappa import KappaSums
from .training import TrainingCells, TrainingSums, training_cells

__all__ = [
    "BELOW_BAIK",
    "ICC_ROLES",
    "AnovaSums",
    "GapSums",
    "Moments",
    "PartitionStats",
    "PredikatCounts",
    "SkmSums",
    "baik_or_better_cap",
    "combine",
    "partition_statistics",
]

#: Roles whose single-rater reliability is estimable (several raters per ratee).
ICC_ROLES: tuple[str, ...] = ("rekan", "bawahan")
#: Employee predikat below Baik.
BELOW_BAIK: tuple[str, ...] = ("butuh_perbaikan", "kurang", "sangat_kurang")
BAIK_OR_BETTER: tuple[str, ...] = ("sangat_baik", "baik")
#: Rows of the predikat table: the organisational predikat, and ``none`` (unit without one).
ORG_ROWS: tuple[str, ...] = (*_r6.ORG_PREDIKAT, "none")
#: Units with fewer scored employees are not checked (as check_distribution's min_n).
MIN_N = 10


# ------------------------------------------------------------------------------ moments
@dataclass(frozen=True)
class Moments:
    """Count, mean and sum of squared deviations from the mean (``m2``) of some values."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, values) -> Moments:
        """The moments of ``values`` (NaN dropped)."""
        x = np.asarray(values, dtype=float)
        x = x[np.isfinite(x)]
        if not len(x):
            return cls()
        mean = float(x.mean())
        return cls(int(len(x)), mean, float(((x - mean) ** 2).sum()))

    def __add__(self, other: Moments) -> Moments:
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * other.n / n
        m2 = self.m2 + other.m2 + delta * delta * self.n * other.n / n
        return Moments(n, mean, m2)

    @property
    def var(self) -> float:
        """Sample variance (divisor n − 1); NaN below two values."""
        return self.m2 / (self.n - 1) if self.n >= 2 else math.nan


# ------------------------------------------------------------------------------ IKM
@dataclass(frozen=True)
class SkmSums:
    """Sufficient statistics of the IKM over SKM items ``items``.

    ``count[u, v]`` responses answering both u and v, ``total[u, v]`` = Σ x_u over
    them, ``cross[u, v]`` = Σ x_u x_v; ``n`` responses with at least one answer.
    """

    n: int = 0
    count: np.ndarray = field(default_factory=lambda: np.zeros((9, 9), np.int64))
    total: np.ndarray = field(default_factory=lambda: np.zeros((9, 9), np.int64))
    cross: np.ndarray = field(default_factory=lambda: np.zeros((9, 9), np.int64))

    @classmethod
    def of(cls, citizen: pd.DataFrame, items=SKM_ITEMS) -> SkmSums:
        """The sums of the SKM answers in ``citizen`` (one row per response)."""
        x = citizen[list(items)].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        x = x[np.isfinite(x).any(axis=1)]
        obs = np.isfinite(x)
        xi = np.where(obs, x, 0.0).astype(np.int64)
        oi = obs.astype(np.int64)
        return cls(int(len(x)), oi.T @ oi, xi.T @ oi, xi.T @ xi)

    def __add__(self, other: SkmSums) -> SkmSums:
        return SkmSums(
            self.n + other.n,
            self.count + other.count,
            self.total + other.total,
            self.cross + other.cross,
        )

    def figures(self, confidence: float = 0.95) -> dict[str, Any]:
        """``n``, ``nrr`` per item, ``ikm`` (1–4), ``ikm_converted`` (25–100), ``mutu``,
        ``kinerja``, and ``se``, ``ci_low``, ``ci_high`` of ``ikm_converted`` — the
        numbers of :func:`evalkit.scoring.skm_index` on the responses summed here."""
        K = self.count.shape[0]
        n_u = np.diag(self.count).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            nrr = np.diag(self.total) / n_u
            ikm = float(nrr.sum() / K) if np.all(n_u > 0) else math.nan
            # Σ_i φ_i² = (1/K²) Σ_uv Σ_i o_u o_v (x_u − NRR_u)(x_v − NRR_v) / (n_u n_v)
            t = self.total.astype(float)
            dev = (
                self.cross - t * nrr[None, :] - t.T * nrr[:, None] + self.count * np.outer(nrr, nrr)
            )
            ss = float((dev / np.outer(n_u, n_u)).sum() / K**2)
        conv = ikm * _skm.CONVERSION
        n = self.n
        if n >= 2 and math.isfinite(ikm):
            se = math.sqrt(max(ss, 0.0) * n / (n - 1)) * _skm.CONVERSION
            crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
            low, high = conv - crit * se, conv + crit * se
        else:
            se = low = high = math.nan
        mutu = _skm.skm_mutu(np.array([conv]))[0] if math.isfinite(conv) else None
        return {
            "n": n,
            "nrr": {u: float(v) for u, v in zip(SKM_ITEMS, nrr, strict=True)},
            "ikm": ikm,
            "ikm_converted": conv,
            "mutu": mutu,
            "kinerja": _skm.skm_kinerja(np.array([mutu], dtype=object))[0] if mutu else None,
            "se": se,
            "ci_low": low,
            "ci_high": high,
        }


# ------------------------------------------------------------------------------ predikat
def baik_or_better_cap(org_predikat: str, n: int) -> int:
    """The most employees of a unit of ``n`` scored employees that may be rated Baik or
    better (sangat_baik + baik) under the distribution pattern for ``org_predikat``.

    From :data:`evalkit.rules.DISTRIBUTION_PATTERN`: each minimum share on predikat below
    Baik needs ⌈p·n/100⌉ employees there (the strict rounding of
    :func:`evalkit.check_distribution`); a "must exist" rule on them needs one. So
    istimewa allows n, baik n − 1, butuh_perbaikan n − ⌈0.6 n⌉, kurang and sangat_kurang
    n − ⌈0.1 n⌉ − ⌈0.6 n⌉.

    Examples
    --------
    >>> [baik_or_better_cap(o, 20) for o in ("istimewa", "baik", "butuh_perbaikan", "kurang")]
    [20, 19, 8, 6]
    """
    need = 0
    exists = False
    for rule in _r6.DISTRIBUTION_PATTERN[org_predikat]:
        if not set(rule.predikat) <= set(BELOW_BAIK):
            continue
        if rule.kind == "min":
            need += -((-rule.percent * int(n)) // 100)
        elif rule.kind == "exists":
            exists = True
    if exists:
        need = max(need, 1)
    return max(int(n) - need, 0)


@dataclass(frozen=True)
class PredikatCounts:
    """Scored employees by organisational predikat (rows :data:`ORG_ROWS`) × employee
    predikat (columns :data:`evalkit.rules.PREDIKAT`), and the pattern's tallies.

    ``n_checked`` scored employees in units checked against the ceiling (an
    organisational predikat and at least :data:`MIN_N` scored employees), ``excess``
    those rated Baik or better beyond the unit's :func:`baik_or_better_cap`;
    ``units_checked`` and ``units_violating`` the units that
    :func:`evalkit.check_distribution` checked and found violating any rule.
    """

    table: np.ndarray = field(
        default_factory=lambda: np.zeros((len(ORG_ROWS), len(_r6.PREDIKAT)), np.int64)
    )
    n_checked: int = 0
    excess: int = 0
    units: int = 0
    units_checked: int = 0
    units_violating: int = 0

    @classmethod
    def of(cls, distribution: pd.DataFrame) -> PredikatCounts:
        """From :func:`evalkit.check_distribution`'s table (one row per unit)."""
        org = (
            distribution["org_predikat"]
            .astype(object)
            .where(distribution["org_predikat"].notna(), "none")
        )
        counts = distribution[[f"n_{p}" for p in _r6.PREDIKAT]].to_numpy(np.int64)
        row = np.array([ORG_ROWS.index(str(o)) for o in org], dtype=int)
        table = np.zeros((len(ORG_ROWS), len(_r6.PREDIKAT)), np.int64)
        np.add.at(table, row, counts)
        n = distribution["n"].to_numpy(np.int64)
        bob = distribution["n_sangat_baik"].to_numpy(np.int64) + distribution["n_baik"].to_numpy(
            np.int64
        )
        checked = (org != "none").to_numpy() & (n >= MIN_N)
        caps = np.array(
            [baik_or_better_cap(o, k) if c else 0 for o, k, c in zip(org, n, checked, strict=True)],
            dtype=np.int64,
        )
        excess = np.where(checked, np.maximum(bob - caps, 0), 0)
        ok = distribution["ok"]
        return cls(
            table,
            int(n[checked].sum()),
            int(excess.sum()),
            int(len(distribution)),
            int(ok.notna().sum()),
            int(ok.eq(False).fillna(False).sum()),
        )

    def __add__(self, other: PredikatCounts) -> PredikatCounts:
        return PredikatCounts(
            self.table + other.table,
            self.n_checked + other.n_checked,
            self.excess + other.excess,
            self.units + other.units,
            self.units_checked + other.units_checked,
            self.units_violating + other.units_violating,
        )

    def figures(self) -> dict[str, Any]:
        """Counts and shares: ``n_scored``, ``share_baik_or_better``, ``inflation``
        (excess ÷ scored employees in checked units), per organisational predikat the
        count, the share rated Baik or better and the pattern's ceiling share for a
        unit of 100 (``ceiling_share``), and the unit tallies."""
        bob_cols = [_r6.PREDIKAT.index(p) for p in BAIK_OR_BETTER]
        n = int(self.table.sum())
        bob = int(self.table[:, bob_cols].sum())
        by_org = {}
        for i, org in enumerate(ORG_ROWS):
            k = int(self.table[i].sum())
            b = int(self.table[i, bob_cols].sum())
            by_org[org] = {
                "n_scored": k,
                "n_baik_or_better": b,
                "share_baik_or_better": b / k if k else math.nan,
                "ceiling_share": (
                    baik_or_better_cap(org, 100) / 100 if org != "none" else math.nan
                ),
                "counts": {p: int(self.table[i, j]) for j, p in enumerate(_r6.PREDIKAT)},
            }
        return {
            "n_scored": n,
            "n_baik_or_better": bob,
            "share_baik_or_better": bob / n if n else math.nan,
            "n_checked": self.n_checked,
            "excess": self.excess,
            "inflation": self.excess / self.n_checked if self.n_checked else math.nan,
            "units": self.units,
            "units_checked": self.units_checked,
            "units_violating": self.units_violating,
            "by_org_predikat": by_org,
        }


# ------------------------------------------------------------------------------ ICC
@dataclass(frozen=True)
class AnovaSums:
    """One-way ANOVA sums: ratings ``n``, groups ``j``, ``mean``, ``ssw``, and ``ssb``
    about ``mean``."""

    n: int = 0
    j: int = 0
    mean: float = 0.0
    ssw: float = 0.0
    ssb: float = 0.0

    @classmethod
    def of(cls, groups, values) -> AnovaSums:
        """The sums of ``values`` grouped by ``groups`` (NaN values dropped)."""
        x = np.asarray(values, dtype=float)
        ok = np.isfinite(x)
        codes, _ = pd.factorize(pd.Series(groups)[ok], sort=True)
        x = x[ok]
        if not len(x):
            return cls()
        j = int(codes.max()) + 1
        n_g = np.bincount(codes, minlength=j).astype(float)
        gmean = np.bincount(codes, weights=x, minlength=j) / n_g
        grand = float(x.mean())
        ssw = float(((x - gmean[codes]) ** 2).sum())
        ssb = float((n_g * (gmean - grand) ** 2).sum())
        return cls(int(len(x)), j, grand, ssw, ssb)

    def __add__(self, other: AnovaSums) -> AnovaSums:
        # the between-groups sum about the grand mean combines as a sum of squared
        # deviations does (Chan et al.); the within-groups sum and the groups simply add
        total = Moments(self.n, self.mean, self.ssb) + Moments(other.n, other.mean, other.ssb)
        return AnovaSums(total.n, self.j + other.j, total.mean, self.ssw + other.ssw, total.m2)

    def figures(self, confidence: float = 0.95) -> dict[str, Any]:
        """``ICC1`` (one rater) and ``ICC1k`` (the mean of k = N/J raters), each with
        ``estimate``, ``ci_low``, ``ci_high``, ``p_val``, plus ``n_ratees`` (J),
        ``n_ratings`` (N), ``mean_raters`` (k) — :func:`evalkit.icc_aggregation`'s
        formulas (F-based intervals, Shrout & Fleiss case 1)."""
        N, J = float(self.n), float(self.j)
        nan = {"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_val": math.nan}
        common = {
            "n_ratees": int(self.j),
            "n_ratings": int(self.n),
            "mean_raters": N / J if J else math.nan,
        }
        if J < 2 or N - J < 1:
            return {"ICC1": dict(nan), "ICC1k": dict(nan), **common}
        df1, df2 = J - 1, N - J
        msb, msw = self.ssb / df1, self.ssw / df2
        k = N / J
        with np.errstate(divide="ignore", invalid="ignore"):
            icc1 = (msb - msw) / (msb + (k - 1) * msw)
            icc2 = (msb - msw) / msb
            f = msb / msw
            p = float(stats.f.sf(f, df1, df2))
            q = 1 - (1 - confidence) / 2
            fl = f / stats.f.ppf(q, df1, df2)
            fu = f * stats.f.ppf(q, df2, df1)
        return {
            "ICC1": {
                "estimate": float(icc1),
                "ci_low": float((fl - 1) / (fl + k - 1)),
                "ci_high": float((fu - 1) / (fu + k - 1)),
                "p_val": p,
            },
            "ICC1k": {
                "estimate": float(icc2),
                "ci_low": float(1 - 1 / fl),
                "ci_high": float(1 - 1 / fu),
                "p_val": p,
            },
            **common,
        }


# ------------------------------------------------------------------------------ gap
@dataclass(frozen=True)
class GapSums:
    """The two sources of the citizen–supervisor gap: supervisors' POMP per rated
    employee, citizens' POMP per response, in ``units`` observed by both."""

    supervisor: Moments = field(default_factory=Moments)
    citizen: Moments = field(default_factory=Moments)
    units: int = 0

    @classmethod
    def of(cls, aligned: pd.DataFrame) -> GapSums:
        """From :func:`evalkit.align_sources` at unit level (supervisor and citizen
        rows)."""
        sup = aligned[aligned["source"] == "supervisor"]
        cit = aligned[aligned["source"] == "citizen"]
        both = sorted(set(sup["unit_id"].dropna()) & set(cit["unit_id"].dropna()))
        sup = sup[sup["unit_id"].isin(both)]
        cit = cit[cit["unit_id"].isin(both)]
        per_employee = sup.groupby("employee_id", sort=True, observed=True)["score"].mean()
        return cls(Moments.of(per_employee.to_numpy()), Moments.of(cit["score"]), len(both))

    def __add__(self, other: GapSums) -> GapSums:
        return GapSums(
            self.supervisor + other.supervisor,
            self.citizen + other.citizen,
            self.units + other.units,
        )

    def figures(self, confidence: float = 0.95) -> dict[str, Any]:
        """``gap`` (supervisor − citizen, POMP points), ``se``, ``ci_low``, ``ci_high``
        (normal), the two means and counts, ``units``."""
        s, c = self.supervisor, self.citizen
        gap = s.mean - c.mean if s.n and c.n else math.nan
        var = s.var / s.n + c.var / c.n if s.n >= 2 and c.n >= 2 else math.nan
        se = math.sqrt(var) if math.isfinite(var) else math.nan
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        return {
            "gap": gap,
            "se": se,
            "ci_low": gap - z * se,
            "ci_high": gap + z * se,
            "supervisor_mean": s.mean if s.n else math.nan,
            "citizen_mean": c.mean if c.n else math.nan,
            "n_supervisor": s.n,
            "n_citizen": c.n,
            "units": self.units,
        }


# ------------------------------------------------------------------------------ partition
@dataclass(frozen=True)
class PartitionStats:
    """Everything the national study needs from one instansi (or, summed, from many):
    at most a few thousand numbers (the training effect's matrix grows with the
    periods, not with the employees), whatever the instansi's size."""

    instansi: str
    period: str
    employees: int
    skm: SkmSums
    predikat: PredikatCounts
    icc: dict[str, AnovaSums]
    gap: GapSums
    #: the training effect's cells, one block per instansi (controls never cross an
    #: instansi, so the blocks are kept apart and reduced to sums per ``min_cell``)
    training: tuple[TrainingCells, ...] = ()
    #: Fleiss' kappa of each role's value scores (:mod:`.kappa`)
    kappa: dict[str, KappaSums] = field(default_factory=lambda: {r: KappaSums() for r in ICC_ROLES})

    def __add__(self, other: PartitionStats) -> PartitionStats:
        if self.period != other.period:
            raise ValueError(f"cannot add statistics of {self.period} and {other.period}")
        return PartitionStats(
            "national",
            self.period,
            self.employees + other.employees,
            self.skm + other.skm,
            self.predikat + other.predikat,
            {r: self.icc[r] + other.icc[r] for r in ICC_ROLES},
            self.gap + other.gap,
            self.training + other.training,
            {r: self.kappa[r] + other.kappa[r] for r in ICC_ROLES},
        )

    def training_sums(self, min_cell: int | None = None) -> TrainingSums:
        """The training effect's sums over the instansi here (blocks in id order),
        event times below ``min_cell`` trained employees of an instansi left out."""
        total = TrainingSums()
        for block in sorted(self.training, key=lambda b: b.instansi):
            total = total + block.sums(min_cell)
        return total

    def figures(self, confidence: float = 0.95, min_cell: int | None = None) -> dict[str, Any]:
        """The figures of these sums (one instansi's, or the nation's); ``min_cell``
        hides an instansi's training event times resting on fewer trained employees."""
        return {
            "employees": self.employees,
            "skm": self.skm.figures(confidence),
            "predikat": self.predikat.figures(),
            "icc": {r: self.icc[r].figures(confidence) for r in ICC_ROLES},
            "gap": self.gap.figures(confidence),
            "training": self.training_sums(min_cell).figures(confidence),
            "kappa": {r: self.kappa[r].figures(confidence) for r in ICC_ROLES},
        }


def combine(parts: list[PartitionStats]) -> PartitionStats:
    """The nation's sums: the instansi's added in the order of their ids (so that every
    run adds the same numbers in the same order)."""
    if not parts:
        raise ValueError("no instansi to combine")
    ordered = sorted(parts, key=lambda p: p.instansi)
    total = ordered[0]
    for p in ordered[1:]:
        total = total + p
    return PartitionStats(
        "national",
        total.period,
        total.employees,
        total.skm,
        total.predikat,
        total.icc,
        total.gap,
        total.training,
        total.kappa,
    )


def rater_means(behaviour: pd.DataFrame) -> pd.DataFrame:
    """One row per (ratee, rater, role): the rater's mean score over the values and
    quarters of the period (the observation of the reliability section's ICC)."""
    b = behaviour[["employee_id", "rater_id", "rater_role", "score"]].copy()
    b["score"] = pd.to_numeric(b["score"], errors="coerce").astype(float)
    for c in ("employee_id", "rater_id", "rater_role"):
        b[c] = b[c].astype(object)
    return b.groupby(["employee_id", "rater_id", "rater_role"], as_index=False, sort=True)[
        "score"
    ].mean()


def partition_statistics(study, period: str, instansi: str) -> PartitionStats:
    """The sufficient statistics of one instansi's study for ``period``.

    Parameters
    ----------
    study : evalkit.io.Study
        One instansi's loaded study (:func:`evalkit.load_study` on its folder).
    period : str
        A quarter (``"2025Q4"``) or a year (``"2025"``).
    instansi : str
        The instansi id (carried along, for ordering and labelling).
    """
    from ..compare import align_sources
    from ..io import select_period
    from ..scoring import score_study

    period = str(period)
    sel = select_period(study, period)
    scoring = score_study(study, period)
    means = rater_means(sel.behaviour)
    icc = {
        role: AnovaSums.of(
            means.loc[means["rater_role"] == role, "employee_id"],
            means.loc[means["rater_role"] == role, "score"],
        )
        for role in ICC_ROLES
    }
    aligned = align_sources(
        sel.behaviour, sel.citizen, employees=study.employees, level="unit", period=None
    )
    return PartitionStats(
        instansi=str(instansi),
        period=sel.period or period,
        employees=int(study.employees["employee_id"].nunique()),
        skm=SkmSums.of(sel.citizen),
        predikat=PredikatCounts.of(scoring.distribution),
        icc=icc,
        gap=GapSums.of(aligned),
        training=(training_cells(study, period, str(instansi)),),
        kappa={
            role: KappaSums.of(sel.behaviour[sel.behaviour["rater_role"] == role])
            for role in ICC_ROLES
        },
    )
