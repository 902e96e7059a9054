"""Which committees' follow-up a reader sees before a period is published.

Where the municipality turns it on (settings.APPROVED_ONLY_BEFORE_PUBLICATION),
a reader who does not keep a committee's follow-up (`permissions.
reads_approved_only`) sees the committee's statuses, forecasts and analyses in
a period not yet published only once the committee has approved its part of
it. Every read path asks `withheld_for` once and masks what it read with the
helpers below: one query per page for such a reader, none for anyone else.
The municipal levels belong to no committee and are always shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from followup.approvalmodels import CommitteeReport
from followup.models import WITHHELD, Period
from goals import permissions


@dataclass(frozen=True)
class Withheld:
    """For each period in which something is withheld from the reader, the
    committees whose follow-up is shown; periods not named show everything."""

    shown: dict[int, frozenset[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.shown)

    def restricts(self, period_id: int | None) -> bool:
        return period_id in self.shown

    def hides(self, period_id: int | None, committee_id: int | None) -> bool:
        shown = self.shown.get(period_id) if period_id is not None else None
        return shown is not None and committee_id is not None and committee_id not in shown

    def periods_hiding(self, committee_id: int | None) -> frozenset[int]:
        """The periods in which the committee's follow-up is withheld."""
        return frozenset(
            period_id for period_id in self.shown if self.hides(period_id, committee_id)
        )


NOTHING_WITHHELD = Withheld()


def withheld_for(user, periods: Iterable[Period | None]) -> Withheld:
    """What of `periods` is withheld from `user`: one query for a reader who reads
    approved follow-up only and a period not yet published, none otherwise.
    Kept on the user for the request, as the roles are."""
    if user is None or not permissions.reads_approved_only(user):
        return NOTHING_WITHHELD
    unpublished = tuple(
        sorted(period.pk for period in periods if period is not None and not period.is_published)
    )
    if not unpublished:
        return NOTHING_WITHHELD
    kept: dict[tuple[int, ...], Withheld] = user.__dict__.setdefault("_styr_withheld", {})
    if unpublished not in kept:
        own = permissions.sees_unapproved_of(user)
        shown: dict[int, set[int]] = {period_id: set(own) for period_id in unpublished}
        for period_id, committee_id in (
            CommitteeReport.objects.approved()
            .filter(period_id__in=unpublished)
            .values_list("period_id", "committee_id")
        ):
            shown[period_id].add(committee_id)
        kept[unpublished] = Withheld(
            {period_id: frozenset(ids) for period_id, ids in shown.items()}
        )
    return kept[unpublished]


def visible_assessments(withheld: Withheld, node: str = "node") -> Q:
    """A filter on assessments that leaves out those withheld from the reader."""
    visible = Q()
    for period_id, shown in withheld.shown.items():
        visible &= ~(
            Q(period_id=period_id)
            & Q(**{f"{node}__committee_id__isnull": False})
            & ~Q(**{f"{node}__committee_id__in": shown})
        )
    return visible


def mask_rows(
    rows: list[tuple],
    withheld: Withheld,
    period_id: int | None,
    *,
    committee: int,
    masked: dict[int, object],
) -> list[tuple]:
    """`rows` with the positions in `masked` replaced, in each row of a committee
    whose follow-up is withheld in the period; `rows` itself when nothing is."""
    if not withheld.restricts(period_id):
        return rows
    shown = withheld.shown[period_id]
    out = []
    for row in rows:
        committee_id = row[committee]
        if committee_id is not None and committee_id not in shown:
            row = list(row)
            for position, value in masked.items():
                row[position] = value
            row = tuple(row)
        out.append(row)
    return out


def mask_statuses(
    statuses: dict[int, dict[int, str]],
    committee_of: dict[int, int | None],
    withheld: Withheld,
) -> dict[int, dict[int, str]]:
    """Statuses by period and node, with each withheld node's shown as withheld,
    assessed or not."""
    for period_id in withheld.shown:
        in_period = statuses.setdefault(period_id, {})
        for node_id, committee_id in committee_of.items():
            if withheld.hides(period_id, committee_id):
                in_period[node_id] = WITHHELD
    return statuses
