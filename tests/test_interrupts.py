# ruff: noqa: F401, F811  (the fixtures project, marker and fake_execution are shared with test_batch)
"""Interrupting a build at any moment (RELIABILITY E5, issue 14): SIGINT or SIGTERM ends it within 10 s, leaves no
kernel or browser behind, and the manifest says what happened.

The signal is sent at several points of a real build (a worker starting, a kernel starting, Chromium launching, a
cell running, a PDF printing), on a machine made busy by a CPU hog the test runs itself; the manifest write is
interrupted in-process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import psutil
import pytest
from test_batch import BIN, ROOT, factsheet_notebook, fake_execution, marker, project, wait_for_no_orphans

from mpsc_report.pipeline import batch as batch_module
from mpsc_report.pipeline.batch import BatchOptions, run_batch
from mpsc_report.pipeline.kernels import WORKER_TOKEN_ENV, kernel_folder
from mpsc_report.pipeline.units import plan_units

#: Longest a build may take to end after the signal.
LIMIT = 10.0

#: A cell before the fixture's actions: note that a hang is about to start; make a document that prints for long.
_EXTRA = """\
import os
action = BEHAVIOUR.get(project, "ok")
if action == "hang":
    open(os.environ["MPSC_TEST_STARTED"], "w").close()
if action == "long":
    from IPython.display import HTML, display
    display(HTML("<p>Eine lange Zeile, die gedruckt wird.</p>" * 40000))
"""


@pytest.fixture(autouse=True)
def ctrl_c_handled() -> Iterator[None]:
    """Ctrl-C reaches the build under test: a test run started in the background (``cmd &``) inherits an ignored
    SIGINT, which the build deliberately leaves alone (see pipeline.interrupts.caught)."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def busy() -> Iterator[None]:
    """Two processes spinning on the CPU for the whole test: interrupts must work on a loaded machine."""
    env = {k: v for k, v in os.environ.items() if k != "MPSC_TEST_BUILD_MARKER"}
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"], env=env) for _ in range(2)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _notebook(folder: Path, behaviour: dict[str, str]) -> Path:
    path = factsheet_notebook(folder, behaviour)
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "action = BEHAVIOUR" in c.source)
    nb.cells.insert(index, nbformat.v4.new_code_cell(_EXTRA))
    nbformat.write(nb, path)
    return path


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def _has(word: str) -> Callable[[int, Path], bool]:
    return lambda pid, _: any(word in _cmdline(p) for p in _descendants(pid))


#: Point of the build -> (what solingen and ulm do, formats, when to send the signal, the signal). ulm hangs
#: while solingen reaches Chromium, so that the build is still running when the signal comes.
POINTS = {
    "worker start": (("hang", "hang"), "html", _has("multiprocessing"), signal.SIGTERM),
    "kernel start": (("hang", "hang"), "html", _has("ipykernel_launcher"), signal.SIGINT),
    "chromium launch": (("ok", "hang"), "html,pdf", _has("chrom"), signal.SIGTERM),
    "execution": (("hang", "hang"), "html", lambda pid, started: started.exists(), signal.SIGINT),
    "export": (("long", "hang"), "html,pdf", _has("--type=renderer"), signal.SIGTERM),
}


def _start(params_dir: Path, out: Path, notebook: Path, formats: str, sigint: object = signal.SIG_DFL):
    command = [str(BIN / "mpsc-report"), "build", "--params-dir", str(params_dir), "--output-dir", str(out)]
    command += ["--factsheet-notebook", str(notebook), "--project", "solingen", "--project", "ulm", "--jobs", "2"]
    command += [a for f in formats.split(",") for a in ("--format", f)]
    # Whatever started the test suite (a background job of a script ignores SIGINT), the build starts as from a
    # terminal: SIGINT at its default, so Python turns it into KeyboardInterrupt.
    return subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, cwd=ROOT, preexec_fn=lambda: signal.signal(signal.SIGINT, sigint)
    )


def _tokens(pid: int) -> set[str]:
    tokens = set()
    for proc in _descendants(pid):
        try:
            token = proc.environ().get(WORKER_TOKEN_ENV)
        except psutil.Error:
            continue
        if token:
            tokens.add(token)
    return tokens


def _wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the build never reached the point"
        time.sleep(0.05)


@pytest.mark.parametrize("point", list(POINTS))
def test_a_signal_at_any_point_ends_the_build_quickly_and_cleanly(point, project, tmp_path, marker, busy, monkeypatch):
    (first, second), formats, reached, signum = POINTS[point]
    params_dir, out = project
    started = tmp_path / "cell-started"
    monkeypatch.setenv("MPSC_TEST_STARTED", str(started))
    proc = _start(params_dir, out, _notebook(tmp_path, {"solingen": first, "ulm": second}), formats)
    tokens: set[str] = set()
    try:
        _wait_until(
            lambda: proc.poll() is not None or (tokens.update(_tokens(proc.pid)) or reached(proc.pid, started)), 240
        )
        assert proc.poll() is None, proc.stderr.read()
        tokens |= _tokens(proc.pid)
        sent = time.monotonic()
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=LIMIT)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert took < LIMIT and proc.returncode in (130, 143), stderr
    assert wait_for_no_orphans(marker, seconds=2) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run"]["interrupted"] is True
    statuses = [e["status"] for e in manifest["units"].values()]
    assert set(statuses) <= {"interrupted", "not-run", "built"} and set(statuses) - {"built"}, statuses
    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    for entry in manifest["units"].values():
        if entry["status"] in ("interrupted", "not-run"):
            assert f"interrupted ({name})" in entry["error"]["message"]
    leftovers = [p for p in out.rglob(".*") if p.name.endswith((".running.ipynb", ".tmp", ".part"))]
    assert leftovers == []
    assert not any(kernel_folder(t).exists() for t in tokens)  # the kernels' sockets are gone too
    assert tokens or point == "worker start"


def test_a_build_that_inherited_an_ignored_sigint_still_stops_on_sigterm(project, tmp_path, marker, monkeypatch):
    """A build started as a background job of a script ignores SIGINT (POSIX; Python keeps it so): SIGTERM stops it.

    This was why ``test_interrupting_a_build_kills_its_processes_and_records_the_units`` failed "on a busy machine":
    the test suite ran in the background, so the build it started ignored the test's SIGINT.
    """
    params_dir, out = project
    started = tmp_path / "cell-started"
    monkeypatch.setenv("MPSC_TEST_STARTED", str(started))
    notebook = _notebook(tmp_path, {"solingen": "hang", "ulm": "hang"})
    proc = _start(params_dir, out, notebook, "html", sigint=signal.SIG_IGN)
    try:
        _wait_until(lambda: proc.poll() is not None or started.exists(), 240)
        proc.send_signal(signal.SIGINT)
        time.sleep(2)
        assert proc.poll() is None  # ignored, as the shell asked
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=LIMIT)
        assert time.monotonic() - sent < LIMIT, stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert wait_for_no_orphans(marker, seconds=2) == []
    assert {e["status"] for e in json.loads((out / "manifest.json").read_text())["units"].values()} == {"interrupted"}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_manifest_is_written_does_not_cut_it_short(
    signum, project, tmp_path, fake_execution, monkeypatch
):
    params_dir, out = project
    units = plan_units(
        params_dir,
        out,
        kinds=("factsheet",),
        factsheet_notebook=factsheet_notebook(tmp_path, {}),
        projects=["solingen", "ulm"],
    )
    real_write = batch_module.write_manifest

    def interrupted_write(output_dir, manifest):
        os.kill(os.getpid(), signum)  # handled before the next bytecode: in the middle of the final bookkeeping
        return real_write(output_dir, manifest)

    monkeypatch.setattr(batch_module, "write_manifest", interrupted_write)
    before = signal.getsignal(signum)
    outcome = run_batch(units, out, BatchOptions(formats=("html",), jobs=0))

    assert outcome.interrupted and outcome.signal == ("Ctrl-C" if signum == signal.SIGINT else "SIGTERM")
    written = json.loads((out / "manifest.json").read_text())
    assert [e["status"] for e in written["units"].values()] == ["built", "built"]  # what happened, in full
    assert (out / "index.html").is_file()
    assert signal.getsignal(signum) == before  # the build's handlers are gone with it
