"""Who may do what: every permission rule of the application lives here.

Roles are Django groups (created by a data migration) plus committee
membership:

- official (tjänsteperson): keeps the municipal levels (vision, perspectives,
  direction and municipal goals), runs plan years and follow-up periods, and
  manages committees and users;
- committee secretary (nämndsekreterare): keeps the committee goals and
  activities of the committees they are a member of, and their assessments;
- councillor (förtroendevald): reads;
- auditor (revisor): reads everything, published or not, and the audit
  pages; edits nothing.

Superusers may do everything. Views ask these functions; they never test
groups or committees themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from goals import rules
from goals.models import (
    ASSESSABLE_KINDS,
    COMMITTEE_KINDS,
    MUNICIPAL_KINDS,
    Committee,
    Node,
    NodeKind,
    NodeQuerySet,
)


class Role(models.TextChoices):
    OFFICIAL = "official", _("Official")
    SECRETARY = "secretary", _("Committee secretary")
    COUNCILLOR = "councillor", _("Councillor")
    AUDITOR = "auditor", _("Auditor")


@dataclass(frozen=True)
class Roles:
    authenticated: bool = False
    superuser: bool = False
    official: bool = False
    secretary: bool = False
    councillor: bool = False
    auditor: bool = False
    committee_ids: frozenset[int] = frozenset()

    @property
    def editor(self) -> bool:
        return self.superuser or self.official or bool(self.committee_ids)


ANONYMOUS = Roles()

User = AbstractBaseUser | AnonymousUser


def roles_of(user: User) -> Roles:
    """The user's roles, read once per request (one query) and kept on the user."""
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_styr_roles", None)
    if cached is not None:
        return cached
    groups: set[str] = set()
    committee_set: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user.pk, user.pk])
        for group, committee_id in cursor.fetchall():
            if committee_id is None:
                groups.add(group)
            else:
                committee_set.add(committee_id)
    committee_ids = frozenset(committee_set)
    roles = Roles(
        authenticated=True,
        superuser=user.is_superuser,
        official=Role.OFFICIAL in groups,
        secretary=Role.SECRETARY in groups,
        councillor=Role.COUNCILLOR in groups,
        auditor=Role.AUDITOR in groups,
        # Membership of a committee counts only for a secretary.
        committee_ids=committee_ids if Role.SECRETARY in groups else frozenset(),
    )
    user._styr_roles = roles
    return roles


@cache
def _roles_sql() -> str:
    """The user's group names and committee ids in one query, as (name, NULL) and
    (NULL, id) rows. Written out once: the ORM's union took longer to compile
    than to run, on every page a logged-in user opens."""
    quote = connection.ops.quote_name
    user_groups = get_user_model().groups.through._meta
    members = Committee.members.through._meta

    def column(meta, field: str) -> str:
        return quote(meta.get_field(field).column)

    return (
        f"SELECT g.{quote('name')}, NULL FROM {quote(Group._meta.db_table)} g"
        f" JOIN {quote(user_groups.db_table)} ug ON ug.{column(user_groups, 'group')} = g.id"
        f" WHERE ug.{column(user_groups, 'user')} = %s"
        f" UNION ALL SELECT NULL, m.{column(members, 'committee')}"
        f" FROM {quote(members.db_table)} m WHERE m.{column(members, 'user')} = %s"
    )


# --- refusing ----------------------------------------------------------------


class LoginRequired(Exception):
    """An anonymous visitor was refused where logging in may let them in."""


def forget_roles(user: User) -> None:
    """Drop the roles kept on the user, after changing its groups or committees."""
    if hasattr(user, "_styr_roles"):
        del user._styr_roles


def refuse(request: HttpRequest) -> NoReturn:
    """Refuse the request: LoginRequired for an anonymous visitor, 403 for a logged-in user.

    For lookups deep in a view; `redirects_anonymous` turns LoginRequired into
    the login page.
    """
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def redirects_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a refusal of an anonymous visitor (LoginRequired) with the login page."""

    @wraps(view)
    def answered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    return answered


def deny(request: HttpRequest) -> HttpResponse:
    """Send an anonymous visitor to the login page; refuse a logged-in user (403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def officials_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view is for those who manage plan years, periods, committees and users."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_years(request.user):
            return deny(request)
        return view(request, *args, **kwargs)

    return checked


# --- reading -----------------------------------------------------------------


def can_read(user: User) -> bool:
    """Reading pages: anyone logged in; residents only where the municipality allows."""
    return user.is_authenticated or settings.PUBLIC_ACCESS


def can_see_unpublished(user: User) -> bool:
    """Follow-up of a period that is not yet published is for logged-in users only."""
    return user.is_authenticated


def reads_approved_only(user: User) -> bool:
    """Does the user, before a period is published, see a committee's follow-up
    only once the committee has approved it (where the municipality turns that
    on)? Logged-in readers who do not keep follow-up: councillors, and
    secretaries for committees not their own (`sees_unapproved_of`). Officials,
    who own the municipal goals and reopen approvals, and auditors, who read
    everything, see it all."""
    if not settings.APPROVED_ONLY_BEFORE_PUBLICATION or not user.is_authenticated:
        return False
    roles = roles_of(user)
    return not (roles.superuser or roles.official or roles.auditor)


def sees_unapproved_of(user: User) -> frozenset[int]:
    """The committees whose unapproved follow-up a reader who reads approved
    content only still sees: those whose follow-up the user keeps."""
    return roles_of(user).committee_ids


def can_see_history(user: User) -> bool:
    """Who changed what and when is for logged-in users only."""
    return user.is_authenticated


def can_see_suggestions(user: User) -> bool:
    """The status suggested from what lies under a goal is a tool for those who
    assess it; to a resident it reads as a second, contradicting status."""
    return user.is_authenticated


# --- the goal tree -----------------------------------------------------------


def can_edit_kind(user: User, kind: str, committee_id: int | None) -> bool:
    """May the user create, change or delete a node of this kind and committee?"""
    roles = roles_of(user)
    if roles.superuser:
        return True
    if kind in MUNICIPAL_KINDS:
        return roles.official
    if kind in COMMITTEE_KINDS:
        return committee_id is not None and committee_id in roles.committee_ids
    return False


def can_edit_any(user: User) -> bool:
    """Does the user keep anything at all? Asked before an object is looked up,
    so that a refusal does not tell whether the object exists."""
    return roles_of(user).editor


def can_edit_node(user: User, node: Node) -> bool:
    return can_edit_kind(user, node.kind, node.committee_id)


def can_delete_node(user: User, node: Node) -> bool:
    """As editing, except that only a superuser deletes a vision (and with it the year's tree)."""
    if node.kind == NodeKind.VISION and not roles_of(user).superuser:
        return False
    return can_edit_node(user, node)


def can_move_node(user: User, node: Node) -> bool:
    """As editing, except that a vision, the root of its year's tree, never moves."""
    return node.kind != NodeKind.VISION and can_edit_node(user, node)


def can_edit_links(user: User, node: Node) -> bool:
    """Whoever may edit a committee goal or an activity edits what it also supports."""
    return node.kind in rules.LINKING_KINDS and can_edit_node(user, node)


def can_add_child(user: User, parent: Node) -> bool:
    """May the user add a node of the next kind under `parent`?

    An activity belongs to its goal's committee; a committee goal may be added
    under any municipal goal for one of the user's own committees.
    """
    child_kind = parent.child_kind
    if child_kind is None:
        return False
    if child_kind == NodeKind.COMMITTEE_GOAL:
        roles = roles_of(user)
        return roles.superuser or bool(roles.committee_ids)
    committee_id = parent.committee_id if child_kind == NodeKind.ACTIVITY else None
    return can_edit_kind(user, child_kind, committee_id)


def committees_for_new_goals(user: User) -> frozenset[int] | None:
    """Committees the user may add committee goals for; None means all of them."""
    roles = roles_of(user)
    return None if roles.superuser else roles.committee_ids


# --- follow-up ---------------------------------------------------------------


def assessable_scope(*, committee_ids: frozenset[int] | None, municipal: bool) -> Q:
    """The nodes that may be assessed, as a filter: the committee goals and
    activities of `committee_ids` (of every committee when None), and the
    direction and municipal goals when `municipal`."""
    committee_filter = Q(committee_id__in=committee_ids) if committee_ids is not None else Q()
    scope = Q(kind__in=list(COMMITTEE_KINDS)) & committee_filter
    if municipal:
        scope |= Q(kind__in=list(ASSESSABLE_KINDS - COMMITTEE_KINDS))
    return scope


def assessable_by(user: User) -> Q:
    """The nodes the user may assess: assessments follow the rule for editing the node."""
    roles = roles_of(user)
    return assessable_scope(
        committee_ids=None if roles.superuser else roles.committee_ids,
        municipal=roles.official or roles.superuser,
    )


def assessable_nodes(user: User, plan_year_id: int) -> NodeQuerySet:
    """The nodes of a plan year that the user may assess, in tree order."""
    return (
        Node.objects.for_year(plan_year_id)
        .filter(assessable_by(user))
        .select_related("parent", "committee")
        .in_tree_order()
    )


def can_manage_years(user: User) -> bool:
    """Plan years, follow-up periods, committees and users."""
    roles = roles_of(user)
    return roles.superuser or roles.official


def can_edit_user(user: User, edited: AbstractBaseUser) -> bool:
    """Officials keep the users, but only a superuser edits a superuser."""
    return can_manage_years(user) and (not edited.is_superuser or roles_of(user).superuser)


def can_see_progress(user: User) -> bool:
    """The reporting progress of a period: officials, and auditors (who only read it)."""
    roles = roles_of(user)
    return roles.superuser or roles.official or roles.auditor


def can_audit(user: User) -> bool:
    """The audit page of a period: the auditors, and the officials who answer them."""
    roles = roles_of(user)
    return roles.superuser or roles.official or roles.auditor


def can_mark_ready(user: User, committee_id: int) -> bool:
    """A committee's secretary marks its part ready for the committee, and unmarks it."""
    roles = roles_of(user)
    return roles.superuser or committee_id in roles.committee_ids


def can_record_approval(user: User) -> bool:
    """Recording a committee's decision, and reopening what it approved: officials."""
    return can_manage_years(user)


def can_take_some_approval_step(user: User, who: str) -> bool:
    """May the user take a step of this kind for some committee? Asked before the
    committee and the period are looked up, so that a refusal tells nothing of them."""
    if who == "secretary":
        roles = roles_of(user)
        return roles.superuser or bool(roles.committee_ids)
    return can_record_approval(user)


def can_take_approval_step(user: User, who: str, committee_id: int) -> bool:
    """A step of an approval, by who takes it ("secretary" or an official): the
    secretary's marking ready and unmarking, the official's decision and reopening."""
    if who == "secretary":
        return can_mark_ready(user, committee_id)
    return can_record_approval(user)


def can_edit_indicators(user: User, node: Node) -> bool:
    """Indicators and their outcomes are kept as the goal itself is: by officials
    for a municipal goal, by the committee's secretaries for a committee goal."""
    return can_edit_node(user, node)


def can_keep_geh(user: User) -> bool:
    """The evaluation of sound financial management, the balance requirement
    statement and which municipal goals are goals for it: officials, who keep
    the municipal goals."""
    return can_manage_years(user)


# --- assignments (uppdrag) ---------------------------------------------------


def can_manage_assignments(user: User) -> bool:
    """The council's assignments are recorded, changed and deleted by officials."""
    return can_manage_years(user)


def can_follow_up_assignment(user: User, committee_id: int) -> bool:
    """An assignment's follow-up is entered by the secretaries of the committee it was given to."""
    roles = roles_of(user)
    return roles.superuser or committee_id in roles.committee_ids


def assignment_committees(user: User) -> frozenset[int] | None:
    """The committees whose assignments the user follows up; None means all of them."""
    roles = roles_of(user)
    return None if roles.superuser else roles.committee_ids


def can_link_global_goals(user: User) -> bool:
    """Linking goals and indicators to Agenda 2030's global goals is the
    officials' (tjänstepersoner), who keep the municipality's steering as a whole."""
    roles = roles_of(user)
    return roles.superuser or roles.official
