"""A synthetic Tanjung Selor data set with planted truth.

:func:`simulate` invents the civil servants (ASN) of Kabupaten Bulungan's organisation
units, their SKP results, 360° BerAKHLAK behaviour ratings, citizen SKM responses,
training attendance and the units' organisational predikat, following the data model
of :mod:`evalkit.tables`. The people are invented; unit names are real OPD and place
names of the regency. Because the generating model is known, the analysis can be
checked against it: ``truth`` (and ``truth.json``) records what was planted.

The planted model
-----------------
Scores are built on a latent scale in points of the 1–5 behaviour scale. Employee *i* of
unit *u* has a persistent true level ``θ_i = a_u + η_i``: unit quality ``a_u`` normal
with SD 0.20 truncated at ±2 SD, individual level ``η_i`` a normal truncated so that
``θ_i`` stays within the bounds below, its scale chosen per unit so that the variance of
``η`` within every unit is 0.20. Quarter ``t = 0, 1, …, T − 1`` adds a common time trend
``γ t`` (``time_trend``, default 0.05 a quarter) to true performance, which every source
sees.

Behaviour: a rater *r* in role ρ (atasan, rekan, bawahan, diri) rates value *v* of
ratee *i* in quarter *t* with mean ``M`` and noise ``N``::

    M = μ + θ_i + γ (t − (T − 1)/2) + δ_v + λ_r,ρ  [+ τ · D_it   for ρ = atasan]
    N = h_ri + g_rit + e_rivt

``μ`` = 3.5 (:data:`SUPERVISOR_LEVEL`, the level in the middle of the window), ``δ_v`` a
small value effect (0 for the aligned values berorientasi_pelayanan and kompeten,
−0.10 … +0.20), ``λ`` the rater's leniency in that role (role means 0, +0.05, +0.10,
+0.20 for atasan, rekan, bawahan, diri; rater SD 0.10, 0.15, 0.15, 0.25 before truncation
at ±2 SD), ``τ`` the training effect and ``D_it`` = 1 from the quarter after the first
course; ``h`` a persistent rater–ratee impression, ``g`` a per-quarter halo shared by
the seven values and ``e`` value-level noise, all normal with role-specific variances
(:data:`ROLE_PARAMS`) scaled by a unit noise multiplier ``m_u`` (log-normal, SD 0.7 on
the log scale), so that the single-rater reliability of a value score is about .50 for
supervisors, .37 for peers and .30 for subordinates (Conway & Huffcutt 1997) and varies
between units. The noise is independent between employees (no shock is shared by a unit
or a supervisor in a quarter). The observed score is ``floor(y + U)`` with ``y =
clip(M, 1, 5) + clip(N, -d, d)``, ``d`` the distance from ``clip(M, 1, 5)`` to the
nearer scale end and ``U`` uniform on [0, 1): symmetric noise clipped symmetrically keeps
its zero mean and stochastic rounding keeps the mean, so ``E[score | M] = clip(M, 1, 5)``.

The supervisor's ``M`` never leaves [1, 5]: the bounds on ``θ`` (:func:`_theta_bounds`,
truth ``theta_bounds``) leave room for the extreme leniency and value effect and for
the trend at both ends of the window, and only employees with room for ``τ`` are sent to
training (truth ``theta_training_range``). So ``E[score] = M`` exactly and the
supervisor score is additive in the employee's level, the quarter and the treatment:
parallel trends hold exactly in expectation, and a two-way fixed-effects DiD on the
noise-free scores gives ``τ`` (recorded as ``training_twfe_estimand``). A clipped ``M``
would not do: an employee at the ceiling gains less from the trend, and as the trained
are selected from the lower levels, DiD would overstate the effect (by about 0.002 points
at the former level of clipping, 1.4 % of supervisor ratings). :func:`simulate` refuses a
trend over the window or an effect that leaves too little room.
Supervisors rate every quarter; peers, up to three subordinates and the employee herself
rate in the second and fourth quarter (a semester 360°).

Citizens: an SKM response in unit *u*, quarter *t*, answers item *k* the same way on the
1–4 scale with mean ``ν_k + ¾ (a_u + γ t) + b_u,k`` (``b = 0`` for u6 and u7) plus, for
u6 (kompetensi pelaksana) and u7 (perilaku pelaksana), ``¾ η_o`` of the officer *o* who
served the citizen, ``s`` and, in divergent units, ``c_div``, and noise shared by the
response plus item noise. A share of the responses for the unit's main service names the
officer (front-line staff: teachers, nurses, midwives, doctors, counter staff) in
``employee_id``; an unnamed response was served by any of the unit's staff. The factor ¾
maps a point on the 1–5 scale to a point on the 1–4 scale with the same percent of
maximum possible (POMP = (x − min) / (max − min) × 100).

Calibration: two constants are solved numerically on the expected answers
(``clip(·, 1, 4)``) so that the planted truths hold exactly in this data set: the shift
``s`` of u6 and u7 so that, over units with citizen responses that are not divergent,
the mean of the unit gaps (expected supervisor POMP of the aligned values minus expected
citizen POMP of u6 and u7) equals ``source_offset_pomp``; ``c_div`` so that it lowers the
expected citizen POMP of u6 and u7 in divergent units by ``divergent_gap_pomp`` (pooled
over their answers): in those units citizens see the officers' competence and behaviour
well below what the supervisors rate. The supervisor side needs no calibration: with
nothing clipped, ``τ`` is the average effect on the treated (ATT) in points of the mean
supervisor behaviour score. (Divergence is planted on the citizen side because a
supervisor inflation of 20 POMP, 0.8 points, on top of the trend and the effect would
not fit under 5 for the better employees of those units.)

Training: the probability of ever being trained falls with ``θ_i`` (selection on the
persistent level, never on transitory shocks), and is 0 for the employees without room
for the effect; a trained employee finishes a first course in a quarter drawn uniformly
over the window and is treated from the following quarter on (staggered adoption; those
who finish in the last quarter are not yet treated). Further courses add nothing. The
effect is planted in supervisor ratings only. A naive before/after comparison of the
trained is biased upward by the time trend, a naive trained/untrained comparison
downward by the selection; a difference-in-differences with employee and quarter effects
recovers ``training_effect``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import _simdata as sd
from . import _simextra as _sx
from ._names import person_names
from .io import Study
from .tables import BERAKHLAK, CODES, SKM_ITEMS, TABLES, coerce_dtypes

__all__ = ["DEFAULT_SEED", "SimulatedStudy", "simulate"]

#: The seed of the shipped data set (6502 is BPS's code for Kabupaten Bulungan).
DEFAULT_SEED = 6502

ROLES = CODES["rater_role"]  # atasan, rekan, bawahan, diri
ALIGNED_VALUES = ("berorientasi_pelayanan", "kompeten")
ALIGNED_ITEMS = ("u6", "u7")

SD_UNIT = 0.20  # SD of unit quality a_u
VAR_ETA = 0.20  # variance of the individual level η_i
ROUNDING_VAR = 1.0 / 6.0  # variance added by stochastic rounding (uniform fractional part)
#: Role parameters: mean leniency, SD of rater leniency, variances of h, g, e at m_u = 1.
ROLE_PARAMS: dict[str, dict[str, float]] = {
    "atasan": {"mean": 0.00, "sd": 0.10, "h": 0.012, "g": 0.013, "e": 0.010},
    "rekan": {"mean": 0.05, "sd": 0.15, "h": 0.050, "g": 0.055, "e": 0.070},
    "bawahan": {"mean": 0.10, "sd": 0.15, "h": 0.080, "g": 0.090, "e": 0.130},
    "diri": {"mean": 0.20, "sd": 0.25, "h": 0.080, "g": 0.080, "e": 0.120},
}
VALUE_EFFECT = dict(zip(BERAKHLAK, (0.0, 0.10, 0.0, 0.15, 0.20, -0.10, 0.05), strict=True))
#: Citizen item means ν_k on the 1–4 scale (u4, cost, is high: most services are free).
#: Keyed by item code (never by position: rules.permenpanrb_14_2017.UNSUR).
ITEM_MEAN: dict[str, float] = {
    "u1": 3.10,
    "u2": 3.00,
    "u3": 2.85,
    "u4": 3.65,
    "u5": 3.05,
    "u6": 2.55,
    "u7": 2.65,
    "u8": 2.80,
    "u9": 3.00,
}
CITIZEN_SCALE = 0.75  # one point on 1–5 = ¾ point on 1–4 (same POMP)
#: Noise-free supervisor score in the middle quarter of the window of an employee at level
#: θ = 0, rated by a supervisor of leniency 0 on a value of effect 0, untrained.
SUPERVISOR_LEVEL = 3.5
#: Unit quality a_u and rater leniencies are normal truncated at this many SDs.
TRUNCATE_SD = 2.0
#: The least room, in SDs of θ, that the 1–5 scale must leave for θ above and below 0.
MIN_ROOM_SD = 1.5
REF_DATE = date(2024, 1, 1)
OCCUPATIONS = (
    "PNS",
    "TNI/Polri",
    "Pegawai swasta",
    "Wiraswasta",
    "Petani",
    "Nelayan",
    "Ibu rumah tangga",
    "Pelajar/Mahasiswa",
    "Lainnya",
)
EDUCATION_P = (0.08, 0.14, 0.42, 0.10, 0.22, 0.035, 0.005)
COURSE_HOURS = {
    "pelayanan_prima": (32.0, 40.0),
    "komunikasi_efektif": (16.0, 24.0),
    "manajemen_waktu": (12.0, 16.0),
}
MIN_EMPLOYEES = 200
#: The file formats :func:`simulate` writes.
FILE_FORMATS = ("csv", "parquet")


@dataclass
class SimulatedStudy(Study):
    """A :class:`evalkit.io.Study` made by :func:`simulate`, with what was planted.

    Attributes
    ----------
    truth
        The planted parameters and facts (the content of ``truth.json``); see
        :func:`simulate` for the keys.
    """

    truth: dict = field(default_factory=dict)
    #: Per citizen response (``response_id``, ``period``, ``unit_id``, ``u1`` … ``u9``)
    #: the expected answer given the response's unit and period and whether it names
    #: its officer, ``clip(latent, 1, 4)`` averaged for u6 and u7 over the officer who
    #: serves (any front-line officer of the unit for a named response, anyone of its
    #: staff otherwise; NaN where the answer is missing): the truth behind a unit's IKM,
    #: an expectation over the unit's service users with its own staff held fixed, used
    #: by :func:`evalkit.calibration.calibrate`. Not written to disk.
    expected_citizen: pd.DataFrame | None = None


# --------------------------------------------------------------------------------------
# periods


def _parse_periods(periods: str) -> list[str]:
    """``"2024Q1:2025Q4"`` (or one quarter) → the list of quarters, in order."""
    text = str(periods).strip().upper()
    parts = text.split(":")
    if len(parts) > 2 or not parts[0]:
        raise ValueError(f"periods must look like '2024Q1:2025Q4', got {periods!r}")

    def parse(p: str) -> tuple[int, int]:
        p = p.strip()
        if len(p) != 6 or p[4] != "Q" or not p[:4].isdigit() or p[5] not in "1234":
            raise ValueError(f"a period must be a quarter like '2024Q1', got {p!r} in {periods!r}")
        return int(p[:4]), int(p[5])

    first = parse(parts[0])
    last = parse(parts[-1])
    a, b = first[0] * 4 + first[1] - 1, last[0] * 4 + last[1] - 1
    if b < a:
        raise ValueError(f"the last period comes before the first in {periods!r}")
    if first[0] < 2021:
        raise ValueError(f"simulated periods start in 2021 or later, got {periods!r}")
    return [f"{k // 4}Q{k % 4 + 1}" for k in range(a, b + 1)]


def _quarter_bounds(period: str) -> tuple[date, date]:
    y, q = int(period[:4]), int(period[5])
    start = date(y, 3 * q - 2, 1)
    end = date(y + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return start, end


# --------------------------------------------------------------------------------------
# units


def _build_units(n_emp: int, rng: np.random.Generator) -> pd.DataFrame:
    """Units with their expected headcount (``weight``) and minimum size."""
    f = n_emp / 2000
    rows: list[dict[str, Any]] = []
    for o in sd.OPDS:
        parent = None if o.unit_id == "SETDA" else "SETDA"
        svc = o.unit_id if o.unit_id in sd.SERVICES else None
        rows.append(
            dict(
                unit_id=o.unit_id,
                name=o.name,
                kind=o.kind,
                sector=o.sector,
                parent_unit_id=parent,
                service_population=o.service_population,
                weight=o.weight * f,
                min_size=8 if o.unit_id in ("DISDIKBUD", "DINKES", "SETDA") else 5,
                service=svc,
            )
        )
    rows.append(
        dict(
            unit_id="RSUD",
            name="RSUD dr. H. Soemarno Sosroatmodjo",
            kind="rsud",
            sector="kesehatan",
            parent_unit_id="DINKES",
            service_population=80_000,
            weight=0.11 * n_emp,
            min_size=10,
            service="rsud",
        )
    )
    n_pkm = int(np.clip(round(0.11 * n_emp / 22), 2, len(sd.KECAMATAN)))
    for k in range(n_pkm):
        pop = int(rng.integers(6, 20) * 1000 * (2.5 if k == 0 else 1))
        rows.append(
            dict(
                unit_id=f"PKM{k + 1:02d}",
                name=f"Puskesmas {sd.KECAMATAN[k]}",
                kind="puskesmas",
                sector="kesehatan",
                parent_unit_id="DINKES",
                service_population=pop,
                weight=0.11 * n_emp / n_pkm * rng.uniform(0.7, 1.3),
                min_size=6,
                service="puskesmas",
            )
        )
    kec_p = np.array([5, 3, 2, 2, 1, 1, 2, 1, 1, 1], dtype=float)
    kec_p /= kec_p.sum()
    for prefix, label, share, avg, cap, numfmt in (
        ("SD", "SD Negeri", 0.33, 16, 45, "{:03d}"),
        ("SMP", "SMP Negeri", 0.12, 28, 12, "{:d}"),
    ):
        n_sch = int(np.clip(round(share * n_emp / avg), 2 if prefix == "SD" else 1, cap))
        kec = np.sort(rng.choice(len(sd.KECAMATAN), n_sch, p=kec_p))
        kec[0] = 0  # the capital always has a school
        kec = np.sort(kec)
        count: dict[int, int] = {}
        for s, k in enumerate(kec):
            count[k] = count.get(k, 0) + 1
            name = f"{label} {numfmt.format(count[k])} {sd.KECAMATAN[k]}"
            rows.append(
                dict(
                    unit_id=f"{prefix}{s + 1:02d}",
                    name=name,
                    kind="sekolah",
                    sector="pendidikan",
                    parent_unit_id="DISDIKBUD",
                    service_population=int(rng.integers(15, 60) * 10),
                    weight=share * n_emp / n_sch * rng.uniform(0.6, 1.4),
                    min_size=6 if prefix == "SD" else 8,
                    service="sekolah",
                )
            )
    n_kec = int(np.clip(round(n_emp / 200), 2, len(sd.KECAMATAN)))
    for k in range(n_kec):
        rows.append(
            dict(
                unit_id=f"KEC{k + 1:02d}",
                name=f"Kantor Kecamatan {sd.KECAMATAN[k]}",
                kind="kecamatan",
                sector="administrasi",
                parent_unit_id="SETDA",
                service_population=int(rng.integers(4, 20) * 1000 * (3 if k == 0 else 1)),
                weight=12 * f,
                min_size=5,
                service="kecamatan",
            )
        )
    if n_emp >= 600:
        for k, kel in enumerate(sd.KELURAHAN):
            rows.append(
                dict(
                    unit_id=f"KEL{k + 1:02d}",
                    name=f"Kantor Kelurahan {kel}",
                    kind="kelurahan",
                    sector="administrasi",
                    parent_unit_id="KEC01",
                    service_population=int(rng.integers(8, 30) * 1000),
                    weight=7 * f,
                    min_size=4,
                    service="kelurahan",
                )
            )
    units = pd.DataFrame(rows)
    # sizes: the minimum plus a largest-remainder share of the rest, by weight
    spare = n_emp - int(units["min_size"].sum())
    if spare < 0:
        raise ValueError(
            f"employees={n_emp} is too few for the units of the regency; pass at least "
            f"{MIN_EMPLOYEES}"
        )
    share = units["weight"].to_numpy() / units["weight"].sum() * spare
    extra = np.floor(share).astype(int)
    rest = spare - extra.sum()
    extra[np.argsort(-(share - extra), kind="stable")[:rest]] += 1
    units["size"] = units["min_size"].to_numpy() + extra
    return units


# --------------------------------------------------------------------------------------
# staff and hierarchy


def _unit_staff(unit: pd.Series, rng: np.random.Generator) -> list[tuple]:
    """(level, local parent index or None, job code, position) for each member."""
    n, kind = int(unit["size"]), unit["kind"]
    staff: list[tuple] = []

    def add(level, parent, job, position=""):
        staff.append((level, parent, job, position))
        return len(staff) - 1

    if kind == "sekolah":
        head = add(0, None, "kepsek", "Kepala Sekolah")
        n_op = 1 if n < 15 else 2
        for _ in range(n_op):
            add(3, head, "operator_sekolah")
        for _ in range(n - 1 - n_op):
            add(3, head, "guru")
        return staff
    if kind == "puskesmas":
        head = add(0, None, "kapus", "Kepala Puskesmas")
        tu = head
        if n >= 18:
            tu = add(2, head, "pengawas", "Kepala Sub Bagian Tata Usaha")
        m = n - len(staff)
        n_dok = 1 + (m >= 20)
        mix = ["dokter"] * n_dok + ["apoteker"]
        n_adm = max(1, round(0.1 * m))
        n_nakes = max(1, round(0.12 * m))
        rest = m - len(mix) - n_adm - n_nakes
        n_per = rest // 2 + rest % 2
        mix += ["nakes"] * n_nakes + ["perawat"] * n_per + ["bidan"] * (rest - n_per)
        for job in mix:
            add(3, head, job)
        for _ in range(n_adm):
            add(3, tu, "pelaksana")
        return staff
    if kind == "rsud":
        head = add(0, None, "direktur", "Direktur")
        med = add(1, head, "administrator", "Kepala Bidang Pelayanan Medis")
        nur = add(1, head, "administrator", "Kepala Bidang Keperawatan")
        adm = add(1, head, "administrator", "Kepala Bagian Tata Usaha")
        m = n - 4
        n_ward = int(np.clip(round(m / 12), 1, 8))
        wards = [
            "Rawat Inap Penyakit Dalam",
            "Rawat Inap Anak",
            "Rawat Inap Bedah",
            "Instalasi Gawat Darurat",
            "Kamar Operasi",
            "Rawat Jalan",
            "Kebidanan",
            "Perinatologi",
        ]
        wl = [add(2, nur, "pengawas", f"Kepala Ruang {w}") for w in wards[:n_ward]]
        m -= n_ward
        counts = {"dokter": 0.15, "apoteker": 0.04, "nakes": 0.10, "bidan": 0.10, "pelaksana": 0.16}
        k = {j: max(1, round(p * m)) for j, p in counts.items()}
        k["perawat"] = m - sum(k.values())
        for j in ("dokter", "apoteker", "nakes"):
            for _ in range(k[j]):
                add(3, med, j)
        for i in range(k["perawat"] + k["bidan"]):
            add(3, wl[i % n_ward], "perawat" if i < k["perawat"] else "bidan")
        for _ in range(k["pelaksana"]):
            add(3, adm, "pelaksana")
        return staff
    if kind in ("kecamatan", "kelurahan"):
        if kind == "kecamatan":
            head = add(0, None, "administrator", "Camat")
            n_f = int(np.clip(round((n - 1) / 6), 1, 3))
            names = [
                "Sekretaris Kecamatan",
                "Kepala Seksi Pelayanan Umum",
                "Kepala Seksi Pemerintahan",
            ]
            firsts = [add(2, head, "pengawas", names[i]) for i in range(n_f)]
        else:
            head = add(0, None, "pengawas", "Lurah")
            firsts = [head]
        m = n - len(staff)
        n_counter = max(1, round(0.45 * m))
        for i in range(m):
            add(3, firsts[i % len(firsts)], "counter" if i < n_counter else "pelaksana")
        return staff
    # OPD: dinas, badan, sekretariat, inspektorat
    opd = {o.unit_id: o for o in sd.OPDS}[unit["unit_id"]]
    head = add(0, None, "jpt", opd.head)
    n_mid = min(len(opd.mids), max(1, round(n / 12))) if n >= 6 else 0
    if unit["unit_id"] in ("DISDIKBUD", "DINKES"):
        n_mid = max(n_mid, 2)
    mids = [add(1, head, "administrator", opd.mids[i]) for i in range(n_mid)]
    n_first = int(np.clip(round((n - 1 - n_mid) / 8), 1, 2 * n_mid)) if n >= 15 else 0
    firsts = [
        add(2, mids[i % n_mid], "pengawas", sd.FIRST_LINE[i % len(sd.FIRST_LINE)])
        for i in range(n_first)
    ]
    bosses = firsts or mids or [head]
    m = n - len(staff)
    n_counter = max(2, round(0.3 * m)) if pd.notna(unit["service"]) else 0
    n_spec = round(0.4 * (m - n_counter))
    for i in range(m):
        job = (
            "counter"
            if i < n_counter
            else ("specialist" if i < n_counter + n_spec else "pelaksana")
        )
        add(3, bosses[i % len(bosses)], job)
    return staff


def _jf_level(kind: str, grade_idx: int) -> str:
    if kind == "ahli":
        return (
            "ahli_pertama"
            if grade_idx <= 9
            else "ahli_muda"
            if grade_idx <= 11
            else "ahli_madya"
            if grade_idx <= 14
            else "ahli_utama"
        )
    return (
        "pemula"
        if grade_idx <= 4
        else "terampil"
        if grade_idx <= 7
        else "mahir"
        if grade_idx <= 9
        else "penyelia"
    )


def _build_employees(units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Employees with the model's columns plus helper columns (level, job, family, front,
    uidx, parent_idx)."""
    members: list[dict[str, Any]] = []
    heads: dict[str, int] = {}
    mids: dict[str, list[int]] = {}
    for u_idx, unit in units.iterrows():
        base = len(members)
        for level, parent, job, position in _unit_staff(unit, rng):
            members.append(
                dict(
                    uidx=u_idx,
                    unit_id=unit["unit_id"],
                    sector=unit["sector"],
                    level=level,
                    parent_idx=None if parent is None else base + parent,
                    job=job,
                    position=position,
                )
            )
        heads[unit["unit_id"]] = base
        mids[unit["unit_id"]] = [base + i for i, m in enumerate(members[base:]) if m["level"] == 1]
    sekda = heads["SETDA"]

    def mid_or_head(uid: str, k: int) -> int:
        ms = mids[uid]
        return ms[min(k, len(ms) - 1)] if ms else heads[uid]

    for uid, h in heads.items():
        if uid == "SETDA":
            continue
        kind = units.loc[units["unit_id"] == uid, "kind"].iloc[0]
        if kind == "sekolah":
            members[h]["parent_idx"] = mid_or_head("DISDIKBUD", 0 if uid.startswith("SD") else 1)
        elif kind == "puskesmas":
            members[h]["parent_idx"] = mid_or_head("DINKES", 0)
        elif kind == "kelurahan":
            members[h]["parent_idx"] = heads["KEC01"]
        else:
            members[h]["parent_idx"] = sekda

    n = len(members)
    emp = pd.DataFrame(members)
    gender = np.empty(n, dtype=object)
    employment = np.empty(n, dtype=object)
    birth = np.empty(n, dtype=object)
    start = np.empty(n, dtype=object)
    grade = np.empty(n, dtype=object)
    jf = np.empty(n, dtype=object)
    position = emp["position"].to_numpy(dtype=object).copy()
    titles = np.empty(n, dtype=object)
    prefixes = np.empty(n, dtype=object)
    intake = np.zeros(n, dtype=int)
    opd_spec = {o.unit_id: o.specialists for o in sd.OPDS}
    # plain lists: scalar DataFrame access in this loop cost seconds per study
    job_of = emp["job"].tolist()
    level_of = emp["level"].tolist()
    unit_of = emp["unit_id"].tolist()
    for i in range(n):
        job = sd.JOBS[job_of[i]]
        level = level_of[i]
        gender[i] = "p" if rng.random() < job.female else "l"
        pppk = level == 3 and rng.random() < job.pppk
        employment[i] = "pppk" if pppk else "pns"
        lo_age, hi_age = job.ages
        if pppk:
            hi_age = min(hi_age, 50)
            lo_age = max(lo_age, 25)
        age = int(rng.integers(lo_age, hi_age + 1))
        b = date(REF_DATE.year - age - 1, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
        birth[i] = b
        jf_kind = job.jf
        if jf_kind == "mix":
            jf_kind = "ahli" if rng.random() < 0.5 else "terampil"
        if jf_kind == "terampil" and job_of[i] == "bidan" and rng.random() < 0.2:
            jf_kind = "ahli"
        entry = job.grades[0]
        if jf_kind == "ahli":
            entry = max(entry, 8)
        elif jf_kind == "terampil":
            entry = 6
        sma = job_of[i] in ("pelaksana", "counter", "operator_sekolah") and (rng.random() < 0.5)
        if sma:
            entry = 4
        base_name = job.position
        title = job.titles[int(rng.integers(0, len(job.titles)))]
        if job_of[i] == "nakes":
            base_name, title = sd.NAKES_POSITIONS[int(rng.integers(0, len(sd.NAKES_POSITIONS)))]
        elif job_of[i] == "specialist":
            specs = opd_spec.get(unit_of[i], ("Analis Kebijakan",))
            base_name = specs[int(rng.integers(0, len(specs)))]
        elif job_of[i] == "perawat":
            title = "S.Kep., Ns." if jf_kind == "ahli" else "A.Md.Kep."
        elif job_of[i] == "bidan":
            title = "S.Tr.Keb." if jf_kind == "ahli" else "A.Md.Keb."
        if sma:
            title = ""
        elif not title:
            title = job.titles[-1]
        if pppk:
            sy = int(rng.choice([2021, 2022, 2023]))
            start[i] = date(sy, int(rng.integers(1, 13)), 1)
            intake[i] = int(rng.integers(1, 4))
            g = job.pppk_grade
            if jf_kind == "ahli":
                g = "IX"
            elif jf_kind == "terampil":
                g = "VII"
            else:
                g = "V" if sma else "IX"
            grade[i] = g
            if jf_kind:
                jf[i] = "ahli_pertama" if g == "IX" else "terampil"
        else:
            entry_age = {4: (19, 26), 6: (21, 28)}.get(entry, (23, 31))
            sy = min(b.year + int(rng.integers(entry_age[0], entry_age[1] + 1)), 2023)
            start[i] = date(sy, int(rng.integers(1, 13)), 1)
            yos = REF_DATE.year - sy
            if level < 3 or job_of[i] in ("kepsek", "direktur", "kapus"):
                gi = int(rng.integers(job.grades[0], job.grades[1] + 1))
            else:
                gi = min(entry + yos // 4 + int(rng.integers(0, 2)), job.grades[1])
                gi = max(gi, entry)
            grade[i] = sd.GRADES_PNS[gi]
            if jf_kind:
                jf[i] = _jf_level(jf_kind, gi)
        if job_of[i] == "kepsek":
            jf[i] = "ahli_madya"
        if jf[i] is not None and not position[i]:
            position[i] = f"{base_name} {sd.JF_LEVELS[jf[i]]}"
        elif not position[i]:
            position[i] = base_name
        titles[i] = title
        prefixes[i] = job.prefix
    names = person_names(gender, rng)
    full = []
    for i in range(n):
        nm = names[i]
        if prefixes[i]:
            nm = f"{prefixes[i]} {nm}"
        if titles[i]:
            nm = f"{nm}, {titles[i]}"
        full.append(nm)
    emp["name"] = full
    emp["gender"] = gender
    emp["employment"] = employment
    emp["birth_date"] = birth
    emp["start_date"] = start
    emp["grade"] = grade
    emp["jf_level"] = jf
    emp["position"] = position
    emp["position_type"] = [sd.JOBS[j].position_type for j in emp["job"]]
    emp["family"] = [sd.JOBS[j].family for j in emp["job"]]
    emp["front"] = [sd.JOBS[j].front for j in emp["job"]]
    width = max(5, len(str(n)))
    emp["employee_id"] = [f"E{i + 1:0{width}d}" for i in range(n)]
    ids = emp["employee_id"].tolist()
    emp["supervisor_id"] = [
        None if p is None or pd.isna(p) else ids[int(p)] for p in emp["parent_idx"]
    ]
    emp["nip"] = _nips(emp, intake, rng)
    return emp


def _nips(emp: pd.DataFrame, intake: np.ndarray, rng: np.random.Generator) -> list[str]:
    """18-digit NIPs (reference/regulations.md §5), unique.

    PNS: birth date YYYYMMDD + TMT CPNS YYYYMM + sex (1 male, 2 female) + serial 001–999.
    PPPK: birth date YYYYMMDD + TMT year YYYY + ``2`` + intake (1 digit) + sex + serial.
    """
    used: dict[str, set[int]] = {}
    out = []
    for i, row in enumerate(emp.itertuples(index=False)):
        b: date = row.birth_date
        s: date = row.start_date
        sex = "1" if row.gender == "l" else "2"
        if row.employment == "pns":
            prefix = f"{b:%Y%m%d}{s:%Y%m}{sex}"
        else:
            prefix = f"{b:%Y%m%d}{s:%Y}2{intake[i]}{sex}"
        taken = used.setdefault(prefix, set())
        serial = int(rng.integers(1, 1000))
        while serial in taken:
            serial = serial % 999 + 1
        taken.add(serial)
        out.append(f"{prefix}{serial:03d}")
    return out


# --------------------------------------------------------------------------------------
# indicators and results


def _build_indicators(
    units: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, list[str]]:
    cols = [
        "indicator_id",
        "sector",
        "unit_id",
        "name",
        "unit_of_measure",
        "direction",
        "target_kind",
        "family",
        "lo",
        "hi",
        "decimals",
        "cap",
    ]
    rows = [
        dict(zip(cols, spec, strict=True))
        for spec in sd.INDICATORS
        if spec[2] is None or spec[2] in set(units["unit_id"])
    ]
    # unclear-indicator units: one school, one puskesmas, one kecamatan, one OPD
    picks = []
    for kinds in (("sekolah",), ("puskesmas",), ("kecamatan",), ("dinas", "badan")):
        cand = units.loc[units["kind"].isin(kinds), "unit_id"].to_numpy()
        cand = cand[~np.isin(cand, ["DISDIKBUD", "DINKES"])]
        if len(cand):
            picks.append(str(cand[int(rng.integers(0, len(cand)))]))
    for uid in picks:
        sector = units.loc[units["unit_id"] == uid, "sector"].iloc[0]
        chosen = np.sort(rng.choice(3, 2, replace=False))
        for k, c in enumerate(chosen):
            name, uom, direction, tkind = sd.VAGUE_INDICATORS[sector][c]
            rows.append(
                dict(
                    indicator_id=f"IKI-{uid}-{k + 1}",
                    sector=sector,
                    unit_id=uid,
                    name=name,
                    unit_of_measure=uom,
                    direction=direction,
                    target_kind=tkind,
                    family="vague",
                    lo=np.nan,
                    hi=np.nan,
                    decimals=0,
                    cap=None,
                )
            )
    return pd.DataFrame(rows), sorted(picks)


def _assign_indicators(
    emp: pd.DataFrame, ind: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """(employee index, indicator index, kind) for each SKP line."""
    rows = []
    by_family = {
        f: ind.index[(ind["family"] == f) & ind["unit_id"].isna()].to_numpy()
        for f in ("guru", "klinis", "admin")
    }
    by_unit = {
        u: g.index.to_numpy()
        for u, g in ind[ind["unit_id"].notna() & (ind["family"] != "vague")].groupby("unit_id")
    }
    vague = {u: g.index.to_numpy() for u, g in ind[ind["family"] == "vague"].groupby("unit_id")}
    for i, row in enumerate(emp.itertuples(index=False)):
        k = int(rng.integers(3, 7))
        pool = by_family[row.family]
        own = [j for j in by_unit.get(row.unit_id, []) if ind.at[j, "family"] == row.family]
        chosen: list[int] = []
        if row.unit_id in vague:
            vv = vague[row.unit_id]
            chosen += list(rng.choice(vv, min(len(vv), int(rng.integers(1, 3))), replace=False))
        if own:
            chosen += list(rng.choice(own, min(len(own), 2), replace=False))
        rest = np.setdiff1d(pool, chosen)
        chosen += list(rng.choice(rest, max(0, k - len(chosen)), replace=False))
        n_utama = min(len(chosen), int(rng.integers(2, 5)))
        for pos, j in enumerate(chosen):
            rows.append((i, int(j), "utama" if pos < n_utama else "tambahan"))
    return pd.DataFrame(rows, columns=["eidx", "iidx", "kind"])


def _build_results(
    emp: pd.DataFrame,
    ind: pd.DataFrame,
    lines: pd.DataFrame,
    periods: list[str],
    theta: np.ndarray,
    trend: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    T = len(periods)
    years = np.array([int(p[:4]) for p in periods])
    uyears = np.unique(years)
    L = len(lines)
    eidx = np.repeat(lines["eidx"].to_numpy(), T)
    iidx = np.repeat(lines["iidx"].to_numpy(), T)
    kind = np.repeat(lines["kind"].to_numpy(), T)
    t = np.tile(np.arange(T), L)
    yidx = np.searchsorted(uyears, years[t])
    lo = ind["lo"].to_numpy(float)[iidx]
    hi = ind["hi"].to_numpy(float)[iidx]
    dec = ind["decimals"].to_numpy(int)[iidx]
    cap = ind["cap"].astype(float).to_numpy()[iidx]
    lower = ind["direction"].to_numpy(object)[iidx] == "lower"
    vague = ind["family"].to_numpy(object)[iidx] == "vague"
    # one target per SKP line and year
    u = rng.random((L, len(uyears)))
    tgt = lo + u[np.repeat(np.arange(L), T), yidx] * (hi - lo)
    days = ind["unit_of_measure"].to_numpy(object)[iidx] == "hari"
    tgt = np.where(days, np.round(tgt, 1), np.round(tgt))
    z = (theta[eidx] + trend * t) / np.sqrt(VAR_ETA + SD_UNIT**2) + rng.normal(0, 0.8, L * T)
    ratio = np.exp(0.03 + 0.06 * z)
    real = np.where(lower, tgt / ratio, tgt * ratio)
    real = np.where(np.isnan(cap), real, np.minimum(real, np.nan_to_num(cap, nan=np.inf)))
    real = np.where(dec == 1, np.round(real, 1), np.round(real))
    ach = np.where(lower, tgt / np.maximum(real, 1e-9), real / np.maximum(tgt, 1e-9))
    rating = np.where(ach >= 1.08, "di_atas", np.where(ach >= 0.92, "sesuai", "di_bawah"))
    # vague lines: no target; a realization of "100" in half of them; rated sesuai mostly
    coin = rng.random(L * T)
    tgt = np.where(vague, np.nan, tgt)
    real = np.where(vague, np.where(coin < 0.5, 100.0, np.nan), real)
    rating = np.where(vague, np.where(coin < 0.85, "sesuai", "di_atas"), rating)
    return pd.DataFrame(
        {
            "period": np.array(periods, dtype=object)[t],
            "employee_id": emp["employee_id"].to_numpy(object)[eidx],
            "indicator_id": ind["indicator_id"].to_numpy(object)[iidx],
            "kind": kind,
            "target": tgt,
            "realization": real,
            "rating": rating,
        }
    )


# --------------------------------------------------------------------------------------
# training


def _build_training(
    emp: pd.DataFrame,
    theta: np.ndarray,
    periods: list[str],
    tau: float,
    bounds: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Attendance rows and, per employee, the index of the first treated quarter
    (``len(periods)`` or more = not treated within the window).

    Only employees whose supervisor scores have room for the effect ``tau`` on the 1–5
    scale are sent (θ within ``bounds`` narrowed by ``tau``): the effect is then planted
    without clipping, and selection stays on the persistent level."""
    n, T = len(emp), len(periods)
    z = theta / np.sqrt(VAR_ETA + SD_UNIT**2)
    p = 1.0 / (1.0 + np.exp(-(0.25 - 0.9 * z)))  # lower level → more likely sent
    room = (theta <= bounds[1] - max(tau, 0.0)) & (theta >= bounds[0] + max(-tau, 0.0))
    trained = (rng.random(n) < p) & room
    end_q = rng.integers(0, T, n)  # quarter in which the first course ends
    first_treated = np.where(trained, end_q + 1, np.iinfo(np.int32).max)
    n_courses = 1 + (rng.random(n) < 0.35).astype(int) + (rng.random(n) < 0.08).astype(int)
    front = emp["front"].to_numpy(bool)
    rows = []
    courses = CODES["course"]
    for i in np.flatnonzero(trained):
        order = list(rng.permutation(3))
        if front[i] and rng.random() < 0.6:
            order.remove(0)
            order.insert(0, 0)  # front-line staff mostly start with pelayanan_prima
        q = int(end_q[i])
        for k in range(int(n_courses[i])):
            if q >= T:
                break
            course = courses[order[k]]
            qs, qe = _quarter_bounds(periods[q])
            hours = float(COURSE_HOURS[course][int(rng.integers(0, 2))])
            days = int(hours // 8) + (hours % 8 > 0)
            span = (qe - qs).days - days
            s = qs + timedelta(days=int(rng.integers(0, span)))
            rows.append((emp.at[i, "employee_id"], course, s, s + timedelta(days=days - 1), hours))
            q += int(rng.integers(1, 3))
    tr = pd.DataFrame(rows, columns=["employee_id", "course", "start_date", "end_date", "hours"])
    return tr, first_treated


# --------------------------------------------------------------------------------------
# behaviour ratings


def _rater_pairs(emp: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Who rates whom: supervisor, 2–4 peers, up to 3 subordinates, self."""
    n = len(emp)
    parent = emp["parent_idx"].to_numpy(object)
    par = np.array([-1 if p is None or pd.isna(p) else int(p) for p in parent])
    uidx = emp["uidx"].to_numpy(int)
    level = emp["level"].to_numpy(int)
    rows = []
    for i in range(n):
        if par[i] >= 0:
            rows.append((par[i], i, 0))
    by_parent: dict[int, list[int]] = {}
    for i in range(n):
        by_parent.setdefault(int(par[i]), []).append(i)
    by_unit: dict[int, list[int]] = {}
    for i in range(n):
        by_unit.setdefault(int(uidx[i]), []).append(i)
    for i in range(n):
        pool = [j for j in by_parent.get(int(par[i]), []) if j != i] if par[i] >= 0 else []
        if len(pool) < 2:
            pool = [
                j
                for j in by_unit[int(uidx[i])]
                if j != i and j != par[i] and par[j] != i and level[j] == level[i]
            ]
        if len(pool) < 2:
            pool = [j for j in by_unit[int(uidx[i])] if j != i and j != par[i] and par[j] != i]
        k = min(len(pool), int(rng.integers(2, 5)))
        for j in rng.choice(pool, k, replace=False) if k else []:
            rows.append((int(j), i, 1))
        subs = by_parent.get(i, [])
        if subs:
            for j in rng.choice(subs, min(3, len(subs)), replace=False):
                rows.append((int(j), i, 2))
        rows.append((i, i, 3))
    pairs = pd.DataFrame(rows, columns=["rater", "ratee", "role"])
    return pairs.sort_values(["ratee", "rater"], kind="stable").reset_index(drop=True)


def _bounded_score(
    mean: np.ndarray, noise: np.ndarray, unif: np.ndarray, lo: int, hi: int
) -> np.ndarray:
    """Integer scores on ``lo..hi`` whose expectation is exactly ``clip(mean, lo, hi)``.

    The symmetric ``noise`` is clipped symmetrically to the distance from the clipped
    mean to the nearer bound (so it keeps a zero mean and the value stays in range), then
    the value is rounded stochastically, ``floor(y + U)`` with ``U`` uniform on [0, 1).
    """
    m = np.clip(mean, lo, hi)
    d = np.minimum(m - lo, hi - m)
    y = m + np.clip(noise, -d, d)
    return np.minimum(np.floor(y + unif), hi)


def _truncnorm(u: np.ndarray, sd, lo, hi) -> np.ndarray:
    """Normal(0, sd²) truncated to [lo, hi] (arrays allowed), by the inverse CDF of the
    uniform draws ``u``."""
    sd = np.asarray(sd)
    a, b = stats.norm.cdf(np.asarray(lo) / sd), stats.norm.cdf(np.asarray(hi) / sd)
    return sd * stats.norm.ppf(a + u * (b - a))


def _truncnorm_var(sd, lo, hi) -> np.ndarray:
    """Variance of Normal(0, sd²) truncated to [lo, hi], in closed form (vectorised):
    sd²·[1 + (aφ(a) − bφ(b))/Z − ((φ(a) − φ(b))/Z)²] with a = lo/sd, b = hi/sd,
    Z = Φ(b) − Φ(a) (Johnson, Kotz & Balakrishnan 1994, *Continuous Univariate
    Distributions* 1, §10.1); the same values as ``scipy.stats.truncnorm.var``."""
    sd = np.asarray(sd, dtype=float)
    a, b = np.asarray(lo) / sd, np.asarray(hi) / sd
    pa, pb = stats.norm.pdf(a), stats.norm.pdf(b)
    z = stats.norm.cdf(b) - stats.norm.cdf(a)
    return sd**2 * (1 + (a * pa - b * pb) / z - ((pa - pb) / z) ** 2)


def _scale_for_variance(var: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per element, the scale ``sd`` of a normal N(0, sd²) that, truncated to [lo, hi],
    has variance ``var`` (bisection; the truncated variance increases with ``sd``)."""
    a = np.full(np.shape(lo), np.sqrt(var))  # truncation only lowers the variance
    b = np.full(np.shape(lo), 20.0 * np.sqrt(var))
    if (_truncnorm_var(b, lo, hi) < var).any():  # pragma: no cover (bounds are checked)
        raise ValueError("the bounds are too narrow for the variance")
    for _ in range(60):
        mid = 0.5 * (a + b)
        low = _truncnorm_var(mid, lo, hi) < var
        a = np.where(low, mid, a)
        b = np.where(low, b, mid)
    return 0.5 * (a + b)


def _theta_bounds(trend: float, T: int) -> tuple[float, float]:
    """The range of θ that keeps every noise-free supervisor score within [1, 5].

    The supervisor's noise-free score is ``SUPERVISOR_LEVEL + θ + λ + δ_v + γ (t − (T −
    1)/2)`` (plus the training effect, for which :func:`_build_training` leaves room by
    whom it sends); with λ and δ at their extremes and t at either end of the window it
    must stay on the scale.
    """
    half = abs(trend) * (T - 1) / 2
    prm = ROLE_PARAMS["atasan"]
    lam = TRUNCATE_SD * prm["sd"]
    hi = 5.0 - SUPERVISOR_LEVEL - (prm["mean"] + lam) - max(VALUE_EFFECT.values()) - half
    lo = 1.0 - SUPERVISOR_LEVEL - (prm["mean"] - lam) - min(VALUE_EFFECT.values()) + half
    return lo, hi


def _check_room(trend: float, T: int, tau: float) -> tuple[float, float]:
    """:func:`_theta_bounds`, or a clear error when the window, the trend and the
    training effect leave too little room on the 1–5 scale to plant them without clipping
    (clipping at the scale ends would break parallel trends)."""
    lo, hi = _theta_bounds(trend, T)
    sd_theta = float(np.sqrt(VAR_ETA + SD_UNIT**2))
    room = MIN_ROOM_SD * sd_theta
    if hi < room or lo > -room:
        most = 2 * (min(hi, -lo) + abs(trend) * (T - 1) / 2 - room)
        raise ValueError(
            f"time_trend × (quarters − 1) = {abs(trend) * (T - 1):.3g} points: the trend over "
            f"the window would push supervisor scores past the 1–5 scale; at most "
            f"{most:.3g} points fit (e.g. {int(most / 0.05) + 1} quarters at 0.05)"
        )
    if hi - max(tau, 0.0) < -0.5 * sd_theta or lo + max(-tau, 0.0) > 0.5 * sd_theta:
        raise ValueError(
            f"cannot plant training_effect = {tau:g} without clipping at the scale ends "
            f"over {T} quarters with time_trend = {trend:g}: too few employees would have "
            f"room for it on the 1–5 scale; use a smaller effect or a shorter window"
        )
    return lo, hi


def _pomp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (x - lo) / (hi - lo) * 100.0


def _solve(f, target: float, lo: float, hi: float, what: str) -> float:
    """Bisection for an increasing ``f`` with ``f(c) = target`` on [lo, hi]."""
    flo, fhi = f(lo), f(hi)
    if not flo <= target <= fhi:
        raise ValueError(
            f"cannot plant {what} = {target:g}: reachable range on the bounded score scale "
            f"is [{flo:.3g}, {fhi:.3g}]"
        )
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _shift_for_increase(
    base: np.ndarray, increase: float, what: str, lo: int = 1, hi: int = 5
) -> float:
    """The constant ``c`` with ``mean(clip(base + c, lo, hi)) - mean(clip(base, lo, hi))``
    equal to ``increase`` (points of the lo–hi scale)."""
    c0 = float(np.clip(base, lo, hi).mean())

    def gain(c: float) -> float:
        return float(np.clip(base + c, lo, hi).mean()) - c0

    return _solve(gain, increase, -4.0, 4.0, what)


# --------------------------------------------------------------------------------------
# the simulator


def simulate(
    out: str | Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    employees: int = 2000,
    periods: str = "2024Q1:2025Q4",
    divergent_units: int = 4,
    training_effect: float = 0.3,
    source_offset_pomp: float = 8.0,
    divergent_gap_pomp: float = 20.0,
    time_trend: float = 0.05,
    file_format: str = "csv",
) -> SimulatedStudy:
    """Simulate a Tanjung Selor study with planted truth, and optionally write it.

    Parameters
    ----------
    out
        Folder to write: one CSV per table (UTF-8, comma-separated, rows sorted by the
        table's key), ``truth.json`` and a ``README.md`` data dictionary. The same
        arguments give byte-identical files. ``None`` writes nothing.
    seed
        Random seed (default :data:`DEFAULT_SEED` = 6502, the shipped data set).
    employees
        Number of employees (at least 200). Units scale with it: at 2,000 there are 15
        OPD, the RSUD, 10 puskesmas, about 50 schools, 10 kecamatan and 3 kelurahan.
    periods
        Quarters ``"FIRST:LAST"``, e.g. ``"2024Q1:2025Q4"``.
    divergent_units
        Number of units (with citizen services) whose supervisors rate their staff well
        above what citizens experience.
    training_effect
        True average effect of training on the treated (ATT), in points of the mean
        supervisor behaviour score (1–5 scale), from the quarter after the first course
        ended. Between -1 and 1; it is planted without clipping at the scale ends, so
        only employees with room for it on the 1–5 scale are trained (at the defaults,
        θ at most 0.925 − ``training_effect``; an effect near 1 or a long window with
        a strong trend narrows the trained to the lower levels, and one that leaves
        almost nobody room raises ``ValueError``).
    source_offset_pomp
        Common supervisor-minus-citizen offset on the POMP scale (aligned items), in
        every unit.
    divergent_gap_pomp
        Extra supervisor-minus-citizen gap (POMP points, aligned items) in divergent
        units: their citizens rate the officers' competence and behaviour (u6, u7) this
        much lower than the supervisors' ratings would predict.
    time_trend
        Common trend of true performance per quarter, in points of the 1–5 scale. The
        trend over the window, ``|time_trend| × (quarters − 1)``, must leave room on the
        scale: at most about 0.73 points (15 quarters at the default 0.05), else
        ``ValueError``.
    file_format
        ``"csv"`` (default) or ``"parquet"``: the tables are written as ``<table>.csv``
        or ``<table>.parquet`` (same cells, imperfections included; the loader reads
        both to the same study, and Parquet is smaller and quicker to read at scale).

    Returns
    -------
    SimulatedStudy
        Every table of :data:`evalkit.tables.TABLES` with exactly its columns, in order,
        typed per :data:`evalkit.tables.PANDAS_DTYPES` (clean values; the written files
        carry a few harmless imperfections listed in the README), ``source="simulate"``,
        and ``truth``, a dict with (among others):

        ``divergent_units`` (unit_ids), ``divergent_gap_pomp``, ``source_offset_pomp``,
        ``unit_gap_pomp`` (expected supervisor-minus-citizen gap per unit with citizen
        responses, given the officers who served: the gap the planted offset and
        divergence hold exactly for), ``unit_gap_target_pomp`` (the gap
        :func:`evalkit.compare.flag_units` estimates: the unit's own staff and
        supervisors, persistent rater–ratee impressions included, expected over a
        quarter's rating noise, over citizens and over the officer who serves them),
        ``training_effect`` (ATT on the mean supervisor score),
        ``training_twfe_estimand`` (what a two-way fixed-effects DiD estimates here),
        ``time_trend_per_quarter``, ``treated`` (counts), ``leniency`` (per role, per
        rater employee_id: the rater's additive shift in points), ``reliability`` (per
        unit and role, the planted single-rater reliability), ``unit_noise_multiplier``,
        ``unclear_indicator_units`` and ``unclear_indicators``, and ``parameters``.

    Notes
    -----
    The generating model and the calibration are described in the module docstring
    (``help(evalkit.simulate)``) and in the README written with the data.

    Examples
    --------
    >>> import evalkit as ek
    >>> s = ek.simulate(employees=300, periods="2024Q1:2024Q4", seed=1)
    >>> sorted(s.truth["divergent_units"]) == s.truth["divergent_units"]
    True
    >>> set(s.behaviour["score"].unique()) <= {1, 2, 3, 4, 5}
    True
    """
    seed = int(seed)
    employees = int(employees)
    if file_format not in FILE_FORMATS:
        raise ValueError(
            f"file_format must be one of {', '.join(FILE_FORMATS)}; got {file_format!r}"
        )
    if employees < MIN_EMPLOYEES:
        raise ValueError(f"employees must be at least {MIN_EMPLOYEES}, got {employees}")
    if not -1.0 <= float(training_effect) <= 1.0:
        raise ValueError(
            f"training_effect is in points of the 1–5 scale and must lie in [-1, 1], "
            f"got {training_effect}"
        )
    plist = _parse_periods(periods)
    T = len(plist)
    theta_lo, theta_hi = _check_room(float(time_trend), T, float(training_effect))
    streams = np.random.SeedSequence(seed).spawn(12)
    rngs = [np.random.default_rng(s) for s in streams]

    units = _build_units(employees, rngs[0])
    emp = _build_employees(units, rngs[1])
    n = len(emp)
    U = len(units)
    uidx = emp["uidx"].to_numpy(int)

    # persistent levels and unit parameters
    r = rngs[2]
    # bounded so that no noise-free supervisor score leaves the 1–5 scale in any quarter
    a_unit = _truncnorm(r.random(U), SD_UNIT, -TRUNCATE_SD * SD_UNIT, TRUNCATE_SD * SD_UNIT)
    eta_lo, eta_hi = theta_lo - a_unit, theta_hi - a_unit  # per unit
    # the scale per unit keeps the within-unit variance of η at VAR_ETA (reliabilities)
    eta_scale = _scale_for_variance(VAR_ETA, eta_lo, eta_hi)
    eta = _truncnorm(r.random(n), eta_scale[uidx], eta_lo[uidx], eta_hi[uidx])
    theta = a_unit[uidx] + eta
    noise_mult = np.clip(np.exp(r.normal(0.0, 0.7, U)), 0.2, 5.0)
    item_unit = r.normal(0.0, 0.15, (U, len(SKM_ITEMS)))
    # u6/u7 judge the officer: their unit level comes through the officers' θ only
    item_unit[:, [SKM_ITEMS.index(k) for k in ALIGNED_ITEMS]] = 0.0

    # divergent units among units with citizen services and enough staff and officers
    front = emp["front"].to_numpy(bool)
    n_front = np.bincount(uidx[front], minlength=U)
    svc = units["service"].notna().to_numpy()
    eligible = np.flatnonzero(svc & (units["size"].to_numpy() >= 6) & (n_front >= 3))
    k_div = int(divergent_units)
    if not 0 <= k_div <= len(eligible) // 2:
        raise ValueError(
            f"divergent_units must be between 0 and {len(eligible) // 2} for "
            f"{employees} employees, got {divergent_units}"
        )
    div_idx = np.sort(r.choice(eligible, k_div, replace=False)) if k_div else np.array([], int)
    is_div = np.zeros(U, bool)
    is_div[div_idx] = True

    # indicators, results
    ind, unclear = _build_indicators(units, rngs[3])
    lines = _assign_indicators(emp, ind, rngs[3])
    results = _build_results(emp, ind, lines, plist, theta, time_trend, rngs[4])

    # training
    training, first_treated = _build_training(
        emp, theta, plist, float(training_effect), (theta_lo, theta_hi), rngs[5]
    )

    # behaviour (the supervisor side needs no calibration: nothing is clipped)
    behaviour, truth_b, sup_pomp, sup_target = _build_behaviour(
        emp,
        units,
        plist,
        theta,
        noise_mult,
        first_treated,
        time_trend,
        float(training_effect),
        rngs[7],
    )

    # citizens, calibrated against the supervisors' expected scores
    citizen, truth_c, expected_citizen = _build_citizen(
        units,
        emp,
        plist,
        a_unit,
        eta,
        item_unit,
        time_trend,
        is_div,
        sup_pomp,
        float(source_offset_pomp),
        float(divergent_gap_pomp),
        rngs[6],
        sup_target,
    )

    org = _build_org_rating(units, a_unit, plist, rngs[8])

    # complaints and teachers' observations: new tables, drawn from their own streams
    # (children of the 13th child of the seed) after everything else, so the tables
    # above are the same as before they existed
    extra = np.random.SeedSequence(seed, spawn_key=(12,)).spawn(2)
    u8 = SKM_ITEMS.index(_sx.COMPLAINT_ITEM)
    expected_u8 = np.clip(
        ITEM_MEAN[_sx.COMPLAINT_ITEM]
        + CITIZEN_SCALE * (a_unit + time_trend * (T - 1) / 2)
        + item_unit[:, u8],
        1.0,
        4.0,
    )
    complaints, truth_k = _sx.build_complaints(
        units, emp, plist, expected_u8, np.random.default_rng(extra[0])
    )
    teaching, truth_t = _sx.build_teaching(
        units, emp, plist, eta, VAR_ETA, np.random.default_rng(extra[1])
    )

    # truth
    trained_ids = training["employee_id"].unique()
    ft_in = first_treated[first_treated < T]
    truth: dict[str, Any] = {
        "parameters": {
            "seed": seed,
            "employees": n,
            "periods": plist,
            "divergent_units": k_div,
            "training_effect": float(training_effect),
            "source_offset_pomp": float(source_offset_pomp),
            "divergent_gap_pomp": float(divergent_gap_pomp),
            "time_trend": float(time_trend),
        },
        "divergent_units": sorted(units["unit_id"].to_numpy()[div_idx].tolist()),
        "divergent_gap_pomp": float(divergent_gap_pomp),
        "source_offset_pomp": float(source_offset_pomp),
        "aligned": {
            "supervisor_values": list(ALIGNED_VALUES),
            "citizen_items": list(ALIGNED_ITEMS),
            "supervisor_scale": [1, 5],
            "citizen_scale": [1, 4],
        },
        "training_effect": float(training_effect),
        "time_trend_per_quarter": float(time_trend),
        "treated": {
            "employees_trained": int(len(trained_ids)),
            "employees_never_trained": int(n - len(trained_ids)),
            "employees_treated_in_window": int(len(ft_in)),
            "trained_in_last_period_not_yet_treated": int(len(trained_ids) - len(ft_in)),
            "first_treated_period": {plist[q]: int((ft_in == q).sum()) for q in range(1, T)},
            "treated_employee_quarters": int(np.maximum(0, T - first_treated).sum()),
            "rule": "treated from the first quarter after the quarter in which the end_date "
            "of the employee's first course falls; later courses add nothing",
            "selection": "P(ever trained) = logistic(0.25 - 0.9 * theta / sd(theta)) for "
            "the employees with room for the effect on the 1-5 scale (theta in "
            "theta_training_range), 0 for the others; no selection on transitory shocks",
        },
        "theta_sd": {"unit": SD_UNIT, "individual": float(np.sqrt(VAR_ETA))},
        "theta_bounds": [round(theta_lo, 6), round(theta_hi, 6)],
        "theta_training_range": [
            round(theta_lo + max(-float(training_effect), 0.0), 6),
            round(theta_hi - max(float(training_effect), 0.0), 6),
        ],
        "unit_noise_multiplier": {
            u: round(float(m), 4) for u, m in zip(units["unit_id"], noise_mult, strict=True)
        },
        "unclear_indicator_units": unclear,
        "unclear_indicators": sorted(ind.loc[ind["family"] == "vague", "indicator_id"].tolist()),
        **truth_b,
        **truth_c,
    }
    truth["calibration"] = {**truth_b["calibration"], **truth_c["calibration"]}
    truth["complaints"] = truth_k
    truth["teaching"] = truth_t

    tables = {
        "units": units,
        "employees": emp,
        "indicators": ind,
        "results": results,
        "behaviour": behaviour,
        "citizen": citizen,
        "training": training,
        "org_rating": org,
        "complaints": complaints,
        "teaching": teaching,
    }
    clean = {name: _finish(df, name) for name, df in tables.items()}
    study = SimulatedStudy(
        **clean, source="simulate", truth=truth, expected_citizen=expected_citizen
    )
    if out is not None:
        study.files = _write_study(study, Path(out), rngs[9], file_format)
    return study


#: Tables of more rows than this keep their categorical text columns (as the loader
#: does for a large file); smaller ones are typed exactly per ``PANDAS_DTYPES``.
LARGE_TABLE_ROWS = 1_000_000


def _finish(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Model columns only, typed, sorted by the key, with a fresh index."""
    t = TABLES[table]
    if len(df) <= LARGE_TABLE_ROWS:
        df = df.assign(
            **{
                c: df[c].astype("str")
                for c in df.columns
                if isinstance(df[c].dtype, pd.CategoricalDtype)
            }
        )
    out = coerce_dtypes(df, table)[t.column_names]
    out = out.sort_values(list(t.key), kind="stable").reset_index(drop=True)
    return out


# --------------------------------------------------------------------------------------
# citizens


def _build_citizen(
    units,
    emp,
    periods,
    a_unit,
    eta,
    item_unit,
    trend,
    is_div,
    sup_pomp,
    offset,
    div_gap,
    rng,
    sup_target=None,
):
    """SKM responses and their truths (unit gaps, calibration).

    Two constants are solved on the expected answers (``clip(latent, 1, 4)``): a shift of
    u6 and u7 in every unit so that the mean, over non-divergent units with citizen
    responses and supervisor ratings, of the unit gap (``sup_pomp`` minus the expected
    citizen POMP of u6, u7) equals ``offset``; and a shift of u6 and u7 in the divergent
    units so that it lowers their expected citizen POMP by ``div_gap`` (pooled over their
    answers)."""
    T = len(periods)
    uidx = emp["uidx"].to_numpy(int)
    front = emp["front"].to_numpy(bool)
    officers = {u: np.flatnonzero(front & (uidx == u)) for u in range(len(units))}
    staff = {u: np.flatnonzero(uidx == u) for u in range(len(units))}
    rows_u, rows_t, rows_svc, rows_named, rows_off = [], [], [], [], []
    svc_names: list[str] = []
    svc_index: dict[str, int] = {}
    for u, unit in units.iterrows():
        key = unit["service"]
        if pd.isna(key):
            continue
        services, mean_n, named_share = sd.SERVICES[key]
        pool = officers[u] if len(officers[u]) else staff[u]
        for t in range(T):
            k = max(8, int(rng.poisson(mean_n)))
            s = rng.choice(len(services), k, p=_service_p(len(services)))
            named = (s == 0) & (rng.random(k) < named_share) & (len(officers[u]) > 0)
            # a named officer is front-line staff; an unnamed response was served by
            # anyone of the unit's staff
            off = np.where(
                named,
                pool[rng.integers(0, len(pool), k)],
                staff[u][rng.integers(0, len(staff[u]), k)],
            )
            for name in services:
                if name not in svc_index:
                    svc_index[name] = len(svc_names)
                    svc_names.append(name)
            rows_u.append(np.full(k, u))
            rows_t.append(np.full(k, t))
            rows_svc.append(np.array([svc_index[services[j]] for j in s]))
            rows_named.append(named)
            rows_off.append(off)
    cu = np.concatenate(rows_u)
    ct = np.concatenate(rows_t)
    csvc = np.concatenate(rows_svc)
    cnamed = np.concatenate(rows_named)
    coff = np.concatenate(rows_off)
    N = len(cu)
    U = len(units)
    nu = np.array([ITEM_MEAN[k] for k in SKM_ITEMS])
    lat = nu[None, :] + CITIZEN_SCALE * (a_unit[cu] + trend * ct)[:, None] + item_unit[cu]
    for k in ALIGNED_ITEMS:
        lat[:, SKM_ITEMS.index(k)] += CITIZEN_SCALE * eta[coff]
    noise = rng.normal(0.0, 0.30, N)[:, None] + rng.normal(0.0, 0.45, (N, 9))
    unif = rng.random((N, 9))
    observed = rng.random((N, 9)) >= 0.015

    # calibration on the expected answers of u6 and u7
    cols = [SKM_ITEMS.index(k) for k in ALIGNED_ITEMS]
    base = lat[:, cols]
    obs = observed[:, cols]
    div_row = is_div[cu]
    obs_unit = np.repeat(cu[:, None], len(cols), axis=1)[obs]
    n_obs = np.bincount(obs_unit, minlength=U)

    def cit_pomp(shift: np.ndarray) -> np.ndarray:
        x = _pomp(np.clip(base + shift[:, None], 1, 4), 1, 4)[obs]
        tot = np.bincount(obs_unit, weights=x, minlength=U)
        return np.where(n_obs > 0, tot / np.maximum(n_obs, 1), np.nan)

    ref = (n_obs > 0) & ~is_div & np.isfinite(sup_pomp)
    s = 0.0
    if ref.any():

        def minus_offset(v: float) -> float:
            return -float(np.mean((sup_pomp - cit_pomp(np.full(N, v)))[ref]))

        s = _solve(minus_offset, -offset, -3.0, 3.0, "source_offset_pomp")
    c_div = 0.0
    div_obs = obs & div_row[:, None]
    if div_obs.any() and div_gap != 0:
        c_div = _shift_for_increase(
            base[div_obs] + s, -div_gap * 3 / 100, "divergent_gap_pomp", 1, 4
        )
    shift = s + c_div * div_row
    lat[:, cols] += shift[:, None]
    gaps = sup_pomp - cit_pomp(shift)
    answers = _bounded_score(lat, noise, unif, 1, 4)
    answers = np.where(observed, answers, np.nan)
    # E[answer] (_bounded_score) over the citizen and, for u6 and u7, over the officer
    # who serves: uniform over the unit's front-line officers for a named response, over
    # its staff otherwise (the design's serving pattern, not the officer drawn)
    served = np.clip(lat, 1, 4)
    own = lat[:, cols] - CITIZEN_SCALE * eta[coff][:, None]
    for u in range(U):
        for flag in (True, False):
            rows = np.flatnonzero((cu == u) & (cnamed == flag))
            if not len(rows):
                continue
            pool_u = (officers[u] if len(officers[u]) else staff[u]) if flag else staff[u]
            add = CITIZEN_SCALE * eta[pool_u]
            served[np.ix_(rows, cols)] = np.clip(
                own[rows][:, :, None] + add[None, None, :], 1, 4
            ).mean(axis=2)
    expected = np.where(observed, served, np.nan)
    target = np.full(U, np.nan)
    if sup_target is not None:
        k_obs = obs.sum(axis=1)
        has = k_obs > 0
        cit = np.where(obs, _pomp(expected[:, cols], 1, 4), 0.0).sum(axis=1) / np.maximum(k_obs, 1)
        tot_c = np.bincount(cu[has], weights=cit[has], minlength=U)
        n_c = np.bincount(cu[has], minlength=U)
        target = np.where(n_c > 0, sup_target - tot_c / np.maximum(n_c, 1), np.nan)

    # respondents
    school = units["kind"].to_numpy()[cu] == "sekolah"
    gender = np.where(rng.random(N) < np.where(school, 0.7, 0.55), "p", "l").astype(object)
    age = np.clip(np.round(rng.triangular(17, 38, 75, N)), 17, 75)
    edu = np.array(CODES["education"], dtype=object)[
        rng.choice(len(CODES["education"]), N, p=EDUCATION_P)
    ]
    occ = np.array(OCCUPATIONS, dtype=object)[rng.integers(0, len(OCCUPATIONS), N)]
    day = np.empty(N, dtype=object)
    for t in range(T):
        qs, qe = _quarter_bounds(periods[t])
        m = ct == t
        offs = rng.integers(0, (qe - qs).days + 1, int(m.sum()))
        day[m] = [qs + timedelta(days=int(o)) for o in offs]
    miss = rng.random((N, 3)) < 0.02
    gender[miss[:, 0]] = None
    age = np.where(miss[:, 1], np.nan, age)
    edu[miss[:, 2]] = None

    order = np.lexsort((csvc, cu, ct))
    df = (
        pd.DataFrame(
            {
                "period": np.array(periods, dtype=object)[ct],
                "unit_id": units["unit_id"].to_numpy(object)[cu],
                "employee_id": np.where(cnamed, emp["employee_id"].to_numpy(object)[coff], None),
                "service": np.array(svc_names, dtype=object)[csvc],
                **{k: answers[:, j] for j, k in enumerate(SKM_ITEMS)},
                "respondent_gender": gender,
                "respondent_age": age,
                "respondent_education": edu,
                "respondent_occupation": occ,
                "survey_date": pd.to_datetime(day),
            }
        )
        .iloc[order]
        .reset_index(drop=True)
    )
    df.insert(1, "response_id", [f"SKM{i + 1:06d}" for i in range(N)])
    exp = pd.DataFrame(
        {
            "response_id": df["response_id"].to_numpy(),
            "period": df["period"].to_numpy(),
            "unit_id": df["unit_id"].to_numpy(),
            **{k: expected[order, j] for j, k in enumerate(SKM_ITEMS)},
        }
    )
    for k in SKM_ITEMS:
        df[k] = df[k].astype("Int64")
    df["respondent_age"] = df["respondent_age"].astype("Int64")
    uid = units["unit_id"].to_numpy()
    truth = {
        "unit_gap_pomp": {
            str(uid[u]): round(float(gaps[u]), 4) for u in range(U) if np.isfinite(gaps[u])
        },
        "unit_gap_target_pomp": {
            str(uid[u]): round(float(target[u]), 4) for u in range(U) if np.isfinite(target[u])
        },
        "calibration": {
            "citizen_aligned_shift": round(s, 6) + 0.0,
            "citizen_divergent_shift": round(c_div, 6) + 0.0,
        },
    }
    return df, truth, exp


def _service_p(k: int) -> np.ndarray:
    p = np.array([2.0] + [1.0] * (k - 1))
    return p / p.sum()


# --------------------------------------------------------------------------------------
# behaviour


def _build_behaviour(
    emp,
    units,
    periods,
    theta,
    noise_mult,
    first_treated,
    trend,
    tau,
    rng,
):
    """Behaviour ratings, their truths, per unit the expected supervisor POMP of the
    aligned values (NaN for a unit without such ratings), for the citizen calibration,
    and per unit the supervisor side of the study's unit gap (:func:`_supervisor_target`)."""
    n, T, U = len(emp), len(periods), len(units)
    V = len(BERAKHLAK)
    uidx = emp["uidx"].to_numpy(int)
    pairs = _rater_pairs(emp, rng)
    rater = pairs["rater"].to_numpy()
    ratee = pairs["ratee"].to_numpy()
    role = pairs["role"].to_numpy()
    P = len(pairs)

    # leniency per rater and role (truncated normal, so the supervisor's stays in bounds)
    len_by_role = np.zeros((4, n))
    for k, name in enumerate(ROLES):
        prm = ROLE_PARAMS[name]
        cut = TRUNCATE_SD * prm["sd"]
        len_by_role[k] = prm["mean"] + _truncnorm(rng.random(n), prm["sd"], -cut, cut)
    lam = len_by_role[role, rater]
    var = {c: np.array([ROLE_PARAMS[name][c] for name in ROLES]) for c in ("h", "g", "e")}
    m = noise_mult[uidx[ratee]]
    h = rng.normal(0.0, 1.0, P) * np.sqrt(var["h"][role] * m)

    semester = [t for t, p in enumerate(periods) if p[5] in "24"] or [T - 1]
    # rows: (pair, period) then × value
    pp_pair, pp_t = [], []
    for_all = role == 0
    idx_all = np.flatnonzero(for_all)
    pp_pair.append(np.repeat(idx_all, T))
    pp_t.append(np.tile(np.arange(T), len(idx_all)))
    idx_sem = np.flatnonzero(~for_all)
    pp_pair.append(np.repeat(idx_sem, len(semester)))
    pp_t.append(np.tile(np.array(semester), len(idx_sem)))
    # one row per (pair, period, value): 170 rows per employee over eight quarters, so
    # the row-long arrays use the narrowest integer types, and each goes as soon as it
    # is used (the values drawn and computed are the same)
    pp_pair = np.concatenate(pp_pair).astype(np.int32)
    pp_t = np.concatenate(pp_t).astype(np.int8)
    Q = len(pp_pair)
    g = rng.normal(0.0, 1.0, Q) * np.sqrt(var["g"][role[pp_pair]] * m[pp_pair])
    rp = np.repeat(pp_pair, V)
    rt = np.repeat(pp_t, V)
    del pp_pair, pp_t
    rv = np.tile(np.arange(V, dtype=np.int8), Q)
    rrole = role[rp].astype(np.int8)
    e = rng.normal(0.0, 1.0, Q * V) * np.sqrt(var["e"][rrole] * m[rp])
    delta = np.array([VALUE_EFFECT[v] for v in BERAKHLAK])
    base = SUPERVISOR_LEVEL - trend * (T - 1) / 2  # the level in the first quarter
    noise = h[rp] + np.repeat(g, V) + e
    del e, g
    unif = rng.random(Q * V)

    sup = rrole == 0
    ee = ratee[rp].astype(np.int32)
    treat_cell = sup & (rt >= first_treated[ee])
    aligned = np.isin(rv, [BERAKHLAK.index(v) for v in ALIGNED_VALUES])
    # the noise-free score; every role shares the base, the supervisor also sees training
    L = base + theta[ee] + trend * rt + delta[rv] + lam[rp] + tau * treat_cell
    del treat_cell
    lo, hi = float(L[sup].min(initial=3.0)), float(L[sup].max(initial=3.0))
    if lo < 1.0 - 1e-9 or hi > 5.0 + 1e-9:  # prevented by the bounds on θ, λ and training
        raise AssertionError(f"noise-free supervisor scores leave the 1–5 scale: {lo}, {hi}")
    score = _bounded_score(L, noise, unif, 1, 5).astype(np.int8)
    del noise, unif

    # expected supervisor POMP of the aligned values per unit (exact: nothing is clipped)
    sa = sup & aligned
    sa_unit = uidx[ee[sa]]
    cnt = np.bincount(sa_unit, minlength=U)
    tot = np.bincount(sa_unit, weights=_pomp(L[sa], 1, 5), minlength=U)
    sup_pomp = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)
    sup_target = _supervisor_target(L, h, var, m, rp, ee, sa, uidx, n, U)

    twfe_estimand = _twfe_expected(np.clip(L[sup], 1, 5), ee[sup], rt[sup], first_treated, n, T)
    del L, sa, sa_unit, sup, aligned
    # the rows in the order of their text (period, employee_id, rater_id, value index):
    # ids by their rank as text, so that no column of strings is built to sort by
    ids = emp["employee_id"].to_numpy(object)
    by_text = np.argsort(ids, kind="stable")
    id_rank = np.empty(n, dtype=np.int32)
    id_rank[by_text] = np.arange(n, dtype=np.int32)
    ee_rank = id_rank[ee]
    rater_rank = id_rank[rater[rp]]
    del rp, ee
    order = np.lexsort((rv, rater_rank, ee_rank, rt))
    beh = pd.DataFrame(
        {
            "period": _text_column(rt[order], periods),
            "employee_id": _text_column(ee_rank[order], ids[by_text]),
            "rater_id": _text_column(rater_rank[order], ids[by_text]),
            "rater_role": _text_column(rrole[order], ROLES),
            "value": _text_column(rv[order], BERAKHLAK),
            "score": score[order].astype(np.int64),
        }
    )
    del ee_rank, rater_rank, rt, rrole, rv, score, order

    # truths about raters and reliability
    ids = emp["employee_id"].to_numpy(object)
    leniency = {}
    for k, name in enumerate(ROLES):
        raters = np.unique(rater[role == k])
        leniency[name] = {str(ids[j]): round(float(len_by_role[k, j]), 4) for j in raters}
    reliability = {}
    for u in range(U):
        rel_u = {}
        ve = VAR_ETA
        for name in ROLES:
            prm = ROLE_PARAMS[name]
            err = (prm["h"] + prm["g"] + prm["e"]) * noise_mult[u]
            var_lam = float(
                _truncnorm_var(prm["sd"], -TRUNCATE_SD * prm["sd"], TRUNCATE_SD * prm["sd"])
            )
            rel_u[name] = {
                "value": round(ve / (ve + err + ROUNDING_VAR), 4),
                "value_absolute": round(ve / (ve + var_lam + err + ROUNDING_VAR), 4),
                "mean_of_values": round(
                    ve
                    / (
                        ve
                        + (prm["h"] + prm["g"]) * noise_mult[u]
                        + (prm["e"] * noise_mult[u] + ROUNDING_VAR) / V
                    ),
                    4,
                ),
            }
        reliability[str(units.at[u, "unit_id"])] = rel_u
    truth = {
        "leniency": leniency,
        "leniency_role_mean": {k: v["mean"] for k, v in ROLE_PARAMS.items()},
        "reliability": reliability,
        "reliability_definition": (
            "value: var(eta) / (var(eta) + m_u*(var_h + var_g + var_e) + 1/6), the "
            "single-rater consistency reliability of one value score within a unit "
            "(var(eta) is the variance of the individual levels within every unit); "
            "value_absolute adds the variance of the (truncated) rater leniency to the "
            "denominator; mean_of_values is the same for the mean of the seven values, "
            "var(eta) / (var(eta) + m_u*(var_h + var_g) + (m_u*var_e + 1/6)/7); "
            "1/6 approximates the variance added by stochastic rounding; the narrowing of "
            "the rating noise near the scale ends is ignored"
        ),
        "variance_components": {
            "eta": VAR_ETA,
            "unit": SD_UNIT**2,
            **{k: {c: v[c] for c in ("h", "g", "e")} for k, v in ROLE_PARAMS.items()},
        },
        "training_twfe_estimand": twfe_estimand,
        "calibration": {"supervisor_base": round(base, 6)},
    }
    return beh, truth, sup_pomp, sup_target


def _clipped_normal_mean(mu: np.ndarray, sd: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """E[clip(X, lo, hi)] for X ~ N(mu, sd²), vectorised (clip(mu) where sd = 0)."""
    mu, sd, lo, hi = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (mu, sd, lo, hi)))
    out = np.clip(mu, lo, hi)
    k = sd > 0
    s_, m_, a_, b_ = sd[k], mu[k], lo[k], hi[k]
    al, be = (a_ - m_) / s_, (b_ - m_) / s_
    pa, pb = stats.norm.cdf(al), stats.norm.cdf(be)
    out[k] = (
        a_ * pa + b_ * (1 - pb) + m_ * (pb - pa) + s_ * (stats.norm.pdf(al) - stats.norm.pdf(be))
    )
    return out


def _supervisor_target(L, h, var, m, rp, ee, sa, uidx, n, U) -> np.ndarray:
    """Supervisor side of the unit gap the study estimates, per unit (POMP; NaN without
    supervisor ratings of the aligned values).

    The unit's own staff and supervisors are held fixed, persistent rater–ratee
    impressions ``h`` included: what varies is a quarter's rating (the halo ``g``, the
    value noise ``e`` and the rounding). Per rating, E[score | M, h] = M + E[clip(h + g +
    e, −d, d)] (:func:`_bounded_score`), averaged as :func:`evalkit.compare.flag_units`
    averages: over an employee's ratings, then over the unit's rated employees."""
    idx = np.flatnonzero(sa)
    Lm = L[idx]
    d = np.minimum(Lm - 1.0, 5.0 - Lm)
    sd = np.sqrt((var["g"][0] + var["e"][0]) * m[rp[idx]])
    e_score = Lm + _clipped_normal_mean(h[rp[idx]], sd, -d, d)
    emp_i = ee[idx]
    tot = np.bincount(emp_i, weights=_pomp(e_score, 1, 5), minlength=n)
    cnt = np.bincount(emp_i, minlength=n)
    rated = cnt > 0
    emp_mean = tot[rated] / cnt[rated]
    u_of = uidx[np.flatnonzero(rated)]
    ut = np.bincount(u_of, weights=emp_mean, minlength=U)
    un = np.bincount(u_of, minlength=U)
    return np.where(un > 0, ut / np.maximum(un, 1), np.nan)


def _text_column(codes: np.ndarray, values) -> pd.Categorical:
    """A text column given as positions into ``values``: categorical, its categories the
    values in sorted order (what the loader gives for a large file's text)."""
    values = np.asarray(values, dtype=object)
    by_text = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[by_text] = np.arange(len(values))
    return pd.Categorical.from_codes(
        rank[codes], categories=pd.Index(values[by_text].tolist(), dtype="str")
    )


def _twfe_expected(
    expected: np.ndarray,
    ratee: np.ndarray,
    t: np.ndarray,
    first_treated: np.ndarray,
    n: int,
    T: int,
) -> float | None:
    """The two-way fixed-effects DiD coefficient computed on the expected mean supervisor
    score per employee and quarter (no rating noise): what TWFE estimates in this data set.
    ``None`` when no employee changes treatment status within the window."""
    cell = ratee * T + t
    tot = np.bincount(cell, weights=expected, minlength=n * T).reshape(n, T)
    cnt = np.bincount(cell, minlength=n * T).reshape(n, T)
    keep = (cnt > 0).all(axis=1)
    y = tot[keep] / cnt[keep]
    d = (np.arange(T)[None, :] >= first_treated[keep][:, None]).astype(float)

    def within(a: np.ndarray) -> np.ndarray:
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    dt = within(d)
    if not keep.any() or (dt**2).sum() < 1e-12:
        return None
    return round(float((within(y) * dt).sum() / (dt**2).sum()), 6)


# --------------------------------------------------------------------------------------
# organisational predikat


def _build_org_rating(units, a_unit, periods, rng):
    years = sorted({int(p[:4]) for p in periods})
    U = len(units)
    z = (a_unit / SD_UNIT)[:, None] * 0.8 + rng.normal(0.0, 0.6, (U, len(years)))
    cut = np.select(
        [z >= 1.9, z >= -1.5, z >= -2.2, z >= -2.7],
        ["istimewa", "baik", "butuh_perbaikan", "kurang"],
        "sangat_kurang",
    )
    rows = []
    for p in periods:
        y = years.index(int(p[:4]))
        for u in range(U):
            rows.append((p, units.at[u, "unit_id"], cut[u, y]))
    return pd.DataFrame(rows, columns=["period", "unit_id", "predikat"])


# --------------------------------------------------------------------------------------
# writing


#: Label spellings written for a few category codes (the loader normalises them).
_LABELS = {
    "di_atas": "Di Atas",
    "sesuai": "Sesuai",
    "di_bawah": "Di Bawah",
    "istimewa": "Istimewa",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang",
    "sangat_kurang": "Sangat Kurang",
}
#: (table, column, share of rows, kind) of the harmless imperfections in the files.
IMPERFECTIONS: tuple[tuple[str, str, float, str], ...] = (
    ("employees", "name", 0.02, "trailing space"),
    ("employees", "position", 0.01, "leading and trailing space"),
    ("citizen", "service", 0.02, "trailing space"),
    ("results", "rating", 0.03, "label spelling (Di Atas, Sesuai, Di Bawah)"),
    ("org_rating", "predikat", 0.05, "label spelling (Baik, Butuh Perbaikan, …)"),
)


def _imperfect(df: pd.DataFrame, table: str, rng: np.random.Generator) -> pd.DataFrame:
    """A copy of ``df`` with the file-level imperfections of :data:`IMPERFECTIONS`
    (``df`` itself when the table has none)."""
    if not any(t == table for t, *_ in IMPERFECTIONS):
        return df
    out = df.copy()
    for t, col, share, kind in IMPERFECTIONS:
        if t != table:
            continue
        hit = (rng.random(len(out)) < share) & out[col].notna().to_numpy()
        vals = out[col].astype(object).to_numpy().copy()
        if kind.startswith("label"):
            vals[hit] = [_LABELS[v] for v in vals[hit]]
        elif kind.startswith("leading"):
            vals[hit] = [f" {v} " for v in vals[hit]]
        else:
            vals[hit] = [f"{v} " for v in vals[hit]]
        out[col] = pd.Series(vals, index=out.index, dtype=object)
    return out


def _write_study(
    study: SimulatedStudy, out: Path, rng: np.random.Generator, file_format: str = "csv"
) -> list[Path]:
    """Write the tables as CSV (or Parquet), ``truth.json`` and ``README.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, df in study.tables().items():
        path = out / f"{name}.{file_format}"
        for other in FILE_FORMATS:  # one file per table: a rerun in the other format
            if other != file_format:
                (out / f"{name}.{other}").unlink(missing_ok=True)
        written = _imperfect(df, name, rng)
        if file_format == "parquet":
            written.to_parquet(path, index=False)
        elif _arrow_writes_it(written):
            _write_csv_arrow(written, path)
        else:
            written.to_csv(
                path, index=False, lineterminator="\n", date_format="%Y-%m-%d", encoding="utf-8"
            )
        del written
        files.append(path)
    path = out / "truth.json"
    path.write_text(
        json.dumps(study.truth, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    files.append(path)
    path = out / "README.md"
    path.write_text(_readme(study), encoding="utf-8")
    files.append(path)
    return files


def _arrow_writes_it(df: pd.DataFrame) -> bool:
    """A large table of categorical text without anything to quote, and whole numbers:
    pyarrow's CSV writer gives the bytes pandas would (no float or date formats to agree
    on, no quotes) many times faster."""
    if len(df) <= LARGE_TABLE_ROWS:
        return False
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            text = s.cat.categories.astype("str")
            if text.str.contains(r'[",\r\n]', regex=True).any():
                return False
        elif not (pd.api.types.is_integer_dtype(s.dtype) and s.notna().all()):
            return False
    return True


def _write_csv_arrow(df: pd.DataFrame, path: Path, rows: int = 1 << 21) -> None:
    """Write ``df`` (see :func:`_arrow_writes_it`) as pandas' ``to_csv`` would, a slice
    of rows at a time, categories decoded by pyarrow (no Python string per cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = list(df.columns)
    text = {
        c: pa.array(df[c].cat.categories.astype("str").tolist(), type=pa.string())
        for c in columns
        if isinstance(df[c].dtype, pd.CategoricalDtype)
    }
    schema = pa.schema([(c, pa.string() if c in text else pa.int64()) for c in columns])
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as f:
        f.write((",".join(columns) + "\n").encode("utf-8"))
        with pacsv.CSVWriter(f, schema, write_options=options) as writer:
            for start in range(0, len(df), rows):
                part = df.iloc[start : start + rows]
                arrays = [
                    pc.cast(
                        pa.DictionaryArray.from_arrays(
                            pa.array(part[c].cat.codes.to_numpy()), text[c]
                        ),
                        pa.string(),
                    )
                    if c in text
                    else pa.array(part[c].to_numpy(dtype=np.int64))
                    for c in columns
                ]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


def _readme(study: SimulatedStudy) -> str:
    """The data dictionary written next to the data."""
    return sd.readme(study, IMPERFECTIONS)
