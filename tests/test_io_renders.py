"""Whatever ``validate`` accepts, the study renders: generated damage to the small
simulated data set, loaded, then every section built and every output written.

Each example damages a few rows the way the fault corpus does (a score out of range,
an empty required cell, an unquoted separator, a NUL in a name, a unit's bad optional
cell, an exact duplicate), which ``validate`` accepts (exit 0 or 1, never 2); the
period report must then build (:func:`evalkit.report.build_report`, what the notebook
runs) and write its outputs without an error. Building a report takes seconds, so the
examples are few and the test is marked slow (``make test-slow``).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.io import load_study

DAMAGES = ("score", "empty", "separator", "nul", "optional", "duplicate")


def _damage(folder: Path, kind: str, position: int) -> None:
    if kind == "optional":
        path = folder / "units.csv"
    elif kind == "nul":
        path = folder / "employees.csv"
    else:
        path = folder / "behaviour.csv"
    lines = path.read_bytes().split(b"\n")
    i = 1 + position % (len(lines) - 2)
    line = lines[i]
    if kind == "score":
        lines[i] = line.rsplit(b",", 1)[0] + b",9"
    elif kind == "empty":
        cells = line.split(b",")
        cells[4] = b""
        lines[i] = b",".join(cells)
    elif kind == "separator":
        lines[i] = line + b",x"
    elif kind == "nul":
        lines[i] = line.replace(b",", b"\x00,", 1)
    elif kind == "optional":
        cells = line.split(b",")
        cells[-1] = b"-1"
        lines[i] = b",".join(cells)
    elif kind == "duplicate":
        lines.insert(i, line)
    path.write_bytes(b"\n".join(lines))


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    damages=st.lists(
        st.tuples(st.sampled_from(DAMAGES), st.integers(0, 10**6)), min_size=1, max_size=4
    )
)
def test_what_validate_accepts_the_study_renders(small_data, tmp_path, damages):
    from evalkit.report import build_report

    folder = tmp_path / "data"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(small_data, folder)
    for kind, position in damages:
        _damage(folder, kind, position)
    study = load_study(folder)  # validate accepts: no InputError
    s = study.summary
    assert (s["rows_read"] == s["rows_kept"] + s["rows_quarantined"]).all()
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(study, "latest", language="id", min_cell=5)
        report.write_outputs(out)
    for name in ("results.json", "tables.xlsx", "quarantine.csv"):
        assert (out / name).is_file(), name
