"""German narrative generated from the same metric objects the charts use; no number is typed by hand."""

from __future__ import annotations

import math

import pandas as pd

from .formatting import (
    NBSP,
    format_count_words,
    format_int,
    format_median,
    format_number,
    format_percent,
    format_rounded,
)
from .metrics import HEADLINE_INDICATORS, KeyFigures, ProjectComparison

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


def _share(value: float) -> str:
    return "keine Angabe" if math.isnan(value) else format_percent(value)


def _mean_words(value: float) -> str:
    """A mean in running text: whole numbers up to twelve in words ("zwölf"), else one decimal."""
    if math.isnan(value):
        return "keine Angabe"
    if abs(value - round(value)) < 0.05:
        return format_count_words(int(round(value)))
    return format_number(value, 1)


def _direction(before: float, now: float) -> str:
    if now > before:
        return "gestiegen"
    if now < before:
        return "gesunken"
    return "unverändert geblieben"  # "von 5 auf 5 unverändert geblieben"


def _plain(label: str) -> str:
    """A chart label for running text: without a bracketed explanation."""
    return label.split(" (")[0]


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# --------------------------------------------------------------------------- project factsheet

#: How a count of each headline indicator reads after "meldet": (singular, plural).
_PROJECT_NOUNS: dict[str, tuple[str, str]] = {
    "Neue Datensätze": ("neu erhobenen Datensatz", "neu erhobene Datensätze"),
    "Partizipative Aktivitäten": ("partizipative Aktivität", "partizipative Aktivitäten"),
    "Neue Stellen": ("neue Stelle", "neue Stellen"),
    "Übertragene Lösungen": ("übertragene Lösung", "übertragene Lösungen"),
    "Partnerkommunen": ("Partnerkommune", "Partnerkommunen"),
}


def project_key_figures(comparison: ProjectComparison, wave: str) -> tuple[str, list[str]]:
    """A lead sentence and one item per headline indicator: the project's value, the cohort and kind medians.

    Numbers are written exactly as the comparison chart writes them (same table, same format).

    Parameters
    ----------
    comparison : ProjectComparison
        Output of :func:`~mpsc_report.metrics.project_comparison`.
    wave : str
        The wave.

    Returns
    -------
    lead : str
        "In Welle 2023 meldet Solingen:", or the plain statement that the project did not answer.
    items : list of str
        E.g. "42 neu erhobene Datensätze – Median der Staffel 2019: 17, der Großstädte: 15,5".
    """
    table, name = comparison.table, comparison.project_label
    cohort_row, kind_row = comparison.cohort_label, comparison.kind_label
    kind_phrase = kind_row.removeprefix("Median ")
    if comparison.answered:
        lead = f"In Welle {wave} meldet {name}:"
    else:
        lead = (
            f"Für diese Welle liegen keine Antworten von {name} vor (Welle {wave}). "
            "Gezeigt werden die Mediane der Vergleichsgruppen:"
        )
    items = []
    for indicator in table.columns:
        singular, plural = _PROJECT_NOUNS.get(indicator, (indicator, indicator))
        own = table.at[name, indicator]
        medians = (
            f"Median der Staffel {comparison.cohort}: {format_median(table.at[cohort_row, indicator])}, "
            f"{kind_phrase}: {format_median(table.at[kind_row, indicator])}"
        )
        if not comparison.answered:
            items.append(f"{indicator} – {medians}")
        elif math.isnan(own):
            items.append(f"keine Angabe zur Zahl {_GENITIVE.get(indicator, 'der ' + indicator)} – {medians}")
        else:
            items.append(f"{format_median(own)} {singular if own == 1 else plural} – {medians}")
    return lead, items


def project_development(trend: pd.DataFrame, name: str, wave: str) -> list[str]:
    """How the project's cumulative counts changed since its first answered wave; unanswered waves named as gaps.

    Parameters
    ----------
    trend : pandas.DataFrame
        Output of :func:`~mpsc_report.metrics.project_trend` (same frame as the chart).
    name : str
        The project's short name.
    wave : str
        The factsheet's wave (the last row of ``trend``).
    """
    answered = [w for w in trend.index if trend.loc[w].notna().any()]
    missing = [w for w in trend.index if w not in answered]
    sentences = []
    if wave not in answered:
        sentences.append(f"Für diese Welle liegen keine Antworten von {name} vor.")
    earlier = [w for w in missing if w != wave]
    if earlier:
        waves = " und ".join(earlier)
        sentences.append(
            f"Aus Welle {waves} liegen keine Antworten vor; die Linien zeigen dort eine Lücke und werden nicht ergänzt."
        )
    if wave in answered and len(answered) > 1:
        first = answered[0]
        before, now = trend.loc[first], trend.loc[wave]
        changes = [
            f"{_GENITIVE.get(i, i)} von {format_int(before[i])} auf {format_int(now[i])} "
            f"{_direction(before[i], now[i])}"
            for i in trend.columns
            if not (math.isnan(before[i]) or math.isnan(now[i]))
        ]
        if changes:
            head, *rest = changes
            tail = "".join(f", die Zahl {c}" for c in rest[:-1]) + (f" und die Zahl {rest[-1]}" if rest else "")
            sentences.append(f"Seit Welle {first} ist bei {name} die Zahl {head}{tail}.")
    elif wave in answered:
        sentences.append(f"Welle {wave} ist die erste mit Antworten von {name}; ein Vergleich ist noch nicht möglich.")
    return sentences


def project_partners(table: pd.DataFrame, name: str) -> str:
    """The project's partner municipalities in one sentence (same table as the one shown beside it)."""
    count, among, _ = table.columns
    total, projects = int(table[count].sum()), int(table[among].sum())
    if total == 0:
        return f"Für diese Welle liegen von {name} keine Angaben zu Partnerkommunen vor."
    top = table[count].sort_values(ascending=False, kind="stable")
    partner_word = "Partnerkommune" if total == 1 else "Partnerkommunen"
    return (
        f"{name} nennt {format_int(total)} {partner_word}, {format_int(projects)} davon sind selbst Modellprojekte. "
        f"Die häufigste Form des Austauschs ist {top.index[0]} ({format_int(top.iloc[0])})."
    )


def factsheet_method(comparison: ProjectComparison, synthetic: bool) -> list[str]:
    """Notes under a factsheet: what the medians are, how counts are counted, the data's origin."""
    kind = comparison.kind_label.removeprefix("Median der ")
    notes = [
        f"Mediane: mittlerer Wert der antwortenden Modellprojekte der Staffel {comparison.cohort} "
        f"(n{NBSP}={NBSP}{format_int(comparison.cohort_n)}) und der {kind} "
        f"(n{NBSP}={NBSP}{format_int(comparison.kind_n)}), jeweils einschließlich {comparison.project_label}; fehlende "
        "Angaben werden weder geschätzt noch als null gezählt. Alle Zählgrößen sind seit Programmbeginn kumuliert.",
    ]
    if synthetic:
        notes.append(
            "Dieser Steckbrief beruht auf synthetischen Beispieldaten; die Werte des Modellprojekts und seine "
            "Freitexte sind erfunden. Es handelt sich nicht um amtliche Ergebnisse."
        )
    return notes


def describe_counts(frame: pd.DataFrame, what: str) -> str:
    """Alt text for a factsheet chart: every value as the chart writes it; a gap reads "keine Daten"."""
    rows = "; ".join(
        f"{index}: " + ", ".join(f"{c} {'keine Daten' if math.isnan(v) else format_median(v)}" for c, v in row.items())
        for index, row in frame.iterrows()
    )
    return f"{what}. Werte: {rows}."
