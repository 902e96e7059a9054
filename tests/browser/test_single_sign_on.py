"""Single sign-on in the browser: the login page's button, the provider's page
(oidc-provider-mock on 127.0.0.1), and back, with no JavaScript of ours."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.oidc_provider import configure, running_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(live_server, settings):
    with running_provider() as running:
        configure(settings, running)
        yield running


def _log_in_at_the_provider(page, live_server, sub: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Logga in med Kramfors konto").click()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_an_official_logs_in_through_the_provider(page, live_server, provider, screenshots):
    provider.set_user("sub-olle", preferred_username="olle", groups=["styr-tjansteperson"])
    _log_in_at_the_provider(page, live_server, "sub-olle")

    expect(page.get_by_role("button", name="Logga ut olle")).to_be_visible()
    expect(page.get_by_role("link", name="Användare")).to_be_visible()
    page.screenshot(path=screenshots / "single-sign-on-desktop.png", full_page=True)
    user = User.objects.get(username="olle")
    assert set(user.groups.values_list("name", flat=True)) == {"official"}


def test_a_forged_token_is_refused_in_plain_swedish(page, live_server, provider):
    provider.set_user("sub-pia", preferred_username="pia", groups=["styr-tjansteperson"])
    provider.rewrite_id_token(lambda claims: claims, forged=True)
    _log_in_at_the_provider(page, live_server, "sub-pia")

    expect(page.get_by_text("signatur som inte gick att lita på")).to_be_visible()
    expect(page.get_by_role("link", name="Logga in", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    assert not User.objects.filter(username="pia").exists()


def test_a_changed_group_changes_the_role_at_the_next_login(page, live_server, provider):
    provider.set_user("sub-rik", preferred_username="rik", groups=["styr-tjansteperson"])
    _log_in_at_the_provider(page, live_server, "sub-rik")
    expect(page.get_by_role("link", name="Användare")).to_be_visible()

    # Logging out here sends the browser on to the provider's logout.
    page.get_by_role("button", name="Logga ut rik").click()
    page.wait_for_url(f"{provider.url}/oauth2/end_session?**")

    provider.set_user("sub-rik", preferred_username="rik", groups=["styr-fortroendevalda"])
    _log_in_at_the_provider(page, live_server, "sub-rik")
    expect(page.get_by_role("button", name="Logga ut rik")).to_be_visible()
    expect(page.get_by_role("link", name="Användare")).to_have_count(0)
    user = User.objects.get(username="rik")
    assert set(user.groups.values_list("name", flat=True)) == {"councillor"}


def test_with_local_login_off_the_login_page_has_only_the_button(
    page, live_server, provider, settings
):
    settings.LOCAL_LOGIN = False
    page.goto(f"{live_server.url}{reverse('login')}")
    expect(page.get_by_role("link", name="Logga in med Kramfors konto")).to_be_visible()
    expect(page.get_by_label("Lösenord")).to_have_count(0)
    assert_no_axe_violations(page)


def test_the_user_page_of_a_directory_user_is_axe_clean(page, live_server, provider):
    provider.set_user("sub-siv", preferred_username="siv", groups=["styr-tjansteperson"])
    _log_in_at_the_provider(page, live_server, "sub-siv")
    siv = User.objects.get(username="siv")
    page.goto(f"{live_server.url}{reverse('goals:user_edit', kwargs={'pk': siv.pk})}")
    expect(page.get_by_role("heading", name="Roller från kommunens katalog")).to_be_visible()
    assert_no_axe_violations(page)
