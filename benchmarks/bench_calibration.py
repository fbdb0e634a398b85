"""Coverage of the study's intervals at 30 and at 89 units, and the time it takes.

Runs :func:`evalkit.calibration.calibrate` (the code behind ``evalkit calibrate``) on

- a small regency: a simulated data set of 400 employees in 30 units, 2024Q1–2025Q4;
- the shipped data (2,000 employees in 89 units, 2024Q1–2025Q4);

with ``REPS`` studies per scenario (no effect / complete null, and a planted training
effect of 0.2 points with divergent units), ``JOBS`` worker processes, and prints per
interval the share of intervals that contained the truth with its Wilson interval, the
target (93–97 % for the training ATT, the unit gaps, the common offset and the unit IKM,
each against the estimand the study reports, see :mod:`evalkit.calibration`; at most q for the
share of null studies flagging any unit), whether it is met, and the seconds per 200
studies shaped like the shipped data against the 10-minute target. Coverage is printed,
never asserted: a miss is a finding to report.

Run alone with ``python benchmarks/bench_calibration.py [REPS] [JOBS] [small|shipped]``
(default 200 studies per scenario, 2 jobs, both sizes); each size writes its
calibration file to ``benchmarks/results/calibration_<size>.json`` (not in git).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPS = 200
JOBS = 2
TARGET_SECONDS_PER_200 = 600.0

#: Intervals with a coverage target (93–97 %), and the flag share (≤ q).
TARGETS = {
    "training_att": (0.93, 0.97),
    "unit_gap": (0.93, 0.97),
    "offset": (0.93, 0.97),
    "ikm": (0.93, 0.97),
}


def _verdict(row) -> str:
    if row.interval == "flag_any":
        return "met" if row.share <= row.nominal else "MISSED"
    if row.interval in TARGETS:
        lo, hi = TARGETS[row.interval]
        return "met" if lo <= row.share <= hi else "MISSED"
    return "(no target)"


def run(size: str, reps: int, jobs: int) -> None:
    import evalkit as ek
    from evalkit.calibration import calibrate

    with tempfile.TemporaryDirectory() as tmp:
        if size == "shipped":
            data = ROOT / "data" / "tanjungselor"
            if not (data / "employees.csv").exists():
                data = Path(tmp) / "tanjungselor"
                ek.simulate(out=data)
        else:
            data = Path(tmp) / "small"
            ek.simulate(out=data, seed=20260, employees=400)
        start = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 10 == 0 or done == total:
                print(
                    f"  {size}: {done}/{total} studies, {time.perf_counter() - start:.0f} s",
                    flush=True,
                )

        cal = calibrate(data, reps=reps, jobs=jobs, seed=0, progress=progress)
        seconds = time.perf_counter() - start
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    cal.write(results / f"calibration_{size}.json")
    shape = cal.shape
    print(
        f"\n{size}: {shape['employees']} employees in {shape['units']} units, "
        f"{shape['n_periods']} quarters; {reps} studies per scenario, {jobs} jobs"
    )
    print(f"{'interval':<14} {'scenario':<8} {'n':>6} {'share':>7}  {'Wilson':<15} target")
    for r in cal.table.itertuples():
        print(
            f"{r.interval:<14} {r.scenario:<8} {r.n:>6} {100 * r.share:6.1f}%  "
            f"[{100 * r.share_low:4.1f}, {100 * r.share_high:5.1f}]  {_verdict(r)}"
        )
    per_200 = seconds / (2 * reps) * 200
    cpu = cal.settings["cpu_seconds_per_study"]
    idle_200 = cpu * 200 / jobs
    print(
        f"time: {seconds:.0f} s wall for {2 * reps} studies = {per_200:.0f} s per 200 studies "
        f"on this machine now; {cpu:.1f} s processor time per study, so on {jobs} idle "
        f"cores 200 studies take about {idle_200:.0f} s "
        f"({idle_200 / TARGET_SECONDS_PER_200:.2f} × the 10-minute target) and "
        f"`evalkit calibrate --reps 200` (200 per scenario, 400 studies) about "
        f"{2 * idle_200:.0f} s ({2 * idle_200 / TARGET_SECONDS_PER_200:.2f} ×)"
    )


def main(argv: list[str] | None = None) -> None:
    args = argv or []
    reps = int(args[0]) if len(args) > 0 else REPS
    jobs = int(args[1]) if len(args) > 1 else JOBS
    sizes = [args[2]] if len(args) > 2 else ["small", "shipped"]
    for size in sizes:
        run(size, reps, jobs)


if __name__ == "__main__":
    main(sys.argv[1:])
