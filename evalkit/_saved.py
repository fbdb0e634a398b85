"""A loaded study saved for the study notebook's kernel (private to evalkit).

``evalkit study`` loads and validates the data once, in the command (it needs the
periods, and every identifier read for the privacy scan), and hands the validated
:class:`evalkit.io.Study` to the notebook's kernel as a file, so that the kernel does
not read, parse and validate every file a second time (at 250,000 employees that is
minutes and gigabytes). The file is a pickle of the ``Study`` (its DataFrames keep their
dtypes exactly, so the numbers are the ones a fresh load gives); it lives in a private
temporary folder of the run and is removed with it. It is never an input format: only
a file this process wrote is read back.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

#: The suffix of a saved study (how :func:`evalkit.report.build_report` recognises one).
SUFFIX = ".evalkit-study"


def save_study(study: Any, path: str | Path) -> Path:
    """Write ``study`` to ``path`` (which must end in :data:`SUFFIX`)."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise ValueError(f"a saved study's file name ends in {SUFFIX}; got {path.name}")
    with path.open("wb") as f:
        pickle.dump(study, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def is_saved_study(path: str | Path) -> bool:
    """True when ``path`` names a saved study file (by its suffix)."""
    return Path(path).suffix == SUFFIX and Path(path).is_file()


def read_saved_study(path: str | Path) -> Any:
    """The study written by :func:`save_study`."""
    from .io import Study

    with Path(path).open("rb") as f:
        study = pickle.load(f)  # a file this run wrote, in its private folder
    if not isinstance(study, Study):
        raise TypeError(f"{path} does not hold a saved study")
    return study
