"""The one output schema shared by every reliability statistic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

#: Columns of every reliability result, in order. ``group`` only when ``groups=`` is given.
COLUMNS: tuple[str, ...] = (
    "statistic",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_val",
    "n_targets",
    "n_raters",
)


def result_frame(
    rows: Iterable[Mapping] | pd.DataFrame, *, group: str | None = None
) -> pd.DataFrame:
    """Return ``rows`` as a DataFrame in the shared schema.

    Missing numeric fields become NaN; ``n_targets``/``n_raters`` are nullable
    integers. When ``group`` is given, a ``group`` column (holding the group labels
    found under that key in ``rows``) comes first.
    """
    df = pd.DataFrame(rows if isinstance(rows, pd.DataFrame) else list(rows))
    cols = (["group"] if group is not None else []) + list(COLUMNS)
    if group is not None and group != "group" and group in df.columns:
        df = df.rename(columns={group: "group"})
    for c in cols:
        if c not in df.columns:
            df[c] = np.nan
    df = df[cols].copy()
    df["statistic"] = df["statistic"].astype(str)
    for c in ("estimate", "se", "ci_low", "ci_high", "p_val"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("n_targets", "n_raters"):
        df[c] = pd.to_numeric(df[c], errors="coerce").round().astype("Int64")
    return df.reset_index(drop=True)
