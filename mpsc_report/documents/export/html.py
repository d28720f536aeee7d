"""The HTML publication: what of a notebook is published (preprocessor) and the exporter around the template."""

from __future__ import annotations

import re
from importlib import resources as importlib_resources
from typing import Any

import jinja2
import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, List, Unicode, default
from traitlets.config import Config

from ...analysis.words import t
from ...errors import ExportError
from ..contract import Document, read_document
from ..opendata import Downloads, add_download_links
from ..provenance import document_metadata
from .contents import add_data_appendix, build_toc, fill_lists
from .fonts import document_text, find_font_dir, font_face_css
from .sanitize import sanitize_body
from .typography import typeset

#: Name of the nbconvert template folder shipped in ``mpsc_report/documents/templates``.
TEMPLATE_NAME = "mpsc_report"

#: Author written into the HTML ``<meta>`` and the PDF document information.
AUTHOR = "MPSC-Monitoring"

#: Where :class:`ReportPreprocessor` leaves the notebook's :class:`~..contract.Document` in nbconvert's ``resources``.
DOCUMENT_RESOURCE = "mpsc_document"

#: Where a caller passes the open-data files to link (:class:`~..opendata.Downloads`) in nbconvert's ``resources``.
DOWNLOADS_RESOURCE = "mpsc_downloads"

#: Where ``from_notebook_node`` leaves the document's text for choosing the embedded glyphs.
_TEXT_RESOURCE = "mpsc_text"

#: The English alt text nbconvert gives every image that has none.
_NBCONVERT_ALT = "No description has been provided for this image"

#: Output types a publication may show; everything else (JavaScript, widgets, a plain-text
#: repr only) is left out.
_PUBLISHABLE = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")

#: A markdown cell tagged ``lang-<code>`` is prose in that language; reports in another language leave it out.
LANGUAGE_TAG_PREFIX = "lang-"


def wave_label(document: Document) -> str:
    """``"Welle 2023"`` in the document's language, or ``""`` when the wave is unknown."""
    return t("export.wave", document.language, wave=document.wave) if document.wave else ""


def document_of(resources: dict[str, Any]) -> Document:
    """The document :class:`ReportPreprocessor` read (an empty one, titled "Bericht", before it ran)."""
    found = resources.get(DOCUMENT_RESOURCE)
    return found if isinstance(found, Document) else Document()


class ReportPreprocessor(Preprocessor):
    """Read the document contract into ``resources`` and drop what a publication must not show.

    Dropped: empty cells, markdown cells tagged for another language (``lang-en`` in a German report),
    stream output (prints, warnings), JavaScript and widget output, and outputs with nothing but a
    plain-text repr. An error output stops the export: a report with a failed cell is not published.
    """

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict[str, Any]):
        """Clean the (already copied) notebook and record the contract; see the class docstring."""
        document = read_document(nb)
        resources[DOCUMENT_RESOURCE] = document
        resources["mpsc_report"] = {  # what the template writes into <html lang>, <head> and <body class>
            "title": document.title,
            "wave": document.wave,
            "wave_label": wave_label(document),
            "language": document.language,
            "sample_data": document.sample_data,
            "notice": document.notice,
            "author": AUTHOR,
            "layout": document.layout,
        }
        resources["mpsc_provenance"] = document_metadata(document)  # <meta> tags
        dropped = 0
        kept_cells = []
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "code":
                outputs = [_publishable_output(o, number, document) for o in cell.get("outputs", [])]
                cell.outputs = [out for out in outputs if out is not None]
                dropped += len(outputs) - len(cell.outputs)
                if not cell.outputs:
                    continue
            elif cell.cell_type == "markdown" and (
                not cell.source.strip() or not _in_language(cell, document.language)
            ):
                continue
            kept_cells.append(cell)
        nb.cells = kept_cells
        if dropped:
            self.log.warning(
                "%s: left out %d output(s) that are not report content (prints, scripts, reprs).",
                document.title,
                dropped,
            )
        return nb, resources


def _in_language(cell: nbformat.NotebookNode, language: str) -> bool:
    """Whether a cell belongs in a report in ``language``: untagged cells belong in every one."""
    tags = [tag for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith(LANGUAGE_TAG_PREFIX)]
    return not tags or f"{LANGUAGE_TAG_PREFIX}{language}" in tags


def _publishable_output(output: nbformat.NotebookNode, number: int, document: Document):
    kind = output.get("output_type")
    if kind == "error":
        raise ExportError(
            f"{document.title}: cell {number} holds an error ({output.get('ename')}: "
            f"{output.get('evalue')}); a report with a failed cell is not exported. "
            "Fix the notebook and build it again."
        )
    if kind not in ("display_data", "execute_result"):
        return None
    data = output.get("data", {})
    if not any(data.get(mime) for mime in _PUBLISHABLE):
        return None
    kept = {mime: value for mime, value in data.items() if mime in (*_PUBLISHABLE, "text/plain")}
    output.data = nbformat.from_dict(kept)
    return output


def _templates_dir() -> str:
    return str(importlib_resources.files("mpsc_report.documents") / "templates")


class ReportHTMLExporter(HTMLExporter):
    """Self-contained HTML publication: no code, prompt, script or external URL; with contents.

    Registered for ``jupyter nbconvert --to mpsc_html``.
    """

    export_from_notebook = "MPSC report (HTML)"

    font_dir = Unicode(
        "",
        help="Folder with OpenSans-Regular.ttf, -Italic.ttf and -Semibold.ttf "
        "(default: MPSC_FONT_DIR, else the Debian fonts-open-sans folder).",
    ).tag(config=True)

    strip_active_content = Bool(
        True,
        help="Keep only the elements and attributes a report is made of (allow-list, nh3) in the page's body: "
        "no script, frame, event handler or URL other than in-page links and data: images. Producers escape "
        "free text; this is the safety net. Removals are listed in ``removed_content`` and logged.",
    ).tag(config=True)

    removed_content = List(Unicode(), help="What the last export removed (read only).")

    pdf_link = Unicode(
        "",
        help="File name of the PDF built beside the HTML (e.g. ``halftime_review.pdf``); when set, the page links "
        "to it under the title. Empty: no link (an HTML-only build has no PDF to link to).",
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [_templates_dir()]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    @property
    def default_config(self):
        """Turn off the lab template's Pygments stylesheet: there is no code to highlight."""
        config = super().default_config
        config.merge(Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}))
        return config

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(ReportPreprocessor(parent=self), enabled=True)

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        # Open Sans plus subsets of the fallback fonts for the characters Open Sans lacks (see .fonts).
        resources["mpsc_font_css"] = font_face_css(find_font_dir(self.font_dir), resources.get(_TEXT_RESOURCE, ""))
        return resources

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert a notebook to the publication HTML; returns ``(html, resources)``."""
        resources = {**(resources or {}), _TEXT_RESOURCE: document_text(nb)}
        try:
            html, resources = HTMLExporter.from_notebook_node(self, nb, resources, **kw)
        except jinja2.TemplateError as exc:
            raise ExportError(f"{read_document(nb).title}: the HTML template failed: {exc}") from exc
        document = document_of(resources)
        downloads = resources.get(DOWNLOADS_RESOURCE)
        html, removed = _finish_html(
            html, document, strip_active=self.strip_active_content, pdf_link=self.pdf_link, downloads=downloads
        )
        self.removed_content = removed
        if removed:
            self.log.warning(
                "%s: removed %d piece(s) of active content a producer let through: %s",
                document.title,
                len(removed),
                "; ".join(removed[:5]),
            )
        return html, resources


def _finish_html(
    html: str, document: Document, strip_active: bool, pdf_link: str = "", downloads: Downloads | None = None
) -> tuple[str, list[str]]:
    """Sanitise the body, add the contents and the title's heading role, tidy tables and images, typeset the text.

    Added after the sanitiser, so only by the exporter: the link to the PDF (``pdf_link``), the marks of where the
    appendix starts a new page and of the tables short enough to stay on one page in print. With ``downloads``, the
    open-data files are linked under each figure and table and in a section of their own
    (:func:`~..opendata.add_download_links`; our own file names).
    """
    html, removed = sanitize_body(html) if strip_active else (html, [])
    soup = BeautifulSoup(html, features="html.parser")
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    title = soup.select_one("section.mpsc-title-page")
    if title is not None:
        for paragraph in title.select("p.mpsc-title"):
            paragraph["role"] = "heading"
            paragraph["aria-level"] = "1"
    fill_lists(soup, document)
    add_data_appendix(soup, document)
    if downloads is not None:
        add_download_links(soup, document, downloads)
    toc = build_toc(soup, document) if document.layout != "factsheet" else None
    if toc is not None and title is not None:
        title.insert_after(toc)
    elif toc is not None:
        (soup.select_one("main") or soup.body or soup).insert(0, toc)
    _align_numeric_headers(soup)
    for figure in soup.select("figure.mpsc-figure"):
        figure["tabindex"] = "0"  # it scrolls sideways on a phone (see the stylesheet): keyboard users can scroll it
    _mark_appendix(soup, document)
    _mark_short_tables(soup)
    for image in soup.find_all("img", alt=_NBCONVERT_ALT):
        image["alt"] = t("export.no_alt", document.language)
    typeset(soup, document.language)
    if pdf_link:
        _add_pdf_link(soup, document, pdf_link)
    return str(soup), removed


#: How a chapter of the appendix begins (it starts a new page in print).
_APPENDIX_PREFIXES = ("Anhang", "Appendix")

#: A file name the page may link to: the PDF built beside it (no folder, no scheme).
_PDF_NAME = re.compile(r"[\w.-]+\.pdf")


def _mark_appendix(soup: BeautifulSoup, document: Document) -> None:
    """Class ``mpsc-appendix-start`` on the headings that open the appendix and the colophon (new page in print)."""
    for heading in soup.select(".jp-MarkdownCell h2, h2.mpsc-appendix-title"):
        if " ".join(heading.get_text().split()).startswith(_APPENDIX_PREFIXES):
            heading["class"] = [*heading.get("class", []), "mpsc-appendix-start"]
    colophon = soup.select_one("section.mpsc-colophon")
    heading = colophon.find_previous("h2") if colophon is not None else None
    if heading is not None and "mpsc-appendix-title" not in heading.get("class", []):
        heading["class"] = [*heading.get("class", []), "mpsc-appendix-start"]


#: A table of at most this many rows is kept on one page in print; a longer one may run over pages.
_SHORT_TABLE_ROWS = 12


def _mark_short_tables(soup: BeautifulSoup) -> None:
    """Class ``mpsc-table-short`` on tables of at most :data:`_SHORT_TABLE_ROWS` rows: kept on one page in print."""
    for table in soup.select("table.mpsc-table"):
        if len(table.select("tbody > tr")) <= _SHORT_TABLE_ROWS:
            table["class"] = [*table.get("class", []), "mpsc-table-short"]


def _add_pdf_link(soup: BeautifulSoup, document: Document, pdf_link: str) -> None:
    """A link "Als PDF lesen" to the PDF beside the page, under the title (screen only)."""
    if not _PDF_NAME.fullmatch(pdf_link):
        raise ExportError(f"{document.title}: pdf_link must be a file name ending in .pdf, got {pdf_link!r}")
    link = soup.new_tag("a", attrs={"href": pdf_link, "class": "mpsc-pdf-link", "type": "application/pdf"})
    link.string = t("export.pdf_link", document.language)
    paragraph = soup.new_tag("p", attrs={"class": "mpsc-pdf-download mpsc-screen-only"})
    paragraph.append(link)
    anchor = soup.select_one("section.mpsc-title-page, .mpsc-factsheet-header")
    if anchor is not None:
        anchor.insert_after(paragraph)
    else:
        (soup.select_one("main") or soup.body or soup).insert(0, paragraph)


def _align_numeric_headers(soup: BeautifulSoup) -> None:
    """Right-align a column header when every body cell below it is a number (``.mpsc-num``)."""
    for table in soup.select("table.mpsc-table"):
        header = table.select_one("thead tr")
        rows = [row.find_all(["th", "td"], recursive=False) for row in table.select("tbody tr")]
        if header is None or not rows or table.select("[colspan], [rowspan]"):
            continue
        for index, cell in enumerate(header.find_all(["th", "td"], recursive=False)):
            if all(len(row) > index and "mpsc-num" in row[index].get("class", []) for row in rows):
                cell["class"] = [*cell.get("class", []), "mpsc-num"]


def export_html(nb: nbformat.NotebookNode, downloads: Downloads | None = None) -> str:
    """Export an executed report notebook to a self-contained HTML publication.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (it is not modified).
    downloads : Downloads, optional
        The open-data files built beside it, to link (none by default).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    ExportError
        The notebook holds an error output, or the template fails.
    EnvironmentProblem
        The Open Sans font files are missing.
    """
    html, _ = ReportHTMLExporter().from_notebook_node(nb, {DOWNLOADS_RESOURCE: downloads})
    return html
