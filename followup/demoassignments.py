"""The demo's assignments (uppdrag): four given by the council with the budget,
followed up in the interim report, one carried out and one overdue."""

from __future__ import annotations

import datetime

from django.utils import timezone

from followup.assignmentmodels import AssignmentFollowup, AssignmentStatus
from followup.models import Period
from goals.assignmentmodels import Assignment
from goals.models import Committee, Node, NodeKind, PlanYear

# (committee, title, description, due (month, day) or None for the overdue one,
# status in the interim report, its analysis)
DEMO_ASSIGNMENTS = [
    (
        "BUN",
        "Utred framtidens skolstruktur",
        "Utred hur skolorna kan organiseras när elevunderlaget minskar på landsbygden.",
        (6, 30),
        AssignmentStatus.DONE,
        "Utredningen är klar och redovisades för nämnden i juni.",
    ),
    (
        "SN",
        "Ta fram en plan för platser i särskilt boende",
        "En plan för behovet av platser i särskilt boende fram till 2035.",
        None,
        AssignmentStatus.IN_PROGRESS,
        "Behovsanalysen är gjord; planen blir försenad i väntan på befolkningsprognosen.",
    ),
    (
        "KS",
        "Utred samordnad varudistribution",
        "Utred om kommunens leveranser kan samordnas för att minska transporterna.",
        (12, 31),
        AssignmentStatus.IN_PROGRESS,
        "Upphandlingen av en förstudie pågår.",
    ),
    (
        "BUN",
        "Ta fram en handlingsplan mot psykisk ohälsa bland unga",
        "Tillsammans med socialnämnden och regionen.",
        (12, 31),
        AssignmentStatus.NOT_STARTED,
        "",
    ),
]


def _overdue_date(year: int) -> datetime.date:
    """A due date that has passed (31 March, or yesterday early in the year), in `year`."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return max(datetime.date(year, 1, 1), min(datetime.date(year, 3, 31), yesterday))


def demo_assignments_load(
    *, plan_year: PlanYear, interim: Period, committees: dict[str, Committee]
) -> int:
    """The four assignments under the first municipal goals, with their follow-up
    in the interim report. What already exists is left as it is."""
    if Assignment.objects.for_year(plan_year).exists():
        return 0
    goals = list(
        Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL).in_tree_order()[:4]
    )
    year = plan_year.year
    made = Assignment.objects.bulk_create(
        Assignment(
            plan_year=plan_year,
            committee=committees[short],
            goal=goals[index % len(goals)] if goals else None,
            title=title,
            description=description,
            due_date=datetime.date(year, *due) if due else _overdue_date(year),
            decided_on=datetime.date(year - 1, 11, 24),
            paragraph="112",
            registration_number=f"KS {year - 1}/301",
        )
        for index, (short, title, description, due, _status, _analysis) in enumerate(
            DEMO_ASSIGNMENTS
        )
    )
    AssignmentFollowup.objects.bulk_create(
        AssignmentFollowup(assignment=assignment, period=interim, status=status, analysis=analysis)
        for assignment, (_short, _title, _description, _due, status, analysis) in zip(
            made, DEMO_ASSIGNMENTS, strict=True
        )
    )
    return len(made)
