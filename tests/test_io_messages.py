"""Messages for people: one line and exit 2 for bad arguments, Indonesian by default,
stable reason codes, and a plain sentence where a traceback used to be."""

from __future__ import annotations

import json
import string
import sys
from pathlib import Path

import pytest

from evalkit.cli import main
from evalkit.io.messages import reason_code, translate, translate_message
from evalkit.labels import catalogue

sys.path.insert(0, str(Path(__file__).parent))
from test_io import rows_of, write_study


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--employees", "5"], "--employees must be at least 200, got 5"),
        (["--periods", "2025"], "--periods takes the first and last quarter as FIRST:LAST"),
        (["--training-effect", "-5"], "must lie between -1 and 1, got -5.0"),
        (["--divergent-units", "-1"], "--divergent-units must be 0 or more, got -1"),
        (["--seed", "-3"], "--seed must be 0 or more, got -3"),
        (["--employees", "many"], "argument --employees: invalid int value: 'many'"),
        (["--periods", "2025Q4:2024Q1"], "the last period comes before the first"),
    ],
)
def test_every_bad_simulate_argument_is_one_line_and_exit_2(tmp_path, capsys, args, fragment):
    try:
        code = main(["simulate", "--out", str(tmp_path / "x"), *args])
    except SystemExit as exc:  # argparse's own checks (a word for a number)
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_validate_speaks_indonesian_by_default_and_writes_reason_codes(tmp_path, capsys):
    behaviour = rows_of("behaviour")
    behaviour[1][5] = "7"
    folder = write_study(tmp_path / "s", behaviour=behaviour)
    target = tmp_path / "q.csv"
    assert main(["validate", str(folder), "--quarantine", str(target)]) == 1
    out = capsys.readouterr().out
    assert "semua berkas" in out and "alasan yang paling sering:" in out
    assert "score: di luar rentang yang diizinkan, 1 sampai 5" in out
    text = target.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "file,line,column,value,reason,code"
    assert text[1].endswith('"di luar rentang yang diizinkan, 1 sampai 5",reason.out_of_range')


def test_unusable_input_is_explained_in_indonesian(tmp_path, capsys):
    folder = write_study(tmp_path / "s", skip=("org_rating",))
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "data masukan di" in err and "tidak dapat dipakai" in err
    assert "org_rating: tabel wajib tidak ada" in err
    assert "Traceback" not in err


def test_a_file_passed_as_the_data_folder_says_so(tmp_path, capsys):
    folder = write_study(tmp_path / "s")
    assert main(["validate", str(folder / "units.csv"), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'units.csv'} is a file, not a study folder" in err
    from evalkit.report import resolve_data_dir

    with pytest.raises(FileNotFoundError, match="is a file, not a study folder"):
        resolve_data_dir(folder / "units.csv")


def test_a_header_only_table_stops_the_study_with_a_plain_message(tmp_path, capsys):
    from evalkit.study import study_command

    folder = write_study(tmp_path / "s", results=[rows_of("results")[0]])
    assert main(["validate", str(folder)]) == 0  # nothing quarantined, but said:
    assert "results.csv: tidak ada baris data (hanya header)" in capsys.readouterr().out
    code = study_command(period="2025Q3", data_dir=folder, out_dir=tmp_path / "out", language="en")
    err = capsys.readouterr().err
    assert code == 2
    assert "the study needs rows in results" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "2025Q3").exists()


def test_reason_codes_are_stable_and_every_template_has_both_languages():
    en, id_ = catalogue("en"), catalogue("id")
    keys = [k for k in en if k.startswith("io.")]
    assert len(keys) > 80
    for key in keys:
        assert key in id_ and en[key] != id_[key], key
    assert reason_code("exact duplicate of line 12") == "reason.exact_duplicate"
    assert reason_code("something no template says") is None
    assert translate("exact duplicate of line 12", "id") == "duplikat persis dari baris 12"
    assert translate("something no template says", "id") == "something no template says"
    # a template's values are carried over, whatever they hold
    reason = (
        "row has 9 cells but the header has 6 columns: a value contains the separator ';'; "
        "put that value in double quotes or remove the separator"
    )
    assert translate(reason, "id").startswith("baris berisi 9 sel padahal header memiliki 6")
    message = "the input in data cannot be used:\n  - units.csv: empty: expected a header row with the columns unit_id"
    assert translate_message(message, "id").splitlines() == [
        "data masukan di data tidak dapat dipakai:",
        "  - units.csv: kosong: yang diharapkan baris header dengan kolom unit_id",
    ]


def test_no_two_templates_read_the_same_text():
    en = catalogue("en")
    for key, text in en.items():
        if not key.startswith("io."):
            continue
        sample = text.format(**{n: f"<{n}>" for _, n, _, _ in string.Formatter().parse(text) if n})
        assert "io." + reason_code(sample) == key, (key, sample)


def test_the_label_files_stay_sorted_json(tmp_path):
    root = Path(__file__).resolve().parents[1] / "evalkit" / "labels"
    for lang in ("id", "en"):
        data = json.loads((root / f"{lang}.json").read_text(encoding="utf-8"))
        assert list(data) == sorted(data)


def test_suggest_mapping_and_template_speak_the_chosen_language(tmp_path, capsys):
    """``validate --suggest-mapping`` and ``template`` say what they wrote, and why they
    cannot, in Bahasa Indonesia by default and in English with ``--language en``."""
    folder = tmp_path / "agency"
    folder.mkdir()
    (folder / "pegawai.csv").write_text("NIP,Nama\n1,a\n", encoding="utf-8")
    assert main(["validate", str(folder), "--suggest-mapping"]) == 0
    draft, target = folder / "evalkit.suggested.toml", folder / "evalkit.toml"
    assert capsys.readouterr().out.strip() == (
        f"draf pemetaan telah ditulis ke {draft}. Periksalah (baris di bawah ambang "
        f"keyakinan diberi tanda komentar), lalu simpan sebagai {target}."
    )
    assert main(["validate", str(folder), "--suggest-mapping", "--language", "en"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote a draft mapping to {draft}. Review it")
    missing = tmp_path / "nowhere"
    assert main(["validate", str(missing), "--suggest-mapping"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"evalkit validate: {missing}: --suggest-mapping memerlukan folder data"
    assert main(["validate", str(folder), "--suggest-mapping", "--out", str(target)]) == 2
    assert "draf tidak pernah ditulis sebagai evalkit.toml" in capsys.readouterr().err
    assert not target.exists()

    kit = tmp_path / "kit.xlsx"
    assert main(["template", "--out", str(kit)]) == 0
    assert capsys.readouterr().out.strip() == f"perangkat pengumpulan data telah ditulis ke {kit}"
    assert main(["template", "--out", str(kit), "--language", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote the collection kit to {kit}"


def test_a_broken_mapping_is_explained_in_the_chosen_language(tmp_path, capsys):
    folder = write_study(tmp_path / "s")
    (folder / "evalkit.toml").write_text(
        '[tables.pegawai]\nfile = "employees.csv"\n[foo]\nx = 1\n', encoding="utf-8"
    )
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"pemetaan {folder / 'evalkit.toml'} tidak dapat dipakai:" in err
    assert "bagian atau kunci 'foo' tidak dikenal" in err
    assert "[tables.pegawai]: tidak ada tabel 'pegawai'; tabelnya adalah units" in err
    assert main(["validate", str(folder), "--language", "en"]) == 2
    err = capsys.readouterr().err
    assert "unknown section or key 'foo'; a mapping has only [tables.NAME] sections" in err
