"""Every number a wave report states, as one flat record: what the colophon stores and ``mpsc-report diff`` compares.

The record is computed from the metrics (codes) and keyed by the numbers' German names from the word catalogue
(``"Neue Datensätze"``, ``"Datensätze: Umwelt"``): it travels in the notebooks of earlier builds, which
``mpsc-report diff`` reads back, so its keys stay the same from build to build and language to language.
"""

from __future__ import annotations

import math

import pandas as pd

from . import metrics
from .words import t

#: Key figures of the record, in reading order: fields of :class:`~mpsc_report.analysis.metrics.KeyFigures`.
KEY_FIGURES: tuple[str, ...] = (
    "respondents",
    "datasets",
    "participation",
    "positions",
    "solutions_transferred",
    "measures_completed",
    "measures_continued",
    "continuation_share",
    "open_source",
    "partners_mean",
    "network_links",
)

#: Language of the record's keys.
_RECORD_LANGUAGE = "de"

#: Names of the numbers shown with one decimal (a percentage and a mean); all others are counts.
DECIMAL_INDICATORS = frozenset(
    t(f"number.{field}", _RECORD_LANGUAGE) for field in ("continuation_share", "partners_mean")
)


def wave_numbers(responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame) -> dict[str, float | None]:
    """Every number a wave report states: key figures, then per-category counts, in a fixed order.

    Category order comes from the schema (never from the data), so two waves list the same rows.
    Non-finite values are None (JSON-safe; they travel in notebook metadata).
    """
    lang = _RECORD_LANGUAGE
    kf = metrics.key_figures(responses, partners, register)
    numbers: dict[str, float | None] = {t(f"number.{field}", lang): getattr(kf, field) for field in KEY_FIGURES}
    numbers[t("number.continuation_share", lang)] = kf.continuation_share * 100
    for series in (
        metrics.datasets_by_theme(responses),
        metrics.participation_by_format(responses),
        metrics.positions_by_kind(responses, register),
        metrics.exchange_by_kind(partners),
    ):
        group = t(f"number_group.{series.name}", lang)
        for code, value in series.items():
            category = t(f"{series.index.name}.{code}", lang)
            numbers[t("number.category", lang, group=group, category=category)] = int(value)
    return {k: None if v is None or not math.isfinite(float(v)) else v for k, v in numbers.items()}
