"""German number formats and rounding language."""

from __future__ import annotations

from datetime import date

import pytest

from mpsc_report.analysis.formatting import (
    ALMOST_TOLERANCE,
    NBSP,
    OVER_TOLERANCE,
    format_count_words,
    format_date,
    format_int,
    format_median,
    format_number,
    format_percent,
    format_rounded,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (298, "298"), (1000, "1.000"), (1043, "1.043"), (2137.4, "2.137"), (1234567, "1.234.567"), (0.5, "1")],
)
def test_format_int(value, expected):
    assert format_int(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"), [(12.0, 1, "12,0"), (12.45, 1, "12,5"), (12.25, 1, "12,3"), (3.14159, 2, "3,14")]
)
def test_format_number_rounds_half_up_with_decimal_comma(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_percent_uses_no_break_space():
    assert format_percent(0.64) == f"64{NBSP}%"
    assert format_percent(0.645) == f"65{NBSP}%"
    assert format_percent(144 / 225) == f"64{NBSP}%"
    assert format_percent(0.125, 1) == f"12,5{NBSP}%"
    assert format_percent(0.64, language="en") == "64%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1043, "über 1.000"),
        (2137, "über 2.000"),
        (876, "fast 900"),
        (86, "86"),
        (19, "19"),
        (1000, "1.000"),
        (1600, "1.600"),
        (950, "fast 1.000"),
        (540, "über 500"),
        (1180, "1.180"),
    ],
)
def test_format_rounded(value, expected):
    assert format_rounded(value).replace(NBSP, " ") == expected


#: The rounding words of every published figure and of the sample's waves: "über X" only just above X, "fast X"
#: only a few per cent below X, otherwise the exact figure (2021: 255 and 653; 2022: 561).
ROUNDING_TABLE = [
    (255, "255", "255"),  # 2021 network links: not "fast 300" (15 % below)
    (254, "254", "254"),  # 2021 datasets
    (561, "561", "561"),  # 2022 network links: not "fast 600" (6,5 % below)
    (653, "653", "653"),  # 2021 participation: not "fast 700" (6,7 % below)
    (667, "fast 700", "almost 700"),  # 2022 datasets: 4,7 % below
    (876, "fast 900", "almost 900"),  # 2023 network links, as published ("fast 900 Netzwerkverbindungen")
    (1043, "über 1.000", "over 1,000"),  # 2023 datasets, as published
    (1444, "1.444", "1,444"),  # 2022 participation
    (2137, "über 2.000", "over 2,000"),  # 2023 participation, as published
    (1099, "über 1.000", "over 1,000"),  # at most 10 % above
    (1101, "1.101", "1,101"),
    (960, "fast 1.000", "almost 1,000"),  # at most 5 % below
    (940, "über 900", "over 900"),  # nearer to 900
    (99, "99", "99"),
]


@pytest.mark.parametrize(("value", "german", "english"), ROUNDING_TABLE)
def test_rounding_words_are_honest(value, german, english):
    assert format_rounded(value).replace(NBSP, " ") == german
    assert format_rounded(value, "en").replace(NBSP, " ") == english
    if german.startswith("über"):
        bound = int(german.split()[1].replace(".", ""))
        assert bound < value <= bound * (1 + OVER_TOLERANCE)
    if german.startswith("fast"):
        bound = int(german.split()[1].replace(".", ""))
        assert bound * (1 - ALMOST_TOLERANCE) <= value < bound


def test_format_rounded_never_splits_word_and_number():
    assert format_rounded(876) == f"fast{NBSP}900"


def test_format_rounded_refuses_nonsense():
    with pytest.raises(ValueError):
        format_rounded(float("nan"))
    with pytest.raises(ValueError):
        format_rounded(-5)


def test_small_counts_are_words():
    assert format_count_words(12) == "zwölf"
    assert format_count_words(15) == "15"
    assert format_count_words(1500) == "1.500"


def test_format_date_long_german():
    assert format_date(date(2023, 12, 15)) == "15. Dezember 2023"
    assert format_date(date(2024, 3, 1)) == "1. März 2024"


def test_non_finite_numbers_are_refused():
    with pytest.raises(ValueError, match="non-finite"):
        format_int(float("inf"))


@pytest.mark.parametrize(("value", "expected"), [(12.0, "12"), (12.5, "12,5"), (1043.0, "1.043"), (0.25, "0,3")])
def test_format_median_whole_numbers_without_decimals(value, expected):
    assert format_median(value) == expected
