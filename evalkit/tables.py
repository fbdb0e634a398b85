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
    "Table",
    "coerce_dtypes",
    "empty_frame",
    "label_to_code",
    "normalise_header",
    "normalise_label",
    "pandera_schema",
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
    )
}


#: pandas dtype of each ``Column.dtype`` in a loaded :class:`evalkit.io.Study` and in
#: :func:`evalkit.simulate`'s tables. Ids, codes, NIPs and periods are strings
#: (NIPs keep their leading digits), optional integers are nullable, dates are
#: ``datetime64[ns]``.
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
    out = df.copy()
    for c in t.columns:
        if c.name not in out.columns:
            out[c.name] = pd.Series(index=out.index, dtype=PANDAS_DTYPES[c.dtype])
        elif c.dtype == "date":
            out[c.name] = pd.to_datetime(out[c.name]).astype("datetime64[ns]")
        elif c.dtype in ("str", "category", "period", "nip"):
            s = out[c.name]
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
        "higher": ("higher_is_better", "higher_better", "naik", "maksimal", "max", "positif"),
        "lower": ("lower_is_better", "lower_better", "turun", "minimal", "min", "negatif"),
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
        "sesuai": ("sesuai_ekspektasi", "meets", "meets_expectation"),
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
        "sangat_baik": ("very_good", "excellent"),
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
