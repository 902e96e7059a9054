from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from mptt.admin import MPTTModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from goals.agendamodels import GlobalGoal, NodeGlobalGoal
from goals.assignmentmodels import Assignment
from goals.linkmodels import NodeLink
from goals.locking import tree_lock
from goals.models import Committee, Node, PlanYear


@admin.register(PlanYear)
class PlanYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "copied_from", "created_at"]
    raw_id_fields = ["copied_from"]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Node)
class NodeAdmin(SimpleHistoryAdmin, MPTTModelAdmin):
    """Superusers' raw access. Writes still take the year's tree lock."""

    list_display = ["title", "kind", "committee", "plan_year"]
    list_filter = ["plan_year", "kind", "committee"]
    search_fields = ["title"]
    raw_id_fields = ["parent", "copied_from"]
    exclude = ["version"]

    def save_model(self, request: HttpRequest, obj: Node, form, change: bool) -> None:
        with tree_lock(obj.plan_year_id):
            if change:
                obj._mptt_refresh()  # the tree columns may have moved since the form loaded
                obj.version += 1
            elif obj.parent_id is None:
                obj.tree_id, obj.lft, obj.rght, obj.level = obj.plan_year_id, 1, 2, 0
            obj.save()

    def delete_model(self, request: HttpRequest, obj: Node) -> None:
        with tree_lock(obj.plan_year_id):
            obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Node]) -> None:
        for node in queryset.order_by("-level"):
            with tree_lock(node.plan_year_id):
                if Node.objects.filter(pk=node.pk).exists():
                    node.delete()


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "plan_year", "due_date"]
    list_filter = ["plan_year", "committee"]
    search_fields = ["title"]
    raw_id_fields = ["goal", "copied_from"]


class ReadOnly:
    """Admin rows to look at, and to delete, but not to add or change here: their
    rules (`goals/links.py`, `goals/agenda.py`) and their history's author
    are kept by the pages that make them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(NodeLink)
class NodeLinkAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["source", "target", "plan_year", "created_at"]
    list_filter = ["plan_year"]
    list_select_related = ["source", "target", "plan_year"]
    search_fields = ["source__title", "target__title"]


@admin.register(NodeGlobalGoal)
class NodeGlobalGoalAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["node", "global_goal"]
    list_filter = ["global_goal", "node__plan_year"]
    list_select_related = ["node", "global_goal"]
    search_fields = ["node__title"]


@admin.register(GlobalGoal)
class GlobalGoalAdmin(ReadOnly, admin.ModelAdmin):
    """The 17 are shipped by a migration and put back after a flush: not deleted here."""

    list_display = ["number", "name", "colour"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
