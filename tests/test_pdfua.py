"""Accessible PDF (PDF/UA-1): the checker ``pdfua`` on built reports and factsheets, and our own checks of the tags.

``pdfua check`` decides the machine-checkable rules it implements (``pdfua rules``); what it cannot decide is
checked here on the structure tree with pikepdf: heading levels, alt text that says more than the caption, header
cells with scope, every marked sequence in the tree and nothing painted outside one, running header and footer
as artifacts, links tagged and described. The finishing step itself (:mod:`mpsc_report.documents.export.tagging`)
is tested on small hand-made content streams.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import FACTSHEETS
from pikepdf import Array, Dictionary, Name

from mpsc_report.documents.export.tagging import DocumentInfo, finish_pdf, group_figure_wrappers, mark_artifacts

BIN = Path(sys.executable).parent

#: Every kind of PDF the build writes: the German and the English report, two factsheets.
PDFS = ["report-de", "report-en", *(f"factsheet-{project}" for project in FACTSHEETS)]

#: Top and bottom page margins (mm) holding the running header and the footer.
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 22, 20

#: Operators that paint: text, path painting, images, forms and shadings.
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh"}


@dataclass(frozen=True)
class Built:
    """One built PDF (the HTML lies beside it) and what it is."""

    pdf: Path
    kind: str  # "report" or "factsheet"
    language: str


@pytest.fixture(params=PDFS)
def built(request) -> Built:
    kind, _, name = request.param.partition("-")
    if kind == "report":
        folder = request.getfixturevalue("built_reports" if name == "de" else "built_english")
        return Built(folder / "2023" / "halftime_review.pdf", kind, name)
    return Built(request.getfixturevalue("built_factsheets") / "2023" / "factsheets" / f"{name}.pdf", kind, "de")


# ----------------------------------------------------------------------------------------------
# Reading the structure tree


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _elements(doc: pikepdf.Pdf) -> list[Dictionary]:
    """Every structure element, in document (reading) order."""
    found: list[Dictionary] = []

    def walk(node) -> None:
        if isinstance(node, Dictionary) and "/S" in node:
            found.append(node)
            for kid in _kids(node):
                walk(kid)

    for kid in _kids(doc.Root.StructTreeRoot):
        walk(kid)
    return found


def _marks_content(element) -> bool:
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR):
            return True
        if isinstance(kid, Dictionary) and "/S" in kid and _marks_content(kid):
            return True
    return False


def _html_figures(pdf: Path) -> list[tuple[str, str]]:
    """(alt text, caption) of every figure of the HTML built beside the PDF, in order."""
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    pattern = r'<figure class="mpsc-figure".*?<img [^>]*?alt="([^"]*)".*?<figcaption[^>]*>(.*?)</figcaption>'
    return [
        (html_lib.unescape(alt), " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", caption)).split()))
        for alt, caption in re.findall(pattern, html, re.S)
    ]


# ----------------------------------------------------------------------------------------------
# The checker


@pytest.mark.e2e
def test_pdfua_check_finds_no_error_and_no_warning_and_skips_no_rule(built):
    run = subprocess.run([BIN / "pdfua", "check", "--format", "json", built.pdf], capture_output=True, text=True)
    report = json.loads(run.stdout)
    summary = report["summary"]
    assert run.returncode == 0, json.dumps(report["findings"], indent=1, ensure_ascii=False)[:4000]
    assert (summary["errors"], summary["warnings"], summary["findings"]) == (0, 0, 0)
    # A rule the checker could not evaluate is no pass: pdfua 0.1.3's UA-14-001 raises on a heading whose /K is an
    # array (pikepdf raises ValueError, not AttributeError, for getattr on an Array).
    assert summary["rules_skipped"] == 0 and summary["rules_run"] == 12, report["skipped"]


@pytest.mark.e2e
def test_pdf_states_pdfua_conformance_title_and_language_in_xmp(built):
    with pikepdf.open(built.pdf) as doc:
        title = str(doc.docinfo.Title)
        with doc.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"
            assert meta["dc:title"] == title and title
            assert meta["dc:language"] == {built.language}
        assert doc.Root.Lang == built.language
        assert doc.Root.ViewerPreferences.DisplayDocTitle is True
        assert doc.Root.MarkInfo.Marked is True
        assert doc.pdf_version == "1.7"


# ----------------------------------------------------------------------------------------------
# What the checker cannot decide


@pytest.mark.e2e
def test_headings_run_from_h1_to_h3_without_jumps_and_each_marks_text(built):
    with pikepdf.open(built.pdf) as doc:
        headings = [e for e in _elements(doc) if re.fullmatch(r"/H\d", str(e.S))]
        levels = [int(str(e.S)[2]) for e in headings]
        assert levels and levels[0] == 1 and levels.count(1) == 1, levels
        assert max(levels) <= 3, levels
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert not jumps, levels
        assert all(_marks_content(e) for e in headings)  # no empty heading (UA-14-001, also decided here)


@pytest.mark.e2e
def test_each_chart_is_one_figure_whose_alt_text_says_more_than_its_caption(built):
    figures_html = _html_figures(built.pdf)
    with pikepdf.open(built.pdf) as doc:
        figures = [e for e in _elements(doc) if e.S == Name.Figure]
        alts = [str(e.get("/Alt", "")) for e in figures]
        # The HTML <figure> is a group (/Div) around the chart and its caption, not a second figure.
        parents = [e for e in _elements(doc) if any(k.S == Name.Figure for k in _elements_under(e, deep=False))]
        assert parents and all(parent.S == Name.Div for parent in parents)
        assert not [k for figure in figures for k in _elements_under(figure) if k.S == Name.Figure]
    assert figures
    assert alts == [alt for alt, _ in figures_html]
    for alt, caption in figures_html:
        assert len(alt) > len(caption) and alt != caption, (alt, caption)


@pytest.mark.e2e
def test_every_table_has_header_cells_with_scope(built):
    with pikepdf.open(built.pdf) as doc:
        tables = [e for e in _elements(doc) if e.S == Name.Table]
        assert tables
        for table in tables:
            cells = [e for e in _elements_under(table) if e.S in (Name.TH, Name.TD)]
            headers = [e for e in cells if e.S == Name.TH]
            assert headers, "a table without header cells"
            for header in headers:
                attributes = header.get("/A")
                attributes = list(attributes) if isinstance(attributes, Array) else [attributes]
                scopes = {str(a.Scope) for a in attributes if isinstance(a, Dictionary) and "/Scope" in a}
                assert scopes & {"/Row", "/Column", "/Both"}, repr(header.get("/A"))


def _elements_under(element, deep: bool = True) -> list[Dictionary]:
    found = []
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(_elements_under(kid) if deep else [])
    return found


@pytest.mark.e2e
def test_every_marked_sequence_is_in_the_tree_and_nothing_is_painted_outside_one(built):
    with pikepdf.open(built.pdf) as doc:
        parent_tree = _parent_tree_arrays(doc)
        for number, page in enumerate(doc.pages, start=1):
            owners = parent_tree[int(page.obj.StructParents)]
            in_tree = {mcid for mcid, owner in enumerate(owners) if isinstance(owner, Dictionary)}
            # Each open sequence: True when it is real content (an MCID) or an artifact.
            marked, unmarked, sequences = set(), [], []
            for instruction in pikepdf.parse_content_stream(page):
                if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                    unmarked += [] if any(sequences) else ["inline image"]
                    continue
                op = str(instruction.operator)
                if op in ("BDC", "BMC"):
                    properties = instruction.operands[-1]
                    mcid = op == "BDC" and isinstance(properties, Dictionary) and "/MCID" in properties
                    marked |= {int(properties.MCID)} if mcid else set()
                    sequences.append(mcid or instruction.operands[0] == Name.Artifact)
                elif op == "EMC":
                    sequences.pop()
                elif op in PAINTING and not any(sequences):
                    unmarked.append(op)
            assert not sequences and not unmarked, (number, unmarked[:10])
            assert marked == in_tree, (number, sorted(marked ^ in_tree))


def _parent_tree_arrays(doc) -> dict[int, Array]:
    found, pending = {}, [doc.Root.StructTreeRoot.ParentTree]
    while pending:
        node = pending.pop()
        nums = node.get("/Nums", [])
        found.update({int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], Array)})
        pending.extend(node.get("/Kids", []))
    return found


@pytest.mark.e2e
def test_running_header_and_footer_are_artifacts(built):
    with pikepdf.open(built.pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            height = float(page.mediabox[3])
            lines = _text_lines(page)
            top = [line for line in lines if line[0] > height - MARGIN_TOP_MM / 25.4 * 72]
            bottom = [line for line in lines if line[0] < MARGIN_BOTTOM_MM / 25.4 * 72]
            if built.kind == "report" and number == 1:  # the cover: no running header, no page number (issue 11)
                assert not top and not bottom, (number, top, bottom)
                continue
            assert top and bottom, number  # the running header, the footer with the page number
            assert all(tag == "/Artifact" for _, tag in top + bottom), (number, top, bottom)


def _text_lines(page) -> list[tuple[float, str | None]]:
    """(height above the page's foot, marked-content tag) of every text shown: ``/Artifact`` inside an artifact,
    else the innermost tag."""
    ctm, stack, tags, lines, y = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], [], [], 0.0
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        op, operands = str(instruction.operator), list(instruction.operands)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(o) for o in operands], ctm)
        elif op in ("BDC", "BMC"):
            tags.append(str(operands[0]))
        elif op == "EMC":
            tags.pop()
        elif op == "Tm":
            x, y = float(operands[4]), float(operands[5])
            y = ctm[1] * x + ctm[3] * y + ctm[5]
        elif op in ("Tj", "TJ", "'", '"'):
            lines.append((y, "/Artifact" if "/Artifact" in tags else tags[-1] if tags else None))
    return lines


def _multiply(m, n) -> list[float]:
    """The matrix product m × n of two PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


@pytest.mark.e2e
def test_links_are_tagged_described_and_lead_to_their_heading(built):
    from pypdf import PdfReader

    texts = ["".join(page.extract_text().split()) for page in PdfReader(built.pdf).pages]
    with pikepdf.open(built.pdf) as doc:
        pages = {page.obj.objgen: number for number, page in enumerate(doc.pages, start=1)}
        tagged = {
            kid.Obj.objgen
            for element in _elements(doc)
            if element.S == Name.Link
            for kid in _kids(element)
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR
        }
        dests = doc.Root.get("/Dests", Dictionary())
        links = [a for page in doc.pages for a in page.obj.get("/Annots", []) if a.Subtype == Name.Link]
        assert links or built.kind == "factsheet"  # a factsheet has no contents
        for link in links:
            description = str(link.get("/Contents", ""))
            assert description.strip() and link.objgen in tagged
            action = link.get("/A")
            if action is not None and "/URI" in action:  # a file of the open data beside the PDF (relative)
                assert description == str(action.URI) and (built.pdf.parent / description).is_file()
                continue
            target = dests[Name("/" + str(link.Dest).removeprefix("/"))]
            assert "".join(description.split()) in texts[pages[target[0].objgen] - 1]


# ----------------------------------------------------------------------------------------------
# The finishing step on hand-made pages


def _page_pdf(content: bytes, struct: bool = False) -> pikepdf.Pdf:
    """One page with ``content``; with ``struct``, a tree: /H2 (MCID 0, a rule) with a /NonStruct (MCID 1, text),
    a /Figure (MCID 2, paths) inside a wrapping /Figure, and a /Lbl (MCID 3, a drawn bullet)."""
    doc = pikepdf.new()
    doc.add_blank_page()
    page = doc.pages[0]
    page.obj.Contents = doc.make_stream(content)
    if struct:
        page.obj.StructParents = 0
        heading = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.H2, Pg=page.obj))
        text = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.NonStruct, Pg=page.obj, K=1, P=heading))
        heading.K = Array([0, text])
        figure = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Figure, Pg=page.obj, K=2, Alt="Ein Bild"))
        wrapper = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Figure, K=Array([figure])))
        label = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Lbl, Pg=page.obj, K=3))
        parents = Array([heading, text, figure, label])
        root = Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([heading, wrapper, label]),
            ParentTree=Dictionary(Nums=Array([0, parents])),
        )
        doc.Root.StructTreeRoot = doc.make_indirect(root)
    return doc


def _ops(doc: pikepdf.Pdf) -> list[str]:
    return [
        " ".join([*(str(o) for o in i.operands if not isinstance(o, Dictionary)), str(i.operator)])
        for i in pikepdf.parse_content_stream(doc.pages[0])
    ]


def test_unmarked_painting_becomes_artifacts_that_never_span_a_text_object_or_graphics_state():
    content = (
        b"BT /F1 9 Tf (a) Tj ET q 0 0 5 5 re f Q /P <</MCID 0>> BDC BT (b) Tj ET EMC 1 0 0 1 0 0 cm 0 0 1 1 re W n"
    )
    doc = _page_pdf(content)
    mark_artifacts(doc)
    assert _ops(doc) == [
        "BT", "/F1 9 Tf", "/Artifact BMC", "a Tj", "EMC", "ET",
        "q", "/Artifact BMC", "0 0 5 5 re", "f", "EMC", "Q",
        "/P BDC", "BT", "b Tj", "ET", "EMC",
        "1 0 0 1 0 0 cm", "/Artifact BMC", "0 0 1 1 re", "W", "n", "EMC",
    ]  # fmt: skip


def test_a_figure_wrapping_a_figure_becomes_a_group():
    doc = _page_pdf(b"", struct=True)
    group_figure_wrappers(doc)
    heading, wrapper, label = list(doc.Root.StructTreeRoot.K)
    assert wrapper.S == Name.Div and wrapper.K[0].S == Name.Figure and heading.S == Name.H2


def test_a_ligature_span_outside_the_tree_goes_inside_the_artifact():
    doc = _page_pdf(b"BT (a) Tj /Span <</ActualText (ffi)>> BDC (]) Tj EMC (b) Tj ET")
    mark_artifacts(doc)
    assert _ops(doc) == ["BT", "/Artifact BMC", "a Tj", "/Span BDC", "] Tj", "EMC", "b Tj", "EMC", "ET"]


def test_box_decorations_become_artifacts_and_leave_the_tree_but_figures_and_bullets_stay():
    content = (
        b"/H2 <</MCID 0>> BDC 0 0 100 1 re f EMC /NonStruct <</MCID 1>> BDC BT /F1 9 Tf (Titel) Tj ET EMC "
        b"/Figure <</MCID 2>> BDC 0 0 5 5 re f EMC /Lbl <</MCID 3>> BDC 0 0 2 2 re f EMC"
    )
    doc = _page_pdf(content, struct=True)
    mark_artifacts(doc)
    ops = _ops(doc)
    assert ops[:4] == ["/Artifact BMC", "0 0 100 1 re", "f", "EMC"]
    assert "/Figure BDC" in ops and "/Lbl BDC" in ops and "/NonStruct BDC" in ops
    heading, wrapper, label = list(doc.Root.StructTreeRoot.K)
    figure = wrapper.K[0]
    assert heading.K.S == Name.NonStruct  # one kid left, no array (pdfua's UA-14-001 can read it)
    assert figure.K == 2 and label.K == 3
    parents = doc.Root.StructTreeRoot.ParentTree.Nums[1]
    assert parents[0] is None and parents[1].S == Name.NonStruct


def test_finishing_describes_links_and_declares_pdfua_in_xmp():
    doc = _page_pdf(b"BT (x) Tj ET")
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], Dest=Name("/H%C3%B6hepunkte"))
    web = Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], A=Dictionary(S=Name.URI, URI="https://example.org/")
    )
    doc.pages[0].obj.Annots = Array([doc.make_indirect(link), doc.make_indirect(web)])
    info = DocumentInfo(
        title="Bericht „Städte“", author="MPSC-Monitoring", language="de", subject="Welle 2023",
        extra={"MPSCGitCommit": "abc"}, link_texts={"Höhepunkte": "Höhepunkte"},
    )  # fmt: skip
    with pikepdf.open(io.BytesIO(finish_pdf(doc, info))) as finished:
        annotations = list(finished.pages[0].obj.Annots)
        assert [str(a.Contents) for a in annotations] == ["Höhepunkte", "https://example.org/"]
        assert str(finished.docinfo.Title) == "Bericht „Städte“" and str(finished.docinfo.MPSCGitCommit) == "abc"
        assert finished.Root.Lang == "de" and finished.Root.ViewerPreferences.DisplayDocTitle is True
        with finished.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1" and meta["dc:title"] == "Bericht „Städte“"
            assert meta["dc:language"] == {"de"} and meta["dc:description"] == "Welle 2023"
