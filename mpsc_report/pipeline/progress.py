"""Progress of a build: a live status line on a terminal, one line per finished unit elsewhere (CI logs)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .units import UnitResult


def format_duration(seconds: float) -> str:
    """``"1:05"`` (minutes:seconds) or ``"1:02:03"``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Count units done / failed / skipped / remaining and estimate the time left.

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
        self._line_shown = False

    @property
    def remaining(self) -> int:
        """Units neither finished nor skipped yet."""
        return self.total - self.done - self.failed - self.skipped

    def eta(self) -> float | None:
        """Seconds left at the throughput so far (units built or failed per second); ``None`` before the first."""
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
        if self.live:
            self.stream.write("\r\033[K" + self.status_line())
            self.stream.flush()
            self._line_shown = True

    def finish(self) -> None:
        """End the live line."""
        if self.live and self._line_shown:
            self.stream.write("\r\033[K" + self.status_line() + "\n")
            self.stream.flush()
            self._line_shown = False

    def _print(self, text: str) -> None:
        if self.live and self._line_shown:
            self.stream.write("\r\033[K")
            self._line_shown = False
        print(text, file=self.stream, flush=True)
