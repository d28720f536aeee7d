"""Chromium's tagged PDF made PDF/UA-1: artifacts, link descriptions, document information and XMP, bookmarks.

Chromium tags what the page's accessibility tree holds and leaves the rest unmarked: the running header and footer,
page backgrounds and CSS-generated marks (quotation marks, dashes). It also marks an element's own borders and
backgrounds as part of the element (the rule under a chapter heading belongs to its ``/H2``), and tags an HTML
``<figure>`` as a ``/Figure`` around the chart's ``/Figure``. PDF/UA-1 (ISO 14289-1, 7.1) wants every piece of page
content to be either real content in the structure tree or an artifact, and every figure to have alt text, so:

- a ``/Figure`` that holds another ``/Figure`` becomes a ``/Div``: it groups the chart with its ``/Caption``;
- every painting operator outside a marked-content sequence is wrapped in ``/Artifact BMC … EMC``;
- a marked-content sequence that paints neither text nor an image and belongs to an element other than a
  ``/Figure`` (whose vector paths are the chart) or a list label ``/Lbl`` (a drawn bullet) is a box decoration:
  it becomes an artifact and leaves the element's ``/K`` and the parent tree.

Then each link annotation gets a ``/Contents`` description, and the document its information, its language,
``/DisplayDocTitle`` and an XMP packet stating PDF/UA-1 conformance (``pdfuaid:part = 1``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String

from .contents import squeeze
from .printer import DOCUMENT_URL

__all__ = ["DocumentInfo", "finish_pdf", "group_figure_wrappers", "mark_artifacts"]

#: Operators that show text (ISO 32000-1, table 107).
_TEXT = frozenset({"Tj", "TJ", "'", '"'})
#: Operators that paint an image or a form, or a shading.
_IMAGE = frozenset({"Do", "sh"})
#: Operators that start a path object (``l``, ``c`` … only continue one).
_PATH_START = frozenset({"m", "re"})
#: Operators that paint a path; ``n`` ends a path without painting it (a clip).
_PATH_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"})
_PATH_END = _PATH_PAINT | {"n"}
#: Operators before which an artifact sequence opens when they occur outside any marked sequence.
_STARTS_CONTENT = _PATH_START | _TEXT | _IMAGE
#: Operators an artifact sequence is closed before, so it never spans a graphics-state or text-object boundary.
_BOUNDARIES = frozenset({"q", "Q", "BT", "ET"})
#: Roles whose own path-only content is real content: a chart drawn as vectors, a drawn list bullet.
_PAINTED_CONTENT_ROLES = frozenset({"/Figure", "/Lbl"})

_BEGIN = pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC"))
_END = pikepdf.ContentStreamInstruction([], Operator("EMC"))


@dataclass(frozen=True)
class DocumentInfo:
    """What :func:`finish_pdf` writes into a PDF besides the tags.

    Attributes
    ----------
    title, author, language : str
        Document title (also ``dc:title``), author and BCP-47 language.
    subject : str
        ``"Welle 2023"`` or ``""``.
    keywords : str
        ``/Keywords`` (``pdf:Keywords`` in XMP), or ``""``.
    extra : Mapping[str, str]
        Further document-information entries (``/MPSCGitCommit`` …), keys without the slash.
    headings : tuple of str
        Heading texts as written: a bookmark that differs from one only in white space gets it back.
    link_texts : Mapping[str, str]
        In-page link target id -> text describing the link (``/Contents`` of its annotation).
    """

    title: str
    author: str
    language: str
    subject: str = ""
    keywords: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    headings: tuple[str, ...] = ()
    link_texts: Mapping[str, str] = field(default_factory=dict)


def finish_pdf(doc: pikepdf.Pdf, info: DocumentInfo) -> bytes:
    """Chromium's tagged PDF with artifacts, link descriptions, document information, XMP and repaired bookmarks.

    Parameters
    ----------
    doc : pikepdf.Pdf
        A tagged PDF printed by Chromium (``page.pdf(tagged=True, outline=True)``), open; it is changed.
    info : DocumentInfo
        Title, language, provenance, the heading texts and the links' descriptions.

    Returns
    -------
    bytes
        The finished PDF (PDF 1.7, file identifier derived from its content).
    """
    group_figure_wrappers(doc)
    mark_artifacts(doc)
    _describe_links(doc, info.link_texts)
    _set_document_info(doc, info)
    _repair_bookmark_titles(doc, {squeeze(h): h for h in info.headings})
    buffer = io.BytesIO()
    doc.save(buffer, min_version="1.7", deterministic_id=True)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------
# Figures


def group_figure_wrappers(doc: pikepdf.Pdf) -> None:
    """A ``/Figure`` holding another ``/Figure`` becomes a ``/Div`` (in place).

    Chromium tags both the HTML ``<figure>`` and the chart ``<img>`` in it as figures; only the image has alt
    text. The wrapper groups the chart with its caption, as ``<figure>`` does in the HTML, so it is a group.
    """
    root = doc.Root.get("/StructTreeRoot")
    pending = _struct_kids(root) if root is not None else []
    while pending:
        element = pending.pop()
        kids = _struct_kids(element)
        if element.get("/S") == Name.Figure and "/Alt" not in element and _holds_figure(kids):
            element.S = Name.Div
        pending.extend(kids)


def _struct_kids(node) -> list[Dictionary]:
    kids = node.get("/K")
    kids = kids if isinstance(kids, Array) else [kids]
    return [kid for kid in kids if isinstance(kid, Dictionary) and "/S" in kid]


def _holds_figure(kids: list[Dictionary]) -> bool:
    return any(kid.S == Name.Figure or _holds_figure(_struct_kids(kid)) for kid in kids)


# ----------------------------------------------------------------------------------------------
# Artifacts


def mark_artifacts(doc: pikepdf.Pdf) -> None:
    """Wrap untagged content in ``/Artifact`` sequences and turn box decorations into artifacts (in place)."""
    parent_tree = _parent_tree(doc.Root.get("/StructTreeRoot"))
    for page in doc.pages:
        instructions = pikepdf.parse_content_stream(page)
        operators = [None if isinstance(i, pikepdf.ContentStreamInlineImage) else str(i.operator) for i in instructions]
        owners = parent_tree.get(int(page.obj.get("/StructParents", -1)), ())
        decorations = _decorations(instructions, operators, owners)
        for mcid in decorations:
            _drop_mcid(owners[mcid], mcid, page.obj)
            owners[mcid] = None
        marked = _with_artifacts(instructions, operators, decorations)
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(marked))


def _parent_tree(struct_root) -> dict[int, Array]:
    """``/StructParents`` key -> the page's array of owning elements, indexed by MCID (live, editable)."""
    if struct_root is None or "/ParentTree" not in struct_root:
        return {}
    found: dict[int, Array] = {}
    pending = [struct_root.ParentTree]
    while pending:
        node = pending.pop()
        nums = node.get("/Nums", ())
        for index in range(0, len(nums) - 1, 2):
            if isinstance(nums[index + 1], Array):
                found[int(nums[index])] = nums[index + 1]
        pending.extend(node.get("/Kids", ()))
    return found


def _mcid(instruction) -> int | None:
    """The ``/MCID`` of a ``BDC`` instruction, else None."""
    properties = instruction.operands[-1] if instruction.operands else None
    if isinstance(properties, Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None


def _decorations(instructions: list, operators: list, owners) -> set[int]:
    """MCIDs of marked sequences that paint paths only and belong to an element whose paths are not its content."""
    painted: dict[int, set[str]] = {}
    open_mcids: list[int] = []  # -1 for a sequence without MCID
    for instruction, op in zip(instructions, operators, strict=True):
        kind = None
        if op is None:
            kind = "image"
        elif op == "BDC" or op == "BMC":
            mcid = _mcid(instruction) if op == "BDC" else None
            open_mcids.append(-1 if mcid is None else mcid)
            if mcid is not None:
                painted.setdefault(mcid, set())
        elif op == "EMC":
            if open_mcids:
                open_mcids.pop()
        elif op in _TEXT:
            kind = "text"
        elif op in _IMAGE:
            kind = "image"
        elif op in _PATH_PAINT:
            kind = "path"
        if kind is not None:
            for mcid in open_mcids:
                if mcid >= 0:
                    painted[mcid].add(kind)
    decorations = set()
    for mcid, kinds in painted.items():
        owner = owners[mcid] if mcid < len(owners) else None
        if kinds == {"path"} and isinstance(owner, Dictionary) and str(owner.get("/S")) not in _PAINTED_CONTENT_ROLES:
            decorations.add(mcid)
    return decorations


def _drop_mcid(element: Dictionary, mcid: int, page: Dictionary) -> None:
    """Remove the marked-content reference ``mcid`` (on ``page``) from ``element``'s ``/K``."""

    def refers(kid) -> bool:
        if isinstance(kid, int) and not isinstance(kid, bool):
            return int(kid) == mcid
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
            return int(kid.MCID) == mcid and kid.get("/Pg", element.get("/Pg")) == page
        return False

    kids = element.get("/K")
    remaining = [kid for kid in (kids if isinstance(kids, Array) else [kids]) if not refers(kid)]
    if not remaining:
        del element["/K"]
    elif len(remaining) == 1:
        element.K = remaining[0]
    else:
        element.K = Array(remaining)


def _with_artifacts(instructions: list, operators: list, decorations: set[int]) -> list:
    """The instructions with decorations re-marked as artifacts and unmarked painting wrapped in artifacts.

    An artifact sequence opens lazily before the first painting operator outside any tagged sequence and closes
    before the next tagged sequence, ``q``/``Q`` or ``BT``/``ET``, so it nests properly with everything around it.
    A marked sequence without an MCID (Skia's ``/Span <</ActualText (ffi)>>`` around a ligature in the footer) is
    not in the structure tree: it goes inside the artifact.
    """
    out: list = []
    depth, in_path, artifact = 0, False, False
    for instruction, op in zip(instructions, operators, strict=True):
        if op == "BDC" or op == "BMC":
            mcid = _mcid(instruction) if op == "BDC" else None
            if depth == 0:
                if mcid is not None or instruction.operands[0] == Name.Artifact:
                    if artifact:
                        out.append(_END)
                        artifact = False
                elif not artifact:
                    out.append(_BEGIN)
                    artifact = True
            depth += 1
            if mcid is not None and mcid in decorations:
                instruction = _BEGIN
        elif op == "EMC":
            depth = max(0, depth - 1)
        elif depth == 0:
            if op in _BOUNDARIES:
                if artifact and not in_path:
                    out.append(_END)
                    artifact = False
            elif not artifact and (op is None or op in _STARTS_CONTENT):
                out.append(_BEGIN)
                artifact = True
        if op in _PATH_START:
            in_path = True
        elif op in _PATH_END:
            in_path = False
        out.append(instruction)
    if artifact:
        out.append(_END)
    return out


# ----------------------------------------------------------------------------------------------
# Links, document information, bookmarks


def _describe_links(doc: pikepdf.Pdf, link_texts: Mapping[str, str]) -> None:
    """Give every link annotation a ``/Contents`` description: its target's text, or its URL."""
    for page in doc.pages:
        for annotation in page.obj.get("/Annots", ()):
            if annotation.get("/Subtype") != Name.Link or str(annotation.get("/Contents", "")).strip():
                continue
            destination, action = annotation.get("/Dest"), annotation.get("/A")
            description = None
            if isinstance(destination, (Name, String)):
                target = str(destination).removeprefix("/")
                description = link_texts.get(target) or link_texts.get(unquote(target))
            elif isinstance(action, Dictionary) and "/URI" in action:
                description = _relative_to_document(str(action.URI))
                action.URI = String(description)
            if description:
                annotation.Contents = String(description)


def _relative_to_document(uri: str) -> str:
    """A link to a file beside the document (the open data) relative again, so it works in the output folder.

    The page is printed from :data:`~.printer.DOCUMENT_URL`, so Chromium writes ``halftime_review.xlsx`` as
    ``https://report.invalid/halftime_review.xlsx``; any other URL stays as it is.
    """
    base = DOCUMENT_URL.rsplit("/", 1)[0] + "/"
    return uri.removeprefix(base) if uri.startswith(base) else uri


def _set_document_info(doc: pikepdf.Pdf, info: DocumentInfo) -> None:
    entries = {"Title": info.title, "Author": info.author, "Creator": "mpsc-report"}
    if info.subject:
        entries["Subject"] = info.subject
    if info.keywords:
        entries["Keywords"] = info.keywords
    for key, value in entries.items():
        doc.docinfo[Name("/" + key)] = String(value)
    with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta.load_from_docinfo(doc.docinfo)
        meta["dc:language"] = [info.language]
        meta["pdfuaid:part"] = "1"
    for key, value in info.extra.items():  # after the XMP: they have no XMP property
        doc.docinfo[Name("/" + key)] = String(value)
    doc.Root.Lang = String(info.language)
    preferences = doc.Root.get("/ViewerPreferences")
    if not isinstance(preferences, Dictionary):
        preferences = doc.Root.ViewerPreferences = Dictionary()
    preferences.DisplayDocTitle = True


def _repair_bookmark_titles(doc: pikepdf.Pdf, written: dict[str, str]) -> None:
    """A bookmark whose title differs from a written heading only in white space gets the written text."""
    with doc.open_outline() as outline:
        pending = list(outline.root)
        while pending:
            item = pending.pop()
            proper = written.get(squeeze(item.title))
            if proper is not None and proper != item.title:
                item.title = proper
            pending.extend(item.children)
