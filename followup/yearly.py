"""Year over year: a goal's status in the earlier plan years it was copied from.

When a plan year starts as a copy of the one before, each node remembers its
original in `copied_from`; following that chain back gives the same goal in
each earlier year. The chain is read with one recursive query
(`NodeQuerySet.earlier_copies`), bounded by `settings.EARLIER_YEARS_SHOWN`,
so a node page costs three queries for this however many years lie behind it:
the earlier nodes with their years, those years' periods, and the assessments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from followup import approvedonly
from followup.models import MISSING, WITHHELD, Assessment, Period, status_label
from goals.models import Node


@dataclass
class EarlierStatus:
    period: Period
    assessment: Assessment | None
    withheld: bool = False  # until the committee approves it (followup/approvedonly.py)

    @property
    def status(self) -> str:
        if self.withheld:
            return WITHHELD
        return self.assessment.status if self.assessment else MISSING

    @property
    def label(self) -> str:
        return status_label(self.status)


@dataclass
class EarlierYear:
    node: Node
    statuses: list[EarlierStatus]

    @property
    def year(self) -> int:
        return self.node.plan_year.year


def earlier_years(node: Node, user) -> list[EarlierYear]:
    """The node's copies in earlier years, newest first, each with its status in
    every period of its year that the user may see."""
    if node.copied_from_id is None or settings.EARLIER_YEARS_SHOWN == 0:
        return []
    earlier = list(
        Node.objects.earlier_copies(node, settings.EARLIER_YEARS_SHOWN)
        .select_related("plan_year")
        .order_by("-plan_year__year")
    )
    if not earlier:
        return []
    periods = list(
        Period.objects.filter(plan_year__in={each.plan_year_id for each in earlier}).visible_to(
            user
        )
    )
    assessments = {
        (assessment.node_id, assessment.period_id): assessment
        for assessment in Assessment.objects.filter(node__in=earlier, period__in=periods)
    }
    withheld = approvedonly.withheld_for(user, periods)
    return [
        EarlierYear(
            node=each,
            statuses=[
                EarlierStatus(
                    period=period,
                    assessment=assessments.get((each.pk, period.pk)),
                    withheld=withheld.hides(period.pk, each.committee_id),
                )
                for period in periods
                if period.plan_year_id == each.plan_year_id
            ],
        )
        for each in earlier
    ]
