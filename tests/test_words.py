"""The word catalogue: every language has every entry with the same placeholders; t() finds or names what is missing."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from mpsc_report.analysis import words
from mpsc_report.data.schema import (
    COHORTS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    KINDS,
    MEASURE_STATES,
    PARTICIPATION_FORMATS,
    PHASES,
)
from mpsc_report.data.validation import RULES
from mpsc_report.errors import TranslationMissing

VALIDATION = Path(words.__file__).parents[1] / "data" / "validation.py"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_message_with_the_same_placeholders():
    german = words.MESSAGES["de"]
    for language in words.LANGUAGES[1:]:
        messages = words.MESSAGES[language]
        assert set(messages) == set(german), language
        for key, template in german.items():
            assert placeholders(messages[key]) == placeholders(template), (language, key)


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_every_code_of_the_schema_has_a_word_in_every_language(language):
    codes = {
        "theme": DATASET_THEMES,
        "format": PARTICIPATION_FORMATS,
        "exchange": tuple(EXCHANGE_CODES),
        "measure_state": MEASURE_STATES,
        "phase": PHASES,
        "kind": KINDS,
        "kinds": KINDS,
        "cohort": (*COHORTS, "all"),
    }
    found = {
        f"{dimension}.{code}": words.t(f"{dimension}.{code}", language)
        for dimension in codes
        for code in codes[dimension]
    }
    assert all(found.values())
    assert words.t("kind.large_city", language) == {"de": "Großstadt", "en": "City"}[language]


@pytest.mark.parametrize(
    ("key", "language", "values", "expected"),
    [
        ("figure.label", "de", {"number": 3}, "Abbildung 3:"),
        ("figure.label", "en", {"number": 3}, "Figure 3:"),
        ("table.label", "en", {"number": 1}, "Table 1:"),
        ("sample_notice", "en", {}, "Sample data — not official results"),
        ("appendix.title", "de", {}, "Anhang B: Daten zu den Abbildungen"),
        ("cohort.2019", "en", {}, "Cohort 2019"),
        ("Rücklauf nach Staffel", "de", {}, "Rücklauf nach Staffel"),
        ("Rücklauf nach Staffel", "en", {}, "Response by cohort"),
    ],
)
def test_t_fills_the_phrase_of_the_language(key, language, values, expected):
    assert words.t(key, language, **values) == expected


def test_german_sample_notice_is_the_schema_notice():
    from mpsc_report.data.schema import SAMPLE_NOTICE

    assert words.t("sample_notice", "de") == SAMPLE_NOTICE


def test_t_keeps_german_text_and_names_what_is_missing():
    assert words.t("theme.datasets_environment", "de") == "Umwelt"
    assert words.t("theme.datasets_environment", "en") == "Environment"
    assert words.t("Eine neue Bildunterschrift", "de") == "Eine neue Bildunterschrift"  # German text is its own German
    with pytest.raises(TranslationMissing, match=r"'Eine neue Bildunterschrift'.*mpsc_report/analysis/words.py"):
        words.t("Eine neue Bildunterschrift", "en")
    with pytest.raises(ValueError, match="unsupported report language 'fr'"):
        words.t("theme.datasets_environment", "fr")


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_a_missing_key_fails_in_every_language(language):
    """A key (not German text) must be in the catalogue, in German too: a typo never reaches a document."""
    with pytest.raises(TranslationMissing, match=r"'kind\.metropolis'.*mpsc_report/analysis/words.py"):
        words.t("kind.metropolis", language)


#: Calls of data/validation.py that name a rule, and the position of the rule among their arguments.
_RULE_ARGUMENT = {"fail": 3, "file_failure": 0, "_check_unique": 4}


def test_every_rule_of_the_validation_has_english_words():
    """The reasons rows are rejected appear in the data-quality appendix, in the report's language."""
    rules = set()
    for node in ast.walk(ast.parse(VALIDATION.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = _RULE_ARGUMENT.get(name)
        if position is not None and len(node.args) > position and isinstance(node.args[position], ast.Constant):
            rules.add(node.args[position].value)
    assert len(rules) >= 15
    assert [rule for rule in sorted(rules) if f"rule.{rule}" not in words.MESSAGES["en"]] == []
    assert rules <= set(RULES)


def test_a_key_two_sections_define_is_refused():
    """Helpers add entries in several places; a key defined twice would silently win or lose."""
    with pytest.raises(ValueError, match=r"\['figure.label'\] twice"):
        words._add({"de": {"figure.label": "Bild {number}:"}, "en": {}})
    assert words.t("figure.label", "de", number=1) == "Abbildung 1:"


def _string_literals() -> set[str]:
    """Every string literal of the package (the catalogue itself left out) and of the notebooks' code cells."""
    import json

    root = Path(__file__).resolve().parents[1]
    sources = [p.read_text(encoding="utf-8") for p in (root / "mpsc_report").rglob("*.py") if p.name != "words.py"]
    for notebook in (root / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return {
        node.value
        for source in sources
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_german_text_of_the_catalogue_is_written_somewhere():
    # Captions and headers written in German in a notebook or a document are their own keys (words._TEXTS): each
    # must still be written somewhere, or its entry (and its English twin) is a word no document shows any more.
    unused = sorted(set(words._TEXTS) - _string_literals())
    assert unused == [], f"words._TEXTS entries no notebook or module writes: {unused}"
