"""The single-process reference: national figures computed on the pooled raw rows.

This is what the partitioned computation must reproduce. The instansi's tables are
concatenated into one :class:`evalkit.io.Study` (ids are unique across instansi, see
:mod:`evalkit.national.layout`) and each national figure is computed on all its rows
with evalkit's own functions — :func:`evalkit.skm_index` (IKM),
:func:`evalkit.scoring.score_study` and :func:`evalkit.check_distribution` (predikat),
:func:`evalkit.icc_aggregation` (ICC), :func:`evalkit.align_sources` (gap) — with no
sufficient statistic in between. An instansi's figures are the same functions on its
own rows. It holds every instansi in memory at once: for tests and small data only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..rules import permenpanrb_6_2022 as _r6
from ..tables import SKM_ITEMS, TABLES
from .results import FUNNEL_LIMITS, funnel, suppress
from .stats import BAIK_OR_BETTER, ICC_ROLES, MIN_N, ORG_ROWS, baik_or_better_cap, rater_means

__all__ = ["pool", "reference_figures", "reference_results"]


def pool(studies: dict[str, Any]):
    """One :class:`evalkit.io.Study` holding every row of ``studies`` (id → Study)."""
    from ..io import Study

    ordered = [studies[k] for k in sorted(studies)]
    return Study(
        **{
            name: pd.concat([getattr(s, name) for s in ordered], ignore_index=True)
            for name in TABLES
        },
        source="pooled",
    )


def _skm(citizen: pd.DataFrame, confidence: float) -> dict[str, Any]:
    from ..scoring import skm_index

    r = skm_index(citizen, confidence=confidence).iloc[0]
    return {
        "n": int(r["n"]),
        "nrr": {u: float(r[f"nrr_{u}"]) for u in SKM_ITEMS},
        "ikm": float(r["ikm"]),
        "ikm_converted": float(r["ikm_converted"]),
        "mutu": r["mutu"],
        "kinerja": r["kinerja"],
        "se": float(r["se"]),
        "ci_low": float(r["ci_low"]),
        "ci_high": float(r["ci_high"]),
    }


def _predikat(distribution: pd.DataFrame) -> dict[str, Any]:
    d = distribution.copy()
    d["org"] = d["org_predikat"].astype(object).where(d["org_predikat"].notna(), "none")
    d["bob"] = d[[f"n_{p}" for p in BAIK_OR_BETTER]].sum(axis=1)
    d["checked"] = (d["org"] != "none") & (d["n"] >= MIN_N)
    d["cap"] = [
        baik_or_better_cap(o, n) if c else 0
        for o, n, c in zip(d["org"], d["n"], d["checked"], strict=True)
    ]
    d["excess"] = np.where(d["checked"], np.maximum(d["bob"] - d["cap"], 0), 0)
    n = int(d["n"].sum())
    bob = int(d["bob"].sum())
    n_checked = int(d.loc[d["checked"], "n"].sum())
    excess = int(d["excess"].sum())
    by_org = {}
    for org in ORG_ROWS:
        sub = d[d["org"] == org]
        k = int(sub["n"].sum())
        b = int(sub["bob"].sum())
        by_org[org] = {
            "n_scored": k,
            "n_baik_or_better": b,
            "share_baik_or_better": b / k if k else math.nan,
            "ceiling_share": baik_or_better_cap(org, 100) / 100 if org != "none" else math.nan,
            "counts": {p: int(sub[f"n_{p}"].sum()) for p in _r6.PREDIKAT},
        }
    return {
        "n_scored": n,
        "n_baik_or_better": bob,
        "share_baik_or_better": bob / n if n else math.nan,
        "n_checked": n_checked,
        "excess": excess,
        "inflation": excess / n_checked if n_checked else math.nan,
        "units": int(len(d)),
        "units_checked": int(d["ok"].notna().sum()),
        "units_violating": int(d["ok"].eq(False).fillna(False).sum()),
        "by_org_predikat": by_org,
    }


def _icc(behaviour: pd.DataFrame, confidence: float) -> dict[str, Any]:
    import warnings

    from ..reliability import icc_aggregation

    means = rater_means(behaviour)
    out = {}
    for role in ICC_ROLES:
        sub = means[means["rater_role"] == role]
        J, N = sub["employee_id"].nunique(), len(sub)
        common = {"n_ratees": int(J), "n_ratings": int(N), "mean_raters": N / J if J else math.nan}
        if J < 2 or N - J < 1:
            nan = dict.fromkeys(("estimate", "ci_low", "ci_high", "p_val"), math.nan)
            out[role] = {"ICC1": dict(nan), "ICC1k": {**nan}, **common}
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = icc_aggregation(sub, "employee_id", "score", confidence=confidence)
        rows = {s: r[r["statistic"] == s].iloc[0] for s in ("bliese_icc1", "bliese_icc2")}
        out[role] = {
            name: {k: float(rows[s][k]) for k in ("estimate", "ci_low", "ci_high", "p_val")}
            for name, s in (("ICC1", "bliese_icc1"), ("ICC1k", "bliese_icc2"))
        } | common
    return out


def _gap(study, confidence: float) -> dict[str, Any]:
    from scipy import stats

    from ..compare import align_sources

    a = align_sources(study.behaviour, study.citizen, employees=study.employees, level="unit")
    sup, cit = a[a["source"] == "supervisor"], a[a["source"] == "citizen"]
    both = set(sup["unit_id"].dropna()) & set(cit["unit_id"].dropna())
    s = sup[sup["unit_id"].isin(both)].groupby("employee_id", observed=True)["score"].mean()
    c = cit.loc[cit["unit_id"].isin(both), "score"].astype(float)
    gap = float(s.mean() - c.mean()) if len(s) and len(c) else math.nan
    se = math.sqrt(s.var() / len(s) + c.var() / len(c)) if len(s) > 1 and len(c) > 1 else math.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return {
        "gap": gap,
        "se": se,
        "ci_low": gap - z * se,
        "ci_high": gap + z * se,
        "supervisor_mean": float(s.mean()) if len(s) else math.nan,
        "citizen_mean": float(c.mean()) if len(c) else math.nan,
        "n_supervisor": int(len(s)),
        "n_citizen": int(len(c)),
        "units": len(both),
    }


def reference_figures(study, period: str, confidence: float = 0.95) -> dict[str, Any]:
    """The figures of :meth:`~evalkit.national.stats.PartitionStats.figures`, computed
    on ``study``'s rows for ``period`` by evalkit's functions directly."""
    from ..io import select_period
    from ..scoring import score_study

    sel = select_period(study, period)
    return {
        "employees": int(study.employees["employee_id"].nunique()),
        "skm": _skm(sel.citizen, confidence),
        "predikat": _predikat(score_study(study, period).distribution),
        "icc": _icc(sel.behaviour, confidence),
        "gap": _gap(sel, confidence),
    }


def reference_results(
    studies: dict[str, Any],
    period: str,
    *,
    names: dict[str, str] | None = None,
    confidence: float = 0.95,
    min_cell: int = 5,
) -> dict[str, Any]:
    """:func:`evalkit.national.national_results`'s content computed on pooled rows: the
    nation's figures on all instansi's rows together, each instansi's on its own."""
    from ..io import select_period

    nat = reference_figures(pool(studies), period, confidence)
    centre = nat["gap"]["gap"]
    rows, positions = [], {}
    for iid in sorted(studies):
        f = reference_figures(studies[iid], period, confidence)
        place = funnel(f["gap"]["gap"], f["gap"]["se"], centre)
        if min(f["gap"]["n_supervisor"], f["gap"]["n_citizen"]) < min_cell:
            place = {"z": None, "position": "suppressed"}
        positions[place["position"]] = positions.get(place["position"], 0) + 1
        rows.append(
            {
                "instansi_id": iid,
                "name": (names or {}).get(iid, iid),
                **suppress(f, min_cell),
                "funnel": place,
            }
        )
    return {
        "period": select_period(studies[sorted(studies)[0]], period).period,
        "n_instansi": len(studies),
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
