"""Start the next unit's kernel ahead of time, so a worker does not wait for a kernel to boot for every unit.

A build worker runs many short notebooks; each needs a fresh kernel (no state may leak from one unit to the
next), and booting one takes a second or two. While a unit exports its HTML and PDF, the worker starts the
kernel of its next unit; that kernel is used once and shut down like any other. Only build workers turn this
on (:func:`enable`); elsewhere papermill starts kernels as usual.
"""

from __future__ import annotations

import atexit
from pathlib import Path

_pool: KernelPool | None = None

#: Code a kernel started ahead runs before its notebook: the modules behind the notebooks' ``mpsc_report`` calls
#: (pandas, matplotlib, the metrics and charts). ``import mpsc_report`` alone loads nothing (PEP 562), so the
#: modules are named; the name the import binds is deleted again, the notebook's namespace stays empty.
WARM_UP = (
    "import mpsc_report.documents.report, mpsc_report.documents.factsheet, mpsc_report.analysis.narrative\n"
    "del mpsc_report"
)


class KernelPool:
    """At most one kernel started in advance, for a given kernel name and working folder."""

    def __init__(self) -> None:
        self._spare = None
        self._key: tuple[str, str] | None = None

    def prestart(self, kernel_name: str, cwd: Path) -> None:
        """Start a kernel for the next unit (does nothing when one is waiting already)."""
        key = (kernel_name, str(cwd))
        if self._spare is not None and self._key == key:
            return
        self.close()
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        class _Manager(AsyncKernelManager):
            """Remembers the clients (the warm-up's and nbclient's), so their channels can be closed after the run."""

            clients: list

            def client(self, **kwargs):
                made = super().client(**kwargs)
                self.__dict__.setdefault("clients", []).append(made)
                return made

        manager = _Manager(kernel_name=kernel_name)
        try:
            run_sync(manager.start_kernel)(cwd=str(cwd))
            # Warm it up: the package's imports (pandas, matplotlib) run while the current unit exports. Silent and
            # without history, so the notebook's execution counts start at 1 as usual; nothing else is run. A
            # blocking client of its own, not manager.client(): an asyncio client whose loop is not running left
            # about half the kernels deaf to nbclient's kernel_info ("Kernel didn't respond in 60 seconds"), each
            # costing a unit 60 s and a retry on a busy machine.
            warm = BlockingKernelClient()
            warm.load_connection_info(manager.get_connection_info())
            manager.__dict__.setdefault("clients", []).append(warm)
            warm.start_channels()
            warm.execute(WARM_UP, silent=True, store_history=False)
        except Exception:  # papermill will start one itself and report the problem precisely
            return
        self._spare, self._key = manager, key

    def take(self, kernel_name: str, cwd: Path):
        """The waiting kernel manager if it fits (and its kernel is alive), else ``None``."""
        manager, key = self._spare, self._key
        self._spare = self._key = None
        if manager is None:
            return None
        if key != (kernel_name, str(cwd)) or not _alive(manager):
            release(manager)
            return None
        return manager

    def close(self) -> None:
        """Shut down the waiting kernel, if any."""
        manager, self._spare, self._key = self._spare, None, None
        if manager is not None:
            release(manager)


def _alive(manager) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(manager.is_alive)())
    except Exception:
        return False


def release(manager) -> None:
    """Close the clients of a kernel manager, shut its kernel down now and remove its connection file."""
    from jupyter_core.utils import run_sync

    for client in manager.__dict__.get("clients", []):
        try:
            client.stop_channels()
        except Exception:
            pass
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)  # also removes the connection file
        else:
            run_sync(manager.cleanup_resources)()
    except Exception:
        pass


def enable() -> None:
    """Start kernels ahead in this process (a build worker) from now on; they are shut down at exit."""
    global _pool
    if _pool is None:
        _pool = KernelPool()
        atexit.register(_pool.close)


def prestart(kernel_name: str, cwd: Path) -> None:
    """Start the next kernel now when this process starts kernels ahead; otherwise nothing."""
    if _pool is not None:
        _pool.prestart(kernel_name, cwd)


def take(kernel_name: str, cwd: Path):
    """A kernel manager started ahead for ``kernel_name`` in ``cwd``, or ``None``."""
    return _pool.take(kernel_name, cwd) if _pool is not None else None


def close() -> None:
    """Shut down the kernel waiting in this process, if any."""
    if _pool is not None:
        _pool.close()
