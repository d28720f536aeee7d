"""One error hierarchy for mpsc-report: every message says what, where and how to fix it."""

from __future__ import annotations


class MpscReportError(Exception):
    """Base class of every error this package raises on purpose.

    Library code raises it; only the command line turns it into an exit code.
    """

    exit_code = 1


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
