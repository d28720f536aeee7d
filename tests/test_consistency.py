"""The consistency gate: a number two documents state is the same in both (report, factsheets, diff, across waves)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from inprocess import WAVES, document, factsheet_sample

import mpsc_report as mr
from mpsc_report.analysis.indicators import number_key
from mpsc_report.analysis.numbers import wave_numbers
from mpsc_report.documents import diff
from mpsc_report.documents.contract import read_document
from mpsc_report.pipeline import consistency
from mpsc_report.pipeline.batch import BatchOptions, run_batch
from mpsc_report.pipeline.consistency import InconsistentNumbers, Stated, check_numbers
from mpsc_report.pipeline.manifest import Manifest, UnitEntry, write_manifest
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]

#: The partner figures of a project: the report's network appendix and the factsheet show the same three.
PARTNER_FIGURES = ("partners_total", "partners_model_projects", "links_to_model_projects")


def _stated(unit: str, wave: str, numbers: dict, source: str = "sample") -> Stated:
    return Stated(unit, wave, source, numbers)


# --------------------------------------------------------------------------- the check itself


def test_documents_that_agree_pass_and_a_difference_names_key_documents_and_values():
    report = _stated("2023/report", "2023", {"partners_total[project=koeln]": 11, "datasets_total": 1043})
    agreeing = _stated("2023/factsheets/koeln", "2023", {"partners_total[project=koeln]": 11.0})
    assert check_numbers([report, agreeing]) == []
    odd = _stated("2023/factsheets/koeln", "2023", {"partners_total[project=koeln]": 12})
    [found] = check_numbers([report, odd])
    assert found.key == "partners_total[project=koeln,wave=2023]"
    assert found.values == (("2023/factsheets/koeln", 12), ("2023/report", 11))
    assert str(found) == (
        "Partnerkommunen: koeln, Welle 2023 (partners_total[project=koeln,wave=2023]): "
        "12 in 2023/factsheets/koeln; 11 in 2023/report"
    )


def test_unknown_differs_from_every_number_and_agrees_with_unknown():
    report = _stated("2021/report", "2021", {"partners_total[project=luebeck]": None})
    assert (
        check_numbers([report, _stated("2021/factsheets/luebeck", "2021", {"partners_total[project=luebeck]": None})])
        == []
    )
    [found] = check_numbers(
        [report, _stated("2021/factsheets/luebeck", "2021", {"partners_total[project=luebeck]": 0})]
    )
    assert "unknown in 2021/report" in str(found) and "0 in 2021/factsheets/luebeck" in str(found)


def test_a_number_of_an_earlier_wave_is_compared_with_that_waves_documents():
    early = _stated("2022/report", "2022", {"datasets_total": 667})
    later = _stated("2023/report", "2023", {"datasets_total": 1043, "datasets_total[wave=2022]": 667})
    assert check_numbers([early, later]) == []
    wrong = _stated("2023/report", "2023", {"datasets_total": 1043, "datasets_total[wave=2022]": 670})
    [found] = check_numbers([early, wrong])
    assert found.key == "datasets_total[wave=2022]"


def test_documents_of_other_data_are_not_compared_and_a_document_may_not_disagree_with_itself():
    a = _stated("2023/report", "2023", {"datasets_total": 1043})
    b = _stated("other/2023/report", "2023", {"datasets_total": 50}, source="/data/elsewhere")
    assert check_numbers([a, b]) == []
    twice = _stated("2023/report", "2023", {"datasets_total": 1043, "datasets_total[wave=2023]": 1000})
    assert [d.key for d in check_numbers([twice])] == ["datasets_total[wave=2023]"]


def test_means_agree_as_shown_not_to_the_last_bit():
    a = _stated("2023/report", "2023", {"partners_mean": 12.0})
    b = _stated("2023/other", "2023", {"partners_mean": 12.000000000000002})
    assert check_numbers([a, b]) == []


def _entry(unit: str, numbers: dict, status: str = "built", stale: bool = False, wave: str = "2023") -> UnitEntry:
    kind = "report" if unit.endswith("report") else "factsheet"
    return UnitEntry(
        kind=kind,
        wave=wave,
        notebook="n.ipynb",
        params_file="params/2023.yaml",
        params={"data": "sample"},
        out_dir=wave,
        stem=unit.rsplit("/", 1)[-1],
        status=status,
        stale=stale,
        numbers=numbers,
    )


def test_only_current_outputs_are_compared():
    manifest = Manifest(
        units={
            "2023/report": _entry("2023/report", {"partners_total[project=koeln]": 11}),
            "2023/factsheets/koeln": _entry("2023/factsheets/koeln", {"partners_total[project=koeln]": 11}),
            "2023/factsheets/ulm": _entry("2023/factsheets/ulm", {"partners_total[project=koeln]": 3}, "failed", True),
            "2023/factsheets/gera": _entry("2023/factsheets/gera", {"partners_total[project=koeln]": 4}, "skipped"),
        }
    )
    assert [d.unit for d in consistency.documents_of(manifest)] == [
        "2023/factsheets/gera",
        "2023/factsheets/koeln",
        "2023/report",
    ]
    with pytest.raises(InconsistentNumbers) as raised:
        consistency.enforce(manifest)
    assert raised.value.exit_code == 1
    message = str(raised.value)
    assert message.startswith("numbers differ between documents: 1 indicator(s)")
    assert "partners_total[project=koeln,wave=2023]" in message and "4 in 2023/factsheets/gera" in message


def test_the_batch_runs_the_gate_after_writing_manifest_and_index(tmp_path):
    manifest = Manifest(
        units={
            "2023/report": _entry("2023/report", {"datasets_total": 1043}),
            "2023/factsheets/koeln": _entry("2023/factsheets/koeln", {"datasets_total[wave=2023]": 1000}),
        }
    )
    write_manifest(tmp_path, manifest)
    with pytest.raises(InconsistentNumbers, match=r"datasets_total\[wave=2023\]"):
        run_batch([], tmp_path, BatchOptions(jobs=0))
    assert (tmp_path / "index.html").is_file()  # the build's record is written before the gate speaks
    assert json.loads((tmp_path / "manifest.json").read_text())["units"]["2023/report"]["numbers"]


# --------------------------------------------------------------------------- the documents themselves


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {wave: read_document(document(wave)).numbers for wave in WAVES}


@pytest.mark.parametrize(("wave", "project"), factsheet_sample())
def test_each_factsheet_states_the_report_appendix_figures_of_its_project(reports, wave, project):
    """The partner figures of the report's appendix equal the factsheet's, under the same labels."""
    sheet = document(wave, project)
    numbers = read_document(sheet).numbers
    keys = [number_key(id, project=project) for id in PARTNER_FIGURES]
    assert [numbers[key] for key in keys] == [reports[wave][key] for key in keys]
    # the same labels: the factsheet's network table has the columns of the report's appendix
    report_header = _header(document(wave), "Verbindungen zu Modellprojekten")
    assert _header(sheet, "Verbindungen zu Modellprojekten")[1:] == report_header[1:]
    # and every number both state, across waves too, is the same
    stated = [Stated(f"{w}/report", w, "sample", reports[w]) for w in WAVES]
    assert check_numbers([*stated, Stated(f"{wave}/factsheets/{project}", wave, "sample", numbers)]) == []


def test_the_2021_appendix_marks_the_eleven_non_responders_as_unknown_with_the_legend(reports):
    unknown = [key for key, value in reports["2021"].items() if key.startswith("partners_total[") and value is None]
    assert len(unknown) == 11 and "partners_total[project=luebeck]" in unknown
    html = _figure_data(document("2021"), "Verbindungen zu Modellprojekten")
    assert re.search(r"<th scope=\"row\">Lübeck</th><td>2020</td><td class=\"mpsc-num\">\.</td>", html)
    assert "Zeichenerklärung: „.“ = Zahlenwert unbekannt (keine Angabe); „–“ = nichts vorhanden (genau null)" in html


def test_diff_states_the_numbers_the_reports_record(reports):
    for wave in WAVES:
        _, numbers = diff.numbers_of(wave, ROOT / "params")
        assert numbers == {k: v for k, v in reports[wave].items() if k in numbers}
        assert numbers  # the wave's figures, not per project
    report = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))
    recorded = wave_numbers(report.responses, report.partners, report.register)
    assert read_document(document("2023")).colophon.numbers == recorded


def _header(nb, column: str) -> list[str]:
    html = _figure_data(nb, column)
    return re.findall(r'<th scope="col">([^<]*)</th>', html)


def _figure_data(nb, column: str) -> str:
    """The HTML of the table (or figure data table) that has ``column`` among its headers."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            for table in re.findall(r"<table.*?</table>", html, flags=re.DOTALL):
                if f">{column}</th>" in table:
                    return table
    raise AssertionError(f"no table with the column {column!r}")


# --------------------------------------------------------------------------- a real build


@pytest.mark.e2e
def test_a_real_build_records_the_same_numbers_in_report_and_factsheets(tmp_path):
    out = tmp_path / "outputs"
    units = plan_units(
        ROOT / "params",
        out,
        ROOT / "notebooks" / "halftime_review.ipynb",
        ["2021"],
        kinds=("report", "factsheet"),
        factsheet_notebook=ROOT / "notebooks" / "project_factsheet.ipynb",
        projects=["luebeck", "paderborn", "solingen"],
    )
    result = run_batch(units, out, BatchOptions(formats=("html",), jobs=0))  # raises when the gate fails
    assert not result.failed
    manifest = json.loads((out / "manifest.json").read_text())
    report = manifest["units"]["2021/report"]["numbers"]
    for project in ("luebeck", "paderborn", "solingen"):
        sheet = manifest["units"][f"2021/factsheets/{project}"]["numbers"]
        for id in PARTNER_FIGURES:
            key = number_key(id, project=project)
            assert sheet[key] == report[key], key
    assert report["partners_total[project=luebeck]"] is None  # did not answer: unknown, never 0
