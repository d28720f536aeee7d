"""Project factsheet: finding the project, its header and highlight blocks, and end to end two A4 pages."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from pypdf import PdfReader
from survey_files import write_sample_wave

from mpsc_report import Factsheet, FactsheetParams, open_factsheet
from mpsc_report.analysis.formatting import NBSP, format_median
from mpsc_report.analysis.words import MESSAGES
from mpsc_report.data.load import load_register, package_data_dir
from mpsc_report.data.schema import SAMPLE_NOTICE
from mpsc_report.documents.blocks import SHORTENED_MARK
from mpsc_report.documents.contract import LAYOUTS as _LAYOUTS
from mpsc_report.documents.export import export_html_and_pdf
from mpsc_report.documents.factsheet import FACTSHEET_LAYOUT, find_project
from mpsc_report.errors import DataError, ParamsError
from mpsc_report.pipeline.build import validate_data
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "project_factsheet.ipynb"
SAMPLE = package_data_dir() / "sample"
A4 = (595.28, 841.89)


def params(project: str = "solingen", wave: str = "2023", language: str = "de") -> FactsheetParams:
    return FactsheetParams.from_notebook(wave=wave, project=project, report_date="2024-02-07", language=language)


# --------------------------------------------------------------------------- finding the project


@pytest.mark.parametrize(
    ("key", "suggested"),
    [("solingn", "solingen"), ("kiel", "smarte-kielregion"), ("ulmm", "ulm"), ("osnabruck", "osnabrueck")],
)
def test_unknown_project_names_the_key_and_suggests_close_matches(key, suggested):
    with pytest.raises(ParamsError) as info:
        find_project(load_register(), key)
    message = str(info.value)
    assert repr(key) in message and repr(suggested) in message and "projects.csv" in message


def test_unknown_project_without_anything_close():
    with pytest.raises(ParamsError, match="No key is similar"):
        open_factsheet(params("zzzzzz"))


def test_unknown_wave_lists_the_waves():
    with pytest.raises(DataError, match=r"wave '2030' not found .*2021, 2022, 2023"):
        open_factsheet(params(wave="2030"))


def test_factsheet_loads_waves_up_to_its_own():
    sheet = open_factsheet(params(wave="2022"))
    assert sorted(sheet.waves) == ["2021", "2022"]
    assert list(sheet.trend().index) == ["2021", "2022"]


# --------------------------------------------------------------------------- blocks


def test_header_carries_the_factsheet_layout_for_the_exporters():
    block = open_factsheet(params("brandis-partheland")).header()
    meta = block.metadata["mpsc_report"]
    assert meta["role"] == "title-page" and meta["layout"] == FACTSHEET_LAYOUT in _LAYOUTS
    assert meta["title"] == "Steckbrief Brandis/Partheland" and meta["notice"] == SAMPLE_NOTICE
    assert "<h1" in block.html and "Kooperation Brandis/Partheland (Borsdorf" in block.html
    assert "Staffel 2019 · interkommunale Kooperation · Sachsen" in block.html


def test_a_factsheet_draws_no_trend_chart_without_two_waves_of_answers():
    dresden = open_factsheet(params("dresden", wave="2021"))  # no answers in the only wave: no empty chart
    block = dresden.trend_figure(dresden.trend(), "Kennzahlen je Befragungswelle", source=dresden.trend_source)
    assert "<figure" not in block.html
    assert (
        block.text
        == "Eine Abbildung der Entwicklung folgt, sobald Angaben aus mehr als einer Befragungswelle vorliegen."
    )
    solingen = open_factsheet(params(wave="2022"))
    block = solingen.trend_figure(solingen.trend(), "Kennzahlen je Befragungswelle", source=solingen.trend_source)
    assert "<figure" in block.html


def test_highlight_is_escaped_and_long_ones_are_shortened_visibly():
    sheet = open_factsheet(params())
    responses = sheet.current.responses.copy()
    hostile = "<script>alert(1)</script> " + "Sehr lang. " * 60
    responses.loc[responses["project_id"] == "solingen", "highlight"] = hostile
    waves = {**sheet.waves, sheet.params.wave: replace(sheet.current, responses=responses)}
    sheet = Factsheet(sheet.params, replace(sheet.data, waves=waves), sheet.project)
    html = sheet.highlight().html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert SHORTENED_MARK.strip() in html


def test_missing_highlight_and_missing_answers_read_plainly():
    sheet = open_factsheet(params("osnabrueck", wave="2022"))
    assert sheet.answer is None and not sheet.comparison.answered
    assert "kein Highlight" in sheet.highlight().html
    assert "Umsetzungsphase" not in sheet.header().html


def test_comparison_table_names_the_project_and_its_groups():
    table = open_factsheet(params("brandis-partheland")).comparison_table()
    assert list(table.index) == [
        "Brandis/Partheland",
        "Median Staffel 2019",
        "Median der interkommunalen Kooperationen",
    ]
    assert list(table.columns)[:2] == ["Neue Datensätze", "Partizipative Aktivitäten"]
    english = open_factsheet(params("ulm", language="en")).comparison_table()
    assert list(english.index) == ["Ulm", "Median of cohort 2019", "Median of cities"]
    assert list(english.columns)[:2] == ["New datasets", "Participatory activities"]


def test_english_header_and_notes_come_from_the_catalogue():
    sheet = open_factsheet(params("brandis-partheland", language="en"))
    header = sheet.header()
    assert header.metadata["mpsc_report"]["title"] == "Factsheet Brandis/Partheland"
    assert header.metadata["mpsc_report"]["notice"] == "Sample data — not official results"
    assert "Cohort 2019 · inter-municipal cooperation · Sachsen · Implementation phase" in header.html
    assert "Survey wave 2023 · As of 7 February 2024" in header.html
    missing = open_factsheet(params("osnabrueck", wave="2022", language="en"))
    # Osnabrück did not answer 2022: it did not "name no highlight", it gave no answer at all
    assert "No answer in this wave, so no highlight." in missing.highlight().html


# --------------------------------------------------------------------------- end to end


def _run(project: str, wave: str, out: Path, language: str = "de") -> tuple[str, bytes]:
    executed = out / f"{project}-{wave}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(executed),
        parameters=params(project, wave, language).to_notebook(),
        kernel_name="mpsc-report",
        cwd=str(NOTEBOOK.parent),
        execution_timeout=120,
        progress_bar=False,
        log_output=False,
    )
    html, pdf = export_html_and_pdf(nbformat.read(executed, as_version=4))
    (out / f"{project}-{wave}.pdf").write_bytes(pdf)
    return html, pdf


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace(NBSP, " "))


def _raw(wave: str) -> pd.DataFrame:
    """The wave as plain pandas reads it, independent of the package's loader and metrics."""
    answers = pd.read_csv(SAMPLE / f"wave_{wave}.csv", dtype={"project_id": str})
    register = pd.read_csv(ROOT / "mpsc_report" / "data" / "projects.csv", dtype=str)
    return answers.merge(register[["project_id", "cohort", "kind"]], on="project_id")


def _assert_two_a4_pages_with_notice(
    pdf: bytes, notice: str = SAMPLE_NOTICE, footer: str = "Seite {number} von 2"
) -> PdfReader:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for number, page in enumerate(reader.pages, start=1):
        assert abs(float(page.mediabox.width) - A4[0]) < 1.5 and abs(float(page.mediabox.height) - A4[1]) < 1.5
        text = unicodedata.normalize("NFKC", page.extract_text())  # the PDF's "ffi" ligature back to letters
        assert notice in text and footer.format(number=number) in text
    return reader


@pytest.fixture(scope="module")
def solingen(tmp_path_factory):
    out = tmp_path_factory.mktemp("factsheet")
    html, pdf = _run("solingen", "2023", out)
    return out, html, pdf


@pytest.mark.e2e
def test_solingen_2023_states_its_numbers_and_medians(solingen):
    _, html, _ = solingen
    text = _text(html)
    raw = _raw("2023")
    own = raw[raw["project_id"] == "solingen"].iloc[0]
    cohort = raw[raw["cohort"] == "2019"]["datasets_total"].median()
    kind = raw[raw["kind"] == "Großstadt"]["datasets_total"].median()
    expected = (
        f"{format_median(own['datasets_total'])} neu erhobene Datensätze – Median der Staffel 2019: "
        f"{format_median(cohort)}, der Großstädte: {format_median(kind)}"
    )
    assert expected in text
    partners = pd.read_csv(SAMPLE / "partners_2023.csv", dtype=str)
    named = partners[partners["project_id"] == "solingen"]
    assert f"Solingen nennt {len(named)} Partnerkommunen" in text
    assert "In Welle 2023 meldet Solingen:" in text and "Steckbrief" in text and SAMPLE_NOTICE in text
    assert 'class="mpsc-toc"' not in html
    assert html.count('<figure class="mpsc-figure"') == 2


@pytest.mark.e2e
def test_solingen_2023_prints_two_a4_pages_with_embedded_fonts(solingen):
    out, _, pdf = solingen
    reader = _assert_two_a4_pages_with_notice(pdf)
    assert "Steckbrief Solingen · Welle 2023" in reader.pages[0].extract_text()
    assert "Zusammenarbeit" in reader.pages[1].extract_text()  # page 2 starts with the cooperation section
    listing = subprocess.run(
        ["pdffonts", str(out / "solingen-2023.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing and all(line.split()[-5] == "yes" for line in listing), listing


@pytest.mark.e2e
def test_a_project_without_answers_in_the_wave_says_so_on_two_pages(tmp_path):
    html, pdf = _run("osnabrueck", "2022", tmp_path)
    text = _text(html)
    assert "Für diese Welle liegen keine Antworten von Osnabrück vor" in text
    assert "keine Angaben zu Partnerkommunen" in text
    assert "kein Highlight" in text
    _assert_two_a4_pages_with_notice(pdf)


@pytest.mark.e2e
def test_solingen_2023_passes_the_qa_gates_and_ends_with_its_provenance(solingen):
    from mpsc_report.data.load import file_sha256
    from mpsc_report.documents import qa

    out, html, pdf = solingen
    executed = nbformat.read(out / "solingen-2023.ipynb", as_version=4)
    assert qa.check_notebook(executed) == []
    page_two = PdfReader(io.BytesIO(pdf)).pages[1].extract_text().replace("\n", " ")
    # Issue 11: one provenance line; the files with their SHA-256 are in the metadata and the sidecar, not the page.
    assert "Datenstand: Befragungswelle 2023; erzeugt mit mpsc-report" in page_two and "Begleitdatei" in page_two
    assert file_sha256(SAMPLE / "wave_2023.csv")[:12] not in page_two
    assert 'name="mpsc:data-files"' in html


# --------------------------------------------------------------------------- the wave's own data path (issue 9)

WAVE_PARAMS = """\
wave: "2023"
title: "Halbzeitbilanz"
field_start: "2023-11-13"
field_end: "2023-12-15"
report_date: "2024-02-07"
data: "data"
"""


def _params_folder(tmp_path: Path, extra: str = "", style: str = "cp1252") -> Path:
    """A params folder whose data folder holds the 2021-2023 sample waves written as ``style``."""
    params_dir = tmp_path / "params"
    for wave in ("2021", "2022", "2023"):
        intake = write_sample_wave(params_dir / "data", wave, style)
    settings = ", ".join(f'{k}: "{v}"' for k, v in intake.items())
    (params_dir / "2023.yaml").write_text(WAVE_PARAMS + f"intake: {{{settings}}}\n" + extra, encoding="utf-8")
    return params_dir


def test_factsheets_read_a_cp1252_semicolon_wave_with_its_intake_settings(tmp_path):
    """Issue 9: the wave report read it, but every factsheet failed with "not valid UTF-8 … set `intake: …`"."""
    params_dir = _params_folder(tmp_path)
    units = plan_units(params_dir, tmp_path / "out", kinds=("report", "factsheet"), projects=["solingen"])
    for unit in units:
        validate_data(unit)  # the pre-check of every unit, report and factsheet alike
    (factsheet,) = (u for u in units if u.kind == "factsheet")
    sheet = open_factsheet(factsheet.params)
    bundled = open_factsheet(params("solingen"))
    assert sheet.comparison.table.equals(bundled.comparison.table)
    assert sheet.trend().equals(bundled.trend())
    assert sheet.partners().equals(bundled.partners())


def test_english_params_give_english_factsheets_instead_of_refusing_the_build(tmp_path):
    """Issue 9: `language: "en"` made `build --all` refuse the whole build (factsheets accepted only "de")."""
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    text = (ROOT / "params" / "2023.yaml").read_text(encoding="utf-8").replace('language: "de"', 'language: "en"')
    (params_dir / "2023.yaml").write_text(text, encoding="utf-8")
    units = plan_units(params_dir, tmp_path / "out", kinds=("report", "factsheet"))
    assert len(units) == 1 + 73
    assert {u.params.language for u in units} == {"en"}
    assert open_factsheet(units[1].params).language == "en"


def _german_words() -> list[str]:
    """The German words of the catalogue: each entry's text between its placeholders, unless English has it too."""
    english = " ".join(MESSAGES["en"].values())
    fragments = {
        fragment.strip(" .:,;–()") for text in MESSAGES["de"].values() for fragment in re.split(r"\{[^}]*\}", text)
    }
    return sorted(f for f in fragments if len(f) >= 4 and re.search(r"[a-zäöüß]", f) and not _has_words(english, f))


def _has_words(text: str, words: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


@pytest.mark.e2e
@pytest.mark.parametrize(("project", "wave"), [("solingen", "2023"), ("osnabrueck", "2022")])
def test_english_factsheet_has_no_german_words_of_the_catalogue(tmp_path, project, wave):
    html, pdf = _run(project, wave, tmp_path, language="en")
    body = html.split("<body", 1)[1]
    # The free-text answers are quoted in German, as given, and the publisher is a name; everything else is English.
    body = re.sub(r'<div class="mpsc-quotes" lang="de">.*?</div>', " ", body, flags=re.DOTALL)
    alt_texts = " ".join(re.findall(r'alt="([^"]*)"', body))
    text = _text(f"{body} {alt_texts}").replace(params().publisher, " ")
    assert len(_german_words()) > 200
    assert [words for words in _german_words() if _has_words(text, words)] == []
    assert '<html lang="en">' in html and "Factsheet" in text
    assert "Sample data — not official results" in text and "Key figures compared" in text
    if project == "solingen":
        assert "In wave 2023, Solingen reports:" in text and "median of cohort 2019" in text
    else:
        assert "There are no answers from Osnabrück for this wave" in text
    _assert_two_a4_pages_with_notice(pdf, notice="Sample data — not official results", footer="Page {number} of 2")
