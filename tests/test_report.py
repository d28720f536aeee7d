"""Report blocks: one escaping boundary, numbered figures and tables, the sample-data notice."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import mpsc_report as mr
from mpsc_report.data.schema import SAMPLE_NOTICE
from mpsc_report.documents.blocks import SHORTENED_MARK, escape_text
from mpsc_report.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<iframe src="file:///etc/passwd">',
    "[x](javascript:alert(1))",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def report() -> mr.Report:
    return mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))


def test_escape_text_and_visible_shortening():
    assert escape_text('<b a="1">&') == "&lt;b a=&quot;1&quot;&gt;&amp;"
    assert escape_text("x" * 10, limit=4) == "xxxx" + SHORTENED_MARK
    assert escape_text(None) == ""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_free_text_never_becomes_markup(report, payload):
    answers = pd.DataFrame({"name": ["<i>Ort</i>"], "text": [payload]})
    block = report.quotes(answers)
    parsed = tags_of(block.html)
    assert set(parsed.tags) <= {"div", "blockquote", "p", "footer"}
    assert not [a for a in parsed.attrs if a.startswith("on") or a == "src"]
    assert escape_text(payload) in block.html
    table = report.table(pd.DataFrame({"Antwort": [payload]}, index=[payload]), caption=payload)
    assert set(tags_of(table.html).tags) <= {"div", "table", "caption", "span", "thead", "tbody", "tr", "th", "td"}


def test_title_page_carries_the_notice_and_metadata(report):
    block = report.title_page()
    assert SAMPLE_NOTICE in block.html
    meta = block.metadata["mpsc_report"]
    assert meta == {
        "role": "title-page",
        "title": "Halbzeitbilanz Modellprojekte Smart Cities",
        "wave": "2023",
        "language": "de",
        "sample_data": True,
        "notice": SAMPLE_NOTICE,
    }
    assert "13. November 2023 bis 15. Dezember 2023" in block.html


def test_figures_and_tables_are_numbered_in_order(report):
    fig = Figure()
    fig.add_subplot().bar(["a"], [1])
    first = report.figure(fig, caption="Eins", alt="Alt <eins>")
    second = report.figure(fig, caption="Zwei", alt="Alt zwei")
    assert first.metadata["mpsc_report"]["number"] + 1 == second.metadata["mpsc_report"]["number"]
    assert 'alt="Alt &lt;eins&gt;"' in first.html
    assert 'src="data:image/svg+xml;base64,' in first.html
    table = report.table(pd.DataFrame({"Rücklauf": [0.64]}, index=["A"]), caption="T", formats={"Rücklauf": "percent"})
    assert "64\u00a0%" in table.html and "Tabelle" in table.html


def test_a_trend_with_fewer_than_two_waves_is_a_sentence_not_a_chart():
    report = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))
    first = pd.DataFrame({"datasets_total": [254.0]}, index=pd.Index(["2021"], name="wave"))
    block = report.trend_figure(first, "Kennzahlen nach Befragungswelle", source=report.source)
    assert block.text == "Der Vergleich über die Befragungswellen beginnt mit der nächsten Welle."
    assert "<figure" not in block.html and report.listed == []  # no figure number is taken
    nothing = pd.DataFrame(
        {"datasets_total": [float("nan"), float("nan")]}, index=pd.Index(["2022", "2023"], name="wave")
    )
    block = report.trend_figure(nothing, "Kennzahlen nach Befragungswelle", source=report.source)
    assert block.text.startswith("Eine Abbildung der Entwicklung folgt, sobald Angaben aus mehr als einer")
    two = pd.DataFrame(
        {"datasets_total": [254.0, float("nan"), 1043.0]}, index=pd.Index(["2021", "2022", "2023"], name="wave")
    )
    block = report.trend_figure(two, "Kennzahlen nach Befragungswelle", source=report.source, data_index_label="Welle")
    assert 'id="abbildung-1"' in block.html and "Daten zu Abbildung 1" in block.html


def test_empty_figure_is_refused(report):
    with pytest.raises(DataError, match="chart is empty"):
        report.figure(Figure(), caption="Leer", alt="nichts")


def test_block_displays_html_and_plain_text(report):
    data, meta = report.text(["Satz <eins>.", "Satz zwei."])._repr_mimebundle_()
    assert data["text/html"] == '<p class="mpsc-text">Satz &lt;eins&gt;.</p><p class="mpsc-text">Satz zwei.</p>'
    assert data["text/plain"] == "Satz <eins>.\n\nSatz zwei."
    assert meta == {"mpsc_report": {"role": "narrative", "wave": "2023"}}  # the QA gates read narrative blocks


def test_missing_wave_is_a_clear_error_before_any_kernel(tmp_path):
    params = mr.WaveParams.from_notebook(
        wave="2030", title="T", field_start="2030-01-01", field_end="2030-01-02", report_date="2030-02-01"
    )
    with pytest.raises(DataError, match=r"wave '2030' not found .* \(waves available: 2021, 2022, 2023\)"):
        mr.open_report(params)


# --- data-quality appendix (issue 3) ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quarantined(tmp_path_factory) -> mr.Report:
    import csv
    import shutil

    folder = tmp_path_factory.mktemp("quarantine")
    sample = ROOT / "mpsc_report" / "data" / "sample"
    shutil.copy(sample / "partners_2023.csv", folder)
    with (sample / "wave_2023.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[1][header.index("project_id")] = "<b>atlantis</b>"
    rows[2][header.index("positions_new")] = "keine Angabe"
    with (folder / "wave_2023.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    (folder / "p.yaml").write_text(
        'wave: "2023"\ntitle: "T"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\nreport_date: "2024-02-07"\n'
        'data: "."\nintake: {on_invalid: "quarantine"}\n'
    )
    return mr.open_report(mr.load_params(folder / "p.yaml"))


def test_appendix_accounts_for_every_row_and_escapes_values(quarantined):
    q = quarantined.quality
    assert (q.rows_read, q.rows_used, q.rows_rejected) == (73, 72, 1)
    block = quarantined.data_quality_tables()
    tags = {"div", "table", "caption", "span", "thead", "tbody", "tfoot", "tr", "th", "td"}  # tfoot: the legend
    assert set(tags_of(block.html).tags) <= tags
    for phrase in ("gelesen", "verwendet", "zurückgewiesen", "davon: unbekanntes Projekt"):
        assert phrase in block.html
    # Issue 11: one compact overview, and the missing answers only for the questions that have some ("keine
    # Angabe" for new positions); the files with their SHA-256 are in the sidecar file, not on the page.
    assert block.html.count("<table") == 2 and "Zählfragen mit fehlenden Angaben (von 24)" in block.html
    assert "Neue Stellen" in block.html and "Neue Datensätze" not in block.html
    assert "<b>atlantis" not in block.html  # the rejected value is in validation_errors.csv, never raw here
    assert not any(f.sha256[:16] in block.html for f in q.files)


def test_appendix_sentences_are_german_and_name_rejections_and_special_codes(quarantined):
    sentences = mr.narrative.data_quality(quarantined.quality)
    text = " ".join(sentences)
    assert "wurden 73 Antwortzeilen gelesen; 72 davon gingen in die Auswertung ein, 1 wurde zurückgewiesen" in text
    assert "1 × unbekanntes Projekt" in text and "validation_errors.csv" in text
    assert "In einer Zelle stand ein Sondercode („keine Angabe“)" in text
    assert "weder in Summen noch in Mittelwerte" in text


def test_clean_sample_appendix_says_all_rows_passed(report):
    text = " ".join(mr.narrative.data_quality(report.quality))
    assert "73 davon gingen in die Auswertung ein, 0 wurden zurückgewiesen" in text
    assert "Alle Zeilen haben die Prüfungen bestanden" in text


def _chart() -> Figure:
    fig = Figure()
    fig.add_subplot().bar(["a"], [1])
    fig.set_label("bar")
    return fig


def test_figure_alt_text_and_data_table_come_from_the_data(report):
    data = pd.Series({"Umwelt": 1043.0, "<b>Energie</b>": 12.0}, name="datasets_total")
    block = report.figure(_chart(), caption="Neue Datensätze nach Thema", data=data, data_index_label="Thema")
    number = block.metadata["mpsc_report"]["number"]
    assert 'alt="Balkendiagramm: Neue Datensätze nach Thema. Größter Wert Umwelt (1.043)' in block.html
    assert f"<summary>Daten zu Abbildung {number}</summary>" in block.html
    assert '<th scope="col">Thema</th><th scope="col">Neue Datensätze</th>' in block.html
    assert '<td class="mpsc-num">1.043</td>' in block.html and "&lt;b&gt;Energie&lt;/b&gt;" in block.html
    assert "<b>" not in block.html
    author = report.figure(_chart(), caption="Eins", alt="Vom Autor", data=data)
    assert 'alt="Vom Autor"' in author.html and "<details" in author.html


def test_figure_without_alt_or_data_is_refused(report):
    with pytest.raises(DataError, match="neither alt text nor data"):
        report.figure(_chart(), caption="Ohne")


def test_english_report_translates_blocks_and_refuses_untranslated_captions():
    from mpsc_report.errors import TranslationMissing

    params = mr.load_params(ROOT / "params" / "2023.yaml").model_copy(update={"language": "en"})
    english = mr.open_report(params)
    title = english.title_page()
    assert "Sample data — not official results" in title.html and "Field period 13 November 2023" in title.html
    assert title.metadata["mpsc_report"]["language"] == "en"
    data = pd.Series({"datasets_environment": 1043, "datasets_energy": 7}, name="datasets_total").rename_axis("theme")
    block = english.figure(_chart(), caption="Neu erhobene kommunale Datensätze nach Thema", data=data)
    assert "Figure 1:" in block.html and "New municipal datasets collected, by theme" in block.html
    assert "Largest value Environment (1,043)" in block.html and "Data for figure 1" in block.html
    table = english.table(
        pd.DataFrame({"response_rate": [0.64]}, index=pd.Index(["2019"], name="cohort")).rename_axis(
            columns="response"
        ),
        caption="Rücklauf nach Staffel",
        formats={"response_rate": "percent"},
        index_label="Staffel",
    )
    assert "Table 1:" in table.html and "Response rate" in table.html and "64%" in table.html
    with pytest.raises(TranslationMissing, match="Nicht übersetzt"):
        english.figure(_chart(), caption="Nicht übersetzt", data=data)


def test_appendix_sentences_in_english_come_from_the_same_catalogue(report, quarantined):
    clean = " ".join(mr.narrative.data_quality(report.quality, "en"))
    assert "73 answer rows were read from wave_2023.csv (CSV file, encoding UTF-8)" in clean
    assert "73 of them went into the analysis, 0 were rejected" in clean and "Every row passed" in clean
    rejected = " ".join(mr.narrative.data_quality(quarantined.quality, "en"))
    assert "1 was rejected" in rejected and "1 × unknown project" in rejected
    assert "One cell held a special code (“keine Angabe”)" in rejected


def test_report_and_factsheet_write_each_data_property_once():
    """Issue 9: the data properties were copied between Report and Factsheet; both inherit them from WaveDocument."""
    from mpsc_report.documents.document import WaveDocument

    shared = ("register", "waves", "current", "responses", "quality", "synthetic", "source", "source_for")
    for name in (*shared, "wave_span", "data_files", "provenance"):
        assert name in vars(WaveDocument), name
        assert name not in vars(mr.Report) and name not in vars(mr.Factsheet), name


# --- codes become words once, at the edge ------------------------------------------------------------------------


def test_label_turns_codes_into_the_words_of_the_language():
    from mpsc_report.documents.blocks import label_data

    themes = pd.Series([3, 1], index=pd.Index(["datasets_environment", "datasets_energy"], name="theme"))
    themes = themes.rename("datasets_total")
    english = label_data(themes, "en")
    assert list(english.index) == ["Environment", "Energy"] and english.name == "New datasets"
    assert list(english) == [3, 1]
    assert themes.index[0] == "datasets_environment" and themes.index.name == "theme"  # the input is not changed
    assert list(label_data(themes, "de").index) == ["Umwelt", "Energie"]
    lands = pd.Series([1], index=pd.Index(["Saarland"], name="state"), name="projects")
    assert list(label_data(lands, "en").index) == ["Saarland"] and label_data(lands, "en").name == "Model projects"
    frame = pd.DataFrame({"measures_planned": [1], "measures_completed": [2]}, index=pd.Index(["2019"], name="cohort"))
    frame = frame.rename_axis(columns="measure_state")
    assert list(label_data(frame, "en").columns) == ["planned", "completed"]
    assert list(label_data(frame, "en").index) == ["Cohort 2019"]
    assert list(label_data(frame, "de").index) == ["Staffel 2019"]


def test_labelling_words_again_fails_and_names_the_entry():
    from mpsc_report.documents.blocks import label_data
    from mpsc_report.errors import TranslationMissing

    with pytest.raises(TranslationMissing, match="'kind.Großstadt'"):
        label_data(pd.Series([1], index=pd.Index(["Großstadt"], name="kind")), "de")


def test_tables_and_figure_data_share_one_renderer(report):
    frame = pd.DataFrame({"count": [3, 1043], "share": [0.5, 0.25], "mean": [1.25, 2.0]}, index=["a", "b"])
    table = report.table(frame, caption="T", formats={"share": "percent"}, index_label="Zeilen")
    figure = report.figure(_chart(), caption="F", alt="A", data=frame, data_formats={"share": "percent"})
    for block in (table, figure):
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", block.html)
        assert cells == ["3", "50\u00a0%", "1,3", "1.043", "25\u00a0%", "2,0"], cells
    assert '<th scope="col">Zeilen</th>' in table.html and '<th scope="col">Kategorie</th>' in figure.html


# --------------------------------------------------------------------------- signs of official statistics


def test_unknown_is_a_dot_zero_a_dash_and_a_table_that_uses_a_sign_carries_the_legend(report):
    frame = pd.DataFrame(
        {"partners_total": [11.0, float("nan"), 0.0], "names": ["Ulm", "", None]}, index=["a", "b", "c"]
    )
    block = report.table(frame, caption="T", formats={"names": "text"})
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", block.html)
    assert cells[:6] == ["11", "Ulm", ".", "", "–", "."]  # never 0 for an unknown value
    assert "<tfoot>" in block.html
    assert (
        "Zeichenerklärung: „.“ = Zahlenwert unbekannt (keine Angabe); „–“ = nichts vorhanden (genau null)" in block.html
    )
    plain = report.table(pd.DataFrame({"x": [1, 2]}), caption="U")
    assert "<tfoot>" not in plain.html and "Zeichenerklärung" not in plain.html
    english = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml").model_copy(update={"language": "en"}))
    assert (
        "Symbols: “.” = value unknown (no answer)"
        in english.table(frame, caption="Welle", formats={"names": "text"}).html
    )


def test_figure_data_keeps_its_legend_inside_the_table_for_the_pdf_appendix(report):
    frame = pd.Series(
        [float("nan"), 3.0], index=pd.Index(["large_city", "district"], name="kind"), name="positions_new"
    )
    block = report.figure(_chart(), caption="F", alt="A", data=frame)
    table = re.search(r"<table.*?</table>", block.html, flags=re.DOTALL).group(0)  # what the appendix copies
    assert "Zeichenerklärung: „.“ = Zahlenwert unbekannt" in table
    assert block.metadata["mpsc_report"]["numbers"] == {
        "positions_new[kind=large_city]": None,
        "positions_new[kind=district]": 3,
    }


def test_the_method_section_prints_every_definition_of_the_catalogue(report):
    from mpsc_report.analysis.indicators import INDICATORS

    block = report.definitions()
    assert block.metadata["mpsc_report"]["caption"] == "Begriffe und Definitionen"
    for indicator in INDICATORS:
        assert escape_text(indicator.label["de"]) in block.html
        assert escape_text(indicator.definition["de"]) in block.html
    assert "Median" in block.html and "je antwortendem Modellprojekt" in block.html
    english = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml").model_copy(update={"language": "en"}))
    assert "Terms and definitions" in english.definitions().html
    assert escape_text(INDICATORS[0].definition["en"]) in english.definitions().html


def test_impressum_prints_every_field_of_the_publication_block_and_no_hash(report):
    rows = dict(report.impressum_rows())
    assert list(rows) == [
        "Herausgeber",
        "Auftraggeber",
        "Bearbeitung",
        "Stand",
        "Reihe",
        "ISSN",
        "ISBN",
        "Zitiervorschlag",
        "Lizenz",
        "Kontakt",
        "Bildnachweis",
        "Satz und Layout",
        "Hinweis",
        "Datengrundlage",
    ]
    assert rows["Stand"] == "Februar 2024" and rows["ISSN"] == "nicht vergeben"
    assert rows["Zitiervorschlag"].startswith("Musterangabe: herausgebende Institution (Hrsg.) (2024): Halbzeitbilanz")
    assert "CC BY 4.0" in rows["Lizenz"] and rows["Datengrundlage"].startswith("Datenstand: Befragungswelle 2023")
    html = report.colophon().html
    assert "Musterangabe" in html and "keine echten Angaben" in html  # the sample says so
    assert not re.search(r"[0-9a-f]{64}", html)
    real = report.params.publication.model_copy(
        update={"issn": "2199-5761", "licence": "dl-de/by-2-0", "citation": "Zitat", "as_of": "2024-03"}
    )
    other = mr.open_report(report.params.model_copy(update={"publication": real}))
    rows = dict(other.impressum_rows())
    assert rows["ISSN"] == "2199-5761" and rows["Zitiervorschlag"] == "Zitat" and rows["Stand"] == "März 2024"
    assert rows["Lizenz"].startswith("Datenlizenz Deutschland – Namensnennung – Version 2.0")


def test_key_messages_record_their_numbers_and_put_the_footnote_below(report):
    block = report.key_messages()
    meta = block.metadata["mpsc_report"]
    assert meta["role"] == "narrative"
    assert meta["numbers"]["datasets_total[wave=2022]"] == 667 and meta["numbers"]["continuation_share"] == 64.0
    assert block.html.index("mpsc-key-messages") < block.html.index("mpsc-footnotes")
    assert block.text.startswith("Gegenüber der Welle 2022 ist die Zahl der antwortenden Modellprojekte von 68 auf 73")


def test_apparatus_lists_abbreviations_sources_figures_and_tables():
    fresh = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))
    assert "MPSC" in fresh.abbreviations().html and "Bundesministerium für Wohnen" in fresh.abbreviations().html
    sources = fresh.references()
    assert "Smart City Charta" in sources.text and "smart-city-charta.html" in sources.text
    assert "href" not in sources.html  # the HTML links to nothing outside itself
    fresh.table(pd.DataFrame({"n": [1]}, index=["a"]), "Rücklauf nach Staffel")
    fresh.challenge_table()
    lists = fresh.lists_of_figures_and_tables()
    assert "Tabelle 1: Rücklauf nach Staffel" in lists.text and "Tabelle 2: Herausforderungen nach Thema" in lists.text
    assert "Abbildungen\n" in lists.text and "keine" in lists.html  # no figure shown yet


def test_challenges_are_counted_by_theme_with_one_escaped_quote_each(report):
    table = report.challenge_table()
    assert "challenge_mentions[challenge=data_protection]" in table.metadata["mpsc_report"]["numbers"]
    quotes = report.challenge_examples()
    assert quotes.html.count("<blockquote") == 4  # the first four distinct answers, escaped
