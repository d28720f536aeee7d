"""Open data beside every document: Tabellenband, CSV files, datapackage.json, links — read back and compared.

Small contracts written here check the writers cell by cell (number formats, empty cells for unknown values,
formula injection); the built 2023 report and factsheets (conftest) check that every value in the files is the
number the document records, that frictionless accepts the data package and that the links work in the folder.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pikepdf
import pytest
from bs4 import BeautifulSoup
from frictionless import validate

from mpsc_report.documents import contract
from mpsc_report.documents.contract import Document, read_document, same_number
from mpsc_report.documents.opendata import (
    FOLDER_SUFFIX,
    FOLDER_SUFFIXES,
    Downloads,
    add_download_links,
    open_data_files,
    read_back_numbers,
)
from mpsc_report.documents.opendata.sheets import sheets
from mpsc_report.documents.opendata.workbook import FORMATS, HEADER_ROW
from mpsc_report.pipeline import units
from mpsc_report.pipeline.batch import BatchOptions, run_batch
from mpsc_report.pipeline.consistency import check_manifest, open_data_unit
from mpsc_report.pipeline.fingerprint import Fingerprinter
from mpsc_report.pipeline.manifest import Manifest, RunRecord, UnitEntry, build_reason, read_manifest
from mpsc_report.pipeline.progress import Progress
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]

#: Free text a respondent could type that a spreadsheet would run as a formula.
HOSTILE = [
    '=HYPERLINK("http://127.0.0.1:9/x","klick")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _document(caption: str = "Neue Stellen nach Art der Kommune", names: list[str] | None = None) -> Document:
    """A small document: a figure with a data table, a table with text, unknown and zero cells, a colophon."""
    names = names or ["Aschaffenburg", "Ludwigsburg"]
    figure = contract.Figure(
        number=1,
        caption=caption,
        alt="Balken",
        data_points=2,
        numbers={"positions_new[kind=large_city]": 148, "positions_new[kind=county]": 0},
        data=contract.TableData(
            index_label="Art der Kommune",
            columns=(contract.Column(label="Neue Stellen", code="positions_new", kind="int"),),
            rows=(
                contract.Row(
                    label="Großstadt", code="large_city", cells=[148.0], keys=["positions_new[kind=large_city]"]
                ),
                contract.Row(label="Landkreis", code="county", cells=[0.0], keys=["positions_new[kind=county]"]),
            ),
        ),
    )
    keys = ["response_rate[cohort=2019]", "response_rate[cohort=2020]"]
    table = contract.Table(
        number=1,
        caption="Rücklauf nach Staffel",
        numbers={keys[0]: 100.0, keys[1]: None},
        data=contract.TableData(
            index_label="Staffel",
            columns=(
                contract.Column(label="Rücklauf", code="response_rate", kind="percent"),
                contract.Column(label="Partner", code="names", kind="text"),
            ),
            rows=(
                contract.Row(label="Staffel 2019", code="2019", cells=[1.0, names[0]], keys=[keys[0], None]),
                contract.Row(label="Staffel 2020", code="2020", cells=[None, names[1]], keys=[keys[1], None]),
            ),
        ),
    )
    colophon = contract.Colophon(wave="2023", numbers={"datasets_total": 1043, "continuation_share": 63.9})
    blocks = [contract.TitlePage(title="Testbericht", wave="2023", sample_data=True), figure, table, colophon]
    return Document(
        title_page=blocks[0],
        blocks=tuple(contract.Placed(cell=i, output=0, block=b) for i, b in enumerate(blocks, start=1)),
        last_code_cell=len(blocks),
    )


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def _all_cells(book: openpyxl.Workbook):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


# --- the writers, cell by cell --------------------------------------------------------------------------------


def test_the_tabellenband_stores_numbers_as_numbers_with_german_formats_and_unknown_as_an_empty_cell(tmp_path):
    document = _document()
    files = open_data_files(document, Downloads("bericht"))
    book = openpyxl.load_workbook(io.BytesIO(files["bericht.xlsx"]))
    assert book.sheetnames == ["Inhalt", "Abb. 1", "Tab. 1", "Alle Zahlen", "Definitionen"]
    figure = book["Abb. 1"]
    assert figure["A1"].value == "Abbildung 1: Neue Stellen nach Art der Kommune"
    assert figure["A2"].value == "Beispieldaten – keine amtlichen Ergebnisse"
    assert [c.value for c in figure[HEADER_ROW]] == ["Art der Kommune", "Neue Stellen (Anzahl)"]
    large, county = figure.cell(HEADER_ROW + 1, 2), figure.cell(HEADER_ROW + 2, 2)
    assert (large.value, large.data_type, large.number_format) == (148, "n", FORMATS["int"])
    assert (county.value, county.number_format) == (0, FORMATS["int"])  # shown as "–", stored as 0
    assert figure.freeze_panes == f"B{HEADER_ROW + 1}"
    assert figure.column_dimensions["A"].width >= len("Großstadt")  # the widest value fits …
    assert figure.cell(HEADER_ROW, 1).alignment.wrap_text  # … and a header wraps between its words
    notes = [c.value for c in figure["A"] if isinstance(c.value, str)]
    assert any(n.startswith("Quelle: MPSC-Monitoring, Welle 2023") for n in notes)
    assert any(n.startswith("Neue Stellen: Stellen, die in der geförderten Kommune") for n in notes)
    table = book["Tab. 1"]
    assert [c.value for c in table[HEADER_ROW]] == ["Staffel", "Rücklauf (in %)", "Partner"]
    rate = table.cell(HEADER_ROW + 1, 2)
    assert (rate.value, rate.number_format) == (100.0, FORMATS["percent"])  # per cent, as the document prints it
    assert table.cell(HEADER_ROW + 2, 2).value is None  # unknown: empty, never 0 …
    assert any("leere Zelle = „.“" in str(c.value) for c in table["A"])  # … and the legend says so
    numbers = book["Alle Zahlen"]
    listed = {row[4].value: (row[1].value, row[3].value) for row in numbers.iter_rows(min_row=HEADER_ROW + 1)}
    assert listed["response_rate[cohort=2020]"] == (None, ".")
    assert listed["datasets_total"] == (1043, None)
    contents = book["Inhalt"]
    assert contents.cell(HEADER_ROW + 1, 1).hyperlink.location == "'Abb. 1'!A1"
    frame = pd.read_excel(io.BytesIO(files["bericht.xlsx"]), sheet_name="Abb. 1", header=HEADER_ROW - 1, nrows=2)
    assert frame["Neue Stellen (Anzahl)"].tolist() == [148, 0]


def test_csv_files_for_excel_and_for_machines(tmp_path):
    files = open_data_files(_document(), Downloads("bericht"))
    excel = files[f"bericht{FOLDER_SUFFIX}/tabelle-01_excel.csv"]
    assert excel.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Staffel", "Rücklauf (in %)", "Partner"]
    assert rows[1:] == [["Staffel 2019", "100", "Aschaffenburg"], ["Staffel 2020", "", "Ludwigsburg"]]
    zahlen = files[f"bericht{FOLDER_SUFFIX}/zahlen_excel.csv"].decode("utf-8-sig")
    assert ";63,9;" in zahlen  # decimal comma, no thousands separator: German Excel reads a number
    plain = files[f"bericht{FOLDER_SUFFIX}/zahlen.csv"]
    assert not plain.startswith("\ufeff".encode())
    numbers = {r["key"]: r["value"] for r in csv.DictReader(io.StringIO(plain.decode("utf-8")))}
    assert numbers["continuation_share"] == "63.9" and numbers["datasets_total"] == "1043"
    assert numbers["response_rate[cohort=2020]"] == ""


def test_the_data_package_is_valid_frictionless(tmp_path):
    files = open_data_files(_document(), Downloads("bericht", ("csv",)))
    assert "bericht.xlsx" not in files
    folder = _write(files, tmp_path) / f"bericht{FOLDER_SUFFIX}"
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "dl-de-by-2.0"
    figure = next(r for r in package["resources"] if r["name"] == "abbildung-01")
    field = figure["schema"]["fields"][-1]
    assert (field["name"], field["type"]) == ("positions_new", "integer")
    assert field["description"].startswith("Stellen, die in der geförderten Kommune")


@pytest.mark.parametrize("payload", HOSTILE)
def test_free_text_is_inert_in_xlsx_and_csv(tmp_path, payload):
    document = _document(caption=payload, names=[payload, "Ulm"])
    files = open_data_files(document, Downloads("bericht"))
    book = openpyxl.load_workbook(io.BytesIO(files["bericht.xlsx"]))
    cells = list(_all_cells(book))
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert f"'{payload}" in texts and payload not in texts
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    for name, data in files.items():
        if not name.endswith(".csv"):
            continue
        delimiter = ";" if name.endswith("_excel.csv") else ","
        fields = [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter) for f in row]
        assert all(not f.startswith(("=", "+", "@", "\t", "\r")) for f in fields), name
        assert all(not f.startswith("-") or f.lstrip("-").replace(",", "").replace(".", "").isdigit() for f in fields)


def test_read_back_numbers_are_the_recorded_ones_and_the_consistency_gate_sees_a_changed_one():
    document = _document()
    downloads = Downloads("bericht")
    files = open_data_files(document, downloads)
    stated = read_back_numbers(files, document, downloads)
    assert set(stated) == {"xlsx", "csv"}
    for numbers in stated.values():
        assert {k: same_number(v) for k, v in numbers.items()} == {
            k: same_number(v) for k, v in document.numbers.items()
        }
    entry = {"kind": "report", "wave": "2023", "notebook": "n", "out_dir": "2023", "stem": "bericht"}
    changed = dict(stated, xlsx={**stated["xlsx"], "datasets_total": 1044})
    unit = UnitEntry(**entry, status="built", numbers=document.numbers, open_data_numbers=changed)
    run = RunRecord(started="", finished="", seconds=0, executor="inline", formats=["xlsx"], force=False, argv=[])
    [disagreement] = check_manifest(Manifest(run=run, units={"2023/report": unit}))
    assert disagreement.key == "datasets_total[wave=2023]"
    assert dict(disagreement.values) == {"2023/report": 1043, "2023/report [csv]": 1043, "2023/report [xlsx]": 1044}
    assert open_data_unit("2023/report", "xlsx") == "2023/report [xlsx]"


def test_links_go_under_each_figure_and_table_and_into_a_section():
    soup = BeautifulSoup(
        '<main><figure id="abbildung-1"></figure><details class="mpsc-figure-data"></details>'
        '<div class="mpsc-table-scroll"><table id="tabelle-1"></table></div>'
        '<section class="mpsc-data-appendix"></section>'
        '<h2>Impressum</h2><section class="mpsc-colophon"></section></main>',
        "html.parser",
    )
    add_download_links(soup, _document(), Downloads("bericht"))
    after_figure = soup.select_one("details").find_next_sibling()
    assert after_figure["class"] == ["mpsc-downloads"]
    hrefs = [a["href"] for a in after_figure.find_all("a")]
    assert hrefs == ["bericht.xlsx", "bericht_daten/abbildung-01_excel.csv", "bericht_daten/abbildung-01.csv"]
    assert "Blatt „Abb. 1“" in after_figure.get_text()
    assert soup.select_one("div.mpsc-table-scroll").find_next_sibling()["class"] == ["mpsc-downloads"]
    section = soup.select_one("section.mpsc-data-appendix").find_previous_sibling()
    assert section.h2.get_text() == "Daten zum Bericht"  # before the appendix: the colophon stays last
    assert "bericht_daten/datapackage.json" in [a["href"] for a in section.find_all("a")]


def test_the_data_folder_suffix_is_the_same_for_the_build_and_the_writers():
    assert units.DATA_FOLDER_SUFFIX == FOLDER_SUFFIX
    assert units.DATA_FOLDER_SUFFIXES == FOLDER_SUFFIXES == {"de": "_daten", "en": "_data"}


def test_an_english_document_names_its_data_folder_in_english(tmp_path):
    document = _document()
    english = document.model_copy(update={"title_page": document.title_page.model_copy(update={"language": "en"})})
    files = open_data_files(english, Downloads("report"))
    assert "report_data/datapackage.json" in files and not [n for n in files if "_daten" in n]
    assert read_back_numbers(files, english, Downloads("report"))["csv"]  # read back from the English folder
    soup = BeautifulSoup(
        '<main><figure id="abbildung-1"></figure><details class="mpsc-figure-data"></details>'
        '<section class="mpsc-data-appendix"></section><h2>Imprint</h2>'
        '<section class="mpsc-colophon"></section></main>',
        "html.parser",
    )
    add_download_links(soup, english, Downloads("report"))
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert "report_data/abbildung-01.csv" in hrefs and "report_data/datapackage.json" in hrefs
    assert not [h for h in hrefs if "_daten" in h]


# --- the built documents --------------------------------------------------------------------------------------


def _built(folder: Path, stem: str) -> tuple[Document, Path, str]:
    return read_document(nbformat.read(folder / f"{stem}.ipynb", as_version=4)), folder, stem


@pytest.fixture(scope="module")
def built_documents(built_reports, built_factsheets):
    from conftest import FACTSHEETS

    found = [_built(built_reports / "2023", "halftime_review")]
    found += [_built(built_factsheets / "2023" / "factsheets", project) for project in FACTSHEETS]
    return found


def fingerprint(unit, options: BatchOptions) -> str:
    return Fingerprinter().unit(unit, options.formats)


def _same(a, b) -> bool:
    return same_number(a) == same_number(b)


@pytest.mark.e2e
def test_every_value_of_the_tabellenband_and_the_csv_files_is_the_documents_recorded_number(built_documents):
    for document, folder, stem in built_documents:
        recorded = document.numbers
        for placed in [*document.figures, *document.tables]:
            for key, value in placed.block.numbers.items():
                assert _same(recorded[key], value), (key, value, recorded[key])
        book = openpyxl.load_workbook(folder / f"{stem}.xlsx")
        assert not [c.coordinate for c in _all_cells(book) if c.data_type == "f"]
        checked = 0
        for table in sheets(document):
            sheet = book[table.sheet_name]
            first = 3 if table.row_units else 2
            data = folder / f"{stem}{FOLDER_SUFFIX}"
            frame = pd.read_csv(data / f"{table.name}.csv", dtype={"row": str})
            excel = pd.read_csv(data / f"{table.name}_excel.csv", sep=";", decimal=",", encoding="utf-8-sig")
            for i, row in enumerate(table.rows):
                for j, key in enumerate(row.keys):
                    if key is None:
                        continue
                    value = sheet.cell(HEADER_ROW + 1 + i, first + j).value
                    expected = recorded[key]
                    if expected is None:
                        assert value is None, (stem, key)
                        assert pd.isna(frame.iloc[i, first + j]) and pd.isna(excel.iloc[i, first + j - 1])
                    else:
                        assert isinstance(value, int | float), (stem, key, value)  # a number, not text
                        assert _same(value, expected), (stem, key, value, expected)
                        assert _same(frame.iloc[i, first + j], expected), (stem, key)
                        assert _same(excel.iloc[i, first + j - 1], expected), (stem, key)
                    checked += 1
        numbers = pd.read_excel(folder / f"{stem}.xlsx", sheet_name="Alle Zahlen", header=HEADER_ROW - 1)
        listed = numbers.dropna(subset=["Schlüssel"]).set_index("Schlüssel")["Wert"]
        assert set(listed.index) == set(recorded)
        for key, expected in recorded.items():
            assert pd.isna(listed[key]) if expected is None else _same(listed[key], expected), (stem, key)
        zahlen = pd.read_csv(folder / f"{stem}{FOLDER_SUFFIX}" / "zahlen.csv").set_index("key")["value"]
        assert all(pd.isna(zahlen[k]) if v is None else _same(zahlen[k], v) for k, v in recorded.items())
        assert checked == sum(1 for t in sheets(document) for r in t.rows for k in r.keys if k is not None)


@pytest.mark.e2e
def test_every_built_data_package_is_valid_frictionless(built_documents):
    for _document, folder, stem in built_documents:
        descriptor = folder / f"{stem}{FOLDER_SUFFIX}" / "datapackage.json"
        report = validate(descriptor)
        assert report.valid, (descriptor, report.flatten(["resourceName", "rowNumber", "fieldName", "note"]))


@pytest.mark.e2e
def test_html_and_pdf_links_to_the_open_data_work_in_the_output_folder(built_documents):
    for document, folder, stem in built_documents:
        html = folder / f"{stem}.html"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select("a.mpsc-download")]
        assert links and all((folder / href).is_file() for href in links), html
        figures_with_data = [f for f in document.figures if f.block.data is not None]
        if document.layout == "report":
            assert len(soup.select("p.mpsc-downloads")) == len(figures_with_data) + len(document.tables)
            assert soup.select_one("section.mpsc-opendata h2").get_text() == "Daten zum Bericht"
        uris = []
        with pikepdf.open(html.with_suffix(".pdf")) as pdf:
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots", ()):
                    action = annotation.get("/A")
                    if action is not None and "/URI" in action:
                        uris.append(str(action.URI))
        assert uris and all((folder / uri).is_file() for uri in uris), uris  # relative, and the file is there


@pytest.mark.e2e
def test_a_hostile_partner_name_is_inert_in_the_built_open_data(tmp_path):
    """Partner names are free text from the survey's partner list; they reach the factsheet's partner table."""
    from survey_files import SAMPLE

    data = tmp_path / "params" / "data"
    shutil.copytree(SAMPLE, data)
    partners = (data / "partners_2023.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(partners))
    koeln = [i for i, row in enumerate(rows) if row[0] == "koeln" and not row[2]]
    for index, payload in zip(koeln, HOSTILE[:2], strict=False):
        rows[index][1] = payload
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (data / "partners_2023.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (tmp_path / "params" / "2023.yaml").write_text(
        'wave: "2023"\ntitle: "Feindliche Namen"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\n'
        'report_date: "2024-02-07"\ndata: "data"\n',
        encoding="utf-8",
    )
    notebook = ROOT / "notebooks" / "halftime_review.ipynb"
    out = tmp_path / "out"
    (unit,) = plan_units(tmp_path / "params", out, notebook, kinds=("factsheet",), projects=["koeln"])
    unit.data_folder.mkdir(parents=True)
    (unit.data_folder / "tabelle-99.csv").write_text("a table of an earlier build\n", encoding="utf-8")
    options = BatchOptions(formats=("xlsx", "csv"), jobs=0)
    [result] = run_batch([unit], out, options, progress=Progress(1, stream=io.StringIO())).results
    assert result.status == "built", result.error
    assert not unit.output(".html").exists()  # only the formats asked for
    assert not (unit.data_folder / "tabelle-99.csv").exists()  # no file of an earlier build stays
    entry = read_manifest(out).units[unit.unit_id]
    assert {"ipynb", "xlsx", "daten/datapackage.json", "daten/tabelle-02_excel.csv"} <= set(entry.outputs)
    assert set(entry.open_data_numbers) == {"xlsx", "csv"} and entry.open_data_numbers["csv"]
    [again] = run_batch([unit], out, options, progress=Progress(1, stream=io.StringIO())).results
    assert again.status == "skipped"  # the open data count for skipping like the other outputs …
    (unit.data_folder / "zahlen.csv").unlink()
    assert build_reason(read_manifest(out).units[unit.unit_id], fingerprint(unit, options), out)[0] == "outputs"
    book = openpyxl.load_workbook(unit.output(".xlsx"))
    cells = list(_all_cells(book))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(any(payload in text for text in texts) for payload in HOSTILE[:2])
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]
    partner_csv = (unit.data_folder / "tabelle-02_excel.csv").read_text(encoding="utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(partner_csv), delimiter=";") for f in row]
    assert not [f for f in fields if f.startswith(("=", "+", "@"))]
    assert any(HOSTILE[0] in f for f in fields)


@pytest.mark.parametrize(
    ("given", "formats"),
    [([], ("html", "pdf", "xlsx", "csv")), (["--format", "xlsx", "--format", "csv"], ("xlsx", "csv"))],
)
def test_build_format_takes_the_open_data_formats_and_defaults_to_all(given, formats, monkeypatch, tmp_path):
    from mpsc_report import cli

    seen = {}

    def run(units, output_dir, options, *rest, **kw):
        seen["formats"] = options.formats
        raise SystemExit(0)

    monkeypatch.setattr(cli, "run_batch", run)
    argv = ["build", "--params-dir", str(ROOT / "params"), "--output-dir", str(tmp_path), "--wave", "2023", *given]
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert seen["formats"] == formats


@pytest.mark.e2e
def test_an_english_report_gets_an_english_tabellenband(built_english):
    folder = built_english / "2023"
    book = openpyxl.load_workbook(folder / "halftime_review.xlsx")
    assert book.sheetnames[:2] == ["Contents", "Fig. 1"] and book.sheetnames[-2:] == ["All numbers", "Definitions"]
    texts = [c.value for c in _all_cells(book) if isinstance(c.value, str)]
    assert any(text.startswith("Source: MPSC monitoring, wave 2023") for text in texts)
    assert not [text for text in texts if text.startswith(("Quelle", "Zeichenerklärung", "Abbildung"))]
    soup = BeautifulSoup((folder / "halftime_review.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("section.mpsc-opendata h2").get_text() == "Data of the report"
    assert soup.select_one("p.mpsc-downloads").get_text().startswith("Data: Tables (XLSX), sheet “Fig. 1”")
    assert (folder / "halftime_review_data" / "datapackage.json").is_file()  # the folder named in English
    assert not (folder / "halftime_review_daten").exists()
