"""QA gates: each is triggered by a small broken notebook built with the real Report API."""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path

import inprocess
import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure

import mpsc_report as mr
from mpsc_report.analysis import charts, metrics, narrative
from mpsc_report.documents import qa
from mpsc_report.documents.contract import read_document
from mpsc_report.documents.report import Block
from mpsc_report.pipeline.build import build_unit
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "halftime_review.ipynb"


@pytest.fixture(scope="module")
def report() -> mr.Report:
    return mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))


def executed(*cells: Block | str | dict | None) -> nbformat.NotebookNode:
    """An executed notebook: a Block becomes a code cell displaying it, a str a markdown cell,
    a dict a raw output, None a code cell that never ran."""
    nb = nbformat.v4.new_notebook()
    for count, cell in enumerate(cells, start=1):
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
        elif cell is None:
            nb.cells.append(nbformat.v4.new_code_cell("report.colophon()"))
        else:
            data, metadata = cell._repr_mimebundle_() if isinstance(cell, Block) else (cell, {})
            output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
            nb.cells.append(nbformat.v4.new_code_cell("report.x()", execution_count=count, outputs=[output]))
    return nb


def good_cells(report: mr.Report) -> list[Block]:
    kf = report.key_figures
    themes = metrics.datasets_by_theme(report.responses)
    return [
        report.title_page(),
        report.key_figure_tiles(narrative.key_figure_tiles(kf)),
        report.bullets(narrative.summary(kf)),
        report.figure(charts.bar_chart(themes, source=report.source), caption="Themen", alt="Balken je Thema"),
        report.text(narrative.datasets(kf, themes)),
    ]


def gates(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(p.gate, p.message) for p in qa.check_notebook(nb)]


def test_a_correct_report_passes(report):
    assert qa.check_notebook(executed(*good_cells(report), report.colophon())) == []


@pytest.mark.parametrize("wave", ["2021", "2022", "2023"])
def test_every_generated_sentence_agrees_with_its_metric(wave):
    report = mr.open_report(mr.load_params(ROOT / "params" / f"{wave}.yaml"))
    kf = report.key_figures
    exchange = metrics.exchange_by_kind(report.responses)
    blocks = [
        report.key_figure_tiles(narrative.key_figure_tiles(kf)),
        report.bullets(narrative.summary(kf)),
        report.text(narrative.response(kf)),
        report.text(narrative.datasets(kf, metrics.datasets_by_theme(report.responses))),
        report.text(narrative.participation(kf, metrics.participation_by_format(report.responses))),
        report.text(narrative.staff(kf, metrics.positions_by_kind(report.responses, report.register))),
        report.text(narrative.transfer(kf, exchange)),
        report.text(narrative.sustainability(kf)),
        report.text(narrative.method(kf, report.synthetic, report.field_period)),
        report.colophon(),
    ]
    nb = executed(*blocks)
    assert qa.check_notebook(nb) == []
    claims = sum(
        claim.key is not None
        for c in nb.cells
        for o in c.outputs
        for claim in qa.read_claims(o.data["text/plain"], "de", read_document(nb).numbers, wave=wave)
    )
    assert claims >= 10  # the gate really reads these sentences


def test_every_generated_english_sentence_agrees_with_its_metric():
    params = mr.load_params(ROOT / "params" / "2023.yaml").model_copy(update={"language": "en"})
    report = mr.open_report(params)
    kf = report.key_figures
    blocks = [
        report.key_figure_tiles(narrative.key_figure_tiles(kf, "en")),
        report.bullets(narrative.summary(kf, "en")),
        report.text(narrative.response(kf, "en")),
        report.text(narrative.transfer(kf, metrics.exchange_by_kind(report.responses), "en")),
        report.text(narrative.sustainability(kf, "en")),
        report.colophon(),
    ]
    nb = executed(*blocks)
    assert qa.check_notebook(nb) == []
    claims = sum(
        claim.key is not None
        for c in nb.cells
        for o in c.outputs
        for claim in qa.read_claims(o.data["text/plain"], "en", read_document(nb).numbers, wave="2023")
    )
    assert claims >= 10  # the English sentences are read too


def test_notebook_that_stopped_early(report):
    problems = gates(executed(*good_cells(report), None))
    assert any(g == "complete" and "did not run" in m for g, m in problems)


def test_notebook_without_the_closing_colophon(report):
    [(gate, message)] = gates(executed(*good_cells(report)))
    assert gate == "complete" and "report.colophon()" in message


def test_error_output_is_reported(report):
    nb = executed(*good_cells(report), report.colophon())
    nb.cells[1].outputs.append(nbformat.v4.new_output("error", ename="KeyError", evalue="x", traceback=[]))
    assert ("complete", "the cell raised KeyError; fix it.") in gates(nb)


def test_chart_with_axes_but_no_data(report):
    fig = Figure()
    fig.add_subplot().bar([], [])
    problems = gates(executed(report.figure(fig, caption="Leer", alt="nichts"), report.colophon()))
    assert [g for g, _ in problems] == ["figure"]
    assert "empty chart" in problems[0][1] and "Leer" in problems[0][1]


def test_chart_of_only_zero_bars_is_empty(report):
    zeros = pd.Series([0, 0], index=["a", "b"])
    block = report.figure(charts.bar_chart(zeros, source=report.source), caption="Null", alt="nur Nullen")
    assert "empty chart" in gates(executed(block, report.colophon()))[0][1]


@pytest.mark.parametrize(("caption", "alt", "expected"), [("", "Beschreibung", "no caption"), ("T", "  ", "no alt")])
def test_figure_without_caption_or_alt_text(report, caption, alt, expected):
    themes = metrics.datasets_by_theme(report.responses)
    block = report.figure(charts.bar_chart(themes, source=report.source), caption=caption, alt=alt)
    [(gate, message)] = gates(executed(block, report.colophon()))
    assert gate == "figure" and expected in message and "report.figure" in message


def test_chart_shown_without_report_figure(report):
    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    [(gate, message)] = gates(executed(png, report.colophon()))
    assert gate == "figure" and "report.figure(fig, caption=..., alt=...)" in message


def test_key_figure_that_is_nan(report):
    current = report.current
    answers = current.responses.assign(measures_completed=pd.NA, measures_continued=pd.NA)
    waves = {**report.waves, "2023": dataclasses.replace(current, responses=answers)}
    broken = mr.Report(report.params, dataclasses.replace(report.data, waves=waves))
    problems = gates(
        executed(broken.key_figure_tiles(narrative.key_figure_tiles(broken.key_figures)), broken.colophon())
    )
    assert [g for g, _ in problems] == ["key-figure"]
    assert "continuation_share" in problems[0][1] and "NaN" in problems[0][1]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("In den geförderten Kommunen sind 300 neue Stellen entstanden.", "positions_new"),  # hand-edited markdown
        ("Über 2.000 kommunale Datensätze wurden erhoben.", "datasets_total"),  # wrong rounding
        ("Fast 1.000 kommunale Datensätze wurden erhoben.", "datasets_total"),  # it is over 1.000
        ("Zusammen 999 Netzwerkverbindungen.", "partner_links"),
        ("Das sind 70 % der Maßnahmen, die bereits abgeschlossen sind.", "continuation_share"),
        ("300 new positions have been created in the funded municipalities.", "positions_new"),  # English report
        ("Almost 1,000 municipal datasets were collected.", "datasets_total"),
        ("70% of the measures already completed are to be continued.", "continuation_share"),
        ("90 übertragene Lösungen wurden gemeldet.", "solutions_transferred"),  # any phrasing: the indicator's words
    ],
)
def test_narrative_number_that_disagrees_with_its_metric(report, text, figure):
    for cell in (text, report.text(text)):  # typed into a markdown cell, or into report.text by hand
        [(gate, message)] = gates(executed(report.key_figure_tiles([]), cell, report.colophon()))
        assert (
            gate == "narrative" and f"the metric {figure} is" in message and "mpsc_report.analysis.narrative" in message
        )


def test_describe_says_what_to_fix_and_where_the_notebook_is(tmp_path, report):
    failed = tmp_path / "run.failed.ipynb"
    problems = qa.check_notebook(executed(report.key_figure_tiles([]), "Es gibt 1 neue Stellen."))
    message = qa.describe(problems, "halftime_review 2023", failed)
    assert "fails 2 QA check(s)" in message and "the metric positions_new is 298" in message
    assert "report.colophon()" in message and str(failed) in message


@pytest.mark.e2e
def test_the_build_stops_a_unit_that_fails_a_gate(tmp_path):
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2023.yaml").write_text((ROOT / "params" / "2023.yaml").read_text())
    original = nbformat.read(NOTEBOOK, as_version=4)
    cells = [
        original.cells[0],
        original.cells[1],
        nbformat.v4.new_markdown_cell("Die Modellprojekte haben 1.200 kommunale Datensätze erhoben."),
        nbformat.v4.new_code_cell("report.colophon()"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=original.metadata)
    nbformat.write(nb, tmp_path / "broken.ipynb")
    [unit] = plan_units(params_dir, tmp_path / "outputs", tmp_path / "broken.ipynb")
    result = build_unit(unit, formats=("html",))
    assert not result.ok
    # cell 4 of the executed notebook: papermill inserts the injected-parameters cell after cell 1
    assert "[narrative] cell 4: the text says '1.200 kommunale Datensätze', but the metric datasets" in result.error
    assert not list((tmp_path / "outputs" / "2023").iterdir())  # nothing published
    assert result.failed_notebook == tmp_path / "outputs" / "failed" / "2023" / "report.ipynb"
    assert result.failed_notebook.is_file() and str(result.failed_notebook) in result.error


# --------------------------------------------------------------------------- numbers tied to the catalogue


@pytest.mark.parametrize(("wave", "language"), [("2021", "de"), ("2022", "de"), ("2023", "de"), ("2023", "en")])
def test_every_number_of_a_generated_report_is_tied_to_an_indicator(wave, language):
    nb = inprocess.document(wave, language=language)
    assert qa.check_notebook(nb) == []
    assert qa.unchecked_claims(nb) == []  # every number in its prose names an indicator the report records
    document = read_document(nb)
    checked = [c for n, t in qa._prose(nb, document) for c in qa._document_claims(t, document, n)]
    assert len(checked) >= 40


@pytest.mark.parametrize(("wave", "project"), inprocess.factsheet_sample()[::4] + [("2023", "koeln")])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_number_of_a_generated_factsheet_is_tied_to_an_indicator(wave, project, language):
    nb = inprocess.document(wave, project, language)
    assert qa.check_notebook(nb) == []
    assert qa.unchecked_claims(nb) == []


def test_a_zero_printed_for_a_non_response_stops_the_unit_and_names_the_cell():
    nb = copy.deepcopy(inprocess.document("2021", "luebeck"))
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("Lübeck nennt 0 Partnerkommunen."))
    problems = qa.check_notebook(nb)
    assert [(p.gate, p.cell) for p in problems] == [("narrative", 4)]
    assert "partners_total[project=luebeck]" in problems[0].message and "never 0" in problems[0].message


def test_a_number_that_names_no_indicator_is_logged_as_unchecked_not_a_failure(report, caplog):
    nb = executed(*good_cells(report), "Im Rathaus stehen 17 Drachen.", report.colophon())
    with caplog.at_level(logging.WARNING, logger="mpsc_report.documents.qa"):
        assert qa.check_notebook(nb) == []
    [warning] = [r.getMessage() for r in caplog.records if "unchecked number" in r.getMessage()]
    assert "cell 6: '17'" in warning and "Drachen" in warning
    assert [c.text for c in qa.unchecked_claims(nb)] == ["17"]


def test_two_blocks_that_state_one_indicator_differently_stop_the_unit(report):
    themes = metrics.datasets_by_theme(report.responses)
    wrong = report.table(themes.to_frame().assign(datasets_total=themes + 1), caption="Datensätze nach Thema")
    problems = qa.check_notebook(executed(report.title_page(), wrong, report.colophon()))
    differing = [p for p in problems if p.gate == "numbers"]
    assert len(differing) == len(themes) and differing[0].cell == 2  # the table's cell: the colophon's record is first
    assert "(datasets_total[wave=2023,theme=datasets_climate]) differs between blocks" in differing[0].message


def test_claims_read_any_phrasing_through_the_catalogues_words():
    numbers = read_document(inprocess.document("2023")).numbers
    for text, key in (
        ("90 übertragene Lösungen wurden gemeldet.", "solutions_transferred"),
        ("Gemeldet wurden 300 neue Stellen.", "positions_new"),
        ("Die Kommunen haben fast 900 Netzwerkverbindungen.", "partner_links"),
        ("Zwischen Modellprojekten bestehen 292 Verbindungen zwischen zwei Modellprojekten.", "model_project_links"),
        ("Geantwortet haben 73 von 73 Modellprojekten (100 %).", "respondents"),
        ("In Nordrhein-Westfalen liegen 17 Modellprojekte.", "projects[state=Nordrhein-Westfalen]"),
    ):
        [first, *_] = qa.read_claims(text, "de", numbers, wave="2023")
        assert first.key == key, text


def test_the_data_quality_sentences_of_a_quarantined_wave_are_tied_to_their_counts(tmp_path):
    import csv
    import shutil

    sample = ROOT / "mpsc_report" / "data" / "sample"
    shutil.copy(sample / "partners_2023.csv", tmp_path)
    with (sample / "wave_2023.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[1][header.index("project_id")] = "atlantis"  # unknown project
    rows[2][header.index("project_id")] = "atlantis2"
    rows[3][header.index("positions_new")] = "-3"  # negative number
    with (tmp_path / "wave_2023.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    (tmp_path / "p.yaml").write_text(
        'wave: "2023"\ntitle: "T"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\nreport_date: "2024-02-07"\n'
        'data: "."\nintake: {on_invalid: "quarantine"}\n'
    )
    quarantined = mr.open_report(mr.load_params(tmp_path / "p.yaml"))
    nb = executed(
        quarantined.title_page(),
        quarantined.text(narrative.data_quality(quarantined.quality)),
        quarantined.data_quality_tables(),
        quarantined.colophon(),
    )
    assert "2 × unbekanntes Projekt" in nb.cells[1].outputs[0].data["text/plain"]
    assert qa.check_notebook(nb) == []
    assert qa.unchecked_claims(nb) == []
