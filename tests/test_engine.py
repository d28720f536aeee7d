"""The papermill engine of the build (pipeline.engine): progress saves only where a killed run could stop."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest

from mpsc_report.pipeline import engine
from mpsc_report.pipeline.build import KERNEL_NAME


def _notebook(*cells: tuple[str, str]):
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](source) for kind, source in cells])


def _run(tmp_path, monkeypatch, nb):
    """Execute ``nb`` with the build's engine; return the notebook states saved while it ran."""
    saved = []
    original = engine.write_progress

    def record(notebook, path):
        saved.append(json.loads(json.dumps(notebook)))
        original(notebook, path)

    monkeypatch.setattr(engine, "write_progress", record)
    source, output = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, source)
    try:
        papermill.execute_notebook(
            str(source), str(output), kernel_name=KERNEL_NAME, engine_name=engine.ENGINE_NAME, progress_bar=False
        )
    except papermill.PapermillExecutionError:
        pass
    return saved


def _status(state) -> list[str]:
    return [cell["metadata"]["papermill"]["status"] for cell in state["cells"]]


@pytest.mark.e2e
def test_progress_is_saved_when_a_code_cell_starts_and_when_the_notebook_ends(tmp_path, monkeypatch):
    nb = _notebook(("markdown", "# Title"), ("code", "a = 1"), ("markdown", "Text"), ("code", "b = a + 1"))
    saved = _run(tmp_path, monkeypatch, nb)
    # start, each code cell's start (that cell running, the ones before done), the end: no save for Markdown
    assert len(saved) == 4
    assert _status(saved[1])[:2] == ["completed", "running"]
    assert _status(saved[2])[1:4] == ["completed", "completed", "running"]
    assert _status(saved[-1]) == ["completed"] * 4


@pytest.mark.e2e
def test_a_failing_cell_is_saved_as_failed(tmp_path, monkeypatch):
    nb = _notebook(("code", "a = 1"), ("code", "raise ValueError('x')"), ("code", "c = 3"))
    saved = _run(tmp_path, monkeypatch, nb)
    last = saved[-1]
    failed = [cell for cell in last["cells"] if cell["metadata"]["papermill"]["status"] == "failed"]
    assert len(failed) == 1 and "ValueError" in json.dumps(failed[0]["outputs"])
