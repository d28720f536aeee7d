"""Command line ``mpsc-report``: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError, DataError, MpscReportError, ParamsError
from .pipeline.batch import BatchOptions, BatchResult, default_jobs, run_batch
from .pipeline.progress import Progress, failure_table
from .pipeline.units import FACTSHEET_NOTEBOOK, FORMATS, KINDS, REPORT_NOTEBOOK, plan_units

# The pipeline wing imports pandas, papermill, nbconvert and matplotlib only where a step needs them, and every
# command here imports the data and documents wings when it runs, so `--help` and a build with nothing to do stay
# fast (tests/test_architecture.py checks that matplotlib stays out of them).

if TYPE_CHECKING:
    from rich.table import Table


def main(argv: list[str] | None = None) -> int:
    """Run ``mpsc-report``; returns the process exit code (see :func:`exit_codes`)."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.func(args))
    except MpscReportError as exc:
        print(f"mpsc-report: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mpsc-report: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `mpsc-report projects | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def exit_codes() -> list[tuple[int, str]]:
    """Every exit code of ``mpsc-report`` with its meaning; 2 to 6 are the ``exit_code`` of :mod:`.errors`' classes.

    The ``--help`` epilog and the README's table list exactly these (a test checks the README).
    """
    by_code: dict[int, list[str]] = {}
    for cls in _error_classes():
        if cls.exit_code > 1:
            doc = (cls.__doc__ or cls.__name__).strip().splitlines()[0].rstrip(".")
            by_code.setdefault(cls.exit_code, []).append(f"{doc[:1].lower()}{doc[1:]} ({cls.__name__})")
    for code, meaning in _ALSO.items():
        by_code.setdefault(code, []).append(meaning)
    codes = [
        (0, "success: every unit built or skipped as unchanged; validate found no problem"),
        (1, "a unit failed (the failures table and manifest.json say which and why)"),
    ]
    codes += [(code, "; ".join(meanings)) for code, meanings in sorted(by_code.items())]
    codes.append((130, "interrupted (Ctrl-C)"))
    return codes


#: What else an exit code means, besides the errors of its class.
_ALSO = {2: "the command line is wrong (argparse)", 3: "validate found a problem"}


def _error_classes() -> list[type[MpscReportError]]:
    from . import errors

    return [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, MpscReportError) and cls.__module__ == errors.__name__
    ]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mpsc-report")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples' line breaks and show each option's default (unless it is off or none)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if "%(default)" in text or default in (None, False, argparse.SUPPRESS) or not action.option_strings:
            return text
        shown = default if not isinstance(default, list | tuple) else ", ".join(map(str, default))
        return f"{text} (default: {str(shown).replace('%', '%%')})"


#: Readable names of the CSV separators and decimal marks (a symbol typed as such is accepted too).
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}
DECIMALS = {"point": ".", "comma": ","}


def _named(names: dict[str, str]):
    """An argparse type that accepts a name (``semicolon``) or its symbol (``;``) and returns the name."""
    symbols = {symbol: name for name, symbol in names.items()}

    def convert(text: str) -> str:
        return symbols.get(text, text.strip().lower())

    return convert


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written as YYYY-MM-DD, got {text!r}") from None


_EPILOG_EXIT = "exit codes:\n" + "\n".join(f"  {code:<4} {meaning}" for code, meaning in exit_codes())

_MAIN_EXAMPLES = """\
examples:
  mpsc-report build                                 every wave report (params/*.yaml)
  mpsc-report build --all                           every wave report and every project factsheet
  mpsc-report build --wave 2023 --project Solingen  one factsheet (ids or names, any case)
  mpsc-report build --all --dry-run                 what a build would run, and why
  mpsc-report validate params/2023.yaml             params and data, no kernel
  mpsc-report validate export.csv --wave 2024 --encoding cp1252 --separator semicolon --decimal comma
  mpsc-report new-wave 2024 --from export.csv --field-start 2024-11-11 --field-end 2024-12-13
  mpsc-report projects --cohort 2019                the model projects: ids, names, cohort, Land
  mpsc-report diff 2022 2023 --changed              numbers that changed between two waves

The guide for researchers: docs/guide.md. Commands: mpsc-report COMMAND --help.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpsc-report",
        description="Build the MPSC monitoring reports and project factsheets (HTML and PDF) from params files.",
        epilog=f"{_MAIN_EXAMPLES}\n{_EPILOG_EXIT}",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND", title="commands")

    build = sub.add_parser(
        "build",
        help="validate, execute and export wave reports and project factsheets",
        description="Build wave reports (default: every params file) and project factsheets in parallel; "
        "units whose inputs did not change since their last good build are skipped.",
        epilog="""\
examples:
  mpsc-report build --wave 2023 --format html
  mpsc-report build --wave 2023 --format xlsx --format csv     only the open data (Tabellenband, CSV)
  mpsc-report build --all --cohort 2019 --kind factsheet
  mpsc-report build --wave 2023 --project solingen --project Ulm
  mpsc-report build --all --dry-run
  mpsc-report build --params-dir my-params --output-dir out-en      e.g. English params (language: "en")

"""
        + _EPILOG_EXIT,
        formatter_class=_Formatter,
    )
    select = build.add_argument_group("what to build")
    select.add_argument("--all", action="store_true", help="every wave report and every project factsheet")
    select.add_argument("--wave", action="append", dest="waves", metavar="W", help="only this wave (repeatable)")
    select.add_argument(
        "--project",
        action="append",
        dest="projects",
        metavar="ID",
        help="factsheets of this project: its id or name in any case, e.g. solingen or Münster (repeatable; "
        "`mpsc-report projects` lists them)",
    )
    select.add_argument(
        "--cohort", action="append", dest="cohorts", metavar="YEAR", help="factsheets of this cohort (repeatable)"
    )
    select.add_argument(
        "--kind", action="append", dest="kinds", choices=KINDS, help="only reports or only factsheets (repeatable)"
    )
    select.add_argument("--force", action="store_true", help="rebuild units even when nothing they depend on changed")
    select.add_argument(
        "--dry-run",
        action="store_true",
        help="list the units a build would run and why (new, changed, forced, failed last time) or skip; build nothing",
    )
    paths = build.add_argument_group("where")
    paths.add_argument("--params-dir", type=Path, default=Path("params"), help="folder of the params files *.yaml")
    paths.add_argument("--output-dir", type=Path, default=Path("outputs"), help="where <wave>/ folders go")
    paths.add_argument("--notebook", type=Path, default=REPORT_NOTEBOOK, help="report notebook to execute")
    paths.add_argument(
        "--factsheet-notebook", type=Path, default=FACTSHEET_NOTEBOOK, help="factsheet notebook to execute"
    )
    paths.add_argument(
        "--format",
        action="append",
        dest="formats",
        choices=FORMATS,
        help="write only this format (repeatable; default: all: html, pdf, xlsx — the Tabellenband —, csv — the CSV "
        "files and datapackage.json)",
    )
    run = build.add_argument_group("how")
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes (default: the cores available, here {default_jobs()}; 0: in this process)",
    )
    run.add_argument("--fail-fast", action="store_true", help="start no further unit after the first failure")
    run.add_argument(
        "--cell-timeout",
        type=float,
        default=BatchOptions.cell_timeout,
        metavar="S",
        help="seconds one notebook cell may run",
    )
    run.add_argument(
        "--unit-timeout",
        type=float,
        default=BatchOptions.unit_timeout,
        metavar="S",
        help="seconds one unit may take before its kernel and browser are killed",
    )
    run.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run the units on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of local workers; needs the "
        "optional dask extra (pip install 'mpsc-report[dask]')",
    )
    run.add_argument("--verbose", "-v", action="store_true", help="a line for every unit built")
    build.set_defaults(func=_build)

    validate = sub.add_parser(
        "validate",
        help="check params files or a survey export (intake and validation only, no kernel)",
        description="Check params files (every wave up to theirs, answers and partner lists, with each wave's own "
        "intake settings) or one survey export with its partners file, as a build would read them. Every problem "
        "is listed; the full list goes to a CSV file (below), which a clean check removes.",
        epilog="""\
where the list of problems goes:
  params file    OUTPUT_DIR/<wave>/validation_errors.csv (default OUTPUT_DIR: outputs), as a build writes it
  export FILE    validation_errors_<name>.csv beside FILE, or OUTPUT_DIR/<wave>/validation_errors.csv

examples:
  mpsc-report validate params/2023.yaml
  mpsc-report validate export.csv --wave 2024 --encoding cp1252 --separator semicolon --decimal comma \\
      --field-start 2024-11-11 --field-end 2024-12-13 --partners partner.csv
  mpsc-report validate antworten.xlsx --wave 2024 --format xlsx --sheet Antworten

"""
        + _EPILOG_EXIT,
        formatter_class=_Formatter,
    )
    validate.add_argument(
        "targets", type=Path, nargs="+", metavar="PARAMS_OR_FILE", help="params/*.yaml, or a .csv/.xlsx export"
    )
    validate.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where validation_errors.csv goes: OUTPUT_DIR/<wave>/ (default: outputs for params files, beside "
        "an export FILE)",
    )
    reading = validate.add_argument_group("how an export FILE is read (a params file names its own settings)")
    _reading_options(reading)
    reading.add_argument("--wave", help="wave id of a data file (default: from its name wave_<id>.csv)")
    reading.add_argument(
        "--partners",
        type=Path,
        metavar="PATH",
        help="partner list of a data file (default: partners_<wave>.csv beside it, when there is one)",
    )
    reading.add_argument(
        "--field-start", type=_iso_date, metavar="DATE", help="first day of the field period: dates are checked"
    )
    reading.add_argument("--field-end", type=_iso_date, metavar="DATE", help="last day of the field period")
    validate.set_defaults(func=_validate)

    new_wave = sub.add_parser(
        "new-wave",
        help="add a survey wave: its data folder and params file, then validate",
        description="Copy a wave's survey export (and partner list) into the project's data folder as "
        "wave_<id>.csv, write params/<id>.yaml from the latest wave's params (field period, comparison wave, "
        "data folder), and validate it. A data folder that does not exist yet is created with copies of the "
        "earlier waves, so it holds every wave the report reads; the package's sample is never changed.",
        epilog="""\
examples:
  mpsc-report new-wave 2024 --from export.csv --field-start 2024-11-11 --field-end 2024-12-13
  mpsc-report new-wave 2024 --from export.csv --partners partner.csv --encoding cp1252 --separator semicolon \\
      --field-start 2024-11-11 --field-end 2024-12-13 --data-dir data
then: review params/2024.yaml (title, subtitle, report_date) and run  mpsc-report build --wave 2024

"""
        + _EPILOG_EXIT,
        formatter_class=_Formatter,
    )
    new_wave.add_argument("wave", help="id of the new wave, e.g. 2024")
    new_wave.add_argument("--from", dest="export", type=Path, required=True, metavar="FILE", help="the survey export")
    new_wave.add_argument("--field-start", type=_iso_date, required=True, metavar="DATE", help="first day in field")
    new_wave.add_argument("--field-end", type=_iso_date, required=True, metavar="DATE", help="last day in field")
    new_wave.add_argument(
        "--partners", type=Path, metavar="PATH", help="the wave's partner list (default: partners_<id>.csv beside FILE)"
    )
    new_wave.add_argument("--report-date", type=_iso_date, metavar="DATE", help="title page date (default: today)")
    new_wave.add_argument("--data-dir", type=Path, default=Path("data"), help="the project's data folder")
    new_wave.add_argument("--params-dir", type=Path, default=Path("params"), help="folder of the params files")
    new_wave.add_argument("--output-dir", type=Path, default=Path("outputs"), help="where a list of problems goes")
    new_wave.add_argument("--force", action="store_true", help="replace the wave's files and params file")
    _reading_options(new_wave.add_argument_group("how FILE is read (default: like the earlier waves)"), defaults=False)
    new_wave.set_defaults(func=_new_wave)

    projects = sub.add_parser(
        "projects",
        help="list the model projects: ids, names, cohort and Land",
        description="List the model projects of the register (mpsc_report/data/projects.csv): the id that "
        "--project takes, the name, the cohort and the Land.",
        epilog="examples:\n  mpsc-report projects --cohort 2021\n  mpsc-report projects --state bayern\n",
        formatter_class=_Formatter,
    )
    projects.add_argument("--cohort", action="append", dest="cohorts", metavar="YEAR", help="only this cohort")
    projects.add_argument("--state", action="append", dest="states", metavar="LAND", help="only this Land (any case)")
    projects.set_defaults(func=_projects)

    diff = sub.add_parser(
        "diff", help="list the numbers that changed between two waves or two builds", formatter_class=_Formatter
    )
    diff.add_argument("a", help="wave id, params file, executed notebook or build folder (e.g. outputs/2022)")
    diff.add_argument("b", help="the same for the other side")
    diff.add_argument("--params-dir", type=Path, default=Path("params"), help="where wave ids are looked up")
    diff.add_argument("--changed", action="store_true", help="list only the numbers that changed")
    diff.set_defaults(func=_diff)

    sample = sub.add_parser(
        "sample", help="regenerate the synthetic sample data (deterministic)", formatter_class=_Formatter
    )
    sample.add_argument("--out", type=Path, default=None, help="target folder (default: the package's sample)")
    sample.set_defaults(func=_sample)
    _add_preview(sub)
    return parser


def _reading_options(group: argparse._ArgumentGroup, defaults: bool = True) -> None:
    """The options that say how an export is read (``intake`` keys); without ``defaults`` unset ones stay None."""

    def default(value: str) -> str | None:
        return value if defaults else None

    group.add_argument(
        "--format", dest="input_format", choices=("csv", "xlsx", "limesurvey"), default=default("csv"), help="kind"
    )
    group.add_argument(
        "--encoding", choices=("utf-8", "utf-8-sig", "cp1252"), default=default("utf-8"), help="text encoding"
    )
    group.add_argument(
        "--separator",
        type=_named(SEPARATORS),
        choices=tuple(SEPARATORS),
        default=default("comma"),
        help="field separator",
    )
    group.add_argument(
        "--decimal", type=_named(DECIMALS), choices=tuple(DECIMALS), default=default("point"), help="decimal mark"
    )
    group.add_argument("--sheet", help="worksheet name of an .xlsx export")
    group.add_argument("--codebook", help="codebook name or .yaml file (LimeSurvey exports)")


def _reading(args: argparse.Namespace) -> dict[str, str | None]:
    """The reading options as ``intake`` settings (symbols, not names); unset ones are left out."""
    values = {
        "format": args.input_format,
        "encoding": args.encoding,
        "separator": SEPARATORS.get(args.separator) if args.separator else None,
        "decimal": DECIMALS.get(args.decimal) if args.decimal else None,
        "sheet": args.sheet,
        "codebook": args.codebook,
    }
    return {key: value for key, value in values.items() if value is not None}


def _build(args: argparse.Namespace) -> int:
    kinds = _kinds(args)
    if args.jobs is not None and args.jobs < 0:
        raise BuildError(f"--jobs must be 0 or more, got {args.jobs}.")
    units = plan_units(
        args.params_dir,
        args.output_dir,
        args.notebook,
        args.waves,
        kinds=kinds,
        factsheet_notebook=args.factsheet_notebook,
        projects=args.projects,
        cohorts=args.cohorts,
    )
    options = BatchOptions(
        formats=tuple(dict.fromkeys(args.formats or FORMATS)),
        jobs=default_jobs() if args.jobs is None else args.jobs,
        force=args.force,
        fail_fast=args.fail_fast,
        cell_timeout=args.cell_timeout,
        unit_timeout=args.unit_timeout,
        dask_scheduler=args.dask_scheduler,
    )
    if args.dry_run:
        return _dry_run(units, args.output_dir, options)
    counts = {kind: sum(1 for u in units if u.kind == kind) for kind in kinds}
    where = f"Dask at {options.dask_scheduler}" if options.dask_scheduler else f"{options.jobs} worker(s)"
    if options.jobs == 0 and not options.dask_scheduler:
        where = "this process"
    print(
        f"Building {len(units)} unit(s) ({', '.join(f'{n} {k}(s)' for k, n in counts.items())}) into "
        f"{args.output_dir} with {where}",
        file=sys.stderr,
    )
    progress = Progress(len(units), verbose=args.verbose)
    outcome = run_batch(units, args.output_dir, options, progress, argv=args.argv)
    _summarise(outcome)
    if outcome.interrupted:
        raise KeyboardInterrupt
    return 1 if outcome.failed else 0


def _dry_run(units: list, output_dir: Path, options: BatchOptions) -> int:
    """Print what a build would do with each unit and why; nothing is built, locked or written."""
    from .pipeline.fingerprint import Fingerprinter
    from .pipeline.manifest import build_reason, read_manifest

    manifest = read_manifest(output_dir)
    fingerprinter = Fingerprinter()
    rows = []
    for unit in units:
        fingerprint = fingerprinter.unit(unit, options.formats)
        reason, words = build_reason(manifest.units.get(unit.unit_id), fingerprint, output_dir, options.force)
        rows.append(("skip" if reason == "unchanged" else "build", unit.unit_id, reason, words))
    building = sum(1 for row in rows if row[0] == "build")
    print(
        f"A build would run {building} of {len(units)} unit(s) into {output_dir} and skip {len(units) - building} "
        f"(dry run: nothing is built).",
        file=sys.stderr,
    )
    width = max((len(row[1]) for row in rows), default=0)
    for action, unit_id, reason, words in rows:
        print(f"{action:<5}  {unit_id:<{width}}  {reason:<9}  {words}")
    return 0


def _kinds(args: argparse.Namespace) -> tuple[str, ...]:
    if args.kinds:
        return tuple(args.kinds)
    if args.projects or args.cohorts:
        return ("factsheet",)
    if args.all:
        if args.factsheet_notebook.is_file():
            return ("report", "factsheet")
        print(
            f"note: {args.factsheet_notebook} does not exist yet; --all builds the wave reports only.",
            file=sys.stderr,
        )
    return ("report",)


def _summarise(outcome: BatchResult) -> None:
    parts = [f"{outcome.count(s)} {s}" for s in ("built", "skipped", "failed", "timeout", "interrupted", "not-run")]
    print(f"{len(outcome.results)} unit(s) in {outcome.seconds:.1f} s: {', '.join(parts)}.", file=sys.stderr)
    table = failure_table(outcome.results)
    if table:
        print(table, file=sys.stderr)
    print(f"Manifest: {outcome.manifest}\nIndex:    {outcome.index}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for target in args.targets:
        status = max(status, _validate_one(target, args))
    return status


def _validate_one(target: Path, args: argparse.Namespace) -> int:
    """Check one params file or export, print what was found and write (or remove) its list of problems."""
    from rich.console import Console
    from rich.markup import escape

    from .data.validation import failures_csv
    from .write import write_atomic

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    is_params = target.suffix in (".yaml", ".yml")
    if is_params:
        for option in ("partners", "field_start", "field_end"):
            if getattr(args, option, None) is not None:
                flag = "--" + option.replace("_", "-")
                raise ParamsError(f"{flag} is for an export FILE; {target} names its data folder and field period.")
        checked = _validate_params(target)
        errors_csv = _errors_path(args.output_dir or Path("outputs"), checked.wave)
    else:
        checked = _validate_file(target, args)
        errors_csv = (
            _errors_path(args.output_dir, checked.wave)
            if args.output_dir is not None
            else target.parent / f"validation_errors_{target.stem}.csv"
        )
    failures = checked.failures
    if not failures:
        errors_csv.unlink(missing_ok=True)  # a list left by an earlier check is stale now
        console.print(
            f"[green]ok[/green]  {escape(str(target))}: wave {escape(checked.wave)}, {checked.rows} row(s), no problems"
        )
        console.print(f"    {escape(checked.partners)}")
        return 0
    write_atomic(errors_csv, failures_csv(failures))
    console.print(_failure_table(target, failures))
    console.print(
        f"[red]{len(failures)} problem(s)[/red] in {escape(str(target))} (wave {escape(checked.wave)}); "
        f"full list: {escape(str(errors_csv))}"
    )
    return DataError.exit_code


#: Failures printed as table rows; the rest are counted (and all are in validation_errors.csv).
_TABLE_ROWS = 50


@dataclass(frozen=True)
class _Checked:
    """What ``validate`` found for one target: its wave, answer rows, failures and a word on the partner lists."""

    wave: str
    rows: int
    failures: list
    partners: str


def _validate_params(path: Path) -> _Checked:
    from .data.params import load_params
    from .data.validation import ValidationFailed
    from .data.waves import open_waves

    params = load_params(path)
    try:
        data = open_waves(params)
    except ValidationFailed as exc:
        return _Checked(params.wave, 0, list(exc.failures), "")
    lists = [f.path.name for w in data.waves.values() for f in w.files[1:]]  # after each wave's answers file
    partners = f"partner lists checked: {', '.join(lists)}" if lists else "no partner lists in the data folder"
    return _Checked(params.wave, len(data.current.responses), list(data.failures), partners)


def _validate_file(path: Path, args: argparse.Namespace) -> _Checked:
    """Check an export read with the command line's settings; hints name the options, not the params keys."""
    from pydantic import ValidationError

    from .data.load import check_wave_files
    from .data.params import IntakeParams

    wave = args.wave or (path.stem.removeprefix("wave_") if path.stem.startswith("wave_") else None)
    if not wave:
        raise ParamsError(f"{path}: cannot tell the wave from the file name; pass --wave, e.g. --wave 2023.")
    try:
        intake = IntakeParams.model_validate(_reading(args))
    except ValidationError as exc:
        raise ParamsError(_as_options(f"validate {path}: {exc.errors()[0]['msg']}")) from None
    period = None
    if (args.field_start is None) != (args.field_end is None):
        raise ParamsError("pass both --field-start and --field-end (the field period), or neither.")
    if args.field_start is not None:
        if args.field_end < args.field_start:
            raise ParamsError(f"--field-end {args.field_end} lies before --field-start {args.field_start}.")
        period = (args.field_start, args.field_end)
    beside = path.parent / f"partners_{wave}.csv"
    partners = args.partners or (beside if beside.is_file() and re.fullmatch(_PLAIN_WAVE, wave) else None)
    try:
        checked = check_wave_files(path, partners, wave, intake, field_period=period)
    except MpscReportError as exc:
        exc.message = _as_options(exc.message)
        exc.args = (exc.message,)
        raise
    if partners is None:
        note = f"no partner list checked ({beside.name} is not beside it; pass --partners PATH)"
    else:
        note = f"partner list {partners.name}: {checked.partner_rows} row(s)"
    failures = [replace(f, message=_as_options(f.message), fix=_as_options(f.fix)) for f in checked.failures]
    return _Checked(wave, checked.rows, failures, note)


#: Params keys as hints write them -> the option of ``validate FILE`` and ``new-wave`` that sets them.
_OPTIONS = {"format": "--format", "encoding": "--encoding", "separator": "--separator", "decimal": "--decimal"}
_OPTIONS |= {"sheet": "--sheet", "codebook": "--codebook"}

#: "set `intake: {encoding: cp1252}` (in the params)" and "`intake.encoding`" as hints write them.
_INTAKE_HINT = re.compile(r"(set|declare|check) `intake: \{(\w+): ([^`]*?)\}`(?: in the params(?: file)?)?")
_INTAKE_KEY = re.compile(r"`intake\.(\w+)`")


def _as_options(text: str) -> str:
    """A hint written for a params file, reworded for a command-line run: ``pass `--encoding cp1252```."""

    def option(match: re.Match[str]) -> str:
        verb, key, value = match.group(1), match.group(2), match.group(3).strip().strip("'\"")
        if key not in _OPTIONS:
            return match.group(0)
        if verb == "check":
            return f"check `{_OPTIONS[key]}`"
        names = {"separator": SEPARATORS, "decimal": DECIMALS}.get(key, {})
        value = next((name for name, symbol in names.items() if symbol == value), value)
        return f"pass `{_OPTIONS[key]} {value}`"

    def flag(match: re.Match[str]) -> str:
        key = match.group(1)
        return f"`{_OPTIONS[key]}`" if key in _OPTIONS else match.group(0)

    text = _INTAKE_KEY.sub(flag, _INTAKE_HINT.sub(option, text))
    return re.sub(r"\b([Tt])he params say\b", r"\1he options say", text).replace("the params' `--", "`--")


#: A wave id that can name a file and a folder.
_PLAIN_WAVE = r"[0-9A-Za-z][0-9A-Za-z_-]{0,31}"


def _errors_path(output_dir: Path, wave: str) -> Path:
    """``OUTPUT_DIR/<wave>/validation_errors.csv``, refusing a wave id that would leave OUTPUT_DIR."""
    from .data.validation import ERRORS_FILE

    base = output_dir.resolve()
    folder = (base / wave).resolve()
    if not folder.is_relative_to(base) or folder == base or not re.fullmatch(_PLAIN_WAVE, wave):
        raise ParamsError(f"wave {wave!r} is not a plain wave id such as '2023'; pass --wave.")
    return folder / ERRORS_FILE


def _failure_table(target: Path, failures: list) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Validation problems: {target}", show_lines=False, expand=False)
    for name in ("where", "column", "value", "respondent", "problem", "fix"):
        table.add_column(name, overflow="fold")
    for failure in failures[:_TABLE_ROWS]:
        where = failure.file + (
            f" {failure.sheet}!{failure.cell}" if failure.sheet else (f":{failure.line}" if failure.line else "")
        )
        value = failure.value if len(failure.value) <= 40 else failure.value[:40] + "…"
        cells = (where, failure.column, repr(value) if failure.row is not None else "", failure.respondent)
        table.add_row(*(escape(c) for c in (*cells, failure.message, failure.fix)))
    if len(failures) > _TABLE_ROWS:
        table.caption = f"… and {len(failures) - _TABLE_ROWS} more ({len(failures)} total)"
    return table


def _new_wave(args: argparse.Namespace) -> int:
    """Scaffold a wave (data folder and params file), then validate its params file."""
    from .data.scaffold import scaffold_wave

    if args.field_end < args.field_start:
        raise ParamsError(f"--field-end {args.field_end} lies before --field-start {args.field_start}.")
    made = scaffold_wave(
        args.wave,
        args.export,
        field_start=args.field_start,
        field_end=args.field_end,
        params_dir=args.params_dir,
        data_dir=args.data_dir,
        partners=args.partners,
        reading=_reading(args),
        report_date=args.report_date,
        force=args.force,
    )
    print(f"New wave {made.wave}:")
    print(f"  {made.answers}  (a copy of {args.export})")
    if made.partners is not None:
        print(f"  {made.partners}  (a copy of the partner list)")
    if made.earlier:
        print(f"  {len(made.earlier)} file(s) of the earlier waves copied into {made.data_dir}")
    print(f"  {made.params}  (from {made.template.name}: field period, comparison wave {made.template.stem})")
    for note in made.notes:
        print(f"  note: {note}")
    status = _validate_one(made.params, argparse.Namespace(output_dir=args.output_dir))
    if status == 0:
        print(f"Next: mpsc-report build --wave {made.wave}")
    return status


def _projects(args: argparse.Namespace) -> int:
    """Print the register's projects (id, name, cohort, Land), optionally of some cohorts or Länder."""
    from .data.load import load_register
    from .data.projects import select_projects

    rows = select_projects(load_register(), args.cohorts or (), args.states or ())
    columns = [("id", "project_id"), ("name", "name"), ("cohort", "cohort"), ("Land", "state")]
    widths = [max(len(title), *(len(str(v)) for v in rows[key])) if len(rows) else len(title) for title, key in columns]
    print("  ".join(f"{title:<{w}}" for (title, _), w in zip(columns, widths, strict=True)).rstrip())
    for record in rows.itertuples(index=False):
        values = [str(getattr(record, key)) for _, key in columns]
        print("  ".join(f"{v:<{w}}" for v, w in zip(values, widths, strict=True)).rstrip())
    print(f"{len(rows)} model project(s).", file=sys.stderr)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .documents.diff import compare, format_table, numbers_of

    name_a, a = numbers_of(args.a, args.params_dir)
    name_b, b = numbers_of(args.b, args.params_dir)
    if name_a == name_b:
        name_a, name_b = f"A: {name_a}", f"B: {name_b}"
    print(format_table(compare(a, b), name_a, name_b, only_changed=args.changed))
    return 0


def _sample(args: argparse.Namespace) -> int:
    from .data.load import package_data_dir
    from .data.sample import write_sample

    target = args.out or package_data_dir() / "sample"
    for path in write_sample(target):
        print(path)
    return 0


def _add_preview(sub) -> None:
    """The ``preview`` subcommand's parser (kept apart from the other commands')."""
    preview = sub.add_parser(
        "preview",
        help="serve one document on 127.0.0.1 and update it whenever its notebook, params, data or the package change",
        description="Live preview: serve the wave report (or one project's factsheet) on 127.0.0.1, watch the "
        "notebook, the params file, the data folder and the package, and update the page on every change: a "
        "Markdown edit re-renders without running code; a code, params or data edit runs the notebook again in a "
        "kept-warm kernel. The browser reloads by itself. Ctrl-C stops it.",
    )
    preview.add_argument("--wave", metavar="W", help="the wave (default: the newest params file's)")
    preview.add_argument("--project", metavar="ID", help="preview this project's factsheet instead of the report")
    preview.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    preview.add_argument("--params-dir", type=Path, default=Path("params"), help="folder of params/*.yaml")
    preview.add_argument("--notebook", type=Path, default=REPORT_NOTEBOOK, help="report notebook to preview")
    preview.add_argument(
        "--factsheet-notebook", type=Path, default=FACTSHEET_NOTEBOOK, help="factsheet notebook to preview"
    )
    preview.add_argument(
        "--cell-timeout", type=float, default=300.0, metavar="S", help="seconds one cell may run (default: 300)"
    )
    preview.set_defaults(func=_preview)


def _preview(args: argparse.Namespace) -> int:
    from .pipeline.preview import PreviewOptions, run_preview

    if not 0 <= args.port <= 65535:
        raise BuildError(f"--port must be between 0 (a free port) and 65535, got {args.port}.")
    options = PreviewOptions(
        wave=args.wave,
        project=args.project,
        port=args.port,
        params_dir=args.params_dir,
        notebook=args.notebook,
        factsheet_notebook=args.factsheet_notebook,
        cell_timeout=args.cell_timeout,
    )
    return run_preview(options)


if __name__ == "__main__":
    sys.exit(main())
