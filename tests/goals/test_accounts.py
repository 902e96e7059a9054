"""Logging in and out, password reset, users and committees kept by officials."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from goals.models import Committee


def test_login_page_is_swedish(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Logga in" in page and "Användarnamn" in page and "Lösenord" in page


def test_wrong_password_gets_a_clear_message(client, councillor):
    response = client.post(reverse("login"), {"username": "councillor", "password": "fel"})
    assert "Användarnamnet eller lösenordet är fel" in response.content.decode()


def test_login_and_logout(client, councillor):
    response = client.post(reverse("login"), {"username": "councillor", "password": "pw"})
    assert response.status_code == 302
    assert "Logga ut councillor" in client.get(reverse("followup:start")).content.decode()
    client.post(reverse("logout"))
    assert "Logga in" in client.get(reverse("followup:start")).content.decode()


def test_password_reset_sends_a_swedish_link(client, councillor):
    response = client.post(reverse("password_reset"), {"email": "councillor@example.se"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Nytt lösenord" in mail.outbox[0].subject
    assert "/konto/nytt-losenord/" in mail.outbox[0].body


def test_official_creates_a_secretary_who_gets_a_reset_link(client, official, committees):
    client.force_login(official)
    response = client.post(
        reverse("goals:user_add"),
        {
            "username": "nysek",
            "first_name": "Ny",
            "last_name": "Sekreterare",
            "email": "nysek@example.se",
            "role": "secretary",
            "committees": [committees["bun"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nysek")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["secretary"]
    assert list(user.committees.all()) == [committees["bun"]]
    assert mail.outbox and mail.outbox[0].to == ["nysek@example.se"]


def test_a_secretary_needs_a_committee(client, official, committees):
    client.force_login(official)
    response = client.post(
        reverse("goals:user_add"),
        {"username": "x", "email": "x@example.se", "role": "secretary", "is_active": "on"},
    )
    assert "måste höra till minst en nämnd" in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_changing_a_role_replaces_the_old_one(client, official, secretary, committees):
    client.force_login(official)
    client.post(
        reverse("goals:user_edit", kwargs={"pk": secretary.pk}),
        {"username": "secretary", "email": "s@example.se", "role": "councillor", "is_active": "on"},
    )
    secretary.refresh_from_db()
    assert list(secretary.groups.values_list("name", flat=True)) == ["councillor"]
    assert not secretary.committees.exists()


def test_an_official_cannot_edit_a_superuser(client, official):
    root = User.objects.create_superuser("root", "root@example.se", "pw")
    client.force_login(official)
    assert client.get(reverse("goals:user_edit", kwargs={"pk": root.pk})).status_code == 403


def test_official_adds_a_committee_with_a_secretary(client, official, secretary):
    client.force_login(official)
    response = client.post(
        reverse("goals:committee_add"),
        {
            "name": "Kultur- och fritidsnämnden",
            "short_name": "KFN",
            "slug": "kfn",
            "order": 4,
            "is_active": "on",
            "members": [secretary.pk],
        },
    )
    assert response.status_code == 302
    assert list(Committee.objects.get(slug="kfn").members.all()) == [secretary]


def test_committee_with_a_duplicate_slug_is_refused(client, official, committees):
    client.force_login(official)
    response = client.post(
        reverse("goals:committee_add"), {"name": "Annan", "slug": "bun", "order": 0}
    )
    assert response.status_code == 200
    assert Committee.objects.filter(slug="bun").count() == 1


@pytest.mark.parametrize("users", [1, 10])
def test_user_list_query_count(client, official, users, django_assert_num_queries):
    for index in range(users):
        User.objects.create_user(f"u{index}")
    client.force_login(official)
    # Expect 6 queries: session, user, the users, their groups, their committees,
    # the official's groups and committees in one query (roles, for the menu)
    with django_assert_num_queries(6):
        assert client.get(reverse("goals:user_list")).status_code == 200


def test_demo_users_only_in_the_demo_whatever_debug_says(db, settings):
    settings.DEMO, settings.DEBUG = False, True
    call_command("load_demo", "--year", "2026")
    assert not User.objects.filter(username="tjansteperson").exists()
    settings.DEMO, settings.DEBUG = True, False
    call_command("load_demo", "--year", "2026")
    names = set(User.objects.values_list("username", flat=True))
    assert {"tjansteperson", "sekreterare", "sekreterare2", "fortroendevald"} <= names
    secretary = User.objects.get(username="sekreterare")
    assert secretary.check_password("demo")
    assert secretary.committees.get().short_name == "BUN"
    assert User.objects.get(username="sekreterare2").committees.get().short_name == "SN"
