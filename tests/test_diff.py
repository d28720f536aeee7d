"""Cross-wave comparison: fixed category order and colours, direction words, and `mpsc-report diff`."""

from __future__ import annotations

from pathlib import Path

import matplotlib.colors as mcolors
import nbformat
import pytest

import mpsc_report as mr
from mpsc_report.analysis import charts, metrics, narrative
from mpsc_report.analysis.metrics import HEADLINE_INDICATORS
from mpsc_report.analysis.numbers import wave_numbers
from mpsc_report.cli import main
from mpsc_report.documents import diff

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"


@pytest.fixture(scope="module")
def reports() -> dict[str, mr.Report]:
    return {w: mr.open_report(mr.load_params(PARAMS / f"{w}.yaml")) for w in ("2021", "2022", "2023")}


def _legend_colours(fig) -> dict[str, str]:
    handles, labels = [], []
    for ax in fig.axes:
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    first = [h.patches[0] if hasattr(h, "patches") else h for h in handles]  # a BarContainer: its first bar
    return {label: mcolors.to_hex(h.get_facecolor()) for h, label in zip(first, labels, strict=True)}


def _bar_colours(fig, index) -> dict[str, str]:
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_width() or p.get_height()]
    return {str(k): mcolors.to_hex(p.get_facecolor()) for k, p in zip(index, bars, strict=False)}


def test_categories_keep_the_schema_order_in_every_wave(reports):
    early, late = reports["2021"], reports["2023"]
    assert list(wave_numbers(early.responses, early.partners, early.register)) == list(
        wave_numbers(late.responses, late.partners, late.register)
    )
    for compute in (
        lambda r: metrics.datasets_by_theme(r.responses).index,
        lambda r: metrics.participation_by_format(r.responses).index,
        lambda r: metrics.exchange_by_kind(r.responses).index,
        lambda r: metrics.positions_by_kind(r.responses, r.register).index,
        lambda r: metrics.measures_by_state(r.responses, r.register).columns,
    ):
        assert list(compute(early)) == list(compute(late))


def test_categories_keep_their_colours_across_waves(reports):
    colours = {}
    for wave in ("2021", "2023"):
        r = reports[wave]
        stacked = charts.stacked_bar_chart(r.label(metrics.measures_by_state(r.responses, r.register)), source=r.source)
        by_cohort = r.label(metrics.means_per_project(r.responses, r.register, by="cohort"))
        by_kind = r.label(metrics.means_per_project(r.responses, r.register, by="kind"))
        colours[wave] = (
            _legend_colours(stacked),
            _bar_colours(charts.comparison_chart(by_cohort, source=r.source), by_cohort.index),
            _bar_colours(charts.comparison_chart(by_kind, source=r.source), by_kind.index),
        )
    for early, late in zip(colours["2021"], colours["2023"], strict=True):
        shared = early.keys() & late.keys()
        assert shared and {k: early[k] for k in shared} == {k: late[k] for k in shared}
    assert colours["2023"][1]["Staffel 2019"] == mcolors.to_hex(charts.COLOURS_BY_COHORT["2019"])


@pytest.mark.parametrize("wave", ["2022", "2023"])
def test_development_names_a_direction_for_every_headline_indicator(reports, wave):
    report = reports[wave]
    sentences = narrative.development(report.trend(), wave, report.params.comparison_wave)
    assert sentences[0].startswith(f"Gegenüber der Welle {report.params.comparison_wave}")
    sentence = " ".join(sentences[:2])  # the change in response first, then every headline indicator
    for indicator in report.trend().columns:
        assert indicator in HEADLINE_INDICATORS or indicator == "respondents"
    words = sum(sentence.count(w) for w in ("gestiegen", "gesunken", "unverändert"))
    assert words == len(report.trend().columns)


@pytest.mark.parametrize(("before", "now", "word"), [(1, 2, "gestiegen"), (2, 1, "gesunken"), (3, 3, "unverändert")])
def test_direction_word(before, now, word):
    assert narrative.direction_word(before, now) == word
    assert diff.Change("x", before, now).direction == word


def test_compare_and_table_in_german_formats():
    changes = diff.compare({"datasets_total": 667, "partners_mean": 8.37}, {"datasets_total": 1043})
    table = diff.format_table(changes, "Welle 2022", "Welle 2023")
    assert "Neue Datensätze" in table and "1.043" in table and "+376" in table and "gestiegen" in table
    assert "8,4" in table and "nicht vergleichbar" in table
    assert table.endswith("2 von 2 Kennzahlen geändert.")


def test_cli_diff_of_two_waves(capsys):
    assert main(["diff", "2022", "2023", "--params-dir", str(PARAMS)]) == 0
    out = capsys.readouterr().out
    assert "Welle 2022" in out and "Welle 2023" in out
    assert "Neue Datensätze" in out and "667" in out and "1.043" in out and "gestiegen" in out
    assert "Datensätze: Energie" in out


def test_cli_diff_of_a_build_against_a_params_file(tmp_path, reports, capsys):
    report = reports["2023"]
    data, metadata = report.colophon()._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("report.colophon()", outputs=[output])])
    (tmp_path / "2023").mkdir()
    nbformat.write(nb, tmp_path / "2023" / "halftime_review.ipynb")
    assert main(["diff", str(tmp_path / "2023"), str(PARAMS / "2023.yaml"), "--changed"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("0 von 38 Kennzahlen geändert.")


def test_cli_diff_of_an_unknown_source_is_an_error(tmp_path, capsys):
    assert main(["diff", "1999", "2023", "--params-dir", str(PARAMS)]) == 2
    assert "'1999' is neither a wave" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(tmp_path / "empty"), "2023", "--params-dir", str(PARAMS)]) == 2


def test_diff_speaks_the_catalogue_in_either_language():
    a = {"datasets_total": 667, "partners_mean": 8.37, "datasets_total[theme=datasets_energy]": None}
    b = {"datasets_total": 1043, "partners_mean": 12.0, "datasets_total[theme=datasets_energy]": 130}
    german = diff.format_table(diff.compare(a, b), "Welle 2022", "Welle 2023")
    assert "Partnerkommunen je antwortendem Modellprojekt" in german and "8,4" in german and "12,0" in german
    assert "Neue Datensätze: Energie" in german and "nicht vergleichbar" in german
    english = diff.format_table(diff.compare(a, b), "Wave 2022", "Wave 2023", language="en")
    assert english.splitlines()[0].split() == ["Indicator", "Wave", "2022", "Wave", "2023", "Change", "Direction"]
    assert "New datasets: Energy" in english and "1,043" in english and "+376" in english and "risen" in english
    assert "not comparable" in english and english.endswith(
        "3 of 3 indicators changed."
    )  # not comparable counts as a change
    name, numbers = diff.numbers_of("2023", PARAMS, language="en")
    assert name == "Wave 2023" and not any("project=" in key for key in numbers)
