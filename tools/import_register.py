r"""Import the curated MPSC project list into the package register ``mpsc_report/data/projects.csv``.

One-off developer script, not part of the package. It reads the domain list (columns
name, kind, state, cohort, ags, lat, lon, source) with every column as text, so AGS keep their
leading zeros and coordinates their exact digits, adds a stable ``project_id`` slug as the first
column and writes :data:`mpsc_report.data.schema.REGISTER_COLUMNS` as UTF-8 with ``\n`` line endings.

The AGS is not a key: Mannheim and Verband Region Rhein-Neckar share 08222000. ``project_id`` is.

Usage::

    .venv/bin/python tools/import_register.py [--source PATH] [--target PATH]
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import pandas as pd
from mpsc_report.data.schema import REGISTER_COLUMNS

from mpsc_report.write import write_atomic

#: The curated list of the 73 model projects (see FACTS.md §2 for sources and caveats).
DEFAULT_SOURCE = Path("/work/shared/domain/mpsc_projects.csv")

#: The register shipped inside the package.
DEFAULT_TARGET = Path(__file__).resolve().parents[1] / "mpsc_report" / "data" / "projects.csv"

#: Columns the source list must have, in its order.
SOURCE_COLUMNS: tuple[str, ...] = ("name", "kind", "state", "cohort", "ags", "lat", "lon", "source")

#: Short ids for names whose plain slug would be long or lead with a generic word.
#: Every key must match a name in the source exactly (checked), so a renamed entry fails loudly.
SHORT_IDS: dict[str, str] = {
    "Kooperation 5 für Südwestfalen (Arnsberg, Bad Berleburg, Menden, Olpe, Soest)": "5-fuer-suedwestfalen",
    "Kooperation Brandis/Partheland (Borsdorf, Brandis, Großpösna, Machern, Naunhof, Belgershain, "
    "Parthenstein)": "brandis-partheland",
    "Landkreis Wunsiedel i. Fichtelgebirge": "landkreis-wunsiedel",
    "Aalen und Heidenheim an der Brenz": "aalen-heidenheim",
    "Bad Belzig und Gemeinde Wiesenburg/Mark": "bad-belzig-wiesenburg",
    "Dortmund und Schwerte": "dortmund-schwerte",
    "Smart Region AUF (Fuchstal, Apfeldorf, Unterdießen)": "smart-region-auf",
    "Hamburg in Kooperation mit Leipzig und München (Connected Urban Twins)": "hamburg-leipzig-muenchen",
    "Smarte KielRegion (Kiel mit Kreisen Rendsburg-Eckernförde und Plön)": "smarte-kielregion",
    "digital.interkommunal Lemgo und Kalletal": "lemgo-kalletal",
    "Osnabrück (mit Hagen a.T.W., Bissendorf, SG Fürstenau, Artland, Neuenkirchen)": "osnabrueck",
    "Gemeinde Ringelai und Ilzer Land": "ringelai-ilzer-land",
}

#: German letters spelled out before any other accent is stripped.
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(name: str) -> str:
    """Turn a project name into a lowercase ASCII slug.

    Parameters
    ----------
    name : str
        Project name, e.g. ``"Amt Süderbrarup"``.

    Returns
    -------
    str
        Umlauts transliterated, other accents dropped, every run of other characters replaced by
        one ``-``, e.g. ``"amt-suederbrarup"``.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def build_register(source: pd.DataFrame) -> pd.DataFrame:
    """Add ``project_id`` to the source list and return the register columns in contract order.

    Parameters
    ----------
    source : pandas.DataFrame
        The source list with :data:`SOURCE_COLUMNS`, every column as text.

    Returns
    -------
    pandas.DataFrame
        :data:`~mpsc_report.data.schema.REGISTER_COLUMNS`, one row per project, source order kept.

    Raises
    ------
    ValueError
        If a column is missing, a :data:`SHORT_IDS` key matches no name, an id is not a clean
        slug, or two projects end up with the same id.
    """
    missing = [c for c in SOURCE_COLUMNS if c not in source.columns]
    if missing:
        raise ValueError(f"source list lacks column(s) {missing}; expected {list(SOURCE_COLUMNS)}.")
    unused = sorted(set(SHORT_IDS) - set(source["name"]))
    if unused:
        raise ValueError(f"SHORT_IDS names not in the source list: {unused}. Update the mapping.")
    ids = source["name"].map(lambda name: SHORT_IDS.get(name) or slugify(name))
    bad = sorted(i for i in ids if not _SLUG.match(i))
    if bad:
        raise ValueError(f"project ids {bad} are not lowercase ASCII slugs.")
    duplicated = sorted(ids[ids.duplicated(keep=False)].unique())
    if duplicated:
        raise ValueError(f"project ids {duplicated} are not unique; add entries to SHORT_IDS.")
    register = source.assign(project_id=ids)
    return register.loc[:, list(REGISTER_COLUMNS)].reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    """Read the source list, build the register and write it atomically."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="curated project list (CSV)")
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET, help="register to write (CSV)")
    args = parser.parse_args(argv)
    source = pd.read_csv(args.source, dtype=str, keep_default_na=False, encoding="utf-8")
    register = build_register(source)
    write_atomic(args.target, register.to_csv(index=False, lineterminator="\n"))
    print(f"wrote {len(register)} projects to {args.target}")


if __name__ == "__main__":
    main()
