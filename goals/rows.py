"""Plain rows that tree reads return instead of model instances."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple


class ActivityPlan(NamedTuple):
    responsible: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    cost_estimate: Decimal | None

    def __bool__(self) -> bool:
        return bool(self.responsible or self.start_date or self.end_date or self.cost_estimate)


class ListedNode(NamedTuple):
    """A node as a plain list of nodes shows it."""

    id: int
    kind: str
    title: str
    committee_label: str  # "" for a node without a committee


class TreeRow(NamedTuple):
    """One node as a tree listing needs it, in tree order (depth-first)."""

    id: int
    parent_id: int | None
    level: int
    lft: int
    rght: int
    kind: str
    title: str
    committee_id: int | None
