"""The demo's figures: its nyckeltal with their outcomes, and its sound financial
management (the goals that count for it, their forecasts, the evaluation and
the balance requirement statement), plausible for a municipality of some
18,000 inhabitants."""

from __future__ import annotations

from decimal import Decimal

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import (
    GoalStatus,
)
from goals.models import GehRole

# The municipal goals the council marked for sound financial management: its
# financial goals and an operational goal of importance for it.
DEMO_GEH_ROLES = {
    "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag": (
        GehRole.FINANCIAL
    ),
    "Soliditeten inklusive hela pensionsåtagandet ska förbättras": GehRole.FINANCIAL,
    "Investeringarna ska till minst 70 procent finansieras med egna medel": GehRole.FINANCIAL,
    "Nämnderna ska bedriva sin verksamhet inom tilldelad budgetram": GehRole.OPERATIONAL,
}

# The goals for sound financial management in the interim report: (status at
# the cut-off, forecast for the full year).
DEMO_GOAL_FORECASTS = {
    "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag": (
        GoalStatus.PARTLY_MET,
        GoalStatus.MET,
    ),
    "Soliditeten inklusive hela pensionsåtagandet ska förbättras": (
        GoalStatus.MET,
        GoalStatus.MET,
    ),
    "Investeringarna ska till minst 70 procent finansieras med egna medel": (
        GoalStatus.MET,
        GoalStatus.NOT_MET,
    ),
    "Nämnderna ska bedriva sin verksamhet inom tilldelad budgetram": (
        GoalStatus.PARTLY_MET,
        GoalStatus.PARTLY_MET,
    ),
}

# The analyses of the goals for sound financial management in the interim report.
DEMO_GEH_ANALYSES = {
    "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag": (
        "Resultatet efter augusti är 1,4 procent av skatter och generella statsbidrag. "
        "Semesterlöneskulden minskar under hösten, och prognosen för helåret är 2,5 procent."
    ),
    "Soliditeten inklusive hela pensionsåtagandet ska förbättras": (
        "Soliditeten har ökat från 18 till 20 procent sedan årsskiftet, eftersom "
        "pensionsskulden som intjänats före 1998 fortsätter att minska."
    ),
    "Investeringarna ska till minst 70 procent finansieras med egna medel": (
        "Hittills är investeringarna helt självfinansierade, men ombyggnaden av "
        "Gudmundråskolan tidigareläggs till hösten och sänker graden till 62 procent."
    ),
    "Nämnderna ska bedriva sin verksamhet inom tilldelad budgetram": (
        "Fyra av fem nämnder håller sin ram efter augusti. Socialnämnden prognostiserar ett "
        "underskott på 9 miljoner kronor inom hemtjänst och placeringar."
    ),
}

DEMO_GEH_JUSTIFICATION = (
    "Prognosen för helåret visar ett resultat på 28,4 miljoner kronor, 2,5 procent av "
    "skatteintäkter och generella statsbidrag, och soliditeten förbättras. Två av tre "
    "finansiella mål beräknas därmed nås.\n\n"
    "Självfinansieringsgraden för investeringarna beräknas bli 62 procent, under målet, "
    "eftersom ombyggnaden av Gudmundråskolan tidigareläggs. Socialnämnden prognostiserar "
    "ett underskott mot sin budgetram. Sammantaget bedöms kommunen delvis nå god "
    "ekonomisk hushållning för året."
)

# The interim report's balance requirement statement, the forecast for the full
# year, in kronor: plausible figures for a municipality of some 18,000
# inhabitants with about 1,150 million kronor in taxes and general grants.
DEMO_BALANCE = {
    "result": 28_400_000,
    "capital_gains": 1_200_000,
    "exception_gains": 0,
    "exception_losses": 0,
    "unrealised_securities": -600_000,
    "unrealised_reversal": 0,
    "reserve_allocation": 0,
    "reserve_use": 0,
}


# Indicators (nyckeltal) with baseline, target and the interim report's outcome:
# (goal, name, unit, direction, baseline, target, Kolada KPI id, interim outcome).
# The figures are made up, and the Kolada ids are examples of the kind of id a
# municipality would enter; check them against Kolada before relying on them.
DEMO_INDICATORS = [
    (
        "Barn och unga ska ha goda förutsättningar att lyckas i skolan",
        "Andel elever i åk 9 som är behöriga till yrkesprogram",
        "%",
        "higher",
        "82.4",
        "88",
        "N15428",
        "85.1",
    ),
    (
        "Andelen elever som når kunskapskraven i alla ämnen i årskurs 9 ska öka",
        "Andel elever i åk 9 som uppnått kunskapskraven i alla ämnen",
        "%",
        "higher",
        "70.1",
        "75",
        "N15419",
        "66",
    ),
    (
        "Fler invånare ska ha en egen försörjning",
        "Andel invånare 20–64 år som förvärvsarbetar",
        "%",
        "higher",
        "76.8",
        "78",
        "N00914",
        "77.9",
    ),
    (
        "Tiden med försörjningsstöd ska bli kortare",
        "Genomsnittlig tid med ekonomiskt bistånd",
        "månader",
        "lower",
        "7.5",
        "6.5",
        "N31807",
        "7.4",
    ),
    (
        "Service och bemötande ska hålla hög kvalitet",
        "Andel som får svar på en enkel fråga via e-post inom en arbetsdag",
        "%",
        "higher",
        "71",
        "85",
        "U00442",
        "80",
    ),
    (
        "Handläggningstiden för bygglov ska bli kortare",
        "Genomsnittlig handläggningstid för bygglov",
        "dagar",
        "lower",
        "42",
        "30",
        "",
        "28",
    ),
    (
        "Sjukfrånvaron ska minska",
        "Sjukfrånvaro totalt, %",
        "%",
        "lower",
        "8.1",
        "7",
        "N00090",
        "7.6",
    ),
    (
        "Sjukfrånvaron inom vård och omsorg ska minska",
        "Sjukfrånvaro inom vård och omsorg, %",
        "%",
        "lower",
        "10.2",
        "9",
        "",
        "9.4",
    ),
    (
        "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag",
        "Resultat före extraordinära poster, % av skatter och bidrag",
        "%",
        "higher",
        "1.2",
        "2",
        "N03101",
        "2.4",
    ),
]


# The financial goals' indicators: (goal, name, unit, direction, baseline,
# target, Kolada KPI id, outcome at the cut-off, forecast for the full year).
DEMO_FINANCIAL_INDICATORS = [
    (
        "Soliditeten inklusive hela pensionsåtagandet ska förbättras",
        "Soliditet inklusive hela pensionsåtagandet",
        "%",
        "higher",
        "21.4",
        "22",
        "N03034",
        "22.9",
        "22.3",
    ),
    (
        "Investeringarna ska till minst 70 procent finansieras med egna medel",
        "Självfinansieringsgrad av investeringar",
        "%",
        "higher",
        "74",
        "70",
        "",
        "81",
        "62",
    ),
    (
        "Investeringarna ska till minst 70 procent finansieras med egna medel",
        "Nettoskuld per invånare",
        "kr",
        "lower",
        "38500",
        "40000",
        "",
        "39200",
        "41100",
    ),
]

# (user name, first name, last name, role, committee short name): demo users,
# created only when settings.DEMO is on, all with the password "demo", and
# marked as demo accounts (accounts.auth), which log in only while DEMO is on.


def demo_indicator_save(
    *, node, name, unit, direction, baseline, target, kpi, order, period, outcome: dict
) -> None:
    """A demo nyckeltal and its outcome in `period`; either left as it is when it
    exists, so that loading the demo again changes nothing."""
    indicator, _created = Indicator.objects.get_or_create(
        node=node,
        name=name,
        defaults={
            "unit": unit,
            "direction": direction,
            "baseline": Decimal(baseline),
            "target": Decimal(target),
            "kolada_kpi": kpi,
            "order": order,
        },
    )
    IndicatorOutcome.objects.get_or_create(indicator=indicator, period=period, defaults=outcome)
