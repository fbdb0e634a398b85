"""The ``evalkit`` command.

Five subcommands, each a thin layer over a library function:

``evalkit study``     run the period study (:func:`evalkit.study.study_command`); on a
                      national data set the national study
                      (:func:`evalkit.national.run.national_command`)
``evalkit validate``  load and validate a data folder (:func:`evalkit.io.validate_command`);
                      with ``--suggest-mapping``, draft its ``evalkit.toml``
                      (:func:`evalkit.suggest.write_suggestion`)
``evalkit simulate``  write a synthetic data set (:func:`evalkit.simulate`)
``evalkit calibrate`` measure how often the study's intervals cover the truth on data
                      shaped like a data folder (:func:`evalkit.calibration.calibrate`)
``evalkit template``  write the Excel collection kit (:func:`evalkit.kit.write_template`)

The library never imports this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__

DEFAULT_DATA = Path("data/tanjungselor")

_DESCRIPTION = """\
evalkit evaluates how the performance of civil servants (ASN) is managed:
regulation-aware scoring, reliability of the ratings, citizens versus supervisors,
and the impact of training, as a reproducible study per evaluation period.

Typical use:
  evalkit validate data/tanjungselor            check a data folder, list problems
  evalkit study --period 2025Q4                 run the study for one quarter
  evalkit study --period all --language en      every period, reports in English
  evalkit study --period 2025Q4 --units all     also a scorecard (rapor unit) per unit
  evalkit simulate --out mydata --seed 7        a synthetic data set with planted truth
  evalkit calibrate --data mydata --jobs 2      coverage of the study's intervals
  evalkit validate mydata --suggest-mapping     draft a mapping for an agency's own files
  evalkit template --out kit.xlsx               the Excel workbook a data steward fills
  evalkit simulate --out nasional --instansi 4  a national data set: one folder per instansi
  evalkit study --data nasional --period 2025Q4 --workers 2
                                                the national study on a local Dask cluster
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``evalkit simulate: …``), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="evalkit",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"evalkit {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    # --- study -------------------------------------------------------------------------
    p = sub.add_parser(
        "study",
        help="run the period study and write reports/<period>/<language>/",
        description=(
            "Load and validate the data, execute notebooks/study.ipynb for the period with "
            "papermill, and write study.html (brief first, without code), study.pdf (A4), "
            "tables.xlsx, results.json, quarantine.csv and manifest.json to "
            "OUT/<period>/<language>/. A failed period leaves no half report and never "
            "touches another period's or language's report."
        ),
    )
    p.add_argument(
        "--period",
        default="latest",
        help="a quarter (2025Q4), a year (2025 = its quarters), 'latest' (the newest period "
        "in the data) or 'all' (every quarter, and every year whose four quarters are in "
        "the data, one report each). Default: latest",
    )
    p.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})"
    )
    p.add_argument(
        "--out", type=Path, default=Path("reports"), help="output folder (default reports)"
    )
    p.add_argument(
        "--language", choices=("id", "en"), default="id", help="report language (default id)"
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=5,
        help="suppress any cell built from fewer respondents or ratees (default 5)",
    )
    p.add_argument(
        "--rules",
        default="permenpanrb_6_2022",
        help="scoring rule set (default permenpanrb_6_2022)",
    )
    p.add_argument(
        "--units",
        default=None,
        metavar="all|ID[,ID...]",
        help="also write a scorecard per unit (rapor unit: one to two A4 pages, HTML and PDF) into "
        "OUT/<period>/units/ with an index, from the period's saved results",
    )
    p.add_argument(
        "--unit-engine",
        choices=("direct", "papermill"),
        default="direct",
        help="render scorecards directly (fast, default) or execute notebooks/unit.ipynb "
        "with papermill once per unit (slow: a kernel per unit)",
    )
    _add_national_arguments(p)

    # --- validate ----------------------------------------------------------------------
    p = sub.add_parser(
        "validate",
        help="load and validate a data folder; report what was quarantined and why",
        description=(
            "Read every table of a study folder, print rows read, kept and quarantined per "
            "file with the most common reasons, and write the quarantine as CSV. Exit status: "
            "0 every row kept, 1 rows quarantined, 2 the input is unusable (a missing file or "
            "column)."
        ),
    )
    p.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA, help="data folder")
    p.add_argument("--quarantine", type=Path, default=None, help="write the quarantine to this CSV")
    p.add_argument("--period", default=None, help="only this quarter or year")
    p.add_argument(
        "--language",
        choices=("id", "en"),
        default="id",
        help=(
            "language of the summary, the quarantine's reasons and the --suggest-mapping "
            "messages (default id)"
        ),
    )
    _add_suggest_arguments(p)

    # --- simulate ----------------------------------------------------------------------
    p = sub.add_parser(
        "simulate",
        help="write a synthetic Tanjung Selor data set with planted truth",
        description=(
            "Write every table of the data model plus truth.json (the planted divergent "
            "units, training effect, rater leniencies and reliabilities). The same arguments "
            "give byte-identical files; the defaults give the shipped data/tanjungselor."
        ),
    )
    p.add_argument("--out", type=Path, required=True, help="folder to write")
    p.add_argument(
        "--language",
        choices=("id", "en"),
        default="id",
        help="language of the messages (default id)",
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the shipped seed)")
    p.add_argument("--employees", type=int, default=None, help="number of employees (default 2000)")
    p.add_argument("--periods", default=None, help="quarters FIRST:LAST (default 2024Q1:2025Q4)")
    p.add_argument(
        "--divergent-units",
        type=int,
        default=None,
        help="units whose supervisors rate well above what citizens experience",
    )
    p.add_argument(
        "--training-effect",
        type=float,
        default=None,
        help="true effect of training on later supervisor behaviour scores (1-5 scale)",
    )
    p.add_argument(
        "--instansi",
        type=int,
        default=None,
        metavar="K",
        help="write a national data set of K instansi (OUT/instansi.csv and one Parquet "
        "study folder OUT/instansi=<id>/ each, written one instansi at a time); "
        "--employees is then the nation's total (default 2000 per instansi)",
    )
    p.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        dest="file_format",
        help="file format of the tables (default csv; parquet is smaller and quicker to read "
        "for large data sets)",
    )
    _add_template_parser(sub)
    _add_calibrate(sub)
    return parser


def _simulate_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments of ``evalkit simulate`` (checked before any work,
    in the words of the option), or ``None``."""
    from .simulation import MIN_EMPLOYEES

    if args.seed is not None and args.seed < 0:
        return f"--seed must be 0 or more, got {args.seed}"
    if args.employees is not None and args.employees < MIN_EMPLOYEES:
        return f"--employees must be at least {MIN_EMPLOYEES}, got {args.employees}"
    if args.divergent_units is not None and args.divergent_units < 0:
        return f"--divergent-units must be 0 or more, got {args.divergent_units}"
    if args.training_effect is not None and not -1.0 <= args.training_effect <= 1.0:
        return (
            "--training-effect is in points of the 1-5 scale and must lie between -1 and 1, "
            f"got {args.training_effect}"
        )
    if args.periods is not None and ":" not in args.periods:
        return (
            f"--periods takes the first and last quarter as FIRST:LAST, e.g. 2024Q1:2025Q4, "
            f"got {args.periods!r}"
        )
    if args.out.exists() and not args.out.is_dir():
        return f"--out {args.out} is a file; give a folder"
    return None


def _simulate(args: argparse.Namespace) -> int:
    from .labels import Labels
    from .simulation import simulate

    problem = _simulate_problem(args)
    if problem is not None:
        print(f"evalkit simulate: {problem}", file=sys.stderr)
        return 2
    if args.instansi is not None:
        return _simulate_national(args)
    options = {
        k: v
        for k, v in {
            "seed": args.seed,
            "employees": args.employees,
            "periods": args.periods,
            "divergent_units": args.divergent_units,
            "training_effect": args.training_effect,
        }.items()
        if v is not None
    }
    options["file_format"] = args.file_format
    try:
        simulate(out=args.out, **options)
    except ValueError as exc:  # the library's own checks (e.g. a period range)
        print(f"evalkit simulate: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"evalkit simulate: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(Labels(args.language)("io.cli.simulated", path=str(args.out)))
    return 0


def _add_national_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--instansi",
        default=None,
        metavar="ID",
        help="with a national data set (a folder with instansi.csv): the period study of "
        "this one instansi, written to OUT/instansi/<ID>/<period>/<language>/",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:8786",
        help="national data set: run the per-instansi work on this running Dask scheduler",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="national data set: run the per-instansi work on a local Dask cluster of N "
        "worker processes (default: in this process, one instansi after another)",
    )


def _simulate_national(args: argparse.Namespace) -> int:
    from .national import simulate_national

    if args.instansi < 1:
        print(
            f"evalkit simulate: --instansi must be at least 1, got {args.instansi}", file=sys.stderr
        )
        return 2
    options = {
        k: v
        for k, v in {
            "seed": args.seed,
            "employees": args.employees,
            "periods": args.periods,
        }.items()
        if v is not None
    }
    try:
        parts = simulate_national(args.out, instansi=args.instansi, **options)
    except ValueError as exc:
        print(f"evalkit simulate: {exc}", file=sys.stderr)
        return 2
    print(f"national data set written: {args.out} ({len(parts)} instansi)")
    return 0


def _study(args: argparse.Namespace) -> int:
    """``evalkit study``: the period study, or on a national data set the national study
    (or, with ``--instansi``, one instansi's period study)."""
    from .national import instansi_folder, is_national
    from .study import study_command

    data, out = args.data, args.out
    national = is_national(data)
    if (args.scheduler or args.workers) and not national:
        print(
            f"evalkit study: --scheduler and --workers need a national data set; {data} has "
            "no instansi.csv",
            file=sys.stderr,
        )
        return 2
    if national and args.instansi is None:
        from .national.run import national_command

        return national_command(
            period=args.period,
            data_dir=data,
            out_dir=out,
            language=args.language,
            min_cell=args.min_cell,
            scheduler=args.scheduler,
            workers=args.workers,
        )
    if args.instansi is not None:
        if not national:
            print(
                f"evalkit study: --instansi needs a national data set; {data} has no instansi.csv",
                file=sys.stderr,
            )
            return 2
        data = instansi_folder(data, args.instansi)
        out = out / "instansi" / args.instansi
    return study_command(
        period=args.period,
        data_dir=data,
        out_dir=out,
        language=args.language,
        min_cell=args.min_cell,
        rules=args.rules,
        units=args.units,
        unit_engine=args.unit_engine,
    )


def _add_suggest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--suggest-mapping",
        action="store_true",
        help="instead of validating, write a draft mapping (DIR/evalkit.suggested.toml) from "
        "the files' headers and a sample of their values; review it and save it as "
        "DIR/evalkit.toml to use it",
    )
    p.add_argument(
        "--out", type=Path, default=None, help="with --suggest-mapping: where to write the draft"
    )


def _add_template_parser(sub) -> None:
    p = sub.add_parser(
        "template",
        help="write the Excel collection kit that a data steward fills",
        description=(
            "Write an .xlsx workbook with a Petunjuk (instructions) sheet and one sheet per "
            "table: Indonesian headers, input messages, NIP columns as text, date cells, and "
            "drop-down lists for every coded column. A filled kit is read by `evalkit "
            "validate KIT.xlsx` and `evalkit study --data KIT.xlsx`."
        ),
    )
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        help="a data folder whose unit and indicator ids become the drop-down lists",
    )
    p.add_argument(
        "--language",
        choices=("id", "en"),
        default="id",
        help="language of the kit and of the messages (default id)",
    )


def _suggest(args: argparse.Namespace) -> int:
    from .io import InputError, translate_message
    from .labels import Labels
    from .suggest import write_suggestion

    try:
        path = write_suggestion(args.data, args.out)
    except (InputError, OSError) as exc:
        print(f"evalkit validate: {translate_message(str(exc), args.language)}", file=sys.stderr)
        return 2
    target = Path(args.data) / "evalkit.toml"
    print(Labels(args.language)("io.cli.suggested", path=str(path), target=str(target)))
    return 0


def _template(args: argparse.Namespace) -> int:
    from .io import InputError, translate_message
    from .kit import write_template
    from .labels import Labels

    try:
        path = write_template(args.out, data=args.data, language=args.language)
    except (InputError, OSError) as exc:
        print(f"evalkit template: {translate_message(str(exc), args.language)}", file=sys.stderr)
        return 2
    print(Labels(args.language)("io.cli.template_written", path=str(path)))
    return 0


def _add_calibrate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate",
        help="measure how often the study's 95%% intervals contain the truth on data like yours",
        description=(
            "Simulate REPS studies per scenario shaped like the data folder (same employees and "
            "quarters) "
            "with no effect and with a planted training effect, run the analyses that print "
            "intervals, and write DATA/calibration.json: per interval, the share that "
            "contained the true value with its own Wilson interval, and how often any unit "
            "was flagged when none diverges. The study's methods section prints it."
        ),
    )
    p.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"data folder (default {DEFAULT_DATA})"
    )
    p.add_argument("--reps", type=int, default=200, help="studies per scenario (default 200)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--jobs", type=int, default=1, help="parallel worker processes (default 1)")
    p.add_argument(
        "--effect",
        type=float,
        default=0.2,
        help="training effect planted in the effect scenario (default 0.2, 1-5 scale)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file to write (default DATA/calibration.json)",
    )


def _calibrate_command(args: argparse.Namespace) -> int:
    from .calibration import CALIBRATION_FILE, calibrate

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 20) == 0:
            print(f"  {done}/{total} simulated studies", flush=True)

    cal = calibrate(
        args.data,
        reps=args.reps,
        seed=args.seed,
        jobs=args.jobs,
        effect=args.effect,
        progress=progress,
    )
    out = cal.write(args.out or args.data / CALIBRATION_FILE)
    print(cal.text())
    print(f"wrote {out} ({cal.settings['seconds']:.0f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "study":
        return _study(args)
    if args.command == "validate":
        from .io import validate_command

        if args.suggest_mapping:
            return _suggest(args)
        if args.out is not None:
            print("evalkit validate: --out is for --suggest-mapping", file=sys.stderr)
            return 2
        return validate_command(
            args.data, quarantine=args.quarantine, period=args.period, language=args.language
        )
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "calibrate":
        return _calibrate_command(args)
    if args.command == "template":
        return _template(args)
    raise AssertionError(args.command)  # argparse enforces the choices


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
