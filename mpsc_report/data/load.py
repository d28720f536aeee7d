"""The only module that reads files: the project register, survey waves, partner edge lists and YAML params."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import DataError, ParamsError
from . import intake as _intake
from .schema import (
    PARTNER_COLUMNS,
    REGISTER_COLUMNS,
    WAVE_COLUMNS,
)
from .validation import (
    Checked,
    DataQuality,
    Failure,
    SourceFile,
    ValidationFailed,
    rejected_by_rule,
    validate_partners,
    validate_responses,
)

#: Value of the ``data`` parameter that selects the synthetic sample shipped with the package.
SAMPLE = "sample"

#: Largest params file we read; anything bigger is a mistake (or an attack).
MAX_PARAMS_BYTES = 64 * 1024

#: File that describes a data folder (name, whether it is synthetic, how it was made).
DATASET_FILE = "dataset.yaml"


@dataclass(frozen=True)
class DatasetInfo:
    """What a data folder says about itself in ``dataset.yaml``."""

    name: str
    synthetic: bool
    description: str
    location: Path


@dataclass(frozen=True)
class WaveData:
    """One survey wave as read from disk: answers, partner edge list and where they came from."""

    wave: str
    responses: pd.DataFrame
    partners: pd.DataFrame
    files: tuple[Path, ...]
    dataset: DatasetInfo
    quality: DataQuality | None = None


def package_data_dir() -> Path:
    """Return the folder of data shipped inside the package."""
    return Path(str(resources.files("mpsc_report.data")))


def resolve_data_dir(data: str | Path) -> Path:
    """Turn the ``data`` parameter into a folder: ``"sample"`` is the bundled synthetic sample."""
    if str(data) == SAMPLE:
        return package_data_dir() / "sample"
    path = Path(data).expanduser()
    if not path.is_dir():
        raise DataError(
            f"data folder {str(path)!r} does not exist. Set `data` in the wave's params file to a "
            f"folder holding wave_<wave>.csv and partners_<wave>.csv, or to {SAMPLE!r} for the bundled sample."
        )
    return path.resolve()


def load_register(path: Path | None = None) -> pd.DataFrame:
    """Read the register of the 73 model projects; keys (project_id, cohort, AGS) stay text.

    Parameters
    ----------
    path : Path, optional
        A register CSV; defaults to the one shipped with the package.

    Returns
    -------
    pandas.DataFrame
        One row per project with :data:`~mpsc_report.data.schema.REGISTER_COLUMNS`.
    """
    path = path or package_data_dir() / "projects.csv"
    frame = _read_csv(path, text_columns=("project_id", "name", "kind", "state", "cohort", "ags", "source"))
    _require_columns(frame, REGISTER_COLUMNS, path)
    for column in ("lat", "lon"):
        frame[column] = pd.to_numeric(frame[column], errors="raise")
    if frame["project_id"].duplicated().any():
        dupes = sorted(frame.loc[frame["project_id"].duplicated(), "project_id"])
        raise DataError(f"{path}: column 'project_id' has duplicate keys {dupes}; each project needs its own key.")
    return frame.loc[:, list(REGISTER_COLUMNS)]


def load_dataset_info(data_dir: Path) -> DatasetInfo:
    """Read ``dataset.yaml`` of a data folder; a folder without one is taken as real (not synthetic) data."""
    path = data_dir / DATASET_FILE
    if not path.exists():
        return DatasetInfo(name=data_dir.name, synthetic=False, description="", location=data_dir)
    info = read_yaml(path)
    synthetic = info.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise DataError(f"{path}: key 'synthetic' must be true or false, got {synthetic!r}.")
    return DatasetInfo(
        name=str(info.get("name", data_dir.name)),
        synthetic=synthetic,
        description=str(info.get("description", "")),
        location=data_dir,
    )


def available_waves(data_dir: Path) -> list[str]:
    """List the wave ids that have a ``wave_<id>.csv`` (or ``.xlsx``) in a data folder, oldest first."""
    return sorted({p.stem.removeprefix("wave_") for p in data_dir.glob("wave_*.*") if p.suffix in (".csv", ".xlsx")})


def load_wave(data_dir: Path, wave: str, intake: Any = None, register: pd.DataFrame | None = None) -> WaveData:
    """Read, check and type the answers and the partner edge list of one wave.

    Parameters
    ----------
    data_dir : Path
        Folder with ``wave_<wave>.csv`` (``.xlsx`` for Excel) and optionally ``partners_<wave>.csv``.
    wave : str
        Wave id, e.g. ``"2023"``.
    intake : IntakeParams, optional
        How the files are read and what happens to invalid rows; defaults to the bundled sample's settings.
    register : pandas.DataFrame, optional
        The project register (read when not given).

    Returns
    -------
    WaveData
        Counts as nullable integers (empty cell or special code = no answer), keys and free text as text,
        and a :class:`~mpsc_report.data.validation.DataQuality` record of what was read, used and rejected.

    Raises
    ------
    ValidationFailed
        When a failure concerns the whole file, or any row is invalid and the policy is ``reject``; it carries
        every failure (file, line or cell, column, value, fix).
    DataError
        When the file is missing or cannot be read at all (encoding, separator, format).
    """
    if intake is None:
        intake = _intake.IntakeParams()
    register = load_register() if register is None else register
    suffix = ".xlsx" if intake.format == "xlsx" else ".csv"
    responses_path = data_dir / f"wave_{wave}{suffix}"
    partners_path = data_dir / f"partners_{wave}.csv"
    if not responses_path.exists():
        found = ", ".join(available_waves(data_dir)) or "none"
        raise DataError(
            f"wave {wave!r} not found in {data_dir}: there is no {responses_path.name} (waves available: {found}). "
            "Check `wave` and `intake.format` in the params file or add the file."
        )
    table, checked, codebook = _read_responses(responses_path, wave, intake, register)
    failures: list[Failure] = list(checked.failures)
    files = [responses_path]
    if partners_path.exists():
        partner_table = _intake.read_csv_table(partners_path, intake.encoding, intake.separator)
        partner_check = validate_partners(partner_table, register)
        failures += partner_check.failures
        files.append(partners_path)
    else:
        partner_check = None
    if failures and (intake.on_invalid == "reject" or any(f.file_level for f in failures)):
        raise ValidationFailed(failures, f"wave {wave} ({data_dir})")
    responses = checked.frame.drop(index=sorted(checked.bad_rows)).reset_index(drop=True)
    if partner_check is not None:
        partners = partner_check.frame.drop(index=sorted(partner_check.bad_rows)).reset_index(drop=True)
    else:
        partners = pd.DataFrame({c: pd.Series(dtype="string") for c in PARTNER_COLUMNS})
    sources = [
        SourceFile("Antworten", responses_path.name, file_sha256(responses_path), len(table.rows), len(responses))
    ]
    if partner_check is not None:
        sources.append(
            SourceFile(
                "Partnerkommunen",
                partners_path.name,
                file_sha256(partners_path),
                len(partner_check.frame),
                len(partners),
            )
        )
    if codebook is not None:
        sources.append(SourceFile("Codebuch", codebook.path.name, codebook.sha256))
    quality = DataQuality(
        wave=wave,
        format=intake.format,
        encoding=intake.encoding,
        policy=intake.on_invalid,
        codebook=codebook.codebook.name if codebook else "",
        files=tuple(sources),
        rows_read=len(table.rows),
        rows_used=len(responses),
        rows_rejected=len(checked.bad_rows),
        rejected_by_rule=rejected_by_rule(checked.failures),
        missing_reasons=checked.missing_reasons,
        failures=tuple(failures),
    )
    return WaveData(
        wave=wave,
        responses=responses.loc[:, list(WAVE_COLUMNS)],
        partners=partners.loc[:, list(PARTNER_COLUMNS)],
        files=tuple(files),
        dataset=load_dataset_info(data_dir),
        quality=quality,
    )


def check_responses_file(
    path: Path, wave: str, intake: Any = None, register: pd.DataFrame | None = None
) -> tuple[int, tuple[Failure, ...]]:
    """Read and validate one answers file of any name (``mpsc-report validate FILE``); nothing is raised for rows.

    Returns
    -------
    tuple of (int, tuple of Failure)
        Rows read and every failure found.

    Raises
    ------
    DataError
        When the file cannot be read at all (missing, empty, wrong encoding, separator or format).
    """
    if intake is None:
        intake = _intake.IntakeParams()
    register = load_register() if register is None else register
    table, checked, _ = _read_responses(path, wave, intake, register)
    return len(table.rows), checked.failures


def _read_responses(
    path: Path, wave: str, intake: Any, register: pd.DataFrame
) -> tuple[_intake.Table, Checked, _intake.CodebookFile | None]:
    if intake.format == "xlsx":
        table = _intake.read_xlsx_table(path, intake.sheet)
    else:
        table = _intake.read_csv_table(path, intake.encoding, intake.separator)
    codebook = load_codebook(intake.codebook) if intake.codebook else None
    if codebook is not None:
        table = _intake.apply_codebook(table, codebook.codebook)
    used = codebook.codebook if codebook else _intake.IDENTITY_CODEBOOK
    return table, validate_responses(table, register, wave, used, intake.decimal), codebook


def load_codebook(reference: str) -> _intake.CodebookFile:
    """Read a codebook: a name shipped with the package (``mpsc_2023``) or a YAML file (see README).

    Raises
    ------
    ParamsError
        Missing file, invalid YAML, unknown keys or columns; the message names the key and the fix.
    """
    path = _intake.codebook_path(reference)
    return _intake.parse_codebook(path, read_yaml(path), file_sha256(path))


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML loader that keeps dates as text and refuses duplicate keys."""


def _no_duplicate_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (each key may appear once)", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_mapping)
# Dates stay strings, as papermill passes them; the params model parses them.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a small YAML mapping safely: no object tags, no duplicate keys, dates as text.

    Raises
    ------
    ParamsError
        If the file is missing, too large, not YAML, or not a mapping; the message names the line.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ParamsError(f"{path}: file not found.") from None
    if size > MAX_PARAMS_BYTES:
        raise ParamsError(f"{path}: {size} bytes is too large for a params file (at most {MAX_PARAMS_BYTES}).")
    text = path.read_text(encoding="utf-8")
    try:
        content = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}" if mark else ""
        raise ParamsError(f"{path}{where}: {exc.problem or exc.context}. Fix the YAML there.") from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(content, dict):
        raise ParamsError(f"{path}: expected a mapping of `key: value` lines, got {type(content).__name__}.")
    return content


def _read_csv(path: Path, text_columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path,
            dtype={c: "string" for c in text_columns},
            keep_default_na=False,  # "NA", "null", "-" typed by respondents stay text; only empty is missing
            na_values=[""],
            encoding="utf-8",
        )
    except FileNotFoundError:
        raise DataError(f"{path}: file not found.") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte {exc.object[exc.start]:#04x}); save it as UTF-8.") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: cannot be parsed as CSV ({exc}).") from None


def _require_columns(frame: pd.DataFrame, required: tuple[str, ...], path: Path) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:8]))
        raise DataError(f"{path}: required column(s) {missing} missing (found: {found}). Add them to line 1.")
