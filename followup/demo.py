"""Example data: one plan year of Kramfors kommun's goal management.

The texts are made up for the demo but follow the shape of the municipality's
own model: the vision, the four perspectives with Kramforsbon first, an
inriktningsmål each, kommunövergripande mål under them, and the committees'
nämndmål and activities. Loading is idempotent: each object is looked up by
its natural key and created only when missing, so running it twice gives the
same data and never overwrites what someone has since edited.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from accounts.auth import mark_as_demo
from followup import counts
from followup.approvalmodels import CommitteeReport
from followup.demoagenda import demo_agenda_load
from followup.demoassignments import demo_assignments_load
from followup.demofigures import (
    DEMO_INDICATORS,
    demo_indicator_save,
)
from followup.demogeh import demo_geh_load
from followup.demokolada import demo_kolada_load
from followup.demolinks import demo_links_load
from followup.demotree import (
    ACTIVITY_ANALYSES,
    ACTIVITY_STATUS_CYCLE,
    ASSESSORS,
    COMMITTEES,
    GOAL_OPENINGS,
    MUNICIPAL_ASSESSOR,
    NEXT_STEPS,
    PERSPECTIVES,
    VISION,
)
from followup.indicators import outcome_status
from followup.models import (
    ActivityStatus,
    Assessment,
    GoalStatus,
    Period,
    PeriodKind,
    PeriodState,
    status_label,
)
from followup.rollup import suggest_status
from goals import services
from goals.approvalmodels import ApprovalState
from goals.models import Committee, Node, NodeKind, PlanYear
from goals.permissions import Role

DEMO_USERS = [
    ("tjansteperson", "Tina", "Tjänsteperson", Role.OFFICIAL, None),
    ("sekreterare", "Sara", "Sekreterare", Role.SECRETARY, "BUN"),
    ("sekreterare2", "Sune", "Sekreterare", Role.SECRETARY, "SN"),
    ("fortroendevald", "Frida", "Förtroendevald", Role.COUNCILLOR, None),
    ("revisor", "Rut", "Revisor", Role.AUDITOR, None),
]
DEMO_PASSWORD = "demo"


@dataclass
class DemoResult:
    plan_year: PlanYear
    created_nodes: int
    created_assessments: int
    users: list[str] = field(default_factory=list)


def demo_load(*, year: int) -> DemoResult:
    with transaction.atomic():
        committees = _committees()
        plan_year, _created = PlanYear.objects.get_or_create(year=year)
        interim, _annual = _periods(plan_year)
        loader = _TreeLoader(plan_year)
        vision = loader.child(None, NodeKind.VISION, *VISION)
        for title, description, direction_title, municipal_goals in PERSPECTIVES:
            perspective = loader.child(vision, NodeKind.PERSPECTIVE, title, description)
            direction = loader.child(perspective, NodeKind.DIRECTION_GOAL, direction_title, "")
            for municipal_title, committee_goals in municipal_goals:
                municipal = loader.child(direction, NodeKind.MUNICIPAL_GOAL, municipal_title, "")
                for short, goal_title, activities in committee_goals:
                    goal = loader.child(
                        municipal, NodeKind.COMMITTEE_GOAL, goal_title, "", committees[short]
                    )
                    for activity_title in activities:
                        loader.child(goal, NodeKind.ACTIVITY, activity_title, "", committees[short])
        demo_links_load(plan_year=plan_year)
        _indicators(plan_year, interim)
        users = _users(committees) if settings.DEMO else []
        created_assessments = _assessments(plan_year, interim)
        # Written in bulk, past the model: the roll-up counts are made afresh.
        counts.rebuild(plan_year.pk)
        demo_geh_load(plan_year=plan_year, interim=interim)
        demo_kolada_load(plan_year=plan_year)
        demo_assignments_load(plan_year=plan_year, interim=interim, committees=committees)
        demo_agenda_load(plan_year=plan_year)
        _decisions(plan_year, interim, committees)
    return DemoResult(plan_year, loader.created, created_assessments, users)


def _users(committees: dict[str, Committee]) -> list[str]:
    """The demo users, with their roles; a user that already exists is left as it is."""
    names = []
    for username, first, last, role, committee in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.se"},
        )
        if created or user.check_password(DEMO_PASSWORD):
            # Also one made before demo accounts were marked.
            mark_as_demo(user)
        if created:
            # The demo password is deliberately weak; it bypasses the validators.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if committee:
                committees[committee].members.add(user)
        names.append(username)
    return names


# The interim report's approval by each committee: two have approved it, one
# has it ready for its meeting, the others are still at work.
DEMO_APPROVALS = {
    "KS": ApprovalState.APPROVED,
    "BUN": ApprovalState.APPROVED,
    "SN": ApprovalState.READY,
}


def _decisions(plan_year: PlanYear, interim: Period, committees: dict[str, Committee]) -> None:
    """The council's adoption of the year's goals (in the November before, with
    the budget) and the committees' approvals of the interim report."""
    if not plan_year.is_adopted:
        services.plan_year_adopt(
            plan_year=plan_year,
            decision_body="Kommunfullmäktige",
            decided_on=datetime.date(plan_year.year - 1, 11, 24),
            paragraph="112",
            registration_number=f"KS {plan_year.year - 1}/301",
        )
    decided_on = interim.deadline + datetime.timedelta(days=7)
    for short, state in DEMO_APPROVALS.items():
        approved = state == ApprovalState.APPROVED
        CommitteeReport.objects.get_or_create(
            period=interim,
            committee=committees[short],
            defaults={
                "state": state,
                "decided_on": decided_on if approved else None,
                "paragraph": f"{40 + len(short)}" if approved else "",
                "registration_number": f"{short} {plan_year.year}/12" if approved else "",
            },
        )


def _committees() -> dict[str, Committee]:
    by_short = {}
    for order, (name, short, slug) in enumerate(COMMITTEES):
        committee, _created = Committee.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "order": order}
        )
        by_short[short] = committee
    return by_short


def _periods(plan_year: PlanYear) -> tuple[Period, Period]:
    periods = []
    for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
        cutoff, deadline = Period.default_dates(kind, plan_year.year)
        # A period whose deadline has passed is shown as it would be by now:
        # closed and published.
        past = deadline < timezone.localdate()
        period, _created = Period.objects.get_or_create(
            plan_year=plan_year,
            cutoff_date=cutoff,
            defaults={
                "kind": kind,
                "deadline": deadline,
                "state": PeriodState.PUBLISHED if past else PeriodState.OPEN,
                "published_at": timezone.now() if past else None,
            },
        )
        periods.append(period)
    interim, annual = periods
    return interim, annual


class _TreeLoader:
    def __init__(self, plan_year: PlanYear) -> None:
        self.plan_year = plan_year
        self.created = 0

    def child(
        self,
        parent: Node | None,
        kind: str,
        title: str,
        description: str,
        committee: Committee | None = None,
    ) -> Node:
        existing = Node.objects.filter(
            plan_year=self.plan_year, parent=parent, kind=kind, title=title
        ).first()
        if existing is not None:
            return existing
        self.created += 1
        return services.node_create(
            plan_year=self.plan_year,
            parent=parent,
            kind=kind,
            title=title,
            description=description,
            committee=committee,
        )


def _assessments(plan_year: PlanYear, period: Period) -> int:
    """Assess most goals and activities in the interim report; every fifth is left open.

    Activities take their statuses in turn. Each goal's status then follows
    from what lies under it and from its nyckeltal, the way the suggestion on
    its page is made, and its analysis says why in its own figures; in each
    perspective at least one goal is not met. Each assessment is dated in the
    week before the cut-off, by the demo user of its committee.
    """
    assessed = set(Assessment.objects.for_period(period).values_list("node_id", flat=True))
    nodes = list(
        Node.objects.for_year(plan_year)
        .in_tree_order()
        .of_kind(
            NodeKind.DIRECTION_GOAL,
            NodeKind.MUNICIPAL_GOAL,
            NodeKind.COMMITTEE_GOAL,
            NodeKind.ACTIVITY,
        )
        .select_related("committee")
    )
    open_ids = {node.pk for index, node in enumerate(nodes) if index % 5 == 4}
    activity_statuses = {
        node.pk: ACTIVITY_STATUS_CYCLE[index % len(ACTIVITY_STATUS_CYCLE)]
        for index, node in enumerate(nodes)
        if node.kind == NodeKind.ACTIVITY and node.pk not in open_ids
    }
    indicator_facts = _indicator_facts(period)
    statuses = _goal_statuses(nodes, activity_statuses, indicator_facts, open_ids)
    for goal in _one_not_met_in_each_perspective(
        nodes, statuses, indicator_facts, activity_statuses
    ):
        for child in nodes:
            if child.parent_id == goal.pk and child.pk in activity_statuses:
                activity_statuses[child.pk] = ActivityStatus.NOT_STARTED
        statuses = _goal_statuses(nodes, activity_statuses, indicator_facts, open_ids)
    statuses.update(activity_statuses)

    users = {user.username: user for user in User.objects.filter(username__in=_assessor_names())}
    cutoff = timezone.make_aware(datetime.datetime.combine(period.cutoff_date, datetime.time()))
    new = []
    for index, node in enumerate(nodes):
        if node.pk in open_ids or node.pk in assessed or node.pk not in statuses:
            continue
        status = statuses[node.pk]
        if node.kind == NodeKind.ACTIVITY:
            texts = ACTIVITY_ANALYSES[status]
            analysis = texts[index % len(texts)]
        else:
            analysis = _goal_analysis(node, status, nodes, statuses, indicator_facts, index)
        short = node.committee.short_name if node.committee else None
        new.append(
            Assessment(
                node=node,
                period=period,
                status=status,
                analysis=analysis,
                updated_by=users.get(ASSESSORS.get(short, MUNICIPAL_ASSESSOR)),
                forecast_status=_forecast(node, status, index),
            )
        )
    Assessment.objects.bulk_create(new)
    # Dated before the cut-off, spread over the week before it; the model dates
    # each save itself, so the dates are written afterwards.
    for index, assessment in enumerate(new):
        Assessment.objects.filter(pk=assessment.pk).update(
            updated_at=cutoff - datetime.timedelta(days=1 + index % 7, hours=index % 9)
        )
    return len(new)


def _forecast(node: Node, status: str, index: int) -> str:
    """A municipal goal's forecast for the full year in the interim report: most
    goals partly met by August are forecast to be met by December. The demo
    gives none for the direction goals and the committees' goals."""
    if node.kind != NodeKind.MUNICIPAL_GOAL:
        return ""
    if status == GoalStatus.PARTLY_MET and index % 3:
        return GoalStatus.MET
    return status


def _assessor_names() -> list[str]:
    return [*ASSESSORS.values(), MUNICIPAL_ASSESSOR]


def _indicator_facts(period: Period) -> dict[str, list[tuple[str, str, str, str]]]:
    """Per goal title, its demo nyckeltal as (name, outcome, target, status) texts."""
    facts: dict[str, list[tuple[str, str, str, str]]] = {}
    for goal, name, unit, direction, _baseline, target, _kpi, outcome in DEMO_INDICATORS:
        status = outcome_status(
            target=Decimal(target), outcome=Decimal(outcome), direction=direction
        )
        shown = f" {unit}" if unit else ""
        facts.setdefault(goal, []).append(
            (
                name,
                f"{outcome.replace('.', ',')}{shown}",
                f"{target.replace('.', ',')}{shown}",
                status,
            )
        )
    return facts


def _goal_statuses(
    nodes: list[Node],
    activity_statuses: dict[int, str],
    indicator_facts: dict[str, list[tuple[str, str, str, str]]],
    open_ids: set[int],
) -> dict[int, str]:
    """Each assessed goal's status from its assessed children's and its nyckeltal's,
    deepest first; a goal with nothing to go on is not assessed."""
    statuses: dict[int, str] = dict(activity_statuses)
    goals: dict[int, str] = {}
    for node in reversed(nodes):
        if node.kind == NodeKind.ACTIVITY or node.pk in open_ids:
            continue
        inputs = [
            statuses[child.pk]
            for child in nodes
            if child.parent_id == node.pk and child.pk in statuses
        ]
        inputs += [fact[3] for fact in indicator_facts.get(node.title, [])]
        status = suggest_status(inputs) or GoalStatus.NOT_ASSESSED
        statuses[node.pk] = goals[node.pk] = status
    return goals


def _one_not_met_in_each_perspective(
    nodes: list[Node],
    statuses: dict[int, str],
    indicator_facts: dict[str, list[tuple[str, str, str, str]]],
    activity_statuses: dict[int, str],
) -> list[Node]:
    """In each perspective without a goal not met, its last assessed committee
    goal with assessed activities and no nyckeltal met: its activities are
    made not started."""
    by_id = {node.pk: node for node in nodes}

    def perspective_of(node: Node) -> int:
        while node.parent_id in by_id:
            node = by_id[node.parent_id]
        return node.parent_id  # a direction goal's parent is the perspective

    has_not_met = {
        perspective_of(node) for node in nodes if statuses.get(node.pk) == GoalStatus.NOT_MET
    }
    chosen: dict[int, Node] = {}
    for node in nodes:
        perspective = perspective_of(node)
        if (
            node.kind == NodeKind.COMMITTEE_GOAL
            and perspective not in has_not_met
            and node.pk in statuses
            and any(child.parent_id == node.pk and child.pk in activity_statuses for child in nodes)
            and not any(fact[3] == GoalStatus.MET for fact in indicator_facts.get(node.title, []))
        ):
            chosen[perspective] = node
    return list(chosen.values())


def _goal_analysis(
    node: Node,
    status: str,
    nodes: list[Node],
    statuses: dict[int, str],
    indicator_facts: dict[str, list[tuple[str, str, str, str]]],
    index: int,
) -> str:
    """The goal's analysis: its status, its nyckeltal against their targets, how
    far what lies under it has come, and the next step."""
    parts = [GOAL_OPENINGS.get(status, "Målet har inte kunnat bedömas ännu.")]
    for name, outcome, target, _status in indicator_facts.get(node.title, []):
        parts.append(
            f"Nyckeltalet {name.lower()} var {outcome} vid delåret, mot målvärdet {target}."
        )
    children = [child for child in nodes if child.parent_id == node.pk]
    activities = bool(children) and children[0].kind == NodeKind.ACTIVITY
    counted = Counter(statuses[child.pk] for child in children if child.pk in statuses)
    if len(children) == 1:
        child = children[0]
        what = "Den enda aktiviteten" if activities else "Det enda underliggande målet"
        child_status = statuses.get(child.pk)
        if child_status == ActivityStatus.IN_PROGRESS:
            parts.append(f"{what}, {child.title.lower()}, pågår.")
        elif child_status:
            parts.append(f"{what}, {child.title.lower()}, är {status_label(child_status)}.")
        else:
            parts.append(f"{what}, {child.title.lower()}, är ännu inte bedömd.")
    elif children:
        what = "aktiviteterna" if activities else "de underliggande målen"
        summary = ", ".join(
            f"{number} {status_label(child_status)}"
            for child_status, number in counted.most_common()
        )
        unassessed = len(children) - sum(counted.values())
        if unassessed:
            summary += (", " if summary else "") + (
                f"{unassessed} ännu inte bedömd" + ("a" if unassessed > 1 else "")
            )
        parts.append(f"Av {what} är {summary}.")
        # The ones that hold the goal back, by name.
        behind = [
            child.title
            for child in children
            if statuses.get(child.pk)
            in (GoalStatus.NOT_MET, ActivityStatus.NOT_STARTED, ActivityStatus.CANCELLED)
        ]
        if behind:
            parts.append(f"Det som ligger efter: {'; '.join(behind)}.")
    steps = NEXT_STEPS.get(status, [])
    if steps:
        parts.append(steps[index % len(steps)])
    return " ".join(parts)


def _indicators(plan_year: PlanYear, period: Period) -> None:
    """The demo indicators and their interim outcomes; existing ones are left as they are."""
    goals = {
        node.title: node
        for node in Node.objects.for_year(plan_year).of_kind(
            NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL
        )
    }
    for order, (goal, name, unit, direction, baseline, target, kpi, outcome) in enumerate(
        DEMO_INDICATORS
    ):
        if goal not in goals:
            continue
        demo_indicator_save(
            node=goals[goal],
            name=name,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            kpi=kpi,
            order=order,
            period=period,
            outcome={"value": Decimal(outcome), "source": "Kolada" if kpi else ""},
        )


def demo_year() -> int:
    return timezone.localdate().year
