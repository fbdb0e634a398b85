"""Simulated complaints and teachers' class observations (private to :mod:`evalkit.simulation`).

Both tables are drawn from their own random streams, after every other table, so that
adding them left the existing tables of the shipped data set byte-identical.

Complaints
----------
Every unit with a citizen service receives complaints as a Poisson process: unit *u*
has a planted rate ``λ_u`` per 1,000 people served per year (log-normal, median
:data:`COMPLAINT_RATE_MEDIAN`, SD 0.5 on the log scale); a quarter brings
``Poisson(λ_u · service_population_u / 1000 / 4)`` complaints, received on days drawn
uniformly over the quarter. The time to settle a complaint is log-normal with the unit's
planted median ``m_u`` (:data:`SETTLE_MEDIAN_DAYS` × a log-normal unit factor, SD 0.3;
log-scale SD :data:`SETTLE_LOG_SD`). Planted on top:

- *slow units*: ``m_u`` = :data:`SLOW_MEDIAN_DAYS` (beyond the 60-day standard);
- *open units* (citizens rate complaint handling highly while complaints stay open): a
  share :data:`NEVER_SETTLED_SHARE` of their complaints is never settled. They are the
  units with the highest expected SKM u8 answer, so their citizens rate complaint
  handling well above the regency while their complaints stay open.

The data are extracted on the last day of the window: a complaint whose settlement
would fall later is still open (status ``diproses`` after a week, else ``terbuka``)
and has no ``closed_date``. A complaint about staff conduct names the officer (a
front-line employee of the unit) with probability 0.7, other complaints with 0.1.

Teachers
--------
Teacher *i* (``job == "guru"`` in a school *j*) has a true class-management competence
``z_i = (η_i − mean_j η) / √0.20`` (the employee's individual level η of the main
model, centred within the school, in SDs). Every quarter the principal's observation
is ``o = 68 + 7 z_i + N(0, 5²)`` and the mean achievement of the teacher's pupils is
``y = 60 + s_j + 5 (ρ z_i + √(1 − ρ²) w_i) + N(0, 4²)``, with a school intake effect
``s_j`` (the pupils a school admits, not the teacher's doing: normal draws standardised
over the schools so that their mean is 0 and their variance exactly 10²), a persistent
teacher effect unrelated to the observed competence ``w_i ~ N(0, 1)`` and ``ρ`` =
:data:`TEACHER_RHO`. Both are rounded to one decimal and kept within 0–100.

Truths: the within-school slope of achievement on the observation,
``β = ρ · 5 · 7 / (7² + 5²)``; the share of the variance of a teacher's quarterly
achievement that lies between schools, ``ICC = 10² / (10² + 5² + 4²)``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .rules.perpres_76_2013 import COMPLAINT_ITEM

__all__ = ["COMPLAINT_ITEM", "build_complaints", "build_teaching"]

COMPLAINT_RATE_MEDIAN = 2.5  # complaints per 1,000 people served per year
SETTLE_MEDIAN_DAYS = 14.0
SETTLE_LOG_SD = 0.8
SLOW_MEDIAN_DAYS = 95.0
NEVER_SETTLED_SHARE = 0.8
OPEN_SETTLED_MEDIAN_DAYS = 45.0
N_SLOW = 2
N_OPEN = 1
#: Least expected complaints over the window for a unit to carry a planted truth.
MIN_EXPECTED = 24.0
CHANNEL_P = {"sp4n_lapor": 0.35, "unit": 0.45, "forum": 0.10, "lainnya": 0.10}
CATEGORY_P = {
    "persyaratan": 0.12,
    "prosedur": 0.18,
    "waktu": 0.22,
    "biaya": 0.06,
    "perilaku_petugas": 0.20,
    "sarana": 0.14,
    "lainnya": 0.08,
}

OBS_MEAN, OBS_LOADING, OBS_NOISE = 68.0, 7.0, 5.0
ACH_MEAN, INTAKE_SD, TEACHER_SD, ACH_NOISE = 60.0, 10.0, 5.0, 4.0
TEACHER_RHO = 0.5


def _quarter_days(period: str) -> tuple[date, int]:
    y, q = int(period[:4]), int(period[-1])
    start = date(y, 3 * (q - 1) + 1, 1)
    end = date(y + (q == 4), (3 * q) % 12 + 1, 1)
    return start, (end - start).days


def build_complaints(
    units: pd.DataFrame,
    emp: pd.DataFrame,
    periods: list[str],
    expected_u8: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The complaints table and its truths (see the module docstring).

    ``expected_u8`` is each unit's expected SKM u8 answer (1–4) in the middle of the
    window, from the citizen model; it chooses the planted units and is not redrawn.
    """
    U = len(units)
    T = len(periods)
    svc = units["service"].notna().to_numpy()
    pop = units["service_population"].astype(float).fillna(0.0).to_numpy()
    rate = np.exp(np.log(COMPLAINT_RATE_MEDIAN) + rng.normal(0.0, 0.5, U))
    rate = np.where(svc, rate, 0.0)
    median = SETTLE_MEDIAN_DAYS * np.exp(rng.normal(0.0, 0.3, U))
    expected = rate * pop / 1000.0 * T / 4.0
    eligible = np.flatnonzero(svc & (expected >= MIN_EXPECTED))
    by_u8 = eligible[np.argsort(-expected_u8[eligible], kind="stable")]
    open_idx = np.sort(by_u8[:N_OPEN])
    slow_idx = np.sort(by_u8[::-1][:N_SLOW]) if len(by_u8) > N_OPEN + N_SLOW else np.array([], int)
    never = np.zeros(U)
    never[open_idx] = NEVER_SETTLED_SHARE
    median[open_idx] = OPEN_SETTLED_MEDIAN_DAYS
    median[slow_idx] = SLOW_MEDIAN_DAYS

    uidx = emp["uidx"].to_numpy(int)
    front = emp["front"].to_numpy(bool)
    ids = emp["employee_id"].to_numpy()
    first, _ = _quarter_days(periods[0])
    last_start, last_len = _quarter_days(periods[-1])
    extract = last_start + timedelta(days=last_len - 1)
    channels, categories = list(CHANNEL_P), list(CATEGORY_P)
    rows = []
    for u in np.flatnonzero(svc):
        pool = np.flatnonzero(front & (uidx == u))
        if not len(pool):
            pool = np.flatnonzero(uidx == u)
        for p in periods:
            start, length = _quarter_days(p)
            k = int(rng.poisson(rate[u] * pop[u] / 1000.0 / 4.0))
            if not k:
                continue
            day = rng.integers(0, length, k)
            days = np.floor(np.exp(np.log(median[u]) + rng.normal(0.0, SETTLE_LOG_SD, k)))
            settled = rng.random(k) >= never[u]
            chan = rng.choice(len(channels), k, p=list(CHANNEL_P.values()))
            cat = rng.choice(len(categories), k, p=list(CATEGORY_P.values()))
            p_named = np.where(np.array(categories)[cat] == "perilaku_petugas", 0.7, 0.1)
            named = (rng.random(k) < p_named) & (len(pool) > 0)
            who = rng.integers(0, max(len(pool), 1), k)
            for c in range(k):
                received = start + timedelta(days=int(day[c]))
                closed = received + timedelta(days=int(days[c]))
                done = bool(settled[c]) and closed <= extract
                status = (
                    "selesai"
                    if done
                    else ("diproses" if (extract - received).days > 7 else "terbuka")
                )
                rows.append(
                    (
                        units.at[u, "unit_id"],
                        ids[pool[who[c]]] if named[c] else None,
                        received,
                        closed if done else None,
                        channels[chan[c]],
                        categories[cat[c]],
                        status,
                    )
                )
    df = pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "employee_id",
            "received_date",
            "closed_date",
            "channel",
            "category",
            "status",
        ],
    )
    df = df.sort_values(["received_date", "unit_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "complaint_id", [f"ADU{i + 1:05d}" for i in range(len(df))])
    df["received_date"] = pd.to_datetime(df["received_date"])
    df["closed_date"] = pd.to_datetime(df["closed_date"])
    uid = units["unit_id"].to_numpy()
    truth = {
        "rate_per_1000_per_year": {uid[u]: round(float(rate[u]), 6) for u in np.flatnonzero(svc)},
        "median_days_to_settle": {uid[u]: round(float(median[u]), 6) for u in np.flatnonzero(svc)},
        "slow_units": sorted(uid[slow_idx].tolist()),
        "open_units": sorted(uid[open_idx].tolist()),
        "never_settled_share": {uid[u]: NEVER_SETTLED_SHARE for u in open_idx},
        "expected_u8": {uid[u]: round(float(expected_u8[u]), 6) for u in np.flatnonzero(svc)},
        "settle_log_sd": SETTLE_LOG_SD,
        "extracted_on": extract.isoformat(),
        "first_day": first.isoformat(),
        "rule": "days to settle = floor(lognormal(log median_u, settle_log_sd)); a complaint "
        "is open (no closed_date) when its settlement falls after extracted_on or it is "
        "never settled (open_units: never_settled_share of their complaints)",
        "denominator": "units.service_population = people served per year",
    }
    return df, truth


def build_teaching(
    units: pd.DataFrame,
    emp: pd.DataFrame,
    periods: list[str],
    eta: np.ndarray,
    var_eta: float,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The teaching table and its truths (see the module docstring)."""
    uidx = emp["uidx"].to_numpy(int)
    school = (units["kind"].to_numpy() == "sekolah")[uidx]
    teacher = np.flatnonzero((emp["job"].to_numpy() == "guru") & school)
    U = len(units)
    raw = rng.normal(0.0, 1.0, U)
    t_u = uidx[teacher]
    sums = np.bincount(t_u, weights=eta[teacher], minlength=U)
    counts = np.bincount(t_u, minlength=U)
    # the intake effects of the schools with teachers are standardised, so that their
    # variance is exactly INTAKE_SD² in this data set (as the other planted truths hold
    # exactly): one draw of ~50 schools can otherwise miss it by a third
    has = counts > 0
    intake = np.zeros(U)
    if has.sum() >= 2:
        intake[has] = INTAKE_SD * (raw[has] - raw[has].mean()) / raw[has].std(ddof=1)
    z = (eta[teacher] - (sums / np.maximum(counts, 1))[t_u]) / np.sqrt(var_eta)
    w = rng.normal(0.0, 1.0, len(teacher))
    pupils = rng.integers(20, 33, len(teacher))
    teacher_part = TEACHER_SD * (TEACHER_RHO * z + np.sqrt(1 - TEACHER_RHO**2) * w)
    frames = []
    for p in periods:
        obs = OBS_MEAN + OBS_LOADING * z + rng.normal(0.0, OBS_NOISE, len(teacher))
        ach = ACH_MEAN + intake[t_u] + teacher_part + rng.normal(0.0, ACH_NOISE, len(teacher))
        frames.append(
            pd.DataFrame(
                {
                    "period": p,
                    "employee_id": emp["employee_id"].to_numpy()[teacher],
                    "unit_id": units["unit_id"].to_numpy()[t_u],
                    "observation": np.clip(np.round(obs, 1), 0.0, 100.0),
                    "achievement": np.clip(np.round(ach, 1), 0.0, 100.0),
                    "pupils": pupils,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    slope = TEACHER_RHO * TEACHER_SD * OBS_LOADING / (OBS_LOADING**2 + OBS_NOISE**2)
    icc = INTAKE_SD**2 / (INTAKE_SD**2 + TEACHER_SD**2 + ACH_NOISE**2)
    truth = {
        "rho_competence_achievement": TEACHER_RHO,
        "slope_achievement_per_observation_point": round(slope, 10),
        "icc_achievement_between_schools": round(icc, 10),
        "intake_sd": INTAKE_SD,
        "teacher_sd": TEACHER_SD,
        "achievement_noise_sd": ACH_NOISE,
        "observation": {"mean": OBS_MEAN, "loading": OBS_LOADING, "noise_sd": OBS_NOISE},
        "n_teachers": int(len(teacher)),
        "n_schools": int((counts > 0).sum()),
        "model": "observation = 68 + 7 z + N(0, 5^2); achievement = 60 + intake_school + "
        "5 (rho z + sqrt(1 - rho^2) w) + N(0, 4^2); z = within-school standardised "
        "individual level eta; slope = rho*5*7/(7^2+5^2); icc = 10^2/(10^2+5^2+4^2) "
        "(one quarter, one row per teacher)",
    }
    return df, truth
