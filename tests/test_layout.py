"""The layout gate (documents/layout.py) on small documents printed by Chromium, and the typesetting it relies on."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import shutil

import pytest

from mpsc_report.documents import layout
from mpsc_report.documents.export.typography import (
    NBSP,
    SHY,
    hyphenate_print,
    hyphenate_word,
    nest_quotes,
    typeset_text,
)
from mpsc_report.documents.layout import PrintedDocument, check_layout, page_fills

# ----------------------------------------------------------------------------------------------
# Typesetting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am 12. Mai 2024 begann", f"am 12.{NBSP}Mai{NBSP}2024 begann"),
        ("64 % der Maßnahmen", f"64{NBSP}% der Maßnahmen"),
        ("je Modellprojekt (n = 62)", f"je Modellprojekt (n{NBSP}={NBSP}62)"),
        ("die Jahre 2021-2023", "die Jahre 2021\u20132023"),
        ("Beispieldaten — keine amtlichen Ergebnisse", f"Beispieldaten{NBSP}\u2013 keine amtlichen Ergebnisse"),
        ("siehe Abbildung 3", f"siehe Abbildung{NBSP}3"),
        ("Telefon 0351-4880", "Telefon 0351-4880"),  # not a range of years
    ],
)
def test_typeset_text_keeps_pairs_together_and_sets_dashes(text, expected):
    assert typeset_text(text, "de", hyphenate=False) == expected


def test_nested_quotes_become_single_quotes_inside_double_ones():
    assert nest_quotes("Sie sagte „das „Projekt“ läuft“ gut")[0] == "Sie sagte „das ‚Projekt‘ läuft“ gut"
    assert nest_quotes("„Smart City“-Lösung", depth=1)[0] == "‚Smart City‘-Lösung"  # inside a quotation block


@pytest.mark.parametrize("word", ["MPSC", "KielRegion", "Ulm", "kurz"])
def test_abbreviations_names_and_short_words_are_not_hyphenated(word):
    assert hyphenate_word(word) == word


def test_german_compounds_get_soft_hyphens_but_never_a_break_before_ch_after_s():
    assert hyphenate_word("Partnerkommunen").replace(SHY, "-") == "Part-ner-kom-mu-nen"
    assert "s" + SHY + "ch" not in hyphenate_word("Projektfortschritts")


def test_soft_hyphens_go_into_table_cells_only_never_into_numbers_urls_or_names():
    html = (
        "<main><p>Netzwerkverbindungen im Text</p><table><thead><tr><th>Partnerkommunen</th></tr></thead>"
        "<tbody><tr><th>Gemeinde Ringelai</th><td>Netzwerkverbindungen</td><td>https://beispielkommune.de/datenplattform"
        '</td><td class="mpsc-num">1.043</td></tr></tbody></table></main>'
    )
    printed = hyphenate_print(html)
    assert "Netzwerkverbindungen im Text" in printed  # running text: none
    assert f"Part{SHY}ner" in printed and f"Netz{SHY}werk" in printed
    assert "Gemeinde Ringelai" in printed and "beispielkommune.de/datenplattform" in printed and ">1.043<" in printed


def test_a_wide_text_column_keeps_its_words_whole_in_print():
    row = "<tr><th>Datengrundlage</th><td>Datenstand: Befragungswelle 2023</td></tr>"
    html = f"<main><table><tbody>{row}</tbody></table></main>"
    assert "Datenstand: Befragungswelle 2023" in hyphenate_print(html)  # two columns: findable whole in the PDF


# ----------------------------------------------------------------------------------------------
# The gate on real prints

_IMAGE = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60">'
    b'<rect width="100" height="60" fill="#1d4f7a"/></svg>'
).decode("ascii")


def _chromium() -> str | None:
    return os.environ.get("MPSC_CHROMIUM") or shutil.which("chromium-headless-shell") or shutil.which("chromium")


def _print(body: str) -> bytes:
    from mpsc_report.documents.export.printer import CHROMIUM_ARGS, ChromiumPrinter

    html = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Test</title>'
        "<style>@page{size:A4;margin:22mm 20mm 20mm} body{margin:0;font:10pt sans-serif}"
        "h2{break-after:avoid;margin:0 0 4mm} img{display:block}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    args = ["--no-sandbox", *CHROMIUM_ARGS] if hasattr(os, "geteuid") and os.geteuid() == 0 else list(CHROMIUM_ARGS)

    async def run() -> bytes:
        async with ChromiumPrinter(_chromium(), args) as printer:
            result = await printer.print_pdf(html, format="A4", tagged=True, print_background=True)
            return result.pdf

    return asyncio.run(run())


needs_chromium = pytest.mark.skipif(_chromium() is None, reason="no Chromium to print with")


def _spacer(mm: float, text: str = "Absatz") -> str:
    return f'<div style="height:{mm}mm"><p>{text}</p></div>'


@pytest.mark.e2e
@needs_chromium
def test_a_well_filled_document_passes():
    body = _spacer(200) + "<h2>Kapitel</h2><p>Text nach der Überschrift.</p>" + _spacer(200) + "<p>Ende</p>"
    pdf = _print(body)
    assert check_layout(pdf, PrintedDocument(headings=["Kapitel"])) == []


@pytest.mark.e2e
@needs_chromium
def test_a_heading_alone_at_the_foot_of_a_page_fails_naming_page_and_heading():
    image = f'<img src="{_IMAGE}" alt="Balken" style="width:100mm;height:120mm">'
    figure = f'<figure style="margin:0;break-inside:avoid">{image}</figure>'
    # break-after: auto: the stylesheet keeps headings with what follows; the gate catches what it cannot keep.
    body = _spacer(225) + '<h2 style="break-after:auto">Allein unten</h2>' + figure + _spacer(150)
    problems = check_layout(_print(body), PrintedDocument(headings=["Allein unten"]))
    lonely = [p for p in problems if p.check == "heading alone"]
    assert len(lonely) == 1 and lonely[0].page == 1 and "Allein unten" in str(lonely[0])


@pytest.mark.e2e
@needs_chromium
def test_a_figure_apart_from_its_caption_fails():
    def figure(number: int, height: int) -> str:
        return (
            f'<figure style="margin:0"><figcaption>Abbildung {number}</figcaption>'
            f'<img src="{_IMAGE}" alt="Balken {number}" style="width:100mm;height:{height}mm"></figure>'
        )

    body = figure(1, 100) + _spacer(40) + figure(2, 130) + _spacer(200)
    problems = check_layout(_print(body), PrintedDocument(captions=["Abbildung 1", "Abbildung 2"]))
    split = [p for p in problems if p.check == "figure apart from its caption"]
    assert len(split) == 1 and "„Abbildung 2“" in str(split[0]) and "pages 1, 2" in str(split[0])


@pytest.mark.e2e
@needs_chromium
def test_a_page_filled_less_than_a_third_before_the_appendix_fails_but_cover_and_appendix_do_not():
    block = '<div style="height:250mm;background:#888;break-inside:avoid"></div>'
    body = "<p>Kurz.</p>" + block + "<p>Kurz.</p>" + block + '<p style="break-before:page">Anhang</p>' + block
    pdf = _print(body)
    fills = page_fills(pdf)
    assert len(fills) == 6 and fills[0] < 0.1 and fills[1] > 0.95
    problems = check_layout(pdf, PrintedDocument(), fills=fills)
    assert [(p.check, p.page) for p in problems] == [("page fill", 1), ("page fill", 3), ("page fill", 5)]
    assert "of the text area is filled (at least a third before the appendix)" in str(problems[0])
    # the cover is exempt, the appendix (from page 5) is not checked, and the last page never is
    exempt = PrintedDocument(exempt_pages=frozenset({1}), appendix_page=5)
    assert [p.page for p in check_layout(pdf, exempt, fills=fills)] == [3]
    # the page before the appendix ends the main part: short like the last page of a chapter, not checked
    ends_part = PrintedDocument(exempt_pages=frozenset({1}), appendix_page=4)
    assert [p.page for p in check_layout(pdf, ends_part, fills=fills)] == []


@pytest.mark.e2e
@needs_chromium
def test_the_gate_renders_only_the_pages_it_checks_and_finds_the_same(monkeypatch):
    block = '<div style="height:250mm;background:#888;break-inside:avoid"></div>'
    body = "<p>Kurz.</p>" + block + "<p>Kurz.</p>" + block + '<p style="break-before:page">Anhang</p>' + block
    pdf = _print(body)
    fills = page_fills(pdf)
    assert page_fills(pdf, 2, 3) == fills[1:3]
    rendered = []
    original = layout.page_fills
    monkeypatch.setattr(
        layout,
        "page_fills",
        lambda pdf, first=1, last=None: rendered.append((first, last)) or original(pdf, first, last),
    )
    exempt = PrintedDocument(exempt_pages=frozenset({1}), appendix_page=5)
    assert [p.page for p in check_layout(pdf, exempt)] == [3]
    assert rendered == [(2, 3)]  # not the cover, not the appendix, not the page before it, not the last page
    assert [(p.check, p.page) for p in check_layout(pdf, PrintedDocument())] == [
        ("page fill", 1),
        ("page fill", 3),
        ("page fill", 5),
    ]
    rendered.clear()
    assert check_layout(pdf, PrintedDocument(exempt_pages=frozenset({1, 2, 3}), appendix_page=5)) == []
    assert rendered == []  # nothing to check: no render


def test_no_syllable_of_one_letter_and_the_continued_row_is_not_hyphenated():
    assert hyphenate_word("Fortsetzung").replace(SHY, "-") == "Fort-set-zung"
    html = (
        '<main><table><thead><tr class="mpsc-continued"><th>Tabelle 4 (Fortsetzung)</th></tr>'
        "<tr><th>Partnerkommunen</th></tr></thead></table></main>"
    )
    assert "(Fortsetzung)" in hyphenate_print(html)


def test_a_table_running_over_a_page_gets_its_caption_with_fortsetzung_and_its_head_again():
    from mpsc_report.documents.export.contents import CONTINUED_ROW, split_continued_tables

    html = (
        '<main><details class="mpsc-figure-data"><table><caption>versteckt</caption></table></details>'
        '<table class="mpsc-table"><caption><span class="mpsc-label">Tabelle 4:</span> Begriffe</caption>'
        '<thead><tr><th>Begriff</th><th class="mpsc-num">Zahl</th></tr></thead><tbody>'
        + "".join(f"<tr><th>B{i}</th><td>{i}</td></tr>" for i in range(6))
        + "</tbody></table></main>"
    )
    # head on page 3, rows 0-2 on page 3, rows 3-5 on page 4 (the hidden table is not printed, so not counted)
    marked, count = split_continued_tables(html, [[3, 3, 3, 3, 4, 4, 4]], "de")
    assert count == 1
    rows = [row.get_text(" ", strip=True) for row in _rows(marked)]
    assert rows[3:6] == ["Tabelle 4: Begriffe (Fortsetzung)", "Begriff Zahl", "B3 3"]
    assert marked.count(f'class="{CONTINUED_ROW} mpsc-continued-caption"') == 1 and 'aria-hidden="true"' in marked
    # the next print: the marked rows are not in the tag tree; row 5 now runs over to page 5
    again, count = split_continued_tables(marked, [[3, 3, 3, 3, 4, 4, 5]], "de")
    assert count == 1 and [r.get_text(" ", strip=True) for r in _rows(again)][7] == "Tabelle 4: Begriffe (Fortsetzung)"
    assert split_continued_tables(again, [[3, 3, 3, 3, 4, 4, 5]], "de") == (again, 0)  # nothing more to mark
    assert split_continued_tables(html, [[3, 3]], "de") == (html, 0)  # does not match the print: left alone


def _rows(html: str) -> list:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, features="html.parser").select("table.mpsc-table tbody tr")


@pytest.mark.e2e
@needs_chromium
def test_a_split_table_is_put_into_the_loaded_page_and_prints_as_a_new_load_would(monkeypatch):
    from pypdf import PdfReader

    from mpsc_report.documents.export.pdf import ReportPDFExporter
    from mpsc_report.documents.export.printer import LoadedDocument

    rows = "".join(f"<tr><th>Begriff {i}</th><td>{i}</td></tr>" for i in range(150))
    html = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Test</title>'
        "<style>body{margin:0;font:10pt sans-serif}</style></head><body><main><p>Vorher.</p>"
        '<table class="mpsc-table"><caption>Tabelle 1: Begriffe</caption>'
        f"<thead><tr><th>Begriff</th><th>Zahl</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>"
    )

    def export(exporter) -> list[str]:
        pdf = exporter.run_playwright(html)
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    patched = ReportPDFExporter(layout_gate=False)
    in_place = export(patched)
    assert patched.renders >= 3 and sum("(Fortsetzung)" in text for text in in_place) == len(in_place) - 1

    async def refuse(self, *args, **kwargs) -> bool:
        return False

    monkeypatch.setattr(LoadedDocument, "replace_element", refuse)
    reloaded = ReportPDFExporter(layout_gate=False)
    assert export(reloaded) == in_place and reloaded.renders == patched.renders


def test_the_in_place_patch_finds_the_changed_table_by_text_and_caption():
    from mpsc_report.documents.export.pdf import _caption_text, _first_difference, _runs_over

    assert _first_difference("abcdef", "abcxef") == 3
    assert _first_difference("abc", "abcdef") == 3 and _first_difference("", "a") == 0
    assert _first_difference("same", "same") == 4
    # BeautifulSoup writes a no-break space as it is, Chromium as &nbsp;: the same caption
    soup = '<table><caption><span class="mpsc-label">Tabelle\u00a04:</span> A &amp; B</caption><tr></tr></table>'
    chromium = '<table><caption><span class="mpsc-label">Tabelle&nbsp;4:</span> A &amp; B</caption></table>'
    assert _caption_text(soup) == _caption_text(chromium) == "Tabelle 4: A & B"
    assert _caption_text("<table><tr><td>x</td></tr></table>") is None
    # head on page 3, body rows from page 3: a row on page 4 can be marked; all on one page or one row cannot
    assert _runs_over([3, 3, 3, 4]) and not _runs_over([3, 3, 3]) and not _runs_over([3])
    assert not _runs_over([2, 3, 3])  # the head alone before a page break is the caption check's business
