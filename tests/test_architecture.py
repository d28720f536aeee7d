"""The house keeps its plan: the command line starts light (no matplotlib for --help, validate or a no-op build)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from mpsc_report.pipeline import build as build_module
from mpsc_report.pipeline.batch import BatchOptions, run_batch
from mpsc_report.pipeline.units import plan_units

ROOT = Path(__file__).resolve().parents[1]

#: Runs the command line's ``main`` in a fresh interpreter, then prints its exit code and every module loaded.
_PROBE = """\
import json, sys
from mpsc_report.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:  # --help
    status = exc.code
print("\\n" + json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""

#: Heavy libraries only a kernel, a worker or an exporter needs.
HEAVY = ("matplotlib", "nbconvert", "papermill", "nbclient", "playwright")


def modules_loaded_by(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.stdout.strip(), done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["status"], {name.split(".")[0] for name in report["modules"]}


def test_import_mpsc_report_loads_only_the_error_hierarchy():
    probe = "import sys, mpsc_report; print(sorted(m for m in sys.modules if m.startswith(('mpsc', 'pandas'))))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['mpsc_report', 'mpsc_report.errors']"


def test_help_loads_neither_matplotlib_nor_pandas():
    status, modules = modules_loaded_by("--help")
    assert status == 0
    assert not modules & {*HEAVY, "pandas", "numpy"}


def test_validate_a_data_file_loads_no_matplotlib(tmp_path):
    status, modules = modules_loaded_by(
        "validate", str(ROOT / "mpsc_report" / "data" / "sample" / "wave_2023.csv"), "--output-dir", str(tmp_path)
    )
    assert status == 0
    assert "pandas" in modules  # it did read the file
    assert not modules & set(HEAVY)


def test_validate_params_loads_no_matplotlib(tmp_path):
    status, modules = modules_loaded_by("validate", str(ROOT / "params" / "2023.yaml"), "--output-dir", str(tmp_path))
    assert status == 0
    assert not modules & set(HEAVY)


def _factsheet_setup(tmp_path, monkeypatch) -> tuple[Path, Path, Path, list[str]]:
    """A params folder with the 2023 wave, a one-cell factsheet notebook, an output folder, the build's CLI words;
    papermill is replaced by a stub: the first build only has to leave outputs."""
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    shutil.copy(ROOT / "params" / "2023.yaml", params_dir / "2023.yaml")
    notebook = tmp_path / "factsheet.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), notebook)
    out = tmp_path / "outputs"
    cli = ["build", "--params-dir", str(params_dir), "--output-dir", str(out), "--factsheet-notebook", str(notebook)]

    def execute(unit, cell_timeout=0):
        cell = nbformat.v4.new_code_cell("x", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<p>{unit.project}</p>"})]
        return nbformat.v4.new_notebook(cells=[cell])

    monkeypatch.setattr(build_module, "execute_notebook", execute)
    return params_dir, notebook, out, cli


def test_a_build_with_nothing_to_do_loads_no_matplotlib_nor_papermill(tmp_path, monkeypatch):
    params_dir, notebook, out, cli = _factsheet_setup(tmp_path, monkeypatch)
    cli += ["--project", "solingen", "--project", "ulm", "--format", "html"]
    units = plan_units(params_dir, out, kinds=("factsheet",), factsheet_notebook=notebook, projects=["solingen", "ulm"])
    first = run_batch(units, out, BatchOptions(formats=("html",), jobs=0))
    assert [r.status for r in first.results] == ["built", "built"]

    status, modules = modules_loaded_by(*cli)

    assert status == 0
    assert json.loads((out / "manifest.json").read_text())["run"]["counts"]["skipped"] == 2
    assert not modules & set(HEAVY)


def test_a_build_of_every_factsheet_with_nothing_to_do_loads_no_pandas(tmp_path, monkeypatch):
    """`build --all` with nothing to do plans from the register's ids and writes the reader page without pandas."""
    params_dir, notebook, out, cli = _factsheet_setup(tmp_path, monkeypatch)
    units = plan_units(params_dir, out, kinds=("factsheet",), factsheet_notebook=notebook)
    assert len(units) == 73
    assert [r.status for r in run_batch(units, out, BatchOptions(formats=("html",), jobs=0)).results] == ["built"] * 73

    status, modules = modules_loaded_by(*cli, "--kind", "factsheet", "--format", "html")

    assert status == 0
    assert json.loads((out / "manifest.json").read_text())["run"]["counts"]["skipped"] == 73
    assert "Solingen" in (out / "berichte.html").read_text(encoding="utf-8")  # the reader page names the projects
    assert not modules & {*HEAVY, "pandas", "numpy"}
