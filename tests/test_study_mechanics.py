"""How the period study runs: periods, failing sections, atomic folders, failures, kernel."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import evalkit.study as study_mod
from evalkit import report as rp
from evalkit.io import Study
from evalkit.labels import Labels
from evalkit.report.period import _sheet_name
from evalkit.study import StudyError, report_dir, run_study, study_command


# --------------------------------------------------------------------------- periods
def _periodic(periods: list[str]) -> Study:
    b = pd.DataFrame(
        {
            "period": periods,
            "employee_id": "E1",
            "rater_id": "E2",
            "rater_role": "atasan",
            "value": "akuntabel",
            "score": 4,
        }
    )
    return Study(behaviour=b)


def test_periods_latest_all_year_and_quarter():
    s = _periodic(["2024Q4", "2025Q2", "2025Q1", "2024Q3"])
    assert rp.available_periods(s) == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert rp.resolve_periods(s, "latest") == ["2025Q2"]
    assert rp.resolve_periods(s, "all") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert rp.resolve_periods(s, "2024") == ["2024"]
    assert rp.resolve_periods(s, " 2025Q1 ") == ["2025Q1"]
    assert rp.quarters_up_to(s, "2024") == ["2024Q3", "2024Q4"]
    assert rp.quarters_up_to(s, "2025Q1") == ["2024Q3", "2024Q4", "2025Q1"]
    assert rp.period_quarters(s, "2025") == ["2025Q1", "2025Q2"]


def test_period_errors_say_what_the_data_hold():
    s = _periodic(["2025Q1", "2025Q2"])
    with pytest.raises(
        ValueError,
        match=r"no data for period 2025Q4: the data hold 2025Q1 … "
        r"2025Q2 \(2 quarters\)",
    ):
        rp.resolve_periods(s, "2025Q4")
    with pytest.raises(ValueError, match="no data for the year 2023"):
        rp.resolve_periods(s, "2023")
    with pytest.raises(ValueError, match="give a quarter like 2025Q4"):
        rp.resolve_periods(s, "Q1-25")
    with pytest.raises(ValueError, match="no period at all"):
        rp.resolve_periods(Study(), "latest")


def test_data_dir_is_found_from_a_subfolder(tmp_path, monkeypatch):
    (tmp_path / "data" / "x").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert rp.resolve_data_dir("data/x") == (tmp_path / "data" / "x").resolve()
    with pytest.raises(FileNotFoundError, match="data folder 'data/nope' not found; tried"):
        rp.resolve_data_dir("data/nope")


# --------------------------------------------------------------------------- sections
def test_a_section_that_fails_fails_the_report(small_study, monkeypatch):
    """Real errors are never hidden: a section builder that raises stops the report."""
    import evalkit.report.period as period_mod

    def crash(ctx):
        raise ZeroDivisionError("a real bug")

    monkeypatch.setattr(period_mod, "SECTIONS", {**period_mod.SECTIONS, "trend": crash})
    with pytest.raises(ZeroDivisionError, match="a real bug"):
        rp.build_report(small_study, "latest", language="en", min_cell=5)


def test_build_report_refuses_several_periods_and_a_bad_min_cell(small_study):
    with pytest.raises(ValueError, match="asks for 5 reports"):  # 4 quarters and 2025
        rp.build_report(small_study, "all")
    with pytest.raises(ValueError, match="min_cell must be a whole number"):
        rp.build_report(small_study, "latest", min_cell=0)


# --------------------------------------------------------------------------- helpers
def test_supervisor_trend_is_the_mean_of_employee_means():
    b = pd.DataFrame(
        {
            "period": ["2025Q1"] * 4 + ["2025Q2"] * 2,
            "employee_id": ["a", "a", "b", "c", "a", "b"],
            "rater_role": ["atasan", "atasan", "atasan", "rekan", "atasan", "atasan"],
            "score": [5, 3, 2, 1, 4, 4],
        }
    )
    out = rp.supervisor_trend(Study(behaviour=b), ["2025Q1", "2025Q2", "2025Q3"])
    assert out["supervisor_score"].tolist()[:2] == [3.0, 4.0]  # (4 + 2) / 2; peers ignored
    assert pd.isna(out["supervisor_score"].iloc[2])
    assert out["n_ratees"].tolist() == [2, 2, 0]


def test_to_jsonable_and_sheet_names():
    import numpy as np

    assert rp.to_jsonable(
        {"a": np.int64(3), "b": np.float64("nan"), "c": (1.0 / 3,), "d": pd.NA, 4: np.bool_(True)}
    ) == {"a": 3, "b": None, "c": [0.3333333333], "d": None, "4": True}
    assert _sheet_name("Penggabungan nilai warga per unit kerja") == "Penggabungan nilai warga per…"
    assert _sheet_name("a/b: c") == "a b  c"


def test_localised_table_labels_headers_codes_and_numbers():
    t = rp.SectionTable(
        "scoring_units",
        pd.DataFrame(
            {
                "org_predikat": ["baik", "istimewa"],
                "n_scored": [12, 3],
                "share_baik": [0.5, None],
                "suppressed": [None, "small_cell"],
            }
        ),
        codes={"org_predikat": "org_predikat"},
    )
    out = t.localised(Labels("id"), as_text=True)
    assert list(out.columns) == [
        "Predikat organisasi",
        "Pegawai berpredikat",
        "Baik",
        "Disembunyikan",
    ]
    assert out.iloc[1].tolist() == ["Istimewa", "3", "–", "sel kecil"]
    assert out.iloc[0, 2] == "50,0%"  # shares as percentages
    t = rp.SectionTable(
        "x",
        pd.DataFrame(
            {
                "violations": ["baik_above_max; butuh_perbaikan_or_kurang_missing", None],
                "ok": [False, None],
                "q_value": [0.0004, 0.25],
                "gap": [1.234, float("nan")],
            }
        ),
        codes={"violations": "violation"},
        digits=1,
    )
    out = t.localised(Labels("en"), as_text=True)
    assert out.iloc[0].tolist() == [
        "Good above 70%; no Needs improvement or Poor",
        "no",
        "< 0.001",
        "1.2",
    ]
    assert out.iloc[1].tolist() == ["", "–", "0.250", "–"]
    raw = t.localised(Labels("en"))  # for tables.xlsx: numbers stay numbers
    assert raw["q-value (FDR)"].tolist() == [0.0004, 0.25]


# --------------------------------------------------------------------------- outputs
def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_each_period_and_language_has_its_own_folder(tmp_path):
    assert report_dir(tmp_path, "2025Q4", "id") == tmp_path / "2025Q4" / "id"
    assert report_dir(tmp_path, "2025", "en") == tmp_path / "2025" / "en"
    with pytest.raises(ValueError, match="language must be one of"):
        report_dir(tmp_path, "2025Q4", "fr")
    # placing the English report leaves the Indonesian one of the same period alone
    for language in ("id", "en"):
        tmp = tmp_path / f".tmp-{language}"
        tmp.mkdir()
        (tmp / "study.html").write_text(language)
        study_mod._place(tmp, report_dir(tmp_path, "2025Q4", language))
    assert (tmp_path / "2025Q4" / "id" / "study.html").read_text() == "id"
    assert (tmp_path / "2025Q4" / "en" / "study.html").read_text() == "en"


def test_all_adds_only_complete_years():
    s = _periodic(["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"])
    assert rp.resolve_periods(s, "all") == [
        "2024Q2",
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2025",
    ]


def test_place_replaces_a_report_only_with_a_complete_one(tmp_path):
    old = tmp_path / "2025Q4"
    old.mkdir()
    (old / "study.html").write_text("old")
    new = tmp_path / ".tmp-2025Q4-x"
    new.mkdir()
    (new / "study.html").write_text("new")
    study_mod._place(new, old)
    assert (old / "study.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["2025Q4"]


def test_a_failing_period_leaves_the_previous_report_untouched(
    report_id, small_data, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "reports"
    period = report_id.parent.name
    target = report_dir(out, period, "id")
    shutil.copytree(report_id, target)
    before = _tree(target)
    failing = tmp_path / "failing.ipynb"
    nb = new_notebook(
        metadata={"kernelspec": {"name": "evalkit", "display_name": "x", "language": "python"}}
    )
    nb.cells = [
        new_code_cell(
            'period: str = "latest"  # p\noutput_dir: str = ""  # o',
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell("open(output_dir + '/results.json', 'w').write('{}')"),
        new_code_cell("raise RuntimeError('planted failure in ' + period)"),
    ]
    nbformat.write(nb, failing)
    monkeypatch.setattr(study_mod, "notebook_path", lambda: failing)
    code = study_command(period=period, data_dir=small_data, out_dir=out, language="id", min_cell=5)
    assert code == 1
    err = capsys.readouterr().err
    assert "RuntimeError: planted failure in 2025Q4" in err
    assert "raise RuntimeError('planted failure in ' + period)" in err  # the cell's source
    assert _tree(target) == before  # byte-identical
    assert [p.name for p in out.iterdir()] == [period]  # no temporary folder left


def test_all_periods_run_one_report_each_and_failures_do_not_stop_the_others(
    small_data, tmp_path, monkeypatch
):
    calls = []

    def fake_run_period(period, **kwargs):
        calls.append((period, kwargs["language"], kwargs["min_cell"]))
        if period == "2025Q2":
            raise RuntimeError("boom")
        return report_dir(kwargs["out_dir"], period, kwargs["language"])

    monkeypatch.setattr(study_mod, "_run_period", fake_run_period)
    with pytest.raises(StudyError) as exc:
        run_study("all", small_data, tmp_path, language="en", min_cell=7, progress=False)
    # every quarter, and the year whose four quarters are all in the data
    assert [c[0] for c in calls] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025"]
    assert calls[0][1:] == ("en", 7)
    assert [p.parent.name for p in exc.value.written] == ["2025Q1", "2025Q3", "2025Q4", "2025"]
    assert {p.name for p in exc.value.written} == {"en"}
    assert [f.period for f in exc.value.failures] == ["2025Q2"]
    assert "period 2025Q2: RuntimeError: boom" in str(exc.value)


def test_unusable_input_and_bad_parameters_exit_2(tmp_path, small_data, capsys):
    (tmp_path / "empty").mkdir()
    assert study_command(period="latest", data_dir=tmp_path / "empty", out_dir=tmp_path / "o") == 2
    assert "data tidak dapat dipakai" in capsys.readouterr().err  # Indonesian by default
    empty = tmp_path / "empty"
    assert (
        study_command(period="latest", data_dir=empty, out_dir=tmp_path / "o", language="en") == 2
    )
    assert "the data cannot be used" in capsys.readouterr().err
    assert study_command(period="2031Q1", data_dir=small_data, out_dir=tmp_path / "o") == 2
    assert "no data for period 2031Q1" in capsys.readouterr().err
    assert (
        study_command(period="latest", data_dir=small_data, out_dir=tmp_path / "o", language="fr")
        == 2
    )
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_the_key_file_may_not_sit_in_the_output_folder(tmp_path, monkeypatch, small_data):
    monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
    monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY_FILE", str(tmp_path / "reports" / "key"))
    with pytest.raises(ValueError, match="is inside the output folder"):
        run_study("latest", small_data, tmp_path / "reports", progress=False)


def test_the_kernel_is_installed_when_missing(tmp_path):
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager(kernel_dirs=[str(tmp_path / "share" / "jupyter" / "kernels")])
    assert "evalkit" not in manager.find_kernel_specs()
    assert study_mod.ensure_kernel(prefix=str(tmp_path), manager=manager) == "evalkit"
    spec = manager.get_kernel_spec("evalkit")
    assert spec.argv[0] == sys.executable
    assert study_mod.ensure_kernel(prefix=str(tmp_path), manager=manager) == "evalkit"


def test_the_first_quarter_has_no_history_and_still_reports(small_study):
    # no period before any training, one quarter of trend: every section still builds
    report = rp.build_report(small_study, "2025Q1", language="en", min_cell=5)
    training = report.section("training")
    assert training.results["estimate"] is None and training.figures == []
    # one quarter of ratings: the section says so, with what the estimate needs
    assert training.results["insufficient"] == {"reason": "one_period", "found": 1, "needed": 2}
    assert Labels("en")("insufficient.training.one_period", found=1, needed=2) in (
        training.paragraphs
    )
    trend = report.results["trend"]["periods"]
    assert [p["period"] for p in trend] == ["2025Q1"]


def test_messy_input_quarantine_is_redacted_in_the_shared_folder(small_data, tmp_path):
    """Rows the loader quarantines (a NIP that lost digits, a score out of range) are
    listed in quarantine.csv without the personal values; restricted/ keeps them."""
    from evalkit.io import load_study
    from evalkit.privacy import REDACTED, scan_for_identifiers

    messy = tmp_path / "messy"
    shutil.copytree(small_data, messy)
    emp = pd.read_csv(messy / "employees.csv", dtype=str, keep_default_na=False)
    victim = emp.iloc[150].copy()
    emp.loc[150, "nip"] = victim["nip"][:-3]  # 15 digits: not a NIP
    emp.to_csv(messy / "employees.csv", index=False)
    beh = pd.read_csv(messy / "behaviour.csv", dtype=str, keep_default_na=False)
    beh.loc[3, "score"] = "9"
    beh.to_csv(messy / "behaviour.csv", index=False)

    study = load_study(messy)
    assert len(study.quarantine) >= 2
    report = rp.build_report(study, "latest", language="en", min_cell=5)
    report.write_outputs(tmp_path / "out")
    shared = pd.read_csv(tmp_path / "out" / "quarantine.csv", dtype=str)
    full = pd.read_csv(tmp_path / "out" / "restricted" / "quarantine.csv", dtype=str)
    assert len(shared) == len(full) == len(study.quarantine)
    assert (shared.loc[shared["column"] == "nip", "value"] == REDACTED).all()
    assert victim["nip"][:-3] in set(full["value"])
    assert (shared.loc[shared["column"] == "score", "value"] == "9").all()
    # every identifier of the *input* (quarantined people included) is absent
    everyone = Study(employees=pd.read_csv(small_data / "employees.csv", dtype=str))
    outputs = [tmp_path / "out" / n for n in ("results.json", "tables.xlsx", "quarantine.csv")]
    outputs.append(tmp_path / "report.html")
    outputs[-1].write_text(report._repr_html_(), encoding="utf-8")
    assert scan_for_identifiers(outputs, everyone).empty


def test_the_study_refuses_to_publish_an_output_with_a_name(
    small_data, small_study, tmp_path, monkeypatch
):
    from evalkit.study import PrivacyError

    name = small_study.employees["name"].iloc[42]
    leaky = tmp_path / "leaky.ipynb"
    nb = new_notebook(
        metadata={"kernelspec": {"name": "evalkit", "display_name": "x", "language": "python"}}
    )
    nb.cells = [
        new_code_cell('output_dir: str = ""  # o', metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import pathlib\n"
            "import pandas as pd\n"
            "out = pathlib.Path(output_dir)\n"
            "(out / 'results.json').write_text('{}')\n"
            "pd.DataFrame({'a': [1]}).to_excel(out / 'tables.xlsx')\n"
            "(out / 'quarantine.csv').write_text('file,line,column,value,reason\\n')\n"
            f"line = 'Kepala unit: ' + {name.upper()!r}\n"
            "(out / 'study.html').write_text('<p>' + line + '</p>')\n"
            "print(line)"
        ),
    ]
    nbformat.write(nb, leaky)
    monkeypatch.setattr(study_mod, "notebook_path", lambda: leaky)
    with pytest.raises(StudyError) as exc:
        run_study("2025Q4", small_data, tmp_path / "out", progress=False)
    error = exc.value.failures[0].error
    assert isinstance(error, PrivacyError)
    assert "study.html: 1 name; study.ipynb: 2 name" in str(error)  # output; code + output
    assert name.split(",")[0] not in str(error)  # the message never repeats the identifier
    assert list((tmp_path / "out").iterdir()) == []  # nothing published, no temporary folder


def test_the_command_line_reaches_study_command(tmp_path, capsys):
    from evalkit.cli import main

    (tmp_path / "empty").mkdir()
    code = main(
        [
            "study",
            "--period",
            "latest",
            "--data",
            str(tmp_path / "empty"),
            "--out",
            str(tmp_path / "o"),
            "--language",
            "en",
            "--min-cell",
            "7",
        ]
    )
    assert code == 2
    assert "required table is missing" in capsys.readouterr().err


def test_trend_figure_has_a_panel_per_measure():
    t = pd.DataFrame({"period": ["2025Q1", "2025Q2"], "supervisor_score": [3.7, float("nan")]})
    fig = rp.plot_trend(t, Labels("en"))
    assert len(fig.axes) == 1 and fig.axes[0].get_ylabel() == "Supervisor behaviour score (1–5)"
    fig = rp.plot_trend(t.assign(ikm=[72.5, 75.1]), Labels("id"))
    assert [ax.get_ylabel() for ax in fig.axes] == [
        "Nilai perilaku dari atasan (1–5)",
        "IKM (25–100)",
    ]
    assert fig.get_suptitle() == "Nilai perilaku dari atasan dan IKM per triwulan"
