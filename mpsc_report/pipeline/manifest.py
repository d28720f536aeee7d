"""The run manifest (``outputs/manifest.json``) and the index page (``outputs/index.html``) of a build.

The manifest lists every unit ever built into an output folder, keyed by unit id, with the status of its
last run, the fingerprint and file stats of its current outputs (for skipping), and for a failure the
failing cell, the error and where the partial notebook is. Units not selected in a run keep their entry.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..write import write_atomic
from .units import Unit, UnitResult

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
#: Version of the manifest's layout; a manifest of another version is ignored (everything is rebuilt).
SCHEMA_VERSION = 1
#: Note written beside the kept outputs of a unit whose latest build failed.
STALE_SUFFIX = ".STALE.txt"

#: Statuses whose outputs are current.
CURRENT = ("built", "skipped")


def now_iso() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def read_manifest(output_dir: Path) -> dict[str, Any]:
    """The manifest of an output folder; an empty one when missing, unreadable or of another schema."""
    try:
        data = json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"schema": SCHEMA_VERSION, "units": {}}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION or not isinstance(data.get("units"), dict):
        return {"schema": SCHEMA_VERSION, "units": {}}
    return data


def write_manifest(output_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically."""
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
    return write_atomic(output_dir / MANIFEST_NAME, text + "\n")


def is_current(entry: dict[str, Any] | None, fingerprint: str, output_dir: Path) -> bool:
    """Whether a unit may be skipped: same fingerprint, last run good, outputs untouched since it wrote them."""
    if not entry or entry.get("stale") or entry.get("status") not in CURRENT or entry.get("fingerprint") != fingerprint:
        return False
    outputs = entry.get("outputs") or {}
    if not outputs:
        return False
    for recorded in outputs.values():
        try:
            stat = os.stat(output_dir / recorded["path"])
        except (OSError, KeyError, TypeError):
            return False
        if stat.st_size != recorded.get("size") or stat.st_mtime_ns != recorded.get("mtime_ns"):
            return False
    return True


def record_result(
    manifest: dict[str, Any], result: UnitResult, fingerprint: str | None, output_dir: Path
) -> dict[str, Any]:
    """Update the manifest entry of ``result``'s unit; mark kept earlier outputs stale when it failed."""
    unit = result.unit
    previous = manifest["units"].get(unit.unit_id, {})
    entry = _describe_unit(unit, output_dir)
    entry.update(status=result.status, seconds=round(result.seconds, 3), attempts=result.attempts, finished=now_iso())
    if result.worker:
        entry["worker"] = result.worker
    stale_note = unit.output(STALE_SUFFIX)
    if result.status == "skipped":
        for key in ("fingerprint", "outputs", "last_success", "worker"):
            entry[key] = previous.get(key)
        entry.update(stale=False, error=None, seconds=0.0, attempts=0)
    elif result.ok:
        entry.update(
            fingerprint=fingerprint,
            outputs=_stat_outputs(result.outputs, output_dir),
            last_success=entry["finished"],
            stale=False,
            error=None,
        )
        stale_note.unlink(missing_ok=True)
    else:
        kept = [p for p in _final_paths(unit) if p.exists()]
        entry.update(
            fingerprint=previous.get("fingerprint") if kept else None,
            outputs=_stat_outputs(kept, output_dir) if kept else {},
            last_success=previous.get("last_success") if kept else None,
            stale=bool(kept),
            error={
                "type": result.error_type,
                "message": result.error,
                "cell": result.cell,
                "failed_notebook": _relative(result.failed_notebook, output_dir) if result.failed_notebook else None,
            },
        )
        if kept:
            _write_stale_note(stale_note, result, entry["last_success"])
    manifest["units"][unit.unit_id] = entry
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
    return [unit.output(suffix) for suffix in (".ipynb", ".html", ".pdf")]


def _stat_outputs(paths: list[Path], output_dir: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in paths:
        stat = path.stat()
        found[path.suffix.lstrip(".")] = {
            "path": _relative(path, output_dir),
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
        }
    return found


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
.ok{color:#1b6e3a}.bad{color:#a3121b;font-weight:600}.stale{color:#8a5a00;font-weight:600}
pre{white-space:pre-wrap;margin:.2em 0;font-size:.85em}
"""


def render_index(manifest: dict[str, Any]) -> str:
    """A self-contained HTML page (no script, no external resource) listing every unit of the manifest.

    Every text from the manifest is escaped; links are relative to the output folder.
    """
    units = manifest.get("units", {})
    run = manifest.get("run", {})
    counts: dict[str, int] = {}
    for entry in units.values():
        counts[entry.get("status", "?")] = counts.get(entry.get("status", "?"), 0) + 1
    stale = sum(1 for e in units.values() if e.get("stale"))
    summary = ", ".join(f"{n} {_STATUS_LABEL.get(s, s)}" for s, n in sorted(counts.items()))
    rows = "\n".join(_index_row(unit_id, entry) for unit_id, entry in sorted(units.items()))
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mpsc-report build index</title><style>{_CSS}</style></head>
<body><main>
<h1>mpsc-report build index</h1>
<p>Last run: {esc(str(run.get("started", "?")))} – {esc(str(run.get("finished", "?")))},
{esc(str(run.get("seconds", "?")))} s, {esc(str(run.get("jobs", "?")))} worker(s)
({esc(str(run.get("executor", "?")))}).
{len(units)} unit(s): {esc(summary)}{f"; {stale} stale (older output kept)" if stale else ""}.
Details: <a href="{MANIFEST_NAME}">{MANIFEST_NAME}</a>.</p>
<table>
<thead><tr><th>Unit</th><th>Status</th><th class="num">Seconds</th><th>Last success</th><th>Outputs</th>
<th>Error</th></tr></thead>
<tbody>
{rows}
</tbody></table></main></body></html>
"""


def _index_row(unit_id: str, entry: dict[str, Any]) -> str:
    esc = html.escape
    status = entry.get("status", "?")
    css = "ok" if status in CURRENT else "bad"
    label = esc(_STATUS_LABEL.get(status, status))
    if entry.get("stale"):
        label += ' <span class="stale">— STALE: outputs are from the last success, not current</span>'
    links = " ".join(
        f'<a href="{esc(quote(out["path"]))}">{esc(kind)}</a>'
        for kind, out in sorted((entry.get("outputs") or {}).items())
        if isinstance(out, dict) and "path" in out
    )
    error = entry.get("error") or {}
    problem = ""
    if error:
        cell = error.get("cell") or {}
        where = f"cell {cell.get('index')} (In [{cell.get('execution_count')}]): " if cell else ""
        problem = f"<pre>{esc(where + str(error.get('message', '')))}</pre>"
        if error.get("failed_notebook"):
            problem += f'<a href="{esc(quote(error["failed_notebook"]))}">partial notebook</a>'
    return (
        f'<tr><td>{esc(unit_id)}</td><td class="{css}">{label}</td>'
        f'<td class="num">{esc(str(entry.get("seconds", "")))}</td>'
        f"<td>{esc(str(entry.get('last_success') or '—'))}</td>"
        f"<td>{links or '—'}</td><td>{problem}</td></tr>"
    )


def write_index(output_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``index.html`` atomically."""
    return write_atomic(output_dir / INDEX_NAME, render_index(manifest))
