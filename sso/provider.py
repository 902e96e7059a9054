"""The OpenID Connect provider's endpoints: from its discovery document, each
one replaced by its setting where that is given."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

# The discovery document changes when the provider's setup does, seldom; an
# hour's copy in the cache spares a round trip at every login. Keys are fetched
# at every login (mozilla-django-oidc), so a rotated signing key is seen at once.
DISCOVERY_CACHE_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The discovery document could not be read, or does not fit the settings."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


_SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "end_session_endpoint": "OIDC_OP_LOGOUT_ENDPOINT",
}
_REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def provider() -> Provider:
    given = {field: getattr(settings, name) for field, name in _SETTINGS.items()}
    document = {} if all(given[field] for field in _REQUIRED) else discovery_document()
    # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked for.
    if document and document.get("issuer") != settings.OIDC_ISSUER:
        raise ProviderUnavailable(
            f"The discovery document names the issuer {document.get('issuer')!r}, "
            f"not OIDC_ISSUER {settings.OIDC_ISSUER!r}."
        )
    endpoints = {field: given[field] or str(document.get(field) or "") for field in _SETTINGS}
    missing = [field for field in _REQUIRED if not endpoints[field]]
    if missing:
        raise ProviderUnavailable(f"No {', '.join(missing)} in the discovery document.")
    return Provider(issuer=settings.OIDC_ISSUER, **endpoints)


def discovery_document() -> dict:
    url = settings.OIDC_DISCOVERY_URL
    key = f"sso:discovery:{url}"
    document = cache.get(key)
    if document is None:
        document = _fetch(url)
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _fetch(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(
            f"The discovery document at {url} could not be read: {error}"
        ) from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"The discovery document at {url} is not a JSON object.")
    return document
