"""The blocks a report or factsheet notebook displays: text, lists, notes, key figures, figures, tables, quotes.

Every string that reaches HTML passes through :func:`escape_text` here — the one escaping boundary. This is also
the edge where codes become words: :meth:`Blocks.label` turns the codes of a metric's result into the words of the
document's language, and captions and headers written in the notebook are looked up in the same word catalogue
(:func:`~mpsc_report.analysis.words.t`). Blocks are notebook outputs with ``text/html`` (escaped) and
``text/plain``; the exporters style them. A figure's data, a table and the key-figure tiles record the numbers
they show under the keys of the indicator catalogue (:func:`~mpsc_report.analysis.indicators.frame_numbers`).

Tables use the signs of official statistics: "." for a value that is unknown (a project did not answer), "–" for
exactly zero; a table that uses a sign carries its legend (:data:`SIGNS`).
"""

from __future__ import annotations

import base64
import html
import io
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from ..analysis import charts, narrative
from ..analysis.formatting import format_int, format_number, format_percent
from ..analysis.indicators import frame_keys, frame_numbers
from ..analysis.words import t
from ..errors import DataError
from . import contract
from .neutralize import neutralize_text

#: Longest free-text answer shown in full; longer ones are shortened for display (never in the data).
MAX_ANSWER_CHARS = 400

#: Marker appended to an answer shortened for display (German; a document shows :func:`shortened_mark` of its
#: language).
SHORTENED_MARK = t("shortened", "de")


def shortened_mark(language: str) -> str:
    """The marker of an answer shortened for display: " … [gekürzt]", in English " … [shortened]"."""
    return t("shortened", language)


#: Signs of official statistics (Destatis) in a table cell -> the catalogue key of their legend: "." a value that
#: is unknown (no answer; never printed as 0), "–" nothing there (exactly zero).
SIGNS: dict[str, str] = {".": "sign.unknown", "–": "sign.zero"}
UNKNOWN_SIGN, ZERO_SIGN = SIGNS


def escape_text(text: object, limit: int | None = None) -> str:
    """Neutralise and escape any text for HTML; optionally shorten it visibly to ``limit`` characters first.

    The text is first made harmless to display by :func:`~.neutralize.neutralize_text` (no direction
    override, control character, escape sequence or invisible smuggled text; "�" where something was removed or
    no font can draw it), then HTML-escaped. Only the display changes; the data keep the text as given.

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
    value = neutralize_text("" if text is None else str(text))
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
        #: Dimensions every number this document records gets (a factsheet: its ``project``).
        self.fixed_dims: dict[str, str] = {}

    @property
    def project_names(self) -> dict[str, str]:
        """Names shown for the project ids of an axis named ``project`` (none by default: ids are shown)."""
        return {}

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
        are dropped: headers come from the caller (``data_index_label``, ``index_label``). Project ids on an axis
        named ``project`` become the projects' names.
        """
        return label_data(data, self.language, self.project_names)

    def _key_figure_values(self) -> dict[str, float | int | None]:
        """Headline figures recorded with the key-figure tiles (for the QA gates); none by default."""
        return {}

    def _key_figure_numbers(self) -> dict[str, float | int | None]:
        """The tiles' figures by indicator key (for the consistency checks); none by default."""
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
        meta = contract.KeyFigures(
            wave=self.params.wave, figures=self._key_figure_values(), numbers=self._key_figure_numbers()
        ).metadata()
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
            ("Anhang B: Daten zu den Abbildungen").
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
        data_caption, cells = None, None
        if data is not None:
            frame = _as_frame(labelled, lang, data_index_label)
            kinds = _column_kinds(_as_frame(data, lang), data_formats or {})
            cells = _table_data(_as_frame(data, lang), frame, kinds, frame_keys(data, **self.fixed_dims))
            summary = escape_text(t("figure.data_summary", lang, number=number))
            table = _table_html(frame, kinds, lang, f"abbildung-{number}-daten", "mpsc-table mpsc-data-table")
            # A wide table scrolls inside its own region, which keyboard users can focus and scroll too.
            body += (
                f'<details class="mpsc-figure-data"><summary>{summary}</summary>'
                f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{summary}">{table}</div>'
                "</details>"
            )
            data_caption = t("appendix.caption", lang, number=number, caption=caption)
        numbers = contract.finite_numbers(frame_numbers(data, **self.fixed_dims)) if data is not None else {}
        meta = contract.Figure(
            number=number,
            caption=caption,
            alt=alt,
            data_points=int(charts.count_plotted(fig)),  # QA: a chart with axes but nothing drawn is empty
            image_bytes=len(svg),
            data_caption=data_caption,
            numbers=numbers,
            data=cells,
        )
        return Block(body, f"{label} {caption}\n[{alt}]", meta.metadata())

    def trend_figure(
        self,
        trend: pd.DataFrame,
        caption: str,
        *,
        source: str,
        alt: str | None = None,
        with_data: bool = True,
        data_index_label: str = "",
        panel_height: float = 1.85,
    ) -> Block:
        """The trend across the waves as a numbered figure — or, with too few waves, one sentence and no chart.

        A chart across the waves needs data in at least :data:`~mpsc_report.analysis.charts.MIN_TREND_WAVES` waves
        (:func:`~mpsc_report.analysis.charts.shows_a_trend`); with fewer, one point per line (or none) shows no
        development, so the block says in one sentence that the comparison starts with the next wave (or, when the
        current wave has no data either, once answers from more than one wave are there) and takes no figure number.

        Parameters
        ----------
        trend : pandas.DataFrame
            Index = wave ids in order, columns = indicator codes, as :func:`~mpsc_report.analysis.metrics.trend`
            returns it (labelled here for the chart and its data table).
        caption, alt, data_index_label
            As for :meth:`figure`.
        source : str
            The chart's source line.
        with_data : bool
            Whether the figure gets its data table (and the alt text generated from it).
        panel_height : float
            Height of one row of panels in inches (a factsheet uses a lower one).
        """
        if not charts.shows_a_trend(trend):
            has_now = len(trend) > 0 and bool(trend.iloc[-1].notna().any())
            return self.text(self.t("trend.next_wave" if has_now else "trend.too_few_waves"))
        fig = charts.trend_chart(self.label(trend), source=source, panel_height=panel_height, language=self.language)
        data = trend if with_data else None
        return self.figure(fig, caption, alt=alt, data=data, data_index_label=data_index_label)

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
        numbers = contract.finite_numbers(frame_numbers(frame, **self.fixed_dims))
        cells = _table_data(frame, shown, kinds, frame_keys(frame, **self.fixed_dims))
        meta = contract.Table(number=number, caption=caption, numbers=numbers, data=cells).metadata()
        return Block(body, f"{label} {caption}\n{labelled.to_string()}", meta)

    def quotes(self, answers: pd.DataFrame, limit: int = 4) -> Block:
        """Free-text answers as quotes with the project's name (escaped, long ones shortened visibly).

        Each answer and each name is its own ``dir="auto"`` scope: a right-to-left answer is laid out right to
        left, and nothing in one answer can change the direction of the text around it.
        """
        shown = answers.head(limit)
        body = "".join(
            f'<blockquote class="mpsc-quote"><p dir="auto">{_answer_html(row.text, self.language)}</p>'
            f'<footer dir="auto">{escape_text(row.name)}</footer></blockquote>'
            for row in shown.itertuples(index=False)
        )
        plain = "\n".join(
            f"„{neutralize_text(str(row.text))}“ ({neutralize_text(str(row.name))})"
            for row in shown.itertuples(index=False)
        )
        # The answers are quoted as given, in German, whatever the report's language.
        return Block(f'<div class="mpsc-quotes" lang="de">{body}</div>', plain)


#: Class of the block holding the lists of figures and tables. The exporter fills it again with every figure and table
#: of the whole document (:func:`~.export.contents.fill_lists`): the tables of the appendix follow the lists.
LISTS_CLASS = "mpsc-lists-of-figures"


def lists_html(figures: Sequence[str], tables: Sequence[str], language: str) -> str:
    """The list of figures and the list of tables: a heading and one entry ("Abbildung 3: Titel") per line, escaped."""
    parts = []
    for heading, entries in (("lists.figures", figures), ("lists.tables", tables)):
        items = (
            "".join(f"<li>{escape_text(e)}</li>" for e in entries)
            or f"<li>{escape_text(t('lists.none', language))}</li>"
        )
        parts.append(f'<h3>{escape_text(t(heading, language))}</h3><ul class="mpsc-list mpsc-lists">{items}</ul>')
    return "".join(parts)


def _answer_html(text: object, language: str) -> str:
    """A free-text answer escaped; one over :data:`MAX_ANSWER_CHARS` shortened visibly, the marker in ``language``.

    The answer stays German (its quote is marked ``lang="de"``); the marker is the document's word and says so.
    """
    value = "" if text is None else str(text)
    if len(value) <= MAX_ANSWER_CHARS:
        return escape_text(value)
    kept = escape_text(value[:MAX_ANSWER_CHARS].rstrip())
    return f'{kept}<span class="mpsc-shortened" lang="{language}">{escape_text(shortened_mark(language))}</span>'


def _table_data(
    codes: pd.DataFrame, shown: pd.DataFrame, kinds: list[str], keys: dict[tuple[int, int], str]
) -> contract.TableData:
    """The cells of a table for the document contract: headers as shown, codes, values and recorded keys.

    ``codes`` is the table keyed by codes (its values as computed), ``shown`` the same table in words; ``keys`` are
    the positions of the cells recorded as numbers (:func:`~mpsc_report.analysis.indicators.frame_keys`).
    """
    columns = tuple(
        contract.Column(label=str(label), code=str(code), kind=kind)
        for label, code, kind in zip(shown.columns, codes.columns, kinds, strict=True)
    )
    rows = tuple(
        contract.Row(
            label=str(label),
            code=str(code),
            cells=[_cell(codes.iat[row, column]) for column in range(len(columns))],
            keys=[keys.get((row, column)) for column in range(len(columns))],
        )
        for row, (label, code) in enumerate(zip(shown.index, codes.index, strict=True))
    )
    name = shown.index.name
    return contract.TableData(index_label=str(name) if name is not None else "", columns=columns, rows=rows)


def _cell(value: object) -> int | float | str | None:
    """A table cell as the contract stores it: a number, text, or None when unknown (NaN, NA)."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


def _figure_svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "mpsc-report"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _format_cell(value: object, kind: str, language: str) -> str:
    """A cell as printed: "." when unknown, "–" when a number is exactly zero, else the number in its format."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return UNKNOWN_SIGN
    if kind == "text":
        return str(value)
    if float(value) == 0:  # type: ignore[arg-type]
        return ZERO_SIGN
    if kind == "percent":
        return format_percent(float(value), 0, language)
    if kind == "decimal":
        return format_number(float(value), 1, language)
    return format_int(float(value), language)


def label_data(
    data: pd.Series | pd.DataFrame, language: str, project_names: dict[str, str] | None = None
) -> pd.Series | pd.DataFrame:
    """``data`` keyed by codes with the words of ``language``; see :meth:`Blocks.label`."""
    labelled = data.copy()
    labelled.index = _words(data.index, language, project_names or {})
    if isinstance(labelled, pd.DataFrame):
        labelled.columns = _words(data.columns, language, project_names or {})
    elif isinstance(labelled.name, str):
        labelled.name = t(f"indicator.{labelled.name}", language)
    return labelled


#: Axes whose values are ids or names, shown as they are: wave ids, German names of the Länder, project names.
_AS_THEY_ARE = frozenset({"wave", "state", "project"})


def _words(axis: pd.Index, language: str, project_names: dict[str, str]) -> pd.Index:
    """An axis named after a dimension (a lower-case name) with the word of each code; other axes keep their values."""
    name = axis.name
    if name == "project" and project_names:
        return pd.Index([project_names.get(str(code), str(code)) for code in axis])
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
    rows, used = [], set()
    for index, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{escape_text(index)}</th>']
        for value, kind in zip(row, kinds, strict=True):
            css = ' class="mpsc-num"' if kind != "text" else ""
            shown = _format_cell(value, kind, language)
            if shown in SIGNS:
                used.add(shown)
            cells.append(f"<td{css}>{escape_text(shown)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    # The legend travels with the table (inside it), also into the PDF's appendix of figure data.
    legend = sign_legend(used, language)
    foot = (
        f'<tfoot><tr><td class="mpsc-table-legend" colspan="{len(frame.columns) + 1}">{escape_text(legend)}</td></tr>'
        "</tfoot>"
        if legend
        else ""
    )
    return (
        f'<table class="{css_class}" id="{escape_text(table_id)}">{caption_html}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table>"
    )


def sign_legend(signs: Iterable[str], language: str) -> str:
    """The legend of the signs a table uses ("Zeichenerklärung: „.“ = …"), "" when it uses none."""
    used = [t(key, language) for sign, key in SIGNS.items() if sign in set(signs)]
    return t("sign.legend", language, signs=t("sign.joiner", language).join(used)) if used else ""


def _number_kind(values: pd.Series) -> str:
    """Format of a column: "int" (whole numbers), "decimal" (one decimal throughout) or "text"."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    known = values.dropna().astype(float)
    return "int" if (known == known.round()).all() else "decimal"
