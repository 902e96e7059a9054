from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.oidc_provider import TestProvider, configure, running_provider


@pytest.fixture(scope="session")
def _provider_server():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def oidc_provider(_provider_server, settings, committees) -> TestProvider:
    """The provider, with single sign-on turned on against it."""
    _provider_server.reset()
    configure(settings, _provider_server)
    return _provider_server


@pytest.fixture
def sso_login(oidc_provider):
    """Log in through the provider as `sub`: the login page's button, the
    provider's page, and back. Returns the answer to the return trip."""

    def log_in(client: Client, sub: str, **start_query):
        start = client.get(reverse("sso:start"), start_query)
        assert start.status_code == 302, start
        return client.get(oidc_provider.authorize(start["Location"], sub))

    return log_in
