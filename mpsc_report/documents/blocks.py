"""The blocks a report or factsheet notebook displays: text, lists, notes, key figures, figures, tables, quotes.

Every string that reaches HTML passes through :func:`escape_text` here — the one escaping boundary. This is also
the edge where codes become words: :meth:`Blocks.label` turns the codes of a metric's result into the words of the
document's language, and captions and headers written in the notebook are looked up in the same word catalogue
(:func:`~mpsc_report.analysis.words.t`). Blocks are notebook outputs with ``text/html`` (escaped) and
``text/plain``; the exporters style them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from ..analysis import charts, narrative
from ..analysis.formatting import format_int, format_number, format_percent
from ..analysis.words import t
from ..errors import DataError
from . import contract

#: Longest free-text answer shown in full; longer ones are shortened for display (never in the data).
MAX_ANSWER_CHARS = 400

#: Marker appended to an answer shortened for display.
SHORTENED_MARK = " … [gekürzt]"


def escape_text(text: object, limit: int | None = None) -> str:
    """Escape any text for HTML; optionally shorten it visibly to ``limit`` characters first.

    Parameters
    ----------
    text : object
        Untrusted or computed text; ``None`` becomes an empty string.
    limit : int, optional
        Maximum number of characters kept before the marker " … [gekürzt]".

    Returns
    -------
    str
        Text safe to place between HTML tags or inside a quoted attribute.
    """
    value = "" if text is None else str(text)
    if limit is not None and len(value) > limit:
        value = value[:limit].rstrip() + SHORTENED_MARK
    return html.escape(value, quote=True)


@dataclass(frozen=True)
class Block:
    """One displayable piece of the report: escaped HTML plus a plain-text twin."""

    html: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        data = {"text/html": self.html, "text/plain": self.text}
        return data, dict(self.metadata)


class Blocks:
    """The generic blocks a report notebook displays: text, lists, notes, key figures, figures, tables, quotes.

    Shared by :class:`Report` and the project factsheet; a subclass provides ``params.language``.
    Figure and table numbers count up per document as the notebook displays them.
    """

    params: Any

    def __init__(self) -> None:
        self._figures = 0
        self._tables = 0

    @property
    def language(self) -> str:
        """Language of the document, ``"de"`` or ``"en"``."""
        return self.params.language

    def t(self, key: str, **values: object) -> str:
        """The word catalogue's entry ``key`` (or German text written in the notebook) in the document's language."""
        return t(key, self.language, **values)

    def label(self, data: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
        """``data`` keyed by codes, as a metric returns it, with the words of the document's language (for charts).

        Each named axis is labelled by its name: index values of an axis named ``"kind"`` become the catalogue's
        ``"kind.<code>"`` words; a Series' name is an indicator id (``"indicator.<name>"``). Axes named ``wave``,
        ``state`` or ``project`` hold ids and names shown as they are; unnamed axes stay as they are. Axis names
        are dropped: headers come from the caller (``data_index_label``, ``index_label``).
        """
        return label_data(data, self.language)

    def _key_figure_values(self) -> dict[str, float | int | None]:
        """Headline figures recorded with the key-figure tiles (for the QA gates); none by default."""
        return {}

    def text(self, paragraphs: str | Iterable[str]) -> Block:
        """One or more paragraphs of generated narrative."""
        items = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
        body = "".join(f'<p class="mpsc-text">{escape_text(p)}</p>' for p in items)
        return Block(body, "\n\n".join(items), contract.Narrative(wave=self.params.wave).metadata())

    def bullets(self, items: Sequence[str]) -> Block:
        """A list of generated sentences."""
        body = "".join(f"<li>{escape_text(i)}</li>" for i in items)
        meta = contract.Narrative(wave=self.params.wave).metadata()
        return Block(f'<ul class="mpsc-list">{body}</ul>', "\n".join(f"- {i}" for i in items), meta)

    def note(self, text: str) -> Block:
        """A highlighted note (e.g. the sample-data notice or a caveat)."""
        return Block(f'<aside class="mpsc-note">{escape_text(text)}</aside>', text)

    def key_figure_tiles(self, tiles: Sequence[tuple[str, str]]) -> Block:
        """A grid of key figures: (formatted value, label) pairs."""
        cells = "".join(
            f'<div class="mpsc-kf"><span class="mpsc-kf-value">{escape_text(v)}</span>'
            f'<span class="mpsc-kf-label">{escape_text(label)}</span></div>'
            for v, label in tiles
        )
        plain = "\n".join(f"{v}  {label}" for v, label in tiles)
        # The figures behind the tiles, for the QA gates (finite? do the sentences agree?); NaN is stored as None.
        meta = contract.KeyFigures(wave=self.params.wave, figures=self._key_figure_values()).metadata()
        return Block(f'<div class="mpsc-key-figures">{cells}</div>', plain, meta)

    def figure(
        self,
        fig: Figure,
        caption: str,
        alt: str | None = None,
        data: pd.Series | pd.DataFrame | None = None,
        data_formats: dict[str, str] | None = None,
        data_index_label: str = "",
    ) -> Block:
        """A numbered figure with caption, alt text and, given ``data``, a table of its values.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            A chart of :mod:`~mpsc_report.analysis.charts`; embedded as SVG.
        caption : str
            Caption after "Abbildung n:", in German; other report languages look it up in
            :mod:`~mpsc_report.analysis.words`.
        alt : str, optional
            Text alternative written by the author. Default: generated from ``data`` by
            :func:`~mpsc_report.analysis.narrative.describe_chart` (what is shown, largest and smallest value, trend).
        data : pandas.Series or pandas.DataFrame, optional
            The values the chart shows, keyed by codes as the metric returns them (labelled here with
            :meth:`label`). Shown as a collapsed table under the figure in HTML and in the appendix of the PDF
            ("Anhang: Daten zu den Abbildungen").
        data_formats : dict, optional
            Column code -> "int" | "percent" | "decimal" | "text" for the data table (default: whole numbers
            as "int", other numbers as "decimal").
        data_index_label : str
            Header of the data table's first column, German text looked up in the word catalogue
            (default: "Kategorie").

        Raises
        ------
        DataError
            When the chart is empty, or neither ``alt`` nor ``data`` is given.
        """
        if not fig.axes:
            raise DataError(f"figure {caption!r} has no axes: the chart is empty")
        if alt is None and data is None:
            raise DataError(
                f"figure {caption!r} has neither alt text nor data: pass data=<the values charted> "
                "(the alt text is generated from them) or alt=<a description>"
            )
        lang = self.language
        caption = t(caption, lang)
        labelled = self.label(data) if data is not None else None
        if alt is None:
            alt = narrative.describe_chart(fig.get_label(), caption, labelled, lang)
        self._figures += 1
        number = self._figures
        svg = _figure_svg(fig)
        src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        label = t("figure.label", lang, number=number)
        body = (
            f'<figure class="mpsc-figure" id="abbildung-{number}">'
            f'<img src="{src}" alt="{escape_text(alt)}">'
            f'<figcaption><span class="mpsc-label">{escape_text(label)}</span> {escape_text(caption)}</figcaption>'
            "</figure>"
        )
        data_caption = None
        if data is not None:
            frame = _as_frame(labelled, lang, data_index_label)
            kinds = _column_kinds(_as_frame(data, lang), data_formats or {})
            summary = escape_text(t("figure.data_summary", lang, number=number))
            table = _table_html(frame, kinds, lang, f"abbildung-{number}-daten", "mpsc-table mpsc-data-table")
            # A wide table scrolls inside its own region, which keyboard users can focus and scroll too.
            body += (
                f'<details class="mpsc-figure-data"><summary>{summary}</summary>'
                f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{summary}">{table}</div>'
                "</details>"
            )
            data_caption = t("appendix.caption", lang, number=number, caption=caption)
        meta = contract.Figure(
            number=number,
            caption=caption,
            alt=alt,
            data_points=int(charts.count_plotted(fig)),  # QA: a chart with axes but nothing drawn is empty
            image_bytes=len(svg),
            data_caption=data_caption,
        )
        return Block(body, f"{label} {caption}\n[{alt}]", meta.metadata())

    def table(
        self,
        frame: pd.DataFrame,
        caption: str,
        formats: dict[str, str] | None = None,
        index_label: str = "",
    ) -> Block:
        """A numbered table; every cell is escaped, numbers formatted per column in the document's language.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows as shown, keyed by codes as a metric returns them (labelled here with :meth:`label`); the index
            becomes the first column.
        caption : str
            Caption after "Tabelle n:", German text looked up in the word catalogue.
        formats : dict, optional
            Column code -> "int" | "percent" | "decimal" | "text" (default: whole numbers as "int", other
            numbers as "decimal", anything else as text).
        index_label : str
            Header of the index column, German text looked up in the word catalogue.
        """
        self._tables += 1
        number = self._tables
        lang = self.language
        kinds = _column_kinds(frame, formats or {})
        labelled, caption = self.label(frame), t(caption, lang)
        shown = labelled.rename_axis(t(index_label, lang) if index_label else "")
        label = t("table.label", lang, number=number)
        caption_html = f'<caption><span class="mpsc-label">{escape_text(label)}</span> {escape_text(caption)}</caption>'
        # On a narrow screen a wide table scrolls inside its own region, which keyboard users can focus too.
        body = (
            f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{escape_text(caption)}">'
            f"{_table_html(shown, kinds, lang, f'tabelle-{number}', 'mpsc-table', caption_html)}</div>"
        )
        meta = contract.Table(number=number, caption=caption).metadata()
        return Block(body, f"{label} {caption}\n{labelled.to_string()}", meta)

    def quotes(self, answers: pd.DataFrame, limit: int = 4) -> Block:
        """Free-text answers as quotes with the project's name (escaped, long ones shortened visibly)."""
        shown = answers.head(limit)
        body = "".join(
            f'<blockquote class="mpsc-quote"><p>{escape_text(row.text, MAX_ANSWER_CHARS)}</p>'
            f"<footer>{escape_text(row.name)}</footer></blockquote>"
            for row in shown.itertuples(index=False)
        )
        plain = "\n".join(f"„{row.text}“ ({row.name})" for row in shown.itertuples(index=False))
        # The answers are quoted as given, in German, whatever the report's language.
        return Block(f'<div class="mpsc-quotes" lang="de">{body}</div>', plain)


def _figure_svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "mpsc-report"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _format_cell(value: object, kind: str, language: str) -> str:
    if kind == "text" or value is None or (isinstance(value, float) and pd.isna(value)):
        return "–" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if kind == "percent":
        return format_percent(float(value), 0, language)
    if kind == "decimal":
        return format_number(float(value), 1, language)
    return format_int(float(value), language)


def label_data(data: pd.Series | pd.DataFrame, language: str) -> pd.Series | pd.DataFrame:
    """``data`` keyed by codes with the words of ``language``; see :meth:`Blocks.label`."""
    labelled = data.copy()
    labelled.index = _words(data.index, language)
    if isinstance(labelled, pd.DataFrame):
        labelled.columns = _words(data.columns, language)
    elif isinstance(labelled.name, str):
        labelled.name = t(f"indicator.{labelled.name}", language)
    return labelled


#: Axes whose values are ids or names, shown as they are: wave ids, German names of the Länder, project names.
_AS_THEY_ARE = frozenset({"wave", "state", "project"})


def _words(axis: pd.Index, language: str) -> pd.Index:
    """An axis named after a dimension (a lower-case name) with the word of each code; other axes keep their values."""
    name = axis.name
    if not (isinstance(name, str) and name.isidentifier() and name.islower()) or name in _AS_THEY_ARE:
        return axis.rename(None)
    return pd.Index([t(f"{name}.{code}", language) for code in axis])


def _as_frame(data: pd.Series | pd.DataFrame, language: str, index_label: str = "") -> pd.DataFrame:
    """The values of a chart as a table: a Series becomes one column; the index header is ``index_label``."""
    if isinstance(data, pd.Series):
        name = data.name if isinstance(data.name, str) and data.name else t("data.value", language)
        data = data.to_frame(name=name)
    if index_label:
        return data.rename_axis(t(index_label, language))
    if not (isinstance(data.index.name, str) and data.index.name):
        return data.rename_axis(t("data.category", language))
    return data


def _column_kinds(frame: pd.DataFrame, formats: dict[str, str]) -> list[str]:
    """Format of each column, in order: the one given for its code, else from its values (see :func:`_number_kind`)."""
    return [formats.get(str(column)) or _number_kind(frame[column]) for column in frame.columns]


def _table_html(
    frame: pd.DataFrame, kinds: list[str], language: str, table_id: str, css_class: str, caption_html: str = ""
) -> str:
    """A frame as an HTML table: a header row, the index as row headers, each column formatted by its kind."""
    head = "".join(f'<th scope="col">{escape_text(c)}</th>' for c in [frame.index.name, *frame.columns])
    rows = []
    for index, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{escape_text(index)}</th>']
        for value, kind in zip(row, kinds, strict=True):
            css = ' class="mpsc-num"' if kind != "text" else ""
            cells.append(f"<td{css}>{escape_text(_format_cell(value, kind, language))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="{css_class}" id="{escape_text(table_id)}">{caption_html}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _number_kind(values: pd.Series) -> str:
    """Format of a column: "int" (whole numbers), "decimal" (one decimal throughout) or "text"."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    known = values.dropna().astype(float)
    return "int" if (known == known.round()).all() else "decimal"
