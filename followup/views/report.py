"""A period in figures, the printable report and its exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from followup import comparison, exports, reports
from followup.forms import PeriodChoiceForm
from followup.models import Period, default_period
from goals import permissions
from goals.models import Committee, PlanYear


def overview(request: HttpRequest, year: int) -> HttpResponse:
    """A period in figures: stacked bars per perspective and committee beside the
    period before and the year before, the goals not met named, and the summary
    of the municipal goals the annual report needs."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
    form = PeriodChoiceForm(request.GET or None, periods=periods)
    period = form.selection(default_period(periods, timezone.localdate()))
    committees = list(Committee.objects.all())
    found = comparison.period_comparison(
        plan_year, period, user=request.user, committees=committees
    )
    return render(
        request,
        "followup/overview.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "comparison": found,
            "summary": found.summary if found else None,
        },
    )


def visible_period(request: HttpRequest, pk: int) -> Period:
    """The period if the user may read its follow-up; 404 for a hidden one."""
    return get_object_or_404(
        Period.objects.visible_to(request.user).select_related("plan_year"), pk=pk
    )


def period_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The goal section of the interim or annual report, printable."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    period = visible_period(request, pk)
    return render(
        request,
        "followup/report.html",
        {"period": period, "report": reports.period_report(period, reader=request.user)},
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
    period = visible_period(request, pk)
    write, content_type, extension = EXPORTS[file_format]
    report = reports.period_report(
        period, with_activities=file_format != "docx", reader=request.user
    )
    response = HttpResponse(write(report), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(period, extension)}"'
    )
    return response
