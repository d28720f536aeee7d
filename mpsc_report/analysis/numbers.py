"""Every number a wave report states, as one flat record: what the colophon stores and ``mpsc-report diff`` compares."""

from __future__ import annotations

import math

import pandas as pd

from . import metrics

#: Key figures compared, in reading order: field of KeyFigures -> German label.
KEY_FIGURES: dict[str, str] = {
    "respondents": "Antwortende Modellprojekte",
    "datasets": "Neue Datensätze",
    "participation": "Partizipative Aktivitäten",
    "positions": "Neue Stellen",
    "solutions_transferred": "Übertragene Lösungen",
    "measures_completed": "Abgeschlossene Maßnahmen",
    "measures_continued": "Weiter betriebene Maßnahmen",
    "continuation_share": "Anteil weiter betriebener Maßnahmen (%)",
    "open_source": "Maßnahmen mit Open-Source-Code",
    "partners_mean": "Partnerkommunen je Projekt",
    "network_links": "Netzwerkverbindungen",
}

#: Labels whose values are shown with one decimal (means and percentages); all others are counts.
DECIMAL_INDICATORS = {"Anteil weiter betriebener Maßnahmen (%)", "Partnerkommunen je Projekt"}


def wave_numbers(responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame) -> dict[str, float | None]:
    """Every number a wave report states: key figures, then per-category counts, in a fixed order.

    Category order comes from the schema (never from the data), so two waves list the same rows.
    Non-finite values are None (JSON-safe; they travel in notebook metadata).
    """
    kf = metrics.key_figures(responses, partners, register)
    numbers: dict[str, float | None] = {label: getattr(kf, name) for name, label in KEY_FIGURES.items()}
    numbers["Anteil weiter betriebener Maßnahmen (%)"] = kf.continuation_share * 100
    groups = (
        ("Datensätze", metrics.datasets_by_theme(responses)),
        ("Aktivitäten", metrics.participation_by_format(responses)),
        ("Neue Stellen", metrics.positions_by_kind(responses, register)),
        ("Verbindungen", metrics.exchange_by_kind(partners)),
    )
    for group, series in groups:
        for category, value in series.items():
            numbers[f"{group}: {category}"] = int(value)
    return {k: None if v is None or not math.isfinite(float(v)) else v for k, v in numbers.items()}
