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


def test_a_dask_cluster_gives_the_in_process_numbers(nation):
    local = compute_partitions(nation, "2025Q4")
    with open_client(workers=2, processes=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        remote = compute_partitions(nation, "2025Q4", client=client)
    assert [p.instansi for p in remote] == [p.instansi for p in local]
    assert assert_same_results(national_results(remote), national_results(local)) > 150


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


def test_the_national_study_writes_its_outputs_without_personal_data(nation, studies, tmp_path):
    from evalkit.national.report import national_html

    folder = run_national("2025Q4", nation, tmp_path, language="en")
    assert folder.relative_to(tmp_path).as_posix() == "national/2025Q4/en"
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


def test_a_personal_identifier_in_an_output_stops_the_national_study(
    nation, studies, tmp_path, monkeypatch
):
    import evalkit.national.report as report

    name = next(iter(studies.values())).employees["name"].iloc[0]
    original = report.national_html
    monkeypatch.setattr(
        report, "national_html", lambda results, language: original(results, language) + name
    )
    with pytest.raises(RuntimeError, match="personal identifiers"):
        run_national("2025Q4", nation, tmp_path, language="en")
    assert not (tmp_path / "national").exists()


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
            "gap": {"gap": gap, "ci_low": gap - 1, "ci_high": gap + 1},
        },
        "funnel": {"positions": {"above": 1, "within": 2}},
        "n_instansi": 3,
    }
    sentence = _findings(results, Labels("en"))[-1]
    assert f"4.2 POMP points {word} the citizens" in sentence
    assert "1 of 3 instansi lie outside" in sentence
