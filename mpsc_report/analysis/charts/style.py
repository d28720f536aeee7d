"""The house style of every chart: palette, fixed colours per category, type sizes and the matplotlib settings."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from cycler import cycler

from ...data.schema import COHORTS, KINDS, MEASURE_STATES
from ..words import LANGUAGES, t

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

# One meaning per colour in the whole document (PUBLISHING.md): each dimension has its own colours, and no colour
# means two things. The eight Okabe–Ito colours are shared out between cohorts and kinds of municipality; states of
# work are a grey ramp; a chart of one series without a dimension is drawn in the house's dark blue, which no
# dimension uses. tests/test_charts.py checks that the palettes are disjoint.

#: Colour of single-series charts (no dimension): the house's dark blue.
MAIN_COLOUR = "#1D4F7A"
#: Colour of a highlighted category (a project next to medians): near-black blue, with a bold label.
ACCENT_COLOUR = "#0B1F33"
#: Neutral grey for context (e.g. the rest of a 100 % bar).
GREY = "#E4E4E4"

#: One colour per cohort, the same in every chart: a ramp from dark (the first cohort) to light, Okabe–Ito.
COLOURS_BY_COHORT: dict[str, str] = dict(zip(COHORTS, ("#000000", "#0072B2", "#56B4E9"), strict=True))
#: One colour per kind of municipality, the same in every chart: the other five Okabe–Ito colours.
COLOURS_BY_KIND: dict[str, str] = dict(zip(KINDS, ("#E69F00", "#D55E00", "#CC79A7", "#009E73", "#F0E442"), strict=True))

#: One colour per state of work of a measure, the same in every chart and wave: light (planned) to dark (completed).
COLOURS_BY_MEASURE_STATE: dict[str, str] = dict(zip(MEASURE_STATES, ("#C8C8C8", "#8A8A8A", "#3F3F3F"), strict=True))

#: Colours of the medians a factsheet sets a project beside (cohort, kind): tints of the main colour.
REFERENCE_COLOURS: tuple[str, str] = ("#7C9BB8", "#B9CADB")

#: Width of every figure in inches: one A4 text column.
FIGURE_WIDTH = 6.7

#: Colour of text: labels, values, titles.
TEXT_COLOUR = "#222222"
#: Colour of secondary text: source line, axis labels, "keine Daten".
MUTED_COLOUR = "#666666"
_AXIS_COLOUR = "#9E9E9E"
_GRID_COLOUR = "#E3E3E3"

#: Fonts for characters Open Sans lacks, tried in this order glyph by glyph (matplotlib's font fallback): DejaVu
#: Sans (symbols, Greek, Cyrillic, Hebrew, Arabic …; it ships with matplotlib), then WenQuanYi Micro Hei for Chinese,
#: Japanese and Korean (``fonts-wqy-microhei``, installed by ``make.sh``). Labels come from data, so any script can
#: reach a chart. Every family named costs a font lookup per text drawn, so the list stays short.
FALLBACK_FAMILIES = ("DejaVu Sans", "WenQuanYi Micro Hei")


class _OneWeightFallbacks(logging.Filter):
    """Drops matplotlib's note that a fallback family has no bold face: its glyphs are drawn in its one weight."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.getMessage().startswith("findfont: Failed to find font weight")
            and any(f" for {family}, " in record.getMessage() for family in FALLBACK_FAMILIES)
        )


def _font_family() -> list[str]:
    """Open Sans, then the fallback families that are installed (a missing one would be logged at every chart)."""
    from matplotlib import font_manager  # noqa: PLC0415  (charts import matplotlib anyway)

    logger = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _OneWeightFallbacks) for f in logger.filters):
        logger.addFilter(_OneWeightFallbacks())
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["Open Sans", *(family for family in FALLBACK_FAMILIES if family in installed)]


#: Font families, named explicitly: generic names ("sans-serif") are resolved only at drawing time. Open Sans is
#: always named: without it the report's charts should say so, not quietly change their type.
FONT_FAMILY = _font_family()
#: Size of labels and titles in points.
BASE_SIZE = 9.0
#: Size of values written on or next to the data in points.
VALUE_SIZE = 8.0
#: Size of the source line in points.
SOURCE_SIZE = 7.0

#: Applied while a chart is built. Artists copy these settings when they are created, so the
#: figure keeps the house style when it is drawn later, outside this context.
HOUSE_RC: dict[str, object] = {
    "font.family": FONT_FAMILY,
    "font.size": BASE_SIZE,
    "text.color": TEXT_COLOUR,
    "text.parse_math": False,  # labels come from data: "$" is a dollar sign, not maths
    "axes.edgecolor": _AXIS_COLOUR,
    "axes.linewidth": 0.8,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.labelsize": BASE_SIZE,
    "axes.titlesize": BASE_SIZE,
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
    "xtick.labelcolor": TEXT_COLOUR,
    "ytick.labelcolor": TEXT_COLOUR,
    "xtick.labelsize": BASE_SIZE,
    "ytick.labelsize": BASE_SIZE,
    "legend.frameon": False,
    "legend.fontsize": VALUE_SIZE + 0.5,
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


def colours_for(keys: Iterable[object], colours: Mapping[str, str] | None) -> dict[str, str]:
    """Colour per key: given colours, else fixed cohort/kind/state colours, else Okabe–Ito in order."""
    names = [str(key) for key in keys]
    if colours is not None:
        missing = [name for name in names if name not in colours]
        if missing:
            raise ValueError(f"colours has no colour for {missing}")
        return {name: colours[name] for name in names}
    fixed = fixed_colours(names, ("cohort", "kind", "measure_state"))
    if fixed is not None:
        return fixed
    return {name: _OTHER_SERIES[i % len(_OTHER_SERIES)] for i, name in enumerate(names)}


#: Colours of series that are no dimension (e.g. the segments of an ad-hoc stacked bar): tints and shades of the
#: main colour, so they never borrow a cohort's or a kind's colour.
_OTHER_SERIES: tuple[str, ...] = ("#1D4F7A", "#5B86AD", "#9DB8D2", "#0B1F33", "#D3DFEB")


def outline_for(colour: str) -> str:
    """Edge colour of a bar: the colour itself, or a darker shade where it is too light to stand on white (3:1)."""
    from matplotlib.colors import to_hex, to_rgb  # noqa: PLC0415

    red, green, blue = to_rgb(colour)
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return to_hex((red * 0.6, green * 0.6, blue * 0.6)) if luminance > 0.7 else colour


#: Categories with a fixed colour: dimension (as the word catalogue names it) -> code -> colour.
_FIXED_COLOURS: dict[str, dict[str, str]] = {
    "cohort": COLOURS_BY_COHORT,
    "kind": COLOURS_BY_KIND,
    "measure_state": COLOURS_BY_MEASURE_STATE,
}


def fixed_colours(keys: Iterable[object], dimensions: Sequence[str]) -> dict[str, str] | None:
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
