"""Params files are validated before any kernel starts: unknown keys, wrong types, bad YAML."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import nbformat
import pytest

from mpsc_report.data.params import FactsheetParams, WaveParams, load_params, parameter_names
from mpsc_report.errors import ParamsError

ROOT = Path(__file__).resolve().parents[1]

VALID = """\
wave: "2023"
title: "Halbzeitbilanz"
field_start: "2023-11-13"
field_end: "2023-12-15"
report_date: "2024-02-07"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wave.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted((ROOT / "params").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_params_files_are_valid(path):
    params = load_params(path)
    assert params.wave == path.stem
    assert params.data == "sample"


def test_valid_file_parses_dates_and_defaults(tmp_path):
    params = load_params(write(tmp_path, VALID))
    assert params.field_start == date(2023, 11, 13)
    assert params.language == "de"
    assert params.comparison_wave is None
    assert params.to_notebook()["field_end"] == "2023-12-15"


def test_unknown_key_is_rejected_with_the_allowed_names(tmp_path):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, VALID + "wave_nr: 3\n"))
    message = str(err.value)
    assert "unknown parameter 'wave_nr'" in message
    assert "allowed: wave, title" in message
    assert str(tmp_path / "wave.yaml") in message


def test_missing_key_is_named(tmp_path):
    with pytest.raises(ParamsError, match="required parameter 'report_date' is missing"):
        load_params(write(tmp_path, VALID.replace('report_date: "2024-02-07"\n', "")))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("wave: 2023", "wave: got 2023 (int)"),
        ("wave: 3.5", "wave: got 3.5 (float)"),
        ('wave: "../etc"', "wave: got '../etc'"),
        ("wave: 01001000", "quoted in YAML"),
    ],
)
def test_wrong_types_name_key_value_and_fix(tmp_path, line, expected):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, VALID.replace('wave: "2023"', line)))
    assert expected in str(err.value)


def test_unquoted_date_stays_text_and_is_parsed(tmp_path):
    params = load_params(write(tmp_path, VALID.replace('"2023-11-13"', "2023-11-13")))
    assert params.field_start == date(2023, 11, 13)


def test_german_date_format_is_rejected(tmp_path):
    with pytest.raises(ParamsError, match="YYYY-MM-DD"):
        load_params(write(tmp_path, VALID.replace('"2023-11-13"', '"13.11.2023"')))


def test_inconsistent_dates_are_rejected(tmp_path):
    with pytest.raises(ParamsError, match="field_end 2023-10-01 lies before field_start"):
        load_params(write(tmp_path, VALID.replace('"2023-12-15"', '"2023-10-01"')))


def test_comparison_wave_must_be_earlier(tmp_path):
    with pytest.raises(ParamsError, match="must be an earlier wave"):
        load_params(write(tmp_path, VALID + 'comparison_wave: "2024"\n'))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID + 'wave: "2022"\n', "line 6: duplicate key 'wave'"),
        ("!!python/object/apply:os.system ['id']\n", "line 1"),
        ("- wave\n- title\n", "expected a mapping"),
        ('"x = 1\\nimport os": 1\n' + VALID, "is not a valid parameter name"),
        ("class: 1\n" + VALID, "is not a valid parameter name"),
    ],
)
def test_hostile_or_broken_yaml_is_refused(tmp_path, text, expected):
    with pytest.raises(ParamsError, match=expected):
        load_params(write(tmp_path, text))


def test_relative_data_folder_is_resolved_against_the_params_file(tmp_path):
    params = load_params(write(tmp_path, VALID + 'data: "survey"\n'))
    assert params.data == str((tmp_path / "survey").resolve())


def test_notebook_parameters_cell_matches_the_model():
    nb = nbformat.read(ROOT / "notebooks" / "halftime_review.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [line.split(":")[0] for line in cell.source.splitlines() if line and not line.startswith(("#", "from "))]
    assert tuple(names) == parameter_names()
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102 - our own committed defaults
    defaults = {k: namespace[k] for k in names}
    assert WaveParams.from_notebook(**defaults).wave == "2023"
    assert json.dumps(defaults)  # papermill-injectable


def test_notebook_defaults_equal_the_2023_params_file():
    nb = nbformat.read(ROOT / "notebooks" / "halftime_review.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102
    from_file = load_params(ROOT / "params" / "2023.yaml").to_notebook()
    assert {k: namespace[k] for k in from_file} == from_file


def test_factsheet_params_derive_from_a_wave_and_reject_unsafe_project_keys():
    wave = load_params(ROOT / "params" / "2023.yaml")
    sheet = FactsheetParams.from_wave(wave, "solingen")
    assert sheet.to_notebook() == {
        "wave": "2023",
        "project": "solingen",
        "report_date": "2024-02-07",
        "data": "sample",
        "language": "de",
        "publisher": "Musterangabe: herausgebende Institution",  # the one publisher: the report's publication block
        "intake": wave.intake.model_dump(mode="json"),  # the factsheet reads the waves as the report does
    }
    with pytest.raises(ParamsError, match=r"(?s)factsheet '\.\./x' of wave 2023: .*project"):
        FactsheetParams.from_wave(wave, "../x")


def test_factsheet_params_copy_the_wave_language_and_intake(tmp_path):
    intake = 'intake: {encoding: "cp1252", separator: ";", waves: {"2021": {format: "xlsx", sheet: "D"}}}\n'
    text = VALID + 'language: "en"\n' + intake
    wave = load_params(write(tmp_path, text))
    sheet = FactsheetParams.from_wave(wave, "solingen")
    assert sheet.language == "en" and sheet.intake == wave.intake
    assert sheet.intake.for_wave("2021").format == "xlsx"
    injected = json.loads(json.dumps(sheet.to_notebook()))  # what papermill writes into the notebook
    assert FactsheetParams.from_notebook(**injected) == sheet
    with pytest.raises(ParamsError, match="language: got 'fr'"):
        FactsheetParams.from_notebook(wave="2023", project="ulm", report_date="2024-02-07", language="fr")


@pytest.mark.parametrize(
    ("notebook", "model"),
    [("halftime_review.ipynb", WaveParams), ("project_factsheet.ipynb", FactsheetParams)],
)
def test_every_notebook_parameters_cell_defines_every_field_of_its_model(notebook, model):
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [line.split(":")[0] for line in cell.source.splitlines() if line and not line.startswith(("#", "from "))]
    assert tuple(names) == parameter_names(model)
    namespace: dict = {}
    exec(cell.source, namespace)  # noqa: S102 - our own committed defaults
    defaults = {k: namespace[k] for k in names}
    assert model.from_notebook(**defaults).to_notebook() == defaults  # the defaults are exactly what papermill injects


# --- intake settings (issue 3) ----------------------------------------------------------------------------------


def test_intake_defaults_match_the_bundled_sample_and_round_trip_through_the_notebook(tmp_path):
    params = load_params(write(tmp_path, VALID))
    assert params.intake.model_dump() == {
        "format": "csv",
        "encoding": "utf-8",
        "separator": ",",
        "decimal": ".",
        "sheet": None,
        "codebook": None,
        "on_invalid": "reject",
    }
    injected = json.loads(json.dumps(params.to_notebook()))  # what papermill writes into the notebook
    assert WaveParams.from_notebook(**injected) == params


def test_intake_settings_are_read_and_a_relative_codebook_resolved(tmp_path):
    text = VALID + 'intake:\n  format: "limesurvey"\n  separator: ";"\n  codebook: "codebooks/v2.yaml"\n'
    params = load_params(write(tmp_path, text))
    assert params.intake.separator == ";" and params.intake.format == "limesurvey"
    assert params.intake.codebook == str((tmp_path / "codebooks" / "v2.yaml").resolve())
    shipped = load_params(write(tmp_path, VALID + 'intake: {format: "limesurvey", codebook: "mpsc_2023"}\n'))
    assert shipped.intake.codebook == "mpsc_2023"


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('intake: {encodng: "cp1252"}', "unknown parameter 'intake.encodng'"),
        ('intake: {encoding: "latin-1"}', "intake.encoding: got 'latin-1'"),
        ('intake: {format: "xlsx"}', "needs `sheet: <worksheet name>`"),
        ('intake: {format: "limesurvey"}', "needs `codebook: <name or file>`"),
        ('intake: {separator: ",", decimal: ","}', "separator and decimal mark are both ','"),
        ('intake: {on_invalid: "skip"}', "intake.on_invalid: got 'skip'"),
        ("intake: {sheet: 1}", "intake.sheet: got 1 (int)"),
    ],
)
def test_intake_mistakes_are_refused_before_any_kernel(tmp_path, block, expected):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, VALID + block + "\n"))
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID + "title:\tx\n", "line 6"),  # a tab where YAML wants spaces
        ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' + VALID, "unknown"),
    ],
)
def test_d4_tabs_and_alias_bombs_end_in_a_params_error(tmp_path, text, expected):
    with pytest.raises(ParamsError, match=expected):
        load_params(write(tmp_path, text))


def test_d4_oversized_params_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB without writing them
    with pytest.raises(ParamsError, match="is too large for a params file"):
        load_params(path)


@pytest.mark.parametrize("name", ["CON", "nul", "Lpt1", "com9"])
def test_reserved_device_names_cannot_be_wave_ids(tmp_path, name):
    path = tmp_path / "p.yaml"
    path.write_text(VALID.replace('wave: "2023"', f'wave: "{name}"'), encoding="utf-8")
    with pytest.raises(ParamsError, match=f"wave: got '{name}'.*reserved device name"):
        load_params(path)


# --- intake settings per wave (issue 9) -------------------------------------------------------------------------

MIXED = (
    VALID
    + """\
intake:
  on_invalid: "quarantine"
  waves:
    "2021": {format: "xlsx", sheet: "Daten"}
    "2022": {encoding: "cp1252", separator: ";", decimal: ","}
    "2023": {format: "limesurvey", codebook: "codebooks/v2.yaml"}
"""
)


def test_each_wave_may_have_its_own_intake_settings_over_the_common_ones(tmp_path):
    params = load_params(write(tmp_path, MIXED))
    first, second, third = (params.intake.for_wave(w) for w in ("2021", "2022", "2023"))
    assert (first.format, first.sheet, first.on_invalid) == ("xlsx", "Daten", "quarantine")
    assert (second.format, second.encoding, second.separator, second.decimal) == ("csv", "cp1252", ";", ",")
    assert third.codebook == str((tmp_path / "codebooks" / "v2.yaml").resolve())  # relative to the params file
    assert params.intake.for_wave("2020") == params.intake.model_copy(update={"waves": {}})  # the common settings
    assert second.on_invalid == "quarantine" and not second.waves
    injected = json.loads(json.dumps(params.to_notebook()))
    assert WaveParams.from_notebook(**injected) == params


def test_without_per_wave_settings_the_intake_reads_as_before():
    assert "waves" not in WaveParams.model_fields["intake"].default_factory().model_dump()


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('intake: {waves: {"2021": {format: "xlsx"}}}', "intake.waves.2021: "),
        ('intake: {waves: {"2021": {sheeet: "x"}}}', "unknown parameter 'intake.waves.2021.sheeet'"),
        (
            'intake: {waves: {2021: {encoding: "cp1252"}}}',
            '2021 is not a wave id; write it quoted in YAML, e.g. "2021"',
        ),
        ('intake: {waves: {"20/21": {}}}', "'20/21' is not a wave id"),
        ('intake: {waves: {"2021": {waves: {}}}}', "a wave's settings cannot list waves of their own"),
        ('intake: {waves: {"2021": {encoding: "latin-1"}}}', "intake.waves.2021.encoding: got 'latin-1'"),
    ],
)
def test_per_wave_intake_mistakes_are_refused_before_any_kernel(tmp_path, block, expected):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, VALID + block + "\n"))
    assert expected in str(err.value)


# --- library words stay inside (issue 14) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "detail"),
    [
        (VALID + "title:\tx\n", "line 6: not valid YAML there (a tab? indent with spaces)", "ScannerError"),
        ('wave: "2023\n', "line 2: not valid YAML there", "ScannerError"),  # the quote is still open at the end
        ("!!python/object/apply:os.system ['id']\n", "asks for a Python object", "ConstructorError"),
    ],
)
def test_yaml_errors_are_our_sentence_with_pyyaml_words_as_detail(tmp_path, text, message, detail):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, text))
    ours, _, theirs = str(err.value).partition("\n  detail: ")
    assert message in ours and detail in theirs
    assert "could not determine a constructor" not in ours and "found character" not in ours


def test_duplicate_key_is_ours_alone(tmp_path):
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, VALID + 'wave: "2022"\n'))
    assert str(err.value).endswith("line 6: duplicate key 'wave' (each key may appear once). Keep one of them.")


def test_a_params_path_that_is_a_folder_is_said_in_our_words(tmp_path):
    (tmp_path / "2023.yaml").mkdir()
    with pytest.raises(ParamsError) as err:
        load_params(tmp_path / "2023.yaml")
    ours, _, theirs = str(err.value).partition("\n  detail: ")
    assert (
        ours == f"{tmp_path / '2023.yaml'}: cannot be read (it is a folder, not a file)." and "IsADirectory" in theirs
    )


def test_the_impressum_block_has_honest_sample_defaults_and_the_shipped_files_set_every_field(tmp_path):
    default = load_params(write(tmp_path, VALID)).publication
    assert default.issn is None and default.isbn is None and default.licence == "CC BY 4.0"
    assert all(getattr(default, k).startswith("Musterangabe") for k in ("publisher", "commissioned_by", "series"))
    for path in sorted((ROOT / "params").glob("*.yaml")):
        shipped = load_params(path).publication
        assert shipped.issn is None and shipped.isbn is None  # sample data: no real ISSN or ISBN
        assert shipped.as_of is not None and "Musterangabe" in shipped.publisher


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('{issn: "2199-5761"}', None),  # check digit 1 is right
        ('{issn: "2199-5762"}', r"publication\.issn: .*wrong check digit \(expected 1\)"),
        ('{issn: "21995761"}', r"publication\.issn: .*NNNN-NNNC"),
        ('{isbn: "978-3-16-148410-0"}', None),
        ('{isbn: "978-3-16-148410-1"}', r"publication\.isbn: .*wrong check digit \(expected 0\)"),
        ('{licence: "CC0"}', r"publication\.licence: .*'CC BY 4\.0' or 'dl-de/by-2-0'"),
        ('{as_of: "2024-13"}', r"publication\.as_of: "),
        ('{publsher: "X"}', r"unknown key 'publication\.publsher' in the Impressum block `publication:` \(allowed: "),
    ],
)
def test_impressum_fields_are_checked_before_any_kernel(tmp_path, block, expected):
    path = write(tmp_path, VALID + f"publication: {block}\n")
    if expected is None:
        assert load_params(path).publication is not None
        return
    with pytest.raises(ParamsError, match=expected):
        load_params(path)


def test_the_publisher_is_one_field_and_old_params_files_keep_working_or_say_what_to_do(tmp_path):
    assert "publisher" not in parameter_names()  # the title page shows publication.publisher
    moved = load_params(write(tmp_path, VALID + 'publisher: "Stadtforschung Musterstadt"\n'))
    assert moved.publication.publisher == "Stadtforschung Musterstadt"
    block = VALID + 'publisher: "P"\npublication:\n  series: "Reihe"\n'
    assert load_params(write(tmp_path, block)).publication.publisher == "P"  # the block names none: moved there
    same = VALID + 'publisher: "P"\npublication:\n  publisher: "P"\n'
    assert load_params(write(tmp_path, same)).publication.publisher == "P"
    two = VALID + 'publisher: "Monitoring"\npublication:\n  publisher: "Institut"\n'
    with pytest.raises(ParamsError) as caught:
        load_params(write(tmp_path, two))
    message = str(caught.value)
    assert "wave.yaml" in message and "'Monitoring'" in message and "'Institut'" in message
    assert "delete the top-level `publisher:` line" in message
    with pytest.raises(ParamsError, match="publication.publisher"):
        WaveParams.from_notebook(**(load_params(write(tmp_path, VALID)).to_notebook() | {"publisher": "X"}))
