"""The search's <mark>s come only from matches: no stored text can forge one."""

import pytest
from django.urls import reverse

from followup.models import Assessment
from goals.models import Node
from tests.factories import build_tree


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, "Vision\n  Kramforsbon\n    Trygg kommun\n      Skolan")


def _search(client, q: str) -> str:
    response = client.get(reverse("followup:search"), {"q": q, "ar": 2026})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "forged",
    [
        "\x02fel\x03",  # the marks the highlighter once used
        "\ue000fel\ue001 \ue002fel\ue003",  # the private-use characters it uses now
        "<mark>fel</mark>",
    ],
)
def test_stored_text_cannot_forge_a_mark(client, councillor, tree, periods, forged):
    client.force_login(councillor)
    # Written past the validation, as old data could hold it.
    Node.objects.filter(pk=tree["Skolan"].pk).update(
        title=f"Skolan {forged}", description=f"Skolan har {forged} lokaler"
    )
    Assessment.objects.create(
        node=tree["Trygg kommun"], period=periods[0], status="met", analysis=f"Skolan {forged}"
    )
    html = _search(client, "skolan")
    assert html.count("<mark>") == html.count("</mark>")
    assert "<mark>fel" not in html
    assert "<mark>Skolan</mark>" in html


def test_a_title_found_only_by_its_analysis_is_escaped_once(client, councillor, tree, periods):
    client.force_login(councillor)
    Node.objects.filter(pk=tree["Trygg kommun"].pk).update(title="Trygg & säker")
    Assessment.objects.create(
        node=tree["Trygg kommun"], period=periods[0], status="met", analysis="Skolan"
    )
    html = _search(client, "skolan")
    assert "Trygg &amp; säker" in html
    assert "&amp;amp;" not in html
