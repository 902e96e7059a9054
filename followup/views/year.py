"""A period's life as the municipality runs it: its state changes, the
officials' progress page, each committee's approval of its part, and the
auditors' audit page.

Every change of state is a page: GET shows what will happen (and what is
still missing), POST does it, so it works without JavaScript and nothing
changes on one click.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup import auditmarkup, progress, services
from followup.approvalmodels import CommitteeReport
from followup.forms import PeriodReopenForm
from followup.models import Period
from followup.nodemarkup import node_url_parts
from goals import approvalsteps, permissions
from goals.approvalmodels import ApprovalState
from goals.forms import ConfirmForm
from goals.models import Committee
from goals.services import APPROVAL_STEPS

PERIOD_ACTIONS = {
    "open": (
        gettext_lazy("Open %(period)s for input"),
        [
            gettext_lazy(
                "Secretaries and officials can enter assessments until the deadline, %(deadline)s."
            ),
            gettext_lazy("Reminders are e-mailed to the secretaries before the deadline."),
        ],
    ),
    "close": (
        gettext_lazy("Close %(period)s"),
        [gettext_lazy("Nobody can enter or change assessments until an official reopens it.")],
    ),
    "reopen": (
        gettext_lazy("Reopen %(period)s"),
        [
            gettext_lazy("Assessments can be entered and changed again until the new deadline."),
            gettext_lazy("The reason is kept in the period's history."),
        ],
    ),
    "publish": (
        gettext_lazy("Publish %(period)s"),
        [
            gettext_lazy("The period is closed for input."),
            gettext_lazy("Its follow-up is shown to everyone who may read the published reports."),
        ],
    ),
    "unpublish": (
        gettext_lazy("Unpublish %(period)s"),
        [gettext_lazy("The public no longer sees the period's follow-up. It stays closed.")],
    ),
}
DONE_TEXTS = {
    "open": gettext_lazy("%(period)s is open for input."),
    "close": gettext_lazy("%(period)s was closed."),
    "reopen": gettext_lazy("%(period)s was reopened."),
    "publish": gettext_lazy("%(period)s was published."),
    "unpublish": gettext_lazy("%(period)s is no longer published."),
}


def _period(pk: int) -> Period:
    return get_object_or_404(Period.objects.select_related("plan_year"), pk=pk)


@permissions.officials_only
def period_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, close, reopen, publish or unpublish a period (officials). The action is
    `?action=…` on the confirmation page and a field of its form."""
    period = _period(pk)
    action = request.POST.get("action") or request.GET.get("action")
    if action not in PERIOD_ACTIONS:
        raise Http404
    posted = request.method == "POST"
    form_class = PeriodReopenForm if action == "reopen" else ConfirmForm
    today = timezone.localdate()
    initial = {"deadline": max(period.deadline, today + datetime.timedelta(days=7))}
    form = form_class(request.POST if posted else None, initial=initial)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                period = services.period_set_state(
                    period=period,
                    action=action,
                    reason=form.cleaned_data.get("reason", ""),
                    deadline=form.cleaned_data.get("deadline"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, DONE_TEXTS[action] % {"period": period.display_title})
                return redirect("followup:plan_year_list")
    heading, consequences = PERIOD_ACTIONS[action]
    names = {"period": period.display_title, "deadline": period.deadline.isoformat()}
    # What is still missing matters before closing or publishing.
    report = progress.period_progress(period) if action in ("close", "publish") else None
    return render(
        request,
        "followup/period_change.html",
        {
            "period": period,
            "action": action,
            "heading": heading % names,
            "consequences": [text % names for text in consequences],
            "form": form,
            "progress": report,
        },
        status=status,
    )


def plan_year_start_confirm(request: HttpRequest, form) -> HttpResponse:
    """What starting a plan year does, before it is done: the form's values are
    sent again with `confirmed`."""
    source = form.cleaned_data["source"]
    year = form.cleaned_data["year"]
    names = {"year": year, "source": source.year if source else ""}
    consequences = [
        _(
            "The periods of %(year)s are created planned: nobody can enter assessments in them "
            "until an official opens them."
        )
        % names,
        _("Open periods of other years stay open, and stay on everyone's start page."),
        _("The year is a draft until the council's decision is recorded."),
    ]
    if source is not None:
        consequences.insert(
            0,
            _(
                "Every goal and activity of %(source)s is copied, with its indicators but no "
                "assessments or outcomes. %(source)s is not changed."
            )
            % names,
        )
    return render(
        request,
        "followup/plan_year_start.html",
        {
            "heading": _("Start the plan year %(year)s") % names,
            "consequences": consequences,
            "source": source,
            "year": year,
        },
    )


def period_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has reported: each committee's assessed and unassessed items in the
    period, its approval and the deadline (officials; auditors read it)."""
    if not permissions.can_see_progress(request.user):
        return permissions.deny(request)
    period = _period(pk)
    return render(
        request,
        "followup/period_progress.html",
        {
            "period": period,
            "progress": progress.period_progress(period),
            "can_record": permissions.can_record_approval(request.user),
        },
    )


def period_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """What an auditor reviews in a period, published or not."""
    if not permissions.can_audit(request.user):
        return permissions.deny(request)
    period = _period(pk)
    audit = progress.period_audit(period)
    url_start, url_end = node_url_parts()
    return render(
        request,
        "followup/period_audit.html",
        {
            "audit": audit,
            "url_start": url_start,
            "url_end": url_end,
            # The long lists, written in Python (followup/auditmarkup.py).
            "divergence_rows": auditmarkup.divergence_rows(audit.divergences),
            "without_indicators": auditmarkup.listed_items(audit.without_indicators),
            "without_analysis": auditmarkup.listed_items(audit.without_analysis),
        },
    )


# The approval's steps in the URL, Swedish as the other URLs.
REPORT_STEPS = {
    "klar": "mark_ready",
    "ej-klar": "unmark_ready",
    "beslut": "approve",
    "ateroppna": "reopen",
}
REPORT_STEP_TEXTS = {
    "mark_ready": (
        gettext_lazy("Mark the follow-up of %(committee)s ready for the committee"),
        [
            gettext_lazy("The officials see that it is ready for the committee's decision."),
            gettext_lazy("It can still be changed until the committee approves it."),
        ],
    ),
    "unmark_ready": (
        gettext_lazy("Take back the follow-up of %(committee)s for more work"),
        [gettext_lazy("It is in progress again.")],
    ),
    "approve": (
        gettext_lazy("Record the committee's approval of the follow-up of %(committee)s"),
        [
            gettext_lazy(
                "The committee's assessments and outcomes in %(period)s are locked: nobody "
                "can change them until an official reopens them."
            )
        ],
    ),
    "reopen": (
        gettext_lazy("Reopen the follow-up of %(committee)s"),
        [
            gettext_lazy("The committee's assessments can be changed again."),
            gettext_lazy("The reason is kept in the history."),
        ],
    ),
}


@permissions.redirects_anonymous
def committee_report_step(request: HttpRequest, pk: int, slug: str, step: str) -> HttpResponse:
    """A committee's part of a period: its secretary marks it ready (or takes it
    back); an official records the committee's approval, or reopens it."""
    if step not in REPORT_STEPS:
        raise Http404
    step = REPORT_STEPS[step]
    approvalsteps.refuse_unless_some_step_allowed(request, step)
    period = _period(pk)
    committee = get_object_or_404(Committee, slug=slug)
    approvalsteps.refuse_unless_step_allowed(request, step, committee.pk)
    heading, consequences = REPORT_STEP_TEXTS[step]
    names = {"committee": committee.name, "period": period.display_title}
    return approvalsteps.approval_step_page(
        request,
        step=step,
        approval=CommitteeReport.objects.filter(period=period, committee=committee).first(),
        take=partial(services.committee_report_step, period=period, committee=committee, step=step),
        texts=approvalsteps.StepTexts(
            heading=heading % names,
            consequences=[text % names for text in consequences],
            done=_("The follow-up of %(committee)s is now “%(state)s”.")
            % {"committee": committee.name, "state": ApprovalState(APPROVAL_STEPS[step][1]).label},
            stale=_("Someone else changed the state meanwhile. Nothing was saved."),
            lead=period.display_title,
        ),
        state_label=lambda state: ApprovalState(state).label,
        back=_after_step(request, period),
    )


def entry_approvals(user, period: Period) -> dict:
    """On the follow-up entry page: the state of each of the user's committees'
    part of the period, and the step a secretary may take. Two queries."""
    committee_ids = permissions.roles_of(user).committee_ids
    if not committee_ids:
        return {"approvals": []}
    reports = {
        report.committee_id: report
        for report in CommitteeReport.objects.filter(
            period=period, committee_id__in=committee_ids
        ).select_related("committee")
    }
    approvals = []
    for committee in Committee.objects.filter(pk__in=committee_ids):
        report = reports.get(committee.pk)
        state = report.state if report else ApprovalState.IN_PROGRESS
        step = {ApprovalState.IN_PROGRESS: "klar", ApprovalState.READY: "ej-klar"}.get(state)
        label = REPORT_STEP_TEXTS[REPORT_STEPS[step]][0] if step else ""
        approvals.append(
            {
                "committee": committee,
                "state": state,
                "state_label": ApprovalState(state).label,
                "report": report,
                "step": step,
                "step_label": label % {"committee": committee.name} if step else "",
            }
        )
    return {"approvals": approvals}


def _after_step(request: HttpRequest, period: Period) -> str:
    if permissions.can_see_progress(request.user):
        return reverse("followup:period_progress", kwargs={"pk": period.pk})
    return period.entry_url()
