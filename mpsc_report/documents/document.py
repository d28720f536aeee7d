"""What a wave report and a project factsheet both know of their data: the loaded waves, source lines, provenance.

Each property is written once here; :class:`~mpsc_report.documents.report.Report` and
:class:`~mpsc_report.documents.factsheet.Factsheet` add what only they show.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..analysis import charts, metrics
from ..data.load import WaveData
from ..data.params import FactsheetParams, WaveParams
from ..data.validation import DataQuality
from ..data.waves import Waves
from .blocks import Blocks
from .provenance import Provenance, collect_provenance


class WaveDocument(Blocks):
    """A document built from one wave's data (:class:`~mpsc_report.data.waves.Waves`), with the generic blocks."""

    params: WaveParams | FactsheetParams

    def __init__(self, params: WaveParams | FactsheetParams, data: Waves) -> None:
        super().__init__()
        self.params = params
        self.data = data

    @property
    def register(self) -> pd.DataFrame:
        """The register of the model projects."""
        return self.data.register

    @property
    def project_names(self) -> dict[str, str]:
        """Each project's name for running text and tables (project_id -> name), e.g. in the network appendix."""
        return metrics.display_names(self.register)

    @property
    def waves(self) -> Mapping[str, WaveData]:
        """Every wave up to the document's, oldest first (wave id -> data)."""
        return self.data.waves

    @property
    def current(self) -> WaveData:
        """The wave the document is about."""
        return self.data.current

    @property
    def responses(self) -> pd.DataFrame:
        """Answers of the current wave."""
        return self.current.responses

    @property
    def quality(self) -> DataQuality:
        """What intake and validation did with the current wave's files (for the data-quality appendix)."""
        return self.current.quality

    @property
    def synthetic(self) -> bool:
        """Whether the data are the synthetic sample (then every output says so)."""
        return self.data.dataset.synthetic

    @property
    def source(self) -> str:
        """Source line for charts of the current wave (n = its answers)."""
        return self.source_for(len(self.responses))

    def source_for(self, n: int, waves: str | None = None) -> str:
        """Source line for a chart based on ``n`` answers of the current wave (or of ``waves``, e.g. "2021–2023")."""
        return charts.source_line(waves or self.params.wave, n, self.synthetic, self.params.language)

    @property
    def wave_span(self) -> str:
        """The waves read, as a range: "2021–2023" (or the one wave)."""
        ids = list(self.waves)
        return ids[0] if len(ids) == 1 else f"{ids[0]}–{ids[-1]}"

    @property
    def data_files(self) -> list[Path]:
        """Every file the document read: answers and partner lists, codebooks, ``dataset.yaml``, the register."""
        return [file.path for file in self.data.files]

    def provenance(self) -> Provenance:
        """Provenance record: data files with SHA-256 (as they were read), params, codebook, versions, git, time."""
        codebook = ", ".join(self.data.codebooks) or None
        return collect_provenance(self.data.files, self.params.to_notebook(), codebook=codebook)
