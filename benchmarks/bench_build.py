"""Benchmark the build: start-up, plain CLI chain vs ``mpsc-report build``, 1 vs 2 workers, factsheets, no-op, memory.

Run from the project root with the project's environment::

    .venv/bin/python benchmarks/bench_build.py                 # everything (several minutes)
    .venv/bin/python benchmarks/bench_build.py --quick         # 2023 only, 4 factsheets: a smoke run
    .venv/bin/python benchmarks/bench_build.py --startup-only  # import, --help, no-op rebuild: seconds
    .venv/bin/python benchmarks/bench_build.py --preview-only  # the preview loop: Markdown, code and data edits

Every measurement is a separate command run with ``subprocess`` and timed by wall clock, so interpreter start
and imports count as they do for a user. Outputs go to a temporary folder (``--keep`` keeps it). The no-op
rebuild of every unit (``build --all`` with nothing to do) is timed on an output folder that is current, by
default ``outputs/`` after ``./make.sh report`` (``--noop-dir``); it is left out, with the reason, when some unit
there would be rebuilt. Timings on a busy machine are not representative; the targets (2-core machine) are printed
beside the figures, and the load average with them.
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.client
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT = ROOT / "notebooks" / "halftime_review.ipynb"
FACTSHEET = ROOT / "notebooks" / "project_factsheet.ipynb"


#: Targets of issue 12 (2-core machine): ratios to the plain CLI chain of the 2023 report measured in the same run.
PER_REPORT_MAX = 0.40  # a wave report in a batch, per report, as a share of the CLI chain
FACTSHEETS_MAX = 3.0  # 73 factsheets (HTML + PDF), 2 workers, as a multiple of the CLI chain
SCALING_MIN = 1.6  # throughput of 2 workers over 1 worker
TREE_MB_MAX = 600  # peak memory of one worker's tree (worker + kernel + browser, PSS)
NOOP_MAX = 1.0  # `build --all` with nothing to do, seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; returns the exit code."""
    args = _parser().parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mpsc-bench-"))
    waves = ["2023"] if args.quick else args.waves
    factsheets = 4 if args.quick and args.factsheets == 73 else args.factsheets
    rows: list[Row] = []
    print(f"load average at the start: {_load()}; CPU pressure: {_cpu_pressure()}", flush=True)
    try:
        if args.preview_only:
            rows.extend(_preview_loop(work, args.preview_runs))
            return 0
        rows.extend(_startup(args.noop_dir))
        if args.startup_only:
            return 0
        report_build = _time(_build(work / "one", ["--wave", "2023", "--kind", "report", "-j", "1", "--force"]))
        cli = 0.0
        if not args.skip_cli:
            cli = _cli_chain(work / "cli")
            rows.append(
                ("CLI chain, 2023 report (papermill + nbconvert html + pdf)", f"{cli:.1f} s", "reference", None)
            )
            rows.append(_cpu_row("CLI chain", cli, 1))
            rows.append(("mpsc-report build, 2023 report alone, 1 worker", f"{report_build:.1f} s", "", None))
            rows.append(("  / CLI chain", f"{report_build / cli:.2f}", "(start-up included)", None))
        else:
            rows.append(("mpsc-report build, 2023 report alone, 1 worker", f"{report_build:.1f} s", "", None))

        notebook = args.factsheet_notebook
        selection = [a for w in waves for a in ("--wave", w)] + ["--kind", "report", "--force"]
        if not args.skip_cli:
            batch = _time(_build(work / "reports", [*selection, "-j", "2"]))
            per_report = batch / len(waves) / cli
            rows.append((f"{len(waves)} wave report(s) in one build, 2 workers", f"{batch:.1f} s", "", None))
            rows.append(_cpu_row("2 workers", batch, len(waves)))
            rows.append(
                (
                    "  per report / CLI chain",
                    f"{per_report:.2f}",
                    f"≤ {PER_REPORT_MAX:.2f}",
                    per_report <= PER_REPORT_MAX,
                )
            )
        if notebook.is_file():  # enough units for two workers to stay busy
            scaling = _projects(4 if args.quick else args.scaling_units)
            scaled = ["--wave", "2023", *[a for p in scaling for a in ("--project", p)]]
            scaled += ["--factsheet-notebook", str(notebook), "--force"]
            what = f"{len(scaling)} factsheets"
        else:
            scaled, what = selection, f"{len(waves)} wave report(s)"
        count = len(scaling) if notebook.is_file() else len(waves)
        one = _time(_build(work / "j1", [*scaled, "-j", "1"]))
        one_cpu = _cpu_row("1 worker", one, count)
        two = _time(_build(work / "j2", [*scaled, "-j", "2"]))
        rows.append((f"{what}, 1 worker / 2 workers", f"{one:.1f} / {two:.1f} s", "", None))
        rows.extend([one_cpu, _cpu_row("2 workers", two, count)])
        rows.append(
            ("  throughput 2 workers / 1 worker", f"{one / two:.2f} ×", f"≥ {SCALING_MIN} ×", one / two >= SCALING_MIN)
        )

        fs_dir = work / "fs"
        fs_args: list[str] = []
        if notebook.is_file():
            projects = _projects(factsheets)
            picked = [a for p in projects for a in ("--project", p)]
            fs_args = ["--wave", "2023", *picked, "--factsheet-notebook", str(notebook), "-j", "2", "--force"]
            fs = _time(_build(fs_dir, fs_args))
            rows.append((f"{len(projects)} factsheets of 2023 (HTML + PDF), 2 workers", f"{fs:.1f} s", "", None))
            rows.append(_cpu_row("2 workers", fs, len(projects)))
            if cli:
                rows.append(
                    (
                        "  / CLI chain",
                        f"{fs / cli:.2f}",
                        f"≤ {FACTSHEETS_MAX:.1f} (73 factsheets)",
                        fs / cli <= FACTSHEETS_MAX if len(projects) == 73 else None,
                    )
                )
        else:
            rows.append(("73 factsheets", "skipped", f"{notebook} does not exist yet", None))

        noop_dir = fs_dir if notebook.is_file() else work / "reports"
        noop_args = fs_args[:-1] if notebook.is_file() else [*selection[:-1], "-j", "2"]
        noop = _time(_build(noop_dir, noop_args))
        units = len(json.loads((noop_dir / "manifest.json").read_text())["run"]["units"])
        rows.append((f"no-op rebuild ({units} units, all unchanged)", f"{noop:.2f} s", "", None))

        if not args.skip_preview:
            rows.extend(_preview_loop(work, args.preview_runs))

        peak = _peak_memory([work / "one", work / "j1", work / "j2", work / "reports", fs_dir])
        rows.append(
            (
                "peak memory per worker: worker + kernel + browser (PSS)",
                f"{peak['tree']:.0f} MB",
                f"≤ {TREE_MB_MAX} MB",
                peak["tree"] <= TREE_MB_MAX,
            )
        )
        rows.append(("peak RSS of the worker process alone", f"{peak['own']:.0f} MB", "", None))
        rows.append(("peak RSS of a kernel", f"{peak['kernel']:.0f} MB", "", None))
    finally:
        _print_table(rows, args)
        if args.keep:
            print(f"outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


#: One line of the table: what, the figure, its target, whether the target is met (``None``: no target).
Row = tuple[str, str, str, "bool | None"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2023 only and 4 factsheets: checks the script runs")
    parser.add_argument("--waves", nargs="+", default=["2021", "2022", "2023"], help="waves for 1 vs 2 workers")
    parser.add_argument("--factsheets", type=int, default=73, help="how many factsheets of wave 2023 to build")
    parser.add_argument("--scaling-units", type=int, default=20, help="factsheets for 1 vs 2 workers")
    parser.add_argument("--factsheet-notebook", type=Path, default=FACTSHEET, help="factsheet notebook to use")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the plain CLI chain")
    parser.add_argument("--keep", action="store_true", help="keep the outputs")
    parser.add_argument("--startup-only", action="store_true", help="only import, --help and the no-op rebuild")
    parser.add_argument(
        "--noop-dir", type=Path, default=ROOT / "outputs", help="a current output folder of `build --all`"
    )
    parser.add_argument("--preview-only", action="store_true", help="only the preview loop (edits of a copy)")
    parser.add_argument("--skip-preview", action="store_true", help="leave out the preview loop")
    parser.add_argument("--preview-runs", type=int, default=3, help="edits of each kind in the preview loop")
    return parser


#: Runs of each start-up measurement; the median is reported.
_REPEAT = 5


def _startup(noop_dir: Path) -> list[Row]:
    """``import mpsc_report`` (-X importtime), ``mpsc-report --help`` and ``build --all`` with nothing to do."""
    imports = []
    for _ in range(_REPEAT):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import mpsc_report"], capture_output=True, text=True, check=True
        )
        line = next(x for x in done.stderr.splitlines() if x.rstrip().endswith("| mpsc_report"))
        imports.append(int(re.split(r"\s*\|\s*", line)[1]) / 1e6)
    imported = statistics.median(imports)
    rows: list[Row] = [
        ("import mpsc_report (-X importtime, cumulative)", f"{imported:.3f} s", "< 0.3 s", imported < 0.3)
    ]
    help_times = [_time([str(BIN / "mpsc-report"), "--help"]) for _ in range(_REPEAT)]
    rows.append(("mpsc-report --help (wall)", f"{statistics.median(help_times):.2f} s", "", None))
    stale = _units_to_build(noop_dir)
    if stale is None:
        rows.append(("no-op rebuild, build --all", "skipped", f"no manifest in {noop_dir}", None))
    elif stale[0]:
        rows.append(
            ("no-op rebuild, build --all", "skipped", f"{stale[0]} of {stale[1]} units in {noop_dir} not current", None)
        )
    else:
        command = [str(BIN / "mpsc-report"), "build", "--all", "--output-dir", str(noop_dir)]
        noop = statistics.median(_time(command) for _ in range(_REPEAT))
        rows.append(
            (
                f"no-op rebuild, build --all ({stale[1]} units, all unchanged)",
                f"{noop:.2f} s",
                f"< {NOOP_MAX:g} s",
                noop < NOOP_MAX,
            )
        )
    return rows


def _units_to_build(output_dir: Path) -> tuple[int, int] | None:
    """(units ``build --all`` would build, units planned) for ``output_dir``, or ``None`` without a manifest."""
    sys.path.insert(0, str(ROOT))
    from mpsc_report.pipeline.fingerprint import Fingerprinter
    from mpsc_report.pipeline.manifest import is_current, read_manifest
    from mpsc_report.pipeline.units import FORMATS, plan_units

    if not (output_dir / "manifest.json").is_file():
        return None
    kinds = ("report", "factsheet") if FACTSHEET.is_file() else ("report",)
    units = plan_units(ROOT / "params", output_dir, REPORT, kinds=kinds, factsheet_notebook=FACTSHEET)
    manifest, fingerprinter = read_manifest(output_dir), Fingerprinter()
    todo = [  # `build --all` builds every format by default: the fingerprint covers the formats asked for
        u for u in units if not is_current(manifest.units.get(u.unit_id), fingerprinter.unit(u, FORMATS), output_dir)
    ]
    return len(todo), len(units)


def _build(out: Path, extra: list[str]) -> list[str]:
    return [str(BIN / "mpsc-report"), "build", "--output-dir", str(out), *extra]


#: CPU seconds (user + system) the last command timed by :func:`_time` used, with every process it started and
#: waited for (workers, kernels, the Playwright driver, Chromium, pdftoppm).
_last_cpu = 0.0


def _time(command: list[str], cwd: Path = ROOT) -> float:
    global _last_cpu
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    _last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return seconds


def _cpu_row(what: str, seconds: float, units: int) -> Row:
    """CPU seconds per unit of the last timed build and the cores it kept busy on average (CPU / wall)."""
    return (f"  {what}: CPU per unit, cores busy", f"{_last_cpu / units:.1f} s, {_last_cpu / seconds:.2f}", "", None)


def _cli_chain(folder: Path) -> float:
    """papermill, then nbconvert to HTML and to PDF, each its own command, as a user would type them."""
    folder.mkdir(parents=True)
    executed = folder / "halftime_review.ipynb"
    commands = [
        [str(BIN / "papermill"), str(REPORT), str(executed), "-f", str(ROOT / "params" / "2023.yaml")],
        [str(BIN / "jupyter"), "nbconvert", "--to", "mpsc_html", str(executed)],
        # nbconvert's own webpdf would download a browser; mpsc_pdf is WebPDF with the system Chromium.
        [str(BIN / "jupyter"), "nbconvert", "--to", "mpsc_pdf", str(executed)],
    ]
    global _last_cpu
    seconds, cpu = 0.0, 0.0
    for command in commands:
        seconds += _time(command, cwd=folder)
        cpu += _last_cpu
    _last_cpu = cpu
    return seconds


def _projects(count: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from mpsc_report.data.load import load_register

    return list(load_register()["project_id"])[:count]


def _peak_memory(folders: list[Path]) -> dict[str, float]:
    peak = {"tree": 0.0, "own": 0.0, "kernel": 0.0}
    for folder in folders:
        manifest = folder / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text())["units"].values():
            worker = entry.get("worker") or {}
            peak["tree"] = max(peak["tree"], worker.get("peak_tree_pss_mb", 0.0))
            peak["own"] = max(peak["own"], worker.get("peak_rss_mb", 0.0))
            peak["kernel"] = max(peak["kernel"], worker.get("peak_kernel_rss_mb", 0.0))
    return peak


# --- the preview loop (mpsc-report preview) ---------------------------------------------------------------------


def _preview_loop(work: Path, runs: int) -> list[Row]:
    """Time ``mpsc-report preview`` on copies of the 2023 report notebook and the sample data.

    Each figure is the median of ``runs`` edits, from the moment the edited file is in place until the page
    fetched from the preview shows the edit: the preview noticed it, rendered and published the page, the reload
    channel announced the new version, and the page was fetched (what an open browser does before it repaints).
    """
    folder = work / "preview"
    data, params_dir = folder / "data", folder / "params"
    shutil.copytree(ROOT / "mpsc_report" / "data" / "sample", data)
    params_dir.mkdir()
    params = (ROOT / "params" / "2023.yaml").read_text().replace('data: "sample"', f'data: "{data}"')
    (params_dir / "2023.yaml").write_text(params)
    notebook = folder / "halftime_review.ipynb"
    shutil.copy(REPORT, notebook)
    command = [str(BIN / "mpsc-report"), "preview", "--notebook", str(notebook), "--params-dir", str(params_dir)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        cells = json.loads(notebook.read_text())["cells"]
        # The first Markdown cell with a heading and the first code cell that sets a caption: found, not numbered,
        # so the loop keeps measuring when the notebook's cells change.
        m_index = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and _heading(c))
        c_index = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and 'caption="' in _source(c))
        markdown, code = "".join(cells[m_index]["source"]), "".join(cells[c_index]["source"])
        heading = _heading(cells[m_index])
        preview = _Preview(proc)
        preview.wait_for(lambda page: heading in page, timeout=300)
        first = time.perf_counter() - start
        timings: dict[str, list[tuple[float, float]]] = {"markdown": [], "code": [], "data": []}
        for run in range(1, runs + 1):
            word = f"Messlauf{run}"
            edited = markdown.replace(f"## {heading}", f"## {heading} {word}", 1)
            edit = functools.partial(_edit_cell, notebook, m_index, edited)
            timings["markdown"].append(preview.timed_edit(edit, f"{heading} {word}"))
            edit = functools.partial(_edit_cell, notebook, c_index, code.replace('caption="', f'caption="{word}: ', 1))
            timings["code"].append(preview.timed_edit(edit, f"{word}: "))
            edit = functools.partial(_edit_answer, data / "wave_2023.csv", run)
            timings["data"].append(preview.timed_edit(edit, None))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    if os.environ.get("MPSC_BENCH_PREVIEW_LOG"):  # the preview's own lines: what each render spent its time on
        print("\n".join(preview.lines), file=sys.stderr)
    rows: list[Row] = [("preview: start to first page (kernel, first run)", f"{first:.1f} s", "", None)]
    for kind, limit in (("Markdown", 2.0), ("code", 6.0), ("data", 6.0)):
        wall = statistics.median(w for w, _ in timings[kind.lower()])
        cpu = statistics.median(c for _, c in timings[kind.lower()])
        rows.append(
            (
                f"preview: {kind} edit -> page updated (median of {runs})",
                f"{wall:.2f} s",
                f"≤ {limit:g} s",
                wall <= limit,
            )
        )
        rows.append(("  CPU seconds it took (preview + kernel): the time on an idle machine", f"{cpu:.2f} s", "", None))
    return rows


class _Preview:
    """A running ``mpsc-report preview``: its address, its reload channel and its page."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 300
        while not (found := [m for line in self.lines if (m := re.search(r"127\.0\.0\.1:(\d+)/", line))]):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"mpsc-report preview did not start: {self.lines[-5:]}")
            time.sleep(0.05)
        self.port = int(found[0][1])
        self.versions: list[int] = []
        threading.Thread(target=self._listen, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def _listen(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        connection.request("GET", "/_preview/events")
        kind = ""
        for raw in connection.getresponse():
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "version":
                self.versions.append(int(line[6:]))

    def page(self) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", "/")
            return connection.getresponse().read().decode()
        finally:
            connection.close()

    def wait_for(self, ready, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while not ready(page := self.page()):
            if time.monotonic() > deadline:
                raise SystemExit(f"the preview page did not show the change within {timeout} s: {self.lines[-3:]}")
            time.sleep(0.2)
        return page

    def cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the preview and the processes it started (its kernel)."""
        import psutil

        total = 0.0
        root = psutil.Process(self.proc.pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def timed_edit(self, edit, expect: str | None) -> tuple[float, float]:
        """Seconds from an edit until a new version is announced and its page (checked for ``expect``) fetched.

        Returns the wall-clock seconds and the CPU seconds the preview and its kernel spent meanwhile: on a busy
        machine the wall clock waits for other processes, the CPU time is what an idle machine would take (the
        preview and its kernel take turns, so their CPU times add up).
        """
        while not self.versions:
            time.sleep(0.05)
        time.sleep(1.0)  # let the watcher settle on the previous state
        before = self.versions[-1]
        cpu = self.cpu_seconds()
        edit()
        start = time.perf_counter()
        deadline = time.monotonic() + 120
        while not self.versions or self.versions[-1] <= before:
            if time.monotonic() > deadline:
                raise SystemExit(f"the preview did not publish a new page within 120 s: {self.lines[-3:]}")
            time.sleep(0.01)
        page = self.page()
        seconds = time.perf_counter() - start
        if 'class="mpsc-preview-problem"' in page or (expect is not None and expect not in page):
            problem = page.split('class="mpsc-preview-problem"')[-1][:1500] if "preview-problem" in page else ""
            raise SystemExit(f"the preview's page does not show the edit: {self.lines[-6:]}\n{problem}")
        return seconds, self.cpu_seconds() - cpu


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _heading(cell: dict) -> str:
    """The text of a Markdown cell's first ``## `` heading ("" when it has none)."""
    first = "".join(cell["source"]).splitlines()[:1]
    return first[0][3:].strip() if first and first[0].startswith("## ") else ""


def _edit_cell(notebook: Path, index: int, source: str) -> None:
    """Set one cell's source, saved as JupyterLab saves (a temporary file renamed into place)."""
    nb = json.loads(notebook.read_text())
    nb["cells"][index]["source"] = source
    temporary = notebook.with_suffix(".tmp")
    temporary.write_text(json.dumps(nb, ensure_ascii=False, indent=1))
    os.replace(temporary, notebook)


def _edit_answer(answers: Path, run: int) -> None:
    """Change the first respondent's free-text challenge (a valid edit of the data)."""
    with answers.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("challenge")
    rows[1][column] = rows[1][column].split(" (Messlauf")[0] + f" (Messlauf {run})"
    temporary = answers.parent.parent / f".{answers.name}.tmp"  # outside the watched folder, same file system
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    os.replace(temporary, answers)


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu_pressure() -> str:
    """Share of time some runnable task waited for a CPU (Linux pressure stall information), last 10 s/60 s/300 s.

    On the shared 2-core machine this says how much of the run the other work took from the builds.
    """
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"
    values = dict(item.split("=") for item in line.split()[1:])
    return "/".join(f"{float(values[k]):.0f} %" for k in ("avg10", "avg60", "avg300")) + " (10 s/60 s/300 s)"


def _print_table(rows: list[Row], args: argparse.Namespace) -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quick = " (quick)" if args.quick else ""
    print(f"\nmpsc-report build benchmark — {cores} core(s), load average {_load()}{quick}")
    print(f"CPU pressure at the end: {_cpu_pressure()}")
    width = max((len(r[0]) for r in rows), default=10)
    print(f"{'measurement':<{width}}  {'result':>14}  {'target':<24}  met")
    for name, value, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"{name:<{width}}  {value:>14}  {target:<24}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
