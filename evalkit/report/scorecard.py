"""Rapor unit: one unit's scorecard as an A4 HTML page (and PDF), and the index of units.

A :class:`Scorecard` reads one unit's record of ``units.json``
(:func:`evalkit.report.unit.scorecard_data`, saved by the period report) and writes it in
plain language, in Bahasa Indonesia or English; it computes nothing but the words.
``notebooks/unit.ipynb`` shows it and writes ``units/<unit_id>.html`` and ``.pdf``;
``evalkit study --units`` renders many in parallel (:mod:`evalkit.scorecards`).
"""

from __future__ import annotations

import copy
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..labels import DEFAULT_LANGUAGE, Labels
from ..sufficiency import Insufficient
from ..tables import CODES
from .unit import next_steps

__all__ = [
    "SCORECARD_CSS",
    "Scorecard",
    "find_units",
    "index_html",
    "load_units",
    "write_index",
]

#: The page: A4 for print and PDF, one readable column on a phone.
SCORECARD_CSS = """
@page { size: A4; margin: 13mm 14mm 14mm 14mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 9.5pt;
       line-height: 1.38; color: #1a1a1a; margin: 0 auto; max-width: 186mm; padding: 8px; }
h1 { font-size: 15pt; margin: 0 0 2px 0; }
h2 { font-size: 11pt; margin: 12px 0 4px 0; border-bottom: 1px solid #bbb; padding-bottom: 2px;
     break-after: avoid; }
p { margin: 3px 0; }
.sub { color: #444; margin-bottom: 6px; }
.steps { border: 2px solid #1f5f8b; border-radius: 4px; padding: 6px 10px; margin: 8px 0; }
.steps h2 { border: none; margin-top: 2px; }
.steps ol { margin: 2px 0 2px 18px; padding: 0; }
.steps li { margin: 2px 0; }
table { border-collapse: collapse; margin: 4px 0; max-width: 100%; }
th, td { padding: 2px 6px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.bar { display: inline-block; height: 8px; background: #1f5f8b; vertical-align: middle; }
.review { font-weight: bold; color: #8a3b00; }
.note { color: #555; font-size: 8.5pt; }
.scroll { overflow-x: auto; }
section { break-inside: avoid; }
@media (max-width: 520px) { body { font-size: 11pt; padding: 6px; } td, th { padding: 2px 3px; } }
"""


def load_units(report_dir: str | Path) -> dict[str, Any]:
    """Read ``units.json`` of a period report folder.

    Raises
    ------
    FileNotFoundError
        With what to run when the period report (or its ``units.json``) is missing.
    """
    path = Path(report_dir) / "units.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run the period study first (`evalkit study --period "
            "PERIOD`), which writes units.json beside results.json"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def find_units(
    period: str = "latest",
    *,
    report_dir: str | Path = "",
    reports: str | Path = "reports",
    data_dir: str | Path = "data/tanjungselor",
    language: str = DEFAULT_LANGUAGE,
    min_cell: int = 5,
) -> dict[str, Any]:
    """The scorecards' data of a period: the saved ``units.json``, or the period's
    analysis run once when no report holds it.

    Looked up in order: ``report_dir/units.json`` when ``report_dir`` is given (an
    error if missing); for a named period (``2025Q4``, ``2025``),
    ``reports/<period>/<language>/units.json`` and ``reports/<period>/units.json``;
    otherwise :func:`evalkit.report.build_report` on ``data_dir`` (slow: the whole
    period analysis, which ``evalkit study`` has already done when it renders units).

    Returns
    -------
    dict
        The content of ``units.json``.
    """
    if report_dir:
        return load_units(report_dir)
    if period != "latest":
        for folder in (Path(reports) / period / language, Path(reports) / period):
            if (folder / "units.json").is_file():
                return load_units(folder)
    from .period import build_report

    return build_report(data_dir, period, language=language, min_cell=min_cell).units


def _mask(rec: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """The record with every figure built from fewer than ``min_cell`` withheld (for a
    scorecard asked for a stricter threshold than the period report used)."""
    rec = copy.deepcopy(rec)
    p = rec["predikat"]
    if p.get("n_scored") and p["n_scored"] < min_cell:
        for k in ("counts", "shares", "ok", "violations", "not_applicable", "corrections"):
            p.pop(k, None)
        p["suppressed"] = "small_cell"
    s = rec["skm"]
    if s.get("n") and s["n"] < min_cell:
        for k in (
            "ikm",
            "ci_low",
            "ci_high",
            "mutu",
            "kinerja",
            "vs_regency",
            "vs_peers",
            "peer_rank",
        ):
            s.pop(k, None)
        s["suppressed"] = "small_cell"
    c = rec["comparison"]
    if c.get("available") and min(c.get("n_citizen") or 0, c.get("n_supervisor") or 0) < min_cell:
        keep = {k: c[k] for k in ("available", "n_citizen", "n_supervisor")}
        rec["comparison"] = {**keep, "suppressed": "small_cell"}
    r = rec["reliability"]
    if r.get("n_ratees", 0) < min_cell:
        for k in ("icc", "ci_low", "ci_high", "band"):
            r.pop(k, None)
    if r.get("n_citizens", 0) < min_cell:
        r.pop("rwg", None)
    t = rec["training"]
    if t.get("n_employees", 0) < min_cell:
        for k in ("n_trained", "share_trained", "vs_peers"):
            t.pop(k, None)
        t["suppressed"] = "small_cell"
    for q in rec["trend"]:
        if q["n_ratees"] < min_cell:
            q["supervisor_score"] = None
        if q["n_citizen"] < min_cell:
            q["ikm"] = None
    return rec


@dataclass
class Scorecard:
    """One unit's scorecard.

    Parameters
    ----------
    data : dict
        The content of ``units.json`` (:func:`load_units`).
    unit_id : str
        The unit.
    language : {"id", "en"}, default "id"
        Language of the page.
    min_cell : int, optional
        Small-cell threshold; default the period report's. A larger one withholds more
        figures; a smaller one is refused (what the period report withheld is not in
        ``units.json``).
    """

    data: dict[str, Any]
    unit_id: str
    language: str = DEFAULT_LANGUAGE
    min_cell: int | None = None
    unit: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        units = self.data["units"]
        if self.unit_id not in units:
            known = ", ".join(sorted(units)[:8])
            raise KeyError(
                f"no unit {self.unit_id!r} in the period report {self.data['period']}; "
                f"units are e.g. {known} ({len(units)} in all)"
            )
        saved = int(self.data["min_cell"])
        if self.min_cell is None:
            self.min_cell = saved
        if self.min_cell < saved:
            raise ValueError(
                f"min_cell={self.min_cell} is below the period report's {saved}: figures it "
                "withheld cannot be shown; rerun the study with --min-cell "
                f"{self.min_cell}"
            )
        rec = units[self.unit_id]
        if self.min_cell > saved:
            rec = _mask(rec, self.min_cell)
            rec["next_steps"] = next_steps(rec, self.data["peer_groups"])
        self.unit = rec

    @property
    def labels(self) -> Labels:
        return Labels(self.language)

    # -- text helpers ------------------------------------------------------------------
    def _n(self, x: Any, digits: int = 1) -> str:
        return self.labels.number(x, digits)

    def _ci(self, low: Any, high: Any, digits: int = 1) -> str:
        return self.labels("unit.ci", low=self._n(low, digits), high=self._n(high, digits))

    def _p(self, key: str, **values: Any) -> str:
        """A paragraph: the label ``key`` filled with ``values``, escaped."""
        return f"<p>{html.escape(self.labels(key, **values))}</p>"

    def _peer_sentence(self, stat: str, position: str | None, digits: int) -> str:
        """The unit's interval against the median of its peers for ``stat`` (``gap`` or
        ``icc``), or why there is no such comparison."""
        peers = self.data["peer_groups"][self.unit["peer_group"]][stat]
        if position is None and peers["median"] is not None:
            return ""  # the unit has no interval to set against its peers
        if peers["median"] is None:
            return self._no_peers(peers["n"])
        return self._p(
            f"unit.peers.{stat}_{position}",
            peers=self._peer_name(),
            n=peers["n"],
            median=self._n(peers["median"], digits),
            low=self._n(peers["low"], digits),
            high=self._n(peers["high"], digits),
        )

    def _alone(self) -> bool:
        """Too few units of this kind for any comparison with peers (said once, at the
        top, instead of in every section)."""
        group = self.data["peer_groups"][self.unit["peer_group"]]
        return group["n_units"] < self.data["min_peers"]

    def _no_peers(self, n: int) -> str:
        if self._alone():
            return ""
        return self._p(
            "unit.no_peers", peers=self._peer_name(), n=n, min_peers=self.data["min_peers"]
        )

    def _few(self, n: int) -> str:
        return self.labels("unit.too_few", n=n, min_cell=self.min_cell)

    def _withheld(self, block: dict[str, Any], n: int) -> str:
        """Why a figure is not shown: too few people, or a complementary cell."""
        if block.get("suppressed") == "complementary":
            return self.labels["unit.complementary"]
        if block.get("suppressed") is None:
            return self.labels["unit.not_computed"]
        return self._few(n)

    def _peer_name(self) -> str:
        return self.labels.code("peer_group", self.unit["peer_group"])

    # -- sections ----------------------------------------------------------------------
    def title(self) -> str:
        u, labels = self.unit, self.labels
        return labels("unit.title", name=u["name"] or u["unit_id"], period=self.data["period"])

    def _header(self) -> str:
        labels = self.labels
        peers = self.data["peer_groups"][self.unit["peer_group"]]["n_units"]
        return (
            f"<h1>{html.escape(self.title())}</h1>"
            f'<p class="sub">{html.escape(labels("unit.subtitle_alone" if self._alone() else "unit.subtitle", peers=self._peer_name(), n=peers, min_cell=self.min_cell))}</p>'
        )

    def step_text(self, step: dict[str, Any]) -> str:
        """The sentence of one next step (:func:`evalkit.report.unit.next_steps`)."""
        labels, code = self.labels, step["code"]
        v: dict[str, Any] = {}
        if code == "pattern":
            v = {
                "predikat": self._predikat_names(step["predikat"]),
                "current": step["current"],
                "bound": step["bound"],
                "n": step["n"],
            }
            code = f"pattern_{step['kind']}"
        elif code == "comparison_review":
            v = {"gap": self._n(step["gap"]), "ci": self._ci(step["ci_low"], step["ci_high"])}
        elif code == "skm_sample":
            v = {
                "n": step["n"],
                "n_required": step["n_required"],
                "more": step["n_required"] - step["n"],
            }
        elif code == "skm_low":
            v = {
                "ikm": self._n(step["ikm"], 2),
                "mutu": step.get("mutu") or "–",
                "peer_median": self._n(step.get("peer_median"), 2),
                "peers": self._peer_name(),
            }
            if step.get("peer_median") is None:
                code = "skm_low_nopeers"
        elif code == "indicators":
            v = {"n_unclear": step["n_unclear"], "n_indicators": step["n_indicators"]}
        elif code == "reliability":
            v = {"icc": self._n(step["icc"], 2)}
        elif code == "training":
            v = {
                "share": labels.percent(step["share_trained"], 0),
                "peer_median": labels.percent(step["peer_median"], 0),
                "peers": self._peer_name(),
            }
        elif code == "too_small":
            v = {"n": step["n_scored"], "min_cell": self.min_cell}
        elif code == "keep_survey":
            v = {"n": step["n"], "n_required": step.get("n_required")}
            if step.get("n_required") is None:
                code = "keep_survey_nopop"
        elif code == "keep_indicators":
            v = {"n_indicators": step["n_indicators"]}
        elif code == "keep_pattern":
            v = {"n": step["n_scored"]}
        elif code == "keep_training":
            v = {"share": labels.percent(step["share_trained"], 0)}
        elif code == "keep_rating":
            v = {"n": step["n_scored"]}
        return labels(f"unit.step.{code}", **v)

    def _predikat_names(self, codes: list[str]) -> str:
        joiner = self.labels["unit.or"]
        return joiner.join(self.labels.code("predikat", c) for c in codes)

    def _steps(self) -> str:
        items = "".join(
            f"<li>{html.escape(self.step_text(s))}</li>" for s in self.unit["next_steps"]
        )
        return (
            f'<div class="steps"><h2>{html.escape(self.labels["unit.steps.title"])}</h2>'
            f"<ol>{items}</ol></div>"
        )

    def _predikat(self) -> str:
        labels, p = self.labels, self.unit["predikat"]
        out = [f"<h2>{html.escape(labels['unit.predikat.title'])}</h2>"]
        if not p.get("n_scored"):
            out.append(f"<p>{html.escape(labels['unit.predikat.none'])}</p>")
            return "<section>" + "".join(out) + "</section>"
        if p.get("counts") is None:
            reason = (
                self._few(p["n_scored"])
                if p.get("suppressed") == "small_cell"
                else labels["unit.complementary"]
            )
            out.append(f"<p>{html.escape(reason)}</p>")
            return "<section>" + "".join(out) + "</section>"
        rows = []
        for code in CODES["predikat"]:
            n, share = p["counts"][code], p["shares"][code] or 0.0
            width = max(0.0, min(1.0, share)) * 120
            rows.append(
                f"<tr><td>{html.escape(labels.code('predikat', code))}</td>"
                f'<td class="n">{labels.integer(n)}</td>'
                f'<td class="n">{labels.percent(share, 0)}</td>'
                f'<td><span class="bar" style="width:{width:.0f}px"></span></td></tr>'
            )
        head = "".join(
            f"<th>{html.escape(labels[k])}</th>"
            for k in ("unit.predikat.col", "unit.col.employees", "unit.col.share")
        )
        out.append(f"<table><tr>{head}<th></th></tr>{''.join(rows)}</table>")
        org = p.get("org_predikat")
        if org is None:
            out.append(f"<p>{html.escape(labels['unit.predikat.no_org'])}</p>")
        elif p.get("ok") is True:
            out.append(
                f"<p>{html.escape(labels('unit.predikat.ok', org=labels.code('org_predikat', org), n=p['n_scored']))}</p>"
            )
        elif p.get("ok") is False:
            out.append(
                f"<p>{html.escape(labels('unit.predikat.not_ok', org=labels.code('org_predikat', org), n=p['n_scored']))}</p>"
            )
            items = "".join(
                f"<li>{html.escape(self.step_text({'code': 'pattern', **c}))}</li>"
                for c in p.get("corrections", [])
            )
            out.append(f"<ul>{items}</ul>")
            out.append(f'<p class="note">{html.escape(labels["unit.predikat.note"])}</p>')
        if p.get("not_applicable"):
            out.append(
                f'<p class="note">{html.escape(labels("unit.predikat.small", n=p["n_scored"]))}</p>'
            )
        return "<section>" + "".join(out) + "</section>"

    def _skm(self) -> str:
        labels, s = self.labels, self.unit["skm"]
        reg = self.data["regency"]["ikm"]
        peers = self.data["peer_groups"][self.unit["peer_group"]]["ikm"]
        out = [f"<h2>{html.escape(labels['unit.skm.title'])}</h2>"]
        if not s.get("n"):
            out.append(f"<p>{html.escape(labels['unit.skm.none'])}</p>")
            return "<section>" + "".join(out) + "</section>"
        if s.get("ikm") is None:
            out.append(f"<p>{html.escape(self._withheld(s, s['n']))}</p>")
        else:
            out.append(
                self._p(
                    "unit.skm.ikm",
                    ikm=self._n(s["ikm"], 2),
                    ci=self._ci(s.get("ci_low"), s.get("ci_high"), 2),
                    mutu=s.get("mutu") or "–",
                    kinerja=labels.code("kinerja", s.get("kinerja")),
                    n=s["n"],
                )
            )
            if reg.get("ikm") is not None and s.get("vs_regency"):
                out.append(
                    self._p(
                        f"unit.skm.regency_{s['vs_regency']}",
                        ikm=self._n(reg["ikm"], 2),
                        ci=self._ci(reg.get("ci_low"), reg.get("ci_high"), 2),
                    )
                )
            if peers["median"] is not None and s.get("vs_peers"):
                out.append(
                    self._p(
                        f"unit.skm.peers_{s['vs_peers']}",
                        peers=self._peer_name(),
                        n=peers["n"],
                        median=self._n(peers["median"], 2),
                        low=self._n(peers["low"], 2),
                        high=self._n(peers["high"], 2),
                        rank=s.get("peer_rank") or "–",
                    )
                )
            else:
                out.append(self._no_peers(peers["n"]))
        if s.get("n_required") is not None:
            key = "unit.skm.sample_ok" if s.get("n_sufficient") else "unit.skm.sample_short"
            out.append(self._p(key, n=s["n"], n_required=s["n_required"]))
        else:
            out.append(f"<p>{html.escape(labels('unit.skm.sample_nopop', n=s['n']))}</p>")
        return "<section>" + "".join(out) + "</section>"

    def _comparison(self) -> str:
        labels, c = self.labels, self.unit["comparison"]
        window = self.data["comparison_window"]
        out = [f"<h2>{html.escape(labels['unit.cmp.title'])}</h2>"]
        gap = self.data["regency"].get("comparison_insufficient")
        if not c.get("available") and gap:  # the regency's comparison had too little data
            sentence = Insufficient("comparison", **gap).sentence(labels)
            out.append(f"<p>{html.escape(sentence)}</p>")
            return "<section>" + "".join(out) + "</section>"
        if not c.get("available"):
            out.append(f"<p>{html.escape(labels['unit.cmp.none'])}</p>")
            return "<section>" + "".join(out) + "</section>"
        if c.get("gap") is None:
            n = min(c.get("n_citizen") or 0, c.get("n_supervisor") or 0)
            out.append(f"<p>{html.escape(self._withheld(c, n))}</p>")
            return "<section>" + "".join(out) + "</section>"
        out.append(
            self._p(
                "unit.cmp.means",
                first=window[0],
                last=window[-1],
                supervisor=self._n(c["mean_supervisor"]),
                citizen=self._n(c["mean_citizen"]),
                n_citizen=c["n_citizen"],
                n_supervisor=c["n_supervisor"],
            )
        )
        if c.get("higher_rater") is not None:
            out.append(
                self._p(
                    f"unit.cmp.higher_{c['higher_rater']}",
                    gap=self._n(abs(c["gap"])),
                    ci=self._ci(c["ci_low"], c["ci_high"]),
                )
            )
        centre = self.data["regency"]["gap_centre"]
        if c.get("funnel") is not None and centre is not None:
            who = "supervisors" if centre >= 0 else "citizens"
            typical = labels(f"unit.cmp.typical_{who}", centre=self._n(abs(centre)))
            zone = labels(
                f"unit.cmp.funnel_{c['funnel']}",
                low=self._n(c["funnel_low95"]),
                high=self._n(c["funnel_high95"]),
            )
            out.append(f"<p>{html.escape(typical + ' ' + zone)}</p>")
        out.append(self._peer_sentence("gap", c.get("vs_peers"), 1))
        if c.get("flagged") is True:
            out.append(f'<p class="review">{html.escape(labels["unit.cmp.review"])}</p>')
        elif c.get("eligible") is False:
            out.append(f"<p>{html.escape(labels['unit.cmp.not_eligible'])}</p>")
        else:
            out.append(f"<p>{html.escape(labels['unit.cmp.no_review'])}</p>")
        return "<section>" + "".join(out) + "</section>"

    def _reliability(self) -> str:
        labels, r = self.labels, self.unit["reliability"]
        out = [f"<h2>{html.escape(labels['unit.rel.title'])}</h2>"]
        if r.get("icc") is not None:
            out.append(
                self._p(
                    "unit.rel.icc",
                    icc=self._n(r["icc"], 2),
                    ci=self._ci(r.get("ci_low"), r.get("ci_high"), 2),
                    band=labels.code("band", r.get("band")),
                    n=r["n_ratees"],
                )
            )
            out.append(self._peer_sentence("icc", r.get("vs_peers"), 2))
        elif r.get("n_ratees", 0) < self.min_cell:
            out.append(
                f"<p>{html.escape(labels('unit.rel.few', n=r.get('n_ratees', 0), min_cell=self.min_cell))}</p>"
            )
        else:
            out.append(f"<p>{html.escape(labels('unit.rel.not_estimable', n=r['n_ratees']))}</p>")
        if r.get("rwg") is not None:
            out.append(
                f"<p>{html.escape(labels('unit.rel.rwg', rwg=self._n(r['rwg'], 2), n=r['n_citizens']))}</p>"
            )
        return "<section>" + "".join(out) + "</section>"

    def _clarity(self) -> str:
        labels, cl = self.labels, self.unit["clarity"]
        out = [f"<h2>{html.escape(labels['unit.clarity.title'])}</h2>"]
        if not cl["n_indicators"]:
            out.append(f"<p>{html.escape(labels['unit.clarity.none'])}</p>")
            return "<section>" + "".join(out) + "</section>"
        if cl["n_unclear"] == 0:
            out.append(
                f"<p>{html.escape(labels('unit.clarity.all_clear', n=cl['n_indicators']))}</p>"
            )
            return "<section>" + "".join(out) + "</section>"
        out.append(self._p("unit.clarity.unclear", n_unclear=cl["n_unclear"], n=cl["n_indicators"]))
        items = "".join(
            "<li>"
            + html.escape(
                labels(
                    "unit.clarity.item",
                    name=i["name"],
                    id=i["indicator_id"],
                    missing=", ".join(labels[f"unit.clarity.missing.{m}"] for m in i["missing"]),
                )
            )
            + "</li>"
            for i in cl["indicators"]
        )
        out.append(f"<ul>{items}</ul>")
        return "<section>" + "".join(out) + "</section>"

    def _training(self) -> str:
        labels, t = self.labels, self.unit["training"]
        reg = self.data["regency"]["training"]
        peers = self.data["peer_groups"][self.unit["peer_group"]]["share_trained"]
        out = [f"<h2>{html.escape(labels['unit.training.title'])}</h2>"]
        if t.get("share_trained") is None:
            out.append(f"<p>{html.escape(self._few(t.get('n_employees', 0)))}</p>")
        else:
            out.append(
                self._p(
                    "unit.training.uptake",
                    trained=t["n_trained"],
                    n=t["n_employees"],
                    share=labels.percent(t["share_trained"], 0),
                    period=self.data["period"],
                )
            )
            if peers["median"] is not None and t.get("vs_peers"):
                out.append(
                    self._p(
                        f"unit.training.peers_{t['vs_peers']}",
                        peers=self._peer_name(),
                        median=labels.percent(peers["median"], 0),
                        n=peers["n"],
                    )
                )
        if reg.get("estimate") is not None:
            if reg.get("ci_low") is None or reg.get("ci_high") is None:
                key = "unit.training.effect_no_interval"  # too few units for an interval
            elif reg["ci_low"] > 0 or reg["ci_high"] < 0:
                key = "unit.training.effect_clear"
            else:
                key = "unit.training.effect_unclear"
            out.append(
                self._p(
                    key,
                    estimate=("+" if reg["estimate"] >= 0 else "") + self._n(reg["estimate"], 2),
                    ci=self._ci(reg["ci_low"], reg["ci_high"], 2),
                    clusters=reg["n_clusters"],
                )
            )
        elif reg.get("insufficient"):  # what the regency's estimate lacks, in its words
            gap = Insufficient("training", **reg["insufficient"])
            out.append(f"<p>{html.escape(gap.sentence(labels))}</p>")
        else:
            out.append(f"<p>{html.escape(labels['unit.training.no_effect'])}</p>")
        out.append(f'<p class="note">{html.escape(labels["unit.training.own_effect"])}</p>')
        return "<section>" + "".join(out) + "</section>"

    def _trend(self) -> str:
        labels = self.labels
        rows = self.unit["trend"]
        out = [f"<h2>{html.escape(labels['unit.trend.title'])}</h2>"]
        shown = [q for q in rows if q["supervisor_score"] is not None or q["ikm"] is not None]
        if not shown:
            out.append(f"<p>{html.escape(labels['unit.trend.none'])}</p>")
            return "<section>" + "".join(out) + "</section>"
        head = "".join(
            f"<th>{html.escape(labels[k])}</th>"
            for k in ("unit.trend.period", "unit.trend.supervisor", "unit.trend.ikm")
        )
        body = "".join(
            f"<tr><td>{html.escape(q['period'])}</td>"
            f'<td class="n">{self._n(q["supervisor_score"], 2)}</td>'
            f'<td class="n">{self._n(q["ikm"], 1)}</td></tr>'
            for q in rows
        )
        out.append(f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>')
        sup = [q for q in rows if q["supervisor_score"] is not None]
        if len(sup) >= 2:
            change = sup[-1]["supervisor_score"] - sup[0]["supervisor_score"]
            out.append(
                self._p(
                    "unit.trend.supervisor_change",
                    first=sup[0]["period"],
                    last=sup[-1]["period"],
                    start=self._n(sup[0]["supervisor_score"], 2),
                    end=self._n(sup[-1]["supervisor_score"], 2),
                    change=("+" if change >= 0 else "") + self._n(change, 2),
                )
            )
        ikm = [q for q in rows if q["ikm"] is not None]
        if len(ikm) >= 2:
            out.append(
                self._p(
                    "unit.trend.ikm_change",
                    first=ikm[0]["period"],
                    last=ikm[-1]["period"],
                    start=self._n(ikm[0]["ikm"], 1),
                    end=self._n(ikm[-1]["ikm"], 1),
                )
            )
        out.append(f'<p class="note">{html.escape(self._few_note())}</p>')
        return "<section>" + "".join(out) + "</section>"

    def _few_note(self) -> str:
        return self.labels("unit.trend.note", min_cell=self.min_cell)

    def _footer(self) -> str:
        labels = self.labels
        return f'<p class="note">{html.escape(labels("unit.footer", min_cell=self.min_cell, period=self.data["period"]))}</p>'

    # -- the page ----------------------------------------------------------------------
    def body_html(self) -> str:
        """The scorecard without the document around it (for a notebook)."""
        return "\n".join(
            [
                self._header(),
                self._steps(),
                self._predikat(),
                self._skm(),
                self._comparison(),
                self._reliability(),
                self._clarity(),
                self._training(),
                self._trend(),
                self._footer(),
            ]
        )

    def to_html(self) -> str:
        """A complete, self-contained HTML document (no script, nothing fetched)."""
        return (
            f'<!DOCTYPE html>\n<html lang="{self.language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title())}</title><style>{SCORECARD_CSS}</style>"
            f"</head><body>\n{self.body_html()}\n</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.body_html()

    def write(self, folder: str | Path, *, pdf: bool = True) -> list[Path]:
        """Write ``<folder>/<unit_id>.html`` and, with ``pdf``, ``.pdf`` (A4, through
        :func:`evalkit.report.pdf.html_to_pdf`).

        Returns
        -------
        list of Path
            The files written.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        page = self.to_html()
        path = folder / f"{self.unit_id}.html"
        path.write_text(page, encoding="utf-8")
        written = [path]
        if pdf:
            from .pdf import html_to_pdf

            written.append(html_to_pdf(page, folder / f"{self.unit_id}.pdf", base_url=folder))
        return written


def index_html(data: dict[str, Any], language: str = DEFAULT_LANGUAGE, *, pdf: bool = True) -> str:
    """The index of the scorecards of a period: every unit by peer group, with its link
    (``<unit_id>.html`` and ``.pdf``), its IKM and whether it has something to review.

    Parameters
    ----------
    data : dict
        The content of ``units.json``.
    language : {"id", "en"}
    pdf : bool
        Link the PDF too.

    Returns
    -------
    str
        A complete HTML document.
    """
    labels = Labels(language)
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in data["units"].values():
        groups.setdefault(rec["peer_group"], []).append(rec)
    parts = [
        f"<h1>{html.escape(labels('unit.index.title', period=data['period']))}</h1>",
        f'<p class="sub">{html.escape(labels("unit.index.intro", n=len(data["units"]), min_cell=data["min_cell"]))}</p>',
    ]
    head = "".join(
        f"<th>{html.escape(labels[k])}</th>"
        for k in ("unit.index.unit", "unit.index.ikm", "unit.index.pattern", "unit.index.review")
    )
    for group in sorted(groups):
        recs = sorted(groups[group], key=lambda r: (str(r["name"] or ""), r["unit_id"]))
        name = labels.code("peer_group", group)
        parts.append(
            f"<h2>{html.escape(name[:1].upper() + name[1:])} ({labels.integer(len(recs))})</h2>"
        )
        rows = []
        for r in recs:
            uid = html.escape(r["unit_id"])
            link = f'<a href="{uid}.html">{html.escape(r["name"] or r["unit_id"])}</a>'
            if pdf:
                link += f' · <a href="{uid}.pdf">PDF</a>'
            ikm = r["skm"].get("ikm")
            ok = r["predikat"].get("ok")
            pattern = (
                labels["unit.index.within"]
                if ok is True
                else labels["unit.index.outside"]
                if ok is False
                else "–"
            )
            flagged = r["comparison"].get("flagged")
            review = (
                labels["unit.index.to_review"]
                if flagged is True
                else labels["unit.index.expected"]
                if flagged is False
                else "–"
            )
            css = ' class="review"' if flagged is True else ""
            rows.append(
                f'<tr><td>{link}</td><td class="n">{labels.number(ikm, 1)}</td>'
                f"<td>{html.escape(pattern)}</td><td{css}>{html.escape(review)}</td></tr>"
            )
        parts.append(f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>')
    parts.append(f'<p class="note">{html.escape(labels["unit.index.note"])}</p>')
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(labels('unit.index.title', period=data['period']))}</title>"
        f"<style>{SCORECARD_CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def write_index(
    data: dict[str, Any], folder: str | Path, language: str = DEFAULT_LANGUAGE, *, pdf: bool = True
) -> Path:
    """Write ``<folder>/index.html`` (:func:`index_html`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    path.write_text(index_html(data, language, pdf=pdf), encoding="utf-8")
    return path
