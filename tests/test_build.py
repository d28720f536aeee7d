"""End to end: every params file -> papermill -> HTML and PDF, asserted on content; failures leave no output."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from mpsc_report.data.schema import SAMPLE_NOTICE
from mpsc_report.errors import BuildError
from mpsc_report.pipeline.build import build_unit
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "halftime_review.ipynb"
WAVES = ("2021", "2022", "2023")
A4 = (595.28, 841.89)
FIGURES_PER_REPORT = 10
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(built_reports) -> Path:
    return built_reports  # every wave report, built once per session (conftest.py)


@pytest.fixture(scope="module")
def html2023(built) -> str:
    return (built / "2023" / "halftime_review.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf2023(built) -> PdfReader:
    return PdfReader(built / "2023" / "halftime_review.pdf")


def _text(html: str) -> str:
    """Visible text of an HTML page, no-break spaces as plain spaces."""
    return re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ")


@pytest.mark.parametrize("wave", WAVES)
def test_every_wave_has_notebook_html_and_pdf_and_no_leftovers(built, wave):
    folder = built / wave
    assert sorted(p.name for p in folder.iterdir()) == [
        "halftime_review.html",
        "halftime_review.ipynb",
        "halftime_review.pdf",
        "halftime_review.provenance.json",  # the full provenance, beside the documents (issue 11)
        "halftime_review.xlsx",  # the open data (conftest builds every format)
        "halftime_review_daten",
    ]
    assert not [p.name for p in (folder / "halftime_review_daten").iterdir() if not p.name.endswith((".csv", ".json"))]
    nb = nbformat.read(folder / "halftime_review.ipynb", as_version=4)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f'wave = "{wave}"' in injected.source


def test_2023_html_states_the_published_figures(html2023):
    text = _text(html2023)
    for phrase in (
        "Über 1.000 kommunale Datensätze",
        "über 2.000 partizipativen Aktivitäten",
        "298 neue Stellen",
        "86 Lösungen",
        "64 % der Maßnahmen",
        "Für 19 Maßnahmen",
        "mit zwölf anderen Kommunen",
        "fast 900 Netzwerkverbindungen",
        SAMPLE_NOTICE,
    ):
        assert phrase in text, phrase


def test_html_is_self_contained_german_and_without_code(html2023):
    assert re.search(r'<html[^>]*\blang="de"', html2023)
    assert "<script" not in html2023.lower()
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html2023)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html2023)
    assert "<link" not in html2023.lower()
    assert "import mpsc_report" not in html2023
    assert "report.figure(" not in html2023
    assert "hl-ipython3" not in html2023
    assert not re.search(r'class="[^"]*\b(jp-InputPrompt|jp-OutputPrompt|jp-CodeMirrorEditor)', html2023)


def test_every_chart_is_present_with_caption_and_alt_text(html2023):
    figures = re.findall(r'<figure class="mpsc-figure".*?</figure>', html2023, flags=re.S)
    assert len(figures) == FIGURES_PER_REPORT
    for number, figure in enumerate(figures, start=1):
        assert 'src="data:image/svg+xml;base64,' in figure
        assert re.search(r'alt="[^"]{20,}"', figure)
        assert f"Abbildung {number}:" in figure


def test_pdf_pages_are_a4_with_page_numbers_and_the_notice(pdf2023):
    pages = pdf2023.pages
    assert len(pages) >= 10
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5
        text = page.extract_text()
        assert SAMPLE_NOTICE in text, f"page {number} lacks the sample notice"
        if number == 1:  # the cover: no page number (issue 11); the notice stands on the cover itself
            assert "Seite 1 von" not in text
            continue
        assert f"Seite {number} von {len(pages)}" in text


def test_pdf_text_keeps_umlauts_and_figures(pdf2023):
    text = "\n".join(page.extract_text() for page in pdf2023.pages).replace("\u00a0", " ")
    for phrase in ("Über 1.000", "298 neue Stellen", "zwölf", "Maßnahmen", "Übertragung", "„Digitale Transformation"):
        assert phrase in text, phrase
    assert "Inhalt" in pdf2023.pages[1].extract_text()


#: The German 2023 report's text as a reader gets it, page by page (the Impressum included: since issue 11 it
#: holds no build-time values, only the one provenance line with the package version).
#: A change to the report's wording, numbers or page breaks shows up here on purpose: read the diff, and when the
#: change is meant, update the file with ``MPSC_UPDATE_GOLDEN=1 ./make.sh test -k golden`` and commit it.
GOLDEN_2023 = ROOT / "tests" / "golden" / "report_2023_de.txt"


def report_text(pdf: Path) -> str:
    """The PDF's text per page (``pdftotext``), whitespace squeezed."""
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[" ".join(line.split()) for line in page.splitlines()] for page in raw.split("\f")[:-1]]
    return "".join(
        f"=== Seite {number}\n" + "".join(f"{line}\n" for line in lines if line)
        for number, lines in enumerate(pages, start=1)
    )


def test_golden_2023_report_text_changes_only_on_purpose(built):
    text = report_text(built / "2023" / "halftime_review.pdf")
    if os.environ.get("MPSC_UPDATE_GOLDEN") == "1":
        GOLDEN_2023.parent.mkdir(exist_ok=True)
        GOLDEN_2023.write_text(text, encoding="utf-8")
    golden = GOLDEN_2023.read_text(encoding="utf-8")
    if text != golden:
        diff = "\n".join(difflib.unified_diff(golden.splitlines(), text.splitlines(), "golden", "built", lineterm=""))
        pytest.fail(
            f"The 2023 report's text differs from {GOLDEN_2023.relative_to(ROOT)}; if the change is meant, run "
            f"MPSC_UPDATE_GOLDEN=1 ./make.sh test -k golden and commit the file.\n{diff[:4000]}"
        )


def test_pdf_fonts_are_embedded(built):
    listing = subprocess.run(
        ["pdffonts", str(built / "2023" / "halftime_review.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    embedded = [line.split()[-5] for line in listing]  # columns end: emb sub uni object-id generation
    assert embedded == ["yes"] * len(listing), listing
    assert any("OpenSans" in line for line in listing)


def test_first_wave_says_there_is_nothing_to_compare(built):
    text = _text((built / "2021" / "halftime_review.html").read_text(encoding="utf-8"))
    assert "Welle 2021 ist die erste ausgewertete Befragungswelle" in text
    assert "Gegenüber der Welle 2021" in _text((built / "2022" / "halftime_review.html").read_text(encoding="utf-8"))


def test_plain_papermill_and_nbconvert_work_with_the_registered_kernel(tmp_path):
    out = tmp_path / "out.ipynb"
    subprocess.run(
        [BIN / "papermill", str(NOTEBOOK), str(out), "-f", str(ROOT / "params" / "2023.yaml"), "--log-level", "ERROR"],
        check=True,
        cwd=tmp_path,
    )
    subprocess.run([BIN / "jupyter", "nbconvert", "--to", "mpsc_html", str(out)], check=True, cwd=tmp_path)
    assert "Über 1.000 kommunale Datensätze" in _text((tmp_path / "out.html").read_text(encoding="utf-8"))


def _tiny_project(tmp_path: Path, cells: list[str]) -> tuple[Path, Path]:
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    shutil.copy(ROOT / "params" / "2023.yaml", params_dir / "2023.yaml")
    original = nbformat.read(NOTEBOOK, as_version=4)
    nb = nbformat.v4.new_notebook(cells=[original.cells[0], *(nbformat.v4.new_code_cell(c) for c in cells)])
    nb.metadata = original.metadata
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return params_dir, path


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["x = 1", "1 / 0", "print('never')"], "ZeroDivisionError"),
        (["import sys\nsys.exit(0)", "print('never')"], "did not run"),
    ],
    ids=["raising-cell", "sys-exit"],
)
def test_failed_unit_keeps_partial_notebook_and_writes_no_output(tmp_path, cells, expected):
    params_dir, notebook = _tiny_project(tmp_path, cells)
    out = tmp_path / "outputs"
    (out / "2023").mkdir(parents=True)
    earlier = out / "2023" / "broken.html"
    earlier.write_text("earlier good report")
    [unit] = plan_units(params_dir, out, notebook)
    result = build_unit(unit)
    assert not result.ok
    assert expected in result.error
    kept = out / "failed" / "2023" / "report.ipynb"
    assert str(kept) in result.error and result.failed_notebook == kept
    assert nbformat.read(kept, as_version=4).cells
    assert result.cell is not None and result.cell["source"] in ("1 / 0", "import sys\nsys.exit(0)")
    assert sorted(p.name for p in (out / "2023").iterdir()) == ["broken.html"]
    assert earlier.read_text() == "earlier good report"


def test_missing_data_fails_before_a_kernel_starts(tmp_path):
    params_dir, notebook = _tiny_project(tmp_path, ["raise SystemError('kernel must not start')"])
    text = (params_dir / "2023.yaml").read_text().replace('data: "sample"', 'data: "no-such-folder"')
    (params_dir / "2023.yaml").write_text(text)
    [unit] = plan_units(params_dir, tmp_path / "outputs", notebook)
    result = build_unit(unit)
    assert "data folder" in result.error and "no-such-folder" in result.error
    assert not (tmp_path / "outputs" / "failed").exists()


def test_unknown_wave_selection_is_refused(tmp_path):
    with pytest.raises(BuildError, match=r"no params file for wave\(s\) \['1999'\]"):
        plan_units(ROOT / "params", tmp_path, NOTEBOOK, waves=["1999"])


def test_2023_pdf_ends_with_the_colophon_and_carries_provenance_metadata(pdf2023, built):
    # Issue 11: the last page is the Impressum of the params' publication block; the provenance is one line there
    # and in full in the metadata and the sidecar file — no hash on the page.
    last = pdf2023.pages[-1].extract_text()
    assert "Impressum" in last
    for phrase in ("Herausgeber", "Auftraggeber", "Zitiervorschlag", "CC BY 4.0", "Datenstand", "Begleitdatei"):
        assert phrase in last, phrase
    assert not re.search(r"[0-9a-f]{64}", last) and "SHA-256" not in last
    sidecar = json.loads((built / "2023" / "halftime_review.provenance.json").read_text(encoding="utf-8"))
    assert {f["path"].rsplit("/", 1)[-1] for f in sidecar["provenance"]["files"]} >= {"wave_2023.csv", "projects.csv"}
    assert sidecar["numbers"]["datasets_total"] == 1043
    info = pdf2023.metadata
    assert info["/Title"] == "Halbzeitbilanz Modellprojekte Smart Cities" and info["/Author"] == "MPSC-Monitoring"
    assert info["/Subject"] == "Welle 2023" and "Welle 2023" in info["/Keywords"]
    assert pdf2023.trailer["/Root"]["/Lang"] == "de"
    record = json.loads(info["/MPSCProvenance"])
    assert record["params"]["wave"] == "2023" and len(record["files"]) == 8
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in record["files"])
    assert info["/MPSCGitCommit"] and info["/MPSCBuiltAt"].endswith("+00:00")


def test_2023_pdf_outline_has_every_section_and_ends_with_the_colophon(pdf2023):
    def flatten(outline):
        for item in outline:
            yield from flatten(item) if isinstance(item, list) else [item.title]

    titles = list(flatten(pdf2023.outline))
    assert titles[:2] == ["Halbzeitbilanz Modellprojekte Smart Cities", "Inhalt"]
    for heading in (  # numbered chapters since issue 11
        "Das Wichtigste in Kürze",
        "1 Daten",
        "2 Beteiligung",
        "8 Entwicklung über die Wellen",
        "11 Methode und Datengrundlage",
    ):
        assert heading in titles
    assert titles[-1] == "Impressum"
    assert pdf2023.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged


def test_2023_html_head_carries_the_provenance(html2023):
    head = html2023.split("</head>", 1)[0]
    assert '<meta content="Modellprojekte Smart Cities' in head or '<meta name="keywords"' in head
    assert "mpsc:provenance" in head and "mpsc:git-commit" in head and "wave_2023.csv sha256:" in head


def test_diff_of_two_builds_lists_changed_numbers(built, capsys):
    from mpsc_report.cli import main

    assert main(["diff", str(built / "2022"), str(built / "2023"), "--changed"]) == 0
    out = capsys.readouterr().out
    assert "Neue Datensätze" in out and "667" in out and "1.043" in out and "gestiegen" in out
