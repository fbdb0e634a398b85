"""Benchmark: loading and validating a study folder, at the shipped size and ten times it.

Loads ``data/tanjungselor`` (or, when it is absent, the simulator's default data set
written to a temporary folder) and a folder ten times larger (the simulator with ten
times the employees), and prints rows per second for both and the ratio of the time
per row (large / shipped). Validation is vectorised, so the cost grows linearly: the
ratio stays near 1 (below 1 when fixed costs dominate the small folder).

Run ``python benchmarks/bench_io.py`` (``--repeat N`` best of N, ``--large DIR`` to reuse
a large folder). Nothing is asserted: the numbers are for people.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N loads (default 3)")
    parser.add_argument(
        "--large",
        type=Path,
        default=None,
        help="an existing ten-times folder (default: simulate one)",
    )
    args = parser.parse_args(argv)

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
