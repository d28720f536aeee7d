"""Download links of the open data in the HTML publication (and so in the PDF printed from it).

Under each figure and table that has a data table: "Daten: Tabellenband (XLSX), Blatt „Abb. 3“ · CSV für Excel ·
CSV" (on screen only: print has no use for a link per figure). Before the appendix of figure data, a section
"Daten zum Bericht" that names the files with relative links that work in the output folder, in the HTML and in the
PDF (a factsheet: one line "Daten zum Steckbrief" at its end). Links are built here from our own file names (never
from document text) after the page is sanitised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from ...analysis.words import t
from ..contract import Document
from .files import DESCRIPTOR, EXCEL_SUFFIX
from .sheets import DEFINITIONS_NAME, NUMBERS_NAME, Listed, listed

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

    from . import Downloads

#: Class of the line of links under a figure or table.
LINKS_CLASS = "mpsc-downloads"

#: Class of the section that lists every open-data file.
SECTION_CLASS = "mpsc-opendata"


def add_download_links(soup: BeautifulSoup, document: Document, downloads: Downloads) -> None:
    """Add the links under each figure and table and the section naming every open-data file (see module doc)."""
    if not downloads.any:
        return
    downloads = downloads.of(document)  # the data folder is named in the document's language
    items = listed(document)
    for item in items:
        if item.sheet is None:
            continue
        anchor = _anchor(soup, item)
        if anchor is not None:
            anchor.insert_after(_links_line(soup, item, document.language, downloads))
    _add_section(soup, document, downloads, items)


def _anchor(soup: BeautifulSoup, item: Listed) -> Tag | None:
    """The element the links follow: a figure's collapsed data table (or the figure), a table's scroll region."""
    if item.kind == "figure":
        figure = soup.find("figure", id=f"abbildung-{item.number}")
        if figure is None:
            return None
        details = figure.find_next_sibling("details", class_="mpsc-figure-data")
        return details or figure
    table = soup.find("table", id=f"tabelle-{item.number}")
    if table is None:
        return None
    region = table.find_parent("div", class_="mpsc-table-scroll")
    return region or table


def _links_line(soup: BeautifulSoup, item: Listed, language: str, downloads: Downloads) -> Tag:
    assert item.sheet is not None
    line = soup.new_tag("p", attrs={"class": LINKS_CLASS})
    label = soup.new_tag("span", attrs={"class": f"{LINKS_CLASS}-label"})
    label.string = t("opendata.downloads", language)
    line.append(label)
    links = []
    if downloads.xlsx is not None:
        links.append((downloads.xlsx, t("opendata.xlsx_sheet", language, sheet=item.sheet.sheet_name)))
    excel, plain = downloads.csv(item.sheet.name, excel=True), downloads.csv(item.sheet.name)
    if excel is not None and plain is not None:
        links += [(excel, t("opendata.csv_excel", language)), (plain, t("opendata.csv", language))]
    for index, (href, text) in enumerate(links):
        line.append(" " if index == 0 else " · ")
        line.append(_link(soup, href, text))
    return line


def _add_section(soup: BeautifulSoup, document: Document, downloads: Downloads, items: list[Listed]) -> None:
    """The section naming every file: before the appendix of figure data (else before the colophon's heading).

    The colophon stays the last section of a report; a factsheet's two pages have room for one line after its
    colophon's small lines.
    """
    language = document.language
    if document.layout == "factsheet":
        section = _factsheet_line(soup, language, downloads)
    else:
        section = soup.new_tag("section", attrs={"class": SECTION_CLASS, "aria-labelledby": "daten-zum-bericht"})
        title = soup.new_tag("h2", attrs={"class": f"{SECTION_CLASS}-title", "id": "daten-zum-bericht"})
        title.string = t("opendata.section", language)
        intro = soup.new_tag("p")
        intro.string = t("opendata.intro", language)
        section.extend([title, intro, _file_list(soup, language, downloads, items)])
    main = soup.select_one("main") or soup.body or soup
    appendix = soup.select_one("section.mpsc-data-appendix")
    if document.layout != "factsheet" and appendix is not None:
        appendix.insert_before(section)  # the appendix of figure data follows on the same page in print
        return
    colophon = soup.select_one("section.mpsc-colophon, .mpsc-factsheet-colophon")
    if colophon is None:
        main.append(section)
        return
    # The colophon stays last: before the cell that holds its heading (a factsheet: after its small lines).
    anchor = colophon.find_previous(["h1", "h2"]) if document.layout != "factsheet" else colophon
    anchor = anchor or colophon
    while anchor.parent is not None and anchor.parent is not main:
        anchor = anchor.parent
    if document.layout == "factsheet":
        anchor.insert_after(section)
    else:
        anchor.insert_before(section)


def _file_list(soup: BeautifulSoup, language: str, downloads: Downloads, items: list[Listed]) -> Tag:
    entries = soup.new_tag("ul", attrs={"class": f"{SECTION_CLASS}-files"})
    if downloads.xlsx is not None:
        entries.append(_entry(soup, t("opendata.xlsx", language), downloads.xlsx))
    if downloads.folder is not None:
        folder = downloads.folder
        entries.append(_entry(soup, t("opendata.package", language), f"{folder}/{DESCRIPTOR}"))
        tables = soup.new_tag("li")  # one line for the pattern; each file is linked under its figure or table
        tables.string = t("opendata.per_table", language, folder=folder, excel=EXCEL_SUFFIX)
        entries.append(tables)
        entries.append(_entry(soup, t("opendata.numbers_title", language), f"{folder}/{NUMBERS_NAME}.csv"))
        entries.append(_entry(soup, t("opendata.definitions_title", language), f"{folder}/{DEFINITIONS_NAME}.csv"))
    return entries


def _factsheet_line(soup: BeautifulSoup, language: str, downloads: Downloads) -> Tag:
    """A factsheet's two pages have room for one line: the Tabellenband and the data package."""
    line = soup.new_tag("p", attrs={"class": f"{SECTION_CLASS} {SECTION_CLASS}-line"})
    label = soup.new_tag("strong")
    label.string = t("opendata.section_factsheet", language) + ":"
    line.append(label)
    links = []
    if downloads.xlsx is not None:
        links.append((downloads.xlsx, t("opendata.xlsx", language)))
    if downloads.folder is not None:
        links.append((f"{downloads.folder}/{DESCRIPTOR}", t("opendata.package_csv", language)))
    for index, (href, words) in enumerate(links):
        line.append(" " if index == 0 else " · ")
        line.append(_link(soup, href, href))
        line.append(f" ({words})")
    return line


def _entry(soup: BeautifulSoup, label: str, href: str) -> Tag:
    entry = soup.new_tag("li")
    entry.append(f"{label}: ")
    entry.append(_link(soup, href, href))
    return entry


def _link(soup: BeautifulSoup, href: str, text: str) -> Tag:
    link = soup.new_tag("a", attrs={"href": quote(href), "class": "mpsc-download"})
    link.string = text
    return link
