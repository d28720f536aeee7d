"""Soak: build factsheets of a long synthetic history and watch each worker's memory from unit to unit.

Run from the project root with the project's environment::

    .venv/bin/python benchmarks/soak.py                        # 220 factsheets of 10 waves, HTML + PDF, 1 worker
    .venv/bin/python benchmarks/soak.py --units 60 --format html --jobs 2

Writes 10 waves × 73 projects (:func:`mpsc_report.data.sample.write_history`) and a params file per wave into a
temporary folder, then builds factsheets in a steady mix (unit *i* is project *i* // waves of wave *i* % waves, so
every stretch of units reads the same mix of short and long histories) with the ordinary batch runner, and prints,
per worker, the memory after its 20th unit and after its 200th (or last): the worker process, its kernel (reused
from unit to unit) and the whole tree with Chromium (PSS, sampled by the parent when the unit's result arrives),
each also as the mean of the ten units up to that point. Memory that grows with the number of units is a leak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mpsc_report.data.load import load_register  # noqa: E402
from mpsc_report.data.sample import field_period, write_history  # noqa: E402
from mpsc_report.pipeline.batch import BatchOptions, run_batch  # noqa: E402
from mpsc_report.pipeline.progress import Progress  # noqa: E402
from mpsc_report.pipeline.units import plan_units  # noqa: E402

FACTSHEET = ROOT / "notebooks" / "project_factsheet.ipynb"

#: Units (per worker) after which memory is reported.
EARLY, LATE = 20, 200


def main(argv: list[str] | None = None) -> int:
    """Build the history and print the memory table; returns the exit code."""
    args = _parser().parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mpsc-soak-"))
    try:
        params = _history(work, args.waves)
        units = _steady_mix(params, work / "out", args.units)
        started = time.perf_counter()
        outcome = run_batch(
            units, work / "out", BatchOptions(formats=tuple(args.format), jobs=args.jobs), Progress(len(units))
        )
        seconds = time.perf_counter() - started
        failed = [r for r in outcome.results if not r.ok]
        print(
            f"\n{len(outcome.results)} units in {seconds:.0f} s ({', '.join(args.format)}, {args.jobs} worker(s)); "
            f"{len(failed)} failed; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        for result in failed[:5]:
            print(f"  {result.unit.unit_id}: {result.error}")
        _print_memory(outcome.results)
    finally:
        if args.keep:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=10, help="waves of the synthetic history (default 10)")
    parser.add_argument("--units", type=int, default=220, help="factsheets to build (default 220; 730 = all)")
    parser.add_argument("--format", nargs="+", default=["html", "pdf"], choices=["html", "pdf"], help="formats")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the data, params and outputs")
    return parser


def _history(work: Path, waves: int) -> Path:
    """Write the data of ``waves`` waves and one params file per wave; returns the params folder."""
    data, params = work / "data", work / "params"
    written = write_history(data, waves)
    ids = sorted({p.stem.split("_")[1] for p in written if p.name.startswith("wave_")})
    params.mkdir()
    for previous, wave in zip([None, *ids], ids, strict=False):
        start, end = field_period(int(wave))
        (params / f"{wave}.yaml").write_text(
            f'wave: "{wave}"\n'
            'title: "Halbzeitbilanz Modellprojekte Smart Cities"\n'
            f'subtitle: "Synthetische Welle Ende {wave}"\n'
            f'field_start: "{start.isoformat()}"\n'
            f'field_end: "{end.isoformat()}"\n'
            f'report_date: "{int(wave) + 1}-02-07"\n'
            f'data: "{data}"\n'
            'language: "de"\n'
            f"comparison_wave: {f'{chr(34)}{previous}{chr(34)}' if previous else 'null'}\n"
            'publisher: "Monitoring Modellprojekte Smart Cities"\n',
            encoding="utf-8",
        )
    return params


def _steady_mix(params: Path, out: Path, count: int) -> list:
    """``count`` factsheet units, unit *i* of wave *i* mod waves: the same mix of waves all along."""
    units = plan_units(params, out, kinds=("factsheet",), factsheet_notebook=FACTSHEET)
    by_key = {(u.wave, u.project): u for u in units}
    waves = sorted({u.wave for u in units})
    projects = list(load_register()["project_id"])
    picked = []
    for i in range(min(count, len(units))):
        picked.append(by_key[(waves[i % len(waves)], projects[(i // len(waves)) % len(projects)])])
    return picked


def _print_memory(results: list) -> None:
    by_worker: dict[int, list[dict]] = {}
    for result in results:  # in the order the units finished
        if result.ok and result.worker:
            by_worker.setdefault(result.worker["pid"], []).append(result.worker)
    rows = [
        ("worker process, RSS", "rss_mb"),
        ("its kernel, RSS", "kernel_rss_mb"),
        ("worker + kernel + browser, PSS", "tree_pss_mb"),
    ]
    for pid, stats in by_worker.items():
        early, late = min(EARLY, len(stats)), min(LATE, len(stats))
        kernels = {s.get("kernel_units", 0) for s in stats}
        print(f"\nworker {pid}: {len(stats)} units; its kernel served up to {max(kernels)} units in a row")
        print(
            f"{'MB':<34}{'after ' + str(early):>12}{'after ' + str(late):>12}{'growth':>9}"
            f"{'mean ' + str(early - 9) + '–' + str(early):>14}{'mean ' + str(late - 9) + '–' + str(late):>14}"
        )
        for label, key in rows:
            values = [s.get(key) for s in stats]
            if values[early - 1] is None or values[late - 1] is None:
                continue
            first = statistics.mean(v for v in values[max(0, early - 10) : early] if v is not None)
            last = statistics.mean(v for v in values[max(0, late - 10) : late] if v is not None)
            print(
                f"{label:<34}{values[early - 1]:>12.0f}{values[late - 1]:>12.0f}"
                f"{values[late - 1] - values[early - 1]:>+9.0f}{first:>14.0f}{last:>14.0f}"
            )


if __name__ == "__main__":
    sys.exit(main())
