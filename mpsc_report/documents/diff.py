"""Compare the numbers of two waves or two builds: indicator, A, B, change and the direction word."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..analysis.formatting import format_int, format_number
from ..analysis.narrative import direction_word
from ..analysis.numbers import DECIMAL_INDICATORS, wave_numbers
from ..errors import MpscReportError
from .contract import read_document


class DiffError(MpscReportError):
    """A diff source (params file, wave id, build folder, notebook) cannot be read."""

    exit_code = 2


@dataclass(frozen=True)
class Change:
    """One indicator in two sources."""

    indicator: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """B − A, or None when either side is missing."""
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def direction(self) -> str:
        """The direction word: "gestiegen", "gesunken", "unverändert", or "nicht vergleichbar"."""
        return "nicht vergleichbar" if self.delta is None else direction_word(self.a, self.b)


def numbers_of(source: str, params_dir: Path = Path("params")) -> tuple[str, dict[str, float | None]]:
    """Read the numbers of a source for :func:`compare`.

    Parameters
    ----------
    source : str
        A wave id (``"2023"``, looked up in ``params_dir``), a params file, an executed report notebook
        (``.ipynb``) or a build output folder (``outputs/2023``) holding one.
    params_dir : Path
        Where wave ids are looked up.

    Returns
    -------
    tuple of (str, dict)
        A short name for the table header and the numbers by indicator.
    """
    path = Path(source)
    if path.is_dir():
        notebooks = sorted(p for p in path.glob("*.ipynb") if not p.name.endswith(".failed.ipynb"))
        if len(notebooks) != 1:
            raise DiffError(f"{path}: expected one executed report notebook (*.ipynb), found {len(notebooks)}.")
        path = notebooks[0]
    if path.suffix == ".ipynb":
        return _numbers_from_notebook(path)
    if path.suffix in (".yaml", ".yml"):
        return _numbers_from_params(path)
    wave_file = params_dir / f"{source}.yaml"
    if wave_file.is_file():
        return _numbers_from_params(wave_file)
    raise DiffError(
        f"{source!r} is neither a wave with a params file in {params_dir}, a params file, "
        "an executed notebook nor a build folder (e.g. outputs/2023)."
    )


def compare(a: dict[str, float | None], b: dict[str, float | None]) -> list[Change]:
    """Pair the indicators of two sources (A's order, then those only B has)."""
    names = [*a, *(k for k in b if k not in a)]
    return [Change(name, a.get(name), b.get(name)) for name in names]


def format_table(changes: list[Change], name_a: str, name_b: str, only_changed: bool = False) -> str:
    """A plain-text table: Kennzahl, A, B, Änderung, Richtung (German number formats)."""
    rows = [c for c in changes if not only_changed or c.direction != "unverändert"]
    header = ("Kennzahl", name_a, name_b, "Änderung", "Richtung")
    body = [
        (c.indicator, _fmt(c.indicator, c.a), _fmt(c.indicator, c.b), _fmt(c.indicator, c.delta, True), c.direction)
        for c in rows
    ]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(5)]
    lines = []
    for index, row in enumerate((header, *body)):
        cells = [row[0].ljust(widths[0]), *(row[i].rjust(widths[i]) for i in (1, 2, 3)), row[4]]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    changed = sum(1 for c in changes if c.direction not in ("unverändert",))
    lines.append(f"{changed} von {len(changes)} Kennzahlen geändert.")
    return "\n".join(lines)


def _numbers_from_params(path: Path) -> tuple[str, dict[str, float | None]]:
    from ..data.params import load_params  # noqa: PLC0415
    from ..data.waves import open_waves  # noqa: PLC0415

    params = load_params(path)
    data = open_waves(params)
    return f"Welle {params.wave}", wave_numbers(data.current.responses, data.current.partners, data.register)


def _numbers_from_notebook(path: Path) -> tuple[str, dict[str, float | None]]:
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise DiffError(f"{path}: cannot read the notebook ({exc}).") from None
    document = read_document(nb)
    if document.colophon is not None:
        return f"{path.parent.name}/{path.name}", document.numbers
    raise DiffError(
        f"{path}: no colophon with recorded numbers found; is it an executed report notebook built with "
        "a version that ends with report.colophon()? Rebuild it."
    )


def _fmt(indicator: str, value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    text = format_number(value, 1) if indicator in DECIMAL_INDICATORS else format_int(value)
    if signed and value == 0:
        return "±0"
    return f"+{text}" if signed and value > 0 else text
