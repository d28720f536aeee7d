"""QA gates on an executed report notebook: a report that fails one is not published.

:func:`check_notebook` is pure: it reads the outputs and, through :func:`~mpsc_report.documents.contract.read_document`,
what the blocks recorded (figures with caption, alt text and number of plotted items; the key figures; narrative
blocks; the colophon as the last cell) and returns every problem with what to fix; :func:`describe` words them for
the build.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..analysis.charts.maps import LAND_ABBREVIATIONS
from ..analysis.formatting import ALMOST_TOLERANCE, OVER_TOLERANCE
from ..analysis.indicators import BY_ID, INDICATORS, number_key, parse_key
from ..analysis.words import MESSAGES, describe_key, t
from .cells import CellRef, cell_refs
from .contract import Document, Figure, KeyFigures, Narrative, read_document
from .language import foreign_words

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Output types that show a picture; outside :meth:`Report.figure` they come without caption and alt text.
_IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


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
            if _in_language(cell, document.language):
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
        problems += _check_claims(texts, document)
        problems += _check_number_conflicts(document)
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


def _check_number_conflicts(document: Document) -> list[QAProblem]:
    """A key two blocks of the document record with different values (a tile and a table disagree)."""
    problems = []
    for key, found in document.number_conflicts:
        shown = ", ".join(f"cell {cell}: {_shown(value)}" for cell, value in found)
        problems.append(
            QAProblem(
                "numbers",
                found[-1][0],
                f"{describe_key(key, document.language)} ({key}) differs between blocks of this document ({shown}). "
                "Compute every figure, table and tile from the same metric.",
            )
        )
    return problems


# --------------------------------------------------------------------------- claims: numbers in prose
#
# A number in a sentence is tied to the indicator whose words (the catalogue's ``terms``) stand nearest to it in
# its clause, to the categories named beside it (a theme, a kind of municipality, a cohort), to "je antwortendem
# Modellprojekt" or "Median", to the waves of "von X auf Y", and, in a factsheet, to its project. The key so found
# is looked up among the numbers the document recorded; a number that names no indicator, or one the document does
# not record, is "unchecked" (a warning in the build log), one that disagrees stops the unit.

_LOG = logging.getLogger(__name__)

#: Numbers as each language writes them: German 1.043 and 12,5; English 1,043 and 12.5 (optionally followed by %).
_NUMBERS = {
    "de": re.compile(r"(?<![\w\-/.,])(?P<n>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w\-]|[.,]\d)(?P<p>\s?%)?"),
    "en": re.compile(r"(?<![\w\-/.,])(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w\-]|[.,]\d)(?P<p>\s?%)?"),
}
_THOUSANDS = {"de": ".", "en": ","}

#: Rounding words before a number -> the qualifier :func:`_agrees` knows.
_QUALIFIERS = {
    "de": {"über": "over", "mehr als": "over", "fast": "almost", "knapp": "almost", "rund": "about", "etwa": "about"},
    "en": {"over": "over", "more than": "over", "almost": "almost", "nearly": "almost", "about": "about"},
}
_QUALIFIER = {
    lang: re.compile(r"(?i)\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")\s+$")
    for lang, words in _QUALIFIERS.items()
}

#: "About" in a rounded statement: how far the value may lie from the number ("rund 650" for 618–682).
_ABOUT_TOLERANCE = 0.05

_MONTHS = {
    "de": "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember",
    "en": "January|February|March|April|May|June|July|August|September|October|November|December",
}
#: Dates, references, chapter numbers of headings ("## 7 Wo …") and the programme's name are not statements of an
#: indicator: blanked before numbers are read.
_NOT_CLAIMS = {
    "de": re.compile(
        rf"\b\d{{1,2}}\. (?:{_MONTHS['de']})(?: \d{{4}})?"
        r"|\b(?:Abbildung|Tabelle|Seite|Kapitel|Nr\.) \d+|Smart Cit(?:y|ies)|(?<![^\n])#{1,6}[ \t]+\d+(?:\.\d+)*"
    ),
    "en": re.compile(
        rf"\b\d{{1,2}} (?:{_MONTHS['en']})(?: \d{{4}})?|\b(?:Figure|Table|page|Chapter|No\.) \d+|Smart Cit(?:y|ies)"
        r"|(?<![^\n])#{1,6}[ \t]+\d+(?:\.\d+)*"
    ),
}
#: A year (wave, cohort) is a name, not a statement: four digits without a separator.
_YEAR = re.compile(r"^(?:19|20)\d\d$")

#: Where a clause ends: a sentence end, a dash between words, a line break.
_BREAK = re.compile(r"(?<!\d)[.!?](?=\s|$)|\s[–—]\s|\n")

#: Words that say a number is a mean per responding project or a median (blanked before terms are matched).
_STAT_MARKERS = {
    "de": (
        ("mean", re.compile(r"je antwortendem Modellprojekt|je Modellprojekt|je Projekt|im Schnitt|Mittelwerte?")),
        ("median", re.compile(r"\bMedian(?:e)?\b")),
    ),
    "en": (
        ("mean", re.compile(r"per responding model project|per model project|per project|on average|\bmeans?\b")),
        ("median", re.compile(r"\b[Mm]edians?\b")),
    ),
}

#: "2 × unbekanntes Projekt": a count of the category that follows.
_TIMES = re.compile(r"^\s*×\s")

#: "X von Y" (a part of a whole), "von X auf Y" (a change between two waves), "n = X" (the projects a group has).
_OF = {"de": re.compile(r"^\s+von\s+$"), "en": re.compile(r"^\s+of\s+$")}
_FROM = {"de": re.compile(r"\bvon\s+$"), "en": re.compile(r"\bfrom\s+$")}
_TO = {"de": re.compile(r"^\s+auf\s+$"), "en": re.compile(r"^\s+to\s+$")}
_N_EQUALS = re.compile(r"\bn\s*=\s*$")
_WAVE_NAMED = {"de": re.compile(r"\bWellen?\s+((?:19|20)\d\d)"), "en": re.compile(r"\b[Ww]aves?\s+((?:19|20)\d\d)")}

#: How far from a number (characters) "je Projekt" or "Median" still say what the number is.
_STAT_REACH = 40

#: Numbers of these indicators a stat marker never applies to (they are a mean themselves).
_NO_STAT_UNITS = ("per_project", "percent")

#: A key stated in words that the catalogue records under another: the mean of partner municipalities per project.
_ALIASES = {"partners_total[stat=mean]": "partners_mean"}


@dataclass(frozen=True)
class Claim:
    """A number in a sentence and what it states.

    ``key`` is the recorded number it is compared with (``"datasets_total"``, ``"partners_total[project=koeln]"``),
    None when the sentence names no indicator the document records: then the number is "unchecked". A percentage of
    a category (``share_of``) is compared with the category's value divided by the whole's.
    """

    cell: int | None
    text: str
    context: str
    stated: float
    decimals: int
    percent: bool
    qualifier: str = ""
    key: str | None = None
    share_of: str | None = None

    def __str__(self) -> str:
        return f"{self.text!r} in {self.context!r}"


@dataclass
class _Number:
    start: int
    end: int
    text: str
    value: float
    decimals: int
    percent: bool
    qualifier: str


@dataclass
class _Context:
    indicator: str | None = None
    dims: dict[str, str] | None = None
    stat: str | None = None


def read_claims(
    text: str,
    language: str = "de",
    numbers: Mapping[str, float | int | None] | None = None,
    *,
    wave: str = "",
    project: str = "",
    name: str = "",
    cell: int | None = None,
) -> list[Claim]:
    """Every number of ``text`` with the recorded key it states (None: it names no indicator ``numbers`` holds).

    Parameters
    ----------
    text : str
        Sentences of a narrative block or a Markdown cell, paragraphs separated by blank lines.
    language : str
        The document's language ("de" or "en"): how numbers and the indicators' words are written.
    numbers : mapping, optional
        The document's recorded numbers by key (:attr:`~.contract.Document.numbers`); their keys also supply the
        names of the Länder. Without them no key can be confirmed and every claim is unchecked.
    wave, project : str
        The document's wave (for "von X auf Y") and, for a factsheet, its project.
    name : str
        The factsheet's project as the text names it ("Landkreis Hof"): read as a name, never as a category.
    cell : int, optional
        The cell the text is in (for messages).
    """
    lang = language if language in _NUMBERS else "de"
    recorded = dict(numbers or {})
    vocabulary = _vocabulary(lang) + _rules(lang, recorded)
    claims: list[Claim] = []
    plain = text.replace("\u00a0", " ").replace("\u202f", " ")
    if name:
        plain = plain.replace(name, " " * len(name))
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*[-*] )", plain):
        claims += _paragraph_claims(paragraph, plain, lang, recorded, vocabulary, wave, project, cell)
    return claims


def _paragraph_claims(
    paragraph: str,
    whole: str,
    lang: str,
    recorded: dict[str, float | int | None],
    vocabulary: list[tuple[str, str, re.Pattern[str]]],
    wave: str,
    project: str,
    cell: int | None,
) -> list[Claim]:
    blanked = _NOT_CLAIMS[lang].sub(lambda m: " " * len(m.group(0)), paragraph)
    found = _numbers(blanked, lang)
    claims: list[Claim] = []
    context = _Context()
    #: What the number at an index states because of the one before it ("62 von 73", "von 667 auf 1.043").
    paired: dict[int, tuple[str | None, dict[str, str], str | None]] = {}
    #: The part and whole of the last "X von Y" and the index of Y: a percentage right after it is X / Y.
    last_of: tuple[str, str, int] | None = None
    for index, number in enumerate(found):
        before, after = _windows(blanked, found, index)
        following = found[index + 1] if index + 1 < len(found) else None
        between = blanked[number.end : following.start] if following else ""
        if index in paired:
            indicator, dims, stat = paired.pop(index)
        else:
            opening = blanked[: number.start]
            indicator, dims, stat = _read_number(number, opening, before, after, lang, vocabulary, context)
            if following is not None and _OF[lang].match(between):
                # "62 von 73 Modellprojekten": the words after the whole name the part.
                _, after_whole = _windows(blanked, found, index + 1)
                of = [i for i in _indicators(before, after_whole, lang, percent=False) if BY_ID[i].of]
                if of:
                    indicator = of[0]
                    paired[index + 1] = (BY_ID[indicator].of, {}, None)
                    last_of = (indicator, BY_ID[indicator].of or "", index + 1)
            elif _N_EQUALS.search(blanked[: number.start]):
                indicator, stat = "respondents", None
            if following is not None and _FROM[lang].search(blanked[: number.start]) and _TO[lang].match(between):
                # "von 667 auf 1.043": the first number is of the wave compared with, the second of this one.
                earlier = _wave_before(whole, paragraph, number.start, wave, lang)
                if earlier:
                    paired[index + 1] = (indicator, {**dims, "wave": wave} if wave else dict(dims), stat)
                    dims = {**dims, "wave": earlier}
        share_of = None
        if number.percent and last_of is not None and last_of[2] == index - 1:
            if indicator is None or BY_ID[indicator].unit != "percent":
                indicator, dims, stat, share_of = last_of[0], {}, None, last_of[1]
        if indicator is not None:
            context = _Context(indicator, {k: v for k, v in dims.items() if k not in ("wave", "project")}, stat)
        claim = _claim(number, indicator, dims, stat, recorded, project, wave, cell, paragraph, share_of)
        claims.append(replace(claim, text=_phrase(number, after, indicator, lang)))
    return claims


def _phrase(number: _Number, after: str, indicator: str | None, lang: str) -> str:
    """The number as quoted in a message, with the words after it that name its indicator ("1.200 Datensätze")."""
    ends = [
        match.end()
        for group in (BY_ID[indicator].terms.get(lang, ()) if indicator else ())
        for term in group
        if (match := re.search(term, after, flags=re.IGNORECASE)) and match.start() <= _STAT_REACH
    ]
    return (number.text + after[: max(ends)]).strip() if ends else number.text


def _read_number(
    number: _Number,
    opening: str,
    before: str,
    after: str,
    lang: str,
    vocabulary: list[tuple[str, str, re.Pattern[str]]],
    context: _Context,
) -> tuple[str | None, dict[str, str], str | None]:
    """The indicator, categories and statistic a number's clause names (else those of the number before it)."""
    stat = _stat(before, after, lang)
    ids = _indicators(before, after, lang, percent=number.percent)
    named_after = bool(ids) and _named_after(ids[0], before, after, lang)
    if _TIMES.match(after):  # "2 × unbekanntes Projekt": the category follows its count
        category = _category("", after, vocabulary)
    else:  # a category after the number is its own only when the indicator's words stand there too
        category = _category(before, after if named_after else "", vocabulary)
    indicator = ids[0] if ids else None
    if indicator is None and context.indicator is None:
        # "Neue Datensätze – Median der Staffel 2020: 5": the words before the clause name the first number.
        ids = _indicators(opening, "", lang, percent=number.percent)
        indicator = ids[0] if ids else None
    if indicator is None and context.indicator is not None:
        indicator, stat = context.indicator, stat or context.stat
    percent_of_category = number.percent and indicator is not None and BY_ID[indicator].unit != "percent"
    if category is None and percent_of_category and indicator == context.indicator and context.dims:
        category = next(iter(context.dims.items()))  # "(315 Datensätze, 30 %)": 30 % of the total are that theme
    return indicator, dict([category]) if category else {}, stat


def _numbers(text: str, lang: str) -> list[_Number]:
    found = []
    for match in _NUMBERS[lang].finditer(text):
        raw = match.group("n")
        if _YEAR.match(raw):
            continue
        thousands, decimal = _THOUSANDS[lang], "," if lang == "de" else "."
        digits = raw.replace(thousands, "")
        decimals = len(digits.split(decimal)[1]) if decimal in digits else 0
        value = float(digits.replace(decimal, "."))
        qualifier = _QUALIFIER[lang].search(text[: match.start()])
        word = _QUALIFIERS[lang][qualifier.group(1).lower()] if qualifier else ""
        start = qualifier.start() if qualifier else match.start()
        found.append(
            _Number(
                start, match.end(), text[start : match.end()].strip(), value, decimals, bool(match.group("p")), word
            )
        )
    return found


def _windows(text: str, found: list[_Number], index: int) -> tuple[str, str]:
    """The clause before and after a number: up to the neighbouring numbers and the clause's ends."""
    number = found[index]
    low = found[index - 1].end if index else 0
    high = found[index + 1].start if index + 1 < len(found) else len(text)
    before = text[low : number.start]
    breaks = list(_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    after = text[number.end : high]
    cut = _BREAK.search(after)
    if cut:
        after = after[: cut.start()]
    return before, after


def _stat(before: str, after: str, lang: str) -> str | None:
    """The statistic named right beside the number (in its part of the clause): "mean", "median" or None."""
    before = before.rsplit(";", 1)[-1][-_STAT_REACH:]
    best: tuple[int, str] | None = None
    for stat, pattern in _STAT_MARKERS[lang]:
        for match in pattern.finditer(before):
            distance = len(before) - match.end()
            best = min(best or (distance, stat), (distance, stat))
        match = pattern.search(after[:_STAT_REACH])
        if match:
            best = min(best or (match.start(), stat), (match.start(), stat))
    return best[1] if best else None


def _indicators(before: str, after: str, lang: str, percent: bool) -> list[str]:
    """Indicator ids whose words stand in the clause, best first.

    Words after the number come first (German and English put the noun after it: "298 neue Stellen"), then the
    nearest, the group of more words, the longer match. Indicators whose unit fits the number (a percentage or
    not) come before the others.
    """
    ranked = []
    for indicator, (after_first, distance, words, length) in _term_matches(before, after, lang).items():
        fits = (BY_ID[indicator].unit == "percent") == percent
        ranked.append(((0 if fits else 1, after_first, distance, words, length), indicator))
    return [id for _, id in sorted(ranked)]


def _named_after(indicator: str, before: str, after: str, lang: str) -> bool:
    """Whether the indicator's words stand after the number (then categories after it belong to it too)."""
    found = _term_matches(before, after, lang).get(indicator)
    return found is not None and found[0] == 0


def _term_matches(before: str, after: str, lang: str) -> dict[str, tuple[int, int, int, int]]:
    """Per indicator whose words occur in the clause: (0 if after the number else 1, distance, -words, span).

    A group of words is matched after the number, before it, or around it (its words on both sides); after or
    before it, it is as near as its nearest word, around it as near as its farthest.
    """
    for _stat_name, pattern in _STAT_MARKERS[lang]:
        before = pattern.sub(lambda m: " " * len(m.group(0)), before)
        after = pattern.sub(lambda m: " " * len(m.group(0)), after)
    clause, at = before + "\x00" + after, len(before)
    sides = {"after": (at + 1, len(clause)), "before": (0, at), "around": (0, len(clause))}
    found: dict[str, tuple[int, int, int, int]] = {}
    for indicator in INDICATORS:
        for group in indicator.terms.get(lang, ()):
            for side, (low, high) in sides.items():
                spans = []
                for term in group:
                    matches = [m for m in re.finditer(term, clause, flags=re.IGNORECASE) if low <= m.start() < high]
                    if not matches:
                        break
                    spans.append(min(matches, key=lambda m: _distance(m.start(), m.end(), at)))
                else:
                    start, end = min(m.start() for m in spans), max(m.end() for m in spans)
                    distances = [_distance(m.start(), m.end(), at) for m in spans]
                    near = max(distances) if side == "around" else min(distances)
                    rank = (0 if end > at else 1, near, -len(group), start - end)
                    found[indicator.id] = min(found.get(indicator.id, rank), rank)
    return found


def _distance(start: int, end: int, at: int) -> int:
    if start > at:
        return start - at - 1
    if end <= at:
        return at - end
    return 0


@functools.cache
def _vocabulary(lang: str) -> list[tuple[str, str, re.Pattern[str]]]:
    """(dimension, code, pattern) of every category word: cohorts, kinds, themes, formats, exchanges, Länder."""
    words: dict[tuple[str, str], set[str]] = {}
    for key in MESSAGES[lang]:
        dimension, _, code = key.partition(".")
        if dimension in ("cohort", "kind", "kinds", "theme", "format", "exchange") and code:
            word = t(key, lang)
            target = ("kind" if dimension == "kinds" else dimension, code)
            words.setdefault(target, set()).update({word, word.split(" (")[0]})
    for land in LAND_ABBREVIATIONS:  # the sixteen Länder, by their German names
        words.setdefault(("state", land), set()).add(land)
    return [
        (dimension, code, re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE))
        for (dimension, code), found in words.items()
        for word in sorted(found, key=len, reverse=True)
        if word
    ]


def _rules(lang: str, recorded: Mapping[str, object]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(dimension, code, pattern) of the validation rules the document records rejected rows for."""
    found = []
    for key in recorded:
        try:
            _, dims = parse_key(key)
        except ValueError:
            continue
        if "rule" in dims:
            word = t(f"rule.{dims['rule']}", lang)
            found.append(("rule", dims["rule"], re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)))
    return found


def _category(before: str, after: str, vocabulary: list[tuple[str, str, re.Pattern[str]]]) -> tuple[str, str] | None:
    """The category named nearest before the number, else first after it.

    Only in the same part of a sentence: a category after a semicolon belongs to the next statement ("73 model
    projects …; most are in Nordrhein-Westfalen").
    """
    after = after.split(";")[0]
    best = None
    for dimension, code, pattern in vocabulary:
        for match in pattern.finditer(before):
            rank = (0, len(before) - match.end(), -(match.end() - match.start()))
            best = min(best or (rank, (dimension, code)), (rank, (dimension, code)))
        match = pattern.search(after)
        if match:
            rank = (1, match.start(), -(match.end() - match.start()))
            best = min(best or (rank, (dimension, code)), (rank, (dimension, code)))
    return best[1] if best else None


def _wave_before(whole: str, paragraph: str, position: int, current: str, lang: str) -> str | None:
    """The wave a "von X auf Y" compares with: the nearest earlier wave named before X (in the block)."""
    offset = whole.find(paragraph)
    text = whole[: (offset if offset >= 0 else 0) + position]
    named = [m.group(1) for m in _WAVE_NAMED[lang].finditer(text) if m.group(1) != current]
    return named[-1] if named else None


def _claim(
    number: _Number,
    indicator: str | None,
    dims: dict[str, str],
    stat: str | None,
    recorded: dict[str, float | int | None],
    project: str,
    wave: str,
    cell: int | None,
    paragraph: str,
    share_of: str | None = None,
) -> Claim:
    context = " ".join(paragraph.split())
    claim = Claim(cell, number.text, context, number.value, number.decimals, number.percent, number.qualifier)
    if indicator is None:
        return claim
    entry = BY_ID[indicator]
    # A category the indicator is not broken down by belongs to another part of the sentence.
    dims = {k: v for k, v in dims.items() if k in ("wave", "project") or k in entry.breakdowns}
    if stat and entry.unit not in _NO_STAT_UNITS:
        dims = {**dims, "stat": stat}
    share = number.percent and entry.unit != "percent"
    if share_of is not None:
        part, whole = _ALIASES.get(number_key(indicator), number_key(indicator)), number_key(share_of)
        return replace(claim, key=part, share_of=whole) if part in recorded and whole in recorded else claim
    for key in _candidate_keys(indicator, dims, wave, project):
        key = _ALIASES.get(key, key)
        if key not in recorded:
            continue
        if not share:
            return replace(claim, key=key)
        whole = _whole(key)
        if whole in recorded and whole != key:
            return replace(claim, key=key, share_of=whole)
    return claim


def _candidate_keys(indicator: str, dims: dict[str, str], wave: str, project: str) -> list[str]:
    """Keys to look the claim up under: as read, and without the document's own wave.

    A factsheet's sentences are about its project, except where they name a group (a cohort's median).
    """
    options = [dims]
    if dims.get("wave") == wave:
        options.append({k: v for k, v in dims.items() if k != "wave"})
    if project:
        options = [option if {"cohort", "kind"} & set(option) else {**option, "project": project} for option in options]
    keys = []
    for option in options:
        try:
            keys.append(number_key(indicator, **option))
        except ValueError:
            continue
    return list(dict.fromkeys(keys))


def _whole(key: str) -> str:
    """The total a category's value is a share of: the key without its category."""
    id, dims = parse_key(key)
    return number_key(id, **{k: v for k, v in dims.items() if k in ("wave", "project", "stat")})


def _check_claims(texts: list[tuple[int, str]], document: Document) -> list[QAProblem]:
    """Compare every number in the text with the recorded number it names; log the unchecked ones."""
    problems, unchecked = [], []
    for number, text in texts:
        for claim in _document_claims(text, document, number):
            if claim.key is None:
                unchecked.append(claim)
                continue
            problem = _check_claim(claim, document.numbers, document.language)
            if problem is not None:
                problems.append(problem)
    for claim in unchecked:
        _LOG.warning(
            "%s: unchecked number: cell %s: %s names no indicator of the catalogue that the document records",
            document.title,
            claim.cell,
            claim,
        )
    return problems


def _document_claims(text: str, document: Document, cell: int) -> list[Claim]:
    """The claims of a text of the document, read in its language, or in the other one when that ties more of them.

    A German report may quote an English sentence (and the reverse); numbers and words are then read as written.
    """
    colophon = document.colophon
    context = {
        "wave": document.wave,
        "project": colophon.project if colophon is not None else "",
        "name": colophon.project_name if colophon is not None else "",
        "cell": cell,
    }
    readings = [
        read_claims(text, language, document.numbers, **context)
        for language in dict.fromkeys((document.language, *_NUMBERS))
    ]
    return max(readings, key=lambda claims: sum(claim.key is not None for claim in claims))


def _check_claim(claim: Claim, numbers: Mapping[str, float | int | None], language: str) -> QAProblem | None:
    assert claim.key is not None
    actual = numbers.get(claim.key)
    metric = f"the metric {claim.key}"
    label = describe_key(claim.key, language)
    where = f" The sentence: {claim.context!r}."
    if actual is None:
        if claim.stated == 0:
            return QAProblem(
                "narrative",
                claim.cell,
                f"the text says {claim.text!r}, but {metric} ({label}) is unknown: the project did not answer, and a "
                f"missing answer is never 0. Say that the answer is missing.{where}",
            )
        return QAProblem(
            "narrative",
            claim.cell,
            f"the text says {claim.text!r}, but {metric} ({label}) is unknown (no answer).{where}",
        )
    if claim.share_of is not None:
        whole = numbers.get(claim.share_of)
        if not whole:
            return None
        actual = 100 * actual / whole
    if _agrees(claim, float(actual)):
        return None
    of_whole = f" % of {claim.share_of}" if claim.share_of else ""
    return QAProblem(
        "narrative",
        claim.cell,
        f"the text says {claim.text!r}, but {metric} is {_shown(actual)}{of_whole} ({label}). Do not type numbers by "
        f"hand: generate the sentence with mpsc_report.analysis.narrative.{where}",
    )


def _agrees(claim: Claim, actual: float) -> bool:
    """Whether a stated number agrees with the value, given its rounding word and its decimals."""
    stated = claim.stated
    if claim.qualifier == "over":
        return stated < actual <= stated * (1 + OVER_TOLERANCE) + 1e-9
    if claim.qualifier == "almost":
        return stated * (1 - ALMOST_TOLERANCE) - 1e-9 <= actual < stated
    if claim.qualifier == "about":
        return abs(actual - stated) <= stated * _ABOUT_TOLERANCE + 1e-9
    return abs(actual - stated) <= 0.5 * 10 ** (-claim.decimals) + 1e-9


def _shown(value: float | int | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def unchecked_claims(nb: NotebookNode) -> list[Claim]:
    """The numbers in the notebook's prose that name no indicator the document records (the build logs them)."""
    document = read_document(nb)
    return [
        claim
        for number, text in _prose(nb, document)
        for claim in _document_claims(text, document, number)
        if claim.key is None
    ]


def _prose(nb: NotebookNode, document: Document) -> list[tuple[int, str]]:
    """(cell, text) of the Markdown cells of the document's language and of the narrative blocks."""
    texts = [
        (number, cell.source)
        for number, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "markdown" and _in_language(cell, document.language)
    ]
    return texts + [(placed.cell, placed.text) for placed in document.narrative]


def _in_language(cell: Mapping[str, object], language: str) -> bool:
    """Whether a Markdown cell is shown in a document of ``language`` (untagged cells are shown in every one)."""
    metadata = cell.get("metadata")
    tags = metadata.get("tags", []) if isinstance(metadata, Mapping) else []
    languages = [tag.removeprefix("lang-") for tag in tags if isinstance(tag, str) and tag.startswith("lang-")]
    return not languages or language in languages


# ----------------------------------------------------------------------------------------------
# The language gate: every word a reader sees is in the document's language


def check_language(nb: NotebookNode) -> list[QAProblem]:
    """The language gate: no German words in an English document, no English words in a German one.

    Every cell that shows words of the other language (see :func:`mpsc_report.documents.language.foreign_words`)
    is one problem (gate ``language``) naming the words and what to do; cells are numbered over the executed
    notebook (:func:`check_notebook` renumbers them as the user sees them).
    """
    return [QAProblem("language", number, message) for number, message in foreign_words(nb)]
