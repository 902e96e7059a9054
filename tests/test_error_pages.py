"""The 400 and 500 pages: Swedish, plain HTML that renders without a context,
so they show even when what broke was the template machinery or the database."""

import re

import pytest
from django.core.exceptions import SuspiciousOperation
from django.template import loader
from django.test import RequestFactory
from django.views import defaults


@pytest.mark.parametrize("name", ["400.html", "500.html"])
def test_error_templates_hold_no_template_logic(name):
    source = loader.get_template(name).template.source
    assert not re.search(r"{%|{{", source)


def test_server_error_page_is_swedish(db):
    response = defaults.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="sv">' in html
    assert "<h1>Något gick fel</h1>" in html
    assert 'href="/">Gå till startsidan</a>' in html
    assert "Server Error" not in html


def test_bad_request_page_is_swedish(db):
    response = defaults.bad_request(RequestFactory().get("/"), SuspiciousOperation())
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="sv">' in html
    assert "<h1>Felaktig förfrågan</h1>" in html
    assert "Bad Request" not in html


def test_a_request_for_an_unknown_host_gets_the_swedish_400(client, db):
    response = client.get("/", HTTP_HOST="angripare.example")
    assert response.status_code == 400
    assert "Felaktig förfrågan" in response.content.decode()
