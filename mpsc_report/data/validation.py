"""Strict validation of survey answers: every failure collected with file, line or cell, column, value and a fix.

Pure functions: a :class:`~mpsc_report.data.intake.Table` (cells as text plus where they came from), the project
register and the codebook in; typed frames and a list of :class:`Failure` records out. Reading files is the job of
:mod:`mpsc_report.data.intake`; deciding to reject or quarantine is the job of :mod:`mpsc_report.data.load`.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections import Counter
from dataclasses import astuple, dataclass, field, fields
from datetime import date

import pandas as pd

from ..errors import DataError
from .intake import IDENTITY_CODEBOOK, Codebook, Table
from .schema import (
    COUNT_COLUMNS,
    DATASET_THEMES,
    EXCHANGE_CODES,
    EXCHANGE_KINDS,
    PARTICIPATION_FORMATS,
    PARTNER_COLUMNS,
    PHASES,
    TEXT_COLUMNS,
    WAVE_COLUMNS,
)

#: Name of the full failure list written next to a unit's outputs.
ERRORS_FILE = "validation_errors.csv"

#: Failures shown in a message before "… and N more".
SHOWN_FAILURES = 10

#: Largest plausible count for one project (anything larger is a typo, an overflow or a total row).
MAX_COUNT = 1_000_000

#: Distinct unknown keys that get a "did you mean" hint (fuzzy matching is slow; 10 000 typos need no 10 000 hints).
MAX_HINTS = 200

#: Totals that must equal the sum of their parts when every part is answered.
SUM_RULES: dict[str, tuple[str, ...]] = {
    "datasets_total": tuple(DATASET_THEMES),
    "participation_total": tuple(PARTICIPATION_FORMATS),
    "partners_total": tuple(EXCHANGE_KINDS),
}

#: Every rule a failure can name, as it appears in ``validation_errors.csv``; its words for readers (the reasons in the
#: data-quality appendix) are ``rule.<code>`` in :mod:`mpsc_report.analysis.words`.
RULES: tuple[str, ...] = (
    "missing_column",
    "no_answers",
    "wave_missing",
    "unreadable_row",
    "no_id",
    "duplicate_id",
    "duplicate_project",
    "unknown_project",
    "ambiguous_project",
    "unknown_code",
    "not_a_number",
    "negative",
    "implausibly_large",
    "not_finite",
    "not_whole",
    "wrong_encoding",
    "no_date",
    "invalid_date",
    "outside_field_period",
    "other_wave_id",
    "wrong_wave",
    "contradiction",
    "sum_mismatch",
    "no_name",
)

#: A year in a respondent id, followed by a separator ("R2023-017", "2023_17"), when the wave id is a year too.
_ID_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=[-_./])")

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
_NUMBER_POINT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUMBER_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


@dataclass(frozen=True)
class Failure:
    """One validation failure: where (file, line or sheet+cell, column), what (value, message) and how to fix it."""

    file: str
    line: int | None
    sheet: str
    cell: str
    column: str
    value: str
    respondent: str
    rule: str
    message: str
    fix: str
    row: int | None = field(default=None, compare=False)
    #: Further rows the same failure sets aside (the other rows of a duplicate), reported once on ``row``.
    also_rows: tuple[int, ...] = field(default=(), compare=False)

    @property
    def file_level(self) -> bool:
        """Whether the failure concerns the whole file (then no row can be used)."""
        return self.row is None

    def describe(self) -> str:
        """One line: ``wave.csv line 5, column 'x', value '-3' (respondent R-1): message — fix``."""
        where = self.file
        if self.sheet:
            where += f" sheet {self.sheet!r}" + (f" cell {self.cell}" if self.cell else "")
        elif self.line is not None:
            where += f" line {self.line}"
        parts = [where]
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.row is not None or self.value:
            parts.append(f"value {_short(self.value)!r}")
        text = ", ".join(parts)
        if self.respondent:
            text += f" (respondent {self.respondent})"
        return f"{text}: {self.message}" + (f" — {self.fix}" if self.fix else "")


#: Columns of ``validation_errors.csv``.
FAILURE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Failure) if f.name not in ("row", "also_rows"))


class ValidationFailed(DataError):
    """The data of a wave failed validation; ``failures`` holds every failure, the message the first few."""

    def __init__(self, failures: list[Failure], what: str) -> None:
        self.failures = tuple(failures)
        super().__init__(summarize(self.failures, what))


@dataclass(frozen=True)
class Checked:
    """Result of validating one file: typed rows (invalid cells empty), failures and special codes met."""

    frame: pd.DataFrame
    failures: tuple[Failure, ...]
    missing_reasons: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def bad_rows(self) -> set[int]:
        """Row indices with at least one failure (every row of a duplicate)."""
        return {row for f in self.failures if f.row is not None for row in (f.row, *f.also_rows)}

    @property
    def file_level(self) -> bool:
        """Whether a failure concerns the whole file."""
        return any(f.file_level for f in self.failures)


def summarize(failures: tuple[Failure, ...] | list[Failure], what: str, errors_file: str = ERRORS_FILE) -> str:
    """A message with the first :data:`SHOWN_FAILURES` failures and the count of the rest."""
    total = len(failures)
    lines = [f"{what}: {total} validation problem(s):"]
    lines += [f"  - {f.describe()}" for f in failures[:SHOWN_FAILURES]]
    if total > SHOWN_FAILURES:
        lines.append(f"  … and {total - SHOWN_FAILURES} more ({total} total); full list in {errors_file}")
    elif total:
        lines.append(f"  (full list in {errors_file})")
    return "\n".join(lines)


def failures_csv(failures: tuple[Failure, ...] | list[Failure]) -> bytes:
    """The full failure list as UTF-8 CSV (with BOM, so spreadsheet programs show umlauts)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FAILURE_FIELDS)
    for failure in failures:
        values = astuple(failure)[: len(FAILURE_FIELDS)]
        writer.writerow("" if v is None else defuse_formula(str(v)) for v in values)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- responses ------------------------------------------------------------------------------------------------


def validate_responses(
    table: Table,
    register: pd.DataFrame,
    wave: str,
    codebook: Codebook = IDENTITY_CODEBOOK,
    decimal: str = ".",
    field_period: tuple[date, date] | None = None,
) -> Checked:
    """Check one wave's answers against the schema, the register and the codebook; collect every failure.

    Besides the cells, the rows must belong together as one wave: each respondent and each project answers once
    (a duplicate is one failure naming all its lines, and all its rows are set aside); submission dates lie in the
    wave's field period, when it is known; respondent ids that carry a year (``R2023-017``) carry the wave's.
    A file whose every date or every such id points elsewhere gets one failure for the whole file (the export of
    another wave?) instead of one per row.

    Parameters
    ----------
    table : Table
        Cells as read (columns already named as in our schema when a codebook was applied).
    register : pandas.DataFrame
        The project register (keys ``project_id`` and ``ags``).
    wave : str
        The wave the file must hold.
    codebook : Codebook
        Answer codes and special codes per column; our own files use :data:`~mpsc_report.data.intake.IDENTITY_CODEBOOK`.
    decimal : {".", ","}
        Decimal mark of numbers written as text (with ``","`` a ``"."`` separates thousands).
    field_period : (date, date), optional
        First and last day of the wave's field period (the params' ``field_start`` and ``field_end``).

    Returns
    -------
    Checked
        All rows typed like :data:`~mpsc_report.data.schema.WAVE_COLUMNS` (invalid cells empty) and the failures.
    """
    check = _Checker(table)
    required = [c for c in WAVE_COLUMNS if c != "wave" or codebook is IDENTITY_CODEBOOK or "wave" in codebook.columns]
    check.require_columns(required)
    if check.failures:
        return Checked(_empty_frame(), tuple(check.failures))
    if not table.rows:
        check.file_failure(
            "no_answers", f"{table.name} has 0 responses (only a header)", "export the answers, not the form"
        )
        return Checked(_empty_frame(), tuple(check.failures))
    for row, column, value, message, fix in table.problems:
        check.fail(row, column, value, "unreadable_row", message, fix)

    out: dict[str, list] = {c: [] for c in WAVE_COLUMNS}
    reasons: dict[str, Counter] = {}
    slugs = set(register["project_id"])
    answers_of = {c: codebook.answers(c) for c in WAVE_COLUMNS}
    special_of = {c: codebook.missing_codes(c) for c in WAVE_COLUMNS}
    present = {c: c in table.header for c in WAVE_COLUMNS}
    for row in range(len(table.rows)):
        for column in WAVE_COLUMNS:
            raw = check.value(row, column) if present[column] else wave
            answers = answers_of[column]
            special = special_of[column] if column == "phase" else {}
            if raw in special:
                reasons.setdefault(column, Counter())[special[raw]] += 1
                out[column].append(None)
                continue
            if raw is not None and answers and column not in COUNT_COLUMNS and column not in TEXT_COLUMNS:
                if raw in answers:
                    raw = answers[raw]
                elif raw not in special_of[column]:
                    known = ", ".join(list(answers)[:8])
                    check.fail(
                        row,
                        column,
                        raw,
                        "unknown_code",
                        "is not an answer code of the codebook",
                        f"use one of {known}{' …' if len(answers) > 8 else ''} or add it to the codebook",
                    )
                    out[column].append(None)
                    continue
            if column in COUNT_COLUMNS:
                out[column].append(_count(check, row, column, raw, special_of[column], decimal, reasons))
            elif column in TEXT_COLUMNS:
                out[column].append(_text(check, row, column, raw))
            elif column == "project_id":
                out[column].append(_project(check, row, raw, register, slugs, codebook))
            elif column == "respondent_id":
                if raw is None or not raw.strip():
                    check.fail(row, column, raw, "no_id", "respondent_id is empty", "every row needs an id")
                out[column].append(raw)
            elif column == "wave":
                out[column].append(raw)
            elif column == "submitted":
                out[column].append(_date(check, row, column, raw))
            elif column == "phase":
                out[column].append(_code(check, row, column, raw, PHASES))
    frame = _typed_frame(out)
    _check_wave(check, frame, wave)
    reported = _check_unique(check, frame, "respondent_id", "respondent_id", "duplicate_id")
    _check_unique(check, frame, "project_id", "project", "duplicate_project", already=reported)
    if field_period is not None:
        _check_field_period(check, frame, field_period)
    _check_respondent_ids(check, frame, wave)
    _check_consistency(check, frame)
    return Checked(frame, tuple(check.sorted()), {c: dict(n) for c, n in reasons.items()})


def _count(
    check: _Checker,
    row: int,
    column: str,
    raw: str | None,
    special: dict[str, str],
    decimal: str,
    reasons: dict[str, Counter],
) -> float | None:
    if raw is None or raw.strip() == "":
        return None
    if raw.strip() in special:
        reasons.setdefault(column, Counter())[special[raw.strip()]] += 1
        return None
    number, problem, fix = _parse_number(raw.strip(), decimal)
    if problem:
        known = ", ".join(repr(c) for c in special) or "none"
        check.fail(
            row,
            column,
            raw,
            "not_a_number",
            f"{problem} (special codes of this column: {known})",
            fix or "enter a number, leave the cell empty for 'no answer', or add the code to the codebook's `missing`",
        )
        return None
    if not math.isfinite(number):
        check.fail(row, column, raw, "not_finite", "is not a finite number", "enter the actual count")
    elif number < 0:
        check.fail(
            row,
            column,
            raw,
            "negative",
            "counts cannot be negative",
            "correct the value or leave the cell empty for 'no answer'",
        )
    elif number != int(number):
        thousands = decimal == "." and re.match(r"^\d{1,3}(\.\d{3})+$", raw.strip())
        fix = "thousands dots? set `intake: {decimal: ','}`" if thousands else "round or correct it"
        check.fail(row, column, raw, "not_whole", "a count must be a whole number", fix)
    elif number > MAX_COUNT:
        check.fail(
            row,
            column,
            raw,
            "implausibly_large",
            f"is larger than {MAX_COUNT:,} (a total row or a typo?)".replace(",", "."),
            "correct the value",
        )
    else:
        return float(number)
    return None


def _parse_number(text: str, decimal: str) -> tuple[float, str, str]:
    """Parse a number written with the declared decimal mark: (value, problem, fix)."""
    if decimal == ",":
        if _NUMBER_COMMA.match(text):
            return float(text.replace(".", "").replace(",", ".")), "", ""
        if _NUMBER_POINT.match(text):
            return (
                0.0,
                "is written with a decimal point, but the params say decimal ','",
                "set `intake: {decimal: '.'}`",
            )
        return 0.0, "is not a number", ""
    if _NUMBER_POINT.match(text):
        try:
            return float(text), "", ""
        except OverflowError:  # pragma: no cover - float() returns inf instead
            return math.inf, "", ""
    if _NUMBER_COMMA.match(text):
        return (
            0.0,
            "is written with a decimal comma or thousands dots, but the params say decimal '.'",
            "set `intake: {decimal: ','}`",
        )
    return 0.0, "is not a number", ""


def _text(check: _Checker, row: int, column: str, raw: str | None) -> str:
    value = raw or ""
    if any(ord(ch) > 0x7F for ch in value):
        try:
            repaired = value.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            repaired = None
        if repaired is not None and repaired != value:
            check.fail(
                row,
                column,
                value,
                "wrong_encoding",
                f"looks garbled by a wrong encoding (would read {_short(repaired, 40)!r})",
                "the text was saved as UTF-8 and converted as cp1252 — check `intake: {encoding: …}` and export again",
            )
    return value


def _project(
    check: _Checker,
    row: int,
    raw: str | None,
    register: pd.DataFrame,
    slugs: set[str],
    codebook: Codebook,
) -> str | None:
    if raw is None or not raw.strip():
        check.fail(row, "project_id", raw, "unknown_project", "the project key is empty", "enter the project key")
        return None
    if codebook.project_key() == "ags":
        return _project_by_ags(check, row, raw, register)
    if raw in slugs:
        return raw
    hint = check.hint(raw, lambda: _did_you_mean_slug(raw, register, slugs))
    check.fail(
        row,
        "project_id",
        raw,
        "unknown_project",
        "is not a project of the register (mpsc_report/data/projects.csv)",
        hint or "use the project's key from the register",
    )
    return None


def _project_by_ags(check: _Checker, row: int, raw: str, register: pd.DataFrame) -> str | None:
    matches = register.loc[register["ags"] == raw, "project_id"].tolist()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        check.fail(
            row,
            "project_id",
            raw,
            "ambiguous_project",
            f"AGS {raw} belongs to several projects ({', '.join(matches)})",
            "map the project question by answer codes in the codebook instead of `key: ags`",
        )
        return None
    hint = check.hint(raw, lambda: _did_you_mean_ags(raw, register))
    expected = "an AGS must have 8 digits (5 for a district)"
    check.fail(
        row,
        "project_id",
        raw,
        "unknown_project",
        f"is not the AGS of a project of the register; {expected}" if raw.strip().isdigit() else "is not an AGS",
        hint or "enter the 8-digit AGS as text (keep leading zeros)",
    )
    return None


def _did_you_mean_ags(raw: str, register: pd.DataFrame) -> str:
    value = raw.strip()
    if value.isdigit():
        for width in (8, 5):
            padded = value.zfill(width)
            found = register.loc[register["ags"] == padded]
            if len(found):
                lost = "" if padded == value else " — the leading zero was lost; store AGS as text"
                return f"did you mean {padded!r} ({found['name'].iloc[0]})?{lost}"
    return ""


def _did_you_mean_slug(raw: str, register: pd.DataFrame, slugs: set[str]) -> str:
    value = raw.strip()
    if value != raw and value in slugs:
        return f"did you mean {value!r}? remove the spaces around the key"
    ags = _did_you_mean_ags(value, register)
    if ags:
        padded = ags.split("'")[1]
        slug = register.loc[register["ags"] == padded, "project_id"].iloc[0]
        return f"did you mean {slug!r} (AGS {padded})? project keys are register slugs, not AGS"
    near = difflib.get_close_matches(value.lower(), sorted(slugs), n=1, cutoff=0.75)
    return f"did you mean {near[0]!r}?" if near else ""


def _date(check: _Checker, row: int, column: str, raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        check.fail(row, column, raw, "no_date", "the submission date is empty (incomplete response?)", "")
        return None
    match = _ISO_DATE.match(raw.strip())
    if match:
        try:
            pd.Timestamp(match.group(1))
            return match.group(1)
        except ValueError:
            pass
    check.fail(row, column, raw, "invalid_date", "is not a date written as YYYY-MM-DD", "write e.g. 2023-11-13")
    return None


def _code(check: _Checker, row: int, column: str, raw: str | None, allowed: dict[str, str]) -> str | None:
    if raw in allowed:
        return raw
    check.fail(
        row, column, raw, "unknown_code", "is not an allowed code", f"use one of {', '.join(map(repr, allowed))}"
    )
    return None


def _check_wave(check: _Checker, frame: pd.DataFrame, wave: str) -> None:
    waves = frame["wave"].dropna()
    if not (waves == wave).any():
        found = ", ".join(sorted(set(waves))) or "none"
        check.file_failure(
            "wave_missing",
            f"wave {wave!r} not found in {check.table.name} (waves in the file: {found})",
            "check `wave` in the params or the file",
        )
        return
    for row in frame.index[frame["wave"].isna() | (frame["wave"] != wave).fillna(True)]:
        value = frame.at[row, "wave"]
        message = "the wave is empty" if pd.isna(value) else f"belongs to another wave than {wave}"
        check.fail(int(row), "wave", None if pd.isna(value) else value, "wrong_wave", message, f"enter {wave}")


def _check_unique(
    check: _Checker, frame: pd.DataFrame, column: str, what: str, rule: str, already: set[frozenset[int]] = frozenset()
) -> set[frozenset[int]]:
    """One failure per value that occurs on several rows, on its second row, naming every line; all rows set aside.

    A group of rows ``already`` reported (the same row twice is a duplicate id and a duplicate project) is not
    reported again. Returns the groups reported.
    """
    values = frame[column]
    dupes = values[values.notna() & values.duplicated(keep=False)]
    reported = set()
    for value, rows in dupes.groupby(dupes).groups.items():
        rows = sorted(int(r) for r in rows)
        if frozenset(rows) in already:
            continue
        reported.add(frozenset(rows))
        places = ", ".join(check.table.where(r, column).split(" ", 1)[-1] for r in rows)
        check.fail(
            rows[1],
            column,
            value,
            rule,
            f"{what} {value!r} appears {len(rows)} times ({places}); all {len(rows)} rows are set aside",
            "keep one answer per project and wave; nothing is de-duplicated automatically",
            also_rows=(rows[0], *rows[2:]),
        )
    return reported


def _check_field_period(check: _Checker, frame: pd.DataFrame, period: tuple[date, date]) -> None:
    """Submission dates outside the field period: per row, or once when no date lies inside (another wave?)."""
    start, end = period
    dates = frame["submitted"].dropna()
    outside = [(int(row), text) for row, text in dates.items() if not start.isoformat() <= str(text) <= end.isoformat()]
    if not outside:
        return
    span = f"{start.isoformat()} – {end.isoformat()}"
    fix = "correct the date, or set `field_start`/`field_end` to the real field period"
    if len(outside) == len(dates) and len(dates) > 1:
        found = sorted(text for _, text in outside)
        check.file_failure(
            "outside_field_period",
            f"all {len(dates)} submission dates lie outside the field period {span} (they run from {found[0]} to "
            f"{found[-1]}): is this the export of another wave?",
            fix,
            column="submitted",
        )
        return
    for row, text in outside:
        check.fail(row, "submitted", text, "outside_field_period", f"lies outside the field period {span}", fix)


def _check_respondent_ids(check: _Checker, frame: pd.DataFrame, wave: str) -> None:
    """Respondent ids that carry a year (``R2023-017``) must carry the wave's, when the wave id is a year.

    Checked only when most ids of the file carry a year (then that is how the survey names respondents).
    """
    if not re.fullmatch(r"(?:19|20)\d{2}", wave):
        return
    ids = frame["respondent_id"].dropna()
    dated = []
    for row, value in ids.items():
        years = _ID_YEAR.findall(str(value))
        if years:
            dated.append((int(row), str(value), years))
    if len(dated) * 2 < len(ids):
        return
    other = [(row, text, years) for row, text, years in dated if wave not in years]
    if not other:
        return
    fix = f"check that the file is the export of wave {wave}, or correct the id"
    if len(other) == len(dated) and len(dated) > 1:
        seen = sorted({year for _, _, years in other for year in years})
        check.file_failure(
            "other_wave_id",
            f"all {len(dated)} respondent ids carry the year {', '.join(seen)}, not the wave {wave} "
            f"(e.g. {other[0][1]!r}): is this the export of another wave?",
            fix,
            column="respondent_id",
        )
        return
    for row, text, years in other:
        message = f"carries the year {years[0]}, not the wave {wave}"
        check.fail(row, "respondent_id", text, "other_wave_id", message, fix)


def _check_consistency(check: _Checker, frame: pd.DataFrame) -> None:
    completed, continued = frame["measures_completed"], frame["measures_continued"]
    for row in frame.index[(continued > completed).fillna(False)]:
        check.fail(
            int(row),
            "measures_continued",
            _num(continued[row]),
            "contradiction",
            f"more measures continued than completed ({_num(completed[row])})",
            "continued measures are a subset of completed ones; correct one of the two",
        )
    for total, parts in SUM_RULES.items():
        summed = frame[list(parts)].sum(axis=1, min_count=len(parts))
        complete = frame[list(parts)].notna().all(axis=1) & frame[total].notna()
        for row in frame.index[complete & (summed != frame[total])]:
            check.fail(
                int(row),
                total,
                _num(frame.at[row, total]),
                "sum_mismatch",
                f"the total differs from the sum of {', '.join(parts)} ({_num(summed[row])})",
                "correct the total or the parts",
            )


# --- partners ---------------------------------------------------------------------------------------------------


def validate_partners(table: Table, register: pd.DataFrame) -> Checked:
    """Check a partner edge list: columns, project keys known to the register, exchange codes."""
    check = _Checker(table)
    check.require_columns(list(PARTNER_COLUMNS))
    if check.failures:
        return Checked(pd.DataFrame({c: pd.Series(dtype="string") for c in PARTNER_COLUMNS}), tuple(check.failures))
    for row, column, value, message, fix in table.problems:
        check.fail(row, column, value, "unreadable_row", message, fix)
    slugs = set(register["project_id"])
    out: dict[str, list] = {c: [] for c in PARTNER_COLUMNS}
    for row in range(len(table.rows)):
        for column in PARTNER_COLUMNS:
            raw = check.value(row, column)
            if column == "project_id" and raw not in slugs:
                hint = check.hint(raw or "", lambda r=raw: _did_you_mean_slug(r or "", register, slugs))
                check.fail(row, column, raw, "unknown_project", "is not a project of the register", hint)
            elif column == "partner_project_id" and raw is not None and raw not in slugs:
                hint = check.hint(raw, lambda r=raw: _did_you_mean_slug(r, register, slugs))
                check.fail(row, column, raw, "unknown_project", "is not a project of the register", hint)
            elif column == "exchange" and raw not in EXCHANGE_CODES:
                check.fail(row, column, raw, "unknown_code", "is not an exchange code", ", ".join(EXCHANGE_CODES))
            elif column == "partner_name" and (raw is None or not raw.strip()):
                check.fail(row, column, raw, "no_name", "the partner's name is empty", "enter the municipality")
            out[column].append(raw)
    frame = pd.DataFrame({c: pd.Series(v, dtype="string") for c, v in out.items()})
    return Checked(frame, tuple(check.sorted()))


# --- quality record ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One file a report was built from, with its fingerprint."""

    role: str  # "Antworten", "Partnerkommunen" or "Codebuch"
    name: str
    sha256: str
    rows_read: int | None = None
    rows_used: int | None = None


@dataclass(frozen=True)
class DataQuality:
    """What intake and validation did with one wave: rows read, used and rejected, special codes, files used."""

    wave: str
    format: str
    encoding: str
    policy: str
    codebook: str
    files: tuple[SourceFile, ...]
    rows_read: int
    rows_used: int
    rows_rejected: int
    rejected_by_rule: tuple[tuple[str, int], ...]
    missing_reasons: dict[str, dict[str, int]]
    failures: tuple[Failure, ...]


def rejected_by_rule(failures: tuple[Failure, ...] | list[Failure]) -> tuple[tuple[str, int], ...]:
    """Rejected rows per reason: each row counted once, under its first failure, so the counts add up."""
    first: dict[tuple[str, int], str] = {}
    for failure in failures:
        if failure.row is not None:
            for row in (failure.row, *failure.also_rows):
                first.setdefault((failure.file, row), failure.rule)
    return tuple(Counter(first.values()).most_common())


# --- helpers ----------------------------------------------------------------------------------------------------


class _Checker:
    """Collects failures for one table and knows how to locate a cell."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.failures: list[Failure] = []
        self._index = {name: i for i, name in enumerate(table.header)}
        self._respondent = self._index.get("respondent_id")
        self._hints: dict[str, str] = {}

    def hint(self, value: str, compute) -> str:
        """A "did you mean" hint, computed once per value and for at most :data:`MAX_HINTS` values."""
        if value not in self._hints:
            self._hints[value] = compute() if len(self._hints) < MAX_HINTS else ""
        return self._hints[value]

    def value(self, row: int, column: str) -> str | None:
        return self.table.rows[row][self._index[column]]

    def fail(
        self, row: int, column: str, value: object, rule: str, message: str, fix: str, also_rows: tuple[int, ...] = ()
    ) -> None:
        line, sheet, cell = self.table.cell_ref(row, column) if column else (self.table.lines[row], "", "")
        if column == "" and self.table.sheet is not None:
            line, sheet, cell = None, self.table.sheet, f"row {self.table.lines[row]}"
        respondent = self.table.rows[row][self._respondent] if self._respondent is not None else None
        source = self.table.columns_from.get(column, column)
        label = column if source == column else f"{column} ({source})"
        self.failures.append(
            Failure(
                self.table.name,
                line,
                sheet,
                cell,
                label,
                "" if value is None else str(value),
                respondent or "",
                rule,
                message,
                fix,
                row,
                also_rows,
            )
        )

    def file_failure(self, rule: str, message: str, fix: str, column: str = "") -> None:
        self.failures.append(Failure(self.table.name, None, "", "", column, "", "", rule, message, fix, None))

    def require_columns(self, required: list[str]) -> None:
        header = list(self.table.header)
        for column in required:
            if column in header:
                continue
            source = self.table.columns_from.get(column, column)
            near = [h for h in header if h.lstrip("\ufeff").lstrip("ï»¿").strip().lower() == column.lower()]
            near = near or difflib.get_close_matches(column, header, n=1, cutoff=0.8)
            hint = ""
            if near:
                hint = f"found {near[0]!r}"
                if near[0].startswith(("\ufeff", "ï»¿")):
                    hint += " — a byte-order mark (BOM)? set `intake: {encoding: utf-8}`"
                elif near[0] != near[0].strip():
                    hint += " — remove the spaces around the name"
            found = ", ".join(repr(h) for h in header[:6]) + (" …" if len(header) > 6 else "")
            self.failures.append(
                Failure(
                    self.table.name,
                    1 if self.table.sheet is None else None,
                    self.table.sheet or "",
                    "",
                    source,
                    "",
                    "",
                    "missing_column",
                    f"required column {source!r} is missing (found {len(header)} column(s): {found})",
                    hint or "add the column to the header",
                    None,
                )
            )

    def sorted(self) -> list[Failure]:
        return sorted(self.failures, key=lambda f: (f.row is not None, f.row or 0))


def _typed_frame(out: dict[str, list]) -> pd.DataFrame:
    columns = {}
    for column in WAVE_COLUMNS:
        if column in COUNT_COLUMNS:
            columns[column] = pd.array([None if v is None else int(v) for v in out[column]], dtype="Int64")
        elif column in TEXT_COLUMNS:
            columns[column] = pd.Series(out[column], dtype="string").fillna("")
        else:
            columns[column] = pd.Series(out[column], dtype="string")
    return pd.DataFrame(columns)


def _empty_frame() -> pd.DataFrame:
    return _typed_frame({c: [] for c in WAVE_COLUMNS})


def _num(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def defuse_formula(text: str) -> str:
    """Keep a value from being run as a spreadsheet formula when a CSV or workbook is opened (CSV injection).

    Text that starts with ``=``, ``@``, a tab, a carriage return, or ``+``/``-`` without being a number gets a
    leading apostrophe, so spreadsheet programs show it as text. Used for ``validation_errors.csv`` and for every
    text of the open-data files (:mod:`mpsc_report.documents.opendata`).
    """
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _NUMBER_POINT.match(text)):
        return "'" + text
    return text
