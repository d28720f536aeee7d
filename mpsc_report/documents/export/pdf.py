"""The PDF: the publication HTML printed by the system Chromium, with page numbers, bookmarks, document info."""

from __future__ import annotations

import asyncio
import contextlib
import html as html_lib
import io
import os
import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import WebPDFExporter
from traitlets import Bool, Dict, Float, Int, List, Unicode, default

from ...analysis.words import t
from ...errors import EnvironmentProblem, ExportError
from ..contract import Document
from ..layout import LayoutFailed, PrintedDocument, check_layout, table_row_pages
from ..layout import describe as describe_layout
from ..opendata import Downloads
from ..provenance import document_metadata
from .contents import (
    NOT_PRINTED,
    fill_toc_pages,
    heading_pages,
    link_pages,
    link_texts,
    replace_pages,
    split_continued_tables,
    toc_entries,
)
from .html import AUTHOR, DOWNLOADS_RESOURCE, ReportHTMLExporter, document_of, wave_label
from .printer import CHROMIUM_ARGS, ChromiumPrinter, LoadedDocument, open_printer, run_print
from .tagging import DocumentInfo, finish_pdf
from .typography import drop_unbroken_soft_hyphens, hyphenate_print

#: Page margins; the running header and footer live inside the top and bottom margins.
_PDF_MARGIN = {"top": "22mm", "bottom": "20mm", "left": "20mm", "right": "20mm"}

#: Inline style of header and footer: they are separate documents without the page's CSS, and
#: Chromium's default font size there is tiny.
_MARGIN_BOX_STYLE = (
    "box-sizing:border-box;width:100%;padding:0 20mm;font-family:'Open Sans',sans-serif;"
    "font-size:8pt;line-height:1.3;color:#58626f;-webkit-print-color-adjust:exact;"
)

#: Page number of the first render, as wide as a two-digit number.
_PAGE_PLACEHOLDER = "00"

#: The title page's class: a document with one gets a cover without running header and page number.
_COVER_MARK = 'class="mpsc-title-page'

#: Elements holding the contents' page numbers, and the attribute naming each one's heading.
_PAGE_SLOT, _PAGE_SLOT_TARGET = "span.mpsc-toc-page", "data-target"


class ReportPDFExporter(ReportHTMLExporter, WebPDFExporter):
    """Tagged A4 PDF of the publication HTML, printed by the system Chromium, JavaScript off.

    Running header (title · wave), footer (page x of n; the sample-data notice on every page),
    bookmarks from the headings, page numbers in the table of contents. Registered for
    ``jupyter nbconvert --to mpsc_pdf``.
    """

    export_from_notebook = "MPSC report (PDF)"

    chromium_path = Unicode(
        help="Chromium binary (default: MPSC_CHROMIUM, else `chromium-headless-shell` on PATH, else `chromium` "
        "on PATH, else /usr/bin/chromium). The headless shell prints the same pages with about 40 % less memory."
    ).tag(config=True)

    export_timeout = Float(120.0, help="Seconds the whole PDF export may take (all renders).").tag(config=True)

    load_timeout = Float(30.0, help="Seconds Chromium may take to start, and the document to load.").tag(config=True)

    max_table_splits = Int(
        16,
        help="Page breaks inside tables that are split, one per render (each rest starts the next page with its "
        "caption and '(Fortsetzung)'); a table still running over after them is printed as it is.",
    ).tag(config=True)

    max_renders = Int(
        3,
        help="Full renders allowed for the contents' page numbers to settle when its pages cannot simply be "
        "printed again with the numbers filled in (first: placeholders).",
    ).tag(config=True)

    layout_gate = Bool(
        True,
        help="Check the printed PDF with the layout gate (documents/layout.py: page fill before the appendix, "
        "headings alone at a page's foot, figures and tables apart from their captions) and fail on a problem.",
    ).tag(config=True)

    layout_problems = List(help="What the layout gate found in the last export (read only).")

    blocked_requests = List(Unicode(), help="URLs Chromium tried to load during the last export (read only).")

    toc_pages = Dict(help="Heading id -> page number in the last export's contents (read only).")

    renders = Int(0, help="How often the last export printed the document, in full or in part (read only).")

    pages_printed = Int(0, help="Pages Chromium printed for the last export, all renders together (read only).")

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("chromium_path")
    def _chromium_path_default(self):
        found = shutil.which("chromium-headless-shell") or shutil.which("chromium")
        return os.environ.get("MPSC_CHROMIUM") or found or "/usr/bin/chromium"

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert a notebook to PDF; returns ``(pdf_bytes, resources)``."""
        html, resources = ReportHTMLExporter.from_notebook_node(self, nb, resources, **kw)
        document = document_of(resources)
        self.log.info("Building PDF of %s", document.title)
        return self.run_playwright(html, document), resources

    def run_playwright(self, html: str, document: Document | None = None) -> bytes:
        """Print ``html`` with the system Chromium and return the finished PDF.

        Parameters
        ----------
        html : str
            Publication HTML from :class:`ReportHTMLExporter`.
        document : Document, optional
            The notebook's contract (:func:`~mpsc_report.documents.contract.read_document`): title, wave,
            language and notice for header, footer and document information, provenance for the document
            information. Without it: "Bericht", German, no provenance.

        Returns
        -------
        bytes
            The PDF.

        Raises
        ------
        EnvironmentProblem
            Chromium or Playwright is missing or does not start.
        ExportError
            Printing failed or took longer than ``export_timeout``.
        """
        document = document or Document()
        executable = self._check_chromium()
        if self.allow_chromium_download:
            self.log.warning("allow_chromium_download is ignored; printing with %s", executable)
        self.blocked_requests, self.toc_pages, self.renders, self.pages_printed = [], {}, 0, 0
        self.layout_problems = []
        self._printed_html = hyphenate_print(html, document.language)
        pdf = run_print(self._print(self._printed_html, document, executable))
        if self.layout_gate:
            self.layout_problems = check_layout(pdf, self._printed_document(pdf, self._printed_html, document))
            if self.layout_problems:
                raise LayoutFailed(describe_layout(self.layout_problems, document.title))
        if self.blocked_requests:
            self.log.warning(
                "%s: blocked %d request(s) while printing: %s",
                document.title,
                len(self.blocked_requests),
                ", ".join(self.blocked_requests[:5]),
            )
        return pdf

    def _printed_document(self, pdf: bytes, html: str, document: Document) -> PrintedDocument:
        """What the layout gate needs besides the PDF: exempt pages, the appendix's first page, element names."""
        entries = toc_entries(html)
        exempt = set(link_pages(pdf, {target for target, _ in entries})) if entries else set()
        if _COVER_MARK in html:
            exempt.add(1)
        appendix = [
            self.toc_pages[target]
            for target, text in entries
            if text.startswith(_APPENDIX_PREFIXES) and target in self.toc_pages
        ]
        return PrintedDocument(
            title=document.title,
            exempt_pages=frozenset(exempt),
            appendix_page=min(appendix, default=None),
            **printed_names(html),
        )

    def _check_chromium(self) -> str:
        path = self.chromium_path
        if not (path and Path(path).is_file() and os.access(path, os.X_OK)):
            raise EnvironmentProblem(
                f"Chromium not found at {path or '(no path)'}; install the Debian package: "
                "apt-get install chromium-headless-shell (or set MPSC_CHROMIUM to the browser's path)."
            )
        return path

    def _browser_args(self) -> list[str]:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        sandbox = ["--no-sandbox"] if as_root or self.disable_sandbox else []
        return [*sandbox, *CHROMIUM_ARGS, *self.browser_args]

    async def _print(self, html: str, document: Document, executable: str) -> bytes:
        from playwright.async_api import Error as PlaywrightError  # noqa: PLC0415

        try:
            async with asyncio.timeout(self.export_timeout):
                args = self._browser_args()
                async with open_printer(executable, args, self.load_timeout) as printer:
                    return await self._print_with_page_numbers(printer, html, document)
        except TimeoutError as exc:
            raise ExportError(
                f"{document.title}: the PDF export took longer than {self.export_timeout:g} s and was "
                "stopped (raise ReportPDFExporter.export_timeout if the report is just very long)."
            ) from exc
        except PlaywrightError as exc:
            first_line = (str(exc.message).strip().splitlines() or ["unknown error"])[0]
            message = f"{document.title}: Chromium could not print the report: {first_line}"
            raise ExportError(message) from exc

    async def _print_with_page_numbers(self, printer: ChromiumPrinter, html: str, document: Document) -> bytes:
        """Print once, read where each heading landed, print the contents' pages again with their numbers.

        A table that runs over a page is split there first and the document printed again (the rest starts the
        next page with "(Fortsetzung)"); the split table is put into the loaded page in place of the old one, so
        the page is not loaded again. The cover is printed again without running header and footer. The
        contents' pages of the second print replace those of the first (same marks, same lines: the
        placeholders are as wide as the numbers). Where they do not fit, the whole document is printed again
        with the numbers until they are stable.
        """
        options = {
            "format": "A4",
            "margin": _PDF_MARGIN,
            "print_background": True,
            "display_header_footer": True,
            "header_template": _header_template(document),
            "footer_template": _footer_template(document),
            "outline": True,
            "tagged": True,
            "prefer_css_page_size": False,
        }
        entries = toc_entries(html)
        has_cover = _COVER_MARK in html
        pages: dict[str, Any] = {target: _PAGE_PLACEHOLDER for target, _ in entries}
        splits_left = max(self.max_table_splits, 0)
        while True:
            async with printer.open_document(fill_toc_pages(html, pages)) as loaded:
                first = await self._render(loaded, options)
                reload = False
                while splits_left > 0:  # a table running over a page is split there, and printed again
                    rows = table_row_pages(first)
                    marked, splits = html, 0
                    if any(_runs_over(row_pages) for row_pages in rows):  # else nothing to split: no HTML parse
                        marked, splits = split_continued_tables(html, rows, document.language)
                    if not splits:
                        break
                    splits_left -= 1
                    patched = await _patch_table(loaded, html, marked, pages)
                    html = marked
                    if not patched:  # the page could not be changed in place: load the new HTML
                        reload = True
                        break
                    first = await self._render(loaded, options)
                if reload:
                    continue
                self._printed_html = html
                cover = await self._render_cover(loaded, options) if has_cover else None
                if not entries:
                    return _finished(first, document, html, cover=cover)
                pages = heading_pages(first, entries, document.title)
                contents = link_pages(first, set(pages))
                if contents and all(len(str(n)) <= len(_PAGE_PLACEHOLDER) for n in pages.values()):
                    await loaded.set_texts(_PAGE_SLOT, _PAGE_SLOT_TARGET, {k: str(n) for k, n in pages.items()})
                    again = await self._render(loaded, {**options, "page_ranges": ", ".join(map(str, contents))})
                    finished = _finished(first, document, html, replacements=again, replaced=contents, cover=cover)
                    if finished is not None:
                        self.toc_pages = pages
                        return finished
            break
        for _ in range(max(self.max_renders, 1)):
            async with printer.open_document(fill_toc_pages(html, pages)) as loaded:
                pdf = await self._render(loaded, options)
                found = heading_pages(pdf, entries, document.title)
                if found == pages:  # the numbers printed are the pages the headings are on
                    cover = await self._render_cover(loaded, options) if has_cover else None
                    self.toc_pages = found
                    return _finished(pdf, document, html, cover=cover)
            pages = found
        raise ExportError(
            f"{document.title}: the contents' page numbers did not settle after {self.renders} "
            f"renders (last: {pages}); look for content whose height depends on them."
        )

    async def _render_cover(self, loaded: LoadedDocument, options: dict[str, Any]) -> bytes:
        """The title page printed again without running header and footer (it replaces page 1)."""
        return await self._render(loaded, {**options, "display_header_footer": False, "page_ranges": "1"})

    async def _render(self, loaded: LoadedDocument, options: dict[str, Any]) -> bytes:
        result = await loaded.print_pdf(**options)
        self.renders += 1
        self.pages_printed += _page_count(result.pdf)
        self.blocked_requests = list(result.blocked)
        return result.pdf


async def _patch_table(loaded: LoadedDocument, before: str, after: str, pages: dict[str, Any]) -> bool:
    """Put the table :func:`~.contents.split_continued_tables` changed into the loaded page, without a new load.

    ``before`` is the HTML the page was loaded from (contents' numbers aside), ``after`` the same with one table
    changed: everything before that table is the same text. The new table replaces the page's table of the same
    place among its tables when the page has as many tables and that one has the same caption; else ``False`` (the
    caller loads ``after``). Loading the 2023 report took about 0.5 s of every print after a split.
    """
    start = _first_difference(before, after)
    begin = after.rfind("<table", 0, start + 1)
    end = after.find("</table>", start)
    count = before.count("<table")
    if begin < 0 or end < 0 or not before.startswith("<table", begin) or after.count("<table") != count:
        return False
    if "<table" in after[begin + 1 : end]:  # a table inside the table: not what a split changes
        return False
    end += len("</table>")
    caption = _caption_text(after[begin:end])
    return await loaded.replace_element(
        "table",
        after.count("<table", 0, begin),
        count,
        fill_toc_pages(after[begin:end], pages),
        lambda current: caption is not None and _caption_text(current) == caption,
    )


def _first_difference(before: str, after: str) -> int:
    """Index of the first character where two texts differ (the shorter one's length when one starts the other)."""
    low, high = 0, min(len(before), len(after))
    while low < high:  # the longest common prefix is before[:low]
        middle = (low + high + 1) // 2
        if before[:middle] == after[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _caption_text(table: str) -> str | None:
    """The text of the caption in a table's markup as BeautifulSoup or Chromium writes it (entities read)."""
    found = _CAPTION.search(table)
    if found is None:
        return None
    return " ".join(html_lib.unescape(_TAG.sub("", found.group(1))).split())


def _runs_over(pages: list[int]) -> bool:
    """Whether a table's rows (head first, as :func:`~..layout.table_row_pages` gives them) reach a later page.

    A break :func:`~.contents.split_continued_tables` can mark needs a row on a later page than the first body row.
    """
    return len(pages) > 1 and max(pages[1:]) > pages[1]


#: How an appendix heading begins; the pages from the first one on are not checked for fill.
_APPENDIX_PREFIXES = ("Anhang", "Appendix", "Impressum", "Imprint")


def printed_names(html: str) -> dict[str, list[str]]:
    """Texts of the printed headings, figure captions and table captions, in order (names for the layout gate)."""
    soup = BeautifulSoup(html, features="html.parser")
    for hidden in soup.select(NOT_PRINTED):
        hidden.decompose()

    def text(tag) -> str:
        return " ".join(tag.get_text().replace("\u00ad", "").split())

    return {
        "headings": [text(tag) for tag in soup.select("h1, h2, h3, h4, h5, h6, [role=heading]")],
        "captions": [text(tag) for tag in soup.select("figure.mpsc-figure figcaption")],
        "table_captions": [text(tag) for tag in soup.select("table caption")],
    }


def _running_head(document: Document) -> str:
    """``"<title> · Welle <wave>"`` (plain text) for the page header."""
    return " · ".join(part for part in (document.title, wave_label(document)) if part)


def _header_template(document: Document) -> str:
    # Chromium inserts the template as markup: every text in it is escaped.
    return (
        f'<div style="{_MARGIN_BOX_STYLE}padding-top:9mm;">'
        # A long name (a cooperation's) wraps to a second line inside the margin instead of being cut.
        '<div style="padding-bottom:1.5mm;border-bottom:0.5pt solid #cdd2d9;overflow-wrap:break-word;">'
        f"{html_lib.escape(_running_head(document))}</div></div>"
    )


def _footer_template(document: Document) -> str:
    notice = html_lib.escape(document.notice)
    page = html_lib.escape(t("export.page", document.language))
    of = html_lib.escape(t("export.of", document.language))
    return (
        f'<div style="{_MARGIN_BOX_STYLE}display:flex;justify-content:space-between;'
        'align-items:baseline;gap:8mm;padding-bottom:8mm;">'
        f'<span style="color:#8f1d1d;font-weight:600;">{notice}</span>'
        f'<span style="white-space:nowrap;">{page} <span class="pageNumber"></span> {of} '
        '<span class="totalPages"></span></span></div>'
    )


def _finished(
    pdf: bytes,
    document: Document,
    html: str,
    replacements: bytes | None = None,
    replaced: Sequence[int] = (),
    cover: bytes | None = None,
) -> bytes | None:
    """The printed PDF made PDF/UA (:func:`.tagging.finish_pdf`), ``replaced`` pages first drawn as ``replacements``.

    ``cover`` is page 1 printed without running header and footer; it replaces page 1 when its tagged content is
    the same (else page 1 keeps them). Returns None when a replacement page does not fit the page it would replace.
    """
    import pikepdf  # noqa: PLC0415

    info = DocumentInfo(
        title=document.title,
        author=AUTHOR,
        language=document.language,
        subject=wave_label(document),
        keywords=document_metadata(document).get("keywords", ""),
        extra={
            "MPSC" + name.removeprefix("mpsc:").title().replace("-", ""): value
            for name, value in document_metadata(document).items()
            if name != "keywords"
        },
        headings=(document.title, t("export.contents", document.language), *(text for _, text in toc_entries(html))),
        link_texts=link_texts(html),
    )
    with contextlib.ExitStack() as stack:
        doc = stack.enter_context(pikepdf.open(io.BytesIO(pdf)))
        if replacements is not None:
            new = stack.enter_context(pikepdf.open(io.BytesIO(replacements)))
            if not replace_pages(doc, new, list(replaced)):
                return None
        if cover is not None:
            plain = stack.enter_context(pikepdf.open(io.BytesIO(cover)))
            replace_pages(doc, plain, [1], True)  # tagged content only: the header and footer differ
        drop_unbroken_soft_hyphens(doc)  # words stay whole for text extraction (see typography)
        return finish_pdf(doc, info)


def _page_count(pdf: bytes) -> int:
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def export_html_and_pdf(
    nb: nbformat.NotebookNode, pdf_link: str = "", downloads: Downloads | None = None
) -> tuple[str, bytes]:
    """Export a report notebook to HTML and PDF, converting it to HTML only once.

    The PDF is printed from the HTML returned, so the two documents cannot drift apart; the print only adds soft
    hyphens in table cells (:func:`.typography.hyphenate_print`) and hides what is for the screen (the PDF link).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (it is not modified).
    pdf_link : str
        File name the PDF is written to beside the HTML; the HTML links to it (screen only). Empty: no link.
    downloads : Downloads, optional
        The open-data files built beside it, to link and name (none by default).

    Returns
    -------
    tuple of (str, bytes)
        The HTML document and the PDF.
    """
    with _reused_exporter() as exporter:
        exporter.pdf_link = pdf_link
        exporter.chromium_path = exporter._chromium_path_default()  # looked up again, as a new exporter would
        html, resources = ReportHTMLExporter.from_notebook_node(exporter, nb, {DOWNLOADS_RESOURCE: downloads})
        return html, exporter.run_playwright(html, document_of(resources))


#: The exporter :func:`export_html_and_pdf` reuses in this process: its Jinja environment compiles the templates once.
#: A new exporter per document compiled them every time: 0.22 -> 0.10 s for a factsheet's HTML, 1.5 -> 1.0 s for
#: the 2023 report's (same bytes).
_EXPORTER: ReportPDFExporter | None = None
_EXPORTER_LOCK = threading.Lock()


@contextlib.contextmanager
def _reused_exporter():
    """The reusable exporter of this process; a fresh one when another thread is using it (e.g. the preview's)."""
    global _EXPORTER
    if not _EXPORTER_LOCK.acquire(blocking=False):
        yield ReportPDFExporter()
        return
    try:
        if _EXPORTER is None:
            _EXPORTER = ReportPDFExporter()
        yield _EXPORTER
    finally:
        _EXPORTER_LOCK.release()
