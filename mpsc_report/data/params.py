"""Typed, validated parameters of one wave report: loaded from ``params/*.yaml`` before any kernel starts."""

from __future__ import annotations

import keyword
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ParamsError
from .intake import WAVE_ID as _WAVE_ID
from .intake import IntakeParams
from .load import SAMPLE, read_yaml

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Names Windows reserves for devices; a wave id becomes a folder name, so these are refused everywhere.
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)


def _not_reserved(value: str | None) -> str | None:
    if value is not None and value.lower() in _RESERVED_NAMES:
        raise ValueError(f"{value!r} is a reserved device name on Windows and cannot name an output folder")
    return value


def _parse_iso_date(value: Any) -> Any:
    """Accept dates as ISO text (papermill passes YAML dates as strings) or as date objects."""
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError(f"expected a date written as YYYY-MM-DD, got {value!r}")
        return date.fromisoformat(value)
    return value


IsoDate = Annotated[date, BeforeValidator(_parse_iso_date)]

#: Text printed in the Impressum where sample data have no real value (no invented institution, no real ISSN).
SAMPLE_VALUE = "Musterangabe"

#: Licences a report may carry: Creative Commons Attribution 4.0, or the German "Datenlizenz Deutschland –
#: Namensnennung – Version 2.0" (the usual licences of German public-sector publications and open data).
Licence = Literal["CC BY 4.0", "dl-de/by-2-0"]

_ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _check_issn(value: str | None) -> str | None:
    """An ISSN written ``NNNN-NNNC`` whose check digit (ISO 3297, mod 11; X = 10) is right."""
    if value is None:
        return None
    if not _ISSN.match(value):
        raise ValueError(f"expected an ISSN written as NNNN-NNNC (e.g. 2199-5761), got {value!r}")
    digits = value.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    if digits[7] != ("X" if check == 10 else str(check)):
        raise ValueError(f"ISSN {value!r} has a wrong check digit (expected {'X' if check == 10 else check})")
    return value


def _check_isbn(value: str | None) -> str | None:
    """An ISBN-13 (hyphens allowed) whose check digit (EAN-13) is right."""
    if value is None:
        return None
    digits = value.replace("-", "")
    if not (len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979"))):
        raise ValueError(f"expected an ISBN-13 such as 978-3-87994-123-4, got {value!r}")
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    if int(digits[12]) != (10 - total % 10) % 10:
        raise ValueError(f"ISBN {value!r} has a wrong check digit (expected {(10 - total % 10) % 10})")
    return value


class PublicationParams(BaseModel):
    """The Impressum of a report: who publishes it, for whom, who wrote it, how to cite it, its licence.

    Every field is printed on the report's Impressum page. The defaults are honest sample values: "Musterangabe"
    (sample value) where a real publication has a real value; no institution and no ISSN or ISBN are invented. A
    real report sets each field in its ``params/<wave>.yaml``; ISSN and ISBN are checked (format and check digit).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    publisher: str = Field(
        default=f"{SAMPLE_VALUE}: herausgebende Institution",
        min_length=1,
        max_length=300,
        description="Herausgeber: the publishing institution",
    )
    address: str = Field(
        default=f"{SAMPLE_VALUE}: Anschrift des Herausgebers",
        min_length=1,
        max_length=300,
        description="the publisher's postal address",
    )
    commissioned_by: str = Field(
        default=f"{SAMPLE_VALUE}: auftraggebendes Ministerium",
        min_length=1,
        max_length=300,
        description="Auftraggeber: the client (a ministry)",
    )
    prepared_by: str = Field(
        default=f"{SAMPLE_VALUE}: Bearbeitung (Autorinnen und Autoren)",
        min_length=1,
        max_length=300,
        description="Bearbeitung / wissenschaftliche Begleitung: who wrote the report",
    )
    as_of: str | None = Field(
        default=None,
        pattern=_MONTH.pattern,
        description="Stand as YYYY-MM (default: the month of report_date)",
    )
    series: str = Field(
        default=f"{SAMPLE_VALUE}: Schriftenreihe",
        min_length=1,
        max_length=200,
        description="name of the series the report appears in",
    )
    number: str = Field(
        default=f"{SAMPLE_VALUE}: Heft", min_length=1, max_length=50, description="number in the series"
    )
    issn: str | None = Field(default=None, description="ISSN of the series, only where assigned (NNNN-NNNC)")
    isbn: str | None = Field(default=None, description="ISBN-13 of the report, only where assigned")
    citation: str | None = Field(
        default=None,
        max_length=600,
        description="Zitiervorschlag; default: built from publisher, year, title, series and number",
    )
    licence: Licence = Field(default="CC BY 4.0", description="licence of the report: 'CC BY 4.0' or 'dl-de/by-2-0'")
    contact: str = Field(
        default=f"{SAMPLE_VALUE}: Kontaktadresse", min_length=1, max_length=300, description="contact for readers"
    )
    image_credits: str | None = Field(
        default=None,
        max_length=300,
        description="Bildnachweis; default: all figures are the report's own, drawn from the monitoring",
    )

    _issn = field_validator("issn")(_check_issn)
    _isbn = field_validator("isbn")(_check_isbn)


class WaveParams(BaseModel):
    """Parameters of one wave report; the keys of ``params/<wave>.yaml`` and of the notebook's parameters cell.

    Unknown keys, wrong types and inconsistent dates are rejected. IDs are text: write them quoted in YAML
    (``wave: "2023"``), because unquoted ``2023`` is a number and ``01001000`` an octal number to YAML.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    wave: str = Field(pattern=_WAVE_ID, description="survey wave id, e.g. '2023'")
    title: str = Field(min_length=1, max_length=200, description="report title on the title page")
    subtitle: str = Field(default="", max_length=300, description="line under the title")
    field_start: IsoDate = Field(description="first day of the survey's field period")
    field_end: IsoDate = Field(description="last day of the survey's field period")
    report_date: IsoDate = Field(description="date printed on the title page")
    data: str = Field(
        default=SAMPLE,
        min_length=1,
        description="'sample' for the bundled synthetic data, or a folder (relative to the params file)",
    )
    language: Literal["de", "en"] = Field(default="de", description="report language: German, or English")
    comparison_wave: str | None = Field(default=None, pattern=_WAVE_ID, description="earlier wave to compare with")
    intake: IntakeParams = Field(
        default_factory=IntakeParams,
        description="how the survey exports are read and validated, for every wave or per wave (see README)",
    )
    publication: PublicationParams = Field(
        default_factory=PublicationParams,
        description="the Impressum: publisher (also on the title page), client, authors, Stand, series, "
        "ISSN/ISBN, citation, licence",
    )

    _wave_not_reserved = field_validator("wave", "comparison_wave")(_not_reserved)

    @model_validator(mode="after")
    def _check_consistency(self) -> WaveParams:
        if self.field_end < self.field_start:
            raise ValueError(f"field_end {self.field_end} lies before field_start {self.field_start}")
        if self.report_date < self.field_end:
            raise ValueError(f"report_date {self.report_date} lies before the end of the field period {self.field_end}")
        if self.comparison_wave is not None and self.comparison_wave >= self.wave:
            raise ValueError(f"comparison_wave {self.comparison_wave!r} must be an earlier wave than {self.wave!r}")
        return self

    @classmethod
    def from_notebook(cls, **values: Any) -> WaveParams:
        """Validate the values of a notebook's parameters cell (raises :class:`ParamsError`)."""
        return _validate(values, source="notebook parameters")

    def to_notebook(self) -> dict[str, Any]:
        """Return the parameters as papermill should inject them: plain text, dates as ISO text."""
        return self.model_dump(mode="json")


_PROJECT_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"


class FactsheetParams(BaseModel):
    """Parameters of one project factsheet ("Steckbrief"): a wave and a model project of the register.

    Derived from a validated :class:`WaveParams` with :meth:`from_wave`, so a factsheet never has its own
    params file and reads the waves exactly as the wave report does (same data folder, same ``intake``);
    ``project`` is the register's ``project_id`` (a slug such as ``"kiel"``), never an AGS.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    wave: str = Field(pattern=_WAVE_ID, description="survey wave id, e.g. '2023'")
    project: str = Field(pattern=_PROJECT_ID, description="project_id of the model project in the register")
    report_date: IsoDate = Field(description="date printed on the factsheet")
    data: str = Field(default=SAMPLE, min_length=1, description="'sample' or an absolute data folder")
    language: Literal["de", "en"] = Field(default="de", description="factsheet language: German, or English")
    publisher: str = Field(
        default=PublicationParams.model_fields["publisher"].default,
        max_length=300,
        description="the wave report's publisher (publication.publisher), in the header",
    )
    intake: IntakeParams = Field(
        default_factory=IntakeParams, description="how the survey exports are read: the wave report's settings"
    )

    @classmethod
    def from_wave(cls, wave: WaveParams, project: str) -> FactsheetParams:
        """Factsheet parameters of ``project`` for the wave described by ``wave`` (raises :class:`ParamsError`)."""
        values = {
            "wave": wave.wave,
            "project": project,
            "report_date": wave.report_date,
            "data": wave.data,
            "language": wave.language,
            "publisher": wave.publication.publisher,
            "intake": wave.intake,
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ParamsError(_describe(exc, values, f"factsheet {project!r} of wave {wave.wave}", cls)) from None

    @classmethod
    def from_notebook(cls, **values: Any) -> FactsheetParams:
        """Validate the values of the factsheet notebook's parameters cell (raises :class:`ParamsError`)."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ParamsError(_describe(exc, values, "factsheet notebook parameters", cls)) from None

    def to_notebook(self) -> dict[str, Any]:
        """Return the parameters as papermill should inject them: plain text, dates as ISO text."""
        return self.model_dump(mode="json")


def parameter_names(model: type[BaseModel] = WaveParams) -> tuple[str, ...]:
    """Names a notebook's parameters cell must define, in declaration order (report, or ``FactsheetParams``)."""
    return tuple(model.model_fields)


def load_params(path: Path) -> WaveParams:
    """Read and validate one params file; a relative ``data`` folder is taken relative to the file.

    Parameters
    ----------
    path : Path
        A YAML file such as ``params/2023.yaml``.

    Returns
    -------
    WaveParams
        Validated, frozen parameters with ``data`` as an absolute folder (or ``"sample"``).

    Raises
    ------
    ParamsError
        Naming the file, the key, the value received and what is expected.
    """
    raw = read_yaml(path)
    _check_names(raw, path)
    data = raw.get("data")
    if isinstance(data, str) and data != SAMPLE and not Path(data).is_absolute():
        raw = {**raw, "data": str((path.parent / data).resolve())}
    intake = raw.get("intake")
    if isinstance(intake, dict):
        raw = {**raw, "intake": _resolve_codebooks(intake, path.parent)}
    return _validate(raw, source=str(path))


def _resolve_codebooks(intake: dict[Any, Any], base: Path) -> dict[Any, Any]:
    """``intake`` with codebook files (its own and those of ``waves``) taken relative to ``base``."""
    codebook = intake.get("codebook")
    if isinstance(codebook, str) and codebook.endswith((".yaml", ".yml")) and not Path(codebook).is_absolute():
        intake = {**intake, "codebook": str((base / codebook).resolve())}
    waves = intake.get("waves")
    if isinstance(waves, dict):
        own = {w: _resolve_codebooks(v, base) if isinstance(v, dict) else v for w, v in waves.items()}
        intake = {**intake, "waves": own}
    return intake


def _check_names(raw: dict[Any, Any], path: Path) -> None:
    for name in raw:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ParamsError(
                f"{path}: {name!r} is not a valid parameter name (allowed: {', '.join(parameter_names())})."
            )


def _validate(values: dict[str, Any], source: str) -> WaveParams:
    values = _one_publisher(values, source)
    try:
        return WaveParams.model_validate(values)
    except ValidationError as exc:
        raise ParamsError(_describe(exc, values, source)) from None


def _one_publisher(values: dict[str, Any], source: str) -> dict[str, Any]:
    """``values`` with the publisher in its one field, ``publication.publisher`` (title page and Impressum).

    Params files of earlier versions name the title page's publisher at the top (``publisher: "…"``). Such a file
    keeps working when its ``publication:`` block names no publisher or the same one: the value moves there. Two
    different publishers are refused, naming both and the fix, since only the author knows which one is right.

    Raises
    ------
    ParamsError
        The top-level ``publisher`` and ``publication.publisher`` differ.
    """
    if "publisher" not in values:
        return values
    rest = {key: value for key, value in values.items() if key != "publisher"}
    old, publication = values["publisher"], values.get("publication")
    if publication is None or (isinstance(publication, dict) and "publisher" not in publication):
        return {**rest, "publication": {**(publication or {}), "publisher": old}}
    named = publication.get("publisher") if isinstance(publication, dict) else getattr(publication, "publisher", None)
    if named == old:
        return rest
    raise ParamsError(
        f"{source}: the publisher is one field now, `publication.publisher` (the title page and the Impressum's "
        f"Herausgeber), but this file names two: `publisher: {old!r}` at the top and `publication.publisher: "
        f"{named!r}`. Keep the right one as `publication: {{publisher: …}}` and delete the top-level `publisher:` line."
    )


def _describe(exc: ValidationError, values: dict[str, Any], source: str, model: type[BaseModel] = WaveParams) -> str:
    allowed = ", ".join(parameter_names(model))
    lines = [f"{source}: {exc.error_count()} problem(s) with the report parameters:"]
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"]) or "(whole file)"
        kind = error["type"]
        if kind == "extra_forbidden" and error["loc"][0] == "publication" and len(error["loc"]) == 2:
            keys = ", ".join(PublicationParams.model_fields)
            lines.append(f"  - unknown key {key!r} in the Impressum block `publication:` (allowed: {keys})")
        elif kind == "extra_forbidden":
            lines.append(f"  - unknown parameter {key!r} (allowed: {allowed})")
        elif kind == "missing":
            lines.append(f"  - required parameter {key!r} is missing; add `{key}: …`")
        else:
            received = values.get(key, error.get("input")) if len(error["loc"]) == 1 else error.get("input")
            hint = ""
            if isinstance(received, int | float) and not isinstance(received, bool):
                hint = f' — IDs and text must be quoted in YAML, e.g. {key}: "{received}"'
            lines.append(f"  - {key}: got {received!r} ({type(received).__name__}); {error['msg']}{hint}")
    return "\n".join(lines)
