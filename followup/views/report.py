"""A period in figures, the printable report and its exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import charts, exports, reports
from followup.forms import PeriodChoiceForm
from followup.models import Assessment, Period, default_period, status_label
from goals import permissions
from goals.models import Committee, Node, PlanYear


def overview(request: HttpRequest, year: int) -> HttpResponse:
    """A period in figures: charts per perspective and committee, and the summary
    of the municipal goals the annual report needs."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
    form = PeriodChoiceForm(request.GET or None, periods=periods)
    period = form.selection(default_period(periods, timezone.localdate()))
    committees = list(Committee.objects.all())
    rows = Node.objects.for_year(plan_year).in_tree_order().rows()
    statuses = Assessment.objects.for_period(period).status_by_node() if period else {}
    figures = reports.period_overview(rows, statuses, committees)
    sections = [
        (
            "perspectives",
            _("Goals per perspective"),
            figures.by_perspective,
            reports.GOAL_SCALE,
        ),
        (
            "committee-goals",
            _("Committee goals per committee"),
            figures.goals_by_committee,
            reports.GOAL_SCALE,
        ),
        (
            "activities",
            _("Activities per committee"),
            figures.activities_by_committee,
            reports.ACTIVITY_SCALE,
        ),
    ]
    return render(
        request,
        "followup/overview.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "summary": figures.municipal_summary,
            "charts": [
                {
                    "id": chart_id,
                    "title": title,
                    "svg": charts.bar_chart(
                        chart_id=f"chart-{chart_id}", title=title, groups=groups, scale=scale
                    ),
                    "headers": [status_label(status) for status in scale],
                    "rows": [
                        (group.label, [group.counts[status] for status in scale], group.total())
                        for group in groups
                    ],
                }
                for chart_id, title, groups, scale in sections
            ],
        },
    )


def _visible_period(request: HttpRequest, pk: int) -> Period:
    """The period if the user may read its follow-up; 404 for a hidden one."""
    return get_object_or_404(
        Period.objects.visible_to(request.user).select_related("plan_year"), pk=pk
    )


def period_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The goal section of the interim or annual report, printable."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    period = _visible_period(request, pk)
    return render(
        request,
        "followup/report.html",
        {"period": period, "report": reports.period_report(period)},
    )


EXPORTS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": (
        exports.to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "docx": (
        exports.to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


def report_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The report as a CSV, Excel or Word file."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    if file_format not in EXPORTS:
        raise Http404
    period = _visible_period(request, pk)
    write, content_type, extension = EXPORTS[file_format]
    report = reports.period_report(period, with_activities=file_format != "docx")
    response = HttpResponse(write(report), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(period, extension)}"'
    )
    return response
