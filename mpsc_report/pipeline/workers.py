"""Run units in parallel: a pool of local worker processes, this process alone, or an existing Dask cluster.

Every worker process executes notebooks with papermill and exports with nbconvert in-process (no command-line
subprocesses), keeps one kernel for its units (reset between them, see :mod:`.kernels`) and one Chromium for all
the PDFs it prints. The parent enforces the per-unit time limit: a unit that exceeds it has its worker's whole
process tree (kernel, browser) killed and is reported as ``timeout``; the worker is replaced. SIGINT (Ctrl-C) or
SIGTERM kills every worker tree, so no kernel or browser is left behind (:mod:`.interrupts`).

Workers run in a session of their own: a Ctrl-C on the terminal reaches the parent only, which then stops them, and
never their browser driver half-way. Each worker and everything it starts carries its token in the environment
(:data:`~.kernels.WORKER_TOKEN_ENV`), so a process whose own parent died first is found and killed too.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any

from ..errors import BuildError, EnvironmentProblem
from . import kernels
from .build import (
    CELL_TIMEOUT_SECONDS,
    KERNEL_NAME,
    build_unit,
    failing_cell,
    keep_partial_notebook,
    remove_staged_outputs,
)
from .interrupts import Interrupts
from .units import Unit, UnitResult

#: Longest one unit (validate, execute, export) may take before its processes are killed.
UNIT_TIMEOUT_SECONDS = 900

#: Seconds a worker may take to start (imports, browser) before the unit it was given counts as running.
_STARTUP_ALLOWANCE = 120

#: How often (seconds) the parent wakes to refresh progress, sample memory and check time limits.
_TICK = 0.5

#: Seconds a worker may take to finish its last unit's clean-up (kernel, browser) after the build ends.
_STOP_SECONDS = 20

#: Seconds to wait for killed processes to be gone.
_KILL_WAIT = 3

OnResult = Callable[[UnitResult], None]
OnTick = Callable[[int], None]

_ready_formats: tuple[str, ...] | None = None


def prepare_worker(formats: tuple[str, ...]) -> None:
    """Import papermill, nbconvert and matplotlib once; for PDFs open the printer session and load hyphenation."""
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
        _load_hyphenation()
    _ready_formats = formats


def _load_hyphenation() -> None:
    """Load the German hyphenation patterns the print needs (about 1 s) now, while the first kernel warms up."""
    from ..documents.export.typography import hyphenate_word

    hyphenate_word("Silbentrennung", "de")


def worker_stats() -> dict[str, Any]:
    """PID and memory (MB) of this process and its kernel, units its kernel served, browser launches.

    ``peak_rss_mb`` is this process's peak resident memory, ``rss_mb`` its current one; ``peak_kernel_rss_mb`` the
    largest of the kernels that ended and the current kernel's resident memory (``kernel_rss_mb``);
    ``kernel_units`` how many units the current kernel has served, this one included.
    """
    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stats: dict[str, Any] = {"pid": os.getpid(), "peak_rss_mb": round(own, 1)}
    stats["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    pool = kernels.pool()
    kernel = pool.current if pool is not None else None
    if kernel is not None and kernel.pid is not None:
        try:
            rss = psutil.Process(kernel.pid).memory_info().rss / 2**20
        except psutil.Error:
            rss = 0.0
        stats["kernel_rss_mb"] = round(rss, 1)
        stats["kernel_units"] = kernel.units
        children = max(children, rss)
    stats["peak_kernel_rss_mb"] = round(children, 1)
    printer = sys.modules.get("mpsc_report.documents.export.printer")
    session = getattr(printer, "_SESSION", None)
    if session is not None:
        stats["printer_launches"] = session.launches
    return stats


def kill_tree(pid: int, token: str | None = None) -> None:
    """Kill a process and all its descendants (kernels, Playwright's driver, Chromium); see :func:`kill_trees`."""
    kill_trees([(pid, token)])


def kill_trees(roots: list[tuple[int, str | None]]) -> None:
    """Kill processes and all their descendants at once, and reap the roots (this process's children).

    Each root may come with a build worker's token (see :data:`~.kernels.WORKER_TOKEN_ENV`): processes that carry
    it but are no longer below the root (their parent died first) are killed too, and the worker's kernel folder is
    removed. Killed processes that are not this process's children are not waited for: SIGKILL cannot be refused,
    and their new parent reaps them.
    """
    import psutil

    direct: list[psutil.Process] = []
    for pid, _ in roots:
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        direct.append(root)
        _kill(tree)
    tokens = {token for _, token in roots if token}
    if tokens:
        _kill(_carrying(tokens))
        for token in tokens:
            shutil.rmtree(kernels.kernel_folder(token), ignore_errors=True)
    psutil.wait_procs(direct, timeout=_KILL_WAIT)


def _kill(procs: list) -> None:
    import psutil

    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


def _carrying(tokens: set[str]) -> list:
    """Processes of this user whose environment names one of the build-worker ``tokens``."""
    import psutil

    found = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error):
            if proc.environ().get(kernels.WORKER_TOKEN_ENV) in tokens:
                found.append(proc)
    return found


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
    interrupts: Interrupts | None = None,
) -> tuple[list[UnitResult], bool]:
    """Build units one after the other in this process (no per-unit time limit); returns (results, interrupted).

    Every unit gets a kernel of its own. A signal (see ``interrupts``) or Ctrl-C stops the running unit at once.
    """
    results: list[UnitResult] = []
    queue = deque(units)
    how = "Ctrl-C"
    try:
        while queue:
            if interrupts is not None:
                with interrupts.raising():
                    result = build_unit(queue[0], formats, cell_timeout)
            else:
                result = build_unit(queue[0], formats, cell_timeout)
            queue.popleft()
            results.append(result)
            if on_result:
                on_result(result)
            if fail_fast and not result.ok:
                break
    except KeyboardInterrupt:
        how = interrupts.name if interrupts is not None and interrupts.requested else how
        if queue:
            unit = queue.popleft()
            failed = keep_partial_notebook(unit)
            remove_staged_outputs(unit)
            where = f" The partial notebook is at {failed}." if failed else ""
            results.append(
                UnitResult(
                    unit,
                    status="interrupted",
                    error=f"{unit.name}: interrupted ({how}).{where}",
                    error_type="KeyboardInterrupt",
                    failed_notebook=failed,
                )
            )
        results.extend(_not_run(queue, f"not run: the build was interrupted ({how})"))
        return results, True
    finally:
        from ..documents.export import close_printer_session

        close_printer_session()
    results.extend(_not_run(queue, "not run: --fail-fast stopped the build after a failure"))
    return results, False


# ----------------------------------------------------------------------------------------------
# Local worker processes


def _worker_main(
    conn,
    formats: tuple[str, ...],
    cell_timeout: float,
    log_dir: Path | None = None,
    token: str | None = None,
    reuse_kernels: bool = True,
) -> None:
    """Body of a worker process: build each unit it is sent until it receives ``None``.

    With ``log_dir``, the worker's and its kernels' own output (warnings, tracebacks) goes to
    ``worker-<pid>.log`` there instead of interleaving with the progress display. The first unit's kernel starts
    (and imports the package) while this process imports papermill and nbconvert.
    """
    _detach(token)
    if log_dir is not None:
        _redirect_output(log_dir / f"worker-{os.getpid()}.log")
    try:
        unit = _receive(conn)
        if unit is None:
            return
        kernels.enable(reuse_kernels, token)  # local workers only: a Dask worker outlives the build
        kernels.prestart(KERNEL_NAME, unit.notebook.parent)
        try:
            prepare_worker(formats)
        except Exception:  # e.g. Chromium missing: every unit will fail with the precise message instead
            pass
        while unit is not None:
            conn.send(("started", unit.unit_id))
            result = build_unit(unit, formats, cell_timeout)
            result.worker = worker_stats()
            conn.send(("result", result))
            unit = _receive(conn)
    finally:
        from ..documents.export import close_printer_session

        kernels.close()
        close_printer_session()


def _receive(conn) -> Unit | None:
    try:
        return conn.recv()
    except EOFError:  # the parent is gone
        return None


def _detach(token: str | None) -> None:
    """Make this worker stoppable only by its parent, and make sure it never outlives it.

    A session of its own keeps a terminal's Ctrl-C away (the parent handles it and kills this tree); SIGTERM sent
    to this worker alone kills its children first; on Linux the worker dies with its parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setsid()
    _die_with_parent()
    if token:
        os.environ[kernels.WORKER_TOKEN_ENV] = token

    def stop(signum, frame) -> None:
        kill_tree_below(os.getpid(), token)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def kill_tree_below(pid: int, token: str | None = None) -> None:
    """Kill every descendant of ``pid`` (and, with ``token``, every process carrying it), not ``pid`` itself."""
    import psutil

    try:
        procs = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        procs = []
    _kill(procs)
    if token:
        _kill(_carrying({token}))


def _die_with_parent() -> None:
    """Linux: have the kernel send this process SIGKILL when its parent dies (even by SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)


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

    def __init__(
        self, ctx, formats: tuple[str, ...], cell_timeout: float, log_dir: Path | None, reuse_kernels: bool = True
    ) -> None:
        self.token = uuid.uuid4().hex
        parent_end, child_end = ctx.Pipe()
        args = (child_end, formats, cell_timeout, log_dir, self.token, reuse_kernels)
        self.process = ctx.Process(target=_worker_main, args=args, name="mpsc-worker")
        self.conn = parent_end
        self.unit: Unit | None = None
        self.deadline = 0.0
        self.started = 0.0
        self.peak_tree_mb = 0.0
        try:
            self.process.start()
        finally:
            child_end.close()

    def give(self, unit: Unit, unit_timeout: float) -> None:
        self.unit, self.started = unit, time.monotonic()
        self.deadline = self.started + unit_timeout + _STARTUP_ALLOWANCE
        self.conn.send(unit)

    def stop(self, interrupts: Interrupts | None = None) -> None:
        """Ask the worker to finish (closing its kernel and browser), then make sure its whole tree is gone."""
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        deadline = time.monotonic() + _STOP_SECONDS
        while self.process.is_alive() and time.monotonic() < deadline:
            if interrupts is not None and interrupts.requested:
                break
            self.process.join(timeout=0.2)
        self.kill()

    def kill(self) -> None:
        kill_tree(self.process.pid, self.token) if self.process.pid is not None else None
        self.process.join(timeout=_KILL_WAIT)
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
    interrupts: Interrupts | None = None,
    reuse_kernels: bool = True,
) -> tuple[list[UnitResult], bool]:
    """Build units on ``jobs`` worker processes (spawned); returns (results, interrupted).

    Keeps going past failures unless ``fail_fast``: then no further unit is started and the ones running are
    finished. A unit over ``unit_timeout`` seconds, or whose worker dies, fails alone; its worker is replaced.
    When ``interrupts`` notes a signal (or Ctrl-C raises :class:`KeyboardInterrupt` without it), every worker's
    process tree is killed, the running units are ``interrupted`` and the waiting ones ``not-run``.
    """
    ctx = multiprocessing.get_context("spawn")
    queue = deque(units)
    results: list[UnitResult] = []
    workers: list[_Worker] = []
    stopping = False
    wake = [interrupts] if interrupts is not None else []

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

    def start_worker() -> None:
        worker = _Worker(ctx, formats, cell_timeout, log_dir, reuse_kernels)
        workers.append(worker)
        next_unit(worker)

    def interrupted() -> bool:
        return interrupts is not None and interrupts.requested

    try:
        for _ in range(max(1, min(jobs, len(queue)))):
            if not queue or interrupted():
                break
            start_worker()
        while not interrupted():
            busy = [w for w in workers if w.unit is not None]
            if not busy:
                break
            ready = wait_for([w.conn for w in busy] + [w.process.sentinel for w in busy] + wake, timeout=_TICK)
            if interrupted():
                break
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
                            worker.peak_tree_mb = max(worker.peak_tree_mb, tree_memory_mb(worker.process.pid))
                            payload.worker["peak_tree_pss_mb"] = round(worker.peak_tree_mb, 1)
                            payload.worker["tree_pss_mb"] = round(tree_memory_mb(worker.process.pid), 1)
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
                if queue and not stopping and not interrupted():
                    start_worker()
            if on_tick:
                on_tick(sum(1 for w in workers if w.unit is not None))
    except KeyboardInterrupt:  # no signal handlers of ours (e.g. called outside the main thread's build)
        pass
    except BaseException:
        for worker in workers:
            worker.kill()
        raise
    else:
        if not interrupted():
            for worker in workers:
                worker.stop(interrupts)
            workers.clear()
            results.extend(_not_run(queue, "not run: --fail-fast stopped the build after a failure"))
            return results, False
    how = interrupts.name if interrupted() else "Ctrl-C"
    now = time.monotonic()
    kill_trees([(w.process.pid, w.token) for w in workers if w.process.pid is not None])
    for worker in workers:
        worker.kill()
        if worker.unit is not None:
            results.append(_lost_result(worker, "interrupted", unit_timeout, None, now, how))
    workers.clear()
    results.extend(_not_run(queue, f"not run: the build was interrupted ({how})"))
    return results, True


def _lost_result(
    worker: _Worker, why: str, unit_timeout: float, code: int | None, now: float, how: str = "Ctrl-C"
) -> UnitResult:
    unit = worker.unit
    assert unit is not None
    failed = keep_partial_notebook(unit)
    remove_staged_outputs(unit)
    where = f" The partial notebook is at {failed}." if failed else ""
    if why == "timeout":
        status = "timeout"
        message = (
            f"{unit.name}: stopped after {unit_timeout:g} s (the per-unit time limit, --unit-timeout); its kernel "
            f"and browser were killed.{where}"
        )
    elif why == "interrupted":
        status, message = "interrupted", f"{unit.name}: interrupted ({how}); its processes were killed.{where}"
    else:
        status = "failed"
        message = f"{unit.name}: the worker process died (exit code {code}) while building it.{where}"
    # An interrupted unit is not read for its cell: importing nbformat alone took 9 s on the busy build machine,
    # most of the time an interrupt may take; its partial notebook is kept and named.
    return UnitResult(
        unit,
        status=status,
        error=message,
        error_type={"timeout": "UnitTimeout", "interrupted": "KeyboardInterrupt"}.get(why, "WorkerDied"),
        cell=failing_cell(failed) if failed and why != "interrupted" else None,
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
    interrupts: Interrupts | None = None,
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
                if interrupts is not None and interrupts.requested:
                    raise KeyboardInterrupt
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
            how = interrupts.name if interrupts is not None and interrupts.requested else "Ctrl-C"
            client.cancel(list(pending))
            results.extend(UnitResult(futures[f], status="interrupted", error=f"interrupted ({how})") for f in pending)
            return results, True
    finally:
        client.close()
    return results, False
