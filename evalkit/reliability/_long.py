"""Shared helpers for long (tidy) rating data: input checks, integer codes, per-group sums.

Every reliability function takes long data (one row per rating) and names its columns.
These helpers turn such a frame into integer codes (``numpy.ndarray`` of ``intp``) and
float ratings, check the input once with messages for people, and compute per-group
sums with :func:`numpy.bincount`, so that statistics are vectorised over groups instead
of looping over them in Python.

The helpers are stable and may be imported by the other reliability modules.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "bootstrap_counts",
    "percentile_interval",
    "rowwise_group_sum",
    "CrossedDesign",
    "crossed_design",
    "as_numeric",
    "check_columns",
    "check_unique_cells",
    "codes",
    "group_codes",
    "group_sum",
    "nested_codes",
]


def check_columns(data: object, func: str, **columns: Hashable | Sequence[Hashable] | None) -> None:
    """Check that ``data`` is a DataFrame holding every named column.

    Parameters
    ----------
    data
        The input frame.
    func
        Name of the calling public function (for the message).
    **columns
        Argument name -> column name (or list of column names, or ``None`` to skip).

    Raises
    ------
    TypeError
        ``data`` is not a :class:`pandas.DataFrame`.
    ValueError
        A column is not in ``data``; the message names the argument and lists the columns.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: data must be a pandas DataFrame in long form (one row per rating), "
            f"got {type(data).__name__}"
        )
    for arg, col in columns.items():
        if col is None:
            continue
        cols = list(col) if isinstance(col, list | tuple) else [col]
        if not cols:
            raise ValueError(f"{func}: {arg}= names no column")
        for c in cols:
            if c not in data.columns:
                raise ValueError(
                    f"{func}: {arg}={c!r} is not a column of data; "
                    f"the columns are {list(data.columns)}"
                )


def as_numeric(data: pd.DataFrame, column: Hashable, func: str) -> np.ndarray:
    """The column as a float64 array, missing values (``None``, ``pd.NA``, NaN) as NaN.

    Raises
    ------
    ValueError
        The column is not numeric (e.g. text codes): the message says what was found.
    """
    s = data[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype)
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        bad = s.dropna()
        example = bad.iloc[0] if len(bad) else None
        raise ValueError(
            f"{func}: column {column!r} must hold numbers, found dtype {s.dtype} "
            f"(e.g. {example!r}); convert it with pandas.to_numeric first"
        )
    x = s.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(x).any():
        raise ValueError(f"{func}: column {column!r} holds infinite values")
    return x


def codes(series: pd.Series, func: str, what: str) -> tuple[np.ndarray, pd.Index]:
    """Integer codes ``0..m-1`` of an id column and the labels they stand for.

    Raises
    ------
    ValueError
        The column has missing ids (a rating must say whose it is).
    """
    c, labels = pd.factorize(series, sort=True)
    if (c < 0).any():
        n = int((c < 0).sum())
        raise ValueError(
            f"{func}: {what} column {series.name!r} has {n} missing value(s); "
            f"every rating needs a {what} id"
        )
    return c.astype(np.intp), pd.Index(labels, name=series.name)


def group_codes(
    data: pd.DataFrame, groups: Hashable | None, func: str
) -> tuple[np.ndarray, pd.Index | None]:
    """Codes of the ``groups`` column (all zero when ``groups`` is None) and its labels."""
    if groups is None:
        return np.zeros(len(data), dtype=np.intp), None
    return codes(data[groups], func, "groups")


def nested_codes(outer: np.ndarray, inner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct ``(outer, inner)`` pairs and the outer code of each pair.

    Pairs are numbered in sorted order of ``(outer, inner)``, so the pairs of one outer
    group are contiguous.
    """
    m = int(inner.max()) + 1 if inner.size else 1
    key = outer.astype(np.int64) * m + inner
    uniq, c = np.unique(key, return_inverse=True)
    return c.astype(np.intp).ravel(), (uniq // m).astype(np.intp)


def group_sum(codes_: np.ndarray, values: np.ndarray | None, n: int) -> np.ndarray:
    """Per-code sums (counts when ``values`` is None) as float64 of length ``n``."""
    return np.bincount(codes_, weights=values, minlength=n).astype(np.float64)


def check_unique_cells(
    data: pd.DataFrame, cell: np.ndarray, func: str, columns: Sequence[Hashable]
) -> None:
    """Raise if two rows share a cell code (e.g. the same rater rating the same target twice).

    Parameters
    ----------
    cell
        One integer code per row identifying its cell.
    columns
        The columns that define the cell (named in the message, with the first duplicate).
    """
    if cell.size < 2:
        return
    order = np.argsort(cell, kind="stable")  # O(N log N) time, O(N) memory
    sorted_ = cell[order]
    same = sorted_[1:] == sorted_[:-1]
    if same.any():
        n_cells = int(np.count_nonzero(same & ~np.r_[False, same[:-1]]))
        first = data.iloc[int(order[np.argmax(same)])][list(columns)].to_dict()
        raise ValueError(
            f"{func}: {n_cells} cell(s) of {list(columns)} hold more than one "
            f"rating, e.g. {first}; keep one rating per cell (average them first if they are "
            f"repeated measurements)"
        )


class CrossedDesign:
    """Targets crossed with raters within groups, after listwise deletion of targets.

    Built by :func:`crossed_design`. Arrays over kept ratings: ``x`` (rating), ``t``
    (target code), ``r`` (rater code), ``g`` (group code). Arrays over targets:
    ``t_group`` (group of each target), ``complete`` (target kept); over raters:
    ``r_group``, ``rater_seen`` (rater gave a rating in their group). Arrays over
    groups: ``n`` (targets kept), ``k`` (raters), ``n_all`` (targets in the data).
    ``labels`` holds the group labels (``None`` without groups).
    """

    __slots__ = (
        "complete",
        "g",
        "k",
        "labels",
        "n",
        "n_all",
        "r",
        "r_group",
        "rater_seen",
        "t",
        "t_group",
        "x",
    )

    def __init__(self, **kw: object) -> None:
        for key, value in kw.items():
            setattr(self, key, value)

    @property
    def n_groups(self) -> int:
        return len(self.n)


def crossed_design(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    groups: Hashable | None,
    func: str,
    *,
    nan_policy: str = "listwise",
) -> CrossedDesign:
    """Codes of a targets × raters design per group, keeping only complete targets.

    A rater belongs to a group when they gave at least one (non-missing) rating in it;
    a target is complete when every rater of its group rated it. With
    ``nan_policy="listwise"`` incomplete targets are dropped (as R ``na.omit`` on the
    wide table and ``pingouin.intraclass_corr(nan_policy="omit")``); with ``"raise"``
    they raise. Two ratings of one target by one rater raise.
    """
    check_columns(data, func, targets=targets, raters=raters, ratings=ratings, groups=groups)
    x_all = as_numeric(data, ratings, func)
    g_all, labels = group_codes(data, groups, func)
    t_raw, _ = codes(data[targets], func, "targets")
    r_raw, _ = codes(data[raters], func, "raters")
    n_groups = len(labels) if labels is not None else 1
    t_all, t_group = nested_codes(g_all, t_raw)
    r_all, r_group = nested_codes(g_all, r_raw)
    n_t, n_r = len(t_group), len(r_group)

    ok = ~np.isnan(x_all)
    t, r, x = t_all[ok], r_all[ok], x_all[ok]
    sub = data if ok.all() else data.iloc[np.flatnonzero(ok)]
    cols = [c for c in (groups, targets, raters) if c is not None]
    check_unique_cells(sub, t.astype(np.int64) * n_r + r, func, cols)

    rater_seen = group_sum(r, None, n_r) > 0
    k = group_sum(r_group[rater_seen], None, n_groups)
    complete = group_sum(t, None, n_t) == k[t_group]
    if nan_policy == "raise" and (not ok.all() or not complete.all()):
        raise ValueError(
            f"{func}: {int((~ok).sum())} missing rating(s) and "
            f"{int((~complete).sum())} target(s) not rated by every rater of their group; "
            "pass nan_policy='listwise' to drop those targets"
        )
    keep = complete[t]
    t, r, x = t[keep], r[keep], x[keep]
    return CrossedDesign(
        x=x,
        t=t,
        r=r,
        g=t_group[t],
        t_group=t_group,
        complete=complete,
        r_group=r_group,
        rater_seen=rater_seen,
        n=group_sum(t_group[complete], None, n_groups),
        k=k,
        n_all=group_sum(t_group, None, n_groups),
        labels=labels,
    )


def bootstrap_counts(unit_group: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """How often each unit is drawn in each bootstrap replicate, resampling within groups.

    Every group of ``n_g`` units gets ``n_g`` draws with replacement from its own units
    in every replicate (a stratified nonparametric bootstrap).

    Parameters
    ----------
    unit_group
        Group code of each resampled unit (e.g. the group of each rater).
    n_boot
        Number of replicates.
    rng
        The random generator (seeded by the caller).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_boot, n_units)``, float64 counts; each replicate's counts sum to the
        group sizes.
    """
    n_units = len(unit_group)
    order = np.argsort(unit_group, kind="stable")
    size = np.bincount(unit_group, minlength=int(unit_group.max()) + 1 if n_units else 0)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    slot_group = unit_group[order]  # one draw per unit slot, in group order
    u = rng.random((n_boot, n_units))
    pick = order[start[slot_group] + np.floor(u * size[slot_group]).astype(np.intp)]
    key = (np.arange(n_boot)[:, None] * n_units + pick).ravel()
    return np.bincount(key, minlength=n_boot * n_units).reshape(n_boot, n_units).astype(float)


def rowwise_group_sum(values: np.ndarray, codes_: np.ndarray, n: int) -> np.ndarray:
    """Per-code sums of each row of a 2-D array: ``(B, N)`` values → ``(B, n)`` sums."""
    B = values.shape[0]
    key = (np.arange(B)[:, None] * n + codes_[None, :]).ravel()
    return np.bincount(key, weights=values.ravel(), minlength=B * n).reshape(B, n)


def percentile_interval(boot: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bounds over axis 0, ignoring NaN replicates (all-NaN columns give NaN)."""
    q = [(1 - confidence) / 2, 1 - (1 - confidence) / 2]
    ok = np.isfinite(boot).any(axis=0)
    lo = np.full(boot.shape[1], np.nan)
    hi = np.full(boot.shape[1], np.nan)
    if ok.any():
        bounds = np.nanquantile(boot[:, ok], q, axis=0)
        lo[ok], hi[ok] = bounds
    return lo, hi
