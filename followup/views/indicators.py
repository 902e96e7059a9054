"""A goal's indicators (nyckeltal) and their outcomes in each period."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from followup import indicators, services
from followup.indicator_forms import IndicatorForm, KpiSearchForm, OutcomeForm
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.koladamodels import KoladaArea, KoladaKpi
from followup.models import Period, PeriodKind
from goals import conflicts, permissions, rules
from goals.forms import VersionForm
from goals.models import Node
from goals.services import StaleEditError


def _goal_for_indicators(request: HttpRequest, pk: int) -> Node:
    """The goal if the user may keep its indicators. Raises otherwise: the login
    page for an anonymous visitor, 403, or 404 (checked in that order, so that
    an outsider learns nothing of which goals exist)."""
    if not permissions.can_edit_any(request.user):
        permissions.refuse(request)
    node = get_object_or_404(Node.objects.select_related("plan_year", "committee"), pk=pk)
    if not permissions.can_edit_indicators(request.user, node):
        permissions.refuse(request)
    if rules.indicator_error(node.kind):
        raise Http404
    return node


def _indicator_for_edit(request: HttpRequest, pk: int) -> Indicator:
    """The indicator if the user may keep it; raises as `_goal_for_indicators`."""
    if not permissions.can_edit_any(request.user):
        permissions.refuse(request)
    indicator = get_object_or_404(
        Indicator.objects.select_related("node__plan_year", "node__committee"), pk=pk
    )
    if not permissions.can_edit_indicators(request.user, indicator.node):
        permissions.refuse(request)
    return indicator


def _indicators_url(node: Node) -> str:
    return node.get_absolute_url() + "#indicators"


# KPIs listed for a search, and units for a KPI with unit data, at most.
MAX_KPIS_FOUND = 25
MAX_UNITS = 100


@permissions.redirects_anonymous
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an indicator; a search of Kolada's KPI list (?sok=words) lists KPIs as
    links (?kpi=id) that fill in the form, so picking one works without script."""
    node = _goal_for_indicators(request, pk)
    search = KpiSearchForm(request.GET if "sok" in request.GET else None)
    found = (
        list(KoladaKpi.objects.matching(search.words())[:MAX_KPIS_FOUND]) if search.words() else []
    )
    picked = _picked_kpi(request.GET.get("kpi", "")) if request.method == "GET" else None
    form = IndicatorForm(request.POST or None, initial=_initial_from(picked))
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicators.indicator_create(node=node, user=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The indicator “%(name)s” was added.") % {"name": indicator.name}
            )
            return redirect(_indicators_url(node))
    return render(
        request,
        "followup/indicator_form.html",
        {
            "form": form,
            "node": node,
            "search": search,
            "found": found,
            "picked": picked,
            "picked_url": picked.kolada_url(settings.KOLADA_MUNICIPALITY_ID) if picked else "",
            # Where Kolada has the figure per unit: the municipality's units, to take one's value.
            "units": list(KoladaArea.objects.units_of(settings.KOLADA_MUNICIPALITY_ID)[:MAX_UNITS])
            if picked and picked.has_ou_data
            else [],
            "municipality": settings.KOLADA_MUNICIPALITY_ID,
        },
        status=400 if form.errors else 200,
    )


def _picked_kpi(kpi_id: str) -> KoladaKpi | None:
    kpi_id = kpi_id.strip().upper()
    if not kpi_id or len(kpi_id) > 20:
        return None
    return KoladaKpi.objects.filter(pk=kpi_id).first()


def _initial_from(kpi: KoladaKpi | None) -> dict:
    """The form's fields as Kolada describes the KPI."""
    if kpi is None:
        return {}
    return {
        "name": kpi.title,
        "unit": kpi.unit[:40],
        "definition": kpi.description[:5000],
        "kolada_kpi": kpi.id,
    }


@permissions.redirects_anonymous
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_for_edit(request, pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                indicators.indicator_update(
                    indicator=indicator,
                    expected_version=form.cleaned_data["version"] or 0,
                    user=request.user,
                    **form.values(),
                )
            except StaleEditError as stale:
                conflict = stale.current
                conflicts.keep_input(form, version=conflict.version)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect(_indicators_url(indicator.node))
        else:
            status = 400
    return render(
        request,
        "followup/indicator_form.html",
        {
            "form": form,
            "node": indicator.node,
            "indicator": indicator,
            "conflict": conflict,
            "conflict_rows": _indicator_fields(conflict) if conflict else [],
            "can_link_global_goals": permissions.can_link_global_goals(request.user),
        },
        status=status,
    )


def _indicator_fields(indicator: Indicator) -> list[tuple[str, str]]:
    """(label, value) of an indicator's fields, to show someone else's version of it."""
    return [
        (_("Name"), indicator.name),
        (_("Unit"), indicator.unit or "–"),
        (_("Baseline"), indicators.format_value(indicator.baseline)),
        (_("Target"), indicators.format_value(indicator.target)),
        (_("Direction"), indicator.get_direction_display()),
        (_("Kolada KPI id"), indicator.kolada_kpi or "–"),
    ]


@permissions.redirects_anonymous
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_for_edit(request, pk)
    form = VersionForm(request.POST or None, initial={"version": indicator.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            indicators.indicator_delete(
                indicator=indicator,
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except StaleEditError as stale:
            conflict = True
            indicator = stale.current
            form = VersionForm(initial={"version": indicator.version})
        else:
            messages.success(
                request, _("The indicator “%(name)s” was deleted.") % {"name": indicator.name}
            )
            return redirect(_indicators_url(indicator.node))
    return render(
        request,
        "followup/indicator_delete.html",
        {
            "form": form,
            "indicator": indicator,
            "node": indicator.node,
            "outcome_count": indicator.outcomes.count(),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@permissions.redirects_anonymous
def outcome_edit(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Enter, change or remove an indicator's outcome in one period."""
    indicator = _indicator_for_edit(request, pk)
    period = get_object_or_404(Period, pk=period_pk, plan_year_id=indicator.node.plan_year_id)
    outcome = IndicatorOutcome.objects.filter(indicator=indicator, period=period).first()
    initial = {"version": outcome.version if outcome else 0}
    if outcome:
        initial.update(value=outcome.value, forecast=outcome.forecast, source=outcome.source)
    form = OutcomeForm(
        request.POST or None, initial=initial, with_forecast=period.kind == PeriodKind.INTERIM
    )
    removing = request.POST.get("action") == "delete"
    # A removal needs only the version the page was opened with, not a valid value.
    version_form = VersionForm(request.POST if removing else None)
    conflict = None
    status = 200
    if request.method == "POST":
        valid = version_form.is_valid() if removing else form.is_valid()
        if not valid:
            status = 400
        else:
            try:
                if removing:
                    indicators.outcome_delete(
                        indicator=indicator,
                        period=period,
                        expected_version=version_form.cleaned_data["version"],
                        user=request.user,
                    )
                    messages.success(request, _("The outcome was removed."))
                else:
                    indicators.outcome_save(
                        indicator=indicator,
                        period=period,
                        value=form.cleaned_data["value"],
                        forecast=form.forecast_to_save(),
                        source=form.cleaned_data["source"],
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                    )
                    messages.success(request, _("The outcome was saved."))
            except services.PeriodClosedError:
                period.refresh_from_db(fields=["state", "deadline", "published_at"])
                status = 409
            except StaleEditError as stale:
                conflict = stale.current
                conflicts.keep_input(form, version=conflict.version if conflict else 0)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                return redirect(_indicators_url(indicator.node))
    return render(
        request,
        "followup/outcome_form.html",
        {
            "form": form,
            "indicator": indicator,
            "node": indicator.node,
            "period": period,
            "outcome": outcome,
            "target": indicators.format_value(indicator.target),
            "closed_refused": status == 409 and conflict is None and period.is_closed,
            "stale": status == 409 and not period.is_closed,
            "conflict": conflict,
            "conflict_value": indicators.format_value(conflict.value) if conflict else "",
        },
        status=status,
    )
