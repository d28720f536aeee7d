"""The command line: `validate` lists every problem and exits non-zero; `build` starts no kernel on invalid data."""

from __future__ import annotations

import csv
import io
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import papermill
import pytest
from survey_files import SAMPLE, sample_rows, set_cell, write_wave

from mpsc_report.cli import exit_codes, main
from mpsc_report.data.validation import FAILURE_FIELDS
from mpsc_report.errors import BuildError, DataError, ParamsError
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
    assert "4 problem(s)" in printed  # the duplicate id once, on its second line, naming both
    rows = list(csv.reader(io.StringIO((out / "2023" / "validation_errors.csv").read_text(encoding="utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["2", "3", "6", "8"]
    assert "appears 2 times (line 2, line 8)" in rows[-1][FAILURE_FIELDS.index("message")]


def test_validate_a_file_with_the_wrong_encoding_says_which_setting_to_use(tmp_path, capsys):
    path = broken_cp1252_semicolon_export(tmp_path / "data")
    code = main(["validate", str(path), "--separator", ";", "--output-dir", str(tmp_path / "out")])
    assert code == DataError.exit_code
    # A command-line run names the option that fixes it (a params run names the params key, see below).
    assert "looks like cp1252 (Windows) — pass `--encoding cp1252`" in capsys.readouterr().err


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
    assert "4 validation problem(s)" in printed.out + printed.err
    assert sorted(p.name for p in (out / "2023").iterdir()) == ["validation_errors.csv"]


def test_quarantine_goes_on_and_still_writes_the_list(tmp_path):
    params_dir = _project(tmp_path, on_invalid="quarantine")
    out = tmp_path / "outputs"
    (unit,) = plan_units(params_dir, out, ROOT / "notebooks" / "halftime_review.ipynb")
    validate_data(unit)
    assert (out / "2023" / "validation_errors.csv").read_text(encoding="utf-8-sig").count("\n") == 5
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


# --- conventions: version, help, choices, exit codes (issue 15) -------------------------------------------------


def test_version_and_help_with_examples_defaults_readable_choices_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"mpsc-report {version('mpsc-report')}"
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    assert "examples:\n  mpsc-report build " in top and "new-wave" in top and "projects" in top
    for code, meaning in exit_codes():
        assert f"  {code:<4} {meaning}" in top
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "--separator {comma,semicolon,tab}" in text and "--decimal {point,comma}" in text
    assert "field separator (default: comma)" in text and "decimal mark (default: point)" in text
    assert "{,,;,tab}" not in text and "exit codes:" in text
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "folder of the params files *.yaml (default: params)" in text and "(default: outputs)" in text
    assert "seconds one notebook cell may run (default: 300" in text and "--dry-run" in text


def test_exit_codes_come_from_the_error_classes_and_the_readme_lists_them():
    from mpsc_report import errors

    codes = dict(exit_codes())
    assert {0, 1, 130} <= codes.keys()
    for cls in (errors.ParamsError, errors.DataError, errors.BuildError, errors.ExportError, errors.EnvironmentProblem):
        assert cls.__name__ in codes[cls.exit_code]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :]
    for code in codes:
        assert re.search(rf"^\| {code} \|", table, flags=re.M), code
    for cls in (errors.ParamsError, errors.DataError, errors.BuildError, errors.ExportError, errors.EnvironmentProblem):
        assert re.search(rf"^\| {cls.exit_code} \|.*{cls.__name__}", table, flags=re.M), cls.__name__


def test_separators_and_decimal_marks_by_name_or_symbol(tmp_path, capsys):
    path = write_wave(tmp_path / "data", *sample_rows(73), separator=";")
    for separator in ("semicolon", ";"):
        assert main(["validate", str(path), "--separator", separator]) == 0
    with pytest.raises(SystemExit) as done:
        main(["validate", str(path), "--separator", "pipe"])
    assert done.value.code == 2 and "(choose from 'comma', 'semicolon', 'tab')" in capsys.readouterr().err


# --- validate FILE: the list of problems beside the file, hints that name the option ------------------------------


def test_validate_a_file_writes_its_list_beside_it_and_a_clean_check_removes_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the project's outputs/ must stay untouched
    folder = tmp_path / "exports"
    header, rows = sample_rows(73)
    good = rows[4][header.index("datasets_total")]
    set_cell(header, rows[4], "datasets_total", "-3")
    path = write_wave(folder, header, rows)
    assert main(["validate", str(path)]) == DataError.exit_code
    listed = folder / "validation_errors_wave_2023.csv"
    assert "full list: " in capsys.readouterr().out and listed.is_file()
    assert not (tmp_path / "outputs").exists()
    set_cell(header, rows[4], "datasets_total", good)
    write_wave(folder, header, rows)
    assert main(["validate", str(path)]) == 0
    assert not listed.exists()  # stale after a clean check
    assert main(["validate", str(path), "--output-dir", str(tmp_path / "elsewhere")]) == 0
    set_cell(header, rows[4], "datasets_total", "-3")
    write_wave(folder, header, rows)
    assert main(["validate", str(path), "--output-dir", str(tmp_path / "elsewhere")]) == DataError.exit_code
    assert (tmp_path / "elsewhere" / "2023" / "validation_errors.csv").is_file() and not listed.exists()


def _listed(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_hints_name_the_option_on_the_command_line_and_the_key_in_a_params_run(tmp_path, capsys):
    header, rows = sample_rows(3)
    set_cell(header, rows[0], "datasets_total", "1.043")  # thousands dots, read with decimal point
    path = write_wave(tmp_path / "params" / "data", header, rows)
    assert main(["validate", str(path)]) == DataError.exit_code
    [failure] = _listed(path.parent / "validation_errors_wave_2023.csv")
    assert failure["fix"] == "thousands dots? pass `--decimal comma`"
    (tmp_path / "params" / "2023.yaml").write_text(PARAMS)
    assert main(["validate", str(tmp_path / "params" / "2023.yaml"), "--output-dir", str(tmp_path / "o")]) == 3
    [failure] = _listed(tmp_path / "o" / "2023" / "validation_errors.csv")
    assert failure["fix"] == "thousands dots? set `intake: {decimal: ','}`"


def test_validate_a_file_checks_the_field_period_when_given(tmp_path, capsys):
    path = write_wave(tmp_path / "data", *sample_rows(73))
    assert main(["validate", str(path), "--field-start", "2023-11-13", "--field-end", "2023-12-15"]) == 0
    args = ["validate", str(path), "--field-start", "2024-11-11", "--field-end", "2024-12-13"]
    assert main(args) == DataError.exit_code
    found = {f["rule"]: f for f in _listed(path.parent / "validation_errors_wave_2023.csv")}
    assert found["outside_field_period"]["message"].startswith(
        "all 73 submission dates lie outside the field period 2024-11-11 – 2024-12-13"
    )
    assert main(["validate", str(path), "--field-start", "2024-11-11"]) == 2
    assert "pass both --field-start and --field-end" in capsys.readouterr().err


# --- projects and --project -------------------------------------------------------------------------------------


def test_projects_lists_ids_names_cohort_and_land_with_filters(capsys):
    assert main(["projects"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["id", "name", "cohort", "Land"] and len(lines) == 74
    assert "73 model project(s)." in captured.err
    solingen = next(line for line in lines if line.startswith("solingen "))
    assert solingen.split() == ["solingen", "Solingen", "2019", "Nordrhein-Westfalen"]
    assert main(["projects", "--cohort", "2019", "--state", "bayern"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert rows and all(" 2019 " in row and row.endswith("Bayern") for row in rows)
    assert main(["projects", "--state", "Bayrn"]) == ParamsError.exit_code
    assert "no model project lies in 'Bayrn'. Did you mean 'Bayern'?" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("typed", "found"),
    [("Solingen", "solingen"), ("ULM", "ulm"), ("Münster", "muenster"), ("halle (saale)", "halle-saale")],
)
def test_project_selection_folds_case_and_takes_names(typed, found, tmp_path):
    units = plan_units(ROOT / "params", tmp_path, kinds=("factsheet",), projects=[typed], waves=["2023"])
    assert [u.unit_id for u in units] == [f"2023/factsheets/{found}"]


def test_an_unknown_project_suggests_close_ids(tmp_path, capsys):
    args = ["build", "--wave", "2023", "--project", "muenstr", "--project", "zzzz", "--output-dir", str(tmp_path)]
    assert main(args) == BuildError.exit_code
    err = capsys.readouterr().err
    assert "unknown project(s) ['muenstr', 'zzzz']" in err
    assert "'muenstr': did you mean 'muenster'?" in err and "'zzzz': nothing similar" in err
    assert "`mpsc-report projects` lists the ids" in err


# --- build --dry-run --------------------------------------------------------------------------------------------


def test_dry_run_lists_what_a_build_would_do_and_why_and_builds_nothing(tmp_path, capsys, monkeypatch):
    from mpsc_report.pipeline.fingerprint import Fingerprinter
    from mpsc_report.pipeline.manifest import Manifest, UnitEntry, write_manifest

    out = tmp_path / "out"

    def no_kernel(*args, **kwargs):
        raise AssertionError("a dry run started a kernel")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    base = ["build", "--params-dir", str(ROOT / "params"), "--output-dir", str(out), "--dry-run"]
    base += ["--notebook", str(ROOT / "notebooks" / "halftime_review.ipynb"), "--format", "html"]
    assert main(base) == 0
    captured = capsys.readouterr()
    assert "A build would run 3 of 3 unit(s)" in captured.err and not out.exists()
    assert re.search(r"^build  2023/report +new +never built into this output folder$", captured.out, flags=re.M)

    units = plan_units(ROOT / "params", out, ROOT / "notebooks" / "halftime_review.ipynb")
    fingerprinter = Fingerprinter()
    html = out / "2023" / "halftime_review.html"
    html.parent.mkdir(parents=True)
    html.write_text("built")
    stat = html.stat()
    entry = {"kind": "report", "wave": "2023", "notebook": "n", "out_dir": "2023", "stem": "halftime_review"}
    entry |= {"status": "built", "last_success": "2026-11-27T10:00:00+01:00"}
    entry |= {
        "outputs": {"html": {"path": "2023/halftime_review.html", "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}}
    }
    fingerprints = {u.unit_id: fingerprinter.unit(u, ("html",)) for u in units}
    manifest = Manifest(
        units={
            "2023/report": UnitEntry.model_validate({**entry, "fingerprint": fingerprints["2023/report"]}),
            "2022/report": UnitEntry.model_validate({**entry, "wave": "2022", "fingerprint": "older"}),
            "2021/report": UnitEntry.model_validate({**entry, "wave": "2021", "status": "failed", "outputs": {}}),
        }
    )
    write_manifest(out, manifest)
    assert main(base) == 0
    captured = capsys.readouterr()
    assert "A build would run 2 of 3 unit(s)" in captured.err and "skip 1" in captured.err
    lines = {line.split()[1]: line for line in captured.out.splitlines()}
    assert lines["2023/report"].split()[:3] == ["skip", "2023/report", "unchanged"]
    assert "changed since 2026-11-27T10:00:00+01:00" in lines["2022/report"]
    assert "failed" in lines["2021/report"].split()[2] and "its last run ended failed" in lines["2021/report"]
    assert main([*base, "--force"]) == 0
    assert all(line.split()[2] == "forced" for line in capsys.readouterr().out.splitlines())
    html.write_text("edited by hand")
    assert main(base) == 0
    assert "2023/halftime_review.html was changed after it was built" in capsys.readouterr().out
