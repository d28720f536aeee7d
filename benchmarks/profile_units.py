"""Profile units as a build worker builds them: seconds and CPU seconds per phase, and a cProfile of the worker.

Run from the project root with the project's environment::

    .venv/bin/python benchmarks/profile_units.py                    # the 2023 report and 6 factsheets
    .venv/bin/python benchmarks/profile_units.py --factsheets 12 --cprofile /tmp/units.prof

This process plays one build worker: it pools a kernel (reset between units) and keeps one Chromium open, as
``mpsc-report build`` does, then builds the units one after the other into a temporary folder. Every phase of a unit
(kernel reset, notebook execution, HTML export, each Chromium render, the layout gate's tag-tree reading and page
fills, PDF/UA tagging, open data and its read-back, writing the outputs) is timed by wrapping the function that does
it; besides wall seconds, the CPU seconds of the whole process tree are counted (this process, the kernel, the
Playwright driver, Chromium and the finished ``pdftoppm`` runs), which shows how many cores one worker keeps busy.
The first unit of each kind warms up (kernel, browser) and is left out of the averages. Nested phases are printed
indented under the phase that calls them, as part of its time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import importlib
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The phases timed: (label, module, attribute[, class]) — nested ones are indented by their depth when printed.
PHASES = (
    ("validate data", "mpsc_report.pipeline.build", "validate_data", None),
    ("execute (papermill)", "mpsc_report.pipeline.build", "execute_notebook", None),
    ("kernel: wait for reset/warm-up", "mpsc_report.pipeline.kernels", "take", None),
    ("kernel: hand back (reset starts)", "mpsc_report.pipeline.kernels", "finished", None),
    ("export (HTML, PDF, open data)", "mpsc_report.pipeline.build", "export_notebook", None),
    ("HTML (nbconvert)", "mpsc_report.documents.export.html", "from_notebook_node", "ReportHTMLExporter"),
    ("PDF (everything)", "mpsc_report.documents.export.pdf", "run_playwright", "ReportPDFExporter"),
    ("hyphenate for print", "mpsc_report.documents.export.pdf", "hyphenate_print", None),
    ("print (all renders and checks)", "mpsc_report.documents.export.pdf", "run_print", None),
    ("load document in Chromium", "mpsc_report.documents.export.printer", "open_document", "ChromiumPrinter"),
    ("Chromium render", "mpsc_report.documents.export.pdf", "_render", "ReportPDFExporter"),
    ("table rows per page (pikepdf)", "mpsc_report.documents.export.pdf", "table_row_pages", None),
    ("split tables (soup)", "mpsc_report.documents.export.pdf", "split_continued_tables", None),
    ("heading pages", "mpsc_report.documents.export.pdf", "heading_pages", None),
    ("link pages", "mpsc_report.documents.export.pdf", "link_pages", None),
    ("page count (pikepdf)", "mpsc_report.documents.export.pdf", "_page_count", None),
    ("merge pages + tagging", "mpsc_report.documents.export.pdf", "_finished", None),
    ("PDF/UA tagging", "mpsc_report.documents.export.pdf", "finish_pdf", None),
    ("layout gate (all)", "mpsc_report.documents.export.pdf", "check_layout", None),
    ("layout: names, exempt pages", "mpsc_report.documents.export.pdf", "_printed_document", "ReportPDFExporter"),
    ("layout: page fills (pdftoppm)", "mpsc_report.documents.layout", "page_fills", None),
    ("open data files", "mpsc_report.documents.opendata", "open_data_files", None),
    ("read document contract", "mpsc_report.documents.contract", "read_document", None),
    ("commit outputs", "mpsc_report.pipeline.build", "commit_outputs", None),
    ("open data read-back", "mpsc_report.documents.opendata", "read_back_numbers", None),
)


class MemorySampler:
    """Samples the PSS of this process tree every ``interval`` seconds: the peak total and who held it."""

    def __init__(self, interval: float = 0.25) -> None:
        import threading

        self.interval = interval
        self.peak = 0.0
        self.at_peak: dict[str, float] = {}
        self.max_by_kind: dict[str, float] = defaultdict(float)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Start sampling in a thread of its own."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(self.interval):
            by_kind: dict[str, float] = defaultdict(float)
            for proc in [me, *me.children(recursive=True)]:
                try:
                    pss = proc.memory_full_info().pss / 2**20
                    by_kind[_kind(proc, me)] += pss
                except psutil.Error:
                    continue
            total = sum(by_kind.values())
            for kind, mb in by_kind.items():
                self.max_by_kind[kind] = max(self.max_by_kind[kind], mb)
            if total > self.peak:
                self.peak, self.at_peak = total, dict(by_kind)


def _kind(proc, me) -> str:
    """Which part of a worker tree a process is: worker, kernel, driver (Node.js), Chromium, other."""
    if proc.pid == me.pid:
        return "worker"
    try:
        command = " ".join(proc.cmdline())
    except Exception:
        return "other"
    if "ipykernel" in command:
        return "kernel"
    if "node" in proc.name() or "playwright" in command and "chrom" not in proc.name():
        return "Playwright driver"
    if "chrom" in command:
        return (
            "Chromium ("
            + (
                "renderer"
                if "--type=renderer" in command
                else "browser"
                if "--type=" not in command
                else command.split("--type=")[1].split()[0]
            )
            + ")"
        )
    return proc.name()


class Clock:
    """Wall and tree-CPU seconds per phase and unit."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.depth = 0
        self.order: list[str] = []
        self.depths: dict[str, int] = {}
        self.unit: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.lock = __import__("threading").RLock()

    def cpu(self) -> float:
        """CPU seconds of this process, its live descendants and its reaped children."""
        import psutil

        total = sum(self.me.cpu_times()[:2])
        for child in self.me.children(recursive=True):
            try:
                total += sum(child.cpu_times()[:2])
            except psutil.Error:
                pass
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        return total + reaped.ru_utime + reaped.ru_stime

    def wrap(self, label: str, func):
        """``func`` timed as the phase ``label`` (a function, a coroutine function or an async context manager)."""
        clock = self

        def enter():
            with clock.lock:
                depth = clock.depth
                clock.depth += 1
                clock.depths.setdefault(label, depth)
                if label not in clock.order:
                    clock.order.append(label)
            return time.perf_counter(), clock.cpu()

        def leave(started):
            wall, cpu = time.perf_counter() - started[0], clock.cpu() - started[1]
            with clock.lock:
                clock.depth -= 1
                entry = clock.unit[label]
                entry[0] += wall
                entry[1] += cpu
                entry[2] += 1

        if getattr(func, "__code__", None) is not None and func.__code__.co_flags & 0x80:  # a coroutine function

            @functools.wraps(func)
            async def timed_async(*args, **kwargs):
                started = enter()
                try:
                    return await func(*args, **kwargs)
                finally:
                    leave(started)

            return timed_async
        if label == "load document in Chromium":  # an async context manager: time entering it

            @functools.wraps(func)
            @contextlib.asynccontextmanager
            async def timed_cm(*args, **kwargs):
                manager = func(*args, **kwargs)
                started = enter()
                try:
                    value = await manager.__aenter__()
                finally:
                    leave(started)
                try:
                    yield value
                except BaseException as exc:
                    if not await manager.__aexit__(type(exc), exc, exc.__traceback__):
                        raise
                else:
                    await manager.__aexit__(None, None, None)

            return timed_cm

        @functools.wraps(func)
        def timed(*args, **kwargs):
            started = enter()
            try:
                return func(*args, **kwargs)
            finally:
                leave(started)

        return timed

    def take_unit(self) -> dict[str, list[float]]:
        """The phases of the unit just built: label -> [wall s, CPU s, calls]; starts the next unit's."""
        done, self.unit = dict(self.unit), defaultdict(lambda: [0.0, 0.0, 0])
        return done


def install(clock: Clock) -> None:
    """Wrap every function of :data:`PHASES` where its callers look it up."""
    for label, module_name, attribute, owner in PHASES:
        module = importlib.import_module(module_name)
        target = getattr(module, owner) if owner else module
        setattr(target, attribute, clock.wrap(label, getattr(target, attribute)))
    # build.py imports some of these inside its functions from their packages: patched above at the source.


def main(argv: list[str] | None = None) -> int:
    """Build the units as one worker would and print the phase tables; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factsheets", type=int, default=6, help="factsheets of 2023 to build after the report")
    parser.add_argument("--no-report", action="store_true", help="factsheets only")
    parser.add_argument("--reports", type=int, default=1, help="how often to build the 2023 report")
    parser.add_argument("--cprofile", type=Path, help="also write a cProfile of this process (both threads) here")
    parser.add_argument("--keep", action="store_true", help="keep the output folder")
    args = parser.parse_args(argv)

    from mpsc_report.pipeline import kernels
    from mpsc_report.pipeline.build import KERNEL_NAME, build_unit
    from mpsc_report.pipeline.units import FORMATS, plan_units
    from mpsc_report.pipeline.workers import prepare_worker

    out = Path(tempfile.mkdtemp(prefix="mpsc-profile-"))
    params = ROOT / "params"
    units = []
    if not args.no_report:
        units += plan_units(params, out, waves=["2023"], kinds=("report",)) * args.reports
    if args.factsheets:
        import csv

        with open(ROOT / "mpsc_report" / "data" / "projects.csv", encoding="utf-8") as handle:
            ids = [row["project_id"] for row in csv.DictReader(handle)][: args.factsheets + 1]
        units += plan_units(params, out, waves=["2023"], kinds=("factsheet",), projects=ids)
    clock = Clock()
    install(clock)
    started = time.perf_counter()
    kernels.enable(True)
    kernels.prestart(KERNEL_NAME, units[0].notebook.parent)
    prepare_worker(FORMATS)
    print(f"worker ready in {time.perf_counter() - started:.1f} s (imports, browser; kernel warming up)", flush=True)
    profilers = []
    if args.cprofile:
        from mpsc_report.documents.export import printer

        main_profiler, loop_profiler = cProfile.Profile(), cProfile.Profile()
        printer._SESSION._loop.call_soon_threadsafe(loop_profiler.enable)
        main_profiler.enable()
        profilers = [main_profiler, loop_profiler]
    sampler = MemorySampler()
    sampler.start()
    per_kind: dict[str, list[dict]] = defaultdict(list)
    walls: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for unit in units:
        cpu0, wall0 = clock.cpu(), time.perf_counter()
        result = build_unit(unit, FORMATS)
        wall, cpu = time.perf_counter() - wall0, clock.cpu() - cpu0
        phases = clock.take_unit()
        status = "ok" if result.ok else f"FAILED: {result.error}"
        print(f"{unit.unit_id}: {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / wall:.2f} cores) {status}", flush=True)
        per_kind[unit.kind].append(phases)
        walls[unit.kind].append((wall, cpu))
    if profilers:
        from mpsc_report.documents.export import printer

        profilers[0].disable()
        printer._SESSION.run(_disable(profilers[1]))
        stats = pstats.Stats(profilers[0])
        stats.add(profilers[1])
        stats.dump_stats(args.cprofile)
        print(f"cProfile written to {args.cprofile} (both threads)")
    sampler.stop()
    kernels.close()
    from mpsc_report.documents.export import close_printer_session

    close_printer_session()
    print(f"\npeak PSS of this process tree (worker + kernel + driver + Chromium): {sampler.peak:.0f} MB, of which")
    for kind, mb in sorted(sampler.at_peak.items(), key=lambda item: -item[1]):
        print(f"  {kind:<30} {mb:6.0f} MB   (its own peak: {sampler.max_by_kind[kind]:.0f} MB)")
    for kind, runs in per_kind.items():
        measured = runs[1:] if len(runs) > 1 else runs
        timing = walls[kind][1:] if len(walls[kind]) > 1 else walls[kind]
        wall = statistics.mean(w for w, _ in timing)
        cpu = statistics.mean(c for _, c in timing)
        print(f"\n{kind}: {len(measured)} unit(s) after the first; mean {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"  {'phase':<44} {'wall s':>7} {'CPU s':>7} {'calls':>6}")
        for label in clock.order:
            values = [r.get(label, [0.0, 0.0, 0]) for r in measured]
            if not any(v[2] for v in values):
                continue
            indent = "  " * clock.depths[label]
            w = statistics.mean(v[0] for v in values)
            c = statistics.mean(v[1] for v in values)
            n = statistics.mean(v[2] for v in values)
            print(f"  {indent + label:<44} {w:7.2f} {c:7.2f} {n:6.1f}")
    if args.keep:
        print(f"outputs kept in {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)
    return 0


async def _disable(profiler: cProfile.Profile) -> None:
    profiler.disable()


if __name__ == "__main__":
    sys.exit(main())
