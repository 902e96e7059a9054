"""Failed logins are counted per user name and client address; behind a proxy
the address comes from X-Forwarded-For through the configured proxies only."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.auth import client_address

PROXY = "10.0.0.1"


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _login(client, password: str, **meta):
    return client.post(reverse("login"), {"username": "councillor", "password": password}, **meta)


def _logged_in(response) -> bool:
    return response.status_code == 302


def test_behind_a_proxy_one_client_cannot_lock_out_the_user_elsewhere(
    client, councillor, settings, throttled
):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _attempt in range(5):
        _login(client, "fel", **attacker)
    assert _login(client, "pw", **attacker).status_code == 429
    response = _login(client, "pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _logged_in(response)


def test_behind_a_proxy_what_the_client_writes_into_the_header_is_ignored(
    client, councillor, settings, throttled
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client invents a new address each time; the proxy appends the real one.
    for attempt in range(5):
        forged = f"192.0.2.{attempt}, 198.51.100.7"
        _login(client, "fel", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
    response = _login(
        client, "pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7"
    )
    assert response.status_code == 429


def test_without_a_proxy_a_spoofed_header_is_ignored(client, councillor, settings, throttled):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        _login(client, "fel", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    response = _login(client, "pw", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    # Another client, by its own connection, still logs in.
    assert _logged_in(_login(client, "pw", REMOTE_ADDR="203.0.113.9"))


def test_lockout_is_by_user_name_and_address_and_read_through_the_proxies(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_CLIENT_IP_CALLABLE == "accounts.auth.client_address"


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),  # fewer entries than proxies: bypassed them
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_reads_through_the_trusted_proxies_only(settings, count, header, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    assert client_address(request) == expected
