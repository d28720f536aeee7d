"""Free text neutralised for display (documents/neutralize.py) and the fonts that draw it (glyphs, export/fonts)."""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from mpsc_report.documents import glyphs
from mpsc_report.documents.blocks import Blocks, escape_text
from mpsc_report.documents.export.fonts import FALLBACK_FAMILY, find_font_dir, font_face_css
from mpsc_report.documents.neutralize import MAX_COMBINING_MARKS, neutralize_text

MARK = glyphs.NO_GLYPH_MARK
FLAG_SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("Bürger*innen: 64 % „gut“ – €", "Bürger*innen: 64 % „gut“ – €"),  # German text is untouched
        ("Rechnung \u202eevil.exe\u202c ok", "Rechnung evil.exe ok"),  # right-to-left override removed
        ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069x", "x"),  # every embedding and isolate
        ("a\u200eb\u200fc\u061cd", "a\u200eb\u200fc\u061cd"),  # direction marks stay
        ("NUL\x00 BEL\x07\x08 DEL\x7f", f"NUL{MARK} BEL{MARK} DEL{MARK}"),  # a run of controls: one mark
        ("C1\x80\x9f.", f"C1{MARK}."),
        ("\x1b[31mrot\x1b[0m", f"{MARK}rot{MARK}"),  # ANSI colours
        ("\x1b[2J\x1b[H weiter", f"{MARK} weiter"),  # two sequences in a row: one mark
        ("\x1b]0;Titel\x07danach", f"{MARK}danach"),  # OSC string up to BEL
        ("\x9b1mC1-CSI", f"{MARK}C1-CSI"),
        ("ESC\x1b DEL", f"ESC{MARK} DEL"),  # a lone ESC: the text after it stays
        ("a\r\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h", "a\nb\nc\nd\ne\nf\ng\nh"),  # every line break
        ("Tab\tbleibt", "Tab\tbleibt"),
        ("Null\u200bbreite\u2060\ufeff\u2061", "Nullbreite"),  # invisible characters removed
        ("\u0627\u200c\u0628 \U0001f468\u200d\U0001f469", "\u0627\u200c\u0628 \U0001f468\u200d\U0001f469"),  # joiners
        ("Soft\u00adhyphen", "Soft\u00adhyphen"),
        ("Tags\U000e0041\U000e0042 weg", "Tags weg"),  # hidden ASCII in tag characters
        (f"Flagge {FLAG_SCOTLAND}", f"Flagge {FLAG_SCOTLAND}"),  # tags inside an emoji flag stay
        ("\u2764\ufe0f 1\ufe0f\u20e3 \U0001f44d\U0001f3fd", "\u2764\ufe0f 1\ufe0f\u20e3 \U0001f44d\U0001f3fd"),
        ("e\u0301 a\u0308", "é ä"),  # normal form C
        ("privat \ue000 \U000f0001", f"privat {MARK} {MARK}"),  # private use
        ("Nicht-Zeichen \ufdd0 \uffff", f"Nicht-Zeichen {MARK} {MARK}"),
        ("Tiếng Việt", "Tiếng Việt"),
    ],
)
def test_neutralize_text(given, shown):
    assert neutralize_text(given) == shown


def test_stacked_accents_are_cut_visibly():
    zalgo = "Z" + "\u0301\u0316" * 10 + "algo"
    shown = neutralize_text(zalgo)
    assert shown[0] == "Ź" and shown.endswith(MARK + "algo")  # the first accent composes with the Z
    assert sum(1 for c in shown if unicodedata.combining(c)) == MAX_COMBINING_MARKS
    hebrew = "\u05d1\u05b0\u05bc\u0591"  # a letter with three points: kept whole
    assert neutralize_text(hebrew) == unicodedata.normalize("NFC", hebrew)


def test_no_control_or_direction_override_survives_any_input():
    every = "".join(chr(c) for c in [*range(0x00, 0xA0), *range(0x2000, 0x2070), 0xFEFF, 0xE0041])
    shown = neutralize_text(every)
    assert not [c for c in shown if unicodedata.category(c) == "Cc" and c not in "\t\n"]
    assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff")


@pytest.mark.parametrize(
    "text",
    ["😀", "中文", "한국어", "العربية", "עברית", "नमस्ते", "ภาษาไทย", "བོད", "Ελληνικά", "Кириллица", "✅", "→"],
)
def test_every_script_of_the_corpus_has_a_font(text):
    assert neutralize_text(text) == text  # drawn by a font of the chain, not replaced
    chain = glyphs.font_chain()
    assert all(glyphs.font_for(cluster, chain) is not None for cluster in glyphs.graphemes(text))


def test_a_character_no_font_draws_becomes_the_mark(monkeypatch):
    open_sans = glyphs.font_chain()[:1]
    monkeypatch.setattr(glyphs, "font_chain", lambda *_: open_sans)  # as if no fallback font were installed
    import mpsc_report.documents.neutralize as neutralize  # noqa: PLC0415

    monkeypatch.setattr(neutralize, "font_chain", lambda *_: open_sans)
    assert neutralize_text("Emoji 😀 und 中文.") == f"Emoji {MARK} und {MARK}."


def test_graphemes_keep_marks_emoji_sequences_and_flags_together():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert glyphs.graphemes(f"é{family}🇩🇪a\u0308") == ["é", family, "🇩🇪", "a\u0308"]


def test_escape_text_neutralises_before_escaping_and_shortening():
    assert escape_text("<b>\x1b[31m\u202e</b>") == f"&lt;b&gt;{MARK}&lt;/b&gt;"
    assert escape_text("\x00" * 10 + "x" * 10, limit=5) == MARK + "xxxx … [gekürzt]"


class _Quotes(Blocks):
    class params:  # noqa: N801  (a stand-in for the params model)
        language = "de"
        wave = "2023"


def test_each_quote_and_name_is_its_own_direction_scope():
    answers = pd.DataFrame({"name": ["Ulm\u202e", "Köln"], "text": ["مرحبا 123", "Rechnung \u202eevil.exe"]})
    block = _Quotes().quotes(answers)
    assert block.html.count('<p dir="auto">') == 2 and block.html.count('<footer dir="auto">') == 2
    assert "\u202e" not in block.html and "\u202e" not in block.text
    assert "Rechnung evil.exe" in block.html and "„Rechnung evil.exe“ (Köln)" in block.text


def _faces(css: str) -> list[tuple[str, str, TTFont]]:
    faces = []
    for rule in re.findall(r"@font-face \{(.*?)\n\}", css, re.S):
        family = re.search(r'font-family: "([^"]+)"', rule).group(1)
        ranges = (re.search(r"unicode-range: ([^;]+);", rule) or re.search(r"()", rule)).group(1)
        data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", rule).group(1)
        faces.append((family, ranges, TTFont(io.BytesIO(base64.b64decode(data)))))
    return faces


def test_html_fonts_embed_subsets_of_only_the_fallback_glyphs_used():
    folder = find_font_dir("")
    plain = font_face_css(folder, "Nur deutscher Text: Größe 1.043 €")
    assert [f for f, *_ in _faces(plain)] == ["Open Sans"] * 3
    text = "Emoji 😀 ❤️, 中文 한국어, العربية, Ελληνικά"
    faces = _faces(font_face_css(folder, text))
    fallback = [(ranges, font) for family, ranges, font in faces if family == FALLBACK_FAMILY]
    names = {font["name"].getDebugName(1) for _, font in fallback}
    assert {"Noto Color Emoji", "WenQuanYi Micro Hei", "Noto Sans Arabic"} <= names
    drawn = set().union(*(set(font.getBestCmap()) for _, font in fallback))
    drawn |= set(faces[0][2].getBestCmap())  # Open Sans: Greek joins the Latin subset
    assert {ord(c) for c in text if not glyphs.is_default_ignorable(c)} <= drawn
    cjk = next(font for _, font in fallback if font["name"].getDebugName(1) == "WenQuanYi Micro Hei")
    assert len(cjk.getBestCmap()) < 20  # five characters, not the 34 600 of the font
    assert all("U+" in ranges for ranges, _ in fallback)


def test_fallback_chain_lists_the_debian_packages_make_sh_installs():
    make_sh = (Path(__file__).resolve().parents[1] / "make.sh").read_text(encoding="utf-8")
    for package, _ in glyphs.FALLBACK_FONTS:
        assert package in make_sh, package
