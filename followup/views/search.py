"""One search box over a plan year's titles, descriptions and visible analyses."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup.forms import SearchForm
from followup.models import Period
from followup.search import MAX_RESULTS, search_year
from goals import permissions
from goals.models import PlanYear


def search(request: HttpRequest) -> HttpResponse:
    """One search box over a plan year's titles, descriptions and visible analyses."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_years = list(PlanYear.objects.all())
    # The page opened without a search shows the empty box, not an error.
    form = SearchForm(
        request.GET if "q" in request.GET else None,
        years=[plan_year.year for plan_year in plan_years],
    )
    plan_year, results, status = None, None, 200
    if form.is_bound:
        if not plan_years:
            status = 404
        elif form.is_valid():
            chosen = form.cleaned_data["ar"] or plan_years[0].year
            plan_year = next(each for each in plan_years if each.year == chosen)
            periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
            results = search_year(
                plan_year=plan_year,
                periods=periods,
                query=form.cleaned_data["q"],
                limit=MAX_RESULTS,
                reader=request.user,
            )
        else:
            status = 400
    return render(
        request,
        "followup/search.html",
        {
            "form": form,
            "plan_years": plan_years,
            "plan_year": plan_year,
            "results": results,
            "max_results": MAX_RESULTS,
            "sees_unpublished": permissions.can_see_unpublished(request.user),
        },
        status=status,
    )
