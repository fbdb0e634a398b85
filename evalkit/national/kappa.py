"""Fleiss' kappa of the 360° ratings from summed per-target moments.

Peers (and subordinates) rate each BerAKHLAK value of a colleague on 1–5 each quarter.
A *target* is one (rated employee, value, quarter); its raters are the peers who rated
it. Fleiss' kappa in the form of :func:`evalkit.fleiss_kappa` (any number of raters per
target, Gwet 2014 ch. 5), with ``r_ik`` the raters putting target i in category k,
``r_i`` its raters and ``p_ik = r_ik / r_i``:

* observed agreement p_a = Σ_{i: r_i ≥ 2} p_a|i / n', with
  p_a|i = Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)) and r*_ik = Σ_l w_kl r_il;
* chance agreement p_e = πᵀ W π with π_k = Σ_i p_ik / n (n targets);
* κ = (p_a − p_e) / (1 − p_e); variance Σ_i (x_i − κ)² / (n (n − 1)).

κ is not a sum of the instansi's kappas (p_e uses the nation's category shares), but
its ingredients are sums over targets, and targets never cross an instansi. More: x_i − κ
is linear in the target's vector v_i = (1, [r_i ≥ 2], p_a|i (unweighted), p_a|i
(quadratic weights), p_i1 … p_i5) with coefficients that depend on n, n', p_e, κ and π
only, so the variance is cᵀ (Σ_i v_i v_iᵀ) c / (n (n − 1)). The 9 × 9 matrix
Σ_i v_i v_iᵀ (its first row holds n, n', Σ p_a|i and Σ p_ik) is therefore the whole
sufficient statistic: :class:`KappaSums` adds the instansi's matrices, and the nation's
kappas, intervals and p-values equal :func:`evalkit.fleiss_kappa` on the pooled ratings
(tested to 1e-9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["CATEGORIES", "KAPPA_WEIGHTS", "KappaSums"]

#: The rating scale of a BerAKHLAK value score.
CATEGORIES: tuple[int, ...] = (1, 2, 3, 4, 5)
#: The kappas reported: unweighted (nominal) and quadratic weights (ordinal scale).
KAPPA_WEIGHTS: tuple[str | None, ...] = (None, "quadratic")
_Q = len(CATEGORIES)
_SIZE = 4 + _Q  # 1, two, pa (none), pa (quadratic), p_1..p_q


def _weights(kind: str | None) -> np.ndarray:
    """Agreement weights on category positions, as :func:`evalkit.fleiss_kappa`."""
    i = np.arange(_Q)
    if kind is None:
        return np.eye(_Q)
    return 1.0 - (i[:, None] - i[None, :]) ** 2 / (_Q - 1) ** 2


def _name(kind: str | None) -> str:
    return "fleiss_kappa" if kind is None else f"fleiss_kappa_{kind}"


@dataclass(frozen=True)
class KappaSums:
    """Σ_i v_i v_iᵀ over targets (module docstring), the rated employees and the raters."""

    gram: np.ndarray = field(default_factory=lambda: np.zeros((_SIZE, _SIZE)))
    ratees: int = 0
    raters: int = 0

    @classmethod
    def of(cls, ratings: pd.DataFrame) -> KappaSums:
        """From one role's ratings (``employee_id, value, period, rater_id, score``)."""
        if ratings.empty:
            return cls()
        score = pd.to_numeric(ratings["score"], errors="coerce")
        ok = score.notna().to_numpy()
        r = ratings.loc[ok]
        code = score[ok].to_numpy(float) - CATEGORIES[0]
        if not np.all(np.isin(code, np.arange(_Q))):
            raise ValueError(f"a behaviour score outside {CATEGORIES} cannot enter the kappa")
        target = (
            r.groupby(["employee_id", "value", "period"], sort=False, observed=True, dropna=False)
            .ngroup()
            .to_numpy()
        )
        n_t = int(target.max()) + 1 if len(target) else 0
        counts = np.zeros((n_t, _Q))
        np.add.at(counts, (target, code.astype(int)), 1.0)
        ri = counts.sum(axis=1)
        two = ri >= 2
        v = np.empty((n_t, _SIZE))
        v[:, 0] = 1.0
        v[:, 1] = two
        denom = np.where(two, ri * (ri - 1), 1.0)
        for j, kind in enumerate(KAPPA_WEIGHTS):
            agree = (counts * (counts @ _weights(kind).T - 1)).sum(axis=1)
            v[:, 2 + j] = np.where(two, agree / denom, 0.0)
        v[:, 4:] = counts / ri[:, None]
        return cls(
            v.T @ v,
            int(r["employee_id"].nunique()),
            int(r["rater_id"].nunique()),
        )

    def __add__(self, other: KappaSums) -> KappaSums:
        return KappaSums(
            self.gram + other.gram, self.ratees + other.ratees, self.raters + other.raters
        )

    def figures(self, confidence: float = 0.95) -> dict[str, Any]:
        """Per kappa (``fleiss_kappa``, ``fleiss_kappa_quadratic``): ``estimate``,
        ``se``, ``ci_low``, ``ci_high`` (upper bound capped at 1), ``p_val`` — the
        columns of :func:`evalkit.fleiss_kappa` — and ``n_targets``, ``n_ratees``,
        ``n_raters``."""
        G = self.gram
        n, n2 = G[0, 0], G[0, 1]
        out: dict[str, Any] = {}
        for j, kind in enumerate(KAPPA_WEIGHTS):
            nan = dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "p_val"), math.nan)
            if n < 2 or n2 < 1:
                out[_name(kind)] = nan
                continue
            W = _weights(kind)
            pi = G[0, 4:] / n
            pe = float(pi @ W @ pi)
            pa = G[0, 2 + j] / n2
            with np.errstate(divide="ignore", invalid="ignore"):
                coef = (pa - pe) / (1 - pe)
                c = np.zeros(_SIZE)
                c[0] = 2 * (1 - coef) * pe / (1 - pe) - coef
                c[1] = -(n / n2) * pe / (1 - pe)
                c[2 + j] = (n / n2) / (1 - pe)
                c[4:] = -2 * (1 - coef) / (1 - pe) * (pi @ ((W + W.T) / 2))
                var = float(c @ G @ c) / (n * (n - 1))
                se = math.sqrt(max(var, 0.0)) if math.isfinite(var) else math.nan
                tq = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
                p = float(2 * stats.t.sf(abs(coef / se), n - 1))
            if (se == 0 and coef == 0) or not math.isfinite(coef):
                p = math.nan
            out[_name(kind)] = {
                "estimate": float(coef),
                "se": se,
                "ci_low": float(coef - tq * se),
                "ci_high": float(min(coef + tq * se, 1.0)),
                "p_val": p,
            }
        out["n_targets"] = int(round(n))
        out["n_ratees"] = self.ratees
        out["n_raters"] = self.raters
        return out
