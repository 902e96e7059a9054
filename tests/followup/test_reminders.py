"""send_reminders: who gets one, what it lists, and never twice a day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from followup.due import reminders_send
from followup.models import Assessment, ReminderLog
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
              Läsläxa [bun]
            Kortare bidrag [sn]
"""


@pytest.fixture
def tree(plan_year, committees, periods, settings):
    settings.REMINDER_DAYS_BEFORE = [7, 1]
    return build_tree(plan_year, OUTLINE)


@pytest.fixture
def annual(periods):
    return periods[1]


def _days_before(period, days):
    return period.deadline - datetime.timedelta(days=days)


def test_secretaries_get_what_is_still_unassessed(tree, annual, secretary, secretary2):
    Assessment.objects.create(node=tree["Lovskola"], period=annual, status="done")
    sent = reminders_send(today=_days_before(annual, 7))
    assert {log.committee.slug for log in sent} == {"bun", "sn"}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    bun = by_recipient["secretary@example.se"]
    assert "Läsa bättre" in bun.body and "Läsläxa" in bun.body
    assert "Lovskola" not in bun.body  # already assessed
    assert "Kortare bidrag" not in bun.body  # another committee's
    assert "Påminnelse" in bun.subject
    assert annual.entry_url() in bun.body
    assert "Kortare bidrag" in by_recipient["secretary2@example.se"].body


def test_never_twice_for_the_same_period_and_day(tree, annual, secretary):
    today = _days_before(annual, 7)
    reminders_send(today=today)
    reminders_send(today=today)
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_again_on_the_next_configured_day(tree, annual, secretary):
    reminders_send(today=_days_before(annual, 7))
    reminders_send(today=_days_before(annual, 1))
    assert len(mail.outbox) == 2


def test_not_on_other_days(tree, annual, secretary):
    assert reminders_send(today=_days_before(annual, 3)) == []
    assert mail.outbox == []


def test_not_for_a_closed_period(tree, annual, secretary):
    annual.close()
    assert reminders_send(today=_days_before(annual, 7)) == []


def test_not_when_everything_is_assessed(tree, annual, secretary):
    for title in ["Läsa bättre", "Lovskola", "Läsläxa"]:
        Assessment.objects.create(
            node=tree[title], period=annual, status="met" if title == "Läsa bättre" else "done"
        )
    sent = reminders_send(today=_days_before(annual, 7))
    assert [log.committee.slug for log in sent] == []


def test_only_active_secretaries_with_an_address(tree, annual, secretary, councillor, committees):
    committees["bun"].members.add(councillor)  # a councillor is no secretary
    reminders_send(today=_days_before(annual, 7))
    assert [m.to for m in mail.outbox] == [["secretary@example.se"]]


def test_the_command(tree, annual, secretary, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: _days_before(annual, 1))
    call_command("send_reminders")
    assert len(mail.outbox) == 1


def test_assignments_not_followed_up_are_in_the_reminder(
    tree, annual, committees, secretary, secretary2, plan_year
):
    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    for node in tree.values():
        if node.committee_id:
            Assessment.objects.create(
                node=node, period=annual, status="done" if node.kind == "activity" else "met"
            )
    pending = Assignment.objects.create(
        plan_year=plan_year, committee=committees["bun"], title="Utred skolskjutsarna"
    )
    done = Assignment.objects.create(
        plan_year=plan_year, committee=committees["bun"], title="Utred lokalerna"
    )
    AssignmentFollowup.objects.create(assignment=done, period=annual, status="done")
    sent = reminders_send(today=_days_before(annual, 7))
    # Every goal is assessed: BUN is reminded of its assignment alone, SN of nothing.
    assert [log.committee.slug for log in sent] == ["bun"]
    [message] = mail.outbox
    assert pending.title in message.body and done.title not in message.body
    assert "Dessa uppdrag har inte följts upp än:" in message.body
