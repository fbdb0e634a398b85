"""Citizens' complaints: volume, time to settle, the settlement standard, and whether the
SKM item on complaint handling agrees with how complaints are actually handled.

One function, :func:`complaint_handling`, turns the ``complaints`` table (one row per
complaint: SP4N-LAPOR!, the unit's own channel, a forum) into tidy per-unit and
regency figures for a window of quarters; :class:`ComplaintResult` holds them.

Open complaints are *censored*: a complaint still open on the last day of the window
will be settled some day, later than it has been open so far. Dropping them (or
counting them as settled today) would make slow units look fast; the median days to
settle is therefore the Kaplan–Meier median, and the share settled within the standard
counts only complaints whose deadline has passed by the end of the window.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._json import to_jsonable
from .rules.permenpanrb_14_2017 import CONVERSION, MUTU_TABLE
from .rules.perpres_76_2013 import COMPLAINT_ITEM, SETTLEMENT_DAYS

__all__ = [
    "HIGH_ITEM_RATING",
    "ComplaintResult",
    "complaint_handling",
    "km_median",
    "poisson_rate_ci",
    "spearman_ci",
    "wilson_ci",
]

#: An SKM item answer (1–4 scale) that the regulation's interval table calls *baik*
#: (mutu B) or better: converted value 76.61 / 25 = 3.0644 (PermenPANRB 14/2017,
#: reference/regulations.md §3). Citizens who give the complaint item at least this much
#: on average rate complaint handling highly.
HIGH_ITEM_RATING: float = [low for low, mutu, _ in MUTU_TABLE if mutu == "B"][0] / CONVERSION


def wilson_ci(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``k / n`` (Wilson 1927), vectorised.

    ``p̃ = (k + z²/2)/(n + z²)``, half-width ``z √(k(n−k)/n + z²/4)/(n + z²)``; NaN where
    ``n = 0``. Same as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    """
    k = np.asarray(k, float)
    n = np.asarray(n, float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (k + z * z / 2) / (n + z * z)
        half = z * np.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    low = np.where(n > 0, centre - half, np.nan)
    high = np.where(n > 0, centre + half, np.nan)
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def poisson_rate_ci(k, exposure, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood 1936) interval of a Poisson rate ``k / exposure``, vectorised.

    ``[χ²_{α/2, 2k} / 2, χ²_{1−α/2, 2k+2} / 2] / exposure`` (lower 0 when ``k = 0``);
    NaN where the exposure is missing or 0.
    """
    k = np.asarray(k, float)
    e = np.asarray(exposure, float)
    a = 1 - confidence
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(a / 2, 2 * k) / 2, 0.0) / e
        high = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2 / e
    bad = ~(e > 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def km_median(days, settled, confidence: float = 0.95) -> tuple[float, float, float]:
    """Kaplan–Meier median of the days to settle, with its interval.

    Parameters
    ----------
    days : array-like
        Days from receipt to settlement (settled) or to the end of the window (open).
    settled : array-like of bool
        True for settled complaints; open ones are right-censored.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    median, low, high : float
        The median (first time the survival estimate falls below 0.5), and the
        Brookmeyer–Crowley interval with the complementary log-log transform
        (``statsmodels.duration.survfunc.SurvfuncRight.quantile_ci``); NaN when the
        median is not reached, ``inf`` for an upper limit beyond the data.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    days = np.asarray(days, float)
    settled = np.asarray(settled, bool)
    if not settled.any():
        return np.nan, np.nan, np.nan
    sf = SurvfuncRight(days, settled.astype(int))
    med = float(sf.quantile(0.5))
    # survival 0 or 1 at some times makes the log-log transform infinite there; those
    # times are outside any interval, which is what statsmodels returns
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = sf.quantile_ci(0.5, alpha=1 - confidence)
    return med, float(low), float(high)


def spearman_ci(x, y, confidence: float = 0.95) -> dict[str, float]:
    """Spearman's rank correlation with a Fisher-z interval (Bonett & Wright 2000).

    ``z = atanh(r_s)``, ``SE = √((1 + r_s²/2)/(n − 3))``, interval ``tanh(z ± z_{α/2} SE)``;
    the estimate and p-value are :func:`scipy.stats.spearmanr`'s. Pairs with a missing
    value are dropped; fewer than 4 pairs give NaN.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    n = int(ok.sum())
    out = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_val": np.nan, "n": n}
    if n < 4 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return out
    res = stats.spearmanr(x[ok], y[ok])
    r = float(res.statistic)
    z = stats.norm.ppf(0.5 + confidence / 2)
    se = np.sqrt((1 + r * r / 2) / (n - 3))
    zr = np.arctanh(np.clip(r, -0.999999, 0.999999))
    out.update(
        estimate=r,
        ci_low=float(np.tanh(zr - z * se)),
        ci_high=float(np.tanh(zr + z * se)),
        p_val=float(res.pvalue),
    )
    return out


@dataclass
class ComplaintResult:
    """Complaint handling in a window of quarters (:func:`complaint_handling`).

    Attributes
    ----------
    units : DataFrame
        One row per unit with complaints or complaint-item answers; columns listed in
        :func:`complaint_handling`.
    regency : dict
        The same figures over every unit.
    agreement : dict
        Spearman correlation across units between the citizens' complaint-item score and
        the share settled within the standard (``estimate, ci_low, ci_high, p_val, n``).
    officers : DataFrame
        **Restricted**: per officer named in a complaint (``employee_id``), the unit,
        ``n_complaints``, ``n_open``, ``n_conduct`` (about staff conduct).
    parameters : dict
        Window, standard, item, thresholds.
    """

    units: pd.DataFrame
    regency: dict[str, Any]
    agreement: dict[str, Any]
    officers: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> list[str]:
        """Units whose citizens rate complaint handling highly while complaints stay open."""
        return self.units.loc[self.units["flagged"].eq(True), "unit_id"].tolist()

    def to_json(self) -> dict[str, Any]:
        """Canonical codes and numbers; no employee ids (the officers list is left out)."""
        return to_jsonable(
            {
                "parameters": self.parameters,
                "regency": self.regency,
                "agreement": self.agreement,
                "units": self.units,
                "flagged": self.flagged,
            }
        )

    def _repr_html_(self) -> str:
        r = self.regency
        return (
            f"<div><strong>ComplaintResult</strong> {html.escape(str(self.parameters['window']))}: "
            f"{r['n_complaints']} complaints, {len(self.flagged)} unit(s) flagged"
            f"{self.units.head(20).to_html(index=False, na_rep='')}</div>"
        )


def _window_dates(window: Sequence[str]) -> tuple[pd.Timestamp, pd.Timestamp]:
    first = pd.Period(window[0], freq="Q")
    last = pd.Period(window[-1], freq="Q")
    return first.start_time.normalize(), last.end_time.normalize()


def complaint_handling(
    complaints: pd.DataFrame,
    units: pd.DataFrame,
    citizen: pd.DataFrame | None,
    window: Sequence[str],
    *,
    standard_days: int = SETTLEMENT_DAYS,
    item: str = COMPLAINT_ITEM,
    high_rating: float = HIGH_ITEM_RATING,
    min_n: int = 5,
    confidence: float = 0.95,
) -> ComplaintResult:
    """Complaint volume and handling per unit, triangulated with the SKM complaint item.

    Parameters
    ----------
    complaints : DataFrame
        The ``complaints`` table (:data:`evalkit.tables.TABLES`).
    units : DataFrame
        The ``units`` table; ``service_population`` (people served per year) is the
        denominator of the complaint rate, ``sector`` is carried along.
    citizen : DataFrame or None
        SKM responses of the window (the ``citizen`` table), for the complaint item.
    window : sequence of str
        Quarters ``"2025Q1"`` … in order: complaints *received* in them are analysed, as
        of the window's last day (a complaint settled later is open on that day).
    standard_days : int, default :data:`evalkit.rules.SETTLEMENT_DAYS` (60)
        Days within which a complaint should be settled (Perpres 76/2013 as reported;
        UNCONFIRMED, see :mod:`evalkit.rules.perpres_76_2013`).
    item : str, default "u8"
        The SKM item on complaint handling, by code.
    high_rating : float, default :data:`HIGH_ITEM_RATING` (3.0644)
        Mean item answer from which citizens rate complaint handling highly.
    min_n : int, default 5
        Least complaints due and item answers for a unit to be flagged.
    confidence : float, default 0.95
        Coverage of every interval.

    Returns
    -------
    ComplaintResult
        ``units`` columns: ``unit_id``, ``sector``, ``n_complaints`` (received in the
        window), ``service_population``, ``rate_per_1000`` (complaints per 1,000 people
        served, the yearly population prorated to the window: ``n / (population ×
        quarters / 4) × 1000``) with ``rate_ci_low``/``rate_ci_high`` (exact Poisson),
        ``n_settled``, ``n_open`` (on the last day), ``median_days`` with
        ``median_ci_low``/``median_ci_high`` (Kaplan–Meier, open complaints censored,
        :func:`km_median`), ``n_due`` (received at least ``standard_days`` before the
        last day), ``n_within`` (of those, settled within ``standard_days``),
        ``share_within`` with ``share_ci_low``/``share_ci_high`` (Wilson), ``n_overdue_open``
        (due and still open), ``n_item`` (answers to ``item``), ``item_mean`` (its NRR,
        1–4), ``item_high`` (``item_mean ≥ high_rating``) and ``flagged``.

    Notes
    -----
    Flag for review (not a verdict): ``item_high`` and the whole interval of
    ``share_within`` below one half (most complaints due are not settled within the
    standard, beyond chance), with at least ``min_n`` complaints due and ``min_n`` item
    answers. Triangulation across units: :func:`spearman_ci` of ``item_mean`` against
    ``share_within`` over units with ``min_n`` of both.

    Examples
    --------
    >>> import evalkit as ek
    >>> s = ek.simulate(employees=300, periods="2025Q1:2025Q4", seed=3)
    >>> r = complaint_handling(s.complaints, s.units, s.citizen, ["2025Q1", "2025Q2",
    ...                        "2025Q3", "2025Q4"])
    >>> int(r.units["n_complaints"].sum()) == r.regency["n_complaints"]
    True
    """
    window = list(window)
    if not window:
        raise ValueError("window must name at least one quarter, e.g. ['2025Q4']")
    start, end = _window_dates(window)
    c = complaints[
        complaints["received_date"].ge(start) & complaints["received_date"].le(end)
    ].copy()
    closed = c["closed_date"]
    settled = (closed.notna() & closed.le(end)).to_numpy()
    stop = closed.where(settled, end)
    c["days"] = (stop - c["received_date"]).dt.days.astype(float)
    c["settled"] = settled
    c["due"] = (end - c["received_date"]).dt.days >= standard_days
    c["within"] = c["due"].to_numpy() & settled & (c["days"] <= standard_days).to_numpy()

    info = units.drop_duplicates("unit_id").set_index("unit_id")
    g = c.groupby("unit_id", sort=True)
    out = pd.DataFrame(
        {
            "n_complaints": g.size(),
            "n_settled": g["settled"].sum(),
            "n_due": g["due"].sum(),
            "n_within": g["within"].sum(),
            "n_overdue_open": (c["due"] & ~c["settled"]).groupby(c["unit_id"]).sum(),
        }
    )
    item_table = pd.DataFrame(columns=["n_item", "item_mean"])
    if citizen is not None and len(citizen) and item in citizen.columns:
        cq = citizen[citizen["period"].isin(window)] if "period" in citizen.columns else citizen
        ans = pd.to_numeric(cq[item], errors="coerce")
        gi = ans.groupby(cq["unit_id"])
        item_table = pd.DataFrame({"n_item": gi.count(), "item_mean": gi.mean()})
        item_table = item_table[item_table["n_item"] > 0]
    out = out.join(item_table, how="outer")
    out.index.name = "unit_id"
    for col in ("n_complaints", "n_settled", "n_due", "n_within", "n_overdue_open", "n_item"):
        out[col] = out[col].fillna(0).astype("int64")
    out["n_open"] = out["n_complaints"] - out["n_settled"]
    out = out.reset_index()
    out.insert(1, "sector", out["unit_id"].map(info["sector"]).astype(object))
    pop = out["unit_id"].map(info["service_population"]).astype(float)
    out["service_population"] = pop
    exposure = pop * len(window) / 4.0 / 1000.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate_per_1000"] = np.where(exposure > 0, out["n_complaints"] / exposure, np.nan)
    out["rate_ci_low"], out["rate_ci_high"] = poisson_rate_ci(
        out["n_complaints"], exposure, confidence
    )
    medians = {
        u: km_median(sub["days"], sub["settled"], confidence)
        for u, sub in c.groupby("unit_id", sort=True)
    }
    med = pd.DataFrame.from_dict(
        medians, orient="index", columns=["median_days", "median_ci_low", "median_ci_high"]
    )
    out = out.join(med, on="unit_id")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_within"] = np.where(
            out["n_due"] > 0, out["n_within"] / out["n_due"].where(out["n_due"] > 0), np.nan
        )
    out["share_ci_low"], out["share_ci_high"] = wilson_ci(out["n_within"], out["n_due"], confidence)
    out["item_high"] = out["item_mean"].ge(high_rating).where(out["item_mean"].notna())
    enough = out["n_due"].ge(min_n) & out["n_item"].ge(min_n)
    out["flagged"] = (enough & out["item_high"].eq(True) & out["share_ci_high"].lt(0.5)).astype(
        bool
    )
    columns = [
        "unit_id",
        "sector",
        "n_complaints",
        "service_population",
        "rate_per_1000",
        "rate_ci_low",
        "rate_ci_high",
        "n_settled",
        "n_open",
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "n_due",
        "n_within",
        "share_within",
        "share_ci_low",
        "share_ci_high",
        "n_overdue_open",
        "n_item",
        "item_mean",
        "item_high",
        "flagged",
    ]
    out = out[columns]

    # regency
    n = int(len(c))
    with_pop = out["service_population"].gt(0)
    k_pop = int(out.loc[with_pop, "n_complaints"].sum())
    exp_all = float(out.loc[with_pop, "service_population"].sum()) * len(window) / 4.0 / 1000.0
    r_low, r_high = poisson_rate_ci(k_pop, exp_all, confidence)
    m, m_low, m_high = km_median(c["days"], c["settled"], confidence) if n else (np.nan,) * 3
    n_due, n_within = int(c["due"].sum()), int(c["within"].sum())
    s_low, s_high = wilson_ci(n_within, n_due, confidence)
    regency = {
        "n_complaints": n,
        "n_units": int(out["n_complaints"].gt(0).sum()),
        "rate_per_1000": k_pop / exp_all if exp_all > 0 else np.nan,
        "rate_ci_low": float(r_low),
        "rate_ci_high": float(r_high),
        "n_settled": int(c["settled"].sum()),
        "n_open": int((~c["settled"]).sum()),
        "median_days": m,
        "median_ci_low": m_low,
        "median_ci_high": m_high,
        "n_due": n_due,
        "n_within": n_within,
        "share_within": n_within / n_due if n_due else np.nan,
        "share_ci_low": float(s_low),
        "share_ci_high": float(s_high),
        "by_channel": {k: int(v) for k, v in c["channel"].value_counts().sort_index().items()},
        "by_category": {k: int(v) for k, v in c["category"].value_counts().sort_index().items()},
        "n_naming_officer": int(c["employee_id"].notna().sum()),
    }

    both = out[out["n_due"].ge(min_n) & out["n_item"].ge(min_n)]
    agreement = spearman_ci(both["item_mean"], both["share_within"], confidence)

    named = c[c["employee_id"].notna()]
    if len(named):
        go = named.groupby("employee_id", sort=True)
        officers = pd.DataFrame(
            {
                "unit_id": go["unit_id"].first(),
                "n_complaints": go.size(),
                "n_open": (~named["settled"]).groupby(named["employee_id"]).sum(),
                "n_conduct": named["category"]
                .eq("perilaku_petugas")
                .groupby(named["employee_id"])
                .sum(),
            }
        ).reset_index()
        officers = officers.sort_values(
            ["n_complaints", "employee_id"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    else:
        officers = pd.DataFrame(
            columns=["employee_id", "unit_id", "n_complaints", "n_open", "n_conduct"]
        )

    parameters = {
        "window": window,
        "first_day": start.date().isoformat(),
        "last_day": end.date().isoformat(),
        "standard_days": int(standard_days),
        "item": item,
        "high_rating": float(high_rating),
        "min_n": int(min_n),
        "confidence": float(confidence),
        "denominator": "service_population",
    }
    return ComplaintResult(out, regency, agreement, officers, parameters)
