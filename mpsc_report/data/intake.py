"""Readers for real survey exports: CSV (UTF-8, BOM, cp1252; ``,`` or ``;``), Excel sheets and LimeSurvey + codebook.

Only :mod:`mpsc_report.data.load` calls this module. Readers return every cell as text together with where it came
from (physical CSV line or Excel sheet and cell), so :mod:`mpsc_report.data.validation` can name file, line, column and
value. Nothing is guessed: the encoding, separator and sheet come from the params; a file that does not match them
is an error that says which setting to change, never a silent lossy fallback.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from ..errors import DataError, ParamsError, library_detail
from .schema import WAVE_COLUMNS

#: Largest survey export read (bytes); bigger files are refused before parsing.
MAX_DATA_BYTES = 256 * 1024 * 1024

#: Longest single CSV field (characters); a 1 MB free-text answer fits, a runaway quote does not go unnoticed.
MAX_FIELD_CHARS = 16 * 1024 * 1024

#: Limits for an ``.xlsx`` (a zip file): total uncompressed size and number of entries.
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_ENTRIES = 10_000

#: Codebooks shipped with the package (``codebook: mpsc_2023`` in the params).
CODEBOOK_PACKAGE_DIR = "codebooks"

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "cp1252 (Windows-1252)"}

#: A wave id: it names files (``wave_<id>.csv``) and output folders, so only letters, digits, ``_`` and ``-``.
WAVE_ID = r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$"


class IntakeParams(BaseModel):
    """How the waves' survey exports are read and what happens to invalid rows (``intake:`` in the params file).

    Every setting is explicit: the encoding is never guessed with a lossy fallback, the separator is never sniffed,
    and the Excel sheet is always named. The defaults match the bundled sample (UTF-8 CSV with commas). The settings
    apply to every wave of the data folder; ``waves`` gives single waves their own settings (a history that mixes
    formats), each entry overriding the common settings key by key (see :meth:`for_wave`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format: Literal["csv", "xlsx", "limesurvey"] = Field(
        default="csv", description="csv: our columns; xlsx: our columns in a named sheet; limesurvey: response export"
    )
    encoding: Literal["utf-8", "utf-8-sig", "cp1252"] = Field(
        default="utf-8", description="text encoding of CSV files; a byte-order mark is always accepted with utf-8"
    )
    separator: Literal[",", ";", "\t"] = Field(default=",", description="field separator of CSV files")
    decimal: Literal[".", ","] = Field(
        default=".", description="decimal mark of numbers; with ',' a '.' is read as thousands separator (1.043)"
    )
    sheet: str | None = Field(default=None, max_length=31, description="worksheet name, required for xlsx")
    header_row: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="row (xlsx) or line (csv) holding the column names; rows above it, such as a group header "
        "('Stammdaten' over several columns), are skipped",
    )
    codebook: str | None = Field(
        default=None,
        max_length=200,
        description="codebook YAML mapping question codes to columns (limesurvey); a name shipped with the "
        "package such as 'mpsc_2023', or a file relative to the params file",
    )
    on_invalid: Literal["reject", "quarantine"] = Field(
        default="reject", description="reject the file on any invalid row, or set invalid rows aside and go on"
    )
    waves: dict[str, IntakeParams] = Field(
        default_factory=dict,
        description="wave id -> the settings in which that wave differs from the ones above (key by key)",
    )

    @model_validator(mode="before")
    @classmethod
    def _merge_wave_settings(cls, values: Any) -> Any:
        """Complete each wave's entry with the common settings, so every entry is validated as a whole."""
        if not isinstance(values, dict) or not isinstance(values.get("waves"), dict):
            return values
        common = {k: v for k, v in values.items() if k != "waves"}
        merged = {}
        for wave, own in values["waves"].items():
            if not isinstance(wave, str) or not re.match(WAVE_ID, wave):
                raise ValueError(f'waves: {wave!r} is not a wave id; write it quoted in YAML, e.g. "{wave}"')
            if isinstance(own, dict) and "waves" in own:
                raise ValueError(f"waves.{wave}: a wave's settings cannot list waves of their own")
            merged[wave] = {**common, **own} if isinstance(own, dict) else own
        return {**values, "waves": merged}

    @model_validator(mode="after")
    def _check_format(self) -> IntakeParams:
        if self.format == "xlsx" and not self.sheet:
            raise ValueError("format 'xlsx' needs `sheet: <worksheet name>` (the sheet is never guessed)")
        if self.format == "limesurvey" and not self.codebook:
            raise ValueError("format 'limesurvey' needs `codebook: <name or file>` mapping question codes to columns")
        if self.separator == self.decimal:
            raise ValueError(f"separator and decimal mark are both {self.separator!r}")
        return self

    @model_serializer(mode="wrap")
    def _omit_defaults_added_later(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Without per-wave settings or a header row other than 1, the settings read (and are printed in the
        # colophon, and fingerprinted) as before these settings existed.
        data = handler(self)
        if not data.get("waves"):
            data.pop("waves", None)
        if data.get("header_row") == 1:
            data.pop("header_row", None)
        return data

    def for_wave(self, wave: str) -> IntakeParams:
        """The settings ``wave`` is read with: its own entry of ``waves``, else the common settings."""
        own = self.waves.get(wave)
        return own if own is not None else self.model_copy(update={"waves": {}})


@dataclass(frozen=True)
class Table:
    """Cells of one CSV file or worksheet as text (``None`` = empty cell), with where each row came from.

    ``lines`` holds, per row, the 1-based physical line of a CSV record's first line (the header is line 1) or the
    worksheet row number. ``problems`` are row-level parse problems (ragged rows, formulas without a value) as
    ``(row index, column, value, message, fix)``; the row stays in the table so it is counted as read.
    ``sha256`` is the digest of the very bytes that were parsed, so the file is never read a second time to hash it.
    """

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    lines: tuple[int, ...]
    sheet: str | None = None
    encoding: str | None = None
    problems: tuple[tuple[int, str, str, str, str], ...] = ()
    columns_from: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

    @property
    def name(self) -> str:
        """File name as shown in messages."""
        return self.path.name

    def where(self, row: int | None, column: str | None = None) -> str:
        """Location in words: ``wave.csv line 5`` or ``wave.xlsx sheet 'Antworten' cell C5``."""
        if row is None:
            return self.name
        line = self.lines[row]
        if self.sheet is None:
            return f"{self.name} line {line}"
        source = self.columns_from.get(column or "", column or "")
        if source in self.header:
            return f"{self.name} sheet {self.sheet!r} cell {_column_letter(self.header.index(source))}{line}"
        return f"{self.name} sheet {self.sheet!r} row {line}"

    def cell_ref(self, row: int, column: str) -> tuple[int | None, str, str]:
        """(CSV line or None, sheet, cell address) of one cell, for the failure list."""
        if self.sheet is None:
            return self.lines[row], "", ""
        source = self.columns_from.get(column, column)
        letter = _column_letter(self.header.index(source)) if source in self.header else ""
        return None, self.sheet, f"{letter}{self.lines[row]}" if letter else ""


# --- CSV ------------------------------------------------------------------------------------------------------


def read_csv_table(path: Path, encoding: str = "utf-8", separator: str = ",", header_row: int = 1) -> Table:
    """Read a CSV export strictly: declared encoding, declared separator, physical line numbers kept.

    Parameters
    ----------
    path : Path
        The file; it is only read.
    encoding : {"utf-8", "utf-8-sig", "cp1252"}
        Declared encoding; with UTF-8 a byte-order mark is removed.
    separator : {",", ";", tab}
        Declared field separator.
    header_row : int
        Physical line of the column names; the lines above it (a group header) are skipped.

    Returns
    -------
    Table
        Header and rows as text; empty cells are ``None``.

    Raises
    ------
    DataError
        Empty file, wrong encoding (with the setting to use), separator mismatch, duplicate or empty column
        names (a group header above them is named as such), an unterminated quote.
    """
    data = _read_bytes(path)
    text = decode_text(path, data, encoding)
    if not text.strip():
        raise DataError(f"{path.name} is empty (no header, no answers). Export the survey again.")
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        return _parse_csv(path, text, encoding, separator, hashlib.sha256(data).hexdigest(), header_row)
    finally:
        csv.field_size_limit(previous)


def decode_text(path: Path, data: bytes, encoding: str) -> str:
    """Decode a file's bytes with the declared encoding; say which setting fits when it does not."""
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            hint = "save it as UTF-8 or declare its encoding"
            try:
                data.decode("cp1252")
                hint = "the file looks like cp1252 (Windows) — set `intake: {encoding: cp1252}` in the params"
            except UnicodeDecodeError:
                pass
            raise DataError(
                f"{path.name}: not valid UTF-8 at line {line} (byte 0x{data[exc.start]:02X}); {hint}."
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        raise DataError(
            f"{path.name} starts with a UTF-8 byte-order mark but the params say {encoding}; "
            "set `intake: {encoding: utf-8}`."
        )
    if any(b >= 0x80 for b in data):
        try:
            sample = data.decode("utf-8")
        except UnicodeDecodeError:
            sample = None
        if sample is not None:
            first = next(i for i, ch in enumerate(sample) if ord(ch) >= 0x80)
            line = sample[:first].count("\n") + 1
            word = sample[max(0, first - 10) : first + 10].split()
            raise DataError(
                f"{path.name} is UTF-8 (e.g. {' '.join(word)!r} at line {line}) but the params say {encoding}; "
                "reading it as cp1252 would garble umlauts — set `intake: {encoding: utf-8}`."
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path.name}: byte 0x{data[exc.start]:02X} at line {line} is not valid {_ENCODING_NAMES[encoding]}; "
            "check how the file was exported."
        ) from None


def _parse_csv(path: Path, text: str, encoding: str, separator: str, sha256: str, header_row: int = 1) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if record:
                records.append((start, record))
    except csv.Error as exc:
        raise DataError(
            f"{path.name} line {end + 1}: cannot be read as CSV — a quoted field is probably never closed; "
            'close the quote ("…") or remove it. Nothing after this line could be read.',
            detail=library_detail(exc),
        ) from None
    if not records:
        raise DataError(f"{path.name} is empty (no header, no answers). Export the survey again.")
    starts = [line for line, _ in records]
    if header_row not in starts:
        raise DataError(
            f"{path.name}: `intake: {{header_row: {header_row}}}` but no row starts at line {header_row} "
            f"(rows start at lines {', '.join(map(str, starts[:5]))}{', …' if len(starts) > 5 else ''}); "
            "set header_row to the line with the column names."
        )
    first = starts.index(header_row)
    header = tuple(records[first][1])
    following = next((tuple(record) for _, record in records[first + 1 :]), ())
    _check_header(path, header, separator, _CsvPlace(header_row), following)
    rows, lines, problems = [], [], []
    width = len(header)
    for index, (line, record) in enumerate(records[first + 1 :]):
        cells = [c if c != "" else None for c in record]
        if len(cells) != width:
            kind = "more" if len(cells) > width else "fewer"
            problems.append(
                (
                    index,
                    "",
                    separator.join(record)[:80],
                    f"the row has {len(cells)} fields, {kind} than the {width} columns of the header",
                    f"a stray {separator!r} or a missing one? Quote text containing {separator!r}",
                )
            )
            cells = (cells + [None] * width)[:width]
        rows.append(tuple(cells))
        lines.append(line)
    return Table(path, header, tuple(rows), tuple(lines), encoding=encoding, problems=tuple(problems), sha256=sha256)


@dataclass(frozen=True)
class _CsvPlace:
    """Where a CSV header is, in a CSV file's words: lines and column numbers."""

    line: int

    @property
    def header(self) -> str:
        return f"line {self.line}"

    @property
    def next(self) -> str:
        return "the next line"

    def columns(self, indexes: list[int]) -> str:
        return _listed("column", [str(i + 1) for i in indexes])


@dataclass(frozen=True)
class _SheetPlace:
    """Where a worksheet's header is, in Excel's words: sheet, row and cells."""

    sheet: str
    row: int
    next_row: int | None = None

    @property
    def header(self) -> str:
        return f"sheet {self.sheet!r} row {self.row}"

    @property
    def next(self) -> str:
        return f"row {self.next_row}"

    def columns(self, indexes: list[int]) -> str:
        return _listed("cell", [f"{_column_letter(i)}{self.row}" for i in indexes])


def _listed(noun: str, items: list[str]) -> str:
    """``column 3``, ``columns 30 and 31``, ``columns 2, 3, 4``."""
    if len(items) == 1:
        return f"{noun} {items[0]}"
    if len(items) == 2:
        return f"{noun}s {items[0]} and {items[1]}"
    return f"{noun}s {', '.join(items)}"


def _check_header(
    path: Path, header: tuple[str, ...], separator: str, place: _CsvPlace | _SheetPlace, following: tuple = ()
) -> None:
    """Refuse a header with a separator mismatch, empty or duplicate names; recognise a group header above it.

    ``following`` is the row after the header (raw values): when the header has gaps and that row is a full row
    of distinct names, the header is a group header ("Stammdaten" over several columns) and the message says
    which ``header_row`` to set.
    """
    if separator and len(header) == 1:
        others = [s for s in (";", ",", "\t") if s != separator and s in header[0]]
        if others:
            shown = header[0] if len(header[0]) <= 60 else header[0][:60] + "…"
            raise DataError(
                f"{path.name}: found 1 column {shown!r} — separator mismatch? The params say {separator!r} but the "
                f"header contains {others[0]!r}; set `intake: {{separator: {others[0]!r}}}`."
            )
    _check_group_header(path, header, place, following)
    empty = [i for i, name in enumerate(header) if not name.strip()]
    if empty:
        raise DataError(
            f"{path.name} {place.header}: no column name in {place.columns(empty)}; name the column(s) or delete them."
        )
    seen: dict[str, int] = {}
    dupes = []
    for i, name in enumerate(header):
        if name in seen:
            dupes.append(f"{name!r} ({place.columns([seen[name], i])})")
        seen.setdefault(name, i)
    if dupes:
        raise DataError(
            f"{path.name} {place.header}: duplicate column name(s) {', '.join(dupes)}; each column needs its own "
            "name (nothing is renamed silently)."
        )


def _check_group_header(path: Path, header: tuple[str, ...], place: _CsvPlace | _SheetPlace, following: tuple) -> None:
    names = [v.strip() if isinstance(v, str) else v for v in following]
    while names and names[-1] in (None, ""):
        names.pop()
    gaps = [i for i in range(len(names)) if i >= len(header) or not header[i].strip()]
    texts = [n for n in names if isinstance(n, str) and n and not _NUMBER_LIKE.match(n)]
    if not gaps or len(names) < 2 or len(texts) != len(names) or len(set(texts)) != len(texts):
        return
    groups = [name for name in header if name.strip()]
    row = place.next_row if isinstance(place, _SheetPlace) else place.line + 1
    raise DataError(
        f"{path.name} {place.header} looks like a group header ({', '.join(map(repr, groups[:3]))} above several "
        f"columns); the column names are in {place.next} — set `intake: {{header_row: {row}}}`."
    )


#: A value that reads as a number or a date: a data row, not a row of column names.
_NUMBER_LIKE = re.compile(r"^[+-]?[\d.,:\s/-]+$")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            raise DataError(
                f"{path.name}: {size} bytes is larger than the {MAX_DATA_BYTES} bytes a survey export may be."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found.") from None
    except PermissionError as exc:
        raise DataError(
            f"{path}: permission denied; give the user running the build read access.", detail=library_detail(exc)
        ) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read (a folder, or a broken disk?).", detail=library_detail(exc)) from None


# --- Excel ----------------------------------------------------------------------------------------------------


def read_xlsx_table(path: Path, sheet: str, header_row: int = 1) -> Table:
    """Read one named worksheet of an ``.xlsx`` workbook as text (cached values; formulas without one flagged).

    Parameters
    ----------
    path : Path
        The workbook; it is only read.
    sheet : str
        Worksheet name; never guessed.
    header_row : int
        Row of the column names; the rows above it (a group header) are skipped.

    Raises
    ------
    DataError
        Not an Excel file, too large, no such sheet, an empty sheet, empty or duplicate column names (a group
        header above them is named as such); every message names the sheet and the row or cell.
    """
    data = _read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        looks = "looks like CSV text" if _looks_like_text(data) else "unknown format"
        raise DataError(
            f"{path.name} is not an Excel file ({looks}); save it as .xlsx, or set `intake: {{format: csv}}` "
            "and name it .csv."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_XLSX_ENTRIES or sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED:
                raise DataError(f"{path.name}: the workbook unpacks to more than we read (zip bomb?); refused.")
            declares = _declares_entities(archive, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DataError(
            f"{path.name} is a damaged Excel file (its zip container cannot be opened); save it again as .xlsx.",
            detail=library_detail(exc),
        ) from None
    if declares:
        raise DataError(_XML_DECLARATIONS.format(name=path.name), detail=f"in the part {declares}")
    # openpyxl parses with lxml (entities not resolved) or, without lxml, through defusedxml (declarations refused)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        values, formulas = _read_sheet(openpyxl, path, data, sheet)
    except (InvalidFileException, *_BROKEN_WORKBOOK) as exc:
        raise DataError(_broken_workbook(path, exc), detail=library_detail(exc)) from None
    return _sheet_table(path, sheet, values, formulas, hashlib.sha256(data).hexdigest(), header_row)


def _read_sheet(openpyxl: Any, path: Path, data: bytes, sheet: str) -> tuple[list[tuple], list[tuple[int, int, str]]]:
    """The cached values of a sheet and where its formulas are (read-only mode parses the XML while iterating)."""
    values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except BaseException:
        values_book.close()
        raise
    try:
        if sheet not in values_book.sheetnames:
            raise DataError(
                f"{path.name} has no sheet {sheet!r} (sheets: {', '.join(map(repr, values_book.sheetnames))}); "
                "set `intake: {sheet: …}` to the sheet with the answers."
            )
        values = [tuple(r) for r in values_book[sheet].iter_rows(values_only=True)]
        formulas = [
            (cell.row, cell.column, str(cell.value))
            for row in formula_book[sheet].iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        ]
    finally:
        values_book.close()
        formula_book.close()
    return values, formulas


#: What openpyxl (and defusedxml, ElementTree, zipfile under it) raise for a workbook it cannot read, besides its
#: own InvalidFileException: a missing or broken part, invalid XML, refused declarations (defusedxml's errors are
#: ValueErrors), values of the wrong type.
_BROKEN_WORKBOOK = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    zipfile.BadZipFile,
)


_XML_DECLARATIONS = (
    "{name} contains XML document-type or entity declarations, which an Excel file never needs and which can be "
    "used to attack the reader (an XML bomb or a file read); refused. Open it in Excel or LibreOffice and save it "
    "again as .xlsx, or export the answers as CSV."
)


def _declares_entities(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """The first XML part of a workbook with a document-type or entity declaration, or None.

    Checked on the bytes, before any XML parser sees them, whichever parser openpyxl uses: in XML a literal
    ``<!`` outside markup declarations, comments and CDATA (which Excel does not write) is impossible, so the
    search has no false alarms on cell text (written as ``&lt;!``).
    """
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            content = archive.read(info)
            if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                return info.filename
    return None


def _broken_workbook(path: Path, exc: BaseException) -> str:
    """Our sentence for a workbook openpyxl could not read: XML declarations named as such."""
    chain, current = [], exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if any(type(e).__module__.startswith("defusedxml") for e in chain):
        return _XML_DECLARATIONS.format(name=path.name)
    return f"{path.name} is not a readable Excel workbook (a part is missing or damaged); save it again as .xlsx."


def _sheet_table(
    path: Path,
    sheet: str,
    values: list[tuple],
    formulas: list[tuple[int, int, str]],
    sha256: str,
    header_row: int = 1,
) -> Table:
    numbered = [(i + 1, r) for i, r in enumerate(values) if any(v is not None and str(v).strip() for v in r)]
    if not numbered:
        raise DataError(f"{path.name} sheet {sheet!r} is empty: no data. Choose the sheet with the answers.")
    if header_row not in (number for number, _ in numbered):
        found = next((number for number, _ in numbered if number > header_row), numbered[0][0])
        raise DataError(
            f"{path.name} sheet {sheet!r} row {header_row} is empty, but the column names must be there; they "
            f"seem to be in row {found} — set `intake: {{header_row: {found}}}`."
        )
    first = next(i for i, (number, _) in enumerate(numbered) if number == header_row)
    header_values = numbered[first][1]
    while header_values and header_values[-1] is None:
        header_values = header_values[:-1]
    header = tuple("" if v is None else str(v) for v in header_values)
    following = numbered[first + 1] if first + 1 < len(numbered) else (None, ())
    _check_header(path, header, "", _SheetPlace(sheet, header_row, following[0]), tuple(following[1]))
    width = len(header)
    formula_at = {(r, c): f for r, c, f in formulas}
    rows, lines, problems = [], [], []
    for index, (row_number, raw) in enumerate(numbered[first + 1 :]):
        cells = tuple(_cell_text(v) for v in (tuple(raw) + (None,) * width)[:width])
        for col, value in enumerate(cells):
            formula = formula_at.get((row_number, col + 1))
            if formula is not None and value is None:
                problems.append(
                    (
                        index,
                        header[col],
                        formula,
                        "formula without a saved value",
                        "open and save the workbook in Excel or LibreOffice, or paste the values",
                    )
                )
        extra = [v for v in tuple(raw)[width:] if v is not None]
        if extra:
            problems.append(
                (index, "", str(extra[0]), "a value right of the last named column", "name the column or delete it")
            )
        rows.append(cells)
        lines.append(row_number)
    return Table(path, header, tuple(rows), tuple(lines), sheet=sheet, problems=tuple(problems), sha256=sha256)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text != "" else None


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Codebook (LimeSurvey) ------------------------------------------------------------------------------------


class CodebookColumn(BaseModel):
    """How one of our columns is read from the export: its question code and, optionally, its answer codes."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    question: str = Field(min_length=1, max_length=100, description="header in the export, e.g. G02Q01[SQ001]")
    answers: dict[str, str] = Field(default_factory=dict, description="answer code -> our value")
    missing: dict[str, str] = Field(default_factory=dict, description="special code -> reason it counts as missing")
    key: Literal["project_id", "ags"] = Field(
        default="project_id", description="for project_id only: the answers are register slugs or AGS keys"
    )


class Codebook(BaseModel):
    """A questionnaire version's mapping from export headers and codes to our schema (``codebooks/*.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(min_length=1, max_length=100)
    questionnaire: str = Field(default="", max_length=300, description="questionnaire version it describes")
    missing: dict[str, str] = Field(
        default_factory=dict, description="special codes valid in every numeric column -> reason"
    )
    columns: dict[str, CodebookColumn]

    @model_validator(mode="after")
    def _check_columns(self) -> Codebook:
        unknown = sorted(set(self.columns) - set(WAVE_COLUMNS))
        if unknown:
            raise ValueError(f"unknown column(s) {unknown} (our columns: {', '.join(WAVE_COLUMNS)})")
        questions = [c.question for c in self.columns.values()]
        dupes = sorted({q for q in questions if questions.count(q) > 1})
        if dupes:
            raise ValueError(f"question(s) {dupes} are mapped to more than one column")
        if any(c.key != "project_id" for name, c in self.columns.items() if name != "project_id"):
            raise ValueError("`key` is only allowed for the column project_id")
        return self

    def missing_codes(self, column: str) -> dict[str, str]:
        """Special codes of one column (its own plus the codebook-wide ones) -> reason."""
        own = self.columns[column].missing if column in self.columns else {}
        return {**self.missing, **own}

    def answers(self, column: str) -> dict[str, str]:
        """Answer codes of one column -> our values (empty: values are taken as they are)."""
        return dict(self.columns[column].answers) if column in self.columns else {}

    def project_key(self) -> str:
        """Whether the project column holds register slugs (``project_id``) or AGS keys (``ags``)."""
        return self.columns["project_id"].key if "project_id" in self.columns else "project_id"


#: Special codes in numeric columns of our own CSV and Excel files (no codebook): code -> reason.
DEFAULT_MISSING_CODES: dict[str, str] = {
    "keine Angabe": "keine Angabe",
    "k. A.": "keine Angabe",
    "k.A.": "keine Angabe",
    "weiß nicht": "weiß nicht",
}

#: The codebook used for files already in our columns.
IDENTITY_CODEBOOK = Codebook(
    name="(eigene Spalten)",
    missing=DEFAULT_MISSING_CODES,
    columns={c: CodebookColumn(question=c) for c in WAVE_COLUMNS},
)


@dataclass(frozen=True)
class CodebookFile:
    """A loaded codebook and the file it came from."""

    codebook: Codebook
    path: Path | None
    sha256: str


def codebook_path(reference: str) -> Path:
    """Resolve ``intake.codebook``: a name shipped with the package (``mpsc_2023``) or a YAML file."""
    if reference.endswith((".yaml", ".yml")):
        return Path(reference)
    shipped = Path(str(resources.files("mpsc_report.data") / CODEBOOK_PACKAGE_DIR))
    path = shipped / f"{reference}.yaml"
    if not path.is_file():
        names = sorted(p.stem for p in shipped.glob("*.yaml"))
        raise ParamsError(
            f"codebook {reference!r} is not shipped with the package (available: {', '.join(names) or 'none'}); "
            "give a shipped name or a path to a .yaml file."
        )
    return path


def parse_codebook(path: Path, content: dict[str, Any], sha256: str) -> CodebookFile:
    """Validate a codebook mapping read from ``path`` (raises :class:`ParamsError` naming key and fix)."""
    try:
        return CodebookFile(Codebook.model_validate(content), path, sha256)
    except ValidationError as exc:
        lines = [f"{path}: {exc.error_count()} problem(s) in the codebook:"]
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"]) or "(whole file)"
            hint = ""
            if isinstance(error.get("input"), int | float) and not isinstance(error.get("input"), bool):
                hint = " — quote codes and values in YAML, e.g. '99'"
            if error["type"] == "extra_forbidden":
                lines.append(f"  - unknown key {key!r}")
            else:
                lines.append(f"  - {key}: {error['msg']} (got {error.get('input')!r}){hint}")
        raise ParamsError("\n".join(lines)) from None


def apply_codebook(table: Table, codebook: Codebook) -> Table:
    """Keep the columns the codebook maps and name them as in our schema; other export columns are dropped.

    Raises
    ------
    DataError
        A mapped question code is not a column of the export (with the closest header as a hint).
    """
    header = list(table.header)
    missing = []
    for column, spec in codebook.columns.items():
        if spec.question not in header:
            near = difflib.get_close_matches(spec.question, header, n=1)
            hint = f" (closest header: {near[0]!r})" if near else ""
            missing.append(f"{spec.question!r} for {column!r}{hint}")
    if missing:
        raise DataError(
            f"{table.name}: question code(s) of codebook {codebook.name!r} not in the export: {'; '.join(missing)}. "
            "Is this the codebook of this questionnaire version? Fix the codebook or the params' `intake.codebook`."
        )
    picks = {column: header.index(spec.question) for column, spec in codebook.columns.items()}
    rows = tuple(tuple(row[i] for i in picks.values()) for row in table.rows)
    renamed = tuple(picks)
    sources = {column: codebook.columns[column].question for column in picks}
    problems = tuple(
        (row, next((c for c, q in sources.items() if q == col), col) if col else "", value, message, fix)
        for row, col, value, message, fix in table.problems
    )
    return Table(table.path, renamed, rows, table.lines, table.sheet, table.encoding, problems, sources, table.sha256)
