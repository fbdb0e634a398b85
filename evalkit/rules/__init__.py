"""Regulation rule sets as data, one module per regulation.

Every table is a literal quoted with its source (``reference/regulations.md``, source
keys ``[Sn]``); what the sources leave open is marked UNCONFIRMED and is a parameter.
This package imports nothing of the rest of evalkit.

==========================  ==========================================================
module                      regulation
==========================  ==========================================================
``permenpanrb_6_2022``      predikat matrix, rating levels, distribution pattern
``pp_46_2011``              SKP aspects (1.76 rule), 60/40 score, categories (historical)
``pp_30_2019``              70/30 or 60/40 score, cap 120, categories (historical)
``permenpanrb_14_2017``     SKM: unsur, weight 1/9, ×25, mutu table, Krejcie–Morgan
``angka_kredit``            JF credit points by predikat; teachers' PKG conversion
``perpres_76_2013``         complaint settlement limit (SP4N-LAPOR!), the SKM item u8
==========================  ==========================================================

>>> from evalkit import rules
>>> rules.pp46_category(80).item(), rules.skm_mutu(91.48).item(), rules.krejcie_morgan(500)
('baik', 'A', 217.0)
"""

from .angka_kredit import (
    AK_PERCENT,
    JF_COEFFICIENT,
    PKG_AK_PERCENT,
    PKG_BANDS,
    PKG_MAX_SCORE,
    credit_points,
    pkg_category,
)
from .permenpanrb_6_2022 import (
    DISTRIBUTION_PATTERN,
    EXPECTATIONS,
    HASIL_BANDS,
    ORG_PREDIKAT,
    PERILAKU_BANDS,
    PREDIKAT,
    PREDIKAT_MATRIX,
    DistributionRule,
    band,
    hasil_from_counts,
    predikat_of,
)
from .permenpanrb_14_2017 import (
    KINERJA,
    MUTU_TABLE,
    UNSUR,
    krejcie_morgan,
    skm_kinerja,
    skm_mutu,
)
from .permenpanrb_14_2017 import WEIGHT as SKM_WEIGHT
from .perpres_76_2013 import (
    COMPLAINT_ITEM,
    FILING_LIMIT_DAYS,
    SETTLEMENT_DAYS,
    SETTLEMENT_STANDARDS,
)
from .pp_30_2019 import CATEGORY_BANDS as PP30_BANDS
from .pp_30_2019 import WEIGHTS as PP30_WEIGHTS
from .pp_30_2019 import pp30_category, pp30_score
from .pp_46_2011 import CATEGORY_BANDS as PP46_BANDS
from .pp_46_2011 import WEIGHTS as PP46_WEIGHTS
from .pp_46_2011 import (
    biaya_score,
    kualitas_score,
    kuantitas_score,
    pp46_category,
    pp46_score,
    skp_score,
    waktu_score,
)

__all__ = [
    "AK_PERCENT",
    "COMPLAINT_ITEM",
    "DISTRIBUTION_PATTERN",
    "DistributionRule",
    "EXPECTATIONS",
    "FILING_LIMIT_DAYS",
    "HASIL_BANDS",
    "JF_COEFFICIENT",
    "KINERJA",
    "MUTU_TABLE",
    "ORG_PREDIKAT",
    "PERILAKU_BANDS",
    "PKG_AK_PERCENT",
    "PKG_BANDS",
    "PKG_MAX_SCORE",
    "PP30_BANDS",
    "PP30_WEIGHTS",
    "PP46_BANDS",
    "PP46_WEIGHTS",
    "PREDIKAT",
    "PREDIKAT_MATRIX",
    "SETTLEMENT_DAYS",
    "SETTLEMENT_STANDARDS",
    "SKM_WEIGHT",
    "UNSUR",
    "band",
    "biaya_score",
    "credit_points",
    "hasil_from_counts",
    "krejcie_morgan",
    "kualitas_score",
    "kuantitas_score",
    "pkg_category",
    "pp30_category",
    "pp30_score",
    "pp46_category",
    "pp46_score",
    "predikat_of",
    "skm_kinerja",
    "skm_mutu",
    "skp_score",
    "waktu_score",
]
