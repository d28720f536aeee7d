"""A build of many units: lock -> preflight -> skip unchanged -> run (local workers or Dask) -> manifest and index.

Keeps going past failures by default; a failed unit's earlier outputs are kept and marked stale, never shown
as current. The manifest and the index page are written even when the build is interrupted.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import consistency
from .build import CELL_TIMEOUT_SECONDS
from .fingerprint import Fingerprinter
from .interrupts import caught as interrupts_caught
from .lock import check_writable, output_lock
from .manifest import (
    STATUSES,
    RunRecord,
    is_current,
    now_iso,
    read_manifest,
    record_result,
    write_index,
    write_manifest,
)
from .progress import Progress
from .reader_page import write_reader_page
from .units import FORMATS, Unit, UnitResult
from .workers import UNIT_TIMEOUT_SECONDS, require_dask, run_dask, run_inline, run_local

#: Folder under the output folder for the workers' own output (kernel warnings, tracebacks): one folder per build.
LOG_DIR = ".logs"

#: How many builds' worker logs are kept (the oldest folders are removed when a build starts).
LOGS_KEPT = 5


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch.

    ``jobs`` is the number of local worker processes; 0 builds in this process (no per-unit time limit;
    for debugging). ``dask_scheduler`` sends the units to a Dask cluster instead.
    """

    formats: tuple[str, ...] = FORMATS
    jobs: int = field(default_factory=default_jobs)
    #: Local workers reset and reuse their kernel between units (a failed unit still gets a fresh one); ``False``
    #: starts a fresh kernel for every unit.
    reuse_kernels: bool = True
    force: bool = False
    fail_fast: bool = False
    cell_timeout: float = CELL_TIMEOUT_SECONDS
    unit_timeout: float = UNIT_TIMEOUT_SECONDS
    dask_scheduler: str | None = None


@dataclass
class BatchResult:
    """Outcome of a batch: a result per unit (skipped ones included) and where manifest and index are."""

    results: list[UnitResult]
    manifest: Path
    index: Path
    seconds: float
    interrupted: bool = False
    #: ``"Ctrl-C"`` or ``"SIGTERM"`` when the build was stopped by a signal.
    signal: str | None = None

    @property
    def failed(self) -> list[UnitResult]:
        """Units that did not end with current outputs."""
        return [r for r in self.results if not r.ok]

    def count(self, status: str) -> int:
        """How many units ended with ``status``."""
        return sum(1 for r in self.results if r.status == status)


def run_batch(
    units: list[Unit],
    output_dir: Path,
    options: BatchOptions | None = None,
    progress: Progress | None = None,
    argv: list[str] | None = None,
) -> BatchResult:
    """Build ``units`` into ``output_dir``: skip the unchanged ones, run the rest, record everything.

    Parameters
    ----------
    units : list of Unit
        From :func:`mpsc_report.pipeline.units.plan_units`, all with the same output root ``output_dir``.
    output_dir : Path
        Output root holding ``manifest.json``, ``index.html``, ``failed/`` and the lock.
    options : BatchOptions, optional
        Formats, workers, timeouts, force, fail-fast, Dask.
    progress : Progress, optional
        Display to update (default: one on standard error).
    argv : list of str, optional
        The command line, recorded in the manifest.

    Returns
    -------
    BatchResult
        Raised exceptions are only for problems before any unit runs (lock held, folder not writable, Dask
        asked for but not installed);
        a build stopped by Ctrl-C returns with ``interrupted`` set after writing the manifest.
    """
    options = options or BatchOptions()
    started_wall, started = now_iso(), time.perf_counter()
    if options.dask_scheduler:
        require_dask()
    check_writable(output_dir)
    with output_lock(output_dir), interrupts_caught() as interrupts:
        manifest = read_manifest(output_dir)
        fingerprinter = Fingerprinter()
        fingerprints = {u.unit_id: fingerprinter.unit(u, options.formats) for u in units}
        todo, skipped = [], []
        for unit in units:
            entry = manifest.units.get(unit.unit_id)
            if not options.force and is_current(entry, fingerprints[unit.unit_id], output_dir):
                skipped.append(UnitResult(unit, status="skipped", attempts=0))
            else:
                todo.append(unit)
        progress = progress or Progress(len(units))
        progress.skip(len(skipped))
        results: list[UnitResult] = list(skipped)
        for result in skipped:
            record_result(manifest, result, fingerprints[result.unit.unit_id], output_dir)

        def on_result(result: UnitResult) -> None:
            record_result(manifest, result, fingerprints[result.unit.unit_id], output_dir)
            progress.unit_finished(result)

        interrupted = False
        ran: list[UnitResult] = []
        executor = "dask" if options.dask_scheduler else ("inline" if options.jobs == 0 else "local")
        try:
            if not todo:
                pass
            elif options.dask_scheduler:
                ran, interrupted = run_dask(
                    todo,
                    options.dask_scheduler,
                    options.formats,
                    options.cell_timeout,
                    options.unit_timeout,
                    options.fail_fast,
                    on_result,
                    progress.tick,
                    interrupts=interrupts,
                )
            elif options.jobs == 0:
                ran, interrupted = run_inline(
                    todo, options.formats, options.cell_timeout, options.fail_fast, on_result, interrupts=interrupts
                )
            else:
                ran, interrupted = run_local(
                    todo,
                    options.formats,
                    options.jobs,
                    options.cell_timeout,
                    options.unit_timeout,
                    options.fail_fast,
                    on_result,
                    progress.tick,
                    log_dir=build_log_dir(output_dir),
                    interrupts=interrupts,
                    reuse_kernels=options.reuse_kernels,
                )
        finally:
            # Signals only set a flag from here on (see pipeline.interrupts): the manifest is written in full.
            interrupted = interrupted or interrupts.requested
            progress.finish()
            for result in ran:  # units stopped by a signal or --fail-fast did not go through on_result
                if result.status in ("not-run", "interrupted"):
                    record_result(manifest, result, fingerprints[result.unit.unit_id], output_dir)
            results.extend(ran)
            seconds = time.perf_counter() - started
            manifest.run = RunRecord(
                started=started_wall,
                finished=now_iso(),
                seconds=round(seconds, 3),
                executor=executor,
                jobs=options.jobs if not options.dask_scheduler else None,
                dask_scheduler=options.dask_scheduler,
                formats=list(options.formats),
                force=options.force,
                argv=argv if argv is not None else sys.argv[1:],
                interrupted=interrupted,
                counts={s: sum(1 for r in results if r.status == s) for s in STATUSES},
                units=[u.unit_id for u in units],
            )
            manifest_path = write_manifest(output_dir, manifest)
            index_path = write_index(output_dir, manifest)
            write_reader_page(output_dir, manifest)  # the German page for readers beside the developer index
        interrupted = interrupted or interrupts.requested
        how = interrupts.name or None
    if not interrupted:
        consistency.enforce(manifest)  # a number two documents state must agree: else exit code 1, values named
    return BatchResult(results, manifest_path, index_path, seconds, interrupted, how)


def build_log_dir(output_dir: Path, keep: int = LOGS_KEPT) -> Path:
    """The folder for this build's worker logs: ``<output>/.logs/<start time>-<pid>``.

    The folders of older builds beyond the newest ``keep`` (this one counted) are removed, and so are the single
    ``worker-<pid>.log`` files builds wrote before this layout.
    """
    logs = output_dir / LOG_DIR
    if logs.is_dir():
        for stray in logs.glob("worker-*.log"):
            stray.unlink(missing_ok=True)
        folders = sorted(p for p in logs.iterdir() if p.is_dir() and p.name[:8].isdigit())
        for old in folders[: max(0, len(folders) - (keep - 1))]:
            shutil.rmtree(old, ignore_errors=True)
    return logs / f"{datetime.now().strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"


__all__ = ["BatchOptions", "BatchResult", "build_log_dir", "default_jobs", "run_batch"]
