"""QA gates on an executed report notebook: a report that fails one is not published.

:func:`check_notebook` is pure: it reads the outputs and, through :func:`~mpsc_report.documents.contract.read_document`,
what the blocks recorded (figures with caption, alt text and number of plotted items; the key figures; narrative
blocks; the colophon as the last cell) and returns every problem with what to fix; :func:`describe` words them for
the build.
"""

from __future__ import annotations

import base64
import html
import math
import re
from dataclasses import dataclass, replace
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import CellRef, cell_refs
from .contract import Figure, KeyFigures, Narrative, read_document

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Output types that show a picture; outside :meth:`Report.figure` they come without caption and alt text.
_IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")

#: A German number as the narrative writes it (1.043; 86), optionally rounded ("über 1.000", "fast 900").
_NUMBER = r"(?:(?P<q>[Üü]ber|[Ff]ast|[Rr]und) )?(?P<n>\d{1,3}(?:\.\d{3})+|\d+)"

#: The same in an English report (1,043; "over 1,000", "almost 900", "about 1,000").
_NUMBER_EN = r"(?:(?P<q>[Oo]ver|[Aa]lmost|[Aa]bout) )?(?P<n>\d{1,3}(?:,\d{3})+|\d+)"

#: Statements about key figures the narrative (or a hand-written text cell) makes: pattern -> key figure,
#: German and English. Percent statements are compared with the share (0–1) rounded to whole percent.
CLAIMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), figure)
    for pattern, figure in (
        (rf"{_NUMBER} kommunalen? Datensätze", "datasets"),
        (rf"{_NUMBER} partizipativen? Aktivitäten", "participation"),
        (rf"{_NUMBER} neue Stellen", "positions"),
        (rf"{_NUMBER} Lösungen (?:konnten|wurden) bereits in andere Kommunen", "solutions_transferred"),
        (rf"Für {_NUMBER} Maßnahmen wurde", "open_source"),
        (rf"{_NUMBER} % der Maßnahmen, die bereits abgeschlossen", "continuation_share"),
        (rf"weiter betrieben werden; das sind {_NUMBER} %", "continuation_share"),
        (rf"{_NUMBER} Netzwerkverbindungen", "network_links"),
        (rf"insgesamt wurden {_NUMBER} Verbindungen gemeldet", "network_links"),
        (rf"haben {_NUMBER} von \d+ Modellprojekten teilgenommen", "respondents"),
        (rf"{_NUMBER_EN} municipal datasets", "datasets"),
        (rf"{_NUMBER_EN} participatory activities", "participation"),
        (rf"{_NUMBER_EN} new positions have been created", "positions"),
        (rf"{_NUMBER_EN} solutions have already been transferred", "solutions_transferred"),
        (rf"has been published for {_NUMBER_EN} measures", "open_source"),
        (rf"{_NUMBER_EN}% of the measures already completed", "continuation_share"),
        (rf"are to be continued; that is {_NUMBER_EN}%", "continuation_share"),
        (rf"{_NUMBER_EN} network links", "network_links"),
        (rf"{_NUMBER_EN} links were reported in all", "network_links"),
        (rf"{_NUMBER_EN} of \d+ model projects took part", "respondents"),
    )
)

#: Rounding words of both languages -> the German word :func:`_agrees` knows.
_QUALIFIERS = {"over": "über", "almost": "fast", "about": "rund"}

#: How far a rounded statement may lie from the exact figure ("rund 1.000" for 950–1.150).
_ROUNDING_TOLERANCE = 0.15


@dataclass(frozen=True)
class QAProblem:
    """One failed QA gate: which gate, which cell, what to fix.

    The gates number cells from 1 over the executed notebook; :func:`check_notebook` returns every problem with
    ``cell`` and ``execution_count`` as JupyterLab shows them in the notebook the user edits
    (see :mod:`mpsc_report.documents.cells`).
    """

    gate: str
    cell: int | None
    message: str
    execution_count: int | None = None

    @property
    def where(self) -> CellRef | None:
        """The cell as the user sees it (after :func:`check_notebook`), or None for the notebook as a whole."""
        return CellRef(self.cell, self.execution_count) if self.cell is not None else None

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where is not None else ""
        return f"[{self.gate}] {where}{self.message}"


def check_notebook(nb: NotebookNode) -> list[QAProblem]:
    """Check an executed report notebook against every QA gate.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook as papermill wrote it (outputs and their metadata).

    Returns
    -------
    list of QAProblem
        Empty when the report may be published.
    """
    document = read_document(nb)
    problems = _check_ran_to_end(nb)
    if not document.ends_with_colophon:
        problems.append(
            QAProblem(
                "complete",
                document.last_code_cell,
                "the last code cell did not show the colophon; end the notebook with a cell `report.colophon()` "
                "(it marks the run as complete and records where the numbers come from).",
            )
        )
    blocks = {(placed.cell, placed.output): placed for placed in document.blocks}
    texts: list[tuple[int, str]] = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown":
            texts.append((number, cell.source))
            continue
        if cell.cell_type != "code":
            continue
        for index, output in enumerate(cell.get("outputs", [])):
            placed = blocks.get((number, index))
            block = placed.block if placed is not None else None
            if isinstance(block, Figure):
                problems += _check_figure(number, block)
            elif any(output.get("data", {}).get(kind) for kind in _IMAGE_TYPES):
                problems.append(
                    QAProblem(
                        "figure",
                        number,
                        "a chart is shown without caption and alt text; display it with "
                        "report.figure(fig, caption=..., alt=...).",
                    )
                )
            elif isinstance(block, KeyFigures):
                problems += _check_key_figures(number, block.figures)
            elif isinstance(block, Narrative):
                texts.append((number, placed.text))
    if document.key_figure_tiles or document.colophon is not None:
        problems += _check_claims(texts, document.key_figures)
    problems += check_language(nb)
    return _as_the_user_sees(problems, nb)


def _as_the_user_sees(problems: list[QAProblem], nb: NotebookNode) -> list[QAProblem]:
    """The problems with their cells numbered as JupyterLab shows the notebook the user edits."""
    refs = cell_refs(nb.cells)
    shown = []
    for problem in problems:
        ref = refs[problem.cell - 1] if problem.cell is not None and 0 < problem.cell <= len(refs) else None
        cell = ref.position if ref is not None else None
        shown.append(replace(problem, cell=cell, execution_count=ref.execution_count if ref else None))
    return shown


def describe(problems: list[QAProblem], name: str, kept: Path | None) -> str:
    """The message of a unit stopped by the QA gates: every problem with what to fix, and where the notebook is."""
    listing = "\n".join(f"  - {problem}" for problem in problems)
    where = f"The executed notebook is at {kept}; fix" if kept else "Fix"
    return (
        f"{name}: the report fails {len(problems)} QA check(s) and is not published:\n{listing}\n"
        f"{where} the cells named above and build again."
    )


def describe_cells(nb: NotebookNode, indices: list[int]) -> str:
    """``"cell 7"`` or ``"cells 7, 9"``: cells given by index (from 0) in an executed notebook, as the user sees."""
    refs = cell_refs(nb.cells)
    shown = [str(refs[i].position) for i in indices if refs[i] is not None]
    if not shown:
        return ""
    return f"cell{'s' if len(shown) > 1 else ''} {', '.join(shown)}"


def unexecuted_code_cells(nb: NotebookNode) -> list[int]:
    """Indices (from 0) of the code cells that did not run, e.g. after ``sys.exit`` in an earlier cell."""
    return [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None
    ]


def _check_ran_to_end(nb: NotebookNode) -> list[QAProblem]:
    code = [(n, c) for n, c in enumerate(nb.cells, start=1) if c.cell_type == "code" and c.source.strip()]
    problems = []
    skipped = describe_cells(nb, unexecuted_code_cells(nb))
    if skipped:
        problems.append(QAProblem("complete", None, f"{skipped} did not run; the notebook stopped early."))
    for number, cell in code:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(QAProblem("complete", number, f"the cell raised {output.get('ename')}; fix it."))
    return problems


def _check_figure(number: int, figure: Figure) -> list[QAProblem]:
    label = f"Abbildung {'?' if figure.number is None else figure.number}"
    problems = []
    if not figure.caption:
        problems.append(QAProblem("figure", number, f"{label} has no caption; pass caption='…' to report.figure."))
    if not figure.alt:
        problems.append(
            QAProblem("figure", number, f"{label} has no alt text; pass alt=narrative.describe_…(…) to report.figure.")
        )
    if figure.data_points <= 0 or figure.image_bytes <= 0:
        problems.append(
            QAProblem(
                "figure",
                number,
                f"{label} ({figure.caption or 'ohne Titel'}) is an empty chart: nothing was plotted. "
                "Check the data passed to the chart (an empty selection or all values missing?).",
            )
        )
    return problems


def _check_key_figures(number: int, figures: dict[str, float | None]) -> list[QAProblem]:
    bad = [name for name, value in figures.items() if value is None or not math.isfinite(value)]
    if not bad:
        return []
    return [
        QAProblem(
            "key-figure",
            number,
            f"key figure(s) {bad} are not numbers (NaN: no project answered the item, or a division by zero). "
            "Check the wave's data for these items before publishing.",
        )
    ]


def _check_claims(texts: list[tuple[int, str]], figures: dict[str, float | None]) -> list[QAProblem]:
    problems = []
    for number, text in texts:
        plain = text.replace("\u00a0", " ").replace("\u202f", " ")
        for pattern, name in CLAIMS:
            value = figures.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            for match in pattern.finditer(plain):
                if not _agrees(match, value, percent=name == "continuation_share"):
                    shown = _exact(value, name == "continuation_share")
                    problems.append(
                        QAProblem(
                            "narrative",
                            number,
                            f"the text says {match.group(0)!r}, but the metric {name} is {shown}. "
                            "Do not type numbers by hand: generate the sentence with mpsc_report.analysis.narrative.",
                        )
                    )
    return problems


def _agrees(match: re.Match[str], value: float, percent: bool) -> bool:
    stated = int(match.group("n").replace(".", "").replace(",", ""))
    actual = value * 100 if percent else value
    qualifier = (match.group("q") or "").lower()
    qualifier = _QUALIFIERS.get(qualifier, qualifier)
    if qualifier == "über":
        return stated < actual <= stated * (1 + _ROUNDING_TOLERANCE)
    if qualifier == "fast":
        return stated * (1 - _ROUNDING_TOLERANCE) <= actual < stated
    if qualifier == "rund":
        return abs(actual - stated) <= stated * _ROUNDING_TOLERANCE
    return abs(actual - stated) <= (0.5 + 1e-9 if percent else 0)


def _exact(value: float, percent: bool) -> str:
    return f"{value * 100:.1f} %" if percent else f"{value:g}"


# ----------------------------------------------------------------------------------------------
# The language gate: every word a reader sees is in the document's language


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


def check_language(nb: NotebookNode) -> list[QAProblem]:
    """The language gate: no German words in an English document, no English words in a German one.

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
    list of QAProblem
        One problem (gate ``language``) per cell, naming the words; cells numbered over the executed notebook.
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
                problems.append(QAProblem("language", number, _markdown_message(found, language, other)))
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
                problems.append(QAProblem("language", number, _output_message(found, language, other, title)))
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
        return f"{words} Write `title`, `subtitle` and `publisher` in the params file in {_LANGUAGE_NAMES[language]}."
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
    """Names of the model projects and the Länder (they stay German in every language), longest first."""
    from ..data.load import load_register

    register = load_register()
    names = {*register["name"].astype(str), *register["state"].astype(str)}
    return tuple(sorted(names, key=len, reverse=True))


def _names(document) -> tuple[str, ...]:
    """Names a document shows as they are: projects, Länder and its publisher (the default one too)."""
    from ..data.params import WaveParams

    record = document.provenance
    publishers = {WaveParams.model_fields["publisher"].default}
    if record is not None and isinstance(record.params.get("publisher"), str):
        publishers.add(record.params["publisher"])
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
