"""Content fingerprints of what a unit depends on, so a rebuild can skip every unit whose inputs are unchanged."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources as importlib_resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..data.load import file_sha256, package_data_dir, resolve_data_dir
from .units import Unit

#: Bump to rebuild everything after a change to what the fingerprint covers.
FINGERPRINT_VERSION = "1"

#: A data file that belongs to one wave: ``wave_2023.csv``, ``partners_2023.csv``.
_WAVE_FILE = re.compile(r"^[A-Za-z]+_(?P<wave>[0-9A-Za-z][0-9A-Za-z_-]*)\.[A-Za-z0-9]+$")


class Fingerprinter:
    """Hash a unit's inputs; every file is read at most once per instance, so planning 222 units stays fast.

    A unit's fingerprint covers: the notebook's bytes, the unit kind, its parameters as canonical JSON, the
    formats asked for, the content of the data files of its wave and earlier waves (and the folder's
    wave-independent files such as ``dataset.yaml``), the project register, the export templates, and the
    package version together with the source of every ``mpsc_report`` module.
    """

    def __init__(self, register: Path | None = None) -> None:
        self._files: dict[Path, str] = {}
        self._register = register or package_data_dir() / "projects.csv"
        self._code: str | None = None

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
            self.file(self._register),
            self.code(),
        ]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def file(self, path: Path) -> str:
        """SHA-256 of a file's bytes (cached)."""
        path = path.resolve()
        if path not in self._files:
            self._files[path] = file_sha256(path)
        return self._files[path]

    def code(self) -> str:
        """Hash of the package version, its modules' source and its templates (once per instance)."""
        if self._code is None:
            package = Path(str(importlib_resources.files("mpsc_report")))
            digest = hashlib.sha256(_package_version().encode())
            templates = package / "documents" / "templates"
            files = sorted(package.rglob("*.py")) + sorted(p for p in templates.rglob("*") if p.is_file())
            for path in files:
                digest.update(path.relative_to(package).as_posix().encode())
                digest.update(self.file(path).encode())
            self._code = digest.hexdigest()
        return self._code

    def _data(self, data: str, wave: str) -> str:
        folder = resolve_data_dir(data)
        waves = {p.stem.removeprefix("wave_") for p in folder.glob("wave_*.csv")}
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            match = _WAVE_FILE.match(path.name)
            if match and match["wave"] in waves and match["wave"] > wave:
                continue  # a later wave does not change this unit
            digest.update(path.name.encode())
            digest.update(self.file(path).encode())
        return digest.hexdigest()


def _package_version() -> str:
    try:
        return version("mpsc-report")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"
