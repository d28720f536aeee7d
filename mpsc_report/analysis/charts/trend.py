"""Trend over the survey waves: small multiples of lines, one panel per indicator on its own scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..words import t
from .figure import MIN_TREND_WAVES, chart, new_figure, shows_a_trend, waves_with_data
from .labels import format_value, wrap
from .layout import panel_grid
from .style import FIGURE_WIDTH, FONT_FAMILY, MAIN_COLOUR, MUTED_COLOUR, TEXT_COLOUR, VALUE_SIZE


@chart("trend", nonempty=("frame",))
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
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
    value_format : {"int", "percent", "decimal"}
        How values are written.
    language : str
        Report language for number formats.
    panel_height : float
        Height of one row of panels in inches (the factsheet uses a lower one).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When fewer than :data:`MIN_TREND_WAVES` waves have data: one point per line is no trend.
    """
    data = frame.apply(pd.to_numeric, errors="raise").astype(float)
    if not shows_a_trend(data):
        raise ValueError(
            f"a trend chart needs data in at least {MIN_TREND_WAVES} waves, got {waves_with_data(data)} "
            f"(waves {', '.join(map(str, data.index))}); say in a sentence when the comparison starts instead "
            "(Blocks.trend_figure does)"
        )
    waves = [str(wave) for wave in data.index]
    n_panels = len(data.columns)
    n_rows, n_cols = panel_grid(n_panels)
    titles = [wrap(column, max(12, int((FIGURE_WIDTH / n_cols) / 0.075))) for column in data.columns]
    fig = new_figure(0.45 + panel_height * n_rows, source)
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
                format_value(y[i], value_format, language),
                (x[i], y[i]),
                xytext=(-5 if left else 5, 3),
                textcoords="offset points",
                ha="right" if left else "left",
                va="bottom",
                fontsize=VALUE_SIZE,
                color=TEXT_COLOUR,
            )
        for i in np.flatnonzero(~np.isfinite(y)):
            ax.annotate(
                t("describe.no_data", language),
                (x[i], _gap_position(y, i) if top > 0 else 0.5),
                ha="center",
                va="center",
                fontsize=VALUE_SIZE - 0.5,
                fontstyle="italic",
                color=MUTED_COLOUR,
            )
        ax.set_title(titles[index])
        ax.set_xticks(x, waves)
        ax.set_xlim(-0.45, x[-1] + 0.45)
        ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
        ax.yaxis.set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", length=3, width=0.8, labelsize=VALUE_SIZE, labelfontfamily=FONT_FAMILY)
    return fig


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
