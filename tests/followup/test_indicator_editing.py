"""Adding, changing and deleting indicators, and entering their outcomes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from followup.indicatormodels import Indicator, IndicatorOutcome
from tests.factories import add_indicator, build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
"""

NEW_INDICATOR = {
    "name": "Andel elever i åk 9 som är behöriga till yrkesprogram",
    "unit": "%",
    "baseline": "84,5",
    "target": "90",
    "direction": "higher",
    "kolada_kpi": "n15428",
    "order": "0",
}


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def goal(tree):
    """A committee goal of BUN."""
    return tree["Läsa bättre"]


@pytest.fixture
def indicator(goal, periods):
    return add_indicator(goal, "Läsförmåga åk 3", target=80, outcomes={periods[0]: 75})


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["official", "secretary", "secretary2", "councillor", None]


# --- who may do it -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("official", 403), ("secretary", 200), ("secretary2", 403), ("councillor", 403), (None, 302)],
)
def test_committee_goals_indicators_are_kept_by_its_committees_secretary(
    client, request, goal, indicator, periods, role, expected
):
    user = request.getfixturevalue(role) if role else None
    client = _as(client, user)
    urls = [
        reverse("followup:indicator_add", kwargs={"pk": goal.pk}),
        reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}),
        reverse("followup:indicator_delete", kwargs={"pk": indicator.pk}),
        reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [("official", 200), ("secretary", 403), ("secretary2", 403), ("councillor", 403), (None, 302)],
)
def test_municipal_goals_indicators_are_kept_by_officials(
    client, request, tree, periods, role, expected
):
    municipal = tree["Fler i arbete"]
    indicator = add_indicator(municipal, "Andel i arbete")
    user = request.getfixturevalue(role) if role else None
    client = _as(client, user)
    for url in [
        reverse("followup:indicator_add", kwargs={"pk": municipal.pk}),
        reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}),
        reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk}),
    ]:
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", ["official", "secretary2", "councillor", None])
def test_others_cannot_post_changes(client, request, goal, indicator, periods, role):
    user = request.getfixturevalue(role) if role else None
    client = _as(client, user)
    client.post(reverse("followup:indicator_add", kwargs={"pk": goal.pk}), NEW_INDICATOR)
    client.post(
        reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}),
        {**NEW_INDICATOR, "version": indicator.version},
    )
    client.post(
        reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk}),
        {"value": "99", "version": 1},
    )
    client.post(reverse("followup:indicator_delete", kwargs={"pk": indicator.pk}), {"version": 1})
    assert list(Indicator.objects.values_list("name", "target")) == [
        ("Läsförmåga åk 3", Decimal(80))
    ]
    assert IndicatorOutcome.objects.get().value == Decimal(75)


def test_only_municipal_and_committee_goals_have_indicators(client, official, tree):
    client.force_login(official)
    direction_goal = tree["Trygg kommun"]
    assert (
        client.get(reverse("followup:indicator_add", kwargs={"pk": direction_goal.pk})).status_code
        == 404
    )


# --- adding, changing, deleting ----------------------------------------------


def test_secretary_adds_an_indicator_with_a_decimal_comma(client, secretary, goal):
    client.force_login(secretary)
    response = client.post(reverse("followup:indicator_add", kwargs={"pk": goal.pk}), NEW_INDICATOR)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.node == goal
    assert indicator.baseline == Decimal("84.5")
    assert indicator.kolada_kpi == "N15428"
    history = indicator.history.get()
    assert history.history_type == "+"
    assert history.history_user == secretary
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Andel elever i åk 9 som är behöriga till yrkesprogram" in page
    assert "84,5" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "nittio", "Fyll i ett tal."),
        ("target", "", "Detta fält måste fyllas i."),
        ("name", "   ", "Detta fält måste fyllas i."),
        ("kolada_kpi", "15428", "Ett Kolada-id är en bokstav och fem siffror"),
        ("direction", "sideways", "Välj ett giltigt alternativ"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_changes_nothing(
    client, secretary, goal, field, value, message
):
    client.force_login(secretary)
    response = client.post(
        reverse("followup:indicator_add", kwargs={"pk": goal.pk}), {**NEW_INDICATOR, field: value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_edit_raises_the_version_and_records_history(client, secretary, indicator):
    client.force_login(secretary)
    response = client.post(
        reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}),
        {**NEW_INDICATOR, "target": "85", "version": indicator.version},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target == Decimal(85)
    assert indicator.version == 2
    assert indicator.history.count() == 2
    assert indicator.history.first().history_user == secretary


def test_a_stale_indicator_edit_is_refused_showing_the_other_change(client, secretary, indicator):
    client.force_login(secretary)
    url = reverse("followup:indicator_edit", kwargs={"pk": indicator.pk})
    opened_version = indicator.version
    # Someone else saves first.
    client.post(url, {**NEW_INDICATOR, "name": "Deras namn", "version": opened_version})
    response = client.post(
        url, {**NEW_INDICATOR, "name": "Mitt namn", "target": "70", "version": opened_version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har ändrat detta efter att du öppnade det" in html
    assert "Deras namn" in html  # their version
    assert 'value="Mitt namn"' in html  # the user's input is kept
    indicator.refresh_from_db()
    assert indicator.name == "Deras namn"
    # Saving again knowingly replaces theirs.
    version = response.context["form"].data["version"]
    again = client.post(url, {**NEW_INDICATOR, "name": "Mitt namn", "version": version})
    assert again.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Mitt namn"


def test_delete_takes_the_outcomes_with_it(client, secretary, indicator):
    client.force_login(secretary)
    response = client.post(
        reverse("followup:indicator_delete", kwargs={"pk": indicator.pk}),
        {"version": indicator.version},
    )
    assert response.status_code == 302
    assert not Indicator.objects.exists()
    assert not IndicatorOutcome.objects.exists()
    assert Indicator.history.filter(history_type="-").count() == 1


def test_a_stale_delete_is_refused(client, secretary, indicator):
    client.force_login(secretary)
    Indicator.objects.filter(pk=indicator.pk).update(version=5)
    response = client.post(
        reverse("followup:indicator_delete", kwargs={"pk": indicator.pk}), {"version": 1}
    )
    assert response.status_code == 409
    assert Indicator.objects.exists()


# --- outcomes ----------------------------------------------------------------


def test_secretary_enters_an_outcome_in_an_open_period(client, secretary, goal, periods):
    indicator = add_indicator(goal, "Läsförmåga åk 3", target=80)
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[1].pk})
    response = client.post(url, {"value": "78,5", "source": "Kolada", "version": 0})
    assert response.status_code == 302
    outcome = IndicatorOutcome.objects.get()
    assert (outcome.value, outcome.period, outcome.updated_by) == (
        Decimal("78.5"),
        periods[1],
        secretary,
    )
    assert outcome.history.get().history_user == secretary
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "78,5" in page
    assert "delvis uppfyllt" in page  # 78.5 misses 80 by less than 10 %


def test_an_outcome_is_changed_and_removed(client, secretary, indicator, periods):
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk})
    assert client.post(url, {"value": "81", "version": 1}).status_code == 302
    outcome = IndicatorOutcome.objects.get()
    assert (outcome.value, outcome.version) == (Decimal(81), 2)
    assert client.post(url, {"action": "delete", "version": 2}).status_code == 302
    assert not IndicatorOutcome.objects.exists()


def test_a_closed_period_refuses_outcomes_with_a_clear_message(
    client, secretary, indicator, periods
):
    interim = periods[0]
    interim.close()
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": interim.pk})
    page = client.get(url)
    assert "är stängd, så utfall kan inte längre anges eller ändras" in page.content.decode()
    response = client.post(url, {"value": "99", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Inget sparades" in html
    assert 'value="99"' in html  # the input is kept
    assert IndicatorOutcome.objects.get().value == Decimal(75)
    assert client.post(url, {"action": "delete", "version": 1}).status_code == 409
    assert IndicatorOutcome.objects.exists()


def test_a_stale_outcome_is_refused_showing_the_other_value(client, secretary, indicator, periods):
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk})
    client.post(url, {"value": "77", "version": 1})  # someone else, first
    response = client.post(url, {"value": "79", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har ändrat detta efter att du öppnade det" in html
    assert "77" in html
    assert 'value="79"' in html
    assert IndicatorOutcome.objects.get().value == Decimal(77)


def test_a_first_outcome_entered_twice_is_refused_the_second_time(client, secretary, goal, periods):
    indicator = add_indicator(goal, "Läsförmåga åk 3", target=80)
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk})
    assert client.post(url, {"value": "70", "version": 0}).status_code == 302
    assert client.post(url, {"value": "71", "version": 0}).status_code == 409
    assert IndicatorOutcome.objects.get().value == Decimal(70)


@pytest.mark.parametrize("value", ["", "sjuttio", "1e400"])
def test_a_bad_outcome_is_refused(client, secretary, indicator, periods, value):
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk})
    response = client.post(url, {"value": value, "version": 1})
    assert response.status_code == 400
    assert "Formuläret innehåller fel" in response.content.decode()
    assert IndicatorOutcome.objects.get().value == Decimal(75)


def test_a_period_of_another_year_is_404(client, secretary, indicator):
    from followup.services import plan_year_start

    other = plan_year_start(source=None, year=2027).periods.first()
    client.force_login(secretary)
    url = reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": other.pk})
    assert client.get(url).status_code == 404


def test_the_node_page_offers_editing_only_to_those_who_may(
    client, secretary, secretary2, goal, indicator
):
    client.force_login(secretary)
    html = client.get(goal.get_absolute_url()).content.decode()
    assert reverse("followup:indicator_add", kwargs={"pk": goal.pk}) in html
    assert reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}) in html
    client.force_login(secretary2)
    html = client.get(goal.get_absolute_url()).content.decode()
    assert "Läsförmåga åk 3" in html
    assert reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}) not in html


def test_indicator_changes_show_in_the_node_history(client, secretary, indicator, periods):
    client.force_login(secretary)
    client.post(
        reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[0].pk}),
        {"value": "82", "version": 1},
    )
    html = client.get(indicator.node.get_absolute_url()).content.decode()
    assert "Utfall för ”Läsförmåga åk 3” i Delårsrapport 2026" in html
