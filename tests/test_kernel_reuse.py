"""Kernel reuse (pipeline.kernels, pipeline.kernel_state): a build worker's kernel serves many units, and no unit's
result depends on what ran before it.

A fixture notebook changes every piece of kernel state the reset puts back and probes it in the next unit; the real
factsheets are built in two orders and in fresh kernels and compared byte for byte (build time masked).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from test_batch import ROOT, factsheet_notebook

from mpsc_report.data.load import load_register
from mpsc_report.pipeline.batch import BatchOptions, run_batch
from mpsc_report.pipeline.units import plan_units

#: Changes a unit makes to its kernel, each of which must be gone for the next unit.
_POLLUTE = r"""
import builtins, os, sys, warnings, logging, decimal, socket, json, pathlib, threading
import matplotlib, matplotlib.pyplot as plt, pandas as pd, numpy as np
import mpsc_report.analysis.words as words
LEAK = "from the previous unit"
os.environ["MPSC_LEAK"] = "1"
del os.environ["MPSC_TEST_KEEP"]
matplotlib.rcParams["lines.linewidth"] = 9.0
plt.figure()
folder = pathlib.Path(os.environ["MPSC_TEST_LEAK_DIR"])
(folder / "leakmod.py").write_text("STATE = ['first']\n")
sys.path.insert(0, str(folder))
import leakmod
leakmod.STATE.append("changed")
os.chdir(folder)
pd.set_option("display.max_rows", 3)
np.set_printoptions(precision=2)
warnings.simplefilter("ignore")
builtins.LEAK = 1
words.MESSAGES["de"]["leak"] = "leak"
logging.getLogger().addHandler(logging.NullHandler())
decimal.getcontext().prec = 5
socket.setdefaulttimeout(3)
get_ipython().display_formatter.formatters["text/plain"].for_type(int, lambda n, p, cycle: p.text("leaked"))
get_ipython().events.register("post_run_cell", lambda result: None)
"""

#: What the next unit sees of that state.
_PROBE = r"""
import builtins, os, sys, warnings, logging, decimal, socket, json
import matplotlib, matplotlib.pyplot as plt, pandas as pd, numpy as np
import mpsc_report.analysis.words as words
state = {
    "names": sorted(k for k in globals() if not k.startswith("_")),
    "env": os.environ.get("MPSC_LEAK"), "keep": os.environ.get("MPSC_TEST_KEEP"),
    "linewidth": matplotlib.rcParams["lines.linewidth"], "figures": plt.get_fignums(),
    "leakmod": sys.modules["leakmod"].STATE if "leakmod" in sys.modules else None,
    "path": [p for p in sys.path if "leak" in p], "cwd": os.getcwd(),
    "max_rows": pd.get_option("display.max_rows"), "precision": np.get_printoptions()["precision"],
    "filters": len(warnings.filters), "builtin": hasattr(builtins, "LEAK"), "word": "leak" in words.MESSAGES["de"],
    "handlers": len(logging.getLogger().handlers), "prec": decimal.getcontext().prec,
    "timeout": socket.getdefaulttimeout(),
    "formatter": int in get_ipython().display_formatter.formatters["text/plain"].type_printers,
    "events": len(get_ipython().events.callbacks["post_run_cell"]),
    "count": get_ipython().execution_count, "pid": os.getpid(),
}
print(json.dumps(state))
"""


def _probe_notebook(folder: Path, behaviour: dict[str, str]) -> Path:
    """The batch tests' fixture factsheet with a probe cell first and, for some projects, a polluting cell."""
    path = factsheet_notebook(folder, behaviour)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(_PROBE))
    nb.cells.insert(3, nbformat.v4.new_code_cell(f'if BEHAVIOUR.get(project) == "pollute":\n    exec({_POLLUTE!r})'))
    nbformat.write(nb, path)
    return path


def _probed(out: Path, project: str, failed: bool = False) -> dict:
    """What the probe cell of a built (or failed) unit saw."""
    where = out / "failed" / "2023" / "factsheets" if failed else out / "2023" / "factsheets"
    nb = nbformat.read(where / f"{project}.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if c.source == _PROBE]
    [output] = [o for o in cell.outputs if o.get("name") == "stdout"]
    return json.loads(output["text"])


@pytest.fixture
def params_dir(tmp_path) -> Path:
    folder = tmp_path / "params"
    folder.mkdir()
    shutil.copy(ROOT / "params" / "2023.yaml", folder / "2023.yaml")
    return folder


def test_a_reused_kernel_forgets_what_the_previous_unit_changed(params_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MPSC_TEST_LEAK_DIR", str(tmp_path))
    monkeypatch.setenv("MPSC_TEST_KEEP", "1")
    # In register order: solingen pollutes, ulm probes the same kernel; then a fresh kernel probes ulm alone.
    notebook = _probe_notebook(tmp_path, {"solingen": "pollute"})

    def plan(out: Path, projects: list[str]):
        return plan_units(params_dir, out, kinds=("factsheet",), factsheet_notebook=notebook, projects=projects)

    outcome = run_batch(plan(tmp_path / "reused", ["solingen", "ulm"]), tmp_path / "reused", BatchOptions(("html",), 1))
    assert [r.status for r in outcome.results] == ["built", "built"]
    [fresh] = run_batch(plan(tmp_path / "fresh", ["ulm"]), tmp_path / "fresh", BatchOptions(("html",), 0)).results
    assert fresh.status == "built"

    polluter = _probed(tmp_path / "reused", "solingen")
    after, alone = _probed(tmp_path / "reused", "ulm"), _probed(tmp_path / "fresh", "ulm")
    assert after["pid"] == polluter["pid"] and outcome.results[1].worker["kernel_units"] == 2  # the same kernel
    del after["pid"], alone["pid"]
    assert after == alone
    assert after["env"] is None and after["keep"] == "1" and after["linewidth"] != 9.0 and after["leakmod"] is None
    assert polluter["count"] == after["count"]  # the execution count starts again at 1


def test_a_unit_that_fails_or_leaves_a_thread_running_costs_a_fresh_kernel(params_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MPSC_TEST_LEAK_DIR", str(tmp_path))
    monkeypatch.setenv("MPSC_TEST_KEEP", "1")
    behaviour = {"ulm": "raise", "cottbus": "thread"}
    notebook = _probe_notebook(tmp_path, behaviour)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(
        4,
        nbformat.v4.new_code_cell(
            'if BEHAVIOUR.get(project) == "thread":\n'
            "    import threading, time\n"
            "    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()"
        ),
    )
    nbformat.write(nb, notebook)
    order = ["solingen", "ulm", "wolfsburg", "cottbus", "gera"]  # register order
    units = plan_units(params_dir, tmp_path / "out", kinds=("factsheet",), factsheet_notebook=notebook, projects=order)
    assert [u.project for u in units] == order
    outcome = run_batch(units, tmp_path / "out", BatchOptions(formats=("html",), jobs=1))

    assert [r.status for r in outcome.results] == ["built", "failed", "built", "built", "built"]
    pids = {p: _probed(tmp_path / "out", p, failed=p == "ulm")["pid"] for p in order}
    assert pids["ulm"] == pids["solingen"]  # reused after a clean unit
    assert pids["wolfsburg"] != pids["ulm"]  # fresh after a failed one
    assert pids["cottbus"] == pids["wolfsburg"]
    assert pids["gera"] != pids["cottbus"]  # fresh after a thread was left running
    [log] = (tmp_path / "out" / ".logs").glob("*/worker-*.log")
    assert "thread(s) still running" in log.read_text()
    assert "without encryption" not in log.read_text()


def _masked(path: Path) -> str:
    """A factsheet's HTML with its build time (the one field that differs from build to build) replaced."""
    html = path.read_text(encoding="utf-8")
    [built] = re.findall(r'content="([^"]+)" name="mpsc:built-at"', html)
    assert html.count(built) == 2  # the <meta> and the provenance record (since issue 11 not on the page)
    return html.replace(built, "BUILD-TIME")


def test_factsheets_are_byte_identical_whatever_ran_before_them_in_the_kernel(tmp_path):
    """All 73 factsheets of 2023, HTML, in register order and in a shuffled order (2 workers each, so every kernel
    serves about 36 units), and a handful each in a fresh kernel of its own: the same bytes, build time masked."""
    notebook = ROOT / "notebooks" / "project_factsheet.ipynb"
    params = ROOT / "params"

    def plan(out: Path, projects: list[str] | None = None):
        return plan_units(
            params, out, kinds=("factsheet",), factsheet_notebook=notebook, waves=["2023"], projects=projects
        )

    forward = plan(tmp_path / "forward")
    assert len(forward) == 73
    shuffled = plan(tmp_path / "shuffled")
    random.Random(20231215).shuffle(shuffled)
    projects = list(load_register()["project_id"])
    alone = [projects[i] for i in (0, 17, 36, 58, 72)]

    for units, out, jobs in ((forward, "forward", 2), (shuffled, "shuffled", 2)):
        outcome = run_batch(units, tmp_path / out, BatchOptions(formats=("html",), jobs=jobs))
        assert {r.status for r in outcome.results} == {"built"}
        assert max(r.worker["kernel_units"] for r in outcome.results) > 20  # kernels were reused
    fresh = run_batch(plan(tmp_path / "alone", alone), tmp_path / "alone", BatchOptions(formats=("html",), jobs=0))
    assert {r.status for r in fresh.results} == {"built"}

    folder = Path("2023") / "factsheets"
    for project in projects:
        first = _masked(tmp_path / "forward" / folder / f"{project}.html")
        assert _masked(tmp_path / "shuffled" / folder / f"{project}.html") == first, project
        if project in alone:
            assert _masked(tmp_path / "alone" / folder / f"{project}.html") == first, project
