"""German (and English) formatting of numbers, shares, dates and rounded quantities for narrative and charts.

The words it writes ("zwölf", "über 1.000") come from the word catalogue, :mod:`~mpsc_report.analysis.words`.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal

from .words import t

#: Babel locale per report language.
LOCALES: dict[str, str] = {"de": "de_DE", "en": "en_GB"}

#: Non-breaking space: keeps "64 %" and "n = 73" on one line.
NBSP = "\u00a0"


def _locale(language: str) -> str:
    try:
        return LOCALES[language]
    except KeyError:
        raise ValueError(f"unsupported report language {language!r} (supported: {sorted(LOCALES)})") from None


def format_int(value: float, language: str = "de") -> str:
    """Format a count with thousands separators: ``1043`` -> ``"1.043"``.

    Parameters
    ----------
    value : float
        A whole number (floats are rounded half away from zero).
    language : str
        Report language, ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The formatted number.
    """
    return format_decimal(_round_half_up(value, 0), format="#,##0", locale=_locale(language))


def format_number(value: float, decimals: int = 1, language: str = "de") -> str:
    """Format a decimal number with a fixed number of decimals: ``12.45`` -> ``"12,5"``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(_round_half_up(value, decimals), format=pattern, locale=_locale(language))


def format_percent(share: float, decimals: int = 0, language: str = "de") -> str:
    """Format a share in 0..1 as a percentage: ``0.64`` -> ``"64 %"`` (German, with a no-break space)."""
    return t("percent", language, number=format_number(share * 100, decimals, language))


def format_date(value: date, language: str = "de") -> str:
    """Format a date the long way: ``date(2023, 12, 15)`` -> ``"15. Dezember 2023"``."""
    return _babel_format_date(value, format="long", locale=_locale(language))


def format_count_words(value: int, language: str = "de") -> str:
    """Spell out whole numbers up to twelve in running text, as German style guides ask; digits above."""
    if 0 <= value <= 12:
        return t(f"count_word.{value}", language)
    return format_int(value, language)


#: "über X" says the value lies above the round number X by at most this share of X ("über 2.000" for 2.137).
OVER_TOLERANCE = 0.10

#: "fast X" says the value lies below the round number X by at most this share of X: a few per cent ("fast 900"
#: for 876, not "fast 700" for 653).
ALMOST_TOLERANCE = 0.05


def format_rounded(value: float, language: str = "de") -> str:
    """Describe a large count the way press releases do, honestly: ``1043`` -> "über 1.000", ``876`` -> "fast 900".

    Counts below 100 are given exactly. Above, the value is compared with the nearer of the two round numbers
    around it at its leading digit (100s below 1.000, 1.000s below 10.000 …): "über X" when it lies above X by at
    most :data:`OVER_TOLERANCE` of X, "fast X" when it lies below X by at most :data:`ALMOST_TOLERANCE` of X (a
    few per cent); otherwise the exact figure (653, not "fast 700"; 255, not "fast 300").

    Parameters
    ----------
    value : float
        A non-negative count.
    language : str
        Report language.

    Returns
    -------
    str
        A phrase such as ``"über 2.000"``, with a no-break space so it never splits across lines.
    """
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"cannot describe {value!r} as a rounded count")
    if value < 100:
        return format_int(value, language)
    step = 10 ** (len(str(int(value))) - 1)
    floor = value // step * step
    ceiling = floor + step
    if value == floor:
        return format_int(value, language)
    nearer_floor = value - floor < ceiling - value
    if nearer_floor and (value - floor) / floor <= OVER_TOLERANCE:
        return t("rounded.over", language, number=format_int(floor, language))
    if not nearer_floor and (ceiling - value) / ceiling <= ALMOST_TOLERANCE:
        return t("rounded.almost", language, number=format_int(ceiling, language))
    return format_int(value, language)


def _round_half_up(value: float, decimals: int) -> float:
    """Round half away from zero (64,5 % -> 65 %), not to even as :func:`round` does."""
    if not math.isfinite(value):
        raise ValueError(f"cannot format the non-finite number {value!r}")
    factor = 10**decimals
    return math.copysign(math.floor(abs(value) * factor + 0.5) / factor, value)


def format_median(value: float, language: str = "de") -> str:
    """Format a count or a median of counts: whole numbers without decimals (``12``), halves with one (``12,5``)."""
    if math.isfinite(value) and float(value).is_integer():
        return format_int(value, language)
    return format_number(value, 1, language)
