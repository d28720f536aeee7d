"""The report a notebook builds: its data, and the blocks (title page, text, figures, tables) it displays.

Every string that reaches HTML passes through :func:`escape_text` here — the one escaping boundary.
Blocks are notebook outputs with ``text/html`` (escaped) and ``text/plain``; the exporters style them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from . import charts, metrics
from .errors import DataError
from .formatting import format_date, format_int, format_number, format_percent
from .load import WaveData, available_waves, load_register, load_wave, resolve_data_dir
from .params import WaveParams
from .schema import SAMPLE_NOTICE

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
    _figures: int = 0
    _tables: int = 0

    def text(self, paragraphs: str | Iterable[str]) -> Block:
        """One or more paragraphs of generated narrative."""
        items = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
        body = "".join(f'<p class="mpsc-text">{escape_text(p)}</p>' for p in items)
        return Block(body, "\n\n".join(items))

    def bullets(self, items: Sequence[str]) -> Block:
        """A list of generated sentences."""
        body = "".join(f"<li>{escape_text(i)}</li>" for i in items)
        return Block(f'<ul class="mpsc-list">{body}</ul>', "\n".join(f"- {i}" for i in items))

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
        return Block(f'<div class="mpsc-key-figures">{cells}</div>', plain)

    def figure(self, fig: Figure, caption: str, alt: str) -> Block:
        """A numbered figure with caption and alt text; the chart is embedded as SVG."""
        if not fig.axes:
            raise DataError(f"figure {caption!r} has no axes: the chart is empty")
        self._figures += 1
        number = self._figures
        svg = _figure_svg(fig)
        src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        label = f"Abbildung {number}:"
        body = (
            f'<figure class="mpsc-figure" id="abbildung-{number}">'
            f'<img src="{src}" alt="{escape_text(alt)}">'
            f'<figcaption><span class="mpsc-label">{label}</span> {escape_text(caption)}</figcaption>'
            "</figure>"
        )
        return Block(body, f"{label} {caption}\n[{alt}]", {"mpsc_report": {"role": "figure", "number": number}})

    def table(
        self,
        frame: pd.DataFrame,
        caption: str,
        formats: dict[str, str] | None = None,
        index_label: str = "",
    ) -> Block:
        """A numbered table; every cell is escaped, numbers German-formatted per column.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows as shown; the index becomes the first column.
        caption : str
            Caption after "Tabelle n:".
        formats : dict, optional
            Column -> "int" | "percent" | "decimal" | "text" (default: "int" for numbers, else text).
        index_label : str
            Header of the index column.
        """
        self._tables += 1
        number = self._tables
        formats = formats or {}
        lang = self.params.language
        head = "".join(f'<th scope="col">{escape_text(c)}</th>' for c in [index_label, *frame.columns])
        rows = []
        for index, row in frame.iterrows():
            cells = [f'<th scope="row">{escape_text(index)}</th>']
            for column, value in row.items():
                kind = formats.get(column, "int" if pd.api.types.is_number(value) else "text")
                css = ' class="mpsc-num"' if kind != "text" else ""
                cells.append(f"<td{css}>{escape_text(_format_cell(value, kind, lang))}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        label = f"Tabelle {number}:"
        body = (
            f'<table class="mpsc-table" id="tabelle-{number}">'
            f'<caption><span class="mpsc-label">{label}</span> {escape_text(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        return Block(body, f"{label} {caption}\n{frame.to_string()}")

    def quotes(self, answers: pd.DataFrame, limit: int = 4) -> Block:
        """Free-text answers as quotes with the project's name (escaped, long ones shortened visibly)."""
        shown = answers.head(limit)
        body = "".join(
            f'<blockquote class="mpsc-quote"><p>{escape_text(row.text, MAX_ANSWER_CHARS)}</p>'
            f"<footer>{escape_text(row.name)}</footer></blockquote>"
            for row in shown.itertuples(index=False)
        )
        plain = "\n".join(f"„{row.text}“ ({row.name})" for row in shown.itertuples(index=False))
        return Block(f'<div class="mpsc-quotes">{body}</div>', plain)


class Report(Blocks):
    """Data and display helpers of one wave report.

    Build it with :func:`open_report`. Figure and table numbers count up as the notebook displays
    them, so "Abbildung 3" is the third figure of a run from top to bottom.
    """

    def __init__(self, params: WaveParams, register: pd.DataFrame, waves: dict[str, WaveData]) -> None:
        self.params = params
        self.register = register
        self.waves = waves
        self._figures = 0
        self._tables = 0

    @property
    def current(self) -> WaveData:
        """The wave this report is about."""
        return self.waves[self.params.wave]

    @property
    def responses(self) -> pd.DataFrame:
        """Answers of the current wave."""
        return self.current.responses

    @property
    def partners(self) -> pd.DataFrame:
        """Partner edge list of the current wave."""
        return self.current.partners

    @property
    def synthetic(self) -> bool:
        """Whether the data are the synthetic sample (then every output says so)."""
        return self.current.dataset.synthetic

    @cached_property
    def key_figures(self) -> metrics.KeyFigures:
        """Headline figures of the current wave."""
        return self.key_figures_of(self.params.wave)

    def key_figures_of(self, wave: str) -> metrics.KeyFigures:
        """Headline figures of any loaded wave."""
        data = self.waves[wave]
        return metrics.key_figures(data.responses, data.partners, self.register)

    @property
    def comparison(self) -> metrics.KeyFigures | None:
        """Headline figures of the comparison wave, if one is set."""
        wave = self.params.comparison_wave
        return self.key_figures_of(wave) if wave else None

    @property
    def source(self) -> str:
        """Source line for charts of the current wave."""
        return charts.source_line(self.params.wave, len(self.responses), self.synthetic, self.params.language)

    @property
    def field_period(self) -> str:
        """The field period in words, e.g. "13. November 2023 bis 15. Dezember 2023"."""
        lang = self.params.language
        return f"{format_date(self.params.field_start, lang)} bis {format_date(self.params.field_end, lang)}"

    def source_for(self, n: int) -> str:
        """Source line for a chart based on ``n`` answers (e.g. a subset) of the current wave."""
        return charts.source_line(self.params.wave, n, self.synthetic, self.params.language)

    def trend(self) -> pd.DataFrame:
        """Headline totals for every wave up to the current one (gaps stay gaps)."""
        waves = sorted(self.waves)
        return metrics.trend({w: self.key_figures_of(w) for w in waves}, waves)

    # --- blocks -------------------------------------------------------------------------------

    def title_page(self) -> Block:
        """Title page with title, wave, field period, date, publisher and, for sample data, the notice."""
        p = self.params
        lang = p.language
        period = f"Befragungszeitraum {self.field_period}"
        notice = f'<p class="mpsc-sample-notice">{escape_text(SAMPLE_NOTICE)}</p>' if self.synthetic else ""
        parts = [
            '<section class="mpsc-title-page">',
            '<p class="mpsc-kicker">Modellprojekte Smart Cities · Monitoring</p>',
            f'<p class="mpsc-title">{escape_text(p.title)}</p>',
            f'<p class="mpsc-subtitle">{escape_text(p.subtitle)}</p>' if p.subtitle else "",
            f'<p class="mpsc-wave">Befragungswelle {escape_text(p.wave)} · {escape_text(period)}</p>',
            notice,
            f'<p class="mpsc-date">{escape_text(format_date(p.report_date, lang))}</p>',
            f'<p class="mpsc-publisher">{escape_text(p.publisher)}</p>',
            "</section>",
        ]
        plain = "\n".join(
            x for x in (p.title, p.subtitle, f"Befragungswelle {p.wave}", SAMPLE_NOTICE if self.synthetic else "") if x
        )
        meta = {
            "mpsc_report": {
                "role": "title-page",
                "title": p.title,
                "wave": p.wave,
                "language": lang,
                "sample_data": self.synthetic,
                "notice": SAMPLE_NOTICE if self.synthetic else "",
            }
        }
        return Block("".join(parts), plain, meta)


def open_report(params: WaveParams) -> Report:
    """Load the register and every wave up to ``params.wave`` from the params' data folder.

    Raises
    ------
    DataError
        When the wave (or the comparison wave) has no data file; the message lists what exists.
    """
    data_dir = resolve_data_dir(params.data)
    present = available_waves(data_dir)
    for wanted, role in ((params.wave, "wave"), (params.comparison_wave, "comparison_wave")):
        if wanted is not None and wanted not in present:
            raise DataError(
                f"{role} {wanted!r} not found in {data_dir} (waves available: {', '.join(present) or 'none'}). "
                f"Fix `{role}` in the params file or add wave_{wanted}.csv."
            )
    register = load_register()
    waves = {w: load_wave(data_dir, w) for w in present if w <= params.wave}
    return Report(params, register, waves)


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
