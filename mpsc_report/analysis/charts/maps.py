"""The tile map: the 16 Länder as equal squares in a grid that keeps their rough positions, coloured by value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .figure import chart, new_figure
from .labels import format_value, text_colour_on, wrap
from .style import BASE_SIZE, MUTED_COLOUR, TEXT_COLOUR, VALUE_SIZE

_EMPTY_TILE_COLOUR = "#EEEEEE"

#: Tile-grid cartogram of the Länder: name -> (column, row), row 0 at the top.
TILE_GRID: dict[str, tuple[int, int]] = {
    "Schleswig-Holstein": (2, 0),
    "Bremen": (1, 1),
    "Hamburg": (2, 1),
    "Mecklenburg-Vorpommern": (3, 1),
    "Nordrhein-Westfalen": (0, 2),
    "Niedersachsen": (1, 2),
    "Sachsen-Anhalt": (2, 2),
    "Berlin": (3, 2),
    "Brandenburg": (4, 2),
    "Rheinland-Pfalz": (0, 3),
    "Hessen": (1, 3),
    "Thüringen": (2, 3),
    "Sachsen": (3, 3),
    "Saarland": (0, 4),
    "Baden-Württemberg": (1, 4),
    "Bayern": (2, 4),
}

#: Official two-letter abbreviations of the Länder.
LAND_ABBREVIATIONS: dict[str, str] = {
    "Schleswig-Holstein": "SH",
    "Hamburg": "HH",
    "Mecklenburg-Vorpommern": "MV",
    "Bremen": "HB",
    "Niedersachsen": "NI",
    "Berlin": "BE",
    "Brandenburg": "BB",
    "Sachsen-Anhalt": "ST",
    "Nordrhein-Westfalen": "NW",
    "Sachsen": "SN",
    "Thüringen": "TH",
    "Hessen": "HE",
    "Rheinland-Pfalz": "RP",
    "Saarland": "SL",
    "Baden-Württemberg": "BW",
    "Bayern": "BY",
}

# Light to dark blue (ColorBrewer "Blues" without its near-white end, so 1 differs from 0).
_TILE_CMAP = LinearSegmentedColormap.from_list(
    "mpsc_blues", ["#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C", "#08306B"]
)


@chart("tile-map", nonempty=())
def tile_map(
    values: pd.Series,
    *,
    source: str,
    value_label: str,
    value_format: str = "int",
    language: str = "de",
) -> Figure:
    """Draw a tile-grid map of the 16 Länder, one square each, coloured by value.

    Parameters
    ----------
    values : pandas.Series
        Indexed by the German name of the Land (see :data:`TILE_GRID`). Missing Länder and
        ``NaN`` count as 0, which is drawn in light grey.
    source : str
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
    value_label : str
        What the values are, shown above the colour legend (e.g. "Modellprojekte").
    value_format : {"int", "percent", "decimal"}
        How values are written on the tiles and the legend.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the index holds names that are not Länder.
    """
    unknown = sorted(set(map(str, values.index)) - set(TILE_GRID))
    if unknown:
        raise ValueError(
            f"unknown Land names in values: {unknown}; expected German names such as "
            f"'Nordrhein-Westfalen' (all: {sorted(TILE_GRID)})"
        )
    numbers = pd.to_numeric(values, errors="raise").astype(float)
    full = pd.Series(0.0, index=list(TILE_GRID))
    full.update(numbers.fillna(0.0))
    if (full < 0).any():
        raise ValueError("tile_map needs non-negative values")
    norm = Normalize(vmin=0.0, vmax=float(full.max()) or 1.0)

    fig = new_figure(4.0, source)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_axis_off()
    size = 0.94
    for land, (column, row) in TILE_GRID.items():
        value = float(full[land])
        colour = _EMPTY_TILE_COLOUR if value == 0 else _TILE_CMAP(norm(value))
        ax.add_patch(Rectangle((column, -row), size, size, facecolor=colour, edgecolor="none", label=land))
        text_colour = text_colour_on(colour) if value else MUTED_COLOUR
        ax.text(
            column + size / 2,
            -row + size * 0.62,
            LAND_ABBREVIATIONS[land],
            ha="center",
            va="center",
            fontsize=BASE_SIZE,
            fontweight="bold",
            color=text_colour,
        )
        ax.text(
            column + size / 2,
            -row + size * 0.3,
            format_value(value, value_format, language),
            ha="center",
            va="center",
            fontsize=VALUE_SIZE,
            color=text_colour,
        )
    ax.set_xlim(-0.05, 5.0)
    ax.set_ylim(-4.05, 1.0)

    # Colour legend in the empty top-left corner of the grid: "0" swatch, then the scale.
    ax.text(0.0, 0.94, wrap(value_label, 24), ha="left", va="top", fontsize=VALUE_SIZE, color=TEXT_COLOUR)
    lines = wrap(value_label, 24).count("\n") + 1
    bar_top = 0.94 - 0.17 * lines - 0.1
    ax.add_artist(Rectangle((0.0, bar_top - 0.16), 0.16, 0.16, facecolor=_EMPTY_TILE_COLOUR, edgecolor="none"))
    ax.text(
        0.08,
        bar_top - 0.22,
        format_value(0, value_format, language),
        ha="center",
        va="top",
        fontsize=VALUE_SIZE - 0.5,
        color=MUTED_COLOUR,
    )
    scale_ax = ax.inset_axes((0.26, bar_top - 0.16, 1.5, 0.16), transform=ax.transData)
    gradient = np.linspace(0.0, 1.0, 256)[np.newaxis, :]
    scale_ax.imshow(gradient, aspect="auto", cmap=_TILE_CMAP, extent=(0, 1, 0, 1))
    scale_ax.set_axis_off()
    low = float(full[full > 0].min()) if (full > 0).any() else norm.vmax
    for fraction, value in ((norm(low), low), (1.0, norm.vmax)):
        scale_ax.text(
            fraction,
            -0.4,
            format_value(value, value_format, language),
            transform=scale_ax.transAxes,
            ha="center",
            va="top",
            fontsize=VALUE_SIZE - 0.5,
            color=MUTED_COLOUR,
        )
    return fig
