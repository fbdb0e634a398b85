"""JSON-ready values for results: shared by the analysis modules and the report."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_jsonable"]


def to_jsonable(obj: Any, *, digits: int = 10) -> Any:
    """``obj`` with numpy/pandas scalars as Python ones, NaN as None, floats rounded to
    ``digits`` significant digits (so results.json does not change with the last bit of
    a sum's order), tuples as lists and dict keys as strings."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, digits=digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, digits=digits) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return to_jsonable(obj.to_dict(orient="records"), digits=digits)
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict(), digits=digits)
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if not math.isfinite(x):
            return None
        return float(f"{x:.{digits}g}")
    if isinstance(obj, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(obj).isoformat()
    return str(obj) if not isinstance(obj, str) else obj
