"""Provenance: hashes, params, versions and git state are recorded, escaped in the colophon and JSON-safe."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

import mpsc_report as mr
from mpsc_report.data.load import InputFile, file_sha256
from mpsc_report.documents import provenance as pv
from mpsc_report.documents.contract import Colophon, read_block, read_document

ROOT = Path(__file__).resolve().parents[1]


def test_records_files_with_sha256_params_versions_and_time(tmp_path):
    data = tmp_path / "wave_2023.csv"
    data.write_bytes(b"a,b\n1,2\n")
    read = InputFile(data, file_sha256(data))
    record = pv.collect_provenance(
        [read, read], {"wave": "2023"}, root=tmp_path, now=datetime(2024, 2, 7, 9, 30, tzinfo=UTC)
    )
    assert record.files == (pv.DataFile("wave_2023.csv", hashlib.sha256(b"a,b\n1,2\n").hexdigest()),)
    assert record.params == {"wave": "2023"} and record.codebook == "—"
    assert record.built_at == "2024-02-07T09:30:00+00:00"
    assert list(record.versions)[:2] == ["python", "mpsc-report"]
    assert {"pandas", "matplotlib", "papermill", "nbconvert", "playwright"} <= record.versions.keys()
    stored = json.loads(json.dumps(Colophon(provenance=record).metadata()))  # as it travels in a notebook
    assert read_block({"metadata": stored}).provenance == record


def test_git_state_is_unknown_outside_a_checkout(tmp_path):
    assert pv.git_state(tmp_path) == ("unbekannt", None)
    record = pv.collect_provenance([], {}, root=tmp_path)
    assert record.git_label == "unbekannt"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_and_dirty_flag(tmp_path):
    def git(*args):
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    (tmp_path / "f.txt").write_text("1")
    git("add", "f.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
    head = git("rev-parse", "HEAD").strip()
    assert pv.git_state(tmp_path) == (head, False)
    (tmp_path / "f.txt").write_text("2")
    assert pv.git_state(tmp_path) == (head, True)
    assert pv.collect_provenance([], {}, root=tmp_path).git_label.endswith("(mit nicht eingecheckten Änderungen)")


def test_colophon_lists_every_file_read_and_is_escaped():
    # Issue 11: the hashes moved from the reader's page into the record (metadata and sidecar); the page is escaped.
    params = mr.load_params(ROOT / "params" / "2023.yaml")
    hostile = params.publication.model_copy(update={"publisher": "<script>x</script>"})
    report = mr.open_report(params.model_copy(update={"publication": hostile}))
    block = report.colophon()
    names = [p.name for p in report.data_files]
    assert names[-1] == "projects.csv" and "wave_2023.csv" in names and "partners_2021.csv" in names
    recorded = {f["sha256"] for f in block.metadata["mpsc_report"]["provenance"]["files"]}
    for path in report.data_files:
        assert file_sha256(path) in recorded and file_sha256(path) not in block.html
    assert not re.search(r"[0-9a-f]{64}", block.html)  # no SHA-256 on a reader's page
    assert "<script>" not in block.html and "&lt;script&gt;" in block.html
    meta = block.metadata["mpsc_report"]
    assert meta["role"] == "colophon" and meta["provenance"]["params"]["wave"] == "2023"
    json.dumps(block.metadata, allow_nan=False)  # travels in notebook metadata


def test_document_metadata_from_an_executed_notebook():
    report = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))
    data, metadata = report.colophon()._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("report.colophon()", outputs=[output])])
    found = pv.document_metadata(read_document(nb))
    assert "Welle 2023" in found["keywords"]
    assert "mpsc_report/data/sample/wave_2023.csv sha256:" in found["mpsc:data-files"]
    assert json.loads(found["mpsc:provenance"])["params"]["comparison_wave"] == "2022"
    assert pv.document_metadata(read_document(nbformat.v4.new_notebook())) == {}


def test_readers_get_one_line_and_the_sidecar_gets_the_whole_record():
    report = mr.open_report(mr.load_params(ROOT / "params" / "2023.yaml"))
    record = report.provenance()
    line = pv.reader_line(record, report.data_as_of)
    assert line.startswith("Datenstand: Befragungswelle 2023, Ende der Befragung 15.")
    assert f"erzeugt mit mpsc-report {record.versions['mpsc-report']}, Nachweis in der Begleitdatei" in line
    assert pv.reader_line(record, "survey wave 2023", "en").startswith("Data as of: survey wave 2023; generated")
    data, metadata = report.colophon()._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("report.colophon()", outputs=[output])])
    sidecar = json.loads(pv.sidecar_json(read_document(nb)))
    assert sidecar["format"] == "mpsc-report provenance" and sidecar["format_version"] == pv.SIDECAR_FORMAT
    assert sidecar["document"]["wave"] == "2023" and sidecar["document"]["sample_data"] is False  # no title page
    assert {f["sha256"] for f in sidecar["provenance"]["files"]} == {f.sha256 for f in record.files}
    assert sidecar["numbers"]["datasets_total"] == 1043
    assert pv.sidecar_json(read_document(nbformat.v4.new_notebook())) is None
