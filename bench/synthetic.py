"""Synthetic plan years of a given size, built in bulk.

A year of 50,000 nodes built through `goals.services.node_create` one node at
a time would take many minutes, because every insert renumbers the nested
sets. Here the whole tree is laid out in Python first, its `lft`/`rght`/
`level` numbers computed in one depth-first walk, and the rows written with
`bulk_create`, one level at a time so that every parent has its id before its
children are written. `bulk_create` bypasses `Node.save()` and so its check
that the tree is locked: the builder takes `tree_lock` itself.

The shape follows the steering model: one vision, four perspectives with one
direction goal each, 5–15 municipal goals under each direction goal, and every
committee's goals (each with 1–12 activities) spread over the municipal goals,
grouped by committee, until the tree has exactly the number of nodes asked for.
Every assessable node gets an assessment in both periods, a few left out as
"not reported". Every municipal and committee goal gets an indicator (every
third one a second) with a baseline, a target, a direction and an outcome in
each period. One activity in ten (LINKED_ACTIVITIES) also supports another
committee goal of its committee (goals/linkmodels.py), so the röd tråd is
measured with its references. The same seed gives the same tree.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from followup import counts
from followup.indicatormodels import Indicator, IndicatorDirection, IndicatorOutcome
from followup.models import ActivityStatus, Assessment, GoalStatus, Period, PeriodKind
from goals.integrity import tree_problems
from goals.linkmodels import NodeLink
from goals.locking import tree_lock
from goals.models import ASSESSABLE_KINDS, Committee, Node, NodeKind, PlanYear
from goals.rules import INDICATOR_KINDS

COMMITTEES = [
    # (name, short name, slug)
    ("Kommunstyrelsen", "KS", "ks"),
    ("Barn- och utbildningsnämnden", "BUN", "bun"),
    ("Socialnämnden", "SN", "sn"),
    ("Miljö-, bygg- och hälsoskyddsnämnden", "MBHN", "mbhn"),
    ("Kultur- och fritidsnämnden", "KFN", "kfn"),
    ("Tekniska nämnden", "TN", "tn"),
    ("Överförmyndarnämnden", "ÖFN", "ofn"),
    ("Valnämnden", "VN", "vn"),
    ("Räddningsnämnden", "RN", "rn"),
    ("Arbetsmarknads- & integrationsnämnden", "AIN", "ain"),
    ("Krisledningsnämnden", "KLN", "kln"),
    ("Gymnasienämnden", "GN", "gn"),
]
PERSPECTIVES = ["Kramforsbon", "Processer", "Medarbetare", "Ekonomi"]
MUNICIPAL_GOALS_PER_PERSPECTIVE = (5, 15)
ACTIVITIES_PER_GOAL = (1, 12)
# The part of the assessable nodes that has no assessment in a period.
NOT_REPORTED = 0.05
# The part of the activities that also support another goal of their committee.
LINKED_ACTIVITIES = 0.1

_VERBS = ["Öka", "Minska", "Förbättra", "Utveckla", "Säkra", "Stärka", "Förenkla", "Kartlägga"]
_THINGS = [
    "andelen elever som når kunskapskraven i alla ämnen",
    "tiden från ansökan till beslut om bygglov",
    "nöjdheten hos brukare i hemtjänsten",
    "antalet besök i kulturskolans verksamhet",
    "sjukfrånvaron bland medarbetare i förskolan",
    "energianvändningen i kommunens lokaler",
    "samverkan med föreningar & näringsliv",
    "tillgången till digitala e-tjänster för invånarna",
    "andelen ekologiska livsmedel i måltiderna",
    "tryggheten i centrum – särskilt kvällstid",
]

# Indicators: (name, unit, direction, a typical baseline). Every goal gets one,
# every third goal a second.
_INDICATORS = [
    ("Andel elever med godkända betyg i alla ämnen", "%", IndicatorDirection.HIGHER_IS_BETTER, 72),
    ("Handläggningstid för bygglov", "dagar", IndicatorDirection.LOWER_IS_BETTER, 38),
    ("Nöjd kund-index i hemtjänsten", "index", IndicatorDirection.HIGHER_IS_BETTER, 81),
    ("Sjukfrånvaro bland medarbetare", "%", IndicatorDirection.LOWER_IS_BETTER, 7.4),
    ("Energianvändning i kommunens lokaler", "kWh/m²", IndicatorDirection.LOWER_IS_BETTER, 142),
    ("Besök i kulturskolan", "antal", IndicatorDirection.HIGHER_IS_BETTER, 5400),
    ("Nettokostnad per invånare", "kr", IndicatorDirection.LOWER_IS_BETTER, 61250),
    ("Andel ekologiska livsmedel", "%", IndicatorDirection.HIGHER_IS_BETTER, 31),
]
SECOND_INDICATOR_EVERY = 3

MINIMUM_NODES = 1 + 2 * len(PERSPECTIVES) + len(PERSPECTIVES) * MUNICIPAL_GOALS_PER_PERSPECTIVE[1]


@dataclass
class SyntheticYear:
    """What a benchmark needs to find in a built year."""

    plan_year: PlanYear
    periods: list[Period]
    node_count: int
    assessment_count: int
    indicator_count: int
    outcome_count: int
    # Ids of nodes worth measuring: the vision, the perspective with the most
    # descendants and its direction goal, the municipal goal with the most
    # children, a committee goal, one activity, and the places used to time an
    # insert and a move.
    vision_id: int
    perspective_id: int
    direction_goal_id: int
    busiest_municipal_goal_id: int
    committee_goal_id: int
    activity_id: int
    insert_parent_id: int
    move_node_id: int
    move_target_ids: tuple[int, int]
    # The committee with the most nodes in the year, and how many it has.
    busiest_committee: Committee
    busiest_committee_nodes: int
    # How many also-supports links the year has.
    link_count: int = 0


@dataclass
class _Spec:
    kind: str
    title: str
    committee: Committee | None = None
    children: list[_Spec] = field(default_factory=list, repr=False)
    # Filled in by _number(), then by the bulk insert.
    parent: _Spec | None = field(default=None, repr=False)
    lft: int = 0
    rght: int = 0
    level: int = 0
    node: Node | None = None


def committees_ensure(count: int = 10) -> list[Committee]:
    """The first `count` synthetic committees, created when missing."""
    made = []
    for order, (name, short_name, slug) in enumerate(COMMITTEES[:count]):
        committee, _created = Committee.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "order": order}
        )
        made.append(committee)
    return made


def synthetic_year_build(
    *, year: int, nodes: int, committees: list[Committee], seed: int = 1
) -> SyntheticYear:
    """Create plan year `year` with exactly `nodes` nodes, two periods and their assessments."""
    if nodes < MINIMUM_NODES:
        raise ValueError(f"A synthetic year needs at least {MINIMUM_NODES} nodes.")
    rng = random.Random(f"{seed}-{year}-{nodes}")
    plan_year = PlanYear.objects.create(year=year)
    root = _layout(rng, nodes, committees)
    levels = _number(root)
    with tree_lock(plan_year.pk):
        for specs in levels:
            created = Node.objects.bulk_create(
                [_node(plan_year, spec) for spec in specs], batch_size=2000
            )
            for spec, node in zip(specs, created, strict=True):
                spec.node = node
    problems = tree_problems(plan_year)
    if problems:
        raise RuntimeError(f"The synthetic tree for {year} is invalid: {problems[:5]}")
    periods = _periods(plan_year)
    assessed = [spec.node for specs in levels for spec in specs if spec.kind in ASSESSABLE_KINDS]
    assessment_count = _assess(rng, assessed, periods)
    # Written in bulk, past the model: the roll-up counts are made afresh.
    counts.rebuild(plan_year.pk)
    goals = [spec.node for specs in levels for spec in specs if spec.kind in INDICATOR_KINDS]
    indicator_count, outcome_count = _indicators(rng, goals, periods)
    link_count = _links(rng, plan_year, [spec for specs in levels for spec in specs])
    return SyntheticYear(
        plan_year=plan_year,
        periods=periods,
        node_count=sum(len(specs) for specs in levels),
        assessment_count=assessment_count,
        indicator_count=indicator_count,
        outcome_count=outcome_count,
        link_count=link_count,
        **_landmarks(root),
    )


def _layout(rng: random.Random, total: int, committees: list[Committee]) -> _Spec:
    """The tree as nested specs, with exactly `total` nodes."""
    root = _Spec(NodeKind.VISION, "Kramfors – en levande kommun i Höga kusten")
    municipal_goals: list[_Spec] = []
    for number, name in enumerate(PERSPECTIVES, start=1):
        direction = _Spec(NodeKind.DIRECTION_GOAL, f"{name}: {_title(rng)}")
        root.children.append(_Spec(NodeKind.PERSPECTIVE, name, children=[direction]))
        for index in range(rng.randint(*MUNICIPAL_GOALS_PER_PERSPECTIVE)):
            goal = _Spec(NodeKind.MUNICIPAL_GOAL, f"{number}.{index + 1} {_title(rng)}")
            direction.children.append(goal)
            municipal_goals.append(goal)
    left = total - 1 - 2 * len(PERSPECTIVES) - len(municipal_goals)
    # Committee goals with their activities, dealt out over the municipal
    # goals in turn, each of a committee drawn at random, until the size is
    # reached.
    dealt = 0
    while left > 0:
        committee = rng.choice(committees)
        parent = municipal_goals[dealt % len(municipal_goals)]
        goal = _Spec(NodeKind.COMMITTEE_GOAL, f"{committee.label}: {_title(rng)}", committee)
        activities = min(rng.randint(*ACTIVITIES_PER_GOAL), left - 1)
        goal.children = [
            _Spec(NodeKind.ACTIVITY, f"{_title(rng)} ({number + 1})", committee)
            for number in range(activities)
        ]
        parent.children.append(goal)
        left -= 1 + activities
        dealt += 1
    for goal in municipal_goals:
        goal.children.sort(key=lambda spec: spec.committee.order)
    return root


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_THINGS)}"


def _number(root: _Spec) -> list[list[_Spec]]:
    """Give every spec its nested-set numbers; return the specs level by level."""
    levels: list[list[_Spec]] = []
    counter = 0
    # An explicit stack rather than recursion: (spec, level, parent, entering?).
    stack: list[tuple[_Spec, int, _Spec | None, bool]] = [(root, 0, None, True)]
    while stack:
        spec, level, parent, entering = stack.pop()
        counter += 1
        if entering:
            spec.lft, spec.level, spec.parent = counter, level, parent
            if len(levels) <= level:
                levels.append([])
            levels[level].append(spec)
            stack.append((spec, level, parent, False))
            stack.extend((child, level + 1, spec, True) for child in reversed(spec.children))
        else:
            spec.rght = counter
    return levels


def _node(plan_year: PlanYear, spec: _Spec) -> Node:
    return Node(
        plan_year=plan_year,
        tree_id=plan_year.pk,
        parent=spec.parent.node if spec.parent else None,
        lft=spec.lft,
        rght=spec.rght,
        level=spec.level,
        kind=spec.kind,
        title=spec.title,
        description=f"{spec.title}. Syntetiskt mål för prestandamätning.",
        committee=spec.committee,
    )


def _periods(plan_year: PlanYear) -> list[Period]:
    periods = []
    for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
        cutoff, deadline = Period.default_dates(kind, plan_year.year)
        periods.append(
            Period.objects.create(
                plan_year=plan_year, kind=kind, cutoff_date=cutoff, deadline=deadline
            )
        )
    return periods


def _assess(rng: random.Random, nodes: list[Node], periods: list[Period]) -> int:
    goal_statuses = list(GoalStatus.values)
    activity_statuses = list(ActivityStatus.values)
    assessments = [
        Assessment(
            node=node,
            period=period,
            status=rng.choice(
                activity_statuses if node.kind == NodeKind.ACTIVITY else goal_statuses
            ),
            analysis=f"Bedömning av {node.title.lower()} i {period.display_title.lower()}.",
        )
        for period in periods
        for node in nodes
        if rng.random() >= NOT_REPORTED
    ]
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    return len(assessments)


def _indicators(rng: random.Random, goals: list[Node], periods: list[Period]) -> tuple[int, int]:
    """An indicator for every goal (a second for every third), with an outcome per period.

    Targets lie 5–20 % beyond the baseline in the better direction; outcomes
    fall on either side of the target, so that met, partly met and not met
    all occur.
    """
    indicators = []
    for index, goal in enumerate(goals):
        count = 2 if index % SECOND_INDICATOR_EVERY == SECOND_INDICATOR_EVERY - 1 else 1
        for order in range(count):
            name, unit, direction, typical = rng.choice(_INDICATORS)
            baseline = typical * rng.uniform(0.8, 1.2)
            better = 1 if direction == IndicatorDirection.HIGHER_IS_BETTER else -1
            target = baseline * (1 + better * rng.uniform(0.05, 0.2))
            kpi = f"N{rng.randrange(100_000):05d}" if rng.random() < 0.5 else ""
            indicators.append(
                Indicator(
                    node=goal,
                    name=name,
                    unit=unit,
                    baseline=_decimal(baseline),
                    target=_decimal(target),
                    direction=direction,
                    kolada_kpi=kpi,
                    order=order,
                )
            )
    Indicator.objects.bulk_create(indicators, batch_size=2000)
    outcomes = [
        IndicatorOutcome(
            indicator=indicator,
            period=period,
            value=_decimal(float(indicator.target) * rng.uniform(0.75, 1.15)),
            source="Kolada" if indicator.kolada_kpi else "Verksamhetssystemet",
        )
        for indicator in indicators
        for period in periods
    ]
    IndicatorOutcome.objects.bulk_create(outcomes, batch_size=2000)
    return len(indicators), len(outcomes)


def _links(rng: random.Random, plan_year: PlanYear, specs: list[_Spec]) -> int:
    """Let LINKED_ACTIVITIES of the activities also support another committee
    goal of their committee, drawn at random; return how many links were made."""
    goals_of: dict[int, list[_Spec]] = {}
    for spec in specs:
        if spec.kind == NodeKind.COMMITTEE_GOAL:
            goals_of.setdefault(spec.committee.pk, []).append(spec)
    links = []
    for spec in specs:
        if spec.kind != NodeKind.ACTIVITY or rng.random() >= LINKED_ACTIVITIES:
            continue
        others = [goal for goal in goals_of[spec.committee.pk] if goal is not spec.parent]
        if others:
            target = rng.choice(others)
            links.append(NodeLink(plan_year=plan_year, source=spec.node, target=target.node))
    with tree_lock(plan_year.pk):
        NodeLink.objects.bulk_create(links, batch_size=2000)
    return len(links)


def _decimal(value: float) -> Decimal:
    """A value with one decimal, as key figures are reported."""
    return Decimal(f"{value:.1f}")


def _landmarks(root: _Spec) -> dict:
    """Nodes to measure: found by their place in the tree, the same for every size."""
    municipal_goals = [
        goal
        for perspective in root.children
        for direction in perspective.children
        for goal in direction.children
    ]
    busiest = max(municipal_goals, key=lambda goal: len(goal.children))
    largest_perspective = max(root.children, key=_size)
    # A committee goal a quarter into the tree moves to a municipal goal three
    # quarters in, and back: each move renumbers about half the tree. The
    # insert goes under a committee goal in the middle, which also renumbers
    # about half of it.
    committee_goals = [child for goal in municipal_goals for child in goal.children]
    quarter = committee_goals[len(committee_goals) // 4]
    middle = committee_goals[len(committee_goals) // 2]
    target = municipal_goals[3 * len(municipal_goals) // 4]
    later_goals = committee_goals[len(committee_goals) // 2 :]
    activity = next(goal.children[0] for goal in later_goals if goal.children)
    sizes: Counter[int] = Counter()
    for goal in committee_goals:
        sizes[goal.committee.pk] += 1 + len(goal.children)
    committees = {goal.committee.pk: goal.committee for goal in committee_goals}
    # The most nodes; of equal ones the committee listed first.
    busiest_committee = min(
        committees.values(),
        key=lambda committee: (-sizes[committee.pk], committee.order, committee.pk),
    )
    return {
        "busiest_committee": busiest_committee,
        "busiest_committee_nodes": sizes[busiest_committee.pk],
        "vision_id": root.node.pk,
        "perspective_id": largest_perspective.node.pk,
        "direction_goal_id": largest_perspective.children[0].node.pk,
        "busiest_municipal_goal_id": busiest.node.pk,
        "committee_goal_id": max(busiest.children, key=_size).node.pk,
        "activity_id": activity.node.pk,
        "insert_parent_id": middle.node.pk,
        "move_node_id": quarter.node.pk,
        "move_target_ids": (target.node.pk, quarter.parent.node.pk),
    }


def _size(spec: _Spec) -> int:
    """How many nodes the spec's subtree has, itself included."""
    return 1 + sum(_size(child) for child in spec.children)
