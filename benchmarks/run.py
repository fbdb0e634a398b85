"""Run every benchmark in this folder (``make bench``).

Each ``bench_*.py`` has a ``main()`` that measures evalkit against its peers in the same
process and prints ratios (and peak memory), never absolute pass/fail thresholds. Run one
alone with ``python benchmarks/bench_<name>.py``; select some here with
``python benchmarks/run.py icc io``.

Slow sizes run only when asked: ``python benchmarks/bench_national.py --large`` (the
national study, 500,000 employees in 50 instansi on a 2-worker Dask cluster; tens of
minutes on 2 cores); ``make bench`` runs its small default (6 instansi, 6,000 employees).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    wanted = argv if argv is not None else sys.argv[1:]
    paths = sorted(HERE.glob("bench_*.py"))
    if wanted:
        paths = [p for p in paths if any(w in p.stem for w in wanted)]
    failed = []
    for path in paths:
        print(f"\n=== {path.stem} " + "=" * max(0, 60 - len(path.stem)), flush=True)
        start = time.perf_counter()
        try:
            _load(path).main()
        except Exception as exc:  # report and go on: one broken benchmark hides no other
            failed.append(path.stem)
            print(f"{path.stem} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"({path.stem}: {time.perf_counter() - start:.1f} s in all)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
