"""Writes to the goal tree. Each runs inside `tree_lock` for its plan year.

Views, commands, the admin and tests change the tree only through these
functions: they hold the lock, re-read the tree columns under it (the copy a
caller holds may be stale by the time the lock is granted), validate, and
write.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from mptt.exceptions import InvalidMove
from simple_history.utils import bulk_update_with_history

from goals import links, rules, sqlrows
from goals.approvalmodels import ApprovalState, OperationalPlan
from goals.locking import tree_lock
from goals.models import (
    COMMITTEE_KINDS,
    Committee,
    GehRole,
    Node,
    NodeKind,
    PlanYear,
    PlanYearState,
)

MOVE_POSITIONS = ("first-child", "last-child", "left", "right")


class ContentLockedError(PermissionDenied):
    """The content was approved by its committee (or adopted) and is locked until
    an official reopens it. A PermissionDenied: a view that does not catch it
    answers 403 with this message."""


def plan_locked_message(committee: Committee | str) -> str:
    return _(
        "The operational plan of %(committee)s has been adopted by the committee and is "
        "locked. An official can reopen it."
    ) % {"committee": committee}


def _refuse_if_plan_adopted(plan_year_id: int, *committee_ids: int | None) -> None:
    """Refuse a change to a committee's goals or activities once its operational
    plan is adopted. Read under the tree lock, so it holds against a concurrent adoption."""
    wanted = [committee_id for committee_id in committee_ids if committee_id is not None]
    if not wanted:
        return
    adopted = (
        OperationalPlan.objects.approved()
        .filter(plan_year_id=plan_year_id, committee_id__in=wanted)
        .select_related("committee")
        .first()
    )
    if adopted is not None:
        raise ContentLockedError(plan_locked_message(adopted.committee))


class StaleEditError(Exception):
    """Someone else changed the object after the form was opened."""

    def __init__(self, current: object) -> None:
        super().__init__("stale edit")
        self.current = current


def plan_year_create(*, year: int) -> PlanYear:
    plan_year = PlanYear(year=year)
    plan_year.full_clean()
    plan_year.save()
    return plan_year


def _fresh(*node_ids: int) -> list[Node]:
    """Re-read nodes with their tree columns, each with its parent, under the
    lock the caller holds. One query, in SQL (see goals/sqlrows.py)."""
    quote = connection.ops.quote_name
    table = quote(Node._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sqlrows.select_list(Node, 'n')}, {sqlrows.select_list(Node, 'p')}"
            f" FROM {table} n LEFT JOIN {table} p ON p.id = n.parent_id"
            f" WHERE n.id IN ({', '.join(['%s'] * len(node_ids))})",
            list(node_ids),
        )
        found = cursor.fetchall()
    width = sqlrows.width(Node)
    by_id: dict[int, Node] = {}
    for row in found:
        node = sqlrows.instance(Node, row[:width])
        sqlrows.cache_related(node, "parent", sqlrows.instance(Node, row[width:]))
        by_id[node.pk] = node
    if any(node_id not in by_id for node_id in node_ids):
        raise ValidationError(_("The goal no longer exists; someone may have deleted it."))
    return [by_id[node_id] for node_id in node_ids]


ACTIVITY_PLAN_FIELDS = ("responsible", "start_date", "end_date", "cost_estimate")


def _check_plan_keywords(plan: dict) -> None:
    if unknown := set(plan) - set(ACTIVITY_PLAN_FIELDS):
        raise TypeError(f"Unknown node fields {sorted(unknown)}")


# The tree columns are set by django-mptt; the related objects are already in
# hand, so checking that they exist would only cost a query each.
_NOT_VALIDATED = [
    *("lft", "rght", "tree_id", "level"),
    *("plan_year", "parent", "committee", "copied_from"),
]


def _validate_fields(node: Node) -> None:
    node.title = (node.title or "").strip()
    node.description = (node.description or "").strip()
    node.full_clean(exclude=_NOT_VALIDATED, validate_constraints=False)


def node_create(
    *,
    plan_year: PlanYear,
    kind: str,
    title: str,
    parent: Node | None = None,
    description: str = "",
    committee: Committee | None = None,
    position: str = "last-child",
    target: Node | None = None,
    **plan,
) -> Node:
    """Add a node under `parent` (last by default), or beside a sibling `target`.

    A vision is created as the root of the year's tree; its tree id is the
    plan year's id. An activity's plan (`responsible`, `start_date`,
    `end_date`, `cost_estimate`) may be given as keywords.
    """
    if position not in MOVE_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    _check_plan_keywords(plan)
    with tree_lock(plan_year.pk):
        if kind in COMMITTEE_KINDS:
            _refuse_if_plan_adopted(plan_year.pk, committee.pk if committee else None)
        fresh_parent = _fresh(parent.pk)[0] if parent is not None else None
        node = Node(
            plan_year=plan_year,
            kind=kind,
            title=title,
            description=description,
            committee=committee,
            parent=fresh_parent,
            **plan,
        )
        _validate_fields(node)
        if fresh_parent is None:
            node.tree_id = plan_year.pk
            node.lft, node.rght, node.level = 1, 2, 0
            node.save()
            return node
        # Both nodes were read under the lock just now: django-mptt need not
        # read the target's tree columns again (refresh_target).
        if target is not None and position in ("left", "right"):
            (sibling,) = _fresh(target.pk)
            if sibling.parent_id != fresh_parent.pk:
                raise ValidationError(_("The node to place it beside has another parent."))
            node.insert_at(sibling, position, save=False, refresh_target=False)
        else:
            under = position if position in ("first-child", "last-child") else "last-child"
            node.insert_at(fresh_parent, under, save=False, refresh_target=False)
        node.save()
        return node


def node_update(
    *,
    node: Node,
    expected_version: int,
    title: str,
    description: str,
    committee: Committee | None = None,
    **plan,
) -> Node:
    """Change a node's texts (and a committee goal's committee, an activity's
    plan fields when given) if nobody else has."""
    _check_plan_keywords(plan)
    with tree_lock(node.plan_year_id):
        (current,) = _fresh(node.pk)
        if current.version != expected_version:
            raise StaleEditError(current)
        if current.kind in COMMITTEE_KINDS:
            _refuse_if_plan_adopted(
                current.plan_year_id, current.committee_id, committee.pk if committee else None
            )
        current.title = title
        current.description = description
        for name, value in plan.items():
            setattr(current, name, value)
        committee_before = current.committee_id
        if current.kind == NodeKind.COMMITTEE_GOAL and committee is not None:
            current.committee = committee
        _validate_fields(current)
        current.version += 1
        current.save()
        if current.kind == NodeKind.COMMITTEE_GOAL:
            # Activities follow their goal to its committee.
            moved = list(current.get_children().exclude(committee=current.committee_id))
            for activity in moved:
                activity.committee_id = current.committee_id
                activity.version += 1
                activity.save(update_fields=["committee", "version", "updated_at"])
            if current.committee_id != committee_before:
                links.links_recheck([current.pk, *(activity.pk for activity in moved)])
        return current


def node_move(*, node: Node, target: Node, position: str) -> Node:
    """Move a node (and its subtree) relative to `target` within the same year.

    `first-child`/`last-child` put it under `target`; `left`/`right` beside it,
    which is also how siblings are reordered.
    """
    if position not in MOVE_POSITIONS:
        raise ValueError(f"Unknown position {position!r}")
    with tree_lock(node.plan_year_id):
        current, fresh_target = _fresh(node.pk, target.pk)
        if current.kind in COMMITTEE_KINDS:
            _refuse_if_plan_adopted(current.plan_year_id, current.committee_id)
        if fresh_target.plan_year_id != current.plan_year_id:
            raise ValidationError(_("A node can only be moved within its own plan year."))
        if fresh_target.tree_id == current.tree_id and (
            current.lft <= fresh_target.lft and fresh_target.rght <= current.rght
        ):
            raise ValidationError(_("A node cannot be moved into itself or its own subtree."))
        new_parent = fresh_target if position.endswith("child") else fresh_target.parent
        error = rules.move_error(
            current.kind,
            current.committee_id,
            new_parent.kind if new_parent is not None else None,
            new_parent.committee_id if new_parent is not None else None,
        )
        if error:
            raise ValidationError(error)
        try:
            current.move_to(fresh_target, position, fresh=True)
        except InvalidMove as error:
            raise ValidationError(str(error)) from None
        links.links_recheck([current.pk])  # refused, and rolled back, if it breaks a link
        # The move set the node's new tree columns and parent on it, and saved
        # the rest: it matches its row without reading it again.
        return current


def node_delete(*, node: Node, expected_version: int | None = None) -> int:
    """Delete a node and its whole subtree; return how many nodes went."""
    with tree_lock(node.plan_year_id):
        (current,) = _fresh(node.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(current)
        if current.kind in COMMITTEE_KINDS:
            _refuse_if_plan_adopted(current.plan_year_id, current.committee_id)
        count = current.get_descendant_count() + 1
        current.delete()
        return count


def nodes_geh_roles_set(
    *, plan_year: PlanYear, roles: dict[int, str], versions: dict[int, int], user=None
) -> int:
    """Mark the year's municipal goals as financial goals, operational goals of
    importance for sound financial management, or neither (""); return how many
    changed.

    `versions` are the goals' versions when the form was opened: if any goal
    was changed meanwhile, nothing is saved and StaleEditError carries the
    goal as it now is.
    """
    with tree_lock(plan_year.pk):
        goals = list(
            Node.objects.for_year(plan_year)
            .of_kind(NodeKind.MUNICIPAL_GOAL)
            .filter(pk__in=list(roles))
            .order_by("pk")
        )
        if any(role not in ("", *GehRole.values) for role in roles.values()):
            raise ValidationError(_("Choose what the goal is for sound financial management."))
        if len(goals) != len(roles):
            raise ValidationError(_("The goal no longer exists; someone may have deleted it."))
        for goal in goals:
            if goal.version != versions.get(goal.pk):
                raise StaleEditError(goal)
        changed = [goal for goal in goals if goal.geh_role != roles[goal.pk]]
        for goal in changed:
            goal.geh_role = roles[goal.pk]
            goal.version += 1
            goal.updated_at = timezone.now()
        # Only these columns change: no tree column moves, so no save() is needed.
        bulk_update_with_history(
            changed, Node, ["geh_role", "version", "updated_at"], default_user=user
        )
    return len(changed)


def plan_year_copy(*, source: PlanYear, year: int, user=None) -> PlanYear:
    """Start plan year `year` as a copy of `source`'s tree; the source is untouched.

    The database copies the nodes itself (`_nodes_copy`), keeping each node's
    nested-set position, so the copy has exactly the source's structure and
    sibling order. Each copy remembers its original in `copied_from`, which
    links a goal across the years.
    """
    target = plan_year_create(year=year)
    target.copied_from = source
    target.save(update_fields=["copied_from"])
    with tree_lock(target.pk), tree_lock(source.pk):
        _nodes_copy(source_id=source.pk, target_id=target.pk, user=user)
        links.links_copy(source_id=source.pk, target_id=target.pk, user=user)
    return target


def _nodes_copy(*, source_id: int, target_id: int, user=None) -> int:
    """Copy every node of the source year into the target year; return how many.

    One INSERT … SELECT per level, from the root down: a copy's parent is the
    copy of its original's parent, found by `copied_from`. Then one more
    INSERT … SELECT writes each copy's history record, as
    django-simple-history's `bulk_create_with_history` would. Nothing passes
    through Python, so a year of 10,000 nodes takes a fraction of a second.
    """
    quote = connection.ops.quote_name
    table = quote(Node._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # What each column of a copy is: the original's value unless said here.
    own = {
        "id": None,  # a new one
        "plan_year_id": ("%s", target_id),
        "tree_id": ("%s", target_id),
        "parent_id": ("parent_copy.id", None),
        "copied_from_id": ("original.id", None),
        "version": ("%s", 1),
        "updated_at": ("%s", now),
    }
    columns, expressions, params = [], [], []
    for field in Node._meta.concrete_fields:
        value = own.get(field.attname, (f"original.{quote(field.column)}", None))
        if value is None:
            continue
        expression, param = value
        columns.append(quote(field.column))
        expressions.append(expression)
        if expression == "%s":
            params.append(param)
    levels = Node.objects.for_year(source_id).order_by().values_list("level", flat=True)
    copied = 0
    with connection.cursor() as cursor:
        for level in sorted(set(levels)):
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" SELECT {', '.join(expressions)} FROM {table} original"
                f" LEFT JOIN {table} parent_copy ON parent_copy.copied_from_id = original.parent_id"
                " AND parent_copy.plan_year_id = %s"
                " WHERE original.plan_year_id = %s AND original.level = %s",
                [*params, target_id, source_id, level],
            )
            copied += cursor.rowcount
        history = Node.history.model
        tracked = [quote(field.column) for field in history.tracked_fields]
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, "
            "history_date, history_change_reason, history_type, history_user_id)"
            f" SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {table}"
            " WHERE plan_year_id = %s",
            [now, "", "+", user.pk if user else None, target_id],
        )
    return copied


# --- the year's decisions ------------------------------------------------------


def plan_year_adopt(
    *,
    plan_year: PlanYear,
    decision_body: str,
    decided_on: datetime.date,
    paragraph: str = "",
    registration_number: str = "",
    minutes_url: str = "",
) -> PlanYear:
    """Record the council's decision that adopted the year's goals: draft → adopted."""
    with transaction.atomic():
        current = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
        if current.state == PlanYearState.ADOPTED:
            raise ValidationError(_("The plan year has already been adopted."))
        current.state = PlanYearState.ADOPTED
        current.decision_body = decision_body.strip()
        current.decided_on = decided_on
        current.paragraph = paragraph.strip()
        current.registration_number = registration_number.strip()
        current.minutes_url = minutes_url.strip()
        current.full_clean(exclude=["copied_from"])
        current.save()
    return current


def plan_year_reopen(*, plan_year: PlanYear, reason: str) -> PlanYear:
    """Back to draft (a decision recorded in error, or a new one to come), with the reason kept."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening."))
    with transaction.atomic():
        current = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
        if current.state != PlanYearState.ADOPTED:
            raise ValidationError(_("The plan year is not adopted."))
        current.state = PlanYearState.DRAFT
        current.decided_on = None
        current._change_reason = reason.strip()[:100]
        current.save()
    return current


# What each step of an approval needs: the state it starts from, the state it
# leads to, and who takes it ("secretary": the committee's own; "official").
APPROVAL_STEPS = {
    "mark_ready": (ApprovalState.IN_PROGRESS, ApprovalState.READY, "secretary"),
    "unmark_ready": (ApprovalState.READY, ApprovalState.IN_PROGRESS, "secretary"),
    "approve": (ApprovalState.READY, ApprovalState.APPROVED, "official"),
    "reopen": (ApprovalState.APPROVED, ApprovalState.IN_PROGRESS, "official"),
}


def approval_step(
    record, *, step: str, user=None, decision: dict | None = None, reason: str = ""
) -> None:
    """Take one step of a committee approval on `record` (an `Approval`, locked
    by the caller), or refuse with a Swedish message; the caller saves it.

    Approving records the committee's decision (`decided_on`, `paragraph`,
    `registration_number`, `minutes_url`); reopening needs a reason.
    """
    if step not in APPROVAL_STEPS:
        raise ValueError(f"Unknown approval step {step!r}")
    source, target, _who = APPROVAL_STEPS[step]
    if record.state != source:
        raise ValidationError(
            _("This cannot be done now: the state is “%(state)s”.")
            % {"state": record.get_state_display()}
        )
    if step == "approve":
        decision = decision or {}
        error = rules.approval_decision_error(target, decision.get("decided_on"))
        if error:
            raise ValidationError(error)
        for name in ("decided_on", "paragraph", "registration_number", "minutes_url"):
            value = decision.get(name) or ("" if name != "decided_on" else None)
            setattr(record, name, value.strip() if isinstance(value, str) else value)
    if step == "reopen":
        if not reason.strip():
            raise ValidationError(_("Give the reason for reopening."))
        record.reopen_reason = reason.strip()
        record._change_reason = reason.strip()[:100]
    record.state = target
    record.updated_by = user if user is not None and user.is_authenticated else None
    record.version += 1


def operational_plan_step(
    *,
    plan_year: PlanYear,
    committee: Committee,
    step: str,
    expected_version: int,
    user=None,
    decision: dict | None = None,
    reason: str = "",
) -> OperationalPlan:
    """Mark a committee's operational plan ready, unmark it, record its adoption
    or reopen it. Under the year's tree lock, so no write to the committee's
    goals slips in between."""
    with tree_lock(plan_year.pk):
        plan, _created = OperationalPlan.objects.select_for_update().get_or_create(
            plan_year=plan_year, committee=committee
        )
        if plan.version != expected_version:
            raise StaleEditError(plan)
        approval_step(plan, step=step, user=user, decision=decision, reason=reason)
        plan.full_clean(exclude=["plan_year", "committee", "updated_by"])
        plan.save()
    return plan
