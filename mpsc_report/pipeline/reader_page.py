"""The German page for readers (``outputs/berichte.html``): every built report and factsheet by wave, Land, cohort.

It stands beside the developer build index (``index.html``, :func:`~.manifest.write_index`), which lists every unit
with its status and errors. This page lists only what a reader may open: units whose latest build succeeded, with
their HTML and PDF and their open data (the Tabellenband, the folder of CSV files and its ``datapackage.json``). No
script, no external resource, the same strict Content-Security-Policy as the publications;
landmarks, a skip link, one h1, tables with header cells.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from ..write import write_atomic
from .manifest import Manifest, UnitEntry
from .units import DATA_FOLDER_SUFFIX

#: File name of the reader page in the output folder.
READER_PAGE_NAME = "berichte.html"

#: Statuses whose outputs a reader may open.
_PUBLISHED = ("built", "skipped")

#: The manifest's kind of a unit's data package (``daten/datapackage.json`` whatever the document's language).
_PACKAGE = f"{DATA_FOLDER_SUFFIX.strip('_')}/datapackage.json"

_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_STYLE = """
body{margin:0;font-family:"Open Sans","Noto Sans","DejaVu Sans",Arial,sans-serif;line-height:1.55;color:#27303d}
main{max-width:60em;margin:0 auto;padding:2rem 1.25rem 4rem}
h1{font-size:1.9em;line-height:1.2;color:#1b2330;margin:0 0 .4em}
h2{font-size:1.4em;color:#1d4f7a;border-bottom:1px solid #cdd2d9;padding-bottom:.25em;margin:2em 0 .6em}
h3{font-size:1.1em;margin:1.6em 0 .4em}
a{color:#1d4f7a;text-underline-offset:.15em}
a:focus-visible{outline:2px solid #1d4f7a;outline-offset:2px}
.skip{position:absolute;left:-999em}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.4em}
.notice{display:inline-block;border:1.5px solid #8f1d1d;color:#8f1d1d;background:#fcf0ef;padding:.3em .8em;
font-weight:600}
.reports{list-style:none;padding:0}.reports li{margin:.5em 0}
.data{display:block;font-size:.92em;color:#58626f}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.scroll{overflow-x:auto;position:relative}
table{border-collapse:collapse;width:100%;font-size:.92em}
caption{text-align:left;color:#58626f;padding:0 0 .5em}
th,td{text-align:left;padding:.35em .6em .35em 0;border-bottom:1px solid #cdd2d9;vertical-align:top}
thead th{border-bottom:1px solid #1b2330}
nav ul{padding-left:1.2em}
@media (max-width:32em){main{padding:1.2rem .9rem 3rem}table{font-size:.85em}}
"""


def render_reader_page(manifest: Manifest, register=None, sample_data: bool = True) -> str:
    """The reader page as HTML.

    Parameters
    ----------
    manifest : Manifest
        The output folder's manifest: which units exist and where their outputs are.
    register : pandas.DataFrame, optional
        The project register (``project_id``, ``name``, ``state``, ``cohort``); default: the bundled one.
    sample_data : bool
        Whether the documents are built on the synthetic sample (the page says so).

    Returns
    -------
    str
    """
    if register is None:
        from ..data.load import register_rows  # noqa: PLC0415  (no pandas: a no-op build writes this page too)

        rows = register_rows()
    else:
        rows = [{c: str(v) for c, v in row.items()} for row in register.to_dict("records")]
    projects = {row["project_id"]: (row["name"], row["state"], row["cohort"]) for row in rows}
    published = [entry for entry in manifest.units.values() if entry.status in _PUBLISHED and entry.outputs]
    reports = sorted((e for e in published if e.kind == "report"), key=lambda e: e.wave, reverse=True)
    factsheets: dict[str, list[UnitEntry]] = defaultdict(list)
    for entry in published:
        if entry.kind != "report" and entry.project:
            factsheets[entry.wave].append(entry)
    waves = sorted(set(factsheets) | {e.wave for e in reports}, reverse=True)

    parts = [
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Modellprojekte Smart Cities – Berichte und Steckbriefe</title>",
        f"<style>{_STYLE}</style></head><body>",
        '<a class="skip" href="#inhalt">Zum Inhalt</a>',
        '<main id="inhalt"><h1>Modellprojekte Smart Cities: Berichte und Steckbriefe</h1>',
        "<p>Ergebnisse des Projektmonitorings der Modellprojekte Smart Cities: die Halbzeitbilanz jeder "
        "Befragungswelle und ein zweiseitiger Steckbrief je Modellprojekt, jeweils als Webseite und als "
        "barrierefreies PDF. Die Zahlen jedes Dokuments liegen als offene Daten daneben: als Tabellenband (Excel) "
        "und als CSV-Dateien mit Datenbeschreibung (datapackage.json).</p>",
    ]
    if sample_data:
        parts.append('<p class="notice">Beispieldaten – keine amtlichen Ergebnisse</p>')
    if waves:
        links = "".join(f'<li><a href="#welle-{_e(w)}">Befragungswelle {_e(w)}</a></li>' for w in waves)
        parts.append(f'<nav aria-label="Befragungswellen"><ul>{links}</ul></nav>')
    else:
        parts.append("<p>Es sind noch keine Berichte erstellt.</p>")
    for wave in waves:
        parts.append(
            f'<section aria-labelledby="welle-{_e(wave)}"><h2 id="welle-{_e(wave)}">Befragungswelle {_e(wave)}</h2>'
        )
        wave_reports = [e for e in reports if e.wave == wave]
        if wave_reports:
            items = "".join(
                f"<li>{_links(e, e.params.get('title') or 'Bericht')}{_report_data(e)}</li>" for e in wave_reports
            )
            parts.append(f'<h3>Bericht</h3><ul class="reports">{items}</ul>')
        sheets = factsheets.get(wave, [])
        if sheets:
            parts.append(_factsheet_table(wave, sheets, projects))
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_reader_page(output_dir: Path, manifest: Manifest) -> Path:
    """Write ``berichte.html`` atomically; returns its path."""
    sample = any(e.params.get("data") == "sample" for e in manifest.units.values())
    return write_atomic(output_dir / READER_PAGE_NAME, render_reader_page(manifest, sample_data=sample))


def _factsheet_table(wave: str, sheets: list[UnitEntry], projects: dict[str, tuple[str, str, str]]) -> str:
    def key(entry: UnitEntry) -> tuple[str, str, str]:
        name, state, cohort = projects.get(entry.project or "", (entry.project or "", "", ""))
        return state, name.lower(), cohort

    rows = []
    for entry in sorted(sheets, key=key):
        name, state, cohort = projects.get(entry.project or "", (entry.project or "", "", ""))
        context = f'<span class="vh"> (Steckbrief {_e(name)})</span>'
        rows.append(
            f'<tr><th scope="row">{_e(name)}</th><td>{_e(state)}</td><td>{_e(cohort)}</td>'
            f"<td>{_links(entry, None, context)}</td><td>{_data_links(entry, context, short=True)}</td></tr>"
        )
    return (
        f'<h3>Steckbriefe der Modellprojekte ({len(sheets)})</h3><div class="scroll" role="region" tabindex="0" '
        f'aria-label="Steckbriefe {_e(wave)}"><table><caption>Steckbriefe der Welle {_e(wave)}, nach Land und Name'
        '</caption><thead><tr><th scope="col">Modellprojekt</th><th scope="col">Land</th>'
        '<th scope="col">Staffel</th><th scope="col">Lesen</th><th scope="col">Offene Daten</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _links(entry: UnitEntry, title: str | None, context: str = "") -> str:
    """Links to the HTML and the PDF; ``context`` (hidden on screen) tells screen readers whose they are."""
    found = []
    if "html" in entry.outputs:
        text = _e(title) if title else "Webseite"
        found.append(f'<a href="{_href(entry.outputs["html"].path)}">{text}{context}</a>')
    if "pdf" in entry.outputs:
        found.append(f'<a href="{_href(entry.outputs["pdf"].path)}" type="application/pdf">PDF{context}</a>')
    return " · ".join(found)


def _report_data(entry: UnitEntry) -> str:
    """The line of a report's open data under its links ("" when none was built)."""
    links = _data_links(entry, '<span class="vh"> (Bericht der Welle ' + _e(entry.wave) + ")</span>")
    return f'<span class="data">Offene Daten: {links}</span>' if links else ""


def _data_links(entry: UnitEntry, context: str, short: bool = False) -> str:
    """Links to the Tabellenband (XLSX, with its size), the folder of CSV files and its ``datapackage.json``."""
    found = []
    if "xlsx" in entry.outputs:
        xlsx = entry.outputs["xlsx"]
        text = "XLSX" if short else f"Tabellenband (XLSX, {_size(xlsx.size)})"
        found.append(f'<a href="{_href(xlsx.path)}" type="{_XLSX_TYPE}">{text}{context}</a>')
    if _PACKAGE in entry.outputs:
        package = entry.outputs[_PACKAGE].path
        folder = package.rsplit("/", 1)[0] + "/"
        found.append(f'<a href="{_href(folder)}">{"CSV" if short else "CSV-Dateien (Ordner)"}{context}</a>')
        if not short:
            found.append(f'<a href="{_href(package)}" type="application/json">Datenbeschreibung (datapackage.json)</a>')
    return " · ".join(found)


def _size(size: int) -> str:
    """A file size the German way: "38 kB", "1,2 MB"."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))}\u00a0kB"
    return f"{size / 1_000_000:.1f}".replace(".", ",") + "\u00a0MB"


def _href(path: str) -> str:
    return html.escape(quote(path), quote=True)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
