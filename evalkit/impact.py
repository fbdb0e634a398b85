"""Training impact: did capacity building improve performance?

Employees of Tanjung Selor attend workshops (``pelayanan_prima``,
``komunikasi_efektif``, ``manajemen_waktu``) at different times, so training is a
*staggered* treatment. This module builds an employee × period panel of outcomes
(:func:`training_panel`) and estimates the effect of training on the trained
(:func:`training_impact`) with

- the heterogeneity-robust estimator of Callaway & Sant'Anna (2021) with
  not-yet-treated (and never-treated) controls — the headline;
- two-way fixed effects (TWFE) with standard errors clustered by unit, shown
  beside it because it is what most readers expect, and because with staggered
  adoption and effects that grow over time it can be badly biased
  (Goodman-Bacon 2021);
- an event study (relative-time regression with leads and lags) and a joint
  pre-trend test;
- the naive before/after and trained-versus-untrained comparisons, reported with
  the reasons they are biased.

References
----------
Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple
time periods. *Journal of Econometrics* 225(2), 200–230.
Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment
timing. *Journal of Econometrics* 225(2), 254–277.
Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies
with heterogeneous treatment effects. *Journal of Econometrics* 225(2), 175–199.
Bertrand, M., Duflo, E. & Mullainathan, S. (2004). How much should we trust
differences-in-differences estimates? *QJE* 119(1), 249–275.
Roth, J. (2022). Pretest with caution: event-study estimates after testing for
parallel trends. *AER: Insights* 4(3), 305–322.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ._inference import MIN_TREATED_CLUSTERS, WEBB_BELOW, t_critical, wild_weights
from .sufficiency import Insufficient

__all__ = [
    "READING_EN",
    "ImpactResult",
    "training_impact",
    "training_panel",
    "training_sufficiency",
]

#: Outcome names accepted by :func:`training_impact` → panel column.
OUTCOMES: dict[str, str] = {
    "supervisor_behaviour": "y_supervisor",
    "citizen_officer": "y_citizen",
    "predikat": "y_predikat",
}

#: Method code of the headline estimator, per control group.
METHODS: dict[str, str] = {
    "not_yet_treated": "callaway_santanna_not_yet_treated",
    "never_treated": "callaway_santanna_never_treated",
}

#: Numeric value of the employee predikat (higher is better), for ``outcome="predikat"``.
PREDIKAT_SCORE: dict[str, int] = {
    "sangat_kurang": 1,
    "kurang": 2,
    "butuh_perbaikan": 3,
    "baik": 4,
    "sangat_baik": 5,
}

#: SKM unsur about the officer: u6 competence and u7 behaviour of the service staff
#: (PermenPANRB 14/2017, reference/regulations.md §3).
OFFICER_ITEMS: tuple[str, ...] = ("u6", "u7")

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


# --------------------------------------------------------------------------- periods


def _period_codes(periods: pd.Series | list[str], what: str = "period") -> tuple[np.ndarray, str]:
    """Integer time index of period strings and their frequency (``"Q"`` or ``"Y"``).

    ``2024Q1`` → 2024·4 + 0; ``2024`` → 2024. Mixing quarters and years is an error.
    The strings are parsed once per distinct value (a period column of a large table
    has millions of cells and a handful of values), then spread back to the cells.
    """
    s = periods if isinstance(periods, pd.Series) else pd.Series(list(periods), dtype="object")
    if isinstance(s.dtype, pd.CategoricalDtype):
        cells = s.cat.codes.to_numpy()
        values = s.cat.categories
    else:
        cells, values = pd.factorize(s, use_na_sentinel=True)
    missing = cells < 0
    if missing.any():  # read as the text "nan", which is neither a quarter nor a year
        cells = np.where(missing, len(values), cells)
        values = pd.Index([*values, "nan"], dtype="object")
    used = np.bincount(cells, minlength=len(values)) > 0 if len(cells) else np.zeros(0, bool)
    text = pd.Series(np.asarray(values, dtype=object)[used], dtype="object").astype(str).str.strip()
    at = np.cumsum(used) - 1  # position among the used values, per category
    q = text.str.extract(_QUARTER)
    if q[0].notna().all():
        distinct, freq = (q[0].astype(int) * 4 + q[1].astype(int) - 1).to_numpy(), "Q"
    else:
        y = text.str.extract(_YEAR)
        if not y[0].notna().all():
            bad = text[q[0].isna() & y[0].isna()]  # empty when quarters and years mix
            example = bad.iloc[0] if len(bad) else text.iloc[at[cells[0]]]
            raise ValueError(
                f"{what}: expected quarter strings like '2025Q3' (or all years like '2025'), "
                f"found {example!r}; quarters and years cannot be mixed in one panel"
            )
        distinct, freq = y[0].astype(int).to_numpy(), "Y"
    return distinct.astype(np.int64)[at[cells]] if len(cells) else distinct.astype(np.int64), freq


def _through(table: pd.DataFrame, cut: int) -> pd.DataFrame:
    """The rows of ``table`` up to period code ``cut`` (the table itself, not a copy,
    when that is every row: the latest period of a large study)."""
    keep = _period_codes(table["period"])[0] <= cut
    return table if keep.all() else table.loc[keep]


def _period_label(code: int, freq: str) -> str:
    return f"{code // 4}Q{code % 4 + 1}" if freq == "Q" else f"{code}"


def _first_treated_code(end_date: pd.Series, freq: str) -> np.ndarray:
    """First period of treatment: the period after the one containing ``end_date``."""
    d = pd.to_datetime(end_date)
    if freq == "Q":
        return (d.dt.year * 4 + d.dt.quarter - 1 + 1).to_numpy()
    return (d.dt.year + 1).to_numpy()


# --------------------------------------------------------------------------- the panel


def training_panel(
    behaviour: pd.DataFrame,
    training: pd.DataFrame,
    employees: pd.DataFrame,
    *,
    citizen: pd.DataFrame | None = None,
    predikat: pd.DataFrame | None = None,
    periods: list[str] | None = None,
) -> pd.DataFrame:
    """Employee × period panel of outcomes and training timing.

    Parameters
    ----------
    behaviour
        The ``behaviour`` table (``period, employee_id, rater_role, value, score``).
    training
        The ``training`` table (``employee_id, course, start_date, end_date, hours``).
    employees
        The ``employees`` table (``employee_id, unit_id``); the unit is the cluster.
    citizen
        Optional ``citizen`` table; responses that name an officer (``employee_id``)
        give the citizen outcome.
    predikat
        Optional employee predikat per period: ``period, employee_id, predikat`` with
        codes ``sangat_baik`` … ``sangat_kurang``.
    periods
        The periods of the panel. Default: every quarter (or year) from the first to
        the last period found in ``behaviour`` (and ``citizen``, ``predikat``), gaps
        included, so that relative time is calendar time.

    Returns
    -------
    pandas.DataFrame
        One row per employee and period (every employee of ``employees`` and of
        ``behaviour``, every period), sorted by ``employee_id, period``:

        - ``employee_id``, ``period``, ``unit_id`` (missing when the employee is not in
          ``employees``; estimation then treats the employee as its own cluster);
        - ``y_supervisor``: mean ``score`` of the ``atasan`` ratings over the seven
          BerAKHLAK values (1–5); ``n_supervisor``: number of those ratings;
        - ``y_citizen``: mean over responses naming the officer of the response's mean
          of u6 (competence) and u7 (behaviour of the staff), 1–4; NaN when no citizen
          named the officer; ``n_citizen``: number of those responses;
        - ``predikat`` and ``y_predikat`` (1 = sangat_kurang … 5 = sangat_baik), only
          when ``predikat`` is given;
        - ``first_training_end``: end date of the employee's first training (NaT if
          never trained);
        - ``cohort``: first treated period, the period *after* the one in which
          ``first_training_end`` falls (None if never trained); it may lie after the
          panel's last period;
        - ``rel_time``: ``period − cohort`` in periods (nullable integer; missing for
          the never trained);
        - ``treated``: ``period >= cohort``;
        - ``already_treated``: the cohort is at or before the panel's first period, so
          the employee has no untreated period and cannot be used for estimation.

    Notes
    -----
    The first training (earliest ``end_date``) defines the cohort; later trainings of
    the same employee are part of the treatment "having been trained", not new
    treatments. Treatment is absorbing. The outcome of the period that contains the
    end of training is an untreated outcome (the rating of that period was mostly
    earned before the training).

    Examples
    --------
    >>> import evalkit as ek
    >>> s = ek.simulate(seed=1, employees=200)  # doctest: +SKIP
    >>> panel = ek.training_panel(s.behaviour, s.training, s.employees)  # doctest: +SKIP
    >>> panel[["employee_id", "period", "y_supervisor", "cohort", "treated"]].head()  # doctest: +SKIP
    """
    _require(behaviour, "behaviour", ("period", "employee_id", "rater_role", "score"))
    _require(training, "training", ("employee_id", "end_date"))
    _require(employees, "employees", ("employee_id", "unit_id"))
    if citizen is not None:
        _require(citizen, "citizen", ("period", "employee_id", *OFFICER_ITEMS))
    if predikat is not None:
        _require(predikat, "predikat", ("period", "employee_id", "predikat"))

    # the period grid
    if periods is None:
        found = [behaviour["period"]]
        if citizen is not None:
            found.append(citizen["period"])
        if predikat is not None:
            found.append(predikat["period"])
        # distinct values first: a period column of a large table has millions of cells
        found_s = (
            pd.concat([pd.Series(pd.unique(f.dropna()), dtype=object) for f in found])
            .astype(str)
            .unique()
        )
        if len(found_s) == 0:
            raise ValueError(
                "training_panel: the behaviour table has no rows, so there is no period "
                "to build a panel on; pass `periods=[...]` or load behaviour ratings"
            )
        codes, freq = _period_codes(list(found_s))
        grid = np.arange(codes.min(), codes.max() + 1)
    else:
        if len(periods) == 0:
            raise ValueError("training_panel: `periods` is empty; pass e.g. ['2024Q1', '2024Q2']")
        codes, freq = _period_codes(list(periods), "periods")
        grid = np.unique(codes)
    labels = [_period_label(c, freq) for c in grid]

    # employees: everyone in employees or rated
    emp = employees[["employee_id", "unit_id"]].drop_duplicates("employee_id")
    ids = pd.Index(emp["employee_id"].astype(str)).union(
        pd.Index(
            pd.Series(pd.unique(behaviour["employee_id"].dropna()), dtype=object)
            .astype(str)
            .unique()
        )
    )
    panel = pd.DataFrame(
        {
            "employee_id": np.repeat(ids.to_numpy(dtype=object), len(grid)),
            "period": np.tile(np.asarray(labels, dtype=object), len(ids)),
        }
    )
    unit = pd.Series(emp["unit_id"].to_numpy(dtype=object), index=emp["employee_id"].astype(str))
    panel["unit_id"] = panel["employee_id"].map(unit)

    # supervisor behaviour
    b = behaviour.loc[behaviour["rater_role"] == "atasan", ["employee_id", "period", "score"]]
    # grouped on the columns as they are (categorical for a large file), the keys made
    # text afterwards: one string per employee and period, not per rating
    sup = (
        b.assign(score=pd.to_numeric(b["score"]).astype(float))
        .groupby(["employee_id", "period"], sort=False, observed=True)["score"]
        .agg(y_supervisor="mean", n_supervisor="count")
    )
    sup.index = pd.MultiIndex.from_arrays(
        [sup.index.get_level_values(k).astype(str) for k in (0, 1)],
        names=["employee_id", "period"],
    )
    panel = panel.join(sup, on=["employee_id", "period"])

    # citizens who named the officer
    if citizen is not None:
        c = citizen.loc[citizen["employee_id"].notna()]
        per_response = c[list(OFFICER_ITEMS)].apply(pd.to_numeric).astype(float).mean(axis=1)
        cit = (
            pd.DataFrame(
                {
                    "employee_id": c["employee_id"].astype(str).to_numpy(),
                    "period": c["period"].astype(str).to_numpy(),
                    "r": per_response.to_numpy(),
                }
            )
            .dropna(subset=["r"])
            .groupby(["employee_id", "period"], sort=False)["r"]
            .agg(y_citizen="mean", n_citizen="count")
        )
        panel = panel.join(cit, on=["employee_id", "period"])
    else:
        panel["y_citizen"] = np.nan
        panel["n_citizen"] = 0
    panel["n_supervisor"] = panel["n_supervisor"].fillna(0).astype("int64")
    panel["n_citizen"] = panel["n_citizen"].fillna(0).astype("int64")

    # predikat
    if predikat is not None:
        p = predikat[["employee_id", "period", "predikat"]].dropna()
        unknown = sorted(set(p["predikat"].astype(str)) - set(PREDIKAT_SCORE))
        if unknown:
            raise ValueError(
                f"training_panel: predikat codes {unknown} are not known; "
                f"expected one of {list(PREDIKAT_SCORE)}"
            )
        p = p.assign(employee_id=p["employee_id"].astype(str), period=p["period"].astype(str))
        p = p.drop_duplicates(["employee_id", "period"], keep="last").set_index(
            ["employee_id", "period"]
        )["predikat"]
        panel = panel.join(p.astype(object), on=["employee_id", "period"])
        panel["y_predikat"] = panel["predikat"].map(PREDIKAT_SCORE).astype(float)

    # training timing: the first training defines the cohort
    tr = training.loc[training["end_date"].notna(), ["employee_id", "end_date"]]
    first_end = (
        pd.Series(
            pd.to_datetime(tr["end_date"]).to_numpy(dtype="datetime64[ns]"),
            index=tr["employee_id"].astype(str).to_numpy(),
        )
        .groupby(level=0)
        .min()
    )
    panel["first_training_end"] = first_end.reindex(panel["employee_id"].to_numpy()).to_numpy(
        dtype="datetime64[ns]"
    )
    t_code = np.tile(grid, len(ids))
    trained = panel["first_training_end"].notna().to_numpy()
    g_code = np.full(len(panel), np.nan)
    if trained.any():
        g_code[trained] = _first_treated_code(panel.loc[trained, "first_training_end"], freq)
    names = {c: _period_label(int(c), freq) for c in np.unique(g_code[trained])}
    panel["cohort"] = pd.Series(g_code, index=panel.index).map(names).astype(object)
    panel["cohort"] = panel["cohort"].where(trained, None)
    rel = t_code - g_code
    panel["rel_time"] = pd.array(np.where(trained, rel, 0).astype("int64"), dtype="Int64")
    panel.loc[~trained, "rel_time"] = pd.NA
    panel["treated"] = trained & (rel >= 0)
    panel["already_treated"] = trained & (g_code <= grid[0])
    return panel.reset_index(drop=True)


def _require(df: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {missing}; found {list(df.columns)} "
            f"(see evalkit.tables.TABLES[{name!r}] for the data model)"
        )


# --------------------------------------------------------------------------- design


@dataclass(frozen=True)
class _Design:
    """Wide outcome matrix of the estimation sample."""

    y: np.ndarray  # (n, T) outcome, NaN = unobserved
    g: np.ndarray  # (n,) cohort as column index in 0..T-1, +inf = not treated in the window
    cluster: np.ndarray  # (n,) cluster codes 0..C-1
    n_clusters: int
    periods: list[str]
    clustered_by: str


def _design(panel: pd.DataFrame, column: str) -> tuple[_Design, dict[str, Any]]:
    periods = list(pd.unique(panel["period"]))
    codes, freq = _period_codes(periods)
    order = np.argsort(codes)
    periods = [periods[i] for i in order]
    codes = codes[order]
    pos = pd.Series(np.arange(len(periods)), index=periods)

    n_all = panel["employee_id"].nunique()
    already = panel.groupby("employee_id", sort=False)["already_treated"].any()
    keep = panel["employee_id"].map(already).eq(False).to_numpy()
    p = panel.loc[keep]
    e_codes, e_ids = pd.factorize(p["employee_id"])
    t_idx = p["period"].map(pos).to_numpy()
    y = np.full((len(e_ids), len(periods)), np.nan)
    y[e_codes, t_idx] = p[column].to_numpy(dtype=float)
    observed = np.isfinite(y).any(axis=1)

    first = p.drop_duplicates("employee_id")
    cohort = first["cohort"].to_numpy(dtype=object)
    g = np.full(len(e_ids), np.inf)
    has = pd.notna(cohort)
    if has.any():
        gc, _ = _period_codes(list(cohort[has]), "cohort")
        gi = np.searchsorted(codes, gc)
        inside = gc <= codes[-1]
        g_has = np.full(has.sum(), np.inf)
        g_has[inside] = gi[inside]
        g[has] = g_has
    unit = first["unit_id"]
    if unit.notna().any():
        # an employee without a unit is its own cluster
        lab = unit.astype(object).where(unit.notna(), "\x00employee:" + first["employee_id"])
        cl, _ = pd.factorize(lab)
        by = "unit"
    else:
        cl = np.arange(len(e_ids))
        by = "employee"
    y, g, cl = y[observed], g[observed], cl[observed]
    cl, uniq = pd.factorize(cl)
    info = {
        "n_employees": int(n_all),
        "n_already_treated": int(already.sum()),
        "n_without_outcome": int((~observed).sum()),
        "freq": freq,
    }
    return _Design(y, g, cl, len(uniq), periods, by), info


def _cluster_onehot(cluster: np.ndarray, n_clusters: int) -> sparse.csr_matrix:
    n = len(cluster)
    return sparse.csr_matrix((np.ones(n), (cluster, np.arange(n))), shape=(n_clusters, n))


# --------------------------------------------------------------------------- Callaway–Sant'Anna


@dataclass(frozen=True)
class _CS:
    pairs: pd.DataFrame  # g, t, b, rel_time, post
    att: np.ndarray  # (P,)
    att_w: np.ndarray  # (2C, P) at the perturbed cluster weights of _perturbed
    n_g: np.ndarray  # (K,) cohort sizes
    n_g_w: np.ndarray  # (2C, K)
    cohort_of_pair: np.ndarray  # (P,) index into cohorts
    cohorts: np.ndarray  # (K,) column index of each cohort
    n_tr: np.ndarray  # (P,)
    n_c: np.ndarray  # (P,)
    treated_any: np.ndarray  # (n,) bool: in a post pair as treated
    control_any: np.ndarray  # (n,) bool: in a post pair as control


def _cs_fit(d: _Design, control_group: str, weights: np.ndarray) -> _CS:
    y, g = d.y, d.g
    T = y.shape[1]
    cohorts = np.unique(g[np.isfinite(g)]).astype(int)
    cohorts = cohorts[cohorts >= 1]
    rows = []
    for k, gg in enumerate(cohorts):
        for t in range(T):
            if t == gg - 1:
                continue  # the reference period: ATT is 0 by construction
            rows.append((k, gg, t, gg - 1))
    pairs = pd.DataFrame(rows, columns=["k", "g", "t", "b"], dtype="int64")
    pairs["rel_time"] = pairs["t"] - pairs["g"]
    pairs["post"] = pairs["t"] >= pairs["g"]
    gk, gt, gb = (pairs[c].to_numpy() for c in ("g", "t", "b"))

    delta = y[:, gt] - y[:, gb]  # (n, P)
    valid = np.isfinite(delta)
    delta = np.where(valid, delta, 0.0)
    tr = (g[:, None] == gk[None, :]) & valid
    later = np.maximum(gt, gb)[None, :]
    if control_group == "never_treated":
        ctl = np.isinf(g)[:, None] & valid
    else:
        ctl = (g[:, None] > later) & (g[:, None] != gk[None, :]) & valid

    A = _cluster_onehot(d.cluster, d.n_clusters)
    s_tr = np.asarray(A @ (tr * delta))  # (C, P)
    n_tr = np.asarray(A @ tr.astype(float))
    s_c = np.asarray(A @ (ctl * delta))
    n_c = np.asarray(A @ ctl.astype(float))
    in_cohort = (g[:, None] == cohorts[None, :]).astype(float)
    k_c = np.asarray(A @ in_cohort)  # (C, K)

    def att_of(w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if w is None:
            a, b_, c, e = s_tr.sum(0), n_tr.sum(0), s_c.sum(0), n_c.sum(0)
            ng = k_c.sum(0)
        else:
            a, b_, c, e = w @ s_tr, w @ n_tr, w @ s_c, w @ n_c
            ng = w @ k_c
        with np.errstate(invalid="ignore", divide="ignore"):
            att = np.where((b_ > 0) & (e > 0), a / b_ - c / e, np.nan)
        return att, ng

    att, n_g = att_of(None)
    att_w, n_g_w = att_of(weights)
    post = pairs["post"].to_numpy()
    return _CS(
        pairs=pairs,
        att=att,
        att_w=att_w,
        n_g=n_g,
        n_g_w=n_g_w,
        cohort_of_pair=pairs["k"].to_numpy(),
        cohorts=cohorts,
        n_tr=n_tr.sum(0),
        n_c=n_c.sum(0),
        treated_any=(tr[:, post & np.isfinite(att)]).any(axis=1),
        control_any=(ctl[:, post & np.isfinite(att)]).any(axis=1),
    )


def _weighted(att: np.ndarray, weight: np.ndarray, select: np.ndarray) -> np.ndarray:
    """Σ w·att / Σ w over the selected pairs with a finite ATT (last axis = pairs)."""
    w = np.where(select & np.isfinite(att), weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w.sum(-1) > 0, (w * np.nan_to_num(att)).sum(-1) / w.sum(-1), np.nan)


def _aggregates(cs: _CS, att: np.ndarray, n_g: np.ndarray) -> dict[str, np.ndarray]:
    """Overall ATT ("simple", "group", "dynamic") and per event time, for 1-D or (B, P) input."""
    pw = n_g[..., cs.cohort_of_pair]  # cohort size of each pair's cohort
    post = cs.pairs["post"].to_numpy()
    out = {"simple": _weighted(att, pw, post)}
    # group: mean over each cohort's post periods, then weighted by cohort size
    K = len(cs.cohorts)
    theta_g = np.stack(
        [_weighted(att, np.ones_like(pw), post & (cs.cohort_of_pair == k)) for k in range(K)]
        or [np.full(np.shape(att)[:-1], np.nan)],
        axis=-1,
    )
    n_g = n_g if K else np.zeros(np.shape(att)[:-1] + (1,))
    wg = np.where(np.isfinite(theta_g), n_g, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["group"] = np.where(
            wg.sum(-1) > 0, (wg * np.nan_to_num(theta_g)).sum(-1) / wg.sum(-1), np.nan
        )
    rel = cs.pairs["rel_time"].to_numpy()
    for e in np.unique(rel):
        out[f"e{e}"] = _weighted(att, pw, rel == e)
    post_e = [out[f"e{e}"] for e in np.unique(rel) if e >= 0]
    if post_e:
        stack = np.stack(post_e, axis=-1)
        ok = np.isfinite(stack)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["dynamic"] = np.where(
                ok.any(-1), np.where(ok, stack, 0.0).sum(-1) / ok.sum(-1), np.nan
            )
    else:
        out["dynamic"] = np.full(np.shape(att)[:-1], np.nan)
    return out


#: Step of the central differences that give the cluster influence functions.
_EPS = 1e-4


def _perturbed(n_clusters: int) -> np.ndarray:
    """Cluster weights 1 ± ε·e_c, shape (2C, C): the rows at which every statistic is
    evaluated to get its derivative with respect to each cluster's weight."""
    eye = np.eye(n_clusters)
    return np.vstack([1.0 + _EPS * eye, 1.0 - _EPS * eye])


def _wild_draws(est: np.ndarray | float, at_w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Multiplier-bootstrap draws θ̂ + √(G/(G−1)) Σ_c v_c ψ_c of a statistic.

    ``at_w`` is the statistic at the weights of :func:`_perturbed` (first axis 2C);
    ψ_c = (θ(1 + ε e_c) − θ(1 − ε e_c)) / 2ε is its cluster influence (the derivative
    with respect to the weight of cluster c, exact to O(ε²): every statistic here is a
    smooth function of per-cluster sums); ``v`` the (B, C) multipliers of
    :func:`evalkit._inference.wild_weights`. The factor G/(G−1) is the usual
    small-sample correction of the cluster-robust variance Σ_c ψ_c² (CR1).
    """
    C = v.shape[1]
    psi = (at_w[:C] - at_w[C:]) / (2 * _EPS)
    psi = np.nan_to_num(psi, nan=0.0, posinf=0.0, neginf=0.0)
    scale = math.sqrt(C / (C - 1)) if C > 1 else 1.0
    return np.asarray(est)[None, ...] + scale * (v @ psi)


def _interval(
    est: float, draws: np.ndarray, crit: float, df: float
) -> tuple[float, float, float, float]:
    """SE (sd of the draws), est ∓ crit·SE and the two-sided p-value of t(df)."""
    d = draws[np.isfinite(draws)]
    if not np.isfinite(est) or len(d) < 2 or not np.isfinite(crit):
        return np.nan, np.nan, np.nan, np.nan
    se = float(np.std(d, ddof=1))
    p = float(2 * stats.t.sf(abs(est) / se, df)) if se > 0 else np.nan
    return se, est - crit * se, est + crit * se, p


def _wald(est: np.ndarray, draws: np.ndarray, n_clusters: int) -> tuple[float, int, float, float]:
    """Joint test of est = 0 with the bootstrap covariance (draws with NaN dropped).

    W = est' V⁻¹ est; F = W (G − q) / (q (G − 1)) ~ F(q, G − q), Hotelling's small-sample
    form for a covariance estimated from G clusters (χ²(q) as G → ∞).
    Returns (F, q, G − q, p).
    """
    ok = np.isfinite(est)
    est, draws = est[ok], draws[:, ok]
    draws = draws[np.isfinite(draws).all(axis=1)]
    q = len(est)
    G = n_clusters
    if q == 0 or len(draws) <= q or G <= q:
        return np.nan, q, np.nan, np.nan
    cov = np.cov(draws, rowvar=False).reshape(q, q)
    w = float(est @ np.linalg.pinv(cov) @ est)
    f = w * (G - q) / (q * (G - 1))
    return f, q, float(G - q), float(stats.f.sf(f, q, G - q))


# --------------------------------------------------------------------------- TWFE


def _demean(x: np.ndarray, a: np.ndarray, b: np.ndarray, tol: float = 1e-11) -> np.ndarray:
    """Two-way within transform by alternating projections (exact in one sweep when balanced)."""
    x = np.array(x, dtype=float, copy=True)
    Ma = sparse.csr_matrix((np.ones(len(a)), (a, np.arange(len(a)))))
    Mb = sparse.csr_matrix((np.ones(len(b)), (b, np.arange(len(b)))))
    ca, cb = np.asarray(Ma.sum(1)), np.asarray(Mb.sum(1))
    scale = max(1.0, float(np.abs(x).max(initial=0.0)))
    for _ in range(10_000):
        x -= (np.asarray(Ma @ x) / ca)[a]
        mb = np.asarray(Mb @ x) / cb
        x -= mb[b]
        if np.abs(mb).max(initial=0.0) < tol * scale:
            break
    return x


def _twfe_long(d: _Design, window: tuple[int, int]) -> pd.DataFrame:
    n, T = d.y.shape
    e, t = np.nonzero(np.isfinite(d.y))
    long = pd.DataFrame({"e": e, "t": t, "y": d.y[e, t], "g": d.g[e], "cluster": d.cluster[e]})
    counts = np.bincount(long["e"], minlength=n)
    long = long.loc[counts[long["e"]] >= 2].reset_index(drop=True)  # singletons carry no info
    long["e"] = pd.factorize(long["e"])[0]
    long["D"] = (long["t"] >= long["g"]).astype(float)
    rel = (long["t"] - long["g"]).to_numpy()
    lo, hi = window
    long["rel"] = np.where(np.isfinite(rel), np.clip(rel, lo, hi), np.nan)
    return long


def _ols_cluster(y: np.ndarray, X: np.ndarray, cluster: np.ndarray):
    import statsmodels.api as sm

    return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True)


# --------------------------------------------------------------------------- naive


def _naive(d: _Design, boot: np.ndarray) -> list[tuple]:
    """The naive comparisons: (name, estimate, values at the cluster weights ``boot``,
    n_treated, n_control, mean gap in periods)."""
    y, g = d.y, d.g
    n, T = y.shape
    tt = np.arange(T)[None, :]
    obs = np.isfinite(y)
    yz = np.where(obs, y, 0.0)
    ever = np.isfinite(g)
    post = obs & (tt >= g[:, None])
    pre = obs & (tt < g[:, None])
    A = _cluster_onehot(d.cluster, d.n_clusters)
    rows = []

    # before/after of the trained: per employee mean(post) − mean(pre), averaged
    both = ever & post.any(1) & pre.any(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = (yz * post).sum(1) / post.sum(1) - (yz * pre).sum(1) / pre.sum(1)
        gap = (tt * post).sum(1) / post.sum(1) - (tt * pre).sum(1) / pre.sum(1)
    diff, gap = np.where(both, diff, 0.0), np.where(both, gap, 0.0)
    num = np.asarray(A @ np.column_stack([diff, both.astype(float), gap]))
    est = num[:, 0].sum() / num[:, 1].sum() if both.any() else np.nan
    draws = (boot @ num[:, 0]) / (boot @ num[:, 1])
    rows.append(
        (
            "before_after",
            est,
            draws,
            int(both.sum()),
            0,
            num[:, 2].sum() / num[:, 1].sum() if both.any() else np.nan,
        )
    )

    # trained (in treated periods) versus never trained, periods from the first cohort on
    first = np.nanmin(np.where(ever, g, np.nan)) if ever.any() else np.inf
    never = ~ever & np.isfinite(first)
    ctl = obs & never[:, None] & (tt >= first)
    cols = np.column_stack([(yz * post).sum(1), post.sum(1), (yz * ctl).sum(1), ctl.sum(1)])
    num = np.asarray(A @ cols)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = num[:, 0].sum() / num[:, 1].sum() - num[:, 2].sum() / num[:, 3].sum()
        bd = boot @ num
        draws = bd[:, 0] / bd[:, 1] - bd[:, 2] / bd[:, 3]
    rows.append(
        (
            "treated_vs_untrained",
            est,
            draws,
            int((post.any(1)).sum()),
            int(ctl.any(1).sum()),
            np.nan,
        )
    )
    return rows


# --------------------------------------------------------------------------- result

#: English templates of :meth:`ImpactResult.reading` (keys: the parts of the reading, the
#: note codes, and ``outcome_<code>``); fields in braces are filled from the result.
READING_EN: dict[str, str] = {
    "outcome_supervisor_behaviour": "supervisor behaviour score (1–5)",
    "outcome_citizen_officer": "citizens' rating of the officer (1–4)",
    "outcome_predikat": "performance predikat (1–5)",
    "headline": (
        "From {first_period} to {last_period}, training changed the {outcome} of trained "
        "employees by {estimate:+.2f} points on average ({pct}% confidence interval "
        "{ci_low:+.2f} to {ci_high:+.2f}), comparing {n_treated} trained employees with "
        "{n_control} colleagues not (yet) trained over the same periods."
    ),
    "headline_no_interval": (
        "From {first_period} to {last_period}, training changed the {outcome} of trained "
        "employees by {estimate:+.2f} points on average, comparing {n_treated} trained "
        "employees with {n_control} colleagues not (yet) trained over the same periods."
    ),
    "improved": "The whole interval is above zero: ratings improved after training.",
    "worsened": "The whole interval is below zero: ratings fell after training.",
    "inconclusive": (
        "The interval includes zero: these data cannot tell the effect apart from no effect."
    ),
    "naive": (
        "Simpler comparisons can mislead: before versus after training gives "
        "{before_after:+.2f} points, which also contains any change over time that affected "
        "everyone; trained versus untrained employees gives {treated_vs_untrained:+.2f} "
        "points, which also contains any difference that existed between those sent to "
        "training and the others."
    ),
    "twfe_differs": (
        "The conventional two-way fixed-effects estimate ({twfe:+.2f}) differs from the "
        "robust estimate: with training in waves and effects that change over time it "
        "compares the newly trained with the already trained, and should not be used."
    ),
    "pretrend_not_parallel": (
        "Warning: before their training, the trained employees' ratings already moved "
        "differently from the others' (pre-trend test p = {pretrend_p:.3f}); the estimate "
        "may be biased."
    ),
    "too_few_periods": (
        "Warning: there are too few periods before training to check that the trained and "
        "the others were on parallel trends; read the estimate with caution."
    ),
    "no_treated_cohort": (
        "No employee completed a training within {first_period}–{last_period} with a "
        "period before it in the data, so the effect of training cannot be estimated."
    ),
    "no_never_treated": (
        "Every employee was trained at some point, so only the not-yet-trained serve as "
        "comparison and the latest wave's effect cannot be estimated."
    ),
    "few_clusters": (
        "Only {n_clusters} units: the intervals allow for so few clusters (t with "
        "{df} degrees of freedom and a wild cluster bootstrap), but rest on fewer "
        "independent units than they count employees."
    ),
    "few_treated_clusters": (
        "The trained employees work in only {n_treated_clusters} units, too few for any "
        "confidence interval of the effect to be trusted, so none is given: the estimate "
        "alone cannot tell an effect apart from chance."
    ),
    "clustered_by_employee": (
        "Units are unknown, so intervals are clustered by employee and may be too narrow."
    ),
}


@dataclass
class ImpactResult:
    """The effect of training on later ratings, estimated several ways.

    Attributes
    ----------
    outcome : str
        ``supervisor_behaviour``, ``citizen_officer`` or ``predikat``.
    method : str
        Code of the headline estimator, e.g. ``callaway_santanna_not_yet_treated``.
    period : str or None
        Last period used (``None`` = all).
    att : pandas.DataFrame
        Callaway–Sant'Anna aggregates: ``aggregation`` (``simple`` — the headline,
        ``group``, ``dynamic``), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_val``, ``n_treated``, ``n_control``.
    att_gt : pandas.DataFrame
        The building blocks ATT(g, t): ``cohort``, ``period``, ``rel_time``, ``post``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n_treated``, ``n_control``
        (employee counts of the 2×2 comparison; ``n_treated`` below ``min_cell`` is
        for the restricted output only).
    twfe : pandas.DataFrame
        One row: ``term`` (``treated``), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_val``, ``n_obs``, ``n_employees``, ``n_clusters``.
    event_study : pandas.DataFrame
        ``method`` (``callaway_santanna`` dynamic aggregation, or ``twfe_event_study``,
        the relative-time regression), ``rel_time``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``reference`` (True for the normalised period −1, estimate 0),
        ``binned`` (the regression's end bins), ``n_treated`` (trained employees behind
        the event time; NA for the end bins), ``suppressed`` (``"small_cell"`` where
        ``min_cell`` hid the event time, else None).
    pretrend : pandas.DataFrame
        Joint test that all leads (rel_time ≤ −2) are zero: ``method``, ``test``
        (``hotelling_f`` for Callaway–Sant'Anna, ``wald_f`` for the regression), ``statistic``, ``df``, ``df_denom``, ``p_val``,
        ``n_leads``.
    naive : pandas.DataFrame
        ``comparison`` (``before_after``, ``treated_vs_untrained``), ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``n_treated``, ``n_control``,
        ``mean_gap_periods`` (before/after: mean distance in periods between the
        post and the pre observations of an employee), ``bias_source``.
    panel_summary : pandas.DataFrame
        One row per period of the estimation sample: ``period``, ``n_obs`` (employees
        with an outcome), ``n_treated`` (trained before the period), ``n_not_yet_treated``
        (trained later within the window), ``n_never_treated``, and the mean outcome of
        each group, ``mean_treated``, ``mean_not_yet_treated``, ``mean_never_treated``
        (NaN when the group is empty): the raw trends behind the estimates.
    summary : dict
        Panel summary: periods, employee counts (trained, never trained, already
        trained before the panel and excluded, without outcome), clusters, cohorts,
        ``n_treated_clusters`` (units holding a trained employee), ``df`` (G − 1, the
        degrees of freedom of the t intervals) and ``bootstrap_weights``
        (``rademacher`` or ``webb``).
    notes : tuple of str
        Warning codes: ``pretrend_not_parallel``, ``too_few_periods``,
        ``twfe_differs``, ``no_treated_cohort``, ``no_never_treated``,
        ``few_clusters``, ``few_treated_clusters`` (fewer than 6 units hold a trained
        employee: no interval is given), ``clustered_by_employee``.
    """

    outcome: str
    method: str
    period: str | None
    control_group: str
    confidence: float
    att: pd.DataFrame
    att_gt: pd.DataFrame
    twfe: pd.DataFrame
    event_study: pd.DataFrame
    pretrend: pd.DataFrame
    naive: pd.DataFrame
    panel_summary: pd.DataFrame
    summary: dict[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headline(self) -> pd.Series:
        """The ``simple`` overall ATT row of :attr:`att`."""
        return self.att.set_index("aggregation").loc["simple"]

    def to_json(self) -> dict[str, Any]:
        """The ``training`` entry of results.json: canonical codes and numbers only.

        No employee ids or names; NaN becomes ``None``. Keys: ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``p_val``, ``confidence``, ``method``, ``outcome``,
        ``period``, ``control_group``, ``aggregation``, ``n_treated``, ``n_control``,
        ``n_clusters``, ``periods``, ``twfe`` (``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``p_val``), ``naive`` (per comparison: ``estimate``, ``ci_low``,
        ``ci_high``), ``pretrend`` (``statistic``, ``df``, ``p_val`` of the headline
        estimator's test), ``event_study`` (list of ``rel_time``, ``estimate``,
        ``ci_low``, ``ci_high``, ``reference``, ``suppressed``), ``notes``.

        Use as ``results["training"] = result.to_json()``.
        """
        h = self.headline
        tw = self.twfe.iloc[0]
        pt = self.pretrend.set_index("method").loc["callaway_santanna"]
        es = self.event_study[self.event_study["method"] == "callaway_santanna"]
        return {
            "estimate": _num(h["estimate"]),
            "se": _num(h["se"]),
            "ci_low": _num(h["ci_low"]),
            "ci_high": _num(h["ci_high"]),
            "p_val": _num(h["p_val"]),
            "confidence": self.confidence,
            "method": self.method,
            "outcome": self.outcome,
            "period": self.period,
            "control_group": self.control_group,
            "aggregation": "simple",
            "n_treated": int(h["n_treated"]),
            "n_control": int(h["n_control"]),
            "n_clusters": int(self.summary["n_clusters"]),
            "periods": [self.summary["first_period"], self.summary["last_period"]],
            "twfe": {k: _num(tw[k]) for k in ("estimate", "se", "ci_low", "ci_high", "p_val")},
            "naive": {
                r["comparison"]: {k: _num(r[k]) for k in ("estimate", "ci_low", "ci_high")}
                for _, r in self.naive.iterrows()
            },
            "pretrend": {
                "statistic": _num(pt["statistic"]),
                "df": int(pt["df"]),
                "p_val": _num(pt["p_val"]),
            },
            "event_study": [
                {
                    "rel_time": int(r["rel_time"]),
                    "estimate": _num(r["estimate"]),
                    "ci_low": _num(r["ci_low"]),
                    "ci_high": _num(r["ci_high"]),
                    "reference": bool(r["reference"]),
                    "suppressed": r["suppressed"],
                }
                for _, r in es.iterrows()
            ],
            "notes": list(self.notes),
        }

    def reading(self, texts: dict[str, str] | None = None) -> list[str]:
        """A plain-language reading of the result, one sentence per paragraph.

        Parameters
        ----------
        texts
            Templates overriding :data:`READING_EN` (same keys and ``{fields}``), e.g.
            an Indonesian catalogue.

        Returns
        -------
        list of str
            The headline (estimate, interval, counts), what the interval says
            (``improved`` / ``worsened`` / ``inconclusive``), the naive comparisons and
            why they mislead, then one sentence per warning note.

        Examples
        --------
        >>> print("\\n".join(result.reading()))  # doctest: +SKIP
        """
        t = {**READING_EN, **(texts or {})}
        h = self.headline
        naive = self.naive.set_index("comparison")["estimate"]
        pt = self.pretrend.set_index("method").loc["callaway_santanna", "p_val"]
        fields = {
            "outcome": t.get(f"outcome_{self.outcome}", self.outcome),
            "estimate": h["estimate"],
            "ci_low": h["ci_low"],
            "ci_high": h["ci_high"],
            "pct": round(self.confidence * 100),
            "n_treated": int(h["n_treated"]),
            "n_control": int(h["n_control"]),
            "first_period": self.summary["first_period"],
            "last_period": self.summary["last_period"],
            "before_after": naive.get("before_after", np.nan),
            "treated_vs_untrained": naive.get("treated_vs_untrained", np.nan),
            "twfe": self.twfe.loc[0, "estimate"],
            "pretrend_p": pt,
            "n_clusters": self.summary["n_clusters"],
            "n_treated_clusters": self.summary.get("n_treated_clusters", 0),
            "df": self.summary.get("df", self.summary["n_clusters"] - 1),
        }
        if "no_treated_cohort" in self.notes:
            return [t["no_treated_cohort"].format(**fields)]
        if not np.isfinite(h["ci_low"]):  # too few treated units: words, not a number
            out = [t["headline_no_interval"].format(**fields)]
        elif h["ci_low"] > 0:
            out = [t["headline"].format(**fields), t["improved"].format(**fields)]
        elif h["ci_high"] < 0:
            out = [t["headline"].format(**fields), t["worsened"].format(**fields)]
        else:
            out = [t["headline"].format(**fields), t["inconclusive"].format(**fields)]
        if np.isfinite(fields["before_after"]) and np.isfinite(fields["treated_vs_untrained"]):
            out.append(t["naive"].format(**fields))
        out += [t[n].format(**fields) for n in self.notes if n in t]
        return out

    def _repr_html_(self) -> str:
        h = self.headline
        tw = self.twfe.iloc[0]
        pct = round(self.confidence * 100)

        def f(x: float) -> str:
            return "–" if not np.isfinite(x) else f"{x:.3f}"

        notes = "".join(f"<li><code>{html.escape(n)}</code></li>" for n in self.notes)
        naive = self.naive[["comparison", "estimate", "ci_low", "ci_high", "bias_source"]]
        return (
            "<div><b>Training impact</b> "
            f"({html.escape(self.outcome)}, {html.escape(self.method)}, "
            f"{self.summary['first_period']}–{self.summary['last_period']})<br>"
            f"ATT = {f(h['estimate'])} [{f(h['ci_low'])}, {f(h['ci_high'])}] ({pct}% CI), "
            f"{int(h['n_treated'])} trained, {int(h['n_control'])} controls, "
            f"{self.summary['n_clusters']} clusters<br>"
            f"TWFE = {f(tw['estimate'])} [{f(tw['ci_low'])}, {f(tw['ci_high'])}]"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "<details><summary>event study</summary>"
            + self.event_study.to_html(index=False, float_format="%.3f")
            + "</details><details><summary>naive comparisons (biased)</summary>"
            + naive.to_html(index=False, float_format="%.3f")
            + "</details></div>"
        )


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- entry point


def training_sufficiency(
    study, period: str | None, min_cell: int, result: ImpactResult | None = None
) -> Insufficient | None:
    """Whether the data can support a training effect the study may show.

    Before :func:`training_impact` (``result=None``): the study needs training records
    (``no_training``: ``found`` 0) and supervisor ratings in at least two periods up to
    ``period`` (``one_period``: ``found`` the periods, ``needed`` 2). After it (pass its
    ``result``): an effect needs trained employees rated before and after their training
    beside a comparison group (``no_before_after``: ``found`` 0), at least ``min_cell``
    of them (``too_few_trained``: ``found`` the trained employees, ``needed``
    ``min_cell``): an average over fewer would be too unsure to report and would come
    close to one person's change; and, when ``result`` was computed with ``min_cell``,
    an event time after training that was not hidden (``event_times_small``: ``found``
    the most trained employees behind any of them).

    Returns
    -------
    Insufficient or None
        ``None`` when the effect can be reported.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> training_sufficiency(study, "2025Q2", min_cell=5) is None
    True
    >>> training_sufficiency(study, "2025Q1", min_cell=5).reason
    'one_period'
    """
    if result is None:
        training = getattr(study, "training", None)
        if training is None or len(training) == 0:
            return Insufficient("training", "no_training", found=0, needed=min_cell)
        b = study.behaviour
        b = b.loc[b["rater_role"] == "atasan", "period"].dropna()
        if period is not None and len(b):
            b = b[_period_codes(b)[0] <= _cutoff(period, b)]
        if b.nunique() < 2:
            return Insufficient("training", "one_period", found=int(b.nunique()), needed=2)
        return None
    h = result.headline
    if 0 < int(h["n_treated"]) < min_cell:
        return Insufficient(
            "training", "too_few_trained", found=int(h["n_treated"]), needed=min_cell
        )
    if not np.isfinite(h["estimate"]):
        es = result.event_study
        after = es[(es["method"] == "callaway_santanna") & (es["rel_time"] >= 0)]
        if "event_times_hidden" in result.notes and len(after):
            # every event time after training was hidden by min_cell
            most = int(after["n_treated"].max())
            return Insufficient("training", "event_times_small", found=most, needed=min_cell)
        return Insufficient("training", "no_before_after", found=0, needed=min_cell)
    return None


def training_impact(
    study,
    period: str | None = None,
    *,
    outcome: str = "supervisor_behaviour",
    control_group: str = "not_yet_treated",
    predikat: pd.DataFrame | None = None,
    window: tuple[int, int] = (-4, 4),
    confidence: float = 0.95,
    n_boot: int = 999,
    seed: int | np.random.Generator = 0,
    alpha_pretrend: float = 0.05,
    min_pre_periods: int = 2,
    min_clusters: int = 30,
    min_cell: int | None = None,
) -> ImpactResult:
    """Effect of training on later ratings: Callaway–Sant'Anna ATT, TWFE, event study.

    Parameters
    ----------
    study
        An :class:`evalkit.io.Study` (or anything with ``behaviour``, ``training``,
        ``employees`` and ``citizen`` tables).
    period
        Last period to use (``"2025Q4"``; a year ``"2025"`` means up to its Q4).
        Trainings that end later count as "not yet trained". ``None`` = all periods.
    outcome
        ``"supervisor_behaviour"`` (mean atasan score over the 7 values, 1–5),
        ``"citizen_officer"`` (citizens' u6/u7 about the named officer, 1–4) or
        ``"predikat"`` (1–5; needs ``predikat``).
    control_group
        ``"not_yet_treated"`` (never trained plus trained later than the comparison's
        periods; the default) or ``"never_treated"``.
    predikat
        Employee predikat per period (``period, employee_id, predikat``), for
        ``outcome="predikat"``.
    window
        First and last relative period of the event-study regression; relative times
        outside are binned into the ends.
    confidence
        Level of the confidence intervals.
    n_boot
        Draws of the wild cluster bootstrap.
    seed
        Seed (or Generator) of the bootstrap.
    alpha_pretrend
        Level below which the pre-trend test gives ``pretrend_not_parallel``.
    min_pre_periods
        Fewer pre-treatment periods than this in every cohort gives
        ``too_few_periods`` (the pre-trend test then has little or nothing to test).
    min_clusters
        Fewer clusters than this gives ``few_clusters`` (the intervals already use
        t(G − 1) and the wild bootstrap; the note tells the reader there are few).
    min_cell
        Small-cell threshold of a shared study (:func:`evalkit.privacy.suppress_small_cells`).
        An event time whose estimate rests on fewer than ``min_cell`` trained employees
        (``event_study["n_treated"]``) is hidden: its ATT(g, t) are left out of every
        aggregate (simple, group, dynamic, pre-trend test), so that no figure shown
        lets it be worked back out, its rows read NaN with ``suppressed`` =
        ``"small_cell"``, and the note ``event_times_hidden`` says so. ``None`` (the
        default, for analysts) hides nothing.

    Returns
    -------
    ImpactResult
        Tables ``att`` (headline: aggregation ``simple``), ``att_gt``, ``twfe``,
        ``event_study``, ``pretrend``, ``naive``; ``summary``; ``notes``; and
        :meth:`ImpactResult.to_json` for results.json.

    Notes
    -----
    **Timing.** An employee's cohort G is the first period after the one that contains
    the end of their first training (:func:`training_panel`). Employees whose cohort
    is at or before the first period have no untreated period and are excluded
    (counted in ``summary["n_already_treated"]``); cohorts after the last period are
    untreated within the window.

    **Callaway–Sant'Anna (headline).** Unconditional (no covariates) panel estimator.
    For cohort g and period t, with base period g−1,

    .. math:: ATT(g,t) = E[Y_t − Y_{g−1} \\mid G=g] − E[Y_t − Y_{g−1} \\mid C_{g,t}]

    where the controls :math:`C_{g,t}` are the employees not treated at t nor at g−1
    and not in cohort g (``not_yet_treated``: never trained or G > max(t, g−1)), or
    the never trained (``never_treated``). Each mean uses the employees observed in
    both periods. Pre-periods t < g−1 use the same *universal* base g−1, so the
    event study is normalised to 0 at rel_time −1 (R ``did``: ``base_period =
    "universal"``). Comparisons without treated or control employees are dropped.

    The headline is the *simple* aggregation (R ``did::aggte(type = "simple")``):
    the average of the post-treatment ATT(g,t) (t ≥ g) weighted by cohort size,

    .. math:: \\theta = \\sum_{g,t \\ge g} n_g\\,ATT(g,t) \\Big/ \\sum_{g,t \\ge g} n_g,

    i.e. the average effect over trained employee-periods. Also reported: ``group``
    (each cohort's mean over its post periods, weighted by cohort size) and
    ``dynamic`` (mean of the event-time effects θ(e), e ≥ 0). The event study is the
    dynamic aggregation θ(e) = Σ_g n_g ATT(g, g+e) / Σ_g n_g.

    **Inference (small clusters).** A wild (multiplier) cluster bootstrap on the
    cluster influence functions, as Callaway & Sant'Anna (2021, section 4.1) do, with
    the small-cluster refinements of Cameron, Gelbach & Miller (2008) and MacKinnon &
    Webb (2017). Every statistic θ (ATT(g,t), the aggregates, the event-time effects,
    the naive comparisons) is a smooth function of per-unit sums (counts and sums of
    the first differences, cohort sizes), so its influence of unit c is the
    derivative ψ_c = ∂θ/∂w_c of θ with respect to the unit's weight (central
    differences at w = 1 ± 10⁻⁴, exact to O(10⁻⁸)); the uncertainty of the cohort
    weights is included. A draw is

    .. math:: θ^*_b = \\hat θ + \\sqrt{G/(G-1)}\\,\\textstyle\\sum_c v_{bc} ψ_c

    with v Rademacher (±1), or Webb's six-point weights when G < 12 (Webb 2014;
    :func:`evalkit._inference.wild_weights`); G/(G − 1) is the CR1 small-sample factor.
    SE = standard deviation of the ``n_boot`` draws; CI = estimate ± t_{G−1}·SE and
    p-values from t with G − 1 degrees of freedom (Cameron, Gelbach & Miller 2008;
    Imbens & Kolesár 2016), not the normal. With fewer than
    :data:`evalkit._inference.MIN_TREATED_CLUSTERS` (6) units holding a trained
    employee, no interval is given at all — ATT, TWFE and event-study intervals are
    NaN and the note ``few_treated_clusters`` says so in words — because with so few
    treated clusters even the wild cluster bootstrap over-rejects badly (MacKinnon &
    Webb 2017, sections 5–6). How often these intervals cover the truth on data shaped
    like the user's is measured by :func:`evalkit.calibration.calibrate` (at 30 units
    and effect 0, in development, 57 of 60 simulated studies). The pre-trend test is
    the Wald statistic W of the leads θ(e), e ≤ −2 (q of them), with their bootstrap
    covariance, in Hotelling's small-sample form F = W (G − q) / (q (G − 1)) on
    (q, G − q) degrees of freedom (G clusters); the plain χ²(q) test over-rejected
    (10 % at the 5 % level with 60 units and 7 leads in our checks).

    References: Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based
    improvements for inference with clustered errors. *Review of Economics and
    Statistics* 90(3), 414–427. MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap
    inference for wildly different cluster sizes. *Journal of Applied Econometrics*
    32(2), 233–254. Imbens, G. W. & Kolesár, M. (2016). Robust standard errors in small
    samples: some practical advice. *Review of Economics and Statistics* 98(4),
    701–712. Webb, M. D. (2014). Reworking wild bootstrap based inference for clustered
    errors. Queen's Economics Department Working Paper 1315.

    **TWFE.** :math:`y_{it} = α_i + λ_t + β D_{it} + ε_{it}` on the employee-periods
    with an outcome (singletons dropped), fitted by OLS after a two-way within
    transform (alternating projections, exact for unbalanced panels) with
    statsmodels, SE clustered by unit (``cov_type="cluster"``): small-sample factor
    G/(G−1)·(N−1)/(N−K) with K the number of slope coefficients — the absorbed
    fixed effects are not counted, as in Stata ``reghdfe`` and R ``fixest`` when
    the fixed effects are nested in the clusters — and t with G−1 degrees of
    freedom. Under staggered timing with effects that change over time, β mixes
    "forbidden" comparisons (already-trained as controls) and can be far from
    any ATT (Goodman-Bacon 2021); note ``twfe_differs`` is set when either estimate
    lies outside the other's confidence interval.

    **Event-study regression.** TWFE with dummies for rel_time in ``window`` (ends
    binned, −1 omitted, never trained 0); pre-trend F test of the leads (rel_time
    ≤ −2) with the clustered covariance (F(q, G−1)). Its leads can be contaminated
    by effect heterogeneity (Sun & Abraham 2021), hence the warning
    ``pretrend_not_parallel`` is based on the Callaway–Sant'Anna leads (p <
    ``alpha_pretrend``); a test that does not reject is weak evidence (Roth 2022).

    **Naive comparisons** (for the honesty section; both biased): *before/after* —
    each trained employee's mean outcome after training minus before, averaged; it
    adds the common time trend over ``mean_gap_periods``. *Trained versus untrained*
    — mean of trained employee-periods minus mean of never-trained employee-periods
    from the first cohort on; it adds the level difference of those selected for
    training (lower-rated employees are sent to training).

    Examples
    --------
    >>> import evalkit as ek
    >>> s = ek.simulate(seed=1, employees=500, training_effect=0.2)  # doctest: +SKIP
    >>> res = ek.training_impact(s, n_boot=199)  # doctest: +SKIP
    >>> res.to_json()["estimate"]  # doctest: +SKIP
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome={outcome!r} is not known; choose one of {list(OUTCOMES)}")
    if control_group not in METHODS:
        raise ValueError(
            f"control_group={control_group!r} is not known; choose one of {list(METHODS)}"
        )
    if outcome == "predikat" and predikat is None:
        raise ValueError(
            "outcome='predikat' needs the employee predikat per period: pass "
            "predikat=<DataFrame with period, employee_id, predikat>"
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    lo, hi = window
    if not lo <= -2 < 0 <= hi:
        raise ValueError(f"window must satisfy lo <= -2 and hi >= 0, got {window}")
    if n_boot < 50:
        raise ValueError(f"n_boot={n_boot} is too few for a standard error; use at least 50")
    for name in ("behaviour", "training", "employees"):
        if not hasattr(study, name):
            raise TypeError(f"training_impact: `study` has no {name!r} table; pass a Study")

    behaviour, citizen = study.behaviour, getattr(study, "citizen", None)
    if period is not None:
        cut = _cutoff(period, behaviour["period"])
        behaviour = _through(behaviour, cut)
        if citizen is not None and len(citizen):
            citizen = _through(citizen, cut)
        if predikat is not None and len(predikat):
            predikat = _through(predikat, cut)
    if outcome == "citizen_officer" and (citizen is None or len(citizen) == 0):
        raise ValueError("outcome='citizen_officer' needs citizen responses; the study has none")
    panel = training_panel(
        behaviour,
        study.training,
        study.employees,
        citizen=citizen if citizen is not None and len(citizen) else None,
        predikat=predikat,
    )
    d, info = _design(panel, OUTCOMES[outcome])
    if d.y.shape[0] == 0:
        raise ValueError(f"training_impact: no employee has a {outcome!r} outcome to analyse")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    C = d.n_clusters
    v = wild_weights(rng, n_boot, C)
    w_pert = _perturbed(C)
    crit = t_critical(C, confidence) if C >= 2 else np.nan
    df_t = C - 1
    notes: list[str] = []

    # Callaway–Sant'Anna
    cs = _cs_fit(d, control_group, w_pert)
    # trained employees behind each event time (an employee is in one cohort, so in at
    # most one pair per event time); below min_cell the event time is hidden and its
    # pairs leave every aggregate, so that the figures shown do not reveal it
    rel_of_pair = cs.pairs["rel_time"].to_numpy()
    n_at = {int(e): int(cs.n_tr[rel_of_pair == e].sum()) for e in np.unique(rel_of_pair)}
    hidden = sorted(e for e, n in n_at.items() if min_cell is not None and 0 < n < min_cell)
    if hidden:
        out_ = np.isin(rel_of_pair, hidden)
        cs = dataclasses.replace(
            cs, att=np.where(out_, np.nan, cs.att), att_w=np.where(out_, np.nan, cs.att_w)
        )
        notes.append("event_times_hidden")
    agg = _aggregates(cs, cs.att, cs.n_g)
    agg_w = _aggregates(cs, cs.att_w, cs.n_g_w)
    agg_b = {k: _wild_draws(agg[k], agg_w[k], v) for k in agg}
    att_gt_b = _wild_draws(cs.att, cs.att_w, v)
    n_treated = int(cs.treated_any.sum())
    n_control = int(cs.control_any.sum())
    n_treated_clusters = int(np.unique(d.cluster[cs.treated_any]).size)
    no_interval = d.clustered_by == "unit" and n_treated_clusters < MIN_TREATED_CLUSTERS
    if no_interval:
        crit = np.nan  # too few treated units for any interval to be trusted
    att_rows = []
    for a in ("simple", "group", "dynamic"):
        se, cl, ch, p = _interval(float(agg[a]), agg_b[a], crit, df_t)
        att_rows.append((a, float(agg[a]), se, cl, ch, p, n_treated, n_control))
    att = pd.DataFrame(
        att_rows,
        columns=[
            "aggregation",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "p_val",
            "n_treated",
            "n_control",
        ],
    )
    att_gt = cs.pairs[["g", "t", "rel_time", "post"]].copy()
    att_gt.insert(0, "cohort", [d.periods[i] for i in att_gt.pop("g")])
    att_gt.insert(1, "period", [d.periods[i] for i in att_gt.pop("t")])
    ints = [_interval(float(cs.att[j]), att_gt_b[:, j], crit, df_t) for j in range(len(cs.att))]
    att_gt["estimate"] = cs.att
    att_gt["se"] = [i[0] for i in ints]
    att_gt["ci_low"] = [i[1] for i in ints]
    att_gt["ci_high"] = [i[2] for i in ints]
    att_gt["n_treated"] = cs.n_tr.astype("int64")
    att_gt["n_control"] = cs.n_c.astype("int64")

    es_rows = []
    rel_all = sorted(set(cs.pairs["rel_time"]) | ({-1} if len(cs.pairs) else set()))
    for e in rel_all:
        if e == -1:
            es_rows.append(("callaway_santanna", -1, 0.0, 0.0, 0.0, 0.0, True, False))
            continue
        if e in hidden:  # shown as a row without numbers: the reader sees it was hidden
            es_rows.append(("callaway_santanna", int(e), *[np.nan] * 4, False, False))
            continue
        est = float(agg[f"e{e}"])
        if not np.isfinite(est):
            continue  # no comparison identifies this event time
        se, cl, ch, _ = _interval(est, agg_b[f"e{e}"], crit, df_t)
        es_rows.append(("callaway_santanna", int(e), est, se, cl, ch, False, False))
    leads = [e for e in rel_all if e <= -2 and np.isfinite(agg[f"e{e}"])]
    if leads:
        stat, q, df_den, p_pre = _wald(
            np.array([agg[f"e{e}"] for e in leads], dtype=float),
            np.column_stack([agg_b[f"e{e}"] for e in leads]),
            C,
        )
    else:
        stat, q, df_den, p_pre = np.nan, 0, np.nan, np.nan
    pre_rows = [("callaway_santanna", "hotelling_f", stat, q, df_den, p_pre, len(leads))]

    # TWFE and the event-study regression
    long = _twfe_long(d, window)
    tw_row = (
        "treated",
        np.nan,
        np.nan,
        np.nan,
        np.nan,
        np.nan,
        len(long),
        int(long["e"].nunique()),
        int(long["cluster"].nunique()),
    )
    # a clustered standard error needs two clusters and more rows than coefficients:
    # with one unit (or one row per coefficient) the TWFE rows stay empty (NaN)
    if len(long) > 1 and long["D"].std() > 0 and long["cluster"].nunique() >= 2:
        X = _demean(
            np.column_stack([long["y"], long["D"]]), long["e"].to_numpy(), long["t"].to_numpy()
        )
        fit = _ols_cluster(X[:, 0], X[:, 1:], long["cluster"].to_numpy())
        ci = fit.conf_int(1 - confidence)
        tw_row = (
            "treated",
            float(fit.params[0]),
            float(fit.bse[0]),
            float(ci[0, 0]),
            float(ci[0, 1]),
            float(fit.pvalues[0]),
            *tw_row[6:],
        )
        rel_levels = [e for e in range(lo, hi + 1) if e != -1 and (long["rel"] == e).any()]
        if rel_levels and len(long) > len(rel_levels):
            R = np.column_stack([(long["rel"] == e).to_numpy(float) for e in rel_levels])
            X = _demean(np.column_stack([long["y"], R]), long["e"].to_numpy(), long["t"].to_numpy())
            fit = _ols_cluster(X[:, 0], X[:, 1:], long["cluster"].to_numpy())
            ci = fit.conf_int(1 - confidence)
            for j, e in enumerate(rel_levels):
                es_rows.append(
                    (
                        "twfe_event_study",
                        e,
                        float(fit.params[j]),
                        float(fit.bse[j]),
                        float(ci[j, 0]),
                        float(ci[j, 1]),
                        False,
                        e in (lo, hi),
                    )
                )
            es_rows.append(("twfe_event_study", -1, 0.0, 0.0, 0.0, 0.0, True, False))
            lead_j = [j for j, e in enumerate(rel_levels) if e <= -2]
            if lead_j:
                Rm = np.zeros((len(lead_j), len(rel_levels)))
                Rm[np.arange(len(lead_j)), lead_j] = 1.0
                w = fit.wald_test(Rm, use_f=True, scalar=True)
                pre_rows.append(
                    (
                        "twfe_event_study",
                        "wald_f",
                        float(w.statistic),
                        len(lead_j),
                        float(w.df_denom),
                        float(w.pvalue),
                        len(lead_j),
                    )
                )
    if len(pre_rows) == 1:
        pre_rows.append(("twfe_event_study", "wald_f", np.nan, 0, np.nan, np.nan, 0))
    twfe = pd.DataFrame(
        [tw_row],
        columns=[
            "term",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "p_val",
            "n_obs",
            "n_employees",
            "n_clusters",
        ],
    )
    event_study = pd.DataFrame(
        es_rows,
        columns=[
            "method",
            "rel_time",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "reference",
            "binned",
        ],
    ).sort_values(["method", "rel_time"], ignore_index=True)
    # per event time, the trained employees behind it (TWFE's binned ends have none)
    event_study["n_treated"] = pd.array(
        [
            n_at.get(int(e), 0) if not b else pd.NA
            for e, b in zip(event_study["rel_time"], event_study["binned"], strict=True)
        ],
        dtype="Int64",
    )
    small = event_study["rel_time"].isin(hidden)
    event_study.loc[small, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
    event_study["suppressed"] = pd.Series(
        np.where(small, "small_cell", None), index=event_study.index, dtype=object
    )
    pretrend = pd.DataFrame(
        pre_rows,
        columns=["method", "test", "statistic", "df", "df_denom", "p_val", "n_leads"],
    )

    # naive comparisons
    nrows = []
    with np.errstate(invalid="ignore", divide="ignore"):  # a draw may lack a group: NaN
        naive_rows = _naive(d, w_pert)
    for name, est, at_w, nt, nc, gap in naive_rows:
        draws = _wild_draws(float(est), np.asarray(at_w, dtype=float), v)
        se, cl, ch, _ = _interval(float(est), draws, crit, df_t)
        bias = "time_trend" if name == "before_after" else "selection"
        nrows.append((name, float(est), se, cl, ch, nt, nc, gap, bias))
    naive = pd.DataFrame(
        nrows,
        columns=[
            "comparison",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "n_treated",
            "n_control",
            "mean_gap_periods",
            "bias_source",
        ],
    )

    if no_interval:  # no clustered interval is printed, for TWFE either
        twfe.loc[:, ["se", "ci_low", "ci_high", "p_val"]] = np.nan
        twfe_es = event_study["method"] == "twfe_event_study"
        event_study.loc[twfe_es & ~event_study["reference"], ["se", "ci_low", "ci_high"]] = np.nan

    # notes
    h = att.iloc[0]
    tw = twfe.iloc[0]
    n_pre = cs.cohorts.max() if len(cs.cohorts) else 0  # pre-periods of the latest cohort
    if not np.isfinite(h["estimate"]):
        notes.append("no_treated_cohort")
    if np.isfinite(p_pre) and p_pre < alpha_pretrend:
        notes.append("pretrend_not_parallel")
    if len(d.periods) < 3 or n_pre < min_pre_periods:
        notes.append("too_few_periods")
    if no_interval and np.isfinite(h["estimate"]):
        notes.append("few_treated_clusters")
    if np.isfinite(h["ci_low"]) and np.isfinite(tw["ci_low"]):
        outside = not (tw["ci_low"] <= h["estimate"] <= tw["ci_high"]) or not (
            h["ci_low"] <= tw["estimate"] <= h["ci_high"]
        )
        if outside:
            notes.append("twfe_differs")
    n_never = int(np.isinf(d.g).sum())
    if n_never == 0:
        notes.append("no_never_treated")
    if d.clustered_by == "employee":
        notes.append("clustered_by_employee")
    elif C < min_clusters:
        notes.append("few_clusters")

    summary = {
        "first_period": d.periods[0],
        "last_period": d.periods[-1],
        "n_periods": len(d.periods),
        "n_employees": info["n_employees"],
        "n_analysed": int(d.y.shape[0]),
        "n_obs": int(np.isfinite(d.y).sum()),
        "n_trained_in_window": int(np.isfinite(d.g).sum()),
        "n_never_treated": n_never,
        "n_already_treated": info["n_already_treated"],
        "n_without_outcome": info["n_without_outcome"],
        "n_cohorts": len(cs.cohorts),
        "cohorts": [d.periods[i] for i in cs.cohorts],
        "n_clusters": C,
        "clustered_by": d.clustered_by,
        "max_pre_periods": int(n_pre),
        "n_treated_clusters": n_treated_clusters,
        "n_boot": n_boot,
        "bootstrap_weights": "webb" if C < WEBB_BELOW else "rademacher",
        "df": int(df_t),
    }
    return ImpactResult(
        outcome=outcome,
        method=METHODS[control_group],
        period=period,
        control_group=control_group,
        confidence=confidence,
        att=att,
        att_gt=att_gt,
        twfe=twfe,
        event_study=event_study,
        pretrend=pretrend,
        naive=naive,
        panel_summary=_panel_summary(d),
        summary=summary,
        notes=tuple(notes),
    )


def _panel_summary(d: _Design) -> pd.DataFrame:
    tt = np.arange(d.y.shape[1])[None, :]
    obs = np.isfinite(d.y)
    yz = np.where(obs, d.y, 0.0)
    groups = {
        "treated": tt >= d.g[:, None],
        "not_yet_treated": np.isfinite(d.g)[:, None] & (tt < d.g[:, None]),
        "never_treated": np.isinf(d.g)[:, None] & np.ones_like(tt, dtype=bool),
    }
    out = pd.DataFrame({"period": d.periods, "n_obs": obs.sum(0)})
    for name, m in groups.items():
        m = m & obs
        out[f"n_{name}"] = m.sum(0)
    for name, m in groups.items():
        m = m & obs
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"mean_{name}"] = np.where(m.sum(0) > 0, (yz * m).sum(0) / m.sum(0), np.nan)
    return out


def _cutoff(period: str, data_periods: pd.Series) -> int:
    """Time code of the last period to use, in the frequency of the data."""
    _, freq = _period_codes(data_periods.dropna().unique()[:1] if len(data_periods) else [period])
    code, pfreq = _period_codes([period], "period")
    if pfreq == freq:
        return int(code[0])
    if pfreq == "Y" and freq == "Q":
        return int(code[0]) * 4 + 3
    raise ValueError(
        f"period={period!r} is a quarter but the data are yearly; pass a year like '2025'"
    )
