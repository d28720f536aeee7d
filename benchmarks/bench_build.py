"""Benchmark the build: start-up, plain CLI chain vs ``mpsc-report build``, 1 vs 2 workers, factsheets, no-op, memory.

Run from the project root with the project's environment::

    .venv/bin/python benchmarks/bench_build.py                 # everything (several minutes)
    .venv/bin/python benchmarks/bench_build.py --quick         # 2023 only, 4 factsheets: a smoke run
    .venv/bin/python benchmarks/bench_build.py --startup-only  # import, --help, no-op rebuild: seconds

Every measurement is a separate command run with ``subprocess`` and timed by wall clock, so interpreter start
and imports count as they do for a user. Outputs go to a temporary folder (``--keep`` keeps it). The no-op
rebuild of every unit (``build --all`` with nothing to do) is timed on an output folder that is current, by
default ``outputs/`` after ``./make.sh report`` (``--noop-dir``); it is left out, with the reason, when some unit
there would be rebuilt. Timings on a busy machine are not representative; the targets (2-core machine) are printed
beside the figures, and the load average with them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = ROOT / "notebooks" / "halftime_review.ipynb"
FACTSHEET = ROOT / "notebooks" / "project_factsheet.ipynb"


#: Targets of issue 12 (2-core machine): ratios to the plain CLI chain of the 2023 report measured in the same run.
PER_REPORT_MAX = 0.40  # a wave report in a batch, per report, as a share of the CLI chain
FACTSHEETS_MAX = 3.0  # 73 factsheets (HTML + PDF), 2 workers, as a multiple of the CLI chain
SCALING_MIN = 1.6  # throughput of 2 workers over 1 worker
TREE_MB_MAX = 600  # peak memory of one worker's tree (worker + kernel + browser, PSS)
NOOP_MAX = 1.0  # `build --all` with nothing to do, seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; returns the exit code."""
    args = _parser().parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mpsc-bench-"))
    waves = ["2023"] if args.quick else args.waves
    factsheets = 4 if args.quick and args.factsheets == 73 else args.factsheets
    rows: list[Row] = []
    try:
        rows.extend(_startup(args.noop_dir))
        if args.startup_only:
            return 0
        report_build = _time(_build(work / "one", ["--wave", "2023", "--kind", "report", "-j", "1", "--force"]))
        cli = 0.0
        if not args.skip_cli:
            cli = _cli_chain(work / "cli")
            rows.append(
                ("CLI chain, 2023 report (papermill + nbconvert html + pdf)", f"{cli:.1f} s", "reference", None)
            )
            rows.append(("mpsc-report build, 2023 report alone, 1 worker", f"{report_build:.1f} s", "", None))
            rows.append(("  / CLI chain", f"{report_build / cli:.2f}", "(start-up included)", None))
        else:
            rows.append(("mpsc-report build, 2023 report alone, 1 worker", f"{report_build:.1f} s", "", None))

        notebook = args.factsheet_notebook
        selection = [a for w in waves for a in ("--wave", w)] + ["--kind", "report", "--force"]
        if not args.skip_cli:
            batch = _time(_build(work / "reports", [*selection, "-j", "2"]))
            per_report = batch / len(waves) / cli
            rows.append((f"{len(waves)} wave report(s) in one build, 2 workers", f"{batch:.1f} s", "", None))
            rows.append(
                (
                    "  per report / CLI chain",
                    f"{per_report:.2f}",
                    f"≤ {PER_REPORT_MAX:.2f}",
                    per_report <= PER_REPORT_MAX,
                )
            )
        if notebook.is_file():  # enough units for two workers to stay busy
            scaling = _projects(4 if args.quick else args.scaling_units)
            scaled = ["--wave", "2023", *[a for p in scaling for a in ("--project", p)]]
            scaled += ["--factsheet-notebook", str(notebook), "--force"]
            what = f"{len(scaling)} factsheets"
        else:
            scaled, what = selection, f"{len(waves)} wave report(s)"
        one = _time(_build(work / "j1", [*scaled, "-j", "1"]))
        two = _time(_build(work / "j2", [*scaled, "-j", "2"]))
        rows.append((f"{what}, 1 worker / 2 workers", f"{one:.1f} / {two:.1f} s", "", None))
        rows.append(
            ("  throughput 2 workers / 1 worker", f"{one / two:.2f} ×", f"≥ {SCALING_MIN} ×", one / two >= SCALING_MIN)
        )

        fs_dir = work / "fs"
        fs_args: list[str] = []
        if notebook.is_file():
            projects = _projects(factsheets)
            picked = [a for p in projects for a in ("--project", p)]
            fs_args = ["--wave", "2023", *picked, "--factsheet-notebook", str(notebook), "-j", "2", "--force"]
            fs = _time(_build(fs_dir, fs_args))
            rows.append((f"{len(projects)} factsheets of 2023 (HTML + PDF), 2 workers", f"{fs:.1f} s", "", None))
            if cli:
                rows.append(
                    (
                        "  / CLI chain",
                        f"{fs / cli:.2f}",
                        f"≤ {FACTSHEETS_MAX:.1f} (73 factsheets)",
                        fs / cli <= FACTSHEETS_MAX if len(projects) == 73 else None,
                    )
                )
        else:
            rows.append(("73 factsheets", "skipped", f"{notebook} does not exist yet", None))

        noop_dir = fs_dir if notebook.is_file() else work / "reports"
        noop_args = fs_args[:-1] if notebook.is_file() else [*selection[:-1], "-j", "2"]
        noop = _time(_build(noop_dir, noop_args))
        units = len(json.loads((noop_dir / "manifest.json").read_text())["run"]["units"])
        rows.append((f"no-op rebuild ({units} units, all unchanged)", f"{noop:.2f} s", "", None))

        peak = _peak_memory([work / "one", work / "j1", work / "j2", work / "reports", fs_dir])
        rows.append(
            (
                "peak memory per worker: worker + kernel + browser (PSS)",
                f"{peak['tree']:.0f} MB",
                f"≤ {TREE_MB_MAX} MB",
                peak["tree"] <= TREE_MB_MAX,
            )
        )
        rows.append(("peak RSS of the worker process alone", f"{peak['own']:.0f} MB", "", None))
        rows.append(("peak RSS of a kernel", f"{peak['kernel']:.0f} MB", "", None))
    finally:
        _print_table(rows, args)
        if args.keep:
            print(f"outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


#: One line of the table: what, the figure, its target, whether the target is met (``None``: no target).
Row = tuple[str, str, str, "bool | None"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2023 only and 4 factsheets: checks the script runs")
    parser.add_argument("--waves", nargs="+", default=["2021", "2022", "2023"], help="waves for 1 vs 2 workers")
    parser.add_argument("--factsheets", type=int, default=73, help="how many factsheets of wave 2023 to build")
    parser.add_argument("--scaling-units", type=int, default=20, help="factsheets for 1 vs 2 workers")
    parser.add_argument("--factsheet-notebook", type=Path, default=FACTSHEET, help="factsheet notebook to use")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the plain CLI chain")
    parser.add_argument("--keep", action="store_true", help="keep the outputs")
    parser.add_argument("--startup-only", action="store_true", help="only import, --help and the no-op rebuild")
    parser.add_argument(
        "--noop-dir", type=Path, default=ROOT / "outputs", help="a current output folder of `build --all`"
    )
    return parser


#: Runs of each start-up measurement; the median is reported.
_REPEAT = 5


def _startup(noop_dir: Path) -> list[Row]:
    """``import mpsc_report`` (-X importtime), ``mpsc-report --help`` and ``build --all`` with nothing to do."""
    imports = []
    for _ in range(_REPEAT):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import mpsc_report"], capture_output=True, text=True, check=True
        )
        line = next(x for x in done.stderr.splitlines() if x.rstrip().endswith("| mpsc_report"))
        imports.append(int(re.split(r"\s*\|\s*", line)[1]) / 1e6)
    imported = statistics.median(imports)
    rows: list[Row] = [
        ("import mpsc_report (-X importtime, cumulative)", f"{imported:.3f} s", "< 0.3 s", imported < 0.3)
    ]
    help_times = [_time([str(BIN / "mpsc-report"), "--help"]) for _ in range(_REPEAT)]
    rows.append(("mpsc-report --help (wall)", f"{statistics.median(help_times):.2f} s", "", None))
    stale = _units_to_build(noop_dir)
    if stale is None:
        rows.append(("no-op rebuild, build --all", "skipped", f"no manifest in {noop_dir}", None))
    elif stale[0]:
        rows.append(
            ("no-op rebuild, build --all", "skipped", f"{stale[0]} of {stale[1]} units in {noop_dir} not current", None)
        )
    else:
        command = [str(BIN / "mpsc-report"), "build", "--all", "--output-dir", str(noop_dir)]
        noop = statistics.median(_time(command) for _ in range(_REPEAT))
        rows.append(
            (
                f"no-op rebuild, build --all ({stale[1]} units, all unchanged)",
                f"{noop:.2f} s",
                f"< {NOOP_MAX:g} s",
                noop < NOOP_MAX,
            )
        )
    return rows


def _units_to_build(output_dir: Path) -> tuple[int, int] | None:
    """(units ``build --all`` would build, units planned) for ``output_dir``, or ``None`` without a manifest."""
    sys.path.insert(0, str(ROOT))
    from mpsc_report.pipeline.fingerprint import Fingerprinter
    from mpsc_report.pipeline.manifest import is_current, read_manifest
    from mpsc_report.pipeline.units import plan_units

    if not (output_dir / "manifest.json").is_file():
        return None
    kinds = ("report", "factsheet") if FACTSHEET.is_file() else ("report",)
    units = plan_units(ROOT / "params", output_dir, REPORT, kinds=kinds, factsheet_notebook=FACTSHEET)
    manifest, fingerprinter = read_manifest(output_dir), Fingerprinter()
    formats = ("html", "pdf")
    todo = [
        u for u in units if not is_current(manifest.units.get(u.unit_id), fingerprinter.unit(u, formats), output_dir)
    ]
    return len(todo), len(units)


def _build(out: Path, extra: list[str]) -> list[str]:
    return [str(BIN / "mpsc-report"), "build", "--output-dir", str(out), *extra]


def _time(command: list[str], cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return seconds


def _cli_chain(folder: Path) -> float:
    """papermill, then nbconvert to HTML and to PDF, each its own command, as a user would type them."""
    folder.mkdir(parents=True)
    executed = folder / "halftime_review.ipynb"
    commands = [
        [str(BIN / "papermill"), str(REPORT), str(executed), "-f", str(ROOT / "params" / "2023.yaml")],
        [str(BIN / "jupyter"), "nbconvert", "--to", "mpsc_html", str(executed)],
        # nbconvert's own webpdf would download a browser; mpsc_pdf is WebPDF with the system Chromium.
        [str(BIN / "jupyter"), "nbconvert", "--to", "mpsc_pdf", str(executed)],
    ]
    return sum(_time(command, cwd=folder) for command in commands)


def _projects(count: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from mpsc_report.data.load import load_register

    return list(load_register()["project_id"])[:count]


def _peak_memory(folders: list[Path]) -> dict[str, float]:
    peak = {"tree": 0.0, "own": 0.0, "kernel": 0.0}
    for folder in folders:
        manifest = folder / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text())["units"].values():
            worker = entry.get("worker") or {}
            peak["tree"] = max(peak["tree"], worker.get("peak_tree_pss_mb", 0.0))
            peak["own"] = max(peak["own"], worker.get("peak_rss_mb", 0.0))
            peak["kernel"] = max(peak["kernel"], worker.get("peak_kernel_rss_mb", 0.0))
    return peak


def _print_table(rows: list[Row], args: argparse.Namespace) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmpsc-report build benchmark — {cores} core(s), load average {load}{' (quick)' if args.quick else ''}")
    width = max((len(r[0]) for r in rows), default=10)
    print(f"{'measurement':<{width}}  {'result':>14}  {'target':<24}  met")
    for name, value, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"{name:<{width}}  {value:>14}  {target:<24}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
