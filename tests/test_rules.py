"""The regulation tables of evalkit.rules, cell by cell and boundary by boundary.

Expected values are written out from reference/regulations.md (source keys in the test
names or comments), not read back from the tables under test.
"""

from __future__ import annotations

import doctest
import importlib
import math
from fractions import Fraction

import numpy as np
import pytest

from evalkit import rules
from evalkit.rules import permenpanrb_6_2022 as r6
from evalkit.rules import pp_30_2019, pp_46_2011

# --- PermenPANRB 6/2022 ------------------------------------------------------------------

# regulations.md §1, "Predikat kinerja pegawai (3×3)" [S6][S7]: (hasil, perilaku, predikat)
MATRIX_CELLS = [
    ("di_atas", "di_bawah", "kurang"),
    ("di_atas", "sesuai", "baik"),
    ("di_atas", "di_atas", "sangat_baik"),
    ("sesuai", "di_bawah", "kurang"),
    ("sesuai", "sesuai", "baik"),
    ("sesuai", "di_atas", "baik"),
    ("di_bawah", "di_bawah", "sangat_kurang"),
    ("di_bawah", "sesuai", "butuh_perbaikan"),
    ("di_bawah", "di_atas", "butuh_perbaikan"),
]


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), MATRIX_CELLS)
def test_predikat_matrix_cell_s6_s7(hasil, perilaku, expected):
    assert rules.PREDIKAT_MATRIX[(hasil, perilaku)] == expected
    assert r6.predikat_of(hasil, perilaku).item() == expected


def test_predikat_matrix_has_exactly_nine_cells_and_five_codes():
    assert len(rules.PREDIKAT_MATRIX) == 9
    assert set(rules.PREDIKAT_MATRIX.values()) == set(rules.PREDIKAT)
    assert rules.PREDIKAT == ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")


def test_predikat_of_vectorised_missing_and_unknown():
    h = np.array(["di_atas", None, "sesuai"], dtype=object)
    p = np.array(["di_atas", "sesuai", float("nan")], dtype=object)
    assert r6.predikat_of(h, p).tolist() == ["sangat_baik", None, None]
    with pytest.raises(ValueError, match="hasil must be one of.*'atas'"):
        r6.predikat_of(["atas"], ["sesuai"])


@pytest.mark.parametrize(
    ("achievement", "level"),
    [
        (150.0, "di_atas"),
        (110.0, "di_atas"),
        (109.99, "sesuai"),
        (100.0, "sesuai"),
        (90.0, "sesuai"),
        (89.99, "di_bawah"),
        (0.0, "di_bawah"),
    ],
)
def test_hasil_bands_boundaries_package_choice(achievement, level):
    assert rules.HASIL_BANDS == ((110.0, "di_atas"), (90.0, "sesuai"))
    assert rules.band([achievement], rules.HASIL_BANDS).tolist() == [level]


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        (5.0, "di_atas"),
        (4.5, "di_atas"),
        (4.49, "sesuai"),
        (3.0, "sesuai"),
        (2.99, "di_bawah"),
        (1.0, "di_bawah"),
    ],
)
def test_perilaku_bands_boundaries_unconfirmed_default(mean, level):
    assert rules.PERILAKU_BANDS == ((4.5, "di_atas"), (3.0, "sesuai"))
    assert rules.band([mean], rules.PERILAKU_BANDS).tolist() == [level]


def test_band_rejects_unordered_bounds():
    with pytest.raises(ValueError, match="decreasing"):
        rules.band([1.0], ((90.0, "sesuai"), (110.0, "di_atas")))


@pytest.mark.parametrize(
    ("atas", "sesuai", "bawah", "expected"),
    [
        (3, 0, 0, "di_atas"),  # all above
        (2, 1, 0, "di_atas"),  # most above, none below
        (3, 0, 1, "sesuai"),  # most above but a main result below: not di_atas [S5]
        (1, 1, 0, "sesuai"),  # half above is not "most": meets expectation
        (0, 3, 0, "sesuai"),
        (1, 2, 1, "sesuai"),  # a small part below
        (1, 1, 2, "di_bawah"),  # half below: not "a small part"
        (0, 1, 2, "di_bawah"),
        (0, 0, 3, "di_bawah"),
        (0, 0, 0, None),  # nothing judged
    ],
)
def test_hasil_from_counts_most_or_all_rule_s5(atas, sesuai, bawah, expected):
    assert rules.hasil_from_counts([atas], [sesuai], [bawah]).tolist() == [expected]


def test_hasil_from_counts_most_is_configurable():
    # 2 of 3 above (0.67): most at 0.5 -> di_atas; with most=0.75 -> sesuai
    assert rules.hasil_from_counts(2, 1, 0).item() == "di_atas"
    assert rules.hasil_from_counts(2, 1, 0, most=0.75).item() == "sesuai"
    # 3 of 4 met (0.75) is not more than 0.75 -> di_bawah
    assert rules.hasil_from_counts(0, 3, 1, most=0.75).item() == "di_bawah"
    with pytest.raises(ValueError, match="most"):
        rules.hasil_from_counts(1, 1, 1, most=0.4)


# regulations.md §1, "Kurva/pola distribusi" [S8]: every rule of every row
PATTERN = {
    "istimewa": {
        ("sangat_baik_not_majority", ("sangat_baik",), "majority", None),
        ("sangat_baik_above_max", ("sangat_baik",), "max", 70),
    },
    "baik": {
        ("baik_not_majority", ("baik",), "majority", None),
        ("baik_above_max", ("baik",), "max", 70),
        ("butuh_perbaikan_or_kurang_missing", ("butuh_perbaikan", "kurang"), "exists", None),
    },
    "butuh_perbaikan": {
        ("sangat_baik_above_max", ("sangat_baik",), "max", 10),
        ("butuh_perbaikan_below_min", ("butuh_perbaikan",), "min", 60),
    },
    "kurang": {
        ("sangat_baik_above_max", ("sangat_baik",), "max", 10),
        ("butuh_perbaikan_below_min", ("butuh_perbaikan",), "min", 10),
        ("kurang_below_min", ("kurang",), "min", 60),
    },
    "sangat_kurang": {
        ("sangat_baik_present", ("sangat_baik",), "none", None),
        ("kurang_or_butuh_perbaikan_below_min", ("kurang", "butuh_perbaikan"), "min", 10),
        ("sangat_kurang_below_min", ("sangat_kurang",), "min", 60),
    },
}


@pytest.mark.parametrize("org", list(PATTERN))
def test_distribution_pattern_rows_s8(org):
    got = {(r.code, r.predikat, r.kind, r.percent) for r in rules.DISTRIBUTION_PATTERN[org]}
    assert got == PATTERN[org]


def test_distribution_pattern_covers_every_org_predikat():
    assert set(rules.DISTRIBUTION_PATTERN) == set(rules.ORG_PREDIKAT)
    assert rules.ORG_PREDIKAT == ("istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")


# --- PP 46/2011 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (100, "sangat_baik"),
        (91, "sangat_baik"),
        (90.5, "sangat_baik"),
        (90, "baik"),
        (76, "baik"),
        (75.01, "baik"),
        (75, "cukup"),
        (61, "cukup"),
        (60, "kurang"),
        (51, "kurang"),
        (50.5, "kurang"),
        (50, "buruk"),
        (0, "buruk"),
    ],
)
def test_pp46_category_bands_s21_s22(score, category):
    assert rules.pp46_category([score]).tolist() == [category]


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (90.49, "baik"),
        (90.5, "sangat_baik"),
        (75.49, "cukup"),
        (75.5, "baik"),
        (50.49, "buruk"),
        (50.5, "kurang"),
    ],
)
def test_pp46_category_half_up_rounding_option(score, category):
    assert rules.pp46_category([score], rounding="half_up").tolist() == [category]


def test_pp46_category_missing_and_bad_option():
    assert rules.pp46_category([float("nan")]).tolist() == [None]
    with pytest.raises(ValueError, match="rounding"):
        rules.pp46_category(80, rounding="up")


def test_pp46_weights_60_40_s19():
    assert pp_46_2011.WEIGHTS == {"skp": 0.6, "perilaku": 0.4}
    assert float(rules.pp46_score(80, 90)) == pytest.approx(84.0)
    assert rules.pp46_score([100, 50], [50, 100]).tolist() == pytest.approx([80.0, 70.0])


def test_pp46_kuantitas_kualitas_s23():
    assert float(rules.kuantitas_score(9, 12)) == pytest.approx(75.0)
    assert float(rules.kualitas_score(88)) == pytest.approx(88.0)
    assert math.isnan(float(rules.kuantitas_score(5, 0)))


@pytest.mark.parametrize(
    ("rw", "tw", "expected"),
    [
        (12, 12, 76.0),  # on time: efficiency 0 -> (1.76·12 − 12)/12·100
        (13, 12, (21.12 - 13) / 12 * 100),  # late: 67.67
        (9.12, 12, 100.0),  # efficiency exactly 24%: first branch, 176 − 76
        (9, 12, 75.0),  # efficiency 25%: 76 − (((21.12 − 9)/12·100) − 100)
        (6, 12, 50.0),
    ],
)
def test_pp46_waktu_176_rule_s23(rw, tw, expected):
    assert float(rules.waktu_score(rw, tw)) == pytest.approx(expected)


def test_pp46_biaya_same_pattern_and_skp_mean():
    assert float(rules.biaya_score(800_000, 1_000_000)) == pytest.approx(96.0)
    assert float(rules.skp_score(100, 90, 76, 96)) == pytest.approx(90.5)
    assert float(rules.skp_score(100, 90, 76)) == pytest.approx(266 / 3)
    assert float(rules.skp_score(100, 90, 76, float("nan"))) == pytest.approx(266 / 3)


# --- PP 30/2019 ---------------------------------------------------------------------------


def test_pp30_weights_s26_and_cap_s12():
    assert pp_30_2019.WEIGHTS == {
        "default": {"skp": 0.7, "perilaku": 0.3},
        "360": {"skp": 0.6, "perilaku": 0.4},
    }
    assert float(rules.pp30_score(100, 80)) == pytest.approx(94.0)
    assert float(rules.pp30_score(100, 80, three_sixty=True)) == pytest.approx(92.0)
    assert float(rules.pp30_score(150, 100)) == pytest.approx(0.7 * 120 + 30)
    assert float(rules.pp30_score(150, 150)) == pytest.approx(120.0)


# PP 30/2019 Pasal 41(5) [S79]: a. Sangat Baik 110 <= x <= 120 and an innovation;
# b. Baik 90 <= x <= 120; c. Cukup 70 <= x < 90; d. Kurang 50 <= x < 70 and e. Sangat
# Kurang x < 50 by the same pattern (text of d and e not seen; 50 UNCONFIRMED).
PP30_BOUNDARIES = [
    (120.01, True, "sangat_baik"),  # above the cap: read as 120 [S12]
    (120, True, "sangat_baik"),
    (119.99, True, "sangat_baik"),
    (120, False, "baik"),
    (110.01, True, "sangat_baik"),
    (110, True, "sangat_baik"),  # a.: 110 <= x
    (109.99, True, "baik"),
    (110.01, False, "baik"),
    (110, False, "baik"),  # b.: no innovation, so Baik
    (90.01, False, "baik"),
    (90, False, "baik"),  # b.: 90 <= x (the old code said cukup)
    (89.99, False, "cukup"),
    (70.01, False, "cukup"),
    (70, False, "cukup"),  # c.: 70 <= x < 90 (the old code said kurang)
    (69.99, False, "kurang"),
    (50.01, False, "kurang"),
    (50, False, "kurang"),  # d.: 50 <= x by the pattern of a.-c. (UNCONFIRMED)
    (49.99, False, "sangat_kurang"),
    (0, False, "sangat_kurang"),
]


@pytest.mark.parametrize(("score", "innovation", "category"), PP30_BOUNDARIES)
def test_pp30_category_bands_pasal_41_5_s79(score, innovation, category):
    assert rules.pp30_category([score], innovation=[innovation]).tolist() == [category]


def test_pp30_bands_table_is_pasal_41_5_s79():
    assert rules.PP30_BANDS == (
        (110.0, 120.0, True, "sangat_baik"),
        (90.0, 120.0, True, "baik"),
        (70.0, 90.0, False, "cukup"),
        (50.0, 70.0, False, "kurang"),
    )


def test_pp30_category_at_50_option_and_missing():
    # exactly 50 is UNCONFIRMED (items d and e not seen): a parameter
    assert rules.pp30_category([50]).tolist() == ["kurang"]
    assert rules.pp30_category([50], at_50="sangat_kurang").tolist() == ["sangat_kurang"]
    assert rules.pp30_category([50.01, 49.99], at_50="sangat_kurang").tolist() == [
        "kurang",
        "sangat_kurang",
    ]
    assert rules.pp30_category([float("nan")]).tolist() == [None]
    with pytest.raises(ValueError, match="at_50"):
        rules.pp30_category([50], at_50="cukup")


# --- SKM, PermenPANRB 14/2017 ------------------------------------------------------------


def test_skm_unsur_are_keyed_by_code_u8_pengaduan_u9_sarana_s29():
    # the sources disagree on the order of u8/u9 ([S29] pengaduan 8th; [S30][S31] sarana
    # 8th): evalkit keys by code, and its codes mean what UNSUR says everywhere
    assert rules.UNSUR["u8"] == "penanganan_pengaduan"
    assert rules.UNSUR["u9"] == "sarana_prasarana"
    doc = importlib.import_module("evalkit.rules.permenpanrb_14_2017").__doc__
    assert "[S30][S31]" in doc and "position" in doc
    from evalkit._simdata import _COLUMN_NOTES

    assert _COLUMN_NOTES["citizen.u8"].startswith("penanganan pengaduan")
    assert _COLUMN_NOTES["citizen.u9"].startswith("sarana dan prasarana")


def test_skm_items_are_read_by_header_not_by_position(small_data, tmp_path):
    """A citizen file with its item columns in another order (e.g. sarana asked 8th)
    loads the same answers under the same codes."""
    import shutil

    import pandas as pd

    from evalkit.io import load_study

    folder = tmp_path / "data"
    shutil.copytree(small_data, folder)
    path = folder / "citizen.csv"
    original = pd.read_csv(path, dtype=str, keep_default_na=False)
    items = [f"u{i}" for i in range(1, 10)]
    others = [c for c in original.columns if c not in items]
    original[others + items[::-1]].to_csv(path, index=False)
    reordered = load_study(folder).citizen
    before = load_study(small_data).citizen
    pd.testing.assert_frame_equal(reordered[items], before[items])


def test_skm_weight_is_exactly_one_ninth_not_011_s30():
    assert rules.SKM_WEIGHT == Fraction(1, 9)
    assert float(rules.SKM_WEIGHT) != 0.11
    assert list(rules.UNSUR) == [f"u{i}" for i in range(1, 10)]


@pytest.mark.parametrize(
    ("converted", "mutu"),
    [
        (100.0, "A"),
        (88.31, "A"),
        (88.305, "A"),
        (88.3049, "B"),
        (88.30, "B"),
        (76.61, "B"),
        (76.605, "B"),
        (76.6049, "C"),
        (76.60, "C"),
        (65.00, "C"),
        (64.995, "C"),
        (64.99, "D"),
        (25.0, "D"),
    ],
)
def test_skm_mutu_interval_table_s33(converted, mutu):
    assert rules.skm_mutu([converted]).tolist() == [mutu]


def test_skm_mutu_unrounded_option_and_kinerja_labels_s33():
    assert rules.skm_mutu([64.995], decimals=None).tolist() == ["D"]
    assert rules.skm_mutu([88.305], decimals=None).tolist() == ["B"]
    assert rules.skm_mutu([float("nan")]).tolist() == [None]
    assert rules.KINERJA == {"A": "sangat_baik", "B": "baik", "C": "kurang_baik", "D": "tidak_baik"}
    assert rules.skm_kinerja(["A", "B", "C", "D", None]).tolist() == [
        "sangat_baik",
        "baik",
        "kurang_baik",
        "tidak_baik",
        None,
    ]


# regulations.md §3 [S35] and methods.md §7 (Krejcie & Morgan 1970)
KREJCIE_MORGAN = {
    10: 10,
    20: 19,
    50: 44,
    100: 80,
    150: 108,
    200: 132,
    300: 169,
    400: 196,
    500: 217,
    1_000: 278,
    2_000: 322,
    3_000: 341,
    5_000: 357,
    9_000: 368,
    10_000: 370,
    20_000: 377,
    50_000: 381,
    1_000_000: 384,
}


@pytest.mark.parametrize(("population", "sample"), list(KREJCIE_MORGAN.items()))
def test_krejcie_morgan_published_values(population, sample):
    assert rules.krejcie_morgan(population) == sample


def test_krejcie_morgan_vectorised_and_errors():
    got = rules.krejcie_morgan(np.array(list(KREJCIE_MORGAN), dtype=float))
    assert got.tolist() == [float(v) for v in KREJCIE_MORGAN.values()]
    assert math.isnan(rules.krejcie_morgan(float("nan")))
    with pytest.raises(ValueError, match="population"):
        rules.krejcie_morgan(-5)


# --- angka kredit and PKG -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("predikat", "percent", "ak_ahli_pertama"),
    [
        ("sangat_baik", 150, 18.75),
        ("baik", 100, 12.5),
        ("butuh_perbaikan", 75, 9.375),
        ("kurang", 50, 6.25),
        ("sangat_kurang", 25, 3.125),
    ],
)
def test_angka_kredit_conversion_s18(predikat, percent, ak_ahli_pertama):
    assert rules.AK_PERCENT[predikat] == percent
    assert float(rules.credit_points(predikat, 12.5)) == pytest.approx(ak_ahli_pertama)


def test_angka_kredit_worked_example_s18():
    # Ahli Pertama, coefficient 12.5: Sangat Baik -> 18.75; two months Baik -> 2.08
    assert rules.JF_COEFFICIENT["ahli_pertama"] == 12.5
    assert float(rules.credit_points("sangat_baik", 12.5)) == 18.75
    assert round(float(rules.credit_points("baik", 12.5, months=2)), 2) == 2.08
    with pytest.raises(ValueError, match="predikat must be one of"):
        rules.credit_points("cukup_baik", 12.5)
    with pytest.raises(ValueError, match="months"):
        rules.credit_points("baik", 12.5, months=13)


@pytest.mark.parametrize(
    ("nk", "category", "percent"),
    [
        (100, "amat_baik", 125),
        (91, "amat_baik", 125),
        (90.01, "amat_baik", 125),
        (90, "baik", 100),
        (76, "baik", 100),
        (75, "cukup", 75),
        (61, "cukup", 75),
        (60, "sedang", 50),
        (51, "sedang", 50),
        (50, "kurang", 25),
        (0, "kurang", 25),
    ],
)
def test_pkg_conversion_bands_s38(nk, category, percent):
    assert rules.pkg_category([nk]).tolist() == [category]
    assert rules.PKG_AK_PERCENT[category] == percent


def test_pkg_max_scores_s37():
    assert rules.PKG_MAX_SCORE == {"guru_kelas": 56, "guru_bk": 68}


@pytest.mark.parametrize(
    "module",
    [
        "evalkit.rules",
        "evalkit.rules.permenpanrb_6_2022",
        "evalkit.rules.pp_46_2011",
        "evalkit.rules.pp_30_2019",
        "evalkit.rules.permenpanrb_14_2017",
        "evalkit.rules.angka_kredit",
    ],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
