"""A period's follow-up as files: CSV, Excel and Word, all from one `PeriodReport`.

CSV is written as Swedish Excel opens it without asking: UTF-8 with a byte
order mark, `;` between fields and a decimal comma. The Excel file has one
sheet with a bold, frozen header row; the Word document follows the report's
headings, with each goal's indicators in a table.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from followup.models import Period
from followup.reports import PeriodReport, ReportGoal


def filename(period: Period, extension: str) -> str:
    """uppfoljning-delarsrapport-2026.xlsx: the period's title, without å, ä and ö."""
    prefix = slugify(_("follow-up"))
    return f"{prefix}-{slugify(period.display_title)}.{extension}"


def columns() -> list[str]:
    return [
        _("Perspective"),
        _("Direction goal"),
        _("Level"),
        _("Goal"),
        _("Committee"),
        _("Status"),
        _("Analysis"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Outcome"),
        _("Indicator status"),
        _("Kolada KPI id"),
        _("Responsible"),
        _("Start date"),
        _("End date"),
        _("Cost estimate (kr)"),
    ]


def rows(report: PeriodReport) -> list[list]:
    """One row per goal, one per indicator right after its goal's row, and one
    per activity with its plan after its committee goal's."""
    result: list[list] = []
    direction_title = ""
    for perspective, goal in report.goals():
        if goal.kind == "direction_goal":
            direction_title = goal.title
        committee = goal.committee.name if goal.committee else ""
        result.append(
            [
                perspective.title,
                direction_title,
                goal.kind_label,
                goal.title,
                committee,
                goal.status_label,
                goal.analysis,
                "",
                "",
                None,
                None,
                None,
                "",
                "",
                *PLAN_BLANK,
            ]
        )
        for line in goal.indicators:
            result.append(
                [
                    perspective.title,
                    direction_title,
                    _("Indicator"),
                    goal.title,
                    committee,
                    "",
                    "",
                    line.name,
                    line.unit,
                    line.baseline,
                    line.target,
                    line.outcome,
                    line.status_label,
                    line.kolada_kpi,
                    *PLAN_BLANK,
                ]
            )
        for activity in goal.activities:
            result.append(
                [
                    perspective.title,
                    direction_title,
                    _("Activity"),
                    activity.title,
                    committee,
                    activity.status_label,
                    activity.analysis,
                    "",
                    "",
                    None,
                    None,
                    None,
                    "",
                    "",
                    activity.responsible,
                    activity.start_date,
                    activity.end_date,
                    activity.cost_estimate,
                ]
            )
    return result


PLAN_BLANK = ["", None, None, None]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value()
        text = str(value.quantize(Decimal(1)) if whole else value.normalize())
        return text.replace(".", ",")
    return str(value)


def to_csv(report: PeriodReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns())
    for row in rows(report):
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Column widths in characters, in the order of `columns()`.
XLSX_WIDTHS = [18, 30, 22, 45, 28, 16, 60, 40, 8, 12, 12, 12, 18, 12, 24, 12, 12, 14]


def to_xlsx(report: PeriodReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # A sheet's name is at most 31 characters and cannot hold some punctuation.
    sheet.title = slugify(report.period.display_title)[:31] or "1"
    sheet.append(columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows(report):
        sheet.append(row)
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _status_paragraph(document, goal: ReportGoal) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Status:") + " ").bold = True
    paragraph.add_run(goal.status_label)


def _analysis(document, goal: ReportGoal) -> None:
    for text in goal.paragraphs:
        document.add_paragraph(text)


def _indicator_table(document, goal: ReportGoal) -> None:
    headings = [_("Indicator"), _("Baseline"), _("Target"), _("Outcome"), _("Status")]
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for line in goal.indicators:
        name = f"{line.name} ({line.unit})" if line.unit else line.name
        status = line.status_label or _("no outcome")
        values = [name, line.baseline_text, line.target_text, line.outcome_text, status]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def to_docx(report: PeriodReport) -> bytes:
    document = Document()
    document.core_properties.title = _("Goal fulfilment – %(period)s") % {
        "period": report.period.display_title
    }
    document.core_properties.language = "sv-SE"
    document.add_heading(document.core_properties.title, level=0)
    summary = report.summary
    document.add_paragraph(
        _(
            "Of %(total)s municipal goals, %(met)s were met, %(partly)s partly met, "
            "%(not_met)s not met and %(not_assessed)s not assessed."
        )
        % {
            "total": summary.total,
            "met": summary.met,
            "partly": summary.partly_met,
            "not_met": summary.not_met,
            "not_assessed": summary.not_assessed,
        }
    )
    for perspective in report.perspectives:
        document.add_heading(perspective.title, level=1)
        for direction in perspective.goals:
            document.add_heading(f"{direction.kind_label}: {direction.title}", level=2)
            _status_paragraph(document, direction)
            _analysis(document, direction)
            for municipal in direction.children:
                document.add_heading(municipal.title, level=3)
                _status_paragraph(document, municipal)
                _analysis(document, municipal)
                if municipal.indicators:
                    _indicator_table(document, municipal)
                for goal in municipal.children:
                    committee = goal.committee.name if goal.committee else ""
                    document.add_heading(f"{goal.title} ({committee})", level=4)
                    _status_paragraph(document, goal)
                    _analysis(document, goal)
                    if goal.indicators:
                        _indicator_table(document, goal)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
