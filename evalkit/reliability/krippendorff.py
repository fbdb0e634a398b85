"""Krippendorff's alpha (nominal, ordinal, interval, ratio) from long data, with missing values.

Alpha is computed from sums over pairable values (values in units with at least two
ratings), never from a values × values coincidence tensor:

- nominal: per-unit and per-group category counts;
- interval: per-unit and per-group sums of squared deviations (O(N));
- ordinal: the interval formula on mid-rank positions of the categories (Krippendorff's
  ordinal metric is exactly a squared difference of those positions), O(N);
- ratio: pairs within units; expected disagreement summed exactly over pairs of distinct
  values (in blocks) up to 2,000 distinct values, beyond that by an integral
  representation evaluated with the trapezoidal rule (O(V) per node, about 1e-13
  relative accuracy; tested against the exact sum).

So continuous interval data scale linearly, and memory stays linear in the number of
ratings. Groups are handled in the same pass (sums keyed by group), not in a loop.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from math import isqrt

import numpy as np
import pandas as pd

from evalkit.reliability._schema import result_frame
from evalkit.reliability.kappa import _check_confidence, _Coded, _encode

__all__ = ["krippendorff_alpha"]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_DENSE_SLACK = 65_536  # a dense (key -> sum) table may have 4 x rows + this many cells
_EXACT_MAX = 2_000  # distinct ratio values summed pair by pair; more: quadrature
_STEP = 0.1  # trapezoidal step of the ratio quadrature (in log t)
_BLOCK = 1 << 18  # cells of one ratio block (2 MiB of float64)


def _sums_by_key(
    key: np.ndarray, weights: np.ndarray | None, size: int, *, sort: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums of ``weights`` per key: (sums, row -> entry, entry -> key).

    Dense ``bincount`` when ``size`` is small, else the distinct keys only (sorted when
    ``sort``), so memory stays linear in the number of rows.
    """
    if size <= 4 * len(key) + _DENSE_SLACK:
        return np.bincount(key, weights=weights, minlength=size), key, np.arange(size)
    if sort:
        uniq, inv = np.unique(key, return_inverse=True)
    else:
        inv, uniq = pd.factorize(key)
    return np.bincount(inv.ravel(), weights=weights, minlength=len(uniq)), inv.ravel(), uniq


class _Design:
    """Pairable ratings of long data, coded for alpha (built once, reused per bootstrap)."""

    def __init__(self, coded: _Coded, level: str) -> None:
        m_all = np.bincount(coded.target, minlength=len(coded.target_group))
        keep = m_all[coded.target] >= 2
        self.unit = coded.target[keep]
        self.code = coded.code[keep]
        self.unit_group = coded.target_group
        self.m = m_all.astype(float)
        self.pairable = m_all >= 2
        self.n_groups = coded.n_groups
        self.q = coded.q
        self.level = level
        self.group = self.unit_group[self.unit]
        if level in ("interval", "ratio"):
            self.x = coded.categories.to_numpy(dtype=float)[self.code]
        if level in ("nominal", "ordinal"):
            # (unit, category) cells for nominal, (group, category) entries for both
            self.gkey = self.group.astype(np.int64) * self.q + self.code
        if level == "nominal":
            ukey = self.unit.astype(np.int64) * self.q + self.code
            cell, inv, _ = _sums_by_key(ukey, None, len(self.m) * self.q)
            self.sum_sq_cells = np.bincount(self.unit, weights=cell[inv], minlength=len(self.m))
        if level == "ratio":
            order = np.argsort(self.unit, kind="stable")
            self.unit_sorted = self.unit[order]
            self.x_sorted = self.x[order]
            # distinct (group, value) entries, sorted by group then value
            vorder = np.lexsort((self.x, self.group))
            gs, xs = self.group[vorder], self.x[vorder]
            new = np.ones(len(xs), dtype=bool)
            new[1:] = (gs[1:] != gs[:-1]) | (xs[1:] != xs[:-1])
            self.vorder, self.entry = vorder, np.cumsum(new) - 1
            self.val, self.vgrp = xs[new], gs[new]
            self.vbounds = np.searchsorted(self.vgrp, np.arange(self.n_groups + 1))

    def alpha(self, w: np.ndarray | None = None) -> np.ndarray:
        """Alpha per group; ``w`` = per-unit multiplicity (bootstrap), default 1."""
        n_g, m = self.n_groups, self.m
        rw = None if w is None else w[self.unit]
        n = np.bincount(self.group, weights=rw, minlength=n_g)
        wu = self.pairable.astype(float) if w is None else w * self.pairable
        if self.level == "nominal":
            d_u = (m**2 - self.sum_sq_cells) / np.where(m > 1, m - 1, 1)
            d_o = np.bincount(self.unit_group, weights=wu * d_u, minlength=n_g)
            counts, _, keys = _sums_by_key(self.gkey, rw, n_g * self.q)
            d_e = n**2 - np.bincount(keys // self.q, weights=counts**2, minlength=n_g)
        elif self.level == "ratio":
            d_o = self._ratio_observed(wu)
            d_e = self._ratio_expected(rw)
        else:
            if self.level == "ordinal":
                x = self._midranks(rw)
            else:
                x = self.x
            d_o, d_e = self._squared_differences(x, rw, wu, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 - (n - 1) * d_o / d_e
        return np.where(d_e > 0, a, np.nan)

    def _midranks(self, rw: np.ndarray | None) -> np.ndarray:
        """Ordinal position of each rating: values below its category + half its category."""
        counts, inv, keys = _sums_by_key(self.gkey, rw, self.n_groups * self.q, sort=True)
        cum = np.cumsum(counts)
        grp = keys // self.q
        start = np.zeros(self.n_groups)
        first = np.ones(len(grp), dtype=bool)  # first entry of each group (keys sorted)
        first[1:] = grp[1:] != grp[:-1]
        start[grp[first]] = (cum - counts)[first]
        mid = cum - counts / 2 - start[grp]
        return mid[inv]

    def _squared_differences(
        self, x: np.ndarray, rw: np.ndarray | None, wu: np.ndarray, n: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Interval metric: sum_u sum_(i!=j in u) d²/(m_u-1) and sum_(i!=j) d² per group."""
        n_g, n_u, m = self.n_groups, len(self.m), self.m
        mean_u = np.bincount(self.unit, weights=x, minlength=n_u) / np.where(m > 0, m, 1)
        ss_u = np.bincount(self.unit, weights=(x - mean_u[self.unit]) ** 2, minlength=n_u)
        d_o = np.bincount(
            self.unit_group, weights=wu * 2 * m * ss_u / np.where(m > 1, m - 1, 1), minlength=n_g
        )
        xw = x if rw is None else rw * x
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_g = np.bincount(self.group, weights=xw, minlength=n_g) / n
        dev2 = (x - mean_g[self.group]) ** 2
        d_e = (
            2
            * n
            * np.bincount(self.group, weights=dev2 if rw is None else rw * dev2, minlength=n_g)
        )
        return d_o, d_e

    def _ratio_observed(self, wu: np.ndarray) -> np.ndarray:
        """sum_u w_u sum_(i!=j in u) ((x_i-x_j)/(x_i+x_j))² / (m_u-1), pairs by offset."""
        u, x, m = self.unit_sorted, self.x_sorted, self.m
        per_unit = np.zeros(len(m))
        max_m = int(m.max()) if len(m) else 0
        for d in range(1, max_m):  # offsets within a unit (at most raters-1 passes)
            same = u[d:] == u[:-d]
            if not same.any():
                break
            a, b = x[d:][same], x[:-d][same]
            per_unit += np.bincount(u[d:][same], weights=_ratio_delta2(a, b), minlength=len(m))
        d_u = 2 * per_unit / np.where(m > 1, m - 1, 1)
        return np.bincount(self.unit_group, weights=wu * d_u, minlength=self.n_groups)

    def _ratio_expected(self, rw: np.ndarray | None) -> np.ndarray:
        """sum_(c,k) n_c n_k ((c-k)/(c+k))² per group over distinct (group, value) entries.

        Blocks of rows × columns (one group's entries, or several small groups) keep the
        work space near ``_BLOCK`` cells whatever the number of distinct values.
        """
        counts = np.bincount(
            self.entry, weights=None if rw is None else rw[self.vorder], minlength=len(self.val)
        )
        if len(self.val) > _EXACT_MAX:
            return self._ratio_expected_quadrature(counts)
        val, grp, bounds = self.val, self.vgrp, self.vbounds
        sq = isqrt(_BLOCK)
        size = np.diff(bounds)
        big_start = bounds[:-1][size >= sq]
        out = np.zeros(self.n_groups)
        i0 = 0
        while i0 < len(val):
            g0 = grp[i0]
            if size[g0] >= sq:  # rows of one large group against the whole group
                i1 = min(bounds[g0 + 1], i0 + max(1, _BLOCK // size[g0]))
            else:  # several small groups, stopping before the next large one
                nxt = np.searchsorted(big_start, i0, side="right")
                stop = big_start[nxt] if nxt < len(big_start) else len(val)
                i1 = min(i0 + sq, stop)
            lo, hi = bounds[g0], bounds[grp[i1 - 1] + 1]
            a, b = val[i0:i1, None], val[None, lo:hi]
            same = grp[i0:i1, None] == grp[None, lo:hi]
            cell = _ratio_delta2(a, b) * (counts[i0:i1, None] * counts[None, lo:hi] * same)
            out += np.bincount(grp[i0:i1], weights=cell.sum(axis=1), minlength=self.n_groups)
            i0 = i1
        return out

    def _ratio_expected_quadrature(self, counts: np.ndarray) -> np.ndarray:
        """The same sum for many distinct values, in O(V) per quadrature node.

        Since ``1/(c+k)² = ∫ t exp(-t(c+k)) dt`` over ``t > 0``,
        ``sum_ck n_c n_k (c-k)²/(c+k)² = ∫ t · 2 W(t) S(t) dt`` with the weights
        ``e_c = n_c exp(-tc)``, ``W = sum e_c`` and ``S = sum e_c (c - mean_e)²`` (a sum of
        positive terms: no cancellation). With ``t = exp(s)`` the integrand is smooth and
        decays double-exponentially, so the trapezoidal rule with step 0.1 in ``s`` is
        accurate to about 1e-13 relative (Trefethen & Weideman 2014, SIAM Rev. 56:385).
        """
        val, grp, n_g = self.val, self.vgrp, self.n_groups
        positive = val[val > 0]
        out = np.zeros(n_g)
        if positive.size == 0:
            return out
        s_lo = np.log(1e-9 / positive.max())  # t² · variance below 1e-18 of the total
        s_hi = np.log(60.0 / positive.min())  # exp(-60) of the smallest positive value
        for s in np.arange(s_lo, s_hi + _STEP, _STEP):
            t = np.exp(s)
            e = counts * np.exp(-t * val)
            w = np.bincount(grp, weights=e, minlength=n_g)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(w > 0, np.bincount(grp, weights=e * val, minlength=n_g) / w, 0)
            var = np.bincount(grp, weights=e * (val - mean[grp]) ** 2, minlength=n_g)
            out += t * t * 2 * w * var
        return _STEP * out


def _ratio_delta2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    s = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s > 0, ((a - b) / np.where(s > 0, s, 1)) ** 2, 0.0)


def krippendorff_alpha(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    level: str = "nominal",
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
    n_boot: int = 0,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Krippendorff's alpha for any number of raters, with missing values.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per rating (a *unit* is a target, a *coder* a rater). Missing
        ratings (NaN rows or absent rows) are allowed; units with fewer than two ratings
        carry no pairable value and are left out, as Krippendorff (2011) prescribes.
    targets, raters, ratings : str
        Columns holding the unit id, the coder id and the value.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, i.e. the difference function ``δ²``.
    categories : sequence, optional
        The declared scale, in order. Values outside it raise. It gives the order of
        text labels for ``"ordinal"`` (required there unless the column is an ordered
        Categorical). Unused categories do not change alpha at any level.
    groups : str, optional
        Column of group labels: one row per group, computed in one vectorised pass and
        equal to the ungrouped call on each group's rows. A group without two coders,
        without a pairable unit, or with no variation gives NaN (ungrouped: an error,
        resp. NaN for no variation).
    confidence : float
        Confidence level of the bootstrap interval.
    n_boot : int
        Bootstrap replicates; 0 (default) reports no SE and no CI. Units (with their
        ratings) are resampled with replacement within each group; each replicate costs
        about one point estimate (all groups at once).
    seed : int, numpy.random.Generator or None
        Seed of the bootstrap; the default 0 makes results reproducible.

    Returns
    -------
    pandas.DataFrame
        One row (per group) with columns

        - ``group`` (only with ``groups=``): the group label;
        - ``statistic``: ``"krippendorff_alpha_<level>"``;
        - ``estimate``: alpha; NaN when every pairable value is the same (D_e = 0);
        - ``se``: standard deviation of the bootstrap replicates (NaN if ``n_boot=0``);
        - ``ci_low``, ``ci_high``: percentile bootstrap interval (NaN if ``n_boot=0``);
          replicates where alpha is undefined are left out;
        - ``p_val``: always NaN: Krippendorff defines no test of alpha = 0 (judge alpha
          by its interval against a minimum such as 0.667 or 0.800);
        - ``n_targets``: pairable units (at least two ratings);
        - ``n_raters``: distinct coders.

    Raises
    ------
    ValueError
        Unknown ``level``; non-numeric values for interval/ratio or negative values for
        ratio; text labels for ordinal without their order; a value outside
        ``categories``; two values of one unit by one coder; without ``groups=``, fewer
        than two coders or no unit with two values.

    Notes
    -----
    With ``n_u`` the number of values in unit ``u``, the pairable values ``n = sum n_u``
    (units with ``n_u >= 2``), ``n_c`` the pairable values equal to ``c``:

    .. math::

        \\alpha = 1 - (n - 1)\\,
        \\frac{\\sum_u \\frac{1}{n_u - 1} \\sum_{i \\ne j \\in u} \\delta^2(v_i, v_j)}
              {\\sum_c \\sum_k n_c n_k \\, \\delta^2(c, k)}

    with ``δ²(c, k)`` = ``[c ≠ k]`` (nominal), ``(c - k)²`` (interval),
    ``((c - k)/(c + k))²`` (ratio) and ``(sum_{g=c}^{k} n_g - (n_c + n_k)/2)²``
    (ordinal), the latter equal to ``(M_k - M_c)²`` with mid-rank positions
    ``M_c = sum_{g<c} n_g + n_c/2``, so ordinal alpha is interval alpha on ``M``.
    Sums of squared differences use ``sum_{i,j} (x_i - x_j)² = 2 n sum (x - x̄)²``.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg
    School for Communication, University of Pennsylvania. Departmental paper 43.
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. *Communication Methods and Measures*, 1(1),
    77–89.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 3, 4, 4],
    ...                    "coder": ["a", "b", "a", "b", "a", "b", "c", "a", "c"],
    ...                    "value": [1, 1, 2, 2, 3, 3, 2, 1, 2]})
    >>> res = ek.krippendorff_alpha(df, "unit", "coder", "value", level="interval")
    >>> round(float(res["estimate"].iloc[0]), 4)
    0.6364
    """
    func = "krippendorff_alpha"
    if level not in _LEVELS:
        raise ValueError(f"{func}: level={level!r}; choose one of {list(_LEVELS)}")
    _check_confidence(confidence, func)
    if not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ValueError(f"{func}: n_boot={n_boot!r} must be a whole number >= 0")
    coded = _encode(data, targets, raters, ratings, groups, categories, func)
    cats = coded.categories
    if level == "ordinal" and not coded.ordered:
        raise ValueError(
            f"{func}: level='ordinal' needs the order of the labels "
            f"{cats[:6].tolist()}; pass categories= with the scale in order"
        )
    if level in ("interval", "ratio"):
        kind = pd.api.types.infer_dtype(cats, skipna=True)
        if kind not in ("integer", "floating", "mixed-integer-float", "decimal", "boolean"):
            raise ValueError(
                f"{func}: level={level!r} needs numbers, but the values are "
                f"{cats[:6].tolist()}; use level='nominal' or 'ordinal' for labels"
            )
        if not np.isfinite(cats.to_numpy(dtype=float)).all():
            raise ValueError(f"{func}: column {ratings!r} holds infinite values")
        if level == "ratio" and (cats.to_numpy(dtype=float) < 0).any():
            raise ValueError(
                f"{func}: level='ratio' needs values >= 0 (a true zero); found "
                f"{cats[cats.to_numpy(dtype=float) < 0][:5].tolist()}"
            )

    design = _Design(coded, level)
    n_g = coded.n_groups
    n_units = np.bincount(coded.target_group[design.pairable], minlength=n_g)
    n_r = np.bincount(coded.rater_group, minlength=n_g)
    if coded.labels is None:
        if n_r[0] < 2:
            raise ValueError(
                f"{func}: needs at least 2 coders; found {int(n_r[0])} "
                f"({coded.rater_label.tolist()})"
            )
        if n_units[0] == 0:
            raise ValueError(f"{func}: no unit has two or more values, so nothing is pairable")
    estimate = design.alpha()
    estimate[(n_r < 2) | (n_units == 0)] = np.nan

    se, ci_low, ci_high = (np.full(n_g, np.nan) for _ in range(3))
    if n_boot > 0:
        boot = _bootstrap(design, n_boot, np.random.default_rng(seed))
        boot[:, np.isnan(estimate)] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN groups give NaN
            se = np.nanstd(boot, axis=0, ddof=1)
            ci_low, ci_high = np.nanquantile(
                boot, [0.5 - confidence / 2, 0.5 + confidence / 2], axis=0
            )
    df = pd.DataFrame(
        {
            "statistic": f"krippendorff_alpha_{level}",
            "estimate": estimate,
            "se": se,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "p_val": np.nan,
            "n_targets": n_units,
            "n_raters": n_r,
        }
    )
    if coded.labels is None:
        return result_frame(df)
    df.insert(0, "group", coded.labels)
    return result_frame(df, group="group")


def _bootstrap(design: _Design, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` × groups alphas, resampling pairable units within each group."""
    units = np.flatnonzero(design.pairable)
    units = units[np.argsort(design.unit_group[units], kind="stable")]
    grp = design.unit_group[units]
    size = np.bincount(grp, minlength=design.n_groups)
    start = np.cumsum(size) - size
    n_u = len(design.m)
    out = np.empty((n_boot, design.n_groups))
    for b in range(n_boot):  # replicates, each vectorised over all groups
        pick = start[grp] + np.floor(rng.random(len(units)) * size[grp]).astype(np.intp)
        w = np.bincount(units[pick], minlength=n_u).astype(float)
        out[b] = design.alpha(w)
    return out
