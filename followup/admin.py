from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from followup.models import Assessment, Indicator, IndicatorOutcome, Period


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
