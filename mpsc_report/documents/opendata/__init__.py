"""Open data beside every document: a Tabellenband (XLSX), CSV files per table and a Frictionless data package.

Everything is read from the document contract (:func:`~mpsc_report.documents.contract.read_document`): the
figures' data tables and the tables with the numbers they record, every number the document states, and the
provenance record. ``sheets`` turns the contract into tables, ``workbook`` writes the Tabellenband, ``files`` the
CSV files and ``datapackage.json``, ``links`` the download links of the HTML (and so of the PDF printed from it).

Files of a document with the stem ``halftime_review`` (beside ``halftime_review.html``):
``halftime_review.xlsx`` and the folder ``halftime_review_daten/`` (beside an English document
``halftime_review_data/``) with ``datapackage.json``, per figure or table ``abbildung-03.csv`` (machines) and
``abbildung-03_excel.csv`` (German Excel), ``zahlen.csv`` (every number with its key) and ``definitionen.csv`` (the
indicator catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..contract import Document
from .files import DESCRIPTOR, EXCEL_SUFFIX, LICENCE, csv_files, descriptor, descriptor_bytes
from .links import add_download_links
from .readback import read_back_numbers as _read_back
from .sheets import NUMBERS_NAME, all_numbers, listed, project_names
from .workbook import tabellenband

#: Formats of the open data a build can write (besides "html" and "pdf").
OPEN_DATA_FORMATS: tuple[str, ...] = ("xlsx", "csv")

#: Suffix of the folder of CSV files and the descriptor beside a document, in the document's language:
#: ``halftime_review_daten/`` beside a German document, ``halftime_review_data/`` beside an English one.
FOLDER_SUFFIXES: dict[str, str] = {"de": "_daten", "en": "_data"}

#: The German suffix (the default language).
FOLDER_SUFFIX = FOLDER_SUFFIXES["de"]


@dataclass(frozen=True)
class Downloads:
    """Which open-data files a document has beside it: its stem and the formats built."""

    stem: str
    formats: tuple[str, ...] = OPEN_DATA_FORMATS
    #: The document's language; it names the data folder (:data:`FOLDER_SUFFIXES`).
    language: str = "de"

    def of(self, document: Document) -> Downloads:
        """These downloads in the language of ``document`` (its contract decides what the folder is called)."""
        return replace(self, language=document.language)

    @property
    def xlsx(self) -> str | None:
        """The Tabellenband's file name, None when it is not built."""
        return f"{self.stem}.xlsx" if "xlsx" in self.formats else None

    @property
    def folder(self) -> str | None:
        """The folder of the CSV files and ``datapackage.json``, None when they are not built."""
        return f"{self.stem}{FOLDER_SUFFIXES[self.language]}" if "csv" in self.formats else None

    def csv(self, name: str, excel: bool = False) -> str | None:
        """Relative path of a sheet's CSV file (``<stem>_daten/abbildung-03.csv``), None when not built."""
        if self.folder is None:
            return None
        return f"{self.folder}/{name}{EXCEL_SUFFIX if excel else '.csv'}"

    @property
    def any(self) -> bool:
        """Whether any open-data file is built."""
        return self.xlsx is not None or self.folder is not None


def open_data_files(document: Document, downloads: Downloads) -> dict[str, bytes]:
    """Every open-data file of a document: path relative to the document's folder -> bytes (nothing is written).

    Parameters
    ----------
    document : Document
        The executed document's contract.
    downloads : Downloads
        Its stem and the formats to write (``xlsx``: the Tabellenband; ``csv``: the CSV files and the descriptor).
    """
    downloads = downloads.of(document)
    items = listed(document)
    numbers = all_numbers(document, project_names(document))
    files: dict[str, bytes] = {}
    if downloads.xlsx is not None:
        files[downloads.xlsx] = tabellenband(document, items, numbers, LICENCE["title"])
    if downloads.folder is not None:
        tables = [item.sheet for item in items if item.sheet is not None]
        for name, data in csv_files(document, tables, numbers).items():
            files[f"{downloads.folder}/{name}"] = data
        package = descriptor(document, tables, numbers, f"mpsc-{document.wave}-{downloads.stem}")
        files[f"{downloads.folder}/{DESCRIPTOR}"] = descriptor_bytes(package)
    return files


def read_back_numbers(
    files: dict[str, bytes], document: Document, downloads: Downloads
) -> dict[str, dict[str, int | float | None]]:
    """The numbers the written open-data files state, read back from their bytes, by format (``xlsx``, ``csv``).

    Every table's cells at the positions the contract gives them, then the list of all numbers; the build records
    them in the manifest beside the document's own numbers, and the consistency gate
    (:mod:`mpsc_report.pipeline.consistency`) compares them like the numbers of two documents.
    """
    folder = downloads.of(document).folder or f"{downloads.stem}{FOLDER_SUFFIXES[document.language]}"
    return _read_back(files, document, downloads.stem, folder)


__all__ = [
    "DESCRIPTOR",
    "FOLDER_SUFFIX",
    "FOLDER_SUFFIXES",
    "NUMBERS_NAME",
    "OPEN_DATA_FORMATS",
    "Downloads",
    "add_download_links",
    "open_data_files",
    "read_back_numbers",
]
