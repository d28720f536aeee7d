"""Run a report or factsheet notebook in this process, without a kernel: fast enough to check many documents.

Each code cell runs like IPython runs it: its statements, then the value of a last expression is displayed — a
block becomes a ``display_data`` output with its HTML, plain text and contract metadata, exactly as the kernel
would record it. Markdown cells are kept as they are. No HTML or PDF is made; the QA gates and the contract read
the result like an executed notebook.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import nbformat

matplotlib.use("Agg")


def run_notebook(path: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """Execute ``path`` with ``parameters`` (as papermill would inject them) and return the executed notebook."""
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
