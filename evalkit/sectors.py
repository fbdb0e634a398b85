"""Sector views: each analysis of the period study, per sector (pendidikan, kesehatan,
administrasi), with intervals, and the tests behind a comparison sentence.

Every function takes the tidy output of an existing analysis (or the study's tables)
and a unit → sector mapping, and computes all sectors in one grouped pass:

- :func:`predikat_by_sector` — predikat shares with Wilson intervals;
- :func:`skm_by_sector` — IKM and mutu (PermenPANRB 14/2017) with a unit-cluster
  bootstrap interval (units resampled within the sector, vectorised over draws);
- :func:`gap_by_sector` — the citizen–supervisor gap of
  :func:`evalkit.compare.compare_sources`'s units, averaged per sector with a t interval
  over units, and a Welch test between the sectors that agree most and least;
- :func:`reliability_by_sector` — the single-rater reliability of 360° ratings
  (Bliese ICC(1) of raters within ratees, :func:`evalkit.icc_aggregation` with ``by=``).

The training effect per sector is :func:`evalkit.impact.training_impact` on each
sector's employees (:func:`sector_study`).
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .complaints import wilson_ci
from .rules.permenpanrb_6_2022 import PREDIKAT
from .rules.permenpanrb_14_2017 import CONVERSION, skm_mutu
from .tables import SKM_ITEMS

__all__ = [
    "gap_by_sector",
    "predikat_by_sector",
    "reliability_by_sector",
    "sector_study",
    "skm_by_sector",
]


def predikat_by_sector(
    scored: pd.DataFrame, sector_of_unit: pd.Series, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Share of each predikat per sector, with Wilson intervals.

    Parameters
    ----------
    scored : DataFrame
        :attr:`evalkit.scoring.ScoringResult.employees` (``unit_id``, ``predikat``).
    sector_of_unit : Series
        ``unit_id`` → sector.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``sector``, ``predikat`` (all five, in the regulation's order), ``n``,
        ``n_sector`` (employees with a predikat), ``share``, ``ci_low``, ``ci_high``.
    """
    d = scored[scored["predikat"].notna()]
    sector = d["unit_id"].map(sector_of_unit).astype(object)
    counts = pd.crosstab(sector, d["predikat"]).reindex(columns=list(PREDIKAT), fill_value=0)
    long = counts.stack().rename("n").reset_index()
    long.columns = ["sector", "predikat", "n"]
    long["n_sector"] = long["sector"].map(counts.sum(axis=1)).astype("int64")
    long["n"] = long["n"].astype("int64")
    long["share"] = long["n"] / long["n_sector"]
    long["ci_low"], long["ci_high"] = wilson_ci(long["n"], long["n_sector"], confidence)
    order = {p: i for i, p in enumerate(PREDIKAT)}
    return long.sort_values(
        ["sector", "predikat"], key=lambda s: s.map(order) if s.name == "predikat" else s
    ).reset_index(drop=True)


def skm_by_sector(
    citizen: pd.DataFrame,
    sector_of_unit: pd.Series,
    *,
    items=SKM_ITEMS,
    confidence: float = 0.95,
    n_boot: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """IKM per sector (PermenPANRB 14/2017) with a unit-cluster bootstrap interval.

    The IKM is computed exactly as :func:`evalkit.scoring.skm_index` (NRR per item =
    sum of answers ÷ answers, IKM = mean of the NRRs, × 25 converted, mutu from the
    interval table). The interval resamples *units* within the sector (responses of one
    unit share its service, so they are not independent): for each of ``n_boot`` draws,
    multinomial unit weights give the item sums and counts as weighted sums of the units'
    sufficient statistics (one matrix product for all draws); percentile interval.

    Parameters
    ----------
    citizen : DataFrame
        SKM responses (``unit_id``, ``u1`` … ``u9``).
    sector_of_unit : Series
        ``unit_id`` → sector.
    items : sequence of str
    confidence : float, default 0.95
    n_boot : int, default 999
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``sector``, ``n`` (responses), ``n_units``, ``ikm`` (1–4), ``ikm_converted``,
        ``ci_low``, ``ci_high`` (converted scale), ``mutu``.
    """
    items = list(items)
    d = citizen.copy()
    d["sector"] = d["unit_id"].map(sector_of_unit).astype(object)
    d = d[d["sector"].notna()]
    ans = d[items].apply(pd.to_numeric, errors="coerce").astype(float)
    answered = ans.notna().any(axis=1)
    d, ans = d[answered], ans[answered]
    sums = ans.fillna(0.0).groupby(d["unit_id"]).sum()
    cnts = ans.notna().astype(float).groupby(d["unit_id"]).sum()
    n_resp = d.groupby("unit_id").size()
    unit_sector = d.groupby("unit_id")["sector"].first()
    rng = np.random.default_rng(seed)
    rows = []
    alpha = 1 - confidence
    for sector in sorted(unit_sector.unique()):
        ids = unit_sector.index[unit_sector == sector]
        S, C = sums.loc[ids].to_numpy(), cnts.loc[ids].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            nrr = S.sum(0) / C.sum(0)
            ikm = nrr.mean() if np.all(C.sum(0) > 0) else np.nan
            W = rng.multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=n_boot)
            boot = ((W @ S) / (W @ C)).mean(axis=1) * CONVERSION
        boot = boot[np.isfinite(boot)]
        low, high = (
            np.quantile(boot, [alpha / 2, 1 - alpha / 2])
            if len(ids) >= 2 and len(boot)
            else (np.nan, np.nan)
        )
        conv = ikm * CONVERSION
        rows.append(
            {
                "sector": sector,
                "n": int(n_resp.loc[ids].sum()),
                "n_units": int(len(ids)),
                "ikm": ikm,
                "ikm_converted": conv,
                "ci_low": float(low),
                "ci_high": float(high),
                "mutu": skm_mutu(round(conv, 2)).item() if np.isfinite(conv) else None,
            }
        )
    return pd.DataFrame(rows)


def gap_by_sector(
    units: pd.DataFrame, sector_of_unit: pd.Series, *, confidence: float = 0.95
) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """Mean citizen–supervisor gap per sector, and which sector agrees more.

    Parameters
    ----------
    units : DataFrame
        :attr:`evalkit.compare.ComparisonResult.units` (``unit_id``, ``gap`` =
        supervisor minus citizen on the 0–100 POMP scale, ``eligible``).
    sector_of_unit : Series
        ``unit_id`` → sector.
    confidence : float, default 0.95

    Returns
    -------
    table : DataFrame
        ``sector``, ``n_units`` (eligible units), ``mean_gap``, ``ci_low``, ``ci_high``
        (t on ``n_units − 1`` df over the units' gaps: each unit counts once),
        ``mean_abs_gap`` (how far apart the two sources are, whatever the sign).
    comparison : dict or None
        The sectors with the smallest and the largest mean absolute gap (``closer``,
        ``further``), their values, Welch's t test of the absolute gaps (``t``,
        ``p_val``) and ``differ`` (p below 1 − ``confidence``); ``None`` with fewer than
        two sectors of at least two units.
    """
    u = units[units["eligible"].fillna(False).astype(bool) & units["gap"].notna()].copy()
    u["sector"] = u["unit_id"].map(sector_of_unit).astype(object)
    u["abs_gap"] = u["gap"].abs()
    g = u.groupby("sector", sort=True)
    n = g.size()
    mean = g["gap"].mean()
    sd = g["gap"].std(ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + confidence / 2, n - 1)
        half = t * sd / np.sqrt(n)
    table = pd.DataFrame(
        {
            "sector": n.index.to_numpy(dtype=object),
            "n_units": n.astype("int64").to_numpy(),
            "mean_gap": mean.to_numpy(),
            "ci_low": (mean - half).to_numpy(),
            "ci_high": (mean + half).to_numpy(),
            "mean_abs_gap": g["abs_gap"].mean().to_numpy(),
        }
    )
    ok = table[table["n_units"] >= 2]
    if len(ok) < 2:
        return table, None
    closer = ok.loc[ok["mean_abs_gap"].idxmin()]
    further = ok.loc[ok["mean_abs_gap"].idxmax()]
    a = u.loc[u["sector"] == closer["sector"], "abs_gap"]
    b = u.loc[u["sector"] == further["sector"], "abs_gap"]
    test = stats.ttest_ind(a, b, equal_var=False)
    comparison = {
        "closer": closer["sector"],
        "further": further["sector"],
        "abs_gap_closer": float(closer["mean_abs_gap"]),
        "abs_gap_further": float(further["mean_abs_gap"]),
        "t": float(test.statistic),
        "p_val": float(test.pvalue),
        "differ": bool(test.pvalue < 1 - confidence),
    }
    return table, comparison


def reliability_by_sector(
    behaviour: pd.DataFrame,
    sector_of_employee: pd.Series,
    *,
    roles=("atasan", "rekan", "bawahan"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Single-rater reliability of the 360° ratings per sector (raters nested in ratees).

    Each rater's mean over the seven values for a ratee is one rating; Bliese's ICC(1)
    of those ratings with the ratee as group is the reliability of one rater's rating
    (the share of rating variance that is the ratee's), ICC(2) that of the ratee's mean
    rating (:func:`evalkit.icc_aggregation`, computed for every sector at once with
    ``by=``; F-based intervals). Self-ratings are left out.

    Returns
    -------
    DataFrame
        ``sector``, ``statistic`` (``bliese_icc1``, ``bliese_icc2``), ``estimate``,
        ``ci_low``, ``ci_high``, ``n_targets`` (ratees), ``n_raters`` (ratings); NaN
        estimates where no ratee has two ratings.
    """
    from .reliability import icc_aggregation

    b = behaviour[behaviour["rater_role"].isin(roles)]
    r = b.groupby(["employee_id", "rater_id"], as_index=False)["score"].mean()
    r["sector"] = r["employee_id"].map(sector_of_employee).astype(object)
    r = r[r["sector"].notna()]
    with warnings.catch_warnings():
        # a sector whose ratees have one rating each (a quarter without a 360° round) has
        # no within-ratee variance: NaN, which the caller states
        warnings.simplefilter("ignore", RuntimeWarning)
        out = icc_aggregation(r, "employee_id", "score", by="sector", confidence=confidence)
    out = out.rename(columns={"group": "sector"})
    return out[["sector", "statistic", "estimate", "ci_low", "ci_high", "n_targets", "n_raters"]]


def sector_study(study, sector: str):
    """The study restricted to one sector's employees (by the employees' ``sector``) and
    the rows about them (behaviour, training, results), for per-sector analyses that
    take a whole study, such as :func:`evalkit.impact.training_impact`."""
    emp = study.employees[study.employees["sector"] == sector]
    ids = set(emp["employee_id"])
    changes = {"employees": emp.reset_index(drop=True)}
    for name in ("behaviour", "training", "results"):
        frame = getattr(study, name)
        changes[name] = frame[frame["employee_id"].isin(ids)].reset_index(drop=True)
    unit_ids = set(emp["unit_id"])
    changes["citizen"] = study.citizen[study.citizen["unit_id"].isin(unit_ids)].reset_index(
        drop=True
    )
    return dataclasses.replace(study, **changes)
