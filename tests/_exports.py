"""Write a study folder the way an agency's own exports would look (for round-trip tests).

* :func:`agency_export`: every table with Indonesian headers, agency file names, the
  agency's spellings of codes (``DIATAS EKSPEKTASI``, ``Laki-laki``), day-first dates,
  month-first dates in one file, a ``;``-separated file and a workbook sheet.
* :func:`google_forms_export`: the citizen table as a Google Forms CSV: a timestamp, the
  nine questions of PermenPANRB 14/2017's questionnaire as headers (sarana before
  pengaduan, as the annex orders them), and answer texts.
* :func:`kobo_export`: the citizen table as a KoboToolbox ``;``-CSV (``_uuid``,
  ``_submission_time``, item names as headers, answer texts).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from evalkit.labels import Labels
from evalkit.tables import SKM_SCALES, TABLES

_ID = Labels("id")

#: file name, separator (or sheet), and the header of each column that is written
AGENCY = {
    "units": (
        "unit_kerja.csv",
        ",",
        {
            "unit_id": "Kode Unit Kerja",
            "name": "Nama Unit Kerja",
            "kind": "Jenis Unit",
            "sector": "Sektor",
            "parent_unit_id": "Kode Unit Induk",
            "service_population": "Jumlah Pengguna Layanan",
        },
    ),
    "employees": (
        "DATA PEGAWAI BKPSDM.csv",
        ";",
        {
            "employee_id": "ID Pegawai",
            "nip": "NIP Baru",
            "name": "Nama Lengkap",
            "unit_id": "Unit Kerja",
            "position": "Jabatan",
            "position_type": "Jenis Jabatan",
            "sector": "Sektor",
            "grade": "Gol/Ruang",
            "employment": "Status ASN",
            "gender": "Jenis Kelamin",
            "birth_date": "Tgl Lahir",
            "start_date": "TMT CPNS",
            "supervisor_id": "ID Atasan",
            "jf_level": "Jenjang",
        },
    ),
    "indicators": (
        "indikator.csv",
        ",",
        {
            "indicator_id": "Kode Indikator",
            "sector": "Sektor",
            "unit_id": "Unit Kerja",
            "name": "Nama Indikator",
            "unit_of_measure": "Satuan",
            "direction": "Arah",
            "target_kind": "Jenis Target",
        },
    ),
    "results": (
        "Realisasi SKP.csv",
        ",",
        {
            "period": "Periode",
            "employee_id": "ID Pegawai",
            "indicator_id": "Kode Indikator",
            "kind": "Jenis Hasil Kerja",
            "target": "Target",
            "realization": "Realisasi",
            "rating": "Rating Hasil Kerja",
        },
    ),
    "behaviour": (
        "perilaku_kerja.csv",
        ",",
        {
            "period": "Periode",
            "employee_id": "ID Pegawai",
            "rater_id": "ID Penilai",
            "rater_role": "Peran Penilai",
            "value": "Nilai BerAKHLAK",
            "score": "Skor",
        },
    ),
    "citizen": ("skm.csv", ",", None),
    "training": (
        "pelatihan.csv",
        ",",
        {
            "employee_id": "ID Pegawai",
            "course": "Nama Pelatihan",
            "start_date": "Tanggal Mulai",
            "end_date": "Tanggal Selesai",
            "hours": "JP",
        },
    ),
    "org_rating": (
        "predikat_unit.csv",
        ",",
        {"period": "Periode", "unit_id": "Kode Unit Kerja", "predikat": "Predikat Kinerja"},
    ),
}

#: The agency's spellings (upper case, as exported by its system).
UPPER_CODES = {"rating", "predikat", "employment"}


def _period_text(p: pd.Series) -> pd.Series:
    roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
    return "TW " + p.str[-1].map(roman) + " " + p.str[:4]


def agency_export(study, out: Path) -> Path:
    """Write ``study`` as an agency would export it (see the module docstring).

    The months-first training dates and the org predikat spelling "SANGAT BAIK" for
    ``istimewa`` are not built in: they need the mapping
    :data:`AGENCY_MAPPING`.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name, (file, sep, headers) in AGENCY.items():
        table = TABLES[name]
        frame = getattr(study, name).copy()
        if headers is None:
            from evalkit.tables import kit_header

            headers = {c.name: kit_header(name, c.name) for c in table.columns}
        for c in table.columns:
            s = frame[c.name]
            if c.dtype == "category":
                labels = s.map(lambda v, k=c.codes: None if pd.isna(v) else _ID.code(k, v))
                if c.name in UPPER_CODES:
                    labels = labels.str.upper()
                if c.name == "rating":
                    labels = labels.str.replace("DI ATAS", "DIATAS").str.replace(
                        "DI BAWAH", "DIBAWAH"
                    )
                if name == "org_rating":
                    labels = labels.replace({"ISTIMEWA": "SANGAT BAIK"})
                frame[c.name] = labels
            elif c.dtype == "date":
                fmt = "%m/%d/%Y" if name == "training" else "%d-%m-%Y"
                frame[c.name] = s.dt.strftime(fmt).where(s.notna(), None)
            elif c.dtype == "period":
                frame[c.name] = _period_text(s)
            elif c.dtype == "float":
                frame[c.name] = s.map(lambda v: "" if pd.isna(v) else f"{v:g}".replace(".", ","))
        frame = frame[list(headers)].rename(columns=headers)
        frame.to_csv(out / file, sep=sep, index=False, encoding="utf-8")
    return out


#: What the agency export needs beyond the built-in headers and spellings.
AGENCY_MAPPING = """\
[tables.employees]
file = "DATA PEGAWAI BKPSDM.csv"

[tables.employees.columns]
"Gol/Ruang" = "grade"

[tables.results]
file = "Realisasi SKP.csv"

[tables.training]
date_format = "%m/%d/%Y"

[tables.org_rating.values.predikat]
"SANGAT BAIK" = "istimewa"
"""

#: Google Forms question of each item, in the order of the regulation's questionnaire
#: (sarana 8th, pengaduan 9th: the codes, not the positions, decide).
QUESTIONS = {
    "u1": "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
    "jenis pelayanannya?",
    "u2": "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "u3": "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "u4": "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "u5": "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
    "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
    "u6": "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "u7": "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
    "kesopanan dan keramahan?",
    "u9": "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
    "u8": "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
}


def _answers(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for item in QUESTIONS:
        scale = SKM_SCALES[item]
        out[item] = frame[item].map(lambda v, s=scale: "" if pd.isna(v) else s[int(v) - 1])
    return pd.DataFrame(out)


def google_forms_export(study, folder: Path, source: Path) -> Path:
    """Copy the CSV folder ``source`` to ``folder`` with its citizen table replaced by a
    Google Forms export ("SKM (Jawaban).csv") and the mapping that reads it."""
    shutil.copytree(source, folder, dirs_exist_ok=True)
    (folder / "citizen.csv").unlink()
    c = study.citizen
    stamp = c["survey_date"].dt.strftime("%d/%m/%Y") + " 10:15:00"
    answers = _answers(c)
    form = pd.DataFrame(
        {
            "Timestamp": stamp,
            "Unit layanan yang Anda kunjungi": c["unit_id"],
            "Kode petugas yang melayani (bila ada)": c["employee_id"].fillna(""),
            "Layanan yang Anda terima": c["service"],
            **{QUESTIONS[u]: answers[u] for u in QUESTIONS},
            "Jenis kelamin": c["respondent_gender"].map(
                lambda v: "" if pd.isna(v) else _ID.code("gender", v)
            ),
            "Umur": c["respondent_age"].astype("string").fillna(""),
            "Pendidikan terakhir": c["respondent_education"].map(
                lambda v: "" if pd.isna(v) else _ID.code("education", v)
            ),
            "Pekerjaan": c["respondent_occupation"].fillna(""),
        }
    )
    form.to_csv(folder / "SKM (Jawaban).csv", index=False, encoding="utf-8")
    lines = [
        "[tables.citizen]",
        'file = "SKM (Jawaban).csv"',
        'period_from = "survey_date"',
        'line_id = "response_id"',
        "",
        "[tables.citizen.columns]",
        '"Timestamp" = "survey_date"',
        '"Unit layanan yang Anda kunjungi" = "unit_id"',
        '"Kode petugas yang melayani (bila ada)" = "employee_id"',
        '"Layanan yang Anda terima" = "service"',
        *(f'"{QUESTIONS[u]}" = "{u}"' for u in QUESTIONS),
        '"Jenis kelamin" = "respondent_gender"',
        '"Umur" = "respondent_age"',
        '"Pendidikan terakhir" = "respondent_education"',
        '"Pekerjaan" = "respondent_occupation"',
    ]
    (folder / "evalkit.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def kobo_export(study, folder: Path, source: Path, excel: bool = False) -> Path:
    """Like :func:`google_forms_export`, as a KoboToolbox ``;``-CSV (or, with ``excel``,
    an XLSX download whose sheet is the form's name) with ``_uuid`` and
    ``_submission_time`` and the item codes as headers."""
    shutil.copytree(source, folder, dirs_exist_ok=True)
    (folder / "citizen.csv").unlink()
    c = study.citizen
    answers = _answers(c)
    form = pd.DataFrame(
        {
            "start": c["survey_date"].dt.strftime("%Y-%m-%dT10:00:00.000+08:00"),
            "unit": c["unit_id"],
            "petugas": c["employee_id"].fillna(""),
            "layanan": c["service"],
            **{u: answers[u] for u in sorted(QUESTIONS)},
            "_id": range(1, len(c) + 1),
            "_uuid": c["response_id"],
            "_submission_time": c["survey_date"].dt.strftime("%Y-%m-%dT10:15:00"),
        }
    )
    if excel:
        form.to_excel(folder / "skm_kobo.xlsx", sheet_name="SKM Tanjung Selor", index=False)
        where = ['file = "skm_kobo.xlsx"', 'sheet = "SKM Tanjung Selor"']
    else:
        form.to_csv(folder / "skm_kobo.csv", sep=";", index=False, encoding="utf-8")
        where = ['file = "skm_kobo.csv"']
    (folder / "evalkit.toml").write_text(
        "\n".join(
            [
                "[tables.citizen]",
                *where,
                'period_from = "survey_date"',
                "",
                "[tables.citizen.columns]",
                '"_submission_time" = "survey_date"',
                '"unit" = "unit_id"',
                '"petugas" = "employee_id"',
                '"start" = ""',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return folder
