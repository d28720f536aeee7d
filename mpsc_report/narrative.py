"""German narrative generated from the same metric objects the charts use; no number is typed by hand."""

from __future__ import annotations

import math

import pandas as pd

from .formatting import (
    format_count_words,
    format_int,
    format_number,
    format_percent,
    format_rounded,
)
from .metrics import HEADLINE_INDICATORS, KeyFigures
from .validation import ERRORS_FILE, DataQuality

#: Leitlinie of the Smart City Charta the participation figures contribute to.
CHARTA_GUIDELINE = "Digitale Transformation braucht Transparenz, Teilhabe und Mitgestaltung"


def summary(kf: KeyFigures) -> list[str]:
    """The headline findings of a wave, phrased as the programme publishes them.

    Parameters
    ----------
    kf : KeyFigures
        Headline figures of the wave.

    Returns
    -------
    list of str
        One sentence per finding.
    """
    return [
        _capital(
            f"{format_rounded(kf.datasets)} kommunale Datensätze wurden im Rahmen der Förderung erstmals neu erhoben."
        ),
        f"Die Modellprojekte stärken die Mitgestaltung durch Partizipation, mit {format_rounded(kf.participation)} "
        "partizipativen Aktivitäten.",
        f"In den geförderten Kommunen sind {format_int(kf.positions)} neue Stellen entstanden.",
        _capital(
            f"{format_int(kf.solutions_transferred)} Lösungen konnten bereits in andere Kommunen übertragen werden."
        ),
        _capital(
            f"{_share(kf.continuation_share)} der Maßnahmen, die bereits abgeschlossen sind, sollen weiter "
            "betrieben werden."
        ),
        f"Für {format_int(kf.open_source)} Maßnahmen wurde der entwickelte Open-Source-Code veröffentlicht.",
        f"Jedes Modellprojekt steht im Schnitt im Austausch mit {_mean_words(kf.partners_mean)} anderen Kommunen – "
        f"zusammen {format_rounded(kf.network_links)} Netzwerkverbindungen.",
    ]


def key_figure_tiles(kf: KeyFigures) -> list[tuple[str, str]]:
    """Key figures as (value, label) tiles for the summary."""
    return [
        (format_int(kf.datasets), "neu erhobene kommunale Datensätze"),
        (format_int(kf.participation), "partizipative Aktivitäten"),
        (format_int(kf.positions), "neue Stellen in den geförderten Kommunen"),
        (format_int(kf.solutions_transferred), "in andere Kommunen übertragene Lösungen"),
        (_share(kf.continuation_share), "der abgeschlossenen Maßnahmen werden weiter betrieben"),
        (format_int(kf.open_source), "Maßnahmen mit veröffentlichtem Open-Source-Code"),
        (format_number(kf.partners_mean, 1), "Partnerkommunen je Modellprojekt im Schnitt"),
        (format_int(kf.network_links), "Verbindungen im Netzwerk"),
    ]


def response(kf: KeyFigures) -> str:
    """Who answered the wave."""
    return (
        f"An der Befragung der Welle {kf.wave} haben {format_int(kf.respondents)} von "
        f"{format_int(kf.projects)} Modellprojekten teilgenommen ({_share(kf.response_rate)}); "
        f"{format_int(kf.projects_in_implementation)} von ihnen befanden sich in der Umsetzungsphase."
    )


def datasets(kf: KeyFigures, themes: pd.Series) -> str:
    """New datasets and their largest themes (same Series as the chart)."""
    top = themes.sort_values(ascending=False)
    first, second = top.index[0], top.index[1]
    return (
        f"Insgesamt haben die Modellprojekte {format_int(kf.datasets)} kommunale Datensätze erstmals neu erhoben. "
        f"Die meisten betreffen den Bereich {_plain(first)} ({format_int(top.iloc[0])}, "
        f"{_share(top.iloc[0] / kf.datasets)}), gefolgt von {_plain(second)} ({format_int(top.iloc[1])}). "
        "Dazu gehören etwa das Monitoring von Starkregenereignissen, die Identifikation von Hitzeinseln und "
        "Sensoren für den ruhenden und den fließenden Verkehr."
    )


def participation(kf: KeyFigures, formats: pd.Series) -> str:
    """Participatory activities by format and the link to the Smart City Charta."""
    top = formats.sort_values(ascending=False)
    return (
        f"Mit {format_int(kf.participation)} partizipativen Aktivitäten – am häufigsten {_plain(top.index[0])} "
        f"({format_int(top.iloc[0])}) – tragen die Modellprojekte zu einer Leitlinie der Smart City Charta bei: "
        f"„{CHARTA_GUIDELINE}“."
    )


def staff(kf: KeyFigures, by_kind: pd.Series) -> str:
    """New positions and where they were created."""
    top = by_kind.sort_values(ascending=False)
    return (
        f"In den geförderten Kommunen sind {format_int(kf.positions)} neue Stellen entstanden, "
        f"davon {format_int(top.iloc[0])} in Modellprojekten der Kategorie {top.index[0]}. "
        "Die neuen Stellen entwickeln die Strategien weiter, setzen mit Partnern Maßnahmen um und schaffen "
        "Strukturen für die Verstetigung."
    )


def transfer(kf: KeyFigures, exchange: pd.Series, links_among_projects: int) -> str:
    """Transfer of solutions and cooperation between municipalities."""
    top = exchange.sort_values(ascending=False)
    return (
        f"{_capital(format_int(kf.solutions_transferred))} Lösungen wurden bereits in andere Kommunen übertragen. "
        f"Jedes Modellprojekt steht im Schnitt mit {_mean_words(kf.partners_mean)} anderen Kommunen im Austausch; "
        f"insgesamt wurden {format_int(kf.network_links)} Verbindungen gemeldet, "
        f"{format_int(links_among_projects)} davon zwischen zwei Modellprojekten. "
        f"Die häufigste Form ist {_plain(top.index[0])} ({format_int(top.iloc[0])} Verbindungen)."
    )


def sustainability(kf: KeyFigures) -> str:
    """Continuation of completed measures and open-source publication."""
    return (
        f"Von {format_int(kf.measures_completed)} abgeschlossenen Maßnahmen sollen {format_int(kf.measures_continued)} "
        f"weiter betrieben werden; das sind {_share(kf.continuation_share)}. "
        f"Für {format_int(kf.open_source)} Maßnahmen wurde der Quellcode als Open Source veröffentlicht, "
        "sodass alle Kommunen die Lösungen übernehmen können. "
        f"Insgesamt meldeten die Modellprojekte {format_int(kf.measures_total)} geplante, laufende oder "
        "abgeschlossene Maßnahmen."
    )


def comparison(means: pd.DataFrame, group: str) -> str:
    """Which group collects the most and the fewest new datasets per project (same frame as the chart).

    Parameters
    ----------
    means : pandas.DataFrame
        Output of :func:`~mpsc_report.metrics.means_per_project`.
    group : str
        What the groups are, for the sentence: "Staffel" or "Art der Kommune".
    """
    column = f"{HEADLINE_INDICATORS['datasets_total']} je Projekt"
    ordered = means[column].sort_values(ascending=False)
    return (
        f"Nach {group} betrachtet haben die Modellprojekte der Gruppe „{ordered.index[0]}“ im Schnitt die meisten "
        f"neuen Datensätze erhoben ({format_number(ordered.iloc[0], 1)} je Projekt), die der Gruppe "
        f"„{ordered.index[-1]}“ die wenigsten ({format_number(ordered.iloc[-1], 1)}). Die Unterschiede spiegeln "
        "vor allem den Projektbeginn und die Größe der Kommunen wider."
    )


def places(by_state: pd.Series, projects: int) -> str:
    """Where the model projects are."""
    top = by_state.sort_values(ascending=False)
    lands = int((by_state > 0).sum())
    return (
        f"Die {format_int(projects)} Modellprojekte verteilen sich auf {format_count_words(lands)} "
        "der sechzehn Länder; "
        f"die meisten liegen in {top.index[0]} ({format_int(top.iloc[0])})."
    )


#: Trend indicators as genitive phrases for running text ("die Zahl der neuen Datensätze").
_GENITIVE: dict[str, str] = {
    "Neue Datensätze": "der neuen Datensätze",
    "Partizipative Aktivitäten": "der partizipativen Aktivitäten",
    "Neue Stellen": "der neuen Stellen",
    "Übertragene Lösungen": "der übertragenen Lösungen",
}


def development(trend: pd.DataFrame, wave: str, comparison_wave: str | None) -> list[str]:
    """Change since the comparison wave, one sentence per indicator with a direction word."""
    if comparison_wave is None or comparison_wave not in trend.index:
        return [
            f"Welle {wave} ist die erste ausgewertete Befragungswelle; ein Vergleich mit früheren Wellen ist "
            "daher noch nicht möglich."
        ]
    before, now = trend.loc[comparison_wave], trend.loc[wave]
    changes, gaps = [], []
    for indicator in trend.columns:
        what = _GENITIVE.get(indicator, indicator)
        if math.isnan(before[indicator]) or math.isnan(now[indicator]):
            gaps.append(what)
            continue
        old, new = before[indicator], now[indicator]
        verb = _direction(old, new)
        changes.append(f"{what} von {format_int(old)} auf {format_int(new)} {verb}")
    sentences = []
    if changes:
        head, *rest = changes
        tail = (", die Zahl " + ", die Zahl ".join(rest[:-1]) if rest[:-1] else "") + (
            f" und die Zahl {rest[-1]}" if rest else ""
        )
        sentences.append(f"Gegenüber der Welle {comparison_wave} ist die Zahl {head}{tail}.")
    if gaps:
        sentences.append(f"Für die Zahl {' und '.join(gaps)} liegen keine vergleichbaren Angaben beider Wellen vor.")
    sentences.append(
        "Die Angaben sind seit Programmbeginn kumuliert; Unterschiede im Rücklauf der Wellen wirken sich auf "
        "die Summen aus."
    )
    return sentences


def method(kf: KeyFigures, synthetic: bool, field_period: str) -> list[str]:
    """Method and data notes: who was asked, when, how figures are counted, and the data's origin."""
    notes = [
        f"Befragt wurden alle {format_int(kf.projects)} Modellprojekte Smart Cities der drei Staffeln "
        f"2019, 2020 und 2021 ({field_period}). Geantwortet haben {format_int(kf.respondents)} "
        f"Modellprojekte ({_share(kf.response_rate)}).",
        "Alle Zählgrößen sind seit Programmbeginn kumuliert und werden über die antwortenden Modellprojekte "
        "summiert. Fehlende Angaben werden weder geschätzt noch als null gezählt. Der Anteil weiter betriebener "
        "Maßnahmen bezieht sich auf die abgeschlossenen Maßnahmen der Projekte, die beide Fragen beantwortet haben.",
        "Netzwerkverbindungen sind die gemeldeten Partnerkommunen; nennen sich zwei Modellprojekte gegenseitig, "
        "zählt die Verbindung einmal.",
    ]
    if synthetic:
        notes.append(
            "Dieser Bericht beruht auf synthetischen Beispieldaten. Sie sind so kalibriert, dass die Welle 2023 "
            "die veröffentlichten Programmkennzahlen wiedergibt; alle übrigen Werte, Verteilungen und Freitexte "
            "sind erfunden. Es handelt sich nicht um amtliche Ergebnisse."
        )
    return notes


#: How each intake format is named in the data-quality appendix.
_FORMAT_WORDS = {"csv": "CSV-Datei", "xlsx": "Excel-Arbeitsmappe", "limesurvey": "LimeSurvey-Antwortexport"}


def data_quality(quality: DataQuality) -> list[str]:
    """The data-quality appendix in sentences: rows read, used and rejected, special codes, format and codebook."""
    answers = quality.files[0]
    sentences = [
        f"Aus der Datei {answers.name} ({_FORMAT_WORDS[quality.format]}, Zeichenkodierung "
        f"{quality.encoding.upper().replace('-SIG', '')}) "
        f"{_plural(quality.rows_read, 'wurde eine Antwortzeile', 'wurden {n} Antwortzeilen')} gelesen; "
        f"{format_int(quality.rows_used)} davon {_plural(quality.rows_used, 'ging', 'gingen')} in die Auswertung "
        f"ein, {format_int(quality.rows_rejected)} {_plural(quality.rows_rejected, 'wurde', 'wurden')} "
        "zurückgewiesen."
    ]
    if quality.rows_rejected:
        reasons = ", ".join(f"{format_int(n)} × {rule}" for rule, n in quality.rejected_by_rule)
        sentences.append(
            f"Zurückgewiesen wurden Zeilen mit ungültigen Angaben ({reasons}); sie sind in keiner Zahl dieses "
            f"Berichts enthalten. Die vollständige Liste mit Zeile, Spalte und Wert steht in {ERRORS_FILE}."
        )
    else:
        sentences.append("Alle Zeilen haben die Prüfungen bestanden (Spalten, Werte, Codes, Eindeutigkeit, Summen).")
    if quality.codebook:
        sentences.append(
            f"Fragecodes und Antwortcodes wurden mit dem Codebuch „{quality.codebook}“ in die Auswertungsspalten "
            "übersetzt."
        )
    special = sum(sum(r.values()) for r in quality.missing_reasons.values())
    if special:
        codes = sorted({reason for r in quality.missing_reasons.values() for reason in r})
        cells = _plural(special, "In einer Zelle stand ein Sondercode", "In {n} Zellen standen Sondercodes")
        sentences.append(
            f"{cells} ({', '.join(f'„{c}“' for c in codes)}); "
            "diese Angaben zählen als fehlend und gehen weder in Summen noch in Mittelwerte ein."
        )
    sentences.append(
        "Die Prüfsummen (SHA-256) in der Tabelle der ausgewerteten Dateien belegen, welcher Datenstand "
        "ausgewertet wurde."
    )
    return sentences


def describe_bars(values: pd.Series, what: str, percent: bool = False) -> str:
    """Alt text for a bar chart from its data: what is shown, largest and smallest value."""
    fmt = (lambda v: format_percent(v)) if percent else format_int
    ordered = values.sort_values(ascending=False)
    listing = "; ".join(f"{_plain(k)}: {fmt(v)}" for k, v in values.items())
    return (
        f"Balkendiagramm {what}. Größter Wert {_plain(ordered.index[0])} ({fmt(ordered.iloc[0])}), "
        f"kleinster Wert {_plain(ordered.index[-1])} ({fmt(ordered.iloc[-1])}). Werte: {listing}."
    )


def describe_share(share: float, what: str) -> str:
    """Alt text for a single-share bar."""
    return f"Balken, der den Anteil {what} zeigt: {_share(share)}."


def describe_network(nodes: pd.DataFrame, edges: pd.DataFrame) -> str:
    """Alt text for the network chart (same nodes and edges as the chart)."""
    return (
        f"Netzwerkdiagramm der {format_int(len(nodes))} Modellprojekte mit {format_int(len(edges))} "
        "Verbindungen untereinander, nach Staffel gefärbt; die Punktgröße zeigt die Zahl der Partnerkommunen."
    )


def describe_table(frame: pd.DataFrame, what: str) -> str:
    """Alt text for a chart drawn from a small table: what is shown and every value."""
    rows = "; ".join(
        f"{index}: " + ", ".join(f"{c} {format_number(v, 1)}" for c, v in row.items())
        for index, row in frame.iterrows()
    )
    return f"{what}. Werte: {rows}."


def _plural(n: int, one: str, many: str) -> str:
    """Singular or plural phrase; ``{n}`` in the plural becomes the German-formatted number."""
    return one if n == 1 else many.replace("{n}", format_int(n))


def _share(value: float) -> str:
    return "keine Angabe" if math.isnan(value) else format_percent(value)


def _mean_words(value: float) -> str:
    """A mean in running text: whole numbers up to twelve in words ("zwölf"), else one decimal."""
    if math.isnan(value):
        return "keine Angabe"
    if abs(value - round(value)) < 0.05:
        return format_count_words(int(round(value)))
    return format_number(value, 1)


def direction_word(before: float, now: float) -> str:
    """The direction of a change as one word: "gestiegen", "gesunken" or "unverändert"."""
    if now > before:
        return "gestiegen"
    if now < before:
        return "gesunken"
    return "unverändert"


def _direction(before: float, now: float) -> str:
    word = direction_word(before, now)
    return "unverändert geblieben" if word == "unverändert" else word  # "von 5 auf 5 unverändert geblieben"


def _plain(label: str) -> str:
    """A chart label for running text: without a bracketed explanation."""
    return label.split(" (")[0]


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
