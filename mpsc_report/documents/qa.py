"""QA gates on an executed report notebook: a report that fails one is not published.

:func:`check_notebook` is pure: it reads the outputs and, through :func:`~mpsc_report.documents.contract.read_document`,
what the blocks recorded (figures with caption, alt text and number of plotted items; the key figures; narrative
blocks; the colophon as the last cell) and returns every problem with what to fix; :func:`describe` words them for
the build.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import CellRef, cell_refs
from .contract import Figure, KeyFigures, Narrative, read_document
from .language import foreign_words

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


def check_language(nb: NotebookNode) -> list[QAProblem]:
    """The language gate: no German words in an English document, no English words in a German one.

    Every cell that shows words of the other language (see :func:`mpsc_report.documents.language.foreign_words`)
    is one problem (gate ``language``) naming the words and what to do; cells are numbered over the executed
    notebook (:func:`check_notebook` renumbers them as the user sees them).
    """
    return [QAProblem("language", number, message) for number, message in foreign_words(nb)]
