"""The report's fonts embedded in the HTML as WOFF ``data:`` URLs: subsets of only what a document uses.

Open Sans (regular, italic, semibold) is embedded as a Latin subset plus any other character of the document it
has. Every other character — another script, a symbol, an emoji — comes from the first font of the fallback chain
(:mod:`~mpsc_report.documents.glyphs`) that draws it: that font's subset of just those characters is embedded as a
face of the family ``"MPSC Fallback"`` with a ``unicode-range``, which the stylesheet names right after Open Sans.
So the HTML shows the same glyphs on a machine without these fonts, and Chromium embeds what it drew in the PDF.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...errors import EnvironmentProblem
from ..glyphs import (
    OPEN_SANS_DIRS,
    OPEN_SANS_FACES,
    cmap,
    find_open_sans_dir,
    font_chain,
    font_for,
    graphemes,
)

#: Family name of the embedded fallback faces (the stylesheet's ``--mpsc-font`` names it after Open Sans).
FALLBACK_FAMILY = "MPSC Fallback"

#: Characters always in the embedded Open Sans subset: Latin-1, Latin Extended-A, General Punctuation,
#: the euro sign and a few symbols.
_FONT_UNICODES = frozenset(
    [
        *range(0x20, 0x7F),
        *range(0xA0, 0x180),
        *range(0x2000, 0x2070),
        *(0x0218, 0x0219, 0x021A, 0x021B, 0x02C6, 0x02C7, 0x02D8, 0x02D9, 0x02DA, 0x02DB, 0x02DC),
        *(0x02DD, 0x1E9E, 0x20AC, 0x2116, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2212, 0x2248),
        *(0x2260, 0x2264, 0x2265, 0xFFFD),
    ]
)


def find_font_dir(configured: str) -> Path:
    """The folder holding the three Open Sans faces: ``configured``, else ``MPSC_FONT_DIR``, else the usual ones.

    Raises
    ------
    EnvironmentProblem
        None of the folders holds all three files; the message says what to install.
    """
    folder = find_open_sans_dir(configured)
    if folder is not None:
        return folder
    files = ", ".join(name for name, *_ in OPEN_SANS_FACES)
    looked = configured or ", ".join(filter(None, ("$MPSC_FONT_DIR", *OPEN_SANS_DIRS)))
    raise EnvironmentProblem(
        f"Open Sans ({files}) not found in {looked}; install the Debian package: "
        "apt-get install fonts-open-sans (or set MPSC_FONT_DIR to the folder holding them)."
    )


def document_text(nb: Any) -> str:
    """Everything a notebook's publication can show, roughly: HTML and Markdown outputs, Markdown cells, title.

    Tags are dropped and entities resolved; a superset is fine, it only decides which glyphs are embedded.
    """
    parts = [str(nb.get("metadata", {}).get("title", ""))]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            parts.append(cell.get("source", ""))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/html", "text/markdown"):
                value = data.get(mime, "")
                parts.append(value if isinstance(value, str) else "".join(value))
    return html.unescape(_TAG.sub(" ", "\n".join(parts)))


#: An HTML tag or comment, attributes and all (``data:`` images are long: skipped whole).
_TAG = re.compile(r"<[^>]*>")


def font_face_css(font_dir: Path, text: str = "") -> str:
    """``@font-face`` rules embedding Open Sans and, for the characters of ``text`` it lacks, fallback subsets.

    Parameters
    ----------
    font_dir : pathlib.Path
        The folder of the Open Sans faces (:func:`find_font_dir`).
    text : str
        Everything the document shows; its characters decide which glyphs and fallback fonts are embedded.

    Returns
    -------
    str
        CSS: three Open Sans faces, then one ``"MPSC Fallback"`` face per fallback font the text needs.
    """
    regular = cmap(font_dir / OPEN_SANS_FACES[0][0])
    points = {ord(char) for char in unicodedata.normalize("NFC", text)}
    extra = frozenset(p for p in points - _FONT_UNICODES if p in regular)
    lacking = points - _FONT_UNICODES - extra
    if not lacking:  # the usual case: Open Sans draws everything
        return _open_sans_css(font_dir, extra)
    chain = font_chain(font_dir)
    wanted: dict[Path, set[int]] = {}
    words = {word for word in text.split() if not lacking.isdisjoint(map(ord, word))}  # clusters never hold spaces
    for cluster in dict.fromkeys(c for word in sorted(words) for c in graphemes(word)):
        cluster_points = {ord(char) for char in cluster}
        if cluster.isascii() or cluster_points <= _FONT_UNICODES | extra:
            continue
        path = font_for(cluster, chain)
        if path is not None and path != chain[0]:
            wanted.setdefault(path, set()).update(cluster_points)
    rules = [_open_sans_css(font_dir, extra)]
    rules += [_fallback_css(path, frozenset(points)) for path, points in wanted.items()]
    return "\n".join(rules)


@functools.lru_cache(maxsize=16)
def _open_sans_css(font_dir: Path, extra: frozenset[int]) -> str:
    rules = []
    for name, weight, style, local_names in OPEN_SANS_FACES:
        data = _subset_woff(font_dir / name, _FONT_UNICODES | extra, layout_all=False)
        local = ", ".join(f'local("{n}")' for n in local_names)
        rules.append(
            "@font-face {\n"
            f'  font-family: "Open Sans";\n  font-style: {style};\n  font-weight: {weight};\n'
            "  font-display: swap;\n"
            f'  src: {local}, url(data:font/woff;base64,{data}) format("woff");\n}}'
        )
    return "\n".join(rules)


@functools.lru_cache(maxsize=64)
def _fallback_css(path: Path, points: frozenset[int]) -> str:
    """One face of the fallback family: the subset of ``path`` with ``points``, used for exactly those."""
    data = _subset_woff(path, points, layout_all=True)
    return (
        "@font-face {\n"
        f'  font-family: "{FALLBACK_FAMILY}";\n  font-style: normal;\n  font-weight: 400;\n'
        "  font-display: swap;\n"
        f"  /* {path.name} */\n"
        f"  unicode-range: {_unicode_range(points)};\n"
        f'  src: url(data:font/woff;base64,{data}) format("woff");\n}}'
    )


def _subset_woff(path: Path, unicodes: Iterable[int], layout_all: bool) -> str:
    """The glyphs of ``unicodes`` in the font at ``path`` as a base64 WOFF.

    ``layout_all`` keeps every layout feature: the joining forms, marks and ligatures that Arabic, Indic scripts
    and emoji sequences need.
    """
    from fontTools import subset  # noqa: PLC0415  (needed once per process)

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.font_number = 0  # the first face of a collection (.ttc)
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing to subset, only a warning
    if layout_all:
        options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _unicode_range(points: Iterable[int]) -> str:
    """``U+41-5A, U+1F600`` for the code points, consecutive ones joined into ranges."""
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ", ".join(f"U+{low:X}" if low == high else f"U+{low:X}-{high:X}" for low, high in ranges)
