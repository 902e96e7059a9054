"""Roles from the municipality's directory, handed out at single sign-on.

`settings.OIDC_ROLE_MAP` maps a directory group to roles: "official",
"councillor", "auditor" or "secretary:<committee slug>". At every single
sign-on, `directory_roles_apply` sets each role the map can hand out to what
the user's groups give now: a role from a group the user has left is taken
away. Each role given this way is recorded as a `DirectoryRole`, whose history
shows when the directory gave or took it.

The map decides who holds the roles it names: an official cannot hand such a
role out by hand, nor take away one the directory gave (`hand_edit_problems`).
Roles the map does not name stay as an official sets them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils.translation import gettext as _

from goals.directorymodels import DirectoryRole
from goals.models import Committee
from goals.permissions import Role, forget_roles

logger = logging.getLogger(__name__)

# A role as the map names it: (role, committee slug), the slug only for a secretary.
RoleKey = tuple[str, str | None]


def parse_role(value: str) -> RoleKey:
    role, _sep, slug = value.partition(":")
    return role, slug or None


def managed_role_keys() -> frozenset[RoleKey]:
    """Every role the directory hands out; none while single sign-on is off."""
    if not settings.SSO_ENABLED:
        return frozenset()
    return frozenset(
        parse_role(value) for values in settings.OIDC_ROLE_MAP.values() for value in values
    )


def granted_role_keys(groups: Iterable[str]) -> dict[RoleKey, str]:
    """The roles these directory groups give, each with the group that gives it."""
    granted: dict[RoleKey, str] = {}
    for group in sorted(set(groups)):
        for value in settings.OIDC_ROLE_MAP.get(group, ()):
            granted.setdefault(parse_role(value), group)
    return granted


def directory_role_keys(user: AbstractBaseUser | None) -> frozenset[RoleKey]:
    """The roles the user holds from the directory (none while single sign-on is off:
    then the directory no longer keeps them, and officials do)."""
    if user is None or user.pk is None or not settings.SSO_ENABLED:
        return frozenset()
    return frozenset(
        (role, slug)
        for role, slug in DirectoryRole.objects.filter(user=user).values_list(
            "role", "committee__slug"
        )
    )


def role_key_label(key: RoleKey, committee_names: dict[str, str] | None = None) -> str:
    role, slug = key
    label = str(Role(role).label) if role in Role.values else role
    if slug is None:
        return label
    name = (committee_names or {}).get(slug, slug)
    return _("%(role)s of %(committee)s") % {"role": label, "committee": name}


@transaction.atomic
def directory_roles_apply(*, user: AbstractBaseUser, groups: Iterable[str]) -> list[str]:
    """Give the user exactly the directory's roles their groups map to, take away
    the directory's roles they no longer map to, and record them. Returns a line
    per change, for the log."""
    managed = managed_role_keys()
    granted = granted_role_keys(groups)
    slugs = {slug for _role, slug in managed if slug}
    committees = {c.slug: c for c in Committee.objects.filter(slug__in=slugs)}
    for _role, slug in sorted(managed, key=str):
        if slug and slug not in committees:
            logger.warning("OIDC_ROLE_MAP names a committee that does not exist: %s", slug)
    managed = frozenset(key for key in managed if key[1] is None or key[1] in committees)
    granted = {key: group for key, group in granted.items() if key in managed}

    changes: list[str] = []
    recorded = {
        (row.role, row.committee.slug if row.committee else None): row
        for row in DirectoryRole.objects.filter(user=user).select_related("committee")
    }
    for key, row in recorded.items():
        if key not in granted:
            row.delete()
            changes.append(f"-{key}")
    for key, group in granted.items():
        row = recorded.get(key)
        if row is None:
            DirectoryRole.objects.create(
                user=user,
                role=key[0],
                committee=committees[key[1]] if key[1] else None,
                directory_group=group,
            )
            changes.append(f"+{key}")
        elif row.directory_group != group:
            row.directory_group = group
            row.save(update_fields=["directory_group"])

    _set_groups_and_memberships(user, managed, granted, committees)
    forget_roles(user)
    return changes


def _set_groups_and_memberships(user, managed, granted, committees) -> None:
    group_names = set(user.groups.values_list("name", flat=True))
    wanted_roles = {role for role, slug in granted if slug is None}
    for role in {role for role, slug in managed if slug is None}:
        if role in wanted_roles and role not in group_names:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        elif role not in wanted_roles and role in group_names:
            user.groups.remove(Group.objects.get(name=role))

    member_of = set(user.committees.values_list("slug", flat=True))
    for role, slug in managed:
        if slug is None:
            continue
        # Changed from the committee's side, where the membership history is kept.
        if (role, slug) in granted and slug not in member_of:
            committees[slug].members.add(user)
            member_of.add(slug)
        elif (role, slug) not in granted and slug in member_of:
            committees[slug].members.remove(user)
            member_of.discard(slug)
    if any(slug for _role, slug in granted):
        if Role.SECRETARY not in group_names:
            user.groups.add(Group.objects.get_or_create(name=Role.SECRETARY)[0])
    elif any(slug for _role, slug in managed) and not member_of and Role.SECRETARY in group_names:
        # A secretary of no committee is a secretary of nothing.
        user.groups.remove(Group.objects.get(name=Role.SECRETARY))


def hand_edit_problems(
    *,
    user: AbstractBaseUser | None,
    before: set[RoleKey],
    after: set[RoleKey],
    committee_names: dict[str, str] | None = None,
) -> list[str]:
    """Why an official's change of a user's roles from `before` to `after` is refused:
    it hands out a role that only the directory hands out, or takes away one
    the directory gave. Empty when the change is allowed."""
    managed = managed_role_keys()
    from_directory = directory_role_keys(user)
    problems = []
    for key in sorted(after - before - from_directory, key=str):
        if key in managed:
            problems.append(
                _(
                    "The role “%(role)s” is handed out by the municipality's directory when "
                    "the user logs in, and cannot be given by hand."
                )
                % {"role": role_key_label(key, committee_names)}
            )
    for key in sorted((before - after) & from_directory, key=str):
        problems.append(
            _(
                "The role “%(role)s” comes from the municipality's directory and can only be "
                "taken away there."
            )
            % {"role": role_key_label(key, committee_names)}
        )
    return problems


def directory_roles_of(user: AbstractBaseUser | None) -> list[DirectoryRole]:
    """The user's roles from the directory, for their page."""
    if user is None:
        return []
    return list(DirectoryRole.objects.filter(user=user).select_related("committee"))


def directory_history_of(user: AbstractBaseUser | None, limit: int = 50) -> list:
    """When the directory gave the user a role or took one away, newest first."""
    if user is None:
        return []
    return list(
        DirectoryRole.history.filter(user_id=user.pk)
        .select_related("committee")
        .order_by("-history_date", "-history_id")[:limit]
    )
