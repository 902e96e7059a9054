"""Hardening: deploy checks, security headers on every page type, login
throttling, the admin, oversized requests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import build_tree

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # Only what production has: not the switches the test run itself sets.
    dropped = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SECRET_KEY="p9Zq-" + "x7Yb_Kc2Lm4Nv6Rt8Wq0Es3Ud5Fg1Hj" * 2,
        ALLOWED_HOSTS="styr.example.se",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def pages(plan_year, committees, periods, secretary):
    tree = build_tree(
        plan_year, "Vision\n  P\n    D\n      M\n        Mål [bun]\n          Akt [bun]"
    )
    return {
        "start": reverse("followup:start"),
        "red thread": reverse("followup:red_thread", kwargs={"year": 2026}),
        "node": tree["Mål"].get_absolute_url(),
        "operational plan": reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"}),
        "follow-up entry": periods[1].entry_url(),
        "edit form": reverse("goals:node_edit", kwargs={"pk": tree["Akt"].pk}),
        "login": reverse("login"),
        "admin": "/admin/login/",
        "not found": "/finns-inte/",
    }


def test_security_headers_on_every_page_type(client, secretary, pages):
    client.force_login(secretary)
    for name, url in pages.items():
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), name
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert "max-age=31536000" in response["Strict-Transport-Security"], name


def test_no_inline_script_on_any_page(client, secretary, pages):
    client.force_login(secretary)
    for url in pages.values():
        html = client.get(url).content.decode()
        assert "<script>" not in html and " onclick=" not in html


def test_plain_http_is_redirected_to_https_except_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("followup:start"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200


def test_cookies_are_secure_and_http_only(client, councillor, settings):
    response = client.post(reverse("login"), {"username": "councillor", "password": "pw"})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


def test_logins_are_throttled_after_repeated_failures(client, councillor, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "councillor", "password": "fel"})
    response = client.post(reverse("login"), {"username": "councillor", "password": "pw"})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_validators_refuse_a_weak_password(client, councillor):
    client.force_login(councillor)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "för kort" in response.content.decode()


def test_the_admin_is_for_superusers_only(client, db):
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    root = User.objects.create_superuser("root", "r@example.se", "pw")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


def test_an_oversized_request_body_is_refused(client, secretary, pages, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(secretary)
    response = client.post(pages["edit form"], {"title": "x" * 5000, "version": 1})
    assert response.status_code == 400


def test_the_admin_shows_links_and_global_goals_but_does_not_edit_them(client, db):
    from goals.agendamodels import GlobalGoal

    client.force_login(User.objects.create_superuser("admin", "a@example.se", "pw"))
    for model in ("nodelink", "nodeglobalgoal", "globalgoal"):
        assert client.get(f"/admin/goals/{model}/").status_code == 200
        assert client.get(f"/admin/goals/{model}/add/").status_code == 403
    page = client.get("/admin/goals/globalgoal/").content.decode()
    assert "Ingen fattigdom" in page and "Genomförande och globalt partnerskap" in page
    change = client.get("/admin/goals/globalgoal/1/change/")
    assert change.status_code == 200  # a view, not a form to save
    assert 'type="submit"' not in change.content.decode().split('id="content-main"')[1]
    assert client.get("/admin/goals/globalgoal/1/delete/").status_code == 403
    assert GlobalGoal.objects.count() == 17
