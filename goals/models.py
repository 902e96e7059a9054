"""The goal tree: plan years, committees and the nodes from vision to activity.

Each plan year is one django-mptt tree whose root is the year's vision. The
tree may only be written through `goals.services`, which locks the year's tree
(see `goals.locking`); `Node.save()` and `Node.delete()` refuse otherwise, so
a concurrent insert can never corrupt the nested sets.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

from goals import rules, sqlrows
from goals.decisions import DecisionFields
from goals.locking import assert_tree_locked
from goals.rows import ActivityPlan, TreeRow
from goals.rules import (  # noqa: F401  (the kinds are named from the models too)
    ASSESSABLE_KINDS,
    CHILD_KIND,
    COMMITTEE_KIND_LIST,
    COMMITTEE_KINDS,
    GOAL_KINDS,
    INDICATOR_KINDS,
    KIND_ORDER,
    MUNICIPAL_KINDS,
    PARENT_KIND,
    NodeKind,
    kind_label,
)
from goals.signals import subtree_attached, subtree_detaching
from goals.text import PlainCharField, PlainTextField
from goals.tree_manager import NodeTreeManager


class PlanYearState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


class PlanYear(DecisionFields):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PlanYearState.choices, default=PlanYearState.DRAFT
    )
    # The body that adopted the year's goals: kommunfullmäktige as a rule.
    decision_body = PlainCharField(_("decided by"), max_length=200, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=rules.FIRST_PLAN_YEAR) & Q(year__lte=rules.LAST_PLAN_YEAR),
                name="plan_year_year_range",
            ),
            # An adopted year names its decision.
            models.CheckConstraint(
                condition=~Q(state=PlanYearState.ADOPTED) | Q(decided_on__isnull=False),
                name="adopted_plan_year_has_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("followup:red_thread", kwargs={"year": self.year})

    @property
    def is_adopted(self) -> bool:
        return self.state == PlanYearState.ADOPTED


class CommitteeQuerySet(models.QuerySet["Committee"]):
    def active(self) -> CommitteeQuerySet:
        return self.filter(is_active=True)


class Committee(models.Model):
    """A nämnd (kommunstyrelsen included) that sets its own goals and activities."""

    name = PlainCharField(_("name"), max_length=200, unique=True)
    short_name = PlainCharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretaries"),
        blank=True,
        related_name="committees",
    )

    history = HistoricalRecords(m2m_fields=[members])
    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def plan_url(self, year: int) -> str:
        return reverse("goals:operational_plan", kwargs={"year": year, "slug": self.slug})


class GehRole(models.TextChoices):
    """What a municipal goal is for sound financial management (god ekonomisk
    hushållning, kommunallagen 11 kap. 6 §): a financial goal, an operational
    goal of importance for it, or neither (blank)."""

    FINANCIAL = "financial", _("Financial goal")
    OPERATIONAL = "operational", _("Operational goal of importance for sound financial management")


class NodeQuerySet(TreeQuerySet):
    def for_year(self, plan_year: PlanYear | int) -> NodeQuerySet:
        return self.filter(plan_year=plan_year)

    def in_tree_order(self) -> NodeQuerySet:
        return self.order_by("tree_id", "lft")

    def of_kind(self, *kinds: str) -> NodeQuerySet:
        return self.filter(kind__in=kinds)

    def with_ancestors(self, pk: int) -> tuple[Node, list[Node]]:
        """The node with its plan year and committee, and its ancestors from the
        vision down, in one query.

        The ancestors are found by following the parent ids through the primary
        key (`WITH RECURSIVE`), whatever the year's size: django-mptt's
        `get_ancestors()` selects by `lft`/`rght`, which no index holds (see
        Meta.indexes), and so reads the whole year.

        Raises Node.DoesNotExist when this queryset has no such node.
        """
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        # The chain starts from this queryset, so an earlier filter still holds.
        try:
            start, start_params = self.filter(pk=pk).order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a queryset that can hold nothing, such as none()
            raise Node.DoesNotExist(f"No node with id {pk}.") from None
        sql = (
            "WITH RECURSIVE chain (id, parent_id, depth) AS ("
            f" SELECT id, parent_id, 0 FROM {table} WHERE id IN ({start})"
            " UNION ALL"
            f" SELECT up.id, up.parent_id, chain.depth + 1 FROM {table} up"
            " JOIN chain ON up.id = chain.parent_id)"
            f" SELECT chain.depth, {sqlrows.select_list(Node, 'n')},"
            f" {sqlrows.select_list(PlanYear, 'y')}, {sqlrows.select_list(Committee, 'c')}"
            f" FROM chain JOIN {table} n ON n.id = chain.id"
            f" LEFT JOIN {quote(PlanYear._meta.db_table)} y"
            " ON chain.depth = 0 AND y.id = n.plan_year_id"
            f" LEFT JOIN {quote(Committee._meta.db_table)} c"
            " ON chain.depth = 0 AND c.id = n.committee_id"
            " ORDER BY chain.depth DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, start_params)
            found = cursor.fetchall()
        if not found or found[-1][0] != 0:
            raise Node.DoesNotExist(f"No node with id {pk}.")
        node_end = 1 + sqlrows.width(Node)
        year_end = node_end + sqlrows.width(PlanYear)
        chain = [sqlrows.instance(Node, row[1:node_end]) for row in found]
        node, last = chain[-1], found[-1]
        sqlrows.cache_related(
            node, "plan_year", sqlrows.instance(PlanYear, last[node_end:year_end])
        )
        sqlrows.cache_related(node, "committee", sqlrows.instance(Committee, last[year_end:]))
        return node, chain[:-1]

    def earlier_copies(self, node: Node, limit: int) -> NodeQuerySet:
        """The nodes `node` was copied from, year after year back, at most `limit` of them.

        The chain of `copied_from` is followed by the database in one recursive
        query (a CTE, which PostgreSQL and SQLite both have), so a page costs
        the same whatever the number of years; a loop in Python would cost a
        query per year. The depth bound keeps the page short and ends the
        recursion even if a hand edit in the admin ever made the chain a cycle.
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        chain = (
            "WITH RECURSIVE chain(id, copied_from_id, depth) AS ("
            f" SELECT id, copied_from_id, 0 FROM {table} WHERE id = %s"
            " UNION ALL"
            f" SELECT node.id, node.copied_from_id, chain.depth + 1 FROM {table} node"
            " JOIN chain ON node.id = chain.copied_from_id WHERE chain.depth < %s"
            ") SELECT id FROM chain WHERE depth > 0"
        )
        return self.filter(pk__in=RawSQL(chain, (node.pk, limit)))

    def activity_plans(self, committee_id: int) -> dict[int, ActivityPlan]:
        """A committee's activities' plan fields, by node id: one query."""
        return {
            values[0]: ActivityPlan(*values[1:])
            for values in self.filter(kind=NodeKind.ACTIVITY, committee_id=committee_id)
            .order_by()
            .values_list("id", "responsible", "start_date", "end_date", "cost_estimate")
        }

    def rows(self) -> list[TreeRow]:
        """The listing columns as light tuples: a big tree renders without model instances."""
        # tuple.__new__ skips the Python-level constructor of the named tuple.
        new = tuple.__new__
        return [new(TreeRow, values) for values in self.values_list(*TreeRow._fields)]


class Node(MPTTModel):
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = TreeForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NodeKind.choices)
    title = PlainCharField(_("title"), max_length=300)
    description = PlainTextField(_("description"), blank=True, max_length=20000)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nodes",
    )
    # The node this one was copied from when its plan year was started as a
    # copy of the year before: the thread that links a goal across years.
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    geh_role = models.CharField(
        _("sound financial management"),
        max_length=20,
        choices=GehRole.choices,
        blank=True,
        default="",
        help_text=_("Municipal goals only."),
    )
    # Raised on every edit; a form that carries an older value is refused
    # instead of silently overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # An activity is also a plan: who carries it out, when, and at what cost.
    responsible = PlainCharField(
        _("responsible"),
        max_length=200,
        blank=True,
        help_text=_("A person's name or a role, for example “rektor”."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    cost_estimate = models.DecimalField(
        _("cost estimate (kr)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    global_goals = models.ManyToManyField(
        "goals.GlobalGoal",
        verbose_name=_("global goals"),
        through="goals.NodeGlobalGoal",
        blank=True,
        related_name="nodes",
    )

    history = HistoricalRecords(excluded_fields=["lft", "rght", "tree_id", "level"])
    # Also the manager django-mptt writes the tree through (goals/tree_manager.py).
    objects = NodeTreeManager.from_queryset(NodeQuerySet)()

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        # No index may contain lft, rght or level. Every insert, move and
        # delete renumbers those columns in up to every row of the year; while
        # no index holds them, PostgreSQL rewrites each row in place (a HOT
        # update) instead of adding entries to every index of the table
        # (docs/performance.md). The tree_id index serves the reads.
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year"],
                condition=Q(kind=NodeKind.VISION),
                name="one_vision_per_year",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(kind=NodeKind.DIRECTION_GOAL),
                name="one_direction_goal_per_perspective",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=COMMITTEE_KIND_LIST, committee__isnull=False)
                    | (~Q(kind__in=COMMITTEE_KIND_LIST) & Q(committee__isnull=True))
                ),
                name="committee_only_on_committee_levels",
            ),
            models.CheckConstraint(condition=Q(kind__in=KIND_ORDER), name="node_kind_valid"),
            models.CheckConstraint(
                condition=Q(geh_role="")
                | Q(kind=NodeKind.MUNICIPAL_GOAL, geh_role__in=GehRole.values),
                name="geh_role_only_on_municipal_goals",
            ),
            # One tree per plan year, numbered by the year's id: a new year's
            # root never has to search for a free tree id, and no write to one
            # year ever renumbers another year's tree.
            models.CheckConstraint(condition=Q(tree_id=F("plan_year")), name="tree_is_plan_year"),
            models.CheckConstraint(
                condition=Q(kind=NodeKind.ACTIVITY)
                | (
                    Q(responsible="")
                    & Q(start_date__isnull=True)
                    & Q(end_date__isnull=True)
                    & Q(cost_estimate__isnull=True)
                ),
                name="plan_fields_only_on_activities",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        assert_tree_locked(self.plan_year_id)
        self.validate_structure()
        adding = self._state.adding
        # django-mptt moves a node whose parent was changed and saved.
        reparented = not adding and self._parent_changed_in_database()
        if reparented:
            subtree_detaching.send(sender=Node, node=self, moving=True)
        super().save(*args, **kwargs)
        if adding or reparented:
            subtree_attached.send(sender=Node, node=self, created=adding, moving=reparented)

    def delete(self, *args, **kwargs):
        assert_tree_locked(self.plan_year_id)
        subtree_detaching.send(sender=Node, node=self, moving=False)
        return super().delete(*args, **kwargs)

    def move_to(self, target: Node, position: str = "first-child", *, fresh: bool = False) -> None:
        """Move the node and its subtree; `fresh` when both nodes were just read
        under the tree lock (NodeTreeManager.move_node)."""
        assert_tree_locked(self.plan_year_id)
        subtree_detaching.send(sender=Node, node=self, moving=True)
        self._tree_manager.move_node(self, target, position, fresh=fresh)
        subtree_attached.send(sender=Node, node=self, created=False, moving=True)

    def _parent_changed_in_database(self) -> bool:
        cached = getattr(self, "_mptt_cached_fields", {}).get("parent")
        if cached == self.parent_id:
            return False  # the common case, known without a query
        in_database = Node.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first()
        return in_database != self.parent_id

    def get_absolute_url(self) -> str:
        return reverse("followup:node_detail", kwargs={"pk": self.pk})

    @property
    def is_assessable(self) -> bool:
        return self.kind in ASSESSABLE_KINDS

    @property
    def is_goal(self) -> bool:
        return self.kind in GOAL_KINDS

    @property
    def child_kind(self) -> str | None:
        return CHILD_KIND[self.kind]

    def clean(self) -> None:
        super().clean()
        self.validate_structure()

    def validate_structure(self) -> None:
        """Enforce the steering model's rules (goals/rules.py); raise ValidationError
        with Swedish text.

        Runs on every save, so the rules hold whatever the caller (form, admin,
        import, shell) does.
        """
        errors: dict[str, list[str]] = {}
        parent = self.parent
        parent_kind = parent.kind if parent is not None else None
        placement = rules.placement_error(self.kind, parent_kind)
        if placement is not None:
            errors.setdefault("kind" if self.kind not in PARENT_KIND else "parent", []).append(
                placement
            )
        elif (
            parent is None
            and Node.objects.filter(plan_year_id=self.plan_year_id, kind=NodeKind.VISION)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors.setdefault("kind", []).append(_("The plan year already has a vision."))
        if parent is not None and PARENT_KIND.get(self.kind) is not None:
            if parent.plan_year_id != self.plan_year_id:
                errors.setdefault("parent", []).append(
                    _("The parent belongs to another plan year.")
                )
            if (
                self.kind == NodeKind.DIRECTION_GOAL
                and Node.objects.filter(parent=parent, kind=NodeKind.DIRECTION_GOAL)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors.setdefault("parent", []).append(rules.second_direction_goal_error())
        committee = rules.committee_error(
            self.kind,
            self.committee_id,
            parent_kind=parent_kind,
            parent_committee_id=parent.committee_id if parent is not None else None,
        )
        if committee is not None:
            errors.setdefault("committee", []).append(committee)
        geh_role = rules.geh_role_error(self.kind, self.geh_role)
        if geh_role is not None:
            errors.setdefault("geh_role", []).append(geh_role)
        self._validate_plan_fields(errors)
        if errors:
            raise ValidationError(errors)

    def _validate_plan_fields(self, errors: dict[str, list[str]]) -> None:
        """Responsible, dates and cost belong to activities, and an activity ends
        no earlier than it starts."""
        if self.kind != NodeKind.ACTIVITY:
            for name in ("responsible", "start_date", "end_date", "cost_estimate"):
                if getattr(self, name) not in (None, ""):
                    errors.setdefault(name, []).append(
                        _("Only activities have a responsible, dates and a cost estimate.")
                    )
        elif self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", []).append(
                _("The end date cannot be before the start date.")
            )


# Models in modules of their own, imported here so that Django registers them
# with this app: the approvals of operational plans, roles from the directory,
# the council's assignments and Agenda 2030.
from goals.agendamodels import GlobalGoal, NodeGlobalGoal  # noqa: E402, F401
from goals.approvalmodels import (  # noqa: E402, F401
    Approval,
    ApprovalQuerySet,
    ApprovalState,
    OperationalPlan,
    plan_state_label,
)
from goals.assignmentmodels import Assignment  # noqa: E402, F401
from goals.directorymodels import DirectoryRole  # noqa: E402, F401
from goals.linkmodels import NodeLink  # noqa: E402, F401
