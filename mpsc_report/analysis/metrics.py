"""Pure metric functions: survey answers (and the register) in, small frozen results or tidy frames out.

No function here reads files, draws, formats or mutates its inputs. Totals are sums over the projects
that answered an item; item non-response is counted, never imputed.

Results speak codes, never words: cohort ids (``"2019"``), kind codes (``"large_city"``), the schema's column
names for themes, formats and states of work, the edge list's exchange codes, indicator ids (``"datasets_total"``).
Each axis of a result is named after what its codes are (``index.name == "theme"``), and a Series is named after
the indicator it counts; the document layer turns them into words of the report's language with the word catalogue
(:mod:`~mpsc_report.analysis.words`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data.schema import (
    COHORTS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    KIND_CODES,
    KINDS,
    MEASURE_STATES,
    PARTICIPATION_FORMATS,
)

#: Indicators compared across cohorts, kinds and waves (count columns), in report order.
HEADLINE_INDICATORS: tuple[str, ...] = (
    "datasets_total",
    "participation_total",
    "positions_new",
    "solutions_transferred",
    "partners_total",
)

#: Cumulative counts followed across waves, in a wave report and a factsheet.
TREND_INDICATORS: tuple[str, ...] = HEADLINE_INDICATORS[:-1]


@dataclass(frozen=True)
class KeyFigures:
    """The programme's headline figures for one wave.

    Counts are sums over the projects that answered the item; ``continuation_share`` is
    continued / completed measures over the projects that answered both. Each field is an indicator of the
    catalogue (:data:`~mpsc_report.analysis.indicators.KEY_FIGURE_INDICATORS` names which), defined there.
    ``partner_links`` are the partner municipalities the projects name (each naming once), ``partners_mean`` the
    same per project that answered the question (``partners_answered`` of them), ``model_project_links`` the pairs
    of model projects of which one names the other (each pair once).
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
    partners_answered: int
    model_project_links: int
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
        partner_links=int(reported.sum()),
        partners_mean=float(reported.mean()) if len(reported) else float("nan"),
        partners_answered=len(reported),
        model_project_links=len(model_project_pairs(responses, partners)),
        projects_in_implementation=int((responses["phase"] == "implementation").sum()),
    )


def answered_partner_list(responses: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """The rows of the partner list whose project answered the wave's question on partner municipalities."""
    answered = responses.loc[responses["partners_total"].notna(), "project_id"]
    return partners[partners["project_id"].isin(set(answered))]


def model_project_pairs(responses: pd.DataFrame, partners: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of model projects of which at least one names the other, each pair once (sorted, in sorted order).

    Only namings by projects that answered the question on partner municipalities count.
    """
    listed = answered_partner_list(responses, partners)
    among = listed[listed["partner_project_id"].fillna("") != ""]
    pairs = {
        tuple(sorted((a, b))) for a, b in zip(among["project_id"], among["partner_project_id"], strict=True) if a != b
    }
    return sorted(pairs)  # type: ignore[arg-type]


def datasets_by_theme(responses: pd.DataFrame) -> pd.Series:
    """New datasets summed by theme (index: theme columns, report order; name ``datasets_total``)."""
    return _sum_columns(responses, DATASET_THEMES, "theme", "datasets_total")


def participation_by_format(responses: pd.DataFrame) -> pd.Series:
    """Participatory activities summed by format (index: format columns, report order; name ``participation_total``)."""
    return _sum_columns(responses, PARTICIPATION_FORMATS, "format", "participation_total")


def exchange_by_kind(responses: pd.DataFrame) -> pd.Series:
    """Network links by kind of exchange: the partner municipalities the projects name, summed per kind.

    Index: exchange codes, report order (named ``exchange``); name ``partner_links``. A kind no project answered
    is NaN (unknown), never 0.
    """
    index = pd.Index(list(EXCHANGE_CODES), name="exchange")
    sums = [responses[EXCHANGE_CODES[code]].sum(min_count=1) for code in EXCHANGE_CODES]
    return pd.Series(sums, index=index, name="partner_links", dtype=float)


def measures_by_state(responses: pd.DataFrame, register: pd.DataFrame, by: str = "cohort") -> pd.DataFrame:
    """Measures planned / in progress / completed, summed per cohort or kind of municipality.

    Index: cohort ids or kind codes (named ``by``); columns: the state-of-work columns (named ``measure_state``).
    A group without answers to an item is NaN (unknown), never 0.
    """
    frame = _with_register(responses, register)
    table = frame.groupby(by, observed=False)[list(MEASURE_STATES)].sum(min_count=1)
    table = table.reindex(pd.Index(_group_order(by), name=by)).rename_axis(columns="measure_state")
    return table.astype(float)


def positions_by_kind(responses: pd.DataFrame, register: pd.DataFrame) -> pd.Series:
    """New positions summed per kind of municipality (index: kind codes, report order; name ``positions_new``).

    A kind without answers is NaN (unknown), never 0.
    """
    frame = _with_register(responses, register)
    series = frame.groupby("kind", observed=False)["positions_new"].sum(min_count=1)
    return series.reindex(pd.Index(KINDS, name="kind")).astype(float).rename("positions_new")


def means_per_project(responses: pd.DataFrame, register: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean of each headline indicator per responding project, by cohort or kind of municipality.

    Returns
    -------
    pandas.DataFrame
        Index: cohort ids or kind codes in report order, named ``by`` (groups without answers are dropped);
        columns: :data:`HEADLINE_INDICATORS`, named ``per_project``.
    """
    frame = _with_register(responses, register)
    table = frame.groupby(by, observed=False)[list(HEADLINE_INDICATORS)].mean()
    table = table.reindex(pd.Index(_group_order(by), name=by)).dropna(how="all")
    return table.rename_axis(columns="per_project").astype(float)


def respondents_by(responses: pd.DataFrame, register: pd.DataFrame, by: str) -> pd.DataFrame:
    """Projects, respondents and response rate per cohort or kind of municipality.

    Index: cohort ids or kind codes (named ``by``); columns ``projects``, ``respondents``, ``response_rate``
    (named ``response``).
    """
    projects = with_kind_codes(register).groupby(by)["project_id"].count()
    answered = _with_register(responses, register).groupby(by)["project_id"].count()
    table = pd.DataFrame({"projects": projects, "respondents": answered}).reindex(_group_order(by))
    table = table.fillna(0).astype(int)
    table["response_rate"] = table["respondents"] / table["projects"]
    return table.rename_axis(index=by, columns="response")


def projects_by_state(register: pd.DataFrame) -> pd.Series:
    """Number of model projects per Land, the seat of the lead municipality (index: German Land names)."""
    return register.groupby("state")["project_id"].count().rename("projects")


def network(
    responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of the network among model projects.

    Returns
    -------
    nodes : pandas.DataFrame
        Columns ``node`` (project_id), ``label`` (short name), ``group`` (cohort) and ``size`` (the partner
        municipalities the project names, model projects or not; NaN when it did not answer the question).
    edges : pandas.DataFrame
        Columns ``source``, ``target``: :func:`model_project_pairs`, each pair once.
    """
    reported = responses.set_index("project_id")["partners_total"]
    nodes = pd.DataFrame(
        {
            "node": register["project_id"].to_numpy(),
            "label": [_short_name(n) for n in register["name"]],
            "group": register["cohort"].to_numpy(),
            "size": reported.reindex(register["project_id"]).astype(float).to_numpy(),
        }
    )
    edges = pd.DataFrame(model_project_pairs(responses, partners), columns=["source", "target"])
    return nodes, edges


def trend(key_figures_by_wave: dict[str, KeyFigures | None], waves: list[str]) -> pd.DataFrame:
    """Responding projects and headline totals across waves; a wave without data is a row of NaN (a gap).

    Columns (named ``indicator``): ``respondents``, then :data:`TREND_INDICATORS`: the totals rise partly because
    more projects answer, so the chart shows the response beside them.

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
                "respondents": kf.respondents,
                "datasets_total": kf.datasets,
                "participation_total": kf.participation,
                "positions_new": kf.positions,
                "solutions_transferred": kf.solutions_transferred,
            }
            if kf is not None
            else {}
        )
    columns = ["respondents", *TREND_INDICATORS]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns, dtype=float)
    return frame.reindex(pd.Index(waves, name="wave")).rename_axis(columns="indicator")


def free_text_answers(responses: pd.DataFrame, register: pd.DataFrame, column: str) -> pd.DataFrame:
    """Distinct non-empty answers of a free-text column with the project's name, in answer order.

    An answer given word for word by several projects is listed once (with the first project).
    """
    frame = _with_register(responses, register)
    answered = frame[frame[column].fillna("").str.strip() != ""].drop_duplicates(subset=column)
    return answered.loc[:, ["name", column]].rename(columns={column: "text"}).reset_index(drop=True)


def _total(responses: pd.DataFrame, column: str) -> int:
    return int(responses[column].sum(skipna=True))


def with_kind_codes(register: pd.DataFrame) -> pd.DataFrame:
    """A copy of the register whose ``kind`` column holds kind codes (:data:`~mpsc_report.data.schema.KIND_CODES`).

    Raises
    ------
    ValueError
        When a kind is not one of the register's known kinds; the message names it and the known ones.
    """
    unknown = sorted(set(register["kind"]) - set(KIND_CODES))
    if unknown:
        raise ValueError(
            f"the register has kinds of municipality that are not known: {unknown}; use one of {list(KIND_CODES)} "
            "(or add the kind to KIND_CODES in mpsc_report/data/schema.py and its words to the catalogue)"
        )
    return register.assign(kind=register["kind"].map(KIND_CODES))


def _sum_columns(responses: pd.DataFrame, columns: tuple[str, ...], dimension: str, name: str) -> pd.Series:
    """Each column summed over the answers; a column nobody answered is NaN (unknown), never 0."""
    sums = [responses[c].sum(min_count=1) for c in columns]
    return pd.Series(sums, index=pd.Index(columns, name=dimension), name=name, dtype=float)


def _with_register(responses: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    unknown = sorted(set(responses["project_id"]) - set(register["project_id"]))
    if unknown:
        raise ValueError(f"answers refer to projects missing from the register: {unknown}")
    coded = with_kind_codes(register)
    merged = responses.merge(
        coded[["project_id", "name", "kind", "state", "cohort"]], on="project_id", how="left", validate="1:1"
    )
    return merged.set_index(responses.index)


def _group_order(by: str) -> list[str]:
    orders = {"cohort": list(COHORTS), "kind": list(KINDS)}
    try:
        return orders[by]
    except KeyError:
        raise ValueError(f"cannot group by {by!r} (choose from {sorted(orders)})") from None


def display_names(register: pd.DataFrame) -> dict[str, str]:
    """Each project's name for running text and tables, uncut: project_id -> name ("Köln", "5 für Südwestfalen")."""
    return {
        str(pid): display_name(str(name)) for pid, name in zip(register["project_id"], register["name"], strict=True)
    }


def _short_name(name: str) -> str:
    """Shorten a register name for chart labels: the part before a bracket or a long qualifier."""
    short = display_name(name)
    return short if len(short) <= 24 else short[:23] + "…"


def display_name(name: str) -> str:
    """A register name for running text: the part before a bracket, without a long "Kooperation " prefix."""
    short = name.split(" (")[0]
    for prefix in ("Kooperation ", "Landkreis ", "Kreis "):
        if short.startswith(prefix) and len(short) > 18:
            short = short.removeprefix(prefix)
    return short


def network_table(responses: pd.DataFrame, partners: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Every model project's partner figures: the report's appendix to the network chart and a factsheet's row.

    Returns
    -------
    pandas.DataFrame
        Indexed by project_id (named ``project``), in register order; columns (named ``network``): ``cohort``,
        ``partners_total`` (partner municipalities it names), ``partners_model_projects`` (of them, model projects)
        and ``links_to_model_projects`` (model projects it is linked to: named by it or naming it, each once).
        The first two are NaN (unknown) for a project that did not answer the question on partner municipalities;
        the links of such a project are those other projects report.
    """
    ids = register["project_id"]
    reported = responses.set_index("project_id")["partners_total"].reindex(ids).astype(float)
    listed = answered_partner_list(responses, partners)
    among = listed[listed["partner_project_id"].fillna("") != ""].groupby("project_id")["partner_name"].count()
    among = among.reindex(ids).fillna(0).where(reported.notna())
    pairs = model_project_pairs(responses, partners)
    degree = pd.Series([p for pair in pairs for p in pair], dtype=object).value_counts()
    return pd.DataFrame(
        {
            "cohort": register["cohort"].to_numpy(),
            "partners_total": reported.to_numpy(),
            "partners_model_projects": among.astype(float).to_numpy(),
            "links_to_model_projects": degree.reindex(ids).fillna(0).astype(int).to_numpy(),
        },
        index=pd.Index(ids.to_numpy(), name="project"),
    ).rename_axis(columns="network")


def trend_per_project(responses_by_wave: dict[str, pd.DataFrame | None], waves: list[str]) -> pd.DataFrame:
    """Mean of each cumulative count per responding project, per wave (beside the totals of :func:`trend`).

    Each mean is over the projects that answered the item in that wave; a wave without data is a row of NaN.
    Index: wave ids (named ``wave``); columns: :data:`TREND_INDICATORS` (named ``per_project``).
    """
    rows = {}
    for wave in waves:
        answers = responses_by_wave.get(wave)
        rows[wave] = (
            answers[list(TREND_INDICATORS)].astype(float).mean().to_numpy()
            if answers is not None and len(answers)
            else [float("nan")] * len(TREND_INDICATORS)
        )
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(TREND_INDICATORS), dtype=float)
    return frame.reindex(pd.Index(waves, name="wave")).rename_axis(columns="per_project")


# --------------------------------------------------------------------------- one project (factsheet)


@dataclass(frozen=True)
class ProjectComparison:
    """One project's headline figures next to the medians of its cohort and of its kind of municipality.

    ``table`` has three rows — ``"project"``, ``"cohort"`` (the median of its cohort) and ``"kind"`` (the median of
    its kind of municipality), named ``comparison`` — and one column per :data:`HEADLINE_INDICATORS` id, named
    ``indicator``. A project without answers in the wave has a row of NaN; medians are over the responding projects
    of the group that answered the item (the project itself included).
    """

    project_id: str
    name: str
    short_name: str
    cohort: str
    kind: str
    answered: bool
    cohort_n: int
    kind_n: int
    table: pd.DataFrame


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
        Frozen result; the factsheet's chart and sentences both read its ``table``. ``kind`` is a kind code,
        ``short_name`` the name for running text and chart labels.
    """
    record = project_record(register, project_id)
    frame = _with_register(responses, register)
    columns = list(HEADLINE_INDICATORS)
    own = frame.loc[frame["project_id"] == project_id, columns]
    cohort = frame[frame["cohort"] == record["cohort"]]
    kind = frame[frame["kind"] == record["kind"]]
    rows = {
        "project": own.iloc[0].astype(float) if len(own) else pd.Series(float("nan"), columns),
        "cohort": cohort[columns].astype(float).median(skipna=True),
        "kind": kind[columns].astype(float).median(skipna=True),
    }
    table = pd.DataFrame(rows).T.astype(float).rename_axis(index="comparison", columns="indicator")
    return ProjectComparison(
        project_id=project_id,
        name=str(record["name"]),
        short_name=display_name(str(record["name"])),
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
        Index: wave ids, oldest first (named ``wave``); columns: :data:`TREND_INDICATORS` (named ``indicator``).
    """
    waves = sorted(responses_by_wave)
    rows = {}
    for wave in waves:
        answers = responses_by_wave[wave]
        own = answers.loc[answers["project_id"] == project_id, list(TREND_INDICATORS)]
        rows[wave] = own.iloc[0].astype(float).to_numpy() if len(own) else [float("nan")] * len(own.columns)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(TREND_INDICATORS))
    return frame.reindex(pd.Index(waves, name="wave")).rename_axis(columns="indicator").astype(float)


#: Columns of :func:`project_partners`: partner municipalities, how many of them are model projects, their names.
PARTNER_TABLE_COLUMNS: tuple[str, str, str] = ("partners_total", "partners_model_projects", "names")


def project_partners(responses: pd.DataFrame, partners: pd.DataFrame, project_id: str) -> pd.DataFrame:
    """The partner municipalities one project names, by kind of exchange.

    The number per kind is the project's answer (the columns of
    :data:`~mpsc_report.data.schema.EXCHANGE_KINDS`); which partners they are, and which of them are model
    projects, comes from the partner list.

    Returns
    -------
    pandas.DataFrame
        One row per exchange code (report order, kinds without partners included; named ``exchange``) and the
        columns of :data:`PARTNER_TABLE_COLUMNS` (named ``partners``): number of partners, how many are model
        projects themselves, and their names in alphabetical order, model projects marked with "*". The numbers
        are NaN (unknown) when the project did not answer the question on partner municipalities.
    """
    own = answered_partner_list(responses, partners)
    own = own[own["project_id"] == project_id]
    answer = responses[responses["project_id"] == project_id]
    answered = bool(len(answer)) and pd.notna(answer["partners_total"].iloc[0])
    count, among, names = PARTNER_TABLE_COLUMNS
    rows = []
    for code, column in EXCHANGE_CODES.items():
        rows_of_kind = own[own["exchange"] == code]
        is_project = rows_of_kind["partner_project_id"].fillna("") != ""
        listed = sorted(
            f"{display_name(name)}*" if model else str(name)
            for name, model in zip(rows_of_kind["partner_name"].fillna(""), is_project, strict=True)
        )
        value = answer[column].iloc[0] if answered else None
        rows.append(
            {
                count: float(value) if value is not None and pd.notna(value) else float("nan"),
                among: float(is_project.sum()) if answered else float("nan"),
                names: ", ".join(listed),
            }
        )
    index = pd.Index(list(EXCHANGE_CODES), name="exchange")
    return pd.DataFrame(rows, index=index).rename_axis(columns="partners")


def project_record(register: pd.DataFrame, project_id: str) -> pd.Series:
    """The register row of one project, its kind as a code (raises ``KeyError`` naming an unregistered key)."""
    found = register[register["project_id"] == project_id]
    if found.empty:
        raise KeyError(project_id)
    return with_kind_codes(found).iloc[0]
