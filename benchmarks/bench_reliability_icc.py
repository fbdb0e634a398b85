"""ICC per unit: ``evalkit.icc(groups=)`` against looping ``pingouin.intraclass_corr``.

Run alone with ``python benchmarks/bench_reliability_icc.py`` (or ``make bench``).

The design: U units × 10 targets (employees) × 3 raters each, on a 1-5 scale, with a
few missing ratings. evalkit computes all units in one vectorised pass; the peer loops
``pingouin.intraclass_corr(nan_policy="omit")`` over the units. Both run in this process.
When looping over every unit would take too long, the loop is timed over a random subset
of units and extrapolated (the output says so). Peak memory of evalkit (tracemalloc) is
printed at two sizes to show that it grows linearly with the number of ratings.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

N_UNITS = 2_000
N_TARGETS = 10
N_RATERS = 3
LOOP_SUBSET = 60  # units timed in the pingouin loop; the rest is extrapolated


def make_data(n_units: int, seed: int = 0) -> pd.DataFrame:
    """Long ratings: unit, target, rater, score (1-5 integers), 2% missing."""
    rng = np.random.default_rng(seed)
    n = n_units * N_TARGETS
    true = rng.normal(size=(n, 1))
    severity = rng.normal(0, 0.4, size=(n_units, N_RATERS)).repeat(N_TARGETS, axis=0)
    score = np.clip(np.round(3 + true + severity + rng.normal(0, 0.8, (n, N_RATERS))), 1, 5)
    score[rng.random(score.shape) < 0.02] = np.nan
    unit = np.repeat(np.arange(n_units), N_TARGETS)
    return pd.DataFrame(
        {
            "unit": np.repeat(unit, N_RATERS).astype(str),
            "target": np.repeat(np.arange(n), N_RATERS),
            "rater": np.tile(np.arange(N_RATERS), n),
            "score": score.ravel(),
        }
    )


def _time(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    import pingouin as pg

    import evalkit as ek

    data = make_data(N_UNITS)
    ours = _time(lambda: ek.icc(data, "target", "rater", "score", groups="unit"))

    units = np.random.default_rng(1).choice(data["unit"].unique(), LOOP_SUBSET, replace=False)
    parts = {u: g for u, g in data[data["unit"].isin(units)].groupby("unit")}

    def loop() -> list[pd.DataFrame]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [
                pg.intraclass_corr(g, "target", "rater", "score", nan_policy="omit")
                for g in parts.values()
            ]

    theirs_subset = _time(loop, repeat=1)
    theirs = theirs_subset * N_UNITS / LOOP_SUBSET

    # same numbers on the timed units (sanity check, not a test)
    res = ek.icc(data[data["unit"].isin(units)], "target", "rater", "score", groups="unit")
    ref = pd.concat([r.assign(group=u) for u, r in zip(parts, loop(), strict=True)])
    diff = np.nanmax(np.abs(res["estimate"].to_numpy() - ref["ICC"].to_numpy()))

    print(
        f"ICC, {N_UNITS:,} units x {N_TARGETS} targets x {N_RATERS} raters "
        f"({len(data):,} ratings, 2% missing)"
    )
    print(f"  evalkit.icc(groups='unit'), one pass : {ours * 1e3:9.1f} ms")
    print(
        f"  pingouin.intraclass_corr loop        : {theirs:9.1f} s  (timed over "
        f"{LOOP_SUBSET} units: {theirs_subset:.2f} s, extrapolated to {N_UNITS:,})"
    )
    print(f"  ratio pingouin loop / evalkit        : {theirs / ours:9.0f}x  (target >= 50x)")
    print(f"  max |ICC difference| on the timed units: {diff:.1e}")

    print("peak memory of evalkit.icc (tracemalloc):")
    sizes = (N_UNITS, 4 * N_UNITS)
    peaks = []
    for n_units in sizes:
        d = make_data(n_units, seed=2)
        peak = _peak_bytes(lambda d=d: ek.icc(d, "target", "rater", "score", groups="unit"))
        peaks.append(peak)
        print(
            f"  {n_units:>6,} units ({len(d):>9,} ratings): {peak / 2**20:7.1f} MiB "
            f"({peak / len(d):.0f} bytes per rating)"
        )
    print(f"  growth for 4x the ratings: {peaks[1] / peaks[0]:.2f}x (linear = 4x)")


if __name__ == "__main__":
    main()
