"""Citizens versus supervisors: alignment, agreement, source offset and units to review.

The data flow is one way::

    behaviour + citizen ──align_sources──▶ aligned observations (POMP 0–100)
        ──adjust_casemix (optional)──▶ aligned, citizen scores case-mix adjusted
        ├─ source_agreement ─▶ mean gap, Bland–Altman, CCC, correlations, tests, TOST
        ├─ source_offset ────▶ source offset with CI (mean of the unit gaps; officers: mixed model)
        └─ flag_units ───────▶ per-unit gap, SE, z, q-value, "review" flag

:func:`compare_sources` runs all of it for a :class:`evalkit.io.Study` and a period and
returns a :class:`ComparisonResult`.

Common scale: percent of maximum possible (POMP; Cohen, Cohen, Aiken & West 1999),
``POMP = (x − min) / (max − min) × 100``, so a supervisor's 1–5 behaviour score becomes
``(x − 1)/4 × 100`` and a citizen's 1–4 SKM answer ``(x − 1)/3 × 100``. Items are averaged
first (on their own scale) and then rescaled, which is the same as averaging the POMP
scores. Every gap in this module is **x − y = supervisor − citizen** in POMP points: a
positive gap means the supervisors rate higher than the citizens do.

Low correlations between rating sources are normal (methods.md §1: between-source
correlations of .2–.35, one supervisor's reliability about .52), and a flag is an
invitation to review, never a verdict on a unit or a person.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._inference import t_critical
from ._values import per_value
from .reliability._schema import result_frame
from .reliability.agreement import bland_altman, lin_ccc
from .sufficiency import Insufficient
from .tables import BERAKHLAK, CODES, SKM_ITEMS, TABLES

__all__ = [
    "ComparisonResult",
    "adjust_casemix",
    "align_sources",
    "compare_sources",
    "comparison_sufficiency",
    "flag_units",
    "source_agreement",
    "source_offset",
]

#: rater_role code -> source name used in the aligned table.
ROLE_SOURCE: dict[str, str] = {
    "atasan": "supervisor",
    "rekan": "peer",
    "bawahan": "subordinate",
    "diri": "self",
}

#: Interrater reliability of one supervisor's rating (Viswesvaran, Ones & Schmidt 1996;
#: methods.md §1), the default where it cannot be estimated from the data.
SUPERVISOR_RELIABILITY = 0.52

#: Codes of ``flag_units``' column ``higher_rater``: who rated the unit higher, from the
#: sign of its gap and whether its confidence interval covers 0. Sources other than
#: supervisors and citizens (peers, …) get their plural in :data:`RATER_GROUP`.
HIGHER_RATER: tuple[str, ...] = CODES["higher_rater"]

#: Codes of ``flag_units``' column ``vs_regency``: the unit's gap against the typical gap
#: of the regency (the centre of the flagging), judged by the same test as the flag.
VS_REGENCY: tuple[str, ...] = CODES["vs_regency"]

#: Source name -> the ``higher_rater`` code of that group of raters.
RATER_GROUP: dict[str, str] = {
    "supervisor": "supervisors",
    "citizen": "citizens",
    "peer": "peers",
    "subordinate": "subordinates",
    "self": "self_ratings",
}

#: Respondent fields of the SKM form used for case-mix adjustment by default.
CASEMIX_FIELDS: tuple[str, ...] = ("respondent_gender", "respondent_age", "respondent_education")

_SCORE = TABLES["behaviour"].column("score")
_ITEM = TABLES["citizen"].column("u1")
_RESPONDENT = (
    "service",
    "respondent_gender",
    "respondent_age",
    "respondent_education",
    "respondent_occupation",
)
ALIGNED_COLUMNS: tuple[str, ...] = (
    "level",
    "period",
    "source",
    "ratee",
    "unit_id",
    "employee_id",
    "observer",
    "score",
    "n_items",
    *_RESPONDENT,
)


# --------------------------------------------------------------------------- alignment


def _as_tuple(value: str | Sequence[str], what: str) -> tuple[str, ...]:
    out = (value,) if isinstance(value, str) else tuple(value)
    if not out:
        raise ValueError(f"{what} is empty; name at least one")
    return out


def _check_codes(given: tuple[str, ...], allowed: Sequence[str], what: str) -> None:
    bad = [v for v in given if v not in allowed]
    if bad:
        raise ValueError(f"{what} {bad} not known; expected some of {list(allowed)}")


def _select_period(
    df: pd.DataFrame, period: str | Sequence[str] | None, table: str
) -> pd.DataFrame:
    """Rows of the period: a quarter (``2025Q3``), a year (``2025``: its quarters and
    any yearly rows) or a list of periods; ``None`` keeps all."""
    if period is None:
        return df
    if isinstance(period, str):
        keep = _by_value(
            df["period"],
            lambda p: (p == period) | (p.str.startswith(period) if len(period) == 4 else False),
        )
    else:
        keep = _by_value(df["period"], lambda p: p.isin([str(x) for x in period]))
    if not keep.any():
        found = sorted(pd.Series(df["period"].dropna().unique()).astype(str))
        raise ValueError(
            f"no {table} rows for period {period!r}; the {table} table holds periods {found}"
        )
    return df if keep.all() else df[keep]


def _by_value(s: pd.Series, test) -> np.ndarray:
    """``test`` (text of values → booleans) applied to each row of ``s``, computed on
    the distinct values once: a period column of a large table has millions of rows
    and a handful of values. A missing value never passes."""
    return per_value(s, lambda v: v.notna() & np.asarray(test(v.astype(str)), dtype=bool))


def align_sources(
    behaviour: pd.DataFrame,
    citizen: pd.DataFrame,
    *,
    employees: pd.DataFrame | None = None,
    level: str = "unit",
    supervisor_values: Sequence[str] = ("berorientasi_pelayanan", "kompeten"),
    citizen_items: Sequence[str] = ("u6", "u7"),
    roles: Sequence[str] = ("atasan",),
    period: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Put behaviour ratings and citizen (SKM) answers on one scale, one row per observation.

    Parameters
    ----------
    behaviour : pandas.DataFrame
        The behaviour table (``evalkit.tables.TABLES["behaviour"]``).
    citizen : pandas.DataFrame
        The citizen table (SKM responses).
    employees : pandas.DataFrame, optional
        The employees table, to place each rated employee in a unit. Needed at
        ``level="unit"`` unless ``behaviour`` has a ``unit_id`` column.
    level : {"unit", "officer"}
        ``"unit"``: the ratee is the unit; all rated employees of the unit and all
        responses about the unit count. ``"officer"``: the ratee is a named officer;
        only responses naming an officer, and the behaviour ratings of those officers.
    supervisor_values : sequence of str
        BerAKHLAK values averaged into a rater's score (default Berorientasi Pelayanan
        and Kompeten, the values that the citizens' u6/u7 also judge).
    citizen_items : sequence of str
        SKM items averaged into a respondent's score (default u6 kompetensi pelaksana
        and u7 perilaku pelaksana).
    roles : sequence of str
        Rater roles kept: ``atasan`` → source ``supervisor``, ``rekan`` → ``peer``,
        ``bawahan`` → ``subordinate``, ``diri`` → ``self``.
    period : str or sequence of str, optional
        A quarter (``"2025Q3"``), a year (``"2025"``: all its periods) or a list. The
        period is used as given; ``None`` keeps every period (observations of different
        periods are then separate observations of the same ratee).

    Returns
    -------
    pandas.DataFrame
        One row per observation:

        - ``level``: ``"unit"`` or ``"officer"``
        - ``period``
        - ``source``: ``supervisor`` / ``peer`` / … / ``citizen``
        - ``ratee``: the unit_id (unit level) or employee_id (officer level)
        - ``unit_id``: the unit of the ratee
        - ``employee_id``: the rated employee (citizen rows: the named officer or NA)
        - ``observer``: the rater_id, or the citizen's response_id
        - ``score``: mean of the chosen values/items on the POMP scale, 0–100
        - ``n_items``: number of values/items averaged (missing answers are skipped)
        - ``service``, ``respondent_gender``, ``respondent_age``,
          ``respondent_education``, ``respondent_occupation``: citizen rows only

        The table carries employee and rater ids: it is restricted material.

    Notes
    -----
    A behaviour observation is one rater's ratings of one employee in one period,
    averaged over ``supervisor_values`` on the 1–5 scale, then ``(m − 1)/4 × 100``.
    A citizen observation is one response, averaged over ``citizen_items`` on the 1–4
    scale, then ``(m − 1)/3 × 100``. POMP puts both at 0 = lowest and 100 = highest
    answer (Cohen, Cohen, Aiken & West 1999, *Multivariate Behav. Res.* 34:315–346). It
    does not make the anchors mean the same thing: a common offset between the sources
    is expected and is estimated by :func:`source_offset`.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> aligned = ek.align_sources(study.behaviour, study.citizen,
    ...                            employees=study.employees, period="2025Q2")
    >>> sorted(aligned["source"].unique())
    ['citizen', 'supervisor']
    >>> bool(aligned["score"].between(0, 100).all())
    True
    """
    if level not in ("unit", "officer"):
        raise ValueError(f"level must be 'unit' or 'officer', got {level!r}")
    values = _as_tuple(supervisor_values, "supervisor_values")
    items = _as_tuple(citizen_items, "citizen_items")
    roles = _as_tuple(roles, "roles")
    _check_codes(values, BERAKHLAK, "supervisor_values")
    _check_codes(items, SKM_ITEMS, "citizen_items")
    _check_codes(roles, CODES["rater_role"], "roles")
    for name, df, cols in (
        (
            "behaviour",
            behaviour,
            ["period", "employee_id", "rater_id", "rater_role", "value", "score"],
        ),
        ("citizen", citizen, ["period", "response_id", "unit_id", "employee_id", *items]),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"the {name} table lacks column(s) {missing}")

    # behaviour: one observation per (period, employee, rater)
    b = _select_period(behaviour, period, "behaviour")
    b = b[b["rater_role"].isin(roles) & b["value"].isin(values)]
    b = b.assign(score=pd.to_numeric(b["score"], errors="coerce").astype(float)).dropna(
        subset=["score"]
    )
    keys = ["period", "employee_id", "rater_id", "rater_role"]
    sup = b.groupby(keys, sort=True, observed=True)["score"].agg(["mean", "count"]).reset_index()
    sup = pd.DataFrame(
        {
            "period": sup["period"].astype(str),
            "source": sup["rater_role"].map(ROLE_SOURCE),
            "employee_id": sup["employee_id"].astype(str),
            "observer": sup["rater_id"].astype(str),
            "score": (sup["mean"] - _SCORE.low) / (_SCORE.high - _SCORE.low) * 100.0,
            "n_items": sup["count"].astype("int64"),
        }
    )

    # citizens: one observation per response
    c = _select_period(citizen, period, "citizen")
    answers = c[list(items)].apply(pd.to_numeric, errors="coerce").astype(float)
    n_items = answers.notna().sum(axis=1)
    mean = answers.mean(axis=1, skipna=True)
    keep = n_items > 0
    c, mean, n_items = c[keep], mean[keep], n_items[keep]
    cit = pd.DataFrame(
        {
            "period": c["period"].astype(str),
            "source": "citizen",
            "unit_id": c["unit_id"].astype(str),
            "employee_id": c["employee_id"].astype("object").where(c["employee_id"].notna(), None),
            "observer": c["response_id"].astype(str),
            "score": (mean - _ITEM.low) / (_ITEM.high - _ITEM.low) * 100.0,
            "n_items": n_items.astype("int64"),
        }
    )
    for col in _RESPONDENT:
        cit[col] = c[col] if col in c.columns else pd.NA

    # units of the rated employees
    if employees is not None:
        if not {"employee_id", "unit_id"} <= set(employees.columns):
            raise ValueError("employees must have the columns employee_id and unit_id")
        unit_of = (
            employees.drop_duplicates("employee_id")
            .set_index(employees.drop_duplicates("employee_id")["employee_id"].astype(str))[
                "unit_id"
            ]
            .astype(str)
        )
    elif "unit_id" in behaviour.columns:
        u = behaviour[["employee_id", "unit_id"]].dropna().drop_duplicates("employee_id")
        unit_of = pd.Series(u["unit_id"].astype(str).to_numpy(), index=u["employee_id"].astype(str))
    elif level == "officer":
        u = cit.dropna(subset=["employee_id"]).drop_duplicates("employee_id")
        unit_of = pd.Series(u["unit_id"].to_numpy(), index=u["employee_id"].astype(str))
    else:
        raise ValueError(
            "align_sources(level='unit') needs the unit of every rated employee: pass "
            "employees=study.employees (or a behaviour table with a unit_id column)"
        )

    if level == "officer":
        cit = cit[cit["employee_id"].notna()].copy()
        cit["employee_id"] = cit["employee_id"].astype(str)
        cit["ratee"] = cit["employee_id"]
        sup = sup[sup["employee_id"].isin(set(cit["employee_id"]))].copy()
        sup["ratee"] = sup["employee_id"]
    else:
        cit["ratee"] = cit["unit_id"]
    sup["unit_id"] = sup["employee_id"].map(unit_of)
    lost = sup["unit_id"].isna()
    if lost.any():
        ids = sorted(sup.loc[lost, "employee_id"].unique())
        raise ValueError(
            f"{len(ids)} rated employee(s) have no unit in the employees table, "
            f"e.g. {ids[:5]}; pass the employees table of the same study"
        )
    if level == "unit":
        sup["ratee"] = sup["unit_id"]
    for col in _RESPONDENT:
        sup[col] = pd.NA

    if sup.empty:
        raise ValueError(
            f"no behaviour ratings by roles {list(roles)} of values {list(values)} "
            f"in period {period!r}"
            + (" for the officers named by citizens" if level == "officer" else "")
        )
    if cit.empty:
        raise ValueError(
            f"no citizen responses with answers to {list(items)} in period {period!r}"
            + (" naming an officer (employee_id)" if level == "officer" else "")
        )
    out = pd.concat([sup, cit], ignore_index=True)
    out["level"] = level
    out = out[list(ALIGNED_COLUMNS)]
    out["respondent_age"] = pd.to_numeric(out["respondent_age"], errors="coerce").astype(float)
    return out.sort_values(["source", "ratee", "period", "observer"], kind="stable").reset_index(
        drop=True
    )


def _check_aligned(aligned: pd.DataFrame, func: str, *sources: str) -> None:
    if not isinstance(aligned, pd.DataFrame):
        raise TypeError(
            f"{func}: pass the table returned by align_sources, got {type(aligned).__name__}"
        )
    missing = [c for c in ("source", "ratee", "unit_id", "score") if c not in aligned.columns]
    if missing:
        raise ValueError(
            f"{func}: the table lacks {missing}; pass the table returned by align_sources"
        )
    found = set(aligned["source"].unique())
    for s in sources:
        if s not in found:
            raise ValueError(f"{func}: no rows of source {s!r}; the table holds {sorted(found)}")


# --------------------------------------------------------------------------- case mix


def adjust_casemix(
    aligned: pd.DataFrame,
    *,
    covariates: Sequence[str] = CASEMIX_FIELDS,
    source: str = "citizen",
) -> pd.DataFrame:
    """Adjust one source's scores for respondent case mix, centred at the overall mix.

    Parameters
    ----------
    aligned : pandas.DataFrame
        Output of :func:`align_sources`.
    covariates : sequence of str
        Respondent columns to adjust for. Text columns are categorical (a missing answer
        is its own category); numeric columns (age) enter linearly, a missing value
        replaced by the mean plus a missing-indicator. Columns without variation are
        skipped.
    source : str, default "citizen"
        The source whose scores are adjusted; other rows are unchanged.

    Returns
    -------
    pandas.DataFrame
        ``aligned`` with ``score`` adjusted on the ``source`` rows and the unadjusted
        score kept in ``score_raw``. ``.attrs["casemix"]`` holds the coefficients
        (a dict term → coefficient in POMP points) and ``.attrs["casemix_covariates"]``
        the columns used.

    Notes
    -----
    Within the ``source`` rows, the scores are regressed on the covariate design X with
    ratee fixed effects (both sides centred within ratee, so that the case-mix
    coefficients β come from differences among respondents of the same ratee and not
    from differences between ratees). The adjusted score is
    ``score − (X − X̄) β``, X̄ the mean design over all rows of the source: every ratee's
    mean is moved to what it would be with the overall respondent mix (indirect
    standardisation, as for hospital report cards; methods.md §5). Adjusted scores may
    leave 0–100 slightly.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> aligned = ek.align_sources(study.behaviour, study.citizen, employees=study.employees)
    >>> adjusted = adjust_casemix(aligned)
    >>> adjusted.attrs["casemix_covariates"]
    ['respondent_gender', 'respondent_age', 'respondent_education']
    """
    _check_aligned(aligned, "adjust_casemix", source)
    covariates = tuple(covariates)
    missing = [c for c in covariates if c not in aligned.columns]
    if missing:
        raise ValueError(f"adjust_casemix: covariate column(s) {missing} not in the table")
    out = aligned.copy()
    out["score_raw"] = out["score"]
    rows = out["source"] == source
    sub = out.loc[rows]
    parts: list[pd.DataFrame] = []
    used: list[str] = []
    for col in covariates:
        s = sub[col]
        num = (
            pd.to_numeric(s, errors="coerce")
            if s.dtype.kind in "iuf" or col.endswith("age")
            else None
        )
        if num is not None and num.notna().any():
            num = num.astype(float)
            if num.nunique() < 2:
                continue
            block = pd.DataFrame({col: num.fillna(num.mean())}, index=sub.index)
            if num.isna().any():
                block[f"{col}[missing]"] = num.isna().astype(float)
            parts.append(block)
            used.append(col)
        else:
            cat = s.astype("object").where(s.notna(), "(missing)").astype(str)
            if cat.nunique() < 2:
                continue
            parts.append(
                pd.get_dummies(cat, prefix=col, prefix_sep="=", drop_first=True, dtype=float)
            )
            used.append(col)
    out.attrs["casemix_covariates"] = used
    if not parts:
        out.attrs["casemix"] = {}
        return out
    X = pd.concat(parts, axis=1)
    y = sub["score"].astype(float)
    ratee = sub["ratee"].to_numpy()
    Xw = X - X.groupby(ratee).transform("mean")
    yw = y - y.groupby(ratee).transform("mean")
    beta, *_ = np.linalg.lstsq(Xw.to_numpy(), yw.to_numpy(), rcond=None)
    shift = (X - X.mean()).to_numpy() @ beta
    out.loc[rows, "score"] = y.to_numpy() - shift
    out.attrs["casemix"] = {str(k): float(b) for k, b in zip(X.columns, beta, strict=True)}
    return out


# --------------------------------------------------------------------------- per-ratee sums


def _units_of_observation(aligned: pd.DataFrame, source: str) -> pd.DataFrame:
    """The independent observations of ``source``: ``ratee``, ``unit_id``, ``score``.

    At unit level a behaviour source's ratings of one employee (over raters, values and
    periods) share that employee's level and the rater's persistent impression, so they
    are averaged per employee first: the employee is the observation, and ``n`` counts
    rated employees. Citizen responses (and officer-level rows) are observations as
    they are.
    """
    d = aligned.loc[aligned["source"] == source]
    level = str(d["level"].iloc[0]) if "level" in d.columns and len(d) else "unit"
    if (
        level == "unit"
        and source != "citizen"
        and "employee_id" in d.columns
        and d["employee_id"].notna().all()
    ):
        d = (
            d.groupby(["ratee", "employee_id"], sort=True, observed=True)
            .agg(unit_id=("unit_id", "first"), score=("score", "mean"))
            .reset_index()
        )
    return d[["ratee", "unit_id", "score"]]


def _ratee_table(aligned: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Per ratee: n, mean, variance (n − 1) of each source over its independent
    observations (:func:`_units_of_observation`); ratees holding both sources."""
    parts = []
    for src, tag in ((x, "x"), (y, "y")):
        o = _units_of_observation(aligned, src)
        a = o.groupby("ratee", sort=True, observed=True)["score"].agg(["count", "mean", "var"])
        parts.append(
            a.rename(columns={"count": f"n_{tag}", "mean": f"mean_{tag}", "var": f"var_{tag}"})
        )
    s = parts[0].join(parts[1], how="inner")
    s[["n_x", "n_y"]] = s[["n_x", "n_y"]].astype("int64")
    units = aligned.groupby("ratee", sort=True, observed=True)["unit_id"].first()
    s["unit_id"] = units.reindex(s.index)
    return s


def _occasion_variance(aligned: pd.DataFrame, source: str) -> pd.DataFrame | None:
    """Per ratee (unit) the variance of one rating occasion of ``source`` around what its
    rater persistently gives the employee: ``ss``, ``df``, ``s2`` = ss/df (POMP²) and
    ``inv_cells``, the mean over the unit's rated employees of 1/(occasions of the
    employee). None where it cannot be estimated (officer level, citizens, no period or
    rater recorded).

    An occasion is one rater's rating of one employee in one period (one row of
    :func:`align_sources`). Its residual is the occasion minus the mean of its
    rater–employee pair and of its period in the unit, plus the unit's mean (two-way
    within the unit: the pair's persistent level and the unit's period effects, such as
    a common trend, are not noise); ``df`` = occasions − pairs − (periods − 1). The
    variance of an employee's mean rating around its expectation (the pair's persistent
    level) is then s²/(occasions of the employee), and of the unit mean of n employees
    s² · mean(1/occasions)/n.
    """
    d = aligned.loc[aligned["source"] == source]
    level = str(d["level"].iloc[0]) if "level" in d.columns and len(d) else "unit"
    need = ["employee_id", "observer", "period"]
    if level != "unit" or source == "citizen" or d.empty or not set(need) <= set(d.columns):
        return None
    if d[need].isna().any().any():
        return None
    d = (
        d.groupby(["ratee", *need], sort=True, observed=True)["score"]
        .mean()
        .reset_index()
        .astype({"employee_id": str, "observer": str, "period": str})
    )
    pair = d["employee_id"] + "\0" + d["observer"]
    r = (
        d["score"]
        - d.groupby(pair.to_numpy())["score"].transform("mean")
        - d.groupby(["ratee", "period"], observed=True)["score"].transform("mean")
        + d.groupby("ratee", observed=True)["score"].transform("mean")
    )
    g = pd.DataFrame({"ratee": d["ratee"].to_numpy(), "r2": (r**2).to_numpy(), "pair": pair})
    g["period"] = d["period"].to_numpy()
    a = g.groupby("ratee", sort=True, observed=True).agg(
        ss=("r2", "sum"),
        cells=("r2", "size"),
        pairs=("pair", "nunique"),
        periods=("period", "nunique"),
    )
    a["df"] = (a["cells"] - a["pairs"] - (a["periods"] - 1)).astype(float)
    a["ss"] = a["ss"].where(a["df"] > 0)
    a["df"] = a["df"].where(a["df"] > 0)
    a["s2"] = a["ss"] / a["df"]
    per_emp = d.groupby(["ratee", "employee_id"], sort=True, observed=True).size()
    a["inv_cells"] = (1.0 / per_emp).groupby(level=0).mean().reindex(a.index)
    return a[["ss", "df", "s2", "inv_cells"]]


#: Fewest residual degrees of freedom for a unit's own rating-occasion variance; below,
#: the variance pooled over the units is used.
MIN_OCCASION_DF = 10


def _gap_table(
    aligned: pd.DataFrame,
    x: str,
    y: str,
    min_citizen: int,
    min_supervisor: int,
    variance: str,
    confidence: float,
    func: str,
) -> pd.DataFrame:
    """Per ratee observed by both sources: n, means, gap x − y, its SE, Welch degrees
    of freedom, interval and eligibility, as :func:`flag_units` documents them;
    ``.attrs["x_variance"]`` says which variance the x side used (``"occasions"`` or
    ``"employees"``)."""
    t = _ratee_table(aligned, x, y)
    if t.empty:
        raise ValueError(f"{func}: no unit has both {x} and {y} observations")
    eligible = (t["n_y"] >= min_citizen) & (t["n_x"] >= min_supervisor)

    pooled, pooled_df = {}, {}
    for s in "xy":
        n_, v_ = t[f"n_{s}"], t[f"var_{s}"]
        use = (n_ >= 2) & v_.notna() & (eligible if eligible.any() else True)
        df_ = (n_[use] - 1).sum()
        pooled[s] = float(((n_[use] - 1) * v_[use]).sum() / df_) if df_ > 0 else float("nan")
        pooled_df[s] = float(df_) if df_ > 0 else float("nan")

    def side(s: str) -> tuple[pd.Series, pd.Series]:
        """Variance of the mean of side s (its square SE) and its degrees of freedom."""
        n_ = t[f"n_{s}"]
        if variance == "pooled":
            v, d = pd.Series(pooled[s], index=t.index), pd.Series(pooled_df[s], index=t.index)
        else:
            v = t[f"var_{s}"].where(n_ >= 2, pooled[s])
            d = (n_ - 1).where(n_ >= 2, pooled_df[s]).astype(float)
        return v / n_, d

    ax, df_x = side("x")
    ay, df_y = side("y")
    se_flag = np.sqrt(ax + ay)  # the flag's test: the staff's spread is ordinary variation
    x_variance = "employees"
    occ = _occasion_variance(aligned, x)
    if occ is not None:
        occ = occ.reindex(t.index)
        ok = occ["df"].notna()
        if ok.any():
            use = ok & (eligible if eligible[ok].any() else True)
            pooled_s2 = float(occ.loc[use, "ss"].sum() / occ.loc[use, "df"].sum())
            own = occ["df"] >= MIN_OCCASION_DF
            s2 = occ["s2"].where(own, pooled_s2)
            d_occ = occ["df"].where(own, float(occ.loc[use, "df"].sum()))
            ax = s2 * occ["inv_cells"] / t["n_x"]
            df_x = d_occ
            x_variance = "occasions"
    gap = t["mean_x"] - t["mean_y"]
    se = np.sqrt(ax + ay)
    with np.errstate(invalid="ignore", divide="ignore"):
        df_gap = (ax + ay) ** 2 / (ax**2 / df_x + ay**2 / df_y)
    zc = pd.Series(
        stats.t.ppf((1 + confidence) / 2, df_gap.clip(lower=1).fillna(1).to_numpy()),
        index=t.index,
    )
    out = t[["unit_id", "n_x", "n_y", "mean_x", "mean_y"]].copy()
    out["gap"] = gap
    out["se"] = se
    out["var_x_mean"] = ax
    out["var_y_mean"] = ay
    out["se_flag"] = se_flag
    out["df"] = df_gap
    out["ci_low"] = gap - zc * se
    out["ci_high"] = gap + zc * se
    out["eligible"] = eligible & se.gt(0)
    out.attrs["x_variance"] = x_variance
    return out


def _mean_reliability(aligned: pd.DataFrame, source: str, ratees: pd.Index) -> dict[str, float]:
    """Bliese (2000) ICC(2) = (MSB − MSW)/MSB of the ratee means of ``source``, the
    reliability of a ratee's mean over its observations, with its F-based CI, from the
    reliability suite (:func:`evalkit.icc_aggregation`)."""
    from .reliability.aggregation import icc_aggregation

    d = _units_of_observation(aligned, source)
    d = d[d["ratee"].isin(ratees)]
    nan = {"estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
    try:
        res = icc_aggregation(d, "ratee", "score").set_index("statistic")
    except ValueError:
        return nan
    if "bliese_icc2" not in res.index:
        return nan
    row = res.loc["bliese_icc2"]
    return {k: float(row[k]) for k in nan}


# --------------------------------------------------------------------------- agreement


def source_agreement(
    aligned: pd.DataFrame,
    *,
    x: str = "supervisor",
    y: str = "citizen",
    min_n: int = 1,
    confidence: float = 0.95,
    margin: float = 10.0,
    reliability: tuple[float | None, float | None] | None = None,
    method: str = "1999",
    zero_method: str = "pratt",
) -> pd.DataFrame:
    """Agreement and consistency of two sources over the ratees both observed.

    Parameters
    ----------
    aligned : pandas.DataFrame
        Output of :func:`align_sources` (possibly :func:`adjust_casemix`-ed).
    x, y : str
        The two sources; differences are ``x − y`` (default supervisor − citizen).
    min_n : int, default 1
        Minimum number of ``y`` observations (citizen responses) for a ratee to count.
    confidence : float, default 0.95
        Level of the confidence intervals; the TOST uses α = 1 − confidence and
        reports the (1 − 2α) interval.
    margin : float, default 10
        Equivalence margin δ of the TOST in POMP points (10 points = 0.4 on a 1–5
        scale, 0.3 on a 1–4 scale). Fix it before looking at the data.
    reliability : (float or None, float or None), optional
        Reliabilities of the x and y ratee means for the correction for attenuation.
        ``None`` entries are estimated as the Bliese ICC(2) of the ratee means from
        the data (:func:`evalkit.icc_aggregation`, with its F-based CI); at
        ``level="officer"`` the x default is one supervisor's
        interrater reliability, .52 (Viswesvaran, Ones & Schmidt 1996).
    method : {"1999", "1986"}
        Standard error of the Bland–Altman limits (see :func:`evalkit.bland_altman`).
    zero_method : {"pratt", "zsplit", "wilcox"}
        Treatment of zero differences in the Wilcoxon test (Likert means tie often).

    Returns
    -------
    pandas.DataFrame
        The reliability schema plus a ``detail`` column, one row per statistic:

        ================================  ===============================================
        ``mean_gap``                      d̄ = mean of x − y, t CI, paired t p-value
        ``loa_low``, ``loa_high``         Bland–Altman 95% limits with CIs
        ``proportional_bias``             OLS slope of d on (x + y)/2, t CI, p-value
        ``lin_ccc``                       Lin's ρ_c with Fisher-z CI
        ``pearson_r``                     r with Fisher-z CI, p-value
        ``spearman_rho``                  ρ_s, Fisher-z CI with Bonett–Wright SE, p-value
        ``reliability_x``                 reliability of the x means used below
        ``reliability_y``                 reliability of the y means used below
        ``pearson_r_disattenuated``       r / √(r_xx r_yy), CI = r's CI scaled likewise
        ``cohen_dz``                      d̄ / s_d
        ``paired_t``                      t statistic, p-value (scipy.stats.ttest_rel)
        ``wilcoxon``                      signed-rank statistic, p (scipy.stats.wilcoxon)
        ``tost``                          d̄ with the (1 − 2α) CI; p = TOST p-value
        ================================  ===============================================

        ``n_targets`` = ratees compared, ``n_raters`` = 2; ``detail`` explains the row.

    Notes
    -----
    Consistency (correlation) and agreement (the same level) are different questions;
    both are reported with the mean gap (methods.md §2). The correction for
    attenuation is ρ = r_xy/√(r_xx r_yy) (Spearman 1904); it may exceed 1 when the
    reliabilities are underestimated. Spearman's ρ CI uses SE(atanh ρ_s) =
    √((1 + ρ_s²/2)/(n − 3)) (Bonett & Wright 2000, *Psychometrika* 65:23–28). The TOST
    (Schuirmann 1987) declares equivalence when both one-sided tests reject at α, i.e.
    when the (1 − 2α) CI lies inside (−δ, δ); it is
    ``statsmodels.stats.weightstats.ttost_paired``.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> aligned = ek.align_sources(study.behaviour, study.citizen, employees=study.employees)
    >>> res = ek.source_agreement(aligned, margin=10)
    >>> res["statistic"].tolist()[:4]
    ['mean_gap', 'loa_low', 'loa_high', 'proportional_bias']
    """
    _check_aligned(aligned, "source_agreement", x, y)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if not margin > 0:
        raise ValueError(f"margin must be a positive number of POMP points, got {margin!r}")
    t = _ratee_table(aligned, x, y)
    t = t[t["n_y"] >= min_n]
    n = len(t)
    if n < 3:
        raise ValueError(
            f"source_agreement: only {n} ratee(s) have both {x} and {y} observations "
            f"(with at least {min_n} {y} observations); at least 3 are needed"
        )
    pairs = pd.DataFrame({"x": t["mean_x"].to_numpy(), "y": t["mean_y"].to_numpy()})
    d = pairs["x"] - pairs["y"]
    a = pairs["x"].to_numpy()
    b = pairs["y"].to_numpy()
    rows: list[dict[str, Any]] = []

    def add(statistic: str, estimate: float, detail: str, **kw: float) -> None:
        rows.append({"statistic": statistic, "estimate": estimate, "detail": detail, **kw})

    ba = bland_altman(pairs, "x", "y", confidence=confidence, method=method).set_index("statistic")
    bias = ba.loc["bias"]
    add(
        "mean_gap",
        bias["estimate"],
        f"mean of {x} − {y} (POMP points), paired t test",
        se=bias["se"],
        ci_low=bias["ci_low"],
        ci_high=bias["ci_high"],
        p_val=bias["p_val"],
    )
    for lim in ("loa_low", "loa_high"):
        r_ = ba.loc[lim]
        add(
            lim,
            r_["estimate"],
            f"Bland–Altman 95% limit of agreement, CI method {method}",
            se=r_["se"],
            ci_low=r_["ci_low"],
            ci_high=r_["ci_high"],
        )

    reg = stats.linregress((a + b) / 2, d.to_numpy())
    tq = stats.t.ppf((1 + confidence) / 2, n - 2)
    add(
        "proportional_bias",
        reg.slope,
        f"slope of {x} − {y} on the pair mean (0 = none)",
        se=reg.stderr,
        ci_low=reg.slope - tq * reg.stderr,
        ci_high=reg.slope + tq * reg.stderr,
        p_val=reg.pvalue,
    )

    ccc = lin_ccc(pairs, "x", "y", confidence=confidence).iloc[0]
    add(
        "lin_ccc",
        ccc["estimate"],
        "Lin's concordance correlation, Fisher-z CI",
        se=ccc["se"],
        ci_low=ccc["ci_low"],
        ci_high=ccc["ci_high"],
    )

    zq = stats.norm.ppf((1 + confidence) / 2)
    pr = stats.pearsonr(a, b)
    r = float(pr.statistic)
    se_r = 1 / math.sqrt(n - 3) if n > 3 else float("nan")
    r_lo, r_hi = np.tanh(np.arctanh(r) - zq * se_r), np.tanh(np.arctanh(r) + zq * se_r)
    add(
        "pearson_r",
        r,
        "Pearson correlation of the ratee means, Fisher-z CI",
        ci_low=r_lo,
        ci_high=r_hi,
        p_val=float(pr.pvalue),
    )
    sr = stats.spearmanr(a, b)
    rho = float(sr.statistic)
    se_s = math.sqrt((1 + rho**2 / 2) / (n - 3)) if n > 3 else float("nan")
    add(
        "spearman_rho",
        rho,
        "Spearman rank correlation, Fisher-z CI (Bonett–Wright SE)",
        ci_low=np.tanh(np.arctanh(rho) - zq * se_s),
        ci_high=np.tanh(np.arctanh(rho) + zq * se_s),
        p_val=float(sr.pvalue),
    )

    level = str(aligned["level"].iloc[0]) if "level" in aligned.columns else "unit"
    given = reliability if reliability is not None else (None, None)
    rel: list[float] = []
    for which, src, value in (("x", x, given[0]), ("y", y, given[1])):
        if value is not None:
            if not 0 < value <= 1:
                raise ValueError(f"reliability of {src} must lie in (0, 1], got {value!r}")
            rel.append(float(value))
            add(f"reliability_{which}", float(value), f"reliability of the {src} means (given)")
        elif which == "x" and level == "officer" and src == "supervisor":
            rel.append(SUPERVISOR_RELIABILITY)
            add(
                "reliability_x",
                SUPERVISOR_RELIABILITY,
                "one supervisor's interrater reliability, .52 (Viswesvaran et al. 1996)",
            )
        else:
            est = _mean_reliability(aligned, src, t.index)
            rel.append(est["estimate"])
            add(
                f"reliability_{which}",
                est["estimate"],
                f"ICC(2) of the {src} means per ratee (Bliese 2000), from these data",
                ci_low=est["ci_low"],
                ci_high=est["ci_high"],
            )
    ok = all(np.isfinite(v) and v > 0 for v in rel)
    k = math.sqrt(rel[0] * rel[1]) if ok else float("nan")
    add(
        "pearson_r_disattenuated",
        r / k,
        "r / sqrt(r_xx r_yy) (Spearman 1904); may exceed 1",
        ci_low=r_lo / k,
        ci_high=r_hi / k,
    )

    sd = float(d.std(ddof=1))
    add("cohen_dz", float(d.mean()) / sd if sd > 0 else float("nan"), "mean gap / SD of gaps")
    tt = stats.ttest_rel(a, b)
    add("paired_t", float(tt.statistic), f"paired t test, df = {n - 1}", p_val=float(tt.pvalue))
    if np.any(d.to_numpy() != 0):
        w = stats.wilcoxon(a, b, zero_method=zero_method)
        add(
            "wilcoxon",
            float(w.statistic),
            f"Wilcoxon signed-rank, zero_method={zero_method!r}",
            p_val=float(w.pvalue),
        )
    else:
        add("wilcoxon", float("nan"), "all gaps are zero", p_val=1.0)

    from statsmodels.stats.weightstats import ttost_paired

    alpha = 1 - confidence
    p_tost, _, _ = ttost_paired(a, b, -margin, margin)
    t2 = stats.t.ppf(1 - alpha, n - 1)
    se_d = sd / math.sqrt(n)
    add(
        "tost",
        float(d.mean()),
        f"equivalence within ±{margin:g} POMP points; CI at {1 - 2 * alpha:.0%}; "
        f"p < {alpha:g} means equivalent",
        se=se_d,
        ci_low=float(d.mean()) - t2 * se_d,
        ci_high=float(d.mean()) + t2 * se_d,
        p_val=float(p_tost),
    )

    out = result_frame([{**r_, "n_targets": n, "n_raters": 2} for r_ in rows])
    out["detail"] = [r_["detail"] for r_ in rows]
    return out


# --------------------------------------------------------------------------- offset


def source_offset(
    aligned: pd.DataFrame,
    *,
    x: str = "supervisor",
    y: str = "citizen",
    confidence: float = 0.95,
    unit_effect: bool = False,
    method: str | None = None,
) -> pd.DataFrame:
    """Mean offset of source x over source y, net of ratee differences.

    At unit level (the default there, ``method="units"``) the offset is the mean over
    the units of each unit's gap as :func:`flag_units` estimates it, with the same
    estimand: the regency's own units, staff and supervisors (see Notes). At officer
    level (``method="mixed"``) it is the source effect of a mixed model.

    Parameters
    ----------
    aligned : pandas.DataFrame
        Output of :func:`align_sources` (possibly :func:`adjust_casemix`-ed).
    x, y : str
        The sources; the offset is ``x − y`` (the same sign as every gap here).
    confidence : float, default 0.95
        Level of the confidence interval: estimate ± t·SE, with the Welch–Satterthwaite
        degrees of freedom (``"units"``) or G − 1, G the number of ratees — the groups
        of the mixed model — or of units with ``unit_effect`` (``"mixed"``).
    unit_effect : bool, default False
        At ``level="officer"``: add a unit random intercept with the officer nested in
        it (``groups=unit_id``, ``vc_formula={"ratee": "0 + C(ratee)"}``). Ignored at
        unit level, where the ratee is the unit.
    method : {"units", "mixed"}, optional
        ``"units"``: the mean of the unit gaps of :func:`flag_units` (all units observed
        by both sources), SE = √(Σ SE_u²)/G, t with Welch–Satterthwaite degrees of
        freedom; only at unit level, its default. ``"mixed"``: the REML mixed model
        below; the default at officer level.

    Returns
    -------
    pandas.DataFrame
        One row:

        - ``term``: ``"offset"``; ``estimate``: x − y in POMP points; ``se``,
          ``ci_low``, ``ci_high``, ``p_val`` (t with G − 1 degrees of freedom, H0:
          offset = 0)
        - ``n_obs``, ``n_ratees``, ``n_units``: observations and groups in the model
        - ``var_ratee``: variance of the ratee random intercept; ``var_unit`` (NaN
          unless ``unit_effect``); ``var_residual``
        - ``converged``: whether the REML fit converged
        - ``method``: a description of the model

        With ``method="units"``, ``var_ratee``, ``var_unit`` and ``var_residual`` are
        NaN, ``converged`` is True and ``n_ratees`` = ``n_units`` = G.

    Notes
    -----
    *Units* (``method="units"``). The offset is (1/G) Σ_u g_u over the G units observed
    by both sources, g_u the unit gap of :func:`flag_units`. Its estimand is the mean of
    the units' gaps for the regency's own units, staff and supervisors, which are all
    observed (a census, not a sample): what is uncertain is a quarter's rating noise and
    which citizens answered the survey, not which civil servants the regency employs. A
    model that treats the spread of the employees' levels as sampling noise answers
    another question (a regency whose staff were drawn again) and, for this one, gives
    intervals that are too wide (Abadie, Athey, Imbens & Wooldridge 2020,
    *Econometrica* 88(1), 265–296). The units' gaps are independent, so
    SE² = Σ SE_u² / G², referred to t with the Welch–Satterthwaite degrees of freedom
    (Σ SE_u²)² / Σ (SE_u⁴/ν_u). Every unit counts once, whatever its size.

    *Mixed model* (``method="mixed"``).
    ``score_ij = β0 + β1·[source = x] + b_j + e_ij``, b_j ~ N(0, σ²_b) per ratee,
    e_ij ~ N(0, σ²), fitted by REML with ``statsmodels.formula.api.mixedlm``
    (``score ~ C(source, Treatment(y))``, ``groups = ratee``). β1 is the mean leniency
    of x relative to y among the same ratees (methods.md §2, multilevel). The residual
    variance is common to both sources, so the SE is approximate when the sources'
    spreads differ much. Only ratees observed by both sources enter, as in the gaps. At
    unit level a behaviour source enters as one observation per rated employee (the mean
    of the employee's ratings over raters and periods, which share the employee's level),
    as in :func:`flag_units`. The offset averages over all ratees, divergent ones
    included; the typical unit's gap, robust to them, is the ``centre`` of
    :func:`flag_units` (its ``.attrs``).

    The mixed model's interval refers the Wald ratio to Student's t with G − 1 degrees
    of freedom, G the number of groups (ratees, or units with ``unit_effect``), not to the normal:
    the fixed effect is identified by G groups, and with few of them the normal
    interval is too narrow (Imbens & Kolesár 2016, *Review of Economics and
    Statistics* 98(4), 701–712, section 3; Cameron, Gelbach & Miller 2008, *Review of
    Economics and Statistics* 90(3), 414–427). Its coverage on data shaped like the
    user's is measured by :func:`evalkit.calibration.calibrate`.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> aligned = ek.align_sources(study.behaviour, study.citizen, employees=study.employees)
    >>> off = ek.source_offset(aligned)
    >>> bool(off["ci_low"].iloc[0] < off["estimate"].iloc[0] < off["ci_high"].iloc[0])
    True
    """
    import warnings

    import statsmodels.formula.api as smf

    _check_aligned(aligned, "source_offset", x, y)
    level = str(aligned["level"].iloc[0]) if "level" in aligned.columns else "unit"
    if method is None:
        method = "units" if level == "unit" else "mixed"
    if method not in ("units", "mixed"):
        raise ValueError(f"method must be 'units' or 'mixed', got {method!r}")
    if method == "units":
        if level != "unit":
            raise ValueError("source_offset(method='units') needs unit-level data")
        return _offset_of_units(aligned, x, y, confidence)
    d = pd.concat(
        [_units_of_observation(aligned, src).assign(source=src) for src in (x, y)],
        ignore_index=True,
    )
    d["source"] = pd.Categorical(d["source"], categories=[y, x])
    d["ratee"] = d["ratee"].astype(str)
    both = d.groupby("ratee", observed=True)["source"].nunique()
    d = d[d["ratee"].map(both) == 2]
    if (both == 2).sum() < 2 or len(d) < (both == 2).sum() + 3:
        raise ValueError(
            f"source_offset: {int((both == 2).sum())} ratee(s) observed by both {x} and {y} "
            f"in {len(d)} observations; the mixed model needs at least 2 such ratees and "
            "more observations than ratees"
        )
    formula = f"score ~ C(source, Treatment({y!r}))"
    term = f"C(source, Treatment({y!r}))[T.{x}]"
    nested = unit_effect and level == "officer"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if nested:
            model = smf.mixedlm(
                formula,
                d,
                groups=d["unit_id"].astype(str),
                re_formula="1",
                vc_formula={"ratee": "0 + C(ratee)"},
            )
            desc = (
                f"REML mixed model: score ~ source (reference {y}), unit random intercept, "
                "officer-in-unit variance component"
            )
        else:
            model = smf.mixedlm(formula, d, groups=d["ratee"])
            desc = f"REML mixed model: score ~ source (reference {y}), ratee random intercept"
        fit = model.fit(reml=True)
    est, se = float(fit.fe_params[term]), float(fit.bse_fe[term])
    n_groups = int(d["unit_id" if nested else "ratee"].nunique())
    tq = t_critical(n_groups, confidence)
    cov_re = float(np.asarray(fit.cov_re)[0, 0])
    row = {
        "term": "offset",
        "estimate": est,
        "se": se,
        "ci_low": est - tq * se,
        "ci_high": est + tq * se,
        "p_val": float(2 * stats.t.sf(abs(est / se), n_groups - 1)) if se > 0 else float("nan"),
        "n_obs": len(d),
        "n_ratees": d["ratee"].nunique(),
        "n_units": d["unit_id"].nunique(),
        "var_ratee": float(fit.vcomp[0]) if nested else cov_re,
        "var_unit": cov_re if nested else float("nan"),
        "var_residual": float(fit.scale),
        "converged": bool(fit.converged),
        "method": desc,
    }
    return pd.DataFrame([row])


def _offset_of_units(aligned: pd.DataFrame, x: str, y: str, confidence: float) -> pd.DataFrame:
    """:func:`source_offset` with ``method="units"``: the mean of the unit gaps."""
    t = _gap_table(aligned, x, y, 1, 1, "pooled", confidence, "source_offset")
    t = t[t["se"].notna() & np.isfinite(t["gap"])]
    G = len(t)
    if G < 2:
        raise ValueError(
            f"source_offset: {G} unit(s) observed by both {x} and {y}; the mean of the "
            "unit gaps needs at least 2"
        )
    v = t["se"] ** 2
    est = float(t["gap"].mean())
    se = float(np.sqrt(v.sum()) / G)
    dfu = t["df"].clip(lower=1)
    nu = float(v.sum() ** 2 / (v**2 / dfu).sum()) if (v > 0).any() else float("nan")
    tq = float(stats.t.ppf((1 + confidence) / 2, nu)) if np.isfinite(nu) else float("nan")
    row = {
        "term": "offset",
        "estimate": est,
        "se": se,
        "ci_low": est - tq * se,
        "ci_high": est + tq * se,
        "p_val": float(2 * stats.t.sf(abs(est / se), nu)) if se > 0 else float("nan"),
        "n_obs": int(t["n_x"].sum() + t["n_y"].sum()),
        "n_ratees": G,
        "n_units": G,
        "var_ratee": float("nan"),
        "var_unit": float("nan"),
        "var_residual": float("nan"),
        "converged": True,
        "method": (
            "mean of the unit gaps (the regency's own units and staff; "
            f"{t.attrs['x_variance']} give the {x} side's SE)"
        ),
    }
    return pd.DataFrame([row])


# --------------------------------------------------------------------------- flags


def _robust_tau2(gap: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Centre (median gap) and τ² solving median(z²) = median of χ²₁ (0.4549).

    z_u = (g_u − m)/√(v_u + τ²). Under the model g_u ~ N(m, v_u + τ²) the z_u are
    standard normal, so median(z_u²) estimates the χ²₁ median; the root in τ² is a
    median analogue of the Paule–Mandel moment equation Σ z_u² = k − 1, and up to half
    of the units may diverge without moving it much.
    """
    m = float(np.median(gap))
    target = stats.chi2.ppf(0.5, 1)
    r2 = (gap - m) ** 2

    def f(tau2: float) -> float:
        return float(np.median(r2 / (v + tau2))) - target

    if f(0.0) <= 0:
        return m, 0.0
    hi = float(np.max(r2)) + 1.0
    while f(hi) > 0:
        hi *= 2
    return m, float(optimize.brentq(f, 0.0, hi, xtol=1e-10 * max(hi, 1.0)))


def _dl_tau2(gap: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """DerSimonian–Laird τ² and the random-effects weighted mean."""
    w = 1 / v
    mf = float(np.sum(w * gap) / np.sum(w))
    q = float(np.sum(w * (gap - mf) ** 2))
    k = len(gap)
    tau2 = max(0.0, (q - (k - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    wr = 1 / (v + tau2)
    return float(np.sum(wr * gap) / np.sum(wr)), tau2


def _higher_rater(ci_low: pd.Series, ci_high: pd.Series, x: str, y: str) -> pd.Series:
    """``higher_rater`` of :func:`flag_units`: the sign of the gap x − y where its CI
    excludes 0, else ``no_clear_difference``; missing where there is no CI."""
    low = ci_low.to_numpy(dtype=float)
    high = ci_high.to_numpy(dtype=float)
    code = np.select(
        [low > 0, high < 0, np.isfinite(low) & np.isfinite(high)],
        [RATER_GROUP.get(x, x), RATER_GROUP.get(y, y), "no_clear_difference"],
        default="",
    )
    return pd.Series(code, index=ci_low.index, dtype=object).replace("", None)


def _vs_regency(
    gap: pd.Series, centre: float, flagged: pd.Series, tested: pd.Series, alternative: str
) -> pd.Series:
    """``vs_regency`` of :func:`flag_units`: above/below the typical gap where flagged,
    ``typical`` where tested and not flagged, missing where not tested."""
    g = gap.to_numpy(dtype=float)
    side = {
        "two-sided": np.ones(len(g), dtype=bool),
        "greater": g >= centre,
        "less": g <= centre,
    }[alternative]
    tested_ = tested.to_numpy(dtype=bool) & side
    flag = flagged.to_numpy(dtype=bool) & tested_
    code = np.select(
        [flag & (g > centre), flag & (g < centre), tested_ & ~flag],
        ["above_typical", "below_typical", "typical"],
        default="",
    )
    return pd.Series(code, index=gap.index, dtype=object).replace("", None)


def flag_units(
    aligned: pd.DataFrame,
    *,
    x: str = "supervisor",
    y: str = "citizen",
    min_citizen: int = 10,
    min_supervisor: int = 1,
    q: float = 0.10,
    alternative: str = "two-sided",
    variance: str = "pooled",
    robust: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Units (or officers) whose supervisors diverge from their citizens beyond chance.

    Parameters
    ----------
    aligned : pandas.DataFrame
        Output of :func:`align_sources` (possibly :func:`adjust_casemix`-ed). At
        ``level="officer"`` the rows are officers.
    x, y : str
        The two sources; the gap is ``x − y`` (default supervisor − citizen).
    min_citizen : int, default 10
        Minimum ``y`` observations (citizen responses) for a unit to be eligible for a
        flag (methods.md §8 suggests 10; 5/11/30 are used elsewhere).
    min_supervisor : int, default 1
        Minimum ``x`` observations (rated employees × raters).
    q : float, default 0.10
        False discovery rate of the Benjamini–Hochberg procedure.
    alternative : {"two-sided", "greater", "less"}
        ``"greater"`` asks only "do supervisors rate higher than usual, relative to
        their citizens"; the two-sided default also finds the reverse and reports the
        side (``vs_regency``).
    variance : {"pooled", "unit"}
        Within-unit variance of the citizen responses (and of the rated employees,
        where a unit's rating noise cannot be measured, see Notes) for the SE: pooled
        over eligible units (stable with few observations; default) or each unit's own
        (pooled where a unit has fewer than 2 observations). The supervisors' rating
        noise is the unit's own wherever it has at least :data:`MIN_OCCASION_DF`
        degrees of freedom, else pooled.
    robust : bool, default True
        Centre at the median gap and estimate τ² by the median equation (see Notes),
        so that the divergent units themselves neither shift the centre nor inflate τ²;
        ``False``: random-effects mean and DerSimonian–Laird τ².
    confidence : float, default 0.95
        Level of the per-unit CI of the gap.

    Returns
    -------
    pandas.DataFrame
        One row per unit observed by both sources, sorted by ``q_value``:

        - ``unit_id`` (officer level: ``employee_id`` and ``unit_id``)
        - ``n_citizen``, ``n_supervisor``: observations of y and x (named after them):
          citizen responses; at unit level rated employees, at officer level ratings
        - ``mean_supervisor``, ``mean_citizen``: POMP means
        - ``gap``: x − y; ``se``: its standard error, √(v_x + s²_y/n_y) (see Notes);
          ``ci_low``, ``ci_high``: gap ± t(ν)·se, ν the Welch–Satterthwaite degrees of
          freedom
        - ``eligible``: enough observations to be tested
        - ``se_flag``: the SE of the flag's test, √(s²_x/n_x + s²_y/n_y) with s²_x the
          spread of the rated employees' means (see Notes)
        - ``z``: (gap − centre)/√(se_flag² + τ²); ``p_value`` (per ``alternative``)
        - ``q_value``: Benjamini–Hochberg adjusted p over eligible units
        - ``flagged``: q_value ≤ q — **review**, not a verdict
        - ``higher_rater``: who rated this unit higher, from its own gap alone:
          ``"supervisors"`` (x; ``ci_low > 0``), ``"citizens"`` (y; ``ci_high < 0``) or
          ``"no_clear_difference"`` (the CI covers 0); missing without a CI. Other
          sources give their :data:`RATER_GROUP` code. This is the absolute comparison:
          a unit whose supervisors rate 70 and citizens 60 is ``"supervisors"`` even
          when its gap is below the typical gap.
        - ``vs_regency``: the unit's gap against the *typical gap* of the regency, the
          ``centre`` of the flagging (the median gap of the eligible units when
          ``robust``), by the same test as ``flagged`` (z with the unit's SE and τ², FDR
          at ``q``): ``"above_typical"`` / ``"below_typical"`` when flagged with the gap
          above / below the centre, ``"typical"`` when tested and not flagged; missing
          when not tested (not eligible, fewer than 3 eligible units, or, with a
          one-sided ``alternative``, on the side not tested). The centre's own
          uncertainty is not taken into account.
        - ``funnel_low95``, ``funnel_high95``, ``funnel_low998``, ``funnel_high998``:
          centre ± 1.96 / 3.09 · √(se_flag² + τ²), the funnel-plot limits at this
          unit's SE

        ``.attrs`` holds ``centre``, ``tau2``, ``q``, ``min_citizen``, ``alternative``,
        ``robust``, ``n_eligible``, ``n_flagged`` and ``x_variance``: ``"occasions"``
        (the supervisors' rating noise gave v_x) or ``"employees"`` (the spread of the
        rated employees did: one period, or no rater recorded).

    Notes
    -----
    Following Spiegelhalter (2005) and methods.md §4: g_u = x̄_u − ȳ_u, where at unit
    level x̄_u is the mean over the unit's rated employees of each employee's mean
    rating (over raters and periods) and ȳ_u the mean of the citizen responses.

    *Estimand.* The gap of **this** unit: what its supervisors, with their persistent
    view of each of its employees, rate them (a quarter's rating noise averaged out),
    minus what the citizens it serves report on average (over citizens and the officer
    who serves them). The unit's staff and supervisors are not a sample: every
    employee is rated, and "this unit's citizens and supervisors disagree" is a
    statement about them, not about a unit whose staff were drawn again. So the spread
    of the employees' levels is not sampling noise (design-based reasoning for a
    population observed in full: Abadie, Athey, Imbens & Wooldridge 2020, *Econometrica*
    88(1), 265–296); the citizens who answered are a sample of the many the unit
    serves, and a quarter's ratings one of many occasions, and those two are.

    *Standard error.* SE_u² = v_x + s²_y/n_y, s²_y the variance of the citizen
    responses. v_x is the variance of x̄_u from rating noise: s²_occ · mean_i(1/k_i)/n_x,
    k_i the rating occasions (rater × period) of employee i and s²_occ the residual
    variance of one occasion around its rater–employee pair's and its period's means in
    the unit (degrees of freedom: occasions − pairs − (periods − 1)). Where no unit
    has two periods of the same pair (one quarter's data), the noise cannot be told
    from the employees' levels and v_x = s²_x/n_x, s²_x the variance of the employees'
    means: the interval then also covers a redraw of the staff, and is wider than the
    estimand needs (``attrs["x_variance"] == "employees"``). At officer level the
    officer is the ratee and v_x = s²_x/n_x over the officer's ratings.

    The interval of the gap is g_u ± t_{ν_u}·SE_u with the Welch–Satterthwaite degrees
    of freedom ν_u = SE_u⁴ / [v_x²/d_x + (s²_y/n_y)²/d_y], d the degrees of freedom of
    each variance (Welch 1947, *Biometrika* 34, 28–35).

    *Flag.* The flag asks another question: is this unit's gap out of the ordinary for
    a unit of its size? Which employees a unit happens to have, and its one or two
    supervisors' leniency, make the true gaps of ordinary units differ, more so in small
    units; that is ordinary variation, not divergence. So the test uses se_flag, from
    the spread of the rated employees' means as if the staff were drawn again (the
    funnel plot's in-control process; Spiegelhalter 2005), not the unit's own SE: with
    the latter, simulated regencies with no divergent unit flagged one in about a third
    of the studies. Then
    z_u = (g_u − ḡ)/√(SE_u² + τ̂²), where ḡ is the
    common gap (the source offset, which is therefore never flagged) and τ̂² the
    variance of true gaps between units that is still ordinary (overdispersion).
    With ``robust=True``, ḡ = median(g_u) and τ̂² solves median_u(z_u²) = χ²₁,0.5 =
    0.4549 (0 when already below): divergent units are outliers to both, while a
    DerSimonian–Laird τ̂² would absorb their spread and hide them. P-values are
    normal, two-sided by default, adjusted by Benjamini & Hochberg (1995)
    (``statsmodels.stats.multitest.multipletests(method="fdr_bh")``); flags hold the
    expected share of false flags among flags at ``q``. Units below ``min_citizen`` or
    ``min_supervisor`` are shown but never tested.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine*, 24(8), 1185–1202. DerSimonian, R., & Laird, N. (1986).
    *Controlled Clinical Trials*, 7, 177–188. Benjamini, Y., & Hochberg, Y. (1995).
    *JRSS B*, 57, 289–300.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> aligned = ek.align_sources(study.behaviour, study.citizen, employees=study.employees)
    >>> flags = ek.flag_units(aligned, min_citizen=10, q=0.10)
    >>> list(flags.columns[:4])
    ['unit_id', 'n_citizen', 'n_supervisor', 'mean_supervisor']
    >>> to_review = flags.loc[flags["flagged"], ["unit_id", "gap", "q_value"]]
    """
    from statsmodels.stats.multitest import multipletests

    _check_aligned(aligned, "flag_units", x, y)
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )
    if variance not in ("pooled", "unit"):
        raise ValueError(f"variance must be 'pooled' or 'unit', got {variance!r}")
    if not 0 < q < 1:
        raise ValueError(f"q (the false discovery rate) must lie in (0, 1), got {q!r}")
    t = _gap_table(aligned, x, y, min_citizen, min_supervisor, variance, confidence, "flag_units")
    gap, se = t["gap"], t["se"]
    out = pd.DataFrame(
        {
            "unit_id": t["unit_id"],
            f"n_{y}": t["n_y"],
            f"n_{x}": t["n_x"],
            f"mean_{x}": t["mean_x"],
            f"mean_{y}": t["mean_y"],
            "gap": gap,
            "se": se,
            "ci_low": t["ci_low"],
            "ci_high": t["ci_high"],
            "eligible": t["eligible"],
            "se_flag": t["se_flag"],
        }
    )
    el = out["eligible"].to_numpy()
    se_f = t["se_flag"]
    g_e, v_e = gap.to_numpy()[el], (se_f.to_numpy()[el]) ** 2
    if el.sum() >= 3:
        centre, tau2 = _robust_tau2(g_e, v_e) if robust else _dl_tau2(g_e, v_e)
    else:
        centre, tau2 = float("nan"), float("nan")
    sd_tot = np.sqrt(se_f**2 + tau2)
    z = ((gap - centre) / sd_tot).where(out["eligible"])
    if alternative == "two-sided":
        p = 2 * stats.norm.sf(np.abs(z))
    elif alternative == "greater":
        p = stats.norm.sf(z)
    else:
        p = stats.norm.cdf(z)
    p = pd.Series(p, index=out.index).where(out["eligible"])
    qv = pd.Series(np.nan, index=out.index)
    if p.notna().any():
        qv[p.notna()] = multipletests(p[p.notna()].to_numpy(), alpha=q, method="fdr_bh")[1]
    out["z"] = z
    out["p_value"] = p
    out["q_value"] = qv
    out["flagged"] = (qv <= q).fillna(False).astype(bool)
    out["higher_rater"] = _higher_rater(out["ci_low"], out["ci_high"], x, y)
    out["vs_regency"] = _vs_regency(gap, centre, out["flagged"], z.notna(), alternative)
    for name, zq in (("95", stats.norm.ppf(0.975)), ("998", stats.norm.ppf(0.999))):
        out[f"funnel_low{name}"] = centre - zq * sd_tot
        out[f"funnel_high{name}"] = centre + zq * sd_tot
    level = str(aligned["level"].iloc[0]) if "level" in aligned.columns else "unit"
    out = out.rename_axis("ratee").reset_index()
    if level == "officer":
        out = out.rename(columns={"ratee": "employee_id"})
    else:
        out = out.drop(columns="ratee")
    out = out.sort_values(["q_value", "unit_id"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(
        centre=centre,
        tau2=tau2,
        q=q,
        min_citizen=min_citizen,
        min_supervisor=min_supervisor,
        alternative=alternative,
        robust=robust,
        variance=variance,
        n_eligible=int(el.sum()),
        n_flagged=int(out["flagged"].sum()),
        x_variance=t.attrs["x_variance"],
    )
    return out


# --------------------------------------------------------------------------- study level


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return str(value)


#: English templates of :meth:`ComparisonResult.summary` (override via ``labels``).
SUMMARY_TEXTS: dict[str, str] = {
    "offset_higher": (
        "On average supervisors rate {abs:.1f} points (of 100) higher than citizens do "
        "(95% CI {lo:.1f} to {hi:.1f}). This common offset shows in most units; it reflects "
        "different vantage points and use of the scales, not a fault of any unit."
    ),
    "offset_lower": (
        "On average supervisors rate {abs:.1f} points (of 100) lower than citizens do "
        "(95% CI {lo:.1f} to {hi:.1f}). This common offset shows in most units; it reflects "
        "different vantage points and use of the scales, not a fault of any unit."
    ),
    "consistent": (
        "Units that citizens rate higher tend to be rated higher by supervisors too "
        "(rank correlation {rho:.2f}, 95% CI {lo:.2f} to {hi:.2f}, {n} units)."
    ),
    "not_consistent": (
        "Across units, citizens' and supervisors' ratings are not clearly related (rank "
        "correlation {rho:.2f}, 95% CI {lo:.2f} to {hi:.2f}, {n} units)."
    ),
    "low_correlation_normal": (
        "Different rating sources usually agree only modestly (correlations of about .2 to "
        ".35 in the research literature), because each sees different work and one rater is "
        "only about half reliable: a low correlation is not evidence of bias."
    ),
    "flagged": (
        "{k} of {n} units show a gap between supervisors and citizens beyond the common "
        "offset and beyond ordinary differences between units (false discovery rate "
        "{q:g}): {units}."
    ),
    "none_flagged": (
        "None of the {n} units shows a gap between supervisors and citizens beyond the "
        "common offset and ordinary differences between units."
    ),
    "review_not_verdict": (
        "A flag is a reason to review the unit's ratings together with its staff and "
        "service users; it is not a verdict on the unit or on any person."
    ),
    "thin": ("{m} units had fewer than {min} citizen responses and were not assessed."),
}

_OFFSET_COLUMNS = (
    "term",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_val",
    "n_obs",
    "n_ratees",
    "n_units",
    "var_ratee",
    "var_unit",
    "var_residual",
    "converged",
    "method",
)
_UNIT_JSON = (
    "unit_id",
    "n_citizen",
    "n_supervisor",
    "gap",
    "ci_low",
    "ci_high",
    "q_value",
    "flagged",
    "higher_rater",
    "vs_regency",
)


@dataclass
class ComparisonResult:
    """Citizens versus supervisors for one period: the tables of :func:`compare_sources`.

    Attributes
    ----------
    period
        The period as given.
    units
        :func:`flag_units` at unit level (no personal data).
    agreement
        :func:`source_agreement` of supervisors and citizens at unit level, then at
        officer level; columns ``level`` and ``comparison`` (``supervisor-citizen``).
    agreement_other
        The same at unit level for every further rater role (``peer-citizen``); empty
        when no other role rated in the period.
    offset
        :func:`source_offset` at unit level, then at officer level; column ``level``.
    officers
        **Restricted**: :func:`flag_units` at officer level (employee_id), for the
        restricted output only; empty when no citizen named an officer.
    aligned
        **Restricted**: the aligned observations (employee and rater ids).
    casemix
        Case-mix coefficients of the citizen scores (``term``, ``coef``), empty if none.
    params
        The parameters used.
    notes
        What could not be computed for this period, and why (thin data are used as
        given, never pooled with other periods).

    Methods
    -------
    to_json()
        The key numbers for ``results.json["comparison"]`` (no personal data).
    summary(labels=None)
        Plain-language key points for a head of OPD.
    flagged
        The units to review (property).

    Examples
    --------
    >>> res = compare_sources(study, "2025")  # doctest: +SKIP
    >>> res.summary()[0]  # doctest: +SKIP
    'On average supervisors rate 8.4 points (of 100) higher than citizens do ...'
    """

    period: str | None
    units: pd.DataFrame
    agreement: pd.DataFrame
    offset: pd.DataFrame
    officers: pd.DataFrame = field(repr=False)
    aligned: pd.DataFrame = field(repr=False)
    agreement_other: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    casemix: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def _agreement(self, level: str = "unit", source: str | None = None) -> pd.DataFrame:
        src = source or self.params.get("x", "supervisor")
        a = pd.concat([self.agreement, self.agreement_other], ignore_index=True)
        return a[(a["level"] == level) & (a["comparison"] == f"{src}-citizen")]

    @property
    def flagged(self) -> pd.DataFrame:
        """Units to review (a subset of :attr:`units`)."""
        return self.units[self.units["flagged"]]

    def to_json(self) -> dict[str, Any]:
        """Key numbers for ``results.json["comparison"]``: codes and numbers only.

        Returns ``{"period", "units": [{unit_id, n_citizen, n_supervisor, gap, ci_low,
        ci_high, q_value, flagged, higher_rater, vs_regency}], "offset": {estimate, ci_low, ci_high, method, n_obs,
        n_ratees}, "agreement": {statistic: {estimate, ci_low, ci_high, p_val,
        n_targets}}, "agreement_other": {"peer": {...}}, "centre", "tau2", "params",
        "notes"}`` at unit level; NaN becomes None. No employee ids, names or NIPs.
        """
        x = self.params.get("x", "supervisor")
        keys = [k.replace("supervisor", x) for k in _UNIT_JSON]
        units = [
            {k: _jsonable(row[k]) for k in keys}
            for row in self.units.sort_values("unit_id").to_dict("records")
        ]
        off = self.offset[self.offset["level"] == "unit"]
        offset = (
            {
                k: _jsonable(off.iloc[0][k])
                for k in ("estimate", "ci_low", "ci_high", "method", "n_obs", "n_ratees")
            }
            if len(off)
            else None
        )

        def stats_of(frame: pd.DataFrame) -> dict[str, Any]:
            keys = ("estimate", "ci_low", "ci_high", "p_val", "n_targets")
            return {
                r["statistic"]: {k: _jsonable(r[k]) for k in keys} for r in frame.to_dict("records")
            }

        agreement = stats_of(self._agreement("unit"))
        others = sorted({c.split("-")[0] for c in self.agreement_other["comparison"]})
        agreement_other = {o: stats_of(self._agreement("unit", o)) for o in others}
        return _jsonable(
            {
                "period": self.period,
                "units": units,
                "offset": offset,
                "agreement": agreement,
                "agreement_other": agreement_other,
                "centre": self.units.attrs.get("centre"),
                "tau2": self.units.attrs.get("tau2"),
                "params": {k: v for k, v in self.params.items() if k != "reliability"},
                "notes": list(self.notes),
            }
        )

    def summary(self, labels: dict[str, str] | None = None) -> list[str]:
        """Plain-language key points for a head of OPD, one sentence each.

        Parameters
        ----------
        labels : dict, optional
            Sentence templates replacing the English defaults (:data:`SUMMARY_TEXTS`;
            same keys and ``{placeholders}``), e.g. the Indonesian texts of the study.

        Returns
        -------
        list of str
            Where the sources agree (common offset, consistency), where they do not
            (units to review), and what that does and does not mean. Unit ids only.
        """
        t = {**SUMMARY_TEXTS, **(labels or {})}
        out: list[str] = []
        off = self.offset[self.offset["level"] == "unit"]
        if len(off):
            o = off.iloc[0]
            key = "offset_higher" if o["estimate"] >= 0 else "offset_lower"
            out.append(t[key].format(abs=abs(o["estimate"]), lo=o["ci_low"], hi=o["ci_high"]))
        ag = self._agreement("unit").set_index("statistic")
        if "spearman_rho" in ag.index:
            r = ag.loc["spearman_rho"]
            key = "consistent" if r["ci_low"] > 0 else "not_consistent"
            out.append(
                t[key].format(
                    rho=r["estimate"], lo=r["ci_low"], hi=r["ci_high"], n=int(r["n_targets"])
                )
            )
            out.append(t["low_correlation_normal"])
        u = self.units
        flagged = sorted(u.loc[u["flagged"], "unit_id"].astype(str))
        n_el = int(u["eligible"].sum())
        if flagged:
            out.append(
                t["flagged"].format(
                    k=len(flagged), n=n_el, units=", ".join(flagged), q=self.params.get("q")
                )
            )
        else:
            out.append(t["none_flagged"].format(n=n_el))
        out.append(t["review_not_verdict"])
        thin = len(u) - n_el
        if thin:
            out.append(t["thin"].format(m=thin, min=self.params.get("min_citizen")))
        return out

    def _repr_html_(self) -> str:
        u = self.units
        x = self.params.get("x", "supervisor")
        points = "".join(f"<li>{html.escape(s)}</li>" for s in self.summary())
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        cols = ["unit_id", "n_citizen", f"n_{x}", "gap", "ci_low", "ci_high", "q_value"]
        body = self.flagged[cols].round(3).to_html(index=False) if len(self.flagged) else ""
        both = pd.concat([self.agreement, self.agreement_other], ignore_index=True)
        ag = (
            both[both["level"] == "unit"][
                ["comparison", "statistic", "estimate", "ci_low", "ci_high", "p_val"]
            ]
            .round(3)
            .to_html(index=False)
        )
        return (
            f"<div><b>Citizens versus supervisors</b>, period "
            f"{html.escape(str(self.period))}: {len(u)} units<ul>{points}</ul>"
            f"<details><summary>units to review</summary>{body}</details>"
            f"<details><summary>agreement</summary>{ag}</details>"
            + (f"<details><summary>notes</summary><ul>{notes}</ul></details>" if notes else "")
            + "</div>"
        )


def comparison_sufficiency(
    study: Any, period: str | Sequence[str] | None, min_cell: int, *, role: str = "atasan"
) -> Insufficient | None:
    """Whether a period holds enough for the citizens-versus-supervisors comparison.

    The comparison needs at least one unit with both supervisor ratings of at least
    ``min_cell`` employees (by ``role``) and at least ``min_cell`` citizen responses in
    ``period``: a unit below that is hidden in the shared study, and with no unit left
    there is nothing to compare (:func:`compare_sources` would have no unit to centre on).

    Returns
    -------
    Insufficient or None
        ``None`` when the comparison can run; else ``reason`` ``no_surveys`` (no citizen
        response in the period: ``found`` 0, ``needed`` ``min_cell``) or
        ``no_unit_with_both`` (``found``: units with some of both; ``needed``:
        ``min_cell`` of each per unit).

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> comparison_sufficiency(study, "2025", min_cell=5) is None
    True
    >>> comparison_sufficiency(study, "2025", min_cell=10**6).reason
    'no_unit_with_both'
    """
    citizen = study.citizen
    if period is not None:
        wanted = [period] if isinstance(period, str) else [str(p) for p in period]
        citizen = citizen[_in_periods(citizen["period"], wanted)]
    if len(citizen) == 0:
        return Insufficient("comparison", "no_surveys", found=0, needed=min_cell)
    behaviour = study.behaviour[study.behaviour["rater_role"] == role]
    if period is not None:
        behaviour = behaviour[_in_periods(behaviour["period"], wanted)]
    unit_of = study.employees.set_index("employee_id")["unit_id"]
    rated = behaviour.drop_duplicates("employee_id")["employee_id"].map(unit_of).value_counts()
    answered = citizen["unit_id"].value_counts()
    both = rated.index.intersection(answered.index)
    enough = [u for u in both if rated[u] >= min_cell and answered[u] >= min_cell]
    if not enough:
        return Insufficient("comparison", "no_unit_with_both", found=len(both), needed=min_cell)
    return None


def _in_periods(periods: pd.Series, wanted: list[str]) -> pd.Series:
    """Rows of ``wanted`` periods (a year ``2025`` also takes its quarters)."""

    def test(p: pd.Series) -> pd.Series:
        keep = p.isin(wanted)
        for w in wanted:
            if len(w) == 4:
                keep |= p.str.startswith(w)
        return keep

    return pd.Series(_by_value(periods, test), index=periods.index)


def compare_sources(
    study: Any,
    period: str | Sequence[str] | None,
    *,
    supervisor_values: Sequence[str] = ("berorientasi_pelayanan", "kompeten"),
    citizen_items: Sequence[str] = ("u6", "u7"),
    roles: Sequence[str] = ("atasan", "rekan"),
    casemix: Sequence[str] | None = CASEMIX_FIELDS,
    min_citizen: int = 10,
    min_supervisor: int = 1,
    q: float = 0.10,
    alternative: str = "two-sided",
    margin: float = 10.0,
    reliability: tuple[float | None, float | None] | None = None,
    confidence: float = 0.95,
    robust: bool = True,
) -> ComparisonResult:
    """Citizens versus supervisors for one period of a study.

    Parameters
    ----------
    study : evalkit.io.Study
        A loaded or simulated study (``behaviour``, ``citizen``, ``employees``).
    period : str or sequence of str or None
        Used as given (a quarter, a year, a list); other periods are never pooled in
        silently, so a thin quarter gives wide intervals and the n says so.
    supervisor_values, citizen_items, roles
        See :func:`align_sources`. The first role's source (supervisor) is compared
        with the citizens throughout; every further role (default ``rekan``, peers)
        gets the unit-level agreement statistics too, when it rated in the period.
    casemix : sequence of str or None
        Respondent fields for :func:`adjust_casemix` of the citizen scores (fields
        without variation are skipped; ``None`` = no adjustment).
    min_citizen, min_supervisor, q, alternative, robust
        See :func:`flag_units`; ``min_citizen`` also limits the ratees of
        :func:`source_agreement` at unit level.
    margin, reliability
        See :func:`source_agreement`.
    confidence : float, default 0.95

    Returns
    -------
    ComparisonResult
        ``units``, ``agreement``, ``offset`` (shareable), ``officers`` and ``aligned``
        (restricted), ``casemix``, ``params``; ``to_json()`` for results.json.

    Notes
    -----
    Steps: :func:`align_sources` at unit level (and at officer level when citizens
    named officers), :func:`adjust_casemix`, then :func:`source_agreement`,
    :func:`source_offset` and :func:`flag_units`. The agreement at officer level
    uses every named officer (``min_n = 1``): one citizen per officer is common.

    Examples
    --------
    >>> import evalkit as ek
    >>> study = ek.simulate(seed=1, employees=300, periods="2025Q1:2025Q2")
    >>> res = ek.compare_sources(study, "2025")
    >>> sorted(res.to_json()["units"][0])  # doctest: +NORMALIZE_WHITESPACE
    ['ci_high', 'ci_low', 'flagged', 'gap', 'higher_rater', 'n_citizen', 'n_supervisor',
     'q_value', 'unit_id', 'vs_regency']
    >>> points = res.summary()  # plain-language sentences for the study
    """
    for name in ("behaviour", "citizen", "employees"):
        if not hasattr(study, name):
            raise TypeError(f"compare_sources: study must be an evalkit Study (no {name} table)")
    roles = _as_tuple(roles, "roles")
    x = ROLE_SOURCE.get(roles[0], roles[0])
    kw = dict(
        employees=study.employees,
        supervisor_values=supervisor_values,
        citizen_items=citizen_items,
        roles=roles,
        period=period,
    )
    aligned = align_sources(study.behaviour, study.citizen, level="unit", **kw)
    named = study.citizen["employee_id"].notna()
    try:
        officers_aligned = (
            align_sources(study.behaviour, study.citizen, level="officer", **kw)
            if named.any()
            else None
        )
    except ValueError:
        officers_aligned = None  # no named officer in this period, or none rated by x
    casemix_table = pd.DataFrame({"term": [], "coef": []})
    if casemix:
        aligned = adjust_casemix(aligned, covariates=casemix)
        coefs = aligned.attrs["casemix"]
        casemix_table = pd.DataFrame({"term": list(coefs), "coef": list(coefs.values())})
        if officers_aligned is not None:
            officers_aligned = adjust_casemix(officers_aligned, covariates=casemix)

    notes: list[str] = []

    def attempt(level: str, what: str, func, *args, **kw_) -> pd.DataFrame | None:
        # thin periods are used as given: a statistic that cannot be computed is reported
        # as a note with its reason instead of stopping the study
        try:
            return func(*args, **kw_).assign(level=level)
        except (ValueError, np.linalg.LinAlgError) as err:
            notes.append(f"{level} {what} not computed: {err}")
            return None

    units = flag_units(
        aligned,
        x=x,
        min_citizen=min_citizen,
        min_supervisor=min_supervisor,
        q=q,
        alternative=alternative,
        robust=robust,
        confidence=confidence,
    )
    if units.attrs["n_eligible"] < 3:
        notes.append(
            f"only {units.attrs['n_eligible']} unit(s) have at least {min_citizen} citizen "
            f"responses and {min_supervisor} supervisor-rated employee(s): no unit is flagged"
        )
    ag = [
        attempt(
            "unit",
            "agreement",
            source_agreement,
            aligned,
            x=x,
            min_n=min_citizen,
            confidence=confidence,
            margin=margin,
            reliability=reliability,
        )
    ]
    for other in [ROLE_SOURCE[r] for r in roles[1:]]:
        if other in set(aligned["source"]):
            extra = attempt(
                "unit",
                f"{other} agreement",
                source_agreement,
                aligned,
                x=other,
                min_n=min_citizen,
                confidence=confidence,
                margin=margin,
            )
            ag.append(None if extra is None else extra.assign(comparison=f"{other}-citizen"))
    off = [attempt("unit", "source offset", source_offset, aligned, x=x, confidence=confidence)]
    officers = pd.DataFrame()
    if officers_aligned is None:
        notes.append("no citizen response names an officer rated by supervisors in this period")
    else:
        officers = flag_units(
            officers_aligned,
            x=x,
            min_citizen=min_citizen,
            min_supervisor=min_supervisor,
            q=q,
            alternative=alternative,
            robust=robust,
            confidence=confidence,
        )
        ag.append(
            attempt(
                "officer",
                "agreement",
                source_agreement,
                officers_aligned,
                x=x,
                confidence=confidence,
                margin=margin,
                reliability=reliability,
            )
        )
        off.append(
            attempt(
                "officer",
                "source offset",
                source_offset,
                officers_aligned,
                x=x,
                confidence=confidence,
            )
        )

    def stack(frames: list[pd.DataFrame | None], template: pd.DataFrame) -> pd.DataFrame:
        kept = [f for f in frames if f is not None]
        out = pd.concat(kept, ignore_index=True) if kept else template.assign(level="")
        return out[["level", *[c for c in out.columns if c != "level"]]]

    ag = [f if f is None or "comparison" in f else f.assign(comparison=f"{x}-citizen") for f in ag]
    empty = result_frame([]).assign(detail=pd.Series(dtype=str), comparison=pd.Series(dtype=str))

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        first = ["level", "comparison"]
        return frame[first + [c for c in frame.columns if c not in first]].reset_index(drop=True)

    agreement_all = stack(ag, empty)
    main = agreement_all["comparison"] == f"{x}-citizen"
    agreement = ordered(agreement_all[main])
    agreement_other = ordered(agreement_all[~main])
    offset = stack(off, pd.DataFrame(columns=list(_OFFSET_COLUMNS)))
    params = dict(
        period=period,
        supervisor_values=list(_as_tuple(supervisor_values, "")),
        citizen_items=list(_as_tuple(citizen_items, "")),
        roles=list(roles),
        x=x,
        casemix=list(aligned.attrs.get("casemix_covariates", [])) if casemix else [],
        min_citizen=min_citizen,
        min_supervisor=min_supervisor,
        q=q,
        alternative=alternative,
        margin=margin,
        confidence=confidence,
        robust=robust,
        reliability=reliability,
        scale="POMP 0-100",
        gap="supervisor - citizen",
    )
    return ComparisonResult(
        period=None
        if period is None
        else (period if isinstance(period, str) else ",".join(period)),
        units=units,
        agreement=agreement,
        offset=offset,
        officers=officers,
        aligned=aligned,
        agreement_other=agreement_other,
        casemix=casemix_table,
        params=params,
        notes=notes,
    )
