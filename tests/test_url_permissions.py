"""Who may open what: one table (URL × whose object × role) for every URL in the
URLconf. A URL without a row fails the suite, so no view goes unconsidered.

Each row names the URL, the object it is opened on, the method, and the
answer each role gets: 200 (or another success), LOGIN (redirect to the login
page), 403, 405 (wrong method) or 404.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from followup.indicatormodels import Indicator
from goals.assignmentmodels import Assignment
from goals.models import PlanYear
from tests.factories import build_tree

LOGIN = "login"
ROLES = ("anonymous", "outsider", "councillor", "secretary", "official", "superuser", "auditor")


def _answers(anonymous, outsider, councillor, secretary, official, superuser, auditor=None):
    """The auditor reads everything and edits nothing: unless told otherwise,
    the answer a councillor gets."""
    auditor = councillor if auditor is None else auditor
    return dict(
        zip(
            ROLES,
            (anonymous, outsider, councillor, secretary, official, superuser, auditor),
            strict=True,
        )
    )


EVERYONE = _answers(200, 200, 200, 200, 200, 200)
READERS = _answers(LOGIN, 200, 200, 200, 200, 200)
LOGGED_IN = READERS
OFFICIALS = _answers(LOGIN, 403, 403, 403, 200, 200)
BUN_SECRETARY = _answers(LOGIN, 403, 403, 200, 403, 200)
SUPERUSER_ONLY = _answers(LOGIN, 403, 403, 403, 403, 200)
EDITORS = _answers(LOGIN, 403, 403, 200, 200, 200)
POST_ONLY = _answers(405, 405, 405, 405, 405, 405)


@dataclass(frozen=True)
class Row:
    name: str
    whose: str  # which object of the world the URL is opened on
    answers: dict = field(hash=False)
    method: str = "get"
    data: dict = field(default_factory=dict, hash=False)


def _kwargs(world, whose: str) -> dict:
    nodes = world["nodes"]
    return {
        "-": {},
        "year": {"year": 2026},
        "empty year": {"year": 2030},
        "bun plan": {"year": 2026, "slug": "bun"},
        "reset token": {"uidb64": "MQ", "token": "ogiltig"},
        "direction goal": {"pk": nodes["D"].pk},
        "municipal goal": {"pk": nodes["M"].pk},
        "bun goal": {"pk": nodes["Mål BUN"].pk},
        "sn goal": {"pk": nodes["Mål SN"].pk},
        "bun activity": {"pk": nodes["Akt BUN"].pk},
        "open period": {"pk": world["period"].pk},
        "period of year": {"year": 2026, "pk": world["period"].pk},
        "committee": {"pk": world["committee"].pk},
        "bun indicator": {"pk": world["bun_indicator"].pk},
        "municipal indicator": {"pk": world["municipal_indicator"].pk},
        "bun indicator in open period": {
            "pk": world["bun_indicator"].pk,
            "period_pk": world["period"].pk,
        },
        "user": {"pk": world["user"].pk},
        "bun assignment": {"pk": world["assignment"].pk},
        "global goal": {"year": 2026, "number": 5},
        "bun report": {"pk": world["period"].pk, "slug": "bun"},
        **{
            f"{slug} report:{step}": {"pk": world["period"].pk, "slug": slug, "step": step}
            for slug in ("bun", "sn")
            for step in ("klar", "ej-klar", "beslut", "ateroppna")
        },
        **{
            f"{slug} plan:{step}": {"year": 2026, "slug": slug, "step": step}
            for slug in ("bun", "sn")
            for step in ("klar", "ej-klar", "beslut", "ateroppna")
        },
    }[whose]


TABLE = [
    Row("healthz", "-", EVERYONE),
    Row("accessibility_statement", "-", EVERYONE),
    Row("login", "-", EVERYONE),
    Row("logout", "-", _answers(405, 405, 405, 405, 405, 405)),
    Row("password_reset", "-", EVERYONE),
    Row("password_reset_done", "-", EVERYONE),
    Row("password_reset_confirm", "reset token", EVERYONE),
    Row("password_reset_complete", "-", EVERYONE),
    Row("password_change", "-", LOGGED_IN),
    Row("password_change_done", "-", LOGGED_IN),
    # Single sign-on (on in `world`): off to the provider, and back to the login
    # page when the answer carries no state of this browser's.
    Row("sso:start", "-", _answers(302, 302, 302, 302, 302, 302)),
    Row("sso:callback", "-", _answers(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    # Only while LOCAL_LOGIN is off and BREAK_GLASS_LOGIN on (tests/sso).
    Row("sso:break_glass", "-", _answers(404, 404, 404, 404, 404, 404)),
    Row("followup:start", "-", EVERYONE),
    Row("followup:red_thread", "year", READERS),
    Row("followup:node_detail", "bun goal", READERS),
    Row("followup:node_detail", "municipal goal", READERS),
    Row("goals:operational_plan", "bun plan", READERS),
    # Adding under a municipal goal adds a committee goal: secretaries only.
    Row("goals:node_add", "municipal goal", BUN_SECRETARY),
    Row("goals:node_add", "direction goal", OFFICIALS),
    Row("goals:node_add", "bun goal", BUN_SECRETARY),
    Row("goals:node_add", "sn goal", SUPERUSER_ONLY),
    Row("goals:node_add", "bun activity", _answers(LOGIN, 403, 403, 403, 403, 403)),
    Row("goals:node_edit", "bun goal", BUN_SECRETARY),
    Row("goals:node_edit", "sn goal", SUPERUSER_ONLY),
    Row("goals:node_edit", "municipal goal", OFFICIALS),
    Row("goals:node_move", "bun goal", BUN_SECRETARY),
    Row("goals:node_move", "municipal goal", OFFICIALS),
    Row("goals:node_delete", "bun activity", BUN_SECRETARY),
    Row("goals:node_delete", "sn goal", SUPERUSER_ONLY),
    Row("goals:node_delete", "municipal goal", OFFICIALS),
    # What a committee goal or an activity also supports: whoever edits it.
    Row("goals:node_links", "bun goal", BUN_SECRETARY),
    Row("goals:node_links", "bun activity", BUN_SECRETARY),
    Row("goals:node_links", "sn goal", SUPERUSER_ONLY),
    Row("goals:node_links", "municipal goal", _answers(LOGIN, 403, 403, 403, 403, 403)),
    Row(
        "goals:node_links",
        "bun goal",
        _answers(LOGIN, 403, 403, 302, 403, 302),
        method="post",
        data={"action": "remove", "target": "1"},
    ),
    Row("goals:node_reorder", "bun activity", POST_ONLY),
    Row(
        "goals:node_reorder",
        "bun activity",
        _answers(LOGIN, 403, 403, 302, 403, 302),
        method="post",
        data={"direction": "up"},
    ),
    Row(
        "goals:node_reorder",
        "municipal goal",
        _answers(LOGIN, 403, 403, 403, 302, 302),
        method="post",
        data={"direction": "up"},
    ),
    Row("goals:vision_add", "empty year", OFFICIALS),
    Row("followup:assessment_entry", "open period", EDITORS),
    Row("followup:plan_year_list", "-", OFFICIALS),
    Row("followup:period_add", "year", OFFICIALS),
    Row("followup:period_edit", "period of year", OFFICIALS),
    # Every state change is a confirmation page (GET) and its form (POST).
    Row("followup:period_action", "open period", OFFICIALS, data={"action": "close"}),
    Row(
        "followup:period_action",
        "open period",
        # The official publishes it (302); the superuser, after, finds it published (400).
        _answers(LOGIN, 403, 403, 403, 302, 400),
        method="post",
        data={"action": "publish"},
    ),
    Row("followup:period_progress", "open period", _answers(LOGIN, 403, 403, 403, 200, 200, 200)),
    Row("followup:period_audit", "open period", _answers(LOGIN, 403, 403, 403, 200, 200, 200)),
    # A committee's part of a period: its secretary marks it ready or takes it
    # back; officials record the committee's decision and reopen it.
    Row("followup:committee_report_step", "bun report:klar", BUN_SECRETARY),
    Row("followup:committee_report_step", "bun report:ej-klar", BUN_SECRETARY),
    Row("followup:committee_report_step", "bun report:beslut", OFFICIALS),
    Row("followup:committee_report_step", "bun report:ateroppna", OFFICIALS),
    Row("followup:committee_report_step", "sn report:klar", SUPERUSER_ONLY),
    # The secretary marks it ready (302); the superuser, after, finds it ready already (400).
    Row(
        "followup:committee_report_step",
        "bun report:klar",
        _answers(LOGIN, 403, 403, 302, 403, 400),
        method="post",
    ),
    Row("goals:operational_plan_step", "bun plan:klar", BUN_SECRETARY),
    Row("goals:operational_plan_step", "bun plan:ej-klar", BUN_SECRETARY),
    Row("goals:operational_plan_step", "bun plan:beslut", OFFICIALS),
    Row("goals:operational_plan_step", "bun plan:ateroppna", OFFICIALS),
    Row("goals:operational_plan_step", "sn plan:klar", SUPERUSER_ONLY),
    Row(
        "goals:operational_plan_step",
        "bun plan:klar",
        _answers(LOGIN, 403, 403, 302, 403, 400),
        method="post",
    ),
    Row("goals:plan_year_adopt", "year", OFFICIALS),
    Row("goals:plan_year_reopen", "year", OFFICIALS),
    Row("goals:committee_list", "-", OFFICIALS),
    Row("goals:committee_add", "-", OFFICIALS),
    Row("goals:committee_edit", "committee", OFFICIALS),
    Row("goals:user_list", "-", OFFICIALS),
    Row("goals:user_add", "-", OFFICIALS),
    Row("goals:user_edit", "user", OFFICIALS),
    Row("followup:indicator_add", "bun goal", BUN_SECRETARY),
    Row("followup:indicator_add", "municipal goal", OFFICIALS),
    Row("followup:indicator_edit", "bun indicator", BUN_SECRETARY),
    Row("followup:indicator_edit", "municipal indicator", OFFICIALS),
    Row("followup:indicator_delete", "bun indicator", BUN_SECRETARY),
    Row("followup:outcome_edit", "bun indicator in open period", BUN_SECRETARY),
    Row("followup:overview", "year", READERS),
    # Agenda 2030: read as the other reading pages; linked by officials only.
    Row("followup:global_goal_index", "year", READERS),
    Row("followup:global_goal", "global goal", READERS),
    Row("followup:node_global_goals", "municipal goal", OFFICIALS),
    Row("followup:node_global_goals", "bun goal", OFFICIALS),
    Row(
        "followup:node_global_goals",
        "bun goal",
        _answers(LOGIN, 403, 403, 403, 302, 302),
        "post",
        {"global_goals": ["5"]},
    ),
    # A direction goal cannot be linked: the page says so, and a POST changes nothing.
    Row("followup:node_global_goals", "direction goal", OFFICIALS),
    Row(
        "followup:node_global_goals",
        "direction goal",
        _answers(LOGIN, 403, 403, 403, 400, 400),
        "post",
        {"global_goals": ["5"]},
    ),
    Row("followup:indicator_global_goals", "bun indicator", OFFICIALS),
    Row(
        "followup:indicator_global_goals",
        "municipal indicator",
        _answers(LOGIN, 403, 403, 403, 302, 302),
        "post",
        {"global_goals": ["13"]},
    ),
    Row("followup:period_report", "open period", READERS),
    Row("followup:report_csv", "open period", READERS),
    Row("followup:report_xlsx", "open period", READERS),
    Row("followup:report_docx", "open period", READERS),
    Row("followup:report_pdf", "open period", READERS),
    Row("followup:committee_report", "bun report", READERS),
    Row("followup:committee_report_docx", "bun report", READERS),
    Row("followup:committee_report_pdf", "bun report", READERS),
    Row("followup:geh_year", "year", READERS),
    Row("followup:geh_goals", "year", OFFICIALS),
    Row("followup:geh_period", "open period", READERS),
    Row("followup:geh_evaluation_edit", "open period", OFFICIALS),
    Row("followup:balance_statement_edit", "open period", OFFICIALS),
    Row("followup:kolada_upload", "-", OFFICIALS),
    # Anyone who keeps indicators; the rows are checked against what each may keep.
    Row("followup:outcome_import", "year", EDITORS),
    Row("followup:outcome_import_template", "year", EDITORS),
    Row("followup:search", "-", READERS),
    # The open data answers in JSON: 403 rather than a login page.
    Row("followup:api_years", "-", _answers(403, 200, 200, 200, 200, 200)),
    Row("followup:api_year", "year", _answers(403, 200, 200, 200, 200, 200)),
    # Assignments: read by all readers, kept by officials, followed up by the
    # secretaries of the committee they were given to (the page shows each
    # editor their own, none for an official).
    Row("followup:assignment_list", "year", READERS),
    Row("followup:committee_assignments", "bun plan", READERS),
    Row("followup:assignment_create", "year", OFFICIALS),
    Row("followup:assignment_edit", "bun assignment", OFFICIALS),
    Row("followup:assignment_delete", "bun assignment", OFFICIALS),
    Row("followup:assignment_followup", "open period", EDITORS),
    # Sent: refused before anything is read for those who may not (an empty
    # form saves nothing; an empty assignment form is refused as bad input).
    Row(
        "followup:assignment_followup",
        "open period",
        _answers(LOGIN, 403, 403, 302, 302, 302),
        method="post",
    ),
    Row(
        "followup:assignment_create",
        "year",
        _answers(LOGIN, 403, 403, 403, 400, 400),
        method="post",
    ),
    Row(
        "followup:assignment_edit",
        "bun assignment",
        _answers(LOGIN, 403, 403, 403, 400, 400),
        method="post",
    ),
]


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own, for superusers (tested in test_security)
            names |= _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL {pattern.pattern} has no name"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_has_a_row_in_the_table():
    in_urlconf = _url_names(get_resolver().url_patterns)
    in_table = {row.name for row in TABLE}
    assert in_urlconf - in_table == set(), "add these views to the permission table"
    assert in_table - in_urlconf == set(), "these rows name no URL"


@pytest.fixture
def world(
    committees, plan_year, periods, secretary, official, councillor, outsider, auditor, settings
):
    # Single sign-on on, against a provider whose endpoints are given (so no
    # discovery document is fetched: these requests never reach it).
    settings.SSO_ENABLED = True
    settings.OIDC_ISSUER = "https://idp.example.invalid"
    settings.OIDC_RP_CLIENT_ID = "kramfors-styr"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.invalid/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.invalid/token"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.invalid/jwks"
    nodes = build_tree(
        plan_year,
        """
        Vision
          P
            D
              M
                Mål BUN [bun]
                  Akt BUN [bun]
                  Akt BUN 2 [bun]
                Mål SN [sn]
              M2
        """,
    )
    PlanYear.objects.create(year=2030)
    bun_indicator = Indicator.objects.create(node=nodes["Mål BUN"], name="Andel", target=80)
    municipal_indicator = Indicator.objects.create(node=nodes["M"], name="Antal", target=10)
    assignment = Assignment.objects.create(
        plan_year=plan_year, committee=committees["bun"], goal=nodes["M"], title="Utred"
    )
    return {
        "assignment": assignment,
        "bun_indicator": bun_indicator,
        "municipal_indicator": municipal_indicator,
        "nodes": nodes,
        "period": periods[1],
        "committee": committees["bun"],
        "user": councillor,
        "users": {
            "outsider": outsider,
            "councillor": councillor,
            "secretary": secretary,
            "official": official,
            "superuser": User.objects.create_superuser("root", "root@example.se", "pw"),
            "auditor": auditor,
        },
    }


@pytest.mark.parametrize(
    "url",
    ["/nod/99999999999999999999999/", "/rod-trad/99999/", "/uppfoljning/-1/", "/nod/1e5/"],
)
def test_impossible_ids_are_not_found(client, councillor, url):
    client.force_login(councillor)
    assert client.get(url).status_code == 404


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(reverse("login"))
    return response.status_code == expected


@pytest.mark.parametrize(
    "row", TABLE, ids=[f"{row.name}:{row.whose}:{row.method}" for row in TABLE]
)
def test_each_role_gets_the_answer_the_table_gives(row, world, client):
    url = reverse(row.name, kwargs=_kwargs(world, row.whose))
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = getattr(client, row.method)(url, row.data)
        if not _matches(response, row.answers[role]):
            wrong.append(f"{role}: expected {row.answers[role]}, got {response.status_code}")
    assert wrong == []
