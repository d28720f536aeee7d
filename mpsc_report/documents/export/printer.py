"""The locked-down Chromium that prints PDFs, and the session that keeps one open for every PDF of a worker.

JavaScript is off, each document is served from a fake web origin (a web page cannot load ``file://`` URLs) and
every request but the document itself is aborted and recorded.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...errors import EnvironmentProblem

__all__ = [
    "DOCUMENT_URL",
    "ChromiumPrinter",
    "LoadedDocument",
    "PrintResult",
    "PrinterSession",
    "close_printer_session",
    "open_printer_session",
]

#: The fake web origin the PDF is printed from. A web page cannot load ``file://`` URLs, and
#: nothing but this one document is served.
DOCUMENT_URL = "https://report.invalid/report.html"

#: Chromium flags besides headless mode: no GPU, no background traffic, updates or first-run UI.
#: ``--font-render-hinting=none``: the headless shell (Debian ``chromium-headless-shell``, the default) otherwise
#: rounds glyph advances to whole pixels and breaks lines elsewhere; with it, text is laid out with subpixel
#: positions as the full browser does, and the pages of both are identical.
CHROMIUM_ARGS = (
    "--font-render-hinting=none",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)

#: ``nodeType`` of a text node in the DevTools DOM interface.
_TEXT_NODE = 3

#: Chromium's console message when a page asks for a local file.
_LOCAL_RESOURCE_REFUSED = "Not allowed to load local resource:"


@dataclass(frozen=True)
class PrintResult:
    """One printed document: the PDF and every request Chromium tried beyond the document."""

    pdf: bytes
    blocked: tuple[str, ...]


class ChromiumPrinter:
    """A headless system Chromium, locked down, that prints HTML documents to PDF.

    JavaScript is off; each document gets a fresh browser context and is served as
    :data:`DOCUMENT_URL`; every other request is aborted and recorded. One printer can print
    many documents::

        async with ChromiumPrinter("/usr/bin/chromium", args) as printer:
            result = await printer.print_pdf(html, format="A4")

    Parameters
    ----------
    executable : str
        Path of the Chromium binary.
    args : sequence of str
        Command-line flags.
    load_timeout : float
        Seconds Chromium may take to start, and a document to load.
    """

    def __init__(self, executable: str, args=(), load_timeout: float = 30.0):
        self.executable = executable
        self.args = list(args)
        self.load_timeout = load_timeout
        self._playwright = None
        self._browser = None

    async def __aenter__(self) -> ChromiumPrinter:
        try:
            from playwright.async_api import async_playwright  # noqa: PLC0415  (PDF only)
        except ModuleNotFoundError as exc:
            raise EnvironmentProblem(
                "Playwright is not installed; install the dependencies (nbconvert[webpdf])."
            ) from exc
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable,
                headless=True,
                args=self.args,
                timeout=self.load_timeout * 1000,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except BaseException as exc:
            await self.close()
            if not isinstance(exc, Exception):  # cancelled by the export timeout, or interrupted
                raise
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EnvironmentProblem(
                f"Chromium at {self.executable} could not be started ({first_line}); "
                "install or repair the Debian package: apt-get install chromium-headless-shell"
            ) from exc
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the browser and stop Playwright (also after a timeout or an error)."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                await asyncio.wait_for(browser.close(), 15)
        finally:
            if playwright is not None:
                await asyncio.wait_for(playwright.stop(), 15)

    async def print_pdf(self, html: str, **pdf_options: Any) -> PrintResult:
        """Print one HTML document; ``pdf_options`` go to Playwright's ``page.pdf``.

        Returns
        -------
        PrintResult
            The PDF and the URLs of all blocked requests (in order, without repeats).
        """
        async with self.open_document(html) as document:
            return await document.print_pdf(**pdf_options)

    @contextlib.asynccontextmanager
    async def open_document(self, html: str):
        """Load one HTML document, locked down, to print it once or more (an async context manager).

        Yields
        ------
        LoadedDocument
            The loaded page; it is closed with its browser context when the block ends.
        """
        if self._browser is None:
            raise RuntimeError("ChromiumPrinter is not open; use it as an async context manager")
        body = html.encode("utf-8")
        blocked: list[str] = []
        seen = {"route": False, "request": False}

        def is_document(request, event: str) -> bool:
            # Exactly one request is the document: the first main-frame navigation to it.
            first = (
                not seen[event]
                and request.url == DOCUMENT_URL
                and request.is_navigation_request()
                and request.frame.parent_frame is None
            )
            seen[event] = seen[event] or first
            return first

        async def route(route) -> None:
            if is_document(route.request, "route"):
                await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
            else:
                await route.abort("blockedbyclient")

        def on_request(request) -> None:
            # Also fires for requests the page's Content-Security-Policy stops before route().
            if not is_document(request, "request"):
                blocked.append(request.url)

        def on_console(message) -> None:
            if message.text.startswith(_LOCAL_RESOURCE_REFUSED):
                blocked.append(message.text[len(_LOCAL_RESOURCE_REFUSED) :].strip())

        context = await self._browser.new_context(
            java_script_enabled=False, service_workers="block", accept_downloads=False
        )
        try:
            page = await context.new_page()
            page.on("request", on_request)
            page.on("console", on_console)
            await page.route("**/*", route)
            await page.goto(DOCUMENT_URL, wait_until="load", timeout=self.load_timeout * 1000)
            yield LoadedDocument(page, blocked)
        finally:
            await context.close()


class LoadedDocument:
    """A document loaded in a locked-down page: print it, change the text of some elements, print it again.

    Made by :meth:`ChromiumPrinter.open_document`. JavaScript stays off: texts are set through the browser's
    DevTools DOM interface, which runs no script in the page.
    """

    def __init__(self, page, blocked: list[str]):
        self._page = page
        self._blocked = blocked

    async def print_pdf(self, **pdf_options: Any) -> PrintResult:
        """Print the document as it is now; ``pdf_options`` go to Playwright's ``page.pdf``."""
        pdf = await self._page.pdf(**pdf_options)
        urls = (url for url in self._blocked if not url.startswith("data:"))
        return PrintResult(pdf=pdf, blocked=tuple(dict.fromkeys(urls)))

    async def replace_element(
        self, selector: str, index: int, count: int, markup: str, is_expected: Callable[[str], bool]
    ) -> bool:
        """Replace the ``index``-th of the elements matching ``selector`` with ``markup`` (parsed as HTML, no script).

        Nothing changes, and ``False`` is returned, unless exactly ``count`` elements match and ``is_expected``
        accepts the element's current markup (the caller's idea of the page must be the page's). The page is then
        laid out as if it had been loaded with the new markup.
        """
        cdp = await self._page.context.new_cdp_session(self._page)
        try:
            root = (await cdp.send("DOM.getDocument", {"depth": 0}))["root"]["nodeId"]
            found = (await cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector}))["nodeIds"]
            if len(found) != count or not 0 <= index < count:
                return False
            current = (await cdp.send("DOM.getOuterHTML", {"nodeId": found[index]}))["outerHTML"]
            if not is_expected(current):
                return False
            await cdp.send("DOM.setOuterHTML", {"nodeId": found[index], "outerHTML": markup})
            return True
        finally:
            await cdp.detach()

    async def set_texts(self, selector: str, attribute: str, texts: dict[str, str]) -> int:
        """Set the text of each element matching ``selector`` whose ``attribute`` is a key of ``texts``.

        Each element must hold one text node already (a placeholder); its value is replaced, so no markup is
        parsed. Returns how many texts were set.
        """
        cdp = await self._page.context.new_cdp_session(self._page)
        try:
            root = (await cdp.send("DOM.getDocument", {"depth": 0}))["root"]["nodeId"]
            found = await cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
            changed = 0
            for node in found["nodeIds"]:
                described = (await cdp.send("DOM.describeNode", {"nodeId": node, "depth": 1}))["node"]
                names = described.get("attributes", [])
                value = dict(zip(names[::2], names[1::2], strict=True)).get(attribute)
                children = described.get("children", [])
                if value not in texts or len(children) != 1 or children[0].get("nodeType") != _TEXT_NODE:
                    continue
                pushed = await cdp.send(
                    "DOM.pushNodesByBackendIdsToFrontend", {"backendNodeIds": [children[0]["backendNodeId"]]}
                )
                await cdp.send("DOM.setNodeValue", {"nodeId": pushed["nodeIds"][0], "value": texts[value]})
                changed += 1
            return changed
        finally:
            await cdp.detach()


#: The open printer session of this process, if any (see :func:`open_printer_session`).
_SESSION: PrinterSession | None = None


class PrinterSession:
    """One Chromium kept open for every PDF printed in this process, e.g. by one build worker.

    Playwright objects belong to the event loop that made them, so the session runs its own loop in a
    daemon thread and every print of the process is run there. A browser that crashed, disconnected or
    failed during a print is closed and launched again for the next document.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mpsc-printer", daemon=True)
        self._thread.start()
        self._printer: ChromiumPrinter | None = None
        self._key: tuple | None = None
        self.launches = 0

    def run(self, coro):
        """Run a coroutine on the session's loop and return its result (blocking)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def printer(self, executable: str, args, load_timeout: float) -> ChromiumPrinter:
        """The session's open printer; launched on first use, or again after a crash or other flags."""
        key = (executable, tuple(args), load_timeout)
        current = self._printer
        if current is not None and (
            self._key != key or current._browser is None or not current._browser.is_connected()
        ):
            await self.drop()
        if self._printer is None:
            printer = ChromiumPrinter(executable, args, load_timeout)
            await printer.__aenter__()
            self._printer, self._key = printer, key
            self.launches += 1
        return self._printer

    async def drop(self) -> None:
        """Close the current browser (if any); the next print launches a new one."""
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                await printer.close()
            except Exception:  # a crashed browser may fail to close; it is gone either way
                pass

    def close(self) -> None:
        """Close the browser and stop the loop thread."""
        if self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self.drop(), self._loop).result(timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()


def open_printer_session() -> PrinterSession:
    """Keep one Chromium open for all PDFs this process prints until :func:`close_printer_session`.

    Returns
    -------
    PrinterSession
        The session (the same one when called again).
    """
    global _SESSION
    if _SESSION is None:
        _SESSION = PrinterSession()
    return _SESSION


def close_printer_session() -> None:
    """Close this process's printer session and its browser (nothing happens when none is open)."""
    global _SESSION
    session, _SESSION = _SESSION, None
    if session is not None:
        session.close()


@contextlib.asynccontextmanager
async def open_printer(executable: str, args, load_timeout: float):
    """The session's shared printer when one is open on this loop, else a printer of its own."""
    session = _SESSION
    if session is None or asyncio.get_running_loop() is not session._loop:
        async with ChromiumPrinter(executable, args, load_timeout) as printer:
            yield printer
        return
    printer = await session.printer(executable, args, load_timeout)
    try:
        yield printer
    except BaseException:
        await session.drop()  # a browser that failed or timed out mid-print is not reused
        raise


def run_print(coro):
    """Run a print coroutine on the session's loop, or on a fresh loop in a thread of its own."""
    session = _SESSION
    if session is not None:
        return session.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        # A thread of its own: the caller may already run an event loop (Jupyter, papermill).
        return pool.submit(asyncio.run, coro).result()
