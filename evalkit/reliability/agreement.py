"""Agreement between two measurements of the same targets: Bland–Altman limits and
Lin's concordance correlation coefficient.

Both functions take long-and-wide data as pingouin does for paired statistics: one row
per target (ratee, unit) with the two measurements in the columns ``x`` and ``y``, and
return the shared reliability schema (:func:`evalkit.reliability._schema.result_frame`)
with ``n_targets`` = number of complete pairs and ``n_raters`` = 2. With ``groups=`` the
statistics are computed for every group at once from per-group sums (no Python loop over
groups), one row per group and statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._long import check_columns
from ._schema import result_frame

__all__ = ["bland_altman", "lin_ccc"]

_BA_METHODS = ("1999", "1986")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _pairs(data: pd.DataFrame, x: str, y: str, groups: str | None, func: str) -> pd.DataFrame:
    """Complete pairs as float columns ``x``, ``y`` (and ``g``), validated."""
    check_columns(data, func, x=x, y=y, groups=groups)
    out = pd.DataFrame(
        {
            "x": pd.to_numeric(data[x], errors="coerce").astype(float),
            "y": pd.to_numeric(data[y], errors="coerce").astype(float),
        },
        index=data.index,
    )
    bad = (data[x].notna() & out["x"].isna()) | (data[y].notna() & out["y"].isna())
    if bad.any():
        row = data.index[bad.to_numpy()][0]
        raise ValueError(
            f"{func}: columns {x!r} and {y!r} must be numeric; row {row!r} holds "
            f"{data.loc[row, x]!r} and {data.loc[row, y]!r}"
        )
    if groups is not None:
        out["g"] = data[groups]
        out = out[out["g"].notna()]
    return out.dropna(subset=["x", "y"])


def _group_sums(pairs: pd.DataFrame, groups: str | None) -> pd.DataFrame:
    """Per-group sufficient statistics of the pairs (one row if ``groups`` is None)."""
    p = pairs.assign(
        d=pairs["x"] - pairs["y"],
        xx=pairs["x"] ** 2,
        yy=pairs["y"] ** 2,
        xy=pairs["x"] * pairs["y"],
    )
    p["dd"] = p["d"] ** 2
    cols = ["x", "y", "d", "xx", "yy", "xy", "dd"]
    if groups is None:
        s = p[cols].sum().to_frame().T
        s["n"] = float(len(p))
        return s
    s = p.groupby("g", sort=True, observed=True)[cols].sum()
    s["n"] = p.groupby("g", sort=True, observed=True).size().astype(float)
    return s.rename_axis(groups)


def bland_altman(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    confidence: float = 0.95,
    method: str = "1999",
    groups: str | None = None,
) -> pd.DataFrame:
    """Bland–Altman bias and 95% limits of agreement of ``x − y``, each with a CI.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per target (ratee, unit) holding both measurements.
    x, y : str
        Columns of the two measurements; differences are ``x − y``.
    confidence : float, default 0.95
        Level of the confidence intervals (the limits themselves are always the
        95% limits, ``bias ± 1.96 s_d``).
    method : {"1999", "1986"}, default "1999"
        Standard error of a limit: Bland & Altman (1999) or the older 1986 approximation.
    groups : str, optional
        Column whose values define groups; one set of rows per group.

    Returns
    -------
    pandas.DataFrame
        Shared reliability schema, three rows per group:

        - ``statistic``: ``bias``, ``loa_low``, ``loa_high``
        - ``estimate``: d̄, d̄ − z s_d, d̄ + z s_d (z = Φ⁻¹(0.975) ≈ 1.96)
        - ``se``: s_d/√n for the bias; the method's SE for the limits
        - ``ci_low``, ``ci_high``: estimate ∓ t_{(1+confidence)/2, n−1} · se
        - ``p_val``: paired t test of bias = 0 (NaN for the limits)
        - ``n_targets``: complete pairs; ``n_raters``: 2
        - ``group`` (first column) when ``groups`` is given.

        Groups with fewer than 2 pairs get NaN statistics.

    Notes
    -----
    With d_i = x_i − y_i, d̄ their mean and s_d their SD (divisor n − 1)::

        bias = d̄,                 SE(bias) = s_d / √n
        LoA  = d̄ ± z s_d,         z = 1.959964
        SE(LoA) = s_d √(1/n + z²/(2(n − 1)))     (1999)
        SE(LoA) = s_d √(3/n)                     (1986)
        CI = estimate ± t_{n−1} SE

    Both CIs are too narrow for small n (below about 40 pairs for 1999, 76 for 1986);
    exact intervals use tolerance factors (Carkeet & Goh 2018). Proportional bias (a
    slope of d on the pair mean) is checked by :func:`evalkit.compare.source_agreement`.

    References
    ----------
    Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement
    between two methods of clinical measurement. *Lancet*, 327(8476), 307–310.
    Bland, J. M., & Altman, D. G. (1999). Measuring agreement in method comparison
    studies. *Statistical Methods in Medical Research*, 8(2), 135–160.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"sup": [70, 80, 65, 90, 75], "cit": [60, 78, 70, 75, 70]})
    >>> ek.bland_altman(df, "sup", "cit")[["statistic", "estimate"]].round(2)
      statistic  estimate
    0      bias      5.40
    1   loa_low     -9.57
    2  loa_high     20.37
    """
    _check_confidence(confidence)
    method = str(method)
    if method not in _BA_METHODS:
        raise ValueError(f"method must be one of {_BA_METHODS}, got {method!r}")
    s = _group_sums(_pairs(data, x, y, groups, "bland_altman"), groups)
    n = s["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_d = s["d"] / n
        var_d = (s["dd"] - n * mean_d**2) / (n - 1)
        sd_d = np.sqrt(np.clip(var_d, 0, None)).where(n >= 2)
        z = stats.norm.ppf(0.975)
        t = stats.t.ppf((1 + confidence) / 2, n - 1)
        se_bias = sd_d / np.sqrt(n)
        if method == "1999":
            se_loa = sd_d * np.sqrt(1 / n + z**2 / (2 * (n - 1)))
        else:
            se_loa = sd_d * np.sqrt(3 / n)
        t_stat = mean_d / se_bias
        p_bias = pd.Series(2 * stats.t.sf(np.abs(t_stat), n - 1), index=n.index)
        # all differences equal: no spread, so the bias is exactly known
        p_bias = p_bias.where(se_bias > 0, (mean_d == 0).astype(float))
    p_bias = p_bias.where(n >= 2)
    mean_d = mean_d.where(n >= 1)
    frames = []
    for name, est, se, p in (
        ("bias", mean_d, se_bias, p_bias),
        ("loa_low", mean_d - z * sd_d, se_loa, np.nan),
        ("loa_high", mean_d + z * sd_d, se_loa, np.nan),
    ):
        f = pd.DataFrame(
            {
                "statistic": name,
                "estimate": est,
                "se": se,
                "ci_low": est - t * se,
                "ci_high": est + t * se,
                "p_val": p,
                "n_targets": n,
                "n_raters": 2,
            }
        )
        frames.append(f)
    rows = pd.concat(frames)
    if groups is not None:
        # group-major order: bias, loa_low, loa_high of the first group, then the next
        rows = rows.reset_index().rename(columns={groups: "group"})
        rows["_o"] = rows["statistic"].map({"bias": 0, "loa_low": 1, "loa_high": 2})
        rows = rows.sort_values(["group", "_o"], kind="stable").drop(columns="_o")
        return result_frame(rows, group="group")
    return result_frame(rows)


def lin_ccc(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    confidence: float = 0.95,
    groups: str | None = None,
) -> pd.DataFrame:
    """Lin's concordance correlation coefficient with its Fisher-z confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per target holding both measurements.
    x, y : str
        Columns of the two measurements.
    confidence : float, default 0.95
        Level of the confidence interval.
    groups : str, optional
        Column whose values define groups; one row per group.

    Returns
    -------
    pandas.DataFrame
        Shared reliability schema, one row (per group):

        - ``statistic``: ``lin_ccc``
        - ``estimate``: ρ_c
        - ``se``: standard error of ρ_c by the delta method, (1 − ρ_c²) · SE(ẑ)
        - ``ci_low``, ``ci_high``: tanh(ẑ ∓ z_{(1+confidence)/2} SE(ẑ))
        - ``p_val``: NaN (no test is implied)
        - ``n_targets``: complete pairs; ``n_raters``: 2
        - ``group`` (first column) when ``groups`` is given.

        Fewer than 3 pairs, or a constant measurement, give NaN.

    Notes
    -----
    With moments of divisor n (Lin 1989)::

        ρ_c = 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²) = r · C_b
        u   = (x̄ − ȳ) / √(s_x s_y)
        ẑ   = atanh(ρ_c)
        Var(ẑ) = [ (1 − r²) ρ_c² / ((1 − ρ_c²) r²)
                   + 2 ρ_c³ (1 − ρ_c) u² / (r (1 − ρ_c²)²)
                   − ρ_c⁴ u⁴ / (2 r² (1 − ρ_c²)²) ] / (n − 2)

    This is the interval of R ``DescTools::CCC(ci = "z-transform")`` and
    ``epiR::epi.ccc``. The McBride (2005) bands suit instruments, not human ratings:
    report ρ_c with its CI.

    References
    ----------
    Lin, L. I.-K. (1989). A concordance correlation coefficient to evaluate
    reproducibility. *Biometrics*, 45(1), 255–268.
    Lin, L. I.-K. (2000). A note on the concordance correlation coefficient.
    *Biometrics*, 56(1), 324–325.

    Examples
    --------
    >>> import pandas as pd
    >>> import evalkit as ek
    >>> df = pd.DataFrame({"sup": [70, 80, 65, 90, 75], "cit": [60, 78, 70, 75, 70]})
    >>> round(float(ek.lin_ccc(df, "sup", "cit")["estimate"].iloc[0]), 4)
    0.4609
    """
    _check_confidence(confidence)
    s = _group_sums(_pairs(data, x, y, groups, "lin_ccc"), groups)
    n = s["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, my = s["x"] / n, s["y"] / n
        vx = s["xx"] / n - mx**2
        vy = s["yy"] / n - my**2
        cxy = s["xy"] / n - mx * my
        vx, vy = vx.clip(lower=0), vy.clip(lower=0)
        rc = 2 * cxy / (vx + vy + (mx - my) ** 2)
        r = cxy / np.sqrt(vx * vy)
        u = (mx - my) / np.sqrt(np.sqrt(vx * vy))
        one = 1 - rc**2
        var_z = (
            (1 - r**2) * rc**2 / (one * r**2)
            + 2 * rc**3 * (1 - rc) * u**2 / (r * one**2)
            - rc**4 * u**4 / (2 * r**2 * one**2)
        ) / (n - 2)
        se_z = np.sqrt(var_z.clip(lower=0))
        zq = stats.norm.ppf((1 + confidence) / 2)
        zhat = np.arctanh(rc)
        ok = (n >= 3) & (vx > 0) & (vy > 0)
        rows = pd.DataFrame(
            {
                "statistic": "lin_ccc",
                "estimate": rc.where(ok),
                "se": (one * se_z).where(ok),
                "ci_low": np.tanh(zhat - zq * se_z).where(ok),
                "ci_high": np.tanh(zhat + zq * se_z).where(ok),
                "p_val": np.nan,
                "n_targets": n,
                "n_raters": 2,
            }
        )
    if groups is None:
        return result_frame(rows)
    return result_frame(rows.reset_index().rename(columns={groups: "group"}), group="group")
