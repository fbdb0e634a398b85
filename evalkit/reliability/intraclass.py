"""Intraclass correlations: the six Shrout & Fleiss (1979) forms, vectorised over groups."""

from __future__ import annotations

import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from scipy import stats

from ._long import crossed_design, group_sum
from ._schema import result_frame

__all__ = ["icc", "ICC_STATISTICS"]

#: Row order and labels of :func:`icc` (R psych's labels).
ICC_STATISTICS: tuple[str, ...] = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")

_CI_METHODS = ("shrout_fleiss", "mcgraw_wong")
_NAN_POLICIES = ("listwise", "raise")


def icc(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    groups: Hashable | None = None,
    confidence: float = 0.95,
    nan_policy: str = "listwise",
    ci: str = "shrout_fleiss",
) -> pd.DataFrame:
    """Intraclass correlation coefficients: all six Shrout & Fleiss forms, with F tests and CIs.

    Each target (e.g. an employee) is rated by each of the same ``k`` raters (e.g. the
    rating sources). The function returns ICC(1,1), ICC(2,1), ICC(3,1) and their
    average-measure versions ICC(1,k), ICC(2,k), ICC(3,k) as R ``psych::ICC`` and
    ``pingouin.intraclass_corr`` compute them, but unrounded, from the sums of squares
    (no ANOVA engine), and - with ``groups=`` - for every group in one vectorised pass.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per rating.
    targets, raters, ratings : str
        Columns of the rated object, of the rater, and of the numeric rating.
    groups : str, optional
        Column of a grouping (e.g. ``unit_id``): one set of six rows per group, each equal
        to :func:`icc` applied to that group's rows alone. Targets and raters are
        identified within their group.
    confidence : float, default 0.95
        Level of the two-sided confidence intervals.
    nan_policy : {"listwise", "raise"}, default "listwise"
        ``"listwise"`` drops every target that lacks a rating of one of its group's raters
        (a rater counts if they gave at least one rating in the group), as
        ``pingouin.intraclass_corr(nan_policy="omit")`` and R ``irr::icc`` do; the number
        dropped is returned in ``n_dropped``. ``"raise"`` raises instead.
    ci : {"shrout_fleiss", "mcgraw_wong"}, default "shrout_fleiss"
        Interval of ICC2k. ``"shrout_fleiss"``: the Spearman-Brown transform of the ICC2
        bounds (R psych, pingouin). ``"mcgraw_wong"``: McGraw & Wong's own ICC(A,k)
        interval as R ``irr::icc(model="twoway", type="agreement", unit="average")``
        reports it. The five other intervals are the same under both conventions.

    Returns
    -------
    pandas.DataFrame
        Six rows (per group), in the shared schema plus detail columns:

        - ``group``: the group label (only with ``groups=``).
        - ``statistic``: ``ICC1`` one-way random, single rater = ICC(1,1);
          ``ICC2`` two-way random, absolute agreement, single = ICC(A,1);
          ``ICC3`` two-way mixed, consistency, single = ICC(C,1);
          ``ICC1k``, ``ICC2k`` (= ICC(A,k)), ``ICC3k`` (= ICC(C,k)): mean of k raters.
        - ``estimate``: the coefficient.
        - ``se``: NaN (inference is F-based).
        - ``ci_low``, ``ci_high``: F-based confidence bounds.
        - ``p_val``: p-value of the F test of ICC = 0.
        - ``n_targets``: targets used (after listwise deletion); ``n_raters``: k.
        - ``f_stat``, ``df1``, ``df2``: the F test (MSR/MSW for ICC1/ICC1k, MSR/MSE else).
        - ``n_dropped``: targets dropped by listwise deletion.
        - ``ci_method``: the interval convention (``ci``).

    Raises
    ------
    ValueError
        Missing columns, non-numeric ratings, the same rater rating a target twice,
        fewer than two targets or raters (without ``groups=``), missing ratings with
        ``nan_policy="raise"``, or an invalid option.

    Notes
    -----
    With ``n`` targets and ``k`` raters, row (target) means :math:`\\bar x_{i.}`, column
    (rater) means :math:`\\bar x_{.j}` and grand mean :math:`\\bar x`:
    MSR = k Σ(x̄_i. − x̄)²/(n−1), MSC = n Σ(x̄_.j − x̄)²/(k−1),
    MSW = ΣΣ(x_ij − x̄_i.)²/(n(k−1)), MSE = ΣΣ(x_ij − x̄_i. − x̄_.j + x̄)²/((n−1)(k−1)).

    ICC1 = (MSR−MSW)/(MSR+(k−1)MSW), ICC1k = (MSR−MSW)/MSR;
    ICC2 = (MSR−MSE)/(MSR+(k−1)MSE+k(MSC−MSE)/n), ICC2k = (MSR−MSE)/(MSR+(MSC−MSE)/n);
    ICC3 = (MSR−MSE)/(MSR+(k−1)MSE), ICC3k = (MSR−MSE)/MSR.

    F tests: F = MSR/MSW on (n−1, n(k−1)) df for ICC1/ICC1k; F = MSR/MSE on
    (n−1, (n−1)(k−1)) df for the others. Intervals: Shrout & Fleiss (1979) for ICC1, ICC3
    and their k-forms; McGraw & Wong (1996) with Satterthwaite df for ICC2; ICC2k as set by
    ``ci``. Groups where ICC is not estimable (fewer than two complete targets or two
    raters) get NaN with a warning; when all ratings in a group are equal the ICCs are
    0/0 and are returned as NaN, and so is a form whose denominator vanishes (an
    average-measure form when its single-measure form sits at the bound −1/(k−1)). The sums of squares are accumulated per group with
    :func:`numpy.bincount`: time and memory are linear in the number of ratings.

    Which form to report: ICC1 when each target has its own raters; ICC2 (absolute
    agreement) when the raters are a random sample and their level matters; ICC3
    (consistency) when only the ordering matters. Koo & Li (2016): < .50 poor,
    .50-.75 moderate, .75-.90 good, > .90 excellent.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
    rater reliability. Psychological Bulletin, 86(2), 420-428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
    correlation coefficients. Psychological Methods, 1(1), 30-46.
    Koo, T. K., & Li, M. Y. (2016). Journal of Chiropractic Medicine, 15(2), 155-163.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: six targets, four judges.

    >>> import pandas as pd
    >>> import evalkit as ek
    >>> wide = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> df = pd.DataFrame(
    ...     [(t, j, x) for t, row in enumerate(wide) for j, x in enumerate(row)],
    ...     columns=["target", "judge", "score"],
    ... )
    >>> res = ek.icc(df, "target", "judge", "score")
    >>> res.set_index("statistic")["estimate"].round(4).to_dict()
    {'ICC1': 0.1657, 'ICC2': 0.2898, 'ICC3': 0.7148, 'ICC1k': 0.4428, 'ICC2k': 0.6201, 'ICC3k': 0.9093}
    """
    func = "icc"
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be between 0 and 1, got {confidence!r}")
    if nan_policy not in _NAN_POLICIES:
        raise ValueError(f"{func}: nan_policy must be one of {_NAN_POLICIES}, got {nan_policy!r}")
    if ci not in _CI_METHODS:
        raise ValueError(f"{func}: ci must be one of {_CI_METHODS}, got {ci!r}")

    d = crossed_design(data, targets, raters, ratings, groups, func, nan_policy=nan_policy)
    n, k, glabels, n_all_targets = d.n, d.k, d.labels, d.n_all
    n_groups = d.n_groups
    t, r, x, g = d.t, d.r, d.x, d.g
    t_group, r_group = d.t_group, d.r_group
    complete, rater_seen = d.complete, d.rater_seen
    n_t, n_r = len(t_group), len(r_group)

    with np.errstate(divide="ignore", invalid="ignore"):
        grand = group_sum(g, x, n_groups) / (n * k)
        row_mean = group_sum(t, x, n_t) / k[t_group]
        col_mean = group_sum(r, x, n_r) / n[r_group]
        dev_row = row_mean - grand[t_group]
        dev_col = col_mean - grand[r_group]
        ssr = k * group_sum(t_group[complete], dev_row[complete] ** 2, n_groups)
        ssc = n * group_sum(r_group[rater_seen], dev_col[rater_seen] ** 2, n_groups)
        ssw = group_sum(g, (x - row_mean[t]) ** 2, n_groups)
        resid = x - row_mean[t] - col_mean[r] + grand[g]
        sse = group_sum(g, resid**2, n_groups)

    valid = (n >= 2) & (k >= 2)
    if not valid.all():
        bad = ~valid
        if glabels is None:
            raise ValueError(
                f"{func}: ICC needs at least two targets rated by the same two or more raters; "
                f"found {int(n[0])} complete target(s) and {int(k[0])} rater(s)"
                + (
                    f" after dropping {int(n_all_targets[0] - n[0])} incomplete target(s)"
                    if n_all_targets[0] > n[0]
                    else ""
                )
            )
        warnings.warn(
            f"{func}: ICC is not estimable (fewer than two complete targets or two raters) "
            f"in {int(bad.sum())} group(s), e.g. {list(glabels[bad][:5])}; returned as NaN",
            RuntimeWarning,
            stacklevel=2,
        )
    n_ = np.where(valid, n, np.nan)
    k_ = np.where(valid, k, np.nan)
    est, lo, hi, fstat, df1, df2, pval = _icc_from_ss(
        n_, k_, ssr, ssc, ssw, sse, 1.0 - confidence, ci
    )

    rows = {
        "statistic": np.tile(np.array(ICC_STATISTICS, dtype=object), n_groups),
        "estimate": est.ravel(),
        "ci_low": lo.ravel(),
        "ci_high": hi.ravel(),
        "p_val": pval.ravel(),
        "n_targets": np.repeat(n, 6),
        "n_raters": np.repeat(k, 6),
    }
    if glabels is not None:
        rows["group"] = np.repeat(glabels.to_numpy(dtype=object), 6)
    out = result_frame(pd.DataFrame(rows), group="group" if glabels is not None else None)
    out["f_stat"] = fstat.ravel()
    out["df1"] = df1.ravel()
    out["df2"] = df2.ravel()
    out["n_dropped"] = pd.array(np.repeat(n_all_targets - n, 6).round(), dtype="Int64")
    out["ci_method"] = ci
    return out


def _icc_from_ss(n, k, ssr, ssc, ssw, sse, alpha, ci):
    """The six ICCs, their F tests and intervals from per-group sums of squares.

    All arguments are arrays over groups; returns arrays of shape (groups, 6) in the
    order of :data:`ICC_STATISTICS`.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        msr = ssr / (n - 1)
        msc = ssc / (k - 1)
        msw = ssw / (n * (k - 1))
        mse = sse / ((n - 1) * (k - 1))

        # a denominator that vanishes up to rounding leaves the ICC undefined (NaN), not
        # +-1e16: e.g. ICC2 at its bound -1/(k-1) makes ICC2k's denominator 0
        scale = msr + msc + msw + mse

        def ratio(num, den):
            return np.where(np.abs(den) > 1e-12 * scale, num / den, np.nan)

        icc1 = ratio(msr - msw, msr + (k - 1) * msw)
        icc2 = ratio(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)
        icc3 = ratio(msr - mse, msr + (k - 1) * mse)
        icc1k = ratio(msr - msw, msr)
        icc2k = ratio(msr - mse, msr + (msc - mse) / n)
        icc3k = ratio(msr - mse, msr)

        df_r = n - 1
        df_w = n * (k - 1)
        df_e = (n - 1) * (k - 1)
        f1 = msr / msw
        f3 = msr / mse
        p1 = stats.f.sf(f1, df_r, df_w)
        p3 = stats.f.sf(f3, df_r, df_e)

        q = 1 - alpha / 2
        f1l = f1 / stats.f.ppf(q, df_r, df_w)
        f1u = f1 * stats.f.ppf(q, df_w, df_r)
        f3l = f3 / stats.f.ppf(q, df_r, df_e)
        f3u = f3 * stats.f.ppf(q, df_e, df_r)
        l1, u1 = (f1l - 1) / (f1l + k - 1), (f1u - 1) / (f1u + k - 1)
        l3, u3 = (f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)
        l1k, u1k = 1 - 1 / f1l, 1 - 1 / f1u
        l3k, u3k = 1 - 1 / f3l, 1 - 1 / f3u

        # ICC2: McGraw & Wong (1996) with Satterthwaite df v (as psych, pingouin and irr)
        l2, u2 = _agreement_bounds(icc2, n, k, msr, msc, mse, q, single=True)
        if ci == "shrout_fleiss":
            l2k = l2 * k / (1 + l2 * (k - 1))
            u2k = u2 * k / (1 + u2 * (k - 1))
        else:
            l2k, u2k = _agreement_bounds(icc2k, n, k, msr, msc, mse, q, single=False)

    est = np.column_stack([icc1, icc2, icc3, icc1k, icc2k, icc3k])
    lo = np.column_stack([l1, l2, l3, l1k, l2k, l3k])
    hi = np.column_stack([u1, u2, u3, u1k, u2k, u3k])
    fstat = np.column_stack([f1, f3, f3, f1, f3, f3])
    df1 = np.column_stack([df_r] * 6)
    df2 = np.column_stack([df_w, df_e, df_e, df_w, df_e, df_e])
    pval = np.column_stack([p1, p3, p3, p1, p3, p3])
    return est, lo, hi, fstat, df1, df2, pval


def _agreement_bounds(coef, n, k, msr, msc, mse, q, *, single):
    """McGraw & Wong (1996) bounds of ICC(A,1) (``single``) or ICC(A,k), as R irr computes.

    irr evaluates the Satterthwaite df ``v`` at the coefficient being bounded (ICC(A,1) or
    ICC(A,k)); the ICC(A,k) bounds then use (MSC − MSE) in place of k·MSC + (kn−k−n)·MSE.
    """
    a = k * coef / (n * (1 - coef))
    b = 1 + k * coef * (n - 1) / (n * (1 - coef))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    fl = stats.f.ppf(q, n - 1, v)
    fu = stats.f.ppf(q, v, n - 1)
    if single:
        c = k * msc + (k * n - k - n) * mse
    else:
        c = msc - mse
    lo = n * (msr - fl * mse) / (fl * c + n * msr)
    hi = n * (fu * msr - mse) / (c + n * fu * msr)
    return lo, hi
