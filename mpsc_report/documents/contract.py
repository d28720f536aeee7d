"""The document contract: what a notebook's outputs tell the exporters, the QA gates, provenance and diff.

Every block of :mod:`.blocks`, :mod:`.report` and :mod:`.factsheet` that others must know about carries one model of
this module in its output metadata (``metadata["mpsc_report"]``), written with :meth:`ContractBlock.metadata`;
:func:`read_document` reads them all back, once, into a :class:`Document`. Nothing else reads that metadata.

An executed notebook is a file anyone can edit, so reading is lenient: a missing or malformed field takes the
field's fallback (a notebook without a title page exports as "Bericht"), a block that cannot be read at all is left
out, and nothing in the metadata reaches HTML or PDF unescaped. Writing is strict: a block built with a wrong type
is a bug and raises at once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticUseDefault

from ..analysis.indicators import canonical_key, same_number
from ..analysis.words import t

#: Key of the output metadata that holds a block's contract.
METADATA_KEY = "mpsc_report"

#: Validation context of :func:`read_document`: malformed fields fall back instead of raising.
_LENIENT = "lenient"

#: Shown for anything that cannot be determined (no git checkout, package not installed).
UNKNOWN = "unbekannt"


def _fall_back(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """Validate; when reading a notebook (lenient context), an invalid value becomes the field's default."""
    try:
        return handler(value)
    except ValidationError:
        if info.context and info.context.get(_LENIENT):
            raise PydanticUseDefault() from None
        raise


def _none_if_invalid(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """Like :func:`_fall_back` for values of a mapping (which have no default): an invalid value becomes None."""
    try:
        return handler(value)
    except ValidationError:
        if info.context and info.context.get(_LENIENT):
            return None
        raise


def _wave_text(value: Any) -> Any:
    """A wave id is text; a number (``2023`` typed into the metadata) is read as its digits."""
    return str(value) if type(value) is int else value


#: Marks a field that falls back to its default when a notebook holds something invalid.
_OR_DEFAULT = WrapValidator(_fall_back)

#: Text shown to readers: stripped of surrounding white space.
Text = Annotated[StrictStr, WrapValidator(lambda v, h, i: _fall_back(v, h, i).strip())]

#: A wave id such as "2023".
WaveId = Annotated[StrictStr, WrapValidator(lambda v, h, i: _fall_back(_wave_text(v), h, i).strip())]


def _finite_or_none(value: int | float | None) -> int | float | None:
    return None if isinstance(value, float) and not math.isfinite(value) else value


#: A number a document states (None: not a finite number, e.g. no project answered the item).
Number = Annotated[StrictInt | StrictFloat | None, AfterValidator(_finite_or_none), WrapValidator(_none_if_invalid)]

#: Numbers by key of the indicator catalogue (``"datasets_total"``, ``"partners_total[project=koeln]"``; see
#: :mod:`mpsc_report.analysis.indicators`), in the document's order: unit, definition and base of each come from
#: the catalogue entry the key names.
Numbers = dict[str, Number]

Language = Literal["de", "en"]

#: Page layouts: "report" (title page, contents, chapters) or "factsheet" (compact header, no contents).
Layout = Literal["report", "factsheet"]
LAYOUTS: tuple[str, ...] = get_args(Layout)


# ----------------------------------------------------------------------------------------------
# Provenance record


@dataclass(frozen=True)
class DataFile:
    """One file a document read, named relative to the project root when it lies inside it."""

    path: StrictStr
    sha256: StrictStr


@dataclass(frozen=True)
class Provenance:
    """Everything needed to say where a document's numbers came from and to rebuild it.

    Plain values only (text, lists, dicts), so the record travels in the colophon's metadata to the HTML ``<meta>``
    head and the PDF document information unchanged.
    """

    files: tuple[DataFile, ...]
    params: dict[str, Any]
    codebook: StrictStr
    versions: dict[str, StrictStr]
    git_commit: StrictStr
    git_dirty: StrictBool | None
    built_at: StrictStr
    extra: dict[str, StrictStr] = Field(default_factory=dict)

    @property
    def git_label(self) -> str:
        """The commit as shown to readers: ``"ab12cd3…"`` plus "(mit nicht eingecheckten Änderungen)" when dirty."""
        if self.git_commit == UNKNOWN:
            return UNKNOWN
        suffix = " (mit nicht eingecheckten Änderungen)" if self.git_dirty else ""
        return f"{self.git_commit}{suffix}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the form stored in notebook metadata)."""
        return _PROVENANCE.dump_python(self, mode="json")


_PROVENANCE: TypeAdapter[Provenance] = TypeAdapter(Provenance)


# ----------------------------------------------------------------------------------------------
# Blocks


class ContractBlock(BaseModel):
    """What one block of a document tells the exporters, the QA gates, provenance and diff."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: Fields left out of the stored form while they hold this value (readers get it back as the default).
    _omitted: ClassVar[dict[str, Any]] = {}

    def metadata(self) -> dict[str, Any]:
        """The output metadata of the block: ``{"mpsc_report": {...}}`` (JSON values only)."""
        omit = {name for name, value in self._omitted.items() if getattr(self, name) == value}
        return {METADATA_KEY: self.model_dump(mode="json", exclude=omit)}


class TitlePage(ContractBlock):
    """The report's title page or the factsheet's header: what the exporters put in the head, header and footer."""

    role: Literal["title-page"] = "title-page"
    #: The document's title; empty: "Bericht" ("Report"), see :attr:`Document.title`.
    title: Text = ""
    wave: WaveId = ""
    language: Annotated[Language, _OR_DEFAULT] = "de"
    #: Whether the data are the synthetic sample: then every page carries :attr:`notice`.
    sample_data: Annotated[StrictBool, _OR_DEFAULT] = False
    notice: Text = ""
    #: "report": title page, contents, chapters; "factsheet": compact header, no contents (stored only then).
    layout: Annotated[Layout, _OR_DEFAULT] = "report"

    _omitted: ClassVar[dict[str, Any]] = {"layout": "report"}


#: A cell of a data table as the document shows it: a number, text, or None (unknown: "." in the document).
Cell = Annotated[
    StrictInt | StrictFloat | StrictStr | None, AfterValidator(_finite_or_none), WrapValidator(_none_if_invalid)
]

#: How a column's numbers are printed: whole numbers, per cent (a share, 0.64 -> "64 %"), one decimal, or text.
ColumnKind = Literal["int", "percent", "decimal", "text"]


class Column(BaseModel):
    """A column of a data table: its header as shown, its code (an indicator id, a wave …) and how it prints."""

    model_config = ConfigDict(frozen=True)

    label: Text = ""
    code: Annotated[StrictStr, _OR_DEFAULT] = ""
    kind: Annotated[ColumnKind, _OR_DEFAULT] = "text"


class Row(BaseModel):
    """A row of a data table: its header as shown, its code, its cells and the key of each recorded number.

    ``keys[i]`` is the indicator key (:mod:`~mpsc_report.analysis.indicators`) of ``cells[i]`` when the cell is a
    number the block records (its value is then the block's ``numbers[key]``), None for text and other cells.
    """

    model_config = ConfigDict(frozen=True)

    label: Text = ""
    code: Annotated[StrictStr, _OR_DEFAULT] = ""
    cells: Annotated[list[Cell], _OR_DEFAULT] = Field(default_factory=list)
    keys: Annotated[list[StrictStr | None], _OR_DEFAULT] = Field(default_factory=list)


class TableData(BaseModel):
    """The cells of a figure's data table or of a table, as the document shows them (for the open-data files)."""

    model_config = ConfigDict(frozen=True)

    #: Header of the first column (the rows' headers).
    index_label: Text = ""
    columns: Annotated[tuple[Column, ...], _OR_DEFAULT] = ()
    rows: Annotated[tuple[Row, ...], _OR_DEFAULT] = ()


class Figure(ContractBlock):
    """A numbered figure: what the QA gates check (caption, alt text, something plotted)."""

    role: Literal["figure"] = "figure"
    number: Annotated[StrictInt | None, _OR_DEFAULT] = None
    caption: Text = ""
    alt: Text = ""
    #: Items the chart draws (bars, points …); 0 is an empty chart.
    data_points: Annotated[StrictInt, _OR_DEFAULT] = 0
    image_bytes: Annotated[StrictInt, _OR_DEFAULT] = 0
    #: Caption of the figure's data table ("Daten zu Abbildung 3: …"); None when the figure has no data table.
    data_caption: Annotated[StrictStr | None, _OR_DEFAULT] = None
    #: The numbers the figure shows (its data table), by indicator key.
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)
    #: The cells of its data table; None when the figure has none.
    data: Annotated[TableData | None, _OR_DEFAULT] = None

    _omitted: ClassVar[dict[str, Any]] = {"data_caption": None, "numbers": {}, "data": None}


class Table(ContractBlock):
    """A numbered table."""

    role: Literal["table"] = "table"
    number: Annotated[StrictInt | None, _OR_DEFAULT] = None
    caption: Text = ""
    #: The numbers the table shows, by indicator key.
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)
    #: Its cells as shown (None in a notebook built before tables recorded them).
    data: Annotated[TableData | None, _OR_DEFAULT] = None

    _omitted: ClassVar[dict[str, Any]] = {"numbers": {}, "data": None}


class KeyFigures(ContractBlock):
    """The key-figure tiles and the headline figures behind them (for the QA gates)."""

    role: Literal["key-figures"] = "key-figures"
    wave: WaveId = ""
    figures: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)
    #: The tiles' figures by indicator key.
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)

    _omitted: ClassVar[dict[str, Any]] = {"numbers": {}}


class Narrative(ContractBlock):
    """Generated sentences (text or a list); the QA gates compare their numbers with the key figures."""

    role: Literal["narrative"] = "narrative"
    wave: WaveId = ""
    #: The numbers the sentences state that no figure or table beside them records (a comparison wave's share).
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)

    _omitted: ClassVar[dict[str, Any]] = {"numbers": {}}


class Record(ContractBlock):
    """Numbers a block shows that are neither a figure's nor a numbered table's (the data-quality appendix)."""

    role: Literal["record"] = "record"
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)


class Colophon(ContractBlock):
    """The last block: where the numbers come from (provenance), the headline figures and every number stated."""

    role: Literal["colophon"] = "colophon"
    wave: WaveId = ""
    provenance: Annotated[Provenance | None, _OR_DEFAULT] = None
    #: Headline figures (the report's key figures; none for a factsheet).
    figures: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)
    #: Every number the document states about its wave (or project), by indicator key (for ``mpsc-report diff``,
    #: the manifest and the consistency gate); figures and tables record what they show themselves.
    numbers: Annotated[Numbers, _OR_DEFAULT] = Field(default_factory=dict)
    #: The project a factsheet is about ("" for a wave report): the QA gates read its sentences as about it.
    project: Text = ""
    #: Its name as the sentences write it ("Landkreis Hof"): a name, not a category, when the QA gates read them.
    project_name: Text = ""

    _omitted: ClassVar[dict[str, Any]] = {"project": "", "project_name": ""}


Block = Annotated[TitlePage | Figure | Table | KeyFigures | Narrative | Record | Colophon, Field(discriminator="role")]

_BLOCK: TypeAdapter[Block] = TypeAdapter(Block)


def finite_numbers(values: Mapping[Any, Any]) -> dict[str, int | float | None]:
    """``values`` as contract numbers: NumPy scalars become int or float, NaN, infinity and NA become None.

    Raises
    ------
    TypeError
        A value is neither a number nor missing (e.g. text): a bug in the block that records it.
    """
    return {str(name): _number(name, value) for name, value in values.items()}


def _number(name: Any, value: Any) -> int | float | None:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    if value is None or str(value) in ("<NA>", "NaT"):
        return None
    raise TypeError(f"number {name!r} is {value!r} ({type(value).__name__}), not a number or None")


# ----------------------------------------------------------------------------------------------
# Reading an executed notebook


B = TypeVar("B", bound=ContractBlock)


class Placed(BaseModel, Generic[B]):
    """A block where the notebook shows it: cell (from 1, as JupyterLab counts), output (from 0), plain text."""

    model_config = ConfigDict(frozen=True)

    cell: int
    output: int
    block: B
    #: The output's ``text/plain`` (the generated sentences of a narrative block).
    text: str = ""


class Document(BaseModel):
    """Everything the blocks of an executed notebook recorded, in the order the notebook shows them.

    Built by :func:`read_document`; the exporters read the title page (title, wave, language, notice, layout), the
    QA gates the figures, key figures, narrative and whether the colophon comes last, provenance the colophon's
    record, ``diff`` and the manifest the numbers.
    """

    model_config = ConfigDict(frozen=True)

    title_page: TitlePage = TitlePage()
    blocks: tuple[Placed[Any], ...] = ()
    #: Number of the last code cell with source, None when there is none.
    last_code_cell: int | None = None

    # --- what the exporters need --------------------------------------------------------------

    @property
    def title(self) -> str:
        """The title; "Bericht" ("Report") when the notebook names none."""
        return self.title_page.title or t("export.untitled", self.language)

    @property
    def wave(self) -> str:
        """The wave id, "" when unknown."""
        return self.title_page.wave

    @property
    def language(self) -> str:
        """Language of the document, "de" or "en"."""
        return self.title_page.language

    @property
    def sample_data(self) -> bool:
        """Whether the document is built on the synthetic sample."""
        return self.title_page.sample_data

    @property
    def notice(self) -> str:
        """The sample-data notice for every page, "" for real data."""
        if not self.sample_data:
            return ""
        return self.title_page.notice or t("sample_notice", self.language)

    @property
    def layout(self) -> str:
        """The page layout, "report" or "factsheet"."""
        return self.title_page.layout

    # --- blocks by role ---------------------------------------------------------------------------

    @property
    def figures(self) -> list[Placed[Figure]]:
        """The figures, in order."""
        return self._placed(Figure)

    @property
    def tables(self) -> list[Placed[Table]]:
        """The tables, in order."""
        return self._placed(Table)

    @property
    def key_figure_tiles(self) -> list[Placed[KeyFigures]]:
        """The key-figure blocks, in order."""
        return self._placed(KeyFigures)

    @property
    def narrative(self) -> list[Placed[Narrative]]:
        """The generated texts with their plain text, in order."""
        return self._placed(Narrative)

    @property
    def colophon(self) -> Colophon | None:
        """The colophon, if the notebook shows one."""
        found = self._placed(Colophon)
        return found[0].block if found else None

    @property
    def ends_with_colophon(self) -> bool:
        """Whether the last code cell shows the colophon (the notebook ran to its end)."""
        last = self.last_code_cell
        return last is not None and any(isinstance(p.block, Colophon) for p in self.blocks if p.cell == last)

    @property
    def provenance(self) -> Provenance | None:
        """The colophon's provenance record, if any."""
        colophon = self.colophon
        return colophon.provenance if colophon is not None else None

    @property
    def key_figures(self) -> dict[str, int | float | None]:
        """The headline figures: of the (first) key-figure tiles, else of the colophon; {} without either."""
        tiles = self.key_figure_tiles
        if tiles:
            return dict(tiles[0].block.figures)
        colophon = self.colophon
        return dict(colophon.figures) if colophon is not None else {}

    @property
    def numbers(self) -> dict[str, int | float | None]:
        """Every number the document states, by indicator key ({} without any).

        The colophon's record, then what the key-figure tiles, figures and tables record; the first value of a key
        wins (see :attr:`number_conflicts`).
        """
        merged: dict[str, int | float | None] = {}
        for _cell, recorded in self._recorded():
            for key, value in recorded.items():
                merged.setdefault(key, value)
        return merged

    @property
    def number_conflicts(self) -> list[tuple[str, list[tuple[int, int | float | None]]]]:
        """Keys two blocks record with different values: (key, [(cell, value), …]) in key order.

        Values are compared as shown in the document (nine significant digits), so the same mean computed twice
        agrees; a key without a wave is the document's wave (``datasets_total`` is ``datasets_total[wave=2023]``).
        """
        seen: dict[str, list[tuple[int, int | float | None]]] = {}
        for cell, recorded in self._recorded():
            for key, value in recorded.items():
                seen.setdefault(canonical_key(key, self.wave), []).append((cell, value))
        return [(key, found) for key, found in seen.items() if len({same_number(value) for _, value in found}) > 1]

    def _recorded(self) -> list[tuple[int, dict[str, int | float | None]]]:
        """(cell, numbers) of every block that records numbers, the colophon first."""
        found = [(p.cell, dict(p.block.numbers)) for p in self.blocks if isinstance(p.block, Colophon)][:1]
        found += [
            (p.cell, dict(p.block.numbers))
            for p in self.blocks
            if isinstance(p.block, KeyFigures | Figure | Table | Record | Narrative) and p.block.numbers
        ]
        return found

    def _placed(self, kind: type[B]) -> list[Placed[B]]:
        return [placed for placed in self.blocks if isinstance(placed.block, kind)]


def read_block(output: Mapping[str, Any]) -> ContractBlock | None:
    """The contract of one notebook output, or None when it carries none (or one that cannot be read).

    Parameters
    ----------
    output : mapping
        A ``display_data`` or ``execute_result`` output as nbformat reads it.
    """
    metadata = output.get("metadata")
    found = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(found, Mapping):
        return None
    try:
        return _BLOCK.validate_python(dict(found), context={_LENIENT: True})
    except ValidationError:  # an unknown role, or one without a readable shape
        return None


def read_document(nb: Mapping[str, Any]) -> Document:
    """Read every block's contract from an executed notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode or mapping
        An executed report or factsheet notebook (not modified).

    Returns
    -------
    Document
        The blocks in notebook order. Without a title page the title is the notebook's ``metadata.title``
        (else "Bericht"), with no wave and no notice.
    """
    placed: list[Placed[Any]] = []
    last_code_cell = None
    cells = nb.get("cells")
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        if str(cell.get("source") or "").strip():
            last_code_cell = number
        outputs = cell.get("outputs")
        for index, output in enumerate(outputs if isinstance(outputs, list) else []):
            block = read_block(output) if isinstance(output, Mapping) else None
            if block is not None:
                placed.append(Placed(cell=number, output=index, block=block, text=_plain_text(output)))
    title_pages = [p.block for p in placed if isinstance(p.block, TitlePage)]
    if title_pages:
        title_page = title_pages[0]
    else:
        metadata = nb.get("metadata")
        title = metadata.get("title") if isinstance(metadata, Mapping) else None
        title_page = TitlePage.model_validate({"title": title}, context={_LENIENT: True})
    return Document(title_page=title_page, blocks=tuple(placed), last_code_cell=last_code_cell)


def _plain_text(output: Mapping[str, Any]) -> str:
    data = output.get("data")
    text = data.get("text/plain", "") if isinstance(data, Mapping) else ""
    if isinstance(text, list):  # a notebook written without nbformat may split text into lines
        text = "".join(part for part in text if isinstance(part, str))
    return text if isinstance(text, str) else ""
