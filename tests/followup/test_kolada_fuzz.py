"""Whatever a Kolada file holds: the importer answers with its own clear error
or a report, never anything else, and a refused file writes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.kolada import KoladaError, decode_page, kolada_import
from followup.models import Period, PeriodKind
from tests.factories import build_tree

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["N15428", "2282", "T", "K", "M", "2026", "12,5", "1e400"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "values",
                    "kpi",
                    "municipality",
                    "period",
                    "gender",
                    "value",
                    "count",
                    "next_url",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)
# Pages shaped like Kolada's, with any field possibly wrong.
entries = st.fixed_dictionaries(
    {
        "kpi": st.one_of(st.just("N15428"), scalars),
        "municipality": st.one_of(st.just("2282"), scalars),
        "period": st.one_of(st.just(2026), scalars),
        "values": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "gender": st.one_of(st.just("T"), scalars),
                        "value": st.one_of(st.floats(-1e6, 1e6), scalars),
                        "count": scalars,
                    }
                ),
                max_size=3,
            ),
            json_values,
        ),
    }
)
pages = st.one_of(
    st.fixed_dictionaries({"values": st.lists(entries, max_size=4), "count": scalars}),
    json_values,
)


@pytest.fixture
def indicator(plan_year, committees):
    nodes = build_tree(plan_year, "Vision\n  P\n    D\n      Skolan lyckas")
    cutoff, deadline = Period.default_dates(PeriodKind.ANNUAL, plan_year.year)
    Period.objects.create(
        plan_year=plan_year, kind=PeriodKind.ANNUAL, cutoff_date=cutoff, deadline=deadline
    )
    return Indicator.objects.create(
        node=nodes["Skolan lyckas"], name="Behöriga", target=90, kolada_kpi="N15428"
    )


def _outcomes():
    return list(IndicatorOutcome.objects.order_by("pk").values_list("pk", "value", "version"))


@FUZZ
@given(page=pages)
def test_any_page_is_imported_or_refused_whole(indicator, page):
    before = _outcomes()
    try:
        kolada_import(pages=[page])
    except KoladaError as error:
        assert error.messages  # a message to show
        assert _outcomes() == before  # nothing written


@FUZZ
@given(
    content=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()))
)
def test_any_bytes_decode_or_give_a_clear_error(db, content):
    try:
        decode_page(content, source="fil.json")
    except KoladaError as error:
        assert error.messages
