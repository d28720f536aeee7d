"""What changed since the last look: the notebook, the params file, the data, the package or its templates.

Plain polling with the standard library: every file's modification time and size are compared each round, and a
file whose metadata moved is read and hashed, so a save that changed nothing (``touch``, an editor saving an
unchanged file) is no change. The watched set is small (one notebook, one params file, a data folder of a few
files, the package's ~80 source files), so a round costs about a millisecond.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Literal

#: What a change is, which decides what the preview redoes: ``notebook`` (re-render its Markdown or run its code),
#: ``params`` and ``data`` (validate, then run the code), ``package`` (restart the kernel, then run the code),
#: ``templates`` (export again; nothing runs).
Kind = Literal["notebook", "params", "data", "package", "templates"]

#: Package files that change what a run produces (source, shipped register and codebooks).
_PACKAGE_SUFFIXES = (".py", ".csv", ".yaml", ".yml")


@dataclass(frozen=True)
class Targets:
    """The files one preview depends on."""

    notebook: Path
    params: Path
    data_dir: Path | None = None
    codebooks: tuple[Path, ...] = ()


class Watcher:
    """Reports which watched files changed (by content) since the previous :meth:`poll`.

    Parameters
    ----------
    targets : Targets
        The notebook, the params file, the data folder and codebooks named by path.
    package : Path, optional
        The package source folder (default: the installed ``mpsc_report``).
    """

    def __init__(self, targets: Targets, package: Path | None = None) -> None:
        self._package = package or Path(str(importlib_resources.files("mpsc_report")))
        self._targets = targets
        self._seen: dict[Path, tuple[int, int, str, Kind]] = {}
        self.poll()  # the first look only records what is there

    @property
    def package(self) -> Path:
        """The package source folder watched."""
        return self._package

    def retarget(self, targets: Targets) -> None:
        """Watch another data folder or codebooks (after the params changed); the new files count as seen."""
        self._targets = targets
        for path, kind in self._files().items():
            if path not in self._seen:
                self._look(path, kind)

    def poll(self) -> dict[Kind, list[Path]]:
        """Return the files that changed, appeared or disappeared since the last call, by kind."""
        first = not self._seen
        changed: dict[Kind, list[Path]] = {}
        current = self._files()
        for path, kind in current.items():
            if self._look(path, kind) and not first:
                changed.setdefault(kind, []).append(path)
        for path in [p for p in self._seen if p not in current or not p.exists()]:
            kind = self._seen.pop(path)[3]
            if not first:
                changed.setdefault(kind, []).append(path)
        return changed

    def _look(self, path: Path, kind: Kind) -> bool:
        """Record ``path``; whether its content differs from what was recorded (a new file differs)."""
        try:
            stat = path.stat()
        except OSError:
            return False
        old = self._seen.get(path)
        if old is not None and old[:2] == (stat.st_mtime_ns, stat.st_size) and old[3] == kind:
            return False
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:  # vanished or unreadable between stat and read: look again next round
            return False
        self._seen[path] = (stat.st_mtime_ns, stat.st_size, digest, kind)
        return old is None or old[2] != digest

    def _files(self) -> dict[Path, Kind]:
        """Every watched file and its kind; later entries win (the sample data lives inside the package)."""
        files: dict[Path, Kind] = {}
        templates = self._package / "documents" / "templates"
        for path in _tree(self._package, _PACKAGE_SUFFIXES):
            files[path] = "templates" if path.is_relative_to(templates) else "package"
        for path in _tree(templates, None):
            files[path] = "templates"
        targets = self._targets
        if targets.data_dir is not None and targets.data_dir.is_dir():
            for path in targets.data_dir.iterdir():
                if path.is_file() and not path.name.startswith("."):
                    files[path] = "data"
        for path in targets.codebooks:
            files[path] = "data"
        files[targets.params] = "params"
        files[targets.notebook] = "notebook"
        return files


def _tree(folder: Path, suffixes: Iterable[str] | None) -> list[Path]:
    if not folder.is_dir():
        return []
    wanted = tuple(suffixes) if suffixes is not None else None
    return [
        path
        for path in folder.rglob("*")
        if "__pycache__" not in path.parts
        and not path.name.startswith(".")
        and (wanted is None or path.suffix in wanted)
        and path.is_file()
    ]
