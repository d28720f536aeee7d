"""Accessibility, HTML validity and the English build: real reports, checked with axe-core in the system Chromium.

axe-core comes from the npm registry, pinned in tests/a11y/package-lock.json and installed by ``./make.sh test``.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import html5lib
import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent / "a11y"))
import axe  # noqa: E402  (tests/a11y/axe.py)

pytestmark = pytest.mark.e2e

#: axe impact levels a report must not have.
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def german(built_reports) -> Path:
    """The German 2023 report's HTML (built once per session, see conftest.py)."""
    return built_reports / "2023" / "halftime_review.html"


@pytest.fixture(scope="module")
def english(built_english) -> Path:
    """The English 2023 report's folder: ``halftime_review.html`` and ``.pdf``."""
    return built_english / "2023"


def _text(html: str) -> str:
    """The text a reader sees: tags removed, and the stylesheet's words too (its comments and the phone hint of the
    other language, ``:lang(de)::after``, are not shown)."""
    visible = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", visible).replace("\u00a0", " "))


@pytest.fixture(scope="session")
def axe_installed() -> None:
    if not axe.AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({axe.AXE_JS}); run ./make.sh test, which installs it with npm ci")
    if not Path(axe.chromium_path()).is_file() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing; run ./make.sh setup")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_axe_finds_no_serious_wcag_violation(request, axe_installed, language, width):
    html = (
        request.getfixturevalue("german")
        if language == "de"
        else request.getfixturevalue("english") / ("halftime_review.html")
    )
    results = axe.audit(html, width=width)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, "axe-core (WCAG 2.1 A/AA) found:\n" + axe.describe(blocking)


@pytest.mark.parametrize("language", ["de", "en"])
def test_html_parses_without_errors(request, language):
    path = (
        request.getfixturevalue("german")
        if language == "de"
        else request.getfixturevalue("english") / ("halftime_review.html")
    )
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(path.read_text(encoding="utf-8"))  # raises ParseError at the first error


def test_html_fits_a_phone_without_sideways_scrolling(german):
    async def widths() -> list[int]:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=axe.chromium_path(), args=["--no-sandbox"])
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(german.as_uri())
            await page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            result = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            await browser.close()
            return result

    import asyncio

    scroll_width, viewport = asyncio.run(widths())
    assert scroll_width <= viewport


def test_every_figure_has_generated_alt_text_and_a_data_table(german):
    html = german.read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"|<img src="[^"]*" alt="([^"]*)"', html)
    alts = [a or b for a, b in alts]
    assert len(alts) == 10
    assert all(len(alt) > 60 for alt in alts)
    assert alts[0].startswith("Balkendiagramm: Neu erhobene kommunale Datensätze nach Thema. Größter Wert ")
    assert "Liniendiagramm: Antwortende Modellprojekte und Kennzahlen nach Befragungswelle" in alts[-1]
    assert "gestiegen" in alts[-1]
    assert html.count('<details class="mpsc-figure-data">') == 10
    assert "Daten zu Abbildung 10" in html
    assert "Anhang B: Daten zu den Abbildungen" in html


def test_german_report_keeps_its_figures_and_only_german_prose(german):
    text = _text(german.read_text(encoding="utf-8"))
    assert '<html lang="de">' in german.read_text(encoding="utf-8")
    for phrase in ("Über 1.000 kommunale Datensätze", "fast 900 Netzwerkverbindungen", "1.043", "64 %", "Abbildung 1:"):
        assert phrase in text, phrase
    for english in ("Summary", "Figure 1:", "Appendix"):
        assert english not in text, english


def test_english_html_is_english(english):
    html = (english / "halftime_review.html").read_text(encoding="utf-8")
    text = _text(html)
    assert '<html lang="en">' in html
    for phrase in (
        "Summary",
        "Transfer and cooperation",
        "Over 1,000 municipal datasets",
        "almost 900 network links",
        "1,043",
        "2,137",
        "64%",
        "Figure 1:",
        "Table 1:",
        "Data for figure 1",
        "Contents",
        "Sample data — not official results",
        "Appendix B: data for the figures",
    ):
        assert phrase in text, phrase
    for german_word in ("Zusammenfassung", "Abbildung", "Tabelle", "Beispieldaten", "Inhalt", "1.043"):
        assert german_word not in text, german_word
    assert '<div class="mpsc-quotes" lang="de">' in html  # free-text answers stay as given


def test_english_pdf_has_english_pages_language_and_the_data_appendix(english):
    reader = PdfReader(english / "halftime_review.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    pages = [page.extract_text().replace("\u00a0", " ") for page in reader.pages]
    assert "Sample data" in pages[0] and "Page" not in pages[0]  # the cover has no running header or page number
    assert "Page 2 of" in pages[1]
    text = " ".join(pages)
    assert "Figure 1:" in text and "Seite" not in text
    appendix = next(i for i, p in enumerate(pages) if "Appendix B: data for the figures" in p and "Figure 1:" in p)
    assert appendix > len(pages) // 2
