"""Inter-rater reliability and agreement.

Every function takes long (tidy) data with pingouin's argument names and returns a
DataFrame in one schema (:data:`evalkit.reliability._schema.COLUMNS`), so that the
results of different statistics stack with :func:`pandas.concat`.

=====================  ================================================
module                 statistics
=====================  ================================================
``intraclass``         Shrout & Fleiss / McGraw & Wong ICC family
``kappa``              Cohen, Fleiss, Conger, Brennan–Prediger, Gwet AC1/AC2
``krippendorff``       Krippendorff's alpha (nominal … ratio)
``consistency``        Cronbach's alpha, Kendall's W
``aggregation``        rwg / rwg(j), Bliese ICC(1) / ICC(2)
``agreement``          Bland–Altman limits, Lin's concordance
=====================  ================================================
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "icc": "intraclass",
    "cohen_kappa": "kappa",
    "fleiss_kappa": "kappa",
    "conger_kappa": "kappa",
    "brennan_prediger": "kappa",
    "gwet_ac": "kappa",
    "krippendorff_alpha": "krippendorff",
    "cronbach_alpha": "consistency",
    "kendall_w": "consistency",
    "rwg": "aggregation",
    "icc_aggregation": "aggregation",
    "bland_altman": "agreement",
    "lin_ccc": "agreement",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'evalkit.reliability' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
