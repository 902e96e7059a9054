"""The benchmark's synthetic years are valid trees, so `make bench` measures real pages."""

import pytest
from django.db import connection

from bench.synthetic import MINIMUM_NODES, committees_ensure, synthetic_year_build
from followup import counts
from followup.models import Assessment
from goals.integrity import tree_problems
from goals.models import Node, NodeKind, PlanYear


@pytest.mark.parametrize("size", [MINIMUM_NODES, 400])
def test_synthetic_year_is_a_valid_tree_of_the_asked_size(db, size):
    year = synthetic_year_build(year=2101, nodes=size, committees=committees_ensure())
    assert tree_problems(year.plan_year) == []
    assert Node.objects.for_year(year.plan_year).count() == year.node_count == size
    perspectives = Node.objects.for_year(year.plan_year).of_kind(NodeKind.PERSPECTIVE)
    titles = list(perspectives.order_by("lft").values_list("title", flat=True))
    assert titles == ["Kramforsbon", "Processer", "Medarbetare", "Ekonomi"]
    for period in year.periods:
        assert Assessment.objects.for_period(period).exists()
    assert Assessment.objects.count() == year.assessment_count


def test_synthetic_year_has_the_nodes_the_benchmark_measures(db):
    year = synthetic_year_build(year=2101, nodes=400, committees=committees_ensure())
    kinds = dict(Node.objects.values_list("pk", "kind"))
    assert kinds[year.vision_id] == NodeKind.VISION
    assert kinds[year.perspective_id] == NodeKind.PERSPECTIVE
    assert kinds[year.direction_goal_id] == NodeKind.DIRECTION_GOAL
    assert Node.objects.get(pk=year.direction_goal_id).parent_id == year.perspective_id
    assert kinds[year.busiest_municipal_goal_id] == NodeKind.MUNICIPAL_GOAL
    assert kinds[year.committee_goal_id] == NodeKind.COMMITTEE_GOAL
    assert kinds[year.activity_id] == NodeKind.ACTIVITY
    assert kinds[year.insert_parent_id] == NodeKind.COMMITTEE_GOAL
    assert kinds[year.move_node_id] == NodeKind.COMMITTEE_GOAL
    assert {kinds[pk] for pk in year.move_target_ids} == {NodeKind.MUNICIPAL_GOAL}


def test_too_small_a_synthetic_year_is_refused(db):
    with pytest.raises(ValueError):
        synthetic_year_build(year=2101, nodes=MINIMUM_NODES - 1, committees=committees_ensure())


def test_the_benchmarks_writes_run_and_leave_only_the_synthetic_year(db):
    """The timed writes (entry save, insert, move, copies) run on a small year, each
    checked by the benchmark itself; the copies are deleted again."""
    from bench import run

    year = synthetic_year_build(year=2101, nodes=MINIMUM_NODES, committees=committees_ensure())
    figures = run._entry(year, 1) + run._writes(year, 1) + run._copies(year, 1)
    assert len(figures) == 6
    assert list(PlanYear.objects.values_list("year", flat=True)) == [2101]
    assert counts.problems(year.plan_year.pk) == []
    connection.check_constraints()  # nothing left pointing at what was deleted


def test_the_red_thread_and_its_floor_are_timed_in_turns(db, monkeypatch):
    """Page and floor alternate, so both see the same drift in the machine's speed,
    and the page's query count is the page's own."""
    from bench import run
    from bench.readers import reader_client

    year = synthetic_year_build(year=2101, nodes=MINIMUM_NODES, committees=committees_ensure())
    calls: list[str] = []
    floor = run._floor(year)

    def floor_noted():
        calls.append("floor")
        return floor()

    monkeypatch.setattr(run, "_floor", lambda _year: floor_noted)
    client = reader_client()
    get = client.get

    def get_noted(url, *args, **kwargs):
        calls.append("page")
        return get(url, *args, **kwargs)

    monkeypatch.setattr(client, "get", get_noted)
    page, measured_floor = run._page_and_floor(client, run._red_thread_url(year), year, 3)
    # Two untimed pages (checked, then counted), a warm-up round, then three rounds in turns.
    assert calls == ["page", "page"] + ["page", "floor"] * 4
    assert page.queries > 1
    assert measured_floor.queries == 1
    assert 0 < page.min_ms <= page.ms
    assert 0 < measured_floor.min_ms <= measured_floor.ms


def test_synthetic_year_links_a_tenth_of_its_activities_by_the_rules(db):
    from goals import links
    from goals.linkmodels import NodeLink

    year = synthetic_year_build(year=2101, nodes=2000, committees=committees_ensure())
    activities = Node.objects.for_year(year.plan_year).of_kind(NodeKind.ACTIVITY).count()
    assert NodeLink.objects.for_year(year.plan_year).count() == year.link_count
    assert 0.05 * activities < year.link_count < 0.15 * activities
    sources = NodeLink.objects.for_year(year.plan_year).values_list("source_id", flat=True)
    links.links_recheck(list(sources))  # raises at the first link that breaks a rule
