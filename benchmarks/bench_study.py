"""The period study from command to HTML: one quarter on the shipped data, and where the time goes.

Runs ``evalkit study --period 2025Q4 --data data/tanjungselor --out <tmp>`` as a separate
process (as a user would), then reads the run's ``manifest.json`` for the breakdown:

- command start-up and loading the data in the command (to pick the period and to scan
  the outputs for identifiers);
- kernel start;
- analysis (the notebook's ``build_report`` cell: loading again inside the kernel, then
  every section), display cells and ``write_outputs`` (results.json, tables.xlsx, …);
- papermill's own overhead (saving the notebook after each cell, shutting the kernel);
- laying out the PDF (the HTML is written by the notebook) and scanning every shared output.

Then, in this process, the analysis again section by section, to say which analysis
costs what. The target is under 60 s on a 2-core machine; the ratio is printed, never a
pass/fail. Run alone with ``python benchmarks/bench_study.py`` (``--no-sections`` skips
the section breakdown).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025Q4"
TARGET_SECONDS = 60.0


def _data_dir(tmp: Path) -> Path:
    shipped = ROOT / "data" / "tanjungselor"
    if (shipped / "employees.csv").exists():
        return shipped
    import evalkit as ek

    print("data/tanjungselor is missing: simulating it with the shipped defaults")
    ek.simulate(out=tmp / "tanjungselor")
    return tmp / "tanjungselor"


def _row(label: str, seconds: float | None, total: float) -> str:
    if seconds is None:
        return f"  {label:<44} {'–':>8}"
    return f"  {label:<44} {seconds:8.2f} s {100 * seconds / total:5.1f}%"


def _sections(data: Path) -> list[tuple[str, float]]:
    """Load and every section builder, timed one after the other in this process."""
    os.environ.setdefault("EVALKIT_PSEUDONYM_KEY", "benchmark-key")
    from evalkit import report as rp
    from evalkit.io import load_study
    from evalkit.labels import Labels

    timings = []
    t = time.perf_counter()
    study = load_study(data)
    timings.append(("load_study", time.perf_counter() - t))
    ctx = rp.ReportContext(study, PERIOD, Labels("id"))
    for key, builder in rp.SECTIONS.items():
        if builder is None:
            continue
        t = time.perf_counter()
        builder(ctx)
        timings.append((f"section {key}", time.perf_counter() - t))
    return timings


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    exe = Path(sys.executable).parent / "evalkit"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "evalkit.cli"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = _data_dir(tmp)
        out = tmp / "reports"
        env = {**os.environ, "EVALKIT_PSEUDONYM_KEY": "benchmark-key"}
        args = [*command, "study", "--period", PERIOD, "--data", str(data), "--out", str(out)]
        print("$ evalkit study --period", PERIOD, "--data", data, "--out <tmp>")
        start = time.perf_counter()
        proc = subprocess.run(args, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"evalkit study failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        folder = out / PERIOD / "id"  # evalkit.study.report_dir(out, PERIOD, "id")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        html = (folder / "study.html").stat().st_size
        shutil.rmtree(out)

    t = manifest["timing"]
    cells = t["cells"]
    analysis = cells.get("analysis", 0.0)
    display = sum(v for k, v in cells.items() if k not in ("analysis", "write_outputs"))
    write = cells.get("write_outputs", 0.0)
    kernel = t["kernel_start"] or 0.0
    papermill = t["execute_seconds"] - kernel - sum(cells.values())
    accounted = t["load_seconds"] + t["execute_seconds"] + t["render_seconds"] + t["scan_seconds"]
    rest = wall - accounted
    print(
        f"\nfrom command to HTML: {wall:.1f} s ({wall / TARGET_SECONDS:.2f} × the "
        f"{TARGET_SECONDS:.0f} s target); study.html {html / 1e6:.1f} MB; "
        f"{manifest['counts']['rows_read']:,} input rows; {os.cpu_count()} cores"
    )
    print(_row("command start-up, kernel check, manifest", rest, wall))
    print(_row("load + validate in the command", t["load_seconds"], wall))
    print(_row("kernel start", kernel, wall))
    print(_row("analysis (load again + every section)", analysis, wall))
    print(_row("display cells", display, wall))
    print(_row("write results.json, tables.xlsx, restricted/", write, wall))
    print(_row("papermill overhead (saves, kernel shutdown)", papermill, wall))
    print(_row("lay out study.pdf (WeasyPrint)", t["render_seconds"], wall))
    print(_row("privacy scan of the shared outputs", t["scan_seconds"], wall))

    if "--no-sections" not in argv:
        timings = _sections(data)
        total = sum(s for _, s in timings)
        print(f"\nanalysis by section, in this process ({total:.1f} s):")
        for label, seconds in timings:
            print(_row(label, seconds, total))
        top = max(timings, key=lambda x: x[1])
        print(f"\nthe largest single cost of the analysis: {top[0]} ({top[1]:.1f} s)")


if __name__ == "__main__":
    main()
