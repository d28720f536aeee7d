"""The columns and codes of the project register and of one survey wave (their words are in the word catalogue).

This module only describes data; reading it is the job of :mod:`mpsc_report.data.load`.
"""

from __future__ import annotations

#: Notice every report on synthetic data carries (German; the word catalogue has it in every language).
SAMPLE_NOTICE = "Beispieldaten – keine amtlichen Ergebnisse"

#: Columns of the project register (``data/projects.csv``); keys stay strings.
REGISTER_COLUMNS: tuple[str, ...] = (
    "project_id",  # stable slug, e.g. "solingen"; the key survey rows refer to
    "name",
    "kind",  # KIND_CODES keys (German); metrics use the codes
    "state",  # German name of the Land
    "cohort",  # "2019" | "2020" | "2021"
    "ags",  # official municipality key (8 digits) or district key (5 digits), as text
    "lat",
    "lon",
    "source",
)

#: Kinds of municipality: the register's value (German, as ``projects.csv`` writes it) -> code, in report order.
#: The register file keeps its German values; :mod:`~mpsc_report.analysis.metrics` turns them into these codes.
KIND_CODES: dict[str, str] = {
    "Großstadt": "large_city",
    "Mittelstadt": "medium_town",
    "Kleinstadt/Landgemeinde": "small_town",
    "interkommunale Kooperation": "cooperation",
    "Landkreis": "district",
}

#: Kind codes, in report order.
KINDS: tuple[str, ...] = tuple(KIND_CODES.values())

#: Cohort ids (the year the cohort was selected), in report order.
COHORTS: tuple[str, ...] = ("2019", "2020", "2021")

#: Project phase codes in the data.
PHASES: tuple[str, ...] = ("strategy", "implementation")

#: Newly collected datasets by theme: the count columns, in report order.
DATASET_THEMES: tuple[str, ...] = (
    "datasets_climate",
    "datasets_mobility",
    "datasets_environment",
    "datasets_energy",
    "datasets_other",
)

#: Participatory activities by format: the count columns, in report order.
PARTICIPATION_FORMATS: tuple[str, ...] = (
    "participation_workshop",
    "participation_event",
    "participation_online",
    "participation_survey",
    "participation_other",
)

#: Partner municipalities by kind of exchange: the per-project count columns, in report order.
EXCHANGE_KINDS: tuple[str, ...] = (
    "partners_role_model",
    "partners_knowledge_exchange",
    "partners_joint_development",
    "partners_transfer",
)

#: Exchange codes in the edge list -> the per-project count column they add up to.
EXCHANGE_CODES: dict[str, str] = {
    "role_model": "partners_role_model",
    "knowledge_exchange": "partners_knowledge_exchange",
    "joint_development": "partners_joint_development",
    "transfer": "partners_transfer",
}

#: Measures by state of work: the count columns, in report order.
MEASURE_STATES: tuple[str, ...] = (
    "measures_planned",
    "measures_in_progress",
    "measures_completed",
)

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
