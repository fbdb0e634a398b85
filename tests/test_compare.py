"""Citizens versus supervisors: alignment, case mix, agreement, mixed-model offset, flags.

Values are checked against hand computations written here, scipy/statsmodels, R (lme4,
metafor; values pasted with the R code that produced them) and planted truths, both in
small frames built here and in :func:`evalkit.simulate` data.
"""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttost_paired

import evalkit as ek
from evalkit.compare import (
    ComparisonResult,
    _dl_tau2,
    _robust_tau2,
    adjust_casemix,
    align_sources,
    flag_units,
    source_agreement,
    source_offset,
)
from evalkit.io import Study

# --------------------------------------------------------------------------- small data


def _tiny():
    """Two units, three employees, hand-checkable POMP scores."""
    employees = pd.DataFrame({"employee_id": ["e1", "e2", "e3"], "unit_id": ["A", "A", "B"]})
    behaviour = pd.DataFrame(
        [
            # period, employee, rater, role, value, score
            ("2025Q1", "e1", "s1", "atasan", "berorientasi_pelayanan", 4),
            ("2025Q1", "e1", "s1", "atasan", "kompeten", 5),  # mean 4.5 -> 87.5
            ("2025Q1", "e1", "s1", "atasan", "akuntabel", 1),  # not an aligned value
            ("2025Q1", "e2", "s1", "atasan", "berorientasi_pelayanan", 3),  # 3 -> 50
            ("2025Q1", "e1", "p1", "rekan", "kompeten", 2),  # peer: 25
            ("2025Q1", "e3", "s2", "atasan", "kompeten", 1),  # 0
            ("2025Q1", "e3", "s2", "atasan", "berorientasi_pelayanan", 2),  # 1.5 -> 12.5
            ("2025Q2", "e3", "s2", "atasan", "kompeten", 5),  # other quarter: 100
        ],
        columns=["period", "employee_id", "rater_id", "rater_role", "value", "score"],
    )
    citizen = pd.DataFrame(
        {
            "period": ["2025Q1", "2025Q1", "2025Q1", "2025Q2"],
            "response_id": ["r1", "r2", "r3", "r4"],
            "unit_id": ["A", "A", "B", "B"],
            "employee_id": ["e1", None, None, "e3"],
            "service": ["ktp", "ktp", "imunisasi", "imunisasi"],
            "u6": [3, 4, 1, 4],
            "u7": [4, None, 2, 4],
        }
    )
    for k in (1, 2, 3, 4, 5, 8, 9):
        citizen[f"u{k}"] = 3
    return employees, behaviour, citizen


def test_align_sources_pomp_worked_example():
    employees, behaviour, citizen = _tiny()
    al = align_sources(behaviour, citizen, employees=employees, period="2025Q1")
    sup = al[al["source"] == "supervisor"].set_index("employee_id")
    assert sup.loc["e1", "score"] == pytest.approx(87.5)  # (4.5 − 1)/4 × 100
    assert sup.loc["e2", "score"] == pytest.approx(50.0)
    assert sup.loc["e3", "score"] == pytest.approx(12.5)
    assert list(sup["n_items"]) == [2, 1, 2]
    assert list(sup["ratee"]) == ["A", "A", "B"]
    cit = al[al["source"] == "citizen"].set_index("observer")
    assert cit.loc["r1", "score"] == pytest.approx(250 / 3)  # (3.5 − 1)/3 × 100
    assert cit.loc["r2", "score"] == pytest.approx(100.0)  # u7 missing: u6 alone
    assert cit.loc["r2", "n_items"] == 1
    assert cit.loc["r3", "score"] == pytest.approx(50 / 3)
    assert "r4" not in cit.index  # other quarter
    assert set(al["source"]) == {"supervisor", "citizen"}  # peers only when asked
    with_peers = align_sources(
        behaviour, citizen, employees=employees, period="2025Q1", roles=("atasan", "rekan")
    )
    assert with_peers.loc[with_peers["source"] == "peer", "score"].tolist() == [25.0]


def test_align_sources_officer_level_year_and_items():
    employees, behaviour, citizen = _tiny()
    al = align_sources(behaviour, citizen, employees=employees, level="officer", period="2025")
    assert set(al["ratee"]) == {"e1", "e3"}  # only officers named by a citizen
    assert (al["level"] == "officer").all()
    e3 = al[(al["ratee"] == "e3") & (al["source"] == "supervisor")]
    assert sorted(e3["score"]) == [12.5, 100.0]  # both quarters of the year
    only_u6 = align_sources(
        behaviour,
        citizen,
        employees=employees,
        citizen_items=["u6"],
        supervisor_values=["kompeten"],
        period="2025Q1",
    )
    c = only_u6[only_u6["source"] == "citizen"].set_index("observer")["score"]
    assert c.to_dict() == pytest.approx({"r1": 200 / 3, "r2": 100.0, "r3": 0.0})


def test_align_sources_errors_for_people():
    employees, behaviour, citizen = _tiny()
    with pytest.raises(ValueError, match="employees=study.employees"):
        align_sources(behaviour, citizen)
    with pytest.raises(ValueError, match="supervisor_values"):
        align_sources(behaviour, citizen, employees=employees, supervisor_values=["ramah"])
    with pytest.raises(ValueError, match="u10"):
        align_sources(behaviour, citizen, employees=employees, citizen_items=["u10"])
    with pytest.raises(ValueError, match="holds periods"):
        align_sources(behaviour, citizen, employees=employees, period="2023Q4")
    with pytest.raises(ValueError, match="no unit in the employees table"):
        align_sources(behaviour, citizen, employees=employees.iloc[:2])


# --------------------------------------------------------------------------- case mix


def test_adjust_casemix_recovers_planted_coefficient_and_centres_at_overall_mix():
    """score = unit level + 12·[female]; units differ in their share of women. The
    within-unit regression gives 12 exactly; the adjusted unit mean is the unit level
    plus 12 × the overall share of women."""
    level = {"A": 40.0, "B": 60.0, "C": 50.0}
    women = {"A": 1, "B": 4, "C": 2}  # of 5 respondents each
    rows = []
    for u, lv in level.items():
        for i in range(5):
            g = "p" if i < women[u] else "l"
            rows.append(("citizen", u, u, lv + (12.0 if g == "p" else 0.0), g))
    al = pd.DataFrame(rows, columns=["source", "ratee", "unit_id", "score", "respondent_gender"])
    out = adjust_casemix(al, covariates=["respondent_gender"])
    coef = out.attrs["casemix"]
    assert coef["respondent_gender=p"] == pytest.approx(12.0)
    share = 7 / 15
    means = out.groupby("ratee")["score"].mean()
    for u, lv in level.items():
        assert means[u] == pytest.approx(lv + 12.0 * share)
    assert out["score_raw"].tolist() == al["score"].tolist()
    assert out.attrs["casemix_covariates"] == ["respondent_gender"]


def test_adjust_casemix_numeric_age_with_a_missing_value():
    """score = unit level + 0.5·age: the age coefficient is 0.5 exactly; the response
    with a missing age gets the mean age and a missing-indicator."""
    rows = []
    for u, lv in (("A", 30.0), ("B", 50.0)):
        for age in (20, 30, 45, 60):
            rows.append(("citizen", u, u, lv + 0.5 * age, float(age)))
    rows.append(("citizen", "A", "A", 44.0, np.nan))
    al = pd.DataFrame(rows, columns=["source", "ratee", "unit_id", "score", "respondent_age"])
    out = adjust_casemix(al, covariates=["respondent_age"])
    assert out.attrs["casemix"]["respondent_age"] == pytest.approx(0.5)
    assert "respondent_age[missing]" in out.attrs["casemix"]
    # both units had the same ages: their adjusted means stay 20 apart
    m = out[out["respondent_age"].notna()].groupby("ratee")["score"].mean()
    assert m["B"] - m["A"] == pytest.approx(20.0)


def test_adjust_casemix_skips_constant_fields_and_leaves_other_sources():
    al = pd.DataFrame(
        {
            "source": ["citizen", "citizen", "supervisor"],
            "ratee": ["A", "A", "A"],
            "unit_id": "A",
            "score": [10.0, 20.0, 30.0],
            "respondent_gender": ["l", "l", None],
        }
    )
    out = adjust_casemix(al, covariates=["respondent_gender"])
    assert out["score"].tolist() == [10.0, 20.0, 30.0]
    assert out.attrs["casemix_covariates"] == []


# --------------------------------------------------------------------------- agreement


def _paired_aligned(seed=5, n=30, offset=8.0):
    """Aligned observations for n units, several of each source per unit."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n):
        true = rng.normal(60, 10)
        for _ in range(int(rng.integers(2, 6))):
            rows.append(("supervisor", f"U{j:02d}", true + offset + rng.normal(0, 8)))
        for _ in range(int(rng.integers(5, 15))):
            rows.append(("citizen", f"U{j:02d}", true + rng.normal(0, 12)))
    al = pd.DataFrame(rows, columns=["source", "ratee", "score"])
    al["unit_id"] = al["ratee"]
    al["level"] = "unit"
    return al


def test_source_agreement_each_statistic_against_scipy_statsmodels_and_hand():
    al = _paired_aligned()
    res = source_agreement(al, margin=5.0, reliability=(0.5, 0.8)).set_index("statistic")
    m = al.groupby(["ratee", "source"])["score"].mean().unstack()
    x, y = m["supervisor"].to_numpy(), m["citizen"].to_numpy()
    d = x - y
    n = len(d)
    assert (res["n_targets"] == n).all()
    t = stats.ttest_rel(x, y)
    assert res.loc["mean_gap", "estimate"] == pytest.approx(d.mean())
    assert res.loc["mean_gap", "p_val"] == pytest.approx(t.pvalue)
    assert res.loc["paired_t", "estimate"] == pytest.approx(t.statistic)
    half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)
    assert res.loc["mean_gap", "ci_high"] == pytest.approx(d.mean() + half)
    # proportional bias: OLS slope of d on the pair mean
    import statsmodels.api as sm

    ols = sm.OLS(d, sm.add_constant((x + y) / 2)).fit()
    assert res.loc["proportional_bias", "estimate"] == pytest.approx(ols.params[1])
    assert res.loc["proportional_bias", "p_val"] == pytest.approx(ols.pvalues[1])
    assert res.loc["proportional_bias", "ci_low"] == pytest.approx(ols.conf_int()[1, 0])
    # correlations
    r = np.corrcoef(x, y)[0, 1]
    assert res.loc["pearson_r", "estimate"] == pytest.approx(r)
    assert res.loc["pearson_r", "ci_low"] == pytest.approx(
        math.tanh(math.atanh(r) - 1.959963984540054 / math.sqrt(n - 3))
    )
    rho = stats.spearmanr(x, y)
    assert res.loc["spearman_rho", "estimate"] == pytest.approx(rho.statistic)
    assert res.loc["spearman_rho", "p_val"] == pytest.approx(rho.pvalue)
    se_bw = math.sqrt((1 + rho.statistic**2 / 2) / (n - 3))
    assert res.loc["spearman_rho", "ci_high"] == pytest.approx(
        math.tanh(math.atanh(rho.statistic) + 1.959963984540054 * se_bw)
    )
    # correction for attenuation with the given reliabilities
    assert res.loc["pearson_r_disattenuated", "estimate"] == pytest.approx(r / math.sqrt(0.4))
    # Wilcoxon (pratt) and TOST (statsmodels)
    w = stats.wilcoxon(x, y, zero_method="pratt")
    assert res.loc["wilcoxon", "p_val"] == pytest.approx(w.pvalue)
    p_tost = ttost_paired(x, y, -5.0, 5.0)[0]
    assert res.loc["tost", "p_val"] == pytest.approx(p_tost)
    # TOST by hand: the larger of the two one-sided p-values
    se = d.std(ddof=1) / math.sqrt(n)
    p_hand = max(stats.t.sf((d.mean() + 5) / se, n - 1), stats.t.cdf((d.mean() - 5) / se, n - 1))
    assert res.loc["tost", "p_val"] == pytest.approx(p_hand)
    assert res.loc["tost", "ci_low"] == pytest.approx(d.mean() - stats.t.ppf(0.95, n - 1) * se)
    assert res.loc["cohen_dz", "estimate"] == pytest.approx(d.mean() / d.std(ddof=1))
    ccc = ek.lin_ccc(pd.DataFrame({"x": x, "y": y}), "x", "y")["estimate"].iloc[0]
    assert res.loc["lin_ccc", "estimate"] == pytest.approx(ccc)


def test_source_agreement_reliability_is_icc1k_for_balanced_data():
    """The citizen-mean reliability (Bliese ICC(2)) equals pingouin's ICC1k when every
    ratee has the same number of citizen responses."""
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(2)
    rows = []
    for j in range(15):
        true = rng.normal(60, 8)
        rows += [("supervisor", f"U{j}", true + rng.normal(0, 5), 0) for _ in range(3)]
        rows += [("citizen", f"U{j}", true + rng.normal(0, 15), k) for k in range(6)]
    al = pd.DataFrame(rows, columns=["source", "ratee", "score", "k"]).assign(
        unit_id=lambda d: d["ratee"], level="unit"
    )
    res = source_agreement(al).set_index("statistic")
    cit = al[al["source"] == "citizen"]
    icc = pg.intraclass_corr(cit, targets="ratee", raters="k", ratings="score")
    icc1k = icc.set_index("Type").loc["ICC(1,k)", "ICC"]
    assert res.loc["reliability_y", "estimate"] == pytest.approx(icc1k, rel=1e-9)
    officer = al.assign(level="officer")
    res_o = source_agreement(officer).set_index("statistic")
    assert res_o.loc["reliability_x", "estimate"] == 0.52  # one supervisor (methods.md §1)


def test_source_agreement_needs_three_ratees():
    al = _paired_aligned(n=2)
    with pytest.raises(ValueError, match="at least 3 are needed"):
        source_agreement(al)


# --------------------------------------------------------------------------- offset


def test_source_offset_matches_lme4():
    """R 4 / lme4: lmer(score ~ source + (1|ratee), REML = TRUE), citizen the reference:
    sourcesupervisor 10.84282871 (SE 2.156309115); ratee variance 34.00168955, residual
    116.80995631. Data: 12 ratees, 2–5 supervisor and 3–8 citizen scores each (seeded)."""
    rng = np.random.default_rng(20261129)
    rows = []
    for j in range(12):
        b = rng.normal(0, 6)
        for _ in range(int(rng.integers(2, 6))):
            rows.append(("supervisor", f"R{j:02d}", round(60 + b + 7 + rng.normal(0, 10), 2)))
        for _ in range(int(rng.integers(3, 9))):
            rows.append(("citizen", f"R{j:02d}", round(60 + b + rng.normal(0, 12), 2)))
    al = pd.DataFrame(rows, columns=["source", "ratee", "score"]).assign(
        unit_id=lambda d: d["ratee"]
    )
    res = source_offset(al, method="mixed").iloc[0]
    assert res["estimate"] == pytest.approx(10.84282871, abs=1e-5)
    assert res["se"] == pytest.approx(2.156309115, rel=2e-3)  # lme4 and statsmodels SEs
    assert res["var_ratee"] == pytest.approx(34.00168955, rel=1e-4)
    assert res["var_residual"] == pytest.approx(116.80995631, rel=1e-4)
    assert res["n_obs"] == len(al) and res["n_ratees"] == 12 and res["converged"]
    # small-cluster interval: t with G − 1 = 11 degrees of freedom (t(0.975, 11) = 2.201)
    assert res["ci_low"] == pytest.approx(res["estimate"] - 2.200985160082949 * res["se"])
    assert res["p_val"] == pytest.approx(2 * stats.t.sf(res["estimate"] / res["se"], 11))


def test_source_offset_balanced_equals_difference_of_means_and_sign_is_supervisor_minus_citizen():
    rng = np.random.default_rng(9)
    rows = []
    for j in range(20):
        b = rng.normal(0, 10)
        rows += [("supervisor", f"U{j}", 70 + b + rng.normal(0, 5)) for _ in range(4)]
        rows += [("citizen", f"U{j}", 60 + b + rng.normal(0, 5)) for _ in range(4)]
    al = pd.DataFrame(rows, columns=["source", "ratee", "score"]).assign(
        unit_id=lambda d: d["ratee"]
    )
    means = al.groupby("source")["score"].mean()
    est = source_offset(al)["estimate"].iloc[0]
    assert est == pytest.approx(means["supervisor"] - means["citizen"], abs=1e-6)
    assert est > 0


# --------------------------------------------------------------------------- flags


def test_dl_tau2_matches_metafor():
    """R metafor::rma(yi, vi, method = "DL"): tau2 60.0604761253, estimate 9.7462177649."""
    yi = np.array([12.1, 5.3, 8.8, 30.2, 7.7, -1.5, 9.9, 6.4, 14.0, 4.2])
    vi = np.array([4.0, 6.25, 3.1, 5.0, 9.0, 4.4, 2.5, 7.3, 3.6, 5.5])
    centre, tau2 = _dl_tau2(yi, vi)
    assert tau2 == pytest.approx(60.0604761253, rel=1e-9)
    assert centre == pytest.approx(9.7462177649, rel=1e-9)


def test_robust_tau2_solves_the_median_equation_and_ignores_outliers():
    rng = np.random.default_rng(4)
    v = rng.uniform(2, 8, 200)
    g = 5 + rng.normal(0, np.sqrt(v + 16.0))
    centre, tau2 = _robust_tau2(g, v)
    assert centre == pytest.approx(np.median(g))
    z2 = (g - centre) ** 2 / (v + tau2)
    assert np.median(z2) == pytest.approx(stats.chi2.ppf(0.5, 1), abs=1e-6)
    assert 9 < tau2 < 25  # planted 16
    # ten wild units hardly move it, while DerSimonian–Laird is inflated by them
    g2 = g.copy()
    g2[:10] += 60
    assert abs(_robust_tau2(g2, v)[1] - tau2) < 6
    assert _dl_tau2(g2, v)[1] > 3 * tau2
    # no dispersion beyond sampling: τ² = 0
    assert _robust_tau2(rng.normal(0, np.sqrt(v)) * 0.3, v)[1] == 0.0


def test_flag_units_worked_example_by_hand():
    """Five units, own variances: gap, SE, z, p and BH q recomputed here."""
    rows = []
    data = {
        "A": ([70, 80, 75], [60, 62, 58, 64, 61]),
        "B": ([50, 55], [52, 49, 51, 55]),
        "C": ([90, 92, 94], [40, 45, 50, 42, 44, 46]),
        "D": ([60, 64], [58, 66, 62]),
        "E": ([65, 70, 75], [60, 70, 65, 62]),
        "F": ([80], [70]),  # one citizen: below min_citizen
    }
    for u, (sup, cit) in data.items():
        rows += [("supervisor", u, s) for s in sup] + [("citizen", u, c) for c in cit]
    al = pd.DataFrame(rows, columns=["source", "ratee", "score"]).assign(
        unit_id=lambda d: d["ratee"], level="unit"
    )
    res = flag_units(al, min_citizen=3, variance="unit", q=0.10).set_index("unit_id")
    elig = [u for u in data if u != "F"]
    gap = {u: np.mean(data[u][0]) - np.mean(data[u][1]) for u in data}
    se = {
        u: math.sqrt(
            np.var(data[u][0], ddof=1) / len(data[u][0])
            + np.var(data[u][1], ddof=1) / len(data[u][1])
        )
        for u in elig
    }
    g = np.array([gap[u] for u in elig])
    v = np.array([se[u] ** 2 for u in elig])
    centre, tau2 = _robust_tau2(g, v)
    assert centre == pytest.approx(np.median(g))
    z = (g - centre) / np.sqrt(v + tau2)
    p = 2 * stats.norm.sf(np.abs(z))
    qv = multipletests(p, method="fdr_bh")[1]
    for i, u in enumerate(elig):
        assert res.loc[u, "gap"] == pytest.approx(gap[u])
        assert res.loc[u, "se"] == pytest.approx(se[u])
        assert res.loc[u, "z"] == pytest.approx(z[i])
        assert res.loc[u, "p_value"] == pytest.approx(p[i])
        assert res.loc[u, "q_value"] == pytest.approx(qv[i])
        assert res.loc[u, "flagged"] == (qv[i] <= 0.10)
        assert res.loc[u, "funnel_high95"] == pytest.approx(
            centre + 1.959963984540054 * math.sqrt(se[u] ** 2 + tau2)
        )
    assert res.loc["C", "flagged"] and res.loc["C", "vs_regency"] == "above_typical"
    # each unit's own-variance interval is Welch's (scipy's unequal-variance t test)
    for u in elig:
        welch = stats.ttest_ind(data[u][0], data[u][1], equal_var=False).confidence_interval()
        assert res.loc[u, "ci_low"] == pytest.approx(welch.low, rel=1e-10)
        assert res.loc[u, "ci_high"] == pytest.approx(welch.high, rel=1e-10)
    assert not res.loc["F", "eligible"] and not res.loc["F", "flagged"]
    assert np.isnan(res.loc["F", "q_value"])
    assert res.loc["F", "n_citizen"] == 1 and res.loc["A", "n_supervisor"] == 3
    assert res.attrs["n_eligible"] == 5


def _panel(levels, noise, periods=("2025Q1", "2025Q2", "2025Q3"), cit=None):
    """Supervisor ratings of employees (one rater each) in several periods: employee i
    of unit u scores levels[u][i] + noise[u][i][t] in period t; citizens as given."""
    rows = []
    for u, lv in levels.items():
        for i, level in enumerate(lv):
            for t, p in enumerate(periods):
                rows.append(("supervisor", u, f"{u}e{i}", f"{u}r", p, level + noise[u][i][t]))
        for k, c in enumerate(cit[u]):
            rows.append(("citizen", u, None, f"{u}c{k}", periods[k % len(periods)], c))
    al = pd.DataFrame(
        rows, columns=["source", "ratee", "employee_id", "observer", "period", "score"]
    )
    return al.assign(unit_id=al["ratee"], level="unit")


def test_flag_units_supervisor_se_is_rating_noise_not_the_spread_of_employees():
    """The unit's staff are observed in full: employees far apart but rated the same in
    every period give a supervisor side without error; the SE is the citizens' alone."""
    cit = {"A": [50, 60, 55, 65, 52, 58], "B": [40, 44, 48, 42, 46, 50]}
    zero = {"A": [[0, 0, 0]] * 3, "B": [[0, 0, 0]] * 4}
    al = _panel({"A": [20, 60, 95], "B": [30, 50, 70, 90]}, zero, cit=cit)
    res = flag_units(al, min_citizen=3, variance="unit").set_index("unit_id")
    assert res.attrs["x_variance"] == "occasions"
    for u in "AB":
        assert res.loc[u, "gap"] == pytest.approx(
            np.mean(al.loc[(al.ratee == u) & (al.source == "supervisor"), "score"])
            - np.mean(cit[u])
        )
        assert res.loc[u, "se"] == pytest.approx(np.std(cit[u], ddof=1) / math.sqrt(6))
    # with rating noise: s² of the two-way residuals (employee, period) by hand; each
    # unit has fewer than MIN_OCCASION_DF (10) degrees of freedom (A: 9 − 3 − 2 = 4,
    # B: 12 − 4 − 2 = 6), so s² is pooled over both: ss / (4 + 6)
    noise = {
        "A": [[1, -2, 1], [3, 0, -3], [-1, 2, -1]],
        "B": [[2, -1, -1], [0, 1, -1], [-2, 0, 2], [1, 1, -2]],
    }
    levels = {"A": [20, 60, 95], "B": [30, 50, 70, 90]}
    al = _panel(levels, noise, cit=cit)
    res = flag_units(al, min_citizen=3, variance="unit").set_index("unit_id")
    x = {u: np.array(noise[u], dtype=float) for u in "AB"}
    ss = sum(
        ((y - y.mean(1, keepdims=True) - y.mean(0, keepdims=True) + y.mean()) ** 2).sum()
        for y in x.values()
    )
    s2 = ss / (4 + 6)
    for u in "AB":
        n, T = x[u].shape
        v_y = np.var(cit[u], ddof=1) / 6
        assert res.loc[u, "se"] == pytest.approx(math.sqrt(s2 / T / n + v_y))
        # far narrower than the spread of the employees' means would make it; that
        # spread is what the flag's test uses (ordinary variation between units)
        emp = np.array(levels[u]) + x[u].mean(axis=1)
        se_flag = math.sqrt(np.var(emp, ddof=1) / n + v_y)
        assert res.loc[u, "se_flag"] == pytest.approx(se_flag)
        assert res.loc[u, "se"] < 0.5 * se_flag
    # one period: the noise cannot be told from the levels; the employees' spread is used
    one = _panel({"A": [20, 60, 95], "B": [30, 50, 70, 90]}, zero, periods=("2025Q1",), cit=cit)
    res = flag_units(one, min_citizen=3, variance="unit").set_index("unit_id")
    assert res.attrs["x_variance"] == "employees"
    assert res.loc["A", "se"] == pytest.approx(
        math.sqrt(np.var([20, 60, 95], ddof=1) / 3 + np.var(cit["A"], ddof=1) / 6)
    )


def test_source_offset_at_unit_level_is_the_mean_of_the_unit_gaps():
    al = _make_units(4, n_units=12)
    flags = flag_units(al, min_citizen=1)
    off = source_offset(al).iloc[0]
    assert off["estimate"] == pytest.approx(flags["gap"].mean())
    assert off["se"] == pytest.approx(math.sqrt((flags["se"] ** 2).sum()) / len(flags))
    assert off["n_ratees"] == 12 and off["n_units"] == 12
    assert off["ci_low"] < off["estimate"] < off["ci_high"]
    assert "mean of the unit gaps" in off["method"]
    mixed = source_offset(al, method="mixed").iloc[0]
    assert "mixed model" in mixed["method"] and np.isfinite(mixed["var_ratee"])
    with pytest.raises(ValueError, match="method"):
        source_offset(al, method="other")


def _make_units(
    seed, n_units=40, divergent=(), div_gap=25.0, offset=10.0, tau=3.0, n_emp=8, n_cit=30
):
    """Observation-level data with planted unit gaps: citizens see the unit's quality,
    supervisors that plus a common offset, a unit deviation N(0, τ²) and, in the
    divergent units, div_gap more."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n_units):
        u = f"U{j:02d}"
        q = rng.normal(60, 8)
        dev = rng.normal(0, tau) + (div_gap if u in divergent else 0.0)
        rows += [("supervisor", u, q + offset + dev + rng.normal(0, 12)) for _ in range(n_emp)]
        rows += [("citizen", u, q + rng.normal(0, 18)) for _ in range(n_cit)]
    al = pd.DataFrame(rows, columns=["source", "ratee", "score"])
    return al.assign(unit_id=al["ratee"], level="unit")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flag_units_finds_planted_divergent_units(seed):
    div = {f"U{j:02d}" for j in (3, 11, 17, 29)}
    res = flag_units(_make_units(seed, divergent=div))
    flagged = set(res.loc[res["flagged"], "unit_id"])
    tp = len(flagged & div)
    assert tp / len(div) >= 0.75 and tp / max(len(flagged), 1) >= 0.75
    # the centre is the common offset, not dragged up by the divergent units
    assert res.attrs["centre"] == pytest.approx(10.0, abs=3.0)


def test_flag_units_common_offset_alone_is_never_flagged():
    res = flag_units(_make_units(7, offset=30.0, tau=0.0))
    assert not res["flagged"].any()
    assert res.attrs["centre"] == pytest.approx(30.0, abs=3.0)


def test_flag_units_false_flags_at_most_fdr_without_divergence():
    """No divergent unit (unit deviations N(0, 3²) only): over 20 data sets the share of
    flagged units stays below q, and most data sets have no flag at all (under the global
    null BH controls the chance of any flag at q)."""
    flagged = tested = any_flag = 0
    for seed in range(20):
        res = flag_units(_make_units(100 + seed, n_cit=20), q=0.10)
        flagged += int(res["flagged"].sum())
        tested += int(res["eligible"].sum())
        any_flag += bool(res["flagged"].any())
    assert flagged / tested <= 0.10
    assert any_flag <= 5  # expected ≤ 2 of 20; 5 has binomial probability < 2%


def test_flag_units_min_citizen_and_argument_errors():
    al = _make_units(3, n_cit=8)
    res = flag_units(al, min_citizen=10)
    assert not res["eligible"].any() and not res["flagged"].any()
    with pytest.raises(ValueError, match="alternative"):
        flag_units(al, alternative="bigger")
    with pytest.raises(ValueError, match="false discovery rate"):
        flag_units(al, q=5)
    with pytest.raises(ValueError, match="no rows of source 'peer'"):
        flag_units(al, x="peer")


def test_flag_units_one_sided_only_finds_supervisors_above():
    div = {"U05"}
    al = _make_units(11, divergent=div)
    al.loc[(al["ratee"] == "U08") & (al["source"] == "supervisor"), "score"] -= 30
    two = flag_units(al, alternative="two-sided").set_index("unit_id")
    one = flag_units(al, alternative="greater").set_index("unit_id")
    assert two.loc["U08", "flagged"] and two.loc["U08", "vs_regency"] == "below_typical"
    assert not one.loc["U08", "flagged"] and one.loc["U05", "flagged"]


# --------------------------------------------------------------------------- study level


def _tiny_study():
    employees, behaviour, citizen = _tiny()
    return Study(employees=employees, behaviour=behaviour, citizen=citizen)


def _study_from(al_seed=0, divergent=("U03",)):
    """A Study whose tables produce _make_units-like data (4 employees per unit)."""
    rng = np.random.default_rng(al_seed)
    emp, beh, cit = [], [], []
    for j in range(30):
        u = f"U{j:02d}"
        q = rng.normal(0.0, 0.4)
        dev = 1.2 if u in divergent else 0.0
        for e in range(4):
            eid = f"{u}E{e}"
            emp.append((eid, u))
            for v in ("berorientasi_pelayanan", "kompeten"):
                sc = int(np.clip(np.rint(3.6 + q + dev + rng.normal(0, 0.6)), 1, 5))
                beh.append(("2025Q4", eid, f"{u}S", "atasan", v, sc))
        for r in range(25):
            row = {
                "period": "2025Q4",
                "response_id": f"{u}R{r}",
                "unit_id": u,
                "employee_id": f"{u}E{r % 4}" if r % 3 == 0 else None,
                "service": "s",
                "respondent_gender": "lp"[r % 2],
                "respondent_age": 20 + r,
                "respondent_education": "sma",
            }
            for k in range(1, 10):
                row[f"u{k}"] = int(np.clip(np.rint(2.8 + 0.75 * q + rng.normal(0, 0.6)), 1, 4))
            cit.append(row)
    return Study(
        employees=pd.DataFrame(emp, columns=["employee_id", "unit_id"]),
        behaviour=pd.DataFrame(
            beh, columns=["period", "employee_id", "rater_id", "rater_role", "value", "score"]
        ),
        citizen=pd.DataFrame(cit),
    )


def test_compare_sources_result_and_json_without_personal_data():
    study = _study_from()
    res = ek.compare_sources(study, "2025Q4")
    assert isinstance(res, ComparisonResult)
    js = res.to_json()
    text = json.dumps(js, allow_nan=False)  # NaN became None
    assert "E0" not in text and "employee_id" not in text  # no officer ids
    assert set(js) >= {"units", "offset", "agreement"}
    assert set(js["units"][0]) == {
        "unit_id",
        "n_citizen",
        "n_supervisor",
        "gap",
        "ci_low",
        "ci_high",
        "q_value",
        "flagged",
        "higher_rater",
        "vs_regency",
    }
    assert len(js["units"]) == 30
    assert set(js["offset"]) >= {"estimate", "ci_low", "ci_high", "method"}
    assert js["offset"]["ci_low"] < js["offset"]["estimate"] < js["offset"]["ci_high"]
    assert "U03" in {u["unit_id"] for u in js["units"] if u["flagged"]}
    assert set(res.agreement["level"]) == {"unit", "officer"}
    assert set(res.agreement["comparison"]) == {"supervisor-citizen"}
    assert res.agreement_other.empty and js["agreement_other"] == {}  # no peer ratings here
    assert "employee_id" in res.officers.columns  # restricted table
    assert res.params["casemix"] == ["respondent_gender", "respondent_age"]
    html = res._repr_html_()
    assert "U03" in html and "On average supervisors rate" in html
    # unit json equals the units table
    u3 = res.units.set_index("unit_id").loc["U03"]
    j3 = next(u for u in js["units"] if u["unit_id"] == "U03")
    assert j3["gap"] == pytest.approx(u3["gap"]) and j3["n_citizen"] == 25


def test_compare_sources_uses_the_period_as_given_and_reports_what_it_could_not_do():
    study = _tiny_study()
    # 2025Q2: one unit with one response and one rated employee; not pooled with 2025Q1
    res = ek.compare_sources(study, "2025Q2")
    assert res.units[["unit_id", "n_citizen", "n_supervisor"]].values.tolist() == [["B", 1, 1]]
    assert not res.units["eligible"].any() and not res.units["flagged"].any()
    assert res.agreement.empty and res.offset.empty
    assert any("at least 3 are needed" in n for n in res.notes)
    assert any("the mixed model needs at least 2 such ratees" in n for n in res.notes)
    assert any("no unit is flagged" in n for n in res.notes)
    js = res.to_json()
    json.dumps(js, allow_nan=False)
    assert js["agreement"] == {} and js["notes"] == res.notes
    assert "1 units had fewer than 10" in " ".join(res.summary())


def test_summary_speaks_plainly_and_takes_translated_templates():
    res = ek.compare_sources(_study_from(), "2025Q4")
    text = res.summary()
    off = res.offset.set_index("level").loc["unit", "estimate"]
    assert text[0].startswith(f"On average supervisors rate {abs(off):.1f} points")
    assert any("U03" in s for s in text)
    assert any("not a verdict" in s for s in text)
    assert any("not evidence of bias" in s for s in text)
    ind = res.summary(labels={"review_not_verdict": "Tanda ini bukan vonis."})
    assert "Tanda ini bukan vonis." in ind


# --------------------------------------------------------------------------- simulate


def _sim_flags(seed, divergent_units=4, employees=800):
    study = ek.simulate(
        seed=seed, employees=employees, periods="2025Q1:2025Q4", divergent_units=divergent_units
    )
    res = ek.compare_sources(study, "2025")
    return study, res


def _precision_recall(study, res):
    div = set(study.truth["divergent_units"])
    flagged = set(res.units.loc[res.units["flagged"], "unit_id"])
    tp = len(div & flagged)
    return tp, len(flagged), len(div)


def test_simulated_planted_divergent_units_three_seeds():
    tp = fl = nd = 0
    for seed in (1, 2, 3):
        study, res = _sim_flags(seed)
        a, b, c = _precision_recall(study, res)
        tp, fl, nd = tp + a, fl + b, nd + c
        # the robust centre of the unit gaps is the planted common offset (the truth is
        # the mean gap of the non-divergent units), sign supervisor − citizen
        assert res.units.attrs["centre"] == pytest.approx(
            study.truth["source_offset_pomp"], abs=1.5
        )
        # peers (who rate in Q2 and Q4) get the unit-level agreement statistics too
        peer = res.to_json()["agreement_other"]["peer"]
        other = res.agreement_other.set_index("statistic")
        assert set(other["comparison"]) == {"peer-citizen"}
        assert peer["mean_gap"]["estimate"] == pytest.approx(other.loc["mean_gap", "estimate"])
        assert set(res.agreement["comparison"]) == {"supervisor-citizen"}
    assert tp / nd >= 0.8 and tp / max(fl, 1) >= 0.8


@pytest.mark.slow
def test_simulated_planted_divergent_units_many_seeds_default_size():
    tp = fl = nd = 0
    for seed in range(10):
        study = ek.simulate(seed=seed)
        res = ek.compare_sources(study, None)
        a, b, c = _precision_recall(study, res)
        tp, fl, nd = tp + a, fl + b, nd + c
    assert tp / nd >= 0.8 and tp / max(fl, 1) >= 0.8


def test_simulated_no_divergent_units_false_flags_at_fdr_level_and_offset_recovered():
    flagged = tested = 0
    for seed in (1, 2, 3):
        study, res = _sim_flags(seed, divergent_units=0)
        flagged += int(res.units["flagged"].sum())
        tested += int(res.units["eligible"].sum())
        # with no divergent unit the mixed-model offset is the planted common offset
        off = res.offset.set_index("level").loc["unit"]
        assert off["ci_low"] < study.truth["source_offset_pomp"] < off["ci_high"]
    assert flagged / tested <= 0.10


# --------------------------------------------------------------------------- plots


def test_plots_return_figures_and_draw_the_table_numbers():
    from matplotlib.figure import Figure

    from evalkit.plots.compare import plot_bland_altman, plot_funnel, plot_identity

    res = ek.compare_sources(_study_from(), "2025Q4")
    u = res.units
    fig = plot_funnel(u, labels={"funnel_title": "Selisih per unit"})
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "Selisih per unit"
    # the 95% curve passes through each unit's funnel limit at its precision
    ax = fig.axes[0]
    upper = [ln for ln in ax.lines if ln.get_linestyle() == "--"][0]
    row = u[u["eligible"]].iloc[0]
    xs, ys = upper.get_data()
    assert np.interp(1 / row["se"], xs, ys) == pytest.approx(row["funnel_high95"], rel=1e-3)
    assert ax.lines[0].get_ydata()[0] == pytest.approx(u.attrs["centre"])
    fig = plot_bland_altman(u)
    ba = ek.bland_altman(u[u["eligible"]], "mean_supervisor", "mean_citizen")
    ys = sorted(
        ln.get_ydata()[0]
        for ln in fig.axes[0].lines
        if len(ln.get_ydata()) and ln.get_ydata()[0] != 0
    )
    np.testing.assert_allclose(ys, sorted(ba["estimate"]))
    import matplotlib.pyplot as plt

    f, ax = plt.subplots()
    assert plot_identity(u, ax=ax) is f
    plt.close(f)
    with pytest.raises(ValueError, match="flag_units"):
        plot_funnel(u.drop(columns="se"))


def test_period_selection_reads_each_distinct_period_once():
    """Selecting a period tests the distinct values, not every row (#18: the whole
    behaviour column as text at 250,000 employees), and keeps the same rows from a
    categorical column as from text; a missing period is never kept."""
    from evalkit.compare import _in_periods, _select_period

    text = pd.DataFrame(
        {"period": ["2025Q1", "2024Q4", None, "2025Q3", "2025", "2025Q1"], "x": range(6)}
    )
    categorical = text.astype({"period": "category"})
    for frame in (text, categorical):
        assert _select_period(frame, "2025", "behaviour")["x"].tolist() == [0, 3, 4, 5]
        assert _select_period(frame, "2025Q1", "behaviour")["x"].tolist() == [0, 5]
        assert _select_period(frame, ["2024Q4", "2025Q3"], "behaviour")["x"].tolist() == [1, 3]
        assert _in_periods(frame["period"], ["2024", "2025Q3"]).tolist() == [
            False,
            True,
            False,
            True,
            False,
            False,
        ]
        with pytest.raises(ValueError, match=r"holds periods \['2024Q4', '2025', '2025Q1'"):
            _select_period(frame, "2023Q1", "behaviour")
