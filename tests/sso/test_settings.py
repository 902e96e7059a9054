"""Single sign-on's settings come from the environment and refuse what cannot work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISSUER = {"OIDC_ISSUER": "https://login.example/realms/kramfors", "OIDC_RP_CLIENT_ID": "styr"}


def _load(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LOCAL_LOGIN"))}
    clean.update(SECRET_KEY="k" * 50, **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import kramfors_styr.settings as s; "
            "print(s.SSO_ENABLED, s.OIDC_DISCOVERY_URL, s.OIDC_ROLE_MAP, s.LOCAL_LOGIN, "
            "s.SECURE_CSP['form-action'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_single_sign_on_is_off_unless_an_issuer_is_given():
    result = _load()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False")


def test_the_discovery_document_is_found_from_the_issuer():
    result = _load(
        **ISSUER,
        OIDC_ROLE_MAP='{"styr-bun": "secretary:bun", "styr-ks": ["official", "councillor"]}',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2)[:2] == [
        "True",
        "https://login.example/realms/kramfors/.well-known/openid-configuration",
    ]
    assert "'styr-ks': ('official', 'councillor')" in result.stdout


def test_an_issuer_needs_a_client_id():
    result = _load(OIDC_ISSUER="https://login.example")
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_ID must be set" in result.stderr


def test_a_role_map_that_is_not_json_is_refused():
    result = _load(**ISSUER, OIDC_ROLE_MAP="styr-bun=secretary")
    assert result.returncode != 0
    assert "OIDC_ROLE_MAP must be a JSON object" in result.stderr


def test_a_role_map_naming_an_unknown_role_is_refused():
    result = _load(**ISSUER, OIDC_ROLE_MAP='{"styr-alla": "admin"}')
    assert result.returncode != 0
    assert "'admin' (for the group 'styr-alla') is not a role" in result.stderr


def test_local_login_cannot_be_turned_off_without_single_sign_on():
    result = _load(LOCAL_LOGIN="0")
    assert result.returncode != 0
    assert "LOCAL_LOGIN=0 needs single sign-on" in result.stderr


def test_scopes_without_openid_are_refused():
    result = _load(**ISSUER, OIDC_RP_SCOPES="email profile")
    assert result.returncode != 0
    assert "OIDC_RP_SCOPES must include openid" in result.stderr


def test_the_providers_logout_is_allowed_as_a_form_target():
    result = _load(**ISSUER)
    assert result.returncode == 0, result.stderr
    assert "'https://login.example']" in result.stdout
    given = _load(**ISSUER, OIDC_OP_LOGOUT_ENDPOINT="https://logout.example:8443/end")
    assert "'https://logout.example:8443']" in given.stdout
    assert "login.example'" not in _load().stdout
