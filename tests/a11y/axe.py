"""Run axe-core (tests/a11y/node_modules) on an HTML document in the system Chromium, through Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"

#: The rule sets audited: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    """The system Chromium, as the PDF exporter finds it."""
    return os.environ.get("MPSC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


async def _audit(html_path: Path, width: int, height: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        try:
            # The report's CSP forbids scripts; the audit alone may bypass it to inject axe.
            context = await browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
            page = await context.new_page()
            await page.goto(html_path.resolve().as_uri(), wait_until="load")
            await page.add_script_tag(path=str(AXE_JS))
            return await page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                WCAG_TAGS,
            )
        finally:
            await browser.close()


def audit(html_path: Path, width: int = 1280, height: int = 900) -> dict:
    """Return axe's results (``violations`` …) for the HTML file at the given viewport."""
    return asyncio.run(_audit(html_path, width, height))


def describe(violations: list[dict]) -> str:
    """Readable list of violations: impact, rule, help, and up to three offending elements."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s)) {v['helpUrl']}")
        for node in v["nodes"][:3]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)
