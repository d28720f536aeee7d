"""The report a notebook builds: its data, and the blocks (title page, text, figures, tables) it displays.

Every string that reaches HTML passes through :func:`escape_text` here — the one escaping boundary.
Blocks are notebook outputs with ``text/html`` (escaped) and ``text/plain``; the exporters style them.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from . import charts, metrics, narrative
from .errors import DataError
from .formatting import format_date, format_int, format_number, format_percent
from .i18n import localize, localize_label, t, translate
from .load import DATASET_FILE, WaveData, available_waves, load_register, load_wave, package_data_dir, resolve_data_dir
from .params import WaveParams
from .provenance import Provenance, collect_provenance, colophon_rows
from .qa import count_plotted
from .schema import COHORTS, COUNT_COLUMNS, COUNT_LABELS, KINDS, SAMPLE_NOTICE
from .validation import DataQuality

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
    waves: dict[str, WaveData]
    current: WaveData

    def __init__(self) -> None:
        self._figures = 0
        self._tables = 0
        self._figure_data: list[tuple[int, str, pd.DataFrame]] = []

    @property
    def language(self) -> str:
        """Language of the document, ``"de"`` or ``"en"``."""
        return self.params.language

    def tr(self, text: str) -> str:
        """German ``text`` written in the notebook (a caption, a label) in the document's language."""
        return translate(text, self.language)

    def localize(self, data: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
        """``data`` with its German category and column labels in the document's language (for charts and text)."""
        return localize(data, self.language)

    def _key_figure_values(self) -> dict[str, float | int | str | None]:
        """Headline figures recorded with the key-figure tiles (for the QA gates and ``diff``); none by default."""
        return {}

    @property
    def data_files(self) -> list[Path]:
        """Every file the document read: the waves' answers and partner lists, their ``dataset.yaml``, the register.

        A subclass provides ``waves`` (wave id -> :class:`~mpsc_report.load.WaveData`) and ``current``.
        """
        files = [path for wave in sorted(self.waves) for path in self.waves[wave].files]
        described = self.current.dataset.location / DATASET_FILE
        return [*files, *([described] if described.exists() else []), package_data_dir() / "projects.csv"]

    def provenance(self) -> Provenance:
        """Provenance record: data files with SHA-256, params, codebook, versions, git state, build time."""
        intake = getattr(self.params, "intake", None)
        codebook = intake.codebook if intake is not None else None
        return collect_provenance(self.data_files, self.params.to_notebook(), codebook=codebook)

    def text(self, paragraphs: str | Iterable[str]) -> Block:
        """One or more paragraphs of generated narrative."""
        items = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
        body = "".join(f'<p class="mpsc-text">{escape_text(p)}</p>' for p in items)
        return Block(body, "\n\n".join(items), {"mpsc_report": {"role": "narrative", "wave": self.params.wave}})

    def bullets(self, items: Sequence[str]) -> Block:
        """A list of generated sentences."""
        body = "".join(f"<li>{escape_text(i)}</li>" for i in items)
        meta = {"mpsc_report": {"role": "narrative", "wave": self.params.wave}}
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
        # The figures behind the tiles, for the QA gates (finite?) and `mpsc-report diff`; NaN is stored as None.
        meta = {"mpsc_report": {"role": "key-figures", "wave": self.params.wave, "figures": self._key_figure_values()}}
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
            A chart of :mod:`~mpsc_report.charts`; embedded as SVG.
        caption : str
            Caption after "Abbildung n:", in German; other report languages look it up in :mod:`~mpsc_report.i18n`.
        alt : str, optional
            Text alternative written by the author. Default: generated from ``data`` by
            :func:`~mpsc_report.narrative.describe_chart` (what is shown, largest and smallest value, trend).
        data : pandas.Series or pandas.DataFrame, optional
            The values the chart shows. Shown as a collapsed table under the figure in HTML and in the
            appendix of the PDF ("Anhang: Daten zu den Abbildungen").
        data_formats : dict, optional
            Column -> "int" | "percent" | "decimal" | "text" for the data table (default: whole numbers
            as "int", other numbers as "decimal").
        data_index_label : str
            Header of the data table's first column, in German (default: the index name, else "Kategorie").

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
        caption = self.tr(caption)
        frame = _as_frame(data, lang, data_index_label) if data is not None else None
        if alt is None:
            alt = narrative.describe_chart(fig.get_label(), caption, data, lang)
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
        meta: dict[str, Any] = {
            "role": "figure",
            "number": number,
            "caption": caption,
            "alt": alt,
            "data_points": count_plotted(fig),  # QA: a chart with axes but nothing drawn is empty
            "image_bytes": len(svg),
        }
        if frame is not None:
            summary = escape_text(t("figure.data_summary", lang, number=number))
            table = _data_table_html(frame, data_formats or {}, lang, f"abbildung-{number}-daten")
            # A wide table scrolls inside its own region, which keyboard users can focus and scroll too.
            body += (
                f'<details class="mpsc-figure-data"><summary>{summary}</summary>'
                f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{summary}">{table}</div>'
                "</details>"
            )
            meta["data_caption"] = t("appendix.caption", lang, number=number, caption=caption)
            self._figure_data.append((number, caption, frame))
        return Block(body, f"{label} {caption}\n[{alt}]", {"mpsc_report": meta})

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
        lang = self.params.language
        formats = {translate(column, lang): kind for column, kind in (formats or {}).items()}
        frame, caption, index_label = localize(frame, lang), translate(caption, lang), translate(index_label, lang)
        head = "".join(f'<th scope="col">{escape_text(c)}</th>' for c in [index_label, *frame.columns])
        rows = []
        for index, row in frame.iterrows():
            cells = [f'<th scope="row">{escape_text(index)}</th>']
            for column, value in row.items():
                kind = formats.get(column, "int" if pd.api.types.is_number(value) else "text")
                css = ' class="mpsc-num"' if kind != "text" else ""
                cells.append(f"<td{css}>{escape_text(_format_cell(value, kind, lang))}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        label = t("table.label", lang, number=number)
        # On a narrow screen a wide table scrolls inside its own region, which keyboard users can focus too.
        body = (
            f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{escape_text(caption)}">'
            f'<table class="mpsc-table" id="tabelle-{number}">'
            f'<caption><span class="mpsc-label">{escape_text(label)}</span> {escape_text(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
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
        # The answers are quoted as given, in German, whatever the report's language.
        return Block(f'<div class="mpsc-quotes" lang="de">{body}</div>', plain)


class Report(Blocks):
    """Data and display helpers of one wave report.

    Build it with :func:`open_report`. Figure and table numbers count up as the notebook displays
    them, so "Abbildung 3" is the third figure of a run from top to bottom.
    """

    def __init__(self, params: WaveParams, register: pd.DataFrame, waves: dict[str, WaveData]) -> None:
        super().__init__()
        self.params = params
        self.register = register
        self.waves = waves

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

    @property
    def quality(self) -> DataQuality:
        """What intake and validation did with the current wave's files (for the data-quality appendix)."""
        quality = self.current.quality
        if quality is None:
            raise DataError(f"wave {self.params.wave} was loaded without validation; open it with open_report")
        return quality

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
        return t(
            "period",
            lang,
            start=format_date(self.params.field_start, lang),
            end=format_date(self.params.field_end, lang),
        )

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
        period = t("title.period", lang, start=format_date(p.field_start, lang), end=format_date(p.field_end, lang))
        sample_notice = SAMPLE_NOTICE if lang == "de" else t("sample_notice", lang)
        notice = f'<p class="mpsc-sample-notice">{escape_text(sample_notice)}</p>' if self.synthetic else ""
        wave_line = t("title.wave", lang, wave=p.wave, period=period)
        parts = [
            '<section class="mpsc-title-page">',
            f'<p class="mpsc-kicker">{escape_text(t("title.kicker", lang))}</p>',
            f'<p class="mpsc-title">{escape_text(p.title)}</p>',
            f'<p class="mpsc-subtitle">{escape_text(p.subtitle)}</p>' if p.subtitle else "",
            f'<p class="mpsc-wave">{escape_text(wave_line)}</p>',
            notice,
            f'<p class="mpsc-date">{escape_text(format_date(p.report_date, lang))}</p>',
            f'<p class="mpsc-publisher">{escape_text(p.publisher)}</p>',
            "</section>",
        ]
        plain = "\n".join(
            x for x in (p.title, p.subtitle, wave_line.split(" · ")[0], sample_notice if self.synthetic else "") if x
        )
        meta = {
            "mpsc_report": {
                "role": "title-page",
                "title": p.title,
                "wave": p.wave,
                "language": lang,
                "sample_data": self.synthetic,
                "notice": sample_notice if self.synthetic else "",
            }
        }
        return Block("".join(parts), plain, meta)

    def colophon(self) -> Block:
        """The colophon (last cell): where the numbers come from; the same record goes into the PDF/HTML metadata.

        Its metadata also carries every number of the wave (see :func:`mpsc_report.diff.wave_numbers`) for
        ``mpsc-report diff`` and marks the notebook as run to its end for the QA gates.
        """
        from .diff import wave_numbers  # noqa: PLC0415 - diff imports this module

        record = self.provenance()
        intro = t("colophon.intro", self.language)
        labelled = [(localize_label(label, self.language), value) for label, value in colophon_rows(record)]
        rows = "".join(
            f'<tr><th scope="row">{escape_text(label)}</th><td>{escape_text(value)}</td></tr>'
            for label, value in labelled
        )
        body = (
            '<section class="mpsc-colophon">'
            f'<p class="mpsc-text">{escape_text(intro)}</p>'
            f'<table class="mpsc-colophon-table"><tbody>{rows}</tbody></table></section>'
        )
        plain = intro + "\n" + "\n".join(f"{label}: {value}" for label, value in labelled)
        numbers = wave_numbers(self.current, self.register)
        meta = {
            "role": "colophon",
            "wave": self.params.wave,
            "provenance": record.as_dict(),
            "figures": self._key_figure_values(),
            "numbers": numbers,
        }
        return Block(body, plain, {"mpsc_report": meta})

    def _key_figure_values(self) -> dict[str, float | int | str | None]:
        kf = self.key_figures
        values = {name: getattr(kf, name) for name in kf.__dataclass_fields__}
        values |= {"response_rate": kf.response_rate, "measures_total": kf.measures_total}
        return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in values.items()}

    def data_quality_tables(self) -> Block:
        """The data-quality appendix's tables: rows, item non-response, response by cohort and kind, files.

        Every cell goes through :meth:`table`, so file names and reasons are escaped like any other text.
        """
        q = self.quality
        rows = pd.DataFrame(
            {"Zeilen": [q.rows_read, q.rows_used, q.rows_rejected]},
            index=["gelesen", "verwendet", "zurückgewiesen"],
        )
        for rule, count in q.rejected_by_rule:
            rows.loc[t("dq.of_which", self.language, rule=localize_label(rule, self.language))] = count
        blocks = [
            self.table(rows, "Antwortzeilen der Welle: gelesen = verwendet + zurückgewiesen", index_label="Zeilen"),
            self.table(
                _item_nonresponse(self.responses, q),
                "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)",
                formats={"ohne Angabe": "percent"},
                index_label="Kennzahl",
            ),
            self.table(
                _response_by_cohort_and_kind(self.responses, self.register, self.language),
                "Rücklauf nach Art der Kommune und Staffel (Antworten von Projekten)",
                formats={c: "text" for c in (*(f"Staffel {c}" for c in COHORTS), "alle Staffeln")},
                index_label="Art der Kommune",
            ),
            self.table(
                _source_files(q),
                "Ausgewertete Dateien mit Prüfsumme (SHA-256)",
                formats={"Zeilen gelesen": "text", "Zeilen verwendet": "text", "SHA-256": "text"},
                index_label="Rolle",
            ),
        ]
        return Block("".join(b.html for b in blocks), "\n\n".join(b.text for b in blocks))


def _item_nonresponse(responses: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Per count column: answered, empty, special-coded, and the share without an answer."""
    n = len(responses)
    rows = {}
    for column in COUNT_COLUMNS:
        missing = int(responses[column].isna().sum())
        special = sum(quality.missing_reasons.get(column, {}).values())
        rows[COUNT_LABELS[column]] = {
            "beantwortet": n - missing,
            "leer": missing - special,
            "Sondercode": special,
            "ohne Angabe": missing / n if n else float("nan"),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _response_by_cohort_and_kind(responses: pd.DataFrame, register: pd.DataFrame, language: str = "de") -> pd.DataFrame:
    """'answered von projects' per kind of municipality (rows) and cohort (columns)."""
    answered = set(responses["project_id"].dropna())
    flags = register.assign(answered=register["project_id"].isin(answered))
    table = {}
    for kind in KINDS:
        cells = {}
        for cohort in (*COHORTS, "alle"):
            group = flags[(flags["kind"] == kind) & ((flags["cohort"] == cohort) | (cohort == "alle"))]
            label = "alle Staffeln" if cohort == "alle" else f"Staffel {cohort}"
            cells[label] = t("dq.x_of_y", language, x=int(group["answered"].sum()), y=len(group)) if len(group) else "–"
        table[kind] = cells
    return pd.DataFrame.from_dict(table, orient="index")


def _source_files(quality: DataQuality) -> pd.DataFrame:
    """The files used, with rows read and used and the SHA-256 in groups of 16 (so it wraps)."""
    return pd.DataFrame(
        {
            "Datei": [f.name for f in quality.files],
            "Zeilen gelesen": ["–" if f.rows_read is None else format_int(f.rows_read) for f in quality.files],
            "Zeilen verwendet": ["–" if f.rows_used is None else format_int(f.rows_used) for f in quality.files],
            "SHA-256": [" ".join(f.sha256[i : i + 16] for i in range(0, 64, 16)) for f in quality.files],
        },
        index=[f.role for f in quality.files],
    )


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
    waves = {w: load_wave(data_dir, w, params.intake, register) for w in present if w <= params.wave}
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


def _as_frame(data: pd.Series | pd.DataFrame, language: str, index_label: str = "") -> pd.DataFrame:
    """The values of a chart as a table with translated labels: a Series becomes one column."""
    data = localize(data, language)
    if isinstance(data, pd.Series):
        name = data.name if isinstance(data.name, str) and data.name else t("data.value", language)
        data = data.to_frame(name=name)
    if index_label:
        data = data.rename_axis(translate(index_label, language))
    elif not (isinstance(data.index.name, str) and data.index.name):
        data = data.rename_axis(t("data.category", language))
    return data


def _data_table_html(frame: pd.DataFrame, formats: dict[str, str], language: str, table_id: str) -> str:
    """The data of a figure as an HTML table: a header row, the index as row headers, numbers formatted."""
    formats = {translate(column, language): kind for column, kind in formats.items()}
    head = "".join(f'<th scope="col">{escape_text(c)}</th>' for c in [frame.index.name, *frame.columns])
    kinds = {column: _number_kind(frame[column]) for column in frame.columns}
    rows = []
    for index, row in frame.iterrows():
        cells = [f'<th scope="row">{escape_text(index)}</th>']
        for column, value in row.items():
            kind = formats.get(str(column)) or kinds[column]
            css = ' class="mpsc-num"' if kind != "text" else ""
            cells.append(f"<td{css}>{escape_text(_format_cell(value, kind, language))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="mpsc-table mpsc-data-table" id="{escape_text(table_id)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _number_kind(values: pd.Series) -> str:
    """Format of a data-table column: "int" (whole numbers), "decimal" (one decimal throughout) or "text"."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    known = values.dropna().astype(float)
    return "int" if (known == known.round()).all() else "decimal"
