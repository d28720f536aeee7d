"""Narrative sentences come from the metric objects and use German formats and rounding language."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from published import KF_2023

from mpsc_report.analysis import narrative
from mpsc_report.analysis.formatting import NBSP

KF = KF_2023


def test_tiles_show_exact_values():
    tiles = dict((label, value) for value, label in narrative.key_figure_tiles(KF))
    assert tiles["neu erhobene kommunale Datensätze"] == "1.043"
    assert tiles["Partnerkommunen je antwortendem Modellprojekt"] == "12,0"
    assert tiles["der abgeschlossenen Maßnahmen werden weiter betrieben"] == f"64{NBSP}%"


def test_datasets_names_the_largest_theme_from_the_chart_data():
    themes = pd.Series({"datasets_climate": 315, "datasets_mobility": 273, "datasets_environment": 194})
    text = narrative.datasets(KF, themes.rename_axis("theme"))
    assert "den Bereich Klimaanpassung (315, 30" in text
    assert "gefolgt von Verkehr (273)" in text


@pytest.mark.parametrize(
    ("before", "now", "word"), [(100, 150, "gestiegen"), (150, 100, "gesunken"), (100, 100, "unverändert geblieben")]
)
def test_development_uses_direction_words(before, now, word):
    trend = pd.DataFrame({"positions_new": [before, now]}, index=["2022", "2023"], dtype=float)
    sentences = narrative.development(trend, "2023", "2022")
    assert sentences[0] == (f"Gegenüber der Welle 2022 ist die Zahl der neuen Stellen von {before} auf {now} {word}.")


def test_development_names_gaps_and_first_wave():
    trend = pd.DataFrame({"positions_new": [float("nan"), 10.0], "datasets_total": [5.0, 8.0]}, index=["2022", "2023"])
    sentences = narrative.development(trend, "2023", "2022")
    assert "der neuen Datensätze von 5 auf 8 gestiegen" in sentences[0]
    assert "Für die Zahl der neuen Stellen liegen keine vergleichbaren Angaben" in sentences[1]
    assert "erste ausgewertete Befragungswelle" in narrative.development(trend, "2023", None)[0]


def test_method_notes_say_synthetic_only_for_sample_data():
    assert any("synthetischen Beispieldaten" in s for s in narrative.method(KF, True, "Nov. bis Dez. 2023"))
    assert not any("synthetisch" in s for s in narrative.method(KF, False, "Nov. bis Dez. 2023"))


def test_network_alt_text_counts_nodes_and_edges():
    nodes = pd.DataFrame({"node": ["a", "b", "c"]})
    edges = pd.DataFrame({"source": ["a"], "target": ["b"]})
    assert narrative.describe_network(nodes, edges).startswith(
        "Netzwerkdiagramm der 3 Modellprojekte mit 1 Verbindungen untereinander"
    )


def test_english_tiles_use_english_words_and_number_formats():
    tiles = dict((label, value) for value, label in narrative.key_figure_tiles(KF, "en"))
    assert tiles["new municipal datasets collected"] == "1,043"
    assert tiles["partner municipalities per responding model project"] == "12.0"


@pytest.mark.parametrize(
    ("before", "now", "word"), [(1000, 1500, "risen"), (150, 100, "fallen"), (100, 100, "stayed the same")]
)
def test_english_development_uses_direction_words(before, now, word):
    trend = pd.DataFrame({"positions_new": [before, now]}, index=["2022", "2023"], dtype=float)
    sentences = narrative.development(trend, "2023", "2022", "en")
    assert sentences[0].startswith(f"Compared with wave 2022, the number of new positions has {word} from")
    assert "1,500" in sentences[0] or word != "risen"


def test_chart_alt_text_names_kind_subject_extremes_and_trend():
    bars = narrative.describe_chart("bar", "Neue Datensätze nach Thema", pd.Series({"Umwelt": 3, "Energie": 1200}))
    assert bars.startswith("Balkendiagramm: Neue Datensätze nach Thema. Größter Wert Energie (1.200)")
    assert "kleinster Wert Umwelt (3)" in bars and "Werte: Umwelt: 3; Energie: 1.200." in bars
    trend = pd.DataFrame({"Neue Stellen": [80, float("nan"), 298]}, index=["2021", "2022", "2023"])
    line = narrative.describe_chart("trend", "Kennzahlen nach Welle", trend.assign(Other=[1.0, 2.0, 1.0]))
    assert "Neue Stellen: von 80 (2021) auf 298 (2023) gestiegen; Other: von 1 (2021) auf 1 (2023) unverändert" in line
    means = pd.DataFrame({"A je Projekt": [1.25, 20.0]}, index=["Staffel 2019", "Staffel 2020"])
    multiples = narrative.describe_chart("small-multiples", "Mittelwerte", means.assign(B=[2.0, 1.0]))
    assert "höchster Wert Staffel 2020 (20,0), niedrigster Staffel 2019 (1,3)" in multiples
    english = narrative.describe_chart("line", "Indicators", trend, "en")
    assert english == "Line chart: Indicators. Neue Stellen: risen from 80 (2021) to 298 (2023)."


# --------------------------------------------------------------------------- project factsheet


def _comparison(answered: bool = True):
    from mpsc_report.analysis.metrics import HEADLINE_INDICATORS, ProjectComparison

    own = [42.0, 59.0, 1.0, float("nan"), 21.0] if answered else [float("nan")] * 5
    table = pd.DataFrame(
        [own, [17.0, 33.0, 4.0, 2.0, 13.0], [15.5, 33.0, 5.0, 1.0, 12.5]],
        index=["project", "cohort", "kind"],
        columns=list(HEADLINE_INDICATORS),
    )
    return ProjectComparison("solingen", "Solingen", "Solingen", "2019", "large_city", answered, 13, 28, table)


def test_project_key_figures_state_the_chart_numbers_in_german():
    lead, items = narrative.project_key_figures(_comparison(), "2023")
    assert lead == "In Welle 2023 meldet Solingen:"
    assert items[0] == "42 neu erhobene Datensätze – Median der Staffel 2019: 17, der Großstädte: 15,5"
    assert items[2].startswith("1 neue Stelle –")  # singular
    assert items[3].startswith("keine Angabe zur Zahl der übertragenen Lösungen –")
    assert items[4].endswith("der Großstädte: 12,5")


def test_project_key_figures_of_a_project_without_answers_says_so():
    lead, items = narrative.project_key_figures(_comparison(answered=False), "2022")
    assert "Für diese Welle liegen keine Antworten von Solingen vor" in lead
    assert items[0] == "Neue Datensätze – Median der Staffel 2019: 17, der Großstädte: 15,5"


def test_project_development_names_gaps_and_compares_with_the_first_answered_wave():
    trend = pd.DataFrame(
        {"datasets_total": [16.0, float("nan"), 42.0], "positions_new": [3.0, float("nan"), 3.0]},
        index=["2021", "2022", "2023"],
    )
    text = " ".join(narrative.project_development(trend, "Solingen", "2023"))
    assert "Aus Welle 2022 liegen keine Antworten vor" in text
    assert "Seit Welle 2021 ist bei Solingen die Zahl der neuen Datensätze von 16 auf 42 gestiegen" in text
    assert "der neuen Stellen von 3 auf 3 unverändert geblieben" in text
    missing_now = narrative.project_development(trend, "Solingen", "2022")
    # The lead says once that the project did not answer; here only the gap in the figure is named.
    assert missing_now == [
        "Welle 2022 bleibt in der Abbildung eine Lücke; gezeigt werden die Angaben der übrigen Wellen."
    ]


def _network_row(partners: float, model_projects: float, links: int) -> pd.Series:
    return pd.Series(
        {"partners_total": partners, "partners_model_projects": model_projects, "links_to_model_projects": links}
    )


def test_project_partners_sentence_and_none():
    table = pd.DataFrame(
        {"partners_total": [1.0, 9.0, 0.0], "partners_model_projects": [1.0, 2.0, 0.0], "names": ["", "", ""]},
        index=["role_model", "knowledge_exchange", "transfer"],
    )
    assert narrative.project_partners(table, _network_row(10, 3, 11), "Solingen") == [
        "Solingen nennt 10 Partnerkommunen, 3 davon sind selbst Modellprojekte. "
        "Die häufigste Form des Austauschs ist Wissensaustausch (9 Partnerkommunen).",
        "Im Netzwerk der Modellprojekte ist Solingen mit 11 Modellprojekten verbunden; gezählt werden auch "
        "Modellprojekte, die Solingen als Partner nennen.",
    ]
    # Zero partners is a true zero; a question not answered is unknown, never 0.
    empty = table.assign(partners_total=0.0, partners_model_projects=0.0)
    assert (
        "nennt für diese Welle keine Partnerkommunen"
        in narrative.project_partners(empty, _network_row(0, 0, 2), "Solingen")[0]
    )
    unknown = table.assign(partners_total=float("nan"), partners_model_projects=float("nan"))
    sentences = narrative.project_partners(unknown, _network_row(float("nan"), float("nan"), 1), "Solingen")
    assert "keine Angaben zu Partnerkommunen" in sentences[0] and "0" not in " ".join(sentences)


def test_factsheet_method_names_groups_and_sample():
    notes = narrative.factsheet_method(_comparison(), synthetic=True)
    assert f"Staffel 2019 (n{NBSP}={NBSP}13)" in notes[0] and f"Großstädte (n{NBSP}={NBSP}28)" in notes[0]
    assert "synthetischen Beispieldaten" in notes[1]
    assert len(narrative.factsheet_method(_comparison(), synthetic=False)) == 1


def test_describe_counts_writes_values_like_the_chart():
    labelled = _comparison().table.rename(
        index={"project": "Solingen"},
        columns={"datasets_total": "Neue Datensätze", "solutions_transferred": "Übertragene Lösungen"},
    )
    text = narrative.describe_counts(labelled, "Kennzahlen")
    assert "Solingen: Neue Datensätze 42" in text and "Übertragene Lösungen keine Daten" in text and "12,5" in text


def test_sentences_name_the_words_of_the_codes_in_each_language():
    by_kind = pd.Series({"large_city": 148, "district": 33}).rename_axis("kind")
    assert "der Kategorie Großstadt" in narrative.staff(KF, by_kind)
    assert "of the kind City" in narrative.staff(KF, by_kind, "en")
    exchange = pd.Series({"role_model": 166, "knowledge_exchange": 385}).rename_axis("exchange")
    assert "Die häufigste Form ist Wissensaustausch (385" in " ".join(narrative.transfer(KF, exchange))
    means = pd.DataFrame({"datasets_total": [18.94, 9.8]}, index=pd.Index(["2019", "2021"], name="cohort"))
    assert narrative.comparison(means).startswith(
        "Nach Staffel betrachtet haben die Modellprojekte der Gruppe „Staffel"
    )
    assert "„Staffel 2021“ die wenigsten (9,8)" in narrative.comparison(means)
    english = narrative.comparison(
        means.rename_axis("kind").rename(index={"2019": "cooperation", "2021": "district"}), "en"
    )
    assert english.startswith("By kind of municipality, the model projects of the group “inter-municipal cooperation”")


def test_english_factsheet_sentences():
    lead, items = narrative.project_key_figures(_comparison(), "2023", "en")
    assert lead == "In wave 2023, Solingen reports:"
    assert items[0] == "42 new datasets collected – median of cohort 2019: 17, of cities: 15.5"
    assert items[2].startswith("1 new position –")  # singular
    assert items[3].startswith("no answer on the number of transferred solutions –")
    lead, items = narrative.project_key_figures(_comparison(answered=False), "2022", "en")
    assert lead.startswith("There are no answers from Solingen for this wave (wave 2022).")
    assert items[0] == "New datasets – median of cohort 2019: 17, of cities: 15.5"
    trend = pd.DataFrame(
        {"datasets_total": [16.0, float("nan"), 42.0], "positions_new": [3.0, float("nan"), 3.0]},
        index=["2021", "2022", "2023"],
    )
    text = " ".join(narrative.project_development(trend, "Solingen", "2023", "en"))
    assert "There are no answers from wave 2022" in text
    assert "For Solingen, since wave 2021 the number of new datasets has risen from 16 to 42 and the number" in text
    table = pd.DataFrame(
        {"partners_total": [1.0, 0.0], "partners_model_projects": [1.0, 0.0]}, index=["role_model", "transfer"]
    )
    assert narrative.project_partners(table, _network_row(1, 1, 1), "Solingen", "en")[0] == (
        "Solingen names 1 partner municipality (model projects themselves among them: 1). "
        "The most common form of exchange is Role model (1 partner municipality)."
    )
    notes = narrative.factsheet_method(_comparison(), synthetic=True, language="en")
    assert "of cohort 2019 (n\u00a0=\u00a013) and of the cities (n\u00a0=\u00a028)" in notes[0]
    assert "synthetic sample data" in notes[1]
    alt = narrative.describe_counts(
        pd.DataFrame({"New datasets": [float("nan")]}, index=["Solingen"]),
        "Kennzahlen des Modellprojekts je Befragungswelle",
        "en",
    )
    assert alt == "Indicators of the model project by survey wave. Values: Solingen: New datasets no data."


# --------------------------------------------------------------------------- who is counted


def test_development_names_the_change_in_response_and_per_responding_project():
    trend = pd.DataFrame(
        {"respondents": [68.0, 73.0], "datasets_total": [667.0, 1043.0]}, index=pd.Index(["2022", "2023"])
    )
    per_project = pd.DataFrame({"datasets_total": [9.81, 14.29]}, index=pd.Index(["2022", "2023"]))
    sentences = narrative.development(trend, "2023", "2022", per_project=per_project)
    assert sentences[0] == (
        "Gegenüber der Welle 2022 ist die Zahl der antwortenden Modellprojekte von 68 auf 73 gestiegen; die Summen "
        "wachsen daher auch, weil mehr Modellprojekte geantwortet haben."
    )
    assert sentences[1] == (
        "Dabei ist die Zahl der neuen Datensätze von 667 auf 1.043 gestiegen (je antwortendem Modellprojekt: von 9,8 "
        "auf 14,3)."
    )
    assert len(sentences) == 2  # the response sentence says how it affects the totals: no second note
    same = narrative.development(trend.assign(respondents=73.0), "2023", "2022", "en", per_project=per_project)
    assert same[0] == "In waves 2022 and 2023, 73 model projects answered each time."
    assert "(per responding model project: from 9.8 to 14.3)" in same[1]
    assert same[-1].startswith("The figures are cumulative since the programme started")


def test_the_mean_of_partners_says_whom_it_is_over():
    everyone = " ".join(narrative.transfer(KF, pd.Series({"transfer": 75.0})))
    assert "Jedes Modellprojekt steht im Schnitt" in everyone  # all 73 answered: the programme's wording
    transfer = " ".join(narrative.transfer(replace(KF, partners_answered=67), pd.Series({"transfer": 75.0})))
    assert "Jedes antwortende Modellprojekt" in transfer
    assert "Die 75 Verbindungen der Art „Übertragung“ zählen Partnerkommunen" in transfer
    assert "die 86 übertragenen Lösungen zählen die Lösungen selbst" in transfer
    assert "292 Verbindungen bestehen zwischen zwei Modellprojekten; jedes Paar zählt dabei einmal" in transfer


def test_medians_say_whether_the_project_is_in_them():
    included = narrative.factsheet_method(_comparison(), synthetic=False)[0]
    assert "Mediane (Zentralwerte)" in included and "mittlerer Wert" not in included
    # Solingen did not answer one item: it is not in that item's median
    assert "außer bei Kennzahlen ohne Angabe von Solingen (Übertragene Lösungen)" in included
    full = _comparison()
    full.table.loc["project", "solutions_transferred"] = 3.0
    assert "jeweils einschließlich Solingen;" in narrative.factsheet_method(full, synthetic=False)[0]
    absent = narrative.factsheet_method(_comparison(answered=False), synthetic=False, language="en")[0]
    assert "Solingen is not among them" in absent and "including" not in absent


def test_a_project_that_did_not_answer_is_said_once_and_shows_no_zero():
    lead, items = narrative.project_key_figures(_comparison(answered=False), "2021")
    assert lead.count("keine Antworten") == 1 and "(ohne Solingen)" in lead
    trend = pd.DataFrame({"datasets_total": [float("nan")]}, index=["2021"])
    assert narrative.project_development(trend, "Solingen", "2021") == [
        "Aus keiner der bisherigen Wellen liegen Antworten von Solingen vor."  # no figure to speak of: none is drawn
    ]
    table = pd.DataFrame(
        {"partners_total": [float("nan")], "partners_model_projects": [float("nan")]}, index=["role_model"]
    )
    sentences = narrative.project_partners(
        table, _network_row(float("nan"), float("nan"), 0), "Solingen", responded=False
    )
    assert sentences == [
        "Für diese Welle liegen von Solingen keine Angaben zu Partnerkommunen vor.",
        "Kein anderes Modellprojekt nennt Solingen als Partner.",
    ]
    assert not any(ch.isdigit() for ch in " ".join(sentences))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # answered only now: the first wave with answers, no figure
        (
            [float("nan"), float("nan"), 5.0],
            [
                "Aus Welle 2021 und 2022 liegen keine Antworten vor.",
                "Welle 2023 ist die erste mit Antworten von Solingen; ein Vergleich ist noch nicht möglich.",
            ],
        ),
        # answered once before, not now: no figure, so no sentence about its gap
        (
            [float("nan"), 4.0, float("nan")],
            [
                "Aus Welle 2021 liegen keine Antworten vor.",
                "Nur aus Welle 2022 liegen Antworten von Solingen vor; ein Vergleich ist noch nicht möglich.",
            ],
        ),
        # two waves with answers: the figure is drawn and its gap is named
        (
            [3.0, 4.0, float("nan")],
            ["Welle 2023 bleibt in der Abbildung eine Lücke; gezeigt werden die Angaben der übrigen Wellen."],
        ),
    ],
)
def test_project_development_speaks_of_the_figure_only_when_it_is_drawn(values, expected):
    trend = pd.DataFrame({"datasets_total": values}, index=["2021", "2022", "2023"])
    assert narrative.project_development(trend, "Solingen", "2023") == expected
