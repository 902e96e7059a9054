"""The users the benchmark and the load test read (and write) the pages as."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

READER_USERNAME = "bench-reader"
SECRETARY_USERNAME = "bench-secretary-{slug}"


def reader_client() -> Client:
    """A test client logged in as a user with no roles, as a councillor reads.

    Pages that only logged-in users may read then answer 200 rather than a
    redirect to the login page, and the session and user lookups that every
    logged-in request costs are part of what is measured.
    """
    user, _created = get_user_model().objects.get_or_create(username=READER_USERNAME)
    return _logged_in(user)


def secretary_client(committee) -> Client:
    """A test client logged in as a secretary of `committee` and of no other.

    Roles come from the "secretary" group and membership of the committee
    (goals/permissions.py), so the user may assess the committee's goals and
    activities. Each committee has a user of its own: a user in two committees
    would see both committees' nodes on the follow-up entry page.
    """
    from django.contrib.auth.models import Group

    from goals.permissions import Role

    user, _created = get_user_model().objects.get_or_create(
        username=SECRETARY_USERNAME.format(slug=committee.slug)
    )
    group, _created = Group.objects.get_or_create(name=Role.SECRETARY.value)
    user.groups.add(group)
    committee.members.add(user)
    return _logged_in(user)


AUDITOR_USERNAME = "bench-auditor"


def auditor_client() -> Client:
    """A test client logged in as an auditor: the progress and audit pages' reader."""
    from django.contrib.auth.models import Group

    from goals.permissions import Role

    user, _created = get_user_model().objects.get_or_create(username=AUDITOR_USERNAME)
    user.groups.add(Group.objects.get_or_create(name=Role.AUDITOR.value)[0])
    return _logged_in(user)


def _logged_in(user) -> Client:
    model_backend = "django.contrib.auth.backends.ModelBackend"
    backend = model_backend if model_backend in settings.AUTHENTICATION_BACKENDS else None
    client = Client()
    client.force_login(user, backend=backend)
    return client


def reader_session_cookie() -> str:
    """`name=value` of a logged-in reader's session cookie, for an HTTP client."""
    client = reader_client()
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"
