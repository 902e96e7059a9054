"""The node page lists its children (followup.redthread.render_node_list)."""

from followup.models import Assessment
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
            Kortare försörjningsstöd [sn]
"""


def test_each_child_has_kind_link_committee_and_status(
    councillor_client, plan_year, committees, periods
):
    tree = build_tree(plan_year, OUTLINE)
    for period in periods:  # whichever period the page picks for today
        Assessment.objects.create(node=tree["Läsa bättre"], period=period, status="partly_met")
    html = councillor_client.get(tree["Fler i arbete"].get_absolute_url()).content.decode()
    children = html[html.index('class="children"') :]
    reading = children[: children.index("</li>")]
    assert "Nämndmål" in reading
    assert f'href="{tree["Läsa bättre"].get_absolute_url()}"' in reading
    assert '<span class="committee">BUN</span>' in reading
    assert "badge--partly_met" in reading and "delvis uppfyllt" in reading
    assert '<span class="committee">SN</span>' in children
    assert "ej rapporterad" in children


def test_child_titles_are_escaped(councillor_client, plan_year, committees):
    tree = build_tree(plan_year, "Vision\n  <script>alert(1)</script>")
    html = councillor_client.get(tree["Vision"].get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
