"""The document contract: blocks write it strictly, read_document reads it back leniently and safely."""

from __future__ import annotations

import io
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pydantic import ValidationError
from pypdf import PdfReader, PdfWriter

import mpsc_report as mr
from mpsc_report.analysis import charts, metrics, narrative
from mpsc_report.data.schema import SAMPLE_NOTICE
from mpsc_report.documents import contract
from mpsc_report.documents.contract import (
    Colophon,
    Figure,
    KeyFigures,
    Narrative,
    Table,
    TitlePage,
    finite_numbers,
    read_block,
    read_document,
)
from mpsc_report.documents.export import ReportHTMLExporter, export_html

ROOT = Path(__file__).resolve().parents[1]


def notebook(*cells) -> nbformat.NotebookNode:
    """An executed notebook: a Block (or a raw metadata dict) becomes a code cell displaying it, a str markdown."""
    nb = new_notebook()
    for count, cell in enumerate(cells, start=1):
        if isinstance(cell, str):
            nb.cells.append(new_markdown_cell(cell))
            continue
        data, metadata = cell._repr_mimebundle_() if hasattr(cell, "_repr_mimebundle_") else ({"text/plain": ""}, cell)
        output = new_output("display_data", data=data, metadata=metadata)
        nb.cells.append(new_code_cell("x", execution_count=count, outputs=[output]))
    return nbformat.reads(nbformat.writes(nb), as_version=4)  # as papermill leaves it on disk


def raw(**fields) -> dict:
    return {"mpsc_report": fields}


@pytest.fixture(scope="module")
def report() -> mr.Report:
    return mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))


@pytest.fixture(scope="module")
def report_document(report) -> contract.Document:
    kf = report.key_figures
    themes = metrics.datasets_by_theme(report.responses)
    return read_document(
        notebook(
            report.title_page(),
            "## Zusammenfassung",
            report.key_figure_tiles(narrative.key_figure_tiles(kf)),
            report.text(narrative.datasets(kf, themes)),
            report.figure(charts.bar_chart(themes, source=report.source), caption="Themen", data=themes),
            report.table(themes.to_frame(), caption="Datensätze nach Thema"),
            report.colophon(),
        )
    )


# ----------------------------------------------------------------------------------------------
# Written by the blocks, read back in one typed shape


def test_a_report_reads_back_with_every_role(report, report_document):
    doc = report_document
    assert (doc.title, doc.wave, doc.language, doc.layout) == (
        "Halbzeitbilanz Modellprojekte Smart Cities",
        "2023",
        "de",
        "report",
    )
    assert doc.sample_data and doc.notice == SAMPLE_NOTICE
    [figure] = doc.figures
    assert (figure.cell, figure.block.number, figure.block.caption) == (5, 1, "Themen")
    assert figure.block.data_points > 0 and figure.block.data_caption == "Daten zu Abbildung 1: Themen"
    assert [(t.block.number, t.block.caption) for t in doc.tables] == [(1, "Datensätze nach Thema")]
    assert [n.cell for n in doc.narrative] == [4] and "Datensätze" in doc.narrative[0].text
    assert doc.key_figures["datasets"] == report.key_figures.datasets and "wave" not in doc.key_figures
    assert doc.numbers["datasets_total"] == report.key_figures.datasets
    assert doc.ends_with_colophon and doc.last_code_cell == 7
    assert doc.provenance is not None and doc.provenance.params["wave"] == "2023"
    assert doc.provenance.files[-1].path == "mpsc_report/data/projects.csv"


def test_a_factsheet_records_its_numbers_in_the_same_shape():
    params = mr.FactsheetParams.from_wave(mr.load_params(ROOT / "params" / "2023.yaml"), "koeln")
    sheet = mr.open_factsheet(params)
    doc = read_document(notebook(sheet.header(), sheet.colophon()))
    assert (doc.title, doc.layout, doc.wave) == ("Steckbrief Köln", "factsheet", "2023")
    row = sheet.comparison.table.iloc[0]
    own = {f"{name}[project=koeln]": float(value) for name, value in row.items()}  # its figures, keyed by indicator
    assert {key: doc.numbers[key] for key in own} == own
    assert doc.key_figures == {} and doc.ends_with_colophon and doc.provenance is not None


def test_stored_form_is_plain_json_and_omits_defaults_it_does_not_need(report):
    stored = report.title_page().metadata["mpsc_report"]
    assert "layout" not in stored and stored["role"] == "title-page"
    assert TitlePage(title="Steckbrief", layout="factsheet").metadata()["mpsc_report"]["layout"] == "factsheet"
    assert "data_caption" not in Figure(number=1, caption="c", alt="a").metadata()["mpsc_report"]
    assert Table(number=2, caption="T").metadata() == {"mpsc_report": {"role": "table", "number": 2, "caption": "T"}}
    json.dumps(report.colophon().metadata, allow_nan=False)


# ----------------------------------------------------------------------------------------------
# Strict when written


@pytest.mark.parametrize(
    "build",
    [
        lambda: TitlePage(title=3),
        lambda: TitlePage(language="fr"),
        lambda: TitlePage(layout="poster"),
        lambda: TitlePage(sample_data="yes"),
        lambda: Figure(number="1"),
        lambda: KeyFigures(figures={"datasets": "1.043"}),
    ],
)
def test_a_block_built_with_a_wrong_type_fails_at_once(build):
    with pytest.raises(ValidationError):
        build()


def test_finite_numbers_turns_numpy_and_nan_into_json_values():
    values = finite_numbers({"a": np.int64(3), "b": np.float64("nan"), "c": float("inf"), "d": 0.5, "e": None})
    assert values == {"a": 3, "b": None, "c": None, "d": 0.5, "e": None}
    assert type(values["a"]) is int
    with pytest.raises(TypeError, match="'x' is '12'"):
        finite_numbers({"x": "12"})


# ----------------------------------------------------------------------------------------------
# Lenient and safe when read


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": {"x": 1}}, {"title": "Bericht"}),
        ({"title": "   "}, {"title": "Bericht"}),
        ({"title": None, "language": "en"}, {"title": "Report", "language": "en"}),
        ({"wave": 2023}, {"wave": "2023"}),
        ({"wave": ["2023"]}, {"wave": ""}),
        ({"language": '"><script>'}, {"language": "de"}),
        ({"layout": 3}, {"layout": "report"}),
        ({"sample_data": "yes", "notice": "Achtung"}, {"sample_data": False, "notice": ""}),
        ({"sample_data": True}, {"notice": SAMPLE_NOTICE}),
        ({"sample_data": True, "notice": " Eigene Notiz "}, {"notice": "Eigene Notiz"}),
    ],
)
def test_a_malformed_title_page_falls_back_field_by_field(fields, expected):
    doc = read_document(notebook(raw(role="title-page", **fields)))
    for name, value in expected.items():
        assert getattr(doc, name) == value, name


@pytest.mark.parametrize(
    "metadata",
    [
        {"mpsc_report": "title-page"},
        {"mpsc_report": ["role", "title-page"]},
        raw(role="poster", title="x"),
        raw(title="no role"),
        {"mpsc_report": {"role": "title-page"}, "other": object.__name__},
    ],
)
def test_unreadable_or_unknown_blocks_are_left_out(metadata):
    doc = read_document(notebook(metadata))
    assert [type(p.block) for p in doc.blocks] in ([], [TitlePage])
    assert doc.title == "Bericht"


def test_malformed_numbers_become_none_and_the_rest_is_kept():
    doc = read_document(
        notebook(
            raw(role="key-figures", figures={"datasets": 1043, "positions": "298", "share": True, "x": float("nan")}),
            raw(role="colophon", provenance={"files": "all of them"}, numbers="many", figures=[1]),
        )
    )
    assert doc.key_figures == {"datasets": 1043, "positions": None, "share": None, "x": None}
    assert doc.colophon == Colophon() and doc.numbers == {} and doc.provenance is None
    assert read_block({"metadata": raw(role="figure", number="3", data_points=-1)}) == Figure(data_points=-1)


def test_a_notebook_that_is_not_one_reads_as_an_empty_document():
    for nb in ({}, {"cells": "x", "metadata": []}, {"cells": [None, {"cell_type": "code", "outputs": "y"}]}):
        doc = read_document(nb)
        assert (doc.title, doc.blocks, doc.colophon, doc.numbers) == ("Bericht", (), None, {})
    assert read_document(new_notebook(metadata={"title": "Fremd"})).title == "Fremd"


def test_narrative_text_comes_from_the_output_even_when_split_into_lines():
    output = {"metadata": raw(role="narrative"), "data": {"text/plain": ["Eins. ", "Zwei."]}}
    nb = {"cells": [{"cell_type": "code", "source": "x", "outputs": [output]}]}
    assert read_document(nb).narrative[0].text == "Eins. Zwei."
    assert Narrative() == read_document(nb).narrative[0].block


def test_hostile_metadata_exports_escaped_and_without_a_traceback():
    hostile = "</title><script>alert(1)</script>"
    nb = notebook(
        raw(role="title-page", title=hostile, wave="<b>2023</b>", sample_data=True, notice="<img src=x>", layout="x"),
        "## Teil",
        raw(role="colophon", wave='"><meta http-equiv="refresh">', provenance={"files": 1}),
    )
    exporter = ReportHTMLExporter()
    page, _ = exporter.from_notebook_node(nb)
    assert "<script" not in page and "<img src=x>" not in page and 'http-equiv="refresh"' not in page
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert 'class="mpsc-toc"' in page  # layout "x" is a report
    assert 'name="mpsc:provenance"' not in page  # an unreadable record is left out, not half-written


def test_provenance_reaches_the_html_head_from_the_contract(report):
    page = export_html(notebook(report.title_page(), "## Teil", report.colophon()))
    assert 'name="mpsc:git-commit"' in page and "wave_2023.csv sha256:" in page


def test_the_pdf_document_information_comes_from_the_contract_not_the_html(report, report_document):
    from mpsc_report.documents.export.pdf import _finished

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    blank = io.BytesIO()
    writer.write(blank)
    pdf = _finished(blank.getvalue(), report_document, html="")
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info["/Title"] == report_document.title and info["/Subject"] == "Welle 2023"
    record = json.loads(info["/MPSCProvenance"])
    assert record == report_document.provenance.as_dict()
    assert "Welle 2023" in info["/Keywords"]
