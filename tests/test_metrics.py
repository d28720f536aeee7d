"""Metric functions: the 2023 sample reproduces the published figures; edge cases on tiny frames."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from mpsc_report.analysis import metrics
from mpsc_report.data.load import load_register, load_wave, package_data_dir
from mpsc_report.data.schema import (
    COHORTS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    KINDS,
    MEASURE_STATES,
    PARTICIPATION_FORMATS,
)

SAMPLE = package_data_dir() / "sample"


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return load_register()


@pytest.fixture(scope="module")
def wave2023():
    return load_wave(SAMPLE, "2023")


@pytest.fixture(scope="module")
def kf2023(wave2023, register) -> metrics.KeyFigures:
    return metrics.key_figures(wave2023.responses, wave2023.partners, register)


def test_2023_sample_reproduces_the_published_figures(kf2023):
    # FACTS.md §5: monitoring survey end of 2023, published Feb 2024.
    assert kf2023.datasets > 1000
    assert kf2023.participation > 2000
    assert kf2023.positions == 298
    assert kf2023.solutions_transferred == 86
    assert round(kf2023.continuation_share * 100) == 64
    assert kf2023.open_source == 19
    assert round(kf2023.partners_mean) == 12
    assert 850 <= kf2023.partner_links < 900  # "fast 900 Netzwerkverbindungen": each naming of a partner
    assert kf2023.partners_answered == 73 and kf2023.model_project_links == 292  # pairs of model projects, once
    assert kf2023.respondents == kf2023.projects == 73


def test_breakdowns_add_up_to_the_key_figures(wave2023, register, kf2023):
    assert metrics.datasets_by_theme(wave2023.responses).sum() == kf2023.datasets
    assert metrics.participation_by_format(wave2023.responses).sum() == kf2023.participation
    assert metrics.positions_by_kind(wave2023.responses, register).sum() == kf2023.positions
    assert metrics.exchange_by_kind(wave2023.responses).sum() == kf2023.partner_links
    assert len(wave2023.partners) == kf2023.partner_links  # the partner list names each of them
    assert metrics.measures_by_state(wave2023.responses, register).to_numpy().sum() == kf2023.measures_total
    assert metrics.projects_by_state(register).sum() == 73
    assert "Bremen" not in metrics.projects_by_state(register).index


def test_results_speak_codes_on_named_axes(wave2023, register):
    themes = metrics.datasets_by_theme(wave2023.responses)
    assert (themes.index.name, themes.name, tuple(themes.index)) == ("theme", "datasets_total", DATASET_THEMES)
    formats = metrics.participation_by_format(wave2023.responses)
    assert (formats.index.name, tuple(formats.index)) == ("format", PARTICIPATION_FORMATS)
    exchange = metrics.exchange_by_kind(wave2023.responses)
    assert (exchange.index.name, list(exchange.index)) == ("exchange", list(EXCHANGE_CODES))
    positions = metrics.positions_by_kind(wave2023.responses, register)
    assert (positions.index.name, tuple(positions.index)) == ("kind", KINDS)
    measures = metrics.measures_by_state(wave2023.responses, register, by="kind")
    assert (measures.index.name, measures.columns.name, tuple(measures.columns)) == (
        "kind",
        "measure_state",
        MEASURE_STATES,
    )
    means = metrics.means_per_project(wave2023.responses, register, by="cohort")
    assert (tuple(means.index), means.columns.name, tuple(means.columns)) == (
        COHORTS,
        "per_project",
        metrics.HEADLINE_INDICATORS,
    )
    response = metrics.respondents_by(wave2023.responses, register, by="cohort")
    assert (
        list(response.columns) == ["projects", "respondents", "response_rate"] and response.columns.name == "response"
    )
    assert metrics.projects_by_state(register).index.name == "state"


def test_the_registers_kinds_become_codes_and_an_unknown_kind_is_named():
    assert metrics.with_kind_codes(REGISTER)["kind"].tolist() == ["large_city", "large_city", "medium_town"]
    assert REGISTER["kind"].tolist() == ["Großstadt", "Großstadt", "Mittelstadt"]  # the input is not changed
    assert metrics.project_record(REGISTER, "c")["kind"] == "medium_town"
    odd = REGISTER.assign(kind=["Großstadt", "Metropole", "Mittelstadt"])
    with pytest.raises(ValueError, match=r"\['Metropole'\].*KIND_CODES"):
        metrics.respondents_by(_responses(), odd, by="kind")


def test_network_nodes_and_edges(wave2023, register, kf2023):
    nodes, edges = metrics.network(wave2023.responses, wave2023.partners, register)
    assert len(nodes) == 73
    assert nodes["size"].sum() == kf2023.partner_links
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["node"])
    assert not edges.duplicated().any()
    assert (edges["source"] < edges["target"]).all()


def _responses(**columns) -> pd.DataFrame:
    base = {
        "respondent_id": ["R1", "R2"],
        "project_id": ["a", "b"],
        "wave": ["2023", "2023"],
        "phase": ["strategy", "implementation"],
    }
    frame = pd.DataFrame({**base, **columns})
    for column in (
        "measures_completed",
        "measures_continued",
        "datasets_total",
        "participation_total",
        "positions_new",
        "solutions_transferred",
        "measures_planned",
        "measures_in_progress",
        "measures_open_source",
        "partners_total",
    ):
        if column not in frame:
            frame[column] = pd.array([1, 1], dtype="Int64")
    return frame


REGISTER = pd.DataFrame(
    {
        "project_id": ["a", "b", "c"],
        "name": ["Aachen", "Bonn", "Celle"],
        "kind": ["Großstadt", "Großstadt", "Mittelstadt"],
        "state": ["Nordrhein-Westfalen", "Nordrhein-Westfalen", "Niedersachsen"],
        "cohort": ["2019", "2020", "2021"],
    }
)
EDGES = pd.DataFrame(
    {
        "project_id": ["a", "b", "a", "a"],
        "partner_name": ["Bonn", "Aachen", "Celle", "Essen"],
        "partner_project_id": ["b", "a", "c", pd.NA],
        "exchange": ["transfer", "role_model", "knowledge_exchange", "knowledge_exchange"],
    }
)


def test_mutual_naming_is_one_pair_of_model_projects_but_two_network_links():
    responses = _responses(partners_total=pd.array([3, 1], dtype="Int64"))
    assert metrics.model_project_pairs(responses, EDGES) == [("a", "b"), ("a", "c")]
    assert metrics.key_figures(responses, EDGES, REGISTER).partner_links == 4  # a names 3, b names 1
    table = metrics.network_table(responses, EDGES, REGISTER)
    assert table["links_to_model_projects"].tolist() == [2, 1, 1]  # c named nobody, but a named c
    assert table.loc["a", "partners_model_projects"] == 2 and math.isnan(table.loc["c", "partners_total"])


def test_continuation_share_ignores_projects_that_skipped_either_item():
    responses = _responses(
        measures_completed=pd.array([10, 5], dtype="Int64"),
        measures_continued=pd.array([6, pd.NA], dtype="Int64"),
    )
    kf = metrics.key_figures(responses, EDGES, REGISTER)
    assert kf.continuation_share == pytest.approx(0.6)
    assert kf.measures_completed == 15  # the total still counts every answer
    assert kf.respondents == 2 and kf.projects == 3
    assert kf.response_rate == pytest.approx(2 / 3)


def test_no_completed_measures_gives_nan_not_zero_division():
    responses = _responses(
        measures_completed=pd.array([0, 0], dtype="Int64"), measures_continued=pd.array([0, 0], dtype="Int64")
    )
    assert math.isnan(metrics.key_figures(responses, EDGES, REGISTER).continuation_share)


def test_key_figures_refuse_mixed_waves():
    responses = _responses()
    responses.loc[1, "wave"] = "2022"
    with pytest.raises(ValueError, match="exactly one wave"):
        metrics.key_figures(responses, EDGES, REGISTER)


def test_means_per_project_drop_groups_without_answers():
    responses = _responses(datasets_total=pd.array([10, 30], dtype="Int64"))
    means = metrics.means_per_project(responses, REGISTER, by="cohort")
    assert list(means.index) == ["2019", "2020"]
    assert means.loc["2020", "datasets_total"] == 30


def test_answers_from_unknown_projects_are_refused():
    responses = _responses()
    responses.loc[1, "project_id"] = "zz"
    with pytest.raises(ValueError, match=r"missing from the register: \['zz'\]"):
        metrics.means_per_project(responses, REGISTER, by="kind")


def test_trend_keeps_gaps():
    kf = metrics.key_figures(_responses(), EDGES, REGISTER)
    frame = metrics.trend({"2021": kf, "2022": None, "2023": kf}, ["2021", "2022", "2023"])
    assert list(frame.index) == ["2021", "2022", "2023"]
    assert frame.loc["2022"].isna().all()
    assert frame.loc["2023", "datasets_total"] == 2


def test_respondents_by_kind(register):
    responses = _responses()
    table = metrics.respondents_by(responses, REGISTER, by="kind")
    assert table.loc["large_city", "response_rate"] == 1.0
    assert table.loc["medium_town", "respondents"] == 0


def test_metrics_do_not_mutate_inputs(wave2023, register):
    before = wave2023.responses.copy()
    metrics.means_per_project(wave2023.responses, register, by="kind")
    metrics.measures_by_state(wave2023.responses, register, by="cohort")
    pd.testing.assert_frame_equal(before, wave2023.responses)


def test_free_text_answers_skip_empty(register):
    responses = _responses(highlight=["Sensoren & „Daten“", "  "])
    answers = metrics.free_text_answers(responses, REGISTER, "highlight")
    assert answers.to_dict("records") == [{"name": "Aachen", "text": "Sensoren & „Daten“"}]


def test_free_text_answers_list_a_repeated_answer_once():
    responses = _responses(highlight=["Vergabe dauert.", "Vergabe dauert."])
    answers = metrics.free_text_answers(responses, REGISTER, "highlight")
    assert answers.to_dict("records") == [{"name": "Aachen", "text": "Vergabe dauert."}]


def test_sample_folder_is_marked_synthetic():
    assert load_wave(SAMPLE, "2023").dataset.synthetic is True
    assert Path(SAMPLE, "dataset.yaml").exists()


# --------------------------------------------------------------------------- one project (factsheet)


def _tiny_wave() -> tuple[pd.DataFrame, pd.DataFrame]:
    register = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d"],
            "name": ["Aach", "Kooperation Bergland (Berg, Tal, Hügel, Senke)", "Cham", "Dorf"],
            "kind": ["Großstadt", "interkommunale Kooperation", "Großstadt", "Großstadt"],
            "state": ["Bayern"] * 4,
            "cohort": ["2019", "2019", "2020", "2019"],
        }
    )
    counts = {column: [10, 20, 30, None] for column in metrics.HEADLINE_INDICATORS}
    counts["datasets_total"] = [10, 21, 30, 4]
    responses = pd.DataFrame({"project_id": ["a", "b", "c", "d"], "wave": "2023", **counts})
    for column in metrics.HEADLINE_INDICATORS:
        responses[column] = responses[column].astype("Int64")
    return responses, register


def test_project_comparison_medians_of_cohort_and_kind_skip_missing_items():
    responses, register = _tiny_wave()
    result = metrics.project_comparison(responses, register, "a")
    table = result.table
    assert list(table.index) == ["project", "cohort", "kind"] and result.short_name == "Aach"
    assert (result.cohort, result.kind) == ("2019", "large_city")
    assert list(table.columns) == list(metrics.HEADLINE_INDICATORS)
    assert table.loc["project", "datasets_total"] == 10
    assert table.loc["cohort", "datasets_total"] == 10  # a, b, d: 10, 21, 4
    assert table.loc["kind", "datasets_total"] == 10  # a, c, d: 10, 30, 4
    assert table.loc["cohort", "positions_new"] == 15  # d left it empty: median of 10 and 20
    assert (result.answered, result.cohort_n, result.kind_n) == (True, 3, 3)


def test_project_comparison_of_a_project_without_answers_keeps_the_medians():
    responses, register = _tiny_wave()
    result = metrics.project_comparison(responses[responses["project_id"] != "b"], register, "b")
    assert not result.answered
    assert result.short_name == "Bergland" and result.table.loc["project"].isna().all()
    assert result.kind == "cooperation"  # "Median der interkommunalen Kooperationen" in words
    assert result.table.loc["kind"].isna().all()  # nobody of its kind answered
    assert result.table.loc["cohort", "datasets_total"] == 7


def test_project_comparison_does_not_mutate_its_inputs():
    responses, register = _tiny_wave()
    before = responses.copy(), register.copy()
    metrics.project_comparison(responses, register, "a")
    pd.testing.assert_frame_equal(responses, before[0])
    pd.testing.assert_frame_equal(register, before[1])


def test_project_trend_leaves_unanswered_waves_as_gaps():
    responses, _ = _tiny_wave()
    by_wave = {"2022": responses[responses["project_id"] != "a"], "2021": responses, "2023": responses}
    trend = metrics.project_trend(by_wave, "a")
    assert list(trend.index) == ["2021", "2022", "2023"]
    assert list(trend.columns) == list(metrics.TREND_INDICATORS)
    assert trend.loc["2022"].isna().all()
    assert trend.loc["2023", "datasets_total"] == 10


def test_project_partners_by_kind_with_model_projects_marked():
    partners = pd.DataFrame(
        {
            "project_id": ["a", "a", "a", "b"],
            "partner_name": ["Zell", "Kooperation Bergland (Berg, Tal, Hügel, Senke)", "Aue", "Aach"],
            "partner_project_id": [None, "b", "", "a"],
            "exchange": ["knowledge_exchange", "knowledge_exchange", "transfer", "transfer"],
        }
    )
    answers = _responses(
        partners_total=pd.array([3, 1], dtype="Int64"),
        partners_role_model=pd.array([0, 0], dtype="Int64"),
        partners_knowledge_exchange=pd.array([2, 0], dtype="Int64"),
        partners_joint_development=pd.array([0, 0], dtype="Int64"),
        partners_transfer=pd.array([1, 1], dtype="Int64"),
    )
    table = metrics.project_partners(answers, partners, "a")
    count, among, names = metrics.PARTNER_TABLE_COLUMNS
    assert list(table.index) == ["role_model", "knowledge_exchange", "joint_development", "transfer"]
    assert table[count].tolist() == [0, 2, 0, 1]
    assert table[among].tolist() == [0, 1, 0, 0]
    assert table.loc["knowledge_exchange", names] == "Bergland*, Zell"
    assert table.loc["role_model", names] == ""


def test_project_record_unknown_key():
    _, register = _tiny_wave()
    assert metrics.project_record(register, "c")["name"] == "Cham"
    with pytest.raises(KeyError):
        metrics.project_record(register, "x")


# --------------------------------------------------------------------------- missing is not zero


def test_a_group_or_item_nobody_answered_is_unknown_not_zero():
    responses = _responses(positions_new=pd.array([pd.NA, pd.NA], dtype="Int64"))
    by_kind = metrics.positions_by_kind(responses, REGISTER)
    assert by_kind.isna().all()  # nobody answered: unknown in every kind, never 0
    measures = metrics.measures_by_state(responses.iloc[:1], REGISTER, by="cohort")
    assert measures.loc["2019"].tolist() == [1, 1, 1] and measures.loc["2021"].isna().all()  # no answer from 2021
    themes = metrics.datasets_by_theme(responses.assign(**{c: pd.NA for c in DATASET_THEMES}))
    assert themes.isna().all()


def test_network_table_marks_who_did_not_answer_and_counts_links_either_side():
    responses = _responses(partners_total=pd.array([3, pd.NA], dtype="Int64"))
    table = metrics.network_table(responses, EDGES, REGISTER)
    assert (table.index.name, table.columns.name) == ("project", "network")
    assert list(table.columns) == ["cohort", "partners_total", "partners_model_projects", "links_to_model_projects"]
    assert table.loc["a", "partners_total"] == 3 and table.loc["a", "partners_model_projects"] == 2
    # b answered the wave but not the partner question, c did not answer at all: unknown, not 0
    assert math.isnan(table.loc["b", "partners_total"]) and math.isnan(table.loc["c", "partners_model_projects"])
    # b's own naming of a does not count (it did not answer the question), a's naming of b does
    assert table["links_to_model_projects"].tolist() == [2, 1, 1]
    kf = metrics.key_figures(responses, EDGES, REGISTER)
    assert (kf.partner_links, kf.partners_answered, kf.model_project_links) == (3, 1, 2)
    nodes, edges = metrics.network(responses, EDGES, REGISTER)
    assert math.isnan(nodes.set_index("node").loc["b", "size"]) and len(edges) == 2


def test_project_partners_of_a_project_that_did_not_answer_are_unknown():
    table = metrics.project_partners(_responses(), EDGES, "c")
    assert table["partners_total"].isna().all() and table["partners_model_projects"].isna().all()
    assert (table["names"] == "").all()


def test_trend_per_project_divides_by_those_who_answered_the_item():
    responses = {
        "2022": _responses(datasets_total=pd.array([10, pd.NA], dtype="Int64")),
        "2023": _responses(datasets_total=pd.array([10, 20], dtype="Int64")),
    }
    means = metrics.trend_per_project(responses, ["2021", "2022", "2023"])
    assert (means.index.name, means.columns.name) == ("wave", "per_project")
    assert means.loc["2022", "datasets_total"] == 10 and means.loc["2023", "datasets_total"] == 15
    assert means.loc["2021"].isna().all()  # no data for the wave: a gap


def test_trend_shows_the_response_beside_the_totals(wave2023, register, kf2023):
    trend = metrics.trend({"2023": kf2023}, ["2022", "2023"])
    assert list(trend.columns) == ["respondents", *metrics.TREND_INDICATORS]
    assert trend.loc["2023", "respondents"] == 73 and trend.loc["2022"].isna().all()
