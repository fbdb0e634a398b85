"""Small-sample inference shared by the clustered intervals of evalkit.

Three building blocks, used by :mod:`evalkit.impact` (training effect), :mod:`evalkit.compare`
(citizen–supervisor offset and gaps), :mod:`evalkit.scoring` (unit IKM) and
:mod:`evalkit.calibration` (coverage of all of them):

- :func:`t_critical`: the two-sided critical value of Student's t with G − 1 degrees of
  freedom for G clusters, the small-cluster reference distribution recommended by
  Cameron, Gelbach & Miller (2008) and Imbens & Kolesár (2016) in place of the normal;
- :func:`wild_weights`: the cluster multipliers of the wild (multiplier) bootstrap,
  Rademacher (±1) or, with fewer than :data:`WEBB_BELOW` clusters, Webb's six-point
  distribution, whose 6^G sign patterns are not too few to give distinct draws
  (Webb 2014; MacKinnon & Webb 2017);
- :func:`wilson_interval`: the Wilson score interval of a binomial share, for the coverage
  of a calibration run.

References
----------
Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. *Review of Economics and Statistics* 90(3), 414–427.
Imbens, G. W. & Kolesár, M. (2016). Robust standard errors in small samples: some
practical advice. *Review of Economics and Statistics* 98(4), 701–712.
MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different
cluster sizes. *Journal of Applied Econometrics* 32(2), 233–254.
Webb, M. D. (2014). Reworking wild bootstrap based inference for clustered errors.
Queen's Economics Department Working Paper 1315.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *Journal of the American Statistical Association* 22(158), 209–212.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "MIN_TREATED_CLUSTERS",
    "WEBB_BELOW",
    "WEBB_POINTS",
    "t_critical",
    "wild_weights",
    "wilson_interval",
]

#: With fewer clusters than this, :func:`wild_weights` uses Webb's six-point weights
#: (Rademacher weights give only 2^G distinct draws: 2,048 at G = 11; Webb 2014).
WEBB_BELOW = 12

#: The support of Webb's six-point distribution, each point with probability 1/6:
#: ±√(3/2), ±1, ±√(1/2). Mean 0, variance 1, fourth moment 7/6 (Webb 2014).
WEBB_POINTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)

#: Below this many treated clusters no clustered interval of a treatment effect is
#: printed: with very few treated clusters even the wild cluster bootstrap
#: over-rejects badly (MacKinnon & Webb 2017, sections 5–6, rejection rates far above
#: the nominal level with one to five treated clusters of 50).
MIN_TREATED_CLUSTERS = 6


def t_critical(n_clusters: int, confidence: float = 0.95) -> float:
    """Two-sided critical value of Student's t with G − 1 degrees of freedom.

    .. math:: c = t_{(1 + \\text{confidence})/2,\\; G - 1}

    The reference distribution of a cluster-robust t statistic with G clusters
    (Cameron, Gelbach & Miller 2008, section II; Imbens & Kolesár 2016, section 3;
    statsmodels ``cov_type="cluster"`` with ``use_t=True`` uses the same G − 1).

    Parameters
    ----------
    n_clusters
        Number of clusters G (at least 2).
    confidence
        Level of the two-sided interval, in (0, 1).

    Returns
    -------
    float
        The critical value; it falls to the normal's 1.95996 as G grows.

    Examples
    --------
    >>> round(t_critical(30), 4)   # t(0.975, 29)
    2.0452
    >>> round(t_critical(11, 0.90), 4)   # t(0.95, 10)
    1.8125
    """
    g = int(n_clusters)
    if g < 2:
        raise ValueError(f"t_critical needs at least 2 clusters, got {n_clusters}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return float(stats.t.ppf(0.5 + confidence / 2, g - 1))


def wild_weights(
    rng: np.random.Generator,
    n_boot: int,
    n_clusters: int,
    kind: str = "auto",
) -> np.ndarray:
    """Cluster multipliers v of the wild (multiplier) cluster bootstrap, (n_boot, G).

    Parameters
    ----------
    rng
        The generator (the only source of randomness).
    n_boot
        Number of draws B.
    n_clusters
        Number of clusters G.
    kind
        ``"rademacher"`` (±1, probability 1/2 each), ``"webb"`` (the six points of
        :data:`WEBB_POINTS`, probability 1/6 each) or ``"auto"``: Webb when
        G < :data:`WEBB_BELOW`, else Rademacher.

    Returns
    -------
    numpy.ndarray
        Float array of shape (n_boot, n_clusters); every weight has mean 0 and
        variance 1 (Rademacher: E v⁴ = 1; Webb: E v⁴ = 7/6).

    Notes
    -----
    A draw of an asymptotically linear statistic θ̂ with cluster influence
    ψ_c is θ̂* = θ̂ + Σ_c v_c ψ_c, so Var*(θ̂*) = Σ_c ψ_c² for any weights of
    variance 1 (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017). With G clusters
    Rademacher weights have only 2^G patterns; Webb's six points give 6^G (Webb 2014).

    Examples
    --------
    >>> v = wild_weights(np.random.default_rng(0), 4, 20)
    >>> sorted(set(v.ravel().tolist()))
    [-1.0, 1.0]
    >>> wild_weights(np.random.default_rng(0), 2, 5).shape   # Webb below 12 clusters
    (2, 5)
    """
    if kind not in ("auto", "rademacher", "webb"):
        raise ValueError(f"kind must be 'auto', 'rademacher' or 'webb', got {kind!r}")
    if kind == "auto":
        kind = "webb" if n_clusters < WEBB_BELOW else "rademacher"
    if kind == "rademacher":
        return rng.integers(0, 2, size=(n_boot, n_clusters)).astype(float) * 2.0 - 1.0
    return WEBB_POINTS[rng.integers(0, 6, size=(n_boot, n_clusters))]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k/n.

    .. math::

        \\frac{\\hat p + z^2/(2n) \\pm z \\sqrt{\\hat p(1-\\hat p)/n + z^2/(4n^2)}}
             {1 + z^2/n}

    with z the normal quantile of ``(1 + confidence)/2`` (Wilson 1927). Keeps within
    [0, 1] and covers near its level even at shares near 0.95 with n = 200, where the
    Wald interval does not.

    Parameters
    ----------
    successes, n
        Count of successes k and trials n (n ≥ 1).
    confidence
        Level of the interval.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when n is 0.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(190, 200)]
    [0.9104, 0.9726]
    """
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in 0..n, got {successes} of {n}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
