"""The columns of the project register and of one survey wave, with their German labels.

This module only describes data; reading it is the job of :mod:`mpsc_report.data.load`.
"""

from __future__ import annotations

#: Notice every report on synthetic data carries: title page, every PDF page, method section.
SAMPLE_NOTICE = "Beispieldaten — keine amtlichen Ergebnisse"

#: Columns of the project register (``data/projects.csv``); keys stay strings.
REGISTER_COLUMNS: tuple[str, ...] = (
    "project_id",  # stable slug, e.g. "solingen"; the key survey rows refer to
    "name",
    "kind",  # KIND_LABELS keys
    "state",  # German name of the Land
    "cohort",  # "2019" | "2020" | "2021"
    "ags",  # official municipality key (8 digits) or district key (5 digits), as text
    "lat",
    "lon",
    "source",
)

#: Kinds of municipality in the register, in report order.
KINDS: tuple[str, ...] = (
    "Großstadt",
    "Mittelstadt",
    "Kleinstadt/Landgemeinde",
    "interkommunale Kooperation",
    "Landkreis",
)

COHORTS: tuple[str, ...] = ("2019", "2020", "2021")

#: Project phase codes in the data and their labels.
PHASES: dict[str, str] = {
    "strategy": "Strategiephase",
    "implementation": "Umsetzungsphase",
}

#: Newly collected datasets by theme: column -> label.
DATASET_THEMES: dict[str, str] = {
    "datasets_climate": "Klimaanpassung (z. B. Starkregen, Hitzeinseln)",
    "datasets_mobility": "Verkehr (ruhend und fließend)",
    "datasets_environment": "Umwelt",
    "datasets_energy": "Energie",
    "datasets_other": "Sonstiges",
}

#: Participatory activities by format: column -> label.
PARTICIPATION_FORMATS: dict[str, str] = {
    "participation_workshop": "Workshops und Werkstätten",
    "participation_event": "Informationsveranstaltungen",
    "participation_online": "Online-Beteiligung",
    "participation_survey": "Befragungen",
    "participation_other": "Sonstige Formate",
}

#: Partner municipalities by kind of exchange: column -> label.
EXCHANGE_KINDS: dict[str, str] = {
    "partners_role_model": "Vorbild",
    "partners_knowledge_exchange": "Wissensaustausch",
    "partners_joint_development": "Gemeinsame Lösungsentwicklung",
    "partners_transfer": "Übertragung",
}

#: Exchange codes in the edge list -> the per-project count column they add up to.
EXCHANGE_CODES: dict[str, str] = {
    "role_model": "partners_role_model",
    "knowledge_exchange": "partners_knowledge_exchange",
    "joint_development": "partners_joint_development",
    "transfer": "partners_transfer",
}

#: Measures by state of work: column -> label.
MEASURE_STATES: dict[str, str] = {
    "measures_planned": "geplant",
    "measures_in_progress": "in Umsetzung",
    "measures_completed": "abgeschlossen",
}

#: Count columns of one survey wave (non-negative integers; empty = no answer). Counts are cumulative since
#: the programme started, except planned / in-progress measures, which describe the state at survey time.
COUNT_COLUMNS: tuple[str, ...] = (
    "measures_planned",
    "measures_in_progress",
    "measures_completed",
    "measures_continued",  # completed measures that will be continued (<= measures_completed)
    "measures_open_source",  # measures whose code was published as open source
    "datasets_total",  # = sum of DATASET_THEMES columns
    *DATASET_THEMES,
    "participation_total",  # = sum of PARTICIPATION_FORMATS columns
    *PARTICIPATION_FORMATS,
    "positions_new",
    "solutions_transferred",
    "partners_total",  # = sum of EXCHANGE_KINDS columns = rows of this project in the edge list
    *EXCHANGE_KINDS,
)

#: Free-text columns (untrusted: always escaped before display).
TEXT_COLUMNS: tuple[str, ...] = ("highlight", "challenge")

#: All columns of ``wave_<id>.csv``, in file order.
WAVE_COLUMNS: tuple[str, ...] = (
    "respondent_id",
    "project_id",
    "wave",
    "submitted",  # ISO date the answer was submitted
    "phase",  # PHASES keys
    *COUNT_COLUMNS,
    *TEXT_COLUMNS,
)

#: Columns of ``partners_<id>.csv``: one row per reported partner municipality.
PARTNER_COLUMNS: tuple[str, ...] = (
    "project_id",  # the reporting model project
    "partner_name",
    "partner_project_id",  # project_id if the partner is itself a model project, else empty
    "exchange",  # EXCHANGE_CODES keys
)


#: German labels of every count column (data-quality appendix: item non-response per indicator).
COUNT_LABELS: dict[str, str] = {
    "measures_planned": "Maßnahmen geplant",
    "measures_in_progress": "Maßnahmen in Umsetzung",
    "measures_completed": "Maßnahmen abgeschlossen",
    "measures_continued": "Maßnahmen weiter betrieben",
    "measures_open_source": "Maßnahmen mit Open-Source-Code",
    "datasets_total": "Neue Datensätze insgesamt",
    **{c: f"Datensätze: {label.split(' (')[0]}" for c, label in DATASET_THEMES.items()},
    "participation_total": "Partizipative Aktivitäten insgesamt",
    **{c: f"Aktivitäten: {label}" for c, label in PARTICIPATION_FORMATS.items()},
    "positions_new": "Neue Stellen",
    "solutions_transferred": "Übertragene Lösungen",
    "partners_total": "Partnerkommunen insgesamt",
    **{c: f"Partner: {label}" for c, label in EXCHANGE_KINDS.items()},
}
