"""The training effect nationally, from per-instansi cell sums.

The regency estimator (:func:`evalkit.training_impact`) is Callaway & Sant'Anna (2021)
with not-yet-treated controls: for cohort g (first trained period) and period t, with the
universal base period b = g − 1,

    ATT(g, t) = mean(Y_t − Y_b | cohort g) − mean(Y_t − Y_b | controls of (g, t)),

each mean over the employees observed at both t and b; the controls are the employees
never trained or trained after max(t, b) and not of cohort g. The headline is the simple
aggregate θ = Σ n_g ATT(g, t) / Σ n_g over the post cells (t ≥ g) with an ATT, n_g the
cohort size (employees of cohort g with an outcome in some period).

Instansi are separate labour markets, so an employee's controls come from the same
instansi: :class:`TrainingCells` are one instansi's cells, mirroring
:func:`evalkit.impact._cs_fit` (same panel, :func:`evalkit.training_panel`, same design,
:func:`evalkit.impact._design`, the same periods up to the study period). Per cell c the
sums and counts of the differences of the trained and of the controls (so ATT(g, t)
follows exactly), the cohort sizes, and — for a variance clustered by unit, as the
regency's — the Gram matrix M = Σ_u z_u z_uᵀ of each unit's vector z_u = (φ_uc, k_ug):

    φ_uc = (s^tr_uc − A^tr_c n^tr_uc) / N^tr_c − (s^ctl_uc − A^ctl_c n^ctl_uc) / N^ctl_c

(the influence of unit u on ATT(g, t): its sums s and counts n in the cell, A = S/N the
cell's means) and k_ug, the unit's employees in cohort g. The nation's ATT treats each
(instansi, cohort) as a cohort: θ = Σ_i Σ_c n_g ATT_i(g, t) / Σ_i Σ_c n_g, the
regency's cohort-size weights. Its influence of unit u (of instansi i) is
ψ_u = (dᵀ z_u) / N with d = (n_g over the cells used; Σ_{c ∈ g}(ATT_c − θ) over the
cohorts) — the derivative of θ with respect to the unit's weight, as the regency computes
it numerically — so Σ_u ψ_u² = Σ_i d_iᵀ M_i d_i / N². With d_i = a_i − θ b_i this is
Σ_i (a_iᵀM_ia_i − 2θ a_iᵀM_ib_i + θ² b_iᵀM_ib_i): three numbers per instansi that add
up (:class:`TrainingSums`), whatever the nation's θ.

The variance is analytic and cluster-robust: V = G/(G − 1) Σ_u ψ_u² (CR1; G units of
all instansi), interval θ ± t_{G−1} √V. The regency instead draws a wild cluster
bootstrap on the same ψ_u; the analytic V is the variance those draws estimate. As in
the regency, with fewer than six units holding a trained employee no interval is given,
and an event time resting on fewer than ``min_cell`` trained employees of an instansi is
left out of every aggregate (its cells are not used, nationally either).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._inference import MIN_TREATED_CLUSTERS, t_critical

__all__ = ["TrainingCells", "TrainingSums", "training_cells"]


def _empty(shape=(0,), dtype=float) -> np.ndarray:
    return np.zeros(shape, dtype=dtype)


@dataclass(frozen=True)
class TrainingSums:
    """Quantities of the simple ATT that add up over instansi (for one ``min_cell``).

    ``num`` = Σ n_g ATT(g, t) and ``den`` = Σ n_g over the post cells used;
    ``ama``, ``amb``, ``bmb`` the quadratic forms aᵀMa, aᵀMb, bᵀMb of the unit
    influences (module docstring); the counts of employees, units and cells.
    """

    num: float = 0.0
    den: float = 0.0
    ama: float = 0.0
    amb: float = 0.0
    bmb: float = 0.0
    n_treated: int = 0
    n_control: int = 0
    n_clusters: int = 0
    n_treated_clusters: int = 0
    n_cells: int = 0
    n_hidden_cells: int = 0
    by_employee: int = 0  # instansi whose clusters are employees (no unit known)

    def __add__(self, other: TrainingSums) -> TrainingSums:
        return TrainingSums(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )

    def figures(self, confidence: float = 0.95) -> dict[str, Any]:
        """``estimate`` (simple ATT, points of the 1–5 supervisor behaviour score),
        ``se``, ``ci_low``, ``ci_high``, ``p_val`` (t with G − 1 degrees of freedom),
        and the counts. No interval with fewer than six units holding a trained employee
        (``no_interval``), as the regency."""
        from scipy import stats

        est = self.num / self.den if self.den > 0 else math.nan
        G = self.n_clusters
        se = low = high = p = math.nan
        no_interval = self.by_employee == 0 and self.n_treated_clusters < MIN_TREATED_CLUSTERS
        if math.isfinite(est) and G >= 2 and not no_interval:
            ss = self.ama - 2 * est * self.amb + est * est * self.bmb
            se = math.sqrt(max(ss, 0.0) * G / (G - 1)) / self.den
            crit = t_critical(G, confidence)
            low, high = est - crit * se, est + crit * se
            p = float(2 * stats.t.sf(abs(est) / se, G - 1)) if se > 0 else math.nan
        return {
            "estimate": est,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "p_val": p,
            "no_interval": bool(no_interval and math.isfinite(est)),
            "n_treated": int(self.n_treated),
            "n_control": int(self.n_control),
            "n_clusters": int(G),
            "n_treated_clusters": int(self.n_treated_clusters),
            "n_cells": int(self.n_cells),
            "n_hidden_cells": int(self.n_hidden_cells),
        }


@dataclass(frozen=True)
class TrainingCells:
    """One instansi's cells of the Callaway–Sant'Anna estimator (module docstring).

    ``cohorts`` (period labels) and ``cohort_size`` n_g; per cell (g, t): ``cell_cohort``
    (index into ``cohorts``), ``cell_period``, ``rel_time``, ``post``, the trained
    employees' sum ``s_tr`` and count ``n_tr`` of Y_t − Y_b, the controls' ``s_c`` and
    ``n_c``; ``gram`` the (cells + cohorts)² matrix Σ_u z_u z_uᵀ over units; the
    employees in a post comparison as trained (``n_treated``) or control
    (``n_control``), the units, and the units holding a trained employee.
    """

    instansi: str = ""
    cohorts: tuple[str, ...] = ()
    cohort_size: np.ndarray = field(default_factory=_empty)
    cell_cohort: np.ndarray = field(default_factory=lambda: _empty(dtype=np.int64))
    cell_period: tuple[str, ...] = ()
    rel_time: np.ndarray = field(default_factory=lambda: _empty(dtype=np.int64))
    post: np.ndarray = field(default_factory=lambda: _empty(dtype=bool))
    s_tr: np.ndarray = field(default_factory=_empty)
    n_tr: np.ndarray = field(default_factory=_empty)
    s_c: np.ndarray = field(default_factory=_empty)
    n_c: np.ndarray = field(default_factory=_empty)
    gram: np.ndarray = field(default_factory=lambda: _empty((0, 0)))
    n_treated: int = 0
    n_control: int = 0
    n_clusters: int = 0
    n_treated_clusters: int = 0
    clustered_by: str = "unit"

    def att_gt(self) -> np.ndarray:
        """ATT(g, t) of every cell (NaN without trained employees or controls)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                (self.n_tr > 0) & (self.n_c > 0),
                self.s_tr / self.n_tr - self.s_c / self.n_c,
                np.nan,
            )

    def hidden(self, min_cell: int | None) -> np.ndarray:
        """Cells of an event time resting on fewer than ``min_cell`` trained employees
        (but some), as :func:`evalkit.training_impact` hides them."""
        out = np.zeros(len(self.rel_time), dtype=bool)
        if min_cell is None:
            return out
        for e in np.unique(self.rel_time):
            n = self.n_tr[self.rel_time == e].sum()
            if 0 < n < min_cell:
                out |= self.rel_time == e
        return out

    def sums(self, min_cell: int | None = None) -> TrainingSums:
        """The instansi's :class:`TrainingSums` with the cells of ``min_cell``-hidden
        event times left out."""
        att = self.att_gt()
        hide = self.hidden(min_cell)
        use = self.post & np.isfinite(att) & ~hide
        P, K = len(att), len(self.cohorts)
        w = np.where(use, self.cohort_size[self.cell_cohort] if P else 0.0, 0.0)
        a_att = np.where(use, att, 0.0)
        a = np.concatenate([w, np.bincount(self.cell_cohort, weights=a_att, minlength=K)])
        b = np.concatenate(
            [np.zeros(P), np.bincount(self.cell_cohort, weights=use.astype(float), minlength=K)]
        )
        M = self.gram
        return TrainingSums(
            num=float((w * a_att).sum()),
            den=float(w.sum()),
            ama=float(a @ M @ a) if P else 0.0,
            amb=float(a @ M @ b) if P else 0.0,
            bmb=float(b @ M @ b) if P else 0.0,
            n_treated=self.n_treated,
            n_control=self.n_control,
            n_clusters=self.n_clusters,
            n_treated_clusters=self.n_treated_clusters,
            n_cells=int(use.sum()),
            n_hidden_cells=int(hide.sum()),
            by_employee=int(self.clustered_by == "employee" and self.n_clusters > 0),
        )


def _up_to(frame, cut: int, period_codes):
    """The rows of ``frame`` whose period's time code is at most ``cut`` — the filter of
    :func:`evalkit.training_impact`, with the period parsed once per distinct value
    rather than once per row (a million behaviour rows hold a few periods)."""
    values = pd.unique(frame["period"].dropna())
    if len(values) == 0:
        return frame.iloc[:0]
    codes, _ = period_codes([str(v) for v in values])
    keep = [v for v, c in zip(values, codes, strict=True) if c <= cut]
    return frame.loc[frame["period"].isin(keep)]


def training_cells(study, period: str | None, instansi: str = "") -> TrainingCells:
    """One instansi's :class:`TrainingCells` for the supervisor behaviour outcome, on the
    periods up to ``period`` — the sample and design of
    ``evalkit.training_impact(study, period)``.

    Empty (no cell) when the study has no training records or no supervisor rating.
    """
    from scipy import sparse

    from ..impact import OUTCOMES, _cutoff, _design, _period_codes, training_panel

    training = getattr(study, "training", None)
    behaviour, citizen = study.behaviour, getattr(study, "citizen", None)
    if training is None or len(training) == 0 or len(behaviour) == 0:
        return TrainingCells(instansi=str(instansi))
    if period is not None:
        cut = _cutoff(period, behaviour["period"])
        behaviour = _up_to(behaviour, cut, _period_codes)
        if citizen is not None and len(citizen):
            citizen = _up_to(citizen, cut, _period_codes)
    if len(behaviour) == 0:
        return TrainingCells(instansi=str(instansi))
    panel = training_panel(
        behaviour,
        training,
        study.employees,
        citizen=citizen if citizen is not None and len(citizen) else None,
    )
    d, _ = _design(panel, OUTCOMES["supervisor_behaviour"])
    if d.y.shape[0] == 0:
        return TrainingCells(instansi=str(instansi))
    y, g = d.y, d.g
    T = y.shape[1]
    cohorts = np.unique(g[np.isfinite(g)]).astype(int)
    cohorts = cohorts[cohorts >= 1]
    cells = [(k, gg, t) for k, gg in enumerate(cohorts) for t in range(T) if t != gg - 1]
    kk = np.array([c[0] for c in cells], dtype=np.int64)
    gk = np.array([c[1] for c in cells], dtype=np.int64)
    gt = np.array([c[2] for c in cells], dtype=np.int64)
    gb = gk - 1
    delta = y[:, gt] - y[:, gb]
    valid = np.isfinite(delta)
    delta = np.where(valid, delta, 0.0)
    tr = (g[:, None] == gk[None, :]) & valid
    ctl = (g[:, None] > np.maximum(gt, gb)[None, :]) & (g[:, None] != gk[None, :]) & valid
    C = d.n_clusters
    A = sparse.csr_matrix(
        (np.ones(len(d.cluster)), (d.cluster, np.arange(len(d.cluster)))), shape=(C, len(g))
    )
    s_tr_u = np.asarray(A @ (tr * delta))  # (C, P)
    n_tr_u = np.asarray(A @ tr.astype(float))
    s_c_u = np.asarray(A @ (ctl * delta))
    n_c_u = np.asarray(A @ ctl.astype(float))
    k_u = np.asarray(A @ (g[:, None] == cohorts[None, :]).astype(float))  # (C, K)
    S_tr, N_tr, S_c, N_c = (m.sum(0) for m in (s_tr_u, n_tr_u, s_c_u, n_c_u))
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = (s_tr_u - n_tr_u * (S_tr / N_tr)) / N_tr - (s_c_u - n_c_u * (S_c / N_c)) / N_c
    att_ok = (N_tr > 0) & (N_c > 0)
    phi = np.where(att_ok[None, :], phi, 0.0)
    z = np.hstack([phi, k_u])
    post = gt >= gk
    finite_post = post & att_ok
    treated_any = tr[:, finite_post].any(axis=1)
    control_any = ctl[:, finite_post].any(axis=1)
    return TrainingCells(
        instansi=str(instansi),
        cohorts=tuple(d.periods[c] for c in cohorts),
        cohort_size=k_u.sum(0),
        cell_cohort=kk,
        cell_period=tuple(d.periods[t] for t in gt),
        rel_time=gt - gk,
        post=post,
        s_tr=S_tr,
        n_tr=N_tr,
        s_c=S_c,
        n_c=N_c,
        gram=z.T @ z,
        n_treated=int(treated_any.sum()),
        n_control=int(control_any.sum()),
        n_clusters=int(C),
        n_treated_clusters=int(np.unique(d.cluster[treated_any]).size),
        clustered_by=d.clustered_by,
    )
