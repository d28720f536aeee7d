"""The wave report a notebook builds: its data, key figures and the report-only blocks.

Report-only blocks: the title page, the key messages ("Das Wichtigste in Kürze"), storyline paragraphs that record
their numbers, the challenges by theme, the apparatus (abbreviations, lists of figures and tables, references), the
data-quality appendix and the Impressum (the last cell, with the one line of provenance a reader sees). The generic
blocks (text, figures, tables, quotes) and the one escaping boundary are in :mod:`.blocks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cached_property

import pandas as pd

from ..analysis import challenges, metrics, storyline
from ..analysis.formatting import format_date, format_int
from ..analysis.indicators import INDICATORS, KEY_FIGURE_INDICATORS, number_key, recorded_value
from ..analysis.narrative import TILES
from ..analysis.numbers import wave_numbers
from ..analysis.words import t
from ..data.params import WaveParams
from ..data.schema import COUNT_COLUMNS
from ..data.validation import DataQuality
from ..data.waves import open_waves
from .blocks import LISTS_CLASS, Block, escape_text, lists_html
from .contract import Colophon, Narrative, Record, TitlePage, finite_numbers
from .document import WaveDocument
from .provenance import reader_line

#: Abbreviations the report uses, in alphabetical order (their meanings are the catalogue's ``abbr.<abbreviation>``).
ABBREVIATIONS: tuple[str, ...] = ("BBSR", "BMUB", "BMWSB", "CC BY", "CSV", "KfW", "KTS", "MPSC", "SHA-256")

#: Sources the report cites, in the order of the list of references: the catalogue's ``references.<key>`` (the
#: words) and the address (not words: kept out of the catalogue, whose words the language gate reads).
#: Sources: /work/shared/domain/FACTS.md §1, §4, §6.
REFERENCES: dict[str, str] = {
    "charta": "https://www.de.digital/DIGITAL/Redaktion/DE/Stadt.Land.Digital/Studien-und-Leitfaeden/smart-city-charta.html",
    "programme": "https://www.smart-city-dialog.de/modellprojekte",
    "calls": "https://www.smart-cities-made-in.de/foerdergegenstand/foerderziele/",
    "kts": "https://difu.de/projekte/koordinierungs-und-transferstelle-modellprojekte-smart-cities",
    "results": "https://smart-city-dialog.de/informieren/aktuelles/mpsc-programm-traegt-fruechte",
}

#: Catalogue key of each licence a report may carry (``publication.licence`` of the params).
_LICENCE_KEYS = {"CC BY 4.0": "licence.cc_by_4_0", "dl-de/by-2-0": "licence.dl_de_by_2_0"}


class Report(WaveDocument):
    """Data and display helpers of one wave report.

    Build it with :func:`open_report`. Figure and table numbers count up as the notebook displays
    them, so "Abbildung 3" is the third figure of a run from top to bottom.
    """

    params: WaveParams

    def __init__(self, params: WaveParams, data) -> None:  # noqa: ANN001 - Waves, as WaveDocument takes it
        super().__init__(params, data)
        #: ("figure" | "table", number, caption) of every figure and table shown so far, for the lists at the end.
        self.listed: list[tuple[str, int, str]] = []

    def figure(self, *args, **kwargs) -> Block:  # noqa: ANN002, ANN003 - the signature of Blocks.figure
        """A numbered figure (see :meth:`Blocks.figure`), also listed in the list of figures."""
        block = super().figure(*args, **kwargs)
        meta = block.metadata.get("mpsc_report", {})
        self.listed.append(("figure", int(meta.get("number") or 0), str(meta.get("caption", ""))))
        return block

    def table(self, *args, **kwargs) -> Block:  # noqa: ANN002, ANN003 - the signature of Blocks.table
        """A numbered table (see :meth:`Blocks.table`), also listed in the list of tables."""
        block = super().table(*args, **kwargs)
        meta = block.metadata.get("mpsc_report", {})
        self.listed.append(("table", int(meta.get("number") or 0), str(meta.get("caption", ""))))
        return block

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

    @cached_property
    def storyline_comparison(self) -> storyline.Comparison:
        """The waves and trend frames the storyline compares (the same frames as the development chart and table)."""
        return storyline.Comparison(
            self.params.wave, self.params.comparison_wave, self.trend(), per_project=self.trend_per_project()
        )

    @cached_property
    def challenge_counts(self) -> pd.Series:
        """Responding projects naming each challenge theme (see :func:`~mpsc_report.analysis.challenges`)."""
        return challenges.challenge_themes(self.responses["challenge"])

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
            f'<p class="mpsc-publisher">{escape_text(p.publication.publisher)}</p>',
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

    def story(self, paragraphs: str | Iterable[str], numbers: Mapping[str, float | int | None] | None = None) -> Block:
        """Generated paragraphs that record the numbers they state (e.g. a comparison wave's), for the QA gates."""
        items = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
        body = "".join(f'<p class="mpsc-text">{escape_text(p)}</p>' for p in items)
        meta = Narrative(wave=self.params.wave, numbers=finite_numbers(dict(numbers or {})))
        return Block(body, "\n\n".join(items), meta.metadata())

    def key_messages(self) -> Block:
        """The key messages ("Das Wichtigste in Kürze"): a bold head with its number, its change; footnotes below."""
        lang = self.language
        before = self.comparison if self.storyline_comparison.possible else None
        messages = storyline.key_messages(self.key_figures, before, self.storyline_comparison, lang)
        notes: list[str] = []
        items, plain, numbers = [], [], {}
        for message in messages:
            mark = ""
            if message.footnote:
                if message.footnote not in notes:
                    notes.append(message.footnote)
                number = notes.index(message.footnote) + 1
                mark = f'<sup class="mpsc-footnote-ref"><a href="#fussnote-kurz-{number}">{number}</a></sup>'
            head_mark, text_mark = (mark, "") if message.note_on == "head" else ("", mark)
            items.append(
                f'<li><strong class="mpsc-message-head">{escape_text(message.head)}.</strong>{head_mark} '
                f"{escape_text(message.text)}{text_mark}</li>"
            )
            plain.append(f"{message.head}. {message.text}".rstrip())
            numbers |= message.numbers
        footnotes = "".join(
            f'<li id="fussnote-kurz-{i}">{escape_text(t(key, lang))}</li>' for i, key in enumerate(notes, start=1)
        )
        # Before the messages: why totals and means per responding project both appear (the response changed), or
        # that the first wave has nothing to compare with — said once, not in every message.
        comparison = self.storyline_comparison
        lead = storyline.response_change(comparison, lang) if comparison.response_changed else ""
        if not comparison.possible:
            lead = t("story.first", lang, wave=self.params.wave)
        body = (
            (f'<p class="mpsc-text">{escape_text(lead)}</p>' if lead else "")
            + f'<ul class="mpsc-list mpsc-key-messages">{"".join(items)}</ul>'
            + (f'<ol class="mpsc-footnotes">{footnotes}</ol>' if footnotes else "")
        )
        text = (f"{lead}\n\n" if lead else "") + "\n".join(f"- {p}" for p in plain)
        meta = Narrative(wave=self.params.wave, numbers=finite_numbers(numbers))
        return Block(body, text, meta.metadata())

    def theme_closing(self, topic: str) -> Block:
        """A theme section's closing paragraph: what changed since the comparison wave and what it means."""
        sentences, numbers = storyline.theme(topic, self.storyline_comparison, self.language)
        return self.story(" ".join(sentences), numbers)

    def challenges_text(self) -> Block:
        """The challenges in a paragraph: the most frequent themes of the codebook by name (counts in the table)."""
        return self.text(storyline.challenges(self.challenge_counts, self.language))

    def challenge_table(self) -> Block | None:
        """The themes the challenges name, with the number of model projects naming each (None without any)."""
        counts = self.challenge_counts
        if not storyline.top_challenges(counts):
            return None
        shown = counts[counts > 0].to_frame()
        shown.columns.name = "indicator"
        return self.table(
            shown,
            "Herausforderungen nach Thema (Modellprojekte, die das Thema nennen; Zuordnung über Schlagwörter)",
            index_label="Thema",
        )

    def challenge_examples(self, limit: int = 4) -> Block | None:
        """A few answers as quotes, the first ``limit`` distinct ones in answer order (None without any answer).

        They go through the one escaping boundary (:meth:`quotes`), as given, in German; the paragraph and the table
        beside them say which themes are frequent.
        """
        answers = metrics.free_text_answers(self.responses, self.register, "challenge")
        return self.quotes(answers, limit=limit) if not answers.empty else None

    def conclusion(self) -> Block:
        """The conclusion ("Fazit und Ausblick"), generated from the same figures as the key messages."""
        paragraphs, numbers = storyline.conclusion(
            self.key_figures, self.storyline_comparison, self.challenge_counts, self.language
        )
        return self.story(paragraphs, numbers)

    def abbreviations(self) -> Block:
        """The list of abbreviations (an unnumbered two-column table)."""
        lang = self.language
        rows = [(abbreviation, t(f"abbr.{abbreviation}", lang)) for abbreviation in ABBREVIATIONS]
        headers = (t("abbreviations.abbreviation", lang), t("abbreviations.meaning", lang))
        return _plain_table(rows, headers, t("abbreviations.caption", lang), "mpsc-abbreviations")

    def lists_of_figures_and_tables(self) -> Block:
        """The list of figures and the list of tables, from the captions shown so far.

        The exporter completes it with every figure and table of the whole document
        (:func:`~.export.contents.fill_lists`), so the lists may stand before the appendix whose tables follow them:
        in the back matter after the abbreviations and before the sources, as German reports place them.
        """
        lang = self.language
        entries = {
            kind: [f"{t(label, lang, number=number)} {caption}" for k, number, caption in self.listed if k == kind]
            for kind, label in (("figure", "figure.label"), ("table", "table.label"))
        }
        plain = "\n\n".join(
            t(heading, lang) + "\n" + "\n".join(entries[kind])
            for kind, heading in (("figure", "lists.figures"), ("table", "lists.tables"))
        )
        body = lists_html(entries["figure"], entries["table"], lang)
        return Block(f'<div class="{LISTS_CLASS}">{body}</div>', plain)

    def references(self) -> Block:
        """The list of references: the Smart City Charta with its source, the programme's pages, the results."""
        lang = self.language
        items = "".join(
            # The address as text, not a link: the HTML links to nothing outside itself (see test_build).
            f"<li>{escape_text(t(f'references.{key}', lang))} {escape_text(t('references.online', lang))} "
            f'<span class="mpsc-url">{escape_text(url)}</span></li>'
            for key, url in REFERENCES.items()
        )
        plain = "\n".join(
            f"{t(f'references.{key}', lang)} {t('references.online', lang)} {url}" for key, url in REFERENCES.items()
        )
        return Block(f'<ol class="mpsc-references">{items}</ol>', plain)

    def impressum_rows(self) -> list[tuple[str, str]]:
        """The Impressum as (label, value) rows in reading order: every field of ``publication`` in the params."""
        p, lang = self.params, self.language
        pub = p.publication
        as_of = _month_year(pub.as_of, p.report_date, lang)
        year = (pub.as_of or p.report_date.isoformat())[:4]
        citation = pub.citation or t(
            "impressum.citation.text",
            lang,
            publisher=pub.publisher,
            year=year,
            title=p.title,
            subtitle=p.subtitle or p.title,
            series=pub.series,
            number=pub.number,
        )
        provenance = reader_line(self.provenance(), self.data_as_of, lang)
        rows = [
            ("impressum.publisher", f"{pub.publisher}, {pub.address}"),
            ("impressum.commissioned_by", pub.commissioned_by),
            ("impressum.prepared_by", pub.prepared_by),
            ("impressum.as_of", as_of),
            ("impressum.series", f"{pub.series}, {pub.number}"),
            ("impressum.issn", pub.issn or t("impressum.not_assigned", lang)),
            ("impressum.isbn", pub.isbn or t("impressum.not_assigned", lang)),
            ("impressum.citation", citation),
            ("impressum.licence", t(_LICENCE_KEYS[pub.licence], lang)),
            ("impressum.contact", pub.contact),
            ("impressum.image_credits", pub.image_credits or t("impressum.image_credits.text", lang)),
            ("impressum.typesetting", t("impressum.typesetting.text", lang)),
            ("impressum.disclaimer", t("impressum.disclaimer.text", lang)),
            ("impressum.provenance", provenance),
        ]
        return [(t(label, lang), value) for label, value in rows]

    @property
    def items_with_missing_answers(self) -> int:
        """How many count questions some responding project left without an answer (the appendix's second table)."""
        return int((_item_nonresponse(self.responses, self.quality)["answered"] < len(self.responses)).sum())

    @property
    def data_as_of(self) -> str:
        """The data's state in words: the wave and the last day of its survey."""
        p = self.params
        return t("provenance.data.report", p.language, wave=p.wave, date=format_date(p.field_end, p.language))

    def colophon(self) -> Block:
        """The Impressum (last cell): every field of the params' ``publication`` and one line of provenance.

        The full provenance record (files with SHA-256, parameters, versions, commit, build time) goes into the
        block's metadata, from there into the PDF/HTML metadata and the sidecar file ``<name>.provenance.json``
        the build writes beside them — not onto the page. The metadata also carries every number of the wave (see
        :func:`mpsc_report.analysis.numbers.wave_numbers`) for ``mpsc-report diff`` and marks the notebook as run to
        its end for the QA gates.
        """
        record = self.provenance()
        labelled = self.impressum_rows()
        rows = "".join(
            f'<tr><th scope="row">{escape_text(label)}</th><td>{escape_text(value)}</td></tr>'
            for label, value in labelled
        )
        sample = t("impressum.sample", self.language) if self.synthetic else ""
        body = (
            '<section class="mpsc-colophon">'
            f'<table class="mpsc-colophon-table"><tbody>{rows}</tbody></table>'
            + (f'<p class="mpsc-text mpsc-sample-note">{escape_text(sample)}</p>' if sample else "")
            + "</section>"
        )
        plain = "\n".join(f"{label}: {value}" for label, value in labelled) + (f"\n{sample}" if sample else "")
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
        """The data-quality appendix's one compact table, and a second one only for questions with missing answers.

        The overview counts the answer rows read, used and rejected (by reason), the questions with missing
        answers and the cells with a special code; the sentences beside it (:func:`~mpsc_report.analysis.narrative.
        data_quality`) say the same in words. Which files were read, with their SHA-256, is in the sidecar file, not
        on the page. Every cell goes through :meth:`table`, so reasons are escaped like any other text.
        """
        q, lang = self.quality, self.language
        nonresponse = _item_nonresponse(self.responses, q)
        missing = nonresponse[nonresponse["answered"] < len(self.responses)]
        special = sum(sum(r.values()) for r in q.missing_reasons.values())
        counts = [
            (t("indicator.rows_read", lang), q.rows_read),
            (t("indicator.rows_used", lang), q.rows_used),
            (t("indicator.rows_rejected", lang), q.rows_rejected),
            *((t("dq.of_which", lang, rule=t(f"rule.{rule}", lang)), n) for rule, n in q.rejected_by_rule),
            (t("dq.overview.items_missing", lang, items=len(nonresponse)), len(missing)),
            (t("dq.overview.special", lang), special),
        ]
        numbers = {
            "rows_read": q.rows_read,
            "rows_used": q.rows_used,
            "rows_rejected": q.rows_rejected,
            **{number_key("rows_rejected", rule=rule): n for rule, n in q.rejected_by_rule},
            "special_code_cells": special,
        }
        overview = pd.DataFrame({t("dq.overview.count", lang): [n for _, n in counts]}, index=[k for k, _ in counts])
        blocks = [self.table(overview, "dq.overview.caption", formats={}, index_label="dq.overview.what")]
        if not missing.empty:
            blocks.append(
                self.table(
                    missing,
                    "Fehlende Angaben je Kennzahl (leere Zellen und Sondercodes zählen nicht mit)",
                    formats={"missing": "percent"},
                    index_label="Kennzahl",
                )
            )
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


def _plain_table(rows: list[tuple[str, str]], headers: tuple[str, str], label: str, css: str) -> Block:
    """An unnumbered two-column table of text (the list of abbreviations): escaped, with header cells."""
    head = "".join(f'<th scope="col">{escape_text(h)}</th>' for h in headers)
    body = "".join(f'<tr><th scope="row">{escape_text(a)}</th><td>{escape_text(b)}</td></tr>' for a, b in rows)
    html = (
        f'<div class="mpsc-table-scroll" role="region" tabindex="0" aria-label="{escape_text(label)}">'
        f'<table class="mpsc-table {css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )
    return Block(html, "\n".join(f"{a}: {b}" for a, b in rows))


def _month_year(as_of: str | None, report_date: date, language: str) -> str:
    """The month of ``as_of`` (YYYY-MM), else of the report date, in words: "Februar 2024"."""
    year, month = (int(x) for x in as_of.split("-")) if as_of else (report_date.year, report_date.month)
    return format_date(date(year, month, 1), language).split(" ", 1)[1]


def open_report(params: WaveParams) -> Report:
    """Load the register and every wave up to ``params.wave`` (see :func:`~mpsc_report.data.waves.open_waves`).

    Raises
    ------
    DataError
        When the wave (or the comparison wave) has no data file; the message lists what exists.
    """
    return Report(params, open_waves(params))
