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
from mpsc_report.documents.blocks import label_data
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
        report.text(narrative.response(kf)),
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
        report.key_messages(),
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
        report.key_messages(),
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


def test_problems_name_cells_as_jupyterlab_shows_the_notebook(report):
    nb = executed(report.key_figure_tiles([]), "Es gibt 1 neue Stellen.", report.colophon())
    injected = nbformat.v4.new_code_cell("wave = '2023'", execution_count=2)
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(1, injected)
    nb.cells[3].execution_count = 3
    [problem] = qa.check_notebook(nb)
    assert (problem.cell, problem.execution_count) == (2, None)  # the markdown cell: 2nd of the user's cells
    assert str(problem).startswith("[narrative] cell 2: the text says '1 neue Stellen'")
    nb.cells[2] = nbformat.v4.new_code_cell(
        "report.text('Es gibt 1 neue Stellen.')",
        execution_count=7,
        outputs=[nbformat.v4.new_output("display_data", **_bundle(report.text("Es gibt 1 neue Stellen.")))],
    )
    [problem] = qa.check_notebook(nb)
    assert str(problem).startswith("[narrative] cell 2 (In [7]): the text says")


def _bundle(block: Block) -> dict:
    data, metadata = block._repr_mimebundle_()
    return {"data": data, "metadata": metadata}


# --- the language gate ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def english() -> mr.Report:
    params = mr.load_params(ROOT / "params" / "2023.yaml")
    return mr.open_report(params.model_copy(update={"language": "en", "title": "Halftime review", "subtitle": ""}))


def test_a_correct_english_report_passes_the_language_gate(english):
    kf, themes = english.key_figures, metrics.datasets_by_theme(english.responses)
    figure = english.figure(
        charts.bar_chart(english.label(themes), source=english.source, language="en"),
        caption="Neu erhobene kommunale Datensätze nach Thema",
        data=themes,
        data_index_label="Thema",
    )
    blocks = [
        english.title_page(),
        english.key_figure_tiles(narrative.key_figure_tiles(kf, "en")),
        english.key_messages(),
        figure,
        english.text(narrative.datasets(kf, themes, "en")),
        english.quotes(metrics.free_text_answers(english.responses, english.register, "highlight")),
        english.data_quality_tables(),
        english.colophon(),
    ]
    nb = executed(*blocks)
    tagged = nbformat.v4.new_markdown_cell("## Daten\n\nDie Modellprojekte erheben dafür kommunale Daten.")
    tagged.metadata["tags"] = ["lang-de"]  # left out of the English document
    nb.cells.insert(1, tagged)
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("## Data\n\nThe model projects collect municipal data."))
    assert qa.check_notebook(nb) == []


def test_german_chart_labels_in_an_english_report_stop_it_naming_the_cell_and_the_words(english):
    themes = metrics.datasets_by_theme(english.responses)
    german = label_data(themes, "de")  # labelled for the wrong language: the chart's bars say "Umwelt", "Energie"
    block = english.figure(
        charts.bar_chart(german, source=english.source, language="en"),
        caption="Neu erhobene kommunale Datensätze nach Thema",
        data=themes,
    )
    [problem] = qa.check_notebook(executed(english.title_page(), block, english.colophon()))
    assert problem.gate == "language" and problem.cell == 2 and problem.execution_count == 2
    assert "the English document shows German words: " in problem.message
    assert "'Umwelt'" in problem.message and "report.label(" in problem.message


def test_an_untagged_german_section_in_an_english_report_is_named_with_its_words(english):
    section = "## Ausblick\n\nDie Modellprojekte planen für 2024 weitere Vorhaben mit den Partnern."
    problems = qa.check_notebook(executed(english.title_page(), section, "## Größere Städte", english.colophon()))
    assert [(p.gate, p.cell) for p in problems] == [("language", 2), ("language", 3)]
    assert "reads German ('Modellprojekte', 'die', 'für', 'mit', 'den')" in problems[0].message
    assert "Tag it `lang-de` and add its English twin tagged `lang-en`" in problems[0].message
    assert "'Größere', 'Städte'" in problems[1].message


def test_english_prose_in_a_german_report_is_named_the_other_way_round(report):
    nb = executed(report.title_page(), "## Outlook\n\nThe model projects plan more work with their partners.")
    nb.cells.append(executed(report.colophon()).cells[0])
    [problem] = qa.check_notebook(nb)
    assert problem.gate == "language" and problem.cell == 2
    assert "shown in the German document but reads English ('model projects', 'the', 'with')" in problem.message
    assert "Tag it `lang-en`" in problem.message


def test_a_german_title_in_an_english_report_points_to_the_params(english):
    german = mr.Report(
        english.params.model_copy(update={"subtitle": "Ergebnisse der Befragungswelle 2023"}), english.data
    )
    [problem] = qa.check_notebook(executed(german.title_page(), german.colophon()))
    assert problem.cell == 1 and "'Befragungswelle'" in problem.message and "params file" in problem.message


def test_names_and_quoted_answers_stay_german_in_an_english_report(english):
    places = metrics.projects_by_state(english.register)
    figure = english.figure(
        charts.tile_map(places, source=english.source, value_label=english.t("indicator.projects"), language="en"),
        caption="Modellprojekte Smart Cities nach Land (Sitz der federführenden Kommune)",
        data=places,
        data_index_label="Land",
    )
    quotes = english.quotes(pd.DataFrame({"name": ["Haßfurt"], "text": ["Die Daten sind für alle offen."]}))
    text = english.text("The 73 model projects are spread over the Länder; most are in Nordrhein-Westfalen.")
    names = english.table(
        pd.DataFrame({"names": ["Mülheim an der Ruhr, Frankfurt (Oder), Landkreis Gießen*"]}, index=["x"]),
        caption="Kennzahl",
    )
    assert qa.check_notebook(executed(english.title_page(), figure, quotes, text, names, english.colophon())) == []


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
    # cell 3 as JupyterLab shows the notebook: papermill's injected-parameters cell (after cell 2) is not counted
    assert "[narrative] cell 3: the text says '1.200 kommunale Datensätze', but the metric datasets" in result.error
    assert result.error_type == "QAFailed" and result.cell is not None
    assert (result.cell["position"], result.cell["execution_count"], result.cell["ename"]) == (3, None, "QA: narrative")
    assert not list((tmp_path / "outputs" / "2023").iterdir())  # nothing published
    assert result.failed_notebook == tmp_path / "outputs" / "failed" / "2023" / "report.ipynb"
    assert result.failed_notebook.is_file() and str(result.failed_notebook) in result.error


@pytest.mark.e2e
def test_an_english_build_with_german_chart_labels_stops_naming_the_cell_and_the_words(tmp_path):
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    text = (ROOT / "params" / "2023.yaml").read_text().replace('language: "de"', 'language: "en"')
    text = text.replace(
        "Halbzeitbilanz Modellprojekte Smart Cities", "Halftime review of the Smart Cities model projects"
    )
    text = text.replace(
        "Ergebnisse des Projektmonitorings, Befragungswelle Ende 2023", "Monitoring results, end of 2023"
    )
    (params_dir / "2023.yaml").write_text(text)
    original = nbformat.read(NOTEBOOK, as_version=4)
    german_labels = (
        "from mpsc_report.documents.blocks import label_data\n"
        "themes = metrics.datasets_by_theme(report.responses)\n"
        "report.figure(\n"
        '    charts.bar_chart(label_data(themes, "de"), source=report.source, language=lang),\n'
        '    caption="Neu erhobene kommunale Datensätze nach Thema",\n'
        "    data=themes,\n"
        ")"
    )
    cells = [original.cells[0], original.cells[1], nbformat.v4.new_code_cell(german_labels)]
    cells.append(nbformat.v4.new_code_cell("report.colophon()"))
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=original.metadata), tmp_path / "labels.ipynb")
    [unit] = plan_units(params_dir, tmp_path / "outputs", tmp_path / "labels.ipynb")
    result = build_unit(unit, formats=("html",))
    assert not result.ok and result.error_type == "QAFailed"
    # the 3rd cell of the notebook, run as In [4]: papermill's injected cell ran as In [2] but is not counted
    assert "[language] cell 3 (In [4]): the English document shows German words: " in result.error
    assert "'Umwelt'" in result.error and "report.label(" in result.error
    assert (result.cell["position"], result.cell["execution_count"]) == (3, 4)
    assert not list((tmp_path / "outputs" / "2023").iterdir())  # nothing published


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
