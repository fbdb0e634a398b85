"""Load a study folder (CSV, XLSX, Parquet) into a validated :class:`Study`.

(The loader itself lands with the data-model issue; this module starts with the
container that the loader and the simulator both return.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .tables import TABLES, empty_frame

__all__ = ["Study"]

QUARANTINE_COLUMNS = ("file", "line", "column", "value", "reason")


@dataclass
class Study:
    """The tables of one study, typed as :data:`evalkit.tables.PANDAS_DTYPES` says.

    Attributes
    ----------
    units, employees, indicators, results, behaviour, citizen, training, org_rating
        One DataFrame per table of the data model (``evalkit.tables.TABLES``).
    quarantine
        Rows that could not be used: ``file, line, column, value, reason``.
    summary
        Per file: ``file, table, rows_read, rows_kept, rows_quarantined``.
    period
        The selected period (``None`` = all).
    source
        Where the tables came from (a folder, or ``"simulate"``).
    files
        Paths of the input files that were read.
    """

    units: pd.DataFrame = field(default_factory=lambda: empty_frame("units"))
    employees: pd.DataFrame = field(default_factory=lambda: empty_frame("employees"))
    indicators: pd.DataFrame = field(default_factory=lambda: empty_frame("indicators"))
    results: pd.DataFrame = field(default_factory=lambda: empty_frame("results"))
    behaviour: pd.DataFrame = field(default_factory=lambda: empty_frame("behaviour"))
    citizen: pd.DataFrame = field(default_factory=lambda: empty_frame("citizen"))
    training: pd.DataFrame = field(default_factory=lambda: empty_frame("training"))
    org_rating: pd.DataFrame = field(default_factory=lambda: empty_frame("org_rating"))
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    )
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    period: str | None = None
    source: str | Path | None = None
    files: list[Path] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The data-model tables by name."""
        return {name: getattr(self, name) for name in TABLES}
