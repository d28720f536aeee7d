"""Run units in parallel: a pool of local worker processes, this process alone, or an existing Dask cluster.

Every worker process executes notebooks with papermill and exports with nbconvert in-process (no command-line
subprocesses) and keeps one Chromium open for all the PDFs it prints. The parent enforces the per-unit time
limit: a unit that exceeds it has its worker's whole process tree (kernel, browser) killed and is reported as
``timeout``; the worker is replaced. Ctrl-C kills every worker tree, so no kernel or browser is left behind.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any

from ..errors import BuildError, EnvironmentProblem
from . import kernels
from .build import CELL_TIMEOUT_SECONDS, build_unit, failing_cell, keep_partial_notebook
from .units import Unit, UnitResult

#: Longest one unit (validate, execute, export) may take before its processes are killed.
UNIT_TIMEOUT_SECONDS = 900

#: Seconds a worker may take to start (imports, browser) before the unit it was given counts as running.
_STARTUP_ALLOWANCE = 120

#: How often (seconds) the parent wakes to refresh progress, sample memory and check time limits.
_TICK = 0.5

OnResult = Callable[[UnitResult], None]
OnTick = Callable[[int], None]

_ready_formats: tuple[str, ...] | None = None


def prepare_worker(formats: tuple[str, ...]) -> None:
    """Import papermill, nbconvert and matplotlib once, and open this process's printer session for PDFs."""
    global _ready_formats
    if _ready_formats is not None and ("pdf" not in formats or "pdf" in _ready_formats):
        return
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    from ..analysis import charts  # noqa: F401  (matplotlib, fonts)
    from ..documents.export import close_printer_session, open_printer_session

    if "pdf" in formats:
        open_printer_session()
        atexit.register(close_printer_session)
    _ready_formats = formats


def worker_stats() -> dict[str, Any]:
    """PID, peak resident memory (MB) of this process and of its finished children (kernels), browser launches."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stats = {"pid": os.getpid(), "peak_rss_mb": round(own, 1), "peak_kernel_rss_mb": round(children, 1)}
    printer = sys.modules.get("mpsc_report.documents.export.printer")
    session = getattr(printer, "_SESSION", None)
    if session is not None:
        stats["printer_launches"] = session.launches
    return stats


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants (kernels, Playwright's driver, Chromium) and reap them."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def tree_memory_mb(pid: int) -> float:
    """Memory (MB) of a process and its descendants right now; 0 when it is gone.

    Counts the proportional set size (PSS), so pages Chromium's processes share are counted once, not once per
    process as a sum of RSS would; falls back to RSS where PSS cannot be read.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except (psutil.Error, AttributeError):
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
    return total / 2**20


# ----------------------------------------------------------------------------------------------
# In this process


def run_inline(
    units: list[Unit],
    formats: tuple[str, ...],
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
    fail_fast: bool = False,
    on_result: OnResult | None = None,
) -> tuple[list[UnitResult], bool]:
    """Build units one after the other in this process (no per-unit time limit); returns (results, interrupted)."""
    results: list[UnitResult] = []
    queue = deque(units)
    try:
        while queue:
            result = build_unit(queue.popleft(), formats, cell_timeout)
            results.append(result)
            if on_result:
                on_result(result)
            if fail_fast and not result.ok:
                break
    except KeyboardInterrupt:
        results.extend(UnitResult(u, status="not-run", error="interrupted (Ctrl-C)") for u in queue)
        return results, True
    finally:
        from ..documents.export import close_printer_session

        close_printer_session()
    results.extend(_not_run(queue, "not run: --fail-fast stopped the build after a failure"))
    return results, False


# ----------------------------------------------------------------------------------------------
# Local worker processes


def _worker_main(conn, formats: tuple[str, ...], cell_timeout: float, log_dir: Path | None = None) -> None:
    """Body of a worker process: build each unit it is sent until it receives ``None``.

    With ``log_dir``, the worker's and its kernels' own output (warnings, tracebacks) goes to
    ``worker-<pid>.log`` there instead of interleaving with the progress display.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills our tree
    if log_dir is not None:
        _redirect_output(log_dir / f"worker-{os.getpid()}.log")
    try:
        prepare_worker(formats)
    except Exception:  # e.g. Chromium missing: every unit will fail with the precise message instead
        pass
    kernels.enable()  # local workers only: a Dask worker outlives the build and must not keep a spare kernel
    try:
        while True:
            try:
                unit = conn.recv()
            except EOFError:
                break
            if unit is None:
                break
            conn.send(("started", unit.unit_id))
            result = build_unit(unit, formats, cell_timeout)
            result.worker = worker_stats()
            conn.send(("result", result))
    finally:
        from ..documents.export import close_printer_session

        kernels.close()
        close_printer_session()


def _redirect_output(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return  # keep writing to the terminal
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


class _Worker:
    """One worker process, the unit it is building and since when."""

    def __init__(self, ctx, formats: tuple[str, ...], cell_timeout: float, log_dir: Path | None) -> None:
        parent_end, child_end = ctx.Pipe()
        args = (child_end, formats, cell_timeout, log_dir)
        self.process = ctx.Process(target=_worker_main, args=args, name="mpsc-worker")
        self.process.start()
        child_end.close()
        self.conn = parent_end
        self.unit: Unit | None = None
        self.deadline = 0.0
        self.started = 0.0
        self.peak_tree_mb = 0.0

    def give(self, unit: Unit, unit_timeout: float) -> None:
        self.unit, self.started = unit, time.monotonic()
        self.deadline = self.started + unit_timeout + _STARTUP_ALLOWANCE
        self.conn.send(unit)

    def stop(self) -> None:
        """Ask the worker to finish (closing its browser), then make sure its whole tree is gone."""
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=20)
        kill_tree(self.process.pid) if self.process.is_alive() else None
        self.process.join(timeout=5)
        self.conn.close()

    def kill(self) -> None:
        kill_tree(self.process.pid)
        self.process.join(timeout=5)
        self.conn.close()


def run_local(
    units: list[Unit],
    formats: tuple[str, ...],
    jobs: int,
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
    unit_timeout: float = UNIT_TIMEOUT_SECONDS,
    fail_fast: bool = False,
    on_result: OnResult | None = None,
    on_tick: OnTick | None = None,
    log_dir: Path | None = None,
) -> tuple[list[UnitResult], bool]:
    """Build units on ``jobs`` worker processes (spawned); returns (results, interrupted).

    Keeps going past failures unless ``fail_fast``: then no further unit is started and the ones running are
    finished. A unit over ``unit_timeout`` seconds, or whose worker dies, fails alone; its worker is replaced.
    """
    ctx = multiprocessing.get_context("spawn")
    queue = deque(units)
    results: list[UnitResult] = []
    workers: list[_Worker] = []
    stopping = False

    def finish(result: UnitResult) -> None:
        nonlocal stopping
        results.append(result)
        if on_result:
            on_result(result)
        if fail_fast and not result.ok:
            stopping = True

    def next_unit(worker: _Worker) -> None:
        if queue and not stopping:
            worker.give(queue.popleft(), unit_timeout)

    try:
        for _ in range(max(1, min(jobs, len(queue)))):
            if not queue:
                break
            worker = _Worker(ctx, formats, cell_timeout, log_dir)
            workers.append(worker)
            next_unit(worker)
        while True:
            busy = [w for w in workers if w.unit is not None]
            if not busy:
                break
            ready = wait_for([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_TICK)
            now = time.monotonic()
            for worker in busy:
                lost = None
                if worker.conn in ready:
                    try:
                        kind, payload = worker.conn.recv()
                    except (EOFError, OSError):
                        lost = "died"
                    else:
                        if kind == "started":
                            worker.started = now
                            worker.deadline = now + unit_timeout
                        else:
                            payload.worker["peak_tree_pss_mb"] = round(worker.peak_tree_mb, 1)
                            worker.unit = None
                            finish(payload)
                            next_unit(worker)
                            continue
                elif worker.process.sentinel in ready:
                    lost = "died"
                elif now > worker.deadline:
                    lost = "timeout"
                else:
                    worker.peak_tree_mb = max(worker.peak_tree_mb, tree_memory_mb(worker.process.pid))
                if lost is None:
                    continue
                code = worker.process.exitcode
                worker.kill()
                finish(_lost_result(worker, lost, unit_timeout, code, now))
                workers.remove(worker)
                if queue and not stopping:
                    replacement = _Worker(ctx, formats, cell_timeout, log_dir)
                    workers.append(replacement)
                    next_unit(replacement)
            if on_tick:
                on_tick(sum(1 for w in workers if w.unit is not None))
    except KeyboardInterrupt:
        now = time.monotonic()
        for worker in workers:
            if worker.unit is not None:
                worker.kill()
                results.append(_lost_result(worker, "interrupted", unit_timeout, None, now))
            else:
                worker.kill()
        workers.clear()
        results.extend(_not_run(queue, "not run: the build was interrupted (Ctrl-C)"))
        return results, True
    finally:
        for worker in workers:
            worker.stop()
    results.extend(_not_run(queue, "not run: --fail-fast stopped the build after a failure"))
    return results, False


def _lost_result(worker: _Worker, why: str, unit_timeout: float, code: int | None, now: float) -> UnitResult:
    unit = worker.unit
    assert unit is not None
    failed = keep_partial_notebook(unit)
    where = f" The partial notebook is at {failed}." if failed else ""
    if why == "timeout":
        status = "timeout"
        message = (
            f"{unit.name}: stopped after {unit_timeout:g} s (the per-unit time limit, --unit-timeout); its kernel "
            f"and browser were killed.{where}"
        )
    elif why == "interrupted":
        status, message = "interrupted", f"{unit.name}: interrupted (Ctrl-C); its processes were killed.{where}"
    else:
        status = "failed"
        message = f"{unit.name}: the worker process died (exit code {code}) while building it.{where}"
    return UnitResult(
        unit,
        status=status,
        error=message,
        error_type={"timeout": "UnitTimeout", "interrupted": "KeyboardInterrupt"}.get(why, "WorkerDied"),
        cell=failing_cell(failed) if failed else None,
        failed_notebook=failed,
        seconds=now - worker.started,
        worker={"pid": worker.process.pid, "peak_tree_pss_mb": round(worker.peak_tree_mb, 1)},
    )


def _not_run(queue, message: str) -> list[UnitResult]:
    return [UnitResult(unit, status="not-run", error=message) for unit in queue]


# ----------------------------------------------------------------------------------------------
# Dask


#: What to install for ``--dask-scheduler``: the optional ``dask`` extra (``distributed``).
DASK_INSTALL_HINT = "pip install 'mpsc-report[dask]' (in a checkout: .venv/bin/pip install -e '.[dask]')"


def require_dask() -> None:
    """Fail with the install command when the optional Dask support (``distributed``) is missing.

    Raises
    ------
    EnvironmentProblem
        Before any unit runs, naming the extra to install.
    """
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise EnvironmentProblem(
            f"--dask-scheduler needs the optional Dask support, which is not installed: {DASK_INSTALL_HINT}; "
            "or build without --dask-scheduler on local workers."
        )


def run_unit_on_cluster(unit: Unit, formats: tuple[str, ...], cell_timeout: float, unit_timeout: float) -> UnitResult:
    """Build one unit on a Dask worker (one thread per worker): same steps as a local worker.

    The per-unit time limit is a watchdog in the worker: it kills the worker's child processes (the kernel and
    the browser), which ends the unit, and the result is marked ``timeout``.
    """
    prepare_worker(formats)
    fired = threading.Event()

    def stop_unit() -> None:
        fired.set()
        import psutil

        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass

    watchdog = threading.Timer(unit_timeout, stop_unit)
    watchdog.daemon = True
    watchdog.start()
    try:
        result = build_unit(unit, formats, cell_timeout)
    finally:
        watchdog.cancel()
    if fired.is_set() and not result.ok:
        result.status, result.error_type = "timeout", "UnitTimeout"
        result.error = f"{unit.name}: stopped after {unit_timeout:g} s (the per-unit time limit). {result.error}"
    result.worker = worker_stats()
    return result


def run_dask(
    units: list[Unit],
    address: str,
    formats: tuple[str, ...],
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
    unit_timeout: float = UNIT_TIMEOUT_SECONDS,
    fail_fast: bool = False,
    on_result: OnResult | None = None,
    on_tick: OnTick | None = None,
) -> tuple[list[UnitResult], bool]:
    """Submit the units to the Dask scheduler at ``address``; returns (results, interrupted).

    The workers must see the same files as this process (notebooks, data, output folder) and run one thread
    each (papermill is not thread-safe).
    """
    require_dask()
    from distributed import Client, wait

    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot reach the Dask scheduler at {address} ({exc}); is it running?") from None
    results: list[UnitResult] = []
    try:
        threads = client.nthreads()
        if not threads:
            raise EnvironmentProblem(f"the Dask cluster at {address} has no workers; start some (dask worker …).")
        if any(n != 1 for n in threads.values()):
            raise BuildError(
                f"Dask workers at {address} run {sorted(set(threads.values()))} threads each; papermill is not "
                "thread-safe: start them with `dask worker ADDRESS --nthreads 1 --nworkers N`."
            )
        token = f"{os.getpid()}-{time.time_ns()}"
        futures = {
            client.submit(
                run_unit_on_cluster,
                unit,
                formats,
                cell_timeout,
                unit_timeout,
                key=f"mpsc-{unit.unit_id}-{token}",
                pure=False,
            ): unit
            for unit in units
        }
        pending = set(futures)
        try:
            while pending:
                try:
                    done, pending = wait(list(pending), timeout=_TICK, return_when="FIRST_COMPLETED")
                    pending = set(pending)
                except TimeoutError:
                    done = set()
                for future in done:
                    unit = futures[future]
                    if future.status == "finished":
                        result = future.result()
                    else:
                        exc = future.exception()
                        result = UnitResult(
                            unit,
                            status="failed",
                            error=f"{unit.name}: the Dask task failed: {type(exc).__name__}: {exc}",
                            error_type=type(exc).__name__,
                        )
                    results.append(result)
                    if on_result:
                        on_result(result)
                    if fail_fast and not result.ok and pending:
                        client.cancel(list(pending))
                        message = "not run: --fail-fast stopped the build after a failure"
                        results.extend(UnitResult(futures[f], status="not-run", error=message) for f in pending)
                        pending = set()
                if on_tick:
                    on_tick(min(len(pending), sum(threads.values())))
        except KeyboardInterrupt:
            client.cancel(list(pending))
            results.extend(UnitResult(futures[f], status="interrupted", error="interrupted (Ctrl-C)") for f in pending)
            return results, True
    finally:
        client.close()
    return results, False
