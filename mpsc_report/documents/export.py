"""Export executed report notebooks as a self-contained HTML publication and a tagged A4 PDF."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import functools
import html as html_lib
import io
import os
import re
import shutil
import threading
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter, WebPDFExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Dict, Float, Int, List, Unicode, default
from traitlets.config import Config

from ..data.schema import SAMPLE_NOTICE
from ..errors import EnvironmentProblem, ExportError
from .provenance import document_metadata

__all__ = [
    "ChromiumPrinter",
    "PrintResult",
    "PrinterSession",
    "ReportHTMLExporter",
    "ReportMeta",
    "ReportPDFExporter",
    "ReportPreprocessor",
    "close_printer_session",
    "export_html",
    "export_html_and_pdf",
    "export_pdf",
    "open_printer_session",
    "read_report_meta",
]

#: Name of the nbconvert template folder shipped in ``mpsc_report/templates``.
TEMPLATE_NAME = "mpsc_report"

#: The fake web origin the PDF is printed from. A web page cannot load ``file://`` URLs, and
#: nothing but this one document is served.
DOCUMENT_URL = "https://report.invalid/report.html"

#: Author written into the HTML ``<meta>`` and the PDF document information.
AUTHOR = "MPSC-Monitoring"

#: Words the exporters add themselves, per report language (German is the fallback).
_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "contents": "Inhalt",
        "wave": "Welle",
        "page": "Seite",
        "of": "von",
        "untitled": "Bericht",
        "no_alt": "Abbildung ohne Textbeschreibung",
        "appendix": "Anhang: Daten zu den Abbildungen",
        "appendix_intro": "Die Werte hinter jeder Abbildung dieses Berichts, als Tabelle.",
    },
    "en": {
        "contents": "Contents",
        "wave": "Wave",
        "page": "Page",
        "of": "of",
        "untitled": "Report",
        "no_alt": "Figure without a text description",
        "appendix": "Appendix: data for the figures",
        "appendix_intro": "The values behind every figure of this report, as tables.",
    },
}

#: The English alt text nbconvert gives every image that has none.
_NBCONVERT_ALT = "No description has been provided for this image"

#: Output types a publication may show; everything else (JavaScript, widgets, a plain-text
#: repr only) is left out.
_PUBLISHABLE = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")

#: Characters of the embedded font subset: Latin-1, Latin Extended-A, General Punctuation,
#: the euro sign and a few symbols.
_FONT_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x2000, 0x2070),
    *(0x0218, 0x0219, 0x021A, 0x021B, 0x02C6, 0x02C7, 0x02D8, 0x02D9, 0x02DA, 0x02DB, 0x02DC),
    *(0x02DD, 0x1E9E, 0x20AC, 0x2116, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2212, 0x2248),
    *(0x2260, 0x2264, 0x2265),
]

#: (file, CSS weight, CSS style, local() names tried first) per embedded face; bold (700)
#: falls back to the semibold face.
_FONT_FACES = (
    ("OpenSans-Regular.ttf", 400, "normal", ("Open Sans", "Open Sans Regular", "OpenSans")),
    ("OpenSans-Italic.ttf", 400, "italic", ("Open Sans Italic", "OpenSans-Italic")),
    ("OpenSans-Semibold.ttf", 600, "normal", ("Open Sans Semibold", "OpenSans-Semibold")),
)

#: Where Open Sans is looked for unless the ``font_dir`` trait or ``MPSC_FONT_DIR`` name a folder.
_FONT_DIRS = (
    "/usr/share/fonts/truetype/open-sans",
    "/usr/share/fonts/open-sans",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
)

#: Elements that load, run or redirect something; never part of a report.
_ACTIVE_ELEMENTS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "portal",
    "base",
    "form",
)
#: Elements that belong in the template's ``<head>`` only.
_HEAD_ONLY_ELEMENTS = ("meta", "link", "style", "title")
#: Attributes holding a URL.
_URL_ATTRIBUTES = (
    "src",
    "href",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "background",
    "data",
    "srcset",
    "ping",
    "lowsrc",
    "dynsrc",
    "longdesc",
    "manifest",
    "codebase",
    "archive",
    "cite",
    "usemap",
    "imagesrcset",
)
_DATA_IMAGE = re.compile(r"^\s*data:image/", re.IGNORECASE)
_CSS_FETCH = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

#: A markdown cell tagged ``lang-<code>`` is prose in that language; reports in another language leave it out.
LANGUAGE_TAG_PREFIX = "lang-"

#: Page layouts a title block can ask for (``metadata["mpsc_report"]["layout"]``): "report" (title page,
#: contents, chapters on new pages) or "factsheet" (compact header, no contents; see mpsc_report.documents.factsheet).
_LAYOUTS = ("report", "factsheet")


# ----------------------------------------------------------------------------------------------
# Report metadata


@dataclass(frozen=True)
class ReportMeta:
    """What the exporters need to know about a report: title, wave, language, sample-data notice.

    Read from the title-page output's ``metadata["mpsc_report"]`` (see :func:`read_report_meta`).
    """

    title: str = "Bericht"
    wave: str = ""
    language: str = "de"
    sample_data: bool = False
    notice: str = ""
    layout: str = "report"

    def label(self, key: str) -> str:
        """A word the exporter adds (``"contents"``, ``"page"`` …) in the report's language."""
        return _LABELS.get(self.language, _LABELS["de"])[key]

    @property
    def wave_label(self) -> str:
        """``"Welle 2023"``, or ``""`` when the wave is unknown."""
        return f"{self.label('wave')} {self.wave}" if self.wave else ""

    @property
    def running_head(self) -> str:
        """``"<title> · Welle <wave>"`` (plain text) for the PDF page header."""
        return " · ".join(part for part in (self.title, self.wave_label) if part)

    @classmethod
    def from_resources(cls, resources: dict[str, Any]) -> ReportMeta:
        """The metadata :class:`ReportPreprocessor` stored in nbconvert's ``resources``."""
        stored = resources.get("mpsc_report", {})
        return cls(**{key: stored[key] for key in cls.__dataclass_fields__ if key in stored})

    def as_resources(self) -> dict[str, Any]:
        """The metadata as a plain dict for the Jinja template (``resources.mpsc_report``)."""
        return {
            "title": self.title,
            "wave": self.wave,
            "wave_label": self.wave_label,
            "language": self.language,
            "sample_data": self.sample_data,
            "notice": self.notice,
            "author": AUTHOR,
            "layout": self.layout,
        }


def read_report_meta(nb: nbformat.NotebookNode) -> ReportMeta:
    """Find the title-page metadata of a report notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report notebook.

    Returns
    -------
    ReportMeta
        From the first output whose ``metadata["mpsc_report"]["role"]`` is ``"title-page"``;
        for a notebook without one: its ``metadata.title`` (or "Bericht"), no wave, no notice.
    """
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            found = output.get("metadata", {}).get("mpsc_report")
            if isinstance(found, dict) and found.get("role") == "title-page":
                return _meta_from_title_page(found)
    title = nb.get("metadata", {}).get("title")
    return ReportMeta(title=_text_or(title, "Bericht"))


def _meta_from_title_page(found: dict[str, Any]) -> ReportMeta:
    language = _text_or(found.get("language"), "de")
    language = language if _LANGUAGE.match(language) else "de"
    wave = found.get("wave")
    sample_data = found.get("sample_data") is True
    return ReportMeta(
        title=_text_or(found.get("title"), _LABELS.get(language, _LABELS["de"])["untitled"]),
        wave=_text_or(str(wave) if type(wave) is int else wave, ""),
        language=language,
        sample_data=sample_data,
        notice=_text_or(found.get("notice"), SAMPLE_NOTICE) if sample_data else "",
        layout=found.get("layout") if found.get("layout") in _LAYOUTS else "report",
    )


def _text_or(value: object, fallback: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else fallback


class ReportPreprocessor(Preprocessor):
    """Store the report metadata in ``resources`` and drop what a publication must not show.

    Dropped: empty cells, markdown cells tagged for another language (``lang-en`` in a German report),
    stream output (prints, warnings), JavaScript and widget output, and outputs with nothing but a
    plain-text repr. An error output stops the export: a report with a failed cell is not published.
    """

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict[str, Any]):
        """Clean the (already copied) notebook and record the metadata; see the class docstring."""
        meta = read_report_meta(nb)
        resources["mpsc_report"] = meta.as_resources()
        resources["mpsc_provenance"] = document_metadata(nb)  # <meta> tags; the PDF reads them back from the HTML
        dropped = 0
        kept_cells = []
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "code":
                outputs = [_publishable_output(o, number, meta) for o in cell.get("outputs", [])]
                cell.outputs = [out for out in outputs if out is not None]
                dropped += len(outputs) - len(cell.outputs)
                if not cell.outputs:
                    continue
            elif cell.cell_type == "markdown" and (not cell.source.strip() or not _in_language(cell, meta.language)):
                continue
            kept_cells.append(cell)
        nb.cells = kept_cells
        if dropped:
            self.log.warning(
                "%s: left out %d output(s) that are not report content (prints, scripts, reprs).",
                meta.title,
                dropped,
            )
        return nb, resources


def _in_language(cell: nbformat.NotebookNode, language: str) -> bool:
    """Whether a cell belongs in a report in ``language``: untagged cells belong in every one."""
    tags = [tag for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith(LANGUAGE_TAG_PREFIX)]
    return not tags or f"{LANGUAGE_TAG_PREFIX}{language}" in tags


def _publishable_output(output: nbformat.NotebookNode, number: int, meta: ReportMeta):
    kind = output.get("output_type")
    if kind == "error":
        raise ExportError(
            f"{meta.title}: cell {number} holds an error ({output.get('ename')}: "
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


# ----------------------------------------------------------------------------------------------
# Fonts


def _find_font_dir(configured: str) -> Path:
    candidates = [configured] if configured else [os.environ.get("MPSC_FONT_DIR", ""), *_FONT_DIRS]
    for candidate in filter(None, candidates):
        folder = Path(candidate).expanduser()
        if all((folder / name).is_file() for name, *_ in _FONT_FACES):
            return folder
    files = ", ".join(name for name, *_ in _FONT_FACES)
    looked = ", ".join(str(Path(c).expanduser()) for c in candidates if c)
    raise EnvironmentProblem(
        f"Open Sans ({files}) not found in {looked}; install the Debian package: "
        "apt-get install fonts-open-sans (or set MPSC_FONT_DIR to the folder holding them)."
    )


@functools.cache
def _font_face_css(font_dir: Path) -> str:
    """``@font-face`` rules embedding a Latin subset of Open Sans as WOFF (once per process)."""
    from fontTools import subset  # noqa: PLC0415  (needed once per process)

    rules = []
    for name, weight, style, local_names in _FONT_FACES:
        options = subset.Options()
        options.flavor = "woff"
        options.hinting = False
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        font = subset.load_font(str(font_dir / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_FONT_UNICODES)
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        local = ", ".join(f'local("{n}")' for n in local_names)
        rules.append(
            "@font-face {\n"
            f'  font-family: "Open Sans";\n  font-style: {style};\n  font-weight: {weight};\n'
            "  font-display: swap;\n"
            f'  src: {local}, url(data:font/woff;base64,{data}) format("woff");\n}}'
        )
    return "\n".join(rules)


# ----------------------------------------------------------------------------------------------
# HTML


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
        help="Remove scripts, frames, event handlers and non-data: URLs from the finished HTML. "
        "Producers escape free text; this is the safety net. Removals are listed in "
        "``removed_content`` and logged.",
    ).tag(config=True)

    removed_content = List(Unicode(), help="What the last export removed (read only).")

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
        resources["mpsc_font_css"] = _font_face_css(_find_font_dir(self.font_dir))
        return resources

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert a notebook to the publication HTML; returns ``(html, resources)``."""
        try:
            html, resources = HTMLExporter.from_notebook_node(self, nb, resources, **kw)
        except jinja2.TemplateError as exc:
            title = read_report_meta(nb).title
            raise ExportError(f"{title}: the HTML template failed: {exc}") from exc
        meta = ReportMeta.from_resources(resources)
        html, removed = _finish_html(html, meta, strip_active=self.strip_active_content)
        self.removed_content = removed
        if removed:
            self.log.warning(
                "%s: removed %d piece(s) of active content a producer let through: %s",
                meta.title,
                len(removed),
                "; ".join(removed[:5]),
            )
        return html, resources


def _finish_html(html: str, meta: ReportMeta, strip_active: bool) -> tuple[str, list[str]]:
    """Strip active content, add the contents and the title's heading role, tidy tables/images."""
    soup = BeautifulSoup(html, features="html.parser")
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    removed = _strip_active_content(soup) if strip_active else []
    title = soup.select_one("section.mpsc-title-page")
    if title is not None:
        for paragraph in title.select("p.mpsc-title"):
            paragraph["role"] = "heading"
            paragraph["aria-level"] = "1"
    _add_data_appendix(soup, meta)
    toc = _build_toc(soup, meta) if meta.layout != "factsheet" else None
    if toc is not None and title is not None:
        title.insert_after(toc)
    elif toc is not None:
        (soup.select_one("main") or soup.body or soup).insert(0, toc)
    _align_numeric_headers(soup)
    for image in soup.find_all("img", alt=_NBCONVERT_ALT):
        image["alt"] = meta.label("no_alt")
    return str(soup), removed


def _build_toc(soup: BeautifulSoup, meta: ReportMeta):
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
    nav_title.string = meta.label("contents")
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


def _add_data_appendix(soup: BeautifulSoup, meta: ReportMeta) -> None:
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
    title.string = meta.label("appendix")
    intro = soup.new_tag("p")
    intro.string = meta.label("appendix_intro")
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


def _strip_active_content(soup: BeautifulSoup) -> list[str]:
    """Remove what could run code, load a URL or redirect; describe each removal."""
    removed = []
    for tag in soup.find_all(_ACTIVE_ELEMENTS):
        removed.append(f"<{tag.name}>")
        tag.decompose()
    for tag in soup.body.find_all(_HEAD_ONLY_ELEMENTS) if soup.body is not None else []:
        if tag.name == "title" and tag.find_parent("svg") is not None:
            continue
        removed.append(f"<{tag.name}> in the body")
        tag.decompose()
    for tag in soup.find_all(True):
        for attribute in list(tag.attrs):
            value = tag.attrs[attribute]
            value = " ".join(value) if isinstance(value, list) else str(value)
            name = attribute.lower()
            if name.startswith("on"):
                removed.append(f"{name} on <{tag.name}>")
            elif name in _URL_ATTRIBUTES and not _allowed_url(tag.name, name, value):
                removed.append(f"{name}={value[:60]!r} on <{tag.name}>")
            elif name == "style" and _CSS_FETCH.search(value):
                removed.append(f"style with a URL on <{tag.name}>")
            else:
                continue
            del tag.attrs[attribute]
    return removed


def _allowed_url(element: str, attribute: str, value: str) -> bool:
    if attribute == "href" and element == "a":
        return value.startswith("#")
    return attribute == "src" and element in ("img", "source") and bool(_DATA_IMAGE.match(value))


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


# ----------------------------------------------------------------------------------------------
# PDF

#: Chromium flags besides headless mode: no GPU, no background traffic, updates or first-run UI.
_CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)

#: Page margins; the running header and footer live inside the top and bottom margins.
_PDF_MARGIN = {"top": "22mm", "bottom": "20mm", "left": "20mm", "right": "20mm"}

#: Inline style of header and footer: they are separate documents without the page's CSS, and
#: Chromium's default font size there is tiny.
_MARGIN_BOX_STYLE = (
    "box-sizing:border-box;width:100%;padding:0 20mm;font-family:'Open Sans',sans-serif;"
    "font-size:8pt;line-height:1.3;color:#58626f;-webkit-print-color-adjust:exact;"
)

#: A contents entry as ``_build_toc`` writes it: text, target id, page-number slot.
_TOC_SLOT = re.compile(
    r'(<span class="mpsc-toc-text">)([^<]*)'
    r'(</span><span class="mpsc-toc-page" data-target=")([^"]*)(">)([^<]*)(</span>)'
)

#: Page number of the first render, as wide as a two-digit number.
_PAGE_PLACEHOLDER = "00"

#: Chromium's console message when a page asks for a local file.
_LOCAL_RESOURCE_REFUSED = "Not allowed to load local resource:"


@dataclass(frozen=True)
class PrintResult:
    """One printed document: the PDF and every request Chromium tried beyond the document."""

    pdf: bytes
    blocked: tuple[str, ...]


class ChromiumPrinter:
    """A headless system Chromium, locked down, that prints HTML documents to PDF.

    JavaScript is off; each document gets a fresh browser context and is served as
    :data:`DOCUMENT_URL`; every other request is aborted and recorded. One printer can print
    many documents::

        async with ChromiumPrinter("/usr/bin/chromium", args) as printer:
            result = await printer.print_pdf(html, format="A4")

    Parameters
    ----------
    executable : str
        Path of the Chromium binary.
    args : sequence of str
        Command-line flags.
    load_timeout : float
        Seconds Chromium may take to start, and a document to load.
    """

    def __init__(self, executable: str, args=(), load_timeout: float = 30.0):
        self.executable = executable
        self.args = list(args)
        self.load_timeout = load_timeout
        self._playwright = None
        self._browser = None

    async def __aenter__(self) -> ChromiumPrinter:
        try:
            from playwright.async_api import async_playwright  # noqa: PLC0415  (PDF only)
        except ModuleNotFoundError as exc:
            raise EnvironmentProblem(
                "Playwright is not installed; install the dependencies (nbconvert[webpdf])."
            ) from exc
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable,
                headless=True,
                args=self.args,
                timeout=self.load_timeout * 1000,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except BaseException as exc:
            await self.close()
            if not isinstance(exc, Exception):  # cancelled by the export timeout, or interrupted
                raise
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EnvironmentProblem(
                f"Chromium at {self.executable} could not be started ({first_line}); "
                "install or repair the Debian package: apt-get install chromium"
            ) from exc
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the browser and stop Playwright (also after a timeout or an error)."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                await asyncio.wait_for(browser.close(), 15)
        finally:
            if playwright is not None:
                await asyncio.wait_for(playwright.stop(), 15)

    async def print_pdf(self, html: str, **pdf_options: Any) -> PrintResult:
        """Print one HTML document; ``pdf_options`` go to Playwright's ``page.pdf``.

        Returns
        -------
        PrintResult
            The PDF and the URLs of all blocked requests (in order, without repeats).
        """
        if self._browser is None:
            raise RuntimeError("ChromiumPrinter is not open; use it as an async context manager")
        body = html.encode("utf-8")
        blocked: list[str] = []
        seen = {"route": False, "request": False}

        def is_document(request, event: str) -> bool:
            # Exactly one request is the document: the first main-frame navigation to it.
            first = (
                not seen[event]
                and request.url == DOCUMENT_URL
                and request.is_navigation_request()
                and request.frame.parent_frame is None
            )
            seen[event] = seen[event] or first
            return first

        async def route(route) -> None:
            if is_document(route.request, "route"):
                await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
            else:
                await route.abort("blockedbyclient")

        def on_request(request) -> None:
            # Also fires for requests the page's Content-Security-Policy stops before route().
            if not is_document(request, "request"):
                blocked.append(request.url)

        def on_console(message) -> None:
            if message.text.startswith(_LOCAL_RESOURCE_REFUSED):
                blocked.append(message.text[len(_LOCAL_RESOURCE_REFUSED) :].strip())

        context = await self._browser.new_context(
            java_script_enabled=False, service_workers="block", accept_downloads=False
        )
        try:
            page = await context.new_page()
            page.on("request", on_request)
            page.on("console", on_console)
            await page.route("**/*", route)
            await page.goto(DOCUMENT_URL, wait_until="load", timeout=self.load_timeout * 1000)
            pdf = await page.pdf(**pdf_options)
        finally:
            await context.close()
        urls = (url for url in blocked if not url.startswith("data:"))
        return PrintResult(pdf=pdf, blocked=tuple(dict.fromkeys(urls)))


class ReportPDFExporter(ReportHTMLExporter, WebPDFExporter):
    """Tagged A4 PDF of the publication HTML, printed by the system Chromium, JavaScript off.

    Running header (title · wave), footer (page x of n; the sample-data notice on every page),
    bookmarks from the headings, page numbers in the table of contents. Registered for
    ``jupyter nbconvert --to mpsc_pdf``.
    """

    export_from_notebook = "MPSC report (PDF)"

    chromium_path = Unicode(
        help="Chromium binary (default: MPSC_CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium)."
    ).tag(config=True)

    export_timeout = Float(120.0, help="Seconds the whole PDF export may take (all renders).").tag(config=True)

    load_timeout = Float(30.0, help="Seconds Chromium may take to start, and the document to load.").tag(config=True)

    max_renders = Int(3, help="Renders allowed for the contents' page numbers to settle (first: placeholders).").tag(
        config=True
    )

    blocked_requests = List(Unicode(), help="URLs Chromium tried to load during the last export (read only).")

    toc_pages = Dict(help="Heading id -> page number in the last export's contents (read only).")

    renders = Int(0, help="How often the last export printed the document (read only).")

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("chromium_path")
    def _chromium_path_default(self):
        return os.environ.get("MPSC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert a notebook to PDF; returns ``(pdf_bytes, resources)``."""
        html, resources = ReportHTMLExporter.from_notebook_node(self, nb, resources, **kw)
        meta = ReportMeta.from_resources(resources)
        self.log.info("Building PDF of %s", meta.title)
        return self.run_playwright(html, meta), resources

    def run_playwright(self, html: str, meta: ReportMeta | None = None) -> bytes:
        """Print ``html`` with the system Chromium and return the finished PDF.

        Parameters
        ----------
        html : str
            Publication HTML from :class:`ReportHTMLExporter`.
        meta : ReportMeta, optional
            Title, wave, language and notice for header, footer and document information;
            without it, the ``<title>`` and ``lang`` of the HTML are used.

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
        meta = meta or _meta_from_html(html)
        executable = self._check_chromium()
        if self.allow_chromium_download:
            self.log.warning("allow_chromium_download is ignored; printing with %s", executable)
        self.blocked_requests, self.toc_pages, self.renders = [], {}, 0
        pdf = _run_print(self._print(html, meta, executable))
        if self.blocked_requests:
            self.log.warning(
                "%s: blocked %d request(s) while printing: %s",
                meta.title,
                len(self.blocked_requests),
                ", ".join(self.blocked_requests[:5]),
            )
        headings = [meta.title, meta.label("contents"), *(text for _, text in _toc_entries(html))]
        return _with_document_info(pdf, meta, headings, self.log, _provenance_from_html(html))

    def _check_chromium(self) -> str:
        path = self.chromium_path
        if not (path and Path(path).is_file() and os.access(path, os.X_OK)):
            raise EnvironmentProblem(
                f"Chromium not found at {path or '(no path)'}; install the Debian package: "
                "apt-get install chromium (or set MPSC_CHROMIUM to the browser's path)."
            )
        return path

    def _browser_args(self) -> list[str]:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        sandbox = ["--no-sandbox"] if as_root or self.disable_sandbox else []
        return [*sandbox, *_CHROMIUM_ARGS, *self.browser_args]

    async def _print(self, html: str, meta: ReportMeta, executable: str) -> bytes:
        from playwright.async_api import Error as PlaywrightError  # noqa: PLC0415

        try:
            async with asyncio.timeout(self.export_timeout):
                args = self._browser_args()
                async with _open_printer(executable, args, self.load_timeout) as printer:
                    return await self._print_with_page_numbers(printer, html, meta)
        except TimeoutError as exc:
            raise ExportError(
                f"{meta.title}: the PDF export took longer than {self.export_timeout:g} s and was "
                "stopped (raise ReportPDFExporter.export_timeout if the report is just very long)."
            ) from exc
        except PlaywrightError as exc:
            first_line = (str(exc.message).strip().splitlines() or ["unknown error"])[0]
            message = f"{meta.title}: Chromium could not print the report: {first_line}"
            raise ExportError(message) from exc

    async def _print_with_page_numbers(self, printer: ChromiumPrinter, html: str, meta: ReportMeta) -> bytes:
        """Print, read where each heading landed, number the contents, print until stable."""
        options = {
            "format": "A4",
            "margin": _PDF_MARGIN,
            "print_background": True,
            "display_header_footer": True,
            "header_template": _header_template(meta),
            "footer_template": _footer_template(meta),
            "outline": True,
            "tagged": True,
            "prefer_css_page_size": False,
        }
        entries = _toc_entries(html)
        pages: dict[str, Any] = {target: _PAGE_PLACEHOLDER for target, _ in entries}
        for _ in range(max(self.max_renders, 2)):
            result = await printer.print_pdf(_fill_toc_pages(html, pages), **options)
            self.renders += 1
            self.blocked_requests = list(result.blocked)
            if not entries:
                return result.pdf
            found = _heading_pages(result.pdf, entries, meta)
            if found == pages:  # the numbers printed are the pages the headings are on
                self.toc_pages = found
                return result.pdf
            pages = found
        raise ExportError(
            f"{meta.title}: the contents' page numbers did not settle after {self.renders} "
            f"renders (last: {pages}); look for content whose height depends on them."
        )


def _meta_from_html(html: str) -> ReportMeta:
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    lang = re.search(r'<html[^>]*\slang="([^"]+)"', html)
    language = lang.group(1) if lang and _LANGUAGE.match(lang.group(1)) else "de"
    untitled = _LABELS.get(language, _LABELS["de"])["untitled"]
    text = html_lib.unescape(title.group(1)) if title else ""
    return ReportMeta(title=_text_or(text, untitled), language=language)


def _header_template(meta: ReportMeta) -> str:
    # Chromium inserts the template as markup: every text in it is escaped.
    return (
        f'<div style="{_MARGIN_BOX_STYLE}padding-top:9mm;">'
        '<div style="padding-bottom:1.5mm;border-bottom:0.5pt solid #cdd2d9;white-space:nowrap;'
        f'overflow:hidden;text-overflow:ellipsis;">{html_lib.escape(meta.running_head)}</div></div>'
    )


def _footer_template(meta: ReportMeta) -> str:
    notice = html_lib.escape(meta.notice)
    page, of = html_lib.escape(meta.label("page")), html_lib.escape(meta.label("of"))
    return (
        f'<div style="{_MARGIN_BOX_STYLE}display:flex;justify-content:space-between;'
        'align-items:baseline;gap:8mm;padding-bottom:8mm;">'
        f'<span style="color:#8f1d1d;font-weight:600;">{notice}</span>'
        f'<span style="white-space:nowrap;">{page} <span class="pageNumber"></span> {of} '
        '<span class="totalPages"></span></span></div>'
    )


def _toc_entries(html: str) -> list[tuple[str, str]]:
    """(target id, heading text) of every contents entry, in order."""
    unescape = html_lib.unescape
    return [(unescape(m.group(4)), unescape(m.group(2))) for m in _TOC_SLOT.finditer(html)]


def _fill_toc_pages(html: str, pages: dict[str, Any]) -> str:
    def fill(match: re.Match) -> str:
        number = html_lib.escape(str(pages.get(html_lib.unescape(match.group(4)), "")))
        return "".join((*match.group(1, 2, 3, 4, 5), number, match.group(7)))

    return _TOC_SLOT.sub(fill, html)


def _heading_pages(pdf: bytes, entries: list[tuple[str, str]], meta: ReportMeta) -> dict[str, int]:
    """Page (from 1) of each heading: the named destination of its id, else its bookmark."""
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf))
    named = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        if page is not None and page >= 0:
            named[str(name).lstrip("/")] = page + 1
    # Bookmark titles lose the space at each line break of a wrapped heading: compare squeezed.
    outline = _walk_outline(reader, reader.outline)
    bookmarks = [(_squeeze(title), page + 1) for title, page in outline]
    pages, position = {}, 0
    for target, text in entries:
        if target in named:
            pages[target] = named[target]
            continue
        wanted = _squeeze(text)
        for index in range(position, len(bookmarks)):
            if bookmarks[index][0] == wanted:
                pages[target], position = bookmarks[index][1], index + 1
                break
        else:
            raise ExportError(
                f"{meta.title}: heading {text!r} is neither a named destination nor a bookmark "
                "of the printed PDF; cannot number the table of contents."
            )
    return pages


def _squeeze(text: str) -> str:
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


def _provenance_from_html(html: str) -> dict[str, str]:
    """The ``keywords`` and ``mpsc:*`` ``<meta>`` tags of the publication HTML (see ``document_metadata``)."""
    head = BeautifulSoup(html.split("</head>", 1)[0], features="html.parser")
    tags = head.find_all("meta", attrs={"name": re.compile(r"^(keywords|mpsc:[a-z-]+)$")})
    return {tag["name"]: tag.get("content", "") for tag in tags}


def _with_document_info(
    pdf: bytes, meta: ReportMeta, headings: list[str], log, provenance: dict[str, str] | None = None
) -> bytes:
    """Set Title, Author, Subject, Language; repair bookmark titles; never lose the tags.

    ``headings`` are the heading texts as written: a bookmark whose title differs from one of
    them only in spaces (Chromium drops the space at each line break of a wrapped heading) gets
    the written text back. If the rewritten file lacked the structure tree, marks, outline or
    language of Chromium's, Chromium's file is returned unchanged.
    """
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415
    from pypdf.generic import (  # noqa: PLC0415
        BooleanObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    info = {"/Title": meta.title, "/Author": AUTHOR, "/Creator": "mpsc-report"}
    if meta.wave_label:
        info["/Subject"] = meta.wave_label
    for name, value in (provenance or {}).items():  # /Keywords, and /MPSCGitCommit, /MPSCProvenance …
        key = "Keywords" if name == "keywords" else "MPSC" + name.removeprefix("mpsc:").title().replace("-", "")
        info[f"/{key}"] = value
    writer.add_metadata(info)
    root = writer.root_object
    if "/Lang" not in root:
        root[NameObject("/Lang")] = TextStringObject(meta.language)
    preferences = root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = preferences
    _repair_bookmark_titles(root.get("/Outlines"), {_squeeze(h): h for h in headings})
    buffer = io.BytesIO()
    writer.write(buffer)
    rewritten = buffer.getvalue()
    before, after = reader.trailer["/Root"], PdfReader(io.BytesIO(rewritten)).trailer["/Root"]
    kept = ("/StructTreeRoot", "/MarkInfo", "/Outlines", "/Lang")
    if any(key in before and key not in after for key in kept):
        log.warning("%s: rewriting the document information would lose tags; skipped.", meta.title)
        return pdf
    return rewritten


def _repair_bookmark_titles(outlines, written: dict[str, str]) -> None:
    from pypdf.generic import NameObject, TextStringObject  # noqa: PLC0415

    pending = [outlines.get_object().get("/First")] if outlines is not None else []
    while pending:
        item = pending.pop()
        if item is None:
            continue
        item = item.get_object()
        title = str(item.get("/Title", ""))
        proper = written.get(_squeeze(title))
        if proper is not None and proper != title:
            item[NameObject("/Title")] = TextStringObject(proper)
        pending.extend((item.get("/Next"), item.get("/First")))


# ----------------------------------------------------------------------------------------------
# Printer session: one browser for all PDFs of a build worker

#: The open printer session of this process, if any (see :func:`open_printer_session`).
_SESSION: PrinterSession | None = None


class PrinterSession:
    """One Chromium kept open for every PDF printed in this process, e.g. by one build worker.

    Playwright objects belong to the event loop that made them, so the session runs its own loop in a
    daemon thread and every print of the process is run there. A browser that crashed, disconnected or
    failed during a print is closed and launched again for the next document.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mpsc-printer", daemon=True)
        self._thread.start()
        self._printer: ChromiumPrinter | None = None
        self._key: tuple | None = None
        self.launches = 0

    def run(self, coro):
        """Run a coroutine on the session's loop and return its result (blocking)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def printer(self, executable: str, args, load_timeout: float) -> ChromiumPrinter:
        """The session's open printer; launched on first use, or again after a crash or other flags."""
        key = (executable, tuple(args), load_timeout)
        current = self._printer
        if current is not None and (
            self._key != key or current._browser is None or not current._browser.is_connected()
        ):
            await self.drop()
        if self._printer is None:
            printer = ChromiumPrinter(executable, args, load_timeout)
            await printer.__aenter__()
            self._printer, self._key = printer, key
            self.launches += 1
        return self._printer

    async def drop(self) -> None:
        """Close the current browser (if any); the next print launches a new one."""
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                await printer.close()
            except Exception:  # a crashed browser may fail to close; it is gone either way
                pass

    def close(self) -> None:
        """Close the browser and stop the loop thread."""
        if self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self.drop(), self._loop).result(timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()


def open_printer_session() -> PrinterSession:
    """Keep one Chromium open for all PDFs this process prints until :func:`close_printer_session`.

    Returns
    -------
    PrinterSession
        The session (the same one when called again).
    """
    global _SESSION
    if _SESSION is None:
        _SESSION = PrinterSession()
    return _SESSION


def close_printer_session() -> None:
    """Close this process's printer session and its browser (nothing happens when none is open)."""
    global _SESSION
    session, _SESSION = _SESSION, None
    if session is not None:
        session.close()


@contextlib.asynccontextmanager
async def _open_printer(executable: str, args, load_timeout: float):
    """The session's shared printer when one is open on this loop, else a printer of its own."""
    session = _SESSION
    if session is None or asyncio.get_running_loop() is not session._loop:
        async with ChromiumPrinter(executable, args, load_timeout) as printer:
            yield printer
        return
    printer = await session.printer(executable, args, load_timeout)
    try:
        yield printer
    except BaseException:
        await session.drop()  # a browser that failed or timed out mid-print is not reused
        raise


def _run_print(coro):
    """Run a print coroutine on the session's loop, or on a fresh loop in a thread of its own."""
    session = _SESSION
    if session is not None:
        return session.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        # A thread of its own: the caller may already run an event loop (Jupyter, papermill).
        return pool.submit(asyncio.run, coro).result()


# ----------------------------------------------------------------------------------------------
# The build's entry points


def export_html(nb: nbformat.NotebookNode) -> str:
    """Export an executed report notebook to a self-contained HTML publication.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (it is not modified).

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
    html, _ = ReportHTMLExporter().from_notebook_node(nb)
    return html


def export_pdf(nb: nbformat.NotebookNode) -> bytes:
    """Export an executed report notebook to a tagged A4 PDF (system Chromium, no JS, no network).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (it is not modified).

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    ExportError
        Printing failed or took longer than the export timeout (the message names the report).
    EnvironmentProblem
        Chromium, Playwright or the Open Sans font files are missing.
    """
    pdf, _ = ReportPDFExporter().from_notebook_node(nb)
    return pdf


def export_html_and_pdf(nb: nbformat.NotebookNode) -> tuple[str, bytes]:
    """Export a report notebook to HTML and PDF, converting it to HTML only once.

    The PDF is printed from exactly the HTML returned, so the two documents cannot drift apart.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (it is not modified).

    Returns
    -------
    tuple of (str, bytes)
        The HTML document and the PDF.
    """
    exporter = ReportPDFExporter()
    html, resources = ReportHTMLExporter.from_notebook_node(exporter, nb)
    return html, exporter.run_playwright(html, ReportMeta.from_resources(resources))
