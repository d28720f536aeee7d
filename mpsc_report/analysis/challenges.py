"""The challenge codebook: a small, documented keyword list that sorts free-text challenges into themes.

The survey asks each model project in free text what its biggest challenge is. To summarise the answers by theme,
each answer is matched against the keyword patterns of :data:`CODEBOOK` (case-insensitive regular expressions over
the answer as typed). An answer can name several themes and then counts once for each; an answer that matches no
pattern counts as ``other``. The count of a theme is the number of responding model projects whose answer names
it (:func:`challenge_themes`) — an approximation: keywords miss paraphrases and cannot see irony or negation, so
the report prints the counts with the codebook's name and shows example quotes beside them.

Codes are the words of :mod:`~mpsc_report.analysis.words` under ``challenge.<code>``; the patterns are German,
because the answers are. Change a pattern here and the counts change in every document built afterwards (the
module's source is part of each unit's fingerprint).
"""

from __future__ import annotations

import re

import pandas as pd

#: Theme code -> keyword patterns (any one matches), in the order the report lists ties. Documented decisions:
#: "Stelle" only with a staffing word (a "Stelle" can be a place); "Personal" is not a keyword, because answers
#: about red tape say it "bindet Personal"; price rises and supply shortages are one theme (costs of hardware).
CODEBOOK: dict[str, tuple[str, ...]] = {
    "procurement": (r"vergabe", r"ausschreibung", r"wirtschaftliches angebot"),
    "staffing": (r"fachkräfte", r"bewerbung", r"stellen?\b.*unbesetzt", r"unbesetzt", r"it-stellen"),
    "funding_rules": (r"bürokratie", r"änderungsantr", r"mittelabruf", r"förderrichtlinie", r"nachweispflicht"),
    "data_protection": (r"datenschutz", r"it-sicherheit", r"informationssicherheit"),
    "interfaces": (r"schnittstelle", r"\bsilos?\b", r"it-landschaft", r"fachverfahren", r"interoperab"),
    "costs": (r"preissteigerung", r"lieferengp", r"kalkulation", r"halbleiter", r"kosten steigen"),
    "cooperation": (r"kooperation", r"zwischen den partnern", r"kreisangehörig", r"abstimmung zwischen"),
    "continuation": (r"förderende", r"weiterfinanz", r"anschlussfinanz", r"verstetig"),
    "acceptance": (r"erklärungsbedürftig", r"akzeptanz", r"erwarten sofort", r"präsenzformat", r"pandemie"),
}

#: Code of an answer that matches no theme of the codebook.
OTHER = "other"

#: Every code a count can have, in reading order (the codebook's, then ``other``).
CODES: tuple[str, ...] = (*CODEBOOK, OTHER)

_PATTERNS: dict[str, re.Pattern[str]] = {
    code: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) for code, patterns in CODEBOOK.items()
}


def code_answer(text: str) -> tuple[str, ...]:
    """The themes an answer names (codebook order); ``("other",)`` when it names none, ``()`` when it is empty."""
    value = text.strip() if isinstance(text, str) else ""
    if not value:
        return ()
    found = tuple(code for code, pattern in _PATTERNS.items() if pattern.search(value))
    return found or (OTHER,)


def challenge_themes(answers: pd.Series) -> pd.Series:
    """Responding model projects whose challenge answer names each theme (one answer per project).

    Parameters
    ----------
    answers : pandas.Series
        The free-text column ``challenge`` of a wave's responses (one row per responding project; NaN or ""
        when a project wrote nothing).

    Returns
    -------
    pandas.Series
        Named ``challenge_mentions``, index ``challenge`` (theme codes of :data:`CODES`, every code listed, 0 when
        no answer names it), sorted by count (largest first; ties in codebook order, ``other`` last).
    """
    counts = dict.fromkeys(CODES, 0)
    for text in answers:
        for code in code_answer(text if isinstance(text, str) else ""):
            counts[code] += 1
    themes = [c for c in CODES if c != OTHER]
    ordered = sorted(themes, key=lambda c: (-counts[c], themes.index(c))) + [OTHER]
    return pd.Series([counts[c] for c in ordered], index=pd.Index(ordered, name="challenge"), name="challenge_mentions")


def answers_described(answers: pd.Series) -> int:
    """How many projects wrote a challenge at all (the base of :func:`challenge_themes`)."""
    return int(sum(bool(code_answer(a if isinstance(a, str) else "")) for a in answers))
