"""The indicator catalogue: complete entries, one source per label, keys that round-trip, numbers read off frames."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import mpsc_report as mr
from mpsc_report.analysis import indicators, metrics
from mpsc_report.analysis.indicators import (
    BY_ID,
    DIMENSIONS,
    INDICATORS,
    KEY_FIGURE_INDICATORS,
    catalogue_rows,
    frame_numbers,
    number_key,
    parse_key,
    with_dims,
)
from mpsc_report.analysis.metrics import KeyFigures
from mpsc_report.analysis.numbers import wave_numbers
from mpsc_report.analysis.words import CATALOGUE_KEYS, MESSAGES, describe_key, t

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_every_entry_is_complete_in_both_languages(indicator):
    for language in ("de", "en"):
        assert indicator.label[language].strip()
        definition = indicator.definition[language]
        assert definition.endswith(".") and len(definition) > 40  # one whole sentence, not a label
        assert indicator.terms[language], "its words in prose, for the QA gates"
        for group in indicator.terms[language]:
            for term in group:
                re.compile(term)
    assert indicator.unit in ("count", "percent", "per_project")
    assert indicator.period in ("cumulative", "survey", "register")
    assert indicator.base in ("all", "responding", "item", "both_items", "project", "file")
    assert indicator.of is None or indicator.of in BY_ID


def test_ids_are_unique_and_the_words_of_codes_exist():
    assert len(BY_ID) == len(INDICATORS)
    for code in ("unit", "period", "base"):
        for indicator in INDICATORS:
            for language in ("de", "en"):
                assert f"{code}.{getattr(indicator, code)}" in MESSAGES[language]


def test_labels_and_definitions_have_one_source_the_catalogue():
    for indicator in INDICATORS:
        for language in ("de", "en"):
            assert t(f"indicator.{indicator.id}", language) == indicator.label[language]
            assert t(f"definition.{indicator.id}", language) == indicator.definition[language]
            if indicator.tile:
                assert t(f"tile.{indicator.id}", language) == indicator.tile[language]
    # No label of a published indicator is typed a second time in the word catalogue as another code's word
    # (the grammatical forms after a number, "noun.*", and the German texts of notebooks are not labels).
    labels = {i.label["de"] for i in INDICATORS}
    elsewhere = [
        key
        for key, word in MESSAGES["de"].items()
        if word in labels and "." in key and key not in CATALOGUE_KEYS and not key.startswith("noun.")
    ]
    assert elsewhere == []


def test_every_key_figure_is_an_indicator():
    fields = set(KeyFigures.__dataclass_fields__) - {"wave", "partners_answered"}
    assert fields == set(KEY_FIGURE_INDICATORS)
    assert set(KEY_FIGURE_INDICATORS.values()) <= set(BY_ID)


@pytest.mark.parametrize(
    ("id", "dims", "key"),
    [
        ("datasets_total", {}, "datasets_total"),
        ("datasets_total", {"theme": "datasets_climate"}, "datasets_total[theme=datasets_climate]"),
        ("partners_total", {"project": "koeln", "wave": "2022"}, "partners_total[project=koeln,wave=2022]"),
        ("datasets_total", {"stat": "median", "cohort": "2020"}, "datasets_total[cohort=2020,stat=median]"),
        ("rows_rejected", {"rule": "doppelte Kennung"}, "rows_rejected[rule=doppelte Kennung]"),
    ],
)
def test_keys_list_dimensions_in_one_order_and_round_trip(id, dims, key):
    assert number_key(id, **dims) == key
    assert parse_key(key) == (id, {name: dims[name] for name in DIMENSIONS if name in dims})


def test_bad_keys_are_refused_with_what_is_wrong():
    with pytest.raises(KeyError, match="not in the indicator catalogue"):
        number_key("network_links")
    with pytest.raises(ValueError, match="unknown dimension"):
        number_key("datasets_total", colour="red")
    with pytest.raises(ValueError, match="cannot be part of a key"):
        number_key("datasets_total", project="a,b")
    with pytest.raises(ValueError, match="not a number key"):
        parse_key("Neue Datensätze")
    assert with_dims("datasets_total[stat=mean]", wave="2022") == "datasets_total[wave=2022,stat=mean]"
    assert with_dims("datasets_total[wave=2021]", wave="2022") == "datasets_total[wave=2021]"


def test_frame_numbers_reads_keys_off_the_axes_of_a_metric():
    themes = pd.Series([315.0, float("nan")], index=pd.Index(["datasets_climate", "datasets_energy"], name="theme"))
    assert frame_numbers(themes.rename("datasets_total")) == {
        "datasets_total[theme=datasets_climate]": 315,
        "datasets_total[theme=datasets_energy]": None,  # unknown stays unknown, never 0
    }
    means = pd.DataFrame({"datasets_total": [18.9]}, index=pd.Index(["2019"], name="cohort"))
    assert frame_numbers(means.rename_axis(columns="per_project")) == {"datasets_total[cohort=2019,stat=mean]": 18.9}
    rates = pd.DataFrame({"response_rate": [0.85], "label": ["x"]}, index=pd.Index(["2019"], name="cohort"))
    assert frame_numbers(rates) == {"response_rate[cohort=2019]": pytest.approx(85.0)}  # percent in per cent
    waves = means.rename_axis(index="wave", columns="per_project").T  # indicators as rows
    assert frame_numbers(waves) == {"datasets_total[wave=2019,stat=mean]": 18.9}
    assert frame_numbers(themes.rename("not_an_indicator")) == {}
    assert (
        frame_numbers(themes.rename("datasets_total"), project="koeln")[
            "datasets_total[project=koeln,theme=datasets_climate]"
        ]
        == 315
    )


def test_describe_key_names_indicator_and_dimensions_in_words():
    assert describe_key("datasets_total[theme=datasets_climate]") == "Neue Datensätze: Klimaanpassung"
    assert (
        describe_key("datasets_total[cohort=2019,stat=mean]", "en")
        == "New datasets: Cohort 2019, per responding model project"
    )
    assert describe_key("partners_total[project=koeln]", names={"koeln": "Köln"}) == "Partnerkommunen: Köln"
    assert describe_key("respondents[wave=2022]") == "Antwortende Modellprojekte: Welle 2022"
    assert describe_key("Neue Datensätze") == "Neue Datensätze"


def test_catalogue_rows_are_machine_readable_for_open_data():
    rows = catalogue_rows("en")
    assert [r["id"] for r in rows] == [i.id for i in INDICATORS]
    assert {"id", "label", "definition", "unit", "period", "base", "rounding"} == set(rows[0])
    assert rows[0]["label"] == "Model projects"


def test_every_number_a_report_records_names_a_catalogue_indicator():
    report = mr.open_report(mr.load_params(ROOT / "params" / "2021.yaml"))
    numbers = wave_numbers(report.responses, report.partners, report.register)
    for key in numbers:
        id, dims = parse_key(key)
        assert id in BY_ID and set(dims) <= set(DIMENSIONS), key
    # the 2021 appendix: the eleven projects that did not answer are unknown, never 0
    table = metrics.network_table(report.responses, report.partners, report.register)
    unknown = [pid for pid in table.index if numbers[number_key("partners_total", project=pid)] is None]
    assert len(unknown) == 11 and "luebeck" in unknown
    assert len(unknown) == len(report.register) - report.key_figures.respondents
    assert indicators.recorded_value("continuation_share", 0.64) == pytest.approx(64.0)
