"""Chance-corrected agreement on categorical ratings: Cohen, Fleiss, Conger, Brennan–Prediger, Gwet.

Every function takes long data (one row per rating: target, rater, rating) and returns
one row per statistic (and per group with ``groups=``) in the shared schema of
:func:`evalkit.reliability._schema.result_frame`.

All coefficients share the form ``(p_a - p_e) / (1 - p_e)``: observed agreement ``p_a``
corrected for the agreement ``p_e`` expected by chance. They differ in ``p_e``:

=====================  ==============================================================
``cohen_kappa``        two raters, product of the raters' own marginals (Cohen 1960/1968)
``fleiss_kappa``       m raters, squared pooled category proportions (Fleiss 1971)
``conger_kappa``       m raters, mean of the pairwise Cohen chance agreements (Conger 1980)
``brennan_prediger``   uniform chance, ``1/q`` (Brennan & Prediger 1981)
``gwet_ac``            AC1/AC2, chance only on hard-to-score subjects (Gwet 2008, 2014)
=====================  ==============================================================

Categories are the declared scale (``categories=``) or, when not declared, the sorted
values observed in the whole data (for a pandas ``Categorical``: its order). Weights
(``"linear"``, ``"quadratic"``) are functions of category *positions* ``0 .. q-1`` of that
scale, as in R irr and statsmodels; declare the full scale when some categories are
unused, because unused categories change weighted results and the uniform chance
agreement of Brennan–Prediger and Gwet.

Every computation runs once for all groups, from per-group sufficient statistics (the
targets × categories count matrix, per-rater category counts, the per-group 2 × 2 … q × q
tables): there is no Python loop over groups.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from evalkit.reliability._long import check_columns, check_unique_cells, codes, group_codes
from evalkit.reliability._schema import result_frame

__all__ = ["brennan_prediger", "cohen_kappa", "conger_kappa", "fleiss_kappa", "gwet_ac"]

_WEIGHTS = (None, "linear", "quadratic")
_MAX_CATEGORIES = 200  # counts are dense: targets x categories, groups x categories²


# --------------------------------------------------------------------------------------
# long data -> integer codes (shared with evalkit.reliability.krippendorff)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Coded:
    """Ratings of long data as integer codes, missing ratings dropped.

    Per rating: ``target``, ``rater`` (codes of the distinct (group, target) and
    (group, rater) pairs, so a code never spans two groups), ``code`` (position of the
    rating in ``categories``). Per target / rater: ``target_group`` / ``rater_group``.
    """

    target: np.ndarray
    rater: np.ndarray
    code: np.ndarray
    target_group: np.ndarray
    rater_group: np.ndarray
    rater_label: np.ndarray
    categories: pd.Index
    labels: pd.Index | None
    ordered: bool  # the scale's order is known (declared, numbers, ordered Categorical)

    @property
    def n_groups(self) -> int:
        return 1 if self.labels is None else len(self.labels)

    @property
    def q(self) -> int:
        return len(self.categories)


def _nested(outer: np.ndarray, inner: np.ndarray, n_inner: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct (outer, inner) pairs (hash-based) and each pair's key."""
    key = outer.astype(np.int64) * n_inner + inner
    c, uniq = pd.factorize(key)
    return c.astype(np.intp), np.asarray(uniq, dtype=np.int64)


def _dense_codes(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Sorted codes of whole numbers in a short range by offset (no hashing), else None."""
    if arr.dtype.kind == "f":
        if not len(arr) or not np.isfinite(arr).all() or (arr != np.round(arr)).any():
            return None
    elif arr.dtype.kind not in "iu" or not len(arr):
        return None
    lo, hi = arr.min(), arr.max()
    if hi - lo > 4 * len(arr) + 65_536:
        return None
    off = (arr - lo).astype(np.intp)
    present = np.bincount(off, minlength=int(hi - lo) + 1) > 0
    remap = np.cumsum(present) - 1
    return remap[off], (np.arange(int(hi - lo) + 1)[present] + lo).astype(arr.dtype)


def _id_codes(series: pd.Series, func: str, what: str) -> tuple[np.ndarray, pd.Index]:
    """As :func:`evalkit.reliability._long.codes`, faster for integer ids."""
    arr = series.to_numpy()
    if arr.dtype.kind in "iu":
        dense = _dense_codes(arr)
        if dense is not None:
            return dense[0], pd.Index(dense[1], name=series.name)
    return codes(series, func, what)


def _category_codes(
    values: pd.Series, categories: Sequence | None, func: str, column: Hashable
) -> tuple[np.ndarray, pd.Index, bool]:
    """Category positions of non-missing ratings, the scale, and whether its order is known."""
    if categories is not None:
        if isinstance(categories, str | bytes) or not np.ndim(categories) == 1:
            raise TypeError(f"{func}: categories= must be a list of the scale's values in order")
        cats = pd.Index(list(categories))
        if cats.has_duplicates:
            dup = cats[cats.duplicated()].unique().tolist()
            raise ValueError(f"{func}: categories= lists {dup} more than once")
        if len(cats) == 0:
            raise ValueError(f"{func}: categories= is empty")
        code = cats.get_indexer(values)
        bad = code < 0
        if bad.any():
            found = pd.unique(values[bad])[:5].tolist()
            raise ValueError(
                f"{func}: {int(bad.sum())} rating(s) in column {column!r} are not among the "
                f"declared categories {cats.tolist()}, e.g. {found}; fix the data or add "
                "them to categories="
            )
        return code.astype(np.intp), cats, True
    if isinstance(values.dtype, pd.CategoricalDtype):
        used = np.bincount(values.cat.codes.to_numpy(), minlength=len(values.cat.categories)) > 0
        cats = pd.Index(values.cat.categories[used])
        return cats.get_indexer(values).astype(np.intp), cats, bool(values.cat.ordered)
    dense = _dense_codes(values.to_numpy())
    if dense is not None:
        return dense[0], pd.Index(dense[1]), True
    try:
        code, uniq = pd.factorize(values.to_numpy(), sort=True)
    except TypeError:
        kinds = sorted({type(v).__name__ for v in pd.unique(values)})
        raise ValueError(
            f"{func}: ratings in column {column!r} mix types {kinds} that cannot be ordered; "
            "pass categories= with the scale in order"
        ) from None
    kind = pd.api.types.infer_dtype(uniq, skipna=True)
    ordered = kind in ("integer", "floating", "mixed-integer-float", "decimal", "boolean")
    return code.astype(np.intp), pd.Index(uniq), ordered


def _encode(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    groups: Hashable | None,
    categories: Sequence | None,
    func: str,
) -> _Coded:
    """Validate long data and code it (see :class:`_Coded`)."""
    check_columns(data, func, targets=targets, raters=raters, ratings=ratings, groups=groups)
    present = data[ratings].notna().to_numpy()
    sub = data if present.all() else data.loc[present]
    if len(sub) == 0:
        raise ValueError(f"{func}: column {ratings!r} holds no rating (all are missing)")
    g, labels = group_codes(sub, groups, func)
    t_raw, t_labels = _id_codes(sub[targets], func, "targets")
    r_raw, r_labels = _id_codes(sub[raters], func, "raters")
    code, cats, ordered = _category_codes(sub[ratings], categories, func, ratings)
    if labels is None:
        target, rater = t_raw, r_raw
        target_group = np.zeros(len(t_labels), dtype=np.intp)
        rater_group = np.zeros(len(r_labels), dtype=np.intp)
        rater_label = np.asarray(r_labels, dtype=object)
    else:
        target, tkey = _nested(g, t_raw, len(t_labels))
        rater, rkey = _nested(g, r_raw, len(r_labels))
        target_group = (tkey // len(t_labels)).astype(np.intp)
        rater_group = (rkey // len(r_labels)).astype(np.intp)
        rater_label = np.asarray(r_labels, dtype=object)[rkey % len(r_labels)]
    cols = [c for c in (groups, targets, raters) if c is not None]
    _check_one_rating_per_cell(sub, target, rater, len(rater_group), func, cols)
    return _Coded(
        target, rater, code, target_group, rater_group, rater_label, cats, labels, ordered
    )


def _check_one_rating_per_cell(
    sub: pd.DataFrame, target: np.ndarray, rater: np.ndarray, n_rater: int, func: str, cols: list
) -> None:
    cell = target.astype(np.int64) * n_rater + rater
    if n_rater * (int(target.max()) + 1) <= 4 * len(cell) + 65_536:
        check_unique_cells(sub, cell, func, cols)  # dense bincount: fast and small here
        return
    dup = pd.Series(cell).duplicated(keep=False).to_numpy()
    if dup.any():
        first = sub.iloc[np.flatnonzero(dup)[0]][cols].to_dict()
        raise ValueError(
            f"{func}: {int(dup.sum())} rows share a cell of {cols}, e.g. {first}; keep one "
            "rating per cell (average them first if they are repeated measurements)"
        )


def _check_scale(coded: _Coded, func: str, weights: str | None) -> None:
    if weights not in _WEIGHTS:
        raise ValueError(f"{func}: weights={weights!r}; choose None, 'linear' or 'quadratic'")
    if weights is not None and not coded.ordered:
        raise ValueError(
            f"{func}: weights={weights!r} need the order of the categories, but the ratings "
            f"are unordered labels {coded.categories[:6].tolist()}; pass categories= with "
            "the scale in order (or use an ordered pandas Categorical)"
        )
    if coded.q > _MAX_CATEGORIES:
        raise ValueError(
            f"{func}: {coded.q:,} distinct ratings; kappa-type coefficients are for a "
            f"categorical scale (at most {_MAX_CATEGORIES} categories). For continuous "
            "ratings use icc or krippendorff_alpha(level='interval')"
        )
    if coded.q < 2:
        raise ValueError(
            f"{func}: only one category ({coded.categories[0]!r}) on the scale; every rating "
            "agrees and chance agreement is 1. Pass categories= with the full scale"
        )


def _check_confidence(confidence: float, func: str) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence={confidence!r} must lie strictly between 0 and 1")


def _weight_matrix(q: int, weights: str | None) -> np.ndarray:
    """Agreement weights on category positions: 1 on the diagonal, 0 at the scale's ends."""
    if weights is None:
        return np.eye(q)
    pos = np.arange(q, dtype=float)
    d = np.abs(pos[:, None] - pos[None, :]) / (q - 1)
    return 1.0 - (d if weights == "linear" else d**2)


def _group_sum(codes_: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    """Row sums of ``x`` (k × …) per code as an n × … array (one sparse product)."""
    ind = sparse.csr_matrix(
        (np.ones(len(codes_)), (codes_, np.arange(len(codes_)))), shape=(n, len(codes_))
    )
    return np.asarray(ind @ x)


def _name(stem: str, weights: str | None) -> str:
    return stem if weights is None else f"{stem}_{weights}"


def _frame(coded: _Coded, stat: str, out: dict[str, np.ndarray]) -> pd.DataFrame:
    df = pd.DataFrame({"statistic": stat, **out})
    if coded.labels is None:
        return result_frame(df)
    df.insert(0, "group", coded.labels)
    return result_frame(df, group="group")


def _raise_if_degenerate(coded: _Coded, n_t: np.ndarray, n_r: np.ndarray, func: str) -> None:
    """Without groups, too few targets or raters is a usage error (with groups: NaN rows)."""
    if coded.labels is not None:
        return
    if n_r[0] < 2:
        raise ValueError(
            f"{func}: needs at least 2 raters; found {int(n_r[0])} ({coded.rater_label.tolist()})"
        )
    if n_t[0] < 2:
        raise ValueError(f"{func}: needs at least 2 targets with ratings; found {int(n_t[0])}")


# --------------------------------------------------------------------------------------
# Cohen's kappa
# --------------------------------------------------------------------------------------


def cohen_kappa(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    weights: str | None = None,
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cohen's kappa for two raters, unweighted or with linear or quadratic weights.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per rating. Rows with a missing rating are ignored; a target
        enters only when both raters rated it (complete pairs, as R ``irr::kappa2``).
    targets, raters, ratings : str
        Columns holding the target (subject) id, the rater id and the rating (numbers or
        labels).
    weights : {None, "linear", "quadratic"}
        Disagreement weight of categories at positions ``i`` and ``j`` of the scale:
        ``|i - j| / (q - 1)`` (linear, R irr "equal") or ``(i - j)**2 / (q - 1)**2``
        (quadratic, "squared"); ``None`` for unweighted kappa.
    categories : sequence, optional
        The declared scale, in order. Default: the sorted observed ratings. Unused
        declared categories change weighted kappa; a rating outside them raises.
    groups : str, optional
        Column of group labels: one row per group, computed in one vectorised pass. Each
        group must hold exactly two raters (not necessarily the same two in every group).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row (per group) with columns

        - ``group`` (only with ``groups=``): the group label;
        - ``statistic``: ``"cohen_kappa"``, ``"cohen_kappa_linear"`` or
          ``"cohen_kappa_quadratic"``;
        - ``estimate``: kappa (NaN when chance agreement is 1, e.g. both raters use one
          category only);
        - ``se``: large-sample asymptotic standard error (Fleiss, Cohen & Everitt 1969);
        - ``ci_low``, ``ci_high``: ``estimate ± z · se``, normal quantile ``z``, not capped;
        - ``p_val``: two-sided p of ``z = estimate / se0``, with ``se0`` the standard
          error under H0: kappa = 0 (as SAS PROC FREQ and statsmodels);
        - ``n_targets``: targets rated by both raters;
        - ``n_raters``: 2.

    Raises
    ------
    ValueError
        Not exactly two raters (in a group), a rating outside ``categories``, two ratings
        of one target by one rater, fewer than two complete pairs without ``groups=``.

    Notes
    -----
    With ``p_ij`` the proportion of targets put in category ``i`` by the first rater and
    ``j`` by the second, marginals ``p_i.``, ``p_.j``, and agreement weights
    ``w_ij = 1 - d_ij`` (identity when unweighted):

    .. math::

        \\kappa = \\frac{p_o - p_e}{1 - p_e}, \\quad p_o = \\sum_{ij} w_{ij} p_{ij},
        \\quad p_e = \\sum_{ij} w_{ij} p_{i.} p_{.j}

    With ``\\bar w_{i.} = \\sum_j p_{.j} w_{ij}`` and ``\\bar w_{.j} = \\sum_i p_{i.} w_{ij}``,

    .. math::

        \\widehat{Var}(\\kappa) = \\frac{\\sum_{ij} p_{ij}[w_{ij} - (\\bar w_{i.} +
        \\bar w_{.j})(1-\\kappa)]^2 - [\\kappa - p_e(1-\\kappa)]^2}{n (1-p_e)^2}

        \\widehat{Var}_0(\\kappa) = \\frac{\\sum_{ij} p_{i.}p_{.j}[w_{ij} - (\\bar w_{i.} +
        \\bar w_{.j})]^2 - p_e^2}{n (1-p_e)^2}

    These equal ``statsmodels.stats.inter_rater.cohens_kappa`` (checked in the tests).

    References
    ----------
    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70(4), 213–220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of
    kappa and weighted kappa. *Psychological Bulletin*, 72(5), 323–327.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"t": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "r": ["a", "b"] * 4,
    ...                    "y": ["baik", "baik", "kurang", "baik",
    ...                          "kurang", "kurang", "baik", "baik"]})
    >>> round(float(ek.cohen_kappa(df, "t", "r", "y")["estimate"].iloc[0]), 4)
    0.5
    """
    func = "cohen_kappa"
    _check_confidence(confidence, func)
    coded = _encode(data, targets, raters, ratings, groups, categories, func)
    _check_scale(coded, func, weights)
    n_g, q = coded.n_groups, coded.q

    n_r = np.bincount(coded.rater_group, minlength=n_g)
    if (n_r != 2).any():
        bad = np.flatnonzero(n_r != 2)[:5]
        found = {
            (coded.labels[g] if coded.labels is not None else "data"): coded.rater_label[
                coded.rater_group == g
            ].tolist()
            for g in bad
        }
        raise ValueError(
            f"{func}: Cohen's kappa needs exactly 2 raters per "
            f"{'group' if coded.labels is not None else 'call'}; found {found}. Use "
            "fleiss_kappa, conger_kappa or gwet_ac for more raters"
        )
    # first rater of each group = the lower rater code (label order)
    first = np.full(n_g, np.iinfo(np.intp).max)
    np.minimum.at(first, coded.rater_group, np.arange(len(coded.rater_group)))
    is_first = coded.rater == first[coded.rater_group[coded.rater]]
    n_t = len(coded.target_group)
    c1 = np.full(n_t, -1)
    c2 = np.full(n_t, -1)
    c1[coded.target[is_first]] = coded.code[is_first]
    c2[coded.target[~is_first]] = coded.code[~is_first]
    both = (c1 >= 0) & (c2 >= 0)
    cell = (coded.target_group[both] * q + c1[both]) * q + c2[both]
    table = np.bincount(cell, minlength=n_g * q * q).reshape(n_g, q, q).astype(float)
    nobs = table.sum(axis=(1, 2))
    _raise_if_degenerate(coded, nobs, n_r, func)

    w = _weight_matrix(q, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = table / nobs[:, None, None]
        row = p.sum(axis=2)  # first rater's marginal p_i.
        col = p.sum(axis=1)  # second rater's marginal p_.j
        expected = row[:, :, None] * col[:, None, :]
        po = (w * p).sum(axis=(1, 2))
        pe = (w * expected).sum(axis=(1, 2))
        kappa = (po - pe) / (1 - pe)
        w_row = col @ w.T  # sum_j p_.j w_ij
        w_col = row @ w  # sum_i p_i. w_ij
        wsum = w_row[:, :, None] + w_col[:, None, :]
        fac = 1.0 / ((1 - pe) ** 2 * nobs)
        var = (p * (w - wsum * (1 - kappa)[:, None, None]) ** 2).sum(axis=(1, 2))
        var = (var - (kappa - pe * (1 - kappa)) ** 2) * fac
        var0 = ((expected * (w - wsum) ** 2).sum(axis=(1, 2)) - pe**2) * fac
        se = np.sqrt(np.clip(var, 0, None))
        z = stats.norm.ppf(0.5 + confidence / 2)
        p_val = 2 * stats.norm.sf(np.abs(kappa / np.sqrt(np.clip(var0, 0, None))))
    bad = ~np.isfinite(kappa)
    p_val[bad] = np.nan
    return _frame(
        coded,
        _name("cohen_kappa", weights),
        {
            "estimate": kappa,
            "se": se,
            "ci_low": kappa - z * se,
            "ci_high": kappa + z * se,
            "p_val": p_val,
            "n_targets": nobs,
            "n_raters": n_r,
        },
    )


# --------------------------------------------------------------------------------------
# Fleiss, Conger, Brennan–Prediger, Gwet: Gwet's (2014) framework with missing ratings
# --------------------------------------------------------------------------------------


def _multi_rater(
    method: str,
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    weights: str | None,
    categories: Sequence | None,
    groups: Hashable | None,
    confidence: float,
    func: str,
) -> tuple[_Coded, dict[str, np.ndarray]]:
    """Coefficient, SE, CI and p of one of the m-rater coefficients, for every group."""
    _check_confidence(confidence, func)
    coded = _encode(data, targets, raters, ratings, groups, categories, func)
    _check_scale(coded, func, weights)
    n_g, q = coded.n_groups, coded.q
    tg, rg = coded.target_group, coded.rater_group
    n_tgt = len(tg)

    w = _weight_matrix(q, weights)
    counts = np.bincount(coded.target * q + coded.code, minlength=n_tgt * q)
    counts = counts.reshape(n_tgt, q).astype(float)  # r_ik: raters putting target i in k
    ri = counts.sum(axis=1)
    n = np.bincount(tg, minlength=n_g).astype(float)  # targets with >= 1 rating
    n_r = np.bincount(rg, minlength=n_g)
    _raise_if_degenerate(coded, n, n_r, func)
    two = ri >= 2
    n2 = np.bincount(tg, weights=two, minlength=n_g)
    if coded.labels is None and n2[0] == 0:
        raise ValueError(f"{func}: no target was rated by two or more raters")

    with np.errstate(divide="ignore", invalid="ignore"):
        sum_q = (counts * (counts @ w.T - 1)).sum(axis=1)
        pa_i = np.where(two, sum_q / np.where(two, ri * (ri - 1), 1), 0.0)
        pa = np.bincount(tg, weights=pa_i, minlength=n_g) / n2
        pi = _group_sum(tg, counts / ri[:, None], n_g) / n[:, None]  # pooled proportions

        if method == "fleiss":
            pe = np.einsum("gk,kl,gl->g", pi, w, pi)
            pi_w = pi @ ((w + w.T) / 2)  # sum_l pi_l (w_kl + w_lk) / 2
            pe_i = (counts * pi_w[tg]).sum(axis=1) / ri
        elif method == "gwet":
            scale = w.sum() / (q * (q - 1))
            pe = scale * (pi * (1 - pi)).sum(axis=1)
            pe_i = scale * (counts * (1 - pi[tg])).sum(axis=1) / ri
        elif method == "bp":
            pe = np.full(n_g, w.sum() / q**2)
            pe_i = pe[tg]
        else:  # conger
            pe, pe_i = _conger_chance(coded, w, n, n_r)
        coef = (pa - pe) / (1 - pe)

        # Gwet (2014, ch. 5) linearisation, variance conditional on the raters
        pe_t, coef_t, one_m_pe = pe[tg], coef[tg], (1 - pe)[tg]
        coef_i = (n / n2)[tg] * (pa_i - pe_t * two) / one_m_pe
        x_i = coef_i - 2 * (1 - coef_t) * (pe_i - pe_t) / one_m_pe
        var = np.bincount(tg, weights=(x_i - coef_t) ** 2, minlength=n_g) / (n * (n - 1))
        se = np.sqrt(var)
        df = n - 1
        tq = stats.t.ppf(0.5 + confidence / 2, df)
        p_val = 2 * stats.t.sf(np.abs(coef / se), df)
    p_val[(se == 0) & (coef == 0)] = np.nan
    p_val[~np.isfinite(coef)] = np.nan
    out = {
        "estimate": coef,
        "se": se,
        "ci_low": coef - tq * se,
        "ci_high": np.minimum(coef + tq * se, 1.0),
        "p_val": p_val,
        "n_targets": n,
        "n_raters": n_r,
    }
    return coded, out


def _conger_chance(
    coded: _Coded, w: np.ndarray, n: np.ndarray, n_r: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Conger's chance agreement per group and its per-target linearisation term.

    Follows Gwet's (2014) variance of Conger's kappa, written with per-rating terms:
    ``sum_g lambda_ig = sum_(ratings of i) (U[g, l] - s_g) + sum_(raters g) (n_g/n) s_g``
    with ``U = C W``, ``C[g, k] = (n / n_g) (r pbar_k - p_gk)``, ``s_g = sum_l U[g, l] p_gl``.
    """
    q, n_g = len(w), len(n)
    rg = coded.rater_group
    n_rat = len(rg)
    classif = np.bincount(coded.rater * q + coded.code, minlength=n_rat * q)
    classif = classif.reshape(n_rat, q).astype(float)
    ng = classif.sum(axis=1)  # ratings given by each rater
    p = classif / ng[:, None]  # rater's category proportions p_gk
    r = n_r.astype(float)
    pbar = _group_sum(rg, p, n_g) / r[:, None]
    a = np.einsum("gk,kl,gl->g", pbar, w, pbar)
    s_pp = np.bincount(rg, weights=np.einsum("gk,kl,gl->g", p, w, p), minlength=n_g)
    pe = a - (s_pp - r * a) / (r * (r - 1))

    c = (n[rg] / ng)[:, None] * (r[rg][:, None] * pbar[rg] - p)
    u = c @ w
    s = (u * p).sum(axis=1)
    per_rating = u[coded.rater, coded.code] - s[coded.rater]
    lam = np.bincount(coded.target, weights=per_rating, minlength=len(coded.target_group))
    const = np.bincount(rg, weights=ng / n[rg] * s, minlength=n_g)
    tg = coded.target_group
    pe_i = (lam + const[tg]) / (r * (r - 1))[tg]
    return pe, pe_i


_MULTI_DOC = """
    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per rating. Missing ratings (NaN/None rows, or absent rows)
        are allowed and need not be balanced: each target may have its own number of
        raters (Gwet 2014, ch. 5; for Fleiss' kappa this generalises Fleiss 1971).
    targets, raters, ratings : str
        Columns holding the target (subject) id, the rater id and the rating (numbers or
        labels).
    weights : {{None, "linear", "quadratic"}}
        Agreement weights on category positions ``i, j`` of the scale:
        ``1 - |i - j| / (q - 1)`` or ``1 - (i - j)**2 / (q - 1)**2``; ``None``: identity.
    categories : sequence, optional
        The declared scale, in order. Default: the sorted observed ratings of the whole
        data (so all groups share one scale). A rating outside it raises.
    groups : str, optional
        Column of group labels: one row per group, computed in one vectorised pass. A
        group equals the ungrouped call on its rows with the same ``categories=``; a
        group with fewer than two targets or raters gives NaN (ungrouped: an error).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row (per group) with columns

        - ``group`` (only with ``groups=``): the group label;
        - ``statistic``: {names};
        - ``estimate``: the coefficient{nan_note};
        - ``se``: Gwet's (2014) linearised standard error, conditional on the raters
          (no finite-population correction), as R and Python irrCAC report it;
        - ``ci_low``, ``ci_high``: ``estimate ± t(1 - (1 - confidence)/2, n - 1) · se``,
          the upper bound capped at 1 (as irrCAC);
        - ``p_val``: two-sided p of ``t = estimate / se`` on ``n - 1`` df, the test of
          H0: coefficient = 0 that irrCAC reports (NaN when estimate and se are both 0);
        - ``n_targets``: targets with at least one rating (``n``);
        - ``n_raters``: distinct raters.
"""

_MULTI_NOTES = """
    With ``r_ik`` the number of raters who put target ``i`` in category ``k``,
    ``r_i = sum_k r_ik``, agreement weights ``w_kl`` and ``r*_ik = sum_l w_kl r_il``,
    observed agreement is averaged over the ``n'`` targets with ``r_i >= 2``:

    .. math::

        p_a = \\frac{{1}}{{n'}} \\sum_{{i: r_i \\ge 2}} \\sum_k
        \\frac{{r_{{ik}} (r^*_{{ik}} - 1)}}{{r_i (r_i - 1)}}, \\qquad
        \\pi_k = \\frac{{1}}{{n}} \\sum_i \\frac{{r_{{ik}}}}{{r_i}}

    and the coefficient is ``(p_a - p_e) / (1 - p_e)`` with {pe_formula}

    Its variance (Gwet 2014, ch. 5) is
    ``v = sum_i (x_i - coef)^2 / (n (n - 1))`` with
    ``x_i = (n / n') (p_a|i - p_e·[r_i >= 2]) / (1 - p_e) - 2 (1 - coef) (p_e|i - p_e) / (1 - p_e)``,
    ``p_a|i`` target ``i``'s agreement and ``p_e|i`` its contribution to chance agreement.
"""


def fleiss_kappa(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    weights: str | None = None,
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    coded, out = _multi_rater(
        "fleiss",
        data,
        targets,
        raters,
        ratings,
        weights,
        categories,
        groups,
        confidence,
        "fleiss_kappa",
    )
    return _frame(coded, _name("fleiss_kappa", weights), out)


fleiss_kappa.__doc__ = (
    """Fleiss' kappa for any number of raters, with missing ratings.

    Chance agreement from the pooled category proportions: two ratings drawn at random
    from all ratings agree by chance. Raters need not be the same for every target.
"""
    + _MULTI_DOC.format(
        names='``"fleiss_kappa"`` or ``"fleiss_kappa_<weights>"``',
        nan_note="; NaN when chance agreement is 1 (every rating in one category)",
    )
    + """
    Notes
    -----"""
    + _MULTI_NOTES.format(pe_formula="``p_e = sum_kl w_kl pi_k pi_l``.")
    + """
    With every target rated by the same number of raters and no weights this is the
    kappa of Fleiss (1971) and of ``statsmodels.stats.inter_rater.fleiss_kappa`` and R
    ``irr::kappam.fleiss`` (whose z test uses the variance under H0 instead).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378–382.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced
    Analytics.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"t": [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4],
    ...                    "r": ["a", "b", "c"] * 2 + ["a", "c"] + ["a", "b", "c"],
    ...                    "y": [1, 1, 1, 2, 2, 1, 3, 3, 2, 2, 2]})
    >>> round(float(ek.fleiss_kappa(df, "t", "r", "y")["estimate"].iloc[0]), 4)
    0.7447
    """
)


def conger_kappa(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    weights: str | None = None,
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    coded, out = _multi_rater(
        "conger",
        data,
        targets,
        raters,
        ratings,
        weights,
        categories,
        groups,
        confidence,
        "conger_kappa",
    )
    return _frame(coded, _name("conger_kappa", weights), out)


conger_kappa.__doc__ = (
    """Conger's kappa: Cohen's kappa generalised to any number of raters.

    Chance agreement averages the pairwise Cohen chance agreements, so each rater keeps
    their own category proportions ``p_gk`` (over the targets they rated). With two
    raters and complete data it equals Cohen's kappa.
"""
    + _MULTI_DOC.format(
        names='``"conger_kappa"`` or ``"conger_kappa_<weights>"``',
        nan_note="; NaN when chance agreement is 1 (every rating in one category)",
    )
    + """
    Notes
    -----"""
    + _MULTI_NOTES.format(
        pe_formula=(
            "``p_e = sum_kl w_kl (pbar_k pbar_l - s_kl / r)``, ``pbar_k`` the mean of the "
            "``r`` raters' proportions ``p_gk`` and ``s_kl`` their covariance "
            "``(sum_g p_gk p_gl - r pbar_k pbar_l) / (r - 1)``."
        )
    )
    + """
    References
    ----------
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters.
    *Psychological Bulletin*, 88(2), 322–328.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced
    Analytics.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"t": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    ...                    "r": ["a", "b", "c"] * 4,
    ...                    "y": [1, 1, 1, 2, 2, 1, 3, 3, 3, 2, 2, 2]})
    >>> round(float(ek.conger_kappa(df, "t", "r", "y")["estimate"].iloc[0]), 4)
    0.75
    """
)


def brennan_prediger(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    weights: str | None = None,
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    coded, out = _multi_rater(
        "bp",
        data,
        targets,
        raters,
        ratings,
        weights,
        categories,
        groups,
        confidence,
        "brennan_prediger",
    )
    return _frame(coded, _name("brennan_prediger", weights), out)


brennan_prediger.__doc__ = (
    """Brennan–Prediger coefficient (Randolph's free-marginal kappa), with missing ratings.

    Chance agreement assumes a rater picks each of the ``q`` categories of the scale with
    probability ``1/q``, so it depends on the declared scale: pass ``categories=``.
"""
    + _MULTI_DOC.format(
        names='``"brennan_prediger"`` or ``"brennan_prediger_<weights>"``', nan_note=""
    )
    + """
    Notes
    -----"""
    + _MULTI_NOTES.format(pe_formula="``p_e = sum_kl w_kl / q^2`` (``1/q`` unweighted).")
    + """
    Unweighted and balanced, this equals ``statsmodels.stats.inter_rater.fleiss_kappa``
    with ``method="randolph"``. Here ``p_e|i = p_e``: chance agreement is not estimated.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and
    alternatives. *Educational and Psychological Measurement*, 41(3), 687–699.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced
    Analytics.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"t": [1, 1, 2, 2, 3, 3], "r": ["a", "b"] * 3,
    ...                    "y": [1, 1, 2, 2, 3, 1]})
    >>> round(float(ek.brennan_prediger(df, "t", "r", "y",
    ...                                 categories=[1, 2, 3, 4])["estimate"].iloc[0]), 4)
    0.5556
    """
)


def gwet_ac(
    data: pd.DataFrame,
    targets: Hashable,
    raters: Hashable,
    ratings: Hashable,
    *,
    weights: str | None = None,
    categories: Sequence | None = None,
    groups: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    coded, out = _multi_rater(
        "gwet",
        data,
        targets,
        raters,
        ratings,
        weights,
        categories,
        groups,
        confidence,
        "gwet_ac",
    )
    stat = "gwet_ac1" if weights is None else f"gwet_ac2_{weights}"
    return _frame(coded, stat, out)


gwet_ac.__doc__ = (
    """Gwet's AC1 (unweighted) or AC2 (weighted) agreement coefficient, with missing ratings.

    Chance agreement is limited to hard-to-score targets, which keeps AC1 stable when
    one category dominates (the "kappa paradox").
"""
    + _MULTI_DOC.format(
        names='``"gwet_ac1"``, ``"gwet_ac2_linear"`` or ``"gwet_ac2_quadratic"``',
        nan_note="; 1 when every rating falls in one category",
    )
    + """
    Notes
    -----"""
    + _MULTI_NOTES.format(
        pe_formula="``p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)``, ``T_w = sum_kl w_kl``."
    )
    + """
    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
    presence of high agreement. *British Journal of Mathematical and Statistical
    Psychology*, 61(1), 29–48.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced
    Analytics.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"t": [1, 1, 2, 2, 3, 3, 4, 4], "r": ["a", "b"] * 4,
    ...                    "y": ["ya", "ya", "ya", "ya", "ya", "tidak", "ya", "ya"]})
    >>> round(float(ek.gwet_ac(df, "t", "r", "y")["estimate"].iloc[0]), 4)
    0.68
    """
)
