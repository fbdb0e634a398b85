"""The large-data path gives the same study as the small one (#18).

A CSV file larger than ``evalkit.io.text.LARGE_BYTES`` without quotes is read in blocks,
its text cells held as categories; the simulator keeps categorical text in tables of more
than ``LARGE_TABLE_ROWS`` rows and writes Parquet on request; ``evalkit study`` hands its
loaded study to the notebook's kernel. Each is checked here against the ordinary path on
small data by making the thresholds small: same values, the same quarantine row by row,
the same results.json.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_io_faults import FAULTS, _run, base  # noqa: F401 - ``base`` is a fixture

import evalkit.io.text as io_text
import evalkit.simulation as simulation
from evalkit._saved import read_saved_study, save_study
from evalkit.io import InputError, load_study
from evalkit.tables import TABLES

FRAMES = (*TABLES, "quarantine", "repairs", "summary")


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical text columns as the ``str`` columns of the ordinary path."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype("str").where(out[c].notna(), None)
    return out


def _assert_same_study(a, b) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(_as_text(getattr(a, name)), getattr(b, name), obj=name)
    ids_a = set(map(tuple, a.identifiers.to_numpy().tolist()))
    ids_b = set(map(tuple, b.identifiers.to_numpy().tolist()))
    assert ids_a == ids_b


def _load_in_blocks(path, monkeypatch, block: int = 4096):
    with monkeypatch.context() as m:
        m.setattr(io_text, "BLOCK_BYTES", block)
        m.setattr(io_text, "LARGE_BYTES", block)
        return load_study(path)


def test_a_large_file_read_in_blocks_gives_the_same_study(small_data, monkeypatch):
    whole = load_study(small_data)
    blocks = _load_in_blocks(small_data, monkeypatch)
    # the files without quotes were read in blocks: their text is categorical, sorted
    beh = blocks.behaviour
    for column in ("period", "employee_id", "rater_id", "rater_role", "value"):
        assert isinstance(beh[column].dtype, pd.CategoricalDtype), column
        categories = beh[column].cat.categories.tolist()
        assert categories == sorted(categories), column
    assert not isinstance(blocks.employees["name"].dtype, pd.CategoricalDtype)  # quoted
    _assert_same_study(blocks, whole)


def test_sorting_and_grouping_categorical_text_follow_the_text(small_data, monkeypatch):
    whole = load_study(small_data).behaviour
    blocks = _load_in_blocks(small_data, monkeypatch).behaviour
    keys = ["rater_id", "value", "employee_id"]
    a = blocks.sort_values(keys, kind="stable").reset_index(drop=True)
    b = whole.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(_as_text(a), b)
    ga = blocks.groupby(["rater_role", "value"])["score"].mean()
    gb = whole.groupby(["rater_role", "value"])["score"].mean()
    assert ga.index.tolist() == gb.index.tolist()
    assert ga.tolist() == gb.tolist()


#: Every sixth fault in the ordinary run, the whole corpus with ``make test-slow``.
_CORPUS = [
    pytest.param(f, id=f.name, marks=() if i % 6 == 0 else pytest.mark.slow)
    for i, f in enumerate(FAULTS)
]


@pytest.mark.parametrize("fault", _CORPUS)
def test_every_fault_is_judged_the_same_in_blocks(base, tmp_path, monkeypatch, fault):  # noqa: F811
    """The fault corpus read whole and in blocks of 64 bytes (a line or two each):
    the same rows kept, the same quarantine records (file, line, column, value, reason),
    the same notes, or the same unusable-input message."""
    c = _run(base, fault, tmp_path / "case")
    if fault.error is not None:
        with pytest.raises(InputError) as whole:
            load_study(c.folder)
        with pytest.raises(InputError) as blocks:
            _load_in_blocks(c.folder, monkeypatch, 64)
        assert str(blocks.value) == str(whole.value)
        return
    whole = load_study(c.folder)
    blocks = _load_in_blocks(c.folder, monkeypatch, 64)
    _assert_same_study(blocks, whole)


def test_simulated_parquet_loads_to_the_same_study_as_csv(tmp_path):
    args = {"seed": 3, "employees": 200, "periods": "2025Q3:2025Q4"}
    simulation.simulate(out=tmp_path / "csv", **args)
    simulation.simulate(out=tmp_path / "parquet", file_format="parquet", **args)
    assert sorted(p.name for p in (tmp_path / "parquet").glob("*.parquet")) == sorted(
        f"{name}.parquet" for name in TABLES
    )
    assert not list((tmp_path / "parquet").glob("*.csv"))
    from_csv = load_study(tmp_path / "csv")
    from_parquet = load_study(tmp_path / "parquet")
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(from_parquet, name), getattr(from_csv, name))
    assert len(from_parquet.quarantine) == len(from_csv.quarantine) == 0


def test_a_large_parquet_file_keeps_its_text_as_categories(tmp_path, monkeypatch):
    """Text columns of a Parquet file of many rows are read as Arrow dictionaries and
    kept as categories (#18: converted to Python strings, the behaviour file held
    5.7 GB at 100,000 employees); the study equals the CSV one, also when the text
    holds control characters, blank cells and values that differ only by them."""
    import evalkit.io.read as io_read

    args = {"seed": 3, "employees": 200, "periods": "2025Q3:2025Q4"}
    simulation.simulate(out=tmp_path / "csv", **args)
    simulation.simulate(out=tmp_path / "parquet", file_format="parquet", **args)
    # damage both copies alike: a NUL inside an id, a blank rater role, an id that a
    # control character makes look new
    for folder in ("csv", "parquet"):
        path = tmp_path / folder / f"behaviour.{folder}"
        frame = pd.read_csv(path, dtype=str) if folder == "csv" else pd.read_parquet(path)
        frame = frame.astype({c: object for c in frame.columns if c != "score"})
        frame.loc[3, "employee_id"] = (
            frame.loc[3, "employee_id"][:2] + "\x00" + frame.loc[3, "employee_id"][2:]
        )
        frame.loc[5, "rater_role"] = "  "
        frame.loc[7, "rater_id"] = frame.loc[7, "rater_id"] + "\x07"
        if folder == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    monkeypatch.setattr(io_read, "PARQUET_CATEGORY_ROWS", 0)
    from_parquet = load_study(tmp_path / "parquet")
    assert isinstance(from_parquet.behaviour["employee_id"].dtype, pd.CategoricalDtype)
    assert isinstance(from_parquet.behaviour["rater_role"].dtype, pd.CategoricalDtype)
    from_csv = load_study(tmp_path / "csv")
    import dataclasses

    renamed = {  # the files' names are the one difference (and a CSV note says lines)
        name: getattr(from_parquet, name).assign(
            file=lambda f: f["file"].str.replace(".parquet", ".csv", regex=False)
        )
        for name in ("quarantine", "summary")
    }
    renamed["summary"]["notes"] = renamed["summary"]["notes"].str.replace(
        "removed from 2 row(s)", "removed from 2 line(s)", regex=False
    )
    _assert_same_study(dataclasses.replace(from_parquet, **renamed), from_csv)
    assert len(from_csv.quarantine) == 1  # the blank required rater role
    assert any("control characters" in n for n in from_parquet.summary["notes"].astype(str))


def test_simulate_rejects_an_unknown_file_format():
    with pytest.raises(ValueError, match="file_format"):
        simulation.simulate(employees=200, periods="2025Q4:2025Q4", file_format="xlsx")


def test_large_simulated_tables_keep_categorical_text_with_the_same_values(monkeypatch):
    args = {"seed": 5, "employees": 200, "periods": "2025Q3:2025Q4"}
    small = simulation.simulate(**args)
    monkeypatch.setattr(simulation, "LARGE_TABLE_ROWS", 1000)
    large = simulation.simulate(**args)
    assert isinstance(large.behaviour["employee_id"].dtype, pd.CategoricalDtype)
    for name in TABLES:
        pd.testing.assert_frame_equal(_as_text(getattr(large, name)), getattr(small, name))


def test_results_are_the_same_from_blocks_and_from_a_saved_study(small_data, tmp_path, monkeypatch):
    """results.json of a period, from the ordinary load, from the large-file path, and
    from the study that ``evalkit study`` saves for the kernel."""
    from evalkit.report import build_report

    period = "2025Q4"
    whole = build_report(load_study(small_data), period).results
    blocks = build_report(_load_in_blocks(small_data, monkeypatch), period).results
    assert blocks == whole
    saved = save_study(load_study(small_data), tmp_path / "study.evalkit-study")
    assert build_report(saved, period).results == whole


def test_a_saved_study_reads_back_equal(small_data, tmp_path):
    study = load_study(small_data)
    again = read_saved_study(save_study(study, tmp_path / "study.evalkit-study"))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(study, name))
    assert again.files == study.files and again.source == study.source
    with pytest.raises(ValueError, match="evalkit-study"):
        save_study(study, tmp_path / "study.pkl")


def test_repeated_keys_of_categorical_columns_match_pandas():
    """The sort on combined category codes (#18: pandas' ``duplicated`` held 8-byte
    labels per row and column plus a hash table, 82 bytes per behaviour row) flags
    exactly the rows pandas flags, missing values included."""
    from evalkit.io.validate import _repeated

    rng = np.random.default_rng(7)
    n = 20_000
    frame = pd.DataFrame(
        {
            "period": pd.Categorical(rng.choice(["2025Q1", "2025Q2", None], n)),
            "employee_id": pd.Categorical(rng.integers(0, 3_000, n).astype(str)),
            "rater_id": pd.Categorical(rng.choice(["a", "b", "c", "d"], n)),
        }
    )
    expected = frame.duplicated(keep=False).to_numpy()
    assert 0 < expected.sum() < n  # both kinds of row are present
    assert np.array_equal(_repeated(frame, list(frame.columns)), expected)
    unique = frame.drop_duplicates()
    assert not _repeated(unique, list(frame.columns)).any()


def test_value_checks_of_categorical_columns_equal_the_checks_of_their_text(monkeypatch):
    """A categorical column is checked on its distinct values and each failing value
    traced back to its rows (#18: pandera over millions of cells held several copies
    of the column); the problems, their rows and their order are those of the same
    column as text, for codes, ranges and missing required values."""
    from evalkit.io.validate import _values

    rng = np.random.default_rng(1)
    n = 5_000
    text = pd.DataFrame(
        {
            "period": rng.choice(["2025Q1", "2025Q2"], n),
            "employee_id": rng.choice(["E1", "E2", None], n),
            "rater_id": rng.choice(["E1", "E3"], n),
            "rater_role": rng.choice(["atasan", "rekan", "boss", None], n),
            "value": rng.choice(["loyal", "adaptif", "xx"], n),
            "score": pd.array(rng.choice([1, 2, 5, 9, None], n), dtype="Int64"),
        }
    )
    categorical = text.astype({c: "category" for c in text.columns if c != "score"})

    def found(frame):
        return [
            (p.column, str(p.reasons), p.rows.tolist()) for p in _values(TABLES["behaviour"], frame)
        ]

    expected = found(text)
    assert [(c, r) for c, r, _ in expected] == [
        ("employee_id", "missing value: employee_id is required"),
        ("rater_role", "missing value: rater_role is required"),
        ("rater_role", "not an allowed code"),
        ("value", "not an allowed code"),
        ("score", "missing value: score is required"),
        ("score", "outside the allowed range 1 to 5"),
    ]
    assert found(categorical) == expected
    # the other columns are checked in slices of rows: same problems, rows and order
    import evalkit.io.validate as validate

    monkeypatch.setattr(validate, "_CHECK_ROWS", 700)
    assert found(text) == expected


def test_categorical_ids_are_looked_up_by_category():
    """``_isin`` on a categorical column equals pandas' ``isin``, missing cells included
    (#18: pandas widened the codes to 8 bytes; pyarrow text took 4 s for 250,000 ids)."""
    from evalkit.io.validate import _isin

    values = pd.Series(
        pd.Categorical(["E2", None, "E1", "E9", "E2"], categories=["E1", "E2", "E9", "E5"])
    )
    ids = pd.Index(["E2", "E9", "E7"], dtype="str")
    assert _isin(values, ids).tolist() == [True, False, False, True, True]
    assert _isin(values, ids).tolist() == values.isin(ids).tolist()
    assert _isin(values.astype(object), ids).tolist() == values.isin(ids).tolist()


@pytest.mark.parametrize(
    "late", [None, b'"quoted",x\n', b"caf\xe9,x\n", b"a\rb,x\n", b"nul\x00,x\n"], ids=str
)
def test_a_large_plain_file_is_read_from_disk_as_from_its_bytes(tmp_path, monkeypatch, late):
    """A large quote-free UTF-8 file is read from disk block by block (#18: holding the
    whole behaviour file cost 1.8 GB at 250,000 employees): the records equal the
    in-memory block reading, also when the first block's long lines make the row
    estimate short; a quote, a byte that is not UTF-8, a carriage return without a line
    feed or a control character after several blocks sends the file back to the
    careful reading (None)."""
    monkeypatch.setattr(io_text, "BLOCK_BYTES", 256)
    rows = [f"2025Q{1 + i % 4},E{i:05d}{'x' * 60 if i < 8 else ''}\n".encode() for i in range(400)]
    body = b"".join(rows[:300]) + (late or b"") + b"".join(rows[300:])
    path = tmp_path / "big.csv"
    path.write_bytes(b"period,employee_id\n" + body)
    streamed = io_text.stream_records(path, ",", skip_bom=False)
    if late is not None:
        assert streamed is None
        return
    expected = io_text.split_records(path.read_bytes(), ",")
    assert streamed.header == expected.header == ["period", "employee_id"]
    assert len(streamed.body) == 400
    assert streamed.lines.tolist() == expected.lines.tolist() == list(range(2, 402))
    for c in expected.body.columns:
        assert streamed.body[c].astype(str).tolist() == expected.body[c].astype(str).tolist()
    assert streamed.rejected == expected.rejected == []


def test_cell_text_of_categorical_cells_is_read_per_category():
    """The text of a categorical column (a large Parquet file's) is computed once per
    category (#18: per cell it took 12.6 s and 1.5 GB for the behaviour ids at 100,000
    employees) and equals the text of the same cells as objects: stripped, no-break
    spaces as spaces, empty for a missing cell, categories that strip alike merged."""
    from evalkit.io.parse import cell_text

    cells = [" E1", "E1", None, "1.97E+17", "b\u00a0", "", "E1 "]
    text = cell_text(pd.Series(pd.Categorical(cells)), text_only=False)
    assert isinstance(text.dtype, pd.CategoricalDtype)
    assert text.tolist() == cell_text(pd.Series(cells, dtype=object), text_only=False).tolist()
    assert text.tolist() == ["E1", "E1", "", "1.97E+17", "b", "", "E1"]
    assert text.cat.categories.tolist().count("E1") == 1
