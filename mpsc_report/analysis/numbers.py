"""Every number a wave report states about its wave, as one flat record keyed by the indicator catalogue.

The record is what the report's colophon stores, ``mpsc-report diff`` compares and the build's consistency gate
checks against the factsheets: keys are those of :mod:`~mpsc_report.analysis.indicators` (``"datasets_total"``,
``"datasets_total[theme=datasets_climate]"``, ``"partners_total[project=koeln]"``), the same from build to build
and language to language; labels and definitions come from the catalogue.
"""

from __future__ import annotations

import math

import pandas as pd

from . import metrics
from .indicators import KEY_FIGURE_INDICATORS, frame_numbers, number_key, recorded_value


def wave_numbers(responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame) -> dict[str, float | None]:
    """Every number a wave report states about its wave: key figures, breakdowns, then each project's partners.

    Category and project order come from the schema and the register (never from the data), so two waves list
    the same keys in the same order. Missing values (a project that did not answer) and non-finite ones are None.
    """
    kf = metrics.key_figures(responses, partners, register)
    numbers: dict[str, float | int | None] = {
        number_key(id): recorded_value(id, getattr(kf, field)) for field, id in KEY_FIGURE_INDICATORS.items()
    }
    numbers[number_key("response_rate")] = recorded_value("response_rate", kf.response_rate)
    numbers[number_key("measures_total")] = kf.measures_total
    by_state = metrics.projects_by_state(register)
    numbers[number_key("lands")] = int((by_state > 0).sum())
    for series in (
        metrics.datasets_by_theme(responses),
        metrics.participation_by_format(responses),
        metrics.positions_by_kind(responses, register),
        metrics.exchange_by_kind(responses),
    ):
        numbers |= frame_numbers(series)
    numbers |= frame_numbers(metrics.network_table(responses, partners, register))
    return {k: None if v is None or not math.isfinite(float(v)) else v for k, v in numbers.items()}
