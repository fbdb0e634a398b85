"""The national study on a 2-worker Dask LocalCluster: wall time, peak memory per worker,
and the extrapolation to the nation (4.3 million ASN).

1. Write a synthetic nation with ``evalkit simulate --instansi K --employees N`` (a
   separate process; instansi of unequal size, one Parquet study folder each).
2. Run :func:`evalkit.national.run_national` on a ``LocalCluster`` of 2 single-threaded
   worker processes: pass 1 loads each instansi once on a worker, reduces it to its
   sufficient statistics and keeps there its scan subject (its identifiers, no rows);
   pass 2 scans the outputs against those subjects, on the workers that hold them.
3. Report the wall time of each pass, every task's duration (per instansi and per 1,000
   employees), each worker's peak resident memory (``ru_maxrss``), and — as the bound
   that the design promises — the peak of one process that loads and reduces only the
   largest instansi (and the size of its scan subject). Then extrapolate: seconds of work
   per employee × 4.3 million ÷ workers, and the memory a worker needs for an instansi
   of a given size.
4. Before/after: on the same cluster and data, the former two-load path (pass 1
   ``instansi_statistics``; pass 2 ``scan_instansi``, which loads every instansi again to
   scan the same outputs), timed after the run on the same workers, warmed up before
   either path is timed (one pass-1 task of the smallest instansi each, untimed). At the default size always; with
   ``--large`` only with ``--before``.

Sizes: ``make bench`` runs the default (6 instansi, 6,000 employees, two quarters).
The large run, 500,000 employees in 50 instansi (one quarter), is slow (tens of
minutes on 2 cores) and runs only when asked:
``python benchmarks/bench_national.py --large`` (or ``--instansi K --employees N``).
``--data DIR`` reuses a national data set already written (no simulation), and
``--only N`` runs the study on N of its instansi (the largest and N − 1 others spread over
the sizes) when the whole nation does not fit the time at hand: the cost per employee and
the largest instansi's memory are measured all the same. Figures are printed, never
asserted.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NATION = 4_300_000
DEFAULT = {"instansi": 6, "employees": 6_000, "periods": "2025Q3:2025Q4"}
LARGE = {"instansi": 50, "employees": 500_000, "periods": "2025Q4:2025Q4"}
PERIOD = "2025Q4"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _alone(folder: Path) -> tuple[float, float, float, float, float]:
    """Seconds, resident MB after the imports, peak MB of one fresh process that loads
    one instansi and reduces it (pass 1's task), and its scan subject's size in memory
    and pickled (MB)."""
    code = (
        "import pickle, resource, sys, time\n"
        "from evalkit.national.run import instansi_statistics_and_subject\n"
        "import evalkit.scoring, evalkit.compare, evalkit.io\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "t = time.perf_counter()\n"
        f"_, _, s = instansi_statistics_and_subject({str(folder)!r}, {PERIOD!r}, 'x')\n"
        "seconds = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "held = sum(getattr(s, n).memory_usage(deep=True).sum() for n in "
        "('identifiers', 'units', 'indicators', 'citizen')) / 2**20\n"
        "print(seconds, base, peak, held, len(pickle.dumps(s)) / 2**20)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return tuple(float(x) for x in out[:5])


def _warm_up(folder: str) -> None:
    """One pass-1 task on a small instansi, result dropped: the imports and first-call
    costs of a worker, charged to neither path."""
    from evalkit.national.run import instansi_statistics_and_subject

    instansi_statistics_and_subject(folder, PERIOD, "warm-up")


def _before(client, root: Path, subset: str, folder: Path) -> tuple[float, float]:
    """Wall seconds of the former two passes on ``client``: statistics (one load per
    instansi), then the scan of the same outputs by loading every instansi again."""
    from evalkit.national.layout import partitions
    from evalkit.national.run import _map, _workbook_text, instansi_statistics, scan_instansi

    parts = partitions(root, subset)
    texts = {
        "results.json": (folder / "results.json").read_text(encoding="utf-8"),
        "national.html": (folder / "national.html").read_text(encoding="utf-8"),
        "tables.xlsx": _workbook_text((folder / "tables.xlsx").read_bytes()),
    }
    t = time.perf_counter()
    _map(client, instansi_statistics, parts, lambda p: (PERIOD, p.instansi))
    stats_s = time.perf_counter() - t
    t = time.perf_counter()
    hits = _map(client, scan_instansi, parts, lambda p: (texts,))
    scan_s = time.perf_counter() - t
    assert not any(hits), hits
    return stats_s, scan_s


def _simulate(root: Path, size: dict) -> None:
    """``evalkit simulate --instansi K --employees N`` in a separate process, timed."""
    import pandas as pd

    print(
        f"simulating {size['employees']:,} employees in {size['instansi']} instansi, "
        f"quarters {size['periods']} …",
        flush=True,
    )
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "evalkit.cli",
            "simulate",
            "--out",
            str(root),
            "--instansi",
            str(size["instansi"]),
            "--employees",
            str(size["employees"]),
            "--periods",
            size["periods"],
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - t
    listing = pd.read_csv(root / "instansi.csv", dtype={"instansi_id": str})
    total = int(listing["employees"].sum())
    data_mb = sum(f.stat().st_size for f in root.rglob("*.parquet")) / 2**20
    print(
        f"  written in {seconds:.1f} s ({1000 * seconds / total:.2f} s per 1,000 employees, "
        f"one instansi at a time); {data_mb:.0f} MB of Parquet; instansi sizes "
        f"{listing['employees'].min():,}–{listing['employees'].max():,}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    size = dict(LARGE if "--large" in argv else DEFAULT)
    for opt in ("instansi", "employees"):
        if f"--{opt}" in argv:
            size[opt] = int(argv[argv.index(f"--{opt}") + 1])
    os.environ.setdefault("EVALKIT_PSEUDONYM_KEY", "benchmark-key")
    import numpy as np
    import pandas as pd
    from distributed import Client, LocalCluster, get_task_stream

    from evalkit.national import run_national

    before = "--before" in argv or "--large" not in argv
    given = Path(argv[argv.index("--data") + 1]) if "--data" in argv else None
    only = int(argv[argv.index("--only") + 1]) if "--only" in argv else None
    with tempfile.TemporaryDirectory(prefix="evalkit-national-") as tmp:
        root = given or Path(tmp) / "nation"
        if given:
            print(f"reusing the national data set {given}", flush=True)
        else:
            _simulate(root, size)
        listing = pd.read_csv(root / "instansi.csv", dtype={"instansi_id": str})
        nation_total = int(listing["employees"].sum())
        if only is not None and only < len(listing):
            order = listing.sort_values("employees", ascending=False).reset_index(drop=True)
            pick = np.unique(np.linspace(0, len(order) - 1, only).round().astype(int))
            listing = order.iloc[pick].sort_values("instansi_id").reset_index(drop=True)
            print(
                f"running {len(listing)} of the {len(order)} instansi "
                f"({int(listing['employees'].sum()):,} of {nation_total:,} employees, the "
                "largest included)",
                flush=True,
            )
        subset = ",".join(listing["instansi_id"])
        total = int(listing["employees"].sum())
        largest = listing.loc[listing["employees"].idxmax()]

        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit="6GiB",
            ) as cluster,
            Client(cluster) as client,
        ):
            smallest = listing.loc[listing["employees"].idxmin(), "instansi_id"]
            client.run(_warm_up, str(root / f"instansi={smallest}"))
            t = time.perf_counter()
            with get_task_stream(client) as stream:
                folder = run_national(
                    PERIOD,
                    root,
                    Path(tmp) / "reports",
                    language="en",
                    client=client,
                    instansi=subset,
                )
            wall = time.perf_counter() - t
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            old = _before(client, root, subset, folder) if before else None
        manifest = json.loads((folder / "manifest.json").read_text())

        def task_seconds(prefix: str) -> pd.DataFrame:
            tasks = [
                (
                    r["key"].split("-")[1],
                    sum(
                        s["stop"] - s["start"] for s in r["startstops"] if s["action"] == "compute"
                    ),
                )
                for r in stream.data
                if r["key"].startswith(f"{prefix}-")
            ]
            return pd.DataFrame(tasks, columns=["instansi_id", "seconds"]).merge(
                listing, on="instansi_id"
            )

        durations = task_seconds("instansi_statistics_and_subject")
        scans = task_seconds("scan_subject_texts")
        work = float(durations["seconds"].sum())
        per_employee = work / total
        stats_s = manifest["timing"]["compute_seconds"]
        scan_s = manifest["timing"]["scan_seconds"]
        print(
            f"\n2-worker LocalCluster, {len(listing)} instansi, {total:,} employees "
            f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}):\n"
            f"  wall time {wall:.1f} s = pass 1 (one load per instansi: statistics and scan "
            f"subject) {stats_s:.1f} s + pass 2 (privacy scan against the subjects kept on the "
            f"workers) {scan_s:.1f} s (×{scan_s / stats_s:.2f} of pass 1) + outputs\n"
            f"  pass 1 tasks: {work:.1f} s of work, {1000 * per_employee:.2f} s per 1,000 "
            f"employees (per instansi {durations['seconds'].min():.1f}–"
            f"{durations['seconds'].max():.1f} s); pass 2 tasks: "
            f"{scans['seconds'].sum():.1f} s of work"
        )
        if old is not None:
            print(
                f"  before (two loads per instansi, same cluster and data): statistics pass "
                f"{old[0]:.1f} s + privacy scan pass (loads every instansi again) {old[1]:.1f} s "
                f"(×{old[1] / old[0]:.2f} of its statistics pass) = {sum(old):.1f} s; "
                f"after: {stats_s:.1f} s + {scan_s:.1f} s = {stats_s + scan_s:.1f} s; "
                f"scan pass {old[1]:.1f} s → {scan_s:.1f} s"
            )
        for address, mb in sorted(peaks.items()):
            print(f"  worker {address}: peak resident memory {mb:,.0f} MB")
        alone_s, base_mb, alone_mb, subject_mb, pickled_mb = _alone(
            root / f"instansi={largest['instansi_id']}"
        )
        print(
            f"  the largest instansi ({largest['employees']:,} employees) alone in one fresh "
            f"process: {alone_s:.1f} s, peak {alone_mb:,.0f} MB ({base_mb:,.0f} MB after the "
            "imports) — the bound a worker's peak stays near, whatever the number of instansi; "
            f"its scan subject, held on the worker from pass 1 to pass 2: {subject_mb:,.1f} MB "
            f"({pickled_mb:,.1f} MB pickled)"
        )
        mb_per_1000 = (alone_mb - base_mb) / (largest["employees"] / 1000)
        scan_ratio = manifest["timing"]["scan_seconds"] / manifest["timing"]["compute_seconds"]
        print(f"\nextrapolation to {NATION:,} ASN (work grows with employees, not with instansi):")
        for n in (2, 8, 32, 128):
            hours = NATION * per_employee / n / 3600
            print(
                f"  {n:>4} workers: pass 1 (one load each) ≈ {hours:6.2f} h, with the privacy scan "
                f"pass (×{1 + scan_ratio:.2f} measured here) ≈ {hours * (1 + scan_ratio):6.2f} h"
            )
        print(
            f"  memory per worker ≈ {base_mb:,.0f} MB + {mb_per_1000:,.1f} MB per 1,000 employees "
            f"of the largest instansi it gets, e.g. ≈ {base_mb + 50 * mb_per_1000:,.0f} MB for "
            f"an instansi of 50,000 and ≈ {base_mb + 250 * mb_per_1000:,.0f} MB for one of "
            "250,000 (a large ministry)"
        )
        print(f"(this process: peak {_peak_mb():,.0f} MB)")


if __name__ == "__main__":
    main()
