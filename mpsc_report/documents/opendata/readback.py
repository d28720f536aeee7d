"""Reading the numbers back from written open-data files: what the manifest records and the consistency gate checks.

The cells of each table are read at the positions the document's contract gives them, the list of all numbers
by its key column; values as the files hold them (an empty cell is None, "unknown"). A key read twice within one
format keeps its first value (the tests compare every cell with the document).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from ..contract import Document
from .files import DESCRIPTOR
from .sheets import NUMBERS_NAME, Sheet, sheets
from .workbook import HEADER_ROW

Numbers = dict[str, int | float | None]


def read_back_numbers(files: Mapping[str, bytes], document: Document, stem: str, folder: str) -> dict[str, Numbers]:
    """The numbers the written files state, by format (``xlsx``, ``csv``): key -> value as read from the bytes.

    Parameters
    ----------
    files : mapping
        The open-data files (path relative to the document's folder -> bytes), as
        :func:`~mpsc_report.documents.opendata.open_data_files` returns them.
    document : Document
        The contract the files were written from (where each table's numbers sit).
    stem, folder : str
        The document's stem and its data folder's name.
    """
    tables = sheets(document)
    found: dict[str, Numbers] = {}
    workbook = files.get(f"{stem}.xlsx")
    if workbook is not None:
        found["xlsx"] = _from_workbook(workbook, tables, document)
    if f"{folder}/{DESCRIPTOR}" in files:
        found["csv"] = _from_csv(files, tables, folder)
    return found


def _from_workbook(data: bytes, tables: list[Sheet], document: Document) -> Numbers:
    from openpyxl import load_workbook

    from ...analysis.words import t

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        stated: Numbers = {}
        for table in tables:
            rows = list(book[table.sheet_name].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
            _cells(stated, table, rows)
        rows = book[t("opendata.numbers", document.language)].iter_rows(min_row=HEADER_ROW + 1, values_only=True)
        for row in rows:
            if len(row) >= 5 and isinstance(row[4], str) and row[4]:
                stated.setdefault(row[4], _number(row[1]))
        return stated
    finally:
        book.close()


def _from_csv(files: Mapping[str, bytes], tables: list[Sheet], folder: str) -> Numbers:
    stated: Numbers = {}
    for table in tables:
        rows = _csv_rows(files[f"{folder}/{table.name}.csv"])
        _cells(stated, table, [row[1:] for row in rows])  # the first field is the row's code
    for row in csv.DictReader(io.StringIO(files[f"{folder}/{NUMBERS_NAME}.csv"].decode("utf-8"))):
        stated.setdefault(row["key"], _number(row["value"]))
    return stated


def _cells(stated: Numbers, table: Sheet, rows: Iterable[tuple | list]) -> None:
    """The numbers of a table's rows (label first, then the unit when units go by row, then the values)."""
    first = 2 if table.row_units else 1
    for row, values in zip(table.rows, rows, strict=False):
        for index, key in enumerate(row.keys):
            if key is not None and first + index < len(values):
                stated.setdefault(key, _number(values[first + index]))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def _number(value: object) -> int | float | None:
    """A cell as a number: empty is None (unknown); text of a number is parsed; anything else is None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None
