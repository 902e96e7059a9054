"""A plan year's indicator outcomes from a CSV or Excel file, and its template."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from followup import outcomeimport
from followup.indicator_forms import OutcomeFileForm
from goals import permissions
from goals.models import PlanYear


def _plan_year_for_import(request: HttpRequest, year: int) -> PlanYear:
    """The plan year if the user keeps anything; raises otherwise (login page or 403)."""
    if not permissions.can_edit_any(request.user):
        permissions.refuse(request)
    return get_object_or_404(PlanYear, year=year)


@permissions.redirects_anonymous
def outcome_import(request: HttpRequest, year: int) -> HttpResponse:
    """Upload the file; the answer lists what was imported, or every error and nothing imported."""
    plan_year = _plan_year_for_import(request, year)
    posted = request.method == "POST"
    form = OutcomeFileForm(request.POST if posted else None, request.FILES if posted else None)
    report, errors, status = None, [], 200
    if posted:
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = outcomeimport.outcome_file_import(
                    plan_year=plan_year,
                    name=upload.name,
                    content=upload.read(outcomeimport.MAX_BYTES + 1),
                    user=request.user,
                )
            except outcomeimport.OutcomeFileError as error:
                errors = error.messages
            else:
                status = 200
    return render(
        request,
        "followup/outcome_import.html",
        {"plan_year": plan_year, "form": form, "report": report, "errors": errors},
        status=status,
    )


@permissions.redirects_anonymous
def outcome_import_template(request: HttpRequest, year: int) -> HttpResponse:
    """The file to fill in: the indicators the user keeps, with the year's open periods."""
    plan_year = _plan_year_for_import(request, year)
    rows = outcomeimport.template_rows(plan_year, request.user)
    name = f"nyckeltal-{plan_year.year}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            outcomeimport.template_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            outcomeimport.template_csv(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
