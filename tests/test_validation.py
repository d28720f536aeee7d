"""RELIABILITY section B: duplicates, unknown keys, ranges, special codes, huge values, missing waves, NA-like text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from survey_files import SAMPLE, csv_text, failures, load, sample_rows, set_cell, write_wave

from mpsc_report.analysis import metrics
from mpsc_report.data.intake import IntakeParams
from mpsc_report.data.load import available_waves, load_register, load_wave
from mpsc_report.data.validation import (
    FAILURE_FIELDS,
    RULES,
    Failure,
    ValidationFailed,
    failures_csv,
    summarize,
)
from mpsc_report.errors import DataError

# --- B1 duplicates ----------------------------------------------------------------------------------------------


def test_b1_duplicate_respondents_are_listed_with_every_line(tmp_path):
    header, rows = sample_rows(4)
    rows.append(list(rows[0]))  # identical row
    conflicting = list(rows[1])
    set_cell(header, conflicting, "positions_new", "9")
    rows.append(conflicting)  # same respondent and project, other answer
    write_wave(tmp_path, header, rows)
    found = failures(tmp_path)
    # Each duplicate is one failure (not one per row and rule), on its second line, naming every line.
    by_line = {(f.line, f.column, f.rule) for f in found}
    assert by_line == {(6, "respondent_id", "duplicate_id"), (7, "respondent_id", "duplicate_id")}
    first = next(f for f in found if f.line == 6)
    assert first.message == "respondent_id 'R2023-001' appears 2 times (line 2, line 6); all 2 rows are set aside"
    assert "nothing is de-duplicated automatically" in first.fix


def test_b1_a_duplicate_sets_every_one_of_its_rows_aside_and_is_reported_once(tmp_path):
    header, rows = sample_rows(5)
    rows.append(list(rows[0]))  # the same row twice
    rows.append(list(rows[0]))  # ... and three times
    other_id = list(rows[2])
    set_cell(header, other_id, "respondent_id", "R2023-099")
    rows.append(other_id)  # the same project under another respondent id
    write_wave(tmp_path, header, rows)
    wave = load(tmp_path, on_invalid="quarantine")
    found = wave.quality.failures
    assert [(f.line, f.rule) for f in found] == [(7, "duplicate_id"), (9, "duplicate_project")]
    assert "appears 3 times (line 2, line 7, line 8); all 3 rows are set aside" in found[0].message
    project = other_id[header.index("project_id")]
    assert f"project {project!r} appears 2 times (line 4, line 9)" in found[1].message
    assert wave.quality.rows_rejected == 5 and len(wave.responses) == 3  # nothing kept of either duplicate
    assert dict(wave.quality.rejected_by_rule) == {"duplicate_id": 3, "duplicate_project": 2}
    table = list(csv.reader(io.StringIO(failures_csv(found).decode("utf-8-sig"))))
    assert [row[1] for row in table[1:]] == ["7", "9"]


def test_b1_duplicate_headers_are_an_error_not_renamed(tmp_path):
    header, rows = sample_rows(2)
    header[-1] = "highlight"
    write_wave(tmp_path, header, rows)
    with pytest.raises(DataError, match=r"duplicate column name\(s\) 'highlight' \(columns 30 and 31\)"):
        load(tmp_path)


# --- B2 unknown keys, truncation, policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("koln", "did you mean 'koeln'?"),
        (" ulm", "did you mean 'ulm'? remove the spaces around the key"),
        ("5315000", "did you mean 'koeln' (AGS 05315000)? project keys are register slugs, not AGS"),
        ("atlantis", ""),
    ],
)
def test_b2_unknown_project_keys_with_did_you_mean(tmp_path, value, hint):
    header, rows = sample_rows(3)
    set_cell(header, rows[2], "project_id", value)
    write_wave(tmp_path, header, rows)
    (failure,) = failures(tmp_path)
    assert (failure.line, failure.column, failure.value, failure.respondent) == (4, "project_id", value, "R2023-003")
    assert failure.message == "is not a project of the register (mpsc_report/data/projects.csv)"
    assert failure.fix == (hint or "use the project's key from the register")


def test_b2_ten_thousand_invalid_rows_are_all_collected_and_the_message_truncated(tmp_path):
    header, rows = sample_rows(1)
    many = []
    for i in range(10_000):
        row = list(rows[0])
        set_cell(header, row, "respondent_id", f"X{i}")
        set_cell(header, row, "project_id", f"nowhere-{i}")
        many.append(row)
    write_wave(tmp_path, header, many)
    with pytest.raises(ValidationFailed) as err:
        load(tmp_path)
    assert len(err.value.failures) == 10_000
    lines = str(err.value).splitlines()
    assert lines[0].endswith(": 10000 validation problem(s):") and len(lines) == 12
    assert lines[1].startswith("  - wave_2023.csv line 2, column 'project_id', value 'nowhere-0' (respondent X0)")
    assert lines[-1] == "  … and 9990 more (10000 total); full list in validation_errors.csv"
    table = list(csv.reader(io.StringIO(failures_csv(err.value.failures).decode("utf-8-sig"))))
    assert tuple(table[0]) == FAILURE_FIELDS and len(table) == 10_001


def test_b2_quarantine_sets_bad_rows_aside_and_reports_them(tmp_path):
    header, rows = sample_rows(6)
    set_cell(header, rows[1], "project_id", "atlantis")
    set_cell(header, rows[3], "datasets_total", "-3")
    set_cell(header, rows[3], "phase", "Umsetzung")
    write_wave(tmp_path, header, rows)
    wave = load(tmp_path, on_invalid="quarantine")
    q = wave.quality
    assert list(wave.responses["respondent_id"]) == ["R2023-001", "R2023-003", "R2023-005", "R2023-006"]
    assert (q.rows_read, q.rows_used, q.rows_rejected) == (6, 4, 2)
    assert dict(q.rejected_by_rule) == {"unknown_project": 1, "unknown_code": 1}
    assert len(q.failures) == 3 and q.policy == "quarantine"


# --- B3 ranges, special codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message", "fix"),
    [
        (
            "datasets_total",
            "-3",
            "counts cannot be negative",
            "correct the value or leave the cell empty for 'no answer'",
        ),
        ("positions_new", "2.5", "a count must be a whole number", "round or correct it"),
        ("positions_new", "viele", "is not a number (special codes of this column: 'keine Angabe', 'k. A.',", ""),
        ("phase", "Umsetzung", "is not an allowed code", "use one of 'strategy', 'implementation'"),
        ("submitted", "13.11.2023", "is not a date written as YYYY-MM-DD", "write e.g. 2023-11-13"),
        ("wave", "2022", "belongs to another wave than 2023", "enter 2023"),
    ],
)
def test_b3_out_of_range_or_unknown_values_name_line_column_value_and_fix(tmp_path, column, value, message, fix):
    header, rows = sample_rows(4)
    set_cell(header, rows[2], column, value)
    write_wave(tmp_path, header, rows)
    (failure,) = [f for f in failures(tmp_path) if f.column == column]
    assert failure.describe().startswith(
        f"wave_2023.csv line 4, column '{column}', value '{value}' (respondent R2023-003)"
    )
    assert failure.message.startswith(message) and failure.fix.startswith(fix)


def test_b3_lead_example_message(tmp_path):
    header, rows = sample_rows(4)
    set_cell(header, rows[3], "datasets_total", "-3")
    write_wave(tmp_path, header, rows)
    (failure,) = [f for f in failures(tmp_path) if f.value == "-3"]
    assert failure.describe() == (
        "wave_2023.csv line 5, column 'datasets_total', value '-3' (respondent R2023-004): counts cannot be "
        "negative — correct the value or leave the cell empty for 'no answer'"
    )


def test_b3_special_codes_are_missing_with_a_reason_and_never_summed(tmp_path):
    header, rows = sample_rows(5)
    set_cell(header, rows[0], "positions_new", "keine Angabe")
    set_cell(header, rows[1], "positions_new", "k. A.")
    write_wave(tmp_path, header, rows)
    wave = load(tmp_path)
    assert wave.responses["positions_new"].isna().sum() == 2
    assert wave.quality.missing_reasons == {"positions_new": {"keine Angabe": 2}}
    bundled = load_wave(SAMPLE, "2023").responses.head(5)
    expected = int(bundled["positions_new"].iloc[2:].sum())
    figures = metrics.key_figures(wave.responses, wave.partners, load_register())
    assert figures.positions == expected


def test_b3_consistency_rules(tmp_path):
    header, rows = sample_rows(3)
    set_cell(header, rows[0], "measures_continued", "99")
    set_cell(header, rows[1], "datasets_climate", str(int(rows[1][header.index("datasets_climate")]) + 1))
    write_wave(tmp_path, header, rows)
    found = {f.column: f for f in failures(tmp_path)}
    assert found["measures_continued"].message.startswith("more measures continued than completed (")
    assert found["datasets_total"].rule == "sum_mismatch" and found["datasets_total"].line == 3


# --- B4 huge values and long text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e400", "is not a finite number"),
        ("inf", "is not a number"),
        ("nan", "is not a number"),
        ("99999999999999999999999", "is larger than 1.000.000"),
        (str(2**63), "is larger than 1.000.000"),
    ],
)
def test_b4_non_finite_and_huge_numbers_are_rejected(tmp_path, value, message):
    header, rows = sample_rows(2)
    set_cell(header, rows[0], "participation_online", value)
    write_wave(tmp_path, header, rows)
    found = [f for f in failures(tmp_path) if f.column == "participation_online"]
    assert found and found[0].message.startswith(message) and found[0].line == 2


def test_b4_a_megabyte_answer_is_kept_whole_in_the_data(tmp_path):
    header, rows = sample_rows(2)
    long = "[" * 100_000 + "*" * 100_000 + "x" * 848_576
    set_cell(header, rows[0], "highlight", long)
    write_wave(tmp_path, header, rows)
    assert load(tmp_path).responses.loc[0, "highlight"] == long


# --- B6 missing waves -------------------------------------------------------------------------------------------


def test_b6_missing_wave_file_lists_what_exists(tmp_path):
    write_wave(tmp_path, *sample_rows(2))
    with pytest.raises(DataError, match=r"wave '2024' not found in .*no wave_2024\.csv \(waves available: 2023\)"):
        load_wave(tmp_path, "2024")


def test_b6_wave_column_without_the_wave_is_a_file_failure(tmp_path):
    header, rows = sample_rows(2)
    for row in rows:
        set_cell(header, row, "wave", "2022")
    write_wave(tmp_path, header, rows)
    found = failures(tmp_path, on_invalid="quarantine")
    assert found[0].file_level
    assert found[0].message == "wave '2023' not found in wave_2023.csv (waves in the file: 2022)"


def test_b6_available_waves_include_excel_files(tmp_path):
    (tmp_path / "wave_2021.csv").write_text("x")
    (tmp_path / "wave_2022.xlsx").write_bytes(b"x")
    (tmp_path / "wave_2023.txt").write_text("x")
    assert available_waves(tmp_path) == ["2021", "2022"]


# --- rows of one wave: field period, respondent ids ------------------------------------------------------------

PERIOD = (date(2023, 11, 13), date(2023, 12, 15))


def test_submission_dates_outside_the_field_period_are_failures_with_the_period(tmp_path):
    header, rows = sample_rows(4)
    set_cell(header, rows[1], "submitted", "2023-11-12")  # a day early
    set_cell(header, rows[3], "submitted", "2024-01-08")
    write_wave(tmp_path, header, rows)
    wave = load_wave(tmp_path, "2023", IntakeParams(on_invalid="quarantine"), field_period=PERIOD)
    found = [(f.line, f.column, f.value, f.rule) for f in wave.quality.failures]
    assert found == [
        (3, "submitted", "2023-11-12", "outside_field_period"),
        (5, "submitted", "2024-01-08", "outside_field_period"),
    ]
    failure = wave.quality.failures[0]
    assert failure.message == "lies outside the field period 2023-11-13 – 2023-12-15"
    assert "field_start`/`field_end`" in failure.fix
    assert len(wave.responses) == 2
    assert load_wave(tmp_path, "2023", IntakeParams(on_invalid="quarantine")).quality.failures == ()  # no period known


def test_an_export_of_another_wave_is_one_failure_for_the_whole_file(tmp_path):
    header, rows = sample_rows(6, wave="2023")
    for row in rows:
        set_cell(header, row, "wave", "2024")
    write_wave(tmp_path, header, rows)
    (tmp_path / "wave_2023.csv").rename(tmp_path / "wave_2024.csv")
    period = (date(2024, 11, 4), date(2024, 12, 13))
    with pytest.raises(ValidationFailed) as err:
        load_wave(tmp_path, "2024", IntakeParams(on_invalid="quarantine"), field_period=period)  # even so: whole file
    found = {f.rule: f for f in err.value.failures}
    assert set(found) == {"outside_field_period", "other_wave_id"} and all(f.file_level for f in found.values())
    dates = found["outside_field_period"].message
    assert dates.startswith(
        "all 6 submission dates lie outside the field period 2024-11-04 – 2024-12-13 (they run from 2023-"
    )
    assert dates.endswith("is this the export of another wave?")
    ids = found["other_wave_id"].message
    assert ids.startswith("all 6 respondent ids carry the year 2023, not the wave 2024 (e.g. 'R2023-00")


def test_a_respondent_id_of_another_wave_is_named(tmp_path):
    header, rows = sample_rows(5)
    set_cell(header, rows[2], "respondent_id", "R2022-003")
    write_wave(tmp_path, header, rows)
    [failure] = failures(tmp_path)
    assert (failure.line, failure.column, failure.rule) == (4, "respondent_id", "other_wave_id")
    assert failure.message == "carries the year 2022, not the wave 2023"


@pytest.mark.parametrize("ids", [["X2000", "X2001", "X1999"], ["17", "2022", "18"], ["a-1", "b-2", "R2022-1"]])
def test_respondent_ids_without_a_year_pattern_are_not_checked(tmp_path, ids):
    header, rows = sample_rows(3)
    for row, value in zip(rows, ids, strict=True):
        set_cell(header, row, "respondent_id", value)
    write_wave(tmp_path, header, rows)
    assert load(tmp_path).quality.failures == ()


def test_every_rule_has_words_in_both_languages_and_the_csv_speaks_one_language(tmp_path):
    from mpsc_report.analysis.words import MESSAGES

    assert [r for r in RULES if not (f"rule.{r}" in MESSAGES["de"] and f"rule.{r}" in MESSAGES["en"])] == []
    header, rows = sample_rows(3)
    set_cell(header, rows[1], "datasets_total", "-3")
    write_wave(tmp_path, header, rows)
    table = list(csv.reader(io.StringIO(failures_csv(failures(tmp_path)).decode("utf-8-sig"))))
    rule, message = table[1][FAILURE_FIELDS.index("rule")], table[1][FAILURE_FIELDS.index("message")]
    assert (rule, message) == ("negative", "counts cannot be negative")


# --- B7 NA-like text --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NA", "null", "N/A", "None", "-", "nan", "#NV"])
def test_b7_na_like_answers_stay_literal_text(tmp_path, text):
    header, rows = sample_rows(2)
    set_cell(header, rows[0], "challenge", text)
    set_cell(header, rows[1], "challenge", "")
    write_wave(tmp_path, header, rows)
    responses = load(tmp_path).responses
    assert list(responses["challenge"]) == [text, ""]


# --- failure list -----------------------------------------------------------------------------------------------


def test_failure_csv_defuses_spreadsheet_formulas_but_keeps_negative_numbers():
    failure = Failure("w.csv", 2, "", "", "highlight", '=HYPERLINK("x")', "R1", "r", "m", "f", 0)
    negative = Failure("w.csv", 3, "", "", "datasets_total", "-3", "R2", "r", "m", "f", 1)
    rows = list(csv.reader(io.StringIO(failures_csv([failure, negative]).decode("utf-8-sig"))))
    assert rows[1][5] == '\'=HYPERLINK("x")' and rows[2][5] == "-3"


def test_summary_without_truncation_points_to_the_file():
    failure = Failure("w.csv", 2, "", "", "x", "1", "", "r", "m", "f", 0)
    assert summarize([failure], "wave 1") == (
        "wave 1: 1 validation problem(s):\n  - w.csv line 2, column 'x', value '1': m — f\n"
        "  (full list in validation_errors.csv)"
    )


def test_the_bundled_sample_validates_cleanly():
    for wave in ("2021", "2022", "2023"):
        data = load_wave(SAMPLE, wave)
        assert data.quality.failures == () and data.quality.rows_rejected == 0


def test_partner_list_problems_are_found_too(tmp_path):
    write_wave(tmp_path, *sample_rows(2))
    header = ["project_id", "partner_name", "partner_project_id", "exchange"]
    rows = [["ulm", "Neu-Ulm", "", "transfer"], ["ulm", "Stuttgart", "", "copy"], ["ulmm", "X", "", "transfer"]]
    (tmp_path / "partners_2023.csv").write_text(csv_text(header, rows), encoding="utf-8")
    found = failures(tmp_path)
    assert [(f.file, f.line, f.column) for f in found] == [
        ("partners_2023.csv", 3, "exchange"),
        ("partners_2023.csv", 4, "project_id"),
    ]
    assert found[1].fix == "did you mean 'ulm'?"
