"""The project's own promises about packaging, layout and the public API."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import evalkit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "evalkit"

# conda-forge name -> PyPI name, where they differ (none today; keep the map explicit).
CONDA_TO_PYPI: dict[str, str] = {}


def _split_requirement(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_lists_exactly_the_runtime_dependencies():
    runtime = dict(_split_requirement(r) for r in _pyproject()["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = {}
    pip_block = None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_block = dep["pip"]
            continue
        name, spec = _split_requirement(dep)
        if name in ("python", "pip"):
            continue
        conda[CONDA_TO_PYPI.get(name, name)] = spec
    missing = sorted(set(runtime) - set(conda))
    extra = sorted(set(conda) - set(runtime))
    assert not missing, f"runtime dependencies missing from environment.yml: {missing}"
    assert not extra, f"environment.yml lists packages that pyproject.toml does not: {extra}"
    differing = {n: (runtime[n], conda[n]) for n in runtime if runtime[n] != conda[n]}
    assert not differing, f"lower bounds differ (pyproject, environment.yml): {differing}"
    assert pip_block == ["-e ."]


def test_dependencies_have_lower_bounds_only():
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    for req in reqs:
        _, spec = _split_requirement(req)
        assert spec.startswith(">="), f"{req!r}: use a lower bound only"
        assert "," not in spec and "<" not in spec.replace(">=", ""), req


def test_every_public_name_resolves():
    for name in evalkit.__all__:
        assert getattr(evalkit, name) is not None, name
    assert sorted(evalkit.__all__) == evalkit.__all__
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        evalkit.nonexistent  # noqa: B018


def test_importing_every_submodule_shadows_no_public_function():
    """Importing a sub-module binds it on its package; a module named like a function
    it exports would then replace the function (evalkit.reliability.icc once did)."""
    import importlib
    import pkgutil
    import types

    import evalkit.reliability

    for info in pkgutil.walk_packages(evalkit.__path__, prefix="evalkit."):
        if info.name != "evalkit.cli":
            importlib.import_module(info.name)
    for package in (evalkit, evalkit.reliability):
        for name in package.__all__:
            value = getattr(package, name)
            if name != "rules":
                assert not isinstance(value, types.ModuleType), f"{package.__name__}.{name}"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in a Python file; level > 0 for relative imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(0, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_rules_import_nothing_of_the_rest_of_evalkit():
    for path in sorted((PACKAGE / "rules").glob("*.py")):
        for level, module in _imports(path):
            assert not module.startswith("evalkit") or module.startswith("evalkit.rules"), (
                f"{path.name} imports {module}"
            )
            assert level <= 1, f"{path.name} imports {'.' * level}{module} from outside rules/"


def test_library_does_not_import_the_cli_or_notebooks():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "cli.py":
            continue
        for _, module in _imports(path):
            assert not module.endswith("cli") and "notebooks" not in module, (
                f"{path.relative_to(ROOT)} imports {module}"
            )


def test_cli_help_lists_the_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "evalkit.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("study", "validate", "simulate", "calibrate"):
        assert re.search(rf"^\s+{command}\s", out, flags=re.M), out


def test_the_readme_python_example_runs(monkeypatch):
    """The README's Python block is what a researcher copies first: it must run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    head = readme.split("\n## ", 1)[0]
    assert "make study" in head and "make test" in head, "the two commands belong at the top"
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert commands[-1] == "make test"
