"""Scoring employees and units the way the regulations do.

Tidy tables in, tidy tables out; the rules themselves are data in :mod:`evalkit.rules`
(one module per regulation, each table quoted with its source from
``reference/regulations.md``). This module applies them to the data model of
:mod:`evalkit.tables`:

==========================  ==================================================================
function                    what it computes
==========================  ==================================================================
:func:`result_ratings`      achievement and expectation level of every SKP result
:func:`hasil_rating`        rating hasil kerja per employee and period (PermenPANRB 6/2022)
:func:`perilaku_rating`     rating perilaku kerja from the BerAKHLAK scores
:func:`predikat`            the 3×3 predikat matrix, on scalars or Series
:func:`score_employees`     hasil, perilaku and predikat per employee and period
:func:`check_distribution`  each unit's predikat distribution against its pattern
:func:`skm_index`           SKM (PermenPANRB 14/2017): NRR, IKM, mutu, sample size
:func:`indicator_clarity`   indicators without target, unit or direction; where they cluster
:func:`angka_kredit`        functional-position credit points from the predikat
:func:`pkg_score`           teachers' PKG conversion
:func:`score_study`         all of the above for one period of a :class:`evalkit.io.Study`
==========================  ==================================================================

Where the regulation leaves a rule open (marked UNCONFIRMED in the rules modules) the
package's choice is a keyword argument with a documented default.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .rules import angka_kredit as _ak
from .rules import permenpanrb_6_2022 as _r6
from .rules import permenpanrb_14_2017 as _skm
from .tables import SKM_ITEMS

if TYPE_CHECKING:
    from .io import Study

__all__ = [
    "ScoringResult",
    "angka_kredit",
    "check_distribution",
    "hasil_rating",
    "indicator_clarity",
    "perilaku_rating",
    "pkg_score",
    "predikat",
    "result_ratings",
    "score_employees",
    "score_study",
    "skm_index",
]

PREDIKAT = _r6.PREDIKAT
EXPECTATIONS = _r6.EXPECTATIONS
_KEY = ["period", "employee_id"]
RULE_SETS = ("permenpanrb_6_2022",)


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(
            f"{what} lacks the column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, df.columns))}"
        )


def _codes(values, index=None, name=None) -> pd.Series:
    """An object Series of codes with ``None`` for missing (same on pandas 2 and 3)."""
    arr = np.array(values, dtype=object, copy=True).reshape(-1)
    arr[pd.isna(arr)] = None
    return pd.Series(arr, index=index, name=name, dtype=object)


def _check_codes(series: pd.Series, allowed: Sequence[str], what: str) -> None:
    bad = series.notna() & ~series.isin(list(allowed))
    if bad.any():
        found = sorted({str(v) for v in series[bad]})[:10]
        raise ValueError(
            f"{what} must be one of {', '.join(allowed)} (or empty); found {found} "
            f"in {int(bad.sum())} row(s)"
        )


def _check_bands(bands, what: str) -> tuple[tuple[float, str], ...]:
    bands = tuple((float(b), str(c)) for b, c in bands)
    codes = [c for _, c in bands]
    if any(c not in EXPECTATIONS for c in codes):
        raise ValueError(f"{what} levels must be among {EXPECTATIONS}; got {codes}")
    return bands


def _shares(counts: pd.DataFrame, n: pd.Series) -> pd.DataFrame:
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts.div(n.where(n > 0), axis=0)


def _count_levels(df: pd.DataFrame, keys: list[str], column: str, levels) -> pd.DataFrame:
    """Counts of each level of ``column`` per ``keys`` (missing levels as 0 columns)."""
    dummies = pd.get_dummies(pd.Categorical(df[column], categories=list(levels)), dtype="int64")
    dummies.index = df.index
    return dummies.groupby([df[k] for k in keys], sort=True).sum()


# --------------------------------------------------------------------------------------
# PermenPANRB 6/2022: hasil, perilaku, predikat
# --------------------------------------------------------------------------------------


def result_ratings(
    results: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    *,
    bands=_r6.HASIL_BANDS,
    lower: str = "ratio",
    use_rating: bool = True,
) -> pd.DataFrame:
    """Achievement and expectation level of every SKP result.

    Achievement (in %):

    - higher is better: ``realization / target × 100``;
    - lower is better, ``lower="ratio"`` (default): ``target / realization × 100``
      (a realisation of 0 against any target is infinitely good, 0 against a target of
      0 is 100); ``lower="difference"``: ``(2 × target − realization) / target × 100``,
      the SAKIP/LKjIP practice for indicators of negative polarity (not in
      regulations.md: the package's alternative, UNCONFIRMED for SKP).

    The level follows ``bands`` (default :data:`evalkit.rules.HASIL_BANDS`: ≥ 110
    ``di_atas``, ≥ 90 ``sesuai``, else ``di_bawah`` — the package's choice, the
    regulation sets no numbers). Where the export carries the supervisor's ``rating``
    for a result and ``use_rating`` is true, that judgement is used instead.

    A result **cannot be judged** (``level`` missing, ``judgeable`` false) when it has
    no supervisor rating and no measurable target: the target or the realisation is
    missing, a higher-is-better target is 0, or its indicator has no direction. Such
    results are left out of the employee's rating (and counted as ``n_unjudgeable`` by
    :func:`hasil_rating`); :func:`indicator_clarity` audits the indicators behind them.

    Parameters
    ----------
    results
        The ``results`` table: ``period, employee_id, indicator_id, kind, target,
        realization`` and optionally ``rating``.
    indicators
        The ``indicators`` table (``indicator_id, direction``). ``None``: every
        indicator is taken as higher-is-better, unless ``results`` has a ``direction``
        column.
    bands
        ``((lower bound, level), ...)`` on the achievement, highest first.
    lower
        ``"ratio"`` or ``"difference"``: the formula for lower-is-better indicators.
    use_rating
        Use the supervisor's ``rating`` where present.

    Returns
    -------
    pandas.DataFrame
        The rows of ``results`` with added columns ``direction``, ``achievement``
        (float, %), ``level`` (``di_atas``, ``sesuai``, ``di_bawah`` or missing),
        ``source`` (``"rating"``, ``"achievement"`` or missing) and ``judgeable`` (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"period": "2025Q3", "employee_id": "e1",
    ...                   "indicator_id": ["i1", "i2", "i3"], "kind": "utama",
    ...                   "target": [10.0, 10.0, None], "realization": [12.0, 8.0, 5.0]})
    >>> result_ratings(r)[["achievement", "level"]].to_dict("list")
    {'achievement': [120.0, 80.0, nan], 'level': ['di_atas', 'di_bawah', None]}
    """
    _require(results, ["period", "employee_id", "indicator_id", "target", "realization"], "results")
    bands = _check_bands(bands, "bands")
    if lower not in ("ratio", "difference"):
        raise ValueError(f"lower must be 'ratio' or 'difference', got {lower!r}")
    out = results.copy()
    if indicators is not None:
        _require(indicators, ["indicator_id", "direction"], "indicators")
        directions = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
        out["direction"] = out["indicator_id"].map(directions["direction"])
    elif "direction" not in out.columns:
        out["direction"] = "higher"
    out["direction"] = _codes(
        out["direction"].where(out["direction"].notna(), None), index=out.index
    )
    _check_codes(out["direction"], ("higher", "lower"), "indicators.direction")

    t = pd.to_numeric(out["target"], errors="coerce").to_numpy(dtype=float)
    r = pd.to_numeric(out["realization"], errors="coerce").to_numpy(dtype=float)
    higher = (out["direction"] == "higher").to_numpy()
    is_lower = (out["direction"] == "lower").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ach_higher = np.where(t > 0, r / t * 100.0, np.nan)
        if lower == "ratio":
            ach_lower = np.where((t == 0) & (r == 0), 100.0, t / r * 100.0)
        else:
            ach_lower = np.where(t > 0, (2.0 * t - r) / t * 100.0, np.nan)
    achievement = np.where(higher, ach_higher, np.where(is_lower, ach_lower, np.nan))
    out["achievement"] = achievement
    computed = _codes(_r6.band(achievement, bands), index=out.index)

    if use_rating and "rating" in out.columns:
        rating = _codes(out["rating"].where(out["rating"].notna(), None), index=out.index)
        _check_codes(rating, EXPECTATIONS, "results.rating")
        from_rating = rating.notna()
    else:
        rating = computed
        from_rating = pd.Series(False, index=out.index)
    level = rating.where(from_rating, computed)
    out["level"] = _codes(level.where(level.notna(), None), index=out.index)
    source = np.where(from_rating, "rating", np.where(computed.notna(), "achievement", None))
    out["source"] = _codes(source, index=out.index)
    out["judgeable"] = out["level"].notna().to_numpy()
    return out


def hasil_rating(
    results: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    *,
    bands=_r6.HASIL_BANDS,
    most: float = 0.5,
    kinds: Sequence[str] = ("utama",),
    use_rating: bool = True,
    lower: str = "ratio",
) -> pd.DataFrame:
    """Rating hasil kerja per employee and period (PermenPANRB 6/2022).

    Each result gets a level (:func:`result_ratings`); the employee's rating then
    follows regulations.md §1 "Rating hasil kerja" [S5] over the main (``utama``)
    results, applied by :func:`evalkit.rules.hasil_from_counts`:

    - ``di_atas``: more than ``most`` of the judged results above expectation and
      none below;
    - ``sesuai``: more than ``most`` at or above expectation (only a small part below);
    - ``di_bawah``: otherwise (at least ``1 − most`` below).

    "Most" defaults to a simple majority (``most=0.5``), the package's reading of
    "sebagian besar". Results that cannot be judged (no measurable target, see
    :func:`result_ratings`) are excluded from the shares and counted in
    ``n_unjudgeable``; an employee with no judged main result has no rating.

    Parameters
    ----------
    results, indicators, bands, use_rating, lower
        As for :func:`result_ratings`.
    most
        The share "most" must exceed, in [0.5, 1).
    kinds
        Result kinds that count (default only ``utama``, as the rule speaks of main
        results; add ``"tambahan"`` to count additional results too).

    Returns
    -------
    pandas.DataFrame
        One row per ``period, employee_id`` with ``n_results`` (results of the counted
        kinds), ``n_unjudgeable``, ``n_di_atas``, ``n_sesuai``, ``n_di_bawah``,
        ``mean_achievement`` (mean finite achievement, %), ``hasil``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"period": "2025Q3", "employee_id": "e1",
    ...                   "indicator_id": ["i1", "i2", "i3"], "kind": "utama",
    ...                   "target": 10.0, "realization": [12.0, 11.5, 10.0]})
    >>> hasil_rating(r)[["n_di_atas", "n_sesuai", "hasil"]].to_dict("records")
    [{'n_di_atas': 2, 'n_sesuai': 1, 'hasil': 'di_atas'}]
    """
    rated = result_ratings(results, indicators, bands=bands, lower=lower, use_rating=use_rating)
    if "kind" in rated.columns:
        rated = rated[rated["kind"].isin(list(kinds))]
    if rated.empty:
        return pd.DataFrame(
            {
                **{k: pd.Series(dtype=object) for k in _KEY},
                **{
                    c: pd.Series(dtype="int64")
                    for c in ("n_results", "n_unjudgeable", "n_di_atas", "n_sesuai", "n_di_bawah")
                },
                "mean_achievement": pd.Series(dtype=float),
                "hasil": pd.Series(dtype=object),
            }
        )
    counts = _count_levels(rated, _KEY, "level", EXPECTATIONS)
    counts.columns = [f"n_{c}" for c in EXPECTATIONS]
    grouped = rated.groupby(_KEY, sort=True)
    ach = rated["achievement"].where(np.isfinite(rated["achievement"]))
    out = pd.DataFrame(
        {
            "n_results": grouped.size(),
            "n_unjudgeable": (~rated["judgeable"]).groupby([rated[k] for k in _KEY]).sum(),
        }
    ).join(counts)
    out["mean_achievement"] = ach.groupby([rated[k] for k in _KEY]).mean()
    out["hasil"] = _r6.hasil_from_counts(
        out["n_di_atas"], out["n_sesuai"], out["n_di_bawah"], most=most
    )
    out = out.reset_index()
    for c in ("n_results", "n_unjudgeable", "n_di_atas", "n_sesuai", "n_di_bawah"):
        out[c] = out[c].astype("int64")
    out["hasil"] = _codes(out["hasil"], index=out.index)
    return out


def perilaku_rating(
    behaviour: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    bands=_r6.PERILAKU_BANDS,
) -> pd.DataFrame:
    """Rating perilaku kerja per employee and period from the BerAKHLAK scores (1–5).

    The mean score of each rater role is taken over all its ratings of the employee
    (all values, all raters of that role); the employee's mean is the weighted mean of
    the role means present, ``Σ w_role × mean_role / Σ w_role``. By default only the
    supervisor counts (``weights={"atasan": 1}``); pass e.g.
    ``{"atasan": 0.6, "rekan": 0.2, "bawahan": 0.2}`` to include 360° sources.

    The level follows ``bands`` (default :data:`evalkit.rules.PERILAKU_BANDS`: mean
    ≥ 4.5 ``di_atas``, ≥ 3.0 ``sesuai``, else ``di_bawah``). **UNCONFIRMED**: the
    regulation's decision rule for perilaku is not in the sources (regulations.md §1);
    the default is the package's choice.

    Parameters
    ----------
    behaviour
        The ``behaviour`` table: ``period, employee_id, rater_role, score``.
    weights
        Weight per rater role (``atasan``, ``rekan``, ``bawahan``, ``diri``); roles
        not listed are ignored.
    bands
        ``((lower bound, level), ...)`` on the mean score, highest first.

    Returns
    -------
    pandas.DataFrame
        One row per ``period, employee_id`` rated by a weighted role, with
        ``n_ratings`` (ratings used), ``n_raters`` (distinct raters used, if
        ``rater_id`` is given, else missing), ``mean_behaviour`` and ``perilaku``.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"period": "2025Q3", "employee_id": "e1", "rater_id": "s1",
    ...                   "rater_role": "atasan", "score": [5, 5, 4, 5, 5, 4, 5]})
    >>> perilaku_rating(b)[["mean_behaviour", "perilaku"]].round(3).to_dict("records")
    [{'mean_behaviour': 4.714, 'perilaku': 'di_atas'}]
    """
    _require(behaviour, ["period", "employee_id", "rater_role", "score"], "behaviour")
    bands = _check_bands(bands, "bands")
    weights = dict({"atasan": 1.0} if weights is None else weights)
    roles = ("atasan", "rekan", "bawahan", "diri")
    unknown = [r for r in weights if r not in roles]
    if unknown or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(
            f"weights must map rater roles among {roles} to non-negative numbers with a "
            f"positive sum; got {weights!r}"
        )
    _check_codes(behaviour["rater_role"], roles, "behaviour.rater_role")
    score = pd.to_numeric(behaviour["score"], errors="coerce").astype(float)
    bad = score.notna() & ~score.between(1, 5)
    if bad.any():
        raise ValueError(
            f"behaviour.score must be between 1 and 5; found "
            f"{sorted(score[bad].unique().tolist())[:5]}"
        )
    used = behaviour["rater_role"].isin([r for r, w in weights.items() if w > 0]) & score.notna()
    b = behaviour.loc[used, [*_KEY, "rater_role"]].assign(score=score[used])
    if "rater_id" in behaviour.columns:
        b["rater_id"] = behaviour.loc[used, "rater_id"]
    if b.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype=object),
                "employee_id": pd.Series(dtype=object),
                "n_ratings": pd.Series(dtype="int64"),
                "n_raters": pd.Series(dtype="Int64"),
                "mean_behaviour": pd.Series(dtype=float),
                "perilaku": pd.Series(dtype=object),
            }
        )
    by_role = b.groupby([*_KEY, "rater_role"], sort=True)["score"].agg(["mean", "size"])
    by_role["w"] = by_role.index.get_level_values("rater_role").map(weights).astype(float)
    by_role["wm"] = by_role["w"] * by_role["mean"]
    per = by_role.groupby(level=_KEY, sort=True)[["wm", "w", "size"]].sum()
    out = pd.DataFrame({"n_ratings": per["size"].astype("int64")})
    if "rater_id" in b.columns:
        out["n_raters"] = b.groupby(_KEY, sort=True)["rater_id"].nunique().astype("Int64")
    else:
        out["n_raters"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["mean_behaviour"] = per["wm"] / per["w"]
    out["perilaku"] = _r6.band(out["mean_behaviour"], bands)
    out = out.reset_index()
    out["perilaku"] = _codes(out["perilaku"], index=out.index)
    return out


def predikat(hasil, perilaku):
    """Predikat kinerja pegawai from rating hasil kerja and rating perilaku kerja.

    The 3×3 matrix of PermenPANRB 6/2022 (:data:`evalkit.rules.PREDIKAT_MATRIX`,
    regulations.md §1 [S6][S7]):

    ============  ===============  ===============  ===============
    hasil \\ per   di_bawah         sesuai           di_atas
    ============  ===============  ===============  ===============
    di_atas       kurang           baik             sangat_baik
    sesuai        kurang           baik             baik
    di_bawah      sangat_kurang    butuh_perbaikan  butuh_perbaikan
    ============  ===============  ===============  ===============

    Parameters
    ----------
    hasil, perilaku
        ``di_atas``, ``sesuai`` or ``di_bawah``: two scalars, or Series / array-likes
        of equal length (a scalar is broadcast). Missing values give a missing
        predikat.

    Returns
    -------
    str, None, pandas.Series or numpy.ndarray
        ``sangat_baik``, ``baik``, ``butuh_perbaikan``, ``kurang`` or
        ``sangat_kurang``: a string for two scalars, a Series named ``predikat`` (with
        the index of the first Series argument) when a Series is given, else an array.

    Examples
    --------
    >>> predikat("di_atas", "sesuai")
    'baik'
    >>> import pandas as pd
    >>> predikat(pd.Series(["di_bawah", "di_atas"]), "di_atas").tolist()
    ['butuh_perbaikan', 'sangat_baik']
    """
    out = _r6.predikat_of(
        hasil.to_numpy(dtype=object) if isinstance(hasil, pd.Series) else hasil,
        perilaku.to_numpy(dtype=object) if isinstance(perilaku, pd.Series) else perilaku,
    )
    if isinstance(hasil, pd.Series) or isinstance(perilaku, pd.Series):
        index = hasil.index if isinstance(hasil, pd.Series) else perilaku.index
        return _codes(out, index=index, name="predikat")
    if out.ndim == 0:
        return out.item()
    return out


def score_employees(
    results: pd.DataFrame,
    behaviour: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    *,
    hasil_bands=_r6.HASIL_BANDS,
    most: float = 0.5,
    kinds: Sequence[str] = ("utama",),
    use_rating: bool = True,
    lower: str = "ratio",
    perilaku_weights: Mapping[str, float] | None = None,
    perilaku_bands=_r6.PERILAKU_BANDS,
) -> pd.DataFrame:
    """Hasil, perilaku and predikat per employee and period (PermenPANRB 6/2022).

    Combines :func:`hasil_rating` and :func:`perilaku_rating` (an outer join: an
    employee with results but no behaviour rating, or the reverse, keeps a row with the
    other rating missing) and applies :func:`predikat`.

    Parameters
    ----------
    results, behaviour, indicators
        Tables of the data model.
    hasil_bands, most, kinds, use_rating, lower
        Passed to :func:`hasil_rating` (``hasil_bands`` as ``bands``).
    perilaku_weights, perilaku_bands
        Passed to :func:`perilaku_rating` (as ``weights`` and ``bands``).

    Returns
    -------
    pandas.DataFrame
        One row per ``period, employee_id``: ``hasil``, ``perilaku``, ``predikat``,
        ``n_results``, ``n_unjudgeable``, ``n_di_atas``, ``n_sesuai``, ``n_di_bawah``,
        ``mean_achievement``, ``n_ratings``, ``n_raters``, ``mean_behaviour``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"period": "2025Q3", "employee_id": "e1", "indicator_id": "i1",
    ...                   "kind": "utama", "target": [10.0], "realization": [10.0]})
    >>> b = pd.DataFrame({"period": "2025Q3", "employee_id": "e1", "rater_id": "s1",
    ...                   "rater_role": "atasan", "score": [4, 4, 3]})
    >>> score_employees(r, b)[["hasil", "perilaku", "predikat"]].to_dict("records")
    [{'hasil': 'sesuai', 'perilaku': 'sesuai', 'predikat': 'baik'}]
    """
    h = hasil_rating(
        results,
        indicators,
        bands=hasil_bands,
        most=most,
        kinds=kinds,
        use_rating=use_rating,
        lower=lower,
    )
    p = perilaku_rating(behaviour, weights=perilaku_weights, bands=perilaku_bands)
    for df in (h, p):
        for k in _KEY:
            df[k] = df[k].astype(object)
    out = h.merge(p, on=_KEY, how="outer", sort=True)
    out["hasil"] = _codes(out["hasil"].where(out["hasil"].notna(), None), index=out.index)
    out["perilaku"] = _codes(out["perilaku"].where(out["perilaku"].notna(), None), index=out.index)
    out["predikat"] = predikat(out["hasil"], out["perilaku"])
    for c in ("n_results", "n_unjudgeable", "n_di_atas", "n_sesuai", "n_di_bawah", "n_ratings"):
        out[c] = out[c].astype("Int64")
    columns = [
        *_KEY,
        "hasil",
        "perilaku",
        "predikat",
        "n_results",
        "n_unjudgeable",
        "n_di_atas",
        "n_sesuai",
        "n_di_bawah",
        "mean_achievement",
        "n_ratings",
        "n_raters",
        "mean_behaviour",
    ]
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# distribution pattern
# --------------------------------------------------------------------------------------


def _bound(percent: int, n: np.ndarray, how: str) -> np.ndarray:
    """``percent`` % of ``n`` in whole persons, rounded ``floor``, ``ceil`` or ``half_up``
    (integer arithmetic: no floating-point surprises such as 0.1 × 30 > 3)."""
    scaled = percent * n.astype("int64")
    if how == "floor":
        return scaled // 100
    if how == "ceil":
        return -((-scaled) // 100)
    return (2 * scaled + 100) // 200


_ROUNDING = {  # rounding -> (caps, minima)
    "strict": ("floor", "ceil"),
    "lenient": ("ceil", "floor"),
    "nearest": ("half_up", "half_up"),
}


def check_distribution(
    data: pd.DataFrame,
    units: str = "unit_id",
    predikat: str = "predikat",
    org_predikat: str | Mapping[str, str] | pd.Series = "org_predikat",
    *,
    rounding: str = "strict",
    min_n: int = 10,
    majority: str = "plurality",
) -> pd.DataFrame:
    """Each unit's distribution of employee predikat against the pattern for its
    organisational predikat (PermenPANRB 6/2022 *pola distribusi*).

    The rules (:data:`evalkit.rules.DISTRIBUTION_PATTERN`, regulations.md §1 [S8]):

    ===============  ==========================================================
    org predikat     rules
    ===============  ==========================================================
    istimewa         sangat_baik majority, max 70%
    baik             baik majority, max 70%; butuh_perbaikan or kurang must exist
    butuh_perbaikan  sangat_baik max 10%; butuh_perbaikan min 60%
    kurang           sangat_baik max 10%; butuh_perbaikan min 10%; kurang min 60%
    sangat_kurang    no sangat_baik; kurang + butuh_perbaikan min 10%;
                     sangat_kurang min 60%
    ===============  ==========================================================

    The pattern is a consideration for the leader [S9]: a violation is a **warning**
    that needs a justification, not a block.

    Counts (UNCONFIRMED in the sources, hence parameters):

    - ``rounding="strict"`` (default): a cap of p% allows ``floor(p × N / 100)``
      employees and a minimum of p% needs ``ceil(p × N / 100)`` — the same as comparing
      the shares with the percentages exactly; ``"lenient"`` rounds the other way
      (caps up, minima down); ``"nearest"`` rounds both half up.
    - Small units: in a unit with fewer than ``min_n`` scored employees the share rules
      and "must exist" cannot all be met in whole persons (with N < 10 a 10% rule is
      less than one person, and e.g. "baik majority" and "butuh_perbaikan or kurang
      must exist" cannot both hold for N = 1), so they are reported in
      ``not_applicable`` instead of being checked. "No sangat_baik" can always be met
      and is always checked. Default ``min_n=10``: the smallest N at which a 10% rule
      is one whole person.
    - "Majority" (UNCONFIRMED): ``"plurality"`` (default) — no other predikat has more
      employees; ``"absolute"`` — more than half of the unit.

    Parameters
    ----------
    data
        One row per employee, with the unit and the employee's predikat. Rows with a
        missing predikat are not counted (they are reported as ``n_unscored``).
    units, predikat
        Column names in ``data``.
    org_predikat
        The unit's organisational predikat (``istimewa``, ``baik``,
        ``butuh_perbaikan``, ``kurang``, ``sangat_kurang``): a column of ``data``
        (constant within a unit), a mapping or Series from unit to code, or one code
        for every unit.
    rounding
        ``"strict"``, ``"lenient"`` or ``"nearest"`` (see above).
    min_n
        Units with fewer scored employees are not checked against share rules.
    majority
        ``"plurality"`` or ``"absolute"``.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by unit: the unit column, ``org_predikat``, ``n``
        (scored employees), ``n_unscored``, ``n_<predikat>`` and ``share_<predikat>``
        for the five predikat, ``ok`` (boolean; missing when the unit has no
        organisational predikat or no scored employee), ``violations`` (codes of the
        violated rules joined by ``"; "``, e.g. ``"sangat_baik_above_max"``; empty when
        none) and ``not_applicable`` (codes of rules not checked, same format).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit_id": "u1",
    ...                   "predikat": ["sangat_baik"] * 8 + ["baik"] * 2})
    >>> r = check_distribution(d, org_predikat="istimewa")
    >>> r[["n", "share_sangat_baik", "ok", "violations"]].to_dict("records")
    [{'n': 10, 'share_sangat_baik': 0.8, 'ok': False, 'violations': 'sangat_baik_above_max'}]
    """
    _require(data, [units, predikat], "data")
    if rounding not in _ROUNDING:
        raise ValueError(f"rounding must be one of {', '.join(_ROUNDING)}; got {rounding!r}")
    if majority not in ("plurality", "absolute"):
        raise ValueError(f"majority must be 'plurality' or 'absolute'; got {majority!r}")
    if int(min_n) < 1:
        raise ValueError(f"min_n must be a positive number of employees; got {min_n!r}")
    if data[units].isna().any():
        raise ValueError(f"data.{units} is empty in {int(data[units].isna().sum())} row(s)")
    pred = _codes(data[predikat].where(data[predikat].notna(), None), index=data.index)
    _check_codes(pred, PREDIKAT, f"data.{predikat}")

    # the organisational predikat per unit
    unit_values = pd.Index(pd.unique(data[units].astype(object))).sort_values()
    if isinstance(org_predikat, str) and org_predikat in data.columns:
        per_unit = data[[units, org_predikat]].drop_duplicates()
        per_unit = per_unit[per_unit[org_predikat].notna()]
        dup = per_unit[units].duplicated(keep=False)
        if dup.any():
            raise ValueError(
                f"data.{org_predikat} must be constant within a unit; units "
                f"{sorted(per_unit.loc[dup, units].astype(str).unique())[:5]} have several"
            )
        org = per_unit.set_index(units)[org_predikat].reindex(unit_values)
    elif isinstance(org_predikat, str):
        if org_predikat not in _r6.ORG_PREDIKAT:
            raise ValueError(
                f"org_predikat must be a column of data, a mapping from unit to code, or one "
                f"of {', '.join(_r6.ORG_PREDIKAT)}; got {org_predikat!r}"
            )
        org = pd.Series(org_predikat, index=unit_values)
    else:
        org = pd.Series(
            dict(org_predikat) if not isinstance(org_predikat, pd.Series) else org_predikat
        ).reindex(unit_values)
    org = _codes(org.where(org.notna(), None), index=unit_values)
    _check_codes(org, _r6.ORG_PREDIKAT, "org_predikat")

    scored = data.loc[pred.notna(), [units]].assign(_p=pred[pred.notna()])
    counts = _count_levels(scored, [units], "_p", PREDIKAT).reindex(unit_values, fill_value=0)
    counts = counts.astype("int64")
    n = counts.sum(axis=1)
    n_unscored = (
        pred.isna()
        .groupby(data[units].astype(object))
        .sum()
        .reindex(unit_values, fill_value=0)
        .astype("int64")
    )

    cap_how, min_how = _ROUNDING[rounding]
    n_arr = n.to_numpy()
    big = n_arr >= int(min_n)
    count_arr = counts[list(PREDIKAT)].to_numpy()
    org_arr = org.to_numpy(dtype=object)
    violated: list[list[str]] = [[] for _ in range(len(unit_values))]
    skipped: list[list[str]] = [[] for _ in range(len(unit_values))]
    for code, rules_ in _r6.DISTRIBUTION_PATTERN.items():
        in_pattern = (org_arr == code) & (n_arr > 0)
        if not in_pattern.any():
            continue
        for rule in rules_:
            cols = [PREDIKAT.index(p) for p in rule.predikat]
            count = count_arr[:, cols].sum(axis=1)
            if rule.kind == "max":
                bad = count > _bound(rule.percent, n_arr, cap_how)
            elif rule.kind == "min":
                bad = count < _bound(rule.percent, n_arr, min_how)
            elif rule.kind == "majority":
                others = np.delete(count_arr, cols, axis=1).max(axis=1)
                bad = count < others if majority == "plurality" else 2 * count <= n_arr
            elif rule.kind == "exists":
                bad = count == 0
            else:  # "none"
                bad = count > 0
            checked = in_pattern if rule.kind == "none" else in_pattern & big
            for i in np.flatnonzero(checked & bad):
                violated[i].append(rule.code)
            for i in np.flatnonzero(in_pattern & ~checked):
                skipped[i].append(rule.code)

    out = pd.DataFrame({units: unit_values.to_numpy(dtype=object)})
    out["org_predikat"] = _codes(org.to_numpy(), index=out.index)
    out["n"] = n_arr
    out["n_unscored"] = n_unscored.to_numpy()
    shares = _shares(counts, n)
    for p in PREDIKAT:
        out[f"n_{p}"] = counts[p].to_numpy()
    for p in PREDIKAT:
        out[f"share_{p}"] = shares[p].to_numpy()
    out["violations"] = ["; ".join(v) for v in violated]
    out["not_applicable"] = ["; ".join(s) for s in skipped]
    ok = pd.array([len(v) == 0 for v in violated], dtype="boolean")
    ok[(org.isna().to_numpy()) | (n_arr == 0)] = pd.NA
    out.insert(out.columns.get_loc("violations"), "ok", ok)
    return out


# --------------------------------------------------------------------------------------
# SKM (PermenPANRB 14/2017)
# --------------------------------------------------------------------------------------


def skm_index(
    data: pd.DataFrame,
    groups: str | Sequence[str] | None = None,
    *,
    items: Sequence[str] = SKM_ITEMS,
    population: str | Mapping[Any, float] | pd.Series | float | None = None,
    decimals: int | None = 2,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Indeks Kepuasan Masyarakat (IKM) per PermenPANRB 14/2017, with its interval.

    The formula (regulations.md §3 [S30][S32]):

    - ``NRR_u`` = Σ answers to unsur u ÷ number of filled answers to u (missing
      answers are ignored, not counted as zero);
    - ``IKM = Σ_u NRR_u × 1/9`` with the weight **exactly** 1/9 (not 0.11, a published
      pitfall that turns 91.48 into 90.56 [S30]); range 1–4;
    - ``ikm_converted = IKM × 25`` (25–100);
    - ``mutu`` by :func:`evalkit.rules.skm_mutu` on the converted value rounded to
      ``decimals`` (≥ 88.31 A, ≥ 76.61 B, ≥ 65.00 C, else D [S33]; the rounding
      convention is UNCONFIRMED), ``kinerja`` its label code (``sangat_baik``,
      ``baik``, ``kurang_baik``, ``tidak_baik``).

    With ``population``, the Krejcie & Morgan sample size for the service population
    (:func:`evalkit.rules.krejcie_morgan`, which the regulation refers to [S34]) and
    whether ``n`` reaches it.

    Parameters
    ----------
    data
        One row per response, answers 1–4 in the ``items`` columns (the ``citizen``
        table).
    groups
        Column(s) to compute the index for (e.g. ``"unit_id"``); ``None``: one index
        over all responses.
    items
        The unsur columns (default ``u1`` … ``u9``). The weight is ``1/len(items)``.
    population
        Service population: a column of ``data`` (constant within a group), a mapping
        or Series from group to size (single ``groups`` column), or a number (with
        ``groups=None``).
    decimals
        Rounding of the converted value before the mutu thresholds (``None``: none).
    confidence
        Level of the interval of ``ikm_converted``.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted): the group columns, ``n`` (responses with at least
        one answer), ``nrr_<item>`` per unsur, ``ikm``, ``ikm_converted``, ``mutu``,
        ``kinerja``, and ``se``, ``ci_low``, ``ci_high``: the standard error and
        the interval of ``ikm_converted`` (25–100 scale; missing below 2 responses);
        with ``population`` also ``population``, ``n_required`` and
        ``n_sufficient`` (boolean, missing where the population is unknown). A group
        in which an unsur has no answer has no IKM (its NRR is missing and equal weights
        cannot be kept).

    The interval treats a group's responses as a sample from its service users: its
    estimand is the index the unit's service users would give on average (over which
    citizen comes and which officer serves), for the unit as it is — its own staff, not
    a redraw of them (a unit's staff are observed in full; the respondents are a sample
    of many: Abadie, Athey, Imbens & Wooldridge 2020, *Econometrica* 88(1), 265–296).
    :func:`evalkit.calibration.calibrate` checks it against that truth. IKM is
    a smooth function of the item means, so its standard error is that of the mean of
    the linearised values (Taylor linearisation; Wolter 2007, *Introduction to
    Variance Estimation*, 2nd ed., Springer, ch. 6)

    .. math:: φ_i = \\frac{1}{K}\\sum_u \\frac{[x_{iu}\\text{ answered}]\\,(x_{iu}
       − NRR_u)}{n_u}, \\qquad SE^2 = \\frac{n}{n-1}\\sum_i φ_i^2,

    (with complete answers SE = s/√n of the response means), and
    ``ci = 25·(IKM ± t_{n−1}·SE)``: Student's t with n − 1 degrees of freedom, not the
    normal, because a unit's survey can be small. How often it covers the true index
    on data shaped like the user's is measured by :func:`evalkit.calibration.calibrate`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({f"u{i}": [4, 3, 4] for i in range(1, 10)})
    >>> r = skm_index(d)
    >>> r[["n", "ikm", "ikm_converted", "mutu", "kinerja"]].round(4).to_dict("records")
    [{'n': 3, 'ikm': 3.6667, 'ikm_converted': 91.6667, 'mutu': 'A', 'kinerja': 'sangat_baik'}]
    """
    items = list(items)
    group_cols = [] if groups is None else ([groups] if isinstance(groups, str) else list(groups))
    _require(data, [*items, *group_cols], "data")
    answers = data[items].apply(pd.to_numeric, errors="coerce").astype(float)
    bad = answers.notna() & ~answers.isin([1.0, 2.0, 3.0, 4.0])
    if bad.any().any():
        col = bad.any().idxmax()
        raise ValueError(
            f"SKM answers must be 1, 2, 3 or 4; column {col!r} has "
            f"{sorted(answers.loc[bad[col], col].unique().tolist())[:5]}"
        )
    answered = answers.notna().any(axis=1)
    answers = answers[answered]
    keys = [data.loc[answered, c].astype(object) for c in group_cols]
    if group_cols:
        grouped = answers.groupby(keys, sort=True)
        nrr = grouped.mean()
        n = grouped.size()
        out = nrr.add_prefix("nrr_")
        out.insert(0, "n", n.astype("int64"))
        out = out.reset_index()
    else:
        out = pd.DataFrame({"n": [int(len(answers))]})
        for c in items:
            out[f"nrr_{c}"] = [answers[c].mean()]
    nrr_cols = [f"nrr_{c}" for c in items]
    out["ikm"] = out[nrr_cols].sum(axis=1, skipna=False) / len(items)
    out["ikm_converted"] = out["ikm"] * _skm.CONVERSION
    out["mutu"] = _codes(_skm.skm_mutu(out["ikm_converted"], decimals=decimals), index=out.index)
    out["kinerja"] = _codes(_skm.skm_kinerja(out["mutu"].to_numpy(dtype=object)), index=out.index)
    out = pd.concat([out, _ikm_interval(answers, keys, out, items, confidence)], axis=1)

    if population is not None:
        if isinstance(population, str):
            _require(data, [population], "data")
            pop = data[[*group_cols, population]].dropna(subset=[population])
            if group_cols:
                if (
                    pop.duplicated(group_cols).any()
                    and (pop.groupby(group_cols)[population].nunique() > 1).any()
                ):
                    raise ValueError(f"data.{population} must be constant within a group")
                pop = pop.drop_duplicates(group_cols).set_index(group_cols)[population]
                values = pop.reindex(
                    pd.MultiIndex.from_frame(out[group_cols])
                    if len(group_cols) > 1
                    else out[group_cols[0]]
                )
            else:
                uniq = pop[population].unique()
                if len(uniq) > 1:
                    raise ValueError(f"data.{population} must be constant without groups")
                values = pd.Series(uniq[:1] if len(uniq) else [np.nan])
        elif np.isscalar(population):
            if group_cols:
                raise ValueError(
                    "a single population number needs groups=None; pass a "
                    "mapping from group to population instead"
                )
            values = pd.Series([population])
        else:
            if len(group_cols) != 1:
                raise ValueError("a population mapping needs exactly one groups column")
            mapping = (
                population if isinstance(population, pd.Series) else pd.Series(dict(population))
            )
            values = out[group_cols[0]].map(mapping)
        pop_values = (
            pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce")
            .astype(float)
            .to_numpy()
        )
        out["population"] = pop_values
        out["n_required"] = pd.array(
            [None if math.isnan(v) else int(v) for v in _skm.krejcie_morgan(pop_values)],
            dtype="Int64",
        )
        suff = pd.array(
            out["n"].to_numpy() >= out["n_required"].fillna(0).to_numpy(), dtype="boolean"
        )
        suff[out["n_required"].isna().to_numpy()] = pd.NA
        out["n_sufficient"] = suff
    return out


def _ikm_interval(
    answers: pd.DataFrame,
    keys: list[pd.Series],
    out: pd.DataFrame,
    items: list[str],
    confidence: float,
) -> pd.DataFrame:
    """``se``, ``ci_low``, ``ci_high`` of ``ikm_converted`` per row of ``out`` (the
    linearised standard error of :func:`skm_index`'s Notes, t with n − 1 df)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    K = len(items)
    if keys:
        codes = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else pd.Index(keys[0])
        grid = (
            pd.MultiIndex.from_frame(out.iloc[:, : len(keys)])
            if len(keys) > 1
            else pd.Index(out.iloc[:, 0])
        )
        row = grid.get_indexer(codes)
    else:
        row = np.zeros(len(answers), dtype=int)
    x = answers.to_numpy(dtype=float)
    obs = np.isfinite(x)
    nrr = out[[f"nrr_{c}" for c in items]].to_numpy(dtype=float)
    n_u = np.zeros((len(out), K))
    np.add.at(n_u, row, obs.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(obs, (x - nrr[row]) / n_u[row], 0.0).sum(axis=1) / K
    ss = np.bincount(row, weights=phi**2, minlength=len(out))
    n = out["n"].to_numpy(dtype=float)
    ok = n >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(ok, np.sqrt(ss * n / (n - 1)), np.nan) * _skm.CONVERSION
        crit = np.where(ok, stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)), np.nan)
    conv = out["ikm_converted"].to_numpy(dtype=float)
    return pd.DataFrame(
        {"se": se, "ci_low": conv - crit * se, "ci_high": conv + crit * se}, index=out.index
    )


# --------------------------------------------------------------------------------------
# indicator clarity
# --------------------------------------------------------------------------------------


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(object).map(lambda v: isinstance(v, str) and not v.strip()))


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN kept)."""
    q = np.full_like(p, np.nan, dtype=float)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    vals = np.empty(m)
    vals[order] = adj
    q[ok] = vals
    return q


def indicator_clarity(
    indicators: pd.DataFrame,
    results: pd.DataFrame | None = None,
    *,
    by: str = "unit_id",
    alpha: float = 0.05,
    test_on: str | None = None,
) -> pd.DataFrame:
    """Audit of indicator clarity per unit: how many indicators staff are judged on
    lack a measurable target, a unit of measure or a direction, and where such unclear
    indicators cluster.

    The seed's complaint — staff cannot be judged fairly without clear indicators —
    made measurable. An indicator is **unclear** in a unit when any of these holds:

    - no target: its ``target_kind`` is empty, or (with ``results``) a result on it in
      the unit has an empty target;
    - no unit of measure: ``unit_of_measure`` empty or blank;
    - no direction: ``direction`` empty (whether higher or lower is better is unknown).

    The indicators audited per unit: with ``results`` carrying the ``by`` column (e.g.
    results joined to the employees' ``unit_id``), the distinct indicators used in the
    unit's results; otherwise the indicators owned by the unit (``indicators[by]``;
    catalogue indicators without an owner are left out). With ``results`` the audit
    also counts the **results** (SKP lines) resting on an unclear indicator or lacking
    a target — the judgements that cannot be fair.

    **Clusters**: a unit is flagged when its share of unclear items is higher than in
    the other units beyond chance: a one-sided Fisher exact test of the unit against
    all other units (the hypergeometric upper tail ``P(X ≥ k)``,
    ``X ~ Hypergeom(M = all items, n = all unclear items, N = the unit's items)``),
    Benjamini–Hochberg adjusted over units, flagged when ``q_val < alpha``. The items
    are results when ``results`` are given (``test_on="results"``, the default then:
    more power, as each unclear indicator is used by several staff; results of one
    employee are not independent, so read the p-value as a screening measure), else
    unit–indicator pairs (``test_on="indicators"``).

    Parameters
    ----------
    indicators
        The ``indicators`` table: ``indicator_id``, ``unit_of_measure``,
        ``direction``, ``target_kind`` (and ``by`` without ``results``).
    results
        Optional ``results`` rows (``indicator_id``, ``target`` and ``by``).
    by
        The unit column.
    alpha
        False discovery rate for the cluster flag.
    test_on
        ``"results"`` or ``"indicators"``; ``None``: results when given.

    Returns
    -------
    pandas.DataFrame
        One row per unit (sorted): the ``by`` column, ``n_indicators``, ``n_unclear``,
        ``share_no_target``, ``share_no_unit``, ``share_no_direction``,
        ``share_unclear`` (over the unit's indicators); with ``results`` also
        ``n_results``, ``n_results_unclear``, ``share_results_unclear``; then
        ``p_val`` (one-sided Fisher), ``q_val`` (BH) and ``cluster`` (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"indicator_id": ["a", "b", "c", "d"],
    ...                     "unit_id": ["u1", "u1", "u2", "u2"],
    ...                     "unit_of_measure": ["dokumen", None, "orang", "%"],
    ...                     "direction": ["higher", "higher", None, "higher"],
    ...                     "target_kind": "kuantitatif"})
    >>> indicator_clarity(ind)[["unit_id", "n_indicators", "share_unclear"]].to_dict("list")
    {'unit_id': ['u1', 'u2'], 'n_indicators': [2, 2], 'share_unclear': [0.5, 0.5]}
    """
    _require(
        indicators, ["indicator_id", "unit_of_measure", "direction", "target_kind"], "indicators"
    )
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha!r}")
    with_results = results is not None
    if test_on is None:
        test_on = "results" if with_results else "indicators"
    if test_on not in ("results", "indicators") or (test_on == "results" and not with_results):
        raise ValueError(
            f"test_on must be 'indicators', or 'results' when results are given; got {test_on!r}"
        )
    ind = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    flags = pd.DataFrame(
        {
            "no_target": _blank(ind["target_kind"]),
            "no_unit": _blank(ind["unit_of_measure"]),
            "no_direction": _blank(ind["direction"]),
        },
        index=ind.index,
    )

    if with_results:
        if by not in results.columns:
            raise KeyError(
                f"results has no column {by!r}; join the unit to results first "
                f"(e.g. from employees) or pass results=None"
            )
        _require(results, ["indicator_id", "target", by], "results")
        unknown = ~results["indicator_id"].isin(ind.index)
        if unknown.any():
            raise ValueError(
                f"results use indicator_id(s) not in indicators: "
                f"{sorted(results.loc[unknown, 'indicator_id'].astype(str).unique())[:5]}"
            )
        r = results[results[by].notna()]
        rows = pd.DataFrame(
            {
                by: r[by].astype(object).to_numpy(),
                "indicator_id": r["indicator_id"].astype(object).to_numpy(),
                "missing_target": r["target"].isna().to_numpy(),
            }
        ).join(flags, on="indicator_id")
        rows["unclear"] = rows[["no_target", "no_unit", "no_direction", "missing_target"]].any(
            axis=1
        )
        pairs = (
            rows.groupby([by, "indicator_id"], sort=True)[
                ["no_target", "no_unit", "no_direction", "missing_target"]
            ]
            .any()
            .reset_index()
        )
        pairs["no_target"] = pairs["no_target"] | pairs["missing_target"]
    else:
        _require(indicators, [by], "indicators")
        pairs = flags.join(ind[by]).reset_index()
        pairs = pairs[pairs[by].notna()]
        pairs[by] = pairs[by].astype(object)
    pairs["unclear"] = pairs[["no_target", "no_unit", "no_direction"]].any(axis=1)

    g = pairs.groupby(by, sort=True)
    out = pd.DataFrame(
        {
            "n_indicators": g.size().astype("int64"),
            "n_unclear": g["unclear"].sum().astype("int64"),
            "share_no_target": g["no_target"].mean(),
            "share_no_unit": g["no_unit"].mean(),
            "share_no_direction": g["no_direction"].mean(),
            "share_unclear": g["unclear"].mean(),
        }
    )
    if with_results:
        gr = rows.groupby(by, sort=True)["unclear"]
        out["n_results"] = gr.size().astype("int64")
        out["n_results_unclear"] = gr.sum().astype("int64")
        out["share_results_unclear"] = gr.mean()
    out = out.reset_index()
    n_col, k_col = (
        ("n_results", "n_results_unclear")
        if test_on == "results"
        else ("n_indicators", "n_unclear")
    )
    total, total_unclear = int(out[n_col].sum()), int(out[k_col].sum())
    p = stats.hypergeom.sf(out[k_col] - 1, total, total_unclear, out[n_col])
    out["p_val"] = np.asarray(p, dtype=float)
    out["q_val"] = _bh(out["p_val"].to_numpy())
    out["cluster"] = (out["q_val"] < alpha).to_numpy(dtype=bool)
    return out


# --------------------------------------------------------------------------------------
# angka kredit and PKG
# --------------------------------------------------------------------------------------


def angka_kredit(predikat, coefficient, months=12):
    """Angka kredit of a functional position from the predikat (PermenPANRB 1/2023,
    PerBKN 3/2023).

    ``AK = (months / 12) × percent(predikat) / 100 × coefficient`` with Sangat Baik
    150%, Baik 100%, Butuh Perbaikan 75%, Kurang 50%, Sangat Kurang 25% [S18]
    (:data:`evalkit.rules.AK_PERCENT`). Annual coefficients per level are in
    :data:`evalkit.rules.JF_COEFFICIENT` (only Ahli Pertama 12.5 is confirmed [S18]).

    Parameters
    ----------
    predikat
        A predikat code or a Series / array of codes; missing gives NaN.
    coefficient
        The annual coefficient (scalar or aligned array), e.g. 12.5 for Ahli Pertama.
    months
        Months of the period (12 for a year, 3 for a quarter).

    Returns
    -------
    float, pandas.Series (named ``angka_kredit``, same index) or numpy.ndarray
        Unrounded credit points (BKN shows two decimals).

    Examples
    --------
    >>> angka_kredit("sangat_baik", 12.5)
    18.75
    >>> round(angka_kredit("baik", 12.5, months=2), 2)
    2.08
    """
    values = predikat.to_numpy(dtype=object) if isinstance(predikat, pd.Series) else predikat
    coef = coefficient.to_numpy(dtype=float) if isinstance(coefficient, pd.Series) else coefficient
    mon = months.to_numpy(dtype=float) if isinstance(months, pd.Series) else months
    out = _ak.credit_points(values, coef, mon)
    if isinstance(predikat, pd.Series):
        return pd.Series(out, index=predikat.index, name="angka_kredit")
    if np.ndim(out) == 0:
        return float(out)
    return out


def pkg_score(npkg, max_score: int = 56) -> pd.DataFrame:
    """Teachers' PKG conversion (Permendiknas 35/2010, PermenPAN 16/2009).

    ``NK = NPKG / max_score × 100`` — 14 competencies × 4 = 56 for classroom teachers,
    17 × 4 = 68 for guidance and counselling teachers [S37] — then the category and the
    share of the annual angka kredit [S38]: 91–100 Amat Baik 125%; 76–90 Baik 100%;
    61–75 Cukup 75%; 51–60 Sedang 50%; ≤ 50 Kurang 25% (bands on the unrounded NK as
    half-open intervals (90, 100], (75, 90], …; UNCONFIRMED for decimals).

    Parameters
    ----------
    npkg
        Total PKG score (scalar, list or Series), between 0 and ``max_score``.
    max_score
        56 (classroom teacher) or 68 (BK teacher), or another maximum.

    Returns
    -------
    pandas.DataFrame
        ``npkg``, ``nk``, ``category`` (``amat_baik``, ``baik``, ``cukup``,
        ``sedang``, ``kurang``) and ``ak_percent``; the index of a Series input.

    Examples
    --------
    >>> r = pkg_score([56, 50, 42, 28])
    >>> r["nk"].round(2).tolist(), r["category"].tolist(), r["ak_percent"].tolist()
    ([100.0, 89.29, 75.0, 50.0], ['amat_baik', 'baik', 'cukup', 'kurang'], [125, 100, 75, 25])
    """
    if max_score <= 0:
        raise ValueError(f"max_score must be positive; got {max_score!r}")
    index = npkg.index if isinstance(npkg, pd.Series) else None
    x = np.atleast_1d(np.asarray(npkg, dtype=float))
    bad = ~np.isnan(x) & ((x < 0) | (x > max_score))
    if bad.any():
        raise ValueError(
            f"npkg must be between 0 and max_score={max_score}; found {x[bad][:5].tolist()}"
        )
    nk = x / max_score * 100.0
    category = _ak.pkg_category(nk)
    out = pd.DataFrame({"npkg": x, "nk": nk}, index=index)
    out["category"] = _codes(category, index=out.index)
    out["ak_percent"] = out["category"].map(_ak.PKG_AK_PERCENT).astype("Int64")
    return out


# --------------------------------------------------------------------------------------
# the period study
# --------------------------------------------------------------------------------------

_YEAR = re.compile(r"^\d{4}$")


def _select_period(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows of ``period``; a year (``"2025"``) selects its own rows and its quarters,
    relabelled as the year."""
    if "period" not in df.columns:
        return df
    p = df["period"].astype(object)
    if _YEAR.match(str(period)):
        mask = (p == period) | p.map(lambda v: isinstance(v, str) and v.startswith(f"{period}Q"))
        out = df[mask.to_numpy(dtype=bool)].copy()
        out["period"] = str(period)
        return out
    return df[(p == period).to_numpy(dtype=bool)].copy()


def _org_for_period(org_rating: pd.DataFrame, period: str) -> pd.Series:
    """Organisational predikat per unit for ``period``: the period's own rows; for a
    year without annual rows, the latest quarter's (UNCONFIRMED how the annual
    organisational predikat relates to quarterly ones)."""
    if org_rating is None or org_rating.empty:
        return pd.Series(dtype=object)
    o = org_rating.dropna(subset=["predikat"])
    exact = o[o["period"].astype(object) == period]
    if exact.empty and _YEAR.match(str(period)):
        exact = o[o["period"].astype(str).str.startswith(f"{period}Q")]
        exact = exact.sort_values("period").drop_duplicates("unit_id", keep="last")
    dup = exact["unit_id"].duplicated()
    if dup.any():
        raise ValueError(
            f"org_rating has several predikat for unit(s) "
            f"{sorted(exact.loc[dup, 'unit_id'].astype(str))[:5]} in {period}"
        )
    return exact.set_index(exact["unit_id"].astype(object))["predikat"].astype(object)


def _json_value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    return v


def _records(df: pd.DataFrame, drop: Sequence[str] = ()) -> list[dict]:
    cols = [c for c in df.columns if c not in drop]
    return [
        {c: _json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in df[cols].itertuples(index=False, name=None)
    ]


#: Columns never written by :meth:`ScoringResult.to_json` (personal data).
_PERSONAL = ("employee_id", "nip", "name", "rater_id", "supervisor_id", "response_id")


@dataclass
class ScoringResult:
    """Scores of one period, as tidy tables.

    Attributes
    ----------
    period, rules
        The period (``"2025Q3"`` or a year) and the rule set.
    employees
        **Restricted** (contains ``employee_id``): one row per scored employee —
        :func:`score_employees`'s columns plus ``unit_id``, ``jf_level`` and
        ``angka_kredit`` (for functional positions; coefficients mostly UNCONFIRMED,
        see :data:`evalkit.rules.JF_COEFFICIENT`).
    units
        One row per unit: ``unit_id``, ``org_predikat``, ``n_employees`` (in the
        employees table), ``n_scored`` (with a predikat), ``n_<predikat>`` and
        ``share_<predikat>``, ``share_hasil_di_bawah``, ``share_perilaku_di_bawah``,
        ``mean_achievement``, ``mean_behaviour``, ``n_unjudgeable`` (results that cannot
        be judged).
    distribution
        :func:`check_distribution` per unit against its organisational predikat.
    skm
        :func:`skm_index` per unit with respondents, always with ``population``,
        ``n_required`` and ``n_sufficient`` (missing where the unit's
        ``service_population`` is unknown); no rows when the period has no responses.
    clarity
        :func:`indicator_clarity` per unit (indicators used in the unit's results).
    parameters
        The scoring parameters used.
    """

    period: str
    rules: str
    employees: pd.DataFrame
    units: pd.DataFrame
    distribution: pd.DataFrame
    skm: pd.DataFrame
    clarity: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Key numbers: employees scored, predikat counts, units checked and violating,
        SKM mutu counts, clarity clusters."""
        pred = self.employees["predikat"].dropna()
        d = self.distribution
        return {
            "n_employees_scored": int(len(pred)),
            "predikat_counts": {p: int((pred == p).sum()) for p in PREDIKAT},
            "n_units": int(len(self.units)),
            "n_units_checked": int(d["ok"].notna().sum()),
            "n_units_violating": int(d["ok"].eq(False).fillna(False).sum()),
            "skm_mutu_counts": {
                m: int((self.skm["mutu"] == m).sum()) for m in ("A", "B", "C", "D")
            },
            "n_units_unclear_cluster": int(self.clarity["cluster"].sum()),
        }

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of canonical codes and numbers, unit-level only.

        Keys: ``period``, ``rules``, ``parameters``, ``summary``, ``units``,
        ``distribution`` (``violations`` and ``not_applicable`` as lists of codes),
        ``skm``, ``clarity``. No labels, names, NIP or employee ids; NaN → ``None``.
        """
        dist = _records(self.distribution, _PERSONAL)
        for row in dist:
            for k in ("violations", "not_applicable"):
                row[k] = [c for c in (row[k] or "").split("; ") if c]
        params = {
            k: (list(map(list, v)) if isinstance(v, tuple) else v)
            for k, v in self.parameters.items()
        }
        return {
            "period": self.period,
            "rules": self.rules,
            "parameters": params,
            "summary": self.summary(),
            "units": _records(self.units, _PERSONAL),
            "distribution": dist,
            "skm": _records(self.skm, _PERSONAL),
            "clarity": _records(self.clarity, _PERSONAL),
        }

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
            for k, v in s.items()
        )
        parts = [
            f"<div><strong>ScoringResult</strong> {html.escape(self.period)} "
            f"({html.escape(self.rules)})<table>{rows}</table>"
        ]
        for name in ("units", "distribution", "skm", "clarity"):
            df = getattr(self, name)
            parts.append(
                f"<details><summary>{name} ({len(df)} rows)</summary>"
                f"{df.head(20).to_html(index=False, na_rep='')}</details>"
            )
        parts.append("</div>")
        return "".join(parts)


def score_study(
    study: Study,
    period: str,
    *,
    rules: str = "permenpanrb_6_2022",
    hasil_bands=_r6.HASIL_BANDS,
    most: float = 0.5,
    kinds: Sequence[str] = ("utama",),
    use_rating: bool = True,
    lower: str = "ratio",
    perilaku_weights: Mapping[str, float] | None = None,
    perilaku_bands=_r6.PERILAKU_BANDS,
    rounding: str = "strict",
    min_n: int = 10,
    majority: str = "plurality",
    alpha: float = 0.05,
) -> ScoringResult:
    """Score one period of a study: employees, units, distribution, SKM, clarity.

    Parameters
    ----------
    study
        A :class:`evalkit.io.Study` (or :func:`evalkit.simulate`'s result).
    period
        A quarter (``"2025Q3"``) or a year (``"2025"``: the year's rows and its
        quarters pooled; how the annual predikat follows from periodic ones is
        UNCONFIRMED in the sources, the package pools the year's results and ratings).
    rules
        The rule set; only ``"permenpanrb_6_2022"`` scores the current data model
        (PP 46/2011 and PP 30/2019 need SKP aspect data: use :mod:`evalkit.rules`).
    hasil_bands, most, kinds, use_rating, lower, perilaku_weights, perilaku_bands
        See :func:`score_employees`.
    rounding, min_n, majority
        See :func:`check_distribution`.
    alpha
        False discovery rate of :func:`indicator_clarity`'s cluster flag.

    Returns
    -------
    ScoringResult

    Examples
    --------
    >>> import evalkit as ek
    >>> res = score_study(ek.simulate(employees=200, seed=1), "2025Q3")  # doctest: +SKIP
    >>> res.to_json()["summary"]["n_employees_scored"]  # doctest: +SKIP
    200
    """
    if rules not in RULE_SETS:
        raise ValueError(
            f"rules={rules!r} cannot score this data model; use one of {', '.join(RULE_SETS)} "
            "(PP 46/2011 and PP 30/2019 functions are in evalkit.rules)"
        )
    period = str(period)
    results = _select_period(study.results, period)
    behaviour = _select_period(study.behaviour, period)
    citizen = _select_period(study.citizen, period)
    if results.empty and behaviour.empty:
        periods = sorted(set(study.results.get("period", pd.Series(dtype=object)).dropna()))
        raise ValueError(
            f"no results or behaviour ratings for period {period!r}; the data have "
            f"{', '.join(map(str, periods)) or 'no periods'}"
        )

    emp = score_employees(
        results,
        behaviour,
        study.indicators,
        hasil_bands=hasil_bands,
        most=most,
        kinds=kinds,
        use_rating=use_rating,
        lower=lower,
        perilaku_weights=perilaku_weights,
        perilaku_bands=perilaku_bands,
    )
    staff = study.employees.drop_duplicates("employee_id").set_index("employee_id")
    emp["unit_id"] = emp["employee_id"].map(staff["unit_id"]).astype(object)
    if "jf_level" in staff.columns:
        emp["jf_level"] = emp["employee_id"].map(staff["jf_level"]).astype(object)
        coef = emp["jf_level"].map(_ak.JF_COEFFICIENT).astype(float)
        months = 12 if _YEAR.match(period) else 3
        emp["angka_kredit"] = angka_kredit(emp["predikat"], coef, months).to_numpy()
    no_unit = emp["unit_id"].isna()
    if no_unit.any():
        raise ValueError(
            f"{int(no_unit.sum())} scored employee(s) are not in the employees table (or "
            f"have no unit_id), e.g. {emp.loc[no_unit, 'employee_id'].head(3).tolist()}"
        )

    org = _org_for_period(study.org_rating, period)
    unit_ids = pd.Index(
        sorted(set(study.units["unit_id"].dropna()) | set(emp["unit_id"])), dtype=object
    )
    distribution = check_distribution(
        emp,
        "unit_id",
        "predikat",
        org.to_dict(),
        rounding=rounding,
        min_n=min_n,
        majority=majority,
    )

    # unit-level table
    g = emp.groupby("unit_id", sort=True)
    units = pd.DataFrame(index=unit_ids)
    units.index.name = "unit_id"
    units["org_predikat"] = _codes(org.reindex(unit_ids), index=unit_ids)
    units["n_employees"] = (
        study.employees.groupby("unit_id").size().reindex(unit_ids, fill_value=0).astype("int64")
    )
    units["n_scored"] = g["predikat"].count().reindex(unit_ids, fill_value=0).astype("int64")
    scored = emp[emp["predikat"].notna()]
    counts = _count_levels(scored, ["unit_id"], "predikat", PREDIKAT).reindex(
        unit_ids, fill_value=0
    )
    shares = _shares(counts, units["n_scored"])
    for p in PREDIKAT:
        units[f"n_{p}"] = counts[p].astype("int64")
    for p in PREDIKAT:
        units[f"share_{p}"] = shares[p]
    with np.errstate(invalid="ignore", divide="ignore"):
        units["share_hasil_di_bawah"] = (
            emp["hasil"].eq("di_bawah").groupby(emp["unit_id"]).sum() / g["hasil"].count()
        ).reindex(unit_ids)
        units["share_perilaku_di_bawah"] = (
            emp["perilaku"].eq("di_bawah").groupby(emp["unit_id"]).sum() / g["perilaku"].count()
        ).reindex(unit_ids)
    units["mean_achievement"] = g["mean_achievement"].mean().reindex(unit_ids)
    units["mean_behaviour"] = g["mean_behaviour"].mean().reindex(unit_ids)
    units["n_unjudgeable"] = (
        g["n_unjudgeable"].sum().reindex(unit_ids, fill_value=0).astype("int64")
    )
    units = units.reset_index()

    # SKM per unit
    population = None
    if "service_population" in study.units.columns:
        sp = study.units.dropna(subset=["service_population"])
        population = sp.set_index(sp["unit_id"].astype(object))["service_population"]
    if citizen.empty:  # same columns, no rows
        citizen = pd.DataFrame(
            {"unit_id": pd.Series(dtype=object), **{u: pd.Series(dtype=float) for u in SKM_ITEMS}}
        )
    skm = skm_index(citizen, "unit_id", population=population if population is not None else {})

    # indicator clarity on the indicators the units' staff are judged on
    res_units = results.assign(unit_id=results["employee_id"].map(staff["unit_id"]).astype(object))
    clarity = indicator_clarity(study.indicators, res_units, by="unit_id", alpha=alpha)

    parameters = {
        "hasil_bands": tuple(tuple(b) for b in hasil_bands),
        "most": most,
        "kinds": list(kinds),
        "use_rating": use_rating,
        "lower": lower,
        "perilaku_weights": dict(perilaku_weights or {"atasan": 1.0}),
        "perilaku_bands": tuple(tuple(b) for b in perilaku_bands),
        "rounding": rounding,
        "min_n": min_n,
        "majority": majority,
        "alpha": alpha,
    }
    return ScoringResult(period, rules, emp, units, distribution, skm, clarity, parameters)
