"""The accessibility statement (tillgänglighetsredogörelse) at /tillganglighet/,
and the footer link to it that every page carries."""

import pytest
from django.urls import reverse

from tests.factories import build_tree
from tests.test_settings import _load_settings

URL = "/tillganglighet/"


def test_statement_is_in_swedish_with_the_sections_digg_requires(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in [
        "Tillgänglighetsredogörelse",
        "Hur tillgänglig är webbplatsen?",
        "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Teknisk information om webbplatsens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat webbplatsen",
    ]:
        assert heading in html
    assert "Myndigheten för digital förvaltning (Digg)" in html
    assert 'href="https://www.digg.se/tdosanmalan"' in html
    assert "delvis förenlig" in html
    assert "axe-core" in html and "tangentbord" in html
    assert '<time datetime="2026-11-26">26 november 2026</time>' in html


def test_statement_gives_the_configured_address_for_reports(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@kramfors.se"
    html = client.get(URL).content.decode()
    assert 'href="mailto:tillganglighet@kramfors.se"' in html


def test_statement_without_an_address_points_to_the_municipality(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    html = client.get(URL).content.decode()
    assert "Kontakta Kramfors kommun och ange att det gäller tillgängligheten" in html
    assert "mailto:tillganglighet" not in html


def test_statement_costs_no_queries(client, db, django_assert_num_queries):
    # Expect 0 queries: the statement is fixed text and the visitor is anonymous.
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200


def test_malformed_contact_address_is_refused():
    result = _load_settings(SECRET_KEY="k" * 50, ACCESSIBILITY_CONTACT_EMAIL="inte en adress")
    assert result.returncode != 0
    assert "ACCESSIBILITY_CONTACT_EMAIL must be an e-mail address" in result.stderr


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Lovskola [bun]
        """,
    )


@pytest.mark.parametrize(
    "page", ["start", "red_thread", "vision", "activity", "not_found", "statement"]
)
def test_every_page_links_to_the_statement_from_its_footer(client, councillor, tree, page):
    client.force_login(councillor)
    url = {
        "start": reverse("followup:start"),
        "red_thread": reverse("followup:red_thread", kwargs={"year": 2026}),
        "vision": tree["Vision"].get_absolute_url(),
        "activity": tree["Lovskola"].get_absolute_url(),
        "not_found": "/finns-inte/",
        "statement": URL,
    }[page]
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    assert f'<a href="{URL}">Tillgänglighetsredogörelse</a>' in footer
