"""Assignments (uppdrag): what the council, or a committee, tells a committee
to do in a plan year, beside its goals ("utred…", "ta fram en plan för…")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals import rules
from goals.decisions import DecisionFields
from goals.models import Committee, Node, PlanYear
from goals.text import PlainCharField, PlainTextField


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_year(self, plan_year: PlanYear | int) -> AssignmentQuerySet:
        return self.filter(plan_year=plan_year)

    def for_committee(self, committee: Committee | int) -> AssignmentQuerySet:
        return self.filter(committee=committee)

    def with_relations(self) -> AssignmentQuerySet:
        """What a list shows beside each assignment, joined in the same query."""
        return self.select_related("plan_year", "committee", "given_by", "goal")

    def in_order(self) -> AssignmentQuerySet:
        return self.order_by("committee__order", "committee__name", "due_date", "title", "pk")


class Assignment(DecisionFields):
    """An assignment given with the budget to a committee; the decision fields
    record the decision that gave it (date, §, diarienummer)."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="assignments"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("given to"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    # Blank: given by the council (kommunfullmäktige).
    given_by = models.ForeignKey(
        Committee,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty when the council gave the assignment."),
    )
    goal = models.ForeignKey(
        Node,
        verbose_name=_("under the municipal goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    title = PlainCharField(_("title"), max_length=300)
    description = PlainTextField(_("description"), blank=True, max_length=20000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan_year", "due_date", "title", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup:assignment_edit", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = assignment_errors(
            committee_id=self.committee_id,
            due_date=self.due_date,
            year=self.plan_year.year,
            goal=self.goal,
            plan_year_id=self.plan_year_id,
        )
        if errors:
            raise ValidationError(errors)


def assignment_errors(
    *, committee_id: int | None, due_date, year: int, goal: Node | None, plan_year_id: int
) -> dict[str, str]:
    """Each field's message from the rules (`goals.rules`), for the model, the
    service and the form alike."""
    errors = {
        "committee": rules.assignment_committee_error(committee_id),
        "due_date": rules.assignment_due_date_error(due_date, year),
        "goal": rules.assignment_goal_error(
            goal.kind if goal else None, goal.plan_year_id if goal else None, plan_year_id
        ),
    }
    return {field: message for field, message in errors.items() if message}
