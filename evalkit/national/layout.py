"""The layout of a multi-instansi (national) data set, and a synthetic one.

A national data set is a folder with one sub-folder per instansi (the partition that no
rating, survey or training crosses: a regency, a province, a ministry) and a list of
the instansi::

    DIR/
      instansi.csv                  instansi_id, name, employees, seed (one row each)
      instansi=<id>/                one ordinary study folder per instansi: one file per
        units.parquet               table of evalkit.tables.TABLES, read by
        employees.parquet           evalkit.load_study like any study folder
        …

The folder name carries the instansi id (Hive-style ``instansi=<id>``, so that
``pyarrow.dataset.dataset(DIR, partitioning="hive")``-style tools see it too), and every
id inside (unit, employee, rater, indicator, response, complaint) starts with
``<id>-``, so that ids are unique across the nation and a pooled table says which
instansi each row belongs to. Each instansi folder is a complete study folder:
``evalkit study --data DIR/instansi=<id>`` (or ``--data DIR --instansi <id>``) runs the
period study of one instansi as for any regency.

:func:`simulate_national` writes such a data set with the single-regency simulator
(:func:`evalkit.simulate`), one instansi at a time (memory is bounded by the largest
instansi, not by the nation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "INSTANSI_FILE",
    "Partition",
    "instansi_folder",
    "is_national",
    "partitions",
    "simulate_national",
]

#: The list of instansi at the top of a national data set.
INSTANSI_FILE = "instansi.csv"
_FOLDER = re.compile(r"^instansi=(?P<id>[A-Za-z0-9_.]+)$")
_ID = re.compile(r"^[A-Za-z0-9_.]+$")


@dataclass(frozen=True)
class Partition:
    """One instansi of a national data set: its id and its study folder."""

    instansi: str
    folder: Path


def instansi_folder(root: str | Path, instansi: str) -> Path:
    """The study folder of ``instansi`` in the national data set ``root``.

    Examples
    --------
    >>> instansi_folder("nasional", "I01").as_posix()
    'nasional/instansi=I01'
    """
    instansi = str(instansi)
    if not _ID.match(instansi):
        raise ValueError(f"an instansi id is letters, digits, '_' and '.'; got {instansi!r}")
    return Path(root) / f"instansi={instansi}"


def is_national(root: str | Path) -> bool:
    """Whether ``root`` is a national data set (it has :data:`INSTANSI_FILE`)."""
    return (Path(root) / INSTANSI_FILE).is_file()


def partitions(root: str | Path, instansi: str | None = None) -> list[Partition]:
    """The instansi of a national data set, sorted by id (the order of every combination).

    Parameters
    ----------
    root : str or Path
        The national data set.
    instansi : str, optional
        Only these instansi (``"I01"`` or ``"I01,I07"``).

    Raises
    ------
    FileNotFoundError
        When ``root`` has no ``instansi.csv``, or an instansi listed there has no folder.
    ValueError
        When a requested instansi is not in the list.
    """
    root = Path(root)
    listing = root / INSTANSI_FILE
    if not listing.is_file():
        raise FileNotFoundError(
            f"{root} is not a national data set: it has no {INSTANSI_FILE} (write one with "
            "evalkit simulate --instansi K, or list the instansi_id of each "
            "instansi=<id> folder in it)"
        )
    ids = sorted(pd.read_csv(listing, dtype={"instansi_id": str})["instansi_id"].astype(str))
    if instansi is not None:
        wanted = [s.strip() for s in str(instansi).split(",") if s.strip()]
        unknown = [w for w in wanted if w not in ids]
        if unknown:
            raise ValueError(
                f"instansi {', '.join(unknown)} not in {listing} (it lists "
                f"{', '.join(ids[:10])}{' …' if len(ids) > 10 else ''})"
            )
        ids = sorted(wanted)
    out = [Partition(i, instansi_folder(root, i)) for i in ids]
    missing = [p.folder.name for p in out if not p.folder.is_dir()]
    if missing:
        raise FileNotFoundError(f"{root} lists instansi without a folder: {', '.join(missing)}")
    return out


def _sizes(employees: int, k: int, seed: int, minimum: int) -> np.ndarray:
    """Employees per instansi: unequal (log-normal shares, SD 0.5 on the log scale), each
    at least ``minimum``, summing to ``employees``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 18]))
    share = np.exp(rng.normal(0.0, 0.5, k))
    spare = employees - minimum * k
    raw = minimum + spare * share / share.sum()
    sizes = np.floor(raw).astype(int)
    sizes[np.argsort(raw - sizes)[::-1][: employees - sizes.sum()]] += 1
    return sizes


def _prefix_ids(df: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Every ``*_id`` column of a table prefixed with ``prefix`` (missing stays missing)."""
    out = df.copy()
    for col in out.columns:
        if col.endswith("_id"):
            s = out[col]
            out[col] = (prefix + s.astype("string")).where(s.notna(), pd.NA).astype(object)
    return out


def simulate_national(
    out: str | Path,
    *,
    instansi: int,
    employees: int | None = None,
    seed: int = 6502,
    periods: str = "2024Q1:2025Q4",
) -> list[Partition]:
    """Write a synthetic national data set: ``instansi`` instansi, one at a time.

    Each instansi is a data set of :func:`evalkit.simulate` with its own seed
    (``SeedSequence([seed, i])``'s first word) and its own size; its ids get the prefix
    ``<instansi_id>-`` and its tables are written as Parquet into
    ``out/instansi=<id>/`` (layout in this module's docstring), then released before
    the next instansi is simulated.

    Parameters
    ----------
    out : str or Path
        Folder to write (created; an existing ``instansi.csv`` is replaced).
    instansi : int
        Number of instansi K (at least 1). Ids are ``I01`` … (width from K).
    employees : int, optional
        Employees in the nation, split unequally over the instansi (log-normal shares,
        each at least :data:`evalkit.simulation.MIN_EMPLOYEES`); default 2,000 per
        instansi. The simulator fills whole units, so an instansi's count (written
        to ``instansi.csv``) is near, not exactly, its share.
    seed : int, default 6502
        Seed of the nation: the sizes and each instansi's seed follow from it.
    periods : str, default "2024Q1:2025Q4"
        Quarters of every instansi.

    Returns
    -------
    list of Partition
        The instansi written, sorted by id.

    Examples
    --------
    >>> parts = simulate_national("nasional", instansi=3, employees=900)  # doctest: +SKIP
    >>> [p.instansi for p in parts]  # doctest: +SKIP
    ['I1', 'I2', 'I3']
    """
    from ..simulation import MIN_EMPLOYEES, simulate

    k = int(instansi)
    if k < 1:
        raise ValueError(f"instansi must be at least 1, got {instansi}")
    total = 2000 * k if employees is None else int(employees)
    if total < MIN_EMPLOYEES * k:
        raise ValueError(
            f"{k} instansi need at least {MIN_EMPLOYEES * k} employees "
            f"({MIN_EMPLOYEES} each), got {total}"
        )
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    sizes = _sizes(total, k, int(seed), MIN_EMPLOYEES)
    width = len(str(k))
    rows = []
    for i in range(k):
        iid = f"I{i + 1:0{width}d}"
        sub_seed = int(np.random.SeedSequence([int(seed), i]).generate_state(1)[0])
        study = simulate(seed=sub_seed, employees=int(sizes[i]), periods=periods)
        folder = instansi_folder(root, iid)
        folder.mkdir(parents=True, exist_ok=True)
        for name, df in study.tables().items():
            _prefix_ids(df, f"{iid}-").to_parquet(folder / f"{name}.parquet", index=False)
        rows.append(
            {
                "instansi_id": iid,
                "name": f"Instansi sintetis {i + 1:0{width}d}",
                "employees": int(len(study.employees)),
                "seed": sub_seed,
            }
        )
        del study
    pd.DataFrame(rows).to_csv(root / INSTANSI_FILE, index=False, lineterminator="\n")
    return partitions(root)
