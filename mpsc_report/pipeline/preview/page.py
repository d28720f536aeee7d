"""The served page: the published HTML with a small preview bar and one reload script, allowed by its CSP hash.

The document part is exactly what a build publishes (:func:`~mpsc_report.documents.export.export_html`), with its
Content-Security-Policy. The preview adds, and only here: a bar at the top (status, the PDF link), the panel of the
latest problem (the last good page stays below it), and the reload script, the page's only script. The policy is
widened by exactly two sources: ``script-src`` with the SHA-256 hash of that script (no other script, inline or
not, may run) and ``connect-src 'self'`` for its reload channel. Every text the preview adds is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass

from .render import Problem

#: The reload channel (Server-Sent Events): the page's only connection.
EVENTS_PATH = "/_preview/events"

#: The page's only script. It listens to the reload channel, reloads the page when a newer version is published,
#: shows status messages in the bar, and opens the PDF on the key "p". It writes text only (``textContent``).
RELOAD_SCRIPT = """
(function () {
  "use strict";
  var script = document.currentScript;
  var status = document.getElementById("mpsc-preview-status");
  var events = new EventSource("/_preview/events");
  function say(text) { if (status) { status.textContent = text; } }
  events.addEventListener("version", function (event) {
    if (event.data !== script.dataset.version) { window.location.reload(); }
  });
  events.addEventListener("status", function (event) { say(event.data); });
  events.addEventListener("error", function () { say("Not connected to the preview (stopped?); retrying \\u2026"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "p" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      window.location.href = script.dataset.pdf;
    }
  });
})();
"""

#: ``'sha256-…'``: the CSP source that allows :data:`RELOAD_SCRIPT` and nothing else.
SCRIPT_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(RELOAD_SCRIPT.encode("utf-8")).digest()).decode() + "'"

#: The published page's policy (documents/templates/mpsc_report/index.html.j2), used when a page lacks one.
_PUBLISHED_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

#: Sent as a header only (a ``<meta>`` policy cannot carry them): no framing, no <base>, no form posts.
_HEADER_ONLY = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([A-Za-z-]+)\s*=\s*"([^"]*)"')
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)

#: The bar's and the panel's look; hidden in print. Inline styles are what the published policy allows.
_STYLE = """
.mpsc-preview{position:sticky;top:0;z-index:1000;font:14px/1.4 'Open Sans',system-ui,sans-serif;
  background:#1f2a37;color:#fff;padding:6px 16px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
.mpsc-preview a{color:#ffd166}
.mpsc-preview-problem{font:14px/1.45 'Open Sans',system-ui,sans-serif;background:#fdecea;color:#5f1414;
  border:2px solid #b3261e;margin:12px;padding:12px 16px;white-space:normal}
.mpsc-preview-problem h2{margin:0 0 6px;font-size:17px;color:#8f1d1d}
.mpsc-preview-problem pre{white-space:pre-wrap;background:#fff;border:1px solid #e5b8b5;padding:8px;margin:6px 0;
  font:12.5px/1.4 ui-monospace,monospace;color:#2b0b0b;overflow-x:auto}
@media print{.mpsc-preview,.mpsc-preview-problem{display:none}}
"""


def page_policy(published: str = _PUBLISHED_CSP) -> str:
    """The preview page's Content-Security-Policy: the published one plus the reload script's hash and channel."""
    return f"{published.strip().rstrip(';')}; script-src {SCRIPT_HASH}; connect-src 'self'"


def header_policy(published: str = _PUBLISHED_CSP) -> str:
    """The policy sent as an HTTP header: :func:`page_policy` and what only a header can say."""
    return f"{page_policy(published)}; {_HEADER_ONLY}"


@dataclass(frozen=True)
class Bar:
    """What the preview bar says."""

    name: str
    status: str
    pdf_path: str
    version: int


def compose(published: str | None, bar: Bar, problem: Problem | None = None, note: str = "") -> str:
    """The page to serve: ``published`` (or a placeholder) with the bar, the problem panel and the reload script.

    Parameters
    ----------
    published : str or None
        The last good publication HTML, or ``None`` before the first good render.
    bar : Bar
        Status line, PDF link and the version the reload script compares with.
    problem : Problem, optional
        The latest render's problem, shown above the last good page.
    note : str
        A line under the problem (e.g. which render the page below is).

    Returns
    -------
    str
        The page.
    """
    if published is None:
        published = _placeholder(bar.name)
    page, widened = _widen_policies(published)
    if not widened:  # fail closed: a page without a policy gets the published one
        page = page.replace("<head>", "<head>\n" + _csp_meta(page_policy()), 1)
    page = page.replace("</head>", f"<style>{_STYLE}</style>\n</head>", 1)
    body = _BODY_OPEN.search(page)
    insert_at = body.end() if body is not None else 0
    top = _bar_html(bar) + (_problem_html(problem, note) if problem is not None else "")
    page = page[:insert_at] + top + page[insert_at:]
    script = f'<script data-version="{bar.version}" data-pdf="{html.escape(bar.pdf_path)}">{RELOAD_SCRIPT}</script>\n'
    end = page.lower().rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script


def _widen_policies(page: str) -> tuple[str, int]:
    """Add the reload script's hash and channel to every ``<meta>`` policy of the head; returns page and count."""
    head_end = page.lower().find("</head>")
    head, rest = (page[:head_end], page[head_end:]) if head_end >= 0 else ("", page)
    count = 0

    def widen(match: re.Match[str]) -> str:
        nonlocal count
        attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(match[0])}
        if attributes.get("http-equiv", "").lower() != "content-security-policy":
            return match[0]
        count += 1
        return _csp_meta(page_policy(html.unescape(attributes.get("content", ""))))

    return _META.sub(widen, head) + rest, count


def _csp_meta(policy: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'


def _bar_html(bar: Bar) -> str:
    e = html.escape
    return (
        f'<div class="mpsc-preview" role="region" aria-label="Preview">'
        f"<strong>Preview · {e(bar.name)}</strong>"
        f'<span id="mpsc-preview-status" role="status" aria-live="polite">{e(bar.status)}</span>'
        f'<a href="{e(bar.pdf_path)}">PDF of this state</a> <span>(key p)</span></div>\n'
    )


def _problem_html(problem: Problem, note: str) -> str:
    e = html.escape
    parts = [
        '<section class="mpsc-preview-problem" role="alert">',
        f"<h2>{e(problem.title)}</h2>",
        f"<pre>{e(problem.message)}</pre>",
    ]
    if problem.source:
        where = f"Cell {problem.cell}" if problem.cell is not None else "The cell"
        parts.append(f"<p>{e(where)} begins:</p><pre>{e(problem.source)}</pre>")
    if problem.details:
        parts.append(f"<details><summary>Details</summary><pre>{e(problem.details)}</pre></details>")
    if note:
        parts.append(f"<p>{e(note)}</p>")
    parts.append("</section>\n")
    return "".join(parts)


def _placeholder(name: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{_csp_meta(_PUBLISHED_CSP)}\n"
        f"<title>Preview · {html.escape(name)}</title>\n</head>\n<body>\n</body>\n</html>\n"
    )
