"""RELIABILITY section C: a hostile free-text corpus through the real build (papermill, HTML, PDF) leaves no markup.

Every payload goes into every free-text column of a small data folder; the report is built with the same
functions ``mpsc-report build`` uses. Assertions parse the HTML, read the PDF's text back with ``pdftotext`` and
check what Chromium tried to load.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from survey_files import SAMPLE

from mpsc_report.analysis import charts
from mpsc_report.data.schema import TEXT_COLUMNS
from mpsc_report.documents.blocks import SHORTENED_MARK
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
