"""Narrative from the same metric objects the charts use, in the report's language; no number is typed by hand.

The metrics speak codes; every word of a sentence, the words of the codes included, comes from the word catalogue
through :func:`~mpsc_report.analysis.words.t`.
"""

from __future__ import annotations

import math

import pandas as pd

from ..data.validation import ERRORS_FILE, DataQuality
from .charts.figure import shows_a_trend
from .formatting import (
    format_count_words,
    format_int,
    format_median,
    format_number,
    format_percent,
)
from .indicators import BY_ID, KEY_FIGURE_INDICATORS
from .metrics import KeyFigures, ProjectComparison
from .words import t

#: The key figures on the summary's tiles (fields of :class:`KeyFigures`), in reading order.
TILES: tuple[str, ...] = (
    "datasets",
    "participation",
    "positions",
    "solutions_transferred",
    "continuation_share",
    "open_source",
    "partners_mean",
    "partner_links",
)


def key_figure_tiles(kf: KeyFigures, language: str = "de") -> list[tuple[str, str]]:
    """Key figures as (value, label) tiles for the summary: exact values, the words from the indicator catalogue."""
    tiles = []
    for field in TILES:
        indicator = BY_ID[KEY_FIGURE_INDICATORS[field]]
        value = getattr(kf, field)
        if indicator.unit == "percent":
            shown = _share(value, language)
        elif indicator.unit == "per_project":
            shown = t("no_answer", language) if math.isnan(value) else format_number(value, 1, language)
        else:
            shown = format_int(value, language)
        tiles.append((shown, t(f"tile.{indicator.id}", language)))
    return tiles


def _who(kf: KeyFigures) -> str:
    """Whom a mean of partner municipalities is over: "all" model projects, or the "responding" ones only."""
    return "all" if kf.partners_answered == kf.projects else "responding"


def response(kf: KeyFigures, language: str = "de") -> str:
    """Who answered the wave."""
    lang = language
    return t(
        "response",
        lang,
        wave=kf.wave,
        respondents=format_int(kf.respondents, lang),
        projects=format_int(kf.projects, lang),
        rate=_share(kf.response_rate, lang),
        implementation=format_int(kf.projects_in_implementation, lang),
    )


def datasets(kf: KeyFigures, themes: pd.Series, language: str = "de") -> str:
    """New datasets and their largest themes (same Series as the chart: theme codes)."""
    lang = language
    top = themes.sort_values(ascending=False)
    return t(
        "datasets",
        lang,
        total=format_int(kf.datasets, lang),
        first=_plain(_word("theme", top.index[0], lang)),
        first_value=format_int(top.iloc[0], lang),
        first_share=_share(top.iloc[0] / kf.datasets, lang),
        second=_plain(_word("theme", top.index[1], lang)),
        second_value=format_int(top.iloc[1], lang),
    )


def participation(kf: KeyFigures, formats: pd.Series, language: str = "de") -> str:
    """Participatory activities by format (format codes); the Charta's guideline is quoted once, in the notebook."""
    lang = language
    top = formats.sort_values(ascending=False)
    return t(
        "participation",
        lang,
        total=format_int(kf.participation, lang),
        top=_plain(_word("format", top.index[0], lang)),
        top_value=format_int(top.iloc[0], lang),
    )


def staff(kf: KeyFigures, by_kind: pd.Series, language: str = "de") -> str:
    """New positions and the kind of municipality (kind codes) where most were created."""
    lang = language
    top = by_kind.dropna().sort_values(ascending=False)
    return _capital(
        t(
            "staff",
            lang,
            positions=format_int(kf.positions, lang),
            top_value=format_int(top.iloc[0], lang),
            top=_word("kind", top.index[0], lang),
        )
    )


def transfer(kf: KeyFigures, exchange: pd.Series, language: str = "de") -> list[str]:
    """Transfer of solutions and cooperation between municipalities (network links by exchange code).

    The first paragraph names the two network quantities apart (network links to partner municipalities; links
    between model projects, each pair once); the second says how transferred solutions differ from network links
    of the kind "Übertragung".
    """
    lang = language
    top = exchange.dropna().sort_values(ascending=False)
    first = t(
        f"transfer.{_who(kf)}",
        lang,
        transferred=format_int(kf.solutions_transferred, lang),
        mean=_mean_words(kf.partners_mean, lang),
        links=format_int(kf.partner_links, lang),
        among=format_int(kf.model_project_links, lang),
        top=_plain(_word("exchange", top.index[0], lang)),
        top_value=format_int(top.iloc[0], lang),
    )
    transfer_links = exchange.get("transfer")
    if transfer_links is None or math.isnan(transfer_links):
        return [_capital(first)]
    kinds = t(
        "transfer.kinds",
        lang,
        transfer_links=format_int(transfer_links, lang),
        transfer=_plain(_word("exchange", "transfer", lang)),
        transferred=format_int(kf.solutions_transferred, lang),
    )
    return [_capital(first), kinds]


def sustainability(kf: KeyFigures, language: str = "de") -> str:
    """Continuation of completed measures and open-source publication."""
    lang = language
    return t(
        "sustainability",
        lang,
        completed=format_int(kf.measures_completed, lang),
        continued=format_int(kf.measures_continued, lang),
        share=_share(kf.continuation_share, lang),
        open_source=format_int(kf.open_source, lang),
        total=format_int(kf.measures_total, lang),
    )


def comparison(means: pd.DataFrame, language: str = "de") -> str:
    """Which group collects the most and the fewest new datasets per project (same frame as the chart).

    Parameters
    ----------
    means : pandas.DataFrame
        Output of :func:`~mpsc_report.analysis.metrics.means_per_project`: cohort ids or kind codes, its index
        named ``"cohort"`` or ``"kind"``.
    language : str
        Report language.
    """
    lang = language
    by = means.index.name
    ordered = means["datasets_total"].sort_values(ascending=False)
    first = t(
        "comparison",
        lang,
        group=t(f"comparison.by.{by}", lang),
        top=_word(by, ordered.index[0], lang),
        top_value=format_number(ordered.iloc[0], 1, lang),
        bottom=_word(by, ordered.index[-1], lang),
        bottom_value=format_number(ordered.iloc[-1], 1, lang),
    )
    # Only what the figures show: that the order of the cohorts follows their start, when it does; by kind of
    # municipality, that the means describe and do not explain (said once, not after every chart).
    if by != "cohort":
        return first + " " + t("comparison.caveat", lang)
    known = ordered.dropna()
    by_start = list(known.index) == sorted(known.index, key=str)
    return first + (" " + t("comparison.order.cohort", lang) if by_start else "")


def places(by_state: pd.Series, projects: int, language: str = "de") -> str:
    """Where the model projects are."""
    lang = language
    top = by_state.sort_values(ascending=False)
    lands = int((by_state > 0).sum())
    return t(
        "places",
        lang,
        projects=format_int(projects, lang),
        lands=format_count_words(lands, lang),
        top=top.index[0],
        top_value=format_int(top.iloc[0], lang),
    )


def development(
    trend: pd.DataFrame,
    wave: str,
    comparison_wave: str | None,
    language: str = "de",
    per_project: pd.DataFrame | None = None,
) -> list[str]:
    """Change since the comparison wave: the change in response first, then each indicator with a direction word.

    Parameters
    ----------
    trend : pandas.DataFrame
        Output of :func:`~mpsc_report.analysis.metrics.trend` (the chart's frame): totals per wave, and the
        responding projects (column ``respondents``) when known.
    wave, comparison_wave : str
        The report's wave and the wave it is compared with (None: no comparison).
    language : str
        Report language.
    per_project : pandas.DataFrame, optional
        Output of :func:`~mpsc_report.analysis.metrics.trend_per_project`: the change per responding project is
        named beside each total.
    """
    lang = language
    if comparison_wave is None or comparison_wave not in trend.index:
        return [t("development.first", lang, wave=wave)]
    before, now = trend.loc[comparison_wave], trend.loc[wave]
    sentences = []
    named_response = False
    if "respondents" in trend.columns and not (math.isnan(before["respondents"]) or math.isnan(now["respondents"])):
        old_n, new_n = before["respondents"], now["respondents"]
        sentences.append(
            t(
                f"development.response.{_direction(old_n, new_n)}",
                lang,
                wave=comparison_wave,
                current=wave,
                old=format_int(old_n, lang),
                new=format_int(new_n, lang),
            )
        )
        named_response = old_n != new_n
    changes, gaps = [], []
    for indicator in (c for c in trend.columns if c != "respondents"):
        what = _genitive(indicator, lang)
        if math.isnan(before[indicator]) or math.isnan(now[indicator]):
            gaps.append(what)
            continue
        old, new = before[indicator], now[indicator]
        values = {
            "what": what,
            "old": format_int(old, lang),
            "new": format_int(new, lang),
            "direction": t(f"development.{_direction(old, new)}", lang),
        }
        means = _means(per_project, indicator, comparison_wave, wave)
        if means is None:
            changes.append(t("development.change", lang, **values))
        else:
            old_mean, new_mean = (format_number(m, 1, lang) for m in means)
            changes.append(t("development.change_per_project", lang, **values, old_mean=old_mean, new_mean=new_mean))
    if changes:
        opening = "development.changes.after_response" if sentences else "development.changes"
        sentences.append(t(opening, lang, wave=comparison_wave, changes=_joined(changes, lang)))
    if gaps:
        sentences.append(t("development.gaps", lang, gaps=t("development.gap_joiner", lang).join(gaps)))
    if not named_response:  # the sentence on the response says already how it affects the totals
        sentences.append(t("development.note", lang))
    return sentences


def _means(per_project: pd.DataFrame | None, indicator: str, before: str, now: str) -> tuple[float, float] | None:
    """The means per responding project of ``indicator`` in two waves, or None when either is unknown."""
    if per_project is None or indicator not in per_project.columns:
        return None
    if before not in per_project.index or now not in per_project.index:
        return None
    old, new = per_project.at[before, indicator], per_project.at[now, indicator]
    return None if math.isnan(old) or math.isnan(new) else (float(old), float(new))


def method(kf: KeyFigures, synthetic: bool, field_period: str, language: str = "de") -> list[str]:
    """Method and data notes: who was asked, when, how figures are counted, and the data's origin."""
    lang = language
    notes = [
        t(
            "method.who",
            lang,
            projects=format_int(kf.projects, lang),
            period=field_period,
            respondents=format_int(kf.respondents, lang),
            rate=_share(kf.response_rate, lang),
        ),
        t("method.counting", lang),
        t("method.network", lang),
    ]
    if synthetic:
        notes.append(t("method.synthetic", lang))
    return notes


def data_quality(quality: DataQuality, language: str = "de", items_missing: int | None = None) -> list[str]:
    """The data-quality appendix in sentences: rows read, used and rejected, special codes, format and codebook.

    ``items_missing`` (count questions with a missing answer, when known) adds whether every question was answered.
    """
    lang = language

    def count(key: str, n: int) -> str:
        return t(f"{key}.{'one' if n == 1 else 'many'}", lang, n=format_int(n, lang))

    sentences = [
        t(
            "dq.rows",
            lang,
            file=quality.files[0].name,
            format=t(f"dq.format.{quality.format}", lang),
            encoding=quality.encoding.upper().replace("-SIG", ""),
            read=count("dq.read", quality.rows_read),
            used=format_int(quality.rows_used, lang),
            went=count("dq.went", quality.rows_used),
            rejected=format_int(quality.rows_rejected, lang),
            was=count("dq.was", quality.rows_rejected),
        )
    ]
    if quality.rows_rejected:
        rules = quality.rejected_by_rule
        reasons = ", ".join(f"{format_int(n, lang)} × {t(f'rule.{rule}', lang)}" for rule, n in rules)
        sentences.append(t("dq.rejected", lang, reasons=reasons, errors_file=ERRORS_FILE))
    else:
        sentences.append(t("dq.all_passed", lang))
    if quality.codebook:
        sentences.append(t("dq.codebook", lang, codebook=quality.codebook))
    special = sum(sum(r.values()) for r in quality.missing_reasons.values())
    if special:
        codes = sorted({reason for r in quality.missing_reasons.values() for reason in r})
        quoted = ", ".join(t("dq.quoted", lang, text=c) for c in codes)
        sentences.append(t("dq.special", lang, cells=count("dq.special", special), codes=quoted))
    if items_missing is not None:
        sentences.append(t("dq.items.missing" if items_missing else "dq.items.complete", lang))
    sentences.append(t("dq.checksums", lang))
    return sentences


# --------------------------------------------------------------------------- alt texts


def describe_network(nodes: pd.DataFrame, edges: pd.DataFrame, language: str = "de") -> str:
    """Alt text for the network chart (same nodes and edges as the chart)."""
    return t(
        "describe.network", language, nodes=format_int(len(nodes), language), edges=format_int(len(edges), language)
    )


#: Chart kinds (the ``label`` :mod:`~mpsc_report.analysis.charts` gives each figure) -> opening phrase of the alt text.
_ALT_OPENING = {
    "bar": "alt.bar",
    "tile-map": "alt.tile_map",
    "stacked-bar": "alt.stacked_bar",
    "small-multiples": "alt.small_multiples",
    "line": "alt.line",
    "trend": "alt.line",
}


def describe_chart(kind: str, subject: str, data: pd.Series | pd.DataFrame, language: str = "de") -> str:
    """Alt text of a chart generated from the data it shows.

    Says what kind of chart it is and what it shows (``subject``, usually the caption), then, by kind:
    bars and tile maps the largest and smallest value and every value; stacked bars the largest and
    smallest total and every value; small multiples the highest and lowest category per indicator; line
    and trend charts the change of each series from its first to its last value (the trend).

    Parameters
    ----------
    kind : str
        The chart kind: ``"bar"``, ``"tile-map"``, ``"stacked-bar"``, ``"small-multiples"``, ``"line"``,
        ``"trend"``; anything else gets a neutral opening and the values.
    subject : str
        What the chart shows, e.g. its caption.
    data : pandas.Series or pandas.DataFrame
        The values drawn (the same object passed to the chart).
    language : str
        Report language.

    Returns
    -------
    str
        Plain text for the ``alt`` attribute.
    """
    lang = language
    parts = [t(_ALT_OPENING.get(kind, "alt.chart"), lang, subject=subject.rstrip("."))]
    if kind in ("line", "trend") and isinstance(data, pd.Series):
        data = data.to_frame()
    if isinstance(data, pd.Series) or (len(data.columns) == 1 and kind not in ("line", "trend")):
        series = data if isinstance(data, pd.Series) else data.iloc[:, 0]
        parts += _series_extremes(series, lang)
        return " ".join(parts)
    frame = data.apply(pd.to_numeric, errors="coerce").astype(float)
    decimals = 0 if (frame.dropna(how="all") == frame.dropna(how="all").round()).all().all() else 1

    def fmt(v: float, lang: str) -> str:
        return _format(v, lang, decimals)

    if kind in ("line", "trend"):
        parts.append("; ".join(_trend_phrase(frame[c], str(c), lang) for c in frame.columns) + ".")
    elif kind == "stacked-bar":
        totals = frame.sum(axis=1, min_count=1).dropna().sort_values(ascending=False)
        parts.append(
            t(
                "alt.total_extremes",
                lang,
                largest=totals.index[0],
                largest_value=fmt(totals.iloc[0], lang),
                smallest=totals.index[-1],
                smallest_value=fmt(totals.iloc[-1], lang),
            )
        )
        parts.append(t("alt.values", lang, listing=_rows(frame, lang)))
    else:
        phrases = []
        for column in frame.columns:
            values = frame[column].dropna().sort_values(ascending=False)
            if values.empty:
                continue
            phrases.append(
                t(
                    "alt.column_extremes",
                    lang,
                    column=column,
                    largest=values.index[0],
                    largest_value=fmt(values.iloc[0], lang),
                    smallest=values.index[-1],
                    smallest_value=fmt(values.iloc[-1], lang),
                )
            )
        parts.append("; ".join(phrases) + ".")
    return " ".join(parts)


def _series_extremes(series: pd.Series, lang: str) -> list[str]:
    values = pd.to_numeric(series, errors="coerce").astype(float)
    ordered = values.dropna().sort_values(ascending=False)
    if ordered.empty:
        return [t("alt.values", lang, listing=t("no_answer", lang))]
    listing = "; ".join(f"{_plain(str(k))}: {_value(v, lang)}" for k, v in values.items())
    return [
        t(
            "alt.extremes",
            lang,
            largest=_plain(str(ordered.index[0])),
            largest_value=_value(ordered.iloc[0], lang),
            smallest=_plain(str(ordered.index[-1])),
            smallest_value=_value(ordered.iloc[-1], lang),
        ),
        t("alt.values", lang, listing=listing),
    ]


def _trend_phrase(series: pd.Series, indicator: str, lang: str) -> str:
    known = series.dropna()
    if known.empty:
        return f"{indicator}: {t('no_answer', lang)}"
    if len(known) == 1:
        return t(
            "alt.trend_single", lang, indicator=indicator, last=_value(known.iloc[0], lang), last_wave=known.index[0]
        )
    first, last = known.iloc[0], known.iloc[-1]
    return t(
        "alt.trend",
        lang,
        indicator=indicator,
        first=_value(first, lang),
        first_wave=known.index[0],
        last=_value(last, lang),
        last_wave=known.index[-1],
        direction=t(f"direction.{_direction(first, last)}", lang),
    )


def _rows(frame: pd.DataFrame, lang: str) -> str:
    return "; ".join(
        f"{index}: " + ", ".join(f"{c} {_value(v, lang)}" for c, v in row.items()) for index, row in frame.iterrows()
    )


def _value(value: float, lang: str) -> str:
    """A number as in the charts: whole numbers without, others with one decimal; missing as "keine Angabe"."""
    return _format(value, lang, 0 if value is None or math.isnan(value) or float(value).is_integer() else 1)


def _format(value: float, lang: str, decimals: int) -> str:
    if value is None or math.isnan(value):
        return t("no_answer", lang)
    return format_number(value, decimals, lang) if decimals else format_int(value, lang)


def _genitive(indicator: str, lang: str) -> str:
    """An indicator id after "die Zahl" / "the number": "der neuen Stellen" / "of new positions"."""
    return t(f"genitive.{indicator}", lang)


def _word(dimension: str, code: object, lang: str) -> str:
    """The word of a code of ``dimension`` (an axis name of a metric), e.g. ``("kind", "large_city")`` -> Großstadt."""
    return t(f"{dimension}.{code}", lang)


def _joined(changes: list[str], lang: str) -> str:
    """Changes after "die Zahl": "A, die Zahl B und die Zahl C" / "A, the number B and the number C"."""
    head, *rest = changes
    joiner, last_joiner = t("development.joiner", lang), t("development.last_joiner", lang)
    return head + "".join(joiner + c for c in rest[:-1]) + (last_joiner + rest[-1] if rest else "")


def _share(value: float, language: str = "de") -> str:
    return t("no_answer", language) if math.isnan(value) else format_percent(value, 0, language)


def _mean_words(value: float, language: str = "de") -> str:
    """A mean in running text: whole numbers up to twelve in words ("zwölf"), else one decimal."""
    if math.isnan(value):
        return t("no_answer", language)
    if abs(value - round(value)) < 0.05:
        return format_count_words(int(round(value)), language)
    return format_number(value, 1, language)


def direction_word(before: float, now: float, language: str = "de") -> str:
    """The direction of a change as one word: "gestiegen", "gesunken" or "unverändert" (English: risen, fallen…)."""
    word = t(f"direction.{_direction(before, now)}", language)
    return word.removesuffix(" geblieben")


def _direction(before: float, now: float) -> str:
    """Catalogue key of a change: "up", "down" or "same"."""
    if now > before:
        return "up"
    if now < before:
        return "down"
    return "same"


def _plain(label: str) -> str:
    """A chart label for running text: without a bracketed explanation."""
    return str(label).split(" (")[0]


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# --------------------------------------------------------------------------- project factsheet


def project_key_figures(comparison: ProjectComparison, wave: str, language: str = "de") -> tuple[str, list[str]]:
    """A lead sentence and one item per headline indicator: the project's value, the cohort and kind medians.

    Numbers are written exactly as the comparison chart writes them (same table, same format).

    Parameters
    ----------
    comparison : ProjectComparison
        Output of :func:`~mpsc_report.analysis.metrics.project_comparison`.
    wave : str
        The wave.
    language : str
        Factsheet language.

    Returns
    -------
    lead : str
        "In Welle 2023 meldet Solingen:", or the plain statement that the project did not answer.
    items : list of str
        E.g. "42 neu erhobene Datensätze – Median der Staffel 2019: 17, der Großstädte: 15,5".
    """
    lang = language
    table, name = comparison.table, comparison.short_name
    if comparison.answered:
        lead = t("project.lead", lang, wave=wave, name=name)
    else:
        lead = t("project.lead.no_answers", lang, wave=wave, name=name)
    kinds = t(f"kinds.{comparison.kind}", lang)
    items = []
    for indicator in table.columns:
        own = table.at["project", indicator]
        medians = t(
            "project.medians",
            lang,
            cohort=comparison.cohort,
            cohort_value=format_median(table.at["cohort", indicator], lang),
            kinds=kinds,
            kind_value=format_median(table.at["kind", indicator], lang),
        )
        if not comparison.answered:
            items.append(
                t("project.item.no_answers", lang, indicator=_word("indicator", indicator, lang), medians=medians)
            )
        elif math.isnan(own):
            items.append(t("project.item.missing", lang, genitive=_genitive(indicator, lang), medians=medians))
        else:
            noun = t(f"noun.{indicator}.{'one' if own == 1 else 'many'}", lang)
            items.append(t("project.item", lang, value=format_median(own, lang), noun=noun, medians=medians))
    return lead, items


def project_development(trend: pd.DataFrame, name: str, wave: str, language: str = "de") -> list[str]:
    """How the project's cumulative counts changed since its first answered wave; unanswered waves named as gaps.

    The sentences speak of the figure's lines and gaps only when the figure is drawn (data in at least two waves,
    :func:`~mpsc_report.analysis.charts.shows_a_trend`, the rule of
    :meth:`~mpsc_report.documents.blocks.Blocks.trend_figure`).

    Parameters
    ----------
    trend : pandas.DataFrame
        Output of :func:`~mpsc_report.analysis.metrics.project_trend` (same frame as the chart).
    name : str
        The project's short name.
    wave : str
        The factsheet's wave (the last row of ``trend``).
    language : str
        Factsheet language.
    """
    lang = language
    answered = [w for w in trend.index if trend.loc[w].notna().any()]
    missing = [w for w in trend.index if w not in answered]
    charted = shows_a_trend(trend)  # the same rule as the figure: only then may a sentence speak of its lines
    sentences = []
    earlier = [w for w in missing if w != wave]
    if earlier:
        gaps = "project.gaps" if charted else "project.gaps_no_chart"
        sentences.append(t(gaps, lang, waves=t("project.wave_joiner", lang).join(earlier)))
    if wave in answered and len(answered) > 1:
        first = answered[0]
        before, now = trend.loc[first], trend.loc[wave]
        changes = [
            t(
                "development.change",
                lang,
                what=_genitive(i, lang),
                old=format_int(before[i], lang),
                new=format_int(now[i], lang),
                direction=t(f"development.{_direction(before[i], now[i])}", lang),
            )
            for i in trend.columns
            if not (math.isnan(before[i]) or math.isnan(now[i]))
        ]
        if changes:
            sentences.append(t("project.changes", lang, first=first, name=name, changes=_joined(changes, lang)))
    elif wave in answered:
        sentences.append(t("project.first_wave", lang, wave=wave, name=name))
    elif not answered:
        sentences.append(t("project.no_waves", lang, name=name))
    elif charted:  # the factsheet's lead already says that the project did not answer this wave
        sentences.append(t("project.gap_now", lang, wave=wave))
    else:  # one earlier wave with answers: no figure, nothing to compare
        sentences.append(t("project.single_wave", lang, first=answered[0], name=name))
    return sentences


def project_partners(
    table: pd.DataFrame, network: pd.Series, name: str, language: str = "de", *, responded: bool = True
) -> list[str]:
    """The project's partner municipalities and its links in the network, in sentences (same figures as its tables).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~mpsc_report.analysis.metrics.project_partners` (exchange codes; NaN when unknown).
    network : pandas.Series
        The project's row of :func:`~mpsc_report.analysis.metrics.network_table`.
    name : str
        The project's short name.
    language : str
        Factsheet language.
    responded : bool
        Whether the project answered the wave at all (the factsheet's lead already says when it did not).

    Returns
    -------
    list of str
        What it names (or that it is unknown), then its links to other model projects.
    """
    lang = language
    links = int(network["links_to_model_projects"])
    links_key = "project.links" + ("" if links > 1 else ".one" if links == 1 else ".none")
    if math.isnan(network["partners_total"]):
        unknown = "project.partners_unknown" + ("" if responded else ".no_answers")
        links_key = links_key.replace("project.links", "project.links.unknown")
        return [t(unknown, lang, name=name), t(links_key, lang, name=name, links=format_int(links, lang))]
    total, projects = int(network["partners_total"]), int(network["partners_model_projects"])
    if total == 0:
        first = t("project.no_partners", lang, name=name)
    else:
        top = table["partners_total"].sort_values(ascending=False, kind="stable")
        first = t(
            "project.partners",
            lang,
            name=name,
            total=format_int(total, lang),
            partners=_noun("partners_total", total, lang),
            projects=format_int(projects, lang),
            top=_word("exchange", top.index[0], lang),
            top_value=format_int(top.iloc[0], lang),
            top_partners=_noun("partners_total", top.iloc[0], lang),
        )
    return [first, t(links_key, lang, name=name, links=format_int(links, lang))]


def _noun(indicator: str, value: float, lang: str) -> str:
    return t(f"noun.{indicator}.{'one' if value == 1 else 'many'}", lang)


def factsheet_method(comparison: ProjectComparison, synthetic: bool, language: str = "de") -> list[str]:
    """Notes under a factsheet: what the medians are and whether the project is in them, counting, data origin."""
    lang = language
    own = comparison.table.loc["project"]
    missing = [i for i in comparison.table.columns if math.isnan(own[i])]
    if not comparison.answered:
        key, extra = "project.method.no_answers", {}
    elif missing:
        names = t("project.wave_joiner", lang).join(_word("indicator", i, lang) for i in missing)
        key, extra = "project.method.partial", {"missing": names}
    else:
        key, extra = "project.method", {}
    notes = [
        t(
            key,
            lang,
            cohort=comparison.cohort,
            cohort_n=format_int(comparison.cohort_n, lang),
            kinds=t(f"kinds.{comparison.kind}", lang),
            kind_n=format_int(comparison.kind_n, lang),
            name=comparison.short_name,
            **extra,
        )
    ]
    if synthetic:
        notes.append(t("project.synthetic", lang))
    return notes


def describe_counts(frame: pd.DataFrame, what: str, language: str = "de") -> str:
    """Alt text for a factsheet chart: every value as the chart writes it; a gap reads "keine Daten".

    Parameters
    ----------
    frame : pandas.DataFrame
        The labelled table the chart draws.
    what : str
        What the chart shows, German text of the catalogue (written in the notebook, looked up like a caption).
    language : str
        Factsheet language.
    """
    lang = language
    no_data = t("describe.no_data", lang)
    rows = "; ".join(
        f"{index}: " + ", ".join(f"{c} {no_data if math.isnan(v) else format_median(v, lang)}" for c, v in row.items())
        for index, row in frame.iterrows()
    )
    return t("describe.counts", lang, what=t(what, lang), rows=rows)
