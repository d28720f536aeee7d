"""Packaging stays consistent: environment.yml lists what pyproject.toml lists, entry points resolve."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: pip requirement -> the conda packages that provide it.
CONDA_NAMES = {"nbconvert[webpdf]": ["nbconvert", "playwright"], "pyyaml": ["pyyaml"]}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *extras["test"], *extras["dask"], *extras["dev"]]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    # Packages conda-forge lacks come from PyPI through the pip section.
    pip = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict)), [])
    listed = [d for d in env["dependencies"] if isinstance(d, str) and d != "pip"] + [d for d in pip if d != "-e ."]
    conda = dict(_split(d) for d in listed)
    assert conda.pop("python") == "=3.11"
    expected: dict[str, str] = {}
    for requirement in wanted:
        name, spec = _split(requirement)
        for conda_name in CONDA_NAMES.get(name, [name]):
            expected[conda_name] = spec if conda_name == name.split("[")[0] else ""
    assert conda == expected


def test_exporters_are_registered_for_nbconvert():
    names = {ep.name: ep.value for ep in entry_points(group="nbconvert.exporters")}
    assert names["mpsc_html"] == "mpsc_report.documents.export:ReportHTMLExporter"
    assert names["mpsc_pdf"] == "mpsc_report.documents.export:ReportPDFExporter"
    for name in ("mpsc_html", "mpsc_pdf"):
        next(ep for ep in entry_points(group="nbconvert.exporters") if ep.name == name).load()


def test_console_script_is_declared():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"mpsc-report": "mpsc_report.cli:main"}


def test_the_test_command_checks_the_import_contracts_before_pytest():
    [line] = [x for x in (ROOT / "make.sh").read_text().splitlines() if x.strip().startswith("test)")]
    assert 0 < line.index("lint-imports") < line.index("pytest")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["root_package"] == "mpsc_report"
    contracts = {c["type"]: c for c in config["contracts"]}
    wings = ["pipeline", "documents", "analysis", "data"]
    assert contracts["layers"]["layers"] == [f"mpsc_report.{w}" for w in wings]
    assert contracts["protected"]["protected_modules"] == ["mpsc_report.cli"]
    assert contracts["protected"]["allowed_importers"] == []
    assert contracts["acyclic_siblings"]["ancestors"] == ["mpsc_report"]
    underneath = contracts["forbidden"]
    assert set(underneath["source_modules"]) == {"mpsc_report.errors", "mpsc_report.write"}
    assert set(underneath["forbidden_modules"]) >= {f"mpsc_report.{w}" for w in [*wings, "cli"]}


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./make.sh test" in readme and "./make.sh report" in readme
    assert ci.strip().splitlines()[-1] == "./make.sh test"
