"""Words and sentences of a report per language: German is the source text, English its translation.

Two kinds of text live here:

* :data:`MESSAGES` — the package's own phrases under a short key, one template per language, filled with
  :func:`t` (``t("figure.label", "en", number=3)`` -> ``"Figure 3:"``);
* :data:`LABELS` — German text written elsewhere (category labels of :mod:`~mpsc_report.data.schema` and
  :mod:`~mpsc_report.analysis.metrics`, captions written in the notebook) with its English translation, looked up by
  :func:`translate`. The German text itself is the key, so notebooks stay readable in German; an English
  report with a caption missing here fails with a message saying what to add.
"""

from __future__ import annotations

import string
from typing import overload

import pandas as pd

from ..errors import TranslationMissing

#: Report languages, the first is the default.
LANGUAGES: tuple[str, ...] = ("de", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # blocks and exporters
        "figure.label": "Abbildung {number}:",
        "table.label": "Tabelle {number}:",
        "figure.data_summary": "Daten zu Abbildung {number}",
        "appendix.title": "Anhang: Daten zu den Abbildungen",
        "appendix.intro": "Die Werte hinter jeder Abbildung dieses Berichts, als Tabelle.",
        "appendix.caption": "Daten zu Abbildung {number}: {caption}",
        "data.value": "Wert",
        "data.category": "Kategorie",
        "sample_notice": "Beispieldaten — keine amtlichen Ergebnisse",
        "shortened": " … [gekürzt]",
        "no_answer": "keine Angabe",
        "title.kicker": "Modellprojekte Smart Cities · Monitoring",
        "dq.of_which": "davon: {rule}",
        "dq.x_of_y": "{x} von {y}",
        "colophon.intro": (
            "Alle Zahlen dieses Berichts wurden automatisch aus den unten genannten Dateien berechnet. "
            "Mit denselben Dateien, Parametern und demselben Programmstand entsteht derselbe Bericht."
        ),
        "title.wave": "Befragungswelle {wave} · {period}",
        "title.period": "Befragungszeitraum {start} bis {end}",
        "period": "{start} bis {end}",
        # alt texts
        "alt.bar": "Balkendiagramm: {subject}.",
        "alt.tile_map": "Kachelkarte der Länder: {subject}.",
        "alt.stacked_bar": "Gestapeltes Balkendiagramm: {subject}.",
        "alt.small_multiples": "Balkendiagramme je Kennzahl: {subject}.",
        "alt.line": "Liniendiagramm: {subject}.",
        "alt.share": "Anteilsbalken: {subject}.",
        "alt.chart": "Abbildung: {subject}.",
        "alt.extremes": "Größter Wert {largest} ({largest_value}), kleinster Wert {smallest} ({smallest_value}).",
        "alt.values": "Werte: {listing}.",
        "alt.column_extremes": "{column}: höchster Wert {largest} ({largest_value}), niedrigster {smallest} "
        "({smallest_value})",
        "alt.total_extremes": "Größte Summe {largest} ({largest_value}), kleinste {smallest} ({smallest_value}).",
        "alt.trend": "{indicator}: von {first} ({first_wave}) auf {last} ({last_wave}) {direction}",
        "alt.trend_single": "{indicator}: {last} ({last_wave})",
        "alt.share_value": "{label}: {value}.",
        "direction.up": "gestiegen",
        "direction.down": "gesunken",
        "direction.same": "unverändert geblieben",
        # charts (mpsc_report/analysis/charts): the words a chart writes by itself ({count} is "n = 73")
        "chart.source": "Quelle: MPSC-Monitoring, Welle {wave}, {count}",
        "chart.source_sample": "Quelle: MPSC-Monitoring, Welle {wave}, {count} · Beispieldaten",
        "chart.no_data": "keine Daten",
        "chart.cohort": "Staffel {cohort}",
        # --- words the exporters add (documents/export; owner: helper `contract`) ---
        "export.contents": "Inhalt",
        "export.wave": "Welle {wave}",
        "export.page": "Seite",
        "export.of": "von",
        "export.untitled": "Bericht",
        "export.no_alt": "Abbildung ohne Textbeschreibung",
        # --- end of the exporters' words ---
    },
    "en": {
        "figure.label": "Figure {number}:",
        "table.label": "Table {number}:",
        "figure.data_summary": "Data for figure {number}",
        "appendix.title": "Appendix: data for the figures",
        "appendix.intro": "The values behind every figure of this report, as tables.",
        "appendix.caption": "Data for figure {number}: {caption}",
        "data.value": "Value",
        "data.category": "Category",
        "sample_notice": "Sample data — not official results",
        "shortened": " … [shortened]",
        "no_answer": "not stated",
        "title.kicker": "Smart Cities model projects · Monitoring",
        "dq.of_which": "of which: {rule}",
        "dq.x_of_y": "{x} of {y}",
        "colophon.intro": (
            "Every number in this report was computed automatically from the files listed below. "
            "The same files, parameters and code version produce the same report."
        ),
        "title.wave": "Survey wave {wave} · {period}",
        "title.period": "Field period {start} to {end}",
        "period": "{start} to {end}",
        "alt.bar": "Bar chart: {subject}.",
        "alt.tile_map": "Tile map of the Länder: {subject}.",
        "alt.stacked_bar": "Stacked bar chart: {subject}.",
        "alt.small_multiples": "Bar charts per indicator: {subject}.",
        "alt.line": "Line chart: {subject}.",
        "alt.share": "Share bar: {subject}.",
        "alt.chart": "Figure: {subject}.",
        "alt.extremes": "Largest value {largest} ({largest_value}), smallest value {smallest} ({smallest_value}).",
        "alt.values": "Values: {listing}.",
        "alt.column_extremes": "{column}: highest {largest} ({largest_value}), lowest {smallest} ({smallest_value})",
        "alt.total_extremes": "Largest total {largest} ({largest_value}), smallest {smallest} ({smallest_value}).",
        "alt.trend": "{indicator}: {direction} from {first} ({first_wave}) to {last} ({last_wave})",
        "alt.trend_single": "{indicator}: {last} ({last_wave})",
        "alt.share_value": "{label}: {value}.",
        "direction.up": "risen",
        "direction.down": "fallen",
        "direction.same": "unchanged",
        # charts (mpsc_report/analysis/charts): the words a chart writes by itself ({count} is "n = 73")
        "chart.source": "Source: MPSC monitoring, wave {wave}, {count}",
        "chart.source_sample": "Source: MPSC monitoring, wave {wave}, {count} · sample data",
        "chart.no_data": "no data",
        "chart.cohort": "Cohort {cohort}",
        # --- words the exporters add (documents/export; owner: helper `contract`) ---
        "export.contents": "Contents",
        "export.wave": "Wave {wave}",
        "export.page": "Page",
        "export.of": "of",
        "export.untitled": "Report",
        "export.no_alt": "Figure without a text description",
        # --- end of the exporters' words ---
    },
}

#: Sentences of :mod:`~mpsc_report.analysis.narrative`; the German ones are the programme's published wording.
_NARRATIVE: dict[str, dict[str, str]] = {
    "de": {
        "dq.format.csv": "CSV-Datei",
        "dq.format.xlsx": "Excel-Arbeitsmappe",
        "dq.format.limesurvey": "LimeSurvey-Antwortexport",
        "dq.read.one": "wurde eine Antwortzeile",
        "dq.read.many": "wurden {n} Antwortzeilen",
        "dq.went.one": "ging",
        "dq.went.many": "gingen",
        "dq.was.one": "wurde",
        "dq.was.many": "wurden",
        "dq.rows": "Aus der Datei {file} ({format}, Zeichenkodierung {encoding}) {read} gelesen; {used} davon "
        "{went} in die Auswertung ein, {rejected} {was} zurückgewiesen.",
        "dq.rejected": "Zurückgewiesen wurden Zeilen mit ungültigen Angaben ({reasons}); sie sind in keiner Zahl "
        "dieses Berichts enthalten. Die vollständige Liste mit Zeile, Spalte und Wert steht in {errors_file}.",
        "dq.all_passed": "Alle Zeilen haben die Prüfungen bestanden (Spalten, Werte, Codes, Eindeutigkeit, Summen).",
        "dq.codebook": "Fragecodes und Antwortcodes wurden mit dem Codebuch „{codebook}“ in die Auswertungsspalten "
        "übersetzt.",
        "dq.special.one": "In einer Zelle stand ein Sondercode",
        "dq.special.many": "In {n} Zellen standen Sondercodes",
        "dq.quoted": "„{text}“",
        "dq.special": "{cells} ({codes}); diese Angaben zählen als fehlend und gehen weder in Summen noch in "
        "Mittelwerte ein.",
        "dq.checksums": "Die Prüfsummen (SHA-256) in der Tabelle der ausgewerteten Dateien belegen, welcher "
        "Datenstand ausgewertet wurde.",
        "summary.datasets": "{datasets} kommunale Datensätze wurden im Rahmen der Förderung erstmals neu erhoben.",
        "summary.participation": "Die Modellprojekte stärken die Mitgestaltung durch Partizipation, mit "
        "{participation} partizipativen Aktivitäten.",
        "summary.positions": "In den geförderten Kommunen sind {positions} neue Stellen entstanden.",
        "summary.transferred": "{transferred} Lösungen konnten bereits in andere Kommunen übertragen werden.",
        "summary.continued": "{share} der Maßnahmen, die bereits abgeschlossen sind, sollen weiter betrieben werden.",
        "summary.open_source": "Für {open_source} Maßnahmen wurde der entwickelte Open-Source-Code veröffentlicht.",
        "summary.network": "Jedes Modellprojekt steht im Schnitt im Austausch mit {mean} anderen Kommunen – "
        "zusammen {links} Netzwerkverbindungen.",
        "tile.datasets": "neu erhobene kommunale Datensätze",
        "tile.participation": "partizipative Aktivitäten",
        "tile.positions": "neue Stellen in den geförderten Kommunen",
        "tile.transferred": "in andere Kommunen übertragene Lösungen",
        "tile.continued": "der abgeschlossenen Maßnahmen werden weiter betrieben",
        "tile.open_source": "Maßnahmen mit veröffentlichtem Open-Source-Code",
        "tile.partners": "Partnerkommunen je Modellprojekt im Schnitt",
        "tile.links": "Verbindungen im Netzwerk",
        "response": "An der Befragung der Welle {wave} haben {respondents} von {projects} Modellprojekten "
        "teilgenommen ({rate}); {implementation} von ihnen befanden sich in der Umsetzungsphase.",
        "datasets": "Insgesamt haben die Modellprojekte {total} kommunale Datensätze erstmals neu erhoben. "
        "Die meisten betreffen den Bereich {first} ({first_value}, {first_share}), gefolgt von {second} "
        "({second_value}). Dazu gehören etwa das Monitoring von Starkregenereignissen, die Identifikation von "
        "Hitzeinseln und Sensoren für den ruhenden und den fließenden Verkehr.",
        "charta": "Digitale Transformation braucht Transparenz, Teilhabe und Mitgestaltung",
        "participation": "Mit {total} partizipativen Aktivitäten – am häufigsten {top} ({top_value}) – tragen die "
        "Modellprojekte zu einer Leitlinie der Smart City Charta bei: „{charta}“.",
        "staff": "In den geförderten Kommunen sind {positions} neue Stellen entstanden, davon {top_value} in "
        "Modellprojekten der Kategorie {top}. Die neuen Stellen entwickeln die Strategien weiter, setzen mit "
        "Partnern Maßnahmen um und schaffen Strukturen für die Verstetigung.",
        "transfer": "{transferred} Lösungen wurden bereits in andere Kommunen übertragen. Jedes Modellprojekt "
        "steht im Schnitt mit {mean} anderen Kommunen im Austausch; insgesamt wurden {links} Verbindungen "
        "gemeldet, {among} davon zwischen zwei Modellprojekten. Die häufigste Form ist {top} ({top_value} "
        "Verbindungen).",
        "sustainability": "Von {completed} abgeschlossenen Maßnahmen sollen {continued} weiter betrieben werden; "
        "das sind {share}. Für {open_source} Maßnahmen wurde der Quellcode als Open Source veröffentlicht, sodass "
        "alle Kommunen die Lösungen übernehmen können. Insgesamt meldeten die Modellprojekte {total} geplante, "
        "laufende oder abgeschlossene Maßnahmen.",
        "comparison": "Nach {group} betrachtet haben die Modellprojekte der Gruppe „{top}“ im Schnitt die meisten "
        "neuen Datensätze erhoben ({top_value} je Projekt), die der Gruppe „{bottom}“ die wenigsten "
        "({bottom_value}). Die Unterschiede spiegeln vor allem den Projektbeginn und die Größe der Kommunen wider.",
        "places": "Die {projects} Modellprojekte verteilen sich auf {lands} der sechzehn Länder; die meisten "
        "liegen in {top} ({top_value}).",
        "development.first": "Welle {wave} ist die erste ausgewertete Befragungswelle; ein Vergleich mit früheren "
        "Wellen ist daher noch nicht möglich.",
        "development.change": "{what} von {old} auf {new} {direction}",
        "development.up": "gestiegen",
        "development.down": "gesunken",
        "development.same": "unverändert geblieben",
        "development.changes": "Gegenüber der Welle {wave} ist die Zahl {changes}.",
        "development.joiner": ", die Zahl ",
        "development.last_joiner": " und die Zahl ",
        "development.gaps": "Für die Zahl {gaps} liegen keine vergleichbaren Angaben beider Wellen vor.",
        "development.gap_joiner": " und ",
        "development.note": "Die Angaben sind seit Programmbeginn kumuliert; Unterschiede im Rücklauf der Wellen "
        "wirken sich auf die Summen aus.",
        "genitive.Neue Datensätze": "der neuen Datensätze",
        "genitive.Partizipative Aktivitäten": "der partizipativen Aktivitäten",
        "genitive.Neue Stellen": "der neuen Stellen",
        "genitive.Übertragene Lösungen": "der übertragenen Lösungen",
        "genitive.Partnerkommunen": "der Partnerkommunen",
        "method.who": "Befragt wurden alle {projects} Modellprojekte Smart Cities der drei Staffeln 2019, 2020 und "
        "2021 ({period}). Geantwortet haben {respondents} Modellprojekte ({rate}).",
        "method.counting": "Alle Zählgrößen sind seit Programmbeginn kumuliert und werden über die antwortenden "
        "Modellprojekte summiert. Fehlende Angaben werden weder geschätzt noch als null gezählt. Der Anteil weiter "
        "betriebener Maßnahmen bezieht sich auf die abgeschlossenen Maßnahmen der Projekte, die beide Fragen "
        "beantwortet haben.",
        "method.network": "Netzwerkverbindungen sind die gemeldeten Partnerkommunen; nennen sich zwei Modellprojekte "
        "gegenseitig, zählt die Verbindung einmal.",
        "method.synthetic": "Dieser Bericht beruht auf synthetischen Beispieldaten. Sie sind so kalibriert, dass die "
        "Welle 2023 die veröffentlichten Programmkennzahlen wiedergibt; alle übrigen Werte, Verteilungen und "
        "Freitexte sind erfunden. Es handelt sich nicht um amtliche Ergebnisse.",
        "describe.bars": "Balkendiagramm {what}. Größter Wert {largest} ({largest_value}), kleinster Wert "
        "{smallest} ({smallest_value}). Werte: {listing}.",
        "describe.share": "Balken, der den Anteil {what} zeigt: {share}.",
        "describe.network": "Netzwerkdiagramm der {nodes} Modellprojekte mit {edges} Verbindungen untereinander, "
        "nach Staffel gefärbt; die Punktgröße zeigt die Zahl der Partnerkommunen.",
        "describe.table": "{what}. Werte: {rows}.",
    },
    "en": {
        "dq.format.csv": "CSV file",
        "dq.format.xlsx": "Excel workbook",
        "dq.format.limesurvey": "LimeSurvey response export",
        "dq.read.one": "One answer row was",
        "dq.read.many": "{n} answer rows were",
        "dq.went.one": "went",
        "dq.went.many": "went",
        "dq.was.one": "was",
        "dq.was.many": "were",
        "dq.rows": "{read} read from {file} ({format}, encoding {encoding}); {used} of them {went} into the "
        "analysis, {rejected} {was} rejected.",
        "dq.rejected": "Rows with invalid answers were rejected ({reasons}); they are not part of any number in "
        "this report. The full list with line, column and value is in {errors_file}.",
        "dq.all_passed": "Every row passed the checks (columns, values, codes, uniqueness, totals).",
        "dq.codebook": "Question and answer codes were mapped to the analysis columns with codebook “{codebook}”.",
        "dq.special.one": "One cell held a special code",
        "dq.special.many": "{n} cells held special codes",
        "dq.quoted": "“{text}”",
        "dq.special": "{cells} ({codes}); these answers count as missing and enter neither totals nor means.",
        "dq.checksums": "The checksums (SHA-256) in the table of files analysed show which state of the data was "
        "analysed.",
        "summary.datasets": "{datasets} municipal datasets were collected for the first time with the funding.",
        "summary.participation": "The model projects strengthen co-creation through participation, with "
        "{participation} participatory activities.",
        "summary.positions": "{positions} new positions have been created in the funded municipalities.",
        "summary.transferred": "{transferred} solutions have already been transferred to other municipalities.",
        "summary.continued": "{share} of the measures already completed are to be continued.",
        "summary.open_source": "The open-source code developed has been published for {open_source} measures.",
        "summary.network": "On average, each model project exchanges with {mean} other municipalities – "
        "{links} network links in all.",
        "tile.datasets": "new municipal datasets collected",
        "tile.participation": "participatory activities",
        "tile.positions": "new positions in the funded municipalities",
        "tile.transferred": "solutions transferred to other municipalities",
        "tile.continued": "of completed measures will be continued",
        "tile.open_source": "measures with published open-source code",
        "tile.partners": "partner municipalities per model project on average",
        "tile.links": "links in the network",
        "response": "{respondents} of {projects} model projects took part in the survey of wave {wave} ({rate}); "
        "{implementation} of them were in the implementation phase.",
        "datasets": "In total, the model projects collected {total} municipal datasets for the first time. "
        "The largest theme is {first} ({first_value}, {first_share}), followed by {second} ({second_value}). "
        "Examples include monitoring heavy rainfall, identifying heat islands and sensors for parked and moving "
        "traffic.",
        "charta": "Digital transformation needs transparency, participation and co-creation",
        "participation": "With {total} participatory activities – most often {top} ({top_value}) – the model "
        "projects contribute to a guideline of the Smart City Charter: “{charta}”.",
        "staff": "{positions} new positions have been created in the funded municipalities, {top_value} of them in "
        "model projects of the kind {top}. The new staff develop the strategies further, implement measures with "
        "partners and build structures that last beyond the funding.",
        "transfer": "{transferred} solutions have already been transferred to other municipalities. On average, "
        "each model project exchanges with {mean} other municipalities; {links} links were reported in all, "
        "{among} of them between two model projects. The most common form is {top} ({top_value} links).",
        "sustainability": "Of {completed} completed measures, {continued} are to be continued; that is {share}. "
        "The source code of {open_source} measures has been published as open source, so every municipality can "
        "adopt the solutions. In total, the model projects reported {total} planned, ongoing or completed measures.",
        "comparison": "By {group}, the model projects of the group “{top}” collected the most new datasets on "
        "average ({top_value} per project), those of the group “{bottom}” the fewest ({bottom_value}). The "
        "differences mainly reflect when the projects started and the size of the municipalities.",
        "places": "The {projects} model projects are spread over {lands} of the sixteen Länder; most are in "
        "{top} ({top_value}).",
        "development.first": "Wave {wave} is the first survey wave analysed, so a comparison with earlier waves is "
        "not yet possible.",
        "development.change": "{what} has {direction} from {old} to {new}",
        "development.up": "risen",
        "development.down": "fallen",
        "development.same": "stayed the same",
        "development.changes": "Compared with wave {wave}, the number {changes}.",
        "development.joiner": ", the number ",
        "development.last_joiner": " and the number ",
        "development.gaps": "There are no comparable figures of both waves for the number {gaps}.",
        "development.gap_joiner": " and ",
        "development.note": "The figures are cumulative since the programme started; differences in the response "
        "of the waves affect the totals.",
        "genitive.Neue Datensätze": "of new datasets",
        "genitive.Partizipative Aktivitäten": "of participatory activities",
        "genitive.Neue Stellen": "of new positions",
        "genitive.Übertragene Lösungen": "of transferred solutions",
        "genitive.Partnerkommunen": "of partner municipalities",
        "method.who": "All {projects} Smart Cities model projects of the three cohorts 2019, 2020 and 2021 were "
        "asked ({period}). {respondents} model projects answered ({rate}).",
        "method.counting": "All counts are cumulative since the programme started and are summed over the model "
        "projects that answered. Missing answers are neither estimated nor counted as zero. The share of measures "
        "continued refers to the completed measures of the projects that answered both questions.",
        "method.network": "Network links are the partner municipalities reported; if two model projects name each "
        "other, the link counts once.",
        "method.synthetic": "This report is based on synthetic sample data. They are calibrated so that wave 2023 "
        "reproduces the published programme figures; all other values, distributions and free texts are "
        "invented. These are not official results.",
        "describe.bars": "Bar chart {what}. Largest value {largest} ({largest_value}), smallest value {smallest} "
        "({smallest_value}). Values: {listing}.",
        "describe.share": "Bar showing the share {what}: {share}.",
        "describe.network": "Network diagram of the {nodes} model projects with {edges} links among them, coloured "
        "by cohort; dot size shows the number of partner municipalities.",
        "describe.table": "{what}. Values: {rows}.",
    },
}
for _language, _sentences in _NARRATIVE.items():
    MESSAGES[_language].update(_sentences)

#: German text -> English, for labels of the data and captions written in the notebook.
LABELS: dict[str, str] = {
    # schema: dataset themes, participation formats, exchange kinds, measure states, phases, kinds
    "Klimaanpassung (z. B. Starkregen, Hitzeinseln)": "Climate adaptation (e.g. heavy rain, heat islands)",
    "Verkehr (ruhend und fließend)": "Traffic (parked and moving)",
    "Umwelt": "Environment",
    "Energie": "Energy",
    "Sonstiges": "Other",
    "Workshops und Werkstätten": "Workshops and labs",
    "Informationsveranstaltungen": "Information events",
    "Online-Beteiligung": "Online participation",
    "Befragungen": "Surveys",
    "Sonstige Formate": "Other formats",
    "Vorbild": "Role model",
    "Wissensaustausch": "Knowledge exchange",
    "Gemeinsame Lösungsentwicklung": "Joint development of solutions",
    "Übertragung": "Transfer",
    "geplant": "planned",
    "in Umsetzung": "in progress",
    "abgeschlossen": "completed",
    "Strategiephase": "Strategy phase",
    "Umsetzungsphase": "Implementation phase",
    "Großstadt": "City",
    "Mittelstadt": "Medium-sized town",
    "Kleinstadt/Landgemeinde": "Small town/rural municipality",
    "interkommunale Kooperation": "inter-municipal cooperation",
    "Landkreis": "District",
    "Staffel 2019": "Cohort 2019",
    "Staffel 2020": "Cohort 2020",
    "Staffel 2021": "Cohort 2021",
    "Staffel": "Cohort",
    "Art der Kommune": "Kind of municipality",
    "Land": "Land",
    "Thema": "Theme",
    "Format": "Format",
    "Art des Austauschs": "Kind of exchange",
    "Welle": "Wave",
    # metrics: series names and indicator columns
    "Neue Datensätze": "New datasets",
    "Partizipative Aktivitäten": "Participatory activities",
    "Neue Stellen": "New positions",
    "Übertragene Lösungen": "Transferred solutions",
    "Partnerkommunen": "Partner municipalities",
    "Neue Datensätze je Projekt": "New datasets per project",
    "Partizipative Aktivitäten je Projekt": "Participatory activities per project",
    "Neue Stellen je Projekt": "New positions per project",
    "Übertragene Lösungen je Projekt": "Transferred solutions per project",
    "Partnerkommunen je Projekt": "Partner municipalities per project",
    "Verbindungen": "Links",
    "Verbindungen zu Modellprojekten": "Links to model projects",
    "Modellprojekt": "Model project",
    "Modellprojekte": "Model projects",
    "Projekte": "Projects",
    "Antworten": "Answers",
    "Rücklauf": "Response rate",
    "Anteil": "Share",
    "Wert": "Value",
    "Abgeschlossene Maßnahmen, die weiter betrieben werden": "Completed measures that will be continued",
    # captions and phrases of notebooks/halftime_review.ipynb
    "Neu erhobene kommunale Datensätze nach Thema": "New municipal datasets collected, by theme",
    "Partizipative Aktivitäten nach Format": "Participatory activities by format",
    "Neue Stellen nach Art der Kommune": "New positions by kind of municipality",
    "Gemeldete Verbindungen zu anderen Kommunen nach Art des Austauschs": (
        "Reported links to other municipalities by kind of exchange"
    ),
    "Netzwerk der Modellprojekte untereinander (Punktgröße: Zahl der Partnerkommunen)": (
        "Network among the model projects (dot size: number of partner municipalities)"
    ),
    "Anteil der abgeschlossenen Maßnahmen, die weiter betrieben werden": (
        "Share of completed measures that will be continued"
    ),
    "Maßnahmen nach Bearbeitungsstand und Staffel": "Measures by state of work and cohort",
    "Kennzahlen je Modellprojekt nach Staffel (Mittelwerte)": "Indicators per model project by cohort (means)",
    "Kennzahlen je Modellprojekt nach Art der Kommune (Mittelwerte)": (
        "Indicators per model project by kind of municipality (means)"
    ),
    "Modellprojekte Smart Cities nach Land (Sitz der federführenden Kommune)": (
        "Smart Cities model projects by Land (seat of the lead municipality)"
    ),
    "Kennzahlen nach Befragungswelle (kumuliert)": "Indicators by survey wave (cumulative)",
    "Rücklauf nach Staffel": "Response by cohort",
    "Rücklauf nach Art der Kommune": "Response by kind of municipality",
    # data-quality appendix (report.data_quality_tables) and validation rules
    "Antwortzeilen der Welle: gelesen = verwendet + zurückgewiesen": "Answer rows of the wave: read = used + rejected",
    "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)": (
        "Missing answers per indicator (empty cells and special codes are not counted)"
    ),
    "Rücklauf nach Art der Kommune und Staffel (Antworten von Projekten)": (
        "Response by kind of municipality and cohort (answers of projects)"
    ),
    "Ausgewertete Dateien mit Prüfsumme (SHA-256)": "Files analysed, with checksum (SHA-256)",
    "Zeilen": "Rows",
    "gelesen": "read",
    "verwendet": "used",
    "zurückgewiesen": "rejected",
    "Kennzahl": "Indicator",
    "beantwortet": "answered",
    "leer": "empty",
    "Sondercode": "special code",
    "ohne Angabe": "no answer",
    "alle Staffeln": "all cohorts",
    "Rolle": "Role",
    "Datei": "File",
    "Zeilen gelesen": "Rows read",
    "Zeilen verwendet": "Rows used",
    "SHA-256": "SHA-256",
    "Zeile nicht lesbar": "unreadable row",
    "ohne Kennung": "no identifier",
    "keine endliche Zahl": "not a finite number",
    "keine ganze Zahl": "not a whole number",
    "ohne Datum": "no date",
    "Datum ungültig": "invalid date",
    "unbekanntes Projekt": "unknown project",
    "unbekannter Code": "unknown code",
    "ohne Namen": "no name",
    # colophon (provenance.colophon_rows)
    "Datendatei": "Data file",
    "Parameter": "Parameters",
    "Codebuch": "Codebook",
    "Software": "Software",
    "Programmstand (git)": "Code version (git)",
    "Erstellt (UTC)": "Built (UTC)",
}

_REVERSE: dict[str, str] = {english: german for german, english in LABELS.items()}


def check_language(language: str) -> str:
    """Return ``language`` if the package can write it, else raise ``ValueError`` naming the supported ones."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported report language {language!r} (supported: {', '.join(LANGUAGES)})")
    return language


def t(key: str, language: str = "de", **values: object) -> str:
    """The package's phrase ``key`` in ``language``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`, e.g. ``"figure.label"``.
    language : str
        Report language, ``"de"`` or ``"en"``.
    **values
        Values of the template's placeholders.

    Returns
    -------
    str
        The filled-in phrase.
    """
    template = MESSAGES[check_language(language)][key]
    return template.format(**values) if values else template


def translate(text: str, language: str = "de") -> str:
    """German ``text`` (a label or a caption) in ``language``; German text is returned unchanged.

    Raises
    ------
    TranslationMissing
        When an English report needs a text :data:`LABELS` has no translation for.
    """
    if check_language(language) == "de" or text in _REVERSE:
        return text
    try:
        return LABELS[text]
    except KeyError:
        raise TranslationMissing(
            f"no English text for {text!r}: add it to LABELS in mpsc_report/i18n.py "
            f'("{text}": "<English>"), or build the report in German.'
        ) from None


def localize_label(label: str, language: str = "de") -> str:
    """One label in ``language``; a label without a translation (a name, a file) stays as it is."""
    return label if check_language(language) == "de" else LABELS.get(label, label)


def german(label: object) -> object:
    """The German source of a translated label (unchanged if it is German already or not a label)."""
    return _REVERSE.get(label, label) if isinstance(label, str) else label


@overload
def localize(data: pd.Series, language: str) -> pd.Series: ...
@overload
def localize(data: pd.DataFrame, language: str) -> pd.DataFrame: ...
def localize(data, language):
    """A copy of ``data`` with German index labels, column labels and name in ``language``.

    Labels that are not text (wave ids, numbers) and labels without a translation (names of places
    and projects) stay as they are.
    """
    if check_language(language) == "de":
        return data

    def label(value: object) -> object:
        return LABELS.get(value, value) if isinstance(value, str) else value

    result = data.rename(index=label)
    if isinstance(result, pd.DataFrame):
        result = result.rename(columns=label)
    else:
        result.name = label(result.name)
    result.index.name = label(result.index.name)
    return result


def placeholders(template: str) -> set[str]:
    """Names of the ``{placeholders}`` in a template (for checking that translations match)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
