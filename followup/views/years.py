"""Plan years and their follow-up periods (officials)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import services
from followup.forms import PeriodForm, PlanYearStartForm
from followup.models import Period
from followup.views import year as year_views
from goals import conflicts, permissions
from goals.models import PlanYear
from goals.services import StaleEditError


@permissions.officials_only
def plan_year_list(request: HttpRequest) -> HttpResponse:
    plan_years = list(PlanYear.objects.prefetch_related("periods"))
    form = PlanYearStartForm(
        request.POST or None,
        initial={
            "source": plan_years[0].pk if plan_years else None,
            "year": (plan_years[0].year + 1) if plan_years else timezone.localdate().year,
        },
    )
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("confirmed"):
            return year_views.plan_year_start_confirm(request, form)
        plan_year = services.plan_year_start(
            source=form.cleaned_data["source"], year=form.cleaned_data["year"], user=request.user
        )
        messages.success(
            request, _("The plan year %(year)s was started.") % {"year": plan_year.year}
        )
        return redirect("followup:plan_year_list")
    return render(request, "followup/plan_year_list.html", {"plan_years": plan_years, "form": form})


@permissions.officials_only
def period_form(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    plan_year = get_object_or_404(PlanYear, year=year)
    period = get_object_or_404(Period, pk=pk, plan_year=plan_year) if pk else None
    form = PeriodForm(request.POST or None, instance=period or Period(plan_year=plan_year))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.period_save(
                period=form.instance, expected_version=form.cleaned_data.get("version")
            )
        except StaleEditError as stale:
            conflict = stale.current
            conflicts.keep_input(form, version=conflict.version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The period was saved."))
            return redirect("followup:plan_year_list")
    return render(
        request,
        "followup/period_form.html",
        {"form": form, "plan_year": plan_year, "period": period, "conflict": conflict},
        status=409 if conflict else 200,
    )
