"""Typesetting of the publication's text at render time: soft hyphens, no-break spaces, dashes, nested quotes.

Debian's headless Chromium has no hyphenation dictionaries, so ``hyphens: auto`` does nothing in the print; the PDF
exporter puts soft hyphens (U+00AD) from pyphen's dictionary (the LibreOffice/Hunspell patterns) into the narrow
places where a long German compound would otherwise overflow or break anywhere: table cells, column heads and the
key-figure labels (:func:`hyphenate_print`). Running text is set ragged right and needs none. Chromium draws every
soft hyphen that did not break a line as an invisible glyph marked ``/Span <</ActualText (U+00AD)>>``; extractors
that ignore ActualText read that glyph as a space ("Part ner kom mu nen"), so :func:`drop_unbroken_soft_hyphens`
removes those glyphs from the finished PDF (nothing visible changes; a hyphen that broke a line stays). The HTML for
readers keeps its text clean (search, copying) and relies on the reader's browser (``hyphens: auto``; browsers ship
German dictionaries).

No-break spaces, dashes and nested quotes (:func:`typeset`) apply to HTML and PDF alike. Only text nodes change,
never markup, and never the text of headings, links, numbers, names (row headers, quote attributions), code or the
contents: bookmarks, the contents' page numbers and the tag tree read those.
"""

from __future__ import annotations

import functools
import re

from bs4 import BeautifulSoup, NavigableString
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

#: No-break space and soft hyphen.
NBSP, SHY = "\u00a0", "\u00ad"

#: Shortest word that is hyphenated, and the fewest letters left before and after a break (German practice: 3, 3).
MIN_WORD, MIN_LEFT, MIN_RIGHT = 7, 3, 3

#: pyphen dictionary per report language.
_DICTIONARIES = {"de": "de_DE", "en": "en_GB"}

#: Elements whose text is left exactly as it is (names, numbers, headings, links, code, the contents).
_UNTOUCHED = (
    "script",
    "style",
    "title",
    "head",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "nav",
    "svg",
    "math",
)

#: Classes whose elements' text is left as it is: numbers, key-figure values, quote attributions (names).
_UNTOUCHED_CLASSES = frozenset({"mpsc-num", "mpsc-kf-value", "mpsc-toc", "mpsc-label"})

#: A word pyphen may break: letters only; a run touching a digit, ``/``, ``@``, ``.``, ``_`` or ``:`` is part of a
#: number, path, address or code and stays whole, and so does a word joined to the next by a no-break space.
_WORD = re.compile(r"(?<![\w/@.:_\u00a0-])[^\W\d_]{" + str(MIN_WORD) + r",}(?![\w/@_\u00a0]|\.\w|:\w)")

_MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "January|February|March|May|June|July|October|December"
)

#: Pairs that never break across lines: ``12. Mai 2024``, ``64 %``, ``n = 62``, ``Abbildung 3``, ``5 Mio.``.
_NO_BREAK = (
    (re.compile(r"\b(\d{1,2}\.?) (" + _MONTHS + r")\b"), rf"\1{NBSP}\2"),
    (re.compile(r"\b(" + _MONTHS + r") (\d{4})\b"), rf"\1{NBSP}\2"),
    (re.compile(r"(\d) ?(%|‰|€)"), rf"\1{NBSP}\2"),
    (re.compile(r"\b([nN]) ?= ?(\d)"), rf"\1{NBSP}={NBSP}\2"),
    (
        re.compile(
            r"\b(Abbildung|Abb\.|Tabelle|Tab\.|Staffel|Welle|Seite|S\.|Nr\.|Figure|Table|Cohort|Wave|Page|No\.) (\d)"
        ),
        rf"\1{NBSP}\2",
    ),
    (re.compile(r"(\d) (Mio\.|Mrd\.|Tsd\.|km|m²|ha|kWh|MWh|GB|TB)(?!\w)"), rf"\1{NBSP}\2"),
    (re.compile(r"\b(z\.|u\.|d\.|o\.|v\.) (B\.|a\.|h\.|Ä\.|g\.)"), rf"\1{NBSP}\2"),
    (re.compile(r"\bSmart (Cities|City)\b"), rf"Smart{NBSP}\1"),  # the programme's name is one word to a reader
)

#: Ranges with an en dash without spaces (``2021–2023``); a dash between words is a spaced en dash, never an em dash.
_DASHES = (
    (re.compile(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b"), "\\1\u2013\\2"),
    (re.compile(r"(?<=\S) ?\u2014 ?(?=\S)"), f"{NBSP}\u2013 "),
    (re.compile(r"(?<=\w) - (?=\w)"), f"{NBSP}\u2013 "),
)


@functools.cache
def _hyphenator(language: str):
    import pyphen  # noqa: PLC0415  (exporting only)

    return pyphen.Pyphen(lang=_DICTIONARIES.get(language, "de_DE"), left=MIN_LEFT, right=MIN_RIGHT)


@functools.lru_cache(maxsize=20_000)
def hyphenate_word(word: str, language: str = "de") -> str:
    """``word`` with soft hyphens where pyphen's dictionary allows a break; unchanged when short or an abbreviation.

    Words in capitals (``MPSC``) or with a capital inside (``KielRegion``, a name) are not broken.
    """
    if len(word) < MIN_WORD or word.isupper() or any(c.isupper() for c in word[1:]):
        return word
    positions: list[int] = []
    for position in _hyphenator(language).positions(word):
        if word[position : position + 2] in ("ch", "ck") and word[position - 1] == "s":  # "Fort-schritt"
            continue
        if positions and position - positions[-1] < 2:  # no syllable of one letter: "Fort-s-et-zung"
            continue
        positions.append(position)
    for position in reversed(positions):
        word = word[:position] + SHY + word[position:]
    return word


def typeset_text(text: str, language: str = "de", hyphenate: bool = True) -> str:
    """One text as the publication sets it: no-break spaces, dashes and, with ``hyphenate``, soft hyphens.

    Parameters
    ----------
    text : str
        Plain text (no markup).
    language : str
        Report language: German dictionary for ``"de"``, British English for ``"en"``.
    hyphenate : bool
        Put soft hyphens into long words.

    Returns
    -------
    str
    """
    if language == "de":  # English sets its dashes as the author wrote them (an em dash is English practice)
        for pattern, replacement in _DASHES:
            text = pattern.sub(replacement, text)
    for pattern, replacement in _NO_BREAK:
        text = pattern.sub(replacement, text)
    if hyphenate:
        text = _WORD.sub(lambda match: hyphenate_word(match.group(0), language), text)
    return text


def nest_quotes(text: str, language: str = "de", depth: int = 0) -> tuple[str, int]:
    """German quotes inside quotes: „außen ‚innen‘ außen“; returns the text and the depth at its end.

    ``depth`` is how many quotes are open where ``text`` starts (1 inside a quotation block).
    """
    if language != "de":
        return text, depth
    out = []
    for char in text:
        if char in "„‚":
            out.append("„" if depth % 2 == 0 else "‚")
            depth += 1
        elif char in "“‘" and depth > 0:
            depth -= 1
            out.append("“" if depth % 2 == 0 else "‘")
        else:
            out.append(char)
    return "".join(out), depth


def hyphenate_print(html: str, language: str = "de") -> str:
    """``html`` as Chromium prints it: soft hyphens in narrow cells, column heads and key-figure labels.

    Row heads (names) are left whole, and so are the cells of tables with fewer than
    :data:`NARROW_TABLE_COLUMNS` columns and everything :func:`typeset` leaves alone.
    """
    soup = BeautifulSoup(html, features="html.parser")
    root = soup.select_one("main") or soup.body or soup
    for cell in root.select("table td, table thead tr:not(.mpsc-continued) th, .mpsc-kf-label"):
        if cell.name == "td" and _columns(cell) < NARROW_TABLE_COLUMNS:
            continue  # a wide text column (definitions, Impressum) wraps at spaces; its words stay findable whole
        for node in list(cell.find_all(string=True)):
            if isinstance(node, _NOT_TEXT) or not node.strip() or _untouched(node.parent):
                continue
            text = _WORD.sub(lambda match: hyphenate_word(match.group(0), language), str(node))
            if text != node:
                node.replace_with(NavigableString(text))
    return str(soup)


#: Tables with at least this many columns have columns narrow enough to need soft hyphens in their cells. Words get
#: them only where a column is narrow (column heads, key-figure labels, cells of wide tables): a wide text column
#: wraps at spaces, and a hyphen that breaks a line still splits the word for text extraction.
NARROW_TABLE_COLUMNS = 4


def _columns(cell) -> int:
    """How many cells the row of ``cell`` has."""
    row = cell.find_parent("tr")
    return len(row.find_all(["td", "th"], recursive=False)) if row is not None else 0


def typeset(soup: BeautifulSoup, language: str = "de") -> None:
    """Typeset every text node of the page's ``<main>`` in place (see the module docstring for what is skipped).

    No-break spaces, en dashes and nested quotes; no soft hyphens (see :func:`hyphenate_print`).
    """
    root = soup.select_one("main") or soup.body
    if root is None:
        return
    depths: dict[int, int] = {}  # quotes open so far in each block
    for node in list(root.find_all(string=True)):
        if isinstance(node, _NOT_TEXT) or not node.strip() or _untouched(node.parent):
            continue
        block = node.parent if node.parent.name in _BLOCKS else node.parent.find_parent(_BLOCKS)
        key = id(block)
        if key not in depths:  # a quotation's text is inside the quotes the stylesheet draws around it
            depths[key] = int(block.name == "p" and block.find_parent(class_="mpsc-quote") is not None)
        text, depths[key] = nest_quotes(str(node), language, depths[key])
        text = typeset_text(text, language, hyphenate=False)
        if text != node:
            node.replace_with(NavigableString(text))


#: Nodes of a parsed page that are not text a reader sees.
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)

#: Elements that hold running text: quotes are counted per block.
_BLOCKS = ("p", "li", "td", "th", "figcaption", "caption", "blockquote", "dd", "dt", "div", "section", "main")


def _untouched(tag) -> bool:
    for element in (tag, *tag.parents):
        if element is None or element.name is None:
            continue
        if element.name in _UNTOUCHED or _UNTOUCHED_CLASSES.intersection(element.get("class") or ()):
            return True
        if element.name == "footer" and element.find_parent(class_="mpsc-quote") is not None:
            return True  # a quote's attribution: a name
    return False


def drop_unbroken_soft_hyphens(doc) -> int:  # noqa: ANN001 - an open pikepdf.Pdf (pikepdf loads only when printing)
    """Remove the invisible glyphs Chromium draws for soft hyphens that did not break a line; returns how many.

    Chromium prints such a soft hyphen as ``/Span <</ActualText (\u00ad)>> BDC … Tj … EMC``: a zero-width glyph whose
    ActualText is the soft hyphen. Poppler honours the ActualText (and keeps a U+00AD inside the word), pypdf and
    many copy-and-paste paths read the glyph itself, a space ("Augs burg"). Only the showing of that glyph goes
    (with its marked-content pair); the text positioning inside stays, so every other glyph keeps its place, and
    the sequences carry no MCID, so the tag tree is untouched. A hyphen that broke a line is a visible glyph of its
    own and stays.
    """
    import pikepdf  # noqa: PLC0415

    removed = 0
    for page in doc.pages:
        if b"/ActualText" not in _content_bytes(page, pikepdf):
            continue  # no marked span at all: parsing the page's operators (the costly part) cannot find one
        operations = list(pikepdf.parse_content_stream(page))
        kept, index, before = [], 0, removed
        while index < len(operations):
            operation = operations[index]
            end = _soft_hyphen_span_end(operations, index, pikepdf)
            if end is None:
                kept.append(operation)
                index += 1
                continue
            kept.extend(op for op in operations[index + 1 : end] if str(op.operator) not in _SHOW_TEXT)
            removed += 1
            index = end + 1
        if removed > before:
            page.Contents = doc.make_stream(pikepdf.unparse_content_stream(kept))
    return removed


def _content_bytes(page, pikepdf) -> bytes:  # noqa: ANN001
    """The decoded bytes of a page's content stream (or streams, joined)."""
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
    return b"".join(stream.read_bytes() for stream in streams)


#: Operators that show text, and those that only position it (kept where a soft hyphen's glyph is removed).
_SHOW_TEXT, _POSITION_TEXT = frozenset({"Tj", "TJ"}), frozenset({"Td", "TD", "Tm", "T*"})


def _soft_hyphen_span_end(operations: list, index: int, pikepdf) -> int | None:  # noqa: ANN001
    """Index of the EMC closing a ``/Span <</ActualText (U+00AD)>>`` sequence opened at ``index``; else None."""
    operation = operations[index]
    if str(operation.operator) != "BDC" or str(operation.operands[0]) != "/Span":
        return None
    properties = operation.operands[-1]
    if not isinstance(properties, pikepdf.Dictionary) or "/MCID" in properties:
        return None
    if str(properties.get("/ActualText", "")) != SHY:
        return None
    for end in range(index + 1, len(operations)):
        name = str(operations[end].operator)
        if name == "EMC":
            return end
        if name not in _SHOW_TEXT | _POSITION_TEXT:
            return None
    return None
