"""Build one unit (a wave report or a project factsheet): validate -> parameterize -> execute -> export -> commit.

Mirrors papermill's ``execute``: every step is a small function; output paths are derived from validated
values, checked to stay inside the output folder, and all outputs of a unit are written together and atomically,
so a failed unit never leaves a new or half-written file at a final path. Scheduling many units (workers,
progress, manifest) is :mod:`mpsc_report.pipeline.batch`'s job.
"""

from __future__ import annotations

import errno
import glob
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError, EnvironmentProblem, ExportError, MpscReportError
from ..write import write_all_atomic
from . import kernels
from .units import FAILED_DIR, FORMATS, OPEN_DATA_FORMATS, Unit, UnitResult

#: Name of the Jupyter kernel the set-up registers (``python -m ipykernel install --sys-prefix --name …``).
KERNEL_NAME = "mpsc-report"

#: Longest a single notebook cell may run before the unit fails.
CELL_TIMEOUT_SECONDS = 300

#: How often a step is tried again after a transient fault (kernel dead at start, browser crash); never for a
#: cell error.
TRANSIENT_RETRIES = 2

#: Seconds to wait before the first retry; doubled for each further one.
RETRY_BACKOFF_SECONDS = 0.5


class UnitFailure(BuildError):
    """A unit's notebook failed; carries the failing cell and the kept partial notebook.

    ``cell`` is a failure record of :func:`~mpsc_report.documents.cells.cell_record` (position among the notebook's
    own cells, execution count, first source lines) plus the error's ``ename``/``evalue``; the message names the
    cell the same way (``cell 5 (In [3])``).
    """

    def __init__(
        self,
        message: str,
        cell: dict[str, Any] | None = None,
        failed_notebook: Path | None = None,
        transient: bool = False,
        *,
        detail: str | None = None,
    ):
        super().__init__(message, detail=detail)
        self.cell = cell
        self.failed_notebook = failed_notebook
        self.transient = transient


class QAFailed(UnitFailure):
    """A unit's notebook ran but fails a QA gate (:mod:`mpsc_report.documents.qa`); ``cell`` is the first problem's."""


def build_unit(
    unit: Unit,
    formats: tuple[str, ...] = FORMATS,
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
) -> UnitResult:
    """Validate the data, execute the notebook, export it and write all outputs together.

    The outputs are the executed notebook and the ``formats`` asked for (:data:`FORMATS`): HTML, PDF, the
    Tabellenband and the CSV files with their data package, all committed together.

    Errors are captured in the result, never raised. Transient faults (a kernel that dies before it answers,
    a browser that crashes) are retried up to :data:`TRANSIENT_RETRIES` times; cell errors never are.
    """
    start = time.perf_counter()
    result = UnitResult(unit)
    try:
        validate_data(unit)
        nb = _with_retries(lambda: execute_notebook(unit, cell_timeout), result)
        exported = _with_retries(lambda: export_notebook(unit, nb, formats), result)
        result.outputs = commit_outputs(unit, nb, exported, open_data="csv" in formats)
        from ..documents.contract import read_document  # pydantic models: only once a unit was built

        document = read_document(nb)
        result.numbers = document.numbers
        result.open_data_numbers = _open_data_numbers(unit, exported, document, formats)
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

    Reports and factsheets read their waves through the same :func:`~mpsc_report.data.waves.open_waves` their
    notebooks call. For a wave report every validation failure (file rejected, or rows quarantined) is listed in
    ``validation_errors.csv`` beside the unit's outputs; a clean run removes a stale list. A factsheet's waves are
    checked once per process while the files of its data folder (and the register, and its codebooks) keep their
    size and modification time.
    """
    from ..data.params import WaveParams
    from ..data.validation import ERRORS_FILE, ValidationFailed, failures_csv
    from ..data.waves import open_waves
    from ..write import write_atomic

    if not isinstance(unit.params, WaveParams):
        key, stamp = _data_stamp(unit.params)
        if _validated.get(key) != stamp:  # a factsheet reads the same waves as the ones before it
            open_waves(unit.params)
            _validated[key] = stamp
        return
    errors_csv = unit.out_dir / ERRORS_FILE
    try:
        failures = open_waves(unit.params).failures
    except ValidationFailed as exc:
        write_atomic(errors_csv, failures_csv(exc.failures))
        raise
    if failures:
        write_atomic(errors_csv, failures_csv(failures))
    else:
        errors_csv.unlink(missing_ok=True)


#: Data this process checked already for factsheets: (wave, data folder, intake) -> the files' names, sizes and
#: modification times when they passed. A worker builds dozens of factsheets of one wave; reading and validating
#: every wave again for each took about 0.2 s of its time per unit.
_validated: dict[str, tuple] = {}


def _data_stamp(params: Any) -> tuple[str, tuple]:
    """Key and file stamp of the data a factsheet's :func:`~mpsc_report.data.waves.open_waves` reads."""
    import json

    from ..data.load import package_data_dir, resolve_data_dir

    values = params.to_notebook()
    key = json.dumps({k: values[k] for k in ("wave", "data", "intake")}, sort_keys=True)
    try:
        folder = resolve_data_dir(params.data)
    except MpscReportError:
        return key, ()  # open_waves says what is wrong
    files = [p for p in folder.iterdir() if p.is_file()]
    files += [package_data_dir() / "projects.csv"]
    files += [Path(v) for v in _strings(values.get("intake")) if v.endswith((".yaml", ".yml"))]
    stamp = []
    for path in sorted(files):
        try:
            info = path.stat()
        except OSError:
            return key, ()
        stamp.append((str(path), info.st_size, info.st_mtime_ns))
    return key, tuple(stamp)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def execute_notebook(unit: Unit, cell_timeout: float = CELL_TIMEOUT_SECONDS):
    """Run the notebook with papermill into a hidden temporary file and return the executed notebook.

    Nothing at a final path changes. On failure the partial notebook is kept at ``unit.failed_notebook``,
    showing the cell that broke, and :class:`UnitFailure` names that cell. The QA gates run here too: a notebook
    that fails them is a failed run. In a build worker the kernel comes from :mod:`.kernels` (reused, reset between
    units); elsewhere each run gets a kernel of its own.
    """
    import nbformat
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    from .engine import ENGINE_NAME

    partial = unit.running_notebook
    partial.parent.mkdir(parents=True, exist_ok=True)
    cwd = unit.notebook.parent
    kernel = kernels.take(KERNEL_NAME, cwd)  # a build worker's kernel, warmed up (or reset after the last unit)
    manager = kernel.manager if kernel is not None else kernels.new_manager(KERNEL_NAME)
    clean = False
    try:
        papermill.execute_notebook(
            str(unit.notebook),
            str(partial),
            parameters=unit.params.to_notebook(),
            kernel_name=KERNEL_NAME,
            cwd=str(cwd),
            execution_timeout=cell_timeout,
            progress_bar=False,
            log_output=False,
            engine_name=ENGINE_NAME,
            km=manager,
            extra_arguments=kernels.KERNEL_ARGUMENTS,  # for a kernel papermill starts itself
        )
        nb = nbformat.read(partial, as_version=4)
        _check_complete(nb)
        _enforce_qa(unit, nb)
        clean = True
    except NoSuchKernel:
        partial.unlink(missing_ok=True)
        raise EnvironmentProblem(
            f"Jupyter kernel {KERNEL_NAME!r} is not installed. Run `./make.sh setup` (or "
            f"`python -m ipykernel install --sys-prefix --name {KERNEL_NAME}`) and build again."
        ) from None
    except UnitFailure:
        raise
    except Exception as exc:  # papermill raises many unrelated types: cell errors, timeouts, dead kernels
        failed = keep_partial_notebook(unit)
        cell = failing_cell(failed, exc) if failed else None
        what, detail = _describe_failure(exc, cell, cell_timeout)
        where = f" The partial notebook is at {failed}; open it to see the failing cell." if failed else ""
        raise UnitFailure(
            f"{unit.name}: executing {unit.notebook.name} failed: {what}.{where}",
            cell=cell,
            failed_notebook=failed,
            transient=_kernel_start_fault(exc),
            detail=detail,
        ) from exc
    finally:
        # A clean run resets the kernel for the next unit while this one exports; anything else (a failure, an
        # interrupt) ends it, and a build worker starts a fresh one.
        kernels.finished(kernel, manager, clean)
    partial.unlink(missing_ok=True)
    _forget_failure(unit)
    return nb


def _enforce_qa(unit: Unit, nb: Any) -> None:
    """Run the QA gates (:mod:`mpsc_report.documents.qa`) on the executed notebook; a failing unit publishes nothing."""
    from ..documents import qa

    problems = qa.check_notebook(nb)
    if problems:
        failed = keep_partial_notebook(unit)
        raise QAFailed(qa.describe(problems, unit.name, failed), cell=_qa_cell(nb, problems), failed_notebook=failed)


def _qa_cell(nb: Any, problems: list) -> dict[str, Any] | None:
    """The failure record of the first cell a QA problem names (the manifest's ``error.cell``)."""
    from ..documents.cells import cell_record, cell_refs

    first = next((p for p in problems if p.cell is not None), None)
    if first is None:
        return None
    refs = cell_refs(nb.cells)
    index = next((i for i, ref in enumerate(refs) if ref is not None and ref.position == first.cell), None)
    record = cell_record(nb.cells, index) if index is not None else None
    return {**record, "ename": f"QA: {first.gate}", "evalue": first.message[:400]} if record else None


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


def remove_staged_outputs(unit: Unit) -> None:
    """Remove the temporary files a unit's interrupted write left beside its final paths (never a final path)."""
    stem = glob.escape(unit.stem)
    patterns = [f".{stem}{suffix}.*.tmp" for suffix in (".ipynb", ".html", ".pdf", ".xlsx", ".provenance.json")]
    for pattern in [*patterns, f".{stem}.running.ipynb.*.part"]:
        for staged in unit.out_dir.glob(pattern):
            staged.unlink(missing_ok=True)
    if unit.data_folder.is_dir():
        for staged in unit.data_folder.glob(".*.tmp"):
            staged.unlink(missing_ok=True)


def failing_cell(path: Path, exc: BaseException | None = None) -> dict[str, Any] | None:
    """Describe the cell a partial notebook stopped in, as JupyterLab shows it in the notebook the user edits.

    Returns the record of :func:`~mpsc_report.documents.cells.cell_record` (``position`` among the notebook's own
    cells — papermill's injected-parameters and error-marker cells not counted —, ``execution_count``, first
    ``source`` lines) with the error's ``ename`` and ``evalue``; ``None`` when no cell can be named.
    """
    import nbformat

    from ..documents.cells import cell_record

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
    info = cell_record(nb.cells, chosen) if chosen is not None else None
    if info is None:
        return None
    errors = [o for o in nb.cells[chosen].get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        info["ename"], info["evalue"] = errors[0].get("ename"), str(errors[0].get("evalue"))[:400]
    elif exc is not None:
        info["ename"], info["evalue"] = type(exc).__name__, _library_line(exc)[:400]
    return info


def export_notebook(unit: Unit, nb, formats: tuple[str, ...]) -> dict[str, bytes | str]:
    """Export an executed notebook to the requested formats (in memory; nothing is written).

    Returns the outputs by what follows the unit's stem in their file names: ``.html``, ``.pdf``, ``.xlsx``,
    ``_daten/abbildung-03.csv`` … The HTML (and the PDF printed from it) links the open-data files built with it.
    """
    from ..documents.opendata import Downloads

    downloads = Downloads(unit.stem, tuple(f for f in OPEN_DATA_FORMATS if f in formats))
    exported: dict[str, bytes | str] = {}
    if "html" in formats or "pdf" in formats:
        # nbconvert and Playwright load only when exporting
        from ..documents.export import export_html, export_html_and_pdf

        links = downloads if downloads.any else None
        if "pdf" in formats:
            html, pdf = export_html_and_pdf(nb, pdf_link=unit.output(".pdf").name, downloads=links)
        else:
            html, pdf = export_html(nb, downloads=links), b""
        if "html" in formats:
            exported[".html"] = html
        if "pdf" in formats:
            exported[".pdf"] = pdf
    if downloads.any:
        from ..documents.contract import read_document
        from ..documents.opendata import open_data_files

        files = open_data_files(read_document(nb), downloads)
        exported |= {name.removeprefix(unit.stem): data for name, data in files.items()}
    return exported


def _open_data_numbers(
    unit: Unit, exported: dict[str, bytes | str], document: Any, formats: tuple[str, ...]
) -> dict[str, dict[str, int | float | None]]:
    """The numbers the written open-data files state, read back from their bytes, by format (for the manifest)."""
    from ..documents.opendata import Downloads, read_back_numbers

    downloads = Downloads(unit.stem, tuple(f for f in OPEN_DATA_FORMATS if f in formats))
    if not downloads.any:
        return {}
    files = {unit.stem + suffix: data for suffix, data in exported.items() if isinstance(data, bytes)}
    return read_back_numbers(files, document, downloads)


def commit_outputs(unit: Unit, nb, exported: dict[str, bytes | str], open_data: bool = False) -> list[Path]:
    """Write the executed notebook and its exports together: all replaced, or none (e.g. on a full disk).

    With ``open_data`` (the CSV files were built) a file of an earlier build left in the unit's data folder that
    this build did not write (a table the document no longer has) is removed once the new files are in place.
    """
    import nbformat

    from ..documents.contract import read_document
    from ..documents.provenance import SIDECAR_SUFFIX, sidecar_json

    files = {unit.output(".ipynb"): nbformat.writes(nb), **{unit.output(s): data for s, data in exported.items()}}
    sidecar = sidecar_json(read_document(nb))  # the full provenance the reader's pages leave out
    if sidecar is not None and exported:
        files[unit.output(SIDECAR_SUFFIX)] = sidecar
    try:
        written = write_all_atomic(files)
    except OSError as exc:
        hint = "free some space" if exc.errno == errno.ENOSPC else "check the folder's permissions and space"
        raise BuildError(
            f"{unit.name}: writing the outputs to {unit.out_dir} failed ({exc.strerror or exc}); the previous "
            f"outputs are unchanged. {hint.capitalize()} and build again."
        ) from exc
    if open_data:
        _remove_other_data_files(unit.data_folder, set(written))
        for stale in unit.stale_data_folders:  # an earlier build in another language: not this document's data
            _remove_other_data_files(stale, set())
            if stale.is_dir() and not any(stale.iterdir()):
                stale.rmdir()
    return written


def _remove_other_data_files(folder: Path, written: set[Path]) -> None:
    """Remove the CSV and JSON files of an earlier build from a unit's data folder (never a temporary file)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.suffix in (".csv", ".json") and path.is_file() and path not in written:
            path.unlink(missing_ok=True)


def _check_complete(nb) -> None:
    """Fail a run that ended early (e.g. ``sys.exit`` in a cell) and left code cells unexecuted."""
    from ..documents.qa import describe_cells, unexecuted_code_cells

    skipped = unexecuted_code_cells(nb)
    if skipped:
        raise BuildError(f"the notebook stopped early: code {describe_cells(nb, skipped)} did not run")


def _kernel_start_fault(exc: BaseException) -> bool:
    """A kernel that died or hung before answering, or a port clash at start: worth one more try."""
    text = str(exc)
    if "Kernel died before replying to kernel_info" in text or "Kernel didn't respond in" in text:
        return True
    return type(exc).__name__ == "ZMQError" and getattr(exc, "errno", None) == errno.EADDRINUSE


def _describe_failure(exc: BaseException, cell: dict[str, Any] | None, cell_timeout: float) -> tuple[str, str | None]:
    """Our sentence for why a notebook run failed, naming the cell as the user sees it, and the library's words.

    The error a cell raised is the notebook's own and is quoted in the sentence; what papermill, nbclient or the
    kernel said about a timeout, a dead kernel or anything else goes into the detail line.
    """
    from ..documents.cells import CellRef

    ref = CellRef.from_record(cell)
    where = str(ref) if ref is not None else "a cell"
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        return f"{where} raised {exc.ename}: {exc.evalue}", None
    if isinstance(exc, MpscReportError):  # our own check, e.g. a notebook that stopped early
        return (f"{exc.message} (the last cell that ran: {ref})" if ref else exc.message), exc.detail
    detail = f"{name}: {_library_line(exc)}"
    if name == "CellTimeoutError":
        limit = f"the cell time limit of {cell_timeout:g} s (--cell-timeout)"
        return f"{where} timed out: it ran longer than {limit}", detail
    if name == "DeadKernelError":
        return f"the kernel died while {where} ran (out of memory, or a crash in compiled code?)", detail
    if _kernel_start_fault(exc):
        return "the kernel did not start (it is retried twice)", detail
    return f"{where} could not be executed", detail


def _library_line(exc: BaseException) -> str:
    """The first non-empty line of a library's message (the rest is a traceback)."""
    text = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return text[0] if text else type(exc).__name__
