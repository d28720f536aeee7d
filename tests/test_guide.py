"""The recipes of docs/guide.md work as written: each is applied to a copy of the project, which is built in German
and in English.

The code blocks are read from the guide's Markdown, so the test breaks when the guide is wrong: the shell commands
of "Eine Welle hinzufügen" run as they stand, the blocks titled with a file go into that file of the copy (a
metric into ``metrics.py``, a text into the catalogue's ``_TEXTS``, cells into the notebook, Markdown cells with
their ``lang-*`` tags). The copy runs with ``PYTHONPATH`` on its own package, so the build's kernel imports the
edited package, never the one under test. One HTML build per language covers all recipes.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from survey_files import SAMPLE, sample_rows, set_cell

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"

pytestmark = pytest.mark.e2e

#: A fenced code block: indentation, language, attributes (``title="…" tags="…"``), content.
_FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>\w+)(?P<attrs>[^\n]*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S)


def recipes() -> dict[str, list[dict[str, str]]]:
    """The guide's code blocks per recipe (level-2 heading): language, attributes and content (dedented)."""
    text = GUIDE.read_text(encoding="utf-8")
    headings = []  # (offset, title) of the level-2 headings outside code blocks
    fence, offset = False, 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence and line.startswith("## "):
            headings.append((offset, line[3:].strip()))
        offset += len(line)
    found: dict[str, list[dict[str, str]]] = {title: [] for _, title in headings}
    for match in _FENCE.finditer(text):
        title = [t for start, t in headings if start < match.start()][-1]
        indent = len(match["indent"])
        lines = [line[indent:] for line in match["body"].splitlines()]
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', match["attrs"]))
        found[title].append({"lang": match["lang"], **attrs, "code": "\n".join(lines) + "\n"})
    return found


def shell_commands(code: str) -> list[list[str]]:
    """The ``.venv/bin/mpsc-report`` commands of a shell block, continuation lines joined."""
    joined = code.replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in joined.splitlines() if line.startswith(".venv/bin/mpsc-report ")]


def run(project: Path, args: list[str]) -> subprocess.CompletedProcess:
    """``mpsc-report ARGS`` in the copy, with the copy's package first on the path (the kernel inherits it)."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "mpsc_report.cli", *args], cwd=project, env=env, capture_output=True, text=True
    )


def export_2024(project: Path) -> None:
    """``export.csv`` and ``partners.csv`` of a wave 2024: the 2023 sample, a year later."""
    header, rows = sample_rows(73)
    for row in rows:
        set_cell(header, row, "wave", "2024")
        set_cell(header, row, "respondent_id", row[header.index("respondent_id")].replace("R2023-", "R2024-"))
        set_cell(header, row, "submitted", row[header.index("submitted")].replace("2023-", "2024-"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (project / "export.csv").write_text(buffer.getvalue(), encoding="utf-8")
    shutil.copy(SAMPLE / "partners_2023.csv", project / "partners.csv")


def apply_to_file(project: Path, block: dict[str, str]) -> None:
    path = project / block["title"]
    text = path.read_text(encoding="utf-8")
    if path.name == "words.py":  # a text of the notebook: an entry of _TEXTS
        anchor = "_TEXTS: dict[str, str] = {\n"
        assert anchor in text
        text = text.replace(anchor, anchor + block["code"], 1)
    else:  # a new function: at the end of the module
        text = text.rstrip("\n") + "\n\n\n" + block["code"]
    path.write_text(text, encoding="utf-8")


def cell(block: dict[str, str]) -> nbformat.NotebookNode:
    source = block["code"].rstrip("\n")
    new = nbformat.v4.new_markdown_cell(source) if block["lang"] == "markdown" else nbformat.v4.new_code_cell(source)
    if block.get("tags"):
        new.metadata["tags"] = block["tags"].split()
    return new


def insert_cells(notebook: Path, cells: list[nbformat.NotebookNode], where) -> None:
    nb = nbformat.read(notebook, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if where(c))
    nb.cells[index:index] = cells
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, str]:
    """A copy of the project with every recipe applied, built in German (wave 2024) and in English."""
    project = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("mpsc_report", "notebooks", "params"):
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    notebook = project / "notebooks" / "halftime_review.ipynb"
    steps = recipes()

    # Eine Abbildung hinzufügen (its text from "Einen Text übersetzen")
    figure = steps["Eine Abbildung hinzufügen"]
    for block in [b for b in figure if b.get("title", "").endswith(".py")] + steps["Einen Text übersetzen"]:
        apply_to_file(project, block)
    [figure_cell] = [cell(b) for b in figure if b.get("title", "").endswith(".ipynb")]
    after = 'caption="Neue Stellen nach Art der Kommune"'
    nb = nbformat.read(notebook, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if after in c.source)
    nb.cells.insert(index + 1, figure_cell)
    nbformat.write(nb, notebook)

    # Einen Abschnitt hinzufügen: before "11 Methode und Datengrundlage" (chapters numbered since issue 11)
    section = [cell(b) for b in steps["Einen Abschnitt hinzufügen"] if b.get("title", "").endswith(".ipynb")]
    insert_cells(notebook, section, lambda c: c.source.startswith("## 11 Methode und Datengrundlage"))

    # Eine Welle hinzufügen: the commands as they stand (the build as HTML only)
    export_2024(project)
    [shell] = [b for b in steps["Eine Welle hinzufügen"] if b["lang"] == "sh"]
    outputs = {}
    for args in shell_commands(shell["code"]):
        if args[0] == "build":
            args = [*args, "--format", "html"]
        done = run(project, args)
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-5000:])
        outputs[args[0]] = done.stdout + done.stderr

    # The English build of the same wave: params copied, language and title in English (README, guide)
    english = project / "params-en"
    english.mkdir()
    values = yaml.safe_load((project / "params" / "2024.yaml").read_text(encoding="utf-8"))
    values |= {"language": "en", "title": "Smart Cities model projects: halftime review", "subtitle": "Wave 2024"}
    (english / "2024.yaml").write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    done = run(project, ["build", "--params-dir", "params-en", "--output-dir", "outputs-en", "--format", "html"])
    assert done.returncode == 0, done.stderr[-5000:]
    return {
        "project": str(project),
        "de": (project / "outputs" / "2024" / "halftime_review.html").read_text(encoding="utf-8"),
        "en": (project / "outputs-en" / "2024" / "halftime_review.html").read_text(encoding="utf-8"),
        **outputs,
    }


def figure_of(page: str, caption: str) -> tuple[int, str, str]:
    """Number, alt text and chart text (from the embedded SVG) of the figure with ``caption``."""
    for match in re.finditer(r'<figure class="mpsc-figure" id="abbildung-(\d+)"[^>]*>(.*?)</figure>', page, flags=re.S):
        number, inner = int(match[1]), match[2]
        if caption not in inner.split("<figcaption", 1)[-1]:
            continue
        alt = html.unescape(re.search(r'alt="([^"]*)"', inner)[1])
        svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', inner)[1]).decode("utf-8")
        return number, alt, " | ".join(re.findall(r"<!-- (.*?) -->", svg))
    raise AssertionError(f"no figure with the caption {caption!r}")


def test_a_new_wave_gets_its_own_data_folder_and_params_and_the_sample_stays_as_it_was(built):
    project = Path(built["project"])
    data = project / "data"
    assert sorted(p.name for p in data.glob("wave_*.csv")) == [
        f"wave_{w}.csv" for w in ("2021", "2022", "2023", "2024")
    ]
    assert (data / "wave_2024.csv").read_bytes() == (project / "export.csv").read_bytes()  # copied unchanged
    assert (data / "partners_2024.csv").is_file() and (data / "dataset.yaml").is_file()
    params = yaml.safe_load((project / "params" / "2024.yaml").read_text(encoding="utf-8"))
    assert params["wave"] == "2024" and params["comparison_wave"] == "2023" and params["data"] == "../data"
    assert (params["field_start"], params["field_end"]) == ("2024-11-11", "2024-12-20")
    sample = project / "mpsc_report" / "data" / "sample"
    assert sorted(p.name for p in sample.iterdir()) == sorted(p.name for p in SAMPLE.iterdir())
    assert "no problems" in built["new-wave"] and "no problems" in built["validate"]
    assert "Befragungswelle 2024" in built["de"] and "Survey wave 2024" in built["en"]


def test_the_new_figure_has_its_data_table_english_labels_and_alt_text(built):
    # typesetting joins "Abbildung 4" and "Cohort 2021" with a no-break space: compared as a reader reads them
    built = {language: built[language].replace("\u00a0", " ") for language in ("de", "en")}
    number, alt, chart = figure_of(built["de"], "Neue Stellen nach Staffel")
    assert f"Daten zu Abbildung {number}</summary>" in built["de"] and "Staffel 2019" in chart
    assert alt.startswith("Balkendiagramm: Neue Stellen nach Staffel.") and "Staffel 20" in alt
    same, alt, chart = figure_of(built["en"], "New positions by cohort")
    assert same == number and f"Data for figure {number}</summary>" in built["en"]
    assert "Cohort 2019" in chart and "Staffel" not in chart
    assert alt.startswith("Bar chart: New positions by cohort.") and "Cohort 20" in alt and "Staffel" not in alt
    table = built["en"][built["en"].index(f'id="abbildung-{number}-daten"') :].split("</table>")[0]
    assert ">Cohort<" in table and ">Cohort 2021<" in table


def test_the_new_section_has_its_english_twin(built):
    for language, shown, hidden in (("de", "Ausblick", "Outlook"), ("en", "Outlook", "Ausblick")):
        page = built[language]
        assert page.count(shown) >= 2, language  # the contents and the heading
        assert hidden not in page, language
    assert "In the second half of the funding" in built["en"] and "In der zweiten Hälfte" in built["de"]


def test_the_guide_is_read_as_the_recipes_it_holds():
    steps = recipes()
    assert [len(steps[r]) for r in ("Eine Welle hinzufügen", "Eine Abbildung hinzufügen")] == [1, 2]
    section = steps["Einen Abschnitt hinzufügen"]
    assert [(b["lang"], b.get("tags")) for b in section] == [
        ("markdown", "lang-de"),
        ("markdown", "lang-en"),
        ("python", None),
    ]
    assert section[0]["code"].startswith("## Ausblick\n")
    commands = shell_commands(steps["Eine Welle hinzufügen"][0]["code"])
    assert [c[0] for c in commands] == ["new-wave", "validate", "build", "diff"] and "--field-end" in commands[0]


def test_diff_of_the_new_wave_runs_as_written(built):
    assert built["diff"].strip()
