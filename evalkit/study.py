"""Run the period study: papermill → the report's own HTML and PDF → checked, atomic folder.

``evalkit study --period 2025Q4`` (and :func:`run_study`) does, per period:

1. execute ``notebooks/study.ipynb`` with papermill on the kernel ``evalkit`` (installed
   into this environment when missing, so there is never a "No such kernel"), with the
   parameters ``period, data_dir, language, min_cell, rules, output_dir``. The
   notebook builds :class:`evalkit.report.PeriodReport` once, displays its sections
   and writes ``study.html`` (the brief-first document, :meth:`~evalkit.report.PeriodReport.document`),
   ``results.json``, ``tables.xlsx``, ``quarantine.csv`` and ``restricted/`` into
   ``output_dir`` (:meth:`~evalkit.report.PeriodReport.write_outputs`); the executed
   notebook stays beside them as the record of the run;
2. lay ``study.html`` out as ``study.pdf`` (A4, cover, contents with page numbers;
   :func:`evalkit.report.pdf.html_to_pdf`, offline);
3. write ``manifest.json``: inputs with SHA-256, parameters, Python, evalkit and
   dependency versions, run time and where it went;
4. scan every file outside ``restricted/`` (HTML, notebook, workbook, CSV, JSON, PDF)
   for every name, NIP and employee id of every input row read, kept or quarantined
   (:func:`evalkit.privacy.scan_for_identifiers`), and refuse to publish on a hit;
5. move the folder into place.

Each period and language has its own folder, :func:`report_dir`: ``OUT/<period>/<language>/``
(``reports/2025Q4/id/study.html``), so that the Indonesian and the English report of a
period both survive. Everything is built in ``OUT/.tmp-<period>-<language>-<random>/``
and moved into place only when complete; an existing report is replaced only then. A
failed period removes its temporary folder and leaves every other report as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ._saved import SUFFIX, save_study
from .labels import LANGUAGES, Labels
from .report import DEFAULT_RULES, resolve_data_dir, resolve_periods

__all__ = [
    "KERNEL_NAME",
    "SHARED_OUTPUTS",
    "PeriodFailure",
    "PrivacyError",
    "StudyError",
    "ensure_kernel",
    "notebook_path",
    "report_dir",
    "run_study",
    "shared_files",
    "study_command",
    "unit_notebook_path",
]

#: Name of the Jupyter kernel the study runs on (this environment's Python).
KERNEL_NAME = "evalkit"
#: Files of a report folder that are meant to be shared, and scanned before that.
SHARED_OUTPUTS = (
    "study.html",
    "study.pdf",
    "study.ipynb",
    "tables.xlsx",
    "results.json",
    "units.json",
    "quarantine.csv",
    "manifest.json",
)
#: Files the notebook must have written into ``output_dir``.
_NOTEBOOK_OUTPUTS = ("study.html", "results.json", "tables.xlsx", "quarantine.csv")
_DEPENDENCIES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "pingouin",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbformat",
    "nbclient",
    "ipykernel",
    "openpyxl",
    "pyarrow",
    "weasyprint",
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class PrivacyError(RuntimeError):
    """A shared output contains a name, NIP or employee id of the input."""


@dataclass
class PeriodFailure:
    """Why one period's report was not written."""

    period: str
    error: BaseException

    def describe(self) -> str:
        """A message for people: for a failing notebook cell, the exception, the
        cell's source and the end of the traceback."""
        from papermill.exceptions import PapermillExecutionError

        e = self.error
        if isinstance(e, PapermillExecutionError):
            tb = [_ANSI.sub("", line) for line in (e.traceback or [])]
            tail = "\n".join("\n".join(tb).splitlines()[-15:])
            return (
                f"period {self.period}: the study notebook failed in cell {e.exec_count} "
                f"(index {e.cell_index}):\n  {e.ename}: {e.evalue}\n"
                f"--- cell source ---\n{e.source}\n--- traceback (end) ---\n{tail}"
            )
        return f"period {self.period}: {type(e).__name__}: {e}"


class StudyError(RuntimeError):
    """One or more periods failed; the others were written.

    Attributes
    ----------
    failures : list of PeriodFailure
    written : list of Path
        Report folders that were written.
    """

    def __init__(self, failures: list[PeriodFailure], written: list[Path]):
        self.failures = failures
        self.written = written
        super().__init__("\n\n".join(f.describe() for f in failures))


# ----------------------------------------------------------------------------------------
# kernel and notebook
# ----------------------------------------------------------------------------------------
def ensure_kernel(name: str = KERNEL_NAME, *, prefix: str | None = None, manager=None) -> str:
    """Make sure the Jupyter kernel ``name`` exists; install it into this environment if not.

    Parameters
    ----------
    name : str, default "evalkit"
        Kernel name (the study notebook's ``kernelspec``).
    prefix : str, optional
        Installation prefix; default ``sys.prefix`` (the kernel then runs this Python).
    manager : jupyter_client KernelSpecManager, optional
        Where to look (for tests); default a new ``KernelSpecManager()``.

    Returns
    -------
    str
        The kernel name.

    Raises
    ------
    RuntimeError
        If a kernel of that name exists but its Python no longer does.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    manager = manager or KernelSpecManager()
    specs = manager.find_kernel_specs()
    if name in specs:
        spec = manager.get_kernel_spec(name)
        exe = spec.argv[0] if spec.argv else ""
        if os.path.isabs(exe) and not os.path.exists(exe):
            raise RuntimeError(
                f"the Jupyter kernel {name!r} ({specs[name]}) runs {exe}, which does not "
                f"exist any more; reinstall it with: {sys.executable} -m ipykernel install "
                f"--sys-prefix --name {name}"
            )
        return name
    from ipykernel.kernelspec import install

    install(prefix=prefix or sys.prefix, kernel_name=name, display_name="Python (evalkit)")
    return name


def _ipc_kernel_manager() -> type:
    """A kernel manager that talks to the kernel over local IPC sockets, not TCP.

    Over TCP without encryption the kernel warns (rightly) that code and outputs could be
    read by anyone on the machine's network; the study's outputs hold personal data
    before they are scanned. IPC sockets are files in Jupyter's runtime folder (removed
    when the kernel stops), readable only by the user, so the kernel has nothing to warn
    about and the user's terminal stays quiet.
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ip_in_runtime_dir(self) -> str:
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True)
            return str(runtime / f"evalkit-{uuid.uuid4().hex[:12]}-ipc")

    return IPCKernelManager


def notebook_path() -> Path:
    """The study notebook, ``notebooks/study.ipynb`` of the checkout.

    evalkit is installed from its repository in development mode (``pip install -e .``,
    as ``make`` and ``environment.yml`` do), so the notebook that a researcher edits in
    JupyterLab is the one the command runs.
    """
    path = Path(__file__).resolve().parent.parent / "notebooks" / "study.ipynb"
    if not path.is_file():
        raise FileNotFoundError(
            f"the study notebook {path} is missing: evalkit runs from its repository "
            "checkout, installed with `pip install -e .` (see README.md)"
        )
    return path


def unit_notebook_path() -> Path:
    """The unit scorecard notebook, ``notebooks/unit.ipynb`` of the checkout (see
    :func:`notebook_path`)."""
    path = notebook_path().with_name("unit.ipynb")
    if not path.is_file():
        raise FileNotFoundError(f"the unit scorecard notebook {path} is missing")
    return path


# ----------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------
def report_dir(out: str | Path, period: str, language: str) -> Path:
    """The folder of one report: ``out/<period>/<language>``.

    Parameters
    ----------
    out : str or Path
        The reports folder (``reports`` by default).
    period : str
        A quarter (``2025Q4``) or a year (``2025``).
    language : {"id", "en"}
        The report language.

    Returns
    -------
    Path

    Examples
    --------
    >>> report_dir("reports", "2025Q4", "en").as_posix()
    'reports/2025Q4/en'
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    return Path(out) / str(period) / language


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _cell_timing(nb: Any) -> dict[str, Any]:
    """Kernel start and per-cell seconds from papermill's metadata."""

    def parse(s: str | None) -> datetime | None:
        return datetime.fromisoformat(s.replace("Z", "+00:00")) if s else None

    start = parse(nb.metadata.get("papermill", {}).get("start_time"))
    cells: dict[str, float] = {}
    first = None
    for cell in nb.cells:
        meta = cell.metadata.get("papermill", {})
        if cell.cell_type != "code" or meta.get("duration") is None:
            continue
        cs = parse(meta.get("start_time"))
        if first is None and cs is not None:
            first = cs
        match = re.search(r"#\s*papermill_description=(\S+)", cell.source)
        label = match.group(1) if match else "other"
        cells[label] = round(cells.get(label, 0.0) + float(meta["duration"]), 3)
    kernel = (first - start).total_seconds() if start and first else None
    return {"kernel_start": None if kernel is None else round(kernel, 3), "cells": cells}


def _input_files(study: Any, data_dir: Path) -> list[Path]:
    files = [Path(f) for f in (getattr(study, "files", None) or [])]
    if not files:
        files = [
            p for p in sorted(data_dir.rglob("*")) if p.is_file() and not p.name.startswith(".")
        ]
    return sorted({f.resolve() for f in files})


def _place(tmp: Path, final: Path) -> None:
    """Move the finished folder ``tmp`` to ``final``, replacing an old report only now."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.replace(tmp, final)
        return
    old = final.with_name(f".old-{final.name}-{secrets.token_hex(4)}")
    os.replace(final, old)
    try:
        os.replace(tmp, final)
    except BaseException:
        os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _mapping_entry(study: Any, data_dir: Path) -> dict[str, Any] | None:
    """The mapping file (``evalkit.toml``) the data were loaded through, with its SHA-256;
    ``None`` when none was used."""
    path = getattr(study, "mapping", None)
    if path is None:
        return None
    path = Path(path)
    name = str(path.relative_to(data_dir)) if path.is_relative_to(data_dir) else str(path)
    return {"file": name, "sha256": _sha256(path)}


def _manifest(
    *,
    study: Any,
    data_dir: Path,
    parameters: dict[str, Any],
    results: dict[str, Any],
    folder: Path,
    started: datetime,
    timing: dict[str, Any],
) -> dict[str, Any]:
    """Inputs with SHA-256, parameters, versions, counts, outputs and timing."""
    params = {k: v for k, v in parameters.items() if k not in ("output_dir", "study_file")}
    if data_dir.is_file():  # a workbook (the filled collection kit): names relative to its folder
        data_dir = data_dir.parent
    return {
        "evalkit": metadata.version("evalkit"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "dependencies": _versions(),
        "parameters": params,
        "inputs": [
            {
                "file": str(f.relative_to(data_dir)) if f.is_relative_to(data_dir) else str(f),
                "sha256": _sha256(f),
                "bytes": f.stat().st_size,
            }
            for f in _input_files(study, data_dir)
        ],
        "mapping": _mapping_entry(study, data_dir),
        "counts": {
            k: results.get("data", {}).get(k)
            for k in ("rows_read", "rows_kept", "rows_quarantined")
        },
        "outputs": [
            {"file": name, "sha256": _sha256(folder / name)}
            for name in SHARED_OUTPUTS
            if name != "manifest.json" and (folder / name).is_file()
        ],
        "calibration": _calibration_record(data_dir),
        "started": started.isoformat(timespec="seconds"),
        "timing": timing,
    }


def shared_files(folder: Path) -> list[Path]:
    """Every file of a report folder that may be shared, i.e. all but ``restricted/``.

    Whatever a notebook or a later step writes (figures, a PDF, unit scorecards,
    language folders) is scanned before publishing, not only :data:`SHARED_OUTPUTS`;
    ``manifest.json`` is left out here because it is written after this scan (and
    scanned on its own).
    """
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and "restricted" not in p.relative_to(folder).parts
        and p.relative_to(folder).as_posix() != "manifest.json"
    ]


def _calibration_record(data_dir: Path) -> dict[str, Any]:
    """The calibration file the methods section read: status (``current``, ``stale``,
    ``missing``, ``unreadable``), its SHA-256, the data SHA-256 it was made for, and its
    settings (:func:`evalkit.calibration.read_calibration`)."""
    from .calibration import CALIBRATION_FILE, read_calibration

    cal, status = read_calibration(data_dir)
    record: dict[str, Any] = {"file": CALIBRATION_FILE, "status": status}
    if cal is not None:
        record["sha256"] = _sha256(Path(data_dir) / CALIBRATION_FILE)
        record["data_sha256"] = cal.data_sha256
        record["settings"] = cal.settings
    return record


def _refuse_on_hits(hits: list[Any], period: str) -> None:
    """Raise :class:`PrivacyError` when any scan found an identifier (the message names
    files and kinds, never the identifiers)."""
    import pandas as pd

    found = pd.concat(hits, ignore_index=True)
    if found.empty:
        return
    summary = (
        found.assign(source=found["source"].map(lambda s: Path(s).name))
        .groupby(["source", "kind"])["count"]
        .sum()
    )
    listing = "; ".join(f"{s}: {n} {k}" for (s, k), n in summary.items())
    raise PrivacyError(
        f"refusing to publish the report for {period}: shared outputs contain personal "
        f"identifiers ({listing}). Nothing was written; run "
        "evalkit.privacy.scan_for_identifiers on the notebook's outputs to see them."
    )


def _run_period(
    period: str,
    *,
    study: Any,
    data_dir: Path,
    out_dir: Path,
    language: str,
    min_cell: int,
    rules: str,
    progress: bool,
    load_seconds: float,
    study_file: Path | None = None,
) -> Path:
    import papermill as pm

    from .privacy import scan_for_identifiers
    from .report.pdf import html_to_pdf

    started = datetime.now(UTC)
    t0 = time.perf_counter()
    tmp = out_dir / f".tmp-{period}-{language}-{secrets.token_hex(4)}"
    tmp.mkdir(parents=True)
    try:
        parameters = {
            "period": period,
            "data_dir": str(data_dir),
            "language": language,
            "min_cell": int(min_cell),
            "rules": rules,
            "output_dir": str(tmp),
        }
        if study_file is not None:
            parameters["study_file"] = str(study_file)
        t = time.perf_counter()
        nb = pm.execute_notebook(
            str(notebook_path()),
            str(tmp / "study.ipynb"),
            parameters=parameters,
            kernel_name=ensure_kernel(),
            progress_bar=progress,
            request_save_on_cell_execute=False,  # one save at the end (and on failure)
            kernel_manager_class=_ipc_kernel_manager(),
        )
        execute_seconds = time.perf_counter() - t
        missing = [name for name in _NOTEBOOK_OUTPUTS if not (tmp / name).is_file()]
        if missing:
            raise RuntimeError(
                f"the study notebook ran but did not write {', '.join(missing)}; its last "
                "cell must call report.write_outputs(output_dir)"
            )
        t = time.perf_counter()
        html_to_pdf(
            (tmp / "study.html").read_text(encoding="utf-8"), tmp / "study.pdf", base_url=tmp
        )
        render_seconds = time.perf_counter() - t

        t = time.perf_counter()
        hits = [scan_for_identifiers(shared_files(tmp), study)]
        scan_seconds = time.perf_counter() - t
        results = json.loads((tmp / "results.json").read_text(encoding="utf-8"))
        manifest = _manifest(
            study=study,
            data_dir=data_dir,
            parameters=parameters,
            results=results,
            folder=tmp,
            started=started,
            timing={
                "load_seconds": round(load_seconds, 3),
                "execute_seconds": round(execute_seconds, 3),
                **_cell_timing(nb),
                "render_seconds": round(render_seconds, 3),
                "scan_seconds": round(scan_seconds, 3),
                "total_seconds": round(time.perf_counter() - t0 + load_seconds, 3),
            },
        )
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        hits.append(scan_for_identifiers([tmp / "manifest.json"], study))
        _refuse_on_hits(hits, period)
        final = report_dir(out_dir, period, language)
        _place(tmp, final)
        return final
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def run_study(
    period: str = "latest",
    data_dir: str | Path = "data/tanjungselor",
    out_dir: str | Path = "reports",
    *,
    language: str = "id",
    min_cell: int = 5,
    rules: str = DEFAULT_RULES,
    progress: bool = True,
    units: str | None = None,
    unit_engine: str = "direct",
) -> list[Path]:
    """Run the period study and write ``out_dir/<period>/<language>/`` for each period asked for.

    Parameters
    ----------
    period : str, default "latest"
        A quarter (``"2025Q4"``), a year (``"2025"``, one report covering its quarters),
        ``"latest"`` (newest quarter in the data) or ``"all"`` (every quarter, and every
        year whose four quarters are all in the data).
    data_dir : str or Path, default "data/tanjungselor"
        The data folder (relative paths are looked up from the working directory up).
    out_dir : str or Path, default "reports"
        Where report folders go.
    language : {"id", "en"}, default "id"
        Report language; ``results.json`` does not depend on it.
    min_cell : int, default 5
        Cells built from fewer respondents or rated employees are suppressed.
    rules : str, default "permenpanrb_6_2022"
        Scoring rule set.
    progress : bool, default True
        Show progress bars over periods and notebook cells.
    units : str, optional
        Also write the unit scorecards of each period (``"all"`` or ``"ID[,ID…]"``) into
        its ``units/`` folder, from the report's ``units.json``
        (:func:`evalkit.scorecards.write_scorecards`).
    unit_engine : {"direct", "papermill"}, default "direct"
        How the scorecards are rendered (:data:`evalkit.scorecards.ENGINES`).

    Returns
    -------
    list of Path
        The report folders written (:func:`report_dir`), one per period.

    Raises
    ------
    evalkit.io.InputError
        If the data cannot be used at all (nothing is written).
    ValueError
        If a parameter is invalid or the period has no data (nothing is written).
    StudyError
        If one or more periods failed: their temporary folders are removed, every other
        period is written, and existing reports of the failed periods are untouched.

    Examples
    --------
    >>> run_study("2025Q4", "data/tanjungselor", "reports", language="en")  # doctest: +SKIP
    [PosixPath('reports/2025Q4/en')]
    """
    from tqdm.auto import tqdm

    from .io import load_study

    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number of at least 1; got {min_cell!r}")
    data = resolve_data_dir(data_dir)
    out = Path(out_dir).resolve()
    _check_key_outside(out)
    ensure_kernel()
    t = time.perf_counter()
    study = load_study(data)
    load_seconds = time.perf_counter() - t
    _check_not_empty(study)
    periods = resolve_periods(study, period)
    if units:  # unknown unit ids stop the run before any period is computed
        from .scorecards import ENGINES, select_units

        select_units(study.units["unit_id"].dropna().astype(str).tolist(), units)
        if unit_engine not in ENGINES:
            raise ValueError(f"unit_engine must be one of {', '.join(ENGINES)}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failures: list[PeriodFailure] = []
    # the kernel reads the study loaded here instead of loading the data again; this
    # process keeps only what the privacy scan and the manifest need
    handoff = Path(tempfile.mkdtemp(prefix=".evalkit-load-", dir=out))
    try:
        study_file = save_study(study, handoff / f"study{SUFFIX}")
        study = _for_the_scan(study)
        _release_memory()
        bar = tqdm(periods, desc="periods", unit="period", disable=not progress or len(periods) < 2)
        for p in bar:
            bar.set_postfix_str(p)
            try:
                written.append(
                    _run_period(
                        p,
                        study=study,
                        data_dir=data,
                        out_dir=out,
                        language=language,
                        min_cell=min_cell,
                        rules=rules,
                        progress=progress,
                        load_seconds=load_seconds,
                        study_file=study_file,
                    )
                )
                if units:
                    _write_units(written[-1], units, language, study, unit_engine)
            except Exception as exc:  # recorded and re-raised below as StudyError
                failures.append(PeriodFailure(p, exc))
    finally:
        shutil.rmtree(handoff, ignore_errors=True)
    if failures:
        raise StudyError(failures, written)
    return written


def _release_memory() -> None:
    """Give the memory of the tables just dropped back to the system (glibc keeps freed
    memory for reuse otherwise, and the command would go on holding it while the
    kernel works); nothing on other C libraries."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _for_the_scan(study: Any) -> Any:
    """The study as the command needs it once the kernel has its own copy: every table
    whole except the large periodic ones (results, behaviour, citizen, teaching), of
    which only the distinct values of their identifier columns and of the citizens'
    ``service`` stay (what :func:`evalkit.privacy.scan_for_identifiers` reads), so that the command does not
    hold a second copy of the data while the kernel analyses them."""
    import dataclasses

    import pandas as pd

    from .privacy import IDENTIFIER_COLUMNS

    slim = {}
    for name in ("results", "behaviour", "citizen", "teaching"):
        frame = getattr(study, name)
        # identifiers, and the service names (public words that are no person's name)
        columns = [c for c in frame.columns if c in IDENTIFIER_COLUMNS or c == "service"]
        distinct = {c: pd.unique(frame[c].dropna()) for c in columns}
        n = max((len(v) for v in distinct.values()), default=0)
        slim[name] = pd.DataFrame(
            {c: pd.Series(v, dtype=frame[c].dtype).reindex(range(n)) for c, v in distinct.items()}
        )
    return dataclasses.replace(study, **slim)


def _check_not_empty(study: Any) -> None:
    """Refuse, in one plain sentence, data whose required tables kept no row (a file
    with only its header passes validation, but no section can be computed from it)."""
    from .tables import TABLES

    empty = [
        name
        for name, table in TABLES.items()
        if not table.optional and len(getattr(study, name)) == 0
    ]
    if empty:
        raise ValueError(
            f"the study needs rows in {', '.join(empty)}, and the data hold none there (a file "
            "with only its header, or every row quarantined); run evalkit validate to see why"
        )


def _write_units(folder: Path, units: str, language: str, study: Any, engine: str) -> None:
    """The unit scorecards of a report just written (``folder/units/``)."""
    from .scorecards import write_scorecards

    write_scorecards(folder, units, language=language, study=study, engine=engine)


def _check_key_outside(out: Path) -> None:
    """Refuse to run when the pseudonym key file would sit inside the output folder."""
    from .privacy import KEY_ENV, KEY_FILE_ENV, default_key_file

    if os.environ.get(KEY_ENV) is not None:
        return
    key_file = Path(os.environ.get(KEY_FILE_ENV) or default_key_file()).expanduser().resolve()
    if key_file.is_relative_to(out):
        raise ValueError(
            f"the pseudonym key file {key_file} is inside the output folder {out}; keep it "
            f"outside (set {KEY_FILE_ENV}) so that it is never shared with the reports"
        )


def study_command(
    *,
    period: str,
    data_dir: str | Path,
    out_dir: str | Path,
    language: str = "id",
    min_cell: int = 5,
    rules: str = DEFAULT_RULES,
    units: str | None = None,
    unit_engine: str = "direct",
) -> int:
    """The ``evalkit study`` command: run :func:`run_study` and report for people.

    Returns
    -------
    int
        0 every period written; 1 a period failed (the failing cell's error is printed;
        other periods are written); 2 the input or a parameter is unusable.
    """
    from .io import InputError
    from .io.messages import translate_message

    try:
        folders = run_study(
            period,
            data_dir,
            out_dir,
            language=language,
            min_cell=min_cell,
            rules=rules,
            units=units,
            unit_engine=unit_engine,
        )
    except InputError as exc:
        detail = translate_message(str(exc), language if language in LANGUAGES else "en")
        print(
            "evalkit study: "
            + Labels(language if language in LANGUAGES else "en")(
                "io.cli.data_unusable", detail=detail
            ),
            file=sys.stderr,
        )
        return 2
    except (ValueError, FileNotFoundError) as exc:
        detail = translate_message(str(exc), language if language in LANGUAGES else "en")
        print(f"evalkit study: {detail}", file=sys.stderr)
        return 2
    except StudyError as exc:
        for folder in exc.written:
            print(f"report written: {folder / 'study.html'} (and study.pdf)")
        print(
            f"evalkit study: {len(exc.failures)} period(s) failed; their previous reports "
            "(if any) are unchanged.\n",
            file=sys.stderr,
        )
        print(str(exc), file=sys.stderr)
        return 1
    for folder in folders:
        print(f"report written: {folder / 'study.html'} (and study.pdf)")
        if units:
            print(f"unit scorecards written: {folder / 'units' / 'index.html'}")
    return 0
