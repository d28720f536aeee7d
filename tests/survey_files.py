"""Small survey files written by the tests: rows of the 2023 sample, changed cell by cell."""

from __future__ import annotations

import csv
import io
import shutil
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


# --- whole sample waves in the formats real histories mix -------------------------------------------------------

#: How each style of survey file is read: the ``intake`` settings of a params file.
STYLES: dict[str, dict[str, str]] = {
    "csv": {},
    "cp1252": {"encoding": "cp1252", "separator": ";", "decimal": ","},
    "xlsx": {"format": "xlsx", "sheet": "Antworten"},
    "limesurvey": {"format": "limesurvey", "codebook": "mpsc_2023"},
}


def write_sample_wave(folder: Path, wave: str, style: str) -> dict[str, str]:
    """Write a wave of the bundled sample (answers and partners) into ``folder`` as ``style``; return its intake.

    ``cp1252`` is a German Excel "CSV (Trennzeichen-getrennt)": Windows-1252, ``;``, and counts with a decimal
    comma ("7,0"), so a reader that ignored the settings would fail rather than read it. ``limesurvey`` is an
    export with question and answer codes read through the codebook ``mpsc_2023``.
    """
    from mpsc_report.data.load import load_codebook
    from mpsc_report.data.sample import limesurvey_export
    from mpsc_report.data.schema import COUNT_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    header, rows = sample_rows(10_000, wave)
    partners = (SAMPLE / f"partners_{wave}.csv").read_text(encoding="utf-8")
    intake = STYLES[style]
    if style == "csv":
        (folder / f"wave_{wave}.csv").write_text(csv_text(header, rows), encoding="utf-8")
    elif style == "cp1252":
        counts = [header.index(c) for c in COUNT_COLUMNS]
        for row in rows:
            for i in counts:
                row[i] = f"{row[i]},0" if row[i] else row[i]
        (folder / f"wave_{wave}.csv").write_bytes(csv_text(header, rows, ";").encode("cp1252"))
        partner_rows = list(csv.reader(io.StringIO(partners)))
        partners = csv_text(partner_rows[0], partner_rows[1:], ";")
    elif style == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = intake["sheet"]
        sheet.append(header)
        for row in rows:
            sheet.append([int(v) if v.isdigit() else (v or None) for v in row])
        book.save(folder / f"wave_{wave}.xlsx")
    elif style == "limesurvey":
        responses = load_wave(SAMPLE, wave).responses
        (folder / f"wave_{wave}.csv").write_bytes(limesurvey_export(responses, load_codebook("mpsc_2023").codebook))
    else:
        raise ValueError(f"unknown style {style!r}; choose from {', '.join(STYLES)}")
    encoding = intake.get("encoding", "utf-8") if style != "xlsx" else "utf-8"
    (folder / f"partners_{wave}.csv").write_bytes(partners.encode(encoding))
    shutil.copy(SAMPLE / "dataset.yaml", folder / "dataset.yaml")
    return intake
