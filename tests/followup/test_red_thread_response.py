"""The röd tråd's tree is put into the rendered page by the view (TREE_PLACEHOLDER)."""

from django.urls import reverse

from followup.views.reading import TREE_PLACEHOLDER
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
"""


def test_the_tree_sits_in_its_section_and_the_placeholder_never_shows(councillor_client, plan_year):
    build_tree(plan_year, OUTLINE)
    response = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": plan_year.year})
    )
    html = response.content.decode()
    assert TREE_PLACEHOLDER not in html
    tree = response.context["tree"].html
    assert html.count(tree) == 1
    assert (
        html.index('id="tree-heading"')
        < html.index(tree)
        < html.index("</section>", html.index('id="tree-heading"'))
    )
    assert html.rstrip().endswith("</html>")


def test_a_page_without_a_tree_has_no_placeholder_either(councillor_client, plan_year):
    response = councillor_client.get(
        reverse("followup:red_thread", kwargs={"year": plan_year.year})
    )
    html = response.content.decode()
    assert TREE_PLACEHOLDER not in html
    assert "Planåret har inga mål ännu" in html
