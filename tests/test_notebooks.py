"""Committed notebooks are clean and thin: no outputs, the project kernel, only the public API."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

import mpsc_report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request) -> nbformat.NotebookNode:
    return nbformat.read(request.param, as_version=4)


def test_there_is_a_report_notebook():
    assert ROOT / "notebooks" / "halftime_review.ipynb" in NOTEBOOKS


def test_committed_without_outputs_or_execution_counts(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_runs_on_the_project_kernel(notebook):
    assert notebook.metadata.kernelspec.name == "mpsc-report"


def test_exactly_one_parameters_cell_first(notebook):
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]


def test_cells_are_thin_calls_into_the_public_api(notebook):
    imported = set()
    for cell in notebook.cells[1:]:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda), (
                f"logic belongs in mpsc_report, not in the notebook: {cell.source[:60]!r}"
            )
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            if isinstance(node, ast.ImportFrom):
                assert node.module == "mpsc_report"
                assert {alias.name for alias in node.names} <= set(mpsc_report.__all__)
        assert len(cell.source.splitlines()) <= 12, cell.source[:60]
    assert imported == {"mpsc_report"}


def test_report_notebook_ends_with_the_colophon():
    nb = nbformat.read(ROOT / "notebooks" / "halftime_review.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[-1].source.startswith("report.colophon()")  # the QA gates require it as the last output


@pytest.mark.e2e
def test_report_notebook_runs_top_to_bottom_on_its_defaults(tmp_path):
    """As a researcher does in JupyterLab: no parameters injected, the kernel started in notebooks/."""
    import papermill

    from mpsc_report.documents import qa

    out = tmp_path / "defaults.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "halftime_review.ipynb"),
        str(out),
        kernel_name="mpsc-report",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        execution_timeout=300,
    )
    assert qa.check_notebook(nbformat.read(out, as_version=4)) == []
