"""The German page for readers (pipeline/reader_page.py): what it lists, how, and that it is accessible."""

from __future__ import annotations

import sys
from pathlib import Path

import html5lib
import pandas as pd
import pytest

from mpsc_report.pipeline.manifest import Manifest, OutputFile, UnitEntry
from mpsc_report.pipeline.reader_page import READER_PAGE_NAME, render_reader_page, write_reader_page

REGISTER = pd.DataFrame(
    {
        "project_id": ["ulm", "solingen", "wunsiedel"],
        "name": ["Ulm", "Solingen <b>", "Landkreis Wunsiedel i. Fichtelgebirge"],
        "state": ["Baden-Württemberg", "Nordrhein-Westfalen", "Bayern"],
        "cohort": ["2019", "2019", "2019"],
    }
)


def _entry(kind: str, wave: str, stem: str, status: str = "built", project: str | None = None) -> UnitEntry:
    folder = f"{wave}/factsheets" if project else wave
    outputs = {
        suffix: OutputFile(path=f"{folder}/{stem}.{suffix}", size=1, mtime_ns=1) for suffix in ("ipynb", "html", "pdf")
    }
    return UnitEntry(
        kind=kind,
        wave=wave,
        project=project,
        notebook="notebooks/x.ipynb",
        params={"title": f"Halbzeitbilanz {wave}", "data": "sample"},
        out_dir=folder,
        stem=stem,
        status=status,
        outputs=outputs if status in ("built", "skipped") else {},
    )


def _manifest() -> Manifest:
    manifest = Manifest(
        units={
            "2023/report": _entry("report", "2023", "halftime_review"),
            "2021/report": _entry("report", "2021", "halftime_review", status="skipped"),
            "2023/factsheets/ulm": _entry("factsheet", "2023", "ulm", project="ulm"),
            "2023/factsheets/solingen": _entry("factsheet", "2023", "solingen", project="solingen"),
            "2023/factsheets/wunsiedel": _entry("factsheet", "2023", "wunsiedel", status="failed", project="wunsiedel"),
        }
    )
    # The open data of the 2023 report and of Ulm's factsheet (Solingen's was built without: no link, no dead one).
    for unit_id, folder, stem in (
        ("2023/report", "2023", "halftime_review"),
        ("2023/factsheets/ulm", "2023/factsheets", "ulm"),
    ):
        entry = manifest.units[unit_id]
        entry.outputs["xlsx"] = OutputFile(path=f"{folder}/{stem}.xlsx", size=41_250, mtime_ns=1)
        entry.outputs["daten/datapackage.json"] = OutputFile(
            path=f"{folder}/{stem}_daten/datapackage.json", size=9, mtime_ns=1
        )
    return manifest


def test_reader_page_lists_reports_and_factsheets_by_wave_newest_first_with_html_and_pdf():
    page = render_reader_page(_manifest(), REGISTER)
    assert page.index("Befragungswelle 2023</h2>") < page.index("Befragungswelle 2021</h2>")
    assert 'href="2023/halftime_review.html">Halbzeitbilanz 2023</a>' in page
    assert 'href="2023/halftime_review.pdf" type="application/pdf">PDF</a>' in page
    assert 'href="2021/halftime_review.html"' in page  # skipped: its outputs are current
    assert "Wunsiedel" not in page  # its last build failed: nothing to read
    # factsheets sorted by Land, with Land and cohort
    assert page.index("Baden-Württemberg") < page.index("Nordrhein-Westfalen")
    assert '<th scope="row">Solingen &lt;b&gt;</th><td>Nordrhein-Westfalen</td><td>2019</td>' in page


def test_reader_page_links_each_documents_open_data():
    page = render_reader_page(_manifest(), REGISTER)
    report = page[page.index("Befragungswelle 2023</h2>") : page.index("<h3>Steckbriefe")]
    assert 'href="2023/halftime_review.xlsx"' in report and "Tabellenband (XLSX, 41\u00a0kB)" in report
    assert 'href="2023/halftime_review_daten/">CSV-Dateien (Ordner)' in report
    assert 'href="2023/halftime_review_daten/datapackage.json" type="application/json"' in report
    ulm = page[page.index('<th scope="row">Ulm</th>') :].split("</tr>")[0]
    assert 'href="2023/factsheets/ulm.xlsx"' in ulm and 'href="2023/factsheets/ulm_daten/"' in ulm
    assert '<span class="vh"> (Steckbrief Ulm)</span>' in ulm  # screen readers hear whose file it is
    assert '<th scope="col">Offene Daten</th>' in page
    solingen = page[page.index('<th scope="row">Solingen') :].split("</tr>")[0]
    assert "xlsx" not in solingen and solingen.endswith("<td></td>")  # built without open data: no dead link
    html5lib.HTMLParser(strict=True).parse(page)


def test_reader_page_is_german_strict_and_without_script(tmp_path):
    path = tmp_path / READER_PAGE_NAME
    path.write_text(render_reader_page(_manifest(), REGISTER), encoding="utf-8")
    page = path.read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "<script" not in page.lower()
    assert "default-src 'none'" in page and "Beispieldaten – keine amtlichen Ergebnisse" in page
    assert page.count("<h1>") == 1
    html5lib.HTMLParser(strict=True).parse(page)


def test_write_reader_page_writes_beside_the_index(tmp_path, monkeypatch):
    from mpsc_report.pipeline import reader_page

    monkeypatch.setattr(reader_page, "render_reader_page", lambda manifest, sample_data: f"<p>{sample_data}</p>")
    path = write_reader_page(tmp_path, _manifest())
    assert path == tmp_path / "berichte.html" and path.read_text(encoding="utf-8") == "<p>True</p>"


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_the_reader_page(tmp_path, width):
    sys.path.insert(0, str(Path(__file__).resolve().parent / "a11y"))
    import axe

    if not axe.AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({axe.AXE_JS}); run ./make.sh test, which installs it with npm ci")
    path = tmp_path / READER_PAGE_NAME
    path.write_text(render_reader_page(_manifest(), REGISTER), encoding="utf-8")
    results = axe.audit(path, width=width)
    blocking = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not blocking, axe.describe(blocking)


def test_reader_page_fits_a_phone_without_sideways_scrolling(tmp_path):
    """At 390 px the factsheet table scrolls inside its box; the page itself (hidden link context too) does not."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "a11y"))
    import asyncio

    import axe
    from playwright.async_api import async_playwright

    from mpsc_report.data.load import load_register

    register = load_register()  # the real names: "Aalen und Heidenheim an der Brenz", "Baden-Württemberg" …
    manifest = Manifest(units={})
    for project in register["project_id"]:
        entry = _entry("factsheet", "2023", project, project=project)
        entry.outputs["xlsx"] = OutputFile(path=f"2023/factsheets/{project}.xlsx", size=9, mtime_ns=1)
        entry.outputs["daten/datapackage.json"] = OutputFile(
            path=f"2023/factsheets/{project}_daten/datapackage.json", size=9, mtime_ns=1
        )
        manifest.units[f"2023/factsheets/{project}"] = entry
    path = tmp_path / READER_PAGE_NAME
    path.write_text(render_reader_page(manifest, register), encoding="utf-8")

    async def widths() -> list[int]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=axe.chromium_path(), args=["--no-sandbox"])
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(path.as_uri())
            result = await page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth,"
                " document.querySelector('.scroll table').getBoundingClientRect().width]"
            )
            await browser.close()
            return result

    scroll_width, viewport, table = asyncio.run(widths())
    assert table > viewport - 20  # a wide table: the case this is about
    assert scroll_width <= viewport
