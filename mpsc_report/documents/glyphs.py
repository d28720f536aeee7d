"""Which installed font draws each character: Open Sans first, then a fixed chain of Debian fonts for the rest.

The report font is Open Sans (Latin, Greek, Cyrillic). Free-text answers may hold any script or emoji, so a
character Open Sans lacks is drawn by the first font of :data:`FALLBACK_FONTS` that has it: Noto Sans and the Noto
Sans fonts of the other scripts (Arabic, Hebrew, Devanagari, symbols … from ``fonts-noto-core``), the Noto Serif
fonts of scripts that have no sans face there (Tibetan, …), WenQuanYi Micro Hei for Chinese, Japanese and Korean
(``fonts-wqy-microhei``: 1.6 MB instead of the 57 MB of ``fonts-noto-cjk``; Droid Sans Fallback lacks Hangul),
Noto Color Emoji (``fonts-noto-color-emoji``) and DejaVu Sans last. ``make.sh`` installs these
packages when they are missing. The HTML embeds subsets of exactly the fonts and glyphs a document uses
(:mod:`.export.fonts`); the PDF embeds what Chromium drew with. A character no font of the chain has is shown as
:data:`NO_GLYPH_MARK` by :func:`~mpsc_report.documents.neutralize.neutralize_text` — never as an empty box.

Characters are matched in grapheme clusters (a base character with its combining marks, an emoji sequence), so
that a letter and its accent or the parts of an emoji come from one font.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import unicodedata
from pathlib import Path

#: Shown instead of something that cannot be shown: a control character, an escape sequence, a character no
#: installed font has (U+FFFD REPLACEMENT CHARACTER; Open Sans has it).
NO_GLYPH_MARK = "\ufffd"

#: The three Open Sans faces of the report (file, CSS weight, CSS style, local() names tried first); bold (700)
#: falls back to the semibold face.
OPEN_SANS_FACES = (
    ("OpenSans-Regular.ttf", 400, "normal", ("Open Sans", "Open Sans Regular", "OpenSans")),
    ("OpenSans-Italic.ttf", 400, "italic", ("Open Sans Italic", "OpenSans-Italic")),
    ("OpenSans-Semibold.ttf", 600, "normal", ("Open Sans Semibold", "OpenSans-Semibold")),
)

#: Where Open Sans is looked for unless a ``font_dir`` setting or ``MPSC_FONT_DIR`` name a folder.
OPEN_SANS_DIRS = (
    "/usr/share/fonts/truetype/open-sans",
    "/usr/share/fonts/open-sans",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
)

_NOTO = "/usr/share/fonts/truetype/noto"

#: Fonts tried in this order for a character Open Sans lacks: (Debian package, file or glob pattern).
#: The Noto script fonts come in the order of their names; width and spacing variants are left out.
FALLBACK_FONTS = (
    ("fonts-noto-core", f"{_NOTO}/NotoSans-Regular.ttf"),
    ("fonts-noto-core", f"{_NOTO}/NotoSans[A-Z]*-Regular.ttf"),
    ("fonts-noto-core", f"{_NOTO}/NotoSerif[A-Z]*-Regular.ttf"),
    ("fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ("fonts-noto-color-emoji", f"{_NOTO}/NotoColorEmoji.ttf"),
    ("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)

#: Noto variants that repeat Noto Sans, Noto Serif or a script font in another width, slant or spacing.
_VARIANT = re.compile(r"NotoS(ans|erif)(Display|Mono|.*UI|.*Unjoined|.*Looped|.*Slanted)-")

#: The emoji font: tried first for a cluster that asks for an emoji (see :func:`_wants_emoji`).
_EMOJI_FONT = "NotoColorEmoji.ttf"


def find_open_sans_dir(configured: str = "") -> Path | None:
    """The folder holding the three Open Sans faces: ``configured``, else ``MPSC_FONT_DIR``, else the usual ones."""
    candidates = [configured] if configured else [os.environ.get("MPSC_FONT_DIR", ""), *OPEN_SANS_DIRS]
    for candidate in filter(None, candidates):
        folder = Path(candidate).expanduser()
        if all((folder / name).is_file() for name, *_ in OPEN_SANS_FACES):
            return folder
    return None


@functools.cache
def fallback_fonts() -> tuple[Path, ...]:
    """The installed fonts of :data:`FALLBACK_FONTS`, in the order they are tried."""
    found: list[Path] = []
    for _package, pattern in FALLBACK_FONTS:
        for name in sorted(glob.glob(pattern)):
            path = Path(name)
            if not _VARIANT.match(path.name) and path not in found:
                found.append(path)
    return tuple(found)


@functools.cache
def font_chain(open_sans_dir: Path | None = None) -> tuple[Path, ...]:
    """Open Sans (regular) of ``open_sans_dir`` (default: :func:`find_open_sans_dir`), then :func:`fallback_fonts`."""
    folder = open_sans_dir or find_open_sans_dir()
    first = (folder / OPEN_SANS_FACES[0][0],) if folder is not None else ()
    return (*first, *fallback_fonts())


@functools.cache
def cmap(path: Path) -> frozenset[int]:
    """The code points the font file at ``path`` has a glyph for."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415  (only when a text needs more than ASCII)

    with TTFont(str(path), lazy=True, fontNumber=0) as font:  # the first face of a collection (.ttc)
        return frozenset(font.getBestCmap() or {})


def graphemes(text: str) -> list[str]:
    """``text`` cut into grapheme clusters, close enough for choosing fonts (not a full UAX #29).

    A cluster is a character with the combining marks, variation selectors, emoji modifiers and tag characters
    that follow it; a zero-width joiner glues the next character on; two regional indicators make one flag.
    """
    clusters: list[str] = []
    for char in text:
        if clusters and (_extends(char) or clusters[-1].endswith("\u200d") or _pairs_flag(clusters[-1], char)):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def font_for(cluster: str, chain: tuple[Path, ...] | None = None) -> Path | None:
    """The first font of ``chain`` (default: :func:`font_chain`) with a glyph for every visible part of ``cluster``.

    Returns ``None`` when no font has them all; for a cluster with nothing visible, the first font.
    """
    chain = font_chain() if chain is None else chain
    needed = {ord(char) for char in cluster if not is_default_ignorable(char)}
    if _wants_emoji(cluster):
        chain = tuple(sorted(chain, key=lambda path: path.name != _EMOJI_FONT))
    for path in chain:
        if needed <= cmap(path):
            return path
    return None


#: Characters a renderer draws nothing for (Unicode's Default_Ignorable_Code_Point, the parts that occur).
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def is_default_ignorable(char: str) -> bool:
    """Whether ``char`` is drawn as nothing (a joiner, a variation selector, a direction mark, a tag …)."""
    point = ord(char)
    return any(low <= point <= high for low, high in _IGNORABLE_RANGES)


def _extends(char: str) -> bool:
    point = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or point in (0x200C, 0x200D)
        or 0xFE00 <= point <= 0xFE0F
        or 0x1F3FB <= point <= 0x1F3FF  # skin tones
        or 0xE0020 <= point <= 0xE007F  # tags of a subdivision flag
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _pairs_flag(previous: str, char: str) -> bool:
    return len(previous) == 1 and _is_regional_indicator(previous) and _is_regional_indicator(char)


def _wants_emoji(cluster: str) -> bool:
    """A cluster asks for the emoji font: emoji presentation, a keycap, a skin tone, a flag or a ZWJ sequence."""
    if "\ufe0e" in cluster:  # text presentation asked for
        return False
    points = [ord(char) for char in cluster]
    return (
        any(p in (0xFE0F, 0x20E3, 0x200D) or 0x1F3FB <= p <= 0x1F3FF or 0xE0020 <= p <= 0xE007F for p in points)
        or _is_regional_indicator(cluster[0])
        or 0x1F000 <= points[0] <= 0x1FAFF
    )
