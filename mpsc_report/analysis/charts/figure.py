"""The one opening every chart shares: argument checks, house style, a figure with its source line, the chart kind.

A chart is a function decorated with :func:`chart` that makes its figure with :func:`new_figure`::

    @chart("bar", nonempty=("values",))
    def bar_chart(values, *, source, value_format="int", language="de") -> Figure:
        fig = new_figure(height, source)
        ...
        return fig

The decorator checks ``value_format`` (when the chart has one), the required columns and that the data are not empty
before the body runs, runs the body inside the house style, refuses a figure without its source line and labels the
figure with the chart kind (read by :func:`~mpsc_report.analysis.narrative.describe_chart` for alt texts).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from ..formatting import NBSP, format_int
from ..words import t
from .style import FIGURE_WIDTH, HOUSE_RC, MUTED_COLOUR, SOURCE_SIZE

#: How a chart may write its values: ``1.043``, ``64 %`` (shares 0..1) or ``12,5``.
VALUE_FORMATS = ("int", "percent", "decimal")

_P = ParamSpec("_P")


def chart(
    kind: str, *, nonempty: Sequence[str], columns: Mapping[str, Sequence[str]] | None = None
) -> Callable[[Callable[_P, Figure]], Callable[_P, Figure]]:
    """Give a chart function the house opening and closing.

    Parameters
    ----------
    kind : str
        The chart kind, set as the figure's label (``"bar"``, ``"trend"`` …).
    nonempty : sequence of str
        Arguments (DataFrames or Series) that must not be empty; ``()`` when an empty input is drawn.
    columns : mapping, optional
        Argument name -> the columns that DataFrame must have.

    Returns
    -------
    callable
        A decorator. The decorated function must take ``source`` and ``language`` arguments.

    Raises
    ------
    TypeError
        At decoration, when the function lacks ``source`` or ``language`` or a named argument; when called, when
        its figure lacks the source line (it was not made with :func:`new_figure`).
    """
    required_columns = dict(columns or {})

    def decorate(function: Callable[_P, Figure]) -> Callable[_P, Figure]:
        signature = inspect.signature(function)
        named = {"source", "language", *nonempty, *required_columns}
        missing = sorted(named - set(signature.parameters))
        if missing:
            raise TypeError(f"chart {function.__name__} has no argument(s) {missing}")

        @functools.wraps(function)
        def draw(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            given = arguments.arguments
            if "value_format" in given:
                _check_value_format(given["value_format"])
            for name, wanted in required_columns.items():
                _check_columns(given[name], wanted, name)
            for name in nonempty:
                _check_not_empty(given[name], name)
            with mpl.rc_context(HOUSE_RC):
                fig = function(*args, **kwargs)
            if fig.get_supxlabel() != given["source"]:
                raise TypeError(
                    f"chart {function.__name__} drew no source line: make its figure with new_figure(height, source)"
                )
            fig.set_label(kind)  # the chart kind, for alt texts generated from the data
            return fig

        return draw

    return decorate


def new_figure(height: float, source: str) -> Figure:
    """A figure one text column wide with the source line at the bottom left; constrained layout keeps room for it.

    Parameters
    ----------
    height : float
        Height in inches.
    source : str
        Source line, see :func:`source_line`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(FIGURE_WIDTH, height), layout="constrained")
    fig.supxlabel(source, x=0.006, ha="left", fontsize=SOURCE_SIZE, color=MUTED_COLOUR)
    return fig


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
    return t("chart.source_sample" if synthetic else "chart.source", language, wave=wave, count=count)


#: Waves with data a chart across the waves needs. With one point per line it shows no development (with none, an
#: empty chart): a document then says in a sentence when the comparison starts instead of drawing the chart (see
#: :meth:`mpsc_report.documents.blocks.Blocks.trend_figure`).
MIN_TREND_WAVES = 2


def waves_with_data(frame: pd.DataFrame) -> int:
    """How many waves (rows) of a trend frame hold at least one number."""
    return int(frame.apply(pd.to_numeric, errors="coerce").notna().any(axis=1).sum())


def shows_a_trend(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has data in at least :data:`MIN_TREND_WAVES` waves, so a trend chart shows a development."""
    return waves_with_data(frame) >= MIN_TREND_WAVES


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


def _check_value_format(value_format: str) -> None:
    if value_format not in VALUE_FORMATS:
        raise ValueError(f"value_format must be one of {VALUE_FORMATS}, got {value_format!r}")


def _check_not_empty(data: pd.Series | pd.DataFrame, name: str) -> None:
    if data.empty:
        raise ValueError(f"{name} is empty: there is nothing to draw")


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing} (has {list(frame.columns)})")
