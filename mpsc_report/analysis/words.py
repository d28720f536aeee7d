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

from ..data.schema import COHORTS, COUNT_COLUMNS, EXCHANGE_CODES
from ..errors import TranslationMissing
from .indicators import INDICATORS, parse_key

#: Report languages, the first is the default.
LANGUAGES: tuple[str, ...] = ("de", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # blocks and exporters
        "figure.label": "Abbildung {number}:",
        "table.label": "Tabelle {number}:",
        "figure.data_summary": "Daten zu Abbildung {number}",
        "appendix.title": "Anhang B: Daten zu den Abbildungen",
        "appendix.intro": "Die Werte hinter jeder Abbildung dieses Berichts, als Tabelle.",
        "appendix.caption": "Daten zu Abbildung {number}: {caption}",
        "data.value": "Wert",
        "data.category": "Kategorie",
        "sample_notice": "Beispieldaten – keine amtlichen Ergebnisse",
        "shortened": " … [gekürzt]",
        "no_answer": "keine Angabe",
        "title.kicker": "Modellprojekte Smart Cities · Monitoring",
        "dq.of_which": "davon: {rule}",
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
        "alt.chart": "Abbildung: {subject}.",
        "alt.extremes": "Größter Wert {largest} ({largest_value}), kleinster Wert {smallest} ({smallest_value}).",
        "alt.values": "Werte: {listing}.",
        "alt.column_extremes": "{column}: höchster Wert {largest} ({largest_value}), niedrigster {smallest} "
        "({smallest_value})",
        "alt.total_extremes": "Größte Summe {largest} ({largest_value}), kleinste {smallest} ({smallest_value}).",
        "alt.trend": "{indicator}: von {first} ({first_wave}) auf {last} ({last_wave}) {direction}",
        "alt.trend_single": "{indicator}: {last} ({last_wave})",
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
        "export.continued": "(Fortsetzung)",
        "export.pdf_link": "Als PDF lesen (barrierefrei, A4)",
        # --- end of the exporters' words ---
    },
    "en": {
        "figure.label": "Figure {number}:",
        "table.label": "Table {number}:",
        "figure.data_summary": "Data for figure {number}",
        "appendix.title": "Appendix B: data for the figures",
        "appendix.intro": "The values behind every figure of this report, as tables.",
        "appendix.caption": "Data for figure {number}: {caption}",
        "data.value": "Value",
        "data.category": "Category",
        "sample_notice": "Sample data — not official results",
        "shortened": " … [shortened]",
        "no_answer": "not stated",
        "title.kicker": "Smart Cities model projects · Monitoring",
        "dq.of_which": "of which: {rule}",
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
        "alt.chart": "Figure: {subject}.",
        "alt.extremes": "Largest value {largest} ({largest_value}), smallest value {smallest} ({smallest_value}).",
        "alt.values": "Values: {listing}.",
        "alt.column_extremes": "{column}: highest {largest} ({largest_value}), lowest {smallest} ({smallest_value})",
        "alt.total_extremes": "Largest total {largest} ({largest_value}), smallest {smallest} ({smallest_value}).",
        "alt.trend": "{indicator}: {direction} from {first} ({first_wave}) to {last} ({last_wave})",
        "alt.trend_single": "{indicator}: {last} ({last_wave})",
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
        "export.continued": "(continued)",
        "export.pdf_link": "Read as PDF (accessible, A4)",
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
        "dq.checksums": "Welche Dateien genau ausgewertet wurden, belegt die Begleitdatei zu diesem Bericht "
        "(mit Prüfsummen).",
        "summary.network.all": "Jedes Modellprojekt steht im Schnitt im Austausch mit {mean} anderen Kommunen – "
        "zusammen {links} Netzwerkverbindungen.",
        "summary.network.responding": "Jedes antwortende Modellprojekt steht im Schnitt im Austausch mit {mean} "
        "anderen Kommunen – zusammen {links} Netzwerkverbindungen.",
        "response": "An der Befragung der Welle {wave} haben {respondents} von {projects} Modellprojekten "
        "teilgenommen ({rate}); {implementation} von ihnen befanden sich in der Umsetzungsphase.",
        "datasets": "Insgesamt haben die Modellprojekte {total} kommunale Datensätze erstmals neu erhoben. "
        "Die meisten betreffen den Bereich {first} ({first_value}, {first_share}), gefolgt von {second} "
        "({second_value}). Dazu gehören etwa das Monitoring von Starkregenereignissen, die Identifikation von "
        "Hitzeinseln und Sensoren für den ruhenden und den fließenden Verkehr.",
        "participation": "Die Modellprojekte meldeten {total} partizipative Aktivitäten. Am häufigsten waren "
        "{top} ({top_value}).",
        "staff": "In den geförderten Kommunen sind {positions} neue Stellen entstanden, davon {top_value} Stellen in "
        "Modellprojekten der Kategorie {top}.",
        "transfer.all": "{transferred} Lösungen wurden bereits in andere Kommunen übertragen. Jedes Modellprojekt "
        "steht im Schnitt mit {mean} anderen Kommunen im Austausch; insgesamt meldeten die Modellprojekte {links} "
        "Netzwerkverbindungen zu Partnerkommunen. Die häufigste Form ist {top} ({top_value} Verbindungen). "
        "{among} Verbindungen bestehen zwischen zwei Modellprojekten; jedes Paar zählt dabei einmal, gleich ob eines "
        "oder beide es gemeldet haben.",
        "transfer.responding": "{transferred} Lösungen wurden bereits in andere Kommunen übertragen. Jedes "
        "antwortende Modellprojekt steht im Schnitt mit {mean} anderen Kommunen im Austausch; insgesamt meldeten die "
        "Modellprojekte {links} Netzwerkverbindungen zu Partnerkommunen. Die häufigste Form ist {top} ({top_value} "
        "Verbindungen). {among} Verbindungen bestehen zwischen zwei Modellprojekten; jedes Paar zählt dabei einmal, "
        "gleich ob eines oder beide es gemeldet haben.",
        "transfer.kinds": "Die {transfer_links} Verbindungen der Art „{transfer}“ zählen Partnerkommunen, mit denen "
        "Modellprojekte Lösungen austauschen; die {transferred} übertragenen Lösungen zählen die Lösungen selbst. "
        "Beide Zahlen stammen aus verschiedenen Fragen und lassen sich nicht ineinander umrechnen.",
        "sustainability": "Von {completed} abgeschlossenen Maßnahmen sollen {continued} weiter betrieben werden; "
        "das sind {share}. Für {open_source} Maßnahmen wurde der Quellcode als Open Source veröffentlicht, sodass "
        "andere Kommunen die Lösungen nachnutzen können. Insgesamt meldeten die Modellprojekte {total} geplante, "
        "laufende oder abgeschlossene Maßnahmen.",
        "comparison.by.cohort": "Staffel",
        "comparison.by.kind": "Art der Kommune",
        "comparison": "Nach {group} betrachtet haben die Modellprojekte der Gruppe „{top}“ im Schnitt die meisten "
        "neuen Datensätze erhoben ({top_value} je Projekt), die der Gruppe „{bottom}“ die wenigsten "
        "({bottom_value}).",
        "places": "Die {projects} Modellprojekte verteilen sich auf {lands} der sechzehn Länder; die meisten "
        "liegen in {top} ({top_value} Modellprojekte).",
        "development.first": "Welle {wave} ist die erste ausgewertete Befragungswelle; ein Vergleich mit früheren "
        "Wellen ist daher noch nicht möglich.",
        "development.change": "{what} von {old} auf {new} {direction}",
        "development.change_per_project": "{what} von {old} auf {new} {direction} (je antwortendem Modellprojekt: "
        "von {old_mean} auf {new_mean})",
        "development.response.up": "Gegenüber der Welle {wave} ist die Zahl der antwortenden Modellprojekte von "
        "{old} auf {new} gestiegen; die Summen wachsen daher auch, weil mehr Modellprojekte geantwortet haben.",
        "development.response.down": "Gegenüber der Welle {wave} ist die Zahl der antwortenden Modellprojekte von "
        "{old} auf {new} gesunken; die Summen umfassen daher weniger Modellprojekte.",
        "development.response.same": "In den Wellen {wave} und {current} haben jeweils {new} Modellprojekte "
        "geantwortet.",
        "development.up": "gestiegen",
        "development.down": "gesunken",
        "development.same": "unverändert geblieben",
        "development.changes": "Gegenüber der Welle {wave} ist die Zahl {changes}.",
        "development.changes.after_response": "Dabei ist die Zahl {changes}.",
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
        "2021 ({period}). Geantwortet haben {respondents} von {projects} Modellprojekten ({rate}).",
        "method.counting": "Alle Zählgrößen sind seit Programmbeginn kumuliert und werden über die antwortenden "
        "Modellprojekte summiert, die die jeweilige Frage beantwortet haben; Mittelwerte „je antwortendem "
        "Modellprojekt“ teilen durch die Zahl dieser Modellprojekte. Fehlende Angaben werden weder geschätzt noch als "
        "null gezählt; in Tabellen steht für einen unbekannten Wert „.“, für genau null „–“. Der Anteil weiter "
        "betriebener Maßnahmen bezieht sich auf die abgeschlossenen Maßnahmen der Projekte, die beide Fragen "
        "beantwortet haben.",
        "method.network": "Netzwerkverbindungen zählen jede Partnerkommune, die ein Modellprojekt nennt, einmal je "
        "nennendem Modellprojekt; nennen sich zwei Modellprojekte gegenseitig, sind das zwei Netzwerkverbindungen. "
        "Bei den Verbindungen zwischen Modellprojekten im Netzwerkdiagramm zählt dagegen jedes Paar einmal.",
        "method.synthetic": "Dieser Bericht beruht auf synthetischen Beispieldaten. Sie sind so kalibriert, dass die "
        "Welle 2023 die veröffentlichten Programmkennzahlen wiedergibt; alle übrigen Werte, Verteilungen und "
        "Freitexte sind erfunden. Es handelt sich nicht um amtliche Ergebnisse.",
        "describe.network": "Netzwerkdiagramm der {nodes} Modellprojekte mit {edges} Verbindungen untereinander, "
        "nach Staffel gefärbt; die Punktgröße zeigt die Zahl der Partnerkommunen.",
        "network.labelled": "beschriftet: die {count} größten",
        "network.size_note": "Kleinster Punkt: keine Partnerkommunen genannt oder keine Angabe ({unknown} "
        "Modellprojekte ohne Angabe)",
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
        "dq.checksums": "The sidecar file of this report records exactly which files were analysed (with checksums).",
        "summary.network.all": "On average, each model project exchanges with {mean} other municipalities – "
        "{links} network links in all.",
        "summary.network.responding": "On average, each responding model project exchanges with {mean} other "
        "municipalities – {links} network links in all.",
        "response": "{respondents} of {projects} model projects took part in the survey of wave {wave} ({rate}); "
        "{implementation} of them were in the implementation phase.",
        "datasets": "In total, the model projects collected {total} municipal datasets for the first time. "
        "The largest theme is {first} ({first_value}, {first_share}), followed by {second} "
        "({second_value}). "
        "Examples include monitoring heavy rainfall, identifying heat islands and sensors for parked and moving "
        "traffic.",
        "participation": "The model projects reported {total} participatory activities. The most common were "
        "{top} ({top_value}).",
        "staff": "{positions} new positions have been created in the funded municipalities, of which {top_value} "
        "positions in model projects of the kind {top}.",
        "transfer.all": "{transferred} solutions have already been transferred to other municipalities. On average, "
        "each model project exchanges with {mean} other municipalities; in all, the model projects reported {links} "
        "network links to partner municipalities. The most common form is {top} ({top_value} links). {among} links "
        "are between two model projects; each pair counts once, whether one or both reported it.",
        "transfer.responding": "{transferred} solutions have already been transferred to other municipalities. On "
        "average, each responding model project exchanges with {mean} other municipalities; in all, the model "
        "projects reported {links} network links to partner municipalities. The most common form is {top} "
        "({top_value} links). {among} links are between two model projects; each pair counts once, whether one or "
        "both reported it.",
        "transfer.kinds": "The {transfer_links} links of the kind “{transfer}” count partner municipalities with "
        "which model projects exchange solutions; the {transferred} transferred solutions count the solutions "
        "themselves. The two numbers come from different questions and cannot be converted into each other.",
        "sustainability": "Of {completed} completed measures, {continued} are to be continued; that is {share}. "
        "The source code of {open_source} measures has been published as open source, so other municipalities can "
        "adopt the solutions. In total, the model projects reported {total} planned, ongoing or completed measures.",
        "comparison.by.cohort": "cohort",
        "comparison.by.kind": "kind of municipality",
        "comparison": "By {group}, the model projects of the group “{top}” collected the most new datasets on "
        "average ({top_value} per project), those of the group “{bottom}” the fewest ({bottom_value}).",
        "places": "The {projects} model projects are located in {lands} of the sixteen Länder; most are in "
        "{top} ({top_value} model projects).",
        "development.first": "Wave {wave} is the first survey wave analysed, so a comparison with earlier waves is "
        "not yet possible.",
        "development.change": "{what} has {direction} from {old} to {new}",
        "development.change_per_project": "{what} has {direction} from {old} to {new} (per responding model "
        "project: from {old_mean} to {new_mean})",
        "development.response.up": "Compared with wave {wave}, the number of responding model projects has risen "
        "from {old} to {new}; the totals therefore also grow because more model projects answered.",
        "development.response.down": "Compared with wave {wave}, the number of responding model projects has "
        "fallen from {old} to {new}; the totals therefore cover fewer model projects.",
        "development.response.same": "In waves {wave} and {current}, {new} model projects answered each time.",
        "development.up": "risen",
        "development.down": "fallen",
        "development.same": "stayed the same",
        "development.changes": "Compared with wave {wave}, the number {changes}.",
        "development.changes.after_response": "The number {changes}.",
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
        "asked ({period}). {respondents} of {projects} model projects answered ({rate}).",
        "method.counting": "All counts are cumulative since the programme started and are summed over the model "
        "projects that answered the question; means “per responding model project” divide by the number of these "
        "model projects. Missing answers are neither estimated nor counted as zero; in tables “.” stands for an "
        "unknown value and “–” for exactly zero. The share of measures continued refers to the completed measures "
        "of the projects that answered both questions.",
        "method.network": "Network links count each partner municipality a model project names once per naming "
        "model project; two model projects naming each other are two network links. Among the links between model "
        "projects in the network diagram, by contrast, each pair counts once.",
        "method.synthetic": "This report is based on synthetic sample data. They are calibrated so that wave 2023 "
        "reproduces the published programme figures; all other values, distributions and free texts are "
        "invented. These are not official results.",
        "describe.network": "Network diagram of the {nodes} model projects with {edges} links among them, coloured "
        "by cohort; dot size shows the number of partner municipalities.",
        "network.labelled": "labelled: the {count} largest",
        "network.size_note": "Smallest dot: no partner municipalities named or no answer ({unknown} model projects "
        "without an answer)",
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
        "factsheet.no_highlight.no_answers": "Keine Antwort in dieser Welle, daher kein Highlight.",
        "factsheet.quote_source": "{name}, Welle {wave}",
        "median.cohort": "Median Staffel {cohort}",
        "median.kind": "Median der {kinds}",
        "project.lead": "In Welle {wave} meldet {name}:",
        "project.lead.no_answers": "Für diese Welle liegen keine Antworten von {name} vor (Welle {wave}). Der "
        "Steckbrief zeigt deshalb keine Werte von {name}, nur die Mediane der Vergleichsgruppen (ohne {name}):",
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
        "project.no_waves": "Aus keiner der bisherigen Wellen liegen Antworten von {name} vor.",
        "project.gap_now": "Welle {wave} bleibt in der Abbildung eine Lücke; gezeigt werden die Angaben der übrigen "
        "Wellen.",
        "project.gaps": "Aus Welle {waves} liegen keine Antworten vor; die Linien zeigen dort eine Lücke und werden "
        "nicht ergänzt.",
        "project.gaps_no_chart": "Aus Welle {waves} liegen keine Antworten vor.",
        "project.single_wave": "Nur aus Welle {first} liegen Antworten von {name} vor; ein Vergleich ist noch nicht "
        "möglich.",
        "project.wave_joiner": " und ",
        "project.changes": "Seit Welle {first} ist bei {name} die Zahl {changes}.",
        "project.first_wave": "Welle {wave} ist die erste mit Antworten von {name}; ein Vergleich ist noch nicht "
        "möglich.",
        "project.no_partners": "{name} nennt für diese Welle keine Partnerkommunen.",
        "project.partners_unknown": "{name} hat die Frage nach Partnerkommunen nicht beantwortet; für diese Welle "
        "liegen von {name} keine Angaben zu Partnerkommunen vor.",
        "project.partners_unknown.no_answers": "Für diese Welle liegen von {name} keine Angaben zu Partnerkommunen "
        "vor.",
        "project.partners": "{name} nennt {total} {partners}, {projects} davon sind selbst Modellprojekte. "
        "Die häufigste Form des Austauschs ist {top} ({top_value} {top_partners}).",
        "project.links": "Im Netzwerk der Modellprojekte ist {name} mit {links} Modellprojekten verbunden; gezählt "
        "werden auch Modellprojekte, die {name} als Partner nennen.",
        "project.links.one": "Im Netzwerk der Modellprojekte ist {name} mit einem Modellprojekt verbunden; gezählt "
        "werden auch Modellprojekte, die {name} als Partner nennen.",
        "project.links.none": "Im Netzwerk der Modellprojekte ist {name} mit keinem anderen Modellprojekt verbunden.",
        "project.links.unknown": "Im Netzwerk der Modellprojekte ist {name} mit {links} Modellprojekten verbunden, "
        "die {name} als Partner nennen.",
        "project.links.unknown.one": "Im Netzwerk der Modellprojekte ist {name} mit einem Modellprojekt verbunden, "
        "das {name} als Partner nennt.",
        "project.links.unknown.none": "Kein anderes Modellprojekt nennt {name} als Partner.",
        "project.method": "Mediane (Zentralwerte) der antwortenden Modellprojekte der Staffel {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) und der {kinds} (n\u00a0=\u00a0{kind_n}), jeweils einschließlich {name}; "
        "fehlende Angaben werden weder geschätzt noch als null gezählt. Alle Zählgrößen sind seit Programmbeginn "
        "kumuliert; die Begriffe sind wie im Bericht der Welle definiert.",
        "project.method.partial": "Mediane (Zentralwerte) der antwortenden Modellprojekte der Staffel {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) und der {kinds} (n\u00a0=\u00a0{kind_n}), jeweils einschließlich {name}, "
        "außer bei Kennzahlen ohne Angabe von {name} ({missing}); fehlende Angaben werden weder geschätzt noch als "
        "null gezählt. Alle Zählgrößen sind seit Programmbeginn kumuliert; die Begriffe sind wie im Bericht der "
        "Welle definiert.",
        "project.method.no_answers": "Mediane (Zentralwerte) der antwortenden Modellprojekte der Staffel {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) und der {kinds} (n\u00a0=\u00a0{kind_n}); {name} ist darin nicht enthalten. "
        "Fehlende Angaben werden weder geschätzt noch als null gezählt. Alle Zählgrößen sind seit Programmbeginn "
        "kumuliert; die Begriffe sind wie im Bericht der Welle definiert.",
        "project.synthetic": "Dieser Steckbrief beruht auf synthetischen Beispieldaten; die Werte des Modellprojekts "
        "und seine Freitexte sind erfunden. Es handelt sich nicht um amtliche Ergebnisse.",
        "describe.no_data": "keine Daten",
        "trend.next_wave": "Der Vergleich über die Befragungswellen beginnt mit der nächsten Welle.",
        "trend.too_few_waves": "Eine Abbildung der Entwicklung folgt, sobald Angaben aus mehr als einer "
        "Befragungswelle vorliegen.",
    },
    "en": {
        "factsheet.kicker": "Smart Cities model projects · Factsheet",
        "factsheet.title": "Factsheet {name}",
        "factsheet.status": "Survey wave {wave} · As of {date} · {publisher}",
        "factsheet.no_highlight": "{name} did not name a highlight for this wave.",
        "factsheet.no_highlight.no_answers": "No answer in this wave, so no highlight.",
        "factsheet.quote_source": "{name}, wave {wave}",
        "median.cohort": "Median of cohort {cohort}",
        "median.kind": "Median of {kinds}",
        "project.lead": "In wave {wave}, {name} reports:",
        "project.lead.no_answers": "There are no answers from {name} for this wave (wave {wave}). The factsheet "
        "therefore shows no values of {name}, only the medians of the comparison groups (without {name}):",
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
        "project.no_waves": "There are no answers from {name} in any wave so far.",
        "project.gap_now": "Wave {wave} stays a gap in the figure; the figures of the other waves are shown.",
        "project.gaps": "There are no answers from wave {waves}; the lines show a gap there and are not filled in.",
        "project.gaps_no_chart": "There are no answers from wave {waves}.",
        "project.single_wave": "There are answers from {name} only from wave {first}, so a comparison is not yet "
        "possible.",
        "project.wave_joiner": " and ",
        "project.changes": "For {name}, since wave {first} the number {changes}.",
        "project.first_wave": "Wave {wave} is the first with answers from {name}, so a comparison is not yet possible.",
        "project.no_partners": "{name} names no partner municipalities for this wave.",
        "project.partners_unknown": "{name} did not answer the question on partner municipalities; there is no "
        "information from {name} on partner municipalities for this wave.",
        "project.partners_unknown.no_answers": "There is no information from {name} on partner municipalities for "
        "this wave.",
        "project.partners": "{name} names {total} {partners} (model projects themselves among them: {projects}). "
        "The most common form of exchange is {top} ({top_value} {top_partners}).",
        "project.links": "In the network of the model projects, {name} has {links} links to other model projects; "
        "model projects that name {name} as a partner are counted too.",
        "project.links.one": "In the network of the model projects, {name} has one link to another model project; "
        "model projects that name {name} as a partner are counted too.",
        "project.links.none": "In the network of the model projects, {name} has no link to another model project.",
        "project.links.unknown": "In the network of the model projects, {name} has {links} links to model projects "
        "that name {name} as a partner.",
        "project.links.unknown.one": "In the network of the model projects, {name} has one link to a model project "
        "that names {name} as a partner.",
        "project.links.unknown.none": "No other model project names {name} as a partner.",
        "project.method": "Medians of the responding model projects of cohort {cohort} (n\u00a0=\u00a0{cohort_n}) "
        "and of the {kinds} (n\u00a0=\u00a0{kind_n}), each including {name}; missing answers are neither estimated "
        "nor counted as zero. All counts are cumulative since the programme started; the terms are defined as in "
        "the report of the wave.",
        "project.method.partial": "Medians of the responding model projects of cohort {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) and of the {kinds} (n\u00a0=\u00a0{kind_n}), each including {name}, except for "
        "indicators {name} did not answer ({missing}); missing answers are neither estimated nor counted as zero. "
        "All counts are cumulative since the programme started; the terms are defined as in the report of the wave.",
        "project.method.no_answers": "Medians of the responding model projects of cohort {cohort} "
        "(n\u00a0=\u00a0{cohort_n}) and of the {kinds} (n\u00a0=\u00a0{kind_n}); {name} is not among them. "
        "Missing answers are neither estimated nor counted as zero. All counts are cumulative since the programme "
        "started; the terms are defined as in the report of the wave.",
        "project.synthetic": "This factsheet is based on synthetic sample data; the values of the model project and "
        "its free texts are invented. These are not official results.",
        "describe.no_data": "no data",
        "trend.next_wave": "The comparison across the survey waves starts with the next wave.",
        "trend.too_few_waves": "A figure of the development follows once there are answers from more than one "
        "survey wave.",
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
    # indicators: labels, definitions and tile words come from the indicator catalogue (_INDICATOR_WORDS below)
    "network.cohort": ("Staffel", "Cohort"),
    "partners.names": ("Partnerkommunen (* Modellprojekt)", "Partner municipalities (* model project)"),
    # data-quality appendix: count columns, item non-response, files
    "item.measures_planned": ("Maßnahmen geplant", "Measures planned"),
    "item.measures_completed": ("Maßnahmen abgeschlossen", "Measures completed"),
    "item.measures_continued": ("Maßnahmen weiter betrieben", "Measures continued"),
    "item.datasets_total": ("Neue Datensätze insgesamt", "New datasets in total"),
    **{
        f"item.{c}": (f"Datensätze: {de.split(' (')[0]}", f"Datasets: {en.split(' (')[0]}")
        for c, (de, en) in _THEMES.items()
    },
    "item.participation_total": ("Partizipative Aktivitäten insgesamt", "Participatory activities in total"),
    **{f"item.{c}": (f"Aktivitäten: {de}", f"Activities: {en}") for c, (de, en) in _FORMATS_OF_PARTICIPATION.items()},
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
    "file.read": ("Zeilen gelesen", "Rows read"),
    "file.used": ("Zeilen verwendet", "Rows used"),
    "file.sha256": ("SHA-256", "SHA-256"),
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
    # what the catalogue's codes mean (analysis.indicators): units, periods, bases, statistics of a group
    "unit.count": ("Anzahl", "number"),
    "unit.percent": ("Prozent", "per cent"),
    "unit.per_project": ("Anzahl je antwortendem Modellprojekt", "number per responding model project"),
    "period.cumulative": ("seit Programmbeginn kumuliert", "cumulative since the programme started"),
    "period.survey": ("Stand zur Befragung", "at survey time"),
    "period.register": ("Stand des Projektregisters", "as in the project register"),
    "base.all": ("alle Modellprojekte", "all model projects"),
    "base.responding": ("antwortende Modellprojekte", "responding model projects"),
    "base.item": ("antwortende Modellprojekte mit Angabe", "responding model projects that answered"),
    "base.both_items": ("Modellprojekte mit beiden Angaben", "model projects that answered both questions"),
    "base.project": ("das Modellprojekt", "the model project"),
    "base.file": ("Antwortdatei der Welle", "the wave's answer file"),
    "stat.mean": ("je antwortendem Modellprojekt", "per responding model project"),
    "stat.median": ("Median", "median"),
    "definition.stat.mean": (
        "Mittelwert einer Kennzahl über die Modellprojekte (der Welle oder der Gruppe), die die Frage beantwortet "
        "haben: Summe geteilt durch ihre Zahl.",
        "Mean of an indicator over the model projects (of the wave or the group) that answered the question: the "
        "total divided by their number.",
    ),
    "definition.stat.median": (
        "Zentralwert einer Kennzahl über die antwortenden Modellprojekte einer Gruppe, die die Frage beantwortet "
        "haben (in den Steckbriefen): die Hälfte liegt darüber, die Hälfte darunter.",
        "Middle value of an indicator over the responding model projects of a group that answered the question (in "
        "the factsheets): half lie above it, half below.",
    ),
    # signs in tables (official statistics): the legend under a table that uses one
    "sign.legend": ("Zeichenerklärung: {signs}", "Symbols: {signs}"),
    "sign.unknown": ("„.“ = Zahlenwert unbekannt (keine Angabe)", "“.” = value unknown (no answer)"),
    "sign.zero": ("„–“ = nichts vorhanden (genau null)", "“–” = nothing (exactly zero)"),
    "sign.joiner": ("; ", "; "),
    # mpsc-report diff (documents.diff)
    "diff.indicator": ("Kennzahl", "Indicator"),
    "diff.change": ("Änderung", "Change"),
    "diff.direction": ("Richtung", "Direction"),
    "diff.not_comparable": ("nicht vergleichbar", "not comparable"),
    "diff.summary": ("{changed} von {total} Kennzahlen geändert.", "{changed} of {total} indicators changed."),
    # the table of terms and definitions (documents.report.Report.definitions)
    "definitions.term": ("Begriff", "Term"),
    "definitions.definition": ("Definition", "Definition"),
    # the open-data files beside every document (documents.opendata): Tabellenband, CSV, data package, links
    "opendata.volume": ("{title} – Tabellenband", "{title} – tables"),
    "opendata.contents": ("Inhalt", "Contents"),
    "opendata.sheet": ("Blatt", "Sheet"),
    "opendata.what": ("Inhalt des Blatts", "Content of the sheet"),
    "opendata.figure_sheet": ("Abb. {number}", "Fig. {number}"),
    "opendata.table_sheet": ("Tab. {number}", "Tab. {number}"),
    "opendata.figure_title": ("Abbildung {number}: {caption}", "Figure {number}: {caption}"),
    "opendata.table_title": ("Tabelle {number}: {caption}", "Table {number}: {caption}"),
    "opendata.no_table": (
        "ohne eigene Datentabelle im Dokument; ihre Zahlen stehen im Blatt „{sheet}“",
        "no data table of its own in the document; its numbers are on the sheet “{sheet}”",
    ),
    "opendata.numbers": ("Alle Zahlen", "All numbers"),
    "opendata.numbers_title": (
        "Alle Zahlen des Dokuments mit ihrem Schlüssel",
        "Every number of the document with its key",
    ),
    "opendata.definitions": ("Definitionen", "Definitions"),
    "opendata.definitions_title": ("Begriffe und Definitionen", "Terms and definitions"),
    "opendata.indicator": ("Kennzahl", "Indicator"),
    "opendata.value": ("Wert", "Value"),
    "opendata.unit": ("Einheit", "Unit"),
    "opendata.sign": ("Zeichen", "Symbol"),
    "opendata.key": ("Schlüssel", "Key"),
    "opendata.period": ("Zeitbezug", "Period"),
    "opendata.base": ("Basis", "Base"),
    "opendata.source": (
        "Quelle: MPSC-Monitoring, Welle {wave}; {title}",
        "Source: MPSC monitoring, wave {wave}; {title}",
    ),
    "opendata.licence": ("Lizenz: {licence}", "Licence: {licence}"),
    "opendata.built": ("Erstellt (UTC): {built}", "Built (UTC): {built}"),
    "opendata.unknown_cell": (
        "Zeichenerklärung: leere Zelle = „.“ Zahlenwert unbekannt (keine Angabe); eine Null wird als „–“ angezeigt "
        "(nichts vorhanden) und ist als Zahl 0 gespeichert.",
        "Symbols: empty cell = “.” value unknown (no answer); a zero is shown as “–” (nothing) and stored as the "
        "number 0.",
    ),
    "opendata.unit.count": ("Anzahl", "number"),
    "opendata.unit.percent": ("in %", "in %"),
    "opendata.unit.per_project": ("Mittelwert je antwortendem Modellprojekt", "mean per responding model project"),
    "opendata.unit.median": ("Median der antwortenden Modellprojekte", "median of the responding model projects"),
    "opendata.unit_short.count": ("Anzahl", "number"),
    "opendata.unit_short.percent": ("in %", "in %"),
    "opendata.unit_short.per_project": ("Mittelwert", "mean"),
    "opendata.unit_short.median": ("Median", "median"),
    "opendata.downloads": ("Daten:", "Data:"),
    "opendata.xlsx_sheet": ("Tabellenband (XLSX), Blatt „{sheet}“", "Tables (XLSX), sheet “{sheet}”"),
    "opendata.xlsx": ("Tabellenband (XLSX)", "Tables (XLSX)"),
    "opendata.csv_excel": ("CSV für Excel", "CSV for Excel (German)"),
    "opendata.csv": ("CSV", "CSV"),
    "opendata.package": ("Datenpaket (datapackage.json)", "Data package (datapackage.json)"),
    "opendata.section": ("Daten zum Bericht", "Data of the report"),
    "opendata.section_factsheet": ("Daten zum Steckbrief", "Data of the factsheet"),
    "opendata.intro": (
        "Die Zahlen aller Abbildungen und Tabellen liegen als offene Daten neben diesem Dokument, in denselben "
        "Ordner gelegt:",
        "The numbers of every figure and table are published as open data beside this document, in the same folder:",
    ),
    "opendata.per_table": (
        "Je Abbildung und Tabelle (Nummer NN): {folder}/abbildung-NN.csv bzw. tabelle-NN.csv (Komma, Dezimalpunkt) "
        "und …{excel} (für Excel: Semikolon, Dezimalkomma)",
        "Per figure and table (number NN): {folder}/abbildung-NN.csv or tabelle-NN.csv (comma, decimal point) and "
        "…{excel} (for German Excel: semicolon, decimal comma)",
    ),
    "opendata.package_description": (
        "Die Zahlen der Abbildungen und Tabellen von „{title}“ (Welle {wave}): je Abbildung oder Tabelle eine "
        "CSV-Datei, alle Zahlen des Dokuments mit ihrem Schlüssel (zahlen) und die Definitionen der Kennzahlen "
        "(definitionen).",
        "The numbers of the figures and tables of “{title}” (wave {wave}): one CSV file per figure or table, every "
        "number of the document with its key (zahlen) and the definitions of the indicators (definitionen).",
    ),
    "opendata.package_csv": ("CSV-Dateien und Datenpaket", "CSV files and data package"),
}

#: German text written in a notebook or a document (captions, headers, the names validation gives its rules and
#: files) -> its English translation. The German text is its own key, so notebooks stay readable in German.
_TEXTS: dict[str, str] = {
    # captions of notebooks/halftime_review.ipynb
    "Neu erhobene kommunale Datensätze nach Thema": "New municipal datasets collected, by theme",
    "Partizipative Aktivitäten nach Format": "Participatory activities by format",
    "Neue Stellen nach Art der Kommune": "New positions by kind of municipality",
    "Netzwerkverbindungen zu Partnerkommunen nach Art des Austauschs": (
        "Network links to partner municipalities by kind of exchange"
    ),
    "Netzwerk der Modellprojekte untereinander (Punktgröße: Zahl der Partnerkommunen)": (
        "Network among the model projects (dot size: number of partner municipalities)"
    ),
    "Maßnahmen nach Bearbeitungsstand und Staffel": "Measures by state of work and cohort",
    "Kennzahlen je antwortendem Modellprojekt nach Staffel (Mittelwerte)": (
        "Indicators per responding model project by cohort (means)"
    ),
    "Kennzahlen je antwortendem Modellprojekt nach Art der Kommune (Mittelwerte)": (
        "Indicators per responding model project by kind of municipality (means)"
    ),
    "Modellprojekte Smart Cities nach Land (Sitz der federführenden Kommune)": (
        "Smart Cities model projects by Land (seat of the lead municipality)"
    ),
    "Antwortende Modellprojekte und Kennzahlen nach Befragungswelle (Summen, kumuliert; jede auf eigener Skala)": (
        "Responding model projects and indicators by survey wave (totals, cumulative; each on its own scale)"
    ),
    "Kennzahlen je antwortendem Modellprojekt nach Befragungswelle (Mittelwerte)": (
        "Indicators per responding model project by survey wave (means)"
    ),
    "Begriffe und Definitionen": "Terms and definitions",
    "Rücklauf nach Staffel": "Response by cohort",
    "Rücklauf nach Art der Kommune": "Response by kind of municipality",
    "Herausforderungen nach Thema (Modellprojekte, die das Thema nennen; Zuordnung über Schlagwörter)": (
        "Challenges by theme (model projects naming the theme; assigned by keywords)"
    ),
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
    "Vernetzung des Modellprojekts (wie im Anhang des Berichts)": (
        "Network figures of the model project (as in the appendix of the report)"
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
    # data-quality appendix (documents.report.data_quality_tables)
    "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)": (
        "Missing answers per indicator (empty cells and special codes are not counted)"
    ),
    # roles of the files read (data.validation.SourceFile.role)
    "Antworten": "Answers",
    "Partnerkommunen": "Partner municipalities",
    "Codebuch": "Codebook",
}


def _add(section: dict[str, dict[str, str]]) -> None:
    """Add a section's entries to :data:`MESSAGES`; a key two sections define is a mistake, not an override."""
    for language, entries in section.items():
        twice = sorted(entries.keys() & MESSAGES[language].keys())
        if twice:
            raise ValueError(f"the word catalogue defines {twice} twice ({language}); keep one entry")
        MESSAGES[language].update(entries)


#: Axes whose codes are indicator ids (a metric's columns): their words are the catalogue's labels.
_INDICATOR_AXES: tuple[str, ...] = ("indicator", "response", "network", "partners")


#: Keys whose words come from the indicator catalogue (filled by :func:`_indicator_words`).
CATALOGUE_KEYS: set[str] = set()


def _indicator_words() -> dict[str, dict[str, str]]:
    """Labels, definitions and tile words of the indicator catalogue, under the keys the documents look up."""
    words: dict[str, dict[str, str]] = {"de": {}, "en": {}}
    for indicator in INDICATORS:
        for language in LANGUAGES:
            label = indicator.label[language]
            words[language] |= {f"{axis}.{indicator.id}": label for axis in _INDICATOR_AXES}
            words[language][f"definition.{indicator.id}"] = indicator.definition[language]
            per_project = " je Projekt" if language == "de" else " per project"
            words[language][f"per_project.{indicator.id}"] = label + per_project
            if indicator.tile:
                words[language][f"tile.{indicator.id}"] = indicator.tile[language]
            if indicator.id in COUNT_COLUMNS and f"item.{indicator.id}" not in _CODES:
                words[language][f"item.{indicator.id}"] = label  # the questionnaire item is the indicator
    CATALOGUE_KEYS.update(words["de"])
    return words


#: The report's storyline, Impressum and apparatus (:mod:`~mpsc_report.analysis.storyline`,
#: :mod:`~mpsc_report.documents.report`, :mod:`~mpsc_report.documents.provenance`).
_PUBLICATION: dict[str, dict[str, str]] = {
    "de": {
        # Impressum (documents.report.Report.colophon)
        "impressum.publisher": "Herausgeber",
        "impressum.commissioned_by": "Auftraggeber",
        "impressum.prepared_by": "Bearbeitung",
        "impressum.as_of": "Stand",
        "impressum.series": "Reihe",
        "impressum.issn": "ISSN",
        "impressum.isbn": "ISBN",
        "impressum.not_assigned": "nicht vergeben",
        "impressum.citation": "Zitiervorschlag",
        "impressum.citation.text": "{publisher} (Hrsg.) ({year}): {title}. {subtitle}. {series}, {number}.",
        "impressum.licence": "Lizenz",
        "impressum.contact": "Kontakt",
        "impressum.image_credits": "Bildnachweis",
        "impressum.typesetting": "Satz und Layout",
        "impressum.typesetting.text": "automatisch gesetzt mit mpsc-report",
        "impressum.image_credits.text": "Alle Abbildungen: eigene Darstellung auf Grundlage des Projektmonitorings",
        "impressum.disclaimer": "Hinweis",
        "impressum.disclaimer.text": "Die Inhalte geben die Auffassung der Bearbeitenden wieder, nicht "
        "notwendigerweise die des Herausgebers oder des Auftraggebers.",
        "impressum.sample": "Dieser Bericht beruht auf synthetischen Beispieldaten. Angaben mit „Musterangabe“ sind "
        "Platzhalter, keine echten Angaben; eine ISSN oder ISBN ist nicht vergeben.",
        "impressum.provenance": "Datengrundlage",
        "licence.cc_by_4_0": "Creative Commons Namensnennung 4.0 International (CC BY 4.0), "
        "https://creativecommons.org/licenses/by/4.0/deed.de",
        "licence.dl_de_by_2_0": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0), "
        "https://www.govdata.de/dl-de/by-2-0",
        "provenance.line": "Datenstand: {data}; erzeugt mit mpsc-report {version}, Nachweis in der Begleitdatei "
        "(*{sidecar}).",
        "provenance.data.report": "Befragungswelle {wave}, Ende der Befragung {date}",
        "provenance.data.factsheet": "Befragungswelle {wave}",
        # Das Wichtigste in Kürze (analysis.storyline.key_messages)
        "story.head.datasets": "{value} kommunale Datensätze erstmals neu erhoben",
        "story.head.participation": "Mitgestaltung mit {value} partizipativen Aktivitäten",
        "story.head.positions": "{value} neue Stellen in den geförderten Kommunen",
        "story.head.transferred": "{value} Lösungen in andere Kommunen übertragen",
        "story.head.continued": "{value} der Maßnahmen, die abgeschlossen sind, werden weiter betrieben",
        "story.change": "Gegenüber der Welle {wave} ist die Zahl {what} von {old} auf {new} {direction}.",
        "story.change_per_project": "Gegenüber der Welle {wave} ist die Zahl {what} von {old} auf {new} "
        "{direction} (je antwortendem Modellprojekt: von {old_mean} auf {new_mean}).",
        "story.change.unknown": "Für die Welle {wave} liegt kein vergleichbarer Wert vor.",
        "story.mean": "Je antwortendem Modellprojekt sind das im Schnitt {mean} {noun}.",
        "story.first": "Welle {wave} ist die erste ausgewertete Befragungswelle; Veränderungen zeigt erst die nächste.",
        "story.share_change": "Gegenüber der Welle {wave} ist der Anteil der abgeschlossenen Maßnahmen, die weiter "
        "betrieben werden, von {old} auf {new} {direction}.",
        # what a theme's figures mean, and what they cannot say (analysis.storyline.theme)
        "story.meaning.datasets": "Die Modellprojekte schaffen damit neue Datengrundlagen für Planung und "
        "Verwaltung. Wie die Daten genutzt werden, erfragt das Monitoring nicht.",
        "story.meaning.participation": "Beteiligung gehört damit fest zur Arbeit der Modellprojekte. Wie viele "
        "Menschen teilgenommen haben und was die Formate bewirken, sagt die Zählung nicht.",
        "story.meaning.positions": "Ob die neuen Stellen über das Ende der Förderung hinaus bestehen, erfasst die "
        "Befragung nicht.",
        "story.meaning.transfer": "Übertragene Lösungen zeigen, dass Ergebnisse der Modellprojekte auch anderswo "
        "genutzt werden. Ob sie am neuen Ort dauerhaft betrieben werden, erfasst die Befragung nicht.",
        "story.meaning.sustainability": "Der Anteil bezieht sich nur auf die bereits abgeschlossenen Maßnahmen; "
        "wie es mit den laufenden weitergeht, zeigen erst die folgenden Wellen.",
        "comparison.order.cohort": "Die Reihenfolge entspricht dem Beginn der Förderung: Staffeln, die früher "
        "begonnen haben, hatten mehr Zeit.",
        "comparison.caveat": "Die Mittelwerte beschreiben Unterschiede zwischen den Gruppen; ihre Ursachen lassen "
        "sich aus der Befragung nicht ablesen.",
        # Herausforderungen (analysis.storyline.challenges)
        "challenges.summary": "Die Freitextantworten zur größten Herausforderung wurden mit einem kleinen "
        "Schlagwort-Codebuch Themen zugeordnet; eine Antwort kann mehrere Themen nennen. Am häufigsten betreffen "
        "sie {top}. Die Tabelle zeigt, wie viele Modellprojekte jedes Thema nennen; die Beispiele darunter sind "
        "unverändert wiedergegeben.",
        "challenges.none": "In dieser Welle hat kein Modellprojekt eine Herausforderung beschrieben.",
        "challenges.joiner": ", ",
        "challenges.last_joiner": " sowie ",
        "challenge.procurement": "Vergabe und Ausschreibung",
        "challenge.staffing": "Fachkräfte und Stellenbesetzung",
        "challenge.funding_rules": "Förderverfahren und Bürokratie",
        "challenge.data_protection": "Datenschutz und IT-Sicherheit",
        "challenge.interfaces": "Schnittstellen und IT-Landschaft",
        "challenge.costs": "Preise und Lieferengpässe",
        "challenge.cooperation": "Abstimmung in Kooperationen",
        "challenge.continuation": "Finanzierung nach Förderende",
        "challenge.acceptance": "Vermittlung und Beteiligung vor Ort",
        "challenge.other": "Sonstiges (keinem Thema zugeordnet)",
        # Fazit und Ausblick (analysis.storyline.conclusion)
        "fazit.state": "Die Welle {wave} zeigt die Modellprojekte mitten in der Umsetzung: Von den {respondents} "
        "antwortenden Modellprojekten befanden sich {implementation} in der Umsetzungsphase.",
        "fazit.state.early": "Die Welle {wave} zeigt die meisten Modellprojekte noch vor der Umsetzung: Von den "
        "{respondents} antwortenden Modellprojekten befanden sich {implementation} in der Umsetzungsphase.",
        "fazit.growth": "Gegenüber der Welle {wave} sind die Zahl {changes} gestiegen – auch je antwortendem "
        "Modellprojekt.",
        "fazit.growth.totals": "Gegenüber der Welle {wave} sind die Zahl {changes} gestiegen.",
        "fazit.first": "Als erste ausgewertete Welle beschreibt sie die Ausgangslage, an der die folgenden Wellen "
        "gemessen werden.",
        "fazit.challenges": "Als größte Herausforderungen nennen die Modellprojekte am häufigsten {top}.",
        "fazit.outlook.early": "Für die meisten Modellprojekte steht als Nächstes der Übergang von der Strategie in "
        "die Umsetzung an; {share} der bisher abgeschlossenen Maßnahmen sollen weiter betrieben werden. Die nächste "
        "Befragungswelle zeigt, wie weit der Übergang gelungen ist und wie sich die Kennzahlen entwickeln.",
        "fazit.outlook": "Für die weitere Programmlaufzeit rücken Verstetigung und Übertragung in den Vordergrund: "
        "{share} der abgeschlossenen Maßnahmen sollen weiter betrieben werden, und für {open_source} Maßnahmen ist "
        "der Quellcode als Open Source veröffentlicht. Die nächste Befragungswelle zeigt, ob sich die Entwicklung "
        "fortsetzt und wie viele der laufenden Maßnahmen nach ihrem Abschluss weiter betrieben werden.",
        # apparatus (documents.report)
        "abbreviations.caption": "Abkürzungen",
        "abbreviations.abbreviation": "Abkürzung",
        "abbreviations.meaning": "Bedeutung",
        "abbr.BBSR": "Bundesinstitut für Bau-, Stadt- und Raumforschung",
        "abbr.BMUB": "Bundesministerium für Umwelt, Naturschutz, Bau und Reaktorsicherheit (bis 2018)",
        "abbr.BMWSB": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen",
        "abbr.CC BY": "Creative Commons – Namensnennung (Lizenz)",
        "abbr.CSV": "durch Trennzeichen getrennte Werte (Dateiformat)",
        "abbr.KfW": "Kreditanstalt für Wiederaufbau",
        "abbr.KTS": "Koordinierungs- und Transferstelle Modellprojekte Smart Cities",
        "abbr.MPSC": "Modellprojekte Smart Cities",
        "abbr.SHA-256": "Prüfsummenverfahren, mit dem die Begleitdatei die ausgewerteten Dateien belegt",
        "lists.figures": "Abbildungen",
        "lists.tables": "Tabellen",
        "lists.none": "keine",
        "references.online": "Online:",
        "references.charta": "BBSR – Bundesinstitut für Bau-, Stadt- und Raumforschung; BMUB – Bundesministerium für "
        "Umwelt, Naturschutz, Bau und Reaktorsicherheit (Hrsg.) (2017): Smart City Charta. Erarbeitet in der "
        "Dialogplattform Smart Cities.",
        "references.programme": "BMWSB – Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen: Modellprojekte "
        "Smart Cities: Stadtentwicklung und Digitalisierung.",
        "references.calls": "Modellprojekte Smart Cities – Förderziele und Bewerbungsverfahren.",
        "references.kts": "Difu – Deutsches Institut für Urbanistik: Koordinierungs- und Transferstelle "
        "Modellprojekte Smart Cities (KTS).",
        "references.results": "KTS (2024): MPSC-Programm trägt Früchte. Ergebnisse des Projektmonitorings, "
        "veröffentlicht am 7. Februar 2024.",
        "footnote.rounded": "Gerundet wie in den Veröffentlichungen des Programms; der genaue Wert steht in der "
        "Kennzahlenübersicht darüber.",
        "footnote.base": "Mittelwert über die Modellprojekte, die die Frage nach Partnerkommunen beantwortet haben.",
        "dq.overview.caption": "Datenqualität der Welle im Überblick",
        "dq.overview.what": "Prüfgröße",
        "dq.overview.count": "Anzahl",
        "dq.overview.items_missing": "Zählfragen mit fehlenden Angaben (von {items})",
        "dq.overview.special": "Zellen mit Sondercode für „keine Angabe“",
        "dq.items.complete": "Alle antwortenden Modellprojekte haben alle Zählfragen beantwortet.",
        "dq.items.missing": "Wo Angaben fehlen, zeigt die zweite Tabelle; fehlende Angaben werden weder geschätzt "
        "noch als null gezählt.",
    },
    "en": {
        "impressum.publisher": "Publisher",
        "impressum.commissioned_by": "Commissioned by",
        "impressum.prepared_by": "Prepared by",
        "impressum.as_of": "As of",
        "impressum.series": "Series",
        "impressum.issn": "ISSN",
        "impressum.isbn": "ISBN",
        "impressum.not_assigned": "not assigned",
        "impressum.citation": "Suggested citation",
        "impressum.citation.text": "{publisher} (ed.) ({year}): {title}. {subtitle}. {series}, {number}.",
        "impressum.licence": "Licence",
        "impressum.contact": "Contact",
        "impressum.image_credits": "Image credits",
        "impressum.typesetting": "Typesetting and layout",
        "impressum.typesetting.text": "typeset automatically with mpsc-report",
        "impressum.image_credits.text": "All figures: own presentation based on the project monitoring",
        "impressum.disclaimer": "Note",
        "impressum.disclaimer.text": "The contents reflect the views of the authors, not necessarily those of the "
        "publisher or the client.",
        "impressum.sample": "This report is built on synthetic sample data. Entries marked “Musterangabe” (sample "
        "value) are placeholders, not real details; no ISSN or ISBN has been assigned.",
        "impressum.provenance": "Data and provenance",
        "licence.cc_by_4_0": "Creative Commons Attribution 4.0 International (CC BY 4.0), "
        "https://creativecommons.org/licenses/by/4.0/",
        "licence.dl_de_by_2_0": "Data licence Germany – attribution – version 2.0 (dl-de/by-2-0), "
        "https://www.govdata.de/dl-de/by-2-0",
        "provenance.line": "Data as of: {data}; generated with mpsc-report {version}, full record in the sidecar "
        "file (*{sidecar}).",
        "provenance.data.report": "survey wave {wave}, end of the survey {date}",
        "provenance.data.factsheet": "survey wave {wave}",
        "story.head.datasets": "{value} municipal datasets collected for the first time",
        "story.head.participation": "Co-creation in {value} participatory activities",
        "story.head.positions": "{value} new positions in the funded municipalities",
        "story.head.transferred": "{value} solutions transferred to other municipalities",
        "story.head.continued": "{value} of completed measures will be continued",
        "story.change": "Since wave {wave}, the number {what} has {direction} from {old} to {new}.",
        "story.change_per_project": "Since wave {wave}, the number {what} has {direction} from {old} to {new} "
        "(per responding model project: from {old_mean} to {new_mean}).",
        "story.change.unknown": "There is no comparable value for wave {wave}.",
        "story.mean": "Per responding model project, that is on average {mean} {noun}.",
        "story.first": "Wave {wave} is the first survey wave analysed; the next one will show changes.",
        "story.share_change": "Since wave {wave}, the share of completed measures that are continued has "
        "{direction} from {old} to {new}.",
        "story.meaning.datasets": "The model projects thus create new data for planning and administration. How the "
        "data are used is not part of the monitoring.",
        "story.meaning.participation": "Participation is thus a fixed part of the model projects' work. How many "
        "people took part and what the formats achieve is not part of the count.",
        "story.meaning.positions": "Whether the new positions last beyond the end of the funding is not part of the "
        "survey.",
        "story.meaning.transfer": "Transferred solutions show that results of the model projects are used elsewhere "
        "too. Whether they are run there for good is not part of the survey.",
        "story.meaning.sustainability": "The share refers to completed measures only; what happens to the ongoing "
        "ones only the following waves will show.",
        "comparison.order.cohort": "The order follows the start of the funding: cohorts that started earlier have had "
        "more time.",
        "comparison.caveat": "The means describe differences between the groups; their causes cannot be read from "
        "the survey.",
        "challenges.summary": "The free-text answers on the biggest challenge were assigned to themes with a small "
        "keyword codebook; one answer can name several themes. Most often they concern {top}. The table shows how "
        "many model projects name each theme; the examples below are reproduced unchanged (in German, as given).",
        "challenges.none": "No model project described a challenge in this wave.",
        "challenges.joiner": "; ",
        "challenges.last_joiner": "; and ",
        "challenge.procurement": "procurement and tendering",
        "challenge.staffing": "skilled staff and recruitment",
        "challenge.funding_rules": "funding procedures and red tape",
        "challenge.data_protection": "data protection and IT security",
        "challenge.interfaces": "interfaces and IT landscape",
        "challenge.costs": "prices and supply shortages",
        "challenge.cooperation": "coordination in cooperations",
        "challenge.continuation": "funding after the programme ends",
        "challenge.acceptance": "communication and participation on the ground",
        "challenge.other": "other (no theme assigned)",
        "fazit.state": "Wave {wave} shows the model projects in the middle of implementation: of the {respondents} "
        "responding model projects, {implementation} were in the implementation phase.",
        "fazit.state.early": "Wave {wave} shows most model projects still before implementation: of the "
        "{respondents} responding model projects, {implementation} were in the implementation phase.",
        "fazit.growth": "Since wave {wave}, the number {changes} have risen – per responding model project too.",
        "fazit.growth.totals": "Since wave {wave}, the number {changes} have risen.",
        "fazit.first": "As the first wave analysed, it describes the starting point against which the following "
        "waves will be measured.",
        "fazit.challenges": "As their biggest challenges, the model projects most often name {top}.",
        "fazit.outlook.early": "For most model projects, the next step is the move from strategy to implementation; "
        "{share} of the measures completed so far are to be continued. The next survey wave will show how far the "
        "move has succeeded and how the indicators develop.",
        "fazit.outlook": "For the rest of the programme, continuation and transfer move to the fore: {share} of "
        "completed measures are to be continued, and the source code of {open_source} measures has been published "
        "as open source. The next survey wave will show whether the development continues and how many of the "
        "ongoing measures are continued once completed.",
        "abbreviations.caption": "Abbreviations",
        "abbreviations.abbreviation": "Abbreviation",
        "abbreviations.meaning": "Meaning",
        "abbr.BBSR": "Federal Institute for Research on Building, Urban Affairs and Spatial Development",
        "abbr.BMUB": "Federal Ministry for the Environment, Nature Conservation, Building and Nuclear Safety "
        "(until 2018)",
        "abbr.BMWSB": "Federal Ministry for Housing, Urban Development and Building",
        "abbr.CC BY": "Creative Commons – Attribution (licence)",
        "abbr.CSV": "comma-separated values (file format)",
        "abbr.KfW": "KfW, the German state-owned development bank",
        "abbr.KTS": "Coordination and Transfer Office of the Smart Cities model projects",
        "abbr.MPSC": "Smart Cities model projects",
        "abbr.SHA-256": "checksum method the sidecar file uses to identify the files analysed",
        "lists.figures": "Figures",
        "lists.tables": "Tables",
        "lists.none": "none",
        "references.online": "Online:",
        "references.charta": "BBSR – Federal Institute for Research on Building, Urban Affairs and Spatial "
        "Development; BMUB – Federal Ministry for the Environment, Nature Conservation, Building and Nuclear Safety "
        "(eds.) (2017): Smart City Charter. Developed in the Smart Cities dialogue platform.",
        "references.programme": "BMWSB – Federal Ministry for Housing, Urban Development and Building: Smart Cities "
        "model projects: urban development and digitalisation.",
        "references.calls": "Smart Cities model projects – funding objectives and application procedure.",
        "references.kts": "Difu – German Institute of Urban Affairs: Coordination and Transfer Office of the Smart "
        "Cities model projects (KTS).",
        "references.results": "KTS (2024): The MPSC programme bears fruit (news item in German). Results of the "
        "project monitoring, published on 7 February 2024.",
        "footnote.rounded": "Rounded as in the programme's publications; the exact value is in the key figures above.",
        "footnote.base": "Mean over the model projects that answered the question on partner municipalities.",
        "dq.overview.caption": "Data quality of the wave at a glance",
        "dq.overview.what": "Check",
        "dq.overview.count": "Number",
        "dq.overview.items_missing": "Count questions with missing answers (of {items})",
        "dq.overview.special": "Cells with a special code for “no answer”",
        "dq.items.complete": "Every responding model project answered every count question.",
        "dq.items.missing": "The second table shows where answers are missing; missing answers are neither "
        "estimated nor counted as zero.",
    },
}


for _section in (_NARRATIVE, _FACTSHEET, _FORMATS, _PUBLICATION, _indicator_words()):
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


def describe_key(key: str, language: str = "de", names: dict[str, str] | None = None) -> str:
    """A number key in words: ``"datasets_total[theme=datasets_climate]"`` -> "Neue Datensätze: Klimaanpassung".

    The indicator's label from the catalogue, then the word of each dimension's code (a project by its name from
    ``names``, else its id; a wave as "Welle 2022"; a statistic as "je antwortendem Modellprojekt" or "Median"):
    "Neue Datensätze: Staffel 2019, je antwortendem Modellprojekt". A key that is not one is returned as it is.
    """
    try:
        id, dims = parse_key(key)
        parts = [t(f"indicator.{id}", language)]
    except (ValueError, TranslationMissing):
        return key
    for dimension, code in dims.items():
        if dimension == "project":
            parts.append((names or {}).get(code, code))
        elif dimension == "wave":
            parts.append(t("export.wave", language, wave=code))
        elif dimension in ("state", "rule", "item"):
            parts.append(
                t(f"item.{code}", language)
                if dimension == "item" and f"item.{code}" in MESSAGES[language]
                else t(f"rule.{code}", language)
                if dimension == "rule"
                else code
            )
        else:
            word = MESSAGES[language].get(f"{dimension}.{code}")
            parts.append(word.split(" (")[0] if word else code)
    return parts[0] + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _dimension_word(dimension: str, code: str, language: str) -> str:
    """The word of a Land (as it is), a validation rule (translated) or an item (its label) in a key."""
    if dimension == "item" and f"item.{code}" in MESSAGES[language]:
        return t(f"item.{code}", language)
    if dimension == "rule":
        return t(code, language)
    return code
