"""Axes of the house: horizontal bars labelled directly (no value axis), value limits, grids of small multiples."""

from __future__ import annotations

import math

import numpy as np

from .style import FONT_FAMILY


def style_bar_axes(ax) -> None:
    """Horizontal bars with direct labels: no value axis, a thin baseline, category labels without ticks."""
    ax.tick_params(axis="x", bottom=False, labelbottom=False)
    ax.tick_params(axis="y", length=0, pad=4, labelfontfamily=FONT_FAMILY)
    ax.spines["bottom"].set_visible(False)


def set_value_limits(ax, values: np.ndarray, headroom: float = 0.0) -> None:
    """Value (x) axis from 0, or the smallest negative value, to the largest value plus ``headroom`` of the range."""
    finite = values[np.isfinite(values)]
    low = min(0.0, float(finite.min())) if finite.size else 0.0
    high = max(0.0, float(finite.max())) if finite.size else 0.0
    if high == low:
        high = low + 1.0
    high += (high - low) * headroom
    ax.set_xlim(low, high)


def panel_grid(n_panels: int) -> tuple[int, int]:
    """Rows and columns for small multiples: at most four per row, rows balanced (5 -> 3 + 2, not 4 + 1)."""
    n_rows = math.ceil(n_panels / 4)
    return n_rows, math.ceil(n_panels / n_rows)
