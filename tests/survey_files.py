"""Small survey files written by the tests: rows of the 2023 sample, changed cell by cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from mpsc_report.data.load import load_wave, package_data_dir
from mpsc_report.data.params import IntakeParams
from mpsc_report.data.validation import Failure, ValidationFailed

SAMPLE = package_data_dir() / "sample"


def sample_rows(n: int = 5, wave: str = "2023") -> tuple[list[str], list[list[str]]]:
    """Header and the first ``n`` rows of a sample wave, as text."""
    with (SAMPLE / f"wave_{wave}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [list(r) for r in rows[1 : n + 1]]


def set_cell(header: list[str], row: list[str], column: str, value: str) -> None:
    row[header.index(column)] = value


def csv_text(header: list[str], rows: list[list[str]], separator: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue()


def write_wave(folder: Path, header, rows, encoding: str = "utf-8", separator: str = ",", bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wave_2023.csv"
    data = csv_text(header, rows, separator).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def load(folder: Path, **intake):
    return load_wave(folder, "2023", IntakeParams(**intake))


def failures(folder: Path, **intake) -> tuple[Failure, ...]:
    with pytest.raises(ValidationFailed) as err:
        load(folder, **intake)
    return err.value.failures
