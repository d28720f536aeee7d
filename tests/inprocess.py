"""Run a report or factsheet notebook in this process, without a kernel: fast enough to check many documents.

Each code cell runs like IPython runs it: its statements, then the value of a last expression is displayed — a
block becomes a ``display_data`` output with its HTML, plain text and contract metadata, exactly as the kernel
would record it. Markdown cells are kept as they are. No HTML or PDF is made; the QA gates and the contract read
the result like an executed notebook. With ``draw=False`` the charts are stand-ins (one bar, the chart's kind as its
label): the numbers and words of the document are the same, at a fraction of the time.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import matplotlib
import matplotlib.pyplot as plt
import nbformat
from matplotlib.figure import Figure

from mpsc_report.analysis import charts
from mpsc_report.documents import blocks

matplotlib.use("Agg")

#: The chart functions a notebook calls, by the kind each labels its figure with.
CHARTS = {
    "bar_chart": "bar",
    "stacked_bar_chart": "stacked-bar",
    "comparison_chart": "small-multiples",
    "tile_map": "tile-map",
    "trend_chart": "trend",
    "network_chart": "network",
    "project_comparison_chart": "bar",
}


def run_notebook(path: Path, parameters: dict[str, Any], draw: bool = True) -> nbformat.NotebookNode:
    """Execute ``path`` with ``parameters`` (as papermill would inject them) and return the executed notebook."""
    with contextlib.ExitStack() as stack:
        if not draw:
            stack.enter_context(_stand_in_charts())
        return _run_notebook(path, parameters)


@contextlib.contextmanager
def _stand_in_charts() -> Iterator[None]:
    def stand_in(kind: str):
        def draw(*args: Any, **kwargs: Any) -> Figure:
            fig = Figure()
            fig.add_subplot().bar([0], [1])
            fig.set_label(kind)
            return fig

        return draw

    with contextlib.ExitStack() as stack:
        for name, kind in CHARTS.items():
            stack.enter_context(mock.patch.object(charts, name, stand_in(kind)))
        stack.enter_context(mock.patch.object(blocks, "_figure_svg", lambda fig: b"<svg/>"))
        yield


def _run_notebook(path: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    executed = copy.deepcopy(nb)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    count = 0
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = []
        source = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            source += "\n" + "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
        value = _run(source, namespace)
        if value is not None and hasattr(value, "_repr_mimebundle_"):
            data, metadata = value._repr_mimebundle_()
            cell.outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
        plt.close("all")
    return executed


def _run(source: str, namespace: dict[str, Any]) -> Any:
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = tree.body[:-1] if last is not None else tree.body
    exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), namespace)  # noqa: S102
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307


ROOT = Path(__file__).resolve().parents[1]
WAVES = ("2021", "2022", "2023")


@functools.cache
def document(wave: str, project: str | None = None, language: str = "de") -> nbformat.NotebookNode:
    """The executed report of ``wave`` (or the factsheet of ``project``), charts as stand-ins; cached per test run.

    The notebook is shared between tests: do not change it.
    """
    import mpsc_report as mr

    params = mr.load_params(ROOT / "params" / f"{wave}.yaml")
    if language != params.language:
        params = params.model_copy(update={"language": language})
    if project is None:
        if language == "en":  # the params' title is German: the language gate would rightly stop the report
            english = {"title": "Halftime review of the Smart Cities model projects", "subtitle": f"Wave {wave}"}
            params = params.model_copy(update=english)
        return run_notebook(ROOT / "notebooks" / "halftime_review.ipynb", params.to_notebook(), draw=False)
    sheet = mr.FactsheetParams.from_wave(params, project)
    return run_notebook(ROOT / "notebooks" / "project_factsheet.ipynb", sheet.to_notebook(), draw=False)


def factsheet_sample() -> list[tuple[str, str]]:
    """(wave, project) of a sample of factsheets: per wave one project of each cohort and kind of municipality,
    every project that did not answer 2021, and the project that skipped the partner question in 2022."""
    import mpsc_report as mr
    from mpsc_report.analysis import metrics
    from mpsc_report.data.load import load_register

    register = metrics.with_kind_codes(load_register())
    first = register.drop_duplicates(["cohort", "kind"])["project_id"].tolist()
    sample = [(wave, project) for wave in WAVES for project in first]
    for wave in ("2021", "2022"):
        data = mr.open_report(mr.load_params(ROOT / "params" / f"{wave}.yaml"))
        answered = data.responses.set_index("project_id")["partners_total"]
        missing = [p for p in register["project_id"] if p not in answered.index or answered.isna().get(p, False)]
        sample += [(wave, project) for project in missing if wave == "2021" or project in answered.index]
    return list(dict.fromkeys(sample))
