"""Plain rows that tree reads return instead of model instances."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from goals.rules import (  # noqa: F401  (the kinds are named from the models too)
    ASSESSABLE_KINDS,
    CHILD_KIND,
    COMMITTEE_KIND_LIST,
    COMMITTEE_KINDS,
    GOAL_KINDS,
    INDICATOR_KINDS,
    KIND_ORDER,
    MUNICIPAL_KINDS,
    PARENT_KIND,
    NodeKind,
    kind_label,
)


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
