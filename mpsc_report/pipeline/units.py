"""Units of a build: one document each (a wave report or a project factsheet), planned from the params files.

A unit knows its notebook, validated parameters and output paths; :mod:`.build` builds one, :mod:`.batch` many.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import BuildError

if TYPE_CHECKING:  # imported where used: `mpsc-report --help` needs none of the data wing
    from ..data.params import FactsheetParams, WaveParams

#: The notebook every wave report is built from, relative to the project root.
REPORT_NOTEBOOK = Path("notebooks/halftime_review.ipynb")

#: The notebook every project factsheet is built from; factsheets are planned only when it exists.
FACTSHEET_NOTEBOOK = Path("notebooks/project_factsheet.ipynb")

#: Suffix of the folder of a unit's open-data CSV files, by the document's language: ``halftime_review_daten`` beside a
#: German document, ``halftime_review_data`` beside an English one (the writers' ``opendata.FOLDER_SUFFIXES``).
DATA_FOLDER_SUFFIXES: dict[str, str] = {"de": "_daten", "en": "_data"}

#: The German suffix; the manifest files the data folder's files as ``daten/<name>`` in every language, so
#: manifests of earlier builds are read the same.
DATA_FOLDER_SUFFIX = DATA_FOLDER_SUFFIXES["de"]

#: Folder under the output folder that keeps the partial notebooks of failed units.
FAILED_DIR = "failed"

#: Every format a build can write: the document (HTML, PDF) and its open data (the Tabellenband ``xlsx``; ``csv``:
#: the CSV files and ``datapackage.json``, see :mod:`mpsc_report.documents.opendata`). A build writes all of them
#: unless told otherwise (``--format``).
FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "csv")

#: The formats of the open data.
OPEN_DATA_FORMATS: tuple[str, ...] = ("xlsx", "csv")

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
    def data_folder(self) -> Path:
        """The folder of the unit's CSV files and ``datapackage.json``: ``outputs/2023/halftime_review_daten``.

        Named in the unit's language: an English document's folder is ``halftime_review_data``.
        """
        return self.out_dir / f"{self.stem}{DATA_FOLDER_SUFFIXES[self.params.language]}"

    @property
    def stale_data_folders(self) -> list[Path]:
        """Data folders of this stem in the other languages: left by an earlier build in another language."""
        own = self.data_folder
        candidates = (self.out_dir / f"{self.stem}{suffix}" for suffix in DATA_FOLDER_SUFFIXES.values())
        return [folder for folder in candidates if folder != own]

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
    #: Every number the built document states, by indicator, as its document contract records it.
    numbers: dict[str, int | float | None] = field(default_factory=dict)
    #: The numbers its open-data files state, read back from the written bytes, by format ("xlsx", "csv").
    open_data_numbers: dict[str, dict[str, int | float | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the unit's outputs are current (built now or skipped as unchanged)."""
        return self.status in ("built", "skipped")


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
    from ..data.params import FactsheetParams

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
    report_nb, factsheet_nb = notebook.resolve(), factsheet_notebook.resolve()
    units = []
    for path, params in selected:
        wave_dir = _inside(base, params.wave)
        if "report" in kinds:
            units.append(
                Unit("report", f"{params.wave}/report", report_nb, params, wave_dir, report_nb.stem, base, path)
            )
        out = _inside(base, f"{params.wave}/factsheets") if chosen else wave_dir
        for project in chosen:
            fs = FactsheetParams.from_wave(params, project)
            unit_id = f"{params.wave}/factsheets/{fs.project}"
            _inside(base, unit_id)
            units.append(Unit("factsheet", unit_id, factsheet_nb, fs, out, fs.project, base, path))
    check_name_collisions(units)
    return units


#: Who writes ``failed/`` at the top of the output folder.
_FAILED_SOURCE = "the build's folder for the notebooks of failed units"

#: The outputs every unit writes next to each other (the executed notebook, the HTML, the PDF, the Tabellenband,
#: the folder of CSV files).
_OUTPUT_SUFFIXES = (".ipynb", ".html", ".pdf", ".xlsx", *DATA_FOLDER_SUFFIXES.values())


def check_name_collisions(units: Sequence[Unit]) -> None:
    """Refuse output paths that differ only by case or Unicode normalisation, before anything is written.

    Windows and macOS, where reports are shared, see ``outputs/welle-a`` and ``outputs/Welle-A`` (or a name in
    NFC and in NFD) as one folder: one build would overwrite the other. Checked among the planned units (their
    folders, outputs and failed-notebook paths) and against the names already in the output folder.

    Raises
    ------
    BuildError
        Listing every collision with both sources: params file, wave and project of a unit, or "already in" the
        output folder.
    """
    planned: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
    for unit in units:
        source = _source(unit)
        rel = unit.out_dir.relative_to(unit.output_root).parts
        failed = Path(FAILED_DIR, unit.unit_id).parts
        for parts in [*((*rel, unit.stem + s) for s in _OUTPUT_SUFFIXES), (*failed[:-1], failed[-1] + ".ipynb")]:
            for end in range(1, len(parts) + 1):
                named = _FAILED_SOURCE if parts[:end] == (FAILED_DIR,) else source
                planned.setdefault(tuple(map(_fold, parts[:end])), {}).setdefault(parts[:end], named)
    problems: list[str] = []
    reported: set[tuple[str, ...]] = set()
    listings: dict[Path, dict[str, list[str]]] = {}  # a folder's names by their folded form
    pairs: list[set[str]] = []
    for key, names in planned.items():
        if any(key[:end] in reported for end in range(1, len(key))):
            continue  # inside a folder whose name already collides
        (first, first_source), *others = names.items()
        if others:
            reported.add(key)
            for other, source in others:
                if {first_source, source} not in pairs:  # failed/<wave> repeats <wave>: said once
                    pairs.append({first_source, source})
                    problems.append(f"{Path(*first)} ({first_source}) and {Path(*other)} ({source})")
            continue
        root = units[0].output_root
        folder = root / Path(*first[:-1])
        if folder not in listings:
            listings[folder] = {}
            for name in _listing(folder):
                listings[folder].setdefault(_fold(name), []).append(name)
        existing = [n for n in listings[folder].get(key[-1], ()) if n != first[-1]]
        if existing:
            reported.add(key)
            problems += [
                f"{Path(*first)} ({first_source}) and {Path(*first[:-1], n)} (already in {root})" for n in existing
            ]
    if problems:
        raise BuildError(
            f"output names that differ only by upper/lower case or Unicode normalisation would be one file on "
            f"Windows and macOS, so one would overwrite the other: {'; '.join(problems)}. Rename one wave id "
            "(params file `wave:`) or project id, or move the old output away; nothing was built."
        )


@lru_cache(maxsize=4096)
def _fold(name: str) -> str:
    """A name as a case-insensitive, normalisation-insensitive file system compares it.

    Cached: planning 222 units folds their few hundred distinct names thousands of times.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def _listing(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:  # not there yet (or not a folder): nothing to collide with
        return []


def _source(unit: Unit) -> str:
    where = f"{unit.params_path}, " if unit.params_path is not None else ""
    project = f", project {unit.project!r}" if unit.project is not None else ""
    return f"{where}wave {unit.wave!r}{project}"


def _select_waves(params_dir: Path, waves: Iterable[str] | None) -> list[tuple[Path, WaveParams]]:
    from ..data.params import load_params

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
    """Project ids of ``projects`` (ids or names, any case) and of ``cohorts``, in register order; all when neither.

    Raises
    ------
    BuildError
        Naming every key that is no project, each with its close matches, and every unknown cohort.
    """
    from ..data.load import load_register, register_rows

    if not projects and not cohorts:  # every project: the ids alone, read without pandas (a no-op build stays fast)
        return [row["project_id"] for row in register_rows(register)]
    from ..data.projects import find_project_id, select_projects, suggest_projects
    from ..errors import ParamsError

    frame = load_register(register)  # pandas only when projects or cohorts are chosen
    ids = list(frame["project_id"])
    keys = list(dict.fromkeys(projects or ()))
    chosen = {key: find_project_id(frame, key) for key in keys}
    unknown = [key for key, found in chosen.items() if found is None]
    if unknown:
        hints = "; ".join(f"{key!r}: {_did_you_mean(suggest_projects(frame, key))}" for key in unknown)
        raise BuildError(
            f"unknown project(s) {unknown}: not in the register ({hints}). `mpsc-report projects` lists the ids."
        )
    try:
        in_cohorts = set(select_projects(frame, cohorts or ())["project_id"]) if cohorts else set()
    except ParamsError as exc:
        raise BuildError(exc.message) from None
    wanted = set(chosen.values()) | in_cohorts
    return [p for p in ids if p in wanted]


def _did_you_mean(close: list[str]) -> str:
    return f"did you mean {', '.join(map(repr, close))}?" if close else "nothing similar"


def _inside(base: Path, relative: str) -> Path:
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise BuildError(f"{relative!r} would write outside {base}; use plain ids such as '2023'.")
    return target
