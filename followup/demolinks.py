"""The demo's “also supports” links: goals and activities that serve a goal in
another perspective besides their home in the tree."""

from __future__ import annotations

from goals import links
from goals.linkmodels import NodeLink
from goals.models import Node, PlanYear

# (the supporting committee goal or activity, the goal it also supports), by title.
DEMO_LINKS = [
    (
        "Medarbetarna ska uppleva en god arbetsmiljö",
        "Barn och unga ska ha goda förutsättningar att lyckas i skolan",
    ),
    (
        "Fler äldre ska kunna bo kvar hemma med stöd av välfärdsteknik",
        "Digitaliseringen ska göra det enklare för invånare och företag",
    ),
    (
        "Erbjuda språkpraktik inom kommunens verksamheter",
        "Kommunen ska vara känd som en bra arbetsgivare",
    ),
    (
        "Anpassa skolorganisationen efter elevunderlaget",
        "Alla barn i förskolan ska erbjudas en likvärdig utbildning",
    ),
    (
        "Införa rätt till heltid med schemaläggning som ger återhämtning",
        "Brukarna inom äldreomsorgen ska vara nöjda med bemötandet",
    ),
]


def demo_links_load(*, plan_year: PlanYear) -> int:
    """Add the demo's links that are not there yet; return how many were added."""
    titles = {title for pair in DEMO_LINKS for title in pair}
    nodes = {node.title: node for node in Node.objects.for_year(plan_year).filter(title__in=titles)}
    existing = set(NodeLink.objects.for_year(plan_year).values_list("source_id", "target_id"))
    added = 0
    for source_title, target_title in DEMO_LINKS:
        source, target = nodes[source_title], nodes[target_title]
        if (source.pk, target.pk) not in existing:
            links.link_add(source=source, target_id=target.pk)
            added += 1
    return added
