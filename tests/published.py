"""The published 2023 key figures (FACTS.md §5) as :class:`KeyFigures`: one fixture for the word and storyline tests."""

from __future__ import annotations

from mpsc_report.analysis.metrics import KeyFigures

KF_2023 = KeyFigures(
    wave="2023",
    projects=73,
    respondents=73,
    datasets=1043,
    participation=2137,
    positions=298,
    solutions_transferred=86,
    measures_planned=170,
    measures_in_progress=229,
    measures_completed=225,
    measures_continued=144,
    continuation_share=144 / 225,
    open_source=19,
    partner_links=876,
    partners_mean=12.0,
    partners_answered=73,
    model_project_links=292,
    projects_in_implementation=60,
)
