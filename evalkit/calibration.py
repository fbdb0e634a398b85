"""How often do the study's intervals contain the truth, on data shaped like the user's?

Every interval of the study says "95 %". Whether it deserves the figure depends on the
data: on how many units there are (the clusters of the training effect), how many
employees and citizens each unit has, how many periods. :func:`calibrate` answers it
for one data set by simulation. It simulates ``reps`` studies shaped like the data
(:func:`evalkit.simulate` with the same number of employees and the same quarters; the
simulator then builds the regency's units, staff, raters and SKM survey at that size),
in two scenarios:

- ``null``: no training effect and no divergent unit (the complete null of the
  comparison);
- ``effect``: a planted training effect (default 0.2 points on the 1–5 scale) and a
  few units whose supervisors rate well above what their citizens experience;

and runs, per study, only the analyses that print intervals, exactly as the study runs
them: the training effect (:func:`evalkit.impact.training_impact`: Callaway–Sant'Anna
ATT, TWFE, event study), the citizen–supervisor comparison
(:func:`evalkit.compare.align_sources`, :func:`~evalkit.compare.adjust_casemix`,
:func:`~evalkit.compare.flag_units`, :func:`~evalkit.compare.source_offset`) and the
unit IKM of the last period (:func:`evalkit.scoring.skm_index`). It counts how often
each interval contained the planted truth, with a Wilson interval of that share, and
under the complete null how often any unit was flagged (which Benjamini–Hochberg keeps
at or below q when the p-values are valid).

Each interval is checked against the truth of the estimand the study reports
(:data:`INTERVALS`). For the unit gaps, the common offset and the unit IKM that is the
unit as it is: its own staff and supervisors held fixed (every employee is rated, so
the staff are observed in full, not sampled), expected over what is left to chance —
a quarter's rating noise, which citizens answer and which officer serves them — the
simulator's ``unit_gap_target_pomp`` and ``expected_citizen``. Against the planted gap
of a unit whose staff are drawn again, the gap intervals would be judged on a question
the study does not ask; against the gap given the very officers who served the
respondents, on a narrower one (finite-population versus superpopulation estimands:
Abadie, Athey, Imbens & Wooldridge 2020).

The result is written to ``calibration.json`` in the data folder, keyed by the data's
SHA-256, and the study's methods section prints it from there (the study stays fast).

References
----------
Morris, T. P., White, I. R. & Crowther, M. J. (2019). Using simulation studies to
evaluate statistical methods. *Statistics in Medicine* 38(11), 2074–2102.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *Journal of the American Statistical Association* 22(158), 209–212.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*
57(1), 289–300.
Abadie, A., Athey, S., Imbens, G. W. & Wooldridge, J. M. (2020). Sampling-based versus
design-based uncertainty in regression analysis. *Econometrica* 88(1), 265–296.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._inference import wilson_interval
from .tables import CORE_TABLES, table_for_name

__all__ = [
    "CALIBRATION_FILE",
    "INTERVALS",
    "Calibration",
    "calibrate",
    "data_sha256",
    "read_calibration",
]

#: Name of the calibration file in a data folder.
CALIBRATION_FILE = "calibration.json"

#: The intervals calibrated, in the order of the table: code → what the truth is.
INTERVALS: dict[str, str] = {
    "training_att": "planted training effect (Callaway–Sant'Anna simple ATT)",
    "training_twfe": "what two-way fixed effects estimates in the simulation",
    "event_study": "planted effect after training, 0 before (each event time)",
    "unit_gap": (
        "supervisor − citizen gap of each unit, all periods (POMP): its own staff and "
        "supervisors, expected over rating occasions, citizens and the serving officer"
    ),
    "offset": "mean over the units of those gaps (POMP)",
    "ikm": (
        "IKM of each unit in the last period (25–100), expected over its service users "
        "and the serving officer, its own staff held fixed"
    ),
    "flag_any": "share of studies flagging any unit under the complete null (≤ q)",
}

#: Tables whose data shape the calibrated intervals (the simulation mirrors them, and
#: every calibrated interval is computed from them). Files of other tables (complaints,
#: teaching) change no calibrated interval and so do not make a calibration stale.
CALIBRATED_TABLES = frozenset(CORE_TABLES)


def _shapes_calibration(path: Path) -> bool:
    if path.name == "evalkit.toml":
        return True
    name = path.name.split(".")[0]
    return table_for_name(name) in CALIBRATED_TABLES


def data_sha256(data_dir: str | Path) -> str:
    """SHA-256 of a data folder: of the sorted file names and each file's SHA-256.

    Every regular file directly in the folder that holds one of the
    :data:`CALIBRATED_TABLES` (by its name, English or Indonesian:
    :func:`evalkit.tables.table_for_name`) counts, and the mapping ``evalkit.toml``; any
    change to them gives another key, so a stale calibration is recognised. Files of
    tables that no calibrated interval uses (``complaints``, ``teaching``), the
    calibration itself and ``README.md`` do not count.

    Examples
    --------
    >>> len(data_sha256("data/tanjungselor"))  # doctest: +SKIP
    64
    """
    folder = Path(data_dir)
    h = hashlib.sha256()
    for f in sorted(p for p in folder.iterdir() if p.is_file() and _shapes_calibration(p)):
        h.update(f.name.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).hexdigest().encode("ascii") + b"\n")
    return h.hexdigest()


def _quarters(study: Any) -> list[str]:
    found = pd.concat(
        [study.behaviour["period"], study.citizen["period"]], ignore_index=True
    ).dropna()
    q = sorted({str(p) for p in found if len(str(p)) == 6 and str(p)[4] == "Q"})
    if not q:
        raise ValueError(
            "calibrate: the data have no quarterly periods (like '2025Q3') in the behaviour "
            "or citizen tables; the simulator works in quarters"
        )
    return q


def _shape(study: Any) -> dict[str, Any]:
    """The shape of a study that calibration mirrors or reports beside the simulation."""
    q = _quarters(study)
    beh = study.behaviour
    sup = beh[beh["rater_role"] == "atasan"]
    per_emp = sup.groupby(["period", "employee_id"])["rater_id"].nunique()
    cit = study.citizen
    return {
        "employees": int(len(study.employees)),
        "units": int(study.employees["unit_id"].nunique()),
        "periods": [q[0], q[-1]],
        "n_periods": len(q),
        "citizen_responses_per_period": round(len(cit) / max(len(q), 1), 1),
        "units_with_citizen_responses": int(cit["unit_id"].nunique()),
        "supervisors_per_employee_period": round(float(per_emp.mean()), 2) if len(per_emp) else 0,
        "trained_employees": int(study.training["employee_id"].nunique()),
    }


def _seed(seed: int, scenario: int, rep: int) -> int:
    return int(np.random.SeedSequence([seed, scenario, rep]).generate_state(1)[0])


def _simulate(shape: dict[str, Any], seed: int, effect: float, divergent: int):
    from .simulation import simulate

    kw = dict(
        seed=seed,
        employees=shape["employees"],
        periods=f"{shape['periods'][0]}:{shape['periods'][1]}",
        training_effect=effect,
    )
    k = divergent
    while True:  # fewer divergent units where a small regency has too few eligible units
        try:
            return simulate(**kw, divergent_units=k)
        except ValueError as exc:
            if "divergent_units" not in str(exc) or k == 0:
                raise
            k -= 1


def _ikm_truth(s: Any, period: str) -> pd.Series:
    """Expected converted IKM per unit in ``period`` given its responses' design: the
    simulator's ``expected_citizen`` (expected answers over the citizen and the officer
    who serves, the unit's staff held fixed)."""
    e = s.expected_citizen
    e = e[e["period"] == period]
    from .tables import SKM_ITEMS

    items = list(SKM_ITEMS)
    nrr = e.groupby("unit_id")[items].mean()
    return nrr.mean(axis=1) * 25.0


def _covers(low: Any, high: Any, truth: Any) -> np.ndarray:
    low, high, truth = (np.asarray(x, dtype=float) for x in (low, high, truth))
    return (low <= truth) & (truth <= high)


def _replicate(task: tuple) -> dict[str, Any]:
    """One simulated study: per interval code, [covered, intervals, not_printed]; with
    ``want_shape`` also ``"shape"``, the simulated study's :func:`_shape`."""
    from .compare import CASEMIX_FIELDS, adjust_casemix, align_sources, flag_units, source_offset
    from .impact import training_impact
    from .scoring import skm_index

    shape, scenario, seed, effect, divergent, n_boot, confidence, q, want_shape = task
    cpu = time.process_time()
    s = _simulate(shape, seed, effect, divergent)
    t = s.truth
    out: dict[str, Any] = {"shape": _shape(s)} if want_shape else {}

    def add(code: str, covered: np.ndarray, missing: int = 0) -> None:
        c = out.setdefault(code, [0, 0, 0])
        c[0] += int(np.sum(covered))
        c[1] += int(np.size(covered))
        c[2] += int(missing)

    # training effect
    r = training_impact(s, n_boot=n_boot, seed=seed, confidence=confidence)
    h = r.headline
    if np.isfinite(h["ci_low"]):
        add("training_att", _covers(h["ci_low"], h["ci_high"], effect))
    else:
        add("training_att", np.array([], bool), missing=1)
    tw = r.twfe.iloc[0]
    if np.isfinite(tw["ci_low"]):
        add("training_twfe", _covers(tw["ci_low"], tw["ci_high"], t["training_twfe_estimand"]))
    es = r.event_study
    es = es[(es["method"] == "callaway_santanna") & ~es["reference"] & es["ci_low"].notna()]
    if len(es):
        truth = np.where(es["rel_time"] >= 0, effect, 0.0)
        add("event_study", _covers(es["ci_low"], es["ci_high"], truth))

    # citizens versus supervisors, all periods (where the planted unit gaps are defined)
    aligned = align_sources(
        s.behaviour, s.citizen, employees=s.employees, level="unit", roles=("atasan", "rekan")
    )
    aligned = adjust_casemix(aligned, covariates=CASEMIX_FIELDS)
    flags = flag_units(aligned, q=q, confidence=confidence)
    gap_truth = flags["unit_id"].map(pd.Series(t["unit_gap_target_pomp"], dtype=float))
    ok = flags["ci_low"].notna() & gap_truth.notna()
    add("unit_gap", _covers(flags.loc[ok, "ci_low"], flags.loc[ok, "ci_high"], gap_truth[ok]))
    # the offset is the mean of the same units' gaps, so its truth is the mean of theirs
    off = source_offset(aligned, confidence=confidence).iloc[0]
    add("offset", _covers(off["ci_low"], off["ci_high"], float(gap_truth.mean())))
    if scenario == "null":
        add("flag_any", np.array([bool(flags["flagged"].any())]))

    # unit IKM in the last period (what the scoring section prints)
    last = t["parameters"]["periods"][-1]
    ikm = skm_index(s.citizen[s.citizen["period"] == last], "unit_id", confidence=confidence)
    ikm_truth = ikm["unit_id"].map(_ikm_truth(s, last))
    ok = ikm["ci_low"].notna() & ikm_truth.notna()
    add("ikm", _covers(ikm.loc[ok, "ci_low"], ikm.loc[ok, "ci_high"], ikm_truth[ok]))
    out["cpu_seconds"] = time.process_time() - cpu
    return out


@dataclass
class Calibration:
    """Coverage of the study's intervals in simulations shaped like a data set.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per interval and scenario: ``interval`` (a code of :data:`INTERVALS`),
        ``scenario`` (``null`` or ``effect``), ``effect`` (the planted training effect),
        ``studies`` (simulated studies), ``n`` (intervals counted; for ``flag_any`` the
        studies), ``covered`` (intervals that contained the truth; for ``flag_any`` the
        studies with a flag), ``share`` = covered / n, ``share_low``, ``share_high``
        (Wilson interval of the share at ``confidence``), ``nominal`` (the level the
        interval claims; for ``flag_any`` q, which the share should not exceed),
        ``not_printed`` (studies where the interval was withheld because too few units
        were trained).
    settings : dict
        ``reps``, ``seed``, ``effect``, ``divergent_units``, ``n_boot``,
        ``confidence``, ``q``, ``jobs``, ``seconds`` (wall clock),
        ``cpu_seconds_per_study`` (processor time of one simulated study and its
        analyses, without process start-up: what the run costs on an idle machine is
        about 2 × ``reps`` × this ÷ ``jobs``), ``evalkit``.
    shape : dict
        The data's shape (employees, units, quarters, citizen responses per quarter,
        supervisors per employee and quarter, trained employees) and, under
        ``simulated``, the same figures of the first simulated study.
    data_sha256 : str or None
        :func:`data_sha256` of the data folder, when calibrated from one.
    """

    table: pd.DataFrame
    settings: dict[str, Any]
    shape: dict[str, Any]
    data_sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self, interval: str, scenario: str | None = None) -> pd.Series:
        """The row of one interval (and scenario; default: the first found)."""
        t = self.table[self.table["interval"] == interval]
        if scenario is not None:
            t = t[t["scenario"] == scenario]
        if t.empty:
            raise KeyError(f"no calibration row for {interval!r} / {scenario!r}")
        return t.iloc[0]

    def text(self) -> str:
        """The table as plain text, one line per interval and scenario."""
        lines = [
            f"{'interval':<14} {'scenario':<8} {'n':>6} {'share':>7}  {'Wilson interval':<17}"
            f" nominal"
        ]
        for r in self.table.itertuples():
            lines.append(
                f"{r.interval:<14} {r.scenario:<8} {r.n:>6} {100 * r.share:6.1f}%  "
                f"[{100 * r.share_low:5.1f}, {100 * r.share_high:5.1f}]    "
                f"{'<=' if r.interval == 'flag_any' else ''}{100 * r.nominal:.0f}%"
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the content of ``calibration.json``)."""
        rows = []
        for r in self.table.to_dict("records"):
            rows.append(
                {
                    k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                    for k, v in r.items()
                }
            )
        return {
            "kind": "evalkit.calibration",
            "version": 1,
            "data_sha256": self.data_sha256,
            "settings": self.settings,
            "shape": self.shape,
            "table": rows,
        }

    def write(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` atomically (a temporary file, then a rename)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Calibration:
        if obj.get("kind") != "evalkit.calibration":
            raise ValueError("not an evalkit calibration file (kind is missing or different)")
        table = pd.DataFrame(obj["table"])
        return cls(
            table=table,
            settings=obj["settings"],
            shape=obj["shape"],
            data_sha256=obj.get("data_sha256"),
        )


def read_calibration(data_dir: str | Path) -> tuple[Calibration | None, str]:
    """The calibration of a data folder and its status.

    Returns
    -------
    tuple
        ``(calibration, status)``: status ``"current"`` (made for exactly these data),
        ``"stale"`` (made for other data: the folder's SHA-256 differs), ``"missing"``
        (no ``calibration.json``; calibration is None) or ``"unreadable"``.
    """
    path = Path(data_dir) / CALIBRATION_FILE
    if not path.is_file():
        return None, "missing"
    try:
        cal = Calibration.from_json(json.loads(path.read_text("utf-8")))
    except (ValueError, KeyError, json.JSONDecodeError):
        return None, "unreadable"
    status = "current" if cal.data_sha256 == data_sha256(data_dir) else "stale"
    return cal, status


def calibrate(
    data: Any,
    *,
    reps: int = 200,
    seed: int = 0,
    jobs: int = 1,
    effect: float = 0.2,
    divergent_units: int = 4,
    n_boot: int = 999,
    confidence: float = 0.95,
    q: float = 0.10,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Coverage of every interval the study prints, in ``reps`` simulated studies per
    scenario shaped like ``data``.

    Parameters
    ----------
    data
        A data folder (``str`` or ``Path``) or a loaded :class:`evalkit.io.Study`.
    reps
        Simulated studies per scenario (``null`` and ``effect``): 2 × ``reps`` in all.
    seed
        Seed of the whole run; study r of a scenario gets its own seed from
        ``numpy.random.SeedSequence([seed, scenario, r])``, so results do not depend on
        ``jobs``.
    jobs
        Worker processes (replications run in parallel; 1 = in this process).
    effect
        Training effect planted in the ``effect`` scenario (points on the 1–5 scale).
    divergent_units
        Divergent units planted in the ``effect`` scenario (fewer when a small regency
        has too few eligible units).
    n_boot
        Draws of the training effect's wild cluster bootstrap per study (the study
        uses 999).
    confidence
        Level of the intervals (the study uses 0.95).
    q
        False discovery rate of the unit flags (the study uses 0.10).
    progress
        Called as ``progress(done, total)`` after each study.

    Returns
    -------
    Calibration
        The coverage table, settings and shapes (write it with :meth:`Calibration.write`).

    Notes
    -----
    The share of N intervals that contain the truth estimates the coverage probability;
    its Wilson interval (Wilson 1927) says how precisely ``reps`` studies measure it
    (at 200 and a true 95 %, about ±3 points). Per-unit intervals (gaps, IKM) are
    pooled over units and studies, so n counts intervals and the Wilson interval, which
    treats them as independent, is somewhat too narrow. The unit gaps are compared
    over all periods, where the simulator defines their truth; the study compares a
    trailing year, with fewer observations per unit and the same machinery. A simulation
    study checks the methods under the simulator's model (Morris, White & Crowther 2019);
    it does not check that model against the user's data.

    Examples
    --------
    >>> import evalkit as ek
    >>> cal = ek.calibrate("data/tanjungselor", reps=4, jobs=2)  # doctest: +SKIP
    >>> cal.table[["interval", "scenario", "share", "share_low", "share_high"]]  # doctest: +SKIP
    """
    from .io import Study, load_study

    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    sha = None
    if isinstance(data, (str, Path)):
        sha = data_sha256(data)
        study = load_study(data)
    elif isinstance(data, Study):
        study = data
    else:
        raise TypeError(f"data must be a folder or a Study, got {type(data).__name__}")
    shape = _shape(study)
    scenarios = (("null", 0.0, 0), ("effect", float(effect), int(divergent_units)))
    tasks = [
        (shape, name, _seed(seed, k, r), eff, div, n_boot, confidence, q, k == 0 and r == 0)
        for k, (name, eff, div) in enumerate(scenarios)
        for r in range(reps)
    ]
    start = time.perf_counter()
    results: list[dict[str, Any]] = []
    if jobs == 1:
        for i, task in enumerate(tasks):
            results.append(_replicate(task))
            if progress:
                progress(i + 1, len(tasks))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            for i, res in enumerate(ex.map(_replicate, tasks, chunksize=1)):
                results.append(res)
                if progress:
                    progress(i + 1, len(tasks))
    seconds = time.perf_counter() - start

    rows = []
    for (name, eff, _), chunk in zip(scenarios, (results[:reps], results[reps:]), strict=True):
        for code in INTERVALS:
            counts = [c[code] for c in chunk if code in c]
            if not counts:
                continue
            covered, n, missing = (int(sum(x[i] for x in counts)) for i in range(3))
            lo, hi = wilson_interval(covered, n, confidence) if n else (np.nan, np.nan)
            rows.append(
                {
                    "interval": code,
                    "scenario": name,
                    "effect": eff,
                    "studies": reps,
                    "n": n,
                    "covered": covered,
                    "share": covered / n if n else np.nan,
                    "share_low": lo,
                    "share_high": hi,
                    "nominal": q if code == "flag_any" else confidence,
                    "not_printed": missing,
                }
            )
    from . import __version__

    simulated = results[0].get("shape", {})
    return Calibration(
        table=pd.DataFrame(rows),
        settings={
            "reps": reps,
            "seed": seed,
            "effect": float(effect),
            "divergent_units": int(divergent_units),
            "n_boot": n_boot,
            "confidence": confidence,
            "q": q,
            "jobs": jobs,
            "seconds": round(seconds, 1),
            "cpu_seconds_per_study": round(float(np.mean([r["cpu_seconds"] for r in results])), 2),
            "evalkit": __version__,
        },
        shape={**shape, "simulated": simulated},
        data_sha256=sha,
    )
