"""Progress of a build: a live status line on a terminal (rich.progress), one line per finished unit in logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from ..documents.cells import CellRef
from .units import UnitResult

if TYPE_CHECKING:
    import rich.progress


def format_duration(seconds: float) -> str:
    """``"1:05"`` (minutes:seconds) or ``"1:02:03"``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def failure_table(results: Iterable[UnitResult]) -> str:
    """The failures of a build as a plain table: unit, status, cell and the full error, continuation lines indented.

    The cell is named as in the error message and ``manifest.json`` (``cell 5 (In [3])``, see
    :mod:`mpsc_report.documents.cells`); units a ``--fail-fast`` stop left unstarted are not listed. Returns ""
    when nothing failed.
    """
    failed = [r for r in results if not r.ok and r.status != "not-run"]
    if not failed:
        return ""
    cells = [str(CellRef.from_record(r.cell) or "-") for r in failed]
    width = max(len("unit"), *(len(r.unit.unit_id) for r in failed))
    cell_width = max(len("cell"), *(len(c) for c in cells))
    lines = ["Failures:", f"  {'unit':<{width}}  {'status':<11}  {'cell':<{cell_width}}  error"]
    indent = " " * (2 + width + 2 + 11 + 2 + cell_width + 2)
    for result, cell in zip(failed, cells, strict=True):
        error = (result.error or "").removeprefix(f"{result.unit.unit_id}: ")
        first, *rest = error.splitlines() or [""]
        lines.append(f"  {result.unit.unit_id:<{width}}  {result.status:<11}  {cell:<{cell_width}}  {first}")
        lines += [f"{indent}{line}" for line in rest]
    return "\n".join(lines)


class Progress:
    """Count units done / failed / skipped / remaining and estimate the time left.

    On a terminal a rich.progress display keeps a bar and the status line at the bottom, redrawn in place, with
    failures (and with ``verbose`` every unit) printed above it; elsewhere every finished unit is one plain line.

    Parameters
    ----------
    total : int
        Units in the run, skipped ones included.
    stream : text stream
        Where to write (default: standard error).
    live : bool, optional
        Redraw one status line in place; default: when ``stream`` is a terminal.
    verbose : bool
        Also print a line for every unit built (always done when not live).
    """

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None, verbose: bool = False):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.verbose = verbose
        self.total = total
        self.done = self.failed = self.skipped = self.running = 0
        self.started = time.monotonic()
        self._display: rich.progress.Progress | None = None
        self._task: rich.progress.TaskID | None = None

    @property
    def remaining(self) -> int:
        """Units neither finished nor skipped yet."""
        return self.total - self.done - self.failed - self.skipped

    def eta(self) -> float | None:
        """Seconds left at the throughput so far (units built or failed per second); ``None`` before the first.

        Skipped units take no time, so they do not count towards the throughput.
        """
        finished = self.done + self.failed
        if not finished:
            return None
        return (time.monotonic() - self.started) / finished * self.remaining

    def status_line(self) -> str:
        """``[12/222] done 10 · failed 1 · skipped 200 · running 2 · remaining 9 · ETA 0:35``."""
        eta = self.eta()
        return (
            f"[{self.done + self.failed + self.skipped}/{self.total}] done {self.done} · failed {self.failed} · "
            f"skipped {self.skipped} · running {self.running} · remaining {self.remaining} · "
            f"ETA {format_duration(eta) if eta is not None else '?'}"
        )

    def skip(self, count: int) -> None:
        """Record units skipped as unchanged."""
        self.skipped += count
        if count:
            self._print(f"{count} unit(s) unchanged since the last build: skipped (--force rebuilds them)")
            self._redraw()

    def unit_finished(self, result: UnitResult) -> None:
        """Record one finished unit and show it (failures always, successes when not live or verbose)."""
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
        if not result.ok:
            self._print(f"{result.status.upper():8} {result.unit.name} ({result.seconds:.1f} s): {result.error}")
        elif self.verbose or not self.live:
            self._print(f"built    {result.unit.name} ({result.seconds:.1f} s) {self.status_line()}")
        self.tick(self.running)

    def tick(self, running: int) -> None:
        """Redraw the live line with the number of units running now."""
        self.running = running
        self._redraw()

    def finish(self) -> None:
        """End the live display, leaving its last state on screen."""
        if self._display is not None:
            self._redraw()
            self._display.stop()
            self._display = self._task = None

    def _redraw(self) -> None:
        if not self.live:
            return
        display = self._display or self._start()
        assert self._task is not None
        display.update(self._task, completed=self.total - self.remaining, status=self.status_line())

    def _start(self) -> rich.progress.Progress:
        """Open the rich display on first use (rich.progress is imported only for a live terminal)."""
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn
        from rich.progress import Progress as Display

        console = Console(file=self.stream, force_terminal=True, highlight=False)
        self._display = Display(
            BarColumn(bar_width=24),
            TextColumn("{task.fields[status]}", markup=False),
            console=console,
            refresh_per_second=4,  # other output of this process is printed above the display
        )
        self._task = self._display.add_task("build", total=self.total, status=self.status_line())
        self._display.start()
        return self._display

    def _print(self, text: str) -> None:
        if self.live:
            display = self._display or self._start()
            display.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=self.stream, flush=True)
