"""The error hierarchy: our sentence first, a library's words only as a detail line; errors survive pickling."""

from __future__ import annotations

import pickle

import pytest

from mpsc_report.errors import BuildError, DataError, EnvironmentProblem, MpscReportError, ParamsError


def test_message_first_library_words_as_one_detail_line():
    error = DataError("wave_2023.xlsx is not an Excel workbook; save it as .xlsx.", detail="File is not\n a zip file")
    assert str(error) == "wave_2023.xlsx is not an Excel workbook; save it as .xlsx.\n  detail: File is not a zip file"
    assert error.message.startswith("wave_2023.xlsx") and error.detail == "File is not a zip file"
    assert str(DataError("plain")) == "plain" and DataError("plain").detail is None


@pytest.mark.parametrize("kind", [DataError, ParamsError, BuildError, EnvironmentProblem])
def test_errors_keep_message_and_detail_across_processes(kind):
    """Build workers send failures to the parent process by pickling them."""
    again = pickle.loads(pickle.dumps(kind("what went wrong", detail="library words")))
    assert isinstance(again, MpscReportError) and type(again) is kind
    assert (again.message, again.detail, again.exit_code) == ("what went wrong", "library words", kind.exit_code)
