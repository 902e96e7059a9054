from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from followup.assignmentmodels import AssignmentFollowup
from followup.gehmodels import BalanceDeficit, BalanceStatement, GehEvaluation
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.koladamodels import KoladaArea, KoladaKpi, KpiValue
from followup.models import Assessment, Period


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan_year", "kind", "cutoff_date", "deadline", "state"]
    list_filter = ["plan_year", "kind", "state"]
    exclude = ["version"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["node", "period", "status", "updated_by", "updated_at"]
    list_filter = ["period", "status"]
    search_fields = ["node__title", "analysis"]
    raw_id_fields = ["node", "updated_by"]
    exclude = ["version"]


class IndicatorOutcomeInline(admin.TabularInline):
    model = IndicatorOutcome
    extra = 0
    raw_id_fields = ["updated_by"]
    exclude = ["version"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "node", "target", "direction", "kolada_kpi"]
    list_filter = ["node__plan_year", "direction"]
    search_fields = ["name", "kolada_kpi", "node__title"]
    raw_id_fields = ["node", "copied_from"]
    exclude = ["version"]
    inlines = [IndicatorOutcomeInline]


@admin.register(GehEvaluation)
class GehEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["period", "verdict", "updated_by", "updated_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["updated_by"]
    exclude = ["version"]


class BalanceDeficitInline(admin.TabularInline):
    model = BalanceDeficit
    extra = 0


@admin.register(BalanceStatement)
class BalanceStatementAdmin(SimpleHistoryAdmin):
    list_display = ["period", "result", "updated_by", "updated_at"]
    raw_id_fields = ["updated_by"]
    exclude = ["version"]
    inlines = [BalanceDeficitInline]


@admin.register(KoladaKpi)
class KoladaKpiAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "operating_area", "is_divided_by_gender", "has_ou_data"]
    list_filter = ["operating_area", "is_divided_by_gender", "has_ou_data"]
    search_fields = ["id", "title"]
    exclude = ["search_text"]


@admin.register(KoladaArea)
class KoladaAreaAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "kind", "municipality"]
    list_filter = ["kind"]
    search_fields = ["id", "title"]


@admin.register(KpiValue)
class KpiValueAdmin(admin.ModelAdmin):
    list_display = ["kpi", "area", "year", "gender", "value", "updated_at"]
    list_filter = ["year", "gender"]
    search_fields = ["kpi", "area"]


@admin.register(AssignmentFollowup)
class AssignmentFollowupAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "period", "status", "updated_at"]
    list_filter = ["period", "status"]
    raw_id_fields = ["assignment"]
