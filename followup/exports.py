"""A period's follow-up as files: CSV, Excel and Word, all from one `PeriodReport`.

CSV is written as Swedish Excel opens it without asking: UTF-8 with a byte
order mark, `;` between fields and a decimal comma. The Excel file has one
sheet with a bold, frozen header row; the Word document follows the report's
headings, with each goal's indicators in a table.

Whatever text was stored, every file opens and none carries a formula: text
that a spreadsheet would read as a formula gets a leading apostrophe (OWASP's
advice against CSV injection), Excel cells holding text are always written as
text, and characters no XML file may hold are replaced (`writable`).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from followup import assignmentexports
from followup.geh import GehReport, GoalTally
from followup.models import Period
from followup.reports import CommitteeReport, PeriodReport, ReportGoal
from goals import links
from goals.text import normalise_breaks

# What makes Excel, LibreOffice and Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What no XML 1.0 file (Excel, Word) may hold, and the other control characters:
# C0 except tab, newline and carriage return, DEL and C1, lone surrogates, U+FFFE/U+FFFF.
UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def writable(text: str) -> str:
    """`text` as every file format can hold it: Word's breaks as newlines, any
    other control character as U+FFFD (visible, so nothing vanishes unseen)."""
    return UNWRITABLE.sub("\ufffd", normalise_breaks(text))


def cell_text(text: str) -> str:
    """A spreadsheet cell's text: writable, and never read as a formula."""
    text = writable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
        _("Forecast for the full year"),
        _("Forecast value for the full year"),
        _("Comparison (source: Kolada)"),
        _("Responsible"),
        _("Start date"),
        _("End date"),
        _("Cost estimate (kr)"),
        _("Also supports"),
    ]


def rows(report: PeriodReport) -> list[list]:
    """One row per goal, one per indicator right after its goal's row, and one
    per activity with its plan after its committee goal's."""
    result: list[list] = []
    direction_title = ""
    supported = links.supported_titles(report.period.plan_year_id)
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
                goal.forecast_label,
                None,
                "",
                *PLAN_BLANK,
                "; ".join(supported.get(goal.id, [])),
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
                    "",
                    line.forecast,
                    line.comparison,
                    *PLAN_BLANK,
                    "",
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
                    "",
                    None,
                    "",
                    activity.responsible,
                    activity.start_date,
                    activity.end_date,
                    activity.cost_estimate,
                    "; ".join(supported.get(activity.id, [])),
                ]
            )
    return result + assignmentexports.export_rows(report)


PLAN_BLANK = ["", None, None, None]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value()
        text = str(value.quantize(Decimal(1)) if whole else value.normalize())
        return text.replace(".", ",")
    return cell_text(str(value))


def to_csv(report: PeriodReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns())
    for row in rows(report):
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Column widths in characters, in the order of `columns()`.
XLSX_WIDTHS = [18, 30, 22, 45, 28, 16, 60, 40, 8, 12, 12, 12, 18, 12, 18, 12, 18, 24, 12, 12, 14]


def _xlsx_row(sheet, number: int, values: list) -> list:
    """Writes one row: numbers as numbers, everything else as text, never as a formula."""
    cells = []
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=number, column=column)
        if value is None:
            pass
        elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            cell.value = value
        else:
            # openpyxl would store "=…" as a formula: the type is set, not guessed.
            cell.value = cell_text(str(value))
            cell.data_type = "s"
        cells.append(cell)
    return cells


def to_xlsx(report: PeriodReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # A sheet's name is at most 31 characters and cannot hold some punctuation.
    sheet.title = slugify(report.period.display_title)[:31] or "1"
    _xlsx_row(sheet, 1, columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    for number, row in enumerate(rows(report), start=2):
        for cell in _xlsx_row(sheet, number, row):
            cell.alignment = wrap
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _also_supports(document, titles: list[str] | None) -> None:
    """The line naming the goals a goal or an activity also supports, if any."""
    if titles:
        document.add_paragraph(writable(f"{_('Also supports')}: {'; '.join(titles)}"))


def _status_paragraph(document, goal: ReportGoal, forecasts: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Status:") + " ").bold = True
    paragraph.add_run(writable(goal.status_label))
    if forecasts:
        paragraph.add_run(" · ")
        paragraph.add_run(_("Forecast for the full year:") + " ").bold = True
        paragraph.add_run(goal.forecast_label or "–")


def _analysis(document, goal: ReportGoal) -> None:
    for text in goal.paragraphs:
        document.add_paragraph(writable(text))


def _goal_section(document, goal: ReportGoal, heading: str, level: int, forecasts: bool) -> None:
    """A goal under its heading: its status, its analysis and its indicators."""
    document.add_heading(writable(heading), level=level)
    _status_paragraph(document, goal, forecasts)
    _analysis(document, goal)
    if goal.indicators:
        _indicator_table(document, goal, forecasts)


def _indicator_table(document, goal: ReportGoal, forecasts: bool = False) -> None:
    headings = [_("Indicator"), _("Baseline"), _("Target"), _("Outcome"), _("Status")]
    if forecasts:
        headings.insert(4, _("Forecast for the full year"))
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for line in goal.indicators:
        name = f"{line.name} ({line.unit})" if line.unit else line.name
        status = line.status_label or _("no outcome")
        values = [name, line.baseline_text, line.target_text, line.outcome_text, status]
        if forecasts:
            values.insert(4, line.forecast_text or "–")
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = writable(text)
    for line in goal.indicators:
        if line.comparison:
            document.add_paragraph(writable(f"{line.name}: {line.comparison}"))


def to_docx(report: PeriodReport) -> bytes:
    document = Document()
    document.core_properties.title = _("Goal fulfilment – %(period)s") % {
        "period": writable(report.period.display_title)
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
    forecasts = report.has_forecasts
    supported = links.supported_titles(report.period.plan_year_id)
    for perspective in report.perspectives:
        document.add_heading(writable(perspective.title), level=1)
        for direction in perspective.goals:
            document.add_heading(writable(f"{direction.kind_label}: {direction.title}"), level=2)
            _status_paragraph(document, direction, forecasts)
            _analysis(document, direction)
            for municipal in direction.children:
                _goal_section(document, municipal, municipal.title, 3, forecasts)
                for goal in municipal.children:
                    committee = goal.committee.name if goal.committee else ""
                    _goal_section(document, goal, f"{goal.title} ({committee})", 4, forecasts)
                    _also_supports(document, supported.get(goal.id))
    assignmentexports.docx_section(document, report, writable)
    if report.geh is not None:
        _geh_section(document, report.geh)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# --- sound financial management and the committees' reports in Word ------------


def _geh_goals(document, heading: str, tally: GoalTally) -> None:
    document.add_heading(heading, level=2)
    if not tally.goals:
        document.add_paragraph(_("No municipal goal is marked as this kind of goal."))
        return
    if tally.by_forecast:
        text = _("%(reached)s of %(total)s are forecast to be reached for the full year.")
    else:
        text = _("%(reached)s of %(total)s were reached.")
    document.add_paragraph(text % {"reached": tally.reached, "total": tally.total})
    for goal in tally.goals:
        line = f"{goal.title}: {goal.status_label}"
        if tally.by_forecast:
            line += f" ({_('Forecast for the full year:')} {goal.forecast_label or '–'})"
        document.add_paragraph(writable(line), style="List Bullet")


def _geh_section(document, geh: GehReport) -> None:
    document.add_heading(_("Sound financial management"), level=1)
    document.add_heading(_("Evaluation"), level=2)
    if geh.evaluation:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Verdict:") + " ").bold = True
        paragraph.add_run(
            _("Sound financial management %(verdict)s")
            % {"verdict": geh.evaluation.get_verdict_display()}
        )
        for text in geh.evaluation.justification.replace("\r", "").split("\n\n"):
            if text.strip():
                document.add_paragraph(writable(text.strip()))
    else:
        document.add_paragraph(_("No evaluation has been written yet."))
    _geh_goals(document, _("Financial goals"), geh.financial)
    _geh_goals(
        document,
        _("Operational goals of importance for sound financial management"),
        geh.operational,
    )
    balance = geh.balance
    document.add_heading(
        _("Balance requirement (forecast for the full year)")
        if geh.is_forecast
        else _("Balance requirement"),
        level=2,
    )
    if balance.statement is None:
        document.add_paragraph(_("No balance requirement statement has been entered yet."))
        return
    document.add_paragraph(_("amounts in %(unit)s") % {"unit": balance.unit.label})
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    lines = [(row.label, row.text, row.computed) for row in balance.rows] + [
        (_("Deficits from earlier years still to restore"), balance.deficits_total_text, False),
        (
            _("Balance requirement result after earlier deficits"),
            balance.after_deficits_text,
            True,
        ),
        (_("Still to restore"), balance.to_restore_text, True),
    ]
    for label, text, computed in lines:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = "", text
        cells[0].paragraphs[0].add_run(label).bold = computed
    for row in balance.deficit_rows:
        document.add_paragraph(
            _("Deficit from %(year)s: %(amount)s, to be restored by %(by)s.")
            % {"year": row.arose_in, "amount": row.text, "by": row.restore_by},
            style="List Bullet",
        )


def committee_to_docx(report: CommitteeReport) -> bytes:
    """A committee's goals and activities in a period as a Word document."""
    document = Document()
    document.core_properties.title = _("%(committee)s – %(period)s") % {
        "committee": writable(report.committee.name),
        "period": report.period.display_title,
    }
    document.core_properties.language = "sv-SE"
    document.add_heading(document.core_properties.title, level=0)
    forecasts = report.has_forecasts
    supported = links.supported_titles(report.period.plan_year_id)
    for section in report.sections:
        document.add_heading(
            writable(f"{_('Municipal goal')}: {section.municipal_goal_title}"), level=1
        )
        for goal in section.goals:
            _goal_section(document, goal, goal.title, 2, forecasts)
            _also_supports(document, supported.get(goal.id))
            if goal.children:
                document.add_heading(_("Activities"), level=3)
                for activity in goal.children:
                    document.add_paragraph(
                        writable(f"{activity.title}: {activity.status_label}"), style="List Bullet"
                    )
                    if activity.plan_text:
                        document.add_paragraph(writable(activity.plan_text))
                    _analysis(document, activity)
                    _also_supports(document, supported.get(activity.id))
    assignmentexports.docx_section(document, report, writable)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
