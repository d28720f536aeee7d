"""What the exporter adds to a report: table of contents, figure-data appendix, page numbers of the contents."""

from __future__ import annotations

import html as html_lib
import io
import re
from typing import Any

from bs4 import BeautifulSoup

from ...analysis.words import t
from ...errors import ExportError
from ..blocks import LISTS_CLASS, lists_html
from ..contract import Document

#: A contents entry as :func:`build_toc` writes it: text, target id, page-number slot.
_TOC_SLOT = re.compile(
    r'(<span class="mpsc-toc-text">)([^<]*)'
    r'(</span><span class="mpsc-toc-page" data-target=")([^"]*)(">)([^<]*)(</span>)'
)


#: Headings the contents list: the h2 and h3 of markdown cells, and the h2 the exporter adds (the appendix of figure
#: data, the section "Daten zum Bericht" naming the open-data files).
_TOC_HEADINGS = ".jp-MarkdownCell h2, .jp-MarkdownCell h3, h2.mpsc-appendix-title, h2.mpsc-opendata-title"


def build_toc(soup: BeautifulSoup, document: Document):
    """``<nav class="mpsc-toc">`` listing the h2 (and nested h3) headings of markdown cells and of added sections."""
    headings = soup.select(_TOC_HEADINGS)
    if not headings:
        return None
    first_with_id: dict[str, Any] = {}
    for tag in soup.select("[id]"):
        first_with_id.setdefault(tag["id"], tag)
    used = set(first_with_id)
    title_id = _unique_id("mpsc-inhalt", used)
    nav = soup.new_tag("nav", attrs={"class": "mpsc-toc", "aria-labelledby": title_id})
    nav_title = soup.new_tag("h2", attrs={"class": "mpsc-toc-title", "id": title_id})
    nav_title.string = t("export.contents", document.language)
    top = soup.new_tag("ol", attrs={"class": "mpsc-toc-list"})
    nav.extend([nav_title, top])
    current_h2 = None
    for tag in headings:
        text = " ".join(tag.get_text().split())
        if not text:
            continue
        if first_with_id.get(tag.get("id")) is not tag:  # no id, or a duplicate of an earlier one
            tag["id"] = _unique_id(_slug(text), used)
        level = int(tag.name[1])
        print_only = " mpsc-print-only" if "mpsc-appendix-title" in tag.get("class", []) else ""
        entry = soup.new_tag("li", attrs={"class": f"mpsc-toc-entry mpsc-toc-level-{level}{print_only}"})
        link = soup.new_tag("a", attrs={"href": f"#{tag['id']}"})
        label = soup.new_tag("span", attrs={"class": "mpsc-toc-text"})
        label.string = text
        page = soup.new_tag("span", attrs={"class": "mpsc-toc-page", "data-target": tag["id"]})
        link.extend([label, page])
        entry.append(link)
        if level == 2 or current_h2 is None:
            top.append(entry)
            current_h2 = entry if level == 2 else None
            continue
        nested = current_h2.find("ol", recursive=False)
        if nested is None:
            nested = soup.new_tag("ol")
            current_h2.append(nested)
        nested.append(entry)
    return nav


#: The id of a numbered table of the document (not a figure's data table, not a copy in the appendix).
_TABLE_ID = re.compile(r"tabelle-\d+")


def fill_lists(soup: BeautifulSoup, document: Document) -> None:
    """Fill the lists of figures and tables with every figure and table of the document, in order.

    The block (:meth:`~..report.Report.lists_of_figures_and_tables`) lists what was shown before it; the tables of
    the appendix follow it, so the entries are read here from the captions of the whole page.
    """
    place = soup.select_one(f"div.{LISTS_CLASS}")
    if place is None:
        return
    figures = [" ".join(c.get_text().split()) for c in soup.select("figure.mpsc-figure > figcaption")]
    tables = [
        " ".join(table.caption.get_text().split())
        for table in soup.select("table.mpsc-table")
        if _TABLE_ID.fullmatch(table.get("id", "")) and table.caption is not None
    ]
    place.clear()
    place.append(BeautifulSoup(lists_html(figures, tables, document.language), features="html.parser"))


def add_data_appendix(soup: BeautifulSoup, document: Document) -> None:
    """Copy the data table of every figure (``details.mpsc-figure-data``) into an appendix before the colophon.

    On screen the tables sit, collapsed, under their figures and the appendix is hidden; in print the
    collapsed tables are hidden and the appendix ("Anhang B: Daten zu den Abbildungen") lists them all.
    """
    details = soup.select("details.mpsc-figure-data")
    if not details:
        return
    main = soup.select_one("main") or soup.body or soup
    used = {tag["id"] for tag in soup.select("[id]")}
    title_id = _unique_id("anhang-daten", used)
    section = soup.new_tag("section", attrs={"class": "mpsc-data-appendix", "aria-labelledby": title_id})
    title = soup.new_tag("h2", attrs={"class": "mpsc-appendix-title", "id": title_id})
    title.string = t("appendix.title", document.language)
    intro = soup.new_tag("p")
    intro.string = t("appendix.intro", document.language)
    section.extend([title, intro])
    for detail in details:
        table = detail.find("table")
        if table is None:
            continue
        copy = BeautifulSoup(str(table), features="html.parser").table
        copy["id"] = _unique_id(f"anhang-{copy.get('id', 'daten')}", used)
        figure = detail.find_previous_sibling("figure")
        caption = figure.find("figcaption") if figure is not None else None
        if caption is not None:
            new_caption = soup.new_tag("caption")
            for child in list(caption.children):
                new_caption.append(BeautifulSoup(str(child), features="html.parser"))
            copy.insert(0, new_caption)
        section.append(copy)
    colophon = soup.select_one("section.mpsc-colophon")
    if colophon is None:
        main.append(section)
        return
    # The colophon stays the last page: the appendix goes before the cell holding its heading.
    anchor = colophon.find_previous(["h1", "h2"]) or colophon
    while anchor.parent is not None and anchor.parent is not main:
        anchor = anchor.parent
    anchor.insert_before(section)


#: What print does not show: the figures' data under each figure (the appendix shows them), the screen-only lines.
NOT_PRINTED = "details.mpsc-figure-data, .mpsc-screen-only"


def printed_tables(soup: BeautifulSoup) -> list:
    """The captioned tables a print shows, in order (the tables of the PDF's tag tree that have a caption)."""
    hidden = set(map(id, soup.select(NOT_PRINTED)))
    return [
        table
        for table in soup.find_all("table")
        if table.find("caption", recursive=False) is not None
        and not any(id(parent) in hidden for parent in table.parents)
    ]


#: Class of the rows the print inserts where a table continues on a new page (caption again, head again).
CONTINUED_ROW = "mpsc-continued-row"


def split_continued_tables(html: str, row_pages: list[list[int]], language: str) -> tuple[str, int]:
    """Mark where the first printed table running over a page breaks: "Tabelle n: … (Fortsetzung)", head again.

    Two rows are inserted before the first row printed on the next page, hidden from assistive technology (the
    PDF marks them as artifacts, as a repeated head should be): the caption with "(Fortsetzung)" and a copy of the
    head row. The table stays one table, so its columns keep their widths and the rows before the break stay
    where they were; the head no longer repeats by itself (see the stylesheet). Only the first break is marked:
    the rows inserted move everything after them, so the next break is found in the next print.

    Parameters
    ----------
    html : str
        The HTML that was printed.
    row_pages : list of list of int
        For each captioned table of the print, the page of each row (:func:`~..layout.table_row_pages`).
    language : str
        Document language (the word "Fortsetzung").

    Returns
    -------
    tuple of (str, int)
        The HTML to print instead, and 1 when a break was marked (0: ``html`` unchanged). Tables that cannot be
        matched to the print are left as they are.
    """
    soup = BeautifulSoup(html, features="html.parser")
    tables = printed_tables(soup)
    if len(tables) != len(row_pages):
        return html, 0
    for table, pages in zip(tables, row_pages, strict=True):
        head_rows = table.thead.find_all("tr", recursive=False) if table.thead is not None else []
        if table.tbody is None or len(head_rows) != 1:
            continue
        real = [row for row in table.tbody.find_all("tr", recursive=False) if CONTINUED_ROW not in row.get("class", [])]
        foot = len(table.tfoot.find_all("tr")) if table.tfoot is not None else 0
        if len(pages) != 1 + len(real) + foot or not real:
            continue
        cut, segment = None, pages[1]
        for row, page in zip(real, pages[1 : 1 + len(real)], strict=True):
            before = row.find_previous_sibling("tr")
            if before is not None and CONTINUED_ROW in before.get("class", []):
                segment = page  # the first row after a marked break
            elif page > segment:
                cut = row
                break
        if cut is None:
            continue
        _mark_break(soup, table, head_rows[0], cut, language)
        return str(soup), 1
    return html, 0


def _mark_break(soup: BeautifulSoup, table, head_row, cut, language: str) -> None:
    """Insert the caption with "(Fortsetzung)" and a copy of the head row before ``cut`` (see above)."""
    table["class"] = [*dict.fromkeys([*table.get("class", []), "mpsc-table-cut"])]
    cells = head_row.find_all(["th", "td"], recursive=False)
    columns = sum(int(cell.get("colspan", 1)) for cell in cells)
    caption = table.find("caption", recursive=False)
    title = soup.new_tag("tr", attrs={"class": f"{CONTINUED_ROW} mpsc-continued-caption", "aria-hidden": "true"})
    cell = soup.new_tag("td", attrs={"colspan": str(columns)})
    for child in list(caption.children):
        cell.append(BeautifulSoup(str(child), features="html.parser"))
    cell.append(" " + t("export.continued", language))
    title.append(cell)
    head = soup.new_tag("tr", attrs={"class": f"{CONTINUED_ROW} mpsc-continued-head", "aria-hidden": "true"})
    for original in cells:
        copy = soup.new_tag("td", attrs={"class": [*original.get("class", []), "mpsc-continued-th"]})
        if original.get("colspan"):
            copy["colspan"] = original["colspan"]
        for child in list(original.children):
            copy.append(BeautifulSoup(str(child), features="html.parser"))
        head.append(copy)
    cut.insert_before(title)
    cut.insert_before(head)


def _slug(text: str) -> str:
    return re.sub(r"\W+", "-", text.lower()).strip("-") or "abschnitt"


def _unique_id(base: str, used: set[str]) -> str:
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    used.add(candidate)
    return candidate


# ----------------------------------------------------------------------------------------------
# Page numbers of the contents (PDF)


def toc_entries(html: str) -> list[tuple[str, str]]:
    """(target id, heading text) of every contents entry, in order."""
    unescape = html_lib.unescape
    return [(unescape(m.group(4)), unescape(m.group(2))) for m in _TOC_SLOT.finditer(html)]


#: An in-page link as the exporter's HTML writes it.
_IN_PAGE_LINK = re.compile(r'<a\b[^>]*?\bhref="#([^"]+)"[^>]*>(.*?)</a>', re.DOTALL)


def link_texts(html: str) -> dict[str, str]:
    """Target id -> what a link to it says: the heading text of a contents entry, else the first link's text."""
    texts = dict(toc_entries(html))
    for match in _IN_PAGE_LINK.finditer(html):
        target = html_lib.unescape(match.group(1))
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", match.group(2))).split())
        if text:
            texts.setdefault(target, text)
    return texts


def fill_toc_pages(html: str, pages: dict[str, Any]) -> str:
    """``html`` with the page number of each contents entry written into its slot."""

    def fill(match: re.Match) -> str:
        number = html_lib.escape(str(pages.get(html_lib.unescape(match.group(4)), "")))
        return "".join((*match.group(1, 2, 3, 4, 5), number, match.group(7)))

    return _TOC_SLOT.sub(fill, html)


def heading_pages(pdf: bytes, entries: list[tuple[str, str]], title: str) -> dict[str, int]:
    """Page (from 1) of each heading: the named destination of its id, else its bookmark.

    Raises
    ------
    ExportError
        A heading is neither; the message names the report ``title``.
    """
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        numbers = {page.obj.objgen: index for index, page in enumerate(doc.pages, start=1)}
        named = {}
        for name, destination in _named_destinations(doc):
            page = _destination_page(destination, numbers, {})
            if page is not None:
                named[name] = page
        with doc.open_outline() as outline:
            # Bookmark titles lose the space at each line break of a wrapped heading: compare squeezed.
            bookmarks = [
                (squeeze(item.title), _destination_page(item.destination, numbers, named))
                for item in _walk(outline.root)
            ]
    pages, position = {}, 0
    for target, text in entries:
        if target in named:
            pages[target] = named[target]
            continue
        wanted = squeeze(text)
        for index in range(position, len(bookmarks)):
            if bookmarks[index][0] == wanted and bookmarks[index][1] is not None:
                pages[target], position = bookmarks[index][1], index + 1
                break
        else:
            raise ExportError(
                f"{title}: heading {text!r} is neither a named destination nor a bookmark "
                "of the printed PDF; cannot number the table of contents."
            )
    return pages


def link_pages(pdf: bytes, targets: set[str]) -> list[int]:
    """Pages (from 1) holding a link annotation to one of ``targets``: the pages of the contents."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [
            number
            for number, page in enumerate(doc.pages, start=1)
            if any(str(a.get("/Dest", "")).removeprefix("/") in targets for a in page.obj.get("/Annots", ()))
        ]


def replace_pages(doc, replacements, pages: list[int], tagged_only: bool = False) -> bool:
    """Draw ``pages`` of ``doc`` as ``replacements`` (those pages printed again, in order) draws them.

    ``doc`` is changed in place; both are open ``pikepdf.Pdf`` objects, and ``replacements`` must stay open
    until ``doc`` is saved. Only the pages' content and resources are replaced; the structure tree, links,
    bookmarks and named destinations stay those of ``doc``. They still fit because a replacement page must mark
    the same content sequences (tag and MCID, in order) on the same text lines as the page it replaces. With
    ``tagged_only`` only the lines of tagged text are compared: the cover printed again without the running header
    and footer (which Chromium leaves untagged).

    Returns
    -------
    bool
        False, and ``doc`` unchanged, when a replacement page does not match its page (the caller prints again).
    """
    if len(replacements.pages) != len(pages):
        return False
    pairs = [(doc.pages[number - 1], page) for number, page in zip(pages, replacements.pages, strict=True)]
    if any(_skeleton(page, tagged_only) != _skeleton(replacement, tagged_only) for page, replacement in pairs):
        return False
    for page, replacement in pairs:
        page.obj.Contents = doc.copy_foreign(replacements.make_indirect(replacement.obj.Contents))
        page.obj.Resources = doc.copy_foreign(replacements.make_indirect(replacement.obj.Resources))
    return True


def _skeleton(page, tagged_only: bool = False) -> list[tuple]:
    """The marked sequences (tag, MCID) of a page and the vertical position of each line of text, in order.

    With ``tagged_only``, only sequences with an MCID and the lines of text inside them.
    """
    import pikepdf  # noqa: PLC0415

    found, open_marks = [], []  # open_marks: whether each open sequence is tagged (has an MCID)
    for instruction in pikepdf.parse_content_stream(page, "BDC BMC EMC Tm"):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "EMC":
            if open_marks:
                open_marks.pop()
        elif op == "Tm":
            if not tagged_only or any(open_marks):
                found.append(("Tm", round(float(operands[5]), 2)))
        else:
            properties = operands[-1] if op == "BDC" else None
            marked = isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
            open_marks.append(marked)
            if marked or not tagged_only:
                found.append((str(operands[0]), int(properties.MCID) if marked else None))
    return found


def _named_destinations(doc) -> list[tuple[str, object]]:
    """(name, destination) of the catalog's ``/Dests`` (Chromium's) and of the ``/Names /Dests`` tree."""
    import pikepdf  # noqa: PLC0415

    found = []
    dests = doc.Root.get("/Dests")
    if isinstance(dests, pikepdf.Dictionary):
        found.extend((str(key).removeprefix("/"), dests[key]) for key in dests.keys())
    names = doc.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        found.extend((str(key), value) for key, value in pikepdf.NameTree(names.Dests).items())
    return found


def _destination_page(destination, numbers: dict, named: dict[str, int]) -> int | None:
    """Page (from 1) of a destination: ``[page /XYZ …]``, ``<< /D [...] >>`` or a name in ``named``; else None."""
    import pikepdf  # noqa: PLC0415

    if isinstance(destination, (pikepdf.Name, pikepdf.String)):
        return named.get(str(destination).removeprefix("/"))
    if isinstance(destination, pikepdf.Dictionary):
        destination = destination.get("/D")
    if isinstance(destination, pikepdf.Array) and len(destination) and isinstance(destination[0], pikepdf.Dictionary):
        return numbers.get(destination[0].objgen)
    return None


def _walk(items) -> list:
    found = []
    for item in items:
        found.append(item)
        found.extend(_walk(item.children))
    return found


def squeeze(text: str) -> str:
    """``text`` without any white space (how a wrapped heading's bookmark and its text are compared)."""
    return "".join(str(text).split())
