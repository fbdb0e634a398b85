"""Calibration of the study's intervals (evalkit.calibration), the methods section's
sentences about it, the manifest record and ``evalkit calibrate``.

The coverage itself is measured over 200 studies per scenario in
``benchmarks/bench_calibration.py`` (slow); here the machinery runs on a few small
studies with fixed seeds, and the printed sentences are checked against a calibration
result whose counts are known.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import evalkit as ek
from evalkit._inference import wilson_interval
from evalkit.calibration import (
    CALIBRATION_FILE,
    INTERVALS,
    Calibration,
    calibrate,
    data_sha256,
    read_calibration,
)
from evalkit.labels import Labels
from evalkit.report.base import ReportContext
from evalkit.report.methods import section_methods


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    ek.simulate(out=folder, seed=4, employees=200, periods="2024Q1:2024Q4")
    return folder


@pytest.fixture(scope="module")
def tiny_calibration(tiny):
    return calibrate(tiny, reps=2, jobs=1, seed=3, n_boot=99)


def test_calibrate_counts_every_interval_and_its_wilson_interval(tiny, tiny_calibration):
    cal = tiny_calibration
    t = cal.table
    null = set(t.loc[t["scenario"] == "null", "interval"])
    effect = set(t.loc[t["scenario"] == "effect", "interval"])
    assert null == set(INTERVALS)
    assert effect == set(INTERVALS) - {"flag_any"}  # flags: under the complete null only
    assert (t["studies"] == 2).all()
    for r in t.itertuples():
        assert 0 <= r.covered <= r.n
        assert r.share == pytest.approx(r.covered / r.n)
        assert (r.share_low, r.share_high) == pytest.approx(wilson_interval(r.covered, r.n))
        assert r.nominal == (0.10 if r.interval == "flag_any" else 0.95)
    att = t[t["interval"] == "training_att"].set_index("scenario")
    assert att.loc["null", "effect"] == 0.0 and att.loc["effect", "effect"] == 0.2
    assert att["n"].tolist() == [2, 2] and t.loc[t["interval"] == "flag_any", "n"].item() == 2
    # the unit intervals pool units: more intervals than studies
    assert t.loc[t["interval"] == "ikm", "n"].min() > 2
    assert cal.data_sha256 == data_sha256(tiny)
    assert cal.shape["employees"] == 200 and cal.shape["periods"] == ["2024Q1", "2024Q4"]
    assert cal.shape["simulated"]["employees"] == 200
    assert cal.settings["reps"] == 2 and cal.settings["cpu_seconds_per_study"] > 0


def test_calibrate_is_deterministic_and_independent_of_jobs(tiny, tiny_calibration):
    again = calibrate(tiny, reps=2, jobs=2, seed=3, n_boot=99)
    cols = ["interval", "scenario", "n", "covered"]
    pd.testing.assert_frame_equal(again.table[cols], tiny_calibration.table[cols])


def test_calibration_file_round_trip_and_status(tiny, tiny_calibration, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for f in tiny.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    assert read_calibration(folder) == (None, "missing")
    tiny_calibration.write(folder / CALIBRATION_FILE)
    # the calibration file itself does not change the data's key
    assert data_sha256(folder) == tiny_calibration.data_sha256
    cal, status = read_calibration(folder)
    assert status == "current"
    pd.testing.assert_frame_equal(cal.table, tiny_calibration.table, check_dtype=False)
    # tables that no calibrated interval uses (complaints, teaching; their Indonesian file
    # names too), notes and the planted truth do not make it stale
    for name in ("complaints.csv", "pengaduan.csv", "teaching.csv", "truth.json", "x.txt"):
        (folder / name).write_text("a,b\n1,2\n", encoding="utf-8")
    assert read_calibration(folder)[1] == "current"
    # a mapping or any calibrated table does
    (folder / "evalkit.toml").write_text("", encoding="utf-8")
    assert read_calibration(folder)[1] == "stale"
    (folder / "evalkit.toml").unlink()
    assert read_calibration(folder)[1] == "current"
    with (folder / "citizen.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert read_calibration(folder)[1] == "stale"
    (folder / CALIBRATION_FILE).write_text("{}", encoding="utf-8")
    assert read_calibration(folder) == (None, "unreadable")


def _known(folder) -> Calibration:
    """A calibration with known counts: training ATT 190/200 (null), 186/200 (effect)."""
    rows = []
    for interval, scenario, n, covered, nominal in [
        ("training_att", "null", 200, 190, 0.95),
        ("training_att", "effect", 200, 186, 0.95),
        ("training_twfe", "effect", 200, 188, 0.95),
        ("event_study", "effect", 2600, 2470, 0.95),
        ("unit_gap", "effect", 15600, 14820, 0.95),
        ("offset", "null", 200, 191, 0.95),
        ("ikm", "effect", 15600, 14900, 0.95),
        ("flag_any", "null", 200, 9, 0.10),
    ]:
        lo, hi = wilson_interval(covered, n)
        rows.append(
            dict(
                interval=interval,
                scenario=scenario,
                effect=0.2 if scenario == "effect" else 0.0,
                studies=200,
                n=n,
                covered=covered,
                share=covered / n,
                share_low=lo,
                share_high=hi,
                nominal=nominal,
                not_printed=0,
            )
        )
    return Calibration(
        table=pd.DataFrame(rows),
        settings={"reps": 200, "seed": 0, "effect": 0.2, "q": 0.10, "confidence": 0.95},
        shape={"employees": 2000, "units": 89},
        data_sha256=data_sha256(folder),
    )


def _methods(folder, language):
    ctx = ReportContext(
        study=SimpleNamespace(source=str(folder), complaints=pd.DataFrame()),
        period="2025Q4",
        labels=Labels(language),
    )
    return section_methods(ctx)


def test_methods_section_prints_the_calibration_in_both_languages(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "employees.csv").write_text("employee_id\nE1\n", encoding="utf-8")
    _known(folder).write(folder / CALIBRATION_FILE)
    # 190/200 → 95 % [91, 97]; 186/200 → 93 % [89, 96]; flags 9/200 → 4 % [2, 8]
    en = _methods(folder, "en")
    text = " ".join(en.paragraphs)
    assert (
        "In 200 simulated studies shaped like these data (2,000 employees in 89 units, "
        "the same quarters), the 95% interval of the training effect contained the true "
        "effect 95% of the time [91%, 97%] when training had no effect, and 93% [89%, 96%] "
        "when it had an effect of 0.2 points." in text
    )
    assert "flagged at least one unit for review [2%, 8%]" in text
    assert "4%" in text and "q = 0.10" in text
    table = next(t for t in en.tables if t.name == "methods_calibration")
    assert table.frame["interval"].tolist()[:2] == ["training_att", "training_att"]
    assert table.frame["share"].iloc[0] == pytest.approx(0.95)
    shown = table.localised(Labels("en"), as_text=True)
    assert shown.iloc[0, 0] == "Training effect (Callaway–Sant'Anna)"
    assert en.results["calibration"]["status"] == "current"

    id_ = _methods(folder, "id")
    text = " ".join(id_.paragraphs)
    assert "Dalam 200 studi simulasi" in text
    assert "memuat dampak yang sebenarnya pada 95% simulasi [91%, 97%]" in text
    assert "dan pada 93% [89%, 96%] ketika dampaknya 0,2 poin" in text
    shown = next(t for t in id_.tables if t.name == "methods_calibration").localised(
        Labels("id"), as_text=True
    )
    assert shown.iloc[0, 0] == "Dampak pelatihan (Callaway–Sant'Anna)"


def test_methods_section_says_how_to_calibrate_when_there_is_no_file_or_it_is_stale(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "employees.csv").write_text("employee_id\nE1\n", encoding="utf-8")
    en = _methods(folder, "en")
    text = " ".join(en.paragraphs)
    assert "there is no calibration file" in text
    # outside the working directory only the folder's name is shown (no home paths)
    assert "evalkit calibrate --data data --jobs 2" in text
    assert str(tmp_path) not in text
    assert not any(t.name == "methods_calibration" for t in en.tables)
    assert en.results["calibration"]["status"] == "missing"
    _known(folder).write(folder / CALIBRATION_FILE)
    (folder / "employees.csv").write_text("employee_id\nE2\n", encoding="utf-8")
    id_ = _methods(folder, "id")
    assert any("dibuat untuk data lain" in p for p in id_.paragraphs)
    assert id_.results["calibration"]["status"] == "stale"


def test_manifest_records_the_calibration_file(tmp_path):
    from evalkit.study import _calibration_record, _sha256

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "employees.csv").write_text("employee_id\nE1\n", encoding="utf-8")
    assert _calibration_record(folder) == {"file": CALIBRATION_FILE, "status": "missing"}
    _known(folder).write(folder / CALIBRATION_FILE)
    rec = _calibration_record(folder)
    assert rec["status"] == "current"
    assert rec["sha256"] == _sha256(folder / CALIBRATION_FILE)
    assert rec["data_sha256"] == data_sha256(folder)
    assert rec["settings"]["reps"] == 200


def test_cli_calibrate_writes_the_file_and_prints_the_table(tiny, tmp_path, capsys):
    from evalkit.cli import main

    out = tmp_path / "cal.json"
    code = main(["calibrate", "--data", str(tiny), "--reps", "1", "--seed", "5", "--out", str(out)])
    assert code == 0
    obj = json.loads(out.read_text(encoding="utf-8"))
    assert obj["kind"] == "evalkit.calibration" and obj["settings"]["reps"] == 1
    assert obj["data_sha256"] == data_sha256(tiny)
    printed = capsys.readouterr().out
    assert "training_att" in printed and "flag_any" in printed and "wrote" in printed
    assert np.isfinite(pd.DataFrame(obj["table"])["share"]).all()


SHIPPED = Path(__file__).resolve().parents[1] / "data" / "tanjungselor"
#: Simulated studies per scenario behind the shipped calibration file
#: (`evalkit calibrate --data data/tanjungselor --reps 200 --jobs 2`).
SHIPPED_REPS = 200


def test_the_shipped_calibration_is_current_and_the_study_prints_and_records_it():
    """data/tanjungselor/calibration.json was made for exactly the shipped data (its key
    covers the core tables and the mapping), over every interval, and the methods
    section and the manifest read it."""
    from evalkit.study import _calibration_record

    cal, status = read_calibration(SHIPPED)
    assert status == "current"
    assert cal.settings["reps"] == SHIPPED_REPS and cal.settings["seed"] == 0
    assert set(cal.table["interval"]) == set(INTERVALS)
    coverage = cal.table[cal.table["interval"] != "flag_any"]
    assert (coverage["studies"] == SHIPPED_REPS).all()
    assert 1 <= cal.row("flag_any", "null")["n"] <= SHIPPED_REPS
    assert cal.shape["units"] == 89 and cal.shape["employees"] == 2000
    en = _methods(SHIPPED, "en")
    assert en.results["calibration"]["status"] == "current"
    shown = next(t for t in en.tables if t.name == "methods_calibration").frame
    att = shown[shown["interval"] == "training_att"].set_index("scenario")
    assert att.loc["null", "n"] == SHIPPED_REPS
    assert att.loc["null", "share"] == pytest.approx(cal.row("training_att", "null")["share"])
    assert f"In {SHIPPED_REPS} simulated studies" in " ".join(en.paragraphs)
    assert _calibration_record(SHIPPED)["status"] == "current"


#: Issue 19's targets: 95 % intervals that cover the truth between 93 % and 97 % of the
#: time; under the complete null at most q of the studies flag any unit.
TARGET = (0.93, 0.97)


def _meets(row) -> bool:
    """Coverage compatible with the target: its Wilson 95 % interval overlaps 93–97 %.

    With 100 studies a share has a binomial SE of about 2.2 points at 95 %, as wide as
    the target's half-width, so the point estimate alone would fail a method of exactly
    95 % coverage now and then (and pass a poor one by luck): the test fails only when
    the measurement excludes the target band. For the pooled per-unit intervals (gaps,
    IKM; thousands of intervals) the band is narrow and the test strict."""
    return row["share_high"] >= TARGET[0] and row["share_low"] <= TARGET[1]


@pytest.mark.slow
def test_coverage_targets_at_30_units(tmp_path):
    """Issue 19's targets at 30 units (400 employees, 8 quarters; the small regency of
    benchmarks/bench_calibration.py), 100 studies per scenario: the training ATT's, the
    unit gaps' and the unit IKM's 95 % intervals cover the truth within 93–97 % (see
    :func:`_meets`) at effects 0 and 0.2; the common offset too; under the complete
    null at most q = 10 % of the studies flag any unit (Wilson interval's lower end)."""
    folder = tmp_path / "small"
    ek.simulate(out=folder, seed=20260, employees=400)
    cal = calibrate(folder, reps=100, jobs=2, seed=0)
    assert cal.shape["units"] == 30
    for scenario in ("null", "effect"):
        for interval in ("training_att", "unit_gap", "ikm", "offset"):
            row = cal.row(interval, scenario)
            assert _meets(row), (interval, scenario, row["share"], row["share_low"])
    assert cal.row("flag_any", "null")["share_low"] <= 0.10
