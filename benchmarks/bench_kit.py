"""Benchmark: the real-data-in paths against loading evalkit's own CSV files.

On ``data/tanjungselor`` (or ``--data DIR``): the time to load the CSV folder, to write the
data into the Excel collection kit (:func:`evalkit.kit.write_template`), to load the
filled kit, and to load the data re-exported with Indonesian headers and agency
spellings through a mapping (``tests/_exports.py``). Prints each time and its ratio to
the CSV load. The kit is slower because openpyxl reads a workbook cell by cell; the
mapping step costs little beside parsing.

Run ``python benchmarks/bench_kit.py [--data DIR]``. Nothing is asserted: the numbers are
for people.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "tanjungselor"


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHIPPED, help="the data folder")
    args = parser.parse_args(argv if argv is not None else [])

    from evalkit.io import load_study
    from evalkit.kit import write_template

    sys.path.insert(0, str(ROOT / "tests"))
    from _exports import AGENCY_MAPPING, agency_export

    load_study(args.data)  # warm up: imports and first-call costs are not the CSV's
    study, csv_s = _timed(lambda: load_study(args.data))
    rows = int(study.summary["rows_read"].sum())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kit, write_s = _timed(lambda: write_template(tmp / "kit.xlsx", data=study, fill=True))
        from_kit, kit_s = _timed(lambda: load_study(kit))
        folder = agency_export(study, tmp / "agency")
        (folder / "evalkit.toml").write_text(AGENCY_MAPPING, encoding="utf-8")
        mapped, mapped_s = _timed(lambda: load_study(folder))
    print(f"{rows:,} rows in {args.data}")
    print(f"{'path':<36}{'seconds':>10}{'x CSV load':>12}{'quarantined':>13}")
    for name, seconds, loaded in (
        ("load the CSV files", csv_s, study),
        ("write the filled kit", write_s, None),
        ("load the filled kit", kit_s, from_kit),
        ("load the agency export (mapping)", mapped_s, mapped),
    ):
        q = "" if loaded is None else f"{len(loaded.quarantine):>13}"
        print(f"{name:<36}{seconds:>10.1f}{seconds / csv_s:>12.1f}{q}")


if __name__ == "__main__":
    main(sys.argv[1:])
