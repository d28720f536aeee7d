"""The one data path: validated params -> every wave a document reads, each with its own intake settings.

A wave report, a project factsheet, the build's check before a kernel starts, ``mpsc-report validate`` and
``mpsc-report diff`` all call :func:`open_waves`, so they read the same files the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from ..errors import DataError, ParamsError
from .load import (
    DatasetInfo,
    InputFile,
    WaveData,
    available_waves,
    load_codebook,
    load_dataset_info,
    load_register_file,
    load_wave,
    resolve_data_dir,
)
from .params import FactsheetParams, WaveParams
from .validation import Failure


@dataclass(frozen=True)
class Waves:
    """The data of one document: the register and every wave up to the document's wave, as read and checked.

    ``files`` lists every file the numbers were computed from, each with the SHA-256 of the bytes that were
    parsed (no file is read twice): the waves' answers and partner lists (oldest wave first), the codebooks,
    the folder's ``dataset.yaml`` and the register. ``codebooks`` are the codebook references of the settings
    the waves were read with.
    """

    wave: str
    register: pd.DataFrame
    waves: Mapping[str, WaveData]
    dataset: DatasetInfo
    files: tuple[InputFile, ...]
    codebooks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "waves", MappingProxyType(dict(sorted(self.waves.items()))))

    @property
    def current(self) -> WaveData:
        """The wave the document is about."""
        return self.waves[self.wave]

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Every validation failure of every wave read (rows set aside under ``on_invalid: quarantine``)."""
        return tuple(f for data in self.waves.values() for f in data.quality.failures)


def open_waves(params: WaveParams | FactsheetParams) -> Waves:
    """Read the register and every wave up to ``params.wave`` from the params' data folder.

    Each wave is read with its own settings (``intake.waves``, else the common ``intake``); a codebook used by
    several waves and the folder's ``dataset.yaml`` are read once.

    Parameters
    ----------
    params : WaveParams or FactsheetParams
        Validated parameters of a wave report or a project factsheet.

    Returns
    -------
    Waves
        The loaded, checked waves with the files they came from.

    Raises
    ------
    DataError
        The wave (or the comparison wave) has no data file; the message lists the waves that exist.
    ParamsError
        ``intake.waves`` names a wave the data folder does not hold.
    ValidationFailed
        A wave's file is rejected (see :func:`~mpsc_report.data.load.load_wave`).
    """
    data_dir = resolve_data_dir(params.data)
    present = available_waves(data_dir)
    comparison = params.comparison_wave if isinstance(params, WaveParams) else None
    for wanted, role in ((params.wave, "wave"), (comparison, "comparison_wave")):
        if wanted is not None and wanted not in present:
            raise DataError(
                f"{role} {wanted!r} not found in {data_dir} (waves available: {', '.join(present) or 'none'}). "
                f"Fix `{role}` in the params file or add wave_{wanted}.csv."
            )
    unknown = [w for w in params.intake.waves if w not in present]
    if unknown:
        raise ParamsError(
            f"intake.waves has settings for wave(s) {', '.join(map(repr, unknown))}, but {data_dir} holds waves "
            f"{', '.join(present) or 'none'}. Fix the wave id or remove its entry."
        )
    register, register_file = load_register_file()
    dataset = load_dataset_info(data_dir)
    ids = [w for w in present if w <= params.wave]
    references = [params.intake.for_wave(w).codebook for w in ids]
    codebooks = {ref: load_codebook(ref) for ref in dict.fromkeys(references) if ref}
    # Only the document's own wave has its field period in the params; earlier waves are checked by theirs.
    period = (params.field_start, params.field_end) if isinstance(params, WaveParams) else None
    waves = {
        w: load_wave(
            data_dir,
            w,
            params.intake,
            register,
            codebook=codebooks.get(ref or ""),
            dataset=dataset,
            field_period=period if w == params.wave else None,
        )
        for w, ref in zip(ids, references, strict=True)
    }
    files = [file for data in waves.values() for file in data.files]
    files += [InputFile(c.path, c.sha256) for c in codebooks.values() if c.path is not None]
    files += [dataset.file] if dataset.file is not None else []
    return Waves(params.wave, register, waves, dataset, (*files, register_file), tuple(codebooks))
