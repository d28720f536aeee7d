"""Provenance of a report: which data files (with SHA-256), parameters, code and versions produced its numbers.

Readers see one line (:func:`reader_line`: "Datenstand …; erzeugt mit mpsc-report x.y, Nachweis in der
Begleitdatei"); the full record goes into the HTML and PDF metadata (:func:`document_metadata`) and into a
machine-readable sidecar file written next to them (:func:`sidecar_json`, ``<name>.provenance.json``). No hash is
printed on a reader's page.
"""

from __future__ import annotations

import json
import platform
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ..analysis.words import t
from ..data.load import InputFile
from .contract import UNKNOWN, DataFile, Document, Provenance

__all__ = [
    "NOT_SET",
    "UNKNOWN",
    "DataFile",
    "Provenance",
    "collect_provenance",
    "document_metadata",
    "git_state",
    "git_text",
    "package_versions",
    "reader_line",
    "sidecar_json",
]

#: Suffix of the sidecar file written next to a document's HTML and PDF (``halftime_review.provenance.json``).
SIDECAR_SUFFIX = ".provenance.json"

#: Version of the sidecar's layout; raise it when a key changes meaning.
SIDECAR_FORMAT = 1

#: Shown for a field that does not apply (e.g. no codebook configured).
NOT_SET = "—"

#: Distributions whose versions a colophon lists, in this order.
KEY_DEPENDENCIES = ("mpsc-report", "pandas", "matplotlib", "papermill", "nbconvert", "playwright")

#: Seconds a git query may take before it counts as unknown.
_GIT_TIMEOUT = 5


def collect_provenance(
    files: Iterable[InputFile],
    params: dict[str, Any],
    codebook: str | None = None,
    root: Path | None = None,
    now: datetime | None = None,
) -> Provenance:
    """Collect the provenance record of a report.

    Parameters
    ----------
    files : iterable of InputFile
        Data files the report read (survey waves, partner lists, the register), each with the SHA-256 of the
        bytes that were parsed (so nothing is read a second time for the record).
    params : dict
        The report's validated parameters in their canonical (JSON) form.
    codebook : str, optional
        Codebook the data were coded with, if the params name one.
    root : Path, optional
        Project root: the git checkout asked for commit and dirty flag, and the base of relative file
        names. Defaults to the folder above the installed package.
    now : datetime, optional
        Build time (default: now, UTC).

    Returns
    -------
    Provenance
        The record; anything unknowable is "unbekannt", never an error.
    """
    root = (root or Path(__file__).resolve().parents[2]).resolve()
    unique: dict[Path, str] = {}
    for file in files:
        unique.setdefault(file.path.resolve(), file.sha256)
    commit, dirty = git_state(root)
    return Provenance(
        files=tuple(DataFile(_display_path(path, root), sha256) for path, sha256 in unique.items()),
        params=dict(params),
        codebook=str(codebook) if codebook else NOT_SET,
        versions=package_versions(),
        git_commit=commit,
        git_dirty=dirty,
        built_at=(now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
    )


def package_versions(names: Iterable[str] = KEY_DEPENDENCIES) -> dict[str, str]:
    """Versions of Python and the key distributions ("unbekannt" for one not installed)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = UNKNOWN
    return versions


def git_state(root: Path) -> tuple[str, bool | None]:
    """Commit of the checkout at ``root`` and whether its tree has uncommitted changes.

    Returns ``("unbekannt", None)`` outside a git checkout or without git.
    """
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return UNKNOWN, None
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return commit, None if status is None else bool(status)


def git_text(provenance: Provenance, language: str = "de") -> str:
    """The commit as readers of a ``language`` document see it: the commit, and whether the tree had changes.

    ``"ab12…"``, ``"ab12… (with uncommitted changes)"`` in English, or the catalogue's word for unknown.
    """
    if provenance.git_commit == UNKNOWN:
        return t("colophon.unknown", language)
    return provenance.git_commit + (t("colophon.uncommitted", language) if provenance.git_dirty else "")


def _display_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=_GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def document_metadata(document: Document) -> dict[str, str]:
    """Provenance as ``name -> text`` for HTML ``<meta>`` tags and the PDF document information.

    Names: ``keywords`` and ``mpsc:*`` (data files with SHA-256, commit, build time, versions, the full
    record as JSON). Keywords and the commit state are in the document's language. Empty for a document without
    a colophon or whose colophon has no readable record.
    """
    colophon = document.colophon
    record = colophon.provenance if colophon is not None else None
    if record is None:
        return {}
    language = document.language
    keywords = [t("meta.keywords", language)]
    if colophon.wave:
        keywords.append(t("export.wave", language, wave=colophon.wave))
    return {
        "keywords": ", ".join(keywords),
        "mpsc:data-files": "; ".join(f"{f.path} sha256:{f.sha256}" for f in record.files),
        "mpsc:git-commit": git_text(record, language),
        "mpsc:built-at": record.built_at,
        "mpsc:versions": ", ".join(f"{k} {v}" for k, v in record.versions.items()),
        "mpsc:provenance": json.dumps(record.as_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    }


def reader_line(provenance: Provenance, data_as_of: str, language: str = "de") -> str:
    """The one line of provenance a reader sees: the data's state, the program that made the document, the sidecar.

    Parameters
    ----------
    provenance : Provenance
        The document's record (its ``mpsc-report`` version is named).
    data_as_of : str
        The data's state in words, e.g. "Befragungswelle 2023, Ende der Befragung 15. Dezember 2023".
    language : str
        Document language.
    """
    version = provenance.versions.get("mpsc-report", UNKNOWN)
    shown = t("colophon.unknown", language) if version == UNKNOWN else version
    return t("provenance.line", language, data=data_as_of, version=shown, sidecar=SIDECAR_SUFFIX)


def sidecar_json(document: Document) -> str | None:
    """The sidecar file of a built document: its identity and full provenance record as JSON (None without one).

    Written next to the document's HTML and PDF as ``<name>.provenance.json`` by the build, together with them;
    it holds what the reader's page leaves out: every data file with its SHA-256, the parameters, the codebook,
    the versions, the commit and the build time, and the numbers the document states by indicator key.
    """
    record = document.provenance
    if record is None:
        return None
    colophon = document.colophon
    content = {
        "format": "mpsc-report provenance",
        "format_version": SIDECAR_FORMAT,
        "document": {
            "title": document.title,
            "wave": document.wave or (colophon.wave if colophon is not None else ""),
            "language": document.language,
            "layout": document.layout,
            "project": colophon.project if colophon is not None else "",
            "sample_data": document.sample_data,
        },
        "provenance": record.as_dict(),
        "numbers": document.numbers,
    }
    return json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
