"""Scaffolding a new survey wave (``mpsc-report new-wave``): its data folder and its params file.

A new wave lives in a data folder of the project, never inside the package (``mpsc-report sample`` rewrites the
bundled sample). The folder holds every wave a report reads: when it does not exist yet, the earlier waves are
copied into it from the data folder of the latest params file. The export is copied byte for byte under the name
the loader expects (``wave_<id>.csv``); the params file starts from the latest wave's, with the new wave, its
field period and its comparison wave. Checking the result is ``mpsc-report validate``'s job.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParamsError
from ..write import write_atomic
from .intake import WAVE_ID
from .load import DATASET_FILE, SAMPLE, available_waves, package_data_dir, read_yaml, resolve_data_dir
from .params import WaveParams, load_params

#: Keys of ``intake`` that say how a file is read (the rest, ``on_invalid`` and ``waves``, are policies).
READING_KEYS = ("format", "encoding", "separator", "decimal", "sheet", "codebook")


@dataclass(frozen=True)
class NewWave:
    """What :func:`scaffold_wave` wrote: the params file, the data folder, the files copied and what to review."""

    wave: str
    params: Path
    data_dir: Path
    template: Path
    answers: Path
    partners: Path | None
    earlier: tuple[Path, ...]
    notes: tuple[str, ...]


def scaffold_wave(
    wave: str,
    export: Path,
    *,
    field_start: date,
    field_end: date,
    params_dir: Path = Path("params"),
    data_dir: Path = Path("data"),
    partners: Path | None = None,
    reading: dict[str, str] | None = None,
    report_date: date | None = None,
    force: bool = False,
) -> NewWave:
    """Add wave ``wave``: copy its export (and partner list) into ``data_dir`` and write ``params_dir/<wave>.yaml``.

    Parameters
    ----------
    wave : str
        The new wave's id, e.g. ``"2024"``; later than every wave of ``params_dir``.
    export : Path
        The survey export of the wave (CSV, Excel or LimeSurvey CSV); copied unchanged to ``wave_<wave>.csv``
        (``.xlsx``).
    field_start, field_end : date
        The wave's field period; validation checks the submission dates against it.
    params_dir : Path
        Folder of the params files; the latest one is the template.
    data_dir : Path
        The data folder of the new wave. Created with copies of the earlier waves when it does not exist; a folder
        that exists must already hold them.
    partners : Path, optional
        The wave's partner list; default ``partners_<wave>.csv`` beside the export, when there is one.
    reading : dict, optional
        How the export is read (``intake`` keys of :data:`READING_KEYS`), when it differs from the earlier waves;
        written as the wave's own entry ``intake.waves.<wave>``.
    report_date : date, optional
        Date on the title page; default today (or the end of the field period, if that lies ahead).
    force : bool
        Replace the wave's files and params file when they exist.

    Returns
    -------
    NewWave

    Raises
    ------
    ParamsError
        The wave id or dates are invalid, the wave is not later than the others, a file exists (without
        ``force``), or the data folder would be the package's sample.
    """
    if not re.match(WAVE_ID, wave):
        raise ParamsError(f"{wave!r} is not a wave id: letters, digits, '_' and '-' only, e.g. 2024.")
    if not export.is_file():
        raise ParamsError(f"export {export} not found; pass the survey export of wave {wave} with --from.")
    template, latest = _latest_params(params_dir)
    if wave <= latest.wave:
        raise ParamsError(
            f"wave {wave!r} must come after the latest wave {latest.wave!r} of {params_dir} (ids are compared as "
            "text, so give waves ids that sort in time, e.g. years)."
        )
    target = params_dir / f"{wave}.yaml"
    if target.exists() and not force:
        raise ParamsError(f"{target} exists already; edit it, or pass --force to scaffold it again.")
    source = resolve_data_dir(latest.data)
    folder = data_dir.resolve()
    if folder == (package_data_dir() / SAMPLE).resolve():
        raise ParamsError(
            f"{data_dir} is the package's sample folder, which `mpsc-report sample` rewrites; give the new wave a "
            "data folder of the project, e.g. --data-dir data."
        )
    today = date.today()
    values = _params_values(
        read_yaml(template),
        latest,
        wave=wave,
        field_start=field_start,
        field_end=field_end,
        report_date=report_date or max(today, field_end),
        data=Path(os.path.relpath(folder, params_dir.resolve())).as_posix(),
        reading=reading or {},
    )
    text = _params_text(values, wave, template)
    _check_params(text, params_dir, wave)

    earlier: list[Path] = []
    if not folder.exists() or not available_waves(folder):
        earlier = _copy_earlier_waves(source, folder, before=wave)
    suffix = ".xlsx" if _intake_format(values, wave) == "xlsx" else ".csv"
    answers = folder / f"wave_{wave}{suffix}"
    beside = export.parent / f"partners_{wave}.csv"
    partner_source = partners or (beside if beside.is_file() else None)
    if partner_source is not None and not partner_source.is_file():
        raise ParamsError(f"partner list {partner_source} not found; pass the partner list of wave {wave}.")
    partner_target = folder / f"partners_{wave}.csv" if partner_source is not None else None
    for path in (answers, partner_target):
        if path is not None and path.exists() and not force:
            raise ParamsError(f"{path} exists already; pass --force to replace it with the new export.")
    write_atomic(answers, export.read_bytes())
    if partner_source is not None and partner_target is not None:
        write_atomic(partner_target, partner_source.read_bytes())
    write_atomic(target, text)

    notes = ["review `title`, `subtitle` and `report_date` in " + str(target)]
    if partner_source is None:
        notes.append(
            f"no partner list: put partners_{wave}.csv into {data_dir} (or pass --partners); without it the "
            "transfer and network figures of the report are empty"
        )
    dataset = folder / DATASET_FILE
    if dataset.is_file() and _synthetic(dataset):
        notes.append(
            f"{dataset} says the data are synthetic (copied from the sample): every report says "
            "'Beispieldaten'; set `synthetic: false` once every wave in the folder is real"
        )
    return NewWave(wave, target, folder, template, answers, partner_target, tuple(earlier), tuple(notes))


def _latest_params(params_dir: Path) -> tuple[Path, WaveParams]:
    files = sorted(params_dir.glob("*.yaml"))
    if not files:
        raise ParamsError(
            f"no params files (*.yaml) in {params_dir}; the new wave's params start from the latest wave's. "
            "Pass --params-dir."
        )
    loaded = [(path, load_params(path)) for path in files]
    return max(loaded, key=lambda pair: pair[1].wave)


def _params_values(
    raw: dict[str, Any],
    latest: WaveParams,
    *,
    wave: str,
    field_start: date,
    field_end: date,
    report_date: date,
    data: str,
    reading: dict[str, str],
) -> dict[str, Any]:
    """The template's keys with the new wave's values; the old wave id in title and subtitle becomes the new."""
    values = dict(raw)
    for key in ("title", "subtitle"):
        if isinstance(values.get(key), str):
            values[key] = values[key].replace(latest.wave, wave)
    values |= {
        "wave": wave,
        "field_start": field_start.isoformat(),
        "field_end": field_end.isoformat(),
        "report_date": report_date.isoformat(),
        "data": data,
        "comparison_wave": latest.wave,
    }
    if isinstance(values.get("publication"), dict):  # the Impressum carries over; its Stand is the new report's
        values["publication"] = {k: v for k, v in values["publication"].items() if k != "as_of"}
    intake = dict(values.get("intake") or {})
    common = {k: v for k, v in intake.items() if k in READING_KEYS}
    own = {k: v for k, v in reading.items() if v is not None and common.get(k, _DEFAULTS.get(k)) != v}
    if own:
        waves = dict(intake.get("waves") or {})
        waves[wave] = own
        intake["waves"] = waves
    if intake:
        values["intake"] = intake
    return values


#: The ``intake`` defaults (the bundled sample's settings).
_DEFAULTS = {"format": "csv", "encoding": "utf-8", "separator": ",", "decimal": ".", "sheet": None, "codebook": None}

#: Order of the keys in a scaffolded params file (the template's other keys follow).
_ORDER = (
    "wave",
    "title",
    "subtitle",
    "field_start",
    "field_end",
    "report_date",
    "data",
    "language",
    "comparison_wave",
    "publisher",
)


def _params_text(values: dict[str, Any], wave: str, template: Path) -> str:
    lines = [
        f"# Report parameters for survey wave {wave}, scaffolded by `mpsc-report new-wave` from {template.name}.",
        "# Review title, subtitle and report_date. Quote IDs and dates: unquoted 2024 is a number to YAML.",
    ]
    keys = [k for k in _ORDER if k in values] + [k for k in values if k not in _ORDER and k != "intake"]
    for key in keys:
        value = values[key]
        lines += _block(key, value, "") if isinstance(value, dict) else [f"{key}: {_scalar(value)}"]
    if "intake" in values:
        lines += _block("intake", values["intake"], "")
    return "\n".join(lines) + "\n"


def _block(key: str, value: Any, indent: str) -> list[str]:
    """A YAML mapping entry: nested mappings as indented blocks; keys that are not names (wave ids) quoted."""
    name = key if key.isidentifier() else json.dumps(key)
    if not isinstance(value, dict):
        return [f"{indent}{name}: {_scalar(value)}"]
    lines = [f"{indent}{name}:"]
    for inner, item in value.items():
        lines += _block(str(inner), item, indent + "  ")
    return lines


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)


def _check_params(text: str, params_dir: Path, wave: str) -> None:
    """Validate the scaffolded params as ``load_params`` will, before anything is written."""
    probe = params_dir / f".{wave}.yaml.new"
    probe.write_text(text, encoding="utf-8")
    try:
        load_params(probe)
    finally:
        probe.unlink(missing_ok=True)


def _intake_format(values: dict[str, Any], wave: str) -> str:
    intake = values.get("intake") or {}
    own = (intake.get("waves") or {}).get(wave) or {}
    return str(own.get("format") or intake.get("format") or "csv")


def _copy_earlier_waves(source: Path, folder: Path, before: str) -> list[Path]:
    """Copy the waves before ``before`` (answers and partner lists) and ``dataset.yaml`` from ``source``."""
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for wave in (w for w in available_waves(source) if w < before):
        for path in sorted(source.glob(f"*_{wave}.*")):
            if path.name.startswith(("wave_", "partners_")) and path.is_file():
                copied.append(Path(shutil.copy2(path, folder / path.name)))
    if (source / DATASET_FILE).is_file():
        copied.append(Path(shutil.copy2(source / DATASET_FILE, folder / DATASET_FILE)))
    return copied


def _synthetic(dataset: Path) -> bool:
    try:
        return bool(yaml.safe_load(dataset.read_text(encoding="utf-8")).get("synthetic", False))
    except (OSError, yaml.YAMLError, AttributeError):
        return False
