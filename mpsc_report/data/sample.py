"""Deterministic synthetic survey waves 2021–2023 whose end-2023 wave reproduces the published figures.

Real monitoring microdata is not public, so the package ships this synthetic sample. Assumptions:

- The end-2023 wave (:data:`CALIBRATION_WAVE`) reproduces the programme totals published in February 2024
  (:data:`TARGETS`, FACTS §5) *exactly*: each total is split over the projects by largest-remainder
  (Hamilton) apportionment of per-project weights, so it holds for every seed, not by luck.
- Per-project weights grow with size (:data:`KIND_SIZE`) and with how far a cohort has come
  (:data:`COHORT_PROGRESS`), times log-normal noise. They are invented, as are all per-project values.
- No figures of earlier waves are published. The 2021 and 2022 waves are cumulative fractions of the
  2023 values (:data:`WAVE_SHARES`), so a project's count never falls from one wave to the next.
  They exist to exercise trend charts and must not be read as real developments.
- Measures planned and in progress have no published split; :data:`TARGETS` picks values so that all
  measures add up to 624 ("über 600 geplante und gestartete Maßnahmen").

The random streams come from one :func:`numpy.random.default_rng` seeded with :data:`SEED`. NumPy does
not promise identical streams across releases; if an upgrade changes the files, regenerate them with
``python -m mpsc_report.data.sample`` (the calibration targets still hold).

:func:`write_history` continues the sample with invented later waves (2024, 2025, …) into a folder of your choice,
for load and soak tests of long histories: the three bundled waves come out byte-identical, and every later wave
grows each project's counts by a few to a few dozen percent (:data:`LATER_GROWTH`) from its own random stream, so
the bundled waves never change. ``python -m mpsc_report.data.sample --waves 10 --out DIR`` writes ten waves.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..write import write_atomic
from . import load
from .intake import Codebook
from .schema import (
    COUNT_COLUMNS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    EXCHANGE_KINDS,
    KIND_CODES,
    PARTICIPATION_FORMATS,
    PARTNER_COLUMNS,
    PHASES,
    TEXT_COLUMNS,
    WAVE_COLUMNS,
)

#: Seed of the committed sample (the last day of the end-2023 field period).
SEED = 20231215

#: Survey waves of the sample, oldest first.
WAVES: tuple[str, ...] = ("2021", "2022", "2023")

#: The wave whose totals match the published figures.
CALIBRATION_WAVE = "2023"

#: Field period (first and last day answers were accepted) per wave.
FIELD_PERIODS: dict[str, tuple[date, date]] = {
    "2021": (date(2021, 11, 15), date(2021, 12, 17)),
    "2022": (date(2022, 11, 14), date(2022, 12, 16)),
    "2023": (date(2023, 11, 13), date(2023, 12, 15)),
}

#: Exact sums over all rows of the calibration wave.
TARGETS: dict[str, int] = {
    "measures_planned": 170,  # our choice: planned + in progress + completed = 624
    "measures_in_progress": 229,  # our choice, see above
    "measures_completed": 225,
    "measures_continued": 144,  # 144 / 225 = 64 % "sollen weiter betrieben werden"
    "measures_open_source": 19,
    "datasets_total": 1043,  # "über 1.000 kommunale Datensätze"
    "participation_total": 2137,  # "über 2.000 partizipative Aktivitäten"
    "positions_new": 298,
    "solutions_transferred": 86,
    "partners_total": 876,  # 12.0 per project; "fast 900 Netzwerkverbindungen"
}

#: Projects that do not answer a wave at all (the rest of the register does).
NONRESPONDENTS: dict[str, int] = {"2021": 11, "2022": 5, "2023": 0}

#: Respondents who leave one block of questions unanswered (item non-response).
ITEM_NONRESPONSE: dict[str, int] = {"2021": 3, "2022": 2, "2023": 0}

#: Free-text answers left empty.
EMPTY_TEXTS: dict[str, int] = {"2021": 3, "2022": 2, "2023": 0}

#: Questions answered (or skipped) together: a block is either complete or entirely empty.
BLOCKS: dict[str, tuple[str, ...]] = {
    "measures": (
        "measures_planned",
        "measures_in_progress",
        "measures_completed",
        "measures_continued",
        "measures_open_source",
    ),
    "datasets": ("datasets_total", *DATASET_THEMES),
    "participation": ("participation_total", *PARTICIPATION_FORMATS),
    "positions": ("positions_new",),
    "transfer": ("solutions_transferred",),
    "partners": ("partners_total", *EXCHANGE_KINDS),
}

#: Name and description written to ``dataset.yaml``.
DATASET_NAME = "MPSC-Monitoring – synthetische Beispieldaten"
DATASET_DESCRIPTION = (
    "Synthetische Beispieldaten, mit festem Startwert erzeugt von mpsc_report.data.sample. "
    "Die Welle Ende 2023 ist so kalibriert, dass ihre Summen die veröffentlichten Programmzahlen "
    "wiedergeben (z. B. 1.043 neu erhobene Datensätze, 2.137 Beteiligungsaktivitäten, 298 neue Stellen, "
    "86 übertragene Lösungen, 64 % weiterbetriebene Maßnahmen, 19 Open-Source-Maßnahmen, "
    "im Schnitt 12 Partnerkommunen). Die Werte der einzelnen Modellprojekte und die Wellen 2021 und 2022 "
    "sind erfunden. Es sind keine amtlichen Ergebnisse und keine echten Antworten der Modellprojekte."
)

#: Module that writes the sample (``__name__`` is ``"__main__"`` under ``python -m``).
GENERATOR = "mpsc_report.data.sample"


def generate_sample(register: pd.DataFrame, seed: int = SEED) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Generate the synthetic survey waves for a project register.

    Parameters
    ----------
    register : pandas.DataFrame
        The project register as returned by :func:`mpsc_report.data.load.load_register`; not modified.
    seed : int, optional
        Seed of the random generator; the committed sample uses :data:`SEED`.

    Returns
    -------
    dict of str to (pandas.DataFrame, pandas.DataFrame)
        Wave id -> (responses with :data:`~mpsc_report.data.schema.WAVE_COLUMNS`, partner edge list with
        :data:`~mpsc_report.data.schema.PARTNER_COLUMNS`), with the dtypes :func:`mpsc_report.data.load.load_wave`
        returns: counts as ``Int64`` (``<NA>`` = no answer), free text ``""`` when not answered.
    """
    return _generate(register, seed)[0]


@dataclass(frozen=True)
class _Projects:
    """What the generator decided about the projects, for waves after the bundled ones."""

    traits: pd.DataFrame
    final: pd.DataFrame
    edges: pd.DataFrame
    last: pd.DataFrame  # counts of the last bundled wave (respondents only)


def _generate(register: pd.DataFrame, seed: int) -> tuple[dict[str, tuple[pd.DataFrame, pd.DataFrame]], _Projects]:
    rng = np.random.default_rng(seed)
    traits = _project_traits(register, rng)
    final = _final_counts(traits, rng)
    edges = _partner_edges(traits, final["partners_total"], rng)
    shares = _wave_shares(traits, rng)
    missing = _nonrespondents(traits, rng)
    sample = {}
    for wave in WAVES:
        respondents = traits.index[~traits.index.isin(missing[wave])]
        skipped = _skipped_blocks(respondents, ITEM_NONRESPONSE[wave], rng)
        silent = [project_id for project_id, block in skipped.items() if block == "partners"]
        reporting = respondents.difference(silent, sort=False)
        wave_edges = _wave_edges(edges, final["partners_total"], shares[wave], reporting)
        counts = _with_partner_counts(_wave_counts(final, shares[wave]), wave_edges).loc[respondents]
        for project_id, block in skipped.items():
            counts.loc[project_id, list(BLOCKS[block])] = pd.NA
        responses = _responses(wave, traits, counts, wave_edges, rng)
        sample[wave] = (responses, _partners_frame(wave_edges))
    return sample, _Projects(traits, final, edges, counts)


def write_sample(target_dir: Path, seed: int = SEED) -> list[Path]:
    """Generate the sample for the shipped register and write it as CSV files plus ``dataset.yaml``.

    Parameters
    ----------
    target_dir : Path
        Folder to write into (created if needed); existing files of the same names are replaced
        atomically.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    list of Path
        The files written: ``wave_<id>.csv`` and ``partners_<id>.csv`` per wave, then ``dataset.yaml``.
    """
    sample = generate_sample(load.load_register(), seed)
    paths = [write_atomic(target_dir / f"wave_{wave}.csv", _to_csv(sample[wave][0])) for wave in WAVES]
    paths += [write_atomic(target_dir / f"partners_{wave}.csv", _to_csv(sample[wave][1])) for wave in WAVES]
    paths.append(write_atomic(target_dir / load.DATASET_FILE, _dataset_yaml(seed)))
    return paths


#: Growth of a project's cumulative counts from one later wave to the next: median factor and log-normal sigma.
LATER_GROWTH: tuple[float, float] = (1.15, 0.10)

#: Per later wave: projects that do not answer, respondents leaving one block empty, free texts left empty.
LATER_GAPS: tuple[int, int, int] = (2, 1, 1)


def field_period(year: int) -> tuple[date, date]:
    """Field period of the end-of-year wave ``year``: from the Monday in 13–19 November, 32 days (to a Friday)."""
    start = date(year, 11, 13)
    start += timedelta(days=(7 - start.weekday()) % 7)
    return start, start + timedelta(days=32)


def generate_history(
    register: pd.DataFrame, waves: int = 10, seed: int = SEED
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """The bundled sample continued with invented later waves, ``waves`` in all (at least the three bundled ones).

    Later waves (2024, 2025, …) are every project's counts of the wave before grown by a factor around
    :data:`LATER_GROWTH` (never falling, totals the sums of their parts, continued ≤ completed), with the partner
    network of 2023, a few non-respondents and unanswered blocks (:data:`LATER_GAPS`), free texts from the same
    templates as 2023, submission dates in :func:`field_period` and respondent ids ``R<wave>-<n>``. The bundled
    waves are exactly :func:`generate_sample`'s; the later ones have a random stream of their own.

    Returns
    -------
    dict of str to (pandas.DataFrame, pandas.DataFrame)
        Wave id -> (responses, partner edge list), as :func:`generate_sample`.
    """
    if waves < len(WAVES):
        raise ValueError(f"a history has at least the {len(WAVES)} bundled waves, not {waves}")
    sample, projects = _generate(register, seed)
    rng = np.random.default_rng([seed, len(WAVES)])
    traits, counts = projects.traits, projects.final.astype(float)
    last = projects.last
    # Start from the last bundled wave's counts (the end-2023 values), for every project of the register.
    for column in counts.columns:
        known = pd.to_numeric(last[column], errors="coerce") if column in last else None
        if known is not None:
            counts[column] = known.reindex(counts.index).fillna(counts[column]).astype(float)
    missing_count, skipped_count, empty_count = LATER_GAPS
    for year in range(int(WAVES[-1]) + 1, int(WAVES[-1]) + 1 + waves - len(WAVES)):
        wave = str(year)
        median, sigma = LATER_GROWTH
        grown = counts.mul(median * rng.lognormal(0.0, sigma, len(counts)), axis=0)
        counts = np.maximum(counts, grown)  # cumulative: never below the wave before
        missing = sorted(rng.choice(traits.index, size=missing_count, replace=False))
        respondents = traits.index[~traits.index.isin(missing)]
        skipped = _skipped_blocks(respondents, skipped_count, rng)
        silent = [project_id for project_id, block in skipped.items() if block == "partners"]
        reporting = respondents.difference(silent, sort=False)
        wave_edges = projects.edges[projects.edges["project_id"].isin(reporting)]
        wave_counts = _with_partner_counts(_wave_counts(counts, pd.Series(1.0, index=counts.index)), wave_edges)
        wave_counts = wave_counts.loc[respondents]
        for project_id, block in skipped.items():
            wave_counts.loc[project_id, list(BLOCKS[block])] = pd.NA
        responses = _responses(wave, traits, wave_counts, wave_edges, rng, like=WAVES[-1], empty=empty_count)
        sample[wave] = (responses, _partners_frame(wave_edges))
    return sample


def write_history(target_dir: Path, waves: int = 10, seed: int = SEED) -> list[Path]:
    """Write :func:`generate_history` as CSV files plus a ``dataset.yaml`` into ``target_dir`` (created if needed).

    Returns
    -------
    list of Path
        ``wave_<id>.csv`` per wave, ``partners_<id>.csv`` per wave, then ``dataset.yaml``.
    """
    history = generate_history(load.load_register(), waves, seed)
    paths = [write_atomic(target_dir / f"wave_{wave}.csv", _to_csv(history[wave][0])) for wave in history]
    paths += [write_atomic(target_dir / f"partners_{wave}.csv", _to_csv(history[wave][1])) for wave in history]
    later = [wave for wave in history if wave not in WAVES]
    note = f" Die Wellen {later[0]} bis {later[-1]} sind fortgeschrieben und ebenso erfunden." if later else ""
    paths.append(write_atomic(target_dir / load.DATASET_FILE, _dataset_yaml(seed, note)))
    return paths


# --- apportionment -------------------------------------------------------------------------------


def _apportion(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Split a whole number over weights by largest remainders (Hamilton), with optional per-element caps.

    Capped elements get their cap and the rest is shared among the others (water-filling) before
    rounding, so the result sums to ``total`` exactly and never exceeds a cap.
    """
    weights = np.asarray(weights, dtype=float)
    caps = np.full(weights.shape, np.inf) if caps is None else np.asarray(caps, dtype=float)
    open_ = (weights > 0) & (caps > 0)
    if total > caps[open_].sum():
        raise ValueError(f"cannot apportion {total} under caps summing to {caps[open_].sum()}")
    quotas = np.zeros(weights.shape)
    remaining = float(total)
    while remaining > 0:
        share = np.where(open_, weights, 0.0)
        trial = remaining * share / share.sum()
        over = open_ & (trial > caps)
        if not over.any():
            quotas[open_] = trial[open_]
            break
        quotas[over] = caps[over]
        remaining -= caps[over].sum()
        open_ &= ~over
    return _largest_remainder(quotas[np.newaxis, :], np.array([total]))[0]


def _split_rows(totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split each row total over that row's shares by largest remainders; rows sum to their totals."""
    return _largest_remainder(totals[:, np.newaxis] * shares, totals)


def _largest_remainder(quotas: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Round quotas row by row to whole numbers summing to each row's total: floors, +1 for the largest rests."""
    floors = np.floor(quotas)
    leftover = np.asarray(totals) - floors.sum(axis=1)
    order = np.argsort(-(quotas - floors), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    return (floors + (ranks < leftover[:, np.newaxis])).astype(np.int64)


# --- projects and their end-2023 values ----------------------------------------------------------


#: Relative size of a project by kind of municipality (weights, not inhabitants).
KIND_SIZE: dict[str, float] = {
    "Großstadt": 1.5,
    "Mittelstadt": 1.0,
    "Kleinstadt/Landgemeinde": 0.6,
    "interkommunale Kooperation": 1.2,
    "Landkreis": 1.1,
}

#: How far a cohort has come by end 2023 (2019 furthest along, 2021 least).
COHORT_PROGRESS: dict[str, float] = {"2019": 1.4, "2020": 1.0, "2021": 0.6}

#: Extra progress of projects that went straight into implementation.
DIRECT_PROGRESS = 1.25

#: Projects that skipped the Strategiephase (FACTS §1: 61 with strategy phase, 12 without).
DIRECT_IMPLEMENTATION = 12

#: Share of each cohort's strategy-phase projects that reach implementation by each wave;
#: "later" stay in the Strategiephase beyond 2023. Gives about 20 in implementation end 2022, 60 end 2023.
PHASE_SWITCH: dict[str, dict[str, float]] = {
    "2019": {"2021": 0.27, "2022": 0.55, "2023": 0.18, "later": 0.0},
    "2020": {"2021": 0.0, "2022": 0.0, "2023": 1.0, "later": 0.0},
    "2021": {"2021": 0.0, "2022": 0.0, "2023": 0.43, "later": 0.57},
}

#: Year-of-switch stand-in for projects still in the Strategiephase after the last wave.
_NOT_YET = 9999

#: Per count: (exponent of size, exponent of progress, sigma of the log-normal noise) of its weights.
WEIGHTING: dict[str, tuple[float, float, float]] = {
    "measures_planned": (0.8, 0.3, 0.30),
    "measures_in_progress": (0.9, 1.0, 0.30),
    "measures_completed": (0.9, 1.8, 0.35),
    "datasets_total": (1.0, 1.0, 0.35),
    "participation_total": (0.8, 0.8, 0.30),
    "positions_new": (1.0, 0.5, 0.30),
    "solutions_transferred": (0.6, 1.5, 0.50),
    "partners_total": (0.5, 0.6, 0.25),
}

#: Probability that a project of a cohort has transferred any solution by end 2023.
TRANSFER_ACTIVE: dict[str, float] = {"2019": 0.95, "2020": 0.8, "2021": 0.45}

#: Projects with any open-source measure by end 2023 (a minority).
OPEN_SOURCE_PROJECTS = 12

#: Sigma of the log-normal noise on how much of a project's completed measures it continues.
_CONTINUED_NOISE = 0.3

#: Expected theme mix of new datasets (climate adaptation and mobility sensors largest).
DATASET_THEME_SHARES: dict[str, float] = {
    "datasets_climate": 0.30,
    "datasets_mobility": 0.27,
    "datasets_environment": 0.18,
    "datasets_energy": 0.13,
    "datasets_other": 0.12,
}

#: Expected mix of participation formats.
PARTICIPATION_SHARES: dict[str, float] = {
    "participation_workshop": 0.28,
    "participation_event": 0.22,
    "participation_online": 0.24,
    "participation_survey": 0.14,
    "participation_other": 0.12,
}

#: Dirichlet concentration of a project's mix around the expected one (higher = closer).
_MIX_CONCENTRATION = 20.0


def _project_traits(register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Index the register by project_id; add size, progress and the year a project reaches implementation."""
    traits = register.set_index("project_id").loc[:, ["name", "kind", "state", "cohort"]].copy()
    traits["size"] = traits["kind"].map(KIND_SIZE)
    traits["direct"] = _pick_direct(traits, rng)
    lead = np.where(traits["direct"], DIRECT_PROGRESS, 1.0)
    traits["progress"] = traits["cohort"].map(COHORT_PROGRESS) * lead
    traits["implementation_from"] = _implementation_years(traits, rng)
    return traits


def _pick_direct(traits: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Mark the projects that went straight into implementation, spread over cohorts by cohort size."""
    cohorts = sorted(traits["cohort"].unique())
    sizes = traits["cohort"].value_counts().reindex(cohorts).to_numpy()
    direct = pd.Series(False, index=traits.index)
    for cohort, count in zip(cohorts, _apportion(DIRECT_IMPLEMENTATION, sizes), strict=True):
        members = traits.index[traits["cohort"] == cohort]
        weights = traits.loc[members, "size"].to_numpy()
        direct[rng.choice(members, size=count, replace=False, p=weights / weights.sum())] = True
    return direct


def _implementation_years(traits: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Year of the first wave a project reports the Umsetzungsphase; direct projects from the start."""
    years = pd.Series(int(WAVES[0]), index=traits.index)
    for cohort, shares in PHASE_SWITCH.items():
        members = traits.index[(traits["cohort"] == cohort) & ~traits["direct"]]
        counts = _apportion(len(members), np.array(list(shares.values())))
        outcomes = [_NOT_YET if key == "later" else int(key) for key in shares]
        years[rng.permutation(members)] = np.repeat(outcomes, counts)
    return years


def _weights(traits: pd.DataFrame, column: str, rng: np.random.Generator) -> np.ndarray:
    """Weights of one count over projects: size ** a * progress ** b * log-normal noise."""
    size_exp, progress_exp, sigma = WEIGHTING[column]
    noise = rng.lognormal(0.0, sigma, size=len(traits))
    return (traits["size"] ** size_exp * traits["progress"] ** progress_exp).to_numpy() * noise


def _final_counts(traits: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """End-2023 counts per project (all but the exchange kinds), summing exactly to :data:`TARGETS`."""
    counts = pd.DataFrame(index=traits.index)
    for column in WEIGHTING:
        weights = _weights(traits, column, rng)
        if column == "solutions_transferred":
            weights *= rng.random(len(traits)) < traits["cohort"].map(TRANSFER_ACTIVE).to_numpy()
        counts[column] = _apportion(TARGETS[column], weights)
    completed = counts["measures_completed"].to_numpy()
    continued_weights = completed * rng.lognormal(0.0, _CONTINUED_NOISE, size=len(traits))
    counts["measures_continued"] = _apportion(TARGETS["measures_continued"], continued_weights, caps=completed)
    counts["measures_open_source"] = _open_source(traits, counts, rng)
    counts[list(DATASET_THEMES)] = _split_rows(
        counts["datasets_total"].to_numpy(), _mixes(DATASET_THEME_SHARES, len(traits), rng)
    )
    counts[list(PARTICIPATION_FORMATS)] = _split_rows(
        counts["participation_total"].to_numpy(), _mixes(PARTICIPATION_SHARES, len(traits), rng)
    )
    return counts


def _open_source(traits: pd.DataFrame, counts: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Open-source measures: only a few projects have any, none more than its started measures."""
    caps = (counts["measures_completed"] + counts["measures_in_progress"]).to_numpy()
    appeal = (traits["size"] * traits["progress"]).to_numpy() * (caps > 0)
    chosen = rng.choice(len(traits), size=OPEN_SOURCE_PROJECTS, replace=False, p=appeal / appeal.sum())
    weights = np.zeros(len(traits))
    weights[chosen] = rng.lognormal(0.0, 0.4, size=OPEN_SOURCE_PROJECTS)
    return _apportion(TARGETS["measures_open_source"], weights, caps=caps)


def _mixes(expected: dict[str, float], rows: int, rng: np.random.Generator) -> np.ndarray:
    """Per-project shares (rows sum to 1) scattered around an expected mix."""
    return rng.dirichlet(np.array(list(expected.values())) * _MIX_CONCENTRATION, size=rows)


# --- partner network -----------------------------------------------------------------------------


#: Share of partner links that go to other model projects.
MPSC_PARTNER_SHARE = 1 / 3

#: Probability of each kind of exchange on one link.
EXCHANGE_SHARES: dict[str, float] = {
    "role_model": 0.20,
    "knowledge_exchange": 0.45,
    "joint_development": 0.20,
    "transfer": 0.15,
}

#: Extra weight of a partner in the same state / the same cohort (on top of 1).
STATE_AFFINITY = 2.0
COHORT_AFFINITY = 1.0

#: Real German towns and municipalities that are not model projects, by state: partners outside the
#: programme. Chosen so that no name is (part of) a project in the register.
NON_FUNDED_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "Baden-Württemberg": (
        "Stuttgart",
        "Karlsruhe",
        "Heilbronn",
        "Reutlingen",
        "Tübingen",
        "Ludwigsburg",
        "Esslingen am Neckar",
        "Göppingen",
        "Schwäbisch Hall",
        "Ravensburg",
        "Friedrichshafen",
        "Offenburg",
        "Lörrach",
        "Villingen-Schwenningen",
        "Biberach an der Riß",
    ),
    "Bayern": (
        "Augsburg",
        "Nürnberg",
        "Fürth",
        "Erlangen",
        "Ingolstadt",
        "Bayreuth",
        "Coburg",
        "Schweinfurt",
        "Aschaffenburg",
        "Landshut",
        "Passau",
        "Rosenheim",
        "Straubing",
        "Memmingen",
        "Kaufbeuren",
        "Amberg",
        "Weiden in der Oberpfalz",
        "Nördlingen",
    ),
    "Brandenburg": (
        "Brandenburg an der Havel",
        "Frankfurt (Oder)",
        "Eberswalde",
        "Neuruppin",
        "Oranienburg",
        "Luckenwalde",
        "Senftenberg",
        "Prenzlau",
    ),
    "Bremen": ("Bremen", "Bremerhaven"),
    "Hessen": (
        "Frankfurt am Main",
        "Wiesbaden",
        "Offenbach am Main",
        "Hanau",
        "Marburg",
        "Fulda",
        "Wetzlar",
        "Bad Homburg vor der Höhe",
        "Rüsselsheim am Main",
        "Limburg an der Lahn",
    ),
    "Mecklenburg-Vorpommern": (
        "Schwerin",
        "Wismar",
        "Stralsund",
        "Neubrandenburg",
        "Güstrow",
        "Waren (Müritz)",
        "Neustrelitz",
        "Ludwigslust",
    ),
    "Niedersachsen": (
        "Braunschweig",
        "Oldenburg (Oldb)",
        "Göttingen",
        "Salzgitter",
        "Wolfenbüttel",
        "Celle",
        "Lüneburg",
        "Goslar",
        "Cuxhaven",
        "Stade",
        "Emden",
        "Lingen (Ems)",
        "Delmenhorst",
        "Vechta",
    ),
    "Nordrhein-Westfalen": (
        "Aachen",
        "Bielefeld",
        "Bonn",
        "Bottrop",
        "Duisburg",
        "Düsseldorf",
        "Essen",
        "Hamm",
        "Herne",
        "Krefeld",
        "Leverkusen",
        "Moers",
        "Mülheim an der Ruhr",
        "Neuss",
        "Recklinghausen",
        "Remscheid",
        "Siegen",
        "Witten",
        "Bocholt",
        "Coesfeld",
        "Lippstadt",
        "Unna",
        "Ratingen",
        "Gummersbach",
        "Minden",
    ),
    "Rheinland-Pfalz": (
        "Mainz",
        "Trier",
        "Worms",
        "Speyer",
        "Landau in der Pfalz",
        "Neustadt an der Weinstraße",
        "Pirmasens",
        "Zweibrücken",
        "Bad Kreuznach",
        "Neuwied",
    ),
    "Saarland": ("Saarbrücken", "Saarlouis", "Homburg", "Merzig", "Völklingen"),
    "Sachsen": (
        "Chemnitz",
        "Zwickau",
        "Plauen",
        "Görlitz",
        "Bautzen",
        "Freiberg",
        "Pirna",
        "Meißen",
        "Riesa",
        "Hoyerswerda",
    ),
    "Sachsen-Anhalt": (
        "Magdeburg",
        "Dessau-Roßlau",
        "Lutherstadt Wittenberg",
        "Halberstadt",
        "Stendal",
        "Wernigerode",
        "Quedlinburg",
        "Weißenfels",
        "Merseburg",
    ),
    "Schleswig-Holstein": (
        "Neumünster",
        "Norderstedt",
        "Elmshorn",
        "Pinneberg",
        "Husum",
        "Heide",
        "Itzehoe",
        "Bad Oldesloe",
    ),
    "Thüringen": (
        "Erfurt",
        "Weimar",
        "Gotha",
        "Eisenach",
        "Suhl",
        "Nordhausen",
        "Ilmenau",
        "Arnstadt",
        "Altenburg",
        "Apolda",
    ),
}

#: Extra weight of a non-funded partner town in the project's own state.
TOWN_STATE_AFFINITY = 3.0


def _partner_edges(traits: pd.DataFrame, totals: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """End-2023 edge list with exactly ``totals`` partners per project and a random rank within each project.

    About :data:`MPSC_PARTNER_SHARE` of the links go to other model projects (more likely in the same
    state or cohort, and to larger, further advanced projects); a pair of model projects is linked in
    one direction only. The rest go to non-funded towns, more likely in the project's own state.
    The rank decides which links a project already reported in earlier waves.
    """
    totals = totals.to_numpy()
    to_mpsc = _apportion(round(totals.sum() * MPSC_PARTNER_SHARE), totals, caps=totals)
    rows = _mpsc_links(traits, to_mpsc, rng) + _town_links(traits, totals - to_mpsc, rng)
    edges = pd.DataFrame(rows, columns=["project_id", "partner_name", "partner_project_id"])
    edges["exchange"] = rng.choice(list(EXCHANGE_SHARES), size=len(edges), p=list(EXCHANGE_SHARES.values()))
    edges["rank"] = pd.Series(rng.random(len(edges))).groupby(edges["project_id"]).rank(method="first") - 1
    order = {project_id: position for position, project_id in enumerate(traits.index)}
    edges["position"] = edges["project_id"].map(order)
    return edges.sort_values(["position", "partner_name"], kind="stable").drop(columns="position")


def _mpsc_links(
    traits: pd.DataFrame, out_degree: np.ndarray, rng: np.random.Generator
) -> list[tuple[str, str, str | None]]:
    """Directed links between model projects with the given out-degrees and no pair linked twice."""
    ids, names = traits.index.to_numpy(), traits["name"].to_numpy()
    states, cohorts = traits["state"].to_numpy(), traits["cohort"].to_numpy()
    appeal = (traits["size"] * traits["progress"]).to_numpy()
    affinity = (
        1.0 + STATE_AFFINITY * (states[:, np.newaxis] == states) + COHORT_AFFINITY * (cohorts[:, np.newaxis] == cohorts)
    ) * appeal
    np.fill_diagonal(affinity, 0.0)
    linked = np.zeros(affinity.shape, dtype=bool)
    rows: list[tuple[str, str, str | None]] = []
    for source in np.argsort(-out_degree, kind="stable"):
        weights = np.where(linked[source], 0.0, affinity[source])
        targets = rng.choice(len(ids), size=out_degree[source], replace=False, p=weights / weights.sum())
        linked[source, targets] = linked[targets, source] = True
        rows += [(ids[source], names[target], ids[target]) for target in targets]
    return rows


def _town_links(traits: pd.DataFrame, counts: np.ndarray, rng: np.random.Generator) -> list[tuple[str, str, None]]:
    """Links to non-funded towns, drawn without replacement per project, favouring the same state."""
    towns = [(state, town) for state, names in NON_FUNDED_MUNICIPALITIES.items() for town in names]
    town_states = np.array([state for state, _ in towns])
    rows: list[tuple[str, str, None]] = []
    for project_id, state, count in zip(traits.index, traits["state"], counts, strict=True):
        weights = 1.0 + TOWN_STATE_AFFINITY * (town_states == state)
        chosen = rng.choice(len(towns), size=count, replace=False, p=weights / weights.sum())
        rows += [(project_id, towns[i][1], None) for i in chosen]
    return rows


# --- earlier waves -------------------------------------------------------------------------------


#: Cumulative share of a project's end-2023 values already reached at earlier waves, by cohort.
WAVE_SHARES: dict[str, dict[str, float]] = {
    "2021": {"2019": 0.50, "2020": 0.29, "2021": 0.07},
    "2022": {"2019": 0.80, "2020": 0.65, "2021": 0.50},
}

#: Timing of each count: earlier share ** exponent; > 1 grows late (completed), < 1 early (positions).
TIMING: dict[str, float] = {
    "measures_planned": 0.8,
    "measures_in_progress": 1.0,
    "measures_completed": 1.25,
    "measures_continued": 1.4,
    "measures_open_source": 1.4,
    **dict.fromkeys(DATASET_THEMES, 1.0),
    **dict.fromkeys(PARTICIPATION_FORMATS, 0.8),
    "positions_new": 0.8,
    "solutions_transferred": 1.4,
    "partners_total": 0.9,
}

#: Relative chance of missing a wave by cohort (cohort 2021 had only just started at the 2021 wave).
NONRESPONSE_WEIGHT: dict[str, dict[str, float]] = {
    "2021": {"2019": 1.0, "2020": 1.0, "2021": 2.5},
    "2022": {"2019": 1.0, "2020": 1.0, "2021": 1.0},
    "2023": {"2019": 1.0, "2020": 1.0, "2021": 1.0},
}


def _wave_shares(traits: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per project and wave, the share of its end-2023 values reached (1 at the calibration wave).

    Shares are nested: a reverse running minimum over the waves keeps each share at or below every
    later one, so counts never fall from one wave to the next.
    """
    lead = np.where(traits["direct"], DIRECT_PROGRESS, 1.0)
    shares = pd.DataFrame(
        {
            wave: (traits["cohort"].map(by_cohort) * lead * rng.lognormal(0.0, 0.15, len(traits))).clip(0, 1)
            for wave, by_cohort in WAVE_SHARES.items()
        }
    )
    shares[CALIBRATION_WAVE] = 1.0
    return shares.loc[:, list(WAVES[::-1])].cummin(axis=1).loc[:, list(WAVES)]


def _wave_counts(final: pd.DataFrame, share: pd.Series) -> pd.DataFrame:
    """Cumulative counts at a wave: each part is round(final * share ** timing), totals are sums of parts.

    Rounding a value that grows with the share keeps every count monotone across waves and never
    above its final value; the caps (continued <= completed, open source <= started measures) are
    re-applied after rounding.
    """
    parts = [c for c in TIMING if c != "partners_total"]
    reached = pd.DataFrame({c: share ** TIMING[c] for c in parts})
    counts = _round_half_up(final[parts] * reached)
    counts["measures_continued"] = counts["measures_continued"].clip(upper=counts["measures_completed"])
    counts["measures_open_source"] = counts["measures_open_source"].clip(
        upper=counts["measures_completed"] + counts["measures_in_progress"]
    )
    counts["datasets_total"] = counts[list(DATASET_THEMES)].sum(axis=1)
    counts["participation_total"] = counts[list(PARTICIPATION_FORMATS)].sum(axis=1)
    return counts


def _wave_edges(edges: pd.DataFrame, totals: pd.Series, share: pd.Series, reporting: pd.Index) -> pd.DataFrame:
    """Links reported at a wave: per reporting project its round(total * share ** timing) lowest-ranked ones.

    The share grows from wave to wave, so a project's earlier links are a subset of its later ones.
    """
    reported = _round_half_up(totals * share ** TIMING["partners_total"])
    keep = (edges["rank"] < edges["project_id"].map(reported)) & edges["project_id"].isin(reporting)
    return edges[keep]


def _round_half_up(values: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Round non-negative values to whole numbers, halves up (monotone, unlike rounding halves to even)."""
    return np.floor(values + 0.5).astype("int64")


def _with_partner_counts(counts: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Add the exchange-kind counts and their total, counted from a wave's edge list; nullable from here on."""
    by_kind = pd.crosstab(edges["project_id"], edges["exchange"]).rename(columns=EXCHANGE_CODES)
    by_kind = by_kind.reindex(index=counts.index, columns=list(EXCHANGE_KINDS), fill_value=0)
    counts = counts.join(by_kind.fillna(0).astype("int64"))
    counts["partners_total"] = counts[list(EXCHANGE_KINDS)].sum(axis=1)
    return counts.loc[:, list(COUNT_COLUMNS)].astype("Int64")


def _nonrespondents(traits: pd.DataFrame, rng: np.random.Generator) -> dict[str, list[str]]:
    """Projects missing each wave; a project misses at most one wave, cohort 2021 more often in 2021."""
    missing: dict[str, list[str]] = {}
    available = traits.index
    for wave in WAVES:
        weights = traits.loc[available, "cohort"].map(NONRESPONSE_WEIGHT[wave]).to_numpy(dtype=float)
        chosen = rng.choice(available, size=NONRESPONDENTS[wave], replace=False, p=weights / weights.sum())
        missing[wave] = sorted(chosen)
        available = available.difference(chosen, sort=False)
    return missing


def _skipped_blocks(respondents: pd.Index, count: int, rng: np.random.Generator) -> dict[str, str]:
    """Pick respondents who leave one block unanswered: project_id -> block name."""
    projects = rng.choice(respondents, size=count, replace=False)
    blocks = rng.choice(list(BLOCKS), size=count)
    return dict(zip(projects, blocks, strict=True))


# --- rows of a wave ------------------------------------------------------------------------------


def _responses(
    wave: str,
    traits: pd.DataFrame,
    counts: pd.DataFrame,
    edges: pd.DataFrame,
    rng: np.random.Generator,
    like: str | None = None,
    empty: int | None = None,
) -> pd.DataFrame:
    """Assemble the answer rows of one wave, numbered in order of submission.

    A later wave (``like``: the bundled wave whose free-text templates it uses) leaves ``empty`` free texts empty.
    """
    projects = counts.index
    phase = np.where(traits.loc[projects, "implementation_from"] <= int(wave), "implementation", "strategy")
    highlight, challenge = _free_texts(wave, traits.loc[projects], counts, edges, phase, rng, like, empty)
    first, last = FIELD_PERIODS[wave] if wave in FIELD_PERIODS else field_period(int(wave))
    days = rng.integers(0, (last - first).days + 1, size=len(projects))
    order = np.lexsort((rng.permutation(len(projects)), days))
    frame = pd.DataFrame(
        {
            "project_id": projects,
            "wave": wave,
            "submitted": [(first + timedelta(days=int(d))).isoformat() for d in days],
            "phase": phase,
            "highlight": highlight,
            "challenge": challenge,
        }
    ).join(counts.reset_index(drop=True))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["respondent_id"] = [f"R{wave}-{number:03d}" for number in range(1, len(frame) + 1)]
    text = [c for c in WAVE_COLUMNS if c not in COUNT_COLUMNS]
    return frame.loc[:, list(WAVE_COLUMNS)].astype(dict.fromkeys(text, "string"))


def _partners_frame(edges: pd.DataFrame) -> pd.DataFrame:
    """The edge list of one wave in file form."""
    return edges.loc[:, list(PARTNER_COLUMNS)].reset_index(drop=True).astype("string")


# --- free text -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    """A German answer with ``{placeholders}`` and the situations it fits."""

    text: str
    phases: tuple[str, ...] = tuple(PHASES)
    waves: tuple[str, ...] = WAVES
    kinds: tuple[str, ...] = tuple(KIND_CODES)  # the register's (German) kinds
    needs: tuple[str, ...] = ()

    def fits(self, wave: str, kind: str, phase: str, context: dict[str, object]) -> bool:
        """Return whether the template suits this answer and all its needed values are present."""
        return (
            wave in self.waves
            and kind in self.kinds
            and phase in self.phases
            and all(context.get(name) for name in self.needs)
        )


_IMPL, _STRAT = ("implementation",), ("strategy",)
_TOWNS = ("Großstadt", "Mittelstadt", "Kleinstadt/Landgemeinde")

#: Invented ``highlight`` answers (the questionnaire is not public); „…“, &, %, – and ß on purpose.
HIGHLIGHTS: tuple[_Template, ...] = (
    _Template(
        "Die urbane Datenplattform ist seit {month} in Betrieb; {datasets} Datensätze sind offen verfügbar.",
        _IMPL,
        needs=("datasets",),
    ),
    _Template(
        "{sensors} Sensoren erfassen jetzt ruhenden und fließenden Verkehr – die Auslastung der Parkplätze "
        "ist live im Dashboard zu sehen.",
        _IMPL,
        kinds=_TOWNS,
    ),
    _Template(
        "Das Starkregen-Monitoring mit {gauges} Pegelsensoren läuft; Feuerwehr & Bauhof nutzen die Daten "
        "bereits im Einsatz.",
        _IMPL,
    ),
    _Template(
        "Unsere Hitzekarte zeigt erstmals die Hitzeinseln im {area}; sie fließt in die Grünflächenplanung ein.",
        _IMPL,
    ),
    _Template(
        "Zusammen mit dem Modellprojekt {partner} haben wir die App „{app}“ veröffentlicht – der Quellcode "
        "steht auf OpenCoDE.",
        _IMPL,
        needs=("partner",),
    ),
    _Template(
        "{completed} Maßnahmen sind abgeschlossen, {continued} davon gehen in den Regelbetrieb über.",
        _IMPL,
        needs=("completed", "continued"),
    ),
    _Template("Das LoRaWAN-Netz deckt inzwischen {coverage} % des {area}s ab.", _IMPL),
    _Template(
        "Die Smart-City-Strategie wurde im {month} vom {council} beschlossen – jetzt beginnt die Umsetzung.",
        _IMPL,
        needs=("switched",),
    ),
    _Template(
        "Der Entwurf der Smart-City-Strategie liegt vor; der {council} berät ihn im Frühjahr.",
        _STRAT,
        waves=("2022", "2023"),
    ),
    _Template(
        "In {participation} Beteiligungsformaten – von der Zukunftswerkstatt bis zur Online-Umfrage – "
        "haben Bürgerinnen & Bürger mitgeredet.",
        needs=("participation",),
    ),
    _Template(
        "Aus der Bestandsaufnahme sind {planned} Maßnahmen hervorgegangen, die wir jetzt priorisieren.",
        _STRAT,
        needs=("planned",),
    ),
    _Template("Das Smart-City-Team ist aufgebaut: {positions} neue Stellen sind besetzt.", needs=("positions",)),
    _Template(
        "Ein Jugendbeirat begleitet das Projekt; die erste „Smart-City-Sprechstunde“ war ausgebucht.",
        _STRAT,
    ),
    _Template(
        "Der Austausch mit dem Modellprojekt {partner} hilft uns sehr, vor allem bei der Datenstrategie.",
        needs=("partner",),
    ),
    _Template("Beim Tag der offenen Tür haben wir Projekte & Prototypen gezeigt, mit großer Resonanz."),
    _Template(
        "Im „Digitalen Dorfladen“ kaufen inzwischen {coverage} % der Haushalte regelmäßig ein.",
        _IMPL,
        kinds=("Kleinstadt/Landgemeinde", "interkommunale Kooperation"),
    ),
    _Template(
        "Der Kreistag hat eine gemeinsame Datenstrategie für alle kreisangehörigen Gemeinden beschlossen.",
        kinds=("Landkreis",),
    ),
)

#: Invented ``challenge`` answers, after the obstacles named in FACTS §4 and §8.
CHALLENGES: tuple[_Template, ...] = (
    _Template("Vergabeverfahren dauern deutlich länger als geplant."),
    _Template(
        "Zwei Stellen im Bereich Datenmanagement sind seit {months} Monaten unbesetzt – der "
        "Fachkräftemangel bremst uns."
    ),
    _Template("Die Abstimmung mit dem Datenschutz zu Kamera- und Sensordaten kostet viel Zeit."),
    _Template(
        "Der Mittelabruf über die KfW ist aufwendig und bindet Personal, das in der Umsetzung fehlt.",
        _IMPL,
    ),
    _Template(
        "Preissteigerungen von bis zu {price} % bei Hardware & Bauleistungen sprengen die Kalkulation.",
        waves=("2022", "2023"),
    ),
    _Template(
        "Die Abstimmung zwischen den Partnern der Kooperation braucht mehr Zeit als gedacht.",
        kinds=("interkommunale Kooperation",),
    ),
    _Template(
        "Kreis und kreisangehörige Gemeinden haben unterschiedliche IT-Landschaften; das macht gemeinsame "
        "Lösungen schwer.",
        kinds=("Landkreis",),
    ),
    _Template(
        "Für IT-Stellen gehen kaum Bewerbungen ein; gegenüber der Wirtschaft sind wir beim Gehalt nicht "
        "konkurrenzfähig."
    ),
    _Template("Schnittstellen zu den Fachverfahren der Verwaltung fehlen, viele Daten liegen weiter in Silos."),
    _Template(
        "Lieferengpässe bei Sensorik und Halbleitern verzögern den Aufbau des LoRaWAN-Netzes.",
        waves=("2021", "2022"),
    ),
    _Template(
        "Wie die Maßnahmen nach Förderende weiterfinanziert werden, ist noch offen.",
        _IMPL,
        waves=("2022", "2023"),
    ),
    _Template("Bürokratie bei Änderungsanträgen: Jede Umschichtung im Maßnahmenplan dauert Wochen."),
    _Template(
        "„Smart City“ ist vor Ort erklärungsbedürftig; viele erwarten sofort sichtbare Ergebnisse.",
        _STRAT,
    ),
    _Template("Die Anforderungen an IT-Sicherheit sind hoch, externe Prüfungen teuer & langwierig.", _IMPL),
    _Template(
        "Die Pandemie hat Präsenzformate lange verhindert; online erreichen wir nicht alle Gruppen.",
        waves=("2021",),
    ),
    _Template(
        "Die Ausschreibung für die Datenplattform musste wiederholt werden, weil kein wirtschaftliches "
        "Angebot einging.",
        _IMPL,
    ),
)

_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
)
_COUNCILS = {
    "Großstadt": "Stadtrat",
    "Mittelstadt": "Stadtrat",
    "Kleinstadt/Landgemeinde": "Gemeinderat",
    "interkommunale Kooperation": "Lenkungskreis",
    "Landkreis": "Kreistag",
}
_AREAS = {
    "Großstadt": "Stadtgebiet",
    "Mittelstadt": "Stadtgebiet",
    "Kleinstadt/Landgemeinde": "Gemeindegebiet",
    "interkommunale Kooperation": "Projektgebiet",
    "Landkreis": "Kreisgebiet",
}
_APPS = ("Mein Quartier", "Dorffunk", "Klimakompass", "Stadtbote", "Wir im Viertel")


def _free_texts(
    wave: str,
    traits: pd.DataFrame,
    counts: pd.DataFrame,
    edges: pd.DataFrame,
    phase: np.ndarray,
    rng: np.random.Generator,
    like: str | None = None,
    empty: int | None = None,
) -> tuple[list[str], list[str]]:
    """Pick and fill a highlight and a challenge per respondent; blank a few (:data:`EMPTY_TEXTS`, or ``empty``).

    Templates are chosen as for wave ``like`` when given (a later wave uses the last bundled wave's).
    """
    mpsc_edges = edges[edges["partner_project_id"].notna()]
    partners = mpsc_edges.groupby("project_id")["partner_name"].agg(list)
    answers: dict[str, list[str]] = {"highlight": [], "challenge": []}
    for position, project_id in enumerate(traits.index):
        project = traits.loc[project_id]
        context = _text_context(wave, project, counts.loc[project_id], partners.get(project_id, []), rng)
        kind = project["kind"]
        for column, templates in (("highlight", HIGHLIGHTS), ("challenge", CHALLENGES)):
            fitting = [t for t in templates if t.fits(like or wave, kind, phase[position], context)]
            answers[column].append(fitting[rng.integers(len(fitting))].text.format(**context))
    blanks = rng.choice(len(traits) * len(TEXT_COLUMNS), size=EMPTY_TEXTS.get(wave, empty or 0), replace=False)
    for cell in blanks:
        answers[TEXT_COLUMNS[cell % len(TEXT_COLUMNS)]][cell // len(TEXT_COLUMNS)] = ""
    return answers["highlight"], answers["challenge"]


def _text_context(
    wave: str, project: pd.Series, counts: pd.Series, partners: list[str], rng: np.random.Generator
) -> dict[str, object]:
    """Values a template may use; counts not answered or below 2 are None (templates say "Maßnahmen")."""

    def count(column: str) -> int | None:
        value = counts[column]
        return None if pd.isna(value) or value < 2 else int(value)

    partner = partners[rng.integers(len(partners))].split(" (")[0] if partners else None
    return {
        "month": _MONTHS[rng.integers(len(_MONTHS))],
        "council": _COUNCILS[project["kind"]],
        "area": _AREAS[project["kind"]],
        "app": _APPS[rng.integers(len(_APPS))],
        "sensors": int(rng.integers(4, 26)) * 10,
        "gauges": int(rng.integers(6, 40)),
        "coverage": int(rng.integers(8, 19)) * 5,
        "price": int(rng.integers(3, 9)) * 5,
        "months": int(rng.integers(4, 15)),
        "partner": partner,
        "switched": bool(project["implementation_from"] == int(wave) and not project["direct"]),
        "datasets": count("datasets_total"),
        "participation": count("participation_total"),
        "positions": count("positions_new"),
        "planned": count("measures_planned"),
        "completed": count("measures_completed"),
        "continued": count("measures_continued"),
    }


# --- files ---------------------------------------------------------------------------------------


def _to_csv(frame: pd.DataFrame) -> str:
    r"""CSV text: UTF-8, comma, ``\n`` line ends, whole numbers without ``.0``, empty cell for no answer."""
    return frame.to_csv(index=False, lineterminator="\n")


def _dataset_yaml(seed: int, note: str = "") -> str:
    """The ``dataset.yaml`` describing the sample (``note`` added to its description); strings double-quoted."""

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    return (
        "# Written by `python -m mpsc_report.data.sample`; do not edit by hand.\n"
        f"name: {quoted(DATASET_NAME)}\n"
        "synthetic: true\n"
        f"seed: {seed}\n"
        f"generator: {quoted(GENERATOR)}\n"
        f"description: {quoted(DATASET_DESCRIPTION + note)}\n"
    )


def _main(argv: list[str] | None = None) -> None:
    """``python -m mpsc_report.data.sample [--waves N] [--out DIR]``: the bundled sample, or a longer history."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mpsc_report.data.sample", description=_main.__doc__)
    parser.add_argument("--waves", type=int, default=len(WAVES), help="waves to write (more than 3: invented later)")
    parser.add_argument("--out", type=Path, default=None, help="target folder (default: the package's sample)")
    args = parser.parse_args(argv)
    if args.waves != len(WAVES) and args.out is None:
        parser.error("a longer history needs --out DIR: the package's sample keeps its three waves")
    target = args.out or load.package_data_dir() / "sample"
    for written in write_sample(target) if args.waves == len(WAVES) else write_history(target, args.waves):
        print(written)


if __name__ == "__main__":
    _main()


#: System columns of a LimeSurvey response export, before the question columns.
LIMESURVEY_SYSTEM_COLUMNS: tuple[str, ...] = ("id", "submitdate", "lastpage", "startlanguage", "seed", "token")


def limesurvey_export(responses: pd.DataFrame, codebook: Codebook) -> bytes:
    """Write answers in our columns the way LimeSurvey exports them: question codes, answer codes, UTF-8 with BOM.

    The inverse of reading with the codebook, used to test the LimeSurvey intake on the sample (round trip).

    Parameters
    ----------
    responses : pandas.DataFrame
        Answers with :data:`~mpsc_report.data.schema.WAVE_COLUMNS` (e.g. a wave of the sample).
    codebook : Codebook
        The questionnaire's codebook; every column it maps must be in ``responses``.

    Returns
    -------
    bytes
        The CSV file's content (comma-separated, every value quoted, as LimeSurvey writes it).
    """
    system = {
        "id": [str(i) for i in range(1, len(responses) + 1)],
        "submitdate": [f"{d} 10:00:00" for d in responses["submitted"]],
        "lastpage": ["7"] * len(responses),
        "startlanguage": ["de"] * len(responses),
        "seed": [str(1000 + i) for i in range(len(responses))],
    }
    columns: dict[str, list[str]] = {}
    for column, spec in codebook.columns.items():
        if spec.question in system:
            columns[spec.question] = system.pop(spec.question)
            continue
        codes = {value: code for code, value in spec.answers.items()}
        columns[spec.question] = [
            "" if pd.isna(v) else codes.get(str(v), str(v)) for v in responses[column].astype("object")
        ]
    header = [c for c in LIMESURVEY_SYSTEM_COLUMNS if c in system or c in columns]
    header += [c for c in columns if c not in header]
    table = {**system, **columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(zip(*(table[c] for c in header), strict=True))
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
