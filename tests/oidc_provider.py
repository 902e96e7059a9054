"""A real OpenID Connect provider for the tests: oidc-provider-mock, served on
127.0.0.1 from a thread, with no network.

In front of it sits a small WSGI layer that lets a test rewrite the ID token
the provider issues, signed with a key of the test's own: the provider's
published keys include `trusted_key`, so a token re-signed with it passes the
signature check and only the rewritten claim (audience, nonce, expiry) is
wrong; a token signed with `forged_key` under the same key id has a signature
that does not verify.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

import jwt
import oidc_provider_mock
import requests
import werkzeug.serving
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Response

TRUSTED_KID = "tests-trusted"
CLIENT_ID = "kramfors-styr"
CLIENT_SECRET = "test-secret"

# Groups → roles, as a municipality would write OIDC_ROLE_MAP.
ROLE_MAP = {
    "styr-tjansteperson": ("official",),
    "styr-fortroendevalda": ("councillor",),
    "styr-revisorer": ("auditor",),
    "styr-bun": ("secretary:bun",),
}

Tamper = Callable[[dict], dict]


class TestProvider:
    __test__ = False  # not a test class, for pytest

    def __init__(self) -> None:
        self.app = oidc_provider_mock.app(require_nonce=True)
        self.trusted_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.tamper: Tamper | None = None
        self.sign_with = self.trusted_key
        self.url = ""

    # --- what a test does with it ---------------------------------------------

    def set_user(self, sub: str, **claims) -> None:
        """The claims the provider gives `sub` from now on."""
        response = requests.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims, timeout=5)
        assert response.status_code == 204, response.text

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Approve the login as `sub`, as the person would on the provider's page;
        returns the URL the provider sends the browser back to."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def rewrite_id_token(self, tamper: Tamper, *, forged: bool = False) -> None:
        self.tamper = tamper
        self.sign_with = self.forged_key if forged else self.trusted_key

    def reset(self) -> None:
        self.tamper = None
        self.sign_with = self.trusted_key

    # --- the WSGI layer ---------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/jwks":
            return self._rewritten(environ, start_response, self._add_trusted_key)
        if path == "/oauth2/token" and self.tamper is not None:
            return self._rewritten(environ, start_response, self._rewrite_token)
        return self.app(environ, start_response)

    def _rewritten(self, environ, start_response, rewrite):
        inner = Response.from_app(self.app, environ, buffered=True)
        body = json.loads(inner.get_data())
        if inner.status_code == 200:
            body = rewrite(body)
        response = Response(
            json.dumps(body), status=inner.status_code, content_type="application/json"
        )
        return response(environ, start_response)

    def _add_trusted_key(self, body: dict) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.trusted_key.public_key()))
        public.update(kid=TRUSTED_KID, use="sig", alg="RS256")
        return {"keys": [*body["keys"], public]}

    def _rewrite_token(self, body: dict) -> dict:
        claims = jwt.decode(body["id_token"], options={"verify_signature": False})
        assert self.tamper is not None
        body["id_token"] = jwt.encode(
            self.tamper(claims),
            self.sign_with,
            algorithm="RS256",
            headers={"kid": TRUSTED_KID},
        )
        return body


@contextmanager
def running_provider() -> Iterator[TestProvider]:
    provider = TestProvider()
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider, threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def configure(settings, provider: TestProvider, **overrides) -> None:
    """Turn single sign-on on against `provider`, through pytest-django's `settings`."""
    values = {
        "SSO_ENABLED": True,
        "OIDC_ISSUER": provider.url,
        "OIDC_DISCOVERY_URL": f"{provider.url}/.well-known/openid-configuration",
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ROLE_MAP": ROLE_MAP,
        "OIDC_LOGIN_LABEL": "Kramfors konto",
        **overrides,
    }
    for name, value in values.items():
        setattr(settings, name, value)
    # As kramfors_styr/settings.py allows the provider's logout as a form target.
    csp = dict(settings.SECURE_CSP)
    csp["form-action"] = [*csp["form-action"], provider.url]
    settings.SECURE_CSP = csp
