"""The language gate's reading: which words a reader of a document sees are in the other language.

:func:`foreign_words` reads an executed notebook the way a reader sees the document — the Markdown cells of its
language and untagged ones, and every output's visible text: text nodes, alt texts and the labels of embedded SVG
charts — and names the cells that show words of the other language: a phrase of the word catalogue's other side
(:mod:`mpsc_report.analysis.words`), or prose whose function words give it away. Names (projects, Länder, the
publisher), quoted answers (``lang="de"``) and the colophon's recorded values are left alone.
:func:`mpsc_report.documents.qa.check_language` turns the findings into QA problems.
"""

from __future__ import annotations

import base64
import html
import re
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from .contract import read_document

if TYPE_CHECKING:
    from nbformat import NotebookNode


#: Function words that give a text away as German or as English. Words both languages use ("in", "an", "so") or
#: that mean something else in the other ("was", "also", "war", "will") are left out.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        "und oder der die das den dem des ein eine einen einem einer eines mit nach von für auf bei aus ist sind "
        "wird werden wurde wurden nicht auch zum zur im vom sich über durch wie als noch diese dieser dieses zeigt "
        "sowie jede jeder alle haben hat kann können".split()
    ),
    "en": frozenset(
        "the and of with is are were to for from by this that these which not on its be been has have can each "
        "every all shows than".split()
    ),
}

#: A word: letters, optionally joined by hyphens ("Baden-Württemberg", "open-source").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

#: Words shown per problem before "…".
_SHOWN_WORDS = 6

#: Output text this long or longer (in words) is prose: its function words count too, not only catalogue words.
_PROSE_WORDS = 6

#: A Markdown cell tagged ``lang-<code>`` is shown only in documents of that language (the exporter's rule,
#: :data:`mpsc_report.documents.export.html.LANGUAGE_TAG_PREFIX`).
_LANGUAGE_TAG = "lang-"

_LANGUAGE_NAMES = {"de": "German", "en": "English"}


def foreign_words(nb: NotebookNode) -> list[tuple[int, str]]:
    """Every cell that shows words of the other language than the document's, with a message naming them.

    A reader of an English document sees only words of the catalogue's English side
    (:mod:`mpsc_report.analysis.words`), names (projects, Länder, the publisher) and quoted answers (marked
    ``lang="de"``). The gate reads what a reader sees — Markdown cells shown in the document's language, the HTML of
    every output (text, alt texts, the text of embedded SVG charts; the colophon's recorded values are left out) —
    and reports each cell that shows words of the other language: a phrase of the catalogue's other side
    ("Maßnahmen geplant", "Staffel 2019"), or prose whose function words are the other language's ("und", "der",
    "mit"). The document's language is its title page's; a notebook without one is not judged.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report or factsheet notebook.

    Returns
    -------
    list of (int, str)
        Per cell (numbered from 1 over the executed notebook): what it shows and what to do.
    """
    document = read_document(nb)
    language = document.language
    title_outputs = {(p.cell, p.output) for p in document.blocks if p.block.role == "title-page"}
    if not title_outputs or language not in _LANGUAGE_NAMES:  # only a title page declares the language
        return []
    other = "en" if language == "de" else "de"
    names = _names(document)
    colophon_outputs = {(p.cell, p.output) for p in document.blocks if p.block.role == "colophon"}
    problems = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            if not _shown_in(cell, language):
                continue
            found = _foreign_words(_strip_names(cell.source, names), language, prose=True, markdown=True)
            if found:
                problems.append((number, _markdown_message(found, language, other)))
            continue
        if cell.cell_type != "code":
            continue
        for index, output in enumerate(cell.get("outputs", [])):
            markup = output.get("data", {}).get("text/html")
            if not markup:
                continue
            texts = _visible_texts(
                "".join(markup) if isinstance(markup, list) else str(markup), (number, index) in colophon_outputs
            )
            found = []
            for text, prose in texts:
                if _is_name(text, names):
                    continue
                plain = _strip_names(text, names)
                prose = prose and len(_WORD.findall(plain)) >= _PROSE_WORDS
                found += _foreign_words(plain, language, prose=prose, markdown=False)
            found = list(dict.fromkeys(found))
            if found:
                title = (number, index) in title_outputs
                problems.append((number, _output_message(found, language, other, title)))
    return problems


def _shown_in(cell: NotebookNode, language: str) -> bool:
    tags = [tag for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith(_LANGUAGE_TAG)]
    return not tags or f"{_LANGUAGE_TAG}{language}" in tags


def _words_listed(found: list[str]) -> str:
    shown = ", ".join(repr(word) for word in found[:_SHOWN_WORDS])
    return shown + (f" and {len(found) - _SHOWN_WORDS} more" if len(found) > _SHOWN_WORDS else "")


def _markdown_message(found: list[str], language: str, other: str) -> str:
    return (
        f"this Markdown cell is shown in the {_LANGUAGE_NAMES[language]} document but reads "
        f"{_LANGUAGE_NAMES[other]} ({_words_listed(found)}). Tag it `{_LANGUAGE_TAG}{other}` and add its "
        f"{_LANGUAGE_NAMES[language]} twin tagged `{_LANGUAGE_TAG}{language}` right below it (JupyterLab: property "
        "inspector → cell tags)."
    )


def _output_message(found: list[str], language: str, other: str, title: bool) -> str:
    words = f"the {_LANGUAGE_NAMES[language]} document shows {_LANGUAGE_NAMES[other]} words: {_words_listed(found)}."
    if title:
        language_name = _LANGUAGE_NAMES[language]
        return f"{words} Write `title`, `subtitle` and `publication.publisher` in the params file in {language_name}."
    return (
        f"{words} Pass codes through report.label(...) and language=lang to the chart; German text written in the "
        "notebook (captions, headers) needs its English entry in mpsc_report/analysis/words.py (_TEXTS)."
    )


def _foreign_words(text: str, language: str, prose: bool, markdown: bool) -> list[str]:
    """Words of the other language in ``text``: catalogue phrases, and for prose its function words.

    A Markdown cell without function words of its own language (a heading) also gives itself away as German by
    words with umlauts the English catalogue does not use ("Länder" it does).
    """
    other = "en" if language == "de" else "de"
    found = [match.group(0) for match in _catalogue_phrases(other, language).finditer(text)]
    if not prose:
        return list(dict.fromkeys(found))
    words = [word.lower() for word in _WORD.findall(text)]
    foreign = list(dict.fromkeys(w for w in words if w in _FUNCTION_WORDS[other]))
    own = {w for w in words if w in _FUNCTION_WORDS[language]}
    if len(foreign) >= 2 and len(foreign) > len(own):
        found += foreign
    elif markdown and other == "de" and not own:
        english = _vocabulary("en")
        found += [w for w in _WORD.findall(text) if re.search("[äöüßÄÖÜ]", w) and w.lower() not in english]
    return list(dict.fromkeys(found))


@cache
def _vocabulary(language: str) -> frozenset[str]:
    """Every word (lower case) of the catalogue's ``language`` side."""
    from ..analysis.words import MESSAGES

    return frozenset(w.lower() for text in MESSAGES[language].values() for w in _WORD.findall(_unfilled(text)))


@cache
def _catalogue_phrases(language: str, reader: str) -> re.Pattern[str]:
    """The catalogue's ``language`` phrases a ``reader`` document must not show, as one pattern (longest first).

    Entries equal in both languages ("Format", "SHA-256") are left out, and so are single words the reader's
    language uses too ("Partner") or that are part of a project's name ("Landkreis"). Single English words are
    left out of German documents altogether: German prose borrows them ("Transfer", "Dashboard").
    """
    from ..analysis.words import MESSAGES

    reader_words = _vocabulary(reader) | {w.lower() for n in _register_names() for w in _WORD.findall(n)}
    reader_texts = [text.lower() for text in MESSAGES[reader].values()]
    phrases = set()
    for entry, text in MESSAGES[language].items():
        if MESSAGES[reader].get(entry) == text:
            continue
        for fragment in re.split(r"\{[^}]*\}", text):
            fragment = fragment.strip(" \u00a0:,.;()·–-*„“\"'")
            words = _WORD.findall(fragment)
            single = len(words) == 1
            if not words or (single and (language == "en" or len(words[0]) < 4 or words[0].lower() in reader_words)):
                continue
            if len(words) > 1 and any(fragment.lower() in text for text in reader_texts):
                continue
            phrases.add(fragment)
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")


def _unfilled(text: str) -> str:
    return re.sub(r"\{[^}]*\}", " ", text)


@cache
def _register_names() -> tuple[str, ...]:
    """Names of the model projects and the Länder, longest first: they stay German in every language.

    A project counts as registered and as text and tables show it (:func:`~mpsc_report.analysis.metrics.display_name`).
    """
    from ..analysis.metrics import display_name
    from ..data.load import load_register

    register = load_register()
    full = [str(name) for name in register["name"]]
    names = {*full, *(display_name(name) for name in full), *register["state"].astype(str)}
    return tuple(sorted(names, key=len, reverse=True))


def _names(document) -> tuple[str, ...]:
    """Names a document shows as they are: projects, Länder and its publisher (the default one too)."""
    from ..data.params import PublicationParams

    record = document.provenance
    publishers = {PublicationParams.model_fields["publisher"].default}
    params = record.params if record is not None else {}
    publication = params.get("publication") if isinstance(params.get("publication"), dict) else {}
    for value in (params.get("publisher"), publication.get("publisher")):  # a factsheet's, a report's
        if isinstance(value, str):
            publishers.add(value)
    return tuple(sorted({*_register_names(), *(p for p in publishers if p.strip())}, key=len, reverse=True))


def _strip_names(text: str, names: tuple[str, ...]) -> str:
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


def _is_name(text: str, names: tuple[str, ...]) -> bool:
    """A text that is a name, or a name shortened with "…" (chart labels)."""
    stripped = text.strip().rstrip("*").strip()
    if stripped.endswith("…"):
        head = stripped[:-1].rstrip()
        return bool(head) and any(name.startswith(head) for name in names)
    return stripped in names


def _visible_texts(markup: str, record: bool) -> list[tuple[str, bool]]:
    """The texts a reader sees in a block's HTML, each with whether it may be prose.

    Text nodes and alt texts outside ``lang="de"`` quotes, and the text of embedded SVG charts. Table data cells
    and chart labels are data, not prose (a cell may list partner municipalities: names); with ``record`` data
    cells are left out altogether (the colophon's file names and parameters).
    """
    reader = _VisibleText(skip_data_cells=record)
    reader.feed(markup)
    reader.close()
    return reader.texts


class _VisibleText(HTMLParser):
    _VOID = frozenset({"img", "br", "hr", "meta", "input", "link", "source", "wbr", "col", "area", "embed"})
    _SVG = "data:image/svg+xml;base64,"

    def __init__(self, skip_data_cells: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_data_cells = skip_data_cells
        self.texts: list[tuple[str, bool]] = []
        self._hidden: list[bool] = []
        self._data_cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            if not any(self._hidden):
                self.texts.append((values.get("alt", ""), True))
                self.texts += [(text, False) for text in _svg_texts(values.get("src", ""))]
            return
        if tag in self._VOID:
            return
        quoted = values.get("lang", "").startswith("de") or values.get("translate") == "no"
        self._hidden.append(quoted or (self.skip_data_cells and tag == "td"))
        self._data_cells += tag == "td"

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._hidden:
            self._hidden.pop()
        self._data_cells -= tag == "td" and self._data_cells > 0

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(self._hidden):
            self.texts.append((data.strip(), not self._data_cells))


def _svg_texts(src: str) -> list[str]:
    """The text of an embedded SVG chart: matplotlib writes each label as a comment beside its glyph paths."""
    if not src.startswith(_VisibleText._SVG):
        return []
    try:
        svg = base64.b64decode(src[len(_VisibleText._SVG) :]).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return []
    found = re.findall(r"<!-- (.*?) -->", svg, flags=re.S) + re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return [html.unescape(text).strip() for text in found if text.strip()]
