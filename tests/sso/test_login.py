"""Single sign-on through a real OpenID Connect provider, with the test client."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from goals.directorymodels import DirectoryRole
from goals.permissions import roles_of
from sso.models import DirectoryAccount, LoginFailure


def _logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def _role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _refusal_text(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    return client.get(response["Location"]).content.decode()


def test_first_login_creates_the_user_with_the_mapped_roles(client, oidc_provider, sso_login):
    oidc_provider.set_user(
        "sub-anna",
        preferred_username="anna.berg@kramfors.se",
        email="anna.berg@kramfors.se",
        given_name="Anna",
        family_name="Berg",
        groups=["styr-bun", "styr-fortroendevalda", "alla-anstallda"],
    )
    response = sso_login(client, "sub-anna")

    assert response.status_code == 302
    assert response["Location"] == reverse("followup:start")
    user = _logged_in_user(client)
    assert user.username == "anna.berg@kramfors.se"
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Berg",
        "anna.berg@kramfors.se",
    )
    assert not user.has_usable_password()
    assert _role_names(user) == {"secretary", "councillor"}
    assert set(user.committees.values_list("slug", flat=True)) == {"bun"}
    assert roles_of(user).committee_ids == {user.committees.get().pk}
    assert set(DirectoryRole.objects.filter(user=user).values_list("role", "directory_group")) == {
        ("secretary", "styr-bun"),
        ("councillor", "styr-fortroendevalda"),
    }
    assert DirectoryAccount.objects.get(user=user).subject == "sub-anna"


def test_the_login_returns_to_the_page_asked_for(client, oidc_provider, sso_login):
    oidc_provider.set_user("sub-bo", preferred_username="bo", groups=["styr-tjansteperson"])
    response = sso_login(client, "sub-bo", next="/anvandare/")
    assert response["Location"] == "/anvandare/"


def test_a_changed_group_changes_the_role_at_the_next_login(client, oidc_provider, sso_login):
    oidc_provider.set_user("sub-cia", preferred_username="cia", groups=["styr-tjansteperson"])
    sso_login(client, "sub-cia")
    user = _logged_in_user(client)
    assert _role_names(user) == {"official"}

    client.post(reverse("logout"))
    oidc_provider.set_user("sub-cia", preferred_username="cia", groups=["styr-bun"])
    sso_login(client, "sub-cia")

    assert _logged_in_user(client) == user
    assert _role_names(user) == {"secretary"}
    assert list(user.committees.values_list("slug", flat=True)) == ["bun"]
    changes = [
        (change.history_type, change.role)
        for change in DirectoryRole.history.filter(user_id=user.pk).order_by("history_id")
    ]
    assert changes == [("+", "official"), ("-", "official"), ("+", "secretary")]


def test_a_role_given_by_hand_that_the_map_does_not_name_stays(
    client, oidc_provider, sso_login, committees
):
    oidc_provider.set_user("sub-dan", preferred_username="dan", groups=["styr-bun"])
    sso_login(client, "sub-dan")
    user = _logged_in_user(client)
    committees["sn"].members.add(user)  # by hand: the map names no role for SN

    oidc_provider.set_user("sub-dan", preferred_username="dan", groups=[])
    sso_login(client, "sub-dan")

    # The directory's BUN role is gone; SN, given by hand, is still there.
    assert list(user.committees.values_list("slug", flat=True)) == ["sn"]
    assert _role_names(user) == {"secretary"}
    assert _logged_in_user(client) == user


def test_someone_whose_groups_give_no_role_is_refused_and_not_created(
    client, oidc_provider, sso_login
):
    oidc_provider.set_user("sub-eva", preferred_username="eva", groups=["alla-anstallda"])
    response = sso_login(client, "sub-eva")

    assert "ingen roll här" in _refusal_text(client, response)
    assert _logged_in_user(client) is None
    assert not User.objects.filter(username="eva").exists()
    assert LoginFailure.objects.get().reason == LoginFailure.Reason.NO_ROLE


def test_leaving_every_group_takes_the_roles_away_and_ends_access(client, oidc_provider, sso_login):
    oidc_provider.set_user("sub-fia", preferred_username="fia", groups=["styr-tjansteperson"])
    sso_login(client, "sub-fia")
    user = _logged_in_user(client)
    client.post(reverse("logout"))

    oidc_provider.set_user("sub-fia", preferred_username="fia", groups=[])
    response = sso_login(client, "sub-fia")

    assert "ingen roll här" in _refusal_text(client, response)
    assert _logged_in_user(client) is None
    assert _role_names(user) == set()
    assert not DirectoryRole.objects.filter(user=user).exists()


def test_an_existing_user_is_found_by_user_name_and_keeps_roles_given_by_hand(
    client, oidc_provider, sso_login, secretary2
):
    oidc_provider.set_user(
        "sub-sec2", preferred_username="SECRETARY2", groups=["styr-fortroendevalda"]
    )
    sso_login(client, "sub-sec2")

    assert _logged_in_user(client) == secretary2
    secretary2.refresh_from_db()
    assert secretary2.username == "SECRETARY2"  # the directory's spelling
    assert _role_names(secretary2) == {"secretary", "councillor"}
    assert list(secretary2.committees.values_list("slug", flat=True)) == ["sn"]


def test_a_superusers_account_is_never_taken_over(client, oidc_provider, sso_login):
    User.objects.create_superuser("root", "root@example.se", "pw")
    oidc_provider.set_user("sub-x", preferred_username="root", groups=["styr-tjansteperson"])
    response = sso_login(client, "sub-x")

    assert "tillhör en annan användare" in _refusal_text(client, response)
    assert _logged_in_user(client) is None
    assert LoginFailure.objects.get().reason == LoginFailure.Reason.ACCOUNT_CONFLICT


def test_a_deactivated_user_is_refused(client, oidc_provider, sso_login):
    oidc_provider.set_user("sub-gun", preferred_username="gun", groups=["styr-tjansteperson"])
    sso_login(client, "sub-gun")
    user = _logged_in_user(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    client.post(reverse("logout"))

    response = sso_login(client, "sub-gun")
    assert "avstängd" in _refusal_text(client, response)
    assert _logged_in_user(client) is None


# --- the ID token -----------------------------------------------------------


def _expired(claims: dict) -> dict:
    now = int(time.time())
    return {**claims, "iat": now - 3600, "exp": now - 600}


TAMPERED = [
    pytest.param(lambda claims: claims, True, "signature", "signatur", id="wrong signature"),
    pytest.param(
        lambda claims: {**claims, "aud": "another-service"},
        False,
        "audience",
        "en annan tjänst",
        id="wrong audience",
    ),
    pytest.param(
        lambda claims: {**claims, "nonce": "another-login"},
        False,
        "nonce",
        "hörde inte till den här inloggningen",
        id="wrong nonce",
    ),
    pytest.param(_expired, False, "expired", "hade gått ut", id="expired"),
    pytest.param(
        lambda claims: {**claims, "iss": "https://idp.example"},
        False,
        "issuer",
        "en annan inloggningstjänst",
        id="wrong issuer",
    ),
]


@pytest.mark.parametrize(("tamper", "forged", "reason", "message"), TAMPERED)
def test_a_bad_id_token_is_refused_with_no_session(
    client, oidc_provider, sso_login, tamper, forged, reason, message
):
    oidc_provider.set_user("sub-hans", preferred_username="hans", groups=["styr-tjansteperson"])
    oidc_provider.rewrite_id_token(tamper, forged=forged)
    response = sso_login(client, "sub-hans")

    assert message in _refusal_text(client, response)
    assert _logged_in_user(client) is None
    assert "oidc_id_token" not in client.session
    assert not User.objects.filter(username="hans").exists()
    failure = LoginFailure.objects.get()
    assert (failure.reason, failure.ip_address) == (reason, "127.0.0.1")


def test_an_id_token_re_signed_with_the_trusted_key_alone_is_accepted(
    client, oidc_provider, sso_login
):
    """The test's own key is trusted: so each refusal above is for the claim it names."""
    oidc_provider.set_user("sub-ida", preferred_username="ida", groups=["styr-tjansteperson"])
    oidc_provider.rewrite_id_token(lambda claims: claims)
    sso_login(client, "sub-ida")
    assert _logged_in_user(client).username == "ida"


# --- state -----------------------------------------------------------------


def test_the_state_cannot_be_replayed(client, oidc_provider):
    oidc_provider.set_user("sub-jan", preferred_username="jan", groups=["styr-tjansteperson"])
    start = client.get(reverse("sso:start"))
    back = oidc_provider.authorize(start["Location"], "sub-jan")
    client.get(back)
    assert _logged_in_user(client) is not None
    client.post(reverse("logout"))

    response = client.get(back)

    assert "hade redan använts" in _refusal_text(client, response)
    assert _logged_in_user(client) is None
    assert LoginFailure.objects.get().reason == LoginFailure.Reason.STATE


def test_an_answer_for_another_browser_is_refused(client, oidc_provider, django_user_model):
    from django.test import Client

    oidc_provider.set_user("sub-kim", preferred_username="kim", groups=["styr-tjansteperson"])
    start = client.get(reverse("sso:start"))
    back = oidc_provider.authorize(start["Location"], "sub-kim")

    other = Client()
    response = other.get(back)
    assert "hade redan använts" in _refusal_text(other, response)
    assert _logged_in_user(other) is None
    assert not django_user_model.objects.filter(username="kim").exists()


def test_the_provider_refusing_is_said_plainly(client, oidc_provider):
    start = client.get(reverse("sso:start"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(reverse("sso:callback"), {"state": state, "error": "access_denied"})
    assert "stoppade inloggningen" in _refusal_text(client, response)
    assert _logged_in_user(client) is None


def test_the_login_asks_for_pkce_and_a_nonce(client, oidc_provider):
    start = client.get(reverse("sso:start"))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["nonce"] and query["state"]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/konto/sso/tillbaka/"]


def test_an_unreachable_provider_is_said_plainly(client, oidc_provider, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get(reverse("sso:start"))
    assert "kunde inte nås" in _refusal_text(client, response)


# --- logging out ------------------------------------------------------------


def test_logging_out_also_ends_the_session_at_the_provider(client, oidc_provider, sso_login):
    oidc_provider.set_user("sub-lo", preferred_username="lo", groups=["styr-tjansteperson"])
    sso_login(client, "sub-lo")
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("logout"))

    assert _logged_in_user(client) is None
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{oidc_provider.url}/oauth2/end_session"
    )
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]


def test_a_password_user_logs_out_here_only(client, oidc_provider, official):
    client.force_login(official)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("followup:start")


# --- with single sign-on off ------------------------------------------------


def test_without_single_sign_on_its_pages_are_not_found_and_the_button_is_not_shown(client, db):
    assert client.get(reverse("sso:start")).status_code == 404
    assert client.get(reverse("sso:callback")).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med" not in page
    assert 'name="password"' in page


def test_sessions_from_single_sign_on_end_when_it_is_turned_off(
    client, oidc_provider, sso_login, settings
):
    oidc_provider.set_user("sub-max", preferred_username="max", groups=["styr-tjansteperson"])
    sso_login(client, "sub-max")
    settings.SSO_ENABLED = False
    assert client.get(reverse("goals:user_list")).status_code == 302


def test_failed_single_sign_ons_do_not_lock_out_the_next_one(
    client, oidc_provider, sso_login, settings
):
    """django-axes guards the password form; the provider checks passwords itself."""
    settings.AXES_ENABLED = True
    oidc_provider.set_user("sub-ola", preferred_username="ola", groups=["styr-tjansteperson"])
    oidc_provider.rewrite_id_token(lambda claims: claims, forged=True)
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        sso_login(client, "sub-ola")
    assert LoginFailure.objects.count() == settings.AXES_FAILURE_LIMIT + 1

    oidc_provider.reset()
    response = sso_login(client, "sub-ola")
    assert response["Location"] == reverse("followup:start")
    assert _logged_in_user(client).username == "ola"


def test_a_discovery_document_for_another_issuer_is_not_used(client, oidc_provider, settings):
    settings.OIDC_ISSUER = "https://idp.example"
    response = client.get(reverse("sso:start"))
    assert "kunde inte nås" in _refusal_text(client, response)
    assert LoginFailure.objects.get().reason == LoginFailure.Reason.PROVIDER_UNAVAILABLE


def test_users_are_not_created_when_that_is_turned_off(
    client, oidc_provider, sso_login, settings, councillor
):
    settings.OIDC_CREATE_USER = False
    oidc_provider.set_user("sub-per", preferred_username="per", groups=["styr-tjansteperson"])
    response = sso_login(client, "sub-per")
    assert "Det finns ingen användare här" in _refusal_text(client, response)
    assert not User.objects.filter(username="per").exists()

    # An existing user still logs in.
    oidc_provider.set_user(
        "sub-c", preferred_username="councillor", groups=["styr-fortroendevalda"]
    )
    sso_login(client, "sub-c")
    assert _logged_in_user(client) == councillor
