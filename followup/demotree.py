"""The demo's goal tree and the words of its follow-up: the committees, the
vision, the perspectives with their goals and activities, and what the
analyses say. Made up for the demo, in the shape of Kramfors kommun's model."""

from __future__ import annotations

from followup.models import (
    ActivityStatus,
    GoalStatus,
)

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


ACTIVITY_STATUS_CYCLE = [
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.DONE,
    ActivityStatus.CANCELLED,
]
# What an activity's analysis says, by status; several wordings, taken in
# turn, so that the activities of one goal do not all read alike.
ACTIVITY_ANALYSES = {
    ActivityStatus.DONE: [
        "Aktiviteten är genomförd enligt plan.",
        "Genomförd. Arbetssättet är nu en del av den ordinarie verksamheten.",
        "Aktiviteten är genomförd; en uppföljning görs i samband med årsredovisningen.",
    ],
    ActivityStatus.IN_PROGRESS: [
        "Aktiviteten pågår och beräknas vara klar under året.",
        "Arbetet pågår. En projektgrupp är tillsatt och har träffats varje månad sedan våren.",
        "Pågår enligt tidplan; de första delarna är klara och resten genomförs under hösten.",
    ],
    ActivityStatus.NOT_STARTED: [
        "Aktiviteten har inte påbörjats på grund av vakanser; den planeras till hösten.",
        "Aktiviteten har inte påbörjats. Den har skjutits upp i väntan på "
        "en upphandling som blir klar i oktober.",
    ],
    ActivityStatus.CANCELLED: [
        "Aktiviteten har avbrutits eftersom den ersatts av en gemensam satsning inom "
        "kommunstyrelsen.",
        "Avbruten. Behovet täcks av ett nationellt stöd som kommunen fått del av.",
    ],
}
# The first words of a goal's analysis, by status; the rest is written from
# the goal's own nyckeltal and activities (`_goal_analysis`).
GOAL_OPENINGS = {
    GoalStatus.MET: "Målet bedöms vara uppfyllt.",
    GoalStatus.PARTLY_MET: "Målet bedöms vara delvis uppfyllt.",
    GoalStatus.NOT_MET: "Målet bedöms inte vara uppfyllt.",
}
# What follows, by status, in the goal's perspective: the committee's next step.
NEXT_STEPS = {
    GoalStatus.MET: [
        "Arbetssättet behålls och sprids till fler verksamheter under nästa år.",
        "Nivån ska hållas; uppföljningen fortsätter varje kvartal.",
    ],
    GoalStatus.PARTLY_MET: [
        "Arbetet fortsätter under hösten och effekten väntas synas i årsredovisningen.",
        "Insatserna behöver mer tid; nämnden följer utvecklingen varje månad.",
    ],
    GoalStatus.NOT_MET: [
        "Främsta orsaken är personalbrist; en handlingsplan tas fram och redovisas i oktober.",
        "Orsakerna är personalbrist och fler ärenden än väntat; åtgärder föreslås till "
        "budgeten för nästa år.",
    ],
}
# The demo users who assess, in the interim report, each committee's goals and
# activities; the official assesses the municipal levels. Named in the
# assessments when those users exist (they are made only when DEBUG is on).
ASSESSORS = {"BUN": "sekreterare", "SN": "sekreterare2"}
MUNICIPAL_ASSESSOR = "tjansteperson"
