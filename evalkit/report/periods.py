"""Periods of a study and the data folder: which quarters a report covers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..io import Study

__all__ = [
    "COMPARISON_QUARTERS",
    "available_periods",
    "comparison_window",
    "period_quarters",
    "quarters_up_to",
    "resolve_data_dir",
    "resolve_periods",
]

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_PERIODIC_TABLES = ("results", "behaviour", "citizen", "org_rating")


def available_periods(study: Study) -> list[str]:
    """Quarters present in any periodic table of ``study``, oldest first.

    Parameters
    ----------
    study : Study
        A loaded study.

    Returns
    -------
    list of str
        Quarters such as ``"2025Q3"``, sorted in time.
    """
    found: set[str] = set()
    for name in _PERIODIC_TABLES:
        frame = getattr(study, name)
        if "period" in frame.columns and len(frame):
            found.update(str(p) for p in frame["period"].dropna().unique())
    return sorted(p for p in found if _QUARTER.match(p))


def resolve_periods(study: Study, period: str) -> list[str]:
    """The reports that ``period`` asks for.

    Parameters
    ----------
    study : Study
        A loaded study (its periods decide ``latest`` and ``all``).
    period : str
        ``"2025Q4"`` (that quarter), ``"2025"`` (one report covering the year's
        quarters), ``"latest"`` (the newest quarter in the data) or ``"all"`` (every
        quarter in the data, one report each).

    Returns
    -------
    list of str
        Periods, one per report.

    Raises
    ------
    ValueError
        If the period is malformed or has no data, with the periods that do.
    """
    quarters = available_periods(study)
    if not quarters:
        raise ValueError(
            "the data hold no period at all: results, behaviour, citizen and org_rating "
            "are empty or have no valid 'period' column (expected quarters like 2025Q4)"
        )
    text = str(period).strip()
    if text == "latest":
        return [quarters[-1]]
    if text == "all":
        return quarters
    have = f"the data hold {quarters[0]} … {quarters[-1]} ({len(quarters)} quarters)"
    if _QUARTER.match(text):
        if text not in quarters:
            raise ValueError(f"no data for period {text}: {have}")
        return [text]
    if _YEAR.match(text):
        if not any(q.startswith(text) for q in quarters):
            raise ValueError(f"no data for the year {text}: {have}")
        return [text]
    raise ValueError(
        f"period {period!r} is not understood: give a quarter like 2025Q4, a year like "
        f"2025, 'latest' or 'all'; {have}"
    )


def quarters_up_to(study: Study, period: str) -> list[str]:
    """Quarters of the data up to and including ``period`` (a year: up to its Q4)."""
    last = f"{period}Q4" if _YEAR.match(period) else period
    return [q for q in available_periods(study) if q <= last]


def period_quarters(study: Study, period: str) -> list[str]:
    """Quarters that ``period`` covers (a quarter: itself; a year: its quarters in the data)."""
    if _YEAR.match(period):
        return [q for q in available_periods(study) if q.startswith(period)]
    return [period]


#: Quarters pooled for the citizens-versus-supervisors comparison of a quarter.
COMPARISON_QUARTERS = 4


def comparison_window(study: Study, period: str, quarters: int = COMPARISON_QUARTERS) -> list[str]:
    """Quarters compared for citizens versus supervisors: the period's quarters and, for a
    single quarter, the ``quarters - 1`` quarters before it (a trailing year).

    SKM is a yearly survey (PermenPANRB 14/2017: at least once a year), and one quarter
    holds too few responses per unit to tell an 18-point divergence from chance
    (measured on simulated data: recall 0.55 with one quarter, 1.00 with four). The
    window is stated in the report next to the comparison.
    """
    if _YEAR.match(period):
        return period_quarters(study, period)
    return quarters_up_to(study, period)[-quarters:]


def resolve_data_dir(data_dir: str | Path) -> Path:
    """Find the data folder: absolute as given; relative to the working directory or any
    folder above it (so ``data/tanjungselor`` works from the repository root, from
    ``notebooks/`` in JupyterLab and from papermill alike). A workbook with a sheet per
    table (a filled collection kit, :mod:`evalkit.kit`) is found the same way.

    Raises
    ------
    FileNotFoundError
        Naming every place that was tried.
    """
    path = Path(data_dir).expanduser()

    def usable(p: Path) -> bool:
        return p.is_dir() or (p.is_file() and p.suffix.lower() == ".xlsx")

    if path.is_absolute():
        if usable(path):
            return path
        raise FileNotFoundError(f"data folder {path} does not exist")
    tried = []
    for base in [Path.cwd(), *Path.cwd().parents]:
        candidate = base / path
        tried.append(str(candidate))
        if usable(candidate):
            return candidate.resolve()
    raise FileNotFoundError(
        f"data folder {str(data_dir)!r} not found; tried {', '.join(tried[:4])}"
        + (" …" if len(tried) > 4 else "")
        + ". Pass data_dir as an absolute path or run from the repository."
    )
