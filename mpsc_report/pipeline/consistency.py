"""The consistency gate of a build: a number two documents both state must be the same in both.

After a batch, every unit with current outputs has its numbers in the manifest, read from its document contract
(never from its text): the wave report's tiles, tables, figure data and network appendix, each factsheet's figures,
medians and partner row, and the numbers of its open-data files (Tabellenband, CSV) as read back from the
written files. Keys are those of the indicator catalogue (:mod:`mpsc_report.analysis.indicators`); a key
without a wave is about the document's wave (``datasets_total`` in the 2022 report is ``datasets_total[wave=2022]``,
which the 2023 report states in its development across the waves). :func:`check_numbers` compares them, a pure
function; :func:`check_manifest` runs it over a build's manifest, and the batch raises :class:`InconsistentNumbers`
(exit code 1) naming each indicator, the documents and their values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..analysis.indicators import canonical_key, same_number
from ..analysis.words import describe_key
from ..errors import MpscReportError
from .manifest import Manifest

#: How many disagreements the error message lists (all of them are in :attr:`InconsistentNumbers.disagreements`).
LISTED = 20

#: Unit statuses whose outputs are current (a stale unit's numbers are those of outputs marked out of date).
_CURRENT = ("built", "skipped")


@dataclass(frozen=True)
class Stated:
    """The numbers one document states: its unit id, wave, the data it was built from and its numbers by key."""

    unit: str
    wave: str
    source: str
    numbers: Mapping[str, int | float | None]


@dataclass(frozen=True)
class Disagreement:
    """One key stated with different values: (unit id, value) of every document that states it."""

    key: str
    values: tuple[tuple[str, int | float | None], ...]

    def __str__(self) -> str:
        shown = "; ".join(f"{_shown(value)} in {unit}" for unit, value in self.values)
        return f"{describe_key(self.key)} ({self.key}): {shown}"


class InconsistentNumbers(MpscReportError):
    """Two documents of a build state different values for the same indicator."""

    exit_code = 1

    def __init__(self, disagreements: list[Disagreement]) -> None:
        self.disagreements = disagreements
        listing = "\n".join(f"  - {d}" for d in disagreements[:LISTED])
        more = f"\n  … and {len(disagreements) - LISTED} more" if len(disagreements) > LISTED else ""
        super().__init__(
            f"numbers differ between documents: {len(disagreements)} indicator(s) are stated with different values "
            f"(the outputs are written; the manifest has every document's numbers):\n{listing}{more}\n"
            "Each document must compute an indicator with the same metric; fix the block that states the odd value."
        )


def check_numbers(documents: Iterable[Stated]) -> list[Disagreement]:
    """Every key two documents built from the same data state with different values, in key order.

    Values are compared as shown (nine significant digits); None (unknown) differs from every number.
    """
    seen: dict[tuple[str, str], dict[str, int | float | None]] = {}
    conflicts: set[tuple[str, str]] = set()
    for document in documents:
        for key, value in document.numbers.items():
            group = (document.source, canonical_key(key, document.wave))
            stated = seen.setdefault(group, {})
            if document.unit in stated and same_number(stated[document.unit]) != same_number(value):
                conflicts.add(group)  # one document states the key twice, differently
            stated.setdefault(document.unit, value)
    for group, stated in seen.items():
        if len({same_number(value) for value in stated.values()}) > 1:
            conflicts.add(group)
    return [Disagreement(key, tuple(sorted(seen[(source, key)].items()))) for source, key in sorted(conflicts)]


def documents_of(manifest: Manifest) -> list[Stated]:
    """The documents of a manifest whose outputs are current, with the numbers they state.

    A unit's open-data files count as documents of their own, one per format (``2023/report [xlsx]``,
    ``2023/report [csv]``), with the numbers the build read back from the written files: a Tabellenband or CSV
    file that states another value than its document is a disagreement like one between two documents.
    """
    found = []
    for unit_id, entry in sorted(manifest.units.items()):
        if entry.status not in _CURRENT or entry.stale or not entry.numbers:
            continue
        source = _source(entry.params, entry.params_file)
        found.append(Stated(unit_id, entry.wave, source, entry.numbers))
        for format, numbers in sorted(entry.open_data_numbers.items()):
            found.append(Stated(open_data_unit(unit_id, format), entry.wave, source, numbers))
    return found


def open_data_unit(unit_id: str, format: str) -> str:
    """How a disagreement names a unit's open-data files of one format: ``2023/report [xlsx]``."""
    return f"{unit_id} [{format}]"


def check_manifest(manifest: Manifest) -> list[Disagreement]:
    """:func:`check_numbers` over the current documents of a build's manifest."""
    return check_numbers(documents_of(manifest))


def enforce(manifest: Manifest) -> None:
    """Raise :class:`InconsistentNumbers` when two documents of the manifest disagree on a number."""
    disagreements = check_manifest(manifest)
    if disagreements:
        raise InconsistentNumbers(disagreements)


def _source(params: Mapping[str, object], params_file: str | None) -> str:
    """The data a document was built from: the bundled sample, or a folder (relative to the params file)."""
    data = str(params.get("data", ""))
    if data in ("", "sample") or PurePosixPath(data).is_absolute() or params_file is None:
        return data
    return str(PurePosixPath(params_file).parent / data)


def _shown(value: int | float | None) -> str:
    return "unknown" if value is None else f"{value:g}"
