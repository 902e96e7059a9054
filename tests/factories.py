"""Trees for tests: built from indented text, or grown to a given size."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from followup import counts
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Assessment, Period, default_status_for
from goals import services
from goals.models import KIND_ORDER, Committee, Node, PlanYear

# A small year with two perspectives, goals of two committees, activities,
# and a goal with nothing under it: the roll-up tests' tree.
TWO_PERSPECTIVES = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
              Läsfrämjande insats [bun]
            Kortare försörjningsstöd [sn]
          Trygga miljöer
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


def build_tree(plan_year: PlanYear, text: str) -> dict[str, Node]:
    """Build a tree from an indented outline; depth gives the kind.

    Two spaces a level: vision, perspective, direction goal, municipal goal,
    committee goal, activity. A committee's slug follows in brackets::

        Vision
          Kramforsbon
            Trygg kommun
              Fler i arbete
                Läsa bättre [bun]
                  Läsfrämjande insats [bun]

    Returns the nodes by title.
    """
    nodes: dict[str, Node] = {}
    stack: list[Node] = []
    committees = {committee.slug: committee for committee in Committee.objects.all()}
    for line in textwrap.dedent(text).strip("\n").splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        title = line.strip()
        committee = None
        if title.endswith("]"):
            title, slug = title[:-1].rsplit("[", 1)
            title, committee = title.strip(), committees[slug.strip()]
        del stack[depth:]
        parent = stack[-1] if stack else None
        node = services.node_create(
            plan_year=plan_year,
            parent=parent,
            kind=KIND_ORDER[depth],
            title=title,
            committee=committee,
        )
        nodes[title] = node
        stack.append(node)
    return nodes


def grow_tree(plan_year: PlanYear, committees: dict[str, Committee], goals: int) -> list[Node]:
    """A full tree with `goals` committee goals (each with two activities) spread
    over four perspectives; returns all nodes. For query counts at two sizes."""
    vision = services.node_create(plan_year=plan_year, kind="vision", title="Vision")
    all_nodes = [vision]
    committee_list = list(committees.values())
    municipal_goals = []
    for p in range(4):
        perspective = services.node_create(
            plan_year=plan_year, parent=vision, kind="perspective", title=f"Perspektiv {p}"
        )
        direction = services.node_create(
            plan_year=plan_year, parent=perspective, kind="direction_goal", title=f"Inriktning {p}"
        )
        all_nodes += [perspective, direction]
        for m in range(2):
            municipal = services.node_create(
                plan_year=plan_year, parent=direction, kind="municipal_goal", title=f"KF {p}.{m}"
            )
            municipal_goals.append(municipal)
            all_nodes.append(municipal)
    for g in range(goals):
        committee = committee_list[g % len(committee_list)]
        goal = services.node_create(
            plan_year=plan_year,
            parent=municipal_goals[g % len(municipal_goals)],
            kind="committee_goal",
            title=f"Nämndmål {g}",
            committee=committee,
        )
        all_nodes.append(goal)
        for a in range(2):
            all_nodes.append(
                services.node_create(
                    plan_year=plan_year,
                    parent=goal,
                    kind="activity",
                    title=f"Aktivitet {g}.{a}",
                    committee=committee,
                )
            )
    return all_nodes


def assess_all(nodes: list[Node], period: Period) -> None:
    Assessment.objects.bulk_create(
        Assessment(node=node, period=period, status=default_status_for(node.kind), analysis="x")
        for node in nodes
        if node.is_assessable
    )
    # In bulk, past the model, as an import writes: the roll-up counts afresh.
    counts.rebuild(period.plan_year_id)


def add_indicator(
    node: Node,
    name: str = "Nyckeltal",
    *,
    target: str | int = 90,
    direction: str = "higher",
    outcomes: dict[Period, str | int] | None = None,
    **fields,
) -> Indicator:
    """An indicator on a goal, with outcomes in the given periods."""
    indicator = Indicator.objects.create(
        node=node, name=name, target=Decimal(str(target)), direction=direction, **fields
    )
    for period, value in (outcomes or {}).items():
        IndicatorOutcome.objects.create(
            indicator=indicator, period=period, value=Decimal(str(value))
        )
    return indicator


def add_assignments(nodes: list[Node], period: Period | None, number: int) -> list:
    """`number` assignments spread over the municipal goals among `nodes`, each
    given to a committee and, when `period` is given, followed up in it (in progress)."""
    from followup.assignmentmodels import AssignmentFollowup
    from goals.assignmentmodels import Assignment

    goals = [node for node in nodes if node.kind == "municipal_goal"]
    committees = list(Committee.objects.all())
    made = Assignment.objects.bulk_create(
        Assignment(
            plan_year_id=goals[0].plan_year_id,
            committee=committees[index % len(committees)],
            goal=goals[index % len(goals)],
            title=f"Uppdrag {index}",
        )
        for index in range(number)
    )
    if period is not None:
        AssignmentFollowup.objects.bulk_create(
            AssignmentFollowup(assignment=assignment, period=period, status="in_progress")
            for assignment in made
        )
    return made
