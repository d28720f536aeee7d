"""``mpsc-report preview``: serve one document on 127.0.0.1 and bring it up to date whenever one of its files changes.

The loop: look for changes (:mod:`.watch`) every ``interval`` seconds; on a change, say so in the page's bar,
render (:mod:`.render`), compose the page (:mod:`.page`) and publish it, which makes every open page reload
(:mod:`.server`). SIGINT and SIGTERM stop it: the server closes, the kernel shuts down, the PDF browser closes, and
any process the preview started that is still running is ended.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import BuildError, MpscReportError
from ..build import CELL_TIMEOUT_SECONDS
from ..units import FACTSHEET_NOTEBOOK, REPORT_NOTEBOOK, Unit, plan_units
from .kernel import WarmKernel
from .page import Bar, compose
from .render import Problem, Rendered, Renderer, RenderFailed
from .server import Board, PreviewServer
from .watch import Kind, Watcher

#: Package folders whose code runs in the preview process itself (export, this loop): an edit there needs a restart.
_PROCESS_SIDE = ("pipeline", "documents/export", "cli.py")


@dataclass(frozen=True)
class PreviewOptions:
    """What ``mpsc-report preview`` was asked for.

    Attributes
    ----------
    wave : str, optional
        The wave (default: the newest params file's).
    project : str, optional
        Preview this project's factsheet of the wave instead of the wave report.
    port : int
        Port on 127.0.0.1; 0 picks a free one.
    params_dir, notebook, factsheet_notebook : Path
        Where the params files and the notebooks are.
    cell_timeout : float
        Seconds one cell may run.
    interval : float
        Seconds between two looks for changes.
    """

    wave: str | None = None
    project: str | None = None
    port: int = 0
    params_dir: Path = Path("params")
    notebook: Path = REPORT_NOTEBOOK
    factsheet_notebook: Path = FACTSHEET_NOTEBOOK
    cell_timeout: float = CELL_TIMEOUT_SECONDS
    interval: float = 0.25


def plan_preview(options: PreviewOptions) -> Unit:
    """The unit to preview: the wave report, or one project's factsheet, of the chosen (or newest) wave.

    Raises
    ------
    ParamsError, BuildError
        As :func:`~mpsc_report.pipeline.units.plan_units` does (unknown wave or project, invalid params file).
    """
    kind = "factsheet" if options.project else "report"
    units = plan_units(
        options.params_dir,
        Path(tempfile.gettempdir()) / "mpsc-preview",  # nothing is written: the preview keeps its pages in memory
        options.notebook,
        [options.wave] if options.wave else None,
        kinds=(kind,),
        factsheet_notebook=options.factsheet_notebook,
        projects=[options.project] if options.project else None,
    )
    return units[-1]  # in wave order: the newest wave when none was chosen


def run_preview(options: PreviewOptions, log: Callable[[str], None] | None = None) -> int:
    """Serve the preview until SIGINT or SIGTERM; returns the exit code (0 after a clean stop).

    Parameters
    ----------
    options : PreviewOptions
        What to preview and where.
    log : callable, optional
        Receives one line per event (default: standard error).
    """
    log = log or _log
    unit = plan_preview(options)
    session = _Session(unit, options, log)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (a background job of a script)
    try:
        session.run()
    except KeyboardInterrupt:
        log("stopping the preview …")
    finally:
        for name in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut the clean-up short
            signal.signal(name, signal.SIG_IGN)
        try:
            session.close()
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, previous)
    log("preview stopped")
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Session:
    """One running preview: server, kernel, renderer and the page it last published."""

    def __init__(self, unit: Unit, options: PreviewOptions, log: Callable[[str], None]) -> None:
        self.unit = unit
        self.options = options
        self.log = log
        self.board = Board()
        try:
            self.server = PreviewServer(options.port, self.board, f"{unit.stem}.pdf", self._pdf)
        except OSError as exc:
            raise BuildError(
                f"the preview cannot listen on 127.0.0.1:{options.port} ({exc.strerror or exc}); choose another "
                "--port, or leave it out for a free one."
            ) from None
        self.scratch = Path(tempfile.mkdtemp(prefix="mpsc-preview-"))
        self.kernel = WarmKernel(unit.notebook.parent, self.scratch / "kernel.log")
        self.renderer = Renderer(unit, self.kernel, options.cell_timeout)
        self._good: Rendered | None = None
        self._good_at = ""
        self._pdf_lock = threading.Lock()
        self._pdf_cache: tuple[Rendered, bytes] | None = None
        self._printer_opened = False

    def run(self) -> None:
        self.server.start()
        self._publish(None, "Starting the kernel and running the notebook for the first time …")
        where = f"{self.unit.notebook}" + (f", {self.unit.params_path}" if self.unit.params_path else "")
        self.log(f"Preview of {self.unit.name} ({where}) at {self.server.url} — Ctrl-C stops it.")
        self.kernel.start()
        self.renderer.check_inputs()
        watcher = Watcher(self.renderer.targets())
        self._render({"notebook"}, "first render")
        while True:
            changed = watcher.poll()
            if changed:
                restart = _process_side(changed.get("package", []), watcher.package)
                note = (
                    f" — restart the preview to use your change to {restart} (it runs in the preview)"
                    if restart
                    else ""
                )
                self._render(set(changed), _describe(changed), note)
                watcher.retarget(self.renderer.targets())
            time.sleep(self.options.interval)

    def _render(self, changed: set[Kind], what: str, note: str = "") -> None:
        self.board.say(f"{what}: rendering …")
        try:
            rendered = self.renderer.render(changed)
        except RenderFailed as failed:
            self._fail(failed.problem)
            return
        except MpscReportError as exc:  # e.g. the kernel does not start
            self._fail(Problem(title="The preview cannot render", message=str(exc)))
            return
        except Exception as exc:  # never let one render end the preview
            self._fail(
                Problem(
                    title=f"The preview failed unexpectedly ({type(exc).__name__})",
                    message=str(exc),
                    details="".join(traceback.format_exc().splitlines(keepends=True)[-12:]),
                )
            )
            return
        if rendered is None:
            self.board.say(f"{_clock()} {what}: nothing that shows changed")
            return
        self._good, self._good_at = rendered, _clock()
        status = f"{self._good_at} {what}: {rendered.how} in {rendered.seconds:.1f} s{note}"
        self._publish(None, status)
        self.log(f"{status} ({', '.join(f'{step} {seconds:.1f} s' for step, seconds in rendered.steps.items())})")

    def _fail(self, problem: Problem) -> None:
        status = f"{_clock()} {problem.title}"
        self._publish(problem, status)
        self.log(f"{status}\n  {problem.message.splitlines()[0] if problem.message else ''}")

    def _publish(self, problem: Problem | None, status: str) -> None:
        bar = Bar(self.unit.name, status, f"/{self.unit.stem}.pdf", self.board.next_version)
        note = ""
        if problem is not None:
            note = f"Below: the last good render ({self._good_at})." if self._good else "No good render yet."
        page = compose(self._good.html if self._good else None, bar, problem, note)
        self.board.publish(page, status)

    def _pdf(self) -> bytes:
        good = self._good
        if good is None:
            raise LookupError("No good render yet; the PDF follows the first one.")
        with self._pdf_lock:
            if self._pdf_cache is not None and self._pdf_cache[0] is good:
                return self._pdf_cache[1]
            from ...documents.export import export_html_and_pdf, open_printer_session

            self.board.say("Printing the PDF …")
            start = time.perf_counter()
            open_printer_session()  # one browser for every PDF of this preview, closed when it stops
            self._printer_opened = True
            _, pdf = export_html_and_pdf(good.nb)
            self._pdf_cache = (good, pdf)
            self.board.say(f"{_clock()} PDF printed in {time.perf_counter() - start:.1f} s")
            return pdf

    def close(self) -> None:
        """Stop serving, shut the kernel down, close the browser, end what is left and remove the scratch folder."""
        steps = [self.server.stop, self.kernel.close]
        if self._printer_opened:
            from ...documents.export import close_printer_session

            steps.append(close_printer_session)
        for step in steps:
            try:
                step()
            except Exception as exc:  # keep closing the rest
                self.log(f"while stopping: {type(exc).__name__}: {exc}")
        _end_children()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _end_children(grace: float = 3.0) -> None:
    """End every process this one started that is still running (a kernel or browser that did not close)."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.Error:
            pass


def _describe(changed: dict[Kind, list[Path]]) -> str:
    names = sorted({path.name for paths in changed.values() for path in paths})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{shown} changed"


def _process_side(paths: list[Path], package: Path) -> str:
    """The first changed package file that runs in the preview process, relative to the package, or ``""``."""
    for path in paths:
        relative = path.relative_to(package).as_posix() if path.is_relative_to(package) else ""
        if relative and any(relative == part or relative.startswith(part + "/") for part in _PROCESS_SIDE):
            return f"mpsc_report/{relative}"
    return ""


def _clock() -> str:
    return time.strftime("%H:%M:%S")
