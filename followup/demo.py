"""Example data: one plan year of Kramfors kommun's goal management.

The texts are made up for the demo but follow the shape of the municipality's
own model: the vision, the four perspectives with Kramforsbon first, an
inriktningsmål each, kommunövergripande mål under them, and the committees'
nämndmål and activities. Loading is idempotent: each object is looked up by
its natural key and created only when missing, so running it twice gives the
same data and never overwrites what someone has since edited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from accounts.auth import mark_as_demo
from followup import counts
from followup.demokolada import demo_kolada_load
from followup.models import (
    ActivityStatus,
    Assessment,
    BalanceDeficit,
    BalanceStatement,
    CommitteeReport,
    GehEvaluation,
    GehVerdict,
    GoalStatus,
    Indicator,
    IndicatorOutcome,
    Period,
    PeriodKind,
    PeriodState,
)
from goals import services
from goals.models import ApprovalState, Committee, GehRole, Node, NodeKind, PlanYear
from goals.permissions import Role

DEMO_NOTE = "Exempeldata för demonstration."

COMMITTEES = [
    # (name, short name, slug)
    ("Kommunstyrelsen", "KS", "kommunstyrelsen"),
    ("Barn- och utbildningsnämnden", "BUN", "barn-och-utbildningsnamnden"),
    ("Socialnämnden", "SN", "socialnamnden"),
    ("Miljö-, bygg- och hälsoskyddsnämnden", "MBHN", "miljo-bygg-och-halsoskyddsnamnden"),
    ("Kultur- och fritidsnämnden", "KFN", "kultur-och-fritidsnamnden"),
]

VISION = (
    "Kramfors – en levande kommun i Höga kusten",
    "I Kramfors kommun vill människor leva, arbeta och besöka. Här finns natur, "
    "kultur och framtidstro, och kommunen växer tillsammans med sina invånare "
    "och företag. " + DEMO_NOTE,
)

# (perspective, description, direction goal,
#  [(municipal goal, [(committee, committee goal, [activities])])])
PERSPECTIVES: list[tuple[str, str, str, list[tuple[str, list[tuple[str, str, list[str]]]]]]] = [
    (
        "Kramforsbon",
        "Det utåtriktade arbetet för kommunens invånare, placerat ovanför de andra perspektiven.",
        "Kramforsbon upplever en trygg och attraktiv kommun att leva, bo och verka i",
        [
            (
                "Barn och unga ska ha goda förutsättningar att lyckas i skolan",
                [
                    (
                        "BUN",
                        "Andelen elever som når kunskapskraven i alla ämnen i årskurs 9 ska öka",
                        [
                            "Införa gemensam modell för tidiga insatser i läsning i årskurs 1–3",
                            "Erbjuda lovskola i matematik och svenska",
                            "Följa upp varje elevs närvaro varje månad",
                        ],
                    ),
                    (
                        "BUN",
                        "Alla barn i förskolan ska erbjudas en likvärdig utbildning",
                        [
                            "Genomföra kollegialt lärande om språkutveckling i förskolan",
                            "Ta fram en gemensam plan för övergången förskola–förskoleklass",
                        ],
                    ),
                    (
                        "KFN",
                        "Fler barn och unga ska ta del av kulturskolans verksamhet",
                        [
                            "Erbjuda kulturskola i alla kommundelar",
                            "Starta avgiftsfri sommarkulturskola",
                        ],
                    ),
                ],
            ),
            (
                "Fler invånare ska ha en egen försörjning",
                [
                    (
                        "KS",
                        "Fler personer ska gå från försörjningsstöd till arbete eller studier",
                        [
                            "Utveckla samverkan med Arbetsförmedlingen om arbetsmarknadsinsatser",
                            "Erbjuda språkpraktik inom kommunens verksamheter",
                        ],
                    ),
                    (
                        "SN",
                        "Tiden med försörjningsstöd ska bli kortare",
                        ["Införa individuella planer för alla med långvarigt försörjningsstöd"],
                    ),
                ],
            ),
            (
                "Kramforsbon ska uppleva trygghet i hela kommunen",
                [
                    (
                        "KS",
                        "Det brottsförebyggande arbetet ska stärkas i samverkan med polisen",
                        [
                            "Genomföra trygghetsvandringar i Kramfors, Bollstabruk och Nyland",
                            "Ta fram en gemensam lägesbild två gånger per år",
                        ],
                    ),
                    (
                        "MBHN",
                        "Offentliga miljöer ska vara trygga och tillgängliga",
                        ["Inventera belysning på gång- och cykelvägar"],
                    ),
                ],
            ),
            (
                "Äldre ska kunna leva ett självständigt och meningsfullt liv",
                [
                    (
                        "SN",
                        "Fler äldre ska kunna bo kvar hemma med stöd av välfärdsteknik",
                        [
                            "Erbjuda digital tillsyn nattetid till alla som önskar",
                            "Utbilda hemtjänstens personal i välfärdsteknik",
                        ],
                    ),
                    (
                        "SN",
                        "Brukarna inom äldreomsorgen ska vara nöjda med bemötandet",
                        ["Införa kontaktmannaskap med uppföljning i varje arbetsgrupp"],
                    ),
                ],
            ),
        ],
    ),
    (
        "Processer",
        "Hur kommunens verksamheter arbetar: service, kvalitet och utveckling.",
        "Kommunens verksamheter är effektiva, digitala och lätta att ha kontakt med",
        [
            (
                "Service och bemötande ska hålla hög kvalitet",
                [
                    (
                        "KS",
                        "Fler ska få svar på sina frågor vid första kontakten med kommunen",
                        ["Inrätta ett kontaktcenter för hela kommunen"],
                    ),
                    (
                        "MBHN",
                        "Handläggningstiden för bygglov ska bli kortare",
                        [
                            "Införa e-tjänst för bygglovsansökan",
                            "Erbjuda förhandsmöten till sökande",
                        ],
                    ),
                ],
            ),
            (
                "Digitaliseringen ska göra det enklare för invånare och företag",
                [
                    (
                        "KS",
                        "Fler ärenden ska kunna skötas digitalt dygnet runt",
                        [
                            "Ta fram en handlingsplan för digitalisering",
                            "Automatisera hanteringen av fakturor",
                        ],
                    ),
                ],
            ),
            (
                "Kommunens klimatpåverkan ska minska",
                [
                    (
                        "KS",
                        "Kommunens fordon ska i högre grad drivas med förnybara drivmedel",
                        ["Byta ut tio fordon mot elfordon"],
                    ),
                    (
                        "MBHN",
                        "Tillsynen ska bidra till minskade utsläpp",
                        ["Genomföra tillsynskampanj om energihushållning i verksamheter"],
                    ),
                ],
            ),
        ],
    ),
    (
        "Medarbetare",
        "Kommunen som arbetsgivare: arbetsmiljö, ledarskap och kompetens.",
        "Kramfors kommun är en attraktiv arbetsgivare med engagerade medarbetare",
        [
            (
                "Sjukfrånvaron ska minska",
                [
                    (
                        "SN",
                        "Sjukfrånvaron inom vård och omsorg ska minska",
                        [
                            "Införa rätt till heltid med schemaläggning som ger återhämtning",
                            "Följa upp korttidsfrånvaro med hälsosamtal",
                        ],
                    ),
                    (
                        "BUN",
                        "Medarbetarna ska uppleva en god arbetsmiljö",
                        ["Genomföra arbetsmiljöronder på alla skolor"],
                    ),
                ],
            ),
            (
                "Fler ska vilja arbeta i Kramfors kommun",
                [
                    (
                        "KS",
                        "Kommunen ska vara känd som en bra arbetsgivare",
                        [
                            "Delta i yrkesmässor och ta emot praktikanter",
                            "Ta fram en plan för kompetensförsörjning",
                        ],
                    ),
                ],
            ),
            (
                "Medarbetarna ska ha inflytande och ett hållbart arbetsliv",
                [
                    (
                        "KFN",
                        "Alla medarbetare ska ha medarbetarsamtal med individuell utvecklingsplan",
                        ["Genomföra medarbetarsamtal under våren"],
                    ),
                ],
            ),
        ],
    ),
    (
        "Ekonomi",
        "God ekonomisk hushållning: en ekonomi i balans och resurser som används rätt.",
        "Kommunen har en god ekonomisk hushållning och en ekonomi i balans",
        [
            (
                "Resultatet ska uppgå till minst två procent av skatter och generella statsbidrag",
                [
                    (
                        "KS",
                        "Kommunstyrelsen ska följa upp ekonomin varje månad",
                        ["Införa månadsuppföljning med prognos för alla nämnder"],
                    ),
                ],
            ),
            (
                "Nämnderna ska bedriva sin verksamhet inom tilldelad budgetram",
                [
                    (
                        "BUN",
                        "Barn- och utbildningsnämnden ska hålla sin budgetram",
                        ["Anpassa skolorganisationen efter elevunderlaget"],
                    ),
                    (
                        "SN",
                        "Socialnämnden ska minska kostnaderna för externa placeringar",
                        [
                            "Utveckla hemmaplanslösningar för barn och unga",
                            "Rekrytera fler familjehem",
                        ],
                    ),
                    (
                        "KFN",
                        "Kultur- och fritidsnämnden ska hålla sin budgetram",
                        ["Se över öppettider och lokalkostnader"],
                    ),
                ],
            ),
            ("Soliditeten inklusive hela pensionsåtagandet ska förbättras", []),
            ("Investeringarna ska till minst 70 procent finansieras med egna medel", []),
        ],
    ),
]

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

GOAL_STATUS_CYCLE = [
    GoalStatus.MET,
    GoalStatus.PARTLY_MET,
    GoalStatus.MET,
    GoalStatus.NOT_MET,
    GoalStatus.PARTLY_MET,
]
ACTIVITY_STATUS_CYCLE = [
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.DONE,
    ActivityStatus.CANCELLED,
]
ANALYSIS = {
    GoalStatus.MET: "Målet bedöms vara uppfyllt. Utfallet för perioden ligger i nivå med "
    "eller över målvärdet och arbetet har gått enligt plan.",
    GoalStatus.PARTLY_MET: "Målet bedöms vara delvis uppfyllt. Flera aktiviteter är påbörjade "
    "men effekterna syns ännu inte fullt ut i utfallet; arbetet fortsätter under hösten.",
    GoalStatus.NOT_MET: "Målet bedöms inte vara uppfyllt. Utfallet har försämrats jämfört med "
    "föregående år, främst på grund av personalbrist. Åtgärder tas fram till årsredovisningen.",
    ActivityStatus.DONE: "Aktiviteten är genomförd enligt plan.",
    ActivityStatus.IN_PROGRESS: "Aktiviteten pågår och beräknas vara klar under året.",
    ActivityStatus.NOT_STARTED: "Aktiviteten har inte påbörjats på grund av vakanser; "
    "den planeras till hösten.",
    ActivityStatus.CANCELLED: "Aktiviteten har avbrutits eftersom den ersatts av en "
    "gemensam satsning inom kommunstyrelsen.",
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
DEMO_USERS = [
    ("tjansteperson", "Tina", "Tjänsteperson", Role.OFFICIAL, None),
    ("sekreterare", "Sara", "Sekreterare", Role.SECRETARY, "BUN"),
    ("sekreterare2", "Sune", "Sekreterare", Role.SECRETARY, "SN"),
    ("fortroendevald", "Frida", "Förtroendevald", Role.COUNCILLOR, None),
    ("revisor", "Rut", "Revisor", Role.AUDITOR, None),
]
DEMO_PASSWORD = "demo"


@dataclass
class DemoResult:
    plan_year: PlanYear
    created_nodes: int
    created_assessments: int
    users: list[str] = field(default_factory=list)


def demo_load(*, year: int) -> DemoResult:
    with transaction.atomic():
        committees = _committees()
        plan_year, _created = PlanYear.objects.get_or_create(year=year)
        interim, _annual = _periods(plan_year)
        loader = _TreeLoader(plan_year)
        vision = loader.child(None, NodeKind.VISION, *VISION)
        for title, description, direction_title, municipal_goals in PERSPECTIVES:
            perspective = loader.child(vision, NodeKind.PERSPECTIVE, title, description)
            direction = loader.child(perspective, NodeKind.DIRECTION_GOAL, direction_title, "")
            for municipal_title, committee_goals in municipal_goals:
                municipal = loader.child(direction, NodeKind.MUNICIPAL_GOAL, municipal_title, "")
                for short, goal_title, activities in committee_goals:
                    goal = loader.child(
                        municipal, NodeKind.COMMITTEE_GOAL, goal_title, "", committees[short]
                    )
                    for activity_title in activities:
                        loader.child(goal, NodeKind.ACTIVITY, activity_title, "", committees[short])
        created_assessments = _assessments(plan_year, interim)
        # Written in bulk, past the model: the roll-up counts are made afresh.
        counts.rebuild(plan_year.pk)
        _indicators(plan_year, interim)
        _geh(plan_year, interim)
        demo_kolada_load(plan_year=plan_year)
        _decisions(plan_year, interim, committees)
        users = _users(committees) if settings.DEMO else []
    return DemoResult(plan_year, loader.created, created_assessments, users)


def _users(committees: dict[str, Committee]) -> list[str]:
    """The demo users, with their roles; a user that already exists is left as it is."""
    names = []
    for username, first, last, role, committee in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.se"},
        )
        if created or user.check_password(DEMO_PASSWORD):
            # Also one made before demo accounts were marked.
            mark_as_demo(user)
        if created:
            # The demo password is deliberately weak; it bypasses the validators.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if committee:
                committees[committee].members.add(user)
        names.append(username)
    return names


# The interim report's approval by each committee: two have approved it, one
# has it ready for its meeting, the others are still at work.
DEMO_APPROVALS = {
    "KS": ApprovalState.APPROVED,
    "BUN": ApprovalState.APPROVED,
    "SN": ApprovalState.READY,
}


def _decisions(plan_year: PlanYear, interim: Period, committees: dict[str, Committee]) -> None:
    """The council's adoption of the year's goals (in the November before, with
    the budget) and the committees' approvals of the interim report."""
    if not plan_year.is_adopted:
        services.plan_year_adopt(
            plan_year=plan_year,
            decision_body="Kommunfullmäktige",
            decided_on=datetime.date(plan_year.year - 1, 11, 24),
            paragraph="112",
            registration_number=f"KS {plan_year.year - 1}/301",
        )
    decided_on = interim.deadline + datetime.timedelta(days=7)
    for short, state in DEMO_APPROVALS.items():
        approved = state == ApprovalState.APPROVED
        CommitteeReport.objects.get_or_create(
            period=interim,
            committee=committees[short],
            defaults={
                "state": state,
                "decided_on": decided_on if approved else None,
                "paragraph": f"{40 + len(short)}" if approved else "",
                "registration_number": f"{short} {plan_year.year}/12" if approved else "",
            },
        )


def _committees() -> dict[str, Committee]:
    by_short = {}
    for order, (name, short, slug) in enumerate(COMMITTEES):
        committee, _created = Committee.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "order": order}
        )
        by_short[short] = committee
    return by_short


def _periods(plan_year: PlanYear) -> tuple[Period, Period]:
    periods = []
    for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
        cutoff, deadline = Period.default_dates(kind, plan_year.year)
        # A period whose deadline has passed is shown as it would be by now:
        # closed and published.
        past = deadline < timezone.localdate()
        period, _created = Period.objects.get_or_create(
            plan_year=plan_year,
            cutoff_date=cutoff,
            defaults={
                "kind": kind,
                "deadline": deadline,
                "state": PeriodState.PUBLISHED if past else PeriodState.OPEN,
                "published_at": timezone.now() if past else None,
            },
        )
        periods.append(period)
    interim, annual = periods
    return interim, annual


class _TreeLoader:
    def __init__(self, plan_year: PlanYear) -> None:
        self.plan_year = plan_year
        self.created = 0

    def child(
        self,
        parent: Node | None,
        kind: str,
        title: str,
        description: str,
        committee: Committee | None = None,
    ) -> Node:
        existing = Node.objects.filter(
            plan_year=self.plan_year, parent=parent, kind=kind, title=title
        ).first()
        if existing is not None:
            return existing
        self.created += 1
        return services.node_create(
            plan_year=self.plan_year,
            parent=parent,
            kind=kind,
            title=title,
            description=description,
            committee=committee,
        )


def _assessments(plan_year: PlanYear, period: Period) -> int:
    """Assess most goals and activities in the interim report: every fifth is left open."""
    assessed = set(Assessment.objects.for_period(period).values_list("node_id", flat=True))
    nodes = (
        Node.objects.for_year(plan_year)
        .in_tree_order()
        .of_kind(
            NodeKind.DIRECTION_GOAL,
            NodeKind.MUNICIPAL_GOAL,
            NodeKind.COMMITTEE_GOAL,
            NodeKind.ACTIVITY,
        )
    )
    new = []
    for index, node in enumerate(nodes):
        if index % 5 == 4 or node.pk in assessed:
            continue
        cycle = ACTIVITY_STATUS_CYCLE if node.kind == NodeKind.ACTIVITY else GOAL_STATUS_CYCLE
        status = cycle[index % len(cycle)]
        new.append(
            Assessment(
                node=node,
                period=period,
                status=status,
                analysis=ANALYSIS[status],
                forecast_status=_forecast(node, status, index),
            )
        )
    Assessment.objects.bulk_create(new)
    return len(new)


def _forecast(node: Node, status: str, index: int) -> str:
    """A goal's forecast for the full year in the interim report: most goals
    partly met by August are forecast to be met by December."""
    if node.kind == NodeKind.ACTIVITY:
        return ""
    if status == GoalStatus.PARTLY_MET and index % 3:
        return GoalStatus.MET
    return status


def _indicators(plan_year: PlanYear, period: Period) -> None:
    """The demo indicators and their interim outcomes; existing ones are left as they are."""
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(
            NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL
        )
    }
    for order, (goal, name, unit, direction, baseline, target, kpi, outcome) in enumerate(
        DEMO_INDICATORS
    ):
        if goal not in goals:
            continue
        indicator, _created = Indicator.objects.get_or_create(
            node=goals[goal],
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
        IndicatorOutcome.objects.get_or_create(
            indicator=indicator,
            period=period,
            defaults={"value": Decimal(outcome), "source": "Kolada" if kpi else ""},
        )


def _geh(plan_year: PlanYear, interim: Period) -> None:
    """Sound financial management in the interim report: the goals' roles, their
    forecasts, the financial indicators, the evaluation and the balance
    requirement statement. What already exists is left as it is."""
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL)
        if node.title in DEMO_GEH_ROLES and not node.geh_role
    }
    if goals:
        services.nodes_geh_roles_set(
            plan_year=plan_year,
            roles={node.pk: DEMO_GEH_ROLES[title] for title, node in goals.items()},
            versions={node.pk: node.version for node in goals.values()},
        )
    _goal_forecasts(plan_year, interim)
    _financial_indicators(plan_year, interim)
    if not GehEvaluation.objects.filter(period=interim).exists():
        GehEvaluation.objects.create(
            period=interim, verdict=GehVerdict.PARTLY_REACHED, justification=DEMO_GEH_JUSTIFICATION
        )
    statement, created = BalanceStatement.objects.get_or_create(
        period=interim, defaults=DEMO_BALANCE
    )
    if created:
        BalanceDeficit.objects.create(
            statement=statement,
            arose_in=plan_year.year - 2,
            amount=4_500_000,
            restore_by=plan_year.year + 1,
        )


def _goal_forecasts(plan_year: PlanYear, interim: Period) -> None:
    """The goals for sound financial management, assessed in the interim report
    with a forecast for the full year; an existing forecast is kept."""
    goals = Node.objects.for_year(plan_year).filter(title__in=list(DEMO_GOAL_FORECASTS))
    assessed = {
        assessment.node_id: assessment
        for assessment in Assessment.objects.for_period(interim).filter(node__in=goals)
    }
    for goal in goals:
        status, forecast = DEMO_GOAL_FORECASTS[goal.title]
        assessment = assessed.get(goal.pk)
        if assessment is None:
            Assessment.objects.create(
                node=goal,
                period=interim,
                status=status,
                analysis=ANALYSIS[status],
                forecast_status=forecast,
            )
        elif not assessment.forecast_status:
            assessment.forecast_status = forecast
            assessment.save(update_fields=["forecast_status"])


def _financial_indicators(plan_year: PlanYear, interim: Period) -> None:
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(NodeKind.MUNICIPAL_GOAL)
    }
    for order, (goal, name, unit, direction, baseline, target, kpi, outcome, forecast) in enumerate(
        DEMO_FINANCIAL_INDICATORS
    ):
        if goal not in goals:
            continue
        indicator, _created = Indicator.objects.get_or_create(
            node=goals[goal],
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
        IndicatorOutcome.objects.get_or_create(
            indicator=indicator,
            period=interim,
            defaults={"value": Decimal(outcome), "forecast": Decimal(forecast)},
        )
    # The result goal's indicator, entered with the other demo indicators,
    # gets its forecast here.
    IndicatorOutcome.objects.filter(
        period=interim,
        indicator__node__plan_year=plan_year,
        indicator__kolada_kpi="N03101",
        forecast__isnull=True,
    ).update(forecast=Decimal("2.5"))


def demo_year() -> int:
    return timezone.localdate().year
