"""Command line ``mpsc-report``: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildError, DataError, MpscReportError, ParamsError
from .pipeline.batch import BatchOptions, BatchResult, default_jobs, run_batch
from .pipeline.progress import Progress
from .pipeline.units import FACTSHEET_NOTEBOOK, KINDS, REPORT_NOTEBOOK, plan_units

# The pipeline wing imports pandas, papermill, nbconvert and matplotlib only where a step needs them, and every
# command here imports the data and documents wings when it runs, so `--help` and a build with nothing to do stay
# fast (tests/test_architecture.py checks that matplotlib stays out of them).

if TYPE_CHECKING:
    from rich.table import Table


def main(argv: list[str] | None = None) -> int:
    """Run ``mpsc-report``; returns the process exit code."""
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpsc-report", description="Build the MPSC monitoring reports (HTML and PDF) from params files."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    build = sub.add_parser(
        "build",
        help="validate, execute and export wave reports and project factsheets",
        description="Build wave reports (default: every params file) and project factsheets in parallel; "
        "units whose inputs did not change since their last good build are skipped.",
    )
    select = build.add_argument_group("what to build")
    select.add_argument("--all", action="store_true", help="every wave report and every project factsheet")
    select.add_argument("--wave", action="append", dest="waves", metavar="W", help="only this wave (repeatable)")
    select.add_argument(
        "--project", action="append", dest="projects", metavar="ID", help="factsheets of this project (repeatable)"
    )
    select.add_argument(
        "--cohort", action="append", dest="cohorts", metavar="YEAR", help="factsheets of this cohort (repeatable)"
    )
    select.add_argument(
        "--kind", action="append", dest="kinds", choices=KINDS, help="only reports or only factsheets (repeatable)"
    )
    select.add_argument("--force", action="store_true", help="rebuild units even when nothing they depend on changed")
    paths = build.add_argument_group("where")
    paths.add_argument("--params-dir", type=Path, default=Path("params"), help="folder of params/*.yaml")
    paths.add_argument("--output-dir", type=Path, default=Path("outputs"), help="where outputs/<wave>/ go")
    paths.add_argument("--notebook", type=Path, default=REPORT_NOTEBOOK, help="report notebook to execute")
    paths.add_argument(
        "--factsheet-notebook", type=Path, default=FACTSHEET_NOTEBOOK, help="factsheet notebook to execute"
    )
    paths.add_argument(
        "--format", action="append", dest="formats", choices=("html", "pdf"), help="export only these formats"
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
        help="seconds one notebook cell may run (default: %(default)s)",
    )
    run.add_argument(
        "--unit-timeout",
        type=float,
        default=BatchOptions.unit_timeout,
        metavar="S",
        help="seconds one unit may take before its kernel and browser are killed (default: %(default)s)",
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
        "intake settings) or one survey export with its partners file, as a build would read them.",
    )
    validate.add_argument(
        "targets", type=Path, nargs="+", metavar="PARAMS_OR_FILE", help="params/*.yaml, or a .csv/.xlsx export"
    )
    validate.add_argument("--wave", help="wave id of a data file (default: from its name wave_<id>.csv)")
    validate.add_argument(
        "--partners",
        type=Path,
        metavar="PATH",
        help="partner list of a data file (default: partners_<wave>.csv beside it, when there is one)",
    )
    validate.add_argument("--format", dest="input_format", choices=("csv", "xlsx", "limesurvey"), default="csv")
    validate.add_argument("--encoding", choices=("utf-8", "utf-8-sig", "cp1252"), default="utf-8")
    validate.add_argument("--separator", choices=(",", ";", "tab"), default=",")
    validate.add_argument("--decimal", choices=(".", ","), default=".")
    validate.add_argument("--sheet", help="worksheet name of an .xlsx export")
    validate.add_argument("--codebook", help="codebook name or .yaml file (LimeSurvey exports)")
    validate.add_argument(
        "--output-dir", type=Path, default=Path("outputs"), help="validation_errors.csv goes to OUTPUT_DIR/<wave>/"
    )
    validate.set_defaults(func=_validate)

    diff = sub.add_parser("diff", help="list the numbers that changed between two waves or two builds")
    diff.add_argument("a", help="wave id, params file, executed notebook or build folder (e.g. outputs/2022)")
    diff.add_argument("b", help="the same for the other side")
    diff.add_argument("--params-dir", type=Path, default=Path("params"), help="where wave ids are looked up")
    diff.add_argument("--changed", action="store_true", help="list only the numbers that changed")
    diff.set_defaults(func=_diff)

    sample = sub.add_parser("sample", help="regenerate the synthetic sample data (deterministic)")
    sample.add_argument("--out", type=Path, default=None, help="target folder (default: the package's sample)")
    sample.set_defaults(func=_sample)
    _add_preview(sub)
    return parser


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
        formats=tuple(args.formats or ("html", "pdf")),
        jobs=default_jobs() if args.jobs is None else args.jobs,
        force=args.force,
        fail_fast=args.fail_fast,
        cell_timeout=args.cell_timeout,
        unit_timeout=args.unit_timeout,
        dask_scheduler=args.dask_scheduler,
    )
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
    failed = [r for r in outcome.failed if r.status != "not-run"]
    if failed:
        print("Failures:", file=sys.stderr)
        width = max(len(r.unit.unit_id) for r in failed)
        for result in failed:
            cell = result.cell or {}
            where = f"cell {cell.get('index')} (In [{cell.get('execution_count')}])" if cell else "-"
            first = (result.error or "").splitlines()[0] if result.error else ""
            print(f"  {result.unit.unit_id:<{width}}  {result.status:<11}  {where:<18}  {first}", file=sys.stderr)
    print(f"Manifest: {outcome.manifest}\nIndex:    {outcome.index}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape

    from .data.validation import failures_csv
    from .write import write_atomic

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    status = 0
    for target in args.targets:
        if args.partners is not None and target.suffix in (".yaml", ".yml"):
            raise ParamsError(f"--partners is for a data file; {target} names its data folder (partners_<wave>.csv).")
        checked = _validate_params(target) if target.suffix in (".yaml", ".yml") else _validate_file(target, args)
        wave, failures = checked.wave, checked.failures
        if not failures:
            console.print(
                f"[green]ok[/green]  {escape(str(target))}: wave {escape(wave)}, {checked.rows} row(s), no problems"
            )
            console.print(f"    {escape(checked.partners)}")
            continue
        status = DataError.exit_code
        errors_csv = write_atomic(_errors_path(args.output_dir, wave), failures_csv(failures))
        console.print(_failure_table(target, failures))
        console.print(
            f"[red]{len(failures)} problem(s)[/red] in {escape(str(target))} (wave {escape(wave)}); "
            f"full list: {escape(str(errors_csv))}"
        )
    return status


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
    from pydantic import ValidationError

    from .data.load import check_wave_files
    from .data.params import IntakeParams

    wave = args.wave or (path.stem.removeprefix("wave_") if path.stem.startswith("wave_") else None)
    if not wave:
        raise ParamsError(f"{path}: cannot tell the wave from the file name; pass --wave, e.g. --wave 2023.")
    try:
        intake = IntakeParams.model_validate(
            {
                "format": args.input_format,
                "encoding": args.encoding,
                "separator": "\t" if args.separator == "tab" else args.separator,
                "decimal": args.decimal,
                "sheet": args.sheet,
                "codebook": args.codebook,
            }
        )
    except ValidationError as exc:
        raise ParamsError(f"validate {path}: {exc.errors()[0]['msg']}") from None
    beside = path.parent / f"partners_{wave}.csv"
    partners = args.partners or (beside if beside.is_file() and re.fullmatch(_PLAIN_WAVE, wave) else None)
    checked = check_wave_files(path, partners, wave, intake)
    if partners is None:
        note = f"no partner list checked ({beside.name} is not beside it; pass --partners PATH)"
    else:
        note = f"partner list {partners.name}: {checked.partner_rows} row(s)"
    return _Checked(wave, checked.rows, list(checked.failures), note)


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
