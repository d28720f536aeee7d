"""The open-data tables of a document, read from its contract: one per figure data table and table, plus all numbers.

A :class:`Sheet` is what the Tabellenband shows on one worksheet and one CSV file holds: the title ("Abbildung 3:
…"), the header, the rows with their values and the unit of each value. Every number that the document records is
taken from the block's recorded ``numbers`` by the key the contract gives its cell (never computed again here);
other numbers (a percentage of missing answers, a count without an indicator) are the cell as the contract stores
it, a share in per cent like the document prints it. Missing values stay ``None``: the writers leave the cell
empty and say so in the legend (the document prints "."); a zero stays the number 0 (the document prints "–").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...analysis.indicators import BY_ID, catalogue_rows, parse_key
from ...analysis.words import describe_key, t
from ..contract import Document, Figure, Table

#: How a value column prints (as in the document): whole numbers, per cent, one decimal, or text.
Kind = Literal["int", "percent", "decimal", "text"]

#: The unit of a value: a count, per cent, a mean per responding model project, a median of a group.
UnitCode = Literal["count", "percent", "per_project", "median"]

#: Name (file stem) of the sheet and CSV file with every number the document states.
NUMBERS_NAME = "zahlen"

#: Name of the sheet and CSV file with the indicator catalogue.
DEFINITIONS_NAME = "definitionen"


@dataclass(frozen=True)
class Column:
    """A value column: header (words), code, how it prints, and its unit when every cell has the same one."""

    label: str
    code: str
    kind: Kind
    unit: UnitCode | None = None


@dataclass(frozen=True)
class Row:
    """A row: header (words), code, values (number, text or None for unknown) and the key of each recorded number."""

    label: str
    code: str
    values: tuple[int | float | str | None, ...]
    keys: tuple[str | None, ...]
    #: The unit of the row's numbers when the table has indicators as rows (a column of waves), else None.
    unit: UnitCode | None = None


@dataclass(frozen=True)
class Sheet:
    """One figure's data table or one table of the document, ready for the Tabellenband and CSV."""

    kind: Literal["figure", "table"]
    number: int
    caption: str
    #: File stem and resource name: "abbildung-03", "tabelle-02".
    name: str
    #: Worksheet name (at most 31 characters): "Abb. 3".
    sheet_name: str
    #: "Abbildung 3: Neue Stellen nach Art der Kommune".
    title: str
    index_label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def indicators(self) -> list[str]:
        """Indicator ids of the recorded numbers, in the order they first occur."""
        found = (parse_key(key)[0] for row in self.rows for key in row.keys if key is not None)
        return list(dict.fromkeys(found))

    @property
    def has_unknown(self) -> bool:
        """Whether a value column holds an unknown value (an empty cell, "." in the document)."""
        return any(
            value is None
            for row in self.rows
            for value, column in zip(row.values, self.columns, strict=True)
            if column.kind != "text"
        )

    @property
    def row_units(self) -> bool:
        """Whether the units go by row (indicators as rows) rather than by column."""
        return any(row.unit is not None for row in self.rows)


@dataclass(frozen=True)
class Number:
    """One number the document states: its key, the key in words, its value (None: unknown) and unit."""

    key: str
    label: str
    value: int | float | None
    unit: UnitCode | None


@dataclass(frozen=True)
class Listed:
    """A figure or table of the document, with its sheet (None: it has no data table of its own)."""

    kind: Literal["figure", "table"]
    number: int
    title: str
    sheet: Sheet | None


def unit_of(key: str) -> UnitCode | None:
    """The unit of a recorded number: a median or mean of a group, else the indicator's unit; None when unknown."""
    try:
        id, dims = parse_key(key)
    except ValueError:
        return None
    if dims.get("stat") == "median":
        return "median"
    if dims.get("stat") == "mean":
        return "per_project"
    indicator = BY_ID.get(id)
    return indicator.unit if indicator is not None else None


def listed(document: Document) -> list[Listed]:
    """Every numbered figure and table of the document in order, each with its sheet (when it has a data table)."""
    found: list[Listed] = []
    for placed in sorted([*document.figures, *document.tables], key=lambda p: (p.cell, p.output)):
        block = placed.block
        if block.number is None:
            continue
        kind: Literal["figure", "table"] = "figure" if isinstance(block, Figure) else "table"
        title = t(f"opendata.{kind}_title", document.language, number=block.number, caption=block.caption)
        found.append(Listed(kind, block.number, title, _sheet(block, kind, title, document.language)))
    return found


def sheets(document: Document) -> list[Sheet]:
    """The sheets of the figures and tables that have a data table, in document order."""
    return [item.sheet for item in listed(document) if item.sheet is not None]


def all_numbers(document: Document, names: dict[str, str] | None = None) -> list[Number]:
    """Every number the document states (:attr:`~..contract.Document.numbers`), in the document's order."""
    language = document.language
    return [
        Number(key, describe_key(key, language, names), value, unit_of(key)) for key, value in document.numbers.items()
    ]


def project_names(document: Document) -> dict[str, str]:
    """Project ids -> names as the document's tables show them (rows of an axis of projects)."""
    names: dict[str, str] = {}
    for sheet in sheets(document):
        for row in sheet.rows:
            for key in row.keys:
                if key is not None and parse_key(key)[1].get("project") == row.code:
                    names.setdefault(row.code, row.label)
    return names


def file_stem(kind: str, number: int) -> str:
    """File stem of a figure's or table's CSV: ``abbildung-03``, ``tabelle-12`` (sorted as the document orders them)."""
    return f"{'abbildung' if kind == 'figure' else 'tabelle'}-{number:02d}"


def _sheet(block: Figure | Table, kind: Literal["figure", "table"], title: str, language: str) -> Sheet | None:
    data = block.data
    if data is None or not data.columns or block.number is None:
        return None
    columns = tuple(Column(c.label, c.code, c.kind) for c in data.columns)
    rows = tuple(_row(row.label, row.code, row.cells, row.keys, columns, block.numbers) for row in data.rows)
    columns = tuple(_with_unit(column, index, rows) for index, column in enumerate(columns))
    sheet_key = f"opendata.{kind}_sheet"
    return Sheet(
        kind=kind,
        number=block.number,
        caption=block.caption,
        name=file_stem(kind, block.number),
        sheet_name=t(sheet_key, language, number=block.number),
        title=title,
        index_label=data.index_label or t("data.category", language),
        columns=columns,
        rows=rows,
    )


def _row(
    label: str,
    code: str,
    cells: list,
    keys: list,
    columns: tuple[Column, ...],
    recorded: dict[str, int | float | None],
) -> Row:
    values: list[int | float | str | None] = []
    row_keys: list[str | None] = []
    for index, column in enumerate(columns):
        cell = cells[index] if index < len(cells) else None
        key = keys[index] if index < len(keys) else None
        if key is not None and key in recorded:
            values.append(recorded[key])  # the number the document records, exactly
            row_keys.append(key)
        elif isinstance(cell, str) or cell is None:
            values.append(cell)
            row_keys.append(None)
        else:
            values.append(cell * 100 if column.kind == "percent" else cell)  # a share, printed in per cent
            row_keys.append(None)
    units = {unit_of(key) for key in row_keys if key is not None}
    by_row = len(units) == 1 and any(parse_key(key)[0] == code for key in row_keys if key is not None)
    return Row(label, code, tuple(values), tuple(row_keys), units.pop() if by_row else None)


def _with_unit(column: Column, index: int, rows: tuple[Row, ...]) -> Column:
    if column.kind == "text" or any(row.unit is not None for row in rows):
        return column
    units = {unit_of(row.keys[index]) for row in rows if row.keys[index] is not None}
    if len(units) == 1:
        return Column(column.label, column.code, column.kind, units.pop())
    if not units and column.kind == "percent":
        return Column(column.label, column.code, column.kind, "percent")
    return column


def unit_words(unit: UnitCode | None, language: str) -> str:
    """The unit in words for a header or a unit column ("Anzahl", "in %", "je antwortendem Modellprojekt")."""
    return t(f"opendata.unit.{unit}", language) if unit else ""


def header(column: Column, language: str) -> str:
    """A column header with its unit: "Neue Datensätze (Anzahl)", "Rücklauf (in %)"."""
    words = t(f"opendata.unit_short.{column.unit}", language) if column.unit else ""
    return f"{column.label} ({words})" if words else column.label


__all__ = [
    "DEFINITIONS_NAME",
    "NUMBERS_NAME",
    "Column",
    "Listed",
    "Number",
    "Row",
    "Sheet",
    "all_numbers",
    "file_stem",
    "header",
    "listed",
    "project_names",
    "sheets",
    "unit_of",
    "unit_words",
]


def definitions_table(language: str) -> tuple[list[str], list[list[str]]]:
    """The catalogue as readers get it in the Tabellenband and the Excel CSV: header and rows, in words."""
    header = [
        t(key, language)
        for key in ("opendata.indicator", "opendata.key", "definitions.definition")
        + ("opendata.unit", "opendata.period", "opendata.base")
    ]
    rows = [
        [
            row["label"],
            row["id"],
            row["definition"],
            t(f"unit.{row['unit']}", language),
            t(f"period.{row['period']}", language),
            t(f"base.{row['base']}", language),
        ]
        for row in catalogue_rows(language)
    ]
    return header, rows
