"""The only module that reads files: the project register, survey waves, partner edge lists and YAML params."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import DataError, ParamsError, library_detail
from . import intake as _intake
from .schema import (
    PARTNER_COLUMNS,
    REGISTER_COLUMNS,
    WAVE_COLUMNS,
)

if TYPE_CHECKING:  # pandas and the validation built on it load where a frame is read: params and plans need neither
    import pandas as pd

    from .validation import Checked, DataQuality, Failure

#: Value of the ``data`` parameter that selects the synthetic sample shipped with the package.
SAMPLE = "sample"

#: Largest params file we read; anything bigger is a mistake (or an attack).
MAX_PARAMS_BYTES = 64 * 1024

#: File that describes a data folder (name, whether it is synthetic, how it was made).
DATASET_FILE = "dataset.yaml"


@dataclass(frozen=True)
class InputFile:
    """A file a document's numbers were computed from, with the SHA-256 of the bytes that were parsed."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class DatasetInfo:
    """What a data folder says about itself in ``dataset.yaml`` (``file`` is None when it has none)."""

    name: str
    synthetic: bool
    description: str
    location: Path
    file: InputFile | None = None


@dataclass(frozen=True)
class WaveData:
    """One survey wave as read from disk: answers, partner edge list, the files read and what validation did.

    ``files`` is the answers file, then the partners file when the folder has one.
    """

    wave: str
    responses: pd.DataFrame
    partners: pd.DataFrame
    files: tuple[InputFile, ...]
    dataset: DatasetInfo
    quality: DataQuality


@dataclass(frozen=True)
class WaveCheck:
    """What checking a wave's files found (``mpsc-report validate FILE``): rows read and every failure."""

    rows: int
    partner_rows: int | None
    failures: tuple[Failure, ...]


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
    return load_register_file(path)[0]


def register_rows(path: Path | None = None) -> list[dict[str, str]]:
    """The register's rows as text, in file order, without pandas: for planning units and the reader page.

    The same file and checks as :func:`load_register`; a register that fails them is read by it, so the error is
    the one :func:`load_register` raises (naming file, column and values).
    """
    path = path or package_data_dir() / "projects.csv"
    data = _read_file(path, DataError)
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        rows = []
    ids = [row.get("project_id") or "" for row in rows]
    columns = set(rows[0]) if rows else set()
    if not rows or not columns.issuperset(REGISTER_COLUMNS) or "" in ids or len(set(ids)) != len(ids):
        frame = load_register(path)  # raises the precise error; a quirk it accepts is read its way
        return [{c: "" if v is None else str(v) for c, v in row.items()} for row in frame.to_dict("records")]
    return [{c: row[c] or "" for c in REGISTER_COLUMNS} for row in rows]


def load_register_file(path: Path | None = None) -> tuple[pd.DataFrame, InputFile]:
    """Read the register like :func:`load_register` and return it with the file's SHA-256 (for provenance)."""
    import pandas as pd  # noqa: PLC0415

    path = path or package_data_dir() / "projects.csv"
    data = _read_file(path, DataError)
    frame = _read_csv(path, data, text_columns=("project_id", "name", "kind", "state", "cohort", "ags", "source"))
    _require_columns(frame, REGISTER_COLUMNS, path)
    for column in ("lat", "lon"):
        frame[column] = pd.to_numeric(frame[column], errors="raise")
    if frame["project_id"].duplicated().any():
        dupes = sorted(frame.loc[frame["project_id"].duplicated(), "project_id"])
        raise DataError(f"{path}: column 'project_id' has duplicate keys {dupes}; each project needs its own key.")
    return frame.loc[:, list(REGISTER_COLUMNS)], InputFile(path, _sha256(data))


def load_dataset_info(data_dir: Path) -> DatasetInfo:
    """Read ``dataset.yaml`` of a data folder; a folder without one is taken as real (not synthetic) data."""
    path = data_dir / DATASET_FILE
    if not path.exists():
        return DatasetInfo(name=data_dir.name, synthetic=False, description="", location=data_dir)
    data = _read_file(path, ParamsError, MAX_PARAMS_BYTES, what="a dataset description")
    info = _parse_yaml(path, data)
    synthetic = info.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise DataError(f"{path}: key 'synthetic' must be true or false, got {synthetic!r}.")
    return DatasetInfo(
        name=str(info.get("name", data_dir.name)),
        synthetic=synthetic,
        description=str(info.get("description", "")),
        location=data_dir,
        file=InputFile(path, _sha256(data)),
    )


def available_waves(data_dir: Path) -> list[str]:
    """List the wave ids that have a ``wave_<id>.csv`` (or ``.xlsx``) in a data folder, oldest first."""
    return sorted({p.stem.removeprefix("wave_") for p in data_dir.glob("wave_*.*") if p.suffix in (".csv", ".xlsx")})


def wave_files(data_dir: Path, wave: str, intake: Any) -> tuple[Path, Path]:
    """The answers file (``wave_<id>.csv``, ``.xlsx`` for Excel) and the partners file of a wave in a data folder."""
    suffix = ".xlsx" if intake.format == "xlsx" else ".csv"
    return data_dir / f"wave_{wave}{suffix}", data_dir / f"partners_{wave}.csv"


def load_wave(
    data_dir: Path,
    wave: str,
    intake: Any = None,
    register: pd.DataFrame | None = None,
    *,
    codebook: _intake.CodebookFile | None = None,
    dataset: DatasetInfo | None = None,
    field_period: tuple[date, date] | None = None,
) -> WaveData:
    """Read, check and type the answers and the partner edge list of one wave.

    Parameters
    ----------
    data_dir : Path
        Folder with ``wave_<wave>.csv`` (``.xlsx`` for Excel) and optionally ``partners_<wave>.csv``.
    wave : str
        Wave id, e.g. ``"2023"``.
    intake : IntakeParams, optional
        How the files are read and what happens to invalid rows (the wave's own settings when ``intake.waves``
        has an entry for it); defaults to the bundled sample's settings.
    register : pandas.DataFrame, optional
        The project register (read when not given).
    codebook : CodebookFile, optional
        The codebook the settings name, already read (read here when not given).
    dataset : DatasetInfo, optional
        The folder's ``dataset.yaml``, already read (read here when not given).
    field_period : (date, date), optional
        The wave's field period (from its params); submission dates outside it are validation failures.

    Returns
    -------
    WaveData
        Counts as nullable integers (empty cell or special code = no answer), keys and free text as text,
        the files read with the SHA-256 of the bytes parsed, and a
        :class:`~mpsc_report.data.validation.DataQuality` record of what was read, used and rejected.

    Raises
    ------
    ValidationFailed
        When a failure concerns the whole file, or any row is invalid and the policy is ``reject``; it carries
        every failure (file, line or cell, column, value, fix).
    DataError
        When the file is missing or cannot be read at all (encoding, separator, format).
    """
    import pandas as pd  # noqa: PLC0415

    from .validation import DataQuality, SourceFile, ValidationFailed, rejected_by_rule  # noqa: PLC0415

    intake = (_intake.IntakeParams() if intake is None else intake).for_wave(wave)
    register = load_register() if register is None else register
    responses_path, partners_path = wave_files(data_dir, wave, intake)
    if not responses_path.exists():
        found = ", ".join(available_waves(data_dir)) or "none"
        raise DataError(
            f"wave {wave!r} not found in {data_dir}: there is no {responses_path.name} (waves available: {found}). "
            "Check `wave` and `intake.format` (or the wave's entry in `intake.waves`) in the params file, "
            "or add the file."
        )
    partners_found = partners_path if partners_path.exists() else None
    read = _read_wave(responses_path, partners_found, wave, intake, register, codebook, field_period)
    if read.failures and (intake.on_invalid == "reject" or any(f.file_level for f in read.failures)):
        raise ValidationFailed(read.failures, f"wave {wave} ({data_dir})")
    checked, partner_check = read.checked, read.partner_check
    responses = checked.frame.drop(index=sorted(checked.bad_rows)).reset_index(drop=True)
    files = [InputFile(responses_path, read.table.sha256)]
    sources = [SourceFile("Antworten", responses_path.name, read.table.sha256, len(read.table.rows), len(responses))]
    if partner_check is not None:
        partners = partner_check.frame.drop(index=sorted(partner_check.bad_rows)).reset_index(drop=True)
        files.append(InputFile(partners_path, read.partner_table.sha256))
        sources.append(
            SourceFile(
                "Partnerkommunen",
                partners_path.name,
                read.partner_table.sha256,
                len(partner_check.frame),
                len(partners),
            )
        )
    else:
        partners = pd.DataFrame({c: pd.Series(dtype="string") for c in PARTNER_COLUMNS})
    if read.codebook is not None:
        sources.append(SourceFile("Codebuch", read.codebook.path.name, read.codebook.sha256))
    quality = DataQuality(
        wave=wave,
        format=intake.format,
        encoding=intake.encoding,
        policy=intake.on_invalid,
        codebook=read.codebook.codebook.name if read.codebook else "",
        files=tuple(sources),
        rows_read=len(read.table.rows),
        rows_used=len(responses),
        rows_rejected=len(checked.bad_rows),
        rejected_by_rule=rejected_by_rule(checked.failures),
        missing_reasons=checked.missing_reasons,
        failures=read.failures,
    )
    return WaveData(
        wave=wave,
        responses=responses.loc[:, list(WAVE_COLUMNS)],
        partners=partners.loc[:, list(PARTNER_COLUMNS)],
        files=tuple(files),
        dataset=load_dataset_info(data_dir) if dataset is None else dataset,
        quality=quality,
    )


def check_wave_files(
    responses: Path,
    partners: Path | None,
    wave: str,
    intake: Any = None,
    register: pd.DataFrame | None = None,
    field_period: tuple[date, date] | None = None,
) -> WaveCheck:
    """Read and validate an answers file of any name and its partners file (``mpsc-report validate FILE``).

    Row failures are returned, never raised; both files are read with the same settings, as :func:`load_wave`
    reads them (submission dates are checked against ``field_period`` when it is given).

    Raises
    ------
    DataError
        When a file cannot be read at all (missing, empty, wrong encoding, separator or format).
    """
    intake = (_intake.IntakeParams() if intake is None else intake).for_wave(wave)
    register = load_register() if register is None else register
    if partners is not None and not partners.is_file():
        raise DataError(f"partners file {partners} not found; pass the partner list of wave {wave} or leave it out.")
    read = _read_wave(responses, partners, wave, intake, register, field_period=field_period)
    partner_rows = len(read.partner_table.rows) if read.partner_table is not None else None
    return WaveCheck(len(read.table.rows), partner_rows, read.failures)


@dataclass(frozen=True)
class _ReadWave:
    table: _intake.Table
    checked: Checked
    partner_table: _intake.Table | None
    partner_check: Checked | None
    codebook: _intake.CodebookFile | None
    failures: tuple[Failure, ...]


def _read_wave(
    responses: Path,
    partners: Path | None,
    wave: str,
    intake: Any,
    register: pd.DataFrame,
    codebook: _intake.CodebookFile | None = None,
    field_period: tuple[date, date] | None = None,
) -> _ReadWave:
    from .validation import validate_partners, validate_responses  # noqa: PLC0415

    if intake.format == "xlsx":
        table = _intake.read_xlsx_table(responses, intake.sheet, intake.header_row)
    else:
        table = _intake.read_csv_table(responses, intake.encoding, intake.separator, intake.header_row)
    if codebook is None and intake.codebook:
        codebook = load_codebook(intake.codebook)
    if codebook is not None:
        table = _intake.apply_codebook(table, codebook.codebook)
    used = codebook.codebook if codebook else _intake.IDENTITY_CODEBOOK
    checked = validate_responses(table, register, wave, used, intake.decimal, field_period)
    failures = list(checked.failures)
    partner_table = partner_check = None
    if partners is not None:
        partner_table = _intake.read_csv_table(partners, intake.encoding, intake.separator)
        partner_check = validate_partners(partner_table, register)
        failures += partner_check.failures
    return _ReadWave(table, checked, partner_table, partner_check, codebook, tuple(failures))


def load_codebook(reference: str) -> _intake.CodebookFile:
    """Read a codebook: a name shipped with the package (``mpsc_2023``) or a YAML file (see README).

    Raises
    ------
    ParamsError
        Missing file, invalid YAML, unknown keys or columns; the message names the key and the fix.
    """
    path = _intake.codebook_path(reference)
    data = _read_file(path, ParamsError, MAX_PARAMS_BYTES, what="a codebook")
    return _intake.parse_codebook(path, _parse_yaml(path, data), _sha256(data))


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_file(
    path: Path, error: type[DataError] | type[ParamsError], limit: int | None = None, what: str = "a params file"
) -> bytes:
    """The bytes of a file, read once; one over ``limit`` bytes is refused before it is read."""
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise error(f"{path}: {size} bytes is too large for {what} (at most {limit}).")
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: file not found.") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({_os_reason(exc)}).", detail=library_detail(exc)) from None


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML loader that keeps dates as text and refuses duplicate keys."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (PyYAML would keep the last silently); the message is ours."""


def _no_duplicate_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise _DuplicateKey(None, None, f"duplicate key {key!r} (each key may appear once)", key_node.start_mark)
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
    return _parse_yaml(path, _read_file(path, ParamsError, MAX_PARAMS_BYTES))


def _parse_yaml(path: Path, data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not valid UTF-8 (byte {data[exc.start]:#04x}); save it as UTF-8.") from None
    try:
        content = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise ParamsError(f"{path}{_yaml_line(exc)}: {exc.problem}. Keep one of them.") from None
    except yaml.constructor.ConstructorError as exc:
        raise ParamsError(
            f"{path}{_yaml_line(exc)}: a YAML tag ({exc.problem_mark and _tag_at(text, exc.problem_mark) or '!!…'}) "
            "asks for a Python object; a params file holds only text, numbers, lists and mappings. Remove the tag.",
            detail=library_detail(exc),
        ) from None
    except yaml.MarkedYAMLError as exc:
        hint = " (a tab? indent with spaces)" if "\\t" in str(exc.problem) else ""
        raise ParamsError(
            f"{path}{_yaml_line(exc)}: not valid YAML there{hint}; fix the line (quote text that contains ':' or '#').",
            detail=library_detail(exc),
        ) from None
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML; check the file.", detail=library_detail(exc)) from None
    if not isinstance(content, dict):
        raise ParamsError(f"{path}: expected a mapping of `key: value` lines, got {type(content).__name__}.")
    return content


def _yaml_line(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f" line {mark.line + 1}" if mark else ""


def _tag_at(text: str, mark: Any) -> str:
    """The ``!!tag`` at a YAML position, as written."""
    found = (
        re.match(r"!\S*", text.splitlines()[mark.line][mark.column :]) if mark.line < len(text.splitlines()) else None
    )
    return found.group(0) if found else ""


def _os_reason(exc: OSError) -> str:
    """Why a file cannot be read, in our words (the system's words go into the detail line)."""
    if isinstance(exc, PermissionError):
        return "permission denied: give the user running the build read access"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder, not a file"
    return "the system refused to read it"


def _read_csv(path: Path, data: bytes, text_columns: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    try:
        return pd.read_csv(
            io.BytesIO(data),
            dtype={c: "string" for c in text_columns},
            keep_default_na=False,  # "NA", "null", "-" typed by respondents stay text; only empty is missing
            na_values=[""],
            encoding="utf-8",
        )
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte {exc.object[exc.start]:#04x}); save it as UTF-8.") from None
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f" line {line.group(1)}" if line else ""
        raise DataError(
            f"{path}{where}: cannot be read as CSV (a row with more fields than the header, or a quote never "
            "closed?); fix that line.",
            detail=library_detail(exc),
        ) from None
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path} is empty: no header, no rows.", detail=library_detail(exc)) from None


def _require_columns(frame: pd.DataFrame, required: tuple[str, ...], path: Path) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns[:8]))
        raise DataError(f"{path}: required column(s) {missing} missing (found: {found}). Add them to line 1.")
