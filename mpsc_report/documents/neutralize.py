"""Untrusted text made harmless to display: nothing in it can reorder, hide or garble the text around it.

:func:`neutralize_text` is called by :func:`~mpsc_report.documents.blocks.escape_text`, the one escaping boundary,
so quotes, table cells, captions, labels and alt text all get it. It changes what is *shown* only: the answers
stay as given in the data and in the open-data files.

What is shown instead (the marker is :data:`~mpsc_report.documents.glyphs.NO_GLYPH_MARK`, "�"):

- **Direction overrides, embeddings and isolates** (U+202A–202E, U+2066–2069) are removed: they could make
  "‮exe.live" print as "evil.exe" and reach past the answer. Left-to-right, right-to-left and Arabic letter marks
  (U+200E, U+200F, U+061C) stay: they cannot reorder letters, and right-to-left answers need them. Quotes are
  displayed in their own ``dir="auto"`` scope (:meth:`~mpsc_report.documents.blocks.Blocks.quotes`).
- **Control characters** (C0 except tab and line feed, DEL, C1) and **terminal escape sequences** (``ESC [31m`` …)
  become one "�" per run: visible, so a reader sees that something was there.
- **Line breaks** of every kind (CR LF, CR, VT, FF, NEL, U+2028, U+2029) become a line feed.
- **Invisible format characters** that only hide or smuggle text (zero-width space, word joiner, byte-order
  mark, invisible operators, interlinear annotations, tag characters outside an emoji flag …) are removed;
  zero-width joiner and non-joiner, variation selectors and the soft hyphen stay, because scripts and emoji need
  them.
- **Private-use, unassigned and surrogate code points**, and any character that no report font can draw
  (:mod:`.glyphs`), become "�" — never an empty box.
- Text is put in Unicode normal form C (a letter and its accent as one character where one exists), and more
  than :data:`MAX_COMBINING_MARKS` stacked accents on one letter ("Zalgo" text that runs over the lines above and
  below) are cut to that many, followed by "�".
"""

from __future__ import annotations

import logging
import re
import unicodedata

from .glyphs import NO_GLYPH_MARK, font_chain, font_for, graphemes, is_default_ignorable

log = logging.getLogger(__name__)

#: Most accents stacked on one letter that are shown; Vietnamese needs two, Hebrew with cantillation four.
MAX_COMBINING_MARKS = 4

#: Terminal escape sequences: CSI (``ESC [ … m`` and its 8-bit form), OSC/DCS/PM/APC strings up to their
#: terminator, and two-character escapes (``ESC c``, ``ESC ( B``; a space after ESC ends it: it is text).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[!-/]*[0-~]"
)

#: Every kind of line break a text can hold.
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")

#: Format characters (category Cf) that stay: joiners, direction marks, the soft hyphen, Arabic number signs.
_KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c\u00ad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f")

#: A black flag followed by tag characters and a cancel tag: the flag of England, Scotland, Wales.
_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def neutralize_text(text: str) -> str:
    """``text`` as it may be displayed: see the module docstring for what is removed or marked.

    Parameters
    ----------
    text : str
        Any text, typically a free-text answer.

    Returns
    -------
    str
        The text to show (not yet HTML-escaped). Text that is plain ASCII without control characters comes back
        unchanged.
    """
    if text.isascii() and text.isprintable():
        return text
    text = _LINE_BREAK.sub("\n", text)
    text = _ESCAPE_SEQUENCE.sub(NO_GLYPH_MARK, text)
    text = unicodedata.normalize("NFC", text)
    flags = {match.start(): match.end() for match in _TAG_SEQUENCE.finditer(text)}
    shown: list[str] = []
    index = 0
    while index < len(text):
        if index in flags:
            shown.append(text[index : flags[index]])
            index = flags[index]
            continue
        shown.append(_shown_char(text[index]))
        index += 1
    return _limit_marks(_drop_undrawable("".join(shown)))


def _shown_char(char: str) -> str:
    """What one character becomes: itself, nothing (invisible format characters) or the marker."""
    if char in "\t\n":
        return char
    category = unicodedata.category(char)
    if category == "Cc" or category in ("Cs", "Co", "Cn"):
        return NO_GLYPH_MARK
    if category == "Cf" and char not in _KEPT_FORMAT:
        return ""
    return char


def _drop_undrawable(text: str) -> str:
    """Each grapheme cluster no font of the chain can draw becomes the marker; runs of markers become one."""
    if not text.isascii():
        chain = font_chain()
        if chain:  # without fonts nothing can be judged; the exporter then refuses to run anyway
            clusters = []
            for cluster in graphemes(text):
                if cluster.isspace() or cluster == NO_GLYPH_MARK or all(map(is_default_ignorable, cluster)):
                    clusters.append(cluster)
                elif font_for(cluster, chain) is None:
                    log.warning("no installed font draws %r; shown as %s", cluster, NO_GLYPH_MARK)
                    clusters.append(NO_GLYPH_MARK)
                else:
                    clusters.append(cluster)
            text = "".join(clusters)
    return re.sub(f"{NO_GLYPH_MARK}+", NO_GLYPH_MARK, text)


def _limit_marks(text: str) -> str:
    """At most :data:`MAX_COMBINING_MARKS` positioned accents (combining class > 0) in a row; then the marker."""
    if not any(unicodedata.combining(char) for char in text):
        return text
    shown: list[str] = []
    run = 0
    for char in text:
        if unicodedata.combining(char):
            run += 1
            if run == MAX_COMBINING_MARKS + 1:
                shown.append(NO_GLYPH_MARK)
            if run > MAX_COMBINING_MARKS:
                continue
        else:
            run = 0
        shown.append(char)
    return "".join(shown)
