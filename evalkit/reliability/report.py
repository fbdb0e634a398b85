"""Can the ratings be trusted? The reliability section of the period study.

:func:`assess_reliability` runs the reliability statistics of :mod:`evalkit.reliability`
on one period of a :class:`evalkit.io.Study` and returns tidy tables with plain-language
reading codes (canonical English codes; the study translates them through
:mod:`evalkit.labels`):

1. 360° behaviour ratings - per unit and rater role, how reliable one rater is and how
   reliable the mean of a ratee's raters is; and, per unit, how well the rating sources
   (supervisor, peers, …) agree on the same ratee.
2. Citizen (SKM) ratings - agreement within each unit (rwg(j)) and whether units differ
   reliably (Bliese's ICC(1), ICC(2)), i.e. whether aggregating citizens to units is
   justified, and how many citizens a unit needs for a reliable mean.
3. Internal consistency of the nine SKM unsur (Cronbach's alpha), overall and per unit.

Thresholds (reference/methods.md §2-3): Koo & Li (2016) bands for ICC (< .50 poor,
.50-.75 moderate, .75-.90 good, > .90 excellent); .70 for rwg(j) and ICC(2); alpha bands
of George & Mallery (2003) with Nunnally's (1978) .70 as the acceptable minimum.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..tables import SKM_ITEMS
from .aggregation import icc_aggregation, raters_needed, rwg
from .consistency import cronbach_alpha

if TYPE_CHECKING:
    from ..io import Study

__all__ = [
    "ICC_BANDS",
    "ALPHA_BANDS",
    "AGREEMENT_CUTOFF",
    "ReliabilityResult",
    "alpha_band",
    "assess_reliability",
    "icc_band",
]

#: Koo & Li (2016): lower edges of the ICC bands (reference/methods.md §2).
ICC_BANDS: tuple[tuple[float, str], ...] = (
    (-np.inf, "poor"),
    (0.50, "moderate"),
    (0.75, "good"),
    (0.90, "excellent"),
)
#: George & Mallery (2003) bands of Cronbach's alpha; .70 is Nunnally's (1978) minimum.
ALPHA_BANDS: tuple[tuple[float, str], ...] = (
    (-np.inf, "poor"),
    (0.60, "questionable"),
    (0.70, "acceptable"),
    (0.80, "good"),
    (0.90, "excellent"),
)
#: Convention for rwg(j) and ICC(2) (reference/methods.md §3).
AGREEMENT_CUTOFF = 0.70
#: Rater roles whose ratings are compared as sources, by default. Self-ratings (diri)
#: are left out (they measure self-view, not the ratee seen by others) and subordinates
#: (bawahan) because most employees have none: add them through ``sources=``.
DEFAULT_SOURCES: tuple[str, ...] = ("atasan", "rekan")
_ROLES: tuple[str, ...] = ("atasan", "rekan", "bawahan", "diri")
NOT_ESTIMABLE = "not_estimable"


def _band(values, bands) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    edges = np.array([e for e, _ in bands[1:]])
    names = np.array([n for _, n in bands], dtype=object)
    out = names[np.searchsorted(edges, x, side="right")]
    out[np.isnan(x)] = NOT_ESTIMABLE
    return out


def icc_band(values) -> np.ndarray:
    """Koo & Li (2016) band of each ICC: ``poor``, ``moderate``, ``good``, ``excellent``.

    Edges belong to the upper band (.75 is ``good``); NaN gives ``not_estimable``.

    Examples
    --------
    >>> icc_band([0.3, 0.5, 0.8, 0.95, float("nan")]).tolist()
    ['poor', 'moderate', 'good', 'excellent', 'not_estimable']
    """
    return _band(values, ICC_BANDS)


def alpha_band(values) -> np.ndarray:
    """George & Mallery (2003) band of Cronbach's alpha.

    ``poor`` < .60 ≤ ``questionable`` < .70 ≤ ``acceptable`` < .80 ≤ ``good`` < .90 ≤
    ``excellent``; NaN gives ``not_estimable``.

    Examples
    --------
    >>> alpha_band([0.65, 0.7, 0.93]).tolist()
    ['questionable', 'acceptable', 'excellent']
    """
    return _band(values, ALPHA_BANDS)


def _cutoff_code(values, yes: str, no: str) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    out = np.where(x >= AGREEMENT_CUTOFF, yes, no).astype(object)
    out[np.isnan(x)] = NOT_ESTIMABLE
    return out


@dataclass(frozen=True)
class ReliabilityResult:
    """The reliability tables of one period (see :func:`assess_reliability`).

    Attributes
    ----------
    period : str
        The period assessed.
    rater_reliability : pandas.DataFrame
        360° ratings, per ``scope`` (``"all"`` units pooled, or ``"unit"``), ``unit_id``
        (None when pooled) and ``rater_role``: ``statistic`` ``ICC1`` (one rater) or
        ``ICC1k`` (the mean of the ratee's raters), ``estimate``, ``ci_low``,
        ``ci_high``, ``p_val``, ``n_ratees``, ``n_ratings``, ``mean_raters`` (k),
        ``band`` (Koo & Li, or ``not_estimable`` when ratees have one rater each).
    source_agreement : pandas.DataFrame
        Agreement between rating sources on the same ratees, per ``scope``/``unit_id``:
        the six ICC forms of :func:`evalkit.icc` with ``statistic``, ``estimate``,
        ``ci_low``, ``ci_high``, ``p_val``, ``n_ratees``, ``n_sources``, ``band``.
        ICC2 (absolute agreement) is the headline; ICC3 − ICC2 shows a systematic
        offset between sources.
    citizen_agreement : pandas.DataFrame
        Per unit: ``unit_id``, ``rwg_j`` with its bootstrap interval ``rwg_j_ci_low``,
        ``rwg_j_ci_high`` (citizens resampled), ``rwg_j_lindell``, ``n_citizens``,
        ``mean_reliability`` (reliability of the unit's citizen mean,
        n·ICC(1)/(1 + (n − 1)·ICC(1))) and ``code`` (``agreement`` when rwg(j) ≥ .70,
        ``no_agreement``, ``not_estimable``).
    citizen_aggregation : pandas.DataFrame
        Bliese ICC(1), ICC(2) of the citizens' mean SKM score across units (rows
        ``bliese_icc1``, ``bliese_icc2``): ``estimate``, ``ci_low``, ``ci_high``,
        ``p_val``, ``n_units``, ``n_citizens``, ``k`` (mean citizens per unit),
        ``citizens_needed`` (per unit, for ICC(2) = .70), ``code``.
    skm_alpha : pandas.DataFrame
        Cronbach's alpha of u1…u9 per ``scope``/``unit_id``: ``estimate``, ``ci_low``,
        ``ci_high``, ``n_responses``, ``n_items``, ``band``.
    aggregation : dict
        ``verdict`` (``justified`` / ``not_justified``), ``reasons`` (codes among
        ``low_within_unit_agreement``, ``no_between_unit_differences``,
        ``unreliable_unit_means``), ``median_rwg_j``, ``share_rwg_j_ge_70``.
    """

    period: str
    rater_reliability: pd.DataFrame
    source_agreement: pd.DataFrame
    citizen_agreement: pd.DataFrame
    citizen_aggregation: pd.DataFrame
    skm_alpha: pd.DataFrame
    aggregation: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (for ``tables.xlsx``)."""
        return {
            "rater_reliability": self.rater_reliability,
            "source_agreement": self.source_agreement,
            "citizen_agreement": self.citizen_agreement,
            "citizen_aggregation": self.citizen_aggregation,
            "skm_alpha": self.skm_alpha,
        }

    def to_json(self) -> str:
        """Canonical codes and numbers only (unit ids, no employee ids), as JSON text."""
        payload = {
            "period": self.period,
            "aggregation": self.aggregation,
            **{name: _records(df) for name, df in self.tables().items()},
        }
        return json.dumps(_clean(payload), ensure_ascii=False, allow_nan=False, indent=1)

    def _repr_html_(self) -> str:
        parts = [
            f"<h4>Reliability, period {self.period}</h4>",
            f"<p>aggregation of citizen ratings: <b>{self.aggregation.get('verdict')}</b>"
            f" {self.aggregation.get('reasons')}</p>",
        ]
        for name, df in self.tables().items():
            parts.append(
                f"<details><summary>{name} ({len(df)} rows)</summary>"
                f"{df.to_html(index=False, float_format=lambda v: f'{v:.3f}')}"
                "</details>"
            )
        return "\n".join(parts)


def assess_reliability(
    study: Study,
    period: str | None = None,
    *,
    sources: tuple[str, ...] = DEFAULT_SOURCES,
    confidence: float = 0.95,
    n_boot: int = 1000,
) -> ReliabilityResult:
    """Reliability of the 360° behaviour ratings and of the citizen ratings in one period.

    Parameters
    ----------
    study : evalkit.io.Study
        A loaded (or simulated) study.
    period : str, optional
        A quarter (``"2025Q4"``) or a year (``"2025"``, its quarters pooled), as
        :func:`evalkit.io.select_period`; None uses the study as it is.
    sources : tuple of str, default ("atasan", "rekan")
        Rater roles compared as sources in ``source_agreement``; ratees lacking one of
        them are dropped (listwise), so adding ``"bawahan"`` restricts the comparison to
        employees with subordinates.
    confidence : float, default 0.95
        Level of the intervals.
    n_boot : int, default 1000
        Bootstrap replicates of the rwg(j) intervals (seed 0: the same data give the
        same intervals); 0 leaves them out.

    Returns
    -------
    ReliabilityResult
        See its attributes for every table and column.

    Notes
    -----
    *Within-source reliability.* A ratee's score from one rater is the mean of the
    seven BerAKHLAK values that rater gave (over the period's quarters). Peers and
    subordinates differ from ratee to ratee, so raters are nested in ratees and only the
    one-way model applies: ICC1 = ICC(1,1), the reliability of one rater, and ICC1k =
    ICC(1,k), the reliability of the mean of the ratee's k raters (Shrout & Fleiss 1979,
    case 1). With unequal numbers of raters, k is the mean number per ratee (as
    :func:`evalkit.icc_aggregation`, which computes them, vectorised over units). A role
    with one rater per ratee (usually the supervisor, always the self-rating) gives
    ``not_estimable``: one rater's reliability cannot be estimated from one rating.

    *Between-source agreement.* The role means of each ratee are treated as the ratings
    of ``sources`` "raters" (two-way design, the same sources for every ratee), and
    :func:`evalkit.icc` gives the six forms per unit. Low agreement between sources is
    expected (.2-.35, Conway & Huffcutt 1997; reference/methods.md §1) and is not by
    itself evidence of bias.

    *Citizen ratings.* rwg(j) over u1…u9 with the uniform null for A = 4 options
    (σ²_EU = 1.25), per unit; ICC(1)/ICC(2) of each response's mean SKM score across
    units. Aggregation to units is ``justified`` when the median rwg(j) ≥ .70, the
    ICC(1) F test rejects equal units (p < 1 − confidence) and ICC(2) ≥ .70 (Bliese
    2000); otherwise the reasons are listed. Citizens needed per unit for ICC(2) = .70:
    k = .70(1 − ICC(1))/(.30·ICC(1)).

    Examples
    --------
    >>> import evalkit as ek
    >>> from evalkit.reliability.report import assess_reliability
    >>> res = assess_reliability(ek.simulate(employees=300, seed=1), "2025")
    >>> res.aggregation["verdict"] in ("justified", "not_justified")
    True
    """
    from ..io import select_period

    if period is not None:
        study = select_period(study, period)
    label = study.period if study.period is not None else (period or "all")
    # the unit of a ratee is the unit the employees table places them in
    emp = study.employees.dropna(subset=["employee_id"]).drop_duplicates("employee_id")
    unit_of = emp.set_index("employee_id")["unit_id"]
    with warnings.catch_warnings():
        # groups that cannot be estimated come back as NaN and are coded not_estimable
        warnings.simplefilter("ignore", RuntimeWarning)
        rater_rel = _rater_reliability(study.behaviour, unit_of, confidence)
        source_agr = _source_agreement(study.behaviour, unit_of, sources, confidence)
        cit_agr, cit_agg, verdict = _citizen(study.citizen, confidence, n_boot)
        alpha = _skm_alpha(study.citizen, confidence)
    return ReliabilityResult(
        period=str(label),
        rater_reliability=rater_rel,
        source_agreement=source_agr,
        citizen_agreement=cit_agr,
        citizen_aggregation=cit_agg,
        skm_alpha=alpha,
        aggregation=verdict,
    )


# ---------------------------------------------------------------------------- 360°


def _rater_means(behaviour: pd.DataFrame) -> pd.DataFrame:
    """One row per (ratee, rater, role): the mean of the values (over the period)."""
    b = behaviour[["employee_id", "rater_id", "rater_role", "score"]].copy()
    b["score"] = pd.to_numeric(b["score"], errors="coerce").astype(float)
    return b.groupby(["employee_id", "rater_id", "rater_role"], as_index=False, observed=True)[
        "score"
    ].mean()


def _all_and_per_unit(stat, data: pd.DataFrame, *args, group_arg: str = "groups", **kwargs):
    """``stat`` over all units (``scope="all"``) and per ``unit_id`` (``scope="unit"``),
    stacked; both in one vectorised call each (``group_arg`` names stat's group keyword)."""
    data = data.assign(scope="all")
    pooled = stat(data, *args, **{group_arg: "scope"}, **kwargs).drop(columns="group")
    per_unit = stat(data, *args, **{group_arg: "unit_id"}, **kwargs)
    pooled = pooled.assign(scope="all", unit_id=None)
    per_unit = per_unit.rename(columns={"group": "unit_id"}).assign(scope="unit")
    return pd.concat([pooled, per_unit], ignore_index=True)


_RATER_COLUMNS = [
    "scope",
    "unit_id",
    "rater_role",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "p_val",
    "n_ratees",
    "n_ratings",
    "mean_raters",
    "band",
]


def _rater_reliability(behaviour: pd.DataFrame, unit_of: pd.Series, confidence: float):
    if behaviour.empty:
        return pd.DataFrame(columns=_RATER_COLUMNS)
    means = _rater_means(behaviour)
    means = means.assign(unit_id=means["employee_id"].map(unit_of))
    frames = []
    for role in _ROLES:  # four fixed roles; units are vectorised inside
        sub = means[means["rater_role"] == role]
        if sub.empty:
            continue
        both = _all_and_per_unit(
            icc_aggregation, sub, "employee_id", "score", group_arg="by", confidence=confidence
        )
        frames.append(both.assign(rater_role=role))
    if not frames:
        return pd.DataFrame(columns=_RATER_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["statistic"] = out["statistic"].map({"bliese_icc1": "ICC1", "bliese_icc2": "ICC1k"})
    out = out.rename(columns={"n_targets": "n_ratees", "n_raters": "n_ratings", "k": "mean_raters"})
    out["band"] = icc_band(out["estimate"])
    return out[_RATER_COLUMNS]


_SOURCE_COLUMNS = [
    "scope",
    "unit_id",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "p_val",
    "n_ratees",
    "n_sources",
    "band",
]


def _source_agreement(behaviour: pd.DataFrame, unit_of: pd.Series, sources, confidence):
    from .intraclass import icc

    bad = sorted(set(sources) - set(_ROLES))
    if bad or len(sources) < 2:
        raise ValueError(
            f"assess_reliability: sources must be two or more of {_ROLES}, got {sources!r}"
        )
    b = behaviour[behaviour["rater_role"].isin(sources)]
    if b.empty:
        return pd.DataFrame(columns=_SOURCE_COLUMNS)
    means = _rater_means(b)
    per_role = means.groupby(["employee_id", "rater_role"], as_index=False, observed=True)[
        "score"
    ].mean()
    per_role = per_role.assign(unit_id=per_role["employee_id"].map(unit_of))
    out = _all_and_per_unit(
        icc, per_role, "employee_id", "rater_role", "score", confidence=confidence
    ).rename(columns={"n_targets": "n_ratees", "n_raters": "n_sources"})
    out["band"] = icc_band(out["estimate"])
    return out[_SOURCE_COLUMNS]


# ------------------------------------------------------------------------- citizens

_ITEMS = list(SKM_ITEMS)


def _citizen(citizen: pd.DataFrame, confidence: float, n_boot: int):
    cols_agr = [
        "unit_id",
        "rwg_j",
        "rwg_j_ci_low",
        "rwg_j_ci_high",
        "rwg_j_lindell",
        "n_citizens",
        "mean_reliability",
        "code",
    ]
    cols_agg = [
        "statistic",
        "estimate",
        "ci_low",
        "ci_high",
        "p_val",
        "n_units",
        "n_citizens",
        "k",
        "citizens_needed",
        "code",
    ]
    verdict = {
        "verdict": "not_justified",
        "reasons": ["no_citizen_data"],
        "median_rwg_j": None,
        "share_rwg_j_ge_70": None,
    }
    c = citizen.dropna(subset=["unit_id"])
    c = c[c[_ITEMS].notna().any(axis=1)]
    if c.empty:
        return pd.DataFrame(columns=cols_agr), pd.DataFrame(columns=cols_agg), verdict
    r = rwg(c, "unit_id", _ITEMS, scale=(1, 4), n_boot=n_boot, confidence=confidence, seed=0)
    main = r[r["statistic"] == "rwg_j"].set_index("group")
    lindell = r[r["statistic"] == "rwg_j_lindell"].set_index("group")["estimate"]
    agr = pd.DataFrame(
        {
            "unit_id": main.index.to_numpy(dtype=object),
            "rwg_j": main["estimate"].to_numpy(float),
            "rwg_j_ci_low": main["ci_low"].to_numpy(float),
            "rwg_j_ci_high": main["ci_high"].to_numpy(float),
            "rwg_j_lindell": lindell.reindex(main.index).to_numpy(float),
            "n_citizens": main["n_raters"].to_numpy(),
        }
    )

    c = c.assign(skm_mean=c[_ITEMS].astype(float).mean(axis=1), scope="all")
    agg = icc_aggregation(c, "unit_id", "skm_mean", by="scope", confidence=confidence)
    agg = agg.drop(columns="group")
    icc1 = float(agg["estimate"].iloc[0])
    icc2 = float(agg["estimate"].iloc[1])
    p = float(agg["p_val"].iloc[0])
    n_resp = c.groupby("unit_id", observed=True).size().reindex(agr["unit_id"]).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        agr["mean_reliability"] = n_resp * icc1 / (1 + (n_resp - 1) * icc1)
    agr["code"] = _cutoff_code(agr["rwg_j"], "agreement", "no_agreement")

    need = raters_needed(icc1, AGREEMENT_CUTOFF)
    agg = agg.rename(columns={"n_targets": "n_units", "n_raters": "n_citizens"})
    agg["citizens_needed"] = [need, need]
    agg["code"] = [
        "between_unit_differences" if p < 1 - confidence else "no_between_unit_differences",
        _cutoff_code([icc2], "reliable_unit_means", "unreliable_unit_means")[0],
    ]
    if np.isnan(icc1):
        agg["code"] = NOT_ESTIMABLE

    med = float(np.nanmedian(agr["rwg_j"])) if agr["rwg_j"].notna().any() else math.nan
    reasons = []
    if not med >= AGREEMENT_CUTOFF:
        reasons.append("low_within_unit_agreement")
    if not p < 1 - confidence:
        reasons.append("no_between_unit_differences")
    if not icc2 >= AGREEMENT_CUTOFF:
        reasons.append("unreliable_unit_means")
    verdict = {
        "verdict": "not_justified" if reasons else "justified",
        "reasons": reasons,
        "median_rwg_j": med,
        "share_rwg_j_ge_70": float((agr["rwg_j"] >= AGREEMENT_CUTOFF).mean()),
    }
    return agr[cols_agr], agg[cols_agg], verdict


def _skm_alpha(citizen: pd.DataFrame, confidence: float) -> pd.DataFrame:
    cols = ["scope", "unit_id", "estimate", "ci_low", "ci_high", "n_responses", "n_items", "band"]
    c = citizen.dropna(subset=["unit_id"])
    if c.empty:
        return pd.DataFrame(columns=cols)
    long = c[["response_id", "unit_id", *_ITEMS]].melt(
        id_vars=["response_id", "unit_id"], var_name="item", value_name="score"
    )
    long["score"] = long["score"].astype(float)
    out = _all_and_per_unit(
        cronbach_alpha, long, "response_id", "item", "score", confidence=confidence
    ).rename(columns={"n_targets": "n_responses", "n_raters": "n_items"})
    out["band"] = alpha_band(out["estimate"])
    return out[cols]


# ---------------------------------------------------------------------------- JSON


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: _py(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _py(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return _py(obj)
