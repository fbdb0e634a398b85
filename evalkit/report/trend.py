"""Section "trend": key numbers for every quarter up to the report's period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io import Study
from ..labels import Labels
from ..privacy import suppress_small_cells
from ..scoring import score_employees, skm_index
from ..tables import CODES
from .base import (
    Finding,
    ReportContext,
    Section,
    SectionFigure,
    SectionTable,
    figure_png,
    scored,
    signed,
)
from .periods import quarters_up_to
from .spark import spark_line

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_trend",
    "section_trend",
    "supervisor_change",
    "supervisor_trend",
    "unit_changes",
]


def supervisor_trend(study: Study, quarters: list[str]) -> pd.DataFrame:
    """Mean supervisor (atasan) behaviour score per quarter.

    The mean over employees of each employee's mean atasan score over the seven
    BerAKHLAK values (scale 1–5), so that employees with more ratings do not weigh more.

    Parameters
    ----------
    study : Study
        A loaded study.
    quarters : list of str
        Quarters to report, in order.

    Returns
    -------
    DataFrame
        ``period``, ``supervisor_score`` (mean), ``n_ratees`` (employees with an
        atasan rating).

    Examples
    --------
    >>> from evalkit.io import Study
    >>> b = pd.DataFrame({"period": ["2025Q1"] * 3, "employee_id": ["a", "a", "b"],
    ...                   "rater_role": ["atasan"] * 3, "score": [4, 2, 4]})
    >>> supervisor_trend(Study(behaviour=b), ["2025Q1"]).values.tolist()
    [['2025Q1', 3.5, 2]]
    """
    b = study.behaviour
    b = b[(b["rater_role"] == "atasan") & b["period"].isin(quarters)]
    per_employee = b.groupby(["period", "employee_id"])["score"].mean().astype("float64")
    out = (
        per_employee.groupby(level="period")
        .agg(supervisor_score="mean", n_ratees="size")
        .reindex(quarters)
        .rename_axis("period")
        .reset_index()
    )
    out["n_ratees"] = out["n_ratees"].fillna(0).astype("int64")
    return out


def supervisor_change(
    study: Study, before: str, after: str, *, confidence: float = 0.95
) -> dict[str, float]:
    """Change of the mean supervisor behaviour score between two quarters, with an interval.

    Each quarter's score is the mean over employees of each employee's mean atasan score
    (:func:`supervisor_trend`); the change is ``after − before``, its standard error
    ``sqrt(s_b² / n_b + s_a² / n_a)`` from the employees' spread in each quarter
    (Welch), and the interval uses the normal quantile. The two quarters are treated as
    independent samples: most employees are rated in both, and their scores are
    positively correlated, so the interval is wider than a paired one (conservative).

    Parameters
    ----------
    study : Study
        A loaded study.
    before, after : str
        The two quarters.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    dict
        ``before`` and ``after`` (the two means), ``change``, ``se``, ``ci_low``,
        ``ci_high``, ``n_before``, ``n_after`` (NaN where a quarter has fewer than two
        rated employees).

    Examples
    --------
    >>> from evalkit.io import Study
    >>> b = pd.DataFrame({"period": ["2025Q1"] * 2 + ["2025Q2"] * 2,
    ...                   "employee_id": ["a", "b", "a", "b"], "rater_role": "atasan",
    ...                   "score": [3, 4, 4, 5]})
    >>> r = supervisor_change(Study(behaviour=b), "2025Q1", "2025Q2")
    >>> round(r["change"], 3), round(r["se"], 3)
    (1.0, 0.707)
    """
    per = _employee_means(study, before, after).assign(group="all")
    row = _welch_changes(per, before, after, confidence).reindex(["all"]).iloc[0]
    return {
        "before": float(row["score_before"]),
        "after": float(row["score_after"]),
        "change": float(row["change"]),
        "se": float(row["se"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "n_before": int(row["n_before"]) if pd.notna(row["n_before"]) else 0,
        "n_after": int(row["n_after"]) if pd.notna(row["n_after"]) else 0,
    }


def _employee_means(study: Study, before: str, after: str) -> pd.DataFrame:
    """Each employee's mean atasan score in the two quarters: ``period, employee_id,
    score``."""
    b = study.behaviour
    b = b[(b["rater_role"] == "atasan") & b["period"].isin([before, after])]
    return b.groupby(["period", "employee_id"], as_index=False)["score"].mean()


def _welch_changes(per: pd.DataFrame, before: str, after: str, confidence: float) -> pd.DataFrame:
    """Per ``group`` of ``per`` (``group, period, score``): the two quarters' means and
    counts, the change, its Welch standard error and normal interval."""
    from scipy.stats import norm

    stats = per.groupby(["group", "period"])["score"].agg(["mean", "var", "size"]).unstack()
    out = pd.DataFrame(index=stats.index)
    for name, q in (("before", before), ("after", after)):
        has = ("mean", q) in stats.columns
        out[f"score_{name}"] = stats[("mean", q)].astype("float64") if has else np.nan
        out[f"n_{name}"] = stats[("size", q)].fillna(0).astype("int64") if has else 0
        out[f"_v_{name}"] = (stats[("var", q)] / stats[("size", q)]) if has else np.nan
    out["change"] = out["score_after"] - out["score_before"]
    out["se"] = np.sqrt(out.pop("_v_before") + out.pop("_v_after"))
    z = float(norm.ppf(0.5 + confidence / 2))
    out["ci_low"] = out["change"] - z * out["se"]
    out["ci_high"] = out["change"] + z * out["se"]
    return out


def unit_changes(
    study: Study, before: str, after: str, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Change of each unit's mean supervisor behaviour score between two quarters.

    Per unit, as :func:`supervisor_change` does for the regency: the mean over the
    unit's employees of each employee's mean atasan score in each quarter, the change
    ``after − before``, its Welch standard error and normal interval (the quarters
    treated as independent samples: conservative). Computed for all units at once from
    per-unit counts, means and variances.

    Parameters
    ----------
    study : Study
        A loaded study (``behaviour`` and ``employees`` for each employee's unit).
    before, after : str
        The two quarters.
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    DataFrame
        One row per unit with a rating in either quarter: ``unit_id``, ``score_before``,
        ``score_after``, ``change``, ``ci_low``, ``ci_high``, ``n_before``, ``n_after``
        (NaN where a quarter has fewer than two rated employees), sorted by the size of
        the change, largest first.

    Examples
    --------
    >>> from evalkit.io import Study
    >>> b = pd.DataFrame({"period": ["2025Q1"] * 2 + ["2025Q2"] * 2,
    ...                   "employee_id": ["a", "b", "a", "b"], "rater_role": "atasan",
    ...                   "score": [3, 4, 4, 5]})
    >>> e = pd.DataFrame({"employee_id": ["a", "b"], "unit_id": ["U1", "U1"]})
    >>> unit_changes(Study(behaviour=b, employees=e), "2025Q1", "2025Q2")[
    ...     ["unit_id", "change", "n_after"]].values.tolist()
    [['U1', 1.0, 2]]
    """
    per = _employee_means(study, before, after).merge(
        study.employees[["employee_id", "unit_id"]], on="employee_id", how="inner"
    )
    out = _welch_changes(per.rename(columns={"unit_id": "group"}), before, after, confidence)
    out = out.rename_axis("unit_id")
    out = out.reset_index()[
        [
            "unit_id",
            "score_before",
            "score_after",
            "change",
            "ci_low",
            "ci_high",
            "n_before",
            "n_after",
        ]
    ]
    order = out["change"].abs().sort_values(ascending=False, na_position="last", kind="stable")
    return out.loc[order.index].reset_index(drop=True)


def section_trend(ctx: ReportContext) -> Section:
    """Trend: the mean supervisor behaviour score (:func:`supervisor_trend`), the predikat
    shares and the overall IKM (:mod:`evalkit.scoring`) for every quarter up to the period;
    a quarter's figure built from fewer than ``min_cell`` ratees or respondents is masked."""
    labels, study = ctx.labels, ctx.study
    quarters = quarters_up_to(study, ctx.period)
    section = Section(key="trend", title=labels["section.trend.title"])
    section.paragraphs.append(
        labels("text.trend.intro", first=quarters[0], last=quarters[-1], n=len(quarters))
    )
    trend = supervisor_trend(study, quarters)
    trend = suppress_small_cells(
        trend, "n_ratees", ctx.min_cell, values=["supervisor_score"], secondary=False
    )
    shown = trend.dropna(subset=["supervisor_score"])
    reading: list[str] = []
    if len(shown) >= 2:
        first, last = shown.iloc[0], shown.iloc[-1]
        reading.append(
            labels(
                "finding.trend.supervisor",
                first=str(first["period"]),
                last=str(last["period"]),
                start=float(first["supervisor_score"]),
                end=float(last["supervisor_score"]),
                change=signed(labels, float(last["supervisor_score"] - first["supervisor_score"])),
            )
        )
    trend = trend.merge(_scoring_trend(ctx, quarters), on="period", how="left")
    shares = [f"share_{c}" for c in CODES["predikat"]]
    for count, values in (("n_scored", shares), ("n_citizen", ["ikm"])):
        masked = suppress_small_cells(
            trend, count, ctx.min_cell, values=values, secondary=False, marker="_mark"
        )
        trend[values] = masked[values]
        trend["suppressed"] = trend["suppressed"].fillna(masked["_mark"])
    trend = trend[[c for c in trend.columns if c != "suppressed"] + ["suppressed"]]
    ikm = trend.dropna(subset=["ikm"])
    if len(ikm) >= 2:
        reading.append(
            labels(
                "finding.trend.ikm",
                first=str(ikm["period"].iloc[0]),
                last=str(ikm["period"].iloc[-1]),
                start=float(ikm["ikm"].iloc[0]),
                end=float(ikm["ikm"].iloc[-1]),
            )
        )
    section.paragraphs.extend(reading)
    if len(shown) >= 2:
        section.findings.append(_change_finding(ctx, trend))
    section.tables.append(SectionTable("trend", trend))
    if len(shown) >= 2:
        _largest_changes(ctx, section, str(shown["period"].iloc[-2]), str(shown["period"].iloc[-1]))
    section.figures.append(SectionFigure("trend", figure_png(plot_trend(trend, labels))))
    section.results = {"periods": trend.to_dict(orient="records")}
    return section


#: Units in the body's table of the largest changes (all are in the appendix).
CHANGE_ROWS = 10


def _largest_changes(ctx: ReportContext, section: Section, before: str, after: str) -> None:
    """Per unit: the supervisor score's change since the previous quarter (full table to
    the appendix; the largest changes that are clearer than chance in the body), masked
    below ``min_cell`` rated employees in either quarter."""
    from .base import unit_names

    changes = unit_changes(ctx.study, before, after).merge(
        unit_names(ctx.study), on="unit_id", how="left"
    )
    changes = suppress_small_cells(
        changes,
        ["n_before", "n_after"],
        ctx.min_cell,
        values=["score_before", "score_after", "change", "ci_low", "ci_high"],
        secondary=False,
    )
    section.tables.append(SectionTable("trend_units", changes))
    clear = changes[(changes["ci_low"] > 0) | (changes["ci_high"] < 0)]
    section.paragraphs.append(
        ctx.labels(
            "text.trend.units",
            previous=before,
            clear=len(clear),
            units=int(changes["change"].notna().sum()),
        )
    )
    if len(clear):
        section.attention.append(
            SectionTable("trend_largest", clear.head(CHANGE_ROWS).reset_index(drop=True))
        )


def _change_finding(ctx: ReportContext, trend: pd.DataFrame) -> Finding:
    """What changed since the previous quarter shown: the supervisor score (with the
    interval of :func:`supervisor_change`) and the IKM, with the series as a sparkline."""
    labels = ctx.labels
    shown = trend.dropna(subset=["supervisor_score"])
    prev, last = str(shown["period"].iloc[-2]), str(shown["period"].iloc[-1])
    change = supervisor_change(ctx.study, prev, last)
    text = labels(
        "brief.trend",
        previous=prev,
        start=labels.number(change["before"], 2),
        end=labels.number(change["after"], 2),
        change=signed(labels, change["change"]),
    )
    ikm = trend.set_index("period")["ikm"] if "ikm" in trend.columns else pd.Series(dtype=float)
    if prev in ikm.index and last in ikm.index and ikm[[prev, last]].notna().all():
        text += " " + labels(
            "brief.trend_ikm",
            start=labels.number(ikm[prev], 1),
            end=labels.number(ikm[last], 1),
        )
    clear = change["ci_low"] > 0 or change["ci_high"] < 0
    uncertainty = (
        labels(
            "brief.interval",
            level=labels.percent(0.95, 0),
            low=signed(labels, change["ci_low"]),
            high=signed(labels, change["ci_high"]),
        )
        + " "
        + labels("brief.trend_" + ("clear" if clear else "unclear"))
    )
    values = [float(v) if pd.notna(v) else None for v in trend["supervisor_score"]]
    return Finding(
        key="trend",
        text=text,
        uncertainty=uncertainty,
        spark=spark_line(values, title=labels["figure.trend"]),
        attention=bool(clear and change["change"] < 0),
    )


def _scoring_trend(ctx: ReportContext, quarters: list[str]) -> pd.DataFrame:
    """Predikat shares and the overall IKM per quarter."""
    rows = []
    study = ctx.study
    current = scored(ctx)  # also checks ``rules``
    for q in quarters:
        if q == ctx.period:
            employees = current.employees
        else:
            # earlier quarters need only the employees' predikat: score_study's own first
            # step, without its unit tables (same defaults, same numbers)
            employees = score_employees(
                study.results[study.results["period"] == q],
                study.behaviour[study.behaviour["period"] == q],
                study.indicators,
            )
        predikat = employees["predikat"].dropna()
        row: dict[str, Any] = {"period": q, "n_scored": int(len(predikat))}
        for code in CODES["predikat"]:
            row[f"share_{code}"] = float((predikat == code).mean()) if len(predikat) else np.nan
        citizen = study.citizen[study.citizen["period"] == q]
        row["n_citizen"] = int(len(citizen))
        row["ikm"] = float(skm_index(citizen)["ikm_converted"].iloc[0]) if len(citizen) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def plot_trend(trend: pd.DataFrame, labels: Labels) -> Figure:
    """Mean supervisor behaviour score per quarter and, when present, the citizens' IKM
    below it on its own axis (two panels sharing the quarters).

    Parameters
    ----------
    trend : DataFrame
        ``period``, ``supervisor_score`` and optionally ``ikm`` (25–100); masked
        (suppressed) quarters are NaN and leave a gap.
    labels : Labels
        Axis labels and title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025Q1", "2025Q2"], "supervisor_score": [3.7, 3.9],
    ...                   "ikm": [72.5, 75.1]})
    >>> len(plot_trend(t, Labels("en")).axes)
    2
    """
    from matplotlib.figure import Figure

    from ..plots import DPI

    has_ikm = "ikm" in trend.columns and trend["ikm"].notna().any()
    fig = Figure(figsize=(7.0, 4.6 if has_ikm else 3.2), dpi=DPI, layout="constrained")
    axes = fig.subplots(2 if has_ikm else 1, 1, sharex=True, squeeze=False)[:, 0]
    x = np.arange(len(trend))
    series = [("supervisor_score", "C0", "o")] + ([("ikm", "C1", "s")] if has_ikm else [])
    for ax, (column, colour, marker) in zip(axes, series, strict=True):
        ax.plot(x, trend[column].astype(float), marker=marker, color=colour)
        ax.set_ylabel(labels.column(column))
        ax.grid(alpha=0.3)
    from ..plots import decimal_axis

    for ax in axes:
        decimal_axis(ax, labels.number(0.5, 1)[1], axis="y")
    axes[-1].set_xticks(x, trend["period"].astype(str), rotation=45, ha="right")
    axes[-1].set_xlabel(labels.column("period"))
    fig.suptitle(labels["figure.trend"])
    return fig
