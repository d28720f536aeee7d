"""The wave report a notebook builds: its data, key figures and the report-only blocks (title page, colophon).

The generic blocks (text, figures, tables, quotes) and the one escaping boundary are in :mod:`.blocks`.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..analysis import metrics
from ..analysis.formatting import format_date, format_int
from ..analysis.indicators import INDICATORS, KEY_FIGURE_INDICATORS, number_key, recorded_value
from ..analysis.narrative import TILES
from ..analysis.numbers import wave_numbers
from ..analysis.words import t
from ..data.params import WaveParams
from ..data.schema import COHORTS, COUNT_COLUMNS, KINDS
from ..data.validation import DataQuality
from ..data.waves import open_waves
from .blocks import Block, escape_text
from .contract import Colophon, Record, TitlePage, finite_numbers
from .document import WaveDocument
from .provenance import colophon_rows


class Report(WaveDocument):
    """Data and display helpers of one wave report.

    Build it with :func:`open_report`. Figure and table numbers count up as the notebook displays
    them, so "Abbildung 3" is the third figure of a run from top to bottom.
    """

    params: WaveParams

    @property
    def partners(self) -> pd.DataFrame:
        """Partner edge list of the current wave."""
        return self.current.partners

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
    def field_period(self) -> str:
        """The field period in words, e.g. "13. November 2023 bis 15. Dezember 2023"."""
        lang = self.params.language
        return t(
            "period",
            lang,
            start=format_date(self.params.field_start, lang),
            end=format_date(self.params.field_end, lang),
        )

    def trend(self) -> pd.DataFrame:
        """Responding projects and headline totals for every wave up to the current one (gaps stay gaps)."""
        waves = sorted(self.waves)
        return metrics.trend({w: self.key_figures_of(w) for w in waves}, waves)

    def trend_per_project(self) -> pd.DataFrame:
        """The headline counts per responding project for every wave up to the current one (beside :meth:`trend`)."""
        waves = sorted(self.waves)
        return metrics.trend_per_project({w: self.waves[w].responses for w in waves}, waves)

    def network(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Nodes and edges of the network chart (see :func:`~mpsc_report.analysis.metrics.network`)."""
        return metrics.network(self.responses, self.partners, self.register)

    def network_table(self) -> pd.DataFrame:
        """Every project's partner figures: the data of the network chart (the factsheets show the same row)."""
        return metrics.network_table(self.responses, self.partners, self.register)

    def network_size_note(self) -> str | None:
        """What the network chart's smallest dots mean when some projects did not answer (None when all did)."""
        unknown = int(self.network_table()["partners_total"].isna().sum())
        return t("network.size_note", self.language, unknown=format_int(unknown, self.language)) if unknown else None

    # --- blocks -------------------------------------------------------------------------------

    def title_page(self) -> Block:
        """Title page with title, wave, field period, date, publisher and, for sample data, the notice."""
        p = self.params
        lang = p.language
        period = t("title.period", lang, start=format_date(p.field_start, lang), end=format_date(p.field_end, lang))
        sample_notice = t("sample_notice", lang)
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
        meta = TitlePage(
            title=p.title,
            wave=p.wave,
            language=lang,
            sample_data=self.synthetic,
            notice=sample_notice if self.synthetic else "",
        )
        return Block("".join(parts), plain, meta.metadata())

    def colophon(self) -> Block:
        """The colophon (last cell): where the numbers come from; the same record goes into the PDF/HTML metadata.

        Its metadata also carries every number of the wave (see :func:`mpsc_report.analysis.numbers.wave_numbers`) for
        ``mpsc-report diff`` and marks the notebook as run to its end for the QA gates.
        """
        record = self.provenance()
        intro = t("colophon.intro", self.language)
        labelled = [(t(label, self.language), value) for label, value in colophon_rows(record, self.language)]
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
        meta = Colophon(
            wave=self.params.wave,
            provenance=record,
            figures=self._key_figure_values(),
            numbers=finite_numbers(wave_numbers(self.responses, self.partners, self.register)),
        )
        return Block(body, plain, meta.metadata())

    def _key_figure_values(self) -> dict[str, float | int | None]:
        kf = self.key_figures
        values = {name: getattr(kf, name) for name in kf.__dataclass_fields__ if name != "wave"}
        values |= {"response_rate": kf.response_rate, "measures_total": kf.measures_total}
        return finite_numbers(values)

    def _key_figure_numbers(self) -> dict[str, float | int | None]:
        """The figures of the tiles (:data:`~mpsc_report.analysis.narrative.TILES`) by indicator key."""
        kf = self.key_figures
        ids = [KEY_FIGURE_INDICATORS[field] for field in TILES]
        return finite_numbers(
            {number_key(id): recorded_value(id, getattr(kf, field)) for field, id in zip(TILES, ids, strict=True)}
        )

    def definitions(self) -> Block:
        """The table "Begriffe und Definitionen": every indicator of the catalogue with its one-sentence definition.

        Labels and definitions come from the indicator catalogue (:mod:`~mpsc_report.analysis.indicators`), the same
        words the tables, charts and factsheets use; the last rows say what "je antwortendem Modellprojekt" and
        "Median" mean.
        """
        lang = self.language
        rows = {t(f"indicator.{i.id}", lang): t(f"definition.{i.id}", lang) for i in INDICATORS}
        rows |= {t(f"stat.{stat}", lang): t(f"definition.stat.{stat}", lang) for stat in ("mean", "median")}
        frame = pd.DataFrame({t("definitions.definition", lang): list(rows.values())}, index=list(rows))
        return self.table(frame, "Begriffe und Definitionen", formats={}, index_label="definitions.term")

    def data_quality_tables(self) -> Block:
        """The data-quality appendix's tables: rows, item non-response, response by cohort and kind, files.

        Every cell goes through :meth:`table`, so file names and reasons are escaped like any other text.
        """
        q, lang = self.quality, self.language
        counts = [("rows.read", q.rows_read), ("rows.used", q.rows_used), ("rows.rejected", q.rows_rejected)]
        special = sum(sum(r.values()) for r in q.missing_reasons.values())
        numbers = {
            "rows_read": q.rows_read,
            "rows_used": q.rows_used,
            "rows_rejected": q.rows_rejected,
            **{number_key("rows_rejected", rule=rule): n for rule, n in q.rejected_by_rule},
            "special_code_cells": special,
        }
        rows = pd.DataFrame(
            {t("Zeilen", lang): [n for _, n in counts] + [n for _, n in q.rejected_by_rule]},
            index=[t(key, lang) for key, _ in counts]
            + [t("dq.of_which", lang, rule=t(f"rule.{rule}", lang)) for rule, _ in q.rejected_by_rule],
        )
        blocks = [
            self.table(rows, "Antwortzeilen der Welle: gelesen = verwendet + zurückgewiesen", index_label="Zeilen"),
            self.table(
                _item_nonresponse(self.responses, q),
                "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)",
                formats={"missing": "percent"},
                index_label="Kennzahl",
            ),
            self.table(
                _response_by_cohort_and_kind(self.responses, self.register, lang),
                "Rücklauf nach Art der Kommune und Staffel (Antworten von Projekten)",
                formats={c: "text" for c in (*COHORTS, "all")},
                index_label="Art der Kommune",
            ),
            self.table(
                _source_files(q, lang),
                "Ausgewertete Dateien mit Prüfsumme (SHA-256)",
                formats={"read": "text", "used": "text", "sha256": "text"},
                index_label="Rolle",
            ),
        ]
        # The tables' own numbers (answers per item) and the row counts, recorded for the QA gates.
        for block in blocks:
            numbers |= block.metadata.get("mpsc_report", {}).get("numbers", {})
        meta = Record(numbers=finite_numbers(numbers)).metadata()
        return Block("".join(b.html for b in blocks), "\n\n".join(b.text for b in blocks), meta)


def _item_nonresponse(responses: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Per count column (index ``item``): answered, empty, special-coded, and the share without an answer."""
    n = len(responses)
    rows = {}
    for column in COUNT_COLUMNS:
        missing = int(responses[column].isna().sum())
        special = sum(quality.missing_reasons.get(column, {}).values())
        rows[column] = {
            "answered": n - missing,  # the indicator "answered": the base of this item's totals and means
            "empty": missing - special,
            "special": special,
            "missing": missing / n if n else float("nan"),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(index="item", columns="nonresponse")


def _response_by_cohort_and_kind(responses: pd.DataFrame, register: pd.DataFrame, language: str = "de") -> pd.DataFrame:
    """'answered of projects' per kind of municipality (rows, kind codes) and cohort (columns, cohort ids and "all")."""
    answered = set(responses["project_id"].dropna())
    coded = metrics.with_kind_codes(register)
    flags = coded.assign(answered=coded["project_id"].isin(answered))
    table = {}
    for kind in KINDS:
        cells = {}
        for cohort in (*COHORTS, "all"):
            group = flags[(flags["kind"] == kind) & ((flags["cohort"] == cohort) | (cohort == "all"))]
            cells[cohort] = (
                t("dq.x_of_y", language, x=int(group["answered"].sum()), y=len(group)) if len(group) else "–"
            )
        table[kind] = cells
    return pd.DataFrame.from_dict(table, orient="index").rename_axis(index="kind", columns="cohort")


def _source_files(quality: DataQuality, language: str = "de") -> pd.DataFrame:
    """The files used (index: their role, in words), rows read and used, the SHA-256 in groups of 16 (so it wraps)."""
    return pd.DataFrame(
        {
            "name": [f.name for f in quality.files],
            "read": ["–" if f.rows_read is None else format_int(f.rows_read, language) for f in quality.files],
            "used": ["–" if f.rows_used is None else format_int(f.rows_used, language) for f in quality.files],
            "sha256": [" ".join(f.sha256[i : i + 16] for i in range(0, 64, 16)) for f in quality.files],
        },
        index=[t(f.role, language) for f in quality.files],
    ).rename_axis(columns="file")


def open_report(params: WaveParams) -> Report:
    """Load the register and every wave up to ``params.wave`` (see :func:`~mpsc_report.data.waves.open_waves`).

    Raises
    ------
    DataError
        When the wave (or the comparison wave) has no data file; the message lists what exists.
    """
    return Report(params, open_waves(params))
