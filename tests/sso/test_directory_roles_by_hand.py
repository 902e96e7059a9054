"""An official's user and committee forms: roles from the directory are shown,
and cannot be handed out or taken away by hand."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from goals.directorymodels import DirectoryRole


@pytest.fixture
def from_directory(client, oidc_provider, sso_login) -> User:
    """A user whose roles came from the directory: secretary of BUN, and councillor."""
    oidc_provider.set_user(
        "sub-nils", preferred_username="nils", groups=["styr-bun", "styr-fortroendevalda"]
    )
    sso_login(client, "sub-nils")
    client.logout()
    return User.objects.get(username="nils")


def _edit(client, user, **changes):
    data = {
        "username": user.username,
        "email": "nils@example.se",
        "is_active": "on",
        "role": "",
        "committees": [c.pk for c in user.committees.all()],
        **changes,
    }
    return client.post(reverse("goals:user_edit", kwargs={"pk": user.pk}), data)


def _role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_user_page_shows_the_roles_from_the_directory_and_their_history(
    client, official, from_directory
):
    client.force_login(official)
    page = client.get(reverse("goals:user_edit", kwargs={"pk": from_directory.pk}))
    text = page.content.decode()
    assert "Roller från kommunens katalog" in text
    assert "Nämndsekreterare – BUN" in text
    assert "grupp styr-bun" in text
    assert "Ändringar från katalogen" in text
    assert text.count("given</td>") == 2


def test_other_details_of_a_directory_user_can_still_be_changed(client, official, from_directory):
    client.force_login(official)
    response = _edit(client, from_directory, first_name="Nils")
    assert response.status_code == 302
    from_directory.refresh_from_db()
    assert from_directory.first_name == "Nils"
    assert _role_names(from_directory) == {"secretary", "councillor"}


def test_a_role_from_the_directory_cannot_be_taken_away_by_hand(client, official, from_directory):
    client.force_login(official)
    response = _edit(client, from_directory, committees=[])
    assert "kommer från kommunens katalog och kan bara tas bort där" in response.content.decode()
    assert list(from_directory.committees.values_list("slug", flat=True)) == ["bun"]


def test_a_role_the_directory_hands_out_cannot_be_given_by_hand(
    client, official, councillor, oidc_provider
):
    client.force_login(official)
    response = client.post(
        reverse("goals:user_edit", kwargs={"pk": councillor.pk}),
        {"username": "councillor", "email": "c@example.se", "role": "official", "is_active": "on"},
    )
    assert "delas ut av kommunens katalog" in response.content.decode()
    assert _role_names(councillor) == {"councillor"}


def test_a_role_the_directory_does_not_hand_out_can_be_given_by_hand(
    client, official, from_directory, committees
):
    client.force_login(official)
    response = _edit(client, from_directory, committees=[committees["bun"].pk, committees["sn"].pk])
    assert response.status_code == 302
    assert set(from_directory.committees.values_list("slug", flat=True)) == {"bun", "sn"}


def test_a_hand_given_role_of_the_map_can_still_be_taken_away(
    client, official, oidc_provider, committees
):
    """Given before single sign-on came: an official may tidy it away."""
    from tests.conftest import _user

    old = _user("old", "official")
    client.force_login(official)
    response = client.post(
        reverse("goals:user_edit", kwargs={"pk": old.pk}),
        {
            "username": "old",
            "email": "o@example.se",
            "role": "secretary",
            "committees": [committees["sn"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert _role_names(old) == {"secretary"}


def test_the_committee_form_refuses_to_change_a_membership_from_the_directory(
    client, official, from_directory, committees, secretary
):
    client.force_login(official)
    bun = committees["bun"]
    data = {"name": bun.name, "short_name": bun.short_name, "slug": "bun", "order": 0}
    data["is_active"] = "on"

    # Nils (from the directory) unticked; the hand-given secretary kept.
    response = client.post(
        reverse("goals:committee_edit", kwargs={"pk": bun.pk}), {**data, "members": [secretary.pk]}
    )
    assert "kan bara tas bort där" in response.content.decode()
    assert from_directory in bun.members.all()
    assert DirectoryRole.objects.filter(user=from_directory, committee=bun).exists()


def test_without_single_sign_on_the_forms_work_as_before(client, official, councillor):
    client.force_login(official)
    response = client.post(
        reverse("goals:user_edit", kwargs={"pk": councillor.pk}),
        {"username": "councillor", "email": "c@example.se", "role": "official", "is_active": "on"},
    )
    assert response.status_code == 302
    assert _role_names(councillor) == {"official"}


@pytest.mark.parametrize("logins", [1, 4])
def test_the_user_page_costs_the_same_queries_however_long_the_history(
    client, official, oidc_provider, sso_login, logins, django_assert_num_queries
):
    for number in range(logins):
        groups = ["styr-bun"] if number % 2 else ["styr-tjansteperson", "styr-fortroendevalda"]
        oidc_provider.set_user("sub-rut", preferred_username="rut", groups=groups)
        sso_login(client, "sub-rut")
    rut = User.objects.get(username="rut")
    client.force_login(official)
    # Expect 10 queries: session, user, the edited user, the official's roles
    # (menu); the form: the user's roles from the directory, groups,
    # committees, the committees to choose from; the page: the roles from the
    # directory and their history.
    with django_assert_num_queries(10):
        assert client.get(reverse("goals:user_edit", kwargs={"pk": rut.pk})).status_code == 200
