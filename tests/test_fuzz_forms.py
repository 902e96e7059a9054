"""Whatever is typed or tampered into a form: never a server error, never a
partial write."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.models import Assessment, Period
from goals.integrity import tree_problems
from goals.models import Committee, Node
from tests.factories import build_tree

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK_STATUSES = {200, 302, 400, 403, 404, 405, 409}

# Text as people and attackers type it: any unicode, markup, very long, numbers.
texts = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "'; DROP TABLE x; --", "x" * 30000]),
    st.integers().map(str),
)
ids = st.one_of(
    st.integers(min_value=-5, max_value=10**12).map(str),
    st.sampled_from([str(2**63), str(10**30), "-" + str(2**64)]),
    texts,
)


@pytest.fixture
def world(plan_year, committees, periods):
    return build_tree(
        plan_year,
        """
        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Lovskola [bun]
                Kortare bidrag [sn]
        """,
    )


def _tree_state():
    return list(
        Node.objects.order_by("pk").values_list("pk", "title", "description", "lft", "rght")
    )


@FUZZ
@given(title=texts, description=texts, version=ids)
def test_node_edit_form(client, secretary, world, plan_year, title, description, version):
    client.force_login(secretary)
    node = world["Läsa bättre"]
    response = client.post(
        reverse("goals:node_edit", kwargs={"pk": node.pk}),
        {"title": title, "description": description, "version": version},
    )
    assert response.status_code in OK_STATUSES
    current = Node.objects.get(pk=node.pk)
    if response.status_code != 302:
        assert current.version == Node.objects.get(pk=node.pk).version
    assert 0 < len(current.title) <= 300
    assert tree_problems(plan_year) == []


@FUZZ
@given(title=texts, committee=ids, parent=ids)
def test_node_add_form(client, secretary, world, plan_year, title, committee, parent):
    client.force_login(secretary)
    before = Node.objects.count()
    response = client.post(
        reverse("goals:node_add", kwargs={"pk": world["Fler i arbete"].pk}),
        {"title": title, "committee": committee, "parent": parent},
    )
    assert response.status_code in OK_STATUSES
    created = Node.objects.count() - before
    assert created == (1 if response.status_code == 302 else 0)
    assert not Node.objects.filter(committee__slug="sn").exclude(title="Kortare bidrag").exists()
    assert tree_problems(plan_year) == []


@FUZZ
@given(parent=ids)
def test_node_move_form(client, secretary, world, plan_year, parent):
    client.force_login(secretary)
    before = _tree_state()
    response = client.post(
        reverse("goals:node_move", kwargs={"pk": world["Läsa bättre"].pk}), {"parent": parent}
    )
    assert response.status_code in OK_STATUSES
    if response.status_code != 302:
        assert _tree_state() == before
    assert tree_problems(plan_year) == []


@FUZZ
@given(
    statuses=st.lists(
        st.one_of(st.sampled_from(["met", "done", "bogus", ""]), texts), min_size=2, max_size=2
    ),
    analyses=st.lists(texts, min_size=2, max_size=2),
    versions=st.lists(ids, min_size=2, max_size=2),
)
def test_assessment_entry_saves_all_or_nothing(
    client, secretary, world, periods, statuses, analyses, versions
):
    client.force_login(secretary)
    nodes = [world["Läsa bättre"], world["Lovskola"]]
    data = {}
    for node, status, analysis, version in zip(nodes, statuses, analyses, versions, strict=True):
        data |= {
            f"status-{node.pk}": status,
            f"analysis-{node.pk}": analysis,
            f"version-{node.pk}": version,
        }
    before = list(
        Assessment.objects.order_by("pk").values_list("pk", "status", "analysis", "version")
    )
    response = client.post(periods[1].entry_url(), data)
    assert response.status_code in OK_STATUSES
    after = list(
        Assessment.objects.order_by("pk").values_list("pk", "status", "analysis", "version")
    )
    if response.status_code != 302:
        assert after == before  # a refusal writes nothing at all


@FUZZ
@given(kind=texts, title=texts, cutoff=texts, deadline=texts, version=ids)
def test_period_form(client, official, world, kind, title, cutoff, deadline, version):
    client.force_login(official)
    before = list(Period.objects.order_by("pk").values_list("pk", "cutoff_date", "deadline"))
    response = client.post(
        reverse("followup:period_add", kwargs={"year": 2026}),
        {
            "kind": kind,
            "title": title,
            "cutoff_date": cutoff,
            "deadline": deadline,
            "version": version,
        },
    )
    assert response.status_code in OK_STATUSES
    if response.status_code != 302:
        assert (
            list(Period.objects.order_by("pk").values_list("pk", "cutoff_date", "deadline"))
            == before
        )


@FUZZ
@given(name=texts, slug=texts, order=ids, members=st.lists(ids, max_size=3))
def test_committee_form(client, official, world, name, slug, order, members):
    client.force_login(official)
    before = Committee.objects.count()
    response = client.post(
        reverse("goals:committee_add"),
        {"name": name, "slug": slug, "order": order, "members": members},
    )
    assert response.status_code in OK_STATUSES
    assert Committee.objects.count() == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(username=texts, email=texts, role=texts, committees=st.lists(ids, max_size=3))
def test_user_form(client, official, world, username, email, role, committees):
    from django.contrib.auth.models import User

    client.force_login(official)
    before = User.objects.count()
    response = client.post(
        reverse("goals:user_add"),
        {"username": username, "email": email, "role": role, "committees": committees},
    )
    assert response.status_code in OK_STATUSES
    assert User.objects.count() == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(period=ids, committee=ids, perspective=ids, status=texts)
def test_red_thread_filters(client, councillor, world, period, committee, perspective, status):
    client.force_login(councillor)
    response = client.get(
        reverse("followup:red_thread", kwargs={"year": 2026}),
        {"period": period, "committee": committee, "perspective": perspective, "status": status},
    )
    assert response.status_code == 200


@pytest.fixture
def indicator(world):
    from followup.indicatormodels import Indicator

    return Indicator.objects.create(node=world["Läsa bättre"], name="Andel", target=80)


def _indicators():
    from followup.indicatormodels import Indicator, IndicatorOutcome

    return (
        list(Indicator.objects.order_by("pk").values_list("pk", "name", "target", "version")),
        list(IndicatorOutcome.objects.order_by("pk").values_list("pk", "value", "version")),
    )


@FUZZ
@given(
    name=texts,
    unit=texts,
    baseline=texts,
    target=st.one_of(texts, st.sampled_from(["1e400", "-0", "12,5", "1 000", "NaN", "∞"])),
    direction=texts,
    kpi=texts,
    order=ids,
    version=ids,
)
def test_indicator_form(
    client, secretary, indicator, name, unit, baseline, target, direction, kpi, order, version
):
    client.force_login(secretary)
    before = _indicators()
    response = client.post(
        reverse("followup:indicator_edit", kwargs={"pk": indicator.pk}),
        {
            "name": name,
            "unit": unit,
            "baseline": baseline,
            "target": target,
            "direction": direction,
            "kolada_kpi": kpi,
            "order": order,
            "version": version,
        },
    )
    assert response.status_code in OK_STATUSES
    if response.status_code != 302:
        assert _indicators() == before


@FUZZ
@given(
    value=st.one_of(texts, st.sampled_from(["1e400", "12,5", "-3", "9" * 30])),
    source=texts,
    version=ids,
    action=st.sampled_from(["", "delete", "x"]),
)
def test_outcome_form(client, secretary, indicator, periods, value, source, version, action):
    client.force_login(secretary)
    before = _indicators()
    response = client.post(
        reverse("followup:outcome_edit", kwargs={"pk": indicator.pk, "period_pk": periods[1].pk}),
        {"value": value, "source": source, "version": version, "action": action},
    )
    assert response.status_code in OK_STATUSES
    if response.status_code != 302:
        assert _indicators() == before


@FUZZ
@given(q=texts, year=ids)
def test_search_form(client, councillor, world, q, year):
    client.force_login(councillor)
    response = client.get(reverse("followup:search"), {"q": q, "ar": year})
    assert response.status_code in {200, 400, 404}


@FUZZ
@given(username=texts, password=texts)
def test_login_form(client, councillor, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in {200, 302}


@FUZZ
@given(result=texts, gains=texts, year=ids, amount=texts, version=ids)
def test_balance_statement_form(client, official, periods, result, gains, year, amount, version):
    from followup.gehmodels import BalanceDeficit, BalanceStatement

    client.force_login(official)
    before = (BalanceStatement.objects.count(), BalanceDeficit.objects.count())
    response = client.post(
        reverse("followup:balance_statement_edit", kwargs={"pk": periods[1].pk}),
        {
            "result": result,
            "capital_gains": gains,
            "deficit-0-arose_in": year,
            "deficit-0-amount": amount,
            "deficit-0-restore_by": year,
            "version": version,
        },
    )
    assert response.status_code in OK_STATUSES
    if response.status_code != 302:
        assert (BalanceStatement.objects.count(), BalanceDeficit.objects.count()) == before


@pytest.fixture
def link_world(world, plan_year, committees):
    """The world with a second municipal goal, and a goal of another year."""
    from goals import services

    world["Trygghet"] = services.node_create(
        plan_year=plan_year, parent=world["Trygg kommun"], kind="municipal_goal", title="Trygghet"
    )
    other_year = services.plan_year_create(year=2027)
    world["Annat år"] = build_tree(other_year, "Vision\n  P\n    R\n      Annat år")["Annat år"]
    return world


@FUZZ
@given(
    target=st.one_of(
        st.sampled_from(
            ["Trygghet", "Fler i arbete", "Läsa bättre", "Lovskola", "Kortare bidrag", "Annat år"]
        ),
        ids,
    ),
    action=st.one_of(st.sampled_from(["add", "remove"]), texts),
)
def test_link_form(client, secretary, link_world, plan_year, target, action):
    from goals import rules
    from goals.linkmodels import NodeLink

    client.force_login(secretary)
    source = link_world["Läsa bättre"]
    before = set(NodeLink.objects.values_list("source_id", "target_id"))
    target_id = str(link_world[target].pk) if target in link_world else target
    response = client.post(
        reverse("goals:node_links", kwargs={"pk": source.pk}),
        {"target": target_id, "action": action},
    )
    assert response.status_code in OK_STATUSES
    after = set(NodeLink.objects.values_list("source_id", "target_id"))
    if response.status_code != 302:
        assert after == before  # refused: nothing changed, and the form says why
        assert 'class="form-errors"' in response.content.decode()
    # Every link there is obeys the rules.
    for link in NodeLink.objects.select_related("source", "target"):
        assert link.target_id == link_world["Trygghet"].pk
        assert (
            rules.link_error(
                source=(link.source_id, link.source.kind, link.source.plan_year_id, 1),
                target=(link.target_id, link.target.kind, link.target.plan_year_id, 1),
                parent_id=link.source.parent_id,
            )
            is None
        )
    assert tree_problems(plan_year) == []
