"""Password login beside single sign-on: LOCAL_LOGIN and the break-glass login."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse


@pytest.fixture
def local_login_off(oidc_provider, settings):
    settings.LOCAL_LOGIN = False
    return settings


def _password_login(client, username: str, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": "pw"})


def test_the_login_page_offers_single_sign_on_by_its_name(client, oidc_provider):
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Kramfors konto" in page
    assert f'href="{reverse("sso:start")}"' in page
    assert 'name="password"' in page  # local login is still on


def test_the_button_carries_the_page_asked_for(client, oidc_provider):
    page = client.get(reverse("login"), {"next": "/anvandare/"}).content.decode()
    assert f'href="{reverse("sso:start")}?next=/anvandare/"' in page


def test_with_local_login_off_the_password_form_is_gone(client, local_login_off):
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Kramfors konto" in page
    assert 'name="password"' not in page
    assert reverse("password_reset") not in page


def test_with_local_login_off_posting_a_password_is_refused(client, local_login_off, official):
    response = _password_login(client, "official")
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_local_login_off_no_other_way_takes_a_password(client, local_login_off, official):
    assert client.login(username="official", password="pw") is False
    assert client.get(reverse("password_reset")).status_code == 404
    assert client.get(reverse("password_change")).status_code == 404


def test_with_local_login_off_password_sessions_end(client, oidc_provider, settings, official):
    assert client.login(username="official", password="pw")
    settings.LOCAL_LOGIN = False
    assert client.get(reverse("goals:user_list")).status_code == 302


def test_break_glass_is_not_there_unless_turned_on(client, local_login_off):
    assert client.get(reverse("sso:break_glass")).status_code == 404


def test_break_glass_lets_a_superuser_in_and_no_one_else(client, local_login_off, official):
    local_login_off.BREAK_GLASS_LOGIN = True
    User.objects.create_superuser("root", "root@example.se", "pw")
    url = reverse("sso:break_glass")
    assert client.get(url).status_code == 200

    refused = _password_login(client, "official", url)
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    admitted = _password_login(client, "root", url)
    assert admitted.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="root").pk)


def test_break_glass_is_not_there_while_local_login_is_on(client, oidc_provider, settings):
    settings.BREAK_GLASS_LOGIN = True
    assert client.get(reverse("sso:break_glass")).status_code == 404
