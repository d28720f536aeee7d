import inspect

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.text import Text

from mpsc_report.analysis import charts
from mpsc_report.analysis.charts.figure import chart, new_figure
from mpsc_report.analysis.charts.labels import contrast_ratio, text_colour_on
from mpsc_report.analysis.charts.style import MUTED_COLOUR, TEXT_COLOUR, colours_for
from mpsc_report.analysis.formatting import NBSP
from mpsc_report.data.schema import COHORTS, KINDS

SOURCE = charts.source_line("2023", 73, synthetic=True)

LONG_LABELS = pd.Series(
    [1043.0, 512.0, 12.0],
    index=[
        "Klimaanpassung (z. B. Starkregen, Hitzeinseln) und Schutz vor Extremwetter",
        "Verkehr (ruhend und fließend) einschließlich Parkraummanagement",
        "Sonstiges",
    ],
)


def draw(fig: Figure) -> FigureCanvasAgg:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas


def texts(fig: Figure) -> list[str]:
    """Texts of all visible text artists, after drawing."""
    draw(fig)
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def drawn_texts(fig: Figure) -> list[Text]:
    """Visible, non-empty text artists that are actually drawn (tick labels only when in view)."""
    draw(fig)
    shown = []
    for ax in fig.axes:
        shown += ax.texts + [c for c in ax.get_children() if isinstance(c, Text)]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                low, high = sorted(axis.get_view_interval())
                shown += [tick.label1 for tick in axis.get_major_ticks() if low - 1e-9 <= tick.get_loc() <= high + 1e-9]
                shown.append(axis.label)
        shown += [ax.title, ax._left_title]
        if ax.get_legend():
            shown += ax.get_legend().get_texts()
    shown += fig.texts + [lg_text for lg in fig.legends for lg_text in lg.get_texts()]
    shown += [fig._supxlabel] if fig._supxlabel else []
    return [t for t in shown if t.get_visible() and t.get_text()]


def assert_inside_figure(fig: Figure) -> None:
    renderer = draw(fig).get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    for text in drawn_texts(fig):
        box = text.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5, (text.get_text(), box)
        assert box.x1 <= width + 0.5 and box.y1 <= height + 0.5, (text.get_text(), box)


# --------------------------------------------------------------------------- house style


def test_source_line_german_and_english():
    assert SOURCE == f"Quelle: MPSC-Monitoring, Welle 2023, n{NBSP}={NBSP}73 · Beispieldaten"
    assert charts.source_line("2021", 1043, synthetic=False) == (
        f"Quelle: MPSC-Monitoring, Welle 2021, n{NBSP}={NBSP}1.043"
    )
    assert charts.source_line("2023", 73, True, language="en") == (
        f"Source: MPSC monitoring, wave 2023, n{NBSP}={NBSP}73 · sample data"
    )


def test_chart_words_come_from_the_catalogue_in_the_report_language():
    missing = pd.Series([3.0, np.nan], index=["a", "b"])
    assert "no data" in texts(charts.bar_chart(missing, source=SOURCE, language="en"))
    gap = pd.DataFrame({"x": [1.0, np.nan, 2.0]}, index=["2021", "2022", "2023"])
    assert "no data" in texts(charts.trend_chart(gap, source=SOURCE, language="en"))
    fig = charts.network_chart(NODES, EDGES, source=SOURCE, group_colours=charts.COLOURS_BY_COHORT, language="en")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [f"Cohort {c}" for c in COHORTS]
    # cohort labels in either language keep the cohort colours
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=[f"Cohort {c}" for c in COHORTS])
    colours = [
        mpl.colors.to_hex(p.get_facecolor()) for p in charts.comparison_chart(frame, source=SOURCE).axes[0].patches
    ]
    assert colours == [charts.COLOURS_BY_COHORT[c].lower() for c in COHORTS]
    with pytest.raises(ValueError, match="unsupported report language 'fr'"):
        charts.source_line("2023", 73, True, language="fr")


def test_stable_colours_per_cohort_and_kind():
    assert list(charts.COLOURS_BY_COHORT) == list(COHORTS)
    assert list(charts.COLOURS_BY_KIND) == list(KINDS)
    assert set(charts.COLOURS_BY_COHORT.values()) <= set(charts.OKABE_ITO)
    assert set(charts.COLOURS_BY_KIND.values()) <= set(charts.OKABE_ITO)


def test_one_meaning_per_colour_palettes_of_dimensions_are_disjoint():
    palettes = {
        "cohort": set(charts.COLOURS_BY_COHORT.values()),
        "kind": set(charts.COLOURS_BY_KIND.values()),
        "state": set(charts.COLOURS_BY_MEASURE_STATE.values()),
        "single series": {charts.MAIN_COLOUR, charts.ACCENT_COLOUR},
    }
    names = list(palettes)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            assert not palettes[first] & palettes[second], (first, second)
    assert charts.MAIN_COLOUR not in charts.OKABE_ITO  # Okabe–Ito is shared out between cohorts and kinds


def test_bars_are_sorted_by_value_unless_their_order_is_natural():
    values = pd.Series([5.0, 40.0, np.nan, 12.0, 60.0], index=["Umwelt", "Verkehr", "Energie", "Sonstige", "Klima"])
    labels = [t.get_text() for t in charts.bar_chart(values, source=SOURCE).axes[0].get_yticklabels()]
    assert labels == ["Klima", "Verkehr", "Umwelt", "Energie", "Sonstige"]  # "Sonstige" last, no value before it
    given = charts.bar_chart(values, source=SOURCE, order="given").axes[0].get_yticklabels()
    assert [t.get_text() for t in given] == list(values.index)
    kinds = pd.Series([3.0, 9.0], index=["Großstadt", "Landkreis"])  # kinds of municipality keep their order
    assert [t.get_text() for t in charts.bar_chart(kinds, source=SOURCE).axes[0].get_yticklabels()] == list(kinds.index)
    with pytest.raises(ValueError, match="order must be"):
        charts.bar_chart(values, source=SOURCE, order="alphabet")


@pytest.mark.parametrize("largest", [1, 4, 9, 21, 48, 130])
def test_network_size_legend_has_round_sizes_up_to_the_largest_node_and_states_its_labelling_rule(largest):
    nodes = NODES.assign(size=[largest] + [1] * (len(NODES) - 1))
    fig = charts.network_chart(nodes, EDGES, source=SOURCE, group_colours=charts.COLOURS_BY_COHORT)
    size_legend = next(a for a in fig.axes[0].artists if isinstance(a, mpl.legend.Legend))
    sizes = [int(t.get_text().replace(".", "")) for t in size_legend.get_texts()]
    assert sizes == sorted(set(sizes)) and 1 <= sizes[-1] <= largest
    assert "Partnerkommunen" in size_legend.get_title().get_text()
    assert f"die {min(8, len(NODES))} größten" in size_legend.get_title().get_text()


def test_house_style_does_not_leak_into_global_rcparams():
    before = mpl.rcParams["font.size"], list(mpl.rcParams["font.family"])
    charts.bar_chart(pd.Series([1.0], index=["a"]), source=SOURCE)
    assert (mpl.rcParams["font.size"], list(mpl.rcParams["font.family"])) == before


def test_open_sans_and_no_figure_title():
    fig = charts.bar_chart(pd.Series([3.0, 4.0], index=["a", "b"]), source=SOURCE)
    draw(fig)
    assert fig.get_suptitle() == ""
    label = fig.axes[0].get_yticklabels()[0]
    assert label.get_fontfamily()[0] == "Open Sans"
    assert fig.get_size_inches()[0] == pytest.approx(6.7)


# --------------------------------------------------------------------------- the one chart opening


def test_every_chart_goes_through_the_one_opening_and_is_public():
    from mpsc_report.analysis.charts import bars, maps, network, trend

    for module in (bars, maps, network, trend):
        functions = [
            function
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and not name.startswith("_")
        ]
        assert functions, module
        for function in functions:
            assert getattr(function, "__wrapped__", None) is not None, f"{function.__name__} lacks @chart"
            assert function.__name__ in charts.__all__


@pytest.mark.parametrize(
    ("figure", "kind"),
    [
        (lambda: charts.bar_chart(pd.Series([1.0], index=["a"]), source=SOURCE), "bar"),
        (lambda: charts.stacked_bar_chart(MEASURES, source=SOURCE), "stacked-bar"),
        (lambda: charts.comparison_chart(pd.DataFrame({"x": [1.0]}, index=["a"]), source=SOURCE), "small-multiples"),
        (lambda: charts.project_comparison_chart(FACTSHEET_TABLE, source=SOURCE), "project-comparison"),
        (lambda: charts.trend_chart(pd.DataFrame({"x": [1.0, 2.0]}, index=["2022", "2023"]), source=SOURCE), "trend"),
        (lambda: charts.tile_map(pd.Series({"Bayern": 3}), source=SOURCE, value_label="x"), "tile-map"),
        (lambda: _network(), "network"),
    ],
)
def test_every_chart_has_its_kind_and_the_source_line(figure, kind):
    fig = figure()
    assert fig.get_label() == kind  # read by narrative.describe_chart for the alt text
    assert fig.get_supxlabel() == SOURCE
    assert fig.get_figwidth() == pytest.approx(charts.FIGURE_WIDTH)


def _toy_chart():
    """A chart made with the opening, recording what its body saw."""
    seen = []

    @chart("toy", nonempty=("frame",), columns={"frame": ("a",)})
    def toy(frame, *, source, value_format="int", language="de"):
        seen.append(mpl.rcParams["font.size"])
        fig = new_figure(1.0, source)
        fig.add_subplot().bar([0], frame["a"])
        return fig

    return toy, seen


def test_chart_opening_checks_arguments_before_the_body_runs():
    toy, seen = _toy_chart()
    with pytest.raises(ValueError, match="value_format must be one of"):
        toy(pd.DataFrame({"a": [1]}), source=SOURCE, value_format="pct")
    with pytest.raises(ValueError, match=r"frame lacks the columns \['a'\]"):
        toy(pd.DataFrame({"b": [1]}), source=SOURCE)
    with pytest.raises(ValueError, match="frame is empty"):
        toy(pd.DataFrame({"a": []}), source=SOURCE)
    assert seen == []


def test_chart_opening_applies_the_house_style_only_inside_and_labels_the_figure():
    toy, seen = _toy_chart()
    before = mpl.rcParams["font.size"]
    mpl.rcParams["font.size"] = 13.0
    try:
        fig = toy(pd.DataFrame({"a": [1]}), source=SOURCE)
        assert mpl.rcParams["font.size"] == 13.0
    finally:
        mpl.rcParams["font.size"] = before
    assert seen == [9.0]
    assert fig.get_label() == "toy"
    assert fig.get_supxlabel() == SOURCE
    assert toy.__name__ == "toy"


def test_chart_without_the_source_line_is_refused():
    @chart("bare", nonempty=())
    def bare(*, source, language="de"):
        return Figure()

    with pytest.raises(TypeError, match=r"bare drew no source line: make its figure with new_figure"):
        bare(source=SOURCE)


def test_chart_opening_needs_source_language_and_the_named_arguments():
    with pytest.raises(TypeError, match=r"\['language'\]"):

        @chart("x", nonempty=())
        def no_language(*, source):
            return new_figure(1.0, source)

    with pytest.raises(TypeError, match=r"\['values'\]"):

        @chart("x", nonempty=("values",))
        def wrong_name(frame, *, source, language="de"):
            return new_figure(1.0, source)


# --------------------------------------------------------------------------- bar chart


def test_bar_chart_bars_labels_and_source():
    values = pd.Series([1043, 512, 12], index=["Großstadt", "Mittelstadt", "Landkreis"])
    fig = charts.bar_chart(values, source=SOURCE, highlight="Mittelstadt")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 3
    shown = texts(fig)
    assert {"1.043", "512", "12", SOURCE} <= set(shown)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(values.index)
    # first category on top: its bar has the largest y in display space
    tops = [ax.transData.transform((0, p.get_y()))[1] for p in ax.patches]
    assert tops == sorted(tops, reverse=True)
    colours = [mpl.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [charts.MAIN_COLOUR.lower(), charts.ACCENT_COLOUR.lower(), charts.MAIN_COLOUR.lower()]


@pytest.mark.parametrize(
    ("value_format", "value", "expected"),
    [("int", 1043.0, "1.043"), ("percent", 0.64, f"64{NBSP}%"), ("decimal", 12.45, "12,5")],
)
def test_bar_chart_value_formats(value_format, value, expected):
    values = pd.Series([value], index=["x"])
    fig = charts.bar_chart(values, source=SOURCE, value_format=value_format)
    assert expected in texts(fig)


def test_bar_chart_missing_value_reads_keine_daten():
    fig = charts.bar_chart(pd.Series([3.0, np.nan], index=["a", "b"]), source=SOURCE)
    assert "keine Daten" in texts(fig)


def test_bar_chart_rejects_unknown_highlight_and_format():
    with pytest.raises(ValueError, match="'Kiel'"):
        charts.bar_chart(pd.Series([1.0], index=["Ulm"]), source=SOURCE, highlight="Kiel")
    with pytest.raises(ValueError, match="value_format"):
        charts.bar_chart(pd.Series([1.0], index=["Ulm"]), source=SOURCE, value_format="pct")


def test_long_labels_are_wrapped_and_nothing_leaves_the_figure():
    fig = charts.bar_chart(LONG_LABELS, source=SOURCE, xlabel="Neue Datensätze")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(max(len(line) for line in label.split("\n")) <= 28 for label in labels)
    assert "z.\u00a0B." in labels[0]  # "z. B." is not split across lines
    assert_inside_figure(fig)


# --------------------------------------------------------------------------- stacked bars

MEASURES = pd.DataFrame(
    {"geplant": [120, 80], "in Umsetzung": [1000, 150], "abgeschlossen": [90, 1]},
    index=["Staffel 2019", "Staffel 2020"],
)


def test_stacked_bar_chart_counts_totals_and_legend():
    fig = charts.stacked_bar_chart(MEASURES, source=SOURCE)
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    shown = texts(fig)
    assert {"120", "1.000", "1.210", "231", SOURCE} <= set(shown)  # segments and totals
    assert "1" not in shown  # a 1-wide segment of 1.231 is too narrow for its label
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(MEASURES.columns)
    assert legend._ncols == 3  # one row


def test_stacked_bar_chart_as_share():
    frame = pd.DataFrame({"ja": [16, 1], "nein": [9, 3]}, index=["A", "B"])
    fig = charts.stacked_bar_chart(frame, source=SOURCE, as_share=True)
    shown = texts(fig)
    assert {f"64{NBSP}%", f"36{NBSP}%", f"75{NBSP}%"} <= set(shown)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths[0] + widths[2] == pytest.approx(1.0)


def test_stacked_bar_chart_uses_fixed_kind_colours_and_fits_long_legend():
    frame = pd.DataFrame({kind: [3, 1] for kind in KINDS}, index=["Strategiephase", "Umsetzung"])
    fig = charts.stacked_bar_chart(frame, source=SOURCE)
    first_segments = fig.axes[0].patches[::2]
    assert [mpl.colors.to_hex(p.get_facecolor()) for p in first_segments] == [
        charts.COLOURS_BY_KIND[kind].lower() for kind in KINDS
    ]
    assert_inside_figure(fig)


# --------------------------------------------------------------------------- comparison


def test_comparison_chart_panels_titles_and_values():
    frame = pd.DataFrame(
        {"Neue Datensätze je Projekt": [12.5, 8.0, 3.25], "Partner je Projekt": [5.5, 4.0, 2.0]},
        index=list(COHORTS),
    )
    fig = charts.comparison_chart(frame, source=SOURCE)
    assert len(fig.axes) == 2
    assert all(len(ax.patches) == 3 for ax in fig.axes)
    shown = texts(fig)
    assert {"12,5", "8,0", "3,3", "5,5", SOURCE} <= set(shown)
    assert [ax.get_title(loc="left") for ax in fig.axes] == list(frame.columns)
    colours = [mpl.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == [charts.COLOURS_BY_COHORT[c].lower() for c in COHORTS]


def test_comparison_chart_wraps_to_rows_of_at_most_four():
    frame = pd.DataFrame(
        {f"Indikator {i} mit einem langen Namen": [1.0, 2.0] for i in range(6)}, index=["Großstadt", "Landkreis"]
    )
    fig = charts.comparison_chart(frame, source=SOURCE, value_format="int")
    assert len(fig.axes) == 6
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 2
    assert_inside_figure(fig)


# --------------------------------------------------------------------------- network

NODES = pd.DataFrame(
    {
        "node": [f"p{i}" for i in range(30)],
        "label": [f"Kommune {i}" for i in range(30)],
        "group": [COHORTS[i % 3] for i in range(30)],
        "size": [(i * 7) % 23 for i in range(30)],
    }
)
EDGES = pd.DataFrame(
    {"source": [f"p{i}" for i in range(29)] + ["p3"], "target": [f"p{(i * 11 + 5) % 30}" for i in range(29)] + ["p2"]}
)


def test_trend_chart_one_panel_per_indicator_with_gaps():
    frame = pd.DataFrame(
        {"Neue Datensätze": [254, 667, 1043], "Übertragene Lösungen": [25, np.nan, 86]},
        index=["2021", "2022", "2023"],
    )
    fig = charts.trend_chart(frame, source=SOURCE)
    draw(fig)
    assert len(fig.axes) == 2
    shown = texts(fig)
    assert {"1.043", "667", "254", "86", "25", "keine Daten", "Neue Datensätze"} <= set(shown)
    gap_line = fig.axes[1].lines[0].get_ydata()
    assert np.isnan(gap_line[1])
    assert_inside_figure(fig)


def _network():
    return charts.network_chart(NODES, EDGES, source=SOURCE, group_colours=charts.COLOURS_BY_COHORT)


def test_network_chart_is_deterministic():
    first, second = _network(), _network()
    draw(first)
    draw(second)
    a = first.axes[0].collections[0].get_offsets()
    b = second.axes[0].collections[0].get_offsets()
    assert len(a) == 30
    np.testing.assert_array_equal(a, b)


def test_network_chart_nodes_edges_labels_and_legend():
    fig = _network()
    ax = fig.axes[0]
    edges = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(edges) == len({frozenset(e) for e in zip(EDGES.source, EDGES.target, strict=True)})
    node_labels = [t for t in texts(fig) if t.startswith("Kommune")]
    assert len(node_labels) == 8
    assert "Kommune 13" in node_labels  # one of the largest (size 22)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Staffel 2019", "Staffel 2020", "Staffel 2021"]
    assert SOURCE in texts(fig)
    assert_inside_figure(fig)


def test_network_chart_rejects_edges_to_unknown_nodes():
    edges = pd.DataFrame({"source": ["p1"], "target": ["nowhere"]})
    with pytest.raises(ValueError, match="nowhere"):
        charts.network_chart(NODES, edges, source=SOURCE, group_colours=charts.COLOURS_BY_COHORT)


# --------------------------------------------------------------------------- tile map


def test_tile_map_has_sixteen_tiles_with_abbreviations_and_values():
    values = pd.Series({"Nordrhein-Westfalen": 12, "Bayern": 1043, "Baden-Württemberg": 8})
    fig = charts.tile_map(values, source=SOURCE, value_label="Modellprojekte")
    tiles = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_label() in charts.TILE_GRID]
    assert len(tiles) == 16
    shown = texts(fig)
    assert set(charts.LAND_ABBREVIATIONS.values()) <= set(shown)
    assert {"1.043", "12", "Modellprojekte", SOURCE} <= set(shown)
    bremen = next(t for t in tiles if t.get_label() == "Bremen")
    assert mpl.colors.to_hex(bremen.get_facecolor()) == "#eeeeee"  # missing counts as 0: grey
    assert_inside_figure(fig)


def test_tile_map_rejects_unknown_land():
    with pytest.raises(ValueError, match="Nordrhein Westfalen"):
        charts.tile_map(pd.Series({"Nordrhein Westfalen": 3}), source=SOURCE, value_label="x")


def test_tile_grid_positions_are_unique():
    assert len(set(charts.TILE_GRID.values())) == 16
    assert set(charts.TILE_GRID) == set(charts.LAND_ABBREVIATIONS)


def test_text_in_charts_and_report_css_has_aa_contrast():
    import re
    from pathlib import Path

    for colour in (TEXT_COLOUR, MUTED_COLOUR):
        assert contrast_ratio(colour) >= 4.5, colour
    for background in (*charts.OKABE_ITO, charts.GREY):  # labels written on bars and segments
        assert contrast_ratio(text_colour_on(background), background) >= 4.5, background
    css = (Path(charts.__file__).parents[2] / "documents" / "templates" / "mpsc_report" / "mpsc_report.css").read_text()
    colours = dict(re.findall(r"--mpsc-([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    for name in ("ink", "text", "muted", "accent", "warn"):
        assert contrast_ratio(colours[name], "white") >= 4.5, name
    assert contrast_ratio(colours["warn"], colours["warn-soft"]) >= 4.5
    assert contrast_ratio(colours["muted"], colours["tile"]) >= 4.5


def test_category_colours_stay_fixed_when_labels_are_translated():
    german = colours_for(["Großstadt", "Landkreis"], None)
    english = colours_for(["City", "District"], None)
    assert list(german.values()) == list(english.values())
    states = colours_for(["planned", "in progress", "completed"], None)
    assert list(states.values()) == list(charts.COLOURS_BY_MEASURE_STATE.values())


# --------------------------------------------------------------------------- project factsheet


FACTSHEET_TABLE = pd.DataFrame(
    [[42.0, 59.0, 6.0, float("nan"), 21.0], [17.0, 33.0, 4.0, 2.0, 13.0], [15.5, 33.0, 5.0, 1.0, 10.5]],
    index=["Brandis/Partheland", "Median Staffel 2019", "Median der interkommunalen Kooperationen"],
    columns=["Neue Datensätze", "Partizipative Aktivitäten", "Neue Stellen", "Übertragene Lösungen", "Partnerkommunen"],
)


def test_project_comparison_chart_panels_values_like_the_narrative_and_nothing_outside():
    fig = charts.project_comparison_chart(FACTSHEET_TABLE, source=SOURCE)
    assert len(fig.axes) == 5
    shown = texts(fig)
    for value in ("42", "15,5", "10,5", "keine Daten", "Partnerkommunen"):
        assert value in shown, value
    assert "42,0" not in shown
    colours = [tuple(bar.get_facecolor()[:3]) for bar in fig.axes[0].patches]
    assert colours == [mpl.colors.to_rgb(c) for c in charts.PROJECT_COMPARISON_COLOURS]
    assert_inside_figure(fig)


def test_project_comparison_chart_needs_three_rows():
    with pytest.raises(ValueError, match="3 rows"):
        charts.project_comparison_chart(FACTSHEET_TABLE.head(2), source=SOURCE)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"x": [5.0], "y": [2.0]}, index=["2021"]),  # the first wave: one point per line
        pd.DataFrame({"x": [np.nan, 5.0]}, index=["2022", "2023"]),  # one wave with data
        pd.DataFrame({"x": [np.nan, np.nan]}, index=["2022", "2023"]),  # none: an empty chart
    ],
)
def test_a_trend_chart_needs_two_waves_with_data(frame):
    assert not charts.shows_a_trend(frame)
    with pytest.raises(ValueError, match="at least 2 waves"):
        charts.trend_chart(frame, source=SOURCE)
    assert charts.shows_a_trend(pd.DataFrame({"x": [1.0, np.nan, 2.0]}, index=["2021", "2022", "2023"]))


def test_trend_chart_panel_height_is_adjustable():
    frame = pd.DataFrame({"Neue Datensätze": [16.0, float("nan"), 42.0]}, index=["2021", "2022", "2023"])
    low = charts.trend_chart(frame, source=SOURCE, panel_height=1.2)
    assert low.get_figheight() == pytest.approx(0.45 + 1.2)
    assert "keine Daten" in texts(low)
