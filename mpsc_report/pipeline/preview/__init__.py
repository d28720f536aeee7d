"""Live preview of one document: ``mpsc-report preview`` serves it on 127.0.0.1 and updates it on every change.

``watch`` (what changed: notebook, params, data, package or templates), ``kernel`` (the kept-warm kernel and its
reset between runs), ``render`` (run the code or only re-render the Markdown; errors named by cell), ``page`` (the
published HTML plus the preview bar and the one reload script, allowed by its CSP hash), ``server`` (the page, its
reload channel and the PDF; nothing else) and ``session`` (the loop that ties them together).
"""

from __future__ import annotations

from .session import PreviewOptions, plan_preview, run_preview

__all__ = ["PreviewOptions", "plan_preview", "run_preview"]
