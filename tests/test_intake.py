"""RELIABILITY section A: encodings, separators, empty files, ragged rows, Excel oddities, LimeSurvey round trip."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from survey_files import SAMPLE, csv_text, failures, load, sample_rows, set_cell, write_wave

from mpsc_report.analysis import metrics
from mpsc_report.data.load import load_codebook, load_register, load_wave
from mpsc_report.data.params import IntakeParams
from mpsc_report.data.sample import limesurvey_export
from mpsc_report.errors import DataError, ParamsError

GERMAN = "Köln: „Müßen“ kostet 5 €"


def german_rows():
    header, rows = sample_rows(3)
    set_cell(header, rows[0], "highlight", GERMAN)
    return header, rows


# --- A1 encodings -----------------------------------------------------------------------------------------------


def test_a1_cp1252_read_as_utf8_names_line_byte_and_setting(tmp_path):
    write_wave(tmp_path, *german_rows(), encoding="cp1252")
    with pytest.raises(DataError) as err:
        load(tmp_path)
    message = str(err.value)
    assert "wave_2023.csv: not valid UTF-8 at line 2 (byte 0xF6)" in message
    assert "looks like cp1252" in message and "encoding: cp1252" in message


def test_a1_declared_cp1252_reads_umlauts_quotes_and_euro(tmp_path):
    write_wave(tmp_path, *german_rows(), encoding="cp1252", separator=";")
    wave = load(tmp_path, encoding="cp1252", separator=";")
    assert wave.responses.loc[0, "highlight"] == GERMAN


def test_a1_utf8_declared_as_cp1252_is_refused_not_garbled(tmp_path):
    write_wave(tmp_path, *german_rows())
    with pytest.raises(DataError, match=r"is UTF-8 \(e\.g\. .*line 2\) but the params say cp1252"):
        load(tmp_path, encoding="cp1252")


def test_a1_mojibake_in_a_text_column_is_a_failure_with_place(tmp_path):
    header, rows = sample_rows(3)
    set_cell(header, rows[1], "challenge", GERMAN.encode("utf-8").decode("cp1252"))
    write_wave(tmp_path, header, rows)
    (failure,) = failures(tmp_path)
    assert (failure.line, failure.column, failure.rule) == (3, "challenge", "wrong_encoding")
    assert "would read 'Köln: „Müßen“" in failure.message


def test_a1_undefined_cp1252_byte_names_the_line(tmp_path):
    path = write_wave(tmp_path, *sample_rows(2), encoding="cp1252")
    path.write_bytes(path.read_bytes().replace(b"Sensoren", b"Sens\x81ren", 1))
    with pytest.raises(DataError, match=r"byte 0x81 at line 2 is not valid cp1252"):
        load(tmp_path, encoding="cp1252")


# --- A2 byte-order mark -----------------------------------------------------------------------------------------


def test_a2_utf8_bom_is_removed_from_the_first_column(tmp_path):
    write_wave(tmp_path, *sample_rows(2), bom=True)
    wave = load(tmp_path)
    assert wave.responses.columns[0] == "respondent_id" and wave.responses.loc[0, "respondent_id"] == "R2023-001"


def test_a2_bom_file_declared_cp1252_says_so(tmp_path):
    write_wave(tmp_path, *sample_rows(2), bom=True)
    with pytest.raises(DataError, match="starts with a UTF-8 byte-order mark but the params say cp1252"):
        load(tmp_path, encoding="cp1252")


def test_a2_bom_decoded_as_text_is_a_near_miss_with_a_hint(tmp_path):
    header, rows = sample_rows(2)
    header[0] = "ï»¿respondent_id"  # a BOM decoded as cp1252 once, then saved as UTF-8
    write_wave(tmp_path, header, rows)
    (failure,) = failures(tmp_path)
    assert failure.file_level and failure.column == "respondent_id"
    assert "required column 'respondent_id' is missing" in failure.message
    assert "found 'ï»¿respondent_id' — a byte-order mark (BOM)?" in failure.fix


# --- A3 separators ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "declared"), [(";", ","), (",", ";")])
def test_a3_separator_mismatch_never_continues_with_one_column(tmp_path, written, declared):
    write_wave(tmp_path, *sample_rows(2), separator=written)
    with pytest.raises(DataError) as err:
        load(tmp_path, separator=declared)
    message = str(err.value)
    assert "found 1 column 'respondent_id" in message and "separator mismatch?" in message
    assert f"separator: {written!r}" in message


def test_a3_semicolons_with_decimal_comma_and_thousands_dots(tmp_path):
    header, rows = sample_rows(2)
    set_cell(header, rows[0], "positions_new", "1.043")
    write_wave(tmp_path, header, rows, separator=";")
    wave = load(tmp_path, separator=";", decimal=",")
    assert wave.responses.loc[0, "positions_new"] == 1043


def test_a3_thousands_dots_with_decimal_point_are_a_failure_with_the_setting(tmp_path):
    header, rows = sample_rows(2)
    set_cell(header, rows[0], "positions_new", "1.043")
    write_wave(tmp_path, header, rows)
    (failure,) = failures(tmp_path)
    assert failure.value == "1.043" and "thousands dots? set `intake: {decimal: ','}`" in failure.fix


# --- A5 municipality keys with leading zeros --------------------------------------------------------------------


def test_a5_register_keeps_ags_as_text_with_leading_zeros():
    register = load_register()
    assert register.set_index("project_id").loc["kreis-schleswig-flensburg", "ags"] == "01059"
    assert register.set_index("project_id").loc["solingen", "ags"] == "05122000"


def test_a5_project_key_given_as_ags_without_zero_suggests_the_project(tmp_path):
    header, rows = sample_rows(2)
    set_cell(header, rows[0], "project_id", "5122000")
    write_wave(tmp_path, header, rows)
    (failure,) = failures(tmp_path)
    assert failure.describe().startswith("wave_2023.csv line 2, column 'project_id', value '5122000'")
    assert "did you mean 'solingen' (AGS 05122000)?" in failure.fix


def _ags_codebook(tmp_path):
    text = (SAMPLE.parent / "codebooks" / "mpsc_2023.yaml").read_text(encoding="utf-8")
    start = text.index("  project_id:")
    end = text.index("  phase:")
    path = tmp_path / "ags.yaml"
    path.write_text(text[:start] + '  project_id: {question: "G01Q01", key: "ags"}\n' + text[end:], encoding="utf-8")
    return str(path)


def test_a5_ags_answers_lose_their_zero_in_excel_style_numbers(tmp_path):
    codebook = _ags_codebook(tmp_path)
    wave = load_wave(SAMPLE, "2023")
    picked = ["ulm", "kreis-schleswig-flensburg", "solingen"]
    responses = wave.responses[wave.responses["project_id"].isin(picked)]
    codes = {v: k for k, v in load_codebook("mpsc_2023").codebook.columns["project_id"].answers.items()}
    export = limesurvey_export(responses, load_codebook("mpsc_2023").codebook).decode("utf-8-sig")
    register = load_register().set_index("project_id")
    for project in picked:
        ags = register.loc[project, "ags"]
        written = "1059" if project == "kreis-schleswig-flensburg" else ags  # Excel dropped the zero of 01059
        export = export.replace(f'"{codes[project]}"', f'"{written}"')
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "wave_2023.csv").write_text(export, encoding="utf-8")
    found = failures(tmp_path / "data", format="limesurvey", codebook=codebook)
    assert [f.value for f in found] == ["1059"]
    assert "an AGS must have 8 digits (5 for a district)" in found[0].message
    assert "did you mean '01059' (Kreis Schleswig-Flensburg)?" in found[0].fix
    assert "leading zero was lost" in found[0].fix
    assert found[0].column == "project_id (G01Q01)"


# --- A6 empty inputs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \r\n\t\n"], ids=["0 bytes", "BOM only", "whitespace"])
def test_a6_empty_files_say_empty(tmp_path, content):
    (tmp_path / "wave_2023.csv").write_bytes(content)
    with pytest.raises(DataError, match=r"^wave_2023\.csv is empty"):
        load(tmp_path)


def test_a6_header_only_has_zero_responses(tmp_path):
    header, _ = sample_rows(1)
    write_wave(tmp_path, header, [])
    (failure,) = failures(tmp_path, on_invalid="quarantine")  # a file-level failure is never quarantined
    assert failure.message == "wave_2023.csv has 0 responses (only a header)"


# --- A7 ragged rows, quotes, multiline answers ------------------------------------------------------------------


def test_a7_ragged_row_and_multiline_answer_keep_physical_lines(tmp_path):
    header, rows = sample_rows(4)
    set_cell(header, rows[0], "highlight", 'Zeile eins; mit "Zitat"\nZeile zwei, mit Komma\nZeile drei')
    rows[2].append("überzählig")
    write_wave(tmp_path, header, rows)
    found = failures(tmp_path)
    assert [(f.line, f.rule) for f in found] == [(6, "unreadable_row")]
    assert "the row has 32 fields, more than the 31 columns of the header" in found[0].message
    wave = load(tmp_path, on_invalid="quarantine")
    assert wave.responses.loc[0, "highlight"].count("\n") == 2
    q = wave.quality
    assert (q.rows_read, q.rows_used, q.rows_rejected) == (4, 3, 1)
    assert q.rows_read == q.rows_used + q.rows_rejected


def test_a7_unterminated_quote_is_an_error_with_the_line(tmp_path):
    header, rows = sample_rows(3)
    text = csv_text(header, rows).replace("R2023-002,", 'R2023-002,"ulm', 1)
    (tmp_path / "wave_2023.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"wave_2023\.csv line \d+: cannot be read as CSV .*never closed"):
        load(tmp_path)


# --- A9 Excel ---------------------------------------------------------------------------------------------------


def write_xlsx(path, header, rows, sheet="Antworten", extra_sheets=(), hidden=False):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    for name in extra_sheets:
        book.create_sheet(name)
    if hidden:
        ws.sheet_state = "hidden"
    book.save(path)
    return path


def test_a9_xlsx_sheet_by_name_reads_numbers_and_text(tmp_path):
    header, rows = sample_rows(3)
    write_xlsx(tmp_path / "wave_2023.xlsx", header, rows, extra_sheets=["Notizen"], hidden=True)
    wave = load(tmp_path, format="xlsx", sheet="Antworten")
    csv_wave = load_wave(SAMPLE, "2023")
    pd.testing.assert_frame_equal(wave.responses, csv_wave.responses.head(3))


def test_a9_xlsx_needs_a_sheet_name_and_an_existing_sheet(tmp_path):
    with pytest.raises(ValueError, match="needs `sheet: <worksheet name>`"):
        IntakeParams(format="xlsx")
    header, rows = sample_rows(2)
    write_xlsx(tmp_path / "wave_2023.xlsx", header, rows, extra_sheets=["Notizen"])
    with pytest.raises(DataError, match=r"has no sheet 'Tabelle1' \(sheets: 'Antworten', 'Notizen'\)"):
        load(tmp_path, format="xlsx", sheet="Tabelle1")


def test_a9_formula_without_value_and_total_row_are_listed_with_cells(tmp_path):
    header, rows = sample_rows(3)
    path = write_xlsx(tmp_path / "wave_2023.xlsx", header, rows)
    book = openpyxl.load_workbook(path)
    ws = book["Antworten"]
    column = header.index("positions_new") + 1
    ws.cell(row=3, column=column, value="=1+1")  # openpyxl saves no cached value
    ws.append(["Summe", None, None, None, None, *[f"=SUM({c}2:{c}4)" for c in "FGH"]])
    book.save(path)
    found = failures(tmp_path, format="xlsx", sheet="Antworten")
    letter = openpyxl.utils.get_column_letter(column)
    formula = next(f for f in found if f.cell == f"{letter}3")
    assert formula.rule == "formula without a saved value" or "formula without a saved value" in formula.message
    assert formula.describe().startswith(f"wave_2023.xlsx sheet 'Antworten' cell {letter}3, column 'positions_new'")
    total = [f for f in found if f.respondent == "Summe"]
    assert {f.column for f in total} >= {"project_id", "wave", "submitted", "phase"}
    assert {f.cell for f in total} >= {"B5", "C5"}


def test_a9_empty_sheet_is_no_data(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Antworten"
    book.save(tmp_path / "wave_2023.xlsx")
    with pytest.raises(DataError, match="sheet 'Antworten' is empty: no data"):
        load(tmp_path, format="xlsx", sheet="Antworten")


def test_a9_csv_renamed_to_xlsx_is_named_as_such(tmp_path):
    (tmp_path / "wave_2023.xlsx").write_text(csv_text(*sample_rows(2)), encoding="utf-8")
    with pytest.raises(DataError, match=r"wave_2023\.xlsx is not an Excel file \(looks like CSV text\)"):
        load(tmp_path, format="xlsx", sheet="Antworten")


# --- LimeSurvey round trip --------------------------------------------------------------------------------------


def test_limesurvey_export_of_the_2023_sample_gives_the_same_figures(tmp_path):
    bundled = load_wave(SAMPLE, "2023")
    codebook = load_codebook("mpsc_2023")
    export = limesurvey_export(bundled.responses, codebook.codebook)
    assert export.startswith(b'\xef\xbb\xbf"id","submitdate"') and b'"G02Q01[SQ003]"' in export
    (tmp_path / "wave_2023.csv").write_bytes(export)
    shutil.copy(SAMPLE / "partners_2023.csv", tmp_path)
    wave = load(tmp_path, format="limesurvey", codebook="mpsc_2023")
    register = load_register()
    figures = metrics.key_figures(wave.responses, wave.partners, register)
    assert figures == metrics.key_figures(bundled.responses, bundled.partners, register)
    assert (figures.datasets, figures.participation, figures.positions) == (1043, 2137, 298)
    assert (figures.solutions_transferred, figures.measures_completed, figures.measures_continued) == (86, 225, 144)
    assert figures.partner_links == 876
    pd.testing.assert_frame_equal(wave.responses, bundled.responses)
    assert wave.quality.codebook == "mpsc_2023"
    assert [f.role for f in wave.quality.files] == ["Antworten", "Partnerkommunen", "Codebuch"]


def test_limesurvey_special_and_unknown_codes(tmp_path):
    bundled = load_wave(SAMPLE, "2023")
    codebook = load_codebook("mpsc_2023").codebook
    text = limesurvey_export(bundled.responses.head(3), codebook).decode("utf-8-sig")
    lines = text.split("\r\n")
    cells = lines[1].split(",")
    header = lines[0].split(",")
    cells[header.index('"G06Q01"')] = '"-oth-"'
    cells[header.index('"G01Q02"')] = '"99"'
    lines[1] = ",".join(cells)
    lines[2] = lines[2].replace('"A2"', '"A7"', 1)
    (tmp_path / "wave_2023.csv").write_text("\r\n".join(lines), encoding="utf-8")
    (failure,) = failures(tmp_path, format="limesurvey", codebook="mpsc_2023")
    assert (failure.line, failure.column, failure.value) == (3, "phase (G01Q02)", "A7")
    assert "is not an answer code of the codebook" in failure.message
    wave = load(tmp_path, format="limesurvey", codebook="mpsc_2023", on_invalid="quarantine")
    assert pd.isna(wave.responses.loc[0, "positions_new"]) and pd.isna(wave.responses.loc[0, "phase"])
    assert wave.quality.missing_reasons == {"positions_new": {"Sonstiges ohne Zahl": 1}, "phase": {"keine Angabe": 1}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nmissing: {99: 'keine Angabe'}\ncolumns: {}\n", "quote codes and values in YAML, e.g. '99'"),
        ("name: x\ncolumns: {wave_nr: {question: Q1}}\n", "unknown column(s) ['wave_nr']"),
        ("name: x\ncolumns: {phase: {question: Q1, answer: {}}}\n", "unknown key 'columns.phase.answer'"),
        ("name: x\nname: y\ncolumns: {}\n", "duplicate key 'name'"),
    ],
)
def test_codebook_mistakes_are_refused_with_the_key(tmp_path, text, expected):
    path = tmp_path / "cb.yaml"
    path.write_text(text)
    with pytest.raises(ParamsError) as err:
        load_codebook(str(path))
    assert expected in str(err.value)


def test_codebook_question_missing_from_the_export_names_the_closest_header(tmp_path):
    export = limesurvey_export(load_wave(SAMPLE, "2023").responses.head(2), load_codebook("mpsc_2023").codebook)
    (tmp_path / "wave_2023.csv").write_bytes(export.replace(b'"G06Q01"', b'"G06Q01x"'))
    with pytest.raises(DataError, match=r"'G06Q01' for 'positions_new' \(closest header: 'G06Q01x'\)"):
        load(tmp_path, format="limesurvey", codebook="mpsc_2023")


# --- header rows people make (issue 14) -----------------------------------------------------------------------------


def write_grouped_xlsx(path, header, rows, groups, sheet="Antworten"):
    """A sheet whose row 1 holds merged group headers (``groups``: (title, first column, last column), 1-based)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for title, first, last in groups:
        ws.cell(row=1, column=first, value=title)
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for number, values in enumerate([header, *rows], start=2):
        for column, value in enumerate(values, start=1):
            ws.cell(row=number, column=column, value=int(value) if value.isdigit() else (value or None))
    book.save(path)
    return path


@pytest.mark.parametrize("groups", [[("Stammdaten", 1, 5), ("Antworten", 6, 31)], [("Stammdaten", 1, 31)]])
def test_xlsx_group_header_is_recognised_and_header_row_reads_it(tmp_path, groups):
    header, rows = sample_rows(3)
    groups = [(title, first, min(last, len(header))) for title, first, last in groups]
    write_grouped_xlsx(tmp_path / "wave_2023.xlsx", header, rows, groups)
    with pytest.raises(DataError) as err:
        load(tmp_path, format="xlsx", sheet="Antworten")
    message = str(err.value)
    assert message.startswith("wave_2023.xlsx sheet 'Antworten' row 1 looks like a group header ('Stammdaten'")
    assert message.endswith("the column names are in row 2 — set `intake: {header_row: 2}`.")
    wave = load(tmp_path, format="xlsx", sheet="Antworten", header_row=2)
    pd.testing.assert_frame_equal(wave.responses, load_wave(SAMPLE, "2023").responses.head(3))


def test_xlsx_with_header_row_names_cells_of_the_rows_below(tmp_path):
    header, rows = sample_rows(3)
    set_cell(header, rows[1], "positions_new", "-3")
    write_grouped_xlsx(tmp_path / "wave_2023.xlsx", header, rows, [("Stammdaten", 1, 5)])
    (failure,) = failures(tmp_path, format="xlsx", sheet="Antworten", header_row=2)
    letter = openpyxl.utils.get_column_letter(header.index("positions_new") + 1)
    assert failure.describe().startswith(f"wave_2023.xlsx sheet 'Antworten' cell {letter}4, column 'positions_new'")


def test_xlsx_header_messages_name_sheet_and_cells_never_lines(tmp_path):
    header, rows = sample_rows(2)
    unnamed = list(header)
    unnamed[2] = ""
    write_xlsx(tmp_path / "wave_2023.xlsx", unnamed, rows)
    with pytest.raises(DataError) as err:
        load(tmp_path, format="xlsx", sheet="Antworten")
    assert str(err.value).startswith("wave_2023.xlsx sheet 'Antworten' row 1: no column name in cell C1;")
    assert "line" not in str(err.value)
    doubled = list(header)
    doubled[3] = header[0]
    write_xlsx(tmp_path / "wave_2023.xlsx", doubled, rows)
    with pytest.raises(
        DataError,
        match=r"sheet 'Antworten' row 1: duplicate column name\(s\) 'respondent_id' "
        r"\(cells A1 and D1\)",
    ):
        load(tmp_path, format="xlsx", sheet="Antworten")


def test_xlsx_header_row_on_an_empty_row_says_where_the_names_seem_to_be(tmp_path):
    header, rows = sample_rows(2)
    write_grouped_xlsx(tmp_path / "wave_2023.xlsx", header, rows, [("Stammdaten", 1, 5)])
    book = openpyxl.load_workbook(tmp_path / "wave_2023.xlsx")
    book["Antworten"].insert_rows(1, amount=2)
    book.save(tmp_path / "wave_2023.xlsx")
    with pytest.raises(
        DataError, match=r"sheet 'Antworten' row 1 is empty, .* in row 3 — set `intake: \{header_row: 3\}`"
    ):
        load(tmp_path, format="xlsx", sheet="Antworten")


def test_csv_group_header_line_is_recognised_and_header_row_reads_it(tmp_path):
    header, rows = sample_rows(3)
    set_cell(header, rows[2], "positions_new", "-3")
    groups = ["Stammdaten", *[""] * 4, "Antworten", *[""] * (len(header) - 6)]
    path = write_wave(tmp_path, header, rows)
    path.write_text(",".join(groups) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(tmp_path)
    assert str(err.value) == (
        "wave_2023.csv line 1 looks like a group header ('Stammdaten', 'Antworten' above several columns); the "
        "column names are in the next line — set `intake: {header_row: 2}`."
    )
    (failure,) = failures(tmp_path, header_row=2)
    assert failure.line == 5 and failure.column == "positions_new"  # physical lines stay right


def test_header_row_is_validated_and_left_out_of_the_colophon_when_1():
    with pytest.raises(ValueError, match="header_row"):
        IntakeParams(header_row=0)
    assert "header_row" not in IntakeParams().model_dump()
    assert IntakeParams(format="xlsx", sheet="Daten", header_row=2).model_dump()["header_row"] == 2


# --- library words stay inside (issue 14) ---------------------------------------------------------------------------


def _rewrite_member(path, member, change):
    """Rewrite one part of an .xlsx (a zip) with ``change(bytes) -> bytes``."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info] = archive.read(info.filename)
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in parts.items():
            if member is None or info.filename != member:
                archive.writestr(info, data if member is not None or info.filename != "xl/workbook.xml" else b"")
            else:
                archive.writestr(info, change(data))


def _our_sentence_then_detail(error: Exception) -> tuple[str, str]:
    message, _, detail = str(error).partition("\n  detail: ")
    assert detail, "the library's words belong in a detail line"
    return message, detail


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_workbook_with_xml_entity_declarations_is_refused_in_our_words(tmp_path, member):
    path = write_xlsx(tmp_path / "wave_2023.xlsx", *sample_rows(2))
    _rewrite_member(path, member, lambda xml: b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + xml)
    with pytest.raises(DataError) as err:
        load(tmp_path, format="xlsx", sheet="Antworten")
    message, detail = _our_sentence_then_detail(err.value)
    assert message.startswith("wave_2023.xlsx contains XML document-type or entity declarations")
    assert message.endswith("save it again as .xlsx, or export the answers as CSV.")
    assert "Please see the exception" not in message and f"in the part {member}" == detail  # refused before parsing


def test_workbook_with_a_missing_part_is_named_damaged_with_the_reason_as_detail(tmp_path):
    path = write_xlsx(tmp_path / "wave_2023.xlsx", *sample_rows(2))
    _rewrite_member(path, "xl/workbook.xml", lambda xml: b"<workbook")  # broken XML
    with pytest.raises(DataError) as err:
        load(tmp_path, format="xlsx", sheet="Antworten")
    message, detail = _our_sentence_then_detail(err.value)
    assert (
        message
        == "wave_2023.xlsx is not a readable Excel workbook (a part is missing or damaged); save it again as .xlsx."
    )
    assert "Error" in detail


def test_zip_container_that_cannot_be_opened_is_a_damaged_excel_file(tmp_path):
    path = write_xlsx(tmp_path / "wave_2023.xlsx", *sample_rows(2))
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central : central + 4] = b"XX\x01\x02"  # the end record still says zip; the directory is broken
    path.write_bytes(bytes(data))
    with pytest.raises(DataError) as err:
        load(tmp_path, format="xlsx", sheet="Antworten")
    message, detail = _our_sentence_then_detail(err.value)
    assert message.startswith("wave_2023.xlsx is a damaged Excel file") and "BadZipFile" in detail


def test_unterminated_quote_keeps_the_csv_module_words_in_the_detail(tmp_path):
    header, rows = sample_rows(3)
    text = csv_text(header, rows).replace("R2023-002,", 'R2023-002,"ulm', 1)
    (tmp_path / "wave_2023.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(tmp_path)
    message, detail = _our_sentence_then_detail(err.value)
    assert "cannot be read as CSV — a quoted field is probably never closed" in message and "Error:" in detail


def test_a_folder_where_the_export_should_be_is_said_in_our_words(tmp_path):
    (tmp_path / "wave_2023.csv").mkdir()
    with pytest.raises(DataError) as err:
        load(tmp_path)
    message, detail = _our_sentence_then_detail(err.value)
    assert message.endswith("wave_2023.csv: cannot be read (a folder, or a broken disk?).")
    assert "IsADirectoryError" in detail


def test_unreadable_export_says_permission_denied(tmp_path, monkeypatch):
    write_wave(tmp_path, *sample_rows(2))
    read_bytes = type(tmp_path).read_bytes

    def refuse_the_export(self):
        if self.name == "wave_2023.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(type(tmp_path), "read_bytes", refuse_the_export)
    with pytest.raises(DataError) as err:
        load(tmp_path)
    message, detail = _our_sentence_then_detail(err.value)
    assert "permission denied; give the user running the build read access" in message and "PermissionError" in detail


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"project_id,name\nulm,Ulm\nkiel,Kiel,extra\n", "line 3: cannot be read as CSV"),
        (b"", "is empty: no header, no rows."),
    ],
)
def test_register_that_pandas_cannot_parse_is_said_in_our_words(tmp_path, content, expected):
    path = tmp_path / "projects.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_register(path)
    message, detail = _our_sentence_then_detail(err.value)
    assert expected in message and ("ParserError" in detail or "EmptyDataError" in detail)
