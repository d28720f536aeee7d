"""The run manifest (``outputs/manifest.json``) and the index page (``outputs/index.html``) of a build.

The manifest lists every unit ever built into an output folder, keyed by unit id, with the status of its
last run, the fingerprint and file stats of its current outputs (for skipping), and for a failure the
failing cell, the error and where the partial notebook is. Units not selected in a run keep their entry.
It is one pydantic model (:class:`Manifest`), read and written only here; the JSON layout is the README's.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from ..documents.cells import CellRef
from ..write import write_atomic
from .units import DATA_FOLDER_SUFFIX, DATA_FOLDER_SUFFIXES, Unit, UnitResult

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
#: Version of the manifest's layout; a manifest of another version is ignored (everything is rebuilt).
SCHEMA_VERSION = 1
#: Note written beside the kept outputs of a unit whose latest build failed.
STALE_SUFFIX = ".STALE.txt"

Status = Literal["built", "skipped", "failed", "timeout", "interrupted", "not-run"]
#: Every status, in the order counts are shown.
STATUSES: tuple[Status, ...] = ("built", "skipped", "failed", "timeout", "interrupted", "not-run")
#: Statuses whose outputs are current.
CURRENT = ("built", "skipped")


class _Record(BaseModel):
    """A part of the manifest: keys it does not know (a newer build's) are dropped when read."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class OutputFile(_Record):
    """One output of a unit as its build left it: path relative to the output folder, size, modification time."""

    path: str
    size: int
    mtime_ns: int


class FailedCell(_Record):
    """The cell a unit's notebook stopped in (or the first cell a QA problem names), as JupyterLab shows it.

    ``position`` counts the notebook's own cells from 1 (papermill's injected-parameters and error-marker cells
    are not counted), ``execution_count`` is its ``In [n]``: the same words as the message, ``cell 5 (In [3])``.
    """

    position: int
    execution_count: int | None = None
    source: str = ""
    ename: str | None = None
    evalue: str | None = None


class UnitError(_Record):
    """Why the latest build of a unit failed, and where its partial notebook is kept."""

    type: str | None = None
    message: str | None = None
    cell: FailedCell | None = None
    failed_notebook: str | None = None


class WorkerStats(_Record):
    """The process that built a unit: PID, peak memory (MB), browser launches so far."""

    pid: int | None = None
    peak_rss_mb: float | None = None
    peak_kernel_rss_mb: float | None = None
    peak_tree_pss_mb: float | None = None
    printer_launches: int | None = None

    @model_serializer(mode="wrap")
    def _measured_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Write only what was measured (a unit that timed out has no browser count)."""
        return {key: value for key, value in handler(self).items() if value is not None}


class UnitEntry(_Record):
    """A unit's entry: what it is, how its latest run ended, and the outputs that are current (for skipping)."""

    kind: str
    wave: str
    project: str | None = None
    notebook: str
    params_file: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    out_dir: str
    stem: str
    status: Status
    stale: bool = False
    last_success: str | None = None
    fingerprint: str | None = None
    outputs: dict[str, OutputFile] = Field(default_factory=dict)
    seconds: float = 0.0
    attempts: int = 0
    finished: str | None = None
    worker: WorkerStats | None = None
    error: UnitError | None = None
    #: Every number the current outputs state, by indicator (from the document contract; kept while skipped).
    numbers: dict[str, int | float | None] = Field(default_factory=dict)
    #: The numbers its open-data files state, read back from the written files, by format ("xlsx", "csv").
    open_data_numbers: dict[str, dict[str, int | float | None]] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _numbers_when_known(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Write ``numbers`` only for a unit whose outputs state some (an entry of an older build stays as it was)."""
        written = handler(self)
        for name in ("numbers", "open_data_numbers"):
            if not written.get(name):
                written.pop(name, None)
        return written


class RunRecord(_Record):
    """The latest run into the output folder."""

    started: str
    finished: str
    seconds: float
    executor: Literal["local", "inline", "dask"]
    jobs: int | None = None
    dask_scheduler: str | None = None
    formats: list[str]
    force: bool = False
    argv: list[str] = Field(default_factory=list)
    interrupted: bool = False
    counts: dict[str, int] = Field(default_factory=dict)
    units: list[str] = Field(default_factory=list)


class Manifest(_Record):
    """``manifest.json``: the schema version, the latest run and every unit ever built into the folder."""

    schema_version: int = Field(SCHEMA_VERSION, alias="schema")
    run: RunRecord | None = None
    units: dict[str, UnitEntry] = Field(default_factory=dict)

    model_config = ConfigDict(extra="ignore", validate_assignment=True, populate_by_name=True)


def now_iso() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def read_manifest(output_dir: Path) -> Manifest:
    """The manifest of an output folder; an empty one when missing, unreadable or of another schema.

    An entry that does not fit the model (written by an older or broken build) is dropped, so only that unit is
    built again; a ``run`` that does not fit is dropped too (the next run writes a new one).
    """
    try:
        data = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION or not isinstance(data.get("units"), dict):
        return Manifest()
    units = {}
    for unit_id, entry in data["units"].items():
        try:
            units[str(unit_id)] = UnitEntry.model_validate(entry)
        except ValidationError:
            continue
    try:
        run = RunRecord.model_validate(data["run"]) if data.get("run") is not None else None
    except ValidationError:
        run = None
    return Manifest(run=run, units=units)


def write_manifest(output_dir: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically."""
    return write_atomic(output_dir / MANIFEST_NAME, manifest.model_dump_json(indent=1, by_alias=True) + "\n")


def is_current(entry: UnitEntry | None, fingerprint: str, output_dir: Path) -> bool:
    """Whether a unit may be skipped: same fingerprint, last run good, outputs untouched since it wrote them."""
    return build_reason(entry, fingerprint, output_dir)[0] == "unchanged"


#: What :func:`build_reason` can say about a unit; every one but "unchanged" means it is built.
REASONS = ("forced", "new", "failed", "changed", "outputs", "unchanged")


def build_reason(entry: UnitEntry | None, fingerprint: str, output_dir: Path, force: bool = False) -> tuple[str, str]:
    """Why a build runs a unit, or skips it: one of :data:`REASONS` and the same in words (``--dry-run``).

    Parameters
    ----------
    entry : UnitEntry, optional
        The unit's manifest entry (None: never built into this output folder).
    fingerprint : str
        The unit's fingerprint now (:class:`~.fingerprint.Fingerprinter`).
    output_dir : Path
        The output folder the entry's outputs are relative to.
    force : bool
        ``--force``: every unit is built.
    """
    if force:
        return "forced", "--force rebuilds every unit"
    if entry is None:
        return "new", "never built into this output folder"
    if entry.status not in CURRENT or entry.stale:
        return "failed", f"its last run ended {entry.status}" + (" (older outputs kept, stale)" if entry.stale else "")
    if entry.fingerprint != fingerprint:
        since = f" since {entry.last_success}" if entry.last_success else ""
        return "changed", f"its notebook, parameters, data or the package changed{since}"
    if not entry.outputs:
        return "outputs", "no outputs are recorded"
    for recorded in entry.outputs.values():
        try:
            stat = os.stat(output_dir / recorded.path)
        except OSError:
            return "outputs", f"{recorded.path} is missing"
        if stat.st_size != recorded.size or stat.st_mtime_ns != recorded.mtime_ns:
            return "outputs", f"{recorded.path} was changed after it was built"
    return "unchanged", f"built {entry.last_success or 'earlier'}; nothing it depends on changed"


def record_result(manifest: Manifest, result: UnitResult, fingerprint: str | None, output_dir: Path) -> UnitEntry:
    """Update the manifest entry of ``result``'s unit; mark kept earlier outputs stale when it failed."""
    unit = result.unit
    previous = manifest.units.get(unit.unit_id)
    fields = _describe_unit(unit, output_dir)
    fields.update(
        status=result.status,
        seconds=round(result.seconds, 3),
        attempts=result.attempts,
        finished=now_iso(),
        worker=result.worker or None,
    )
    stale_note = unit.output(STALE_SUFFIX)
    if result.status == "skipped":
        if previous is not None:
            fields.update(
                fingerprint=previous.fingerprint,
                outputs=previous.outputs,
                last_success=previous.last_success,
                worker=previous.worker,
                numbers=previous.numbers,
                open_data_numbers=previous.open_data_numbers,
            )
        fields.update(seconds=0.0, attempts=0)
    elif result.ok:
        fields.update(
            fingerprint=fingerprint,
            outputs=_stat_outputs(result.outputs, output_dir),
            last_success=fields["finished"],
            numbers=result.numbers,
            open_data_numbers=result.open_data_numbers,
        )
        stale_note.unlink(missing_ok=True)
    else:
        kept = [p for p in _final_paths(unit) if p.exists()]
        if kept:
            fields.update(
                fingerprint=previous.fingerprint if previous else None,
                outputs=_stat_outputs(kept, output_dir),
                last_success=previous.last_success if previous else None,
                stale=True,
                numbers=previous.numbers if previous else {},
                open_data_numbers=previous.open_data_numbers if previous else {},
            )
        fields["error"] = {
            "type": result.error_type,
            "message": result.error,
            "cell": result.cell,
            "failed_notebook": _relative(result.failed_notebook, output_dir) if result.failed_notebook else None,
        }
    entry = UnitEntry.model_validate(fields)
    if entry.stale:
        _write_stale_note(stale_note, result, entry.last_success)
    manifest.units[unit.unit_id] = entry
    return entry


def _describe_unit(unit: Unit, output_dir: Path) -> dict[str, Any]:
    return {
        "kind": unit.kind,
        "wave": unit.wave,
        "project": unit.project,
        "notebook": str(unit.notebook),
        "params_file": str(unit.params_path) if unit.params_path else None,
        "params": unit.params.to_notebook(),
        "out_dir": _relative(unit.out_dir, output_dir),
        "stem": unit.stem,
    }


def _final_paths(unit: Unit) -> list[Path]:
    paths = [unit.output(suffix) for suffix in (".ipynb", ".html", ".pdf", ".xlsx", ".provenance.json")]
    if unit.data_folder.is_dir():
        paths += sorted(p for p in unit.data_folder.iterdir() if p.suffix in (".csv", ".json"))
    return paths


def _stat_outputs(paths: list[Path], output_dir: Path) -> dict[str, OutputFile]:
    """Outputs by kind: ``ipynb``, ``html``, ``pdf``, ``xlsx``; ``daten/<name>`` for the files of the data folder."""
    found = {}
    for path in paths:
        stat = path.stat()
        found[_output_kind(path)] = OutputFile(  # "pdf", "provenance.json", "data/datapackage.json"
            path=_relative(path, output_dir), size=stat.st_size, mtime_ns=stat.st_mtime_ns
        )
    return found


def _output_kind(path: Path) -> str:
    if path.parent.name.endswith(tuple(DATA_FOLDER_SUFFIXES.values())):  # "daten/<name>" in every language
        return f"{DATA_FOLDER_SUFFIX.strip('_')}/{path.name}"
    if path.name.endswith(".provenance.json"):
        return "provenance.json"
    return path.suffix.lstrip(".")


#: Outputs the index page links (the data folder's files are reached through its ``datapackage.json``).
_INDEX_LINKS = ("ipynb", "html", "pdf", "xlsx", f"{DATA_FOLDER_SUFFIX.strip('_')}/datapackage.json")


def _relative(path: Path, output_dir: Path) -> str:
    try:
        return path.resolve().relative_to(output_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _write_stale_note(path: Path, result: UnitResult, last_success: str | None) -> None:
    when = f"on {last_success}" if last_success else "by an earlier build"
    write_atomic(
        path,
        f"STALE: the outputs {result.unit.stem}.* beside this note were built {when}.\n"
        f"The latest build of {result.unit.unit_id} failed ({now_iso()}):\n{result.error}\n"
        "See manifest.json and index.html in the output folder. This note is removed by the next good build.\n",
    )


# ----------------------------------------------------------------------------------------------
# Index page

_STATUS_LABEL = {
    "built": "built",
    "skipped": "up to date",
    "failed": "FAILED",
    "timeout": "TIMED OUT",
    "interrupted": "interrupted",
    "not-run": "not run",
}

_CSS = """
body{font-family:"Open Sans",system-ui,sans-serif;margin:2em;color:#1d2733}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #cdd2d9;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef1f5}.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1b6e3a}.earlier{color:#4a5563;font-weight:400}.bad{color:#a3121b;font-weight:600}.stale{color:#8a5a00;font-weight:600}
pre{white-space:pre-wrap;margin:.2em 0;font-size:.85em}
"""


def render_index(manifest: Manifest) -> str:
    """A self-contained HTML page (no script, no external resource) listing every unit of the manifest.

    The header states the last run and its own counts (the units it selected, by status); the table lists every
    unit of the folder, those of earlier runs marked as such. Every text from the manifest is escaped; links are
    relative to the output folder.
    """
    units = manifest.units
    run = manifest.run
    in_run = set(run.units) if run is not None else set()
    counts = {s: n for s, n in (run.counts if run is not None else {}).items() if n}
    summary = ", ".join(f"{n} {_STATUS_LABEL.get(s, s)}" for s, n in counts.items()) or "nothing"
    ran = f"{len(run.units)} unit(s): {summary}" if run is not None else "no run recorded"
    earlier = len(units.keys() - in_run)
    stale = sum(1 for e in units.values() if e.stale)
    folder = f"This folder lists {len(units)} unit(s)" + (f", {earlier} of them from earlier runs" if earlier else "")
    folder += f"; {stale} stale (older output kept)." if stale else "."
    rows = "\n".join(_index_row(unit_id, entry, unit_id in in_run) for unit_id, entry in sorted(units.items()))
    esc = html.escape

    def shown(value: object) -> str:
        return esc(str("?" if value is None else value))

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mpsc-report build index</title><style>{_CSS}</style></head>
<body><main>
<h1>mpsc-report build index</h1>
<p>Last run: {shown(run and run.started)} – {shown(run and run.finished)},
{shown(run and run.seconds)} s, {shown(run and run.jobs)} worker(s)
({shown(run and run.executor)}): {esc(ran)}.</p>
<p>{esc(folder)} Details: <a href="{MANIFEST_NAME}">{MANIFEST_NAME}</a>.</p>
<table>
<thead><tr><th>Unit</th><th>Status</th><th class="num">Seconds</th><th>Last success</th><th>Outputs</th>
<th>Error</th></tr></thead>
<tbody>
{rows}
</tbody></table></main></body></html>
"""


def _index_row(unit_id: str, entry: UnitEntry, in_last_run: bool = True) -> str:
    esc = html.escape
    css = "ok" if entry.status in CURRENT else "bad"
    label = esc(_STATUS_LABEL.get(entry.status, entry.status))
    if not in_last_run:
        label += f' <span class="earlier">(earlier run, {esc(str(entry.finished or "?"))})</span>'
    if entry.stale:
        label += ' <span class="stale">— STALE: outputs are from the last success, not current</span>'
    links = " ".join(
        f'<a href="{esc(quote(out.path))}">{esc(kind)}</a>'
        for kind, out in sorted(entry.outputs.items())
        if kind in _INDEX_LINKS
    )
    problem = ""
    if entry.error:
        cell = entry.error.cell
        message = str(entry.error.message or "").removeprefix(f"{unit_id}: ")
        named = str(CellRef(cell.position, cell.execution_count)) if cell else ""
        where = f"{named}: " if named and named not in message else ""  # a message that names it says it once
        problem = f"<pre>{esc(where + message)}</pre>"
        if entry.error.failed_notebook:
            problem += f'<a href="{esc(quote(entry.error.failed_notebook))}">partial notebook</a>'
    return (
        f'<tr><td>{esc(unit_id)}</td><td class="{css}">{label}</td>'
        f'<td class="num">{esc(str(entry.seconds))}</td>'
        f"<td>{esc(str(entry.last_success or '—'))}</td>"
        f"<td>{links or '—'}</td><td>{problem}</td></tr>"
    )


def write_index(output_dir: Path, manifest: Manifest) -> Path:
    """Write ``index.html`` atomically."""
    return write_atomic(output_dir / INDEX_NAME, render_index(manifest))
