"""What a unit's fingerprint covers: a later wave's files do not change an earlier unit, in any file format."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from mpsc_report.data.load import package_data_dir
from mpsc_report.pipeline.fingerprint import Fingerprinter

ROOT = Path(__file__).resolve().parents[1]


def _unit(data: Path, wave: str) -> SimpleNamespace:
    params = SimpleNamespace(data=str(data), to_notebook=lambda: {"wave": wave, "data": str(data)})
    notebook = ROOT / "notebooks" / "halftime_review.ipynb"
    return SimpleNamespace(kind="report", unit_id=f"{wave}/report", notebook=notebook, params=params, wave=wave)


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(package_data_dir() / "sample", folder)
    return folder


@pytest.mark.parametrize("later", ["wave_2024.csv", "wave_2024.xlsx"])
def test_a_later_wave_in_csv_or_excel_leaves_an_earlier_units_fingerprint_alone(data, later):
    before = {w: Fingerprinter().unit(_unit(data, w), ("html",)) for w in ("2023", "2024")}
    (data / later).write_bytes(b"answers of a later wave")
    (data / "partners_2024.csv").write_text("partners of a later wave")
    after = {w: Fingerprinter().unit(_unit(data, w), ("html",)) for w in ("2023", "2024")}
    assert after["2023"] == before["2023"]
    assert after["2024"] != before["2024"]  # the wave's own files are covered


def test_an_earlier_or_the_units_own_wave_file_changes_the_fingerprint(data):
    before = Fingerprinter().unit(_unit(data, "2023"), ("html",))
    with (data / "wave_2022.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert Fingerprinter().unit(_unit(data, "2023"), ("html",)) != before
