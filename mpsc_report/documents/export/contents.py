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
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf))
    named = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        if page is not None and page >= 0:
            named[str(name).lstrip("/")] = page + 1
    # Bookmark titles lose the space at each line break of a wrapped heading: compare squeezed.
    outline = _walk_outline(reader, reader.outline)
    bookmarks = [(squeeze(text), page + 1) for text, page in outline]
    pages, position = {}, 0
    for target, text in entries:
        if target in named:
            pages[target] = named[target]
            continue
        wanted = squeeze(text)
        for index in range(position, len(bookmarks)):
            if bookmarks[index][0] == wanted:
                pages[target], position = bookmarks[index][1], index + 1
                break
        else:
            raise ExportError(
                f"{title}: heading {text!r} is neither a named destination nor a bookmark "
                "of the printed PDF; cannot number the table of contents."
            )
    return pages


def squeeze(text: str) -> str:
    """``text`` without any white space (how a wrapped heading's bookmark and its text are compared)."""
    return "".join(str(text).split())


def _walk_outline(reader, outline) -> list[tuple[str, int]]:
    found = []
    for item in outline:
        if isinstance(item, list):
            found.extend(_walk_outline(reader, item))
            continue
        page = reader.get_destination_page_number(item)
        if page is not None and page >= 0:
            found.append((item.title, page))
    return found
