"""The roll-up counts kept for every goal change with each write, in its transaction.

Besides these tests, tests/conftest.py compares every year's kept counts with
a fresh count after every test of the suite.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from followup import counts
from followup import services as followup_services
from followup.models import Assessment, Period, PeriodKind, SubtreeCount
from goals import services
from goals.locking import tree_lock
from tests.factories import TWO_PERSPECTIVES, build_tree


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, TWO_PERSPECTIVES)


def _read(node, period):
    return counts.read(node.pk, period.pk)


def test_a_new_year_counts_every_goal_and_activity_as_not_reported(tree, periods):
    for period in periods:
        assert _read(tree["Vision"], period) == {"missing": 9}
        assert _read(tree["Fler i arbete"], period) == {"missing": 4}
        assert _read(tree["Läsa bättre"], period) == {"missing": 2}
        assert _read(tree["Lovskola"], period) == {}


def test_an_assessment_saved_and_changed_moves_one_count_at_every_ancestor(tree, periods):
    interim, annual = periods
    assessment = Assessment.objects.create(node=tree["Lovskola"], period=interim, status="done")
    for title in ("Läsa bättre", "Fler i arbete", "Trygg kommun", "Kramforsbon", "Vision"):
        assert _read(tree[title], interim)["done"] == 1, title
    assert _read(tree["Läsa bättre"], interim) == {"done": 1, "missing": 1}
    assert _read(tree["Ekonomi"], interim) == {"missing": 2}
    assert _read(tree["Vision"], annual) == {"missing": 9}  # the other period is untouched
    assessment.status = "in_progress"
    assessment.save()
    assert _read(tree["Vision"], interim) == {"in_progress": 1, "missing": 8}
    assessment.delete()
    assert _read(tree["Vision"], interim) == {"missing": 9}


def test_saving_the_entry_form_changes_the_counts_with_the_statuses(tree, periods, secretary):
    interim = periods[0]
    entries = [
        followup_services.Entry(node=tree["Läsa bättre"], status="met", analysis="", version=0),
        followup_services.Entry(node=tree["Lovskola"], status="done", analysis="", version=0),
    ]
    followup_services.assessments_save(period=interim, entries=entries, user=secretary)
    assert _read(tree["Fler i arbete"], interim) == {"met": 1, "done": 1, "missing": 2}
    entries = [
        followup_services.Entry(node=tree["Läsa bättre"], status="not_met", analysis="", version=1),
        followup_services.Entry(node=tree["Lovskola"], status="done", analysis="", version=1),
    ]
    followup_services.assessments_save(period=interim, entries=entries, user=secretary)
    assert _read(tree["Fler i arbete"], interim) == {"not_met": 1, "done": 1, "missing": 2}
    assert _read(tree["Vision"], interim) == {"not_met": 1, "done": 1, "missing": 7}


def test_a_refused_save_leaves_the_counts_as_they_were(tree, periods, secretary):
    interim = periods[0]
    stale = [followup_services.Entry(node=tree["Lovskola"], status="done", analysis="", version=3)]
    with pytest.raises(followup_services.StaleAssessmentsError):
        followup_services.assessments_save(period=interim, entries=stale, user=secretary)
    assert _read(tree["Vision"], interim) == {"missing": 9}


def test_a_new_node_is_counted_under_each_ancestor_in_each_period(tree, periods, committees):
    Assessment.objects.create(node=tree["Lovskola"], period=periods[0], status="done")
    services.node_create(
        plan_year=tree["Vision"].plan_year,
        parent=tree["Läsa bättre"],
        kind="activity",
        title="Sommarläsning",
        committee=committees["bun"],
    )
    assert _read(tree["Läsa bättre"], periods[0]) == {"done": 1, "missing": 2}
    assert _read(tree["Vision"], periods[0]) == {"done": 1, "missing": 9}
    assert _read(tree["Vision"], periods[1]) == {"missing": 10}
    # A perspective is not assessed: a new one adds nothing to the vision.
    services.node_create(
        plan_year=tree["Vision"].plan_year, parent=tree["Vision"], kind="perspective", title="Ny"
    )
    assert _read(tree["Vision"], periods[1]) == {"missing": 10}


def test_a_moved_subtree_takes_its_counts_from_the_old_ancestors_to_the_new(tree, periods):
    interim = periods[0]
    for title, status in [("Läsa bättre", "met"), ("Lovskola", "done")]:
        Assessment.objects.create(node=tree[title], period=interim, status=status)
    # Läsa bättre (with its two activities) from Fler i arbete to Budget i balans.
    services.node_move(
        node=tree["Läsa bättre"], target=tree["Budget i balans"], position="last-child"
    )
    assert _read(tree["Fler i arbete"], interim) == {"missing": 1}
    assert _read(tree["Trygg kommun"], interim) == {"missing": 3}
    assert _read(tree["Budget i balans"], interim) == {"met": 1, "done": 1, "missing": 1}
    assert _read(tree["Ekonomi"], interim) == {"met": 1, "done": 1, "missing": 3}
    assert _read(tree["Vision"], interim) == {"met": 1, "done": 1, "missing": 7}
    assert _read(tree["Läsa bättre"], interim) == {"done": 1, "missing": 1}  # its own: unchanged


def test_reordering_siblings_changes_no_count(tree, periods):
    before = counts.stored(tree["Vision"].plan_year_id)
    services.node_move(node=tree["Lovskola"], target=tree["Läsfrämjande insats"], position="right")
    assert counts.stored(tree["Vision"].plan_year_id) == before


def test_a_parent_changed_and_saved_moves_the_counts_too(tree, periods):
    """django-mptt moves a node whose parent is changed and saved; the counts follow."""
    interim = periods[0]
    Assessment.objects.create(node=tree["Kortare försörjningsstöd"], period=interim, status="met")
    node = tree["Kortare försörjningsstöd"]
    node.parent = tree["Budget i balans"]
    with tree_lock(node.plan_year_id):
        node.save()
    assert _read(tree["Fler i arbete"], interim) == {"missing": 3}
    assert _read(tree["Budget i balans"], interim) == {"met": 1}
    assert _read(tree["Ekonomi"], interim) == {"met": 1, "missing": 2}


def test_a_deleted_subtree_is_taken_from_its_ancestors(tree, periods):
    interim = periods[0]
    Assessment.objects.create(node=tree["Lovskola"], period=interim, status="done")
    services.node_delete(node=tree["Fler i arbete"])
    assert _read(tree["Trygg kommun"], interim) == {"missing": 1}
    assert _read(tree["Vision"], interim) == {"missing": 4}
    assert not SubtreeCount.objects.filter(node_id=tree["Läsa bättre"].pk).exists()


def test_a_new_period_starts_with_every_count_not_reported(tree, plan_year):
    period = Period.objects.create(
        plan_year=plan_year,
        kind=PeriodKind.INTERIM,
        title="Extra",
        cutoff_date="2026-04-30",
        deadline="2026-05-15",
    )
    assert _read(tree["Vision"], period) == {"missing": 9}
    assert _read(tree["Läsa bättre"], period) == {"missing": 2}


def test_a_write_that_fails_leaves_no_count_changed(tree, periods):
    interim = periods[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        Assessment.objects.create(node=tree["Lovskola"], period=interim, status="done")
        raise RuntimeError
    assert _read(tree["Vision"], interim) == {"missing": 9}


def test_a_started_year_has_counts_for_its_periods(tree, plan_year):
    new_year = followup_services.plan_year_start(source=plan_year, year=2027)
    vision = new_year.nodes.get(kind="vision")
    for period in new_year.periods.all():
        assert counts.read(vision.pk, period.pk) == {"missing": 9}


def test_counts_are_never_stale_in_the_problems_check(tree, periods):
    assert counts.problems(tree["Vision"].plan_year_id) == []
    SubtreeCount.objects.filter(node=tree["Vision"], period=periods[0]).update(number=3)
    problems = counts.problems(tree["Vision"].plan_year_id)
    assert problems == [
        f"node {tree['Vision'].pk}, period {periods[0].pk}, missing: kept 3, counted 9"
    ]
    counts.rebuild(tree["Vision"].plan_year_id)
    assert counts.problems(tree["Vision"].plan_year_id) == []


def test_check_counts_reports_and_repairs(tree, periods, capsys):
    call_command("check_counts")
    assert "2026: ok" in capsys.readouterr().out
    SubtreeCount.objects.filter(node=tree["Fler i arbete"]).delete()
    with pytest.raises(CommandError, match="1 plan year"):
        call_command("check_counts")
    assert "2026: 2 counts differ" in capsys.readouterr().out
    call_command("check_counts", "--repair")
    assert "repaired" in capsys.readouterr().out
    call_command("check_counts", "--year", "2026")
    assert counts.problems(tree["Vision"].plan_year_id) == []
    with pytest.raises(CommandError, match="No plan year 1999"):
        call_command("check_counts", "--year", "1999")


def test_the_node_page_shows_the_kept_counts(councillor_client, tree, periods):
    # The page shows the latest period whose cut-off has passed (or the first).
    for period in periods:
        Assessment.objects.create(node=tree["Lovskola"], period=period, status="done")
    html = councillor_client.get(tree["Vision"].get_absolute_url()).content.decode()
    assert "1 genomförd" in html and "8 ej rapporterade" in html
