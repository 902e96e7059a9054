"""A period's follow-up: every node the user may assess, saved in one go."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from followup import rollup, services
from followup.forms import AssessmentEntryForm
from followup.models import Assessment, Period, PeriodKind
from followup.views import assignments as assignment_views
from followup.views import year as year_views
from goals import conflicts, permissions


def assessment_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Every node the user may assess in one period, saved in one go."""
    # Refused before the period is looked up, so that its existence is not told.
    if not permissions.can_edit_any(request.user):
        return permissions.deny(request)
    period = get_object_or_404(Period.objects.select_related("plan_year"), pk=pk)
    nodes = list(permissions.assessable_nodes(request.user, period.plan_year_id))
    assessments = {
        assessment.node_id: assessment
        for assessment in Assessment.objects.for_period(period)
        .filter(node__in=nodes)
        .select_related("updated_by")
    }
    form = AssessmentEntryForm(
        request.POST or None,
        nodes=nodes,
        assessments=assessments,
        disabled=period.is_closed and request.method != "POST",
        forecasts=period.kind == PeriodKind.INTERIM,
    )
    stale: dict = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.assessments_save(
                    period=period, entries=form.entries(), user=request.user
                )
            except services.PeriodClosedError:
                messages.error(
                    request,
                    _(
                        "The period has been closed, so nothing was saved. "
                        "Your text is still below; copy it if you need it."
                    ),
                )
                status = 409
            except services.StaleAssessmentsError as error:
                stale = error.current
                conflicts.keep_input(
                    form,
                    **{
                        f"version-{node_id}": current.version if current else 0
                        for node_id, current in stale.items()
                    },
                )
                messages.error(
                    request,
                    _(
                        "Someone else saved assessments on this page after you opened it. "
                        "Nothing was saved. Their version is shown beside yours; "
                        "save again to replace it with yours."
                    ),
                )
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                if saved:
                    messages.success(
                        request, _("%(count)s assessments were saved.") % {"count": saved}
                    )
                else:
                    messages.info(request, _("Nothing had changed, so nothing was saved."))
                return redirect(period.entry_url())
        else:
            status = 400
    # Only for a page shown: a successful save has redirected above.
    suggestions = rollup.period_suggestions(period)
    for node in nodes:
        node.suggestion = suggestions.get(node.pk)
    return render(
        request,
        "followup/assessment_entry.html",
        {
            "period": period,
            "form": form,
            "rows_html": form.rows_html(stale),
            **year_views.entry_approvals(request.user, period),
            # The assignments' follow-up beside the goals, in a form of its own.
            **assignment_views.followup_context(request.user, period),
            "back": "entry",
        },
        status=status,
    )
