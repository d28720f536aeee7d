"""One error hierarchy for mpsc-report: every message says what, where and how to fix it."""

from __future__ import annotations


class MpscReportError(Exception):
    """Base class of every error this package raises on purpose.

    Library code raises it; only the command line turns it into an exit code. The message is our own sentence
    (what, where, how to fix it); what a library said about it goes into ``detail`` and is shown as one indented
    "detail:" line under the message, never instead of it.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = " ".join(detail.split()) if detail else None

    def __str__(self) -> str:
        return f"{self.message}\n  detail: {self.detail}" if self.detail else self.message


def library_detail(exc: BaseException) -> str:
    """What a library said about an error, for the ``detail`` line: ``Type: text`` of the innermost cause.

    A library often wraps the real reason (``raise … from``, or an exception raised while handling another) in
    generic words ("Please see the exception for more details"); the detail names the cause and, after it, which
    exception types carried it.
    """
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    root = chain[-1]
    text = f"{type(root).__name__}: {' '.join(str(root).split()) or '(no message)'}"
    carriers = [type(e).__name__ for e in reversed(chain[:-1])]
    return text + (f" (reported as {' <- '.join(carriers)})" if carriers else "")


class ParamsError(MpscReportError):
    """A params file or a notebook parameter is missing, unknown or of the wrong type."""

    exit_code = 2


class DataError(MpscReportError):
    """Survey data or the project register cannot be read or fails validation."""

    exit_code = 3


class BuildError(MpscReportError):
    """Executing a report notebook failed."""

    exit_code = 4


class ExportError(MpscReportError):
    """Exporting an executed notebook to HTML or PDF failed."""

    exit_code = 5


class EnvironmentProblem(MpscReportError):
    """Something the package needs on this machine (Chromium, a kernel, a font) is missing."""

    exit_code = 6


class TranslationMissing(MpscReportError):
    """A report in another language than German needs a text that has no translation yet."""

    exit_code = 4
