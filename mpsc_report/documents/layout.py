"""The layout gate: the printed PDF read back as an editor reads it; a document that fails is not published.

Three checks on the real print, not on the HTML:

- **page fill** — a page before the appendix (not the cover, the contents, the last page of the main part or of the
  document) filled less than a third: the ink on the page, rendered small by poppler's ``pdftoppm``, ends above a
  third of the text area;
- **heading alone** — a heading whose next content (in the tag tree's reading order) is on a later page;
- **figure apart from its caption** — a figure whose image and caption (``Abbildung n: …``) are on different
  pages, or a table whose caption ends a page and whose rows start on the next.

Which content is on which page comes from the PDF's tag tree (the marked-content references of every structure
element, as Chromium writes them), so it needs no geometry.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EnvironmentProblem, ExportError

#: A page before the appendix must be filled at least this much (share of the text area's height).
MIN_FILL = 1 / 3

#: Margins of the printed page in mm (the running header and footer live inside them; see export/pdf.py).
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 22.0, 20.0

#: Resolution of the rendered pages (dots per inch): enough to see where the ink ends, fast.
_DPI = 24

#: A pixel darker than this (0 black … 255 white) is ink; the light grey of a key-figure tile is ink too.
_INK = 246

#: Seconds ``pdftoppm`` may take for one document.
_RENDER_TIMEOUT = 60

_HEADINGS = ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


class LayoutFailed(ExportError):
    """The printed document fails the layout gate; the message lists every problem with its page and element."""


@dataclass(frozen=True)
class LayoutProblem:
    """One failed layout check: which check, on which page, which element, what to do."""

    check: str
    page: int
    element: str
    message: str

    def __str__(self) -> str:
        return f"[layout: {self.check}] page {self.page}, {self.element}: {self.message}"


@dataclass(frozen=True)
class PrintedDocument:
    """What the gate needs to know about a printed document besides the PDF.

    Parameters
    ----------
    title : str
        The document's title (named in the failure message).
    exempt_pages : set of int
        Pages (from 1) whose fill is not checked: the cover, the contents.
    appendix_page : int, optional
        First page of the appendix; its pages, those after it and the page before it (the end of the main part)
        are not checked for fill.
    headings : sequence of str
        Texts of the headings in reading order (to name them); a heading without a text is named by its number.
    captions : sequence of str
        Texts of the figure captions, in order.
    table_captions : sequence of str
        Texts of the captions of the printed tables, in order.
    """

    title: str = ""
    exempt_pages: frozenset[int] = field(default_factory=frozenset)
    appendix_page: int | None = None
    headings: Sequence[str] = ()
    captions: Sequence[str] = ()
    table_captions: Sequence[str] = ()


def check_layout(pdf: bytes, printed: PrintedDocument, fills: Sequence[float] | None = None) -> list[LayoutProblem]:
    """Check a printed PDF against the layout rules (see the module docstring).

    Parameters
    ----------
    pdf : bytes
        The printed (tagged) PDF.
    printed : PrintedDocument
        The document's pages that are exempt, its appendix and the names of its elements.
    fills : sequence of float, optional
        How full each page is (0..1), e.g. from :func:`page_fills`; measured here when not given.

    Returns
    -------
    list of LayoutProblem
        Empty when the layout passes.
    """
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tree = _read_tree(doc)
        count = len(doc.pages)
    problems = _lonely_headings(tree, printed) + _split_figures(tree, printed) + _split_table_captions(tree, printed)
    # The last page ends the document and the page before the appendix ends the main part (the appendix starts
    # on a page of its own): both may be short, like the last page of a chapter in a printed book.
    last_checked = printed.appendix_page - 2 if printed.appendix_page else count - 1
    checked = [page for page in range(1, min(last_checked, count - 1) + 1) if page not in printed.exempt_pages]
    if fills is None:  # only the pages checked are rendered; none: no render
        fills = page_fills(pdf, checked[0], checked[-1]) if checked else []
        fills = [1.0] * (checked[0] - 1) + fills if checked else fills
    for page in checked:
        if fills[page - 1] >= MIN_FILL:
            continue
        problems.append(
            LayoutProblem(
                "page fill",
                page,
                "the page",
                f"only {fills[page - 1]:.0%} of the text area is filled (at least a third before the appendix); "
                "what follows did not fit: let it break (allow a figure or table to move) or shorten the page before",
            )
        )
    return sorted(problems, key=lambda problem: problem.page)


def describe(problems: Sequence[LayoutProblem], title: str) -> str:
    """The message of a document stopped by the layout gate."""
    listing = "\n".join(f"  - {problem}" for problem in problems)
    return (
        f"{title}: the printed PDF fails {len(problems)} layout check(s) and is not published:\n{listing}\n"
        "Fix the layout (stylesheet documents/templates/mpsc_report/*.css, or the content) and build again."
    )


# ----------------------------------------------------------------------------------------------
# The tag tree: which element's content is on which page


@dataclass
class _Element:
    kind: str
    key: tuple[int, int]
    alt: str
    parent: _Element | None
    children: list[_Element] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # indices into _Tree.pages, in reading order


@dataclass
class _Tree:
    elements: list[_Element]
    pages: list[int]  # page (from 1) of each marked-content item, in reading order
    owners: list[_Element]  # the element each item belongs to


def _read_tree(doc) -> _Tree:
    import pikepdf  # noqa: PLC0415

    numbers = {page.obj.objgen: index for index, page in enumerate(doc.pages, start=1)}
    tree = _Tree([], [], [])
    root = doc.Root.get("/StructTreeRoot")
    if root is None:
        return tree

    def page_of(node, inherited: int | None) -> int | None:
        page = node.get("/Pg") if isinstance(node, pikepdf.Dictionary) else None
        return numbers.get(page.objgen, inherited) if page is not None else inherited

    def walk(node, element: _Element | None, page: int | None, depth: int) -> None:
        if depth > 200:
            return
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int) and element is not None:
                if page is not None:
                    _add_item(tree, element, page)
            elif isinstance(kid, pikepdf.Dictionary):
                kind = str(kid.get("/Type", ""))
                if kind == "/MCR":
                    found = page_of(kid, page)
                    if found is not None and element is not None:
                        _add_item(tree, element, found)
                elif kind == "/OBJR":
                    continue
                elif "/S" in kid:
                    child = _Element(str(kid.S), kid.objgen, str(kid.get("/Alt", "")), element)
                    tree.elements.append(child)
                    if element is not None:
                        element.children.append(child)
                    walk(kid, child, page_of(kid, page), depth + 1)

    walk(root, None, None, 0)
    return tree


def _add_item(tree: _Tree, element: _Element, page: int) -> None:
    element.items.append(len(tree.pages))
    tree.pages.append(page)
    tree.owners.append(element)


def _subtree_items(element: _Element) -> list[int]:
    found = list(element.items)
    for child in element.children:
        found.extend(_subtree_items(child))
    return sorted(found)


def _ancestors(element: _Element | None):
    while element is not None:
        yield element
        element = element.parent


def _lonely_headings(tree: _Tree, printed: PrintedDocument) -> list[LayoutProblem]:
    problems = []
    headings = [element for element in tree.elements if element.kind in _HEADINGS]
    for number, heading in enumerate(headings):
        items = _subtree_items(heading)
        if not items:
            continue
        last = items[-1]
        following = next(
            (
                index
                for index in range(last + 1, len(tree.pages))
                if not any(a.kind in _HEADINGS for a in _ancestors(tree.owners[index]))
            ),
            None,
        )
        if following is None or tree.pages[following] == tree.pages[last]:
            continue
        name = printed.headings[number] if number < len(printed.headings) else f"heading {number + 1}"
        problems.append(
            LayoutProblem(
                "heading alone",
                tree.pages[last],
                f"heading „{name}“",
                f"stands at the foot of the page; what it introduces starts on page {tree.pages[following]}",
            )
        )
    return problems


def _split_figures(tree: _Tree, printed: PrintedDocument) -> list[LayoutProblem]:
    problems = []
    figures = [
        element
        for element in tree.elements
        if element.kind == "/Figure"
        and element.parent is not None
        and any(sibling.kind == "/Caption" for sibling in element.parent.children)
    ]
    for number, figure in enumerate(figures):
        group = figure.parent
        pages = sorted({tree.pages[index] for index in _subtree_items(group)})
        if len(pages) <= 1:
            continue
        name = printed.captions[number] if number < len(printed.captions) else (figure.alt[:60] or "a figure")
        problems.append(
            LayoutProblem(
                "figure apart from its caption",
                pages[0],
                f"figure „{name}“",
                f"the figure and its caption are on pages {', '.join(map(str, pages))}; they must share a page",
            )
        )
    return problems


def _split_table_captions(tree: _Tree, printed: PrintedDocument) -> list[LayoutProblem]:
    problems = []
    tables = [
        element
        for element in tree.elements
        if element.kind == "/Table" and any(child.kind == "/Caption" for child in element.children)
    ]
    for number, table in enumerate(tables):
        caption = next(child for child in table.children if child.kind == "/Caption")
        caption_items = _subtree_items(caption)
        rows = [index for index in _subtree_items(table) if index not in set(caption_items)]
        if not caption_items or not rows or tree.pages[rows[0]] == tree.pages[caption_items[-1]]:
            continue
        name = printed.table_captions[number] if number < len(printed.table_captions) else f"table {number + 1}"
        problems.append(
            LayoutProblem(
                "table apart from its caption",
                tree.pages[caption_items[-1]],
                f"table „{name}“",
                f"the caption ends the page; the table starts on page {tree.pages[rows[0]]}",
            )
        )
    return problems


def table_row_pages(pdf: bytes) -> list[list[int]]:
    """For each captioned table of a printed PDF, in order: the page (from 1) each of its rows starts on.

    Rows are the table's ``TR`` elements in the tag tree (head, body, foot rows in document order); a row without
    content counts as on the page of the row before.
    """
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tree = _read_tree(doc)
    found = []
    for table in tree.elements:
        if table.kind != "/Table" or not any(child.kind == "/Caption" for child in table.children):
            continue
        pages, last = [], 0
        for row in (child for child in table.children if child.kind == "/TR"):
            items = _subtree_items(row)
            last = tree.pages[items[0]] if items else last
            pages.append(last)
        found.append(pages)
    return found


# ----------------------------------------------------------------------------------------------
# Page fill


def page_fills(pdf: bytes, first: int = 1, last: int | None = None) -> list[float]:
    """How far down the text area the ink of each page reaches (0 empty … 1 full), in page order.

    Only pages ``first`` to ``last`` (from 1; default: to the end) are rendered, and their fills returned.

    Raises
    ------
    EnvironmentProblem
        poppler's ``pdftoppm`` is missing.
    """
    from PIL import Image  # noqa: PLC0415  (matplotlib's dependency)

    executable = shutil.which("pdftoppm")
    if executable is None:
        raise EnvironmentProblem("pdftoppm not found; install the Debian package: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="mpsc-layout-") as folder:
        source = Path(folder) / "printed.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                [executable, "-r", str(_DPI), "-gray", *_page_range(first, last), source, Path(folder) / "page"],
                check=True,
                capture_output=True,
                timeout=_RENDER_TIMEOUT,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise ExportError(
                "the layout gate could not render the printed PDF with pdftoppm",
                detail=detail.decode("utf-8", "replace").strip() or str(exc),
            ) from exc
        return [_fill(Image.open(path)) for path in sorted(Path(folder).glob("page-*.pgm"), key=_page_number)]


def _page_range(first: int, last: int | None) -> list[str]:
    return ["-f", str(first)] + (["-l", str(last)] if last is not None else [])


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[-1])


def _fill(image) -> float:
    width, height = image.size
    pixels_per_mm = height / 297.0
    top = round(TOP_MARGIN_MM * pixels_per_mm)
    bottom = height - round(BOTTOM_MARGIN_MM * pixels_per_mm)
    data = image.load()
    for row in range(bottom - 1, top - 1, -1):
        if any(data[column, row] < _INK for column in range(width)):
            return (row + 1 - top) / max(bottom - top, 1)
    return 0.0
