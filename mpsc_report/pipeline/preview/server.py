"""The preview's HTTP server on 127.0.0.1: the page, its reload channel and the PDF, and nothing else.

Exactly three request paths are answered, compared as the raw request target (never decoded, normalised or mapped
to a file): ``/`` (the page), :data:`~.page.EVENTS_PATH` (Server-Sent Events: ``version`` when a new page is
published, ``status`` while the preview works) and ``/<name>.pdf`` (the PDF of the current good render). Every other
path is 404; no file is ever read on a request. Requests whose ``Host`` is not a loopback name (``127.0.0.1``,
``localhost``) are refused (403), so a web page that points its own name at 127.0.0.1 cannot read the preview.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .page import EVENTS_PATH, header_policy

#: Host names a request may use: a web page that points a name of its own at 127.0.0.1 cannot pass as one of them.
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

#: Seconds between keep-alive comments on an idle reload channel.
_KEEPALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class Snapshot:
    """What the server serves at one moment."""

    version: int
    page: bytes
    status: str
    status_serial: int
    closed: bool


class Board:
    """The page and status the preview loop publishes and the server's threads read, with change notification."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._version = 0
        self._page = b""
        self._status = ""
        self._status_serial = 0
        self._closed = False

    def publish(self, page: str, status: str) -> int:
        """Serve ``page`` from now on; returns its version (the reload channel announces it)."""
        with self._changed:
            self._version += 1
            self._page = page.encode("utf-8")
            self._status = status
            self._changed.notify_all()
            return self._version

    @property
    def next_version(self) -> int:
        """The version the next :meth:`publish` gives (the page embeds it)."""
        with self._changed:
            return self._version + 1

    def say(self, status: str) -> None:
        """Show ``status`` in every open page's bar (no reload)."""
        with self._changed:
            self._status = " ".join(status.split())  # one line: an event's data must not hold a newline
            self._status_serial += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Wake every waiting reload channel so its thread ends."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def snapshot(self) -> Snapshot:
        """The current page, version and status."""
        with self._changed:
            return Snapshot(self._version, self._page, self._status, self._status_serial, self._closed)

    def wait(self, version: int, serial: int, timeout: float) -> Snapshot:
        """Block until the version or the status differs from the ones given, the board closes, or ``timeout``."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or self._version != version or self._status_serial != serial, timeout
            )
        return self.snapshot()


class PreviewServer(ThreadingHTTPServer):
    """HTTP server bound to 127.0.0.1 only.

    Parameters
    ----------
    port : int
        Port to listen on; 0 picks a free one (see :attr:`url`).
    board : Board
        Where the page and status come from.
    pdf_name : str
        File name of the PDF path, e.g. ``halftime_review.pdf``.
    make_pdf : callable
        Returns the PDF of the current good render (may take seconds; raises :class:`LookupError` before the first
        good render, any other exception when printing fails).
    """

    daemon_threads = True  # open reload channels do not keep the process alive
    allow_reuse_address = True

    def __init__(self, port: int, board: Board, pdf_name: str, make_pdf: Callable[[], bytes]) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.board = board
        self.pdf_path = "/" + pdf_name
        self.make_pdf = make_pdf
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on."""
        return self.server_address[1]

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="mpsc-preview-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, end the reload channels and close the socket."""
        self.board.close()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "mpsc-report-preview"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Quiet: the preview prints what it renders, not every request."""

    def _answer(self, head: bool) -> None:
        if not self._host_is_ours():
            self._send(HTTPStatus.FORBIDDEN, b"This preview answers requests for its own address only.\n", head=head)
            return
        path = self.path.split("?", 1)[0]
        if path == "/":
            snapshot = self.server.board.snapshot()
            self._send(HTTPStatus.OK, snapshot.page, "text/html; charset=utf-8", head=head, page=True)
        elif path == EVENTS_PATH and not head:
            self._events()
        elif path == self.server.pdf_path:
            self._pdf(head)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found: this preview serves its page and its PDF only.\n", head=head)

    def _host_is_ours(self) -> bool:
        """Whether the request names this machine's loopback (any port: an SSH tunnel may forward another one)."""
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
        return name.lower() in _LOOPBACK_NAMES

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str = "text/plain; charset=utf-8",
        head: bool = False,
        page: bool = False,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        if content_type.startswith("text/"):  # not on the PDF: a policy there can blank the browser's PDF viewer
            self.send_header("Content-Security-Policy", header_policy() if page else "default-src 'none'")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        board = self.server.board
        version, serial = -1, board.snapshot().status_serial
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                now = board.wait(version, serial, _KEEPALIVE_SECONDS)
                if now.closed:
                    return
                chunk = ""
                if now.version != version:
                    chunk += f"event: version\ndata: {now.version}\n\n"
                if now.status_serial != serial:
                    chunk += f"event: status\ndata: {now.status}\n\n"
                version, serial = now.version, now.status_serial
                self.wfile.write((chunk or ": keep-alive\n\n").encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _pdf(self, head: bool) -> None:
        try:
            pdf = self.server.make_pdf()
        except LookupError as exc:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, f"{exc}\n".encode(), head=head)
            return
        except Exception as exc:  # the printer's failure, shown to the one who asked for it
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"The PDF could not be printed: {exc}\n".encode(), head=head)
            return
        name = self.server.pdf_path.lstrip("/")
        self._send(
            HTTPStatus.OK,
            pdf,
            "application/pdf",
            head=head,
            extra={"Content-Disposition": f'inline; filename="{name}"'},
        )
