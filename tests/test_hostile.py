"""RELIABILITY section C: a hostile free-text corpus through the real build (papermill, HTML, PDF) leaves no markup.

Every payload goes into every free-text column of a small data folder; the report is built with the same
functions ``mpsc-report build`` uses. Assertions parse the HTML, read the PDF's text back with ``pdftotext`` and
check what Chromium tried to load. A second corpus of hostile Unicode (direction overrides, controls, terminal
escapes, zero-width characters, line separators, emoji, CJK, Arabic, combining marks) fills the report's quotes:
the HTML parses strictly and holds no control character, nothing is reordered outside a quote, every printed
character has a glyph in the PDF's embedded fonts, and the data keep the text as given.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from pdf_glyphs import drawn_glyphs
from survey_files import SAMPLE

from mpsc_report.analysis import charts
from mpsc_report.data.params import load_params
from mpsc_report.data.schema import TEXT_COLUMNS
from mpsc_report.data.waves import open_waves
from mpsc_report.documents.blocks import SHORTENED_MARK
from mpsc_report.documents.glyphs import NO_GLYPH_MARK
from mpsc_report.pipeline.build import build_unit
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]
CANARY = "KANARIE-9b1e-DATEIINHALT"

HTML_PAYLOADS = [  # C1
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="file:///etc/passwd">',
    "<style>*{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh">',
    '"><svg onload=alert(1)>',
    "</textarea>",
    "<object data=x></object>",
]
FETCH_PAYLOADS = ['<img src="http://127.0.0.1:9/beacon">']  # C2, plus the canary iframe added per test
LATEX_PAYLOADS = [  # C3
    r"\input{/etc/hostname}",
    r"\openin",
    r"\write18{id}",
    r"\def\x{\x}\x",
    r"\catcode",
    r"\end{document}",
    r"$ % & # _ { } ~ ^ \ ...",
]
MARKDOWN_PAYLOADS = [  # C4
    "# Überschrift",
    "* Liste _kursiv_",
    "| a | b |",
    "[x](javascript:alert(1))",
    "![](../../secret.txt)",
    "<br>",
    "`code`",
]


def answer_groups(canary: Path) -> list[str]:
    """Payloads joined into answers of at most 400 characters (shown in full, not shortened)."""
    payloads = [*HTML_PAYLOADS, *FETCH_PAYLOADS, f'<iframe src="file://{canary}"></iframe>']
    payloads += [*LATEX_PAYLOADS, *MARKDOWN_PAYLOADS]
    groups, current = [], ""
    for payload in payloads:
        if current and len(current) + len(payload) + 3 > 380:
            groups.append(current)
            current = ""
        current = f"{current}\n{payload}" if current else payload
    groups.append(current)
    return groups


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == "style":
            self.styles.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    canary = base / "secret.txt"
    canary.write_text(CANARY, encoding="utf-8")
    data = base / "params" / "data"
    data.mkdir(parents=True)
    shutil.copy(SAMPLE / "partners_2023.csv", data)
    with (SAMPLE / "wave_2023.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    groups = answer_groups(canary)
    long_answer = "<script>document.write('LANG')</script>" + "x" * 1_000_000
    runs = "[" * 100_000 + "*" * 100_000
    for column in TEXT_COLUMNS:
        index = header.index(column)
        for row, group in zip(body, groups, strict=False):
            row[index] = group
        body[len(groups)][index] = long_answer if column == "highlight" else runs
    with (data / "wave_2023.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    (base / "params" / "2023.yaml").write_text(
        'wave: "2023"\ntitle: "Feindliche Freitexte"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\n'
        'report_date: "2024-02-07"\ndata: "data"\n',
        encoding="utf-8",
    )
    (unit,) = plan_units(base / "params", base / "outputs", ROOT / "notebooks" / "halftime_review.ipynb")
    result = build_unit(unit, ("html", "pdf"))
    assert result.ok, result.error
    return unit, canary, groups


@pytest.mark.e2e
def test_c1_c4_html_has_no_markup_script_or_link_from_answers(hostile_build):
    unit, canary, groups = hostile_build
    html = unit.output(".html").read_text(encoding="utf-8")
    parsed = _Parsed()
    parsed.feed(html)
    tags = [t for t, _ in parsed.tags]
    for forbidden in ("script", "iframe", "object", "embed", "svg", "textarea", "frame"):
        assert forbidden not in tags, forbidden
    assert not [a for t, a in parsed.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "refresh"]
    assert not [a for _, a in parsed.tags for k in a if k.lower().startswith("on")]
    urls = [v or "" for _, a in parsed.tags for k, v in a.items() if k in ("href", "src", "data", "action")]
    own = [u for u in urls if u == unit.output(".pdf").name]  # the exporter's link to the PDF beside the page
    assert len(own) <= 1
    urls = [u for u in urls if u not in own]
    assert not [u for u in urls if u.strip().lower().startswith("javascript:")]
    assert all(u.startswith(("data:", "#")) for u in urls), [u[:60] for u in urls if not u.startswith("data:")]
    assert not [css for css in parsed.styles if "*{display:none}" in css]  # template CSS only
    text = "".join(parsed.text)
    for group in groups:
        assert group in text  # every payload shown as literal text
    assert CANARY not in html
    assert SHORTENED_MARK.strip() in text and "LANG" not in text.replace("document.write('LANG')", "")
    assert len(html) < 1_000_000  # the 1 MB answer is shortened for display


@pytest.mark.e2e
def test_c2_pdf_shows_payloads_as_text_and_never_the_canary(hostile_build):
    unit, canary, _ = hostile_build
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(unit.output(".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = re.sub(r"\s+", "", text)
    for token in (
        "<script>alert(1)</script>",
        "onerror=alert(1)>",
        'href="javascript:alert(1)"',
        f'src="file://{canary}"',
        "127.0.0.1:9/beacon",
        r"\input{/etc/hostname}",
        r"\write18{id}",
        "![](../../secret.txt)",
        "[x](javascript:alert(1))",
    ):
        assert re.sub(r"\s+", "", token) in squeezed, token
    assert CANARY not in text
    assert "root:x:0:0" not in text


@pytest.mark.e2e
def test_c2_chromium_was_asked_for_nothing_but_the_document(hostile_build):
    from mpsc_report.documents.export import ReportPDFExporter

    unit, _, _ = hostile_build
    exporter = ReportPDFExporter()
    exporter.from_notebook_node(nbformat.read(unit.output(".ipynb"), as_version=4))
    assert exporter.blocked_requests == []


def test_chart_labels_with_dollar_signs_are_text_not_mathtext():
    values = pd.Series([3, 5], index=["$\\frac{1}{0}$ <b>fett</b>", "100 $ & 50 %"], name="x")
    fig = charts.bar_chart(values, source="Quelle: Test")
    fig.canvas.draw()  # mathtext would fail on \frac{1}{0} or render it as a formula
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts]
    assert any("$\\frac{1}{0}$" in label for label in labels)
    plt.close(fig)


#: Hostile Unicode, one answer per quote the report shows (four highlights, four challenges).
UNICODE_CORPUS = [
    "Rechnung \u202eevil.exe\u202c geprüft; \u202aLRE\u202c \u202bRLE\u202c \u2066LRI\u2069 \u2067RLI\u2069 "
    "\u2068FSI\u2069 LRM\u200e RLM\u200f ALM\u061c; offen am Ende: \u202eumgedreht",
    "Steuerzeichen: NUL\x00 BEL\x07 BS\x08 ESC\x1b DEL\x7f C1\x85\x9b\x9f Ende",
    "ANSI: \x1b[31mROT\x1b[0m \x1b[1;4mfett\x1b[m \x1b]0;Fenstertitel\x07 \x1b[2J\x1b[H Ende",
    "Null\u200bbreite\u200c\u200d\u2060\ufeff Zeichen; Zeile\u2028zwei\u2029Absatz\r\nCRLF\rCR\x0bVT\x0cFF; "
    "Tags\U000e0041\U000e0042 weg; Soft\u00adhyphen",
    "Emoji: 😀 👍🏽 👨\u200d👩\u200d👧\u200d👦 🇩🇪 ❤️ 1️⃣ "
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f 🚲 ✅",
    "CJK: 中文：智慧城市 日本語：スマートシティ 한국어: 스마트 시티",
    "المدن الذكية ١٢٣ – Hebräisch: עברית: ערים חכמות – und Deutsch am Ende",
    "Kombiniert: e\u0301 a\u0308 (NFD), Z" + "\u0336\u0322\u031b\u034e\u0359\u0331" * 4 + "algo, Tiếng Việt, नमस्ते, "
    "ภาษาไทย, བོད་ཡིག, privat \ue000, Nicht-Zeichen \ufdd0",
]

#: Bidirectional formatting characters that must not reach the reader (they reorder the text around them).
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture(scope="module")
def unicode_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("unicode")
    data = base / "params" / "data"
    data.mkdir(parents=True)
    shutil.copy(SAMPLE / "partners_2023.csv", data)
    with (SAMPLE / "wave_2023.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for number, column in enumerate(TEXT_COLUMNS):
        for row, answer in zip(body[:4], UNICODE_CORPUS[4 * number : 4 * number + 4], strict=True):
            row[header.index(column)] = answer
    with (data / "wave_2023.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    (base / "params" / "2023.yaml").write_text(
        'wave: "2023"\ntitle: "Feindliche Zeichen"\nfield_start: "2023-11-13"\nfield_end: "2023-12-15"\n'
        'report_date: "2024-02-07"\ndata: "data"\n',
        encoding="utf-8",
    )
    (unit,) = plan_units(base / "params", base / "outputs", ROOT / "notebooks" / "halftime_review.ipynb")
    result = build_unit(unit, ("html", "pdf"))
    assert result.ok, result.error
    return unit, base / "params" / "2023.yaml"


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.e2e
def test_unicode_html_parses_strictly_and_holds_no_control_or_direction_override(unicode_build):
    unit, _ = unicode_build
    html = unit.output(".html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(html)  # raises ParseError at the first error (NUL is one)
    assert not [hex(ord(c)) for c in set(html) if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]
    assert not set(html) & _BIDI_CONTROLS
    quotes = re.findall(r'<blockquote class="mpsc-quote"><p dir="auto">(.*?)</p><footer dir="auto">', html, re.S)
    assert len(quotes) == 8, "each quote in its own dir=auto scope"
    assert "Rechnung evil.exe geprüft" in quotes[0] and "offen am Ende: umgedreht" in quotes[0]
    assert f"NUL{NO_GLYPH_MARK} BEL{NO_GLYPH_MARK}" in quotes[1]  # a visible mark where a control was
    assert f"ANSI: {NO_GLYPH_MARK}ROT{NO_GLYPH_MARK}" in quotes[2] and "[31m" not in html
    for kept in ("😀", "👨\u200d👩\u200d👧\u200d👦", "智慧城市", "스마트", "المدن الذكية", "ערים חכמות", "नमस्ते", "བོད"):
        assert kept in html, kept


@pytest.mark.e2e
def test_unicode_pdf_keeps_the_reading_order_around_each_quote(unicode_build):
    unit, _ = unicode_build
    lines = [line.strip() for line in _pdf_text(unit.output(".pdf")).splitlines() if line.strip()]
    spoof = next(i for i, line in enumerate(lines) if "Rechnung" in line)
    assert "„Rechnung evil.exe geprüft;" in lines[spoof] and "exe.live" not in "".join(lines)
    assert lines[spoof].endswith("offen am Ende: umgedreht“") and "tdherdegmu" not in "".join(lines)
    assert lines[spoof + 1].startswith("— ")  # the project's name follows its quote, in order
    # A right-to-left quote is laid out right to left inside its scope (pdftotext may list its name first),
    # the Latin words in it keep their order, and the quotes before and after it are untouched.
    arabic = next(i for i, line in enumerate(lines) if "und Deutsch am Ende" in line)
    assert lines[arabic - 1].startswith("— ") or lines[arabic + 1].startswith("— ")
    starts = ("Steuerzeichen", "ANSI", "Nullbreite", "Emoji", "„CJK: 中文", "und Deutsch am Ende", "„Kombiniert: é")
    order = [next(i for i, line in enumerate(lines) if words in line) for words in starts]
    assert order == sorted(order) and lines[order[-1]].endswith("Nicht-Zeichen �“")


@pytest.mark.e2e
def test_unicode_pdf_draws_every_printed_character_with_an_embedded_glyph(unicode_build):
    unit, _ = unicode_build
    pdf = unit.output(".pdf")
    glyphs = drawn_glyphs(str(pdf))
    assert glyphs.boxes == []  # no .notdef box anywhere
    printed = {c for c in _pdf_text(pdf) if not c.isspace() and unicodedata.category(c) != "Cf"}
    assert not sorted(printed - glyphs.drawn, key=ord), "printed without a glyph"
    assert {"😀", "智", "스", "م", "ע", "न", "ภ", "བ", NO_GLYPH_MARK} <= glyphs.drawn


@pytest.mark.e2e
def test_glyph_check_finds_a_box_when_no_font_has_the_character(tmp_path):
    from playwright.sync_api import sync_playwright

    pdf = tmp_path / "box.pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content("<p style=\"font-family:'Open Sans'\">privat \ue000 Ende</p>")  # not neutralised
        page.pdf(path=str(pdf))
        browser.close()
    boxes = drawn_glyphs(str(pdf)).boxes
    assert len(boxes) == 1 and boxes[0][1] == 0 and boxes[0][2].strip().startswith("Ende")


@pytest.mark.e2e
def test_unicode_data_keep_the_answers_as_given(unicode_build):
    unit, params = unicode_build
    responses = open_waves(load_params(params)).current.responses
    given = [*responses["highlight"].iloc[:4], *responses["challenge"].iloc[:4]]
    assert given == UNICODE_CORPUS  # controls, overrides and separators included: only the display changes
    notebook = unit.output(".ipynb").read_text(encoding="utf-8")
    assert "\\u202e" not in notebook.lower() and "\\u001b" not in notebook.lower()  # nor in the displayed outputs
