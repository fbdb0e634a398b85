"""The single-process reference: national figures computed on the pooled raw rows.

This is what the partitioned computation must reproduce. The instansi's tables are
concatenated into one :class:`evalkit.io.Study` (ids are unique across instansi, see
:mod:`evalkit.national.layout`) and each national figure is computed on all its rows
with evalkit's own functions — :func:`evalkit.skm_index` (IKM),
:func:`evalkit.scoring.score_study` and :func:`evalkit.check_distribution` (predikat),
:func:`evalkit.icc_aggregation` (ICC), :func:`evalkit.fleiss_kappa` (kappa),
:func:`evalkit.align_sources` (gap),
:func:`evalkit.training_panel` with explicit cell means (training effect) — with no
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
from .results import FUNNEL_LIMITS, funnel, suppress, suppress_training
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


def _kappa(behaviour: pd.DataFrame, confidence: float) -> dict[str, Any]:
    """Fleiss' kappa of each role's value scores by :func:`evalkit.fleiss_kappa` on the
    rows: a target is one (employee, value, quarter), the scale 1–5."""
    from ..reliability import fleiss_kappa

    out = {}
    for role in ICC_ROLES:
        sub = behaviour[behaviour["rater_role"] == role]
        sub = sub[pd.to_numeric(sub["score"], errors="coerce").notna()]
        target = (
            sub["employee_id"].astype(str)
            + "|"
            + sub["value"].astype(str)
            + "|"
            + sub["period"].astype(str)
        )
        data = pd.DataFrame(
            {"target": target, "rater": sub["rater_id"].astype(str), "score": sub["score"]}
        )
        f: dict[str, Any] = {}
        for weights in (None, "quadratic"):
            name = "fleiss_kappa" if weights is None else f"fleiss_kappa_{weights}"
            try:
                r = fleiss_kappa(
                    data,
                    "target",
                    "rater",
                    "score",
                    weights=weights,
                    categories=[1, 2, 3, 4, 5],
                    confidence=confidence,
                ).iloc[0]
                f[name] = {k: float(r[k]) for k in ("estimate", "se", "ci_low", "ci_high", "p_val")}
            except ValueError:  # fewer than two targets, raters, or none rated twice
                f[name] = dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "p_val"), math.nan)
        f["n_targets"] = int(target.nunique())
        f["n_ratees"] = int(sub["employee_id"].nunique())
        f["n_raters"] = int(sub["rater_id"].nunique())
        out[role] = f
    return out


def reference_figures(
    study,
    period: str,
    confidence: float = 0.95,
    min_cell: int | None = None,
    groups: dict[str, set] | None = None,
) -> dict[str, Any]:
    """The figures of :meth:`~evalkit.national.stats.PartitionStats.figures`, computed
    on ``study``'s rows for ``period`` by evalkit's functions directly.

    ``groups`` (instansi id → its unit ids) splits pooled rows into instansi for the
    training effect, whose controls come from the trained employee's own instansi;
    ``None``: ``study`` is one instansi."""
    from ..io import select_period
    from ..scoring import score_study

    sel = select_period(study, period)
    if groups is None:
        designs = {"": _training_design(study, period)}
    else:
        designs = {
            iid: _training_design(_instansi_rows(study, units), period)
            for iid, units in groups.items()
        }
    return {
        "employees": int(study.employees["employee_id"].nunique()),
        "skm": _skm(sel.citizen, confidence),
        "predikat": _predikat(score_study(study, period).distribution),
        "icc": _icc(sel.behaviour, confidence),
        "gap": _gap(sel, confidence),
        "training": _training(designs, confidence, min_cell),
        "kappa": _kappa(sel.behaviour, confidence),
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

    groups = {iid: set(s.units["unit_id"]) for iid, s in studies.items()}
    nat = reference_figures(pool(studies), period, confidence, min_cell, groups)
    nat["training"] = suppress_training(nat["training"], min_cell)
    centre = nat["gap"]["gap"]
    rows, positions = [], {}
    for iid in sorted(studies):
        f = reference_figures(studies[iid], period, confidence, min_cell)
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


# ------------------------------------------------------------------------------ training
def _training_design(study, period: str) -> dict[str, Any] | None:
    """Employees × periods of supervisor behaviour for the training effect, from the
    rows of ``study`` up to ``period``: the wide outcome, each employee's cohort as a
    column index (inf: not trained within the periods) and cluster (unit, or the
    employee without one) — built here with pandas from :func:`evalkit.training_panel`,
    not with :mod:`evalkit.national.training`."""
    from ..impact import _cutoff, _period_codes, training_panel

    b, c = study.behaviour, study.citizen
    if len(study.training) == 0 or len(b) == 0:
        return None
    cut = _cutoff(period, b["period"])
    b = b.loc[_period_codes(b["period"])[0] <= cut]
    if len(c):
        c = c.loc[_period_codes(c["period"])[0] <= cut]
    if len(b) == 0:
        return None
    panel = training_panel(b, study.training, study.employees, citizen=c if len(c) else None)
    already = panel.groupby("employee_id")["already_treated"].transform("any")
    panel = panel[~already]
    wide = panel.pivot(index="employee_id", columns="period", values="y_supervisor")
    codes, _ = _period_codes(list(wide.columns))
    wide = wide.iloc[:, np.argsort(codes)]
    wide = wide[wide.notna().any(axis=1)]
    if wide.empty:
        return None
    first = panel.drop_duplicates("employee_id").set_index("employee_id").loc[wide.index]
    position = {p: i for i, p in enumerate(wide.columns)}
    cohort = np.array([position.get(x, np.inf) if x else np.inf for x in first["cohort"]], float)
    unit = first["unit_id"].astype(object)
    label = unit.where(unit.notna(), "employee:" + pd.Series(wide.index, index=unit.index))
    return {
        "y": wide.to_numpy(float),
        "cohort": cohort,
        "cluster": label.to_numpy(object),
        "by_employee": bool(unit.isna().all()),
    }


def _training_cells_reference(des: dict[str, Any], min_cell: int | None) -> pd.DataFrame:
    """One row per (cohort g, period t ≠ g − 1) of one instansi: the trained and control
    employees (masks over the design's rows) and whether the cell enters the simple ATT."""
    y, g = des["y"], des["cohort"]
    rows = []
    for gg in sorted(set(g[np.isfinite(g)].astype(int)) - {0}):
        b = gg - 1
        for t in range(y.shape[1]):
            if t == b:
                continue
            seen = np.isfinite(y[:, t]) & np.isfinite(y[:, b])
            treated = seen & (g == gg)
            control = seen & (g > max(t, b)) & (g != gg)
            rows.append(
                {
                    "g": gg,
                    "t": t,
                    "rel": t - gg,
                    "post": t >= gg,
                    "treated": treated,
                    "control": control,
                    "identified": bool(treated.any() and control.any()),
                }
            )
    cells = pd.DataFrame(rows)
    if cells.empty:
        return cells
    per_event = cells.groupby("rel")["treated"].apply(lambda m: sum(int(x.sum()) for x in m))
    hidden = {e for e, n in per_event.items() if min_cell is not None and 0 < n < min_cell}
    cells["hidden"] = cells["rel"].isin(hidden)
    cells["used"] = cells["post"] & cells["identified"] & ~cells["hidden"]
    return cells


def _training_theta(parts: list[tuple[dict, pd.DataFrame]], weights: list[np.ndarray]):
    """The simple ATT of the instansi ``parts`` with employee weights (complex allowed):
    Σ n_g ATT(g, t) / Σ n_g over the used cells of every instansi, each ATT(g, t) the
    weighted mean difference Y_t − Y_{g−1} of the cohort minus that of its controls."""
    num = den = 0.0
    for (des, cells), w in zip(parts, weights, strict=True):
        if cells.empty:
            continue
        y = des["y"]
        for r in cells[cells["used"]].itertuples():
            d = np.nan_to_num(y[:, r.t] - y[:, r.g - 1])
            wt, wc = w * r.treated, w * r.control
            att = (wt * d).sum() / wt.sum() - (wc * d).sum() / wc.sum()
            n_g = (w * (des["cohort"] == r.g)).sum()
            num = num + n_g * att
            den = den + n_g
    return num / den if np.all(np.real(den) > 0) else np.nan


def _training(
    designs: dict[str, dict | None], confidence: float, min_cell: int | None
) -> dict[str, Any]:
    """The simple ATT of ``designs`` (instansi id → design, controls within each
    instansi), its counts, and a unit-clustered variance G/(G − 1) Σ_u ψ_u² whose
    influences ψ_u = ∂θ/∂w_u are taken by complex-step differentiation of
    :func:`_training_theta` with respect to each unit's weight (exact to rounding)."""
    from scipy import stats

    from .._inference import MIN_TREATED_CLUSTERS, t_critical

    parts, keys, clusters = [], [], []
    n_treated = n_control = n_cells = n_hidden = 0
    treated_clusters, by_employee = set(), 0
    for iid in sorted(designs):
        des = designs[iid]
        if des is None:
            continue
        cells = _training_cells_reference(des, min_cell)
        parts.append((des, cells))
        key = [(iid, c) for c in des["cluster"]]
        keys.append(key)
        clusters.extend(key)
        by_employee += int(des["by_employee"])
        if cells.empty:
            continue
        post = cells[cells["post"] & cells["identified"]]
        if len(post):
            tr = np.logical_or.reduce(list(post["treated"]))
            n_treated += int(tr.sum())
            n_control += int(np.logical_or.reduce(list(post["control"])).sum())
            treated_clusters |= {k for k, x in zip(key, tr, strict=True) if x}
        n_cells += int(cells["used"].sum())
        n_hidden += int(cells["hidden"].sum())
    ones = [np.ones(len(d["y"])) for d, _ in parts]
    est = float(_training_theta(parts, ones)) if parts else math.nan
    uniq = sorted(set(clusters))
    G = len(uniq)
    se = low = high = p = math.nan
    no_interval = by_employee == 0 and len(treated_clusters) < MIN_TREATED_CLUSTERS
    if math.isfinite(est) and G >= 2 and not no_interval:
        h = 1e-30
        psi = []
        for unit in uniq:
            w = [1.0 + 1j * h * np.array([k == unit for k in key], float) for key in keys]
            psi.append(np.imag(_training_theta(parts, w)) / h)
        se = math.sqrt(G / (G - 1) * float(np.sum(np.square(psi))))
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
        "n_treated": n_treated,
        "n_control": n_control,
        "n_clusters": G,
        "n_treated_clusters": len(treated_clusters),
        "n_cells": n_cells,
        "n_hidden_cells": n_hidden,
    }


def _instansi_rows(study, units: set) -> Any:
    """The rows of ``study`` (pooled) that belong to the instansi of ``units``."""
    from ..io import Study

    emp = study.employees[study.employees["unit_id"].isin(units)]
    ids = set(emp["employee_id"])
    return Study(
        **{
            name: (
                df[df["unit_id"].isin(units)]
                if "unit_id" in df.columns
                else df[df["employee_id"].isin(ids)]
                if "employee_id" in df.columns
                else df
            )
            for name, df in ((n, getattr(study, n)) for n in TABLES)
        },
        source="pooled",
    )
