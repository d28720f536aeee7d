"""The word catalogue: every phrase and every word of a code, in German and English, and :func:`t` to get one.

German is the source text, English its translation. :data:`MESSAGES` maps a language to its entries:

* phrases under a dotted key, filled by :func:`t` (``t("figure.label", "en", number=3)`` -> ``"Figure 3:"``);
* the word of each code the metrics speak, under ``"<dimension>.<code>"`` (``"kind.large_city"`` -> ``"Großstadt"``,
  ``"cohort.2019"`` -> ``"Staffel 2019"``, ``"indicator.datasets_total"`` -> ``"Neue Datensätze"``);
* German text written in a notebook or a document (a caption, a table header) under itself: the notebook reads like
  the report, and the catalogue holds its translation.

:func:`t` is the one way to a word. The document layer applies it once, at the edge (codes in, words out); an
English document that needs an entry the catalogue lacks fails with :class:`~mpsc_report.errors.TranslationMissing`
naming it.
"""

from __future__ import annotations

import re

from ..data.schema import COHORTS, EXCHANGE_CODES
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
        "colophon.uncommitted": " (mit nicht eingecheckten Änderungen)",
        "colophon.unknown": "unbekannt",
        "meta.keywords": "Modellprojekte Smart Cities, Smart City, Monitoring, Befragung",
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
        "colophon.uncommitted": " (with uncommitted changes)",
        "colophon.unknown": "unknown",
        "meta.keywords": "Smart Cities model projects, smart city, monitoring, survey",
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
        "comparison.by.cohort": "Staffel",
        "comparison.by.kind": "Art der Kommune",
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
        "genitive.datasets_total": "der neuen Datensätze",
        "genitive.participation_total": "der partizipativen Aktivitäten",
        "genitive.positions_new": "der neuen Stellen",
        "genitive.solutions_transferred": "der übertragenen Lösungen",
        "genitive.partners_total": "der Partnerkommunen",
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
        "describe.network": "Netzwerkdiagramm der {nodes} Modellprojekte mit {edges} Verbindungen untereinander, "
        "nach Staffel gefärbt; die Punktgröße zeigt die Zahl der Partnerkommunen.",
        "describe.counts": "{what}. Werte: {rows}.",
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
        "comparison.by.cohort": "cohort",
        "comparison.by.kind": "kind of municipality",
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
        "genitive.datasets_total": "of new datasets",
        "genitive.participation_total": "of participatory activities",
        "genitive.positions_new": "of new positions",
        "genitive.solutions_transferred": "of transferred solutions",
        "genitive.partners_total": "of partner municipalities",
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
        "describe.network": "Network diagram of the {nodes} model projects with {edges} links among them, coloured "
        "by cohort; dot size shows the number of partner municipalities.",
        "describe.counts": "{what}. Values: {rows}.",
    },
}
#: Sentences and labels of the project factsheet (:mod:`~mpsc_report.documents.factsheet` and the ``project_*``
#: functions of :mod:`~mpsc_report.analysis.narrative`).
_FACTSHEET: dict[str, dict[str, str]] = {
    "de": {
        "factsheet.kicker": "Modellprojekte Smart Cities · Steckbrief",
        "factsheet.title": "Steckbrief {name}",
        "factsheet.status": "Befragungswelle {wave} · Stand {date} · {publisher}",
        "factsheet.no_highlight": "Für diese Welle hat {name} kein Highlight genannt.",
        "factsheet.quote_source": "{name}, Welle {wave}",
        "factsheet.colophon.files": "Berechnet aus: {files} (SHA-256).",
        "factsheet.colophon.code": "Programmstand {git}; {versions}; erstellt {built}.",
        "median.cohort": "Median Staffel {cohort}",
        "median.kind": "Median der {kinds}",
        "project.lead": "In Welle {wave} meldet {name}:",
        "project.lead.no_answers": "Für diese Welle liegen keine Antworten von {name} vor (Welle {wave}). "
        "Gezeigt werden die Mediane der Vergleichsgruppen:",
        "project.medians": "Median der Staffel {cohort}: {cohort_value}, der {kinds}: {kind_value}",
        "project.item": "{value} {noun} – {medians}",
        "project.item.no_answers": "{indicator} – {medians}",
        "project.item.missing": "keine Angabe zur Zahl {genitive} – {medians}",
        "noun.datasets_total.one": "neu erhobenen Datensatz",
        "noun.datasets_total.many": "neu erhobene Datensätze",
        "noun.participation_total.one": "partizipative Aktivität",
        "noun.participation_total.many": "partizipative Aktivitäten",
        "noun.positions_new.one": "neue Stelle",
        "noun.positions_new.many": "neue Stellen",
        "noun.solutions_transferred.one": "übertragene Lösung",
        "noun.solutions_transferred.many": "übertragene Lösungen",
        "noun.partners_total.one": "Partnerkommune",
        "noun.partners_total.many": "Partnerkommunen",
        "project.no_answers": "Für diese Welle liegen keine Antworten von {name} vor.",
        "project.gaps": "Aus Welle {waves} liegen keine Antworten vor; die Linien zeigen dort eine Lücke und werden "
        "nicht ergänzt.",
        "project.wave_joiner": " und ",
        "project.changes": "Seit Welle {first} ist bei {name} die Zahl {changes}.",
        "project.first_wave": "Welle {wave} ist die erste mit Antworten von {name}; ein Vergleich ist noch nicht "
        "möglich.",
        "project.no_partners": "Für diese Welle liegen von {name} keine Angaben zu Partnerkommunen vor.",
        "project.partners": "{name} nennt {total} {partners}, {projects} davon sind selbst Modellprojekte. "
        "Die häufigste Form des Austauschs ist {top} ({top_value}).",
        "project.method": "Mediane: mittlerer Wert der antwortenden Modellprojekte der Staffel {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) und der {kinds} (n\u00a0=\u00a0{kind_n}), jeweils einschließlich {name}; "
        "fehlende Angaben werden weder geschätzt noch als null gezählt. Alle Zählgrößen sind seit Programmbeginn "
        "kumuliert.",
        "project.synthetic": "Dieser Steckbrief beruht auf synthetischen Beispieldaten; die Werte des Modellprojekts "
        "und seine Freitexte sind erfunden. Es handelt sich nicht um amtliche Ergebnisse.",
        "describe.no_data": "keine Daten",
    },
    "en": {
        "factsheet.kicker": "Smart Cities model projects · Factsheet",
        "factsheet.title": "Factsheet {name}",
        "factsheet.status": "Survey wave {wave} · As of {date} · {publisher}",
        "factsheet.no_highlight": "{name} did not name a highlight for this wave.",
        "factsheet.quote_source": "{name}, wave {wave}",
        "factsheet.colophon.files": "Computed from: {files} (SHA-256).",
        "factsheet.colophon.code": "Code version {git}; {versions}; built {built}.",
        "median.cohort": "Median of cohort {cohort}",
        "median.kind": "Median of {kinds}",
        "project.lead": "In wave {wave}, {name} reports:",
        "project.lead.no_answers": "There are no answers from {name} for this wave (wave {wave}). "
        "The medians of the comparison groups are shown:",
        "project.medians": "median of cohort {cohort}: {cohort_value}, of {kinds}: {kind_value}",
        "project.item": "{value} {noun} – {medians}",
        "project.item.no_answers": "{indicator} – {medians}",
        "project.item.missing": "no answer on the number {genitive} – {medians}",
        "noun.datasets_total.one": "new dataset collected",
        "noun.datasets_total.many": "new datasets collected",
        "noun.participation_total.one": "participatory activity",
        "noun.participation_total.many": "participatory activities",
        "noun.positions_new.one": "new position",
        "noun.positions_new.many": "new positions",
        "noun.solutions_transferred.one": "transferred solution",
        "noun.solutions_transferred.many": "transferred solutions",
        "noun.partners_total.one": "partner municipality",
        "noun.partners_total.many": "partner municipalities",
        "project.no_answers": "There are no answers from {name} for this wave.",
        "project.gaps": "There are no answers from wave {waves}; the lines show a gap there and are not filled in.",
        "project.wave_joiner": " and ",
        "project.changes": "For {name}, since wave {first} the number {changes}.",
        "project.first_wave": "Wave {wave} is the first with answers from {name}, so a comparison is not yet possible.",
        "project.no_partners": "There is no information from {name} on partner municipalities for this wave.",
        "project.partners": "{name} names {total} {partners} (model projects themselves among them: {projects}). "
        "The most common form of exchange is {top} ({top_value}).",
        "project.method": "Medians: the middle value of the responding model projects of cohort {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) and of the {kinds} (n\u00a0=\u00a0{kind_n}), each including {name}; missing "
        "answers are neither estimated nor counted as zero. All counts are cumulative since the programme started.",
        "project.synthetic": "This factsheet is based on synthetic sample data; the values of the model project and "
        "its free texts are invented. These are not official results.",
        "describe.no_data": "no data",
    },
}

#: Words of :mod:`~mpsc_report.analysis.formatting`: small numbers spelled out, rounded counts, percentages.
_FORMATS: dict[str, dict[str, str]] = {
    "de": {
        **{
            f"count_word.{n}": w
            for n, w in enumerate("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split())
        },
        "rounded.over": "über\u00a0{number}",
        "rounded.almost": "fast\u00a0{number}",
        "percent": "{number}\u00a0%",
    },
    "en": {
        **{
            f"count_word.{n}": w
            for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
        },
        "rounded.over": "over\u00a0{number}",
        "rounded.almost": "almost\u00a0{number}",
        "percent": "{number}%",
    },
}

#: Words of the theme, format and exchange codes; the data-quality labels of ``_CODES`` are built from them.
_THEMES: dict[str, tuple[str, str]] = {
    "datasets_climate": (
        "Klimaanpassung (z. B. Starkregen, Hitzeinseln)",
        "Climate adaptation (e.g. heavy rain, heat islands)",
    ),
    "datasets_mobility": ("Verkehr (ruhend und fließend)", "Traffic (parked and moving)"),
    "datasets_environment": ("Umwelt", "Environment"),
    "datasets_energy": ("Energie", "Energy"),
    "datasets_other": ("Sonstiges", "Other"),
}
_FORMATS_OF_PARTICIPATION: dict[str, tuple[str, str]] = {
    "participation_workshop": ("Workshops und Werkstätten", "Workshops and labs"),
    "participation_event": ("Informationsveranstaltungen", "Information events"),
    "participation_online": ("Online-Beteiligung", "Online participation"),
    "participation_survey": ("Befragungen", "Surveys"),
    "participation_other": ("Sonstige Formate", "Other formats"),
}
_EXCHANGES: dict[str, tuple[str, str]] = {
    "role_model": ("Vorbild", "Role model"),
    "knowledge_exchange": ("Wissensaustausch", "Knowledge exchange"),
    "joint_development": ("Gemeinsame Lösungsentwicklung", "Joint development of solutions"),
    "transfer": ("Übertragung", "Transfer"),
}

#: The word of every code the metrics speak: ``"<dimension>.<code>"`` -> (German, English).
_CODES: dict[str, tuple[str, str]] = {
    **{f"cohort.{c}": (f"Staffel {c}", f"Cohort {c}") for c in COHORTS},
    "cohort.all": ("alle Staffeln", "all cohorts"),
    "kind.large_city": ("Großstadt", "City"),
    "kind.medium_town": ("Mittelstadt", "Medium-sized town"),
    "kind.small_town": ("Kleinstadt/Landgemeinde", "Small town/rural municipality"),
    "kind.cooperation": ("interkommunale Kooperation", "inter-municipal cooperation"),
    "kind.district": ("Landkreis", "District"),
    # kinds in the plural, after "Median der" / "Median of"
    "kinds.large_city": ("Großstädte", "cities"),
    "kinds.medium_town": ("Mittelstädte", "medium-sized towns"),
    "kinds.small_town": ("Kleinstädte und Landgemeinden", "small towns and rural municipalities"),
    "kinds.cooperation": ("interkommunalen Kooperationen", "inter-municipal cooperations"),
    "kinds.district": ("Landkreise", "districts"),
    "phase.strategy": ("Strategiephase", "Strategy phase"),
    "phase.implementation": ("Umsetzungsphase", "Implementation phase"),
    **{f"theme.{c}": words for c, words in _THEMES.items()},
    **{f"format.{c}": words for c, words in _FORMATS_OF_PARTICIPATION.items()},
    **{f"exchange.{c}": words for c, words in _EXCHANGES.items()},
    "measure_state.measures_planned": ("geplant", "planned"),
    "measure_state.measures_in_progress": ("in Umsetzung", "in progress"),
    "measure_state.measures_completed": ("abgeschlossen", "completed"),
    # indicators: a Series' name, the columns of a trend
    "indicator.datasets_total": ("Neue Datensätze", "New datasets"),
    "indicator.participation_total": ("Partizipative Aktivitäten", "Participatory activities"),
    "indicator.positions_new": ("Neue Stellen", "New positions"),
    "indicator.solutions_transferred": ("Übertragene Lösungen", "Transferred solutions"),
    "indicator.partners_total": ("Partnerkommunen", "Partner municipalities"),
    "indicator.partner_links": ("Verbindungen", "Links"),
    "indicator.projects": ("Modellprojekte", "Model projects"),
    "indicator.measures_continued": (
        "Abgeschlossene Maßnahmen, die weiter betrieben werden",
        "Completed measures that will be continued",
    ),
    "indicator.continuation_share": ("Anteil", "Share"),
    # means per responding project (metrics.means_per_project)
    "per_project.datasets_total": ("Neue Datensätze je Projekt", "New datasets per project"),
    "per_project.participation_total": ("Partizipative Aktivitäten je Projekt", "Participatory activities per project"),
    "per_project.positions_new": ("Neue Stellen je Projekt", "New positions per project"),
    "per_project.solutions_transferred": ("Übertragene Lösungen je Projekt", "Transferred solutions per project"),
    "per_project.partners_total": ("Partnerkommunen je Projekt", "Partner municipalities per project"),
    # response (metrics.respondents_by)
    "response.projects": ("Projekte", "Projects"),
    "response.respondents": ("Antworten", "Answers"),
    "response.response_rate": ("Rücklauf", "Response rate"),
    # the network table (metrics.network_table)
    "network.cohort": ("Staffel", "Cohort"),
    "network.partners": ("Partnerkommunen", "Partner municipalities"),
    "network.links": ("Verbindungen zu Modellprojekten", "Links to model projects"),
    # one project's partners (metrics.project_partners)
    "partners.count": ("Partner", "Partners"),
    "partners.model_projects": ("davon Modellprojekte", "of which model projects"),
    "partners.names": ("Partnerkommunen (* Modellprojekt)", "Partner municipalities (* model project)"),
    # data-quality appendix: count columns, item non-response, files
    "item.measures_planned": ("Maßnahmen geplant", "Measures planned"),
    "item.measures_in_progress": ("Maßnahmen in Umsetzung", "Measures in progress"),
    "item.measures_completed": ("Maßnahmen abgeschlossen", "Measures completed"),
    "item.measures_continued": ("Maßnahmen weiter betrieben", "Measures continued"),
    "item.measures_open_source": ("Maßnahmen mit Open-Source-Code", "Measures with open-source code"),
    "item.datasets_total": ("Neue Datensätze insgesamt", "New datasets in total"),
    **{
        f"item.{c}": (f"Datensätze: {de.split(' (')[0]}", f"Datasets: {en.split(' (')[0]}")
        for c, (de, en) in _THEMES.items()
    },
    "item.participation_total": ("Partizipative Aktivitäten insgesamt", "Participatory activities in total"),
    **{f"item.{c}": (f"Aktivitäten: {de}", f"Activities: {en}") for c, (de, en) in _FORMATS_OF_PARTICIPATION.items()},
    "item.positions_new": ("Neue Stellen", "New positions"),
    "item.solutions_transferred": ("Übertragene Lösungen", "Transferred solutions"),
    "item.partners_total": ("Partnerkommunen insgesamt", "Partner municipalities in total"),
    **{f"item.{EXCHANGE_CODES[c]}": (f"Partner: {de}", f"Partners: {en}") for c, (de, en) in _EXCHANGES.items()},
    "nonresponse.answered": ("beantwortet", "answered"),
    "nonresponse.empty": ("leer", "empty"),
    "nonresponse.special": ("Sondercode", "special code"),
    "nonresponse.missing": ("ohne Angabe", "no answer"),
    "rows.read": ("gelesen", "read"),
    "rows.used": ("verwendet", "used"),
    "rows.rejected": ("zurückgewiesen", "rejected"),
    "file.name": ("Datei", "File"),
    "file.rows_read": ("Zeilen gelesen", "Rows read"),
    "file.rows_used": ("Zeilen verwendet", "Rows used"),
    "file.sha256": ("SHA-256", "SHA-256"),
    # the record of every number of a wave (analysis.numbers.wave_numbers): fields of KeyFigures, then groups
    "number.respondents": ("Antwortende Modellprojekte", "Responding model projects"),
    "number.datasets": ("Neue Datensätze", "New datasets"),
    "number.participation": ("Partizipative Aktivitäten", "Participatory activities"),
    "number.positions": ("Neue Stellen", "New positions"),
    "number.solutions_transferred": ("Übertragene Lösungen", "Transferred solutions"),
    "number.measures_completed": ("Abgeschlossene Maßnahmen", "Completed measures"),
    "number.measures_continued": ("Weiter betriebene Maßnahmen", "Continued measures"),
    "number.continuation_share": ("Anteil weiter betriebener Maßnahmen (%)", "Share of measures continued (%)"),
    "number.open_source": ("Maßnahmen mit Open-Source-Code", "Measures with open-source code"),
    "number.partners_mean": ("Partnerkommunen je Projekt", "Partner municipalities per project"),
    "number.network_links": ("Netzwerkverbindungen", "Network links"),
    "number.category": ("{group}: {category}", "{group}: {category}"),
    "number_group.datasets_total": ("Datensätze", "Datasets"),
    "number_group.participation_total": ("Aktivitäten", "Activities"),
    "number_group.positions_new": ("Neue Stellen", "New positions"),
    "number_group.partner_links": ("Verbindungen", "Links"),
    # the rules of data.validation (data.validation.RULES: the reasons rows are rejected, in the data-quality appendix)
    "rule.missing_column": ("Spalte fehlt", "column missing"),
    "rule.no_answers": ("keine Antworten", "no answers"),
    "rule.wave_missing": ("Welle fehlt", "wave missing"),
    "rule.unreadable_row": ("Zeile nicht lesbar", "unreadable row"),
    "rule.no_id": ("ohne Kennung", "no identifier"),
    "rule.duplicate_id": ("doppelte Kennung", "duplicate identifier"),
    "rule.duplicate_project": ("Projekt mehrfach", "project more than once"),
    "rule.unknown_project": ("unbekanntes Projekt", "unknown project"),
    "rule.ambiguous_project": ("Projekt nicht eindeutig", "ambiguous project"),
    "rule.unknown_code": ("unbekannter Code", "unknown code"),
    "rule.not_a_number": ("keine Zahl", "not a number"),
    "rule.negative": ("negative Zahl", "negative number"),
    "rule.implausibly_large": ("unplausibel groß", "implausibly large"),
    "rule.not_finite": ("keine endliche Zahl", "not a finite number"),
    "rule.not_whole": ("keine ganze Zahl", "not a whole number"),
    "rule.wrong_encoding": ("falsche Zeichenkodierung", "wrong encoding"),
    "rule.no_date": ("ohne Datum", "no date"),
    "rule.invalid_date": ("Datum ungültig", "invalid date"),
    "rule.outside_field_period": ("außerhalb der Feldzeit", "outside the field period"),
    "rule.other_wave_id": ("Kennung einer anderen Welle", "identifier of another wave"),
    "rule.wrong_wave": ("falsche Welle", "wrong wave"),
    "rule.contradiction": ("Widerspruch", "contradiction"),
    "rule.sum_mismatch": ("Summe stimmt nicht", "total does not add up"),
    "rule.no_name": ("ohne Namen", "no name"),
}

#: German text written in a notebook or a document (captions, headers, the names validation gives its rules and
#: files) -> its English translation. The German text is its own key, so notebooks stay readable in German.
_TEXTS: dict[str, str] = {
    # captions of notebooks/halftime_review.ipynb
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
    # captions and alt texts of notebooks/project_factsheet.ipynb
    "Kennzahlen des Modellprojekts neben dem Median seiner Staffel und seiner Art von Kommune": (
        "Indicators of the model project next to the median of its cohort and of its kind of municipality"
    ),
    "Kennzahlen des Modellprojekts und Mediane der Vergleichsgruppen": (
        "Indicators of the model project and medians of the comparison groups"
    ),
    "Kennzahlen des Modellprojekts je Befragungswelle (kumuliert; Lücke: keine Antworten)": (
        "Indicators of the model project by survey wave (cumulative; gap: no answers)"
    ),
    "Kennzahlen des Modellprojekts je Befragungswelle": "Indicators of the model project by survey wave",
    "Partnerkommunen nach Art des Austauschs (* selbst Modellprojekt)": (
        "Partner municipalities by kind of exchange (* model project itself)"
    ),
    # headers of the first column of tables and figure data
    "Thema": "Theme",
    "Format": "Format",
    "Art der Kommune": "Kind of municipality",
    "Art des Austauschs": "Kind of exchange",
    "Staffel": "Cohort",
    "Land": "Land",
    "Welle": "Wave",
    "Modellprojekt": "Model project",
    "Kennzahl": "Indicator",
    "Rolle": "Role",
    "Zeilen": "Rows",
    # data-quality appendix (documents.report.data_quality_tables)
    "Antwortzeilen der Welle: gelesen = verwendet + zurückgewiesen": "Answer rows of the wave: read = used + rejected",
    "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)": (
        "Missing answers per indicator (empty cells and special codes are not counted)"
    ),
    "Rücklauf nach Art der Kommune und Staffel (Antworten von Projekten)": (
        "Response by kind of municipality and cohort (answers of projects)"
    ),
    "Ausgewertete Dateien mit Prüfsumme (SHA-256)": "Files analysed, with checksum (SHA-256)",
    # roles of the files read (data.validation.SourceFile.role)
    "Antworten": "Answers",
    "Partnerkommunen": "Partner municipalities",
    "Codebuch": "Codebook",
    # colophon (documents.provenance.colophon_rows)
    "Datendatei": "Data file",
    "Parameter": "Parameters",
    "Software": "Software",
    "Programmstand (git)": "Code version (git)",
    "Erstellt (UTC)": "Built (UTC)",
}


def _add(section: dict[str, dict[str, str]]) -> None:
    """Add a section's entries to :data:`MESSAGES`; a key two sections define is a mistake, not an override."""
    for language, entries in section.items():
        twice = sorted(entries.keys() & MESSAGES[language].keys())
        if twice:
            raise ValueError(f"the word catalogue defines {twice} twice ({language}); keep one entry")
        MESSAGES[language].update(entries)


for _section in (_NARRATIVE, _FACTSHEET, _FORMATS):
    _add(_section)
_add({"de": {k: de for k, (de, _) in _CODES.items()}, "en": {k: en for k, (_, en) in _CODES.items()}})
_add({"de": {de: de for de in _TEXTS}, "en": dict(_TEXTS)})

#: A catalogue key starts with a lower-case name and a dot (``"figure.label"``, ``"kind.large_city"``,
#: ``"cohort.2019"``). Anything else given to :func:`t` is German text written in a notebook or a document.
_KEY = re.compile(r"[a-z][a-z0-9_]*\.\S")

_LANGUAGE_NAMES = {"de": "German", "en": "English"}


def t(key: str, language: str = "de", **values: object) -> str:
    """The catalogue's entry ``key`` in ``language``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES` (``"figure.label"``, ``"kind.large_city"``), or German text written in a
        notebook (a caption, a header), which is its own key.
    language : str
        Document language, ``"de"`` or ``"en"``.
    **values
        Values of the template's placeholders.

    Returns
    -------
    str
        The filled-in entry. German text the catalogue does not know is returned as it is in a German document.

    Raises
    ------
    TranslationMissing
        When the catalogue has no entry for ``key`` in ``language`` (German text: in any other language).
    ValueError
        When ``language`` is not a document language.
    """
    try:
        entries = MESSAGES[language]
    except KeyError:
        raise ValueError(f"unsupported report language {language!r} (supported: {', '.join(LANGUAGES)})") from None
    template = entries.get(key)
    if template is None:
        if language == LANGUAGES[0] and not _KEY.match(key):
            return key
        raise TranslationMissing(_missing(key, language))
    return template.format(**values) if values else template


def _missing(key: str, language: str) -> str:
    name = _LANGUAGE_NAMES.get(language, language)
    if _KEY.match(key):
        return (
            f"the word catalogue has no {name} entry {key!r}: add it to MESSAGES[{language!r}] in "
            "mpsc_report/analysis/words.py (codes: _CODES)."
        )
    return (
        f"no {name} text for {key!r}: add it to _TEXTS in mpsc_report/analysis/words.py "
        f'("{key}": "<{name}>"), or build the document in German.'
    )
