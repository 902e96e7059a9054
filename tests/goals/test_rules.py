"""The steering model's rules (goals/rules.py), judged on kinds and ids alone."""

import pytest

from goals import rules
from goals.rules import KIND_ORDER, NodeKind


def test_each_kind_sits_only_under_the_kind_before_it():
    for index, kind in enumerate(KIND_ORDER):
        allowed = KIND_ORDER[index - 1] if index else None
        for parent_kind in [None, *KIND_ORDER]:
            assert rules.may_sit_under(kind, parent_kind) == (parent_kind == allowed)
            assert (rules.placement_error(kind, parent_kind) is None) == (parent_kind == allowed)


def test_placement_errors_say_what_is_wrong_in_swedish():
    assert rules.placement_error(NodeKind.VISION, NodeKind.PERSPECTIVE) == (
        "En vision kan inte ha något överordnat mål."
    )
    assert "måste placeras under" in rules.placement_error(NodeKind.ACTIVITY, None)
    assert "inte under" in rules.placement_error(NodeKind.ACTIVITY, NodeKind.PERSPECTIVE)
    assert rules.placement_error("goal", None) == "Okänd typ av mål."


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_committee_levels_belong_to_a_committee_and_only_they(kind):
    on_committee_level = kind in (NodeKind.COMMITTEE_GOAL, NodeKind.ACTIVITY)
    assert (rules.committee_error(kind, None) is None) == (not on_committee_level)
    assert (rules.committee_error(kind, 7) is None) == on_committee_level


def test_an_activity_belongs_to_its_committee_goals_committee():
    under = {"parent_kind": NodeKind.COMMITTEE_GOAL}
    assert rules.committee_error(NodeKind.ACTIVITY, 1, parent_committee_id=1, **under) is None
    assert "samma nämnd" in rules.committee_error(
        NodeKind.ACTIVITY, 1, parent_committee_id=2, **under
    )
    assert "egen nämnd" in rules.move_error(NodeKind.ACTIVITY, 1, NodeKind.COMMITTEE_GOAL, 2)
    assert rules.move_error(NodeKind.ACTIVITY, 1, NodeKind.COMMITTEE_GOAL, 1) is None
    assert rules.move_error(NodeKind.ACTIVITY, 1, None, None) is not None


def test_goals_and_activities_are_assessed_on_their_own_scale():
    scale = {"met", "not_met"}
    assert rules.assessment_error(NodeKind.MUNICIPAL_GOAL, "met", scale) is None
    assert rules.assessment_error(NodeKind.MUNICIPAL_GOAL, "done", scale)[0] == "status"
    assert rules.assessment_error(NodeKind.PERSPECTIVE, "met", scale)[0] == ""


def test_only_municipal_and_committee_goals_carry_indicators():
    carriers = {kind for kind in KIND_ORDER if rules.indicator_error(kind) is None}
    assert carriers == {NodeKind.MUNICIPAL_GOAL, NodeKind.COMMITTEE_GOAL}


@pytest.mark.parametrize(
    ("year", "valid"), [(1899, False), (1900, True), (2999, True), (3000, False)]
)
def test_a_plan_year_lies_between_1900_and_2999(year, valid):
    assert rules.is_plan_year(year) == valid
    assert (rules.plan_year_error(year) is None) == valid
