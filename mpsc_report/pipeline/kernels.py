"""Kernels for the units: local (Unix sockets), one per build worker reused from unit to unit, fresh after a failure.

Starting a kernel and importing the package costs more than a factsheet's own work, so a build worker keeps its
kernel: after a unit ran cleanly, the kernel is reset to the state recorded right after its warm-up
(:mod:`mpsc_report.pipeline.kernel_state`: namespace, figures, rcParams, package caches, working directory,
environment, modules the notebook added …) while the worker exports the unit, and serves the next one. A unit whose
notebook failed (cell error, cell timeout, dead kernel, stopped early, QA gate) and a reset that cannot restore
everything (a thread left running, say) cost a fresh kernel; a unit over its time limit has its worker's whole
process tree killed and the replacement worker starts afresh. Only build workers pool kernels (:func:`enable`);
elsewhere every unit gets a kernel of its own.

Every kernel started here talks to its client over ZeroMQ's ``ipc`` transport: Unix domain sockets in a private
folder of this process (mode 0700), removed with it. Nothing listens on a TCP port, and ipykernel has no reason for
its "Kernel is running over TCP without encryption" warning.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

#: Environment variable naming a build worker; every process it starts (kernels, browser) inherits it, so the
#: parent can find and kill them all, even ones whose own parent died first.
WORKER_TOKEN_ENV = "MPSC_BUILD_WORKER"

#: Folder (under the system's temporary folder) holding the connection files and sockets of a process's kernels.
_FOLDER_PREFIX = "mpsc-kernels-"

#: Longest Unix socket path the kernel's sockets may get (the operating system's limit is 107 bytes); a longer
#: temporary folder falls back to TCP on localhost.
_MAX_SOCKET_PATH = 100

#: What the warm-up imports: the modules behind the notebooks' ``mpsc_report`` calls (pandas, matplotlib, the
#: metrics and charts). ``import mpsc_report`` alone loads nothing (PEP 562).
WARM_MODULES = ("mpsc_report.documents.report", "mpsc_report.documents.factsheet", "mpsc_report.analysis.narrative")

#: Code a pooled kernel runs before its first unit: the warm-up imports, then the record of its clean state.
#: ``__import__`` binds no name: the notebook's namespace stays as a fresh kernel's.
WARM_UP = f"__import__('mpsc_report.pipeline.kernel_state', fromlist=['snapshot']).snapshot{WARM_MODULES!r}"

#: Code a pooled kernel runs between two units (see :mod:`mpsc_report.pipeline.kernel_state`).
RESET = "__import__('mpsc_report.pipeline.kernel_state', fromlist=['restore']).restore()"

#: Arguments for every kernel started here: no input history on disk (a build's cells are in its notebooks, and
#: kernels running side by side would take turns at IPython's one SQLite file).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]

#: Seconds a warm-up or a reset may take before the kernel counts as broken (and a fresh one is started).
READY_TIMEOUT = 120

_pool: KernelPool | None = None
_folder: Path | None = None
_token: str | None = None


def kernel_folder(token: str) -> Path:
    """The folder of the kernels started by the process with ``token`` (its build-worker token or a random one)."""
    return Path(tempfile.gettempdir()) / f"{_FOLDER_PREFIX}{token}"


def _private_folder() -> Path:
    """The kernel folder of this process, created on first use (mode 0700) and removed at exit."""
    global _folder
    if _folder is None:
        while True:
            folder = kernel_folder(_token or uuid.uuid4().hex)
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:
                if _token:  # left by a killed process that had the same token: tokens are random, so it is ours
                    shutil.rmtree(folder, ignore_errors=True)
        _folder = folder
        atexit.register(shutil.rmtree, folder, True)
    return _folder


class _Manager:
    """Factory of kernel managers that remember their clients (nbclient's), so their channels can be closed."""

    _class = None

    @classmethod
    def make(cls, kernel_name: str):
        if cls._class is None:
            from jupyter_client.manager import AsyncKernelManager

            class Manager(AsyncKernelManager):
                def client(self, **kwargs):
                    made = super().client(**kwargs)
                    self.__dict__.setdefault("clients", []).append(made)
                    return made

            cls._class = Manager
        folder = _private_folder()
        name = f"k{uuid.uuid4().hex[:8]}"
        settings: dict[str, Any] = {"kernel_name": kernel_name, "connection_file": str(folder / f"{name}.json")}
        if len(str(folder / f"{name}-99999")) <= _MAX_SOCKET_PATH:
            settings |= {"transport": "ipc", "ip": str(folder / name)}
        return cls._class(**settings)


def new_manager(kernel_name: str):
    """A kernel manager (not started) for one notebook run: papermill starts the kernel, :func:`release` ends it."""
    return _Manager.make(kernel_name)


class Kernel:
    """A started kernel with a control client of our own: warmed up, reset between units, counted."""

    def __init__(self, kernel_name: str, cwd: Path):
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self.key = (kernel_name, str(cwd))
        self.units = 0
        self.manager = _Manager.make(kernel_name)
        run_sync(self.manager.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
        # A blocking client of its own, shell channel only: an asyncio client whose loop is not running left about
        # half the kernels deaf to nbclient's kernel_info, and an unread IOPub channel would queue every output.
        self.control = BlockingKernelClient()
        self.control.load_connection_info(self.manager.get_connection_info())
        self.control.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._pending: str | None = self.control.execute(WARM_UP, silent=True, store_history=False)

    @property
    def pid(self) -> int | None:
        """Process id of the kernel, when known."""
        provisioner = getattr(self.manager, "provisioner", None)
        return getattr(getattr(provisioner, "process", None), "pid", None)

    def reset(self) -> None:
        """Start putting the kernel back into its clean state (returns at once; :meth:`ready` waits for it)."""
        self._drop_clients()
        self._pending = self.control.execute(RESET, silent=True, store_history=False)

    def ready(self, timeout: float = READY_TIMEOUT) -> str | None:
        """Wait for the warm-up or reset; ``None`` when the kernel is clean and alive, else the reason it is not."""
        deadline = time.monotonic() + timeout
        while self._pending is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return f"the kernel did not answer within {timeout:g} s"
            try:
                reply = self.control.get_shell_msg(timeout=min(left, 1.0))
            except queue.Empty:
                if not self.alive():
                    return "the kernel died"
                continue
            if reply.get("parent_header", {}).get("msg_id") != self._pending:
                continue
            self._pending = None
            content = reply.get("content", {})
            if content.get("status") != "ok":
                return f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip()
        return None if self.alive() else "the kernel died"

    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.manager.is_alive)())
        except Exception:
            return False

    def _drop_clients(self) -> None:
        for client in self.manager.__dict__.pop("clients", []):
            try:
                client.stop_channels()
            except Exception:
                pass

    def release(self) -> None:
        """Close the clients, shut the kernel down now and remove its connection file and sockets."""
        try:
            self.control.stop_channels()
        except Exception:
            pass
        release(self.manager)


def release(manager) -> None:
    """Close the clients of a kernel manager, shut its kernel down now and remove its connection file."""
    from jupyter_core.utils import run_sync

    for client in manager.__dict__.pop("clients", []):
        try:
            client.stop_channels()
        except Exception:
            pass
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)  # also removes the connection file and the sockets
        else:
            run_sync(manager.cleanup_resources)()
    except Exception:
        pass


class KernelPool:
    """The kernel of one build worker: started ahead, handed to each unit, reset or replaced after it.

    Parameters
    ----------
    reuse : bool
        Reset the kernel after a clean unit and keep it (default); ``False`` starts a fresh kernel for every unit
        (still ahead of time, while the previous unit exports).
    """

    def __init__(self, reuse: bool = True) -> None:
        self.reuse = reuse
        self._spare: Kernel | None = None
        self.replaced: list[str] = []  # why kernels were not reused (a reset that failed), for the log

    @property
    def current(self) -> Kernel | None:
        """The kernel waiting for the next unit (after a clean unit: the one that ran it, being reset)."""
        return self._spare

    def prestart(self, kernel_name: str, cwd: Path) -> None:
        """Start a kernel for the next unit (does nothing when one is there for the same kernel and folder)."""
        if self._spare is not None and self._spare.key == (kernel_name, str(cwd)):
            return
        self.close()
        try:
            self._spare = Kernel(kernel_name, cwd)
        except Exception:  # papermill will start one itself and report the problem precisely
            self._spare = None

    def take(self, kernel_name: str, cwd: Path) -> Kernel | None:
        """A clean kernel for a unit, started now if none is waiting; ``None`` when none could be made ready."""
        for attempt in range(2):
            self.prestart(kernel_name, cwd)
            kernel, self._spare = self._spare, None
            if kernel is None:
                return None
            problem = kernel.ready()
            if problem is None:
                kernel.units += 1
                return kernel
            pid = kernel.pid
            kernel.release()
            what = "reset" if kernel.units else "warm-up"
            self._note(f"kernel {pid}: {what} failed after {kernel.units} unit(s) ({problem}); a fresh one")
            if attempt == 1 or not kernel.units:  # a fresh kernel that cannot warm up: papermill shows why
                return None
        return None

    def finished(self, kernel: Kernel, clean: bool) -> None:
        """After a unit's notebook ran: reset and keep the kernel when ``clean``, otherwise start a fresh one."""
        if clean and self.reuse and kernel.alive():
            kernel.reset()  # runs in the kernel while this process exports the unit
            self.close()
            self._spare = kernel
            return
        kernel.release()
        kernel_name, cwd = kernel.key
        self.prestart(kernel_name, Path(cwd))

    def close(self) -> None:
        """Shut down the waiting kernel, if any."""
        kernel, self._spare = self._spare, None
        if kernel is not None:
            kernel.release()

    def _note(self, message: str) -> None:
        self.replaced.append(message)
        print(f"mpsc-report worker {os.getpid()}: {message}", file=sys.stderr, flush=True)


def enable(reuse: bool = True, token: str | None = None) -> KernelPool:
    """Pool kernels in this process (a build worker) from now on; the pooled kernel is shut down at exit.

    ``token`` (the worker's, see :data:`WORKER_TOKEN_ENV`) names the folder of its kernels' sockets, so the
    parent can remove it after killing the worker.
    """
    global _pool, _token
    if token and _folder is None:
        _token = token
    if _pool is None:
        _pool = KernelPool(reuse)
        atexit.register(_pool.close)
    _pool.reuse = reuse
    return _pool


def pool() -> KernelPool | None:
    """The kernel pool of this process, or ``None`` outside a build worker."""
    return _pool


def prestart(kernel_name: str, cwd: Path) -> None:
    """Start the next kernel now when this process pools kernels; otherwise nothing."""
    if _pool is not None:
        _pool.prestart(kernel_name, cwd)


def take(kernel_name: str, cwd: Path) -> Kernel | None:
    """A clean pooled kernel for ``kernel_name`` in ``cwd``, or ``None`` outside a build worker."""
    return _pool.take(kernel_name, cwd) if _pool is not None else None


def finished(kernel: Kernel | None, manager, clean: bool) -> None:
    """A unit's notebook is done with its kernel: reset and keep a pooled one when ``clean``, else end it."""
    if kernel is not None and _pool is not None:
        _pool.finished(kernel, clean)
    else:
        release(manager)


def close() -> None:
    """Shut down the kernel waiting in this process, if any."""
    if _pool is not None:
        _pool.close()
