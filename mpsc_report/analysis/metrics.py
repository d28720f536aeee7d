"""Pure metric functions: survey answers (and the register) in, small frozen results or tidy frames out.

No function here reads files, draws, formats or mutates its inputs. Totals are sums over the projects
that answered an item; item non-response is counted, never imputed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data.schema import (
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
        One row per responding project (columns of :data:`~mpsc_report.data.schema.WAVE_COLUMNS`).
    partners : pandas.DataFrame
        The wave's partner edge list (:data:`~mpsc_report.data.schema.PARTNER_COLUMNS`).
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
    short = _display_name(name)
    return short if len(short) <= 24 else short[:23] + "…"


def _display_name(name: str) -> str:
    """A register name for running text: the part before a bracket, without a long "Kooperation " prefix."""
    short = name.split(" (")[0]
    for prefix in ("Kooperation ", "Landkreis ", "Kreis "):
        if short.startswith(prefix) and len(short) > 18:
            short = short.removeprefix(prefix)
    return short


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


# --------------------------------------------------------------------------- one project (factsheet)

#: Kinds of municipality in the plural, for "Median der Großstädte".
KIND_PLURALS: dict[str, str] = {
    "Großstadt": "Großstädte",
    "Mittelstadt": "Mittelstädte",
    "Kleinstadt/Landgemeinde": "Kleinstädte und Landgemeinden",
    "interkommunale Kooperation": "interkommunalen Kooperationen",
    "Landkreis": "Landkreise",
}

#: Cumulative counts followed across waves in a factsheet: column -> German label.
PROJECT_TREND_INDICATORS: dict[str, str] = {
    column: label for column, label in HEADLINE_INDICATORS.items() if column != "partners_total"
}


@dataclass(frozen=True)
class ProjectComparison:
    """One project's headline figures next to the medians of its cohort and of its kind of municipality.

    ``table`` has three rows — the project (its short name), "Median Staffel <cohort>" and
    "Median der <kind, plural>" — and one column per :data:`HEADLINE_INDICATORS` label. A project
    without answers in the wave has a row of NaN; medians are over the responding projects of the
    group that answered the item (the project itself included).
    """

    project_id: str
    name: str
    cohort: str
    kind: str
    answered: bool
    cohort_n: int
    kind_n: int
    table: pd.DataFrame

    @property
    def project_label(self) -> str:
        """Row label of the project (its short name)."""
        return str(self.table.index[0])

    @property
    def cohort_label(self) -> str:
        """Row label of the cohort median, e.g. "Median Staffel 2019"."""
        return str(self.table.index[1])

    @property
    def kind_label(self) -> str:
        """Row label of the median of the kind of municipality, e.g. "Median der Großstädte"."""
        return str(self.table.index[2])


def project_comparison(responses: pd.DataFrame, register: pd.DataFrame, project_id: str) -> ProjectComparison:
    """Compare one project's headline figures with the medians of its cohort and kind of municipality.

    Parameters
    ----------
    responses : pandas.DataFrame
        Answers of one wave (one row per responding project).
    register : pandas.DataFrame
        The project register.
    project_id : str
        A ``project_id`` of the register.

    Returns
    -------
    ProjectComparison
        Frozen result; the factsheet's chart and sentences both read its ``table``.
    """
    record = project_record(register, project_id)
    frame = _with_register(responses, register)
    columns = list(HEADLINE_INDICATORS)
    own = frame.loc[frame["project_id"] == project_id, columns]
    cohort = frame[frame["cohort"] == record["cohort"]]
    kind = frame[frame["kind"] == record["kind"]]
    rows = {
        _display_name(record["name"]): own.iloc[0].astype(float) if len(own) else pd.Series(float("nan"), columns),
        f"Median Staffel {record['cohort']}": cohort[columns].astype(float).median(skipna=True),
        f"Median der {KIND_PLURALS.get(record['kind'], record['kind'])}": kind[columns]
        .astype(float)
        .median(skipna=True),
    }
    table = pd.DataFrame(rows).T.astype(float)
    table.columns = list(HEADLINE_INDICATORS.values())
    return ProjectComparison(
        project_id=project_id,
        name=str(record["name"]),
        cohort=str(record["cohort"]),
        kind=str(record["kind"]),
        answered=bool(len(own)),
        cohort_n=len(cohort),
        kind_n=len(kind),
        table=table,
    )


def project_trend(responses_by_wave: dict[str, pd.DataFrame], project_id: str) -> pd.DataFrame:
    """One project's cumulative counts across waves; a wave it did not answer is a row of NaN (a gap).

    Parameters
    ----------
    responses_by_wave : dict
        Wave id -> answers of that wave.
    project_id : str
        The project.

    Returns
    -------
    pandas.DataFrame
        Index: wave ids, oldest first; columns: :data:`PROJECT_TREND_INDICATORS` labels.
    """
    waves = sorted(responses_by_wave)
    rows = {}
    for wave in waves:
        answers = responses_by_wave[wave]
        own = answers.loc[answers["project_id"] == project_id, list(PROJECT_TREND_INDICATORS)]
        rows[wave] = own.iloc[0].astype(float).to_numpy() if len(own) else [float("nan")] * len(own.columns)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(PROJECT_TREND_INDICATORS.values()))
    return frame.reindex(waves).astype(float)


#: Columns of :func:`project_partners`.
PARTNER_TABLE_COLUMNS: tuple[str, str, str] = ("Partner", "davon Modellprojekte", "Partnerkommunen (* Modellprojekt)")


def project_partners(partners: pd.DataFrame, project_id: str) -> pd.DataFrame:
    """The partner municipalities one project reported, by kind of exchange (from the edge list).

    Returns
    -------
    pandas.DataFrame
        One row per kind of exchange (German labels, report order, kinds without partners included):
        number of partners, how many are model projects themselves, and their names in alphabetical
        order, model projects marked with "*".
    """
    labels = {code: EXCHANGE_KINDS[column] for code, column in EXCHANGE_CODES.items()}
    own = partners[partners["project_id"] == project_id]
    count, among, names = PARTNER_TABLE_COLUMNS
    rows = []
    for code, label in labels.items():
        rows_of_kind = own[own["exchange"] == code]
        is_project = rows_of_kind["partner_project_id"].fillna("") != ""
        listed = sorted(
            f"{_display_name(name)}*" if model else str(name)
            for name, model in zip(rows_of_kind["partner_name"].fillna(""), is_project, strict=True)
        )
        rows.append({"": label, count: len(rows_of_kind), among: int(is_project.sum()), names: ", ".join(listed)})
    return pd.DataFrame(rows).set_index("")


def project_record(register: pd.DataFrame, project_id: str) -> pd.Series:
    """The register row of one project (raises ``KeyError`` naming the key when it is not registered)."""
    found = register[register["project_id"] == project_id]
    if found.empty:
        raise KeyError(project_id)
    return found.iloc[0]
