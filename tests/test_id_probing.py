"""A refusal does not tell whether an id exists: login and permission are
checked before the object is looked up."""

import pytest
from django.urls import reverse

from followup.indicatormodels import Indicator
from tests.factories import TWO_PERSPECTIVES, build_tree

MISSING_ID = 987654


@pytest.fixture
def objects(plan_year, committees, periods):
    goal = build_tree(plan_year, TWO_PERSPECTIVES)["Läsa bättre"]
    indicator = Indicator.objects.create(node=goal, name="Godkända elever", target=90)
    return {"node": goal.pk, "indicator": indicator.pk, "period": periods[0].pk}


# (URL name, the kind of object its id names, the URL's other arguments)
URLS = [
    ("followup:indicator_add", "node", {}),
    ("followup:indicator_edit", "indicator", {}),
    ("followup:indicator_delete", "indicator", {}),
    ("followup:assessment_entry", "period", {}),
]


def _urls(objects, name: str, kind: str, extra: dict) -> tuple[str, str]:
    existing = reverse(name, kwargs={"pk": objects[kind], **extra})
    missing = reverse(name, kwargs={"pk": MISSING_ID, **extra})
    return existing, missing


@pytest.mark.parametrize(("name", "kind", "extra"), URLS)
def test_anonymous_gets_the_same_login_redirect_for_a_missing_and_an_existing_id(
    client, settings, objects, name, kind, extra
):
    settings.PUBLIC_ACCESS = False
    existing, missing = _urls(objects, name, kind, extra)
    for url in (existing, missing):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


@pytest.mark.parametrize(("name", "kind", "extra"), URLS)
def test_a_reader_is_refused_alike_for_a_missing_and_an_existing_id(
    councillor_client, objects, name, kind, extra
):
    for url in _urls(objects, name, kind, extra):
        assert councillor_client.get(url).status_code == 403, url


def test_an_outcome_page_is_refused_alike_for_a_missing_and_an_existing_indicator(
    client, settings, objects
):
    settings.PUBLIC_ACCESS = False
    for pk in (objects["indicator"], MISSING_ID):
        url = reverse("followup:outcome_edit", kwargs={"pk": pk, "period_pk": objects["period"]})
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def test_a_vision_page_is_refused_alike_for_a_missing_and_an_existing_year(
    client, settings, objects, plan_year
):
    settings.PUBLIC_ACCESS = False
    for year in (plan_year.year, 1990):
        url = reverse("goals:vision_add", kwargs={"year": year})
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def _step_urls(objects, plan_year) -> list[tuple[str, str]]:
    """(existing, missing) addresses of each approval step: a missing period, a
    missing plan year, and a missing committee."""
    pairs = []
    for step in ("klar", "ej-klar", "beslut", "ateroppna"):
        report = {"slug": "bun", "step": step}
        pairs.append(
            (
                reverse(
                    "followup:committee_report_step", kwargs={"pk": objects["period"], **report}
                ),
                reverse("followup:committee_report_step", kwargs={"pk": MISSING_ID, **report}),
            )
        )
        pairs.append(
            (
                reverse(
                    "followup:committee_report_step", kwargs={"pk": objects["period"], **report}
                ),
                reverse(
                    "followup:committee_report_step",
                    kwargs={"pk": objects["period"], "slug": "finns-inte", "step": step},
                ),
            )
        )
        pairs.append(
            (
                reverse("goals:operational_plan_step", kwargs={"year": plan_year.year, **report}),
                reverse("goals:operational_plan_step", kwargs={"year": 1990, **report}),
            )
        )
        pairs.append(
            (
                reverse("goals:operational_plan_step", kwargs={"year": plan_year.year, **report}),
                reverse(
                    "goals:operational_plan_step",
                    kwargs={"year": plan_year.year, "slug": "finns-inte", "step": step},
                ),
            )
        )
    return pairs


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_approval_step_is_refused_alike_for_a_missing_and_an_existing_object(
    client, settings, objects, plan_year, councillor, method
):
    settings.PUBLIC_ACCESS = False
    for existing, missing in _step_urls(objects, plan_year):
        client.logout()
        answers = [getattr(client, method)(url) for url in (existing, missing)]
        assert [answer.status_code for answer in answers] == [302, 302], existing
        assert [answer["Location"].split("?")[0] for answer in answers] == [reverse("login")] * 2
        client.force_login(councillor)
        answers = [getattr(client, method)(url).status_code for url in (existing, missing)]
        assert answers == [403, 403], (existing, missing)


def test_a_secretary_is_refused_an_officials_step_alike_for_a_missing_and_an_existing_object(
    client, objects, plan_year, secretary
):
    client.force_login(secretary)
    for existing, missing in _step_urls(objects, plan_year):
        if "beslut" in existing or "ateroppna" in existing:
            answers = [client.get(url).status_code for url in (existing, missing)]
            assert answers == [403, 403], (existing, missing)
