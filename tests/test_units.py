"""Planning units (pipeline/units.py): output names that one Windows or macOS folder would merge are refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from survey_files import SAMPLE

from mpsc_report.errors import BuildError
from mpsc_report.pipeline.units import check_name_collisions, plan_units

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "halftime_review.ipynb"
FACTSHEET = ROOT / "notebooks" / "project_factsheet.ipynb"


def _params(folder: Path, name: str, wave: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(
        f'wave: "{wave}"\ntitle: "Bericht"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\n'
        f'report_date: "2024-02-07"\ndata: "{SAMPLE}"\n',
        encoding="utf-8",
    )
    return path


def test_two_waves_differing_only_by_case_stop_the_plan_naming_both_params_files(tmp_path):
    params = tmp_path / "params"
    _params(params, "a", "welle-a")
    _params(params, "b", "Welle-A")
    with pytest.raises(BuildError) as caught:
        plan_units(params, tmp_path / "outputs", NOTEBOOK)
    message = str(caught.value)
    assert "Welle-A (" in message and "welle-a (" in message
    assert str(params / "a.yaml") in message and str(params / "b.yaml") in message
    assert "wave 'welle-a'" in message and "wave 'Welle-A'" in message
    assert message.count("wave 'welle-a'") == 1  # one collision: what is inside the folders is not listed again
    assert not (tmp_path / "outputs").exists()  # nothing written


def test_a_folder_already_in_the_output_folder_collides_with_a_new_wave(tmp_path):
    params = tmp_path / "params"
    _params(params, "a", "welle-a")
    old = tmp_path / "outputs" / "Welle-A"
    old.mkdir(parents=True)
    with pytest.raises(BuildError) as caught:
        plan_units(params, tmp_path / "outputs", NOTEBOOK)
    message = str(caught.value)
    assert f"Welle-A (already in {tmp_path / 'outputs'})" in message and "wave 'welle-a'" in message
    assert str(params / "a.yaml") in message


def test_an_existing_output_file_in_another_normal_form_or_case_collides(tmp_path):
    params = tmp_path / "params"
    _params(params, "2023", "2023")
    out = tmp_path / "outputs" / "2023"
    out.mkdir(parents=True)
    (out / "Halftime_Review.pdf").write_bytes(b"%PDF old")
    with pytest.raises(BuildError, match=r"halftime_review\.pdf .*Halftime_Review\.pdf \(already in"):
        plan_units(params, tmp_path / "outputs", NOTEBOOK)


def test_names_are_compared_in_one_normal_form():
    from mpsc_report.pipeline.units import _fold

    nfc, nfd = unicodedata.normalize("NFC", "Köln"), unicodedata.normalize("NFD", "Köln")
    assert nfc != nfd and _fold(nfc) == _fold(nfd) == _fold("KÖLN")


def test_a_wave_named_like_the_failed_folder_collides_with_it(tmp_path):
    params = tmp_path / "params"
    _params(params, "f", "Failed")
    with pytest.raises(BuildError, match="folder for the notebooks of failed units"):
        plan_units(params, tmp_path / "outputs", NOTEBOOK)


def test_an_earlier_build_of_the_same_units_is_no_collision(tmp_path):
    params = tmp_path / "params"
    _params(params, "2023", "2023")
    units = plan_units(
        params,
        tmp_path / "outputs",
        NOTEBOOK,
        kinds=("report", "factsheet"),
        factsheet_notebook=FACTSHEET,
        projects=["ulm", "solingen"],
    )
    for unit in units:
        unit.out_dir.mkdir(parents=True, exist_ok=True)
        for suffix in (".ipynb", ".html", ".pdf"):
            unit.output(suffix).write_text("old", encoding="utf-8")
    check_name_collisions(units)  # the same names again: fine
    assert len(plan_units(params, tmp_path / "outputs", NOTEBOOK)) == 1


def test_an_english_unit_names_its_data_folder_in_english_and_the_manifest_files_it_as_before(tmp_path):
    from mpsc_report.pipeline.manifest import _output_kind

    path = _params(tmp_path / "params", "2023", "2023")
    path.write_text(path.read_text(encoding="utf-8") + 'language: "en"\n', encoding="utf-8")
    (unit,) = plan_units(tmp_path / "params", tmp_path / "out", NOTEBOOK)
    assert unit.data_folder.name == "halftime_review_data"
    assert [folder.name for folder in unit.stale_data_folders] == ["halftime_review_daten"]
    # one kind for the data folder's files in every language: manifests of earlier builds read the same
    assert _output_kind(unit.data_folder / "datapackage.json") == "daten/datapackage.json"
    assert _output_kind(tmp_path / "out" / "2023" / "halftime_review_daten" / "zahlen.csv") == "daten/zahlen.csv"
