"""Finding model projects in the register: by id or by name, case folded, with close matches for a typo.

The one place that turns what a user types (``--project Solingen``, ``muenstr``, a factsheet's ``project``
parameter) into a ``project_id`` of the register, and that selects projects by cohort or Land for listings.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from ..errors import ParamsError

#: How many close matches an unknown key suggests.
SUGGESTIONS = 3

#: German letters as they are spelled in project ids ("Münster" -> "muenster").
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def find_project_id(register: pd.DataFrame, key: str) -> str | None:
    """The ``project_id`` a user means by ``key``, or None.

    Tried in order: the id itself; the id in any case ("Solingen"); the project's name in any case, with or
    without umlauts ("Münster", "muenster"); the name written as an id ("frankfurt-oder").
    """
    ids = list(register["project_id"])
    if key in ids:
        return key
    folded = key.strip().casefold()
    for pid in ids:
        if pid.casefold() == folded:
            return pid
    for pid, name in zip(ids, register["name"], strict=True):
        name = str(name).casefold()
        if folded in (name, name.translate(_ASCII), _as_id(name)):
            return pid
    return None


def suggest_projects(register: pd.DataFrame, key: str, limit: int = SUGGESTIONS) -> list[str]:
    """Project ids close to ``key``: close ids, ids of close names, ids that contain it (3 letters or more)."""
    ids = list(register["project_id"])
    folded = key.strip().casefold()
    by_name = {str(name).casefold(): pid for name, pid in zip(register["name"], ids, strict=True)}
    close = difflib.get_close_matches(folded, ids, n=limit, cutoff=0.6)
    close += [by_name[n] for n in difflib.get_close_matches(folded, list(by_name), n=limit, cutoff=0.6)]
    close += difflib.get_close_matches(folded.translate(_ASCII), ids, n=limit, cutoff=0.6)
    close += [pid for pid in ids if folded in pid and len(folded) >= 3]
    return list(dict.fromkeys(close))[:limit]


def resolve_project(register: pd.DataFrame, key: str) -> str:
    """The ``project_id`` of ``key`` (see :func:`find_project_id`).

    Raises
    ------
    ParamsError
        The key names no project; the message suggests close matches and where the ids are listed.
    """
    found = find_project_id(register, key)
    if found is not None:
        return found
    raise ParamsError(unknown_project_message(register, key))


def unknown_project_message(register: pd.DataFrame, key: str) -> str:
    """``project 'muenstr' is not in the register of the 73 model projects. Did you mean 'muenster'? …``."""
    suggestions = suggest_projects(register, key)
    hint = f"Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else "No key is similar."
    return (
        f"project {key!r} is not in the register of the {len(register)} model projects. {hint} "
        "`mpsc-report projects` lists them (the project_id column of mpsc_report/data/projects.csv)."
    )


def select_projects(register: pd.DataFrame, cohorts: Iterable[str] = (), states: Iterable[str] = ()) -> pd.DataFrame:
    """The register's rows of the given cohorts and Länder (all when none are given), in register order.

    A Land may be typed in any case ("bayern"). Raises :class:`ParamsError` for a cohort or Land the register
    does not have, naming those it has.
    """
    cohorts, states = list(dict.fromkeys(cohorts)), list(dict.fromkeys(states))
    known_cohorts = sorted(set(register["cohort"]))
    bad = [c for c in cohorts if c not in known_cohorts]
    if bad:
        raise ParamsError(f"unknown cohort(s) {bad}; the register has cohorts {', '.join(known_cohorts)}.")
    by_fold = {str(s).casefold(): str(s) for s in register["state"]}
    chosen_states = []
    for state in states:
        found = by_fold.get(state.strip().casefold())
        if found is None:
            close = difflib.get_close_matches(state.casefold(), list(by_fold), n=SUGGESTIONS, cutoff=0.6)
            hint = f"Did you mean {', '.join(repr(by_fold[c]) for c in close)}?" if close else ""
            have = ", ".join(sorted(set(by_fold.values())))
            raise ParamsError(
                f"no model project lies in {state!r}. {hint} The register has: {have}.".replace("  ", " ")
            )
        chosen_states.append(found)
    rows = register
    if cohorts:
        rows = rows[rows["cohort"].isin(cohorts)]
    if chosen_states:
        rows = rows[rows["state"].isin(chosen_states)]
    return rows


def _as_id(name: str) -> str:
    """A name as an id is spelled: lower case, umlauts written out, words joined by hyphens."""
    words = "".join(ch if ch.isalnum() else " " for ch in name.casefold().translate(_ASCII)).split()
    return "-".join(words)
