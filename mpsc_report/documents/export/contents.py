"""What the exporter adds to a report: table of contents, figure-data appendix, page numbers of the contents."""

from __future__ import annotations

import html as html_lib
import io
import re
from typing import Any

from bs4 import BeautifulSoup

from ...analysis.words import t
from ...errors import ExportError
from ..contract import Document

#: A contents entry as :func:`build_toc` writes it: text, target id, page-number slot.
_TOC_SLOT = re.compile(
    r'(<span class="mpsc-toc-text">)([^<]*)'
    r'(</span><span class="mpsc-toc-page" data-target=")([^"]*)(">)([^<]*)(</span>)'
)


def build_toc(soup: BeautifulSoup, document: Document):
    """``<nav class="mpsc-toc">`` listing the h2 (and nested h3) headings of markdown cells."""
    headings = soup.select(".jp-MarkdownCell h2, .jp-MarkdownCell h3, h2.mpsc-appendix-title")
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


def add_data_appendix(soup: BeautifulSoup, document: Document) -> None:
    """Copy the data table of every figure (``details.mpsc-figure-data``) into an appendix before the colophon.

    On screen the tables sit, collapsed, under their figures and the appendix is hidden; in print the
    collapsed tables are hidden and the appendix ("Anhang: Daten zu den Abbildungen") lists them all.
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
