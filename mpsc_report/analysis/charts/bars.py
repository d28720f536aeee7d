"""Bar charts: bars, stacked bars, small multiples of bars, one project next to two medians."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..formatting import format_int, format_median, format_percent
from .figure import chart, new_figure
from .labels import (
    add_top_legend,
    extra_lines,
    format_value,
    hide_labels_that_do_not_fit,
    label_bars,
    shrink_titles_to_fit,
    text_colour_on,
    wrap,
)
from .layout import panel_grid, set_value_limits, style_bar_axes
from .style import (
    ACCENT_COLOUR,
    FIGURE_WIDTH,
    MAIN_COLOUR,
    MUTED_COLOUR,
    REFERENCE_COLOURS,
    VALUE_SIZE,
    colours_for,
    fixed_colours,
    outline_for,
)

#: Bar colours of the factsheet comparison: the project, the cohort median, the median of its kind.
PROJECT_COMPARISON_COLOURS: tuple[str, str, str] = (ACCENT_COLOUR, *REFERENCE_COLOURS)

#: Labels of a category that stays last when bars are sorted by value ("Sonstige", "Other …").
_LAST_WORDS = ("sonstig", "other", "andere", "weitere")


@chart("bar", nonempty=("values",))
def bar_chart(
    values: pd.Series,
    *,
    source: str,
    value_format: str = "int",
    xlabel: str | None = None,
    highlight: str | None = None,
    order: str = "value",
    language: str = "de",
) -> Figure:
    """Draw horizontal bars with the value written at the end of each bar, largest on top.

    Parameters
    ----------
    values : pandas.Series
        One value per category; the index gives the labels, top to bottom. ``NaN`` is drawn
        as "keine Daten".
    source : str
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
    value_format : {"int", "percent", "decimal"}
        How values are written: ``1.043``, ``64 %`` (values are shares 0..1) or ``12,5``.
    xlabel : str, optional
        What the values measure, printed under the bars.
    highlight : str, optional
        Index label of a category drawn in the accent colour.
    order : {"value", "given"}
        ``"value"``: largest bar on top, a category "Sonstige …"/"Other …" last, missing values after the others;
        categories of a natural order (cohorts, kinds of municipality, states of work) keep it. ``"given"``: the
        order of ``values``.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure

    One bar is no chart: say one number in a sentence or a key-figure tile (PUBLISHING.md).
    """
    if order not in ("value", "given"):
        raise ValueError(f"order must be 'value' or 'given', got {order!r}")
    if order == "value" and fixed_colours(values.index, ("cohort", "kind", "measure_state")) is None:
        values = _sort_by_value(values)
    if highlight is not None and highlight not in values.index:
        raise ValueError(
            f"highlight {highlight!r} is not a category of the chart; categories are {list(map(str, values.index))}"
        )
    data = pd.to_numeric(values, errors="raise").astype(float).to_numpy()
    labels = [wrap(label) for label in values.index]

    height = 0.62 + 0.34 * len(labels) + 0.15 * extra_lines(labels) + (0.22 if xlabel else 0)
    fig = new_figure(max(1.5, height), source)
    ax = fig.add_subplot()
    positions = np.arange(len(data))
    colours = [ACCENT_COLOUR if key == highlight else MAIN_COLOUR for key in values.index]
    bars = ax.barh(positions, np.nan_to_num(data), height=0.66, color=colours)
    label_bars(ax, bars, data, lambda value: format_value(value, value_format, language), language)
    ax.set_yticks(positions, labels)
    if highlight is not None:
        for key, tick in zip(values.index, ax.get_yticklabels(), strict=True):
            if key == highlight:
                tick.set_fontweight("bold")
    style_bar_axes(ax)
    set_value_limits(ax, data)
    ax.set_ylim(len(data) - 0.5, -0.5)  # first category on top
    if xlabel:
        ax.set_xlabel(xlabel, color=MUTED_COLOUR, fontsize=VALUE_SIZE, loc="left")
    return fig


def _sort_by_value(values: pd.Series) -> pd.Series:
    """``values`` largest first; a category "Sonstige …"/"Other …" last, missing values after the others."""
    numbers = pd.to_numeric(values, errors="coerce")
    last = [str(label).strip().lower().startswith(_LAST_WORDS) for label in values.index]
    keys = pd.DataFrame({"last": last, "missing": numbers.isna().to_numpy(), "value": -numbers.fillna(0).to_numpy()})
    return values.iloc[keys.sort_values(["last", "missing", "value"], kind="stable").index.to_numpy()]


@chart("stacked-bar", nonempty=("frame",))
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
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
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
    data = frame.apply(pd.to_numeric, errors="raise").astype(float).fillna(0.0)
    if (data < 0).to_numpy().any():
        raise ValueError("stacked_bar_chart needs non-negative values")
    totals = data.sum(axis=1)
    if as_share:
        data = data.div(totals.where(totals > 0), axis=0).fillna(0.0)
    segment_colours = colours_for(data.columns, colours)
    labels = [wrap(label) for label in data.index]

    height = 0.95 + 0.4 * len(labels) + 0.15 * extra_lines(labels)
    fig = new_figure(max(1.7, height), source)
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
                fontsize=VALUE_SIZE,
                color=text_colour_on(colour),
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
                fontsize=VALUE_SIZE,
                fontweight="bold",
            )
    ax.set_yticks(positions, labels)
    style_bar_axes(ax)
    ax.set_xlim(0, 1.0 if as_share else max(float(left.max()), 1.0))
    ax.set_ylim(len(data) - 0.5, -0.5)
    add_top_legend(fig, ax)
    hide_labels_that_do_not_fit(fig, segments)
    return fig


@chart("small-multiples", nonempty=("frame",))
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
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
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
    data = frame.apply(pd.to_numeric, errors="raise").astype(float)
    n_panels = len(data.columns)
    n_rows, n_cols = panel_grid(n_panels)
    categories = [wrap(label, 22) for label in data.index]
    if colours is None and fixed_colours(data.index, ("cohort", "kind")) is None:
        bar_colours = [MAIN_COLOUR] * len(data.index)
    else:
        colour_map = colours_for(data.index, colours)
        bar_colours = [colour_map[str(key)] for key in data.index]

    label_width = max(len(line) for label in categories for line in label.split("\n"))
    panel_width = (FIGURE_WIDTH - 0.2 - min(label_width * 0.068, 1.7)) / n_cols
    title_width = max(12, int(panel_width / 0.072))
    titles = [wrap(column, title_width) for column in data.columns]
    title_lines = [
        max(title.count("\n") + 1 for title in titles[row * n_cols : (row + 1) * n_cols]) for row in range(n_rows)
    ]
    row_height = 0.3 * len(categories) + 0.15 * extra_lines(categories) + 0.18
    height = 0.35 + sum(row_height + 0.17 * lines + 0.12 for lines in title_lines)
    fig = new_figure(max(1.6, height), source)
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
        bars = ax.barh(
            positions,
            np.nan_to_num(values),
            height=0.66,
            color=bar_colours,
            edgecolor=[outline_for(colour) for colour in bar_colours],
            linewidth=0.6,
        )
        label_bars(ax, bars, values, lambda value: format_value(value, value_format, language), language)
        ax.set_title(titles[index])
        style_bar_axes(ax)
        set_value_limits(ax, values, headroom=0.3)
        if index % n_cols == 0:
            ax.set_yticks(positions, categories)
        else:
            ax.tick_params(axis="y", labelleft=False)
    axes[0, 0].set_ylim(len(categories) - 0.5, -0.5)
    return fig


@chart("project-comparison", nonempty=("table",))
def project_comparison_chart(table: pd.DataFrame, *, source: str, language: str = "de") -> Figure:
    """Draw one project's key figures next to two medians: one small panel per indicator, in one row.

    Parameters
    ----------
    table : pandas.DataFrame
        Three rows — the project, the cohort median, the median of its kind of municipality (as
        :attr:`~mpsc_report.analysis.metrics.ProjectComparison.table`) — and one column per indicator.
        ``NaN`` is written as "keine Daten".
    source : str
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
    language : str
        Report language for number formats.

    Returns
    -------
    matplotlib.figure.Figure
        Values are written at the bar ends the way the factsheet's sentences write them
        (whole numbers without decimals, medians such as 12,5 with one).
    """
    if len(table.index) != len(PROJECT_COMPARISON_COLOURS):
        raise ValueError(f"table needs 3 rows (project, cohort median, kind median), got {list(table.index)}")
    data = table.apply(pd.to_numeric, errors="raise").astype(float)
    categories = [wrap(label, 20) for label in data.index]
    n_panels = len(data.columns)
    label_width = min(max(len(line) for label in categories for line in label.split("\n")) * 0.068, 1.5)
    panel_width = (FIGURE_WIDTH - 0.2 - label_width) / n_panels
    titles = [wrap(column, max(10, int(panel_width / 0.064))) for column in data.columns]
    title_lines = max(title.count("\n") + 1 for title in titles)
    height = 0.45 + 0.17 * title_lines + 0.3 * len(categories) + 0.15 * extra_lines(categories)
    fig = new_figure(height, source)
    axes = fig.subplots(1, n_panels, sharey=True, squeeze=False)[0]
    positions = np.arange(len(categories))
    title_texts = []
    for index, ax in enumerate(axes):
        values = data.iloc[:, index].to_numpy()
        bars = ax.barh(positions, np.nan_to_num(values), height=0.7, color=PROJECT_COMPARISON_COLOURS)
        labels = label_bars(ax, bars, values, lambda value: format_median(value, language), language)
        labels[0].set_fontweight("bold")
        title_texts.append(ax.set_title(titles[index], fontsize=VALUE_SIZE + 0.5))
        style_bar_axes(ax)
        set_value_limits(ax, values, headroom=0.55)
        if index == 0:
            ax.set_yticks(positions, categories)
            ax.get_yticklabels()[0].set_fontweight("bold")
        else:
            ax.tick_params(axis="y", labelleft=False)
    axes[0].set_ylim(len(categories) - 0.5, -0.5)
    shrink_titles_to_fit(fig, title_texts)
    return fig
