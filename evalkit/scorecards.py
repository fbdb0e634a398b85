"""Write the unit scorecards of a period report: ``units/<unit_id>.html|.pdf`` and the index.

``evalkit study --period 2025Q4 --units all`` (or ``--units DINKES,PKM01``) calls
:func:`write_scorecards` on each period report folder it has just written. Scorecards read
the report's ``units.json`` (the period analysis is never rerun) and are rendered in
parallel, one process per core:

- ``engine="direct"`` (the default) renders each unit with
  :class:`evalkit.report.scorecard.Scorecard`, the same object the notebook displays:
  each worker imports evalkit and reads ``units.json`` once, then spends about a second
  per unit, mostly laying out the PDF;
- ``engine="papermill"`` executes ``notebooks/unit.ipynb`` once per unit, which pays a
  kernel start and the imports (several seconds) for every unit: use it to check the
  notebook itself on a few units (``benchmarks/bench_units.py`` measures both).

Everything is written into ``<report>/.tmp-units-<random>/`` first; every page is scanned
for the study's names, NIPs and employee ids (:func:`evalkit.privacy.scan_for_identifiers`;
the PDFs are laid out from the scanned HTML), and the folder replaces ``<report>/units/``
only when complete.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["ENGINES", "ScorecardRun", "select_units", "write_scorecards"]

#: How scorecards are rendered (see the module docstring).
ENGINES = ("direct", "papermill")


@dataclass
class ScorecardRun:
    """What :func:`write_scorecards` wrote and where the time went.

    Attributes
    ----------
    folder : Path
        ``<report>/units``.
    units : list of str
        The units rendered.
    files : list of Path
        Every file written (pages, PDFs, ``index.html``).
    timing : dict
        Seconds: ``load`` (reading ``units.json``), ``render`` (wall time of the parallel
        rendering), ``html`` and ``pdf`` (summed over units, in the workers; ``direct``
        only), ``index``, ``scan``, ``total``; and ``jobs``.
    """

    folder: Path
    units: list[str]
    files: list[Path] = field(default_factory=list)
    timing: dict[str, Any] = field(default_factory=dict)


def select_units(available: list[str] | Any, units: str | list[str]) -> list[str]:
    """The unit ids asked for: ``"all"`` or ``"ID[,ID…]"`` (or a list), in the order given.

    Raises
    ------
    ValueError
        Naming the ids that are not units of the data.

    Examples
    --------
    >>> select_units(["A", "B", "C"], "C,A")
    ['C', 'A']
    >>> select_units(["A", "B"], "all")
    ['A', 'B']
    """
    known = [str(u) for u in available]
    if isinstance(units, str):
        if units.strip().lower() == "all":
            return sorted(known)
        wanted = [u.strip() for u in units.split(",") if u.strip()]
    else:
        wanted = [str(u) for u in units]
    if not wanted:
        raise ValueError("--units needs 'all' or unit ids separated by commas, e.g. DINKES,PKM01")
    unknown = [u for u in wanted if u not in set(known)]
    if unknown:
        raise ValueError(
            f"unknown unit(s) {', '.join(unknown)}; the data have {len(known)} units, e.g. "
            f"{', '.join(sorted(known)[:6])}"
        )
    return list(dict.fromkeys(wanted))


@lru_cache(maxsize=4)
def _data(report_dir: str) -> dict[str, Any]:
    from .report.scorecard import load_units

    return load_units(report_dir)


def _render_direct(
    report_dir: str, unit_ids: list[str], out: str, language: str, min_cell: int | None, pdf: bool
) -> list[tuple[str, float, float]]:
    """Worker: render some units with :class:`Scorecard`; (unit, html s, pdf s) each."""
    from .report.pdf import html_to_pdf
    from .report.scorecard import Scorecard

    data = _data(report_dir)
    done = []
    for uid in unit_ids:
        t = time.perf_counter()
        card = Scorecard(data, uid, language, min_cell)
        page = card.to_html()
        (Path(out) / f"{uid}.html").write_text(page, encoding="utf-8")
        html_s = time.perf_counter() - t
        t = time.perf_counter()
        if pdf:
            html_to_pdf(page, Path(out) / f"{uid}.pdf", base_url=out)
        done.append((uid, html_s, time.perf_counter() - t))
    return done


def _render_papermill(
    report_dir: str, unit_ids: list[str], out: str, language: str, min_cell: int | None, pdf: bool
) -> list[tuple[str, float, float]]:
    """Worker: execute ``notebooks/unit.ipynb`` once per unit (it writes HTML and PDF)."""
    import papermill as pm

    from .study import KERNEL_NAME, unit_notebook_path

    done = []
    for uid in unit_ids:
        t = time.perf_counter()
        parameters = {
            "unit_id": uid,
            "period": _data(report_dir)["period"],
            "language": language,
            "report_dir": report_dir,
            "output_dir": out,
        }
        if min_cell is not None:
            parameters["min_cell"] = int(min_cell)
        pm.execute_notebook(
            str(unit_notebook_path()),
            None,
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
        )
        done.append((uid, time.perf_counter() - t, 0.0))
    return done


def write_scorecards(
    report_dir: str | Path,
    units: str | list[str] = "all",
    *,
    language: str = "id",
    min_cell: int | None = None,
    study: Any = None,
    engine: str = "direct",
    jobs: int | None = None,
    pdf: bool = True,
) -> ScorecardRun:
    """Write ``<report_dir>/units/<unit_id>.html`` (and ``.pdf``) and ``units/index.html``.

    Parameters
    ----------
    report_dir : str or Path
        A period report folder holding ``units.json`` (written by
        :meth:`evalkit.report.PeriodReport.write_outputs`).
    units : str or list of str, default "all"
        ``"all"`` or ``"ID[,ID…]"``.
    language : {"id", "en"}, default "id"
    min_cell : int, optional
        Small-cell threshold; default the report's (a smaller one is refused).
    study : Study, optional
        The loaded data: every page is scanned for its names, NIPs and employee ids and
        nothing is published on a hit (:class:`evalkit.study.PrivacyError`).
    engine : {"direct", "papermill"}, default "direct"
        See the module docstring.
    jobs : int, optional
        Worker processes; default the number of cores.
    pdf : bool, default True
        Also write the A4 PDFs.

    Returns
    -------
    ScorecardRun

    Raises
    ------
    FileNotFoundError
        If the report has no ``units.json``.
    ValueError
        For an unknown unit or engine.
    """
    from .report.scorecard import write_index

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    t0 = time.perf_counter()
    report = Path(report_dir).resolve()
    _data.cache_clear()
    data = _data(str(report))
    ids = select_units(list(data["units"]), units)
    if min_cell is not None and int(min_cell) < int(data["min_cell"]):
        raise ValueError(
            f"min_cell={min_cell} is below the period report's {data['min_cell']}: rerun the "
            f"study with --min-cell {min_cell}"
        )
    timing: dict[str, Any] = {"load": round(time.perf_counter() - t0, 3)}
    tmp = report / f".tmp-units-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(ids)))
        worker = _render_direct if engine == "direct" else _render_papermill
        chunks = [ids[i::jobs] for i in range(jobs)]
        t = time.perf_counter()
        args = (str(report), str(tmp), language, min_cell, pdf)
        if jobs == 1:
            results = [worker(str(report), ids, *args[1:])]
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(worker, str(report), chunk, *args[1:]) for chunk in chunks]
                results = [f.result() for f in futures]
        timing["render"] = round(time.perf_counter() - t, 3)
        done = [row for chunk in results for row in chunk]
        if engine == "direct":
            timing["html"] = round(sum(r[1] for r in done), 3)
            timing["pdf"] = round(sum(r[2] for r in done), 3)
        t = time.perf_counter()
        write_index({**data, "units": {u: data["units"][u] for u in ids}}, tmp, language, pdf=pdf)
        timing["index"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        if study is not None:
            from .privacy import scan_for_identifiers
            from .study import _refuse_on_hits

            _refuse_on_hits([scan_for_identifiers(tmp, study)], f"{data['period']} (units)")
        timing["scan"] = round(time.perf_counter() - t, 3)
        final = report / "units"
        from .study import _place

        _place(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    timing["total"] = round(time.perf_counter() - t0, 3)
    timing["jobs"] = jobs
    files = sorted(p for p in final.iterdir() if p.is_file())
    return ScorecardRun(folder=final, units=ids, files=files, timing=timing)
