"""The national results: per-instansi figures, the nation's, and the funnel of gaps.

:func:`national_results` turns the instansi's :class:`~evalkit.national.stats.PartitionStats`
into the content of the national ``results.json``. :func:`funnel` places each
instansi's citizen–supervisor gap against the nation's: z = (gap_i − gap_national) /
se_i, with control limits at 95 % and 99.8 % (Spiegelhalter 2005, "Funnel plots for
comparing institutional performance", *Stat. Med.* 24:1185–1202).
"""

from __future__ import annotations

import math
from typing import Any

from scipy import stats

from .stats import ICC_ROLES, PartitionStats, combine

__all__ = ["FUNNEL_LIMITS", "funnel", "national_results", "suppress", "suppress_training"]

#: Two-sided coverage of the funnel's control limits.
FUNNEL_LIMITS: tuple[float, ...] = (0.95, 0.998)


def funnel(gap: float, se: float, centre: float) -> dict[str, Any]:
    """Where an instansi's gap lies in the funnel around ``centre``.

    Returns ``z`` and ``position``: ``above`` / ``below`` when outside the 99.8 % limits,
    ``above_95`` / ``below_95`` when only outside the 95 % limits, else ``within``;
    ``not_estimable`` without a standard error.

    Examples
    --------
    >>> funnel(12.0, 1.0, 8.0)["position"]
    'above'
    """
    if not (math.isfinite(gap) and math.isfinite(se) and se > 0 and math.isfinite(centre)):
        return {"z": math.nan, "position": "not_estimable"}
    z = (gap - centre) / se
    inner, outer = (float(stats.norm.ppf(0.5 + c / 2)) for c in FUNNEL_LIMITS)
    if abs(z) > outer:
        position = "above" if z > 0 else "below"
    elif abs(z) > inner:
        position = "above_95" if z > 0 else "below_95"
    else:
        position = "within"
    return {"z": z, "position": position}


def suppress(figures: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """An instansi's figures with every statistic built from fewer than ``min_cell``
    respondents, rated employees or ratees set to ``None`` (counts stay)."""
    out = {**figures}
    skm = dict(out["skm"])
    if skm["n"] < min_cell:
        for k in ("ikm", "ikm_converted", "mutu", "kinerja", "se", "ci_low", "ci_high"):
            skm[k] = None
        skm["nrr"] = {u: None for u in skm["nrr"]}
        skm["suppressed"] = True
    out["skm"] = skm
    gap = dict(out["gap"])
    if min(gap["n_supervisor"], gap["n_citizen"]) < min_cell:
        for k in ("gap", "se", "ci_low", "ci_high", "supervisor_mean", "citizen_mean"):
            gap[k] = None
        gap["suppressed"] = True
    out["gap"] = gap
    icc = {}
    for role, f in out["icc"].items():
        f = {**f}
        if f["n_ratees"] < min_cell:
            f["ICC1"] = dict.fromkeys(f["ICC1"])
            f["ICC1k"] = dict.fromkeys(f["ICC1k"])
            f["suppressed"] = True
        icc[role] = f
    out["icc"] = icc
    pred = dict(out["predikat"])
    if pred["n_scored"] < min_cell:
        for k in ("share_baik_or_better", "inflation"):
            pred[k] = None
        pred["suppressed"] = True
    out["predikat"] = pred
    out["training"] = suppress_training(out["training"], min_cell)
    kappa = {}
    for role, f in out["kappa"].items():
        f = {**f}
        if f["n_ratees"] < min_cell:
            for name in ("fleiss_kappa", "fleiss_kappa_quadratic"):
                f[name] = dict.fromkeys(f[name])
            f["suppressed"] = True
        kappa[role] = f
    out["kappa"] = kappa
    return out


def suppress_training(training: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """The training effect with its estimate and interval set to ``None`` when it rests
    on fewer than ``min_cell`` trained employees (but some), as the regency study does
    (:func:`evalkit.impact.training_sufficiency`, ``too_few_trained``)."""
    out = {**training}
    if 0 < out["n_treated"] < min_cell:
        for k in ("estimate", "se", "ci_low", "ci_high", "p_val"):
            out[k] = None
        out["suppressed"] = True
    return out


def national_results(
    parts: list[PartitionStats],
    *,
    names: dict[str, str] | None = None,
    confidence: float = 0.95,
    min_cell: int = 5,
) -> dict[str, Any]:
    """The content of the national ``results.json``.

    Parameters
    ----------
    parts : list of PartitionStats
        One per instansi, any order (combined in the order of their ids).
    names : dict, optional
        Instansi id → name.
    confidence : float, default 0.95
        Level of every interval.
    min_cell : int, default 5
        An instansi's statistic built from fewer respondents, rated employees or ratees
        is shown as ``None`` (:func:`suppress`); the nation's figures use every instansi.
        The training effect: an event time resting on fewer trained employees of an
        instansi is left out of its and the nation's aggregate, and an effect resting on
        fewer trained employees is not shown (:func:`suppress_training`).

    Returns
    -------
    dict
        ``period``, ``n_instansi``, ``confidence``, ``min_cell``, ``national`` (the
        figures of the summed statistics: ``employees``, ``skm``, ``predikat``,
        ``icc`` per role, ``gap``, ``training``, ``kappa`` per role), ``instansi`` (one entry per instansi, sorted by
        id: ``instansi_id``, ``name`` and the same figures, plus ``funnel``: ``z`` and
        ``position`` of its gap) and ``funnel`` (``centre``, ``limits``, counts per
        position).
    """
    ordered = sorted(parts, key=lambda p: p.instansi)
    total = combine(ordered)
    nat = total.figures(confidence, min_cell)
    nat["training"] = suppress_training(nat["training"], min_cell)
    centre = nat["gap"]["gap"]
    rows = []
    positions: dict[str, int] = {}
    for p in ordered:
        f = p.figures(confidence, min_cell)
        place = funnel(f["gap"]["gap"], f["gap"]["se"], centre)
        if min(f["gap"]["n_supervisor"], f["gap"]["n_citizen"]) < min_cell:
            place = {"z": None, "position": "suppressed"}
        positions[place["position"]] = positions.get(place["position"], 0) + 1
        rows.append(
            {
                "instansi_id": p.instansi,
                "name": (names or {}).get(p.instansi, p.instansi),
                **suppress(f, min_cell),
                "funnel": place,
            }
        )
    return {
        "period": total.period,
        "n_instansi": len(ordered),
        "confidence": confidence,
        "min_cell": min_cell,
        "icc_roles": list(ICC_ROLES),
        "national": nat,
        "instansi": rows,
        "funnel": {
            "centre": centre,
            "limits": list(FUNNEL_LIMITS),
            "positions": dict(sorted(positions.items())),
        },
    }
