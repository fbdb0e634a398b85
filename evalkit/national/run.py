"""Run the national study: per-instansi work in-process or on a Dask cluster, then one
small combination and the national outputs.

Each instansi is one task: load its folder (:func:`evalkit.load_study`, the same path
as a regency's study) and reduce it to :class:`~evalkit.national.stats.PartitionStats`
(at most a few thousand numbers). Only those travel to the client, which adds them in
the order of the instansi ids (:func:`~evalkit.national.stats.combine`) — so an in-process run,
a 2-worker ``LocalCluster`` and a remote cluster give the same numbers. A worker holds
one instansi at a time: its memory is bounded by the largest instansi, not by the nation.

Executors (:func:`open_client`):

* neither ``scheduler`` nor ``workers``: in-process, one instansi after another;
* ``workers=N``: a ``distributed.LocalCluster`` of N single-threaded worker processes;
* ``scheduler="tcp://HOST:8786"``: an existing cluster (``dask scheduler`` and
  ``dask worker tcp://HOST:8786`` on machines that see the data folder at the same path).

Outputs, ``OUT/national/<period>/<language>/`` (built in a temporary folder and moved
into place when complete, as the period study): ``results.json`` (numbers and codes,
the same in both languages), ``national.html`` (the compact national study, funnel
plot embedded), ``tables.xlsx`` and ``manifest.json``. Before publishing, every shared
file is scanned for the names, NIPs and employee ids of every instansi
(:func:`evalkit.privacy.scan_for_identifiers`, one task per instansi), and nothing is
published on a hit.

Each instansi is loaded once (also for ``--period latest``: each takes its own newest
quarter, and the run checks that all are the nation's). Its task returns its statistics,
the quarters it holds and, apart, what the scan needs of it
(:func:`evalkit.privacy.scan_subject`: its identifiers and public names, no rows); on a
cluster that last part stays on the worker as a future that is never gathered, and the
scan task of the instansi runs against it there — only hit counts reach the client,
which writes the shared outputs. In-process the subjects are kept in memory until the
scan.
"""

from __future__ import annotations

import contextlib
import io
import json
import operator
import re
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from ..labels import LANGUAGES
from .layout import INSTANSI_FILE, Partition, partitions
from .results import national_results
from .stats import PartitionStats, partition_statistics

__all__ = [
    "compute_partitions",
    "instansi_periods",
    "instansi_statistics",
    "instansi_statistics_and_subject",
    "national_command",
    "national_dir",
    "open_client",
    "resolve_period",
    "run_national",
    "scan_instansi",
    "scan_subject_texts",
]


def national_dir(out: str | Path, period: str, language: str) -> Path:
    """The folder of the national study: ``out/national/<period>/<language>``.

    Examples
    --------
    >>> national_dir("reports", "2025Q4", "en").as_posix()
    'reports/national/2025Q4/en'
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    return Path(out) / "national" / str(period) / language


# ------------------------------------------------------------------------------ tasks
_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
#: The tables whose quarters a study has (as :func:`evalkit.report.periods.available_periods`).
_PERIODIC_TABLES = ("results", "behaviour", "citizen", "org_rating")


def _held(study) -> list[str]:
    """The periods of the study's periodic tables, sorted (read here, not through
    evalkit.report.periods: its import would load the report and plotting modules on
    every worker)."""
    found: set[str] = set()
    for name in _PERIODIC_TABLES:
        frame = getattr(study, name)
        if "period" in frame.columns:
            found.update(str(q) for q in frame["period"].dropna().unique())
    return sorted(found)


def _no_data(instansi: str, folder: str | Path, period: str, held: list[str]) -> str:
    return (
        f"instansi {instansi} ({folder}) has no data for {period}: its "
        f"{', '.join(_PERIODIC_TABLES[:-1])} and {_PERIODIC_TABLES[-1]} hold "
        f"{', '.join(held) if held else 'no quarter'}"
    )


def _require_period(study, period: str, instansi: str, folder: str | Path) -> None:
    """Stop, naming the instansi and its folder and the quarters it holds, when its
    periodic tables have no row in ``period`` (where the run stopped without saying
    which instansi)."""
    from ..io import InputError
    from ..io.parse import period_quarters

    held = _held(study)
    if not set(period_quarters(period)) & set(held):
        raise InputError(_no_data(instansi, folder, period, held))


def _statistics(study, folder: str | Path, period: str, instansi: str) -> PartitionStats:
    """:func:`partition_statistics` of one loaded instansi; an input problem (a
    ``ValueError``) names the instansi and its folder."""
    from ..io import InputError

    _require_period(study, period, instansi, folder)
    try:
        return partition_statistics(study, period, instansi)
    except (InputError, ValueError) as exc:
        if type(exc) not in (InputError, ValueError) or str(exc).startswith("instansi "):
            raise
        raise type(exc)(f"instansi {instansi} ({folder}): {exc}") from exc


def instansi_statistics(folder: str | Path, period: str, instansi: str) -> PartitionStats:
    """The task of one instansi: load its folder and reduce it to its sufficient
    statistics (runs on a worker; returns only the small summary)."""
    from ..io import load_study

    return _statistics(load_study(folder), folder, period, instansi)


def instansi_statistics_and_subject(folder: str | Path, period: str, instansi: str):
    """The one load of an instansi in :func:`run_national`: its sufficient statistics,
    the quarters it holds, and what the privacy scan needs of it
    (:func:`evalkit.privacy.scan_subject`), as a triple. On a cluster only the first two
    are gathered; the subject stays on the worker for :func:`scan_subject_texts`.

    ``period="latest"``: the instansi's own newest quarter (``run_national`` then checks
    that it is the nation's); ``(None, held, None)`` when it holds no quarter.
    """
    from ..io import load_study
    from ..privacy import scan_subject

    study = load_study(folder)
    held = _held(study)
    if period == "latest":
        quarters = [q for q in held if _QUARTER.match(q)]
        if not quarters:
            return None, held, None
        period = quarters[-1]
    stats = _statistics(study, folder, period, instansi)
    return stats, held, scan_subject(study)


def _hit_counts(hits: pd.DataFrame) -> dict[str, int]:
    if hits.empty:
        return {}
    return {
        f"{s}: {k}": int(n) for (s, k), n in hits.groupby(["source", "kind"])["count"].sum().items()
    }


def scan_subject_texts(subject, texts: dict[str, str]) -> dict[str, int]:
    """The privacy task of one instansi against its scan subject (kept from the load of
    :func:`instansi_statistics_and_subject`): how many of its names, NIPs and employee
    ids occur in ``texts`` (label → text), per ``"label: kind"`` — counts, never the
    identifiers, leave the worker."""
    from ..privacy import scan_for_identifiers

    return _hit_counts(scan_for_identifiers(texts, subject))


def scan_instansi(folder: str | Path, texts: dict[str, str]) -> dict[str, int]:
    """The privacy task of one instansi from its folder (loads the whole study): the
    same counts as :func:`scan_subject_texts` on its subject."""
    from ..io import load_study
    from ..privacy import scan_for_identifiers

    return _hit_counts(scan_for_identifiers(texts, load_study(folder)))


@contextlib.contextmanager
def open_client(
    scheduler: str | None = None, workers: int | None = None, *, processes: bool = True
) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (an address) or a new ``LocalCluster``
    of ``workers`` single-threaded workers; ``None`` (in-process) when neither is given.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    workers : int, optional
        Start a local cluster of this many workers (closed on exit).
    processes : bool, default True
        Local workers as processes (False: threads of this process; for tests).
    """
    if scheduler and workers:
        raise ValueError("give either a scheduler address or a number of workers, not both")
    if not scheduler and not workers:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    if int(workers) < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    with (
        LocalCluster(
            n_workers=int(workers),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _sizes(parts: list[Partition]) -> dict[str, int]:
    """Employees per instansi from ``instansi.csv`` (0 where it does not say)."""
    if not parts:
        return {}
    listing = pd.read_csv(parts[0].folder.parent / INSTANSI_FILE, dtype={"instansi_id": str})
    if "employees" not in listing.columns:
        return {}
    size = pd.to_numeric(listing["employees"], errors="coerce").fillna(0).astype(int)
    return dict(zip(listing["instansi_id"], size, strict=True))


def _key(name: str, p: Partition) -> str:
    return f"{name}-{p.instansi}-{secrets.token_hex(4)}"


def _map(client, func, parts: list[Partition], args) -> list[Any]:
    """``func(folder, *args(partition))`` per instansi; results in the order of ``parts``.
    On a cluster the largest instansi (by ``instansi.csv``'s ``employees``) start first,
    so that the last task to finish is a small one."""
    if client is None:
        return [func(str(p.folder), *args(p)) for p in parts]
    sizes = _sizes(parts)
    futures = [
        client.submit(
            func,
            str(p.folder),
            *args(p),
            key=_key(func.__name__, p),
            priority=sizes.get(p.instansi, 0),
        )
        for p in parts
    ]
    return client.gather(futures)


def _load_pass(client, parts: list[Partition], period: str) -> tuple[list, list, list]:
    """:func:`instansi_statistics_and_subject` of every instansi: the statistics, the
    quarters held, and the scan subjects — in-process the objects; on a cluster futures
    that stay on the workers (never gathered: the identifiers do not travel to the
    client)."""
    if client is None:
        done = [instansi_statistics_and_subject(str(p.folder), period, p.instansi) for p in parts]
        return [a for a, _, _ in done], [b for _, b, _ in done], [c for _, _, c in done]
    sizes = _sizes(parts)
    stats, held, subjects = [], [], []
    for p in parts:
        triple = client.submit(
            instansi_statistics_and_subject,
            str(p.folder),
            period,
            p.instansi,
            key=_key("instansi_statistics_and_subject", p),
            priority=sizes.get(p.instansi, 0),
        )
        # the parts as their own results on the triple's worker; the triple itself is
        # released once they are taken
        stats.append(client.submit(operator.getitem, triple, 0, key=_key("statistics", p)))
        held.append(client.submit(operator.getitem, triple, 1, key=_key("held", p)))
        subjects.append(client.submit(operator.getitem, triple, 2, key=_key("subject", p)))
    return client.gather(stats), client.gather(held), subjects


def _latest(parts: list[Partition], held: list[list[str]]) -> str:
    """The nation's newest quarter, when every instansi has it (each computed its own
    newest); else stop, naming every instansi that lacks it."""
    from ..io import InputError

    own = [max((q for q in h if _QUARTER.match(q)), default=None) for h in held]
    if not any(own):
        raise ValueError(
            "--period latest: no instansi holds any period (results, behaviour, citizen and "
            "org_rating are empty or have no quarter like 2025Q4)"
        )
    latest = max(q for q in own if q)
    lacking = [
        _no_data(p.instansi, p.folder, latest, h)
        for p, h, q in zip(parts, held, own, strict=True)
        if q != latest
    ]
    if lacking:
        raise InputError("; ".join(lacking))
    return latest


def _scan_pass(client, parts: list[Partition], subjects: list, texts: dict[str, str]) -> list:
    """:func:`scan_subject_texts` per instansi against its subject (on the worker that
    holds it); the hit counts, in the order of ``parts``."""
    if client is None:
        return [scan_subject_texts(s, texts) for s in subjects]
    sizes = _sizes(parts)
    futures = [
        client.submit(
            scan_subject_texts,
            subject,
            texts,
            key=_key("scan_subject_texts", p),
            priority=sizes.get(p.instansi, 0),
        )
        for p, subject in zip(parts, subjects, strict=True)
    ]
    return client.gather(futures)


def compute_partitions(
    root: str | Path, period: str, *, client=None, instansi: str | None = None
) -> list[PartitionStats]:
    """:func:`instansi_statistics` of every instansi of ``root`` (sorted by id), on
    ``client``'s cluster or in-process (``client=None``)."""
    parts = partitions(root, instansi)
    return _map(client, instansi_statistics, parts, lambda p: (str(period), p.instansi))


# ------------------------------------------------------------------------------ the run
def _names(root: Path) -> dict[str, str]:
    listing = pd.read_csv(root / INSTANSI_FILE, dtype=str)
    if "name" not in listing.columns:
        return {}
    return dict(
        zip(listing["instansi_id"], listing["name"].fillna(listing["instansi_id"]), strict=True)
    )


def _check_period(period: str) -> str:
    period = str(period).strip().upper()
    if not re.match(r"^\d{4}(Q[1-4])?$", period):
        raise ValueError(
            "the national study needs one quarter (2025Q4), one year (2025) or 'latest'; "
            f"got {period!r}"
        )
    return period


def instansi_periods(folder: str | Path) -> list[str]:
    """The task of one instansi for ``--period latest``: the quarters its periodic tables
    hold (:func:`evalkit.report.periods.available_periods`), loaded and validated by
    the same path as its study."""
    from ..io import load_study
    from ..report.periods import available_periods

    return available_periods(load_study(folder))


def resolve_period(period: str, parts: list[Partition], client=None) -> str:
    """``period`` checked (a quarter or a year), or for ``"latest"`` the newest quarter
    present in any instansi of ``parts`` (one task per instansi on ``client``, or
    in-process; each instansi is loaded once more for it).

    Examples
    --------
    >>> resolve_period(" 2025q4 ", [])
    '2025Q4'
    """
    if str(period).strip().lower() != "latest":
        return _check_period(period)
    found = _map(client, instansi_periods, parts, lambda p: ())
    quarters = sorted({q for f in found for q in f})
    if not quarters:
        raise ValueError(
            "--period latest: no instansi holds any period (results, behaviour, citizen and "
            "org_rating are empty or have no quarter like 2025Q4)"
        )
    return quarters[-1]


def run_national(
    period: str,
    data_dir: str | Path,
    out_dir: str | Path = "reports",
    *,
    language: str = "id",
    min_cell: int = 5,
    scheduler: str | None = None,
    workers: int | None = None,
    instansi: str | None = None,
    processes: bool = True,
    client=None,
) -> Path:
    """Run the national study of ``period`` and write ``out_dir/national/<period>/<language>/``.

    Parameters
    ----------
    period : str
        A quarter (``"2025Q4"``), a year (``"2025"``) or ``"latest"``: the newest
        quarter present in any instansi (as :func:`resolve_period`, but found in the
        same load of each instansi as its statistics: an instansi computes its own
        newest quarter, and the run stops, naming them, when some instansi's is older
        than the nation's).
    data_dir : str or Path
        A national data set (:mod:`evalkit.national.layout`).
    out_dir : str or Path, default "reports"
    language : {"id", "en"}, default "id"
    min_cell : int, default 5
        An instansi's statistic built from fewer respondents, rated employees or ratees
        is not shown.
    scheduler, workers, processes
        Where the per-instansi tasks run (:func:`open_client`).
    instansi : str, optional
        Only these instansi (``"I01,I02"``).
    client : distributed.Client, optional
        An open client to use instead of ``scheduler``/``workers``.

    Returns
    -------
    Path
        The folder written.
    """
    from .report import national_html, national_workbook

    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    requested = str(period)
    if requested.strip().lower() != "latest":
        period = _check_period(period)
    else:
        period = "latest"
    root = Path(data_dir).resolve()
    parts = partitions(root, instansi)
    out = Path(out_dir).resolve()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(open_client(scheduler, workers, processes=processes))
        subjects: list = []
        try:
            t = time.perf_counter()
            stats, held, subjects = _load_pass(client, parts, period)
            if period == "latest":  # each instansi took its own newest quarter
                period = _latest(parts, held)
            compute_seconds = time.perf_counter() - t
            results = national_results(stats, names=_names(root), min_cell=min_cell)
            texts = {
                "results.json": json.dumps(_jsonable(results), indent=1, ensure_ascii=False) + "\n",
                "national.html": national_html(results, language),
            }
            book = national_workbook(results, language)
            texts_to_scan = {**texts, "tables.xlsx": _workbook_text(book)}
            t = time.perf_counter()
            hits = _scan_pass(client, parts, subjects, texts_to_scan)
            scan_seconds = time.perf_counter() - t
        finally:
            if client is not None and subjects:
                client.cancel(subjects)  # the identifiers leave the workers' memory
            del subjects
        executor = (
            "in-process"
            if client is None
            else f"dask distributed, {len(client.scheduler_info()['workers'])} workers"
        )
    found: dict[str, int] = {}
    for h in hits:  # the same output can hold people of several instansi: add them up
        for k, v in h.items():
            found[k] = found.get(k, 0) + v
    if found:
        listing = "; ".join(f"{k}: {v}" for k, v in sorted(found.items()))
        raise RuntimeError(
            f"refusing to publish the national study for {period}: shared outputs contain "
            f"personal identifiers ({listing}). Nothing was written."
        )
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".tmp-national-{period}-{language}-{secrets.token_hex(4)}"
    tmp.mkdir(parents=True)
    try:
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / "tables.xlsx").write_bytes(book)
        manifest = {
            "evalkit": metadata.version("evalkit"),
            "parameters": {
                "period": period,
                "period_requested": requested,
                "data_dir": str(root),
                "language": language,
                "min_cell": min_cell,
                "instansi": instansi,
            },
            "instansi": [p.instansi for p in parts],
            "executor": executor,
            "started": started.isoformat(timespec="seconds"),
            "timing": {
                "compute_seconds": round(compute_seconds, 3),
                "scan_seconds": round(scan_seconds, 3),
                "total_seconds": round(time.perf_counter() - t0, 3),
            },
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        final = national_dir(out, period, language)
        from ..study import _place

        _place(tmp, final)
        return final
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _jsonable(value: Any) -> Any:
    """NaN → None, numpy scalars → Python (results.json is strict JSON)."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _workbook_text(book: bytes) -> str:
    """Every cell of a workbook as CSV text, sheet by sheet (what the scan reads)."""
    sheets = pd.read_excel(io.BytesIO(book), sheet_name=None, header=None)
    return "\n".join(f"# {name}\n{df.to_csv(index=False)}" for name, df in sheets.items())


def national_command(
    *,
    period: str,
    data_dir: str | Path,
    out_dir: str | Path,
    language: str = "id",
    min_cell: int = 5,
    scheduler: str | None = None,
    workers: int | None = None,
) -> int:
    """``evalkit study`` on a national data set: run :func:`run_national`, report for
    people. 0 written; 2 unusable input or parameters; 1 the privacy scan refused."""
    try:
        folder = run_national(
            period,
            data_dir,
            out_dir,
            language=language,
            min_cell=min_cell,
            scheduler=scheduler,
            workers=workers,
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"evalkit study: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"evalkit study: {exc}", file=sys.stderr)
        return 1
    print(f"national study written: {folder / 'national.html'}")
    return 0
