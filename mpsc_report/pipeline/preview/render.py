"""One render of the previewed document: run its code (or only re-render its Markdown), check it, export it.

Execution is the build's: papermill injects the validated parameters and runs the cells with the ``mpsc-report``
kernel, then the QA gates (:mod:`mpsc_report.documents.qa`) and the publication exporter
(:func:`~mpsc_report.documents.export.export_html`) run as in a build. What differs is where the kernel comes from
(:class:`~.kernel.WarmKernel`, reset before each run) and that a change to Markdown cells alone re-exports the
last run's outputs under the new Markdown instead of running any code. A failure raises :class:`RenderFailed`
with a :class:`Problem` naming the cell as the notebook's author counts it (from 1, without papermill's injected
parameters cell).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import MpscReportError, ParamsError
from ..build import KERNEL_NAME
from ..units import Unit
from .kernel import WarmKernel
from .watch import Kind, Targets

#: papermill's tag on the cell it injects after the ``parameters`` cell.
_INJECTED_TAG = "injected-parameters"

#: Lines of a failing cell's source and of its traceback shown in the page.
_SOURCE_LINES = 8
_TRACEBACK_LINES = 12

#: Validation failures listed for invalid data (a build writes them all to validation_errors.csv).
_FAILURE_ROWS = 500

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Problem:
    """Why the latest render failed, as the page shows it: a headline, our sentence, the cell and the details."""

    title: str
    message: str
    cell: int | None = None
    source: str = ""
    details: str = ""


class RenderFailed(Exception):
    """A render did not produce a page; :attr:`problem` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.title)
        self.problem = problem


@dataclass
class Rendered:
    """A good render: the publication HTML, the notebook it came from (for the PDF), what ran and how long.

    ``steps`` are seconds per step: ``restart`` (kernel), ``checks`` (params and data), ``run`` (reset and every
    cell), ``export`` (QA gates and HTML).
    """

    html: str
    nb: Any
    how: str
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class _Inputs:
    """The validated inputs and how often they changed (a run is reused only for the same generation)."""

    params: Any = None
    problem: Problem | None = None
    generation: int = 0
    data_dir: Path | None = None
    codebooks: tuple[Path, ...] = field(default_factory=tuple)


class Renderer:
    """Renders one unit again and again, each time doing only what the change requires.

    Parameters
    ----------
    unit : Unit
        The document: its notebook, params file and kind (report or factsheet).
    kernel : WarmKernel
        The kept-warm kernel runs execute in.
    cell_timeout : float
        Seconds one cell may run.
    """

    def __init__(self, unit: Unit, kernel: WarmKernel, cell_timeout: float) -> None:
        self.unit = unit
        self.kernel = kernel
        self.cell_timeout = cell_timeout
        self._inputs = _Inputs()
        self._source_key: tuple | None = None
        self._executed: Any = None
        self._executed_key: tuple | None = None
        self._exporter: Any = None

    def targets(self) -> Targets:
        """The files this render depends on (the data folder and codebooks follow the params)."""
        return Targets(
            notebook=self.unit.notebook,
            params=self.unit.params_path or self.unit.notebook,
            data_dir=self._inputs.data_dir,
            codebooks=self._inputs.codebooks,
        )

    def render(self, changed: set[Kind]) -> Rendered | None:
        """Bring the page up to date with ``changed``; ``None`` when nothing that shows changed.

        Raises
        ------
        RenderFailed
            Invalid params or data, an unreadable notebook, a failing cell, a QA gate or the export failed.
        """
        start = time.perf_counter()
        steps: dict[str, float] = {}
        restarted = False
        if "package" in changed:
            self.kernel.restart()  # edited modules are imported anew by the next run
            restarted = True
            steps["restart"] = _lap(start)
        if changed & {"params", "data", "package"} or self._inputs.params is None:
            began = time.perf_counter()
            self.check_inputs(reload_params="params" in changed or self._inputs.params is None)
            steps["checks"] = _lap(began)
        if self._inputs.problem is not None:
            raise RenderFailed(self._inputs.problem)
        source = _read_notebook(self.unit.notebook)
        key = (_signature(source), self._inputs.generation)
        if changed <= {"notebook"} and key == self._source_key:
            return None  # e.g. saved with new outputs from JupyterLab: the sources are the same
        self._source_key = key
        parameterized = self._parameterize(source)
        code_key = (_code_signature(source), self._inputs.generation)
        if self._executed is not None and code_key == self._executed_key:
            nb = _with_outputs_of(parameterized, self._executed)
            how = "exported again, no code ran" if changed <= {"templates"} else "re-rendered without running code"
        else:
            began = time.perf_counter()
            nb = self._execute(parameterized)
            steps["run"] = _lap(began)
            self._executed, self._executed_key = nb, code_key
            how = "kernel restarted, code ran" if restarted else "code ran"
        began = time.perf_counter()
        self._check_qa(nb, parameterized)
        html = self._export(nb, fresh="templates" in changed)
        steps["export"] = _lap(began)
        return Rendered(html=html, nb=nb, how=how, seconds=_lap(start), steps=steps)

    def check_inputs(self, reload_params: bool = True) -> None:
        """Load the params (when they changed) and check the data as a build does, before any code runs.

        A problem is kept (and raised by every :meth:`render`) until the params or the data change again.
        """
        from ...data.load import resolve_data_dir
        from ...data.params import FactsheetParams, load_params
        from ...data.validation import ERRORS_FILE, ValidationFailed
        from ...data.waves import open_waves

        inputs = self._inputs
        inputs.generation += 1
        inputs.problem = None
        try:
            if reload_params or inputs.params is None:
                wave_params = load_params(self.unit.params_path) if self.unit.params_path else self.unit.params
                project = self.unit.project
                inputs.params = FactsheetParams.from_wave(wave_params, project) if project else wave_params
                inputs.codebooks = _codebook_paths(inputs.params.to_notebook())
                inputs.data_dir = resolve_data_dir(inputs.params.data)
            open_waves(inputs.params)
        except MpscReportError as exc:
            if reload_params:
                inputs.params = None  # read them again at the next change, whatever it is
            what = "params" if isinstance(exc, ParamsError) else "data"
            message, details = str(exc), ""
            if isinstance(exc, ValidationFailed):  # the preview writes no validation_errors.csv: list them here
                message = message.replace(f"full list in {ERRORS_FILE}", "full list under Details")
                shown = [f"- {failure.describe()}" for failure in exc.failures[:_FAILURE_ROWS]]
                more = len(exc.failures) - len(shown)
                details = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
            inputs.problem = Problem(
                title=f"The {what} of {self.unit.name} are not valid; no code ran", message=message, details=details
            )

    def _parameterize(self, source: Any) -> Any:
        from papermill.parameterize import parameterize_notebook

        return parameterize_notebook(source, self._inputs.params.to_notebook(), kernel_name=KERNEL_NAME)

    def _execute(self, nb: Any) -> Any:
        """Run every cell in the reset warm kernel; a failing cell becomes a :class:`Problem` naming it."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        self.kernel.reset()
        try:
            executed = papermill.execute_notebook(
                nb,
                None,
                kernel_name=KERNEL_NAME,
                km=self.kernel.manager,
                execution_timeout=self.cell_timeout,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            cell = _source_position(nb, exc.cell_index)
            traceback = "\n".join(_ANSI.sub("", line) for line in exc.traceback or [])
            raise RenderFailed(
                Problem(
                    title=f"{_cell_name(cell)} raised {exc.ename}",
                    message=f"{exc.ename}: {exc.evalue}",
                    cell=cell,
                    source=_first_lines(exc.source, _SOURCE_LINES),
                    details="\n".join(traceback.splitlines()[-_TRACEBACK_LINES:]),
                )
            ) from None
        except Exception as exc:  # a cell over the time limit, a dead kernel: start a fresh one for the next run
            self.kernel.close()
            text = _ANSI.sub("", str(exc)).strip()
            raise RenderFailed(
                Problem(
                    title=f"Running the notebook failed ({type(exc).__name__}); the kernel is restarted",
                    message=text.splitlines()[0] if text else type(exc).__name__,
                    details="\n".join(text.splitlines()[1:][-_TRACEBACK_LINES:]),
                )
            ) from None
        finally:
            self.kernel.end_run()
        executed.metadata.setdefault("papermill", {})["input_path"] = str(self.unit.notebook)
        return executed

    def _export(self, nb: Any, fresh: bool) -> str:
        """The publication HTML, as :func:`~mpsc_report.documents.export.export_html` makes it.

        One exporter serves every render: nbconvert compiles its templates once per exporter (about 0.4 s); a
        change to the templates gets a new one. Stylesheets are read at every export.
        """
        from ...documents.export import ReportHTMLExporter

        if self._exporter is None or fresh:
            self._exporter = ReportHTMLExporter()
        try:
            html, _ = self._exporter.from_notebook_node(nb)
        except MpscReportError as exc:
            raise RenderFailed(Problem(title="The export failed", message=str(exc))) from None
        return html

    def _check_qa(self, nb: Any, parameterized: Any) -> None:
        """Run the build's QA gates; the page names each problem's cell as the author counts it."""
        from ...documents import qa
        from ...documents.cells import cell_refs

        problems = qa.check_notebook(nb)
        if not problems:
            return
        # qa names cells as the author counts them (documents.cells): position from 1, papermill's cells not counted
        index_of = {ref.position: i for i, ref in enumerate(cell_refs(parameterized.cells)) if ref is not None}
        lines, first = [], None
        for problem in problems:
            if first is None and problem.cell in index_of:
                first = index_of[problem.cell]
            named = _cell_name(problem.cell) + ": " if problem.cell is not None else ""
            lines.append(f"[{problem.gate}] {named}{problem.message}")
        raise RenderFailed(
            Problem(
                title=f"{len(problems)} QA check(s) failed; a build would not publish this",
                message="\n".join(lines),
                cell=_source_position(parameterized, first) if first is not None else None,
                source=_first_lines(parameterized.cells[first].source, _SOURCE_LINES) if first is not None else "",
            )
        )


def _lap(began: float) -> float:
    return time.perf_counter() - began


def _read_notebook(path: Path) -> Any:
    """Read the notebook as papermill does; one retry covers an editor caught in the middle of writing it."""
    from papermill.iorw import load_notebook_node

    for attempt in range(2):
        try:
            return load_notebook_node(str(path))
        except Exception as exc:  # JSON, schema or file errors: nbformat raises several types
            if attempt == 0:
                time.sleep(0.3)
                continue
            raise RenderFailed(
                Problem(
                    title=f"{path.name} cannot be read",
                    message=f"{path} is not a readable notebook; save it again from JupyterLab.",
                    details=f"{type(exc).__name__}: {_ANSI.sub('', str(exc)).strip()[:500]}",
                )
            ) from None
    raise AssertionError("unreachable")


def _signature(nb: Any) -> tuple:
    """What of a notebook shows in the page: every cell's kind, source, tags and attachments (not its outputs)."""
    return tuple(
        (cell.cell_type, cell.source, tuple(cell.get("metadata", {}).get("tags", ())), repr(cell.get("attachments")))
        for cell in nb.cells
    )


def _code_signature(nb: Any) -> tuple:
    """What a run depends on: the code cells' sources and tags, in order."""
    return tuple(
        (cell.source, tuple(cell.get("metadata", {}).get("tags", ()))) for cell in nb.cells if cell.cell_type == "code"
    )


def _with_outputs_of(parameterized: Any, executed: Any) -> Any:
    """The new notebook with the last run's code cells (outputs, counts) in place of its own (same code)."""
    import copy

    merged = copy.deepcopy(parameterized)
    runs = iter([cell for cell in executed.cells if cell.cell_type == "code"])
    merged.cells = [next(runs) if cell.cell_type == "code" else cell for cell in merged.cells]
    merged.metadata = executed.metadata
    return merged


def _injected_index(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if _INJECTED_TAG in cell.get("metadata", {}).get("tags", ()):
            return index
    return None


def _source_position(nb: Any, index: int) -> int | None:
    """Position (from 1) in the author's notebook of the cell at ``index`` of the parameterized one."""
    injected = _injected_index(nb)
    if injected is None or index < injected:
        return index + 1
    return None if index == injected else index


def _cell_name(position: int | None) -> str:
    return f"Cell {position}" if position is not None else "The injected parameters cell"


def _first_lines(text: str, count: int) -> str:
    lines = text.splitlines()
    return "\n".join(lines[:count]) + ("\n…" if len(lines) > count else "")


def _codebook_paths(params: Any) -> tuple[Path, ...]:
    """Codebook files the parameters name by path (shipped codebooks are part of the package)."""
    found: list[Path] = []
    if isinstance(params, dict):
        for key, value in params.items():
            if key == "codebook" and isinstance(value, str) and value.endswith((".yaml", ".yml")):
                found.append(Path(value))
            else:
                found.extend(_codebook_paths(value))
    elif isinstance(params, list):
        for value in params:
            found.extend(_codebook_paths(value))
    return tuple(dict.fromkeys(found))
