"""The report's storyline: key messages, what changed per theme and what it means, challenges, Fazit und Ausblick.

Every sentence is generated from the same metric objects the charts and tables use (:class:`KeyFigures`, the
trend frames of :func:`~mpsc_report.analysis.metrics.trend` and
:func:`~mpsc_report.analysis.metrics.trend_per_project`, the challenge counts of
:func:`~mpsc_report.analysis.challenges.challenge_themes`), through the word catalogue; no number is typed by hand.
A message records the numbers it states by indicator key (:attr:`Message.numbers`), also those of the comparison
wave, so the QA claims gate can check each one.

What the data cannot carry is not said: the counts are cumulative answers of the model projects, so a sentence
says what changed, and where a theme's count invites a conclusion (jobs that last, data that are used) it says that
the survey does not measure it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from .challenges import OTHER
from .formatting import format_count_words, format_int, format_number, format_percent, format_rounded
from .indicators import number_key, recorded_value
from .metrics import KeyFigures
from .words import t

#: Themes of the key messages and theme sections: key-figure field of :class:`KeyFigures` -> indicator id.
THEMES: dict[str, str] = {
    "datasets": "datasets_total",
    "participation": "participation_total",
    "positions": "positions_new",
    "transferred": "solutions_transferred",
}

_FIELDS = {"datasets": "datasets", "participation": "participation", "positions": "positions"}


@dataclass(frozen=True)
class Message:
    """One key message: a short head with its number, the sentences after it, the numbers both state."""

    topic: str
    head: str
    text: str
    numbers: dict[str, float | int | None] = field(default_factory=dict)
    #: Catalogue key of a footnote the message needs (a rounded number, the base of a mean), or "".
    footnote: str = ""
    #: Where the footnote's mark stands: after the head (its number is rounded) or after the text (a mean in it).
    note_on: Literal["head", "text"] = "head"


@dataclass(frozen=True)
class Comparison:
    """What the storyline compares: the wave, the comparison wave and the trend frames (None: first wave)."""

    wave: str
    comparison_wave: str | None
    trend: pd.DataFrame
    per_project: pd.DataFrame | None = None

    @property
    def possible(self) -> bool:
        """Whether both waves are in the trend (else the messages say this is the first wave)."""
        return self.comparison_wave is not None and self.comparison_wave in self.trend.index

    @property
    def response_changed(self) -> bool:
        """Whether the number of responding projects differs between the two waves (then means are named)."""
        if not self.possible or "respondents" not in self.trend.columns:
            return False
        before, now = self.trend.at[self.comparison_wave, "respondents"], self.trend.at[self.wave, "respondents"]
        return not (math.isnan(before) or math.isnan(now)) and before != now


def key_messages(
    kf: KeyFigures, before: KeyFigures | None, comparison: Comparison, language: str = "de"
) -> list[Message]:
    """The key messages ("Das Wichtigste in Kürze"): five, each with its number and its change since the last wave.

    Parameters
    ----------
    kf : KeyFigures
        Headline figures of the wave.
    before : KeyFigures, optional
        Headline figures of the comparison wave (None without one).
    comparison : Comparison
        The waves and the trend frames the development chart and table show.
    language : str
        Report language.

    Returns
    -------
    list of Message
        Data, participation, positions, transfer, continuation — in this order.
    """
    lang = language
    messages = []
    for topic, indicator in THEMES.items():
        value = kf.solutions_transferred if topic == "transferred" else getattr(kf, _FIELDS[topic])
        rounded = format_rounded(value, lang) if topic in ("datasets", "participation") else format_int(value, lang)
        head = _capital(t(f"story.head.{topic}", lang, value=rounded))
        sentences, numbers = change(indicator, comparison, lang)
        if not comparison.possible:  # the first wave: the mean per responding project instead of a change
            sentences, numbers = _mean_sentence(indicator, comparison, lang)
        if topic == "transferred" and not math.isnan(kf.partners_mean):
            who = "all" if kf.partners_answered == kf.projects else "responding"
            links = format_rounded(kf.partner_links, lang)
            sentences.append(t(f"summary.network.{who}", lang, mean=_mean_words(kf.partners_mean, lang), links=links))
            numbers[number_key("partners_mean")] = recorded_value("partners_mean", kf.partners_mean)
            numbers[number_key("partner_links")] = kf.partner_links
        numbers[number_key(indicator)] = value
        footnote, note_on = ("footnote.rounded" if rounded != format_int(value, lang) else ""), "head"
        if topic == "transferred" and not math.isnan(kf.partners_mean):
            footnote, note_on = "footnote.base", "text"  # the mean of partner municipalities: over who answered
        messages.append(Message(topic, head, " ".join(sentences), numbers, footnote, note_on))
    messages.append(_continuation_message(kf, before, comparison, lang))
    return messages


def _continuation_message(kf: KeyFigures, before: KeyFigures | None, comparison: Comparison, lang: str) -> Message:
    share = kf.continuation_share
    head = _capital(t("story.head.continued", lang, value=_share(share, lang)))
    numbers: dict[str, float | int | None] = {
        number_key("continuation_share"): recorded_value("continuation_share", share)
    }
    if not comparison.possible:
        text = ""  # the block says once, below the messages, that there is nothing to compare yet
    elif before is None or math.isnan(before.continuation_share):
        text = t("story.change.unknown", lang, wave=comparison.comparison_wave)
    else:
        old = before.continuation_share
        text = t(
            "story.share_change",
            lang,
            wave=comparison.comparison_wave,
            old=_share(old, lang),
            new=_share(share, lang),
            direction=t(f"development.{_direction(round(old * 100), round(share * 100))}", lang),
        )
        key = number_key("continuation_share", wave=comparison.comparison_wave)
        numbers[key] = recorded_value("continuation_share", old)
    return Message("continued", head, text, numbers)


def response_change(comparison: Comparison, language: str = "de") -> str:
    """How the number of responding projects changed since the comparison wave, and what that does to the totals."""
    old, new = (comparison.trend.at[w, "respondents"] for w in (comparison.comparison_wave, comparison.wave))
    return t(
        f"development.response.{_direction(old, new)}",
        language,
        wave=comparison.comparison_wave,
        current=comparison.wave,
        old=format_int(old, language),
        new=format_int(new, language),
    )


def change(indicator: str, comparison: Comparison, language: str = "de") -> tuple[list[str], dict]:
    """The sentence on how ``indicator``'s total changed since the comparison wave, and the numbers it states.

    Named per responding model project as well when the response changed between the waves (a total then also
    grows because more projects answered). Nothing for the first wave (the key messages say once that there is
    nothing to compare yet).
    """
    lang = language
    if not comparison.possible:
        return [], {}
    old_wave, wave = comparison.comparison_wave, comparison.wave
    old, new = comparison.trend.at[old_wave, indicator], comparison.trend.at[wave, indicator]
    if math.isnan(old) or math.isnan(new):
        return [t("story.change.unknown", lang, wave=old_wave)], {}
    values = {
        "wave": old_wave,
        "what": t(f"genitive.{indicator}", lang),
        "old": format_int(old, lang),
        "new": format_int(new, lang),
        "direction": t(f"development.{_direction(old, new)}", lang),
    }
    numbers: dict[str, float | int | None] = {number_key(indicator, wave=old_wave): old}
    means = _means(comparison, indicator) if comparison.response_changed else None
    if means is None:
        return [t("story.change", lang, **values)], numbers
    old_mean, new_mean = means
    numbers[number_key(indicator, wave=old_wave, stat="mean")] = old_mean
    numbers[number_key(indicator, stat="mean")] = new_mean
    sentence = t(
        "story.change_per_project",
        lang,
        **values,
        old_mean=format_number(old_mean, 1, lang),
        new_mean=format_number(new_mean, 1, lang),
    )
    return [sentence], numbers


def _mean_sentence(indicator: str, comparison: Comparison, lang: str) -> tuple[list[str], dict]:
    """The mean per responding project in a sentence: "Im Schnitt sind das 4,1 neu erhobene Datensätze …"."""
    frame = comparison.per_project
    if frame is None or indicator not in frame.columns or comparison.wave not in frame.index:
        return [], {}
    mean = frame.at[comparison.wave, indicator]
    if math.isnan(mean):
        return [], {}
    noun = t(f"noun.{indicator}.{'one' if mean == 1 else 'many'}", lang)
    sentence = t("story.mean", lang, mean=format_number(mean, 1, lang), noun=noun)
    return [sentence], {number_key(indicator, stat="mean"): float(mean)}


def theme(topic: str, comparison: Comparison, language: str = "de") -> tuple[list[str], dict]:
    """A theme section's closing paragraph: what changed since the comparison wave, and what it means (or not)."""
    sentences, numbers = change(THEMES[topic], comparison, language) if topic in THEMES else ([], {})
    sentences.append(t(f"story.meaning.{'transfer' if topic == 'transferred' else topic}", language))
    return sentences, numbers


def challenges(counts: pd.Series, language: str = "de", top: int = 3) -> str:
    """The challenges in one paragraph: the most frequent themes by name (their counts stand in the table beside).

    Parameters
    ----------
    counts : pandas.Series
        Output of :func:`~mpsc_report.analysis.challenges.challenge_themes`.
    language : str
        Report language.
    top : int
        How many themes to name.
    """
    named = top_challenges(counts, top)
    if not named:
        return t("challenges.none", language)
    return t("challenges.summary", language, top=_listed([t(f"challenge.{c}", language) for c in named], language))


def top_challenges(counts: pd.Series, top: int = 3) -> list[str]:
    """The codes of the ``top`` most frequent themes with at least one mention (``other`` never counts as a theme).

    A theme tied with the last one named is named too, so no equal count is left out silently.
    """
    themes = counts.drop(OTHER, errors="ignore")
    themes = themes[themes > 0].sort_values(ascending=False, kind="stable")
    if themes.empty:
        return []
    cut = themes.iloc[min(top, len(themes)) - 1]
    return [str(code) for code, n in themes.items() if n >= cut]


def conclusion(
    kf: KeyFigures, comparison: Comparison, counts: pd.Series | None, language: str = "de"
) -> tuple[list[str], dict]:
    """The conclusion ("Fazit und Ausblick"): where the projects stand, what grew, the challenges, what comes next.

    Returns the paragraphs and the numbers they state (by indicator key).
    """
    lang = language
    majority = kf.projects_in_implementation * 2 > kf.respondents
    paragraphs = [
        t(
            "fazit.state" if majority else "fazit.state.early",
            lang,
            wave=comparison.wave,
            implementation=format_int(kf.projects_in_implementation, lang),
            respondents=format_int(kf.respondents, lang),
        )
    ]
    numbers: dict[str, float | int | None] = {
        number_key("projects_in_implementation"): kf.projects_in_implementation,
        number_key("respondents"): kf.respondents,
        number_key("continuation_share"): recorded_value("continuation_share", kf.continuation_share),
        number_key("measures_open_source"): kf.open_source,
    }
    if comparison.possible:
        risen = _risen(comparison, per_project=False)
        per_project = _risen(comparison, per_project=True) if comparison.response_changed else risen
        if risen:
            key = "fazit.growth" if set(risen) <= set(per_project) else "fazit.growth.totals"
            what = [t(f"genitive.{i}", lang) for i in risen]
            paragraphs.append(t(key, lang, wave=comparison.comparison_wave, changes=_listed(what, lang, "development")))
    else:
        paragraphs.append(t("fazit.first", lang))
    named = top_challenges(counts) if counts is not None else []
    if named:
        paragraphs.append(t("fazit.challenges", lang, top=_listed([t(f"challenge.{c}", lang) for c in named], lang)))
    paragraphs.append(
        t(
            "fazit.outlook" if majority else "fazit.outlook.early",
            lang,
            share=_share(kf.continuation_share, lang),
            open_source=format_int(kf.open_source, lang),
        )
    )
    return paragraphs, numbers


def _risen(comparison: Comparison, per_project: bool) -> list[str]:
    """The indicators of :data:`THEMES` whose total (or mean per responding project) rose since the comparison wave."""
    frame = comparison.per_project if per_project else comparison.trend
    if frame is None:
        return []
    risen = []
    for indicator in THEMES.values():
        if indicator not in frame.columns:
            continue
        old, new = frame.at[comparison.comparison_wave, indicator], frame.at[comparison.wave, indicator]
        if not (math.isnan(old) or math.isnan(new)) and new > old:
            risen.append(indicator)
    return risen


def _means(comparison: Comparison, indicator: str) -> tuple[float, float] | None:
    frame = comparison.per_project
    if frame is None or indicator not in frame.columns:
        return None
    old, new = frame.at[comparison.comparison_wave, indicator], frame.at[comparison.wave, indicator]
    return None if math.isnan(old) or math.isnan(new) else (float(old), float(new))


def _listed(items: list[str], lang: str, section: str = "challenges") -> str:
    """Items joined: "A, B sowie C" (challenges) or "A, die Zahl B und die Zahl C" (``section="development"``)."""
    head, *rest = items
    joiner, last = t(f"{section}.joiner", lang), t(f"{section}.last_joiner", lang)
    return head + "".join(joiner + item for item in rest[:-1]) + (last + rest[-1] if rest else "")


def _direction(before: float, now: float) -> str:
    return "up" if now > before else "down" if now < before else "same"


def _share(value: float, lang: str) -> str:
    return t("no_answer", lang) if math.isnan(value) else format_percent(value, 0, lang)


def _mean_words(value: float, lang: str) -> str:
    """A mean in running text: whole numbers up to twelve in words ("zwölf"), else one decimal."""
    if abs(value - round(value)) < 0.05:
        return format_count_words(int(round(value)), lang)
    return format_number(value, 1, lang)


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
