"""Export: publication HTML (no code, script or external URL; contents) and the locked-down PDF."""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mpsc_report.data.schema import SAMPLE_NOTICE
from mpsc_report.documents.contract import read_document
from mpsc_report.documents.export import ReportHTMLExporter, ReportPDFExporter, export_html
from mpsc_report.errors import EnvironmentProblem, ExportError

TITLE = "Halbzeitbilanz „Smart Cities“: Städte & Gemeinden"
ESCAPED_PAYLOAD = "&lt;iframe src=&quot;file:///etc/passwd&quot;&gt;"
HOSTILE_HTML = (
    '<p class="mpsc-text">Vor</p><img src="http://127.0.0.1:9/beacon"><iframe src="file:///etc/hostname"></iframe>'
)
HEADINGS = [
    "Zusammenfassung",
    "Beteiligung der Städte",
    "Ergebnisse im Einzelnen",
    "Stimmen aus den Projekten",
    "Datenplattformen und Schnittstellen",
    "Methodik",
]

# A small bar chart: enough to check that figures survive with their caption.
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260" viewBox="0 0 640 260">'
    '<rect width="640" height="260" fill="#fff"/>'
    '<rect x="40" y="40" width="420" height="40" fill="#1d4f7a"/>'
    '<rect x="40" y="110" width="300" height="40" fill="#5b8db8"/>'
    '<rect x="40" y="180" width="160" height="40" fill="#a9bdd2"/></svg>'
)
SVG_SRC = "data:image/svg+xml;base64," + base64.b64encode(_SVG.encode()).decode()


def _html_output(markup: str, plain: str = "…", metadata: dict | None = None):
    data = {"text/html": markup, "text/plain": plain}
    return new_output("display_data", data=data, metadata=metadata or {})


def _cell(*outputs):
    cell = new_code_cell("report.block()", execution_count=1)
    cell.outputs = list(outputs)
    return cell


def _title_page(sample_data: bool):
    notice = f'<p class="mpsc-sample-notice">{SAMPLE_NOTICE}</p>' if sample_data else ""
    markup = (
        '<section class="mpsc-title-page">'
        '<p class="mpsc-kicker">Modellprojekte Smart Cities · Monitoring</p>'
        f'<p class="mpsc-title">{html.escape(TITLE)}</p>'
        '<p class="mpsc-subtitle">Ergebnisse der Befragung</p>'
        f'<p class="mpsc-wave">Befragungswelle 2023</p>{notice}'
        '<p class="mpsc-date">15. März 2024</p>'
        '<p class="mpsc-publisher">Bundesinstitut für Bau-, Stadt- und Raumforschung</p></section>'
    )
    meta = {
        "role": "title-page",
        "title": TITLE,
        "wave": "2023",
        "language": "de",
        "sample_data": sample_data,
        "notice": SAMPLE_NOTICE if sample_data else "",
    }
    return _html_output(markup, TITLE, {"mpsc_report": meta})


def _paragraphs(topic: str, count: int) -> str:
    sentence = (
        f"Im Themenfeld {topic} berichten die Modellprojekte über größere Fortschritte bei der "
        "Umsetzung; „Bürgerbeteiligung“ und Datenkompetenz gelten als Schlüssel, während "
        "Fachkräftemangel und Vergaberecht als Hürden genannt werden. "
    )
    return f'<p class="mpsc-text">{sentence * 3}</p>' * count


def _key_figures() -> str:
    tiles = [
        ("73", "Modellprojekte befragt"),
        ("1.043", "Maßnahmen gemeldet"),
        ("64 %", "nutzen offene Daten"),
        ("12,5 Mio. €", "Fördermittel abgerufen"),
    ]
    return (
        '<div class="mpsc-key-figures">'
        + "".join(
            f'<div class="mpsc-kf"><span class="mpsc-kf-value">{value}</span>'
            f'<span class="mpsc-kf-label">{label}</span></div>'
            for value, label in tiles
        )
        + "</div>"
    )


def _table() -> str:
    rows = [("Mobilität", "312", "29,9 %"), ("Energie &amp; Umwelt", "208", "19,9 %"), ("Verwaltung", "523", "50,1 %")]
    body = "".join(
        f'<tr><th scope="row">{name}</th><td class="mpsc-num">{count}</td><td class="mpsc-num">{share}</td></tr>'
        for name, count, share in rows
    )
    return (
        '<table class="mpsc-table" id="tabelle-1"><caption><span class="mpsc-label">Tabelle 1:'
        "</span> Maßnahmen nach Umsetzungsstand</caption><thead><tr>"
        '<th scope="col">Themenfeld</th><th scope="col">Maßnahmen</th><th scope="col">Anteil</th>'
        f"</tr></thead><tbody>{body}</tbody></table>"
    )


def report_notebook(sample_data: bool = True, extra_html: str = "") -> nbformat.NotebookNode:
    """A report notebook as the build leaves it: outputs filled in by the producers."""
    figure = (
        f'<figure class="mpsc-figure" id="abbildung-1"><img src="{SVG_SRC}" '
        'alt="Balkendiagramm der Themenfelder"><figcaption><span class="mpsc-label">Abbildung 1:'
        "</span> Umsetzungsstand nach Themenfeld</figcaption></figure>"
    )
    quotes = (
        '<div class="mpsc-quotes"><blockquote class="mpsc-quote"><p>Die Zusammenarbeit der Ämter '
        f"hat sich spürbar verbessert. {ESCAPED_PAYLOAD}</p><footer>Modellprojekt Süd</footer>"
        "</blockquote></div>"
    )
    note = '<aside class="mpsc-note">Die Angaben beruhen auf Selbstauskünften.</aside>'
    stray = new_output("stream", name="stdout", text="debug print\n")
    plain = new_output("execute_result", data={"text/plain": "<Figure size 640x480>"})
    cells = [
        new_code_cell("wave: str = '2023'  # survey wave id", metadata={"tags": ["parameters"]}),
        _cell(_title_page(sample_data)),
        new_markdown_cell("## Zusammenfassung\n\nDie Halbzeitbilanz fasst die Befragung zusammen."),
        _cell(_html_output(_key_figures())),
        _cell(_html_output(_paragraphs("Mobilität", 3)), stray, plain),
        new_markdown_cell("### Beteiligung der Städte"),
        _cell(_html_output(_paragraphs("Beteiligung", 2) + extra_html)),
        _cell(),
        new_markdown_cell(""),
        new_markdown_cell("## Ergebnisse im Einzelnen"),
        _cell(_html_output(figure), _html_output(_paragraphs("Energie", 4))),
        _cell(_html_output(_table())),
        new_markdown_cell("### Stimmen aus den Projekten"),
        _cell(_html_output(quotes), _html_output(_paragraphs("Verwaltung", 7))),
        new_markdown_cell("### Datenplattformen und Schnittstellen"),
        _cell(_html_output(_paragraphs("Daten", 3))),
        new_markdown_cell("## Methodik"),
        _cell(_html_output(note)),
    ]
    return new_notebook(cells=cells, metadata={"title": "Notebook-Titel"})


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    return parser


@pytest.fixture(scope="module")
def report_html() -> str:
    return export_html(report_notebook())


# ----------------------------------------------------------------------------------------------
# HTML


def test_html_is_german_with_title_csp_and_no_script(report_html):
    tags = _parse(report_html).tags
    assert report_html.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "de"}) in tags
    assert f"<title>{html.escape(TITLE, quote=False)}</title>" in report_html
    csp = [a["content"] for t, a in tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"]
    assert any(t == "meta" and a.get("charset", "").lower() == "utf-8" for t, a in tags)
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tags)
    assert "<script" not in report_html.lower()
    assert not [t for t, a in tags if any(k.startswith("on") for k in a)]


def test_html_loads_nothing_from_outside(report_html):
    tags = _parse(report_html).tags
    urls = [v for _, a in tags for k, v in a.items() if k in ("src", "href", "srcset") and v]
    urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", report_html)
    assert urls, "expected the data: images and fonts"
    outside = [u[:60] for u in urls if not u.startswith(("data:", "#"))]
    assert not outside
    assert "require" not in report_html and "mathjax" not in report_html.lower()
    assert "url(data:font/woff;base64," in report_html and 'local("Open Sans")' in report_html
    assert len(report_html) < 250_000  # the font subsets stay small


def test_html_has_no_code_prompts_chatter_or_empty_cells(report_html):
    assert "<pre" not in report_html and "<code" not in report_html
    for leftover in (
        "wave: str",
        "report.block()",
        "In&nbsp;[",
        "Out[",
        "debug print",
        "Figure size",
        "¶",
        "anchor-link",
    ):
        assert leftover not in report_html
    # 18 cells: the parameters cell, an empty code cell and an empty markdown cell leave no trace
    assert report_html.count('class="jp-Cell ') == 15


def test_html_toc_links_every_section_heading_after_the_title_page(report_html):
    nav = re.search(r'<nav [^>]*class="mpsc-toc".*?</nav>', report_html, re.DOTALL).group(0)
    assert ">Inhalt</h2>" in nav
    entries = re.findall(r'<a href="#([^"]+)"><span class="mpsc-toc-text">([^<]+)</span>', nav)
    assert [text for _, text in entries] == HEADINGS
    for target, text in entries:
        assert re.search(rf'<h[23] id="{re.escape(target)}">{re.escape(text)}</h[23]>', report_html)
    # nested: the h3 entries sit in the list of their h2
    assert re.search(r"mpsc-toc-level-2.*?Ergebnisse im Einzelnen.*?<ol>.*?Stimmen aus", nav)
    position = report_html.index(nav)
    assert report_html.index("mpsc-title-page") < position < report_html.index("Die Halbzeitbilanz")


def test_html_keeps_figures_tables_and_key_figures(report_html):
    assert SVG_SRC in report_html and 'alt="Balkendiagramm der Themenfelder"' in report_html
    assert '<span class="mpsc-label">Abbildung 1:</span> Umsetzungsstand nach Themenfeld</figcaption>' in report_html
    assert '<span class="mpsc-label">Tabelle 1:</span>' in report_html
    assert '<th class="mpsc-num" scope="col">Maßnahmen</th>' in report_html  # numeric header
    assert report_html.count('class="mpsc-kf"') == 4


def test_html_keeps_an_escaped_payload_as_text(report_html):
    parsed = _parse(report_html)
    assert "&lt;iframe src=" in report_html  # still escaped (the serializer may write &quot; as ")
    assert not [t for t, _ in parsed.tags if t == "iframe"]
    assert '<iframe src="file:///etc/passwd">' in "".join(parsed.text)


def test_html_strips_raw_active_content_a_producer_let_through():
    exporter = ReportHTMLExporter()
    hostile = HOSTILE_HTML + '<script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">Link</a>'
    markup, _ = exporter.from_notebook_node(report_notebook(extra_html=hostile))
    assert "<script" not in markup and "<iframe" not in markup and "127.0.0.1" not in markup
    assert "javascript:" not in markup and "onclick" not in markup and ">Link</a>" in markup
    assert len(exporter.removed_content) == 5


def test_removed_content_says_what_the_allow_list_took_out():
    exporter = ReportHTMLExporter()
    hostile = (
        '<a href="data:text/html,x">A</a><img src="data:text/html;base64,PHNjcmlwdD4=" alt="B">'
        '<p style="background:url(http://127.0.0.1:9/css)">C</p><form><p>D</p></form><blink>E</blink>'
        '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/"><div onmouseover="x()">F</div>'
    )
    markup, _ = exporter.from_notebook_node(report_notebook(extra_html=hostile))
    assert sorted(exporter.removed_content) == [
        "<blink>",
        "<form>",
        "<meta>",
        "<p>",  # inside the form
        "href='data:text/html,x' on <a>",
        "onmouseover on <div>",
        "src='data:text/html;base64,PHNjcmlwdD4=' on <img>",
        "style='background:url(http://127.0.0.1:9/css)' on <p>",
    ]
    assert ">A</a>" in markup and 'alt="B"' in markup and ">C</p>" in markup and "E" in markup
    assert "127.0.0.1" not in markup and ">D<" not in markup and "data:text" not in markup


def test_allow_list_keeps_an_inline_svg_chart_and_in_page_links():
    from mpsc_report.documents.export.sanitize import sanitize_fragment

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        '<defs><clipPath id="c"><rect x="0" y="0" width="5" height="5"></rect></clipPath></defs>'
        '<g clip-path="url(#c)"><path d="M 0 0 L 5 5" style="fill: #1d4f7a"></path>'
        '<use xlink:href="#m" x="1"></use></g></svg><a href="#abbildung-1">Abbildung 1</a>'
    )
    clean, removed = sanitize_fragment(svg)
    assert removed == [] and 'viewBox="0 0 10 10"' in clean and 'clip-path="url(#c)"' in clean
    assert 'xlink:href="#m"' in clean and '<a href="#abbildung-1">' in clean
    hostile, removed = sanitize_fragment('<svg><use href="http://x/y#a"></use><g fill="url(http://x/p)"></g></svg>')
    assert "http" not in hostile and sorted(removed) == [
        "fill='url(http://x/p)' on <g>",
        "href='http://x/y#a' on <use>",
    ]


def test_title_metadata_drives_title_and_language_with_fallback():
    meta = read_document(report_notebook(sample_data=True))
    assert (meta.title, meta.wave, meta.language, meta.sample_data, meta.notice) == (
        TITLE,
        "2023",
        "de",
        True,
        SAMPLE_NOTICE,
    )
    assert read_document(report_notebook(sample_data=False)).notice == ""
    foreign = new_notebook(cells=[new_markdown_cell("## Teil")], metadata={"title": "Fremd"})
    assert read_document(foreign).title == "Fremd" and not read_document(foreign).notice
    assert "<title>Fremd</title>" in export_html(foreign)
    assert "<title>Bericht</title>" in export_html(new_notebook(cells=[new_markdown_cell("Text")]))


def test_error_output_stops_the_export():
    nb = report_notebook()
    nb.cells.append(_cell(new_output("error", ename="KeyError", evalue="'wave'", traceback=[])))
    with pytest.raises(ExportError, match=r"cell 19 holds an error \(KeyError"):
        export_html(nb)


def test_missing_chromium_is_an_environment_problem(tmp_path):
    exporter = ReportPDFExporter(chromium_path=str(tmp_path / "chromium"))
    message = "Chromium not found at .*; install the Debian package: apt-get install chromium"
    with pytest.raises(EnvironmentProblem, match=message):
        exporter.from_notebook_node(report_notebook())


def test_nbconvert_finds_the_exporters_by_name():
    from nbconvert.exporters import get_exporter

    assert get_exporter("mpsc_html") is ReportHTMLExporter
    assert get_exporter("mpsc_pdf") is ReportPDFExporter


# ----------------------------------------------------------------------------------------------
# PDF (system Chromium)


def _pdf(nb: nbformat.NotebookNode, **traits) -> tuple[bytes, ReportPDFExporter]:
    exporter = ReportPDFExporter(**traits)
    pdf, _ = exporter.from_notebook_node(nb)
    return pdf, exporter


def _texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    """(path, exporter, text of each page) of the sample-data report."""
    pdf, exporter = _pdf(report_notebook(sample_data=True))
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(pdf)
    return path, exporter, _texts(pdf)


@pytest.mark.e2e
def test_pdf_pages_are_a4_with_page_numbers_and_notice(sample_pdf):
    from pypdf import PdfReader

    path, _, texts = sample_pdf
    for page in PdfReader(path).pages:
        assert abs(float(page.mediabox.width) - 595) <= 1
        assert abs(float(page.mediabox.height) - 842) <= 1
    # The cover has no running header and no page number (issue 11); it shows the notice on the page itself.
    assert "Seite 1 von" not in texts[0] and f"{TITLE} · Welle 2023" not in texts[0]
    assert f"Seite 2 von {len(texts)}" in texts[1]
    assert all(SAMPLE_NOTICE in text for text in texts)
    assert all(f"{TITLE} · Welle 2023" in text for text in texts[1:])


@pytest.mark.e2e
def test_pdf_text_keeps_umlauts_and_german_quotes(sample_pdf):
    text = "\n".join(sample_pdf[2])
    for word in ("Städte", "größere", "Maßnahmen", "Süd", "„Bürgerbeteiligung“", "„Smart Cities“"):
        assert word in text
    assert '<iframe src="file:///etc/passwd">' in text  # the escaped payload is printed as text


@pytest.mark.e2e
def test_pdf_toc_page_numbers_point_at_the_headings(sample_pdf):
    _, exporter, texts = sample_pdf
    toc = next(text for text in texts if "Inhalt" in text and "Methodik" in text)
    listed = dict(re.findall(r"^(.+?)[\s.]*(\d+)\s*$", toc, re.MULTILINE))
    numbers = {heading: int(listed[heading]) for heading in HEADINGS}
    for heading, number in numbers.items():
        assert heading in texts[number - 1], (heading, number)
    assert list(numbers.values()) == sorted(numbers.values()) and len(set(numbers.values())) >= 4
    assert sorted(exporter.toc_pages.values()) == sorted(numbers.values())
    assert exporter.renders >= 2


@pytest.mark.e2e
def test_pdf_prints_the_document_once_and_then_only_its_contents_page(sample_pdf):
    _, exporter, texts = sample_pdf
    # the document with placeholders, the cover again without running header (issue 11), the contents' page with
    # the numbers
    assert exporter.renders == 3
    assert exporter.pages_printed == len(texts) + 2


@pytest.mark.e2e
def test_pdf_prints_in_full_again_when_the_contents_page_does_not_fit(monkeypatch):
    from mpsc_report.documents.export import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "replace_pages", lambda *args: False)
    pdf, exporter = _pdf(report_notebook())
    texts = _texts(pdf)
    toc = next(text for text in texts if "Inhalt" in text and "Methodik" in text)
    listed = dict(re.findall(r"^(.+?)[\s.]*(\d+)\s*$", toc, re.MULTILINE))
    for heading in HEADINGS:
        assert heading in texts[int(listed[heading]) - 1], heading
    assert exporter.renders >= 3 and exporter.pages_printed >= 2 * len(texts) + 1


@pytest.mark.e2e
def test_pdf_passes_the_pdfua_checker(sample_pdf):
    import json
    import sys

    checker = Path(sys.executable).parent / "pdfua"
    run = subprocess.run([checker, "check", "--format", "json", sample_pdf[0]], capture_output=True, text=True)
    summary = json.loads(run.stdout)["summary"]
    assert run.returncode == 0 and (summary["findings"], summary["rules_skipped"]) == (0, 0), run.stdout[:3000]


@pytest.mark.e2e
def test_pdf_is_tagged_with_outline_metadata_and_embedded_fonts(sample_pdf):
    from pypdf import PdfReader

    path = sample_pdf[0]
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(rf"^Title:\s+{re.escape(TITLE)}$", info, re.MULTILINE)
    assert re.search(r"^Subject:\s+Welle 2023$", info, re.MULTILINE)
    assert re.search(r"^Author:\s+MPSC-Monitoring$", info, re.MULTILINE)
    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    titles = [item.title for item in _flatten(reader.outline)]
    assert titles == [TITLE, "Inhalt", *HEADINGS]  # one bookmark per heading, spelled as written
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # column "emb"


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@pytest.mark.e2e
def test_pdf_without_sample_data_has_no_notice():
    texts = _texts(_pdf(report_notebook(sample_data=False))[0])
    assert texts and not any("Beispieldaten" in text for text in texts)


@pytest.mark.e2e
def test_pdf_blocks_requests_and_local_files_without_the_html_safety_net(tmp_path, sample_pdf):
    canary = tmp_path / "canary.txt"
    canary.write_text("KANARIENVOGEL-7f3a9c")
    hostile = HOSTILE_HTML + f'<iframe src="file://{canary}"></iframe><img src="https://cdn.example.org/x.png">'
    # strip_active_content=False: the browser layer (JS off, CSP, fake origin, route) must hold.
    pdf, exporter = _pdf(report_notebook(extra_html=hostile), strip_active_content=False)
    text = "\n".join(_texts(pdf))
    assert "Vor" in text and "KANARIENVOGEL" not in text
    hostname = Path("/etc/hostname").read_text().strip()
    assert text.count(hostname) == "\n".join(sample_pdf[2]).count(hostname)  # nothing added
    expected = {
        "http://127.0.0.1:9/beacon",
        "file:///etc/hostname",
        f"file://{canary}",
        "https://cdn.example.org/x.png",
    }
    assert expected <= set(exporter.blocked_requests)
    assert sample_pdf[1].blocked_requests == []  # a clean report asks for nothing


@pytest.mark.e2e
def test_pdf_export_timeout_names_the_report():
    with pytest.raises(ExportError, match=re.escape(TITLE) + r": the PDF export took longer"):
        _pdf(report_notebook(), export_timeout=0.05)


@pytest.mark.e2e
def test_a_binary_that_is_not_chromium_is_an_environment_problem():
    with pytest.raises(EnvironmentProblem, match="Chromium at /bin/false could not be started"):
        _pdf(report_notebook(), chromium_path="/bin/false")


@pytest.mark.e2e
def test_html_and_pdf_together_match_the_separate_exports():
    from mpsc_report.documents.export import export_html_and_pdf

    nb = report_notebook()
    html, pdf = export_html_and_pdf(nb)
    assert html == export_html(nb)
    assert pdf.startswith(b"%PDF")


# ----------------------------------------------------------------------------------------------
# Layout "factsheet": compact header, no contents


def _factsheet_notebook(layout: object = "factsheet"):
    meta = {"role": "title-page", "layout": layout, "title": "Steckbrief Solingen", "wave": "2023"}
    meta |= {"language": "de", "sample_data": True, "notice": SAMPLE_NOTICE}
    header = _html_output('<header class="mpsc-factsheet-header"><h1>Solingen</h1></header>', "", {"mpsc_report": meta})
    break_cell = new_markdown_cell("## Zusammenarbeit", metadata={"tags": ["page-break-before"]})
    return new_notebook(cells=[_cell(header), new_markdown_cell("## Kennzahlen"), break_cell])


def test_factsheet_layout_has_no_contents_and_marks_the_body():
    nb = _factsheet_notebook()
    assert read_document(nb).layout == "factsheet"
    page = export_html(nb)
    assert 'class="mpsc-toc"' not in page
    assert re.search(r'<body class="[^"]*\bmpsc-layout-factsheet\b', page)
    assert "celltag_page-break-before" in page
    assert "<title>Steckbrief Solingen</title>" in page


@pytest.mark.parametrize("layout", [None, "poster", 3])
def test_unknown_layout_falls_back_to_the_report(layout):
    nb = _factsheet_notebook(layout)
    assert read_document(nb).layout == "report"
    assert 'class="mpsc-toc"' in export_html(nb)


def test_contents_list_the_open_data_section_the_exporter_adds():
    from bs4 import BeautifulSoup

    from mpsc_report.documents.contract import Document
    from mpsc_report.documents.export.contents import build_toc

    soup = BeautifulSoup(
        '<main><div class="jp-MarkdownCell"><h2 id="quellen">Quellen</h2></div>'
        '<section class="mpsc-opendata"><h2 class="mpsc-opendata-title" id="daten-zum-bericht">Daten zum Bericht</h2>'
        '</section><section class="mpsc-data-appendix"><h2 class="mpsc-appendix-title" id="anhang-daten">'
        "Anhang B: Daten zu den Abbildungen</h2></section></main>",
        features="html.parser",
    )
    nav = build_toc(soup, Document())
    entries = [(a["href"], a.get_text()) for a in nav.select("a")]
    assert [text for _, text in entries] == ["Quellen", "Daten zum Bericht", "Anhang B: Daten zu den Abbildungen"]
    assert ("#daten-zum-bericht", "Daten zum Bericht") in entries


def test_lists_of_figures_and_tables_name_every_one_also_those_after_them():
    from bs4 import BeautifulSoup

    from mpsc_report.documents.blocks import LISTS_CLASS
    from mpsc_report.documents.contract import Document
    from mpsc_report.documents.export.contents import fill_lists

    soup = BeautifulSoup(
        '<main><figure class="mpsc-figure" id="abbildung-1"><img alt="x">'
        '<figcaption><span class="mpsc-label">Abbildung 1:</span> Themen</figcaption></figure>'
        f'<div class="{LISTS_CLASS}"><h3>Abbildungen</h3><ul><li>Abbildung 1: Themen</li></ul></div>'
        '<table class="mpsc-table" id="tabelle-1"><caption><span class="mpsc-label">Tabelle 1:</span> '
        "Rücklauf &lt;Staffel&gt;</caption></table>"
        '<table class="mpsc-table mpsc-data-table" id="abbildung-1-daten"><caption>Daten</caption></table></main>',
        features="html.parser",
    )
    fill_lists(soup, Document())
    lists = soup.select_one(f"div.{LISTS_CLASS}")
    assert [li.get_text() for li in lists.select("li")] == ["Abbildung 1: Themen", "Tabelle 1: Rücklauf <Staffel>"]
    assert "&lt;Staffel&gt;" in str(lists)  # escaped again: text, never markup
    assert [h.get_text() for h in lists.select("h3")] == ["Abbildungen", "Tabellen"]


def test_soft_hyphens_that_did_not_break_a_line_leave_no_glyph_for_text_extraction():
    import pikepdf

    from mpsc_report.documents.export.typography import drop_unbroken_soft_hyphens

    # As Chromium prints "Augs\u00adburg" on one line: the soft hyphen an invisible glyph with ActualText U+00AD.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    shy = pikepdf.Dictionary(ActualText=pikepdf.String("\u00ad"))
    tagged = pikepdf.Dictionary(MCID=0)
    ops = [
        ([pikepdf.Name.P, tagged], "BDC"),
        ([], "BT"),
        ([pikepdf.String("Augs")], "Tj"),
        ([pikepdf.Name.Span, shy], "BDC"),
        ([20, 0], "Td"),
        ([pikepdf.String("\x00\x03")], "Tj"),
        ([], "EMC"),
        ([5, 0], "Td"),
        ([pikepdf.String("burg")], "Tj"),
        ([], "ET"),
        ([], "EMC"),
    ]
    pdf.pages[0].Contents = pdf.make_stream(
        pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in ops])
    )
    assert drop_unbroken_soft_hyphens(pdf) == 1
    left = [(str(i.operator), [str(x) for x in i.operands]) for i in pikepdf.parse_content_stream(pdf.pages[0])]
    assert [name for name, _ in left] == ["BDC", "BT", "Tj", "Td", "Td", "Tj", "ET", "EMC"]  # positions stay
    assert ("Tj", ["\x00\x03"]) not in left and left[0][0] == "BDC"  # the tagged sequence (MCID) is untouched
    assert drop_unbroken_soft_hyphens(pdf) == 0
