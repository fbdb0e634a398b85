"""The data model: one schema per input table, written once.

A study folder holds one file per table, named after it (``employees.csv``,
``employees.xlsx`` or ``employees.parquet``). Every table is long and tidy; the
canonical category codes are lower-case Indonesian (see ``CODES``), and the
labels shown to people come from :mod:`evalkit.labels`.

This module is the single place where columns, types, keys, allowed values and
ranges are declared. :mod:`evalkit.io` validates input against it,
:mod:`evalkit.simulation` writes data that follow it, and the analysis modules read
the column names from here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BERAKHLAK",
    "CODES",
    "SKM_ITEMS",
    "TABLES",
    "Column",
    "PANDAS_DTYPES",
    "LABEL_CODES",
    "SKM_ANSWER_CODES",
    "SKM_GENERIC_SCALE",
    "SKM_ITEM_NAMES",
    "SKM_SCALES",
    "TABLE_HEADERS",
    "TABLE_NAMES",
    "Table",
    "coerce_dtypes",
    "empty_frame",
    "label_to_code",
    "normalise_header",
    "normalise_label",
    "pandera_schema",
    "kit_header",
    "resolve_header",
    "table_for_name",
]

#: The seven BerAKHLAK core values (SE MenPANRB 20/2021), in their official order.
BERAKHLAK: tuple[str, ...] = (
    "berorientasi_pelayanan",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)

#: The nine SKM unsur of PermenPANRB 14/2017, keyed by code (the code, not the
#: position on a questionnaire, is the key: reference/regulations.md §3).
SKM_ITEMS: tuple[str, ...] = tuple(f"u{i}" for i in range(1, 10))

#: Canonical codes of every categorical column.
CODES: dict[str, tuple[str, ...]] = {
    "sector": ("pendidikan", "kesehatan", "administrasi"),
    "unit_kind": (
        "sekretariat",
        "dinas",
        "badan",
        "inspektorat",
        "rsud",
        "puskesmas",
        "sekolah",
        "kecamatan",
        "kelurahan",
    ),
    "position_type": ("jpt", "administrator", "pengawas", "pelaksana", "fungsional"),
    "employment": ("pns", "pppk"),
    "gender": ("l", "p"),
    "direction": ("higher", "lower"),
    "target_kind": ("kuantitatif", "kualitatif"),
    "result_kind": ("utama", "tambahan"),
    "expectation": ("di_atas", "sesuai", "di_bawah"),
    "rater_role": ("atasan", "rekan", "bawahan", "diri"),
    "value": BERAKHLAK,
    "predikat": ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"),
    "org_predikat": ("istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"),
    "education": ("sd", "smp", "sma", "d1_d3", "d4_s1", "s2", "s3"),
    "course": ("pelayanan_prima", "komunikasi_efektif", "manajemen_waktu"),
    # complaints (Perpres 76/2013 on public-service complaint management; SP4N-LAPOR!)
    "complaint_channel": ("sp4n_lapor", "unit", "forum", "lainnya"),
    "complaint_category": (
        "persyaratan",
        "prosedur",
        "waktu",
        "biaya",
        "perilaku_petugas",
        "sarana",
        "lainnya",
    ),
    "complaint_status": ("terbuka", "diproses", "selesai"),
    # output codes of evalkit.compare.flag_units, declared here so that every table
    # showing these columns (report, scorecards, tables.xlsx) labels them by column name
    "higher_rater": ("supervisors", "citizens", "no_clear_difference"),
    "vs_regency": ("above_typical", "typical", "below_typical"),
}


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    name
        Column name as it appears in the file (after header normalisation:
        lower case, stripped, spaces to underscores).
    dtype
        One of ``"str"``, ``"int"``, ``"float"``, ``"date"``, ``"period"``,
        ``"category"``, ``"nip"``.
    required
        A missing value quarantines the row.
    codes
        For ``dtype="category"``: the key of :data:`CODES` that lists the allowed codes.
    low, high
        Inclusive range for numbers.
    references
        ``"table.column"`` that must contain the value (foreign key).
    """

    name: str
    dtype: str
    required: bool = True
    codes: str | None = None
    low: float | None = None
    high: float | None = None
    references: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One input table: its columns and its key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    optional: bool = False
    periodic: bool = field(default=False)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        """Columns the file must have (a required column missing from the header
        makes the whole input unusable)."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _c(name: str, dtype: str, **kw) -> Column:
    return Column(name, dtype, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "units",
            (
                _c("unit_id", "str", description="stable id of the unit"),
                _c("name", "str", description="official name (OPD, school, puskesmas, …)"),
                _c("kind", "category", codes="unit_kind"),
                _c("sector", "category", codes="sector"),
                _c("parent_unit_id", "str", required=False, references="units.unit_id"),
                _c(
                    "service_population",
                    "int",
                    required=False,
                    low=0,
                    description="people served per year (for the SKM sample size)",
                ),
            ),
            key=("unit_id",),
            description="organisation units: OPD, schools, puskesmas, RSUD, kecamatan",
        ),
        Table(
            "employees",
            (
                _c("employee_id", "str"),
                _c("nip", "nip", description="18-digit NIP (PNS or PPPK layout)"),
                _c("name", "str"),
                _c("unit_id", "str", references="units.unit_id"),
                _c("position", "str", description="jabatan, e.g. Guru Ahli Muda"),
                _c("position_type", "category", codes="position_type"),
                _c("sector", "category", codes="sector"),
                _c("grade", "str", description="golongan: I/a … IV/e for PNS, I … XVII for PPPK"),
                _c("employment", "category", codes="employment"),
                _c("gender", "category", codes="gender"),
                _c("birth_date", "date"),
                _c("start_date", "date", description="TMT CPNS / PPPK"),
                _c("supervisor_id", "str", required=False, references="employees.employee_id"),
                _c(
                    "jf_level",
                    "str",
                    required=False,
                    description="functional level (ahli_pertama, ahli_muda, …) for angka kredit",
                ),
            ),
            key=("employee_id",),
        ),
        Table(
            "indicators",
            (
                _c("indicator_id", "str"),
                _c("sector", "category", codes="sector"),
                _c(
                    "unit_id",
                    "str",
                    required=False,
                    references="units.unit_id",
                    description="unit that owns the indicator; empty = sector catalogue",
                ),
                _c("name", "str"),
                _c("unit_of_measure", "str", required=False),
                _c("direction", "category", codes="direction", required=False),
                _c("target_kind", "category", codes="target_kind", required=False),
            ),
            key=("indicator_id",),
            description="catalogue of performance indicators (IKI)",
        ),
        Table(
            "results",
            (
                _c("period", "period"),
                _c("employee_id", "str", references="employees.employee_id"),
                _c("indicator_id", "str", references="indicators.indicator_id"),
                _c("kind", "category", codes="result_kind"),
                _c("target", "float", required=False, low=0),
                _c("realization", "float", required=False, low=0),
                _c(
                    "rating",
                    "category",
                    codes="expectation",
                    required=False,
                    description="the supervisor's judgement of this result, when exported",
                ),
            ),
            key=("period", "employee_id", "indicator_id"),
            periodic=True,
            description="SKP results per employee, indicator and period",
        ),
        Table(
            "behaviour",
            (
                _c("period", "period"),
                _c("employee_id", "str", references="employees.employee_id"),
                _c("rater_id", "str", references="employees.employee_id"),
                _c("rater_role", "category", codes="rater_role"),
                _c("value", "category", codes="value"),
                _c("score", "int", low=1, high=5),
            ),
            key=("period", "employee_id", "rater_id", "value"),
            periodic=True,
            description="one 360° rating of one BerAKHLAK value",
        ),
        Table(
            "citizen",
            (
                _c("period", "period"),
                _c("response_id", "str"),
                _c("unit_id", "str", references="units.unit_id"),
                _c(
                    "employee_id",
                    "str",
                    required=False,
                    references="employees.employee_id",
                    description="named officer the citizen rated, if any",
                ),
                _c("service", "str"),
                *(_c(u, "int", required=False, low=1, high=4) for u in SKM_ITEMS),
                _c("respondent_gender", "category", codes="gender", required=False),
                _c("respondent_age", "int", required=False, low=15, high=100),
                _c("respondent_education", "category", codes="education", required=False),
                _c("respondent_occupation", "str", required=False),
                _c("survey_date", "date", required=False),
            ),
            key=("period", "response_id"),
            periodic=True,
            description="one SKM questionnaire (PermenPANRB 14/2017), answers 1–4",
        ),
        Table(
            "training",
            (
                _c("employee_id", "str", references="employees.employee_id"),
                _c("course", "category", codes="course"),
                _c("start_date", "date"),
                _c("end_date", "date"),
                _c("hours", "float", low=0, high=2000),
            ),
            key=("employee_id", "course", "start_date"),
            description="one training attendance",
            optional=True,
        ),
        Table(
            "org_rating",
            (
                _c("period", "period"),
                _c("unit_id", "str", references="units.unit_id"),
                _c("predikat", "category", codes="org_predikat"),
            ),
            key=("period", "unit_id"),
            periodic=True,
            description="the unit's organisational predikat per period",
        ),
        Table(
            "complaints",
            (
                _c("complaint_id", "str"),
                _c("unit_id", "str", references="units.unit_id"),
                _c(
                    "employee_id",
                    "str",
                    required=False,
                    references="employees.employee_id",
                    description="officer named in the complaint, if any (restricted use only)",
                ),
                _c("received_date", "date"),
                _c(
                    "closed_date",
                    "date",
                    required=False,
                    description="when the complaint was settled; empty while it is open",
                ),
                _c("channel", "category", codes="complaint_channel"),
                _c("category", "category", codes="complaint_category"),
                _c("status", "category", codes="complaint_status"),
            ),
            key=("complaint_id",),
            description="one citizen complaint (SP4N-LAPOR!, the unit's own channel, a forum)",
            optional=True,
        ),
        Table(
            "teaching",
            (
                _c("period", "period"),
                _c("employee_id", "str", references="employees.employee_id"),
                _c("unit_id", "str", references="units.unit_id", description="the school"),
                _c(
                    "observation",
                    "float",
                    low=0,
                    high=100,
                    description="class-management observation by the principal (rubric, 0–100)",
                ),
                _c(
                    "achievement",
                    "float",
                    low=0,
                    high=100,
                    description="mean achievement of the teacher's pupils (0–100)",
                ),
                _c("pupils", "int", required=False, low=0, description="pupils assessed"),
            ),
            key=("period", "employee_id"),
            periodic=True,
            description="a teacher's class observation and pupils' achievement per period",
            optional=True,
        ),
    )
}


#: pandas dtype of each ``Column.dtype`` in a loaded :class:`evalkit.io.Study` and in
#: :func:`evalkit.simulate`'s tables. Ids, codes, NIPs and periods are strings
#: (NIPs keep their leading digits), optional integers are nullable, dates are
#: ``datetime64[ns]``.
#: The eight tables of the first data model, which the period study's core analyses read
#: (scoring, reliability, citizens versus supervisors, training, trend); the optional tables
#: added since (``complaints``, ``teaching``) feed only their own sections.
CORE_TABLES: tuple[str, ...] = (
    "units",
    "employees",
    "indicators",
    "results",
    "behaviour",
    "citizen",
    "training",
    "org_rating",
)

#: The pandas dtype of each model dtype. Text columns of a file large enough to be read in
#: blocks (:data:`evalkit.io.text.LARGE_BYTES`) are categorical instead, their categories
#: the same text in sorted order: equal values, sorting and grouping, a fraction of the
#: memory (:func:`coerce_dtypes` keeps them).
PANDAS_DTYPES: dict[str, str] = {
    "str": "str",
    "category": "str",
    "period": "str",
    "nip": "str",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[ns]",
}


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of ``table``."""
    import pandas as pd

    t = TABLES[table]
    return pd.DataFrame({c.name: pd.Series(dtype=PANDAS_DTYPES[c.dtype]) for c in t.columns})


def coerce_dtypes(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``df`` with the model's columns cast to :data:`PANDAS_DTYPES`
    (columns not in the model are kept as they are, after the model's columns)."""
    import pandas as pd

    t = TABLES[table]
    out = df.copy(deep=False)  # copy-on-write: the columns assigned below are new ones
    for c in t.columns:
        if c.name not in out.columns:
            out[c.name] = pd.Series(index=out.index, dtype=PANDAS_DTYPES[c.dtype])
        elif c.dtype == "date":
            out[c.name] = pd.to_datetime(out[c.name]).astype("datetime64[ns]")
        elif c.dtype in ("str", "category", "period", "nip"):
            s = out[c.name]
            if isinstance(s.dtype, pd.CategoricalDtype):
                continue  # a large file's text, read as categories (evalkit.io.text)
            out[c.name] = s.astype("str").where(s.notna(), None)
        else:
            out[c.name] = out[c.name].astype(PANDAS_DTYPES[c.dtype])
    extra = [c for c in out.columns if c not in t.column_names]
    return out[t.column_names + extra]


# --------------------------------------------------------------------------------------
# Labels used in practice → canonical codes
# --------------------------------------------------------------------------------------


def normalise_label(label: str) -> str:
    """Fold a category label or a column header to its comparable form.

    Accents are removed, letters lower-cased, and every run of characters other
    than letters and digits becomes one underscore (trimmed at both ends), so that
    ``"Di Atas Ekspektasi"``, ``" DI-ATAS "`` and ``"di_atas"`` compare by
    ``"di_atas_ekspektasi"`` / ``"di_atas"``. A byte-order mark is not part of a name.

    Examples
    --------
    >>> normalise_label("  Laki-laki ")
    'laki_laki'
    >>> normalise_label("\\ufeffEmployee ID")
    'employee_id'
    """
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "_", text.casefold()).strip("_")


#: Labels seen in real exports for each key of :data:`CODES`, already in the
#: :func:`normalise_label` form, mapped to the canonical code. Every code also maps to
#: itself (added below), so only the other spellings are listed here.
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sector": {
        "pendidikan": ("education", "pend", "dikbud"),
        "kesehatan": ("health", "kes"),
        "administrasi": ("administration", "administrasi_umum", "umum", "adm"),
    },
    "unit_kind": {
        "sekretariat": ("setda", "sekretariat_daerah", "sekretariat_dprd", "setwan"),
        "rsud": ("rsd", "rumah_sakit", "rumah_sakit_umum_daerah", "hospital"),
        "puskesmas": ("uptd_puskesmas", "pkm"),
        "sekolah": ("school", "sd", "smp", "sdn", "smpn"),
    },
    "position_type": {
        "jpt": ("jpt_pratama", "jpt_madya", "jpt_utama", "jabatan_pimpinan_tinggi", "eselon_ii"),
        "administrator": ("jabatan_administrator", "eselon_iii"),
        "pengawas": ("jabatan_pengawas", "eselon_iv"),
        "pelaksana": ("jabatan_pelaksana", "jfu", "fungsional_umum"),
        "fungsional": ("jabatan_fungsional", "jf", "jft", "fungsional_tertentu"),
    },
    "employment": {
        "pns": ("cpns", "pegawai_negeri_sipil"),
        "pppk": ("p3k", "pegawai_pemerintah_dengan_perjanjian_kerja"),
    },
    "gender": {
        "l": ("laki_laki", "lakilaki", "laki", "pria", "male", "m", "1"),
        "p": ("perempuan", "wanita", "female", "f", "2"),
    },
    "direction": {
        "higher": (
            "higher_is_better",
            "higher_better",
            "naik",
            "maksimal",
            "max",
            "positif",
            "makin_tinggi_makin_baik",
            "semakin_tinggi_semakin_baik",
        ),
        "lower": (
            "lower_is_better",
            "lower_better",
            "turun",
            "minimal",
            "min",
            "negatif",
            "makin_rendah_makin_baik",
            "semakin_rendah_semakin_baik",
        ),
    },
    "target_kind": {
        "kuantitatif": ("quantitative", "kuantitas"),
        "kualitatif": ("qualitative", "kualitas"),
    },
    "result_kind": {
        "utama": ("rhk_utama", "main", "hasil_kerja_utama"),
        "tambahan": ("rhk_tambahan", "additional", "hasil_kerja_tambahan"),
    },
    "expectation": {
        "di_atas": (
            "di_atas_ekspektasi",
            "diatas",
            "diatas_ekspektasi",
            "above",
            "above_expectation",
        ),
        "sesuai": ("sesuai_ekspektasi", "meets", "meets_expectation", "as_expected"),
        "di_bawah": (
            "di_bawah_ekspektasi",
            "dibawah",
            "dibawah_ekspektasi",
            "below",
            "below_expectation",
        ),
    },
    "rater_role": {
        "atasan": ("atasan_langsung", "pejabat_penilai", "supervisor", "pimpinan"),
        "rekan": ("rekan_kerja", "rekan_sejawat", "sejawat", "peer", "peers", "colleague"),
        "bawahan": ("subordinate", "staf"),
        "diri": ("diri_sendiri", "self", "sendiri", "penilaian_diri"),
    },
    "value": {
        "berorientasi_pelayanan": ("orientasi_pelayanan", "pelayanan", "service_orientation"),
        "akuntabel": ("accountable",),
        "kompeten": ("competent",),
        "harmonis": ("harmonious",),
        "loyal": (),
        "adaptif": ("adaptive",),
        "kolaboratif": ("collaborative",),
    },
    "predikat": {
        "sangat_baik": ("very_good", "excellent", "sangat_baik_istimewa"),
        "baik": ("good",),
        "butuh_perbaikan": ("perlu_perbaikan", "cukup", "needs_improvement"),
        "kurang": ("kurang_misconduct", "misconduct", "poor"),
        "sangat_kurang": ("very_poor",),
    },
    "org_predikat": {
        "istimewa": ("outstanding",),
        "baik": ("good",),
        "butuh_perbaikan": ("perlu_perbaikan", "cukup", "needs_improvement"),
        "kurang": ("poor",),
        "sangat_kurang": ("very_poor",),
    },
    "education": {
        "sd": ("sekolah_dasar", "primary"),
        "smp": ("sltp", "mts", "sekolah_menengah_pertama"),
        "sma": ("slta", "smk", "ma", "sekolah_menengah_atas"),
        "d1_d3": ("d1", "d2", "d3", "diploma", "diii"),
        "d4_s1": ("d4", "s1", "div", "sarjana"),
        "s2": ("magister", "master"),
        "s3": ("doktor", "doctor"),
    },
    "course": {
        "pelayanan_prima": ("service_excellence",),
        "komunikasi_efektif": ("effective_communication",),
        "manajemen_waktu": ("time_management",),
    },
    "complaint_channel": {
        "sp4n_lapor": ("lapor", "sp4n", "lapor_go_id", "span_lapor"),
        "unit": (
            "saluran_unit",
            "langsung",
            "kotak_saran",
            "loket",
            "unit_channel",
            "unit_s_own_channel",
            "direct",
        ),
        "forum": ("forum_warga", "forum_konsultasi_publik", "musrenbang", "citizens_forum"),
        "lainnya": ("other", "lain_lain", "media_sosial"),
    },
    "complaint_category": {
        "persyaratan": ("requirements",),
        "prosedur": ("procedure", "mekanisme"),
        "waktu": ("time", "waktu_pelayanan", "service_time", "lambat"),
        "biaya": ("cost", "tarif", "pungli"),
        "perilaku_petugas": ("staff_conduct", "perilaku", "petugas"),
        "sarana": ("facilities", "sarana_prasarana", "sarana_dan_prasarana"),
        "lainnya": ("other", "lain_lain"),
    },
    "complaint_status": {
        "terbuka": ("open", "baru", "belum_ditindaklanjuti", "diterima"),
        "diproses": ("in_progress", "proses", "sedang_diproses", "ditindaklanjuti"),
        "selesai": ("closed", "settled", "done", "resolved", "tuntas", "ditutup"),
    },
}


def _build_label_codes() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, codes in CODES.items():
        table = {code: code for code in codes}
        for code, aliases in _ALIASES.get(key, {}).items():
            if code not in codes:  # pragma: no cover - guarded by a test
                raise ValueError(f"alias target {code!r} is not a code of {key!r}")
            for alias in aliases:
                table[alias] = code
        out[key] = table
    return out


#: For each key of :data:`CODES`: normalised label (see :func:`normalise_label`) → code.
#: ``LABEL_CODES["expectation"]["di_atas_ekspektasi"] == "di_atas"``.
LABEL_CODES: dict[str, dict[str, str]] = _build_label_codes()


def label_to_code(label: object, codes: str) -> str | None:
    """The canonical code of ``label`` among ``CODES[codes]``, or ``None`` if unknown.

    Examples
    --------
    >>> label_to_code("Di Atas Ekspektasi", "expectation")
    'di_atas'
    >>> label_to_code("Cukup", "org_predikat")
    'butuh_perbaikan'
    >>> label_to_code("Rekan Kerja", "rater_role")
    'rekan'
    """
    return LABEL_CODES[codes].get(normalise_label(str(label)))


def normalise_header(name: object) -> str:
    """A column header as the data model names it: :func:`normalise_label` of the text.

    ``" Employee ID"`` → ``"employee_id"``, ``"Unit-Of-Measure"`` → ``"unit_of_measure"``.
    """
    return normalise_label("" if name is None else str(name))


# --------------------------------------------------------------------------------------
# Headers and file names used in practice → model columns and tables
# --------------------------------------------------------------------------------------

#: Other names of each table, for file and sheet names (``pegawai.csv``, a workbook sheet
#: "Pegawai"), in the :func:`normalise_label` form. The first is the sheet name of the
#: Excel collection kit (:mod:`evalkit.kit`).
TABLE_NAMES: dict[str, tuple[str, ...]] = {
    "units": ("unit_kerja", "unit", "opd", "satuan_kerja", "perangkat_daerah"),
    "employees": ("pegawai", "data_pegawai", "asn", "daftar_pegawai"),
    "indicators": ("indikator", "indikator_kinerja", "iki"),
    "results": ("hasil_kerja", "skp", "realisasi_skp", "capaian_kinerja"),
    "behaviour": ("perilaku_kerja", "perilaku", "penilaian_perilaku", "penilaian_360"),
    "citizen": ("skm", "survei_kepuasan_masyarakat", "survei_skm", "kuesioner_skm"),
    "training": ("pelatihan", "diklat", "pengembangan_kompetensi"),
    "org_rating": ("predikat_unit", "predikat_organisasi", "kinerja_organisasi"),
    "complaints": ("pengaduan", "pengaduan_masyarakat", "aduan", "laporan_pengaduan"),
    "teaching": ("observasi_kelas", "supervisi_akademik", "observasi_guru"),
}

#: Headers of columns that several tables share, declared once: column →
#: (the header the Excel kit writes, other usual headers in :func:`normalise_label` form).
#: A table may override a column in :data:`_TABLE_HEADERS` (``name`` of a unit is not
#: ``name`` of an employee).
_COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    "period": ("Periode", "periode_penilaian", "triwulan", "periode_skp", "periode_survei"),
    "unit_id": (
        "Kode Unit Kerja",
        "unit_kerja",
        "unit",
        "id_unit",
        "kode_unit",
        "kode_opd",
        "opd",
        "satuan_kerja",
        "kode_satuan_kerja",
        "satker",
        "kode_satker",
        "perangkat_daerah",
    ),
    "employee_id": ("ID Pegawai", "kode_pegawai", "id_asn", "no_pegawai"),
    "indicator_id": ("Kode Indikator", "id_indikator", "kode_iki"),
    "sector": ("Sektor", "bidang", "rumpun", "sektor_layanan"),
}

#: Per table: column → (the kit's header, other usual headers); see :data:`_COMMON_HEADERS`.
_TABLE_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "name": ("Nama Unit Kerja", "nama_unit", "nama_opd", "nama_satker", "nama"),
        "kind": ("Jenis Unit", "jenis_unit_kerja", "jenis_opd", "jenis"),
        "parent_unit_id": ("Kode Unit Induk", "unit_induk", "induk", "kode_induk"),
        "service_population": (
            "Jumlah Pengguna Layanan per Tahun",
            "jumlah_pengguna_layanan",
            "populasi_layanan",
            "populasi",
        ),
    },
    "employees": {
        "nip": ("NIP", "nip_baru", "nomor_induk_pegawai", "nip_pegawai"),
        "name": ("Nama", "nama_pegawai", "nama_lengkap", "nama_asn"),
        "position": ("Jabatan", "nama_jabatan"),
        "position_type": ("Jenis Jabatan", "kelompok_jabatan", "jenis_jabatan_asn"),
        "grade": ("Golongan", "gol", "golongan_ruang", "pangkat_golongan", "pangkat_gol_ruang"),
        "employment": ("Status Kepegawaian", "status_asn", "status_pegawai", "jenis_pegawai"),
        "gender": ("Jenis Kelamin", "jk", "kelamin", "l_p"),
        "birth_date": ("Tanggal Lahir", "tgl_lahir", "tgl_lhr"),
        "start_date": ("TMT CPNS/PPPK", "tmt", "tmt_cpns", "tmt_pppk", "tmt_pengangkatan"),
        "supervisor_id": ("ID Atasan", "id_atasan_langsung", "id_pejabat_penilai", "atasan_id"),
        "jf_level": ("Jenjang Jabatan Fungsional", "jenjang_jf", "jenjang"),
    },
    "indicators": {
        "name": ("Nama Indikator", "indikator", "uraian_indikator", "indikator_kinerja", "nama"),
        "unit_id": ("Kode Unit Pemilik", "unit_kerja", "kode_unit", "kode_opd", "opd"),
        "unit_of_measure": ("Satuan", "satuan_ukur", "satuan_indikator"),
        "direction": ("Arah Indikator", "arah", "polaritas"),
        "target_kind": ("Jenis Target", "jenis_target", "pendekatan"),
    },
    "results": {
        "kind": ("Jenis Hasil Kerja", "jenis_rhk", "jenis_hasil", "jenis"),
        "target": ("Target", "target_kinerja"),
        "realization": ("Realisasi", "capaian", "realisasi_kinerja"),
        "rating": ("Rating Hasil Kerja", "rating", "rating_hasil", "penilaian_atasan"),
    },
    "behaviour": {
        "rater_id": ("ID Penilai", "id_pegawai_penilai", "kode_penilai"),
        "rater_role": ("Peran Penilai", "peran", "hubungan_penilai", "peran_penilai_360"),
        "value": ("Nilai BerAKHLAK", "nilai_dasar", "aspek_perilaku", "core_value", "berakhlak"),
        "score": ("Skor", "skor_perilaku", "skor_penilaian"),
    },
    "citizen": {
        "response_id": ("ID Responden", "no_responden", "nomor_responden", "id_kuesioner", "uuid"),
        "employee_id": ("ID Petugas yang Dinilai", "id_petugas", "kode_petugas", "id_pegawai"),
        "service": ("Jenis Layanan", "layanan", "jenis_pelayanan", "nama_layanan"),
        "u1": ("U1 Persyaratan", "persyaratan"),
        "u2": ("U2 Sistem, Mekanisme dan Prosedur", "prosedur", "sistem_mekanisme_dan_prosedur"),
        "u3": ("U3 Waktu Penyelesaian", "waktu_penyelesaian", "waktu"),
        "u4": ("U4 Biaya/Tarif", "biaya", "tarif", "biaya_tarif"),
        "u5": ("U5 Produk Spesifikasi Jenis Pelayanan", "produk", "produk_layanan"),
        "u6": ("U6 Kompetensi Pelaksana", "kompetensi_pelaksana", "kompetensi"),
        "u7": ("U7 Perilaku Pelaksana", "perilaku_pelaksana"),
        "u8": (
            "U8 Penanganan Pengaduan, Saran dan Masukan",
            "penanganan_pengaduan",
            "pengaduan",
            "penanganan_pengaduan_saran_masukan",
        ),
        "u9": ("U9 Sarana dan Prasarana", "sarana_prasarana", "sarana"),
        "respondent_gender": ("Jenis Kelamin Responden", "jenis_kelamin", "jk"),
        "respondent_age": ("Umur Responden", "umur", "usia"),
        "respondent_education": ("Pendidikan Responden", "pendidikan", "pendidikan_terakhir"),
        "respondent_occupation": ("Pekerjaan Responden", "pekerjaan", "pekerjaan_utama"),
        "survey_date": ("Tanggal Survei", "tanggal_pengisian", "tgl_survei", "tanggal"),
    },
    "training": {
        "course": ("Pelatihan", "nama_pelatihan", "jenis_pelatihan", "diklat"),
        "start_date": ("Tanggal Mulai", "tgl_mulai", "mulai"),
        "end_date": ("Tanggal Selesai", "tgl_selesai", "selesai"),
        "hours": ("Jam Pelajaran", "jp", "jumlah_jp", "jumlah_jam_pelajaran", "jam"),
    },
    "org_rating": {
        "predikat": (
            "Predikat Kinerja Organisasi",
            "predikat_kinerja",
            "predikat",
            "predikat_organisasi",
            "predikat_unit",
        ),
    },
    "complaints": {
        "complaint_id": (
            "ID Pengaduan",
            "nomor_pengaduan",
            "no_pengaduan",
            "id_laporan",
            "nomor_tiket",
            "tracking_id",
        ),
        "employee_id": ("ID Petugas yang Diadukan", "id_petugas", "kode_petugas", "petugas"),
        "received_date": (
            "Tanggal Diterima",
            "tanggal_pengaduan",
            "tgl_pengaduan",
            "tanggal_laporan",
            "tgl_diterima",
        ),
        "closed_date": (
            "Tanggal Selesai",
            "tgl_selesai",
            "tanggal_penyelesaian",
            "tanggal_ditutup",
        ),
        "channel": ("Saluran Pengaduan", "saluran", "kanal", "media_pengaduan"),
        "category": ("Kategori Pengaduan", "kategori", "jenis_pengaduan", "klasifikasi"),
        "status": ("Status Pengaduan", "status_laporan", "status_tindak_lanjut"),
    },
    "teaching": {
        "employee_id": ("ID Guru", "kode_guru", "id_pegawai"),
        "unit_id": ("Kode Sekolah", "sekolah", "kode_sekolah", "npsn"),
        "observation": (
            "Nilai Observasi Kelas",
            "observasi_kelas",
            "nilai_observasi",
            "nilai_supervisi",
        ),
        "achievement": (
            "Rata-rata Capaian Murid",
            "capaian_murid",
            "rata_rata_nilai_murid",
            "hasil_belajar",
        ),
        "pupils": ("Jumlah Murid", "jumlah_siswa", "jumlah_murid"),
    },
}


def _build_headers() -> dict[str, dict[str, str]]:
    """Per table: normalised header → model column (the model's own names included).

    Raises
    ------
    ValueError
        When one header would name two columns of a table (the message names both).
    """
    out: dict[str, dict[str, str]] = {}
    for name, table in TABLES.items():
        found: dict[str, str] = {}

        def add(header: str, column: str, _found=found, _name=name) -> None:
            key = normalise_label(header)
            other = _found.get(key)
            if other is not None and other != column:
                raise ValueError(
                    f"table {_name!r}: header {key!r} would name both {other!r} and {column!r}"
                )
            _found[key] = column

        for c in table.columns:
            add(c.name, c.name)
        for c in table.columns:
            headers = _TABLE_HEADERS.get(name, {}).get(c.name) or _COMMON_HEADERS.get(c.name, ())
            for h in headers:
                add(h, c.name)
        out[name] = found
    return out


#: Per table: header in the :func:`normalise_label` form → model column. Holds every
#: model column's own name, the Indonesian headers of :data:`_TABLE_HEADERS` and
#: :data:`_COMMON_HEADERS` (a new table gets the shared ones for free), and the
#: English spellings (``"Employee ID"`` normalises to ``employee_id``).
TABLE_HEADERS: dict[str, dict[str, str]] = _build_headers()


def kit_header(table: str, column: str, language: str = "id") -> str:
    """The header the Excel collection kit writes for ``table.column``.

    Indonesian: the first header declared for the column (e.g. ``"Tanggal Lahir"``);
    English: the model's name (``"birth_date"``). Either reads back as that column.
    """
    if language == "en":
        return column
    headers = _TABLE_HEADERS.get(table, {}).get(column) or _COMMON_HEADERS.get(column)
    return headers[0] if headers else column


def resolve_header(table: str, header: object) -> str | None:
    """The model column that a header names in ``table``, or ``None``.

    Examples
    --------
    >>> resolve_header("employees", "Tanggal Lahir")
    'birth_date'
    >>> resolve_header("results", "Rating Hasil Kerja")
    'rating'
    >>> resolve_header("employees", "Hobi") is None
    True
    """
    return TABLE_HEADERS[table].get(normalise_header(header))


def table_for_name(name: object) -> str | None:
    """The table that a file or sheet name stands for (``"Pegawai"`` → ``"employees"``),
    or ``None``.

    Examples
    --------
    >>> table_for_name("Hasil Kerja")
    'results'
    >>> table_for_name("employees")
    'employees'
    """
    key = normalise_header(name)
    if key in TABLES:
        return key
    for table, names in TABLE_NAMES.items():
        if key in names:
            return table
    return None


# --------------------------------------------------------------------------------------
# SKM answers (PermenPANRB 14/2017)
# --------------------------------------------------------------------------------------

#: The name of each SKM unsur (PermenPANRB 14/2017; reference/regulations.md §3).
SKM_ITEM_NAMES: dict[str, str] = {
    "u1": "Persyaratan",
    "u2": "Sistem, mekanisme dan prosedur",
    "u3": "Waktu penyelesaian",
    "u4": "Biaya/tarif",
    "u5": "Produk spesifikasi jenis pelayanan",
    "u6": "Kompetensi pelaksana",
    "u7": "Perilaku pelaksana",
    "u8": "Penanganan pengaduan, saran dan masukan",
    "u9": "Sarana dan prasarana",
}

#: The answers of each SKM unsur, from 1 to 4, as the questionnaire in the annex of
#: PermenPANRB 14/2017 words them. Persyaratan, biaya and sarana are confirmed in
#: reference/regulations.md §3 [S31]; the wording of the other items follows the same
#: questionnaire and is UNCONFIRMED there. Items are keyed by code, never by position
#: (questionnaires disagree on whether sarana or pengaduan comes 8th).
SKM_SCALES: dict[str, tuple[str, str, str, str]] = {
    "u1": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "u2": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    "u3": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    "u4": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    "u5": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "u6": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    "u7": (
        "Tidak sopan dan ramah",
        "Kurang sopan dan ramah",
        "Sopan dan ramah",
        "Sangat sopan dan ramah",
    ),
    "u8": (
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    ),
    "u9": ("Buruk", "Cukup", "Baik", "Sangat baik"),
}

#: The generic scale many questionnaires use for every item.
SKM_GENERIC_SCALE: tuple[str, str, str, str] = (
    "Tidak sesuai",
    "Kurang sesuai",
    "Sesuai",
    "Sangat sesuai",
)


def _build_skm_answers() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for item, scale in SKM_SCALES.items():
        table: dict[str, int] = {}
        for answers in (SKM_GENERIC_SCALE, scale):
            for value, text in enumerate(answers, start=1):
                key = normalise_label(text)
                if table.get(key, value) != value:  # pragma: no cover - guarded by a test
                    raise ValueError(f"{item}: answer {text!r} has two values")
                table[key] = value
        out[item] = table
    return out


#: For each SKM item: normalised answer text → 1..4 (the item's own scale and the
#: generic "Tidak sesuai … Sangat sesuai").
SKM_ANSWER_CODES: dict[str, dict[str, int]] = _build_skm_answers()


@functools.cache
def pandera_schema(table: str):
    """A :class:`pandera.pandas.DataFrameSchema` of ``table``'s checks.

    One ``Column`` per model column with: ``nullable=False`` for required columns,
    ``isin`` the allowed codes for categories, ``in_range`` / ``ge`` / ``le`` for the
    declared ``low`` / ``high``. Dtypes are not checked here (the loader casts to
    :data:`PANDAS_DTYPES` itself); columns absent from a frame are not required, so the
    schema also validates a subset of the columns.

    Examples
    --------
    >>> import pandas as pd
    >>> schema = pandera_schema("org_rating")
    >>> schema.validate(pd.DataFrame({"period": ["2025Q1"], "unit_id": ["U1"],
    ...                               "predikat": ["baik"]})).shape
    (1, 3)
    """
    import pandera.pandas as pa

    t = TABLES[table]
    columns = {}
    for c in t.columns:
        checks = []
        if c.codes is not None:
            checks.append(pa.Check.isin(list(CODES[c.codes])))
        if c.low is not None and c.high is not None:
            checks.append(pa.Check.in_range(c.low, c.high))
        elif c.low is not None:
            checks.append(pa.Check.ge(c.low))
        elif c.high is not None:
            checks.append(pa.Check.le(c.high))
        columns[c.name] = pa.Column(
            checks=checks, nullable=not c.required, required=False, name=c.name
        )
    return pa.DataFrameSchema(columns, name=table, strict=False)
