"""The assignments (uppdrag) in the report's exports: rows of the CSV and
Excel files, in the goals' columns, and a section of the Word document."""

from __future__ import annotations

from django.utils.translation import gettext as _

from followup.models import status_label


def export_rows(report) -> list[list]:
    """One row per assignment after the goals' rows, in the columns of
    `followup.exports.columns`: level "Uppdrag", the goal it sits under as its
    direction, the committee, status and analysis, the due date as its end date."""
    kind = _("Assignment")
    rows = []
    for row in report.assignments:
        assignment = row.assignment
        rows.append(
            [
                "",
                assignment.goal.title if assignment.goal else "",
                kind,
                assignment.title,
                assignment.committee.name,
                row.status_label or status_label("missing"),
                row.analysis,
                *[""] * 2,
                *[None] * 3,
                *[""] * 3,
                None,
                "",
                "",
                None,
                assignment.due_date,
                None,
            ]
        )
    return rows


def docx_section(document, report, writable) -> None:
    """The assignments under a heading of their own, each with its status and analysis."""
    if not report.assignments:
        return
    document.add_heading(_("Assignments"), level=1)
    for row in report.assignments:
        assignment = row.assignment
        document.add_heading(writable(f"{assignment.title} ({assignment.committee.name})"), level=2)
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Status:") + " ").bold = True
        paragraph.add_run(writable(row.status_label or status_label("missing")))
        if assignment.due_date:
            paragraph.add_run(" · ")
            paragraph.add_run(_("Due date") + ": ").bold = True
            paragraph.add_run(assignment.due_date.isoformat())
        if row.overdue:
            paragraph.add_run(" · " + _("overdue"))
        if row.analysis:
            document.add_paragraph(writable(row.analysis))
