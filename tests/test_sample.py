"""Tests of the project register and the synthetic sample shipped in ``mpsc_report/data``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpsc_report.data import load, sample
from mpsc_report.data.schema import (
    COUNT_COLUMNS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    EXCHANGE_KINDS,
    PARTICIPATION_FORMATS,
    PARTNER_COLUMNS,
    REGISTER_COLUMNS,
    WAVE_COLUMNS,
)

DATA = load.package_data_dir()
SAMPLE = DATA / "sample"
WAVES = ("2021", "2022", "2023")
FILES = [
    "wave_2021.csv",
    "wave_2022.csv",
    "wave_2023.csv",
    "partners_2021.csv",
    "partners_2022.csv",
    "partners_2023.csv",
    "dataset.yaml",
]

#: Published end-2023 figures (FACTS §5) and our split of measures; the sample must hit them exactly.
TARGETS_2023 = {
    "datasets_total": 1043,
    "participation_total": 2137,
    "positions_new": 298,
    "solutions_transferred": 86,
    "measures_completed": 225,
    "measures_continued": 144,
    "measures_open_source": 19,
    "partners_total": 876,
}

BLOCKS = {
    "measures": [c for c in COUNT_COLUMNS if c.startswith("measures_")],
    "datasets": ["datasets_total", *DATASET_THEMES],
    "participation": ["participation_total", *PARTICIPATION_FORMATS],
    "positions": ["positions_new"],
    "transfer": ["solutions_transferred"],
    "partners": ["partners_total", *EXCHANGE_KINDS],
}


def _read_raw(path: Path) -> pd.DataFrame:
    """Every cell as the text in the file; an empty cell is ""."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _counts(raw: pd.DataFrame) -> pd.DataFrame:
    """Count columns as Int64 indexed by project_id; empty cell = <NA>."""
    counts = raw.set_index("project_id")[list(COUNT_COLUMNS)]
    return counts.apply(lambda column: pd.to_numeric(column.replace("", None)).astype("Int64"))


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return load.load_register()


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {wave: _read_raw(SAMPLE / f"wave_{wave}.csv") for wave in WAVES}


@pytest.fixture(scope="module")
def counts(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {wave: _counts(frame) for wave, frame in raw.items()}


@pytest.fixture(scope="module")
def partners() -> dict[str, pd.DataFrame]:
    return {wave: _read_raw(SAMPLE / f"partners_{wave}.csv") for wave in WAVES}


# --- register ------------------------------------------------------------------------------------


def test_register_has_73_projects_with_unique_slug_ids(register: pd.DataFrame) -> None:
    assert len(register) == 73
    assert register["project_id"].is_unique
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in register["project_id"])
    assert register["project_id"].str.len().max() <= 32


def test_register_cohorts(register: pd.DataFrame) -> None:
    assert register["cohort"].value_counts().to_dict() == {"2019": 13, "2020": 32, "2021": 28}


@pytest.mark.parametrize(
    ("name_start", "project_id"),
    [
        ("Solingen", "solingen"),
        ("Amt Süderbrarup", "amt-suederbrarup"),
        ("Verband Region Rhein-Neckar", "verband-region-rhein-neckar"),
        ("Hamburg in Kooperation", "hamburg-leipzig-muenchen"),
        ("Haßfurt", "hassfurt"),
        ("Mönchengladbach", "moenchengladbach"),
        ("Kooperation 5 für Südwestfalen", "5-fuer-suedwestfalen"),
        ("Halle (Saale)", "halle-saale"),
    ],
)
def test_register_project_ids(register: pd.DataFrame, name_start: str, project_id: str) -> None:
    match = register.loc[register["name"].str.startswith(name_start), "project_id"]
    assert match.tolist() == [project_id]


def test_register_keeps_ags_as_text_with_leading_zeros(register: pd.DataFrame) -> None:
    ags = register.set_index("project_id")["ags"]
    assert ags["solingen"] == "05122000"
    assert ags["landkreis-wunsiedel"] == "09479"
    assert ags["amt-suederbrarup"] == "01059083"
    assert ags.str.fullmatch(r"\d{5}|\d{8}").all()
    # AGS is not a key: Mannheim and its regional association share the seat's AGS.
    assert ags["mannheim"] == ags["verband-region-rhein-neckar"] == "08222000"


def test_register_file_layout() -> None:
    text = (DATA / "projects.csv").read_bytes().decode("utf-8")
    assert "\r" not in text
    assert text.splitlines()[0] == ",".join(REGISTER_COLUMNS)
    assert text.endswith("\n")


# --- files and determinism -----------------------------------------------------------------------


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    written = sample.write_sample(tmp_path)
    assert [p.name for p in written] == FILES
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


@pytest.mark.parametrize("name", [n for n in FILES if n.endswith(".csv")])
def test_csv_layout(name: str) -> None:
    text = (SAMPLE / name).read_bytes().decode("utf-8")
    assert "\r" not in text
    assert text.endswith("\n")
    header = text.splitlines()[0].split(",")
    assert header == list(WAVE_COLUMNS if name.startswith("wave_") else PARTNER_COLUMNS)
    assert not re.search(r"(^|,)\d+\.0(,|$)", text, flags=re.MULTILINE), "counts must be whole numbers"


def test_dataset_yaml_marks_the_data_synthetic() -> None:
    info = load.load_dataset_info(SAMPLE)
    assert info.synthetic is True
    assert info.name == "MPSC-Monitoring – synthetische Beispieldaten"
    assert "synthetisch" in info.description.lower()
    assert "keine amtlichen Ergebnisse" in info.description
    content = load.read_yaml(SAMPLE / "dataset.yaml")
    assert content["seed"] == sample.SEED
    assert content["generator"] == "mpsc_report.data.sample"


@pytest.mark.parametrize("wave", WAVES)
def test_generated_frames_equal_what_load_wave_reads(register: pd.DataFrame, wave: str) -> None:
    responses, edges = sample.generate_sample(register)[wave]
    loaded = load.load_wave(SAMPLE, wave)
    pd.testing.assert_frame_equal(responses, loaded.responses)
    pd.testing.assert_frame_equal(edges, loaded.partners)


def test_generate_sample_does_not_modify_the_register(register: pd.DataFrame) -> None:
    before = register.copy()
    sample.generate_sample(register)
    pd.testing.assert_frame_equal(register, before)


@pytest.mark.parametrize("seed", [1, 2, 12345])
def test_calibration_is_exact_for_any_seed(register: pd.DataFrame, seed: int) -> None:
    responses, edges = sample.generate_sample(register, seed)["2023"]
    assert {c: int(responses[c].sum()) for c in TARGETS_2023} == TARGETS_2023
    assert len(edges) == 876


# --- 2023 calibration ----------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "total"), TARGETS_2023.items())
def test_2023_totals_match_published_figures(counts: dict[str, pd.DataFrame], column: str, total: int) -> None:
    assert counts["2023"][column].sum() == total


def test_2023_share_of_continued_measures_is_64_percent(counts: dict[str, pd.DataFrame]) -> None:
    final = counts["2023"]
    assert final["measures_continued"].sum() / final["measures_completed"].sum() == 0.64


def test_2023_measures_planned_and_started_over_600(counts: dict[str, pd.DataFrame]) -> None:
    final = counts["2023"]
    total = final[["measures_planned", "measures_in_progress", "measures_completed"]].to_numpy().sum()
    assert 600 <= total <= 640
    assert total == 624


def test_2023_every_project_answers_everything(raw: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    final = raw["2023"]
    assert sorted(final["project_id"]) == sorted(register["project_id"])
    assert not (final == "").any().any()


def test_2023_partners_twelve_on_average(counts: dict[str, pd.DataFrame], partners: dict[str, pd.DataFrame]) -> None:
    assert len(partners["2023"]) == 876
    assert counts["2023"]["partners_total"].mean() == 12.0
    assert counts["2023"]["partners_total"].min() >= 3


def test_2023_open_source_in_a_minority_of_projects(counts: dict[str, pd.DataFrame]) -> None:
    final = counts["2023"]
    having = final["measures_open_source"] > 0
    assert 5 <= having.sum() <= 20
    assert (final["measures_open_source"] <= final["measures_completed"] + final["measures_in_progress"]).all()


def test_2023_climate_and_mobility_are_the_largest_themes(counts: dict[str, pd.DataFrame]) -> None:
    themes = counts["2023"][list(DATASET_THEMES)].sum().sort_values(ascending=False)
    assert set(themes.index[:2]) == {"datasets_climate", "datasets_mobility"}
    assert (themes > 0).all()


def test_2023_larger_and_older_projects_report_more(counts: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    final = counts["2023"].join(register.set_index("project_id")[["kind", "cohort"]])
    by_kind = final.groupby("kind")["datasets_total"].mean()
    by_cohort = final.groupby("cohort")["measures_completed"].mean()
    assert by_kind["Großstadt"] > by_kind["Kleinstadt/Landgemeinde"]
    assert by_cohort["2019"] > by_cohort["2020"] > by_cohort["2021"]


# --- every wave: rows --------------------------------------------------------------------------


@pytest.mark.parametrize("wave", WAVES)
def test_wave_metadata(raw: dict[str, pd.DataFrame], register: pd.DataFrame, wave: str) -> None:
    frame = raw[wave]
    assert frame["respondent_id"].tolist() == [f"R{wave}-{n:03d}" for n in range(1, len(frame) + 1)]
    assert (frame["wave"] == wave).all()
    assert frame["project_id"].is_unique
    assert frame["project_id"].isin(register["project_id"]).all()
    assert frame["phase"].isin(["strategy", "implementation"]).all()
    first, last = sample.FIELD_PERIODS[wave]
    submitted = frame["submitted"].map(date.fromisoformat)
    assert submitted.between(first, last).all()
    assert submitted.is_monotonic_increasing  # respondents are numbered in order of submission


@pytest.mark.parametrize("wave", WAVES)
def test_rows_are_internally_consistent(counts: dict[str, pd.DataFrame], wave: str) -> None:
    frame = counts[wave]
    answered = frame.dropna(subset=["datasets_total"])
    assert (answered["datasets_total"] == answered[list(DATASET_THEMES)].sum(axis=1)).all()
    answered = frame.dropna(subset=["participation_total"])
    assert (answered["participation_total"] == answered[list(PARTICIPATION_FORMATS)].sum(axis=1)).all()
    answered = frame.dropna(subset=["partners_total"])
    assert (answered["partners_total"] == answered[list(EXCHANGE_KINDS)].sum(axis=1)).all()
    answered = frame.dropna(subset=["measures_completed"])
    assert (answered["measures_continued"] <= answered["measures_completed"]).all()
    assert (frame.fillna(0) >= 0).all().all()


@pytest.mark.parametrize("wave", WAVES)
def test_blocks_are_answered_whole_or_not_at_all(counts: dict[str, pd.DataFrame], wave: str) -> None:
    for block, columns in BLOCKS.items():
        missing = counts[wave][columns].isna()
        assert (missing.all(axis=1) | ~missing.any(axis=1)).all(), block


@pytest.mark.parametrize("wave", WAVES)
def test_partner_counts_match_the_edge_list(
    counts: dict[str, pd.DataFrame], partners: dict[str, pd.DataFrame], wave: str
) -> None:
    edges = partners[wave]
    frame = counts[wave]
    answered = frame.dropna(subset=["partners_total"])
    by_kind = pd.crosstab(edges["project_id"], edges["exchange"]).rename(columns=EXCHANGE_CODES)
    by_kind = by_kind.reindex(index=answered.index, columns=list(EXCHANGE_KINDS), fill_value=0)
    assert (answered[list(EXCHANGE_KINDS)].astype(int) == by_kind).all().all()
    # Projects that did not answer (the block or the wave) have no edges in that wave.
    assert set(edges["project_id"]) <= set(answered.index)


@pytest.mark.parametrize("wave", WAVES)
def test_partner_links_are_simple(partners: dict[str, pd.DataFrame], register: pd.DataFrame, wave: str) -> None:
    edges = partners[wave]
    assert set(edges["exchange"]) <= set(EXCHANGE_CODES)
    assert not edges.duplicated(["project_id", "partner_name"]).any()
    mpsc = edges[edges["partner_project_id"] != ""]
    names = register.set_index("project_id")["name"]
    assert (mpsc["partner_name"] == mpsc["partner_project_id"].map(names)).all()
    assert (mpsc["partner_project_id"] != mpsc["project_id"]).all()
    pairs = {frozenset(pair) for pair in zip(mpsc["project_id"], mpsc["partner_project_id"], strict=True)}
    assert len(pairs) == len(mpsc), "a pair of model projects appears in both directions"
    others = edges[edges["partner_project_id"] == ""]
    assert not others["partner_name"].isin(register["name"]).any()
    assert others["partner_name"].isin(_non_funded_names()).all()


def test_2023_links_mostly_to_non_funded_towns(partners: dict[str, pd.DataFrame]) -> None:
    edges = partners["2023"]
    assert (edges["partner_project_id"] != "").sum() == 292  # a third of 876
    shares = edges["exchange"].value_counts(normalize=True)
    assert 0.40 <= shares["knowledge_exchange"] <= 0.50
    for code in ("role_model", "joint_development"):
        assert 0.15 <= shares[code] <= 0.25
    assert 0.10 <= shares["transfer"] <= 0.20


def test_links_favour_the_same_state(partners: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    states = register.set_index("project_id")["state"]
    mpsc = partners["2023"][partners["2023"]["partner_project_id"] != ""]
    same = (mpsc["project_id"].map(states) == mpsc["partner_project_id"].map(states)).mean()
    by_chance = (states.value_counts(normalize=True) ** 2).sum()
    assert same > 1.5 * by_chance


def test_non_funded_towns_are_not_model_projects(register: pd.DataFrame) -> None:
    names = _non_funded_names()
    assert 140 <= len(names) <= 160
    assert len(set(names)) == len(names)
    register_words = {w for name in register["name"] for w in re.findall(r"\w{4,}", name)}
    clashes = [n for n in names if re.findall(r"\w{4,}", n)[0] in register_words]
    assert clashes == []


# --- across waves --------------------------------------------------------------------------------


def test_respondents_per_wave(raw: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    assert {wave: len(frame) for wave, frame in raw.items()} == {"2021": 62, "2022": 68, "2023": 73}
    everyone = set(register["project_id"])
    missing_2021 = everyone - set(raw["2021"]["project_id"])
    missing_2022 = everyone - set(raw["2022"]["project_id"])
    assert missing_2021.isdisjoint(missing_2022)


@pytest.mark.parametrize(("wave", "skipped_blocks"), [("2021", 3), ("2022", 2), ("2023", 0)])
def test_item_nonresponse(counts: dict[str, pd.DataFrame], wave: str, skipped_blocks: int) -> None:
    rows_with_gap = counts[wave].isna().any(axis=1)
    assert rows_with_gap.sum() == skipped_blocks


@pytest.mark.parametrize(("earlier", "later"), [("2021", "2022"), ("2022", "2023"), ("2021", "2023")])
def test_cumulative_counts_never_decrease(counts: dict[str, pd.DataFrame], earlier: str, later: str) -> None:
    both = counts[earlier].index.intersection(counts[later].index)
    before, after = counts[earlier].loc[both], counts[later].loc[both]
    decreased = (after < before).fillna(False)
    assert not decreased.any().any(), decreased.stack()[lambda s: s].index.tolist()


@pytest.mark.parametrize(("earlier", "later"), [("2021", "2022"), ("2022", "2023")])
def test_partner_lists_grow(partners: dict[str, pd.DataFrame], earlier: str, later: str) -> None:
    def links(wave: str) -> dict[str, set[tuple[str, str]]]:
        edges = partners[wave]
        keys = zip(edges["partner_name"], edges["exchange"], strict=True)
        return pd.Series(list(keys)).groupby(edges["project_id"].to_numpy()).agg(set).to_dict()

    before, after = links(earlier), links(later)
    assert all(before[p] <= after[p] for p in before if p in after)


@pytest.mark.parametrize(
    ("wave", "low", "high"),
    [("2021", 0.20, 0.35), ("2022", 0.55, 0.70)],
)
@pytest.mark.parametrize(
    "column",
    [
        "datasets_total",
        "participation_total",
        "positions_new",
        "solutions_transferred",
        "measures_completed",
        "partners_total",
    ],
)
def test_earlier_wave_totals(counts: dict[str, pd.DataFrame], wave: str, low: float, high: float, column: str) -> None:
    share = counts[wave][column].sum() / counts["2023"][column].sum()
    assert low <= share <= high


def test_cohort_2021_reports_little_in_2021(counts: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    cohort = register.set_index("project_id")["cohort"]
    first = counts["2021"].join(cohort)
    per_project = first.groupby("cohort")["datasets_total"].mean()
    assert per_project["2021"] < 0.25 * per_project["2019"]


def test_phases(raw: dict[str, pd.DataFrame], register: pd.DataFrame) -> None:
    cohort = register.set_index("project_id")["cohort"]
    phase = {wave: frame.set_index("project_id")["phase"] for wave, frame in raw.items()}
    implementing = {wave: (p == "implementation").sum() for wave, p in phase.items()}
    assert implementing == {"2021": 15, "2022": 18, "2023": 60}
    strategy_2023 = phase["2023"][phase["2023"] == "strategy"].index
    assert set(cohort[strategy_2023]) == {"2021"}
    # No project goes back from implementation to strategy.
    for earlier, later in (("2021", "2022"), ("2022", "2023"), ("2021", "2023")):
        both = phase[earlier].index.intersection(phase[later].index)
        went_back = (phase[earlier][both] == "implementation") & (phase[later][both] == "strategy")
        assert not went_back.any()
    # Projects of cohorts 2020/2021 implementing in 2021 skipped the Strategiephase: at most 12 such.
    early = phase["2021"][phase["2021"] == "implementation"].index
    assert (cohort[early] != "2019").sum() <= 12


# --- free text -----------------------------------------------------------------------------------


def test_free_text(raw: dict[str, pd.DataFrame]) -> None:
    texts = pd.concat([frame[["highlight", "challenge"]] for frame in raw.values()])
    assert (raw["2023"][["highlight", "challenge"]] != "").all().all()
    empty = {wave: int((frame[["highlight", "challenge"]] == "").sum().sum()) for wave, frame in raw.items()}
    assert empty == {"2021": 3, "2022": 2, "2023": 0}
    answers = texts.stack()
    answers = answers[answers != ""]
    assert answers.str.len().between(30, 200).all()
    assert not answers.str.contains(r"[<>*_#`\[\]{}]").any(), "no markup or unfilled placeholders"
    joined = " ".join(answers)
    for character in ("„", "“", "&", "%", "–", "ß", "ä", "ö", "ü"):
        assert character in joined
    assert answers.nunique() >= 60


# --- apportionment -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "caps", "expected"),
    [
        (10, [1, 1, 1], None, [4, 3, 3]),  # tie on remainders: first gets the extra seat
        (7, [0.5, 0.3, 0.2], None, [4, 2, 1]),  # quotas 3.5, 2.1, 1.4
        (5, [1, 0, 1], None, [3, 0, 2]),  # zero weight gets nothing
        (6, [10, 1, 1], [2, 5, 5], [2, 2, 2]),  # capped element, rest shared
        (0, [1, 2], None, [0, 0]),
    ],
)
def test_apportion(total: int, weights: list[float], caps: list[int] | None, expected: list[int]) -> None:
    result = sample._apportion(total, np.array(weights, dtype=float), None if caps is None else np.array(caps))
    assert result.tolist() == expected
    assert result.sum() == total


def test_apportion_refuses_impossible_caps() -> None:
    with pytest.raises(ValueError, match="cannot apportion 10"):
        sample._apportion(10, np.array([1.0, 1.0]), caps=np.array([3, 4]))


def _non_funded_names() -> list[str]:
    return [name for names in sample.NON_FUNDED_MUNICIPALITIES.values() for name in names]


# --- a longer history ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    sample.write_history(folder, waves=6)
    return folder


def test_a_longer_history_keeps_the_bundled_waves_byte_identical(history: Path) -> None:
    later = ["2024", "2025", "2026"]
    assert sorted(p.name for p in history.iterdir()) == sorted(
        [*FILES, *(f"wave_{w}.csv" for w in later), *(f"partners_{w}.csv" for w in later)]
    )
    for name in FILES[:-1]:
        assert (history / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert "Die Wellen 2024 bis 2026 sind fortgeschrieben" in (history / "dataset.yaml").read_text(encoding="utf-8")
    again = history.parent / "again"
    sample.write_history(again, waves=6)
    assert all((again / p.name).read_bytes() == p.read_bytes() for p in history.iterdir())  # deterministic


@pytest.mark.parametrize("wave", ["2024", "2025", "2026"])
def test_later_waves_pass_validation_and_look_like_their_wave(history: Path, wave: str, tmp_path: Path) -> None:
    from mpsc_report.data.params import load_params
    from mpsc_report.data.waves import open_waves

    start, end = sample.field_period(int(wave))
    params = tmp_path / f"{wave}.yaml"
    params.write_text(
        f'wave: "{wave}"\ntitle: "T"\nsubtitle: "S"\nfield_start: "{start}"\nfield_end: "{end}"\n'
        f'report_date: "{int(wave) + 1}-02-07"\ndata: "{history}"\nlanguage: "de"\ncomparison_wave: null\n'
        'publisher: "P"\n',
        encoding="utf-8",
    )
    waves = open_waves(load_params(params))
    assert list(waves.waves) == [str(y) for y in range(2021, int(wave) + 1)] and not waves.failures
    raw = _read_raw(history / f"wave_{wave}.csv")
    assert len(raw) == 73 - sample.LATER_GAPS[0]
    assert raw["respondent_id"].str.fullmatch(rf"R{wave}-\d{{3}}").all()
    submitted = pd.to_datetime(raw["submitted"]).dt.date
    assert submitted.between(start, end).all() and start.weekday() == 0 and end.weekday() == 4


def test_later_waves_grow_and_stay_consistent(history: Path) -> None:
    counts = {w: _counts(_read_raw(history / f"wave_{w}.csv")) for w in ("2023", "2024", "2025", "2026")}
    for earlier, later in (("2023", "2024"), ("2024", "2025"), ("2025", "2026")):
        both = counts[earlier].index.intersection(counts[later].index)
        assert not (counts[later].loc[both] < counts[earlier].loc[both]).fillna(False).any().any()
        before, after = (counts[w]["datasets_total"].sum() for w in (earlier, later))
        assert 1.05 * before < after < 1.3 * before
    for frame in counts.values():
        answered = frame.dropna()
        assert (answered["datasets_total"] == answered[list(DATASET_THEMES)].sum(axis=1)).all()
        assert (answered["measures_continued"] <= answered["measures_completed"]).all()


def test_field_periods_of_the_bundled_waves_follow_the_rule() -> None:
    for wave, period in sample.FIELD_PERIODS.items():
        assert sample.field_period(int(wave)) == period
    with pytest.raises(ValueError, match="at least the 3 bundled waves"):
        sample.generate_history(load.load_register(), waves=2)
