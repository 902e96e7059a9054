"""Writes to a plan year's assignments (uppdrag): record, change and delete one.

Each checks the rules (`goals.rules`, through `assignment_errors`) under the
year's tree lock, so that the goal it is placed under cannot be moved to
another kind or deleted meanwhile.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from goals.assignmentmodels import Assignment, assignment_errors
from goals.locking import tree_lock
from goals.models import Node
from goals.services import StaleEditError

# The fields a form sets; the plan year is set when the assignment is recorded.
ASSIGNMENT_FIELDS = (
    "title",
    "description",
    "committee",
    "given_by",
    "goal",
    "due_date",
    "decided_on",
    "paragraph",
    "registration_number",
    "minutes_url",
)


def _checked(assignment: Assignment) -> None:
    """Refuse, with each field's Swedish message, what the rules do not allow.
    The goal is read again under the lock."""
    goal = (
        Node.objects.filter(pk=assignment.goal_id).only("kind", "plan_year_id").first()
        if assignment.goal_id
        else None
    )
    errors = assignment_errors(
        committee_id=assignment.committee_id,
        due_date=assignment.due_date,
        year=assignment.plan_year.year,
        goal=goal,
        plan_year_id=assignment.plan_year_id,
    )
    if errors:
        raise ValidationError(errors)
    assignment.full_clean(exclude=["plan_year", "committee", "given_by", "goal", "copied_from"])


def assignment_create(*, plan_year, values: dict, user=None) -> Assignment:
    """Record an assignment in `plan_year`."""
    assignment = Assignment(plan_year=plan_year, updated_by=user, **values)
    with transaction.atomic(), tree_lock(plan_year.pk):
        _checked(assignment)
        assignment.save()
    return assignment


def assignment_update(
    *, assignment: Assignment, values: dict, expected_version: int, user=None
) -> Assignment:
    """Change an assignment; refused if someone else changed it since the form was opened."""
    with transaction.atomic(), tree_lock(assignment.plan_year_id):
        current = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("plan_year")
            .get(pk=assignment.pk)
        )
        if current.version != expected_version:
            raise StaleEditError(current)
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.updated_by = user
        _checked(current)
        current.save()
    return current


def assignment_delete(*, assignment: Assignment, expected_version: int) -> None:
    """Delete an assignment with its follow-ups."""
    with transaction.atomic(), tree_lock(assignment.plan_year_id):
        current = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if current is None:
            return
        if current.version != expected_version:
            raise StaleEditError(current)
        current.delete()
