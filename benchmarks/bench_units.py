"""Unit scorecards (rapor unit): all units of the shipped data, HTML and PDF, and where the
time goes.

1. The period analysis once (:func:`evalkit.report.build_report`), with the part that
   gathers the scorecards' data (:func:`evalkit.report.unit.scorecard_data`, saved as
   ``units.json``) timed on its own; then ``write_outputs``.
2. :func:`evalkit.scorecards.write_scorecards` for every unit with the default engine
   (``direct``: one worker process per core renders each unit's HTML and lays out its
   PDF): the wall time, and summed over the units the HTML and the PDF time; the index;
   the privacy scan of every page.
3. The ``papermill`` engine (``notebooks/unit.ipynb`` executed once per unit) on a few
   units, with the same number of workers, and what it would cost for all units at that
   rate (an extrapolation, printed as such).

The target is all units, HTML and PDF, within 180 s on a 2-core machine, besides the
period analysis that runs anyway; the ratio is printed, never a pass/fail. Run alone with
``python benchmarks/bench_units.py`` (``--papermill N`` sets the sample, 0 skips it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025Q4"
TARGET_SECONDS = 180.0


def _row(label: str, seconds: float | None, total: float | None = None) -> str:
    if seconds is None:
        return f"  {label:<52} {'–':>8}"
    share = f" {100 * seconds / total:5.1f}%" if total else ""
    return f"  {label:<52} {seconds:8.2f} s{share}"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    sample = int(argv[argv.index("--papermill") + 1]) if "--papermill" in argv else 4
    os.environ.setdefault("EVALKIT_PSEUDONYM_KEY", "benchmark-key")
    from evalkit.io import load_study
    from evalkit.report import period as period_module
    from evalkit.scorecards import write_scorecards

    data = ROOT / "data" / "tanjungselor"
    jobs = os.cpu_count() or 1
    t = time.perf_counter()
    study = load_study(data)
    load = time.perf_counter() - t

    spent: dict[str, float] = {}
    original = period_module.scorecard_data

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent["units_json"] = time.perf_counter() - t

    period_module.scorecard_data = timed
    try:
        t = time.perf_counter()
        report = period_module.build_report(study, PERIOD)
        build = time.perf_counter() - t
    finally:
        period_module.scorecard_data = original

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / PERIOD
        t = time.perf_counter()
        report.write_outputs(folder)
        write = time.perf_counter() - t
        size = (folder / "units.json").stat().st_size

        run = write_scorecards(folder, "all", study=study, jobs=jobs)
        n = len(run.units)
        tm = run.timing
        total = tm["total"]
        print(f"{n} units of data/tanjungselor, period {PERIOD}, {jobs} worker(s)")
        print("period analysis (runs once, for the study too):")
        print(_row("load the data", load))
        print(_row("build_report (every section)", build))
        print(_row("  of which units.json data (scorecard_data)", spent.get("units_json")))
        print(_row(f"write_outputs (units.json is {size / 1e6:.2f} MB)", write))
        print("scorecards, engine=direct:")
        print(_row("read units.json", tm["load"], total))
        print(_row(f"render {n} units in {jobs} processes (wall)", tm["render"], total))
        print(_row("  HTML, summed over units", tm["html"]))
        print(_row("  PDF layout (WeasyPrint), summed over units", tm["pdf"]))
        print(_row("index.html", tm["index"], total))
        print(_row("privacy scan of every page", tm["scan"], total))
        print(_row("total", total, total))
        per_unit = tm["render"] * jobs / n
        print(f"  per unit: {per_unit:.2f} s of a core; {tm['pdf'] / n:.2f} s of it the PDF")
        budget = total + spent.get("units_json", 0.0)
        print(
            f"  all {n} units in {budget:.1f} s including units.json: "
            f"{budget / TARGET_SECONDS:.2f} x the {TARGET_SECONDS:.0f} s target"
        )

        if sample > 0:
            ids = sorted(run.units)[:sample]
            pm_run = write_scorecards(folder, ",".join(ids), engine="papermill", jobs=jobs)
            per = pm_run.timing["render"] * min(jobs, len(ids)) / len(ids)
            print(
                f"scorecards, engine=papermill ({len(ids)} units, {min(jobs, len(ids))} workers):"
            )
            print(_row(f"render {len(ids)} units (wall)", pm_run.timing["render"]))
            print(f"  per unit: {per:.2f} s of a core (kernel start, imports, render, PDF)")
            est = per * n / jobs
            print(
                f"  extrapolated to {n} units on {jobs} cores: {est:.0f} s "
                f"({est / TARGET_SECONDS:.2f} x the target; {per / max(per_unit, 1e-9):.1f} x direct)"
            )


if __name__ == "__main__":
    main()
