"""Pure metric functions: survey answers (and the register) in, small frozen results or tidy frames out.

No function here reads files, draws, formats or mutates its inputs. Totals are sums over the projects
that answered an item; item non-response is counted, never imputed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .schema import (
    COHORTS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    EXCHANGE_KINDS,
    KINDS,
    MEASURE_STATES,
    PARTICIPATION_FORMATS,
    PHASES,
)

#: Indicators compared across cohorts, kinds and waves: column -> German label.
HEADLINE_INDICATORS: dict[str, str] = {
    "datasets_total": "Neue Datensätze",
    "participation_total": "Partizipative Aktivitäten",
    "positions_new": "Neue Stellen",
    "solutions_transferred": "Übertragene Lösungen",
    "partners_total": "Partnerkommunen",
}


@dataclass(frozen=True)
class KeyFigures:
    """The programme's headline figures for one wave.

    Counts are sums over the projects that answered the item; ``continuation_share`` is
    continued / completed measures over the projects that answered both.
    """

    wave: str
    projects: int
    respondents: int
    datasets: int
    participation: int
    positions: int
    solutions_transferred: int
    measures_planned: int
    measures_in_progress: int
    measures_completed: int
    measures_continued: int
    continuation_share: float
    open_source: int
    partner_links: int
    partners_mean: float
    network_links: int
    projects_in_implementation: int

    @property
    def response_rate(self) -> float:
        """Share of model projects that answered this wave."""
        return self.respondents / self.projects

    @property
    def measures_total(self) -> int:
        """Measures planned, in progress or completed."""
        return self.measures_planned + self.measures_in_progress + self.measures_completed


def key_figures(responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame) -> KeyFigures:
    """Compute the headline figures of one wave.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per responding project (columns of :data:`~mpsc_report.schema.WAVE_COLUMNS`).
    partners : pandas.DataFrame
        The wave's partner edge list (:data:`~mpsc_report.schema.PARTNER_COLUMNS`).
    register : pandas.DataFrame
        The project register.

    Returns
    -------
    KeyFigures
        Frozen result; the narrative and the charts both read from it.
    """
    waves = responses["wave"].unique()
    if len(waves) != 1:
        raise ValueError(f"key_figures needs the answers of exactly one wave, got {list(waves)}")
    both = responses[["measures_completed", "measures_continued"]].dropna()
    completed = int(both["measures_completed"].sum())
    continued = int(both["measures_continued"].sum())
    reported = responses["partners_total"].dropna()
    return KeyFigures(
        wave=str(waves[0]),
        projects=len(register),
        respondents=len(responses),
        datasets=_total(responses, "datasets_total"),
        participation=_total(responses, "participation_total"),
        positions=_total(responses, "positions_new"),
        solutions_transferred=_total(responses, "solutions_transferred"),
        measures_planned=_total(responses, "measures_planned"),
        measures_in_progress=_total(responses, "measures_in_progress"),
        measures_completed=_total(responses, "measures_completed"),
        measures_continued=_total(responses, "measures_continued"),
        continuation_share=continued / completed if completed else float("nan"),
        open_source=_total(responses, "measures_open_source"),
        partner_links=len(partners),
        partners_mean=float(reported.mean()) if len(reported) else float("nan"),
        network_links=network_link_count(partners),
        projects_in_implementation=int((responses["phase"] == "implementation").sum()),
    )


def network_link_count(partners: pd.DataFrame) -> int:
    """Count distinct connections: a pair of model projects that name each other counts once."""
    other = partners["partner_project_id"].fillna("")
    named = partners["partner_name"].fillna("")
    partner_key = other.where(other != "", "name:" + named)
    own = partners["project_id"]
    pair = [
        tuple(sorted((a, b))) if not b.startswith("name:") else (a, b) for a, b in zip(own, partner_key, strict=True)
    ]
    return len(set(pair))


def datasets_by_theme(responses: pd.DataFrame) -> pd.Series:
    """New datasets summed by theme (German labels, report order)."""
    return _sum_columns(responses, DATASET_THEMES, "Neue Datensätze")


def participation_by_format(responses: pd.DataFrame) -> pd.Series:
    """Participatory activities summed by format (German labels, report order)."""
    return _sum_columns(responses, PARTICIPATION_FORMATS, "Partizipative Aktivitäten")


def exchange_by_kind(partners: pd.DataFrame) -> pd.Series:
    """Partner links by kind of exchange, from the edge list (German labels, report order)."""
    labels = {code: EXCHANGE_KINDS[column] for code, column in EXCHANGE_CODES.items()}
    counts = partners["exchange"].value_counts()
    return pd.Series([int(counts.get(code, 0)) for code in labels], index=list(labels.values()), name="Verbindungen")


def measures_by_state(responses: pd.DataFrame, register: pd.DataFrame, by: str = "cohort") -> pd.DataFrame:
    """Measures planned / in progress / completed, summed per cohort or kind of municipality."""
    frame = _with_register(responses, register)
    table = frame.groupby(by, observed=False)[list(MEASURE_STATES)].sum(min_count=1)
    table = table.reindex(_group_order(by)).rename(columns=MEASURE_STATES)
    table.index = [_group_label(by, v) for v in table.index]
    return table.fillna(0).astype(int)


def positions_by_kind(responses: pd.DataFrame, register: pd.DataFrame) -> pd.Series:
    """New positions summed per kind of municipality (report order)."""
    frame = _with_register(responses, register)
    series = frame.groupby("kind", observed=False)["positions_new"].sum(min_count=1)
    return series.reindex(list(KINDS)).fillna(0).astype(int).rename("Neue Stellen")


def phase_counts(responses: pd.DataFrame) -> pd.Series:
    """Responding projects per phase (German labels)."""
    counts = responses["phase"].value_counts()
    return pd.Series([int(counts.get(code, 0)) for code in PHASES], index=list(PHASES.values()), name="Projekte")


def means_per_project(responses: pd.DataFrame, register: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean of each headline indicator per responding project, by cohort or kind of municipality.

    Returns
    -------
    pandas.DataFrame
        Index: group labels in report order (groups without answers are dropped); columns:
        German indicator labels "… je Projekt".
    """
    frame = _with_register(responses, register)
    table = frame.groupby(by, observed=False)[list(HEADLINE_INDICATORS)].mean()
    table = table.reindex(_group_order(by)).dropna(how="all")
    table.index = [_group_label(by, v) for v in table.index]
    table.columns = [f"{label} je Projekt" for label in HEADLINE_INDICATORS.values()]
    return table.astype(float)


def respondents_by(responses: pd.DataFrame, register: pd.DataFrame, by: str) -> pd.DataFrame:
    """Projects, respondents and response rate per cohort or kind of municipality."""
    projects = register.groupby(by)["project_id"].count()
    answered = _with_register(responses, register).groupby(by)["project_id"].count()
    table = pd.DataFrame({"Projekte": projects, "Antworten": answered}).reindex(_group_order(by))
    table = table.fillna(0).astype(int)
    table["Rücklauf"] = table["Antworten"] / table["Projekte"]
    table.index = [_group_label(by, v) for v in table.index]
    return table


def projects_by_state(register: pd.DataFrame) -> pd.Series:
    """Number of model projects per Land (seat of the lead municipality)."""
    return register.groupby("state")["project_id"].count().rename("Modellprojekte")


def network(partners: pd.DataFrame, register: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of the network among model projects.

    Returns
    -------
    nodes : pandas.DataFrame
        Columns ``node`` (project_id), ``label`` (short name), ``group`` (cohort) and ``size``
        (partner municipalities the project reported, model projects or not).
    edges : pandas.DataFrame
        Columns ``source``, ``target``: links between two model projects, each pair once.
    """
    reported = partners.groupby("project_id")["partner_name"].count()
    nodes = pd.DataFrame(
        {
            "node": register["project_id"].to_numpy(),
            "label": [_short_name(n) for n in register["name"]],
            "group": register["cohort"].to_numpy(),
            "size": reported.reindex(register["project_id"]).fillna(0).astype(int).to_numpy(),
        }
    )
    among = partners[partners["partner_project_id"].fillna("") != ""]
    pairs = sorted({tuple(sorted(p)) for p in zip(among["project_id"], among["partner_project_id"], strict=True)})
    edges = pd.DataFrame(pairs, columns=["source", "target"])
    return nodes, edges


def trend(key_figures_by_wave: dict[str, KeyFigures | None], waves: list[str]) -> pd.DataFrame:
    """Headline totals across waves; a wave without data is a row of NaN (a gap, never interpolated).

    Parameters
    ----------
    key_figures_by_wave : dict
        Wave id -> :class:`KeyFigures`, or None where no data exist for that wave.
    waves : list of str
        Waves to show, oldest first.
    """
    rows = {}
    for wave in waves:
        kf = key_figures_by_wave.get(wave)
        rows[wave] = (
            {
                "Neue Datensätze": kf.datasets,
                "Partizipative Aktivitäten": kf.participation,
                "Neue Stellen": kf.positions,
                "Übertragene Lösungen": kf.solutions_transferred,
            }
            if kf is not None
            else {}
        )
    frame = pd.DataFrame.from_dict(rows, orient="index", dtype=float)
    return frame.reindex(waves)


def item_nonresponse(responses: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    """Number of responding projects that left each indicator empty."""
    return pd.Series({label: int(responses[col].isna().sum()) for col, label in columns.items()}, name="ohne Angabe")


def free_text_answers(responses: pd.DataFrame, register: pd.DataFrame, column: str) -> pd.DataFrame:
    """Distinct non-empty answers of a free-text column with the project's name, in answer order.

    An answer given word for word by several projects is listed once (with the first project).
    """
    frame = _with_register(responses, register)
    answered = frame[frame[column].fillna("").str.strip() != ""].drop_duplicates(subset=column)
    return answered.loc[:, ["name", column]].rename(columns={column: "text"}).reset_index(drop=True)


def _total(responses: pd.DataFrame, column: str) -> int:
    return int(responses[column].sum(skipna=True))


def _sum_columns(responses: pd.DataFrame, columns: dict[str, str], name: str) -> pd.Series:
    sums = [int(responses[c].sum(skipna=True)) for c in columns]
    return pd.Series(sums, index=list(columns.values()), name=name)


def _with_register(responses: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    unknown = sorted(set(responses["project_id"]) - set(register["project_id"]))
    if unknown:
        raise ValueError(f"answers refer to projects missing from the register: {unknown}")
    merged = responses.merge(
        register[["project_id", "name", "kind", "state", "cohort"]], on="project_id", how="left", validate="1:1"
    )
    return merged.set_index(responses.index)


def _group_order(by: str) -> list[str]:
    orders = {"cohort": list(COHORTS), "kind": list(KINDS)}
    try:
        return orders[by]
    except KeyError:
        raise ValueError(f"cannot group by {by!r} (choose from {sorted(orders)})") from None


def _group_label(by: str, value: str) -> str:
    return f"Staffel {value}" if by == "cohort" else value


def _short_name(name: str) -> str:
    """Shorten a register name for chart labels: the part before a bracket or a long qualifier."""
    short = name.split(" (")[0]
    for prefix in ("Kooperation ", "Landkreis ", "Kreis "):
        if short.startswith(prefix) and len(short) > 18:
            short = short.removeprefix(prefix)
    return short if len(short) <= 24 else short[:23] + "…"


def continuation(kf: KeyFigures) -> pd.Series:
    """The continuation share as a one-row Series (German label), the data of the share chart."""
    return pd.Series(
        [kf.continuation_share], index=["Abgeschlossene Maßnahmen, die weiter betrieben werden"], name="Anteil"
    )


def network_table(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Per model project of the network chart: cohort, partner municipalities, links to other model projects.

    Parameters
    ----------
    nodes, edges : pandas.DataFrame
        Output of :func:`network`.

    Returns
    -------
    pandas.DataFrame
        Indexed by the short project name (German column labels), in the order of ``nodes``.
    """
    degree = pd.concat([edges["source"], edges["target"]]).value_counts()
    return pd.DataFrame(
        {
            "Staffel": nodes["group"].to_numpy(),
            "Partnerkommunen": nodes["size"].to_numpy(),
            "Verbindungen zu Modellprojekten": degree.reindex(nodes["node"]).fillna(0).astype(int).to_numpy(),
        },
        index=pd.Index(nodes["label"].to_numpy(), name="Modellprojekt"),
    )
