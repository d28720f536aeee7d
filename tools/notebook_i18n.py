"""One-off transformation of notebooks/halftime_review.ipynb for issue 5 (accessibility and English).

Run from the project root: ``.venv/bin/python tools/notebook_i18n.py``. Idempotent: it refuses to run twice.

1. Every prose markdown cell is tagged ``lang-de`` and followed by its English twin tagged ``lang-en``;
   the exporter keeps only the cells of the report's language (untagged cells appear in every language).
2. Code cells pass the report language to narrative and charts (``lang = report.language``), localise the
   metric labels (``report.localize``) and give each figure its data (``data=…``) instead of a hand-made
   ``alt=`` text: the alt text and the collapsed data table are generated from the data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOK = Path("notebooks/halftime_review.ipynb")

#: German markdown cell (exact source) -> English twin.
ENGLISH = {
    "## Zusammenfassung": """## Summary

The project monitoring regularly asks the Smart Cities model projects (MPSC) about many aspects of their progress
on the ground. The main results of this survey wave at a glance:""",
    "## Daten": """## Data

The programme supports data-based, integrated urban development. The model projects collect municipal data for the
first time – from indicators of climate adaptation to traffic data that give valuable pointers for planning public
roads and paths.""",
    "## Beteiligung": """## Participation

The model projects strengthen co-creation through participation. In doing so, they contribute to one of the central
guidelines of the Smart City Charter: “Digital transformation needs transparency, participation and co-creation”.""",
    "## Personal": """## Staff

New positions in the funded municipalities carry the model projects' strategies forward and build structures that
last beyond the funding.""",
    "## Transfer und Kooperation": """## Transfer and cooperation

The programme supports cooperation between municipalities: as a role model, through knowledge exchange, joint
development of solutions or the transfer of smart city solutions.""",
    "## Nachhaltigkeit": """## Sustainability

The solutions developed are meant to last beyond the funding: they will be continued and made available as open
source to all municipalities in Germany.""",
    "## Vergleich nach Staffel und Art der Kommune": """## Comparison by cohort and kind of municipality

The three cohorts started at different times, and the model projects range from rural municipalities to cities and
districts. Values per project make them comparable.""",
    "## Wo die Modellprojekte liegen": """## Where the model projects are

The model projects are spread over almost the whole country. The map shows each Land as a tile of the same size, so
that the city states remain visible too.""",
    "## Entwicklung über die Wellen": """## Development across the waves

The following figure shows how the indicators developed over all survey waves analysed so far, each on its own
scale.""",
    "## Stimmen aus den Modellprojekten": """## Voices from the model projects

Extracts from the free-text answers, reproduced unchanged (in German, as given).

### Highlights""",
    "### Herausforderungen": "### Challenges",
    "## Methode und Daten": "## Method and data",
}

#: End of the set-up cell, and its new end: the report language for every later call.
SETUP_END = "report = mr.open_report(params)\nkf = report.key_figures\nreport.title_page()"
SETUP_END_NEW = "report = mr.open_report(params)\nkf = report.key_figures\nlang = report.language\nreport.title_page()"

#: The language line of the parameters cell, and its new comment.
PARAMETER_LANGUAGE = 'language: str = "de"  # report language\n'
PARAMETER_LANGUAGE_NEW = 'language: str = "de"  # report language: "de" (German) or "en" (English)\n'

#: Exact code cell source -> new source.
CODE = {
    "report.key_figure_tiles(narrative.key_figure_tiles(kf))": (
        "report.key_figure_tiles(narrative.key_figure_tiles(kf, lang))"
    ),
    "report.bullets(narrative.summary(kf))": "report.bullets(narrative.summary(kf, lang))",
    "report.text(narrative.response(kf))": "report.text(narrative.response(kf, lang))",
    "report.text(narrative.datasets(kf, themes))": "report.text(narrative.datasets(kf, themes, lang))",
    "report.text(narrative.participation(kf, formats))": "report.text(narrative.participation(kf, formats, lang))",
    "report.text(narrative.staff(kf, positions))": "report.text(narrative.staff(kf, positions, lang))",
    "report.text(narrative.sustainability(kf))": "report.text(narrative.sustainability(kf, lang))",
    'report.text(narrative.comparison(by_cohort, "Staffel"))': (
        'report.text(narrative.comparison(by_cohort, "Staffel", lang))'
    ),
    'report.text(narrative.comparison(by_kind, "Art der Kommune"))': (
        'report.text(narrative.comparison(by_kind, "Art der Kommune", lang))'
    ),
    "report.text(narrative.places(by_state, len(report.register)))": (
        "report.text(narrative.places(by_state, len(report.register), lang))"
    ),
    "report.text(narrative.development(trend, params.wave, params.comparison_wave))": (
        "report.text(narrative.development(trend, params.wave, params.comparison_wave, lang))"
    ),
    "report.text(narrative.method(kf, report.synthetic, report.field_period))": (
        "report.text(narrative.method(kf, report.synthetic, report.field_period, lang))"
    ),
    "nodes, edges = metrics.network(report.partners, report.register)\n"
    "report.text(narrative.transfer(kf, exchange, len(edges)))": (
        "nodes, edges = metrics.network(report.partners, report.register)\n"
        "report.text(narrative.transfer(kf, exchange, len(edges), lang))"
    ),
}


def _figure(setup: str, chart: str, caption: str, data: str, extra: str = "") -> str:
    return f"{setup}\nreport.figure(\n    {chart},\n    caption={caption!r},\n    data={data},{extra}\n)".replace(
        "caption='", 'caption="'
    ).replace("',\n    data=", '",\n    data=')


#: Figure cells by the caption they carry -> new source (alt text and data table from the data).
FIGURES = {
    "Neu erhobene kommunale Datensätze nach Thema": _figure(
        "themes = report.localize(metrics.datasets_by_theme(report.responses))",
        "charts.bar_chart(themes, source=report.source, language=lang)",
        "Neu erhobene kommunale Datensätze nach Thema",
        "themes",
        '\n    data_index_label="Thema",',
    ),
    "Partizipative Aktivitäten nach Format": _figure(
        "formats = report.localize(metrics.participation_by_format(report.responses))",
        "charts.bar_chart(formats, source=report.source, language=lang)",
        "Partizipative Aktivitäten nach Format",
        "formats",
        '\n    data_index_label="Format",',
    ),
    "Neue Stellen nach Art der Kommune": _figure(
        "positions = report.localize(metrics.positions_by_kind(report.responses, report.register))",
        "charts.bar_chart(positions, source=report.source, language=lang)",
        "Neue Stellen nach Art der Kommune",
        "positions",
        '\n    data_index_label="Art der Kommune",',
    ),
    "Gemeldete Verbindungen zu anderen Kommunen nach Art des Austauschs": _figure(
        "exchange = report.localize(metrics.exchange_by_kind(report.partners))",
        "charts.bar_chart(exchange, source=report.source, language=lang)",
        "Gemeldete Verbindungen zu anderen Kommunen nach Art des Austauschs",
        "exchange",
        '\n    data_index_label="Art des Austauschs",',
    ),
    "Netzwerk der Modellprojekte untereinander (Punktgröße: Zahl der Partnerkommunen)": (
        "report.figure(\n"
        "    charts.network_chart(nodes, edges, source=report.source, group_colours=charts.COLOURS_BY_COHORT, "
        "language=lang),\n"
        '    caption="Netzwerk der Modellprojekte untereinander (Punktgröße: Zahl der Partnerkommunen)",\n'
        "    alt=narrative.describe_network(nodes, edges, lang),\n"
        "    data=metrics.network_table(nodes, edges),\n"
        ")"
    ),
    "Anteil der abgeschlossenen Maßnahmen, die weiter betrieben werden": (
        "continued = report.localize(metrics.continuation(kf))\n"
        "report.figure(\n"
        "    charts.share_chart(continued.iloc[0], label=continued.index[0], source=report.source, language=lang),\n"
        '    caption="Anteil der abgeschlossenen Maßnahmen, die weiter betrieben werden",\n'
        "    data=continued,\n"
        '    data_formats={"Anteil": "percent"},\n'
        ")"
    ),
    "Maßnahmen nach Bearbeitungsstand und Staffel": _figure(
        'measures = report.localize(metrics.measures_by_state(report.responses, report.register, by="cohort"))',
        "charts.stacked_bar_chart(measures, source=report.source, language=lang)",
        "Maßnahmen nach Bearbeitungsstand und Staffel",
        "measures",
        '\n    data_index_label="Staffel",',
    ),
    "Kennzahlen je Modellprojekt nach Staffel (Mittelwerte)": _figure(
        'by_cohort = report.localize(metrics.means_per_project(report.responses, report.register, by="cohort"))',
        "charts.comparison_chart(by_cohort, source=report.source, language=lang)",
        "Kennzahlen je Modellprojekt nach Staffel (Mittelwerte)",
        "by_cohort",
        '\n    data_index_label="Staffel",',
    ),
    "Kennzahlen je Modellprojekt nach Art der Kommune (Mittelwerte)": _figure(
        'by_kind = report.localize(metrics.means_per_project(report.responses, report.register, by="kind"))',
        "charts.comparison_chart(by_kind, source=report.source, language=lang)",
        "Kennzahlen je Modellprojekt nach Art der Kommune (Mittelwerte)",
        "by_kind",
        '\n    data_index_label="Art der Kommune",',
    ),
    "Modellprojekte Smart Cities nach Land (Sitz der federführenden Kommune)": (
        "by_state = metrics.projects_by_state(report.register)\n"
        "report.figure(\n"
        "    charts.tile_map(\n"
        "        by_state, source=report.source_for(len(report.register)), "
        'value_label=report.tr("Modellprojekte"), language=lang\n'
        "    ),\n"
        '    caption="Modellprojekte Smart Cities nach Land (Sitz der federführenden Kommune)",\n'
        "    data=by_state,\n"
        '    data_index_label="Land",\n'
        ")"
    ),
    "Kennzahlen nach Befragungswelle (kumuliert)": _figure(
        "trend = report.localize(report.trend())",
        "charts.trend_chart(trend, source=report.source, language=lang)",
        "Kennzahlen nach Befragungswelle (kumuliert)",
        "trend",
        '\n    data_index_label="Welle",',
    ),
}


def transform(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the notebook with English twins of the prose and figures that take their data."""
    if any("lang-de" in c.metadata.get("tags", []) for c in nb.cells):
        raise SystemExit("already transformed (cells tagged lang-de found)")
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = cell.source.split("\n", 1)[0]
            english = ENGLISH.get(heading)
            if english is None:
                raise SystemExit(f"no English twin for markdown cell starting {heading!r}")
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), "lang-de"]
            twin = nbformat.v4.new_markdown_cell(english, metadata={"tags": ["lang-en"]})
            twin.id = f"{cell.id}-en"  # stable, so running the script again gives the same file
            cells += [cell, twin]
            continue
        if PARAMETER_LANGUAGE in cell.source:
            cell.source = cell.source.replace(PARAMETER_LANGUAGE, PARAMETER_LANGUAGE_NEW)
        if cell.source in CODE:
            cell.source = CODE[cell.source]
        elif cell.source.endswith(SETUP_END):
            cell.source = cell.source[: -len(SETUP_END)] + SETUP_END_NEW
        else:
            caption = next((c for c in FIGURES if f'caption="{c}"' in cell.source), None)
            if caption is not None:
                cell.source = FIGURES[caption]
        cells.append(cell)
    nb.cells = cells
    return nb


def main() -> None:
    """Transform the report notebook in place."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb = transform(nb)
    nbformat.validate(nb)
    nbformat.write(nb, NOTEBOOK)
    print(f"{NOTEBOOK}: {len(nb.cells)} cells", file=sys.stderr)


if __name__ == "__main__":
    main()
