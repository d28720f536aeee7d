"""Text on the charts: wrapped labels, values in the report's number format, legends, readable colours, no overlaps."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from ..formatting import NBSP, format_int, format_number, format_percent
from ..words import t
from .style import MUTED_COLOUR, TEXT_COLOUR, VALUE_SIZE

_WRAP_WIDTH = 28  # characters; longer category labels are wrapped
_ABBREVIATION = re.compile(r"\b(\w{1,2}\.) (?=\w{1,2}\.)")  # "z. B.", "u. a.", "d. h."


def wrap(label: object, width: int = _WRAP_WIDTH) -> str:
    """Wrap a label to lines of at most ``width`` characters, keeping "z. B." together."""
    text = _ABBREVIATION.sub(lambda match: match.group(1) + NBSP, str(label))
    if len(text) <= width:
        return text
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=True)


def extra_lines(labels: Iterable[str]) -> int:
    """Number of line breaks in wrapped labels (each makes a chart taller)."""
    return sum(label.count("\n") for label in labels)


def format_value(value: float, value_format: str, language: str) -> str:
    """A value as the chart writes it: ``"int"`` 1.043, ``"percent"`` 64 % (of a share 0..1), else 12,5."""
    if value_format == "int":
        return format_int(value, language)
    if value_format == "percent":
        return format_percent(value, 0, language)
    return format_number(value, 1, language)


def label_bars(ax, bars, values: np.ndarray, write: Callable[[float], str], language: str) -> list[Text]:
    """Write each value at the end of its bar as ``write`` writes it; a missing value reads "keine Daten" in grey."""
    texts = [write(v) if math.isfinite(v) else t("describe.no_data", language) for v in values]
    labels = ax.bar_label(bars, labels=texts, padding=3, fontsize=VALUE_SIZE, color=TEXT_COLOUR)
    for label, value in zip(labels, values, strict=True):
        if not math.isfinite(value):
            label.set_color(MUTED_COLOUR)
            label.set_fontstyle("italic")
    return labels


def add_top_legend(fig: Figure, ax) -> None:
    """Legend above the plot, in one row if it fits the figure width, else in as few rows as fit."""
    handles, labels = ax.get_legend_handles_labels()
    renderer = fig._get_renderer()
    for n_cols in range(len(handles), 0, -1):
        legend = fig.legend(
            handles,
            [wrap(label, 40) for label in labels],
            loc="outside upper left",
            ncols=n_cols,
            fontsize=VALUE_SIZE + 0.5,
        )
        if legend.get_window_extent(renderer).width <= fig.bbox.width * 0.97 or n_cols == 1:
            return
        legend.remove()


def hide_labels_that_do_not_fit(fig: Figure, segments: list[tuple[Rectangle, Artist]]) -> None:
    """Hide segment labels wider or taller than their segment (after layout)."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    for bar, label in segments:
        box, text = bar.get_window_extent(renderer), label.get_window_extent(renderer)
        if text.width + 4 > box.width or text.height > box.height:
            label.set_visible(False)


def shrink_titles_to_fit(fig: Figure, titles: list[Artist], smallest: float = 6.5) -> None:
    """Make panel titles that reach past the figure's right edge (one long word) smaller, step by step."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    for title in titles:
        size = title.get_fontsize()
        while size > smallest and title.get_window_extent(renderer).x1 > fig.bbox.x1 - 2:
            size -= 0.5
            title.set_fontsize(size)


def push_apart_radially(labels: list[Artist], renderer, step: float = 4.0) -> None:
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


# --------------------------------------------------------------------------- contrast (WCAG 2)


def contrast_ratio(foreground: object, background: object = "white") -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21); text needs 4.5, large text and graphics 3."""
    lighter, darker = sorted((_relative_luminance(foreground), _relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: object) -> str:
    """White or near-black, whichever contrasts more with the background (WCAG ratio).

    Where neither reaches the 4.5:1 of WCAG AA (vermillion: 3.9 with white, 4.1 with near-black), black.
    """
    on_white = contrast_ratio("white", background)
    on_dark = contrast_ratio(TEXT_COLOUR, background)
    if max(on_white, on_dark) < 4.5 and contrast_ratio("black", background) > on_white:
        return "black"
    return "white" if on_white >= on_dark else TEXT_COLOUR


def _relative_luminance(colour: object) -> float:
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
