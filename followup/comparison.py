"""The overview's comparisons: each perspective's and each committee's goals and
activities as stacked bars in a period, beside the period before and the same
period a year earlier, and the goals not met or partly met, named.

A perspective of the year before is the one the current perspective was
copied from (`copied_from`); committees are the same from year to year. Every
bar links to the röd tråd filtered to what it counts.

Five queries whatever the size of the year: the periods of the two years
the reader may see, both years' trees with their statuses (`_rows`), the
analyses of the goals listed (when any is listed), and the global goals with
the statuses of the goals linked to them (`followup.agenda`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from followup import approvedonly, bars
from followup.agenda import AgendaSummary, agenda_summary
from followup.models import MISSING, WITHHELD, Assessment, GoalStatus, Period, status_label
from followup.reports import Summary
from goals.models import GOAL_KINDS, Committee, Node, NodeKind, PlanYear, kind_label

# How many goals of each status are named; the röd tråd lists them all.
LISTED = 40
# How much of an analysis is shown under a goal's name.
EXCERPT = 240


@dataclass
class BarRow:
    period: Period
    counts: Counter[str]
    scale: list[str]
    url: str
    current: bool = False

    @property
    def bar(self) -> SafeString:
        return bars.stacked_bar(self.counts, self.scale, label=self.period.display_title)


@dataclass
class Group:
    title: str
    rows: list[BarRow] = field(default_factory=list)


@dataclass
class GoalNote:
    id: int
    title: str
    kind: str
    committee: str
    status: str
    excerpt: str = ""

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class GoalList:
    status: str
    goals: list[GoalNote]
    total: int
    url: str  # the röd tråd filtered to the status

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class Comparison:
    previous: Period | None
    last_year: Period | None
    perspectives: list[Group] = field(default_factory=list)
    committee_goals: list[Group] = field(default_factory=list)
    committee_activities: list[Group] = field(default_factory=list)
    goal_lists: list[GoalList] = field(default_factory=list)
    # How the municipal goals came out in the period, for the annual report.
    summary: Summary = field(default_factory=lambda: Summary(Counter()))
    # The goals linked to each Agenda 2030 global goal, by their status.
    agenda: AgendaSummary | None = None

    @property
    def sections(self) -> list[tuple[str, str, list[Group]]]:
        """(id, heading, groups) of each set of bars, in the page's order."""
        return [
            ("perspectives", _("Goals per perspective"), self.perspectives),
            ("committee-goals", _("Committee goals per committee"), self.committee_goals),
            ("activities", _("Activities per committee"), self.committee_activities),
        ]


def period_comparison(
    plan_year: PlanYear, period: Period | None, *, user, committees: list[Committee]
) -> Comparison | None:
    """The comparisons for the overview of `period`; None without a period."""
    if period is None:
        return None
    periods = list(
        Period.objects.filter(
            Q(plan_year=plan_year)
            | Q(plan_year_id=plan_year.copied_from_id)
            | Q(plan_year__year=plan_year.year - 1)
        )
        .visible_to(user)
        .select_related("plan_year")
    )
    this_year = [item for item in periods if item.plan_year_id == plan_year.pk]
    earlier = [item for item in periods if item.plan_year_id != plan_year.pk]
    if plan_year.copied_from_id:
        earlier = [item for item in earlier if item.plan_year_id == plan_year.copied_from_id]
    index = next((i for i, item in enumerate(this_year) if item.pk == period.pk), 0)
    previous = this_year[index - 1] if index else (earlier[-1] if earlier else None)
    last_year = next((item for item in earlier if item.kind == period.kind), None)
    comparison = Comparison(previous=previous, last_year=last_year)

    in_year_previous = previous if previous and previous.plan_year_id == plan_year.pk else None
    old_previous = previous if previous and not in_year_previous else None
    earlier_year = earlier[0].plan_year if earlier else None
    # Both years in one query: in the first column each node's status in the
    # period (this year) or the same period a year before (the year before);
    # in the second, in the period before, whichever year it lies in.
    both = _rows(
        [plan_year.pk, earlier_year.pk if earlier_year else None],
        [period, last_year],
        [in_year_previous, old_previous],
    )
    rows = [row for row in both if row[_TREE] == plan_year.pk]
    earlier_rows = [row for row in both if row[_TREE] != plan_year.pk]
    withheld = approvedonly.withheld_for(user, [period, previous, last_year])
    if withheld:
        rows = _withhold(rows, withheld, period, in_year_previous)
        earlier_rows = _withhold(earlier_rows, withheld, last_year, old_previous)
    copies = _copies(rows)
    current = _tally(rows, _STATUS)
    before = None
    if in_year_previous:
        before = _tally(rows, _BEFORE)
    elif old_previous:
        before = _tally(earlier_rows, _BEFORE, copies=copies)
    a_year_before = _tally(earlier_rows, _STATUS, copies=copies) if last_year else None

    links = _Links(plan_year, earlier[0].plan_year if earlier else None)
    columns = [
        (period, current, True),
        (previous, before, False),
        (last_year, a_year_before, False),
    ]
    for perspective_id, title in current.perspectives.items():
        group = Group(title)
        for shown, tally, is_current in columns:
            if shown is None or tally is None:
                continue
            counts = tally.goals_by_perspective.get(perspective_id, Counter())
            if sum(counts.values()):
                url = links.red_thread(shown, perspective=tally.perspective_ids.get(perspective_id))
                group.rows.append(BarRow(shown, counts, bars.GOAL_SCALE, url, is_current))
        if group.rows and group.rows[0].current:
            comparison.perspectives.append(group)
    for committee in committees:
        for target, attribute, scale, level in (
            (comparison.committee_goals, "goals_by_committee", bars.GOAL_SCALE, None),
            (
                comparison.committee_activities,
                "activities_by_committee",
                bars.ACTIVITY_SCALE,
                "activity",
            ),
        ):
            group = Group(committee.name)
            for shown, tally, is_current in columns:
                if shown is None or tally is None:
                    continue
                counts = getattr(tally, attribute).get(committee.pk, Counter())
                if sum(counts.values()):
                    url = links.red_thread(shown, committee=committee.pk, level=level)
                    group.rows.append(BarRow(shown, counts, scale, url, is_current))
            if group.rows and group.rows[0].current:
                target.append(group)
    comparison.goal_lists = _goal_lists(rows, period, committees, links)
    comparison.agenda = agenda_summary(plan_year, period)
    comparison.summary = Summary(
        Counter(row[_STATUS] or MISSING for row in rows if row[_KIND] == NodeKind.MUNICIPAL_GOAL)
    )
    return comparison


def _withhold(
    rows: list[tuple], withheld: approvedonly.Withheld, first: Period | None, second: Period | None
) -> list[tuple]:
    """The rows with the statuses withheld from the reader in either column as such."""
    for column, shown in ((_STATUS, first), (_BEFORE, second)):
        rows = approvedonly.mask_rows(
            rows,
            withheld,
            getattr(shown, "pk", None),
            committee=_COMMITTEE,
            masked={column: WITHHELD},
        )
    return rows


# Positions in a row of `_rows`.
_ID, _LEVEL, _KIND, _TITLE, _STATUS, _BEFORE, _COMMITTEE, _COPIED_FROM, _TREE = range(9)


def _rows(
    plan_year_ids: list[int | None], first: list[Period | None], second: list[Period | None]
) -> list[tuple]:
    """The years' nodes in tree order, each with its status in whichever of the
    `first` periods is of its year, and in whichever of the `second`."""
    quote = connection.ops.quote_name
    nodes = quote(Node._meta.db_table)
    assessments = quote(Assessment._meta.db_table)
    sql = (
        "SELECT n.id, n.level, n.kind, n.title, a.status, b.status, n.committee_id,"
        " n.copied_from_id, n.tree_id"
        f" FROM {nodes} n"
        f" LEFT JOIN {assessments} a ON a.node_id = n.id AND a.period_id IN (%s, %s)"
        f" LEFT JOIN {assessments} b ON b.node_id = n.id AND b.period_id IN (%s, %s)"
        " WHERE n.tree_id IN (%s, %s) ORDER BY n.tree_id, n.lft"
    )

    def ids(periods: list[Period | None]) -> list[int | None]:
        return [getattr(each, "pk", None) for each in periods]

    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids(first), *ids(second), *plan_year_ids])
        return cursor.fetchall()


def _copies(rows: list[tuple]) -> dict[int, int]:
    """The year before's perspective ids, each to the current perspective copied from it."""
    return {
        row[_COPIED_FROM]: row[_ID]
        for row in rows
        if row[_KIND] == NodeKind.PERSPECTIVE and row[_COPIED_FROM]
    }


@dataclass
class _Tally:
    perspectives: dict[int, str] = field(default_factory=dict)
    # The current perspective's id -> the id it has in the year counted.
    perspective_ids: dict[int, int] = field(default_factory=dict)
    goals_by_perspective: dict[int, Counter[str]] = field(default_factory=dict)
    goals_by_committee: dict[int, Counter[str]] = field(default_factory=dict)
    activities_by_committee: dict[int, Counter[str]] = field(default_factory=dict)


def _tally(rows: list[tuple], column: int, copies: dict[int, int] | None = None) -> _Tally:
    """Statuses in one column of the rows counted per perspective (goals) and
    per committee (goals and activities apart). With `copies`, the rows are a
    year before and their perspectives are counted under the current ones."""
    tally = _Tally()
    perspective: int | None = None
    for row in rows:
        kind = row[_KIND]
        if kind == NodeKind.PERSPECTIVE:
            perspective = row[_ID] if copies is None else copies.get(row[_ID])
            if perspective is not None:
                tally.perspectives[perspective] = row[_TITLE]
                tally.perspective_ids[perspective] = row[_ID]
            continue
        status = row[column] or MISSING
        if kind == NodeKind.ACTIVITY:
            tally.activities_by_committee.setdefault(row[_COMMITTEE], Counter())[status] += 1
        elif kind in GOAL_KINDS:
            if perspective is not None:
                tally.goals_by_perspective.setdefault(perspective, Counter())[status] += 1
            if kind == NodeKind.COMMITTEE_GOAL:
                tally.goals_by_committee.setdefault(row[_COMMITTEE], Counter())[status] += 1
    return tally


class _Links:
    """Addresses of the röd tråd of this year or the year before, filtered."""

    def __init__(self, plan_year: PlanYear, earlier: PlanYear | None) -> None:
        self.urls = {plan_year.pk: reverse("followup:red_thread", kwargs={"year": plan_year.year})}
        if earlier is not None:
            self.urls[earlier.pk] = reverse("followup:red_thread", kwargs={"year": earlier.year})

    def red_thread(self, period: Period, **filters: object) -> str:
        params = {"period": period.pk, **{k: v for k, v in filters.items() if v is not None}}
        return f"{self.urls[period.plan_year_id]}?{urlencode(params)}"


def _goal_lists(
    rows: list[tuple], period: Period, committees: list[Committee], links: _Links
) -> list[GoalList]:
    """The goals not met and partly met, the council's goals before the
    committees', each with the first lines of its analysis."""
    labels = {committee.pk: committee.label for committee in committees}
    lists = []
    chosen: dict[int, GoalNote] = {}
    for status in (GoalStatus.NOT_MET, GoalStatus.PARTLY_MET):
        matching = [row for row in rows if row[_KIND] in GOAL_KINDS and row[_STATUS] == status]
        matching.sort(key=lambda row: row[_KIND] == NodeKind.COMMITTEE_GOAL)  # stable
        notes = [
            GoalNote(
                id=row[_ID],
                title=row[_TITLE],
                kind=row[_KIND],
                committee=labels.get(row[_COMMITTEE], ""),
                status=status,
            )
            for row in matching[:LISTED]
        ]
        chosen.update((note.id, note) for note in notes)
        lists.append(
            GoalList(
                status=status,
                goals=notes,
                total=len(matching),
                url=links.red_thread(period, status=status, analyses=1),
            )
        )
    if chosen:
        for node_id, analysis in Assessment.objects.filter(
            period=period, node_id__in=list(chosen)
        ).values_list("node_id", "analysis"):
            chosen[node_id].excerpt = excerpt(analysis)
    return lists


def excerpt(analysis: str) -> str:
    """The analysis's first paragraph, cut at a word near EXCERPT characters."""
    first = analysis.strip().replace("\r\n", "\n").split("\n\n")[0].replace("\n", " ")
    if len(first) <= EXCERPT:
        return first
    return first[:EXCERPT].rsplit(" ", 1)[0] + " …"
