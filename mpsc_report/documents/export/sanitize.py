"""The safety net of the publication HTML: an allow-list sanitiser (nh3, Rust's ammonia) over the page's body.

Blocks escape every text they show (:func:`~mpsc_report.documents.blocks.escape_text`); this module is the second
line for whatever a producer lets through. Only the elements and attributes our template, blocks and Markdown cells
produce survive; links may only point inside the page (``#…``), images only be ``data:image/…`` URLs, and a ``style``
attribute may not fetch anything. The page's ``<head>`` (template, escaped) and its Content-Security-Policy are
not touched; the PDF's browser lock-down (:mod:`.printer`) holds even without this module.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import nh3

__all__ = ["sanitize_body", "sanitize_fragment"]

#: Elements of the report's body: the lab template's cell wrappers, our blocks, what Markdown cells produce.
_HTML_ELEMENTS = {
    *("a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
    *("dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark"),
    *("nav", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup"),
    *("table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"),
}

#: Elements of an inline SVG image as matplotlib writes it (a chart displayed as ``image/svg+xml``).
_SVG_ELEMENTS = {
    *("svg", "g", "defs", "clipPath", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon"),
    *("text", "tspan", "use", "title", "desc", "linearGradient", "radialGradient", "stop", "pattern", "mask"),
}

#: Attributes allowed on every element (``aria-*`` and ``data-*`` too, see :data:`_ATTRIBUTE_PREFIXES`).
_GENERIC_ATTRIBUTES = {"class", "id", "lang", "dir", "title", "role", "tabindex", "hidden", "style"}
_ATTRIBUTE_PREFIXES = {"aria-", "data-"}

#: Attributes of particular elements.
_ELEMENT_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    **dict.fromkeys(
        _SVG_ELEMENTS,
        {
            *("xmlns", "xmlns:xlink", "version", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2"),
            *("cx", "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule"),
            *("stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-dasharray"),
            *("stroke-miterlimit", "opacity", "clip-path", "clip-rule", "mask", "font-family", "font-size"),
            *("font-weight", "font-style", "text-anchor", "dominant-baseline", "offset", "stop-color"),
            *("stop-opacity", "gradientUnits", "gradientTransform", "patternUnits", "preserveAspectRatio"),
            *("href", "xlink:href"),
        },
    ),
}

#: Removed together with everything inside them: they run, load, submit or style something.
_REMOVED_WITH_CONTENT = {
    *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "form"),
    *("noscript", "template", "textarea", "select", "button", "math", "noembed", "noframes", "xmp"),
}

#: Attributes holding a URL: allowed only as an in-page link or a data: image (see :func:`_keep_attribute`).
_URL_ATTRIBUTES = {"href", "xlink:href", "src", "cite"}
_DATA_IMAGE = re.compile(r"^\s*data:image/", re.IGNORECASE)
_CSS_FETCH = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(", re.IGNORECASE)
#: SVG attributes that may name a paint server, clip path or mask: only ``url(#id)``, inside the page.
_SVG_REFERENCES = {"fill", "stroke", "clip-path", "mask"}
_LOCAL_REFERENCE = re.compile(r"^\s*url\(\s*#[\w.:-]+\s*\)\s*$")

_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def sanitize_body(page: str) -> tuple[str, list[str]]:
    """Sanitise the ``<body>`` of a whole HTML page; the head (and the body's own tag) are kept as they are.

    Parameters
    ----------
    page : str
        A page as the report template writes it.

    Returns
    -------
    tuple of (str, list of str)
        The page, and what was removed (see :func:`sanitize_fragment`).
    """
    opening = _BODY.search(page)
    closing = page.lower().rfind("</body>")
    if opening is None or closing < opening.end():
        return sanitize_fragment(page)
    body, removed = sanitize_fragment(page[opening.end() : closing])
    return page[: opening.end()] + body + page[closing:], removed


def sanitize_fragment(fragment: str) -> tuple[str, list[str]]:
    """Keep only allowed elements and attributes of an HTML fragment.

    Returns
    -------
    tuple of (str, list of str)
        The clean fragment, and one line per removal: ``"<script>"`` for an element,
        ``"onclick on <a>"`` for an attribute, ``"src='http://…' on <img>"`` for a refused URL.
    """
    clean = nh3.clean(
        fragment,
        tags=_HTML_ELEMENTS | _SVG_ELEMENTS,
        clean_content_tags=_REMOVED_WITH_CONTENT,
        attributes={"*": _GENERIC_ATTRIBUTES, **_ELEMENT_ATTRIBUTES},
        generic_attribute_prefixes=_ATTRIBUTE_PREFIXES,
        attribute_filter=_keep_attribute,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=False,
    )
    return clean, _removed(_inventory(fragment), _inventory(clean))


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3's last word on an allowed attribute: URLs only inside the page or as data: images; styles fetch nothing."""
    if attribute in _URL_ATTRIBUTES:
        if element == "img" and attribute == "src":
            return value if _DATA_IMAGE.match(value) else None
        return value if attribute in ("href", "xlink:href") and value.startswith("#") else None
    if attribute == "style" and _CSS_FETCH.search(value):
        return None
    if attribute in _SVG_REFERENCES and "url(" in value.lower() and not _LOCAL_REFERENCE.match(value):
        return None
    return value


class _Inventory(HTMLParser):
    """Every start tag and every (element, attribute, value) of a fragment, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[tag] += 1
        for name, value in attrs:
            if not name.startswith("xmlns"):  # namespace declarations: the parser's business, not content
                self.attributes[tag, name, value or ""] += 1


def _inventory(markup: str) -> _Inventory:
    inventory = _Inventory()
    inventory.feed(markup)
    inventory.close()
    return inventory


def _removed(before: _Inventory, after: _Inventory) -> list[str]:
    """What the sanitiser took out: elements that are gone, and attributes gone from elements that stayed."""
    gone = before.elements - after.elements
    removed = [f"<{element}>" for element, count in gone.items() for _ in range(count)]
    allowed = {name.lower() for name in _HTML_ELEMENTS | _SVG_ELEMENTS}
    for (element, name, value), count in (before.attributes - after.attributes).items():
        if element not in allowed:
            continue
        described = f"{name}={value[:60]!r}" if name in _URL_ATTRIBUTES | _SVG_REFERENCES | {"style"} else name
        removed += [f"{described} on <{element}>"] * count
    return removed
