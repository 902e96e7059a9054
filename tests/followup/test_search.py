"""Search over a plan year's titles, descriptions and the analyses the reader may see."""

import pytest
from django.db import connection
from django.urls import reverse

from followup.models import Assessment
from followup.search import search_year
from goals import services
from tests.factories import assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Trygg skola [bun]
              Lovskola i matematik [bun]
            Kortare försörjningsstöd [sn]
"""

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search with stemming needs PostgreSQL"
)


@pytest.fixture
def tree(plan_year, committees, periods):
    """An analysis in the published interim report and one in the unpublished annual report."""
    interim, annual = periods
    interim.publish()
    nodes = build_tree(plan_year, OUTLINE)
    Assessment.objects.create(
        node=nodes["Kortare försörjningsstöd"],
        period=interim,
        status="partly_met",
        analysis="Arbetsmarknadsinsatserna har gett resultat men väntetiderna är långa.",
    )
    Assessment.objects.create(
        node=nodes["Fler i arbete"],
        period=annual,
        status="not_met",
        analysis="Sysselsättningsgraden sjönk under hösten.",
    )
    return nodes


def _search(client, q: str, **params):
    return client.get(reverse("followup:search"), {"q": q, **params})


def test_a_word_from_an_analysis_finds_its_goal(councillor_client, tree):
    response = _search(councillor_client, "väntetiderna")
    assert response.status_code == 200
    [hit] = response.context["results"].hits
    assert hit.node == tree["Kortare försörjningsstöd"]
    html = response.content.decode()
    assert f'href="{tree["Kortare försörjningsstöd"].get_absolute_url()}"' in html
    assert "Analys, Delårsrapport 2026" in html
    assert "<mark>väntetiderna</mark>" in html


def test_titles_are_found_in_any_case(councillor_client, tree):
    hits = _search(councillor_client, "LOVSKOLA").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Lovskola i matematik"]


def test_every_word_must_occur(councillor_client, tree):
    assert len(_search(councillor_client, "trygg").context["results"].hits) == 2
    hits = _search(councillor_client, "trygg skola").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Trygg skola"]


def test_swedish_letters_are_found_in_either_case(councillor_client, plan_year, committees):
    build_tree(plan_year, "Vision\n  Ökad trygghet")
    hits = _search(councillor_client, "ökad").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Ökad trygghet"]


@postgresql_only
def test_swedish_stemming_finds_other_forms_of_a_word(councillor_client, tree):
    hits = _search(councillor_client, "skolor").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Trygg skola"]
    hits = _search(councillor_client, "väntetid").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Kortare försörjningsstöd"]


@postgresql_only
def test_a_title_ranks_above_an_analysis(councillor_client, plan_year, committees, periods):
    nodes = build_tree(plan_year, "Vision\n  Kramforsbon\n    Trygg kommun\n      Arbete åt fler")
    Assessment.objects.create(
        node=nodes["Trygg kommun"], period=periods[0], status="met", analysis="Arbete pågår."
    )
    hits = _search(councillor_client, "arbete").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Arbete åt fler", "Trygg kommun"]


def test_a_logged_in_reader_finds_unpublished_analyses(councillor_client, tree):
    hits = _search(councillor_client, "sysselsättningsgraden").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Fler i arbete"]


def test_an_anonymous_reader_never_finds_an_unpublished_analysis(client, settings, tree):
    settings.PUBLIC_ACCESS = True
    response = _search(client, "sysselsättningsgraden")
    assert response.status_code == 200
    assert response.context["results"].hits == []
    html = response.content.decode()
    assert "Sysselsättningsgraden" not in html
    assert "Bara publicerad uppföljning genomsöks." in html
    # The published analysis is found.
    assert len(_search(client, "väntetiderna").context["results"].hits) == 1


def test_an_anonymous_reader_must_log_in_without_public_access(client, settings, tree):
    settings.PUBLIC_ACCESS = False
    response = _search(client, "skola")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_plan_year_is_searched_when_chosen(councillor_client, tree, committees):
    earlier = services.plan_year_create(year=2025)
    build_tree(earlier, "Vision\n  Gammal skola")
    assert _search(councillor_client, "gammal").context["results"].hits == []
    hits = _search(councillor_client, "gammal", ar="2025").context["results"].hits
    assert [hit.node.title for hit in hits] == ["Gammal skola"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Skriv ett eller flera ord att söka efter."),
        ({"q": "   "}, "Skriv ett eller flera ord att söka efter."),
        ({"q": "a" * 201}, "Sökningen är för lång: högst 200 tecken, och den har 201."),
        ({"q": "skola", "ar": "1999"}, "Det finns inget planår 1999."),
        ({"q": "skola", "ar": "tjugo"}, "Det finns inget planår tjugo."),
    ],
)
def test_bad_searches_get_a_clear_message(councillor_client, tree, params, message):
    response = councillor_client.get(reverse("followup:search"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["results"] is None


def test_the_page_without_a_search_shows_the_box(councillor_client, tree):
    response = councillor_client.get(reverse("followup:search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert '<label for="id_q">Sök i mål och analyser</label>' in html
    assert "Skriv ett eller flera ord" not in html


def test_no_plan_year_says_so(councillor_client, db):
    response = _search(councillor_client, "skola")
    assert response.status_code == 404
    assert "Inget planår har startats ännu." in response.content.decode()


def test_titles_and_analyses_are_escaped(councillor_client, plan_year, committees, periods):
    nodes = build_tree(plan_year, "Vision\n  Skola <script>alert(1)</script>")
    Assessment.objects.create(
        node=nodes["Vision"], period=periods[0], status="met", analysis="<b>skola</b>"
    )
    html = _search(councillor_client, "skola").content.decode()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_results_are_limited_and_the_page_says_so(
    councillor_client, plan_year, committees, monkeypatch
):
    build_tree(plan_year, "Vision\n  Skola ett\n  Skola två\n  Skola tre")
    monkeypatch.setattr("followup.views.search.MAX_RESULTS", 2)
    response = _search(councillor_client, "skola")
    assert len(response.context["results"].hits) == 2
    assert "Bara de 2 första träffarna visas." in response.content.decode()


def test_search_year_limits_each_query(plan_year, committees, periods):
    nodes = build_tree(plan_year, "Vision\n  Skola ett\n  Skola två")
    results = search_year(plan_year=plan_year, periods=list(periods), query="skola", limit=1)
    assert results.truncated and len(results.hits) == 1
    assert results.hits[0].node in nodes.values()


def test_the_red_thread_and_the_header_have_a_search_box(councillor_client, tree, plan_year):
    html = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": 2026})
    ).content.decode()
    assert '<label for="year-search-q">Sök i mål och analyser för 2026</label>' in html
    assert '<input type="hidden" name="ar" value="2026">' in html
    assert '<label for="site-search-q">Sök i målen</label>' in html
    assert html.count('role="search"') == 2


@pytest.mark.parametrize("goals", [3, 30])
def test_query_count_does_not_grow_with_the_tree(
    councillor_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    assess_all(nodes, periods[0])
    # Expect 7 queries:
    # * the session and the user
    # * the plan years
    # * the chosen year's periods
    # * the nodes whose title or description matches
    # * the assessments whose analysis matches
    # * the user's groups and committees, in one query (roles, for the menu)
    with django_assert_num_queries(7):
        response = _search(councillor_client, "aktivitet")
    assert len(response.context["results"].hits) == min(goals * 2, 100)
