"""One approval step as a page, for a committee's operational plan and for its
part of a period's follow-up alike: GET shows what will happen, POST takes the
step. The views look up what the step is about, and this module does the rest:
the refusals in the right order, the form, the service, the message and the
answer. (`followup` uses it too: it may import `goals`, not the other way.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goals import permissions
from goals.approvalmodels import Approval, ApprovalState
from goals.forms import ConfirmForm, DecisionForm, ReasonForm
from goals.services import APPROVAL_STEPS, StaleEditError


def who_takes(step: str) -> str:
    """ "secretary", or who else takes the step (an official)."""
    return APPROVAL_STEPS[step][2]


def refuse_unless_some_step_allowed(request: HttpRequest, step: str) -> None:
    """Refuse, before anything is looked up, a user who may take this step for
    no committee: the same answer whether the committee or period exists."""
    if not permissions.can_take_some_approval_step(request.user, who_takes(step)):
        permissions.refuse(request)


def refuse_unless_step_allowed(request: HttpRequest, step: str, committee_id: int) -> None:
    """Refuse the step for a committee that is not the user's to take it for."""
    if not permissions.can_take_approval_step(request.user, who_takes(step), committee_id):
        permissions.refuse(request)


@dataclass(frozen=True)
class StepTexts:
    heading: str
    consequences: list[str]
    done: str  # the message once the step is taken
    stale: str  # the message when someone else took a step meanwhile
    lead: str = ""


def approval_step_page(
    request: HttpRequest,
    *,
    step: str,
    approval: Approval | None,
    take: Callable[..., object],
    texts: StepTexts,
    state_label: Callable[[str], str],
    back: str,
) -> HttpResponse:
    """The step's page for `approval` (None: not yet stored, in progress): on a
    valid POST, `take(expected_version=, user=, decision=, reason=)` and back to
    `back` with `texts.done`; otherwise the form, with why it was refused."""
    version = approval.version if approval else 1
    state = approval.state if approval else ApprovalState.IN_PROGRESS
    form_class = {"approve": DecisionForm, "reopen": ReasonForm}.get(step, ConfirmForm)
    form = form_class(
        request.POST if request.method == "POST" else None, initial={"version": version}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                take(
                    expected_version=form.cleaned_data["version"] or version,
                    user=request.user,
                    decision=form.decision() if step == "approve" else None,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except StaleEditError:
                form.add_error(None, texts.stale)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, texts.done)
                return redirect(back)
    return render(
        request,
        "goals/state_change.html",
        {
            "heading": texts.heading,
            "lead": texts.lead,
            "consequences": texts.consequences,
            "form": form,
            "submit_label": texts.heading,
            "cancel_href": back,
            "refused": state != APPROVAL_STEPS[step][0],
            "refused_text": _("This cannot be done now: the state is “%(state)s”.")
            % {"state": state_label(state)},
        },
        status=status,
    )
