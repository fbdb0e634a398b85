"""Every numeric band boundary of evalkit.rules, at the boundary and one hundredth either
side, each with the text it follows (source keys of reference/regulations.md).

Where the sources leave the placement of a value between two written bands open
(UNCONFIRMED), the test pins the package's documented reading, so that a change to it
is deliberate.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit import rules
from evalkit.scoring import check_distribution

# --- PP 30/2019, Pasal 41(5) [S79] --------------------------------------------------------
# (tested at ±0.01 in tests/test_rules.py::test_pp30_category_bands_pasal_41_5_s79)

# --- PP 46/2011 with Perka BKN 1/2013 [S21][S22] -----------------------------------------
# 91 and up Sangat Baik (inferred from DP3 [S22], UNCONFIRMED); 76–90 Baik; 61–75 Cukup;
# 51–60 Kurang; 50 and below Buruk [S21]. Written in whole numbers: a decimal between two
# bands (90 < x < 91) is UNCONFIRMED; the package reads (90, 100], (75, 90], (60, 75],
# (50, 60], [0, 50].
PP46 = [
    (91.01, "sangat_baik"),
    (91.0, "sangat_baik"),
    (90.99, "sangat_baik"),
    (90.01, "sangat_baik"),
    (90.0, "baik"),
    (89.99, "baik"),
    (76.01, "baik"),
    (76.0, "baik"),
    (75.99, "baik"),
    (75.01, "baik"),
    (75.0, "cukup"),
    (74.99, "cukup"),
    (61.01, "cukup"),
    (61.0, "cukup"),
    (60.99, "cukup"),
    (60.01, "cukup"),
    (60.0, "kurang"),
    (59.99, "kurang"),
    (51.01, "kurang"),
    (51.0, "kurang"),
    (50.99, "kurang"),
    (50.01, "kurang"),
    (50.0, "buruk"),
    (49.99, "buruk"),
]


@pytest.mark.parametrize(("score", "category"), PP46)
def test_pp46_category_boundaries_s21_s22(score, category):
    assert rules.pp46_category([score]).tolist() == [category]


# with rounding="half_up" a decimal is first rounded to a whole number: the boundaries
# move to x.5
PP46_HALF_UP = [
    (90.51, "sangat_baik"),
    (90.5, "sangat_baik"),
    (90.49, "baik"),
    (75.51, "baik"),
    (75.5, "baik"),
    (75.49, "cukup"),
    (60.51, "cukup"),
    (60.5, "cukup"),
    (60.49, "kurang"),
    (50.51, "kurang"),
    (50.5, "kurang"),
    (50.49, "buruk"),
]


@pytest.mark.parametrize(("score", "category"), PP46_HALF_UP)
def test_pp46_category_half_up_boundaries(score, category):
    assert rules.pp46_category([score], rounding="half_up").tolist() == [category]


# --- PKG conversion [S38] ----------------------------------------------------------------
# 91–100 Amat Baik (125%); 76–90 Baik (100%); 61–75 Cukup (75%); 51–60 Sedang (50%);
# ≤ 50 Kurang (25%); decimals read as half-open intervals (UNCONFIRMED, as PP 46).
PKG = [
    (90.01, "amat_baik"),
    (90.0, "baik"),
    (89.99, "baik"),
    (75.01, "baik"),
    (75.0, "cukup"),
    (74.99, "cukup"),
    (60.01, "cukup"),
    (60.0, "sedang"),
    (59.99, "sedang"),
    (50.01, "sedang"),
    (50.0, "kurang"),
    (49.99, "kurang"),
]


@pytest.mark.parametrize(("nk", "category"), PKG)
def test_pkg_category_boundaries_s38(nk, category):
    assert rules.pkg_category([nk]).tolist() == [category]


# --- SKM mutu, PermenPANRB 14/2017 [S33][S30] ---------------------------------------------
# NIK 88.31–100.00 A; 76.61–88.30 B; 65.00–76.60 C; 25.00–64.99 D.
SKM = [
    (88.32, "A"),
    (88.31, "A"),
    (88.30, "B"),
    (76.62, "B"),
    (76.61, "B"),
    (76.60, "C"),
    (65.01, "C"),
    (65.00, "C"),
    (64.99, "D"),
]


@pytest.mark.parametrize(("converted", "mutu"), SKM)
@pytest.mark.parametrize("decimals", [2, None])
def test_skm_mutu_boundaries_s33(converted, mutu, decimals):
    assert rules.skm_mutu([converted], decimals=decimals).tolist() == [mutu]
    assert rules.skm_kinerja([mutu]).tolist() == [rules.KINERJA[mutu]]


# --- PermenPANRB 6/2022: the package's numeric bands (the regulation sets none [S5]) ---

HASIL = [
    (110.01, "di_atas"),
    (110.0, "di_atas"),  # from 110, as PP 30/2019 Sangat Baik [S79]
    (109.99, "sesuai"),
    (90.01, "sesuai"),
    (90.0, "sesuai"),  # from 90, as PP 30/2019 Baik [S79]
    (89.99, "di_bawah"),
]


@pytest.mark.parametrize(("achievement", "level"), HASIL)
def test_hasil_band_boundaries_follow_pp30_lower_edges_s79(achievement, level):
    assert rules.band([achievement], rules.HASIL_BANDS).tolist() == [level]


PERILAKU = [
    (4.51, "di_atas"),
    (4.5, "di_atas"),
    (4.49, "sesuai"),
    (3.01, "sesuai"),
    (3.0, "sesuai"),
    (2.99, "di_bawah"),
]


@pytest.mark.parametrize(("mean", "level"), PERILAKU)
def test_perilaku_band_boundaries_unconfirmed_default(mean, level):
    assert rules.band([mean], rules.PERILAKU_BANDS).tolist() == [level]


# "most" of the main results [S5]: a share strictly above 0.5 (the package's reading)
@pytest.mark.parametrize(
    ("atas", "sesuai", "expected"),
    [(51, 49, "di_atas"), (50, 50, "sesuai"), (49, 51, "sesuai")],
)
def test_hasil_from_counts_most_boundary_s5(atas, sesuai, expected):
    assert rules.hasil_from_counts(atas, sesuai, 0).item() == expected


# --- Pola distribusi [S8]: every percentage at the boundary and 0.01 point either side ----
# 10,000 employees per unit, so that one employee is 0.01 percentage point.
N = 10_000
PATTERN = [
    # (org predikat, counts, violated rule or None)
    ("istimewa", {"sangat_baik": 7000, "baik": 3000}, None),
    ("istimewa", {"sangat_baik": 7001, "baik": 2999}, "sangat_baik_above_max"),  # max 70%
    ("istimewa", {"sangat_baik": 6999, "baik": 3001}, None),
    ("baik", {"baik": 7000, "butuh_perbaikan": 3000}, None),
    ("baik", {"baik": 7001, "butuh_perbaikan": 2999}, "baik_above_max"),  # max 70%
    ("baik", {"baik": 6999, "butuh_perbaikan": 3001}, None),
    ("butuh_perbaikan", {"sangat_baik": 1000, "butuh_perbaikan": 6000, "baik": 3000}, None),
    (
        "butuh_perbaikan",
        {"sangat_baik": 1001, "butuh_perbaikan": 6000, "baik": 2999},
        "sangat_baik_above_max",  # max 10%
    ),
    ("butuh_perbaikan", {"sangat_baik": 999, "butuh_perbaikan": 6000, "baik": 3001}, None),
    (
        "butuh_perbaikan",
        {"sangat_baik": 1000, "butuh_perbaikan": 5999, "baik": 3001},
        "butuh_perbaikan_below_min",  # min 60%
    ),
    ("butuh_perbaikan", {"sangat_baik": 1000, "butuh_perbaikan": 6001, "baik": 2999}, None),
    (
        "kurang",
        {"sangat_baik": 1000, "butuh_perbaikan": 1000, "kurang": 6000, "baik": 2000},
        None,
    ),
    (
        "kurang",
        {"sangat_baik": 1001, "butuh_perbaikan": 1000, "kurang": 6000, "baik": 1999},
        "sangat_baik_above_max",  # max 10%
    ),
    (
        "kurang",
        {"sangat_baik": 1000, "butuh_perbaikan": 999, "kurang": 6000, "baik": 2001},
        "butuh_perbaikan_below_min",  # min 10%
    ),
    (
        "kurang",
        {"sangat_baik": 1000, "butuh_perbaikan": 1001, "kurang": 6000, "baik": 1999},
        None,
    ),
    (
        "kurang",
        {"sangat_baik": 1000, "butuh_perbaikan": 1000, "kurang": 5999, "baik": 2001},
        "kurang_below_min",  # min 60%
    ),
    (
        "kurang",
        {"sangat_baik": 1000, "butuh_perbaikan": 1000, "kurang": 6001, "baik": 1999},
        None,
    ),
    (
        "sangat_kurang",
        {"kurang": 500, "butuh_perbaikan": 500, "sangat_kurang": 6000, "baik": 3000},
        None,
    ),
    (
        "sangat_kurang",
        {"kurang": 499, "butuh_perbaikan": 500, "sangat_kurang": 6000, "baik": 3001},
        "kurang_or_butuh_perbaikan_below_min",  # min 10% together
    ),
    (
        "sangat_kurang",
        {"kurang": 501, "butuh_perbaikan": 500, "sangat_kurang": 6000, "baik": 2999},
        None,
    ),
    (
        "sangat_kurang",
        {"kurang": 500, "butuh_perbaikan": 500, "sangat_kurang": 5999, "baik": 3001},
        "sangat_kurang_below_min",  # min 60%
    ),
    (
        "sangat_kurang",
        {"kurang": 500, "butuh_perbaikan": 500, "sangat_kurang": 6001, "baik": 2999},
        None,
    ),
    (
        "sangat_kurang",
        {
            "sangat_baik": 1,
            "kurang": 500,
            "butuh_perbaikan": 500,
            "sangat_kurang": 6000,
            "baik": 2999,
        },
        "sangat_baik_present",  # none allowed
    ),
]


def test_distribution_pattern_percentages_at_the_boundary_s8():
    frames, expected = [], {}
    for i, (org, counts, violated) in enumerate(PATTERN):
        assert sum(counts.values()) == N
        unit = f"U{i:02d}"
        expected[unit] = violated or ""
        predikat = [p for p, k in counts.items() for _ in range(k)]
        frames.append(pd.DataFrame({"unit_id": unit, "predikat": predikat, "org_predikat": org}))
    got = check_distribution(pd.concat(frames, ignore_index=True)).set_index("unit_id")
    assert got["violations"].to_dict() == expected
    assert got["ok"].to_dict() == {u: v == "" for u, v in expected.items()}
