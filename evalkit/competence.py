"""Competence against results: do the behaviour (perilaku) and the results (hasil kerja)
evidence agree, and — for teachers — does the class observation agree with what their
pupils achieve, once the school's intake is set aside?

Two functions:

- :func:`behaviour_results_agreement`: employee level, every sector — the share of
  employees in each cell of the PermenPANRB 6/2022 quadrant (hasil × perilaku) and the
  rank correlation of the two underlying scores, for the regency, each sector and each
  unit (vectorised over groups), with the ceiling that the measures' reliability puts
  on any observed correlation.
- :func:`teacher_results`: teacher level, the school as cluster — the within-school slope
  of pupils' achievement on the principal's class-management observation (school fixed
  effects, cluster-robust standard errors by school with t on G − 1 degrees of freedom),
  and how much of the achievement differences lies between schools (ICC(1)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._json import to_jsonable
from .rules.permenpanrb_6_2022 import EXPECTATIONS

__all__ = [
    "SUPERVISOR_RELIABILITY",
    "AgreementResult",
    "TeacherResult",
    "behaviour_results_agreement",
    "grouped_spearman",
    "teacher_results",
]

#: Interrater reliability of one supervisor's rating of overall job performance, .52
#: (Viswesvaran, Ones & Schmidt 1996, *JAP* 81(5):557–574; reference/methods.md §1):
#: the perilaku rating rests on one supervisor.
SUPERVISOR_RELIABILITY: float = 0.52


def grouped_spearman(
    data: pd.DataFrame,
    x: str,
    y: str,
    groups: str | None = None,
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Spearman's rank correlation per group, vectorised, with a Fisher-z interval.

    Ranks (average ranks for ties) are taken within each group, and Pearson's correlation
    of the ranks is computed from per-group sums, so one pass serves every group. The
    interval is ``tanh(atanh(r_s) ± z_{α/2} √((1 + r_s²/2)/(n − 3)))`` (Bonett & Wright
    2000). Equal to :func:`scipy.stats.spearmanr` group by group.

    Parameters
    ----------
    data : DataFrame
        One row per pair; rows with a missing ``x`` or ``y`` are dropped.
    x, y : str
        Columns to correlate.
    groups : str, optional
        Column of the groups; ``None`` = one group ``"all"``.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``group``, ``n``, ``estimate``, ``ci_low``, ``ci_high`` (NaN with fewer than 4
        pairs or no variation).
    """
    d = data[[x, y] + ([groups] if groups else [])].dropna()
    g = d[groups].astype(object) if groups else pd.Series("all", index=d.index, dtype=object)
    rx = d[x].groupby(g).rank(method="average")
    ry = d[y].groupby(g).rank(method="average")
    frame = pd.DataFrame({"g": g, "x": rx, "y": ry, "xx": rx * rx, "yy": ry * ry, "xy": rx * ry})
    s = frame.groupby("g", sort=True).sum()
    n = frame.groupby("g", sort=True).size().astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxy = s["xy"] - s["x"] * s["y"] / n
        sxx = s["xx"] - s["x"] ** 2 / n
        syy = s["yy"] - s["y"] ** 2 / n
        r = sxy / np.sqrt(sxx * syy)
        r = r.where((n >= 4) & (sxx > 1e-12) & (syy > 1e-12))
        z = stats.norm.ppf(0.5 + confidence / 2)
        se = np.sqrt((1 + r * r / 2) / (n - 3))
        zr = np.arctanh(r.clip(-0.999999, 0.999999))
    return pd.DataFrame(
        {
            "group": s.index.to_numpy(dtype=object),
            "n": n.astype("int64").to_numpy(),
            "estimate": r.to_numpy(),
            "ci_low": np.tanh(zr - z * se).to_numpy(),
            "ci_high": np.tanh(zr + z * se).to_numpy(),
        }
    )


@dataclass
class AgreementResult:
    """Perilaku against hasil kerja (:func:`behaviour_results_agreement`).

    Attributes
    ----------
    quadrant : DataFrame
        ``level`` (``regency``, ``sector``), ``group``, ``hasil``, ``perilaku``, ``n``,
        ``n_group``, ``share`` — every one of the nine cells, also when empty.
    correlation : DataFrame
        ``level`` (``regency``, ``sector``, ``unit``), ``group``, ``n``, ``estimate``,
        ``ci_low``, ``ci_high``, ``ceiling`` (the largest correlation the measures'
        reliability allows), ``disattenuated`` (``estimate / ceiling``).
    parameters : dict
    """

    quadrant: pd.DataFrame
    correlation: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return to_jsonable(
            {
                "parameters": self.parameters,
                "quadrant": self.quadrant,
                "correlation": self.correlation,
            }
        )


def behaviour_results_agreement(
    scored: pd.DataFrame,
    sector_of_unit: pd.Series,
    *,
    x: str = "mean_achievement",
    y: str = "mean_behaviour",
    reliability_results: float = 1.0,
    reliability_behaviour: float = SUPERVISOR_RELIABILITY,
    confidence: float = 0.95,
) -> AgreementResult:
    """Agreement between the hasil kerja and the perilaku evidence of employees.

    Parameters
    ----------
    scored : DataFrame
        :attr:`evalkit.scoring.ScoringResult.employees`: ``employee_id``, ``unit_id``,
        ``hasil`` and ``perilaku`` (di_atas, sesuai, di_bawah), and the scores behind
        them, ``mean_achievement`` (results against targets) and ``mean_behaviour``
        (the supervisor's mean BerAKHLAK score).
    sector_of_unit : Series
        ``unit_id`` → sector.
    x, y : str
        The two scores to rank-correlate.
    reliability_results, reliability_behaviour : float
        Reliability of each measure. The behaviour score rests on one supervisor:
        :data:`SUPERVISOR_RELIABILITY` (.52, Viswesvaran et al. 1996). The results
        score's reliability cannot be estimated from one rating per employee; the
        default 1 is an upper bound, so the ceiling shown is the highest possible.
    confidence : float, default 0.95

    Returns
    -------
    AgreementResult

    Notes
    -----
    Correction for attenuation (Spearman 1904; methods.md §1): no observed correlation
    can exceed ``√(r_xx r_yy)``; ``ρ_true ≈ r / √(r_xx r_yy)``. With a supervisor's .52 the
    ceiling is .72: a rank correlation of .3 between behaviour and results is then
    about .42 between the true qualities.
    """
    d = scored.copy()
    d["sector"] = d["unit_id"].map(sector_of_unit).astype(object)
    rated = d[d["hasil"].notna() & d["perilaku"].notna()]
    rows = []
    for level, col in (("regency", None), ("sector", "sector")):
        keys = pd.Series("all", index=rated.index) if col is None else rated[col]
        for group, sub in rated.groupby(keys, sort=True):
            cells = sub.groupby(["hasil", "perilaku"]).size()
            for h in EXPECTATIONS:
                for p in EXPECTATIONS:
                    n = int(cells.get((h, p), 0))
                    rows.append((level, group, h, p, n, len(sub), n / len(sub)))
    quadrant = pd.DataFrame(
        rows, columns=["level", "group", "hasil", "perilaku", "n", "n_group", "share"]
    )
    parts = []
    for level, col in (("regency", None), ("sector", "sector"), ("unit", "unit_id")):
        c = grouped_spearman(d, x, y, col, confidence=confidence)
        c.insert(0, "level", level)
        parts.append(c)
    corr = pd.concat(parts, ignore_index=True)
    ceiling = float(np.sqrt(reliability_results * reliability_behaviour))
    corr["ceiling"] = ceiling
    corr["disattenuated"] = corr["estimate"] / ceiling
    parameters = {
        "x": x,
        "y": y,
        "reliability_results": reliability_results,
        "reliability_behaviour": reliability_behaviour,
        "ceiling": ceiling,
        "confidence": confidence,
    }
    return AgreementResult(quadrant, corr, parameters)


@dataclass
class TeacherResult:
    """Teachers' class observation against pupils' achievement (:func:`teacher_results`).

    Attributes
    ----------
    slope : dict
        ``estimate`` (achievement points per observation point, within schools), ``se``,
        ``ci_low``, ``ci_high``, ``p_val``, ``df`` (G − 1), ``n_teachers``,
        ``n_schools``, ``correlation`` (the slope in within-school SD units) with
        ``corr_ci_low``/``corr_ci_high`` (the slope's interval scaled alike).
    icc : DataFrame
        :func:`evalkit.icc_aggregation` of achievement and of the observation by school
        (``measure``, ``statistic``, ``estimate``, ``ci_low``, ``ci_high``, …).
    by_sector_school : str
        ``school`` when more than half of achievement variance lies between schools
        beyond chance (ICC(1) interval above .5), ``person`` when below .5, else
        ``unclear``.
    parameters : dict
    """

    slope: dict[str, Any]
    icc: pd.DataFrame
    by_sector_school: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return to_jsonable(
            {
                "parameters": self.parameters,
                "slope": self.slope,
                "icc": self.icc,
                "mostly": self.by_sector_school,
            }
        )


def teacher_results(teaching: pd.DataFrame, *, confidence: float = 0.95) -> TeacherResult:
    """Class-management observation against pupils' achievement, the school as cluster.

    Parameters
    ----------
    teaching : DataFrame
        The ``teaching`` table of the period: ``employee_id``, ``unit_id`` (school),
        ``observation``, ``achievement`` (several periods are averaged per teacher and
        school first).
    confidence : float, default 0.95

    Returns
    -------
    TeacherResult

    Notes
    -----
    Slope: OLS of achievement on the observation with school fixed effects
    (``achievement ~ observation + C(school)``), so the school's intake — the pupils a
    school admits — is not credited to its teachers; cluster-robust (CR1) standard errors
    by school and t on G − 1 degrees of freedom (statsmodels ``cov_type="cluster"``,
    ``use_t=True``), because teachers of one school share more than their intake.
    ICC(1) (Bliese 2000, one-way ANOVA by school) of achievement: the share of its
    variance between schools. When most of it lies between schools, a pupils'-results
    indicator mostly measures the school, not the teacher.
    """
    import statsmodels.formula.api as smf

    from .reliability import icc_aggregation

    d = (
        teaching.dropna(subset=["observation", "achievement"])
        .groupby(["employee_id", "unit_id"], as_index=False)[["observation", "achievement"]]
        .mean()
    )
    n_schools = int(d["unit_id"].nunique())
    slope: dict[str, Any] = {"n_teachers": int(len(d)), "n_schools": n_schools}
    icc = pd.DataFrame()
    mostly = "unclear"
    if n_schools >= 3 and len(d) > n_schools + 2:
        codes = pd.factorize(d["unit_id"])[0]
        fit = smf.ols("achievement ~ observation + C(unit_id)", d).fit(
            cov_type="cluster", cov_kwds={"groups": codes}, use_t=True
        )
        low, high = fit.conf_int(alpha=1 - confidence).loc["observation"]
        within_obs = d["observation"] - d.groupby("unit_id")["observation"].transform("mean")
        within_ach = d["achievement"] - d.groupby("unit_id")["achievement"].transform("mean")
        scale = float(within_obs.std() / within_ach.std())
        slope.update(
            estimate=float(fit.params["observation"]),
            se=float(fit.bse["observation"]),
            ci_low=float(low),
            ci_high=float(high),
            p_val=float(fit.pvalues["observation"]),
            df=int(n_schools - 1),
            correlation=float(fit.params["observation"]) * scale,
            corr_ci_low=float(low) * scale,
            corr_ci_high=float(high) * scale,
        )
        parts = []
        for measure in ("achievement", "observation"):
            r = icc_aggregation(d, "unit_id", measure, confidence=confidence)
            r.insert(0, "measure", measure)
            parts.append(r)
        icc = pd.concat(parts, ignore_index=True)
        a = icc[(icc["measure"] == "achievement") & (icc["statistic"] == "bliese_icc1")].iloc[0]
        mostly = "school" if a["ci_low"] > 0.5 else ("person" if a["ci_high"] < 0.5 else "unclear")
    parameters = {"confidence": confidence, "cluster": "unit_id", "df": "G - 1"}
    return TeacherResult(slope, icc, mostly, parameters)
