"""SIGINT (Ctrl-C) and SIGTERM during a build: noted at once, acted on where the build can stop cleanly.

While a build runs, both signals only set a flag and wake the build's loop (a self-pipe its ``wait`` watches), so
an interrupt can never strike half-way through starting a worker, killing a process tree or writing the manifest:
the loop kills every worker's process tree, records the running units as ``interrupted`` and the waiting ones as
``not-run``, and the manifest is written in full. Only around a unit built in this process (``--jobs 0``) does
the signal raise :class:`KeyboardInterrupt` at once, since nothing else would stop a running notebook there.

A process that starts with SIGINT ignored keeps ignoring it, as POSIX shells arrange for background jobs of a
script (``cmd &`` without job control) and as Python itself does: such a build is stopped with SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

#: How each signal is named in messages and the manifest.
SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


class Interrupts:
    """The first SIGINT or SIGTERM received during a build, and a file descriptor that becomes readable then."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._raising = False

    @property
    def requested(self) -> bool:
        """Whether the build was asked to stop."""
        return self.signal is not None

    @property
    def name(self) -> str:
        """``"Ctrl-C"`` or ``"SIGTERM"`` (the first signal received); ``""`` when none was."""
        return SIGNAL_NAMES.get(self.signal, f"signal {self.signal}") if self.signal is not None else ""

    def fileno(self) -> int:
        """Readable once a signal arrived (for :func:`multiprocessing.connection.wait`)."""
        return self._read

    def handle(self, signum: int, frame=None) -> None:
        """The signal handler: note the signal, wake the loop, raise when a unit is built in this process."""
        if self.signal is None:
            self.signal = signum
        try:
            os.write(self._write, b"!")
        except OSError:  # the pipe is full: the loop is awake already
            pass
        if self._raising:
            self._raising = False
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def raising(self) -> Iterator[None]:
        """Inside, a signal raises :class:`KeyboardInterrupt` (a unit built in this process stops at once)."""
        if self.requested:
            raise KeyboardInterrupt
        self._raising = True
        try:
            yield
        finally:
            self._raising = False

    def close(self) -> None:
        """Close the self-pipe."""
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


@contextlib.contextmanager
def caught() -> Iterator[Interrupts]:
    """Handle SIGINT and SIGTERM as :class:`Interrupts` for the duration of the block, then restore the handlers.

    SIGINT is left alone when it is ignored (inherited from a shell that started the build in the background).
    Outside the main thread (no signal handlers can be set there) the build is not interruptible by signals.
    """
    interrupts = Interrupts()
    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            current = signal.getsignal(signum)
            if signum == signal.SIGINT and current == signal.SIG_IGN:
                continue
            previous[signum] = current
            signal.signal(signum, interrupts.handle)
    try:
        yield interrupts
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        interrupts.close()


__all__ = ["Interrupts", "SIGNAL_NAMES", "caught"]
