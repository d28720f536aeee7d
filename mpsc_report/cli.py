"""Command line ``mpsc-report``: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .batch import BatchOptions, BatchResult, default_jobs, run_batch
from .build import CELL_TIMEOUT_SECONDS, FACTSHEET_NOTEBOOK, KINDS, REPORT_NOTEBOOK, plan_units
from .errors import BuildError, MpscReportError
from .params import load_params
from .progress import Progress
from .report import open_report
from .workers import UNIT_TIMEOUT_SECONDS


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
        default=CELL_TIMEOUT_SECONDS,
        metavar="S",
        help="seconds one notebook cell may run (default: %(default)s)",
    )
    run.add_argument(
        "--unit-timeout",
        type=float,
        default=UNIT_TIMEOUT_SECONDS,
        metavar="S",
        help="seconds one unit may take before its kernel and browser are killed (default: %(default)s)",
    )
    run.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run the units on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of local workers",
    )
    run.add_argument("--verbose", "-v", action="store_true", help="a line for every unit built")
    build.set_defaults(func=_build)

    validate = sub.add_parser("validate", help="check a params file and its data without running a kernel")
    validate.add_argument("params", type=Path, nargs="+", help="params file(s), e.g. params/2023.yaml")
    validate.set_defaults(func=_validate)

    sample = sub.add_parser("sample", help="regenerate the synthetic sample data (deterministic)")
    sample.add_argument("--out", type=Path, default=None, help="target folder (default: the package's sample)")
    sample.set_defaults(func=_sample)
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
    for path in args.params:
        params = load_params(path)
        report = open_report(params)
        kf = report.key_figures
        print(f"{path}: ok — wave {params.wave}, {kf.respondents} of {kf.projects} projects answered")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from .load import package_data_dir
    from .sample import write_sample

    target = args.out or package_data_dir() / "sample"
    for path in write_sample(target):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
