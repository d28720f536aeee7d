"""Charts in one house style: tidy data in, a :class:`matplotlib.figure.Figure` out.

Every function builds its own ``Figure`` (no pyplot, no global state, no file writes) with
Open Sans at 9 pt, the Okabe–Ito palette, German number formats from
:mod:`mpsc_report.analysis.formatting` and a source line at the bottom left. Figures are 6.7 in wide, the
width of an A4 text column; captions and titles are added outside the figure by the report.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.artist import Artist
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..data.schema import COHORTS, KINDS, MEASURE_STATES
from .formatting import NBSP, format_int, format_median, format_number, format_percent
from .words import LANGUAGES, t

__all__ = [
    "ACCENT_COLOUR",
    "COLOURS_BY_COHORT",
    "COLOURS_BY_KIND",
    "COLOURS_BY_MEASURE_STATE",
    "FIGURE_WIDTH",
    "GREY",
    "LAND_ABBREVIATIONS",
    "MAIN_COLOUR",
    "OKABE_ITO",
    "PROJECT_COMPARISON_COLOURS",
    "TILE_GRID",
    "bar_chart",
    "comparison_chart",
    "line_chart",
    "trend_chart",
    "network_chart",
    "project_comparison_chart",
    "share_chart",
    "source_line",
    "stacked_bar_chart",
    "tile_map",
]

# --------------------------------------------------------------------------- house style

#: Okabe–Ito palette, safe for the common forms of colour blindness.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Colour of single-series charts.
MAIN_COLOUR = OKABE_ITO[0]
#: Colour of a highlighted category.
ACCENT_COLOUR = OKABE_ITO[3]
#: Neutral grey for context (e.g. the rest of a 100 % bar).
GREY = "#D9D9D9"

#: One colour per cohort, the same in every chart.
COLOURS_BY_COHORT: dict[str, str] = dict(zip(COHORTS, OKABE_ITO[:3], strict=True))
#: One colour per kind of municipality, the same in every chart.
COLOURS_BY_KIND: dict[str, str] = dict(zip(KINDS, ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"), strict=True))

#: One colour per state of work of a measure (its count column), the same in every chart and wave.
COLOURS_BY_MEASURE_STATE: dict[str, str] = dict(zip(MEASURE_STATES, OKABE_ITO[:3], strict=True))

#: Width of every figure in inches: one A4 text column.
FIGURE_WIDTH = 6.7

_TEXT_COLOUR = "#222222"
_MUTED_COLOUR = "#666666"  # source line, axis ticks, "keine Daten"
_AXIS_COLOUR = "#9E9E9E"
_GRID_COLOUR = "#E3E3E3"
_EMPTY_TILE_COLOUR = "#EEEEEE"

_FONT_FAMILY = ["Open Sans", "DejaVu Sans"]
_BASE_SIZE = 9.0
_VALUE_SIZE = 8.0
_SOURCE_SIZE = 7.0
_WRAP_WIDTH = 28  # characters; longer category labels are wrapped

_VALUE_FORMATS = ("int", "percent", "decimal")

_NO_DATA = {"de": "keine Daten", "en": "no data"}
_WAVE = {"de": "Welle", "en": "Wave"}
_COHORT = {"de": "Staffel", "en": "Cohort"}

# Applied while a chart is built. Artists copy these settings when they are created, so the
# figure keeps the house style when it is drawn later, outside this context. Font families are
# named explicitly (not "sans-serif") because generic names are resolved only at drawing time.
_HOUSE_RC: dict[str, object] = {
    "font.family": _FONT_FAMILY,
    "font.size": _BASE_SIZE,
    "text.color": _TEXT_COLOUR,
    "text.parse_math": False,  # labels come from data: "$" is a dollar sign, not maths
    "axes.edgecolor": _AXIS_COLOUR,
    "axes.linewidth": 0.8,
    "axes.labelcolor": _TEXT_COLOUR,
    "axes.labelsize": _BASE_SIZE,
    "axes.titlesize": _BASE_SIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 4.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
    "axes.facecolor": "white",
    "grid.color": _GRID_COLOUR,
    "grid.linewidth": 0.7,
    "xtick.color": _AXIS_COLOUR,
    "ytick.color": _AXIS_COLOUR,
    "xtick.labelcolor": _TEXT_COLOUR,
    "ytick.labelcolor": _TEXT_COLOUR,
    "xtick.labelsize": _BASE_SIZE,
    "ytick.labelsize": _BASE_SIZE,
    "legend.frameon": False,
    "legend.fontsize": _VALUE_SIZE + 0.5,
    "legend.handlelength": 1.0,
    "legend.handleheight": 0.8,
    "legend.columnspacing": 1.2,
    "legend.borderaxespad": 0.0,
    "figure.facecolor": "white",
    "figure.constrained_layout.h_pad": 0.05,
    "figure.constrained_layout.w_pad": 0.05,
    "figure.constrained_layout.hspace": 0.04,
    "figure.constrained_layout.wspace": 0.04,
}


def _house_style(function: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the decorated chart inside the house-style rc context."""
    return mpl.rc_context(_HOUSE_RC)(function)


def source_line(wave: str, n: int, synthetic: bool, language: str = "de") -> str:
    """Return the source line printed under every chart.

    Parameters
    ----------
    wave : str
        Survey wave id, e.g. ``"2023"``.
    n : int
        Number of projects the chart is based on.
    synthetic : bool
        Whether the data are the synthetic sample (adds "Beispieldaten").
    language : str
        Report language, ``"de"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"Quelle: MPSC-Monitoring, Welle 2023, n = 73 · Beispieldaten"`` with no-break
        spaces around the equals sign.
    """
    count = f"n{NBSP}={NBSP}{format_int(n, language)}"
    if language == "de":
        line = f"Quelle: MPSC-Monitoring, Welle {wave}, {count}"
        return line + (" · Beispieldaten" if synthetic else "")
    if language == "en":
        line = f"Source: MPSC monitoring, wave {wave}, {count}"
        return line + (" · sample data" if synthetic else "")
    raise ValueError(f"unsupported report language {language!r} (supported: ['de', 'en'])")


# --------------------------------------------------------------------------- 1 bar chart


@_house_style
def bar_chart(
    values: pd.Series,
    *,
    source: str,
    value_format: str = "int",
    xlabel: str | None = None,
    highlight: str | None = None,
    language: str = "de",
) -> Figure:
    """Draw horizontal bars with the value written at the end of each bar.

    Parameters
    ----------
    values : pandas.Series
        One value per category; the index gives the labels, top to bottom. ``NaN`` is drawn
        as "keine Daten".
    source : str
        Source line, see :func:`source_line`.
    value_format : {"int", "percent", "decimal"}
        How values are written: ``1.043``, ``64 %`` (values are shares 0..1) or ``12,5``.
    xlabel : str, optional
        What the values measure, printed under the bars.
    highlight : str, optional
        Index label of a category drawn in the accent colour.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_value_format(value_format)
    _check_not_empty(values, "values")
    if highlight is not None and highlight not in values.index:
        raise ValueError(
            f"highlight {highlight!r} is not a category of the chart; categories are {list(map(str, values.index))}"
        )
    data = pd.to_numeric(values, errors="raise").astype(float).to_numpy()
    labels = [_wrap(label) for label in values.index]

    height = 0.62 + 0.34 * len(labels) + 0.15 * _extra_lines(labels) + (0.22 if xlabel else 0)
    fig = _new_figure(max(1.5, height))
    ax = fig.add_subplot()
    positions = np.arange(len(data))
    colours = [ACCENT_COLOUR if key == highlight else MAIN_COLOUR for key in values.index]
    bars = ax.barh(positions, np.nan_to_num(data), height=0.66, color=colours)
    _label_bars(ax, bars, data, value_format, language)
    ax.set_yticks(positions, labels)
    if highlight is not None:
        for key, tick in zip(values.index, ax.get_yticklabels(), strict=True):
            if key == highlight:
                tick.set_fontweight("bold")
    _style_category_axes(ax, value_axis="x")
    _set_value_limits(ax, data, axis="x")
    ax.set_ylim(len(data) - 0.5, -0.5)  # first category on top
    if xlabel:
        ax.set_xlabel(xlabel, color=_MUTED_COLOUR, fontsize=_VALUE_SIZE, loc="left")
    _add_source(fig, source)
    fig.set_label("bar")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 2 stacked bars


@_house_style
def stacked_bar_chart(
    frame: pd.DataFrame,
    *,
    source: str,
    colours: Mapping[str, str] | None = None,
    as_share: bool = False,
    language: str = "de",
) -> Figure:
    """Draw horizontal stacked bars with a one-row legend above them.

    Parameters
    ----------
    frame : pandas.DataFrame
        Index = bars (top to bottom), columns = segments (left to right, legend order).
    source : str
        Source line, see :func:`source_line`.
    colours : mapping, optional
        Colour per column; by default cohorts and kinds get their fixed colours, other
        columns the Okabe–Ito colours in order.
    as_share : bool
        Normalise each row to 100 % and label segments with percentages. Otherwise segments
        are labelled with counts and each bar with its total.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_not_empty(frame, "frame")
    data = frame.apply(pd.to_numeric, errors="raise").astype(float).fillna(0.0)
    if (data < 0).to_numpy().any():
        raise ValueError("stacked_bar_chart needs non-negative values")
    totals = data.sum(axis=1)
    if as_share:
        data = data.div(totals.where(totals > 0), axis=0).fillna(0.0)
    segment_colours = _colours_for(data.columns, colours)
    labels = [_wrap(label) for label in data.index]

    height = 0.95 + 0.4 * len(labels) + 0.15 * _extra_lines(labels)
    fig = _new_figure(max(1.7, height))
    ax = fig.add_subplot()
    positions = np.arange(len(data))
    left = np.zeros(len(data))
    segments: list[tuple[Rectangle, Artist]] = []
    for column in data.columns:
        widths = data[column].to_numpy()
        colour = segment_colours[str(column)]
        bars = ax.barh(
            positions,
            widths,
            left=left,
            height=0.66,
            color=colour,
            label=str(column),
            edgecolor="white",
            linewidth=0.8,
        )
        for bar, x0, width in zip(bars, left, widths, strict=True):
            if width <= 0:
                continue
            text = format_percent(width, 0, language) if as_share else format_int(width, language)
            label = ax.text(
                x0 + width / 2,
                bar.get_y() + bar.get_height() / 2,
                text,
                ha="center",
                va="center",
                fontsize=_VALUE_SIZE,
                color=_text_colour_on(colour),
            )
            segments.append((bar, label))
        left = left + widths
    if not as_share:
        for position, total in zip(positions, totals, strict=True):
            ax.annotate(
                format_int(total, language),
                (total, position),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=_VALUE_SIZE,
                fontweight="bold",
            )
    ax.set_yticks(positions, labels)
    _style_category_axes(ax, value_axis="x")
    ax.set_xlim(0, 1.0 if as_share else max(float(left.max()), 1.0))
    ax.set_ylim(len(data) - 0.5, -0.5)
    _add_top_legend(fig, ax)
    _add_source(fig, source)
    _hide_labels_that_do_not_fit(fig, segments)
    fig.set_label("stacked-bar")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 3 small multiples


@_house_style
def comparison_chart(
    frame: pd.DataFrame,
    *,
    source: str,
    value_format: str = "decimal",
    colours: Mapping[str, str] | None = None,
    language: str = "de",
) -> Figure:
    """Draw small multiples: one panel of horizontal bars per indicator.

    Parameters
    ----------
    frame : pandas.DataFrame
        Index = categories compared (e.g. cohorts), the same order in every panel; columns =
        indicators, one panel each, titled with the column name. Up to four panels per row.
    source : str
        Source line, see :func:`source_line`.
    value_format : {"int", "percent", "decimal"}
        How values are written.
    colours : mapping, optional
        Colour per category (index label); cohorts and kinds get their fixed colours by
        default, anything else the main colour.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_value_format(value_format)
    _check_not_empty(frame, "frame")
    data = frame.apply(pd.to_numeric, errors="raise").astype(float)
    n_panels = len(data.columns)
    n_rows, n_cols = _panel_grid(n_panels)
    categories = [_wrap(label, 22) for label in data.index]
    if colours is None and _fixed_colours(data.index, ("cohort", "kind")) is None:
        bar_colours = [MAIN_COLOUR] * len(data.index)
    else:
        colour_map = _colours_for(data.index, colours)
        bar_colours = [colour_map[str(key)] for key in data.index]

    label_width = max(len(line) for label in categories for line in label.split("\n"))
    panel_width = (FIGURE_WIDTH - 0.2 - min(label_width * 0.068, 1.7)) / n_cols
    title_width = max(12, int(panel_width / 0.072))
    titles = [_wrap(column, title_width) for column in data.columns]
    title_lines = [
        max(title.count("\n") + 1 for title in titles[row * n_cols : (row + 1) * n_cols]) for row in range(n_rows)
    ]
    row_height = 0.3 * len(categories) + 0.15 * _extra_lines(categories) + 0.18
    height = 0.35 + sum(row_height + 0.17 * lines + 0.12 for lines in title_lines)
    fig = _new_figure(max(1.6, height))
    axes = fig.subplots(
        n_rows,
        n_cols,
        sharey=True,
        squeeze=False,
        gridspec_kw={"height_ratios": [row_height + 0.17 * lines for lines in title_lines]},
    )
    positions = np.arange(len(categories))
    for index, ax in enumerate(axes.flat):
        if index >= n_panels:
            ax.remove()
            continue
        values = data.iloc[:, index].to_numpy()
        bars = ax.barh(positions, np.nan_to_num(values), height=0.66, color=bar_colours)
        _label_bars(ax, bars, values, value_format, language)
        ax.set_title(titles[index])
        _style_category_axes(ax, value_axis="x")
        _set_value_limits(ax, values, axis="x", headroom=0.3)
        if index % n_cols == 0:
            ax.set_yticks(positions, categories)
        else:
            ax.tick_params(axis="y", labelleft=False)
    axes[0, 0].set_ylim(len(categories) - 0.5, -0.5)
    _add_source(fig, source)
    fig.set_label("small-multiples")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 4 line chart


@_house_style
def line_chart(
    frame: pd.DataFrame,
    *,
    source: str,
    value_format: str = "int",
    colours: Mapping[str, str] | None = None,
    language: str = "de",
) -> Figure:
    """Draw one line per column over the survey waves, labelled directly.

    Parameters
    ----------
    frame : pandas.DataFrame
        Index = wave ids (categorical x axis, in the given order), columns = series. ``NaN``
        means no data for that wave: the line has a gap there and "keine Daten" is written.
    source : str
        Source line, see :func:`source_line`.
    value_format : {"int", "percent", "decimal"}
        How values and the y axis are written.
    colours : mapping, optional
        Colour per series; cohorts and kinds get their fixed colours by default.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_value_format(value_format)
    _check_not_empty(frame, "frame")
    data = frame.apply(pd.to_numeric, errors="raise").astype(float)
    waves = [str(wave) for wave in data.index]
    series_colours = _colours_for(data.columns, colours)
    x = np.arange(len(waves))
    top = float(np.nanmax(data.to_numpy())) if data.notna().to_numpy().any() else 0.0

    fig = _new_figure(3.0)
    ax = fig.add_subplot()
    ranks = data.rank(axis=1, method="first", ascending=False)
    value_labels: dict[int, list[Artist]] = {i: [] for i in range(len(waves))}
    series_labels: list[Artist] = []
    for column in data.columns:
        y = data[column].to_numpy()
        colour = series_colours[str(column)]
        ax.plot(x, y, color=colour, linewidth=1.8, marker="o", markersize=5, clip_on=False)
        valid = np.flatnonzero(np.isfinite(y))
        for i in valid:
            if len(x) == 1:  # one wave: values left of the points, series names right
                offset, ha, va = (-8, 0), "right", "center"
            elif _lowest_of_several(ranks[column].iloc[i], data.iloc[i]) and y[i] > 0.15 * top:
                offset, ha, va = (0, -8), "center", "top"
            else:
                offset, ha, va = (0, 7), "center", "bottom"
            value_labels[i].append(
                ax.annotate(
                    _format_value(y[i], value_format, language),
                    (x[i], y[i]),
                    xytext=offset,
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=_VALUE_SIZE,
                    color=_TEXT_COLOUR,
                )
            )
        for i in np.flatnonzero(~np.isfinite(y)):
            value_labels[i].append(
                ax.annotate(
                    _NO_DATA[language],
                    (x[i], _gap_position(y, i)),
                    xytext=(0, 0),
                    textcoords="offset points",
                    ha="center",
                    va="center",
                    fontsize=_VALUE_SIZE - 0.5,
                    fontstyle="italic",
                    color=_text_shade(colour),
                )
            )
        if len(valid):
            last = valid[-1]
            series_labels.append(
                ax.annotate(
                    _wrap(column, 22),
                    (x[last], y[last]),
                    xytext=(9, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=_BASE_SIZE,
                    fontweight="bold",
                    color=_text_shade(colour),
                )
            )
    ax.set_xticks(x, waves)
    ax.set_xlim(-0.35 if len(x) > 1 else -0.6, x[-1] + (0.35 if len(x) > 1 else 0.6))
    ax.set_ylim(0, top * 1.18 if top > 0 else 1.0)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=value_format == "int"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_value(value, value_format, language)))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.tick_params(axis="both", length=3, width=0.8, labelfontfamily=_FONT_FAMILY)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(_WAVE[language], color=_MUTED_COLOUR, fontsize=_VALUE_SIZE)
    _add_source(fig, source)

    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    _separate_vertically(series_labels, renderer)
    for labels in value_labels.values():
        _separate_vertically(labels, renderer)
    fig.set_label("line")  # the chart kind, for alt texts generated from the data
    return fig


@_house_style
def trend_chart(
    frame: pd.DataFrame,
    *,
    source: str,
    value_format: str = "int",
    language: str = "de",
    panel_height: float = 1.85,
) -> Figure:
    """Draw small multiples of lines: one panel per indicator over the waves, each on its own scale.

    Indicators of very different size (thousands of activities, dozens of transfers) stay readable
    and their value labels never collide, which one shared axis cannot promise.

    Parameters
    ----------
    frame : pandas.DataFrame
        Index = wave ids (in order), columns = indicators (one panel each). ``NaN`` means no data
        for that wave: the line has a gap and "keine Daten" is written there.
    source : str
        Source line, see :func:`source_line`.
    value_format : {"int", "percent", "decimal"}
        How values are written.
    language : str
        Report language for number formats.
    panel_height : float
        Height of one row of panels in inches (the factsheet uses a lower one).

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_value_format(value_format)
    _check_not_empty(frame, "frame")
    data = frame.apply(pd.to_numeric, errors="raise").astype(float)
    waves = [str(wave) for wave in data.index]
    n_panels = len(data.columns)
    n_rows, n_cols = _panel_grid(n_panels)
    titles = [_wrap(column, max(12, int((FIGURE_WIDTH / n_cols) / 0.075))) for column in data.columns]
    fig = _new_figure(0.45 + panel_height * n_rows)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    x = np.arange(len(waves))
    for index, ax in enumerate(axes.flat):
        if index >= n_panels:
            ax.remove()
            continue
        y = data.iloc[:, index].to_numpy()
        top = float(np.nanmax(y)) if np.isfinite(y).any() else 0.0
        ax.plot(x, y, color=MAIN_COLOUR, linewidth=1.8, marker="o", markersize=4.5, clip_on=False)
        for i in np.flatnonzero(np.isfinite(y)):
            # Label on the side the line does not take: upper left of a rising point, upper right of a falling one.
            left = _rising_at(y, i)
            ax.annotate(
                _format_value(y[i], value_format, language),
                (x[i], y[i]),
                xytext=(-5 if left else 5, 3),
                textcoords="offset points",
                ha="right" if left else "left",
                va="bottom",
                fontsize=_VALUE_SIZE,
                color=_TEXT_COLOUR,
            )
        for i in np.flatnonzero(~np.isfinite(y)):
            ax.annotate(
                _NO_DATA[language],
                (x[i], _gap_position(y, i) if top > 0 else 0.5),
                ha="center",
                va="center",
                fontsize=_VALUE_SIZE - 0.5,
                fontstyle="italic",
                color=_MUTED_COLOUR,
            )
        ax.set_title(titles[index])
        ax.set_xticks(x, waves)
        ax.set_xlim(-0.45, x[-1] + 0.45)
        ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", length=3, width=0.8, labelsize=_VALUE_SIZE, labelfontfamily=_FONT_FAMILY)
    _add_source(fig, source)
    fig.set_label("trend")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 5 network


@_house_style
def network_chart(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    source: str,
    group_colours: Mapping[str, str],
    size_label: str | None = None,
    language: str = "de",
) -> Figure:
    """Draw a network on a circle, nodes grouped and coloured by group, sized by ``size``.

    The layout is deterministic: nodes sit on a circle ordered by group (in the order of
    ``group_colours``) and then by their order in ``nodes``, with a gap between groups.
    Edges are drawn as thin curves bent towards the centre.

    Parameters
    ----------
    nodes : pandas.DataFrame
        Columns ``node`` (id), ``label`` (short name), ``group`` (e.g. cohort ``"2019"``) and
        ``size`` (e.g. number of partners; node area is proportional to it).
    edges : pandas.DataFrame
        Columns ``source`` and ``target``: node ids. Direction and duplicates are ignored.
    source : str
        Source line, see :func:`source_line`.
    group_colours : mapping
        Colour per group; its order is the order of groups around the circle and in the legend.
        Cohort ids are shown as "Staffel 2019" in the legend.
    size_label : str, optional
        What node size means, shown under the legend (e.g. "Fläche: Zahl der Partner").
    language : str
        Report language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_columns(nodes, ("node", "label", "group", "size"), "nodes")
    _check_columns(edges, ("source", "target"), "edges")
    _check_not_empty(nodes, "nodes")
    if nodes["node"].duplicated().any():
        duplicates = sorted(map(str, nodes.loc[nodes["node"].duplicated(), "node"].unique()))
        raise ValueError(f"duplicate node ids in nodes: {duplicates}")
    groups = [str(group) for group in group_colours]
    unknown_groups = sorted(set(map(str, nodes["group"])) - set(groups))
    if unknown_groups:
        raise ValueError(f"groups without a colour in group_colours: {unknown_groups}")
    known = set(nodes["node"])
    unknown_nodes = sorted(map(str, (set(edges["source"]) | set(edges["target"])) - known))
    if unknown_nodes:
        raise ValueError(f"edges refer to nodes that are not in nodes: {unknown_nodes}")

    ordered = nodes.assign(
        _group_order=nodes["group"].astype(str).map(groups.index),
        _input_order=np.arange(len(nodes)),
    ).sort_values(["_group_order", "_input_order"], kind="stable")
    angles = _circle_angles(ordered["_group_order"].to_numpy())
    positions = {node: (math.cos(angle), math.sin(angle)) for node, angle in zip(ordered["node"], angles, strict=True)}

    fig = _new_figure(5.5)
    ax = fig.add_subplot()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()

    pairs = {tuple(sorted((a, b), key=str)) for a, b in zip(edges["source"], edges["target"], strict=True) if a != b}
    for a, b in sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))):
        (x0, y0), (x1, y1) = positions[a], positions[b]
        path = MplPath(
            [(x0, y0), ((x0 + x1) * 0.25, (y0 + y1) * 0.25), (x1, y1)],
            [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3],
        )
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor="#8A8A8A", linewidth=0.6, alpha=0.45))

    sizes = pd.to_numeric(ordered["size"], errors="raise").astype(float).clip(lower=0).fillna(0)
    largest = float(sizes.max()) or 1.0
    spacing_pt = 2 * math.pi * 150 / max(len(ordered), 1)  # distance between nodes, circle ~150 pt
    max_area = min(220.0, max(30.0, (0.95 * spacing_pt) ** 2))
    areas = 10.0 + (max_area - 10.0) * sizes.to_numpy() / largest
    xy = np.array([positions[node] for node in ordered["node"]])
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=areas,
        c=[group_colours[str(group)] for group in ordered["group"]],
        edgecolors="white",
        linewidths=0.6,
        zorder=3,
    )

    top = ordered.assign(_size=sizes.to_numpy(), _angle=angles)
    top = top.sort_values(["_size", "_input_order"], ascending=[False, True], kind="stable")
    area_by_node = dict(zip(ordered["node"], areas, strict=True))
    labels = []
    for _, row in top.head(8).iterrows():
        angle = float(row["_angle"])
        cos, sin = math.cos(angle), math.sin(angle)
        distance = math.sqrt(area_by_node[row["node"]]) / 2 + 3  # points beyond the node's rim
        labels.append(
            ax.annotate(
                str(row["label"]),
                (cos, sin),
                xytext=(distance * cos, distance * sin),
                textcoords="offset points",
                ha="left" if cos > 0.25 else "right" if cos < -0.25 else "center",
                va="bottom" if sin > 0.7 else "top" if sin < -0.7 else "center",
                fontsize=_VALUE_SIZE,
                color=_TEXT_COLOUR,
                zorder=4,
            )
        )
    ax.update_datalim([(-1.3, -1.2), (1.3, 1.2)])  # room for labels; the aspect widens x
    ax.autoscale_view(tight=True)

    present = [group for group in groups if group in set(map(str, nodes["group"]))]
    handles = [
        Patch(
            facecolor=group_colours[group],
            edgecolor="none",
            label=f"{_COHORT[language]} {group}" if group in COHORTS else group,
        )
        for group in present
    ]
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        handlelength=0.9,
        handleheight=0.9,
        fontsize=_VALUE_SIZE,
        title=size_label,
        title_fontsize=_VALUE_SIZE - 0.5,
        alignment="left",
    )
    if size_label:
        legend.get_title().set_color(_MUTED_COLOUR)
    _add_source(fig, source)
    fig.draw_without_rendering()
    _push_apart_radially(labels, fig._get_renderer())
    fig.set_label("network")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 6 tile map

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


@_house_style
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
        Source line, see :func:`source_line`.
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
    _check_value_format(value_format)
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

    fig = _new_figure(4.0)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_axis_off()
    size = 0.94
    for land, (column, row) in TILE_GRID.items():
        value = float(full[land])
        colour = _EMPTY_TILE_COLOUR if value == 0 else _TILE_CMAP(norm(value))
        ax.add_patch(Rectangle((column, -row), size, size, facecolor=colour, edgecolor="none", label=land))
        text_colour = _text_colour_on(colour) if value else _MUTED_COLOUR
        ax.text(
            column + size / 2,
            -row + size * 0.62,
            LAND_ABBREVIATIONS[land],
            ha="center",
            va="center",
            fontsize=_BASE_SIZE,
            fontweight="bold",
            color=text_colour,
        )
        ax.text(
            column + size / 2,
            -row + size * 0.3,
            _format_value(value, value_format, language),
            ha="center",
            va="center",
            fontsize=_VALUE_SIZE,
            color=text_colour,
        )
    ax.set_xlim(-0.05, 5.0)
    ax.set_ylim(-4.05, 1.0)

    # Colour legend in the empty top-left corner of the grid: "0" swatch, then the scale.
    ax.text(0.0, 0.94, _wrap(value_label, 24), ha="left", va="top", fontsize=_VALUE_SIZE, color=_TEXT_COLOUR)
    lines = _wrap(value_label, 24).count("\n") + 1
    bar_top = 0.94 - 0.17 * lines - 0.1
    ax.add_artist(Rectangle((0.0, bar_top - 0.16), 0.16, 0.16, facecolor=_EMPTY_TILE_COLOUR, edgecolor="none"))
    ax.text(
        0.08,
        bar_top - 0.22,
        _format_value(0, value_format, language),
        ha="center",
        va="top",
        fontsize=_VALUE_SIZE - 0.5,
        color=_MUTED_COLOUR,
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
            _format_value(value, value_format, language),
            transform=scale_ax.transAxes,
            ha="center",
            va="top",
            fontsize=_VALUE_SIZE - 0.5,
            color=_MUTED_COLOUR,
        )
    _add_source(fig, source)
    fig.set_label("tile-map")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- 7 share bar


@_house_style
def share_chart(share: float, *, label: str, source: str, language: str = "de") -> Figure:
    """Draw one 100 % bar split into a share and the rest, with the share written on it.

    Parameters
    ----------
    share : float
        A share between 0 and 1.
    label : str
        What the share is, written above the bar.
    source : str
        Source line, see :func:`source_line`.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not (isinstance(share, int | float | np.number) and 0 <= float(share) <= 1):
        raise ValueError(f"share must be a number between 0 and 1, got {share!r}")
    share = float(share)
    wrapped = _wrap(label, 95)
    fig = _new_figure(1.1 + 0.16 * wrapped.count("\n"))
    ax = fig.add_subplot()
    ax.barh(0, share, height=0.6, color=MAIN_COLOUR)
    ax.barh(0, 1 - share, left=share, height=0.6, color=GREY)
    text = ax.text(
        share / 2,
        0,
        format_percent(share, 0, language),
        ha="center",
        va="center",
        fontsize=_BASE_SIZE + 1,
        fontweight="bold",
        color=_text_colour_on(MAIN_COLOUR),
    )
    ax.set_title(wrapped, fontweight="normal", pad=5)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    ax.set_axis_off()
    _add_source(fig, source)

    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    bar_width = ax.transData.transform((share, 0))[0] - ax.transData.transform((0, 0))[0]
    if text.get_window_extent(renderer).width + 8 > bar_width:  # does not fit: write it on the rest
        text.set_position((share, 0))
        text.set_horizontalalignment("left")
        text.set_color(_TEXT_COLOUR)
        text.set_text(" " + text.get_text())
    fig.set_label("share")  # the chart kind, for alt texts generated from the data
    return fig


# --------------------------------------------------------------------------- helpers


def _new_figure(height: float) -> Figure:
    return Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")


def _add_source(fig: Figure, source: str) -> None:
    """Write the source line at the bottom left; constrained layout reserves room for it."""
    fig.supxlabel(source, x=0.006, ha="left", fontsize=_SOURCE_SIZE, color=_MUTED_COLOUR)


def _check_value_format(value_format: str) -> None:
    if value_format not in _VALUE_FORMATS:
        raise ValueError(f"value_format must be one of {_VALUE_FORMATS}, got {value_format!r}")


def _check_not_empty(data: pd.Series | pd.DataFrame, name: str) -> None:
    if data.empty:
        raise ValueError(f"{name} is empty: there is nothing to draw")


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing} (has {list(frame.columns)})")


def _format_value(value: float, value_format: str, language: str) -> str:
    if value_format == "int":
        return format_int(value, language)
    if value_format == "percent":
        return format_percent(value, 0, language)
    return format_number(value, 1, language)


def _label_bars(ax, bars, values: np.ndarray, value_format: str, language: str) -> None:
    """Write each value at the end of its bar; a missing value reads "keine Daten" in grey."""
    texts = [_format_value(v, value_format, language) if math.isfinite(v) else _NO_DATA[language] for v in values]
    labels = ax.bar_label(bars, labels=texts, padding=3, fontsize=_VALUE_SIZE, color=_TEXT_COLOUR)
    for label, value in zip(labels, values, strict=True):
        if not math.isfinite(value):
            label.set_color(_MUTED_COLOUR)
            label.set_fontstyle("italic")


_ABBREVIATION = re.compile(r"\b(\w{1,2}\.) (?=\w{1,2}\.)")  # "z. B.", "u. a.", "d. h."


def _wrap(label: object, width: int = _WRAP_WIDTH) -> str:
    """Wrap a label to lines of at most ``width`` characters, keeping "z. B." together."""
    text = _ABBREVIATION.sub(lambda match: match.group(1) + NBSP, str(label))
    if len(text) <= width:
        return text
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=True)


def _extra_lines(labels: Iterable[str]) -> int:
    return sum(label.count("\n") for label in labels)


def _colours_for(keys: Iterable[object], colours: Mapping[str, str] | None) -> dict[str, str]:
    """Colour per key: given colours, else fixed cohort/kind/state colours, else Okabe–Ito in order."""
    names = [str(key) for key in keys]
    if colours is not None:
        missing = [name for name in names if name not in colours]
        if missing:
            raise ValueError(f"colours has no colour for {missing}")
        return {name: colours[name] for name in names}
    fixed = _fixed_colours(names, ("cohort", "kind", "measure_state"))
    if fixed is not None:
        return fixed
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(names)}


#: Categories with a fixed colour: dimension (as the word catalogue names it) -> code -> colour.
_FIXED_COLOURS: dict[str, dict[str, str]] = {
    "cohort": COLOURS_BY_COHORT,
    "kind": COLOURS_BY_KIND,
    "measure_state": COLOURS_BY_MEASURE_STATE,
}


def _fixed_colours(keys: Iterable[object], dimensions: Sequence[str]) -> dict[str, str] | None:
    """The fixed colour of each key when all are categories of one of ``dimensions``, else None.

    A key is a code (``"large_city"``) or its word in any report language (``"Großstadt"``, ``"City"``), so a
    labelled chart keeps the colours of its categories in every language.
    """
    names = [str(key) for key in keys]
    for dimension in dimensions:
        colours = _FIXED_COLOURS[dimension]
        by_word = {t(f"{dimension}.{code}", language): code for code in colours for language in LANGUAGES}
        codes = [name if name in colours else by_word.get(name) for name in names]
        if None not in codes:
            return {name: colours[code] for name, code in zip(names, codes, strict=True)}
    return None


def _panel_grid(n_panels: int) -> tuple[int, int]:
    """Rows and columns for small multiples: at most four per row, rows balanced (5 -> 3 + 2, not 4 + 1)."""
    n_rows = math.ceil(n_panels / 4)
    return n_rows, math.ceil(n_panels / n_rows)


def _relative_luminance(colour: object) -> float:
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(foreground: object, background: object = "white") -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21); text needs 4.5, large text and graphics 3."""
    lighter, darker = sorted((_relative_luminance(foreground), _relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _text_shade(colour: object, minimum: float = 4.5) -> tuple[float, float, float]:
    """The colour, darkened just enough for text on white to reach ``minimum`` contrast (WCAG AA)."""
    rgb = to_rgb(colour)
    for step in range(21):
        shade = tuple(c * (1 - step / 20) for c in rgb)
        if contrast_ratio(shade) >= minimum:
            return shade
    return (0.0, 0.0, 0.0)


def _text_colour_on(background: object) -> str:
    """White or near-black, whichever contrasts more with the background (WCAG ratio).

    Where neither reaches the 4.5:1 of WCAG AA (vermillion: 3.9 with white, 4.1 with near-black), black.
    """
    luminance = _relative_luminance(background)
    on_white = 1.05 / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (_relative_luminance(_TEXT_COLOUR) + 0.05)
    if max(on_white, on_dark) < 4.5 and (luminance + 0.05) / 0.05 > on_white:
        return "black"
    return "white" if on_white >= on_dark else _TEXT_COLOUR


def _style_category_axes(ax, value_axis: str) -> None:
    """Bars with direct labels: no value axis, a thin baseline, category labels without ticks."""
    if value_axis == "x":
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
        ax.tick_params(axis="y", length=0, pad=4, labelfontfamily=_FONT_FAMILY)
        ax.spines["bottom"].set_visible(False)
    else:
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.tick_params(axis="x", length=0, pad=4, labelfontfamily=_FONT_FAMILY)
        ax.spines["left"].set_visible(False)


def _set_value_limits(ax, values: np.ndarray, axis: str, headroom: float = 0.0) -> None:
    finite = values[np.isfinite(values)]
    low = min(0.0, float(finite.min())) if finite.size else 0.0
    high = max(0.0, float(finite.max())) if finite.size else 0.0
    if high == low:
        high = low + 1.0
    high += (high - low) * headroom
    (ax.set_xlim if axis == "x" else ax.set_ylim)(low, high)


def _add_top_legend(fig: Figure, ax) -> None:
    """Legend above the plot, in one row if it fits the figure width, else in as few rows as fit."""
    handles, labels = ax.get_legend_handles_labels()
    renderer = fig._get_renderer()
    for n_cols in range(len(handles), 0, -1):
        legend = fig.legend(
            handles,
            [_wrap(label, 40) for label in labels],
            loc="outside upper left",
            ncols=n_cols,
            fontsize=_VALUE_SIZE + 0.5,
        )
        if legend.get_window_extent(renderer).width <= fig.bbox.width * 0.97 or n_cols == 1:
            return
        legend.remove()


def _hide_labels_that_do_not_fit(fig: Figure, segments: list[tuple[Rectangle, Artist]]) -> None:
    """Hide segment labels wider or taller than their segment (after layout)."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    for bar, label in segments:
        box, text = bar.get_window_extent(renderer), label.get_window_extent(renderer)
        if text.width + 4 > box.width or text.height > box.height:
            label.set_visible(False)


def _lowest_of_several(rank: float, values_at_wave: pd.Series) -> bool:
    """Whether a series is the lowest of two or more with a value at this wave."""
    present = int(values_at_wave.notna().sum())
    return present > 1 and rank == present


def _rising_at(y: np.ndarray, i: int) -> bool:
    """Whether the line rises through point ``i`` (judged by the next finite neighbour, else the previous)."""
    if i + 1 < len(y) and np.isfinite(y[i + 1]):
        return bool(y[i + 1] >= y[i])
    if i > 0 and np.isfinite(y[i - 1]):
        return bool(y[i] >= y[i - 1])
    return True


def _gap_position(y: np.ndarray, i: int) -> float:
    """Height at which "keine Daten" is written: between the neighbouring values, or next to one."""
    finite = np.flatnonzero(np.isfinite(y))
    before, after = finite[finite < i], finite[finite > i]
    if before.size and after.size:
        b, a = before[-1], after[0]
        return float(y[b] + (y[a] - y[b]) * (i - b) / (a - b))
    if before.size:
        return float(y[before[-1]])
    if after.size:
        return float(y[after[0]])
    return 0.0


def _separate_vertically(labels: list[Artist], renderer, gap: float = 1.0) -> None:
    """Move annotations (offset in points) apart vertically where their boxes overlap."""
    if len(labels) < 2:
        return
    points_per_pixel = 72.0 / labels[0].figure.dpi
    boxes = sorted(((label.get_window_extent(renderer), label) for label in labels), key=lambda item: item[0].y0)
    previous_top = None
    for box, label in boxes:
        if previous_top is not None and box.y0 < previous_top + gap:
            shift = previous_top + gap - box.y0
            dx, dy = label.xyann
            label.xyann = (dx, dy + shift * points_per_pixel)
            previous_top = box.y1 + shift
        else:
            previous_top = box.y1


def _push_apart_radially(labels: list[Artist], renderer, step: float = 4.0) -> None:
    """Move node labels (offsets in points) outwards until no two overlap, a few rounds at most."""
    for _ in range(15):
        moved = False
        boxes = [label.get_window_extent(renderer) for label in labels]
        for i in range(len(labels)):
            for j in range(i):
                if boxes[i].overlaps(boxes[j]):
                    dx, dy = labels[i].xyann
                    distance = math.hypot(dx, dy) or 1.0
                    labels[i].xyann = (dx * (distance + step) / distance, dy * (distance + step) / distance)
                    boxes[i] = labels[i].get_window_extent(renderer)
                    moved = True
        if not moved:
            return


def _circle_angles(group_order: np.ndarray) -> np.ndarray:
    """Angles of nodes on a circle, clockwise from the top, with one empty slot between groups."""
    slots = []
    slot = 0.0
    for i, group in enumerate(group_order):
        if i and group != group_order[i - 1]:
            slot += 1.5
        slots.append(slot)
        slot += 1.0
    total = slot + (1.5 if len(set(group_order)) > 1 else 0.0)
    return math.pi / 2 - 2 * math.pi * np.asarray(slots) / max(total, 1.0)


# --------------------------------------------------------------------------- 8 one project vs. medians

#: Bar colours of the factsheet comparison: the project, the cohort median, the median of its kind.
PROJECT_COMPARISON_COLOURS: tuple[str, str, str] = (ACCENT_COLOUR, MAIN_COLOUR, OKABE_ITO[4])


@_house_style
def project_comparison_chart(table: pd.DataFrame, *, source: str, language: str = "de") -> Figure:
    """Draw one project's key figures next to two medians: one small panel per indicator, in one row.

    Parameters
    ----------
    table : pandas.DataFrame
        Three rows — the project, the cohort median, the median of its kind of municipality (as
        :attr:`~mpsc_report.analysis.metrics.ProjectComparison.table`) — and one column per indicator.
        ``NaN`` is written as "keine Daten".
    source : str
        Source line, see :func:`source_line`.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
        Values are written at the bar ends the way the factsheet's sentences write them
        (whole numbers without decimals, medians such as 12,5 with one).
    """
    _check_not_empty(table, "table")
    if len(table.index) != len(PROJECT_COMPARISON_COLOURS):
        raise ValueError(f"table needs 3 rows (project, cohort median, kind median), got {list(table.index)}")
    data = table.apply(pd.to_numeric, errors="raise").astype(float)
    categories = [_wrap(label, 20) for label in data.index]
    n_panels = len(data.columns)
    label_width = min(max(len(line) for label in categories for line in label.split("\n")) * 0.068, 1.5)
    panel_width = (FIGURE_WIDTH - 0.2 - label_width) / n_panels
    titles = [_wrap(column, max(10, int(panel_width / 0.064))) for column in data.columns]
    title_lines = max(title.count("\n") + 1 for title in titles)
    height = 0.45 + 0.17 * title_lines + 0.3 * len(categories) + 0.15 * _extra_lines(categories)
    fig = _new_figure(height)
    axes = fig.subplots(1, n_panels, sharey=True, squeeze=False)[0]
    positions = np.arange(len(categories))
    title_texts = []
    for index, ax in enumerate(axes):
        values = data.iloc[:, index].to_numpy()
        bars = ax.barh(positions, np.nan_to_num(values), height=0.7, color=PROJECT_COMPARISON_COLOURS)
        texts = [format_median(v, language) if math.isfinite(v) else _NO_DATA[language] for v in values]
        labels = ax.bar_label(bars, labels=texts, padding=3, fontsize=_VALUE_SIZE, color=_TEXT_COLOUR)
        for label, value in zip(labels, values, strict=True):
            if not math.isfinite(value):
                label.set_color(_MUTED_COLOUR)
                label.set_fontstyle("italic")
        labels[0].set_fontweight("bold")
        title_texts.append(ax.set_title(titles[index], fontsize=_VALUE_SIZE + 0.5))
        _style_category_axes(ax, value_axis="x")
        _set_value_limits(ax, values, axis="x", headroom=0.55)
        if index == 0:
            ax.set_yticks(positions, categories)
            ax.get_yticklabels()[0].set_fontweight("bold")
        else:
            ax.tick_params(axis="y", labelleft=False)
    axes[0].set_ylim(len(categories) - 0.5, -0.5)
    _add_source(fig, source)
    _shrink_titles_to_fit(fig, title_texts)
    return fig


def _shrink_titles_to_fit(fig: Figure, titles: list[Artist], smallest: float = 6.5) -> None:
    """Make panel titles that reach past the figure's right edge (one long word) smaller, step by step."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    for title in titles:
        size = title.get_fontsize()
        while size > smallest and title.get_window_extent(renderer).x1 > fig.bbox.x1 - 2:
            size -= 0.5
            title.set_fontsize(size)


def count_plotted(fig: Figure) -> int:
    """Number of data items drawn on a figure's axes: non-empty bars/patches, line points, scatter points, images.

    Recorded by :meth:`~mpsc_report.documents.blocks.Blocks.figure` so the QA gate can tell an empty chart
    (axes, but no data) without parsing the SVG.
    """
    count = 0
    for ax in fig.axes:
        count += sum(1 for patch in ax.patches if _has_extent(patch))
        count += sum(len(line.get_xdata()) for line in ax.lines)
        count += sum(max(len(c.get_offsets()), len(c.get_paths())) for c in ax.collections)
        count += len(ax.images)
    return count


def _has_extent(patch: object) -> bool:
    width = getattr(patch, "get_width", None)
    height = getattr(patch, "get_height", None)
    if width is None or height is None:
        return True
    return bool(width()) and bool(height())
