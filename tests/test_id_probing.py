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
