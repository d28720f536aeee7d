"""Export executed report notebooks as a self-contained HTML publication and a tagged A4 PDF.

``html`` (what is published, the exporter), ``sanitize`` (the allow-list safety net), ``contents`` (table of
contents, figure-data appendix, page numbers), ``fonts`` (the embedded Open Sans), ``printer`` (the locked-down
Chromium and the session that keeps it open), ``tagging`` (the printed PDF made PDF/UA-1: artifacts, link
descriptions, XMP), ``typography`` (no-break spaces, dashes, nested quotes; soft hyphens for the print) and ``pdf``
(the PDF exporter: one print, the cover and the contents' pages again, the layout gate of ``documents/layout.py``).
The exporters are registered with nbconvert as ``mpsc_html`` and ``mpsc_pdf``.
"""

from __future__ import annotations

from .html import ReportHTMLExporter, ReportPreprocessor, export_html
from .pdf import ReportPDFExporter, export_html_and_pdf
from .printer import (
    ChromiumPrinter,
    LoadedDocument,
    PrinterSession,
    PrintResult,
    close_printer_session,
    open_printer_session,
)

__all__ = [
    "ChromiumPrinter",
    "LoadedDocument",
    "PrintResult",
    "PrinterSession",
    "ReportHTMLExporter",
    "ReportPDFExporter",
    "ReportPreprocessor",
    "close_printer_session",
    "export_html",
    "export_html_and_pdf",
    "open_printer_session",
]
