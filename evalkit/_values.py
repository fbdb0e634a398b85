"""Work on the distinct values of a column, spread back to its cells (private).

A column of a large study (a period, an id, a code) has millions of cells and few
distinct values; a categorical column (a large file read in blocks) holds them as its
categories already. Testing or rewriting each distinct value once, then indexing with
the cells' codes, costs one small code per cell instead of a string per cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["per_value", "recode"]


def per_value(s: pd.Series, test: Callable[[pd.Series], object]) -> np.ndarray:
    """``test`` applied to the distinct values of ``s`` (an object Series; ``None`` for
    missing cells), as a boolean numpy mask over the cells of ``s``."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, values = s.cat.codes.to_numpy(), np.asarray(s.cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        values = np.asarray(uniques, dtype=object)
    values = pd.Series([*values, None], dtype=object)  # code −1 (missing) takes the last
    return np.asarray(test(values), dtype=bool)[codes]


def recode(s: pd.Series, categories: pd.Index) -> pd.Series:
    """The categorical ``s`` with its categories replaced one for one by
    ``categories`` (the same length), values that become equal merged into one
    category; missing cells stay missing."""
    merged, uniques = pd.factorize(categories)
    old = s.cat.codes.to_numpy()
    new = np.where(old < 0, -1, merged[np.maximum(old, 0)])
    return pd.Series(pd.Categorical.from_codes(new, categories=uniques), index=s.index)
