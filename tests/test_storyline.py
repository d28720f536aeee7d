"""The storyline: key messages with their change, theme paragraphs, challenges by theme, Fazit — from the metrics."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from published import KF_2023

from mpsc_report.analysis import challenges, storyline
from mpsc_report.analysis.formatting import NBSP

KF = KF_2023
BEFORE = replace(KF, wave="2022", respondents=68, continuation_share=0.61)

COLUMNS = ["respondents", "datasets_total", "participation_total", "positions_new", "solutions_transferred"]
TREND = pd.DataFrame(
    [[62, 254, 653, 80, 25], [68, 667, 1444, 200, 51], [73, 1043, 2137, 298, 86]],
    index=pd.Index(["2021", "2022", "2023"], name="wave"),
    columns=COLUMNS,
    dtype=float,
)
PER_PROJECT = pd.DataFrame(
    [[4.1, 10.5, 1.3, 0.4], [9.8, 21.2, 2.9, 0.75], [14.3, 29.3, 4.1, 1.18]],
    index=TREND.index,
    columns=COLUMNS[1:],
)


def comparison(wave: str = "2023", before: str | None = "2022", trend: pd.DataFrame = TREND) -> storyline.Comparison:
    return storyline.Comparison(wave, before, trend.loc[:wave], per_project=PER_PROJECT.loc[:wave])


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_five_key_messages_each_with_its_number_and_its_change_per_responding_project():
    messages = storyline.key_messages(KF, BEFORE, comparison())
    assert [m.topic for m in messages] == ["datasets", "participation", "positions", "transferred", "continued"]
    datasets = messages[0]
    assert plain(datasets.head) == "Über 1.000 kommunale Datensätze erstmals neu erhoben"
    assert datasets.footnote == "footnote.rounded"  # "über 1.000" is rounded: the footnote says so
    assert plain(datasets.text) == (
        "Gegenüber der Welle 2022 ist die Zahl der neuen Datensätze von 667 auf 1.043 gestiegen "
        "(je antwortendem Modellprojekt: von 9,8 auf 14,3)."
    )
    # Every number a message states is recorded under its key, the comparison wave's too (for the claims gate).
    assert datasets.numbers["datasets_total[wave=2022]"] == 667
    assert datasets.numbers["datasets_total[wave=2022,stat=mean]"] == pytest.approx(9.8)
    assert messages[2].footnote == ""  # 298 is exact
    assert "zusammen fast 900 Netzwerkverbindungen" in plain(messages[3].text)
    assert (messages[3].footnote, messages[3].note_on) == ("footnote.base", "text")  # the mean names its base
    continued = messages[4]
    assert plain(continued.head) == "64 % der Maßnahmen, die abgeschlossen sind, werden weiter betrieben"
    assert "von 61 % auf 64 % gestiegen" in plain(continued.text)
    assert continued.numbers["continuation_share[wave=2022]"] == pytest.approx(61.0)


def test_means_are_named_only_when_the_response_changed():
    same = TREND.assign(respondents=[62.0, 73.0, 73.0])
    [datasets, *_] = storyline.key_messages(KF, BEFORE, comparison(trend=same))
    assert "je antwortendem Modellprojekt" not in datasets.text
    assert set(datasets.numbers) == {"datasets_total[wave=2022]", "datasets_total"}


def test_the_first_wave_names_the_mean_per_project_instead_of_a_change():
    first = replace(KF, wave="2021", respondents=62, datasets=254)
    messages = storyline.key_messages(first, None, comparison("2021", None))
    assert plain(messages[0].text) == "Je antwortendem Modellprojekt sind das im Schnitt 4,1 neu erhobene Datensätze."
    assert messages[-1].text == ""  # the block says once that there is nothing to compare yet
    assert not any("Welle" in m.text for m in messages)


def test_theme_paragraph_says_what_changed_and_what_the_survey_cannot_say():
    sentences, numbers = storyline.theme("positions", comparison())
    text = plain(" ".join(sentences))
    assert text.startswith("Gegenüber der Welle 2022 ist die Zahl der neuen Stellen von 200 auf 298 gestiegen")
    assert text.endswith(
        "Ob die neuen Stellen über das Ende der Förderung hinaus bestehen, erfasst die Befragung nicht."
    )
    assert numbers["positions_new[wave=2022]"] == 200
    sentences, numbers = storyline.theme("sustainability", comparison())
    assert len(sentences) == 1 and not numbers


def test_english_key_messages():
    messages = storyline.key_messages(KF, BEFORE, comparison(), "en")
    assert plain(messages[0].head) == "Over 1,000 municipal datasets collected for the first time"
    assert messages[0].text.startswith("Since wave 2022, the number of new datasets has risen from 667 to 1,043")


@pytest.mark.parametrize(
    ("implementation", "opening"),
    [(60, "Die Welle 2023 zeigt die Modellprojekte mitten in der Umsetzung"), (15, "noch vor der Umsetzung")],
)
def test_conclusion_says_where_the_projects_stand_only_as_far_as_the_figures_go(implementation, opening):
    kf = replace(KF, projects_in_implementation=implementation)
    counts = challenges.challenge_themes(pd.Series(["Vergabeverfahren dauern.", "Datenschutz kostet Zeit."]))
    paragraphs, numbers = storyline.conclusion(kf, comparison(), counts)
    assert opening in paragraphs[0]
    assert "gestiegen – auch je antwortendem Modellprojekt" in paragraphs[1]
    assert "Vergabe und Ausschreibung sowie Datenschutz und IT-Sicherheit" in paragraphs[2]  # a tie: codebook order
    assert "64 %" in plain(paragraphs[3]) and numbers["projects_in_implementation"] == implementation


def test_conclusion_of_the_first_wave_describes_the_starting_point():
    paragraphs, _ = storyline.conclusion(replace(KF, wave="2021"), comparison("2021", None), None)
    assert any("Ausgangslage" in p for p in paragraphs)


@pytest.mark.parametrize(
    ("answer", "themes"),
    [
        ("Vergabeverfahren dauern deutlich länger als geplant.", ("procurement",)),
        ("Zwei Stellen sind seit 8 Monaten unbesetzt – der Fachkräftemangel bremst uns.", ("staffing",)),
        ("Der Mittelabruf über die KfW ist aufwendig und bindet Personal.", ("funding_rules",)),
        ("Schnittstellen zu den Fachverfahren fehlen, viele Daten liegen in Silos.", ("interfaces",)),
        ("Kreis und kreisangehörige Gemeinden haben unterschiedliche IT-Landschaften.", ("interfaces", "cooperation")),
        ("Preissteigerungen von bis zu 30 % sprengen die Kalkulation.", ("costs",)),
        ("„Smart City“ ist vor Ort erklärungsbedürftig.", ("acceptance",)),
        ("Wie die Maßnahmen nach Förderende weiterfinanziert werden, ist offen.", ("continuation",)),
        ("Das Wetter.", ("other",)),
        ("   ", ()),
    ],
)
def test_the_codebook_sorts_answers_into_themes(answer, themes):
    assert challenges.code_answer(answer) == themes


def test_challenge_counts_are_projects_per_theme_sorted_with_other_last():
    answers = pd.Series(
        ["Datenschutz und IT-Sicherheit", "Datenschutz", "Vergabe", None, "", "Das Wetter."], dtype=object
    )
    counts = challenges.challenge_themes(answers)
    assert counts.name == "challenge_mentions" and counts.index.name == "challenge"
    assert list(counts.index[:2]) == ["data_protection", "procurement"] and counts.index[-1] == "other"
    assert counts["data_protection"] == 2 and counts["other"] == 1 and counts.sum() == 4
    assert challenges.answers_described(answers) == 4
    assert storyline.top_challenges(counts) == ["data_protection", "procurement"]
    assert storyline.challenges(counts).count("Datenschutz und IT-Sicherheit") == 1
    assert storyline.challenges(challenges.challenge_themes(pd.Series([None]))) == (
        "In dieser Welle hat kein Modellprojekt eine Herausforderung beschrieben."
    )


def test_the_mean_of_partners_in_the_key_messages_says_whom_it_is_over():
    everyone = plain(storyline.key_messages(KF, BEFORE, comparison())[3].text)
    assert "Jedes Modellprojekt steht im Schnitt im Austausch mit zwölf anderen Kommunen" in everyone
    some = replace(KF, respondents=62, partners_answered=62, partners_mean=4.11)
    text = plain(storyline.key_messages(some, BEFORE, comparison())[3].text)
    assert "Jedes antwortende Modellprojekt steht im Schnitt im Austausch mit 4,1 anderen Kommunen" in text
