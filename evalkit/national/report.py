"""The compact national study: HTML (report layout of :mod:`evalkit.report.layout`),
funnel plot and workbook, from the national ``results.json`` content alone.

Every sentence is a ``national.*`` template of the label catalogues
(``evalkit/labels/{id,en}.json``) filled with the numbers of
:func:`evalkit.national.national_results`; nothing here computes a statistic.
"""

from __future__ import annotations

import html
import io
import math
from typing import Any

import pandas as pd

from ..labels import Labels
from ..report.layout import figure_html, page_html, table_html
from .results import FUNNEL_LIMITS

__all__ = [
    "funnel_figure",
    "instansi_table",
    "national_html",
    "national_workbook",
    "training_table",
]


def _num(labels: Labels, value: Any, digits: int = 2) -> str:
    return labels.number(value, digits)


def _interval(labels: Labels, low: Any, high: Any, digits: int = 1) -> str:
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    return f"{labels.number(low, digits)}–{labels.number(high, digits)}"


def instansi_table(results: dict[str, Any], language: str) -> pd.DataFrame:
    """One row per instansi, labelled and formatted for people."""
    labels = Labels(language)
    rows = []
    for r in results["instansi"]:
        skm, pred, gap = r["skm"], r["predikat"], r["gap"]
        icc = r["icc"]["rekan"]["ICC1"]["estimate"]
        z = r["funnel"]["z"]
        rows.append(
            {
                "instansi": r["name"],
                "employees": labels.integer(r["employees"]),
                "ikm": _num(labels, skm["ikm_converted"], 2),
                "ikm_interval": _interval(labels, skm["ci_low"], skm["ci_high"]),
                "mutu": skm["mutu"] or "–",
                "share_baik_or_better": labels.percent(pred["share_baik_or_better"]),
                "inflation": labels.percent(pred["inflation"]),
                "icc_rekan": _num(labels, icc, 2),
                "kappa_rekan": _num(labels, r["kappa"]["rekan"]["fleiss_kappa"]["estimate"], 2),
                "gap": _num(labels, gap["gap"], 1),
                "gap_interval": _interval(labels, gap["ci_low"], gap["ci_high"]),
                "z": _num(labels, z, 2),
                "position": labels[f"national.position.{r['funnel']['position']}"],
            }
        )
    frame = pd.DataFrame(rows)
    return frame.rename(columns={c: labels[f"national.column.{c}"] for c in frame.columns})


def _signed(labels: Labels, value: Any, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return ("+" if value >= 0 else "") + labels.number(value, digits)


def _range(labels: Labels, low: Any, high: Any, digits: int = 2) -> str:
    """An interval that may cross 0, as "low to high" (a dash would read as a minus)."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    return labels(
        "national.training.range", low=labels.number(low, digits), high=labels.number(high, digits)
    )


def training_table(results: dict[str, Any], language: str) -> pd.DataFrame:
    """The training effect: one row per instansi and one for the nation — the effect
    (points of the 1–5 supervisor behaviour score), its interval and the trained
    employees behind it; "–" where it is not estimable or not shown."""
    labels = Labels(language)
    rows = [(r["name"], r["training"]) for r in results["instansi"]]
    rows.append((labels["national.row.nation"], results["national"]["training"]))
    frame = pd.DataFrame(
        [
            {
                "instansi": name,
                "training": _signed(labels, t["estimate"], 2),
                "training_interval": _range(labels, t["ci_low"], t["ci_high"]),
                "trained": labels.integer(t["n_treated"]),
            }
            for name, t in rows
        ]
    )
    return frame.rename(columns={c: labels[f"national.column.{c}"] for c in frame.columns})


def funnel_figure(results: dict[str, Any], language: str) -> bytes:
    """The funnel plot as PNG: each instansi's gap against its standard error, the
    national gap and its control limits (:data:`~evalkit.national.results.FUNNEL_LIMITS`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from scipy import stats

    labels = Labels(language)
    centre = results["funnel"]["centre"]
    pts = [
        (r["gap"]["se"], r["gap"]["gap"])
        for r in results["instansi"]
        if r["gap"]["gap"] is not None and r["gap"]["se"] is not None
    ]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    se_max = max([p[0] for p in pts] + [1.0]) * 1.15
    grid = np.linspace(1e-3, se_max, 200)
    if centre is not None and math.isfinite(centre):
        ax.axhline(centre, color="#333333", lw=1.2, label=labels["national.funnel.centre"])
        for cov, style, key in zip(
            FUNNEL_LIMITS, ("--", ":"), ("limit_95", "limit_998"), strict=True
        ):
            z = stats.norm.ppf(0.5 + cov / 2)
            ax.plot(grid, centre + z * grid, style, color="#555555", lw=1)
            ax.plot(
                grid,
                centre - z * grid,
                style,
                color="#555555",
                lw=1,
                label=labels[f"national.funnel.{key}"],
            )
    if pts:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=22, color="#1f6f8b", zorder=3)
    ax.set_xlim(0, se_max)
    ax.set_xlabel(labels["national.funnel.x"])
    ax.set_ylabel(labels["national.funnel.y"])
    ax.legend(loc="best", fontsize=8, frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    plt.close(fig)
    return buf.getvalue()


def _training_finding(results: dict[str, Any], labels: Labels) -> str:
    t = results["national"]["training"]
    if t["estimate"] is None or not math.isfinite(t["estimate"]):
        return labels["national.finding.training_none"]
    if t["ci_low"] is None or not math.isfinite(t["ci_low"]):
        return labels(
            "national.finding.training_no_interval",
            estimate=_signed(labels, t["estimate"]),
            treated=t["n_treated"],
        )
    return labels(
        "national.finding.training",
        estimate=_signed(labels, t["estimate"]),
        low=_num(labels, t["ci_low"], 2),
        high=_num(labels, t["ci_high"], 2),
        level=labels.percent(results["confidence"], 0),
        treated=t["n_treated"],
        n=results["n_instansi"],
    )


def _findings(results: dict[str, Any], labels: Labels) -> list[str]:
    nat = results["national"]
    skm, pred, gap = nat["skm"], nat["predikat"], nat["gap"]
    rekan = nat["icc"]["rekan"]
    kappa = nat["kappa"]["rekan"]
    positions = results["funnel"]["positions"]
    outside = positions.get("above", 0) + positions.get("below", 0)
    return [
        labels(
            "national.finding.ikm",
            value=_num(labels, skm["ikm_converted"], 2),
            mutu=skm["mutu"] or "–",
            low=_num(labels, skm["ci_low"], 2),
            high=_num(labels, skm["ci_high"], 2),
            n=skm["n"],
        ),
        labels(
            "national.finding.predikat",
            share=labels.percent(pred["share_baik_or_better"]),
            n=pred["n_scored"],
            excess=pred["excess"],
            inflation=labels.percent(pred["inflation"]),
        ),
        labels(
            "national.finding.icc",
            estimate=_num(labels, rekan["ICC1"]["estimate"], 2),
            low=_num(labels, rekan["ICC1"]["ci_low"], 2),
            high=_num(labels, rekan["ICC1"]["ci_high"], 2),
            ratees=rekan["n_ratees"],
            k=_num(labels, rekan["mean_raters"], 1),
            mean_estimate=_num(labels, rekan["ICC1k"]["estimate"], 2),
        ),
        labels(
            "national.finding.kappa",
            estimate=_num(labels, kappa["fleiss_kappa"]["estimate"], 2),
            low=_num(labels, kappa["fleiss_kappa"]["ci_low"], 2),
            high=_num(labels, kappa["fleiss_kappa"]["ci_high"], 2),
            quadratic=_num(labels, kappa["fleiss_kappa_quadratic"]["estimate"], 2),
            targets=kappa["n_targets"],
            ratees=kappa["n_ratees"],
        ),
        labels(
            "national.finding.gap_below"
            if gap["gap"] is not None and gap["gap"] < 0
            else "national.finding.gap",
            gap=_num(labels, abs(gap["gap"]) if gap["gap"] is not None else None, 1),
            low=_num(labels, gap["ci_low"], 1),
            high=_num(labels, gap["ci_high"], 1),
            outside=outside,
            n=results["n_instansi"],
        ),
    ]


def national_html(results: dict[str, Any], language: str) -> str:
    """The national study as one self-contained HTML page."""
    labels = Labels(language)
    title = labels("national.title", period=results["period"], n=results["n_instansi"])
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(labels('national.intro', n=results['n_instansi']))}</p>",
        f"<h2>{html.escape(labels['national.heading.nation'])}</h2>",
        "<ul>"
        + "".join(f"<li>{html.escape(s)}</li>" for s in _findings(results, labels))
        + "</ul>",
        f"<h2>{html.escape(labels['national.heading.instansi'])}</h2>",
        table_html(instansi_table(results, language)),
        f"<h2>{html.escape(labels['national.heading.funnel'])}</h2>",
        f"<p>{html.escape(labels['national.funnel.text'])}</p>",
        figure_html(funnel_figure(results, language), labels["national.heading.funnel"]),
        f"<h2>{html.escape(labels['national.heading.training'])}</h2>",
        f"<p>{html.escape(_training_finding(results, labels))}</p>",
        f"<p>{html.escape(labels['national.training.text'])}</p>",
        table_html(training_table(results, language)),
        f"<h2>{html.escape(labels['national.heading.methods'])}</h2>",
        f"<p>{html.escape(labels('national.methods', min_cell=results['min_cell']))}</p>",
        f"<p>{html.escape(labels['national.methods.kappa'])}</p>",
        f"<p>{html.escape(labels('national.methods.training', min_cell=results['min_cell']))}</p>",
    ]
    return page_html(title, "\n".join(parts), language)


def national_workbook(results: dict[str, Any], language: str) -> bytes:
    """``tables.xlsx``: the instansi table, the nation's key numbers, the predikat
    counts by organisational predikat and the training effect per instansi and for the
    nation (labels in ``language``)."""
    labels = Labels(language)
    nat = results["national"]
    key_numbers = pd.DataFrame(
        [
            ("IKM", nat["skm"]["ikm_converted"]),
            ("IKM se", nat["skm"]["se"]),
            (
                labels["national.column.share_baik_or_better"],
                nat["predikat"]["share_baik_or_better"],
            ),
            (labels["national.column.inflation"], nat["predikat"]["inflation"]),
            *(
                (f"{stat} {role}", nat["icc"][role][stat]["estimate"])
                for role in results["icc_roles"]
                for stat in ("ICC1", "ICC1k")
            ),
            *(
                (f"{name} {role}", nat["kappa"][role][name]["estimate"])
                for role in results["icc_roles"]
                for name in ("fleiss_kappa", "fleiss_kappa_quadratic")
            ),
            (labels["national.column.gap"], nat["gap"]["gap"]),
            ("se", nat["gap"]["se"]),
            (labels["national.column.training"], nat["training"]["estimate"]),
            ("se", nat["training"]["se"]),
        ],
        columns=[labels["national.column.statistic"], labels["national.column.value"]],
    )
    pred = pd.DataFrame(
        [
            {
                labels["national.column.org_predikat"]: labels.code("org_predikat", org)
                if org != "none"
                else "–",
                labels["national.column.n_scored"]: v["n_scored"],
                **{labels.code("predikat", p): n for p, n in v["counts"].items()},
                labels["national.column.share_baik_or_better"]: v["share_baik_or_better"],
                labels["national.column.ceiling_share"]: v["ceiling_share"],
            }
            for org, v in nat["predikat"]["by_org_predikat"].items()
        ]
    )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        instansi_table(results, language).to_excel(
            writer, sheet_name=labels["national.sheet.instansi"], index=False
        )
        key_numbers.to_excel(writer, sheet_name=labels["national.sheet.nation"], index=False)
        pred.to_excel(writer, sheet_name=labels["national.sheet.predikat"], index=False)
        training_table(results, language).to_excel(
            writer, sheet_name=labels["national.sheet.training"], index=False
        )
    return buf.getvalue()
