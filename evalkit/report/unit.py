"""Rapor unit: what a scorecard for one unit shows, computed once per period.

The period report (:func:`evalkit.report.build_report`) calls :func:`scorecard_data`
while its analyses are in memory and :meth:`~evalkit.report.PeriodReport.write_outputs`
saves the result as ``units.json`` beside ``results.json``. A scorecard
(``notebooks/unit.ipynb``, :mod:`evalkit.report.scorecard`) only reads that file: the
regency's analysis runs once, however many units are rendered.

``units.json`` is a shared output: it holds aggregates per unit (counts, means, shares,
intervals, indicator names), never an employee; every figure built from fewer than
``min_cell`` ratees, respondents or employees is withheld (``null``) and marked, and the
predikat shares follow the period report's own suppression (including its complementary
cells), so the two outputs never disagree.

Fairness: a unit is compared with the regency and with units of the same kind
(:func:`peer_group`: puskesmas with puskesmas, SD with SD, OPD with OPD), always with its
interval; with fewer than :data:`MIN_PEERS` peers that have a figure, the scorecard says
that there are too few to compare.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..rules.permenpanrb_6_2022 import DISTRIBUTION_PATTERN
from ..scoring import _ROUNDING, _bound, _select_period, skm_index
from ..tables import CODES
from .base import present, to_jsonable
from .periods import comparison_window, quarters_up_to

if TYPE_CHECKING:
    from ..io import Study
    from .base import ReportContext

__all__ = [
    "MIN_PEERS",
    "PEER_GROUPS",
    "next_steps",
    "pattern_corrections",
    "peer_group",
    "scorecard_data",
    "training_uptake",
    "unclear_indicators",
    "unit_trend",
]

#: Peer group of each unit kind: units are compared only with units of the same group.
#: The OPD kinds form one group (fifteen offices doing administrative work); schools are
#: split by level (:func:`peer_group`).
PEER_GROUPS: dict[str, str] = {
    "sekretariat": "opd",
    "dinas": "opd",
    "badan": "opd",
    "inspektorat": "opd",
    "rsud": "rsud",
    "puskesmas": "puskesmas",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan",
}
#: Fewest peers with a figure for a comparison with the peer group's median.
MIN_PEERS = 3
_SCHOOL_LEVEL = re.compile(r"^\s*(SD|SMP|SMA|SMK|SLB)\b", re.I)


def peer_group(units: pd.DataFrame) -> pd.Series:
    """The peer group of each unit: :data:`PEER_GROUPS` by ``kind``; schools by level.

    A school (``kind`` ``sekolah``) belongs to ``sd``, ``smp``, ``sma``, ``smk`` or
    ``slb`` by the start of its name (``SD Negeri 001 …``) or, failing that, of its
    ``unit_id`` (``SD01``); a school whose level cannot be read stays ``sekolah``. A
    kind outside :data:`PEER_GROUPS` is its own group.

    Parameters
    ----------
    units : DataFrame
        ``unit_id``, ``kind`` and optionally ``name``.

    Returns
    -------
    Series
        Peer group codes, indexed like ``units``.

    Examples
    --------
    >>> u = pd.DataFrame({"unit_id": ["DINKES", "SD01", "X"], "kind": ["dinas", "sekolah",
    ...                   "sekolah"], "name": ["Dinas Kesehatan", "SD Negeri 001", "Sekolah"]})
    >>> peer_group(u).tolist()
    ['opd', 'sd', 'sekolah']
    """

    def one(kind: Any, name: Any, unit_id: Any) -> str:
        kind = str(kind) if present(kind) else "unknown"
        if kind != "sekolah":
            return PEER_GROUPS.get(kind, kind)
        for text in (name, unit_id):
            m = _SCHOOL_LEVEL.match(str(text)) if present(text) else None
            if m:
                return m.group(1).lower()
        return "sekolah"

    names = units["name"] if "name" in units.columns else pd.Series(None, index=units.index)
    return pd.Series(
        [one(k, n, u) for k, n, u in zip(units["kind"], names, units["unit_id"], strict=True)],
        index=units.index,
        dtype=object,
    )


def pattern_corrections(
    counts: dict[str, int],
    org_predikat: str,
    *,
    rounding: str = "strict",
    rules: list[str] | None = None,
) -> list[dict[str, Any]]:
    """What it would take for a unit's predikat counts to fit its distribution pattern.

    For every rule of :data:`evalkit.rules.DISTRIBUTION_PATTERN` for ``org_predikat``
    that the counts break, the number of employees the rule counts now and the bound it
    sets, rounded as :func:`evalkit.check_distribution` rounds (default ``"strict"``: a
    cap of p % allows ``floor(p × N / 100)`` employees, a minimum needs
    ``ceil(p × N / 100)``).

    Parameters
    ----------
    counts : dict
        ``{predikat: employees}`` for the five predikat (missing ones count 0).
    org_predikat : str
        The unit's organisational predikat.
    rounding : {"strict", "lenient", "nearest"}, default "strict"
        As in :func:`evalkit.check_distribution`.
    rules : list of str, optional
        Only these violation codes (e.g. the ones :func:`evalkit.check_distribution`
        checked and found broken; small units are not checked against share rules).

    Returns
    -------
    list of dict
        One per broken rule, in the pattern's order: ``rule`` (the violation code),
        ``kind`` (``max``, ``min``, ``majority``, ``exists``, ``none``), ``predikat``
        (the predikat the rule counts), ``percent`` (or None), ``current`` (employees
        counted now), ``bound`` (the most allowed for ``max`` and ``none``, the fewest
        needed for ``min`` and ``exists``; for ``majority`` the largest other predikat's
        count, which the counted predikat must at least equal) and ``n``.

    Examples
    --------
    >>> pattern_corrections({"baik": 9, "sangat_baik": 1}, "baik")[0]["rule"]
    'baik_above_max'
    >>> pattern_corrections({"baik": 9, "sangat_baik": 1}, "baik")[0]["bound"]
    7
    """
    n = int(sum(int(v) for v in counts.values()))
    cap_how, min_how = _ROUNDING[rounding]
    out: list[dict[str, Any]] = []
    for rule in DISTRIBUTION_PATTERN.get(org_predikat, ()):
        if rules is not None and rule.code not in rules:
            continue
        current = int(sum(int(counts.get(p, 0)) for p in rule.predikat))
        if rule.kind == "max":
            bound = int(_bound(rule.percent, np.array([n]), cap_how)[0])
            bad = current > bound
        elif rule.kind == "min":
            bound = int(_bound(rule.percent, np.array([n]), min_how)[0])
            bad = current < bound
        elif rule.kind == "majority":
            others = [int(v) for p, v in counts.items() if p not in rule.predikat]
            bound = max(others, default=0)
            bad = current < bound
        elif rule.kind == "exists":
            bound, bad = 1, current == 0
        else:  # "none"
            bound, bad = 0, current > 0
        if bad:
            out.append(
                {
                    "rule": rule.code,
                    "kind": rule.kind,
                    "predikat": list(rule.predikat),
                    "percent": rule.percent,
                    "current": current,
                    "bound": bound,
                    "n": n,
                }
            )
    return out


def unclear_indicators(study: Study, period: str) -> pd.DataFrame:
    """The unclear indicators each unit's staff are judged on in ``period``, by name.

    The same audit as :func:`evalkit.indicator_clarity` with results (an indicator is
    unclear in a unit when it has no target kind, no unit of measure or no direction,
    or a result on it in the unit has no target), listed per indicator so that the
    unit can fix it. Indicator names describe work, not people.

    Returns
    -------
    DataFrame
        ``unit_id``, ``indicator_id``, ``name``, ``no_target``, ``no_unit``,
        ``no_direction`` (booleans), one row per unclear unit–indicator pair, sorted.
    """
    results = _select_period(study.results, period)
    staff = study.employees.drop_duplicates("employee_id").set_index("employee_id")["unit_id"]
    ind = study.indicators.drop_duplicates("indicator_id").set_index("indicator_id")

    def blank(s: pd.Series) -> pd.Series:
        return s.isna() | s.astype(object).map(lambda v: isinstance(v, str) and not v.strip())

    rows = pd.DataFrame(
        {
            "unit_id": results["employee_id"].map(staff).astype(object).to_numpy(),
            "indicator_id": results["indicator_id"].astype(object).to_numpy(),
            "missing_target": results["target"].isna().to_numpy(),
        }
    ).dropna(subset=["unit_id"])
    rows = rows[rows["indicator_id"].isin(ind.index)]
    pairs = rows.groupby(["unit_id", "indicator_id"], sort=True)["missing_target"].any()
    pairs = pairs.reset_index()
    flags = pd.DataFrame(
        {
            "no_target": blank(ind["target_kind"]),
            "no_unit": blank(ind["unit_of_measure"]),
            "no_direction": blank(ind["direction"]),
            "name": ind["name"].astype(object) if "name" in ind.columns else ind.index,
        }
    )
    pairs = pairs.join(flags, on="indicator_id")
    pairs["no_target"] = pairs["no_target"] | pairs["missing_target"]
    unclear = pairs[pairs[["no_target", "no_unit", "no_direction"]].any(axis=1)]
    return unclear[
        ["unit_id", "indicator_id", "name", "no_target", "no_unit", "no_direction"]
    ].reset_index(drop=True)


def unit_trend(study: Study, quarters: list[str]) -> pd.DataFrame:
    """Each unit's mean supervisor score and IKM per quarter.

    The supervisor score is :func:`evalkit.report.supervisor_trend`'s measure within the
    unit: the mean over employees of each employee's mean atasan score (1–5); the IKM is
    :func:`evalkit.skm_index` of the unit's responses in the quarter (25–100).

    Returns
    -------
    DataFrame
        ``unit_id``, ``period``, ``supervisor_score``, ``n_ratees``, ``ikm``,
        ``n_citizen``: one row per unit and quarter with either figure, sorted.
    """
    b = study.behaviour
    b = b[(b["rater_role"] == "atasan") & b["period"].isin(quarters)]
    per_employee = b.groupby(["period", "employee_id"])["score"].mean().astype("float64")
    per_employee = per_employee.reset_index()
    staff = study.employees.drop_duplicates("employee_id").set_index("employee_id")["unit_id"]
    per_employee["unit_id"] = per_employee["employee_id"].map(staff).astype(object)
    sup = (
        per_employee.dropna(subset=["unit_id"])
        .groupby(["unit_id", "period"])["score"]
        .agg(supervisor_score="mean", n_ratees="size")
        .reset_index()
    )
    citizen = study.citizen[study.citizen["period"].isin(quarters)]
    if len(citizen):
        ikm = skm_index(citizen, ["unit_id", "period"])[["unit_id", "period", "ikm_converted", "n"]]
        ikm = ikm.rename(columns={"ikm_converted": "ikm", "n": "n_citizen"})
    else:
        ikm = pd.DataFrame(columns=["unit_id", "period", "ikm", "n_citizen"])
    out = sup.merge(ikm, on=["unit_id", "period"], how="outer")
    out["n_ratees"] = out["n_ratees"].fillna(0).astype("int64")
    out["n_citizen"] = out["n_citizen"].fillna(0).astype("int64")
    return out.sort_values(["unit_id", "period"]).reset_index(drop=True)


def _period_end(period: str) -> pd.Timestamp:
    freq = "Y" if re.fullmatch(r"\d{4}", period) else "Q"
    return pd.Period(period, freq=freq).end_time.normalize()


def training_uptake(study: Study, period: str) -> pd.DataFrame:
    """Employees of each unit who had finished a training by the end of ``period``.

    Returns
    -------
    DataFrame
        ``unit_id``, ``n_employees``, ``n_trained`` (employees with a course ending on
        or before the period's last day), ``share_trained``; every unit of the
        employees table, sorted.

    Examples
    --------
    >>> from evalkit.io import Study
    >>> e = pd.DataFrame({"employee_id": ["a", "b", "c"], "unit_id": ["u", "u", "v"]})
    >>> t = pd.DataFrame({"employee_id": ["a", "c"],
    ...                   "end_date": pd.to_datetime(["2025-03-01", "2026-01-05"])})
    >>> training_uptake(Study(employees=e, training=t), "2025Q4").values.tolist()
    [['u', 2, 1, 0.5], ['v', 1, 0, 0.0]]
    """
    staff = study.employees.drop_duplicates("employee_id")[["employee_id", "unit_id"]]
    staff = staff.dropna(subset=["unit_id"])
    training = study.training
    done = set()
    if training is not None and len(training):
        end = pd.to_datetime(training["end_date"], errors="coerce")
        done = set(training.loc[(end <= _period_end(period)).to_numpy(), "employee_id"])
    staff = staff.assign(trained=staff["employee_id"].isin(done))
    out = (
        staff.groupby("unit_id", sort=True)["trained"]
        .agg(n_employees="size", n_trained="sum")
        .reset_index()
    )
    out["n_employees"] = out["n_employees"].astype("int64")
    out["n_trained"] = out["n_trained"].astype("int64")
    out["share_trained"] = out["n_trained"] / out["n_employees"]
    return out


# ----------------------------------------------------------------------------------------
# the scorecard data
# ----------------------------------------------------------------------------------------
def _num(v: Any) -> float | None:
    if not present(v):
        return None
    x = float(v)
    return x if math.isfinite(x) else None


def _position(low: float | None, high: float | None, reference: float | None) -> str | None:
    """``above`` / ``below`` when the interval lies wholly on one side of the reference,
    ``similar`` when it covers it, None without an interval or a reference."""
    if low is None or high is None or reference is None:
        return None
    if low > reference:
        return "above"
    if high < reference:
        return "below"
    return "similar"


def _peer_stats(values: pd.Series) -> dict[str, Any]:
    v = values.dropna().astype(float)
    if len(v) < MIN_PEERS:
        return {"n": int(len(v)), "median": None, "low": None, "high": None}
    return {
        "n": int(len(v)),
        "median": float(v.median()),
        "low": float(v.min()),
        "high": float(v.max()),
    }


def _rank(value: float | None, values: pd.Series) -> int | None:
    """1 = highest among the peers with a figure (ties share the better rank)."""
    v = values.dropna().astype(float)
    if value is None or len(v) < MIN_PEERS:
        return None
    return int((v > value).sum()) + 1


def scorecard_data(ctx: ReportContext, results: dict[str, Any]) -> dict[str, Any]:
    """Everything the unit scorecards show, for every unit, from one period's analysis.

    Called by :func:`evalkit.report.build_report` with the report's context (whose cache
    holds the scoring, comparison and reliability results) and the content of
    ``results.json``; saved as ``units.json`` by
    :meth:`~evalkit.report.PeriodReport.write_outputs`.

    Parameters
    ----------
    ctx : ReportContext
        The period report's context, after its sections were built.
    results : dict
        :attr:`evalkit.report.PeriodReport.results` of the same report.

    Returns
    -------
    dict
        ``period``, ``quarters`` (of the trend), ``comparison_window``, ``min_cell``,
        ``min_peers``, ``regency`` (IKM with interval; the typical citizen–supervisor
        gap; the training effect) and ``units``: ``{unit_id: {...}}`` with the blocks
        ``predikat``, ``skm``, ``comparison``, ``reliability``, ``clarity``,
        ``training``, ``trend`` and ``next_steps`` (:func:`next_steps`). A figure built
        from fewer than ``min_cell`` employees, ratees or respondents is None and its
        block says ``"suppressed": "small_cell"`` (or ``"complementary"``).
    """
    study, period, min_cell = ctx.study, ctx.period, ctx.min_cell
    units = study.units.drop_duplicates("unit_id").copy()
    units["peer_group"] = peer_group(units).to_numpy()
    quarters = quarters_up_to(study, period)

    # --- predikat (the scoring section's suppressed table, with its counts) ----------
    scoring = ctx.cache["scoring"]
    rounding = scoring.parameters.get("rounding", "strict")
    shown = {r["unit_id"]: r for r in results["scoring"]["units"]}
    dist = scoring.distribution.set_index("unit_id")
    raw_units = scoring.units.set_index("unit_id")

    # --- SKM -------------------------------------------------------------------------
    citizen = _select_period(study.citizen, period)
    skm_rows = {r["unit_id"]: r for r in results["scoring"]["skm"]}
    # skm_index gives each IKM its linearised t interval (the scoring section's table
    # keeps the index and the sample; the interval is read here)
    intervals = (
        skm_index(citizen, "unit_id").set_index("unit_id") if len(citizen) else pd.DataFrame()
    )
    regency_ikm: dict[str, Any] = {"n": int(len(citizen))}
    if len(citizen):
        overall = skm_index(citizen).iloc[0]
        regency_ikm.update(
            ikm=_num(overall["ikm_converted"]),
            ci_low=_num(overall["ci_low"]),
            ci_high=_num(overall["ci_high"]),
            mutu=overall["mutu"],
        )

    # --- comparison (the funnel needs the unsuppressed table's limits) ------------------
    comparison = ctx.cache.get("comparison")
    cmp_shown = {r["unit_id"]: r for r in results["comparison"]["units"]}
    cmp_raw = comparison.units.set_index("unit_id") if comparison is not None else pd.DataFrame()
    centre = _num(results["comparison"].get("centre"))

    # --- reliability, clarity, training, trend --------------------------------------
    icc_rows = {r["unit_id"]: r for r in results["reliability"]["source_agreement_units"]}
    cit_rows = {r["unit_id"]: r for r in results["reliability"]["citizen_units"]}
    clarity_rows = {r["unit_id"]: r for r in results["data"]["indicator_clarity"]["units"]}
    unclear = unclear_indicators(study, period)
    uptake = training_uptake(study, period).set_index("unit_id")
    trend = unit_trend(study, quarters)

    # --- one record per unit --------------------------------------------------------
    records: dict[str, dict[str, Any]] = {}
    for _, u in units.iterrows():
        uid = u["unit_id"]
        rec: dict[str, Any] = {
            "unit_id": uid,
            "name": u.get("name"),
            "kind": u.get("kind"),
            "sector": u.get("sector"),
            "peer_group": u["peer_group"],
        }
        # predikat
        row = shown.get(uid, {})
        n_scored = int(row.get("n_scored") or 0)
        block: dict[str, Any] = {
            "n_scored": n_scored,
            "org_predikat": row.get("org_predikat"),
            "suppressed": row.get("suppressed") if n_scored else None,
        }
        if n_scored and row.get("suppressed") is None:
            counts = {p: int(raw_units.at[uid, f"n_{p}"]) for p in CODES["predikat"]}
            block["counts"] = counts
            block["shares"] = {p: row.get(f"share_{p}") for p in CODES["predikat"]}
            block["ok"] = row.get("ok")
            block["violations"] = [c for c in (row.get("violations") or "").split("; ") if c]
            na = dist.at[uid, "not_applicable"] if uid in dist.index else ""
            block["not_applicable"] = [c for c in (na or "").split("; ") if c]
            org = row.get("org_predikat")
            block["corrections"] = (
                pattern_corrections(counts, org, rounding=rounding, rules=block["violations"])
                if org and row.get("ok") is False
                else []
            )
        rec["predikat"] = block

        # SKM
        s = skm_rows.get(uid)
        skm: dict[str, Any] = {"n": int(s["n_respondents"]) if s else 0}
        if s:
            skm.update(n_required=s.get("n_required"), n_sufficient=s.get("n_sufficient"))
            skm["suppressed"] = s.get("suppressed")
            if s.get("suppressed") is None and s.get("ikm_converted") is not None:
                iv = intervals.loc[uid] if uid in intervals.index else None
                skm.update(
                    ikm=s["ikm_converted"],
                    mutu=s.get("mutu"),
                    kinerja=s.get("kinerja"),
                    ci_low=_num(iv["ci_low"]) if iv is not None else None,
                    ci_high=_num(iv["ci_high"]) if iv is not None else None,
                )
                skm["vs_regency"] = _position(skm["ci_low"], skm["ci_high"], regency_ikm.get("ikm"))
        rec["skm"] = skm

        # comparison
        c = cmp_shown.get(uid)
        cmp: dict[str, Any] = {"available": c is not None}
        if c is not None:
            cmp.update(
                n_citizen=c.get("n_citizen"),
                n_supervisor=c.get("n_supervisor"),
                suppressed=c.get("suppressed"),
            )
            if c.get("suppressed") is None and c.get("gap") is not None:
                raw = cmp_raw.loc[uid]
                low, high = _num(c["ci_low"]), _num(c["ci_high"])
                cmp.update(
                    mean_supervisor=_num(c["mean_supervisor"]),
                    mean_citizen=_num(c["mean_citizen"]),
                    gap=_num(c["gap"]),
                    ci_low=low,
                    ci_high=high,
                    eligible=bool(raw["eligible"]),
                    flagged=c.get("flagged"),
                    q_value=_num(c.get("q_value")),
                    funnel_low95=_num(raw["funnel_low95"]),
                    funnel_high95=_num(raw["funnel_high95"]),
                    funnel_low998=_num(raw["funnel_low998"]),
                    funnel_high998=_num(raw["funnel_high998"]),
                )
                # who rated higher (the sign of the gap where its interval excludes 0) and
                # the gap against the regency's typical gap: evalkit.compare.flag_units
                cmp["higher_rater"] = c.get("higher_rater")
                cmp["vs_regency"] = c.get("vs_regency")
                cmp["funnel"] = _funnel_zone(cmp)
        rec["comparison"] = cmp

        # reliability
        r = icc_rows.get(uid)
        rel: dict[str, Any] = {"n_ratees": int(r["n_ratees"]) if r else 0}
        if r:
            rel["suppressed"] = r.get("suppressed")
            if r.get("suppressed") is None:
                rel.update(
                    icc=_num(r["estimate"]),
                    ci_low=_num(r["ci_low"]),
                    ci_high=_num(r["ci_high"]),
                    band=r.get("band"),
                )
        cz = cit_rows.get(uid)
        if cz:
            rel["n_citizens"] = int(cz["n_citizens"])
            if cz.get("suppressed") is None:
                rel["rwg"] = _num(cz.get("rwg_j"))
        rec["reliability"] = rel

        # indicator clarity (indicator names are not personal)
        cl = clarity_rows.get(uid)
        mine = unclear[unclear["unit_id"] == uid]
        rec["clarity"] = {
            "n_indicators": int(cl["n_indicators"]) if cl else 0,
            "n_unclear": int(cl["n_unclear"]) if cl else 0,
            "cluster": bool(cl["cluster"]) if cl else False,
            "indicators": [
                {
                    "indicator_id": i["indicator_id"],
                    "name": i["name"],
                    "missing": [
                        m
                        for m, flag in (
                            ("target", i["no_target"]),
                            ("unit", i["no_unit"]),
                            ("direction", i["no_direction"]),
                        )
                        if flag
                    ],
                }
                for _, i in mine.iterrows()
            ],
        }

        # training uptake (staff counts are the unit's size: min_cell applies to it)
        t: dict[str, Any] = {"n_employees": 0}
        if uid in uptake.index:
            n_emp = int(uptake.at[uid, "n_employees"])
            t["n_employees"] = n_emp
            if n_emp >= min_cell:
                t["n_trained"] = int(uptake.at[uid, "n_trained"])
                t["share_trained"] = float(uptake.at[uid, "share_trained"])
            else:
                t["suppressed"] = "small_cell"
        rec["training"] = t

        # trend
        mine = trend[trend["unit_id"] == uid].set_index("period")
        rec["trend"] = [
            {
                "period": q,
                "supervisor_score": _num(mine.at[q, "supervisor_score"])
                if q in mine.index and mine.at[q, "n_ratees"] >= min_cell
                else None,
                "n_ratees": int(mine.at[q, "n_ratees"]) if q in mine.index else 0,
                "ikm": _num(mine.at[q, "ikm"])
                if q in mine.index and mine.at[q, "n_citizen"] >= min_cell
                else None,
                "n_citizen": int(mine.at[q, "n_citizen"]) if q in mine.index else 0,
            }
            for q in quarters
        ]
        records[uid] = rec

    # --- peers: the same kind of unit --------------------------------------------------
    frame = pd.DataFrame(
        {
            "unit_id": list(records),
            "peer_group": [r["peer_group"] for r in records.values()],
            "ikm": [r["skm"].get("ikm") for r in records.values()],
            "gap": [r["comparison"].get("gap") for r in records.values()],
            "icc": [r["reliability"].get("icc") for r in records.values()],
            "share_trained": [r["training"].get("share_trained") for r in records.values()],
        },
        dtype=object,
    )
    peers: dict[str, Any] = {}
    for group, members in frame.groupby("peer_group", sort=True):
        peers[str(group)] = {
            "n_units": int(len(members)),
            **{
                col: _peer_stats(pd.to_numeric(members[col], errors="coerce"))
                for col in ("ikm", "gap", "icc", "share_trained")
            },
        }
    for rec in records.values():
        g = peers[rec["peer_group"]]
        members = frame[frame["peer_group"] == rec["peer_group"]]
        skm = rec["skm"]
        if skm.get("ikm") is not None:
            skm["vs_peers"] = _position(skm.get("ci_low"), skm.get("ci_high"), g["ikm"]["median"])
            skm["peer_rank"] = _rank(skm["ikm"], pd.to_numeric(members["ikm"], errors="coerce"))
        cmp = rec["comparison"]
        if cmp.get("gap") is not None:
            cmp["vs_peers"] = _position(cmp.get("ci_low"), cmp.get("ci_high"), g["gap"]["median"])
        rel = rec["reliability"]
        if rel.get("icc") is not None:
            rel["vs_peers"] = _position(rel.get("ci_low"), rel.get("ci_high"), g["icc"]["median"])
        t = rec["training"]
        if t.get("share_trained") is not None and g["share_trained"]["median"] is not None:
            t["vs_peers"] = (
                "above"
                if t["share_trained"] > g["share_trained"]["median"]
                else "below"
                if t["share_trained"] < g["share_trained"]["median"]
                else "similar"
            )
        rec["next_steps"] = next_steps(rec, peers)

    training = results["training"]
    regency = {
        "ikm": regency_ikm,
        "gap_centre": centre,
        "comparison_flagged": int(sum(1 for r in cmp_shown.values() if r.get("flagged") is True)),
        "comparison_units": int(sum(1 for r in cmp_shown.values() if r.get("flagged") is not None)),
        "comparison_insufficient": results["comparison"].get("insufficient"),
        "training": {
            k: training.get(k)
            for k in (
                "estimate",
                "ci_low",
                "ci_high",
                "confidence",
                "n_treated",
                "n_clusters",
                "insufficient",
            )
        },
    }
    return to_jsonable(
        {
            "period": period,
            "quarters": quarters,
            "comparison_window": comparison_window(study, period),
            "min_cell": min_cell,
            "min_peers": MIN_PEERS,
            "regency": regency,
            "peer_groups": peers,
            "units": records,
        }
    )


def _funnel_zone(cmp: dict[str, Any]) -> str | None:
    """Where the unit's gap lies in the regency's funnel: ``inside`` the 95 % limits,
    ``beyond95_high``/``beyond95_low`` (outside 95 %, inside 99.8 %) or
    ``beyond998_high``/``beyond998_low``."""
    gap = cmp.get("gap")
    lims = [
        cmp.get(k) for k in ("funnel_low95", "funnel_high95", "funnel_low998", "funnel_high998")
    ]
    if gap is None or any(v is None for v in lims):
        return None
    low95, high95, low998, high998 = lims
    if gap > high998:
        return "beyond998_high"
    if gap < low998:
        return "beyond998_low"
    if gap > high95:
        return "beyond95_high"
    if gap < low95:
        return "beyond95_low"
    return "inside"


def next_steps(unit: dict[str, Any], peers: dict[str, Any], *, k: int = 3) -> list[dict[str, Any]]:
    """Three plain next steps for a unit, each tied to the number that calls for it.

    Candidates in order of priority; the first ``k`` that apply are kept:

    1. ``pattern``: the predikat distribution breaks its pattern (the first correction
       of :func:`pattern_corrections`);
    2. ``comparison_review``: the citizen–supervisor gap is flagged for review;
    3. ``skm_sample``: fewer SKM respondents than the Krejcie–Morgan minimum;
    4. ``skm_low``: IKM mutu C or D, or an interval below the peers' median;
    5. ``indicators``: indicators lacking a target, unit of measure or direction;
    6. ``reliability``: supervisor and peer ratings agree poorly (band ``poor``);
    7. ``training``: a smaller share of staff trained than the peers' median;
    8. ``too_small``: the unit is too small for its predikat figures to be shown.

    When fewer apply, steps that keep what works follow, also tied to a number:
    ``keep_survey`` (respondents), ``keep_indicators`` (indicators, all clear),
    ``keep_pattern`` (predikat within the pattern), ``keep_training`` (share of staff
    trained) and ``keep_rating`` (staff rated).

    Returns
    -------
    list of dict
        ``{"code": ..., **values}`` with the numbers the step's sentence quotes.
    """
    out: list[dict[str, Any]] = []
    p, s, c = unit["predikat"], unit["skm"], unit["comparison"]
    rel, cl, t = unit["reliability"], unit["clarity"], unit["training"]
    if p.get("corrections"):
        out.append({"code": "pattern", **p["corrections"][0]})
    if c.get("flagged") is True:
        out.append(
            {
                "code": "comparison_review",
                "gap": c["gap"],
                "ci_low": c["ci_low"],
                "ci_high": c["ci_high"],
            }
        )
    if s.get("n_sufficient") is False and s.get("n_required") is not None:
        out.append({"code": "skm_sample", "n": s["n"], "n_required": s["n_required"]})
    peer = peers.get(unit["peer_group"], {}).get("ikm", {})
    if s.get("ikm") is not None and (s.get("mutu") in ("C", "D") or s.get("vs_peers") == "below"):
        out.append(
            {
                "code": "skm_low",
                "ikm": s["ikm"],
                "mutu": s.get("mutu"),
                "peer_median": peer.get("median"),
            }
        )
    if cl["n_unclear"] > 0:
        out.append(
            {"code": "indicators", "n_unclear": cl["n_unclear"], "n_indicators": cl["n_indicators"]}
        )
    if rel.get("band") == "poor":
        out.append({"code": "reliability", "icc": rel["icc"]})
    if t.get("vs_peers") == "below":
        out.append(
            {
                "code": "training",
                "share_trained": t["share_trained"],
                "peer_median": peers[unit["peer_group"]]["share_trained"]["median"],
            }
        )
    if p.get("n_scored") and p.get("suppressed") == "small_cell":
        out.append({"code": "too_small", "n_scored": p["n_scored"]})
    if s.get("n") and not any(step["code"].startswith("skm") for step in out):
        out.append({"code": "keep_survey", "n": s["n"], "n_required": s.get("n_required")})
    if cl["n_indicators"] and cl["n_unclear"] == 0:
        out.append({"code": "keep_indicators", "n_indicators": cl["n_indicators"]})
    if p.get("ok") is True:
        out.append({"code": "keep_pattern", "n_scored": p["n_scored"]})
    if t.get("share_trained") is not None and t.get("vs_peers") != "below":
        out.append({"code": "keep_training", "share_trained": t["share_trained"]})
    if p.get("n_scored"):
        out.append({"code": "keep_rating", "n_scored": p["n_scored"]})
    return out[:k]
