"""The Tabellenband: an XLSX workbook with a contents sheet, one sheet per figure and table, all numbers, definitions.

Numbers are stored as numbers with Excel number formats that print them the way the document does (German Excel
shows ``#,##0`` as 1.043, ``0,0`` for one decimal; a share as "64 %"); a zero is the number 0 shown as "–" (the
format's zero section). A value the document prints as "." (unknown) is an empty cell; the legend under the
table says so, and the sheet "Alle Zahlen" has a sign column. No cell holds a formula: every text goes through
:func:`~mpsc_report.data.validation.defuse_formula` and is stored as a string.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ...analysis.words import t
from ...data.validation import defuse_formula
from ..contract import Document
from .sheets import Listed, Number, Sheet, UnitCode, definitions_table, header, unit_words

#: Excel number formats (the file always uses "," for thousands and "." for decimals; Excel shows them in the
#: reader's locale): whole numbers, one decimal, per cent (values in per cent); zero shows as "–".
FORMATS: dict[str, str] = {
    "int": '#,##0;-#,##0;"–"',
    "decimal": '#,##0.0;-#,##0.0;"–"',
    "percent": '0"\u00a0%";-0"\u00a0%";"–"',
}

#: Rows above a table: title, notice, blank; the header is row 4 and stays visible when scrolling.
HEADER_ROW = 4

#: Widest column, in characters (longer text wraps).
MAX_WIDTH = 60

#: Height of one line of text in points (the default font, 11 pt), for rows of wrapped text.
_LINE_HEIGHT = 15

#: Widest table, in characters, printed upright on A4; wider ones print in landscape.
_PORTRAIT_WIDTH = 90

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_NOTICE = Font(italic=True, color="9C0006")
_RULE = Border(bottom=Side(style="thin"))
_WRAP = Alignment(wrap_text=True, vertical="top")


def tabellenband(
    document: Document,
    items: Sequence[Listed],
    numbers: Sequence[Number],
    licence: str,
) -> bytes:
    """The workbook as bytes.

    Parameters
    ----------
    document : Document
        The document contract (title, wave, language, sample-data notice, provenance).
    items : sequence of Listed
        Every figure and table in document order; those with a sheet get one.
    numbers : sequence of Number
        Every number the document states (sheet "Alle Zahlen").
    licence : str
        The licence in words, named on the contents sheet.
    """
    language = document.language
    book = Workbook()
    contents = book.active
    contents.title = t("opendata.contents", language)
    numbers_sheet = t("opendata.numbers", language)
    definitions_sheet = t("opendata.definitions", language)
    for item in items:
        if item.sheet is not None:
            _table_sheet(book.create_sheet(item.sheet.sheet_name), item.sheet, document)
    _numbers_sheet(book.create_sheet(numbers_sheet), numbers, document)
    _definitions_sheet(book.create_sheet(definitions_sheet), document)
    _contents_sheet(contents, document, items, numbers_sheet, definitions_sheet, licence)
    provenance = document.provenance
    built = _built_at(provenance.built_at if provenance else "")
    book.properties.title = _text(document.title)
    book.properties.creator = "mpsc-report"
    book.properties.language = language
    if built is not None:
        book.properties.created = book.properties.modified = built
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_sheet(sheet: Worksheet, table: Sheet, document: Document) -> None:
    language = document.language
    _head(sheet, table.title, document)
    headers = [table.index_label]
    if table.row_units:
        headers.append(t("opendata.unit", language))
    headers += [header(column, language) for column in table.columns]
    numeric = [c.kind != "text" for c in table.columns]
    _header_row(sheet, headers, [False] * (len(headers) - len(numeric)) + numeric)
    first = 2 if table.row_units else 1
    for offset, row in enumerate(table.rows, start=1):
        line = HEADER_ROW + offset
        _put(sheet.cell(line, 1), row.label)
        if table.row_units:
            _put(sheet.cell(line, 2), unit_words(row.unit, language))
        for index, (value, column) in enumerate(zip(row.values, table.columns, strict=True)):
            cell = sheet.cell(line, first + index + 1)
            _put(cell, value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = FORMATS.get(column.kind, FORMATS["decimal"])
    widths = _fit_widths(sheet, len(headers), HEADER_ROW, HEADER_ROW + len(table.rows))
    notes = []
    if table.has_unknown or any(v == 0 for row in table.rows for v in row.values if not isinstance(v, str)):
        notes.append(t("opendata.unknown_cell", language))
    notes.append(t("opendata.source", language, wave=document.wave, title=document.title))
    if document.notice:
        notes.append(document.notice)
    line = _notes(sheet, HEADER_ROW + len(table.rows) + 2, notes, widths)
    definitions = _definitions(table, language)
    if definitions:
        title = [(t("opendata.definitions_title", language), True)]
        _notes(sheet, line + 1, [*title, *(f"{term}: {text}" for term, text in definitions)], widths)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    _page_setup(sheet, widths)


def _numbers_sheet(sheet: Worksheet, numbers: Sequence[Number], document: Document) -> None:
    language = document.language
    _head(sheet, t("opendata.numbers_title", language), document)
    names = ("opendata.indicator", "opendata.value", "opendata.unit", "opendata.sign", "opendata.key")
    _header_row(sheet, [t(name, language) for name in names], [False, True, False, False, False])
    for offset, number in enumerate(numbers, start=1):
        line = HEADER_ROW + offset
        _put(sheet.cell(line, 1), number.label)
        value = sheet.cell(line, 2)
        _put(value, number.value)
        if number.value is not None:
            value.number_format = _format_of(number.unit, number.value)
        _put(sheet.cell(line, 3), unit_words(number.unit, language))
        _put(sheet.cell(line, 4), "." if number.value is None else "")
        _put(sheet.cell(line, 5), number.key)
    widths = _fit_widths(sheet, 5, HEADER_ROW, HEADER_ROW + len(numbers))
    notes = [
        t("sign.legend", language, signs=t("sign.unknown", language)),
        t("opendata.source", language, wave=document.wave, title=document.title),
    ]
    _notes(sheet, HEADER_ROW + len(numbers) + 2, notes, widths)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    _page_setup(sheet, widths)


def _definitions_sheet(sheet: Worksheet, document: Document) -> None:
    language = document.language
    _head(sheet, t("opendata.definitions_title", language), document)
    header, rows = definitions_table(language)
    _header_row(sheet, header, [False] * len(header))
    for line, values in enumerate(rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(line, column), value).alignment = _WRAP
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    _page_setup(sheet, _fit_widths(sheet, 6, HEADER_ROW, HEADER_ROW + len(rows)))


def _contents_sheet(
    sheet: Worksheet,
    document: Document,
    items: Sequence[Listed],
    numbers_sheet: str,
    definitions_sheet: str,
    licence: str,
) -> None:
    language = document.language
    _head(sheet, t("opendata.volume", language, title=document.title), document)
    _header_row(sheet, [t("opendata.sheet", language), t("opendata.what", language)], [False, False])
    entries: list[tuple[str, str, str | None]] = []
    for item in items:
        if item.sheet is not None:
            entries.append((item.sheet.sheet_name, item.title, item.sheet.sheet_name))
        else:
            entries.append(("", f"{item.title} ({t('opendata.no_table', language, sheet=numbers_sheet)})", None))
    entries.append((numbers_sheet, t("opendata.numbers_title", language), numbers_sheet))
    entries.append((definitions_sheet, t("opendata.definitions_title", language), definitions_sheet))
    for offset, (name, title, target) in enumerate(entries, start=1):
        line = HEADER_ROW + offset
        cell = _put(sheet.cell(line, 1), name)
        _put(sheet.cell(line, 2), title)
        if target is not None:  # a link inside the workbook, not a formula
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target}'!A1", display=name)
            cell.font = Font(underline="single", color="0563C1")
    widths = _fit_widths(sheet, 2, HEADER_ROW, HEADER_ROW + len(entries))
    provenance = document.provenance
    notes = [
        t("opendata.source", language, wave=document.wave, title=document.title),
        t("opendata.licence", language, licence=licence),
        t("opendata.unknown_cell", language),
    ]
    if provenance is not None:
        notes.append(t("opendata.built", language, built=provenance.built_at))
    _notes(sheet, HEADER_ROW + len(entries) + 2, notes, widths)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    _page_setup(sheet, widths)


def _head(sheet: Worksheet, title: str, document: Document) -> None:
    """Row 1: the title; row 2: the sample-data notice (when the data are the sample)."""
    _put(sheet.cell(1, 1), title).font = _TITLE
    if document.notice:
        _put(sheet.cell(2, 1), document.notice).font = _NOTICE


def _header_row(sheet: Worksheet, headers: Sequence[str], numeric: Sequence[bool]) -> None:
    """The header row: bold, ruled, wrapping between words; headers of number columns right-aligned."""
    for column, (text, right) in enumerate(zip(headers, numeric, strict=True), start=1):
        cell = _put(sheet.cell(HEADER_ROW, column), text)
        cell.font, cell.border = _BOLD, _RULE
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="right" if right else "left")


def _notes(sheet: Worksheet, line: int, notes: Sequence[str | tuple[str, bool]], widths: Sequence[float]) -> int:
    """Notes under a table, each across the table's width and wrapped (so they print); returns the next row.

    A note given as ``(text, True)`` is a bold sub-heading.
    """
    last = max(len(widths), 1)
    for note in notes:
        text, bold = note if isinstance(note, tuple) else (note, False)
        cell = _put(sheet.cell(line, 1), text)
        cell.alignment = _WRAP
        if bold:
            cell.font = _BOLD
        if last > 1:
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=last)
        sheet.row_dimensions[line].height = _LINE_HEIGHT * _lines(text, sum(widths))
        line += 1
    return line


def _page_setup(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Print on A4, as wide as the table (landscape when it is wide), the header row repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if sum(widths) > _PORTRAIT_WIDTH else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    for line, points in ((1, 16), (2, _LINE_HEIGHT)):  # the title and the notice wrap across the table too
        cell = sheet.cell(line, 1)
        if isinstance(cell.value, str) and len(widths) > 1:
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(widths))
            cell.alignment = _WRAP
            sheet.row_dimensions[line].height = points * _lines(cell.value, sum(widths) * 11 / points)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped to ``width`` characters (at least one)."""
    return max(1, len(textwrap.wrap(text, width=max(int(width) - 2, 10))))


def _put(cell: Cell, value: object) -> Cell:
    """Write a number as a number, anything else as inert text (never a formula); None leaves the cell empty."""
    if value is None or value == "":
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        return cell
    cell.value = _text(value)
    cell.data_type = "s"  # openpyxl would store text that starts with "=" as a formula
    return cell


def _text(value: object) -> str:
    return defuse_formula(str(value))


def _format_of(unit: UnitCode | None, value: int | float) -> str:
    if unit == "percent":
        return FORMATS["percent"]
    if unit == "count" and float(value).is_integer():
        return FORMATS["int"]
    return FORMATS["decimal"] if unit in ("per_project", "median", "count") else "General"


def _definitions(table: Sheet, language: str) -> list[tuple[str, str]]:
    """The definitions of the indicators a sheet shows (and of "Median"/"je antwortendem Modellprojekt")."""
    found = [(t(f"indicator.{id}", language), t(f"definition.{id}", language)) for id in table.indicators]
    units = {column.unit for column in table.columns} | {row.unit for row in table.rows}
    for stat, unit in (("mean", "per_project"), ("median", "median")):
        if unit in units:
            found.append((t(f"stat.{stat}", language), t(f"definition.stat.{stat}", language)))
    return found


def _fit_widths(sheet: Worksheet, columns: int, first: int, last: int) -> list[float]:
    """Widths that fit the header words and the values; text wider than :data:`MAX_WIDTH` wraps, rows grow.

    Returns the widths (in characters), for the notes under the table and the page set-up.
    """
    widths = []
    for column in range(1, columns + 1):
        width = 8
        for line in range(first, last + 1):
            value = sheet.cell(line, column).value
            if value is None:
                continue
            if isinstance(value, int | float):
                text = f"{value:,.1f}"
            elif line == first:  # a header wraps between words
                text = max(str(value).split(), key=len, default="") + "xx"  # bold: wider letters
            else:
                text = str(value)
            width = max(width, min(len(text) + 2, MAX_WIDTH))
        sheet.column_dimensions[get_column_letter(column)].width = width
        widths.append(width)
    for line in range(first, last + 1):
        lines = 1
        for column, width in enumerate(widths, start=1):
            cell = sheet.cell(line, column)
            if isinstance(cell.value, str):
                needed = _lines(cell.value, width)
                if needed > 1:
                    horizontal = sheet.cell(first, column).alignment.horizontal
                    vertical = "top" if line > first else "bottom"
                    cell.alignment = Alignment(wrap_text=True, vertical=vertical, horizontal=horizontal)
                lines = max(lines, needed)
        if lines > 1:
            sheet.row_dimensions[line].height = _LINE_HEIGHT * lines
            if line > first:  # the cells of a tall row start at its top, beside the wrapped text
                for column in range(1, len(widths) + 1):
                    cell = sheet.cell(line, column)
                    if not cell.alignment.wrap_text:
                        cell.alignment = Alignment(vertical="top", horizontal=cell.alignment.horizontal)
    return widths


def _built_at(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
