"""Importing a plan year's indicator outcomes from a CSV or Excel file: for
key figures that are not in Kolada (a survey, the payroll system).

The file has a header row and a row per outcome::

    nyckeltal_id;nyckeltal;period_id;period;värde;kommentar
    12;Andel nöjda brukare;5;Årsredovisning 2026;87,5;Enkät i oktober

`nyckeltal_id`, `period_id` and `värde` are required; `nyckeltal` and `period`
only help the person filling it in; `kommentar` becomes the change's reason in
the outcome's history. `outcome_template` writes the file for the indicators
the user may keep, with every open period of the year.

Every row is checked before anything is written, and every error is listed
with its row and column; if any row is wrong, nothing is imported. The rows
are written in one transaction with the periods locked, so a period cannot
close halfway through.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.indicators import outcomes_bulk_save
from followup.models import Period
from goals import permissions
from goals.models import PlanYear

SOURCE = "Fil"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An Excel file is a zip: refused if it unpacks to more than this.
MAX_UNPACKED = 30 * 1024 * 1024
MAX_ERRORS_SHOWN = 100
LIMIT = Decimal("1e11")
COMMENT_LENGTH = 100

INDICATOR, NAME, PERIOD, PERIOD_NAME, VALUE, COMMENT = (
    "nyckeltal_id",
    "nyckeltal",
    "period_id",
    "period",
    "värde",
    "kommentar",
)
HEADER = [INDICATOR, NAME, PERIOD, PERIOD_NAME, VALUE, COMMENT]
REQUIRED = (INDICATOR, PERIOD, VALUE)


class OutcomeFileError(Exception):
    """The file was not imported; the messages, one per problem, are for people."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class OutcomeImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # indicator, period, value


# --- reading -----------------------------------------------------------------


def read_rows(name: str, content: bytes) -> list[dict[str, str]]:
    """The file's rows as {column: text}, by its header; raises OutcomeFileError."""
    if len(content) > MAX_BYTES:
        raise OutcomeFileError(
            [_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}]
        )
    if not content.strip():
        raise OutcomeFileError([_("The file is empty.")])
    if content.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        table = _excel_rows(content)
    else:
        table = _csv_rows(content)
    return _by_header(table)


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV" in Swedish Windows
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise OutcomeFileError([_("The file is not CSV: %(reason)s") % {"reason": error}]) from None


def _excel_rows(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise OutcomeFileError([_("The Excel file unpacks to too much to be read.")])
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except OutcomeFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise OutcomeFileError([_("The file is neither CSV nor an Excel file (.xlsx).")]) from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
        rows.append(["" if cell is None else _cell_text(cell) for cell in row])
    workbook.close()
    return rows


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _by_header(table: list[list[str]]) -> list[dict[str, str]]:
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise OutcomeFileError([_("The file is empty.")])
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise OutcomeFileError(
            [
                _("The first row must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)}
            ]
        )
    if len(table) - 1 > MAX_ROWS:
        raise OutcomeFileError([_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS}])
    return [
        {
            column: (row[index].strip() if index < len(row) else "")
            for index, column in enumerate(header)
        }
        for row in table[1:]
    ]


# --- checking ----------------------------------------------------------------


@dataclass
class _Row:
    line: int
    indicator: dict
    period: Period
    value: Decimal
    comment: str


def _number(text: str) -> Decimal | None:
    cleaned = "".join(text.split()).replace("\u2212", "-").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= LIMIT or -number.as_tuple().exponent > 3:
        return None
    return number


def _integer(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 12 else None


def _checked(rows: list[dict[str, str]], plan_year: PlanYear, user) -> list[_Row]:
    """The rows, each checked; raises OutcomeFileError listing every error."""
    indicators = {
        each["pk"]: each
        for each in Indicator.objects.for_year(plan_year).values(
            "pk", "name", "node__kind", "node__committee_id"
        )
    }
    periods = {period.pk: period for period in Period.objects.for_year(plan_year)}
    errors: list[str] = []
    checked: list[_Row] = []
    seen: dict[tuple[int, int], int] = {}
    for line, row in enumerate(rows, start=2):  # the header is row 1

        def error(column: str, message: str, line=line) -> None:
            errors.append(
                _("Row %(row)s, column %(column)s: %(message)s")
                % {"row": line, "column": column, "message": message}
            )

        before = len(errors)
        indicator_id = _integer(row.get(INDICATOR, ""))
        indicator = indicators.get(indicator_id)
        if indicator is None:
            error(
                INDICATOR,
                _("no indicator of %(year)s has the id “%(id)s”.")
                % {"year": plan_year.year, "id": row.get(INDICATOR, "")},
            )
        elif not permissions.can_edit_kind(
            user, indicator["node__kind"], indicator["node__committee_id"]
        ):
            error(
                INDICATOR,
                _("you may not enter outcomes of “%(name)s”.") % {"name": indicator["name"]},
            )
        period = periods.get(_integer(row.get(PERIOD, "")))
        if period is None:
            error(
                PERIOD,
                _("no period of %(year)s has the id “%(id)s”.")
                % {"year": plan_year.year, "id": row.get(PERIOD, "")},
            )
        elif period.is_closed:
            error(PERIOD, _("the period %(period)s is closed.") % {"period": period.display_title})
        value = _number(row.get(VALUE, ""))
        if value is None:
            error(
                VALUE,
                _("“%(value)s” is not a number with at most three decimals.")
                % {"value": row.get(VALUE, "")},
            )
        comment = row.get(COMMENT, "")
        if len(comment) > COMMENT_LENGTH:
            error(COMMENT, _("at most %(limit)s characters.") % {"limit": COMMENT_LENGTH})
        if len(errors) > before:
            continue
        key = (indicator["pk"], period.pk)
        if key in seen:
            error(PERIOD, _("the same indicator and period as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = line
        checked.append(_Row(line, indicator, period, value, comment))
    if not rows:
        errors.append(_("The file has no rows below its header."))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(
                _("… and %(count)s more errors.") % {"count": len(errors) - MAX_ERRORS_SHOWN}
            )
        raise OutcomeFileError(shown)
    return checked


# --- writing -----------------------------------------------------------------


def outcome_file_import(
    *, plan_year: PlanYear, name: str, content: bytes, user
) -> OutcomeImportReport:
    """Import the file's outcomes into the plan year, all rows or none."""
    rows = read_rows(name, content)
    with transaction.atomic():
        # Locked first, and checked again under the lock: no period closes meanwhile.
        list(Period.objects.locked().filter(plan_year=plan_year))
        checked = _checked(rows, plan_year, user)
        existing = {
            (outcome.indicator_id, outcome.period_id): outcome
            for outcome in IndicatorOutcome.objects.select_for_update().filter(
                indicator__node__plan_year=plan_year,
                indicator_id__in={row.indicator["pk"] for row in checked},
            )
        }
        report = OutcomeImportReport()
        to_create, to_update = _changes(checked, existing, user, report)
        outcomes_bulk_save(to_create, to_update, user=user)
    return report


def _changes(checked: list[_Row], existing: dict, user, report: OutcomeImportReport):
    now = timezone.now()
    to_create, to_update = [], []
    for row in checked:
        outcome = existing.get((row.indicator["pk"], row.period.pk))
        if outcome is not None and outcome.value == row.value:
            report.unchanged += 1
            continue
        if outcome is None:
            outcome = IndicatorOutcome(indicator_id=row.indicator["pk"], period=row.period)
            to_create.append(outcome)
            report.created += 1
        else:
            outcome.version += 1
            to_update.append(outcome)
            report.updated += 1
        outcome.value = row.value
        outcome.source = SOURCE
        outcome.updated_by = user
        outcome.updated_at = now
        outcome._change_reason = row.comment or SOURCE
        report.rows.append((row.indicator["name"], row.period.display_title, str(row.value)))
    return to_create, to_update


# --- the template ------------------------------------------------------------


def template_rows(plan_year: PlanYear, user) -> list[list[str]]:
    """A row per indicator the user may keep and open period of the year, with its
    outcome if it has one. Three queries."""
    periods = list(Period.objects.for_year(plan_year).open())
    outcomes = {
        (indicator_id, period_id): value
        for indicator_id, period_id, value in IndicatorOutcome.objects.filter(
            indicator__node__plan_year=plan_year
        ).values_list("indicator_id", "period_id", "value")
    }
    rows = [HEADER]
    for indicator in (
        Indicator.objects.for_year(plan_year)
        .values("pk", "name", "node__kind", "node__committee_id")
        .order_by("node__tree_id", "node__lft", "order", "pk")
    ):
        if not permissions.can_edit_kind(
            user, indicator["node__kind"], indicator["node__committee_id"]
        ):
            continue
        for period in periods:
            value = outcomes.get((indicator["pk"], period.pk))
            shown = "" if value is None else format(value.normalize(), "f").replace(".", ",")
            rows.append(
                [
                    str(indicator["pk"]),
                    _neutralised(indicator["name"]),
                    str(period.pk),
                    _neutralised(period.display_title),
                    shown,
                    "",
                ]
            )
    return rows


def _neutralised(text: str) -> str:
    """A name as text, never a formula, when a spreadsheet opens the file."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _neutralised(text: str) -> str:
    """A name as text, never a formula, when a spreadsheet opens the file."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def template_csv(rows: list[list[str]]) -> bytes:
    """As Swedish Excel opens it: UTF-8 with a byte order mark, `;` between fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Outcomes")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
