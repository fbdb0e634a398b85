"""Tests of the synthetic Tanjung Selor data set (evalkit.simulation).

What is checked: the data follow the data model (columns, dtypes, codes, ranges, keys,
foreign keys); NIPs are valid and consistent with the employee; the same arguments give
the same bytes and the shipped folder is exactly what the defaults write; the planted
truths are present and recoverable from the data with simple estimators (raw unit gaps,
a two-way fixed-effects DiD, naive comparisons that must be biased in the planted
direction).
"""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.io import Study, load_study
from evalkit.simulation import DEFAULT_SEED, SimulatedStudy, simulate
from evalkit.tables import CODES, PANDAS_DTYPES, TABLES

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "tanjungselor"
SMALL = dict(
    seed=11, employees=400, periods="2024Q1:2025Q2", divergent_units=3, training_effect=0.4
)


@pytest.fixture(scope="module")
def full() -> SimulatedStudy:
    return simulate()


@pytest.fixture(scope="module")
def small() -> SimulatedStudy:
    return simulate(**SMALL)


# --------------------------------------------------------------------------------------
# helpers: estimators a researcher would use on the data


def _unit_gaps(st: Study) -> pd.Series:
    """Raw supervisor-minus-citizen gap per unit, POMP, aligned items."""
    b = st.behaviour
    unit_of = st.employees.set_index("employee_id")["unit_id"]
    sup = b[(b["rater_role"] == "atasan") & b["value"].isin(["berorientasi_pelayanan", "kompeten"])]
    sup_pomp = (
        ((sup["score"].astype(float) - 1) / 4 * 100)
        .groupby(unit_of.loc[sup["employee_id"]].to_numpy())
        .mean()
    )
    c = st.citizen
    long = pd.concat(
        [
            pd.DataFrame({"unit_id": c["unit_id"], "x": (c[k].astype(float) - 1) / 3 * 100})
            for k in ("u6", "u7")
        ]
    )
    cit_pomp = long.groupby("unit_id")["x"].mean()
    return (sup_pomp - cit_pomp).dropna()


def _supervisor_panel(st: Study) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Employee × quarter mean supervisor score and the treatment indicator (treated from
    the quarter after the quarter of the first course's end date)."""
    b = st.behaviour
    sup = b[b["rater_role"] == "atasan"]
    y = sup.groupby(["employee_id", "period"])["score"].mean().unstack()
    periods = list(y.columns)
    code = {p: int(p[:4]) * 4 + int(p[5]) - 1 for p in periods}
    first_end = st.training.groupby("employee_id")["end_date"].min()
    end_code = first_end.dt.year * 4 + (first_end.dt.month - 1) // 3
    start = pd.Series(np.inf, index=y.index)
    common = end_code.index.intersection(y.index)
    start.loc[common] = end_code.loc[common] + 1
    t = np.array([code[p] for p in periods], dtype=float)
    d = (t[None, :] >= start.to_numpy()[:, None]).astype(float)
    return y.to_numpy(float), d, y.index


def _twfe(y: np.ndarray, d: np.ndarray) -> float:
    """Two-way fixed-effects DiD on a balanced panel (within transformation)."""

    def within(a):
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    yt, dt = within(y), within(d)
    return float((yt * dt).sum() / (dt**2).sum())


# --------------------------------------------------------------------------------------
# data model


@pytest.mark.parametrize("table", list(TABLES))
def test_tables_have_the_model_columns_and_dtypes(small, table):
    df = getattr(small, table)
    t = TABLES[table]
    assert list(df.columns) == t.column_names
    for c in t.columns:
        dtype = df[c.name].dtype
        expected = PANDAS_DTYPES[c.dtype]
        if expected in ("Int64", "float64"):
            assert str(dtype) == expected, (table, c.name, dtype)
        elif expected == "datetime64[ns]":
            assert str(dtype) == "datetime64[ns]", (table, c.name, dtype)
        else:
            assert pd.api.types.is_string_dtype(dtype) or dtype is np.dtype(object), (table, c.name)
    assert not df.duplicated(list(t.key)).any(), f"duplicate keys in {table}"
    assert len(df) > 0


@pytest.mark.parametrize("table", list(TABLES))
def test_values_are_valid_under_the_model(small, table):
    df = getattr(small, table)
    periods = {f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)} - {"2025Q3", "2025Q4"}
    for c in TABLES[table].columns:
        s = df[c.name]
        if c.required:
            assert s.notna().all(), f"{table}.{c.name} has missing values"
        v = s.dropna()
        if c.codes:
            assert set(v) <= set(CODES[c.codes]), (table, c.name, set(v) - set(CODES[c.codes]))
        if c.low is not None:
            assert (v.astype(float) >= c.low).all(), (table, c.name)
        if c.high is not None:
            assert (v.astype(float) <= c.high).all(), (table, c.name)
        if c.dtype == "period":
            assert set(v) <= periods, (table, set(v) - periods)
        if c.references:
            ref_table, ref_col = c.references.split(".")
            known = set(getattr(small, ref_table)[ref_col])
            assert set(v) <= known, f"{table}.{c.name}: unknown {sorted(set(v) - known)[:3]}"
        if c.dtype == "str" and c.name not in ("respondent_occupation",):
            assert (v.str.strip() == v).all(), f"in-memory {table}.{c.name} is not clean"


def test_every_period_has_supervisor_ratings_and_360_in_semesters(small):
    b = small.behaviour
    per_role = b.groupby("rater_role")["period"].unique()
    assert sorted(per_role["atasan"]) == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2025Q2",
    ]
    for role in ("rekan", "bawahan", "diri"):
        assert sorted(per_role[role]) == ["2024Q2", "2024Q4", "2025Q2"]
    # every employee with a supervisor is rated on all seven values every quarter
    sup = b[b["rater_role"] == "atasan"]
    n_with_sup = small.employees["supervisor_id"].notna().sum()
    assert len(sup) == n_with_sup * 6 * 7
    merged = sup.merge(small.employees[["employee_id", "supervisor_id"]], on="employee_id")
    assert (merged["rater_id"] == merged["supervisor_id"]).all()
    self_r = b[b["rater_role"] == "diri"]
    assert (self_r["rater_id"] == self_r["employee_id"]).all()
    peers = b[b["rater_role"] == "rekan"].groupby(["period", "employee_id"])["rater_id"]
    assert peers.nunique().between(1, 4).all()


def test_supervisor_hierarchy_is_a_tree(full):
    e = full.employees.set_index("employee_id")
    roots = e.index[e["supervisor_id"].isna()]
    assert list(e.loc[roots, "position"]) == ["Sekretaris Daerah"]
    sup = e["supervisor_id"].to_dict()
    for start in e.index:
        seen, node = set(), start
        while node is not None and not (isinstance(node, float) and np.isnan(node)):
            assert node not in seen, f"cycle through {node}"
            seen.add(node)
            node = sup[node]
        assert len(seen) <= 8
    # school heads report to the education office, puskesmas heads to the health office
    heads = e[e["position"].isin(["Kepala Sekolah", "Kepala Puskesmas"])]
    boss_unit = e.loc[heads["supervisor_id"], "unit_id"].to_numpy()
    expected = np.where(heads["position"] == "Kepala Sekolah", "DISDIKBUD", "DINKES")
    assert (boss_unit == expected).all()


# --------------------------------------------------------------------------------------
# people


def test_nips_are_valid_unique_and_consistent(full):
    e = full.employees
    assert e["nip"].is_unique
    assert e["nip"].str.fullmatch(r"\d{18}").all()
    birth = e["birth_date"].dt.strftime("%Y%m%d")
    assert (e["nip"].str[:8] == birth).all()
    sex = np.where(e["gender"] == "l", "1", "2")
    pns = e["employment"] == "pns"
    n = e[pns]
    assert (n["nip"].str[8:14] == n["start_date"].dt.strftime("%Y%m")).all()
    assert (n["nip"].str[14] == sex[pns.to_numpy()]).all()
    assert n["nip"].str[15:].astype(int).between(1, 999).all()
    p = e[~pns]
    assert (p["nip"].str[8:12] == p["start_date"].dt.strftime("%Y")).all()
    assert (p["nip"].str[12] == "2").all()
    assert (p["nip"].str[14] == sex[(~pns).to_numpy()]).all()
    # people start work as adults (PPPK often late, after years as honorer), before 2024
    age_at_start = (e["start_date"] - e["birth_date"]).dt.days / 365.25
    assert age_at_start.between(18, 52).all()
    assert (e["start_date"] < "2024-01-01").all()


def test_grades_positions_and_proportions_are_believable(full):
    e = full.employees
    pns_grades = {f"{g}/{r}" for g in ("I", "II", "III", "IV") for r in "abcde"}
    pppk_grades = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"}
    pns = e["employment"] == "pns"
    assert set(e.loc[pns, "grade"]) <= pns_grades
    assert set(e.loc[~pns, "grade"]) <= pppk_grades
    assert 0.15 < (~pns).mean() < 0.4
    pos = e["position"]
    teachers = pos.str.startswith("Guru").mean()
    nurses = pos.str.startswith(("Perawat", "Bidan")).mean()
    doctors = pos.str.startswith("Dokter").sum()
    assert 0.3 < teachers < 0.5
    assert 0.08 < nurses < 0.25
    assert doctors >= 20
    assert set(e["position_type"]) == set(CODES["position_type"])
    # JF levels match the golongan for PNS teachers (regulations.md §5 mapping)
    g = e[pns & pos.str.startswith("Guru ")]
    level = {
        "III/a": "ahli_pertama",
        "III/b": "ahli_pertama",
        "III/c": "ahli_muda",
        "III/d": "ahli_muda",
        "IV/a": "ahli_madya",
        "IV/b": "ahli_madya",
        "IV/c": "ahli_madya",
    }
    assert (g["grade"].map(level) == g["jf_level"]).all()
    assert e["name"].str.split().str.len().ge(2).all()


def test_units_are_bulungan_opd_and_services(full):
    u = full.units.set_index("unit_id")
    assert u.loc["RSUD", "name"] == "RSUD dr. H. Soemarno Sosroatmodjo"
    counts = u["kind"].value_counts()
    assert counts["puskesmas"] == 10 and counts["kecamatan"] == 10
    assert counts["sekolah"] >= 40
    assert {"dinas", "badan", "sekretariat", "inspektorat", "kelurahan"} <= set(counts.index)
    assert set(u["sector"]) == set(CODES["sector"])
    assert "Kantor Kecamatan Tanjung Selor" in set(u["name"])
    # counter staff work only where citizens are served (and rate the service)
    e = full.employees
    counter_units = set(e.loc[e["position"] == "Operator Layanan Operasional", "unit_id"])
    assert counter_units <= set(u.index[u["service_population"].notna()])
    assert counter_units <= set(full.citizen["unit_id"])
    assert {"SETDA", "BPKAD"}.isdisjoint(counter_units)
    assert 1900 <= len(full.employees) <= 2000


# --------------------------------------------------------------------------------------
# determinism and the shipped data


def test_same_arguments_same_bytes_and_another_seed_differs(tmp_path):
    args = dict(employees=250, periods="2024Q1:2024Q4", divergent_units=2)
    a = simulate(tmp_path / "a", seed=5, **args)
    simulate(tmp_path / "b", seed=5, **args)
    simulate(tmp_path / "c", seed=6, **args)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted([f"{t}.csv" for t in TABLES] + ["truth.json", "README.md"])
    assert sorted(p.name for p in a.files) == names
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    assert not filecmp.cmp(
        tmp_path / "a" / "behaviour.csv", tmp_path / "c" / "behaviour.csv", shallow=False
    )
    assert not filecmp.cmp(
        tmp_path / "a" / "employees.csv", tmp_path / "c" / "employees.csv", shallow=False
    )


def test_shipped_folder_is_what_the_defaults_write(tmp_path):
    from evalkit.cli import main

    assert main(["simulate", "--out", str(tmp_path)]) == 0
    # calibration.json is not data: evalkit calibrate adds it (keyed by the data's SHA-256)
    shipped = sorted(p.name for p in SHIPPED.iterdir() if p.name != "calibration.json")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert shipped == written
    _, mismatch, errors = filecmp.cmpfiles(SHIPPED, tmp_path, written, shallow=False)
    assert mismatch == [] and errors == [], f"regenerate with: evalkit simulate --out {SHIPPED}"
    size = sum(p.stat().st_size for p in SHIPPED.iterdir())  # calibration.json included
    assert size < 25 * 2**20
    truth = json.loads((SHIPPED / "truth.json").read_text(encoding="utf-8"))
    assert truth["parameters"]["seed"] == DEFAULT_SEED


def test_shipped_folder_loads_without_quarantine_and_equals_memory(full):
    loaded = load_study(SHIPPED)
    assert len(loaded.quarantine) == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(loaded, name).reset_index(drop=True),
            getattr(full, name),
            check_dtype=False,
            obj=name,
        )


def test_files_carry_the_documented_harmless_imperfections():
    emp = pd.read_csv(SHIPPED / "employees.csv", dtype=str, keep_default_na=False)
    assert (emp["name"] != emp["name"].str.strip()).sum() > 10
    res = pd.read_csv(SHIPPED / "results.csv", dtype=str, keep_default_na=False)
    labels = set(res["rating"]) - set(CODES["expectation"]) - {""}
    assert labels == {"Di Atas", "Sesuai", "Di Bawah"}
    org = pd.read_csv(SHIPPED / "org_rating.csv", dtype=str)
    assert "Baik" in set(org["predikat"])
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme and "trailing space" in readme


# --------------------------------------------------------------------------------------
# planted truths


def test_truth_has_the_promised_keys(full):
    t = full.truth
    for key in (
        "divergent_units",
        "divergent_gap_pomp",
        "source_offset_pomp",
        "unit_gap_pomp",
        "unit_gap_target_pomp",
        "training_effect",
        "time_trend_per_quarter",
        "treated",
        "leniency",
        "reliability",
        "unclear_indicator_units",
        "parameters",
    ):
        assert key in t, key
    assert len(t["divergent_units"]) == 4
    assert set(t["divergent_units"]) <= set(full.citizen["unit_id"])
    assert t["training_effect"] == 0.3 and t["source_offset_pomp"] == 8.0
    json.dumps(t)  # serialisable as it is


def test_planted_gaps_hold_exactly_in_expectation(full):
    t = full.truth
    gaps = pd.Series(t["unit_gap_pomp"])
    div = t["divergent_units"]
    assert gaps.drop(div).mean() == pytest.approx(t["source_offset_pomp"], abs=1e-3)
    assert gaps[div].mean() - gaps.drop(div).mean() == pytest.approx(
        t["divergent_gap_pomp"], abs=2.5
    )


def test_clipped_normal_mean_against_numerical_integration():
    from scipy import integrate, stats

    from evalkit.simulation import _clipped_normal_mean

    for mu, sd, lo, hi in [(0.1, 0.2, -0.3, 0.3), (0.5, 0.15, -0.4, 0.4), (-0.2, 1.0, -0.1, 0.1)]:
        want = integrate.quad(
            lambda x, m=mu, s_=sd, a=lo, b=hi: np.clip(x, a, b) * stats.norm.pdf(x, m, s_),
            mu - 12 * sd,
            mu + 12 * sd,
            points=[lo, hi],
        )[0]
        got = _clipped_normal_mean(np.array([mu]), np.array([sd]), np.array([lo]), np.array([hi]))
        assert got[0] == pytest.approx(want, abs=1e-9)
    # no noise: the clipped mean itself
    assert _clipped_normal_mean(np.array([0.5]), np.array([0.0]), -0.2, 0.2)[0] == 0.2


def test_unit_gap_target_is_the_units_own_staff_and_its_service_users(full):
    """The study's estimand per unit: its citizen side is the mean of the expected u6/u7
    POMP of its responses (expected over the officer who serves); it differs from the
    planted gap given the officers drawn (and without the persistent impressions) by
    little, and not at all on average beyond a fraction of a point."""
    t = full.truth
    target = pd.Series(t["unit_gap_target_pomp"])
    planted = pd.Series(t["unit_gap_pomp"])
    assert set(target.index) == set(planted.index)
    diff = (target - planted.loc[target.index]).abs()
    assert 0 < diff.max() < 5 and abs((target - planted).mean()) < 0.5
    e = full.expected_citizen.set_index("response_id")
    cit = full.citizen.set_index("response_id")
    # expected answers are missing exactly where the answers are
    assert (e["u6"].isna() == cit.loc[e.index, "u6"].isna()).all()
    # the officer's level is averaged out: within a unit, quarter and naming, u6's
    # expected answer is one number
    e = e.assign(named=cit.loc[e.index, "employee_id"].notna())
    spread = (
        e.dropna(subset=["u6"])
        .groupby(["unit_id", "period", "named"])["u6"]
        .agg(lambda v: v.max() - v.min())
    )
    assert spread.max() < 1e-9


def test_raw_gaps_recover_offset_and_divergent_units(full):
    t = full.truth
    gaps = _unit_gaps(full)
    div = t["divergent_units"]
    assert gaps.drop(div).mean() == pytest.approx(t["source_offset_pomp"], abs=1.0)
    excess = gaps[div].mean() - gaps.drop(div).mean()
    assert excess == pytest.approx(t["divergent_gap_pomp"], abs=3.0)
    # the divergent units are the largest raw gaps
    assert set(gaps.nlargest(len(div)).index) == set(div)
    # and the per-unit raw gaps track the planted expected gaps
    planted = pd.Series(t["unit_gap_pomp"]).loc[gaps.index]
    assert np.corrcoef(planted, gaps)[0, 1] > 0.9


def test_divergence_detectable_at_modest_size_over_seeds():
    hits = 0
    for seed in (1, 2, 3):
        st = simulate(seed=seed, employees=400, periods="2024Q1:2024Q4", divergent_units=3)
        gaps = _unit_gaps(st)
        hits += len(set(gaps.nlargest(3).index) & set(st.truth["divergent_units"]))
    assert hits >= 8  # of 9


def test_did_recovers_training_effect_and_naive_comparisons_are_biased(full):
    t = full.truth
    y, d, ids = _supervisor_panel(full)
    att = _twfe(y, d)
    assert att == pytest.approx(t["training_effect"], abs=0.03)
    # no noise-free supervisor score is clipped, so the noise-free TWFE target is the ATT
    assert t["training_twfe_estimand"] == pytest.approx(t["training_effect"], abs=1e-6)
    assert att == pytest.approx(t["training_twfe_estimand"], abs=0.025)
    treated = d.any(axis=1)
    before_after = np.nanmean(np.where(d == 1, y, np.nan)[treated]) - np.nanmean(
        np.where(d == 0, y, np.nan)[treated]
    )
    # the time trend inflates the naive before/after comparison of the trained
    assert before_after > t["training_effect"] + 0.05
    never = ~ids.isin(full.training["employee_id"])
    post = np.nanmean(np.where(d == 1, y, np.nan)[treated])
    # selection of lower performers biases trained-versus-never comparisons downward
    assert post - y[never].mean() < t["training_effect"] - 0.15


def test_training_effect_follows_the_argument(small):
    y, d, _ = _supervisor_panel(small)
    assert _twfe(y, d) == pytest.approx(SMALL["training_effect"], abs=0.06)


def test_treated_counts_and_waves_match_the_training_table(full):
    tr = full.truth["treated"]
    training = full.training
    assert tr["employees_trained"] == training["employee_id"].nunique()
    assert tr["employees_never_trained"] == len(full.employees) - tr["employees_trained"]
    assert 0.3 < tr["employees_never_trained"] / len(full.employees) < 0.7
    first_end = training.groupby("employee_id")["end_date"].min()
    first_period = (
        first_end.dt.year.astype(str) + "Q" + ((first_end.dt.month - 1) // 3 + 1).astype(str)
    )
    waves = first_period.value_counts()
    assert len(waves) == 8  # staggered over every quarter of the window
    assert tr["trained_in_last_period_not_yet_treated"] == waves["2025Q4"]
    assert (training["end_date"] >= training["start_date"]).all()
    assert training["start_date"].dt.to_period("Q").eq(training["end_date"].dt.to_period("Q")).all()
    # selection on the persistent level: the trained had lower first-quarter ratings
    b = full.behaviour
    q1 = b[(b["period"] == "2024Q1") & (b["rater_role"] == "atasan")]
    q1 = q1.groupby("employee_id")["score"].mean()
    trained = q1.index.isin(training["employee_id"])
    assert q1[trained].mean() < q1[~trained].mean() - 0.05


def test_leniency_and_reliability_truths(full):
    t = full.truth
    b = full.behaviour
    raters = b.groupby("rater_role")["rater_id"].unique()
    for role in CODES["rater_role"]:
        assert set(t["leniency"][role]) == set(raters[role])
    role_mean = b.groupby("rater_role")["score"].mean()
    assert 0.08 < role_mean["diri"] - role_mean["atasan"] < 0.3  # self most lenient
    rel = pd.DataFrame(
        {u: {r: v["value"] for r, v in roles.items()} for u, roles in t["reliability"].items()}
    ).T
    assert (rel["atasan"] > rel["rekan"]).all() and (rel["rekan"] > rel["bawahan"]).all()
    assert rel["atasan"].median() == pytest.approx(0.5, abs=0.05)
    assert rel["rekan"].median() == pytest.approx(0.37, abs=0.05)
    assert rel["bawahan"].median() == pytest.approx(0.30, abs=0.05)
    assert rel["atasan"].std() > 0.02  # reliability varies between units
    # supervisors' rating of each employee in a unit: a lenient supervisor gives more
    sup = b[b["rater_role"] == "atasan"]
    by_rater = sup.groupby("rater_id")["score"].agg(["mean", "size"])
    by_rater = by_rater[by_rater["size"] >= 300]
    planted = pd.Series(t["leniency"]["atasan"]).loc[by_rater.index]
    assert np.corrcoef(planted, by_rater["mean"])[0, 1] > 0.2


def test_peer_reliability_is_near_the_planted_value(full):
    """One-way ICC(1) of single peer ratings of one value, within units (unit means
    removed), against the planted absolute single-rater reliability."""
    b = full.behaviour
    unit_of = full.employees.set_index("employee_id")["unit_id"]
    r = b[
        (b["rater_role"] == "rekan") & (b["value"] == "kompeten") & (b["period"] == "2024Q4")
    ].copy()
    r["unit"] = unit_of.loc[r["employee_id"]].to_numpy()
    r["x"] = r["score"] - r.groupby("unit")["score"].transform("mean")
    g = r.groupby("employee_id")["x"]
    n, k = g.ngroups, g.size()
    means = g.mean()
    msw = ((r["x"] - r["employee_id"].map(means)) ** 2).sum() / (len(r) - n)
    msb = (k * (means - r["x"].mean()) ** 2).sum() / (n - 1)
    k0 = (len(r) - (k**2).sum() / len(r)) / (n - 1)
    icc1 = (msb - msw) / (msb + (k0 - 1) * msw)
    planted = np.median([v["rekan"]["value_absolute"] for v in full.truth["reliability"].values()])
    assert icc1 == pytest.approx(planted, abs=0.1)


def test_unclear_indicators_are_clustered_in_the_named_units(full):
    t = full.truth
    ind = full.indicators
    vague = ind["unit_of_measure"].isna() | ind["direction"].isna() | ind["target_kind"].isna()
    assert 0.08 <= vague.mean() <= 0.2
    assert set(ind.loc[vague, "indicator_id"]) == set(t["unclear_indicators"])
    assert set(ind.loc[vague, "unit_id"]) == set(t["unclear_indicator_units"])
    res = full.results.merge(full.employees[["employee_id", "unit_id"]], on="employee_id")
    no_target = res.groupby("unit_id")["target"].apply(lambda s: s.isna().mean())
    unclear = t["unclear_indicator_units"]
    assert (no_target[unclear] > 0.15).all()
    assert (no_target.drop(unclear) == 0).all()


def test_results_are_direction_aware_and_follow_the_level(full):
    res = full.results.merge(full.indicators[["indicator_id", "direction"]], on="indicator_id")
    res = res[res["target"].notna()]
    ach = np.where(
        res["direction"] == "lower",
        res["target"] / res["realization"],
        res["realization"] / res["target"],
    )
    res = res.assign(ach=ach)
    assert res["ach"].between(0.5, 2).all()
    lower = res[res["direction"] == "lower"]
    good = lower["rating"] == "di_atas"
    assert (lower.loc[good, "realization"] < lower.loc[good, "target"]).all()
    b = full.behaviour
    sup = b[b["rater_role"] == "atasan"].groupby("employee_id")["score"].mean()
    emp_ach = res.groupby("employee_id")["ach"].mean()
    both = pd.concat([sup, emp_ach], axis=1, join="inner")
    assert both.corr().iloc[0, 1] > 0.2
    per = res.groupby(["employee_id", "period"]).size()
    assert per.between(1, 6).all()


def test_citizen_responses_are_plausible(full):
    c = full.citizen
    per_unit = c.groupby(["unit_id", "period"]).size()
    assert per_unit.min() >= 8
    assert per_unit.groupby(level=0).mean()["RSUD"] > per_unit.groupby(level=0).mean().median()
    named = c[c["employee_id"].notna()]
    assert 0.2 < len(named) / len(c) < 0.6
    emp = full.employees.set_index("employee_id")
    assert (emp.loc[named["employee_id"], "unit_id"].to_numpy() == named["unit_id"]).all()
    officer_pos = emp.loc[named["employee_id"], "position"]
    assert officer_pos.str.match(r"(Guru|Perawat|Bidan|Dokter|Operator Layanan)").all()
    q = c["survey_date"].dt.to_period("Q").astype(str).str.replace("Q", "Q")
    assert (q == c["period"]).all()
    answers = c[[f"u{i}" for i in range(1, 10)]]
    assert 0 < answers.isna().mean().mean() < 0.05
    # a citizen sees the officer: u6/u7 higher for officers their supervisor rates higher
    sup = full.behaviour[
        (full.behaviour["rater_role"] == "atasan")
        & full.behaviour["value"].isin(["berorientasi_pelayanan", "kompeten"])
    ]
    s = sup.groupby("employee_id")["score"].mean()
    cit = named.groupby("employee_id")[["u6", "u7"]].mean().mean(axis=1).astype(float)
    both = pd.concat([s, cit], axis=1, join="inner").dropna()
    assert both.corr().iloc[0, 1] > 0.15


def test_org_predikat_mostly_baik_and_constant_within_year(full):
    org = full.org_rating
    assert 0.6 < (org["predikat"] == "baik").mean() < 0.98
    per_year = (
        org.assign(year=org["period"].str[:4]).groupby(["unit_id", "year"])["predikat"].nunique()
    )
    assert (per_year == 1).all()


# --------------------------------------------------------------------------------------
# arguments and errors


def test_periods_argument_sets_the_quarters():
    st = simulate(seed=3, employees=250, periods="2024Q3:2025Q1", divergent_units=1)
    assert sorted(st.behaviour["period"].unique()) == ["2024Q3", "2024Q4", "2025Q1"]
    assert sorted(st.org_rating["period"].unique()) == ["2024Q3", "2024Q4", "2025Q1"]
    assert st.source == "simulate" and isinstance(st, Study)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(employees=50), "at least 200"),
        (dict(periods="2024-1:2024Q4"), "quarter like '2024Q1'"),
        (dict(periods="2025Q1:2024Q4"), "before the first"),
        (dict(training_effect=3.0), r"\[-1, 1\]"),
        (dict(periods="2021Q1:2025Q4"), "trend over the window"),
        (dict(periods="2022Q1:2025Q3", training_effect=1.0), "cannot plant training_effect"),
        (dict(divergent_units=999), "divergent_units must be between"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(**{"employees": 250, "periods": "2024Q1:2024Q2", **kwargs})


def test_docstring_example_arguments_work():
    st = simulate(employees=300, periods="2024Q1:2024Q4", seed=1)
    assert st.truth["divergent_units"] == sorted(st.truth["divergent_units"])
    assert re.fullmatch(r"E\d{5}", st.employees["employee_id"].iloc[0])


# --------------------------------------------------------------------------------------
# heavier scenarios (make test-slow)


@pytest.mark.slow
def test_planted_truths_recovered_over_seeds_at_modest_size():
    """Over ten seeds at 600 employees: the largest raw unit gaps are the divergent units
    (precision = recall ≥ 0.8 on average), the two-way fixed-effects DiD is unbiased to
    within 0.02 and within 0.06 in every seed, and the naive comparisons are biased as
    planted."""
    hits, twfe, before_after = [], [], []
    for seed in range(1, 11):
        st = simulate(seed=seed, employees=600)
        div = st.truth["divergent_units"]
        gaps = _unit_gaps(st)
        hits.append(len(set(gaps.nlargest(len(div)).index) & set(div)) / len(div))
        y, d, _ = _supervisor_panel(st)
        twfe.append(_twfe(y, d))
        treated = d.any(axis=1)
        before_after.append(
            np.nanmean(np.where(d == 1, y, np.nan)[treated])
            - np.nanmean(np.where(d == 0, y, np.nan)[treated])
        )
    assert np.mean(hits) >= 0.8
    assert np.mean(twfe) == pytest.approx(0.3, abs=0.02)
    assert np.all(np.abs(np.array(twfe) - 0.3) < 0.06)
    assert np.mean(before_after) > 0.3 + 0.05


@pytest.mark.slow
@pytest.mark.parametrize("effect", [-0.3, 0.0, 0.6])
def test_did_follows_other_training_effects(effect):
    vals = []
    for seed in (1, 2, 3):
        st = simulate(seed=seed, employees=1000, training_effect=effect)
        y, d, _ = _supervisor_panel(st)
        vals.append(_twfe(y, d))
    assert np.mean(vals) == pytest.approx(effect, abs=0.03)


def test_cli_passes_every_option(tmp_path):
    from evalkit.cli import main

    assert (
        main(
            [
                "simulate",
                "--out",
                str(tmp_path),
                "--seed",
                "5",
                "--employees",
                "250",
                "--periods",
                "2024Q2:2024Q3",
                "--divergent-units",
                "1",
                "--training-effect",
                "0.2",
            ]
        )
        == 0
    )
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["parameters"] == {
        "seed": 5,
        "employees": 250,
        "periods": ["2024Q2", "2024Q3"],
        "divergent_units": 1,
        "training_effect": 0.2,
        "source_offset_pomp": 8.0,
        "divergent_gap_pomp": 20.0,
        "time_trend": 0.05,
    }
    assert len(truth["divergent_units"]) == 1
    assert "--seed 5 --employees 250 --periods 2024Q2:2024Q3" in (tmp_path / "README.md").read_text(
        encoding="utf-8"
    )
