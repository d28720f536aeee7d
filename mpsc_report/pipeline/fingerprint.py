"""Content fingerprints of what a unit depends on, so a rebuild can skip every unit whose inputs are unchanged."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from .units import Unit

#: Bump to rebuild everything after a change to what the fingerprint covers.
FINGERPRINT_VERSION = "3"

#: A data file that belongs to one wave: ``wave_2023.csv``, ``partners_2023.csv``.
_WAVE_FILE = re.compile(r"^[A-Za-z]+_(?P<wave>[0-9A-Za-z][0-9A-Za-z_-]*)\.[A-Za-z0-9]+$")


class Fingerprinter:
    """Hash a unit's inputs; every file is read at most once per instance, so planning 222 units stays fast.

    A unit's fingerprint covers: the notebook's bytes, the unit kind, its parameters as canonical JSON, the
    formats asked for, the content of the data files of its wave and earlier waves (and the folder's
    wave-independent files such as ``dataset.yaml``), the codebook files its parameters name, the project
    register, the export templates and shipped codebooks, and the package version together with the source of
    every ``mpsc_report`` module.
    """

    def __init__(self, register: Path | None = None) -> None:
        self._files: dict[Path, str] = {}
        self._package = Path(str(importlib_resources.files("mpsc_report")))
        self._register = register or self._package / "data" / "projects.csv"
        self._code: str | None = None
        self._data_digests: dict[tuple[str, str], str] = {}

    def unit(self, unit: Unit, formats: tuple[str, ...]) -> str:
        """Return the hex fingerprint of ``unit`` built to ``formats``."""
        params = json.dumps(unit.params.to_notebook(), sort_keys=True, ensure_ascii=False)
        parts = [
            f"v{FINGERPRINT_VERSION}",
            unit.kind,
            unit.unit_id,
            self.file(unit.notebook),
            params,
            ",".join(sorted(formats)),
            self._data(unit.params.data, unit.wave),
            *(self.file(path) for path in _codebook_files(unit.params.to_notebook())),
            self.file(self._register),
            self.code(),
        ]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def file(self, path: Path) -> str:
        """SHA-256 of a file's bytes (cached; each file is read once per instance)."""
        if path not in self._files:
            with path.open("rb") as handle:
                self._files[path] = hashlib.file_digest(handle, "sha256").hexdigest()
        return self._files[path]

    def code(self) -> str:
        """Hash of the package version, its modules' source, its templates and shipped codebooks (once)."""
        if self._code is None:
            package = self._package
            digest = hashlib.sha256(_package_version().encode())
            templates = package / "documents" / "templates"
            files = (
                sorted(package.rglob("*.py"))
                + sorted(p for p in templates.rglob("*") if p.is_file())
                + sorted((package / "data" / "codebooks").glob("*.yaml"))
            )
            for path in files:
                digest.update(path.relative_to(package).as_posix().encode())
                digest.update(self.file(path).encode())
            self._code = digest.hexdigest()
        return self._code

    def _data(self, data: str, wave: str) -> str:
        """Hash of a data folder's files that a unit of ``wave`` can read (once per folder and wave)."""
        key = (data, wave)
        if key not in self._data_digests:
            from ..data.load import available_waves, resolve_data_dir

            folder = resolve_data_dir(data)
            waves = set(available_waves(folder))  # CSV and Excel waves alike
            digest = hashlib.sha256()
            for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
                match = _WAVE_FILE.match(path.name)
                if match and match["wave"] in waves and match["wave"] > wave:
                    continue  # a later wave does not change this unit
                digest.update(path.name.encode())
                digest.update(self.file(path).encode())
            self._data_digests[key] = digest.hexdigest()
        return self._data_digests[key]


def _codebook_files(params: Any) -> list[Path]:
    """Codebook files a unit's parameters name by path (``intake: {codebook: "…/x.yaml"}``, at any depth).

    Shipped codebooks (named without ``.yaml``) are covered by :meth:`Fingerprinter.code`.
    """
    found: list[Path] = []
    if isinstance(params, dict):
        for key, value in sorted(params.items()):
            if key == "codebook" and isinstance(value, str) and value.endswith((".yaml", ".yml")):
                path = Path(value)
                if path.is_file():  # a missing one fails the unit's validation with a precise message
                    found.append(path)
            else:
                found.extend(_codebook_files(value))
    elif isinstance(params, list):
        for value in params:
            found.extend(_codebook_files(value))
    return found


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mpsc-report")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"
