"""The network of the model projects: nodes on a circle grouped by cohort, partnerships as curves inside it."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from ...data.schema import COHORTS
from ..formatting import format_int
from ..words import t
from .figure import chart, new_figure
from .labels import push_apart_radially
from .style import MUTED_COLOUR, TEXT_COLOUR, VALUE_SIZE


@chart(
    "network",
    nonempty=("nodes",),
    columns={"nodes": ("node", "label", "group", "size"), "edges": ("source", "target")},
)
def network_chart(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    source: str,
    group_colours: Mapping[str, str],
    size_label: str | None = None,
    size_title: str | None = None,
    language: str = "de",
) -> Figure:
    """Draw a network on a circle, nodes grouped and coloured by group, sized by ``size``.

    The layout is deterministic: nodes sit on a circle ordered by group (in the order of
    ``group_colours``) and then by their order in ``nodes``, with a gap between groups.
    Edges are drawn as thin curves bent towards the centre.

    Parameters
    ----------
    nodes : pandas.DataFrame
        Columns ``node`` (id), ``label`` (short name), ``group`` (e.g. cohort ``"2019"``) and
        ``size`` (e.g. number of partners; node area is proportional to it).
    edges : pandas.DataFrame
        Columns ``source`` and ``target``: node ids. Direction and duplicates are ignored.
    source : str
        Source line, see :func:`~mpsc_report.analysis.charts.source_line`.
    group_colours : mapping
        Colour per group; its order is the order of groups around the circle and in the legend.
        Cohort ids are shown as "Staffel 2019" in the legend.
    size_label : str, optional
        A note on node size, shown under the cohort legend (e.g. what the smallest dots mean).
    size_title : str, optional
        What node size counts, the title of the size legend (default: the label of the indicator
        ``partners_total``, "Partnerkommunen"). The size legend shows
        three reference dots drawn to the same scale as the nodes.

    Labelling rule, the same in every wave: the :data:`LABELLED` nodes with the largest size are labelled (ties go
    to the node listed first); the rule is written under the size legend.
    language : str
        Report language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if nodes["node"].duplicated().any():
        duplicates = sorted(map(str, nodes.loc[nodes["node"].duplicated(), "node"].unique()))
        raise ValueError(f"duplicate node ids in nodes: {duplicates}")
    groups = [str(group) for group in group_colours]
    unknown_groups = sorted(set(map(str, nodes["group"])) - set(groups))
    if unknown_groups:
        raise ValueError(f"groups without a colour in group_colours: {unknown_groups}")
    known = set(nodes["node"])
    unknown_nodes = sorted(map(str, (set(edges["source"]) | set(edges["target"])) - known))
    if unknown_nodes:
        raise ValueError(f"edges refer to nodes that are not in nodes: {unknown_nodes}")

    ordered = nodes.assign(
        _group_order=nodes["group"].astype(str).map(groups.index),
        _input_order=np.arange(len(nodes)),
    ).sort_values(["_group_order", "_input_order"], kind="stable")
    angles = _circle_angles(ordered["_group_order"].to_numpy())
    positions = {node: (math.cos(angle), math.sin(angle)) for node, angle in zip(ordered["node"], angles, strict=True)}

    fig = new_figure(5.5, source)
    ax = fig.add_subplot()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()

    pairs = {tuple(sorted((a, b), key=str)) for a, b in zip(edges["source"], edges["target"], strict=True) if a != b}
    for a, b in sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))):
        (x0, y0), (x1, y1) = positions[a], positions[b]
        path = MplPath(
            [(x0, y0), ((x0 + x1) * 0.25, (y0 + y1) * 0.25), (x1, y1)],
            [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3],
        )
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor="#8A8A8A", linewidth=0.5, alpha=0.3))

    sizes = pd.to_numeric(ordered["size"], errors="raise").astype(float).clip(lower=0).fillna(0)
    largest = float(sizes.max()) or 1.0
    spacing_pt = 2 * math.pi * 150 / max(len(ordered), 1)  # distance between nodes, circle ~150 pt
    max_area = min(220.0, max(30.0, (0.95 * spacing_pt) ** 2))
    areas = 10.0 + (max_area - 10.0) * sizes.to_numpy() / largest
    xy = np.array([positions[node] for node in ordered["node"]])
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=areas,
        c=[group_colours[str(group)] for group in ordered["group"]],
        edgecolors="white",
        linewidths=0.6,
        zorder=3,
    )

    top = ordered.assign(_size=sizes.to_numpy(), _angle=angles)
    top = top.sort_values(["_size", "_input_order"], ascending=[False, True], kind="stable")
    area_by_node = dict(zip(ordered["node"], areas, strict=True))
    labels = []
    for _, row in top.head(LABELLED).iterrows():
        angle = float(row["_angle"])
        cos, sin = math.cos(angle), math.sin(angle)
        distance = math.sqrt(area_by_node[row["node"]]) / 2 + 3  # points beyond the node's rim
        labels.append(
            ax.annotate(
                str(row["label"]),
                (cos, sin),
                xytext=(distance * cos, distance * sin),
                textcoords="offset points",
                ha="left" if cos > 0.25 else "right" if cos < -0.25 else "center",
                va="bottom" if sin > 0.7 else "top" if sin < -0.7 else "center",
                fontsize=VALUE_SIZE,
                color=TEXT_COLOUR,
                zorder=4,
            )
        )
    ax.update_datalim([(-1.3, -1.2), (1.3, 1.2)])  # room for labels; the aspect widens x
    ax.autoscale_view(tight=True)

    references = _reference_sizes(largest)
    size_handles = [
        ax.scatter(
            [], [], s=10.0 + (max_area - 10.0) * value / largest, c="#BBBBBB", edgecolors="#666666", linewidths=0.5
        )
        for value in references
    ]
    labelled = min(LABELLED, len(ordered))
    title = size_title or t("indicator.partners_total", language)
    sizes_legend = ax.legend(
        size_handles,
        [format_int(value, language) for value in references],
        loc="upper right",
        bbox_to_anchor=(1.0, 1.0),
        title=f"{title}\n{t('network.labelled', language, count=labelled)}",
        title_fontsize=VALUE_SIZE - 0.5,
        fontsize=VALUE_SIZE,
        labelspacing=1.1,
        borderpad=0.2,
        alignment="right",
    )
    sizes_legend.get_title().set_color(MUTED_COLOUR)
    ax.add_artist(sizes_legend)  # the next legend replaces ax.get_legend(); this one stays drawn
    present = [group for group in groups if group in set(map(str, nodes["group"]))]
    handles = [
        Patch(
            facecolor=group_colours[group],
            edgecolor="none",
            label=t(f"cohort.{group}", language) if group in COHORTS else group,
        )
        for group in present
    ]
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        handlelength=0.9,
        handleheight=0.9,
        fontsize=VALUE_SIZE,
        title=size_label,
        title_fontsize=VALUE_SIZE - 0.5,
        alignment="left",
    )
    if size_label:
        legend.get_title().set_color(MUTED_COLOUR)
    fig.draw_without_rendering()
    push_apart_radially(labels, fig._get_renderer())
    return fig


#: How many nodes are labelled: those with the largest size.
LABELLED = 8


def _reference_sizes(largest: float) -> list[float]:
    """Three round sizes for the size legend, the largest not above the largest node: e.g. 5, 10, 20."""
    if largest < 3:
        return [1.0, 2.0] if largest >= 2 else [1.0]
    magnitude = 10 ** math.floor(math.log10(largest))
    top = max(step * magnitude for step in (1, 2, 5, 10) if step * magnitude <= largest)
    return sorted({max(1.0, round(top / 4)), max(1.0, round(top / 2)), float(top)})


def _circle_angles(group_order: np.ndarray) -> np.ndarray:
    """Angles of nodes on a circle, clockwise from the top, with one empty slot between groups."""
    slots = []
    slot = 0.0
    for i, group in enumerate(group_order):
        if i and group != group_order[i - 1]:
            slot += 1.5
        slots.append(slot)
        slot += 1.0
    total = slot + (1.5 if len(set(group_order)) > 1 else 0.0)
    return math.pi / 2 - 2 * math.pi * np.asarray(slots) / max(total, 1.0)
