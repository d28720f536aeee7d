"""Command line ``mpsc-report``: the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .build import REPORT_NOTEBOOK, UnitResult, build_units, plan_units
from .errors import MpscReportError
from .params import load_params
from .report import open_report


def main(argv: list[str] | None = None) -> int:
    """Run ``mpsc-report``; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
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

    build = sub.add_parser("build", help="validate, execute and export wave reports")
    build.add_argument("--wave", action="append", dest="waves", metavar="W", help="only this wave (repeatable)")
    build.add_argument("--params-dir", type=Path, default=Path("params"), help="folder of params/*.yaml")
    build.add_argument("--output-dir", type=Path, default=Path("outputs"), help="where outputs/<wave>/ go")
    build.add_argument("--notebook", type=Path, default=REPORT_NOTEBOOK, help="report notebook to execute")
    build.add_argument(
        "--format", action="append", dest="formats", choices=("html", "pdf"), help="export only these formats"
    )
    build.set_defaults(func=_build)

    validate = sub.add_parser("validate", help="check a params file and its data without running a kernel")
    validate.add_argument("params", type=Path, nargs="+", help="params file(s), e.g. params/2023.yaml")
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
    return parser


def _build(args: argparse.Namespace) -> int:
    units = plan_units(args.params_dir, args.output_dir, args.notebook, args.waves)
    formats = tuple(args.formats or ("html", "pdf"))
    total = len(units)
    print(f"Building {total} report(s): {', '.join(u.name for u in units)}")
    started = time.perf_counter()
    done = 0

    def progress(result: UnitResult) -> None:
        nonlocal done
        done += 1
        status = "ok    " if result.ok else "FAILED"
        print(f"[{done}/{total}] {status} {result.unit.name} ({result.seconds:.1f} s)", flush=True)
        for path in result.outputs:
            print(f"         {path}")
        if result.error:
            print(f"         {result.error}")

    results = build_units(units, formats, on_progress=progress)
    failed = [r for r in results if not r.ok]
    elapsed = time.perf_counter() - started
    print(f"{total - len(failed)} of {total} report(s) built in {elapsed:.1f} s; {len(failed)} failed.")
    for result in failed:
        print(f"  FAILED {result.unit.name}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


def _validate(args: argparse.Namespace) -> int:
    for path in args.params:
        params = load_params(path)
        report = open_report(params)
        kf = report.key_figures
        print(f"{path}: ok — wave {params.wave}, {kf.respondents} of {kf.projects} projects answered")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare, format_table, numbers_of

    name_a, a = numbers_of(args.a, args.params_dir)
    name_b, b = numbers_of(args.b, args.params_dir)
    if name_a == name_b:
        name_a, name_b = f"A: {name_a}", f"B: {name_b}"
    print(format_table(compare(a, b), name_a, name_b, only_changed=args.changed))
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
