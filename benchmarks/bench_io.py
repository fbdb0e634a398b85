"""Benchmark: loading and validating a study folder, at the shipped size and ten times it.

Loads ``data/tanjungselor`` (or, when it is absent, the simulator's default data set
written to a temporary folder) and a folder ten times larger (the simulator with ten
times the employees), and prints rows per second for both and the ratio of the time
per row (large / shipped). Validation is vectorised, so the cost grows linearly: the
ratio stays near 1 (below 1 when fixed costs dominate the small folder).

Then the cost of one malformed row: a folder of ``--employees`` employees (default
40,000, the size of a large kabupaten) is loaded as written and again with one row of
``behaviour.csv`` (the largest file) given an unquoted separator, each load in a fresh
process so that its peak memory (max RSS) is its own. The loader checks every record's
cell count on the bytes and hands only the sound rows to pandas' C parser, so the
malformed file should cost about what the clean one does (the issue's bound: at most
2x); before that change a malformed row sent the whole file through Python's csv
module (34 s and 3.4 GB against 10 s and 1.5 GB).

Run ``python benchmarks/bench_io.py`` (``--repeat N`` best of N, ``--large DIR`` to reuse
a large folder, ``--employees N`` for the malformed-row comparison, ``--folder DIR`` to
reuse a folder of that size). Nothing is asserted: the numbers are for people.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "tanjungselor"


def _simulate(out: Path, employees: int | None = None) -> Path:
    from evalkit.simulation import simulate

    options = {} if employees is None else {"employees": employees}
    simulate(out=out, **options)
    return out


def _time_load(folder: Path, repeat: int) -> tuple[float, int, int]:
    """Best wall time of ``repeat`` loads, rows read and rows quarantined."""
    from evalkit.io import load_study

    best = float("inf")
    study = None
    for _ in range(repeat):
        start = time.perf_counter()
        study = load_study(folder)
        best = min(best, time.perf_counter() - start)
    summary = study.summary
    return best, int(summary["rows_read"].sum()), int(summary["rows_quarantined"].sum())


_MEASURE = """
import json, resource, sys, time
from evalkit.io import load_study
t = time.perf_counter()
study = load_study(sys.argv[1])
seconds = time.perf_counter() - t
print(json.dumps({
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rows_read": int(study.summary["rows_read"].sum()),
    "rows_quarantined": int(study.summary["rows_quarantined"].sum()),
}))
"""


def _measure(folder: Path) -> dict:
    """Time and peak memory of one load, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _malformed_copy(folder: Path, target: Path) -> Path:
    """A copy of ``folder`` whose ``behaviour.csv`` has one row with an unquoted separator
    in the middle of the file."""
    target.mkdir(parents=True, exist_ok=True)
    for p in folder.iterdir():
        if p.is_file() and p.name != "behaviour.csv":
            shutil.copy2(p, target / p.name)
    data = (folder / "behaviour.csv").read_bytes()
    middle = data.index(b"\n", len(data) // 2)
    end = data.index(b"\n", middle + 1)
    (target / "behaviour.csv").write_bytes(data[:end] + b",separator in a value" + data[end:])
    return target


def malformed_row(employees: int, folder: Path | None, repeat: int) -> None:
    """Print the load's time and peak memory, clean and with one malformed row."""
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-io-malformed-") as tmp:
        tmp = Path(tmp)
        if folder is None:
            print(f"simulating {employees} employees …", flush=True)
            folder = _simulate(tmp / "clean", employees=employees)
        bad = _malformed_copy(folder, tmp / "malformed")
        results = {}
        for label, path in (("clean", folder), ("one malformed row", bad)):
            runs = [_measure(path) for _ in range(repeat)]
            results[label] = min(runs, key=lambda r: r["seconds"])
    print(f"\n{'load':<20}{'rows':>12}{'seconds':>10}{'peak MB':>10}{'quarantined':>13}")
    for label, r in results.items():
        print(
            f"{label:<20}{r['rows_read']:>12}{r['seconds']:>10.2f}{r['peak_mb']:>10.0f}"
            f"{r['rows_quarantined']:>13}"
        )
    clean, bad = results["clean"], results["one malformed row"]
    print(
        f"\none malformed row / clean: time {bad['seconds'] / clean['seconds']:.2f}x, "
        f"peak memory {bad['peak_mb'] / clean['peak_mb']:.2f}x (bound: 2x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N loads (default 3)")
    parser.add_argument(
        "--large",
        type=Path,
        default=None,
        help="an existing ten-times folder (default: simulate one)",
    )
    parser.add_argument(
        "--employees",
        type=int,
        default=40_000,
        help="employees of the malformed-row comparison (default 40000; 0 skips it)",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="an existing folder for the malformed-row comparison (default: simulate one)",
    )
    parser.add_argument(
        "--only-malformed", action="store_true", help="run the malformed-row comparison only"
    )
    args = parser.parse_args(argv)
    if args.employees or args.folder is not None:
        malformed_row(args.employees, args.folder, max(1, args.repeat // 2))
    if args.only_malformed:
        return 0

    with tempfile.TemporaryDirectory(prefix="evalkit-bench-io-") as tmp:
        tmp = Path(tmp)
        if SHIPPED.is_dir() and any(SHIPPED.glob("employees.*")):
            base = SHIPPED
        else:
            print("data/tanjungselor is absent: simulating the default data set …")
            base = _simulate(tmp / "base")
        if args.large is not None:
            large = args.large
        else:
            from evalkit.io import load_study

            n_employees = len(load_study(base).employees)
            print(f"simulating a folder with {10 * n_employees} employees (ten times) …")
            large = _simulate(tmp / "large", employees=10 * n_employees)

        rows = []
        for label, folder, repeat in (
            ("shipped", base, args.repeat),
            ("10x", large, max(1, args.repeat // 2)),
        ):
            seconds, n_rows, n_quarantined = _time_load(folder, repeat)
            rows.append((label, n_rows, seconds, n_quarantined))

    print(f"\n{'data':<10}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'quarantined':>13}")
    for label, n_rows, seconds, n_q in rows:
        print(f"{label:<10}{n_rows:>12}{seconds:>10.2f}{n_rows / seconds:>12.0f}{n_q:>13}")
    (_, n_small, t_small, _), (_, n_large, t_large, _) = rows
    ratio = (t_large / n_large) / (t_small / n_small)
    print(
        f"\ntime per row, 10x / shipped: {ratio:.2f} (linear cost: about 1; "
        f"rows ratio {n_large / n_small:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
