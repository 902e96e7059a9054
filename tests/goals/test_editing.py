"""Editing the goal tree in the browser: forms, bad input, lost updates, history."""

import pytest
from django.urls import reverse

from followup.models import Assessment, Period
from followup.services import plan_year_start
from goals import services
from goals.integrity import tree_problems
from goals.locking import tree_lock
from goals.models import Node, PlanYear
from tests.factories import assess_all, build_tree, grow_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
              Läsläxa [bun]
            Kortare bidrag [sn]
          Äldre bor kvar
      Ekonomi
        Ekonomi i balans
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def _edit(client, node, title, version, description=""):
    return client.post(
        reverse("goals:node_edit", kwargs={"pk": node.pk}),
        {"title": title, "description": description, "version": version},
    )


def test_secretary_adds_goal_and_activity_in_the_operational_plan(
    secretary_client, tree, committees
):
    plan_url = reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"})
    page = secretary_client.get(plan_url).content.decode()
    add_url = reverse("goals:node_add", kwargs={"pk": tree["Äldre bor kvar"].pk})
    assert add_url in page
    response = secretary_client.post(
        add_url + "?next=" + plan_url,
        {"title": "Fler läser", "description": "Läsfrämjande", "committee": committees["bun"].pk},
    )
    assert response.status_code == 302 and response["Location"] == plan_url
    goal = Node.objects.get(title="Fler läser")
    assert goal.committee == committees["bun"] and goal.parent_id == tree["Äldre bor kvar"].pk
    secretary_client.post(
        reverse("goals:node_add", kwargs={"pk": goal.pk}), {"title": "Bokcirkel", "description": ""}
    )
    activity = Node.objects.get(title="Bokcirkel")
    assert activity.kind == "activity" and activity.committee == committees["bun"]
    assert "Bokcirkel" in secretary_client.get(plan_url).content.decode()


def test_operational_plan_shows_only_its_committees_goals(secretary_client, tree):
    page = secretary_client.get(
        reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"})
    ).content.decode()
    assert "Läsa bättre" in page and "Fler i arbete" in page
    assert "Kortare bidrag" not in page


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Detta fält måste fyllas i"), ("   ", "Detta fält måste fyllas i"), ("x" * 301, "300")],
)
def test_empty_or_overlong_title_is_refused(secretary_client, tree, title, message):
    node = tree["Läsa bättre"]
    response = _edit(secretary_client, node, title, node.version)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Node.objects.get(pk=node.pk).title == "Läsa bättre"


def test_overlong_description_is_refused(secretary_client, tree):
    node = tree["Läsa bättre"]
    response = _edit(secretary_client, node, "Ok", node.version, description="x" * 20001)
    assert "20000" in response.content.decode()
    assert Node.objects.get(pk=node.pk).title == "Läsa bättre"


def test_a_stale_edit_is_refused_and_shows_the_other_change(secretary_client, tree):
    node = tree["Läsa bättre"]
    opened_version = node.version
    services.node_update(
        node=node, expected_version=opened_version, title="Någon annans titel", description="X"
    )
    response = _edit(secretary_client, node, "Min titel", opened_version)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har ändrat detta" in page
    assert "Någon annans titel" in page  # the other change
    assert 'value="Min titel"' in page  # the user's own text is kept
    assert Node.objects.get(pk=node.pk).title == "Någon annans titel"
    # Saving again, knowingly, replaces it.
    current = Node.objects.get(pk=node.pk).version
    assert _edit(secretary_client, node, "Min titel", current).status_code == 302
    assert Node.objects.get(pk=node.pk).title == "Min titel"


def test_editing_a_node_deleted_meanwhile_keeps_the_text(secretary_client, tree):
    node = tree["Lovskola"]
    services.node_delete(node=node)
    response = _edit(secretary_client, node, "Min nya titel", node.version)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Målet finns inte längre" in page
    assert "Min nya titel" in page


def test_delete_asks_for_confirmation_and_lists_what_goes(secretary_client, tree):
    node = Node.objects.get(pk=tree["Läsa bättre"].pk)
    page = secretary_client.get(
        reverse("goals:node_delete", kwargs={"pk": node.pk})
    ).content.decode()
    assert "Lovskola" in page and "Läsläxa" in page
    assert Node.objects.filter(pk=node.pk).exists()
    response = secretary_client.post(
        reverse("goals:node_delete", kwargs={"pk": node.pk}), {"version": node.version}
    )
    assert response.status_code == 302
    assert not Node.objects.filter(title__in=["Läsa bättre", "Lovskola", "Läsläxa"]).exists()
    assert tree_problems(node.plan_year_id) == []


def test_a_stale_delete_is_refused(secretary_client, tree):
    node = tree["Lovskola"]
    services.node_update(node=node, expected_version=node.version, title="Ändrad", description="")
    response = secretary_client.post(
        reverse("goals:node_delete", kwargs={"pk": node.pk}), {"version": node.version}
    )
    assert response.status_code == 409
    assert Node.objects.filter(pk=node.pk).exists()


def test_reorder_moves_an_activity_up(secretary_client, tree):
    response = secretary_client.post(
        reverse("goals:node_reorder", kwargs={"pk": tree["Läsläxa"].pk}), {"direction": "up"}
    )
    assert response.status_code == 302
    titles = list(
        Node.objects.filter(parent=tree["Läsa bättre"])
        .order_by("lft")
        .values_list("title", flat=True)
    )
    assert titles == ["Läsläxa", "Lovskola"]


def test_reorder_with_a_bad_direction_changes_nothing(secretary_client, tree):
    before = list(Node.objects.order_by("lft").values_list("pk", flat=True))
    secretary_client.post(
        reverse("goals:node_reorder", kwargs={"pk": tree["Läsläxa"].pk}), {"direction": "sideways"}
    )
    assert list(Node.objects.order_by("lft").values_list("pk", flat=True)) == before


def test_move_offers_only_valid_parents_and_refuses_a_tampered_one(official_client, tree):
    node = tree["Fler i arbete"]
    page = official_client.get(reverse("goals:node_move", kwargs={"pk": node.pk})).content.decode()
    assert "Trygg kommun" not in page.split("<select")[1]  # its current parent is not offered
    # Its own subtree, and a node of the wrong kind, are not among the choices.
    for tampered in [tree["Läsa bättre"], tree["Vision"], tree["Fler i arbete"]]:
        response = official_client.post(
            reverse("goals:node_move", kwargs={"pk": node.pk}), {"parent": tampered.pk}
        )
        assert response.status_code == 200
        assert "Välj ett giltigt alternativ" in response.content.decode()
    assert Node.objects.get(pk=node.pk).parent_id == tree["Trygg kommun"].pk


def test_official_moves_a_municipal_goal(official_client, tree, plan_year):
    target = tree["Ekonomi i balans"]
    response = official_client.post(
        reverse("goals:node_move", kwargs={"pk": tree["Äldre bor kvar"].pk}), {"parent": target.pk}
    )
    assert response.status_code == 302
    assert Node.objects.get(pk=tree["Äldre bor kvar"].pk).parent_id == target.pk
    assert tree_problems(plan_year) == []


def test_copy_year_gives_the_same_structure_and_leaves_the_old_year(plan_year, committees, periods):
    nodes = grow_tree(plan_year, committees, 6)
    assess_all(nodes, periods[0])
    before = list(
        Node.objects.for_year(plan_year).order_by("lft").values_list("pk", "title", "lft", "rght")
    )
    new = plan_year_start(source=plan_year, year=2027)
    assert tree_problems(new) == []
    old_shape = list(
        Node.objects.for_year(plan_year)
        .order_by("lft")
        .values_list("kind", "title", "committee_id", "lft", "rght", "level")
    )
    new_shape = list(
        Node.objects.for_year(new)
        .order_by("lft")
        .values_list("kind", "title", "committee_id", "lft", "rght", "level")
    )
    assert new_shape == old_shape
    assert (
        list(
            Node.objects.for_year(plan_year)
            .order_by("lft")
            .values_list("pk", "title", "lft", "rght")
        )
        == before
    )
    assert not Assessment.objects.filter(node__plan_year=new).exists()
    assert Assessment.objects.filter(node__plan_year=plan_year).count() > 0
    assert new.periods.count() == 2
    copies = dict(Node.objects.for_year(new).values_list("copied_from_id", "title"))
    originals = dict(Node.objects.for_year(plan_year).values_list("pk", "title"))
    assert copies == originals


def test_copy_year_links_each_copy_to_the_copy_of_its_parent_and_records_it(
    plan_year, committees, official
):
    nodes = grow_tree(plan_year, committees, 4)
    with tree_lock(plan_year.pk):
        nodes[5].description = "Beskrivning\nmed två rader"
        nodes[5].save()
    new = plan_year_start(source=plan_year, year=2027, user=official)
    copies = {copy.copied_from_id: copy for copy in Node.objects.for_year(new)}
    assert len(copies) == len(nodes)
    for original in Node.objects.for_year(plan_year):
        copy = copies[original.pk]
        expected_parent = copies[original.parent_id].pk if original.parent_id else None
        assert copy.parent_id == expected_parent
        assert (copy.title, copy.description, copy.kind, copy.committee_id, copy.version) == (
            original.title,
            original.description,
            original.kind,
            original.committee_id,
            1,
        )
    records = Node.history.filter(plan_year=new)
    assert records.count() == len(nodes)
    assert {(r.history_type, r.history_user_id) for r in records} == {("+", official.pk)}
    assert Period.history.filter(plan_year=new, history_type="+").count() == 2


def test_copy_year_from_the_browser(official_client, tree, plan_year):
    url = reverse("followup:plan_year_list")
    # First what it will do, then (confirmed) it is done.
    response = official_client.post(url, {"source": plan_year.pk, "year": 2027})
    assert response.status_code == 200
    assert "skapas som planerade" in response.content.decode()
    assert not PlanYear.objects.filter(year=2027).exists()
    response = official_client.post(url, {"source": plan_year.pk, "year": 2027, "confirmed": "1"})
    assert response.status_code == 302
    assert Node.objects.for_year(PlanYear.objects.get(year=2027)).count() == len(tree)


def test_copy_year_refuses_an_existing_year(official_client, tree, plan_year):
    response = official_client.post(
        reverse("followup:plan_year_list"), {"source": plan_year.pk, "year": 2026}
    )
    assert "Planåret 2026 finns redan" in response.content.decode()
    assert PlanYear.objects.count() == 1


def test_history_records_each_kind_of_change(secretary_client, secretary, tree, periods):
    node = tree["Läsa bättre"]
    _edit(secretary_client, node, "Läsa ännu bättre", node.version)
    secretary_client.post(
        reverse("goals:node_move", kwargs={"pk": node.pk}), {"parent": tree["Äldre bor kvar"].pk}
    )
    secretary_client.post(
        reverse("followup:assessment_entry", kwargs={"pk": periods[1].pk}),
        {
            f"status-{node.pk}": "partly_met",
            f"analysis-{node.pk}": "Halvvägs",
            f"version-{node.pk}": 0,
        },
    )
    records = list(Node.history.filter(id=node.pk).order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert records[1].title == "Läsa ännu bättre" and records[1].history_user == secretary
    assert records[2].parent_id == tree["Äldre bor kvar"].pk
    assessment = Assessment.objects.get(node=node)
    assert assessment.history.get().history_user == secretary
    page = secretary_client.get(node.get_absolute_url()).content.decode()
    assert "Historik" in page
    assert "Läsa bättre" in page and "Läsa ännu bättre" in page  # before → after
    assert "Halvvägs" in page
    services.node_delete(node=Node.objects.get(title="Lovskola"))
    assert Node.history.filter(title="Lovskola", history_type="-").exists()


def test_history_for_periods_plan_years_and_committees(official_client, tree, periods, committees):
    official_client.post(
        reverse("followup:period_action", kwargs={"pk": periods[1].pk}), {"action": "close"}
    )
    assert periods[1].history.filter(state="closed").exists()
    official_client.post(
        reverse("goals:committee_edit", kwargs={"pk": committees["bun"].pk}),
        {"name": "BUN ny", "short_name": "BUN", "slug": "bun", "order": 0, "is_active": "on"},
    )
    assert committees["bun"].history.filter(name="BUN ny").exists()
    official_client.post(
        reverse("followup:plan_year_list"), {"source": "", "year": 2028, "confirmed": "1"}
    )
    assert PlanYear.history.filter(year=2028, history_type="+").exists()


@pytest.mark.parametrize("goals", [3, 30])
def test_operational_plan_query_count(
    secretary_client, plan_year, committees, periods, goals, django_assert_num_queries
):
    grow_tree(plan_year, committees, goals)
    # Expect 8 queries:
    # * the session and the user
    # * the plan year, the committee
    # * the whole tree, in tree order
    # * the user's groups and committees, in one query (roles)
    # * the committee's operational plan (its state), its activities' plans
    with django_assert_num_queries(8):
        response = secretary_client.get(
            reverse("goals:operational_plan", kwargs={"year": 2026, "slug": "bun"})
        )
    assert response.status_code == 200


@pytest.mark.parametrize("goals", [3, 30])
def test_node_edit_form_query_count(
    secretary_client, plan_year, committees, goals, django_assert_num_queries
):
    nodes = grow_tree(plan_year, committees, goals)
    node = next(n for n in nodes if n.kind == "committee_goal" and n.committee.slug == "bun")
    # Expect 4 queries: session, user, the node with year/committee/parent, the
    # user's groups and committees (one query)
    with django_assert_num_queries(4):
        response = secretary_client.get(reverse("goals:node_edit", kwargs={"pk": node.pk}))
    assert response.status_code == 200


def test_official_reorders_municipal_goals_from_the_node_page(official_client, tree):
    node = tree["Äldre bor kvar"]
    page = official_client.get(node.get_absolute_url()).content.decode()
    assert reverse("goals:node_reorder", kwargs={"pk": node.pk}) in page
    official_client.post(reverse("goals:node_reorder", kwargs={"pk": node.pk}), {"direction": "up"})
    titles = list(
        Node.objects.filter(parent=tree["Trygg kommun"])
        .order_by("lft")
        .values_list("title", flat=True)
    )
    assert titles == ["Äldre bor kvar", "Fler i arbete"]
