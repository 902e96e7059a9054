from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import (
    charts,
    counts,
    exports,
    indicators,
    kolada,
    redthread,
    reports,
    rollup,
    services,
    year_views,
    yearly,
)
from followup.forms import (
    AssessmentEntryForm,
    IndicatorForm,
    KoladaUploadForm,
    OutcomeForm,
    PeriodChoiceForm,
    PeriodForm,
    PlanYearStartForm,
    RedThreadFilterForm,
    SearchForm,
)
from followup.history import node_history
from followup.models import (
    INDICATOR_KINDS,
    Assessment,
    Indicator,
    IndicatorOutcome,
    Period,
    default_period,
)
from followup.redthread import build_red_thread, render_node_list, status_label, tree_rows
from followup.search import MAX_RESULTS, search_year
from goals import permissions, sqlrows
from goals.forms import VersionForm
from goals.models import (
    ASSESSABLE_KINDS,
    COMMITTEE_KINDS,
    Committee,
    ListedNode,
    Node,
    NodeKind,
    PlanYear,
)
from goals.services import StaleEditError


def start(request: HttpRequest) -> HttpResponse:
    plan_years = list(PlanYear.objects.all())
    roles = permissions.roles_of(request.user)
    due, open_periods, own_committees = [], [], []
    if roles.editor or roles.auditor:
        # Every open period of every year: starting next year leaves this year's
        # annual report on the list until it closes.
        open_periods = list(Period.objects.open().select_related("plan_year"))
    if roles.editor and open_periods:
        due = services.due_for(
            periods=open_periods,
            committee_ids=None if roles.superuser else set(roles.committee_ids),
            municipal=roles.official or roles.superuser,
        )
    current = services.featured_year(
        plan_years, open_periods, public=not permissions.can_see_unpublished(request.user)
    )
    if roles.committee_ids:
        own_committees = list(Committee.objects.filter(pk__in=roles.committee_ids))
    audit_periods = (
        list(Period.objects.select_related("plan_year").order_by("-cutoff_date"))
        if roles.auditor
        else []
    )
    return render(
        request,
        "followup/start.html",
        {
            "audit_periods": audit_periods,
            "plan_years": plan_years,
            "current_year": current,
            "roles": roles,
            "due": due,
            "open_periods": open_periods,
            "own_committees": own_committees,
        },
    )


# The tree's HTML can be megabytes; passing it through the template engine
# costs time and peak memory, so the page is rendered around this placeholder
# and the tree is put in its place (docs/performance.md).
TREE_PLACEHOLDER = "<!-- red thread tree -->"


def red_thread(request: HttpRequest, year: int) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    # The periods with their plan year in one query; the year alone when it has none.
    periods = list(
        Period.objects.filter(plan_year__year=year)
        .select_related("plan_year")
        .visible_to(request.user)
    )
    plan_year = periods[0].plan_year if periods else get_object_or_404(PlanYear, year=year)
    committees = list(Committee.objects.all())
    form = RedThreadFilterForm(request.GET or None, periods=periods, committees=committees)
    period = form.period_choice(default_period(periods, timezone.localdate()))
    rows = tree_rows(plan_year, period)
    filters = form.filters(
        perspectives=[
            (row[redthread.ID], row[redthread.TITLE])
            for row in rows
            if row[redthread.KIND] == NodeKind.PERSPECTIVE
        ]
    )
    tree = build_red_thread(
        rows, {committee.pk: committee.label for committee in committees}, filters
    )
    has_rows = bool(rows)
    del rows  # tens of megabytes in the largest years: not kept while the page is written
    page = render_to_string(
        "followup/red_thread.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "filters": filters,
            "tree": tree,
            "tree_placeholder": TREE_PLACEHOLDER,
            "can_add_vision": not has_rows
            and permissions.can_edit_kind(request.user, NodeKind.VISION, None),
        },
        request,
    )
    before, placeholder, after = page.partition(TREE_PLACEHOLDER)
    if not placeholder:  # the template shows no tree: nothing matched, or no goals
        return HttpResponse(page)
    return HttpResponse([before.encode(), *tree.chunks, after.encode()])


def _sql_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _children_with_statuses(
    node: Node, periods: list[Period]
) -> tuple[list[ListedNode], dict[int, dict[int, str]]]:
    """The node's children in order, and their statuses by period and child. One query:
    each child joined to its assessments in the periods, a row per assessment,
    written out in SQL (the ORM's join took longer to build than to run)."""
    if node.is_leaf_node():
        return [], {}
    quote = connection.ops.quote_name
    period_ids = [each.pk for each in periods] or [None]
    rows = _sql_rows(
        "SELECT n.id, n.kind, n.title, c.short_name, c.name, a.period_id, a.status"
        f" FROM {quote(Node._meta.db_table)} n"
        f" LEFT JOIN {quote(Committee._meta.db_table)} c ON c.id = n.committee_id"
        f" LEFT JOIN {quote(Assessment._meta.db_table)} a ON a.node_id = n.id"
        f" AND a.period_id IN ({', '.join(['%s'] * len(period_ids))})"
        " WHERE n.parent_id = %s ORDER BY n.lft",
        [*period_ids, node.pk],
    )
    children: list[ListedNode] = []
    statuses: dict[int, dict[int, str]] = {}
    last = None
    for node_id, kind, title, short_name, name, period_id, status in rows:
        if node_id != last:  # a child's rows come together, in tree order
            children.append(ListedNode(node_id, kind, title, short_name or name or ""))
            last = node_id
        if period_id is not None:
            statuses.setdefault(period_id, {})[node_id] = status
    return children, statuses


def _periods_and_assessments(node: Node, user) -> tuple[list[Period], dict[int, Assessment]]:
    """The periods of the node's year the user may see, in order, and the node's
    assessment in each (with who saved it) by period. One query."""
    quote = connection.ops.quote_name
    User = get_user_model()
    unpublished = "" if permissions.can_see_unpublished(user) else " AND p.published_at IS NOT NULL"
    found = _sql_rows(
        f"SELECT {sqlrows.select_list(Period, 'p')}, {sqlrows.select_list(Assessment, 'a')},"
        " u.id, u.username, u.first_name, u.last_name"
        f" FROM {quote(Period._meta.db_table)} p"
        f" LEFT JOIN {quote(Assessment._meta.db_table)} a ON a.period_id = p.id AND a.node_id = %s"
        f" LEFT JOIN {quote(User._meta.db_table)} u ON u.id = a.updated_by_id"
        f" WHERE p.plan_year_id = %s{unpublished}"
        " ORDER BY p.cutoff_date, p.id",  # Period's ordering within a year
        [node.pk, node.plan_year_id],
    )
    period_end = sqlrows.width(Period)
    assessment_end = period_end + sqlrows.width(Assessment)
    periods: list[Period] = []
    assessments: dict[int, Assessment] = {}
    for row in found:
        period = sqlrows.instance(Period, row[:period_end])
        sqlrows.cache_related(period, "plan_year", node.plan_year)
        periods.append(period)
        assessment = sqlrows.instance(Assessment, row[period_end:assessment_end])
        if assessment is not None:
            sqlrows.cache_related(assessment, "node", node)
            sqlrows.cache_related(assessment, "period", period)
            user_id, username, first_name, last_name = row[assessment_end:]
            sqlrows.cache_related(
                assessment,
                "updated_by",
                User.from_db(
                    connection.alias,
                    ["id", "username", "first_name", "last_name"],
                    [user_id, username, first_name, last_name],
                )
                if user_id is not None
                else None,
            )
            assessments[period.pk] = assessment
    return periods, assessments


def _indicators_and_outcomes(
    node: Node, periods: list[Period]
) -> tuple[list[Indicator], list[IndicatorOutcome]]:
    """The node's indicators in order, and their outcomes in the periods. One query."""
    quote = connection.ops.quote_name
    period_ids = [each.pk for each in periods] or [None]
    found = _sql_rows(
        f"SELECT {sqlrows.select_list(Indicator, 'i')},"
        f" {sqlrows.select_list(IndicatorOutcome, 'o')}"
        f" FROM {quote(Indicator._meta.db_table)} i"
        f" LEFT JOIN {quote(IndicatorOutcome._meta.db_table)} o ON o.indicator_id = i.id"
        f" AND o.period_id IN ({', '.join(['%s'] * len(period_ids))})"
        f" WHERE i.node_id = %s ORDER BY i.{quote('order')}, i.id",  # Indicator's ordering
        [*period_ids, node.pk],
    )
    indicator_end = sqlrows.width(Indicator)
    node_indicators: list[Indicator] = []
    outcomes: list[IndicatorOutcome] = []
    for row in found:
        # An indicator's rows come together; its primary key is its first column.
        if not node_indicators or node_indicators[-1].pk != row[0]:
            indicator = sqlrows.instance(Indicator, row[:indicator_end])
            sqlrows.cache_related(indicator, "node", node)
            node_indicators.append(indicator)
        outcome = sqlrows.instance(IndicatorOutcome, row[indicator_end:])
        if outcome is not None:
            sqlrows.cache_related(outcome, "indicator", node_indicators[-1])
            outcomes.append(outcome)
    return node_indicators, outcomes


def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    # The reads below are written in SQL, each joining what the ORM would
    # fetch in two queries: a goal's page is many small reads, and building
    # each through the ORM cost more than running it (docs/performance.md).
    try:
        node, ancestors = Node.objects.with_ancestors(pk)
    except Node.DoesNotExist:
        raise Http404 from None
    periods, assessments = _periods_and_assessments(node, request.user)
    period = default_period(periods, timezone.localdate())
    # The children, and their statuses in every period: their badges, and the suggestions.
    children, child_statuses = _children_with_statuses(node, periods)
    current_statuses = child_statuses.get(period.pk, {}) if period else {}
    indicator_table = []
    if node.kind in INDICATOR_KINDS:
        node_indicators, outcomes = _indicators_and_outcomes(node, periods)
        indicator_table = indicators.indicator_rows(node_indicators, periods, outcomes)
    period_assessments = []
    if node.kind in ASSESSABLE_KINDS:
        for index, each in enumerate(periods):
            suggestion = None
            if node.is_goal:
                inputs = [child_statuses.get(each.pk, {}).get(child.id) for child in children]
                inputs += [row.cells[index].status for row in indicator_table]
                suggestion = rollup.suggestion_for(inputs)
            period_assessments.append((each, assessments.get(each.pk), suggestion))
    show_history = request.user.is_authenticated
    can_edit = permissions.can_edit_node(request.user, node)
    return render(
        request,
        "followup/node_detail.html",
        {
            "node": node,
            "ancestors": ancestors,
            "children": children,
            "children_html": render_node_list(children, current_statuses),
            "period": period,
            "period_assessments": period_assessments,
            "distribution": rollup.distribution_items(
                counts.read(node.pk, period.pk) if period and not node.is_leaf_node() else {}
            ),
            "indicator_kinds": node.kind in INDICATOR_KINDS,
            "indicator_table": indicator_table,
            "indicator_periods": periods,
            "can_edit_indicators": permissions.can_edit_indicators(request.user, node),
            "earlier_years": yearly.earlier_years(node, request.user),
            "history": node_history(node, periods) if show_history else None,
            "can_edit": can_edit,
            "can_add_child": permissions.can_add_child(request.user, node),
            "child_kind_label": NodeKind(node.child_kind).label if node.child_kind else "",
        },
    )


# --- follow-up entry ---------------------------------------------------------


def _assessable_nodes(request: HttpRequest, period: Period):
    """The nodes of the period's year that the user may assess, in tree order."""
    roles = permissions.roles_of(request.user)
    nodes = (
        Node.objects.for_year(period.plan_year_id)
        .of_kind(*ASSESSABLE_KINDS)
        .select_related("parent", "committee")
        .in_tree_order()
    )
    if roles.superuser:
        return nodes
    kinds: list[str] = []
    if roles.official:
        kinds += [NodeKind.DIRECTION_GOAL, NodeKind.MUNICIPAL_GOAL]
    scope = nodes.filter(kind__in=kinds)
    if roles.committee_ids:
        scope = scope | nodes.filter(
            kind__in=list(COMMITTEE_KINDS), committee_id__in=roles.committee_ids
        )
    return scope


def assessment_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Every node the user may assess in one period, saved in one go."""
    period = get_object_or_404(Period.objects.select_related("plan_year"), pk=pk)
    if not permissions.roles_of(request.user).editor:
        return permissions.deny(request)
    nodes = list(_assessable_nodes(request, period))
    assessments = {
        assessment.node_id: assessment
        for assessment in Assessment.objects.for_period(period)
        .filter(node__in=nodes)
        .select_related("updated_by")
    }
    form = AssessmentEntryForm(
        request.POST or None,
        nodes=nodes,
        assessments=assessments,
        disabled=period.is_closed and request.method != "POST",
    )
    conflicts: dict = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entries = [
                services.Entry(node=node, status=value, analysis=analysis, version=version)
                for node, value, analysis, version in form.changed_entries()
            ]
            try:
                saved = services.assessments_save(period=period, entries=entries, user=request.user)
            except services.PeriodClosedError:
                messages.error(
                    request,
                    _(
                        "The period has been closed, so nothing was saved. "
                        "Your text is still below; copy it if you need it."
                    ),
                )
                status = 409
            except services.StaleAssessmentsError as stale:
                conflicts = stale.current
                # The user's text stays; the versions move on so a second save
                # knowingly replaces the other change.
                form.data = form.data.copy()
                for node_id, current in conflicts.items():
                    form.data[f"version-{node_id}"] = current.version if current else 0
                messages.error(
                    request,
                    _(
                        "Someone else saved assessments on this page after you opened it. "
                        "Nothing was saved. Their version is shown beside yours; "
                        "save again to replace it with yours."
                    ),
                )
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                if saved:
                    messages.success(
                        request, _("%(count)s assessments were saved.") % {"count": saved}
                    )
                else:
                    messages.info(request, _("Nothing had changed, so nothing was saved."))
                return redirect(period.entry_url())
        else:
            status = 400
    # Only for a page shown: a successful save has redirected above.
    suggestions = rollup.period_suggestions(period)
    for node in nodes:
        node.suggestion = suggestions.get(node.pk)
    return render(
        request,
        "followup/assessment_entry.html",
        {
            "period": period,
            "form": form,
            "rows_html": form.rows_html(conflicts),
            **year_views.entry_approvals(request.user, period),
        },
        status=status,
    )


# --- plan years and periods (officials) --------------------------------------


def _officials_only(request: HttpRequest) -> HttpResponse | None:
    if not permissions.can_manage_years(request.user):
        return permissions.deny(request)
    return None


def plan_year_list(request: HttpRequest) -> HttpResponse:
    if denied := _officials_only(request):
        return denied
    plan_years = list(PlanYear.objects.prefetch_related("periods"))
    form = PlanYearStartForm(
        request.POST or None,
        initial={
            "source": plan_years[0].pk if plan_years else None,
            "year": (plan_years[0].year + 1) if plan_years else timezone.localdate().year,
        },
    )
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("confirmed"):
            return year_views.plan_year_start_confirm(request, form)
        plan_year = services.plan_year_start(
            source=form.cleaned_data["source"], year=form.cleaned_data["year"], user=request.user
        )
        messages.success(
            request, _("The plan year %(year)s was started.") % {"year": plan_year.year}
        )
        return redirect("followup:plan_year_list")
    return render(request, "followup/plan_year_list.html", {"plan_years": plan_years, "form": form})


def period_form(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    if denied := _officials_only(request):
        return denied
    plan_year = get_object_or_404(PlanYear, year=year)
    period = get_object_or_404(Period, pk=pk, plan_year=plan_year) if pk else None
    form = PeriodForm(request.POST or None, instance=period or Period(plan_year=plan_year))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.period_save(
                period=form.instance, expected_version=form.cleaned_data.get("version")
            )
        except StaleEditError as stale:
            conflict = stale.current
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The period was saved."))
            return redirect("followup:plan_year_list")
    return render(
        request,
        "followup/period_form.html",
        {"form": form, "plan_year": plan_year, "period": period, "conflict": conflict},
        status=409 if conflict else 200,
    )


# --- indicators (nyckeltal) --------------------------------------------------


def _goal_for_indicators(request: HttpRequest, pk: int) -> Node | HttpResponse:
    """The goal if the user may keep its indicators; login or 403 otherwise."""
    node = get_object_or_404(Node.objects.select_related("plan_year", "committee"), pk=pk)
    if not permissions.can_edit_indicators(request.user, node):
        return permissions.deny(request)
    if node.kind not in INDICATOR_KINDS:
        raise Http404
    return node


def _indicator_for_edit(request: HttpRequest, pk: int) -> Indicator | HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.select_related("node__plan_year", "node__committee"), pk=pk
    )
    if not permissions.can_edit_indicators(request.user, indicator.node):
        return permissions.deny(request)
    return indicator


def _indicators_url(node: Node) -> str:
    return node.get_absolute_url() + "#indicators"


def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    node = _goal_for_indicators(request, pk)
    if isinstance(node, HttpResponse):
        return node
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicators.indicator_create(node=node, user=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The indicator “%(name)s” was added.") % {"name": indicator.name}
            )
            return redirect(_indicators_url(node))
    return render(
        request,
        "followup/indicator_form.html",
        {"form": form, "node": node},
        status=400 if form.errors else 200,
    )


def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_for_edit(request, pk)
    if isinstance(indicator, HttpResponse):
        return indicator
    form = IndicatorForm(request.POST or None, instance=indicator)
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                indicators.indicator_update(
                    indicator=indicator,
                    expected_version=form.cleaned_data["version"] or 0,
                    user=request.user,
                    **form.values(),
                )
            except StaleEditError as stale:
                conflict = stale.current
                # Keep what the user wrote; the next save knowingly replaces the other change.
                form.data = form.data.copy()
                form.data["version"] = conflict.version
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect(_indicators_url(indicator.node))
        else:
            status = 400
    return render(
        request,
        "followup/indicator_form.html",
        {
            "form": form,
            "node": indicator.node,
            "indicator": indicator,
            "conflict": conflict,
            "conflict_rows": _indicator_fields(conflict) if conflict else [],
        },
        status=status,
    )


def _indicator_fields(indicator: Indicator) -> list[tuple[str, str]]:
    """(label, value) of an indicator's fields, to show someone else's version of it."""
    return [
        (_("Name"), indicator.name),
        (_("Unit"), indicator.unit or "–"),
        (_("Baseline"), indicators.format_value(indicator.baseline)),
        (_("Target"), indicators.format_value(indicator.target)),
        (_("Direction"), indicator.get_direction_display()),
        (_("Kolada KPI id"), indicator.kolada_kpi or "–"),
    ]


def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator_for_edit(request, pk)
    if isinstance(indicator, HttpResponse):
        return indicator
    form = VersionForm(request.POST or None, initial={"version": indicator.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            indicators.indicator_delete(
                indicator=indicator,
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except StaleEditError as stale:
            conflict = True
            indicator = stale.current
            form = VersionForm(initial={"version": indicator.version})
        else:
            messages.success(
                request, _("The indicator “%(name)s” was deleted.") % {"name": indicator.name}
            )
            return redirect(_indicators_url(indicator.node))
    return render(
        request,
        "followup/indicator_delete.html",
        {
            "form": form,
            "indicator": indicator,
            "node": indicator.node,
            "outcome_count": indicator.outcomes.count(),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def outcome_edit(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Enter, change or remove an indicator's outcome in one period."""
    indicator = _indicator_for_edit(request, pk)
    if isinstance(indicator, HttpResponse):
        return indicator
    period = get_object_or_404(Period, pk=period_pk, plan_year_id=indicator.node.plan_year_id)
    outcome = IndicatorOutcome.objects.filter(indicator=indicator, period=period).first()
    initial = {"version": outcome.version if outcome else 0}
    if outcome:
        initial.update(value=outcome.value, source=outcome.source)
    form = OutcomeForm(request.POST or None, initial=initial)
    removing = request.POST.get("action") == "delete"
    # A removal needs only the version the page was opened with, not a valid value.
    version_form = VersionForm(request.POST if removing else None)
    conflict = None
    status = 200
    if request.method == "POST":
        valid = version_form.is_valid() if removing else form.is_valid()
        if not valid:
            status = 400
        else:
            try:
                if removing:
                    indicators.outcome_delete(
                        indicator=indicator,
                        period=period,
                        expected_version=version_form.cleaned_data["version"],
                        user=request.user,
                    )
                    messages.success(request, _("The outcome was removed."))
                else:
                    indicators.outcome_save(
                        indicator=indicator,
                        period=period,
                        value=form.cleaned_data["value"],
                        source=form.cleaned_data["source"],
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                    )
                    messages.success(request, _("The outcome was saved."))
            except services.PeriodClosedError:
                period.refresh_from_db(fields=["state", "deadline", "published_at"])
                status = 409
            except StaleEditError as stale:
                conflict = stale.current
                # The user's input stays; the next save knowingly replaces the other change.
                form.data = form.data.copy()
                form.data["version"] = conflict.version if conflict else 0
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                return redirect(_indicators_url(indicator.node))
    return render(
        request,
        "followup/outcome_form.html",
        {
            "form": form,
            "indicator": indicator,
            "node": indicator.node,
            "period": period,
            "outcome": outcome,
            "target": indicators.format_value(indicator.target),
            "closed_refused": status == 409 and conflict is None and period.is_closed,
            "stale": status == 409 and not period.is_closed,
            "conflict": conflict,
            "conflict_value": indicators.format_value(conflict.value) if conflict else "",
        },
        status=status,
    )


# --- overview, report and exports --------------------------------------------


def overview(request: HttpRequest, year: int) -> HttpResponse:
    """A period in figures: charts per perspective and committee, and the summary
    of the municipal goals the annual report needs."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
    form = PeriodChoiceForm(request.GET or None, periods=periods)
    period = form.selection(default_period(periods, timezone.localdate()))
    committees = list(Committee.objects.all())
    rows = Node.objects.for_year(plan_year).in_tree_order().rows()
    statuses = Assessment.objects.for_period(period).status_by_node() if period else {}
    figures = reports.period_overview(rows, statuses, committees)
    sections = [
        (
            "perspectives",
            _("Goals per perspective"),
            figures.by_perspective,
            reports.GOAL_SCALE,
        ),
        (
            "committee-goals",
            _("Committee goals per committee"),
            figures.goals_by_committee,
            reports.GOAL_SCALE,
        ),
        (
            "activities",
            _("Activities per committee"),
            figures.activities_by_committee,
            reports.ACTIVITY_SCALE,
        ),
    ]
    return render(
        request,
        "followup/overview.html",
        {
            "plan_year": plan_year,
            "periods": periods,
            "period": period,
            "form": form,
            "summary": figures.municipal_summary,
            "charts": [
                {
                    "id": chart_id,
                    "title": title,
                    "svg": charts.bar_chart(
                        chart_id=f"chart-{chart_id}", title=title, groups=groups, scale=scale
                    ),
                    "headers": [status_label(status) for status in scale],
                    "rows": [
                        (group.label, [group.counts[status] for status in scale], group.total())
                        for group in groups
                    ],
                }
                for chart_id, title, groups, scale in sections
            ],
        },
    )


def _visible_period(request: HttpRequest, pk: int) -> Period:
    """The period if the user may read its follow-up; 404 for a hidden one."""
    return get_object_or_404(
        Period.objects.visible_to(request.user).select_related("plan_year"), pk=pk
    )


def period_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The goal section of the interim or annual report, printable."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    period = _visible_period(request, pk)
    return render(
        request,
        "followup/report.html",
        {"period": period, "report": reports.period_report(period)},
    )


EXPORTS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": (
        exports.to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "docx": (
        exports.to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


def report_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The report as a CSV, Excel or Word file."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    if file_format not in EXPORTS:
        raise Http404
    period = _visible_period(request, pk)
    write, content_type, extension = EXPORTS[file_format]
    report = reports.period_report(period, with_activities=file_format != "docx")
    response = HttpResponse(write(report), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(period, extension)}"'
    )
    return response


# --- Kolada import (officials) -----------------------------------------------


def kolada_upload(request: HttpRequest) -> HttpResponse:
    """Import indicator outcomes from a saved Kolada response.

    The report is the answer to the upload, so it is shown rather than
    redirected to; sending the same file again changes nothing more.
    """
    if denied := _officials_only(request):
        return denied
    posted = request.method == "POST"
    form = KoladaUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        municipality=settings.KOLADA_MUNICIPALITY_ID,
        max_bytes=kolada.MAX_BYTES,
    )
    report, status = None, 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                report = kolada.kolada_import(
                    pages=[form.cleaned_data["page"]],
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except kolada.KoladaError as error:
                form.add_error("file", error.messages)
            else:
                status = 200
    return render(
        request,
        "followup/kolada_upload.html",
        {"form": form, "report": report, "municipality": settings.KOLADA_MUNICIPALITY_ID},
        status=status,
    )


# --- search ------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    """One search box over a plan year's titles, descriptions and visible analyses."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_years = list(PlanYear.objects.all())
    # The page opened without a search shows the empty box, not an error.
    form = SearchForm(
        request.GET if "q" in request.GET else None,
        years=[plan_year.year for plan_year in plan_years],
    )
    plan_year, results, status = None, None, 200
    if form.is_bound:
        if not plan_years:
            status = 404
        elif form.is_valid():
            chosen = form.cleaned_data["ar"] or plan_years[0].year
            plan_year = next(each for each in plan_years if each.year == chosen)
            periods = list(Period.objects.for_year(plan_year).visible_to(request.user))
            results = search_year(
                plan_year=plan_year,
                periods=periods,
                query=form.cleaned_data["q"],
                limit=MAX_RESULTS,
            )
        else:
            status = 400
    return render(
        request,
        "followup/search.html",
        {
            "form": form,
            "plan_years": plan_years,
            "plan_year": plan_year,
            "results": results,
            "max_results": MAX_RESULTS,
            "sees_unpublished": permissions.can_see_unpublished(request.user),
        },
        status=status,
    )
