"""Is aggregating individual ratings to units justified? rwg / rwg(j) and Bliese's ICC(1), ICC(2)."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._long import (
    as_numeric,
    bootstrap_counts,
    check_columns,
    codes,
    group_codes,
    group_sum,
    nested_codes,
    percentile_interval,
    rowwise_group_sum,
)
from ._schema import result_frame

__all__ = ["icc_aggregation", "rwg"]


def rwg(
    data: pd.DataFrame,
    groups: Hashable,
    ratings: Hashable | Sequence[Hashable],
    *,
    scale: tuple[int, int] = (1, 5),
    items: Hashable | None = None,
    n_boot: int = 0,
    confidence: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Within-group agreement rwg (one item) or rwg(j) (J parallel items), per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per rater (e.g. one citizen response).
    groups : str
        Column of the group whose members rate one common target (e.g. ``unit_id``).
    ratings : str or list of str
        One column: rwg of that item. A list of item columns (wide form, e.g.
        ``["u1", …, "u9"]``): rwg(j) over those items, and Lindell's r*wg(j).
    scale : (int, int), default (1, 5)
        Lowest and highest response option; A = high − low + 1 options. A rating outside
        the scale raises.
    items : str, optional
        Long form for rwg(j): ``ratings`` is one score column and ``items`` names the
        column of the item code (one row per rater and item).
    n_boot : int, default 0
        Bootstrap replicates for percentile confidence intervals (0: no interval).
        Raters are resampled with replacement within their group (stratified
        nonparametric bootstrap). Not available with ``items=`` (long form has no
        rater id to resample).
    confidence : float, default 0.95
        Level of the bootstrap intervals.
    seed : int or numpy.random.Generator, default 0
        Seed of the bootstrap: the same seed gives the same intervals. A grouped call
        and per-group calls draw different resamples, so their bounds agree only within
        Monte-Carlo error.

    Returns
    -------
    pandas.DataFrame
        One row per group (one item), or two rows per group (items: ``rwg_j`` then
        ``rwg_j_lindell``), in the shared schema:

        - ``group``: the group label.
        - ``statistic``: ``rwg``, ``rwg_j`` or ``rwg_j_lindell``.
        - ``estimate``: the index; NaN for a group with fewer than two raters.
        - ``se``: bootstrap standard error (NaN without ``n_boot``).
        - ``ci_low``, ``ci_high``: bootstrap percentile interval (NaN without ``n_boot``).
        - ``p_val``: NaN (rwg is a descriptive index; its significance needs a simulated
          null, R ``multilevel::rwg.sim``).
        - ``n_targets``: 1 (the group is the one rated target).
        - ``n_raters``: raters used in the group.
        - ``n_items``: J (1 for ``rwg``).

    Notes
    -----
    Uniform null variance σ²_EU = (A² − 1)/12 (A = 4 → 1.25, A = 5 → 2.0).
    rwg = 1 − s²/σ²_EU, with s² the within-group variance (divisor n − 1).
    rwg(j) = J(1 − s̄²/σ²_EU) / [J(1 − s̄²/σ²_EU) + s̄²/σ²_EU], with s̄² the mean item
    variance. When the observed variance reaches the null variance (s² ≥ σ²_EU) the
    index is set to 0, as R ``multilevel::rwg`` and ``rwg.j`` do (James et al. 1984).
    r*wg(j) = 1 − s̄²/σ²_EU (Lindell, Brandt & Whitney 1999) is not truncated and does
    not grow with J, as ``multilevel::rwg.j.lindell``.
    Missing values: one item drops missing ratings; wide items use the raters who
    answered every item (listwise, as ``multilevel::rwg.j``); long items (``items=``)
    use every available rating of an item. By convention ≥ .70 indicates enough
    agreement to aggregate (a rule of thumb; the uniform null overstates agreement when
    answers are skewed - LeBreton & Senter 2008).

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology, 69(1), 85-98.
    Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater
    agreement for multi-item ratings of a single target. Applied Psychological
    Measurement, 23(2), 127-135.
    Bliese, P. D. (2016). multilevel: Multilevel Functions. R package.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"unit": ["a"] * 4 + ["b"] * 3, "score": [4, 4, 5, 3, 1, 5, 3]})
    >>> ek.rwg(df, "unit", "score", scale=(1, 5))[["group", "estimate"]]
      group  estimate
    0     a  0.666667
    1     b  0.000000
    """
    func = "rwg"
    wide = isinstance(ratings, list | tuple)
    cols = list(ratings) if wide else [ratings]
    check_columns(data, func, groups=groups, ratings=cols, items=items)
    if wide and items is not None:
        raise ValueError(f"{func}: pass either a list of item columns or items=, not both")
    if n_boot and items is not None:
        raise ValueError(f"{func}: n_boot needs one row per rater (wide item columns), not items=")
    if n_boot < 0 or int(n_boot) != n_boot:
        raise ValueError(f"{func}: n_boot must be a non-negative integer, got {n_boot!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be between 0 and 1, got {confidence!r}")
    low, high = _check_scale(scale, func)
    a_opts = high - low + 1
    null_var = (a_opts**2 - 1) / 12.0

    g_all, labels = group_codes(data, groups, func)
    G = len(labels)
    X = np.column_stack([as_numeric(data, c, func) for c in cols])
    out_of_scale = (X < low) | (X > high)
    if out_of_scale.any():
        i, j = np.argwhere(out_of_scale)[0]
        raise ValueError(
            f"{func}: column {cols[j]!r} has {int(out_of_scale.sum())} value(s) outside the "
            f"declared scale {scale}, e.g. {X[i, j]!r} in row {data.index[i]!r}; "
            "fix the data or pass the right scale="
        )

    if items is not None:
        j_all, item_labels = codes(data[items], func, "items")
        x = X[:, 0]
        ok = ~np.isnan(x)
        cell, cell_group = nested_codes(g_all[ok], j_all[ok])
        item_var, cnt = _group_var(cell, x[ok], len(cell_group))
        item_var[cnt < 2] = np.nan
        has = cnt > 0
        n_items = group_sum(cell_group[has], None, G)
        mean_var = group_sum(cell_group[has], item_var[has], G) / n_items
        # raters of a group: the largest number of ratings of one item
        n_raters = np.zeros(G)
        np.maximum.at(n_raters, cell_group, cnt)
        multi = True
        use = g = None
    else:
        use = ~np.isnan(X).any(axis=1)
        g = g_all[use]
        n_raters = group_sum(g, None, G)
        n_items = np.full(G, len(cols), dtype=np.float64)
        var = np.column_stack([_group_var(g, X[use, j], G)[0] for j in range(len(cols))])
        mean_var = var.mean(axis=1)
        multi = wide

    ratio = np.where(n_raters < 2, np.nan, mean_var / null_var)
    est = _rwg_from_ratio(ratio, n_items, multi)
    se = lo = hi = [np.full(G, np.nan) for _ in est]
    if n_boot:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        boot = _rwg_bootstrap(X[use], g, G, int(n_boot), rng, null_var, n_items, multi)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # groups of one: all NaN
            se = [np.nanstd(b, axis=0, ddof=1) for b in boot]
        bounds = [percentile_interval(b, confidence) for b in boot]
        lo = [b[0] for b in bounds]
        hi = [b[1] for b in bounds]
    stats_ = ["rwg_j", "rwg_j_lindell"] if multi else ["rwg"]
    m = len(stats_)
    out = _rows(
        np.tile(np.array(stats_, dtype=object), G),
        np.column_stack(est).ravel(),
        np.repeat(n_raters, m),
        np.repeat(n_items, m),
        np.repeat(labels.to_numpy(dtype=object), m),
    )
    out["se"] = np.column_stack(se).ravel()
    out["ci_low"] = np.column_stack(lo).ravel()
    out["ci_high"] = np.column_stack(hi).ravel()
    return out


def _rwg_from_ratio(ratio: np.ndarray, n_items: np.ndarray, multi: bool) -> list[np.ndarray]:
    """rwg (one item) or [rwg(j), r*wg(j)] from s̄²/σ²_EU; truncated at 0 when ratio ≥ 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if multi:
            jj = n_items
            est = jj * (1 - ratio) / (jj * (1 - ratio) + ratio)
            est = np.where(ratio >= 1, 0.0, est)
            est = np.where(np.isnan(ratio), np.nan, est)
            return [est, 1 - ratio]
        est = np.where(ratio >= 1, 0.0, 1 - ratio)
        return [np.where(np.isnan(ratio), np.nan, est)]


def _rwg_bootstrap(X, g, G, n_boot, rng, null_var, n_items, multi, chunk_cells=2_000_000):
    """Bootstrap replicates of the rwg statistics, shape (n_boot, G) each.

    Raters (rows of ``X``) are resampled within groups; item variances come from
    per-replicate weighted sums of deviations from the observed group means (computed in
    chunks of replicates, so memory stays linear in the number of ratings).
    """
    n, J = X.shape
    cnt = group_sum(g, None, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.column_stack([group_sum(g, X[:, j], G) for j in range(J)]) / cnt[:, None]
    dev = X - means[g]
    step = max(1, chunk_cells // max(n, 1))
    parts: list[list[np.ndarray]] = []
    for b0 in range(0, n_boot, step):
        w = bootstrap_counts(g, min(step, n_boot - b0), rng)
        var = np.zeros((w.shape[0], G))
        for j in range(J):  # a loop over the items, never over groups
            s1 = rowwise_group_sum(w * dev[:, j], g, G)
            s2 = rowwise_group_sum(w * dev[:, j] ** 2, g, G)
            with np.errstate(divide="ignore", invalid="ignore"):
                var += (s2 - s1**2 / cnt) / (cnt - 1)
        ratio = np.where(cnt < 2, np.nan, var / J / null_var)
        parts.append(_rwg_from_ratio(ratio, n_items, multi))
    return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]


def icc_aggregation(
    data: pd.DataFrame,
    groups: Hashable,
    ratings: Hashable,
    *,
    by: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Bliese's ICC(1) and ICC(2): do groups differ, and how reliable are the group means?

    Parameters
    ----------
    data : pandas.DataFrame
        One row per individual rating (e.g. one citizen's overall score).
    groups : str
        Column of the group to aggregate to (e.g. ``unit_id``).
    ratings : str
        Column of the numeric rating.
    by : str, optional
        Column of an outer grouping (e.g. the rater role, or a unit when ``groups`` are
        its ratees): one pair of rows per ``by`` value, computed in one vectorised pass and
        equal to :func:`icc_aggregation` on that subset; the label goes to ``group``.
    confidence : float, default 0.95
        Level of the F-based intervals.

    Returns
    -------
    pandas.DataFrame
        Two rows (per ``by`` value), ``bliese_icc1`` then ``bliese_icc2``:

        - ``group``: the ``by`` label (only with ``by=``).
        - ``statistic``: ``bliese_icc1`` (reliability of one rating: the share of
          variance between groups) or ``bliese_icc2`` (reliability of the group means).
        - ``estimate``: the coefficient (ICC(1) can be negative).
        - ``se``: NaN.
        - ``ci_low``, ``ci_high``: F-based bounds with k = mean group size
          (Shrout & Fleiss case 1 formulas; exact when groups are equal in size,
          approximate otherwise).
        - ``p_val``: one-way ANOVA F test F = MSB/MSW on (J − 1, N − J) df (both rows).
        - ``n_targets``: J, the number of groups.
        - ``n_raters``: N, the number of ratings; the mean group size is k = N/J.
        - ``f_stat``, ``df1``, ``df2``: the F test; ``k``: the mean group size.

    Notes
    -----
    One-way ANOVA of the ratings by group: MSB between, MSW within groups.
    ICC(1) = (MSB − MSW)/(MSB + (k − 1)MSW) and ICC(2) = (MSB − MSW)/MSB, with k the
    mean group size N/J, exactly as R ``multilevel::ICC1(aov(x ~ grp))`` and ``ICC2``.
    (Bliese 2000 also gives k = (N − Σn_j²/N)/(J − 1) for unequal sizes; multilevel
    uses N/J, and so do we.) Missing ratings are dropped. Groups with a single rating
    count towards J and N, as in ``aov``. Fewer than two groups, or no group with two
    ratings, raise (without ``by=``) or give NaN with a warning (per ``by`` value); no
    within-group variance gives NaN.
    Raters needed per group for ICC(2) = c: k = c(1 − ICC(1))/(ICC(1)(1 − c)).

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:
    implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski
    (Eds.), Multilevel theory, research, and methods in organizations (pp. 349-381).

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"unit": list("aaabbbccc"), "score": [1, 2, 3, 3, 4, 5, 2, 3, 4]})
    >>> ek.icc_aggregation(df, "unit", "score")[["statistic", "estimate"]]
         statistic  estimate
    0  bliese_icc1  0.400000
    1  bliese_icc2  0.666667
    """
    func = "icc_aggregation"
    check_columns(data, func, groups=groups, ratings=ratings, by=by)
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be between 0 and 1, got {confidence!r}")
    x_all = as_numeric(data, ratings, func)
    ok = ~np.isnan(x_all)
    b_all, labels = group_codes(data, by, func)
    B = len(labels) if labels is not None else 1
    grp_raw, _ = codes(data[groups], func, "groups")
    gc, g_outer = nested_codes(b_all[ok], grp_raw[ok])
    x = x_all[ok]
    outer = b_all[ok]
    n_g = group_sum(gc, None, len(g_outer))
    with np.errstate(divide="ignore", invalid="ignore"):
        N = group_sum(outer, None, B)
        J = group_sum(g_outer, None, B)
        grand = group_sum(outer, x, B) / N
        gmean = group_sum(gc, x, len(g_outer)) / n_g
        ssb = group_sum(g_outer, n_g * (gmean - grand[g_outer]) ** 2, B)
        ssw = group_sum(outer, (x - gmean[gc]) ** 2, B)
    valid = (J >= 2) & (N - J >= 1)
    if not valid.all():
        what = "ICC(1)/ICC(2) need at least two groups and one group with two ratings"
        if labels is None:
            raise ValueError(
                f"{func}: {what}; found {int(J[0])} group(s) and {int(N[0])} rating(s)"
            )
        warnings.warn(
            f"{func}: {what}; not estimable for {int((~valid).sum())} by-value(s), e.g. "
            f"{list(labels[~valid][:5])}; returned as NaN",
            RuntimeWarning,
            stacklevel=2,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        JJ = np.where(valid, J, np.nan)
        df1, df2 = JJ - 1, N - JJ
        msb, msw = ssb / df1, ssw / df2
        k = N / J
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
        f = msb / msw
        p = stats.f.sf(f, df1, df2)
        q = 1 - (1 - confidence) / 2
        fl = f / stats.f.ppf(q, df1, df2)
        fu = f * stats.f.ppf(q, df2, df1)
    est = np.column_stack([icc1, icc2]).ravel()
    lo = np.column_stack([(fl - 1) / (fl + k - 1), 1 - 1 / fl]).ravel()
    hi = np.column_stack([(fu - 1) / (fu + k - 1), 1 - 1 / fu]).ravel()
    rows = {
        "statistic": np.tile(np.array(["bliese_icc1", "bliese_icc2"], dtype=object), B),
        "estimate": est,
        "ci_low": lo,
        "ci_high": hi,
        "p_val": np.repeat(p, 2),
        "n_targets": np.repeat(J, 2),
        "n_raters": np.repeat(N, 2),
    }
    if labels is not None:
        rows["group"] = np.repeat(labels.to_numpy(dtype=object), 2)
    out = result_frame(pd.DataFrame(rows), group="group" if labels is not None else None)
    out["f_stat"] = np.repeat(f, 2)
    out["df1"] = np.repeat(df1, 2)
    out["df2"] = np.repeat(df2, 2)
    out["k"] = np.repeat(k, 2)
    return out


def raters_needed(icc1: float | np.ndarray, target: float = 0.70) -> float | np.ndarray:
    """Raters per group for a group mean of reliability ``target`` (Spearman-Brown).

    k = target (1 − ICC(1)) / (ICC(1) (1 − target)); NaN where ICC(1) ≤ 0 (no number
    of raters is enough). methods.md §3: ICC(1) .05 → 45, .12 → 18 (17.1 rounded up),
    .20 → 10 (9.33 rounded up).

    Examples
    --------
    >>> round(float(raters_needed(0.05)), 2)
    44.33
    """
    icc1 = np.asarray(icc1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = target * (1 - icc1) / (icc1 * (1 - target))
    k = np.where(icc1 > 0, k, np.nan)
    return k if k.ndim else float(k)


def _check_scale(scale, func):
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(
            f"{func}: scale must be (lowest, highest), e.g. (1, 5); got {scale!r}"
        ) from None
    if int(low) != low or int(high) != high or high <= low:
        raise ValueError(
            f"{func}: scale must be two integers (lowest, highest) with lowest < highest; "
            f"got {scale!r}"
        )
    return int(low), int(high)


def _group_var(g: np.ndarray, x: np.ndarray, G: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sample variance (divisor n − 1; NaN below two values) and counts."""
    cnt = group_sum(g, None, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = group_sum(g, x, G) / cnt
        var = group_sum(g, (x - mean[g]) ** 2, G) / (cnt - 1)
    var[cnt < 2] = np.nan
    return var, cnt


def _rows(stat, est, n_raters, n_items, labels):
    out = result_frame(
        pd.DataFrame(
            {
                "group": labels,
                "statistic": stat,
                "estimate": est,
                "n_targets": 1,
                "n_raters": n_raters,
            }
        ),
        group="group",
    )
    out["n_items"] = pd.array(np.round(n_items), dtype="Int64")
    return out
