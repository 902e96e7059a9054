"""The steering model's rules, each written once, with its Swedish message.

Which kind of node sits directly under which, which levels belong to a
committee, what is assessed and what carries indicators, and which years a
plan year can be. The model (`Node.validate_structure`), the tree services,
the integrity check and the importers all ask here.

The rules take kinds, ids and values rather than model instances, so the same
rule judges a node being saved, a row read in SQL and a record of a backup
file. A rule that answers with a message returns None when all is well.
Nothing here reads the database; rules that need it (one vision per year, one
direction goal per perspective) are checked by the caller, which names the
message from here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class NodeKind(models.TextChoices):
    VISION = "vision", gettext_lazy("Vision")
    PERSPECTIVE = "perspective", gettext_lazy("Perspective")
    DIRECTION_GOAL = "direction_goal", gettext_lazy("Direction goal")
    MUNICIPAL_GOAL = "municipal_goal", gettext_lazy("Municipal goal")
    COMMITTEE_GOAL = "committee_goal", gettext_lazy("Committee goal")
    ACTIVITY = "activity", gettext_lazy("Activity")


# Each kind may only sit directly under the kind before it.
KIND_ORDER: list[str] = [
    NodeKind.VISION,
    NodeKind.PERSPECTIVE,
    NodeKind.DIRECTION_GOAL,
    NodeKind.MUNICIPAL_GOAL,
    NodeKind.COMMITTEE_GOAL,
    NodeKind.ACTIVITY,
]
PARENT_KIND: dict[str, str | None] = {
    kind: (KIND_ORDER[index - 1] if index else None) for index, kind in enumerate(KIND_ORDER)
}
CHILD_KIND: dict[str, str | None] = {
    kind: (KIND_ORDER[index + 1] if index + 1 < len(KIND_ORDER) else None)
    for index, kind in enumerate(KIND_ORDER)
}
# In a fixed order for the database constraint on Node: a set's iteration order
# changes with the interpreter's hash seed, and with it the migration state.
COMMITTEE_KIND_LIST = [NodeKind.ACTIVITY, NodeKind.COMMITTEE_GOAL]
COMMITTEE_KINDS = frozenset(COMMITTEE_KIND_LIST)
MUNICIPAL_KINDS = frozenset(KIND_ORDER) - COMMITTEE_KINDS
GOAL_KINDS = frozenset({NodeKind.DIRECTION_GOAL, NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL})
# Goals get a status and an analysis in each period; activities a progress status.
ASSESSABLE_KINDS = GOAL_KINDS | {NodeKind.ACTIVITY}
# Indicators measure the goals that are adopted with figures.
INDICATOR_KINDS = frozenset({NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL})

# The years a plan year can be (also the database's check on PlanYear.year).
FIRST_PLAN_YEAR = 1900
LAST_PLAN_YEAR = 2999


def kind_label(kind: str | None) -> str:
    return str(NodeKind(kind).label) if kind else "–"


# --- the tree ------------------------------------------------------------------


def may_sit_under(kind: str, parent_kind: str | None) -> bool:
    """Whether a node of `kind` may sit directly under one of `parent_kind`
    (None: at the root)."""
    return kind in PARENT_KIND and PARENT_KIND[kind] == parent_kind


def placement_error(kind: str, parent_kind: str | None) -> str | None:
    """Why a node of `kind` cannot sit under a parent of `parent_kind` (None: no parent)."""
    if kind not in PARENT_KIND:
        return _("Unknown kind of node.")
    if may_sit_under(kind, parent_kind):
        return None
    expected = PARENT_KIND[kind]
    if expected is None:
        return _("A vision cannot have a parent.")
    if parent_kind is None:
        return _("A “%(kind)s” must be placed under a “%(parent_kind)s”.") % {
            "kind": kind_label(kind),
            "parent_kind": kind_label(expected),
        }
    return _(
        "A “%(kind)s” can only be placed under a “%(parent_kind)s”, not under a “%(actual)s”."
    ) % {
        "kind": kind_label(kind),
        "parent_kind": kind_label(expected),
        "actual": kind_label(parent_kind),
    }


def move_error(
    kind: str, committee_id: int | None, parent_kind: str | None, parent_committee_id: int | None
) -> str | None:
    """Why a node cannot be moved under a parent of `parent_kind` (None: to the root),
    or, an activity, under a goal of another committee."""
    if parent_kind is None or not may_sit_under(kind, parent_kind):
        return _("A “%(kind)s” can only be placed under a “%(parent_kind)s”.") % {
            "kind": kind_label(kind),
            "parent_kind": kind_label(PARENT_KIND.get(kind)),
        }
    if kind == NodeKind.ACTIVITY and parent_committee_id != committee_id:
        return _("An activity can only be moved to a goal of its own committee.")
    return None


def committee_error(
    kind: str,
    committee_id: int | None,
    *,
    parent_kind: str | None = None,
    parent_committee_id: int | None = None,
) -> str | None:
    """Why a node of `kind` cannot have this committee (None: none) under its parent.

    The committee levels belong to exactly one committee, an activity to its
    committee goal's; the levels above belong to the whole municipality.
    """
    if kind not in COMMITTEE_KINDS:
        if committee_id is not None:
            return _("Only committee goals and activities belong to a committee.")
        return None
    if committee_id is None:
        return _("A “%(kind)s” must belong to a committee.") % {"kind": kind_label(kind)}
    if not activity_follows_goal(kind, committee_id, parent_kind, parent_committee_id):
        return _("An activity belongs to the same committee as its committee goal.")
    return None


def activity_follows_goal(
    kind: str, committee_id: int | None, parent_kind: str | None, parent_committee_id: int | None
) -> bool:
    """An activity under a committee goal belongs to that goal's committee."""
    return (
        kind != NodeKind.ACTIVITY
        or parent_kind != NodeKind.COMMITTEE_GOAL
        or parent_committee_id == committee_id
    )


def geh_role_error(kind: str, geh_role: str) -> str | None:
    """Only a municipal goal is marked as a goal for sound financial management."""
    if geh_role and kind != NodeKind.MUNICIPAL_GOAL:
        return _("Only a municipal goal can be a goal for sound financial management.")
    return None


def second_direction_goal_error() -> str:
    """A perspective has exactly one direction goal: its direction."""
    return _("The perspective already has a direction goal; it can only have one.")


# --- also-supports links ---------------------------------------------------------

# What a node may also support besides its parent: the same level as a parent.
LINK_TARGET_KIND: dict[str, str] = {
    NodeKind.COMMITTEE_GOAL: NodeKind.MUNICIPAL_GOAL,
    NodeKind.ACTIVITY: NodeKind.COMMITTEE_GOAL,
}
LINKING_KINDS = frozenset(LINK_TARGET_KIND)


def link_error(
    *,
    source: tuple[int, str, int, int | None],
    target: tuple[int, str, int, int | None],
    parent_id: int | None,
    ancestor_ids: frozenset[int] | set[int] = frozenset(),
    linked_ids: frozenset[int] | set[int] = frozenset(),
) -> str | None:
    """Why `source` cannot also support `target`, each given as (id, kind, plan
    year id, committee id); None when it can.

    `parent_id` is the source's parent, `ancestor_ids` every node above it and
    `linked_ids` the goals it already also supports.
    """
    source_id, source_kind, source_year, source_committee = source
    target_id, target_kind, target_year, target_committee = target
    if source_id == target_id:
        return _("A goal or an activity cannot support itself.")
    expected = LINK_TARGET_KIND.get(source_kind)
    if expected is None:
        return _("Only committee goals and activities can also support other goals.")
    if source_year != target_year:
        return link_year_error()
    if target_kind != expected:
        return _("A “%(kind)s” can only also support a “%(target_kind)s”, not a “%(actual)s”.") % {
            "kind": kind_label(source_kind),
            "target_kind": kind_label(expected),
            "actual": kind_label(target_kind),
        }
    if source_kind == NodeKind.ACTIVITY and target_committee != source_committee:
        return _("An activity can only also support a committee goal of its own committee.")
    if target_id == parent_id:
        return _("It already supports that goal as its parent in the tree.")
    if target_id in ancestor_ids:
        return _("That goal lies above it in the tree; it already supports it there.")
    if target_id in linked_ids:
        return _("It already also supports that goal.")
    return None


def link_year_error() -> str:
    return _("It can only also support goals of its own plan year.")


def missing_goal_error() -> str:
    return _("The goal no longer exists; someone may have deleted it.")


def link_broken_error(source_title: str, target_title: str, reason: str) -> str:
    """A change to the tree (a move, a new committee) that would break a link is refused."""
    return _(
        "This would break the link “%(source)s” also supports “%(target)s”: %(reason)s "
        "Remove the link first."
    ) % {"source": source_title, "target": target_title, "reason": reason}


# --- follow-up -----------------------------------------------------------------


def assessment_error(kind: str, status: str, statuses: set[str]) -> tuple[str, str] | None:
    """(field, message) saying why a node of `kind` cannot get `status`, whose scale
    for that kind is `statuses`; None when it can. The field is "" for the whole."""
    if kind not in ASSESSABLE_KINDS:
        return "", _("Only goals and activities are assessed.")
    if status not in statuses:
        return "status", _("That status does not apply to this kind of node.")
    return None


def indicator_error(kind: str) -> str | None:
    """Why a node of `kind` cannot carry an indicator."""
    if kind not in INDICATOR_KINDS:
        return _("Indicators belong to municipal goals and committee goals only.")
    return None


# --- Agenda 2030 ----------------------------------------------------------------

# The goals that may be linked to Agenda 2030's global goals (an indicator may
# be linked too).
GLOBAL_GOAL_KINDS = frozenset({NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL})


def global_goal_link_error(kind: str) -> str | None:
    """Why a node of `kind` cannot be linked to a global goal of Agenda 2030."""
    if kind not in GLOBAL_GOAL_KINDS:
        return _("Only municipal goals and committee goals can be linked to the global goals.")
    return None


def unknown_global_goals_error(numbers) -> str | None:
    """Why global goals numbered `numbers` cannot be linked: they do not exist."""
    if numbers:
        return _("There is no global goal numbered %(numbers)s.") % {
            "numbers": ", ".join(str(number) for number in sorted(numbers))
        }
    return None


def period_year_error(period_plan_year_id: int, node_plan_year_id: int) -> str | None:
    """A node is followed up (assessed, measured) only in its own plan year's periods."""
    if period_plan_year_id != node_plan_year_id:
        return _("The period belongs to another plan year.")
    return None


# --- assignments (uppdrag) -----------------------------------------------------


def assignment_committee_error(committee_id: int | None) -> str | None:
    """An assignment is always given to a committee."""
    if committee_id is None:
        return _("Choose the committee the assignment is given to.")
    return None


def assignment_due_date_error(due_date, year: int) -> str | None:
    """An assignment of a plan year is due within that year."""
    if due_date is not None and due_date.year != year:
        return _("The due date must be within the plan year %(year)s.") % {"year": year}
    return None


def assignment_goal_error(
    goal_kind: str | None, goal_plan_year_id: int | None, plan_year_id: int
) -> str | None:
    """An assignment may sit under a municipal goal of its own plan year."""
    if goal_kind is None:
        return None
    if goal_kind != NodeKind.MUNICIPAL_GOAL:
        return _("An assignment can only be placed under a municipal goal.")
    if goal_plan_year_id != plan_year_id:
        return _("The goal belongs to another plan year than the assignment.")
    return None


def period_dates_error(cutoff_date, deadline) -> str | None:
    """A period's input deadline comes on or after its cut-off date."""
    if cutoff_date and deadline and deadline < cutoff_date:
        return _("The deadline cannot be before the cut-off date.")
    return None


def approval_decision_error(state: str, decided_on) -> str | None:
    """A committee's approval records the date of its decision."""
    if state == "approved" and not decided_on:
        return _("Give the date of the committee's decision.")
    return None


def is_plan_year(year: int) -> bool:
    return FIRST_PLAN_YEAR <= year <= LAST_PLAN_YEAR


def plan_year_error(year: int) -> str | None:
    if not is_plan_year(year):
        return _("A plan year must be between %(first)s and %(last)s, not %(year)s.") % {
            "first": FIRST_PLAN_YEAR,
            "last": LAST_PLAN_YEAR,
            "year": year,
        }
    return None


def missing_plan_year_error(year: int) -> str:
    return _("There is no plan year %(year)s.") % {"year": year}


# A form's heading for a new node of each kind, and the link that adds one:
# Swedish needs the noun's gender ("nytt mål", "ny aktivitet"), so each is whole.
NEW_KIND_TITLES = {
    NodeKind.VISION: gettext_lazy("New vision"),
    NodeKind.PERSPECTIVE: gettext_lazy("New perspective"),
    NodeKind.DIRECTION_GOAL: gettext_lazy("New direction goal"),
    NodeKind.MUNICIPAL_GOAL: gettext_lazy("New municipal goal"),
    NodeKind.COMMITTEE_GOAL: gettext_lazy("New committee goal"),
    NodeKind.ACTIVITY: gettext_lazy("New activity"),
}
ADD_KIND_LABELS = {
    NodeKind.VISION: gettext_lazy("Add a vision"),
    NodeKind.PERSPECTIVE: gettext_lazy("Add a perspective"),
    NodeKind.DIRECTION_GOAL: gettext_lazy("Add a direction goal"),
    NodeKind.MUNICIPAL_GOAL: gettext_lazy("Add a municipal goal"),
    NodeKind.COMMITTEE_GOAL: gettext_lazy("Add a committee goal"),
    NodeKind.ACTIVITY: gettext_lazy("Add an activity"),
}
