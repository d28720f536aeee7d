"""Build one unit (a wave report or a project factsheet): validate -> parameterize -> execute -> export -> commit.

Mirrors papermill's ``execute``: every step is a small function; output paths are derived from validated
values, checked to stay inside the output folder, and all outputs of a unit are written together and atomically,
so a failed unit never leaves a new or half-written file at a final path. Scheduling many units (workers,
progress, manifest) is :mod:`mpsc_report.batch`'s job.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import kernels
from .errors import BuildError, EnvironmentProblem, ExportError, MpscReportError
from .params import FactsheetParams, WaveParams, load_params
from .write import write_all_atomic

#: The notebook every wave report is built from, relative to the project root.
REPORT_NOTEBOOK = Path("notebooks/halftime_review.ipynb")

#: The notebook every project factsheet is built from; factsheets are planned only when it exists.
FACTSHEET_NOTEBOOK = Path("notebooks/project_factsheet.ipynb")

#: Name of the Jupyter kernel the set-up registers (``python -m ipykernel install --sys-prefix --name …``).
KERNEL_NAME = "mpsc-report"

#: Longest a single notebook cell may run before the unit fails.
CELL_TIMEOUT_SECONDS = 300

#: How often a step is tried again after a transient fault (kernel dead at start, browser crash); never for a
#: cell error.
TRANSIENT_RETRIES = 2

#: Seconds to wait before the first retry; doubled for each further one.
RETRY_BACKOFF_SECONDS = 0.5

#: Folder under the output folder that keeps the partial notebooks of failed units.
FAILED_DIR = "failed"

Kind = Literal["report", "factsheet"]
KINDS: tuple[Kind, ...] = ("report", "factsheet")


@dataclass(frozen=True)
class Unit:
    """One document to build: a notebook, its validated parameters and where its outputs go.

    ``unit_id`` is stable across runs (``2023/report``, ``2023/factsheets/solingen``): the manifest is keyed by
    it and a failed unit's partial notebook is kept at ``<output root>/failed/<unit_id>.ipynb``.
    """

    kind: Kind
    unit_id: str
    notebook: Path
    params: WaveParams | FactsheetParams
    out_dir: Path
    stem: str
    output_root: Path
    params_path: Path | None = None

    @property
    def name(self) -> str:
        """Short name for progress lines: the unit id."""
        return self.unit_id

    @property
    def wave(self) -> str:
        """The survey wave of the unit."""
        return self.params.wave

    @property
    def project(self) -> str | None:
        """The project of a factsheet, ``None`` for a wave report."""
        return getattr(self.params, "project", None)

    def output(self, suffix: str) -> Path:
        """Final path of one output, e.g. ``outputs/2023/halftime_review.pdf``."""
        return self.out_dir / f"{self.stem}{suffix}"

    @property
    def running_notebook(self) -> Path:
        """Hidden path papermill writes to while the notebook runs."""
        return self.out_dir / f".{self.stem}.running.ipynb"

    @property
    def failed_notebook(self) -> Path:
        """Where the partial notebook of a failed run is kept."""
        return self.output_root / FAILED_DIR / f"{self.unit_id}.ipynb"


@dataclass
class UnitResult:
    """What happened to one unit.

    ``status`` is ``built``, ``skipped`` (nothing it depends on changed), ``failed``, ``timeout`` (the per-unit
    cap was exceeded and its processes were killed), ``interrupted`` (Ctrl-C) or ``not-run`` (a fail-fast stop).
    """

    unit: Unit
    status: str = "built"
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    error_type: str | None = None
    cell: dict[str, Any] | None = None
    failed_notebook: Path | None = None
    seconds: float = 0.0
    attempts: int = 1
    worker: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the unit's outputs are current (built now or skipped as unchanged)."""
        return self.status in ("built", "skipped")


class UnitFailure(BuildError):
    """A unit's notebook failed; carries the failing cell and the kept partial notebook."""

    def __init__(
        self,
        message: str,
        cell: dict[str, Any] | None = None,
        failed_notebook: Path | None = None,
        transient: bool = False,
    ):
        super().__init__(message)
        self.cell = cell
        self.failed_notebook = failed_notebook
        self.transient = transient


def plan_units(
    params_dir: Path,
    output_dir: Path,
    notebook: Path = REPORT_NOTEBOOK,
    waves: Iterable[str] | None = None,
    *,
    kinds: Iterable[Kind] = ("report",),
    factsheet_notebook: Path = FACTSHEET_NOTEBOOK,
    projects: Iterable[str] | None = None,
    cohorts: Iterable[str] | None = None,
    register: Path | None = None,
) -> list[Unit]:
    """Validate every params file (or the selected waves) and plan the units to build, in a stable order.

    Parameters
    ----------
    params_dir : Path
        Folder of ``<wave>.yaml`` files.
    output_dir : Path
        Output root; reports go to ``<wave>/``, factsheets to ``<wave>/factsheets/``.
    notebook : Path
        Report notebook.
    waves : iterable of str, optional
        Only these waves (default: every params file).
    kinds : iterable of {"report", "factsheet"}
        What to plan for each wave.
    factsheet_notebook : Path
        Factsheet notebook (must exist when factsheets are planned).
    projects, cohorts : iterable of str, optional
        Only factsheets of these project ids / of projects in these cohorts of the register.
    register : Path, optional
        Project register (default: the one shipped with the package).

    Returns
    -------
    list of Unit
        Per wave: its report first, then its factsheets in register order.

    Raises
    ------
    ParamsError
        For the first invalid params file, naming file, key and value.
    BuildError
        A notebook is missing, a requested wave, project or cohort does not exist, or two files declare the
        same wave.
    """
    kinds = tuple(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise BuildError(f"unknown unit kind(s) {unknown}; choose from {', '.join(KINDS)}.")
    if "report" in kinds and not notebook.is_file():
        raise BuildError(f"report notebook {notebook} not found; run from the project root or pass --notebook.")
    if "factsheet" in kinds and not factsheet_notebook.is_file():
        raise BuildError(
            f"factsheet notebook {factsheet_notebook} not found; run from the project root or pass "
            "--factsheet-notebook."
        )
    selected = _select_waves(params_dir, waves)
    base = output_dir.resolve()
    chosen = _select_projects(projects, cohorts, register) if "factsheet" in kinds else []
    units = []
    for path, params in selected:
        wave_dir = _inside(base, params.wave)
        if "report" in kinds:
            nb = notebook.resolve()
            units.append(Unit("report", f"{params.wave}/report", nb, params, wave_dir, nb.stem, base, path))
        for project in chosen:
            fs = FactsheetParams.from_wave(params, project)
            out = _inside(base, f"{params.wave}/factsheets")
            unit_id = f"{params.wave}/factsheets/{fs.project}"
            _inside(base, unit_id)
            units.append(Unit("factsheet", unit_id, factsheet_notebook.resolve(), fs, out, fs.project, base, path))
    return units


def _select_waves(params_dir: Path, waves: Iterable[str] | None) -> list[tuple[Path, WaveParams]]:
    files = sorted(params_dir.glob("*.yaml"))
    if not files:
        raise BuildError(f"no params files (*.yaml) in {params_dir}; add one per wave, e.g. params/2023.yaml.")
    loaded = [(path, load_params(path)) for path in files]
    seen: dict[str, Path] = {}
    for path, params in loaded:
        if params.wave in seen:
            raise BuildError(f"{path} and {seen[params.wave]} both declare wave {params.wave!r}; keep one.")
        seen[params.wave] = path
    wanted = list(dict.fromkeys(waves)) if waves else sorted(seen)
    missing = [w for w in wanted if w not in seen]
    if missing:
        raise BuildError(f"no params file for wave(s) {missing} in {params_dir} (have: {', '.join(sorted(seen))}).")
    by_wave = {params.wave: (path, params) for path, params in loaded}
    return [by_wave[w] for w in wanted]


def _select_projects(projects: Iterable[str] | None, cohorts: Iterable[str] | None, register: Path | None) -> list:
    from .load import load_register  # pandas only when factsheets are planned

    frame = load_register(register)
    ids = list(frame["project_id"])
    cohort_of = dict(zip(frame["project_id"], frame["cohort"], strict=True))
    projects = list(dict.fromkeys(projects or ()))
    cohorts = list(dict.fromkeys(cohorts or ()))
    unknown = [p for p in projects if p not in cohort_of]
    if unknown:
        raise BuildError(f"unknown project(s) {unknown}: not in the register (e.g. {', '.join(ids[:3])}, …).")
    known_cohorts = sorted(set(cohort_of.values()))
    bad = [c for c in cohorts if c not in known_cohorts]
    if bad:
        raise BuildError(f"unknown cohort(s) {bad}; the register has cohorts {', '.join(known_cohorts)}.")
    if not projects and not cohorts:
        return ids
    return [p for p in ids if p in projects or cohort_of[p] in cohorts]


def build_units(
    units: list[Unit],
    formats: tuple[str, ...] = ("html", "pdf"),
    on_progress: Callable[[UnitResult], None] | None = None,
) -> list[UnitResult]:
    """Build units one after the other in this process, keeping going past failures (no manifest)."""
    results = []
    for unit in units:
        result = build_unit(unit, formats)
        results.append(result)
        if on_progress:
            on_progress(result)
    return results


def build_unit(
    unit: Unit,
    formats: tuple[str, ...] = ("html", "pdf"),
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
) -> UnitResult:
    """Validate the data, execute the notebook, export it and write all outputs together.

    Errors are captured in the result, never raised. Transient faults (a kernel that dies before it answers,
    a browser that crashes) are retried up to :data:`TRANSIENT_RETRIES` times; cell errors never are.
    """
    start = time.perf_counter()
    result = UnitResult(unit)
    try:
        validate_data(unit)
        nb = _with_retries(lambda: execute_notebook(unit, cell_timeout), result)
        kernels.prestart(KERNEL_NAME, unit.notebook.parent)  # the next unit's kernel boots while this one exports
        exported = _with_retries(lambda: export_notebook(unit, nb, formats), result)
        result.outputs = commit_outputs(unit, nb, exported)
    except MpscReportError as exc:
        result.status = "failed"
        result.error = str(exc)
        result.error_type = type(exc.__cause__ or exc).__name__
        if isinstance(exc, UnitFailure):
            result.cell, result.failed_notebook = exc.cell, exc.failed_notebook
    result.seconds = time.perf_counter() - start
    return result


def _with_retries(step: Callable[[], Any], result: UnitResult) -> Any:
    for attempt in range(TRANSIENT_RETRIES + 1):
        try:
            return step()
        except MpscReportError as exc:
            if attempt == TRANSIENT_RETRIES or not _is_transient(exc):
                raise
            result.attempts += 1
            time.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
    raise AssertionError("unreachable")


def _is_transient(exc: MpscReportError) -> bool:
    if isinstance(exc, UnitFailure):
        return exc.transient
    if isinstance(exc, ExportError) and exc.__cause__ is not None:
        cause = exc.__cause__
        text = str(cause).lower()
        return type(cause).__name__ in ("Error", "TargetClosedError") and any(
            word in text for word in ("closed", "crash", "disconnected")
        )
    return False


def validate_data(unit: Unit) -> None:
    """Load and check the unit's data in this process, so no kernel starts on missing or broken data.

    For a wave report every validation failure (file rejected, or rows quarantined) is listed in
    ``validation_errors.csv`` beside the unit's outputs; a clean run removes a stale list.
    """
    from .validation import ERRORS_FILE, ValidationFailed, failures_csv
    from .write import write_atomic

    if not isinstance(unit.params, WaveParams):
        from .load import load_wave, resolve_data_dir

        load_wave(resolve_data_dir(unit.params.data), unit.params.wave)
        return
    from .report import open_report

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


def execute_notebook(unit: Unit, cell_timeout: float = CELL_TIMEOUT_SECONDS):
    """Run the notebook with papermill into a hidden temporary file and return the executed notebook.

    Nothing at a final path changes. On failure the partial notebook is kept at ``unit.failed_notebook``,
    showing the cell that broke, and :class:`UnitFailure` names that cell.
    """
    import nbformat
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    partial = unit.running_notebook
    partial.parent.mkdir(parents=True, exist_ok=True)
    manager = kernels.take(KERNEL_NAME, unit.notebook.parent)  # started ahead by a build worker, if any
    try:
        papermill.execute_notebook(
            str(unit.notebook),
            str(partial),
            parameters=unit.params.to_notebook(),
            kernel_name=KERNEL_NAME,
            cwd=str(unit.notebook.parent),
            execution_timeout=cell_timeout,
            progress_bar=False,
            log_output=False,
            **({"km": manager} if manager is not None else {}),
        )
        nb = nbformat.read(partial, as_version=4)
        _check_complete(nb)
    except NoSuchKernel:
        partial.unlink(missing_ok=True)
        raise EnvironmentProblem(
            f"Jupyter kernel {KERNEL_NAME!r} is not installed. Run `./make.sh setup` (or "
            f"`python -m ipykernel install --sys-prefix --name {KERNEL_NAME}`) and build again."
        ) from None
    except Exception as exc:  # papermill raises many unrelated types: cell errors, timeouts, dead kernels
        failed = keep_partial_notebook(unit)
        cell = failing_cell(failed, exc) if failed else None
        where = f"The partial notebook is at {failed}; open it to see the failing cell." if failed else ""
        raise UnitFailure(
            f"{unit.name}: executing {unit.notebook.name} failed: {_first_line(exc)}. {where}".strip(),
            cell=cell,
            failed_notebook=failed,
            transient=_kernel_start_fault(exc),
        ) from exc
    finally:
        if manager is not None:
            kernels.release(manager)
    _enforce_qa(unit, nb)
    partial.unlink(missing_ok=True)
    _forget_failure(unit)
    return nb


def _enforce_qa(unit: Unit, nb: Any) -> None:
    """Run the QA gates (:mod:`mpsc_report.qa`) on the executed notebook; a failing unit publishes nothing."""
    from . import qa

    problems = qa.check_notebook(nb)
    if problems:
        failed = keep_partial_notebook(unit)
        raise UnitFailure(qa.describe(problems, unit.name, failed), failed_notebook=failed)


def _forget_failure(unit: Unit) -> None:
    """Remove the partial notebook of an earlier failure, and the folders it leaves empty."""
    unit.failed_notebook.unlink(missing_ok=True)
    top = unit.output_root / FAILED_DIR
    folder = unit.failed_notebook.parent
    while folder.is_relative_to(top) and folder.is_dir() and not any(folder.iterdir()):
        try:
            folder.rmdir()
        except OSError:  # another worker just put a notebook there
            break
        if folder == top:
            break
        folder = folder.parent


def keep_partial_notebook(unit: Unit) -> Path | None:
    """Move the unit's partial notebook (if any) to ``unit.failed_notebook``; return where it went."""
    partial = unit.running_notebook
    if not partial.exists():
        return None
    for _ in range(3):  # another worker may remove an empty folder of failed/ in between
        unit.failed_notebook.parent.mkdir(parents=True, exist_ok=True)
        try:
            partial.replace(unit.failed_notebook)
        except FileNotFoundError:
            continue
        return unit.failed_notebook
    return partial if partial.exists() else None


def failing_cell(path: Path, exc: BaseException | None = None) -> dict[str, Any] | None:
    """Describe the cell a partial notebook stopped in: index, execution count, error and first source lines."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # a notebook cut off mid-write: the error message still names the unit
        return None
    chosen = None
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("exception") or meta.get("status") in ("failed", "running"):
            chosen = index
            break
    if chosen is None:  # e.g. sys.exit: the last cell that ran
        ran = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count") is not None]
        chosen = ran[-1] if ran else None
    if chosen is None:
        return None
    cell = nb.cells[chosen]
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    info: dict[str, Any] = {
        "index": chosen,
        "execution_count": cell.get("execution_count"),
        "source": "\n".join(cell.source.splitlines()[:5])[:400],
    }
    if errors:
        info["ename"], info["evalue"] = errors[0].get("ename"), str(errors[0].get("evalue"))[:400]
    elif exc is not None:
        info["ename"], info["evalue"] = type(exc).__name__, _first_line(exc)[:400]
    return info


def export_notebook(unit: Unit, nb, formats: tuple[str, ...]) -> dict[str, bytes | str]:
    """Export an executed notebook to the requested formats (in memory; nothing is written)."""
    from .export import export_html, export_html_and_pdf  # nbconvert and Playwright load only when exporting

    if "pdf" in formats:
        html, pdf = export_html_and_pdf(nb)
    else:
        html, pdf = export_html(nb), b""
    exported: dict[str, bytes | str] = {}
    if "html" in formats:
        exported[".html"] = html
    if "pdf" in formats:
        exported[".pdf"] = pdf
    return exported


def commit_outputs(unit: Unit, nb, exported: dict[str, bytes | str]) -> list[Path]:
    """Write the executed notebook and its exports together: all replaced, or none (e.g. on a full disk)."""
    import nbformat

    files = {unit.output(".ipynb"): nbformat.writes(nb), **{unit.output(s): data for s, data in exported.items()}}
    try:
        return write_all_atomic(files)
    except OSError as exc:
        hint = "free some space" if exc.errno == errno.ENOSPC else "check the folder's permissions and space"
        raise BuildError(
            f"{unit.name}: writing the outputs to {unit.out_dir} failed ({exc.strerror or exc}); the previous "
            f"outputs are unchanged. {hint.capitalize()} and build again."
        ) from exc


def _check_complete(nb) -> None:
    """Fail a run that ended early (e.g. ``sys.exit`` in a cell) and left code cells unexecuted."""
    from .qa import unexecuted_code_cells

    skipped = unexecuted_code_cells(nb)
    if skipped:
        raise BuildError(f"the notebook stopped early: code cell(s) {skipped} did not run")


def _kernel_start_fault(exc: BaseException) -> bool:
    """A kernel that died or hung before answering, or a port clash at start: worth one more try."""
    text = str(exc)
    if "Kernel died before replying to kernel_info" in text or "Kernel didn't respond in" in text:
        return True
    return type(exc).__name__ == "ZMQError" and getattr(exc, "errno", None) == errno.EADDRINUSE


def _inside(base: Path, relative: str) -> Path:
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise BuildError(f"{relative!r} would write outside {base}; use plain ids such as '2023'.")
    return target


def _first_line(exc: BaseException) -> str:
    if type(exc).__name__ == "PapermillExecutionError":
        return f"cell [{exc.exec_count}] raised {exc.ename}: {exc.evalue}"
    text = [line for line in str(exc).strip().splitlines() if line.strip()]
    name = type(exc).__name__
    return f"{name}: {text[0]}" if text else name
