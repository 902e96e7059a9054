"""The demo's links to Agenda 2030: most municipal goals, a few committee goals
and indicators, each with the global goals it serves."""

from __future__ import annotations

from followup.agendalinks import indicator_global_goals_set
from followup.indicatormodels import Indicator
from goals.agenda import node_global_goals_set
from goals.models import Node, NodeKind, PlanYear

# A goal's title (municipal or committee goal) -> the numbers of its global goals.
DEMO_GOAL_LINKS: dict[str, tuple[int, ...]] = {
    "Barn och unga ska ha goda förutsättningar att lyckas i skolan": (4, 10),
    "Fler invånare ska ha en egen försörjning": (1, 8, 10),
    "Kramforsbon ska uppleva trygghet i hela kommunen": (11, 16),
    "Äldre ska kunna leva ett självständigt och meningsfullt liv": (3, 10),
    "Service och bemötande ska hålla hög kvalitet": (16,),
    "Digitaliseringen ska göra det enklare för invånare och företag": (9,),
    "Kommunens klimatpåverkan ska minska": (7, 12, 13),
    "Sjukfrånvaron ska minska": (3, 8),
    "Fler ska vilja arbeta i Kramfors kommun": (5, 8),
    "Medarbetarna ska ha inflytande och ett hållbart arbetsliv": (8,),
    "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag": (17,),
    "Alla barn i förskolan ska erbjudas en likvärdig utbildning": (4, 5),
    "Kommunens fordon ska i högre grad drivas med förnybara drivmedel": (7, 13),
    "Tillsynen ska bidra till minskade utsläpp": (13, 15),
    "Tiden med försörjningsstöd ska bli kortare": (1,),
}
# An indicator's name -> the numbers of its global goals.
DEMO_INDICATOR_LINKS: dict[str, tuple[int, ...]] = {
    "Andel elever i åk 9 som uppnått kunskapskraven i alla ämnen": (4,),
    "Andel invånare 20–64 år som förvärvsarbetar": (8,),
    "Sjukfrånvaro totalt, %": (3,),
}


def demo_agenda_load(*, plan_year: PlanYear) -> int:
    """Link the demo year's goals and indicators to the global goals; return how
    many goals and indicators were linked."""
    goals = Node.objects.for_year(plan_year).of_kind(
        NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL
    )
    linked = 0
    for node in goals.filter(title__in=DEMO_GOAL_LINKS):
        node_global_goals_set(node=node, numbers=DEMO_GOAL_LINKS[node.title])
        linked += 1
    for indicator in Indicator.objects.for_year(plan_year).filter(name__in=DEMO_INDICATOR_LINKS):
        indicator_global_goals_set(
            indicator=indicator, numbers=DEMO_INDICATOR_LINKS[indicator.name]
        )
        linked += 1
    return linked
