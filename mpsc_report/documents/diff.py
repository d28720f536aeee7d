"""Compare the numbers of two waves or two builds: indicator, A, B, change and the direction word.

Both sides are records keyed by the indicator catalogue (:mod:`~mpsc_report.analysis.indicators`), the same keys a
report's contract records; labels come from the catalogue in the table's language (German or English). Per-project
numbers (the network appendix) are left out: a wave comparison lists the wave's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..analysis.formatting import format_int, format_number
from ..analysis.indicators import BY_ID, parse_key
from ..analysis.narrative import direction_word
from ..analysis.numbers import wave_numbers
from ..analysis.words import describe_key, t
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
        return self.direction_in("de")

    def direction_in(self, language: str) -> str:
        """The direction word in ``language`` ("not comparable" when either side is missing)."""
        if self.delta is None or self.a is None or self.b is None:
            return t("diff.not_comparable", language)
        return direction_word(self.a, self.b, language)


def numbers_of(
    source: str, params_dir: Path = Path("params"), language: str = "de"
) -> tuple[str, dict[str, float | None]]:
    """Read the numbers of a source for :func:`compare`.

    Parameters
    ----------
    source : str
        A wave id (``"2023"``, looked up in ``params_dir``), a params file, an executed report notebook
        (``.ipynb``) or a build output folder (``outputs/2023``) holding one.
    params_dir : Path
        Where wave ids are looked up.
    language : str
        Language of the short name ("Welle 2023" / "Wave 2023").

    Returns
    -------
    tuple of (str, dict)
        A short name for the table header and the numbers by indicator key (the wave's, without per-project ones).
    """
    path = Path(source)
    if path.is_dir():
        notebooks = sorted(p for p in path.glob("*.ipynb") if not p.name.endswith(".failed.ipynb"))
        if len(notebooks) != 1:
            raise DiffError(f"{path}: expected one executed report notebook (*.ipynb), found {len(notebooks)}.")
        path = notebooks[0]
    if path.suffix == ".ipynb":
        name, numbers = _numbers_from_notebook(path)
    elif path.suffix in (".yaml", ".yml"):
        name, numbers = _numbers_from_params(path, language)
    elif (params_dir / f"{source}.yaml").is_file():
        name, numbers = _numbers_from_params(params_dir / f"{source}.yaml", language)
    else:
        raise DiffError(
            f"{source!r} is neither a wave with a params file in {params_dir}, a params file, "
            "an executed notebook nor a build folder (e.g. outputs/2023)."
        )
    return name, {key: value for key, value in numbers.items() if _of_the_wave(key)}


def compare(a: dict[str, float | None], b: dict[str, float | None]) -> list[Change]:
    """Pair the indicators of two sources (A's order, then those only B has)."""
    names = [*a, *(k for k in b if k not in a)]
    return [Change(name, a.get(name), b.get(name)) for name in names]


def format_table(
    changes: list[Change], name_a: str, name_b: str, only_changed: bool = False, language: str = "de"
) -> str:
    """A plain-text table: indicator (its label from the catalogue), A, B, change, direction, in ``language``."""
    unchanged = direction_word(1, 1, language)
    rows = [c for c in changes if not only_changed or c.direction_in(language) != unchanged]
    header = (t("diff.indicator", language), name_a, name_b, t("diff.change", language), t("diff.direction", language))
    body = [
        (
            describe_key(c.indicator, language),
            _fmt(c.indicator, c.a, language),
            _fmt(c.indicator, c.b, language),
            _fmt(c.indicator, c.delta, language, True),
            c.direction_in(language),
        )
        for c in rows
    ]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(5)]
    lines = []
    for index, row in enumerate((header, *body)):
        cells = [row[0].ljust(widths[0]), *(row[i].rjust(widths[i]) for i in (1, 2, 3)), row[4]]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    changed = sum(1 for c in changes if c.direction_in(language) != unchanged)
    lines.append(t("diff.summary", language, changed=changed, total=len(changes)))
    return "\n".join(lines)


def _of_the_wave(key: str) -> bool:
    """Whether a key is a number of the wave (not of one project); a key that is not one is kept."""
    try:
        _, dims = parse_key(key)
    except ValueError:
        return True
    return "project" not in dims


def _numbers_from_params(path: Path, language: str) -> tuple[str, dict[str, float | None]]:
    from ..data.params import load_params  # noqa: PLC0415
    from ..data.waves import open_waves  # noqa: PLC0415

    params = load_params(path)
    data = open_waves(params)
    numbers = wave_numbers(data.current.responses, data.current.partners, data.register)
    return t("export.wave", language, wave=params.wave), numbers


def _numbers_from_notebook(path: Path) -> tuple[str, dict[str, float | None]]:
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise DiffError(f"{path}: cannot read the notebook ({exc}).") from None
    document = read_document(nb)
    if document.colophon is not None:
        return f"{path.parent.name}/{path.name}", dict(document.colophon.numbers)
    raise DiffError(
        f"{path}: no colophon with recorded numbers found; is it an executed report notebook built with "
        "a version that ends with report.colophon()? Rebuild it."
    )


def _fmt(key: str, value: float | None, language: str, signed: bool = False) -> str:
    if value is None:
        return "–"
    try:
        unit = BY_ID[parse_key(key)[0]].unit
        stat = parse_key(key)[1].get("stat")
    except (KeyError, ValueError):
        unit, stat = "count", None
    decimal = unit != "count" or stat is not None or not float(value).is_integer()
    text = format_number(value, 1, language) if decimal else format_int(value, language)
    if signed and value == 0:
        return "±0"
    return f"+{text}" if signed and value > 0 else text
