"""An indicator's status from its outcome and target, in both directions and with the margin."""

from decimal import Decimal

import pytest

from followup.indicators import format_value, outcome_status

MET, PARTLY, NOT_MET = "met", "partly_met", "not_met"


def status(target, outcome, direction="higher", margin=10):
    return outcome_status(
        target=Decimal(str(target)),
        outcome=None if outcome is None else Decimal(str(outcome)),
        direction=direction,
        margin_percent=margin,
    )


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (95, MET),
        (90, MET),  # exactly on target
        ("89.999", PARTLY),
        (81, PARTLY),  # misses by exactly 10 % of 90
        ("80.999", NOT_MET),
        (0, NOT_MET),
    ],
)
def test_higher_is_better_around_the_target(outcome, expected):
    assert status(90, outcome) == expected


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (4, MET),
        (5, MET),  # exactly on target
        ("5.001", PARTLY),
        ("5.5", PARTLY),  # misses by exactly 10 % of 5
        ("5.501", NOT_MET),
        (12, NOT_MET),
    ],
)
def test_lower_is_better_around_the_target(outcome, expected):
    assert status(5, outcome, direction="lower") == expected


def test_the_margin_is_a_share_of_the_targets_absolute_value():
    # A result of at least -2 (a deficit of at most 2): the allowed miss is 0.2.
    assert status(-2, "-1.5") == MET
    assert status(-2, "-2.2") == PARTLY
    assert status(-2, "-2.201") == NOT_MET
    assert status(-2, "-2.2", direction="lower") == MET
    assert status(-2, "-1.8", direction="lower") == PARTLY
    assert status(-2, "-1.7", direction="lower") == NOT_MET


def test_a_target_of_zero_leaves_no_margin():
    assert status(0, 0) == MET
    assert status(0, "0.5") == MET
    assert status(0, "-0.001") == NOT_MET
    assert status(0, 0, direction="lower") == MET
    assert status(0, "0.001", direction="lower") == NOT_MET


def test_no_outcome_gives_no_status():
    assert status(90, None) is None


def test_margin_zero_means_met_or_not_met():
    assert status(90, 90, margin=0) == MET
    assert status(90, "89.9", margin=0) == NOT_MET


def test_the_margin_comes_from_the_settings(settings):
    settings.INDICATOR_PARTLY_MET_MARGIN = 20
    assert outcome_status(target=Decimal(90), outcome=Decimal(72), direction="higher") == PARTLY
    settings.INDICATOR_PARTLY_MET_MARGIN = 0
    assert outcome_status(target=Decimal(90), outcome=Decimal(89), direction="higher") == NOT_MET


def test_values_are_shown_without_trailing_zeros_and_with_a_decimal_comma():
    assert format_value(Decimal("90.000")) == "90"
    assert format_value(Decimal("12.500")) == "12,5"
    assert format_value(Decimal("100")) == "100"
    assert format_value(None) == "–"
