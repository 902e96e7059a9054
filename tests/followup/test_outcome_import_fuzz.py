"""Whatever a CSV of outcomes holds: the import answers with its own Swedish
errors or a report, never anything else, and a refused file writes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.outcomeimport import OutcomeFileError, outcome_file_import
from tests.factories import build_tree

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["1", "2", "3", "x", "", "12,5", "1e400", "NaN", "-0", "1 000", "=1+1"]),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=7), max_size=6)


@pytest.fixture
def indicator(plan_year, committees, periods):
    node = build_tree(plan_year, "Vision\n  Kramforsbon\n    Trygg kommun\n      Mål\n")["Mål"]
    return Indicator.objects.create(node=node, name="Nyckeltal", target=1)


@FUZZ
@given(
    header=st.sampled_from(
        ["nyckeltal_id;period_id;värde;kommentar", "nyckeltal_id,period_id,värde", "x;y", ""]
    ),
    body=rows,
)
def test_any_csv_is_imported_whole_or_refused_with_messages(
    header, body, indicator, plan_year, official
):
    IndicatorOutcome.objects.all().delete()
    delimiter = ";" if ";" in header else ","
    text = "\n".join([header, *(delimiter.join(row) for row in body)])
    try:
        report = outcome_file_import(
            plan_year=plan_year, name="fil.csv", content=text.encode(), user=official
        )
    except OutcomeFileError as error:
        assert error.messages and all(isinstance(message, str) for message in error.messages)
        assert not IndicatorOutcome.objects.exists()
    else:
        assert IndicatorOutcome.objects.count() == report.created
