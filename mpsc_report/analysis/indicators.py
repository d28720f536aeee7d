"""The indicator catalogue: every number the documents publish, defined once, and the keys they are recorded under.

One :class:`Indicator` per published indicator: its id (the code the metrics speak), German and English label and
definition (one sentence: what is counted, the unit, cumulative or at survey time, the base, how missing answers
are treated), and how prose rounds it. The word catalogue (:mod:`~mpsc_report.analysis.words`) takes the labels and
definitions from here (``t("indicator.datasets_total")``), so a label has exactly one source.

A number a document states is recorded under a *key*: the indicator id and, in brackets, what it is broken down by,
e.g. ``"datasets_total"`` (the wave's total), ``"datasets_total[theme=datasets_climate]"``,
``"partners_total[project=koeln]"``, ``"datasets_total[cohort=2019,stat=median]"`` or ``"respondents[wave=2022]"``.
The same key means the same definition in every document, so the consistency gate of a build
(:mod:`mpsc_report.pipeline.consistency`) can compare a number across the report, the factsheets and ``diff``, and
the open-data tables can be built from the recorded keys (:func:`catalogue_rows` gives the catalogue as plain rows).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pandas is imported where a frame is read: the CLI's --help and words load without it
    import pandas as pd

#: What a value counts: a count, a percentage (recorded in per cent, 64.0) or a count per responding project.
Unit = Literal["count", "percent", "per_project"]

#: When the value holds: cumulative since the programme started, at survey time, or as of the project register.
Period = Literal["cumulative", "survey", "register"]

#: Over which projects a value is taken: all projects of the register, the responding ones, those that answered the
#: item (or both items of a share), the one project of a factsheet, or the rows of the wave's answer file.
Base = Literal["all", "responding", "item", "both_items", "project", "file"]

#: How prose writes the value: exactly; rounded the way the programme publishes ("über 1.000", "fast 900", else
#: exactly); a mean with one decimal (whole numbers up to twelve in words); whole per cent.
Rounding = Literal["exact", "rounded", "mean", "percent"]


@dataclass(frozen=True)
class Indicator:
    """One published indicator.

    ``terms`` are the words (regular expressions, per language) that name the indicator in running text: the QA
    gates (:mod:`mpsc_report.documents.qa`) tie a number in a sentence to the indicator whose words stand next to
    it. A group of several patterns must all occur; the group that starts first wins, then the longer group.
    ``of`` names the indicator a statement "X von Y" takes Y from (respondents: "62 von 73 Modellprojekten");
    ``breakdowns`` the categories it is broken down by (a theme, a kind of municipality …).
    """

    id: str
    label: Mapping[str, str]
    definition: Mapping[str, str]
    unit: Unit
    period: Period
    base: Base
    rounding: Rounding = "exact"
    #: Words after the number on a key-figure tile ("1.043 neu erhobene kommunale Datensätze"); "" without a tile.
    tile: Mapping[str, str] = field(default_factory=dict)
    terms: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    of: str | None = None
    #: The dimensions the documents break it down by, besides project, wave and a group's statistic.
    breakdowns: tuple[str, ...] = ()


def _i(
    id: str,
    label: tuple[str, str],
    definition: tuple[str, str],
    unit: Unit,
    period: Period,
    base: Base,
    *,
    rounding: Rounding = "exact",
    tile: tuple[str, str] | None = None,
    de: tuple[tuple[str, ...], ...] = (),
    en: tuple[tuple[str, ...], ...] = (),
    of: str | None = None,
) -> Indicator:
    return Indicator(
        id=id,
        label={"de": label[0], "en": label[1]},
        definition={"de": definition[0], "en": definition[1]},
        unit=unit,
        period=period,
        base=base,
        rounding=rounding,
        tile={"de": tile[0], "en": tile[1]} if tile else {},
        terms={"de": de, "en": en},
        of=of,
    )


#: Sentence end of every definition of a sum over answers: who is counted and how missing answers are treated.
_SUMMED = (
    "Summe über die antwortenden Modellprojekte, die die Frage beantwortet haben (fehlende Angaben zählen nicht mit).",
    "total over the responding model projects that answered the question (missing answers are not counted).",
)

#: The catalogue, in the order the method section lists it.
INDICATORS: tuple[Indicator, ...] = (
    _i(
        "projects",
        ("Modellprojekte", "Model projects"),
        (
            "Geförderte Modellprojekte Smart Cities aller Staffeln laut Projektregister; nach Land zählt der Sitz der "
            "federführenden Kommune.",
            "Funded Smart Cities model projects of all cohorts in the project register; by Land, the seat of the lead "
            "municipality counts.",
        ),
        "count",
        "register",
        "all",
        de=((r"\bModellprojekte?n?\b",),),
        en=((r"\bmodel projects?\b",),),
    ),
    _i(
        "lands",
        ("Länder mit Modellprojekten", "Länder with model projects"),
        (
            "Länder, in denen mindestens eine federführende Kommune eines Modellprojekts ihren Sitz hat (laut "
            "Projektregister).",
            "Länder in which the lead municipality of at least one model project has its seat (project register).",
        ),
        "count",
        "register",
        "all",
        de=((r"\bLändern?\b",),),
        en=((r"\bLänder\b",),),
    ),
    _i(
        "respondents",
        ("Antwortende Modellprojekte", "Responding model projects"),
        (
            "Modellprojekte, von denen für die Welle eine gültige Antwort vorliegt (Stand zur Befragung); Basis aller "
            "Summen und Mittelwerte der Welle.",
            "Model projects with a valid answer in the wave (at survey time); the base of every total and mean of the "
            "wave.",
        ),
        "count",
        "survey",
        "all",
        de=(
            (r"\bantwortende[mn]? Modellprojekte?n?\b",),
            (r"\bantwortenden?\b",),
            (r"\bgeantwortet\b",),
            (r"\bteilgenommen\b",),
        ),
        en=((r"\bresponding model projects?\b",), (r"\bresponding\b",), (r"\banswered\b",), (r"\btook part\b",)),
        of="projects",
    ),
    _i(
        "response_rate",
        ("Rücklauf", "Response rate"),
        (
            "Antwortende Modellprojekte in Prozent aller Modellprojekte (der Welle oder der Gruppe).",
            "Responding model projects as a percentage of all model projects (of the wave or the group).",
        ),
        "percent",
        "survey",
        "all",
        rounding="percent",
        de=((r"\bgeantwortet\b",), (r"\bteilgenommen\b",), (r"\bRücklauf\b",)),
        en=((r"\banswered\b",), (r"\btook part\b",), (r"\bresponse\b",)),
    ),
    _i(
        "projects_in_implementation",
        ("Modellprojekte in der Umsetzungsphase", "Model projects in the implementation phase"),
        (
            "Antwortende Modellprojekte, die sich nach eigener Angabe zum Befragungszeitpunkt in der Umsetzungsphase "
            "befinden.",
            "Responding model projects that say they are in the implementation phase at survey time.",
        ),
        "count",
        "survey",
        "responding",
        de=((r"\bUmsetzungsphase\b",),),
        en=((r"\bimplementation phase\b",),),
    ),
    _i(
        "datasets_total",
        ("Neue Datensätze", "New datasets"),
        (
            "Kommunale Datensätze, die ein Modellprojekt im Rahmen der Förderung erstmals neu erhoben hat, seit "
            "Programmbeginn kumuliert; " + _SUMMED[0],
            "Municipal datasets a model project collected for the first time with the funding, cumulative since the "
            "programme started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        rounding="rounded",
        tile=("neu erhobene kommunale Datensätze", "new municipal datasets collected"),
        de=((r"\bDatens(?:ätze|atz)\b",),),
        en=((r"\bdatasets?\b",),),
    ),
    _i(
        "participation_total",
        ("Partizipative Aktivitäten", "Participatory activities"),
        (
            "Beteiligungsformate (Workshops, Informationsveranstaltungen, Online-Beteiligung, Befragungen, sonstige), "
            "die ein Modellprojekt durchgeführt hat, seit Programmbeginn kumuliert; " + _SUMMED[0],
            "Participation formats (workshops, information events, online participation, surveys, other) a model "
            "project has held, cumulative since the programme started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        rounding="rounded",
        tile=("partizipative Aktivitäten", "participatory activities"),
        de=((r"\bAktivitäten\b",), (r"\bAktivität\b",)),
        en=((r"\bactivit(?:y|ies)\b",),),
    ),
    _i(
        "positions_new",
        ("Neue Stellen", "New positions"),
        (
            "Stellen, die in der geförderten Kommune für das Modellprojekt neu geschaffen wurden, seit Programmbeginn "
            "kumuliert; " + _SUMMED[0],
            "Positions newly created in the funded municipality for the model project, cumulative since the programme "
            "started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        tile=("neue Stellen in den geförderten Kommunen", "new positions in the funded municipalities"),
        de=((r"\bStellen?\b",),),
        en=((r"\bpositions?\b",),),
    ),
    _i(
        "solutions_transferred",
        ("Übertragene Lösungen", "Transferred solutions"),
        (
            "Lösungen, die ein Modellprojekt nach eigener Angabe bereits in andere Kommunen übertragen hat (gezählt "
            "werden die Lösungen, nicht die Kommunen), seit Programmbeginn kumuliert; " + _SUMMED[0],
            "Solutions a model project says it has already transferred to other municipalities (the solutions are "
            "counted, not the municipalities), cumulative since the programme started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        tile=("in andere Kommunen übertragene Lösungen", "solutions transferred to other municipalities"),
        de=((r"\bLösung(?:en)?\b",),),
        en=((r"\bsolutions?\b",),),
    ),
    _i(
        "measures_planned",
        ("Geplante Maßnahmen", "Measures planned"),
        (
            "Maßnahmen eines Modellprojekts, die zum Befragungszeitpunkt geplant, aber noch nicht begonnen sind; "
            + _SUMMED[0],
            "Measures of a model project that are planned but not yet started at survey time; " + _SUMMED[1],
        ),
        "count",
        "survey",
        "item",
        de=((r"\bgeplanten?\b", r"\bMaßnahmen?\b"),),
        en=((r"\bplanned\b", r"\bmeasures?\b"),),
    ),
    _i(
        "measures_in_progress",
        ("Maßnahmen in Umsetzung", "Measures in progress"),
        (
            "Maßnahmen eines Modellprojekts, die zum Befragungszeitpunkt umgesetzt werden; " + _SUMMED[0],
            "Measures of a model project that are being implemented at survey time; " + _SUMMED[1],
        ),
        "count",
        "survey",
        "item",
        de=((r"\bMaßnahmen?\b", r"\bin Umsetzung\b"), (r"\blaufenden?\b", r"\bMaßnahmen?\b")),
        en=((r"\bmeasures?\b", r"\bin progress\b"), (r"\bongoing\b", r"\bmeasures?\b")),
    ),
    _i(
        "measures_completed",
        ("Abgeschlossene Maßnahmen", "Completed measures"),
        (
            "Maßnahmen, die ein Modellprojekt abgeschlossen hat, seit Programmbeginn kumuliert; " + _SUMMED[0],
            "Measures a model project has completed, cumulative since the programme started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        de=((r"\babgeschlossenen?\b", r"\bMaßnahmen?\b"),),
        en=((r"\bcompleted\b", r"\bmeasures?\b"),),
    ),
    _i(
        "measures_total",
        ("Maßnahmen insgesamt", "Measures in total"),
        (
            "Geplante, laufende und abgeschlossene Maßnahmen zusammen (geplante und laufende zum Befragungszeitpunkt, "
            "abgeschlossene seit Programmbeginn); " + _SUMMED[0],
            "Planned, ongoing and completed measures together (planned and ongoing at survey time, completed since "
            "the programme started); " + _SUMMED[1],
        ),
        "count",
        "survey",
        "item",
        de=((r"\bgeplante\b", r"\blaufende\b", r"\bMaßnahmen\b"),),
        en=((r"\bplanned\b", r"\bongoing\b", r"\bmeasures\b"),),
    ),
    _i(
        "measures_continued",
        ("Weiter betriebene Maßnahmen", "Measures continued"),
        (
            "Abgeschlossene Maßnahmen, die nach Angabe des Modellprojekts weiter betrieben werden sollen, seit "
            "Programmbeginn kumuliert; " + _SUMMED[0],
            "Completed measures that the model project says will be continued, cumulative since the programme "
            "started; " + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        de=((r"\bweiter betrieben\b",),),
        en=((r"\bcontinued\b",),),
    ),
    _i(
        "continuation_share",
        ("Anteil weiter betriebener Maßnahmen", "Share of measures continued"),
        (
            "Weiter betriebene Maßnahmen in Prozent der abgeschlossenen Maßnahmen, beide summiert über die "
            "Modellprojekte, die beide Fragen beantwortet haben.",
            "Measures continued as a percentage of completed measures, both summed over the model projects that "
            "answered both questions.",
        ),
        "percent",
        "cumulative",
        "both_items",
        rounding="percent",
        tile=("der abgeschlossenen Maßnahmen werden weiter betrieben", "of completed measures will be continued"),
        de=((r"\bweiter betrieben\b",), (r"\bMaßnahmen\b", r"\babgeschlossen")),
        en=((r"\bcontinued\b",), (r"\bmeasures\b", r"\bcompleted\b")),
    ),
    _i(
        "measures_open_source",
        ("Maßnahmen mit Open-Source-Code", "Measures with open-source code"),
        (
            "Maßnahmen, deren entwickelter Quellcode als Open Source veröffentlicht wurde, seit Programmbeginn "
            "kumuliert; " + _SUMMED[0],
            "Measures whose source code has been published as open source, cumulative since the programme started; "
            + _SUMMED[1],
        ),
        "count",
        "cumulative",
        "item",
        tile=("Maßnahmen mit veröffentlichtem Open-Source-Code", "measures with published open-source code"),
        de=((r"\bMaßnahmen?\b", r"Open.Source|Quellcode"),),
        en=((r"\bmeasures?\b", r"open.source|source code"),),
    ),
    _i(
        "partner_links",
        ("Netzwerkverbindungen", "Network links"),
        (
            "Nennungen von Partnerkommunen durch die antwortenden Modellprojekte: jede Kommune, die ein Modellprojekt "
            "als Partner nennt, zählt einmal je nennendem Modellprojekt (nennen sich zwei Modellprojekte gegenseitig, "
            "sind das zwei Verbindungen), seit Programmbeginn kumuliert, nach Art des Austauschs.",
            "Partner municipalities named by the responding model projects: each municipality a model project names as "
            "a partner counts once per naming model project (two model projects naming each other are two links), "
            "cumulative since the programme started, by kind of exchange.",
        ),
        "count",
        "cumulative",
        "item",
        rounding="rounded",
        tile=("Netzwerkverbindungen zu Partnerkommunen", "network links to partner municipalities"),
        de=((r"\bNetzwerkverbindungen?\b",), (r"\bVerbindungen?\b",)),
        en=((r"\bnetwork links?\b",), (r"\blinks?\b",)),
    ),
    _i(
        "partners_mean",
        ("Partnerkommunen je antwortendem Modellprojekt", "Partner municipalities per responding model project"),
        (
            "Netzwerkverbindungen geteilt durch die Zahl der Modellprojekte, die die Frage nach Partnerkommunen "
            "beantwortet haben (Mittelwert).",
            "Network links divided by the number of model projects that answered the question on partner "
            "municipalities (mean).",
        ),
        "per_project",
        "cumulative",
        "item",
        rounding="mean",
        tile=("Partnerkommunen je antwortendem Modellprojekt", "partner municipalities per responding model project"),
        de=((r"\banderen Kommunen\b",), (r"\bPartnerkommunen\b", r"\bje\b|\bim Schnitt\b")),
        en=((r"\bother municipalities\b",), (r"\bpartner municipalities\b", r"\bper\b|\bon average\b")),
    ),
    _i(
        "model_project_links",
        ("Verbindungen zwischen Modellprojekten", "Links between model projects"),
        (
            "Paare von Modellprojekten, von denen mindestens eines das andere als Partner nennt; jedes Paar zählt "
            "einmal, auch wenn sich beide nennen.",
            "Pairs of model projects of which at least one names the other as a partner; each pair counts once, also "
            "when both name each other.",
        ),
        "count",
        "cumulative",
        "item",
        de=((r"\bVerbindungen?\b", r"\bzwischen\b", r"\bModellprojekten\b"),),
        en=((r"\blinks?\b", r"\bbetween\b", r"\bmodel projects\b"),),
    ),
    _i(
        "partners_total",
        ("Partnerkommunen", "Partner municipalities"),
        (
            "Kommunen, die ein Modellprojekt als Partner nennt (je Kommune und Art des Austauschs eine Zeile der "
            "Partnerliste), seit Programmbeginn kumuliert; unbekannt („.“), wenn es die Frage nicht beantwortet hat.",
            "Municipalities a model project names as partners (one row of the partner list per municipality and kind "
            "of exchange), cumulative since the programme started; unknown (“.”) when it did not answer the "
            "question.",
        ),
        "count",
        "cumulative",
        "project",
        de=((r"\bPartnerkommunen?\b",),),
        en=((r"\bpartner municipalit(?:y|ies)\b",),),
    ),
    _i(
        "partners_model_projects",
        ("davon Modellprojekte", "of which model projects"),
        (
            "Von den Partnerkommunen, die ein Modellprojekt nennt, diejenigen, die selbst Modellprojekte sind; "
            "unbekannt („.“), wenn es die Frage nicht beantwortet hat.",
            "Of the partner municipalities a model project names, those that are model projects themselves; unknown "
            "(“.”) when it did not answer the question.",
        ),
        "count",
        "cumulative",
        "project",
        de=((r"\bselbst\b", r"\bModellprojekte?n?\b"),),
        en=((r"\bmodel projects? themselves\b",),),
    ),
    _i(
        "links_to_model_projects",
        ("Verbindungen zu Modellprojekten", "Links to model projects"),
        (
            "Andere Modellprojekte, mit denen ein Modellprojekt im Netzwerk verbunden ist: die es selbst nennt oder "
            "die es als Partner nennen, jedes einmal gezählt; bei einem Modellprojekt ohne Antwort nur die Nennungen "
            "durch andere.",
            "Other model projects a model project is linked to in the network: those it names and those that name it "
            "as a partner, each counted once; for a model project without an answer only the namings by others.",
        ),
        "count",
        "cumulative",
        "project",
        de=((r"\bModellprojekten\b", r"\bverbunden\b"), (r"\bVerbindungen?\b", r"\bzu\b", r"\bModellprojekten\b")),
        en=((r"\blinked\b", r"\bmodel projects?\b"), (r"\blinks?\b", r"\bto\b", r"\bmodel projects?\b")),
    ),
    _i(
        "answered",
        ("Antworten auf die Frage", "Answers to the question"),
        (
            "Antwortende Modellprojekte, die eine Frage beantwortet haben (leere Zellen und Sondercodes zählen nicht "
            "mit); die Basis der Summen und Mittelwerte dieser Frage.",
            "Responding model projects that answered a question (empty cells and special codes are not counted); the "
            "base of the totals and means of that question.",
        ),
        "count",
        "survey",
        "responding",
        de=((r"\bbeantwortet\b",),),
        en=((r"\banswered\b",),),
    ),
    _i(
        "rows_read",
        ("Antwortzeilen gelesen", "Answer rows read"),
        (
            "Zeilen der Antwortdatei der Welle, die gelesen wurden.",
            "Rows of the wave's answer file that were read.",
        ),
        "count",
        "survey",
        "file",
        de=((r"\bAntwortzeilen?\b",), (r"\bgelesen\b",)),
        en=((r"\banswer rows?\b",), (r"\bread\b",)),
    ),
    _i(
        "rows_used",
        ("Antwortzeilen verwendet", "Answer rows used"),
        (
            "Gelesene Antwortzeilen, die alle Prüfungen bestanden haben und in die Auswertung eingehen.",
            "Answer rows read that passed every check and go into the analysis.",
        ),
        "count",
        "survey",
        "file",
        de=((r"\bin die Auswertung\b",), (r"\bverwendet\b",)),
        en=((r"\binto the analysis\b",), (r"\bused\b",)),
    ),
    _i(
        "rows_rejected",
        ("Antwortzeilen zurückgewiesen", "Answer rows rejected"),
        (
            "Gelesene Antwortzeilen, die eine Prüfung nicht bestanden haben und in keiner Zahl enthalten sind, nach "
            "Grund.",
            "Answer rows read that failed a check and are part of no number, by reason.",
        ),
        "count",
        "survey",
        "file",
        de=((r"\bzurückgewiesen\b",),),
        en=((r"\brejected\b",),),
    ),
    _i(
        "special_code_cells",
        ("Zellen mit Sondercode", "Cells with a special code"),
        (
            "Zellen der verwendeten Antwortzeilen mit einem Sondercode für „keine Angabe“; sie zählen als fehlende "
            "Angabe.",
            "Cells of the answer rows used that hold a special code for “no answer”; they count as missing.",
        ),
        "count",
        "survey",
        "file",
        de=((r"\bZellen?\b",), (r"\bSondercodes?\b",)),
        en=((r"\bcells?\b",), (r"\bspecial codes?\b",)),
    ),
    _i(
        "challenge_mentions",
        ("Modellprojekte je Herausforderung", "Model projects per challenge"),
        (
            "Antwortende Modellprojekte, deren Freitextantwort zur größten Herausforderung ein Thema nennt, nach "
            "Thema; zugeordnet über die Schlagwörter des Codebuchs der Herausforderungen (eine Antwort kann mehrere "
            "Themen nennen; Antworten ohne Treffer zählen als „Sonstiges“), zum Befragungszeitpunkt.",
            "Responding model projects whose free-text answer on their biggest challenge names a theme, by theme; "
            "assigned by the keywords of the challenge codebook (an answer can name several themes; answers without "
            "a match count as “other”), at survey time.",
        ),
        "count",
        "survey",
        "responding",
        de=((r"\bHerausforderung(?:en)?\b",),),
        en=((r"\bchallenges?\b",),),
    ),
)

#: The categories each indicator is broken down by in the documents (the rest have none).
_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "projects": ("state", "cohort", "kind"),
    "respondents": ("cohort", "kind"),
    "response_rate": ("cohort", "kind"),
    "datasets_total": ("theme", "cohort", "kind"),
    "participation_total": ("format", "cohort", "kind"),
    "positions_new": ("kind", "cohort"),
    "solutions_transferred": ("cohort", "kind"),
    "measures_planned": ("cohort", "kind"),
    "measures_in_progress": ("cohort", "kind"),
    "measures_completed": ("cohort", "kind"),
    "partner_links": ("exchange",),
    "partners_total": ("exchange", "cohort", "kind"),
    "partners_model_projects": ("exchange",),
    "answered": ("item",),
    "rows_rejected": ("rule",),
    "challenge_mentions": ("challenge",),
}
INDICATORS = tuple(replace(i, breakdowns=_BREAKDOWNS.get(i.id, ())) for i in INDICATORS)

#: Catalogue by id.
BY_ID: dict[str, Indicator] = {indicator.id: indicator for indicator in INDICATORS}

#: Dimensions a key may name, in the order keys list them; ``stat`` says a value is a mean or a median of a group.
DIMENSIONS: tuple[str, ...] = (
    "project",
    "wave",
    "cohort",
    "kind",
    "state",
    "theme",
    "format",
    "exchange",
    "item",
    "rule",
    "challenge",
    "stat",
)

#: Statistics of a group a key may name: the mean per responding project and the median.
STATS: tuple[str, ...] = ("mean", "median")

#: Fields of :class:`~mpsc_report.analysis.metrics.KeyFigures` -> the indicator each one is.
KEY_FIGURE_INDICATORS: dict[str, str] = {
    "projects": "projects",
    "respondents": "respondents",
    "datasets": "datasets_total",
    "participation": "participation_total",
    "positions": "positions_new",
    "solutions_transferred": "solutions_transferred",
    "measures_planned": "measures_planned",
    "measures_in_progress": "measures_in_progress",
    "measures_completed": "measures_completed",
    "measures_continued": "measures_continued",
    "continuation_share": "continuation_share",
    "open_source": "measures_open_source",
    "partner_links": "partner_links",
    "partners_mean": "partners_mean",
    "model_project_links": "model_project_links",
    "projects_in_implementation": "projects_in_implementation",
}

#: Axis names of a metric's frame that say its values are a statistic of a group (``means_per_project``).
_STAT_AXES: dict[str, str] = {"per_project": "mean"}

#: Axis names whose codes are indicator ids (a frame may have them as its rows).
_INDICATOR_AXES: frozenset[str] = frozenset({"indicator", *_STAT_AXES})

_KEY = re.compile(r"^(?P<id>[a-z][a-z0-9_]*)(?:\[(?P<dims>[^\[\]]*)\])?$")
_FORBIDDEN_IN_CODES = re.compile(r"[\[\],=]")


def indicator(id: str) -> Indicator:
    """The catalogue entry ``id``; an unknown id raises ``KeyError`` naming the known ones."""
    try:
        return BY_ID[id]
    except KeyError:
        raise KeyError(f"{id!r} is not in the indicator catalogue (known: {', '.join(BY_ID)})") from None


def number_key(id: str, **dims: object) -> str:
    """The key a number is recorded under: ``number_key("partners_total", project="koeln")``.

    Dimensions are listed in :data:`DIMENSIONS` order; ``None`` values are left out.

    Raises
    ------
    KeyError
        ``id`` is not in the catalogue.
    ValueError
        A dimension is unknown, or a code holds one of ``[ ] , =``.
    """
    indicator(id)
    unknown = sorted(set(dims) - set(DIMENSIONS))
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown} for {id!r}; use {list(DIMENSIONS)}")
    parts = []
    for name in DIMENSIONS:
        value = dims.get(name)
        if value is None:
            continue
        code = str(value)
        if _FORBIDDEN_IN_CODES.search(code) or not code:
            raise ValueError(f"code {code!r} of dimension {name!r} cannot be part of a key")
        parts.append(f"{name}={code}")
    return f"{id}[{','.join(parts)}]" if parts else id


def parse_key(key: str) -> tuple[str, dict[str, str]]:
    """The indicator id and dimensions of a key: ``"a[cohort=2019,stat=mean]"`` -> ``("a", {...})``.

    Raises
    ------
    ValueError
        ``key`` is not of the form ``id`` or ``id[dim=code,…]``.
    """
    match = _KEY.match(key)
    if match is None:
        raise ValueError(f"{key!r} is not a number key (id or id[dim=code,…])")
    dims: dict[str, str] = {}
    for part in filter(None, (match.group("dims") or "").split(",")):
        name, sep, code = part.partition("=")
        if not sep or not name or not code:
            raise ValueError(f"{key!r} is not a number key: {part!r} is not dim=code")
        dims[name] = code
    return match.group("id"), dims


def with_dims(key: str, **dims: object) -> str:
    """``key`` with more dimensions (those it already has win): ``with_dims("a[stat=mean]", wave="2022")``."""
    id, own = parse_key(key)
    return number_key(id, **{**dims, **own})


@lru_cache(maxsize=65536)
def canonical_key(key: str, wave: str) -> str:
    """``key`` with the wave it is about: a key without a wave is about ``wave`` (a key that is not one stays).

    Cached: the consistency check asks for the same keys of every document of a build, many thousand times.
    """
    if not wave:
        return key
    try:
        return with_dims(key, wave=wave)
    except (KeyError, ValueError):
        return key


def same_number(value: int | float | None) -> float | None:
    """A recorded number in the form two records of it are compared: nine significant digits, None for unknown."""
    return None if value is None else float(f"{float(value):.9g}")


def recorded_value(indicator_id: str, value: object) -> float | int | None:
    """A value as recorded: shares of a percent indicator in per cent (0.64 -> 64.0); missing and NaN as None."""
    import pandas as pd

    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return None
    number = float(value)
    if BY_ID[indicator_id].unit == "percent":
        return number * 100
    return int(number) if number.is_integer() and BY_ID[indicator_id].unit == "count" else number


def frame_numbers(data: pd.Series | pd.DataFrame, **fixed: object) -> dict[str, float | int | None]:
    """The numbers a metric's result shows, by key (what a figure's data table or a table records).

    A result names its axes after what their codes are (:mod:`~mpsc_report.analysis.metrics`): a Series is named
    after its indicator and its index after a dimension (``theme``, ``kind`` …); a frame's columns are indicator ids
    (their axis named ``indicator``, ``response``, ``network`` … or ``per_project`` for means per responding
    project; a frame may also have them as rows). Cells that are not an indicator (a cohort column, names) are not
    numbers and are left out.

    Parameters
    ----------
    data : pandas.Series or pandas.DataFrame
        Keyed by codes, as the metric returns it.
    **fixed
        Dimensions every key gets (a factsheet's ``project``).
    """
    import pandas as pd

    frame = data.to_frame() if isinstance(data, pd.Series) else data
    return {
        key: recorded_value(parse_key(key)[0], frame.iat[row, column])
        for (row, column), key in frame_keys(data, **fixed).items()
    }


def frame_keys(data: pd.Series | pd.DataFrame, **fixed: object) -> dict[tuple[int, int], str]:
    """The key of every cell of ``data`` that is a recorded number: (row, column) position -> key.

    Positions are those of ``data`` as given (a Series is one column); the cells and keys are exactly those of
    :func:`frame_numbers`, so a table written cell by cell (the open-data files) can say which recorded number each
    cell is.
    """
    import pandas as pd

    keys: dict[tuple[int, int], str] = {}
    if isinstance(data, pd.Series):
        if data.name not in BY_ID or not _numeric(data):
            return keys
        dimension = data.index.name
        for row, code in enumerate(data.index):
            dims = dict(fixed)
            if dimension in DIMENSIONS:
                dims[dimension] = code
            keys[(row, 0)] = number_key(str(data.name), **dims)
        return keys
    transposed = data.index.name in _INDICATOR_AXES  # indicators as rows, e.g. waves as columns: read it the other way
    frame = data.T if transposed else data
    extra = {"stat": _STAT_AXES[frame.columns.name]} if frame.columns.name in _STAT_AXES else {}
    dimension = frame.index.name
    for column, name in enumerate(frame.columns):
        if name not in BY_ID or not _numeric(frame.iloc[:, column]):
            continue
        for row, code in enumerate(frame.index):
            dims = {**fixed, **extra}
            if dimension in DIMENSIONS:
                dims[dimension] = code
            keys[(column, row) if transposed else (row, column)] = number_key(str(name), **dims)
    return keys


def _numeric(values: pd.Series) -> bool:
    """Whether a column holds numbers (a column of text, e.g. counts already formatted, is not recorded)."""
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def catalogue_rows(language: str = "de") -> list[dict[str, str]]:
    """The catalogue as plain rows (id, label, definition, unit, period, base, rounding) for tables and open data.

    ``unit``, ``period``, ``base`` and ``rounding`` are codes; their words are in the word catalogue
    (``unit.count``, ``period.cumulative`` …).
    """
    return [
        {
            "id": i.id,
            "label": i.label[language],
            "definition": i.definition[language],
            "unit": i.unit,
            "period": i.period,
            "base": i.base,
            "rounding": i.rounding,
        }
        for i in INDICATORS
    ]
