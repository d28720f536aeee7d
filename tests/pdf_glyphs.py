"""Which characters a PDF really draws with a glyph, read from its embedded fonts (fontTools) and content streams.

Chromium writes text as glyph ids of embedded subsets (Type 0 fonts, Identity-H) or, for colour emoji, as codes of
Type 3 fonts. A character no font had is drawn as glyph 0 (``.notdef``, the empty box) of the first font, and its
ToUnicode map does not name it — so the content streams are read, not only the maps.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass
class Glyphs:
    """What a PDF draws: ``drawn`` characters (from glyphs that exist) and ``boxes`` (font, glyph id, text after)."""

    drawn: set[str] = field(default_factory=set)
    boxes: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class _Font:
    name: str
    to_unicode: dict[int, str]
    two_bytes: bool
    exists: set[int] | None  # glyph ids / codes that have a glyph; None: every id below ``count``
    count: int


def drawn_glyphs(path: str) -> Glyphs:
    """Every glyph the PDF at ``path`` shows, checked against the embedded font programs."""
    reader = PdfReader(path)
    found = Glyphs()
    fonts: dict[int, _Font] = {}
    for page in reader.pages:
        _walk(page.get_contents(), page.get("/Resources"), reader, fonts, found)
    return found


def _walk(contents, resources, reader, fonts, found) -> None:
    if contents is None:
        return
    resources = resources.get_object() if resources is not None else {}
    font_refs = resources.get("/Font") or {}
    forms = resources.get("/XObject") or {}
    current = None
    pending: list[tuple[_Font, int]] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"Tf":
            ref = font_refs[operands[0]]
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key not in fonts:
                fonts[key] = _read_font(ref.get_object())
            current = fonts[key]
        elif operator in (b"Tj", b"'", b'"', b"TJ") and current is not None:
            strings = operands[0] if operator == b"TJ" else operands[-1:]
            for item in strings:
                if isinstance(item, (bytes, str)) or hasattr(item, "original_bytes"):
                    data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item, "latin-1")
                    step = 2 if current.two_bytes else 1
                    pending += [(current, int.from_bytes(data[i : i + step], "big")) for i in range(0, len(data), step)]
        elif operator == b"Do":
            form = forms[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                _walk(form, form.get("/Resources"), reader, fonts, found)
    for index, (font, code) in enumerate(pending):
        has_glyph = code != 0 if font.exists is None else code in font.exists
        if font.exists is None:
            has_glyph = has_glyph and code < font.count
        if has_glyph:
            found.drawn.update(font.to_unicode.get(code, ""))
        else:
            after = "".join(f.to_unicode.get(c, "") for f, c in pending[index + 1 : index + 12])
            found.boxes.append((font.name, code, after))


def _read_font(font) -> _Font:
    to_unicode = _to_unicode(font["/ToUnicode"].get_object().get_data()) if "/ToUnicode" in font else {}
    name = str(font.get("/BaseFont", "Type3"))
    if font["/Subtype"] == "/Type0":
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
        count = TTFont(io.BytesIO(program.get_object().get_data()))["maxp"].numGlyphs if program else 0
        return _Font(name, to_unicode, True, None, count)
    if font["/Subtype"] == "/Type3":
        procs = font["/CharProcs"]
        names, code = {}, 0
        for item in font["/Encoding"].get_object()["/Differences"]:
            if isinstance(item, int):
                code = item
            else:
                names[code] = item
                code += 1
        exists = {c for c, n in names.items() if n in procs and procs[n].get_object().get_data().strip()}
        return _Font(name, to_unicode, False, exists, 256)
    raise AssertionError(f"unexpected font type {font['/Subtype']} ({name})")


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", "surrogatepass")


#: One bfrange entry: first code, last code, first target (or an array of targets).
_RANGE = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])"


def _to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap as code -> text (bfchar and bfrange entries)."""
    pairs: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            pairs[int(source, 16)] = _utf16(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            low_code, high_code = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for offset, each in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", target)):
                    pairs[low_code + offset] = _utf16(each)
            else:
                start = bytes.fromhex(target[1:-1].decode())
                for offset in range(high_code - low_code + 1):
                    value = int.from_bytes(start, "big") + offset
                    pairs[low_code + offset] = value.to_bytes(len(start), "big").decode("utf-16-be", "surrogatepass")
    return pairs
