"""CSV files of the open data and their Frictionless Data Package descriptor (``datapackage.json``).

Each sheet is written twice: ``<name>.csv`` for machines (UTF-8, ``,``, decimal point, codes as headers; the
resources of the data package) and ``<name>_excel.csv`` for German Excel (UTF-8 with BOM, ``;``, decimal comma,
headers in words with units: what a double click opens correctly). An unknown value is an empty field in both
(the document prints "."); the descriptor declares ``""`` as the missing value. Every text goes through
:func:`~mpsc_report.data.validation.defuse_formula`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ...analysis.indicators import DIMENSIONS, catalogue_rows, parse_key
from ...analysis.words import t
from ...data.validation import defuse_formula
from ..contract import Document
from .sheets import DEFINITIONS_NAME, NUMBERS_NAME, Number, Sheet, definitions_table, header, unit_words

#: The licence of the open data (German government open data: Datenlizenz Deutschland – Namensnennung 2.0).
LICENCE: dict[str, str] = {
    "name": "dl-de-by-2.0",
    "path": "https://www.govdata.de/dl-de/by-2-0",
    "title": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
}

#: Suffix of the CSV files for German Excel.
EXCEL_SUFFIX = "_excel.csv"

#: The file name of the descriptor.
DESCRIPTOR = "datapackage.json"


def csv_files(document: Document, sheets: Sequence[Sheet], numbers: Sequence[Number]) -> dict[str, bytes]:
    """Every CSV file of the open data: name -> bytes (both variants of each sheet, all numbers, definitions)."""
    language = document.language
    files: dict[str, bytes] = {}
    for sheet in sheets:
        files[f"{sheet.name}.csv"] = _plain(_sheet_header(sheet), _sheet_rows(sheet, codes=True))
        files[f"{sheet.name}{EXCEL_SUFFIX}"] = _excel(
            _sheet_header(sheet, language), _sheet_rows(sheet, codes=False, language=language)
        )
    dims = _dimensions(numbers)
    files[f"{NUMBERS_NAME}.csv"] = _plain(_numbers_header(dims), _numbers_rows(numbers, dims))
    files[f"{NUMBERS_NAME}{EXCEL_SUFFIX}"] = _excel(
        _numbers_header(dims, language), _numbers_rows(numbers, dims, language)
    )
    definitions = catalogue_rows(language)
    files[f"{DEFINITIONS_NAME}.csv"] = _plain(list(definitions[0]), [list(row.values()) for row in definitions])
    files[f"{DEFINITIONS_NAME}{EXCEL_SUFFIX}"] = _excel(*definitions_table(language))
    return files


def descriptor(document: Document, sheets: Sequence[Sheet], numbers: Sequence[Number], name: str) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the plain CSV files (a JSON-ready dict).

    Parameters
    ----------
    name : str
        The package's name (lower case letters, digits, ``-``, ``.``, ``_``).
    """
    language = document.language
    provenance = document.provenance
    sources = [{"title": t("opendata.source", language, wave=document.wave, title=document.title)}]
    description = t("opendata.package_description", language, title=document.title, wave=document.wave)
    if document.notice:
        description = f"{document.notice}. {description}"
    package: dict[str, Any] = {
        "name": _package_name(name),
        "title": t("opendata.volume", language, title=document.title),
        "description": description,
        "licenses": [dict(LICENCE)],
        "sources": sources,
        "keywords": ["Modellprojekte Smart Cities", "MPSC", f"{document.wave}"],
        "resources": [_sheet_resource(sheet, language, document) for sheet in sheets]
        + [_numbers_resource(numbers, language, document), _definitions_resource(language)],
    }
    if provenance is not None:
        package["created"] = provenance.built_at
        package["provenance"] = provenance.as_dict()  # where the numbers come from: files with SHA-256, versions
    return package


def descriptor_bytes(package: dict[str, Any]) -> bytes:
    """The descriptor as the file holds it (UTF-8 JSON, indented, keys in a stable order)."""
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the rows ------------------------------------------------------------------------------------------------


def _sheet_header(sheet: Sheet, language: str | None = None) -> list[str]:
    if language is None:
        names = ["row", "row_label", *(["unit"] if sheet.row_units else []), *_field_names(sheet)]
        return names
    return [
        sheet.index_label,
        *([t("opendata.unit", language)] if sheet.row_units else []),
        *(header(column, language) for column in sheet.columns),
    ]


def _sheet_rows(sheet: Sheet, *, codes: bool, language: str = "de") -> list[list[object]]:
    rows = []
    for row in sheet.rows:
        head: list[object] = [row.code, row.label] if codes else [row.label]
        if sheet.row_units:
            head.append((row.unit or "") if codes else unit_words(row.unit, language))
        rows.append([*head, *row.values])
    return rows


def _field_names(sheet: Sheet) -> list[str]:
    """Field names of the value columns: their codes, made unique ("2023", "datasets_total")."""
    names: list[str] = []
    taken = {"row", "row_label", "unit"}
    for column in sheet.columns:
        name, number = column.code or "value", 1
        while name in taken:
            number += 1
            name = f"{column.code or 'value'}_{number}"
        taken.add(name)
        names.append(name)
    return names


def _dimensions(numbers: Iterable[Number]) -> list[str]:
    used = {dim for number in numbers for dim in parse_key(number.key)[1]}
    return [dim for dim in DIMENSIONS if dim in used]


def _numbers_header(dims: list[str], language: str | None = None) -> list[str]:
    if language is None:
        return ["key", "indicator", *dims, "label", "value", "unit", "sign"]
    words = [t(k, language) for k in ("opendata.key", "opendata.indicator")]
    tail = [t(k, language) for k in ("data.category", "opendata.value", "opendata.unit", "opendata.sign")]
    return [*words, *dims, *tail]


def _numbers_rows(numbers: Iterable[Number], dims: list[str], language: str | None = None) -> list[list[object]]:
    rows = []
    for number in numbers:
        id, found = parse_key(number.key)
        unit = (number.unit or "") if language is None else unit_words(number.unit, language)
        sign = "." if number.value is None else ""
        rows.append([number.key, id, *(found.get(dim, "") for dim in dims), number.label, number.value, unit, sign])
    return rows


# --- CSV -------------------------------------------------------------------------------------------------------


def _plain(head: list[str], rows: list[list[object]]) -> bytes:
    """UTF-8 CSV with ``,`` and decimal point (no BOM): what data tools read."""
    return _csv(head, rows, ",", ".").encode("utf-8")


def _excel(head: list[str], rows: list[list[object]]) -> bytes:
    """UTF-8 CSV with BOM, ``;`` and decimal comma: what German Excel opens correctly by a double click."""
    return ("\ufeff" + _csv(head, rows, ";", ",")).encode("utf-8")


def _csv(head: list[str], rows: list[list[object]], delimiter: str, decimal: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(defuse_formula(str(h)) for h in head)
    for row in rows:
        writer.writerow(_field(value, decimal) for value in row)
    return buffer.getvalue()


def _field(value: object, decimal: str) -> str:
    """A value as a CSV field: a number in full (decimal point or comma, no thousands separator), text inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return defuse_formula(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", decimal)
    return defuse_formula(str(value))


# --- the descriptor --------------------------------------------------------------------------------------------


def _sheet_resource(sheet: Sheet, language: str, document: Document) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [
        {"name": "row", "type": "string", "title": f"{sheet.index_label} (Code)", "constraints": {"required": True}},
        {"name": "row_label", "type": "string", "title": sheet.index_label},
    ]
    if sheet.row_units:
        fields.append({"name": "unit", "type": "string", "title": t("opendata.unit", language)})
    for name, column in zip(_field_names(sheet), sheet.columns, strict=True):
        values = [row.values[sheet.columns.index(column)] for row in sheet.rows]
        field: dict[str, Any] = {"name": name, "type": _type(column.kind, values), "title": header(column, language)}
        definition = _column_definition(sheet, sheet.columns.index(column), language)
        if definition:
            field["description"] = definition
        fields.append(field)
    return {
        "name": sheet.name,
        "path": f"{sheet.name}.csv",
        "title": sheet.title,
        "description": _resource_description(sheet, language, document),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True},
        "schema": {"fields": fields, "missingValues": [""]},
    }


def _numbers_resource(numbers: Sequence[Number], language: str, document: Document) -> dict[str, Any]:
    dims = _dimensions(numbers)
    fields = [
        {"name": "key", "type": "string", "title": t("opendata.key", language), "constraints": {"required": True}},
        {"name": "indicator", "type": "string", "title": t("opendata.indicator", language)},
        *({"name": dim, "type": "string", "title": dim} for dim in dims),
        {"name": "label", "type": "string", "title": t("data.category", language)},
        {"name": "value", "type": "number", "title": t("opendata.value", language)},
        {"name": "unit", "type": "string", "title": t("opendata.unit", language)},
        {"name": "sign", "type": "string", "title": t("opendata.sign", language), "description": _unknown(language)},
    ]
    return {
        "name": NUMBERS_NAME,
        "path": f"{NUMBERS_NAME}.csv",
        "title": t("opendata.numbers_title", language),
        "description": f"{t('opendata.source', language, wave=document.wave, title=document.title)}. "
        f"{_unknown(language)}",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True},
        "schema": {
            "fields": fields,
            "missingValues": [""],
            "primaryKey": ["key"],
            "foreignKeys": [{"fields": ["indicator"], "reference": {"resource": DEFINITIONS_NAME, "fields": ["id"]}}],
        },
    }


def _definitions_resource(language: str) -> dict[str, Any]:
    names = list(catalogue_rows(language)[0])
    return {
        "name": DEFINITIONS_NAME,
        "path": f"{DEFINITIONS_NAME}.csv",
        "title": t("opendata.definitions_title", language),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True},
        "schema": {"fields": [{"name": n, "type": "string"} for n in names], "primaryKey": ["id"]},
    }


def _type(kind: str, values: list[object]) -> str:
    if kind == "text" or any(isinstance(v, str) for v in values):
        return "string"
    numbers = [v for v in values if v is not None]
    return "integer" if numbers and all(isinstance(v, int) for v in numbers) else "number"


def _column_definition(sheet: Sheet, index: int, language: str) -> str:
    """The definition of the indicator a column shows (with its unit), "" when its cells have several."""
    ids = {parse_key(row.keys[index])[0] for row in sheet.rows if row.keys[index] is not None}
    if len(ids) != 1:
        return ""
    text = t(f"definition.{ids.pop()}", language)
    column = sheet.columns[index]
    if column.unit in ("per_project", "median"):
        stat = "mean" if column.unit == "per_project" else "median"
        text += " " + t(f"definition.stat.{stat}", language)
    words = unit_words(column.unit, language)
    return f"{text} ({t('opendata.unit', language)}: {words})" if words else text


def _resource_description(sheet: Sheet, language: str, document: Document) -> str:
    parts = [t("opendata.source", language, wave=document.wave, title=document.title) + "."]
    if sheet.row_units:
        parts += [f"{t(f'indicator.{id}', language)}: {t(f'definition.{id}', language)}" for id in sheet.indicators]
    parts.append(_unknown(language))
    if document.notice:
        parts.append(document.notice)
    return " ".join(parts)


def _unknown(language: str) -> str:
    return t("opendata.unknown_cell", language)


def _package_name(name: str) -> str:
    """A package name as the standard allows it: lower case letters, digits, ``-``, ``.``, ``_``."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "mpsc-report"
