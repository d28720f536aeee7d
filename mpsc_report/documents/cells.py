"""How every message names a notebook cell: the way JupyterLab shows it in the notebook the user edits.

A cell is named by its position among the notebook's own cells (from 1, Markdown cells included) and, for a code
cell that ran, its execution count: ``cell 5 (In [3])``. Papermill adds cells the user never wrote — the
injected-parameters cell and, after a failure, two error-marker cells — so positions in an executed notebook are
counted without them. The unit failure message, the QA problems, the build's failures table, ``manifest.json`` and
the index page all use :class:`CellRef`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Tag of the cell papermill inserts with the parameters of a run.
INJECTED_TAG = "injected-parameters"

#: Tag of the Markdown cells papermill inserts to mark a failure (``papermill.execute.ERROR_MARKER_TAG``).
ERROR_MARKER_TAG = "papermill-error-cell-tag"

#: Lines of a cell's source a failure record keeps.
SOURCE_LINES = 5


@dataclass(frozen=True)
class CellRef:
    """A cell as the user sees it: ``position`` from 1 among the notebook's own cells, and its execution count."""

    position: int
    execution_count: int | None = None

    def __str__(self) -> str:
        """``cell 5 (In [3])``, or ``cell 5`` for a cell that did not run (or is Markdown)."""
        count = f" (In [{self.execution_count}])" if self.execution_count is not None else ""
        return f"cell {self.position}{count}"

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> CellRef | None:
        """The reference stored in a failure record (``{"position": 5, "execution_count": 3, …}``), if any."""
        if not record or not isinstance(record.get("position"), int):
            return None
        count = record.get("execution_count")
        return cls(record["position"], count if isinstance(count, int) else None)


def is_added_by_papermill(cell: Mapping[str, Any]) -> bool:
    """Whether papermill inserted the cell (parameters of a run, failure markers): the user never wrote it."""
    metadata = cell.get("metadata")
    tags = metadata.get("tags", []) if isinstance(metadata, Mapping) else []
    return isinstance(tags, list) and (INJECTED_TAG in tags or ERROR_MARKER_TAG in tags)


def cell_refs(cells: Sequence[Mapping[str, Any]]) -> list[CellRef | None]:
    """A :class:`CellRef` for every cell of a notebook, in order; ``None`` for the cells papermill added."""
    refs: list[CellRef | None] = []
    position = 0
    for cell in cells:
        if is_added_by_papermill(cell):
            refs.append(None)
            continue
        position += 1
        count = cell.get("execution_count") if cell.get("cell_type") == "code" else None
        refs.append(CellRef(position, count if isinstance(count, int) else None))
    return refs


def cell_record(cells: Sequence[Mapping[str, Any]], index: int) -> dict[str, Any] | None:
    """What a failure record says about the cell at ``index`` (from 0, in the executed notebook).

    Returns ``{"position", "execution_count", "source"}`` (the first :data:`SOURCE_LINES` lines of its source), or
    ``None`` for a cell papermill added or an index outside the notebook.
    """
    if not 0 <= index < len(cells):
        return None
    ref = cell_refs(cells)[index]
    if ref is None:
        return None
    source = cells[index].get("source") or ""
    source = "".join(source) if isinstance(source, list) else str(source)
    return {
        "position": ref.position,
        "execution_count": ref.execution_count,
        "source": "\n".join(source.splitlines()[:SOURCE_LINES])[:400],
    }
