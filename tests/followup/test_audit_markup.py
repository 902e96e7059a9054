"""The audit page's long lists, written in Python, escape what they name."""

from followup import auditmarkup
from followup.progress import Divergence, Listed


def test_the_lists_escape_titles_and_committees_and_link_each_node(db):
    listed = auditmarkup.listed_items(
        [Listed(7, "<b>Mål</b> & mer", "committee_goal", "<i>BUN</i>")]
    )
    assert listed == (
        '<li><a href="/nod/7/">&lt;b&gt;Mål&lt;/b&gt; &amp; mer</a> · &lt;i&gt;BUN&lt;/i&gt;</li>'
    )
    assert auditmarkup.listed_items([Listed(8, "Mål", "municipal_goal", "")]) == (
        '<li><a href="/nod/8/">Mål</a></li>'
    )
    rows = auditmarkup.divergence_rows([Divergence(9, "A<b", "", "uppfyllt", "ej uppfyllt")])
    assert rows == (
        '<tr><td><a href="/nod/9/">A&lt;b</a></td><td>–</td>'
        "<td>uppfyllt</td><td>ej uppfyllt</td></tr>"
    )
