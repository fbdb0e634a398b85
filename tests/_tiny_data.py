"""Tiny and degenerate, but valid, data folders cut from a simulated one.

Each variant keeps a handful of employees (and only the rows that refer to them) and then
removes or flattens one kind of data, the way a small pilot or a first collection looks:
one unit, one period, no citizen surveys, no training records, identical ratings, one
rater per employee, no complaints or teaching tables. ``validate`` accepts every variant
(nothing is quarantined); the study must render each one and say what is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

#: variant name → what it changes (see :func:`make_variant`)
VARIANTS = ("spread", "one_unit", "two_units", "one_period", "no_surveys", "flat", "bare")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_csv(folder / f"{name}.csv", index=False)


def _keep(src: Path, dst: Path, per_unit: int, n_units: int, periods: list[str] | None) -> None:
    """Copy ``src`` to ``dst`` with ``per_unit`` employees in each of the ``n_units`` largest
    units (supervisors outside them removed) and only the rows about them."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    emp = _read(dst, "employees")
    units = sorted(emp["unit_id"].value_counts().index[:n_units])
    keep = emp[emp["unit_id"].isin(units)].groupby("unit_id").head(per_unit)
    ids = set(keep["employee_id"])
    keep = keep.assign(
        supervisor_id=keep["supervisor_id"].where(keep["supervisor_id"].isin(ids), "")
    )
    _write(keep, dst, "employees")
    for name in ("behaviour", "results", "training", "complaints", "teaching", "citizen"):
        if not (dst / f"{name}.csv").exists():
            continue
        d = _read(dst, name)
        m = d["employee_id"].isin(ids)
        if name in ("citizen", "complaints"):
            m |= d["employee_id"] == ""
        if "rater_id" in d:
            m &= d["rater_id"].isin(ids)
        if "unit_id" in d:
            m &= d["unit_id"].isin(units)
        if periods is not None and "period" in d:
            m &= d["period"].isin(periods)
        _write(d[m], dst, name)
    if periods is not None:
        org = _read(dst, "org_rating")
        _write(org[org["period"].isin(periods)], dst, "org_rating")


def _empty(folder: Path, name: str) -> None:
    d = _read(folder, name)
    _write(d.iloc[:0], folder, name)


def make_variant(src: Path, dst: Path, variant: str) -> Path:
    """Write the tiny variant ``variant`` of the simulated folder ``src`` to ``dst``.

    ``spread``      12 employees, one in each of 12 units
    ``one_unit``    12 employees of one unit, every table of the data model
    ``two_units``   6 employees in each of two units
    ``one_period``  12 employees of one unit, the last quarter only
    ``no_surveys``  two units with ratings, no citizen survey response at all
    ``flat``        every behaviour score 3, every result on target, one rater (the
                    supervisor) per employee
    ``bare``        one unit, no training, complaints or teaching tables
    """
    quarters = sorted(_read(src, "behaviour")["period"].unique())
    if variant == "spread":
        _keep(src, dst, 1, 12, None)
    elif variant == "one_unit":
        _keep(src, dst, 12, 1, None)
    elif variant == "two_units":
        _keep(src, dst, 6, 2, None)
    elif variant == "one_period":
        _keep(src, dst, 12, 1, quarters[-1:])
    elif variant == "no_surveys":
        _keep(src, dst, 8, 2, None)
        _empty(dst, "citizen")
    elif variant == "flat":
        _keep(src, dst, 8, 2, None)
        b = _read(dst, "behaviour")
        b = b[b["rater_role"] == "atasan"].assign(score="3")
        _write(b, dst, "behaviour")
        r = _read(dst, "results")
        r = r.assign(realization=r["target"])
        if "rating" in r:
            r = r.assign(rating="sesuai")
        _write(r, dst, "results")
    elif variant == "bare":
        _keep(src, dst, 12, 1, None)
        (dst / "training.csv").unlink()
        for name in ("complaints", "teaching"):
            (dst / f"{name}.csv").unlink(missing_ok=True)
    else:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    return dst
