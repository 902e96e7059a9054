"""The 404 page: Swedish, in the site's own layout, with a way on."""

from django.urls import reverse


def test_unknown_address_gets_a_swedish_page_in_the_site_layout(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Sidan hittades inte – Kramfors kommun</title>" in html
    assert "<h1>Sidan hittades inte</h1>" in html
    assert 'class="skip-link"' in html
    assert f'href="{reverse("followup:start")}">Gå till startsidan</a>' in html


def test_unknown_node_gets_the_same_page(client, councillor):
    client.force_login(councillor)
    response = client.get(reverse("followup:node_detail", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_not_found_page_costs_no_queries(client, db, django_assert_num_queries):
    # Expect 0 queries: the address matches no URL, and the visitor is anonymous.
    with django_assert_num_queries(0):
        response = client.get("/finns-inte/")
    assert response.status_code == 404
