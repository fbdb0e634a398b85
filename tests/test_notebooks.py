"""The notebooks: committed without outputs, parameters documented, executed by papermill."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_the_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["explore.ipynb", "study.ipynb", "unit.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    assert nb.metadata.kernelspec.name == "evalkit"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_of_annotated_commented_constants(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    tree = ast.parse(cells[0].source)
    for node in tree.body:  # no derived value may live in the parameters cell
        assert isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant)
    for line in cells[0].source.splitlines():
        assert "  # " in line, f"parameter without a comment: {line}"


def test_papermill_documents_the_study_parameters():
    params = pm.inspect_notebook(str(NOTEBOOKS[1]))
    assert list(params) == [
        "period",
        "data_dir",
        "language",
        "min_cell",
        "rules",
        "output_dir",
        "study_file",
    ]
    assert params["period"]["default"] == '"latest"'
    assert params["period"]["inferred_type_name"] == "str"
    assert params["min_cell"]["inferred_type_name"] == "int"
    assert "quarter like 2025Q4" in params["period"]["help"]
    assert all(p["help"] for p in params.values())


def test_explore_notebook_runs_on_a_data_folder(small_data, tmp_path):
    out = tmp_path / "explore.ipynb"
    nb = pm.execute_notebook(
        str(NOTEBOOKS[0]),
        str(out),
        parameters={"data_dir": str(small_data)},
        kernel_name="evalkit",
        progress_bar=False,
    )
    text = "\n".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "2025Q4" in text  # available_periods
    assert "rows_quarantined" in text  # the validation summary
    assert "missing_share" in text  # the table overview
    assert "atasan" in text  # the first question
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))
