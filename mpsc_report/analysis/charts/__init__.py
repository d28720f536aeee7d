"""Charts in one house style: tidy data in, a :class:`matplotlib.figure.Figure` out.

Every chart builds its own ``Figure`` (no pyplot, no global state, no file writes) with Open Sans at 9 pt, the
Okabe–Ito palette, the report's number formats and a source line at the bottom left. Figures are 6.7 in wide, the
width of an A4 text column; captions and titles are added outside the figure by the report.

``style`` holds the palette and house style, ``figure`` the opening every chart shares (:func:`figure.chart`),
``labels`` and ``layout`` the text and axes helpers; each chart family has its module (``bars``, ``trend``,
``network``, ``maps``).
"""

from .bars import (
    PROJECT_COMPARISON_COLOURS,
    bar_chart,
    comparison_chart,
    project_comparison_chart,
    stacked_bar_chart,
)
from .figure import MIN_TREND_WAVES, count_plotted, shows_a_trend, source_line
from .maps import LAND_ABBREVIATIONS, TILE_GRID, tile_map
from .network import network_chart
from .style import (
    ACCENT_COLOUR,
    COLOURS_BY_COHORT,
    COLOURS_BY_KIND,
    COLOURS_BY_MEASURE_STATE,
    FIGURE_WIDTH,
    GREY,
    MAIN_COLOUR,
    OKABE_ITO,
)
from .trend import trend_chart

__all__ = [
    "ACCENT_COLOUR",
    "COLOURS_BY_COHORT",
    "COLOURS_BY_KIND",
    "COLOURS_BY_MEASURE_STATE",
    "FIGURE_WIDTH",
    "GREY",
    "LAND_ABBREVIATIONS",
    "MAIN_COLOUR",
    "MIN_TREND_WAVES",
    "OKABE_ITO",
    "PROJECT_COMPARISON_COLOURS",
    "TILE_GRID",
    "bar_chart",
    "comparison_chart",
    "count_plotted",
    "network_chart",
    "project_comparison_chart",
    "shows_a_trend",
    "source_line",
    "stacked_bar_chart",
    "tile_map",
    "trend_chart",
]
