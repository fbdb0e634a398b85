"""Shared fixtures: one small simulated data set and one period-study run per language.

Notebook executions are what cost time, so each is done once per test session and shared
between pytest-xdist workers: the first worker that needs a fixture builds it in a folder
next to the workers' temporary folders, under a file lock; the others wait and reuse it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

# CI (CI=true) replays the same hypothesis examples on every run, so a red build always
# means a change broke something; developers' runs keep exploring new examples (and
# keep any failure they find in .hypothesis/ until it is fixed).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

#: Pseudonym key of the test session (exported so that the notebook kernels inherit it;
#: no key file is ever created in the user's configuration by the tests).
TEST_KEY = "evalkit-test-key-8f41c2"
#: The small data set: 200 employees (the simulator's minimum), four quarters.
SMALL = {"seed": 11, "employees": 200, "periods": "2025Q1:2025Q4"}
#: Threshold of the test runs: high enough that the small units are suppressed.
MIN_CELL = 8
PERIOD = "2025Q4"

os.environ["EVALKIT_PSEUDONYM_KEY"] = TEST_KEY


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (a file created with O_EXCL)."""
    deadline = time.monotonic() + 900
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited 15 minutes for {path}; remove it if stale") from None
            time.sleep(0.2)
    try:
        yield
    finally:
        os.close(fd)
        path.unlink()


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]):
    """``build(folder)`` once per session across workers; the folder it filled."""
    root = _shared_root(tmp_path_factory)
    folder = root / f"shared-{name}"
    with _lock(root / f"shared-{name}.lock"):
        if not (root / f"shared-{name}.done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            (root / f"shared-{name}.done").touch()
    return folder


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """A small simulated data folder (written by ``evalkit.simulate``)."""
    import evalkit as ek  # the public function (importing the submodule could shadow it)

    return _once(tmp_path_factory, "small-data", lambda f: ek.simulate(out=f, **SMALL))


@pytest.fixture(scope="session")
def small_study(small_data):
    """The small data set, loaded and validated."""
    from evalkit.io import load_study

    return load_study(small_data)


def _report(tmp_path_factory, small_data: Path, language: str) -> Path:
    from evalkit.study import run_study

    def build(folder: Path) -> None:
        run_study(PERIOD, small_data, folder, language=language, min_cell=MIN_CELL, progress=False)

    return _once(tmp_path_factory, f"report-{language}", build) / PERIOD / language


@pytest.fixture(scope="session")
def report_id(tmp_path_factory, small_data) -> Path:
    """``OUT/2025Q4/id`` of ``evalkit study`` in Bahasa Indonesia on the small data."""
    return _report(tmp_path_factory, small_data, "id")


@pytest.fixture(scope="session")
def report_en(tmp_path_factory, small_data) -> Path:
    """``OUT/2025Q4/en`` of ``evalkit study`` in English on the small data."""
    return _report(tmp_path_factory, small_data, "en")


@pytest.fixture(scope="session")
def run_params() -> dict[str, object]:
    """The parameters of the shared study runs: ``period``, ``min_cell``, ``key``."""
    return {"period": PERIOD, "min_cell": MIN_CELL, "key": TEST_KEY}
