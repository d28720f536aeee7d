"""The project factsheet ("Steckbrief"): one model project in one wave, on two A4 pages.

:func:`open_factsheet` loads the data through :func:`mpsc_report.data.waves.open_waves`, exactly like the wave
report; :class:`Factsheet` holds the project's figures and displays the compact header and the generic blocks.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..analysis import metrics, narrative
from ..analysis.formatting import format_date
from ..analysis.indicators import frame_numbers, number_key, recorded_value
from ..analysis.words import t
from ..data.params import FactsheetParams
from ..data.projects import resolve_project
from ..data.schema import PHASES
from ..data.waves import Waves, open_waves
from .blocks import Block, escape_text
from .contract import Colophon, TitlePage, finite_numbers
from .document import WaveDocument
from .provenance import reader_line

#: Layout of the header's :class:`~.contract.TitlePage` that tells the exporters to print a factsheet: compact
#: header instead of a title page, no table of contents (see :mod:`mpsc_report.documents.export`).
FACTSHEET_LAYOUT = "factsheet"


class Factsheet(WaveDocument):
    """Data and display helpers of one project factsheet. Build it with :func:`open_factsheet`."""

    params: FactsheetParams

    def __init__(self, params: FactsheetParams, data: Waves, project: pd.Series) -> None:
        super().__init__(params, data)
        self.project = project
        # Every number a factsheet records is about its project (tables by kind of exchange included).
        self.fixed_dims = {"project": params.project}

    @property
    def name(self) -> str:
        """The project's full name from the register."""
        return str(self.project["name"])

    @property
    def answer(self) -> pd.Series | None:
        """The project's row of answers in this wave, or None when it did not answer."""
        found = self.responses[self.responses["project_id"] == self.params.project]
        return found.iloc[0] if len(found) else None

    @cached_property
    def comparison(self) -> metrics.ProjectComparison:
        """Headline figures of the project next to the medians of its cohort and kind."""
        return metrics.project_comparison(self.responses, self.register, self.params.project)

    def comparison_table(self) -> pd.DataFrame:
        """The comparison's table in words, as the chart and its alt text show it.

        Rows: the project's short name, "Median Staffel 2019", "Median der Großstädte"; columns: the indicators.
        """
        comparison, lang = self.comparison, self.language
        rows = {
            "project": comparison.short_name,
            "cohort": t("median.cohort", lang, cohort=comparison.cohort),
            "kind": t("median.kind", lang, kinds=t(f"kinds.{comparison.kind}", lang)),
        }
        return self.label(comparison.table.rename(index=rows).rename_axis(index=None))

    def trend(self) -> pd.DataFrame:
        """The project's cumulative counts in every wave up to this one (unanswered waves are gaps)."""
        return metrics.project_trend({w: d.responses for w, d in self.waves.items()}, self.params.project)

    def partners(self) -> pd.DataFrame:
        """The project's partner municipalities by kind of exchange (NaN when it did not answer the question)."""
        return metrics.project_partners(self.responses, self.current.partners, self.params.project)

    def network_row(self) -> pd.DataFrame:
        """The project's partner figures: its row of the wave report's network appendix, with the same labels."""
        table = metrics.network_table(self.responses, self.current.partners, self.register)
        return table.loc[[self.params.project]]

    def partner_sentences(self) -> list[str]:
        """What the project names and how it is linked to other model projects, in sentences (same figures)."""
        return narrative.project_partners(
            self.partners(),
            self.network_row().iloc[0],
            self.comparison.short_name,
            self.language,
            responded=self.comparison.answered,
        )

    def partner_table(self) -> Block:
        """The partner municipalities by kind of exchange as a table; nothing when they are unknown (no zeros)."""
        partners = self.partners()
        if partners["partners_total"].isna().all():
            return Block("", "")
        return self.table(
            partners, "Partnerkommunen nach Art des Austauschs (* selbst Modellprojekt)", formats={"names": "text"}
        )

    def numbers(self) -> dict[str, float | int | None]:
        """Every number the factsheet states, by indicator key (see :mod:`~mpsc_report.analysis.indicators`).

        The project's figures (``datasets_total[project=koeln]``; None when it did not answer), the medians of its
        cohort and kind (``datasets_total[cohort=2020,stat=median]``) with the responding projects they are over
        (``respondents[cohort=2020]``), its figures in every wave up to this one (``…[project=koeln,wave=2022]``)
        and its partner figures, the same keys as the wave report's network appendix.
        """
        comparison, pid = self.comparison, self.params.project
        table = comparison.table
        numbers: dict[str, float | int | None] = {}
        for id in table.columns:
            numbers[number_key(id, project=pid)] = recorded_value(id, table.at["project", id])
            numbers[number_key(id, cohort=comparison.cohort, stat="median")] = table.at["cohort", id]
            numbers[number_key(id, kind=comparison.kind, stat="median")] = table.at["kind", id]
        numbers[number_key("respondents", cohort=comparison.cohort)] = comparison.cohort_n
        numbers[number_key("respondents", kind=comparison.kind)] = comparison.kind_n
        trend = self.trend()
        for wave, row in trend.iterrows():
            for id, value in row.items():
                numbers[number_key(str(id), project=pid, wave=str(wave))] = recorded_value(str(id), value)
        numbers |= frame_numbers(self.network_row(), project=pid)
        return numbers

    @property
    def trend_source(self) -> str:
        """Source line for the chart across waves: the range of waves, one project."""
        return self.source_for(1, self.wave_span)

    # --- blocks -------------------------------------------------------------------------------

    def header(self) -> Block:
        """Compact header of page 1: programme, project name, cohort, kind, Land, phase, wave, date, notice.

        Its metadata has the role "title-page" (the exporters read title, wave and notice from it) and the
        layout "factsheet" (no full title page, no table of contents).
        """
        p, lang = self.params, self.language
        answer = self.answer
        phase = t(f"phase.{answer['phase']}", lang) if answer is not None and answer["phase"] in PHASES else ""
        cohort, kind = self.project["cohort"], self.project["kind"]
        facts = [t(f"cohort.{cohort}", lang), t(f"kind.{kind}", lang), str(self.project["state"]), phase]
        date = format_date(p.report_date, lang)
        status = t("factsheet.status", lang, wave=p.wave, date=date, publisher=p.publisher)
        sample_notice = t("sample_notice", lang)
        notice = f'<p class="mpsc-sample-notice">{escape_text(sample_notice)}</p>' if self.synthetic else ""
        short = self.comparison.short_name
        title = t("factsheet.title", lang, name=short)
        # A long register name ("Kooperation Brandis/Partheland (Borsdorf, …)") is printed in full under its short form.
        full = f'<p class="mpsc-factsheet-name">{escape_text(self.name)}</p>' if short != self.name else ""
        body = (
            '<header class="mpsc-factsheet-header">'
            f'<p class="mpsc-kicker">{escape_text(t("factsheet.kicker", lang))}</p>'
            f'<h1 class="mpsc-factsheet-title">{escape_text(short)}</h1>{full}'
            f'<p class="mpsc-factsheet-facts">{escape_text(" · ".join(f for f in facts if f))}</p>'
            f'<p class="mpsc-factsheet-status">{escape_text(status)}</p>'
            f"{notice}</header>"
        )
        plain = "\n".join(x for x in (title, self.name, " · ".join(f for f in facts if f), status) if x)
        meta = TitlePage(
            title=title,
            wave=p.wave,
            language=p.language,
            sample_data=self.synthetic,
            notice=sample_notice if self.synthetic else "",
            layout=FACTSHEET_LAYOUT,
        )
        return Block(body, plain + ("\n" + sample_notice if self.synthetic else ""), meta.metadata())

    def colophon(self) -> Block:
        """Where the numbers come from, in one line (the last cell): the data's state, the program, the sidecar file.

        The full record (files with SHA-256, versions, commit, build time) goes into the block's metadata, and from
        there into the PDF and HTML metadata and the sidecar file, like the wave report's; it also marks the notebook
        as run to its end for the QA gates.
        """
        record, lang = self.provenance(), self.language
        lines = [reader_line(record, t("provenance.data.factsheet", lang, wave=self.params.wave), lang)]
        body = "".join(f'<p class="mpsc-factsheet-colophon">{escape_text(line)}</p>' for line in lines)
        meta = Colophon(
            wave=self.params.wave,
            provenance=record,
            numbers=finite_numbers(self.numbers()),
            project=self.params.project,
            project_name=self.comparison.short_name,
        )
        return Block(f'<footer class="mpsc-colophon">{body}</footer>', "\n".join(lines), meta.metadata())

    def highlight(self) -> Block:
        """The project's highlight of this wave as a quote (escaped, shortened visibly), or a note."""
        answer, lang = self.answer, self.language
        if answer is None:  # the lead says once that the project did not answer; here only a short note
            return self.note(t("factsheet.no_highlight.no_answers", lang))
        text = str(answer["highlight"]).strip()
        if not text:
            return self.note(t("factsheet.no_highlight", lang, name=self.comparison.short_name))
        source = t("factsheet.quote_source", lang, name=self.name, wave=self.params.wave)
        return self.quotes(pd.DataFrame({"name": [source], "text": [text]}), limit=1)


def open_factsheet(params: FactsheetParams) -> Factsheet:
    """Find the project and load the waves like its wave report (see :func:`~mpsc_report.data.waves.open_waves`).

    Raises
    ------
    ParamsError
        The project key is not in the register; the message names the key and suggests close matches.
    DataError
        The wave has no data file; the message lists the waves that exist.
    """
    data = open_waves(params)
    return Factsheet(params, data, find_project(data.register, params.project))


def find_project(register: pd.DataFrame, key: str) -> pd.Series:
    """The register row of ``key``; an unknown key raises :class:`ParamsError` with close matches.

    Keys are matched as :func:`mpsc_report.data.projects.resolve_project` matches them (ids in any case, names).
    """
    return metrics.project_record(register, resolve_project(register, key))
