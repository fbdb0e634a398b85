"""From a regency to a province: time and peak memory of ``evalkit simulate`` and
``evalkit study`` against the number of employees (eight quarters each).

Each size runs as its own processes (``evalkit simulate --employees N`` then ``evalkit
study --period latest`` on what it wrote), so that every peak is that run's own. Memory is
sampled every 0.1 s over the command *and its children* (the study's notebook kernel):
``peak`` is the largest sum of their resident sets, what the machine must hold. The
per-employee slope between two sizes is (difference of time or peak) / (difference of
employees); the target is 250,000 employees in at most 10 minutes and 6 GB on 2 cores,
i.e. about 24 KB per employee. Printed, never asserted: the load average of the machine
is printed beside each row, since other work on it inflates the times.

By default 2,000 and 20,000 employees; set ``EVALKIT_BENCH_SLOW=1`` (``make bench-slow``)
for 100,000 and 250,000 as well (about 15 minutes, and 5 GB free memory). Run alone
with ``python benchmarks/bench_scale.py [N ...] [--parquet]`` (``--parquet``: the data
simulated as Parquet files instead of CSV).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SIZES = (2_000, 20_000)
SLOW_SIZES = (100_000, 250_000)
TARGET_SECONDS = 600.0
TARGET_BYTES = 6e9
TARGET_EMPLOYEES = 250_000


def _command() -> list[str]:
    exe = Path(sys.executable).parent / "evalkit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evalkit.cli"]


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes, summed over the process and all its
    children) of one command; raises when it fails."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
            except psutil.NoSuchProcess:
                break
            peak = max(peak, total)
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    done.set()
    thread.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} … failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, peak


def run_size(n: int, tmp: Path, file_format: str = "csv") -> dict[str, float]:
    """Simulate ``n`` employees (as CSV or Parquet files) and run the study on them;
    times and peaks."""
    exe = _command()
    data = tmp / f"data-{n}"
    env = {**os.environ, "EVALKIT_PSEUDONYM_KEY": "benchmark-key"}
    load = os.getloadavg()[0]
    sim_s, sim_peak = measure(
        [*exe, "simulate", "--employees", str(n), "--out", str(data), "--format", file_format],
        env,
    )
    study_s, study_peak = measure(
        [*exe, "study", "--period", "latest", "--data", str(data), "--out", str(tmp / "r")], env
    )
    return {
        "employees": n,
        "load": max(load, os.getloadavg()[0]),
        "simulate_s": sim_s,
        "simulate_peak": sim_peak,
        "study_s": study_s,
        "study_peak": study_peak,
    }


def _print(rows: list[dict[str, float]]) -> None:
    print(
        f"\n{'employees':>10} {'load':>5} | {'simulate':>9} {'peak':>8} | {'study':>9} "
        f"{'peak':>8} | {'study slope: s and KB per employee':>36}"
    )
    prev = None
    for r in rows:
        slope = ""
        if prev is not None:
            dn = r["employees"] - prev["employees"]
            ds = (r["study_s"] - prev["study_s"]) / dn
            dm = (r["study_peak"] - prev["study_peak"]) / dn
            slope = f"{1000 * ds:8.3f} ms {dm / 1e3:8.1f} KB"
        print(
            f"{r['employees']:>10,} {r['load']:5.1f} | {r['simulate_s']:8.1f}s "
            f"{r['simulate_peak'] / 1e9:6.2f}GB | {r['study_s']:8.1f}s "
            f"{r['study_peak'] / 1e9:6.2f}GB | {slope:>36}"
        )
        prev = r
    last = rows[-1]
    if last["employees"] >= TARGET_EMPLOYEES:
        print(
            f"\nat {last['employees']:,} employees: study {last['study_s'] / TARGET_SECONDS:.2f} × "
            f"the {TARGET_SECONDS / 60:.0f}-minute target, peak "
            f"{last['study_peak'] / TARGET_BYTES:.2f} × the {TARGET_BYTES / 1e9:.0f} GB target"
        )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    file_format = "parquet" if "--parquet" in argv else "csv"
    print(f"(the simulated data as {file_format} files; --parquet for Parquet)")
    sizes = [int(a) for a in argv if a.isdigit()]
    if not sizes:
        sizes = list(SIZES)
        if os.environ.get("EVALKIT_BENCH_SLOW"):
            sizes += list(SLOW_SIZES)
        else:
            print("(100,000 and 250,000 employees only with EVALKIT_BENCH_SLOW=1)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        for n in sizes:
            rows.append(run_size(n, Path(tmp_name), file_format))
            print(
                f"  {n:,} employees: simulate {rows[-1]['simulate_s']:.1f} s, study "
                f"{rows[-1]['study_s']:.1f} s",
                flush=True,
            )
    _print(rows)


if __name__ == "__main__":
    main()
