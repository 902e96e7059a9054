"""Open data: a plan year's goals and their follow-up as read-only JSON.

The same rules as the pages: anonymous readers get an answer only where the
municipality turns on PUBLIC_ACCESS, and then only the published periods.
A year's tree comes in pages of PAGE_SIZE nodes in tree order, each page a
constant number of queries. The shape is documented in the README, under
"Öppna data / Open data".
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from followup import agendalinks, approvedonly, assignments, geh
from followup.indicatormodels import Indicator, IndicatorDirection, IndicatorOutcome
from followup.models import STATUS_LABELS, Assessment, Period
from goals import links, permissions, rules
from goals.models import Node, NodeKind, PlanYear

PAGE_SIZE = 500


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    # Readable from any web page's script; browsers send no cookies with a
    # wildcard origin, so such a page only ever sees what the public sees.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int) -> JsonResponse:
    return _json({"error": message}, status=status)


def _forbidden() -> JsonResponse:
    return _error(_("Log in to read the follow-up: it is not open to the public."), 403)


def _period(period: Period) -> dict:
    return {
        "id": period.pk,
        "kind": period.kind,
        "title": period.display_title,
        "cutoff_date": period.cutoff_date,
        "is_closed": period.is_closed,
        "published_at": period.published_at,
    }


def year_list(request: HttpRequest) -> JsonResponse:
    """The plan years, each with its address and the periods the reader may see."""
    if not permissions.can_read(request.user):
        return _forbidden()
    visible = Period.objects.visible_to(request.user).order_by("cutoff_date")
    plan_years = PlanYear.objects.order_by("-year").prefetch_related(
        Prefetch("periods", queryset=visible)
    )
    return _json(
        {
            "municipality": settings.MUNICIPALITY_NAME,
            "years": [
                {
                    "year": plan_year.year,
                    "url": request.build_absolute_uri(
                        reverse("followup:api_year", kwargs={"year": plan_year.year})
                    ),
                    "periods": [_period(period) for period in plan_year.periods.all()],
                }
                for plan_year in plan_years
            ],
        }
    )


def _geh(period: Period) -> dict:
    """The period's evaluation of sound financial management and its balance
    requirement statement, in kronor, with the results computed."""
    evaluation = getattr(period, "geh_evaluation", None)
    statement = getattr(period, "balance_statement", None)
    balance = None
    if statement is not None:
        requirement = geh.BalanceRequirement(
            statement, list(statement.deficits.all()), geh.balance_unit()
        )
        balance = {
            "currency": "SEK",
            **{line.name: getattr(statement, line.name) for line in geh.BALANCE_LINES},
            "deficits": [
                {"arose_in": row.arose_in, "amount": row.amount, "restore_by": row.restore_by}
                for row in requirement.deficit_rows
            ],
            "to_restore": requirement.to_restore,
        }
    return {
        "verdict": evaluation.verdict if evaluation else None,
        "verdict_label": evaluation.get_verdict_display() if evaluation else None,
        "justification": evaluation.justification if evaluation else None,
        "balance_requirement": balance,
    }


def year_detail(request: HttpRequest, year: int) -> JsonResponse:
    """One page of a plan year's tree, with assessments and indicators per visible period."""
    if not permissions.can_read(request.user):
        return _forbidden()
    raw_page = request.GET.get("page", "1")
    if not raw_page.isascii() or not raw_page.isdigit() or int(raw_page) < 1:
        return _error(_("“page” must be a whole number from 1 up."), 400)
    page = int(raw_page)
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None:
        return _error(rules.missing_plan_year_error(year), 404)
    periods = list(
        Period.objects.for_year(plan_year)
        .visible_to(request.user)
        .select_related("geh_evaluation", "balance_statement")
        .prefetch_related("balance_statement__deficits")
        .order_by("cutoff_date")
    )
    tree = Node.objects.for_year(plan_year)
    count = tree.count()
    pages = max(1, -(-count // PAGE_SIZE))
    if page > pages:
        return _error(
            _("Page %(page)s does not exist; the year has %(pages)s.")
            % {"page": page, "pages": pages},
            404,
        )
    offset = (page - 1) * PAGE_SIZE
    nodes = list(
        tree.in_tree_order().values(
            "id",
            "parent_id",
            "kind",
            "level",
            "lft",
            "title",
            "description",
            "committee_id",
            "committee__name",
            "committee__short_name",
            "geh_role",
        )[offset : offset + PAGE_SIZE]
    )
    nodes_data = _nodes(request, plan_year, nodes, periods)
    year_url = request.build_absolute_uri(reverse("followup:api_year", kwargs={"year": year}))
    return _json(
        {
            "municipality": settings.MUNICIPALITY_NAME,
            "year": plan_year.year,
            "periods": [_period(period) | {"geh": _geh(period)} for period in periods],
            "count": count,
            "page": page,
            "pages": pages,
            "page_size": PAGE_SIZE,
            "next": f"{year_url}?page={page + 1}" if page < pages else None,
            "previous": f"{year_url}?page={page - 1}" if page > 1 else None,
            "nodes": nodes_data,
            "assignments": assignments.open_data(plan_year, periods),
        }
    )


def _nodes(
    request: HttpRequest, plan_year: PlanYear, nodes: list[dict], periods: list[Period]
) -> list[dict]:
    """The page's nodes with their assessments, indicators and Agenda 2030 global
    goals: five queries, for the page is one stretch of the tree (a range of `lft`)."""
    if not nodes:
        return []
    lft_range = (nodes[0]["lft"], nodes[-1]["lft"])
    period_ids = [period.pk for period in periods]
    assessments: dict[int, list[dict]] = {}
    for row in (
        Assessment.objects.filter(
            node__plan_year=plan_year, node__lft__range=lft_range, period_id__in=period_ids
        )
        .filter(approvedonly.visible_assessments(approvedonly.withheld_for(request.user, periods)))
        .order_by("period__cutoff_date")
        .values("node_id", "period_id", "status", "analysis", "forecast_status", "updated_at")
    ):
        forecast = row.pop("forecast_status") or None
        assessments.setdefault(row.pop("node_id"), []).append(
            {
                **row,
                "status_label": str(STATUS_LABELS.get(row["status"], row["status"])),
                "forecast_status": forecast,
                "forecast_label": str(STATUS_LABELS[forecast]) if forecast else None,
            }
        )
    outcomes: dict[int, list[dict]] = {}
    for row in (
        IndicatorOutcome.objects.filter(
            indicator__node__plan_year=plan_year,
            indicator__node__lft__range=lft_range,
            period_id__in=period_ids,
        )
        .order_by("period__cutoff_date")
        .values("indicator_id", "period_id", "value", "forecast", "source")
    ):
        outcomes.setdefault(row.pop("indicator_id"), []).append(row)
    indicators: dict[int, list[dict]] = {}
    node_goals = agendalinks.node_numbers(plan_year, lft_range)
    indicator_goals = agendalinks.indicator_numbers(plan_year, lft_range)
    directions = dict(IndicatorDirection.choices)
    for row in (
        Indicator.objects.filter(node__plan_year=plan_year, node__lft__range=lft_range)
        .order_by("order", "pk")
        .values("id", "node_id", "name", "unit", "baseline", "target", "direction", "kolada_kpi")
    ):
        node_id = row.pop("node_id")
        row["direction_label"] = str(directions.get(row["direction"], row["direction"]))
        row["outcomes"] = outcomes.get(row["id"], [])
        row["global_goals"] = indicator_goals.get(row["id"], [])
        indicators.setdefault(node_id, []).append(row)

    supported = links.supported_ids(plan_year.pk, lft_range)
    kind_labels = {value: str(label) for value, label in NodeKind.choices}
    # One reverse() for the pattern, then string substitution per node.
    url_pattern = request.build_absolute_uri(
        reverse("followup:node_detail", kwargs={"pk": 987654321})
    ).replace("987654321", "{}")
    return [
        {
            "id": node["id"],
            "parent_id": node["parent_id"],
            "kind": node["kind"],
            "kind_label": kind_labels.get(node["kind"], node["kind"]),
            "geh_role": node["geh_role"] or None,
            "level": node["level"],
            "title": node["title"],
            "description": node["description"],
            "committee": (
                {
                    "id": node["committee_id"],
                    "name": node["committee__name"],
                    "short_name": node["committee__short_name"],
                }
                if node["committee_id"]
                else None
            ),
            "url": url_pattern.format(node["id"]),
            "assessments": assessments.get(node["id"], []),
            "indicators": indicators.get(node["id"], []),
            # The goals it also supports besides its parent (their ids on this or other pages).
            "also_supports": supported.get(node["id"], []),
            "global_goals": node_goals.get(node["id"], []),
        }
        for node in nodes
    ]
