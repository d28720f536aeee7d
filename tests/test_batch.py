"""Batch builds (RELIABILITY.md E–G): selection, failure isolation, stale outputs, timeouts, skipping, lock, manifest.

Real kernels run tiny fixture factsheet notebooks written here; faults that need no kernel are simulated.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import papermill
import psutil
import pytest

from mpsc_report.data.load import load_register
from mpsc_report.documents.contract import read_document
from mpsc_report.errors import BuildError, EnvironmentProblem, ExportError
from mpsc_report.pipeline import build as build_module
from mpsc_report.pipeline import kernels
from mpsc_report.pipeline.batch import BatchOptions, build_log_dir, run_batch
from mpsc_report.pipeline.build import build_unit
from mpsc_report.pipeline.lock import output_lock
from mpsc_report.pipeline.manifest import Manifest, read_manifest, render_index, write_manifest
from mpsc_report.pipeline.progress import Progress, failure_table
from mpsc_report.pipeline.units import Unit, UnitResult, plan_units

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MARKER = "MPSC_TEST_BUILD_MARKER"

#: What the fixture notebook does, per action.
_ACTIONS = """\
import os, sys, time
action = BEHAVIOUR.get(project, "ok")
if action == "raise":
    raise ZeroDivisionError("broken on purpose")
if action == "exit":
    sys.exit(0)
if action == "kill":
    os.kill(os.getpid(), 9)
if action == "hang":
    time.sleep(120)
"""


def factsheet_notebook(folder: Path, behaviour: dict[str, str], slow_cells: int = 0) -> Path:
    """A tiny factsheet notebook: FactsheetParams parameters, then an action chosen per project."""
    params = nbformat.v4.new_code_cell(
        'wave = "2023"\nproject = "solingen"\nreport_date = "2024-02-07"\ndata = "sample"\n'
        'language = "de"\npublisher = "Test"'
    )
    params.metadata["tags"] = ["parameters"]
    cells = [
        params,
        nbformat.v4.new_code_cell(f"BEHAVIOUR = {behaviour!r}"),
        nbformat.v4.new_code_cell(_ACTIONS),
        *(nbformat.v4.new_code_cell('if action == "slow":\n    time.sleep(1.5)') for _ in range(slow_cells)),
        nbformat.v4.new_code_cell(
            'from IPython.display import HTML, display\ndisplay(HTML(f"<p>Steckbrief {project}</p>"))'
        ),
        # The real colophon ends the notebook, as the QA gates require of every published unit.
        nbformat.v4.new_code_cell(
            "import mpsc_report as mr\n"
            "mr.open_factsheet(mr.FactsheetParams.from_notebook(wave=wave, project=project, report_date=report_date,"
            " data=data, language=language, publisher=publisher)).colophon()"
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "mpsc-report", "display_name": "Python (mpsc-report)", "language": "python"}
    path = folder / "factsheet.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    """A params folder with wave 2023 only, and an output folder."""
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    shutil.copy(ROOT / "params" / "2023.yaml", params_dir / "2023.yaml")
    return params_dir, tmp_path / "outputs"


@pytest.fixture
def marker(monkeypatch) -> str:
    """An environment marker every process started by the build inherits, to find orphans afterwards."""
    value = uuid.uuid4().hex
    monkeypatch.setenv(MARKER, value)
    return value


def orphans(value: str) -> list[str]:
    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        if proc.pid == os.getpid():
            continue
        try:
            if proc.environ().get(MARKER) != value:
                continue
            if proc.ppid() == os.getpid() and "multiprocessing.resource_tracker" in " ".join(proc.cmdline()):
                continue  # the test process's own helper; it ends with the test process, as with the CLI
            found.append(f"{proc.pid} {' '.join(proc.cmdline())[:200]}")
        except psutil.Error:
            pass
    return found


def wait_for_no_orphans(value: str, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := orphans(value)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def factsheets(params_dir: Path, out: Path, notebook: Path, projects: list[str]) -> list[Unit]:
    return plan_units(params_dir, out, kinds=("factsheet",), factsheet_notebook=notebook, projects=projects)


# ----------------------------------------------------------------------------------------------
# Selection (no kernel)


def test_plan_selects_waves_kinds_projects_and_cohorts(project, tmp_path):
    params_dir, out = project
    shutil.copy(ROOT / "params" / "2022.yaml", params_dir / "2022.yaml")
    notebook = factsheet_notebook(tmp_path, {})
    units = plan_units(
        params_dir,
        out,
        ROOT / "notebooks" / "halftime_review.ipynb",
        kinds=("report", "factsheet"),
        factsheet_notebook=notebook,
    )
    assert len(units) == 2 * (1 + 73)
    assert [u.unit_id for u in units[:2]] == ["2022/report", "2022/factsheets/solingen"]
    report, sheet = units[74], units[75]
    assert report.output(".pdf") == (out / "2023" / "halftime_review.pdf").resolve()
    assert sheet.output(".html") == (out / "2023" / "factsheets" / "solingen.html").resolve()
    assert sheet.failed_notebook == (out / "failed" / "2023" / "factsheets" / "solingen.ipynb").resolve()
    assert sheet.params.to_notebook()["project"] == "solingen" and sheet.params.report_date.isoformat() == "2024-02-07"

    cohort = plan_units(
        params_dir, out, kinds=("factsheet",), factsheet_notebook=notebook, waves=["2023"], cohorts=["2019"]
    )
    in_2019 = list(load_register().query("cohort == '2019'")["project_id"])
    assert [u.project for u in cohort] == in_2019 and len(in_2019) > 5
    assert all(u.kind == "factsheet" and u.wave == "2023" for u in cohort)
    picked = factsheets(params_dir, out, notebook, ["ulm", "solingen"])
    assert [u.unit_id for u in picked] == [f"{w}/factsheets/{p}" for w in ("2022", "2023") for p in ("solingen", "ulm")]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"projects": ["atlantis"]}, r"unknown project\(s\) \['atlantis'\]"),
        ({"cohorts": ["1999"]}, r"unknown cohort\(s\) \['1999'\]; the register has cohorts 2019, 2020, 2021"),
        ({"waves": ["1999"]}, r"no params file for wave\(s\) \['1999'\]"),
    ],
)
def test_plan_refuses_unknown_selections(project, tmp_path, selection, message):
    params_dir, out = project
    with pytest.raises(BuildError, match=message):
        plan_units(
            params_dir, out, kinds=("factsheet",), factsheet_notebook=factsheet_notebook(tmp_path, {}), **selection
        )


def test_plan_without_factsheet_notebook_says_which_file(project, tmp_path):
    params_dir, out = project
    with pytest.raises(BuildError, match=r"factsheet notebook .*nope.ipynb not found"):
        plan_units(params_dir, out, kinds=("factsheet",), factsheet_notebook=tmp_path / "nope.ipynb")


# ----------------------------------------------------------------------------------------------
# A batch with failing units, real kernels (E: failure isolation, stale outputs, skipping)


def test_failing_units_fail_alone_keep_stale_outputs_and_unchanged_units_are_skipped(project, tmp_path, marker):
    params_dir, out = project
    behaviour = {"ulm": "raise", "wolfsburg": "exit", "cottbus": "kill"}
    notebook = factsheet_notebook(tmp_path, behaviour)
    units = factsheets(params_dir, out, notebook, ["solingen", "ulm", "wolfsburg", "cottbus"])
    earlier = out / "2023" / "factsheets" / "ulm.html"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"<p>earlier good factsheet</p>")

    outcome = run_batch(units, out, BatchOptions(formats=("html",), jobs=2))

    status = {r.unit.project: r.status for r in outcome.results}
    assert status == {"solingen": "built", "ulm": "failed", "wolfsburg": "failed", "cottbus": "failed"}
    folder = out / "2023" / "factsheets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "solingen.html",
        "solingen.ipynb",
        "ulm.STALE.txt",
        "ulm.html",
    ]
    assert earlier.read_bytes() == b"<p>earlier good factsheet</p>"
    assert "Steckbrief solingen" in (folder / "solingen.html").read_text()

    manifest = json.loads((out / "manifest.json").read_text())
    ulm = manifest["units"]["2023/factsheets/ulm"]
    assert ulm["status"] == "failed" and ulm["stale"] is True
    assert ulm["error"]["cell"]["ename"] == "ZeroDivisionError"
    assert "raise ZeroDivisionError" in ulm["error"]["cell"]["source"]
    assert ulm["error"]["failed_notebook"] == "failed/2023/factsheets/ulm.ipynb"
    assert (out / "failed" / "2023" / "factsheets" / "ulm.ipynb").is_file()
    assert "did not run" in manifest["units"]["2023/factsheets/wolfsburg"]["error"]["message"]
    cottbus = manifest["units"]["2023/factsheets/cottbus"]
    assert "DeadKernelError" in cottbus["error"]["message"] and cottbus["attempts"] == 1  # a dying cell: no retry
    assert cottbus["stale"] is False and cottbus["outputs"] == {}
    assert manifest["units"]["2023/factsheets/solingen"]["status"] == "built"
    assert manifest["run"]["counts"]["failed"] == 3

    index = (out / "index.html").read_text()
    assert "2023/factsheets/ulm" in index and "STALE" in index and 'href="2023/factsheets/solingen.html"' in index
    assert "<script" not in index
    assert wait_for_no_orphans(marker) == []

    # The numbers the built factsheet states are recorded from its document contract, and kept while skipped.
    recorded = manifest["units"]["2023/factsheets/solingen"]["numbers"]
    stated = read_document(nbformat.read(folder / "solingen.ipynb", as_version=4)).numbers
    assert recorded == stated and len(recorded) >= 4 and all(v is None or v >= 0 for v in recorded.values())
    assert "numbers" not in ulm and "numbers" not in cottbus  # nothing current is stated by a failed unit

    again = run_batch(units[:1], out, BatchOptions(formats=("html",), jobs=2))
    assert [r.status for r in again.results] == ["skipped"]
    assert read_manifest(out).units["2023/factsheets/ulm"].stale is True  # other units keep their entry
    assert read_manifest(out).units["2023/factsheets/solingen"].numbers == recorded


def test_cell_timeout_and_unit_timeout_each_fail_their_unit_and_leave_no_process(project, tmp_path, marker):
    params_dir, out = project
    notebook = factsheet_notebook(tmp_path, {"solingen": "hang", "ulm": "hang"})
    hung, slow = factsheets(params_dir, out, notebook, ["solingen", "ulm"])

    [by_cell] = run_batch([hung], out, BatchOptions(formats=("html",), jobs=1, cell_timeout=2)).results
    [by_unit] = run_batch([slow], out, BatchOptions(formats=("html",), jobs=1, unit_timeout=6)).results

    assert by_cell.status == "failed" and "timed out" in by_cell.error.lower()
    assert by_cell.cell is not None and by_cell.cell["position"] == 3  # parameters, BEHAVIOUR, actions (injected: -)
    assert by_unit.status == "timeout" and "per-unit time limit" in by_unit.error
    assert by_unit.failed_notebook is not None and by_unit.failed_notebook.is_file()
    assert not list((out / "2023" / "factsheets").glob("*.html"))
    assert wait_for_no_orphans(marker) == []


def test_pdfs_of_a_worker_share_one_browser_and_nothing_is_left_running(project, tmp_path, marker):
    params_dir, out = project
    units = factsheets(params_dir, out, factsheet_notebook(tmp_path, {}), ["solingen", "ulm"])

    outcome = run_batch(units, out, BatchOptions(formats=("html", "pdf"), jobs=1))

    assert [r.status for r in outcome.results] == ["built", "built"]
    workers = [r.worker for r in outcome.results]
    assert workers[0]["pid"] == workers[1]["pid"] and workers[1]["printer_launches"] == 1
    assert (out / "2023" / "factsheets" / "ulm.pdf").read_bytes().startswith(b"%PDF")
    assert wait_for_no_orphans(marker) == []


def test_interrupting_a_build_kills_its_processes_and_records_the_units(project, tmp_path, marker):
    params_dir, out = project
    notebook = factsheet_notebook(tmp_path, {"solingen": "hang", "ulm": "hang"})
    command = [
        str(BIN / "mpsc-report"),
        "build",
        "--params-dir",
        str(params_dir),
        "--output-dir",
        str(out),
        "--factsheet-notebook",
        str(notebook),
        "--project",
        "solingen",
        "--project",
        "ulm",
        "--format",
        "html",
        "--jobs",
        "2",
    ]
    # SIGINT at its default in the build, as from a terminal: a test suite started as a background job of a script
    # ignores SIGINT, and the build would inherit that (see test_interrupts.py).
    proc = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any(
        "ipykernel" in " ".join(p.cmdline()) for p in psutil.Process(proc.pid).children(recursive=True)
    ):
        time.sleep(0.3)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["status"] for e in manifest["units"].values()} == {"interrupted"}
    assert manifest["run"]["interrupted"] is True
    assert wait_for_no_orphans(marker) == []
    assert not list(out.rglob(".*.running.ipynb"))


def test_a_worker_checks_the_data_of_a_wave_once_while_its_files_stay_unchanged(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "mpsc_report" / "data" / "sample", data)
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2023.yaml").write_text((ROOT / "params" / "2023.yaml").read_text().replace('"sample"', f'"{data}"'))
    units = factsheets(params_dir, tmp_path / "out", factsheet_notebook(tmp_path, {}), ["solingen", "ulm", "cottbus"])
    calls = []
    monkeypatch.setattr("mpsc_report.data.waves.open_waves", lambda params: calls.append(params.project))

    for unit in units:
        build_module.validate_data(unit)
    assert calls == ["solingen"]
    os.utime(data / "wave_2022.csv", ns=(1, 1))  # an earlier wave changed: checked again
    build_module.validate_data(units[2])
    assert calls == ["solingen", "cottbus"]


def test_worker_logs_keep_the_last_five_builds(tmp_path):
    logs = tmp_path / ".logs"
    logs.mkdir()
    for day in range(1, 8):
        (logs / f"2026112{day}T101010-{100 + day}").mkdir()
        (logs / f"2026112{day}T101010-{100 + day}" / "worker-1.log").write_text("old")
    (logs / "worker-99.log").write_text("before builds had folders")

    folder = build_log_dir(tmp_path)

    assert folder.parent == logs and folder.name[:8].isdigit() and not folder.exists()
    kept = sorted(p.name for p in logs.iterdir())
    assert kept == [f"2026112{day}T101010-{100 + day}" for day in range(4, 8)]  # and this build's makes five


# ----------------------------------------------------------------------------------------------
# Faults simulated without a kernel (F: disk full, concurrency, preflight, Chromium; retries)


@pytest.fixture
def fake_execution(monkeypatch):
    """Replace papermill by a stand-in that returns a small executed notebook (or raises, on demand)."""
    faults: list[BaseException] = []

    def execute(unit, cell_timeout=0):
        if faults:
            raise faults.pop(0)
        cell = nbformat.v4.new_code_cell("x", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"<p>{unit.project}</p>"})]
        return nbformat.v4.new_notebook(cells=[cell])

    monkeypatch.setattr(build_module, "execute_notebook", execute)
    monkeypatch.setattr(build_module, "RETRY_BACKOFF_SECONDS", 0.01)
    return faults


def _one_unit(project, tmp_path) -> Unit:
    params_dir, out = project
    return factsheets(params_dir, out, factsheet_notebook(tmp_path, {}), ["solingen"])[0]


def test_disk_full_leaves_the_previous_outputs_byte_identical(project, tmp_path, fake_execution, monkeypatch):
    unit = _one_unit(project, tmp_path)
    unit.out_dir.mkdir(parents=True)
    before = {suffix: f"old {suffix}".encode() for suffix in (".ipynb", ".html")}
    for suffix, data in before.items():
        unit.output(suffix).write_bytes(data)

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mpsc_report.write.os.fsync", no_space)
    result = build_unit(unit, ("html",))

    assert result.status == "failed" and "No space left on device" in result.error and "unchanged" in result.error
    assert {s: unit.output(s).read_bytes() for s in before} == before
    assert sorted(p.name for p in unit.out_dir.iterdir()) == ["solingen.html", "solingen.ipynb"]


def test_a_kernel_that_dies_at_start_is_retried_but_a_cell_error_is_not(project, tmp_path, fake_execution):
    unit = _one_unit(project, tmp_path)
    fake_execution.append(build_module.UnitFailure("kernel died at start", transient=True))
    assert build_unit(unit, ("html",)).attempts == 2

    fake_execution.extend([build_module.UnitFailure("cell [3] raised ValueError", transient=False)])
    failed = build_unit(unit, ("html",))
    assert failed.status == "failed" and failed.attempts == 1 and "ValueError" in failed.error


def test_a_kernel_started_ahead_answers_at_once_with_the_package_imported(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys\nprint(sorted(sys.modules)); dir()")])
    nb.metadata["kernelspec"] = {"name": "mpsc-report", "display_name": "Python (mpsc-report)", "language": "python"}
    nb_path = tmp_path / "probe.ipynb"
    nbformat.write(nb, nb_path)
    pool = kernels.KernelPool()
    try:
        for run in range(3):  # taken right after the start, as after an HTML-only export
            pool.prestart("mpsc-report", tmp_path)
            kernel = pool.take("mpsc-report", tmp_path)
            assert kernel is not None
            try:
                out = tmp_path / f"out{run}.ipynb"
                papermill.execute_notebook(nb_path, out, km=kernel.manager, progress_bar=False, start_timeout=30)
            finally:
                kernel.release()
            [cell] = nbformat.read(out, as_version=4).cells
            modules, names = cell.outputs[0]["text"], cell.outputs[1]["data"]["text/plain"]
            assert "'matplotlib'" in modules and "'mpsc_report.analysis.charts'" in modules and "'pandas'" in modules
            assert "mpsc_report" not in names  # the warm-up leaves the notebook's namespace empty
    finally:
        pool.close()


def test_kernel_start_faults_are_recognised():
    assert build_module._kernel_start_fault(RuntimeError("Kernel died before replying to kernel_info"))
    assert not build_module._kernel_start_fault(RuntimeError("Kernel died"))


def test_a_browser_crash_is_retried(project, tmp_path, fake_execution, monkeypatch):
    from playwright.async_api import Error as PlaywrightError

    unit = _one_unit(project, tmp_path)
    calls = []

    def export(nb, pdf_link=""):
        calls.append(1)
        if len(calls) == 1:
            try:
                raise PlaywrightError("Target page, context or browser has been closed")
            except PlaywrightError as exc:
                raise ExportError("report: Chromium could not print the report") from exc
        return "<html></html>", b"%PDF-1.7 fake"

    monkeypatch.setattr("mpsc_report.documents.export.export_html_and_pdf", export)
    result = build_unit(unit, ("html", "pdf"))
    assert result.status == "built" and result.attempts == 2
    assert unit.output(".pdf").read_bytes() == b"%PDF-1.7 fake"


def test_missing_chromium_fails_the_unit_with_the_fix_and_writes_nothing(
    project, tmp_path, fake_execution, monkeypatch
):
    monkeypatch.setenv("MPSC_CHROMIUM", str(tmp_path / "no-chromium"))
    unit = _one_unit(project, tmp_path)
    result = build_unit(unit, ("html", "pdf"))
    assert result.status == "failed" and result.attempts == 1
    assert "apt-get install chromium" in result.error
    assert not unit.out_dir.exists() or not list(unit.out_dir.iterdir())


def test_a_second_build_into_the_same_outputs_is_refused(project, tmp_path):
    unit = _one_unit(project, tmp_path)
    _, out = project
    out.mkdir()
    with output_lock(out):
        with pytest.raises(BuildError, match=rf"{out} is locked by PID {os.getpid()} \(started 20"):
            run_batch([unit], out, BatchOptions(formats=("html",), jobs=0))


def test_an_output_folder_that_cannot_be_created_fails_before_any_notebook(project, tmp_path):
    unit = _one_unit(project, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(EnvironmentProblem, match="is not writable"):
        run_batch([unit], blocker / "outputs", BatchOptions(formats=("html",), jobs=0))


def test_skip_needs_same_inputs_and_untouched_outputs(project, tmp_path, fake_execution):
    _, out = project
    unit = _one_unit(project, tmp_path)
    options = BatchOptions(formats=("html",), jobs=0)
    assert [r.status for r in run_batch([unit], out, options).results] == ["built"]
    assert [r.status for r in run_batch([unit], out, options).results] == ["skipped"]
    assert [r.status for r in run_batch([unit], out, BatchOptions(formats=("html",), jobs=0, force=True)).results] == [
        "built"
    ]
    unit.output(".html").write_text("edited by hand")
    assert [r.status for r in run_batch([unit], out, options).results] == ["built"]
    nb = nbformat.read(unit.notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("changed"))
    nbformat.write(nb, unit.notebook)
    assert [r.status for r in run_batch([unit], out, options).results] == ["built"]
    assert [r.status for r in run_batch([unit], out, BatchOptions(formats=("html", "pdf"), jobs=0)).results] != [
        "skipped"
    ]


def test_index_escapes_what_it_shows():
    unit = {"kind": "factsheet", "wave": "2023", "notebook": "f.ipynb", "out_dir": "2023", "stem": "x"}
    run = {"finished": "<i>", "seconds": 1, "executor": "local", "formats": ["html"]}
    manifest = Manifest.model_validate(
        {
            "run": {"started": "<b>", "jobs": 1, **run},
            "units": {
                "2023/factsheets/x<script>": {
                    **unit,
                    "status": "failed",
                    "stale": True,
                    "error": {"message": "<script>alert(1)</script>", "failed_notebook": "failed/a b.ipynb"},
                    "outputs": {"html": {"path": '2023/x"onmouseover=1.html', "size": 1, "mtime_ns": 1}},
                }
            },
        }
    )
    page = render_index(manifest)
    assert "<script" not in page and "&lt;script&gt;alert(1)" in page
    assert 'href="failed/a%20b.ipynb"' in page and 'onmouseover=1.html"' not in page


def test_a_failing_cell_is_named_identically_in_message_table_manifest_and_index(project, tmp_path):
    """The 5th cell with execution count 3: papermill's injected-parameters and error-marker cells are not counted."""
    params_dir, out = project
    params = nbformat.v4.new_code_cell(
        'wave = "2023"\nproject = "solingen"\nreport_date = "2024-02-07"\ndata = "sample"\n'
        'language = "de"\npublisher = "Test"'
    )
    params.metadata["tags"] = ["parameters"]
    cells = [
        nbformat.v4.new_markdown_cell("# Steckbrief"),
        params,  # In [1]; papermill's injected cell below it runs as In [2]
        nbformat.v4.new_markdown_cell("Zwei Absätze Text ..."),
        nbformat.v4.new_markdown_cell("... bevor es schiefgeht."),
        nbformat.v4.new_code_cell("numbers = [1, 2]\nnumbers[5]"),  # the 5th cell, In [3]
        nbformat.v4.new_code_cell("print('never')"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "mpsc-report", "display_name": "Python (mpsc-report)", "language": "python"}
    nbformat.write(nb, tmp_path / "factsheet.ipynb")
    units = factsheets(params_dir, out, tmp_path / "factsheet.ipynb", ["solingen"])

    outcome = run_batch(units, out, BatchOptions(formats=("html",), jobs=0))

    [result] = outcome.results
    named = "cell 5 (In [3])"
    assert f"failed: {named} raised IndexError: list index out of range." in result.error
    table = failure_table(outcome.results)
    assert re.search(rf"2023/factsheets/solingen +failed +{re.escape(named)} +executing", table)
    entry = json.loads((out / "manifest.json").read_text())["units"]["2023/factsheets/solingen"]
    cell = entry["error"]["cell"]
    assert (cell["position"], cell["execution_count"], cell["ename"]) == (5, 3, "IndexError")
    assert cell["source"] == "numbers = [1, 2]\nnumbers[5]"
    assert named in entry["error"]["message"]
    assert (out / "index.html").read_text().count(named) == 1  # named once, as in the message
    kept = nbformat.read(out / "failed" / "2023" / "factsheets" / "solingen.ipynb", as_version=4)
    assert len(kept.cells) == 9  # the six cells, papermill's injected cell and its two error markers


def test_the_failures_table_shows_the_whole_message_of_a_qa_failure():
    qa_error = (
        "2023/report: the report fails 2 QA check(s) and is not published:\n"
        "  - [figure] cell 24 (In [12]): Abbildung 5 has no caption; pass caption='…' to report.figure.\n"
        "  - [language] cell 30: this Markdown cell is shown in the English document but reads German ('und').\n"
        "The executed notebook is at outputs/failed/2023/report.ipynb; fix the cells named above and build again."
    )
    report = UnitResult(
        Unit("report", "2023/report", Path("r.ipynb"), None, Path("."), "r", Path(".")),
        status="failed",
        error=qa_error,
        cell={"position": 24, "execution_count": 12, "source": "report.figure(...)"},
    )
    table = failure_table([report, _result("ulm", "not-run", "not run: --fail-fast"), _result("gera")])
    lines = table.splitlines()
    assert lines[0] == "Failures:" and lines[1].split() == ["unit", "status", "cell", "error"]
    assert re.match(r"  2023/report +failed +cell 24 \(In \[12\]\) +the report fails 2 QA check", lines[2])
    assert lines[3].strip().startswith("- [figure] cell 24 (In [12]): Abbildung 5 has no caption")
    assert "[language] cell 30" in lines[4] and lines[5].strip().startswith("The executed notebook is at")
    column = lines[1].index("error")
    assert all(line[:column].isspace() and line[column:] for line in lines[3:])  # continued under "error"
    assert "ulm" not in table and "gera" not in table  # not run, and built
    assert failure_table([_result("gera")]) == ""


def test_index_states_the_last_runs_counts_apart_from_the_folders():
    unit = {"kind": "factsheet", "wave": "2023", "notebook": "f.ipynb", "out_dir": "2023", "stem": "x"}
    run = {"started": "s", "finished": "f", "seconds": 1, "executor": "local", "formats": ["html"], "jobs": 2}
    run |= {"counts": {"built": 2, "failed": 1, "skipped": 0}, "units": ["2023/a", "2023/b", "2023/c"]}
    units = {f"2023/{x}": {**unit, "status": "built", "finished": "earlier"} for x in "abcdef"}
    units["2023/c"] = {**unit, "status": "failed"}
    page = render_index(Manifest.model_validate({"run": run, "units": units}))
    assert "3 unit(s): 2 built, 1 FAILED." in page
    assert "This folder lists 6 unit(s), 3 of them from earlier runs." in page
    assert "6 unit(s): " not in page
    assert page.count("(earlier run, earlier)") == 3


# ----------------------------------------------------------------------------------------------
# Scale-out


def test_a_dask_cluster_builds_the_same_units_with_the_same_manifest(project, tmp_path):
    from distributed import LocalCluster

    params_dir, out = project
    units = factsheets(params_dir, out, factsheet_notebook(tmp_path, {"ulm": "raise"}), ["solingen", "ulm"])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcome = run_batch(units, out, BatchOptions(formats=("html",), dask_scheduler=cluster.scheduler_address))

    assert {r.unit.project: r.status for r in outcome.results} == {"solingen": "built", "ulm": "failed"}
    assert "Steckbrief solingen" in (out / "2023" / "factsheets" / "solingen.html").read_text()
    manifest = read_manifest(out)
    assert manifest.run.executor == "dask"
    ulm = manifest.units["2023/factsheets/ulm"]
    assert ulm.error.cell.ename == "ZeroDivisionError" and not (out / "2023" / "factsheets" / "ulm.html").exists()
    assert ulm.error.failed_notebook == "failed/2023/factsheets/ulm.ipynb"


def test_dask_scheduler_without_the_dask_extra_says_what_to_install_before_anything_runs(
    project, tmp_path, monkeypatch, capsys
):
    from mpsc_report.cli import main

    params_dir, out = project
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the dask extra were not installed
    code = main(
        ["build", "--params-dir", str(params_dir), "--output-dir", str(out), "--project", "ulm"]
        + ["--factsheet-notebook", str(factsheet_notebook(tmp_path, {})), "--dask-scheduler", "tcp://127.0.0.1:9"]
    )
    assert code == EnvironmentProblem.exit_code
    err = capsys.readouterr().err
    assert "--dask-scheduler needs the optional Dask support" in err and "pip install 'mpsc-report[dask]'" in err
    assert not out.exists()


def test_fail_fast_starts_no_further_unit(project, tmp_path, fake_execution):
    params_dir, out = project
    units = factsheets(params_dir, out, factsheet_notebook(tmp_path, {}), ["solingen", "ulm", "wolfsburg"])
    fake_execution.append(build_module.UnitFailure("cell [3] raised ValueError"))
    outcome = run_batch(units, out, BatchOptions(formats=("html",), jobs=0, fail_fast=True))
    assert [r.status for r in outcome.results] == ["failed", "not-run", "not-run"]
    assert read_manifest(out).run.counts["not-run"] == 2


def test_all_without_a_factsheet_notebook_builds_the_reports_with_a_note(tmp_path, capsys):
    from mpsc_report.cli import _kinds, _parser

    args = _parser().parse_args(["build", "--all", "--factsheet-notebook", str(tmp_path / "missing.ipynb")])
    assert _kinds(args) == ("report",)
    assert "does not exist yet; --all builds the wave reports only" in capsys.readouterr().err
    args = _parser().parse_args(["build", "--cohort", "2020"])
    assert _kinds(args) == ("factsheet",)


# ----------------------------------------------------------------------------------------------
# Progress display


def _result(project: str, status: str = "built", error: str | None = None) -> UnitResult:
    unit = Unit("factsheet", f"2023/factsheets/{project}", Path("f.ipynb"), None, Path("."), project, Path("."))
    return UnitResult(unit, status=status, error=error, seconds=1.25)


def test_progress_in_a_log_is_one_plain_line_per_unit():
    stream = io.StringIO()
    progress = Progress(4, stream=stream)  # not a terminal: no live line
    progress.skip(1)
    progress.unit_finished(_result("solingen"))
    progress.unit_finished(_result("ulm", "failed", "cell [3] raised ZeroDivisionError: broken [on purpose]"))
    progress.finish()
    assert stream.getvalue().splitlines() == [
        "1 unit(s) unchanged since the last build: skipped (--force rebuilds them)",
        "built    2023/factsheets/solingen (1.2 s) [2/4] done 1 · failed 0 · skipped 1 · running 0 · remaining 2 · "
        "ETA 0:00",
        "FAILED   2023/factsheets/ulm (1.2 s): cell [3] raised ZeroDivisionError: broken [on purpose]",
    ]
    assert "\x1b[" not in stream.getvalue()


def test_progress_on_a_terminal_keeps_a_live_line_and_prints_failures_above_it():
    stream = io.StringIO()
    progress = Progress(3, stream=stream, live=True)
    progress.skip(1)
    progress.tick(2)
    progress.unit_finished(_result("solingen"))
    progress.unit_finished(_result("ulm", "failed", "cell [3] raised ZeroDivisionError: broken [on purpose]"))
    progress.tick(0)
    progress.finish()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # the display's cursor and colour codes
    assert "\x1b[" in stream.getvalue()  # redrawn in place
    assert "built    2023/factsheets/solingen" not in text  # successes only with --verbose
    assert "FAILED   2023/factsheets/ulm (1.2 s): cell [3] raised ZeroDivisionError: broken [on purpose]" in text
    assert text.rstrip().endswith("[3/3] done 1 · failed 1 · skipped 1 · running 0 · remaining 0 · ETA 0:00")
    assert text.index("FAILED") < text.rindex("[3/3] done 1")


# ----------------------------------------------------------------------------------------------
# Manifest

#: An entry as the build before the pydantic manifest wrote it (keys sorted, every field present).
_OLD_ENTRY = {
    "attempts": 1,
    "error": None,
    "fingerprint": "6a108bfd",
    "finished": "2026-11-27T10:27:43+00:00",
    "kind": "factsheet",
    "last_success": "2026-11-27T10:27:43+00:00",
    "notebook": "/tmp/baseline/notebooks/project_factsheet.ipynb",
    "out_dir": "2023/factsheets",
    "outputs": {"html": {"mtime_ns": 1795775263416198943, "path": "2023/factsheets/ulm.html", "size": 232866}},
    "params": {"data": "sample", "language": "de", "project": "ulm", "report_date": "2024-02-07", "wave": "2023"},
    "params_file": "params/2023.yaml",
    "project": "ulm",
    "seconds": 4.674,
    "stale": False,
    "status": "built",
    "stem": "ulm",
    "wave": "2023",
    "worker": {"peak_kernel_rss_mb": 217.7, "peak_rss_mb": 221.2, "peak_tree_pss_mb": 796.9, "pid": 3549},
}


def test_manifest_keeps_its_json_shape_and_survives_entries_it_cannot_read(tmp_path):
    run = {"started": "a", "finished": "b", "seconds": 1.0, "executor": "local", "jobs": 2, "dask_scheduler": None}
    run |= {"formats": ["html"], "force": False, "argv": [], "interrupted": False, "counts": {"built": 1}, "units": []}
    written = {"schema": 1, "run": run, "units": {"2023/factsheets/ulm": _OLD_ENTRY}}
    (tmp_path / "manifest.json").write_text(json.dumps(written))

    manifest = read_manifest(tmp_path)
    assert manifest.units["2023/factsheets/ulm"].outputs["html"].size == 232866
    write_manifest(tmp_path, manifest)
    assert json.loads((tmp_path / "manifest.json").read_text()) == written  # the README's layout, unchanged

    broken = {**written, "run": {**run, "executor": "cloud"}}
    broken["units"] = {"2023/factsheets/ulm": _OLD_ENTRY, "2023/factsheets/gera": {"status": "built", "new": 1}}
    (tmp_path / "manifest.json").write_text(json.dumps(broken))
    manifest = read_manifest(tmp_path)
    assert list(manifest.units) == ["2023/factsheets/ulm"] and manifest.run is None  # gera is simply built again

    for other in ({**written, "schema": 2}, ["not", "a", "manifest"]):
        (tmp_path / "manifest.json").write_text(json.dumps(other))
        assert read_manifest(tmp_path).units == {}
    (tmp_path / "manifest.json").write_text('{"schema": 1, "units": {')
    assert read_manifest(tmp_path).units == {}


def test_a_build_over_an_unreadable_manifest_entry_rebuilds_that_unit(project, tmp_path, fake_execution):
    _, out = project
    unit = _one_unit(project, tmp_path)
    options = BatchOptions(formats=("html",), jobs=0)
    assert [r.status for r in run_batch([unit], out, options).results] == ["built"]
    data = json.loads((out / "manifest.json").read_text())
    del data["units"][unit.unit_id]["outputs"]["html"]["size"]
    (out / "manifest.json").write_text(json.dumps(data))
    assert [r.status for r in run_batch([unit], out, options).results] == ["built"]
    assert [r.status for r in run_batch([unit], out, options).results] == ["skipped"]
