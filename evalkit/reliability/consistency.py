"""Consistency statistics: Kendall's coefficient of concordance W and Cronbach's alpha."""

from __future__ import annotations

import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from scipy import stats

from ._long import (
    as_numeric,
    bootstrap_counts,
    check_columns,
    check_unique_cells,
    codes,
    crossed_design,
    group_codes,
    group_sum,
    nested_codes,
    percentile_interval,
    rowwise_group_sum,
)
from ._schema import result_frame

__all__ = ["cronbach_alpha", "kendall_w"]


def kendall_w(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    groups: Hashable | None = None,
    correct_ties: bool = True,
    n_boot: int = 0,
    confidence: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """Kendall's coefficient of concordance W: do the raters put the targets in the same order?

    Each rater's ratings are turned into ranks **of the targets** (rank 1 = lowest rating;
    tied ratings share their average rank); W measures how similar the raters' rankings
    are, from 0 (no agreement) to 1 (identical rankings). Targets are the "objects
    ranked", raters the "judges" - as ``irr::kendall(ratings)`` with targets in rows and
    raters in columns, and as ``pingouin.friedman(data, dv=ratings, within=targets,
    subject=raters)``.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per rating.
    targets, raters, ratings : str
        Columns of the ranked object, of the rater (judge), and of the numeric rating.
    groups : str, optional
        Column of a grouping; one row per group, equal to :func:`kendall_w` on the group.
    correct_ties : bool, default True
        Apply the tie correction (Kendall & Babington Smith 1939), as
        ``irr::kendall(correct=TRUE)`` and pingouin.
    n_boot : int, default 0
        Bootstrap replicates for a percentile confidence interval (0: none; W has no
        analytic interval). The targets are resampled with replacement within their
        group and every rater ranks the resample (copies of a target tie).
    confidence : float, default 0.95
        Level of the bootstrap interval.
    seed : int or numpy.random.Generator, default 0
        Seed of the bootstrap: the same seed gives the same interval. A grouped call and
        per-group calls draw different resamples (bounds agree within Monte-Carlo error).

    Returns
    -------
    pandas.DataFrame
        One row (per group) in the shared schema plus detail columns:

        - ``group``: the group label (only with ``groups=``).
        - ``statistic``: ``kendall_w``.
        - ``estimate``: W.
        - ``se``, ``ci_low``, ``ci_high``: bootstrap standard error and percentile
          interval (NaN without ``n_boot``).
        - ``p_val``: p-value of Friedman's χ² = m(n−1)W on n−1 df.
        - ``n_targets``: n, targets ranked (after listwise deletion); ``n_raters``: m.
        - ``chi2``, ``df``: the χ² test.
        - ``n_dropped``: targets dropped because a rater of their group did not rate them.

    Notes
    -----
    With m raters, n targets and R_i the sum of the ranks of target i,
    S = Σ_i (R_i − m(n+1)/2)² and W = 12 S / (m²(n³ − n) − m T), where
    T = Σ_raters Σ_ties (t³ − t) over the tied sets of each rater (T = 0 without the
    correction). Missing ratings: a ranking needs every target, so targets not rated by
    every rater are dropped (listwise, as irr). Groups with fewer than two targets or
    raters, or in which every rater gives every target the same rating, get NaN (W is
    0/0) with a warning; without ``groups=`` too few targets or raters raise.

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. Annals of
    Mathematical Statistics, 10(3), 275-287.
    Siegel, S., & Castellan, N. J. (1988). Nonparametric statistics for the behavioral
    sciences (2nd ed.), §9.4.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({
    ...     "employee": [1, 2, 3, 4] * 3,
    ...     "rater": ["a"] * 4 + ["b"] * 4 + ["c"] * 4,
    ...     "score": [1, 2, 3, 4, 1, 3, 2, 4, 2, 1, 3, 4],
    ... })
    >>> float(ek.kendall_w(df, "employee", "rater", "score")["estimate"].iloc[0])
    0.7777777777777778
    """
    func = "kendall_w"
    if n_boot < 0 or int(n_boot) != n_boot:
        raise ValueError(f"{func}: n_boot must be a non-negative integer, got {n_boot!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be between 0 and 1, got {confidence!r}")
    d = crossed_design(data, targets, raters, ratings, groups, func)
    n, m, G = d.n, d.k, d.n_groups
    n_t = len(d.t_group)

    # average ranks of the targets within each rater (raters are coded within groups)
    rank = (
        pd.Series(d.x).groupby(d.r).rank(method="average").to_numpy(dtype=np.float64)
        if d.x.size
        else d.x
    )
    rsum = group_sum(d.t, rank, n_t)
    dev = rsum - (m * (n + 1) / 2)[d.t_group]
    s = group_sum(d.t_group[d.complete], dev[d.complete] ** 2, G)

    n_r = len(d.r_group)
    tie_r = np.zeros(n_r)  # Σ (t³ − t) over the tied sets of each rater
    if correct_ties and d.x.size:
        cell, cell_rater = nested_codes(d.r, pd.factorize(d.x)[0].astype(np.intp))
        t_sizes = group_sum(cell, None, len(cell_rater))
        tie_r = group_sum(cell_rater, t_sizes**3 - t_sizes, n_r)
    tie = group_sum(d.r_group, tie_r, G)

    valid = (n >= 2) & (m >= 2)
    _warn_or_raise(
        valid,
        d.labels,
        func,
        "W needs at least two targets ranked by two raters",
        f"{int(n[0])} complete target(s) and {int(m[0])} rater(s)",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        nn = np.where(valid, n, np.nan)
        w = 12 * s / (m**2 * (nn**3 - nn) - m * tie)
        chi2 = m * (nn - 1) * w
        df = nn - 1
        p = stats.chi2.sf(chi2, df)
    rows = {
        "statistic": "kendall_w",
        "estimate": w,
        "p_val": p,
        "n_targets": n,
        "n_raters": m,
    }
    if n_boot and d.x.size:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        boot = _kendall_bootstrap(d, int(n_boot), rng, np.where(valid, n, np.nan), correct_ties)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rows["se"] = np.nanstd(boot, axis=0, ddof=1)
        rows["ci_low"], rows["ci_high"] = percentile_interval(boot, confidence)
    if d.labels is not None:
        rows["group"] = d.labels.to_numpy(dtype=object)
    out = result_frame(pd.DataFrame(rows), group="group" if d.labels is not None else None)
    out["chi2"] = chi2
    out["df"] = df
    out["n_dropped"] = pd.array((d.n_all - n).round(), dtype="Int64")
    return out


def cronbach_alpha(
    data: pd.DataFrame,
    subjects: Hashable,
    items: Hashable,
    scores: Hashable,
    *,
    groups: Hashable | None = None,
    nan_policy: str = "pairwise",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of a scale: how consistently its items measure one thing.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per (subject, item) score. For a wide table (one column per
        item, e.g. the SKM answers ``u1``…``u9``) melt it first:
        ``df.melt(id_vars="response_id", value_vars=items, var_name="item", value_name="score")``.
    subjects, items, scores : str
        Columns of the respondent, of the item, and of the numeric score.
    groups : str, optional
        Column of a grouping; one row per group, equal to :func:`cronbach_alpha` on the
        group. The items of a group are those with at least one score in it.
    nan_policy : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"``: each item covariance from the subjects who answered both items
        (``psych::alpha(use="pairwise")``, pingouin's default). ``"listwise"``: only
        subjects who answered every item (``use="complete.obs"``).
    confidence : float, default 0.95
        Level of Feldt's confidence interval.

    Returns
    -------
    pandas.DataFrame
        One row (per group) in the shared schema:

        - ``group``: the group label (only with ``groups=``).
        - ``statistic``: ``cronbach_alpha``.
        - ``estimate``: alpha.
        - ``se``: NaN.
        - ``ci_low``, ``ci_high``: Feldt (1965) interval, as pingouin (unrounded).
        - ``p_val``: Feldt's F test of alpha = 0: F = 1/(1 − alpha) on
          (n − 1, (n − 1)(k − 1)) df.
        - ``n_targets``: n, subjects (pairwise: with at least one score; listwise: with
          all); ``n_raters``: k, items.

    Notes
    -----
    alpha = k/(k − 1) · (1 − Σ_j s²_j / Σ_j Σ_l s_jl), with the item covariance matrix
    (s_jl). Feldt: 1 − (1 − alpha)·F_{1−γ/2} ≤ alpha ≤ 1 − (1 − alpha)·F_{γ/2} with
    F quantiles on (n − 1, (n − 1)(k − 1)) df and γ = 1 − confidence; n is the number of
    subjects used. (With listwise deletion, ``psych::alpha`` 2.2.9 and pingouin 0.7 count
    the dropped subjects in n too, which narrows their interval; with pairwise deletion
    and on complete data the intervals agree.) On complete data
    alpha equals ICC3k of :func:`evalkit.icc` (items as raters), with the same F test.
    Per group, the covariances are accumulated over item pairs with
    :func:`numpy.bincount` (a loop over the k(k+1)/2 item pairs, never over groups).
    Fewer than two items or subjects raise without ``groups=`` and give NaN with a
    warning per group; a scale whose total has zero variance gives NaN.
    Reading (Nunnally 1978; George & Mallery 2003): ≥ .70 acceptable, ≥ .80 good,
    ≥ .90 excellent.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16(3), 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
    reliability coefficient twenty. Psychometrika, 30(3), 357-370.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> wide = pd.DataFrame({"u1": [3, 4, 2, 4, 3], "u2": [3, 4, 2, 3, 3], "u3": [2, 4, 1, 4, 3]})
    >>> long = wide.reset_index(names="response").melt(
    ...     id_vars="response", var_name="item", value_name="score")
    >>> round(float(ek.cronbach_alpha(long, "response", "item", "score")["estimate"].iloc[0]), 4)
    0.92
    """
    func = "cronbach_alpha"
    check_columns(data, func, subjects=subjects, items=items, scores=scores, groups=groups)
    if nan_policy not in ("pairwise", "listwise"):
        raise ValueError(f"{func}: nan_policy must be 'pairwise' or 'listwise', got {nan_policy!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be between 0 and 1, got {confidence!r}")

    x_all = as_numeric(data, scores, func)
    g_all, labels = group_codes(data, groups, func)
    G = len(labels) if labels is not None else 1
    s_raw, _ = codes(data[subjects], func, "subjects")
    j_all, item_labels = codes(data[items], func, "items")
    K = len(item_labels)
    s_all, s_group = nested_codes(g_all, s_raw)
    check_unique_cells(
        data,
        s_all.astype(np.int64) * K + j_all,
        func,
        [c for c in (groups, subjects, items) if c is not None],
    )

    ok = ~np.isnan(x_all)
    S = len(s_group)
    wide = np.full((S, K), np.nan)
    wide[s_all[ok], j_all[ok]] = x_all[ok]
    answered = ~np.isnan(wide)
    # items of a group: those with at least one score in it
    item_in_group = np.zeros((G, K), dtype=bool)
    item_in_group[s_group[s_all[ok]], j_all[ok]] = True
    k = item_in_group.sum(axis=1).astype(np.float64)
    has_any = answered.any(axis=1)
    if nan_policy == "listwise":
        use = (answered == item_in_group[s_group]).all(axis=1) & has_any
    else:
        use = has_any
    n = group_sum(s_group[use], None, G)

    cov = np.full((G, K, K), np.nan)
    for a in range(K):
        for b in range(a, K):
            both = use & answered[:, a] & answered[:, b]
            gg = s_group[both]
            xa, xb = wide[both, a], wide[both, b]
            cnt = group_sum(gg, None, G)
            with np.errstate(divide="ignore", invalid="ignore"):
                ma = group_sum(gg, xa, G) / cnt
                mb = group_sum(gg, xb, G) / cnt
                c = group_sum(gg, (xa - ma[gg]) * (xb - mb[gg]), G) / (cnt - 1)
            c[cnt < 2] = np.nan
            cov[:, a, b] = c
            cov[:, b, a] = c

    present = item_in_group[:, :, None] & item_in_group[:, None, :]
    cov_p = np.where(present, cov, 0.0)
    bad_cov = (present & np.isnan(cov)).any(axis=(1, 2))
    total = cov_p.sum(axis=(1, 2))
    trace = np.einsum("gjj->g", cov_p)

    valid = (n >= 2) & (k >= 2)
    _warn_or_raise(
        valid,
        labels,
        func,
        "alpha needs at least two items and two subjects",
        f"{int(n[0])} subject(s) and {int(k[0])} item(s)",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        kk = np.where(valid, k, np.nan)
        alpha = kk / (kk - 1) * (1 - trace / total)
        alpha[bad_cov | (total <= 0)] = np.nan
        df1 = n - 1
        df2 = df1 * (kk - 1)
        gam = 1 - confidence
        lo = 1 - (1 - alpha) * stats.f.isf(gam / 2, df1, df2)
        hi = 1 - (1 - alpha) * stats.f.isf(1 - gam / 2, df1, df2)
        p = stats.f.sf(1 / (1 - alpha), df1, df2)
    rows = {
        "statistic": "cronbach_alpha",
        "estimate": alpha,
        "ci_low": lo,
        "ci_high": hi,
        "p_val": p,
        "n_targets": n,
        "n_raters": k,
    }
    if labels is not None:
        rows["group"] = labels.to_numpy(dtype=object)
    return result_frame(pd.DataFrame(rows), group="group" if labels is not None else None)


def _kendall_bootstrap(d, n_boot, rng, n, correct_ties, chunk_cells=2_000_000):
    """Replicates of W (shape (n_boot, groups)), resampling targets within groups.

    A replicate draws n targets with replacement per group; every rater then ranks the
    drawn copies (copies of one target tie). With the copies' counts as weights, the
    ranks follow from per-rater cumulative sums over the rater's sorted distinct values,
    so no replicate is ranked one by one.
    """
    G = d.n_groups
    n_t, n_r = len(d.t_group), len(d.r_group)
    m = d.k
    vcode = pd.factorize(d.x, sort=True)[0].astype(np.intp)
    cell, cell_rater = nested_codes(d.r, vcode)  # cells sorted by (rater, value)
    n_c = len(cell_rater)
    first = np.searchsorted(cell_rater, np.arange(n_r))[cell_rater]  # rater's first cell
    target_ok = np.flatnonzero(d.complete)
    centre = (m * (n + 1) / 2)[d.t_group]
    step = max(1, chunk_cells // max(len(d.x), n_c, 1))
    out = []
    for b0 in range(0, n_boot, step):
        nb = min(step, n_boot - b0)
        w_t = np.zeros((nb, n_t))
        w_t[:, target_ok] = bootstrap_counts(d.t_group[target_ok], nb, rng)
        c = rowwise_group_sum(w_t[:, d.t], cell, n_c)  # copies per (rater, value)
        before = np.cumsum(c, axis=1) - c
        rank_cell = before - before[:, first] + (c + 1) / 2
        rsum = rowwise_group_sum(rank_cell[:, cell], d.t, n_t)  # one copy's rank sum
        s = rowwise_group_sum(w_t * (rsum - centre) ** 2, d.t_group, G)
        tie = rowwise_group_sum(c**3 - c, d.r_group[cell_rater], G) if correct_ties else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(12 * s / (m**2 * (n**3 - n) - m * tie))
    return np.concatenate(out)


def _warn_or_raise(valid, labels, func, what, found):
    """Raise (ungrouped) or warn (grouped) when some groups cannot be estimated."""
    if valid.all():
        return
    if labels is None:
        raise ValueError(f"{func}: {what}; found {found}")
    bad = ~valid
    warnings.warn(
        f"{func}: {what}; not estimable in {int(bad.sum())} group(s), "
        f"e.g. {list(labels[bad][:5])}; returned as NaN",
        RuntimeWarning,
        stacklevel=3,
    )
