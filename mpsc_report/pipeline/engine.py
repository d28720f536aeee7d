"""The papermill engine units run with: nbclient's engine, with progress saves that cost next to nothing.

papermill saves the notebook it executes when each cell starts and ends (Markdown cells too), so that a unit
killed half-way still shows the cell it stopped in. Its save validates the whole notebook against the schema,
deep-copies it and writes indented JSON with Python's pure-Python encoder; for a factsheet (24 cells, charts
embedded as SVG) that was 49 saves and about a second of a build worker's time per unit on the 2-core build machine,
as much as the notebook's own work. Here a progress save writes compact JSON with the C encoder, without
validation, to a temporary file that replaces the partial notebook (so a killed worker leaves a whole notebook or
the previous one, never half of one). Saves that cannot show anything new are left out: a Markdown cell runs no code
and cannot hang, and a cell's end is written with the next cell's start (or with the notebook's end, which papermill
always saves, also after a failure) — a factsheet now saves about a third as often. The executed notebook a build
keeps is written by :func:`mpsc_report.pipeline.build.commit_outputs` through nbformat, validated and indented, as
before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

#: Name the engine is registered under with papermill (``papermill.execute_notebook(engine_name=…)``).
ENGINE_NAME = "mpsc-report"


class _CheapSaves(NotebookExecutionManager):
    """papermill's execution manager, saving progress as compact JSON without validation, and only when it tells.

    A killed worker leaves the notebook as it was when its last code cell started: that cell is the one marked
    ``running``, which is what :func:`mpsc_report.pipeline.build.failing_cell` reads.
    """

    _skip_save = False

    def save(self, **kwargs) -> None:
        if self._skip_save:
            return
        if self.output_path:
            write_progress(self.nb, Path(self.output_path))
        self.last_save_time = self.now()

    def cell_start(self, cell, cell_index=None, **kwargs):
        """Mark the cell running; save only when it is a code cell (the one a kill would stop in)."""
        self._skip_save = cell.get("cell_type") != "code"
        try:
            return super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._skip_save = False

    def cell_complete(self, cell, cell_index=None, **kwargs):
        """Mark the cell done without saving: the next cell's start or the notebook's end writes it."""
        self._skip_save = True
        try:
            return super().cell_complete(cell, cell_index, **kwargs)
        finally:
            self._skip_save = False


def write_progress(nb, path: Path) -> None:
    """Write a notebook being executed to ``path``: compact JSON, replacing the previous file in one rename."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.write_bytes(json.dumps(nb, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    os.replace(tmp, path)


class Engine(NBClientEngine):
    """nbclient's engine with :class:`_CheapSaves` (same execution, same failure semantics)."""

    @classmethod
    def execute_notebook(
        cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, autosave_cell_every=30, **kwargs
    ):
        """Execute ``nb`` as :meth:`papermill.engines.Engine.execute_notebook` does, with cheap progress saves."""
        nb_man = _CheapSaves(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE_NAME, Engine)
