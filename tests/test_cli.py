"""The command line: `validate` lists every problem and exits non-zero; `build` starts no kernel on invalid data."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import papermill
from survey_files import SAMPLE, sample_rows, set_cell, write_wave

from mpsc_report.cli import main
from mpsc_report.errors import DataError
from mpsc_report.pipeline.build import validate_data
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]

PARAMS = """\
wave: "2023"
title: "Test"
field_start: "2023-11-13"
field_end: "2023-12-15"
report_date: "2024-02-07"
data: "data"
"""


def broken_cp1252_semicolon_export(folder: Path) -> Path:
    header, rows = sample_rows(6)
    set_cell(header, rows[0], "datasets_total", "-3")
    set_cell(header, rows[1], "project_id", "Kölln")
    set_cell(header, rows[2], "highlight", "Mehrzeilig; mit „Anführungszeichen“\nund 5 €")
    set_cell(header, rows[3], "phase", "Umsetzung")
    set_cell(header, rows[4], "positions_new", "keine Angabe")
    set_cell(header, rows[5], "respondent_id", "R2023-001")
    return write_wave(folder, header, rows, encoding="cp1252", separator=";")


def test_validate_lists_every_problem_of_a_broken_cp1252_semicolon_export(tmp_path, capsys):
    path = broken_cp1252_semicolon_export(tmp_path / "data")
    out = tmp_path / "out"
    code = main(["validate", str(path), "--encoding", "cp1252", "--separator", ";", "--output-dir", str(out)])
    printed = capsys.readouterr().out
    assert code == DataError.exit_code
    for where, column, value in [
        ("wave_2023.csv:2", "datasets_total", "'-3'"),
        ("wave_2023.csv:3", "project_id", "'Kölln'"),
        ("wave_2023.csv:6", "phase", "'Umsetzung'"),  # after the two-line answer on lines 4-5
        ("wave_2023.csv:8", "respondent_id", "'R2023-001'"),
    ]:
        line = next(x for x in printed.splitlines() if where in x and column in x)
        assert value in line
    assert "5 problem(s)" in printed  # the duplicate id is listed on both of its lines
    rows = list(csv.reader(io.StringIO((out / "2023" / "validation_errors.csv").read_text(encoding="utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["2", "2", "3", "6", "8"]


def test_validate_a_file_with_the_wrong_encoding_says_which_setting_to_use(tmp_path, capsys):
    path = broken_cp1252_semicolon_export(tmp_path / "data")
    code = main(["validate", str(path), "--separator", ";", "--output-dir", str(tmp_path / "out")])
    assert code == DataError.exit_code
    assert "looks like cp1252 (Windows) — set `intake: {encoding: cp1252}`" in capsys.readouterr().err


def test_validate_params_files_of_the_sample_are_ok(capsys):
    assert main(["validate", str(ROOT / "params" / "2023.yaml"), str(ROOT / "params" / "2021.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "ok  " in printed and "wave 2023, 73 row(s), no problems" in printed


def _project(tmp_path: Path, on_invalid: str = "reject") -> Path:
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2023.yaml").write_text(
        PARAMS + f'intake: {{separator: ";", encoding: "cp1252", decimal: ",", on_invalid: "{on_invalid}"}}\n'
    )
    broken_cp1252_semicolon_export(params_dir / "data")
    return params_dir


def test_build_on_invalid_data_starts_no_kernel_and_writes_the_failure_list(tmp_path, capsys, monkeypatch):
    params_dir = _project(tmp_path)
    out = tmp_path / "outputs"

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started on invalid data")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    code = main(
        [
            "build",
            "--params-dir",
            str(params_dir),
            "--output-dir",
            str(out),
            "--notebook",
            str(ROOT / "notebooks" / "halftime_review.ipynb"),
        ]
    )
    printed = capsys.readouterr()
    assert code == 1
    assert "5 validation problem(s)" in printed.out + printed.err
    assert sorted(p.name for p in (out / "2023").iterdir()) == ["validation_errors.csv"]


def test_quarantine_goes_on_and_still_writes_the_list(tmp_path):
    params_dir = _project(tmp_path, on_invalid="quarantine")
    out = tmp_path / "outputs"
    (unit,) = plan_units(params_dir, out, ROOT / "notebooks" / "halftime_review.ipynb")
    validate_data(unit)
    assert (out / "2023" / "validation_errors.csv").read_text(encoding="utf-8-sig").count("\n") == 6
    shutil.copytree(SAMPLE, params_dir / "data", dirs_exist_ok=True)  # fixed data: the stale list goes
    (params_dir / "2023.yaml").write_text(PARAMS)
    (unit,) = plan_units(params_dir, out, ROOT / "notebooks" / "halftime_review.ipynb")
    validate_data(unit)
    assert not (out / "2023" / "validation_errors.csv").exists()


def test_validate_refuses_a_wave_id_that_leaves_the_output_folder(tmp_path, capsys):
    path = broken_cp1252_semicolon_export(tmp_path / "data")
    args = ["validate", str(path), "--encoding", "cp1252", "--separator", ";", "--wave", "../../x"]
    assert main([*args, "--output-dir", str(tmp_path / "out")]) == 2
    assert "is not a plain wave id" in capsys.readouterr().err


# --- validate checks the partner lists too (issue 9) ------------------------------------------------------------


def _wave_with_partners(folder: Path, partner_lines: str | None) -> Path:
    path = write_wave(folder, *sample_rows(73))
    if partner_lines is not None:
        (folder / "partners_2023.csv").write_text(
            "project_id,partner_name,partner_project_id,exchange\n" + partner_lines, encoding="utf-8"
        )
    return path


def test_validate_a_file_checks_the_partner_list_beside_it(tmp_path, capsys):
    path = _wave_with_partners(tmp_path / "data", "solingen,Detmold,detmold,knowledge_exchange\n")
    assert main(["validate", str(path), "--output-dir", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "73 row(s), no problems\n    partner list partners_2023.csv: 1 row(s)" in printed
    (tmp_path / "data" / "partners_2023.csv").write_text(
        "project_id,partner_name,partner_project_id,exchange\natlantis,Detmold,detmold,knowledge_exchange\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path), "--output-dir", str(tmp_path / "out")]) == DataError.exit_code
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if "partners_2023.csv:2" in x)
    assert "project_id" in line and "'atlantis'" in line and "1 problem(s)" in printed


def test_validate_a_file_takes_another_partner_list_or_says_none_was_checked(tmp_path, capsys):
    path = _wave_with_partners(tmp_path / "data", None)
    assert main(["validate", str(path), "--output-dir", str(tmp_path / "out")]) == 0
    assert "no partner list checked (partners_2023.csv is not beside it; pass --partners PATH)" in (
        capsys.readouterr().out
    )
    other = tmp_path / "edges.csv"
    other.write_text("project_id,partner_name,partner_project_id,exchange\nulm,Detmold,detmold,transfer\n")
    assert main(["validate", str(path), "--partners", str(other), "--output-dir", str(tmp_path / "out")]) == 0
    assert "partner list edges.csv: 1 row(s)" in capsys.readouterr().out
    assert main(["validate", str(path), "--partners", str(tmp_path / "nope.csv")]) == DataError.exit_code
    assert "nope.csv not found; pass the partner list of wave 2023" in capsys.readouterr().err


def test_validate_params_checks_every_partner_list_with_the_wave_settings(tmp_path, capsys):
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2023.yaml").write_text(PARAMS + 'intake: {separator: ";"}\n')
    write_wave(params_dir / "data", *sample_rows(73), separator=";")
    (params_dir / "data" / "partners_2023.csv").write_text(
        "project_id;partner_name;partner_project_id;exchange\nulm;Detmold;detmold;telepathy\n", encoding="utf-8"
    )
    assert (
        main(["validate", str(params_dir / "2023.yaml"), "--output-dir", str(tmp_path / "out")]) == DataError.exit_code
    )
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if "partners_2023.csv:2" in x)
    assert "exchange" in line and "'telepathy'" in line
    (params_dir / "data" / "partners_2023.csv").write_text(
        "project_id;partner_name;partner_project_id;exchange\nulm;Detmold;detmold;transfer\n", encoding="utf-8"
    )
    assert main(["validate", str(params_dir / "2023.yaml")]) == 0
    assert "no problems\n    partner lists checked: partners_2023.csv\n" in capsys.readouterr().out
