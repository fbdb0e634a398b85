"""evalkit: reproducible evaluation of ASN performance management.

The public API is re-exported here. Sub-modules are imported lazily (PEP 562) so
that ``import evalkit`` and the ``evalkit`` command start fast; ``__all__`` is
explicit and every name in it resolves (a test checks).

>>> import evalkit as ek
>>> ek.predikat("di_atas", "sesuai")
'baik'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> sub-module that defines it
_EXPORTS: dict[str, str] = {
    # data model
    "TABLES": "tables",
    "CODES": "tables",
    "BERAKHLAK": "tables",
    "SKM_ITEMS": "tables",
    # loading and validation
    "Study": "io",
    "InputError": "io",
    "load_study": "io",
    "select_period": "io",
    # real data in: mappings, their suggestion, the Excel collection kit
    "load_mapping": "mapping",
    "suggest_mapping": "suggest",
    "write_template": "kit",
    # synthetic data
    "simulate": "simulation",
    "SimulatedStudy": "simulation",
    # scoring (PermenPANRB 6/2022, PP 46/2011, PP 30/2019, SKM 14/2017)
    "hasil_rating": "scoring",
    "perilaku_rating": "scoring",
    "predikat": "scoring",
    "score_employees": "scoring",
    "score_study": "scoring",
    "ScoringResult": "scoring",
    "check_distribution": "scoring",
    "skm_index": "scoring",
    "indicator_clarity": "scoring",
    "angka_kredit": "scoring",
    "pkg_score": "scoring",
    # reliability and agreement
    "icc": "reliability",
    "cohen_kappa": "reliability",
    "fleiss_kappa": "reliability",
    "conger_kappa": "reliability",
    "brennan_prediger": "reliability",
    "gwet_ac": "reliability",
    "krippendorff_alpha": "reliability",
    "kendall_w": "reliability",
    "cronbach_alpha": "reliability",
    "rwg": "reliability",
    "icc_aggregation": "reliability",
    "bland_altman": "reliability",
    "lin_ccc": "reliability",
    "assess_reliability": "reliability.report",
    "ReliabilityResult": "reliability.report",
    # citizens versus supervisors
    "align_sources": "compare",
    "source_agreement": "compare",
    "source_offset": "compare",
    "flag_units": "compare",
    "compare_sources": "compare",
    "adjust_casemix": "compare",
    "ComparisonResult": "compare",
    # training impact
    "training_panel": "impact",
    "training_impact": "impact",
    "ImpactResult": "impact",
    # coverage of the study's intervals on data shaped like the user's
    "calibrate": "calibration",
    "Calibration": "calibration",
    # privacy
    "pseudonymise": "privacy",
    "suppress_small_cells": "privacy",
    "scan_for_identifiers": "privacy",
    # the period study
    "run_study": "study",
}

__all__ = sorted([*_EXPORTS, "rules", "__version__"])


def __getattr__(name: str) -> Any:
    if name == "rules":
        return importlib.import_module(".rules", __name__)
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'evalkit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return __all__
