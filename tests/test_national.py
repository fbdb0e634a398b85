"""The national path: per-instansi sufficient statistics combined = the pooled computation,
and a Dask cluster = in-process, for every number of the national results.json.

The reference (evalkit.national.reference) concatenates the instansi's rows into one
study and computes each national figure with evalkit's own functions on all rows
(skm_index, score_study/check_distribution, icc_aggregation, align_sources); an
instansi's reference figures are the same functions on its own rows.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evalkit as ek
from evalkit.national import (
    combine,
    compute_partitions,
    national_results,
    open_client,
    partitions,
    run_national,
    simulate_national,
)
from evalkit.national.reference import reference_results
from evalkit.national.stats import (
    AnovaSums,
    Moments,
    SkmSums,
    baik_or_better_cap,
    partition_statistics,
)

PERIODS = "2025Q2:2025Q4"


@pytest.fixture(scope="module")
def nation(tmp_path_factory):
    root = tmp_path_factory.mktemp("nation")
    simulate_national(root, instansi=3, employees=700, seed=11, periods=PERIODS)
    return root


@pytest.fixture(scope="module")
def studies(nation):
    return {p.instansi: ek.load_study(p.folder) for p in partitions(nation)}


def _leaves(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def assert_same_results(got: dict, expected: dict, tol: float = 1e-9) -> int:
    """Every leaf equal: numbers to ``tol`` (relative above 1, absolute below), the rest
    exactly; returns how many numbers were compared."""
    a, b = dict(_leaves(got)), dict(_leaves(expected))
    assert a.keys() == b.keys()
    numbers = 0
    for key, x in a.items():
        y = b[key]
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None:
                assert x is None and y is None, key
                continue
            if math.isnan(x) or math.isnan(y):
                assert math.isnan(x) and math.isnan(y), key
                continue
            assert abs(x - y) <= tol * max(1.0, abs(y)), (key, x, y)
            numbers += 1
        else:
            assert x == y, (key, x, y)
    return numbers


@pytest.mark.parametrize("period", ["2025Q4", "2025"])
def test_combined_sufficient_statistics_equal_the_pooled_computation(studies, period):
    parts = [partition_statistics(s, period, iid) for iid, s in studies.items()]
    got = national_results(parts)
    expected = reference_results(studies, period)
    compared = assert_same_results(got, expected)
    assert compared > 150  # nation and three instansi: IKM, predikat, two ICC roles, gap
    assert got["n_instansi"] == 3
    assert got["national"]["skm"]["n"] == sum(r["skm"]["n"] for r in got["instansi"])
    # Fleiss' kappa is not an average of the instansi's kappas, but their summed counts
    kappa = got["national"]["kappa"]["rekan"]
    per = [r["kappa"]["rekan"]["fleiss_kappa"]["estimate"] for r in got["instansi"]]
    assert 0.1 < kappa["fleiss_kappa"]["estimate"] < kappa["fleiss_kappa_quadratic"]["estimate"]
    assert abs(kappa["fleiss_kappa"]["estimate"] - np.mean(per)) > 1e-4
    assert kappa["n_raters"] == sum(r["kappa"]["rekan"]["n_raters"] for r in got["instansi"])


def test_a_dask_cluster_gives_the_in_process_numbers(nation):
    local = compute_partitions(nation, "2025Q4")
    with open_client(workers=2, processes=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        remote = compute_partitions(nation, "2025Q4", client=client)
    assert [p.instansi for p in remote] == [p.instansi for p in local]
    assert assert_same_results(national_results(remote), national_results(local)) > 150
    # the training effect's cells travelled too (c)
    assert [b.instansi for b in combine(remote).training] == ["I1", "I2", "I3"]
    assert math.isfinite(national_results(remote)["national"]["training"]["se"])


def test_the_order_of_the_instansi_does_not_matter(studies):
    parts = [partition_statistics(s, "2025Q4", iid) for iid, s in studies.items()]
    forward = national_results(parts)
    backward = national_results(parts[::-1])
    assert json.dumps(forward, default=str) == json.dumps(backward, default=str)
    assert combine(parts).instansi == "national"


def test_moments_and_anova_sums_combine_like_one_pass():
    rng = np.random.default_rng(5)
    x = rng.normal(3.5, 0.7, 1000)
    g = rng.integers(0, 120, 1000)
    cuts = [0, 137, 500, 501, 1000]
    m = Moments()
    a = AnovaSums()
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        m = m + Moments.of(x[lo:hi])
        # groups do not cross the parts (as ratees do not cross instansi)
        a = a + AnovaSums.of(g[lo:hi] + 1000 * lo, x[lo:hi])
    assert m.n == 1000
    assert m.mean == pytest.approx(x.mean(), rel=1e-12)
    assert m.var == pytest.approx(x.var(ddof=1), rel=1e-12)
    whole = AnovaSums.of(
        np.concatenate([g[lo:hi] + 1000 * lo for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]),
        x,
    )
    assert (a.n, a.j) == (whole.n, whole.j)
    assert a.ssw == pytest.approx(whole.ssw, rel=1e-12)
    assert a.ssb == pytest.approx(whole.ssb, rel=1e-12)


@pytest.mark.parametrize("weights", [None, "quadratic"])
def test_fleiss_kappa_from_summed_moments_equals_fleiss_kappa_on_all_ratings(weights):
    """Targets with one to six raters (some rated once), split into three parts that no
    target or rater crosses (as instansi): the kappa, its SE, interval and p from the summed 9 × 9 matrices =
    evalkit.fleiss_kappa on all rows."""
    from evalkit.national.kappa import KappaSums

    rng = np.random.default_rng(8)
    rows = []
    for i in range(400):
        level = rng.integers(1, 6)
        for r in rng.choice(40, size=rng.integers(1, 7), replace=False):
            score = int(np.clip(level + rng.integers(-1, 2), 1, 5))
            rows.append((f"E{i}", "kompeten", "2025Q4", f"R{i % 3}-{r}", score))
    d = pd.DataFrame(rows, columns=["employee_id", "value", "period", "rater_id", "score"])
    parts = [d[d["employee_id"].str[1:].astype(int) % 3 == k] for k in range(3)]
    total = KappaSums()
    for part in parts:
        total = total + KappaSums.of(part)
    name = "fleiss_kappa" if weights is None else "fleiss_kappa_quadratic"
    got = total.figures()
    ref = ek.fleiss_kappa(
        d, "employee_id", "rater_id", "score", weights=weights, categories=[1, 2, 3, 4, 5]
    ).iloc[0]
    for k in ("estimate", "se", "ci_low", "ci_high", "p_val"):
        assert got[name][k] == pytest.approx(float(ref[k]), rel=1e-9, abs=1e-12), k
    assert (got["n_targets"], got["n_raters"]) == (400, int(ref["n_raters"]))
    assert 0.2 < got[name]["estimate"] < 0.9


def test_ikm_from_sums_equals_skm_index_with_missing_answers():
    rng = np.random.default_rng(3)
    d = pd.DataFrame(
        rng.integers(1, 5, (300, 9)).astype(float), columns=[f"u{i}" for i in range(1, 10)]
    )
    d = d.mask(rng.random(d.shape) < 0.1)
    sums = SkmSums.of(d.iloc[:100]) + SkmSums.of(d.iloc[100:])
    got = sums.figures()
    ref = ek.skm_index(d).iloc[0]
    for k in ("ikm", "ikm_converted", "se", "ci_low", "ci_high"):
        assert got[k] == pytest.approx(float(ref[k]), rel=1e-12), k
    assert got["n"] == int(ref["n"])
    assert got["mutu"] == ref["mutu"]


@pytest.mark.parametrize("org", ["istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"])
def test_the_baik_or_better_ceiling_is_where_the_pattern_starts_to_be_violated(org):
    """One more employee rated Baik or better than the ceiling breaks a rule on the
    predikat below Baik (check_distribution, strict rounding)."""
    below_rules = {
        "butuh_perbaikan_or_kurang_missing",
        "butuh_perbaikan_below_min",
        "kurang_below_min",
        "kurang_or_butuh_perbaikan_below_min",
        "sangat_kurang_below_min",
    }
    for n in range(10, 45):
        cap = baik_or_better_cap(org, n)
        if cap == n:
            continue
        rows = ["baik"] * (cap + 1) + ["sangat_kurang"] * (n - cap - 1)
        d = pd.DataFrame({"unit_id": "u", "predikat": rows})
        r = ek.check_distribution(d, org_predikat=org).iloc[0]
        assert set(r["violations"].split("; ")) & below_rules, (org, n, cap)


def test_the_national_study_writes_its_outputs_without_personal_data(
    nation, studies, tmp_path, monkeypatch
):
    from evalkit.national.report import national_html

    loaded = []
    load_study = ek.io.load_study
    monkeypatch.setattr(
        ek.io, "load_study", lambda folder: loaded.append(folder) or load_study(folder)
    )
    folder = run_national("latest", nation, tmp_path, language="en")  # the newest quarter
    # one load per instansi: its statistics, its newest quarter and its privacy scan
    assert sorted(Path(f).name for f in loaded) == ["instansi=I1", "instansi=I2", "instansi=I3"]
    assert folder.relative_to(tmp_path).as_posix() == "national/2025Q4/en"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["period"] == "2025Q4"
    assert manifest["parameters"]["period_requested"] == "latest"
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "national.html",
        "results.json",
        "tables.xlsx",
    ]
    for study in studies.values():
        assert ek.scan_for_identifiers(folder, study).empty
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    html_en = (folder / "national.html").read_text(encoding="utf-8")
    assert "National study 2025Q4: 3 instansi" in html_en
    assert 'src="data:image/png;base64,' in html_en  # the funnel plot
    # the Indonesian page is made from the same results.json (numbers do not depend on
    # the language), with Indonesian numbers
    html_id = national_html(results, "id")
    ikm = results["national"]["skm"]["ikm_converted"]
    assert f"IKM nasional {ek.labels.Labels('id').number(ikm, 2)}" in html_id
    assert f"National IKM {ek.labels.Labels('en').number(ikm, 2)}" in html_en
    # the training effect: a sentence for the nation, a row per instansi and the nation
    tr = results["national"]["training"]
    en, idl = ek.labels.Labels("en"), ek.labels.Labels("id")
    assert (
        f"changed by +{en.number(tr['estimate'], 2)} points compared with not-yet-trained "
        f"colleagues of the same instansi (95% interval {en.number(tr['ci_low'], 2)} to "
        f"{en.number(tr['ci_high'], 2)}; {tr['n_treated']} trained employees in 3 instansi)"
    ) in html_en
    assert f"berubah +{idl.number(tr['estimate'], 2)} poin dibandingkan" in html_id
    sheet = pd.read_excel(folder / "tables.xlsx", sheet_name="Training", dtype=str)
    assert sheet.iloc[:, 0].tolist() == [r["name"] for r in results["instansi"]] + ["Nation"]
    assert sheet["Training effect (points)"].iloc[-1] == "+" + en.number(tr["estimate"], 2)
    assert sheet["Trained employees"].iloc[-1] == en.integer(tr["n_treated"])
    assert "analytic: a variance clustered by unit (CR1)" in html_en
    assert "wild cluster bootstrap" in html_en and "wild cluster bootstrap" in html_id
    # Fleiss' kappa of the peers: a sentence for the nation, a column per instansi
    kappa = results["national"]["kappa"]["rekan"]["fleiss_kappa"]["estimate"]
    assert f"Fleiss&#x27; kappa {en.number(kappa, 2)} (" in html_en
    assert f"kappa Fleiss {idl.number(kappa, 2)} (" in html_id
    table = pd.read_excel(folder / "tables.xlsx", sheet_name="Instansi", dtype=str)
    assert table["Fleiss' kappa peers"].tolist() == [
        en.number(r["kappa"]["rekan"]["fleiss_kappa"]["estimate"], 2) for r in results["instansi"]
    ]


@pytest.mark.parametrize("executor", ["in-process", "2-worker LocalCluster"])
def test_a_personal_identifier_in_an_output_stops_the_national_study(
    nation, studies, tmp_path, monkeypatch, request, executor
):
    """A name of I1, a NIP of I2 (in its groups) and an employee id of I3 planted in the
    page are found by the scan of the subjects kept from the one load of each instansi,
    in-process and on a cluster, where only statistics and hit counts are gathered."""
    import evalkit.national.report as report
    from evalkit.national.stats import PartitionStats

    name = studies["I1"].employees["name"].iloc[0]
    nip = studies["I2"].employees["nip"].iloc[5]
    employee_id = studies["I3"].employees["employee_id"].iloc[7]
    planted = f"{name} {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]} ({employee_id})"
    original = report.national_html
    monkeypatch.setattr(
        report, "national_html", lambda results, language: original(results, language) + planted
    )
    client = None
    gathered: list = []
    if executor != "in-process":
        client = request.getfixturevalue("cluster")
        monkeypatch.setattr(client, "gather", _spy(client.gather, gathered))
    with pytest.raises(RuntimeError, match="personal identifiers") as refused:
        run_national("2025Q4", nation, tmp_path, language="en", client=client)
    message = str(refused.value)
    for kind in ("name", "nip", "employee_id"):
        assert f"national.html: {kind}: " in message, kind
    assert "results.json" not in message and "tables.xlsx" not in message
    assert not (tmp_path / "national").exists()
    if client is not None:
        # statistics, quarters held and hit counts came back, never a subject (a Study of
        # identifiers)
        assert len(gathered) == 9
        assert {type(g) for g in gathered} == {PartitionStats, list, dict}
        assert not [g for g in gathered if isinstance(g, ek.Study | pd.DataFrame)]
        # and the subjects are released from the workers
        for _ in range(50):
            held = client.run(
                lambda dask_worker: [k for k in dask_worker.data if str(k).startswith("subject-")]
            )
            if not any(held.values()):
                break
            time.sleep(0.1)
        assert not any(held.values())


def _spy(gather, gathered: list):
    def spy(futures, **kw):
        out = gather(futures, **kw)
        gathered.extend(out)
        return out

    return spy


def test_the_cli_routes_a_national_data_set(nation, tmp_path, monkeypatch):
    from evalkit import cli

    calls = {}
    monkeypatch.setattr(
        "evalkit.national.run.national_command", lambda **kw: calls.setdefault("national", kw) and 0
    )
    monkeypatch.setattr(
        "evalkit.study.study_command", lambda **kw: calls.setdefault("study", kw) and 0
    )
    cli.main(["study", "--data", str(nation), "--period", "2025Q4", "--workers", "2"])
    assert calls["national"]["workers"] == 2
    calls.clear()
    cli.main(["study", "--data", str(nation)])  # no --period: the newest quarter
    assert calls["national"]["period"] == "latest"
    cli.main(
        [
            "study",
            "--data",
            str(nation),
            "--period",
            "2025Q4",
            "--instansi",
            "I2",
            "--out",
            str(tmp_path),
        ]
    )
    assert calls["study"]["data_dir"].name == "instansi=I2"
    assert calls["study"]["out_dir"] == tmp_path / "instansi" / "I2"


def test_simulate_writes_one_loadable_folder_per_instansi(tmp_path, capsys):
    from evalkit import cli

    assert (
        cli.main(
            [
                "simulate",
                "--out",
                str(tmp_path),
                "--instansi",
                "2",
                "--employees",
                "420",
                "--periods",
                "2025Q4:2025Q4",
            ]
        )
        == 0
    )
    listing = pd.read_csv(tmp_path / "instansi.csv", dtype=str)
    assert listing["instansi_id"].tolist() == ["I1", "I2"]
    ids = []
    for iid in ("I1", "I2"):
        study = ek.load_study(tmp_path / f"instansi={iid}")
        assert study.quarantine.empty
        assert study.employees["employee_id"].str.startswith(f"{iid}-").all()
        assert study.behaviour["rater_id"].str.startswith(f"{iid}-").all()
        ids.extend(study.units["unit_id"])
    assert len(ids) == len(set(ids))  # unit ids are unique across the nation


@pytest.mark.parametrize("gap,word", [(4.2, "above"), (-4.2, "below")])
def test_the_gap_sentence_says_which_source_rates_higher(gap, word):
    from evalkit.labels import Labels
    from evalkit.national.report import _findings

    results = {
        "national": {
            "skm": {"ikm_converted": 80.0, "mutu": "B", "ci_low": 79.0, "ci_high": 81.0, "n": 100},
            "predikat": {
                "share_baik_or_better": 0.9,
                "n_scored": 10,
                "excess": 1,
                "inflation": 0.1,
            },
            "icc": {
                "rekan": {
                    "ICC1": {"estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6},
                    "ICC1k": {"estimate": 0.7},
                    "n_ratees": 5,
                    "mean_raters": 2.5,
                }
            },
            "kappa": {
                "rekan": {
                    "fleiss_kappa": {"estimate": 0.2, "ci_low": 0.1, "ci_high": 0.3},
                    "fleiss_kappa_quadratic": {"estimate": 0.4},
                    "n_targets": 50,
                    "n_ratees": 5,
                }
            },
            "gap": {"gap": gap, "ci_low": gap - 1, "ci_high": gap + 1},
        },
        "funnel": {"positions": {"above": 1, "within": 2}},
        "n_instansi": 3,
    }
    sentence = _findings(results, Labels("en"))[-1]
    assert f"4.2 POMP points {word} the citizens" in sentence
    assert "1 of 3 instansi lie outside" in sentence


# ------------------------------------------------------------------------------ training
def _regency_influence_variance(study) -> float:
    """G/(G − 1) Σ_c ψ_c² of the regency's simple ATT, ψ_c from the regency's own code
    (its derivatives with respect to each unit's weight, impact._cs_fit/_aggregates)."""
    from evalkit.impact import _aggregates, _cs_fit, _design, _perturbed, training_panel

    panel = training_panel(study.behaviour, study.training, study.employees, citizen=study.citizen)
    d, _ = _design(panel, "y_supervisor")
    C = d.n_clusters
    cs = _cs_fit(d, "not_yet_treated", _perturbed(C))
    at_w = _aggregates(cs, cs.att_w, cs.n_g_w)["simple"]
    psi = (at_w[:C] - at_w[C:]) / 2e-4
    return C / (C - 1) * float(np.sum(psi**2))


@pytest.mark.parametrize("min_cell", [None, 45])
def test_training_cells_reproduce_the_regency_estimator_of_each_instansi(studies, min_cell):
    """(a) ATT(g, t) and the simple ATT from one instansi's cell sums = training_impact on
    its own study; with min_cell 45 some event times (41–44 trained) are hidden as there."""
    from evalkit.national.training import training_cells

    hidden = 0
    for iid, study in studies.items():
        cells = training_cells(study, "2025Q4", iid)
        regency = ek.training_impact(study, "2025Q4", min_cell=min_cell, n_boot=199)
        att = np.where(cells.hidden(min_cell), np.nan, cells.att_gt())
        assert len(att) == len(regency.att_gt) >= 3
        assert list(cells.cell_period) == regency.att_gt["period"].tolist()
        np.testing.assert_allclose(att, regency.att_gt["estimate"], rtol=0, atol=1e-12)
        assert np.isfinite(att).sum() >= 2
        got = cells.sums(min_cell).figures()
        h = regency.headline
        assert got["estimate"] == pytest.approx(float(h["estimate"]), abs=1e-9)
        assert (got["n_treated"], got["n_control"]) == (int(h["n_treated"]), int(h["n_control"]))
        assert got["n_treated_clusters"] == regency.summary["n_treated_clusters"]
        assert got["n_clusters"] == regency.summary["n_clusters"]
        shown = regency.event_study[regency.event_study["method"] == "callaway_santanna"]
        assert got["n_hidden_cells"] == int(
            regency.att_gt["rel_time"]
            .isin(shown.loc[shown["suppressed"].notna(), "rel_time"])
            .sum()
        )
        hidden += got["n_hidden_cells"]
        # the analytic variance is the CR1 variance of the regency's own unit influences
        # (which its wild bootstrap resamples): equal up to the O(ε²) of its differences
        if min_cell is None:
            assert got["se"] ** 2 == pytest.approx(_regency_influence_variance(study), rel=1e-6)
            assert got["se"] == pytest.approx(float(h["se"]), rel=0.15)  # 199 draws
    assert hidden == (3 if min_cell == 45 else 0)


@pytest.mark.parametrize("min_cell", [5, 45, 90])
def test_the_national_training_effect_from_cell_sums_equals_the_pooled_rows(studies, min_cell):
    """(b) The nation's ATT, interval and counts from the instansi's summed statistics =
    the reference on the pooled rows (explicit cell means, complex-step unit influences);
    at 90 the first instansi (86 trained employees) is not shown and only the event time
    0 of the two others (96 and 92 trained employees) is used."""
    parts = [partition_statistics(s, "2025Q4", iid) for iid, s in studies.items()]
    got = national_results(parts, min_cell=min_cell)
    expected = reference_results(studies, "2025Q4", min_cell=min_cell)
    nat, ref = got["national"]["training"], expected["national"]["training"]
    assert assert_same_results(nat, ref) == 5  # estimate, se, interval, p
    assert nat["n_treated"] == sum(r["training"]["n_treated"] for r in got["instansi"]) > 200
    assert nat["n_clusters"] == sum(r["training"]["n_clusters"] for r in got["instansi"])
    for a, b in zip(got["instansi"], expected["instansi"], strict=True):
        assert_same_results(a["training"], b["training"])
    shown = [r["training"]["estimate"] is not None for r in got["instansi"]]
    assert shown == [min_cell < 86, True, True]  # 86, 96 and 92 trained employees
    assert nat["estimate"] is not None and math.isfinite(nat["se"])
    assert nat["n_hidden_cells"] == {5: 0, 45: 3, 90: 8}[min_cell]
    assert nat["n_cells"] == {5: 9, 45: 7, 90: 4}[min_cell]
    # the HTML/workbook table: a suppressed instansi reads "–", the nation its effect
    from evalkit.national.report import training_table

    table = training_table(got, "en")
    assert table["Instansi"].tolist()[-1] == "Nation"
    assert (table["Training effect (points)"] == "–").tolist() == [
        min_cell >= 86,
        False,
        False,
        False,
    ]


def test_the_planted_training_effect_lies_in_the_national_interval(studies):
    """(d) The simulator plants an ATT of training_effect (0.3 by default) on the
    supervisor score; the nation's interval from the sums covers it, and is narrower
    than any instansi's."""
    import inspect

    truth = inspect.signature(ek.simulate).parameters["training_effect"].default
    parts = [partition_statistics(s, "2025Q4", iid) for iid, s in studies.items()]
    res = national_results(parts)
    nat = res["national"]["training"]
    assert nat["ci_low"] < truth < nat["ci_high"]
    assert nat["ci_high"] - nat["ci_low"] < 0.1
    assert all(
        nat["ci_high"] - nat["ci_low"] < r["training"]["ci_high"] - r["training"]["ci_low"]
        for r in res["instansi"]
    )


def test_the_methods_say_the_national_gap_interval_treats_employees_as_sampled(studies):
    """The national gap's variance s²/n counts the spread of the employees' levels
    (sampling-based), unlike the regency's design-based unit gap: the methods text of
    both languages says so."""
    from evalkit.national.report import national_html

    parts = [partition_statistics(s, "2025Q4", iid) for iid, s in studies.items()]
    results = national_results(parts)
    en = national_html(results, "en").replace("&#x27;", "'")
    idn = national_html(results, "id")
    for text in (
        "treats the rated employees, like the citizens' responses, as a sample",
        "sampling-based uncertainty",
        "holds a unit's staff fixed",
        "design-based uncertainty; Abadie, Athey, Imbens &amp; Wooldridge 2020",
        "not directly comparable",
    ):
        assert text in en, text
    for text in (
        "memperlakukan pegawai yang dinilai, seperti respons warga, sebagai sampel",
        "ketidakpastian berbasis sampel",
        "menganggap pegawai unit tetap",
        "ketidakpastian berbasis desain; Abadie, Athey, Imbens &amp; Wooldridge 2020",
        "tidak dapat dibandingkan secara langsung",
    ):
        assert text in idn, text


@pytest.fixture(scope="module")
def lagging_nation(tmp_path_factory):
    """Two instansi over 2025Q2–2025Q4, the first with no data for 2025Q4."""
    root = tmp_path_factory.mktemp("lagging")
    simulate_national(root, instansi=2, employees=420, seed=3, periods="2025Q2:2025Q4")
    for name in ("results", "behaviour", "citizen", "org_rating"):
        f = root / "instansi=I1" / f"{name}.parquet"
        df = pd.read_parquet(f)
        df[df["period"].astype(str) != "2025Q4"].to_parquet(f, index=False)
    return root


def test_period_latest_is_the_newest_quarter_of_any_instansi(lagging_nation):
    """--period latest: the newest quarter present across the instansi, even when one
    instansi's data end a quarter earlier; a malformed period is refused."""
    from evalkit.national.run import resolve_period

    tmp_path = lagging_nation
    lagging = tmp_path / "instansi=I1"
    assert ek.load_study(lagging).behaviour["period"].astype(str).max() == "2025Q3"
    assert resolve_period("latest", partitions(tmp_path)) == "2025Q4"
    assert resolve_period(" Latest ", partitions(tmp_path, "I1")) == "2025Q3"
    assert resolve_period("latest", partitions(tmp_path, "I2")) == "2025Q4"
    assert resolve_period("2025q3", partitions(tmp_path)) == "2025Q3"
    with pytest.raises(ValueError, match="one quarter .2025Q4., one year .2025. or 'latest'"):
        resolve_period("newest", partitions(tmp_path))


def test_instansi_with_different_periods_keep_their_own_training_panels(lagging_nation):
    """For the year 2025 one instansi has 2025Q2–Q3, the other Q2–Q4: each instansi's
    training effect is training_impact on its own periods, and the nation's equals the
    pooled-rows reference."""
    studies = {p.instansi: ek.load_study(p.folder) for p in partitions(lagging_nation)}
    parts = [partition_statistics(s, "2025", iid) for iid, s in studies.items()]
    got = national_results(parts, min_cell=1)
    expected = reference_results(studies, "2025", min_cell=1)
    assert assert_same_results(got["national"]["training"], expected["national"]["training"]) == 5
    periods = []
    for row, (iid, study) in zip(got["instansi"], studies.items(), strict=True):
        regency = ek.training_impact(study, "2025", n_boot=50)
        assert row["training"]["estimate"] == pytest.approx(
            float(regency.headline["estimate"]), abs=1e-9
        )
        periods.append(regency.summary["last_period"])
        block = next(p for p in parts if p.instansi == iid).training[0]
        assert set(block.cell_period) <= set(regency.att_gt["period"])
    assert periods == ["2025Q3", "2025Q4"]


# ------------------------------------------------------------------ one load per instansi
@pytest.fixture(scope="module")
def cluster():
    with open_client(workers=2, processes=False) as client:
        yield client


@pytest.fixture(scope="module")
def quarantined_nation(tmp_path_factory):
    """Three instansi; I1 holds an employee row that the loader quarantines (a NIP with a
    letter), whose person is known only through ``Study.identifiers`` and the quarantine."""
    root = tmp_path_factory.mktemp("quarantined")
    simulate_national(root, instansi=3, employees=700, seed=11, periods=PERIODS)
    f = root / "instansi=I1" / "employees.parquet"
    employees = pd.read_parquet(f)
    bad = employees.iloc[[0]].assign(
        employee_id="I1-E99999", nip="19790101200501100Z", name="Wiryawan Kusumadewi, S.E."
    )
    pd.concat([employees, bad]).to_parquet(f, index=False)
    return root


def _planted_text(studies: dict) -> str:
    """A text holding people of every instansi: names (one with a title), NIPs whole and
    in groups, employee ids alone and inside a token, and the quarantined person."""
    lines = []
    for study in studies.values():
        e = study.employees
        nip = e["nip"].iloc[1]
        lines += [
            f"Dr. {e['name'].iloc[0]} — {e['name'].iloc[3].upper()}",
            f"NIP {nip}; {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
            f"{e['employee_id'].iloc[2]} and {e['employee_id'].iloc[4].lower()}-2025",
            f"rater {study.behaviour['rater_id'].iloc[0]}",
        ]
    lines += ["Wiryawan Kusumadewi", "NIP 19790101200501100", "I1-E99999", "Desa Gunung Sari"]
    return "\n".join(lines)


def test_the_scan_subject_finds_what_the_whole_study_finds(quarantined_nation):
    """The scan against an instansi's small subject (identifiers and public names, no
    rows) gives the very table of hits of the scan against its whole study, the
    quarantined person included; the run's scan task gives the old task's counts."""
    from evalkit.national.run import (
        instansi_statistics,
        instansi_statistics_and_subject,
        scan_instansi,
        scan_subject_texts,
    )
    from evalkit.privacy import scan_subject

    parts = partitions(quarantined_nation)
    studies = {p.instansi: ek.load_study(p.folder) for p in parts}
    assert len(studies["I1"].quarantine) == 1
    texts = {"a.html": _planted_text(studies), "b.json": "nobody here: 12 units, IKM 77,45"}
    for p in parts:
        study = studies[p.instansi]
        subject = scan_subject(study)
        assert subject.behaviour.empty and subject.employees.empty and subject.results.empty
        assert subject.quarantine.empty and len(subject.identifiers) > len(study.employees)
        full = ek.scan_for_identifiers(texts, study)
        small = ek.scan_for_identifiers(texts, subject)
        pd.testing.assert_frame_equal(small, full)
        assert small.attrs == full.attrs
        assert set(full["kind"]) == {"name", "nip", "employee_id"}
        assert (full["source"] == "a.html").all()
        stats, held, kept = instansi_statistics_and_subject(str(p.folder), "2025Q4", p.instansi)
        assert held == ["2025Q2", "2025Q3", "2025Q4"]
        alone = instansi_statistics(str(p.folder), "2025Q4", p.instansi)
        assert assert_same_results(national_results([stats]), national_results([alone])) > 50
        assert scan_subject_texts(kept, texts) == scan_instansi(str(p.folder), texts)
    quarantined = ek.scan_for_identifiers(texts, scan_subject(studies["I1"]))
    assert {"wiryawan kusumadewi", "19790101200501100Z", "I1-E99999"} <= set(
        quarantined["identifier"]
    )


def test_an_instansi_without_data_for_the_period_is_named(
    lagging_nation, cluster, tmp_path, capsys
):
    """I1's data end at 2025Q3: a run for 2025Q4 (asked, or the newest quarter of any
    instansi) stops naming I1, its folder and the quarters it holds — in-process, on a
    cluster, and as the command's exit status 2."""
    from evalkit.national.run import national_command

    folder = (lagging_nation / "instansi=I1").resolve()
    expected = (
        rf"instansi I1 \({re.escape(str(folder))}\) has no data for 2025Q4: its results, "
        r"behaviour, citizen and org_rating hold 2025Q2, 2025Q3$"
    )
    for period in ("2025Q4", "latest"):
        with pytest.raises(ek.io.InputError, match=expected):
            run_national(period, lagging_nation, tmp_path)
    for period in ("2025Q4", "latest"):
        with pytest.raises(ValueError, match=expected):
            run_national(period, lagging_nation, tmp_path, client=cluster)
    assert not (tmp_path / "national").exists()
    code = national_command(period="2025Q4", data_dir=lagging_nation, out_dir=tmp_path)
    assert code == 2
    assert (
        f"evalkit study: instansi I1 ({folder}) has no data for 2025Q4" in capsys.readouterr().err
    )
    # the quarter it holds, or the other instansi alone, still run
    assert run_national("2025Q3", lagging_nation, tmp_path).name == "id"
    assert run_national("2025Q4", lagging_nation, tmp_path, instansi="I2").parent.name == "2025Q4"
    # an instansi with survey answers but no ratings in the quarter: named too
    copy = tmp_path / "copy"
    shutil.copytree(lagging_nation, copy)
    for name in ("results", "behaviour"):
        f = copy / "instansi=I2" / f"{name}.parquet"
        df = pd.read_parquet(f)
        df[df["period"].astype(str) != "2025Q4"].to_parquet(f, index=False)
    folder = (copy / "instansi=I2").resolve()
    with pytest.raises(
        ValueError, match=rf"^instansi I2 \({re.escape(str(folder))}\): no results or behaviour"
    ):
        run_national("2025Q4", copy, tmp_path, instansi="I2")
