"""The message catalogue: every language has every phrase with the same placeholders; labels translate both ways."""

from __future__ import annotations

import pandas as pd
import pytest

from mpsc_report.analysis import words as i18n
from mpsc_report.data.schema import DATASET_THEMES, EXCHANGE_KINDS, KINDS, MEASURE_STATES, PARTICIPATION_FORMATS, PHASES
from mpsc_report.errors import TranslationMissing


def test_every_language_has_every_message_with_the_same_placeholders():
    german = i18n.MESSAGES["de"]
    for language in i18n.LANGUAGES[1:]:
        messages = i18n.MESSAGES[language]
        assert set(messages) == set(german), language
        for key, template in german.items():
            assert i18n.placeholders(messages[key]) == i18n.placeholders(template), (language, key)


def test_every_schema_label_has_an_english_translation():
    labels = [
        *DATASET_THEMES.values(),
        *PARTICIPATION_FORMATS.values(),
        *EXCHANGE_KINDS.values(),
        *MEASURE_STATES.values(),
        *PHASES.values(),
        *KINDS,
    ]
    assert [label for label in labels if label not in i18n.LABELS] == []


@pytest.mark.parametrize(
    ("key", "language", "values", "expected"),
    [
        ("figure.label", "de", {"number": 3}, "Abbildung 3:"),
        ("figure.label", "en", {"number": 3}, "Figure 3:"),
        ("table.label", "en", {"number": 1}, "Table 1:"),
        ("sample_notice", "en", {}, "Sample data — not official results"),
        ("appendix.title", "de", {}, "Anhang: Daten zu den Abbildungen"),
    ],
)
def test_t_fills_the_phrase_of_the_language(key, language, values, expected):
    assert i18n.t(key, language, **values) == expected


def test_german_sample_notice_is_the_schema_notice():
    from mpsc_report.data.schema import SAMPLE_NOTICE

    assert i18n.t("sample_notice", "de") == SAMPLE_NOTICE


def test_translate_keeps_german_and_english_and_names_what_is_missing():
    assert i18n.translate("Umwelt", "de") == "Umwelt"
    assert i18n.translate("Umwelt", "en") == "Environment"
    assert i18n.translate("Environment", "en") == "Environment"  # already translated
    with pytest.raises(TranslationMissing, match=r"'Eine neue Bildunterschrift'.*mpsc_report/i18n.py"):
        i18n.translate("Eine neue Bildunterschrift", "en")
    with pytest.raises(ValueError, match="unsupported report language 'fr'"):
        i18n.translate("Umwelt", "fr")


def test_localize_translates_labels_not_values_and_keeps_unknown_names():
    series = pd.Series([3, 1], index=["Umwelt", "Saarland"], name="Neue Datensätze")
    english = i18n.localize(series, "en")
    assert list(english.index) == ["Environment", "Saarland"] and english.name == "New datasets"
    assert list(english) == [3, 1]
    assert series.index[0] == "Umwelt"  # the input is not changed
    frame = pd.DataFrame({"geplant": [1], "abgeschlossen": [2]}, index=["Staffel 2019"])
    assert list(i18n.localize(frame, "en").columns) == ["planned", "completed"]
    assert list(i18n.localize(frame, "en").index) == ["Cohort 2019"]
    assert i18n.localize(frame, "de") is frame
    assert i18n.german("Cohort 2019") == "Staffel 2019" and i18n.german(2019) == 2019
