"""The only module that reads files: the project register, survey waves, partner edge lists and YAML params."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import DataError, ParamsError
from .schema import (
    COUNT_COLUMNS,
    PARTNER_COLUMNS,
    REGISTER_COLUMNS,
    TEXT_COLUMNS,
    WAVE_COLUMNS,
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


def package_data_dir() -> Path:
    """Return the folder of data shipped inside the package."""
    return Path(str(resources.files("mpsc_report") / "data"))


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
        One row per project with :data:`~mpsc_report.schema.REGISTER_COLUMNS`.
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
    """List the wave ids that have a ``wave_<id>.csv`` in a data folder, oldest first."""
    return sorted(p.stem.removeprefix("wave_") for p in data_dir.glob("wave_*.csv"))


def load_wave(data_dir: Path, wave: str) -> WaveData:
    """Read the answers and the partner edge list of one wave.

    Parameters
    ----------
    data_dir : Path
        Folder with ``wave_<wave>.csv`` and ``partners_<wave>.csv``.
    wave : str
        Wave id, e.g. ``"2023"``.

    Returns
    -------
    WaveData
        Counts as nullable integers (empty cell = no answer), keys and free text as text.
    """
    responses_path = data_dir / f"wave_{wave}.csv"
    partners_path = data_dir / f"partners_{wave}.csv"
    if not responses_path.exists():
        found = ", ".join(available_waves(data_dir)) or "none"
        raise DataError(
            f"wave {wave!r} not found in {data_dir}: there is no wave_{wave}.csv (waves available: {found}). "
            "Check `wave` in the params file or add the file."
        )
    text_columns = tuple(c for c in WAVE_COLUMNS if c not in COUNT_COLUMNS)
    responses = _read_csv(responses_path, text_columns=text_columns)
    _require_columns(responses, WAVE_COLUMNS, responses_path)
    for column in COUNT_COLUMNS:
        responses[column] = _to_count(responses[column], responses_path, column)
    for column in TEXT_COLUMNS:
        responses[column] = responses[column].fillna("")
    if partners_path.exists():
        partners = _read_csv(partners_path, text_columns=PARTNER_COLUMNS)
        _require_columns(partners, PARTNER_COLUMNS, partners_path)
        files: tuple[Path, ...] = (responses_path, partners_path)
    else:
        partners = pd.DataFrame({c: pd.Series(dtype="string") for c in PARTNER_COLUMNS})
        files = (responses_path,)
    return WaveData(
        wave=wave,
        responses=responses.loc[:, list(WAVE_COLUMNS)],
        partners=partners.loc[:, list(PARTNER_COLUMNS)],
        files=files,
        dataset=load_dataset_info(data_dir),
    )


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


def _to_count(series: pd.Series, path: Path, column: str) -> pd.Series:
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & (numbers.isna() | (numbers < 0) | (numbers % 1 != 0))
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{path}: line {row + 2}, column {column!r}: {series.iloc[row]!r} is not a non-negative whole number. "
            "Enter a count or leave the cell empty for no answer."
        )
    return numbers.astype("Int64")
