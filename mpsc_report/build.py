"""Build wave reports: validate -> parameterize -> execute (papermill) -> export (nbconvert), one step each.

Mirrors papermill's ``execute``: every step is a small function; output paths are derived from validated
values, checked to stay inside the output folder and written atomically, so a failed unit never leaves a
new or half-written file at a final path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jupyter_client.kernelspec import NoSuchKernel

from . import qa
from .errors import BuildError, EnvironmentProblem, MpscReportError
from .params import WaveParams, load_params
from .report import open_report
from .validation import ERRORS_FILE, ValidationFailed, failures_csv
from .write import write_atomic

#: The notebook every wave report is built from, relative to the project root.
REPORT_NOTEBOOK = Path("notebooks/halftime_review.ipynb")

#: Name of the Jupyter kernel the set-up registers (``python -m ipykernel install --sys-prefix --name …``).
KERNEL_NAME = "mpsc-report"

#: Longest a single notebook cell may run before the unit fails.
CELL_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Unit:
    """One report to build: a validated params file and where its outputs go."""

    params_path: Path
    params: WaveParams
    notebook: Path
    out_dir: Path

    @property
    def name(self) -> str:
        """Short name for progress lines, e.g. ``halftime_review 2023``."""
        return f"{self.notebook.stem} {self.params.wave}"

    def output(self, suffix: str) -> Path:
        """Final path of one output, e.g. ``outputs/2023/halftime_review.pdf``."""
        return self.out_dir / f"{self.notebook.stem}{suffix}"


@dataclass
class UnitResult:
    """What happened to one unit."""

    unit: Unit
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every step succeeded."""
        return self.error is None


def plan_units(
    params_dir: Path,
    output_dir: Path,
    notebook: Path = REPORT_NOTEBOOK,
    waves: Iterable[str] | None = None,
) -> list[Unit]:
    """Validate every params file (or the selected waves) and derive each unit's output folder.

    Raises
    ------
    ParamsError
        For the first invalid params file, naming file, key and value.
    BuildError
        When a requested wave has no params file, or two files declare the same wave.
    """
    if not notebook.is_file():
        raise BuildError(f"report notebook {notebook} not found; run from the project root or pass --notebook.")
    notebook = notebook.resolve()
    files = sorted(params_dir.glob("*.yaml"))
    if not files:
        raise BuildError(f"no params files (*.yaml) in {params_dir}; add one per wave, e.g. params/2023.yaml.")
    loaded = [(path, load_params(path)) for path in files]
    seen: dict[str, Path] = {}
    for path, params in loaded:
        if params.wave in seen:
            raise BuildError(f"{path} and {seen[params.wave]} both declare wave {params.wave!r}; keep one.")
        seen[params.wave] = path
    wanted = list(waves) if waves else sorted(seen)
    missing = [w for w in wanted if w not in seen]
    if missing:
        raise BuildError(f"no params file for wave(s) {missing} in {params_dir} (have: {', '.join(sorted(seen))}).")
    by_wave = {params.wave: (path, params) for path, params in loaded}
    return [
        Unit(path, params, notebook, _inside(output_dir, params.wave)) for path, params in (by_wave[w] for w in wanted)
    ]


def build_units(
    units: list[Unit],
    formats: tuple[str, ...] = ("html", "pdf"),
    on_progress: Callable[[UnitResult], None] | None = None,
) -> list[UnitResult]:
    """Build units one after the other, keeping going past failures; report each result as it ends."""
    results = []
    for unit in units:
        result = build_unit(unit, formats)
        results.append(result)
        if on_progress:
            on_progress(result)
    return results


def build_unit(unit: Unit, formats: tuple[str, ...] = ("html", "pdf")) -> UnitResult:
    """Validate the data, execute the notebook and export it; errors are captured in the result."""
    start = time.perf_counter()
    result = UnitResult(unit)
    try:
        validate_data(unit)
        executed = execute_notebook(unit)
        result.outputs.append(executed)
        result.outputs.extend(export_notebook(unit, executed, formats))
    except MpscReportError as exc:
        result.error = str(exc)
    result.seconds = time.perf_counter() - start
    return result


def validate_data(unit: Unit) -> None:
    """Load and check the unit's data in this process, so no kernel starts on missing or broken data.

    Every validation failure (file rejected, or rows quarantined) is listed in ``validation_errors.csv``
    beside the unit's outputs; a clean run removes a stale list.
    """
    errors_csv = unit.out_dir / ERRORS_FILE
    try:
        report = open_report(unit.params)
    except ValidationFailed as exc:
        write_atomic(errors_csv, failures_csv(exc.failures))
        raise
    failures = [f for wave in report.waves.values() if wave.quality for f in wave.quality.failures]
    if failures:
        write_atomic(errors_csv, failures_csv(failures))
    else:
        errors_csv.unlink(missing_ok=True)


def execute_notebook(unit: Unit) -> Path:
    """Run the notebook with papermill into a temporary file; move it to its final path only on success.

    On failure the partial notebook is kept as ``<name>.failed.ipynb`` beside the outputs, showing the
    cell that broke, and nothing at the final path changes.
    """
    final = unit.output(".ipynb")
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(f".{final.stem}.running.ipynb")
    failed = final.with_name(f"{final.stem}.failed.ipynb")
    try:
        papermill.execute_notebook(
            str(unit.notebook),
            str(partial),
            parameters=unit.params.to_notebook(),
            kernel_name=KERNEL_NAME,
            cwd=str(unit.notebook.parent),
            execution_timeout=CELL_TIMEOUT_SECONDS,
            progress_bar=False,
            log_output=False,
        )
        _check_complete(partial)
    except NoSuchKernel:
        partial.unlink(missing_ok=True)
        raise EnvironmentProblem(
            f"Jupyter kernel {KERNEL_NAME!r} is not installed. Run `make setup` (or "
            f"`python -m ipykernel install --sys-prefix --name {KERNEL_NAME}`) and build again."
        ) from None
    except Exception as exc:  # papermill raises many unrelated types: cell errors, timeouts, dead kernels
        if partial.exists():
            partial.replace(failed)
        raise BuildError(
            f"{unit.name}: executing {unit.notebook.name} failed: {_first_line(exc)}. "
            f"The partial notebook is at {failed}; open it to see the failing cell."
        ) from exc
    qa.enforce(partial, failed, unit.name)  # QA gates (mpsc_report/qa.py): a failing report is kept as .failed.ipynb
    failed.unlink(missing_ok=True)
    write_atomic(final, partial.read_bytes())
    partial.unlink()
    return final


def export_notebook(unit: Unit, executed: Path, formats: tuple[str, ...]) -> list[Path]:
    """Export an executed notebook to the requested formats, each written atomically."""
    from .export import export_html, export_html_and_pdf  # nbconvert and Playwright load only when exporting

    nb = nbformat.read(executed, as_version=4)
    if "pdf" in formats:
        html, pdf = export_html_and_pdf(nb)
    else:
        html, pdf = export_html(nb), b""
    written = []
    if "html" in formats:
        written.append(write_atomic(unit.output(".html"), html))
    if "pdf" in formats:
        written.append(write_atomic(unit.output(".pdf"), pdf))
    return written


def _check_complete(path: Path) -> None:
    """Fail a run that ended early (e.g. ``sys.exit`` in a cell) and left code cells unexecuted."""
    nb = nbformat.read(path, as_version=4)
    skipped = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None
    ]
    if skipped:
        raise BuildError(f"the notebook stopped early: code cell(s) {skipped} did not run")


def _inside(output_dir: Path, wave: str) -> Path:
    base = output_dir.resolve()
    target = (base / wave).resolve()
    if not target.is_relative_to(base) or target == base:
        raise BuildError(f"wave {wave!r} would write outside {base}; use a plain wave id such as '2023'.")
    return target


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"cell [{exc.exec_count}] raised {exc.ename}: {exc.evalue}"
    text = str(exc).strip().splitlines()
    name = type(exc).__name__
    return f"{name}: {text[-1]}" if text else name
