"""Builds shared by several test modules: building a report is expensive, so each is built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mpsc_report.pipeline.build import build_unit
from mpsc_report.pipeline.units import FORMATS, plan_units

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "halftime_review.ipynb"

#: The factsheets built for the checks of every PDF the build writes (tests/test_pdfua.py).
FACTSHEETS = ("koeln", "ulm")


def _build_all(units) -> None:
    results = [build_unit(unit, FORMATS) for unit in units]  # HTML, PDF and the open data
    failures = {r.unit.name: r.error for r in results if not r.ok}
    assert not failures


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Output folder with every wave report of ``params/`` (HTML, PDF, notebook, Tabellenband, CSV)."""
    out = tmp_path_factory.mktemp("outputs")
    _build_all(plan_units(ROOT / "params", out, NOTEBOOK))
    return out


@pytest.fixture(scope="session")
def built_english(tmp_path_factory) -> Path:
    """Output folder of the 2023 report in English (``<out>/2023/halftime_review.{html,pdf}``)."""
    tmp = tmp_path_factory.mktemp("en")
    params_dir = tmp / "params"
    params_dir.mkdir()
    values = yaml.safe_load((ROOT / "params" / "2023.yaml").read_text(encoding="utf-8"))
    values |= {
        "language": "en",
        "title": "Halftime review: Smart Cities model projects",
        "subtitle": "Results of the project monitoring, survey wave end of 2023",
    }
    (params_dir / "2023.yaml").write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    _build_all(plan_units(params_dir, tmp / "out", NOTEBOOK))
    return tmp / "out"


@pytest.fixture(scope="session")
def built_factsheets(tmp_path_factory) -> Path:
    """Output folder with the 2023 factsheets of :data:`FACTSHEETS` (``<out>/2023/factsheets/<id>.pdf``)."""
    out = tmp_path_factory.mktemp("factsheets")
    _build_all(plan_units(ROOT / "params", out, NOTEBOOK, ["2023"], kinds=("factsheet",), projects=FACTSHEETS))
    return out
